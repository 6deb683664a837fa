//! MPNet as a token classifier, for training (autograd, dropout) — rust-bert has no MPNet.
//!
//! MPNet is BERT with three differences, all mirrored here and in the inference [`crate::model::Encoder`]: positions
//! start at 2 (the padding index plus one), there are no token-type embeddings, and every layer adds a learned
//! *relative position bias* (one value per head and distance bucket, shared by all layers) to its attention scores.
//! Layer norms use ε = 1e-5. Variables carry Hugging Face's `MPNetForTokenClassification` names, so the registry's
//! all-mpnet-base-v2 safetensors load into it. nertab's casing signal is a token-type table
//! (`mpnet.embeddings.token_type_embeddings`) that the pretrained model lacks; it starts at zero, so training starts
//! from exactly the pretrained function.
//!
//! nertab uses MPNet as a *teacher*: it is as large as BERT-base, too slow to ship by the project's speed target,
//! but its word-level label distributions can train the small shipped student (`nertab train --teacher`).

use std::borrow::Borrow;

use tch::{nn, Kind, TchError, Tensor};

use crate::model::attention::{mask_bias, position_bias};
use crate::model::config::{MPNET_LAYER_NORM_EPS, MPNET_POSITION_OFFSET};
use crate::model::ModelConfig;

struct Layer {
    q: nn::Linear,
    k: nn::Linear,
    v: nn::Linear,
    o: nn::Linear,
    attention_norm: nn::LayerNorm,
    intermediate: nn::Linear,
    output: nn::Linear,
    output_norm: nn::LayerNorm,
}

/// MPNet encoder + dropout + linear classifier over every piece.
pub struct MpnetForTokenClassification {
    word: nn::Embedding,
    position: nn::Embedding,
    token_type: Option<nn::Embedding>,
    embedding_norm: nn::LayerNorm,
    relative: nn::Embedding,
    layers: Vec<Layer>,
    classifier: nn::Linear,
    heads: i64,
    hidden_dropout: f64,
    attention_dropout: f64,
}

impl MpnetForTokenClassification {
    /// Creates the variables under `p` (`mpnet.…`, `classifier.…`). `buckets` is the config's
    /// `relative_attention_num_buckets`; a token-type table of `type_vocab_size` rows is added when `types` is set.
    pub fn new<'p>(p: impl Borrow<nn::Path<'p>>, config: &ModelConfig, buckets: i64, types: bool) -> Self {
        let p = p.borrow();
        let h = config.hidden_size;
        let norm = |p: nn::Path| {
            nn::layer_norm(p, vec![h], nn::LayerNormConfig { eps: MPNET_LAYER_NORM_EPS, ..Default::default() })
        };
        let linear = |p: nn::Path, i, o| nn::linear(p, i, o, Default::default());
        let e = p / "mpnet" / "embeddings";
        let enc = p / "mpnet" / "encoder";
        let layers = (0..config.layers)
            .map(|i| {
                let l = &enc / "layer" / i;
                let a = &l / "attention";
                Layer {
                    q: linear(&a / "attn" / "q", h, h),
                    k: linear(&a / "attn" / "k", h, h),
                    v: linear(&a / "attn" / "v", h, h),
                    o: linear(&a / "attn" / "o", h, h),
                    attention_norm: norm(&a / "LayerNorm"),
                    intermediate: linear(&l / "intermediate" / "dense", h, config.intermediate_size),
                    output: linear(&l / "output" / "dense", config.intermediate_size, h),
                    output_norm: norm(&l / "output" / "LayerNorm"),
                }
            })
            .collect();
        let labels = config.labels.len().max(2) as i64;
        MpnetForTokenClassification {
            word: nn::embedding(&e / "word_embeddings", config.vocab_size, h, Default::default()),
            position: nn::embedding(&e / "position_embeddings", config.max_positions, h, Default::default()),
            token_type: types.then(|| {
                let init = nn::EmbeddingConfig { ws_init: nn::Init::Const(0.0), ..Default::default() };
                nn::embedding(&e / "token_type_embeddings", config.type_vocab_size, h, init)
            }),
            embedding_norm: norm(&e / "LayerNorm"),
            relative: nn::embedding(&enc / "relative_attention_bias", buckets, config.heads, Default::default()),
            layers,
            classifier: linear(p / "classifier", h, labels),
            heads: config.heads,
            hidden_dropout: config.hidden_dropout,
            attention_dropout: config.attention_dropout,
        }
    }

    /// Logits `[rows, width, labels]` for piece ids, attention mask (1 = real piece) and token-type ids, all
    /// `[rows, width]`; dropout when `train`.
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, types: &Tensor, train: bool) -> Result<Tensor, TchError> {
        let (rows, width) = match ids.size().as_slice() {
            &[r, w] => (r, w),
            s => return Err(TchError::Shape(format!("ids of shape {s:?}"))),
        };
        let positions =
            Tensor::f_arange_start(MPNET_POSITION_OFFSET, MPNET_POSITION_OFFSET + width, (Kind::Int64, ids.device()))?;
        let mut x = ids.apply(&self.word).f_add(&positions.apply(&self.position))?;
        if let Some(t) = &self.token_type {
            x = x.f_add(&types.apply(t))?;
        }
        let mut x = x.apply(&self.embedding_norm).f_dropout(self.hidden_dropout, train)?;
        let hidden = x.size()[2];
        let head = hidden / self.heads;
        let bias = position_bias(&self.relative.ws, width)?.f_add(&mask_bias(mask, x.kind())?)?;
        let attention_dropout = if train { self.attention_dropout } else { 0.0 };
        let split = |t: Tensor| t.f_view([rows, width, self.heads, head])?.f_transpose(1, 2);
        for layer in &self.layers {
            let (q, k, v) = (split(x.apply(&layer.q))?, split(x.apply(&layer.k))?, split(x.apply(&layer.v))?);
            let context =
                Tensor::f_scaled_dot_product_attention(&q, &k, &v, Some(&bias), attention_dropout, false, None)?
                    .f_transpose(1, 2)?
                    .f_reshape([rows, width, hidden])?;
            let a =
                context.apply(&layer.o).f_dropout(self.hidden_dropout, train)?.f_add(&x)?.apply(&layer.attention_norm);
            let i = a.apply(&layer.intermediate).f_gelu("none")?;
            x = i.apply(&layer.output).f_dropout(self.hidden_dropout, train)?.f_add(&a)?.apply(&layer.output_norm);
        }
        Ok(x.f_dropout(self.hidden_dropout, train)?.apply(&self.classifier))
    }
}
