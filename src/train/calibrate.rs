//! int8 calibration: measure each quantizable layer's input range on training text and record it, with the layers a
//! model keeps in fp32 and the layers it smooths, in `int8_ranges.json` beside the model (see
//! [`crate::model::quant`]).

use std::path::{Path, PathBuf};

use super::report::sha256_file;
use super::TrainError;
use crate::conll::{self, ConllDoc};
use crate::model::{Precision, RangesFile};
use crate::ner::{Doc, NerModel};
use crate::tokenize::Tokenized;

/// SmoothQuant's migration strength when none is given: the paper's default.
pub const DEFAULT_ALPHA: f64 = 0.5;

/// How int8 treats a model's layers (numbered as in [`crate::model::Ranges`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Int8Plan {
    /// Layers left in fp32.
    pub keep_fp32: Vec<usize>,
    /// Layers whose input channels are smoothed (SmoothQuant) before int8.
    pub smooth: Vec<usize>,
    /// Migration strength of the smoothing, within 0..=1.
    pub alpha: f64,
}

impl Int8Plan {
    /// The plan a model directory's `int8_ranges.json` records (none: every layer int8, nothing smoothed).
    pub fn of_model(dir: &Path) -> Int8Plan {
        match RangesFile::read(dir) {
            Ok(file) => Int8Plan {
                keep_fp32: file.keep_fp32,
                alpha: file.smooth.first().map_or(DEFAULT_ALPHA, |s| s.alpha),
                smooth: file.smooth.into_iter().map(|s| s.layer).collect(),
            },
            Err(_) => Int8Plan { alpha: DEFAULT_ALPHA, ..Int8Plan::default() },
        }
    }

    /// This plan with the given parts replaced. A layer newly smoothed leaves the fp32 list unless that list is
    /// given too, and a layer newly kept in fp32 stops being smoothed unless the smoothed list is given too: so
    /// `--smooth 3,7` alone moves layers 3 and 7 from fp32 to smoothed int8, and `--keep-fp32 3,7` alone moves them
    /// back.
    pub fn with(mut self, keep_fp32: Option<Vec<usize>>, smooth: Option<Vec<usize>>, alpha: Option<f64>) -> Int8Plan {
        match (keep_fp32, smooth) {
            (Some(keep), Some(smooth)) => (self.keep_fp32, self.smooth) = (keep, smooth),
            (Some(keep), None) => {
                self.smooth.retain(|l| !keep.contains(l));
                self.keep_fp32 = keep;
            }
            (None, Some(smooth)) => {
                self.keep_fp32.retain(|l| !smooth.contains(l));
                self.smooth = smooth;
            }
            (None, None) => {}
        }
        if let Some(alpha) = alpha {
            self.alpha = alpha;
        }
        self
    }

    /// Refuses a plan that keeps a layer in fp32 and smooths it too, or an α outside 0..=1.
    pub fn check(&self) -> Result<(), TrainError> {
        if !(0.0..=1.0).contains(&self.alpha) {
            return Err(TrainError::Invalid(format!("--alpha {} must be within 0..=1", self.alpha)));
        }
        if let Some(both) = self.smooth.iter().find(|l| self.keep_fp32.contains(l)) {
            return Err(TrainError::Invalid(format!(
                "layer {both} is both kept in fp32 and smoothed for int8: give it to one of --keep-fp32 and --smooth"
            )));
        }
        Ok(())
    }
}

/// Measures the int8 input ranges of the model in `dir` on a CoNLL file (its training split: never the test split)
/// and writes them beside the model; returns the file's path.
pub fn calibrate(dir: &Path, conll_path: &Path, plan: &Int8Plan) -> Result<PathBuf, TrainError> {
    plan.check()?;
    calibrate_model(&NerModel::load_with(dir, Precision::Fp32)?, dir, conll_path, plan)
}

/// [`calibrate`] for a model already loaded in fp32 from `dir`.
pub fn calibrate_model(
    model: &NerModel,
    dir: &Path,
    conll_path: &Path,
    plan: &Int8Plan,
) -> Result<PathBuf, TrainError> {
    let docs = conll::read(conll_path)?;
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let refs: Vec<Doc> = views.iter().map(|(text, tokens)| Doc { text, tokens }).collect();
    let (ranges, smooth) = model.measure_int8(&refs, &plan.smooth, plan.alpha)?;
    let name = conll_path.file_name().map_or_else(|| conll_path.display().to_string(), |n| n.to_string_lossy().into());
    let source = format!("{name} (sha256 {}), {} documents", sha256_file(conll_path)?, views.len());
    Ok(RangesFile { source, ranges, keep_fp32: plan.keep_fp32.clone(), smooth }.write(dir)?)
}
