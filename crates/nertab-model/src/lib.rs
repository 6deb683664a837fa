//! nertab's NER model: the transformer on libtorch, inference and training.
//!
//! Layers, from the bottom: [`model`] runs the encoder (fp32, bf16, int8 through fbgemm or oneDNN's kernels, which
//! the C++ shim `csrc/onednn_int8.cpp` reaches) and knows nothing of documents; [`ner`] turns documents into
//! windows of word pieces and labels back into entity spans, and offers the model as an
//! [`Extractor`](nertab_core::extract::Extractor) ([`ner::extractor`]). Training and evaluation live beside
//! inference, never inside it: [`conll`] (data), [`train`] (the only module that names rust-bert), [`eval`].
//! Words, sentences and the casing rules come from the core crate, `nertab-core`.

#![warn(missing_docs)]

pub mod conll;
pub mod eval;
pub mod model;
pub mod ner;
pub mod train;
