//! nertab's core: everything of the pipeline but the model, with no libtorch in its dependency tree.
//!
//! The data path, one module per stage: [`corpus`] (reading) → [`tokenize`] → [`extract`]ors → [`output`] sinks
//! (writing), glued by [`pipeline`]. The two seams are traits: [`extract::Extractor`] (what finds mentions) and
//! [`output::RowSink`] (where typed rows go), so a new extractor or output format is a new file, not a new
//! pipeline. The extractor that needs no model, [`amounts`] (money and percentages), lives here; the NER extractor
//! lives in the model crate, `nertab-model`, which builds on this one. [`casing`] holds the text rules of the
//! model's casing input, below both.
//!
//! Because nothing here needs libtorch, `cargo test -p nertab-core` and `cargo fuzz` work on a fresh clone.

#![warn(missing_docs)]

pub mod amounts;
pub mod casing;
pub mod corpus;
pub mod extract;
pub mod output;
pub mod pipeline;
pub mod text;
pub mod tokenize;
