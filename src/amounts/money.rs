//! Money: a currency marker next to a number, as one small rule per way of writing it.
//!
//! [`money_at`] tries the rules in a fixed order. The rules that start with a marker (a bracket or minus sign, a
//! prefixed dollar, a symbol, an abbreviation, an ISO code) come first, each with a guard: once a guard has claimed
//! the token, that rule's answer stands, amount or none, and no later rule is tried. Then the rules that start
//! with the number and look for the marker after it. The order is part of the behaviour: `SGD` is both a dollar
//! prefix and a code, `A` a prefix and an article, and the first rule to claim a token decides how it is read.

use rust_decimal::Decimal;

use super::lexicon::{
    iso_code, lookup, multiplier, number_word, Certainty, ABBREVIATIONS, BETWEEN, CODES, DOLLAR_AFTER,
    DOLLAR_COUNTRIES, DOLLAR_PREFIXES, MINOR_UNIT_WORDS, NO_MINOR_UNITS, SYMBOLS, WORDS,
};
use super::numbers::{digits_at, digits_value, parse_number_part, quantity_at, scale, scale_high, Quantity, Suffix};
use super::shared::shared_word_at;
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
    if word == "$" && w.touching(i) {
        if let Some(m) = dollar_named_after(w, i) {
            return Some(m);
        }
    }
    if let Some(code) = lookup(SYMBOLS, word) {
        return symbol_before(w, i, word, code);
    }
    if w.is(i, BETWEEN) {
        return between_symbols(w, i);
    }
    if let Some(code) = lookup(ABBREVIATIONS, word) {
        return abbreviation_before(w, i, code);
    }
    if let Some(code) = iso_code(word) {
        return code_before(w, i, code);
    }
    if let Some(code) = code_glued(word) {
        return code_glued_money(w, i, code, &word[3..]);
    }
    if word.contains('-') {
        if let Some(m) = compound_money(i, word) {
            return Some(m);
        }
    }
    // The number comes first: 5m USD, 5 million dollars, 20 cents, two billion Australian dollars, 50p.
    let q = range_to_marker(w, quantity_at(w, i)?)?;
    match q.suffix {
        Suffix::Pence => return pence_suffix(i, &q),
        Suffix::Cents if dollars_in_sentence(w, i) => return money(i, &q, q.last, "USD", -2),
        Suffix::Cents => return None,
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

/// True if the sentence of token `i` writes dollars (`$`, "dollars", "cents"): there `27c` is cents ("$303 million,
/// or 27c a share"); elsewhere a number with a `c` is a model name ("the Psion series 3c") or the like.
fn dollars_in_sentence(w: &Words, i: usize) -> bool {
    let s = w.doc.sentence_of(i);
    let Some(sentence) = w.doc.sentences.get(s) else { return false };
    sentence.tokens.clone().any(|k| {
        let word = w.word(k);
        word == "$" || w.is(k, "dollars") || w.is(k, "dollar") || w.is(k, "cents")
    })
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
    let q = symbol_range(w, i, q, "to", false).unwrap_or(q);
    if word == "$" {
        if let Some(named) = CODES.iter().find(|c| **c == w.word(q.last + 1) && c.ends_with('D')) {
            return money(i, &q, q.last + 1, named, 0);
        }
    }
    money(i, &q, q.last, code, 0)
}

/// `$400 to $500 million`, and with `joiner` "and" after "between", `$5,000 and $7,000`: `q` (after the symbol at
/// `i`) widened to a range over the same symbol's second amount. After "to" only when the multiplier is written
/// once, on the high end, and applies to both (so "$400" is never read as four hundred dollars): "from $5m to $10m"
/// is a change, two amounts. After "between" (`complete`) any two amounts in rising order make one range. `None`
/// when there is no such range.
fn symbol_range(w: &Words, i: usize, q: Quantity, joiner: &str, complete: bool) -> Option<Quantity> {
    if q.high.is_some() || !w.is(q.last + 1, joiner) || w.get(q.last + 2) != w.get(i) {
        return None;
    }
    let b = digits_at(w, q.last + 3)?;
    if b.high.is_some() || b.suffix != Suffix::None {
        return None;
    }
    let low = if b.multiplied && !q.multiplied {
        let factor = b.low.checked_div(digits_value(w, q.last + 3, &b)?)?;
        q.low.checked_mul(factor)?.normalize()
    } else if complete {
        q.low
    } else {
        return None;
    };
    if b.low <= low {
        return None;
    }
    Some(Quantity { low, high: Some(b.low), last: b.last, multiplied: b.multiplied, dot_thousands: None, ..q })
}

/// "between $5,000 and $7,000", "between $5 and $10 million": one range, "between" included (as in "between 50 and
/// 60%"), when the same symbol opens both amounts.
fn between_symbols(w: &Words, i: usize) -> Option<Match> {
    let symbol = w.get(i + 1)?;
    let code = lookup(SYMBOLS, symbol)?;
    let q = digits_at(w, i + 2).filter(|q| q.suffix == Suffix::None)?;
    let range = symbol_range(w, i + 1, q, "and", true)?;
    money(i, &range, range.last, code, 0)
}

/// `$US1,000`, `$A8,800`, `$AUD1.102 billion`, `$US 5m`: Australian style, the dollar named by letters written
/// right after `$` (see [`DOLLAR_AFTER`], or an ISO code of a dollar). `None` when the word after `$` is no such
/// name, so that the plain symbol rule reads it.
fn dollar_named_after(w: &Words, i: usize) -> Option<Match> {
    let next = w.get(i + 1)?;
    let letters = next.len() - next.trim_start_matches(|c: char| c.is_ascii_uppercase()).len();
    let (name, rest) = next.split_at(letters);
    let code = lookup(DOLLAR_AFTER, name).or_else(|| iso_code(name).filter(|c| c.ends_with('D')))?;
    let q = if rest.is_empty() { digits_at(w, i + 2)? } else { glued_quantity(w, i + 1, rest)? };
    if q.suffix != Suffix::None {
        return None;
    }
    money(i, &q, q.last, code, 0)
}

/// The number of a word whose head was a currency name (`US1,000` after `$`, `EUR5m`), with its multiplier suffix
/// or the multiplier word after it (`AUD1.102 billion`).
fn glued_quantity(w: &Words, i: usize, rest: &str) -> Option<Quantity> {
    let (n, exp) = match parse_number_part(rest)? {
        (n, Suffix::None) => (n, 0),
        (n, Suffix::Multiplier(e)) => (n, e as i32),
        _ => return None,
    };
    let mut q = Quantity::single(scale(n, exp)?, i, true, exp > 0);
    if exp == 0 {
        if let Some(e) = w.get(i + 1).filter(|m| m.len() > 1).and_then(multiplier) {
            q.low = scale(q.low, e as i32)?;
            q.last = i + 1;
            q.multiplied = true;
        }
    }
    Some(q)
}

/// `half-a-million-pounds`, `five-million-dollar`: a spelled amount written as one hyphenated word. Only with a
/// scale word, so that "a two-dollar coin" (a denomination) and "million-dollar" (no number) stay out.
fn compound_money(i: usize, word: &str) -> Option<Match> {
    let parts: Vec<&str> = word.split('-').collect();
    let (unit, number) = parts.split_last()?;
    let (mut value, mut rest) = match number {
        [half, article, tail @ ..] if half.eq_ignore_ascii_case("half") && matches!(*article, "a" | "an") => {
            (Decimal::new(5, 1), tail)
        }
        _ => (Decimal::ZERO, number),
    };
    let mut group = if value.is_zero() { Decimal::ZERO } else { value };
    value = Decimal::ZERO;
    let mut scaled = false;
    while let Some((first, tail)) = rest.split_first() {
        let (v, is_scale) = number_word(first)?;
        if is_scale {
            if group.is_zero() {
                return None; // "million-dollar": a scale needs a number before it
            }
            value = value.checked_add(group.checked_mul(Decimal::from(v))?)?;
            group = Decimal::ZERO;
            scaled = true;
        } else {
            group = group.checked_add(Decimal::from(v))?;
        }
        rest = tail;
    }
    if !scaled {
        return None;
    }
    let total = value.checked_add(group)?.normalize();
    let &(_, _, code, exp, _) = WORDS.iter().find(|(c, u, ..)| c.is_empty() && u.eq_ignore_ascii_case(unit))?;
    let q = Quantity::single(total, i, false, true);
    money(i, &q, i, code, exp)
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

/// `USD5m`, `EUR5`: a code and a number written as one word; the code. Other suffixes (`USD5p`) leave the word to
/// the later rules.
fn code_glued(word: &str) -> Option<&'static str> {
    if word.len() <= 3 || !word.is_char_boundary(3) {
        return None;
    }
    let code = iso_code(&word[..3])?;
    match parse_number_part(&word[3..])? {
        (_, Suffix::None | Suffix::Multiplier(_)) => Some(code),
        _ => None,
    }
}

/// The amount of a word [`code_glued`] accepted: its number with the multiplier suffix or the multiplier word
/// after it (`EUR5 million`), in the code's currency.
fn code_glued_money(w: &Words, i: usize, code: &'static str, number: &str) -> Option<Match> {
    let q = glued_quantity(w, i, number)?;
    money(i, &q, q.last, code, 0)
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
    // "500 Singapore dollars", "5m East Caribbean dollars": a dollar named by its country.
    for &(country, code) in DOLLAR_COUNTRIES {
        let n = w.phrase_len(i, country);
        if n > 0 && (w.is(i + n, "dollars") || w.is(i + n, "dollar")) && best.is_none_or(|(_, _, l)| i + n > l) {
            best = Some((code, 0, i + n));
        }
    }
    if best.is_none() {
        // "1,000 pesos", "5,000 Danish kroner", "1bn CFA francs": decided by qualifier and places, or not at all.
        return shared_word_at(w, i).map(|(code, last)| (code, 0, last));
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
