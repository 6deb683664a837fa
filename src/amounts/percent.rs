//! Percentages and percentage points: a number followed by a percent marker (`5%`, `2.5 per cent`, `4pc`), its
//! ranges (`3-4%`, `10 to 15%`, `between 50 and 60%`), and changes of a rate (`0.25 percentage points`, `25 basis
//! points`, "rates rose half a point").

use rust_decimal::Decimal;

use super::lexicon::{BASIS_POINT_SIGNS, BETWEEN, PERCENT_SIGNS, RATE_WORDS};
use super::money::{is_minus_sign, negate};
use super::numbers::{quantity_at, scale, scale_high, Suffix};
use super::{AmountKind, Match, Words};

/// The percentage that starts at token `i`, if any.
pub(super) fn percent_at(w: &Words, i: usize) -> Option<Match> {
    if w.get(i).is_some_and(|word| is_minus_sign(w, i, word)) {
        return minus_percent(w, i);
    }
    if w.is(i, BETWEEN) {
        return between_at(w, i);
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

/// `-3.5%`: the percentage after a minus sign, negated, sign included, as money's `-$5m` is. Not a range.
fn minus_percent(w: &Words, i: usize) -> Option<Match> {
    let m = percent_at(w, i + 1)?;
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
