//! Throughput of the pipeline's stages on the seed corpus (and on the BBC corpus when `NERTAB_BENCH_CORPUS` points
//! at a directory of .txt articles): tokenizer and amounts in MB/s, NER with the shipped model in articles/s.
//! Run with `make bench` or `cargo bench`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nertab::corpus::Article;
use nertab::ner::NerModel;
use nertab::tokenize::{tokenize, Tokenized};

fn corpus() -> Vec<Article> {
    let dir = std::env::var_os("NERTAB_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus"));
    nertab::corpus::read(&[dir]).and_then(|a| a.collect::<Result<Vec<_>, _>>()).expect("readable bench corpus")
}

fn stages(c: &mut Criterion) {
    let articles = corpus();
    let bytes: u64 = articles.iter().map(|a| a.text.len() as u64).sum();
    let docs: Vec<Tokenized> = articles.iter().map(|a| tokenize(&a.text)).collect();

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("tokenize", |b| b.iter(|| articles.iter().map(|a| tokenize(&a.text).tokens.len()).sum::<usize>()));
    g.bench_function("amounts", |b| {
        b.iter(|| articles.iter().zip(&docs).map(|(a, d)| nertab::amounts::extract(&a.text, d).len()).sum::<usize>())
    });
    g.finish();

    let model_dir = nertab::default_model_dir();
    match NerModel::load(&model_dir) {
        Ok(model) => {
            tch::set_num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()) as i32);
            let refs: Vec<(&str, &Tokenized)> = articles.iter().zip(&docs).map(|(a, d)| (a.text.as_str(), d)).collect();
            let mut g = c.benchmark_group("ner");
            g.sample_size(10);
            g.throughput(Throughput::Elements(articles.len() as u64));
            g.bench_function("predict", |b| b.iter(|| model.predict(&refs).map(|e| e.len()).unwrap_or(0)));
            g.finish();
        }
        Err(e) => eprintln!("skipping the NER benchmark: {e}"),
    }
}

/// Forward pass of the shipped architecture against a BERT-base-size classifier on the same batch (random weights:
/// speed does not depend on them), for the "at least 4x faster than BERT-base" check.
fn against_bert_base(c: &mut Criterion) {
    use rust_bert::bert::{BertConfig, BertForTokenClassification};
    use tch::{nn, Device, Kind, Tensor};
    let shipped = nertab::default_model_dir().join("config.json");
    let Ok(cfg) = nertab::ner::read_config(&shipped) else {
        eprintln!("skipping the BERT-base comparison: no {}", shipped.display());
        return;
    };
    let base = BertConfig {
        hidden_size: 768,
        intermediate_size: 3072,
        num_attention_heads: 12,
        num_hidden_layers: 12,
        ..cfg.bert.clone()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as i32;
    tch::set_num_threads(threads);
    let (rows, len) = (32i64, 48i64);
    let ids = Tensor::randint(1000, [rows, len], (Kind::Int64, Device::Cpu));
    let mask = Tensor::ones([rows, len], (Kind::Int64, Device::Cpu));
    let types = Tensor::zeros([rows, len], (Kind::Int64, Device::Cpu));
    let mut g = c.benchmark_group("forward_32x48");
    g.sample_size(10);
    g.throughput(Throughput::Elements((rows * len) as u64));
    for (name, config) in [("shipped", &cfg.bert), ("bert-base", &base)] {
        let vs = nn::VarStore::new(Device::Cpu);
        let Ok(model) = BertForTokenClassification::new(vs.root(), config) else { continue };
        g.bench_function(name, |b| {
            b.iter(|| tch::no_grad(|| model.forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false).logits))
        });
    }
    g.finish();
}

criterion_group!(benches, stages, against_bert_base);
criterion_main!(benches);
