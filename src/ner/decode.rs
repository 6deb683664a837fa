//! IOB tags → entity chunks: the one decoder that both `extract` (through [`super::NerModel::predict`]) and `eval`
//! use, so the scores `eval` prints describe exactly what `extract` writes.
//!
//! The rules are `conlleval`'s for IOB1 and IOB2 tags: `B-X` always starts a chunk; `I-X` continues an open `X`
//! chunk and otherwise starts one (IOB2 repair: `I-X` after `O` or after another type); anything else (`O`, or a tag
//! without a `B-`/`I-` prefix) closes the open chunk. A sentence's end closes it too: callers decode one sentence at
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

/// The chunks of a tag sequence, in order.
pub fn chunks(tags: &[&str]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, ty) = match tag.split_once('-') {
            Some((p, t)) if p == "B" || p == "I" => (p, t),
            _ => ("O", ""),
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
