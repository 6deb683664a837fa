//! The CSV sink: one RFC 4180 row per mention, UTF-8, columns in [`COLUMNS`] order.
//!
//! Numbers are written as plain decimals (offsets as integers, values with `Decimal`'s exact digits, scores with
//! four decimals) and missing values as empty cells, so a spreadsheet imports numbers as numbers. Text cells that a
//! spreadsheet would evaluate as a formula are prefixed with `'` (OWASP CSV injection). Text cells, `doc_id` included,
//! are written on one line ([`one_line`]), so a record never spans lines. The header is optional (`--no-header`, for part files that
//! are concatenated). The file is written through
//! [`AtomicWriter`], so it replaces an earlier table only when the run succeeds.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use super::atomic::{AtomicWriter, ErrorTarget};
use super::{one_line, OutputError, Row, RowSink, COLUMNS};

/// Prefixes a cell that a spreadsheet would evaluate as a formula.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A text cell as written: on one line, then defused.
pub fn text_cell(cell: &str) -> Cow<'_, str> {
    match one_line(cell) {
        Cow::Borrowed(c) => defuse(c),
        Cow::Owned(c) => Cow::Owned(defuse(&c).into_owned()),
    }
}

/// Streams rows as CSV to a file (atomically replaced when finished) or to stdout.
pub struct CsvSink {
    csv: csv::Writer<AtomicWriter>,
    errors: ErrorTarget,
    rows: u64,
}

/// A CSV writer error as an [`OutputError`]: I/O against the output's path (a closed reader as such), the rest kept.
fn csv_error(errors: &ErrorTarget, e: csv::Error) -> OutputError {
    match e.kind() {
        csv::ErrorKind::Io(io) if errors.closed_by(io) => OutputError::Closed { path: errors.name().to_string() },
        _ => OutputError::Csv { path: errors.name().to_string(), source: e },
    }
}

impl CsvSink {
    /// Opens `path` (`-` is stdout) and writes the header. With `bom`, the file starts with a UTF-8 byte-order mark,
    /// which makes Excel read it as UTF-8.
    pub fn create(path: &Path, bom: bool) -> Result<CsvSink, OutputError> {
        CsvSink::create_with(path, bom, true)
    }

    /// Like [`create`](Self::create), with the header row only if `header`.
    pub fn create_with(path: &Path, bom: bool, header: bool) -> Result<CsvSink, OutputError> {
        let mut out = AtomicWriter::create(path, super::Format::Csv.temp_suffix())?;
        let errors = out.errors().clone();
        if bom {
            out.write_all("\u{feff}".as_bytes()).map_err(|e| errors.io(e))?;
        }
        let mut csv = csv::WriterBuilder::new().has_headers(false).buffer_capacity(1 << 16).from_writer(out);
        if header {
            csv.write_record(COLUMNS).map_err(|e| csv_error(&errors, e))?;
        }
        Ok(CsvSink { csv, errors, rows: 0 })
    }
}

impl RowSink for CsvSink {
    fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError> {
        let number = |v: Option<rust_decimal::Decimal>| v.map(|v| v.to_string()).unwrap_or_default();
        let record: [Cow<'_, str>; 13] = [
            text_cell(row.doc_id),
            row.sentence.to_string().into(),
            row.start.to_string().into(),
            row.end.to_string().into(),
            text_cell(row.text),
            row.kind.into(),
            number(row.value).into(),
            number(row.value_high).into(),
            row.unit.unwrap_or_default().into(),
            row.score.map(|s| format!("{s:.4}")).unwrap_or_default().into(),
            row.source.into(),
            text_cell(&row.context_entities),
            text_cell(row.sentence_text),
        ];
        self.csv.write_record(record.iter().map(|c| c.as_bytes())).map_err(|e| csv_error(&self.errors, e))?;
        self.rows += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        if self.errors.is_direct() {
            self.csv.flush().map_err(|e| self.errors.io(e))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<u64, OutputError> {
        let CsvSink { csv, errors, rows } = *self;
        let out = csv.into_inner().map_err(|e| errors.io(e.into_error()))?;
        out.commit()?;
        Ok(rows)
    }

    fn unfinished(&self) -> Option<&Path> {
        self.csv.get_ref().temp_path()
    }

    fn streamed_to(&self) -> Option<&str> {
        self.errors.is_direct().then(|| self.errors.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str) -> Row<'_> {
        Row {
            doc_id: "a,b.txt",
            sentence: 1,
            start: 3,
            end: 13,
            text,
            kind: "MONEY",
            value: Some(rust_decimal::Decimal::new(2_000_000_000, 0)),
            value_high: None,
            unit: Some("USD"),
            score: None,
            source: "amounts",
            context_entities: "North Korea|LOC;UN|ORG".into(),
            sentence_text: "He said \"hi\",\nthen left",
        }
    }

    #[test]
    fn writes_rfc4180_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/knowledge.csv");
        let mut w = Box::new(CsvSink::create(&path, false).unwrap());
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
        assert_eq!(&rows[0][12], "He said \"hi\", then left", "one record per line");
        assert_eq!(&rows[1][4], "'=HYPERLINK(\"x\")");
        let leftovers = std::fs::read_dir(dir.path().join("out")).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn formats_numbers_and_empty_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        let mut w = Box::new(CsvSink::create(&path, false).unwrap());
        let ner = Row {
            kind: "ORG",
            value: None,
            unit: None,
            score: Some(0.99786),
            source: "ner",
            context_entities: String::new(),
            ..row("UN")
        };
        w.write(&ner).unwrap();
        let range = Row {
            value: Some(rust_decimal::Decimal::new(55, 1)),
            value_high: Some(rust_decimal::Decimal::new(-10, 0)),
            ..row("x")
        };
        w.write(&range).unwrap();
        w.finish().unwrap();
        let rows: Vec<csv::StringRecord> =
            csv::Reader::from_path(&path).unwrap().records().map(Result::unwrap).collect();
        let cells = |r: usize| rows[r].iter().skip(5).take(7).collect::<Vec<_>>();
        assert_eq!(cells(0), ["ORG", "", "", "", "0.9979", "ner", ""]);
        assert_eq!(cells(1), ["MONEY", "5.5", "-10", "USD", "", "amounts", "North Korea|LOC;UN|ORG"]);
    }

    #[test]
    fn dropped_sink_leaves_old_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("knowledge.csv");
        std::fs::write(&path, "old").unwrap();
        let mut w = CsvSink::create(&path, false).unwrap();
        w.write(&row("x")).unwrap();
        drop(w);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn bom_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        Box::new(CsvSink::create(&path, true).unwrap()).finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"\xEF\xBB\xBFdoc_id,sentence"));
        Box::new(CsvSink::create(&path, false).unwrap()).finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"doc_id,sentence"));
    }

    #[test]
    fn no_header_and_one_line_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        let mut w = Box::new(CsvSink::create_with(&path, false, false).unwrap());
        let wrapped = Row {
            text: "New\nYork",
            context_entities: "New\r\nYork|LOC".into(),
            sentence_text: "In New\r\nYork,\rthey\u{2028}paid $5.",
            ..row("x")
        };
        w.write(&wrapped).unwrap();
        w.write(&row("$2 billion")).unwrap();
        w.finish().unwrap();
        let bytes = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = bytes.lines().collect();
        assert_eq!(lines.len(), 2, "no header, one line per row: {bytes}");
        assert!(lines[0].starts_with("\"a,b.txt\",1,3,13,New York,MONEY,"), "{}", lines[0]);
        assert!(lines[0].ends_with(",New York|LOC,\"In New York, they paid $5.\""), "{}", lines[0]);
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
