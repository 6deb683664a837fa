//! Money: a currency marker next to a number, as one small rule per way of writing it.
//!
//! [`money_at`] tries the rules in a fixed order. The rules that start with a marker (a bracket or minus sign, a
//! prefixed dollar, a symbol, an abbreviation, an ISO code) come first, each with a guard: once a guard has claimed
//! the token, that rule's answer stands, amount or none, and no later rule is tried. Then the rules that start
//! with the number and look for the marker after it. The order is part of the behaviour: `SGD` is both a dollar
//! prefix and a code, `A` a prefix and an article, and the first rule to claim a token decides how it is read.

use rust_decimal::Decimal;

use super::lexicon::{
    iso_code, lookup, Certainty, ABBREVIATIONS, CODES, DOLLAR_PREFIXES, MINOR_UNIT_WORDS, NO_MINOR_UNITS, SYMBOLS,
    WORDS,
};
use super::numbers::{digits_at, digits_value, parse_number_part, quantity_at, scale, scale_high, Quantity, Suffix};
use super::{AmountKind, Match, Words};

/// The money amount that starts at token `i`, if any.
pub(super) fn money_at(w: &Words, i: usize) -> Option<Match> {
    let word = w.get(i)?;
    // The marker comes first.
    if opens_bracket_negative(w, i, word) {
        return bracket_negative(w, i);
    }
    if is_minus_sign(w, i, word) {
        return minus_sign(w, i);
    }
    if let Some(code) = lookup(DOLLAR_PREFIXES, word).filter(|_| w.touching(i) && w.get(i + 1) == Some("$")) {
        return prefixed_dollar(w, i, code);
    }
    if let Some(code) = lookup(SYMBOLS, word) {
        return symbol_before(w, i, word, code);
    }
    if let Some(code) = lookup(ABBREVIATIONS, word) {
        return abbreviation_before(w, i, code);
    }
    if let Some(code) = iso_code(word) {
        return code_before(w, i, code);
    }
    if let Some((code, n, exp)) = code_glued(word) {
        return code_glued_money(i, code, n, exp);
    }
    // The number comes first: 5m USD, 5 million dollars, 20 cents, two billion Australian dollars, 50p.
    let q = range_to_marker(w, quantity_at(w, i)?)?;
    match q.suffix {
        Suffix::Pence => return pence_suffix(i, &q),
        Suffix::None => {}
        _ => return None, // 5pc: a percentage
    }
    if let Some(code) = code_after(w, &q) {
        return money(i, &q, q.last + 1, code, 0);
    }
    if let Some((code, last)) = sign_after(w, &q) {
        return money(i, &q, last, code, 0);
    }
    let (code, unit_exp, last) = currency_word_at(w, q.last + 1, &q)?;
    let m = money(i, &q, last, code, unit_exp)?;
    minor_units(w, m, &q, unit_exp)
}

/// The match for quantity `q` starting at token `first`, ending at `last`, in `unit` scaled by `10^unit_exp`
/// (cents: -2). Dot-grouped digits (`31.500`) are thousands for the currencies without minor units.
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

/// `m` with its sign flipped and its span widened to `first..=last` (the sign or brackets included).
pub(super) fn negate(m: Match, first: usize, last: usize) -> Match {
    Match { first, last, value: -m.value, value_high: m.value_high.map(|h| -h), ..m }
}

/// True if `(` at `i` opens an accounting negative: touching what follows, and not after a word or number.
///
/// In tables ("Net loss: ($99.99)") brackets mark a negative. After a word or number it is prose, where brackets
/// hold a conversion ("20bn baht ($510m)"), so the amount inside stays positive.
fn opens_bracket_negative(w: &Words, i: usize, word: &str) -> bool {
    let after_word = i > 0 && w.word(i - 1).starts_with(char::is_alphanumeric);
    word == "(" && w.touching(i) && !after_word
}

/// `($99.99)`: an amount closed by a touching `)`, negated, brackets included. Not a range: `($5-10m)` is none.
fn bracket_negative(w: &Words, i: usize) -> Option<Match> {
    let m = money_at(w, i + 1)?;
    if m.first == i + 1 && w.get(m.last + 1) == Some(")") && w.touching(m.last) && m.value_high.is_none() {
        let last = m.last + 1;
        return Some(negate(m, i, last));
    }
    None
}

/// True if `-` or `−` at `i` is a minus sign: written against what follows, and not a dash touching the word or
/// number before it ("$24-$26", "sub-$100").
pub(super) fn is_minus_sign(w: &Words, i: usize, word: &str) -> bool {
    matches!(word, "-" | "\u{2212}") && w.touching(i) && (i == 0 || !w.touching(i - 1))
}

/// `-$5m`: the amount after a minus sign, negated, sign included. Not a range.
fn minus_sign(w: &Words, i: usize) -> Option<Match> {
    let m = money_at(w, i + 1)?;
    if m.first == i + 1 && m.value_high.is_none() {
        let last = m.last;
        return Some(negate(m, i, last));
    }
    None
}

/// `US$5m`, `HK$ 10`: a dollar named by the letters glued before `$` (the guard in [`money_at`] checks the `$`),
/// then digits.
fn prefixed_dollar(w: &Words, i: usize, code: &'static str) -> Option<Match> {
    let q = digits_at(w, i + 2)?;
    money(i, &q, q.last, code, 0)
}

/// `$5m`, `£600m`, `€2 billion`: a symbol, then digits with an optional multiplier. A letter suffix that is not a
/// multiplier (`$50p`) makes it none. `$1,190.00 AUD`: a dollar code after the number names the dollar.
fn symbol_before(w: &Words, i: usize, word: &str, code: &'static str) -> Option<Match> {
    let q = digits_at(w, i + 1)?;
    if q.suffix != Suffix::None {
        return None;
    }
    if word == "$" {
        if let Some(named) = CODES.iter().find(|c| **c == w.word(q.last + 1) && c.ends_with('D')) {
            return money(i, &q, q.last + 1, named, 0);
        }
    }
    money(i, &q, q.last, code, 0)
}

/// `Rs 20`, `Rs. 20`, `Kč 100`: an abbreviation (with an optional touching period), then digits.
fn abbreviation_before(w: &Words, i: usize, code: &'static str) -> Option<Match> {
    let k = if w.get(i + 1) == Some(".") && w.touching(i) { i + 2 } else { i + 1 };
    let q = digits_at(w, k)?;
    money(i, &q, q.last, code, 0)
}

/// `USD 5m`, and `NZD $100.70`, where the code names the dollar and the symbol is skipped: a code, then digits.
fn code_before(w: &Words, i: usize, code: &'static str) -> Option<Match> {
    let k = if lookup(SYMBOLS, w.word(i + 1)).is_some() { i + 2 } else { i + 1 };
    let q = digits_at(w, k)?;
    money(i, &q, q.last, code, 0)
}

/// `USD5m`, `EUR5`: a code and a number written as one word; the code, the number and the multiplier's power of
/// ten. Other suffixes (`USD5p`) leave the word to the later rules.
fn code_glued(word: &str) -> Option<(&'static str, Decimal, i32)> {
    if word.len() <= 3 || !word.is_char_boundary(3) {
        return None;
    }
    let code = iso_code(&word[..3])?;
    match parse_number_part(&word[3..])? {
        (n, Suffix::None) => Some((code, n, 0)),
        (n, Suffix::Multiplier(e)) => Some((code, n, e as i32)),
        _ => None,
    }
}

/// The amount of a word [`code_glued`] split: the number scaled by its multiplier, in the code's currency.
fn code_glued_money(i: usize, code: &'static str, n: Decimal, exp: i32) -> Option<Match> {
    let q = Quantity::single(scale(n, exp)?, i, true, exp > 0);
    money(i, &q, i, code, 0)
}

/// `26 to 50 €`, `10 to 15 million dollars`, `5 - 10 $`: `q` widened to a range when "to" or a dash, a second
/// number written the same way (digits or words) and a currency marker follow; a multiplier written once, on the
/// high end, applies to both. `q` unchanged when there is no such range; `None` (no amount at all) when the low end
/// cannot be scaled to the high end's multiplier.
fn range_to_marker(w: &Words, q: Quantity) -> Option<Quantity> {
    if q.high.is_some() || q.suffix != Suffix::None || !(w.is(q.last + 1, "to") || w.is_dash(q.last + 1)) {
        return Some(q);
    }
    let Some(b) = quantity_at(w, q.last + 2) else { return Some(q) };
    if b.high.is_some() || b.suffix != Suffix::None || b.digits != q.digits {
        return Some(q);
    }
    let low = if b.multiplied && !q.multiplied {
        let factor = b.low / digits_value(w, q.last + 2, &b)?;
        q.low.checked_mul(factor)?.normalize()
    } else {
        q.low
    };
    if b.low > low && trailing_marker(w, b.last + 1, &b) {
        return Some(Quantity { low, high: Some(b.low), last: b.last, multiplied: b.multiplied, ..q });
    }
    Some(q)
}

/// True if a currency code, symbol, abbreviation or word follows at `i`.
fn trailing_marker(w: &Words, i: usize, q: &Quantity) -> bool {
    let next = w.word(i);
    CODES.contains(&next)
        || lookup(SYMBOLS, next).is_some()
        || lookup(ABBREVIATIONS, next).is_some()
        || currency_word_at(w, i, q).is_some()
}

/// `50p`: the `p` suffix is pence, hundredths of a pound.
fn pence_suffix(i: usize, q: &Quantity) -> Option<Match> {
    money(i, q, q.last, "GBP", -2)
}

/// `5m USD`: the ISO code right after the quantity.
fn code_after(w: &Words, q: &Quantity) -> Option<&'static str> {
    w.get(q.last + 1).and_then(iso_code)
}

/// `20€`, `10 $`, `171900 руб.`: a symbol or abbreviation after a number written with digits (an abbreviation
/// with its touching period); the code and the last token. Not when the symbol starts the next amount instead:
/// in `5 $10` the `$` belongs to the 10.
fn sign_after(w: &Words, q: &Quantity) -> Option<(&'static str, usize)> {
    if !q.digits {
        return None;
    }
    let next = w.word(q.last + 1);
    let code = lookup(SYMBOLS, next).or_else(|| lookup(ABBREVIATIONS, next))?;
    if digits_at(w, q.last + 2).is_none() || w.touching(q.last) || !w.touching(q.last + 1) {
        let mut last = q.last + 1;
        if w.get(last + 1) == Some(".") && w.touching(last) && lookup(ABBREVIATIONS, next).is_some() {
            last += 1;
        }
        return Some((code, last));
    }
    None
}

/// The currency word (with its country word) at token `i`, after quantity `q`: (code, unit power of ten, last
/// token). The longest match wins ("Australian dollars" over "dollars"); an ambiguous word ("won", "pounds") counts
/// only where its [`Certainty`] allows; "pounds sterling" is one marker.
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
    match best {
        Some((code, e, last)) if code == "GBP" && w.is(last + 1, "sterling") => Some((code, e, last + 1)),
        _ => best,
    }
}

/// "2 dollars and 23 cents", "20 rupees 43 paise": a whole number of minor units (under 100) after a major unit
/// (`unit_exp` 0, not a range) is added to it, and the span grows to the minor-unit word. `m` unchanged when none
/// follows; `None` (no amount at all) if the sum overflows.
fn minor_units(w: &Words, mut m: Match, q: &Quantity, unit_exp: i32) -> Option<Match> {
    if unit_exp != 0 || q.high.is_some() {
        return Some(m);
    }
    let k = if w.is(m.last + 1, "and") { m.last + 2 } else { m.last + 1 };
    if let Some(minor) = quantity_at(w, k) {
        let minor_word = MINOR_UNIT_WORDS.iter().any(|c| w.is(minor.last + 1, c));
        if minor_word && minor.high.is_none() && minor.low < Decimal::ONE_HUNDRED && minor.low.fract().is_zero() {
            m.value = m.value.checked_add(scale(minor.low, -2)?)?;
            m.last = minor.last + 1;
        }
    }
    Some(m)
}
