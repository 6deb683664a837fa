//! Codes and the first-word filter: the lookups that read the compiled lexicon ([`super::currencies`]) and the
//! tables of [`super::lexicon`] together. [`may_start`] is derived from the tables rather than restating them.

use super::currencies::{LEXICON, WORD_CODES};
use super::lexicon::{ABBREVIATIONS, ARTICLES, BETWEEN, FRACTIONS, HALF, MINUS, NUMBER_WORDS};

/// The unit of `word` if it is a currency code (ISO 4217, current or withdrawn, or a crypto-asset's), matched
/// exactly (codes are upper case): `XBT` gives `BTC`.
pub(super) fn iso_code(word: &str) -> Option<&'static str> {
    LEXICON.code(word)
}

/// Finance shorthand for thousands and millions written on a code (`kUSD`, `MEUR`, `MMUSD`): the code and the
/// power of ten. Only ISO codes that are no English word (`MALL` is no million leks).
pub(super) fn shorthand(word: &str) -> Option<(&'static str, u32)> {
    let (exp, code) = if let Some(c) = word.strip_prefix("MM") {
        (6, c)
    } else if let Some(c) = word.strip_prefix('M') {
        (6, c)
    } else if let Some(c) = word.strip_prefix(['k', 'K']) {
        (3, c)
    } else {
        return None;
    };
    if code.len() != 3 || WORD_CODES.contains(&code) {
        return None;
    }
    iso_code(code).filter(|c| *c == code).map(|c| (c, exp))
}

/// A cheap first test: can an amount start with this word? Most words of running text are lower-case words that
/// cannot, and skipping them here keeps the extractor fast.
///
/// An amount starts with a digit, a sign, a bracket, `.5` or a symbol (any non-ASCII character: the signs,
/// `元`, `руб`), or with a word a rule opens with: a number word, an article, "half", "minus" or a fraction
/// (spelled numbers, `twenty-five` by its first part), "between" (ranges), an abbreviation or dollar prefix, or a
/// currency code (also glued to its number, `EUR5m`, or with finance shorthand, `kUSD`); a dollar prefix (`US`
/// before `$`) is let through by the caller, which sees the `$`. The lexicon words are
/// lower case: a word written in lower case must match one exactly, a capitalised one ("Five", "FIVE") in any case.
/// The first byte and the length decide most words alone (see [`OPENINGS`], [`EXACT_FIRST`]).
pub(super) fn may_start(word: &str) -> bool {
    let Some(&first) = word.as_bytes().first() else { return false };
    if !first.is_ascii_alphabetic() {
        // ASCII punctuation opens nothing but `$`, brackets, signs and `.5`; the rest (digits, non-ASCII signs
        // and letters) goes on.
        return !first.is_ascii_punctuation() || matches!(first, b'$' | b'(' | b'-' | b'%') || word.len() > 1;
    }
    let head = word.as_bytes().iter().position(|&b| b == b'-').map_or(word, |p| &word[..p]);
    let lower = first.is_ascii_lowercase();
    let is_word = |w: &str| if lower { head == w } else { head.eq_ignore_ascii_case(w) };
    let opening_word = OPENINGS[first.to_ascii_lowercase() as usize] & length_bit(head.len()) != 0
        && (ARTICLES.iter().any(|w| is_word(w))
            || is_word(HALF)
            || is_word(BETWEEN)
            || is_word(MINUS)
            || FRACTIONS.iter().any(|(w, _)| is_word(w))
            || NUMBER_WORDS.iter().any(|(w, _, _)| is_word(w)));
    let exact_entry = EXACT_FIRST[first as usize]
        && (ABBREVIATIONS.iter().any(|(a, _)| *a == word)
            || LEXICON.starts_with_code(word)
            || (word.bytes().any(|b| b.is_ascii_digit()) && abbreviation_glued(word)));
    opening_word || exact_entry || (matches!(first, b'k' | b'K' | b'M') && shorthand(word).is_some())
}

/// True if `word` is an abbreviation glued to digits (`Rs20`).
fn abbreviation_glued(word: &str) -> bool {
    ABBREVIATIONS.iter().any(|(a, _)| word.strip_prefix(a).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())))
}

/// For each lower-cased first byte, the lengths (as bits, 31 standing for 31 and longer) of the words [`may_start`]
/// matches by their head in any case (articles, "half", "between", fractions, number words), computed from the tables at
/// compile time: a word whose first byte and length fit none of them is rejected without a comparison.
const OPENINGS: [u32; 256] = {
    let mut set = [0; 256];
    let mut i = 0;
    while i < ARTICLES.len() {
        set = mark_opening(set, ARTICLES[i]);
        i += 1;
    }
    set = mark_opening(set, HALF);
    set = mark_opening(set, BETWEEN);
    set = mark_opening(set, MINUS);
    let mut i = 0;
    while i < FRACTIONS.len() {
        set = mark_opening(set, FRACTIONS[i].0);
        i += 1;
    }
    let mut i = 0;
    while i < NUMBER_WORDS.len() {
        set = mark_opening(set, NUMBER_WORDS[i].0);
        i += 1;
    }
    set
};

/// The bit of a word's length in [`OPENINGS`].
const fn length_bit(len: usize) -> u32 {
    1 << if len < 31 { len } else { 31 }
}

/// `set` with `word` marked by its lower-cased first byte and its length.
const fn mark_opening(mut set: [u32; 256], word: &str) -> [u32; 256] {
    if let Some(&b) = word.as_bytes().first() {
        set[b.to_ascii_lowercase() as usize] |= length_bit(word.len());
    }
    set
}

/// The first bytes of the entries [`may_start`] matches exactly (abbreviations and codes, which start with a
/// capital letter), computed from the tables at compile time.
const EXACT_FIRST: [bool; 256] = {
    let mut set = [false; 256];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        set = mark_first(set, ABBREVIATIONS[i].0);
        i += 1;
    }
    let mut b = b'A';
    while b <= b'Z' {
        set[b as usize] = true;
        b += 1;
    }
    set
};

/// `set` with the first byte of `word` marked.
const fn mark_first(mut set: [bool; 256], word: &str) -> [bool; 256] {
    if let Some(&b) = word.as_bytes().first() {
        set[b as usize] = true;
    }
    set
}
