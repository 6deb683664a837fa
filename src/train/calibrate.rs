//! int8 calibration: measure each quantizable layer's input range on training text and record it, with the layers a
//! model keeps in fp32, in `int8_ranges.json` beside the model (see [`crate::model::quant`]).

use std::path::{Path, PathBuf};

use super::report::sha256_file;
use super::TrainError;
use crate::conll::{self, ConllDoc};
use crate::model::{Precision, RangesFile};
use crate::ner::{Doc, NerModel};
use crate::tokenize::Tokenized;

/// Measures the int8 input ranges of the model in `dir` on a CoNLL file (its training split: never the test split)
/// and writes them beside the model; returns the file's path. `keep_fp32` lists the layers int8 leaves in fp32; when
/// `None`, a recalibration keeps the list the model already records (none for a model without ranges).
pub fn calibrate(dir: &Path, conll_path: &Path, keep_fp32: Option<Vec<usize>>) -> Result<PathBuf, TrainError> {
    let keep_fp32 = match keep_fp32 {
        Some(list) => list,
        None => RangesFile::read(dir).map(|f| f.keep_fp32).unwrap_or_default(),
    };
    calibrate_model(&NerModel::load_with(dir, Precision::Fp32)?, dir, conll_path, keep_fp32)
}

/// [`calibrate`] for a model already loaded in fp32 from `dir`.
pub fn calibrate_model(
    model: &NerModel,
    dir: &Path,
    conll_path: &Path,
    keep_fp32: Vec<usize>,
) -> Result<PathBuf, TrainError> {
    let docs = conll::read(conll_path)?;
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let refs: Vec<Doc> = views.iter().map(|(text, tokens)| Doc { text, tokens }).collect();
    let ranges = model.measure_ranges(&refs)?;
    let name = conll_path.file_name().map_or_else(|| conll_path.display().to_string(), |n| n.to_string_lossy().into());
    let source = format!("{name} (sha256 {}), {} documents", sha256_file(conll_path)?, views.len());
    Ok(RangesFile { source, ranges, keep_fp32 }.write(dir)?)
}
