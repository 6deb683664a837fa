//! What a training run learns from: the tagged documents with their gold label ids, untagged articles, and a
//! teacher's word-level logits over both.

use std::path::Path;
use std::time::Instant;

use super::loss::IGNORE_INDEX;
use super::{TrainError, TrainOptions, LABELS};
use crate::conll::{self, ConllDoc};
use crate::model::Precision;
use crate::ner::{Doc, NerModel};
use crate::tokenize::{tokenize, Tokenized};

/// The training documents, as the model reads them.
pub struct TrainingSet {
    /// Each document's text and words: the tagged ones first, then the untagged.
    pub docs: Vec<(String, Tokenized)>,
    /// Gold label id per word ([`IGNORE_INDEX`] for untagged text).
    pub gold: Vec<Vec<i64>>,
    /// The teacher's logits per word (`words × labels`, row-major), when distilling.
    pub teacher: Option<Vec<Vec<f32>>>,
}

impl TrainingSet {
    /// Reads the tagged split (and the untagged articles) and, with a teacher, has it label all of them.
    pub fn build(opts: &TrainOptions) -> Result<TrainingSet, TrainError> {
        let mut tagged = conll::read(&opts.train)?;
        if let Some(n) = opts.limit_docs {
            tagged.truncate(n);
        }
        let mut gold = gold_ids(&tagged, &opts.train)?;
        for path in &opts.also_train {
            let more = conll::read(path)?;
            gold.extend(gold_ids(&more, path)?);
            tagged.extend(more);
        }
        if opts.recase > 0.0 {
            recase(&mut tagged, opts.recase, opts.seed);
        }
        let mut docs: Vec<(String, Tokenized)> = tagged.iter().map(ConllDoc::to_tokenized).collect();
        if !opts.unlabelled.is_empty() {
            if opts.teacher.is_none() {
                return Err(TrainError::Invalid("untagged text needs a --teacher to label it".into()));
            }
            for article in crate::corpus::read(&opts.unlabelled)? {
                let text = article?.text;
                let doc = tokenize(&text);
                gold.push(vec![IGNORE_INDEX; doc.tokens.len()]);
                docs.push((text, doc));
            }
        }
        let mut set = TrainingSet { docs, gold, teacher: None };
        if let Some(dir) = &opts.teacher {
            set.teacher = Some(teacher_logits(dir, &set.refs())?);
        }
        Ok(set)
    }

    /// The documents as [`Doc`]s.
    pub fn refs(&self) -> Vec<Doc<'_>> {
        self.docs.iter().map(|(text, tokens)| Doc { text, tokens }).collect()
    }
}

/// Each word's gold label id, per document; a tag outside [`LABELS`] is an error naming the file it came from.
fn gold_ids(docs: &[ConllDoc], path: &Path) -> Result<Vec<Vec<i64>>, TrainError> {
    docs.iter()
        .map(|d| {
            d.tags()
                .iter()
                .map(|t| {
                    LABELS.iter().position(|l| l == t).map(|i| i as i64).ok_or_else(|| {
                        TrainError::Invalid(format!("{}: tag {t} is outside {LABELS:?}", path.display()))
                    })
                })
                .collect()
        })
        .collect()
}

/// Re-cases a share of the training sentences, chosen with `seed`: each chosen one is written in Title Case,
/// UPPER CASE or lower case (a third each), its tags unchanged.
///
/// Why: the encoder is uncased and nertab gives it each word's casing class, so a model trained only on CoNLL's
/// mostly sentence-case text learns that a capital letter means a name. Headlines ("North Korean Regime Reliance on
/// Cryptocurrencies Ups Internet Usage") then come out full of false entities. Mayhew et al. (2019) kept cased
/// accuracy and gained robustness by mixing re-cased sentences into training.
pub fn recase(docs: &mut [ConllDoc], share: f64, seed: u64) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5eca5e);
    for doc in docs {
        for sentence in &mut doc.sentences {
            if !rng.random_bool(share.clamp(0.0, 1.0)) {
                continue;
            }
            let style = rng.random_range(0..3);
            for (i, word) in sentence.words.iter_mut().enumerate() {
                *word = match style {
                    0 => title_case(word, i == 0),
                    1 => word.to_uppercase(),
                    _ => word.to_lowercase(),
                };
            }
        }
    }
}

/// A word as a headline writes it: first letter capitalized, except short function words inside the line.
fn title_case(word: &str, first: bool) -> String {
    const SMALL: [&str; 12] = ["a", "an", "the", "of", "in", "on", "for", "to", "and", "by", "at", "with"];
    if !first && SMALL.contains(&word.to_lowercase().as_str()) {
        return word.to_lowercase();
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The teacher model in `dir` (fp32) labels the training documents: its logits per word, `tokens × labels`.
fn teacher_logits(dir: &Path, docs: &[Doc]) -> Result<Vec<Vec<f32>>, TrainError> {
    let t0 = Instant::now();
    let teacher = NerModel::load_with(dir, Precision::Fp32)?;
    if teacher.labels() != LABELS {
        return Err(TrainError::Mismatch {
            path: dir.to_path_buf(),
            reason: format!("teacher labels {:?}, want {LABELS:?}", teacher.labels()),
        });
    }
    let logits = teacher.word_logits(docs)?;
    eprintln!("teacher {}: {} documents labelled in {:.0} s", dir.display(), docs.len(), t0.elapsed().as_secs_f64());
    Ok(logits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recasing_changes_words_not_tags_and_is_seeded() {
        let raw = "-DOCSTART- -X- -X- O\n\n".to_string()
            + &"North NNP B-NP B-LOC\nKorea NNP I-NP I-LOC\nsaid VBD B-VP O\nof IN B-PP O\nthe DT B-NP O\nUN NNP B-NP B-ORG\n\n"
                .repeat(60);
        let docs = crate::conll::parse(&raw, "x").unwrap();
        let mut a = docs.clone();
        recase(&mut a, 0.5, 7);
        let mut b = docs.clone();
        recase(&mut b, 0.5, 7);
        assert_eq!(a, b, "same seed, same sentences");
        let changed = a[0].sentences.iter().zip(&docs[0].sentences).filter(|(x, y)| x.words != y.words).count();
        assert!((15..=45).contains(&changed), "{changed} of 60 re-cased");
        assert!(a[0].sentences.iter().all(|s| s.tags == docs[0].sentences[0].tags));
        let forms: std::collections::HashSet<String> = a[0].sentences.iter().map(|s| s.words.join(" ")).collect();
        assert!(forms.contains("North Korea Said of the UN"), "{forms:?}");
        assert!(forms.contains("NORTH KOREA SAID OF THE UN"));
        assert!(forms.contains("north korea said of the un"));
        assert_eq!(title_case("the", true), "The");
    }
}
