//! A run never writes over what it reads, nor one output over the other, however the paths are spelled; and an
//! interrupted or killed run's temporary files do not stay behind. With the real binary and real files, links and
//! processes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_nertab");

const ARTICLE: &str = "{\"id\": \"a\", \"text\": \"Sales rose 5% to $3m.\"}\n";

/// `nertab extract ARGS --extractors amounts`, run in `cwd` (fast: no model).
fn extract_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN).current_dir(cwd).arg("extract").args(args).args(["--extractors", "amounts"]).output().unwrap()
}

/// Every file under `dir` (links not followed) with its bytes (a symlink as its target, a FIFO as empty).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.unwrap();
        let kind = entry.file_type();
        let bytes = if kind.is_symlink() {
            std::fs::read_link(entry.path()).unwrap().into_os_string().into_encoded_bytes()
        } else if kind.is_file() {
            std::fs::read(entry.path()).unwrap()
        } else {
            Vec::new()
        };
        files.insert(entry.path().to_path_buf(), bytes);
    }
    files
}

/// A refusal: exit 2, one line on stderr that names `names` (as given), nothing under `dir` changed.
fn assert_refused(o: &Output, dir: &Path, before: &BTreeMap<PathBuf, Vec<u8>>, names: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for name in names {
        assert!(err.contains(name), "does not name {name}: {err}");
    }
    assert_eq!(&snapshot(dir), before, "the run changed the directory: {err}");
}

/// A directory with an explicit input `corpus.jsonl`, an input directory `docs/` (`a.txt`, `b.jsonl`, a `notes.md`
/// that is not read, a subdirectory `deep/c.txt`), an old table `t.csv` and an empty directory `sub/`.
fn layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("corpus.jsonl"), ARTICLE).unwrap();
    std::fs::create_dir_all(p.join("docs/deep")).unwrap();
    std::fs::write(p.join("docs/a.txt"), "Profits fell 3% to $2m.\n").unwrap();
    std::fs::write(p.join("docs/b.jsonl"), ARTICLE).unwrap();
    std::fs::write(p.join("docs/notes.md"), "not an article\n").unwrap();
    std::fs::write(p.join("docs/deep/c.txt"), "Costs rose 2%.\n").unwrap();
    std::fs::write(p.join("t.csv"), "old table\n").unwrap();
    std::fs::create_dir(p.join("sub")).unwrap();
    dir
}

#[test]
fn an_output_that_is_an_input_file_is_refused_by_any_spelling() {
    let dir = layout();
    let p = dir.path();
    std::os::unix::fs::symlink("corpus.jsonl", p.join("link.jsonl")).unwrap();
    std::fs::hard_link(p.join("corpus.jsonl"), p.join("hard.csv")).unwrap();
    let absolute = p.join("corpus.jsonl").display().to_string();
    let before = snapshot(p);
    for flag in ["-o", "--entities"] {
        for spelling in ["corpus.jsonl", "./corpus.jsonl", "sub/../corpus.jsonl", &absolute, "link.jsonl", "hard.csv"] {
            let mut args = vec!["corpus.jsonl", flag, spelling];
            if flag == "--entities" {
                args.extend(["-o", "out.csv"]);
            }
            let o = extract_in(p, &args);
            assert_refused(&o, p, &before, &[spelling, "corpus.jsonl", flag]);
        }
    }
}

#[test]
fn an_output_inside_an_input_directory_is_refused_if_it_would_be_read() {
    let dir = layout();
    let p = dir.path();
    std::os::unix::fs::symlink("docs", p.join("docs-link")).unwrap();
    let before = snapshot(p);
    // Files that are read: existing ones by inode, new ones (a `.txt` or `.jsonl` name, any case) by place.
    for out in ["docs/a.txt", "docs/deep/c.txt", "docs-link/b.jsonl", "docs/new.jsonl", "docs/deep/NEW.TXT"] {
        for flag in ["-o", "--entities"] {
            let mut args = vec!["docs", flag, out];
            if flag == "--entities" {
                args.extend(["-o", "out.csv"]);
            }
            let o = extract_in(p, &args);
            assert_refused(&o, p, &before, &[out, "docs"]);
        }
    }
    // A table the inputs do not read (another extension) may go into an input directory.
    let o = extract_in(p, &["docs", "-o", "docs/table.csv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(p.join("docs/a.txt")).unwrap(), b"Profits fell 3% to $2m.\n");
}

#[test]
fn the_two_outputs_naming_one_file_are_refused() {
    let dir = layout();
    let p = dir.path();
    std::os::unix::fs::symlink("t.csv", p.join("t-link.csv")).unwrap();
    std::os::unix::fs::symlink("sub", p.join("sub-link")).unwrap();
    let before = snapshot(p);
    let pairs = [
        ("t.csv", "t.csv"),
        ("t.csv", "./t.csv"),
        ("t.csv", "t-link.csv"),
        ("sub/../t.csv", "t.csv"),
        ("sub/new.csv", "sub-link/new.csv"),
        ("sub/new.csv", "sub/x/../new.csv"),
        ("new/t.csv", "new/./t.csv"),
    ];
    for (table, entities) in pairs {
        let o = extract_in(p, &["corpus.jsonl", "-o", table, "--entities", entities]);
        assert_refused(&o, p, &before, &[table, entities]);
    }
    // Streams are not files: stdout and /dev/null may be given twice.
    let o = extract_in(p, &["corpus.jsonl", "-o", "/dev/null", "--entities", "/dev/null"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// How a generated case spells its output.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Plain,
    DotSlash,
    DotDot,
    DoubleSlash,
    Absolute,
    Symlink,
    HardLink,
    ThroughSymlinkedDir,
}

/// What a generated case aims its output at.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// `corpus.jsonl`, named on the command line.
    ExplicitInput,
    /// `docs/deep/c.txt`, found in the input directory.
    FoundInput,
    /// `docs/new.jsonl`: not there yet, but an article the next run would read.
    NewArticle,
    /// The other output (`t.csv`, existing).
    OtherOutput,
    /// The other output, new: `sub/new.csv`.
    NewOtherOutput,
}

/// `target` spelled as `how`, relative to the case's directory `p` (creating the link a spelling needs).
fn spell(p: &Path, target: &str, how: Spelling, n: usize) -> String {
    let (parent, name) = target.rsplit_once('/').map_or((".", target), |(d, f)| (d, f));
    match how {
        Spelling::Plain => target.to_string(),
        Spelling::DotSlash => format!("./{target}"),
        Spelling::DotDot => format!("sub/../{target}"),
        Spelling::DoubleSlash => format!(".//{}", target.replace('/', "//")),
        Spelling::Absolute => p.join(target).display().to_string(),
        Spelling::Symlink => {
            let link = format!("link{n}-{name}");
            std::os::unix::fs::symlink(p.join(target), p.join(&link)).unwrap();
            link
        }
        Spelling::HardLink if p.join(target).exists() => {
            let link = format!("hard{n}.csv");
            std::fs::hard_link(p.join(target), p.join(&link)).unwrap();
            link
        }
        Spelling::HardLink => format!("./{target}"),
        Spelling::ThroughSymlinkedDir => {
            let link = format!("dirlink{n}");
            std::os::unix::fs::symlink(p.join(parent), p.join(&link)).unwrap();
            format!("{link}/{name}")
        }
    }
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::Plain),
        Just(Spelling::DotSlash),
        Just(Spelling::DotDot),
        Just(Spelling::DoubleSlash),
        Just(Spelling::Absolute),
        Just(Spelling::Symlink),
        Just(Spelling::HardLink),
        Just(Spelling::ThroughSymlinkedDir),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// However an output is spelled, a run aimed at an input or at its other output exits 2 and changes nothing:
    /// every input keeps its bytes and no file appears.
    #[test]
    fn no_spelling_lets_a_run_write_over_an_input_or_its_other_output(
        target in prop_oneof![
            Just(Target::ExplicitInput),
            Just(Target::FoundInput),
            Just(Target::NewArticle),
            Just(Target::OtherOutput),
            Just(Target::NewOtherOutput),
        ],
        first in spelling(),
        second in spelling(),
        entities_first in any::<bool>(),
    ) {
        let dir = layout();
        let p = dir.path();
        let (path, other) = match target {
            Target::ExplicitInput => ("corpus.jsonl", None),
            Target::FoundInput => ("docs/deep/c.txt", None),
            Target::NewArticle => ("docs/new.jsonl", None),
            Target::OtherOutput => ("t.csv", Some(second)),
            Target::NewOtherOutput => ("sub/new.csv", Some(second)),
        };
        let a = spell(p, path, first, 1);
        // Against an input, the other output is a harmless file; against the other output, a second spelling.
        let b = match other {
            Some(how) => spell(p, path, how, 2),
            None => "out.csv".to_string(),
        };
        let (table, entities) = if entities_first { (b.clone(), a.clone()) } else { (a.clone(), b.clone()) };
        let before = snapshot(p);
        let o = extract_in(p, &["corpus.jsonl", "docs", "-o", &table, "--entities", &entities]);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        prop_assert_eq!(o.status.code(), Some(2), "{} {} -> {:?}: {}", table, entities, o.status, err);
        prop_assert_eq!(err.lines().count(), 1, "{}", err);
        prop_assert!(err.contains(&a), "does not name {}: {}", a, err);
        prop_assert_eq!(snapshot(p), before, "{} {}: {}", table, entities, err);
    }
}

/// Names in `dir` other than `keep`.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Waits (at most a minute) until `dir` holds a `.nertab-` temporary file; returns its name.
fn wait_for_temp(dir: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Some(name) = others(dir, &[]).into_iter().find(|n| n.starts_with(".nertab-")) {
            return name;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_signal_while_the_entities_fifo_waits_for_a_reader_removes_the_tables_temporary_file() {
    for (name, number) in [("INT", 2), ("TERM", 15)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("knowledge.csv");
        std::fs::write(&out, "old table\n").unwrap();
        let fifo = dir.path().join("entities.fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let corpus = common::repo().join("corpus");
        let child = Command::new(BIN)
            .args(["extract", corpus.to_str().unwrap(), "--extractors", "amounts"])
            .args(["-o", out.to_str().unwrap(), "--entities", fifo.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The table's temporary file exists while opening the FIFO waits for a reader that never comes.
        wait_for_temp(dir.path());
        assert!(Command::new("kill").args(["-s", name, &child.id().to_string()]).status().unwrap().success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(128 + number), "SIG{name}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(others(dir.path(), &["knowledge.csv", "entities.fifo"]), Vec::<String>::new(), "SIG{name}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old table\n");
    }
}

#[test]
fn a_killed_runs_temporary_file_is_removed_by_the_next_run_and_a_live_runs_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("knowledge.csv");
    // A run killed outright (no chance to clean up) leaves its temporary file.
    let (mut killed, stdin) = common::waiting_run(&out);
    let stale = wait_for_temp(dir.path());
    killed.kill().unwrap();
    killed.wait().unwrap();
    drop(stdin);
    assert_eq!(others(dir.path(), &[]), vec![stale.clone()]);
    // A leftover of an older nertab (no process id in its name) cannot be told from a live run's: warned about.
    let older = ".nertab-AbC123.csv.tmp";
    std::fs::write(dir.path().join(older), "older").unwrap();

    // The next run into the directory removes the killed run's file as it starts, and keeps its own until it ends.
    let live_out = dir.path().join("live.csv");
    let (live, live_stdin) = common::waiting_run(&live_out);
    let start = Instant::now();
    let live_temp = loop {
        let names = others(dir.path(), &[&stale, older]);
        if let Some(n) = names.into_iter().find(|n| n.starts_with(".nertab-")) {
            break n;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut want = vec![older.to_string(), live_temp.clone()];
    want.sort();
    assert_eq!(others(dir.path(), &[]), want, "the killed run's file is still there");

    // A run beside the live one leaves the live one's file alone (its process exists and holds it locked).
    let corpus = common::repo().join("corpus");
    let o = extract_in(dir.path(), &[corpus.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(older) && !err.contains(&live_temp), "{err}");
    want.push("knowledge.csv".into());
    want.sort();
    assert_eq!(others(dir.path(), &[]), want);

    // The live run finishes normally, its table put in place; it said what it removed.
    drop(live_stdin);
    let o = live.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&stale) && err.contains("removed"), "{err}");
    assert!(std::fs::read_to_string(&live_out).unwrap().contains("$3m"));
    assert_eq!(others(dir.path(), &[older]), vec!["knowledge.csv", "live.csv"]);
}
