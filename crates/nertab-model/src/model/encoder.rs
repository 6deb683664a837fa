//! The inference forward pass: a BERT or MPNet token classifier over a trained model's weights, written with plain
//! tensor ops so each linear layer can run in fp32, bf16 or int8 ([`super::quant`]).
//!
//! Why not rust-bert's forward pass at inference: its linear layers are private, so they cannot be quantized. Training
//! keeps rust-bert's network (autograd, dropout, [`crate::train`]); this module reads the same variables by their
//! Hugging Face names straight from the safetensors file, and a test checks that both give the same logits in fp32.
//! Layer norms, softmax, GELU, embeddings and the classifier stay fp32 under fbgemm's int8 and bf16 under oneDNN's
//! (`int8-onednn`, whose intermediate layer applies GELU inside its kernel).

use std::collections::HashMap;
use std::path::Path;

use tch::{Device, Kind, Tensor};

use super::attention::{mask_bias, position_bias};
use super::quant::{ChannelRange, Int8Input, Linear, Ranges, RangesFile, Smoothing};
use super::{Arch, ModelConfig, ModelError, Precision};

/// Number of quantized linear layers per encoder layer.
pub const LINEARS_PER_LAYER: usize = 4;

/// Reads a safetensors file into named fp32 tensors (fp16 files are widened).
pub fn read_weights(path: &Path) -> Result<HashMap<String, Tensor>, ModelError> {
    if !path.is_file() {
        return Err(ModelError::Missing { path: path.to_path_buf() });
    }
    let weights_err = |source| ModelError::Weights { path: path.to_path_buf(), source };
    Tensor::read_safetensors(path)
        .map_err(weights_err)?
        .into_iter()
        .map(|(name, t)| Ok((name, t.f_to_kind(Kind::Float).map_err(weights_err)?)))
        .collect()
}

/// Kind of the activations: bf16 for [`Precision::Bf16`] and [`Precision::Int8Onednn`] (whose int8 layers give
/// bf16), else fp32 (fbgemm's int8 layers take and give fp32).
fn activation_kind(precision: Precision) -> Kind {
    match precision {
        Precision::Bf16 | Precision::Int8Onednn => Kind::BFloat16,
        Precision::Fp32 | Precision::Int8 => Kind::Float,
    }
}

/// The precision of the layers int8 leaves out (those in `keep_fp32`, and the classifier): fp32 beside fbgemm's
/// int8, bf16 beside oneDNN's, whose activations are bf16 already.
fn unquantized(precision: Precision) -> Precision {
    match precision {
        Precision::Int8 => Precision::Fp32,
        Precision::Int8Onednn => Precision::Bf16,
        other => other,
    }
}

/// Refuses weights whose shapes are not the ones `config.json` gives (layer count, hidden, intermediate and
/// vocabulary sizes, position and token-type tables, heads, labels), naming the config key, its value and the tensor
/// with its shape: a config that does not describe its weights would otherwise run on the weights' shapes, or fail
/// deep inside a forward pass.
pub fn check_shapes(vars: &HashMap<String, Tensor>, config: &ModelConfig) -> Result<(), ModelError> {
    let top = config.arch.prefix();
    let names = Names::of(config.arch);
    let mismatch = |key: &str, value: i64, tensor: &str, size: &[i64]| ModelError::Config {
        path: config.path.clone(),
        reason: format!("{key} is {value}, but the weights' {tensor} has shape {size:?}"),
    };
    // Checks dimension `dim` of a tensor (when present: a missing one is reported by name when it is needed).
    let expect = |tensor: &str, dim: usize, key: &str, value: i64| -> Result<(), ModelError> {
        match vars.get(tensor) {
            Some(t) if t.size().get(dim) != Some(&value) => Err(mismatch(key, value, tensor, &t.size())),
            _ => Ok(()),
        }
    };
    let word = format!("{top}.embeddings.word_embeddings.weight");
    expect(&word, 0, "vocab_size", config.vocab_size)?;
    expect(&word, 1, "hidden_size", config.hidden_size)?;
    let position = format!("{top}.embeddings.position_embeddings.weight");
    expect(&position, 0, "max_position_embeddings", config.max_positions)?;
    if config.casing {
        let types = format!("{top}.embeddings.token_type_embeddings.weight");
        expect(&types, 0, "type_vocab_size", config.type_vocab_size)?;
    }
    if let crate::model::Arch::Mpnet { buckets } = config.arch {
        let relative = format!("{top}.encoder.relative_attention_bias.weight");
        expect(&relative, 0, "relative_attention_num_buckets", buckets)?;
        expect(&relative, 1, "num_attention_heads", config.heads)?;
    }
    // Layers: numbered 0.. without a gap, as many as the config says.
    let layer_prefix = format!("{top}.encoder.layer.");
    let numbers: std::collections::BTreeSet<i64> =
        vars.keys().filter_map(|k| k.strip_prefix(&layer_prefix)?.split('.').next()?.parse().ok()).collect();
    let found = numbers.len() as i64;
    if found != config.layers || numbers.last().is_some_and(|&last| last + 1 != found) {
        let listed: Vec<String> = numbers.iter().map(i64::to_string).collect();
        return Err(ModelError::Config {
            path: config.path.clone(),
            reason: format!(
                "num_hidden_layers is {}, but the weights have {found} layers ({layer_prefix}{{{}}})",
                config.layers,
                listed.join(",")
            ),
        });
    }
    for n in 0..config.layers {
        let p = format!("{layer_prefix}{n}");
        expect(&format!("{p}.{}.weight", names.q), 1, "hidden_size", config.hidden_size)?;
        expect(&format!("{p}.intermediate.dense.weight"), 0, "intermediate_size", config.intermediate_size)?;
        expect(&format!("{p}.intermediate.dense.weight"), 1, "hidden_size", config.hidden_size)?;
    }
    expect("classifier.weight", 0, "the number of labels in id2label", config.labels.len() as i64)?;
    expect("classifier.weight", 1, "hidden_size", config.hidden_size)?;
    Ok(())
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn new(weight: Tensor, bias: Tensor, kind: Kind, eps: f64) -> Result<LayerNorm, ModelError> {
        Ok(LayerNorm { weight: weight.f_to_kind(kind)?, bias: bias.f_to_kind(kind)?, eps })
    }

    fn forward(&self, x: &Tensor, width: i64) -> Result<Tensor, ModelError> {
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
    /// [`Encoder::observe_channels`], the layers that stay fp32 and those smoothed. A precision this CPU cannot run
    /// well ([`super::cpu::Cpu::supports`]) is refused.
    pub fn from_variables(
        vars: &HashMap<String, Tensor>,
        config: &ModelConfig,
        precision: Precision,
        int8: Option<&RangesFile>,
    ) -> Result<Encoder, ModelError> {
        let (arch, heads) = (config.arch, config.heads);
        super::cpu::Cpu::detect().supports(precision)?;
        check_shapes(vars, config)?;
        if !precision.is_int8() {
            return Self::build(vars, arch, heads, precision, None);
        }
        let Some(int8) = int8 else {
            return Err(ModelError::Shape { what: "int8 encoder".into(), reason: "no input ranges given".into() });
        };
        // libtorch prints a one-time deprecation warning on stderr the first time each fbgemm int8 op runs. Packing
        // the weights and one tiny forward pass trigger both here, at load, so that a caller who wants them silent
        // (the CLI) only has to quiet stderr around loading.
        let encoder = Self::build(vars, arch, heads, precision, Some(int8))?;
        let one = Tensor::f_ones([1, 2], (Kind::Int64, Device::Cpu))?;
        let _logits = encoder.forward(&one, &one, &one)?;
        Ok(encoder)
    }

    fn build(
        vars: &HashMap<String, Tensor>,
        arch: Arch,
        heads: i64,
        precision: Precision,
        int8: Option<&RangesFile>,
    ) -> Result<Encoder, ModelError> {
        let kind = activation_kind(precision);
        let names = Names::of(arch);
        let get = |name: &str| -> Result<Tensor, ModelError> {
            let t = vars.get(name).ok_or_else(|| ModelError::Variable { name: name.to_string() })?;
            Ok(t.f_to_kind(Kind::Float)?.f_detach()?)
        };
        let scheme = super::cpu::Int8Scheme::for_this_cpu();
        let range = |i: usize| {
            let f = int8?;
            let divisors = f.smooth.iter().find(|s| s.layer == i).map(|s| s.divisors.as_slice());
            Some(Int8Input { range: *f.ranges.get(i)?, divisors, scheme })
        };
        let pr =
            |i: usize| if int8.is_some_and(|f| f.keep_fp32.contains(&i)) { unquantized(precision) } else { precision };
        let linear = |prefix: &str, i: usize| -> Result<Linear, ModelError> {
            Linear::new(get(&format!("{prefix}.weight"))?, get(&format!("{prefix}.bias"))?, pr(i), range(i), prefix)
        };
        let norm = |prefix: &str| -> Result<LayerNorm, ModelError> {
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
                qkv: Linear::new(qkv_weight, qkv_bias, pr(n), range(n), &format!("{p}.{q}"))?,
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
            return Err(ModelError::Shape {
                what: format!("{top}.encoder"),
                reason: format!("{} layers, hidden size {hidden}, {heads} heads", layers.len()),
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
                unquantized(precision),
                None,
                "classifier",
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
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, ModelError> {
        tch::no_grad(|| self.forward_inner(ids, mask, types, &mut |_, _| Ok(())))
    }

    /// Widens `channels` (one per quantized layer, in encoder order) to the inputs this batch gives those layers,
    /// per input channel, over real pieces only (padding is never read). Run in fp32 over training text to calibrate
    /// int8 ([`Encoder::int8_settings`]).
    pub fn observe_channels(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        types: &Tensor,
        channels: &mut Vec<Option<ChannelRange>>,
    ) -> Result<(), ModelError> {
        channels.resize_with(self.layers.len() * LINEARS_PER_LAYER, || None);
        let real = mask.f_flatten(0, -1)?.f_nonzero()?.f_squeeze_dim(1)?;
        let _logits = tch::no_grad(|| {
            self.forward_inner(ids, mask, types, &mut |i, x| {
                let width = x.size().last().copied().unwrap_or(1);
                let x = x.f_reshape([-1, width])?.f_index_select(0, &real)?;
                if x.numel() > 0 {
                    ChannelRange::observe(&mut channels[i], &x)?;
                }
                Ok(())
            })
        })?;
        Ok(())
    }

    /// How many linear layers int8 can quantize, numbered as in [`Ranges`].
    pub fn quantizable_layers(&self) -> usize {
        self.layers.len() * LINEARS_PER_LAYER
    }

    /// The int8 input ranges for what [`Encoder::observe_channels`] saw, with each layer in `smooth` smoothed at its
    /// strength α (their ranges are those of the smoothed inputs). Needs the fp32 weights.
    pub fn int8_settings(
        &self,
        channels: &[Option<ChannelRange>],
        smooth: &[(usize, f64)],
    ) -> Result<(Ranges, Vec<Smoothing>), ModelError> {
        let mut ranges = Ranges::new();
        let mut smoothing = Vec::new();
        for (i, seen) in channels.iter().enumerate() {
            let Some(seen) = seen else {
                ranges.push((0.0, 0.0));
                continue;
            };
            let divisors = if let Some(&(_, alpha)) = smooth.iter().find(|(l, _)| *l == i) {
                let float = self.linear(i).map(Linear::column_max).transpose()?.flatten();
                let weight_max = float.ok_or(ModelError::NeedsFp32 { precision: self.precision.as_str() })?;
                let d = seen.divisors(&weight_max, alpha)?;
                smoothing.push(Smoothing { layer: i, alpha, divisors: Vec::<f32>::try_from(&d)? });
                Some(d)
            } else {
                None
            };
            ranges.push(seen.range(divisors.as_ref())?);
        }
        Ok((ranges, smoothing))
    }

    /// Quantizable layer `i` ([`Ranges`] numbering).
    fn linear(&self, i: usize) -> Option<&Linear> {
        let layer = self.layers.get(i / LINEARS_PER_LAYER)?;
        Some([&layer.qkv, &layer.attention_out, &layer.intermediate, &layer.output][i % LINEARS_PER_LAYER])
    }

    fn forward_inner(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        types: &Tensor,
        observe: &mut dyn FnMut(usize, &Tensor) -> Result<(), ModelError>,
    ) -> Result<Tensor, ModelError> {
        let size = ids.size();
        let (rows, width) = match size.as_slice() {
            &[r, w] => (r, w),
            _ => {
                return Err(ModelError::Shape {
                    what: "input ids".into(),
                    reason: format!("shape {size:?}, want [rows, width]"),
                })
            }
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
        // its relative position bias [1, heads, width, width]. Attention runs in fp32 whatever the precision: in bf16,
        // libtorch's fused attention kernel gave a sentence other scores (third decimal) depending on the padding of
        // the batch it shared, so a table would have depended on its neighbours; in fp32 it does not, and the
        // attention products are a small part of the work next to the linear layers.
        let mut bias = mask_bias(mask, Kind::Float)?;
        if let Some(table) = &self.relative {
            bias = bias.f_add(&position_bias(table, width)?)?;
        }
        let head = self.hidden / self.heads;
        for (l, layer) in self.layers.iter().enumerate() {
            let n = l * LINEARS_PER_LAYER;
            observe(n, &x)?;
            let qkv = layer.qkv.forward(&x)?.f_view([rows, width, 3, self.heads, head])?.f_permute([2, 0, 3, 1, 4])?;
            let fp32 = |i: i64| qkv.f_get(i)?.f_to_kind(Kind::Float);
            let (q, k, v) = (fp32(0)?, fp32(1)?, fp32(2)?);
            let context = Tensor::f_scaled_dot_product_attention(&q, &k, &v, Some(&bias), 0.0, false, None)?
                .f_to_kind(x.kind())?
                .f_transpose(1, 2)?
                .f_reshape([rows, width, self.hidden])?;
            observe(n + 1, &context)?;
            let a = layer.attention_norm.forward(&layer.attention_out.forward(&context)?.f_add(&x)?, self.hidden)?;
            observe(n + 2, &a)?;
            let y = if let Some(z) = layer.intermediate.forward_gelu_for(&a, &layer.output)? {
                // oneDNN int8 on both: GELU and the quantizing happen inside the first kernel.
                layer.output.forward(&z)?
            } else if layer.output.is_int8() {
                let z = layer.intermediate.forward(&a)?;
                // Never calibrated (calibration runs fp32): GELU goes straight into the buffer the int8 kernel reads.
                layer.output.forward_gelu(&z)?
            } else {
                let i = layer.intermediate.forward(&a)?.f_gelu("none")?;
                observe(n + 3, &i)?;
                layer.output.forward(&i)?
            };
            x = layer.output_norm.forward(&y.f_add(&a)?, self.hidden)?;
        }
        Ok(self.classifier.forward(&x)?.f_to_kind(Kind::Float)?)
    }
}
