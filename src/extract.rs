//! Every extractor the command line can name, and how each is built: the one place that knows them all.
//!
//! The trait and the shared steps live in the core crate ([`nertab_core::extract`], re-exported here); the
//! extractors live where their dependencies do: [`amounts`] in the core, [`ner`](crate::ner::extractor) in the
//! model crate. A new extractor (dates, say) is one file beside them and one line in [`REGISTRY`].

pub use nertab_core::extract::*;

use nertab_model::ner::extractor::{self, NerExtractor};
use nertab_model::ner::NerModel;

/// What the caller loads for the extractors it asks for: the command line owns how a model is found and loaded.
#[derive(Default)]
pub struct Resources {
    /// The NER model, for extractors whose [`Registration::needs_ner_model`] is set.
    pub ner_model: Option<NerModel>,
}

/// An extractor the command line can name.
pub struct Registration {
    /// Its `--extractors` name.
    pub name: &'static str,
    /// Whether [`Resources::ner_model`] must be loaded to build it.
    pub needs_ner_model: bool,
    /// Builds it, taking what it needs from the resources.
    pub build: fn(&mut Resources) -> Result<Box<dyn Extractor>, ExtractError>,
}

/// Every extractor, in the order they run: the first runs on the calling thread (the NER model, which has its own
/// libtorch threads), the others each beside it.
pub const REGISTRY: &[Registration] = &[
    Registration {
        name: extractor::SOURCE,
        needs_ner_model: true,
        build: |resources| {
            let model = resources.ner_model.take().ok_or(ExtractError::NoModel(extractor::SOURCE))?;
            Ok(Box::new(NerExtractor::new(model)))
        },
    },
    Registration { name: amounts::SOURCE, needs_ner_model: false, build: |_| Ok(Box::new(amounts::AmountsExtractor)) },
];

/// The `--extractors` names, in registry order.
pub fn names() -> impl Iterator<Item = &'static str> {
    REGISTRY.iter().map(|r| r.name)
}

/// Whether any of the extractors `names` needs the NER model.
pub fn needs_ner_model<S: AsRef<str>>(names: &[S]) -> bool {
    REGISTRY.iter().any(|r| r.needs_ner_model && names.iter().any(|n| n.as_ref() == r.name))
}

/// Builds the extractors `names` (each once, in registry order, whatever order they are named in).
pub fn build<S: AsRef<str>>(names: &[S], resources: &mut Resources) -> Result<Vec<Box<dyn Extractor>>, ExtractError> {
    if let Some(unknown) = names.iter().find(|n| REGISTRY.iter().all(|r| r.name != n.as_ref())) {
        return Err(ExtractError::Unknown(unknown.as_ref().to_string()));
    }
    REGISTRY.iter().filter(|r| names.iter().any(|n| n.as_ref() == r.name)).map(|r| (r.build)(resources)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_builds_in_its_own_order() {
        let built = build(&["amounts"], &mut Resources::default()).unwrap();
        assert_eq!(built.iter().map(|e| e.name()).collect::<Vec<_>>(), ["amounts"]);
        assert!(matches!(build(&["ner"], &mut Resources::default()), Err(ExtractError::NoModel("ner"))));
        assert!(matches!(build(&["dates"], &mut Resources::default()), Err(ExtractError::Unknown(_))));
        assert!(needs_ner_model(&["amounts", "ner"]) && !needs_ner_model(&["amounts"]));
        assert_eq!(names().collect::<Vec<_>>(), ["ner", "amounts"]);
    }
}
