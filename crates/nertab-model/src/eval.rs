//! Entity-level precision, recall and F1, counted exactly as CoNLL's `conlleval` counts them.
//!
//! Chunks are read from IOB tags by [`crate::ner::decode::chunks`], the decoder `extract` uses, with `conlleval`'s
//! start/end rules (an `I-X` after `O` or after another type starts a chunk; a sentence boundary ends one); a
//! predicted chunk is correct when a gold chunk has the same start, end and type. Scores are percentages, as
//! `conlleval` prints them.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::conll::ConllDoc;
use crate::ner::decode::chunks;
use crate::ner::{Doc, NerError, NerModel};
use nertab_core::tokenize::Tokenized;

/// Counts of one entity type (or of all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Gold chunks.
    pub gold: usize,
    /// Predicted chunks.
    pub predicted: usize,
    /// Predicted chunks with a gold chunk of the same span and type.
    pub correct: usize,
}

impl Counts {
    /// Precision in percent (0 without predictions).
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.predicted as f64
        }
    }
    /// Recall in percent (0 without gold chunks).
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.gold as f64
        }
    }
    /// Harmonic mean of precision and recall, in percent.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Scores overall and per type.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    /// All types together.
    pub overall: Counts,
    /// Per entity type.
    pub per_type: BTreeMap<String, Counts>,
    /// Words scored.
    pub tokens: usize,
    /// Words whose predicted tag equals the gold tag.
    pub tokens_correct: usize,
}

impl Scores {
    /// Adds one sentence's gold and predicted tags.
    pub fn add_sentence(&mut self, gold: &[&str], predicted: &[&str]) {
        let g = chunks(gold);
        let p = chunks(predicted);
        self.tokens += gold.len();
        self.tokens_correct += gold.iter().zip(predicted).filter(|(a, b)| a == b).count();
        self.tally(&g, &p, |c| &c.label);
    }

    /// Adds one article's gold and predicted entity spans (exact start, end and type to be correct).
    pub fn add_spans(&mut self, gold: &[GoldSpan], predicted: &[GoldSpan]) {
        self.tally(gold, predicted, |s| &s.label);
    }

    /// Counts gold and predicted entities per type; a prediction is correct when it equals a gold entity.
    fn tally<T: PartialEq>(&mut self, gold: &[T], predicted: &[T], label: impl Fn(&T) -> &String) {
        for g in gold {
            self.overall.gold += 1;
            self.per_type.entry(label(g).clone()).or_default().gold += 1;
        }
        for p in predicted {
            self.overall.predicted += 1;
            let e = self.per_type.entry(label(p).clone()).or_default();
            e.predicted += 1;
            if gold.contains(p) {
                e.correct += 1;
                self.overall.correct += 1;
            }
        }
    }

    /// A report in the spirit of `conlleval`'s.
    pub fn report(&self) -> String {
        let o = &self.overall;
        let mut s = if self.tokens == 0 {
            // Span scores (`eval --news`) have no per-token tags to count.
            format!("{} phrases; found: {} phrases; correct: {}.\n", o.gold, o.predicted, o.correct)
        } else {
            format!(
                "processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n",
                self.tokens, o.gold, o.predicted, o.correct
            )
        };
        let acc = if self.tokens == 0 { 0.0 } else { 100.0 * self.tokens_correct as f64 / self.tokens as f64 };
        if self.tokens > 0 {
            s += &format!("accuracy: {acc:6.2}%; ");
        }
        s += &format!("precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n", o.precision(), o.recall(), o.f1());
        for (ty, c) in &self.per_type {
            s += &format!(
                "{ty:>17}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}\n",
                c.precision(),
                c.recall(),
                c.f1(),
                c.predicted
            );
        }
        s
    }
}

/// One gold entity of a span-annotated article: code-point offsets into its text and a type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct GoldSpan {
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// Entity type (`PER`, `ORG`, `LOC`, `MISC`).
    #[serde(rename = "type")]
    pub label: String,
}

/// A span-annotated article: `{"id", "text", "entities": [{"start", "end", "type"}]}` per line, the format of the
/// news check in `tests/data/news_ner.jsonl`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SpanDoc {
    /// Article id.
    pub id: String,
    /// The article text the offsets refer to.
    pub text: String,
    /// Every entity of the article.
    pub entities: Vec<GoldSpan>,
}

/// Reads span-annotated articles, one JSON object per line; errors name the line, and a file with none is refused.
pub fn read_span_docs(path: &std::path::Path) -> Result<Vec<SpanDoc>, crate::conll::ConllError> {
    let shown = path.display().to_string();
    let raw =
        std::fs::read_to_string(path).map_err(|source| crate::conll::ConllError::Io { path: shown.clone(), source })?;
    let docs: Vec<SpanDoc> = raw
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| crate::conll::ConllError::Format {
                path: shown.clone(),
                line: i + 1,
                reason: format!("not a span-annotated article: {e}"),
            })
        })
        .collect::<Result<_, _>>()?;
    if docs.is_empty() {
        return Err(crate::conll::ConllError::Empty { path: shown, what: "annotated articles" });
    }
    Ok(docs)
}

/// Scores a model on span-annotated articles as `extract` reads them (nertab's own words and sentences, whole
/// articles): a predicted entity is correct when a gold entity has the same start, end and type. This measures what
/// the table gets, tokenization included, where CoNLL scores measure tagging on CoNLL's own words.
pub fn score_spans(model: &NerModel, docs: &[SpanDoc]) -> Result<Scores, NerError> {
    let mut scores = Scores::default();
    for group in docs.chunks(64) {
        let tokens: Vec<Tokenized> = group.iter().map(|d| nertab_core::tokenize::tokenize(&d.text)).collect();
        let refs: Vec<Doc> = group.iter().zip(&tokens).map(|(d, t)| Doc { text: &d.text, tokens: t }).collect();
        for (doc, found) in group.iter().zip(model.predict(&refs)?) {
            let predicted: Vec<GoldSpan> =
                found.into_iter().map(|e| GoldSpan { start: e.start, end: e.end, label: e.label }).collect();
            scores.add_spans(&doc.entities, &predicted);
        }
    }
    Ok(scores)
}

/// Predicted IOB2 tags for every word of every document.
pub fn predict_tags(model: &NerModel, docs: &[ConllDoc]) -> Result<Vec<Vec<String>>, NerError> {
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let mut out = Vec::with_capacity(docs.len());
    // Documents in groups, so memory stays bounded and batches stay full.
    for group in views.chunks(64) {
        let refs: Vec<Doc> = group.iter().map(|(text, tokens)| Doc { text, tokens }).collect();
        for words in model.label_words(&refs)? {
            out.push(words.iter().map(|w| model.labels()[w.class].clone()).collect());
        }
    }
    Ok(out)
}

/// Scores predictions against the documents' gold tags; optionally writes `word gold predicted` lines.
pub fn score(
    docs: &[ConllDoc],
    predicted: &[Vec<String>],
    mut write: Option<&mut dyn Write>,
) -> std::io::Result<Scores> {
    let mut scores = Scores::default();
    for (doc, pred) in docs.iter().zip(predicted) {
        let mut k = 0;
        for s in &doc.sentences {
            let gold: Vec<&str> = s.tags.iter().map(String::as_str).collect();
            let p: Vec<&str> = pred[k..k + gold.len()].iter().map(String::as_str).collect();
            scores.add_sentence(&gold, &p);
            if let Some(w) = write.as_mut() {
                for ((word, g), pt) in s.words.iter().zip(&gold).zip(&p) {
                    writeln!(w, "{word} {g} {pt}")?;
                }
                writeln!(w)?;
            }
            k += gold.len();
        }
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_scores_need_exact_span_and_type() {
        let span = |start, end, label: &str| GoldSpan { start, end, label: label.into() };
        let mut s = Scores::default();
        s.add_spans(
            &[span(0, 5, "PER"), span(10, 15, "LOC")],
            &[span(0, 5, "PER"), span(10, 14, "LOC"), span(20, 22, "ORG")],
        );
        assert_eq!(s.overall, Counts { gold: 2, predicted: 3, correct: 1 });
        assert_eq!(s.per_type["LOC"], Counts { gold: 1, predicted: 1, correct: 0 });
    }

    #[test]
    fn hand_computed_scores() {
        let mut s = Scores::default();
        // gold: PER(0-2), LOC(3); predicted: PER(0-2) correct, LOC(3) as ORG wrong, extra MISC(4).
        s.add_sentence(&["B-PER", "I-PER", "O", "B-LOC", "O"], &["B-PER", "I-PER", "O", "B-ORG", "B-MISC"]);
        // gold: ORG(0-1); predicted: I-ORG I-ORG (repaired chunk, correct).
        s.add_sentence(&["B-ORG", "I-ORG"], &["I-ORG", "I-ORG"]);
        assert_eq!(s.overall, Counts { gold: 3, predicted: 4, correct: 2 });
        assert!((s.overall.precision() - 50.0).abs() < 1e-9);
        assert!((s.overall.recall() - 200.0 / 3.0).abs() < 1e-9);
        assert!((s.overall.f1() - 2.0 * 50.0 * (200.0 / 3.0) / (50.0 + 200.0 / 3.0)).abs() < 1e-9);
        assert_eq!(s.per_type["LOC"], Counts { gold: 1, predicted: 0, correct: 0 });
        assert_eq!(s.per_type["ORG"], Counts { gold: 1, predicted: 2, correct: 1 });
        assert_eq!(s.tokens, 7);
        assert_eq!(s.tokens_correct, 4);
    }
}
