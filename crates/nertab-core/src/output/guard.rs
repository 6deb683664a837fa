//! Refusing, before any work is done, an output that would overwrite an input or the other output.
//!
//! Paths are compared by what they reach, not by how they are spelled: an output that exists is compared by device
//! and inode with every file the run will read (so `./a.jsonl`, `d/../a.jsonl`, a symlink and a hard link are all
//! the input `a.jsonl`); one that does not exist yet by its canonical path (links followed, `.` and `..` resolved),
//! which is also checked against the directories searched for articles: a new `.txt` or `.jsonl` table written into
//! one of them would be read as an article by the next run over the same inputs. stdout (`-`), FIFOs and character
//! devices are streams, not files a run could overwrite: they are not compared.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};

use super::atomic::resolve_links;
use super::OutputError;
use crate::corpus::{self, Articles};

/// What a file is, whatever the path that reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(meta: &fs::Metadata) -> FileId {
        FileId { dev: meta.dev(), ino: meta.ino() }
    }
}

/// Where an output path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// stdout, a FIFO or a character device: written as a stream, never replaced.
    Stream,
    /// A file that exists (or anything else that exists: the sink refuses a directory itself).
    Existing(FileId),
    /// A file the run would create, at this canonical path.
    New(PathBuf),
}

/// Refuses (as [`OutputError::Clash`], naming both paths) any of `outputs` (each with the option that named it, e.g.
/// `("-o", path)`) that is a file `articles` will read, a new article-named file inside a directory it searches, or
/// the same file as another of `outputs`. Nothing is created or read but file metadata.
pub fn check(articles: &Articles, outputs: &[(&str, &Path)]) -> Result<(), OutputError> {
    let mut places = Vec::with_capacity(outputs.len());
    for &(flag, path) in outputs {
        let place = place(path).map_err(|source| OutputError::Io { path: path.display().to_string(), source })?;
        places.push((flag, path, place));
    }
    let clash = |path: &Path, reason: String| OutputError::Clash { path: path.display().to_string(), reason };
    // Looked up once, and only when an output needs them. An input that cannot be looked at now fails when it is
    // read, with its own message.
    let mut inputs: Option<HashMap<FileId, &Path>> = None;
    let mut dirs: Option<Vec<(PathBuf, &Path)>> = None;
    for (i, (flag, path, place)) in places.iter().enumerate() {
        for (other_flag, other, other_place) in &places[..i] {
            if *place != Place::Stream && place == other_place {
                return Err(clash(path, format!("{flag} is the same file as {other_flag} {}", other.display())));
            }
        }
        match place {
            Place::Stream => {}
            Place::Existing(id) => {
                let inputs = inputs.get_or_insert_with(|| {
                    let mut ids = HashMap::new();
                    for file in articles.files() {
                        if let Ok(meta) = fs::metadata(file) {
                            // The first spelling read names the file in the message.
                            ids.entry(FileId::of(&meta)).or_insert(file);
                        }
                    }
                    ids
                });
                if let Some(input) = inputs.get(id) {
                    let reason =
                        format!("{flag} is the same file as the input {}: it would be overwritten", input.display());
                    return Err(clash(path, reason));
                }
            }
            Place::New(canonical) if corpus::is_article_name(canonical) => {
                let dirs = dirs.get_or_insert_with(|| {
                    let dirs = articles.searched_dirs().iter();
                    dirs.filter_map(|d| Some((fs::canonicalize(d).ok()?, d.as_path()))).collect()
                });
                if let Some((_, dir)) = dirs.iter().find(|(canonical_dir, _)| canonical.starts_with(canonical_dir)) {
                    let reason = format!(
                        "{flag} would write a file named like an article into the input directory {}, where it \
                         would be read as input",
                        dir.display()
                    );
                    return Err(clash(path, reason));
                }
            }
            Place::New(_) => {}
        }
    }
    Ok(())
}

/// What `path` reaches: a stream, an existing file's identity, or where a new file would be created.
fn place(path: &Path) -> io::Result<Place> {
    if path.as_os_str() == "-" {
        return Ok(Place::Stream);
    }
    match fs::metadata(path) {
        Ok(meta) => {
            let kind = meta.file_type();
            Ok(if kind.is_fifo() || kind.is_char_device() { Place::Stream } else { Place::Existing(FileId::of(&meta)) })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Place::New(canonical_new(path)?)),
        Err(e) => Err(e),
    }
}

/// The canonical path a new file at `path` would get, as the sinks create it: symlinks of the last component
/// followed (a dangling link creates its target), the longest existing ancestor canonicalized, and the components
/// still to be created (plain directories) resolved as written.
fn canonical_new(path: &Path) -> io::Result<PathBuf> {
    let target = std::path::absolute(resolve_links(path)?)?;
    let components: Vec<Component> = target.components().collect();
    Ok(resolve(&components))
}

/// `components` canonicalized as far as they exist; the rest, which does not exist yet and so holds no links,
/// resolved as written.
fn resolve(components: &[Component]) -> PathBuf {
    let whole: PathBuf = components.iter().collect();
    if let Ok(canonical) = fs::canonicalize(&whole) {
        return canonical;
    }
    match components.split_last() {
        Some((Component::Normal(name), parent)) => resolve(parent).join(name),
        Some((Component::ParentDir, parent)) => {
            let mut dir = resolve(parent);
            dir.pop();
            dir
        }
        Some((Component::CurDir, parent)) => resolve(parent),
        Some((Component::RootDir | Component::Prefix(_), _)) | None => whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_paths_are_canonical_whatever_their_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(root.join("a")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("link")).unwrap();
        std::os::unix::fs::symlink("a/new.csv", root.join("dangling.csv")).unwrap();
        let want = root.join("a/new.csv");
        for spelling in ["a/new.csv", "a/./new.csv", "a/missing/../new.csv", "link/new.csv", "dangling.csv"] {
            assert_eq!(canonical_new(&root.join(spelling)).unwrap(), want, "{spelling}");
        }
        assert_eq!(canonical_new(&root.join("a/sub/t.csv")).unwrap(), root.join("a/sub/t.csv"));
    }

    #[test]
    fn streams_are_not_files() {
        assert_eq!(place(Path::new("-")).unwrap(), Place::Stream);
        assert_eq!(place(Path::new("/dev/null")).unwrap(), Place::Stream);
    }
}
