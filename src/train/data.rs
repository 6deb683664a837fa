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
        let mut docs: Vec<(String, Tokenized)> = tagged.iter().map(ConllDoc::to_tokenized).collect();
        let mut gold: Vec<Vec<i64>> = tagged
            .iter()
            .map(|d| d.tags().iter().map(|t| LABELS.iter().position(|l| l == t).map(|i| i as i64)).collect())
            .collect::<Option<_>>()
            .ok_or_else(|| TrainError::Invalid(format!("{}: a tag outside {:?}", opts.train.display(), LABELS)))?;
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
