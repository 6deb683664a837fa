//! Currency words that several currencies share ("pesos", "francs", "kroner", "dinars", …): which one a text means.
//!
//! Why a rule of its own: guessing one default per word (kroner = Danish) puts a wrong code in the table whenever
//! the story is Norwegian, and a wrong value in a spreadsheet is worse than a missing one. So the code is taken,
//! in this order, from
//!
//! 1. the qualifier written with the word: "Danish kroner", "Mexican pesos", "CFA francs" (which leaves West and
//!    Central African francs, XOF and XAF, for the next steps);
//! 2. the places of the sentence: "in Mexico … 500 pesos", when they point to exactly one candidate;
//! 3. the text's own qualifier: a text that writes "7,500 Swiss francs" once means Swiss francs by a later "5,000
//!    francs", when it qualifies the word one way only;
//! 4. the places of the whole text, again when they point to exactly one candidate;
//!
//! and when none of these decides, the amount is left out: the `unit` column promises an ISO 4217 code, and a
//! currency word is not one. Places are the phrases of [`SHARED_PLACES`], matched as whole words starting with a
//! capital letter (so "turkey" the bird is no place).

use super::lexicon::{SHARED_PLACES, SHARED_QUALIFIERS, SHARED_WORDS};
use super::Words;

/// The shared currency word at `i`, after the number, with its qualifier if written there ("Danish kroner", "CFA
/// francs"): the code decided for it and the word's token, or `None` if it is not one or nothing decides.
pub(super) fn shared_word_at(w: &Words, i: usize) -> Option<(&'static str, usize)> {
    // Most numbers are followed by no shared word at all: look for one (after a qualifier of up to four words)
    // before reading places.
    if !(i..i + 5).any(|k| group_of(w.word(k)).is_some()) {
        return None;
    }
    // The qualifier: an optional place phrase, then an optional restricting word ("cfa"), then the word.
    let (place, k) = match place_at(w, i, None, true) {
        Some((codes, n)) => (Some(codes), i + n),
        None => (None, i),
    };
    let (restrict, k) = match SHARED_QUALIFIERS.iter().find(|(_, q, _)| w.is(k, q)) {
        Some(&(group, _, codes)) => (Some((group, codes)), k + 1),
        None => (None, k),
    };
    let group = group_of(w.word(k))?;
    let mut candidates = codes_of(group);
    if let Some((g, codes)) = restrict {
        if g != group {
            return None;
        }
        candidates.retain(|c| codes.contains(c));
    }
    if let Some(codes) = place {
        candidates.retain(|c| codes.contains(&(group, *c)));
    }
    if candidates.len() == 1 {
        return Some((candidates[0], k));
    }
    if candidates.is_empty() {
        return None;
    }
    // Each step decides only when it points to exactly one candidate.
    let decided = |found: Vec<&'static str>| match found[..] {
        [one] => Some((one, k)),
        _ => None,
    };
    let (start, end) = sentence_tokens(w, k);
    decided(places_in(w, group, &candidates, start, end))
        .or_else(|| decided(text_qualifiers(w, group, &candidates)))
        .or_else(|| decided(places_in(w, group, &candidates, 0, w.doc.tokens.len())))
}

/// The group of a shared currency word ("pesos" → "peso"), any case.
fn group_of(word: &str) -> Option<&'static str> {
    if !(4..=9).contains(&word.len()) {
        return None;
    }
    SHARED_WORDS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, g)| g)
}

/// The codes a group's word can stand for, in table order, each once.
fn codes_of(group: &str) -> Vec<&'static str> {
    let places = SHARED_PLACES.iter().filter(|(g, _, _)| *g == group).map(|&(_, c, _)| c);
    let qualified = SHARED_QUALIFIERS.iter().filter(|(g, _, _)| *g == group).flat_map(|(_, _, c)| c.iter().copied());
    let mut all = Vec::new();
    for c in places.chain(qualified) {
        if !all.contains(&c) {
            all.push(c);
        }
    }
    all
}

/// The longest place phrase at token `i` (capitalised in the text unless `any_case`, as for a qualifier written
/// with the currency word: "swiss francs"), of `group` or of any group: every (group, code) it points to, and its
/// length in words.
fn place_at(
    w: &Words,
    i: usize,
    group: Option<&str>,
    any_case: bool,
) -> Option<(Vec<(&'static str, &'static str)>, usize)> {
    if !any_case && !w.word(i).starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let mut best: Option<(Vec<(&'static str, &'static str)>, usize)> = None;
    for &(g, code, places) in SHARED_PLACES {
        if group.is_some_and(|want| want != g) {
            continue;
        }
        for place in places {
            let n = w.phrase_len(i, place);
            if n == 0 {
                continue;
            }
            match &mut best {
                Some((codes, len)) if n == *len => codes.push((g, code)),
                Some((_, len)) if n < *len => {}
                _ => best = Some((vec![(g, code)], n)),
            }
        }
    }
    best
}

/// The candidates that a place phrase within tokens `start..end` points to.
fn places_in(w: &Words, group: &str, candidates: &[&'static str], start: usize, end: usize) -> Vec<&'static str> {
    let mut found = Vec::new();
    for t in start..end {
        if let Some((codes, _)) = place_at(w, t, Some(group), false) {
            for (_, c) in codes {
                if candidates.contains(&c) && !found.contains(&c) {
                    found.push(c);
                }
            }
        }
    }
    found
}

/// The candidates that the text names by a place written right before one of the group's words ("Swiss francs",
/// "swiss francs").
fn text_qualifiers(w: &Words, group: &str, candidates: &[&'static str]) -> Vec<&'static str> {
    let mut found = Vec::new();
    for t in 1..w.doc.tokens.len() {
        if group_of(w.word(t)) != Some(group) {
            continue;
        }
        for start in t.saturating_sub(3)..t {
            if let Some((codes, _)) = place_at(w, start, Some(group), true).filter(|&(_, n)| start + n == t) {
                for (_, c) in codes {
                    if candidates.contains(&c) && !found.contains(&c) {
                        found.push(c);
                    }
                }
            }
        }
    }
    found
}

/// The token range of the sentence that token `t` is in (the whole text if sentences are unknown).
fn sentence_tokens(w: &Words, t: usize) -> (usize, usize) {
    let s = w.doc.sentence_of(t);
    match w.doc.sentences.get(s) {
        Some(sentence) => (sentence.tokens.start, sentence.tokens.end),
        None => (0, w.doc.tokens.len()),
    }
}
