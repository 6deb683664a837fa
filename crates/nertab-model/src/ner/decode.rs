//! IOB tags → entity chunks: the one decoder that both `extract` (through [`super::NerModel::predict`]) and `eval`
//! use, so the scores `eval` prints describe exactly what `extract` writes.
//!
//! The rules are `conlleval`'s for IOB1 and IOB2 tags: `B-X` always starts a chunk; `I-X` continues an open `X`
//! chunk and otherwise starts one (IOB2 repair: `I-X` after `O` or after another type); anything else (`O`, or a tag
//! that [`parse_tag`], the one tag reader, refuses) closes the open chunk. A sentence's end closes it too: callers decode one sentence at
//! a time.

use std::ops::Range;

/// One entity chunk: a range of words of the tagged sequence and its type (the tag without its prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Word indices into the tag slice, end exclusive.
    pub words: Range<usize>,
    /// Entity type: `PER`, `ORG`, `LOC`, `MISC`, …
    pub label: String,
}

/// An IOB tag, as [`parse_tag`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag<'a> {
    /// `O`: outside any entity.
    Outside,
    /// `B-TYPE`: the first word of an entity.
    Begin(&'a str),
    /// `I-TYPE`: a word inside an entity.
    Inside(&'a str),
}

/// Reads an IOB tag: `O`, or `B-` or `I-` and a type of ASCII letters, digits and `_` (`PER`, `WORK_OF_ART`).
/// Anything else is refused, saying why: `X-FOO` (no `B-`/`I-`), `B-` (no type), `B-PER-X` (a type with a `-`, which
/// would be read as the type `PER-X`). The one tag reader: the chunk decoder ([`chunks`]) uses it, and gold data is read
/// through it (`train`, `eval` and `calibrate` read tags through [`crate::conll::parse`]).
pub fn parse_tag(tag: &str) -> Result<Tag<'_>, &'static str> {
    if tag == "O" {
        return Ok(Tag::Outside);
    }
    let (prefix, kind) = tag.split_once('-').ok_or("not O, B-TYPE or I-TYPE")?;
    if kind.is_empty() {
        return Err("no entity type after the prefix");
    }
    if !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err("an entity type is ASCII letters, digits and _ only");
    }
    match prefix {
        "B" => Ok(Tag::Begin(kind)),
        "I" => Ok(Tag::Inside(kind)),
        _ => Err("the prefix is B- or I-"),
    }
}

/// The chunks of a tag sequence, in order.
pub fn chunks(tags: &[&str]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, ty) = match parse_tag(tag) {
            Ok(Tag::Begin(t)) => ("B", t),
            Ok(Tag::Inside(t)) => ("I", t),
            Ok(Tag::Outside) | Err(_) => ("O", ""),
        };
        match open {
            Some((_, open_ty)) if prefix == "I" && open_ty == ty => continue,
            Some((start, open_ty)) => {
                out.push(Chunk { words: start..i, label: open_ty.to_string() });
                open = None;
            }
            None => {}
        }
        if prefix != "O" {
            open = Some((i, ty));
        }
    }
    if let Some((start, ty)) = open {
        out.push(Chunk { words: start..tags.len(), label: ty.to_string() });
    }
    out
}

/// The most probable label of one word's distribution (the first of equals).
pub fn argmax(probs: &[f32]) -> usize {
    (0..probs.len()).fold(0, |best, c| if probs[c] > probs[best] { c } else { best })
}

/// The most probable label sequence that is valid IOB2, from each word's label distribution (`probs`: words × labels,
/// row-major; `labels` the label names by class id): an `I-X` only after `B-X` or `I-X`, never first. The sequence's
/// score is the sum of its labels' log probabilities (no learned transitions: only the invalid ones are ruled out).
///
/// Why: taking each word's most probable label can give `O I-ORG I-ORG` or `B-PER I-ORG`, which [`chunks`] then
/// repairs by guessing; the best valid sequence decides such cases by the probabilities instead.
pub fn viterbi(probs: &[f32], labels: &[String]) -> Vec<usize> {
    let n = labels.len();
    if n == 0 || probs.is_empty() {
        return Vec::new();
    }
    let words = probs.len() / n;
    // Per label: Some(type) if it is an `I-` label, and the type every label continues or starts.
    let inside: Vec<Option<&str>> = labels.iter().map(|l| l.strip_prefix("I-")).collect();
    let typ: Vec<Option<&str>> = labels.iter().map(|l| l.split_once('-').map(|(_, t)| t)).collect();
    let allowed = |prev: Option<usize>, cur: usize| match inside[cur] {
        None => true,
        Some(ty) => prev.is_some_and(|p| typ[p] == Some(ty)),
    };
    let ln = |p: f32| f64::from(p.max(1e-12)).ln();
    let mut score: Vec<f64> = (0..n).map(|c| if allowed(None, c) { ln(probs[c]) } else { f64::NEG_INFINITY }).collect();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(words);
    for w in 1..words {
        let mut next = vec![f64::NEG_INFINITY; n];
        let mut from = vec![0usize; n];
        for cur in 0..n {
            for (prev, &before) in score.iter().enumerate() {
                if before == f64::NEG_INFINITY || !allowed(Some(prev), cur) {
                    continue;
                }
                let s = before + ln(probs[w * n + cur]);
                if s > next[cur] {
                    next[cur] = s;
                    from[cur] = prev;
                }
            }
        }
        back.push(from);
        score = next;
    }
    let mut best = (0..n).fold(0, |b, c| if score[c] > score[b] { c } else { b });
    let mut path = vec![best; words];
    for w in (1..words).rev() {
        best = back[w - 1][best];
        path[w - 1] = best;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(tags: &[&str]) -> Vec<(usize, usize, String)> {
        chunks(tags).into_iter().map(|c| (c.words.start, c.words.end, c.label)).collect()
    }

    #[test]
    fn iob2_decoding_and_repair() {
        let tags = ["B-ORG", "I-ORG", "O", "I-PER", "I-PER", "B-LOC", "I-ORG", "B-MISC"];
        assert_eq!(
            spans(&tags),
            vec![
                (0, 2, "ORG".into()),
                (3, 5, "PER".into()),
                (5, 6, "LOC".into()),
                (6, 7, "ORG".into()),
                (7, 8, "MISC".into())
            ]
        );
    }

    #[test]
    fn viterbi_keeps_valid_argmax_and_fixes_invalid_sequences() {
        let labels: Vec<String> = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"].iter().map(|s| s.to_string()).collect();
        // Word 0: B-PER, word 1: I-PER: already valid, kept.
        let valid = [0.1, 0.8, 0.05, 0.03, 0.02, 0.1, 0.05, 0.8, 0.03, 0.02];
        assert_eq!(viterbi(&valid, &labels), vec![1, 2]);
        // Argmax would be O I-ORG: invalid. B-ORG I-ORG (0.3 * 0.6) beats O O (0.6 * 0.1) and O B-ORG.
        let invalid = [0.6, 0.05, 0.02, 0.3, 0.03, 0.1, 0.05, 0.05, 0.2, 0.6];
        assert_eq!(viterbi(&invalid, &labels), vec![3, 4]);
        // I-PER first is never chosen.
        let first = [0.2, 0.1, 0.7, 0.0, 0.0];
        assert_eq!(viterbi(&first, &labels), vec![0]);
        assert!(viterbi(&[], &labels).is_empty());
    }

    /// The cases `conlleval` decides, as it decides them.
    #[test]
    fn chunk_rules_match_conlleval() {
        // I- without B- starts a chunk.
        assert_eq!(spans(&["O", "I-PER", "I-PER", "O"]), vec![(1, 3, "PER".into())]);
        // A type change inside I- splits chunks.
        assert_eq!(spans(&["B-ORG", "I-ORG", "I-LOC"]), vec![(0, 2, "ORG".into()), (2, 3, "LOC".into())]);
        // B- after B- of the same type: two chunks (IOB1's boundary marker too).
        assert_eq!(spans(&["B-LOC", "B-LOC"]), vec![(0, 1, "LOC".into()), (1, 2, "LOC".into())]);
        assert_eq!(spans(&["I-LOC", "B-LOC", "I-LOC"]), vec![(0, 1, "LOC".into()), (1, 3, "LOC".into())]);
        // An entity at the end of the sentence is closed.
        assert_eq!(spans(&["O", "B-MISC", "I-MISC"]), vec![(1, 3, "MISC".into())]);
        assert!(spans(&[]).is_empty());
    }
}
