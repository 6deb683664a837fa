//! The amounts extractor scored on hand-annotated news: `tests/data/news_amounts.jsonl` (Lee corpus, ABC news 2002;
//! conventions in `tests/data/README.md`). Evaluation only: its strings are never rules.
//!
//! A found amount is correct when its span overlaps a gold span of the same article (each gold span counted once)
//! and its value, value_high and unit match; precision = correct / found, recall = correct / gold. Two conventions
//! are scored because the annotator read a bare `$` in this Australian text as AUD (`"note": "bare $"`), while
//! nertab's documented convention is bare `$` = USD: "exact" compares the unit everywhere, "bare $ unit ignored"
//! does not compare it for the spans noted bare `$`. Both tests print P/R per kind, the misses and the false
//! positives (`cargo test --release --test amount_news -- --nocapture`) and hold the floors reached, so that a
//! regression fails.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize)]
struct Article {
    id: String,
    text: String,
    amounts: Vec<Gold>,
}

#[derive(Deserialize)]
struct Gold {
    start: usize,
    end: usize,
    text: String,
    kind: String,
    value: String,
    value_high: Option<String>,
    unit: String,
    note: Option<String>,
}

/// One amount nertab found.
struct Found {
    doc: String,
    start: usize,
    end: usize,
    text: String,
    kind: String,
    value: Decimal,
    value_high: Option<Decimal>,
    unit: String,
}

fn gold() -> Vec<Article> {
    let path = common::repo().join("tests/data/news_amounts.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap().normalize()
}

/// Precision and recall, overall and per kind, for one unit convention.
struct Score {
    /// kind → (correct, found, gold); kind "all" for the total.
    counts: BTreeMap<String, (usize, usize, usize)>,
    misses: Vec<String>,
    false_positives: Vec<String>,
}

impl Score {
    fn pr(&self, kind: &str) -> (f64, f64) {
        let (c, f, g) = self.counts.get(kind).copied().unwrap_or_default();
        (c as f64 / f.max(1) as f64, c as f64 / g.max(1) as f64)
    }

    fn print(&self, title: &str) {
        println!("{title}");
        for (kind, (c, f, g)) in &self.counts {
            let (p, r) = self.pr(kind);
            println!("  {kind:8} P {p:.3} ({c}/{f})  R {r:.3} ({c}/{g})");
        }
        println!("  misses ({}):", self.misses.len());
        for m in &self.misses {
            println!("    {m}");
        }
        println!("  false positives ({}):", self.false_positives.len());
        for m in &self.false_positives {
            println!("    {m}");
        }
    }
}

fn score(articles: &[Article], found: &[Found], ignore_bare_unit: bool) -> Score {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (mut misses, mut false_positives) = (Vec::new(), Vec::new());
    for a in articles {
        let mut used = vec![false; a.amounts.len()];
        for f in found.iter().filter(|f| f.doc == a.id) {
            let hit = a.amounts.iter().enumerate().position(|(k, g)| {
                !used[k]
                    && f.start < g.end
                    && g.start < f.end
                    && f.kind == g.kind
                    && f.value == dec(&g.value)
                    && f.value_high == g.value_high.as_deref().map(dec)
                    && (f.unit == g.unit || (ignore_bare_unit && g.note.as_deref() == Some("bare $")))
            });
            for kind in [f.kind.as_str(), "all"] {
                let e = counts.entry(kind.to_string()).or_default();
                e.1 += 1;
                e.0 += usize::from(hit.is_some());
            }
            match hit {
                Some(k) => used[k] = true,
                None => false_positives
                    .push(format!("{} {:?} {} {} {:?} {}", a.id, f.text, f.kind, f.value, f.value_high, f.unit)),
            }
        }
        for (g, used) in a.amounts.iter().zip(used) {
            for kind in [g.kind.as_str(), "all"] {
                counts.entry(kind.to_string()).or_default().2 += 1;
            }
            if !used {
                misses.push(format!("{} {:?} {} {} {:?} {}", a.id, g.text, g.kind, g.value, g.value_high, g.unit));
            }
        }
    }
    Score { counts, misses, false_positives }
}

/// Prints both conventions and checks the floors: (precision, recall) exact, then with the bare-$ unit ignored.
fn report_and_check(name: &str, articles: &[Article], found: &[Found], exact: (f64, f64), bare_ignored: (f64, f64)) {
    let gold: usize = articles.iter().map(|a| a.amounts.len()).sum();
    println!("{name}: {} articles, {gold} gold amounts, {} found", articles.len(), found.len());
    let strict = score(articles, found, false);
    strict.print("value + unit exact:");
    let lenient = score(articles, found, true);
    lenient.print("value exact, unit ignored for the spans noted bare $:");
    let (p, r) = strict.pr("all");
    assert!(p >= exact.0 && r >= exact.1, "{name} exact: P {p:.3} R {r:.3}, floor {exact:?}");
    let (p, r) = lenient.pr("all");
    assert!(
        p >= bare_ignored.0 && r >= bare_ignored.1,
        "{name} bare $ ignored: P {p:.3} R {r:.3}, floor {bare_ignored:?}"
    );
}

/// The grammar alone (`--extractors amounts`), no model.
#[test]
fn grammar_on_hand_annotated_news() {
    let articles = gold();
    assert_eq!(articles.len(), 119);
    let mut found = Vec::new();
    for a in &articles {
        let doc = nertab::tokenize::tokenize(&a.text);
        let chars: Vec<char> = a.text.chars().collect();
        for m in nertab::amounts::extract(&a.text, &doc) {
            found.push(Found {
                doc: a.id.clone(),
                start: m.start,
                end: m.end,
                text: chars[m.start..m.end].iter().collect(),
                kind: m.kind.as_str().to_string(),
                value: m.value.normalize(),
                value_high: m.value_high.map(|v| v.normalize()),
                unit: m.unit.to_string(),
            });
        }
    }
    // Measured: exact P 0.645 R 0.645 (80/124; the 44 others are bare `$` read as USD), bare $ unit ignored P 1.000
    // R 1.000 (124/124). Before the rules of this test's commit: 0.589 / 0.532 and 0.955 / 0.863.
    report_and_check("grammar", &articles, &found, (0.645, 0.645), (0.995, 0.995));
}

/// The whole binary with the shipped model: amounts after the step that drops those inside names.
#[test]
fn shipped_model_and_amounts_on_hand_annotated_news() {
    let articles = gold();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("news.csv");
    let input = common::repo().join("tests/data/news_amounts.jsonl");
    let o = Command::new(common::nertab_bin())
        .args(["extract", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--threads", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let mut found = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[10] != "amounts" {
            continue;
        }
        found.push(Found {
            doc: row[0].to_string(),
            start: row[2].parse().unwrap(),
            end: row[3].parse().unwrap(),
            text: row[4].to_string(),
            kind: row[5].to_string(),
            value: dec(&row[6]),
            value_high: (!row[7].is_empty()).then(|| dec(&row[7])),
            unit: row[8].to_string(),
        });
    }
    // Measured: the same as the grammar alone (no amount of this set lies inside a name).
    report_and_check("shipped model + amounts", &articles, &found, (0.645, 0.645), (0.995, 0.995));
}

/// The step after both extractors, end to end with the shipped model: the model tags "Cent" in "US rapper 50 Cent"
/// as a name (PER, ORG or MISC: which one depends on the model; the 4-layer model says MISC), so "50 Cent" (half a
/// dollar to the grammar) is no amount; the grammar alone still reads it. The model runs in fp32, the exact model:
/// its "Cent" is a close call (0.29 MISC), which fbgemm's 8-bit int8, the default on a VNNI CPU, tips the other way;
/// this test is about the step after the model, so it must not depend on the CPU's default precision.
#[test]
fn shipped_model_drops_amounts_inside_names() {
    let input = r#"{"id":"a","text":"US rapper 50 Cent has topped the album chart. Sales rose 3% to $2 million."}"#;
    let run = |extractors: &str| -> Vec<(String, String)> {
        let args = ["extract", "-", "-o", "-", "--precision", "fp32", "--extractors", extractors];
        let o = common::with_stdin(&args, input.as_bytes());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut reader = csv::Reader::from_reader(&o.stdout[..]);
        reader.records().map(|r| r.unwrap()).map(|r| (r[4].to_string(), r[5].to_string())).collect()
    };
    let grammar = run("amounts");
    assert!(grammar.contains(&("50 Cent".into(), "MONEY".into())), "{grammar:?}");
    let both = run("ner,amounts");
    let name = |ty: &str| ["PER", "ORG", "MISC"].contains(&ty);
    assert!(both.iter().any(|(text, ty)| text.contains("Cent") && name(ty)), "the model found no name: {both:?}");
    assert!(!both.iter().any(|(text, ty)| text == "50 Cent" && ty == "MONEY"), "{both:?}");
    for kept in [("3%", "PERCENT"), ("$2 million", "MONEY")] {
        assert!(both.contains(&(kept.0.into(), kept.1.into())), "{kept:?} missing: {both:?}");
    }
}

/// Issue #28 items 5 and 6, through the binary: URL-encoded text gives no PERCENT row, a large amount written in
/// digits gives its row with the exact value, and one too large for an exact decimal gives a warning that says why.
#[test]
fn urls_give_no_percentages_and_large_amounts_are_exact_or_explained() {
    let input = concat!(
        r#"{"id":"a","text":"See https://example.com/a%20b?q=30%25 now. It cost $100000000000000000000. "#,
        r#"Some say $100000000000000000000 trillion."}"#
    );
    let o = common::with_stdin(&["extract", "-", "-o", "-", "--extractors", "amounts"], input.as_bytes());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let mut reader = csv::Reader::from_reader(&o.stdout[..]);
    let rows: Vec<(String, String, String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[4].to_string(), r[5].to_string(), r[6].to_string(), r[8].to_string()))
        .collect();
    assert_eq!(
        rows,
        vec![(
            "$100000000000000000000".to_string(),
            "MONEY".to_string(),
            "100000000000000000000".to_string(),
            "USD".to_string()
        )]
    );
    assert!(
        stderr.contains("$100000000000000000000 trillion") && stderr.contains("too large for an exact decimal"),
        "{stderr}"
    );
}
