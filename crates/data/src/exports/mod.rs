//! A user's film history exported from elsewhere: Letterboxd (`ratings.csv`, `diary.csv`,
//! `watchlist.csv`, `watched.csv`, `likes/films.csv`, one by one or as the zip its export
//! downloads; NextFlex's own export adds `not-interested.csv` in the same columns), IMDb's
//! ratings export, Trakt's JSON lists (one by one or zipped: see [`trakt`]), and a plain CSV
//! naming movies by id or by title and year.
//! Recognised by the header (case-insensitive, in any column order, extra columns ignored); a
//! BOM and CRLF line ends are accepted.
//!
//! A field the import does not need never fails a file: a date or year it cannot read is left
//! out. A row it cannot use (no rating on a ratings file, an id that is no id) is skipped with its
//! line and reason, IMDb's rows that are not films (TV series and episodes, video games) are
//! counted, and only a file with no readable row at all is refused.

mod archive;
mod fields;
mod trakt;
pub mod write;

use std::collections::HashMap;

pub use archive::{LETTERBOXD_FILES, MAX_ENTRIES, is_zip};
pub use fields::days_from_civil;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    LetterboxdRatings,
    LetterboxdDiary,
    LetterboxdWatchlist,
    /// Films logged as watched, with or without a rating elsewhere.
    LetterboxdWatched,
    /// Films given a heart.
    LetterboxdLikes,
    /// NextFlex's own `not-interested.csv` (its export's films the user dismissed), in
    /// Letterboxd's columns.
    NotInterested,
    /// Trakt's ratings (1–10), as JSON.
    TraktRatings,
    /// Trakt's watchlist.
    TraktWatchlist,
    /// Trakt's watched films or its history: films seen.
    TraktWatched,
    ImdbRatings,
    Plain,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::LetterboxdRatings => "letterboxd_ratings",
            ExportFormat::LetterboxdDiary => "letterboxd_diary",
            ExportFormat::LetterboxdWatchlist => "letterboxd_watchlist",
            ExportFormat::LetterboxdWatched => "letterboxd_watched",
            ExportFormat::LetterboxdLikes => "letterboxd_likes",
            ExportFormat::NotInterested => "nextflex_not_interested",
            ExportFormat::TraktRatings => "trakt_ratings",
            ExportFormat::TraktWatchlist => "trakt_watchlist",
            ExportFormat::TraktWatched => "trakt_watched",
            ExportFormat::ImdbRatings => "imdb_ratings",
            ExportFormat::Plain => "plain",
        }
    }

    /// Letterboxd's files that name films (`Name`, `Year`, `Letterboxd URI`).
    fn is_letterboxd(self) -> bool {
        matches!(
            self,
            ExportFormat::LetterboxdRatings
                | ExportFormat::LetterboxdDiary
                | ExportFormat::LetterboxdWatchlist
                | ExportFormat::LetterboxdWatched
                | ExportFormat::LetterboxdLikes
                | ExportFormat::NotInterested
        )
    }

    /// Files whose rows carry no rating to import: the film is what they say.
    pub fn lists_films(self) -> bool {
        matches!(
            self,
            ExportFormat::LetterboxdWatchlist
                | ExportFormat::LetterboxdWatched
                | ExportFormat::LetterboxdLikes
                | ExportFormat::NotInterested
                | ExportFormat::TraktWatchlist
                | ExportFormat::TraktWatched
        )
    }
}

/// How a row names its film; the importer tries the ids first, then the title.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilmRef {
    /// `tt` and at least 7 digits.
    pub imdb_id: Option<String>,
    pub tmdb_id: Option<i64>,
    pub movielens_id: Option<i64>,
    /// A NextFlex catalogue id.
    pub movie_id: Option<i64>,
    pub title: Option<String>,
    pub year: Option<i64>,
}

/// One film of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    /// 1-based, the header being line 1.
    pub line: u64,
    pub film: FilmRef,
    /// 0.5–5 in half steps; `None` on a watchlist, or a diary entry logged without a rating.
    pub rating: Option<f64>,
    /// Unix seconds of the row's date, when it has one this can read.
    pub date: Option<i64>,
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

/// A file read.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub format: ExportFormat,
    pub rows: Vec<ExportRow>,
    /// Rows that could not be used, with their line and reason.
    pub skipped: Vec<SkippedRow>,
    /// IMDb rows of titles that are not films (TV series, episodes, specials, games).
    pub not_films: usize,
}

/// An export and the file it came from: its name as uploaded, or its path in a zip.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedExport {
    pub file: String,
    pub export: Export,
}

/// Why a file is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "The file is not a ratings export NextFlex knows: its header names none of Letterboxd's \
         (Name, Year, Letterboxd URI, Rating), IMDb's (Const, Your Rating) or a plain \
         movieId/tmdbId/imdbId/title column with a rating."
    )]
    UnknownHeader,
    #[error("Line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("The file has more than {max} rows.")]
    TooManyRows { max: usize },
    /// A zip that is damaged, holds something an export never does, or unpacks too large.
    #[error("{0}")]
    Archive(String),
}

fn bad(line: u64, message: impl Into<String>) -> ExportError {
    ExportError::Line {
        line,
        message: message.into(),
    }
}

/// Reads an upload: a Letterboxd zip (each of its [`LETTERBOXD_FILES`] that it holds, none
/// larger than `max_file_bytes` unpacked), or one export file, which `name` (as uploaded) helps
/// tell apart where headers are alike (`watched.csv` from `watchlist.csv`). At most `max_rows`
/// rows a file.
pub fn read_upload(
    name: Option<&str>,
    bytes: &[u8],
    max_rows: usize,
    max_file_bytes: usize,
) -> Result<Vec<NamedExport>, ExportError> {
    if is_zip(bytes) {
        let mut files = Vec::new();
        for (file, format, bytes) in archive::export_files(bytes, max_file_bytes)? {
            let export = match format {
                Some(format) => read_as(Some(format), &bytes, max_rows)?,
                // A JSON file of a zip that is none of Trakt's lists (its profile, its stats) is
                // left alone, as Letterboxd's other files are.
                None => match trakt::read(&bytes, max_rows) {
                    Err(ExportError::UnknownHeader) => continue,
                    read => read?,
                },
            };
            files.push(NamedExport { file, export });
        }
        if files.is_empty() {
            return Err(archive::nothing_to_read());
        }
        return Ok(files);
    }
    let base = name
        .map(|n| {
            n.rsplit(['/', '\\'])
                .next()
                .unwrap_or(n)
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    // Their header is the watchlist's: the name tells them apart.
    let hint = match base.as_str() {
        "watched.csv" => Some(ExportFormat::LetterboxdWatched),
        "not-interested.csv" => Some(ExportFormat::NotInterested),
        _ => None,
    };
    let export = if trakt::is_json(bytes) {
        trakt::read(bytes, max_rows)?
    } else {
        read_as(hint, bytes, max_rows)?
    };
    Ok(vec![NamedExport {
        file: name.unwrap_or("upload").to_owned(),
        export,
    }])
}

/// Reads one export file of at most `max_rows` rows, its format told by its header.
pub fn read_export(bytes: &[u8], max_rows: usize) -> Result<Export, ExportError> {
    read_as(None, bytes, max_rows)
}

/// What one row of a file is.
enum Read {
    Film(ExportRow),
    NotAFilm,
}

/// Reads a file as `format` (whose columns its header must have), or as its header says.
fn read_as(
    format: Option<ExportFormat>,
    bytes: &[u8],
    max_rows: usize,
) -> Result<Export, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => bad(
                1,
                "the file is not UTF-8 text (a CSV file, or Letterboxd's zip).",
            ),
            _ => bad(1, csv_message(&e)),
        })?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let told = format_of(&|name: &str| col.contains_key(name));
    let format = match (format, told) {
        (Some(wanted), Some(told)) if wanted.is_letterboxd() && told.is_letterboxd() => wanted,
        (None, Some(told)) => told,
        _ => return Err(ExportError::UnknownHeader),
    };
    let mut export = Export {
        format,
        rows: Vec::new(),
        skipped: Vec::new(),
        not_films: 0,
    };
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(bytes, p.byte()));
                export.skipped.push(SkippedRow {
                    line,
                    reason: csv_message(&e),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(bytes, p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if export.rows.len() + export.skipped.len() + export.not_films == max_rows {
            return Err(ExportError::TooManyRows { max: max_rows });
        }
        let get = |name: &str| {
            col.get(name)
                .and_then(|&i| record.get(i))
                .filter(|v| !v.is_empty())
        };
        match read_row(format, &get, line) {
            Ok(Read::Film(row)) => export.rows.push(row),
            Ok(Read::NotAFilm) => export.not_films += 1,
            Err(reason) => export.skipped.push(SkippedRow { line, reason }),
        }
    }
    if let Some(first) = export.skipped.first()
        && export.rows.is_empty()
        && export.not_films == 0
    {
        return Err(bad(
            first.line,
            format!("{} No row of the file could be read.", first.reason),
        ));
    }
    Ok(export)
}

/// The export a header is, from the columns it names.
fn format_of(has: &dyn Fn(&str) -> bool) -> Option<ExportFormat> {
    Some(if has("letterboxd uri") && (has("name") || has("title")) {
        if !has("rating") {
            ExportFormat::LetterboxdWatchlist
        } else if has("watched date") || has("rewatch") {
            ExportFormat::LetterboxdDiary
        } else {
            ExportFormat::LetterboxdRatings
        }
    } else if has("const") && has("your rating") {
        ExportFormat::ImdbRatings
    } else if has("rating")
        && [
            "movieid", "movie_id", "tmdbid", "tmdb_id", "imdbid", "imdb_id", "title",
        ]
        .iter()
        .any(|c| has(c))
    {
        ExportFormat::Plain
    } else {
        return None;
    })
}

/// One row of a file of `format`; `Err` says why it cannot be used.
fn read_row<'r>(
    format: ExportFormat,
    get: &dyn Fn(&str) -> Option<&'r str>,
    line: u64,
) -> Result<Read, String> {
    let date = |names: &[&str]| names.iter().find_map(|n| get(n)).and_then(fields::date);
    let row = match format {
        ExportFormat::ImdbRatings => {
            if get("title type").is_some_and(|kind| !is_film_type(kind)) {
                return Ok(Read::NotAFilm);
            }
            ExportRow {
                line,
                film: FilmRef {
                    imdb_id: Some(fields::imdb_id(required(get("const"), "Const")?)?),
                    title: get("title").map(str::to_owned),
                    year: fields::year(get("year")),
                    ..FilmRef::default()
                },
                rating: Some(fields::stars(
                    required(get("your rating"), "Your Rating")?,
                    2.0,
                )?),
                date: date(&["date rated"]),
            }
        }
        ExportFormat::Plain => {
            let id = |names: [&str; 2]| -> Result<Option<i64>, String> {
                names
                    .iter()
                    .find_map(|n| get(n))
                    .map(|v| {
                        v.parse::<i64>()
                            .ok()
                            .filter(|&n| n > 0)
                            .ok_or_else(|| format!("{v:?} is not an id."))
                    })
                    .transpose()
            };
            let film = FilmRef {
                movielens_id: id(["movieid", "movielens_id"])?,
                movie_id: id(["movie_id", "nextflex_id"])?,
                tmdb_id: id(["tmdbid", "tmdb_id"])?,
                imdb_id: ["imdbid", "imdb_id"]
                    .iter()
                    .find_map(|n| get(n))
                    .map(fields::imdb_id)
                    .transpose()?,
                title: get("title").map(str::to_owned),
                year: fields::year(get("year")),
            };
            if film == FilmRef::default() {
                return Err("the row names no film (no id and no title).".to_owned());
            }
            ExportRow {
                line,
                film,
                rating: Some(fields::stars(required(get("rating"), "rating")?, 1.0)?),
                date: date(&["date"]),
            }
        }
        letterboxd => {
            let rating = match get("rating") {
                _ if letterboxd.lists_films() => None,
                Some(v) => Some(fields::stars(v, 1.0)?),
                None if letterboxd == ExportFormat::LetterboxdRatings => {
                    return Err("the rating is missing.".to_owned());
                }
                None => None,
            };
            let title = get("name").or(get("title"));
            ExportRow {
                line,
                film: FilmRef {
                    title: Some(required(title, "Name")?.to_owned()),
                    year: fields::year(get("year")),
                    // Letterboxd's import format (and NextFlex's export) adds ids; its own
                    // export has none. One it cannot read is left out, like a date.
                    tmdb_id: get("tmdbid")
                        .and_then(|v| v.parse::<i64>().ok())
                        .filter(|&n| n > 0),
                    imdb_id: get("imdbid").and_then(|v| fields::imdb_id(v).ok()),
                    ..FilmRef::default()
                },
                rating,
                date: date(&["watched date", "date"]),
            }
        }
    };
    Ok(Read::Film(row))
}

/// Line numbers from byte offsets, counted once: the csv crate's own count lags a line behind
/// after a CRLF header.
#[derive(Default)]
struct LineCounter {
    upto: usize,
    newlines: u64,
}

impl LineCounter {
    /// The line of the record starting at `byte` (which, after a CRLF, is the `\n`).
    fn line_at(&mut self, bytes: &[u8], byte: u64) -> u64 {
        let end = usize::try_from(byte).map_or(bytes.len(), |b| (b + 1).min(bytes.len()));
        if end > self.upto {
            self.newlines += bytes[self.upto..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.upto = end;
        }
        self.newlines + 1
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8 text.".to_owned(),
        _ => format!("the line cannot be read as CSV ({e})."),
    }
}

/// IMDb title types that are films: `Movie`, `TV Movie`, `Video`, `Short`, `TV Short`. Not:
/// `TV Series`, `TV Mini Series`, `TV Episode`, `TV Special`, `Video Game`, `Podcast …`.
fn is_film_type(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase().replace(['-', ' '], "");
    matches!(
        kind.as_str(),
        "movie" | "tvmovie" | "video" | "short" | "tvshort"
    )
}

fn required<'a>(value: Option<&'a str>, column: &str) -> Result<&'a str, String> {
    value.ok_or_else(|| format!("the {column} column is empty."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterboxd_ratings_with_bom_crlf_quotes_and_shuffled_columns() {
        let file = "\u{feff}Name,Date,Rating,Year,Letterboxd URI,Extra\r\n\
                    \"Crouching Tiger, Hidden Dragon\",2024-01-02,4.5,2000,https://boxd.it/1,x\r\n\
                    Heat,2024-01-03,1,1995,https://boxd.it/2,\r\n\r\n";
        let e = read_export(file.as_bytes(), 100).unwrap();
        assert_eq!(e.format, ExportFormat::LetterboxdRatings);
        assert_eq!(e.rows.len(), 2);
        assert_eq!(
            e.rows[0].film.title.as_deref(),
            Some("Crouching Tiger, Hidden Dragon")
        );
        assert_eq!(
            (e.rows[0].film.year, e.rows[0].rating),
            (Some(2000), Some(4.5))
        );
        assert_eq!(e.rows[0].date, Some(1_704_153_600));
        assert_eq!((e.rows[1].line, e.rows[1].rating), (3, Some(1.0)));
    }

    #[test]
    fn diary_entries_without_a_rating_and_watchlists_have_none() {
        let diary = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n\
                     2024-02-01,Alien,1979,u,,Yes,,2024-01-31\n";
        let e = read_export(diary.as_bytes(), 10).unwrap();
        assert_eq!(e.format, ExportFormat::LetterboxdDiary);
        assert_eq!(e.rows[0].rating, None);
        assert_eq!(e.rows[0].date, Some(days_from_civil(2024, 1, 31) * 86_400));
        let watchlist = "Date,Name,Year,Letterboxd URI\n2024-02-01,Alien,1979,u\n";
        let e = read_export(watchlist.as_bytes(), 10).unwrap();
        assert_eq!(e.format, ExportFormat::LetterboxdWatchlist);
        assert_eq!(e.rows[0].rating, None);
    }

    #[test]
    fn imdb_ratings_map_ten_points_to_five_stars() {
        let file = "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,\
                    Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n\
                    tt0111161,10,2023-05-01,The Shawshank Redemption,,u,Movie,9.3,142,1994,Drama,1,1994-10-14,\"Frank Darabont\"\n\
                    tt0068646,7,2023-05-02,The Godfather,,u,Movie,9.2,175,1972,Crime,1,,\n\
                    tt0000001,1,2023-05-02,Carmencita,,u,Short,5.7,1,1894,,1,,\n";
        let e = read_export(file.as_bytes(), 10).unwrap();
        assert_eq!(e.format, ExportFormat::ImdbRatings);
        let got: Vec<_> = e
            .rows
            .iter()
            .map(|r| (r.film.imdb_id.clone().unwrap(), r.rating))
            .collect();
        assert_eq!(
            e.rows[0].film.title.as_deref(),
            Some("The Shawshank Redemption")
        );
        assert_eq!(
            got,
            [
                ("tt0111161".to_owned(), Some(5.0)),
                ("tt0068646".to_owned(), Some(3.5)),
                ("tt0000001".to_owned(), Some(0.5)),
            ]
        );
    }

    /// An IMDb export as "Your Ratings → Export" writes it today: M/D/YYYY dates, every column
    /// in its order, TV and game rows.
    const IMDB_TODAY: &str = "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,\
        IMDb Rating,Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\r\n\
        tt0133093,9,4/18/2026,The Matrix,The Matrix,https://www.imdb.com/title/tt0133093,Movie,8.7,136,1999,\"Action, Sci-Fi\",2200000,3/24/1999,\"Lana Wachowski, Lilly Wachowski\"\r\n\
        tt0903747,10,4/17/2026,Breaking Bad,Breaking Bad,https://www.imdb.com/title/tt0903747,TV Series,9.5,45,2008,Drama,2100000,1/20/2008,\r\n\
        tt0959621,8,4/17/2026,Pilot,Pilot,https://www.imdb.com/title/tt0959621,TV Episode,8.2,58,2008,Drama,50000,1/20/2008,Vince Gilligan\r\n\
        tt1502712,6,12/1/2025,Fantastic Four,Fantastic Four,https://www.imdb.com/title/tt1502712,Movie,4.3,100,2015,Action,170000,8/7/2015,Josh Trank\r\n\
        tt2103188,7,12/1/2025,The Last of Us,The Last of Us,https://www.imdb.com/title/tt2103188,Video Game,9.7,,2013,Action,90000,6/14/2013,\r\n";

    #[test]
    fn an_imdb_export_of_today_imports_its_films_and_counts_the_rest() {
        let e = read_export(IMDB_TODAY.as_bytes(), 10).unwrap();
        assert_eq!(e.format, ExportFormat::ImdbRatings);
        let got: Vec<_> = e
            .rows
            .iter()
            .map(|r| (r.line, r.film.imdb_id.as_deref().unwrap(), r.rating, r.date))
            .collect();
        assert_eq!(
            got,
            [
                (
                    2,
                    "tt0133093",
                    Some(4.5),
                    Some(days_from_civil(2026, 4, 18) * 86_400)
                ),
                (
                    5,
                    "tt1502712",
                    Some(3.0),
                    Some(days_from_civil(2025, 12, 1) * 86_400)
                ),
            ]
        );
        assert_eq!(e.not_films, 3, "a series, an episode and a game");
        assert!(e.skipped.is_empty());
    }

    #[test]
    fn imdb_columns_may_be_missing_or_extra_in_any_order() {
        let file = "Title,Your Rating,Const,Extra\nThe Matrix,9,tt0133093,x\n";
        let e = read_export(file.as_bytes(), 10).unwrap();
        assert_eq!(e.rows[0].film.title.as_deref(), Some("The Matrix"));
        assert_eq!((e.rows[0].film.year, e.rows[0].date), (None, None));
    }

    #[test]
    fn a_row_that_cannot_be_used_is_skipped_with_its_reason() {
        let file = "Date,Name,Year,Letterboxd URI,Rating\n\
                    someday,Heat,1995,u,4\n\
                    2024-01-01,Alien,nineteen,u,\n\
                    2024-01-01,Jaws,1975,u,six\n\
                    2024-01-01,,1975,u,3\n";
        let e = read_export(file.as_bytes(), 10).unwrap();
        assert_eq!(
            e.rows.len(),
            1,
            "a date it cannot read is no reason to skip"
        );
        assert_eq!((e.rows[0].film.year, e.rows[0].date), (Some(1995), None));
        let skipped: Vec<(u64, &str)> = e
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                (3, "the rating is missing."),
                (4, "the rating \"six\" is not a number above 0 and up to 5."),
                (5, "the Name column is empty."),
            ]
        );
    }

    #[test]
    fn a_letterboxd_zip_reads_each_file_and_a_name_tells_watched_from_watchlist() {
        let zip = archive::tests::zip_of(&[
            ("profile.csv", b"Username\nann\n"),
            (
                "ratings.csv",
                b"Date,Name,Year,Letterboxd URI,Rating\n2024-03-01,Heat,1995,u,4\n",
            ),
            (
                "watched.csv",
                b"Date,Name,Year,Letterboxd URI\n2024-03-01,Heat,1995,u\n",
            ),
            ("watchlist.csv", b"Date,Name,Year,Letterboxd URI\n"),
        ]);
        let got = read_upload(Some("letterboxd-ann-2026-04-18-utc.zip"), &zip, 10, 1000).unwrap();
        let files: Vec<(&str, ExportFormat, usize)> = got
            .iter()
            .map(|f| (f.file.as_str(), f.export.format, f.export.rows.len()))
            .collect();
        assert_eq!(
            files,
            [
                ("ratings.csv", ExportFormat::LetterboxdRatings, 1),
                ("watchlist.csv", ExportFormat::LetterboxdWatchlist, 0),
                ("watched.csv", ExportFormat::LetterboxdWatched, 1),
            ]
        );
        let watched = b"Date,Name,Year,Letterboxd URI\n2024-03-01,Heat,1995,u\n";
        let alone = read_upload(Some("watched.csv"), watched, 10, 1000).unwrap();
        assert_eq!(alone[0].export.format, ExportFormat::LetterboxdWatched);
        let titled = b"Title,Year,Letterboxd URI\nHeat,1995,u\n";
        let e = read_upload(Some("watchlist.csv"), titled, 10, 1000).unwrap();
        assert_eq!(e[0].export.format, ExportFormat::LetterboxdWatchlist);
        assert_eq!(e[0].export.rows[0].film.title.as_deref(), Some("Heat"));
    }

    #[test]
    fn plain_files_by_each_key() {
        let e = read_export(b"movieId,rating\n1,4\n", 10).unwrap();
        assert_eq!(e.rows[0].film.movielens_id, Some(1));
        let e = read_export(b"imdb_id,rating\n0114709,3.7\n", 10).unwrap();
        assert_eq!(
            (e.rows[0].film.imdb_id.as_deref(), e.rows[0].rating),
            (Some("tt0114709"), Some(3.5))
        );
        let e = read_export(b"tmdbId,rating\n862,5\n", 10).unwrap();
        assert_eq!(e.rows[0].film.tmdb_id, Some(862));
        let e = read_export(b"title,year,rating\nToy Story,1995,5\n", 10).unwrap();
        assert_eq!(e.rows[0].film.title.as_deref(), Some("Toy Story"));
        assert_eq!(e.format, ExportFormat::Plain);
    }

    #[test]
    fn a_file_with_no_readable_row_is_refused_with_the_first_line() {
        let cases: [(&[u8], &str); 6] = [
            (b"foo,bar\n1,2\n", "not a ratings export"),
            (
                b"movieId,rating\n2,six\n1,0\n",
                "Line 2: the rating \"six\"",
            ),
            (b"movieId,rating\n2,5.5\n", "Line 2"),
            (b"movieId,rating\nabc,4\n", "Line 2: \"abc\" is not an id."),
            (b"movieId,rating\n\xff,4\n", "Line 2: the line is not UTF-8"),
            (b"\xff\xfe,rating\n", "Line 1: the file is not UTF-8"),
        ];
        for (file, want) in cases {
            let got = read_export(file, 10).unwrap_err().to_string();
            assert!(got.contains(want), "{got:?} lacks {want:?}");
        }
        let many = format!("movieId,rating\n{}", "1,4\n".repeat(11));
        assert_eq!(
            read_export(many.as_bytes(), 10),
            Err(ExportError::TooManyRows { max: 10 })
        );
    }
}
