//! The currency lexicon compiled into lookups, once: every code the extractor reads and every currency name it
//! knows, from data.
//!
//! The codes and the names come from the ISO 4217 list as the `iso_currency` crate keeps it (current currencies, no
//! funds or special units), plus the withdrawn currencies that news still writes ([`WITHDRAWN`]: pesetas, Deutsche
//! marks, lire, …, ISO 4217 list A.3) and the crypto-assets ([`CRYPTO`], not ISO 4217: their units are the codes the
//! markets use). The hand tables of `lexicon.rs` (symbols, prefixed dollars, currency words) add spellings, never
//! codes of their own: a test ties every code any table can emit to this one.
//!
//! An ISO name is read with its qualifier in any case ("Japanese yen", "CHINESE YUAN", "swiss francs"), in the
//! singular or the plural, its accents optional ("zloty", "złoty").

use std::collections::HashMap;
use std::sync::LazyLock;

use iso_currency::{Currency, IntoEnumIterator};

use super::lexicon::{Certainty, DOLLAR_COUNTRIES, NAME_ALIASES, WORDS};

/// Withdrawn currencies (ISO 4217 list A.3) still written in news and archives: (code, names, lower case, a
/// phrase's words separated by spaces, singular and plural). A name that other currencies share ("francs",
/// "lira") is decided in `shared.rs` instead.
pub(super) const WITHDRAWN: &[(&str, &[&str])] = &[
    ("ESP", &["peseta", "pesetas", "spanish peseta", "spanish pesetas"]),
    (
        "DEM",
        &[
            "deutsche mark",
            "deutsche marks",
            "deutschmark",
            "deutschmarks",
            "deutschemark",
            "deutschemarks",
            "d-mark",
            "d-marks",
            "german mark",
            "german marks",
        ],
    ),
    ("ITL", &["lire", "italian lira", "italian lire"]),
    ("NLG", &["dutch guilder", "dutch guilders", "netherlands guilder", "netherlands guilders"]),
    ("FIM", &["markka", "markkaa", "finnish markka", "finnish markkaa", "finnish mark", "finnish marks"]),
    ("FRF", &["french franc", "french francs"]),
    ("BEF", &["belgian franc", "belgian francs"]),
    ("LUF", &["luxembourg franc", "luxembourg francs"]),
    ("ATS", &["austrian schilling", "austrian schillings"]),
    ("PTE", &["portuguese escudo", "portuguese escudos"]),
    ("GRD", &["drachma", "drachmas", "drachmae", "greek drachma", "greek drachmas", "greek drachmae"]),
    ("IEP", &["punt", "punts", "irish punt", "irish punts", "irish pound", "irish pounds"]),
    ("XEU", &["ecu", "ecus", "european currency unit", "european currency units"]),
    ("SIT", &["tolar", "tolars", "slovenian tolar", "slovenian tolars"]),
    ("SKK", &["slovak koruna", "slovak korunas", "slovak crowns"]),
    ("EEK", &["kroon", "kroons", "estonian kroon", "estonian kroons"]),
    ("LVL", &["latvian lats", "latvian lati"]),
    ("LTL", &["litas", "litai", "lithuanian litas", "lithuanian litai"]),
    ("CYP", &["cypriot pound", "cypriot pounds", "cyprus pound", "cyprus pounds"]),
    ("MTL", &["maltese lira", "maltese lire", "maltese liri"]),
    ("ARA", &["austral", "australes", "argentine austral", "argentine australes"]),
];

/// A crypto-asset's name after a number: (word, power of ten of the unit, certainty).
pub(super) type CryptoWord = (&'static str, i32, Certainty);

/// Crypto-assets, read as money although they are not ISO 4217 currencies: (code as written, unit code, names
/// after a number: (word, power of ten of the unit, certainty)). `XBT` is written for bitcoin too; a satoshi is
/// 10⁻⁸ BTC, a gwei 10⁻⁹ ETH. The stablecoins are read by their codes only ("Tether" is also a company).
pub(super) const CRYPTO: &[(&str, &str, &[CryptoWord])] = &[
    (
        "BTC",
        "BTC",
        &[
            ("bitcoin", 0, Certainty::Modifier),
            ("bitcoins", 0, Certainty::Sure),
            ("satoshi", -8, Certainty::Modifier),
            ("satoshis", -8, Certainty::Sure),
        ],
    ),
    ("XBT", "BTC", &[]),
    ("ETH", "ETH", &[("ether", 0, Certainty::Modifier), ("gwei", -9, Certainty::Sure)]),
    ("USDT", "USDT", &[]),
    ("USDC", "USDC", &[]),
];

/// ISO codes that are also English words or common acronyms (`ALL 50 STATES`, `TOP 10`, an `IRR` of 12%, `SDG
/// 4`): read only with a number written as a sum and not among words in capitals (see `money.rs`).
pub(super) const WORD_CODES: &[&str] = &[
    "ALL", "AMD", "BAM", "BOB", "CDF", "CUP", "CVE", "ERN", "GEL", "IRR", "MAD", "MOP", "NAD", "PEN", "SDG", "SOS",
    "TMT", "TOP",
];

/// Irregular plurals of the last word of a currency name (the regular one adds "s").
const PLURALS: &[(&str, &str)] = &[
    ("krona", "kronor"),
    ("krone", "kroner"),
    ("króna", "krónur"),
    ("real", "reais"),
    ("leu", "lei"),
    ("lev", "leva"),
    ("colón", "colones"),
    ("colon", "colones"),
    ("sol", "soles"),
    ("bolívar", "bolívares"),
    ("loti", "maloti"),
    ("lilangeni", "emalangeni"),
    ("lira", "lire"),
];

/// One currency a phrase can name: the words after its first one (lower case), its code, the power of ten of the
/// unit (cents: -2) and how sure the phrase is to mean money.
pub(super) struct Unit {
    pub(super) rest: Vec<String>,
    pub(super) code: &'static str,
    pub(super) exp: i32,
    pub(super) certainty: Certainty,
}

/// The compiled lexicon.
pub(super) struct Lexicon {
    /// Every code written as a code (3 or 4 capital letters) and the unit it gives.
    codes: HashMap<&'static str, &'static str>,
    /// For each 3-letter code `ABC`, whether it is one: a cheap test for the first-word filter.
    three: Vec<bool>,
    /// Currency phrases by their first word (lower case).
    phrases: HashMap<String, Vec<Unit>>,
}

/// The lexicon, compiled on first use.
pub(super) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::build);

/// The current ISO 4217 currencies that are money (no funds, no special units such as gold or SDRs).
pub(super) fn iso_currencies() -> impl Iterator<Item = Currency> {
    Currency::iter().filter(|c| !c.is_fund() && !c.is_special())
}

/// `s` without the accents of the Latin letters that ISO names use ("złoty" → "zloty").
fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'í' | 'ì' | 'î' | 'ï' => Some('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ồ' => Some('o'),
            'ú' | 'ù' | 'û' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            'ł' => Some('l'),
            'đ' => Some('d'),
            'ʻ' | '\'' => None,
            c => Some(c),
        })
        .collect()
}

/// The phrases an ISO name stands for: "Renminbi (Chinese) yuan" is "renminbi yuan" and "chinese yuan", "Swedish
/// krona/kronor" is "swedish krona" and "swedish kronor"; each also without accents.
fn name_phrases(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut out = Vec::new();
    if let (Some(open), Some(close)) = (lower.find('('), lower.find(')')) {
        if open < close {
            let inner = &lower[open + 1..close];
            let outside = format!("{}{}", &lower[..open], &lower[close + 1..]);
            let words: Vec<&str> = outside.split_whitespace().collect();
            out.push(words.join(" "));
            if let Some((last, _)) = words.split_last() {
                out.push(format!("{inner} {last}"));
            }
        }
    } else if let Some((head, alt)) = lower.split_once('/') {
        out.push(head.to_string());
        if let Some((qualifier, _)) = head.rsplit_once(' ') {
            out.push(format!("{qualifier} {alt}"));
        }
    } else {
        out.push(lower);
    }
    let folded: Vec<String> = out.iter().map(|p| fold(p)).filter(|f| !out.contains(f)).collect();
    out.extend(folded);
    out
}

/// `phrase` and its plural (the last word's irregular plural, else with an "s").
fn with_plural(phrase: &str) -> Vec<String> {
    let (head, last) = match phrase.rsplit_once(' ') {
        Some((h, l)) => (format!("{h} "), l),
        None => (String::new(), phrase),
    };
    let mut out = vec![phrase.to_string(), format!("{head}{last}s")];
    for &(one, many) in PLURALS {
        if one == last {
            out.push(format!("{head}{many}"));
        }
    }
    out
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut lex = Lexicon { codes: HashMap::new(), three: vec![false; 26 * 26 * 26], phrases: HashMap::new() };
        for c in iso_currencies() {
            lex.add_code(c.code(), c.code());
            // One-word names ("Euro", "Boliviano") are currency words of their own; the others need their
            // qualifier, so that "won" or "rand" alone keep the certainty of `WORDS`.
            // "Zimbabwe Gold" (ZWG) would read "5 Zimbabwe gold mines": its code only.
            if c.name().ends_with(" Gold") {
                continue;
            }
            for phrase in name_phrases(c.name()) {
                for p in with_plural(&phrase) {
                    lex.add_phrase(&p, c.code(), 0, Certainty::Sure);
                }
            }
        }
        for &(code, names) in WITHDRAWN {
            lex.add_code(code, code);
            for name in names {
                // "3 Irish pounds of butter": pounds stay a weight without a multiplier.
                let weight = name.ends_with(" pound") || name.ends_with(" pounds");
                lex.add_phrase(name, code, 0, if weight { Certainty::Weight } else { Certainty::Sure });
            }
        }
        for &(written, unit, words) in CRYPTO {
            lex.add_code(written, unit);
            for &(word, exp, certainty) in words {
                lex.add_phrase(word, unit, exp, certainty);
            }
        }
        for &(phrase, code) in NAME_ALIASES {
            for p in with_plural(phrase) {
                lex.add_phrase(&p, code, 0, Certainty::Sure);
            }
        }
        for &(country, word, code, exp, certainty) in WORDS {
            let phrase = if country.is_empty() { word.to_string() } else { format!("{country} {word}") };
            lex.add_phrase(&phrase, code, exp, certainty);
        }
        for &(country, code) in DOLLAR_COUNTRIES {
            for word in ["dollar", "dollars"] {
                lex.add_phrase(&format!("{country} {word}"), code, 0, Certainty::Sure);
            }
        }
        lex
    }

    fn add_code(&mut self, written: &'static str, unit: &'static str) {
        self.codes.insert(written, unit);
        if let Some(k) = three_index(written) {
            self.three[k] = true;
        }
    }

    /// Adds `phrase` unless the same phrase already names a currency (the first table to name it wins: the ISO
    /// names, then the withdrawn and crypto names, then the hand tables).
    fn add_phrase(&mut self, phrase: &str, code: &'static str, exp: i32, certainty: Certainty) {
        let mut words = phrase.split(' ').map(str::to_string);
        let Some(first) = words.next() else { return };
        let rest: Vec<String> = words.collect();
        let units = self.phrases.entry(first).or_default();
        if units.iter().any(|u| u.rest == rest) {
            return;
        }
        units.push(Unit { rest, code, exp, certainty });
    }

    /// The unit a code written in the text gives (`XBT` → `BTC`), matched exactly (codes are capitals).
    pub(super) fn code(&self, word: &str) -> Option<&'static str> {
        match word.len() {
            3 if three_index(word).is_some_and(|k| self.three[k]) => self.codes.get(word).copied(),
            4 if word.bytes().all(|b| b.is_ascii_uppercase()) => self.codes.get(word).copied(),
            _ => None,
        }
    }

    /// True if `word` starts with a 3-letter code (`EUR5m`), the cheap test of the first-word filter.
    pub(super) fn starts_with_code(&self, word: &str) -> bool {
        word.get(..3).and_then(three_index).is_some_and(|k| self.three[k]) || self.code(word).is_some()
    }

    /// The phrases that start with the word `first` (any case).
    pub(super) fn phrases(&self, first: &str) -> &[Unit] {
        let found = if first.bytes().any(|b| b.is_ascii_uppercase()) || !first.is_ascii() {
            self.phrases.get(&first.to_lowercase())
        } else {
            self.phrases.get(first)
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// Every code written as a code, and its unit.
    #[cfg(test)]
    pub(super) fn codes(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.codes.iter().map(|(&k, &v)| (k, v))
    }

    /// Every phrase and its unit.
    #[cfg(test)]
    pub(super) fn all_phrases(&self) -> impl Iterator<Item = (String, &'static str)> + '_ {
        self.phrases.iter().flat_map(|(first, units)| {
            units.iter().map(move |u| {
                let mut p = first.clone();
                for r in &u.rest {
                    p.push(' ');
                    p.push_str(r);
                }
                (p, u.code)
            })
        })
    }
}

/// The index of a 3-capital-letter word in the code bitmap.
fn three_index(word: &str) -> Option<usize> {
    match word.as_bytes() {
        &[a, b, c] if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_uppercase() => {
            Some(((a - b'A') as usize * 26 + (b - b'A') as usize) * 26 + (c - b'A') as usize)
        }
        _ => None,
    }
}

/// True if `code` is a unit the extractor may write: an ISO 4217 code (current or withdrawn) or a crypto-asset's.
#[cfg(test)]
pub(super) fn known_unit(code: &str) -> bool {
    iso_currencies().any(|c| c.code() == code)
        || WITHDRAWN.iter().any(|(c, _)| *c == code)
        || CRYPTO.iter().any(|(_, u, _)| *u == code)
}
