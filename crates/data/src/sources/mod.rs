//! Readers for the dataset files, and detection of which dataset a folder holds from its file
//! names. Every reader skips bad rows and counts them by reason (or, strict, fails on the first
//! with its file and line); none panics on any input.

pub mod kaggle;
pub mod movielens;
pub mod tmdb5000;
pub mod tmdb_api;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::catalogue::Skips;
use crate::ratings::{RatingsError, RatingsFormat};

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Ratings { path: PathBuf, source: RatingsError },
    #[error("{}: line {line}: {reason}", path.display())]
    Strict {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{}: missing column {column:?}", path.display())]
    MissingColumn { path: PathBuf, column: &'static str },
    #[error("{}: no known dataset files here (see `nextflex import --help`)", .0.display())]
    Unrecognised(PathBuf),
}

/// What a file is, judged by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    KaggleMetadata,
    KaggleCredits,
    KaggleKeywords,
    Links,
    Tmdb5000Movies,
    Tmdb5000Credits,
    MovieLensMovies,
    MovieLensItems,
    MovieLensMoviesDat,
    MovieLensTags,
    Ratings(RatingsFormat),
}

/// One recognised file of a dataset folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFile {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// The recognised files of a folder (or one file), with the dataset name ratings go under: the
/// folder's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetDir {
    pub name: String,
    pub files: Vec<DatasetFile>,
}

/// Recognises a file by name; `.gz` is looked through.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let name = name
        .strip_suffix(".csv")
        .map_or_else(|| name.to_string(), |n| format!("{n}.csv"));
    Some(match name.as_str() {
        "movies_metadata.csv" => FileKind::KaggleMetadata,
        "credits.csv" => FileKind::KaggleCredits,
        "keywords.csv" => FileKind::KaggleKeywords,
        "links.csv" | "links_small.csv" => FileKind::Links,
        "tmdb_5000_movies.csv" => FileKind::Tmdb5000Movies,
        "tmdb_5000_credits.csv" => FileKind::Tmdb5000Credits,
        "movies.csv" => FileKind::MovieLensMovies,
        "u.item" => FileKind::MovieLensItems,
        "movies.dat" => FileKind::MovieLensMoviesDat,
        "tags.csv" => FileKind::MovieLensTags,
        "ratings.csv" | "ratings_small.csv" => FileKind::Ratings(RatingsFormat::Csv),
        "u.data" => FileKind::Ratings(RatingsFormat::Tab),
        "ratings.dat" => FileKind::Ratings(RatingsFormat::DoubleColon),
        _ => return None,
    })
}

/// The datasets at `path`: a dataset folder, a single file, or a folder whose subfolders are
/// dataset folders (such as data/demo), each becoming a dataset of its own.
pub fn scan(path: &Path) -> Result<Vec<DatasetDir>, DataError> {
    match scan_one(path) {
        Err(DataError::Unrecognised(_)) if path.is_dir() => {
            let mut subdirs: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| DataError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            subdirs.sort();
            let found: Vec<DatasetDir> = subdirs.iter().filter_map(|d| scan_one(d).ok()).collect();
            if found.is_empty() {
                Err(DataError::Unrecognised(path.to_path_buf()))
            } else {
                Ok(found)
            }
        }
        other => other.map(|d| vec![d]),
    }
}

/// Lists the dataset files of one folder (not recursive), or takes a single file.
fn scan_one(path: &Path) -> Result<DatasetDir, DataError> {
    let io = |e| DataError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let (dir, mut candidates) = if meta.is_dir() {
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io)? {
            paths.push(entry.map_err(io)?.path());
        }
        (path.to_path_buf(), paths)
    } else {
        let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (parent, vec![path.to_path_buf()])
    };
    candidates.sort();
    let mut files: Vec<DatasetFile> = candidates
        .into_iter()
        .filter_map(|p| kind_of(&p).map(|kind| DatasetFile { path: p, kind }))
        .collect();
    // Where both links.csv and links_small.csv (or ratings and ratings_small) are present,
    // the full file covers the small one.
    let names: Vec<String> = files.iter().map(|f| file_stem(&f.path)).collect();
    files.retain(|f| {
        let stem = file_stem(&f.path);
        !(stem.ends_with("_small") && names.contains(&stem.trim_end_matches("_small").to_string()))
    });
    if files.is_empty() {
        return Err(DataError::Unrecognised(path.to_path_buf()));
    }
    let name = dir
        .canonicalize()
        .unwrap_or(dir)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("dataset")
        .to_string();
    Ok(DatasetDir { name, files })
}

fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_string()
}

/// Opens a file, decompressing it if it starts with the gzip magic bytes.
pub fn open(path: &Path) -> Result<Box<dyn Read + Send>, DataError> {
    let file = File::open(path).map_err(|e| DataError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let gz = reader
        .fill_buf()
        .map_err(|e| DataError::Io {
            path: path.to_path_buf(),
            source: e,
        })?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Box::new(reader)
    })
}

/// Counts skipped rows, or in strict mode turns the first into an error.
pub(crate) struct Tally<'a> {
    pub path: &'a Path,
    pub strict: bool,
    pub skips: Skips,
}

impl<'a> Tally<'a> {
    pub fn new(path: &'a Path, strict: bool) -> Self {
        Tally {
            path,
            strict,
            skips: Skips::default(),
        }
    }

    pub fn skip(&mut self, line: u64, reason: &str) -> Result<(), DataError> {
        if self.strict {
            return Err(DataError::Strict {
                path: self.path.to_path_buf(),
                line,
                reason: reason.to_string(),
            });
        }
        self.skips.add(reason, 1);
        Ok(())
    }
}

impl Tally<'_> {
    /// The row's id from `field`, or `None` after counting it as malformed or, when `seen`
    /// holds it already, as a duplicate.
    pub fn unique_id(
        &mut self,
        line: u64,
        field: Option<&str>,
        seen: &mut std::collections::HashSet<i64>,
    ) -> Result<Option<i64>, DataError> {
        let Some(value) = field.and_then(id) else {
            self.skip(line, "malformed_id")?;
            return Ok(None);
        };
        if !seen.insert(value) {
            self.skip(line, "duplicate_id")?;
            return Ok(None);
        }
        Ok(Some(value))
    }
}

/// A CSV reader over a (possibly gzipped) file, with header lookup.
pub(crate) struct Csv {
    pub reader: csv::Reader<Box<dyn Read + Send>>,
    pub headers: csv::StringRecord,
    path: PathBuf,
}

impl Csv {
    pub fn open(path: &Path) -> Result<Csv, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(open(path)?);
        let headers = reader
            .headers()
            .map_err(|e| DataError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(e),
            })?
            .clone();
        Ok(Csv {
            reader,
            headers,
            path: path.to_path_buf(),
        })
    }

    /// Calls `row` with each record and its line number; rows the CSV layer cannot read are
    /// counted as malformed.
    pub fn for_each(
        &mut self,
        tally: &mut Tally<'_>,
        mut row: impl FnMut(&mut Tally<'_>, u64, &csv::StringRecord) -> Result<(), DataError>,
    ) -> Result<(), DataError> {
        let mut record = csv::StringRecord::new();
        loop {
            let before = record.position().map_or(1, |p| p.line() + 1);
            match self.reader.read_record(&mut record) {
                Ok(true) => {
                    let line = record.position().map_or(before, |p| p.line());
                    row(tally, line, &record)?;
                }
                Ok(false) => return Ok(()),
                Err(_) => tally.skip(before, "malformed_row")?,
            }
        }
    }

    /// Index of a column by name (case-insensitive, BOM-tolerant).
    pub fn column(&self, name: &'static str) -> Result<usize, DataError> {
        self.headers
            .iter()
            .position(|h| {
                h.trim_start_matches('\u{feff}')
                    .trim()
                    .eq_ignore_ascii_case(name)
            })
            .ok_or(DataError::MissingColumn {
                path: self.path.clone(),
                column: name,
            })
    }
}

/// Parsed field helpers: empty text is `None`.
pub(crate) fn text(field: Option<&str>) -> Option<String> {
    field
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A positive integer id; `None` if malformed.
pub(crate) fn id(field: &str) -> Option<i64> {
    let field = field.trim();
    let field = field.strip_suffix(".0").unwrap_or(field);
    field.parse::<i64>().ok().filter(|&v| v > 0)
}

/// A number written as an integer or a float (`"5415"`, `"81.0"`); zero and blanks are `None`
/// (the datasets write 0 for "unknown" budgets, revenues and runtimes).
pub(crate) fn positive_number(field: &str) -> Option<f64> {
    field
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// Outcome of reading a date field.
pub(crate) enum DateField {
    Blank,
    Valid(String),
    Invalid,
}

/// `YYYY-MM-DD` with a real month and day.
pub(crate) fn date(field: &str) -> DateField {
    let field = field.trim();
    if field.is_empty() {
        return DateField::Blank;
    }
    let parts: Vec<&str> = field.split('-').collect();
    // Digits only: `parse` would also take a sign (`1995-+1-01`).
    let valid = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && match (
            parts[0].parse::<u32>(),
            parts[1].parse::<u32>(),
            parts[2].parse::<u32>(),
        ) {
            (Ok(y), Ok(m), Ok(d)) => {
                let days = match m {
                    1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                    4 | 6 | 9 | 11 => 30,
                    2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
                    2 => 28,
                    _ => 0,
                };
                (1870..=2100).contains(&y) && d >= 1 && d <= days
            }
            _ => false,
        };
    if valid {
        DateField::Valid(field.to_string())
    } else {
        DateField::Invalid
    }
}

/// `tt0114709` from `tt0114709`, `0114709` or `114709`.
pub(crate) fn imdb(field: &str) -> Option<String> {
    let digits = field.trim().trim_start_matches("tt");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    (n > 0).then(|| format!("tt{n:07}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(
            kind_of(Path::new("a/movies_metadata.csv")),
            Some(FileKind::KaggleMetadata)
        );
        assert_eq!(
            kind_of(Path::new("RATINGS.csv.gz")),
            Some(FileKind::Ratings(RatingsFormat::Csv))
        );
        assert_eq!(
            kind_of(Path::new("u.data")),
            Some(FileKind::Ratings(RatingsFormat::Tab))
        );
        assert_eq!(
            kind_of(Path::new("ratings.dat.gz")),
            Some(FileKind::Ratings(RatingsFormat::DoubleColon))
        );
        assert_eq!(kind_of(Path::new("README.txt")), None);
    }

    #[test]
    fn field_helpers() {
        assert!(matches!(date("1995-10-30"), DateField::Valid(_)));
        assert!(matches!(date("2000-02-29"), DateField::Valid(_)));
        assert!(matches!(date(""), DateField::Blank));
        for bad in [
            "1995-02-30",
            "1900-02-29",
            "1997-08-20x",
            "20-08-1997",
            "1",
            "0.065736",
            "1995-+1-01",
            "+995-01-01",
        ] {
            assert!(matches!(date(bad), DateField::Invalid), "{bad}");
        }
        assert_eq!(id("862"), Some(862));
        assert_eq!(id("862.0"), Some(862));
        assert_eq!(id("1997-08-20"), None);
        assert_eq!(id("0"), None);
        assert_eq!(imdb("0114709").as_deref(), Some("tt0114709"));
        assert_eq!(imdb("tt0114709").as_deref(), Some("tt0114709"));
        assert_eq!(imdb("114709").as_deref(), Some("tt0114709"));
        assert_eq!(imdb("x"), None);
        assert_eq!(positive_number("81.0"), Some(81.0));
        assert_eq!(positive_number("0"), None);
        assert_eq!(positive_number("nan"), None);
    }
}
