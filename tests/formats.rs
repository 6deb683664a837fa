//! The line-oriented contract of `nertab extract` for streaming engines (Spark's `RDD.pipe`, Hadoop Streaming):
//! rows for JSONL on stdin come out while stdin is still open, `--no-header`, `--format jsonl` and one record per
//! line in both formats.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn nertab(args: &[&str], stdin: &[u8]) -> Output {
    let out = common::with_stdin(args, stdin);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn jsonl_article(id: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "text": text }).to_string() + "\n"
}

/// A paragraph hard-wrapped at 60 columns, mid-sentence, as e-mailed and plain-text news is: the tokenizer keeps
/// such sentences whole across line breaks, so `sentence_text` (and a mention such as `$5\nbillion`) holds them.
fn hard_wrapped() -> String {
    let words = "The board said on Tuesday that the group had agreed to pay $5 billion for the rival chip maker, \
                 its largest deal so far. Analysts had expected a price nearer to 3% of the buyer's value, and the \
                 shares fell in early trading before they recovered later in the day. The company said that the \
                 deal would close next year after the regulators in several countries have approved it.";
    let mut lines = vec![String::new()];
    for w in words.split(' ') {
        let line = lines.last_mut().unwrap();
        // Wrap so that "$5" ends a line and "billion" starts the next.
        if !line.is_empty() && (line.len() + 1 + w.len() > 60 || w == "billion") {
            lines.push(String::new());
        }
        let line = lines.last_mut().unwrap();
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    lines.join("\n")
}

/// `nertab ARGS` with stdin and stdout piped: the child, its stdin, and stdout's lines as they arrive (read on a
/// thread of their own, so a test can wait for one row while stdin stays open).
fn streaming(args: &[&std::ffi::OsStr]) -> (std::process::Child, std::process::ChildStdin, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    (child, stdin, rx)
}

#[test]
fn rows_for_stdin_arrive_before_stdin_closes() {
    let args = ["extract", "-", "-o", "-", "--format", "jsonl", "--extractors", "amounts", "--threads", "1"];
    let (mut child, mut stdin, rx) = streaming(&args.map(std::ffi::OsStr::new));
    let mut wait_for_row = |what: &str| match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) => line,
        Err(e) => {
            let _ = child.kill();
            panic!("no row for {what} within 60 s while stdin stayed open: {e}");
        }
    };
    stdin.write_all(jsonl_article("first", "Shares rose 3% on Monday.").as_bytes()).unwrap();
    stdin.flush().unwrap();
    let row: serde_json::Value = serde_json::from_str(&wait_for_row("the first article")).unwrap();
    assert_eq!((row["doc_id"].as_str(), row["text"].as_str()), (Some("first"), Some("3%")));
    stdin.write_all(jsonl_article("second", "It paid $7 million.").as_bytes()).unwrap();
    stdin.flush().unwrap();
    let row: serde_json::Value = serde_json::from_str(&wait_for_row("the second article")).unwrap();
    assert_eq!((row["doc_id"].as_str(), row["value"].as_str()), (Some("second"), Some("7000000")));
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert!(rx.recv_timeout(Duration::from_secs(10)).is_err(), "no further rows");
}

#[test]
fn stdin_rows_keep_input_order() {
    let input: String = (0..150).map(|i| jsonl_article(&format!("d{i}"), &format!("It paid ${i} million."))).collect();
    let out = nertab(&["extract", "-", "-o", "-", "--no-header", "--extractors", "amounts"], input.as_bytes());
    let ids: Vec<String> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split(',').next().unwrap().to_string()).collect();
    let expected: Vec<String> = (0..150).map(|i| format!("d{i}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn no_header_writes_rows_only() {
    let input = jsonl_article("a", "It paid $7 million and 3% more.");
    let with = nertab(&["extract", "-", "-o", "-", "--extractors", "amounts"], input.as_bytes()).stdout;
    let without =
        nertab(&["extract", "-", "-o", "-", "--no-header", "--extractors", "amounts"], input.as_bytes()).stdout;
    let with = String::from_utf8(with).unwrap();
    let without = String::from_utf8(without).unwrap();
    let header = nertab::output::COLUMNS.join(",") + "\n";
    assert_eq!(with, header.clone() + &without);
    assert_eq!(without.lines().count(), 2);
    // A file too, and JSONL, which never has a header, accepts the flag.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part.csv");
    let args = ["extract", "-", "-o", path.to_str().unwrap(), "--no-header", "--extractors", "amounts"];
    nertab(&args, input.as_bytes());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), without);
    let out = nertab(
        &["extract", "-", "-o", "-", "--format", "jsonl", "--no-header", "--extractors", "amounts"],
        input.as_bytes(),
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn jsonl_has_the_csv_fields_with_exact_values() {
    let text = "Funding of $12,345,678,901,234.56 was pledged, against 0.1234567% before and $1.5-2 billion later. \
                Microsoft said so in London.";
    let input = jsonl_article("money", text);
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("in.jsonl");
    std::fs::write(&corpus, &input).unwrap();
    let jsonl_path = dir.path().join("k.jsonl");
    let csv_path = dir.path().join("k.csv");
    let c = corpus.to_str().unwrap();
    // The format follows the extension, and --format overrides it.
    nertab(&["extract", c, "-o", jsonl_path.to_str().unwrap()], b"");
    nertab(&["extract", c, "-o", csv_path.to_str().unwrap()], b"");
    let stdout = nertab(&["extract", c, "-o", "-", "--format", "jsonl"], b"").stdout;
    let jsonl = std::fs::read_to_string(&jsonl_path).unwrap();
    assert_eq!(jsonl.as_bytes(), stdout);

    let mut csv = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let objects: Vec<serde_json::Map<String, serde_json::Value>> =
        jsonl.lines().map(|l| serde_json::from_str(l).expect("each line is one JSON object")).collect();
    assert_eq!(objects.len(), csv_rows.len());
    assert!(objects.iter().any(|o| o["source"] == "ner"), "NER rows too");
    for (o, r) in objects.iter().zip(&csv_rows) {
        assert_eq!(o.len(), 13);
        for (col, cell) in header.iter().zip(r.iter()) {
            let v = &o[col.as_str()];
            let as_cell = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                other => panic!("{col}: {other}"),
            };
            match col.as_str() {
                "sentence" | "start" | "end" => assert!(v.is_u64(), "{col} is an integer: {v}"),
                "value" | "value_high" => assert!(v.is_string() || v.is_null(), "{col} is an exact string: {v}"),
                "score" => assert!(v.is_f64() || v.is_null(), "{v}"),
                _ => {}
            }
            if col == "score" {
                // 0.9990 in the CSV is the number 0.999.
                let parse = |s: &str| s.parse::<f64>().ok();
                assert_eq!(parse(&as_cell), parse(cell), "{col}");
            } else {
                assert_eq!(as_cell, cell, "{col}");
            }
        }
    }
    let values: Vec<&str> = objects.iter().filter_map(|o| o["value"].as_str()).collect();
    assert!(values.contains(&"12345678901234.56"), "{values:?}");
    assert!(values.contains(&"0.1234567"), "{values:?}");
    let range = objects.iter().find(|o| o["value_high"].is_string()).expect("a range");
    assert_eq!((range["value"].as_str(), range["value_high"].as_str()), (Some("1500000000"), Some("2000000000")));
}

#[test]
fn bom_is_refused_for_jsonl() {
    let o = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(["extract", "-", "-o", "-", "--format", "jsonl", "--bom", "--extractors", "amounts"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--bom"));
}

#[test]
fn one_record_per_line_in_csv_and_jsonl() {
    let text = hard_wrapped();
    assert!(text.contains("$5\nbillion"), "{text}");
    let input = jsonl_article("wrapped", &text);
    let chars: Vec<char> = text.chars().collect();
    for format in ["csv", "jsonl"] {
        let out = nertab(
            &["extract", "-", "-o", "-", "--format", format, "--no-header", "--extractors", "amounts"],
            input.as_bytes(),
        );
        let out = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{format}: one line per row: {out}");
        for line in &lines {
            // Each line alone is a whole record.
            let (text_cell, sentence, start, end) = if format == "csv" {
                let r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes()).records().next();
                let r = r.unwrap().unwrap();
                assert_eq!(r.len(), 13);
                (r[4].to_string(), r[12].to_string(), r[2].parse::<usize>().unwrap(), r[3].parse::<usize>().unwrap())
            } else {
                let o: serde_json::Value = serde_json::from_str(line).unwrap();
                let s = |k: &str| o[k].as_str().unwrap().to_string();
                let n = |k: &str| o[k].as_u64().unwrap() as usize;
                (s("text"), s("sentence_text"), n("start"), n("end"))
            };
            assert!(!sentence.contains('\n') && !text_cell.contains('\n'));
            // The offsets still point into the article, where the line breaks are.
            let span: String = chars[start..end].iter().collect();
            assert_eq!(span.replace('\n', " "), text_cell);
            assert!(sentence.contains(&text_cell), "{sentence}");
        }
        assert!(out.contains("$5 billion") && !out.contains("$5\\nbillion"), "{out}");
    }
}

/// Every kind of line break in a document id (a JSONL `id`, a file name) is one space in the CSV and in JSONL, the
/// same in both, so every record is one line (issue 28).
#[test]
fn a_line_break_in_a_doc_id_is_flattened_in_csv_and_jsonl() {
    let breaks = ["\n", "\r\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}"];
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("in");
    std::fs::create_dir(&corpus).unwrap();
    let input: String = breaks.iter().map(|b| jsonl_article(&format!("id{b}x"), "It paid $7 million.")).collect();
    std::fs::write(corpus.join("a.jsonl"), input).unwrap();
    // A file name may hold a line break too.
    std::fs::write(corpus.join("b\nfile.txt"), "It paid $8 million.").unwrap();
    let c = corpus.to_str().unwrap();
    let expected: Vec<&str> = breaks.iter().map(|_| "id x").chain(["b file.txt"]).collect();
    for format in ["csv", "jsonl"] {
        let out = nertab(&["extract", c, "-o", "-", "--format", format, "--no-header", "--extractors", "amounts"], b"");
        let out = String::from_utf8(out.stdout).unwrap();
        // Any Unicode line break, not only \n, would end a line for some reader.
        let lines: Vec<&str> = out.split_terminator('\n').collect();
        assert!(!out.contains(['\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}']), "{format}: {out:?}");
        let ids: Vec<String> = lines
            .iter()
            .map(|l| match format {
                "csv" => l.split(',').next().unwrap().to_string(),
                _ => serde_json::from_str::<serde_json::Value>(l).unwrap()["doc_id"].as_str().unwrap().to_string(),
            })
            .collect();
        assert_eq!(ids, expected, "{format}: {out:?}");
    }
}

/// `-o - --entities FILE` streams as `-o -` alone does: the entity table waits for the end, the rows do not. With
/// and without the NER model (issue 28).
#[test]
fn rows_stream_with_an_entity_table_beside_them() {
    for extractors in ["amounts", "ner,amounts"] {
        let dir = tempfile::tempdir().unwrap();
        let entities = dir.path().join("entities.csv");
        let args = ["extract", "-", "-o", "-", "--format", "jsonl", "--threads", "1", "--extractors", extractors];
        let mut args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        args.extend([std::ffi::OsStr::new("--entities"), entities.as_os_str()]);
        let (mut child, mut stdin, rx) = streaming(&args);
        let mut wait_for = |what: &str, want: &str| loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let row: serde_json::Value = serde_json::from_str(&line).unwrap();
                    if row["doc_id"] == want && row["source"] == "amounts" {
                        return;
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    panic!("{extractors}: no row for {what} within 60 s while stdin stayed open: {e}");
                }
            }
        };
        stdin.write_all(jsonl_article("first", "Shares of Acme rose 3% in Paris on Monday.").as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for("the first article", "first");
        stdin.write_all(jsonl_article("second", "It paid $7 million to John Smith.").as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for("the second article", "second");
        assert!(!entities.exists(), "{extractors}: the entity table is written when the input ends");
        drop(stdin);
        assert!(child.wait().unwrap().success(), "{extractors}");
        let table = std::fs::read_to_string(&entities).unwrap();
        assert!(table.starts_with("type,name,aliases,"), "{extractors}: {table}");
    }
}

/// The table's rows reach a FIFO while stdin is still open with `--entities FILE` as without it, in both line
/// formats: the entity sink passes each chunk's flush on to the table it wraps (issue 31; the mention table alone is
/// `rows_for_stdin_arrive_before_stdin_closes`).
#[test]
fn rows_stream_to_a_fifo_with_an_entity_table_beside_them() {
    for format in ["csv", "jsonl"] {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("table.fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let entities = dir.path().join(format!("entities.{format}"));
        let (tx, rx) = mpsc::channel();
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(std::fs::File::open(fifo).unwrap()).lines() {
                    if tx.send(line.unwrap()).is_err() {
                        break;
                    }
                }
            })
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_nertab"))
            .args(["extract", "-", "--format", format, "--extractors", "amounts", "--threads", "1", "-o"])
            .arg(&fifo)
            .arg("--entities")
            .arg(&entities)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut wait_for = |doc: &str| loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) if line.contains(doc) && line.contains("amounts") => return,
                Ok(_) => {}
                Err(e) => {
                    let _ = child.kill();
                    panic!("{format}: no row of {doc} in the FIFO within 60 s while stdin stayed open: {e}");
                }
            }
        };
        stdin.write_all(jsonl_article("first-doc", "Shares of Acme rose 3% on Monday.").as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for("first-doc");
        stdin.write_all(jsonl_article("second-doc", "It paid $7 million to John Smith.").as_bytes()).unwrap();
        stdin.flush().unwrap();
        wait_for("second-doc");
        assert!(!entities.exists(), "{format}: the entity table is written when the input ends");
        drop(stdin);
        assert!(child.wait().unwrap().success(), "{format}");
        reader.join().unwrap();
        assert!(entities.exists(), "{format}: the entity table once the input ended");
    }
}

/// `--bom` starts every CSV the run writes, the entity table's too, and is refused where none is written;
/// `--no-header` is refused for a workbook (issue 28).
#[test]
fn bom_reaches_the_entity_csv_and_workbooks_refuse_csv_options() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("in.jsonl");
    std::fs::write(&corpus, jsonl_article("a", "It paid $7 million.")).unwrap();
    let (c, table, entities) = (corpus.to_str().unwrap(), dir.path().join("k.csv"), dir.path().join("e.csv"));
    let (t, e) = (table.to_str().unwrap(), entities.to_str().unwrap());
    nertab(&["extract", c, "-o", t, "--entities", e, "--bom", "--extractors", "amounts"], b"");
    for path in [&table, &entities] {
        assert!(std::fs::read(path).unwrap().starts_with(b"\xEF\xBB\xBF"), "{}", path.display());
    }
    // Beside a workbook, only the entity CSV is a CSV.
    let book = dir.path().join("k.xlsx");
    std::fs::remove_file(&entities).unwrap();
    nertab(&["extract", c, "-o", book.to_str().unwrap(), "--entities", e, "--bom", "--extractors", "amounts"], b"");
    assert!(std::fs::read(&entities).unwrap().starts_with(b"\xEF\xBB\xBFtype,"));
    for (args, says) in [
        (vec!["-o", "k2.xlsx", "--bom"], "--bom"),
        (vec!["-o", "k2.xlsx", "--no-header"], "--no-header"),
        (vec!["-o", "k2.jsonl", "--bom", "--entities", "e2.jsonl"], "--bom"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_nertab"))
            .current_dir(dir.path())
            .args(["extract", c, "--extractors", "amounts"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says) && err.lines().count() == 1, "{args:?}: {err}");
        assert!(!dir.path().join(args[1]).exists(), "{args:?}: a table was written");
    }
}

/// A `--format` that contradicts the `-o` extension is refused, naming both, for every pair (issue 28).
#[test]
fn a_format_contradicting_the_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("in.jsonl");
    std::fs::write(&corpus, jsonl_article("a", "It paid $7 million.")).unwrap();
    for format in ["csv", "jsonl", "xlsx"] {
        for ext in ["csv", "jsonl", "xlsx", "CSV"] {
            let out = dir.path().join(format!("out.{ext}"));
            let o = Command::new(env!("CARGO_BIN_EXE_nertab"))
                .args(["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "--format", format, "-o"])
                .arg(&out)
                .output()
                .unwrap();
            if ext.eq_ignore_ascii_case(format) {
                assert_eq!(o.status.code(), Some(0), "{format} {ext}: {}", String::from_utf8_lossy(&o.stderr));
                std::fs::remove_file(&out).unwrap();
                continue;
            }
            assert_eq!(o.status.code(), Some(2), "--format {format} -o out.{ext}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains(&format!("--format {format}")) && err.contains(&format!("out.{ext}")), "{err}");
            assert!(!out.exists(), "--format {format} -o out.{ext} wrote a file");
        }
    }
}
