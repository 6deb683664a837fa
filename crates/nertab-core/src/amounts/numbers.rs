//! Numbers, before any currency or percent marker: digits (thousands separators, decimals, compressed ranges,
//! letter suffixes), numbers grouped by spaces, spelled-out numbers, and multipliers, read into a [`Quantity`].
//!
//! All arithmetic is on exact decimals and checked: an overflow makes the reading fail (`None`) instead of
//! panicking or rounding.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::lexicon::{fraction, multiplier, number_word, ARTICLES, HALF, POINT};
use super::Words;

/// Parses a plain decimal with optional, correctly grouped thousands separators (`1,000.5`, `.5`), also in the
/// South Asian grouping (`98,76,543.21`, `1,00,000`: the last group of three, the others of two). Any size an
/// exact decimal holds (up to 79228162514264337593543950335): `100000000000000000000` is read, a longer number is not.
pub(super) fn parse_decimal(s: &str) -> Option<Decimal> {
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
        let groups: Vec<&str> = int.split(',').collect();
        let (first, rest) = groups.split_first()?;
        let western = (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3);
        let south_asian = (1..=2).contains(&first.len())
            && rest.len() >= 2
            && rest.split_last().is_some_and(|(last, mid)| last.len() == 3 && mid.iter().all(|g| g.len() == 2));
        if !western && !south_asian {
            return None;
        }
    }
    let digits: String = int.chars().filter(|&c| c != ',').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 29 {
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
pub(super) fn scale(n: Decimal, exp: i32) -> Option<Decimal> {
    let factor = Decimal::from_i128_with_scale(10i128.checked_pow(exp.unsigned_abs())?, 0);
    let v = if exp >= 0 { n.checked_mul(factor)? } else { n.checked_div(factor)? };
    Some(v.normalize())
}

/// Scales the high end of a range if there is one; `None` on overflow, `Some(None)` without a high end.
pub(super) fn scale_high(high: Option<Decimal>, exp: i32) -> Option<Option<Decimal>> {
    match high {
        Some(h) => Some(Some(scale(h, exp)?)),
        None => Some(None),
    }
}

/// What a letter suffix on a number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Suffix {
    None,
    /// `5m`, `2bn`: the power of ten.
    Multiplier(u32),
    /// `50p`: pence.
    Pence,
    /// `27c`: cents (lower case only: `35C` is a temperature; money only beside a dollar, see `money_at`).
    Cents,
    /// `5pc`, `5pct`: percent.
    Percent,
}

/// One side of a number word: `2,000.5`, `2bn`, `50p`.
pub(super) fn parse_number_part(part: &str) -> Option<(Decimal, Suffix)> {
    let body_end = part.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    let (body, suffix) = part.split_at(body_end);
    let suffix = match suffix.to_ascii_lowercase().as_str() {
        "" => Suffix::None,
        "c" if suffix == "c" => Suffix::Cents,
        "p" => Suffix::Pence,
        "pc" | "pct" => Suffix::Percent,
        s => Suffix::Multiplier(multiplier(s)?),
    };
    Some((parse_decimal(body)?, suffix))
}

/// A number read from one or more words, multipliers applied, before any currency or percent marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Quantity {
    pub(super) low: Decimal,
    pub(super) high: Option<Decimal>,
    /// Last token of the quantity.
    pub(super) last: usize,
    /// Written with digits (not spelled out).
    pub(super) digits: bool,
    /// A multiplier (suffix, word or spelled scale) was applied.
    pub(super) multiplied: bool,
    /// A `p` or `pc` suffix.
    pub(super) suffix: Suffix,
    /// The value if the periods are thousands separators (`31.500`), for currencies without minor units.
    pub(super) dot_thousands: Option<Decimal>,
}

impl Quantity {
    /// A single number without range, letter suffix or dot-grouped reading.
    pub(super) fn single(low: Decimal, last: usize, digits: bool, multiplied: bool) -> Quantity {
        Quantity { low, high: None, last, digits, multiplied, suffix: Suffix::None, dot_thousands: None }
    }
}

/// A number at `i`, written with digits or spelled out, or a fraction in words ("a quarter of a"), with a trailing
/// "and a half" ("two and a half per cent", "1 and a quarter million").
pub(super) fn quantity_at(w: &Words, i: usize) -> Option<Quantity> {
    let word = w.get(i)?;
    let q = if word.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        digits_at(w, i)?
    } else if word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        fraction_at(w, i).or_else(|| spelled_at(w, i))?
    } else {
        return None;
    };
    and_a_fraction(w, q)
}

/// `q` plus a fraction written after it with "and": "two and a half", "1 and a quarter", then an optional scale word
/// ("two and a half million"). Without it, "one and a half per cent" would leave "half per cent" (0.5) to be read
/// on its own. `q` unchanged when no fraction follows; `None` on overflow.
fn and_a_fraction(w: &Words, q: Quantity) -> Option<Quantity> {
    if q.high.is_some() || q.multiplied || q.suffix != Suffix::None || !w.is(q.last + 1, "and") {
        return Some(q);
    }
    if !is_article(w, q.last + 2) {
        return Some(q);
    }
    let k = q.last + 3;
    let part = if w.is(k, HALF) {
        Decimal::new(5, 1)
    } else if let Some(h) = fraction(w.word(k)).filter(|_| !w.word(k).ends_with('s')) {
        Decimal::new(i64::from(h), 2)
    } else {
        return Some(q);
    };
    let mut value = q.low.checked_add(part)?;
    let mut last = k;
    let mut multiplied = false;
    if let Some((v, true)) = number_word(w.word(k + 1)) {
        value = value.checked_mul(Decimal::from(v))?;
        last = k + 1;
        multiplied = true;
    }
    Some(Quantity { low: value.normalize(), last, multiplied, dot_thousands: None, ..q })
}

/// A fraction in words at `i`, up to the words before its unit: "a quarter of a" (0.25, before "per cent"), "three
/// quarters of a" (0.75), "a tenth of a", "a quarter" (before "point"), "a quarter of a million" (250000). The
/// numerator is an article, a number word from one to nine (plural fraction then: "three quarters") or a hyphen
/// compound ("three-quarters"). Without "of a", only one (article or no numerator) may stand before a point: in
/// "three quarter-point rises" the three counts rises.
fn fraction_at(w: &Words, i: usize) -> Option<Quantity> {
    let word = w.get(i)?;
    let (numerator, frac_word, k, counted) = match word.split_once('-') {
        Some((n, f)) => (number_word(n).filter(|&(v, s)| !s && (2..10).contains(&v))?.0, f, i, true),
        None if is_article(w, i) => (1, w.word(i + 1), i + 1, false),
        None => match number_word(word) {
            Some((v, false)) if (1..10).contains(&v) => (v, w.word(i + 1), i + 1, v > 1),
            _ => (1, word, i, false),
        },
    };
    // "a half point", "a half of a per cent": "half" is a fraction after an article (alone it is `half_at`'s).
    let hundredths = match fraction(frac_word) {
        Some(h) => h,
        None if k == i + 1 && is_article(w, i) && frac_word.eq_ignore_ascii_case(HALF) => 50,
        None => return None,
    };
    // "three quarters", "a quarter": plural for more than one, singular for one.
    if frac_word.ends_with(['s', 'S']) != (numerator > 1) {
        return None;
    }
    let value = Decimal::new(i64::from(hundredths), 2).checked_mul(Decimal::from(numerator))?.normalize();
    // "a quarter billion euros", "three quarters million": the fraction of a scale word right after it.
    if let Some((v, true)) = number_word(w.word(k + 1)).filter(|&(v, _)| v >= 1_000) {
        let low = value.checked_mul(Decimal::from(v))?.normalize();
        return Some(Quantity::single(low, k + 1, false, true));
    }
    if w.is(k + 1, "of") && is_article(w, k + 2) {
        if let Some((v, true)) = number_word(w.word(k + 3)) {
            let low = value.checked_mul(Decimal::from(v))?.normalize();
            return Some(Quantity::single(low, k + 3, false, true));
        }
        return Some(Quantity::single(value, k + 2, false, false));
    }
    // Without "of a", only a point may follow ("a quarter point", "quarter percentage point rises"): "the fourth
    // quarter to 5.6%" is a period of the year.
    let point_follows = [super::lexicon::POINT, "points", "percentage"].iter().any(|p| w.is(k + 1, p));
    if counted || !point_follows {
        return None;
    }
    Some(Quantity::single(value, k, false, false))
}

/// A number written with digits at `i`: `5`, `2,000.5`, `5-10m`, `5m-10m`, `50p`, `5 - 10` (touching dashes),
/// then an optional multiplier word (`million`, `bn`).
pub(super) fn digits_at(w: &Words, i: usize) -> Option<Quantity> {
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
        q.dot_thousands = dot_thousands(low_part);
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
            q.dot_thousands = None; // "5.775 trillion rupiah" is 5.775 trillion, whatever the currency
            last += 1;
            // "10 thousand million pounds": thousands of a larger multiplier (the British billion).
            if e == 3 {
                if let Some(e2) = w.get(last + 1).filter(|m| m.len() > 1).and_then(multiplier).filter(|&e2| e2 > 3) {
                    q.low = scale(q.low, e2 as i32)?;
                    q.high = scale_high(q.high, e2 as i32)?;
                    last += 1;
                }
            }
        }
    }
    q.last = last;
    Some(q)
}

/// The value of `31.500` or `1.250.000` read with periods as thousands separators (groups of three digits after a
/// head of one to three), for the currencies that have no minor units; `None` for any other shape.
fn dot_thousands(part: &str) -> Option<Decimal> {
    let mut groups = part.split('.');
    let head = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    let digit_group = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
    if !rest.is_empty() && (1..=3).any(|n| digit_group(head, n)) && rest.iter().all(|g| digit_group(g, 3)) {
        Decimal::from_str(&part.replace('.', "")).ok()
    } else {
        None
    }
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

/// True if token `i` is "a" or "an" (any case).
fn is_article(w: &Words, i: usize) -> bool {
    ARTICLES.iter().any(|a| w.is(i, a))
}

/// A spelled-out number at `i`: "two billion", "twenty-five", "one hundred and fifty thousand", "a million",
/// "half a million", "half a" (before "per cent").
fn spelled_at(w: &Words, i: usize) -> Option<Quantity> {
    if w.is(i, HALF) {
        return half_at(w, i);
    }
    let mut total = Decimal::ZERO;
    let mut group = Decimal::ZERO;
    let mut any = false;
    let mut multiplied = false;
    let mut j = i;
    loop {
        let word = w.word(j);
        if is_article(w, j) && !any {
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
    let mut value = total.checked_add(group)?;
    let mut last = j - 1;
    if let Some((decimal, decimal_last)) = spelled_decimals(w, j, value) {
        value = decimal;
        last = decimal_last;
        // "two point five billion": a scale word after the decimals multiplies the whole number.
        if let Some((v, true)) = number_word(w.word(last + 1)) {
            value = value.checked_mul(Decimal::from(v))?.normalize();
            last += 1;
            multiplied = true;
        }
    }
    Some(Quantity::single(value, last, false, multiplied))
}

/// "point five", "point two five" at `j` after the whole number `whole`: one digit word (zero to nine) per decimal
/// place. The value and the last token; `None` when `j` is not "point" followed by a digit word. Without this rule
/// "two point five per cent" would be read as "five per cent".
fn spelled_decimals(w: &Words, j: usize, whole: Decimal) -> Option<(Decimal, usize)> {
    if !w.is(j, POINT) {
        return None;
    }
    let mut digits = String::new();
    let mut k = j + 1;
    while let Some((v, false)) = number_word(w.word(k)).filter(|_| !w.word(k).contains('-')) {
        if v > 9 || digits.len() >= 12 {
            break;
        }
        digits.push(char::from(b'0' + v as u8));
        k += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let frac = Decimal::from_str(&format!("0.{digits}")).ok()?;
    Some((whole.checked_add(frac)?.normalize(), k - 1))
}

/// "half" at `i`: "half" and "half a" are 0.5 (before "per cent", "point"), "half a million" 500000.
fn half_at(w: &Words, i: usize) -> Option<Quantity> {
    let mut k = i + 1;
    if is_article(w, k) {
        k += 1;
    }
    let mut value = Decimal::new(5, 1);
    let mut last = k - 1;
    let mut multiplied = false;
    if let Some((v, true)) = number_word(w.word(k)) {
        value = value.checked_mul(Decimal::from(v))?;
        last = k;
        multiplied = true;
    }
    Some(Quantity::single(value, last, false, multiplied))
}

/// The number as written before any multiplier word (`15` in "15 million").
pub(super) fn digits_value(w: &Words, i: usize, q: &Quantity) -> Option<Decimal> {
    if !q.multiplied {
        return Some(q.low);
    }
    let (v, suffix) = parse_number_part(w.get(i)?)?;
    match suffix {
        Suffix::None if !v.is_zero() => Some(v),
        _ => None,
    }
}
