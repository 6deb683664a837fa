//! The table formats `--format` offers, and which one a path's extension picks: the one place to add a format.

use std::path::Path;

/// A table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// RFC 4180 CSV with a header row.
    Csv,
    /// One JSON object per mention per line, no header.
    Jsonl,
    /// An Excel workbook: sheets `mentions` and `entities`.
    Xlsx,
}

impl Format {
    /// The format a path asks for by its extension (any case): `.jsonl` is JSONL, `.xlsx` a workbook; anything
    /// else, stdout (`-`) included, is CSV.
    pub fn for_path(path: &Path) -> Format {
        Format::named_by(path).unwrap_or(Format::Csv)
    }

    /// The format whose extension `path` has (any case: `.csv`, `.jsonl`, `.xlsx`), if any.
    pub fn named_by(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Some(Format::Csv),
            Some("jsonl") => Some(Format::Jsonl),
            Some("xlsx") => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The format's name and file extension (without the dot), as `--format` takes it.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Xlsx => "xlsx",
        }
    }

    /// The suffix of the temporary file a table of this format is written to before its rename.
    pub fn temp_suffix(self) -> &'static str {
        match self {
            Format::Csv => ".csv.tmp",
            Format::Jsonl => ".jsonl.tmp",
            Format::Xlsx => ".xlsx.tmp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_picks_the_format() {
        assert_eq!(Format::for_path(Path::new("out/k.jsonl")), Format::Jsonl);
        assert_eq!(Format::for_path(Path::new("K.JSONL")), Format::Jsonl);
        assert_eq!(Format::for_path(Path::new("k.csv")), Format::Csv);
        assert_eq!(Format::for_path(Path::new("Book.XLSX")), Format::Xlsx);
        assert_eq!(Format::for_path(Path::new("k")), Format::Csv);
        assert_eq!(Format::for_path(Path::new("-")), Format::Csv);
        assert_eq!(Format::named_by(Path::new("out.CSV")), Some(Format::Csv));
        assert_eq!(Format::named_by(Path::new("out.txt")), None);
        assert_eq!(Format::named_by(Path::new("-")), None);
    }
}
