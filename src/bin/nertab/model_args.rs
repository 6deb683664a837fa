//! Which NER model `extract` and `eval` load and how it runs: `--model`, `--precision`, `--context`, `--decoding`,
//! `--batch-shapes`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use nertab::model::AskedPrecision;
use nertab::ner::{Decoding, NerModel, Shapes};

/// Which NER model to load and how to run it (`extract` and `eval`).
#[derive(Args)]
pub struct ModelArgs {
    /// Model directory (default: the shipped model, models/nertab-ner).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Number format for the NER model. auto: on CPUs with AMX, oneDNN int8 (int8-onednn) when the model has
    /// int8_ranges.json, else bf16; on other AVX2 CPUs, fbgemm int8 when the model has int8_ranges.json (7-bit
    /// weights without VNNI, so no sum saturates); else fp32 (--stats says which and why). bf16 is the most accurate
    /// fast path on AMX.
    #[arg(long, value_enum, default_value = "auto")]
    precision: AskedPrecision,
    /// Word pieces of document context on each side of the labelled text [default: what the model was trained
    /// with; any other value costs accuracy, see docs/model.md]. 0 labels each sentence alone.
    #[arg(long)]
    context: Option<usize>,
    /// How a sentence's labels are chosen: each word's most probable label (argmax), or the most probable valid
    /// IOB2 sequence (viterbi).
    #[arg(long, value_enum, default_value = "viterbi")]
    decoding: Decoding,
    /// How sentences are batched for the model: fixed (a shape set by each sentence's own length, so its result
    /// never depends on the rest of the corpus) or tight (padded to the longest of similar sentences: less padding,
    /// but scores then move with the batch; for measuring).
    #[arg(long, value_enum, default_value = "fixed")]
    batch_shapes: Shapes,
}

impl ModelArgs {
    /// Loads the model; the second value says which precision was chosen and why, for `--stats`.
    pub fn load(self) -> Result<(NerModel, String)> {
        let dir = match self.model {
            Some(dir) => dir,
            None => find_model_dir()?,
        };
        tracing::info!("model: {}", dir.display());
        if !nertab::has_model(&dir) {
            bail!(
                "{}: no trained model there (expected config.json, tokenizer.json, model.safetensors); \
                 pass --model DIR (extract: or --extractors amounts, to run without NER)",
                dir.display()
            );
        }
        // libtorch warns once on stderr that fbgemm's int8 ops are deprecated; loading runs them, quietly.
        let (precision, why) = resolve_precision(self.precision, &dir)?;
        let quiet = QuietStderr::new();
        let model = NerModel::load_with(&dir, precision);
        drop(quiet);
        let mut model = model.with_context(|| format!("loading the NER model from {}", dir.display()))?;
        if let Some(context) = self.context {
            if context != model.options.context {
                tracing::warn!(
                    "--context {context}: the model was trained with {}; a mismatch cost 3.5-3.7 points of CoNLL \
                     valid F1 in both directions (docs/model.md)",
                    model.options.context
                );
            }
            model.options.context = context;
        }
        model.options.decoding = self.decoding;
        model.options.shapes = self.batch_shapes;
        Ok((model, why))
    }
}

/// The shipped model, or an error that names every place it was looked for.
pub fn find_model_dir() -> Result<PathBuf> {
    nertab::find_model_dir().map_err(|tried| {
        let tried: Vec<String> = tried.iter().map(|d| format!("  {}", d.display())).collect();
        anyhow::anyhow!(
            "no trained model found (a directory with config.json, tokenizer.json, model.safetensors); looked in:\n{}\n\
             pass --model DIR or set NERTAB_MODEL (extract: or --extractors amounts, to run without NER)",
            tried.join("\n")
        )
    })
}

/// The precision asked for, or for `auto` the one [`nertab::model::cpu::choose`] picks for this CPU and model; with
/// a line saying which and why (the CPU flags it saw), for `--stats`. A precision this CPU cannot run well is refused
/// here, before the model loads, naming the missing feature and the precision to use instead.
fn resolve_precision(asked: AskedPrecision, model_dir: &Path) -> Result<(nertab::model::Precision, String)> {
    use nertab::model::cpu::{choose, Cpu};
    let cpu = Cpu::detect();
    if let Some(p) = asked.fixed() {
        cpu.supports(p)?;
        return Ok((p, format!("{}: asked for [CPU flags: {}]", p.as_str(), cpu.describe())));
    }
    let choice = choose(&cpu, model_dir.join(nertab::model::RANGES_FILE).is_file());
    Ok((
        choice.precision,
        format!("{} by auto: {} [CPU flags: {}]", choice.precision.as_str(), choice.reason, cpu.describe()),
    ))
}

/// Points file descriptor 2 at /dev/null until dropped (also on panic), for libtorch's one-time warnings while a
/// model loads. The binary is single-threaded at that point, so nothing else is writing to stderr.
struct QuietStderr {
    saved: Option<std::os::fd::OwnedFd>,
}

impl QuietStderr {
    fn new() -> QuietStderr {
        use std::os::fd::{AsRawFd, FromRawFd};
        let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") else {
            return QuietStderr { saved: None };
        };
        // SAFETY: dup duplicates descriptor 2, which exists for the whole process; the copy is owned from here on.
        let saved = unsafe { libc::dup(2) };
        if saved < 0 {
            return QuietStderr { saved: None };
        }
        // SAFETY: `saved` is a fresh descriptor owned by nobody else.
        let saved = unsafe { std::os::fd::OwnedFd::from_raw_fd(saved) };
        // SAFETY: dup2 onto descriptor 2 with a valid open descriptor; on failure stderr is left as it was.
        if unsafe { libc::dup2(null.as_raw_fd(), 2) } < 0 {
            return QuietStderr { saved: None };
        }
        QuietStderr { saved: Some(saved) }
    }
}

impl Drop for QuietStderr {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        if let Some(saved) = &self.saved {
            // SAFETY: restores descriptor 2 from the copy this guard owns.
            unsafe { libc::dup2(saved.as_raw_fd(), 2) };
        }
    }
}
