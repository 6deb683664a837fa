//! Named entities with a transformer token classifier: inference only.
//!
//! A model directory holds `config.json` (Hugging Face config with `id2label`), `tokenizer.json` and
//! `model.safetensors`; [`NerModel::load`] reads the weights straight into the inference encoder of
//! [`crate::model`] (no training network is built). Words come from [`crate::tokenize`], windows and batches from
//! [`windows`]; the label of a word is the label of its first piece, and IOB2 labels become entity spans with
//! [`decode::chunks`], the same decoder `eval` scores with.
//!
//! nertab models can carry a casing signal (the encoders we fine-tune are uncased): with `"nertab_casing": true` in
//! the config, each piece's token-type id is the casing class of its word (see [`casing_class`]), and the config's
//! `type_vocab_size` covers those classes. With `"nertab_headline": true` as well, the Capitalized words of a
//! sentence that reads as a headline (see [`is_headline`]) get a class of their own, [`HEADLINE_CLASS`].

pub mod decode;
pub mod windows;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tch::{Kind, Tensor};
use thiserror::Error;

use crate::model::encoder::read_weights;
use crate::model::{Encoder, ModelConfig, ModelError, Precision, Ranges, RangesFile, Smoothing};
pub use crate::tokenize::Doc;
use crate::tokenize::{TokenizerError, WordPieceTokenizer};
pub use windows::{batch_words, Batch, BatchTensors, EncodedDoc, Inputs, Prepared, Shape, Window, WordSlot};

/// Number of casing classes used as token-type ids (see [`casing_class`]).
pub const CASING_CLASSES: i64 = 5;

/// The casing class of a Capitalized word (see [`casing_class`]).
pub const CAPITALIZED: i64 = 2;

/// The casing class of a Capitalized word in a headline (see [`is_headline`]): one past [`CASING_CLASSES`], so a
/// model with it has `CASING_CLASSES + 1` token types.
pub const HEADLINE_CLASS: i64 = CASING_CLASSES;

/// The shortest window a model can be trained on or run with (`nertab_max_len`, `--max-len`), in word pieces.
pub const MIN_MAX_LEN: usize = 8;

/// What a model's token-type ids carry, as its config says (`nertab_casing`, `nertab_headline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// Nothing: every token type is 0.
    Off,
    /// Each word's [`casing_class`].
    Words,
    /// Each word's [`casing_class`], and [`HEADLINE_CLASS`] for a Capitalized word in a headline.
    Headlines,
}

impl Casing {
    /// The casing input `config` describes.
    pub fn of(config: &ModelConfig) -> Casing {
        match (config.casing, config.headline) {
            (false, _) => Casing::Off,
            (true, false) => Casing::Words,
            (true, true) => Casing::Headlines,
        }
    }

    /// The token type of each word of one sentence.
    pub fn classes(self, words: &[&str]) -> Vec<i64> {
        match self {
            Casing::Off => vec![0; words.len()],
            Casing::Words => words.iter().map(|w| casing_class(w)).collect(),
            Casing::Headlines => {
                let headline = is_headline(words);
                words
                    .iter()
                    .map(|w| match casing_class(w) {
                        CAPITALIZED if headline => HEADLINE_CLASS,
                        class => class,
                    })
                    .collect()
            }
        }
    }
}

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

/// How windows are shaped into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shapes {
    /// Batches of similar-length windows padded to their longest: the least padding, but a window's scores depend
    /// in their last bits on its batch.
    Tight,
    /// A width and row count that depend only on the window's own length ([`Prepared::batches`]).
    #[default]
    Fixed,
}

/// How a sentence's labels are chosen from its words' label distributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decoding {
    /// Each word's most probable label; an `I-X` that does not continue an `X` is repaired into a start.
    Argmax,
    /// The most probable sequence that is valid IOB2 (no `I-X` except after `B-X` or `I-X`): [`decode::viterbi`].
    /// The default: on the shipped model it scored CoNLL valid 94.16 against argmax's 93.81 (int8) and the news
    /// check 86.02 against 84.50.
    #[default]
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
        (true, true, _) => CAPITALIZED,
        _ => 4,
    }
}

/// Whether a sentence reads as a Title-Case headline, where a capital letter says little about names: no final stop,
/// and at least three words of four or more letters (function words such as "with" or "from" aside), every one of
/// them Capitalized or UPPER CASE, at least two Capitalized.
///
/// Why: nertab's casing input tells the model which words are Capitalized, and in running text that is most of what
/// marks a name; in "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300%" it marks every
/// word. Giving those words a class of their own lets the model learn that there, case is no evidence.
pub fn is_headline(words: &[&str]) -> bool {
    const FUNCTION: [&str; 14] = [
        "with", "from", "into", "over", "upon", "onto", "than", "that", "this", "after", "about", "amid", "says",
        "will",
    ];
    let closing = |w: &&&str| w.chars().all(|c| matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»'));
    let Some(last) = words.iter().rev().find(|w| !closing(w)) else {
        return false;
    };
    if last.ends_with(['.', '!', '?', ':', ';', ',']) {
        return false;
    }
    let (mut counted, mut capitalized) = (0, 0);
    for word in words {
        if word.chars().filter(|c| c.is_alphabetic()).count() < 4 || FUNCTION.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        match casing_class(word) {
            CAPITALIZED => capitalized += 1,
            3 => {}
            _ => return false,
        }
        counted += 1;
    }
    counted >= 3 && capitalized >= 2
}

/// A trained token classifier with its tokenizer and labels, for inference.
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
            inputs: Inputs::new(tokenizer, Casing::of(config)),
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

    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn headlines_are_title_case_lines_without_a_stop() {
        let seed = "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300%";
        assert!(is_headline(&words(seed)));
        assert!(is_headline(&words("Pernod Ricard Agrees Deal with NATO Supplier \"")));
        // A sentence, a sentence-case headline, an UPPER one, too few long words.
        for not in [
            "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300% .",
            "Ad sales boost Time Warner profit",
            "SOCCER - JAPAN GET LUCKY WIN",
            "Bill met Yeltsin",
            "",
        ] {
            assert!(!is_headline(&words(not)), "{not}");
        }
    }

    #[test]
    fn only_a_headline_model_sees_the_headline_class() {
        let line = words("Yukos Sues Bank of America in Texas");
        assert_eq!(Casing::Headlines.classes(&line), [5, 5, 5, 1, 5, 1, 5]);
        assert_eq!(Casing::Words.classes(&line), [2, 2, 2, 1, 2, 1, 2]);
        assert_eq!(Casing::Off.classes(&line), [0; 7]);
        let sentence = words("Yukos sued Bank of America in Texas .");
        assert_eq!(Casing::Headlines.classes(&sentence), Casing::Words.classes(&sentence));
    }
}
