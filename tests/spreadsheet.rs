//! The table opened by a real spreadsheet engine: LibreOffice Calc converts nertab's CSV to .xlsx (as a user
//! importing a comma-separated UTF-8 file would), and openpyxl reads the cells back with their types.
//! `scripts/setup.sh spreadsheet` (part of `make test`) installs both.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn venv_python() -> PathBuf {
    common::cached("venv/bin/python")
}

#[test]
#[ignore = "needs scripts/setup.sh"]
fn libreoffice_reads_numbers_as_numbers_text_as_text_and_no_formulas() {
    if !common::has_program("soffice", "libreoffice-calc-nogui", "LibreOffice reading the CSV") {
        return;
    }
    let python = venv_python();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("knowledge.csv");
    let articles = concat!(
        r#"{"id": "=HYPERLINK(\"http://x\")", "text": "=SUM(A1) Profit rose 12% to $1.5bn, \"a record\"."}"#,
        "\n",
        r#"{"id": "+plain", "text": "@cmd Loss of -$5m; between 50 and 60% of São Paulo."}"#,
        "\n"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_nertab"))
        .args(["extract", "-", "--extractors", "amounts", "--bom", "-o", csv.to_str().unwrap()])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(articles.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());

    let convert = Command::new("soffice")
        .args(["--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir"])
        .arg(dir.path())
        .arg(&csv)
        .env("HOME", dir.path())
        .output()
        .expect("soffice (LibreOffice) on PATH: run `bash scripts/setup.sh spreadsheet`");
    assert!(convert.status.success(), "{}", String::from_utf8_lossy(&convert.stderr));
    let xlsx = dir.path().join("knowledge.xlsx");
    let read = Command::new(python)
        .arg("-c")
        .arg(
            "import json, sys, openpyxl\n\
             ws = openpyxl.load_workbook(sys.argv[1]).active\n\
             print(json.dumps([[[c.value, c.data_type] for c in row] for row in ws.iter_rows()]))",
        )
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let sheet: Vec<Vec<(serde_json::Value, String)>> = serde_json::from_slice(&read.stdout).unwrap();
    let header: Vec<&str> = sheet[0].iter().map(|(v, _)| v.as_str().unwrap()).collect();
    assert_eq!(header, nertab::output::COLUMNS.to_vec());
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows = &sheet[1..];
    assert_eq!(rows.len(), 4, "{rows:?}");
    for row in rows {
        assert!(row.iter().all(|(_, t)| t != "f"), "a formula cell: {row:?}");
        for name in ["sentence", "start", "end", "value"] {
            assert_eq!(row[col(name)].1, "n", "{name} should be a number: {row:?}");
        }
        for name in ["doc_id", "type", "unit", "source", "sentence_text"] {
            assert_eq!(row[col(name)].1, "s", "{name} should be text: {row:?}");
        }
    }
    let cell = |r: usize, name: &str| rows[r][col(name)].0.clone();
    assert_eq!(cell(0, "doc_id"), "'=HYPERLINK(\"http://x\")");
    assert!(cell(0, "sentence_text").as_str().unwrap().starts_with("'=SUM(A1)"));
    assert_eq!(cell(1, "text"), "$1.5bn");
    assert_eq!(cell(1, "value"), 1_500_000_000);
    assert_eq!(cell(2, "text"), "'-$5m");
    assert_eq!(cell(2, "value"), -5_000_000);
    assert_eq!(cell(3, "value"), 50);
    assert_eq!(cell(3, "value_high"), 60);
    assert!(cell(3, "sentence_text").as_str().unwrap().contains("São Paulo"));
}
