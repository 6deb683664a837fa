//! Throughput benchmarks (criterion). Run with `make bench` or `cargo bench --bench pipeline [-- FILTER]`.
//!
//! - `stages`: tokenizer and amounts extractor in MB/s (one core).
//! - `forward`: NER forward passes of the shipped model in word pieces/s at a few batch shapes, for rust-bert's fp32
//!   forward pass (the reference) and nertab's encoder in fp32, int8 and bf16.
//! - `forward_32x48`: the shipped architecture against a BERT-base-size classifier.
//! - `linear`: one linear layer of the shipped shapes (1,024 word pieces, 384 → 1,536 and 1,536 → 384) in fp32,
//!   bf16, fbgemm int8 and oneDNN int8 (input quantized at a fixed scale, bf16 out), in word pieces/s.
//! - `end_to_end`: the whole pipeline (read → tokenize → NER ∥ amounts → CSV) in articles/s.
//!
//! The corpus is `$NERTAB_BENCH_CORPUS`, else the BBC corpus that `scripts/setup.sh bbc` puts in the cache. Without
//! either, `stages` runs on the seed articles and `end_to_end` is skipped with a message. `end_to_end` uses the first
//! `$NERTAB_BENCH_ARTICLES` articles (default 200) so a sample takes seconds, not minutes; the whole-corpus figure is
//! `nertab extract --stats` (docs/usage.md).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nertab::corpus::Article;
use nertab::model::Precision;
use nertab::ner::NerModel;
use nertab::output::{Format, Options, Row, RowSink, TableFile};
use nertab::tokenize::{tokenize, Tokenized};
use tch::{Device, Kind, Tensor};

/// The benchmark corpus directory, if there is one.
fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NERTAB_BENCH_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    let cache = std::env::var_os("NERTAB_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/nertab")))?;
    Some(cache.join("data/bbc")).filter(|d| d.is_dir())
}

fn read(dir: PathBuf) -> Vec<Article> {
    nertab::corpus::read(&[dir]).and_then(|a| a.collect::<Result<Vec<_>, _>>()).expect("readable bench corpus")
}

fn threads() -> i32 {
    std::thread::available_parallelism().map_or(1, |n| n.get()) as i32
}

fn stages(c: &mut Criterion) {
    let dir = corpus_dir().unwrap_or_else(|| {
        eprintln!("stages: no BBC corpus (scripts/setup.sh bbc) and no NERTAB_BENCH_CORPUS: using the seed articles");
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
    });
    let articles = read(dir);
    let bytes: u64 = articles.iter().map(|a| a.text.len() as u64).sum();
    let docs: Vec<Tokenized> = articles.iter().map(|a| tokenize(&a.text)).collect();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tokenize", |b| b.iter(|| articles.iter().map(|a| tokenize(&a.text).tokens.len()).sum::<usize>()));
    g.bench_function("amounts", |b| {
        b.iter(|| articles.iter().zip(&docs).map(|(a, d)| nertab::amounts::extract(&a.text, d).len()).sum::<usize>())
    });
    g.finish();
}

/// Random piece ids in the shipped vocabulary's word range, all real (no padding), casing types mixed.
fn batch(rows: i64, len: i64) -> (Tensor, Tensor, Tensor) {
    tch::manual_seed(1);
    (
        Tensor::randint_low(1000, 20000, [rows, len], (Kind::Int64, Device::Cpu)),
        Tensor::ones([rows, len], (Kind::Int64, Device::Cpu)),
        Tensor::randint(5, [rows, len], (Kind::Int64, Device::Cpu)),
    )
}

fn forward(c: &mut Criterion) {
    tch::set_num_threads(threads());
    let dir = nertab::default_model_dir();
    let reference = match nertab::train::net::Reference::load(&dir) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("forward: skipping, no model: {e}");
            return;
        }
    };
    let models: Vec<NerModel> = [Precision::Fp32, Precision::Int8, Precision::Bf16, Precision::Int8Onednn]
        .into_iter()
        .filter_map(|p| {
            NerModel::load_with(&dir, p).map_err(|e| eprintln!("forward: skipping {}: {e}", p.as_str())).ok()
        })
        .collect();
    let mut g = c.benchmark_group("forward");
    g.sample_size(10);
    for (rows, len) in [(32i64, 32i64), (16, 64), (4, 256)] {
        let (ids, mask, types) = batch(rows, len);
        g.throughput(Throughput::Elements((rows * len) as u64));
        let shape = format!("{rows}x{len}");
        g.bench_with_input(BenchmarkId::new("rust-bert-fp32", &shape), &(), |b, _| {
            b.iter(|| reference.forward(&ids, &mask, &types))
        });
        for m in &models {
            g.bench_with_input(BenchmarkId::new(m.precision().as_str(), &shape), &(), |b, _| {
                b.iter(|| m.forward(&ids, &mask, &types).map(|t| t.size()))
            });
        }
    }
    g.finish();
}

/// One linear layer per precision, on random inputs in the range its int8 forms are calibrated for.
fn linear(c: &mut Criterion) {
    use nertab::model::quant::{Int8Input, Linear};
    tch::set_num_threads(threads());
    tch::manual_seed(2);
    let rows = 1024i64;
    let mut g = c.benchmark_group("linear");
    g.sample_size(20);
    g.throughput(Throughput::Elements(rows as u64));
    for (inputs, outputs) in [(384i64, 1536i64), (1536, 384)] {
        let w = Tensor::randn([outputs, inputs], (Kind::Float, Device::Cpu)) * 0.05;
        let b = Tensor::randn([outputs], (Kind::Float, Device::Cpu)) * 0.1;
        let x = Tensor::randn([rows, inputs], (Kind::Float, Device::Cpu)).clamp(-4.0, 4.0);
        let shape = format!("{inputs}to{outputs}");
        for precision in [Precision::Fp32, Precision::Bf16, Precision::Int8, Precision::Int8Onednn] {
            let int8 = Some(Int8Input {
                range: (-4.0, 4.0),
                divisors: None,
                scheme: nertab::model::cpu::Cpu::detect().int8_scheme(),
            });
            let layer = match Linear::new(w.shallow_clone(), b.shallow_clone(), precision, int8, "bench") {
                Ok(layer) => layer,
                Err(e) => {
                    eprintln!("linear: skipping {}: {e}", precision.as_str());
                    continue;
                }
            };
            let activations = if matches!(precision, Precision::Bf16 | Precision::Int8Onednn) {
                x.to_kind(Kind::BFloat16)
            } else {
                x.shallow_clone()
            };
            g.bench_with_input(BenchmarkId::new(precision.as_str(), &shape), &(), |bench, _| {
                bench.iter(|| layer.forward(&activations).map(|t| t.size()))
            });
        }
    }
    g.finish();
}

/// Forward pass of the shipped architecture against a BERT-base-size classifier on the same batch (random weights:
/// speed does not depend on them), for the "at least 4x faster than BERT-base" check. Both through rust-bert in fp32.
fn against_bert_base(c: &mut Criterion) {
    use rust_bert::bert::{BertConfig, BertForTokenClassification};
    use tch::nn;
    let shipped = nertab::default_model_dir().join("config.json");
    let Ok(cfg) = nertab::model::ModelConfig::read(&shipped) else {
        eprintln!("skipping the BERT-base comparison: no {}", shipped.display());
        return;
    };
    let Ok(shipped_cfg) = nertab::train::net::bert_config(&cfg) else { return };
    let base = BertConfig {
        hidden_size: 768,
        intermediate_size: 3072,
        num_attention_heads: 12,
        num_hidden_layers: 12,
        ..shipped_cfg.clone()
    };
    tch::set_num_threads(threads());
    let (rows, len) = (32i64, 48i64);
    let (ids, mask, _) = batch(rows, len);
    let types = Tensor::zeros([rows, len], (Kind::Int64, Device::Cpu));
    let mut g = c.benchmark_group("forward_32x48");
    g.sample_size(10);
    g.throughput(Throughput::Elements((rows * len) as u64));
    for (name, config) in [("shipped", &shipped_cfg), ("bert-base", &base)] {
        let vs = nn::VarStore::new(Device::Cpu);
        let Ok(model) = BertForTokenClassification::new(vs.root(), config) else { continue };
        g.bench_function(name, |b| {
            b.iter(|| tch::no_grad(|| model.forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false).logits))
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let Some(dir) = corpus_dir() else {
        eprintln!("end_to_end: skipped: no BBC corpus (run scripts/setup.sh bbc) and no NERTAB_BENCH_CORPUS");
        return;
    };
    let limit = std::env::var("NERTAB_BENCH_ARTICLES").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let mut articles = read(dir);
    articles.truncate(limit);
    tch::set_num_threads(threads());
    let out = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10);
    g.throughput(Throughput::Elements(articles.len() as u64));
    for precision in [Precision::Int8, Precision::Fp32] {
        let ner = match NerModel::load_with(&nertab::default_model_dir(), precision) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("end_to_end: skipping {}: {e}", precision.as_str());
                continue;
            }
        };
        let mut resources = nertab::extract::Resources { ner_model: Some(ner) };
        let extractors = nertab::extract::build(&["ner", "amounts"], &mut resources).expect("extractors");
        let mut pipeline = nertab::pipeline::Pipeline { extractors, chunk: 64, strict: false };
        g.bench_function(precision.as_str(), |b| {
            b.iter(|| {
                let mut sink: Box<dyn RowSink> = Box::new(
                    TableFile::create::<Row>(&out.path().join("t.csv"), Format::Csv, Options::default())
                        .expect("table"),
                );
                let mut stats = nertab::pipeline::Stats::default();
                pipeline.run(articles.iter().cloned().map(Ok), &mut *sink, &mut stats).expect("pipeline");
                sink.finish().expect("table written")
            })
        });
    }
    g.finish();
}

fn setup() -> Criterion {
    nertab::tune_allocator();
    Criterion::default()
}

criterion_group! {
    name = benches;
    config = setup();
    targets = stages, forward, linear, against_bert_base, end_to_end
}
criterion_main!(benches);
