//! Linear layers in fp32, bf16 or int8, and the fixed int8 input ranges a model keeps in `int8_ranges.json`.
//!
//! int8 uses fbgemm's int8 kernel (VNNI): weights quantized once per tensor (symmetric), int32 accumulation, fp32
//! out. The kernel quantizes its input from the input's own min/max, which would make a sentence's result depend on
//! the other sentences in its batch. So each quantized layer has a fixed input range, measured once on training text
//! ([`crate::model::Encoder::observe_ranges`]): the input is clamped to it and one anchor row holding its two ends is
//! appended, so the kernel always sees exactly that range. A sentence then gets the same labels and scores whatever
//! it is batched with and however many threads run.

use std::path::{Path, PathBuf};

use tch::{Kind, Tensor};

use super::{ModelError, Precision};

/// File beside the model that holds the int8 input ranges.
pub const RANGES_FILE: &str = "int8_ranges.json";

/// The input range of each quantized linear layer, in encoder order (per layer: query/key/value, attention output,
/// intermediate, output).
pub type Ranges = Vec<(f64, f64)>;

/// The int8 settings of a model: `int8_ranges.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RangesFile {
    /// Where the ranges were measured, for people reading the file.
    pub source: String,
    /// Input range of each quantizable layer, numbered as in [`Ranges`].
    pub ranges: Ranges,
    /// Layers (same numbering) left in fp32 because quantizing them cost F1 on the validation split. Chosen per
    /// model: the shipped model keeps the feed-forward output of its first two layers (3 and 7) in fp32.
    #[serde(default)]
    pub keep_fp32: Vec<usize>,
}

impl RangesFile {
    /// Reads a model directory's int8 settings.
    pub fn read(dir: &Path) -> Result<RangesFile, ModelError> {
        let path = dir.join(RANGES_FILE);
        let no_ranges = |source: ModelError| ModelError::NoRanges { path: path.clone(), source: Box::new(source) };
        let raw = std::fs::read_to_string(&path).map_err(|source| {
            no_ranges(match source.kind() {
                std::io::ErrorKind::NotFound => ModelError::Missing { path: path.clone() },
                _ => ModelError::Read { path: path.clone(), source },
            })
        })?;
        serde_json::from_str(&raw).map_err(|source| no_ranges(ModelError::Json { path: path.clone(), source }))
    }

    /// Writes these settings into a model directory; returns the file's path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, ModelError> {
        let path = dir.join(RANGES_FILE);
        let json =
            serde_json::to_string_pretty(self).map_err(|source| ModelError::Json { path: path.clone(), source })?;
        std::fs::write(&path, json + "\n").map_err(|source| ModelError::Write { path: path.clone(), source })?;
        Ok(path)
    }
}

/// A linear layer `x Wᵀ + b`.
pub struct Linear {
    weight: Weight,
    bias: Tensor,
}

/// `W` in fp32/bf16, or only its int8 form: a quantized layer keeps no float copy (that copy was most of an int8
/// model's weight memory).
enum Weight {
    Float(Tensor),
    Int8(Int8Weight),
}

/// fbgemm's packed int8 weight and what its kernel needs besides.
struct Int8Weight {
    quantized: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    scale: f64,
    /// The fixed input range: `(low, high)` and a `[1, in]` row holding both, appended to every input.
    range: (f64, f64),
    anchor: Tensor,
}

impl Linear {
    /// A layer in `precision`; `range` is the fixed input range, needed for int8 (`what` names the layer in errors).
    pub fn new(
        weight: Tensor,
        bias: Tensor,
        precision: Precision,
        range: Option<(f64, f64)>,
        what: &str,
    ) -> Result<Linear, ModelError> {
        Ok(match (precision, range) {
            (Precision::Fp32, _) => Linear { weight: Weight::Float(weight), bias },
            (Precision::Bf16, _) => Linear {
                weight: Weight::Float(weight.f_to_kind(Kind::BFloat16)?),
                bias: bias.f_to_kind(Kind::BFloat16)?,
            },
            (Precision::Int8, Some(range)) => Linear { weight: Weight::Int8(Int8Weight::new(&weight, range)?), bias },
            (Precision::Int8, None) => {
                return Err(ModelError::Shape {
                    what: what.into(),
                    reason: format!("no int8 input range in {RANGES_FILE}"),
                })
            }
        })
    }

    /// `x Wᵀ + b` over the last dimension of `x`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor, ModelError> {
        Ok(match &self.weight {
            Weight::Float(weight) => x.f_linear(weight, Some(&self.bias))?,
            Weight::Int8(q) => {
                let shape = x.size();
                let rows = x.numel() as i64 / shape.last().copied().unwrap_or(1).max(1);
                // One pass: clamp into a buffer that has one more row, then put the anchor there.
                let flat = Tensor::f_empty([rows + 1, q.anchor.size()[1]], (Kind::Float, x.device()))?;
                let _ = x.f_reshape([rows, -1])?.f_clamp_out(&flat.f_narrow(0, 0, rows)?, q.range.0, q.range.1)?;
                flat.f_narrow(0, rows, 1)?.f_copy_(&q.anchor)?;
                let y = flat.f_fbgemm_linear_int8_weight_fp32_activation(
                    &q.quantized,
                    &q.packed,
                    &q.col_offsets,
                    tch::Scalar::float(q.scale),
                    tch::Scalar::int(0),
                    &self.bias,
                )?;
                let y = y.f_narrow(0, 0, rows)?;
                let mut out_shape = shape.clone();
                if let Some(last) = out_shape.last_mut() {
                    *last = q.quantized.size()[0];
                }
                y.f_reshape(out_shape.as_slice())?
            }
        })
    }
}

impl Int8Weight {
    /// Symmetric per-tensor quantization (zero point 0), the layout `fbgemm_linear_int8_weight_fp32_activation` wants:
    /// an `[out, in]` int8 matrix, its packed form, and per output row the sum of its quantized entries.
    fn new(weight: &Tensor, range: (f64, f64)) -> Result<Int8Weight, ModelError> {
        let w = weight.f_to_kind(Kind::Float)?.f_contiguous()?;
        let max = w.f_abs()?.f_max()?.f_double_value(&[])?.max(f64::MIN_POSITIVE);
        let scale = max / 127.0;
        let quantized = w.f_div_scalar(scale)?.f_round()?.f_clamp(-128, 127)?.f_to_kind(Kind::Int8)?;
        let col_offsets = quantized.f_to_kind(Kind::Int)?.f_sum_dim_intlist(1, false, Kind::Int)?;
        let packed = quantized.f_fbgemm_pack_quantized_matrix()?;
        // The kernel widens the range to include 0.
        let range = (range.0.min(0.0), range.1.max(0.0));
        let inputs = w.size().get(1).copied().unwrap_or(1);
        let mut anchor = vec![range.0 as f32; inputs as usize];
        if let Some(last) = anchor.last_mut() {
            *last = range.1 as f32;
        }
        let anchor = Tensor::f_from_slice(&anchor)?.f_view([1, inputs])?;
        Ok(Int8Weight { quantized, packed, col_offsets, scale, range, anchor })
    }
}
