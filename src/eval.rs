//! Entity-level precision, recall and F1, counted exactly as CoNLL's `conlleval` counts them.
//!
//! Chunks are read from IOB tags with `conlleval`'s start/end rules (an `I-X` after `O` or after another type starts a
//! chunk; a sentence boundary ends one); a predicted chunk is correct when a gold chunk has the same start, end and
//! type. Scores are percentages, as `conlleval` prints them.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;

use serde::Serialize;

use crate::conll::ConllDoc;
use crate::ner::{NerError, NerModel};
use crate::tokenize::Tokenized;

/// `(prefix, type)` of a tag: `B-PER` → (`B`, `PER`), `O` → (`O`, ``).
fn split_tag(tag: &str) -> (&str, &str) {
    match tag.split_once('-') {
        Some((p, t)) => (p, t),
        None => (tag, ""),
    }
}

/// Chunks `(token range, type)` of a tag sequence with `conlleval`'s rules.
pub fn chunks(tags: &[&str]) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let (mut prev_tag, mut prev_type) = ("O", "");
    for (i, tag) in tags.iter().chain(std::iter::once(&"O")).enumerate() {
        let (t, ty) = split_tag(tag);
        let end = matches!(
            (prev_tag, t),
            ("B", "B") | ("B", "O") | ("I", "B") | ("I", "O") | ("E", "E") | ("E", "I") | ("E", "O")
        ) || (prev_tag != "O" && prev_tag != "." && prev_type != ty);
        let start = matches!(
            (prev_tag, t),
            ("B", "B") | ("I", "B") | ("O", "B") | ("O", "I") | ("E", "E") | ("E", "I") | ("O", "E")
        ) || (t != "O" && t != "." && prev_type != ty);
        if end {
            if let Some((s, oty)) = open.take() {
                out.push((s..i, oty.to_string()));
            }
        }
        if start && i < tags.len() {
            open = Some((i, ty));
        }
        (prev_tag, prev_type) = (t, ty);
    }
    out
}

/// Counts of one entity type (or of all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.predicted as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.gold == 0 {
            0.0
        } else {
            100.0 * self.correct as f64 / self.gold as f64
        }
    }
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
    pub overall: Counts,
    pub per_type: BTreeMap<String, Counts>,
    pub tokens: usize,
    pub tokens_correct: usize,
}

impl Scores {
    /// Adds one sentence's gold and predicted tags.
    pub fn add_sentence(&mut self, gold: &[&str], predicted: &[&str]) {
        let g = chunks(gold);
        let p = chunks(predicted);
        self.tokens += gold.len();
        self.tokens_correct += gold.iter().zip(predicted).filter(|(a, b)| a == b).count();
        for (_, ty) in &g {
            self.overall.gold += 1;
            self.per_type.entry(ty.clone()).or_default().gold += 1;
        }
        for c in &p {
            self.overall.predicted += 1;
            let e = self.per_type.entry(c.1.clone()).or_default();
            e.predicted += 1;
            if g.contains(c) {
                e.correct += 1;
                self.overall.correct += 1;
            }
        }
    }

    /// A report in the spirit of `conlleval`'s.
    pub fn report(&self) -> String {
        let o = &self.overall;
        let mut s = format!(
            "processed {} tokens with {} phrases; found: {} phrases; correct: {}.\n",
            self.tokens, o.gold, o.predicted, o.correct
        );
        let acc = if self.tokens == 0 { 0.0 } else { 100.0 * self.tokens_correct as f64 / self.tokens as f64 };
        s += &format!(
            "accuracy: {acc:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}\n",
            o.precision(),
            o.recall(),
            o.f1()
        );
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

/// Predicted IOB2 tags for every word of every document.
pub fn predict_tags(model: &NerModel, docs: &[ConllDoc]) -> Result<Vec<Vec<String>>, NerError> {
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let mut out = Vec::with_capacity(docs.len());
    // Documents in groups, so memory stays bounded and batches stay full.
    for group in views.chunks(64) {
        let refs: Vec<(&str, &Tokenized)> = group.iter().map(|(t, d)| (t.as_str(), d)).collect();
        for words in model.label_words(&refs)? {
            out.push(words.iter().map(|&(l, _)| model.labels()[l].clone()).collect());
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

    fn spans(tags: &[&str]) -> Vec<(usize, usize, String)> {
        chunks(tags).into_iter().map(|(r, t)| (r.start, r.end, t)).collect()
    }

    #[test]
    fn chunk_rules_match_conlleval() {
        // I- without B- starts a chunk.
        assert_eq!(spans(&["O", "I-PER", "I-PER", "O"]), vec![(1, 3, "PER".into())]);
        // A type change inside I- splits chunks.
        assert_eq!(spans(&["B-ORG", "I-ORG", "I-LOC"]), vec![(0, 2, "ORG".into()), (2, 3, "LOC".into())]);
        // B- after B- of the same type: two chunks.
        assert_eq!(spans(&["B-LOC", "B-LOC"]), vec![(0, 1, "LOC".into()), (1, 2, "LOC".into())]);
        // An entity at the end of the sentence is closed.
        assert_eq!(spans(&["O", "B-MISC", "I-MISC"]), vec![(1, 3, "MISC".into())]);
        assert!(spans(&[]).is_empty());
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
