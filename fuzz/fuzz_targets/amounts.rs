//! Arbitrary bytes through the reader's decoding, the tokenizer and the amounts extractor: no panic, spans inside the
//! text, values written as plain decimals.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = nertab::corpus::decode(data.to_vec(), "fuzz");
    let doc = nertab::tokenize::tokenize(&text);
    let chars = text.chars().count();
    for a in nertab::amounts::extract(&text, &doc) {
        assert!(a.start < a.end && a.end <= chars);
        assert!(a.sentence < doc.sentences.len());
        let v = a.value.to_string();
        assert!(!v.contains('e') && !v.contains('E'), "{v}");
    }
});
