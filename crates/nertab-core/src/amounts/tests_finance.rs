//! Unit tests of issue #29 (amounts the way finance text writes them) and #28 items 5 and 6: every example the
//! issues list, with span, value and unit, and the ties between the lexicon and the ISO 4217 table.

use super::currencies::{iso_currencies, LEXICON, WORD_CODES};
use super::lexicon::{ABBREVIATIONS, DOLLAR_PREFIXES};
use super::tests::{amounts, one};
use crate::tokenize::tokenize;

/// Asserts that `text` gives exactly one amount with this span, value and unit (no range).
#[track_caller]
fn reads(text: &str, span: &str, value: &str, unit: &str) {
    assert_eq!(one(text), (span.into(), value.into(), None, unit), "{text}");
}

/// Issue #29: currency words in any case, and every ISO currency with its nationality.
#[test]
fn currency_words_in_any_case_and_iso_names() {
    reads("paid 2,000 swiss francs", "2,000 swiss francs", "2000", "CHF");
    reads("5,000 JAPANESE YEN", "5,000 JAPANESE YEN", "5000", "JPY");
    reads("a fine of 3 million Chinese yuan", "3 million Chinese yuan", "3000000", "CNY");
    reads("about 500 Japanese yen each", "500 Japanese yen", "500", "JPY");
    reads("sold for 40,000 Mexican pesos", "40,000 Mexican pesos", "40000", "MXN");
    reads("cost 250 Indian rupees", "250 Indian rupees", "250", "INR");
    reads("worth 9,000 philippine pesos", "9,000 philippine pesos", "9000", "PHP");
    reads("1,200 Nepalese rupees", "1,200 Nepalese rupees", "1200", "NPR");
    reads("30 million Polish zloty", "30 million Polish zloty", "30000000", "PLN");
    reads("30 million Polish złoty", "30 million Polish złoty", "30000000", "PLN");
    reads("2bn Vietnamese dong", "2bn Vietnamese dong", "2000000000", "VND");
    reads("45 Brazilian reais", "45 Brazilian reais", "45", "BRL");
    reads("5m Kenyan shillings", "5m Kenyan shillings", "5000000", "KES");
    reads("600 Georgian lari", "600 Georgian lari", "600", "GEL");
    reads("100 Swedish crowns", "100 Swedish crowns", "100", "SEK");
    reads("80 Korean won", "80 Korean won", "80", "KRW");
    // A text that writes the qualifier in lower case once decides its later bare word.
    let two = amounts("He paid 7,500 swiss francs. Later 5,000 francs more.");
    assert_eq!(two.iter().map(|a| (a.2.as_str(), a.4)).collect::<Vec<_>>(), vec![("7500", "CHF"), ("5000", "CHF")]);
}

/// Issue #29: every ISO code the extractor can emit comes from the ISO 4217 table (or the withdrawn and crypto
/// tables), and every current ISO code is read before a number ("PHP 500", "NPR 20").
#[test]
fn every_code_is_tied_to_the_iso_table() {
    use super::currencies::{known_unit, CRYPTO, WITHDRAWN};
    use super::lexicon::{DOLLAR_AFTER, DOLLAR_COUNTRIES, NAME_ALIASES, SHARED_PLACES, SYMBOLS, WORDS};
    reads("PHP 500", "PHP 500", "500", "PHP");
    reads("NPR 20", "NPR 20", "20", "NPR");
    for c in iso_currencies() {
        let text = format!("{} 1,500", c.code());
        reads(&text, &text, "1500", c.code());
        if !WORD_CODES.contains(&c.code()) {
            let text = format!("{} 500", c.code());
            reads(&text, &text, "500", c.code());
        }
    }
    let mut emitted: Vec<&str> = Vec::new();
    emitted.extend(SYMBOLS.iter().map(|s| s.1));
    emitted.extend(DOLLAR_PREFIXES.iter().map(|s| s.1));
    emitted.extend(DOLLAR_AFTER.iter().map(|s| s.1));
    emitted.extend(ABBREVIATIONS.iter().map(|s| s.1));
    emitted.extend(WORDS.iter().map(|s| s.2));
    emitted.extend(DOLLAR_COUNTRIES.iter().map(|s| s.1));
    emitted.extend(NAME_ALIASES.iter().map(|s| s.1));
    emitted.extend(SHARED_PLACES.iter().map(|s| s.1));
    emitted.extend(WITHDRAWN.iter().map(|s| s.0));
    emitted.extend(CRYPTO.iter().map(|s| s.1));
    emitted.extend(LEXICON.codes().map(|(_, u)| u));
    emitted.extend(LEXICON.all_phrases().map(|(_, u)| u));
    for code in emitted {
        assert!(known_unit(code), "{code} is in no table of ISO 4217 (current or withdrawn) nor a crypto-asset");
    }
    // The withdrawn codes are withdrawn: none is a current ISO code.
    for (code, _) in WITHDRAWN {
        assert!(iso_currencies().all(|c| c.code() != *code), "{code}");
    }
}

/// Issue #29: every sign of Unicode's `Sc` category is read as its one currency or listed with the reason it is
/// not, before or after the number, with or without a space.
#[test]
fn every_currency_sign_is_read_or_explained() {
    use super::lexicon::{SIGNS_OF_SEVERAL, SYMBOLS};
    let sc = regex::Regex::new(r"^\p{Sc}$").unwrap();
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        let s = c.to_string();
        if sc.is_match(&s) {
            let read = SYMBOLS.iter().any(|(sym, _)| *sym == s);
            let explained = SIGNS_OF_SEVERAL.iter().any(|(sign, _)| *sign == c);
            assert!(read != explained, "U+{:04X} {c}: read {read}, explained {explained}", c as u32);
        }
    }
    for &(sign, code) in SYMBOLS {
        for text in [format!("{sign}250"), format!("{sign} 250"), format!("250{sign}"), format!("250 {sign}")] {
            reads(&format!("paid {text} today"), &text, "250", code);
        }
    }
    for (text, code) in [("₡", "CRC"), ("₾", "GEL"), ("₦", "NGN"), ("₱", "PHP"), ("₴", "UAH"), ("₭", "LAK")]
    {
        reads(&format!("{text}1,500"), &format!("{text}1,500"), "1500", code);
    }
    reads("a 500元 ticket", "500元", "500", "CNY");
    reads("cost 18¢ each", "18¢", "0.18", "USD");
}

/// Issue #29: prefixed dollars in every spelling; the prefix decides the currency and is in the span.
#[test]
fn prefixed_dollars_in_every_spelling() {
    reads("raised C $ 250 million", "C $ 250 million", "250000000", "CAD");
    reads("C $ 250 million", "C $ 250 million", "250000000", "CAD");
    reads("It fell. C $ 250 million", "C $ 250 million", "250000000", "CAD");
    reads("only c$5 each", "c$5", "5", "CAD");
    reads("a Mex$ 4 million fine", "Mex$ 4 million", "4000000", "MXN");
    reads("a MEX$4 fee", "MEX$4", "4", "MXN");
    reads("worth US $ 7 billion", "US $ 7 billion", "7000000000", "USD");
    reads("for U.S.$5 a day", "U.S.$5", "5", "USD");
    reads("us$5", "us$5", "5", "USD");
    reads("hk$ 10", "hk$ 10", "10", "HKD");
    reads("RD$ 500", "RD$ 500", "500", "DOP");
    // The article stays an article: "A $5m deal" is US dollars, the "A" outside the span.
    reads("A $5m deal", "$5m", "5000000", "USD");
    reads("a $5m deal", "$5m", "5000000", "USD");
}

/// Issue #29: codes and finance shorthand.
#[test]
fn codes_and_finance_shorthand() {
    reads("a 40 USD million loan", "40 USD million", "40000000", "USD");
    reads("sales of 12 MUSD", "12 MUSD", "12000000", "USD");
    reads("EBIT 3.5 MEUR", "3.5 MEUR", "3500000", "EUR");
    reads("cost kUSD 50", "kUSD 50", "50000", "USD");
    reads("just 250USD", "250USD", "250", "USD");
    reads("MSEK 120", "MSEK 120", "120000000", "SEK");
    // Codes that are English words are not read among capitals.
    assert!(amounts("ALL 50 STATES").is_empty());
    assert!(amounts("TOP 10 TIPS").is_empty());
    assert!(amounts("our TOP10 list").is_empty());
    reads("a fee of ALL 1,500", "ALL 1,500", "1500", "ALL");
    reads("PEN 2.50", "PEN 2.50", "2.5", "PEN");
    reads("a 3m MAD loan", "3m MAD", "3000000", "MAD");
    for text in [
        "In the CUP 2006 final",
        "3 PEN drives",
        "the AMD 5 chip",
        "MAD 100 is it",
        "Section C $5 applies",
        "an IRR 12% return",
        "SDG 4 targets",
        "5 Zimbabwe gold mines",
    ] {
        assert!(amounts(text).iter().all(|a| a.1 == "PERCENT" || a.4 == "USD"), "{text}: {:?}", amounts(text));
    }
    reads("Section C $5 applies", "$5", "5", "USD");
}

/// Issue #29: fractions of a multiplier and the South Asian grouping of digits.
#[test]
fn fractional_multipliers_and_south_asian_grouping() {
    reads("a quarter billion euros", "a quarter billion euros", "250000000", "EUR");
    reads("three quarters of a billion dollars", "three quarters of a billion dollars", "750000000", "USD");
    reads("half a million dollars", "half a million dollars", "500000", "USD");
    reads("3 lakh rupees", "3 lakh rupees", "300000", "INR");
    reads("10 thousand million pounds", "10 thousand million pounds", "10000000000", "GBP");
    reads("paid 98,76,543.21 rupees", "98,76,543.21 rupees", "9876543.21", "INR");
    reads("₹1,00,000", "₹1,00,000", "100000", "INR");
    // Groups that fit neither grouping are no number.
    assert!(amounts("$1,0,000").iter().all(|a| a.2 != "10000"));
}

/// Issue #29: major and minor units as one amount, and hyphenated amounts used as adjectives.
#[test]
fn major_and_minor_units() {
    reads("costs 12 dollars 75", "12 dollars 75", "12.75", "USD");
    reads("2 dollar 23", "2 dollar 23", "2.23", "USD");
    reads("20 Rupees 43", "20 Rupees 43", "20.43", "INR");
    reads("two dollar and 23", "two dollar and 23", "2.23", "USD");
    reads("Rs20", "Rs20", "20", "INR");
    reads("20Rs", "20Rs", "20", "INR");
    reads("£3 and 20p", "£3 and 20p", "3.2", "GBP");
    reads("$3 and 20 cents", "$3 and 20 cents", "3.2", "USD");
    reads("a 15-cent dividend", "15-cent", "0.15", "USD");
    reads("a $5-a-share offer", "$5", "5", "USD");
    reads("a £20-an-hour wage", "£20", "20", "GBP");
    reads("a 10-euro note", "10-euro", "10", "EUR");
    // Not minor units: a count after the amount, pence after dollars, a weight.
    reads("paid 5 dollars 10 times", "5 dollars", "5", "USD");
    let two = amounts("$3 and 20p");
    assert_eq!(two.len(), 2, "{two:?}");
    assert!(amounts("a 5-pound bag").is_empty());
}

/// Issue #29: the withdrawn currencies of Europe and others, by their ISO codes; a bare shared word only where the
/// text decides it.
#[test]
fn withdrawn_currencies() {
    reads("1,000 French francs", "1,000 French francs", "1000", "FRF");
    reads("cost 5,000 pesetas", "5,000 pesetas", "5000", "ESP");
    reads("20 million Deutsche marks", "20 million Deutsche marks", "20000000", "DEM");
    reads("20 million deutschmarks", "20 million deutschmarks", "20000000", "DEM");
    reads("DM 5 million", "DM 5 million", "5000000", "DEM");
    reads("3 billion lire", "3 billion lire", "3000000000", "ITL");
    reads("100 Dutch guilders", "100 Dutch guilders", "100", "NLG");
    reads("400 markkaa", "400 markkaa", "400", "FIM");
    reads("50,000 drachmas", "50,000 drachmas", "50000", "GRD");
    reads("10 Austrian schillings", "10 Austrian schillings", "10", "ATS");
    reads("2m Portuguese escudos", "2m Portuguese escudos", "2000000", "PTE");
    reads("1,000 Irish punts", "1,000 Irish punts", "1000", "IEP");
    reads("5m Irish pounds", "5m Irish pounds", "5000000", "IEP");
    assert!(amounts("3 Irish pounds of butter").is_empty());
    reads("In Amsterdam the fee was 300 guilders.", "300 guilders", "300", "NLG");
    reads("In Brussels the fee was 300 francs.", "300 francs", "300", "BEF");
    reads("ESP 1000", "ESP 1000", "1000", "ESP");
    reads("₧500", "₧500", "500", "ESP");
    // Nothing decides: no row.
    assert!(amounts("The fee was 300 francs.").is_empty());
    assert!(amounts("The fee was 300 guilders.").is_empty());
}

/// Issue #29: crypto-assets as money, in their non-ISO units.
#[test]
fn crypto_assets() {
    reads("demanded 2,500 BTC", "2,500 BTC", "2500", "BTC");
    reads("laundered 15,000 bitcoins", "15,000 bitcoins", "15000", "BTC");
    reads("stole ₿1.2 million", "₿1.2 million", "1200000", "BTC");
    reads("a ransom of 50 bitcoin in total", "50 bitcoin", "50", "BTC");
    reads("paid 20 bitcoin.", "20 bitcoin", "20", "BTC");
    reads("XBT 3", "XBT 3", "3", "BTC");
    reads("a fee of 500 satoshis", "500 satoshis", "0.000005", "BTC");
    reads("1 satoshi", "1 satoshi", "0.00000001", "BTC");
    reads("moved 10,000 ETH", "10,000 ETH", "10000", "ETH");
    reads("sent 3.5 ether to", "3.5 ether", "3.5", "ETH");
    reads("gas at 30 gwei", "30 gwei", "0.00000003", "ETH");
    reads("1m USDT", "1m USDT", "1000000", "USDT");
    reads("USDC 250,000", "USDC 250,000", "250000", "USDC");
    // A count of things bitcoin modifies is no amount.
    assert!(amounts("5 bitcoin exchanges were hacked").is_empty());
    assert!(amounts("two bitcoin wallets").is_empty());
}

/// Issue #29 and #28 item 5: percentages keep their sign, and none is read from URL-encoded text.
#[test]
fn percentages_keep_their_sign_and_skip_urls() {
    reads("growth of minus three per cent", "minus three per cent", "-3", "%");
    reads("Minus 2.5% in May", "Minus 2.5%", "-2.5", "%");
    reads("at minus $5m", "minus $5m", "-5000000", "USD");
    assert!(amounts("per cent of 40").is_empty(), "{:?}", amounts("per cent of 40"));
    assert!(amounts("https://example.com/a%20b?q=30%25").is_empty());
    assert!(amounts("see example.com/report%2F2020 and 30%25off").is_empty());
    assert!(amounts("q=30%20").is_empty());
    assert!(amounts("https://example.com/5%-rise").is_empty());
    reads("rose 30% (see https://x.org/a%20b)", "30%", "30", "%");
    reads("enflasyon %4.9", "%4.9", "4.9", "%");
    reads("share % 8", "% 8", "8", "%");
}

/// Issue #28 item 6: a large amount written in digits gives its row with the exact value.
#[test]
fn large_amounts_in_digits_are_exact() {
    reads("$100000000000000000000", "$100000000000000000000", "100000000000000000000", "USD");
    reads(
        "$79,228,162,514,264,337,593,543,950,335",
        "$79,228,162,514,264,337,593,543,950,335",
        "79228162514264337593543950335",
        "USD",
    );
    // Too large for an exact decimal: no row, and a note that says why.
    for text in
        ["$100000000000000000000 trillion", "$792281625142643375935439503350", "1000000000000000000000000000000 USD"]
    {
        let doc = tokenize(text);
        let (found, unread) = crate::amounts::extract_with_notes(text, &doc);
        assert!(found.is_empty(), "{text}: {found:?}");
        assert_eq!(unread.len(), 1, "{text}");
        assert_eq!((unread[0].start, unread[0].end), (0, text.chars().count()), "{text}");
        assert!(unread[0].reason.contains("too large"), "{}", unread[0].reason);
    }
    // A long digit string that is no amount (an id) is not noted.
    let text = "order 1000000000000000000000000000000 shipped";
    assert!(crate::amounts::extract_with_notes(text, &tokenize(text)).1.is_empty());
}
