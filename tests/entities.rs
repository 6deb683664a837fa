//! `extract --entities FILE` end to end with the shipped model on the seed articles: one row per entity, the
//! seed story's entities counted in both of its documents, and the mention table unchanged.

mod common;

use std::process::{Command, Output};

/// `nertab` at the default precision: this file tests the entity table's merge rules on real model output. (The
/// short-form rule itself is unit-tested in `output::entities`: the shipped model tags the seed story's second
/// `Insikt` PER, so here it checks that types never merge instead.)
fn nertab(args: &[&str]) -> Output {
    Command::new(common::nertab_bin()).args(args).output().unwrap()
}

#[test]
fn entity_table_of_the_seed_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = common::repo().join("corpus");
    let (plain, with, entities) =
        (dir.path().join("plain.csv"), dir.path().join("with.csv"), dir.path().join("entities.csv"));
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let o = nertab(&["extract", &path(&corpus), "-o", &path(&plain)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = nertab(&["extract", &path(&corpus), "-o", &path(&with), "--entities", &path(&entities)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&plain).unwrap(), std::fs::read(&with).unwrap(), "the mention table is unchanged");

    let mut r = csv::Reader::from_path(&entities).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, nertab::output::entities::ENTITY_COLUMNS.to_vec());
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
    let find = |ty: &str, name: &str| {
        rows.iter().find(|r| &r[0] == ty && &r[1] == name).unwrap_or_else(|| panic!("no {ty} {name}: {rows:#?}"))
    };
    let nk = find("LOC", "North Korea");
    assert_eq!(&nk[4], "2", "North Korea in both documents: {nk:?}");
    assert!(nk[7].contains("2000000000 USD"), "{nk:?}");
    let un = find("ORG", "United Nations");
    assert_eq!(&un[4], "2", "UN (first article) = United Nations (second): {un:?}");
    assert_eq!(&un[2], "UN");
    assert_eq!(&un[3], "3");
    // Types never merge: "Insikt" tagged PER stays apart from the ORG "Insikt Group", and MISC "North Korean" from
    // LOC "North Korea".
    let insikt = find("ORG", "Insikt Group");
    assert_eq!((&insikt[2], &insikt[3], &insikt[4]), ("", "1", "1"));
    assert_eq!(&find("PER", "Insikt")[3], "1");
    assert_eq!(&find("MISC", "North Korean")[4], "2");
    // One row per (type, name).
    let mut keys: Vec<(String, String)> = rows.iter().map(|r| (r[0].to_string(), r[1].to_lowercase())).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
    // The most frequent entity first.
    assert_eq!((&rows[0][0], &rows[0][1]), ("LOC", "North Korea"));

    // JSONL by extension, the same table.
    let jsonl = dir.path().join("entities.jsonl");
    let o = nertab(&["extract", &path(&corpus), "-o", "/dev/null", "--entities", &path(&jsonl)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), rows.len());
    let un = lines.iter().find(|l| l["name"] == "United Nations").unwrap();
    assert_eq!(un["documents"], 2);
    assert_eq!(un["aliases"], serde_json::json!(["UN"]));
}

#[test]
fn entities_and_table_on_one_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("k.csv");
    let corpus = common::repo().join("corpus");
    let o = nertab(&[
        "extract",
        corpus.to_str().unwrap(),
        "--extractors",
        "amounts",
        "-o",
        out.to_str().unwrap(),
        "--entities",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--entities"));
    assert!(!out.exists());
}
