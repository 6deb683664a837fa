//! int8 calibration: measure each quantizable layer's input range on training text and record it, with the layers a
//! model keeps in fp32 and the layers it smooths, in `int8_ranges.json` beside the model (see
//! [`crate::model::quant`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::report::sha256_file;
use super::TrainError;
use crate::conll::ConllDoc;
use crate::model::{Precision, RangesFile};
use crate::ner::{Doc, NerModel};
use nertab_core::tokenize::Tokenized;

/// SmoothQuant's migration strength when none is given: the paper's default.
pub const DEFAULT_ALPHA: f64 = 0.5;

/// How int8 treats a model's layers (numbered as in [`crate::model::Ranges`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Int8Plan {
    /// Layers left in fp32.
    pub keep_fp32: Vec<usize>,
    /// Layers whose input channels are smoothed (SmoothQuant) before int8.
    pub smooth: Vec<usize>,
    /// Migration strength of the smoothing, within 0..=1, for smoothed layers not in `layer_alpha`.
    pub alpha: f64,
    /// Per-layer migration strengths: the layers whose inputs need another α than the rest (on the 4-layer model,
    /// layer 3 did best at 0.6 and layer 7 at 0.5).
    pub layer_alpha: BTreeMap<usize, f64>,
}

/// One part of `--alpha`: `A` sets the α of every smoothed layer, `L=A` the α of layer L.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AlphaSetting {
    /// Every smoothed layer that no `L=A` names.
    All(f64),
    /// One layer.
    Layer(usize, f64),
}

impl FromStr for AlphaSetting {
    type Err = String;

    fn from_str(s: &str) -> Result<AlphaSetting, String> {
        let number = |a: &str| a.trim().parse::<f64>().map_err(|e| format!("α {a:?} is not a number: {e}"));
        match s.split_once('=') {
            None => number(s).map(AlphaSetting::All),
            Some((layer, a)) => {
                let layer = layer.trim().parse::<usize>().map_err(|e| format!("layer {layer:?} in {s:?}: {e}"))?;
                number(a).map(|a| AlphaSetting::Layer(layer, a))
            }
        }
    }
}

impl fmt::Display for AlphaSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlphaSetting::All(a) => write!(f, "{a}"),
            AlphaSetting::Layer(l, a) => write!(f, "{l}={a}"),
        }
    }
}

impl Int8Plan {
    /// The plan a model directory's `int8_ranges.json` records (none: every layer int8, nothing smoothed).
    pub fn of_model(dir: &Path) -> Int8Plan {
        match RangesFile::read(dir) {
            Ok(file) => {
                let alpha = file.smooth.first().map_or(DEFAULT_ALPHA, |s| s.alpha);
                Int8Plan {
                    keep_fp32: file.keep_fp32,
                    alpha,
                    layer_alpha: file.smooth.iter().filter(|s| s.alpha != alpha).map(|s| (s.layer, s.alpha)).collect(),
                    smooth: file.smooth.into_iter().map(|s| s.layer).collect(),
                }
            }
            Err(_) => Int8Plan { alpha: DEFAULT_ALPHA, ..Int8Plan::default() },
        }
    }

    /// This plan with the given parts replaced. A layer newly smoothed leaves the fp32 list unless that list is
    /// given too, and a layer newly kept in fp32 stops being smoothed unless the smoothed list is given too: so
    /// `--smooth 3,7` alone moves layers 3 and 7 from fp32 to smoothed int8, and `--keep-fp32 3,7` alone moves them
    /// back. `alpha`, when given, replaces every smoothed layer's α (see [`AlphaSetting`]).
    pub fn with(
        mut self,
        keep_fp32: Option<Vec<usize>>,
        smooth: Option<Vec<usize>>,
        alpha: Option<&[AlphaSetting]>,
    ) -> Int8Plan {
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
        if let Some(settings) = alpha {
            // Given α's are kept as given: one for a layer not smoothed is refused by `check`, not dropped.
            self.layer_alpha.clear();
            for setting in settings {
                match *setting {
                    AlphaSetting::All(a) => self.alpha = a,
                    AlphaSetting::Layer(layer, a) => {
                        self.layer_alpha.insert(layer, a);
                    }
                }
            }
        } else {
            // α's read from the model for layers no longer smoothed are stale.
            self.layer_alpha.retain(|l, _| self.smooth.contains(l));
        }
        self
    }

    /// The smoothed layers with their α each.
    pub fn smoothing(&self) -> Vec<(usize, f64)> {
        self.smooth.iter().map(|&l| (l, self.layer_alpha.get(&l).copied().unwrap_or(self.alpha))).collect()
    }

    /// Refuses a plan that keeps a layer in fp32 and smooths it too, an α outside 0..=1, or an α for a layer that
    /// is not smoothed.
    pub fn check(&self) -> Result<(), TrainError> {
        for a in std::iter::once(&self.alpha).chain(self.layer_alpha.values()) {
            if !(0.0..=1.0).contains(a) {
                return Err(TrainError::Invalid(format!("--alpha {a} must be within 0..=1")));
            }
        }
        if let Some(layer) = self.layer_alpha.keys().find(|l| !self.smooth.contains(l)) {
            return Err(TrainError::Invalid(format!("--alpha names layer {layer}, which --smooth does not smooth")));
        }
        if let Some(both) = self.smooth.iter().find(|l| self.keep_fp32.contains(l)) {
            return Err(TrainError::Invalid(format!(
                "layer {both} is both kept in fp32 and smoothed for int8: give it to one of --keep-fp32 and --smooth"
            )));
        }
        Ok(())
    }

    /// Refuses layer numbers beyond a model with `layers` quantizable layers (four per encoder layer).
    pub fn check_layers(&self, layers: usize) -> Result<(), TrainError> {
        let named = [("--keep-fp32", &self.keep_fp32), ("--smooth", &self.smooth)];
        for (flag, list) in named {
            if let Some(l) = list.iter().find(|&&l| l >= layers) {
                return Err(TrainError::Invalid(format!(
                    "{flag} names layer {l}, but this model has {layers} quantizable layers (0..={})",
                    layers.saturating_sub(1)
                )));
            }
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
    plan.check_layers(model.quantizable_layers())?;
    let docs = super::read_tagged(conll_path)?;
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let refs: Vec<Doc> = views.iter().map(|(text, tokens)| Doc { text, tokens }).collect();
    let (ranges, smooth) = model.measure_int8(&refs, &plan.smoothing())?;
    let name = conll_path.file_name().map_or_else(|| conll_path.display().to_string(), |n| n.to_string_lossy().into());
    let source = format!("{name} (sha256 {}), {} documents", sha256_file(conll_path)?, views.len());
    Ok(RangesFile { source, ranges, keep_fp32: plan.keep_fp32.clone(), smooth }.write(dir)?)
}
