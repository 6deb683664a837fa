//! Training beside inference: fine-tuning an encoder into nertab's NER model, in Rust, on libtorch.
//!
//! The encoder's Hugging Face safetensors initialize a trainable network ([`net`]: rust-bert's
//! `BertForTokenClassification`, or nertab's [`mpnet`]); a fresh classifier and (with casing) a token-type table of
//! [`crate::ner::CASING_CLASSES`] rows, each started from the encoder's type-0 row, are learned. Training examples are planned by
//! the same window code inference uses ([`crate::ner::Inputs`]), so the model sees at training time exactly the
//! inputs it sees in `extract`. AdamW with linear warm-up and decay ([`trainer`]), gradient clipping, seeded
//! shuffling; the loss ([`loss`]) mixes gold labels with a teacher's distributions when distilling. The weights that
//! score best on `valid` are kept, written as fp16 safetensors, re-loaded through the normal inference path for the
//! final `valid`/`test` report ([`report`]) and calibrated for int8 ([`calibrate`](mod@calibrate)).
//!
//! This is the only module that names rust-bert: it is the training network and the reference the inference
//! encoder is tested against.

pub mod calibrate;
pub mod data;
pub mod held_out;
pub mod loss;
pub mod model_files;
pub mod mpnet;
pub mod net;
pub mod report;
pub mod staging;
pub mod trainer;

use std::path::PathBuf;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use thiserror::Error;

use crate::conll::{self, ConllError};
use crate::eval;
use crate::model::{ModelConfig, ModelError, Precision};
use crate::ner::{NerError, NerModel};
pub use calibrate::{calibrate, AlphaSetting, Int8Plan};
use nertab_core::tokenize::WordPieceTokenizer;
pub use net::{init_from_encoder, save_fp16, Net};
pub use report::{EpochReport, TrainReport};
pub use trainer::Trainer;

/// The IOB2 label set of CoNLL-2003, in class-id order.
pub const LABELS: [&str; 9] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];

/// Layers the shipped MiniLM recipe keeps in fp32 under int8: the feed-forward output of encoder layers 0 and 1,
/// whose post-GELU inputs have the widest ranges. Chosen on CoNLL-2003 valid for the shipped model (docs/model.md, "int8 inference"):
/// all int8 93.24, these two in fp32 93.81, fp32 throughout 93.78. `nertab train --keep-fp32` defaults to it; other
/// encoders should choose their own on `valid`.
pub const MINILM_KEEP_FP32: [usize; 2] = [3, 7];

/// What can go wrong in training. Each variant names its file; sources are kept, not flattened.
#[derive(Debug, Error)]
pub enum TrainError {
    /// Reading CoNLL data.
    #[error(transparent)]
    Data(#[from] ConllError),
    /// Reading untagged articles.
    #[error(transparent)]
    Corpus(#[from] nertab_core::corpus::CorpusError),
    /// Loading or running an inference model (teacher, evaluation, calibration).
    #[error(transparent)]
    Ner(#[from] NerError),
    /// The model layer (config, weights, ranges).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The tokenizer.
    #[error(transparent)]
    Tokenizer(#[from] nertab_core::tokenize::TokenizerError),
    /// libtorch failed.
    #[error("libtorch")]
    Torch(#[from] tch::TchError),
    /// rust-bert could not build the network the config describes.
    #[error("{path}: cannot build the network")]
    Network {
        /// The config file.
        path: PathBuf,
        /// rust-bert's error.
        #[source]
        source: rust_bert::RustBertError,
    },
    /// A file cannot be read.
    #[error("{path}: cannot read")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file cannot be written.
    #[error("{path}: cannot write")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file does not parse or cannot be written.
    #[error("{path}: invalid JSON")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A safetensors file cannot be read or written.
    #[error("{path}: cannot read or write the weights")]
    Weights {
        /// The file.
        path: PathBuf,
        /// libtorch's error.
        #[source]
        source: tch::TchError,
    },
    /// A base model or teacher does not fit the network (missing tensor, other shape, other labels).
    #[error("{path}: {reason}")]
    Mismatch {
        /// The file or directory.
        path: PathBuf,
        /// What does not fit.
        reason: String,
    },
    /// A data file without any tagged word.
    #[error("{path}: no tagged words (an empty CoNLL file cannot train, validate or calibrate)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Unusable options.
    #[error("{0}")]
    Invalid(String),
}

/// Everything that decides a training run; also `nertab train`'s options (each field's doc comment is its
/// `--help`, so they are written for the command line).
#[derive(Debug, Clone, Serialize, clap::Args)]
pub struct TrainOptions {
    /// Training data (CoNLL format, IOB2).
    #[arg(long)]
    pub train: PathBuf,
    /// More tagged training data (CoNLL), e.g. the valid split for a final model whose recipe was fixed on valid
    /// beforehand (with --keep-last).
    #[arg(long, num_args = 1..)]
    pub also_train: Vec<PathBuf>,
    /// Validation data: scored after every epoch; the best epoch is kept.
    #[arg(long)]
    pub valid: PathBuf,
    /// Keep the last epoch, not the best on --valid (when --valid is also trained on, it cannot choose).
    #[arg(long)]
    pub keep_last: bool,
    /// Test data, scored once on the final model for the report.
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Encoder directory (config.json, model.safetensors, tokenizer.json), or a model trained by nertab to continue
    /// training (classifier included) with new options, e.g. a second stage with --context.
    #[arg(long)]
    pub base: PathBuf,
    /// Build the network from these encoder layers of --base only, renumbered in order: e.g. 0,2,4,5 makes a
    /// 4-layer student from a 6-layer model (with --teacher, it learns the deeper model's labels). Default: all.
    #[arg(long, value_delimiter = ',')]
    pub layers: Option<Vec<usize>>,
    /// Output model directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 4)]
    pub epochs: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// Windows (sentences) per batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// Seed of initialisation, dropout and shuffling.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of steps spent warming up the learning rate.
    #[arg(long, default_value_t = 0.1)]
    pub warmup: f64,
    /// AdamW weight decay.
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// Gradient norm clip.
    #[arg(long, default_value_t = 1.0)]
    pub clip: f64,
    /// Longest model input in word pieces.
    #[arg(long, default_value_t = 256)]
    pub max_len: usize,
    /// Word pieces of document context on each side of a sentence (0: sentences alone).
    #[arg(long, default_value_t = 0)]
    pub context: usize,
    /// Casing classes as token-type ids; `--no-casing` turns them off.
    #[arg(long = "no-casing", action = clap::ArgAction::SetFalse,
          help = "Do not feed word casing to the (uncased) encoder")]
    pub casing: bool,
    /// Share of training sentences re-cased (Title Case, UPPER, lower; a third each) for robustness to headlines.
    #[arg(long, default_value_t = 0.0)]
    pub recase: f64,
    /// Share of tagged training sentences rewritten as Title-Case headlines without a stop (the teacher labels them
    /// as written); above 0 the model also gets the headline casing class.
    // The rewriting is `data::headlines`; the class, `crate::ner::HEADLINE_CLASS` (`nertab_headline`).
    #[arg(long, default_value_t = 0.0)]
    pub headlines: f64,
    /// Train on the first N documents only (quick checks).
    #[arg(long)]
    pub limit_docs: Option<usize>,
    /// A trained nertab model (any size, any tokenizer) to distil: the student also learns its word-level label
    /// distributions on the training text. Given more than once, an ensemble: the student learns the mean of the
    /// teachers' distributions.
    #[arg(long = "teacher", value_name = "DIR")]
    pub teachers: Vec<PathBuf>,
    /// Per entity type, how much each teacher counts in the ensemble, in `--teacher` order: `MISC=1:3` lets the
    /// second teacher's MISC probabilities weigh three times the first's (`ORG=1:0`: the first alone). Types not
    /// named, and `O`, weigh the teachers equally. Comma-separated or repeated.
    #[arg(long = "type-weights", value_name = "TYPE=W1:W2", value_delimiter = ',', requires = "teachers",
          value_parser = data::parse_type_weights)]
    pub type_weights: Vec<data::TypeWeights>,
    /// Weight of the teacher's distributions in the loss; the gold labels get the rest.
    #[arg(long, default_value_t = 0.5, requires = "teachers")]
    pub distill: f64,
    /// Temperature that softens teacher and student distributions in the distillation term.
    #[arg(long, default_value_t = 1.0, requires = "teachers")]
    pub temperature: f64,
    /// Untagged articles (files or directories, as `extract` reads them) that the teacher labels for the student:
    /// more text to learn the teacher from than the tagged training split.
    #[arg(long, num_args = 1.., requires = "teachers")]
    pub unlabelled: Vec<PathBuf>,
    /// Untagged articles that one teacher alone labels, not the ensemble: `2:brown.jsonl` gives them to the
    /// second `--teacher`. Each source of text can then have the teacher that reads it best. Repeatable.
    #[arg(long = "unlabelled-by", value_name = "K:PATH", requires = "teachers", value_parser = data::parse_solo_text)]
    pub unlabelled_by: Vec<data::SoloText>,
    /// Layers int8 keeps in fp32, recorded in the model's int8_ranges.json (4 per encoder layer: query/key/value,
    /// attention output, intermediate, output). The default is what CoNLL-2003 valid chose for the shipped MiniLM
    /// recipe; choose again for another encoder.
    #[arg(long, value_delimiter = ',', default_values_t = MINILM_KEEP_FP32)]
    pub keep_fp32: Vec<usize>,
    /// Show a progress bar (else a log line every 100 steps). Not a flag: the command line shows one on a terminal.
    #[arg(skip)]
    pub progress: bool,
}

/// Trains, writes the model directory and the report, and returns the report.
///
/// The model is made in a temporary directory ([`staging`]) and put in place at `opts.out` only when everything
/// succeeded: a run that fails or is interrupted leaves an existing model at `--out` as it was.
pub fn train(opts: &TrainOptions) -> Result<TrainReport, TrainError> {
    let started = Instant::now();
    check_options(opts)?;
    staging::check_out(opts)?;
    // Every data file is looked at before any long work: an empty one cannot train, choose an epoch or score, and
    // CoNLL `test` may only be scored.
    for path in std::iter::once(&opts.train).chain(&opts.also_train).chain(&opts.test) {
        read_tagged(path)?;
    }
    // Their hashes, for the report, in its order: train, also-train, valid, test.
    let mut data_sha256 = Vec::new();
    let also = opts.also_train.iter().map(|p| ("--also-train", p));
    for (flag, path) in std::iter::once(("--train", &opts.train)).chain(also).chain([("--valid", &opts.valid)]) {
        held_out::check_tagged_file(flag, path, &record_sha256(&mut data_sha256, path)?)?;
    }
    if let Some(path) = &opts.test {
        record_sha256(&mut data_sha256, path)?;
    }
    let valid_docs = read_tagged(&opts.valid)?;
    let staged = staging::Staging::new(&opts.out)?;
    let report = train_into(opts, staged.path(), &valid_docs, data_sha256, started)?;
    staged.commit()?;
    Ok(report)
}

/// The sha256 of `path`, added to `list` under its name unless already there (a file named twice, such as `valid`
/// also trained on, is listed and hashed once).
fn record_sha256(list: &mut Vec<(String, String)>, path: &std::path::Path) -> Result<String, TrainError> {
    let name = path.display().to_string();
    if let Some((_, sha)) = list.iter().find(|(n, _)| *n == name) {
        return Ok(sha.clone());
    }
    let sha = report::sha256_file(path)?;
    list.push((name, sha.clone()));
    Ok(sha)
}

/// Reads a CoNLL file of tagged words, refusing one without any (an empty file, or only `-DOCSTART-` lines).
pub fn read_tagged(path: &std::path::Path) -> Result<Vec<conll::ConllDoc>, TrainError> {
    let docs = conll::read(path)?;
    if docs.iter().all(|d| d.sentences.iter().all(|s| s.words.is_empty())) {
        return Err(TrainError::Empty { path: path.to_path_buf() });
    }
    Ok(docs)
}

/// [`train`]'s work, writing the model into `dir` (the report records `opts.out`, where it will be).
fn train_into(
    opts: &TrainOptions,
    dir: &std::path::Path,
    valid_docs: &[conll::ConllDoc],
    mut data_sha256: Vec<(String, String)>,
    started: Instant,
) -> Result<TrainReport, TrainError> {
    model_files::write_model_files(opts, dir)?;
    let config = ModelConfig::read(&dir.join("config.json"))?;
    let tokenizer = WordPieceTokenizer::from_file(&dir.join("tokenizer.json"))?;
    let mut trainer = Trainer::new(config, tokenizer, opts)?;
    let set = data::TrainingSet::build(opts)?;
    let prepared = trainer.prepare(&set)?;

    let total_steps = Trainer::batches_per_epoch(&prepared, opts.batch) * opts.epochs;
    trainer.set_schedule(total_steps, opts.warmup);
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut epochs = Vec::new();
    let mut best = (f64::NEG_INFINITY, 0usize);
    let weights = dir.join("model.safetensors");
    for epoch in 1..=opts.epochs {
        let t0 = Instant::now();
        let bar =
            progress_bar(opts.progress, Trainer::batches_per_epoch(&prepared, opts.batch) as u64, epoch, opts.epochs);
        let mut steps = trainer.steps();
        let mean_loss = trainer.epoch(&prepared, &set, opts.batch, &mut rng, &mut |l, lr| {
            steps += 1;
            match &bar {
                Some(b) => {
                    b.set_message(format!("loss {l:.4} lr {lr:.2e}"));
                    b.inc(1);
                }
                // Without a terminal, a line every 100 steps for logs.
                None if steps.is_multiple_of(100) => {
                    eprintln!(
                        "epoch {epoch} step {steps}/{total_steps}: loss {l:.4}, {:.0} s",
                        t0.elapsed().as_secs_f64()
                    )
                }
                None => {}
            }
        })?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let snapshot = trainer.snapshot()?;
        let predicted = eval::predict_tags(&snapshot, valid_docs)?;
        let scores = eval::score(valid_docs, &predicted, None)
            .map_err(|source| TrainError::Write { path: opts.valid.clone(), source })?;
        let f1 = scores.overall.f1();
        let seconds = t0.elapsed().as_secs_f64();
        eprintln!("epoch {epoch}/{}: mean loss {mean_loss:.4}, valid F1 {f1:.2} ({seconds:.0} s)", opts.epochs);
        epochs.push(EpochReport { epoch, mean_loss, valid_f1: f1, seconds });
        if f1 > best.0 || opts.keep_last {
            best = (f1, epoch);
            trainer.save(&weights)?;
        }
    }
    drop(trainer);

    // The final report scores the model as shipped: re-loaded from the fp16 file through the normal path. The same
    // load measures its int8 ranges.
    let shipped = NerModel::load_with(dir, Precision::Fp32)?;
    let plan = calibrate::Int8Plan {
        keep_fp32: opts.keep_fp32.clone(),
        alpha: calibrate::DEFAULT_ALPHA,
        ..Default::default()
    };
    calibrate::calibrate_model(&shipped, dir, &opts.train, &plan)?;
    let score = |path: &PathBuf, docs: &[conll::ConllDoc]| -> Result<eval::Scores, TrainError> {
        eval::score(docs, &eval::predict_tags(&shipped, docs)?, None)
            .map_err(|source| TrainError::Write { path: path.clone(), source })
    };
    let valid = score(&opts.valid, valid_docs)?;
    let test = match &opts.test {
        Some(path) => Some(score(path, &read_tagged(path)?)?),
        None => None,
    };
    // Untagged text is recorded too when it is a file (a directory's articles would need a hash per file).
    let solo = opts.unlabelled_by.iter().map(|s| &s.path);
    for p in opts.unlabelled.iter().chain(solo).filter(|p| p.is_file()) {
        record_sha256(&mut data_sha256, p)?;
    }
    let report = TrainReport {
        options: opts.clone(),
        data_sha256,
        machine: report::machine_description(),
        epochs,
        best_epoch: best.1,
        valid,
        test,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    report.write(dir)?;
    Ok(report)
}

/// Refuses options that cannot train, before any long work starts.
fn check_options(opts: &TrainOptions) -> Result<(), TrainError> {
    if opts.epochs == 0 || opts.batch == 0 {
        return Err(TrainError::Invalid("--epochs and --batch must be at least 1".into()));
    }
    if !(0.0..=1.0).contains(&opts.recase) {
        return Err(TrainError::Invalid("--recase must be within 0..=1".into()));
    }
    if !(0.0..=1.0).contains(&opts.headlines) || (opts.headlines > 0.0 && !opts.casing) {
        return Err(TrainError::Invalid("--headlines must be within 0..=1, and needs the casing input".into()));
    }
    if !(0.0..=1.0).contains(&opts.distill) || opts.temperature <= 0.0 {
        return Err(TrainError::Invalid("--distill must be within 0..=1 and --temperature above 0".into()));
    }
    if !opts.unlabelled.is_empty() && opts.teachers.is_empty() {
        return Err(TrainError::Invalid("untagged text needs a --teacher to label it".into()));
    }
    data::check_solo_texts(&opts.unlabelled_by, opts.teachers.len())?;
    data::check_type_weights(&opts.type_weights, opts.teachers.len())?;
    if opts.max_len < crate::ner::MIN_MAX_LEN {
        let min = crate::ner::MIN_MAX_LEN;
        return Err(TrainError::Invalid(format!("--max-len {} is below {min} word pieces", opts.max_len)));
    }
    if let Some(layers) = &opts.layers {
        let ascending = layers.windows(2).all(|w| w[0] < w[1]);
        if layers.is_empty() || !ascending {
            return Err(TrainError::Invalid("--layers must list at least one layer, in ascending order".into()));
        }
    }
    Ok(())
}

fn progress_bar(show: bool, len: u64, epoch: usize, epochs: usize) -> Option<indicatif::ProgressBar> {
    if !show {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "epoch {epoch}/{epochs} {{bar:30}} {{pos}}/{{len}} [{{elapsed}}<{{eta}}, {{per_sec}}] {{msg}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{check_options, data, TrainOptions, MINILM_KEEP_FP32};

    /// `nertab train`'s options, as the command line flattens them.
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        options: TrainOptions,
    }

    fn parse(extra: &[&str]) -> TrainOptions {
        let args = ["nertab", "--train", "t.conll", "--valid", "v.conll", "--base", "b", "--out", "o"];
        Cli::try_parse_from(args.iter().chain(extra)).unwrap().options
    }

    /// The flags are the fields: defaults, the inverted `--no-casing`, the singular `--teacher` and lists, with no
    /// copy between them to get wrong.
    #[test]
    fn flags_fill_the_options() {
        let o = parse(&[]);
        assert_eq!((o.epochs, o.lr, o.batch, o.seed, o.max_len, o.context), (4, 1e-4, 32, 42, 256, 0));
        assert_eq!((o.warmup, o.weight_decay, o.clip, o.recase, o.headlines), (0.1, 0.01, 1.0, 0.0, 0.0));
        assert!(o.casing && !o.keep_last && !o.progress);
        assert_eq!(o.keep_fp32, MINILM_KEEP_FP32);
        assert_eq!((o.layers, o.limit_docs, o.test), (None, None, None));

        let o = parse(&[
            "--no-casing",
            "--layers",
            "0,1,2,4",
            "--teacher",
            "t1",
            "--teacher",
            "t2",
            "--distill",
            "0.7",
            "--also-train",
            "a",
            "b",
            "--keep-fp32",
            "1,5",
            "--keep-last",
        ]);
        assert!(!o.casing && o.keep_last);
        assert_eq!(o.layers, Some(vec![0, 1, 2, 4]));
        assert_eq!(o.teachers, ["t1", "t2"].map(std::path::PathBuf::from));
        assert!(o.type_weights.is_empty());
        assert_eq!(o.also_train, ["a", "b"].map(std::path::PathBuf::from));
        assert_eq!((o.distill, o.keep_fp32), (0.7, vec![1, 5]));
        // The distillation settings need a teacher.
        let args = ["nertab", "--train", "t", "--valid", "v", "--base", "b", "--out", "o", "--distill", "0.7"];
        assert!(Cli::try_parse_from(args).is_err());
        // A source for one teacher alone names a teacher that exists.
        let o = parse(&["--teacher", "t1", "--unlabelled-by", "1:brown.jsonl", "--unlabelled-by", "2:x"]);
        assert_eq!(o.unlabelled_by[0], data::SoloText { teacher: 1, path: "brown.jsonl".into() });
        let err = check_options(&o).unwrap_err().to_string();
        assert!(err.contains("--unlabelled-by 2:x: there is no teacher 2 of 1"), "{err}");
        let o = parse(&["--teacher", "t1", "--unlabelled-by", "0:x"]);
        assert!(check_options(&o).unwrap_err().to_string().contains("no teacher 0"));
    }
}
