//! The input side of `nertab extract` as a hostile user meets it (issue 15): BOM'd JSONL, JSONL titles, explicitly
//! named files, thread counts, messages. Each test failed on the binary before the fix.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn nertab(args: &[&str]) -> Output {
    Command::new(common::nertab_bin()).args(args).output().unwrap()
}

fn rows(csv: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv).records().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_jsonl_file_starting_with_a_bom_keeps_its_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("edge.jsonl");
    std::fs::write(&p, "\u{feff}{\"id\": \"1\", \"text\": \"It cost $5m.\"}\n{\"id\": \"2\", \"text\": \"Up 3%.\"}\n")
        .unwrap();
    let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    let got: Vec<String> = rows(&o.stdout).iter().map(|r| format!("{} {}", &r[0], &r[4])).collect();
    assert_eq!(got, vec!["1 $5m", "2 3%"]);
}

/// A JSONL title is extracted like a `.txt` file's title line, and offsets refer to title + blank line + text.
#[test]
fn a_jsonl_title_is_extracted() {
    let mut child = Command::new(common::nertab_bin())
        .args(["extract", "-", "--extractors", "amounts", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let line = "{\"id\":\"m\",\"title\":\"Microsoft buys Activision for $69 billion\",\"text\":\"The deal closed.\"}\n";
    child.stdin.take().unwrap().write_all(line.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let rows = rows(&o.stdout);
    assert_eq!(rows.len(), 1, "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!((&rows[0][2], &rows[0][3], &rows[0][4], &rows[0][6]), ("30", "41", "$69 billion", "69000000000"));
}

/// A file named on the command line that cannot be read is a usage error (exit 2), not a skipped input;
/// `/proc/self/mem` opens and then fails to read, even for root. Any other name is read as text.
#[test]
fn an_unreadable_file_named_explicitly_exits_2_and_other_names_are_text() {
    let o = nertab(&["extract", "/proc/self/mem", "--extractors", "amounts", "-o", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/proc/self/mem: cannot read"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("notes.md");
    std::fs::write(&p, "Sales rose 4%.").unwrap();
    let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(&rows(&o.stdout)[0][4], "4%");
}

#[test]
fn thread_counts_beyond_four_per_core_are_refused() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let too_many = (4 * cores + 1).to_string();
    let corpus = common::repo().join("corpus");
    for n in [too_many.as_str(), "99999999999"] {
        let o = nertab(&["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", "-", "--threads", n]);
        assert_eq!(o.status.code(), Some(2), "--threads {n}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("per core"), "{err}");
    }
    let ok = (4 * cores).to_string();
    let o = nertab(&["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", "-", "--threads", &ok]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Warnings are plain text when stderr is not a terminal, an empty directory is said to be empty, a repeated
/// JSONL id is warned about, and `--strict` says what it did.
#[test]
fn messages_are_plain_and_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = nertab(&["extract", empty.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no .txt or .jsonl file"), "{err}");
    assert!(!err.contains('\u{1b}'), "colour codes in a non-terminal stderr: {err:?}");
    let p = dir.path().join("dup.jsonl");
    std::fs::write(&p, "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}\n{\"id\":\"\",\"text\":\"z\"}\n")
        .unwrap();
    let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dup.jsonl:2: id \"a\" already used by") && err.contains("dup.jsonl:1"), "{err}");
    assert!(err.contains("dup.jsonl:3: empty \"id\""), "{err}");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"a\"}\n").unwrap();
    let o = nertab(&["extract", bad.to_str().unwrap(), "--extractors", "amounts", "-o", "-", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.jsonl:1: no \"text\" field (--strict: stopped") && !err.contains("skipped"), "{err}");
}

/// `--stats` names the precision `auto` chose, why, and the CPU flags it saw; `--context` other than the trained
/// value is warned about.
#[test]
fn stats_name_the_chosen_precision_and_a_context_mismatch_is_warned() {
    let corpus = common::repo().join("corpus");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "-o", "-", "--stats", "--context", "16"]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("precision ") && err.contains("by auto: ") && err.contains("[CPU flags: "), "{err}");
    assert!(err.contains("--context 16: the model was trained with 0"), "{err}");
    let o = nertab(&["extract", corpus.to_str().unwrap(), "-o", "-", "--stats", "--precision", "fp32"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("precision fp32: asked for"));
}

/// Every `--precision` either runs or is refused before any work with exit 2, naming the missing CPU feature and
/// the precision to use instead; `auto` only picks what the CPU runs. Checked on this CPU as it is, and with oneDNN
/// capped to AVX2 (`ONEDNN_MAX_CPU_ISA`, set for the child only), under which oneDNN's bf16 and int8 are refused on
/// every CPU and `auto` falls back to fbgemm's int8.
#[test]
fn a_precision_the_cpu_cannot_run_well_is_refused_and_auto_never_picks_one() {
    use nertab::model::cpu::Cpu;
    use nertab::model::Precision::{Bf16, Fp32, Int8, Int8Onednn};
    let corpus = common::repo().join("corpus");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("k.csv");
    for (cap, cpu) in
        [(None, Cpu::detect()), (Some("AVX2"), Cpu::with_onednn_cap(Cpu::detect().features, Some("AVX2")))]
    {
        let run = |precision: &str| {
            let mut c = Command::new(common::nertab_bin());
            c.args(["extract", corpus.to_str().unwrap(), "-o", out.to_str().unwrap(), "--stats", "--precision"]);
            c.arg(precision);
            if let Some(cap) = cap {
                c.env("ONEDNN_MAX_CPU_ISA", cap);
            }
            c.output().unwrap()
        };
        for precision in [Fp32, Int8, Bf16, Int8Onednn] {
            let _ = std::fs::remove_file(&out);
            let o = run(precision.as_str());
            let err = String::from_utf8_lossy(&o.stderr);
            match cpu.supports(precision) {
                Ok(()) => {
                    assert_eq!(o.status.code(), Some(0), "{precision:?} cap {cap:?}: {err}");
                    assert!(err.contains(&format!("precision {}: asked for", precision.as_str())), "{err}");
                }
                Err(why) => {
                    assert_eq!(o.status.code(), Some(2), "{precision:?} cap {cap:?}: {err}");
                    assert!(
                        err.contains(why.missing) && err.contains(&format!("--precision {}", why.instead.as_str()))
                    );
                    assert!(!out.exists(), "a refused run wrote {}", out.display());
                }
            }
        }
        let o = run("auto");
        assert_eq!(o.status.code(), Some(0));
        let err = String::from_utf8_lossy(&o.stderr);
        let chosen = nertab::model::cpu::choose(&cpu, true).precision;
        assert_eq!(cpu.supports(chosen), Ok(()));
        assert!(err.contains(&format!("precision {} by auto", chosen.as_str())), "cap {cap:?}: {err}");
    }
    // Under the cap, oneDNN's paths are refused whatever the CPU.
    let capped = Cpu::with_onednn_cap(Cpu::detect().features, Some("AVX2"));
    assert!(capped.supports(Bf16).is_err() && capped.supports(Int8Onednn).is_err());
}

/// `nertab extract - --extractors amounts -o -` with `input` on stdin.
fn from_stdin(input: &[u8], more: &[&str]) -> Output {
    let args: Vec<&str> = ["extract", "-", "--extractors", "amounts", "-o", "-"].iter().chain(more).copied().collect();
    common::with_stdin(&args, input)
}

/// One decoding rule for `.txt` and JSONL (issue 28): invalid UTF-8 is read as Windows-1252 with a warning, in a
/// file as in one JSONL line; UTF-16 with its byte-order mark is decoded; a NUL is binary and skipped in both.
#[test]
fn txt_and_jsonl_follow_one_decoding_rule() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("cp.jsonl");
    std::fs::write(&jsonl, b"{\"id\": \"cp\", \"text\": \"Caf\xe9 sales rose 5% to \x805m.\"}\n").unwrap();
    let txt = dir.path().join("cp.txt");
    std::fs::write(&txt, b"Caf\xe9 sales rose 5% to \x805m.").unwrap();
    for (path, place) in [(&jsonl, format!("{}:1", jsonl.display())), (&txt, txt.display().to_string())] {
        let o = nertab(&["extract", path.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        assert!(err.contains(&format!("{place}: not valid UTF-8, decoded as Windows-1252")), "{err}");
        let got: Vec<String> = rows(&o.stdout).iter().map(|r| format!("{} {} {}", &r[2], &r[4], &r[12])).collect();
        assert_eq!(got, ["16 5% Café sales rose 5% to €5m.", "22 €5m Café sales rose 5% to €5m."], "{place}");
    }

    // UTF-16 (little and big endian) with its byte-order mark: a .txt file, a .jsonl file and stdin.
    let utf16 = |text: &str, big: bool| -> Vec<u8> {
        let mut bytes = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    };
    for big in [false, true] {
        let p = dir.path().join("wide.txt");
        std::fs::write(&p, utf16("São Paulo paid €5m.", big)).unwrap();
        let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
        assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
        let r = rows(&o.stdout);
        assert_eq!((&r[0][2], &r[0][4], &r[0][12]), ("15", "€5m", "São Paulo paid €5m."), "big endian: {big}");
        let p = dir.path().join("wide.jsonl");
        let line = "{\"id\": \"w\", \"text\": \"São Paulo paid €6m.\"}\n";
        std::fs::write(&p, utf16(line, big)).unwrap();
        for o in [
            nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]),
            from_stdin(&utf16(line, big), &[]),
        ] {
            assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
            let r = rows(&o.stdout);
            assert_eq!((&r[0][0], &r[0][4]), ("w", "€6m"), "big endian: {big}");
        }
    }

    // A NUL in a JSON string is binary, as a file with NUL bytes is: skipped with the same reason.
    let bin = dir.path().join("bin.txt");
    std::fs::write(&bin, b"Paid $5m\x00\x00").unwrap();
    let nul = dir.path().join("nul.jsonl");
    let lines =
        "{\"id\": \"n\", \"text\": \"Paid $5m\\u0000.\"}\n{\"id\": \"t\", \"title\": \"a\\u0000\", \"text\": \"x\"}\n";
    std::fs::write(&nul, lines).unwrap();
    let o = nertab(&["extract", bin.to_str().unwrap(), nul.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
    let err = String::from_utf8_lossy(&o.stderr);
    for place in [bin.display().to_string(), format!("{}:1", nul.display()), format!("{}:2", nul.display())] {
        assert!(err.contains(&format!("{place}: binary (NUL bytes), skipped")), "{place}: {err}");
    }
    assert!(rows(&o.stdout).is_empty());
}

/// An empty `.jsonl` file and empty stdin are reported as an empty `.txt` file is (issue 28).
#[test]
fn an_empty_jsonl_file_or_stdin_is_reported_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let blank = dir.path().join("blank.jsonl");
    std::fs::write(&blank, "\n  \n").unwrap();
    let txt = dir.path().join("empty.txt");
    std::fs::write(&txt, "").unwrap();
    for p in [&empty, &blank, &txt] {
        let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-"]);
        assert_eq!(o.status.code(), Some(0));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("{}: empty, skipped", p.display())), "{err}");
        let o = nertab(&["extract", p.to_str().unwrap(), "--extractors", "amounts", "-o", "-", "--strict"]);
        assert_eq!(o.status.code(), Some(1), "{}", p.display());
    }
    let o = from_stdin(b"", &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("<stdin>: empty, skipped"));
}

/// A JSONL line that is not an article says what it is (issue 28).
#[test]
fn a_bad_jsonl_line_says_what_is_wrong() {
    let lines = concat!(
        "[1,2]\n",
        "\"text\"\n",
        "{\"id\": \"a\", \"text\": null}\n",
        "{\"id\": \"b\", \"text\": 5}\n",
        "{\"id\": null, \"text\": \"x\"}\n",
        "{\"id\": [1], \"text\": \"x\"}\n",
        "{\"id\": \"c\", \"text\": \"x\", \"title\": 3}\n",
        "{\"id\": \"d\", \"text\": \"It cost $4m.\", \"title\": null}\n",
    );
    let o = from_stdin(lines.as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    for said in [
        "<stdin>:1: not a JSON object (an array), skipped",
        "<stdin>:2: not a JSON object (a string), skipped",
        "<stdin>:3: \"text\" is null, not a string, skipped",
        "<stdin>:4: \"text\" is a number, not a string, skipped",
        "<stdin>:5: \"id\" is null, not a string or number, skipped",
        "<stdin>:6: \"id\" is an array, not a string or number, skipped",
        "<stdin>:7: \"title\" is a number, not a string, skipped",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
    assert!(!err.contains("invalid type") && !err.contains("no \"text\""), "{err}");
    let got: Vec<String> = rows(&o.stdout).iter().map(|r| format!("{} {}", &r[0], &r[4])).collect();
    assert_eq!(got, ["d $4m"], "a null title is no title");
}
