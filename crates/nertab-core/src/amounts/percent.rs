//! Percentages and percentage points: a number followed by a percent marker (`5%`, `2.5 per cent`, `4pc`), its
//! ranges (`3-4%`, `10 to 15%`, `between 50 and 60%`), and changes of a rate (`0.25 percentage points`, `25 basis
//! points`, "rates rose half a point").

use rust_decimal::Decimal;

use super::lexicon::{fraction, ARTICLES, BASIS_POINT_SIGNS, BETWEEN, HALF, MINUS, PERCENT_SIGNS, POINT, RATE_WORDS};
use super::money::{is_minus_sign, negate};
use super::numbers::{digits_at, quantity_at, scale, scale_high, Quantity, Suffix};
use super::{AmountKind, Match, Words};

/// The percentage that starts at token `i`, if any. None inside a URL or URL-encoded text (`a%20b?q=30%25`).
pub(super) fn percent_at(w: &Words, i: usize) -> Option<Match> {
    percent_in_prose(w, i).filter(|m| !url_encoded(w, m.first, m.last))
}

/// True if the text around tokens `first..=last`, up to the spaces on either side, is a URL or URL-encoded: it
/// holds `://` or `www.`, or a `%` followed by two hex digits (`%20`, `%2F`, `%25`).
fn url_encoded(w: &Words, first: usize, last: usize) -> bool {
    let (Some(a), Some(b)) = (w.doc.tokens.get(first), w.doc.tokens.get(last)) else { return false };
    let text = w.text.as_bytes();
    let start = text[..a.byte_start].iter().rposition(u8::is_ascii_whitespace).map_or(0, |p| p + 1);
    let end = text[b.byte_end..].iter().position(u8::is_ascii_whitespace).map_or(text.len(), |p| b.byte_end + p);
    let chunk = &text[start..end];
    chunk.windows(3).any(|x| x == b"://")
        || chunk.windows(4).any(|x| x.eq_ignore_ascii_case(b"www."))
        || chunk.windows(3).any(|x| x[0] == b'%' && x[1].is_ascii_hexdigit() && x[2].is_ascii_hexdigit())
}

/// The percentage that starts at token `i`, wherever it is written.
fn percent_in_prose(w: &Words, i: usize) -> Option<Match> {
    if w.get(i).is_some_and(|word| is_minus_sign(w, i, word)) || w.is(i, MINUS) {
        return minus_percent(w, i);
    }
    if w.is(i, BETWEEN) {
        return between_at(w, i);
    }
    if w.get(i) == Some("%") {
        return sign_before(w, i);
    }
    if let Some(m) = fraction_point(w, i) {
        return Some(m);
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
    let (unit, div, marker_last) =
        percent_marker(w, a.last + 1).or_else(|| of_a_marker(w, &a)).or_else(|| fraction_of_a_point(w, &a))?;
    percent(i, marker_last, a.low, a.high, unit, div)
}

/// `%4.9`, `% 8`: the percent sign before a number (Turkish style and some tables), when no number stands right
/// before the sign (that one is `8 %`).
fn sign_before(w: &Words, i: usize) -> Option<Match> {
    if i > 0 && w.touching(i - 1) && w.word(i - 1).starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let q = digits_at(w, i + 1)?;
    if q.suffix != Suffix::None || q.multiplied {
        return None;
    }
    percent(i, q.last, q.low, q.high, "%", 0)
}

/// "0.25 of a per cent", "0.1 of a percentage point": a number under one, "of a", then the marker.
fn of_a_marker(w: &Words, a: &Quantity) -> Option<(&'static str, i32, usize)> {
    let of_a = w.is(a.last + 1, "of") && ARTICLES.iter().any(|x| w.is(a.last + 2, x));
    if !of_a || a.high.is_some() || a.low >= Decimal::ONE || !a.digits {
        return None;
    }
    percent_marker(w, a.last + 3)
}

/// "half a point rise in interest rates": a fraction of a point is a rate change when a rate word is anywhere in
/// the sentence (whole points need one in the ten words before, see [`percent_marker`]: "fell 50 points as rates
/// rose" is an index).
fn fraction_of_a_point(w: &Words, a: &Quantity) -> Option<(&'static str, i32, usize)> {
    let k = a.last + 1;
    let point = w.is(k, POINT) || w.is(k, "points");
    (point && a.high.is_none() && a.low < Decimal::ONE && rate_in_sentence(w, k)).then_some(("pp", 0, k))
}

/// "quarter-point", "half-point" (one hyphenated word, optionally after "a"): a fraction of a point, which is a
/// change of a rate (percentage points) in a sentence that names one ("cut a key interest rate by a quarter-point").
fn fraction_point(w: &Words, i: usize) -> Option<Match> {
    let last = if ARTICLES.iter().any(|a| w.is(i, a)) { i + 1 } else { i };
    let word = w.word(last);
    let (head, tail) = word.split_once('-')?;
    if !tail.eq_ignore_ascii_case(POINT) {
        return None;
    }
    let hundredths =
        if head.eq_ignore_ascii_case(HALF) { 50 } else { fraction(head).filter(|_| !head.ends_with(['s', 'S']))? };
    if !rate_in_sentence(w, last) {
        return None;
    }
    percent(i, last, Decimal::new(i64::from(hundredths), 2), None, "pp", 0)
}

/// True if a rate word is in the sentence of token `t`, before or after it: fractions of a point are rate changes
/// only there (index points are not amounts).
fn rate_in_sentence(w: &Words, t: usize) -> bool {
    let s = w.doc.sentence_of(t);
    let Some(sentence) = w.doc.sentences.get(s) else { return false };
    sentence.tokens.clone().any(|k| RATE_WORDS.iter().any(|r| w.is(k, r)))
}

/// `-3.5%`, "minus three per cent": the percentage after a minus sign or word, negated, sign included, as money's
/// `-$5m` is. Not a range.
fn minus_percent(w: &Words, i: usize) -> Option<Match> {
    let m = percent_in_prose(w, i + 1)?;
    if m.first == i + 1 && m.value_high.is_none() {
        let last = m.last;
        return Some(negate(m, i, last));
    }
    None
}

/// "between 50 and 60%": one range, "between" included, when two plain numbers in rising order are joined by "and"
/// and the marker follows the second.
fn between_at(w: &Words, i: usize) -> Option<Match> {
    let a = quantity_at(w, i + 1)?;
    if a.high.is_none() && a.suffix == Suffix::None {
        // "between 5% and 6%": two complete percentages with one unit are one range too.
        if let Some((unit, div, first_last)) = percent_marker(w, a.last + 1) {
            let second = percent_at(w, first_last + 2).filter(|_| w.is(first_last + 1, "and"))?;
            let low = scale(a.low, -div)?;
            if second.first == first_last + 2
                && second.unit == unit
                && second.value_high.is_none()
                && second.value > low
            {
                return percent(i, second.last, low, Some(second.value), unit, 0);
            }
            return None;
        }
    }
    if !w.is(a.last + 1, "and") || a.high.is_some() || a.suffix != Suffix::None {
        return None;
    }
    let b = quantity_at(w, a.last + 2)?;
    let (unit, value_div, marker_last) = percent_marker(w, b.last + 1)?;
    if b.high.is_some() || b.suffix != Suffix::None || b.low <= a.low {
        return None;
    }
    percent(i, marker_last, a.low, Some(b.low), unit, value_div)
}

/// The match for a percentage over tokens `first..=last`, its number(s) divided by `10^div` (basis points: 2).
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
        trim: 0,
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
    if BASIS_POINT_SIGNS.iter().any(|s| w.is(i, s)) {
        return Some(("pp", 2, i));
    }
    if w.is(i, "per") && w.is(i + 1, "cent") {
        return Some(("%", 0, i + 1));
    }
    if w.is(i, "%") && points(i + 1) {
        return Some(("pp", 0, i + 1));
    }
    if PERCENT_SIGNS.iter().any(|s| w.is(i, s)) {
        return Some(("%", 0, i));
    }
    // "rates rose half a point": points of a rate are percentage points; index points are not amounts.
    if points(i) && (i.saturating_sub(10)..i).any(|k| RATE_WORDS.iter().any(|r| w.is(k, r))) {
        return Some(("pp", 0, i));
    }
    None
}
