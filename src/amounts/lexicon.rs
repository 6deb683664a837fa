//! The lexicon: every word, symbol and code the grammar knows, as data, and the lookups over it.
//!
//! Extending the extractor to a new currency, abbreviation or multiplier means adding a row here; the rules in
//! [`super::money`], [`super::numbers`] and [`super::percent`] stay as they are, and so does the first-word filter
//! [`may_start`], which is derived from these tables rather than restating them.

/// Currency symbols.
pub(super) const SYMBOLS: &[(&str, &str)] = &[
    ("$", "USD"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("¥", "JPY"),
    ("₩", "KRW"),
    ("₹", "INR"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("₪", "ILS"),
];

/// Letters written right before `$` (`US$5m`).
pub(super) const DOLLAR_PREFIXES: &[(&str, &str)] = &[
    ("US", "USD"),
    ("A", "AUD"),
    ("AU", "AUD"),
    ("C", "CAD"),
    ("CA", "CAD"),
    ("HK", "HKD"),
    ("NZ", "NZD"),
    ("S", "SGD"),
    ("NT", "TWD"),
    ("R", "BRL"),
    ("SGD", "SGD"),
];

/// Currency abbreviations written before or after a number (`Rs 20`, `45 zł`, `171900 руб.`), matched exactly.
pub(super) const ABBREVIATIONS: &[(&str, &str)] = &[
    ("Rs", "INR"),
    ("Kč", "CZK"),
    ("zł", "PLN"),
    ("руб", "RUB"),
    ("Rp", "IDR"),
    ("₫", "VND"),
    ("грн", "UAH"),
    ("Ft", "HUF"),
    ("RM", "MYR"),
    ("TL", "TRY"),
    ("KD", "KWD"),
    ("lei", "RON"),
];

/// ISO 4217 codes recognized before or after a number.
pub(super) const CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "KRW", "INR", "RUB", "CHF", "AUD", "CAD", "HKD", "NZD", "SGD", "SEK", "NOK",
    "DKK", "TRY", "ILS", "BRL", "MXN", "ZAR", "PLN", "HUF", "CZK", "THB", "MYR", "IDR", "SAR", "AED", "EGP", "NGN",
    "KES", "PKR", "TWD", "ARS", "CLP", "COP", "RON", "UAH", "VND", "KWD", "OMR", "QAR", "BHD", "XOF", "XAF", "XCD",
    "JOD", "IQD", "TND", "DZD", "ISK", "UGX", "TZS", "GHS", "LKR", "BDT",
];

/// Currencies whose amounts are written without minor units, where `31.500` means 31500.
pub(super) const NO_MINOR_UNITS: &[&str] = &["IDR", "HUF", "VND", "KRW", "JPY", "CLP", "COP", "UAH"];

/// How sure a currency word is to mean money after a number.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Certainty {
    /// "dollars", "euros": always money.
    Sure,
    /// "won" (a verb), "rand" (a name): money after digits or a multiplier ("5,000 won", "two million won").
    Ambiguous,
    /// "pounds" (a weight): money only after a multiplier ("5m pounds", "a million pounds") or with "sterling".
    Weight,
}

/// Currency words after a number: (country word or "" for none, word, code, power of ten of the unit, certainty).
/// The longest match wins, so "Australian dollars" beats "dollars". Dollars named by their country are in
/// [`DOLLAR_COUNTRIES`]; words that several currencies share without a default ("francs", "pesos") are in
/// [`SHARED_WORDS`].
pub(super) const WORDS: &[(&str, &str, &str, i32, Certainty)] = &[
    ("", "dollar", "USD", 0, Certainty::Sure),
    ("", "dollars", "USD", 0, Certainty::Sure),
    ("", "euro", "EUR", 0, Certainty::Sure),
    ("", "euros", "EUR", 0, Certainty::Sure),
    ("", "pounds", "GBP", 0, Certainty::Weight),
    ("", "pound", "GBP", 0, Certainty::Weight),
    ("british", "pounds", "GBP", 0, Certainty::Sure),
    ("egyptian", "pounds", "EGP", 0, Certainty::Sure),
    ("", "sterling", "GBP", 0, Certainty::Sure),
    ("", "yen", "JPY", 0, Certainty::Sure),
    ("", "yuan", "CNY", 0, Certainty::Sure),
    ("", "renminbi", "CNY", 0, Certainty::Sure),
    ("", "won", "KRW", 0, Certainty::Ambiguous),
    ("south korean", "won", "KRW", 0, Certainty::Sure),
    ("", "rupee", "INR", 0, Certainty::Sure),
    ("", "rupees", "INR", 0, Certainty::Sure),
    ("indian", "rupees", "INR", 0, Certainty::Sure),
    ("pakistani", "rupees", "PKR", 0, Certainty::Sure),
    ("sri lankan", "rupees", "LKR", 0, Certainty::Sure),
    ("nepalese", "rupees", "NPR", 0, Certainty::Sure),
    ("", "rupiah", "IDR", 0, Certainty::Sure),
    ("", "baht", "THB", 0, Certainty::Sure),
    ("", "ringgit", "MYR", 0, Certainty::Sure),
    ("", "naira", "NGN", 0, Certainty::Sure),
    ("", "zloty", "PLN", 0, Certainty::Sure),
    ("", "zlotys", "PLN", 0, Certainty::Sure),
    ("", "forints", "HUF", 0, Certainty::Sure),
    ("", "koruna", "CZK", 0, Certainty::Sure),
    ("", "hryvnia", "UAH", 0, Certainty::Sure),
    ("", "hryvnias", "UAH", 0, Certainty::Sure),
    ("", "cedis", "GHS", 0, Certainty::Sure),
    ("", "roubles", "RUB", 0, Certainty::Sure),
    ("", "rubles", "RUB", 0, Certainty::Sure),
    ("", "rouble", "RUB", 0, Certainty::Sure),
    ("", "ruble", "RUB", 0, Certainty::Sure),
    ("", "kronor", "SEK", 0, Certainty::Sure),
    ("swedish", "kronor", "SEK", 0, Certainty::Sure),
    ("", "rand", "ZAR", 0, Certainty::Ambiguous),
    ("", "reais", "BRL", 0, Certainty::Sure),
    ("", "shekels", "ILS", 0, Certainty::Sure),
    ("", "cent", "USD", -2, Certainty::Sure),
    ("", "cents", "USD", -2, Certainty::Sure),
    ("euro", "cents", "EUR", -2, Certainty::Sure),
    ("", "pence", "GBP", -2, Certainty::Sure),
    ("", "bucks", "USD", 0, Certainty::Ambiguous),
    ("", "penny", "GBP", -2, Certainty::Sure),
];

/// Dollars named by their country, before "dollar" or "dollars" (`500 Singapore dollars`, `5m East Caribbean
/// dollars`): (country words, lower case, separated by spaces; code). A dollar without one is USD.
pub(super) const DOLLAR_COUNTRIES: &[(&str, &str)] = &[
    ("us", "USD"),
    ("u.s.", "USD"),
    ("american", "USD"),
    ("australian", "AUD"),
    ("canadian", "CAD"),
    ("hong kong", "HKD"),
    ("new zealand", "NZD"),
    ("singapore", "SGD"),
    ("singaporean", "SGD"),
    ("taiwan", "TWD"),
    ("taiwanese", "TWD"),
    ("east caribbean", "XCD"),
    ("eastern caribbean", "XCD"),
    ("jamaican", "JMD"),
    ("fijian", "FJD"),
    ("namibian", "NAD"),
    ("brunei", "BND"),
    ("bahamian", "BSD"),
    ("barbados", "BBD"),
    ("liberian", "LRD"),
    ("trinidad and tobago", "TTD"),
];

/// Currency words that several currencies share, each with its group: no currency is the default, so the code is
/// decided from a qualifier or the places around it (see [`SHARED_PLACES`]), or not at all.
pub(super) const SHARED_WORDS: &[(&str, &str)] = &[
    ("peso", "peso"),
    ("pesos", "peso"),
    ("franc", "franc"),
    ("francs", "franc"),
    ("krone", "krone"),
    ("kroner", "krone"),
    ("krona", "krona"),
    ("dinar", "dinar"),
    ("dinars", "dinar"),
    ("riyal", "riyal"),
    ("riyals", "riyal"),
    ("rial", "riyal"),
    ("rials", "riyal"),
    ("dirham", "dirham"),
    ("dirhams", "dirham"),
    ("shilling", "shilling"),
    ("shillings", "shilling"),
    ("lira", "lira"),
    ("liras", "lira"),
    ("kwacha", "kwacha"),
];

/// For each shared currency word's group: the currencies it can be, each with the words that point to it (lower
/// case, a phrase's words separated by spaces): the country, its adjective and a few cities. A place listed under
/// two codes of a group ("congo") decides nothing.
pub(super) const SHARED_PLACES: &[(&str, &str, &[&str])] = &[
    ("peso", "MXN", &["mexico", "mexican", "mexicans", "mexico city"]),
    ("peso", "ARS", &["argentina", "argentine", "argentinian", "argentinean", "argentines", "buenos aires"]),
    ("peso", "CLP", &["chile", "chilean"]),
    ("peso", "COP", &["colombia", "colombian", "bogota"]),
    ("peso", "PHP", &["philippines", "philippine", "filipino", "manila"]),
    ("peso", "UYU", &["uruguay", "uruguayan", "montevideo"]),
    ("peso", "CUP", &["cuba", "cuban", "havana"]),
    ("peso", "DOP", &["dominican republic", "dominican", "santo domingo"]),
    ("franc", "CHF", &["swiss", "switzerland", "zurich", "geneva", "bern"]),
    ("franc", "FRF", &["french", "france"]),
    ("franc", "BEF", &["belgian", "belgium"]),
    (
        "franc",
        "XOF",
        &[
            "west african",
            "senegal",
            "senegalese",
            "dakar",
            "ivory coast",
            "côte d'ivoire",
            "ivorian",
            "mali",
            "malian",
            "bamako",
            "burkina faso",
            "burkinabe",
            "niger",
            "nigerien",
            "niamey",
            "benin",
            "beninese",
            "togo",
            "togolese",
            "guinea-bissau",
        ],
    ),
    (
        "franc",
        "XAF",
        &[
            "central african",
            "cameroon",
            "cameroonian",
            "yaounde",
            "chadian",
            "gabon",
            "gabonese",
            "congo",
            "congo-brazzaville",
            "equatorial guinea",
        ],
    ),
    ("franc", "CDF", &["congo", "congolese", "drc", "kinshasa"]),
    ("franc", "RWF", &["rwanda", "rwandan", "kigali"]),
    ("franc", "BIF", &["burundi", "burundian"]),
    ("franc", "DJF", &["djibouti"]),
    ("krone", "DKK", &["danish", "denmark", "copenhagen"]),
    ("krone", "NOK", &["norwegian", "norway", "oslo"]),
    ("krona", "SEK", &["swedish", "sweden", "stockholm"]),
    ("krona", "ISK", &["icelandic", "iceland", "reykjavik"]),
    ("dinar", "KWD", &["kuwait", "kuwaiti"]),
    ("dinar", "BHD", &["bahrain", "bahraini"]),
    ("dinar", "JOD", &["jordanian", "amman"]),
    ("dinar", "IQD", &["iraq", "iraqi", "iraqis", "baghdad"]),
    ("dinar", "LYD", &["libya", "libyan", "tripoli"]),
    ("dinar", "TND", &["tunisia", "tunisian", "tunis"]),
    ("dinar", "DZD", &["algeria", "algerian", "algiers"]),
    ("dinar", "RSD", &["serbia", "serbian", "belgrade"]),
    ("riyal", "SAR", &["saudi", "saudi arabia", "riyadh"]),
    ("riyal", "QAR", &["qatar", "qatari", "doha"]),
    ("riyal", "OMR", &["oman", "omani", "muscat"]),
    ("riyal", "IRR", &["iran", "iranian", "tehran"]),
    ("riyal", "YER", &["yemen", "yemeni", "sanaa"]),
    ("dirham", "AED", &["uae", "united arab emirates", "emirati", "dubai", "abu dhabi"]),
    ("dirham", "MAD", &["morocco", "moroccan", "rabat"]),
    ("shilling", "KES", &["kenya", "kenyan", "nairobi"]),
    ("shilling", "UGX", &["uganda", "ugandan", "kampala"]),
    ("shilling", "TZS", &["tanzania", "tanzanian", "dar es salaam"]),
    ("shilling", "SOS", &["somalia", "somali", "mogadishu"]),
    ("lira", "TRY", &["turkey", "turkish", "ankara", "istanbul"]),
    ("lira", "ITL", &["italy", "italian", "rome"]),
    ("kwacha", "ZMW", &["zambia", "zambian", "lusaka"]),
    ("kwacha", "MWK", &["malawi", "malawian", "lilongwe"]),
];

/// Words between a shared currency word and its place that narrow the candidates without deciding: (group, word,
/// codes). "CFA francs" are West (XOF) or Central (XAF) African francs; the places decide which.
pub(super) const SHARED_QUALIFIERS: &[(&str, &str, &[&str])] = &[("franc", "cfa", &["XOF", "XAF"])];

/// Written after `$` and touching it, Australian style (`$US1,000`, `$A8,800`, `$NZ5m`): the dollar it names. ISO
/// codes of dollars (`$AUD1.1bn`) count too.
pub(super) const DOLLAR_AFTER: &[(&str, &str)] = &[
    ("US", "USD"),
    ("A", "AUD"),
    ("AU", "AUD"),
    ("NZ", "NZD"),
    ("HK", "HKD"),
    ("C", "CAD"),
    ("CA", "CAD"),
    ("S", "SGD"),
    ("NT", "TWD"),
];

/// Minor-unit words that add hundredths to a major unit before them ("2 dollars and 23 cents", "20 rupees 43
/// paise"). Matched case-insensitively.
pub(super) const MINOR_UNIT_WORDS: &[&str] = &["cents", "cent", "pence", "paise", "kopecks"];

/// Multiplier words and suffixes: (spelling, power of ten). Matched case-insensitively.
pub(super) const MULTIPLIERS: &[(&str, u32)] = &[
    ("k", 3),
    ("thousand", 3),
    ("m", 6),
    ("mn", 6),
    ("mln", 6),
    ("million", 6),
    ("b", 9),
    ("bn", 9),
    ("billion", 9),
    ("tn", 12),
    ("trillion", 12),
    ("lakh", 5),
    ("crore", 7),
];

/// Number words: (word, value, is a scale that multiplies what came before).
pub(super) const NUMBER_WORDS: &[(&str, u64, bool)] = &[
    ("zero", 0, false),
    ("one", 1, false),
    ("two", 2, false),
    ("three", 3, false),
    ("four", 4, false),
    ("five", 5, false),
    ("six", 6, false),
    ("seven", 7, false),
    ("eight", 8, false),
    ("nine", 9, false),
    ("ten", 10, false),
    ("eleven", 11, false),
    ("twelve", 12, false),
    ("thirteen", 13, false),
    ("fourteen", 14, false),
    ("fifteen", 15, false),
    ("sixteen", 16, false),
    ("seventeen", 17, false),
    ("eighteen", 18, false),
    ("nineteen", 19, false),
    ("twenty", 20, false),
    ("thirty", 30, false),
    ("forty", 40, false),
    ("fifty", 50, false),
    ("sixty", 60, false),
    ("seventy", 70, false),
    ("eighty", 80, false),
    ("ninety", 90, false),
    ("hundred", 100, true),
    ("thousand", 1_000, true),
    ("million", 1_000_000, true),
    ("billion", 1_000_000_000, true),
    ("trillion", 1_000_000_000_000, true),
];

/// Articles that stand for "one" before a scale word: "a million dollars".
pub(super) const ARTICLES: &[&str] = &["a", "an"];

/// One half, alone or before an article and a scale word: "half a per cent", "half a million dollars".
pub(super) const HALF: &str = "half";

/// Fractions of a unit, written in words: (word, value in hundredths). "a quarter of a per cent", "three quarters of
/// a percentage point", "a quarter-point cut". Thirds are left out: their value is no exact decimal.
pub(super) const FRACTIONS: &[(&str, u32)] = &[("quarter", 25), ("quarters", 25), ("tenth", 10), ("tenths", 10)];

/// The word between the whole part and the digits of a decimal spelled out: "two point five per cent".
pub(super) const POINT: &str = "point";

/// The word that opens a range closed by "and": "between 50 and 60%".
pub(super) const BETWEEN: &str = "between";

/// Percent markers of one word after a number: `5%`, `5 percent`, `5 pct` (`per cent`, two words, is its own rule).
pub(super) const PERCENT_SIGNS: &[&str] = &["%", "percent", "per-cent", "pct", "pc"];

/// Basis points, hundredths of a percentage point: `25 bp`, `25 bps` (and `25 basis points`).
pub(super) const BASIS_POINT_SIGNS: &[&str] = &["bp", "bps"];

/// Words that make "points" a rate change (percentage points) rather than index points.
pub(super) const RATE_WORDS: &[&str] = &["rate", "rates", "yield", "yields", "interest"];

/// The power of ten of a multiplier word or suffix (`bn` → 9), any case.
pub(super) fn multiplier(word: &str) -> Option<u32> {
    MULTIPLIERS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, e)| e)
}

/// The value in hundredths of a fraction word (`quarter` → 25), any case.
pub(super) fn fraction(word: &str) -> Option<u32> {
    FRACTIONS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|&(_, v)| v)
}

/// A number word's value and whether it is a scale (`million` → (1000000, true)), any case.
pub(super) fn number_word(word: &str) -> Option<(u64, bool)> {
    NUMBER_WORDS.iter().find(|(w, _, _)| w.eq_ignore_ascii_case(word)).map(|&(_, v, s)| (v, s))
}

/// The code a symbol, prefix or abbreviation stands for, matched exactly.
pub(super) fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// `word` if it is an ISO 4217 code of the lexicon, matched exactly (codes are upper case).
pub(super) fn iso_code(word: &str) -> Option<&'static str> {
    CODES.iter().find(|c| **c == word).copied()
}

/// A cheap first test: can an amount start with this word? Most words of running text are lower-case words that
/// cannot, and skipping them here keeps the extractor fast.
///
/// An amount starts with a digit, sign, bracket or symbol (anything but an ASCII letter), or with a word a rule
/// opens with: a number word, an article, "half" or a fraction (spelled numbers, `twenty-five` by its first part), "between"
/// (ranges), an abbreviation or dollar prefix (exactly), or an ISO code (also glued to its number, `EUR5m`). The
/// lexicon words are lower case: a word written in lower case must match one exactly, a capitalised one ("Five",
/// "FIVE") in any case. The first byte and the length decide most words alone (see [`OPENINGS`], [`EXACT_FIRST`]).
pub(super) fn may_start(word: &str) -> bool {
    let Some(&first) = word.as_bytes().first() else { return false };
    if !first.is_ascii_alphabetic() {
        return true; // digits, signs, brackets, symbols
    }
    let head = word.split('-').next().unwrap_or(word);
    let lower = first.is_ascii_lowercase();
    let is_word = |w: &str| if lower { head == w } else { head.eq_ignore_ascii_case(w) };
    let opening_word = OPENINGS[first.to_ascii_lowercase() as usize] & length_bit(head.len()) != 0
        && (ARTICLES.iter().any(|w| is_word(w))
            || is_word(HALF)
            || is_word(BETWEEN)
            || FRACTIONS.iter().any(|(w, _)| is_word(w))
            || NUMBER_WORDS.iter().any(|(w, _, _)| is_word(w)));
    let exact_entry = EXACT_FIRST[first as usize]
        && (ABBREVIATIONS.iter().any(|(a, _)| *a == word)
            || DOLLAR_PREFIXES.iter().any(|(p, _)| *p == word)
            || CODES.iter().any(|c| word.starts_with(c)));
    opening_word || exact_entry
}

/// For each lower-cased first byte, the lengths (as bits, 31 standing for 31 and longer) of the words [`may_start`]
/// matches by their head in any case (articles, "half", "between", fractions, number words), computed from the tables at
/// compile time: a word whose first byte and length fit none of them is rejected without a comparison.
const OPENINGS: [u32; 256] = {
    let mut set = [0; 256];
    let mut i = 0;
    while i < ARTICLES.len() {
        set = mark_opening(set, ARTICLES[i]);
        i += 1;
    }
    set = mark_opening(set, HALF);
    set = mark_opening(set, BETWEEN);
    let mut i = 0;
    while i < FRACTIONS.len() {
        set = mark_opening(set, FRACTIONS[i].0);
        i += 1;
    }
    let mut i = 0;
    while i < NUMBER_WORDS.len() {
        set = mark_opening(set, NUMBER_WORDS[i].0);
        i += 1;
    }
    set
};

/// The bit of a word's length in [`OPENINGS`].
const fn length_bit(len: usize) -> u32 {
    1 << if len < 31 { len } else { 31 }
}

/// `set` with `word` marked by its lower-cased first byte and its length.
const fn mark_opening(mut set: [u32; 256], word: &str) -> [u32; 256] {
    if let Some(&b) = word.as_bytes().first() {
        set[b.to_ascii_lowercase() as usize] |= length_bit(word.len());
    }
    set
}

/// The first bytes of the entries [`may_start`] matches exactly (abbreviations, dollar prefixes, ISO codes),
/// computed from the tables at compile time.
const EXACT_FIRST: [bool; 256] = {
    let mut set = [false; 256];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        set = mark_first(set, ABBREVIATIONS[i].0);
        i += 1;
    }
    let mut i = 0;
    while i < DOLLAR_PREFIXES.len() {
        set = mark_first(set, DOLLAR_PREFIXES[i].0);
        i += 1;
    }
    let mut i = 0;
    while i < CODES.len() {
        set = mark_first(set, CODES[i]);
        i += 1;
    }
    set
};

/// `set` with the first byte of `word` marked.
const fn mark_first(mut set: [bool; 256], word: &str) -> [bool; 256] {
    if let Some(&b) = word.as_bytes().first() {
        set[b as usize] = true;
    }
    set
}
