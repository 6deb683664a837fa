//! The knowledge table: one RFC 4180 CSV row per mention, in a fixed column order.
//!
//! A file is written to a temporary file beside the target and renamed into place by [`TableWriter::finish`], so a
//! failed or interrupted run never leaves a half-written table where a good one was. Text cells that a spreadsheet
//! would read as a formula are prefixed with `'` (OWASP CSV injection); numbers are written as plain decimals.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

/// The table's columns, in order.
pub const COLUMNS: [&str; 13] = [
    "doc_id",
    "sentence",
    "start",
    "end",
    "text",
    "type",
    "value",
    "value_high",
    "unit",
    "score",
    "source",
    "context_entities",
    "sentence_text",
];

/// One mention. Field order is the column order; optional cells are written empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub doc_id: String,
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub value_high: String,
    pub unit: String,
    pub score: String,
    pub source: String,
    pub context_entities: String,
    pub sentence_text: String,
}

#[derive(Debug, Error)]
pub enum TableError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: {source}")]
    Csv { path: String, source: csv::Error },
}

/// Where the table goes.
enum Sink {
    Stdout,
    File { tmp: tempfile::NamedTempFile, target: PathBuf },
}

/// Streams rows to a CSV file (atomically replaced at the end) or to stdout.
pub struct TableWriter {
    csv: csv::Writer<Box<dyn Write>>,
    sink: Sink,
    name: String,
    rows: u64,
}

/// Prefixes a cell that a spreadsheet would evaluate as a formula.
pub fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

impl TableWriter {
    /// Opens `path` for writing (`-` is stdout). The parent directory is created if missing; nothing replaces an
    /// existing file until [`finish`](Self::finish). With `bom`, the file starts with a UTF-8 byte-order mark, which
    /// makes Excel read it as UTF-8.
    pub fn create(path: &Path, bom: bool) -> Result<TableWriter, TableError> {
        let name = path.display().to_string();
        let io_err = |source| TableError::Io { path: name.clone(), source };
        let (writer, sink): (Box<dyn Write>, Sink) = if path.as_os_str() == "-" {
            (Box::new(io::stdout()), Sink::Stdout)
        } else {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir).map_err(io_err)?;
            let tmp =
                tempfile::Builder::new().prefix(".nertab-").suffix(".csv.tmp").tempfile_in(&dir).map_err(io_err)?;
            let file = tmp.reopen().map_err(io_err)?;
            (Box::new(io::BufWriter::with_capacity(1 << 16, file)), Sink::File { tmp, target: path.to_path_buf() })
        };
        let mut writer = writer;
        if bom {
            writer.write_all("\u{feff}".as_bytes()).map_err(io_err)?;
        }
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(writer);
        csv.write_record(COLUMNS).map_err(|source| TableError::Csv { path: name.clone(), source })?;
        Ok(TableWriter { csv, sink, name, rows: 0 })
    }

    /// Appends one row, defusing its text cells.
    pub fn write(&mut self, row: &Row) -> Result<(), TableError> {
        let safe = Row {
            doc_id: defuse(&row.doc_id),
            text: defuse(&row.text),
            context_entities: defuse(&row.context_entities),
            sentence_text: defuse(&row.sentence_text),
            ..row.clone()
        };
        self.csv.serialize(&safe).map_err(|source| TableError::Csv { path: self.name.clone(), source })?;
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes and, for a file, renames the finished table into place.
    pub fn finish(mut self) -> Result<u64, TableError> {
        let io_err = |name: &str, source| TableError::Io { path: name.to_string(), source };
        self.csv.flush().map_err(|e| io_err(&self.name, e))?;
        drop(self.csv);
        if let Sink::File { tmp, target } = self.sink {
            tmp.as_file().sync_all().map_err(|e| io_err(&self.name, e))?;
            tmp.persist(&target).map_err(|e| io_err(&self.name, e.error))?;
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str) -> Row {
        Row {
            doc_id: "a,b.txt".into(),
            sentence: 1,
            start: 3,
            end: 13,
            text: text.into(),
            kind: "MONEY".into(),
            value: "2000000000".into(),
            value_high: String::new(),
            unit: "USD".into(),
            score: String::new(),
            source: "amounts".into(),
            context_entities: "North Korea|LOC;UN|ORG".into(),
            sentence_text: "He said \"hi\",\nthen left".into(),
        }
    }

    #[test]
    fn writes_rfc4180_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/knowledge.csv");
        let mut w = TableWriter::create(&path, false).unwrap();
        w.write(&row("$2 billion")).unwrap();
        w.write(&row("=HYPERLINK(\"x\")")).unwrap();
        assert!(!path.exists(), "the table appears only when finished");
        assert_eq!(w.finish().unwrap(), 2);
        let mut r = csv::Reader::from_path(&path).unwrap();
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS.to_vec());
        let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "a,b.txt");
        assert_eq!(&rows[0][6], "2000000000");
        assert_eq!(&rows[0][12], "He said \"hi\",\nthen left");
        assert_eq!(&rows[1][4], "'=HYPERLINK(\"x\")");
        let leftovers = std::fs::read_dir(dir.path().join("out")).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn dropped_writer_leaves_old_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("knowledge.csv");
        std::fs::write(&path, "old").unwrap();
        let mut w = TableWriter::create(&path, false).unwrap();
        w.write(&row("x")).unwrap();
        drop(w);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn bom_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        TableWriter::create(&path, true).unwrap().finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"\xEF\xBB\xBFdoc_id,sentence"));
        TableWriter::create(&path, false).unwrap().finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"doc_id,sentence"));
    }

    #[test]
    fn defuses_formulas_only() {
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("-5"), "'-5");
        assert_eq!(defuse("@x"), "'@x");
        assert_eq!(defuse("North Korea"), "North Korea");
        assert_eq!(defuse(""), "");
    }
}
