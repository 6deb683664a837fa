//! Test fixtures built with the real components: a tiny BERT encoder and token classifier (random weights, real
//! rust-bert modules, real safetensors files) and a real Hugging Face WordPiece tokenizer over a small vocabulary;
//! the cache the setup fills; and the lock that keeps libtorch's process-wide state out of races.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// libtorch's random generator and thread count are process-wide, and the tests of one binary run on parallel
/// threads. Every test that seeds, trains, builds random fixtures or sets the thread count holds this lock, so no
/// test's random draws or timing depend on another's.
pub fn torch_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where `scripts/setup.sh` caches downloads: `$NERTAB_CACHE`, else `~/.cache/nertab`.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("NERTAB_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/nertab"))
}

/// A file or directory the setup downloads, or a panic that says how to get it. Tests that call this are marked
/// `#[ignore = "needs scripts/setup.sh"]`; `make test` runs them.
pub fn cached(relative: &str) -> PathBuf {
    let path = cache_dir().join(relative);
    assert!(path.exists(), "{} missing: run `bash scripts/setup.sh all` first", path.display());
    path
}

/// Whether `program` is on `PATH`. If not, prints on stderr that `what` is skipped and which Debian package provides
/// the program: `scripts/setup.sh` installs such packages only as root (or through sudo without a password), and
/// otherwise prints the `apt-get install` line to run, so a test that needs one skips, saying why, instead of failing.
pub fn has_program(program: &str, package: &str, what: &str) -> bool {
    let on_path = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !on_path {
        eprintln!("skipped {what}: no {program} on PATH (Debian package {package}: sudo apt-get install {package})");
    }
    on_path
}

/// The `nertab` binary of this build.
pub fn nertab_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nertab"))
}

/// Whether this CPU runs `precision` well. If not, the test that asked skips that precision, saying why on stderr,
/// and checks what the precision promises there instead: loading the model in it is refused, naming the missing
/// CPU feature and the precision to use.
#[allow(dead_code)]
pub fn runs_here(precision: nertab::model::Precision, model: &std::path::Path) -> bool {
    let Err(why) = nertab::model::cpu::Cpu::detect().supports(precision) else { return true };
    eprintln!("skipped {}: {why}", precision.as_str());
    let err = nertab::ner::NerModel::load_with(model, precision).err().expect("a refused precision must not load");
    let msg = err.to_string();
    assert!(msg.contains("needs") && msg.contains(why.instead.as_str()) && msg.contains(why.missing), "{msg}");
    false
}

use nertab::train::LABELS;
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Device, Kind, Tensor};

/// Encoder layers of the tiny models.
pub const TINY_LAYERS: usize = 2;

/// A small vocabulary: specials, a few whole words, and every letter/digit/punctuation mark as a first piece and as
/// a `##` continuation, so any ASCII word splits into real word pieces.
pub fn vocab() -> Vec<String> {
    let mut v: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].iter().map(|s| s.to_string()).collect();
    for w in ["north", "korea", "the", "united", "nations", "said", "in", "of", "and", "to", "a", "paris", "john"] {
        v.push(w.to_string());
    }
    let chars: Vec<char> = ('a'..='z').chain('0'..='9').chain("$%£€.,;:!?'\"()-&/@=+".chars()).collect();
    for c in &chars {
        v.push(c.to_string());
    }
    for c in &chars {
        v.push(format!("##{c}"));
    }
    v
}

/// `added_tokens` entries for special tokens with ids 0, 1, …
fn added_tokens(specials: &[&str]) -> Vec<serde_json::Value> {
    specials
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false,
                               "normalized": false, "special": true})
        })
        .collect()
}

pub fn tokenizer_json() -> String {
    let vocab: serde_json::Map<String, serde_json::Value> =
        vocab().into_iter().enumerate().map(|(i, t)| (t, i.into())).collect();
    let added = added_tokens(&["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null, "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}
    })
    .to_string()
}

fn base_config() -> serde_json::Value {
    serde_json::json!({
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.0, "hidden_dropout_prob": 0.0, "hidden_size": 32,
        "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512, "num_attention_heads": 2, "num_hidden_layers": TINY_LAYERS, "pad_token_id": 0,
        "type_vocab_size": 2, "vocab_size": vocab().len()
    })
}

/// A tiny pretrained-encoder directory in Hugging Face layout (tensor names without the `bert.` prefix, with a
/// pooler the token classifier does not use), as the registry's MiniLM is.
pub fn tiny_encoder(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config.json"), base_config().to_string()).unwrap();
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json()).unwrap();
    tch::manual_seed(7);
    let vs = nn::VarStore::new(Device::Cpu);
    let config: BertConfig = serde_json::from_value(base_config()).unwrap();
    let _bert = rust_bert::bert::BertModel::<rust_bert::bert::BertEmbeddings>::new(vs.root(), &config);
    let mut named: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, dir.join("model.safetensors")).unwrap();
    dir.to_path_buf()
}

/// A tiny NER model directory as `nertab train` writes it (random weights, fp16 safetensors), plus the in-memory
/// model it was saved from (its weights rounded to fp16 and back, so both compute the same logits).
pub fn tiny_model(dir: &Path) -> (PathBuf, nn::VarStore, BertForTokenClassification) {
    std::fs::create_dir_all(dir).unwrap();
    let mut cfg = base_config();
    let id2label: serde_json::Map<String, serde_json::Value> =
        LABELS.iter().enumerate().map(|(i, l)| (i.to_string(), (*l).into())).collect();
    cfg["id2label"] = id2label.into();
    cfg["type_vocab_size"] = nertab::ner::CASING_CLASSES.into();
    cfg["nertab_casing"] = true.into();
    std::fs::write(dir.join("config.json"), cfg.to_string()).unwrap();
    std::fs::write(dir.join("tokenizer.json"), tokenizer_json()).unwrap();
    tch::manual_seed(11);
    let mut vs = nn::VarStore::new(Device::Cpu);
    let config: BertConfig = serde_json::from_value(cfg).unwrap();
    let model = BertForTokenClassification::new(vs.root(), &config).unwrap();
    nertab::train::save_fp16(&vs, &dir.join("model.safetensors")).unwrap();
    vs.half();
    vs.float();
    assert_eq!(vs.variables()["classifier.weight"].kind(), Kind::Float);
    (dir.to_path_buf(), vs, model)
}

/// A small CoNLL file with two documents.
pub const CONLL: &str = "-DOCSTART- -X- -X- O

John NNP B-NP B-PER
said VBD B-VP O
in IN B-PP O
Paris NNP B-NP B-LOC
. . O O

The DT B-NP O
United NNP I-NP B-ORG
Nations NNP I-NP I-ORG
said VBD B-VP O
. . O O

-DOCSTART- -X- -X- O

North NNP B-NP B-LOC
Korea NNP I-NP I-LOC
said VBD B-VP O
John NNP B-NP B-PER
. . O O
";

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// [`tokenizer_json`] as MPNet's: `<s>`, `<pad>`, `</s>`, `<unk>` first, and BERT's specials still in the vocabulary
/// (unused), as in the registry's all-mpnet-base-v2.
pub fn mpnet_tokenizer_json() -> String {
    let specials = ["<s>", "<pad>", "</s>", "<unk>"];
    let mut v: Vec<String> = specials.iter().map(|s| s.to_string()).collect();
    v.extend(vocab());
    let added = added_tokens(&specials);
    let vocab: serde_json::Map<String, serde_json::Value> =
        v.into_iter().enumerate().map(|(i, t)| (t, i.into())).collect();
    let mut json: serde_json::Value = serde_json::from_str(&tokenizer_json()).unwrap();
    json["added_tokens"] = added.into();
    json["model"]["vocab"] = vocab.into();
    json["model"]["unk_token"] = "<unk>".into();
    json.to_string()
}

/// A tiny pretrained MPNet encoder in Hugging Face layout (names without `mpnet.`, no token types, no classifier).
pub fn tiny_mpnet_encoder(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let cfg = serde_json::json!({
        "architectures": ["MPNetForMaskedLM"], "model_type": "mpnet", "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.0, "hidden_dropout_prob": 0.0, "hidden_size": 32,
        "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-5,
        "max_position_embeddings": 514, "num_attention_heads": 2, "num_hidden_layers": TINY_LAYERS, "pad_token_id": 1,
        "relative_attention_num_buckets": 32, "vocab_size": vocab().len() + 4
    });
    std::fs::write(dir.join("config.json"), cfg.to_string()).unwrap();
    std::fs::write(dir.join("tokenizer.json"), mpnet_tokenizer_json()).unwrap();
    tch::manual_seed(5);
    let vs = nn::VarStore::new(Device::Cpu);
    let config = nertab::model::ModelConfig::parse(&cfg.to_string(), &dir.join("config.json")).unwrap();
    let _net = nertab::train::mpnet::MpnetForTokenClassification::new(vs.root(), &config, 32, false);
    // The relative bias starts random, like a pretrained model's, so the tests see it matter.
    let mut named: Vec<(String, Tensor)> =
        vs.variables().into_iter().filter_map(|(n, t)| n.strip_prefix("mpnet.").map(|n| (n.to_string(), t))).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, dir.join("model.safetensors")).unwrap();
    dir.to_path_buf()
}

/// [`CONLL`] with PER and LOC swapped: a teacher trained on it labels differently from the gold labels.
pub fn conll_swapped() -> String {
    CONLL.replace("-PER", "-TMP").replace("-LOC", "-PER").replace("-TMP", "-LOC")
}

/// Options of a quick training run on a tiny file: memorizes it in 30 epochs.
pub fn train_options(data: &Path, base: &Path, out: &Path) -> nertab::train::TrainOptions {
    nertab::train::TrainOptions {
        train: data.to_path_buf(),
        also_train: Vec::new(),
        valid: data.to_path_buf(),
        keep_last: false,
        test: None,
        base: base.to_path_buf(),
        layers: None,
        out: out.to_path_buf(),
        epochs: 30,
        lr: 3e-3,
        batch: 2,
        seed: 1,
        warmup: 0.1,
        weight_decay: 0.0,
        clip: 1.0,
        max_len: 64,
        context: 8,
        casing: true,
        recase: 0.0,
        headlines: 0.0,
        limit_docs: None,
        teachers: Vec::new(),
        type_weights: Vec::new(),
        distill: 0.5,
        temperature: 1.0,
        unlabelled: Vec::new(),
        unlabelled_by: Vec::new(),
        keep_fp32: Vec::new(),
        progress: false,
    }
}

/// Random piece ids in `ids`, casing types 0..5 and a mask whose last `padded` columns are padding, all
/// `[rows, width]`, seeded.
pub fn random_inputs(seed: i64, ids: std::ops::Range<i64>, rows: i64, width: i64, padded: i64) -> [Tensor; 3] {
    tch::manual_seed(seed);
    let cpu = (Kind::Int64, Device::Cpu);
    let mask = Tensor::ones([rows, width], cpu);
    let _ = mask.narrow(1, width - padded, padded).fill_(0);
    [Tensor::randint_low(ids.start, ids.end, [rows, width], cpu), mask, Tensor::randint(5, [rows, width], cpu)]
}

/// `nertab extract - --extractors amounts -o OUT` reading JSONL from a pipe kept open after one article: the run
/// waits for more input with its temporary file in place, until stdin is closed (or a signal comes).
#[allow(dead_code)]
pub fn waiting_run(out: &Path) -> (std::process::Child, std::process::ChildStdin) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(nertab_bin())
        .args(["extract", "-", "--extractors", "amounts", "-o"])
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"id\": \"a\", \"text\": \"Sales rose 5% to $3m.\"}\n").unwrap();
    stdin.flush().unwrap();
    (child, stdin)
}

/// `nertab ARGS` with `input` written to its stdin, stdout and stderr collected. Whatever the exit status: the caller
/// asserts on it.
#[allow(dead_code)]
pub fn with_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(nertab_bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}
