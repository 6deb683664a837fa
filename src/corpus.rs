//! Reading articles: `.txt` files (one article each), `.jsonl` files (one article per line) and JSONL on stdin.
//!
//! Inputs are expanded into a sorted list of sources up front (cheap: paths only), then read lazily one source at a
//! time, so a large corpus streams through the pipeline instead of sitting in memory.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use std::path::{Path, PathBuf};

use serde::Deserialize;
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

#[derive(Debug, Error)]
pub enum CorpusError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: not a .txt or .jsonl file")]
    Unsupported { path: String },
    #[error("{path}:{line}: {reason}")]
    BadLine { path: String, line: usize, reason: String },
    /// A file found in a directory that cannot be used (empty, binary, unreadable); the run goes on without it.
    #[error("{path}: {reason}")]
    Skipped { path: String, reason: String },
}

impl CorpusError {
    /// True for problems with one file or line that a run reports and skips (fatal only under `--strict`).
    pub fn is_skip(&self) -> bool {
        matches!(self, CorpusError::BadLine { .. } | CorpusError::Skipped { .. })
    }
}

/// Where articles come from, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Text {
        path: PathBuf,
        id: String,
    },
    Jsonl {
        path: PathBuf,
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
}

struct JsonlLines {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line_no: usize,
}

#[derive(Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    text: Option<String>,
    title: Option<String>,
}

/// Opens the inputs: each a `.txt` file, a `.jsonl` file, a directory (searched recursively for both, in sorted
/// order) or `-` for JSONL on stdin. Fails at once, naming the path, if an input does not exist or cannot be listed.
pub fn read(inputs: &[PathBuf]) -> Result<Articles, CorpusError> {
    let mut sources = VecDeque::new();
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
                        found.push(Source::Broken { path, reason: format!("{reason}, skipped") });
                        continue;
                    }
                    Err(e) => return Err(CorpusError::Io { path: shown.clone(), source: e.into() }),
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let rel = path.strip_prefix(input).unwrap_or(path);
                match source_for(path, rel.to_string_lossy().into_owned()) {
                    Some(s) => found.push(s),
                    None => tracing::debug!("skipping {}", path.display()),
                }
            }
            sources.extend(found);
        } else {
            let source = source_for(input, shown.clone()).ok_or(CorpusError::Unsupported { path: shown.clone() })?;
            // An input named on the command line must be readable: that is a usage error, not a skip.
            File::open(input).map_err(|e| CorpusError::Io { path: shown, source: e })?;
            sources.push_back(source);
        }
    }
    Ok(Articles { sources, current: None })
}

fn source_for(path: &Path, id: String) -> Option<Source> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("txt") => Some(Source::Text { path: path.to_path_buf(), id }),
        Some("jsonl") => Some(Source::Jsonl { path: path.to_path_buf() }),
        _ => None,
    }
}

/// Decodes bytes as UTF-8 (dropping a byte-order mark), falling back to Windows-1252 (a superset of Latin-1's
/// printable range) with a warning, so that one mis-encoded file does not stop a run. Offsets in the table refer to
/// the decoded text.
pub fn decode(mut bytes: Vec<u8>, name: &str) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
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

/// Why a file's bytes are not an article, if they are not: empty (or only white space) or binary (NUL bytes).
pub fn unusable(bytes: &[u8]) -> Option<&'static str> {
    if bytes.contains(&0) {
        Some("binary file (NUL bytes), skipped")
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        Some("empty, skipped")
    } else {
        None
    }
}

/// The first non-empty line, trimmed.
pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

impl Articles {
    fn next_json(&mut self) -> Option<Result<Article, CorpusError>> {
        let cur = self.current.as_mut()?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match cur.reader.read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Err(CorpusError::Skipped {
                        path: cur.name.clone(),
                        reason: format!("{e}, rest skipped"),
                    }))
                }
            }
            cur.line_no += 1;
            let bad = |reason: String| CorpusError::BadLine { path: cur.name.clone(), line: cur.line_no, reason };
            let line = match std::str::from_utf8(&buf) {
                Ok(l) => l,
                Err(_) => return Some(Err(bad("not valid UTF-8, line skipped".into()))),
            };
            if line.trim().is_empty() {
                continue;
            }
            let parsed: JsonArticle = match serde_json::from_str(line) {
                Ok(p) => p,
                Err(e) => return Some(Err(bad(format!("invalid JSON: {e}, line skipped")))),
            };
            let Some(text) = parsed.text else { return Some(Err(bad("no \"text\" field, line skipped".into()))) };
            let id = match parsed.id {
                Some(serde_json::Value::String(s)) => s,
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(_) => return Some(Err(bad("\"id\" is not a string or number, line skipped".into()))),
                None => return Some(Err(bad("no \"id\" field, line skipped".into()))),
            };
            if text.trim().is_empty() {
                return Some(Err(bad("empty \"text\", line skipped".into())));
            }
            let title = parsed.title.unwrap_or_else(|| first_line(&text).to_string());
            return Some(Ok(Article { id, title, text }));
        }
    }
}

impl Iterator for Articles {
    type Item = Result<Article, CorpusError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.next_json() {
                return Some(item);
            }
            self.current = None;
            let (path, reader): (String, Box<dyn BufRead + Send>) = match self.sources.pop_front()? {
                Source::Text { path, id } => {
                    let shown = path.display().to_string();
                    let mut bytes = Vec::new();
                    if let Err(e) = File::open(&path).and_then(|mut f| f.read_to_end(&mut bytes)) {
                        return Some(Err(CorpusError::Skipped { path: shown, reason: format!("{e}, skipped") }));
                    }
                    if let Some(reason) = unusable(&bytes) {
                        return Some(Err(CorpusError::Skipped { path: shown, reason: reason.into() }));
                    }
                    let text = decode(bytes, &shown);
                    let title = first_line(&text).to_string();
                    return Some(Ok(Article { id, title, text }));
                }
                Source::Jsonl { path } => {
                    let shown = path.display().to_string();
                    match File::open(&path) {
                        Ok(f) => (shown, Box::new(BufReader::new(f))),
                        Err(e) => {
                            return Some(Err(CorpusError::Skipped { path: shown, reason: format!("{e}, skipped") }))
                        }
                    }
                }
                Source::Stdin => ("<stdin>".to_string(), Box::new(BufReader::new(io::stdin()))),
                Source::Broken { path, reason } => return Some(Err(CorpusError::Skipped { path, reason })),
            };
            self.current = Some(JsonlLines { name: path, reader, line_no: 0 });
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
        let p = dir.path().join("x.pdf");
        fs::write(&p, "x").unwrap();
        assert!(read(&[p]).err().unwrap().to_string().ends_with("x.pdf: not a .txt or .jsonl file"));
        let p = dir.path().join("bad.jsonl");
        fs::write(&p, "{\"id\":1,\"text\":\"ok\"}\n{broken\n{\"id\":2}\n").unwrap();
        let got: Vec<_> = read(std::slice::from_ref(&p)).unwrap().collect();
        assert!(got[0].is_ok());
        let e1 = got[1].as_ref().unwrap_err().to_string();
        assert!(e1.starts_with(&format!("{}:2: invalid JSON", p.display())), "{e1}");
        assert_eq!(
            got[2].as_ref().unwrap_err().to_string(),
            format!("{}:3: no \"text\" field, line skipped", p.display())
        );
        assert!(got[1].as_ref().unwrap_err().is_skip());
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
        fs::write(dir.path().join("e.jsonl"), b"{\"id\":1,\"text\":\"  \"}\n\xff\xfe\n{\"id\":2,\"text\":\"ok\"}\n")
            .unwrap();
        let got: Vec<Result<Article, CorpusError>> = read(&[dir.path().to_path_buf()]).unwrap().collect();
        let errors: Vec<String> = got.iter().filter_map(|r| r.as_ref().err()).map(|e| e.to_string()).collect();
        assert!(got.iter().filter_map(|r| r.as_ref().err()).all(CorpusError::is_skip));
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(errors[0].ends_with("a_empty.txt: empty, skipped"));
        assert!(errors[1].ends_with("b_binary.txt: binary file (NUL bytes), skipped"));
        assert!(errors[2].contains("c_dangling.txt"));
        assert!(errors[3].ends_with("e.jsonl:1: empty \"text\", line skipped"));
        assert!(errors[4].ends_with("e.jsonl:2: not valid UTF-8, line skipped"));
        let ids: Vec<String> = got.into_iter().filter_map(Result::ok).map(|a| a.id).collect();
        assert_eq!(ids, vec!["d_good.txt", "2"]);
    }
}
