//! Named entities with a transformer token classifier: inference only.
//!
//! A model directory holds `config.json` (Hugging Face config with `id2label`), `tokenizer.json` and
//! `model.safetensors`; [`NerModel::load`] reads the weights straight into the inference encoder of
//! [`crate::model`] (no training network is built). Words come from [`nertab_core::tokenize`], windows and batches from
//! [`windows`]; the label of a word is the label of its first piece, and IOB2 labels become entity spans with
//! [`decode::chunks`], the same decoder `eval` scores with.
//!
//! nertab models can carry a casing signal (the encoders we fine-tune are uncased): with `"nertab_casing": true` in
//! the config, each piece's token-type id is the casing class of its word (see [`casing_class`]), and the config's
//! `type_vocab_size` covers those classes. With `"nertab_headline": true` as well, the Capitalized words of a
//! sentence that reads as a headline (see [`is_headline`]) get a class of their own, [`HEADLINE_CLASS`].

pub mod decode;
pub mod extractor;
pub mod windows;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tch::{Kind, Tensor};
use thiserror::Error;

pub use crate::model::config::MIN_MAX_LEN;
use crate::model::encoder::read_weights;
use crate::model::{Encoder, ModelConfig, ModelError, Precision, Ranges, RangesFile, Smoothing};
pub use nertab_core::casing::{casing_class, is_headline, Casing, CAPITALIZED, CASING_CLASSES, HEADLINE_CLASS};
pub use nertab_core::tokenize::Doc;
use nertab_core::tokenize::{TokenizerError, WordPieceTokenizer};
pub use windows::{batch_words, Batch, BatchTensors, EncodedDoc, Inputs, Prepared, Shape, Window, WordSlot};

/// What can go wrong loading or running an NER model.
#[derive(Debug, Error)]
pub enum NerError {
    /// The model's files or its forward pass.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The model's tokenizer.
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    /// The model directory does not hold a trained token classifier.
    #[error("{path}: not a trained NER model ({reason})")]
    NotAClassifier {
        /// The model's config file.
        path: PathBuf,
        /// What is missing.
        reason: String,
    },
}

impl From<tch::TchError> for NerError {
    fn from(e: tch::TchError) -> Self {
        NerError::Model(ModelError::Torch(e))
    }
}

/// A named entity found in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Code-point offset of the first character in the article.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// Index of the sentence the entity is in.
    pub sentence: usize,
    /// Entity type without the IOB prefix (`PER`, `ORG`, `LOC`, `MISC`).
    pub label: String,
    /// Mean probability of the predicted label over the entity's words.
    pub score: f32,
}

/// A word's label: the class id and its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordLabel {
    /// Index into [`NerModel::labels`].
    pub class: usize,
    /// Probability of that class.
    pub probability: f32,
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
    /// How each sentence's labels are chosen from the word-level distributions.
    pub decoding: Decoding,
    /// How windows are shaped into batches.
    pub shapes: Shapes,
}

/// How windows are shaped into batches; `--batch-shapes`'s values (its `--help` describes them, not the variants'
/// doc comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shapes {
    /// A width and row count that depend only on the window's own length ([`Prepared::batches`]).
    #[default]
    #[value(help = None)]
    Fixed,
    /// Batches of similar-length windows padded to their longest: the least padding, but a window's scores depend
    /// in their last bits on its batch.
    #[value(help = None)]
    Tight,
}

/// How a sentence's labels are chosen from its words' label distributions; `--decoding`'s values (its `--help`
/// describes them, not the variants' doc comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Decoding {
    /// Each word's most probable label; an `I-X` that does not continue an `X` is repaired into a start.
    #[value(help = None)]
    Argmax,
    /// The most probable sequence that is valid IOB2 (no `I-X` except after `B-X` or `I-X`): [`decode::viterbi`].
    /// The default: on the shipped model it scored CoNLL valid 94.16 against argmax's 93.81 (int8) and the news
    /// check 86.02 against 84.50.
    #[default]
    #[value(help = None)]
    Viterbi,
}

impl Default for NerOptions {
    fn default() -> Self {
        NerOptions {
            max_len: 256,
            context: 0,
            batch_pieces: 1024,
            decoding: Decoding::default(),
            shapes: Shapes::default(),
        }
    }
}

impl NerOptions {
    /// The options a model was trained with, as its config records them (`nertab_max_len`, `nertab_context`),
    /// within what its position table allows.
    pub fn of(config: &ModelConfig) -> NerOptions {
        let mut options = NerOptions::default();
        let positions = config.positions();
        options.max_len = options.max_len.min(positions);
        if let Some(n) = config.max_len {
            options.max_len = n.clamp(MIN_MAX_LEN, positions);
        }
        if let Some(n) = config.context {
            options.context = n;
        }
        options
    }
}

/// A trained token classifier with its tokenizer and labels, for inference.
///
/// ```no_run
/// use std::path::Path;
///
/// use nertab_core::tokenize::{tokenize, Doc};
/// use nertab_model::model::Precision;
/// use nertab_model::ner::NerModel;
///
/// // The shipped model (`nertab_model::ner` needs libtorch: `bash scripts/setup.sh libtorch`).
/// let model = NerModel::load_with(Path::new("models/nertab-ner"), Precision::Fp32)?;
/// let text = "John Smith flew to Paris for the United Nations.";
/// let tokens = tokenize(text);
/// for entity in &model.predict(&[Doc { text, tokens: &tokens }])?[0] {
///     let name: String = text.chars().skip(entity.start).take(entity.end - entity.start).collect();
///     println!("{name}: {} ({:.2})", entity.label, entity.score);
/// }
/// # Ok::<(), nertab_model::ner::NerError>(())
/// ```
pub struct NerModel {
    encoder: Encoder,
    inputs: Inputs,
    /// IOB2 labels by class id.
    labels: Vec<String>,
    /// How text is cut into windows; the defaults are what the model was trained with.
    pub options: NerOptions,
    /// Word pieces fed to the model so far (special tokens and padding excluded), for `--stats`.
    pieces: AtomicU64,
}

impl NerModel {
    /// Loads a model directory (`config.json`, `tokenizer.json`, `model.safetensors`) in fp32. Weights stored in
    /// reduced precision are widened.
    pub fn load(dir: &Path) -> Result<NerModel, NerError> {
        Self::load_with(dir, Precision::Fp32)
    }

    /// Loads a model directory for inference in the given precision; int8 also reads `int8_ranges.json`.
    pub fn load_with(dir: &Path, precision: Precision) -> Result<NerModel, NerError> {
        let config = ModelConfig::read(&dir.join("config.json"))?;
        let tokenizer_path = dir.join("tokenizer.json");
        if !tokenizer_path.is_file() {
            return Err(ModelError::Missing { path: tokenizer_path }.into());
        }
        let tokenizer = WordPieceTokenizer::from_file(&tokenizer_path)?;
        let int8 = if precision.is_int8() { Some(RangesFile::read(dir)?) } else { None };
        let vars = read_weights(&dir.join("model.safetensors"))?;
        Self::from_variables(&vars, &config, tokenizer, precision, int8.as_ref())
    }

    /// A model over named weights already in memory (training evaluates its current variables this way).
    pub fn from_variables(
        vars: &HashMap<String, Tensor>,
        config: &ModelConfig,
        tokenizer: WordPieceTokenizer,
        precision: Precision,
        int8: Option<&RangesFile>,
    ) -> Result<NerModel, NerError> {
        if config.labels.is_empty() {
            return Err(NerError::NotAClassifier { path: config.path.clone(), reason: "no id2label".into() });
        }
        let encoder = Encoder::from_variables(vars, config, precision, int8)?;
        Ok(NerModel {
            encoder,
            inputs: Inputs::new(tokenizer, config.casing_input()),
            labels: config.labels.clone(),
            options: NerOptions::of(config),
            pieces: AtomicU64::new(0),
        })
    }

    /// IOB2 labels by class id.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How many linear layers int8 can quantize (four per encoder layer), numbered as in [`Ranges`].
    pub fn quantizable_layers(&self) -> usize {
        self.encoder.quantizable_layers()
    }

    /// Precision of the inference path.
    pub fn precision(&self) -> Precision {
        self.encoder.precision()
    }

    /// Encodes documents and plans the windows that cover them, with this model's options.
    pub fn prepare(&self, docs: &[Doc]) -> Result<Prepared, NerError> {
        self.inputs.prepare(docs, &self.options)
    }

    /// Labels every word of each document: per sentence, the labels [`NerOptions::decoding`] chooses from the
    /// words' distributions, each with its probability.
    pub fn label_words(&self, docs: &[Doc]) -> Result<Vec<Vec<WordLabel>>, NerError> {
        let n = self.labels.len();
        let outside = self.labels.iter().position(|l| l == "O").unwrap_or(0);
        // A word without pieces is certainly outside any entity.
        let mut one_hot = vec![0f32; n];
        one_hot[outside] = 1.0;
        let (dists, fed) = self.word_rows(docs, true, &one_hot)?;
        self.pieces.fetch_add(fed as u64, Ordering::Relaxed);
        let mut out = Vec::with_capacity(docs.len());
        for (doc, dist) in docs.iter().zip(&dists) {
            let mut words = Vec::with_capacity(doc.tokens.tokens.len());
            for s in &doc.tokens.sentences {
                let sentence = &dist[s.tokens.start * n..s.tokens.end * n];
                let classes = match self.options.decoding {
                    Decoding::Viterbi => decode::viterbi(sentence, &self.labels),
                    Decoding::Argmax => sentence.chunks(n).map(decode::argmax).collect(),
                };
                for (i, class) in classes.into_iter().enumerate() {
                    words.push(WordLabel { class, probability: sentence[i * n + class] });
                }
            }
            out.push(words);
        }
        Ok(out)
    }

    /// Logits of every word (those of its first piece), `tokens × labels` row-major per document; a word without
    /// pieces gets zeros. Distillation reads a teacher's word-level distributions from here, so teacher and student
    /// may use different tokenizers.
    pub fn word_logits(&self, docs: &[Doc]) -> Result<Vec<Vec<f32>>, NerError> {
        Ok(self.word_rows(docs, false, &vec![0.0; self.labels.len()])?.0)
    }

    /// Each word's row of the model's output, that of its first piece: label probabilities (`softmax`) or logits,
    /// `tokens × labels` row-major per document, `empty` for a word without pieces; and the word pieces fed (context
    /// included, special tokens and padding excluded). [`label_words`](Self::label_words) and
    /// [`word_logits`](Self::word_logits) read the model through it.
    fn word_rows(&self, docs: &[Doc], softmax: bool, empty: &[f32]) -> Result<(Vec<Vec<f32>>, usize), NerError> {
        let prepared = self.prepare(docs)?;
        let n = self.labels.len();
        let mut out: Vec<Vec<f32>> = docs.iter().map(|d| empty.repeat(d.tokens.tokens.len())).collect();
        for batch in prepared.batches(&self.options) {
            let t = self.inputs.shaped_tensors(&batch.windows, &prepared.encoded, batch.shape)?;
            let mut rows = self.encoder.forward(&t.ids, &t.mask, &t.types)?;
            if softmax {
                rows = rows.f_softmax(-1, Kind::Float)?;
            }
            let rows = Vec::<f32>::try_from(rows.f_flatten(0, -1)?)?;
            for w in batch_words(&batch.windows, &prepared.encoded, t.width) {
                out[w.doc][w.token * n..(w.token + 1) * n].copy_from_slice(&rows[w.index * n..(w.index + 1) * n]);
            }
        }
        let fed = prepared.windows.iter().map(|w| w.len(&prepared.encoded[w.doc])).sum();
        Ok((out, fed))
    }

    /// Entities of each document; they never cross a sentence boundary.
    pub fn predict(&self, docs: &[Doc]) -> Result<Vec<Vec<Entity>>, NerError> {
        let labelled = self.label_words(docs)?;
        let mut out = Vec::with_capacity(docs.len());
        for (doc, words) in docs.iter().zip(labelled) {
            let doc = doc.tokens;
            let tags: Vec<&str> = words.iter().map(|w| self.labels[w.class].as_str()).collect();
            let mut entities = Vec::new();
            for (i, s) in doc.sentences.iter().enumerate() {
                let r = s.tokens.clone();
                for chunk in decode::chunks(&tags[r.clone()]) {
                    let (start, end) = (r.start + chunk.words.start, r.start + chunk.words.end);
                    let score = words[start..end].iter().map(|w| w.probability).sum::<f32>() / (end - start) as f32;
                    entities.push(Entity {
                        start: doc.tokens[start].start,
                        end: doc.tokens[end - 1].end,
                        sentence: i,
                        label: chunk.label,
                        score,
                    });
                }
            }
            out.push(entities);
        }
        Ok(out)
    }

    /// Word pieces fed to the model so far (context included, special tokens and padding excluded).
    pub fn pieces_processed(&self) -> u64 {
        self.pieces.load(Ordering::Relaxed)
    }

    /// fp32 logits `[batch, length, labels]` for piece ids, attention mask and token-type ids, in the model's
    /// precision.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Result<Tensor, NerError> {
        Ok(self.encoder.forward(ids, mask, types)?)
    }

    /// Measures the input range of every int8-quantizable layer over these documents (see [`crate::model::quant`]),
    /// smoothing each layer in `smooth` at its strength α first. Needs a model loaded in fp32: ranges measured
    /// through reduced precision would describe another function.
    pub fn measure_int8(&self, docs: &[Doc], smooth: &[(usize, f64)]) -> Result<(Ranges, Vec<Smoothing>), NerError> {
        if self.precision() != Precision::Fp32 {
            return Err(ModelError::NeedsFp32 { precision: self.precision().as_str() }.into());
        }
        let prepared = self.prepare(docs)?;
        let mut channels = Vec::new();
        for batch in prepared.batches(&self.options) {
            let t = self.inputs.shaped_tensors(&batch.windows, &prepared.encoded, batch.shape)?;
            self.encoder.observe_channels(&t.ids, &t.mask, &t.types, &mut channels)?;
        }
        Ok(self.encoder.int8_settings(&channels, smooth)?)
    }
}
