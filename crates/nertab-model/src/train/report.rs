//! What a training run did: `report.json` and `TRAINING.md` beside the model, with data checksums and the machine.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{TrainError, TrainOptions};
use crate::eval::Scores;

/// Scores of one epoch on `valid`.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches.
    pub mean_loss: f64,
    /// Entity-level F1 on `valid` after the epoch.
    pub valid_f1: f64,
    /// Wall time of the epoch, validation included.
    pub seconds: f64,
}

/// What `train` did, written as `report.json` and `TRAINING.md` in the output directory.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// The options of the run.
    pub options: TrainOptions,
    /// `(path, sha256)` of every data file read.
    pub data_sha256: Vec<(String, String)>,
    /// CPU and thread count.
    pub machine: String,
    /// Every epoch's loss and `valid` F1.
    pub epochs: Vec<EpochReport>,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// `valid` scores of the shipped (fp16, reloaded) model.
    pub valid: Scores,
    /// `test` scores of the shipped model, when a test file was given.
    pub test: Option<Scores>,
    /// Wall time of the whole run.
    pub wall_seconds: f64,
}

impl TrainReport {
    /// Writes `report.json` and `TRAINING.md` into `dir`. The report is committed with the model, so paths under
    /// the trainer's home directory are written as `~/…`.
    pub fn write(&self, dir: &Path) -> Result<(), TrainError> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|source| TrainError::Json { path: dir.join("report.json"), source })?;
        for (name, text) in [("report.json", json), ("TRAINING.md", report_markdown(self))] {
            let path = dir.join(name);
            std::fs::write(&path, home_as_tilde(&text)).map_err(|source| TrainError::Write { path, source })?;
        }
        Ok(())
    }
}

/// The sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, TrainError> {
    let bytes = std::fs::read(path).map_err(|source| TrainError::Read { path: path.to_path_buf(), source })?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// The CPU's model name and libtorch's thread count, for reports.
pub fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpu}, {} threads (libtorch)", tch::get_num_threads())
}

fn scores_table(s: &Scores) -> String {
    let mut t = String::from("| type | precision | recall | F1 | gold |\n|---|---|---|---|---|\n");
    for (ty, c) in &s.per_type {
        t += &format!("| {ty} | {:.2} | {:.2} | {:.2} | {} |\n", c.precision(), c.recall(), c.f1(), c.gold);
    }
    let o = &s.overall;
    t += &format!("| **all** | {:.2} | {:.2} | **{:.2}** | {} |\n", o.precision(), o.recall(), o.f1(), o.gold);
    t
}

/// The report is committed with the model: paths under the trainer's home directory are written as `~/…`, so it
/// names the cache layout rather than one machine's user.
fn home_as_tilde(text: &str) -> String {
    tilde(text, &std::env::var("HOME").unwrap_or_default())
}

fn tilde(text: &str, home: &str) -> String {
    let home = home.trim_end_matches('/');
    if home.is_empty() {
        return text.to_string();
    }
    text.replace(&format!("{home}/"), "~/")
}

fn report_markdown(r: &TrainReport) -> String {
    let o = &r.options;
    let distilled = if o.teachers.is_empty() {
        String::new()
    } else {
        format!(
            "; distilled from {} (weight {}, temperature {}{}{}{})",
            o.teachers.iter().map(|t| format!("`{}`", t.display())).collect::<Vec<_>>().join(" + "),
            o.distill,
            o.temperature,
            o.type_weights
                .iter()
                .map(|tw| {
                    let w: Vec<String> = tw.weights.iter().map(f64::to_string).collect();
                    format!(", {} teachers weighted {}", tw.kind, w.join(":"))
                })
                .collect::<String>(),
            if o.unlabelled.is_empty() { String::new() } else { format!(", and on untagged {:?}", o.unlabelled) },
            o.unlabelled_by
                .iter()
                .map(|s| format!(", and on untagged {:?} by teacher {} alone", s.path, s.teacher))
                .collect::<String>()
        )
    };
    let mut s = String::from("# Training report\n\n");
    s += &format!(
        "Base encoder `{}`{}; epochs {}, lr {}, batch {}, seed {}, warm-up {}, weight decay {}, clip {}, max_len {}, \
         context {}, casing {}, re-cased share {}, headline share {}{}{}.\n\nMachine: {}. Wall time: {:.0} s. {}: {}.\n\n",
        o.base.display(),
        o.layers.as_ref().map_or(String::new(), |l| format!(" (layers {l:?} of the base)")),
        o.epochs,
        o.lr,
        o.batch,
        o.seed,
        o.warmup,
        o.weight_decay,
        o.clip,
        o.max_len,
        o.context,
        o.casing,
        o.recase,
        o.headlines,
        distilled,
        if o.also_train.is_empty() { String::new() } else { format!("; also trained on {:?}", o.also_train) },
        r.machine,
        r.wall_seconds,
        if o.keep_last { "Kept epoch (the last, `--keep-last`)" } else { "Best epoch on valid" },
        r.best_epoch
    );
    s += "## Data (sha256)\n\n";
    for (p, h) in &r.data_sha256 {
        s += &format!("- `{p}`: `{h}`\n");
    }
    s += "\n## Epochs\n\n| epoch | mean loss | valid F1 | seconds |\n|---|---|---|---|\n";
    for e in &r.epochs {
        s += &format!("| {} | {:.4} | {:.2} | {:.0} |\n", e.epoch, e.mean_loss, e.valid_f1, e.seconds);
    }
    s += "\n## valid (shipped fp16 weights)\n\n";
    s += &scores_table(&r.valid);
    if let Some(t) = &r.test {
        s += "\n## test (shipped fp16 weights, scored once)\n\n";
        s += &scores_table(t);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::tilde;

    #[test]
    fn report_paths_under_home_become_tilde() {
        let text = "base `/home/ann/.cache/nertab/base/m`, data /home/ann/.cache/nertab/data/x.txt, /home/annex/y";
        assert_eq!(
            tilde(text, "/home/ann/"),
            "base `~/.cache/nertab/base/m`, data ~/.cache/nertab/data/x.txt, /home/annex/y"
        );
        assert_eq!(tilde(text, ""), text);
        assert_eq!(tilde(text, "/"), text);
    }
}
