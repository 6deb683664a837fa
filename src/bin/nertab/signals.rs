//! What an interrupted `extract` or `train` does: remove its temporary files (the unfinished tables, the model being
//! made), then exit as a killed command would.

use anyhow::{Context, Result};

/// On SIGINT, SIGTERM or SIGHUP: removes the temporary file of every unfinished table (the old tables are untouched
/// until the final rename; [`nertab::output::atomic::remove_unfinished`] knows each file from the moment it exists,
/// so one created before a blocking open of a FIFO is removed too), then exits with 128 + the signal's number, as a
/// shell reports a killed command. A thread waits for the signals, so no work is done inside a signal handler; it
/// exits with `_exit`, so nothing of the interrupted run (libtorch's threads, its static destructors) runs on.
pub fn clean_up_on_signals() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]).context("installing signal handlers")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the exit: no table is created or renamed into place after this.
                let _files = nertab::output::atomic::remove_unfinished();
                signal_hook::low_level::exit(128 + signal);
            }
        })
        .context("starting the signal thread")?;
    Ok(())
}
