//! The lexicon: every word, symbol and code the grammar knows, as data, and the lookups over it.
//!
//! Extending the extractor to a new currency, abbreviation or multiplier means adding a row here; the rules in
//! [`super::money`], [`super::numbers`] and [`super::percent`] stay as they are, and so does the first-word filter
//! [`may_start`], which is derived from these tables rather than restating them. The codes and the ISO names come
//! from the ISO 4217 list (see `currencies.rs`); these tables add spellings.

/// Currency signs before or after the number, with or without a space: every sign of Unicode's `Sc` category that
/// stands for one currency (a test checks that each `Sc` sign is here or in [`SIGNS_OF_SEVERAL`]), and the CJK
/// characters for yuan and yen. `$` and `¥` are USD and JPY by convention; `₩` is the South Korean won.
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
    ("₫", "VND"),
    ("₡", "CRC"),
    ("₾", "GEL"),
    ("₦", "NGN"),
    ("₱", "PHP"),
    ("₴", "UAH"),
    ("₭", "LAK"),
    ("₮", "MNT"),
    ("₲", "PYG"),
    ("₵", "GHS"),
    ("₸", "KZT"),
    ("₼", "AZN"),
    ("⃀", "KGS"),
    ("⃁", "SAR"),
    ("฿", "THB"),
    ("៛", "KHR"),
    ("֏", "AMD"),
    ("؋", "AFN"),
    ("৳", "BDT"),
    ("૱", "INR"),
    ("௹", "INR"),
    ("₠", "XEU"),
    ("₧", "ESP"),
    ("₯", "GRD"),
    ("₳", "ARA"),
    ("₿", "BTC"),
    ("＄", "USD"),
    ("﹩", "USD"),
    ("￡", "GBP"),
    ("￥", "JPY"),
    ("￦", "KRW"),
    ("元", "CNY"),
    ("円", "JPY"),
];

/// The signs of Unicode's `Sc` category that are not read, with why: several currencies share them (a guessed
/// code is a wrong value), or they name no currency of ISO 4217. `¢` is read as a minor unit (see [`WORDS`]).
#[cfg_attr(not(test), allow(dead_code))] // the test that checks every `Sc` sign reads it
pub(super) const SIGNS_OF_SEVERAL: &[(char, &str)] = &[
    ('¢', "cents of any dollar: read after the number as US cents, see WORDS"),
    ('￠', "cents of any dollar: read after the number as US cents, see WORDS"),
    ('¤', "the generic currency sign"),
    ('߾', "NKo dorome: no ISO 4217 unit"),
    ('߿', "NKo taman: no ISO 4217 unit"),
    ('৲', "Bengali rupee mark: several rupees"),
    ('৻', "Bengali ganda: no ISO 4217 unit"),
    ('₢', "cruzeiro: several Brazilian cruzeiros (BRB, BRE, BRR)"),
    ('₣', "franc: CHF, CDF, DJF, GNF, KMF, XPF and FRF share it"),
    ('₤', "lira: ITL, TRY, MTL share it (and some write pounds with it)"),
    ('₥', "mill: a thousandth, no currency"),
    ('₨', "rupee: INR, PKR, LKR, NPR, MUR, SCR share it"),
    ('₰', "German penny: a minor unit of marks and reichsmarks"),
    ('₶', "livre tournois: no ISO 4217 unit"),
    ('₷', "spesmilo: no ISO 4217 unit"),
    ('₻', "Nordic mark: no ISO 4217 unit"),
    ('꠸', "North Indic rupee mark: several rupees"),
    ('﷼', "rial: IRR, SAR, OMR, QAR, YER share it"),
    ('𑿝', "Tamil kaacu: no ISO 4217 unit"),
    ('𑿞', "Tamil panam: no ISO 4217 unit"),
    ('𑿟', "Tamil pon: no ISO 4217 unit"),
    ('𑿠', "Tamil varaakan: no ISO 4217 unit"),
    ('𞋿', "Wancho ngun: no ISO 4217 unit"),
    ('𞲰', "Indic Siyaq rupee mark: several rupees"),
];

/// Letters written right before `$` (`US$5m`, `c$5`, `Mex$ 4 million`, `C $ 250 million`): the dollar or peso they
/// name. Matched in any case when touching the `$`; with a space between, only as written here, and never `A`
/// (the article: "A $5m deal").
pub(super) const DOLLAR_PREFIXES: &[(&str, &str)] = &[
    ("US", "USD"),
    ("U.S.", "USD"),
    ("A", "AUD"),
    ("AU", "AUD"),
    ("C", "CAD"),
    ("CA", "CAD"),
    ("CAN", "CAD"),
    ("HK", "HKD"),
    ("NZ", "NZD"),
    ("S", "SGD"),
    ("NT", "TWD"),
    ("R", "BRL"),
    ("SGD", "SGD"),
    ("MEX", "MXN"),
    ("RD", "DOP"),
    ("N", "NAD"),
    ("J", "JMD"),
    ("TT", "TTD"),
    ("B", "BND"),
    ("BDS", "BBD"),
    ("FJ", "FJD"),
    ("G", "GYD"),
    ("L", "LRD"),
    ("T", "TOP"),
    ("WS", "WST"),
    ("MOP", "MOP"),
    ("EC", "XCD"),
    ("BZ", "BZD"),
    ("CI", "KYD"),
    ("BD", "BMD"),
    ("SI", "SBD"),
    ("Z", "ZWL"),
];

/// Currency abbreviations written before or after a number (`Rs 20`, `45 zł`, `171900 руб.`), matched exactly.
pub(super) const ABBREVIATIONS: &[(&str, &str)] = &[
    ("Rs", "INR"),
    ("Kč", "CZK"),
    ("zł", "PLN"),
    ("руб", "RUB"),
    ("Rp", "IDR"),
    ("DM", "DEM"),
    ("грн", "UAH"),
    ("Ft", "HUF"),
    ("RM", "MYR"),
    ("TL", "TRY"),
    ("KD", "KWD"),
    ("lei", "RON"),
    ("лв", "BGN"),
    ("р", "RUB"),
    ("Р", "RUB"),
    ("원", "KRW"),
    ("人民币", "CNY"),
    ("บาท", "THB"),
    ("ლარი", "GEL"),
    ("ლ", "GEL"),
    ("ብር", "ETB"),
    ("ናቕፋ", "ERN"),
    ("so'm", "UZS"),
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
    /// "bitcoin", "ether": money unless a noun follows that the word modifies ("5 bitcoin exchanges" counts
    /// exchanges); see [`MODIFIER_FOLLOWERS`].
    Modifier,
}

/// The words that may follow a [`Certainty::Modifier`] currency word in an amount ("2,500 bitcoin in ransom", "1
/// bitcoin worth"); any other lower-case word after it makes it a modifier of that word.
pub(super) const MODIFIER_FOLLOWERS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "back", "before", "being", "but", "by", "during", "each", "for", "from",
    "had", "has", "have", "in", "into", "is", "of", "on", "or", "over", "per", "since", "than", "that", "the", "to",
    "via", "was", "were", "which", "while", "will", "with", "worth", "would",
];

/// Currency names the ISO list writes otherwise, with their qualifier (lower case): "Korean won" for the South
/// Korean won, crowns for the Nordic and Czech crowns, …. Plurals are added as for ISO names.
pub(super) const NAME_ALIASES: &[(&str, &str)] = &[
    ("korean won", "KRW"),
    ("russian rouble", "RUB"),
    ("belarusian rouble", "BYN"),
    ("uae dirham", "AED"),
    ("emirati dirham", "AED"),
    ("czech crown", "CZK"),
    ("danish crown", "DKK"),
    ("swedish crown", "SEK"),
    ("norwegian crown", "NOK"),
    ("icelandic crown", "ISK"),
    ("vietnamese dong", "VND"),
    ("mongolian tugrik", "MNT"),
    ("peruvian nuevo sol", "PEN"),
    ("kazakh tenge", "KZT"),
    ("ghana cedi", "GHS"),
    ("philippine piso", "PHP"),
    ("british pound", "GBP"),
    ("chinese renminbi", "CNY"),
];

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
    ("", "¢", "USD", -2, Certainty::Sure),
    ("", "￠", "USD", -2, Certainty::Sure),
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
    ("guilder", "guilder"),
    ("guilders", "guilder"),
    ("escudo", "escudo"),
    ("escudos", "escudo"),
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
    ("franc", "BEF", &["belgian", "belgium", "brussels"]),
    ("franc", "LUF", &["luxembourg", "luxembourgish"]),
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
    ("shilling", "ATS", &["austria", "austrian", "vienna"]),
    ("lira", "TRY", &["turkey", "turkish", "ankara", "istanbul"]),
    ("lira", "ITL", &["italy", "italian", "rome", "milan"]),
    ("lira", "MTL", &["malta", "maltese", "valletta"]),
    ("kwacha", "ZMW", &["zambia", "zambian", "lusaka"]),
    ("kwacha", "MWK", &["malawi", "malawian", "lilongwe"]),
    ("guilder", "NLG", &["netherlands", "dutch", "holland", "amsterdam", "the hague", "rotterdam"]),
    ("guilder", "XCG", &["curacao", "curaçao", "sint maarten"]),
    ("guilder", "AWG", &["aruba", "aruban"]),
    ("escudo", "PTE", &["portugal", "portuguese", "lisbon"]),
    ("escudo", "CVE", &["cape verde", "cape verdean", "cabo verde", "praia"]),
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
/// paise"), with the currencies they are a hundredth of (none listed: any currency but sterling). Matched
/// case-insensitively.
pub(super) const MINOR_UNIT_WORDS: &[(&str, &[&str])] = &[
    ("cents", &[]),
    ("cent", &[]),
    ("pence", &["GBP"]),
    ("paise", &["INR", "PKR", "NPR"]),
    ("kopecks", &["RUB", "UAH", "BYN"]),
    ("kopeks", &["RUB", "UAH", "BYN"]),
];

/// True if the minor-unit word `word` is a hundredth of `code`.
pub(super) fn minor_unit_of(word: &str, code: &str) -> bool {
    MINOR_UNIT_WORDS.iter().any(|(w, codes)| {
        w.eq_ignore_ascii_case(word) && if codes.is_empty() { code != "GBP" } else { codes.contains(&code) }
    })
}

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

/// The word that negates the amount after it: "minus three per cent".
pub(super) const MINUS: &str = "minus";

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

/// The code of a currency sign of [`SYMBOLS`], matched exactly; the only ASCII one is `$`, so other ASCII words
/// are rejected without a comparison.
pub(super) fn symbol(word: &str) -> Option<&'static str> {
    if word.is_ascii() && word != "$" {
        return None;
    }
    lookup(SYMBOLS, word)
}

/// The code a symbol, prefix or abbreviation stands for, matched exactly.
pub(super) fn lookup(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}
