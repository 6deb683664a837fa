//! Money: a currency marker next to a number, as one small rule per way of writing it.
//!
//! [`money_at`] tries the rules in a fixed order. The rules that start with a marker (a bracket or minus sign, a
//! prefixed dollar, a symbol, an abbreviation, an ISO code) come first, each with a guard: once a guard has claimed
//! the token, that rule's answer stands, amount or none, and no later rule is tried. Then the rules that start
//! with the number and look for the marker after it. The order is part of the behaviour: `SGD` is both a dollar
//! prefix and a code, `A` a prefix and an article, and the first rule to claim a token decides how it is read.

use rust_decimal::Decimal;

use super::currencies::{LEXICON, WORD_CODES};
use super::filter::{iso_code, shorthand};
use super::lexicon::{
    lookup, minor_unit_of, multiplier, number_word, symbol, Certainty, ABBREVIATIONS, BETWEEN, DOLLAR_AFTER,
    DOLLAR_PREFIXES, MINUS, MODIFIER_FOLLOWERS, NO_MINOR_UNITS, WORDS,
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
    if is_minus_sign(w, i, word) || w.is(i, MINUS) {
        return minus_sign(w, i);
    }
    if let Some(code) = dollar_prefix(w, i, word) {
        return prefixed_dollar(w, i, code);
    }
    if word == "$" && w.touching(i) {
        if let Some(m) = dollar_named_after(w, i) {
            return Some(m);
        }
    }
    if let Some(code) = symbol(word) {
        return symbol_before(w, i, word, code);
    }
    if w.is(i, BETWEEN) {
        return between_symbols(w, i);
    }
    if let Some(code) = lookup(ABBREVIATIONS, word) {
        return abbreviation_before(w, i, code);
    }
    if let Some((code, exp)) = shorthand(word) {
        return shorthand_before(w, i, code, exp);
    }
    if let Some(code) = iso_code(word) {
        return code_before(w, i, code);
    }
    if let Some(code) = code_glued(word) {
        return code_glued_money(w, i, code, &word[3..]);
    }
    if let Some(m) = number_glued_sign(w, i, word) {
        return Some(m);
    }
    if word.contains('-') {
        if let Some(m) = hyphen_unit(i, word).or_else(|| compound_money(i, word)) {
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
    if let Some((code, last, exp)) = code_after(w, i, &q) {
        let m = money(i, &q, last, code, exp)?;
        return minor_units(w, m, &q, 0);
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
        trim: 0,
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

/// `-$5m`, "minus $5m": the amount after a minus sign or word, negated, sign included. Not a range.
fn minus_sign(w: &Words, i: usize) -> Option<Match> {
    let m = money_at(w, i + 1)?;
    if m.first == i + 1 && m.value_high.is_none() {
        let last = m.last;
        return Some(negate(m, i, last));
    }
    None
}

/// The code of the dollar prefix at `i` (`US$`, `c$`, `Mex$`, `C $`, `U.S.$`): letters of [`DOLLAR_PREFIXES`]
/// followed by `$`, in any case when they touch it, as the table writes them (and not the article `A`) when a
/// space is between.
fn dollar_prefix(w: &Words, i: usize, word: &str) -> Option<&'static str> {
    if w.get(i + 1) != Some("$") || word.len() > 4 {
        return None;
    }
    if w.touching(i) {
        return DOLLAR_PREFIXES.iter().find(|(p, _)| p.eq_ignore_ascii_case(word)).map(|&(_, c)| c);
    }
    // Spaced, a single letter after a capitalised word is a label ("Section C $5", "Plan B $10").
    let label = word.len() == 1
        && i > 0
        && w.doc.sentence_of(i - 1) == w.doc.sentence_of(i)
        && w.word(i - 1).starts_with(|c: char| c.is_uppercase());
    lookup(DOLLAR_PREFIXES, word).filter(|_| word != "A" && !label)
}

/// `US$5m`, `HK$ 10`, `US $ 7 billion`: a dollar named by the letters before `$` (the guard in [`money_at`]
/// checks the `$`), then digits; the letters are part of the span.
fn prefixed_dollar(w: &Words, i: usize, code: &'static str) -> Option<Match> {
    let q = digits_at(w, i + 2)?;
    if q.suffix != Suffix::None {
        return None;
    }
    let m = money(i, &q, q.last, code, 0)?;
    minor_units(w, m, &q, 0)
}

/// `$5m`, `£600m`, `€2 billion`: a symbol, then digits with an optional multiplier. A letter suffix that is not a
/// multiplier (`$50p`) makes it none. `$1,190.00 AUD`: a dollar code after the number names the dollar.
fn symbol_before(w: &Words, i: usize, word: &str, code: &'static str) -> Option<Match> {
    let Some(q) = digits_at(w, i + 1) else { return per_unit(w, i, code) };
    if q.suffix != Suffix::None {
        return None;
    }
    let q = symbol_range(w, i, q, "to", false).unwrap_or(q);
    if word == "$" {
        if let Some(named) = iso_code(w.word(q.last + 1)).filter(|c| c.ends_with('D')) {
            return money(i, &q, q.last + 1, named, 0);
        }
    }
    let m = money(i, &q, q.last, code, 0)?;
    minor_units(w, m, &q, 0)
}

/// `$5-a-share`, `£20-an-hour`, `$3-per-share`: a symbol before a number joined to "a/an/per <unit>" by hyphens,
/// one word; the amount is the symbol and the number, the rest of the word left out of the span.
fn per_unit(w: &Words, i: usize, code: &'static str) -> Option<Match> {
    let word = w.get(i + 1)?;
    let (number, tail) = word.split_once('-')?;
    let (_, unit) = tail.split_once('-')?;
    if !["a", "an", "per"].iter().any(|a| tail[..tail.len() - unit.len() - 1].eq_ignore_ascii_case(a))
        || !unit.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    let (n, exp) = match parse_number_part(number)? {
        (n, Suffix::None) => (n, 0),
        (n, Suffix::Multiplier(e)) => (n, e as i32),
        _ => return None,
    };
    let q = Quantity::single(scale(n, exp)?, i + 1, true, exp > 0);
    let mut m = money(i, &q, i + 1, code, 0)?;
    m.trim = tail.chars().count() + 1;
    Some(m)
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
    let code = symbol(w.get(i + 1)?)?;
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
    let k = if symbol(w.word(i + 1)).is_some() { i + 2 } else { i + 1 };
    let q = digits_at(w, k)?;
    if q.suffix != Suffix::None || !code_in_prose(w, w.word(i), i, q.last, &q) {
        return None;
    }
    let m = money(i, &q, q.last, code, 0)?;
    minor_units(w, m, &q, 0)
}

/// True unless the code `written` (over tokens `first..=last` with quantity `q`) is an English word or acronym
/// ([`WORD_CODES`]: `ALL`, `TOP`, `CUP`) that does not read as money here: such a code counts only with a number
/// written as a sum (thousands separators, cents or a multiplier: `ALL 1,500`, `PEN 2.50`, `3m MAD`), and not among
/// words written in capitals (`ALL 50,000 STATES`). "CUP 2006", "TOP 10", "3 PEN drives" are none.
fn code_in_prose(w: &Words, written: &str, first: usize, last: usize, q: &Quantity) -> bool {
    if !WORD_CODES.contains(&written) {
        return true;
    }
    let k = if w.word(first).starts_with(|c: char| c.is_ascii_digit()) {
        first
    } else {
        q.last - usize::from(q.multiplied)
    };
    let number = w.word(k);
    let cents = number.rsplit_once('.').is_some_and(|(_, f)| f.len() == 2);
    if !(q.multiplied || number.contains(',') || cents) {
        return false;
    }
    let capitals = |k: usize| {
        let word = w.word(k);
        word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase())
    };
    !(capitals(last + 1) || first > 0 && capitals(first - 1))
}

/// `kUSD 50`, `MEUR 3.5`: finance shorthand before digits; the number times `10^exp`.
fn shorthand_before(w: &Words, i: usize, code: &'static str, exp: u32) -> Option<Match> {
    let q = digits_at(w, i + 1)?;
    if q.suffix != Suffix::None || q.multiplied || q.high.is_some() {
        return None;
    }
    money(i, &Quantity { low: scale(q.low, exp as i32)?, dot_thousands: None, ..q }, q.last, code, 0)
}

/// `250USD`, `500元`, `元500`, `20Rs`, `Rs20`: a number and a code, an abbreviation or a letter-like sign written
/// as one word (an optional multiplier word after it: `250USD million`).
fn number_glued_sign(w: &Words, i: usize, word: &str) -> Option<Match> {
    let first = word.chars().next()?;
    let (number, code) = if first.is_ascii_digit() {
        let cut = word.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))?;
        let (number, tail) = word.split_at(cut);
        let code = iso_code(tail)
            .filter(|c| *c == tail && !WORD_CODES.contains(c))
            .or_else(|| symbol(tail))
            .or_else(|| lookup(ABBREVIATIONS, tail))?;
        (number, code)
    } else if let Some(&(a, code)) = ABBREVIATIONS.iter().find(|(a, _)| word.starts_with(a) && a.len() < word.len()) {
        (&word[a.len()..], code)
    } else {
        let tail = &word[first.len_utf8()..];
        (tail, symbol(&word[..first.len_utf8()]).filter(|_| first.is_alphabetic())?)
    };
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let q = glued_quantity(w, i, number)?;
    money(i, &q, q.last, code, 0)
}

/// `a 15-cent dividend`, `a 10-euro note`: a number and a currency word joined by a hyphen as one word. Only
/// words that are money wherever they stand (not `5-pound`, a weight).
fn hyphen_unit(i: usize, word: &str) -> Option<Match> {
    let (number, unit) = word.split_once('-')?;
    if !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let u = LEXICON.phrases(unit).iter().find(|u| u.rest.is_empty() && u.certainty == Certainty::Sure)?;
    let (n, exp) = match parse_number_part(number)? {
        (n, Suffix::None) => (n, 0),
        (n, Suffix::Multiplier(e)) => (n, e as i32),
        _ => return None,
    };
    let q = Quantity::single(scale(n, exp)?, i, true, exp > 0);
    money(i, &q, i, u.code, u.exp)
}

/// `USD5m`, `EUR5`: a code and a number written as one word; the code. Other suffixes (`USD5p`) leave the word to
/// the later rules.
fn code_glued(word: &str) -> Option<&'static str> {
    if word.len() <= 3 || !word.is_char_boundary(3) {
        return None;
    }
    let code = iso_code(&word[..3]).filter(|_| !WORD_CODES.contains(&&word[..3]))?;
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
    iso_code(next).is_some()
        || symbol(next).is_some()
        || lookup(ABBREVIATIONS, next).is_some()
        || currency_word_at(w, i, q).is_some()
}

/// `50p`: the `p` suffix is pence, hundredths of a pound.
fn pence_suffix(i: usize, q: &Quantity) -> Option<Match> {
    money(i, q, q.last, "GBP", -2)
}

/// `5m USD`, `40 USD million`, `12 MUSD`: the code right after the quantity (a multiplier word after it applies
/// to the number; finance shorthand carries its own): its unit, the last token and the power of ten to apply.
fn code_after(w: &Words, first: usize, q: &Quantity) -> Option<(&'static str, usize, i32)> {
    let k = q.last + 1;
    let written = w.get(k)?;
    if let Some((code, exp)) = shorthand(written).filter(|_| !q.multiplied) {
        return Some((code, k, exp as i32));
    }
    let code = iso_code(written)?;
    if !code_in_prose(w, written, first, k, q) {
        return None;
    }
    match w.get(k + 1).filter(|m| m.len() > 1 && !q.multiplied).and_then(multiplier) {
        Some(e) => Some((code, k + 1, e as i32)),
        None => Some((code, k, 0)),
    }
}

/// `20€`, `10 $`, `171900 руб.`: a symbol or abbreviation after a number written with digits (an abbreviation
/// with its touching period); the code and the last token. Not when the symbol starts the next amount instead:
/// in `5 $10` the `$` belongs to the 10.
fn sign_after(w: &Words, q: &Quantity) -> Option<(&'static str, usize)> {
    if !q.digits {
        return None;
    }
    let next = w.word(q.last + 1);
    let code = symbol(next).or_else(|| lookup(ABBREVIATIONS, next))?;
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
/// token). The longest phrase of the lexicon wins ("Australian dollars" over "dollars", "Japanese yen"); an
/// ambiguous word ("won", "pounds", "bitcoin") counts only where its [`Certainty`] allows; "pounds sterling" is
/// one marker.
fn currency_word_at(w: &Words, i: usize, q: &Quantity) -> Option<(&'static str, i32, usize)> {
    let mut best: Option<(&'static str, i32, usize)> = None;
    let first = w.get(i)?;
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    for u in LEXICON.phrases(first) {
        if !u.rest.iter().enumerate().all(|(k, r)| w.is(i + 1 + k, r)) {
            continue;
        }
        let last = i + u.rest.len();
        let sure = match u.certainty {
            Certainty::Sure => true,
            Certainty::Ambiguous => q.digits || q.multiplied,
            Certainty::Weight => q.multiplied || w.is(last + 1, "sterling"),
            Certainty::Modifier => {
                let next = w.word(last + 1);
                !next.starts_with(|c: char| c.is_ascii_lowercase()) || MODIFIER_FOLLOWERS.contains(&next)
            }
        };
        if sure && best.is_none_or(|(_, _, l)| last > l) {
            best = Some((u.code, u.exp, last));
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

/// "2 dollars and 23 cents", "20 rupees 43 paise", "£3 and 20p", "12 dollars 75": a whole number of minor units
/// (under 100) after a whole number of a major unit (`unit_exp` 0, no multiplier, not a range) is added to it,
/// and the span grows to the minor-unit word. Without a minor-unit word, only two digits right after a currency
/// word, and not before another word ("12 dollars 75", "two dollar and 23", but not "5 dollars 10 times"). `m` unchanged when none
/// follows; `None` (no amount at all) if the sum overflows.
fn minor_units(w: &Words, mut m: Match, q: &Quantity, unit_exp: i32) -> Option<Match> {
    if unit_exp != 0 || q.high.is_some() || q.multiplied || !m.value.fract().is_zero() {
        return Some(m);
    }
    let and = w.is(m.last + 1, "and");
    let k = if and { m.last + 2 } else { m.last + 1 };
    let Some(minor) = quantity_at(w, k) else { return Some(m) };
    if minor.high.is_some() || minor.multiplied || minor.low >= Decimal::ONE_HUNDRED || !minor.low.fract().is_zero() {
        return Some(m);
    }
    let last = match minor.suffix {
        Suffix::Pence if m.unit == "GBP" => minor.last,
        Suffix::None if minor_unit_of(w.word(minor.last + 1), m.unit) => minor.last + 1,
        Suffix::None => {
            let written = w.word(k);
            let after = w.word(k + 1);
            let word_written = w.word(m.last).starts_with(|c: char| c.is_alphabetic());
            if !word_written || written.len() != 2 || !minor.digits || after.starts_with(char::is_alphanumeric) {
                return Some(m);
            }
            minor.last
        }
        _ => return Some(m),
    };
    m.value = m.value.checked_add(scale(minor.low, -2)?)?;
    m.last = last;
    Some(m)
}
