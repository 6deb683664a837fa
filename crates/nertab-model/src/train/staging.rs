//! Where `train` makes a model: a temporary directory, put in place at `--out` only once the model is complete, so
//! that a failed or interrupted run never leaves a half-made model or changes the one already there.
//!
//! A new `--out` is the temporary directory (beside it) renamed. An existing `--out` directory gets each finished
//! file renamed into it (each file replaced at once, the rest of the directory left as it is): its other files, and
//! the directory itself (its permissions, a symlink to it), stay.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::{TrainError, TrainOptions};
use nertab_core::output::atomic;

/// How the temporary directory's name starts (`.nertab-train-XXXXXX`).
const PREFIX: &str = ".nertab-train-";

/// Refuses an `--out` that is not a directory, or that is the `--base` or a `--teacher` (by any spelling: compared
/// by device and inode): the run reads them, and replacing their files would lose the model it starts from.
pub fn check_out(opts: &TrainOptions) -> Result<(), TrainError> {
    let out = match fs::metadata(&opts.out) {
        Ok(meta) if meta.is_dir() => meta,
        Ok(_) => {
            return Err(TrainError::Invalid(format!("--out {}: exists and is not a directory", opts.out.display())))
        }
        // A new directory cannot be a model that exists.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(TrainError::Read { path: opts.out.clone(), source }),
    };
    let named = std::iter::once(("--base", &opts.base)).chain(opts.teachers.iter().map(|t| ("--teacher", t)));
    for (flag, dir) in named {
        if fs::metadata(dir).is_ok_and(|m| (m.dev(), m.ino()) == (out.dev(), out.ino())) {
            return Err(TrainError::Invalid(format!(
                "--out {} is the {flag} directory {}: training would overwrite the model it reads; choose another \
                 --out",
                opts.out.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// A model directory being made; dropped without [`commit`](Staging::commit), it is removed and `--out` is as
/// before.
pub struct Staging {
    dir: tempfile::TempDir,
    /// Listed for removal on a signal ([`atomic::track`]) while it exists; declared after `dir`, so dropped after
    /// it is removed.
    _tracked: Tracked,
    out: PathBuf,
    /// Whether `out` existed: its files are then replaced one by one, else the directory is renamed.
    existed: bool,
}

impl Staging {
    /// Creates the temporary directory: inside `out` when that exists (so the renames stay on its file system, a
    /// symlink to it included), else beside it (creating the parent directories).
    pub fn new(out: &Path) -> Result<Staging, TrainError> {
        let existed = out.is_dir();
        let write_err = |source| TrainError::Write { path: out.to_path_buf(), source };
        let parent = if existed {
            out.to_path_buf()
        } else {
            let parent = match out.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            fs::create_dir_all(&parent).map_err(write_err)?;
            parent
        };
        let dir = tempfile::Builder::new().prefix(PREFIX).tempdir_in(&parent).map_err(write_err)?;
        atomic::track(dir.path());
        Ok(Staging { _tracked: Tracked(dir.path().to_path_buf()), dir, out: out.to_path_buf(), existed })
    }

    /// Where the model is written until it is complete.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the complete model in place at `out`. If that fails, the model is kept where it was made, and the
    /// error says where.
    pub fn commit(self) -> Result<(), TrainError> {
        let Staging { _tracked, dir, out, existed } = self;
        // Made with mode 0777 less the umask, as `mkdir` makes a directory.
        let staged = dir.keep();
        // A signal now waits until the model is in place, and then has nothing to remove.
        let mut signal_list = atomic::hold();
        signal_list.retain(|p| *p != staged);
        let kept = |source: io::Error| {
            TrainError::Invalid(format!(
                "{}: cannot put the new model in place ({source}); it is complete in {}",
                out.display(),
                staged.display()
            ))
        };
        if !existed {
            return fs::rename(&staged, &out).map_err(kept);
        }
        let mut names: Vec<fs::DirEntry> = fs::read_dir(&staged).and_then(|entries| entries.collect()).map_err(kept)?;
        // The weights last: a reader that sees them finds the config they were trained with.
        names.sort_by_key(|e| e.file_name() == "model.safetensors");
        for entry in names {
            fs::rename(entry.path(), out.join(entry.file_name())).map_err(kept)?;
        }
        fs::remove_dir(&staged).map_err(kept)
    }
}

/// A path listed with [`atomic::track`], taken off the list when dropped.
struct Tracked(PathBuf);

impl Drop for Tracked {
    fn drop(&mut self) {
        atomic::untrack(&self.0);
    }
}
