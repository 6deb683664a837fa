//! The one table file: every table (the mentions, the entity table) in every format is written by a [`TableFile`],
//! which owns the output ([`AtomicWriter`]), the format's encoder and the count of records, and does for all of
//! them what a file sink does: write a record, pass the records on to a stream after every chunk
//! ([`flush`](RowSink::flush)), and put the finished table in place ([`finish`](RowSink::finish)) or leave the old
//! one untouched.
//!
//! CSV and JSONL are encoded a record at a time into a line, which goes to the output as it is: a stream (stdout, a
//! FIFO) gets it at the next flush. A workbook is zipped into the output when finished.

use std::io::{BufWriter, Write};
use std::path::Path;

use super::atomic::{AtomicWriter, ErrorTarget};
use super::xlsx::{Limits, Workbook};
use super::{csv, jsonl, Format, OutputError, Record, Row, RowSink, Table};

/// What a table file holds beyond its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A CSV starts with a UTF-8 byte-order mark (which makes Excel read it as UTF-8).
    pub bom: bool,
    /// A CSV starts with its header row.
    pub header: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { bom: false, header: true }
    }
}

/// How the records become bytes.
enum Encoder {
    Csv(Box<csv::Encoder>),
    Jsonl,
    Xlsx(Box<Workbook>),
}

/// A table being written to its path: the output, its encoder, and the records written so far.
pub struct TableFile {
    out: BufWriter<AtomicWriter>,
    errors: ErrorTarget,
    encoder: Encoder,
    /// The record being encoded (CSV, JSONL).
    line: Vec<u8>,
    rows: u64,
}

impl TableFile {
    /// Opens `path` (`-` is stdout) for a table of `T` records in `format`, and starts it (a byte-order mark, a
    /// header, a workbook's first sheet).
    pub fn create<T: Record>(path: &Path, format: Format, options: Options) -> Result<TableFile, OutputError> {
        TableFile::with_limits::<T>(path, format, options, Limits::default())
    }

    /// Like [`create`](Self::create), with a workbook's sheets and cells held to `limits`.
    pub fn with_limits<T: Record>(
        path: &Path,
        format: Format,
        options: Options,
        limits: Limits,
    ) -> Result<TableFile, OutputError> {
        let out = AtomicWriter::create(path, format.temp_suffix())?;
        let errors = out.errors().clone();
        let mut line = Vec::with_capacity(1024);
        let encoder = match format {
            Format::Csv => {
                if options.bom {
                    line.extend_from_slice("\u{feff}".as_bytes());
                }
                let encoder = csv::Encoder::new();
                if options.header {
                    encoder.header(T::columns(), &mut line).map_err(|e| csv::error(&errors, e))?;
                }
                Encoder::Csv(Box::new(encoder))
            }
            Format::Jsonl => Encoder::Jsonl,
            Format::Xlsx => Encoder::Xlsx(Box::new(Workbook::create::<T>(&out, limits)?)),
        };
        let mut table = TableFile { out: BufWriter::with_capacity(1 << 16, out), errors, encoder, line, rows: 0 };
        table.put_line()?;
        Ok(table)
    }

    /// Appends one record.
    pub fn write<T: Record>(&mut self, record: &T) -> Result<(), OutputError> {
        match &mut self.encoder {
            Encoder::Csv(encoder) => {
                encoder.record(record, &mut self.line, self.errors.name()).map_err(|e| e.at(self.errors.name()))?
            }
            Encoder::Jsonl => {
                jsonl::record(record, &mut self.line, self.errors.name()).map_err(|e| e.at(self.errors.name()))?
            }
            Encoder::Xlsx(workbook) => workbook.record(record, self.out.get_ref())?,
        }
        self.put_line()?;
        self.rows += 1;
        Ok(())
    }

    /// Writes the encoded line to the output.
    fn put_line(&mut self) -> Result<(), OutputError> {
        if !self.line.is_empty() {
            self.out.write_all(&self.line).map_err(|e| self.errors.io(e))?;
            self.line.clear();
        }
        Ok(())
    }

    /// Whether records reach the output as they are written: a line format on a stream.
    fn streams(&self) -> bool {
        self.errors.is_direct() && !matches!(self.encoder, Encoder::Xlsx(_))
    }

    /// Finishes the table without putting it in place: the output to [`commit`](AtomicWriter::commit), and the
    /// number of records. Dropping the output instead leaves any earlier table untouched.
    pub fn complete(self) -> Result<(AtomicWriter, u64), OutputError> {
        let TableFile { out, errors, encoder, rows, .. } = self;
        let mut out = out.into_inner().map_err(|e| errors.io(e.into_error()))?;
        if let Encoder::Xlsx(workbook) = encoder {
            workbook.save(&mut out)?;
        }
        Ok((out, rows))
    }

    /// The temporary file an unfinished table is being written to, if any.
    pub fn unfinished(&self) -> Option<&Path> {
        self.out.get_ref().temp_path()
    }
}

impl RowSink for TableFile {
    fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError> {
        TableFile::write(self, row)
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        if self.streams() {
            self.out.flush().map_err(|e| self.errors.io(e))?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<u64, OutputError> {
        let (out, rows) = self.complete()?;
        out.commit()?;
        Ok(rows)
    }

    fn unfinished(&self) -> Option<&Path> {
        TableFile::unfinished(self)
    }

    fn holds_tables(&self) -> bool {
        matches!(self.encoder, Encoder::Xlsx(_))
    }

    fn add_table(&mut self, table: Table) {
        if let Encoder::Xlsx(workbook) = &mut self.encoder {
            workbook.add_table(table);
        }
    }

    fn streamed_to(&self) -> Option<&str> {
        self.streams().then(|| self.errors.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(text: &str) -> Row<'_> {
        Row { doc_id: "d", text, kind: "MONEY", source: "amounts", sentence_text: "s", ..Row::default() }
    }

    #[test]
    fn every_format_appears_only_when_finished_and_a_dropped_one_leaves_the_old_table() {
        let dir = tempfile::tempdir().unwrap();
        for format in [Format::Csv, Format::Jsonl, Format::Xlsx] {
            let path = dir.path().join(format!("k.{}", format.extension()));
            let mut table = Box::new(TableFile::create::<Row>(&path, format, Options::default()).unwrap());
            table.write(&row("$5")).unwrap();
            RowSink::flush(&mut *table).unwrap();
            assert!(!path.exists(), "{format:?}: the table appears only when finished");
            assert!(table.unfinished().is_some_and(Path::exists), "{format:?}");
            assert_eq!(table.finish().unwrap(), 1, "{format:?}");
            assert!(path.exists(), "{format:?}");

            std::fs::write(&path, "old").unwrap();
            let mut table = TableFile::create::<Row>(&path, format, Options::default()).unwrap();
            table.write(&row("$6")).unwrap();
            drop(table);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "old", "{format:?}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "no temporary file left");
    }

    #[test]
    fn the_columns_are_the_fields_of_row() {
        assert_eq!(
            *super::super::COLUMNS,
            [
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
                "sentence_text"
            ]
        );
        assert_eq!(Row::WIDTHS.len(), Row::columns().len());
    }

    #[test]
    fn only_line_formats_on_a_stream_are_streamed() {
        for (format, streamed) in [(Format::Csv, true), (Format::Jsonl, true), (Format::Xlsx, false)] {
            let table = TableFile::create::<Row>(Path::new("/dev/null"), format, Options::default()).unwrap();
            assert_eq!(table.streamed_to().is_some(), streamed, "{format:?}");
            assert_eq!(table.holds_tables(), format == Format::Xlsx, "{format:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let table = TableFile::create::<Row>(&dir.path().join("k.csv"), Format::Csv, Options::default()).unwrap();
        assert_eq!(table.streamed_to(), None, "a file is not a stream");
    }
}
