//! nertab: news articles in, one spreadsheet-ready CSV knowledge table out.
//!
//! The data path, one module per stage:
//! [`corpus`] (reading) → [`tokenize`] → [`ner`] ∥ [`amounts`] → [`table`] (writing), glued by [`pipeline`].
//! Model training and evaluation live beside inference: [`conll`] (data), [`train`], [`eval`].

pub mod amounts;
pub mod conll;
pub mod corpus;
pub mod eval;
pub mod ner;
pub mod pipeline;
pub mod table;
pub mod tokenize;
pub mod train;

use std::path::PathBuf;

/// Directory name of the shipped model under `models/`.
pub const DEFAULT_MODEL: &str = "models/nertab-ner";

/// The model `extract` and `eval` use without `--model`: `$NERTAB_MODEL`, else `models/nertab-ner` in the working
/// directory, else the one in the source tree this binary was built from.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NERTAB_MODEL") {
        return PathBuf::from(dir);
    }
    let local = PathBuf::from(DEFAULT_MODEL);
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL)
}
