//! CoNLL-2003 files: `token POS chunk NER` per line, blank lines between sentences, `-DOCSTART-` between documents.
//!
//! Documents are kept together so that training and evaluation can give the model the same document context that
//! `extract` gives it on articles. [`ConllDoc::to_tokenized`] rebuilds a text (words joined by spaces) and the
//! [`Tokenized`] view the NER model reads, with the file's own sentence and word boundaries.

use std::path::Path;

use thiserror::Error;

use nertab_core::tokenize::{Sentence, Token, Tokenized};

pub use crate::ner::decode::{parse_tag, Tag};

/// What can go wrong reading a CoNLL (or span-annotated) file; each names the file and, for content, the line.
#[derive(Debug, Error)]
pub enum ConllError {
    /// The file cannot be read.
    #[error("{path}: cannot read")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file with nothing to score or learn from: no tagged word (empty, or only `-DOCSTART-` lines and blank
    /// lines), or no annotated article.
    #[error("{path}: no {what} (an empty file)")]
    Empty {
        /// The file.
        path: String,
        /// What it should hold: `tagged words`, `annotated articles`.
        what: &'static str,
    },
    /// A line that is not in the expected format.
    #[error("{path}:{line}: {reason}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// One sentence: words and their IOB2 tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConllSentence {
    /// The words, as the file writes them.
    pub words: Vec<String>,
    /// One tag per word.
    pub tags: Vec<String>,
}

/// One document (the sentences between two `-DOCSTART-` lines).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConllDoc {
    /// The document's sentences, in order.
    pub sentences: Vec<ConllSentence>,
}

/// Reads a CoNLL file: the first column is the word, the last the tag.
pub fn read(path: &Path) -> Result<Vec<ConllDoc>, ConllError> {
    let shown = path.display().to_string();
    let raw = std::fs::read_to_string(path).map_err(|source| ConllError::Io { path: shown.clone(), source })?;
    parse(&raw, &shown)
}

/// Parses CoNLL text (`name` is used in errors).
pub fn parse(raw: &str, name: &str) -> Result<Vec<ConllDoc>, ConllError> {
    let mut docs = vec![ConllDoc::default()];
    let mut sent = ConllSentence::default();
    let flush = |docs: &mut Vec<ConllDoc>, sent: &mut ConllSentence| {
        if !sent.words.is_empty() {
            if let Some(d) = docs.last_mut() {
                d.sentences.push(std::mem::take(sent));
            }
        }
    };
    for (i, line) in raw.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            flush(&mut docs, &mut sent);
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            flush(&mut docs, &mut sent);
            if docs.last().is_some_and(|d| !d.sentences.is_empty()) {
                docs.push(ConllDoc::default());
            }
            continue;
        }
        if cols.len() < 2 {
            return Err(ConllError::Format {
                path: name.into(),
                line: i + 1,
                reason: "expected `word ... tag`".into(),
            });
        }
        let tag = cols[cols.len() - 1];
        if let Err(why) = parse_tag(tag) {
            return Err(ConllError::Format { path: name.into(), line: i + 1, reason: format!("tag {tag:?}: {why}") });
        }
        sent.words.push(cols[0].to_string());
        sent.tags.push(tag.to_string());
    }
    flush(&mut docs, &mut sent);
    docs.retain(|d| !d.sentences.is_empty());
    if docs.is_empty() {
        return Err(ConllError::Empty { path: name.into(), what: "tagged words" });
    }
    Ok(docs)
}

impl ConllDoc {
    /// The document as text (words joined by single spaces, sentences by newlines) with its own segmentation.
    pub fn to_tokenized(&self) -> (String, Tokenized) {
        let mut text = String::new();
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        let mut chars = 0;
        for s in &self.sentences {
            let first = tokens.len();
            for (i, w) in s.words.iter().enumerate() {
                if i > 0 {
                    text.push(' ');
                    chars += 1;
                }
                let n = w.chars().count();
                tokens.push(Token {
                    start: chars,
                    end: chars + n,
                    byte_start: text.len(),
                    byte_end: text.len() + w.len(),
                });
                text.push_str(w);
                chars += n;
            }
            text.push('\n');
            chars += 1;
            sentences.push(Sentence { tokens: first..tokens.len() });
        }
        (text, Tokenized { tokens, sentences })
    }

    /// All tags of the document, in token order.
    pub fn tags(&self) -> Vec<&str> {
        self.sentences.iter().flat_map(|s| s.tags.iter().map(String::as_str)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documents_and_sentences() {
        let raw = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n\n-DOCSTART- -X- O O\n\nBonn NNP I-NP B-LOC\n";
        let docs = parse(raw, "x").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[0].words, vec!["EU", "rejects"]);
        assert_eq!(docs[0].tags(), vec!["B-ORG", "O", "B-PER"]);
        let (text, tok) = docs[0].to_tokenized();
        assert_eq!(text, "EU rejects\nPeter\n");
        assert_eq!(tok.tokens[2].text(&text), "Peter");
        assert_eq!(tok.sentences.len(), 2);
        assert!(parse("lonely\n", "f").is_err());
    }

    #[test]
    fn malformed_tags_and_empty_files_are_refused_with_their_place() {
        for tag in ["X-FOO", "B-", "I-", "B-PER-X", "b-PER", "PER", "B-PÉR"] {
            let e = parse(&format!("EU NNP B-NP B-ORG\n\nPeter NNP B-NP {tag}\n"), "f").unwrap_err();
            assert!(e.to_string().starts_with(&format!("f:3: tag {tag:?}: ")), "{tag}: {e}");
        }
        assert_eq!(parse_tag("I-WORK_OF_ART"), Ok(Tag::Inside("WORK_OF_ART")));
        assert_eq!(parse_tag("O"), Ok(Tag::Outside));
        for empty in ["", "\n\n", "-DOCSTART- -X- -X- O\n\n"] {
            assert_eq!(parse(empty, "f").unwrap_err().to_string(), "f: no tagged words (an empty file)");
        }
    }
}
