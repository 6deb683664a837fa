//! The amounts extractor on other projects' test suites, fetched pinned from PyPI by `scripts/setup.sh`
//! (never committed): price-parser 0.5.1's 1,185 price strings and Duckling 0.4.23's English finance corpus; and
//! the money and percent cases of Stanford CoreNLP's `QuantifiableEntityNormalizerTest` (31 short strings, written
//! out below with their expected values). All three are development sets: rules were written while reading their
//! failures.
//! Each test prints the share that passes and why the rest fails, and guards that share against regressions.
//! Run `cargo test --release --test amount_suites -- --nocapture` to see the report.

mod common;

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

fn suite(name: &str) -> String {
    let path = common::cached(&format!("data/amounts/{name}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (value, unit) of every amount nertab finds in `text`.
fn found(text: &str) -> Vec<(Decimal, &'static str)> {
    let doc = nertab::tokenize::tokenize(text);
    nertab::amounts::extract(text, &doc).into_iter().map(|a| (a.value, a.unit)).collect()
}

/// The ISO code nertab should give for a currency as the other suite writes it.
fn iso(raw: &str) -> Option<&'static str> {
    Some(match raw.trim() {
        "$" | "US$" | "USD" | "dollars" => "USD",
        "€" | "EUR" | "euro" | "Euro" => "EUR",
        "£" | "GBP" => "GBP",
        "¥" | "JPY" => "JPY",
        "₹" | "INR" => "INR",
        "₽" | "RUB" => "RUB",
        "₩" | "KRW" => "KRW",
        "CHF" => "CHF",
        "AUD" | "A$" | "AU$" => "AUD",
        "CAD" | "C$" | "CA$" => "CAD",
        "HKD" | "HK$" => "HKD",
        "SGD$" => "SGD",
        "NZD" | "NZ$" => "NZD",
        "SGD" | "S$" => "SGD",
        "SEK" => "SEK",
        "NOK" => "NOK",
        "DKK" => "DKK",
        "PLN" => "PLN",
        "CZK" => "CZK",
        "BRL" => "BRL",
        "MXN" => "MXN",
        "ZAR" => "ZAR",
        "TRY" | "TL" => "TRY",
        "R$" => "BRL",
        "Kč" => "CZK",
        "zł" => "PLN",
        "руб." | "руб" => "RUB",
        "Rp" => "IDR",
        "₫" => "VND",
        "грн." | "грн" => "UAH",
        "Ft" => "HUF",
        "Rs" | "Rs." => "INR",
        "₪" => "ILS",
        "NT$" => "TWD",
        "RM" => "MYR",
        "KD" => "KWD",
        "lei" | "LEI" => "RON",
        "AED" => "AED",
        "OMR" => "OMR",
        // Signs and words of one currency each (the harness maps them; nertab reads them or not).
        "￡" => "GBP",
        "円" => "JPY",
        "元" | "人民币" => "CNY",
        "₿" => "BTC",
        "₼" => "AZN",
        "₺" => "TRY",
        "₵" => "GHS",
        "₴" => "UAH",
        "₱" => "PHP",
        "₮" => "MNT",
        "₭" => "LAK",
        "₦" => "NGN",
        "₡" => "CRC",
        "៛" => "KHR",
        "฿" | "บาท" => "THB",
        "৳" => "BDT",
        "원" => "KRW",
        "лв." | "лв" => "BGN",
        "Р" | "р." => "RUB",
        "ლარი" | "ლ" => "GEL",
        "ብር" => "ETB",
        "ናቕፋ" => "ERN",
        "so'm" => "UZS",
        _ => return None,
    })
}

#[derive(Deserialize)]
struct PriceCase {
    price_raw: Option<String>,
    currency: Option<String>,
    amount: Option<String>,
}

fn european_format(s: &str) -> bool {
    let b = s.as_bytes();
    (1..b.len().saturating_sub(1)).any(|i| {
        b[i] == b',' && b[i - 1].is_ascii_digit() && {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            digits == 1 || digits == 2
        }
    }) || (1..b.len()).any(|i| {
        b[i] == b'.'
            && b[i - 1].is_ascii_digit()
            && b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count() == 3
            && b.get(i + 4) == Some(&b',')
    })
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn price_parser_cases() {
    let cases: Vec<PriceCase> = serde_json::from_str(&suite("price_parser.json")).unwrap();
    assert_eq!(cases.len(), 1185);
    let mut why: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut tried, mut passed) = (0, 0);
    for c in &cases {
        // The cases nertab is for: the string itself carries both the currency and the amount.
        let (Some(raw), Some(cur), Some(amount)) = (&c.price_raw, &c.currency, &c.amount) else { continue };
        if !raw.contains(cur.as_str()) {
            continue;
        }
        tried += 1;
        let Some(code) = iso(cur) else {
            if std::env::var_os("NERTAB_SHOW").is_some() {
                println!("    unknown currency: {cur:?} in {raw:?}");
            }
            *why.entry("currency not in nertab's lexicon").or_default() += 1;
            continue;
        };
        let want = Decimal::from_str(amount).unwrap().normalize();
        let got = found(raw);
        if got.iter().any(|&(v, u)| v == want && u == code) {
            passed += 1;
        } else if european_format(raw) {
            *why.entry("decimal comma / dot thousands (1.299,00)").or_default() += 1;
        } else if raw.trim_end().ends_with(cur.as_str()) && !raw.contains(&format!(" {cur}")) {
            *why.entry("symbol glued after the number (20€)").or_default() += 1;
        } else if got.is_empty() {
            *why.entry("no amount found").or_default() += 1;
        } else {
            if std::env::var_os("NERTAB_SHOW").is_some() {
                println!("    other: {raw:?} want {want} {code}, got {got:?}");
            }
            *why.entry("other value or unit").or_default() += 1;
        }
    }
    let share = passed as f64 / tried as f64;
    println!(
        "price-parser: {passed}/{tried} cases with currency and amount in the string pass ({:.1}%)",
        100.0 * share
    );
    for (reason, n) in &why {
        println!("  {n:4}  {reason}");
    }
    assert!(tried > 300, "{tried}");
    // Measured 387/941 (41.1%); the rest is mostly e-commerce formats out of scope for news (see the report).
    assert!(share >= 0.40, "pass share fell to {share:.3}");
}

#[derive(Deserialize)]
struct DucklingFact {
    text: String,
    amount: String,
    unit: Option<String>,
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn duckling_finance_corpus() {
    let facts: Vec<DucklingFact> = serde_json::from_str(&suite("duckling_finance.json")).unwrap();
    assert!(facts.len() >= 30);
    let mut failed = Vec::new();
    for f in &facts {
        let mut want = Decimal::from_str(&f.amount).unwrap().normalize();
        let code = match f.unit.as_deref() {
            Some("cent") => {
                want = (want / Decimal::ONE_HUNDRED).normalize();
                Some("USD")
            }
            Some(u) => iso(u),
            None => None,
        };
        let got = found(&f.text);
        let ok = got.len() == 1 && got[0].0 == want && code.is_none_or(|c| c == got[0].1);
        if !ok {
            failed.push(format!("{:?} -> {got:?}", f.text));
        }
    }
    let passed = facts.len() - failed.len();
    println!("duckling en/finance: {passed}/{} pass; failing:", facts.len());
    for f in &failed {
        println!("  {f}");
    }
    // Measured 24/31.
    assert!(passed >= 24, "{passed}/{}", facts.len());
}

/// The money and percent strings of Stanford CoreNLP's `QuantifiableEntityNormalizerTest` (test/src/edu/stanford/
/// nlp/ie, GitHub stanfordnlp/CoreNLP) with the value and unit its answers give (its `$` answers for bare numbers
/// included: nertab reads no currency there, by design).
const CORENLP: &[(&str, &str, &str)] = &[
    ("one percent", "1", "%"),
    ("% 8", "8", "%"),
    ("8 %", "8", "%"),
    ("8.25 %", "8.25", "%"),
    ("48 percent", "48", "%"),
    ("%4.9", "4.9", "%"),
    ("24 cents", "0.24", "USD"),
    ("18\u{a2}", "0.18", "USD"),
    ("250 won", "250", "KRW"),
    ("\u{a3}5.40", "5.4", "GBP"),
    ("10 thousand million pounds", "10000000000", "GBP"),
    ("10 thousand million dollars", "10000000000", "USD"),
    ("million dollars", "1000000", "USD"),
    ("four million dollars", "4000000", "USD"),
    ("$1m", "1000000", "USD"),
    ("50 million yuan", "50000000", "CNY"),
    ("50 cents", "0.5", "USD"),
    ("# 1500", "1500", "GBP"),
    ("\u{a3} 1500", "1500", "GBP"),
    ("\u{a3} .50", "0.5", "GBP"),
    ("# .50", "0.5", "GBP"),
    ("$ 1500", "1500", "USD"),
    ("$1500", "1500", "USD"),
    ("$ 1,500", "1500", "USD"),
    ("$1,500", "1500", "USD"),
    ("$48.75", "48.75", "USD"),
    ("$ 57 . 60", "57.6", "USD"),
    ("2.30", "2.3", "USD"),
    ("8 million", "8000000", "USD"),
    ("$8 thousand", "8000", "USD"),
    ("$42,33", "42.33", "USD"),
];

#[test]
fn corenlp_money_and_percent() {
    let mut failed = Vec::new();
    for &(text, value, unit) in CORENLP {
        let doc = nertab::tokenize::tokenize(text);
        let got: Vec<(Decimal, &str)> =
            nertab::amounts::extract(text, &doc).into_iter().map(|a| (a.value, a.unit)).collect();
        let want = Decimal::from_str(value).unwrap().normalize();
        if !(got.len() == 1 && got[0].0 == want && got[0].1 == unit) {
            failed.push(format!("{text:?} want {want} {unit} -> {got:?}"));
        }
    }
    let passed = CORENLP.len() - failed.len();
    println!("CoreNLP QuantifiableEntityNormalizerTest money + percent: {passed}/{} pass; failing:", CORENLP.len());
    for f in &failed {
        println!("  {f}");
    }
    // Measured 24/31; the rest has no currency ("2.30", "8 million"), no number ("million dollars"), `#` for
    // pounds, a decimal comma ("$42,33") or a decimal point between spaces ("$ 57 . 60").
    assert!(passed >= 24, "{passed}/{}", CORENLP.len());
}
