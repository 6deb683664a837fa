//! What `extract` shows while and after it runs: the progress bar and the `--stats` summary.

use std::io::Write;

use nertab::extract::{self, Extractor};
use nertab::pipeline::{peak_rss, Stats};

/// A bar with an ETA when the inputs' size is known (files and directories), else a spinner (stdin).
pub fn progress_bar(total_bytes: Option<u64>) -> indicatif::ProgressBar {
    match total_bytes {
        Some(total) => {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {msg} [{elapsed}<{eta}, {bytes_per_sec}]",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }
        None => {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {bytes} {msg} [{elapsed}, {bytes_per_sec}]")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            bar
        }
    }
}

/// `eprintln!` that ignores a failed write (`2>/dev/full`) instead of panicking: the summary is not worth a crash.
macro_rules! say {
    ($($arg:tt)*) => {
        let _ = writeln!(std::io::stderr(), $($arg)*);
    };
}

/// The `--stats` summary on stderr.
pub fn print_stats(
    s: &Stats,
    rows: u64,
    extractors: &[Box<dyn Extractor>],
    precision: Option<&str>,
    threads: usize,
    wall: f64,
) {
    let per_s = |n: u64| n as f64 / wall.max(1e-9);
    say!("nertab stats ({threads} threads)");
    say!(
        "  articles {} (skipped {}), sentences {}, words {}, {:.2} MB, rows {rows}",
        s.articles,
        s.skipped,
        s.sentences,
        s.words,
        s.bytes as f64 / 1e6
    );
    say!(
        "  wall {wall:.2} s: {:.1} articles/s, {:.0} words/s, {:.2} MB/s",
        per_s(s.articles),
        per_s(s.words),
        per_s(s.bytes) / 1e6
    );
    for e in extractors {
        if let Some(line) = e.summary(s.extract_time(e.name())) {
            say!("  {line}");
        }
    }
    if let Some(note) = precision {
        say!("  precision {note}");
    }
    // Every registered extractor, run or not (0.00 s), the first one named as the one the others run beside.
    let first = extract::names().next().unwrap_or_default();
    let extract_times: Vec<String> = extract::names()
        .map(|name| {
            let t = s.extract_time(name).as_secs_f64();
            if name == first {
                format!("{name} {t:.2} s")
            } else {
                format!("{name} {t:.2} s (beside {first})")
            }
        })
        .collect();
    say!(
        "  stages: read {:.2} s, tokenize {:.2} s, {}, write {:.2} s",
        s.read.as_secs_f64(),
        s.tokenize.as_secs_f64(),
        extract_times.join(", "),
        s.write.as_secs_f64()
    );
    if let Some(rss) = peak_rss() {
        say!("  peak RSS {:.0} MB", rss as f64 / 1e6);
    }
}
