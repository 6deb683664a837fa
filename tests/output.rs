//! Where the table goes, with the real binary: special files are written, not replaced; links stay links; modes
//! follow the umask or the file replaced; an interrupted run leaves no temporary file; a closed pipe is no error;
//! errors name the target once.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_nertab");

/// `nertab extract corpus --extractors amounts -o OUT` (fast: no model).
fn extract_to(out: &Path) -> Output {
    let corpus = common::repo().join("corpus");
    Command::new(BIN)
        .args(["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", out.to_str().unwrap()])
        .output()
        .unwrap()
}

fn assert_ok(o: &Output) {
    assert!(o.status.success(), "{:?}: {}", o.status, String::from_utf8_lossy(&o.stderr));
}

fn is_table(bytes: &[u8]) -> bool {
    bytes.starts_with(b"doc_id,sentence,") && bytes.windows(10).any(|w| w == b"$2 billion")
}

/// Names in `dir` other than `keep`: leftovers such as `.nertab-XXXXXX.csv.tmp`.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn a_fifo_is_written_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("table.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            std::fs::File::open(fifo).unwrap().read_to_end(&mut got).unwrap();
            got
        })
    };
    let o = extract_to(&fifo);
    assert_ok(&o);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    // Only joined once the FIFO is known to be there: a replaced one would leave the reader waiting forever.
    assert!(is_table(&reader.join().unwrap()));
    assert!(others(dir.path(), &["table.fifo"]).is_empty());
}

/// A private copy of `/dev/null` (same device numbers), so that a wrong result cannot break the machine's.
#[test]
fn a_character_device_is_written_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let made = Command::new("mknod").arg(&null).args(["c", "1", "3"]).output().unwrap();
    if !made.status.success() {
        eprintln!("skipped: mknod needs CAP_MKNOD: {}", String::from_utf8_lossy(&made.stderr));
        return;
    }
    let o = extract_to(&null);
    assert_ok(&o);
    let m = std::fs::symlink_metadata(&null).unwrap();
    assert!(m.file_type().is_char_device(), "the device was replaced by a {:?}", m.file_type());
    assert_eq!(m.rdev(), std::fs::metadata("/dev/null").unwrap().rdev());
    assert!(others(dir.path(), &["null"]).is_empty());
}

#[test]
fn a_symlink_stays_a_link_and_its_target_gets_the_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tables")).unwrap();
    let target = dir.path().join("tables/knowledge.csv");
    std::fs::write(&target, "old table\n").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("tables/knowledge.csv", &link).unwrap();
    assert_ok(&extract_to(&link));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("tables/knowledge.csv"));
    assert!(is_table(&std::fs::read(&target).unwrap()), "the link's target is stale");
    assert!(others(&dir.path().join("tables"), &["knowledge.csv"]).is_empty());

    // A link to a table not written yet: the table appears where it points.
    let dangling = dir.path().join("next.csv");
    std::os::unix::fs::symlink("tables/next.csv", &dangling).unwrap();
    assert_ok(&extract_to(&dangling));
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert!(is_table(&std::fs::read(dir.path().join("tables/next.csv")).unwrap()));
}

/// Runs `extract` under `umask`, through a shell (the umask is inherited).
fn extract_with_umask(umask: &str, out: &Path) -> Output {
    let corpus = common::repo().join("corpus");
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", out.to_str().unwrap()])
        .output()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_new_table_follows_the_umask_and_a_replaced_one_keeps_mode_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.csv");
    assert_ok(&extract_with_umask("022", &new));
    assert_eq!(mode(&new), 0o644);
    let private = dir.path().join("private.csv");
    assert_ok(&extract_with_umask("077", &private));
    assert_eq!(mode(&private), 0o600);

    let shared = dir.path().join("shared.csv");
    std::fs::write(&shared, "old table\n").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o664)).unwrap();
    // Another owner, where this test may set one (as root): the table keeps it.
    let owner = std::os::unix::fs::chown(&shared, Some(4321), Some(4321)).ok().map(|()| (4321, 4321));
    assert_ok(&extract_with_umask("077", &shared));
    assert!(is_table(&std::fs::read(&shared).unwrap()));
    assert_eq!(mode(&shared), 0o664);
    if let Some((uid, gid)) = owner {
        let m = std::fs::metadata(&shared).unwrap();
        assert_eq!((m.uid(), m.gid()), (uid, gid));
    }
}

/// Waits until a `.nertab-*` temporary file is in `dir`.
fn wait_for_temp(dir: &Path) -> PathBuf {
    let start = Instant::now();
    loop {
        let temp = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(".nertab-"));
        if let Some(temp) = temp {
            return temp;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_signal_removes_the_temporary_file_and_exits_128_plus_its_number() {
    for (name, number) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("knowledge.csv");
        std::fs::write(&out, "old table\n").unwrap();
        // JSONL on stdin, kept open: the run waits for more articles with its temporary file in place.
        let (child, stdin) = common::waiting_run(&out);
        wait_for_temp(dir.path());
        let kill = Command::new("kill").args(["-s", name, &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let o = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(others(dir.path(), &["knowledge.csv"]), Vec::<String>::new(), "SIG{name} left a temporary file");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old table\n", "SIG{name}");
        assert_eq!(o.status.code(), Some(128 + number), "SIG{name}: {:?}", o.status);
    }
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.txt");
    // About 40,000 rows, far more than a pipe holds, so the run is still writing when the reader goes away.
    std::fs::write(&input, "Sales rose 5% to $3m.\n".repeat(20_000)).unwrap();
    let mut child = Command::new(BIN)
        .args(["extract", input.to_str().unwrap(), "--extractors", "amounts", "-o", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..3 {
        lines.next().unwrap().unwrap();
    }
    drop(lines);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}

#[test]
fn errors_name_the_target_and_their_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let check = |out: &Path, expect: &str| {
        let o = extract_to(out);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("nertab: {}: ", out.display())), "{err}");
        assert!(err.contains(expect), "{err}");
        assert!(!err.contains(".nertab-"), "names the temporary file: {err}");
        assert!(err.matches("(os error").count() <= 1, "cause repeated: {err}");
    };
    check(dir.path(), "is a directory");
    check(Path::new("/proc/version"), "cannot create a temporary file beside it: ");
    assert!(others(dir.path(), &[]).is_empty());
}

/// Runs `nertab ARGS` with writes past `blocks` × 512 bytes of any file failing (`ulimit -f`, SIGXFSZ ignored, so a
/// write gets EFBIG as it would ENOSPC on a full disk), in `dir`.
fn extract_with_file_limit(dir: &Path, blocks: u32, args: &[&str]) -> Output {
    Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .output()
        .unwrap()
}

/// One line on stderr naming `path`, with `cause`, and no panic or second report of the cause.
fn assert_one_cause(o: &Output, path: &str, cause: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("nertab: {path}: ")) && err.contains(cause), "{err}");
    assert_eq!(err.matches(cause).count(), 1, "cause repeated: {err}");
    assert!(!err.contains("panicked") && !err.contains("ZipWriter"), "{err}");
}

/// A write that fails while the workbook is made (its rows' temporary files, the zip, the entity workbook) is an
/// error naming the workbook (exit 2), never a panic; the old table stays and no temporary file is left (issue 28).
#[test]
fn a_full_disk_under_a_workbook_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.txt");
    std::fs::write(&input, "Sales rose 5% to $3m.\n".repeat(3_000)).unwrap();
    std::fs::write(dir.path().join("k.xlsx"), "old").unwrap();
    // 32 KiB a file: the mention sheet's rows outgrow it while they are written.
    let o =
        extract_with_file_limit(dir.path(), 64, &["extract", "many.txt", "--extractors", "amounts", "-o", "k.xlsx"]);
    assert_one_cause(&o, "k.xlsx", "File too large");
    assert_eq!(std::fs::read_to_string(dir.path().join("k.xlsx")).unwrap(), "old");
    assert_eq!(others(dir.path(), &["many.txt", "k.xlsx"]), Vec::<String>::new());

    // The zip itself on a full device, as the table and as the entity workbook (through a link to /dev/full).
    let corpus = common::repo().join("corpus");
    let c = corpus.to_str().unwrap();
    let o = Command::new(BIN)
        .args(["extract", c, "--extractors", "amounts", "-o", "/dev/full", "--format", "xlsx"])
        .output();
    assert_one_cause(&o.unwrap(), "/dev/full", "No space left on device");
    let full = dir.path().join("full.xlsx");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let f = full.to_str().unwrap();
    let o =
        Command::new(BIN).args(["extract", c, "--extractors", "amounts", "-o", "/dev/null", "--entities", f]).output();
    assert_one_cause(&o.unwrap(), f, "No space left on device");
}

/// A workbook written to a stdout whose reader has gone (`| true`) ends the run quietly, as a CSV does (issue 28).
#[test]
fn a_workbook_to_a_closed_stdout_ends_the_run_quietly() {
    let corpus = common::repo().join("corpus");
    // The pipe's reading end is closed before nertab starts: every write to it fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(BIN)
        .args(["extract", corpus.to_str().unwrap(), "--extractors", "amounts", "-o", "-", "--format", "xlsx"])
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
}
