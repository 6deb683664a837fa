//! The `nertab` binary end to end: real files in, a CSV table out, read back with an RFC 4180 reader.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn nertab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nertab")).args(args).output().unwrap()
}

fn records(csv_bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(csv_bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    (header, r.records().collect::<Result<_, _>>().unwrap())
}

/// Every row's `text` is exactly the article's code points `start..end`, and its sentence holds it.
fn check_offsets(corpus: &Path, rows: &[csv::StringRecord]) {
    for row in rows {
        let text = std::fs::read_to_string(corpus.join(&row[0])).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let (start, end): (usize, usize) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        let span: String = chars[start..end].iter().collect();
        // Text cells are exact, except that a leading formula character is defused with a quote.
        assert_eq!(nertab::output::csv::defuse(&span), &row[4], "{row:?}");
        assert!(row[12].contains(&span), "{row:?}");
    }
}

#[test]
fn amounts_on_the_seed_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sub/knowledge.csv");
    let corpus = common::repo().join("corpus");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (header, rows) = records(&std::fs::read(&out).unwrap());
    assert_eq!(header, nertab::output::COLUMNS.to_vec());
    let money: Vec<_> = rows.iter().filter(|r| &r[5] == "MONEY").collect();
    let percent: Vec<_> = rows.iter().filter(|r| &r[5] == "PERCENT").collect();
    assert_eq!(money.len(), 3);
    assert_eq!(percent.len(), 6);
    assert_eq!(rows.len(), 9);
    for r in &money {
        assert_eq!((&r[4], &r[6], &r[7], &r[8], &r[10]), ("$2 billion", "2000000000", "", "USD", "amounts"));
    }
    for r in &percent {
        assert_eq!((&r[6], &r[8]), ("300", "%"));
        assert!(&r[4] == "300%" || &r[4] == "300 percent", "{r:?}");
    }
    check_offsets(&corpus, &rows);
}

#[test]
fn ner_with_a_model_directory_is_deterministic_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = common::tiny_model(&dir.path().join("m"));
    let corpus = common::repo().join("corpus");
    let run = |threads: &str| {
        let o = nertab(&[
            "extract",
            corpus.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--threads",
            threads,
            "-o",
            "-",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let (_, rows) = records(&one);
    assert!(rows.iter().any(|r| &r[10] == "ner"), "random weights still label some words");
    for r in rows.iter().filter(|r| &r[10] == "ner") {
        assert!(["PER", "ORG", "LOC", "MISC"].contains(&&r[5]), "{r:?}");
        assert_eq!(r[9].split('.').nth(1).map(str::len), Some(4), "{r:?}");
    }
    check_offsets(&corpus, &rows);
}

/// `calibrate --smooth 3 --keep-fp32` (the flag alone: no layer kept) writes a plan with layer 3 smoothed and
/// nothing in fp32, which `extract --precision int8` then runs.
#[test]
fn calibrate_flags_choose_smoothed_and_fp32_layers() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = common::tiny_model(&dir.path().join("m"));
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let (m, d) = (model.to_str().unwrap(), data.to_str().unwrap());
    let o = nertab(&["calibrate", "--conll", d, "--model", m, "--smooth", "3", "--alpha", "0.6", "--keep-fp32"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("int8_ranges.json")).unwrap()).unwrap();
    assert_eq!(file["keep_fp32"], serde_json::json!([]));
    assert_eq!((file["smooth"][0]["layer"].as_u64(), file["smooth"][0]["alpha"].as_f64()), (Some(3), Some(0.6)));
    let corpus = common::repo().join("corpus");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--model", m, "--precision", "int8", "-o", "-"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = nertab(&["calibrate", "--conll", d, "--model", m, "--smooth", "3", "--keep-fp32", "3"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("layer 3"), "{}", String::from_utf8_lossy(&o.stderr));
    // Per-layer α: `--alpha 0.5,3=0.6` gives layer 3 0.6 and every other smoothed layer 0.5.
    let o = nertab(&["calibrate", "--conll", d, "--model", m, "--smooth", "3,7", "--alpha", "0.5,3=0.6"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("int8_ranges.json")).unwrap()).unwrap();
    let alphas: Vec<_> = file["smooth"].as_array().unwrap().iter().map(|s| s["alpha"].as_f64()).collect();
    assert_eq!(alphas, [Some(0.6), Some(0.5)]);
    for bad in ["3=x", "1.5", "0.5,7=0.6"] {
        let o = nertab(&["calibrate", "--conll", d, "--model", m, "--smooth", "3", "--alpha", bad]);
        assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("alpha"), "{bad}");
    }
}

/// `--context N` overrides the model's trained context: the stats name it, and the windows carry more of the
/// document (more pieces fed for the same words).
#[test]
fn context_flag_sets_the_document_context_fed_to_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = common::tiny_model(&dir.path().join("m"));
    let corpus = common::repo().join("corpus");
    let fed = |context: &str| -> u64 {
        let args = ["extract", corpus.to_str().unwrap(), "--model", model.to_str().unwrap(), "-o", "-", "--stats"];
        let o = nertab(&[&args[..], &["--context", context]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        let line = err.lines().find(|l| l.contains("word pieces fed")).unwrap_or_else(|| panic!("{err}"));
        assert!(line.contains(&format!("context {context})")), "{line}");
        line.split("): ").nth(1).and_then(|r| r.split(' ').next()).unwrap().parse().unwrap()
    };
    let (alone, with_context) = (fed("0"), fed("32"));
    assert!(with_context > alone, "{alone} pieces alone, {with_context} with context");
}

#[test]
fn jsonl_on_stdin_and_bad_lines_skipped() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(["extract", "-", "--extractors", "amounts", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\": \"a\", \"text\": \"Sales rose 5% to \xc2\xa3600m.\"}\nnot json\n{\"id\": 2, \"text\": \"=cmd| costs $3\"}\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("<stdin>:2: invalid JSON"));
    let (_, rows) = records(&o.stdout);
    let got: Vec<(&str, &str, &str, &str)> = rows.iter().map(|r| (&r[0], &r[4], &r[6], &r[8])).collect();
    assert_eq!(got, vec![("a", "5%", "5", "%"), ("a", "£600m", "600000000", "GBP"), ("2", "$3", "3", "USD")]);
    // The sentence cell that starts with "=" is defused for spreadsheets.
    assert!(rows[2][12].starts_with("'="));
}

#[test]
fn unusable_arguments_fail_with_the_path() {
    let o = nertab(&["extract", "/no/such/input", "--extractors", "amounts"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/no/such/input") && err.lines().count() == 1, "{err}");

    let corpus = common::repo().join("corpus");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", "/proc/nope/k.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/proc/nope"));

    let dir = tempfile::tempdir().unwrap();
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--model", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--extractors amounts"));
}

/// The shipped model on the seed articles, through the default `extract` path (no `--model`).
#[test]
fn shipped_model_on_the_seed_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("knowledge.csv");
    let corpus = common::repo().join("corpus");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, rows) = records(&std::fs::read(&out).unwrap());
    check_offsets(&corpus, &rows);
    let has = |text: &str, ty: &str| rows.iter().any(|r| &r[10] == "ner" && &r[4] == text && &r[5] == ty);
    for (text, ty) in [
        ("North Korea", "LOC"),
        ("South Korea", "LOC"),
        ("United Nations", "ORG"),
        ("Insikt Group", "ORG"),
        ("UpBit", "ORG"),
        ("Abdulhay Mahmoud", "PER"),
    ] {
        assert!(has(text, ty), "{text} as {ty} not found");
    }
    // Amounts are unchanged by NER, and carry the sentence's entities.
    let money: Vec<_> = rows.iter().filter(|r| &r[5] == "MONEY").collect();
    assert_eq!(money.len(), 3);
    assert_eq!(rows.iter().filter(|r| &r[5] == "PERCENT").count(), 6);
    assert!(money.iter().all(|r| r[11].contains("North Korea")), "{money:?}");
}

#[test]
fn a_missing_model_names_every_place_tried() {
    let o = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(["extract", "-", "-o", "-"])
        .env("NERTAB_MODEL", "/no/such/model")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("looked in:\n  /no/such/model\n"), "{err}");
    assert!(err.contains("NERTAB_MODEL"), "{err}");
    assert_eq!(
        nertab::model_dir_candidates().len(),
        3,
        "without NERTAB_MODEL: working dir, beside the exe, source tree"
    );
}

/// `eval` refuses data it cannot score, naming the file (and line), before it loads a model: an empty file and
/// malformed tags, which `train` refuses too (issue 28).
#[test]
fn eval_refuses_empty_data_and_malformed_tags() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.conll");
    std::fs::write(&empty, "").unwrap();
    let docstart = dir.path().join("docstart.conll");
    std::fs::write(&docstart, "-DOCSTART- -X- -X- O\n\n").unwrap();
    let news = dir.path().join("empty.jsonl");
    std::fs::write(&news, "\n").unwrap();
    for (flag, p) in [("--conll", &empty), ("--conll", &docstart), ("--news", &news)] {
        let o = nertab(&["eval", flag, p.to_str().unwrap(), "--model", "/no/such/model"]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with(&format!("nertab: {}: no ", p.display())) && err.contains("(an empty file)"), "{err}");
    }
    for tag in ["X-FOO", "B-", "I-", "B-PER-X"] {
        let bad = dir.path().join("bad.conll");
        std::fs::write(&bad, format!("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP {tag}\n")).unwrap();
        let o = nertab(&["eval", "--conll", bad.to_str().unwrap(), "--model", "/no/such/model"]);
        assert_eq!(o.status.code(), Some(2), "{tag}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with(&format!("nertab: {}:4: tag \"{tag}\": ", bad.display())), "{err}");
        // `train` reads its data through the same parser.
        let out = dir.path().join("model");
        let (b, d) = (bad.to_str().unwrap(), dir.path().to_str().unwrap());
        let o = nertab(&["train", "--train", b, "--valid", b, "--base", d, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{tag}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("{}:4: tag \"{tag}\": ", bad.display())), "{err}");
    }
}

/// A bare `eval` names both kinds of data it takes (issue 28).
#[test]
fn a_bare_eval_names_conll_and_news() {
    let o = nertab(&["eval"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--conll") && err.contains("--news"), "{err}");
    let o = nertab(&["eval", "--conll", "a", "--news", "b"]);
    assert_eq!(o.status.code(), Some(2), "both at once are refused");
}

/// `eval` to a stdout whose reader has gone ends quietly (exit 0), as `extract` does; to a full device it is an
/// error naming stdout (exit 2); never a panic (issue 28).
#[test]
fn eval_output_to_a_closed_pipe_or_a_full_device() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = {
        let _lock = common::torch_lock();
        common::tiny_model(&dir.path().join("m"))
    };
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let args = ["eval", "--conll", data.to_str().unwrap(), "--model", model.to_str().unwrap(), "--threads", "1"];
    for json in [false, true] {
        let args = [&args[..], if json { &["--json"][..] } else { &[] }].concat();
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_nertab")).args(&args).stdout(writer).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(String::from_utf8_lossy(&o.stderr), "");
        let full = std::fs::File::create("/dev/full").unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_nertab")).args(&args).stdout(full).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end(), "nertab: stdout: No space left on device (os error 28)");
    }
}

/// `eval --write-predictions` writes conlleval's `word gold predicted` lines, which only CoNLL data has: with
/// `--news` it is refused (exit 2, naming both flags) before anything runs, where it used to be ignored, the run
/// succeeding without the file (issue 31).
#[test]
fn eval_refuses_write_predictions_with_news() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = {
        let _lock = common::torch_lock();
        common::tiny_model(&dir.path().join("m"))
    };
    let news = common::repo().join("tests/data/news_ner.jsonl");
    let predictions = dir.path().join("p.txt");
    let o = nertab(&[
        "eval",
        "--news",
        news.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--write-predictions",
        predictions.to_str().unwrap(),
        "--threads",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stdout));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("'--news <NEWS>' cannot be used with '--write-predictions <FILE>'"), "{err}");
    assert!(o.stdout.is_empty() && !predictions.exists());
}

/// `NERTAB_THREADS` is read once, by the command line parser, for all four commands: a value that is not a number
/// gets the same refusal (exit 2) from each, naming `--threads` (issue 31: `set_threads` parsed it again, and
/// `eval`, `train` and `calibrate` refused it with other words).
#[test]
fn nertab_threads_is_parsed_once_for_every_command() {
    let commands: [&[&str]; 4] = [
        &["extract", "corpus", "--extractors", "amounts", "-o", "-"],
        &["eval", "--conll", "no.conll"],
        &["train", "--train", "t", "--valid", "v", "--base", "b", "--out", "o"],
        &["calibrate", "--conll", "no.conll"],
    ];
    for args in commands {
        let o = Command::new(env!("CARGO_BIN_EXE_nertab"))
            .args(args)
            .env("NERTAB_THREADS", "two")
            .current_dir(common::repo())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("invalid value 'two' for '--threads <THREADS>'"), "{args:?}: {err}");
        let help = nertab(&[args[0], "--help"]);
        assert!(String::from_utf8_lossy(&help.stdout).contains("[env: NERTAB_THREADS="), "{args:?}");
    }
}
