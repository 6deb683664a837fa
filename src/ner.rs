//! Named entities with a transformer token classifier on libtorch: BERT (rust-bert's, for training) or MPNet
//! ([`crate::mpnet`], the distillation teacher), run at inference by [`crate::encoder`].
//!
//! A model directory holds `config.json` (Hugging Face BERT config with `id2label`), `tokenizer.json` and
//! `model.safetensors`. Words come from [`crate::tokenize`]; the label of a word is the label of its first piece, and
//! IOB2 labels become entity spans with [`decode_entities`] — the same code path for `extract` and `eval`.
//!
//! Text longer than the model window is cut into *focus* chunks of at most half a window, each run inside a window
//! extended with the words around it, so every word is labelled exactly once and with context on both sides: no
//! entity is lost or split at a window boundary. A model trained with document context (`nertab_context`) gets
//! whole sentences packed into one focus, with that many pieces of the document on each side.
//!
//! nertab models can carry a casing signal (the encoders we fine-tune are uncased): with `"nertab_casing": true` in
//! the config, each piece's token-type id is the casing class of its word (see [`casing_class`]), and the config's
//! `type_vocab_size` covers those classes.

use std::ops::Range;
use std::path::{Path, PathBuf};

use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Device, Kind, Tensor};
use thiserror::Error;

use crate::encoder::{Encoder, Ranges};
use crate::mpnet::MpnetForTokenClassification;
use crate::tokenize::{Tokenized, TokenizerError, WordPieceTokenizer};

/// Number of casing classes used as token-type ids (see [`casing_class`]).
pub const CASING_CLASSES: i64 = 5;

#[derive(Debug, Error)]
pub enum NerError {
    #[error("{path}: {message}")]
    Model { path: String, message: String },
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

/// A named entity found in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Code-point span in the article (end exclusive).
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    /// Entity type without the IOB prefix (`PER`, `ORG`, `LOC`, `MISC`).
    pub label: String,
    /// Mean probability of the predicted label over the entity's words.
    pub score: f32,
}

/// Number format of the weights and activations at inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats (MKL).
    #[default]
    Fp32,
    /// bfloat16 weights and activations: oneDNN runs the matrix products on AVX512-BF16/AMX. Pays only on CPUs
    /// with AMX; slower than fp32 on AVX512-BF16 alone.
    Bf16,
    /// int8 linear layers (fbgemm, VNNI) with fixed calibrated input ranges, everything else fp32.
    Int8,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
        }
    }
}

/// Options for running the model.
#[derive(Debug, Clone)]
pub struct NerOptions {
    /// Longest piece sequence fed to the model, special tokens included.
    pub max_len: usize,
    /// Pieces of surrounding document given as context on each side of the focus (0: each sentence alone). With
    /// context, consecutive sentences share a window's focus.
    pub context: usize,
    /// Most pieces (padding included) in one forward batch. Small batches keep activations in cache: on 300 BBC
    /// articles (2 threads) 1024 ran 16% faster than 4096 in int8 and 12% in fp32; 512–1536 were within noise.
    pub batch_pieces: usize,
}

impl Default for NerOptions {
    fn default() -> Self {
        NerOptions { max_len: 256, context: 0, batch_pieces: 1024 }
    }
}

/// The casing class of a word: 0 no letters, 1 lower case, 2 Capitalized, 3 UPPER CASE, 4 mIxed.
pub fn casing_class(word: &str) -> i64 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return 0;
    };
    let rest: Vec<char> = letters.collect();
    let rest_lower = rest.iter().all(|c| !c.is_uppercase());
    let rest_upper = rest.iter().all(|c| !c.is_lowercase());
    match (first.is_uppercase(), rest_lower, rest_upper) {
        (false, true, _) => 1,
        (true, _, true) if !rest.is_empty() => 3,
        (true, true, _) => 2,
        _ => 4,
    }
}

/// The encoder architecture of a model: `model_type` in its `config.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    Bert,
    /// MPNet (see [`crate::mpnet`]) with this many relative-position buckets.
    Mpnet {
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
            Arch::Mpnet { .. } => crate::mpnet::POSITION_OFFSET,
        }
    }

    /// The ε of every layer norm.
    pub fn layer_norm_eps(self) -> f64 {
        match self {
            Arch::Bert => 1e-12,
            Arch::Mpnet { .. } => crate::mpnet::LAYER_NORM_EPS,
        }
    }
}

/// The trainable network: rust-bert's BERT or nertab's MPNet.
pub(crate) enum Net {
    Bert(BertForTokenClassification),
    Mpnet(MpnetForTokenClassification),
}

impl Net {
    /// Creates the network's variables under `p`, as `config` describes.
    pub(crate) fn new(p: nn::Path, config: &ModelConfig) -> Result<Net, NerError> {
        Ok(match config.arch {
            Arch::Bert => Net::Bert(
                BertForTokenClassification::new(p, &config.bert)
                    .map_err(|e| NerError::Model { path: "config.json".into(), message: e.to_string() })?,
            ),
            Arch::Mpnet { buckets } => {
                Net::Mpnet(MpnetForTokenClassification::new(p, &config.bert, buckets, config.casing))
            }
        })
    }

    fn forward_t(&self, ids: &Tensor, mask: &Tensor, types: &Tensor, train: bool) -> Result<Tensor, NerError> {
        Ok(match self {
            Net::Bert(m) => m.forward_t(Some(ids), Some(mask), Some(types), None, None, train).logits,
            Net::Mpnet(m) => m.forward_t(ids, mask, types, train)?,
        })
    }
}

/// A trained token classifier with its tokenizer and labels.
pub struct NerModel {
    /// rust-bert's model over the variables, present in fp32 loads and in training.
    reference: Option<Reference>,
    /// The inference path over the same weights.
    encoder: Encoder,
    tokenizer: WordPieceTokenizer,
    /// IOB2 labels by class id.
    labels: Vec<String>,
    casing: bool,
    arch: Arch,
    heads: i64,
    pub options: NerOptions,
    /// Word pieces fed to the model so far (special tokens and padding excluded), for `--stats`.
    pieces: std::sync::atomic::AtomicU64,
}

/// rust-bert's model and its variables: the training path (autograd, dropout), the fp32 weights calibration reads,
/// and the reference [`Encoder`] is tested against. An int8 or bf16 load drops it: its encoder holds all it needs, and
/// the fp32 copy would be most of the model's memory.
struct Reference {
    model: Net,
    vs: nn::VarStore,
}

/// The parts of `config.json` nertab reads beyond rust-bert's `BertConfig`.
pub struct ModelConfig {
    /// The encoder's sizes (an MPNet config read as a BERT one: the fields they share).
    pub bert: BertConfig,
    pub arch: Arch,
    pub labels: Vec<String>,
    pub casing: bool,
    /// Window options the model was trained with (`nertab_max_len`, `nertab_context`), used for inference too.
    pub options: NerOptions,
}

/// Reads and checks `config.json`: a BERT (or MPNet) config whose `id2label` numbers its labels 0..n.
pub fn read_config(path: &Path) -> Result<ModelConfig, NerError> {
    let err = |message: String| NerError::Model { path: path.display().to_string(), message };
    let raw = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let mut value: serde_json::Value = serde_json::from_str(&raw).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let arch = match value.get("model_type").and_then(|v| v.as_str()) {
        Some("mpnet") => {
            let buckets = value.get("relative_attention_num_buckets").and_then(|v| v.as_i64()).unwrap_or(32);
            // MPNet has no token types; BertConfig wants the field.
            if let Some(obj) = value.as_object_mut() {
                obj.entry("type_vocab_size").or_insert(1.into());
            }
            Arch::Mpnet { buckets: buckets.max(2) }
        }
        _ => Arch::Bert,
    };
    let bert: BertConfig = serde_json::from_value(value.clone()).map_err(|e| err(format!("not a BERT config: {e}")))?;
    let id2label = bert.id2label.as_ref().ok_or_else(|| err("no id2label".into()))?;
    let labels: Vec<String> = (0..id2label.len() as i64)
        .map(|i| id2label.get(&i).cloned().ok_or_else(|| err(format!("id2label has no id {i}"))))
        .collect::<Result<_, _>>()?;
    let casing = value.get("nertab_casing").and_then(|v| v.as_bool()).unwrap_or(false);
    if casing && bert.type_vocab_size < CASING_CLASSES {
        return Err(err(format!("nertab_casing needs type_vocab_size >= {CASING_CLASSES}")));
    }
    let mut options = NerOptions::default();
    let positions = (bert.max_position_embeddings - arch.position_offset()).max(8) as usize;
    options.max_len = options.max_len.min(positions);
    if let Some(n) = value.get("nertab_max_len").and_then(|v| v.as_u64()) {
        options.max_len = (n as usize).clamp(8, positions);
    }
    if let Some(n) = value.get("nertab_context").and_then(|v| v.as_u64()) {
        options.context = n as usize;
    }
    Ok(ModelConfig { bert, arch, labels, casing, options })
}

impl NerModel {
    /// Loads a model directory (`config.json`, `tokenizer.json`, `model.safetensors`). Weights stored in reduced
    /// precision are widened to fp32 for inference.
    pub fn load(dir: &Path) -> Result<NerModel, NerError> {
        Self::load_with(dir, Precision::Fp32)
    }

    /// Loads a model directory for inference in the given precision.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<NerModel, NerError> {
        let file = |name: &str| -> Result<PathBuf, NerError> {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(NerError::Model {
                    path: p.display().to_string(),
                    message: "missing from the model directory".into(),
                })
            }
        };
        let config = read_config(&file("config.json")?)?;
        let tokenizer = WordPieceTokenizer::from_file(&file("tokenizer.json")?)?;
        let weights = file("model.safetensors")?;
        let mut vs = nn::VarStore::new(Device::Cpu);
        let model = Net::new(vs.root(), &config)?;
        vs.load(&weights)
            .map_err(|e| NerError::Model { path: weights.display().to_string(), message: e.to_string() })?;
        vs.float();
        vs.freeze();
        let heads = config.bert.num_attention_heads;
        let int8 = if precision == Precision::Int8 { Some(read_ranges(dir)?) } else { None };
        let encoder = Encoder::from_variables(&vs.variables(), config.arch, heads, precision, int8.as_ref())?;
        Ok(NerModel {
            reference: (precision == Precision::Fp32).then_some(Reference { model, vs }),
            encoder,
            tokenizer,
            labels: config.labels,
            casing: config.casing,
            arch: config.arch,
            heads,
            options: config.options,
            pieces: Default::default(),
        })
    }

    /// IOB2 labels by class id.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Builds a model around a var store whose variables are already set (training uses this).
    pub(crate) fn from_parts(
        model: Net,
        vs: nn::VarStore,
        tokenizer: WordPieceTokenizer,
        config: &ModelConfig,
    ) -> Result<NerModel, NerError> {
        let (labels, casing, options) = (config.labels.clone(), config.casing, config.options.clone());
        let (arch, heads) = (config.arch, config.bert.num_attention_heads);
        let encoder = fp32_encoder(&vs, arch, heads)?;
        let reference = Some(Reference { model, vs });
        let pieces = Default::default();
        Ok(NerModel { reference, encoder, tokenizer, labels, casing, arch, heads, options, pieces })
    }

    /// rust-bert's model and the fp32 variables, or an error naming why they are missing.
    fn reference(&self) -> Result<&Reference, NerError> {
        self.reference.as_ref().ok_or_else(|| self.inference_only())
    }

    /// The error for what only an fp32 load can do: an int8 or bf16 load keeps no fp32 weights (see [`Reference`]).
    fn inference_only(&self) -> NerError {
        NerError::Model {
            path: format!("{} model", self.precision().as_str()),
            message: "loaded for inference only; load it in fp32 to train, calibrate or compare with rust-bert".into(),
        }
    }

    /// Rebuilds the inference encoder from the current variables (training changes them in place; the encoder holds
    /// copies of some, such as the stacked query/key/value matrices).
    pub(crate) fn refresh_encoder(&mut self) -> Result<(), NerError> {
        self.encoder = fp32_encoder(&self.reference()?.vs, self.arch, self.heads)?;
        Ok(())
    }

    /// Measures the input range of every int8 layer over these documents in fp32 (see [`crate::encoder`]); write
    /// them beside the model with [`write_ranges`]. Needs a model loaded in fp32.
    pub fn calibrate(&self, docs: &[(&str, &Tokenized)]) -> Result<Ranges, NerError> {
        if self.precision() != Precision::Fp32 {
            return Err(self.inference_only());
        }
        let prepared = self.prepare(docs)?;
        let mut ranges = Ranges::new();
        for batch in prepared.batches(self.options.batch_pieces, None) {
            let t = self.batch_tensors(&batch, &prepared.encoded)?;
            self.encoder.observe_ranges(&t.ids, &t.mask, &t.types, &mut ranges)?;
        }
        Ok(ranges)
    }

    /// Precision of the inference path.
    pub fn precision(&self) -> Precision {
        self.encoder.precision()
    }

    /// The variables, for an optimizer or for saving.
    pub(crate) fn var_store(&self) -> Result<&nn::VarStore, NerError> {
        Ok(&self.reference()?.vs)
    }

    /// Encodes documents and plans the windows that cover them (see the module docs).
    pub(crate) fn prepare(&self, docs: &[(&str, &Tokenized)]) -> Result<Prepared, NerError> {
        let mut encoded = Vec::with_capacity(docs.len());
        let mut windows = Vec::new();
        for (d, (text, doc)) in docs.iter().enumerate() {
            let enc = self.encode_doc(text, doc)?;
            windows.extend(plan_windows(d, doc, &enc, &self.options));
            encoded.push(enc);
        }
        Ok(Prepared { encoded, windows })
    }

    /// Labels every word of each document: (IOB2 label id, probability) per token.
    pub fn label_words(&self, docs: &[(&str, &Tokenized)]) -> Result<Vec<Vec<(usize, f32)>>, NerError> {
        let prepared = self.prepare(docs)?;
        let outside = self.labels.iter().position(|l| l == "O").unwrap_or(0);
        let mut out: Vec<Vec<(usize, f32)>> = docs.iter().map(|(_, d)| vec![(outside, 1.0); d.tokens.len()]).collect();
        for batch in prepared.batches(self.options.batch_pieces, None) {
            self.run_batch(&batch, &prepared.encoded, &mut out)?;
        }
        let fed: usize = prepared.windows.iter().map(|w| w.len(&prepared.encoded[w.doc])).sum();
        self.pieces.fetch_add(fed as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(out)
    }

    /// Logits of every word (those of its first piece), `tokens × labels` row-major per document; a word without
    /// pieces gets zeros. Distillation reads a teacher's word-level distributions from here, so teacher and student
    /// may use different tokenizers.
    pub fn word_logits(&self, docs: &[(&str, &Tokenized)]) -> Result<Vec<Vec<f32>>, NerError> {
        let prepared = self.prepare(docs)?;
        let n = self.labels.len();
        let mut out: Vec<Vec<f32>> = docs.iter().map(|(_, d)| vec![0.0; d.tokens.len() * n]).collect();
        for batch in prepared.batches(self.options.batch_pieces, None) {
            let t = self.batch_tensors(&batch, &prepared.encoded)?;
            let logits = self.encoder.forward(&t.ids, &t.mask, &t.types)?;
            let logits = Vec::<f32>::try_from(logits.f_flatten(0, -1)?)?;
            for (doc, tok, i) in batch_words(&batch, &prepared.encoded, t.width) {
                out[doc][tok * n..(tok + 1) * n].copy_from_slice(&logits[i * n..(i + 1) * n]);
            }
        }
        Ok(out)
    }

    /// Word pieces fed to the model so far (context included, special tokens and padding excluded).
    pub fn pieces_processed(&self) -> u64 {
        self.pieces.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Logits `[rows, width, labels]` of a batch through rust-bert's model in training mode (dropout, autograd).
    pub(crate) fn train_logits(&self, t: &BatchTensors) -> Result<Tensor, NerError> {
        self.net_forward(&t.ids, &t.mask, &t.types, true)
    }

    fn net_forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor, train: bool) -> Result<Tensor, NerError> {
        self.reference()?.model.forward_t(ids, mask, types, train)
    }

    /// fp32 logits `[batch, length, labels]` for piece ids, attention mask and token-type ids, from the inference
    /// path ([`Encoder`], in the model's precision).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, NerError> {
        self.encoder.forward(ids, mask, types)
    }

    /// The same logits from rust-bert's forward pass in fp32, the one training uses: the reference the inference
    /// path is checked against.
    pub fn reference_forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, NerError> {
        tch::no_grad(|| self.net_forward(ids, mask, types, false))
    }

    /// Input tensors for a batch of windows, padded to the longest.
    pub(crate) fn batch_tensors(&self, batch: &[&Window], encoded: &[EncodedDoc]) -> Result<BatchTensors, NerError> {
        let rows = batch.len();
        let width = batch.iter().map(|w| w.len(&encoded[w.doc]) + 2).max().unwrap_or(2);
        let mut ids = vec![self.tokenizer.pad_id(); rows * width];
        let mut types = vec![0i64; rows * width];
        let mut mask = vec![0i64; rows * width];
        for (r, w) in batch.iter().enumerate() {
            let enc = &encoded[w.doc];
            let pieces = enc.token_start[w.window.start]..enc.token_start[w.window.end];
            let row = &mut ids[r * width..(r + 1) * width];
            row[0] = self.tokenizer.cls_id();
            row[1..=pieces.len()].copy_from_slice(&enc.ids[pieces.clone()]);
            row[pieces.len() + 1] = self.tokenizer.sep_id();
            types[r * width + 1..r * width + 1 + pieces.len()].copy_from_slice(&enc.types[pieces.clone()]);
            mask[r * width..r * width + pieces.len() + 2].fill(1);
        }
        let shape = [rows as i64, width as i64];
        Ok(BatchTensors {
            ids: Tensor::f_from_slice(&ids)?.f_view(shape)?,
            types: Tensor::f_from_slice(&types)?.f_view(shape)?,
            mask: Tensor::f_from_slice(&mask)?.f_view(shape)?,
            width,
        })
    }

    /// Entities of each document.
    pub fn predict(&self, docs: &[(&str, &Tokenized)]) -> Result<Vec<Vec<Entity>>, NerError> {
        let labelled = self.label_words(docs)?;
        let mut out = Vec::with_capacity(docs.len());
        for ((_, doc), words) in docs.iter().zip(labelled) {
            let labels: Vec<&str> = words.iter().map(|&(l, _)| self.labels[l].as_str()).collect();
            let scores: Vec<f32> = words.iter().map(|&(_, s)| s).collect();
            let mut entities = Vec::new();
            // Entities never cross a sentence boundary.
            for (i, s) in doc.sentences.iter().enumerate() {
                let r = s.tokens.clone();
                for (range, label, score) in decode_entities(&labels[r.clone()], &scores[r.clone()]) {
                    entities.push(Entity {
                        start: doc.tokens[r.start + range.start].start,
                        end: doc.tokens[r.start + range.end - 1].end,
                        sentence: i,
                        label,
                        score,
                    });
                }
            }
            out.push(entities);
        }
        Ok(out)
    }

    fn encode_doc(&self, text: &str, doc: &Tokenized) -> Result<EncodedDoc, NerError> {
        let mut enc = EncodedDoc { ids: Vec::new(), types: Vec::new(), token_start: vec![0; doc.tokens.len() + 1] };
        for s in &doc.sentences {
            let words: Vec<&str> = doc.tokens[s.tokens.clone()].iter().map(|t| t.text(text)).collect();
            let pieces = self.tokenizer.encode_words(&words)?;
            let mut p = 0;
            for (w, word) in words.iter().enumerate() {
                enc.token_start[s.tokens.start + w] = enc.ids.len();
                let class = if self.casing { casing_class(word) } else { 0 };
                while p < pieces.ids.len() && pieces.word_of[p] == w {
                    enc.ids.push(pieces.ids[p]);
                    enc.types.push(class);
                    p += 1;
                }
            }
        }
        enc.token_start[doc.tokens.len()] = enc.ids.len();
        Ok(enc)
    }

    fn run_batch(
        &self,
        batch: &[&Window],
        encoded: &[EncodedDoc],
        out: &mut [Vec<(usize, f32)>],
    ) -> Result<(), NerError> {
        let t = self.batch_tensors(batch, encoded)?;
        let probs = self.encoder.forward(&t.ids, &t.mask, &t.types)?.f_softmax(-1, Kind::Float)?;
        let (best_p, best) = probs.f_max_dim(-1, false)?;
        let best: Vec<i64> = Vec::<i64>::try_from(best.f_flatten(0, -1)?)?;
        let best_p: Vec<f32> = Vec::<f32>::try_from(best_p.f_flatten(0, -1)?)?;
        for (doc, tok, i) in batch_words(batch, encoded, t.width) {
            out[doc][tok] = (best[i] as usize, best_p[i]);
        }
        Ok(())
    }
}

/// Every focus word of a batch that has pieces: `(document, token, row-major index of its first piece in the
/// `[rows, width]` batch)`. Labelling, distillation and training's gold labels all read the batch through it.
pub(crate) fn batch_words<'a>(
    batch: &'a [&'a Window],
    encoded: &'a [EncodedDoc],
    width: usize,
) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
    batch
        .iter()
        .enumerate()
        .flat_map(move |(r, &w)| w.first_pieces(&encoded[w.doc]).map(move |(tok, pos)| (w.doc, tok, r * width + pos)))
}

/// The fp32 inference encoder over a var store's current variables.
fn fp32_encoder(vs: &nn::VarStore, arch: Arch, heads: i64) -> Result<Encoder, NerError> {
    Encoder::from_variables(&vs.variables(), arch, heads, Precision::Fp32, None)
}

/// File beside the model that holds the int8 input ranges.
pub const RANGES_FILE: &str = "int8_ranges.json";

/// The int8 settings of a model: `int8_ranges.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RangesFile {
    /// Where the ranges were measured, for people reading the file.
    pub source: String,
    /// Input range of each quantizable layer, numbered as in [`crate::encoder`].
    pub ranges: Ranges,
    /// Layers (same numbering) left in fp32 because quantizing them cost F1 on the validation split.
    #[serde(default)]
    pub keep_fp32: Vec<usize>,
}

/// Layers the shipped model keeps in fp32 under int8: the feed-forward output of encoder layers 0 and 1, whose
/// post-GELU inputs have the widest ranges. Chosen on CoNLL-2003 valid (README, "int8"): all int8 93.24, these two
/// in fp32 93.81, fp32 throughout 93.78.
pub const DEFAULT_KEEP_FP32: [usize; 2] = [3, 7];

/// Writes int8 settings into a model directory.
pub fn write_ranges(dir: &Path, file: &RangesFile) -> Result<(), NerError> {
    let path = dir.join(RANGES_FILE);
    let err = |message: String| NerError::Model { path: path.display().to_string(), message };
    let json = serde_json::to_string_pretty(file).map_err(|e| err(e.to_string()))?;
    std::fs::write(&path, json + "\n").map_err(|e| err(e.to_string()))
}

fn read_ranges(dir: &Path) -> Result<RangesFile, NerError> {
    let path = dir.join(RANGES_FILE);
    let err = |message: String| NerError::Model { path: path.display().to_string(), message };
    let raw = std::fs::read_to_string(&path).map_err(|e| {
        err(format!("{e}: int8 needs the model's input ranges; run `nertab calibrate` or use --precision fp32"))
    })?;
    serde_json::from_str(&raw).map_err(|e| err(format!("invalid: {e}")))
}

/// Pieces of one document, flat, with the first piece of each token.
pub(crate) struct EncodedDoc {
    ids: Vec<i64>,
    types: Vec<i64>,
    /// `token_start[t]..token_start[t + 1]` are token `t`'s pieces.
    token_start: Vec<usize>,
}

impl EncodedDoc {
    /// Number of pieces of tokens `tokens`.
    fn pieces(&self, tokens: Range<usize>) -> usize {
        self.token_start[tokens.end] - self.token_start[tokens.start]
    }
}

/// Tokens `window` go to the model; the labels of tokens `focus` are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Window {
    pub doc: usize,
    pub window: Range<usize>,
    pub focus: Range<usize>,
}

impl Window {
    /// Pieces in the window, without special tokens.
    pub(crate) fn len(&self, enc: &EncodedDoc) -> usize {
        enc.pieces(self.window.clone())
    }

    /// `(token, position in the model input row)` of the first piece of each focus token that has pieces.
    pub(crate) fn first_pieces<'a>(&'a self, enc: &'a EncodedDoc) -> impl Iterator<Item = (usize, usize)> + 'a {
        let base = enc.token_start[self.window.start];
        self.focus
            .clone()
            .filter(|&t| enc.token_start[t] < enc.token_start[t + 1])
            .map(move |t| (t, 1 + enc.token_start[t] - base))
    }
}

/// Model inputs for one batch.
pub(crate) struct BatchTensors {
    pub ids: Tensor,
    pub types: Tensor,
    pub mask: Tensor,
    /// Row length, special tokens and padding included.
    pub width: usize,
}

/// Encoded documents and the windows over them.
pub(crate) struct Prepared {
    pub encoded: Vec<EncodedDoc>,
    pub windows: Vec<Window>,
}

impl Prepared {
    /// Batches of windows of similar length, each at most `max_pieces` pieces with padding (and at most `max_rows`
    /// rows). Sorting by length keeps padding small; results do not depend on the order.
    pub(crate) fn batches(&self, max_pieces: usize, max_rows: Option<usize>) -> Vec<Vec<&Window>> {
        let mut order: Vec<&Window> = self.windows.iter().collect();
        order.sort_by_key(|w| w.len(&self.encoded[w.doc]));
        let mut out: Vec<Vec<&Window>> = Vec::new();
        let mut cur: Vec<&Window> = Vec::new();
        for w in order {
            let width = w.len(&self.encoded[w.doc]) + 2;
            let full = max_rows.is_some_and(|m| cur.len() >= m) || width * (cur.len() + 1) > max_pieces;
            if !cur.is_empty() && full {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(w);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }
}

/// Focus groups: each sentence alone without context; with context, consecutive whole sentences packed while they
/// and the context on both sides fit the window.
///
/// Packing is what makes context affordable: one sentence per window with 64 pieces of context on each side feeds
/// the model about six times the pieces of the sentence alone; packing brings that down to about twice. Training
/// plans its windows with the same code, so the model learns on windows like the ones it labels.
fn focus_groups(doc: &Tokenized, enc: &EncodedDoc, opts: &NerOptions, room: usize) -> Vec<Range<usize>> {
    let pieces = |r: Range<usize>| enc.pieces(r);
    let budget = room.saturating_sub(2 * opts.context);
    let mut groups: Vec<Range<usize>> = Vec::with_capacity(doc.sentences.len());
    for s in &doc.sentences {
        match groups.last_mut() {
            Some(g) if opts.context > 0 && g.end == s.tokens.start && pieces(g.start..s.tokens.end) <= budget => {
                g.end = s.tokens.end;
            }
            _ => groups.push(s.tokens.clone()),
        }
    }
    groups
}

/// Windows covering every token of every sentence once as focus.
fn plan_windows(d: usize, doc: &Tokenized, enc: &EncodedDoc, opts: &NerOptions) -> Vec<Window> {
    let room = opts.max_len.saturating_sub(2).max(2);
    let pieces = |r: Range<usize>| enc.pieces(r);
    let mut out = Vec::new();
    for group in focus_groups(doc, enc, opts, room) {
        let bounds = if opts.context > 0 { 0..doc.tokens.len() } else { group.clone() };
        // Focus chunks of at most half the room (the whole group when it fits the window).
        let chunk_room = if pieces(group.clone()) <= room { room } else { room / 2 };
        let mut f = group.start;
        while f < group.end {
            let mut fe = f + 1;
            while fe < group.end && pieces(f..fe + 1) <= chunk_room {
                fe += 1;
            }
            let target = (pieces(f..fe) + 2 * opts.context).max(if chunk_room < room { room } else { 0 }).min(room);
            let (mut ws, mut we) = (f, fe);
            loop {
                let mut grew = false;
                if we < bounds.end && pieces(ws..we + 1) <= target {
                    we += 1;
                    grew = true;
                }
                if ws > bounds.start && pieces(ws - 1..we) <= target {
                    ws -= 1;
                    grew = true;
                }
                if !grew {
                    break;
                }
            }
            // A single token longer than the room still gets a window (cut to the room below).
            out.push(Window { doc: d, window: ws..we, focus: f..fe });
            f = fe;
        }
    }
    // Keep every window within the model's room, whatever a single token's length.
    for w in &mut out {
        while pieces(w.window.clone()) > room && w.window.end > w.focus.end {
            w.window.end -= 1;
        }
        while pieces(w.window.clone()) > room && w.window.start < w.focus.start {
            w.window.start += 1;
        }
        while pieces(w.window.clone()) > room && w.focus.end - w.focus.start > 1 {
            w.focus.end -= 1;
            w.window.end = w.focus.end;
        }
    }
    // Tokens dropped from a focus above get windows of their own.
    let mut fixed = Vec::with_capacity(out.len());
    let mut next = 0;
    for w in out {
        if w.focus.start > next {
            for t in next..w.focus.start {
                fixed.push(Window { doc: d, window: t..t + 1, focus: t..t + 1 });
            }
        }
        next = w.focus.end;
        fixed.push(w);
    }
    fixed.retain(|w| pieces(w.window.clone()) <= room);
    fixed
}

/// IOB2 labels of consecutive words → entity spans `(word range, type, mean score)`. An `I-X` that does not continue
/// an `X` entity starts one (IOB2 repair, as `conlleval` counts it).
pub fn decode_entities(labels: &[&str], scores: &[f32]) -> Vec<(Range<usize>, String, f32)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let close = |out: &mut Vec<(Range<usize>, String, f32)>, start: usize, end: usize, ty: &str| {
        let score = scores[start..end].iter().sum::<f32>() / (end - start) as f32;
        out.push((start..end, ty.to_string(), score));
    };
    for (i, label) in labels.iter().enumerate() {
        let (prefix, ty) = match label.split_once('-') {
            Some((p, t)) if p == "B" || p == "I" => (p, t),
            _ => ("O", ""),
        };
        match open {
            Some((_, open_ty)) if prefix == "I" && open_ty == ty => continue,
            Some((start, open_ty)) => {
                close(&mut out, start, i, open_ty);
                open = None;
            }
            None => {}
        }
        if prefix != "O" {
            open = Some((i, ty));
        }
    }
    if let Some((start, ty)) = open {
        close(&mut out, start, labels.len(), ty);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_classes() {
        assert_eq!(
            ["", "1996", "the", "North", "UN", "U.S.", "iPhone", "McDonald", "a", "A"].map(casing_class),
            [0, 0, 1, 2, 3, 3, 4, 4, 1, 2]
        );
    }

    #[test]
    fn iob2_decoding_and_repair() {
        let labels = ["B-ORG", "I-ORG", "O", "I-PER", "I-PER", "B-LOC", "I-ORG", "B-MISC"];
        let scores = [1.0, 0.5, 0.9, 0.8, 0.6, 1.0, 1.0, 0.2];
        let got: Vec<(Range<usize>, String)> =
            decode_entities(&labels, &scores).into_iter().map(|(r, t, _)| (r, t)).collect();
        assert_eq!(
            got,
            vec![
                (0..2, "ORG".to_string()),
                (3..5, "PER".to_string()),
                (5..6, "LOC".to_string()),
                (6..7, "ORG".to_string()),
                (7..8, "MISC".to_string())
            ]
        );
        assert!((decode_entities(&labels, &scores)[0].2 - 0.75).abs() < 1e-6);
    }

    fn enc_for(pieces_per_token: &[usize]) -> EncodedDoc {
        let mut token_start = vec![0];
        for p in pieces_per_token {
            token_start.push(token_start.last().unwrap() + p);
        }
        let n = *token_start.last().unwrap();
        EncodedDoc { ids: vec![1; n], types: vec![0; n], token_start }
    }

    #[test]
    fn windows_cover_every_token_once_with_context() {
        use crate::tokenize::{Sentence, Token};
        let n = 300;
        let tok = Token { start: 0, end: 1, byte_start: 0, byte_end: 1 };
        let doc = Tokenized {
            tokens: vec![tok; n],
            sentences: vec![Sentence { tokens: 0..10 }, Sentence { tokens: 10..290 }, Sentence { tokens: 290..300 }],
        };
        let per: Vec<usize> = (0..n).map(|i| 1 + i % 3).collect();
        let enc = enc_for(&per);
        for context in [0, 16] {
            let opts = NerOptions { max_len: 64, context, batch_pieces: 1024 };
            let windows = plan_windows(0, &doc, &enc, &opts);
            let mut seen = vec![0; n];
            for w in &windows {
                assert!(w.len(&enc) <= 62, "{w:?}");
                assert!(w.window.start <= w.focus.start && w.focus.end <= w.window.end);
                for t in w.focus.clone() {
                    seen[t] += 1;
                }
                if context == 0 {
                    let s = doc.sentence_of(w.focus.start);
                    assert!(
                        doc.sentences[s].tokens.start <= w.window.start && w.window.end <= doc.sentences[s].tokens.end
                    );
                }
                // Long-sentence chunks inside the sentence have context on both sides.
                if w.focus.start > 20 && w.focus.end < 280 {
                    assert!(w.window.start < w.focus.start && w.focus.end < w.window.end, "{w:?}");
                }
            }
            assert!(seen.iter().all(|&c| c == 1));
        }
    }

    #[test]
    fn context_packs_whole_sentences_between_context_on_both_sides() {
        use crate::tokenize::{Sentence, Token};
        // 40 sentences of 5 tokens, 2 pieces each: 10 pieces a sentence.
        let n = 200;
        let tok = Token { start: 0, end: 1, byte_start: 0, byte_end: 1 };
        let sentences = (0..n / 5).map(|i| Sentence { tokens: i * 5..i * 5 + 5 }).collect();
        let doc = Tokenized { tokens: vec![tok; n], sentences };
        let enc = enc_for(&vec![2; n]);
        let opts = NerOptions { max_len: 66, context: 12, batch_pieces: 1024 };
        let windows = plan_windows(0, &doc, &enc, &opts);
        // Room 64, context 12 + 12: 40 pieces of focus, four whole sentences per window.
        assert_eq!(windows.len(), 10, "{windows:?}");
        let mut seen = vec![0; n];
        for w in &windows {
            assert_eq!(w.focus.start % 5, 0, "focus starts mid-sentence: {w:?}");
            assert_eq!(w.focus.end - w.focus.start, 20, "{w:?}");
            assert!(w.len(&enc) <= 64, "{w:?}");
            let before = 2 * (w.focus.start - w.window.start);
            let after = 2 * (w.window.end - w.focus.end);
            // At least the context on each side, less only at the document's ends (where the other side gets more).
            assert!(before >= 12 || w.window.start == 0, "{w:?}");
            assert!(after >= 12 || w.window.end == n, "{w:?}");
            seen[w.focus.clone()].iter_mut().for_each(|c| *c += 1);
        }
        assert!(seen.iter().all(|&c| c == 1));
        // Without context every sentence is its own window.
        let alone = plan_windows(0, &doc, &enc, &NerOptions { context: 0, ..opts });
        assert_eq!(alone.len(), 40);
    }
}
