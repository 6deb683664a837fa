//! Extractors: what turns tokenized documents into mentions.
//!
//! Why a trait: the pipeline should not know which extractors exist. Each one sees a chunk of tokenized documents
//! at once (the NER model batches word pieces across documents) and returns, per document, [`Mention`]s of one
//! shared shape, which the pipeline turns into table rows. Extractors never see each other's output: what combines
//! them ([`context_entities`], [`reconcile`]) runs after all of them. This crate holds the trait and the extractors that
//! need no model ([`amounts`]); the NER extractor lives in the model crate (`nertab_model::ner::extractor`), and the
//! command line's registry (`nertab::extract::REGISTRY`) names them all. A new extractor (dates, say) is one file
//! beside [`amounts`] and one line in that registry.

pub mod amounts;
pub mod reconcile;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use rust_decimal::Decimal;
use thiserror::Error;

use crate::tokenize::Tokenized;

pub use crate::tokenize::Doc;

/// One mention found by an extractor, with the fields any extractor may fill.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Index of the sentence the mention is in.
    pub sentence: usize,
    /// Code-point offset of the mention in the article.
    pub start: usize,
    /// Code-point offset one past the mention.
    pub end: usize,
    /// Entity type (`PER`, `ORG`, …) or what a value measures (`MONEY`, `PERCENT`).
    pub label: Cow<'static, str>,
    /// Normalized value, for extractors that read one.
    pub value: Option<Decimal>,
    /// Upper end of a range.
    pub value_high: Option<Decimal>,
    /// Unit of the value.
    pub unit: Option<Cow<'static, str>>,
    /// Confidence, for extractors that have one.
    pub score: Option<f32>,
    /// Name of the extractor that found it (the `source` column).
    pub source: &'static str,
}

/// Finds mentions in a chunk of documents.
///
/// `Send` because the pipeline runs extractors beside each other on scoped threads: the first one on the calling
/// thread, every other one on a thread of its own, from which it may use the rayon pool.
///
/// A new extractor is a name and one `extract` over a chunk of documents:
///
/// ```
/// use nertab_core::extract::{Doc, ExtractError, Extractor, Mention};
/// use nertab_core::tokenize::tokenize;
///
/// /// Every word written in capitals, as a mention of type `SHOUT`.
/// struct Shouts;
///
/// impl Extractor for Shouts {
///     fn name(&self) -> &'static str {
///         "shouts"
///     }
///
///     fn extract(&self, docs: &[Doc<'_>]) -> Result<Vec<Vec<Mention>>, ExtractError> {
///         let shouted = |doc: &Doc<'_>| -> Vec<Mention> {
///             let words = doc.tokens.tokens.iter().enumerate();
///             words
///                 .filter(|(_, t)| {
///                     let word = t.text(doc.text);
///                     word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase())
///                 })
///                 .map(|(i, t)| Mention {
///                     sentence: doc.tokens.sentence_of(i),
///                     start: t.start,
///                     end: t.end,
///                     label: "SHOUT".into(),
///                     value: None,
///                     value_high: None,
///                     unit: None,
///                     score: None,
///                     source: "shouts",
///                 })
///                 .collect()
///         };
///         Ok(docs.iter().map(shouted).collect())
///     }
/// }
///
/// let text = "It is OK. It is NOT.";
/// let tokens = tokenize(text);
/// let found = Shouts.extract(&[Doc { text, tokens: &tokens }])?;
/// let spans: Vec<_> = found[0].iter().map(|m| (m.sentence, m.start, m.end)).collect();
/// assert_eq!(spans, [(0, 6, 8), (1, 16, 19)]);
/// # Ok::<(), ExtractError>(())
/// ```
pub trait Extractor: Send {
    /// The extractor's `--extractors` name, also its mentions' `source`.
    fn name(&self) -> &'static str;

    /// The mentions of each document, one list per document of `docs`, in order.
    fn extract(&self, docs: &[Doc<'_>]) -> Result<Vec<Vec<Mention>>, ExtractError>;

    /// A line for `--stats` about the work done so far, given the time spent in [`extract`](Self::extract).
    fn summary(&self, _busy: Duration) -> Option<String> {
        None
    }
}

/// An extractor that failed, or could not be built.
#[derive(Debug, Error)]
pub enum ExtractError {
    /// An extractor's own failure (the NER model's, say), kept as its source.
    #[error("the {name} extractor failed")]
    Failed {
        /// The extractor.
        name: &'static str,
        /// What went wrong inside it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Building an extractor that needs a model without one.
    #[error("the {0} extractor needs a loaded NER model")]
    NoModel(&'static str),
    /// A name that no registry entry has.
    #[error("unknown extractor {0:?}")]
    Unknown(String),
    /// An extractor that broke its contract of one list per document.
    #[error("the {name} extractor returned {got} lists for {expected} documents")]
    Count {
        /// The extractor.
        name: &'static str,
        /// Lists it returned.
        got: usize,
        /// Documents it was given.
        expected: usize,
    },
}

/// The `source` of the NER extractor's mentions, the named entities: the steps after all extractors
/// ([`context_entities`], [`reconcile`]) tell entities from values by it.
pub const NER_SOURCE: &str = "ner";

/// The text of the code-point span `start..end` of `text`, using the word offsets of `doc` to avoid a scan.
pub fn span_text<'a>(text: &'a str, doc: &Tokenized, start: usize, end: usize) -> &'a str {
    let byte_of = |chars: usize| -> usize {
        let t = doc.tokens.partition_point(|t| t.start < chars);
        match doc.tokens.get(t) {
            Some(tok) if tok.start == chars => tok.byte_start,
            _ => match doc.tokens.get(t.saturating_sub(1)) {
                Some(prev) if prev.end == chars => prev.byte_end,
                _ => text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b),
            },
        }
    };
    &text[byte_of(start)..byte_of(end)]
}

/// The `context_entities` cell of each mention of one document: for a value mention (any that is not a named
/// entity), the entities of its sentence as `text|TYPE` joined by `;`, in the order NER found them; empty for an
/// entity.
///
/// A separate step after all extractors, so that no extractor depends on another's output.
pub fn context_entities(text: &str, doc: &Tokenized, mentions: &[Mention]) -> Vec<String> {
    let is_entity = |m: &Mention| m.source == NER_SOURCE;
    // One cell per sentence that has a value mention, built once: a long article can have 100,000s of mentions.
    let mut cells: HashMap<usize, String> =
        mentions.iter().filter(|m| !is_entity(m)).map(|m| (m.sentence, String::new())).collect();
    for e in mentions.iter().filter(|m| is_entity(m)) {
        if let Some(cell) = cells.get_mut(&e.sentence) {
            if !cell.is_empty() {
                cell.push(';');
            }
            cell.push_str(span_text(text, doc, e.start, e.end));
            cell.push('|');
            cell.push_str(&e.label);
        }
    }
    mentions
        .iter()
        .map(|m| if is_entity(m) { String::new() } else { cells.get(&m.sentence).cloned().unwrap_or_default() })
        .collect()
}

/// A bare mention for unit tests: a span and a label, no value, unit or score.
#[cfg(test)]
pub(crate) fn test_mention(
    source: &'static str,
    label: &'static str,
    sentence: usize,
    start: usize,
    end: usize,
) -> Mention {
    Mention {
        sentence,
        start,
        end,
        label: label.into(),
        value: None,
        value_high: None,
        unit: None,
        score: None,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::test_mention as mention;
    use super::*;
    use crate::extract::amounts;

    #[test]
    fn spans_are_code_points() {
        let text = "Café owner Zoë paid €5m.";
        let doc = crate::tokenize::tokenize(text);
        assert_eq!(span_text(text, &doc, 11, 14), "Zoë");
        assert_eq!(span_text(text, &doc, 20, 23), "€5m");
        assert_eq!(span_text(text, &doc, 2, 4), "fé");
    }

    #[test]
    fn value_mentions_get_the_entities_of_their_sentence() {
        let text = "North Korea lost $2bn to Lazarus. Seoul rose 3%.";
        let doc = crate::tokenize::tokenize(text);
        let mentions = vec![
            mention(NER_SOURCE, "LOC", 0, 0, 11),
            mention(NER_SOURCE, "ORG", 0, 25, 32),
            mention(NER_SOURCE, "LOC", 1, 34, 39),
            mention(amounts::SOURCE, "MONEY", 0, 17, 21),
            mention(amounts::SOURCE, "PERCENT", 1, 45, 47),
        ];
        let cells = context_entities(text, &doc, &mentions);
        assert_eq!(cells, ["", "", "", "North Korea|LOC;Lazarus|ORG", "Seoul|LOC"]);
    }
}
