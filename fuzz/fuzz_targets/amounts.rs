//! Arbitrary bytes through the reader's decoding, the tokenizer and the amounts extractor: no panic, spans inside the
//! text (of the amounts and of the ones left out as too large), values written as plain decimals.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = nertab_core::corpus::decode(data.to_vec(), "fuzz");
    let doc = nertab_core::tokenize::tokenize(&text);
    let chars = text.chars().count();
    let (found, unread) = nertab_core::amounts::extract_with_notes(&text, &doc);
    for u in unread {
        assert!(u.start < u.end && u.end <= chars);
    }
    for a in found {
        assert!(a.start < a.end && a.end <= chars);
        assert!(a.sentence < doc.sentences.len());
        let v = a.value.to_string();
        assert!(!v.contains('e') && !v.contains('E'), "{v}");
    }
});
