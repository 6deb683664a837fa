//! What a model directory's `config.json` says: the architecture, its sizes, the classifier's labels and nertab's
//! own settings (`nertab_*` keys).
//!
//! The file is Hugging Face's config format, so a registry encoder's config is read by the same code as a model
//! nertab trained. An unknown or missing `model_type` is an error: running a model with another architecture's
//! forward pass would give confident nonsense.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use nertab_core::casing::{Casing, CASING_CLASSES, HEADLINE_CLASS};

use super::ModelError;

/// The shortest window a model can be trained on or run with (`nertab_max_len`, `--max-len`), in word pieces.
pub const MIN_MAX_LEN: usize = 8;

/// MPNet's first position id: its padding index (1) plus one.
pub const MPNET_POSITION_OFFSET: i64 = 2;
/// MPNet's layer-norm ε.
pub const MPNET_LAYER_NORM_EPS: f64 = 1e-5;
/// BERT's layer-norm ε.
pub const BERT_LAYER_NORM_EPS: f64 = 1e-12;

/// The encoder architecture of a model: `model_type` in its `config.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// BERT (and MiniLM, which is BERT-shaped).
    Bert,
    /// MPNet with this many relative-position buckets: BERT with positions from 2, no token types and a relative
    /// position bias in every layer's attention.
    Mpnet {
        /// `relative_attention_num_buckets`.
        buckets: i64,
    },
}

impl Arch {
    /// First component of the encoder's variable names.
    pub fn prefix(self) -> &'static str {
        match self {
            Arch::Bert => "bert",
            Arch::Mpnet { .. } => "mpnet",
        }
    }

    /// Position id of a window's first piece.
    pub fn position_offset(self) -> i64 {
        match self {
            Arch::Bert => 0,
            Arch::Mpnet { .. } => MPNET_POSITION_OFFSET,
        }
    }

    /// The ε of every layer norm.
    pub fn layer_norm_eps(self) -> f64 {
        match self {
            Arch::Bert => BERT_LAYER_NORM_EPS,
            Arch::Mpnet { .. } => MPNET_LAYER_NORM_EPS,
        }
    }

    /// Hugging Face's class name for a token classifier of this architecture (`architectures` in the config).
    pub fn token_classifier_name(self) -> &'static str {
        match self {
            Arch::Bert => "BertForTokenClassification",
            Arch::Mpnet { .. } => "MPNetForTokenClassification",
        }
    }
}

/// The parts of `config.json` nertab reads.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// The file it was read from, for messages.
    pub path: PathBuf,
    /// The architecture.
    pub arch: Arch,
    /// Vocabulary size (rows of the word embedding table).
    pub vocab_size: i64,
    /// Width of the hidden states.
    pub hidden_size: i64,
    /// Encoder layers.
    pub layers: i64,
    /// Attention heads per layer.
    pub heads: i64,
    /// Width of the feed-forward layer.
    pub intermediate_size: i64,
    /// Rows of the position embedding table.
    pub max_positions: i64,
    /// Rows of the token-type table (MPNet: 1, nertab's casing table when casing is on).
    pub type_vocab_size: i64,
    /// Dropout on hidden states (training only).
    pub hidden_dropout: f64,
    /// Dropout on attention probabilities (training only).
    pub attention_dropout: f64,
    /// The classifier's labels by class id (`id2label`); empty for a plain encoder.
    pub labels: Vec<String>,
    /// `nertab_casing`: token-type ids carry each word's casing class.
    pub casing: bool,
    /// `nertab_headline`: with `casing`, a Capitalized word in a headline has a casing class of its own
    /// ([`HEADLINE_CLASS`]).
    pub headline: bool,
    /// `nertab_max_len`: the longest window the model was trained on.
    pub max_len: Option<usize>,
    /// `nertab_context`: pieces of document context the model was trained with.
    pub context: Option<usize>,
}

#[derive(Deserialize)]
struct Raw {
    model_type: Option<String>,
    vocab_size: i64,
    hidden_size: i64,
    num_hidden_layers: i64,
    num_attention_heads: i64,
    intermediate_size: i64,
    max_position_embeddings: i64,
    type_vocab_size: Option<i64>,
    #[serde(default)]
    hidden_dropout_prob: f64,
    #[serde(default)]
    attention_probs_dropout_prob: f64,
    relative_attention_num_buckets: Option<i64>,
    #[serde(default)]
    id2label: BTreeMap<String, String>,
    #[serde(default)]
    nertab_casing: bool,
    #[serde(default)]
    nertab_headline: bool,
    nertab_max_len: Option<usize>,
    nertab_context: Option<usize>,
}

impl ModelConfig {
    /// What this model's token-type ids carry (`nertab_casing`, `nertab_headline`).
    pub fn casing_input(&self) -> Casing {
        Casing::from_flags(self.casing, self.headline)
    }

    /// Reads and checks `config.json`: a BERT or MPNet config whose `id2label` (if any) numbers its labels 0..n.
    pub fn read(path: &Path) -> Result<ModelConfig, ModelError> {
        let raw = std::fs::read_to_string(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ModelError::Missing { path: path.to_path_buf() },
            _ => ModelError::Read { path: path.to_path_buf(), source },
        })?;
        Self::parse(&raw, path)
    }

    /// [`read`](Self::read) for text already in memory; `path` is used in messages.
    pub fn parse(raw: &str, path: &Path) -> Result<ModelConfig, ModelError> {
        let json = |source| ModelError::Json { path: path.to_path_buf(), source };
        let value: serde_json::Value = serde_json::from_str(raw).map_err(json)?;
        let bad = |reason: String| ModelError::Config { path: path.to_path_buf(), reason };
        // The architecture first: another model's config fails here with a clear word, not on a missing field.
        let model_type = value.get("model_type").and_then(|v| v.as_str()).map(str::to_string);
        match model_type.as_deref() {
            Some("bert" | "mpnet") => {}
            Some(other) => return Err(bad(format!("model_type {other:?} is not one nertab runs (bert, mpnet)"))),
            None => return Err(bad("no model_type (bert or mpnet)".into())),
        }
        let raw: Raw = serde_json::from_value(value).map_err(json)?;
        let arch = match raw.model_type.as_deref() {
            Some("bert") => Arch::Bert,
            Some("mpnet") => Arch::Mpnet { buckets: raw.relative_attention_num_buckets.unwrap_or(32).max(2) },
            Some(other) => return Err(bad(format!("model_type {other:?} is not one nertab runs (bert, mpnet)"))),
            None => return Err(bad("no model_type (bert or mpnet)".into())),
        };
        let labels: Vec<String> = (0..raw.id2label.len())
            .map(|i| raw.id2label.get(&i.to_string()).cloned().ok_or_else(|| bad(format!("id2label has no id {i}"))))
            .collect::<Result<_, _>>()?;
        let type_vocab_size = raw.type_vocab_size.unwrap_or(1);
        if raw.nertab_casing && type_vocab_size < CASING_CLASSES {
            return Err(bad(format!("nertab_casing needs type_vocab_size >= {}", CASING_CLASSES)));
        }
        if raw.nertab_headline && !(raw.nertab_casing && type_vocab_size > HEADLINE_CLASS) {
            let rows = HEADLINE_CLASS + 1;
            return Err(bad(format!("nertab_headline needs nertab_casing and type_vocab_size >= {rows}")));
        }
        let sizes = [raw.vocab_size, raw.hidden_size, raw.num_hidden_layers, raw.num_attention_heads];
        if sizes.iter().any(|&s| s < 1) || raw.hidden_size % raw.num_attention_heads != 0 {
            return Err(bad(format!(
                "sizes do not fit: hidden {} with {} heads, {} layers, vocabulary {}",
                raw.hidden_size, raw.num_attention_heads, raw.num_hidden_layers, raw.vocab_size
            )));
        }
        let positions = raw.max_position_embeddings - arch.position_offset();
        if let Some(n) = raw.nertab_max_len.filter(|&n| n < MIN_MAX_LEN || n as i64 > positions) {
            return Err(bad(format!(
                "nertab_max_len {n} is outside {MIN_MAX_LEN}..={positions} (the pieces a window may hold: \
                 max_position_embeddings {} less {})",
                raw.max_position_embeddings,
                arch.position_offset()
            )));
        }
        if raw.intermediate_size < 1 || raw.max_position_embeddings < 1 {
            return Err(bad(format!(
                "sizes do not fit: intermediate {}, max_position_embeddings {}",
                raw.intermediate_size, raw.max_position_embeddings
            )));
        }
        Ok(ModelConfig {
            path: path.to_path_buf(),
            arch,
            vocab_size: raw.vocab_size,
            hidden_size: raw.hidden_size,
            layers: raw.num_hidden_layers,
            heads: raw.num_attention_heads,
            intermediate_size: raw.intermediate_size,
            max_positions: raw.max_position_embeddings,
            type_vocab_size,
            hidden_dropout: raw.hidden_dropout_prob,
            attention_dropout: raw.attention_probs_dropout_prob,
            labels,
            casing: raw.nertab_casing,
            headline: raw.nertab_headline,
            max_len: raw.nertab_max_len,
            context: raw.nertab_context,
        })
    }

    /// Positions a window may use: the position table less the architecture's offset.
    pub fn positions(&self) -> usize {
        (self.max_positions - self.arch.position_offset()).max(8) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERT: &str = r#"{"model_type": "bert", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1,
        "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 32,
        "id2label": {"0": "O", "1": "B-PER"}}"#;

    #[test]
    fn reads_bert_and_mpnet() {
        let c = ModelConfig::parse(BERT, Path::new("c.json")).unwrap();
        assert_eq!((c.arch, c.labels.len(), c.type_vocab_size, c.casing), (Arch::Bert, 2, 1, false));
        let m = ModelConfig::parse(&BERT.replace("\"bert\"", "\"mpnet\""), Path::new("c.json")).unwrap();
        assert_eq!(m.arch, Arch::Mpnet { buckets: 32 });
        assert_eq!(m.positions(), 30);
    }

    #[test]
    fn unknown_or_missing_model_type_is_an_error() {
        let err = ModelConfig::parse(&BERT.replace("\"bert\"", "\"gpt2\""), Path::new("c.json")).unwrap_err();
        assert_eq!(err.to_string(), "c.json: model_type \"gpt2\" is not one nertab runs (bert, mpnet)");
        let err = ModelConfig::parse(&BERT.replace("\"model_type\": \"bert\",", ""), Path::new("c.json")).unwrap_err();
        assert!(err.to_string().contains("no model_type"), "{err}");
        let err = ModelConfig::parse(&BERT.replace("\"1\"", "\"2\""), Path::new("c.json")).unwrap_err();
        assert!(err.to_string().contains("id2label has no id 1"), "{err}");
        let err =
            ModelConfig::parse("{\"model_type\": \"bert\", \"hidden_size\": 3}", Path::new("c.json")).unwrap_err();
        assert!(matches!(err, ModelError::Json { .. }), "{err}");
    }
}
