//! Words and sentences with character offsets, and the model's word pieces.
//!
//! Every extractor works on the same [`Tokenized`] article: the word segmentation follows the CoNLL-2003 (Penn
//! Treebank-like) conventions the NER model was trained on (`$`, `%`, `'s`, `n't` and most punctuation stand alone;
//! `U.S.`, `1,000.50`, `German-born` stay whole), so training and inference see the same units. Word pieces come from
//! the Hugging Face `tokenizers` crate, fed the words as pre-tokenized input so that every piece maps back to a word and
//! through it to exact character offsets in the article.

use std::ops::Range;
use std::path::Path;

use thiserror::Error;

/// One word: character (Unicode code point) offsets for the table, byte offsets for slicing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// Byte offset of the first character.
    pub byte_start: usize,
    /// Byte offset one past the last character.
    pub byte_end: usize,
}

impl Token {
    /// The token's text within `text` (the string it was cut from).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.byte_start..self.byte_end]
    }
}

/// A sentence: a range of tokens of its article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Indices into [`Tokenized::tokens`].
    pub tokens: Range<usize>,
}

/// A document as the extractors read it: its text and the words and sentences cut from it.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// The article text the token offsets refer to.
    pub text: &'a str,
    /// Words and sentences of `text`.
    pub tokens: &'a Tokenized,
}

/// An article cut into words and sentences.
#[derive(Debug, Clone, Default)]
pub struct Tokenized {
    /// The words, in text order.
    pub tokens: Vec<Token>,
    /// The sentences, covering every word once, in order.
    pub sentences: Vec<Sentence>,
}

impl Tokenized {
    /// Code-point span of sentence `i`.
    pub fn sentence_span(&self, i: usize) -> (usize, usize) {
        let s = &self.sentences[i];
        (self.tokens[s.tokens.start].start, self.tokens[s.tokens.end - 1].end)
    }

    /// Byte span of sentence `i`.
    pub fn sentence_bytes(&self, i: usize) -> Range<usize> {
        let s = &self.sentences[i];
        self.tokens[s.tokens.start].byte_start..self.tokens[s.tokens.end - 1].byte_end
    }

    /// Index of the sentence that holds token `t`.
    pub fn sentence_of(&self, t: usize) -> usize {
        self.sentences.partition_point(|s| s.tokens.end <= t)
    }
}

/// Abbreviations whose period belongs to the word (and does not end a sentence).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt", "inc",
    "corp", "ltd", "co", "bros", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "approx", "dept", "est", "fig", "etc",
];

fn is_abbreviation(word: &str) -> bool {
    word.len() <= 5 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Cuts `text` into words and sentences. Never fails: any string has a segmentation.
///
/// ```
/// let text = "Mr. Smith paid $5 billion. Shares rose.";
/// let doc = nertab_core::tokenize::tokenize(text);
/// let words: Vec<&str> = doc.tokens.iter().map(|t| t.text(text)).collect();
/// assert_eq!(words, ["Mr.", "Smith", "paid", "$", "5", "billion", ".", "Shares", "rose", "."]);
/// // "Mr." does not end a sentence; offsets are in code points, as the table's `start` and `end`.
/// assert_eq!(doc.sentences.len(), 2);
/// assert_eq!(doc.sentence_span(1), (27, 39));
/// ```
pub fn tokenize(text: &str) -> Tokenized {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let ch = |i: usize| if i < n { Some(chars[i].1) } else { None };
    let mut tokens = Vec::new();
    // Indices into `tokens` after which a line break occurred (hard sentence boundaries): every newline, or in
    // hard-wrapped text only blank lines.
    let mut line_breaks = Vec::new();
    let newlines_per_break = if hard_wrapped(text) { 2 } else { 1 };
    let mut i = 0;
    while i < n {
        if chars[i].1.is_whitespace() {
            let run = i;
            while i < n && chars[i].1.is_whitespace() {
                i += 1;
            }
            let newlines = chars[run..i].iter().filter(|&&(_, c)| c == '\n').count();
            if newlines >= newlines_per_break && !tokens.is_empty() {
                line_breaks.push(tokens.len());
            }
            continue;
        }
        let c = chars[i].1;
        let start = i;
        // ".5" starts a number when it does not follow a word or number.
        let leading_point =
            c == '.' && ch(i + 1).is_some_and(|d| d.is_ascii_digit()) && (i == 0 || !chars[i - 1].1.is_alphanumeric());
        if c.is_alphanumeric() || leading_point {
            i += 1;
            while let Some(c) = ch(i) {
                if c.is_alphanumeric() {
                    i += 1;
                    continue;
                }
                let prev = chars[i - 1].1;
                let next = ch(i + 1);
                let joins = match c {
                    // 1,000.50 and 1.5
                    ',' | '.' if prev.is_ascii_digit() && next.is_some_and(|d| d.is_ascii_digit()) => true,
                    // U.S. / e.g.: single letters separated by periods
                    '.' => {
                        next.is_some_and(char::is_alphabetic)
                            && ch(i + 2) == Some('.')
                            && (i - start == 1 || (i >= 2 && chars[i - 2].1 == '.'))
                    }
                    '-' | '&' | '/' => next.is_some_and(char::is_alphanumeric),
                    c if is_apostrophe(c) => prev.is_alphabetic() && next.is_some_and(char::is_alphabetic),
                    _ => false,
                };
                if !joins {
                    break;
                }
                i += 2;
            }
            // A trailing period that belongs to the word: "U.S." or an abbreviation such as "Feb.".
            if ch(i) == Some('.') {
                let word = &text[byte_at(start)..byte_at(i)];
                let initials = word.len() >= 3 && word.contains('.') && !word.chars().any(|c| c.is_ascii_digit());
                if initials
                    || is_abbreviation(word)
                    || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
                {
                    i += 1;
                    // "U.S.-based" stays one word.
                    if ch(i) == Some('-') && ch(i + 1).is_some_and(char::is_alphanumeric) {
                        i += 1;
                        while ch(i).is_some_and(|c| {
                            c.is_alphanumeric() || (c == '-' && ch(i + 1).is_some_and(char::is_alphanumeric))
                        }) {
                            i += 1;
                        }
                    }
                }
            }
            // Clitics stand alone, as in CoNLL-2003: "country's" -> "country" "'s", "don't" -> "do" "n't".
            let word: Vec<char> = chars[start..i].iter().map(|&(_, c)| c).collect();
            let len = word.len();
            let split = if len > 2 && is_apostrophe(word[len - 2]) && matches!(word[len - 1], 's' | 'S') {
                Some(i - 2)
            } else if len > 3
                && matches!(word[len - 3], 'n' | 'N')
                && is_apostrophe(word[len - 2])
                && matches!(word[len - 1], 't' | 'T')
            {
                Some(i - 3)
            } else {
                None
            };
            if let Some(cut) = split {
                tokens.push(Token { start, end: cut, byte_start: byte_at(start), byte_end: byte_at(cut) });
                tokens.push(Token { start: cut, end: i, byte_start: byte_at(cut), byte_end: byte_at(i) });
                continue;
            }
        } else {
            i += 1;
        }
        tokens.push(Token { start, end: i, byte_start: byte_at(start), byte_end: byte_at(i) });
    }
    let sentences = split_sentences(text, &tokens, &line_breaks);
    Tokenized { tokens, sentences }
}

/// The longest sentence, in words; longer runs without a boundary are cut.
pub const MAX_SENTENCE_WORDS: usize = 200;

/// Whether `text` was wrapped at a fixed width (e-mail, plain-text wire copy, `fmt`), so that a single newline is
/// just a space and only blank lines separate paragraphs. News files with a paragraph (or title) per line are not:
/// their lines end with sentence punctuation or differ widely in length.
///
/// Looks at the lines followed by another non-blank line: there must be at least three, at most 100 characters
/// long, most of them within 70% of the longest and most ending without sentence punctuation.
fn hard_wrapped(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let inner: Vec<(usize, bool)> = lines
        .windows(2)
        .filter(|w| !w[0].is_empty() && !w[1].is_empty())
        .map(|w| (w[0].chars().count(), w[0].ends_with(['.', '!', '?', ':', '"', '\u{201d}'])))
        .collect();
    let widest = inner.iter().map(|&(len, _)| len).max().unwrap_or(0);
    let near_width = inner.iter().filter(|&&(len, _)| len * 10 >= widest * 7).count();
    let open_ended = inner.iter().filter(|&&(_, punct)| !punct).count();
    inner.len() >= 3 && widest <= 100 && near_width * 4 >= inner.len() * 3 && open_ended * 2 > inner.len()
}

/// Sentence boundaries: after `.`, `!` or `?` (plus closing quotes and brackets) when the next word starts with an
/// upper-case letter, a digit or an opening quote; and at line breaks, since news text puts titles, bylines and
/// paragraphs on lines of their own (in [`hard_wrapped`] text, only at blank lines).
fn split_sentences(text: &str, tokens: &[Token], line_breaks: &[usize]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut breaks = line_breaks.iter().peekable();
    let mut t = 0;
    while t < tokens.len() {
        let mut end = t + 1;
        let word = tokens[t].text(text);
        let mut boundary = false;
        while breaks.peek().is_some_and(|&&b| b < end) {
            breaks.next();
        }
        if breaks.peek().is_some_and(|&&b| b == end) {
            boundary = true;
        } else if matches!(word, "." | "!" | "?" | "..." | "\u{2026}") {
            // Absorb closing quotes/brackets into this sentence.
            while end < tokens.len()
                && tokens[end].byte_start == tokens[end - 1].byte_end
                && matches!(tokens[end].text(text), "\"" | "'" | "\u{201d}" | "\u{2019}" | ")" | "]")
            {
                end += 1;
            }
            boundary = match tokens.get(end).map(|n| n.text(text)) {
                None => true,
                Some(next) => next.chars().next().is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\u{201c}' | '(' | '\u{2018}' | '\'')
                }),
            };
        }
        // Text without sentence punctuation (tables, lists, a 5 MB single line) is cut into pieces of at most
        // MAX_SENTENCE_WORDS words, so `sentence_text` cells and model windows stay bounded.
        if boundary || end == tokens.len() || end - start >= MAX_SENTENCE_WORDS {
            sentences.push(Sentence { tokens: start..end });
            start = end;
        }
        t = end;
    }
    sentences
}

/// Errors from loading a word-piece tokenizer.
#[derive(Debug, Error)]
pub enum TokenizerError {
    /// `tokenizer.json` cannot be loaded.
    #[error("{path}: cannot load the tokenizer")]
    Load {
        /// The file.
        path: String,
        /// The `tokenizers` crate's error.
        #[source]
        source: tokenizers::Error,
    },
    /// `tokenizer.json` lacks a special token nertab needs.
    #[error("{path}: no {bert} or {roberta} token")]
    Special {
        /// The file.
        path: String,
        /// BERT's name of the token.
        bert: &'static str,
        /// RoBERTa's name of the token.
        roberta: &'static str,
    },
    /// The tokenizer failed on some input.
    #[error("the tokenizer failed on an input")]
    Encode(#[source] tokenizers::Error),
}

/// A word-piece encoding of a sequence of words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordPieces {
    /// Piece ids, without special tokens.
    pub ids: Vec<i64>,
    /// For each piece, the index of the word (in the input slice) it belongs to.
    pub word_of: Vec<usize>,
}

/// The model's word-piece tokenizer (Hugging Face `tokenizers`), used on pre-split words.
#[derive(Clone)]
pub struct WordPieceTokenizer {
    inner: tokenizers::Tokenizer,
    cls: i64,
    sep: i64,
    pad: i64,
}

impl WordPieceTokenizer {
    /// Loads `tokenizer.json` from `path`, with truncation, padding and special-token templates switched off: nertab
    /// adds `[CLS]`/`[SEP]` and pads batches itself.
    pub fn from_file(path: &Path) -> Result<Self, TokenizerError> {
        let load_err = |source| TokenizerError::Load { path: path.display().to_string(), source };
        let mut inner = tokenizers::Tokenizer::from_file(path).map_err(load_err)?;
        inner.with_truncation(None).map_err(load_err)?;
        inner.with_padding(None);
        // RoBERTa/MPNet's names, else BERT's. In that order: MPNet's vocabulary also holds BERT's `[CLS]`, `[SEP]`
        // and `[PAD]`, which it never uses, while BERT's has no `<s>`.
        let id = |roberta: &'static str, bert: &'static str| {
            inner
                .token_to_id(roberta)
                .or_else(|| inner.token_to_id(bert))
                .map(i64::from)
                .ok_or_else(|| TokenizerError::Special { path: path.display().to_string(), bert, roberta })
        };
        let (cls, sep, pad) = (id("<s>", "[CLS]")?, id("</s>", "[SEP]")?, id("<pad>", "[PAD]")?);
        Ok(Self { inner, cls, sep, pad })
    }

    /// Id of the sequence-start token (`[CLS]`, `<s>`).
    pub fn cls_id(&self) -> i64 {
        self.cls
    }
    /// Id of the sequence-end token (`[SEP]`, `</s>`).
    pub fn sep_id(&self) -> i64 {
        self.sep
    }
    /// Id of the padding token (`[PAD]`, `<pad>`).
    pub fn pad_id(&self) -> i64 {
        self.pad
    }

    /// Encodes pre-split words into pieces. A word that yields no piece (e.g. a control character) is left out of
    /// `word_of`; callers treat such words as outside any entity.
    pub fn encode_words(&self, words: &[&str]) -> Result<WordPieces, TokenizerError> {
        let enc = self
            .inner
            .encode(tokenizers::InputSequence::from(words.to_vec()), false)
            .map_err(TokenizerError::Encode)?;
        let mut out = WordPieces { ids: Vec::with_capacity(enc.len()), word_of: Vec::with_capacity(enc.len()) };
        for (id, word) in enc.get_ids().iter().zip(enc.get_word_ids()) {
            if let Some(w) = word {
                out.ids.push(i64::from(*id));
                out.word_of.push(*w as usize);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).tokens.iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn conll_style_words() {
        assert_eq!(
            words("The U.S. firm's $2,000.50 (about 300%) don't re-examine AT&T."),
            vec![
                "The",
                "U.S.",
                "firm",
                "'s",
                "$",
                "2,000.50",
                "(",
                "about",
                "300",
                "%",
                ")",
                "do",
                "n't",
                "re-examine",
                "AT&T",
                "."
            ]
        );
        assert_eq!(words("on Feb. 9. Then"), vec!["on", "Feb.", "9", ".", "Then"]);
        assert_eq!(words("adoption.North Korean"), vec!["adoption", ".", "North", "Korean"]);
        assert_eq!(words("a U.S.-based firm"), vec!["a", "U.S.-based", "firm"]);
        assert_eq!(words("up .5% or $.25"), vec!["up", ".5", "%", "or", "$", ".25"]);
        assert_eq!(words("country’s misuse"), vec!["country", "’s", "misuse"]);
    }

    #[test]
    fn offsets_are_code_points() {
        let text = "“Dark money” — €5m in Zürich";
        let t = tokenize(text);
        let chars: Vec<char> = text.chars().collect();
        for tok in &t.tokens {
            let by_chars: String = chars[tok.start..tok.end].iter().collect();
            assert_eq!(by_chars, tok.text(text));
        }
        let zurich = t.tokens.last().unwrap();
        assert_eq!((zurich.start, zurich.end), (22, 28));
    }

    #[test]
    fn sentences_split_on_punctuation_and_lines() {
        let text =
            "Title line\nMr. Smith went to Washington. He paid $5. then left! \"Yes,\" she said.\n\nNew paragraph";
        let t = tokenize(text);
        let sents: Vec<&str> = (0..t.sentences.len()).map(|i| &text[t.sentence_bytes(i)]).collect();
        assert_eq!(
            sents,
            vec![
                "Title line",
                "Mr. Smith went to Washington.",
                "He paid $5. then left!",
                "\"Yes,\" she said.",
                "New paragraph"
            ]
        );
        assert_eq!(t.sentence_of(0), 0);
        assert_eq!(t.sentence_of(t.tokens.len() - 1), 4);
    }

    #[test]
    fn hard_wrapped_text_breaks_only_at_blank_lines() {
        let wrapped = "Hackers linked to North\nKorea stole $2 billion in 2025, the\nUnited Nations said on Monday, citing\n\
                       figures from the firm Insikt Group in\nSeoul. Officials in South Korea said\nthe thefts continue.\n\n\
                       A second paragraph.";
        let t = tokenize(wrapped);
        let sents: Vec<String> =
            (0..t.sentences.len()).map(|i| wrapped[t.sentence_bytes(i)].replace('\n', " ")).collect();
        assert_eq!(
            sents,
            vec![
                "Hackers linked to North Korea stole $2 billion in 2025, the United Nations said on Monday, citing \
                 figures from the firm Insikt Group in Seoul.",
                "Officials in South Korea said the thefts continue.",
                "A second paragraph."
            ]
        );
        // A paragraph per line, or a title over a paragraph, keeps a break at every line.
        for text in [
            "Title line\nMr. Smith went to Washington today, the report says.\nHe said so.\nThen he left the city.",
            "Crypto theft\nNorth Korea stole $2 billion.\nUpBit lost the most\nAnalysts at Recorded Future said so.",
        ] {
            let t = tokenize(text);
            assert_eq!(t.sentences.len(), text.lines().count(), "{text}");
        }
    }

    #[test]
    fn runaway_sentences_are_cut() {
        let text = "word ".repeat(1000);
        let t = tokenize(&text);
        assert_eq!(t.sentences.len(), 5);
        assert!(t.sentences.iter().all(|s| s.tokens.len() == MAX_SENTENCE_WORDS));
    }

    #[test]
    fn empty_and_odd_input() {
        assert!(tokenize("").tokens.is_empty());
        assert!(tokenize(" \n\t ").sentences.is_empty());
        let t = tokenize("...!!");
        assert_eq!(t.sentences.len(), 1);
    }
}
