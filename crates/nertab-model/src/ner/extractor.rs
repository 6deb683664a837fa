//! The NER model as an extractor: named entities with their confidence.
//!
//! The model labels a whole chunk of documents in one call so that its batches are full of word pieces from many
//! documents; its own libtorch threads do the parallel work, which is why it runs on the pipeline's calling thread
//! rather than on the rayon pool.

use std::time::Duration;

use nertab_core::extract::{Doc, ExtractError, Extractor, Mention};

use super::NerModel;

/// The extractor's name and its mentions' `source` (the core's [`NER_SOURCE`](nertab_core::extract::NER_SOURCE),
/// by which the steps after all extractors tell entities from values).
pub const SOURCE: &str = nertab_core::extract::NER_SOURCE;

/// Named entities (`PER`, `ORG`, `LOC`, `MISC`) from a [`NerModel`].
pub struct NerExtractor {
    model: NerModel,
}

impl NerExtractor {
    /// Wraps a loaded model.
    pub fn new(model: NerModel) -> NerExtractor {
        NerExtractor { model }
    }

    /// The model, e.g. for its statistics.
    pub fn model(&self) -> &NerModel {
        &self.model
    }
}

impl Extractor for NerExtractor {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn extract(&self, docs: &[Doc<'_>]) -> Result<Vec<Vec<Mention>>, ExtractError> {
        let found = self.model.predict(docs).map_err(|e| ExtractError::Failed { name: SOURCE, source: e.into() })?;
        Ok(found
            .into_iter()
            .map(|entities| {
                entities
                    .into_iter()
                    .map(|e| Mention {
                        sentence: e.sentence,
                        start: e.start,
                        end: e.end,
                        label: e.label.into(),
                        value: None,
                        value_high: None,
                        unit: None,
                        score: Some(e.score),
                        source: SOURCE,
                    })
                    .collect()
            })
            .collect())
    }

    fn summary(&self, busy: Duration) -> Option<String> {
        let p = self.model.pieces_processed();
        Some(format!(
            "NER ({}, context {}): {p} word pieces fed, {:.0} pieces/s of NER time",
            self.model.precision().as_str(),
            self.model.options.context,
            p as f64 / busy.as_secs_f64().max(1e-9)
        ))
    }
}
