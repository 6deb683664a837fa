//! Linear layers in fp32, bf16 or int8, and the fixed int8 input ranges a model keeps in `int8_ranges.json`.
//!
//! int8 uses fbgemm's int8 kernel (VNNI): weights quantized once per tensor (symmetric), int32 accumulation, fp32
//! out. The kernel quantizes its input from the input's own min/max, which would make a sentence's result depend on
//! the other sentences in its batch. So each quantized layer has a fixed input range, measured once on training text
//! ([`crate::model::Encoder::observe_channels`]): the input is clamped to it and one anchor row holding its two ends is
//! appended, so the kernel always sees exactly that range. A sentence then gets the same labels and scores whatever
//! it is batched with and however many threads run.
//!
//! A per-tensor input scale is coarsest where a few input channels run far wider than the rest (the feed-forward
//! output layers' GELU inputs, up to ~30 here). SmoothQuant (Xiao et al. 2023) divides each input channel j by
//! `s_j = max|X_j|^α / max|W_j|^(1-α)` and multiplies the weight's column j by it, which leaves `x Wᵀ` unchanged and
//! moves the range from the activations into the weights ([`Smoothing`]). The division is one multiply in the same
//! pass that writes the clamped buffer, since a layer's input is not the output of a linear map it could be folded into.

use std::path::{Path, PathBuf};

use tch::{Kind, Tensor};

use super::cpu::Int8Scheme;
use super::onednn::OnednnWeight;
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
    /// Layers (same numbering) whose input channels are smoothed before int8 ([`Smoothing`]); their entry in
    /// `ranges` is the range of the smoothed input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub smooth: Vec<Smoothing>,
}

/// SmoothQuant for one quantized layer: its input channel j is divided by `divisors[j]` and its weight's column j
/// multiplied by it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Smoothing {
    /// The layer, numbered as in [`Ranges`].
    pub layer: usize,
    /// Migration strength α the divisors were computed with (1 moves the whole activation range into the weights;
    /// 0 scales by the weights alone).
    pub alpha: f64,
    /// `s_j = max|X_j|^α / max|W_j|^(1-α)`, one per input channel.
    pub divisors: Vec<f32>,
}

/// Per input channel of a quantizable layer, the lowest and highest value seen during calibration (`[in]` fp32).
pub struct ChannelRange {
    /// Lowest value per channel.
    pub low: Tensor,
    /// Highest value per channel.
    pub high: Tensor,
}

impl ChannelRange {
    /// Widens the range to the rows of `x` (`[rows, in]`).
    pub fn observe(range: &mut Option<ChannelRange>, x: &Tensor) -> Result<(), ModelError> {
        let (low, high) = (x.f_amin(0, false)?, x.f_amax(0, false)?);
        *range = Some(match range.take() {
            None => ChannelRange { low, high },
            Some(r) => ChannelRange { low: r.low.f_minimum(&low)?, high: r.high.f_maximum(&high)? },
        });
        Ok(())
    }

    /// The per-tensor range of the input, after dividing channel j by `divisors[j]` when given.
    pub fn range(&self, divisors: Option<&Tensor>) -> Result<(f64, f64), ModelError> {
        let (low, high) = match divisors {
            Some(d) => (self.low.f_div(d)?, self.high.f_div(d)?),
            None => (self.low.shallow_clone(), self.high.shallow_clone()),
        };
        Ok((low.f_min()?.f_double_value(&[])?, high.f_max()?.f_double_value(&[])?))
    }

    /// SmoothQuant's divisors for this input and a weight whose per-input-column `max|W_j|` is `weight_max`:
    /// `max|X_j|^α / max|W_j|^(1-α)`, both maxima floored at 1e-5 so that a dead channel (always zero) still gets a
    /// finite, positive divisor.
    pub fn divisors(&self, weight_max: &Tensor, alpha: f64) -> Result<Tensor, ModelError> {
        let x_max = self.low.f_abs()?.f_maximum(&self.high.f_abs()?)?.f_clamp_min(1e-5)?;
        let w_max = weight_max.f_clamp_min(1e-5)?;
        Ok(x_max.f_pow_tensor_scalar(alpha)?.f_div(&w_max.f_pow_tensor_scalar(1.0 - alpha)?)?.f_clamp_min(1e-5)?)
    }
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
        // Written beside it and renamed into place: a failed write leaves the old file, never half of one.
        let write_err = |source| ModelError::Write { path: path.clone(), source };
        let mut temp = tempfile::Builder::new()
            .prefix(".nertab-ranges-")
            .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o666))
            .tempfile_in(dir)
            .map_err(write_err)?;
        std::io::Write::write_all(&mut temp, (json + "\n").as_bytes()).map_err(write_err)?;
        temp.as_file().sync_all().map_err(write_err)?;
        temp.persist(&path).map_err(|e| write_err(e.error))?;
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
    Onednn(OnednnWeight),
}

/// What an int8 layer needs besides its weight: the fixed range of its input and, if smoothed, the divisor of each
/// input channel.
#[derive(Clone, Copy)]
pub struct Int8Input<'a> {
    /// The fixed input range (after smoothing).
    pub range: (f64, f64),
    /// `s_j` per input channel, if smoothed.
    pub divisors: Option<&'a [f32]>,
    /// How fbgemm's weights are quantized (8 bits, or 7 where the CPU's int8 products would saturate).
    pub scheme: Int8Scheme,
}

/// What a layer computes on its input before the product.
#[derive(Clone, Copy)]
enum Input {
    AsIs,
    Gelu,
}

/// fbgemm's packed int8 weight and what its kernel needs besides.
struct Int8Weight {
    quantized: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    /// The weight scale the kernel applies: the per-tensor scale, or 1 when each output row has its own.
    scale: f64,
    /// Per output row: its scale ([`Int8Scheme::Reduced`]), applied to the kernel's output; `None` per tensor.
    row_scales: Option<Tensor>,
    /// The bias the kernel adds: the layer's, or divided by `row_scales` (so one multiply after the kernel gives
    /// `x Wᵀ + b`).
    kernel_bias: Tensor,
    /// The fixed input range: `(low, high)` and a `[1, in]` row holding both, appended to every input.
    range: (f64, f64),
    anchor: Tensor,
    /// `1 / s_j` per input channel when the layer is smoothed.
    inverse: Option<Tensor>,
}

impl Linear {
    /// A layer in `precision`; `int8` is its fixed input range and smoothing, needed for int8 (`what` names the
    /// layer in errors).
    pub fn new(
        weight: Tensor,
        bias: Tensor,
        precision: Precision,
        int8: Option<Int8Input<'_>>,
        what: &str,
    ) -> Result<Linear, ModelError> {
        Ok(match (precision, int8) {
            (Precision::Fp32, _) => Linear { weight: Weight::Float(weight), bias },
            (Precision::Bf16, _) => Linear {
                weight: Weight::Float(weight.f_to_kind(Kind::BFloat16)?),
                bias: bias.f_to_kind(Kind::BFloat16)?,
            },
            (Precision::Int8, Some(input)) => {
                Linear { weight: Weight::Int8(Int8Weight::new(&weight, &bias, input, what)?), bias }
            }
            (Precision::Int8Onednn, Some(input)) => {
                let (weight, inverse) = smoothed(&weight, input, what)?;
                let onednn = OnednnWeight::new(&weight, input.range, inverse, what)?;
                Linear { weight: Weight::Onednn(onednn), bias: bias.f_to_kind(Kind::Float)?.f_contiguous()? }
            }
            (Precision::Int8 | Precision::Int8Onednn, None) => {
                return Err(ModelError::Shape {
                    what: what.into(),
                    reason: format!("no int8 input range in {RANGES_FILE}"),
                })
            }
        })
    }

    /// Whether this layer runs in int8.
    pub fn is_int8(&self) -> bool {
        matches!(self.weight, Weight::Int8(_) | Weight::Onednn(_))
    }

    /// `max|W_j|` per input column of a float layer (`[in]` fp32); `None` for an int8 layer, which keeps no float
    /// weight.
    pub fn column_max(&self) -> Result<Option<Tensor>, ModelError> {
        Ok(match &self.weight {
            Weight::Float(w) => Some(w.f_to_kind(Kind::Float)?.f_abs()?.f_amax(0, false)?),
            Weight::Int8(_) | Weight::Onednn(_) => None,
        })
    }

    /// `gelu(x Wᵀ + b)` in the form `next` reads it, when both run on oneDNN's int8: uint8 at `next`'s input scale,
    /// quantized by the kernel itself. `None` for any other pair (then GELU runs on the float output).
    pub fn forward_gelu_for(&self, x: &Tensor, next: &Linear) -> Result<Option<Tensor>, ModelError> {
        match (&self.weight, &next.weight) {
            (Weight::Onednn(this), Weight::Onednn(next)) if next.takes_quantized() => {
                Ok(Some(this.forward_gelu_for(x, &self.bias, next)?))
            }
            _ => Ok(None),
        }
    }

    /// `x Wᵀ + b` over the last dimension of `x`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor, ModelError> {
        self.forward_of(x, Input::AsIs)
    }

    /// `gelu(x) Wᵀ + b`: in int8, GELU writes straight into the buffer the kernel reads, which saves a tensor.
    pub fn forward_gelu(&self, x: &Tensor) -> Result<Tensor, ModelError> {
        self.forward_of(x, Input::Gelu)
    }

    fn forward_of(&self, x: &Tensor, input: Input) -> Result<Tensor, ModelError> {
        Ok(match &self.weight {
            Weight::Float(weight) => match input {
                Input::AsIs => x.f_linear(weight, Some(&self.bias))?,
                Input::Gelu => x.f_gelu("none")?.f_linear(weight, Some(&self.bias))?,
            },
            Weight::Onednn(q) => match input {
                Input::AsIs => q.forward(x, &self.bias)?,
                Input::Gelu => q.forward(&x.f_gelu("none")?, &self.bias)?,
            },
            Weight::Int8(q) => {
                let shape = x.size();
                let rows = x.numel() as i64 / shape.last().copied().unwrap_or(1).max(1);
                // A buffer one row longer than the input: the input (after GELU, smoothing) goes into its first rows
                // and is clamped in place, the anchor into the last.
                let flat = Tensor::f_empty([rows + 1, q.anchor.size()[1]], (Kind::Float, x.device()))?;
                let mut body = flat.f_narrow(0, 0, rows)?;
                let x = x.f_reshape([rows, -1])?;
                match (input, &q.inverse) {
                    (Input::AsIs, None) => {
                        let _ = x.f_clamp_out(&body, q.range.0, q.range.1)?;
                    }
                    (Input::AsIs, Some(inverse)) => {
                        let _ = x.f_mul_out(&body, inverse)?;
                        let _ = body.f_clamp_(q.range.0, q.range.1)?;
                    }
                    (Input::Gelu, inverse) => {
                        let _ = x.f_gelu_out(&body, "none")?;
                        if let Some(inverse) = inverse {
                            let _ = body.f_mul_(inverse)?;
                        }
                        let _ = body.f_clamp_(q.range.0, q.range.1)?;
                    }
                }
                flat.f_narrow(0, rows, 1)?.f_copy_(&q.anchor)?;
                let y = flat.f_fbgemm_linear_int8_weight_fp32_activation(
                    &q.quantized,
                    &q.packed,
                    &q.col_offsets,
                    tch::Scalar::float(q.scale),
                    tch::Scalar::int(0),
                    &q.kernel_bias,
                )?;
                let mut y = y.f_narrow(0, 0, rows)?; // a view of the kernel's own output: scaled in place
                if let Some(row_scales) = &q.row_scales {
                    let _ = y.f_mul_(row_scales)?;
                }
                let mut out_shape = shape.clone();
                if let Some(last) = out_shape.last_mut() {
                    *last = q.quantized.size()[0];
                }
                y.f_reshape(out_shape.as_slice())?
            }
        })
    }
}

/// The weight (fp32, contiguous) with its columns multiplied by the layer's smoothing divisors, and `1 / s_j` for
/// the input; unchanged and `None` for a layer not smoothed. Divisors that do not fit are an error naming the layer.
fn smoothed(weight: &Tensor, input: Int8Input<'_>, what: &str) -> Result<(Tensor, Option<Tensor>), ModelError> {
    let w = weight.f_to_kind(Kind::Float)?.f_contiguous()?;
    let inputs = w.size().get(1).copied().unwrap_or(1);
    match input.divisors {
        None => Ok((w, None)),
        Some(d) if d.len() as i64 != inputs || d.iter().any(|v| !(v.is_finite() && *v > 0.0)) => {
            Err(ModelError::Shape {
                what: what.into(),
                reason: format!(
                    "{} smoothing divisors for {inputs} inputs in {RANGES_FILE} (each must be positive)",
                    d.len()
                ),
            })
        }
        Some(d) => {
            let d = Tensor::f_from_slice(d)?;
            let w = w.f_mul(&d.f_view([1, inputs])?)?.f_contiguous()?;
            Ok((w, Some(d.f_reciprocal()?)))
        }
    }
}

impl Int8Weight {
    /// Symmetric quantization (zero point 0), the layout `fbgemm_linear_int8_weight_fp32_activation` wants: an
    /// `[out, in]` int8 matrix, its packed form, and per output row the sum of its quantized entries.
    /// [`Int8Scheme::Full`]: one scale for the tensor, ±127. [`Int8Scheme::Reduced`]: ±63, one scale per output row
    /// (the kernel takes only one, so it runs with scale 1 and the bias divided by the row's scale, and the output
    /// is multiplied by the row scales): per-row scales win back much of the bit that 7 bits give up.
    fn new(weight: &Tensor, bias: &Tensor, input: Int8Input<'_>, what: &str) -> Result<Int8Weight, ModelError> {
        let (w, inverse) = smoothed(weight, input, what)?;
        let inputs = w.size().get(1).copied().unwrap_or(1);
        let range = input.range;
        let levels = input.scheme.max_weight();
        let (quantized, scale, row_scales, kernel_bias) = match input.scheme {
            Int8Scheme::Full => {
                let max = w.f_abs()?.f_max()?.f_double_value(&[])?.max(f64::MIN_POSITIVE);
                let scale = max / levels;
                let quantized = w.f_div_scalar(scale)?.f_round()?.f_clamp(-levels, levels)?;
                (quantized, scale, None, bias.shallow_clone())
            }
            Int8Scheme::Reduced => {
                // An all-zero row keeps a positive scale (its quantized entries are 0 either way).
                let rows = w.f_abs()?.f_amax(1, false)?.f_div_scalar(levels)?.f_clamp_min(1e-12)?;
                let quantized = w.f_div(&rows.f_unsqueeze(1)?)?.f_round()?.f_clamp(-levels, levels)?;
                let kernel_bias = bias.f_to_kind(Kind::Float)?.f_div(&rows)?;
                (quantized, 1.0, Some(rows), kernel_bias)
            }
        };
        let quantized = quantized.f_to_kind(Kind::Int8)?;
        let col_offsets = quantized.f_to_kind(Kind::Int)?.f_sum_dim_intlist(1, false, Kind::Int)?;
        let packed = quantized.f_fbgemm_pack_quantized_matrix()?;
        // The kernel widens the range to include 0.
        let range = (range.0.min(0.0), range.1.max(0.0));
        let mut anchor = vec![range.0 as f32; inputs as usize];
        if let Some(last) = anchor.last_mut() {
            *last = range.1 as f32;
        }
        let anchor = Tensor::f_from_slice(&anchor)?.f_view([1, inputs])?;
        Ok(Int8Weight { quantized, packed, col_offsets, scale, row_scales, kernel_bias, range, anchor, inverse })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Deterministic values in [-1, 1) (no global RNG: tests run in parallel).
    pub(in crate::model) fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    fn max_error(a: &Tensor, b: &Tensor) -> f64 {
        a.f_sub(b).unwrap().f_abs().unwrap().f_max().unwrap().f_double_value(&[]).unwrap()
    }

    /// One input channel 40 times wider than the others (as the GELU outputs of the first layers are): smoothing
    /// gives the same product up to int8 error, with a fraction of the error of plain per-tensor int8; and GELU
    /// written straight into the kernel's buffer gives bitwise the result of GELU first.
    #[test]
    fn smoothing_moves_an_outlier_channel_into_the_weight() {
        let (rows, inputs, outputs) = (64i64, 48i64, 24i64);
        let mut x = values((rows * inputs) as usize, 1);
        for r in 0..rows as usize {
            x[r * inputs as usize + 5] *= 40.0;
        }
        let x = Tensor::from_slice(&x).view([rows, inputs]);
        let w = Tensor::from_slice(&values((outputs * inputs) as usize, 2)).view([outputs, inputs]) * 0.5;
        let b = Tensor::from_slice(&values(outputs as usize, 3));
        let exact = x.linear(&w, Some(&b));

        let mut seen = None;
        ChannelRange::observe(&mut seen, &x).unwrap();
        let seen = seen.unwrap();
        let float = Linear::new(w.shallow_clone(), b.shallow_clone(), Precision::Fp32, None, "t").unwrap();
        let divisors = seen.divisors(&float.column_max().unwrap().unwrap(), 0.5).unwrap();
        let d: Vec<f32> = Vec::try_from(&divisors).unwrap();
        assert!(d[5] > 4.0 * d[0], "the wide channel gets the largest divisor: {} vs {}", d[5], d[0]);

        let int8 = |range, divisors| {
            let input = Int8Input { range, divisors, scheme: Int8Scheme::Full };
            Linear::new(w.shallow_clone(), b.shallow_clone(), Precision::Int8, Some(input), "t").unwrap()
        };
        let plain = int8(seen.range(None).unwrap(), None);
        let smoothed = int8(seen.range(Some(&divisors)).unwrap(), Some(d.as_slice()));
        let plain_error = max_error(&plain.forward(&x).unwrap(), &exact);
        let smoothed_error = max_error(&smoothed.forward(&x).unwrap(), &exact);
        let scale = exact.f_abs().unwrap().f_max().unwrap().f_double_value(&[]).unwrap();
        assert!(smoothed_error < plain_error / 2.0, "smoothed {smoothed_error} vs plain {plain_error}");
        assert!(smoothed_error < 0.05 * scale, "smoothed {smoothed_error} against outputs up to {scale}");

        for layer in [&plain, &smoothed] {
            let fused = layer.forward_gelu(&x).unwrap();
            let separate = layer.forward(&x.gelu("none")).unwrap();
            assert!(fused.equal(&separate));
        }
    }

    /// Inputs at the top of their range times weights of one sign: a full-range int8 pair sum reaches about
    /// 2 · 240 · 95, past the 32,767 that AVX2's `vpmaddubsw` holds. The reduced scheme (7-bit weights) stays within
    /// 2% of the exact product on every CPU. The full scheme does on a CPU with VNNI and saturates on one without:
    /// that is what the reduced scheme is for, and it shows that the CPU this runs on (or emulates, as CI's
    /// `qemu-x86_64 -cpu Haswell` run does) really has AVX2's int8 arithmetic.
    #[test]
    fn reduced_int8_never_saturates_and_full_int8_needs_vnni() {
        let (rows, inputs, outputs) = (8i64, 64i64, 16i64);
        let to = |v: Vec<f32>, low: f32, high: f32| -> Vec<f32> {
            v.into_iter().map(|u| low + (u + 1.0) / 2.0 * (high - low)).collect()
        };
        let x = Tensor::from_slice(&to(values((rows * inputs) as usize, 7), 2.5, 3.0)).view([rows, inputs]);
        let w = Tensor::from_slice(&to(values((outputs * inputs) as usize, 8), 0.5, 1.0)).view([outputs, inputs]);
        let b = Tensor::from_slice(&values(outputs as usize, 9));
        let exact = x.linear(&w, Some(&b));
        let scale = exact.f_abs().unwrap().f_max().unwrap().f_double_value(&[]).unwrap();
        let error = |scheme| {
            let input = Int8Input { range: (-1.0, 3.0), divisors: None, scheme };
            let layer = Linear::new(w.shallow_clone(), b.shallow_clone(), Precision::Int8, Some(input), "t").unwrap();
            max_error(&layer.forward(&x).unwrap(), &exact) / scale
        };
        let reduced = error(Int8Scheme::Reduced);
        assert!(reduced < 0.02, "reduced int8: relative error {reduced}");
        let full = error(Int8Scheme::Full);
        let cpu = crate::model::cpu::Cpu::detect();
        if cpu.features.vnni {
            assert!(full < 0.02, "full int8 on VNNI: relative error {full}");
        } else {
            assert!(full > 0.1, "full int8 without VNNI should saturate: relative error {full} [{}]", cpu.describe());
        }
        eprintln!("int8 relative error: reduced {reduced:.4}, full {full:.4} [CPU flags: {}]", cpu.describe());
    }

    /// Divisors that do not fit the layer are an error naming it, not a panic or a silent mismatch.
    #[test]
    fn divisors_must_fit_the_layer() {
        let w = Tensor::from_slice(&values(12, 4)).view([3, 4]);
        let b = Tensor::zeros([3], (Kind::Float, tch::Device::Cpu));
        for bad in [vec![1.0f32; 3], vec![1.0, 0.0, 1.0, 1.0], vec![1.0, f32::NAN, 1.0, 1.0]] {
            let input = Int8Input { range: (-1.0, 1.0), divisors: Some(bad.as_slice()), scheme: Int8Scheme::Full };
            let err = Linear::new(w.shallow_clone(), b.shallow_clone(), Precision::Int8, Some(input), "layer.3")
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains("layer.3") && err.contains("divisors"), "{err}");
        }
    }
}
