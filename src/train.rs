//! Fine-tuning a BERT encoder into nertab's NER model, in Rust, on libtorch.
//!
//! The encoder's Hugging Face safetensors initialize rust-bert's `BertForTokenClassification`; a fresh classifier
//! and (with casing) a token-type table of [`CASING_CLASSES`] rows, each started from the encoder's type-0 row, are
//! learned. Training examples are built by the same window planner inference uses ([`NerModel::prepare`]), so the
//! model sees at training time exactly the inputs it sees in `extract`. AdamW with linear warm-up and decay,
//! gradient clipping, seeded shuffling; the weights that score best on `valid` are kept, written as fp16 safetensors,
//! and re-loaded through the normal loading path for the final `valid`/`test` report.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tch::nn::OptimizerConfig;
use tch::{nn, Device, Kind, Reduction, Tensor};
use thiserror::Error;

use crate::conll::{self, ConllDoc, ConllError};
use crate::eval::{self, Scores};
use crate::ner::{batch_words, read_config, Arch, NerError, NerModel, Net, CASING_CLASSES};
use crate::tokenize::{tokenize, Tokenized, WordPieceTokenizer};

/// The IOB2 label set of CoNLL-2003, in class-id order.
pub const LABELS: [&str; 9] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];

#[derive(Debug, Error)]
pub enum TrainError {
    #[error(transparent)]
    Data(#[from] ConllError),
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    #[error(transparent)]
    Ner(#[from] NerError),
    #[error(transparent)]
    Tokenizer(#[from] crate::tokenize::TokenizerError),
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> TrainError {
    TrainError::File { path: path.display().to_string(), message: e.to_string() }
}

/// Everything that decides a training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainOptions {
    pub train: PathBuf,
    pub valid: PathBuf,
    /// Scored once, on the final model, for the report.
    pub test: Option<PathBuf>,
    /// Encoder directory: `config.json`, `model.safetensors`, `tokenizer.json`.
    pub base: PathBuf,
    pub out: PathBuf,
    pub epochs: usize,
    pub lr: f64,
    /// Windows per batch.
    pub batch: usize,
    pub seed: u64,
    pub warmup: f64,
    pub weight_decay: f64,
    pub clip: f64,
    /// Longest model input (pieces, special tokens included).
    pub max_len: usize,
    /// Pieces of document context on each side of a sentence.
    pub context: usize,
    /// Casing classes as token-type ids.
    pub casing: bool,
    /// Use only the first N training documents (smoke tests).
    pub limit_docs: Option<usize>,
    /// A trained nertab model whose word-level label distributions the model also learns from (distillation).
    pub teacher: Option<PathBuf>,
    /// Weight of the teacher's distributions in the loss (the gold labels get 1 − this).
    pub distill: f64,
    /// Softening temperature of both distributions in the distillation term.
    pub temperature: f64,
    /// Untagged articles (`.txt`/`.jsonl` files or directories, as `extract` reads them) that the teacher labels:
    /// the student learns only the teacher's distributions on them.
    pub unlabelled: Vec<PathBuf>,
    pub progress: bool,
}

/// Scores of one epoch on `valid`.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub mean_loss: f64,
    pub valid_f1: f64,
    pub seconds: f64,
}

/// What `train` did, written as `report.json` and `TRAINING.md` in the output directory.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub options: TrainOptions,
    pub data_sha256: Vec<(String, String)>,
    pub machine: String,
    pub epochs: Vec<EpochReport>,
    pub best_epoch: usize,
    pub valid: Scores,
    pub test: Option<Scores>,
    pub wall_seconds: f64,
}

/// Trains, writes the model directory and the report, and returns the report.
pub fn train(opts: &TrainOptions) -> Result<TrainReport, TrainError> {
    let started = Instant::now();
    if opts.epochs == 0 || opts.batch == 0 {
        return Err(TrainError::Invalid("--epochs and --batch must be at least 1".into()));
    }
    if !(0.0..=1.0).contains(&opts.distill) || opts.temperature <= 0.0 {
        return Err(TrainError::Invalid("--distill must be within 0..=1 and --temperature above 0".into()));
    }
    let mut train_docs = conll::read(&opts.train)?;
    if let Some(n) = opts.limit_docs {
        train_docs.truncate(n);
    }
    let valid_docs = conll::read(&opts.valid)?;
    std::fs::create_dir_all(&opts.out).map_err(|e| file_err(&opts.out, e))?;

    write_model_files(opts)?;
    let config = read_config(&opts.out.join("config.json"))?;
    let tokenizer = WordPieceTokenizer::from_file(&opts.out.join("tokenizer.json"))?;
    tch::manual_seed(opts.seed as i64);
    let vs = nn::VarStore::new(Device::Cpu);
    let net = Net::new(vs.root(), &config)?;
    init_from_encoder(&vs, &opts.base.join("model.safetensors"))?;
    let mut model = NerModel::from_parts(net, vs, tokenizer, &config)?;

    // Training windows and their gold labels.
    let mut views: Vec<(String, Tokenized)> = train_docs.iter().map(ConllDoc::to_tokenized).collect();
    let mut gold: Vec<Vec<i64>> = train_docs
        .iter()
        .map(|d| {
            d.tags().iter().map(|t| LABELS.iter().position(|l| l == t).map(|i| i as i64)).collect::<Option<Vec<i64>>>()
        })
        .collect::<Option<_>>()
        .ok_or_else(|| TrainError::Invalid(format!("{}: a tag outside {:?}", opts.train.display(), LABELS)))?;
    if !opts.unlabelled.is_empty() {
        if opts.teacher.is_none() {
            return Err(TrainError::Invalid("untagged text needs a --teacher to label it".into()));
        }
        for article in crate::corpus::read(&opts.unlabelled)? {
            let text = article?.text;
            let doc = tokenize(&text);
            // No gold label (-100, ignored by the hard loss): only the teacher's distributions.
            gold.push(vec![-100; doc.tokens.len()]);
            views.push((text, doc));
        }
    }
    let refs: Vec<(&str, &Tokenized)> = views.iter().map(|(t, d)| (t.as_str(), d)).collect();
    let prepared = model.prepare(&refs)?;

    let teacher = match &opts.teacher {
        Some(dir) => Some(teacher_logits(dir, &refs)?),
        None => None,
    };

    let steps_per_epoch = prepared.windows.len().div_ceil(opts.batch);
    let total_steps = (steps_per_epoch * opts.epochs).max(1);
    let warmup_steps = ((total_steps as f64) * opts.warmup).round().max(1.0);
    let mut opt = nn::AdamW::default().wd(opts.weight_decay).build(model.var_store()?, opts.lr)?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut step = 0usize;
    let mut epochs = Vec::new();
    let mut best = (f64::NEG_INFINITY, 0usize);
    let weights = opts.out.join("model.safetensors");

    for epoch in 1..=opts.epochs {
        let t0 = Instant::now();
        let batches = shuffled_batches(&prepared, opts.batch, &mut rng);
        let bar = progress_bar(opts.progress, batches.len() as u64, epoch, opts.epochs);
        let mut loss_sum = 0.0;
        for batch in &batches {
            let lr = if (step as f64) < warmup_steps {
                opts.lr * (step as f64 + 1.0) / warmup_steps
            } else {
                opts.lr * ((total_steps - step) as f64 / (total_steps as f64 - warmup_steps).max(1.0)).max(0.0)
            };
            opt.set_lr(lr);
            let t = model.batch_tensors(batch, &prepared.encoded)?;
            let mut labels = vec![-100i64; batch.len() * t.width];
            // With a teacher: the labelled positions and the teacher's logits for their words.
            let (mut picked, mut soft) = (Vec::new(), Vec::new());
            for (doc, tok, i) in batch_words(batch, &prepared.encoded, t.width) {
                labels[i] = gold[doc][tok];
                if let Some(teacher) = &teacher {
                    picked.push(i as i64);
                    soft.extend_from_slice(&teacher[doc][tok * LABELS.len()..(tok + 1) * LABELS.len()]);
                }
            }
            let has_gold = labels.iter().any(|&l| l >= 0);
            let labels = Tensor::f_from_slice(&labels)?;
            let logits = model.train_logits(&t)?.f_view([-1, LABELS.len() as i64])?;
            // Mean over gold-labelled words (a batch of untagged text alone has none: its mean would be NaN).
            let hard = if has_gold {
                Some(logits.f_cross_entropy_loss::<Tensor>(&labels, None, Reduction::Mean, -100, 0.0)?)
            } else {
                None
            };
            let soft = if picked.is_empty() {
                None
            } else {
                Some(distillation_loss(&logits, &picked, &soft, opts.temperature)?)
            };
            let loss = match (hard, soft) {
                (Some(hard), Some(soft)) => {
                    hard.f_mul_scalar(1.0 - opts.distill)?.f_add(&soft.f_mul_scalar(opts.distill)?)?
                }
                (Some(hard), None) => hard,
                (None, Some(soft)) => soft.f_mul_scalar(opts.distill)?,
                // Nothing to learn from: no word of the batch has a piece.
                (None, None) => continue,
            };
            opt.zero_grad();
            loss.f_backward()?;
            opt.clip_grad_norm(opts.clip);
            opt.step();
            let l = loss.f_double_value(&[])?;
            if !l.is_finite() {
                return Err(TrainError::Invalid(format!("loss became {l} at step {step}; try a lower --lr")));
            }
            loss_sum += l;
            step += 1;
            match &bar {
                Some(b) => {
                    b.set_message(format!("loss {l:.4} lr {lr:.2e}"));
                    b.inc(1);
                }
                // Without a terminal, a line every 100 steps for logs.
                None if step.is_multiple_of(100) => {
                    eprintln!(
                        "epoch {epoch} step {step}/{total_steps}: loss {l:.4}, {:.0} s",
                        t0.elapsed().as_secs_f64()
                    )
                }
                None => {}
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        model.refresh_encoder()?;
        let predicted = eval::predict_tags(&model, &valid_docs)?;
        let scores = eval::score(&valid_docs, &predicted, None).map_err(|e| file_err(&opts.valid, e))?;
        let f1 = scores.overall.f1();
        let mean_loss = loss_sum / batches.len().max(1) as f64;
        let seconds = t0.elapsed().as_secs_f64();
        eprintln!("epoch {epoch}/{}: mean loss {mean_loss:.4}, valid F1 {f1:.2} ({seconds:.0} s)", opts.epochs);
        epochs.push(EpochReport { epoch, mean_loss, valid_f1: f1, seconds });
        if f1 > best.0 {
            best = (f1, epoch);
            save_fp16(model.var_store()?, &weights)?;
        }
    }
    drop(model);

    // The final report scores the model as shipped: re-loaded from the fp16 file through the normal path. The same
    // load measures its int8 ranges.
    let shipped = NerModel::load(&opts.out)?;
    calibrate_model(&shipped, &opts.out, &opts.train)?;
    let valid = eval::score(&valid_docs, &eval::predict_tags(&shipped, &valid_docs)?, None)
        .map_err(|e| file_err(&opts.valid, e))?;
    let test = match &opts.test {
        Some(path) => {
            let docs = conll::read(path)?;
            Some(eval::score(&docs, &eval::predict_tags(&shipped, &docs)?, None).map_err(|e| file_err(path, e))?)
        }
        None => None,
    };
    let mut data_sha256 = Vec::new();
    for p in [Some(&opts.train), Some(&opts.valid), opts.test.as_ref()].into_iter().flatten() {
        data_sha256.push((p.display().to_string(), sha256_file(p)?));
    }
    let report = TrainReport {
        options: opts.clone(),
        data_sha256,
        machine: machine_description(),
        epochs,
        best_epoch: best.1,
        valid,
        test,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    let json = serde_json::to_string_pretty(&report).map_err(|e| file_err(&opts.out, e))?;
    std::fs::write(opts.out.join("report.json"), home_as_tilde(&json)).map_err(|e| file_err(&opts.out, e))?;
    std::fs::write(opts.out.join("TRAINING.md"), home_as_tilde(&report_markdown(&report)))
        .map_err(|e| file_err(&opts.out, e))?;
    Ok(report)
}

/// The teacher model in `dir` (fp32) labels the training documents: its logits per word, `tokens × labels`.
fn teacher_logits(dir: &Path, docs: &[(&str, &Tokenized)]) -> Result<Vec<Vec<f32>>, TrainError> {
    let t0 = Instant::now();
    let teacher = NerModel::load(dir)?;
    if teacher.labels() != LABELS {
        return Err(file_err(dir, format!("teacher labels {:?}, want {LABELS:?}", teacher.labels())));
    }
    let logits = teacher.word_logits(docs)?;
    eprintln!("teacher {}: {} documents labelled in {:.0} s", dir.display(), docs.len(), t0.elapsed().as_secs_f64());
    Ok(logits)
}

/// `T² · KL(teacher ‖ student)` at temperature `T`, averaged over the words at rows `picked` of `logits`
/// (`[positions, labels]`); `soft` holds the teacher's logits for those words, row-major. The `T²` keeps the
/// term's gradient on the scale of the hard loss's (Hinton et al.).
fn distillation_loss(logits: &Tensor, picked: &[i64], soft: &[f32], temperature: f64) -> Result<Tensor, TrainError> {
    let student = logits
        .f_index_select(0, &Tensor::f_from_slice(picked)?)?
        .f_div_scalar(temperature)?
        .f_log_softmax(-1, Kind::Float)?;
    let teacher = Tensor::f_from_slice(soft)?.f_view([-1, LABELS.len() as i64])?.f_div_scalar(temperature)?;
    let teacher = teacher.f_log_softmax(-1, Kind::Float)?;
    let kl = student.f_kl_div(&teacher, Reduction::Sum, true)?;
    Ok(kl.f_mul_scalar(temperature * temperature / picked.len() as f64)?)
}

/// Measures the int8 input ranges of the model in `dir` on a CoNLL file (its training split: never the test split)
/// and writes them beside the model (see [`crate::encoder`]).
pub fn calibrate(dir: &Path, conll_path: &Path) -> Result<(), TrainError> {
    calibrate_model(&NerModel::load(dir)?, dir, conll_path)
}

/// [`calibrate`] for a model already loaded (in fp32) from `dir`.
fn calibrate_model(model: &NerModel, dir: &Path, conll_path: &Path) -> Result<(), TrainError> {
    let docs = conll::read(conll_path)?;
    let views: Vec<(String, Tokenized)> = docs.iter().map(ConllDoc::to_tokenized).collect();
    let refs: Vec<(&str, &Tokenized)> = views.iter().map(|(t, d)| (t.as_str(), d)).collect();
    let ranges = model.calibrate(&refs)?;
    let name = conll_path.file_name().map_or_else(|| conll_path.display().to_string(), |n| n.to_string_lossy().into());
    let source = format!("{name} (sha256 {}), {} documents", sha256_file(conll_path)?, views.len());
    let file = crate::ner::RangesFile { source, ranges, keep_fp32: crate::ner::DEFAULT_KEEP_FP32.to_vec() };
    crate::ner::write_ranges(dir, &file)?;
    Ok(())
}

/// Writes `config.json` (encoder config + labels + nertab's options) and a `tokenizer.json` without truncation or
/// padding into the output directory.
fn write_model_files(opts: &TrainOptions) -> Result<(), TrainError> {
    let read_json = |p: &Path| -> Result<serde_json::Value, TrainError> {
        let raw = std::fs::read_to_string(p).map_err(|e| file_err(p, e))?;
        serde_json::from_str(&raw).map_err(|e| file_err(p, e))
    };
    let base_cfg = opts.base.join("config.json");
    let mut cfg = read_json(&base_cfg)?;
    let obj = cfg.as_object_mut().ok_or_else(|| file_err(&base_cfg, "not a JSON object"))?;
    let id2label: serde_json::Map<String, serde_json::Value> =
        LABELS.iter().enumerate().map(|(i, l)| (i.to_string(), (*l).into())).collect();
    let label2id: serde_json::Map<String, serde_json::Value> =
        LABELS.iter().enumerate().map(|(i, l)| ((*l).to_string(), i.into())).collect();
    obj.insert("id2label".into(), id2label.into());
    obj.insert("label2id".into(), label2id.into());
    let arch = if obj.get("model_type").and_then(|v| v.as_str()) == Some("mpnet") {
        "MPNetForTokenClassification"
    } else {
        "BertForTokenClassification"
    };
    obj.insert("architectures".into(), serde_json::json!([arch]));
    obj.insert("nertab_casing".into(), opts.casing.into());
    obj.insert("nertab_max_len".into(), opts.max_len.into());
    obj.insert("nertab_context".into(), opts.context.into());
    if opts.casing {
        obj.insert("type_vocab_size".into(), CASING_CLASSES.into());
    }
    let out_cfg = opts.out.join("config.json");
    let text = serde_json::to_string_pretty(&cfg).map_err(|e| file_err(&out_cfg, e))?;
    std::fs::write(&out_cfg, text).map_err(|e| file_err(&out_cfg, e))?;

    let base_tok = opts.base.join("tokenizer.json");
    let mut tok = read_json(&base_tok)?;
    if let Some(obj) = tok.as_object_mut() {
        obj.insert("truncation".into(), serde_json::Value::Null);
        obj.insert("padding".into(), serde_json::Value::Null);
    }
    let out_tok = opts.out.join("tokenizer.json");
    let text = serde_json::to_string(&tok).map_err(|e| file_err(&out_tok, e))?;
    std::fs::write(&out_tok, text).map_err(|e| file_err(&out_tok, e))?;
    Ok(())
}

/// Copies the encoder's weights into the model's variables. Hugging Face names may lack the `bert.` (`mpnet.`)
/// prefix; a token-type table with more rows than the encoder's gets the encoder's row 0 in every row, and MPNet,
/// which has none, keeps the zero table it was created with. Every other encoder variable must be found. The
/// classifier starts fresh, unless the base is a trained nertab model (it has a `classifier` of the same shape):
/// then training continues from it, as a second stage with other options (e.g. `--context`).
pub fn init_from_encoder(vs: &nn::VarStore, path: &Path) -> Result<(), TrainError> {
    let mpnet = Arch::Mpnet { buckets: 0 }.prefix();
    let prefix = if vs.variables().keys().any(|n| n.starts_with(&format!("{mpnet}."))) { mpnet } else { "bert" };
    let base: std::collections::HashMap<String, Tensor> = Tensor::read_safetensors(path)
        .map_err(|e| file_err(path, e))?
        .into_iter()
        .map(|(n, t)| {
            let keep = n.starts_with(&format!("{prefix}.")) || n.starts_with("classifier.");
            (if keep { n } else { format!("{prefix}.{n}") }, t)
        })
        .collect();
    tch::no_grad(|| -> Result<(), TrainError> {
        let continued = base.contains_key("classifier.weight");
        for (name, mut var) in vs.variables() {
            if !name.starts_with(&format!("{prefix}.")) && !continued {
                continue;
            }
            let types = name.ends_with("token_type_embeddings.weight");
            if prefix == mpnet && types && !base.contains_key(&name) {
                continue;
            }
            let src = base.get(&name).ok_or_else(|| file_err(path, format!("no tensor for {name}")))?;
            let src = src.to_kind(var.kind());
            if src.size() == var.size() {
                var.f_copy_(&src)?;
            } else if types && src.size()[1..] == var.size()[1..] {
                let row = src.f_get(0)?;
                var.f_copy_(&row.f_unsqueeze(0)?.f_expand_as(&var)?)?;
            } else {
                return Err(file_err(path, format!("{name}: shape {:?}, model wants {:?}", src.size(), var.size())));
            }
        }
        Ok(())
    })
}

/// Saves every variable as fp16 safetensors.
pub fn save_fp16(vs: &nn::VarStore, path: &Path) -> Result<(), TrainError> {
    let mut named: Vec<(String, Tensor)> =
        vs.variables().into_iter().map(|(n, t)| (n, t.to_kind(Kind::Half))).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path).map_err(|e| file_err(path, e))
}

/// Batches for one epoch: windows shuffled, grouped in pools of 50 batches, sorted by length inside a pool (little
/// padding), cut into batches, and the batches shuffled.
fn shuffled_batches<'a>(
    prepared: &'a crate::ner::Prepared,
    batch: usize,
    rng: &mut StdRng,
) -> Vec<Vec<&'a crate::ner::Window>> {
    let mut windows: Vec<&crate::ner::Window> = prepared.windows.iter().collect();
    windows.shuffle(rng);
    let mut batches = Vec::new();
    for pool in windows.chunks_mut(batch * 50) {
        pool.sort_by_key(|w| w.len(&prepared.encoded[w.doc]));
        batches.extend(pool.chunks(batch).map(<[_]>::to_vec));
    }
    batches.shuffle(rng);
    batches
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

fn sha256_file(path: &Path) -> Result<String, TrainError> {
    let bytes = std::fs::read(path).map_err(|e| file_err(path, e))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

fn machine_description() -> String {
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
    let mut s = String::from("# Training report\n\n");
    s += &format!(
        "Base encoder `{}`; epochs {}, lr {}, batch {}, seed {}, warm-up {}, weight decay {}, clip {}, max_len {}, \
         context {}, casing {}{}.\n\nMachine: {}. Wall time: {:.0} s. Best epoch on valid: {}.\n\n",
        o.base.display(),
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
        o.teacher.as_ref().map_or(String::new(), |t| format!(
            "; distilled from `{}` (weight {}, temperature {}{})",
            t.display(),
            o.distill,
            o.temperature,
            if o.unlabelled.is_empty() { String::new() } else { format!(", and on untagged {:?}", o.unlabelled) }
        )),
        r.machine,
        r.wall_seconds,
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
    use super::{distillation_loss, tilde, LABELS};
    use tch::Tensor;

    /// KL is zero where the student already has the teacher's distribution, and the hand-computed value otherwise.
    #[test]
    fn distillation_loss_is_kl_times_t_squared_over_words() {
        let n = LABELS.len();
        let teacher: Vec<f32> = (0..2 * n).map(|i| (i % 5) as f32 * 0.3).collect();
        let same = Tensor::from_slice(&teacher).view([2, n as i64]);
        let zero = distillation_loss(&same, &[0, 1], &teacher, 2.0).unwrap().double_value(&[]);
        assert!(zero.abs() < 1e-6, "{zero}");
        // Student uniform, teacher one-hot: KL = Σ p log(p / (1/n)) = ln n.
        let mut soft = vec![0f32; n];
        soft[0] = 0.0;
        soft[1..].iter_mut().for_each(|x| *x = -1e9);
        let uniform = Tensor::zeros([1, n as i64], (tch::Kind::Float, tch::Device::Cpu));
        let kl = distillation_loss(&uniform, &[0], &soft, 1.0).unwrap().double_value(&[]);
        assert!((kl - (n as f64).ln()).abs() < 1e-5, "{kl}");
        // Rows are picked by index: row 1 of a two-row batch.
        let batch = Tensor::cat(&[same.narrow(0, 0, 1) + 5.0, uniform.shallow_clone()], 0);
        let kl = distillation_loss(&batch, &[1], &soft, 1.0).unwrap().double_value(&[]);
        assert!((kl - (n as f64).ln()).abs() < 1e-5, "{kl}");
    }

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
