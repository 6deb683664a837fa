//! Text on one line: a table cell and a message.
//!
//! Below every stage, because reading (a warning about a repeated id) and writing (every CSV and JSONL text cell)
//! both need it, and the reader must not depend on the writers.

use std::borrow::Cow;

/// A text cell on one line: every line break (`\r\n`, `\n`, `\r`, vertical tab, form feed, NEL, U+2028, U+2029)
/// becomes one space, so that each record of a CSV or JSONL table is one line, as line-oriented engines (Hadoop
/// Streaming, `RDD.pipe`, `wc -l`) expect. Offsets are unaffected: they refer to the article, not to the cell.
/// Every text cell of a CSV or JSONL table goes through this, `doc_id` included (a JSONL `id` or a file name can
/// hold a line break), in the mention table and in the entity table alike; a workbook's cells keep their text.
pub fn one_line(cell: &str) -> Cow<'_, str> {
    const BREAKS: [char; 7] = ['\n', '\r', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}'];
    if !cell.contains(BREAKS) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(cell.replace("\r\n", " ").replace(BREAKS, " "))
}

/// `text` for a message: on one line ([`one_line`]) and, past [`SHOWN_CHARS`] characters, cut with `…`, so that a
/// warning about a document with a 40,000-character id stays one readable line.
pub fn shown(text: &str) -> String {
    let line = one_line(text);
    match line.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.into_owned(),
    }
}

/// Characters of a document id or cell that a message shows ([`shown`]).
pub const SHOWN_CHARS: usize = 80;
