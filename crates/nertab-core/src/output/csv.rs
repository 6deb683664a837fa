//! The CSV encoding: one RFC 4180 record per row, UTF-8, columns in the record type's order ([`cells`]).
//!
//! Numbers are written as plain decimals (counts and offsets as integers, values with `Decimal`'s exact digits,
//! scores with four decimals) and missing values as empty cells, so a spreadsheet imports numbers as numbers. Text
//! cells that a spreadsheet would evaluate as a formula are prefixed with `'` (OWASP CSV injection). Text cells are
//! written on one line ([`one_line`]), so a record never spans lines; a list is one cell, `|`-joined. The byte-order
//! mark and the header row are options of the [`TableFile`](super::TableFile) that writes the encoded records.

use std::borrow::Cow;

use serde::Serialize;

use super::atomic::ErrorTarget;
use super::cells::{self, four_decimals, Cell, WalkError};
use super::{one_line, OutputError};

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

/// A CSV writer error as an [`OutputError`]: I/O against the output's path (a closed reader as such), the rest kept.
pub(crate) fn error(errors: &ErrorTarget, e: csv::Error) -> OutputError {
    match e.kind() {
        csv::ErrorKind::Io(io) if errors.closed_by(io) => OutputError::Closed { path: errors.name().to_string() },
        _ => OutputError::Csv { path: errors.name().to_string(), source: e },
    }
}

/// Encodes records as CSV lines.
pub struct Encoder {
    builder: csv::WriterBuilder,
    /// A count's digits.
    digits: String,
}

impl Default for Encoder {
    fn default() -> Encoder {
        Encoder::new()
    }
}

impl Encoder {
    /// An encoder of RFC 4180 records (fields quoted where needed, `\n` after each).
    pub fn new() -> Encoder {
        let mut builder = csv::WriterBuilder::new();
        builder.has_headers(false).buffer_capacity(1024);
        Encoder { builder, digits: String::new() }
    }

    /// Appends the header row to `line`.
    pub fn header(&self, columns: &[&str], line: &mut Vec<u8>) -> Result<(), csv::Error> {
        let mut csv = self.builder.from_writer(line);
        csv.write_record(columns)?;
        csv.flush()?;
        Ok(())
    }

    /// Appends `record` as one CSV line to `line`; errors name the table `path`.
    pub fn record<T: Serialize + ?Sized>(
        &mut self,
        record: &T,
        line: &mut Vec<u8>,
        path: &str,
    ) -> Result<(), WalkError> {
        let wrong = |e: csv::Error| OutputError::Csv { path: path.to_string(), source: e };
        let mut csv = self.builder.from_writer(line);
        let digits = &mut self.digits;
        cells::each(record, &mut |_, cell| {
            let written = match cell {
                Cell::Empty => csv.write_field(b""),
                Cell::Text(t) => csv.write_field(text_cell(&t).as_bytes()),
                Cell::List(items) => csv.write_field(text_cell(&items.join("|")).as_bytes()),
                Cell::Count(n) => {
                    digits.clear();
                    std::fmt::Write::write_fmt(digits, format_args!("{n}")).ok();
                    csv.write_field(digits.as_bytes())
                }
                Cell::Decimal(d) => csv.write_field(d.as_bytes()),
                Cell::Score(s) | Cell::MeanScore(s) => csv.write_field(four_decimals(s).as_bytes()),
            };
            written.map_err(wrong)
        })?;
        csv.write_record(None::<&[u8]>).map_err(|e| WalkError::Sink(wrong(e)))?;
        csv.flush().map_err(|e| WalkError::Sink(wrong(e.into())))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Row, RowSink, TableFile, COLUMNS};
    use super::*;
    use std::path::Path;

    fn create(path: &Path, bom: bool, header: bool) -> TableFile {
        TableFile::create::<Row>(path, Format::Csv, Options { bom, header }).unwrap()
    }

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
        let mut w = Box::new(create(&path, false, true));
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
        let mut w = Box::new(create(&path, false, true));
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
        let mut w = create(&path, false, true);
        w.write(&row("x")).unwrap();
        drop(w);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn bom_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        Box::new(create(&path, true, true)).finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"\xEF\xBB\xBFdoc_id,sentence"));
        Box::new(create(&path, false, true)).finish().unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"doc_id,sentence"));
    }

    #[test]
    fn no_header_and_one_line_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.csv");
        let mut w = Box::new(create(&path, false, false));
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
