//! Training with real libtorch on tiny real models: the loss falls, model files are written, a trained model can be
//! continued, MPNet trains and matches its inference encoder, and int8 calibration records its ranges.

mod common;

use nertab::model::Precision;
use nertab::ner::{Doc, NerModel};
use nertab::tokenize::tokenize;
use nertab::train::net::Reference;
use nertab::train::{AlphaSetting, Int8Plan};
use tch::Kind;

#[test]
fn training_smoke_loss_falls_and_model_files_are_written() {
    let _torch = common::torch_lock();
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
    // Memorizing five sentences: the reloaded fp16 model finds (at least four of five of) the entities it was
    // trained on; an untrained classifier finds none.
    assert!(report.valid.overall.f1() >= 80.0, "{}", report.valid.report());
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["nertab_context"], 8);
    assert_eq!(cfg["id2label"]["1"], "B-PER");
}

/// `--base` may be a model nertab trained: every variable, the classifier and the casing table included, then starts
/// from it (a second training stage), while an encoder's classifier starts fresh.
#[test]
fn training_continues_from_a_trained_model_classifier_included() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (trained, trained_vs, _) = common::tiny_model(&dir.path().join("trained"));
    let config = nertab::model::ModelConfig::read(&trained.join("config.json")).unwrap();
    let fresh = |path: &std::path::Path| {
        tch::manual_seed(99);
        let vs = tch::nn::VarStore::new(tch::Device::Cpu);
        let _net = nertab::train::Net::new(vs.root(), &config).unwrap();
        nertab::train::init_from_encoder(&vs, config.arch, path, None).unwrap();
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

/// `--layers` builds a shallower network from chosen layers of a trained model: its layer 0 starts as the model's
/// layer 1, embeddings and classifier as the model's; it trains, and its config says how deep it is. A layer the
/// base does not have is refused, naming the base's config.
#[test]
fn a_student_is_built_from_chosen_layers_of_a_deeper_model() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (trained, trained_vs, _) = common::tiny_model(&dir.path().join("trained"));
    assert_eq!(common::TINY_LAYERS, 2);
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(trained.join("config.json")).unwrap()).unwrap();
    cfg["num_hidden_layers"] = 1.into();
    let shallow = dir.path().join("shallow.json");
    std::fs::write(&shallow, cfg.to_string()).unwrap();
    let config = nertab::model::ModelConfig::read(&shallow).unwrap();
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let _net = nertab::train::Net::new(vs.root(), &config).unwrap();
    nertab::train::init_from_encoder(&vs, config.arch, &trained.join("model.safetensors"), Some(&[1])).unwrap();
    let want = trained_vs.variables();
    let student = vs.variables();
    assert!(!student.keys().any(|n| n.contains("encoder.layer.1.")), "the student has one layer");
    for (name, var) in &student {
        let source = name.replace("encoder.layer.0.", "encoder.layer.1.");
        let diff = (var - &want[&source]).abs().max().double_value(&[]);
        assert_eq!(diff, 0.0, "{name} differs from the base's {source} by {diff}");
    }

    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let out = dir.path().join("student");
    let opts = nertab::train::TrainOptions {
        layers: Some(vec![1]),
        ..common::train_options(&data, &common::tiny_encoder(&dir.path().join("base")), &out)
    };
    let report = nertab::train::train(&opts).unwrap();
    assert!(report.valid.overall.f1() >= 80.0, "{}", report.valid.report());
    let written = nertab::model::ModelConfig::read(&out.join("config.json")).unwrap();
    assert_eq!(written.layers, 1);
    let md = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(md.contains("layers [1] of the base"), "{md}");

    let err =
        nertab::train::train(&nertab::train::TrainOptions { layers: Some(vec![0, 2]), ..opts.clone() }).err().unwrap();
    let msg = format!("{err}");
    assert!(msg.contains("base/config.json") && msg.contains("layer 2"), "{msg}");
    let err = nertab::train::train(&nertab::train::TrainOptions { layers: Some(vec![1, 0]), ..opts }).err().unwrap();
    assert!(err.to_string().contains("ascending"), "{err}");
}

/// int8 without the model's ranges file is a clear error; `calibrate` writes it and int8 then loads and labels.
#[test]
fn int8_needs_calibration_and_calibrate_provides_it() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    let err = NerModel::load_with(&path, Precision::Int8).err().unwrap().to_string();
    assert!(err.contains("int8_ranges.json") && err.contains("nertab calibrate"), "{err}");
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    nertab::train::calibrate(&path, &data, &Int8Plan::of_model(&path)).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path.join("int8_ranges.json")).unwrap()).unwrap();
    let ranges = file["ranges"].as_array().unwrap();
    assert_eq!(ranges.len(), 4 * common::TINY_LAYERS);
    assert!(ranges.iter().all(|r| r[0].as_f64().unwrap() <= r[1].as_f64().unwrap()));
    assert!(file["source"].as_str().unwrap().starts_with("tiny.conll (sha256 "));
    let int8 = NerModel::load_with(&path, Precision::Int8).unwrap();
    let text = "North Korea said John went to Paris.";
    let doc = tokenize(text);
    let words = int8.label_words(&[Doc { text, tokens: &doc }]).unwrap();
    assert_eq!(words[0].len(), doc.tokens.len());
    assert!(words[0].iter().all(|w| w.class < int8.labels().len() && (0.0..=1.0).contains(&w.probability)));
    // An int8 load keeps no fp32 weights, so it cannot measure fp32 ranges: an error, not a panic.
    let err = int8.measure_int8(&[Doc { text, tokens: &doc }], &[]).err().unwrap().to_string();
    assert!(err.contains("load it in fp32"), "{err}");
    // Recalibrating keeps the layers the model keeps in fp32, unless told otherwise.
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path.join("int8_ranges.json")).unwrap()).unwrap()
    };
    nertab::train::calibrate(&path, &data, &Int8Plan::of_model(&path).with(Some(vec![1, 3]), None, None)).unwrap();
    nertab::train::calibrate(&path, &data, &Int8Plan::of_model(&path)).unwrap();
    assert_eq!(read()["keep_fp32"], serde_json::json!([1, 3]));

    // `--smooth 3` moves layer 3 (a feed-forward output) from fp32 to smoothed int8, and a recalibration keeps that.
    let plan = Int8Plan::of_model(&path).with(None, Some(vec![3]), Some(&[AlphaSetting::All(0.75)]));
    assert_eq!(plan, Int8Plan { keep_fp32: vec![1], smooth: vec![3], alpha: 0.75, ..Default::default() });
    nertab::train::calibrate(&path, &data, &plan).unwrap();
    nertab::train::calibrate(&path, &data, &Int8Plan::of_model(&path)).unwrap();
    let file = read();
    assert_eq!(file["keep_fp32"], serde_json::json!([1]));
    let smooth = file["smooth"].as_array().unwrap();
    assert_eq!(smooth.len(), 1);
    assert_eq!((smooth[0]["layer"].as_u64(), smooth[0]["alpha"].as_f64()), (Some(3), Some(0.75)));
    let divisors = smooth[0]["divisors"].as_array().unwrap();
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path.join("config.json")).unwrap()).unwrap();
    assert_eq!(Some(divisors.len() as u64), config["intermediate_size"].as_u64());
    assert!(divisors.iter().all(|d| d.as_f64().unwrap() > 0.0));
    let smoothed = NerModel::load_with(&path, Precision::Int8).unwrap();
    let words = smoothed.label_words(&[Doc { text, tokens: &doc }]).unwrap();
    assert!(words[0].iter().all(|w| w.class < smoothed.labels().len() && (0.0..=1.0).contains(&w.probability)));
    // The divisors reach the layer: a list of the wrong length is refused at load, naming the layer.
    let mut broken = file.clone();
    broken["smooth"][0]["divisors"] = serde_json::json!([1.0, 1.0]);
    std::fs::write(path.join("int8_ranges.json"), broken.to_string()).unwrap();
    let err = format!("{:#}", anyhow::Error::from(NerModel::load_with(&path, Precision::Int8).err().unwrap()));
    assert!(err.contains("layer.0.output.dense") && err.contains("2 smoothing divisors"), "{err}");
    std::fs::write(path.join("int8_ranges.json"), file.to_string()).unwrap();
    // Kept in fp32 and smoothed at once is refused, as is an α outside 0..=1.
    let both = Int8Plan { keep_fp32: vec![3], smooth: vec![3], alpha: 0.5, ..Default::default() };
    let err = nertab::train::calibrate(&path, &data, &both).err().unwrap().to_string();
    assert!(err.contains("layer 3"), "{err}");
    let err =
        nertab::train::calibrate(&path, &data, &Int8Plan { alpha: 1.5, ..plan.clone() }).err().unwrap().to_string();
    assert!(err.contains("--alpha"), "{err}");
    // A layer beyond the model's is refused, naming the flag and the count, for either list.
    let layers = 4 * common::TINY_LAYERS;
    for beyond in [plan.clone().with(None, Some(vec![layers]), None), plan.clone().with(Some(vec![layers]), None, None)]
    {
        let err = nertab::train::calibrate(&path, &data, &beyond).err().unwrap().to_string();
        assert!(err.contains(&format!("layer {layers}")) && err.contains(&format!("{layers} quantizable")), "{err}");
    }

    // Per-layer α: layer 3 at 0.6 and layer 7 at 0.5 (the rest's α), recorded per layer and read back as such.
    let (three, seven) = (AlphaSetting::Layer(3, 0.6), AlphaSetting::All(0.5));
    let per_layer = Int8Plan::of_model(&path).with(Some(vec![]), Some(vec![3, 7]), Some(&[three, seven]));
    assert_eq!(per_layer.smoothing(), vec![(3, 0.6), (7, 0.5)]);
    nertab::train::calibrate(&path, &data, &per_layer).unwrap();
    let alphas: Vec<_> = read()["smooth"].as_array().unwrap().iter().map(|s| s["alpha"].as_f64().unwrap()).collect();
    assert_eq!(alphas, vec![0.6, 0.5]);
    assert_eq!(Int8Plan::of_model(&path).smoothing(), vec![(3, 0.6), (7, 0.5)]);
    // A plain α replaces every smoothed layer's; an α for a layer not smoothed is refused.
    assert_eq!(
        Int8Plan::of_model(&path).with(None, None, Some(&[AlphaSetting::All(0.4)])).smoothing(),
        [(3, 0.4), (7, 0.4)]
    );
    let stray = Int8Plan { layer_alpha: [(5, 0.5)].into(), ..per_layer };
    let err = nertab::train::calibrate(&path, &data, &stray).err().unwrap().to_string();
    assert!(err.contains("layer 5"), "{err}");
    assert_eq!("7=0.25".parse::<AlphaSetting>(), Ok(AlphaSetting::Layer(7, 0.25)));
    assert!("x=0.5".parse::<AlphaSetting>().unwrap_err().contains("\"x\""));
}

/// MPNet (relative position bias, positions from 2, no token types, RoBERTa specials) trains like BERT, and the
/// inference encoder computes the training network's function: same logits on padded batches with casing types.
#[test]
fn mpnet_trains_and_its_inference_encoder_matches_the_training_network() {
    let _torch = common::torch_lock();
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
    let reference = Reference::load(&out).unwrap().forward(&ids, &mask, &types).unwrap().narrow(1, 0, 14);
    let ours = model.forward(&ids, &mask, &types).unwrap().narrow(1, 0, 14);
    let diff = (&reference - &ours).abs().max().double_value(&[]);
    assert!(diff < 1e-4, "MPNet inference encoder differs from the training network by {diff}");
    // The casing table is live: other types, other logits.
    let other = model.forward(&ids, &mask, &types.zeros_like()).unwrap().narrow(1, 0, 14);
    assert!((&ours - other).abs().max().double_value(&[]) > 1e-3);
    // int8 works for MPNet too.
    nertab::train::calibrate(&out, &data, &Int8Plan::of_model(&out)).unwrap();
    let q = NerModel::load_with(&out, Precision::Int8).unwrap().forward(&ids, &mask, &types).unwrap();
    let agree = ours.argmax(-1, false).eq_tensor(&q.narrow(1, 0, 14).argmax(-1, false)).to_kind(Kind::Float);
    assert!(agree.mean(Kind::Float).double_value(&[]) > 0.8);
}

/// `--also-train` adds tagged data (a final model trained on train + valid), `--keep-last` keeps the last epoch
/// whatever `valid` says, and a bad tag in the added file names that file.
#[test]
fn also_train_adds_data_and_keep_last_keeps_the_last_epoch() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let base = common::tiny_encoder(&dir.path().join("base"));
    let second = common::CONLL.rfind("-DOCSTART-").unwrap();
    let (first_doc, rest) = (dir.path().join("first.conll"), dir.path().join("rest.conll"));
    std::fs::write(&first_doc, &common::CONLL[..second]).unwrap();
    std::fs::write(&rest, &common::CONLL[second..]).unwrap();
    let all = dir.path().join("all.conll");
    std::fs::write(&all, common::CONLL).unwrap();
    let out = dir.path().join("out");
    let opts = nertab::train::TrainOptions {
        valid: all.clone(),
        also_train: vec![rest.clone()],
        keep_last: true,
        ..common::train_options(&first_doc, &base, &out)
    };
    let report = nertab::train::train(&opts).unwrap();
    assert_eq!(report.best_epoch, opts.epochs);
    assert_eq!(report.data_sha256.len(), 3);
    // North Korea is only in the added file: without it LOC recall could not pass 50 (Paris alone).
    assert!(report.valid.per_type["LOC"].recall() > 50.0, "{}", report.valid.report());
    assert!(std::fs::read_to_string(out.join("TRAINING.md")).unwrap().contains("--keep-last"));

    let bad = dir.path().join("bad.conll");
    std::fs::write(&bad, "-DOCSTART- -X- -X- O\n\nJohn NNP B-NP B-PERSON\n\n").unwrap();
    let opts = nertab::train::TrainOptions { also_train: vec![bad.clone()], ..opts };
    let err = nertab::train::train(&opts).err().unwrap().to_string();
    assert!(err.contains("bad.conll") && err.contains("B-PERSON"), "{err}");
}

/// `--headlines` on a casing model: the network gains the headline token type, whose row starts as the Capitalized
/// one (the others as the base's); the config records `nertab_headline`; and the trained model reads a headline's
/// Capitalized words through that row (its logits differ from the same model reading them as plain Capitalized).
#[test]
fn headlines_add_a_casing_class_that_starts_as_capitalized_and_is_used() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (trained, trained_vs, _) = common::tiny_model(&dir.path().join("trained"));
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(trained.join("config.json")).unwrap()).unwrap();
    (cfg["nertab_headline"], cfg["type_vocab_size"]) = (true.into(), (nertab::ner::HEADLINE_CLASS + 1).into());
    let grown_cfg = dir.path().join("grown.json");
    std::fs::write(&grown_cfg, cfg.to_string()).unwrap();
    let config = nertab::model::ModelConfig::read(&grown_cfg).unwrap();
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let _net = nertab::train::Net::new(vs.root(), &config).unwrap();
    nertab::train::init_from_encoder(&vs, config.arch, &trained.join("model.safetensors"), None).unwrap();
    let name = "bert.embeddings.token_type_embeddings.weight";
    let (grown, base) = (&vs.variables()[name], &trained_vs.variables()[name]);
    assert_eq!(grown.size(), [6, 32]);
    assert_eq!((grown.narrow(0, 0, 5) - base).abs().max().double_value(&[]), 0.0);
    assert_eq!((grown.get(5) - base.get(2)).abs().max().double_value(&[]), 0.0);

    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let out = dir.path().join("out");
    let opts = nertab::train::TrainOptions {
        headlines: 1.0,
        epochs: 5,
        ..common::train_options(&data, &common::tiny_encoder(&dir.path().join("base")), &out)
    };
    nertab::train::train(&opts).unwrap();
    let raw = std::fs::read_to_string(out.join("config.json")).unwrap();
    let cfg: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!((cfg["nertab_headline"].as_bool(), cfg["type_vocab_size"].as_i64()), (Some(true), Some(6)));
    let text = "John Said in Paris";
    let doc = tokenize(text);
    let logits = |dir: &std::path::Path| {
        NerModel::load_with(dir, Precision::Fp32).unwrap().word_logits(&[Doc { text, tokens: &doc }]).unwrap()
    };
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for f in ["tokenizer.json", "model.safetensors"] {
        std::fs::copy(out.join(f), plain.join(f)).unwrap();
    }
    std::fs::write(plain.join("config.json"), raw.replace("\"nertab_headline\": true", "\"nertab_headline\": false"))
        .unwrap();
    let (headline, capitalized) = (logits(&out), logits(&plain));
    let differ = headline[0].iter().zip(&capitalized[0]).any(|(a, b)| (a - b).abs() > 1e-4);
    assert!(differ, "the headline row is not read: {headline:?}");
    // A headline model refuses a config without the row for it.
    std::fs::write(plain.join("config.json"), raw.replace("\"type_vocab_size\": 6", "\"type_vocab_size\": 5")).unwrap();
    let err = NerModel::load_with(&plain, Precision::Fp32).err().unwrap().to_string();
    assert!(err.contains("config.json") && err.contains("nertab_headline needs"), "{err}");
}

/// Every file under `dir` with its bytes: what a failed run must leave as it was.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes = if e.file_type().is_file() { std::fs::read(e.path()).unwrap() } else { Vec::new() };
            (e.path().to_path_buf(), bytes)
        })
        .collect()
}

/// A run that fails, early (missing, empty or bad data) or late (a teacher that is no model, after the model's files
/// are made), leaves an existing model at `--out` byte-identical and no half-made directory anywhere; a run that
/// succeeds replaces the model's files and leaves the directory's other files alone.
#[test]
fn a_failed_training_run_leaves_the_model_at_out_as_it_was() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let base = common::tiny_encoder(&dir.path().join("base"));
    let (model, _, _) = common::tiny_model(&dir.path().join("model"));
    std::fs::write(model.join("NOTES.md"), "the user's own file\n").unwrap();
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let empty = dir.path().join("empty.conll");
    std::fs::write(&empty, "").unwrap();
    let only_docstart = dir.path().join("docstart.conll");
    std::fs::write(&only_docstart, "-DOCSTART- -X- -X- O\n\n").unwrap();
    let bad = dir.path().join("bad.conll");
    std::fs::write(&bad, "-DOCSTART- -X- -X- O\n\nJohn NNP B-NP B-PERSON\n\n").unwrap();
    let opts = nertab::train::TrainOptions {
        epochs: 1,
        layers: Some(vec![0]),
        context: 0,
        ..common::train_options(&data, &base, &model)
    };
    let before = files_under(dir.path());
    let failing = [
        (nertab::train::TrainOptions { train: dir.path().join("missing.conll"), ..opts.clone() }, "missing.conll"),
        (nertab::train::TrainOptions { train: empty.clone(), ..opts.clone() }, "empty.conll: no tagged words"),
        (
            nertab::train::TrainOptions { valid: only_docstart.clone(), ..opts.clone() },
            "docstart.conll: no tagged words",
        ),
        (nertab::train::TrainOptions { also_train: vec![empty.clone()], ..opts.clone() }, "empty.conll"),
        (nertab::train::TrainOptions { test: Some(empty.clone()), ..opts.clone() }, "empty.conll"),
        (nertab::train::TrainOptions { train: bad.clone(), ..opts.clone() }, "B-PERSON"),
        (nertab::train::TrainOptions { teachers: vec![base.clone()], ..opts.clone() }, "base"),
    ];
    for (failing, expect) in failing {
        let err = format!("{:#}", anyhow::Error::from(nertab::train::train(&failing).err().unwrap()));
        assert!(err.contains(expect), "{expect}: {err}");
        assert_eq!(files_under(dir.path()), before, "{expect}: the run changed files");
    }
    // A success replaces the model's files (1 layer now, no context) and keeps the user's own.
    nertab::train::train(&opts).unwrap();
    let cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("config.json")).unwrap()).unwrap();
    assert_eq!((cfg["num_hidden_layers"].as_u64(), cfg["nertab_context"].as_u64()), (Some(1), Some(0)));
    assert_eq!(std::fs::read_to_string(model.join("NOTES.md")).unwrap(), "the user's own file\n");
    NerModel::load(&model).unwrap();
    let mut names: Vec<String> =
        std::fs::read_dir(&model).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let want = [
        "NOTES.md",
        "TRAINING.md",
        "config.json",
        "int8_ranges.json",
        "model.safetensors",
        "report.json",
        "tokenizer.json",
    ];
    assert_eq!(names, want);
    let mut top: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    top.sort();
    assert_eq!(top, ["bad.conll", "base", "docstart.conll", "empty.conll", "model", "tiny.conll"]);
    // The report names --out as given, not the temporary directory the model was made in.
    let report = std::fs::read_to_string(model.join("report.json")).unwrap();
    assert!(!report.contains(".nertab-train-"), "{report}");
    // A new --out appears only at the end, whole; a failed run into a new --out leaves nothing.
    let new_out = dir.path().join("new/model");
    let err = nertab::train::train(&nertab::train::TrainOptions {
        train: empty.clone(),
        out: new_out.clone(),
        ..opts.clone()
    });
    assert!(err.is_err());
    assert!(!new_out.exists());
    nertab::train::train(&nertab::train::TrainOptions { out: new_out.clone(), ..opts.clone() }).unwrap();
    NerModel::load(&new_out).unwrap();
}

/// `--out` naming the `--base` or a `--teacher`, by any spelling, is refused before anything is read or written.
#[test]
fn out_equal_to_base_or_a_teacher_is_refused_by_any_spelling() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (model, _, _) = common::tiny_model(&dir.path().join("model"));
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(&model, dir.path().join("link")).unwrap();
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let before = files_under(dir.path());
    let spellings = [model.clone(), model.join("."), dir.path().join("sub/../model"), dir.path().join("link")];
    for out in spellings {
        let opts = common::train_options(&data, &model, &out);
        let err = nertab::train::train(&opts).err().unwrap().to_string();
        assert!(err.contains("--base") && err.contains(&out.display().to_string()), "{err}");
        let base = common::tiny_encoder(&dir.path().join("base"));
        let opts =
            nertab::train::TrainOptions { teachers: vec![model.clone()], ..common::train_options(&data, &base, &out) };
        let err = nertab::train::train(&opts).err().unwrap().to_string();
        assert!(err.contains("--teacher"), "{err}");
        std::fs::remove_dir_all(&base).unwrap();
        assert_eq!(files_under(dir.path()), before, "{}", out.display());
    }
}

/// `calibrate` on an empty file is refused, naming it, and leaves the model's ranges as they were.
#[test]
fn calibrate_refuses_empty_data_and_keeps_the_ranges() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    nertab::train::calibrate(&path, &data, &Int8Plan::of_model(&path)).unwrap();
    let before = files_under(dir.path());
    for text in ["", "-DOCSTART- -X- -X- O\n\n", "\n\n\n"] {
        let empty = dir.path().join("empty.conll");
        std::fs::write(&empty, text).unwrap();
        let err = nertab::train::calibrate(&path, &empty, &Int8Plan::of_model(&path)).err().unwrap().to_string();
        assert!(err.contains("empty.conll") && err.contains("no tagged words"), "{err}");
        std::fs::remove_file(&empty).unwrap();
        assert_eq!(files_under(dir.path()), before);
    }
    NerModel::load_with(&path, Precision::Int8).unwrap();
}

/// A `config.json` that does not describe its weights is refused at load, naming the config file, the key with its
/// value and the tensor with its shape; `nertab_max_len` outside what a window can hold is refused too.
#[test]
fn a_config_that_does_not_describe_its_weights_is_refused_naming_both() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let (path, _, _) = common::tiny_model(&dir.path().join("m"));
    let config = path.join("config.json");
    let good: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let vocab = common::vocab().len();
    let cases: Vec<(&str, serde_json::Value, Vec<String>)> = vec![
        (
            "num_hidden_layers",
            3.into(),
            vec!["num_hidden_layers is 3".into(), "2 layers".into(), "bert.encoder.layer.".into()],
        ),
        ("num_hidden_layers", 1.into(), vec!["num_hidden_layers is 1".into(), "2 layers".into()]),
        (
            "hidden_size",
            64.into(),
            vec!["hidden_size is 64".into(), format!("word_embeddings.weight has shape [{vocab}, 32]")],
        ),
        (
            "intermediate_size",
            128.into(),
            vec!["intermediate_size is 128".into(), "intermediate.dense.weight has shape [64, 32]".into()],
        ),
        ("vocab_size", 10.into(), vec!["vocab_size is 10".into(), format!("[{vocab}, 32]")]),
        (
            "max_position_embeddings",
            256.into(),
            vec!["max_position_embeddings is 256".into(), "position_embeddings.weight has shape [512, 32]".into()],
        ),
        (
            "type_vocab_size",
            7.into(),
            vec!["type_vocab_size is 7".into(), "token_type_embeddings.weight has shape [5, 32]".into()],
        ),
        (
            "id2label",
            serde_json::json!({"0": "O", "1": "B-PER", "2": "I-PER"}),
            vec!["3".into(), "classifier.weight has shape [9, 32]".into()],
        ),
        ("num_attention_heads", 3.into(), vec!["hidden 32 with 3 heads".into()]),
        ("nertab_max_len", 0.into(), vec!["nertab_max_len 0".into()]),
        ("nertab_max_len", 4.into(), vec!["nertab_max_len 4".into()]),
        ("nertab_max_len", 513.into(), vec!["nertab_max_len 513".into(), "512".into()]),
    ];
    for (key, value, expect) in cases {
        let mut cfg = good.clone();
        cfg[key] = value;
        std::fs::write(&config, cfg.to_string()).unwrap();
        let err = NerModel::load(&path).err().unwrap().to_string();
        assert!(err.contains(&config.display().to_string()), "{key}: {err}");
        for e in expect {
            assert!(err.contains(&e), "{key}: {err} lacks {e}");
        }
    }
    std::fs::write(&config, good.to_string()).unwrap();
    NerModel::load(&path).unwrap();
}

/// `nertab train` interrupted (SIGINT, SIGTERM) removes the model it was making, inside an existing `--out` or beside
/// a new one, exits with 128 + the signal's number, and leaves the model at `--out` byte-identical.
#[test]
fn an_interrupted_training_run_removes_its_temporary_model() {
    let dir = tempfile::tempdir().unwrap();
    let (base, model) = {
        let _torch = common::torch_lock();
        (common::tiny_encoder(&dir.path().join("base")), common::tiny_model(&dir.path().join("model")).0)
    };
    let data = dir.path().join("tiny.conll");
    std::fs::write(&data, common::CONLL).unwrap();
    let before = files_under(dir.path());
    for (out, signal, number) in [(model.clone(), "INT", 2), (dir.path().join("new"), "TERM", 15)] {
        let mut child = std::process::Command::new(common::nertab_bin())
            .args(["train", "--epochs", "100000", "--batch", "2", "--max-len", "64", "--threads", "1"])
            .arg("--train")
            .arg(&data)
            .arg("--valid")
            .arg(&data)
            .arg("--base")
            .arg(&base)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the model being made has its weights: training is under way.
        let start = std::time::Instant::now();
        let staged = |d: &std::path::Path| {
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()).find(|p| {
                p.file_name().unwrap().to_string_lossy().starts_with(".nertab-train-") && p.join("config.json").exists()
            })
        };
        while staged(out.parent().unwrap()).or_else(|| out.is_dir().then(|| staged(&out)).flatten()).is_none() {
            assert!(child.try_wait().unwrap().is_none(), "train ended early");
            if start.elapsed() > std::time::Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("no temporary model appeared");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let kill = std::process::Command::new("kill").args(["-s", signal, &child.id().to_string()]).status();
        assert!(kill.unwrap().success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(128 + number), "SIG{signal}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(files_under(dir.path()), before, "SIG{signal} left files");
    }
}
