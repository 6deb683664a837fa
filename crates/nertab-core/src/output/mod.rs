//! Where rows go: the [`RowSink`] trait, the typed [`Row`] every sink receives, and the sinks.
//!
//! Why typed rows: numbers stay numbers (offsets as integers, values as exact decimals, scores as floats) until a
//! sink formats them, so a format that has types of its own (a spreadsheet, JSON) gets them without parsing text
//! back. A table's record type ([`Row`], [`EntityRow`](entities::EntityRow)) derives `serde::Serialize`: its fields
//! are the columns, and [`cells`] walks them as typed cells, which each format renders ([`csv`], [`jsonl`],
//! [`xlsx`]); no sink names a column. Every table file is one [`TableFile`]: the atomic output ([`atomic`]), its
//! format's encoder, flushing and finishing. The pipeline only knows [`RowSink`]; a new format is one encoder file
//! beside [`csv`] and [`jsonl`], one variant of [`Format`] (with its file extension) and one arm in [`file`](mod@file).
//!
//! CSV and JSONL hold one record per line: their text cells go through [`one_line`].

pub mod atomic;
pub mod cells;
pub mod csv;
pub mod entities;
pub mod file;
pub mod format;
pub mod guard;
pub mod jsonl;
pub mod xlsx;

/// Text cells on one line, and ids in messages: defined below every stage ([`crate::text`]), used by every sink.
pub use crate::text::{one_line, shown, SHOWN_CHARS};
pub use cells::Cell;
pub use file::{Options, TableFile};
pub use format::Format;

use std::io;
use std::path::Path;
use std::sync::LazyLock;

use rust_decimal::Decimal;
use serde::Serialize;
use thiserror::Error;

/// The table's columns, in order (`doc_id`, `sentence`, `start`, `end`, `text`, `type`, `value`, `value_high`,
/// `unit`, `score`, `source`, `context_entities`, `sentence_text`): the fields of [`Row`] under their serde names.
pub static COLUMNS: LazyLock<Vec<&'static str>> = LazyLock::new(|| cells::columns(&Row::default()));

/// A table's record type: its fields are the columns ([`cells`]); a workbook names its sheet and sizes its columns.
pub trait Record: Serialize {
    /// The sheet of a workbook that holds the table (continued on `NAME 2`, … when full).
    const SHEET: &'static str;
    /// What a record's first cell names, in messages (`doc` for a mention's document id).
    const LABEL: &'static str;
    /// Column widths in a workbook, in Excel's character units, one per column.
    const WIDTHS: &'static [f64];
    /// Whether its JSONL objects have their keys in alphabetical order rather than in column order.
    const SORTED_JSON_KEYS: bool = false;
    /// The column names, in order.
    fn columns() -> &'static [&'static str];
}

impl Record for Row<'_> {
    const SHEET: &'static str = "mentions";
    const LABEL: &'static str = "doc";
    const WIDTHS: &'static [f64] = &[26.0, 9.0, 8.0, 8.0, 24.0, 8.0, 15.0, 15.0, 6.0, 7.0, 9.0, 32.0, 80.0];

    fn columns() -> &'static [&'static str] {
        &COLUMNS
    }
}

/// One mention as the table holds it. Field order is the column order ([`COLUMNS`]); `None` is an empty cell.
///
/// Text borrows from the article and the mention it came from, so building a row copies nothing but its context.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Row<'a> {
    /// Document id.
    pub doc_id: &'a str,
    /// 0-based sentence index in the article.
    pub sentence: usize,
    /// Code-point offset of the mention in the article.
    pub start: usize,
    /// Code-point offset one past the mention.
    pub end: usize,
    /// The mention's text, `article[start..end]`.
    pub text: &'a str,
    /// Entity type (`PER`, …) or amount kind (`MONEY`, `PERCENT`): the `type` column.
    #[serde(rename = "type")]
    pub kind: &'a str,
    /// Normalized value (amounts).
    #[serde(serialize_with = "cells::decimal")]
    pub value: Option<Decimal>,
    /// Upper end of a range (amounts).
    #[serde(serialize_with = "cells::decimal")]
    pub value_high: Option<Decimal>,
    /// Unit of the value: ISO 4217 code, `%` or `pp`.
    #[serde(serialize_with = "cells::optional_text")]
    pub unit: Option<&'a str>,
    /// Model confidence (NER), shown with four decimals.
    #[serde(serialize_with = "cells::score")]
    pub score: Option<f32>,
    /// The extractor that found the mention.
    pub source: &'a str,
    /// For a value mention, the entities of its sentence as `text|TYPE` joined by `;`; else empty.
    #[serde(serialize_with = "cells::text_or_empty")]
    pub context_entities: String,
    /// The sentence that holds the mention.
    pub sentence_text: &'a str,
}

/// Receives the table's rows in order and makes them durable on [`finish`](RowSink::finish).
///
/// A sink that is dropped without `finish` must leave any earlier table at its path untouched. A sink in a few lines,
/// run by the pipeline: the example on [`Pipeline`](crate::pipeline::Pipeline).
pub trait RowSink {
    /// Appends one row.
    fn write(&mut self, row: &Row<'_>) -> Result<(), OutputError>;

    /// Called after every chunk of articles: a sink that writes to a stream (stdout, a FIFO) passes on the rows it
    /// holds, so that a reader downstream (`RDD.pipe`, a shell pipe) sees them now, not when a buffer fills. A sink
    /// writing a file may keep buffering (the default does nothing).
    fn flush(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    /// Flushes and puts the finished table in place; returns the number of rows written.
    fn finish(self: Box<Self>) -> Result<u64, OutputError>;

    /// The temporary file an unfinished table is being written to, if any: what a process that is killed before
    /// [`finish`](RowSink::finish) must remove (dropping the sink does it otherwise).
    fn unfinished(&self) -> Option<&Path> {
        None
    }

    /// Whether this format holds tables beside the mention rows ([`add_table`](RowSink::add_table)): a workbook
    /// does (a sheet each); a CSV or JSONL stream has one table only.
    fn holds_tables(&self) -> bool {
        false
    }

    /// Takes a table to hold beside the mention rows (the entity table as a workbook's sheet); ignored by sinks
    /// that do not [hold tables](RowSink::holds_tables).
    fn add_table(&mut self, _table: Table) {}

    /// The output (as given: `-`, a FIFO's path) when rows reach it as they are written, so that a run that stops
    /// early has already passed on what it wrote; `None` for a table that appears only when finished (a file, or a
    /// workbook anywhere).
    fn streamed_to(&self) -> Option<&str> {
        None
    }
}

/// A table a sink may hold beside the mentions: its name (a sheet's), columns, widths in Excel's character units
/// (one per column) and rows of cells. Sinks know nothing of what it describes, so a new table needs no new sink code.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The table's (sheet's) name.
    pub name: &'static str,
    /// Column headers.
    pub columns: &'static [&'static str],
    /// Column widths, one per column.
    pub widths: &'static [f64],
    /// The rows, each one cell per column.
    pub rows: Vec<Vec<Cell<'static>>>,
}

impl Table {
    /// The table of `records`.
    pub fn of<T: Record>(records: &[T]) -> Result<Table, OutputError> {
        let rows = records.iter().map(|r| cells::owned(r).map_err(|e| e.at(T::SHEET))).collect::<Result<_, _>>()?;
        Ok(Table { name: T::SHEET, columns: T::columns(), widths: T::WIDTHS, rows })
    }
}

/// A table that could not be written, naming the path as given (`-` for stdout), never a temporary file.
///
/// Messages do not repeat their cause: it is the error's [`source`](std::error::Error::source), which a caller
/// prints after the message (`PATH: what failed: cause`).
#[derive(Debug, Error)]
pub enum OutputError {
    /// The directory of a new table could not be created.
    #[error("{path}: cannot create its directory")]
    Dir {
        /// The table's path as given.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The temporary file beside the table could not be created (e.g. the directory is not writable).
    #[error("{path}: cannot create a temporary file beside it")]
    Temp {
        /// The table's path as given.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Opening, writing, syncing or renaming the table failed.
    #[error("{path}")]
    Io {
        /// The table's path as given.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A record type that is not a flat record of cells ([`cells`]): a defect of the program, named by its column.
    #[error("{path}: {what}")]
    Record {
        /// The table's path as given.
        path: String,
        /// The field that is no cell.
        what: String,
    },
    /// The JSON encoder failed.
    #[error("{path}")]
    Json {
        /// The table's path as given.
        path: String,
        /// The encoder's error.
        #[source]
        source: serde_json::Error,
    },
    /// The CSV writer failed.
    #[error("{path}")]
    Csv {
        /// The table's path as given.
        path: String,
        /// Why.
        #[source]
        source: ::csv::Error,
    },
    /// The workbook writer failed (other than by I/O, which is [`OutputError::Io`]).
    #[error("{path}")]
    Xlsx {
        /// The workbook's path as given.
        path: String,
        /// The writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// A workbook's rows could not be written to the temporary files its sheets keep them in until the workbook is
    /// zipped (constant-memory mode), e.g. because that disk is full.
    #[error("{path}: cannot write the workbook's rows to a temporary file in {dir}")]
    SheetRows {
        /// The workbook's path as given.
        path: String,
        /// The directory of the temporary files.
        dir: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A path that a table cannot be written to, refused before any work is done.
    #[error("{path}: is {what}, not a file, FIFO or character device to write the table to")]
    NotWritable {
        /// The path as given.
        path: String,
        /// What it is (a directory, a block device, a socket).
        what: &'static str,
    },
    /// An output that is an input, or the other output, or that would put an article-named file into an input
    /// directory: refused before any work is done ([`guard`]).
    #[error("{path}: {reason}; nothing was read or written")]
    Clash {
        /// The output as given.
        path: String,
        /// Which option named it and what it clashes with (the other path as given).
        reason: String,
    },
    /// The reader of stdout or a FIFO closed it (`nertab … -o - | head`): the run ends, but nothing failed.
    #[error("{path}: closed by its reader")]
    Closed {
        /// `-` or the FIFO's path.
        path: String,
    },
}

impl OutputError {
    /// Whether the output's reader went away, which ends a run quietly rather than as a failure.
    pub fn is_closed(&self) -> bool {
        matches!(self, OutputError::Closed { .. })
    }
}
