//! The Spark job (`scripts/spark/extract.py`) in `local[2]` mode, with the relocatable bundle (`make dist`) shipped
//! by `addArchive`, on the seed articles plus 50 BBC articles: its part files hold exactly the rows of a
//! single-process run (order aside), and its merged CSV is that run's table, row for row.
//!
//! Needs `scripts/setup.sh` (the `spark` venv with pyspark 3.5.9 and Java 17, the `bbc` corpus) and takes about two
//! minutes: `cargo test --release --test spark -- --ignored`. Both runs use the default precision for this CPU, and
//! every cell must be equal: a partition's chunks are not a single run's, but each window runs in a batch shape fixed
//! by its own length, so a sentence's scores do not depend on what shares its batch. (Before fixed shapes, int8 and
//! bf16 moved scores, and near a decision boundary labels, with the batch; even fp32 moved one score of 1,472 by a
//! unit in the fourth decimal.)

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The seed corpus and the first 10 articles of each BBC category, as JSONL with the ids a directory run would give.
fn write_corpus(path: &Path) -> usize {
    let repo = common::repo();
    let mut articles: Vec<(String, PathBuf)> = Vec::new();
    let mut seed: Vec<_> = std::fs::read_dir(repo.join("corpus")).unwrap().map(|e| e.unwrap().path()).collect();
    seed.sort();
    articles.extend(seed.into_iter().map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p)));
    let bbc = common::cached("data/bbc");
    for category in ["business", "entertainment", "politics", "sports", "tech"] {
        let mut files: Vec<_> =
            std::fs::read_dir(bbc.join(category)).expect("scripts/setup.sh bbc").map(|e| e.unwrap().path()).collect();
        files.sort();
        for p in files.into_iter().take(10) {
            articles.push((format!("bbc/{category}/{}", p.file_name().unwrap().to_string_lossy()), p));
        }
    }
    let mut out = String::new();
    for (id, p) in &articles {
        let text = nertab::corpus::decode(std::fs::read(p).unwrap(), id);
        out += &(serde_json::json!({ "id": id, "text": text }).to_string() + "\n");
    }
    std::fs::write(path, out).unwrap();
    articles.len()
}

/// A JSONL row as the CSV cells nertab writes for it (formula defusing aside, checked through the merged CSV).
fn cells(line: &str) -> Vec<String> {
    let o: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    nertab::output::COLUMNS
        .iter()
        .map(|c| match &o[*c] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) if ["doc_id", "text", "context_entities", "sentence_text"].contains(c) => {
                nertab::output::csv::defuse(s).into_owned()
            }
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) if *c == "score" => format!("{:.4}", n.as_f64().unwrap()),
            serde_json::Value::Number(n) => n.to_string(),
            other => panic!("{c}: {other}"),
        })
        .collect()
}

fn count<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn spark_job_matches_a_single_process_run() {
    if !common::has_program("java", "openjdk-17-jre-headless", "the Spark job")
        || !common::has_program("patchelf", "patchelf", "the Spark job (its bundle)")
    {
        return;
    }
    let repo = common::repo();
    let venv = common::cache_dir().join("spark-venv");
    assert!(venv.join("bin/spark-submit").is_file(), "no {}: run scripts/setup.sh spark", venv.display());
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("articles.jsonl");
    assert_eq!(write_corpus(&corpus), 52);

    // The bundle, built or reused (dist.sh rebuilds it only when the binary, the model or the script changed).
    let t = Instant::now();
    let dist = Command::new("bash")
        .arg(repo.join("scripts/dist.sh"))
        .env("NERTAB_DIST_EXE", env!("CARGO_BIN_EXE_nertab"))
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(dist.status.success(), "{}", String::from_utf8_lossy(&dist.stderr));
    let tarball = String::from_utf8(dist.stdout).unwrap().lines().last().unwrap().to_string();
    eprintln!("bundle {tarball} ready in {:.1} s", t.elapsed().as_secs_f64());

    let java = std::fs::canonicalize(
        String::from_utf8(Command::new("sh").args(["-c", "command -v java"]).output().unwrap().stdout).unwrap().trim(),
    )
    .unwrap();
    let java_home = java.parent().unwrap().parent().unwrap();
    let python = venv.join("bin/python");
    let parts = dir.path().join("parts");
    let merged = dir.path().join("merged.csv");
    let t = Instant::now();
    let job = Command::new(venv.join("bin/spark-submit"))
        .env("JAVA_HOME", java_home)
        .env("PYSPARK_PYTHON", &python)
        .env("PYSPARK_DRIVER_PYTHON", &python)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .env("SPARK_LOCAL_DIRS", dir.path())
        .env_remove("SPARK_HOME")
        .args(["--master", "local[2]", "--conf", "spark.ui.enabled=false"])
        .args(["--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"])
        .arg(repo.join("scripts/spark/extract.py"))
        .args(["--bundle", &tarball, "--partitions", "2"])
        .arg(&corpus)
        .arg(&parts)
        .arg("--csv")
        .arg(&merged)
        .output()
        .unwrap();
    let spark_wall = t.elapsed().as_secs_f64();
    assert!(job.status.success(), "{}", String::from_utf8_lossy(&job.stderr));
    eprintln!("spark-submit local[2]: {spark_wall:.1} s");

    let reference = dir.path().join("single.csv");
    let single = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .arg("extract")
        .arg(&corpus)
        .arg("-o")
        .arg(&reference)
        .output()
        .unwrap();
    assert!(single.status.success(), "{}", String::from_utf8_lossy(&single.stderr));

    let mut part_files: Vec<PathBuf> = std::fs::read_dir(&parts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("part-"))
        .collect();
    part_files.sort();
    assert_eq!(part_files.len(), 2, "one part file per partition");
    let part_rows: Vec<Vec<String>> = part_files
        .iter()
        .flat_map(|p| std::fs::read_to_string(p).unwrap().lines().map(cells).collect::<Vec<_>>())
        .collect();
    let mut r = csv::Reader::from_path(&reference).unwrap();
    let single_rows: Vec<Vec<String>> =
        r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    assert!(single_rows.len() > 1000, "{} rows", single_rows.len());
    assert_eq!(count(part_rows.iter().cloned()), count(single_rows.iter().cloned()));
    assert_same_rows(&part_rows, &single_rows, "the part files, partitions in order, hold the single run's rows");
    let mut m = csv::Reader::from_path(&merged).unwrap();
    let merged_rows: Vec<Vec<String>> =
        m.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    assert_same_rows(&merged_rows, &single_rows, "--csv is the single run's table");
}

/// The same rows in the same order, every cell equal.
fn assert_same_rows(got: &[Vec<String>], want: &[Vec<String>], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: row count");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g, w, "{what}");
    }
}
