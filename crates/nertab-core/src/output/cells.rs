//! From a record to its cells: the one place that knows the shape of a table.
//!
//! A table's record type ([`Row`](super::Row), [`EntityRow`](super::entities::EntityRow)) derives
//! `serde::Serialize`: its fields are the table's columns, in order, under their serde names. [`each`] walks a record
//! and hands every field to a sink as one typed [`Cell`]; a format renders cells by their kind (text, count, exact
//! decimal, score, list, nothing), so no sink names a column, and a column added to a record reaches every format.
//!
//! A field whose kind is not its Rust type says so with `#[serde(serialize_with = ...)]` and one of [`decimal`],
//! [`score`], [`mean_score`], [`text_or_empty`]. Scores are rounded to four decimals here ([`four_decimals`]), for
//! every format.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct, Serializer};

use super::OutputError;

/// One cell of a record, as a format renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// No value: an empty CSV cell, `null` in JSON, a blank cell in a workbook.
    Empty,
    /// Text: on one line and defused against formulas in a CSV, on one line in JSON, as it is in a workbook.
    Text(Cow<'a, str>),
    /// Texts: `|`-joined in a CSV or workbook cell, an array in JSON.
    List(Cow<'a, [String]>),
    /// A count or an offset: an integer everywhere.
    Count(u64),
    /// An exact decimal by its digits (`2000000000`, `-3.5`): plain in a CSV, a JSON string (a JSON number loses
    /// digits in most readers), a number in a workbook (text past the digits a number cell holds).
    Decimal(Cow<'a, str>),
    /// A model confidence, already rounded ([`four_decimals`]): four decimals in a CSV and in JSON (`0.9000`), the
    /// number in a workbook.
    Score(f64),
    /// A mean of confidences, already rounded: as [`Cell::Score`], except that JSON holds the shortest number that
    /// reads back as it (`0.9`).
    MeanScore(f64),
}

impl Cell<'_> {
    /// The cell with its text copied, to keep beyond the record.
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::List(l) => Cell::List(Cow::Owned(l.into_owned())),
            Cell::Count(n) => Cell::Count(n),
            Cell::Decimal(d) => Cell::Decimal(Cow::Owned(d.into_owned())),
            Cell::Score(s) => Cell::Score(s),
            Cell::MeanScore(s) => Cell::MeanScore(s),
        }
    }
}

/// A score as the tables show it: four decimals (`0.9979`, `1.0000`). The one place scores are rounded.
pub fn four_decimals(score: f64) -> String {
    format!("{score:.4}")
}

/// A score rounded to what [`four_decimals`] shows.
pub fn rounded(score: f64) -> f64 {
    four_decimals(score).parse().unwrap_or(score)
}

/// The newtype names that tell [`each`] a field's kind.
const DECIMAL: &str = "nertab::cells::Decimal";
const SCORE: &str = "nertab::cells::Score";
const MEAN_SCORE: &str = "nertab::cells::MeanScore";

/// `serialize_with` for an exact decimal ([`Cell::Decimal`]); other serializers see its digits as a string.
pub fn decimal<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_newtype_struct(DECIMAL, v.to_string().as_str()),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for a model confidence ([`Cell::Score`]), rounded; other serializers see the rounded number.
pub fn score<S: Serializer>(value: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_newtype_struct(SCORE, &rounded(f64::from(*v))),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for a mean of confidences ([`Cell::MeanScore`]), rounded.
pub fn mean_score<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.serialize_newtype_struct(MEAN_SCORE, &rounded(*v)),
        None => s.serialize_none(),
    }
}

/// `serialize_with` for a text whose empty value means none ([`Cell::Empty`], `null` in JSON).
pub fn text_or_empty<S: Serializer, T: AsRef<str>>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    match value.as_ref() {
        "" => s.serialize_none(),
        t => s.serialize_some(t),
    }
}

/// `serialize_with` for an optional text whose empty value means none.
pub fn optional_text<S: Serializer>(value: &Option<&str>, s: S) -> Result<S::Ok, S::Error> {
    text_or_empty(&value.unwrap_or_default(), s)
}

/// Why a record could not be walked: its sink failed, or its type is not a flat record of cells (a defect of the
/// record type, which the tests of every record type would show).
#[derive(Debug)]
pub enum WalkError {
    /// The sink's own error.
    Sink(OutputError),
    /// A field that is not a cell (a nested struct, a map, …).
    Shape(String),
}

impl WalkError {
    /// As an [`OutputError`] of the table written to `path`.
    pub fn at(self, path: &str) -> OutputError {
        match self {
            WalkError::Sink(e) => e,
            WalkError::Shape(what) => OutputError::Record { path: path.to_string(), what },
        }
    }
}

/// The serde error of a walk: the sink's error is kept aside (`Field::failed`), so this carries only shape errors.
#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Stop {
        Stop(msg.to_string())
    }
}

type Visit<'f> = dyn FnMut(&'static str, Cell<'_>) -> Result<(), OutputError> + 'f;

/// Hands every field of `record` to `visit` as `(column, cell)`, in order: exactly one cell a field.
pub fn each<T: Serialize + ?Sized>(
    record: &T,
    visit: &mut dyn FnMut(&'static str, Cell<'_>) -> Result<(), OutputError>,
) -> Result<(), WalkError> {
    let mut failed = None;
    let walked = record.serialize(Field { column: None, kind: None, visit, failed: &mut failed });
    match (failed, walked) {
        (Some(e), _) => Err(WalkError::Sink(e)),
        (None, Err(Stop(what))) => Err(WalkError::Shape(what)),
        (None, Ok(())) => Ok(()),
    }
}

/// The cells of `record`, owned.
pub fn owned<T: Serialize + ?Sized>(record: &T) -> Result<Vec<Cell<'static>>, WalkError> {
    let mut cells = Vec::new();
    each(record, &mut |_, cell| {
        cells.push(cell.into_owned());
        Ok(())
    })?;
    Ok(cells)
}

/// The column names of a record type, from any record of it (its `Default`).
///
/// # Panics
/// If the type is not a flat record of cells: a defect of the type, not of any input (each record type's tests
/// call this).
pub fn columns<T: Serialize>(record: &T) -> Vec<&'static str> {
    let mut names = Vec::new();
    let walked = each(record, &mut |column, _| {
        names.push(column);
        Ok(())
    });
    if let Err(WalkError::Shape(what)) = walked {
        panic!("{} is not a flat record of cells: {what}", std::any::type_name::<T>());
    }
    names
}

/// The record itself (no column: it must be a struct), or one of its fields: the column it fills, and the kind its
/// newtype named, if any.
struct Field<'w, 'f> {
    column: Option<&'static str>,
    kind: Option<&'static str>,
    visit: &'w mut Visit<'f>,
    failed: &'w mut Option<OutputError>,
}

impl Field<'_, '_> {
    fn cell(self, cell: Cell<'_>) -> Result<(), Stop> {
        let Some(column) = self.column else {
            return Err(self.refuse("a single value"));
        };
        (self.visit)(column, cell).map_err(|e| {
            *self.failed = Some(e);
            Stop("the sink failed".into())
        })
    }

    fn refuse(&self, what: &str) -> Stop {
        match self.column {
            Some(column) => Stop(format!("column `{column}` is {what}, not a cell")),
            None => Stop(format!("the record is {what}, not a struct")),
        }
    }
}

macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $ok:ty: $what:literal;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, Stop> {
            Err(self.refuse($what))
        })*
    };
}

impl SerializeStruct for Field<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, column: &'static str, value: &T) -> Result<(), Stop> {
        value.serialize(Field { column: Some(column), kind: None, visit: &mut *self.visit, failed: &mut *self.failed })
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl<'w, 'f> Serializer for Field<'w, 'f> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = List<'w, 'f>;
    type SerializeTuple = Impossible<(), Stop>;
    type SerializeTupleStruct = Impossible<(), Stop>;
    type SerializeTupleVariant = Impossible<(), Stop>;
    type SerializeMap = Impossible<(), Stop>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Stop>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        match self.column {
            None => Ok(self),
            Some(_) => Err(self.refuse("a struct")),
        }
    }

    fn serialize_u8(self, v: u8) -> Result<(), Stop> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Stop> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Stop> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Stop> {
        self.cell(Cell::Count(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), Stop> {
        match self.kind {
            Some(SCORE) => self.cell(Cell::Score(v)),
            Some(MEAN_SCORE) => self.cell(Cell::MeanScore(v)),
            _ => Err(self.refuse("a number that is neither a score nor a decimal (see `cells::decimal`)")),
        }
    }

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        match self.kind {
            Some(DECIMAL) => self.cell(Cell::Decimal(Cow::Borrowed(v))),
            _ => self.cell(Cell::Text(Cow::Borrowed(v))),
        }
    }

    fn serialize_none(self) -> Result<(), Stop> {
        self.cell(Cell::Empty)
    }

    fn serialize_unit(self) -> Result<(), Stop> {
        self.cell(Cell::Empty)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Stop> {
        value.serialize(Field { kind: Some(name), ..self })
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<List<'w, 'f>, Stop> {
        Ok(List { field: self, items: Vec::with_capacity(len.unwrap_or(0)) })
    }

    refuse! {
        serialize_bool(bool) -> (): "a boolean";
        serialize_i8(i8) -> (): "a signed number";
        serialize_i16(i16) -> (): "a signed number";
        serialize_i32(i32) -> (): "a signed number";
        serialize_i64(i64) -> (): "a signed number";
        serialize_f32(f32) -> (): "an f32 (a score goes through `cells::score`)";
        serialize_char(char) -> (): "a character";
        serialize_bytes(&[u8]) -> (): "bytes";
        serialize_unit_struct(&'static str) -> (): "a unit struct";
        serialize_unit_variant(&'static str, u32, &'static str) -> (): "an enum";
        serialize_tuple(usize) -> Self::SerializeTuple: "a tuple";
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct: "a tuple";
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant: "an enum";
        serialize_map(Option<usize>) -> Self::SerializeMap: "a map";
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant: "an enum";
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Err(self.refuse("an enum"))
    }
}

/// A list field being collected: its items must be texts.
struct List<'w, 'f> {
    field: Field<'w, 'f>,
    items: Vec<String>,
}

impl SerializeSeq for List<'_, '_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let mut item = None;
        let mut failed = None;
        let mut keep = |_: &'static str, cell: Cell<'_>| {
            item = Some(cell.into_owned());
            Ok(())
        };
        value.serialize(Field { column: self.field.column, kind: None, visit: &mut keep, failed: &mut failed })?;
        match item {
            Some(Cell::Text(t)) => {
                self.items.push(t.into_owned());
                Ok(())
            }
            _ => Err(self.field.refuse("a list of something other than texts")),
        }
    }

    fn end(self) -> Result<(), Stop> {
        let List { field, items } = self;
        field.cell(Cell::List(Cow::Owned(items)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize, Default)]
    struct Record {
        name: String,
        #[serde(rename = "n")]
        count: usize,
        #[serde(serialize_with = "decimal")]
        value: Option<Decimal>,
        #[serde(serialize_with = "score")]
        score: Option<f32>,
        #[serde(serialize_with = "mean_score")]
        mean: Option<f64>,
        #[serde(serialize_with = "text_or_empty")]
        note: String,
        tags: Vec<String>,
    }

    #[test]
    fn every_field_is_one_typed_cell() {
        let r = Record {
            name: "=Acme".into(),
            count: 3,
            value: Some(Decimal::new(-35, 1)),
            score: Some(0.99996),
            mean: Some(0.123_45),
            note: String::new(),
            tags: vec!["a".into(), "b".into()],
        };
        let cells = owned(&r).unwrap();
        assert_eq!(
            cells,
            [
                Cell::Text("=Acme".into()),
                Cell::Count(3),
                Cell::Decimal("-3.5".into()),
                Cell::Score(1.0),
                Cell::MeanScore(0.1235),
                Cell::Empty,
                Cell::List(vec!["a".to_string(), "b".to_string()].into()),
            ]
        );
        assert_eq!(columns(&Record::default()), ["name", "n", "value", "score", "mean", "note", "tags"]);
        assert_eq!(owned(&Record::default()).unwrap()[2..6], [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    }

    #[test]
    fn four_decimals_is_the_rounding() {
        assert_eq!(four_decimals(0.9), "0.9000");
        assert_eq!(four_decimals(f64::from(0.99786_f32)), "0.9979");
        assert_eq!(rounded(f64::from(0.99786_f32)), 0.9979);
        assert!(rounded(f64::NAN).is_nan());
    }

    #[test]
    fn a_field_that_is_no_cell_is_refused_by_name() {
        #[derive(Serialize)]
        struct Nested {
            inner: (u8, u8),
        }
        match owned(&Nested { inner: (1, 2) }) {
            Err(WalkError::Shape(what)) => assert!(what.contains("`inner`"), "{what}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(owned(&5u8), Err(WalkError::Shape(_))));
    }

    #[test]
    fn a_sink_error_stops_the_walk_and_is_kept() {
        let mut seen = 0;
        let walked = each(&Record::default(), &mut |_, _| {
            seen += 1;
            Err(OutputError::Closed { path: "-".into() })
        });
        assert!(matches!(walked, Err(WalkError::Sink(OutputError::Closed { .. }))));
        assert_eq!(seen, 1);
    }
}
