//! Where the two extractors meet: an amount inside a name is no amount.
//!
//! The amounts grammar reads "50 Cent" (the rapper) as half a dollar and would read a band or product named with a
//! number and a currency word the same way; the NER model knows such words are a name. The grammar stays free of
//! the model (it runs beside it, and alone under `--extractors amounts`), so the two results meet here, in a step
//! after all extractors, over one document's mentions, as [`super::context_entities`] does.
//!
//! The rule: an amount is dropped when a person, organization or miscellaneous name (`PER`, `ORG`, `MISC`) of the
//! same sentence covers at least half of its characters and its first or last character. Both conditions, because
//! a qualifier inside an amount is often a name of its own ("5m *Swiss* francs", "500 *East Caribbean* dollars"):
//! such a name sits in the middle and leaves the amount alone, while a name that swallows the amount ("*50 Cent*")
//! or its number or currency word ("50 *Cent*") takes it. An amount dropped so, whose text has a capitalised word,
//! is dropped wherever the same text recurs in the article, since the model tags a name in some sentences only. Places (`LOC`) never do: "Hong Kong dollars". A "name"
//! without a letter is none: the model now and then tags a lone `£` as `MISC`, which must not take "£6" with it.

use std::collections::HashSet;

use super::{amounts, span_text, Mention, NER_SOURCE};
use crate::tokenize::Tokenized;

/// The NER labels whose spans can hold a money-looking string that is not money.
const NAME_LABELS: &[&str] = &["PER", "ORG", "MISC"];

/// True if the code-point span `name` covers at least half of the span `amount` and its first or last code point.
fn swallows(name: (usize, usize), amount: (usize, usize)) -> bool {
    let overlap = name.1.min(amount.1).saturating_sub(name.0.max(amount.0));
    let len = amount.1.saturating_sub(amount.0);
    let first = name.0 <= amount.0 && amount.0 < name.1;
    let last = name.0 < amount.1 && amount.1 <= name.1;
    len > 0 && 2 * overlap >= len && (first || last)
}

/// Removes from one document's mentions (`text` cut into `doc`) every amount that lies (mostly) inside a name, as
/// above. Mentions of other extractors, and amounts when no NER ran, are kept as they are, in their order.
pub fn drop_amounts_inside_names(text: &str, doc: &Tokenized, mentions: &mut Vec<Mention>) {
    let names: Vec<(usize, usize, usize)> = mentions
        .iter()
        .filter(|m| m.source == NER_SOURCE && NAME_LABELS.contains(&m.label.as_ref()))
        .filter(|m| has_word(span_text(text, doc, m.start, m.end)))
        .map(|m| (m.sentence, m.start, m.end))
        .collect();
    if names.is_empty() {
        return;
    }
    let inside_name = |m: &Mention| {
        m.source == amounts::SOURCE
            && names
                .iter()
                .any(|&(sentence, start, end)| sentence == m.sentence && swallows((start, end), (m.start, m.end)))
    };
    // One sense per article: the same capitalised words elsewhere in it are the same name, wherever the model
    // missed them ("50 Cent" tagged in one sentence of a story about the rapper, not in the ten others).
    let named: HashSet<&str> = mentions
        .iter()
        .filter(|m| inside_name(m))
        .map(|m| span_text(text, doc, m.start, m.end))
        .filter(|t| has_capitalised_word(t))
        .collect();
    let named_elsewhere =
        |m: &Mention| m.source == amounts::SOURCE && named.contains(span_text(text, doc, m.start, m.end));
    mentions.retain(|m| !inside_name(m) && !named_elsewhere(m));
}

/// True if `text` holds a word of letters only ("Cent", "Dollar Shave Club"): what makes a name. The model now and
/// then tags a lone `£`, or the glued currency and number of `$US1,000` / `$A8,800` ("US1,000"), as a name; such a
/// span has no word and takes no amount with it.
fn has_word(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '-').any(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
}

/// True if `text` holds a capitalised word (an upper-case letter followed by a lower-case one: "Cent", "Euro"), the
/// part of an amount that makes it a name; "$5m" or "US$5m" has none, so a wrong drop of such an amount is never
/// repeated over a whole article.
fn has_capitalised_word(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|p| p[0].is_uppercase() && p[1].is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::extract::test_mention as mention;

    /// A text long enough for every span below, all letters: the spans' text matters only for the letter test.
    const TEXT: &str = "abcdefghij abcdefghij abcdefghij abcdefghij";

    fn kept(mut mentions: Vec<Mention>) -> Vec<(&'static str, String)> {
        drop_amounts_inside_names(TEXT, &crate::tokenize::tokenize(TEXT), &mut mentions);
        mentions.into_iter().map(|m| (m.source, m.label.to_string())).collect()
    }

    #[test]
    fn amounts_inside_names_are_dropped() {
        // "US rapper 50 Cent has topped the chart": the model tags "Cent" alone.
        let got = kept(vec![
            mention(NER_SOURCE, "PER", 0, 13, 17),
            mention(amounts::SOURCE, "MONEY", 0, 10, 17),
            mention(amounts::SOURCE, "PERCENT", 0, 30, 33),
        ]);
        assert_eq!(got, [("ner", "PER".to_string()), ("amounts", "PERCENT".to_string())]);
        // A name that covers the whole amount, as an ORG or a MISC.
        for label in ["ORG", "MISC", "PER"] {
            let got = kept(vec![mention(NER_SOURCE, label, 2, 0, 17), mention(amounts::SOURCE, "MONEY", 2, 0, 7)]);
            assert_eq!(got.len(), 1, "{label}");
        }
    }

    #[test]
    fn a_name_found_once_is_a_name_throughout_the_article() {
        let text = "US rapper 50 Cent topped the chart. 50 Cent paid $5m. Fans paid 50 cents.";
        let doc = crate::tokenize::tokenize(text);
        let mut mentions = vec![
            mention(NER_SOURCE, "PER", 0, 13, 17),
            mention(amounts::SOURCE, "MONEY", 0, 10, 17),
            mention(amounts::SOURCE, "MONEY", 1, 36, 43),
            mention(amounts::SOURCE, "MONEY", 1, 49, 52),
            mention(amounts::SOURCE, "MONEY", 2, 64, 72),
        ];
        drop_amounts_inside_names(text, &doc, &mut mentions);
        let left: Vec<&str> = mentions.iter().map(|m| span_text(text, &doc, m.start, m.end)).collect();
        assert_eq!(left, ["Cent", "$5m", "50 cents"]);
        // Without a capitalised word, a drop stays where the name was found.
        assert!(!has_capitalised_word("$5m") && !has_capitalised_word("US$5m") && has_capitalised_word("12 Euro"));
    }

    #[test]
    fn qualifiers_places_and_other_sentences_keep_the_amount() {
        // "500 East Caribbean dollars": a name in the middle, under half, touching neither end.
        let qualifier = vec![mention(NER_SOURCE, "MISC", 0, 4, 18), mention(amounts::SOURCE, "MONEY", 0, 0, 26)];
        assert_eq!(kept(qualifier).len(), 2);
        // "5 million Hong Kong dollars": a place.
        let place = vec![mention(NER_SOURCE, "LOC", 0, 10, 19), mention(amounts::SOURCE, "MONEY", 0, 0, 27)];
        assert_eq!(kept(place).len(), 2);
        // The same offsets in another sentence cannot be the same words.
        let elsewhere = vec![mention(NER_SOURCE, "PER", 1, 0, 7), mention(amounts::SOURCE, "MONEY", 0, 0, 7)];
        assert_eq!(kept(elsewhere).len(), 2);
        // A name that covers an end but under half of the amount: "Swiss" in "Swiss francs 5m" style spans.
        let small = vec![mention(NER_SOURCE, "MISC", 0, 0, 3), mention(amounts::SOURCE, "MONEY", 0, 0, 12)];
        assert_eq!(kept(small).len(), 2);
        // A symbol tagged as a name (the model's "£" MISC) is no name: "£6" stays.
        let text = "the unions want a £6 rate";
        let mut symbol = vec![mention(NER_SOURCE, "MISC", 0, 18, 19), mention(amounts::SOURCE, "MONEY", 0, 18, 20)];
        drop_amounts_inside_names(text, &crate::tokenize::tokenize(text), &mut symbol);
        assert_eq!(symbol.len(), 2);
        // "$US1,000": the model tags the glued "US1,000" as a name; it has no word, so the amount stays.
        let text = "checks of up to $US1,000 per person";
        let mut glued = vec![mention(NER_SOURCE, "MISC", 0, 17, 24), mention(amounts::SOURCE, "MONEY", 0, 16, 24)];
        drop_amounts_inside_names(text, &crate::tokenize::tokenize(text), &mut glued);
        assert_eq!(glued.len(), 2);
        assert!(has_word("50 Cent") && has_word("Dollar Shave Club") && !has_word("US1,000") && !has_word("£"));
        // No NER at all (`--extractors amounts`): nothing changes.
        assert_eq!(kept(vec![mention(amounts::SOURCE, "MONEY", 0, 0, 7)]).len(), 1);
    }
}
