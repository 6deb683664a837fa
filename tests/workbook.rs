//! The `.xlsx` workbook read back by two other implementations: openpyxl (cell types, no formulas, frozen bold
//! header, autofilter) and LibreOffice Calc (which opens it and saves it again, read with openpyxl). The cells must
//! agree with the CSV of the same run. `scripts/setup.sh spreadsheet` (part of `make test`) installs both.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Every sheet of a workbook as openpyxl reads it: name, frozen cell, autofilter range, whether the header is
/// bold, and each cell as `[value, data_type]`.
const DUMP: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = []
for ws in wb.worksheets:
    out.append({
        "name": ws.title,
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "bold": all(c.font.b for c in ws[1]),
        "rows": [[[c.value, c.data_type] for c in row] for row in ws.iter_rows()],
    })
print(json.dumps(out))
"#;

fn dump(xlsx: &Path) -> Vec<Value> {
    let python = common::cache_dir().join("venv/bin/python");
    let o = Command::new(&python).arg("-c").arg(DUMP).arg(xlsx).output().expect("the openpyxl venv: setup.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn sheet<'a>(sheets: &'a [Value], name: &str) -> &'a Value {
    sheets.iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

/// Cell `(value, type)` pairs of a sheet's rows under the header.
fn rows(sheet: &Value) -> Vec<Vec<(Value, String)>> {
    sheet["rows"].as_array().unwrap()[1..]
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|c| (c[0].clone(), c[1].as_str().unwrap().to_string())).collect())
        .collect()
}

fn header(sheet: &Value) -> Vec<String> {
    sheet["rows"][0].as_array().unwrap().iter().map(|c| c[0].as_str().unwrap().to_string()).collect()
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn openpyxl_and_libreoffice_read_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    // The seed articles, plus text that a spreadsheet would take for formulas or numbers.
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for entry in std::fs::read_dir(common::repo().join("corpus")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), inputs.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        inputs.join("tricky.jsonl"),
        concat!(
            r#"{"id": "=HYPERLINK(\"http://x\")", "text": "=SUM(A1) Profit rose 12% to $1.5bn at Acme Corp in Paris."}"#,
            "\n",
            r#"{"id": "+plain", "text": "@cmd Loss of -$5m; between 50 and 60% of São Paulo."}"#,
            "\n"
        ),
    )
    .unwrap();
    let (xlsx, csv) = (dir.path().join("k.xlsx"), dir.path().join("k.csv"));
    for out in [&xlsx, &csv] {
        let o = Command::new(common::nertab_bin())
            .args(["extract", inputs.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let csv_rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();

    let sheets = dump(&xlsx);
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["mentions", "entities"]);
    for s in &sheets {
        assert_eq!(s["freeze"], "A2", "{}: frozen header", s["name"]);
        assert_eq!(s["bold"], true, "{}: bold header", s["name"]);
    }
    let mentions = sheet(&sheets, "mentions");
    assert_eq!(header(mentions), nertab::output::COLUMNS.to_vec());
    let m = rows(mentions);
    assert_eq!(m.len(), csv_rows.len());
    assert_eq!(mentions["filter"], format!("A1:M{}", m.len() + 1));
    let numbers = ["sentence", "start", "end", "value", "value_high", "score"];
    for (row, csv_row) in m.iter().zip(&csv_rows) {
        for ((name, (value, ty)), csv_cell) in nertab::output::COLUMNS.iter().zip(row).zip(csv_row) {
            assert_ne!(ty, "f", "a formula: {row:?}");
            if value.is_null() {
                assert_eq!(csv_cell, "", "{name}: {row:?}");
            } else if numbers.contains(name) {
                assert_eq!(ty, "n", "{name} should be a number: {row:?}");
                let expected: f64 = csv_cell.parse().unwrap();
                assert_eq!(value.as_f64().unwrap(), expected, "{name}: {row:?}");
            } else {
                assert_eq!(ty, "s", "{name} should be text: {row:?}");
                // The CSV defuses formulas with a quote; the workbook needs not, its cells are text.
                assert_eq!(nertab::output::csv::defuse(value.as_str().unwrap()), csv_cell, "{name}: {row:?}");
            }
        }
    }
    let col = |name: &str| nertab::output::COLUMNS.iter().position(|c| *c == name).unwrap();
    let percent = m.iter().find(|r| r[col("text")].0 == "300%").expect("300% in the seed articles");
    assert_eq!((percent[col("text")].1.as_str(), percent[col("value")].0.as_f64()), ("s", Some(300.0)));
    let formula = m.iter().find(|r| r[col("doc_id")].0 == "=HYPERLINK(\"http://x\")").unwrap();
    assert_eq!(formula[col("doc_id")].1, "s");

    let entities = sheet(&sheets, "entities");
    assert_eq!(header(entities), nertab::output::entities::ENTITY_COLUMNS.to_vec());
    let e = rows(entities);
    assert_eq!(entities["filter"], format!("A1:I{}", e.len() + 1));
    let find = |ty: &str, name: &str| e.iter().find(|r| r[0].0 == ty && r[1].0 == name).unwrap();
    let nk = find("LOC", "North Korea");
    assert_eq!((nk[4].0.as_f64(), nk[4].1.as_str()), (Some(2.0), "n"), "documents: {nk:?}");
    assert_eq!(find("ORG", "United Nations")[2].0, "UN");
    for r in &e {
        for (i, (value, ty)) in r.iter().enumerate() {
            // openpyxl gives an empty cell type `n`.
            let expected = if value.is_null() || [3, 4, 6, 8].contains(&i) { "n" } else { "s" };
            assert_eq!(ty, expected, "column {i}: {r:?}");
        }
    }

    // LibreOffice opens the workbook and saves its own: the same sheets, values and types. (Its headless save writes
    // no frozen panes for any sheet, ours or its own, so those are checked on our file above.)
    if !common::has_program("soffice", "libreoffice-calc-nogui", "LibreOffice reading the workbook") {
        return;
    }
    let lo = dir.path().join("lo");
    let convert = Command::new("soffice")
        .args(["--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir"])
        .arg(&lo)
        .arg(&xlsx)
        .env("HOME", dir.path())
        .output()
        .expect("soffice (LibreOffice) on PATH: run `bash scripts/setup.sh spreadsheet`");
    assert!(convert.status.success(), "{}", String::from_utf8_lossy(&convert.stderr));
    let again = dump(&lo.join("k.xlsx"));
    assert_eq!(again.len(), 2);
    for (ours, theirs) in sheets.iter().zip(&again) {
        assert_eq!(ours["name"], theirs["name"]);
        assert_eq!(rows(ours), rows(theirs), "{}: LibreOffice reads other cells", ours["name"]);
    }
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn entity_workbook_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("entities.xlsx");
    let corpus = common::repo().join("corpus");
    let o = Command::new(common::nertab_bin())
        .args(["extract", corpus.to_str().unwrap(), "-o", "/dev/null", "--entities", xlsx.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sheets = dump(&xlsx);
    assert_eq!(sheets.len(), 1);
    assert_eq!(sheets[0]["name"], "entities");
    let e = rows(&sheets[0]);
    let un = e.iter().find(|r| r[1].0 == "United Nations").unwrap();
    assert_eq!(un[4].0, 2.0);
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn a_cell_past_excels_limit_is_cut_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("long.txt");
    // One sentence of 40,008 characters: more than the 32,767 a cell holds.
    std::fs::write(&article, format!("Profit of $5m {}", "x".repeat(39_994))).unwrap();
    let xlsx = dir.path().join("k.xlsx");
    let o = Command::new(common::nertab_bin())
        .args(["extract", article.to_str().unwrap(), "--extractors", "amounts", "-o", xlsx.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("long.txt, sheet 'mentions' row 2: `sentence_text` has 40008 characters"), "{stderr}");
    let sheets = dump(&xlsx);
    let m = rows(sheet(&sheets, "mentions"));
    assert_eq!(m.len(), 1);
    let col = nertab::output::COLUMNS.iter().position(|c| *c == "sentence_text").unwrap();
    let cell = m[0][col].0.as_str().unwrap();
    assert!(cell.starts_with("Profit of $5m xxx"));
    assert!(cell.ends_with("xxx… [cut: 40008 characters]"), "{}", &cell[cell.len() - 40..]);
    assert_eq!(cell.encode_utf16().count(), 32_767);
    assert_eq!(m[0][nertab::output::COLUMNS.iter().position(|c| *c == "value").unwrap()].0.as_f64(), Some(5e6));
}

/// The warning about a cut cell names its document by a shortened id on one line, not by a 40,000-character id
/// (issue 28). Needs no spreadsheet program: it reads stderr only.
#[test]
fn a_cut_cell_warning_shortens_a_huge_doc_id() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("huge.jsonl");
    let id = format!("first line\n{}", "x".repeat(40_000));
    let line = serde_json::json!({"id": id, "text": format!("Profit of $5m {}", "y".repeat(40_000))});
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let xlsx = dir.path().join("k.xlsx");
    let o = Command::new(common::nertab_bin())
        .args(["extract", input.to_str().unwrap(), "--extractors", "amounts", "-o", xlsx.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "doc_id and sentence_text cut: {}", &stderr[..stderr.len().min(2000)]);
    for w in &warnings {
        assert!(w.len() < 400, "{} characters: {}…", w.len(), &w[..200]);
        assert!(w.contains(&format!("doc first line {}…, sheet 'mentions' row 2", "x".repeat(69))), "{w}");
    }
}
