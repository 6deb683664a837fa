//! nertab: news articles in, one spreadsheet-ready knowledge table out. This crate is the command line
//! (`src/bin/nertab`) and the one place that knows every extractor ([`extract::REGISTRY`]).
//!
//! The work is done by two crates it re-exports, so `nertab::tokenize`, `nertab::ner`, … name the same items:
//! - `nertab-core`, no libtorch: [`corpus`] (reading) → [`tokenize`] → [`extract`]ors ([`amounts`] here) →
//!   [`output`] sinks (writing), glued by [`pipeline`]; the two seams are [`extract::Extractor`] and
//!   [`output::RowSink`];
//! - `nertab-model`, on libtorch: the model layer [`model`] (knows nothing of documents), [`ner`] (inference, and
//!   the NER extractor), and beside inference [`conll`], [`train`] (the only module that names rust-bert), [`eval`].

#![warn(missing_docs)]

pub mod extract;

pub use nertab_core::{amounts, casing, corpus, output, pipeline, tokenize};
pub use nertab_model::{conll, eval, model, ner, train};

use std::path::{Path, PathBuf};

/// Directory name of the shipped model under `models/`.
pub const DEFAULT_MODEL: &str = "models/nertab-ner";

/// Where a relocatable bundle (`make dist`) keeps the model, relative to the directory of the executable.
pub const BUNDLED_MODEL: &str = "../share/nertab/models/nertab-ner";

/// The places the model is looked for without `--model`, in order: `$NERTAB_MODEL` alone if it is set; else
/// `models/nertab-ner` in the working directory, then [`BUNDLED_MODEL`] beside the executable (a bundle unpacked
/// anywhere), then the source tree this binary was built from.
pub fn model_dir_candidates() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("NERTAB_MODEL") {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = vec![PathBuf::from(DEFAULT_MODEL)];
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) {
        dirs.push(exe_dir.join(BUNDLED_MODEL));
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL));
    dirs
}

/// Whether `dir` holds a model's weights.
pub fn has_model(dir: &Path) -> bool {
    dir.join("model.safetensors").is_file()
}

/// The first of [`model_dir_candidates`] that holds a model, or every place tried.
pub fn find_model_dir() -> Result<PathBuf, Vec<PathBuf>> {
    let tried = model_dir_candidates();
    tried.iter().find(|d| has_model(d)).cloned().ok_or(tried)
}

/// The model `extract` and `eval` use without `--model`: the first of [`model_dir_candidates`] that holds one,
/// else the first candidate (whose loading then fails, naming it).
pub fn default_model_dir() -> PathBuf {
    find_model_dir().unwrap_or_else(|tried| tried.into_iter().next().unwrap_or_else(|| PathBuf::from(DEFAULT_MODEL)))
}

/// Tunes glibc's allocator for libtorch's pattern of allocating and freeing large activation buffers every batch.
///
/// By default glibc serves blocks above 128 KiB–32 MiB with fresh `mmap`s and gives freed memory back at once, so
/// every forward pass page-faults its activations in again. Keeping up to 32 MiB blocks on the heap and not trimming
/// it cut system time from 8.8 s to 0.3 s and raised NER speed by 25% on 300 BBC articles (docs/performance.md, "Levers"). Peak memory
/// does not grow: the same buffers are reused. Call it once, before any allocation-heavy work; it is a no-op outside
/// glibc.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before other threads allocate heavily.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
        libc::mallopt(libc::M_TOP_PAD, 256 << 20);
    }
}
