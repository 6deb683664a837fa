//! Messy inputs and failed runs: nothing lost, nothing half-written, exit codes as documented.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nertab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nertab")).args(args).output().unwrap()
}

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).unwrap().records().collect::<Result<_, _>>().unwrap()
}

/// Writes a directory `in/` of messy inputs under `root` and returns it.
fn messy_corpus(root: &Path) -> PathBuf {
    let dir = root.join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a_empty.txt"), "").unwrap();
    std::fs::write(dir.join("b_binary.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR$5m").unwrap();
    std::fs::write(dir.join("c_cp1252.txt"), b"Caf\xe9 sales rose 5% to \x805m.").unwrap();
    std::fs::write(dir.join("d.jsonl"), "{\"id\": \"ok\", \"text\": \"Up 3%.\"}\n{\"id\": 1}\n").unwrap();
    dir
}

#[test]
fn bad_files_are_skipped_with_warnings_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = messy_corpus(dir.path());
    let out = dir.path().join("out/knowledge.csv");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a_empty.txt: empty, skipped"), "{err}");
    assert!(err.contains("b_binary.txt: binary (NUL bytes), skipped"), "{err}");
    assert!(err.contains("c_cp1252.txt: not valid UTF-8, decoded as Windows-1252"), "{err}");
    assert!(err.contains("d.jsonl:2: no \"text\" field, skipped"), "{err}");
    let got: Vec<(String, String, String, String)> =
        rows(&out).iter().map(|r| (r[0].to_string(), r[2].to_string(), r[4].to_string(), r[6].to_string())).collect();
    assert_eq!(
        got,
        vec![
            ("c_cp1252.txt".into(), "16".into(), "5%".into(), "5".into()),
            ("c_cp1252.txt".into(), "22".into(), "€5m".into(), "5000000".into()),
            ("ok".into(), "3".into(), "3%".into(), "3".into()),
        ]
    );
}

#[test]
fn strict_fails_with_exit_1_and_leaves_the_old_table() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = messy_corpus(dir.path());
    let out = dir.path().join("knowledge.csv");
    std::fs::write(&out, "previous good table\n").unwrap();
    let o = nertab(&[
        "extract",
        corpus.to_str().unwrap(),
        "--extractors",
        "amounts",
        "--strict",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a_empty.txt: empty (--strict: stopped"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous good table\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left behind");
}

#[test]
fn a_5mb_single_line_article_is_processed_completely() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.txt");
    let unit = "the hackers stole $2 billion and use rose 300% in North Korea, ";
    let n = 5_000_000 / unit.len() + 1;
    std::fs::write(&input, unit.repeat(n)).unwrap();
    let out = dir.path().join("k.csv");
    let o = nertab(&["extract", input.to_str().unwrap(), "--extractors", "amounts", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = rows(&out);
    assert_eq!(rows.iter().filter(|r| &r[5] == "MONEY" && &r[6] == "2000000000").count(), n);
    assert_eq!(rows.iter().filter(|r| &r[5] == "PERCENT" && &r[6] == "300").count(), n);
    // Sentences are bounded, so every row is small.
    assert!(rows.iter().all(|r| r[12].len() < 20_000));
    let first_start: usize = rows[1][2].parse().unwrap();
    assert_eq!(first_start, unit.find("300%").unwrap());
}

#[test]
fn same_bytes_for_every_thread_count_with_the_shipped_model() {
    let corpus = common::repo().join("corpus");
    let run = |threads: &str| {
        let o = nertab(&["extract", corpus.to_str().unwrap(), "--threads", threads, "-o", "-"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let one = run("1");
    assert!(one.len() > 1000);
    assert_eq!(one, run("2"));
}

#[test]
fn unreadable_or_unknown_inputs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let o = nertab(&["extract", dir.path().join("missing.txt").to_str().unwrap(), "--extractors", "amounts"]);
    assert_eq!(o.status.code(), Some(2));
    let o = nertab(&["extract", "--threads", "0", "corpus", "--extractors", "amounts"]);
    assert_eq!(o.status.code(), Some(2));
    let o = nertab(&["extract", "corpus", "--extractors", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `--strict` on a stream (`-o -`) says what is true when it stops: the rows before the bad input were already
/// written there; with a file, that nothing was written (issue 28).
#[test]
fn strict_on_a_stream_says_the_rows_before_it_were_streamed() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(["extract", "-", "--extractors", "amounts", "-o", "-", "--strict", "--no-header"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(b"{\"id\": \"a\", \"text\": \"Sales rose 5% to $3m.\"}\n").unwrap();
    stdin.flush().unwrap();
    // Both rows of the first article arrive before the bad line is sent.
    let mut streamed = Vec::new();
    for _ in 0..2 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        streamed.push(line);
    }
    assert!(streamed.iter().all(|l| l.starts_with("a,")), "{streamed:?}");
    stdin.write_all(b"not json\n").unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("<stdin>:2: invalid JSON"), "{err}");
    assert!(
        err.contains("the 2 rows before it were already streamed to -") && !err.contains("no table written"),
        "{err}"
    );
}
