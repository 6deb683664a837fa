//! The JSONL encoding: one JSON object per record per line, UTF-8, no header, keys in the record type's column
//! order ([`cells`]), written by `serde_json`.
//!
//! Every mention object has the CSV's thirteen fields under the CSV's column names, with exact numbers:
//! - `sentence`, `start`, `end`: JSON integers.
//! - `value`, `value_high`: JSON *strings* holding the exact decimal (`"2000000000"`, `"-3.5"`), because a JSON
//!   number goes through a binary double in most readers (JavaScript, pandas, Spark's default) and loses digits;
//!   `Decimal(s)` / `CAST(value AS DECIMAL(38,6))` read them back exactly.
//! - `score`: a JSON number with the CSV's four decimals (`0.9979`).
//! - an empty CSV cell (no value, unit, score or context entities) is `null`.
//!
//! Text fields are exact (no formula defusing: JSON is not opened by a spreadsheet) except that they are put on one
//! line ([`one_line`]) as in the CSV, so both formats hold the same values (JSON escaping alone would keep each
//! object on one line). A list (the entity table's `aliases`, `amounts`) is an array of texts.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

use super::cells::{self, four_decimals, Cell, WalkError};
use super::{one_line, OutputError, Record};

/// A cell as JSON.
struct Json<'c>(&'c Cell<'c>);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(&one_line(t)),
            Cell::List(items) => s.collect_seq(items.iter().map(|i| one_line(i))),
            Cell::Count(n) => s.serialize_u64(*n),
            Cell::Decimal(d) => s.serialize_str(d),
            Cell::Score(x) if x.is_finite() => {
                // A number with exactly the CSV's four decimals (`1.0000`), which serde_json writes as it is.
                RawValue::from_string(four_decimals(*x)).map_err(<S::Error as serde::ser::Error>::custom)?.serialize(s)
            }
            Cell::Score(_) => s.serialize_none(),
            Cell::MeanScore(x) => s.serialize_f64(*x),
        }
    }
}

/// Appends `record` as one JSON object and a newline to `line`, keys in column order (or sorted, for a record type
/// that [sorts them](Record::SORTED_JSON_KEYS)); errors name the table `path`.
pub fn record<T: Record + ?Sized>(record: &T, line: &mut Vec<u8>, path: &str) -> Result<(), WalkError> {
    let json = |source| OutputError::Json { path: path.to_string(), source };
    let mut encoder = serde_json::Serializer::new(&mut *line);
    let mut object = encoder.serialize_map(None).map_err(|e| WalkError::Sink(json(e)))?;
    if T::SORTED_JSON_KEYS {
        let mut cells = Vec::new();
        cells::each(record, &mut |column, cell| {
            cells.push((column, cell.into_owned()));
            Ok(())
        })?;
        cells.sort_by_key(|&(column, _)| column);
        for (column, cell) in &cells {
            object.serialize_entry(column, &Json(cell)).map_err(|e| WalkError::Sink(json(e)))?;
        }
    } else {
        cells::each(record, &mut |column, cell| object.serialize_entry(column, &Json(&cell)).map_err(json))?;
    }
    object.end().map_err(|e| WalkError::Sink(json(e)))?;
    line.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Options, Row, RowSink, TableFile, COLUMNS};
    use rust_decimal::Decimal;
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
        let mut w = Box::new(TableFile::create::<Row>(&path, Format::Jsonl, Options::default()).unwrap());
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
        let certain = Row { score: Some(0.99996), ..ner.clone() };
        let path = dir.path().join("certain.jsonl");
        let mut w = Box::new(TableFile::create::<Row>(&path, Format::Jsonl, Options::default()).unwrap());
        w.write(&certain).unwrap();
        w.finish().unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains(",\"score\":1.0000,"), "four decimals, as in the CSV");
        assert_eq!(lines[1]["unit"], Value::Null);
        assert_eq!(lines[1]["context_entities"], Value::Null);
        let keys: Vec<&str> = lines[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut columns = COLUMNS.to_vec();
        columns.sort_unstable();
        assert_eq!(keys, columns, "every column, by its CSV name");
        assert!(text.lines().next().unwrap().starts_with("{\"doc_id\":\"a\\\"b.txt\",\"sentence\":1,"), "column order");
    }
}
