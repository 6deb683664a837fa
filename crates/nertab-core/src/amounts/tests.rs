//! The extractor's unit tests, over real tokenized text: what each rule finds, what it leaves out, and the exact
//! decimal arithmetic under it.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::currencies::{iso_currencies, LEXICON, WORD_CODES};
use super::extract;
use super::filter::may_start;
use super::lexicon::{ABBREVIATIONS, DOLLAR_PREFIXES, NUMBER_WORDS};
use super::numbers::{parse_decimal, parse_number_part, scale};
use crate::tokenize::tokenize;

/// The first-word filter lets through every lexicon word an amount can start with (so that no amount is lost to
/// it), in lower case and capitalised, and stops the words of running text.
#[test]
fn every_lexicon_opening_starts_an_amount() {
    for &(word, value, is_scale) in NUMBER_WORDS {
        let (text, expected) = if is_scale {
            (format!("one {word} dollars"), value.to_string())
        } else {
            (format!("rose {word} percent"), value.to_string())
        };
        assert_eq!(amounts(&text).first().map(|a| a.2.clone()), Some(expected.clone()), "{text}");
        let mut capitalised = text.clone();
        let at = text.find(word).unwrap_or(0);
        capitalised.replace_range(at..at + 1, &word[..1].to_ascii_uppercase());
        assert_eq!(amounts(&capitalised).first().map(|a| a.2.clone()), Some(expected), "{capitalised}");
    }
    for (text, value, high, unit) in [
        ("a million dollars", "1000000", None, "USD"),
        ("An hundred euros", "100", None, "EUR"),
        ("half a per cent", "0.5", None, "%"),
        ("Half a million pounds", "500000", None, "GBP"),
        ("between 5 and 6%", "5", Some("6"), "%"),
        ("Between 5 and 6%", "5", Some("6"), "%"),
    ] {
        assert_eq!(one(text), (text.into(), value.into(), high.map(String::from), unit), "{text}");
    }
    for &(abbreviation, code) in ABBREVIATIONS {
        let text = format!("{abbreviation} 20");
        assert_eq!(one(&text), (text.clone(), "20".into(), None, code), "{text}");
    }
    for &(prefix, code) in DOLLAR_PREFIXES {
        let text = format!("{prefix}$5");
        assert_eq!(one(&text), (text.clone(), "5".into(), None, code), "{text}");
    }
    for (written, code) in LEXICON.codes() {
        let (spaced, glued) = (format!("{written} 5,000"), format!("{written}5m"));
        assert_eq!(one(&spaced), (spaced.clone(), "5000".into(), None, code), "{spaced}");
        if written.len() == 3 && !WORD_CODES.contains(&written) {
            assert_eq!(one(&glued), (glued.clone(), "5000000".into(), None, code), "{glued}");
        }
    }
    assert!(iso_currencies().count() > 150);
    for word in ["the", "hackers", "and", "in", "of", "said", "Thursday", ""] {
        assert!(!may_start(word), "{word}");
    }
}

/// (text, kind, value, value_high, unit) for every amount in `text`.
pub(super) fn amounts(text: &str) -> Vec<(String, &'static str, String, Option<String>, &'static str)> {
    let doc = tokenize(text);
    let chars: Vec<char> = text.chars().collect();
    extract(text, &doc)
        .into_iter()
        .map(|a| {
            (
                chars[a.start..a.end].iter().collect(),
                a.kind.as_str(),
                a.value.to_string(),
                a.value_high.map(|v| v.to_string()),
                a.unit,
            )
        })
        .collect()
}

pub(super) fn one(text: &str) -> (String, String, Option<String>, &'static str) {
    let got = amounts(text);
    assert_eq!(got.len(), 1, "{text}: {got:?}");
    let (t, _, v, h, u) = got.into_iter().next().unwrap();
    (t, v, h, u)
}

#[test]
fn money_with_symbols_and_multipliers() {
    assert_eq!(one("stealing up to $2 billion since 2015"), ("$2 billion".into(), "2000000000".into(), None, "USD"));
    assert_eq!(one("a £600m deal"), ("£600m".into(), "600000000".into(), None, "GBP"));
    assert_eq!(one("worth €1.1bn."), ("€1.1bn".into(), "1100000000".into(), None, "EUR"));
    assert_eq!(one("costs $2,000.50 each"), ("$2,000.50".into(), "2000.5".into(), None, "USD"));
    assert_eq!(one("fell to $.5"), ("$.5".into(), "0.5".into(), None, "USD"));
    assert_eq!(one("raised US$5 million"), ("US$5 million".into(), "5000000".into(), None, "USD"));
    assert_eq!(one("raised HK$10mn"), ("HK$10mn".into(), "10000000".into(), None, "HKD"));
    assert_eq!(one("a A$3.2 bn bid"), ("A$3.2 bn".into(), "3200000000".into(), None, "AUD"));
    assert_eq!(one("a fee of USD 5m"), ("USD 5m".into(), "5000000".into(), None, "USD"));
    assert_eq!(one("a fee of EUR5m"), ("EUR5m".into(), "5000000".into(), None, "EUR"));
    assert_eq!(one("a fee of 5m USD"), ("5m USD".into(), "5000000".into(), None, "USD"));
    assert_eq!(one("¥300bn in bonds"), ("¥300bn".into(), "300000000000".into(), None, "JPY"));
    let inr = amounts("₹5 lakh, or ₹2.5 crore");
    assert_eq!(
        inr.iter().map(|a| (a.0.as_str(), a.2.as_str(), a.4)).collect::<Vec<_>>(),
        vec![("₹5 lakh", "500000", "INR"), ("₹2.5 crore", "25000000", "INR")]
    );
    assert_eq!(one("worth ₩1tn"), ("₩1tn".into(), "1000000000000".into(), None, "KRW"));
    assert_eq!(one("a 5k bonus of $5k"), ("$5k".into(), "5000".into(), None, "USD"));
    assert_eq!(one("1.5 mln roubles"), ("1.5 mln roubles".into(), "1500000".into(), None, "RUB"));
}

#[test]
fn currency_words() {
    assert_eq!(one("paid 5 million dollars"), ("5 million dollars".into(), "5000000".into(), None, "USD"));
    assert_eq!(
        one("paid 5 million Australian dollars"),
        ("5 million Australian dollars".into(), "5000000".into(), None, "AUD")
    );
    assert_eq!(one("cost 20 euros"), ("20 euros".into(), "20".into(), None, "EUR"));
    assert_eq!(
        one("a 10 million pounds sterling loan"),
        ("10 million pounds sterling".into(), "10000000".into(), None, "GBP")
    );
    assert_eq!(one("owed 300 pounds sterling"), ("300 pounds sterling".into(), "300".into(), None, "GBP"));
    assert_eq!(one("400 billion yen"), ("400 billion yen".into(), "400000000000".into(), None, "JPY"));
    assert_eq!(one("5bn yuan"), ("5bn yuan".into(), "5000000000".into(), None, "CNY"));
    assert_eq!(one("1 trillion renminbi"), ("1 trillion renminbi".into(), "1000000000000".into(), None, "CNY"));
    assert_eq!(one("5,000 won"), ("5,000 won".into(), "5000".into(), None, "KRW"));
    assert_eq!(one("80 rupees"), ("80 rupees".into(), "80".into(), None, "INR"));
    assert_eq!(one("3 million Swiss francs"), ("3 million Swiss francs".into(), "3000000".into(), None, "CHF"));
    assert_eq!(one("200m rubles"), ("200m rubles".into(), "200000000".into(), None, "RUB"));
    assert_eq!(one("10 million Danish kroner"), ("10 million Danish kroner".into(), "10000000".into(), None, "DKK"));
    assert_eq!(one("90 Swedish kronor"), ("90 Swedish kronor".into(), "90".into(), None, "SEK"));
    assert_eq!(one("only 20 cents"), ("20 cents".into(), "0.2".into(), None, "USD"));
    assert_eq!(one("a 50p rise"), ("50p".into(), "0.5".into(), None, "GBP"));
    assert_eq!(one("by 30 pence"), ("30 pence".into(), "0.3".into(), None, "GBP"));
}

#[test]
fn international_formats() {
    assert_eq!(one("cena 9 800 Kč"), ("9 800 Kč".into(), "9800".into(), None, "CZK"));
    assert_eq!(one("75 000 руб. now"), ("75 000 руб.".into(), "75000".into(), None, "RUB"));
    assert_eq!(one("Rp 31.500"), ("Rp 31.500".into(), "31500".into(), None, "IDR"));
    assert_eq!(one("fuel at $1.727"), ("$1.727".into(), "1.727".into(), None, "USD"));
    assert_eq!(one("NZD $100.70"), ("NZD $100.70".into(), "100.7".into(), None, "NZD"));
    assert_eq!(one("a 20€ fee"), ("20€".into(), "20".into(), None, "EUR"));
    assert_eq!(one("$1,190.00 AUD"), ("$1,190.00 AUD".into(), "1190".into(), None, "AUD"));
    let two = amounts("69 TL 41.90 TL");
    assert_eq!(two.iter().map(|a| a.2.as_str()).collect::<Vec<_>>(), vec!["69", "41.9"]);
    assert_eq!(one("Rs. 20"), ("Rs. 20".into(), "20".into(), None, "INR"));
    assert_eq!(one("From 26 to 50 €"), ("26 to 50 €".into(), "26".into(), Some("50".into()), "EUR"));
    assert_eq!(
        one("10 to 15 million dollars"),
        ("10 to 15 million dollars".into(), "10000000".into(), Some("15000000".into()), "USD")
    );
    assert_eq!(one("2 dollars and 23 cents"), ("2 dollars and 23 cents".into(), "2.23".into(), None, "USD"));
    assert!(amounts("some 5 800 people").is_empty());
}

#[test]
fn spelled_numbers() {
    assert_eq!(one("stole two billion dollars"), ("two billion dollars".into(), "2000000000".into(), None, "USD"));
    assert_eq!(one("won a million pounds"), ("a million pounds".into(), "1000000".into(), None, "GBP"));
    assert_eq!(one("twenty-five million euros"), ("twenty-five million euros".into(), "25000000".into(), None, "EUR"));
    assert_eq!(
        one("one hundred and fifty thousand dollars"),
        ("one hundred and fifty thousand dollars".into(), "150000".into(), None, "USD")
    );
    assert_eq!(one("half a million dollars"), ("half a million dollars".into(), "500000".into(), None, "USD"));
    assert_eq!(one("rose half a per cent"), ("half a per cent".into(), "0.5".into(), None, "%"));
    assert_eq!(one("up five percent"), ("five percent".into(), "5".into(), None, "%"));
}

#[test]
fn signs() {
    assert_eq!(one("a loss of -$5m"), ("-$5m".into(), "-5000000".into(), None, "USD"));
    assert_eq!(one("Net loss: ($99.99)"), ("($99.99)".into(), "-99.99".into(), None, "USD"));
    assert_eq!(one("($1,250.00)"), ("($1,250.00)".into(), "-1250".into(), None, "USD"));
    assert_eq!(one("a loss of $5m"), ("$5m".into(), "5000000".into(), None, "USD"));
    // Parentheses right after an amount hold a conversion, not a negative.
    let conv = amounts("jumped 76% to $1.13bn (£600m) for the year");
    assert_eq!(
        conv.iter().map(|a| (a.0.as_str(), a.2.as_str())).collect::<Vec<_>>(),
        vec![("76%", "76"), ("$1.13bn", "1130000000"), ("£600m", "600000000")]
    );
    let conv = amounts("at 7.5bn euros ($9.7bn) now");
    assert_eq!(conv[1].2, "9700000000");
    let baht = amounts("at 20bn baht ($510m).");
    assert_eq!(
        baht.iter().map(|a| (a.0.as_str(), a.2.as_str(), a.4)).collect::<Vec<_>>(),
        vec![("20bn baht", "20000000000", "THB"), ("$510m", "510000000", "USD")]
    );
    let two = amounts("a range of $24-$26.");
    assert_eq!(
        two.iter().map(|a| (a.0.as_str(), a.2.as_str())).collect::<Vec<_>>(),
        vec![("$24", "24"), ("$26", "26")]
    );
    assert_eq!(one("floats sub-$100 PC"), ("$100".into(), "100".into(), None, "USD"));
    // Percentages keep their minus sign as money does; a dash between numbers is still not one.
    assert_eq!(one("growth of -3.5% last year"), ("-3.5%".into(), "-3.5".into(), None, "%"));
    assert_eq!(one("GDP fell −0.4 per cent"), ("−0.4 per cent".into(), "-0.4".into(), None, "%"));
    assert_eq!(one("rates -0.25 percentage points"), ("-0.25 percentage points".into(), "-0.25".into(), None, "pp"));
    assert_eq!(one("a rise of 3-4%"), ("3-4%".into(), "3".into(), Some("4".into()), "%"));
}

#[test]
fn ranges() {
    assert_eq!(one("between $5-10m"), ("$5-10m".into(), "5000000".into(), Some("10000000".into()), "USD"));
    assert_eq!(one("a $500k-1m fee"), ("$500k-1m".into(), "500000".into(), Some("1000000".into()), "USD"));
    assert_eq!(one("rose 3-4% a year"), ("3-4%".into(), "3".into(), Some("4".into()), "%"));
    assert_eq!(one("rose 10 to 15% a year"), ("10 to 15%".into(), "10".into(), Some("15".into()), "%"));
    assert_eq!(one("rose 5 - 7 per cent"), ("5 - 7 per cent".into(), "5".into(), Some("7".into()), "%"));
    assert_eq!(one("between 50 and 60%"), ("between 50 and 60%".into(), "50".into(), Some("60".into()), "%"));
    let two = amounts("from 8%-10% now");
    assert_eq!(two.len(), 2);
    assert_eq!((two[0].2.as_str(), two[1].2.as_str()), ("8", "10"));
    // "between" makes one range of two complete amounts too; "from … to" is a change, two amounts.
    assert_eq!(
        one("between $5m and $10m"),
        ("between $5m and $10m".into(), "5000000".into(), Some("10000000".into()), "USD")
    );
    assert_eq!(one("between 5% and 6%"), ("between 5% and 6%".into(), "5".into(), Some("6".into()), "%"));
    let two = amounts("rose from $5m to $10m");
    assert_eq!(two.iter().map(|a| a.2.as_str()).collect::<Vec<_>>(), vec!["5000000", "10000000"]);
    // A multiplier written once, on the high end, applies to both: "$400" alone would be a wrong value.
    assert_eq!(
        one("set at $400 to $500 million"),
        ("$400 to $500 million".into(), "400000000".into(), Some("500000000".into()), "USD")
    );
    assert_eq!(
        one("fined between $5,000 and $7,000."),
        ("between $5,000 and $7,000".into(), "5000".into(), Some("7000".into()), "USD")
    );
}

#[test]
fn percentages() {
    assert_eq!(one("surged by 300%,"), ("300%".into(), "300".into(), None, "%"));
    assert_eq!(one("a surge of 300 percent over"), ("300 percent".into(), "300".into(), None, "%"));
    assert_eq!(one("up 2.5 per cent"), ("2.5 per cent".into(), "2.5".into(), None, "%"));
    assert_eq!(one("up 2.5 pct"), ("2.5 pct".into(), "2.5".into(), None, "%"));
    assert_eq!(one("up 4pc on the year"), ("4pc".into(), "4".into(), None, "%"));
    assert_eq!(one("down .5%"), (".5%".into(), "0.5".into(), None, "%"));
    assert_eq!(one("cut by 0.25 percentage points"), ("0.25 percentage points".into(), "0.25".into(), None, "pp"));
    assert_eq!(one("raised by 25 basis points"), ("25 basis points".into(), "0.25".into(), None, "pp"));
    assert_eq!(one("interest rates rose half a point"), ("half a point".into(), "0.5".into(), None, "pp"));
    assert_eq!(one("the rate rose 2 points"), ("2 points".into(), "2".into(), None, "pp"));
}

#[test]
fn not_amounts() {
    for text in [
        "since 2015",
        "in the 1990s",
        "the past 12 months",
        "won 6-4 in the final",
        "1,2 and 3",
        "414 Articles",
        "Takes 2 mins.",
        "a 5 m race",
        "the 10k race",
        "0 0 vote",
        "weighed 5 pounds",
        "lost two pounds",
        "one won and two lost",
        "the FTSE 100 fell 50 points",
        "odds of 5-1",
        "call 555-1234",
        "ranked No. 1",
        "sold 5 million shares",
        "Dollar General rose",
        "Euro 2016 final",
        "one of the firms",
        "a growth rate of 3",
        "Million Dollar Baby won",
    ] {
        assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
    }
}

#[test]
fn spans_leave_out_qualifiers() {
    assert_eq!(one("about $5m per share"), ("$5m".into(), "5000000".into(), None, "USD"));
    assert_eq!(one("some 40% of"), ("40%".into(), "40".into(), None, "%"));
}

#[test]
fn exact_decimal_scaling() {
    assert_eq!(scale(Decimal::from_str("1.1").unwrap(), 9).unwrap().to_string(), "1100000000");
    assert_eq!(scale(Decimal::from_str("50").unwrap(), -2).unwrap().to_string(), "0.5");
    assert!(parse_decimal(".5").is_some());
    assert!(parse_decimal("1,00").is_none());
    assert!(parse_number_part("12abc").is_none());
}

#[test]
fn fractions_and_spelled_decimals() {
    assert_eq!(one("a quarter of a per cent"), ("a quarter of a per cent".into(), "0.25".into(), None, "%"));
    assert_eq!(
        one("three quarters of a percentage point"),
        ("three quarters of a percentage point".into(), "0.75".into(), None, "pp")
    );
    assert_eq!(one("three-quarters of a per cent"), ("three-quarters of a per cent".into(), "0.75".into(), None, "%"));
    assert_eq!(
        one("a tenth of a percentage point"),
        ("a tenth of a percentage point".into(), "0.1".into(), None, "pp")
    );
    assert_eq!(one("a cut of 0.25 of a per cent"), ("0.25 of a per cent".into(), "0.25".into(), None, "%"));
    assert_eq!(one("two point five per cent"), ("two point five per cent".into(), "2.5".into(), None, "%"));
    assert_eq!(one("zero point two five percent"), ("zero point two five percent".into(), "0.25".into(), None, "%"));
    assert_eq!(
        one("two point five billion dollars"),
        ("two point five billion dollars".into(), "2500000000".into(), None, "USD")
    );
    assert_eq!(one("one and a half per cent"), ("one and a half per cent".into(), "1.5".into(), None, "%"));
    assert_eq!(one("2 and a quarter percent"), ("2 and a quarter percent".into(), "2.25".into(), None, "%"));
    assert_eq!(
        one("two and a half million pounds"),
        ("two and a half million pounds".into(), "2500000".into(), None, "GBP")
    );
    assert_eq!(
        one("a quarter of a million pounds"),
        ("a quarter of a million pounds".into(), "250000".into(), None, "GBP")
    );
    // Fractions of a point are rate changes where the sentence names a rate, before or after.
    assert_eq!(
        one("cut a key interest rate by a quarter-point"),
        ("a quarter-point".into(), "0.25".into(), None, "pp")
    );
    assert_eq!(one("a half-point rise in rates"), ("a half-point".into(), "0.5".into(), None, "pp"));
    assert_eq!(one("a half point rise in interest rates"), ("a half point".into(), "0.5".into(), None, "pp"));
    assert_eq!(one("rates rose by a quarter of a point"), ("a quarter of a point".into(), "0.25".into(), None, "pp"));
    // A quarter of the year is no fraction of a percent.
    assert_eq!(one("growth slowed in the fourth quarter to 5.6%"), ("5.6%".into(), "5.6".into(), None, "%"));
    // "three quarter-point rate rises" are three rises of a quarter point each.
    assert_eq!(one("three quarter-point rate rises"), ("quarter-point".into(), "0.25".into(), None, "pp"));
    for text in [
        "the Dow lost a quarter-point",
        "a quarter of a million people",
        "three quarters of the vote",
        "the FTSE fell 50 points as rates rose",
        "a third of a per cent",
        "point five per",
    ] {
        assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
    }
}

#[test]
fn minor_units_of_any_size() {
    assert_eq!(one("costs 250 cents"), ("250 cents".into(), "2.5".into(), None, "USD"));
    assert_eq!(one("rose 1,200 pence"), ("1,200 pence".into(), "12".into(), None, "GBP"));
    assert_eq!(one("to 31.5 cents"), ("31.5 cents".into(), "0.315".into(), None, "USD"));
    let share = amounts("profit fell to $303 million, or 27c a share");
    assert_eq!(share[1], ("27c".into(), "MONEY", "0.27".into(), None, "USD"));
    // `c` is cents only beside dollars: "the Psion series 3c" is a model.
    assert!(amounts("The Psion series 3c!").is_empty());
    assert_eq!(one("1.5 million euro cents"), ("1.5 million euro cents".into(), "15000".into(), None, "EUR"));
    assert!(amounts("it was 35C in the shade").is_empty());
}

#[test]
fn dollars_named_after_the_symbol_and_glued_codes() {
    assert_eq!(one("or $US1,000 per person"), ("$US1,000".into(), "1000".into(), None, "USD"));
    assert_eq!(one("(about $A8,800)"), ("$A8,800".into(), "8800".into(), None, "AUD"));
    assert_eq!(one("$NZ5m"), ("$NZ5m".into(), "5000000".into(), None, "NZD"));
    assert_eq!(one("$US3000 billion"), ("$US3000 billion".into(), "3000000000000".into(), None, "USD"));
    assert_eq!(one("rupiah ($AUD1.102 billion)"), ("$AUD1.102 billion".into(), "1102000000".into(), None, "AUD"));
    assert_eq!(one("a fee of EUR5 million"), ("EUR5 million".into(), "5000000".into(), None, "EUR"));
    // Letters after `$` that name no dollar are no amount.
    assert!(amounts("$X5 and $ABC5").is_empty());
}

#[test]
fn regional_and_union_currencies() {
    assert_eq!(
        one("fined 10,000 West African CFA francs"),
        ("10,000 West African CFA francs".into(), "10000".into(), None, "XOF")
    );
    assert_eq!(
        one("Cameroon lost 1bn CFA francs a month"),
        ("1bn CFA francs".into(), "1000000000".into(), None, "XAF")
    );
    assert_eq!(one("in Senegal, 5,000 CFA francs"), ("5,000 CFA francs".into(), "5000".into(), None, "XOF"));
    // CFA francs with no place, or places of both unions, are left without a code: no row.
    assert!(amounts("it cost 5,000 CFA francs").is_empty());
    assert!(amounts("Mali and Gabon paid 5,000 CFA francs").is_empty());
    assert_eq!(one("500 East Caribbean dollars"), ("500 East Caribbean dollars".into(), "500".into(), None, "XCD"));
    assert_eq!(one("XCD 2.5m"), ("XCD 2.5m".into(), "2500000".into(), None, "XCD"));
    assert_eq!(one("500 Singapore dollars"), ("500 Singapore dollars".into(), "500".into(), None, "SGD"));
    assert_eq!(one("5m Hong Kong dollar"), ("5m Hong Kong dollar".into(), "5000000".into(), None, "HKD"));
    assert_eq!(one("20bn baht"), ("20bn baht".into(), "20000000000".into(), None, "THB"));
    assert_eq!(one("5.775 trillion rupiah"), ("5.775 trillion rupiah".into(), "5775000000000".into(), None, "IDR"));
    assert_eq!(one("154m naira"), ("154m naira".into(), "154000000".into(), None, "NGN"));
}

#[test]
fn shared_currency_words_read_their_context() {
    // The qualifier written with the word.
    assert_eq!(one("10 million Danish kroner"), ("10 million Danish kroner".into(), "10000000".into(), None, "DKK"));
    assert_eq!(one("5 Norwegian kroner"), ("5 Norwegian kroner".into(), "5".into(), None, "NOK"));
    assert_eq!(one("3 million Swiss francs"), ("3 million Swiss francs".into(), "3000000".into(), None, "CHF"));
    assert_eq!(one("500 Mexican pesos"), ("500 Mexican pesos".into(), "500".into(), None, "MXN"));
    assert_eq!(one("90 Swedish krona"), ("90 Swedish krona".into(), "90".into(), None, "SEK"));
    assert_eq!(one("5m Jordanian dinars"), ("5m Jordanian dinars".into(), "5000000".into(), None, "JOD"));
    assert_eq!(one("9bn Turkish lira"), ("9bn Turkish lira".into(), "9000000000".into(), None, "TRY"));
    // The sentence's places.
    assert_eq!(one("In Mexico a meal costs 500 pesos."), ("500 pesos".into(), "500".into(), None, "MXN"));
    assert_eq!(
        one("Norway ordered him to pay 100,000 kroner."),
        ("100,000 kroner".into(), "100000".into(), None, "NOK")
    );
    assert_eq!(one("Iraqi workers earn 200 dinars."), ("200 dinars".into(), "200".into(), None, "IQD"));
    assert_eq!(one("Saudi shares traded at 372 riyals"), ("372 riyals".into(), "372".into(), None, "SAR"));
    // The text's own qualifier, when the sentence has no place.
    let text = "Profits fell to 3.4bn Danish kroner. Sales rose to 36bn kroner.";
    let got = amounts(text);
    assert_eq!(
        got.iter().map(|a| (a.0.as_str(), a.4)).collect::<Vec<_>>(),
        [("3.4bn Danish kroner", "DKK"), ("36bn kroner", "DKK")]
    );
    let text = "A fine of 7,500 Swiss francs. The manager was fined 5,000 francs.";
    assert_eq!(amounts(text)[1].4, "CHF");
    // The text's places, when nothing closer decides.
    let text = "Argentina's president spoke. Banks will cash checks of up to 1,000 pesos.";
    assert_eq!(amounts(text).iter().map(|a| a.4).collect::<Vec<_>>(), ["ARS"]);
    // Nothing decides, or the places disagree: no row rather than a guessed code.
    for text in [
        "it cost 5 kroner",
        "a fine of 5,000 francs",
        "Mexico and Argentina: 500 pesos each",
        "The Norwegian and Danish firms paid 5m kroner.",
        "the turkey cost 9 lira",
        "paid 200 dinars",
    ] {
        assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
    }
}

#[test]
fn hyphenated_spelled_amounts() {
    assert_eq!(one("pay out half-a-million-pounds"), ("half-a-million-pounds".into(), "500000".into(), None, "GBP"));
    assert_eq!(one("a five-million-dollar prize"), ("five-million-dollar".into(), "5000000".into(), None, "USD"));
    for text in ["a million-dollar question", "a two-dollar coin", "a ten-pound baby", "multi-billion-dollar deals"] {
        assert!(amounts(text).is_empty(), "{text}: {:?}", amounts(text));
    }
}
