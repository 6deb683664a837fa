//! Property tests over the readers and the text path: arbitrary bytes and strings never panic, and offsets always
//! slice the text they came from.

use std::io::Write;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_tokenize_and_extract(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = nertab_core::corpus::decode(bytes, "prop");
        let doc = nertab_core::tokenize::tokenize(&text);
        let chars: Vec<char> = text.chars().collect();
        for t in &doc.tokens {
            let by_chars: String = chars[t.start..t.end].iter().collect();
            prop_assert_eq!(by_chars.as_str(), t.text(&text));
        }
        for (i, s) in doc.sentences.iter().enumerate() {
            prop_assert!(!s.tokens.is_empty());
            prop_assert_eq!(doc.sentence_of(s.tokens.start), i);
        }
        for a in nertab_core::amounts::extract(&text, &doc) {
            prop_assert!(a.start < a.end && a.end <= chars.len());
        }
    }

    #[test]
    fn amount_like_strings_never_panic(s in "[-$£€US(]{0,2}[0-9.,]{1,12}(-[0-9.]{1,4})?(k|m|bn|tn| million| per cent|%| dollars| cents)?") {
        let doc = nertab_core::tokenize::tokenize(&s);
        for a in nertab_core::amounts::extract(&s, &doc) {
            prop_assert!(!a.value.to_string().contains('e'));
        }
    }

    #[test]
    fn any_jsonl_lines_are_articles_or_reported(lines in proptest::collection::vec(
        prop_oneof![
            "\\PC{0,40}",
            Just("{\"id\": 1, \"text\": \"ok $5\"}".to_string()),
            Just("{\"id\": [], \"text\": 3}".to_string()),
            Just("{\"text\": \"x\"}".to_string()),
        ], 0..12)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        let mut f = std::fs::File::create(&path).unwrap();
        for l in &lines {
            writeln!(f, "{l}").unwrap();
        }
        drop(f);
        let mut n = 0;
        for item in nertab_core::corpus::read(std::slice::from_ref(&path)).unwrap() {
            match item {
                Ok(a) => prop_assert!(!a.text.trim().is_empty()),
                Err(e) => prop_assert!(e.is_skip(), "{}", e),
            }
            n += 1;
        }
        // At most one item a line that is not blank; an input with none is reported once, as empty.
        let records = lines.iter().filter(|l| !l.trim().is_empty()).count();
        if records == 0 {
            prop_assert_eq!(n, 1);
        } else {
            prop_assert!(n <= records);
        }
    }
}
