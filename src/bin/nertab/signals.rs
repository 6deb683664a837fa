//! What an interrupted `extract` does: remove its temporary files, then exit as a killed command would.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use anyhow::{Context, Result};

/// The temporary file of the table being written, for the signal thread to remove. It is not cleared when the run
/// ends: by then the file has been renamed into place or removed, and removing a missing file does nothing.
pub static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On SIGINT, SIGTERM or SIGHUP: removes the unfinished table's temporary file (the old table is untouched until
/// the final rename), then exits with 128 + the signal's number, as a shell reports a killed command. A thread
/// waits for the signals, so no work is done inside a signal handler; it exits with `_exit`, so nothing of the
/// interrupted run (libtorch's threads, its static destructors) runs on.
pub fn clean_up_on_signals() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).context("installing signal handlers")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                for path in std::mem::take(&mut *UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner)) {
                    let _ = std::fs::remove_file(path);
                }
                signal_hook::low_level::exit(128 + signal);
            }
        })
        .context("starting the signal thread")?;
    Ok(())
}
