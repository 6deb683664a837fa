//! The model path end to end with real libtorch and real files: save → load, training, evaluation.

mod common;

use nertab::ner::NerModel;
use nertab::tokenize::tokenize;
use tch::{Kind, Tensor};

#[test]
fn save_then_load_gives_identical_logits() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _vs, in_memory) = common::tiny_model(&dir.path().join("m"));
    let loaded = NerModel::load(&path).unwrap();
    let text = "North Korea said John went to the United Nations in Paris.";
    let doc = tokenize(text);
    // The loaded model's tensors for this input, fed to both models.
    let prepared = loaded.label_words(&[(text, &doc)]).unwrap();
    assert_eq!(prepared[0].len(), doc.tokens.len());
    let ids = Tensor::from_slice(&[2i64, 5, 6, 7, 3]).view([1, 5]);
    let mask = Tensor::ones([1, 5], (Kind::Int64, tch::Device::Cpu));
    let types = Tensor::from_slice(&[0i64, 2, 2, 1, 0]).view([1, 5]);
    let a = tch::no_grad(|| in_memory.forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false).logits);
    let b = tch::no_grad(|| loaded.forward(&ids, &mask, &types));
    let diff = (a - b).abs().max().double_value(&[]);
    assert!(diff < 1e-6, "logits differ by {diff}");
}

#[test]
fn missing_files_and_bad_configs_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let err = NerModel::load(dir.path()).err().unwrap().to_string();
    assert!(err.contains("config.json"), "{err}");
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    std::fs::write(path.join("config.json"), "{\"hidden_size\": 3}").unwrap();
    assert!(NerModel::load(&path).err().unwrap().to_string().contains("not a BERT config"));
    let (path, _, _) = common::tiny_model(&dir.path().join("m2"));
    std::fs::write(path.join("model.safetensors"), b"garbage").unwrap();
    assert!(NerModel::load(&path).is_err());
}

#[test]
fn training_smoke_loss_falls_and_model_files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::tiny_encoder(&dir.path().join("base"));
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let out = dir.path().join("out");
    let opts = nertab::train::TrainOptions {
        train: data.clone(),
        valid: data.clone(),
        test: None,
        base,
        out: out.clone(),
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
        limit_docs: None,
        progress: false,
    };
    let report = nertab::train::train(&opts).unwrap();
    let first = report.epochs.first().unwrap().mean_loss;
    let last = report.epochs.last().unwrap().mean_loss;
    assert!(last < first * 0.5, "loss {first} -> {last}");
    for f in ["config.json", "tokenizer.json", "model.safetensors", "report.json", "TRAINING.md"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Memorizing five sentences: the reloaded fp16 model finds the entities it was trained on.
    assert!(report.valid.overall.f1() > 80.0, "{}", report.valid.report());
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["nertab_context"], 8);
    assert_eq!(cfg["id2label"]["1"], "B-PER");
}

#[test]
fn bf16_inference_stays_close_to_fp32() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    let fp32 = NerModel::load(&path).unwrap();
    let bf16 = NerModel::load_with(&path, nertab::ner::Precision::Bf16).unwrap();
    let ids = Tensor::from_slice(&[2i64, 5, 6, 7, 8, 9, 3]).view([1, 7]);
    let mask = Tensor::ones([1, 7], (Kind::Int64, tch::Device::Cpu));
    let types = Tensor::from_slice(&[0i64, 2, 2, 1, 1, 1, 0]).view([1, 7]);
    let a = tch::no_grad(|| fp32.forward(&ids, &mask, &types));
    let b = tch::no_grad(|| bf16.forward(&ids, &mask, &types)).to_kind(Kind::Float);
    assert_eq!(b.size(), a.size());
    let err = (&a - &b).abs().max().double_value(&[]) / a.abs().max().double_value(&[]).max(1e-6);
    assert!(err < 0.05, "relative error {err}");
    let text = "North Korea said John went to Paris.";
    let doc = tokenize(text);
    let words = bf16.label_words(&[(text, &doc)]).unwrap();
    assert!(words[0].iter().all(|&(l, p)| l < bf16.labels().len() && (0.0..=1.0).contains(&p)));
}

/// The shipped model gives the same entities and 4-decimal scores whatever the batch size.
#[test]
fn same_entities_for_every_batch_size() {
    let mut model = NerModel::load(&nertab::default_model_dir()).unwrap();
    let corpus = common::repo().join("corpus");
    let articles: Vec<nertab::corpus::Article> =
        nertab::corpus::read(&[corpus]).unwrap().collect::<Result<_, _>>().unwrap();
    let docs: Vec<nertab::tokenize::Tokenized> = articles.iter().map(|a| tokenize(&a.text)).collect();
    let refs: Vec<(&str, &nertab::tokenize::Tokenized)> =
        articles.iter().zip(&docs).map(|(a, d)| (a.text.as_str(), d)).collect();
    let mut runs = Vec::new();
    for batch_pieces in [64, 1024, 16384] {
        model.options.batch_pieces = batch_pieces;
        let found = model.predict(&refs).unwrap();
        let rendered: Vec<String> =
            found.iter().flatten().map(|e| format!("{} {} {} {:.4}", e.start, e.end, e.label, e.score)).collect();
        assert!(rendered.len() > 20);
        runs.push(rendered);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[1], runs[2]);
}
