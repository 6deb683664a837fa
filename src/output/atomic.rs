//! Writing a table so that a failed run never replaces a good one.
//!
//! A file target is written to a temporary file beside it (same directory, so the same file system) and renamed
//! onto it only by [`AtomicWriter::commit`]: until then readers see the old table, and a run that fails or is
//! dropped leaves no half-written one. `-` is stdout, written directly. Every file sink writes through this, so the
//! rule holds for any format.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::OutputError;

/// Where bytes go until [`commit`](AtomicWriter::commit).
enum Dest {
    Stdout(io::Stdout),
    File { tmp: tempfile::NamedTempFile, target: PathBuf },
}

/// An output path opened for writing: stdout for `-`, else a temporary file renamed onto the path on commit.
pub struct AtomicWriter {
    dest: Dest,
    name: String,
}

impl AtomicWriter {
    /// Opens `path` (`-` is stdout). The parent directory is created if missing; the temporary file is named
    /// `.nertab-XXXXXX{suffix}` (e.g. `.csv.tmp`), so a leftover is recognizable.
    pub fn create(path: &Path, suffix: &str) -> Result<AtomicWriter, OutputError> {
        let name = path.display().to_string();
        let io_err = |source| OutputError::Io { path: name.clone(), source };
        let dest = if path.as_os_str() == "-" {
            Dest::Stdout(io::stdout())
        } else {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir).map_err(io_err)?;
            let tmp = tempfile::Builder::new().prefix(".nertab-").suffix(suffix).tempfile_in(&dir).map_err(io_err)?;
            Dest::File { tmp, target: path.to_path_buf() }
        };
        Ok(AtomicWriter { dest, name })
    }

    /// The path as given, for messages (`-` for stdout).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Flushes and, for a file, syncs it and renames it onto the target.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let io_err = |name: &str, source| OutputError::Io { path: name.to_string(), source };
        self.flush().map_err(|e| io_err(&self.name, e))?;
        if let Dest::File { tmp, target } = self.dest {
            tmp.as_file().sync_all().map_err(|e| io_err(&self.name, e))?;
            tmp.persist(&target).map_err(|e| io_err(&self.name, e.error))?;
        }
        Ok(())
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.dest {
            Dest::Stdout(out) => out.write(buf),
            Dest::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.dest {
            Dest::Stdout(out) => out.write_all(buf),
            Dest::File { tmp, .. } => tmp.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.dest {
            Dest::Stdout(out) => out.flush(),
            Dest::File { tmp, .. } => tmp.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/t.csv");
        let mut w = AtomicWriter::create(&path, ".csv.tmp").unwrap();
        w.write_all(b"new").unwrap();
        assert!(!path.exists());
        w.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn a_dropped_writer_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "old").unwrap();
        let mut w = AtomicWriter::create(&path, ".csv.tmp").unwrap();
        w.write_all(b"new").unwrap();
        drop(w);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
