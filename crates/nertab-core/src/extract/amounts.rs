//! Money and percentages as an extractor: [`crate::amounts::extract`] over each document, in parallel.
//!
//! The grammar works on one document at a time and is cheap, so documents are spread over the rayon pool; it runs
//! beside the NER model, not after it.

use rayon::prelude::*;

use super::{Doc, ExtractError, Extractor, Mention};
use crate::amounts;

/// The extractor's name and its mentions' `source`.
pub const SOURCE: &str = "amounts";

/// Money (`MONEY`, ISO 4217 unit) and percentages (`PERCENT`, unit `%` or `pp`) with exact values.
pub struct AmountsExtractor;

impl Extractor for AmountsExtractor {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn extract(&self, docs: &[Doc<'_>]) -> Result<Vec<Vec<Mention>>, ExtractError> {
        Ok(docs
            .par_iter()
            .map(|doc| {
                let (found, unread) = amounts::extract_with_notes(doc.text, doc.tokens);
                for u in unread {
                    let written: String = doc.text.chars().skip(u.start).take(u.end - u.start).take(80).collect();
                    tracing::warn!("amount {written:?} at characters {}..{}: {}; no row", u.start, u.end, u.reason);
                }
                found
                    .into_iter()
                    .map(|a| Mention {
                        sentence: a.sentence,
                        start: a.start,
                        end: a.end,
                        label: a.kind.as_str().into(),
                        value: Some(a.value),
                        value_high: a.value_high,
                        unit: Some(a.unit.into()),
                        score: None,
                        source: SOURCE,
                    })
                    .collect()
            })
            .collect())
    }
}
