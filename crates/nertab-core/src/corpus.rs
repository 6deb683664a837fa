//! Reading articles: `.txt` files (one article each), `.jsonl` files (one article per line) and JSONL on stdin.
//!
//! Inputs are expanded into a sorted list of sources up front (cheap: paths only), then read lazily one source at a
//! time, so a large corpus streams through the pipeline instead of sitting in memory.
//!
//! One decoding rule for every input: UTF-8, or UTF-16 after its byte-order mark, else Windows-1252 with a warning
//! (a `.txt` file as a whole, a JSONL line by itself); text with a NUL character is binary and skipped, and an input
//! with nothing in it is reported as empty (a `.txt` file, a `.jsonl` file, stdin).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use std::path::{Path, PathBuf};

use serde_json::Value;
use thiserror::Error;

/// One article of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Document id: for a `.txt` file the path relative to the directory given (or the path as given for a file);
    /// for JSONL the `id` field.
    pub id: String,
    /// First non-empty line of a `.txt` file, or the JSONL `title` field (else its first non-empty line).
    pub title: String,
    /// The article's text, as decoded.
    pub text: String,
}

/// What can go wrong reading the corpus. Every variant names the input (and line) it concerns.
#[derive(Debug, Error)]
pub enum CorpusError {
    /// An input named on the command line does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The input as given.
        path: String,
    },
    /// An input named on the command line (or a directory being listed) cannot be read: fatal.
    #[error("{path}: cannot read")]
    Io {
        /// The input.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A JSONL line that is not a usable article; the run goes on without it.
    #[error("{path}:{line}: {reason}")]
    BadLine {
        /// The JSONL file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
    /// A file found in a directory that cannot be used (empty, binary, unreadable); the run goes on without it.
    /// Neither this nor [`CorpusError::BadLine`] says "skipped" itself: the pipeline says what it does with them.
    #[error("{path}: {reason}")]
    Skipped {
        /// The file.
        path: String,
        /// Why it is skipped.
        reason: String,
    },
}

impl CorpusError {
    /// True for problems with one file or line that a run reports and skips (fatal only under `--strict`).
    pub fn is_skip(&self) -> bool {
        matches!(self, CorpusError::BadLine { .. } | CorpusError::Skipped { .. })
    }
}

/// Where articles come from, in reading order. `explicit` sources were named on the command line: failing to read
/// them is an error of the run (exit 2), while files found in a directory are reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Text {
        path: PathBuf,
        id: String,
        explicit: bool,
    },
    Jsonl {
        path: PathBuf,
        explicit: bool,
    },
    Stdin,
    /// A directory entry that could not be listed: reported and skipped when reached.
    Broken {
        path: String,
        reason: String,
    },
}

/// A lazy stream of articles over the inputs given on the command line.
pub struct Articles {
    sources: VecDeque<Source>,
    current: Option<JsonlLines>,
    /// Document ids seen so far, to warn about a repeated one (rows are keyed by `doc_id`).
    seen: std::collections::HashSet<String>,
    /// Where each id was first seen, for that warning.
    first_seen: std::collections::HashMap<String, String>,
    /// Every directory searched for articles (the inputs given and their subdirectories, as walked).
    searched: Vec<PathBuf>,
}

struct JsonlLines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line_no: usize,
    /// Lines that were not blank, to report an input with none as empty.
    records: usize,
}

impl JsonlLines {
    /// Reads JSONL from `input`: UTF-8 (a byte-order mark dropped), or UTF-16 after its byte-order mark, transcoded.
    fn new(name: String, input: impl Read + Send + 'static) -> JsonlLines {
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new().utf8_passthru(true).strip_bom(true).build(input);
        JsonlLines { name, reader: Box::new(BufReader::new(decoded)), line_no: 0, records: 0 }
    }
}

/// Opens the inputs: each a file (JSONL if it ends in `.jsonl`, else one text article, whatever its name: a file
/// named on the command line is what the user wants read), a directory (searched recursively for `.txt` and
/// `.jsonl` files, in sorted order) or `-` for JSONL on stdin. Fails at once, naming the path, if an input does not
/// exist or cannot be opened.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "Apple paid $5 billion.\n")?;
/// std::fs::write(dir.path().join("more.jsonl"), r#"{"id": "x1", "text": "Shares rose 3%."}"#)?;
/// let articles = nertab_core::corpus::read(&[dir.path().to_path_buf()])?;
/// // Lazy: files are opened as the stream reaches them; an unusable one is an `Err` item, not the end.
/// let ids: Vec<String> = articles.map(|a| a.map(|a| a.id)).collect::<Result<_, _>>()?;
/// assert_eq!(ids, ["a.txt", "x1"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read(inputs: &[PathBuf]) -> Result<Articles, CorpusError> {
    let mut sources = VecDeque::new();
    let mut searched = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            sources.push_back(Source::Stdin);
            continue;
        }
        let shown = input.display().to_string();
        let meta = std::fs::metadata(input).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => CorpusError::NotFound { path: shown.clone() },
            _ => CorpusError::Io { path: shown.clone(), source: e },
        })?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(input).follow_links(true).sort_by_file_name() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) if e.depth() > 0 => {
                        let path = e.path().map_or(shown.clone(), |p| p.display().to_string());
                        let reason = e.io_error().map_or_else(|| e.to_string(), |io| io.to_string());
                        found.push(Source::Broken { path, reason: reason.to_string() });
                        continue;
                    }
                    Err(e) => return Err(CorpusError::Io { path: shown.clone(), source: e.into() }),
                };
                let path = entry.path();
                let rel = path.strip_prefix(input).unwrap_or(path);
                let file_type = entry.file_type();
                if file_type.is_dir() {
                    searched.push(path.to_path_buf());
                    continue;
                }
                match source_for(path, rel.to_string_lossy().into_owned(), false) {
                    // A FIFO, socket or device named like an article would block or never end: say so, skip it.
                    Some(_) if !file_type.is_file() => found
                        .push(Source::Broken { path: path.display().to_string(), reason: "not a regular file".into() }),
                    Some(s) => found.push(s),
                    None => tracing::debug!("skipping {}", path.display()),
                }
            }
            if !found.iter().any(|s| matches!(s, Source::Text { .. } | Source::Jsonl { .. })) {
                tracing::warn!("{shown}: no .txt or .jsonl file in this directory");
            }
            sources.extend(found);
        } else {
            let source = source_for(input, shown.clone(), true).unwrap_or(Source::Text {
                path: input.clone(),
                id: shown.clone(),
                explicit: true,
            });
            // An input named on the command line must be readable: that is a usage error, not a skip.
            File::open(input).map_err(|e| CorpusError::Io { path: shown, source: e })?;
            sources.push_back(source);
        }
    }
    Ok(Articles { sources, current: None, seen: Default::default(), first_seen: Default::default(), searched })
}

impl Articles {
    /// Every file that will be read (named on the command line or found in a directory), stdin aside.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.sources.iter().filter_map(|s| match s {
            Source::Text { path, .. } | Source::Jsonl { path, .. } => Some(path.as_path()),
            Source::Stdin | Source::Broken { .. } => None,
        })
    }

    /// Every directory searched for articles: the directories given and, recursively, those inside them (symlinked
    /// ones included). A file named like an article ([`is_article_name`]) in one of them is read by the next run.
    pub fn searched_dirs(&self) -> &[PathBuf] {
        &self.searched
    }

    /// The size on disk of every input still to read, for a progress bar with an ETA; `None` when stdin is one of
    /// them (its size is unknown).
    pub fn total_bytes(&self) -> Option<u64> {
        let mut total = 0;
        for source in &self.sources {
            match source {
                Source::Text { path, .. } | Source::Jsonl { path, .. } => {
                    total += std::fs::metadata(path).map_or(0, |m| m.len());
                }
                Source::Stdin => return None,
                Source::Broken { .. } => {}
            }
        }
        Some(total)
    }
}

/// Whether a file of this name found in a directory is read as articles: `.txt` or `.jsonl`, any case.
pub fn is_article_name(path: &Path) -> bool {
    source_for(path, String::new(), false).is_some()
}

/// The source for a file by its extension: `.txt` or `.jsonl` (any case); other names are not articles when found in
/// a directory.
fn source_for(path: &Path, id: String, explicit: bool) -> Option<Source> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("txt") => Some(Source::Text { path: path.to_path_buf(), id, explicit }),
        Some("jsonl") => Some(Source::Jsonl { path: path.to_path_buf(), explicit }),
        _ => None,
    }
}

/// Why text is not an article: it holds a NUL character (a binary file, or a NUL in a JSONL string).
pub const BINARY: &str = "binary (NUL bytes)";

/// Decodes bytes as UTF-8 (dropping a byte-order mark), or as UTF-16 when they start with its byte-order mark
/// (Windows' "Unicode" text), falling back to Windows-1252 (a superset of Latin-1's printable range) with a warning,
/// so that one mis-encoded file does not stop a run. Offsets in the table refer to the decoded text.
pub fn decode(mut bytes: Vec<u8>, name: &str) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding != encoding_rs::UTF_8 {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
            if malformed {
                tracing::warn!("{name}: malformed {}, decoded with U+FFFD for the bad units", encoding.name());
            }
            return text.into_owned();
        }
        bytes.drain(..bom);
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("{name}: not valid UTF-8, decoded as Windows-1252");
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            text.into_owned()
        }
    }
}

/// One JSONL line's bytes as text: UTF-8, else Windows-1252 with a warning naming `name` (`path:line`), as a `.txt`
/// file is decoded.
fn decode_line<'a>(bytes: &'a [u8], name: &dyn std::fmt::Display) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(line) => Cow::Borrowed(line),
        Err(_) => {
            tracing::warn!("{name}: not valid UTF-8, decoded as Windows-1252");
            encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0
        }
    }
}

/// Why a file's bytes are not an article, if they are not: empty (or only white space) or binary (NUL bytes). A
/// UTF-16 file with its byte-order mark has zero bytes in every other place: it is judged by [`article_text`] once
/// decoded.
pub fn unusable(bytes: &[u8]) -> Option<&'static str> {
    if bytes.contains(&0) {
        Some(BINARY)
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        Some("empty")
    } else {
        None
    }
}

/// A `.txt` file's bytes as its article's text ([`decode`]), or why they are not one ([`unusable`]; for UTF-16,
/// the same rules on the decoded text).
pub fn article_text(bytes: Vec<u8>, name: &str) -> Result<String, &'static str> {
    let utf16 = encoding_rs::Encoding::for_bom(&bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8);
    if !utf16 {
        if let Some(reason) = unusable(&bytes) {
            return Err(reason);
        }
        return Ok(decode(bytes, name));
    }
    let text = decode(bytes, name);
    if text.contains('\0') {
        Err(BINARY)
    } else if text.trim().is_empty() {
        Err("empty")
    } else {
        Ok(text)
    }
}

/// What a JSON value is, for messages: `null`, `a number`, `an array`, …
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSONL line as an article's id, title and text, or why it is not one.
fn parse_article(line: &str) -> Result<(String, Option<String>, String), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(mut fields) = value else {
        return Err(format!("not a JSON object ({})", json_kind(&value)));
    };
    let text = match fields.remove("text") {
        None => return Err("no \"text\" field".into()),
        Some(Value::String(text)) => text,
        Some(other) => return Err(format!("\"text\" is {}, not a string", json_kind(&other))),
    };
    let id = match fields.remove("id") {
        None => return Err("no \"id\" field".into()),
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(format!("\"id\" is {}, not a string or number", json_kind(&other))),
    };
    let title = match fields.remove("title") {
        None | Some(Value::Null) => None,
        Some(Value::String(title)) => Some(title),
        Some(other) => return Err(format!("\"title\" is {}, not a string", json_kind(&other))),
    };
    if [&text, &id].into_iter().chain(&title).any(|s| s.contains('\0')) {
        return Err(BINARY.into());
    }
    Ok((id, title, text))
}

/// The first non-empty line, trimmed.
pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// The title and the text to extract from. A JSONL `title` is part of the article, as a `.txt` file's first line
/// is: unless the text already starts with it, the text becomes `title + "\n\n" + text`, so the title's entities
/// and amounts get rows, and every offset refers to that joined text.
fn with_title(title: Option<String>, text: String) -> (String, String) {
    match title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
        Some(t) if !text.trim_start().starts_with(&t) => {
            let joined = format!("{t}\n\n{text}");
            (t, joined)
        }
        Some(t) => (t, text),
        None => (first_line(&text).to_string(), text),
    }
}

impl Articles {
    /// Warns when an id was already used by an earlier article: rows are keyed by `doc_id`, so a repeated id merges
    /// two articles in the table.
    fn check_id(&mut self, article: &Article, place: String) {
        if !self.seen.insert(article.id.clone()) {
            let first = self.first_seen.get(&article.id).cloned().unwrap_or_default();
            let id = crate::text::shown(&article.id);
            tracing::warn!("{place}: id {id:?} already used by {first}: their rows share one doc_id");
        } else {
            self.first_seen.insert(article.id.clone(), place);
        }
    }

    fn next_json(&mut self) -> Option<Result<(Article, String), CorpusError>> {
        let cur = self.current.as_mut()?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match cur.reader.read_until(b'\n', &mut buf) {
                Ok(0) if cur.records == 0 => {
                    // Said once: the next call finds no current input.
                    let path = cur.name.clone();
                    self.current = None;
                    return Some(Err(CorpusError::Skipped { path, reason: "empty".into() }));
                }
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Err(CorpusError::Skipped {
                        path: cur.name.clone(),
                        reason: format!("{e} (the rest of the file)"),
                    }))
                }
            }
            cur.line_no += 1;
            let place = format!("{}:{}", cur.name, cur.line_no);
            let line = decode_line(&buf, &place);
            if line.trim().is_empty() {
                continue;
            }
            cur.records += 1;
            let (id, title, text) = match parse_article(&line) {
                Ok(article) => article,
                Err(reason) => {
                    return Some(Err(CorpusError::BadLine { path: cur.name.clone(), line: cur.line_no, reason }))
                }
            };
            if text.trim().is_empty() {
                return Some(Err(CorpusError::BadLine {
                    path: cur.name.clone(),
                    line: cur.line_no,
                    reason: "empty \"text\"".into(),
                }));
            }
            if id.trim().is_empty() {
                tracing::warn!("{place}: empty \"id\": its rows get an empty doc_id");
            }
            let (title, text) = with_title(title, text);
            return Some(Ok((Article { id, title, text }, place)));
        }
    }
}

impl Iterator for Articles {
    type Item = Result<Article, CorpusError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.next_untracked()?;
        Some(item.map(|(article, place)| {
            self.check_id(&article, place);
            article
        }))
    }
}

impl Articles {
    /// The next article and where it came from (`path` or `path:line`), before the id check.
    fn next_untracked(&mut self) -> Option<Result<(Article, String), CorpusError>> {
        loop {
            if let Some(item) = self.next_json() {
                return Some(item);
            }
            self.current = None;
            let lines = match self.sources.pop_front()? {
                Source::Text { path, id, explicit } => {
                    let shown = path.display().to_string();
                    let mut bytes = Vec::new();
                    if let Err(e) = File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)) {
                        return Some(Err(if explicit {
                            CorpusError::Io { path: shown, source: e }
                        } else {
                            CorpusError::Skipped { path: shown, reason: e.to_string() }
                        }));
                    }
                    let text = match article_text(bytes, &shown) {
                        Ok(text) => text,
                        Err(reason) => return Some(Err(CorpusError::Skipped { path: shown, reason: reason.into() })),
                    };
                    let title = first_line(&text).to_string();
                    return Some(Ok((Article { id, title, text }, shown)));
                }
                Source::Jsonl { path, explicit } => {
                    let shown = path.display().to_string();
                    match File::open(&path) {
                        Ok(f) => JsonlLines::new(shown, f),
                        Err(e) if explicit => return Some(Err(CorpusError::Io { path: shown, source: e })),
                        Err(e) => return Some(Err(CorpusError::Skipped { path: shown, reason: e.to_string() })),
                    }
                }
                Source::Stdin => JsonlLines::new("<stdin>".to_string(), io::stdin()),
                Source::Broken { path, reason } => return Some(Err(CorpusError::Skipped { path, reason })),
            };
            self.current = Some(lines);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn reads_directories_recursively_in_order() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("b.txt"), "\n  Second title \nbody").unwrap();
        fs::write(dir.path().join("sub/a.txt"), "Sub title\ntext").unwrap();
        fs::write(dir.path().join("skip.csv"), "x").unwrap();
        fs::write(
            dir.path().join("c.jsonl"),
            "{\"id\": 7, \"text\": \"Hello\\nworld\"}\n\n{\"id\": \"x\", \"title\": \"T\", \"text\": \"t\"}\n",
        )
        .unwrap();
        let got: Vec<Article> = read(&[dir.path().to_path_buf()]).unwrap().collect::<Result<_, _>>().unwrap();
        let ids: Vec<&str> = got.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["b.txt", "7", "x", "sub/a.txt"]);
        assert_eq!(got[0].title, "Second title");
        assert_eq!(got[0].text, "\n  Second title \nbody");
        assert_eq!(got[1].title, "Hello");
        assert_eq!(got[2].title, "T");
        assert_eq!(got[3].title, "Sub title");
    }

    #[test]
    fn file_input_keeps_path_as_id() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("one.txt");
        fs::write(&p, "Only").unwrap();
        let got: Vec<Article> = read(std::slice::from_ref(&p)).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(got[0].id, p.display().to_string());
    }

    #[test]
    fn errors_name_the_path_and_line() {
        let err = read(&[PathBuf::from("/no/such/dir")]).err().unwrap();
        assert_eq!(err.to_string(), "/no/such/dir: no such file or directory");
        let dir = tempfile::tempdir().unwrap();
        // A file named explicitly is read as text whatever its name (a `.pdf` in a directory is passed over).
        let p = dir.path().join("x.pdf");
        fs::write(&p, "Plain text").unwrap();
        let got: Vec<Article> = read(std::slice::from_ref(&p)).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(got[0].text, "Plain text");
        let p = dir.path().join("bad.jsonl");
        fs::write(&p, "{\"id\":1,\"text\":\"ok\"}\n{broken\n{\"id\":2}\n").unwrap();
        let got: Vec<_> = read(std::slice::from_ref(&p)).unwrap().collect();
        assert!(got[0].is_ok());
        let e1 = got[1].as_ref().unwrap_err().to_string();
        assert!(e1.starts_with(&format!("{}:2: invalid JSON", p.display())), "{e1}");
        assert_eq!(got[2].as_ref().unwrap_err().to_string(), format!("{}:3: no \"text\" field", p.display()));
        assert!(got[1].as_ref().unwrap_err().is_skip());
    }

    #[test]
    fn jsonl_bom_is_dropped_and_a_title_is_part_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("edge.jsonl");
        let lines = [
            "\u{feff}{\"id\": \"a\", \"title\": \"Microsoft buys Activision for $69 billion\", \"text\": \"The deal closed.\"}",
            "{\"id\": \"b\", \"title\": \"Same start\", \"text\": \"Same start\\nBody.\"}",
            "{\"id\": \"c\", \"title\": \"  \", \"text\": \"First line\\nBody.\"}",
        ];
        fs::write(&p, lines.join("\n")).unwrap();
        let got: Vec<Article> = read(std::slice::from_ref(&p)).unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 3, "the BOM line is a record");
        assert_eq!(got[0].title, "Microsoft buys Activision for $69 billion");
        assert_eq!(got[0].text, "Microsoft buys Activision for $69 billion\n\nThe deal closed.");
        assert_eq!(got[1].text, "Same start\nBody.", "a title the text starts with is not repeated");
        assert_eq!((got[2].title.as_str(), got[2].text.as_str()), ("First line", "First line\nBody."));
    }

    /// A file named on the command line that cannot be read ends the run (exit 2), where the same file found in a
    /// directory would be skipped. `/proc/self/mem` opens but fails on the first read, even for root.
    #[test]
    fn an_unreadable_file_named_explicitly_is_an_error_not_a_skip() {
        let got: Vec<_> = read(&[PathBuf::from("/proc/self/mem")]).unwrap().collect();
        let err = got[0].as_ref().unwrap_err();
        assert!(!err.is_skip(), "{err}");
        assert!(err.to_string().starts_with("/proc/self/mem: cannot read"), "{err}");
    }

    #[test]
    fn a_fifo_in_a_directory_is_reported_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path in a fresh temporary directory.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        fs::write(dir.path().join("real.txt"), "Real text").unwrap();
        let got: Vec<_> = read(&[dir.path().to_path_buf()]).unwrap().collect();
        let err = got[0].as_ref().unwrap_err();
        assert!(err.is_skip() && err.to_string().ends_with("pipe.txt: not a regular file"), "{err}");
        assert_eq!(got[1].as_ref().unwrap().text, "Real text");
    }

    #[test]
    fn windows_1252_fallback_and_bom() {
        assert_eq!(decode(vec![b'Z', 0xfc, b'r'], "x"), "Zür");
        assert_eq!(decode(vec![0x93, b'h', b'i', 0x94, b' ', 0x80, b'5'], "x"), "\u{201c}hi\u{201d} €5");
        assert_eq!(decode("Zür".as_bytes().to_vec(), "x"), "Zür");
        assert_eq!(decode(b"\xEF\xBB\xBFTitle".to_vec(), "x"), "Title");
    }

    #[test]
    fn empty_binary_and_broken_files_are_skipped_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a_empty.txt"), " \n\t").unwrap();
        fs::write(dir.path().join("b_binary.txt"), b"PK\x03\x04\x00\x00").unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("c_dangling.txt")).unwrap();
        fs::write(dir.path().join("d_good.txt"), "Good\n$5").unwrap();
        fs::write(
            dir.path().join("e.jsonl"),
            b"{\"id\":1,\"text\":\"  \"}\n{\"id\":3,\"text\":\"Caf\xe9\"}\n{\"id\":2,\"text\":\"ok\"}\n",
        )
        .unwrap();
        fs::write(dir.path().join("f_empty.jsonl"), "\n  \n").unwrap();
        fs::write(
            dir.path().join("g.jsonl"),
            "{\"id\":\"n\",\"text\":\"a\\u0000b\"}\n[1,2]\n{\"id\":4,\"text\":null}\n",
        )
        .unwrap();
        let got: Vec<Result<Article, CorpusError>> = read(&[dir.path().to_path_buf()]).unwrap().collect();
        let errors: Vec<String> = got.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
        assert!(got.iter().filter_map(|r| r.as_ref().err()).all(CorpusError::is_skip));
        let ends = [
            "a_empty.txt: empty",
            "b_binary.txt: binary (NUL bytes)",
            "c_dangling.txt: No such file or directory (os error 2)",
            "e.jsonl:1: empty \"text\"",
            "f_empty.jsonl: empty",
            "g.jsonl:1: binary (NUL bytes)",
            "g.jsonl:2: not a JSON object (an array)",
            "g.jsonl:3: \"text\" is null, not a string",
        ];
        assert_eq!(errors.len(), ends.len(), "{errors:?}");
        for (e, end) in errors.iter().zip(ends) {
            assert!(e.ends_with(end), "{e} should end with {end}");
        }
        let got: Vec<(String, String)> = got.into_iter().filter_map(Result::ok).map(|a| (a.id, a.text)).collect();
        let expected = [("d_good.txt", "Good\n$5"), ("3", "Café"), ("2", "ok")];
        assert_eq!(got, expected.map(|(i, t)| (i.to_string(), t.to_string())));
    }

    #[test]
    fn utf16_with_its_bom_is_decoded_in_txt_and_jsonl() {
        let dir = tempfile::tempdir().unwrap();
        let utf16 = |text: &str, big: bool| -> Vec<u8> {
            let mut bytes = if big { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
            for unit in text.encode_utf16() {
                bytes.extend(if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
            }
            bytes
        };
        fs::write(dir.path().join("a_le.txt"), utf16("Zürich rose 5%.", false)).unwrap();
        fs::write(dir.path().join("b_be.txt"), utf16("Zürich rose 6%.", true)).unwrap();
        fs::write(dir.path().join("c_blank.txt"), utf16(" \n ", false)).unwrap();
        fs::write(dir.path().join("d.jsonl"), utf16("{\"id\":\"j\",\"text\":\"Zürich 7%\"}\n", false)).unwrap();
        let got: Vec<Result<Article, CorpusError>> = read(&[dir.path().to_path_buf()]).unwrap().collect();
        let texts: Vec<String> = got.iter().filter_map(|r| r.as_ref().ok()).map(|a| a.text.clone()).collect();
        assert_eq!(texts, ["Zürich rose 5%.", "Zürich rose 6%.", "Zürich 7%"]);
        let errors: Vec<String> = got.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].ends_with("c_blank.txt: empty"), "{errors:?}");
    }
}
