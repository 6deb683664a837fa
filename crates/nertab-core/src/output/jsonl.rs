//! The JSONL sink: one JSON object per mention per line, UTF-8, no header, keys in [`COLUMNS`] order.
//!
//! Every object has the CSV's thirteen fields under the CSV's column names, with exact numbers:
//! - `sentence`, `start`, `end`: JSON integers.
//! - `value`, `value_high`: JSON *strings* holding the exact decimal (`"2000000000"`, `"-3.5"`), because a JSON
//!   number goes through a binary double in most readers (JavaScript, pandas, Spark's default) and loses digits;
//!   `Decimal(s)` / `CAST(value AS DECIMAL(38,6))` read them back exactly.
//! - `score`: a JSON number with the CSV's four decimals (`0.9979`).
//! - an empty CSV cell (no value, unit, score or context entities) is `null`.
//!
//! Text fields are exact (no formula defusing: JSON is not opened by a spreadsheet) except that `doc_id`, `text`,
//! `context_entities` and `sentence_text` are put on one line ([`one_line`]) as in the CSV, so both formats hold the
//! same values (JSON escaping alone would keep each object on one line). The file is written through [`AtomicWriter`] like the CSV.

use std::io::{BufWriter, Write};
use std::path::Path;

use rust_decimal::Decimal;

use super::atomic::{AtomicWriter, ErrorTarget};
use super::{one_line, OutputError, Row, RowSink, COLUMNS};

/// Streams rows as JSON lines to a file (atomically replaced when finished) or to stdout.
pub struct JsonlSink {
    out: BufWriter<AtomicWriter>,
    errors: ErrorTarget,
    rows: u64,
    line: Vec<u8>,
}

impl JsonlSink {
    /// Opens `path` (`-` is stdout).
    pub fn create(path: &Path) -> Result<JsonlSink, OutputError> {
        let out = AtomicWriter::create(path, super::Format::Jsonl.temp_suffix())?;
        let errors = out.errors().clone();
        Ok(JsonlSink { out: BufWriter::with_capacity(1 << 16, out), errors, rows: 0, line: Vec::with_capacity(1024) })
    }
}

/// Appends `"key":` (keys are plain ASCII column names) and a comma before every key but the first.
fn key(line: &mut Vec<u8>, k: &str) {
    line.push(if line.is_empty() { b'{' } else { b',' });
    line.push(b'"');
    line.extend_from_slice(k.as_bytes());
    line.extend_from_slice(b"\":");
}

/// Appends a JSON string.
fn string(line: &mut Vec<u8>, s: &str) -> Result<(), serde_json::Error> {
    serde_json::to_writer(line, s)
}

/// Appends a JSON string, or `null` for an empty cell.
fn string_or_null(line: &mut Vec<u8>, s: Option<&str>) -> Result<(), serde_json::Error> {
    match s {
        Some(s) if !s.is_empty() => string(line, s),
        _ => {
            line.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// Appends an exact decimal as a JSON string, or `null`.
fn decimal(line: &mut Vec<u8>, v: Option<Decimal>) {
    match v {
        // A Decimal's digits, sign and point never need escaping.
        Some(v) => line.extend_from_slice(format!("\"{v}\"").as_bytes()),
        None => line.extend_from_slice(b"null"),
    }
}

/// Encodes one row as one JSON object, without the newline.
fn encode(line: &mut Vec<u8>, row: &Row<'_>) -> Result<(), serde_json::Error> {
    let [doc_id, sentence, start, end, text, kind, value, value_high, unit, score, source, context, sentence_text] =
        COLUMNS;
    key(line, doc_id);
    string(line, &one_line(row.doc_id))?;
    key(line, sentence);
    line.extend_from_slice(row.sentence.to_string().as_bytes());
    key(line, start);
    line.extend_from_slice(row.start.to_string().as_bytes());
    key(line, end);
    line.extend_from_slice(row.end.to_string().as_bytes());
    key(line, text);
    string(line, &one_line(row.text))?;
    key(line, kind);
    string(line, row.kind)?;
    key(line, value);
    decimal(line, row.value);
    key(line, value_high);
    decimal(line, row.value_high);
    key(line, unit);
    string_or_null(line, row.unit)?;
    key(line, score);
    match row.score {
        Some(s) if s.is_finite() => line.extend_from_slice(format!("{s:.4}").as_bytes()),
        _ => line.extend_from_slice(b"null"),
    }
    key(line, source);
    string(line, row.source)?;
    key(line, context);
    string_or_null(line, Some(&one_line(&row.context_entities)))?;
    key(line, sentence_text);
    string(line, &one_line(row.sentence_text))?;
    line.extend_from_slice(b"}\n");
    Ok(())
}

impl RowSink for JsonlSink {
    fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError> {
        self.line.clear();
        encode(&mut self.line, row)
            .map_err(|e| OutputError::Json { path: self.errors.name().to_string(), source: e })?;
        self.out.write_all(&self.line).map_err(|e| self.errors.io(e))?;
        self.rows += 1;
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        if self.errors.is_direct() {
            self.out.flush().map_err(|e| self.errors.io(e))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<u64, OutputError> {
        let JsonlSink { out, errors, rows, .. } = *self;
        let out = out.into_inner().map_err(|e| errors.io(e.into_error()))?;
        out.commit()?;
        Ok(rows)
    }

    fn unfinished(&self) -> Option<&Path> {
        self.out.get_ref().temp_path()
    }

    fn streamed_to(&self) -> Option<&str> {
        self.errors.is_direct().then(|| self.errors.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn row() -> Row<'static> {
        Row {
            doc_id: "a\"b.txt",
            sentence: 1,
            start: 3,
            end: 13,
            text: "$2\nbillion",
            kind: "MONEY",
            value: Some(Decimal::from_str_exact("12345678901234567.891").unwrap()),
            value_high: None,
            unit: Some("USD"),
            score: None,
            source: "amounts",
            context_entities: "North Korea|LOC;UN|ORG".into(),
            sentence_text: "=He paid $2\r\nbillion",
        }
    }

    #[test]
    fn one_object_per_line_with_exact_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.jsonl");
        let mut w = Box::new(JsonlSink::create(&path).unwrap());
        w.write(&row()).unwrap();
        let ner = Row {
            text: "UN",
            kind: "ORG",
            value: None,
            unit: None,
            score: Some(0.99786),
            source: "ner",
            context_entities: String::new(),
            ..row()
        };
        w.write(&ner).unwrap();
        assert!(!path.exists(), "the table appears only when finished");
        assert_eq!(w.finish().unwrap(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            json!({"doc_id": "a\"b.txt", "sentence": 1, "start": 3, "end": 13, "text": "$2 billion", "type": "MONEY",
                   "value": "12345678901234567.891", "value_high": null, "unit": "USD", "score": null,
                   "source": "amounts", "context_entities": "North Korea|LOC;UN|ORG",
                   "sentence_text": "=He paid $2 billion"})
        );
        assert_eq!(lines[1]["score"], json!(0.9979));
        assert_eq!(lines[1]["unit"], Value::Null);
        assert_eq!(lines[1]["context_entities"], Value::Null);
        let keys: Vec<&str> = lines[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut columns = COLUMNS.to_vec();
        columns.sort_unstable();
        assert_eq!(keys, columns, "every column, by its CSV name");
        assert!(text.lines().next().unwrap().starts_with("{\"doc_id\":\"a\\\"b.txt\",\"sentence\":1,"), "column order");
    }
}
