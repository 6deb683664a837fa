//! The workbook sink: an Excel `.xlsx` file with a `mentions` sheet (the mention table, the CSV's columns) and an
//! `entities` sheet (the corpus entity table of [`entities`](super::entities)), written with `rust_xlsxwriter`.
//!
//! Why a workbook beside the CSV: a cell's type is part of the file, so `value` 300 is a number and the mention
//! text `300%` stays text, with no import dialog guessing. Numbers (`sentence`, `start`, `end`, `value`,
//! `value_high`, `score`, the entity counts) are number cells; every other cell is written with `write_string`,
//! which never makes a formula, whatever the text starts with (so no `'` prefix is needed, unlike the CSV).
//!
//! Excel's limits are kept visibly, never by silently cutting the table:
//! - at most [`MAX_ROWS`] rows a sheet: a table continues on `mentions 2`, `mentions 3`, … (`entities 2`, …), each
//!   with its header;
//! - at most [`MAX_CELL`] characters (UTF-16 units) a cell: a longer text is cut, ends with the marker
//!   `… [cut: N characters]` and a warning on stderr names the document and row;
//! - a number is a double (15 significant digits): a `value` with more significant digits is written as a text
//!   cell holding its exact digits, with a warning, rather than rounded.
//!
//! Memory: sheets use `rust_xlsxwriter`'s constant-memory mode (each row goes to a temporary file beside the
//! output as soon as the next starts), so the mention sheet costs no memory per row. The workbook is zipped into
//! the output's temporary file on [`finish`](super::RowSink::finish) and renamed into place like the CSV ([`atomic`]).
//!
//! Failures: `rust_xlsxwriter` panics when a row cannot be written to a sheet's temporary file (a full disk, a file
//! size limit); `guarded` catches that panic, keeps it off stderr and returns the I/O error it carried
//! ([`OutputError::SheetRows`]). When zipping fails, the first I/O error is the one reported (`Saving`), so a full
//! disk or a reader that closed stdout is said once, as for the CSV.
//!
//! [`atomic`]: super::atomic

use std::any::Any;
use std::cell::Cell as Flag;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook as XlsxWorkbook, XlsxError};
use serde::Serialize;

use super::atomic::{AtomicWriter, ErrorTarget};
use super::cells::{self, Cell};
use super::{shown, OutputError, Record, Table};

/// Rows of an Excel sheet, the header included.
pub const MAX_ROWS: u32 = 1_048_576;

/// Characters (UTF-16 code units) of an Excel cell.
pub const MAX_CELL: usize = 32_767;

/// Significant digits a number cell holds exactly.
pub const MAX_DIGITS: usize = 15;

/// Excel's limits, which tests lower to see what happens past them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows a sheet holds, its header included.
    pub rows: u32,
    /// UTF-16 code units a cell holds.
    pub cell: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { rows: MAX_ROWS, cell: MAX_CELL }
    }
}

/// A decimal as Excel can hold it: the number, or `None` when it has more than [`MAX_DIGITS`] significant digits.
fn excel_number(d: Decimal) -> Option<f64> {
    // Trailing zeros are not significant, also left of the point (`Decimal` keeps 10^18 as 1 and 18 zeros).
    let digits = d.normalize().mantissa().unsigned_abs().to_string().trim_end_matches('0').len();
    if digits > MAX_DIGITS {
        return None;
    }
    d.to_string().parse().ok()
}

/// `text` cut to fit `limit` UTF-16 units with the marker `… [cut: N characters]` (N: the text's full length in
/// characters), or `None` when it fits.
fn cut(text: &str, limit: usize) -> Option<String> {
    let units = text.encode_utf16().count();
    if units <= limit {
        return None;
    }
    let marker = format!("… [cut: {} characters]", text.chars().count());
    let room = limit.saturating_sub(marker.encode_utf16().count());
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(i, _)| i);
    Some(format!("{}{marker}", &text[..end]))
}

/// A table written over sheets `base`, `base 2`, … of at most [`Limits::rows`] rows, each with a bold frozen
/// header, column widths and an autofilter over its rows.
struct Sheets {
    base: &'static str,
    /// What a row's first cell names, in warnings (`doc` for a mention's document).
    label: &'static str,
    columns: &'static [&'static str],
    widths: &'static [f64],
    /// Workbook indices of this table's sheets, in order.
    sheets: Vec<usize>,
    /// The next row of the last sheet.
    next_row: u32,
    limits: Limits,
}

impl Sheets {
    fn new(
        workbook: &mut XlsxWorkbook,
        (base, label): (&'static str, &'static str),
        columns: &'static [&'static str],
        widths: &'static [f64],
        limits: Limits,
    ) -> Result<Sheets, XlsxError> {
        let mut sheets = Sheets { base, label, columns, widths, sheets: Vec::new(), next_row: 0, limits };
        sheets.add_sheet(workbook)?;
        Ok(sheets)
    }

    /// The name of the last sheet.
    fn name(&self) -> String {
        match self.sheets.len() {
            0 | 1 => self.base.to_string(),
            n => format!("{} {n}", self.base),
        }
    }

    fn add_sheet(&mut self, workbook: &mut XlsxWorkbook) -> Result<(), XlsxError> {
        let index = workbook.worksheets().len();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        self.sheets.push(index);
        sheet.set_name(self.name())?;
        let bold = Format::new().set_bold();
        for (c, (name, width)) in self.columns.iter().zip(self.widths).enumerate() {
            let c = c as u16;
            sheet.set_column_width(c, *width)?;
            sheet.write_string_with_format(0, c, *name, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.next_row = 1;
        Ok(())
    }

    /// Writes one row; `out` (the output as given) and the row's first cell (`doc` and its id) name it in warnings
    /// about cut cells and numbers written as text.
    fn write(&mut self, workbook: &mut XlsxWorkbook, cells: &[Cell<'_>], out: &str) -> Result<(), XlsxError> {
        if self.next_row >= self.limits.rows {
            self.add_sheet(workbook)?;
        }
        let row = self.next_row;
        let first = match cells.first() {
            Some(Cell::Text(t)) => &**t,
            _ => "",
        };
        let place = || format!("{out}: {} {}, sheet '{}' row {}", self.label, shown(first), self.name(), row + 1);
        let index = self.sheets[self.sheets.len() - 1];
        let sheet = workbook.worksheet_from_index(index)?;
        for (c, (cell, column)) in cells.iter().zip(self.columns).enumerate() {
            let c = c as u16;
            let joined;
            let cell = match cell {
                Cell::List(items) => {
                    joined = Cell::Text(items.join("|").into());
                    &joined
                }
                cell => cell,
            };
            match cell {
                Cell::Empty | Cell::List(_) => {}
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => match cut(t, self.limits.cell) {
                    None => {
                        sheet.write_string(row, c, &**t)?;
                    }
                    Some(short) => {
                        tracing::warn!(
                            "{}: `{column}` has {} characters, more than a cell holds ({}): cut, with a marker",
                            place(),
                            t.chars().count(),
                            self.limits.cell
                        );
                        sheet.write_string(row, c, short)?;
                    }
                },
                Cell::Count(n) => {
                    sheet.write_number(row, c, *n as f64)?;
                }
                Cell::Score(x) | Cell::MeanScore(x) => {
                    sheet.write_number(row, c, *x)?;
                }
                Cell::Decimal(d) => match d.parse().ok().and_then(excel_number) {
                    Some(x) => {
                        sheet.write_number(row, c, x)?;
                    }
                    None => {
                        tracing::warn!(
                            "{}: `{column}` {d} has more than {MAX_DIGITS} significant digits: written as text",
                            place()
                        );
                        sheet.write_string(row, c, &**d)?;
                    }
                },
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// Sets every sheet's autofilter over its header and rows.
    fn finish(&self, workbook: &mut XlsxWorkbook) -> Result<(), XlsxError> {
        let last_col = (self.columns.len() - 1) as u16;
        for (k, &index) in self.sheets.iter().enumerate() {
            let rows = if k + 1 == self.sheets.len() { self.next_row } else { self.limits.rows };
            workbook.worksheet_from_index(index)?.autofilter(0, 0, rows.saturating_sub(1), last_col)?;
        }
        Ok(())
    }
}

/// An `rust_xlsxwriter` error against the output's path: I/O as the output's own (a closed reader as such).
fn xlsx_error(errors: &ErrorTarget, e: XlsxError) -> OutputError {
    match e {
        XlsxError::IoError(io) => errors.io(io),
        other => OutputError::Xlsx { path: errors.name().to_string(), source: other },
    }
}

/// Where the constant-memory sheets of a workbook written to `out` keep their rows: beside `out`'s target (not in a
/// `/tmp` that may be memory), or in the system's temporary directory for stdout and devices.
fn sheets_dir(out: &AtomicWriter) -> PathBuf {
    match out.temp_path().and_then(Path::parent) {
        Some(dir) if dir.as_os_str().is_empty() => PathBuf::from("."),
        Some(dir) => dir.to_path_buf(),
        None => std::env::temp_dir(),
    }
}

/// A workbook whose constant-memory sheets keep their rows in [`sheets_dir`].
fn new_workbook(out: &AtomicWriter) -> Result<XlsxWorkbook, XlsxError> {
    let mut workbook = XlsxWorkbook::new();
    if out.temp_path().is_some() {
        workbook.set_tempdir(sheets_dir(out))?;
    }
    Ok(workbook)
}

/// The start of the message `rust_xlsxwriter` panics with when a sheet's row cannot be written to its temporary file
/// (its `XML_WRITE_ERROR`, followed by the I/O error).
const WRITE_PANIC: &str = "Couldn't write to xml file";

thread_local! {
    /// Whether this thread is inside [`guarded`], which catches the writer's failed-write panics.
    static GUARDED: Flag<bool> = const { Flag::new(false) };
}

/// The text of a panic's payload.
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("")
}

/// The I/O error a failed-write panic carried: its OS error code (`…: Os { code: 28, kind: StorageFull, … }`), else
/// its text.
fn panic_cause(text: &str) -> io::Error {
    let code = text.split("code: ").nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next());
    match code.and_then(|c| c.parse().ok()) {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::other(text.strip_prefix(WRITE_PANIC).unwrap_or(text).trim_start_matches(": ").to_string()),
    }
}

/// Runs `f`, a call into `rust_xlsxwriter` that may write rows to a sheet's temporary file; a failed write, which the
/// library reports by panicking, comes back as `Err` with its I/O error instead, and its panic message is not
/// printed (a hook installed once passes every other panic on to the previous hook). Any other panic goes on.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, io::Error> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !(GUARDED.with(Flag::get) && panic_text(info.payload()).starts_with(WRITE_PANIC)) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    match result {
        Ok(t) => Ok(t),
        Err(payload) if panic_text(&*payload).starts_with(WRITE_PANIC) => Err(panic_cause(panic_text(&*payload))),
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// Runs a call into `rust_xlsxwriter` for the workbook written to `out` ([`guarded`]), with its errors as the
/// output's: a failed write to a sheet's temporary file as [`OutputError::SheetRows`], the rest as [`xlsx_error`].
fn call<T>(out: &AtomicWriter, f: impl FnOnce() -> Result<T, XlsxError>) -> Result<T, OutputError> {
    match guarded(f) {
        Ok(result) => result.map_err(|e| xlsx_error(out.errors(), e)),
        Err(source) => Err(OutputError::SheetRows {
            path: out.name().to_string(),
            dir: sheets_dir(out).display().to_string(),
            source,
        }),
    }
}

/// The writer a workbook is zipped into: the output, with its first I/O error kept. After that error every byte is
/// taken and dropped, so that `zip`, which tries to finish the archive again when its writer is dropped, neither
/// fails twice nor prints a line of its own on stderr; the kept error is the one cause reported.
struct Saving<'a> {
    out: &'a mut AtomicWriter,
    error: Option<io::Error>,
}

impl Saving<'_> {
    fn keep(&mut self, e: io::Error) -> io::Error {
        let again = io::Error::new(e.kind(), e.to_string());
        self.error = Some(e);
        again
    }
}

impl Write for Saving<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.error.is_some() {
            return Ok(buf.len());
        }
        self.out.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.error.is_some() {
            return Ok(());
        }
        self.out.flush().map_err(|e| self.keep(e))
    }
}

/// Zips `workbook` into `out` (which the caller commits).
fn save(workbook: &mut XlsxWorkbook, out: &mut AtomicWriter) -> Result<(), OutputError> {
    let errors = out.errors().clone();
    let dir = sheets_dir(out);
    let mut saving = Saving { out, error: None };
    let result = guarded(|| workbook.save_to_writer(&mut saving));
    if let Some(e) = saving.error {
        return Err(errors.io(e));
    }
    match result {
        Ok(saved) => saved.map_err(|e| xlsx_error(&errors, e)),
        Err(source) => {
            Err(OutputError::SheetRows { path: errors.name().to_string(), dir: dir.display().to_string(), source })
        }
    }
}

/// Writes a table's rows into `sheets`.
fn write_table(workbook: &mut XlsxWorkbook, sheets: &mut Sheets, table: &Table, out: &str) -> Result<(), XlsxError> {
    for cells in &table.rows {
        sheets.write(workbook, cells, out)?;
    }
    sheets.finish(workbook)
}

/// A workbook being written: its first table's records stream into that table's sheet(s) (`mentions`, or `entities`
/// for a workbook of the entity table alone); on [`save`](Workbook::save), every table it was given
/// ([`RowSink::add_table`](super::RowSink::add_table): the entity table) goes into sheets of its own.
pub struct Workbook {
    workbook: XlsxWorkbook,
    first: Sheets,
    tables: Vec<Table>,
    limits: Limits,
}

impl Workbook {
    /// A workbook for `T` records, to be saved into `out`, within `limits`.
    pub fn create<T: Record>(out: &AtomicWriter, limits: Limits) -> Result<Workbook, OutputError> {
        call(out, || {
            let mut workbook = new_workbook(out)?;
            let first = Sheets::new(&mut workbook, (T::SHEET, T::LABEL), T::columns(), T::WIDTHS, limits)?;
            Ok(Workbook { workbook, first, tables: Vec::new(), limits })
        })
    }

    /// Appends one record to the first table's sheet.
    pub fn record<T: Serialize + ?Sized>(&mut self, record: &T, out: &AtomicWriter) -> Result<(), OutputError> {
        let cells = cells::owned(record).map_err(|e| e.at(out.name()))?;
        let (first, workbook) = (&mut self.first, &mut self.workbook);
        call(out, || first.write(workbook, &cells, out.name()))
    }

    /// Takes a table to write into sheets of its own.
    pub fn add_table(&mut self, table: Table) {
        self.tables.push(table);
    }

    /// The finished workbook before it is saved: autofilters set, the added tables' sheets written.
    fn complete(self, out: &AtomicWriter) -> Result<XlsxWorkbook, OutputError> {
        let Workbook { mut workbook, first, tables, limits } = self;
        call(out, || {
            first.finish(&mut workbook)?;
            for table in &tables {
                let mut sheets =
                    Sheets::new(&mut workbook, (table.name, table.name), table.columns, table.widths, limits)?;
                write_table(&mut workbook, &mut sheets, table, out.name())?;
            }
            Ok(workbook)
        })
    }

    /// Completes the workbook and zips it into `out` (which the caller commits).
    pub fn save(self, out: &mut AtomicWriter) -> Result<(), OutputError> {
        let mut workbook = self.complete(out)?;
        save(&mut workbook, out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Row;
    use super::*;

    fn row(doc: &str, text: &str) -> Row<'static> {
        let doc: &'static str = Box::leak(doc.to_string().into_boxed_str());
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        Row {
            doc_id: doc,
            sentence: 2,
            start: 10,
            end: 10 + text.chars().count(),
            text,
            kind: "ORG",
            value: None,
            value_high: None,
            unit: None,
            score: Some(0.99786),
            source: "ner",
            context_entities: String::new(),
            sentence_text: text,
        }
    }

    #[test]
    fn a_full_sheet_continues_on_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.xlsx");
        let out = AtomicWriter::create(&path, ".xlsx.tmp").unwrap();
        let mut workbook = Workbook::create::<Row>(&out, Limits { rows: 3, cell: MAX_CELL }).unwrap();
        for i in 0..5 {
            workbook.record(&row(&format!("d{i}"), &format!("Org{i}")), &out).unwrap();
        }
        let rows = (0..5).map(|i| vec![Cell::Text(format!("Org{i}").into()), Cell::Count(1)]).collect();
        workbook.add_table(Table { name: "entities", columns: &["name", "mentions"], widths: &[10.0, 5.0], rows });
        let mut workbook = workbook.complete(&out).unwrap();
        // 5 rows, 2 a sheet under the header: mentions, mentions 2, mentions 3; the same for the 5 entities.
        let names: Vec<String> = workbook.worksheets().iter().map(|w| w.name()).collect();
        assert_eq!(names, ["mentions", "mentions 2", "mentions 3", "entities", "entities 2", "entities 3"]);
        workbook.save_to_writer(std::io::sink()).unwrap();
        assert!(!path.exists(), "the workbook appears only when committed");
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left");
    }

    #[test]
    fn long_cells_are_cut_with_a_marker() {
        assert_eq!(cut("short", 10), None);
        let long = "é".repeat(100);
        let short = cut(&long, 40).unwrap();
        assert_eq!(short.encode_utf16().count(), 40);
        assert!(short.ends_with("… [cut: 100 characters]"), "{short}");
        // A character outside the BMP is two UTF-16 units and is never split.
        let emoji = "😀".repeat(30);
        let short = cut(&emoji, 40).unwrap();
        assert!(short.encode_utf16().count() <= 40);
        assert!(short.starts_with("😀"));
    }

    #[test]
    fn numbers_past_15_digits_stay_exact_as_text() {
        assert_eq!(excel_number(Decimal::new(2_000_000_000, 0)), Some(2e9));
        assert_eq!(excel_number(Decimal::new(-35, 1)), Some(-3.5));
        assert_eq!(excel_number(Decimal::new(123_456_789_012_345, 0)), Some(123_456_789_012_345.0));
        assert_eq!(excel_number(Decimal::new(1_234_567_890_123_456, 0)), None);
        assert_eq!(excel_number(Decimal::new(1_000_000_000_000_000_000, 0)), Some(1e18));
    }
}
