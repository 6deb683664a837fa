//! How surface forms of one entity are recognized as one: normalization to a key, and the three merge rules.
//!
//! Why these rules and no more: a wrong merge puts two things into one row, which a spreadsheet user cannot see
//! or undo, while a missed merge leaves two rows side by side that the user can add up. So every rule needs
//! evidence and none guesses when there is a choice:
//!
//! - **Key** ([`Form::new`]): whitespace collapsed, a possessive dropped (`North Korea's`, `Reuters'`), case
//!   folded, dots dropped from an all-capital form (`U.N.` = `UN`). Equal keys of one type are one entity anywhere
//!   in the corpus.
//! - **Surname** ([`short_form_target`], `PER` only): a one-word name equal to the last word of exactly one longer
//!   name of the same document (`Blair` … `Tony Blair`). Never across documents: two articles' `Clinton`s may be
//!   two people.
//! - **Short form** (other types): a one-word name equal to the first word of exactly one longer name of the same
//!   type in the same document (`Insikt Group` … `Insikt`). All-capital words are left to the acronym rule, so `UN`
//!   does not become `UN Security Council`.
//! - **Acronym** ([`acronym_letters`], [`initials`]): an all-capital word of 2–8 letters equal to the initials of
//!   exactly one longer name of the same type (`UN` = `United Nations`, `IMF` = `International Monetary Fund`;
//!   initials of every word or without `of`, `the`, `and`, `for`, `&` …: `BOE` and `FBI`; hyphens split words),
//!   in the same document or else anywhere in the corpus.
//!
//! Types never merge: `North Korean` (MISC) and `North Korea` (LOC) stay two rows.

/// Lower-case words that acronyms skip (`Bank of England` = `BoE`).
const SKIPPED: [&str; 10] = ["of", "the", "and", "for", "&", "de", "du", "la", "on", "in"];

/// The longest acronym recognized, in letters.
const MAX_ACRONYM: usize = 8;

/// One surface form of a mention, as written (normalized only in spacing and possessive) and as keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// What a reader sees: whitespace collapsed, a possessive dropped, case kept (`North Korea`).
    pub surface: String,
    /// What entities are matched on: `surface` case-folded, dots dropped from an all-capital form (`north korea`).
    pub key: String,
}

impl Form {
    /// The form of a mention's text; `None` when nothing of a name is left (whitespace, a lone apostrophe).
    pub fn new(text: &str) -> Option<Form> {
        let mut surface = text.split_whitespace().collect::<Vec<_>>().join(" ");
        strip_possessive(&mut surface);
        let trimmed = surface.trim_matches(|c: char| matches!(c, '"' | '“' | '”' | '‘' | ',' | ';' | ':'));
        if trimmed.len() != surface.len() {
            surface = trimmed.trim().to_string();
        }
        if !surface.chars().any(char::is_alphanumeric) {
            return None;
        }
        let key = match acronym_letters(&surface) {
            Some(letters) if surface.contains('.') => letters.to_lowercase(),
            _ => surface.replace('’', "'").to_lowercase(),
        };
        Some(Form { surface, key })
    }

    /// The words of the key.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.key.split(' ')
    }

    /// Whether the key is one word.
    pub fn is_one_word(&self) -> bool {
        !self.key.contains(' ')
    }
}

/// Drops `'s` / `’s` at the end, and a lone apostrophe after a final `s` (`Reuters'`).
fn strip_possessive(s: &mut String) {
    for suffix in ["'s", "’s", "'S", "’S"] {
        if s.len() > suffix.len() && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
            return;
        }
    }
    for suffix in ["s'", "s’"] {
        if s.len() > suffix.len() && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len() + 1);
            return;
        }
    }
}

/// The letters of an acronym-like form: one word of 2–`MAX_ACRONYM` capital letters, dots allowed between them
/// (`UN`, `U.N.`, `IMF`); else `None`.
pub fn acronym_letters(surface: &str) -> Option<String> {
    if !surface.chars().all(|c| c.is_uppercase() || c == '.') {
        return None;
    }
    let letters: String = surface.chars().filter(|c| *c != '.').collect();
    let n = letters.chars().count();
    ((2..=MAX_ACRONYM).contains(&n) && letters.chars().all(char::is_alphabetic)).then_some(letters)
}

/// The initials of a name of two or more words, upper-cased, splitting at hyphens (`Asia-Pacific Economic
/// Cooperation` → `APEC`): those of every word, and, if they differ, those without `SKIPPED` words (`Bank of
/// England` → `BOE` and `BE`; `Federal Bureau of Investigation` → `FBOI` and `FBI`). Empty for one word.
pub fn initials(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let of = |words: &mut dyn Iterator<Item = &&str>| -> String {
        words.filter_map(|w| w.chars().next()).flat_map(char::to_uppercase).collect()
    };
    let all = of(&mut words.iter());
    let kept = of(&mut words.iter().filter(|w| !SKIPPED.contains(w)));
    if kept == all || kept.chars().count() < 2 {
        vec![all]
    } else {
        vec![all, kept]
    }
}

/// Which rule, if any, makes the one-word form `short` (of type `kind`) a short form of one of `longer` (the
/// other distinct keys of that type in the same document): the index into `longer` of its unique match.
///
/// An acronym is matched only by [`acronym_target`]; a `PER` word against last words (surnames), any other type's
/// word against first words. More than one match is no match.
pub fn short_form_target(kind: &str, short: &Form, longer: &[&Form]) -> Option<usize> {
    if !short.is_one_word() || acronym_letters(&short.surface).is_some() {
        return None;
    }
    let word = short.key.as_str();
    let mut found = None;
    for (i, long) in longer.iter().enumerate() {
        if long.is_one_word() {
            continue;
        }
        let matches = if kind == "PER" { long.words().last() == Some(word) } else { long.words().next() == Some(word) };
        if matches {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

/// The index into `longer` of the unique name of two or more words whose initials are the acronym `short`
/// (`UN` → `United Nations`); `None` if `short` is not an acronym or matches none or several.
pub fn acronym_target(short: &Form, longer: &[&Form]) -> Option<usize> {
    let letters = acronym_letters(&short.surface)?;
    let mut found = None;
    for (i, long) in longer.iter().enumerate() {
        if initials(&long.key).contains(&letters) {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(s: &str) -> Form {
        Form::new(s).unwrap()
    }

    #[test]
    fn case_whitespace_and_possessives_share_a_key() {
        for variant in
            ["North Korea", "NORTH KOREA", "north  korea", " North\nKorea ", "North Korea's", "North Korea’s"]
        {
            assert_eq!(form(variant).key, "north korea", "{variant:?}");
        }
        assert_eq!(form("North Korea's").surface, "North Korea");
        assert_eq!(form("Reuters'").surface, "Reuters");
        assert_eq!(form("U.N.").key, "un");
        assert_eq!(form("UN").key, "un");
        assert_eq!(form("“Insikt").surface, "Insikt");
        assert_eq!(Form::new(" ' "), None);
        // A word that only ends in s is not a possessive.
        assert_eq!(form("Paris").surface, "Paris");
        assert_eq!(form("'s").surface, "'s");
    }

    #[test]
    fn surnames_merge_with_one_full_name_only() {
        let blair = form("Tony Blair");
        let brown = form("Gordon Brown");
        assert_eq!(short_form_target("PER", &form("Blair"), &[&brown, &blair]), Some(1));
        assert_eq!(short_form_target("PER", &form("Tony"), &[&brown, &blair]), None, "first names are not surnames");
        let bill = form("Bill Clinton");
        let hillary = form("Hillary Clinton");
        assert_eq!(short_form_target("PER", &form("Clinton"), &[&bill, &hillary]), None, "two Clintons: no guess");
        assert_eq!(short_form_target("PER", &form("Clinton"), &[]), None);
    }

    #[test]
    fn short_forms_are_first_words_of_one_longer_name() {
        let insikt = form("Insikt Group");
        assert_eq!(short_form_target("ORG", &form("Insikt"), &[&insikt]), Some(0));
        assert_eq!(short_form_target("ORG", &form("Group"), &[&insikt]), None, "only the first word");
        let boe = form("Bank of England");
        let boa = form("Bank of America");
        assert_eq!(short_form_target("ORG", &form("Bank"), &[&boe, &boa]), None, "ambiguous");
        // An acronym is not a short form: `UN` is not the `UN Security Council`.
        assert_eq!(short_form_target("ORG", &form("UN"), &[&form("UN Security Council")]), None);
        // `US` is not a word of `USA Today`.
        assert_eq!(short_form_target("ORG", &form("US"), &[&form("USA Today")]), None);
    }

    #[test]
    fn acronyms_match_initials() {
        let un = form("United Nations");
        let imf = form("International Monetary Fund");
        assert_eq!(acronym_target(&form("UN"), &[&imf, &un]), Some(1));
        assert_eq!(acronym_target(&form("U.N."), &[&un]), Some(0));
        assert_eq!(acronym_target(&form("IMF"), &[&un, &imf]), Some(1));
        assert_eq!(acronym_target(&form("BOE"), &[&form("Bank of England")]), Some(0));
        assert_eq!(acronym_target(&form("APEC"), &[&form("Asia-Pacific Economic Cooperation")]), Some(0));
        assert_eq!(acronym_target(&form("US"), &[&form("USA Today")]), None, "USA Today's initials are UT");
        assert_eq!(acronym_target(&form("USA"), &[&form("USA Today")]), None);
        assert_eq!(acronym_target(&form("Un"), &[&un]), None, "not all capitals");
        assert_eq!(acronym_target(&form("UN"), &[&un, &form("Unión Nacional")]), None, "ambiguous");
        assert_eq!(acronym_target(&form("FBI"), &[&form("Federal Bureau of Investigation")]), Some(0));
        assert_eq!(initials("united nations"), ["UN"]);
        assert_eq!(initials("bank of england"), ["BOE", "BE"]);
        assert!(initials("nations").is_empty());
    }
}
