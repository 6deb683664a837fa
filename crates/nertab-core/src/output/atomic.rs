//! Writing a table so that a failed run never replaces a good one, and nothing but the table changes.
//!
//! A regular file (or a path that does not exist yet) is written to a temporary file beside it (same directory, so
//! the same file system) and renamed onto it only by [`AtomicWriter::commit`]: until then readers see the old table,
//! and a run that fails or is dropped leaves no half-written one and no temporary file. A symlink is followed to its
//! target, and the rename lands there: the link stays a link. A replaced table keeps its mode and, where the
//! process may set it, its owner; a new one gets the usual `0666` less the umask.
//!
//! Renaming would *replace* anything else, so a FIFO and a character device (`/dev/null`, a terminal) are written
//! directly, like stdout (`-`); a directory, block device or socket is refused before any work is done. Every file
//! sink writes through this, so the rules hold for any format.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rand::Rng;

use super::OutputError;

/// Symlinks followed before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// Names tried for the temporary file before giving up.
const TEMP_ATTEMPTS: usize = 100;

/// How every temporary table's name starts: `.nertab-PID-XXXXXX.csv.tmp` (this process's id, six random
/// characters, the format's suffix).
const TEMP_PREFIX: &str = ".nertab-";

/// Where bytes go until [`commit`](AtomicWriter::commit).
enum Dest {
    /// stdout, a FIFO or a character device: written as the rows come.
    Direct(Box<dyn Write + Send>),
    /// A temporary file beside `target`, renamed onto it on commit.
    Temp { file: File, temp: TempPath, target: PathBuf },
}

/// The temporary files of this process's unfinished tables: created, then listed, under this lock, so that
/// [`remove_unfinished`] (run on a signal) finds every one that exists, however early the signal comes.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes the temporary file of every table this process has not finished (and every directory given to
/// [`track`]): for a signal handler (a thread that received SIGINT or SIGTERM), just before the process exits.
/// Nothing is renamed into place afterwards: the lock it keeps stops any writer from creating or committing more.
pub fn remove_unfinished() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut files = live();
    for path in files.drain(..) {
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let _ = fs::remove_dir_all(path);
        } else {
            let _ = fs::remove_file(path);
        }
    }
    files
}

/// Lists another temporary file or directory (a model being made) for [`remove_unfinished`], until [`untrack`].
pub fn track(path: &Path) {
    live().push(path.to_path_buf());
}

/// Takes a path given to [`track`] off the list (it was renamed into place or removed).
pub fn untrack(path: &Path) {
    live().retain(|p| p != path);
}

/// The list [`remove_unfinished`] works from, locked: while this is held, a signal's clean-up waits (for a commit
/// that must not be cut in half). Call nothing else of this module's while holding it.
pub fn hold() -> MutexGuard<'static, Vec<PathBuf>> {
    live()
}

/// The path of a temporary file, removed when dropped unless [renamed into place](TempPath::rename_onto).
struct TempPath(Option<PathBuf>);

impl TempPath {
    fn path(&self) -> Option<&Path> {
        self.0.as_deref()
    }

    /// Renames the file onto `target` and forgets it.
    fn rename_onto(&mut self, target: &Path) -> io::Result<()> {
        let mut files = live();
        if let Some(path) = &self.0 {
            fs::rename(path, target)?;
            files.retain(|p| p != path);
        }
        self.0 = None;
        Ok(())
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let mut files = live();
            // Best effort: the run is failing already, and a leftover is removed by the next run here.
            let _ = fs::remove_file(&path);
            files.retain(|p| *p != path);
        }
    }
}

/// How an I/O error of one output is reported: against the path as the user gave it (never the temporary file),
/// and a reader that went away from a direct output (`| head`) as [`OutputError::Closed`] rather than a failure.
#[derive(Debug, Clone)]
pub struct ErrorTarget {
    name: String,
    direct: bool,
}

impl ErrorTarget {
    /// The path as given, `-` for stdout.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the output is a stream written as the rows come (stdout, a FIFO, a character device), not a temporary
    /// file: such an output is flushed after every chunk, so its reader sees the rows as they are made.
    pub fn is_direct(&self) -> bool {
        self.direct
    }

    /// Whether `e` means that the reader of a direct output closed it.
    pub fn closed_by(&self, e: &io::Error) -> bool {
        self.direct && e.kind() == io::ErrorKind::BrokenPipe
    }

    /// The error for a failed write, flush, sync or rename.
    pub fn io(&self, e: io::Error) -> OutputError {
        if self.closed_by(&e) {
            OutputError::Closed { path: self.name.clone() }
        } else {
            OutputError::Io { path: self.name.clone(), source: e }
        }
    }
}

/// An output path opened for writing: directly for stdout, FIFOs and character devices, else through a temporary
/// file renamed onto the path (or the file a symlink there points to) on commit.
pub struct AtomicWriter {
    dest: Dest,
    errors: ErrorTarget,
}

impl AtomicWriter {
    /// Opens `path` (`-` is stdout). For a new file the parent directory is created if missing. The temporary file
    /// is named `.nertab-PID-XXXXXX{suffix}` (e.g. `.csv.tmp`); leftovers of killed runs in that directory are
    /// removed first (`remove_stale`).
    pub fn create(path: &Path, suffix: &str) -> Result<AtomicWriter, OutputError> {
        let name = path.display().to_string();
        let io_err = |source| OutputError::Io { path: name.clone(), source };
        if path.as_os_str() == "-" {
            return Ok(AtomicWriter::direct(Box::new(io::stdout()), name));
        }
        // Follows every link, `/dev/stdout`'s magic ones included, to see what a write would reach.
        let existing = match fs::metadata(path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(e)),
        };
        if let Some(m) = &existing {
            let kind = m.file_type();
            if kind.is_fifo() || kind.is_char_device() {
                let file = OpenOptions::new().write(true).open(path).map_err(io_err)?;
                return Ok(AtomicWriter::direct(Box::new(file), name));
            }
            if !kind.is_file() {
                let what = if kind.is_dir() {
                    "a directory"
                } else if kind.is_block_device() {
                    "a block device"
                } else {
                    "a socket"
                };
                return Err(OutputError::NotWritable { path: name, what });
            }
        }
        // A regular file or nothing yet: the rename must land on the file itself, not on a link to it.
        let target = resolve_links(path).map_err(io_err)?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if existing.is_none() {
            fs::create_dir_all(&dir).map_err(|source| OutputError::Dir { path: name.clone(), source })?;
        }
        remove_stale(&dir);
        let (file, temp) = create_temp(&dir, suffix, existing.as_ref())
            .map_err(|source| OutputError::Temp { path: name.clone(), source })?;
        Ok(AtomicWriter { dest: Dest::Temp { file, temp, target }, errors: ErrorTarget { name, direct: false } })
    }

    fn direct(out: Box<dyn Write + Send>, name: String) -> AtomicWriter {
        AtomicWriter { dest: Dest::Direct(out), errors: ErrorTarget { name, direct: true } }
    }

    /// The path as given, for messages (`-` for stdout).
    pub fn name(&self) -> &str {
        &self.errors.name
    }

    /// How this output's errors are reported.
    pub fn errors(&self) -> &ErrorTarget {
        &self.errors
    }

    /// The temporary file being written, if any: what a process that is killed before [`commit`](Self::commit)
    /// must remove (dropping the writer does it otherwise).
    pub fn temp_path(&self) -> Option<&Path> {
        match &self.dest {
            Dest::Temp { temp, .. } => temp.path(),
            Dest::Direct(_) => None,
        }
    }

    /// Flushes and, for a temporary file, syncs it and renames it onto the target.
    pub fn commit(self) -> Result<(), OutputError> {
        let AtomicWriter { dest, errors } = self;
        match dest {
            Dest::Direct(mut out) => out.flush().map_err(|e| errors.io(e)),
            Dest::Temp { mut file, mut temp, target } => {
                file.flush().and_then(|()| file.sync_all()).map_err(|e| errors.io(e))?;
                temp.rename_onto(&target).map_err(|e| errors.io(e))
            }
        }
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.dest {
            Dest::Direct(out) => out.write(buf),
            Dest::Temp { file, .. } => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.dest {
            Dest::Direct(out) => out.write_all(buf),
            Dest::Temp { file, .. } => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.dest {
            Dest::Direct(out) => out.flush(),
            Dest::Temp { file, .. } => file.flush(),
        }
    }
}

/// `path` with every symlink in its last component followed (relative links resolved from the link's directory);
/// a dangling link gives the path it points to, which is where a new file then goes.
pub(crate) fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::from_raw_os_error(libc::ELOOP))
}

/// Creates `.nertab-PID-XXXXXX{suffix}` in `dir`, with the mode and owner of the file it `replaces`, or for a new
/// file mode `0666` less the umask (the kernel applies it), as any program's new file. The file is listed for
/// [`remove_unfinished`] as it is created, and locked (`flock`) for as long as this process has it open: a later
/// run that finds it unlocked, with its process gone, knows it for a leftover ([`remove_stale`]).
fn create_temp(dir: &Path, suffix: &str, replaces: Option<&Metadata>) -> io::Result<(File, TempPath)> {
    let pid = std::process::id();
    for _ in 0..TEMP_ATTEMPTS {
        let random: String = rand::rng().sample_iter(rand::distr::Alphanumeric).take(6).map(char::from).collect();
        let path = dir.join(format!("{TEMP_PREFIX}{pid}-{random}{suffix}"));
        // A replacement starts private and gets the old file's mode only once its owner is set.
        let mode = if replaces.is_some() { 0o600 } else { 0o666 };
        let mut files = live();
        let file = match OpenOptions::new().write(true).create_new(true).mode(mode).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        files.push(path.clone());
        drop(files);
        let temp = TempPath(Some(path));
        // Where the file system has no locks, the process id in the name still tells a live run's file.
        let _ = file.try_lock();
        if let Some(old) = replaces {
            // Owner and group where allowed (root; or a group the user is in); otherwise the new file is the user's,
            // as with any editor's save. Changing the owner first, then the mode, keeps set-id bits.
            if std::os::unix::fs::fchown(&file, Some(old.uid()), Some(old.gid())).is_err() {
                let _ = std::os::unix::fs::fchown(&file, None, Some(old.gid()));
            }
            file.set_permissions(old.permissions())?;
        }
        return Ok((file, temp));
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no unused temporary file name"))
}

/// Removes from `dir` the temporary files that runs killed outright (SIGKILL, a crash, a power cut) left there:
/// `.nertab-PID-*.tmp` files whose process no longer exists and that no process holds locked. A live run's file is
/// never removed (its process exists, or it holds the lock). A leftover of an older nertab, named without a process
/// id, cannot be told from a live run's file: it is only warned about.
fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)).filter(|n| n.ends_with(".tmp")) else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let pid = rest.split_once('-').and_then(|(pid, _)| pid.parse::<libc::pid_t>().ok()).filter(|&p| p > 0);
        let Some(pid) = pid else {
            tracing::warn!(
                "{}: a temporary file of an earlier nertab run; remove it if no run is writing here",
                path.display()
            );
            continue;
        };
        if process_exists(pid) {
            continue;
        }
        // Unlocked (or on a file system without locks) and its process gone: nobody will rename it into place.
        let unlocked = File::open(&path).is_ok_and(|f| !matches!(f.try_lock(), Err(fs::TryLockError::WouldBlock)));
        if unlocked && fs::remove_file(&path).is_ok() {
            tracing::warn!("{}: removed, the temporary file of an interrupted run (process {pid})", path.display());
        }
    }
}

/// Whether a process with this id exists (in this process's view): `kill(pid, 0)` fails with `ESRCH` only when none
/// does.
fn process_exists(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 sends nothing; the call only checks that the process exists and may be signalled.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn entries(dir: &Path) -> usize {
        fs::read_dir(dir).unwrap().count()
    }

    #[test]
    fn the_target_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/t.csv");
        let mut w = AtomicWriter::create(&path, ".csv.tmp").unwrap();
        w.write_all(b"new").unwrap();
        assert!(!path.exists());
        let temp = w.temp_path().unwrap().to_path_buf();
        assert!(temp.file_name().unwrap().to_str().unwrap().starts_with(".nertab-"));
        assert!(temp.is_file());
        w.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(entries(&dir.path().join("sub")), 1, "no temporary file left");
    }

    #[test]
    fn a_dropped_writer_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        fs::write(&path, "old").unwrap();
        let mut w = AtomicWriter::create(&path, ".csv.tmp").unwrap();
        w.write_all(b"new").unwrap();
        drop(w);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(entries(dir.path()), 1);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        AtomicWriter::create(&path, ".csv.tmp").unwrap().commit().unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o7777, 0o640);
    }

    #[test]
    fn links_are_followed_relative_to_their_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink("b.csv", dir.path().join("a/link1")).unwrap();
        std::os::unix::fs::symlink("a/link1", dir.path().join("link2")).unwrap();
        assert_eq!(resolve_links(&dir.path().join("link2")).unwrap(), dir.path().join("a/b.csv"));
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        assert_eq!(resolve_links(&dir.path().join("loop")).unwrap_err().raw_os_error(), Some(libc::ELOOP));
    }

    #[test]
    fn directories_are_refused_and_errors_name_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let e = AtomicWriter::create(dir.path(), ".csv.tmp").err().unwrap();
        assert!(matches!(e, OutputError::NotWritable { what: "a directory", .. }), "{e:?}");
        let e = AtomicWriter::create(Path::new("/proc/version"), ".csv.tmp").err().unwrap();
        assert!(matches!(&e, OutputError::Temp { path, .. } if path == "/proc/version"), "{e:?}");
    }
}
