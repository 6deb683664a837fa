//! The model path end to end with real libtorch and real files: save → load, training, evaluation.

mod common;

use nertab::ner::{NerModel, Precision};
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
    let b = loaded.reference_forward(&ids, &mask, &types).unwrap();
    let diff = (&a - b).abs().max().double_value(&[]);
    assert!(diff < 1e-6, "logits differ by {diff}");
    // The inference path (nertab's own encoder) computes the same function.
    let c = loaded.forward(&ids, &mask, &types).unwrap();
    let diff = (a - c).abs().max().double_value(&[]);
    assert!(diff < 1e-5, "encoder logits differ by {diff}");
}

/// Random ids, a padded tail and casing types through the shipped model: nertab's encoder in fp32 gives rust-bert's
/// logits, and int8 keeps the argmax almost everywhere.
#[test]
fn shipped_model_encoder_matches_rust_bert_and_int8_stays_close() {
    let dir = nertab::default_model_dir();
    let fp32 = NerModel::load(&dir).unwrap();
    let int8 = NerModel::load_with(&dir, Precision::Int8).unwrap();
    let [ids, mask, types] = common::random_inputs(7, 1000..20000, 6, 40, 10);
    let reference = fp32.reference_forward(&ids, &mask, &types).unwrap().narrow(1, 0, 30);
    let ours = fp32.forward(&ids, &mask, &types).unwrap().narrow(1, 0, 30);
    let diff = (&reference - &ours).abs().max().double_value(&[]);
    assert!(diff < 1e-4, "fp32 encoder differs from rust-bert by {diff}");
    let q = int8.forward(&ids, &mask, &types).unwrap().narrow(1, 0, 30);
    let agree = reference.argmax(-1, false).eq_tensor(&q.argmax(-1, false)).to_kind(Kind::Float).mean(Kind::Float);
    let agree = agree.double_value(&[]);
    assert!(agree > 0.9, "int8 agrees with fp32 on {agree} of the argmax labels");
    assert!(diff < (&reference - &q).abs().max().double_value(&[]), "int8 should not be bit-exact fp32");
}

/// int8 without the model's ranges file is a clear error; `calibrate` writes it and int8 then loads and labels.
#[test]
fn int8_needs_calibration_and_calibrate_provides_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    let err = NerModel::load_with(&path, Precision::Int8).err().unwrap().to_string();
    assert!(err.contains("int8_ranges.json") && err.contains("nertab calibrate"), "{err}");
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    nertab::train::calibrate(&path, &data).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path.join("int8_ranges.json")).unwrap()).unwrap();
    let ranges = file["ranges"].as_array().unwrap();
    assert_eq!(ranges.len(), 4 * common::TINY_LAYERS);
    assert!(ranges.iter().all(|r| r[0].as_f64().unwrap() <= r[1].as_f64().unwrap()));
    assert!(file["source"].as_str().unwrap().starts_with("tiny.conll (sha256 "));
    let int8 = NerModel::load_with(&path, Precision::Int8).unwrap();
    let text = "North Korea said John went to Paris.";
    let doc = tokenize(text);
    let words = int8.label_words(&[(text, &doc)]).unwrap();
    assert_eq!(words[0].len(), doc.tokens.len());
    assert!(words[0].iter().all(|&(l, p)| l < int8.labels().len() && (0.0..=1.0).contains(&p)));
    // An int8 load keeps no fp32 weights, so it cannot measure fp32 ranges: an error, not a panic.
    let err = int8.calibrate(&[(text, &doc)]).err().unwrap().to_string();
    assert!(err.contains("load it in fp32"), "{err}");
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
    let opts = common::train_options(&data, &base, &out);
    let report = nertab::train::train(&opts).unwrap();
    let first = report.epochs.first().unwrap().mean_loss;
    let last = report.epochs.last().unwrap().mean_loss;
    assert!(last < first * 0.5, "loss {first} -> {last}");
    for f in ["config.json", "tokenizer.json", "model.safetensors", "int8_ranges.json", "report.json", "TRAINING.md"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Memorizing five sentences: the reloaded fp16 model finds the entities it was trained on.
    assert!(report.valid.overall.f1() > 80.0, "{}", report.valid.report());
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["nertab_context"], 8);
    assert_eq!(cfg["id2label"]["1"], "B-PER");
}

/// `--base` may be a model nertab trained: every variable, the classifier and the casing table included, then starts
/// from it (a second training stage), while an encoder's classifier starts fresh.
#[test]
fn training_continues_from_a_trained_model_classifier_included() {
    let dir = tempfile::tempdir().unwrap();
    let (trained, trained_vs, _) = common::tiny_model(&dir.path().join("trained"));
    let config = nertab::ner::read_config(&trained.join("config.json")).unwrap();
    let fresh = |path: &std::path::Path| {
        tch::manual_seed(99);
        let vs = tch::nn::VarStore::new(tch::Device::Cpu);
        let _net = rust_bert::bert::BertForTokenClassification::new(vs.root(), &config.bert).unwrap();
        nertab::train::init_from_encoder(&vs, path).unwrap();
        vs
    };
    let continued = fresh(&trained.join("model.safetensors"));
    let want = trained_vs.variables();
    for (name, var) in continued.variables() {
        let diff = (&var - &want[&name]).abs().max().double_value(&[]);
        assert_eq!(diff, 0.0, "{name} differs from the trained model by {diff}");
    }
    // From a plain encoder the encoder is copied but the classifier is new.
    let encoder = common::tiny_encoder(&dir.path().join("base"));
    let from_encoder = fresh(&encoder.join("model.safetensors"));
    let vars = from_encoder.variables();
    let diff = (&vars["classifier.weight"] - &want["classifier.weight"]).abs().max().double_value(&[]);
    assert!(diff > 0.0, "an encoder has no classifier to copy");
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
    let a = fp32.forward(&ids, &mask, &types).unwrap();
    let b = bf16.forward(&ids, &mask, &types).unwrap();
    assert_eq!(b.size(), a.size());
    let err = (&a - &b).abs().max().double_value(&[]) / a.abs().max().double_value(&[]).max(1e-6);
    assert!(err < 0.05, "relative error {err}");
    let text = "North Korea said John went to Paris.";
    let doc = tokenize(text);
    let words = bf16.label_words(&[(text, &doc)]).unwrap();
    assert!(words[0].iter().all(|&(l, p)| l < bf16.labels().len() && (0.0..=1.0).contains(&p)));
}

/// The shipped model gives the same entities and 4-decimal scores whatever the batch size and thread count, in
/// fp32 and in int8 (whose fixed input ranges make a sentence's result independent of its batch).
#[test]
fn same_entities_for_every_batch_size_and_thread_count() {
    for precision in [Precision::Fp32, Precision::Int8] {
        same_entities(precision);
    }
}

fn same_entities(precision: Precision) {
    let mut model = NerModel::load_with(&nertab::default_model_dir(), precision).unwrap();
    let corpus = common::repo().join("corpus");
    let articles: Vec<nertab::corpus::Article> =
        nertab::corpus::read(&[corpus]).unwrap().collect::<Result<_, _>>().unwrap();
    let docs: Vec<nertab::tokenize::Tokenized> = articles.iter().map(|a| tokenize(&a.text)).collect();
    let refs: Vec<(&str, &nertab::tokenize::Tokenized)> =
        articles.iter().zip(&docs).map(|(a, d)| (a.text.as_str(), d)).collect();
    let mut runs = Vec::new();
    for (batch_pieces, threads) in [(64, 1), (1024, 2), (16384, 2), (1024, 1)] {
        model.options.batch_pieces = batch_pieces;
        tch::set_num_threads(threads);
        let found = model.predict(&refs).unwrap();
        let rendered: Vec<String> =
            found.iter().flatten().map(|e| format!("{} {} {} {:.4}", e.start, e.end, e.label, e.score)).collect();
        assert!(rendered.len() > 20);
        runs.push(rendered);
    }
    for run in &runs[1..] {
        assert_eq!(&runs[0], run, "{precision:?}");
    }
}

/// MPNet (relative position bias, positions from 2, no token types, RoBERTa specials) trains like BERT, and the
/// inference encoder computes the training network's function: same logits on padded batches with casing types.
#[test]
fn mpnet_trains_and_its_inference_encoder_matches_the_training_network() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::tiny_mpnet_encoder(&dir.path().join("base"));
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let out = dir.path().join("out");
    let report = nertab::train::train(&common::train_options(&data, &base, &out)).unwrap();
    let (first, last) = (report.epochs[0].mean_loss, report.epochs.last().unwrap().mean_loss);
    assert!(last < first * 0.5, "loss {first} -> {last}");
    assert!(report.valid.overall.f1() > 80.0, "{}", report.valid.report());
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["architectures"][0], "MPNetForTokenClassification");
    // MPNet's own specials, not the BERT ones its vocabulary also holds.
    let tok = nertab::tokenize::WordPieceTokenizer::from_file(&out.join("tokenizer.json")).unwrap();
    assert_eq!((tok.cls_id(), tok.pad_id(), tok.sep_id()), (0, 1, 2));

    let model = NerModel::load(&out).unwrap();
    let [ids, mask, types] = common::random_inputs(3, 4..60, 3, 20, 6);
    let reference = model.reference_forward(&ids, &mask, &types).unwrap().narrow(1, 0, 14);
    let ours = model.forward(&ids, &mask, &types).unwrap().narrow(1, 0, 14);
    let diff = (&reference - &ours).abs().max().double_value(&[]);
    assert!(diff < 1e-4, "MPNet inference encoder differs from the training network by {diff}");
    // The casing table is live: other types, other logits.
    let other = model.forward(&ids, &mask, &types.zeros_like()).unwrap().narrow(1, 0, 14);
    assert!((&ours - other).abs().max().double_value(&[]) > 1e-3);
    // int8 works for MPNet too.
    nertab::train::calibrate(&out, &data).unwrap();
    let q = NerModel::load_with(&out, Precision::Int8).unwrap().forward(&ids, &mask, &types).unwrap();
    let agree = ours.argmax(-1, false).eq_tensor(&q.narrow(1, 0, 14).argmax(-1, false)).to_kind(Kind::Float);
    assert!(agree.mean(Kind::Float).double_value(&[]) > 0.8);
}

/// With `--teacher` and all the weight on it, the student learns the teacher's labels, not the gold ones: the
/// teacher (an MPNet, other tokenizer) was trained with PER and LOC swapped.
#[test]
fn distillation_teaches_the_student_the_teachers_labels() {
    let dir = tempfile::tempdir().unwrap();
    let swapped = dir.path().join("swapped.conll");
    std::fs::write(&swapped, common::conll_swapped()).unwrap();
    let gold = dir.path().join("tiny.conll");
    std::fs::write(&gold, common::CONLL).unwrap();
    let teacher = dir.path().join("teacher");
    let mpnet = common::tiny_mpnet_encoder(&dir.path().join("mpnet"));
    nertab::train::train(&common::train_options(&swapped, &mpnet, &teacher)).unwrap();

    let bert = common::tiny_encoder(&dir.path().join("bert"));
    let student = |name: &str, distill: f64| {
        let out = dir.path().join(name);
        let opts = nertab::train::TrainOptions {
            teacher: Some(teacher.clone()),
            distill,
            ..common::train_options(&gold, &bert, &out)
        };
        let report = nertab::train::train(&opts).unwrap();
        (report, out)
    };
    // Scored against the gold file: the distilled student gets PER and LOC "wrong" the teacher's way.
    let (taught, out) = student("taught", 1.0);
    let (own, _) = student("own", 0.0);
    assert!(own.valid.overall.f1() > 80.0, "{}", own.valid.report());
    let per = |r: &nertab::train::TrainReport| r.valid.per_type.get("PER").map_or(0.0, |c| c.f1());
    assert!(per(&taught) < 20.0 && per(&own) > 80.0, "PER F1: taught {}, own {}", per(&taught), per(&own));
    let text = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(text.contains("distilled from") && text.contains("weight 1"), "{text}");
}

/// `--unlabelled` text alone (no tagged training document at all) teaches the student what the teacher says on it.
#[test]
fn untagged_text_labelled_by_the_teacher_trains_the_student() {
    let dir = tempfile::tempdir().unwrap();
    let swapped = dir.path().join("swapped.conll");
    std::fs::write(&swapped, common::conll_swapped()).unwrap();
    let teacher = dir.path().join("teacher");
    nertab::train::train(&common::train_options(&swapped, &common::tiny_encoder(&dir.path().join("t")), &teacher))
        .unwrap();
    // The same sentences as plain text, one article per document.
    let text_dir = dir.path().join("articles");
    std::fs::create_dir_all(&text_dir).unwrap();
    for (i, doc) in common::CONLL.split("-DOCSTART- -X- -X- O").skip(1).enumerate() {
        let sentences: Vec<String> = doc
            .split("\n\n")
            .map(|s| s.lines().filter_map(|l| l.split(' ').next()).collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect();
        std::fs::write(text_dir.join(format!("{i}.txt")), sentences.join("\n\n")).unwrap();
    }
    let out = dir.path().join("student");
    let opts = nertab::train::TrainOptions {
        teacher: Some(teacher),
        distill: 1.0,
        unlabelled: vec![text_dir],
        limit_docs: Some(0),
        // Scored against the teacher's (swapped) labels: learning them is the point.
        ..common::train_options(&swapped, &common::tiny_encoder(&dir.path().join("s")), &out)
    };
    let report = nertab::train::train(&opts).unwrap();
    assert!(report.valid.overall.f1() > 60.0, "{}", report.valid.report());
    let md = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(md.contains("and on untagged"), "{md}");
    // Untagged text without a teacher is refused.
    let err = nertab::train::train(&nertab::train::TrainOptions { teacher: None, ..opts }).err().unwrap().to_string();
    assert!(err.contains("--teacher"), "{err}");
}
