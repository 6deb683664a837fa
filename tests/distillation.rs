//! Distillation: a student learns a teacher's word-level distributions, on tagged text and on untagged articles.

mod common;

/// With `--teacher` and all the weight on it, the student learns the teacher's labels, not the gold ones: the
/// teacher (an MPNet, other tokenizer) was trained with PER and LOC swapped.
#[test]
fn distillation_teaches_the_student_the_teachers_labels() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let swapped = dir.path().join("swapped.conll");
    std::fs::write(&swapped, common::conll_swapped()).unwrap();
    let gold = dir.path().join("tiny.conll");
    std::fs::write(&gold, common::CONLL).unwrap();
    let teacher = dir.path().join("teacher");
    let mpnet = common::tiny_mpnet_encoder(&dir.path().join("mpnet"));
    nertab::train::train(&common::train_options(&swapped, &mpnet, &teacher)).unwrap();

    let bert = common::tiny_encoder(&dir.path().join("bert"));
    let student = |name: &str, distill: f64, teachers: Vec<std::path::PathBuf>| {
        let out = dir.path().join(name);
        let opts = nertab::train::TrainOptions { teachers, distill, ..common::train_options(&gold, &bert, &out) };
        let report = nertab::train::train(&opts).unwrap();
        (report, out)
    };
    // Scored against the gold file: the distilled student gets PER and LOC "wrong" the teacher's way.
    let (taught, out) = student("taught", 1.0, vec![teacher.clone()]);
    let (own, gold_teacher) = student("own", 0.0, vec![teacher.clone()]);
    // Four of five entities of the tiny file (F1 80) is learning it; the teacher's way gets PER wrong throughout.
    assert!(own.valid.overall.f1() >= 80.0, "{}", own.valid.report());
    let per = |r: &nertab::train::TrainReport| r.valid.per_type.get("PER").map_or(0.0, |c| c.f1());
    assert!(per(&taught) < 20.0 && per(&own) > 80.0, "PER F1: taught {}, own {}", per(&taught), per(&own));
    let text = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(text.contains("distilled from") && text.contains("weight 1"), "{text}");

    // An ensemble of two teachers with different tokenizers, both trained the swapped way: the student learns
    // their (shared) view, and its report names both.
    let second = dir.path().join("teacher2");
    nertab::train::train(&common::train_options(&swapped, &bert, &second)).unwrap();
    let (ensemble, out) = student("ensemble", 1.0, vec![teacher.clone(), second.clone()]);
    assert!(per(&ensemble) < 20.0, "PER F1 from the ensemble: {}", per(&ensemble));
    let text = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    let both = format!("`{}` + `{}`", teacher.display(), second.display());
    assert!(text.contains(&both), "{text}");

    // Per-type weights: the swapped teacher beside one that learned the gold labels, with PER and LOC taken from
    // the second alone: the student gets PER right, which the plain mean of a swapped pair could not teach.
    let out = dir.path().join("weighted");
    let type_weights = ["PER=0:1", "LOC=0:1"].map(|s| nertab::train::data::parse_type_weights(s).unwrap()).to_vec();
    let opts = nertab::train::TrainOptions {
        teachers: vec![teacher.clone(), gold_teacher],
        distill: 1.0,
        type_weights,
        ..common::train_options(&gold, &bert, &out)
    };
    let weighted = nertab::train::train(&opts).unwrap();
    assert!(per(&weighted) >= 80.0, "PER F1 with PER and LOC from the gold teacher: {}", per(&weighted));
    let text = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(text.contains("PER teachers weighted 0:1"), "{text}");
}

/// `--unlabelled` text alone (no tagged training document at all) teaches the student what the teacher says on it;
/// `--unlabelled-by` text, what its one teacher says.
#[test]
fn untagged_text_labelled_by_the_teacher_trains_the_student() {
    let _torch = common::torch_lock();
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
        teachers: vec![teacher.clone()],
        distill: 1.0,
        unlabelled: vec![text_dir.clone()],
        limit_docs: Some(0),
        // Scored against the teacher's (swapped) labels: learning them is the point.
        ..common::train_options(&swapped, &common::tiny_encoder(&dir.path().join("s")), &out)
    };
    let report = nertab::train::train(&opts).unwrap();
    assert!(report.valid.overall.f1() > 60.0, "{}", report.valid.report());
    let md = std::fs::read_to_string(out.join("TRAINING.md")).unwrap();
    assert!(md.contains("and on untagged"), "{md}");

    // Beside a teacher that learned the gold labels, `--unlabelled-by K:PATH` gives the text to teacher K alone:
    // the student learns that teacher's labels, whatever the other says (scored against the swapped labels).
    let gold = dir.path().join("gold.conll");
    std::fs::write(&gold, common::CONLL).unwrap();
    let gold_teacher = dir.path().join("gold-teacher");
    let gold_opts = common::train_options(&gold, &common::tiny_encoder(&dir.path().join("g")), &gold_teacher);
    nertab::train::train(&gold_opts).unwrap();
    let by = |k: usize| {
        let out = dir.path().join(format!("by-{k}"));
        let solo = nertab::train::data::SoloText { teacher: k, path: text_dir.clone() };
        let o = nertab::train::TrainOptions {
            teachers: vec![gold_teacher.clone(), teacher.clone()],
            unlabelled: Vec::new(),
            unlabelled_by: vec![solo],
            out: out.clone(),
            ..opts.clone()
        };
        (
            nertab::train::train(&o).unwrap().valid.overall.f1(),
            std::fs::read_to_string(out.join("TRAINING.md")).unwrap(),
        )
    };
    let (swapped_f1, md) = by(2);
    let (gold_f1, _) = by(1);
    // Five entities: the gold teacher's student gets only the ORG one right against the swapped labels (F1 20).
    assert!(swapped_f1 > 60.0 && gold_f1 < 40.0, "F1 against swapped labels: by 2 {swapped_f1}, by 1 {gold_f1}");
    assert!(md.contains("by teacher 2 alone"), "{md}");
    // Type weights that do not give one weight per teacher are refused before any work.
    let weights = vec![nertab::train::data::parse_type_weights("MISC=1:3").unwrap()];
    let err = nertab::train::train(&nertab::train::TrainOptions { type_weights: weights, ..opts.clone() })
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("--type-weights MISC: 2 weights for 1 teachers"), "{err}");
    // Untagged text without a teacher is refused.
    let err =
        nertab::train::train(&nertab::train::TrainOptions { teachers: Vec::new(), ..opts }).err().unwrap().to_string();
    assert!(err.contains("--teacher"), "{err}");
}

/// Evaluation text is refused as training text, tagged or not: the seed articles as `--unlabelled` (before any
/// teacher runs), and CoNLL-2003 `test` as `--also-train`.
#[test]
fn evaluation_text_is_never_trained_on() {
    let _torch = common::torch_lock();
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("tiny.conll");
    std::fs::write(&gold, common::CONLL).unwrap();
    let teacher = dir.path().join("teacher");
    let bert = common::tiny_encoder(&dir.path().join("bert"));
    let opts = common::train_options(&gold, &bert, &teacher);
    nertab::train::train(&nertab::train::TrainOptions { epochs: 1, ..opts.clone() }).unwrap();
    // A copy of a seed article with other line endings is the same text.
    let seeds = dir.path().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    let seed = std::fs::read_to_string(common::repo().join("corpus/001_fcbab8d81cf5b071.txt")).unwrap();
    std::fs::write(seeds.join("copy.txt"), seed.replace('\n', "\r\n")).unwrap();
    std::fs::write(seeds.join("other.txt"), "An article of its own.").unwrap();
    let out = dir.path().join("student");
    let student = nertab::train::TrainOptions {
        teachers: vec![teacher],
        unlabelled: vec![seeds.clone()],
        out: out.clone(),
        ..opts.clone()
    };
    let err = nertab::train::train(&student).err().unwrap().to_string();
    assert!(err.contains("article copy.txt is evaluation text"), "{err}");
    assert!(!out.exists(), "nothing is written for a refused run");
    // Without the copy, the same run trains.
    std::fs::remove_file(seeds.join("copy.txt")).unwrap();
    nertab::train::train(&nertab::train::TrainOptions { epochs: 1, ..student }).unwrap();
}

/// The digests of `scripts/held_out_texts.py` agree with the trainer's: every BBC article, read as `--unlabelled`
/// reads it, is refused.
#[test]
#[ignore = "needs scripts/setup.sh"]
fn every_bbc_article_is_evaluation_text() {
    let bbc = common::cached("data/bbc");
    let mut n = 0;
    for article in nertab::corpus::read(&[bbc]).unwrap() {
        let article = article.unwrap();
        assert!(nertab::train::held_out::is_evaluation_text(&article.text), "{} is not listed", article.id);
        n += 1;
    }
    assert!(n >= 2225, "{n} articles");
    // CoNLL `test` is refused before any model is read (the base here does not exist).
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("tiny.conll");
    std::fs::write(&gold, common::CONLL).unwrap();
    let opts = nertab::train::TrainOptions {
        also_train: vec![common::cached("data/conll2003/test.txt")],
        ..common::train_options(&gold, &dir.path().join("no-base"), &dir.path().join("out"))
    };
    let err = nertab::train::train(&opts).err().unwrap().to_string();
    assert!(err.contains("this is CoNLL-2003 test"), "{err}");
}
