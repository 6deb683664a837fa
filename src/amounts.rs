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
];

/// ISO 4217 codes recognized before or after a number.
const CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "KRW", "INR", "RUB", "CHF", "AUD", "CAD", "HKD", "NZD", "SGD", "SEK", "NOK",
    "DKK", "TRY", "ILS", "BRL", "MXN", "ZAR",
];

/// Currency words after a number: (word, code, power of ten of the unit: -2 for cents/pence).
const WORDS: &[(&str, &str, i32)] = &[
    ("dollar", "USD", 0),
    ("dollars", "USD", 0),
    ("euro", "EUR", 0),
    ("euros", "EUR", 0),
    ("yen", "JPY", 0),
    ("yuan", "CNY", 0),
    ("renminbi", "CNY", 0),
    ("won", "KRW", 0),
    ("rupee", "INR", 0),
    ("rupees", "INR", 0),
    ("cent", "USD", -2),
    ("cents", "USD", -2),
    ("pence", "GBP", -2),
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
];

fn multiplier(word: &str) -> Option<u32> {
    MULTIPLIERS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, e)| e)
}

fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// A number word: `2`, `2,000.50`, `.5`, `2bn`, `5-10m`; the multiplier suffix applies to both ends of a range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NumberWord {
    low: Decimal,
    high: Option<Decimal>,
    exp: u32,
}

/// Parses a plain decimal with optional, correctly grouped thousands separators.
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
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let joined = match frac {
        Some(f) => format!("{}.{f}", if digits.is_empty() { "0" } else { &digits }),
        None => digits,
    };
    Decimal::from_str(&joined).ok()
}

fn parse_number_word(word: &str) -> Option<NumberWord> {
    let body_end = word.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let (body, suffix) = word.split_at(body_end);
    let exp = if suffix.is_empty() { 0 } else { multiplier(suffix)? };
    let (low, high) = match body.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (parse_decimal(a)?, parse_decimal(b)?);
            if b <= a {
                return None; // "6-4" is a score, not a range
            }
            (a, Some(b))
        }
        None => (parse_decimal(body)?, None),
    };
    Some(NumberWord { low, high, exp })
}

/// Scales `n` by `10^exp`, exactly; `None` on overflow.
fn scale(n: Decimal, exp: i32) -> Option<Decimal> {
    let factor = Decimal::from_i128_with_scale(10i128.checked_pow(exp.unsigned_abs())?, 0);
    let v = if exp >= 0 { n.checked_mul(factor)? } else { n.checked_div(factor)? };
    Some(v.normalize())
}

struct Words<'a> {
    text: &'a str,
    doc: &'a Tokenized,
}

impl<'a> Words<'a> {
    fn get(&self, i: usize) -> Option<&'a str> {
        self.doc.tokens.get(i).map(|t| t.text(self.text))
    }
    /// True when token `i` ends exactly where token `i + 1` starts.
    fn touching(&self, i: usize) -> bool {
        match (self.doc.tokens.get(i), self.doc.tokens.get(i + 1)) {
            (Some(a), Some(b)) => a.byte_end == b.byte_start,
            _ => false,
        }
    }
    fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).is_some_and(|w| w.eq_ignore_ascii_case(word))
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
    while i < doc.tokens.len() {
        match money_at(&w, i).or_else(|| percent_at(&w, i)) {
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

/// A number at `i`, with a following multiplier word if any: returns the number and the last token used.
fn number_at(w: &Words, i: usize) -> Option<(NumberWord, usize)> {
    let mut n = parse_number_word(w.get(i)?)?;
    let mut last = i;
    if n.exp == 0 {
        if let Some(e) = w.get(i + 1).and_then(multiplier) {
            // "5 m" alone is too ambiguous; only spelled-out multipliers may stand apart.
            if w.get(i + 1).is_some_and(|m| m.len() > 2) {
                n.exp = e;
                last = i + 1;
            }
        }
    }
    Some((n, last))
}

fn money(first: usize, n: NumberWord, last: usize, unit: &'static str, unit_exp: i32, negative: bool) -> Option<Match> {
    let exp = n.exp as i32 + unit_exp;
    let sign = |v: Decimal| if negative { -v } else { v };
    Some(Match {
        first,
        last,
        kind: AmountKind::Money,
        value: sign(scale(n.low, exp)?),
        value_high: match n.high {
            Some(h) => Some(sign(scale(h, exp)?)),
            None => None,
        },
        unit,
    })
}

fn money_at(w: &Words, i: usize) -> Option<Match> {
    let word = w.get(i)?;
    // "-$5m": a minus sign written against the marker.
    if word == "-" && w.touching(i) {
        let m = money_at(w, i + 1)?;
        if m.first == i + 1 && m.value_high.is_none() {
            return Some(Match { first: i, value: -m.value, ..m });
        }
        return None;
    }
    // US$5m, HK$ 10
    if let Some(code) = lookup(DOLLAR_PREFIXES, word) {
        if w.touching(i) && w.get(i + 1) == Some("$") {
            let (n, last) = number_at(w, i + 2)?;
            return money(i, n, last, code, 0, false);
        }
    }
    // $5m, £600m, €2 billion
    if let Some(code) = lookup(SYMBOLS, word) {
        let (n, last) = number_at(w, i + 1)?;
        return money(i, n, last, code, 0, false);
    }
    // USD 5m
    if let Some(code) = CODES.iter().find(|c| **c == word) {
        let (n, last) = number_at(w, i + 1)?;
        return money(i, n, last, code, 0, false);
    }
    // 5m USD, 5 million dollars, 20 cents
    let (n, last) = number_at(w, i)?;
    let next = w.get(last + 1)?;
    if let Some(code) = CODES.iter().find(|c| **c == next) {
        return money(i, n, last + 1, code, 0, false);
    }
    let lower = next.to_ascii_lowercase();
    if let Some(&(_, code, unit_exp)) = WORDS.iter().find(|(word, _, _)| *word == lower) {
        return money(i, n, last + 1, code, unit_exp, false);
    }
    None
}

fn percent_at(w: &Words, i: usize) -> Option<Match> {
    // "between 50 and 60%" and "10 to 15%": one range.
    let (first, n, last) = if w.is(i, "between") {
        let (a, a_last) = number_at(w, i + 1)?;
        if !w.is(a_last + 1, "and") {
            return None;
        }
        let (b, b_last) = number_at(w, a_last + 2)?;
        (i, NumberWord { low: a.low, high: Some(b.low), exp: 0 }, b_last)
    } else {
        let (a, a_last) = number_at(w, i)?;
        if w.is(a_last + 1, "to") {
            match number_at(w, a_last + 2) {
                Some((b, b_last))
                    if percent_marker(w, b_last + 1).is_some() && b.high.is_none() && a.high.is_none() =>
                {
                    (i, NumberWord { low: a.low, high: Some(b.low), exp: 0 }, b_last)
                }
                _ => (i, a, a_last),
            }
        } else {
            (i, a, a_last)
        }
    };
    if n.exp != 0 {
        return None;
    }
    let (unit, marker_last) = percent_marker(w, last + 1)?;
    Some(Match { first, last: marker_last, kind: AmountKind::Percent, value: n.low, value_high: n.high, unit })
}

/// `%`, `percent`, `per cent`, `pct`, `percentage point(s)`: the unit and the last token of the marker.
fn percent_marker(w: &Words, i: usize) -> Option<(&'static str, usize)> {
    if w.is(i, "percentage") && (w.is(i + 1, "point") || w.is(i + 1, "points")) {
        return Some(("pp", i + 1));
    }
    if w.is(i, "per") && w.is(i + 1, "cent") {
        return Some(("%", i + 1));
    }
    if w.is(i, "%") || w.is(i, "percent") || w.is(i, "pct") {
        return Some(("%", i));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

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
        assert_eq!(one("raised US$5 million"), ("US$5 million".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("paid 5 million dollars"), ("5 million dollars".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("a fee of USD 5m"), ("USD 5m".into(), "5000000".into(), None, "USD"));
        assert_eq!(one("only 20 cents"), ("20 cents".into(), "0.2".into(), None, "USD"));
        assert_eq!(one("a loss of -$5m"), ("-$5m".into(), "-5000000".into(), None, "USD"));
        assert_eq!(one("between $5-10m"), ("$5-10m".into(), "5000000".into(), Some("10000000".into()), "USD"));
    }

    #[test]
    fn percentages() {
        assert_eq!(one("surged by 300%,"), ("300%".into(), "300".into(), None, "%"));
        assert_eq!(one("a surge of 300 percent over"), ("300 percent".into(), "300".into(), None, "%"));
        assert_eq!(one("up 2.5 per cent"), ("2.5 per cent".into(), "2.5".into(), None, "%"));
        assert_eq!(one("rose 3-4% a year"), ("3-4%".into(), "3".into(), Some("4".into()), "%"));
        assert_eq!(one("rose 10 to 15% a year"), ("10 to 15%".into(), "10".into(), Some("15".into()), "%"));
        assert_eq!(one("between 50 and 60%"), ("between 50 and 60%".into(), "50".into(), Some("60".into()), "%"));
        assert_eq!(one("cut by 0.25 percentage points"), ("0.25 percentage points".into(), "0.25".into(), None, "pp"));
        let two = amounts("from 8%-10% now");
        assert_eq!(two.len(), 2);
        assert_eq!((two[0].2.as_str(), two[1].2.as_str()), ("8", "10"));
    }

    #[test]
    fn not_amounts() {
        for text in [
            "since 2015",
            "the past 12 months",
            "won 6-4 in the final",
            "1,2 and 3",
            "414 Articles",
            "Takes 2 mins.",
            "a 5 m race",
            "0 0 vote",
        ] {
            assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
        }
    }

    #[test]
    fn exact_decimal_scaling() {
        assert_eq!(scale(Decimal::from_str("1.1").unwrap(), 9).unwrap().to_string(), "1100000000");
        assert_eq!(scale(Decimal::from_str("50").unwrap(), -2).unwrap().to_string(), "0.5");
        assert!(parse_decimal(".5").is_some());
        assert!(parse_decimal("1,00").is_none());
        assert!(parse_number_word("12abc").is_none());
    }
}
