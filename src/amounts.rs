//! Money and percentage expressions, normalized.
//!
//! A small grammar over the article's words (the same [`Tokenized`] words the NER model reads): a currency marker
//! (symbol, prefixed dollar, ISO code or currency word) next to a number with an optional multiplier, or a number
//! followed by a percent marker. The lexicon is data (the tables below), so extending it means adding rows, not
//! patterns. Values are exact decimals (`rust_decimal`): `$1.1bn` is `1100000000`, never `1100000000.0000002`.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::tokenize::Tokenized;

/// What an amount measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AmountKind {
    Money,
    Percent,
}

impl AmountKind {
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
    pub end: usize,
    /// Index of the sentence the amount is in.
    pub sentence: usize,
    pub kind: AmountKind,
    /// Whole currency units for money, the number for percentages; the low end of a range.
    pub value: Decimal,
    /// The high end of a compressed range (`$5-10m`, `3-4%`).
    pub value_high: Option<Decimal>,
    /// ISO 4217 code for money, `%` or `pp` (percentage points) for percentages.
    pub unit: &'static str,
}

/// Currency symbols.
const SYMBOLS: &[(&str, &str)] = &[
    ("$", "USD"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("¥", "JPY"),
    ("₩", "KRW"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("₪", "ILS"),
];

/// Letters written right before `$` (`US$5m`).
const DOLLAR_PREFIXES: &[(&str, &str)] = &[
    ("US", "USD"),
    ("A", "AUD"),
    ("AU", "AUD"),
    ("C", "CAD"),
    ("CA", "CAD"),
    ("HK", "HKD"),
    ("NZ", "NZD"),
    ("S", "SGD"),
    ("NT", "TWD"),
    ("R", "BRL"),
    ("SGD", "SGD"),
];

/// Currency abbreviations written before or after a number (`Rs 20`, `45 zł`, `171900 руб.`), matched exactly.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("Rs", "INR"),
    ("Kč", "CZK"),
    ("zł", "PLN"),
    ("руб", "RUB"),
    ("Rp", "IDR"),
    ("₫", "VND"),
    ("грн", "UAH"),
    ("Ft", "HUF"),
    ("RM", "MYR"),
    ("TL", "TRY"),
    ("KD", "KWD"),
    ("lei", "RON"),
];

/// ISO 4217 codes recognized before or after a number.
const CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "KRW", "INR", "RUB", "CHF", "AUD", "CAD", "HKD", "NZD", "SGD", "SEK", "NOK",
    "DKK", "TRY", "ILS", "BRL", "MXN", "ZAR", "PLN", "HUF", "CZK", "THB", "MYR", "IDR", "SAR", "AED", "EGP", "NGN",
    "KES", "PKR", "TWD", "ARS", "CLP", "COP", "RON", "UAH", "VND", "KWD", "OMR", "QAR", "BHD",
];

/// How sure a currency word is to mean money after a number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Certainty {
    /// "dollars", "euros": always money.
    Sure,
    /// "won" (a verb), "rand" (a name): money after digits or a multiplier ("5,000 won", "two million won").
    Ambiguous,
    /// "pounds" (a weight): money only after a multiplier ("5m pounds", "a million pounds") or with "sterling".
    Weight,
}

/// Currency words after a number: (country word or "" for none, word, code, power of ten of the unit, certainty).
/// The longest match wins, so "Australian dollars" beats "dollars".
const WORDS: &[(&str, &str, &str, i32, Certainty)] = &[
    ("", "dollar", "USD", 0, Certainty::Sure),
    ("", "dollars", "USD", 0, Certainty::Sure),
    ("us", "dollars", "USD", 0, Certainty::Sure),
    ("american", "dollars", "USD", 0, Certainty::Sure),
    ("australian", "dollars", "AUD", 0, Certainty::Sure),
    ("canadian", "dollars", "CAD", 0, Certainty::Sure),
    ("hong kong", "dollars", "HKD", 0, Certainty::Sure),
    ("new zealand", "dollars", "NZD", 0, Certainty::Sure),
    ("singapore", "dollars", "SGD", 0, Certainty::Sure),
    ("taiwan", "dollars", "TWD", 0, Certainty::Sure),
    ("", "euro", "EUR", 0, Certainty::Sure),
    ("", "euros", "EUR", 0, Certainty::Sure),
    ("", "pounds", "GBP", 0, Certainty::Weight),
    ("", "pound", "GBP", 0, Certainty::Weight),
    ("british", "pounds", "GBP", 0, Certainty::Sure),
    ("egyptian", "pounds", "EGP", 0, Certainty::Sure),
    ("", "sterling", "GBP", 0, Certainty::Sure),
    ("", "yen", "JPY", 0, Certainty::Sure),
    ("", "yuan", "CNY", 0, Certainty::Sure),
    ("", "renminbi", "CNY", 0, Certainty::Sure),
    ("", "won", "KRW", 0, Certainty::Ambiguous),
    ("south korean", "won", "KRW", 0, Certainty::Sure),
    ("", "rupee", "INR", 0, Certainty::Sure),
    ("", "rupees", "INR", 0, Certainty::Sure),
    ("indian", "rupees", "INR", 0, Certainty::Sure),
    ("pakistani", "rupees", "PKR", 0, Certainty::Sure),
    ("swiss", "francs", "CHF", 0, Certainty::Sure),
    ("french", "francs", "FRF", 0, Certainty::Sure),
    ("belgian", "francs", "BEF", 0, Certainty::Sure),
    ("", "roubles", "RUB", 0, Certainty::Sure),
    ("", "rubles", "RUB", 0, Certainty::Sure),
    ("", "rouble", "RUB", 0, Certainty::Sure),
    ("", "ruble", "RUB", 0, Certainty::Sure),
    ("danish", "kroner", "DKK", 0, Certainty::Sure),
    ("norwegian", "kroner", "NOK", 0, Certainty::Sure),
    ("", "kroner", "DKK", 0, Certainty::Sure),
    ("swedish", "kronor", "SEK", 0, Certainty::Sure),
    ("", "kronor", "SEK", 0, Certainty::Sure),
    ("", "rand", "ZAR", 0, Certainty::Ambiguous),
    ("", "reais", "BRL", 0, Certainty::Sure),
    ("", "shekels", "ILS", 0, Certainty::Sure),
    ("turkish", "lira", "TRY", 0, Certainty::Sure),
    ("", "cent", "USD", -2, Certainty::Sure),
    ("", "cents", "USD", -2, Certainty::Sure),
    ("euro", "cents", "EUR", -2, Certainty::Sure),
    ("", "pence", "GBP", -2, Certainty::Sure),
    ("", "bucks", "USD", 0, Certainty::Ambiguous),
    ("", "penny", "GBP", -2, Certainty::Sure),
];

/// Multiplier words and suffixes: (spelling, power of ten). Matched case-insensitively.
const MULTIPLIERS: &[(&str, u32)] = &[
    ("k", 3),
    ("thousand", 3),
    ("m", 6),
    ("mn", 6),
    ("mln", 6),
    ("million", 6),
    ("b", 9),
    ("bn", 9),
    ("billion", 9),
    ("tn", 12),
    ("trillion", 12),
    ("lakh", 5),
    ("crore", 7),
];

/// Number words: (word, value, is a scale that multiplies what came before).
const NUMBER_WORDS: &[(&str, u64, bool)] = &[
    ("zero", 0, false),
    ("one", 1, false),
    ("two", 2, false),
    ("three", 3, false),
    ("four", 4, false),
    ("five", 5, false),
    ("six", 6, false),
    ("seven", 7, false),
    ("eight", 8, false),
    ("nine", 9, false),
    ("ten", 10, false),
    ("eleven", 11, false),
    ("twelve", 12, false),
    ("thirteen", 13, false),
    ("fourteen", 14, false),
    ("fifteen", 15, false),
    ("sixteen", 16, false),
    ("seventeen", 17, false),
    ("eighteen", 18, false),
    ("nineteen", 19, false),
    ("twenty", 20, false),
    ("thirty", 30, false),
    ("forty", 40, false),
    ("fifty", 50, false),
    ("sixty", 60, false),
    ("seventy", 70, false),
    ("eighty", 80, false),
    ("ninety", 90, false),
    ("hundred", 100, true),
    ("thousand", 1_000, true),
    ("million", 1_000_000, true),
    ("billion", 1_000_000_000, true),
    ("trillion", 1_000_000_000_000, true),
];

/// Words that make "points" a rate change (percentage points) rather than index points.
const RATE_WORDS: &[&str] = &["rate", "rates", "yield", "yields", "interest"];

fn multiplier(word: &str) -> Option<u32> {
    MULTIPLIERS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, e)| e)
}

fn number_word(word: &str) -> Option<(u64, bool)> {
    NUMBER_WORDS.iter().find(|(w, _, _)| w.eq_ignore_ascii_case(word)).map(|&(_, v, s)| (v, s))
}

fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// Parses a plain decimal with optional, correctly grouped thousands separators (`1,000.5`, `.5`).
fn parse_decimal(s: &str) -> Option<Decimal> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    if int.is_empty() && frac.is_none() {
        return None;
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !groups.all(|g| g.len() == 3) {
            return None;
        }
    }
    let digits: String = int.chars().filter(|&c| c != ',').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 20 {
        return None;
    }
    let joined = match frac {
        Some(f) if f.len() <= 12 => format!("{}.{f}", if digits.is_empty() { "0" } else { &digits }),
        Some(_) => return None,
        None => digits,
    };
    Decimal::from_str(&joined).ok()
}

/// Scales `n` by `10^exp`, exactly; `None` on overflow.
fn scale(n: Decimal, exp: i32) -> Option<Decimal> {
    let factor = Decimal::from_i128_with_scale(10i128.checked_pow(exp.unsigned_abs())?, 0);
    let v = if exp >= 0 { n.checked_mul(factor)? } else { n.checked_div(factor)? };
    Some(v.normalize())
}

/// Scales the high end of a range if there is one; `None` on overflow, `Some(None)` without a high end.
fn scale_high(high: Option<Decimal>, exp: i32) -> Option<Option<Decimal>> {
    match high {
        Some(h) => Some(Some(scale(h, exp)?)),
        None => Some(None),
    }
}

/// What a letter suffix on a number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suffix {
    None,
    /// `5m`, `2bn`: the power of ten.
    Multiplier(u32),
    /// `50p`: pence.
    Pence,
    /// `5pc`, `5pct`: percent.
    Percent,
}

/// One side of a number word: `2,000.5`, `2bn`, `50p`.
fn parse_number_part(part: &str) -> Option<(Decimal, Suffix)> {
    let body_end = part.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let (body, suffix) = part.split_at(body_end);
    let suffix = match suffix.to_ascii_lowercase().as_str() {
        "" => Suffix::None,
        "p" => Suffix::Pence,
        "pc" | "pct" => Suffix::Percent,
        s => Suffix::Multiplier(multiplier(s)?),
    };
    Some((parse_decimal(body)?, suffix))
}

/// A number read from one or more words, multipliers applied, before any currency or percent marker.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Quantity {
    low: Decimal,
    high: Option<Decimal>,
    /// Last token of the quantity.
    last: usize,
    /// Written with digits (not spelled out).
    digits: bool,
    /// A multiplier (suffix, word or spelled scale) was applied.
    multiplied: bool,
    /// A `p` or `pc` suffix.
    suffix: Suffix,
    /// The value if the periods are thousands separators (`31.500`), for currencies without minor units.
    dot_thousands: Option<Decimal>,
}

impl Quantity {
    /// A single number without range, letter suffix or dot-grouped reading.
    fn single(low: Decimal, last: usize, digits: bool, multiplied: bool) -> Quantity {
        Quantity { low, high: None, last, digits, multiplied, suffix: Suffix::None, dot_thousands: None }
    }
}

struct Words<'a> {
    text: &'a str,
    doc: &'a Tokenized,
}

impl<'a> Words<'a> {
    fn get(&self, i: usize) -> Option<&'a str> {
        self.doc.tokens.get(i).map(|t| t.text(self.text))
    }
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
    fn is_dash(&self, i: usize) -> bool {
        matches!(self.get(i), Some("-" | "\u{2013}" | "\u{2212}"))
    }
}

/// A match: token range `first..=last`, plus the value parts.
struct Match {
    first: usize,
    last: usize,
    kind: AmountKind,
    value: Decimal,
    value_high: Option<Decimal>,
    unit: &'static str,
}

/// Finds every money and percentage amount in an article, in text order.
pub fn extract(text: &str, doc: &Tokenized) -> Vec<Amount> {
    let w = Words { text, doc };
    let mut out = Vec::new();
    let mut i = 0;
    // Last token of the previous amount: "$4bn (£2.1bn)" is a conversion, not an accounting negative.
    let mut prev_last: Option<usize> = None;
    while i < doc.tokens.len() {
        if !may_start(w.word(i)) {
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
                    end: doc.tokens[m.last].end,
                    sentence: doc.sentence_of(m.first),
                    kind: m.kind,
                    value: m.value,
                    value_high: m.value_high,
                    unit: m.unit,
                });
                i = m.last + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// A cheap first test: can an amount start with this word? Most words of running text are lower-case words that
/// cannot, and skipping them here keeps the extractor fast.
fn may_start(word: &str) -> bool {
    let Some(&first) = word.as_bytes().first() else { return false };
    if !first.is_ascii_alphabetic() {
        return true; // digits, signs, brackets, symbols
    }
    let head = word.split('-').next().unwrap_or(word);
    if first.is_ascii_lowercase() {
        // A compiled match: the common case, a lower-case word of running text, costs a few comparisons.
        return matches!(
            head,
            "a" | "an"
                | "half"
                | "between"
                | "zero"
                | "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "eleven"
                | "twelve"
                | "thirteen"
                | "fourteen"
                | "fifteen"
                | "sixteen"
                | "seventeen"
                | "eighteen"
                | "nineteen"
                | "twenty"
                | "thirty"
                | "forty"
                | "fifty"
                | "sixty"
                | "seventy"
                | "eighty"
                | "ninety"
                | "hundred"
                | "thousand"
                | "million"
                | "billion"
                | "trillion"
        ) || ABBREVIATIONS.iter().any(|(a, _)| *a == word);
    }
    let is_word = |w: &str| head.eq_ignore_ascii_case(w);
    ["a", "an", "half", "between"].iter().any(|w| is_word(w))
        || NUMBER_WORDS.iter().any(|(w, _, _)| is_word(w))
        || ABBREVIATIONS.iter().any(|(a, _)| *a == word)
        || DOLLAR_PREFIXES.iter().any(|(p, _)| *p == word)
        || CODES.iter().any(|c| word.starts_with(c))
}

/// A number written with digits at `i`: `5`, `2,000.5`, `5-10m`, `5m-10m`, `50p`, `5 - 10` (touching dashes),
/// then an optional multiplier word (`million`, `bn`).
fn digits_at(w: &Words, i: usize) -> Option<Quantity> {
    let word = w.get(i)?;
    if !word.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if let Some(q) = space_grouped_at(w, i) {
        return Some(q);
    }
    let (low_part, high_part, mut last) = match word.split_once('-') {
        Some((a, b)) => (a, Some(b), i),
        None if w.touching(i) && w.is_dash(i + 1) && w.touching(i + 1) => match w.get(i + 2) {
            Some(b) if b.starts_with(|c: char| c.is_ascii_digit()) => (word, Some(b), i + 2),
            _ => (word, None, i),
        },
        None => (word, None, i),
    };
    let (low, low_suffix) = parse_number_part(low_part)?;
    let high = match high_part {
        Some(h) => Some(parse_number_part(h)?),
        None => None,
    };
    // A multiplier or unit written once, on the high end, applies to both: "$5-10m", "3-4pc".
    let suffix = match high {
        Some((_, hs)) if low_suffix == Suffix::None => hs,
        Some((_, hs)) if hs != low_suffix && hs != Suffix::None => {
            if let (Suffix::Multiplier(_), Suffix::Multiplier(_)) = (low_suffix, hs) {
                hs
            } else {
                return None;
            }
        }
        _ => low_suffix,
    };
    let exp_of = |s: Suffix| if let Suffix::Multiplier(e) = s { e as i32 } else { 0 };
    let low_exp = if low_suffix == Suffix::None { exp_of(suffix) } else { exp_of(low_suffix) };
    let mut q = Quantity {
        low: scale(low, low_exp)?,
        high: None,
        last,
        digits: true,
        multiplied: matches!(suffix, Suffix::Multiplier(_)),
        suffix: if matches!(suffix, Suffix::Multiplier(_)) { Suffix::None } else { suffix },
        dot_thousands: None,
    };
    if high.is_none() && low_suffix == Suffix::None {
        let mut groups = low_part.split('.');
        let head = groups.next().unwrap_or("");
        let rest: Vec<&str> = groups.collect();
        let digit_group = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
        if !rest.is_empty() && (1..=3).any(|n| digit_group(head, n)) && rest.iter().all(|g| digit_group(g, 3)) {
            q.dot_thousands = Decimal::from_str(&low_part.replace('.', "")).ok();
        }
    }
    if let Some((h, hs)) = high {
        let h = scale(h, if hs == Suffix::None { exp_of(suffix) } else { exp_of(hs) })?;
        if h <= q.low {
            return None; // "6-4" is a score, not a range
        }
        q.high = Some(h);
    }
    // "5 million", "2.5 bn": a multiplier word; a lone letter ("5 m") is too ambiguous.
    if !q.multiplied && q.suffix == Suffix::None {
        if let Some(e) = w.get(last + 1).filter(|m| m.len() > 1).and_then(multiplier) {
            q.low = scale(q.low, e as i32)?;
            q.high = scale_high(q.high, e as i32)?;
            q.multiplied = true;
            last += 1;
        }
    }
    q.last = last;
    Some(q)
}

/// Thousands separated by single spaces (`9 800`, `3 250 000`, `399 167.00`, with a no-break or thin space too):
/// one number, so that `9 800 Kč` is 9800, never 800.
fn space_grouped_at(w: &Words, i: usize) -> Option<Quantity> {
    let first = w.get(i)?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits = first.to_string();
    let mut last = i;
    loop {
        let (cur, next) = (&w.doc.tokens[last], w.doc.tokens.get(last + 1));
        let Some(next) = next else { break };
        let gap = &w.text[cur.byte_end..next.byte_start];
        if !matches!(gap, " " | "\u{a0}" | "\u{202f}" | "\u{2009}") {
            break;
        }
        let word = next.text(w.text);
        let (int, frac) = word.split_once('.').unwrap_or((word, ""));
        if int.len() != 3 || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        digits.push_str(int);
        last += 1;
        if !frac.is_empty() {
            digits.push('.');
            digits.push_str(frac);
            break;
        }
    }
    if last == i {
        return None;
    }
    let low = Decimal::from_str(&digits).ok()?.normalize();
    Some(Quantity::single(low, last, true, false))
}

/// A spelled-out number at `i`: "two billion", "twenty-five", "one hundred and fifty thousand", "a million",
/// "half a million", "half a" (before "per cent").
fn spelled_at(w: &Words, i: usize) -> Option<Quantity> {
    let mut total = Decimal::ZERO;
    let mut group = Decimal::ZERO;
    let mut any = false;
    let mut multiplied = false;
    let mut j = i;
    // "half", "half a", "half a million"
    if w.is(i, "half") {
        let mut k = i + 1;
        if w.is(k, "a") || w.is(k, "an") {
            k += 1;
        }
        let mut value = Decimal::new(5, 1);
        let mut last = k - 1;
        if let Some((v, true)) = number_word(w.word(k)) {
            value = value.checked_mul(Decimal::from(v))?;
            last = k;
            multiplied = true;
        }
        return Some(Quantity::single(value, last, false, multiplied));
    }
    loop {
        let word = w.word(j);
        if (word.eq_ignore_ascii_case("a") || word.eq_ignore_ascii_case("an")) && !any {
            // "a million": only before a scale word.
            match number_word(w.word(j + 1)) {
                Some((_, true)) => {
                    group = Decimal::ONE;
                    j += 1;
                    continue;
                }
                _ => return None,
            }
        }
        if word.eq_ignore_ascii_case("and") && any && number_word(w.word(j + 1)).is_some_and(|(_, s)| !s) {
            j += 1;
            continue;
        }
        let parts: Vec<&str> = word.split('-').collect();
        let values: Option<Vec<(u64, bool)>> = parts.iter().map(|p| number_word(p)).collect();
        let Some(values) = values.filter(|v| !v.is_empty()) else { break };
        // A scale word needs a number before it: "Million Dollar Baby" is a title, "a million dollars" money.
        if !any && group.is_zero() && values[0].1 {
            return None;
        }
        for (v, is_scale) in values {
            let v = Decimal::from(v);
            if is_scale {
                if group.is_zero() {
                    group = Decimal::ONE;
                }
                if v == Decimal::ONE_HUNDRED {
                    group = group.checked_mul(v)?;
                } else {
                    total = total.checked_add(group.checked_mul(v)?)?;
                    group = Decimal::ZERO;
                    multiplied = true;
                }
            } else {
                group = group.checked_add(v)?;
            }
        }
        any = true;
        j += 1;
    }
    if !any {
        return None;
    }
    let value = total.checked_add(group)?;
    Some(Quantity::single(value, j - 1, false, multiplied))
}

fn quantity_at(w: &Words, i: usize) -> Option<Quantity> {
    digits_at(w, i).or_else(|| spelled_at(w, i))
}

/// Currencies whose amounts are written without minor units, where `31.500` means 31500.
const NO_MINOR_UNITS: &[&str] = &["IDR", "HUF", "VND", "KRW", "JPY", "CLP", "COP", "UAH"];

fn money(first: usize, q: &Quantity, last: usize, unit: &'static str, unit_exp: i32) -> Option<Match> {
    let low = match q.dot_thousands {
        Some(v) if NO_MINOR_UNITS.contains(&unit) => v,
        _ => q.low,
    };
    Some(Match {
        first,
        last,
        kind: AmountKind::Money,
        value: scale(low, unit_exp)?,
        value_high: scale_high(q.high, unit_exp)?,
        unit,
    })
}

fn negate(m: Match, first: usize, last: usize) -> Match {
    Match { first, last, value: -m.value, value_high: m.value_high.map(|h| -h), ..m }
}

/// The currency word (with its country word) after token `i`: (code, unit power of ten, last token).
fn currency_word_at(w: &Words, i: usize, q: &Quantity) -> Option<(&'static str, i32, usize)> {
    let mut best: Option<(&'static str, i32, usize)> = None;
    for &(country, word, code, unit_exp, certainty) in WORDS {
        let country_len = if country.is_empty() { 0 } else { country.split(' ').count() };
        let matches_country = country.split(' ').filter(|c| !c.is_empty()).enumerate().all(|(k, c)| w.is(i + k, c));
        if !matches_country || !w.is(i + country_len, word) {
            continue;
        }
        let sure = match certainty {
            Certainty::Sure => true,
            Certainty::Ambiguous => q.digits || q.multiplied,
            Certainty::Weight => q.multiplied || w.is(i + country_len + 1, "sterling"),
        };
        if !sure {
            continue;
        }
        let last = i + country_len;
        if best.is_none_or(|(_, _, l)| last > l) {
            best = Some((code, unit_exp, last));
        }
    }
    // "pounds sterling"
    match best {
        Some((code, e, last)) if code == "GBP" && w.is(last + 1, "sterling") => Some((code, e, last + 1)),
        _ => best,
    }
}

fn money_at(w: &Words, i: usize) -> Option<Match> {
    let word = w.get(i)?;
    // ($99.99): an accounting negative, in tables ("Net loss: ($99.99)"). After a word or number it is prose, where
    // brackets hold a conversion ("20bn baht ($510m)"), so the amount inside stays positive.
    let after_word = i > 0 && w.word(i - 1).starts_with(char::is_alphanumeric);
    if word == "(" && w.touching(i) && !after_word {
        let m = money_at(w, i + 1)?;
        if m.first == i + 1 && w.get(m.last + 1) == Some(")") && w.touching(m.last) && m.value_high.is_none() {
            let last = m.last + 1;
            return Some(negate(m, i, last));
        }
        return None;
    }
    // -$5m: a minus sign written against the marker, and not a dash after a word or number ("$24-$26", "sub-$100").
    if matches!(word, "-" | "\u{2212}") && w.touching(i) && (i == 0 || !w.touching(i - 1)) {
        let m = money_at(w, i + 1)?;
        if m.first == i + 1 && m.value_high.is_none() {
            let last = m.last;
            return Some(negate(m, i, last));
        }
        return None;
    }
    // US$5m, HK$ 10
    if let Some(code) = lookup(DOLLAR_PREFIXES, word) {
        if w.touching(i) && w.get(i + 1) == Some("$") {
            let q = digits_at(w, i + 2)?;
            return money(i, &q, q.last, code, 0);
        }
    }
    // $5m, £600m, €2 billion
    if let Some(code) = lookup(SYMBOLS, word) {
        let q = digits_at(w, i + 1)?;
        if q.suffix != Suffix::None {
            return None;
        }
        // "$1,190.00 AUD": a code after the number names the dollar.
        if word == "$" {
            if let Some(named) = CODES.iter().find(|c| **c == w.word(q.last + 1) && c.ends_with('D')) {
                return money(i, &q, q.last + 1, named, 0);
            }
        }
        return money(i, &q, q.last, code, 0);
    }
    // Rs 20, Rs. 20, Kč 100
    if let Some(code) = lookup(ABBREVIATIONS, word) {
        let k = if w.get(i + 1) == Some(".") && w.touching(i) { i + 2 } else { i + 1 };
        let q = digits_at(w, k)?;
        return money(i, &q, q.last, code, 0);
    }
    // USD 5m, and USD5m written as one word
    if let Some(code) = CODES.iter().find(|c| **c == word) {
        // "NZD $100.70": the code names the dollar.
        let k = if lookup(SYMBOLS, w.word(i + 1)).is_some() { i + 2 } else { i + 1 };
        let q = digits_at(w, k)?;
        return money(i, &q, q.last, code, 0);
    }
    if word.len() > 3 && word.is_char_boundary(3) {
        if let Some(code) = CODES.iter().find(|c| **c == &word[..3]) {
            let parsed = parse_number_part(&word[3..]);
            let suffix_exp = match parsed {
                Some((_, Suffix::None)) => Some(0),
                Some((_, Suffix::Multiplier(e))) => Some(e as i32),
                _ => None,
            };
            if let (Some((n, _)), Some(suffix_exp)) = (parsed, suffix_exp) {
                let q = Quantity::single(scale(n, suffix_exp)?, i, true, suffix_exp > 0);
                return money(i, &q, i, code, 0);
            }
        }
    }
    // 5m USD, 5 million dollars, 20 cents, two billion Australian dollars, 50p
    let mut q = quantity_at(w, i)?;
    // "26 to 50 €", "10 to 15 million dollars": a range whose marker follows the high end.
    if q.high.is_none() && q.suffix == Suffix::None && (w.is(q.last + 1, "to") || w.is_dash(q.last + 1)) {
        if let Some(b) = quantity_at(w, q.last + 2) {
            if b.high.is_none() && b.suffix == Suffix::None && b.digits == q.digits {
                // A multiplier written once, on the high end, applies to both.
                let low = if b.multiplied && !q.multiplied {
                    let factor = b.low / digits_value(w, q.last + 2, &b)?;
                    q.low.checked_mul(factor)?.normalize()
                } else {
                    q.low
                };
                if b.low > low && trailing_marker(w, b.last + 1, &b) {
                    q = Quantity { low, high: Some(b.low), last: b.last, multiplied: b.multiplied, ..q };
                }
            }
        }
    }
    if q.suffix == Suffix::Pence {
        return money(i, &q, q.last, "GBP", -2);
    }
    if q.suffix != Suffix::None {
        return None;
    }
    if let Some(code) = w.get(q.last + 1).and_then(|next| CODES.iter().find(|c| **c == next)) {
        return money(i, &q, q.last + 1, code, 0);
    }
    // 20€, 10 $, 171900 руб. (a symbol or abbreviation after a number written with digits)
    if q.digits {
        let next = w.word(q.last + 1);
        if let Some(code) = lookup(SYMBOLS, next).or_else(|| lookup(ABBREVIATIONS, next)) {
            // Not the start of the next amount: "5 $10".
            if digits_at(w, q.last + 2).is_none() || w.touching(q.last) || !w.touching(q.last + 1) {
                let mut last = q.last + 1;
                if w.get(last + 1) == Some(".") && w.touching(last) && lookup(ABBREVIATIONS, next).is_some() {
                    last += 1;
                }
                return money(i, &q, last, code, 0);
            }
        }
    }
    let (code, unit_exp, mut last) = currency_word_at(w, q.last + 1, &q)?;
    let mut m = money(i, &q, last, code, unit_exp)?;
    // "2 dollars and 23 cents", "20 rupees 43 paise": the minor unit added to the major one.
    if unit_exp == 0 && q.high.is_none() {
        let k = if w.is(last + 1, "and") { last + 2 } else { last + 1 };
        if let Some(minor) = quantity_at(w, k) {
            let minor_word = ["cents", "cent", "pence", "paise", "kopecks"].iter().any(|c| w.is(minor.last + 1, c));
            if minor_word && minor.high.is_none() && minor.low < Decimal::ONE_HUNDRED && minor.low.fract().is_zero() {
                m.value = m.value.checked_add(scale(minor.low, -2)?)?;
                last = minor.last + 1;
                m.last = last;
            }
        }
    }
    Some(m)
}

/// The number as written before any multiplier word (`15` in "15 million").
fn digits_value(w: &Words, i: usize, q: &Quantity) -> Option<Decimal> {
    if !q.multiplied {
        return Some(q.low);
    }
    let (v, suffix) = parse_number_part(w.get(i)?)?;
    match suffix {
        Suffix::None if !v.is_zero() => Some(v),
        _ => None,
    }
}

/// True if a currency code, symbol, abbreviation or word follows at `i`.
fn trailing_marker(w: &Words, i: usize, q: &Quantity) -> bool {
    let next = w.word(i);
    CODES.contains(&next)
        || lookup(SYMBOLS, next).is_some()
        || lookup(ABBREVIATIONS, next).is_some()
        || currency_word_at(w, i, q).is_some()
}

fn percent_at(w: &Words, i: usize) -> Option<Match> {
    // "between 50 and 60%": one range.
    if w.is(i, "between") {
        let a = quantity_at(w, i + 1)?;
        if !w.is(a.last + 1, "and") || a.high.is_some() || a.suffix != Suffix::None {
            return None;
        }
        let b = quantity_at(w, a.last + 2)?;
        let (unit, value_div, marker_last) = percent_marker(w, b.last + 1)?;
        if b.high.is_some() || b.suffix != Suffix::None || b.low <= a.low {
            return None;
        }
        return percent(i, marker_last, a.low, Some(b.low), unit, value_div);
    }
    let a = quantity_at(w, i)?;
    if a.suffix == Suffix::Percent {
        return percent(i, a.last, a.low, a.high, "%", 0);
    }
    if a.suffix != Suffix::None {
        return None;
    }
    // "10 to 15%" and "5 - 10 percent": one range when the marker follows the high end only.
    if a.high.is_none() && (w.is(a.last + 1, "to") || w.is_dash(a.last + 1)) {
        if let Some(b) = quantity_at(w, a.last + 2) {
            if b.high.is_none() && b.suffix == Suffix::None && b.low > a.low {
                if let Some((unit, div, marker_last)) = percent_marker(w, b.last + 1) {
                    return percent(i, marker_last, a.low, Some(b.low), unit, div);
                }
            }
        }
    }
    let (unit, div, marker_last) = percent_marker(w, a.last + 1)?;
    percent(i, marker_last, a.low, a.high, unit, div)
}

fn percent(
    first: usize,
    last: usize,
    low: Decimal,
    high: Option<Decimal>,
    unit: &'static str,
    div: i32,
) -> Option<Match> {
    Some(Match {
        first,
        last,
        kind: AmountKind::Percent,
        value: scale(low, -div)?,
        value_high: scale_high(high, -div)?,
        unit,
    })
}

/// The percent marker at `i`: its unit, the power of ten to divide the number by (basis points: 2), its last token.
fn percent_marker(w: &Words, i: usize) -> Option<(&'static str, i32, usize)> {
    let points = |k: usize| w.is(k, "point") || w.is(k, "points");
    if w.is(i, "percentage") && points(i + 1) {
        return Some(("pp", 0, i + 1));
    }
    if w.is(i, "basis") && points(i + 1) {
        return Some(("pp", 2, i + 1));
    }
    if w.is(i, "bp") || w.is(i, "bps") {
        return Some(("pp", 2, i));
    }
    if w.is(i, "per") && w.is(i + 1, "cent") {
        return Some(("%", 0, i + 1));
    }
    if w.is(i, "%") && points(i + 1) {
        return Some(("pp", 0, i + 1));
    }
    if w.is(i, "%") || w.is(i, "percent") || w.is(i, "per-cent") || w.is(i, "pct") || w.is(i, "pc") {
        return Some(("%", 0, i));
    }
    // "rates rose half a point": points of a rate are percentage points; index points are not amounts.
    if points(i) && (i.saturating_sub(10)..i).any(|k| RATE_WORDS.iter().any(|r| w.is(k, r))) {
        return Some(("pp", 0, i));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn first_word_filter_knows_every_number_word() {
        for (w, _, _) in NUMBER_WORDS {
            assert!(may_start(w), "{w}");
        }
        assert!(!may_start("the") && !may_start("hackers") && !may_start(""));
    }

    /// (text, kind, value, value_high, unit) for every amount in `text`.
    fn amounts(text: &str) -> Vec<(String, &'static str, String, Option<String>, &'static str)> {
        let doc = tokenize(text);
        let chars: Vec<char> = text.chars().collect();
        extract(text, &doc)
            .into_iter()
            .map(|a| {
                (
                    chars[a.start..a.end].iter().collect(),
                    a.kind.as_str(),
                    a.value.to_string(),
                    a.value_high.map(|v| v.to_string()),
                    a.unit,
                )
            })
            .collect()
    }

    fn one(text: &str) -> (String, String, Option<String>, &'static str) {
        let got = amounts(text);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        let (t, _, v, h, u) = got.into_iter().next().unwrap();
        (t, v, h, u)
    }

    #[test]
    fn money_with_symbols_and_multipliers() {
        assert_eq!(
            one("stealing up to $2 billion since 2015"),
            ("$2 billion".into(), "2000000000".into(), None, "USD")
        );
        assert_eq!(one("a £600m deal"), ("£600m".into(), "600000000".into(), None, "GBP"));
        assert_eq!(one("worth €1.1bn."), ("€1.1bn".into(), "1100000000".into(), None, "EUR"));
        assert_eq!(one("costs $2,000.50 each"), ("$2,000.50".into(), "2000.5".into(), None, "USD"));
        assert_eq!(one("fell to $.5"), ("$.5".into(), "0.5".into(), None, "USD"));
        assert_eq!(one("raised US$5 million"), ("US$5 million".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("raised HK$10mn"), ("HK$10mn".into(), "10000000".into(), None, "HKD"));
        assert_eq!(one("a A$3.2 bn bid"), ("A$3.2 bn".into(), "3200000000".into(), None, "AUD"));
        assert_eq!(one("a fee of USD 5m"), ("USD 5m".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("a fee of EUR5m"), ("EUR5m".into(), "5000000".into(), None, "EUR"));
        assert_eq!(one("a fee of 5m USD"), ("5m USD".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("¥300bn in bonds"), ("¥300bn".into(), "300000000000".into(), None, "JPY"));
        let inr = amounts("₹5 lakh, or ₹2.5 crore");
        assert_eq!(
            inr.iter().map(|a| (a.0.as_str(), a.2.as_str(), a.4)).collect::<Vec<_>>(),
            vec![("₹5 lakh", "500000", "INR"), ("₹2.5 crore", "25000000", "INR")]
        );
        assert_eq!(one("worth ₩1tn"), ("₩1tn".into(), "1000000000000".into(), None, "KRW"));
        assert_eq!(one("a 5k bonus of $5k"), ("$5k".into(), "5000".into(), None, "USD"));
        assert_eq!(one("1.5 mln roubles"), ("1.5 mln roubles".into(), "1500000".into(), None, "RUB"));
    }

    #[test]
    fn currency_words() {
        assert_eq!(one("paid 5 million dollars"), ("5 million dollars".into(), "5000000".into(), None, "USD"));
        assert_eq!(
            one("paid 5 million Australian dollars"),
            ("5 million Australian dollars".into(), "5000000".into(), None, "AUD")
        );
        assert_eq!(one("cost 20 euros"), ("20 euros".into(), "20".into(), None, "EUR"));
        assert_eq!(
            one("a 10 million pounds sterling loan"),
            ("10 million pounds sterling".into(), "10000000".into(), None, "GBP")
        );
        assert_eq!(one("owed 300 pounds sterling"), ("300 pounds sterling".into(), "300".into(), None, "GBP"));
        assert_eq!(one("400 billion yen"), ("400 billion yen".into(), "400000000000".into(), None, "JPY"));
        assert_eq!(one("5bn yuan"), ("5bn yuan".into(), "5000000000".into(), None, "CNY"));
        assert_eq!(one("1 trillion renminbi"), ("1 trillion renminbi".into(), "1000000000000".into(), None, "CNY"));
        assert_eq!(one("5,000 won"), ("5,000 won".into(), "5000".into(), None, "KRW"));
        assert_eq!(one("80 rupees"), ("80 rupees".into(), "80".into(), None, "INR"));
        assert_eq!(one("3 million Swiss francs"), ("3 million Swiss francs".into(), "3000000".into(), None, "CHF"));
        assert_eq!(one("200m rubles"), ("200m rubles".into(), "200000000".into(), None, "RUB"));
        assert_eq!(
            one("10 million Danish kroner"),
            ("10 million Danish kroner".into(), "10000000".into(), None, "DKK")
        );
        assert_eq!(one("90 Swedish kronor"), ("90 Swedish kronor".into(), "90".into(), None, "SEK"));
        assert_eq!(one("only 20 cents"), ("20 cents".into(), "0.2".into(), None, "USD"));
        assert_eq!(one("a 50p rise"), ("50p".into(), "0.5".into(), None, "GBP"));
        assert_eq!(one("by 30 pence"), ("30 pence".into(), "0.3".into(), None, "GBP"));
    }

    #[test]
    fn international_formats() {
        assert_eq!(one("cena 9 800 Kč"), ("9 800 Kč".into(), "9800".into(), None, "CZK"));
        assert_eq!(one("75 000 руб. now"), ("75 000 руб.".into(), "75000".into(), None, "RUB"));
        assert_eq!(one("Rp 31.500"), ("Rp 31.500".into(), "31500".into(), None, "IDR"));
        assert_eq!(one("fuel at $1.727"), ("$1.727".into(), "1.727".into(), None, "USD"));
        assert_eq!(one("NZD $100.70"), ("NZD $100.70".into(), "100.7".into(), None, "NZD"));
        assert_eq!(one("a 20€ fee"), ("20€".into(), "20".into(), None, "EUR"));
        assert_eq!(one("$1,190.00 AUD"), ("$1,190.00 AUD".into(), "1190".into(), None, "AUD"));
        let two = amounts("69 TL 41.90 TL");
        assert_eq!(two.iter().map(|a| a.2.as_str()).collect::<Vec<_>>(), vec!["69", "41.9"]);
        assert_eq!(one("Rs. 20"), ("Rs. 20".into(), "20".into(), None, "INR"));
        assert_eq!(one("From 26 to 50 €"), ("26 to 50 €".into(), "26".into(), Some("50".into()), "EUR"));
        assert_eq!(
            one("10 to 15 million dollars"),
            ("10 to 15 million dollars".into(), "10000000".into(), Some("15000000".into()), "USD")
        );
        assert_eq!(one("2 dollars and 23 cents"), ("2 dollars and 23 cents".into(), "2.23".into(), None, "USD"));
        assert!(amounts("some 5 800 people").is_empty());
    }

    #[test]
    fn spelled_numbers() {
        assert_eq!(one("stole two billion dollars"), ("two billion dollars".into(), "2000000000".into(), None, "USD"));
        assert_eq!(one("won a million pounds"), ("a million pounds".into(), "1000000".into(), None, "GBP"));
        assert_eq!(
            one("twenty-five million euros"),
            ("twenty-five million euros".into(), "25000000".into(), None, "EUR")
        );
        assert_eq!(
            one("one hundred and fifty thousand dollars"),
            ("one hundred and fifty thousand dollars".into(), "150000".into(), None, "USD")
        );
        assert_eq!(one("half a million dollars"), ("half a million dollars".into(), "500000".into(), None, "USD"));
        assert_eq!(one("rose half a per cent"), ("half a per cent".into(), "0.5".into(), None, "%"));
        assert_eq!(one("up five percent"), ("five percent".into(), "5".into(), None, "%"));
    }

    #[test]
    fn signs() {
        assert_eq!(one("a loss of -$5m"), ("-$5m".into(), "-5000000".into(), None, "USD"));
        assert_eq!(one("Net loss: ($99.99)"), ("($99.99)".into(), "-99.99".into(), None, "USD"));
        assert_eq!(one("($1,250.00)"), ("($1,250.00)".into(), "-1250".into(), None, "USD"));
        assert_eq!(one("a loss of $5m"), ("$5m".into(), "5000000".into(), None, "USD"));
        // Parentheses right after an amount hold a conversion, not a negative.
        let conv = amounts("jumped 76% to $1.13bn (£600m) for the year");
        assert_eq!(
            conv.iter().map(|a| (a.0.as_str(), a.2.as_str())).collect::<Vec<_>>(),
            vec![("76%", "76"), ("$1.13bn", "1130000000"), ("£600m", "600000000")]
        );
        let conv = amounts("at 7.5bn euros ($9.7bn) now");
        assert_eq!(conv[1].2, "9700000000");
        assert_eq!(amounts("at 20bn baht ($510m).")[0].2, "510000000");
        let two = amounts("a range of $24-$26.");
        assert_eq!(
            two.iter().map(|a| (a.0.as_str(), a.2.as_str())).collect::<Vec<_>>(),
            vec![("$24", "24"), ("$26", "26")]
        );
        assert_eq!(one("floats sub-$100 PC"), ("$100".into(), "100".into(), None, "USD"));
    }

    #[test]
    fn ranges() {
        assert_eq!(one("between $5-10m"), ("$5-10m".into(), "5000000".into(), Some("10000000".into()), "USD"));
        assert_eq!(one("a $500k-1m fee"), ("$500k-1m".into(), "500000".into(), Some("1000000".into()), "USD"));
        assert_eq!(one("rose 3-4% a year"), ("3-4%".into(), "3".into(), Some("4".into()), "%"));
        assert_eq!(one("rose 10 to 15% a year"), ("10 to 15%".into(), "10".into(), Some("15".into()), "%"));
        assert_eq!(one("rose 5 - 7 per cent"), ("5 - 7 per cent".into(), "5".into(), Some("7".into()), "%"));
        assert_eq!(one("between 50 and 60%"), ("between 50 and 60%".into(), "50".into(), Some("60".into()), "%"));
        let two = amounts("from 8%-10% now");
        assert_eq!(two.len(), 2);
        assert_eq!((two[0].2.as_str(), two[1].2.as_str()), ("8", "10"));
        let two = amounts("between $5m and $10m");
        assert_eq!(two.iter().map(|a| a.2.as_str()).collect::<Vec<_>>(), vec!["5000000", "10000000"]);
    }

    #[test]
    fn percentages() {
        assert_eq!(one("surged by 300%,"), ("300%".into(), "300".into(), None, "%"));
        assert_eq!(one("a surge of 300 percent over"), ("300 percent".into(), "300".into(), None, "%"));
        assert_eq!(one("up 2.5 per cent"), ("2.5 per cent".into(), "2.5".into(), None, "%"));
        assert_eq!(one("up 2.5 pct"), ("2.5 pct".into(), "2.5".into(), None, "%"));
        assert_eq!(one("up 4pc on the year"), ("4pc".into(), "4".into(), None, "%"));
        assert_eq!(one("down .5%"), (".5%".into(), "0.5".into(), None, "%"));
        assert_eq!(one("cut by 0.25 percentage points"), ("0.25 percentage points".into(), "0.25".into(), None, "pp"));
        assert_eq!(one("raised by 25 basis points"), ("25 basis points".into(), "0.25".into(), None, "pp"));
        assert_eq!(one("interest rates rose half a point"), ("half a point".into(), "0.5".into(), None, "pp"));
        assert_eq!(one("the rate rose 2 points"), ("2 points".into(), "2".into(), None, "pp"));
    }

    #[test]
    fn not_amounts() {
        for text in [
            "since 2015",
            "in the 1990s",
            "the past 12 months",
            "won 6-4 in the final",
            "1,2 and 3",
            "414 Articles",
            "Takes 2 mins.",
            "a 5 m race",
            "the 10k race",
            "0 0 vote",
            "weighed 5 pounds",
            "lost two pounds",
            "one won and two lost",
            "the FTSE 100 fell 50 points",
            "odds of 5-1",
            "call 555-1234",
            "ranked No. 1",
            "sold 5 million shares",
            "Dollar General rose",
            "Euro 2016 final",
            "one of the firms",
            "a growth rate of 3",
            "Million Dollar Baby won",
        ] {
            assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
        }
    }

    #[test]
    fn spans_leave_out_qualifiers() {
        assert_eq!(one("about $5m per share"), ("$5m".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("some 40% of"), ("40%".into(), "40".into(), None, "%"));
    }

    #[test]
    fn exact_decimal_scaling() {
        assert_eq!(scale(Decimal::from_str("1.1").unwrap(), 9).unwrap().to_string(), "1100000000");
        assert_eq!(scale(Decimal::from_str("50").unwrap(), -2).unwrap().to_string(), "0.5");
        assert!(parse_decimal(".5").is_some());
        assert!(parse_decimal("1,00").is_none());
        assert!(parse_number_part("12abc").is_none());
    }
}
