//! Money and percentage expressions, normalized.
//!
//! A small grammar over the article's words (the same [`Tokenized`] words the NER model reads): a currency marker
//! (symbol, prefixed dollar, ISO code or currency word) next to a number with an optional multiplier, or a number
//! followed by a percent marker. The lexicon is data (the tables in `lexicon.rs`), so extending it means adding rows,
//! not patterns. Values are exact decimals (`rust_decimal`): `$1.1bn` is `1100000000`, never `1100000000.0000002`.
//!
//! The parts, by concern: `lexicon` (the tables and their lookups, and the first-word filter derived from them),
//! `numbers` (digits, spelled numbers, multipliers, read into a quantity), `money` (one rule per way of writing a
//! sum of money, tried in a fixed order), `shared` (which currency a word that several share means: "pesos",
//! "francs") and `percent` (percentages and percentage points). This module walks the
//! words and turns matches into [`Amount`]s; the unit tests are in `tests.rs`.

use rust_decimal::Decimal;

use crate::tokenize::Tokenized;

mod currencies;
mod filter;
mod lexicon;
mod money;
mod numbers;
mod percent;
mod shared;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_finance;

use filter::{iso_code, may_start};
use lexicon::{multiplier, symbol};
use money::money_at;
use numbers::{parse_decimal, scale};
use percent::percent_at;

/// What an amount measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AmountKind {
    /// A sum of money in a currency.
    Money,
    /// A percentage, or a change in percentage points.
    Percent,
}

impl AmountKind {
    /// The name in the table's `type` column: `MONEY` or `PERCENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            AmountKind::Money => "MONEY",
            AmountKind::Percent => "PERCENT",
        }
    }
}

/// One normalized amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// Code-point span in the article (end exclusive).
    pub start: usize,
    /// Code-point offset one past the amount's last character.
    pub end: usize,
    /// Index of the sentence the amount is in.
    pub sentence: usize,
    /// Money or percentage.
    pub kind: AmountKind,
    /// Whole currency units for money, the number for percentages; the low end of a range.
    pub value: Decimal,
    /// The high end of a compressed range (`$5-10m`, `3-4%`).
    pub value_high: Option<Decimal>,
    /// ISO 4217 code for money, `%` or `pp` (percentage points) for percentages.
    pub unit: &'static str,
}

/// The article's words as the rules read them: by token index, out-of-range indices reading as no word, so that
/// a rule can look ahead without bounds checks.
struct Words<'a> {
    text: &'a str,
    doc: &'a Tokenized,
}

impl<'a> Words<'a> {
    /// The number of words of `phrase` (lower case, words separated by spaces) if the text at `i` reads it, any
    /// case; else 0.
    fn phrase_len(&self, i: usize, phrase: &str) -> usize {
        let mut n = 0;
        for part in phrase.split(' ') {
            if !self.is(i + n, part) {
                return 0;
            }
            n += 1;
        }
        n
    }

    /// The text of token `i`, `None` past the end.
    fn get(&self, i: usize) -> Option<&'a str> {
        self.doc.tokens.get(i).map(|t| t.text(self.text))
    }
    /// The text of token `i`, `""` past the end.
    fn word(&self, i: usize) -> &'a str {
        self.get(i).unwrap_or("")
    }
    /// True when token `i` ends exactly where token `i + 1` starts.
    fn touching(&self, i: usize) -> bool {
        match (self.doc.tokens.get(i), self.doc.tokens.get(i + 1)) {
            (Some(a), Some(b)) => a.byte_end == b.byte_start,
            _ => false,
        }
    }
    /// Case-insensitive comparison with a lexicon word (all lexicon words are ASCII).
    fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).is_some_and(|w| w.eq_ignore_ascii_case(word))
    }
    /// True if token `i` is a hyphen, en dash or minus sign.
    fn is_dash(&self, i: usize) -> bool {
        matches!(self.get(i), Some("-" | "\u{2013}" | "\u{2212}"))
    }
}

/// A match: token range `first..=last`, plus the value parts.
struct Match {
    first: usize,
    last: usize,
    /// Characters of the last token left out of the span (`$5-a-share` ends before `-a-share`).
    trim: usize,
    kind: AmountKind,
    value: Decimal,
    value_high: Option<Decimal>,
    unit: &'static str,
}

/// An amount the text writes but the extractor cannot give as a row, and why (a sum too large for an exact
/// decimal: `$100000000000000000000 trillion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// Code-point span in the article (end exclusive).
    pub start: usize,
    /// Code-point offset one past the amount's last character.
    pub end: usize,
    /// Why there is no row.
    pub reason: String,
}

/// Finds every money and percentage amount in an article, in text order.
///
/// ```
/// use nertab_core::amounts::{self, AmountKind};
/// use nertab_core::tokenize::tokenize;
///
/// let text = "Profit rose 12% to $1.5bn.";
/// let found = amounts::extract(text, &tokenize(text));
/// assert_eq!(found.len(), 2);
/// assert_eq!((found[0].kind, found[0].value.to_string(), found[0].unit), (AmountKind::Percent, "12".into(), "%"));
/// // Exact decimals, in whole currency units.
/// assert_eq!((found[1].value.to_string(), found[1].unit), ("1500000000".into(), "USD"));
/// assert_eq!((found[1].start, found[1].end), (19, 25));
/// ```
pub fn extract(text: &str, doc: &Tokenized) -> Vec<Amount> {
    extract_with_notes(text, doc).0
}

/// [`extract`], and the amounts it had to leave out, with why.
pub fn extract_with_notes(text: &str, doc: &Tokenized) -> (Vec<Amount>, Vec<Unread>) {
    let w = Words { text, doc };
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut i = 0;
    // Last token of the previous amount: "$4bn (£2.1bn)" is a conversion, not an accounting negative.
    let mut prev_last: Option<usize> = None;
    while i < doc.tokens.len() {
        // A dollar prefix (`US`, `c`, `Mex`) opens an amount only before `$`, which the filter cannot see.
        if !may_start(w.word(i)) && w.get(i + 1) != Some("$") {
            i += 1;
            continue;
        }
        let conversion = w.get(i) == Some("(") && i > 0 && prev_last == Some(i - 1);
        let found = if conversion { money_at(&w, i + 1) } else { money_at(&w, i).or_else(|| percent_at(&w, i)) };
        if let Some(m) = &found {
            prev_last = Some(m.last);
        }
        match found {
            Some(m) => {
                out.push(Amount {
                    start: doc.tokens[m.first].start,
                    end: doc.tokens[m.last].end - m.trim,
                    sentence: doc.sentence_of(m.first),
                    kind: m.kind,
                    value: m.value,
                    value_high: m.value_high,
                    unit: m.unit,
                });
                i = m.last + 1;
            }
            None => {
                if let Some((first, last)) = too_large(&w, i) {
                    unread.push(Unread {
                        start: doc.tokens[first].start,
                        end: doc.tokens[last].end,
                        reason: format!(
                            "an amount too large for an exact decimal (at most {} whole units)",
                            Decimal::MAX
                        ),
                    });
                    i = last + 1;
                } else {
                    i += 1;
                }
            }
        }
    }
    (out, unread)
}

/// The tokens of a sum of money at `i` whose number is too large for an exact decimal (more than 28 digits, or
/// overflowing with its multiplier), with a currency marker before or after it: `$100000000000000000000 trillion`.
/// A long digit string without a marker (an id) is none.
fn too_large(w: &Words, i: usize) -> Option<(usize, usize)> {
    let word = w.get(i)?;
    let marker_before = !word.starts_with(|c: char| c.is_ascii_digit());
    let k = if marker_before { i + 1 } else { i };
    let digits = w.get(k)?;
    if !digits.starts_with(|c: char| c.is_ascii_digit()) || digits.len() <= 9 {
        return None;
    }
    if marker_before && symbol(word).is_none() && iso_code(word).is_none() {
        return None;
    }
    let long = digits.bytes().filter(u8::is_ascii_digit).count() > 28;
    let parsed = parse_decimal(digits);
    let overflows = match parsed {
        None => long && digits.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.'),
        Some(n) => {
            w.get(k + 1).filter(|m| m.len() > 1).and_then(multiplier).is_some_and(|e| scale(n, e as i32).is_none())
        }
    };
    if !overflows {
        return None;
    }
    let last = if parsed.is_some() { k + 1 } else { k };
    if marker_before {
        return Some((i, last));
    }
    let next = w.word(last + 1);
    (iso_code(next).is_some() || symbol(next).is_some()).then_some((i, last + 1))
}
