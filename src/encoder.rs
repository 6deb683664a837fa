//! An inference-only BERT (or MPNet, see [`crate::mpnet`]) token classifier over the weights of a trained model,
//! written with plain tensor ops so each linear layer can run in fp32 or in int8.
//!
//! Why not rust-bert's forward pass at inference: its linear layers are private, so they cannot be quantized, and on
//! CPUs without AMX (the 2-core machine this project targets has AVX512-VNNI but no AMX) bfloat16 is slower than
//! fp32. Dynamic int8 quantization of the linear layers (fbgemm, VNNI) is what pays there. Training keeps rust-bert's
//! model (autograd, dropout); this module reads the same variables by their Hugging Face names, and a test checks
//! that both give the same logits in fp32.
//!
//! int8 uses fbgemm's int8 kernel (VNNI): weights quantized once per tensor (symmetric), int32 accumulation, fp32
//! out. The kernel quantizes its input from the input's own min/max, which would make a sentence's result depend on
//! the other sentences in its batch. So each quantized layer has a fixed input range, measured once on training text
//! ([`Encoder::observe_ranges`], stored as `int8_ranges.json` beside the model): the input is clamped to it and one
//! anchor row holding its two ends is appended, so the kernel always sees exactly that range. A sentence then gets
//! the same labels and scores whatever it is batched with and however many threads run. Layer norms, softmax, GELU,
//! embeddings and the classifier stay fp32.

use std::collections::HashMap;

use tch::{Device, Kind, Tensor};

use crate::mpnet;
use crate::ner::{Arch, NerError, Precision, RangesFile, RANGES_FILE};

/// A linear layer `x Wᵀ + b`.
struct Linear {
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

/// The input range of each quantized linear layer, in encoder order (per layer: query/key/value, attention output,
/// intermediate, output).
pub type Ranges = Vec<(f64, f64)>;

/// Number of quantized linear layers per encoder layer.
const LINEARS_PER_LAYER: usize = 4;

impl Linear {
    /// A layer in `precision`; `range` is the fixed input range, needed for int8.
    fn new(weight: Tensor, bias: Tensor, precision: Precision, range: Option<(f64, f64)>) -> Result<Linear, NerError> {
        Ok(match (precision, range) {
            (Precision::Fp32, _) => Linear { weight: Weight::Float(weight), bias },
            (Precision::Bf16, _) => Linear {
                weight: Weight::Float(weight.f_to_kind(Kind::BFloat16)?),
                bias: bias.f_to_kind(Kind::BFloat16)?,
            },
            (Precision::Int8, Some(range)) => Linear { weight: Weight::Int8(Int8Weight::new(&weight, range)?), bias },
            (Precision::Int8, None) => {
                return Err(NerError::Model { path: RANGES_FILE.into(), message: "no input range for a layer".into() })
            }
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor, NerError> {
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
    fn new(weight: &Tensor, range: (f64, f64)) -> Result<Int8Weight, NerError> {
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

/// Runs `f` with file descriptor 2 pointed at /dev/null, then restores it. Only for model loading, before the
/// pipeline's threads start reporting on stderr.
fn without_stderr<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else { return f() };
        // SAFETY: dup/dup2/close on descriptors this function owns (the saved copy) or that exist (2, /dev/null).
        let saved = unsafe { libc::dup(2) };
        if saved < 0 {
            return f();
        }
        unsafe { libc::dup2(null.as_raw_fd(), 2) };
        let out = f();
        unsafe {
            libc::dup2(saved, 2);
            libc::close(saved);
        }
        out
    }
    #[cfg(not(unix))]
    f()
}

/// The additive attention mask `[rows, 1, 1, width]` for a `[rows, width]` mask (1 = real piece): 0 for real pieces,
/// a large negative for padding.
pub(crate) fn mask_bias(mask: &Tensor, kind: Kind) -> Result<Tensor, tch::TchError> {
    let size = mask.size();
    let (rows, width) = (size.first().copied().unwrap_or(1), size.last().copied().unwrap_or(1));
    mask.f_to_kind(kind)?.f_sub_scalar(1.0)?.f_mul_scalar(10000.0)?.f_view([rows, 1, 1, width])
}

/// Kind of the activations: bf16 for [`Precision::Bf16`], else fp32 (int8 layers take and give fp32).
fn activation_kind(precision: Precision) -> Kind {
    if precision == Precision::Bf16 {
        Kind::BFloat16
    } else {
        Kind::Float
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn new(weight: Tensor, bias: Tensor, kind: Kind, eps: f64) -> Result<LayerNorm, NerError> {
        Ok(LayerNorm { weight: weight.f_to_kind(kind)?, bias: bias.f_to_kind(kind)?, eps })
    }

    fn forward(&self, x: &Tensor, width: i64) -> Result<Tensor, NerError> {
        Ok(x.f_layer_norm([width], Some(&self.weight), Some(&self.bias), self.eps, false)?)
    }
}

/// Where an architecture keeps its attention variables (Hugging Face names).
struct Names {
    /// Query, key, value, attention output and attention layer norm, under `….encoder.layer.N.`.
    q: &'static str,
    k: &'static str,
    v: &'static str,
    attention_out: &'static str,
    attention_norm: &'static str,
}

impl Names {
    fn of(arch: Arch) -> Names {
        match arch {
            Arch::Bert => Names {
                q: "attention.self.query",
                k: "attention.self.key",
                v: "attention.self.value",
                attention_out: "attention.output.dense",
                attention_norm: "attention.output.LayerNorm",
            },
            Arch::Mpnet { .. } => Names {
                q: "attention.attn.q",
                k: "attention.attn.k",
                v: "attention.attn.v",
                attention_out: "attention.attn.o",
                attention_norm: "attention.LayerNorm",
            },
        }
    }
}

struct Layer {
    /// Query, key and value projections stacked into one `[3h, h]` matrix: one larger product instead of three.
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// A BERT or MPNet encoder with a token-classification head, for inference.
pub struct Encoder {
    word: Tensor,
    position: Tensor,
    position_offset: i64,
    /// Absent in MPNet without casing.
    token_type: Option<Tensor>,
    /// MPNet's relative position bias table `[buckets, heads]`.
    relative: Option<Tensor>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    classifier: Linear,
    hidden: i64,
    heads: i64,
    precision: Precision,
}

impl Encoder {
    /// Builds the encoder from variables named as in a Hugging Face `BertForTokenClassification` (or, for MPNet,
    /// `MPNetForTokenClassification`) checkpoint. The
    /// tensors are shallow copies of the variables (fp32), so the model's memory is not duplicated in fp32 mode.
    /// int8 needs the model's `int8_ranges.json` ([`RangesFile`]): the input ranges measured by
    /// [`Encoder::observe_ranges`] and the layers that stay fp32.
    pub fn from_variables(
        vars: &HashMap<String, Tensor>,
        arch: Arch,
        heads: i64,
        precision: Precision,
        int8: Option<&RangesFile>,
    ) -> Result<Encoder, NerError> {
        if precision != Precision::Int8 {
            return Self::build(vars, arch, heads, precision, None);
        }
        let Some(int8) = int8 else {
            return Err(NerError::Model { path: RANGES_FILE.into(), message: "int8 needs the input ranges".into() });
        };
        // libtorch prints a one-time deprecation warning on stderr the first time each fbgemm int8 op runs; users
        // of `extract` should not see it. Packing the weights and one tiny forward pass trigger both, silenced.
        without_stderr(|| {
            let encoder = Self::build(vars, arch, heads, precision, Some(int8))?;
            let one = Tensor::f_ones([1, 2], (Kind::Int64, Device::Cpu))?;
            let _logits = encoder.forward(&one, &one, &one)?;
            Ok(encoder)
        })
    }

    fn build(
        vars: &HashMap<String, Tensor>,
        arch: Arch,
        heads: i64,
        precision: Precision,
        int8: Option<&RangesFile>,
    ) -> Result<Encoder, NerError> {
        let kind = activation_kind(precision);
        let names = Names::of(arch);
        let get = |name: &str| -> Result<Tensor, NerError> {
            let t = vars.get(name).ok_or_else(|| NerError::Model {
                path: name.to_string(),
                message: "variable missing from the model".into(),
            })?;
            Ok(t.f_to_kind(Kind::Float)?.f_detach()?)
        };
        let range = |i: usize| int8.and_then(|f| f.ranges.get(i).copied());
        let pr = |i: usize| if int8.is_some_and(|f| f.keep_fp32.contains(&i)) { Precision::Fp32 } else { precision };
        let linear = |prefix: &str, i: usize| -> Result<Linear, NerError> {
            Linear::new(get(&format!("{prefix}.weight"))?, get(&format!("{prefix}.bias"))?, pr(i), range(i))
        };
        let norm = |prefix: &str| -> Result<LayerNorm, NerError> {
            LayerNorm::new(
                get(&format!("{prefix}.weight"))?,
                get(&format!("{prefix}.bias"))?,
                kind,
                arch.layer_norm_eps(),
            )
        };
        let top = arch.prefix();
        let mut layers = Vec::new();
        while vars.contains_key(&format!("{top}.encoder.layer.{}.{}.weight", layers.len(), names.q)) {
            let n = layers.len() * LINEARS_PER_LAYER;
            let p = format!("{top}.encoder.layer.{}", layers.len());
            let part = |name: &str, what: &str| get(&format!("{p}.{name}.{what}"));
            let (q, k, v) = (names.q, names.k, names.v);
            let qkv_weight = Tensor::f_cat(&[part(q, "weight")?, part(k, "weight")?, part(v, "weight")?], 0)?;
            let qkv_bias = Tensor::f_cat(&[part(q, "bias")?, part(k, "bias")?, part(v, "bias")?], 0)?;
            layers.push(Layer {
                qkv: Linear::new(qkv_weight, qkv_bias, pr(n), range(n))?,
                attention_out: linear(&format!("{p}.{}", names.attention_out), n + 1)?,
                attention_norm: norm(&format!("{p}.{}", names.attention_norm))?,
                intermediate: linear(&format!("{p}.intermediate.dense"), n + 2)?,
                output: linear(&format!("{p}.output.dense"), n + 3)?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        let word = get(&format!("{top}.embeddings.word_embeddings.weight"))?;
        let hidden = word.size().get(1).copied().unwrap_or(0);
        if layers.is_empty() || heads < 1 || hidden % heads != 0 {
            return Err(NerError::Model {
                path: format!("{top}.encoder"),
                message: format!("{} layers, hidden size {hidden}, {heads} heads", layers.len()),
            });
        }
        Ok(Encoder {
            word: word.f_to_kind(kind)?,
            position: get(&format!("{top}.embeddings.position_embeddings.weight"))?.f_to_kind(kind)?,
            position_offset: arch.position_offset(),
            token_type: match (arch, format!("{top}.embeddings.token_type_embeddings.weight")) {
                (Arch::Mpnet { .. }, name) if !vars.contains_key(&name) => None,
                (_, name) => Some(get(&name)?.f_to_kind(kind)?),
            },
            relative: match arch {
                Arch::Bert => None,
                Arch::Mpnet { .. } => {
                    Some(get(&format!("{top}.encoder.relative_attention_bias.weight"))?.f_to_kind(kind)?)
                }
            },
            embedding_norm: norm(&format!("{top}.embeddings.LayerNorm"))?,
            layers,
            // The head is tiny (hidden × labels): never quantized.
            classifier: Linear::new(
                get("classifier.weight")?,
                get("classifier.bias")?,
                if precision == Precision::Int8 { Precision::Fp32 } else { precision },
                None,
            )?,
            hidden,
            heads,
            precision,
        })
    }

    /// The precision this encoder computes in.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// fp32 logits `[rows, width, labels]` for piece ids, attention mask (1 = real piece) and token-type ids, all
    /// `[rows, width]` int64.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, NerError> {
        tch::no_grad(|| self.forward_inner(ids, mask, types, &mut |_, _| Ok(())))
    }

    /// Widens `ranges` (one per quantized layer, in encoder order) to the inputs this batch gives those layers, over
    /// real pieces only (padding is never read). Run in fp32 over training text to calibrate int8.
    pub fn observe_ranges(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        types: &Tensor,
        ranges: &mut Ranges,
    ) -> Result<(), NerError> {
        ranges.resize(self.layers.len() * LINEARS_PER_LAYER, (0.0, 0.0));
        let real = mask.f_flatten(0, -1)?.f_nonzero()?.f_squeeze_dim(1)?;
        let _logits = tch::no_grad(|| {
            self.forward_inner(ids, mask, types, &mut |i, x| {
                let width = x.size().last().copied().unwrap_or(1);
                let x = x.f_reshape([-1, width])?.f_index_select(0, &real)?;
                if x.numel() > 0 {
                    let r = &mut ranges[i];
                    r.0 = r.0.min(x.f_min()?.f_double_value(&[])?);
                    r.1 = r.1.max(x.f_max()?.f_double_value(&[])?);
                }
                Ok(())
            })
        })?;
        Ok(())
    }

    fn forward_inner(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        types: &Tensor,
        observe: &mut dyn FnMut(usize, &Tensor) -> Result<(), NerError>,
    ) -> Result<Tensor, NerError> {
        let size = ids.size();
        let (rows, width) = match size.as_slice() {
            &[r, w] => (r, w),
            _ => return Err(NerError::Model { path: "input".into(), message: format!("ids of shape {size:?}") }),
        };
        let positions =
            Tensor::f_arange_start(self.position_offset, self.position_offset + width, (Kind::Int64, ids.device()))?;
        let mut x = Tensor::f_embedding(&self.word, ids, -1, false, false)?.f_add(&Tensor::f_embedding(
            &self.position,
            &positions,
            -1,
            false,
            false,
        )?)?;
        if let Some(token_type) = &self.token_type {
            x = x.f_add(&Tensor::f_embedding(token_type, types, -1, false, false)?)?;
        }
        let mut x = self.embedding_norm.forward(&x, self.hidden)?;
        // Additive attention mask [rows, 1, 1, width]: 0 for real pieces, a large negative for padding; MPNet adds
        // its relative position bias [1, heads, width, width].
        let mut bias = mask_bias(mask, activation_kind(self.precision))?;
        if let Some(table) = &self.relative {
            bias = bias.f_add(&mpnet::position_bias(table, width)?)?;
        }
        let head = self.hidden / self.heads;
        for (l, layer) in self.layers.iter().enumerate() {
            let n = l * LINEARS_PER_LAYER;
            observe(n, &x)?;
            let qkv = layer.qkv.forward(&x)?.f_view([rows, width, 3, self.heads, head])?.f_permute([2, 0, 3, 1, 4])?;
            let (q, k, v) = (qkv.f_get(0)?, qkv.f_get(1)?, qkv.f_get(2)?);
            let context = Tensor::f_scaled_dot_product_attention(&q, &k, &v, Some(&bias), 0.0, false, None)?
                .f_transpose(1, 2)?
                .f_reshape([rows, width, self.hidden])?;
            observe(n + 1, &context)?;
            let a = layer.attention_norm.forward(&layer.attention_out.forward(&context)?.f_add(&x)?, self.hidden)?;
            observe(n + 2, &a)?;
            let i = layer.intermediate.forward(&a)?.f_gelu("none")?;
            observe(n + 3, &i)?;
            x = layer.output_norm.forward(&layer.output.forward(&i)?.f_add(&a)?, self.hidden)?;
        }
        Ok(self.classifier.forward(&x)?.f_to_kind(Kind::Float)?)
    }
}
