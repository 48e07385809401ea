//! A user's film history exported from elsewhere: Letterboxd (`ratings.csv`, `diary.csv`,
//! `watchlist.csv`), IMDb's ratings export, and a plain CSV naming movies by id or by title and
//! year. Recognised by the header (case-insensitive, in any column order, extra columns
//! ignored); a BOM and CRLF line ends are accepted. A file is read whole or refused with the
//! line at fault, so that an import is all or nothing.

use std::collections::HashMap;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    LetterboxdRatings,
    LetterboxdDiary,
    LetterboxdWatchlist,
    ImdbRatings,
    Plain,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::LetterboxdRatings => "letterboxd_ratings",
            ExportFormat::LetterboxdDiary => "letterboxd_diary",
            ExportFormat::LetterboxdWatchlist => "letterboxd_watchlist",
            ExportFormat::ImdbRatings => "imdb_ratings",
            ExportFormat::Plain => "plain",
        }
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
    /// Unix seconds of the row's date (`YYYY-MM-DD`), when it has one.
    pub date: Option<i64>,
}

/// A file read.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub format: ExportFormat,
    pub rows: Vec<ExportRow>,
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
}

fn bad(line: u64, message: impl Into<String>) -> ExportError {
    ExportError::Line {
        line,
        message: message.into(),
    }
}

/// Reads an export of at most `max_rows` rows.
pub fn read_export(bytes: &[u8], max_rows: usize) -> Result<Export, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, csv_message(&e)))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let has = |name: &str| col.contains_key(name);
    let format = if has("letterboxd uri") && has("name") {
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
        return Err(ExportError::UnknownHeader);
    };
    let mut rows = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(bytes, p.byte()));
            bad(line, csv_message(&e))
        })?;
        let line = record
            .position()
            .map_or(0, |p| lines.line_at(bytes, p.byte()));
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(ExportError::TooManyRows { max: max_rows });
        }
        let get = |name: &str| {
            col.get(name)
                .and_then(|&i| record.get(i))
                .filter(|v| !v.is_empty())
        };
        let row = match format {
            ExportFormat::LetterboxdRatings
            | ExportFormat::LetterboxdDiary
            | ExportFormat::LetterboxdWatchlist => {
                let rating = match get("rating") {
                    Some(v) => Some(stars(v, line, 1.0)?),
                    None if format == ExportFormat::LetterboxdRatings => {
                        return Err(bad(line, "the rating is missing."));
                    }
                    None => None,
                };
                ExportRow {
                    line,
                    film: FilmRef {
                        title: Some(required(get("name"), line, "Name")?.to_owned()),
                        year: year(get("year"), line)?,
                        ..FilmRef::default()
                    },
                    rating: if format == ExportFormat::LetterboxdWatchlist {
                        None
                    } else {
                        rating
                    },
                    date: date(get("watched date").or(get("date")), line)?,
                }
            }
            ExportFormat::ImdbRatings => ExportRow {
                line,
                film: FilmRef {
                    imdb_id: Some(imdb_id(required(get("const"), line, "Const")?, line)?),
                    // A series or an episode is matched by its id only: its title may be a
                    // film's.
                    title: get("title")
                        .filter(|_| get("title type").is_none_or(is_film_type))
                        .map(str::to_owned),
                    year: year(get("year"), line)?,
                    ..FilmRef::default()
                },
                rating: Some(stars(
                    required(get("your rating"), line, "Your Rating")?,
                    line,
                    2.0,
                )?),
                date: date(get("date rated"), line)?,
            },
            ExportFormat::Plain => {
                let id = |names: [&str; 2]| -> Result<Option<i64>, ExportError> {
                    names
                        .iter()
                        .find_map(|n| get(n))
                        .map(|v| {
                            v.parse::<i64>()
                                .ok()
                                .filter(|&n| n > 0)
                                .ok_or_else(|| bad(line, format!("{v:?} is not an id.")))
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
                        .map(|v| imdb_id(v, line))
                        .transpose()?,
                    title: get("title").map(str::to_owned),
                    year: year(get("year"), line)?,
                };
                if film == FilmRef::default() {
                    return Err(bad(line, "the row names no film (no id and no title)."));
                }
                ExportRow {
                    line,
                    film,
                    rating: Some(stars(required(get("rating"), line, "rating")?, line, 1.0)?),
                    date: date(get("date"), line)?,
                }
            }
        };
        rows.push(row);
    }
    Ok(Export { format, rows })
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
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text.".to_owned(),
        _ => format!("the line cannot be read as CSV ({e})."),
    }
}

/// IMDb title types that are films.
fn is_film_type(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase().replace(['-', ' '], "");
    matches!(
        kind.as_str(),
        "movie" | "tvmovie" | "video" | "short" | "tvshort"
    )
}

fn required<'a>(value: Option<&'a str>, line: u64, column: &str) -> Result<&'a str, ExportError> {
    value.ok_or_else(|| bad(line, format!("the {column} column is empty.")))
}

/// A rating on a scale of `5 × per_star` (IMDb's 1–10: 2 per star), as 0.5–5 stars rounded to
/// the nearest half.
fn stars(value: &str, line: u64, per_star: f64) -> Result<f64, ExportError> {
    let max = 5.0 * per_star;
    let n = value
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0 && *n <= max)
        .ok_or_else(|| {
            bad(
                line,
                format!("the rating {value:?} is not a number above 0 and up to {max}."),
            )
        })?;
    Ok(((n / per_star) * 2.0).round().max(1.0) / 2.0)
}

fn year(value: Option<&str>, line: u64) -> Result<Option<i64>, ExportError> {
    value
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|y| (1870..=2200).contains(y))
                .ok_or_else(|| bad(line, format!("the year {v:?} is not a year.")))
        })
        .transpose()
}

/// `tt0111161`, or MovieLens' bare digits (`0111161`, `111161`), as `tt` and 7 or more digits.
fn imdb_id(value: &str, line: u64) -> Result<String, ExportError> {
    let digits = value.strip_prefix("tt").unwrap_or(value);
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(line, format!("{value:?} is not an IMDb id.")));
    }
    Ok(format!("tt{digits:0>7}"))
}

/// `YYYY-MM-DD` (a time after it is ignored) as Unix seconds at midnight UTC.
fn date(value: Option<&str>, line: u64) -> Result<Option<i64>, ExportError> {
    let Some(v) = value else { return Ok(None) };
    let day = v.get(..10).unwrap_or(v);
    let parts: Vec<&str> = day.split('-').collect();
    let parsed = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            match (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) {
                (Ok(y), Ok(m), Ok(d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
                    Some(days_from_civil(y, m, d) * 86_400)
                }
                _ => None,
            }
        }
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| bad(line, format!("the date {v:?} is not YYYY-MM-DD.")))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

    #[test]
    fn imdb_series_are_matched_by_id_only() {
        let file = "Const,Your Rating,Title,Title Type,Year\n\
                    tt0903747,10,Breaking Bad,TV Series,2008\n\
                    tt0133093,9,The Matrix,Movie,1999\n";
        let e = read_export(file.as_bytes(), 10).unwrap();
        assert_eq!(e.rows[0].film.title, None);
        assert_eq!(e.rows[1].film.title.as_deref(), Some("The Matrix"));
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
    fn bad_files_are_refused_with_the_line() {
        let cases: [(&[u8], &str); 7] = [
            (b"foo,bar\n1,2\n", "not a ratings export"),
            (
                b"movieId,rating\n1,4\n2,six\n",
                "Line 3: the rating \"six\"",
            ),
            (b"movieId,rating\n1,4\n2,5.5\n", "Line 3"),
            (b"movieId,rating\n1,0\n", "Line 2"),
            (b"movieId,rating\nabc,4\n", "Line 2: \"abc\" is not an id."),
            (
                b"Date,Name,Year,Letterboxd URI,Rating\n2024-13-01,Heat,1995,u,4\n",
                "Line 2: the date",
            ),
            (
                b"movieId,rating\n1,4\n\xff,4\n",
                "Line 3: the file is not UTF-8",
            ),
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
