//! The casing input of nertab's models: what a word's capital letters say, as a token-type id.
//!
//! The encoders nertab fine-tunes are uncased, yet capital letters are most of what marks a name in running text.
//! So a model can carry each word's casing class in its token-type ids (`"nertab_casing": true` in its config,
//! with `type_vocab_size` covering [`CASING_CLASSES`]); with `"nertab_headline": true` as well, the Capitalized
//! words of a sentence that reads as a headline ([`is_headline`]) get a class of their own, [`HEADLINE_CLASS`].
//! Pure text rules, so they live here, below both the model layer (which checks a config's token types against
//! them) and NER (which feeds them).

/// Number of casing classes used as token-type ids (see [`casing_class`]).
pub const CASING_CLASSES: i64 = 5;

/// The casing class of a Capitalized word (see [`casing_class`]).
pub const CAPITALIZED: i64 = 2;

/// The casing class of a Capitalized word in a headline (see [`is_headline`]): one past [`CASING_CLASSES`], so a
/// model with it has `CASING_CLASSES + 1` token types.
pub const HEADLINE_CLASS: i64 = CASING_CLASSES;

/// What a model's token-type ids carry, as its config says (`nertab_casing`, `nertab_headline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// Nothing: every token type is 0.
    Off,
    /// Each word's [`casing_class`].
    Words,
    /// Each word's [`casing_class`], and [`HEADLINE_CLASS`] for a Capitalized word in a headline.
    Headlines,
}

impl Casing {
    /// The casing input a model's config describes (`nertab_casing`, `nertab_headline`).
    pub fn from_flags(casing: bool, headline: bool) -> Casing {
        match (casing, headline) {
            (false, _) => Casing::Off,
            (true, false) => Casing::Words,
            (true, true) => Casing::Headlines,
        }
    }

    /// The token type of each word of one sentence.
    pub fn classes(self, words: &[&str]) -> Vec<i64> {
        match self {
            Casing::Off => vec![0; words.len()],
            Casing::Words => words.iter().map(|w| casing_class(w)).collect(),
            Casing::Headlines => {
                let headline = is_headline(words);
                words
                    .iter()
                    .map(|w| match casing_class(w) {
                        CAPITALIZED if headline => HEADLINE_CLASS,
                        class => class,
                    })
                    .collect()
            }
        }
    }
}

/// The casing class of a word: 0 no letters, 1 lower case, 2 Capitalized, 3 UPPER CASE, 4 mIxed.
pub fn casing_class(word: &str) -> i64 {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return 0;
    };
    let rest: Vec<char> = letters.collect();
    let rest_lower = rest.iter().all(|c| !c.is_uppercase());
    let rest_upper = rest.iter().all(|c| !c.is_lowercase());
    match (first.is_uppercase(), rest_lower, rest_upper) {
        (false, true, _) => 1,
        (true, _, true) if !rest.is_empty() => 3,
        (true, true, _) => CAPITALIZED,
        _ => 4,
    }
}

/// Whether a sentence reads as a Title-Case headline, where a capital letter says little about names: no final stop,
/// and at least three words of four or more letters (function words such as "with" or "from" aside), every one of
/// them Capitalized or UPPER CASE, at least two Capitalized.
///
/// Why: nertab's casing input tells the model which words are Capitalized, and in running text that is most of what
/// marks a name; in "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300%" it marks every
/// word. Giving those words a class of their own lets the model learn that there, case is no evidence.
pub fn is_headline(words: &[&str]) -> bool {
    const FUNCTION: [&str; 14] = [
        "with", "from", "into", "over", "upon", "onto", "than", "that", "this", "after", "about", "amid", "says",
        "will",
    ];
    let closing = |w: &&&str| w.chars().all(|c| matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»'));
    let Some(last) = words.iter().rev().find(|w| !closing(w)) else {
        return false;
    };
    if last.ends_with(['.', '!', '?', ':', ';', ',']) {
        return false;
    }
    let (mut counted, mut capitalized) = (0, 0);
    for word in words {
        if word.chars().filter(|c| c.is_alphabetic()).count() < 4 || FUNCTION.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        match casing_class(word) {
            CAPITALIZED => capitalized += 1,
            3 => {}
            _ => return false,
        }
        counted += 1;
    }
    counted >= 3 && capitalized >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_classes() {
        assert_eq!(
            ["", "1996", "the", "North", "UN", "U.S.", "iPhone", "McDonald", "a", "A"].map(casing_class),
            [0, 0, 1, 2, 3, 3, 4, 4, 1, 2]
        );
    }

    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }

    #[test]
    fn headlines_are_title_case_lines_without_a_stop() {
        let seed = "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300%";
        assert!(is_headline(&words(seed)));
        assert!(is_headline(&words("Pernod Ricard Agrees Deal with NATO Supplier \"")));
        // A sentence, a sentence-case headline, an UPPER one, too few long words.
        for not in [
            "North Korean Regime Reliance on Cryptocurrencies Ups Internet Usage by 300% .",
            "Ad sales boost Time Warner profit",
            "SOCCER - JAPAN GET LUCKY WIN",
            "Bill met Yeltsin",
            "",
        ] {
            assert!(!is_headline(&words(not)), "{not}");
        }
    }

    #[test]
    fn only_a_headline_model_sees_the_headline_class() {
        let line = words("Yukos Sues Bank of America in Texas");
        assert_eq!(Casing::Headlines.classes(&line), [5, 5, 5, 1, 5, 1, 5]);
        assert_eq!(Casing::Words.classes(&line), [2, 2, 2, 1, 2, 1, 2]);
        assert_eq!(Casing::Off.classes(&line), [0; 7]);
        let sentence = words("Yukos sued Bank of America in Texas .");
        assert_eq!(Casing::Headlines.classes(&sentence), Casing::Words.classes(&sentence));
    }
}
