//! NextFlex's own export of a user's films: a zip in Letterboxd's layout, so that Letterboxd's
//! importer and NextFlex's read it back — `ratings.csv`, `watchlist.csv` and `watched.csv` (the
//! films seen without a rating) with Letterboxd's columns (`Date`, `Name`, `Year`, `Letterboxd
//! URI`, `Rating`) plus the `tmdbID` and `imdbID` columns of Letterboxd's import format, which
//! both importers match on first — with the films the user is not interested in as
//! `not-interested.csv` (in the same columns; NextFlex reads it back, Letterboxd has no such
//! list) and everything, NextFlex's ids included, as `nextflex.json`.

use std::io::{Cursor, Write};

/// One film of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedFilm {
    /// When it was rated or listed, `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub year: Option<i64>,
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    /// 0.5 to 5 (ratings only).
    pub rating: Option<f64>,
}

/// What a user's export holds.
#[derive(Debug, Clone, Copy)]
pub struct UserExport<'a> {
    pub ratings: &'a [ExportedFilm],
    pub watchlist: &'a [ExportedFilm],
    /// Seen without a rating.
    pub watched: &'a [ExportedFilm],
    pub not_interested: &'a [ExportedFilm],
    /// The same, as JSON.
    pub json: &'a [u8],
    /// When it was made (UTC): year, month, day, hour, minute, second, the files' date in the
    /// zip.
    pub made: (u16, u8, u8, u8, u8, u8),
}

/// What the zip says about itself.
const README: &str = "Your films, exported from NextFlex.\n\n\
ratings.csv, watchlist.csv and watched.csv (films you saw without rating them) use \
Letterboxd's columns plus tmdbID and imdbID: upload the zip to NextFlex (Profile -> Import) or \
the CSV files to Letterboxd (Settings -> Import) to bring them back.\nnot-interested.csv lists \
the films you said you are not interested in; NextFlex reads it back from the zip.\n\
nextflex.json holds all of it with NextFlex's ids.\n";

/// The zip of a user's export.
pub fn zip(export: UserExport<'_>) -> std::io::Result<Vec<u8>> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let (y, mo, d, h, mi, sec) = export.made;
    // A zip cannot date a file before 1980 or past 2107; then it is left at 1980-01-01.
    let when = zip::DateTime::from_date_and_time(y, mo, d, h, mi, sec).unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(when);
    let files: [(&str, Vec<u8>); 6] = [
        ("ratings.csv", csv(export.ratings, true)?),
        ("watchlist.csv", csv(export.watchlist, false)?),
        ("watched.csv", csv(export.watched, false)?),
        ("not-interested.csv", csv(export.not_interested, false)?),
        ("nextflex.json", export.json.to_vec()),
        ("README.txt", README.as_bytes().to_vec()),
    ];
    for (name, bytes) in files {
        out.start_file(name, options)
            .map_err(std::io::Error::other)?;
        out.write_all(&bytes)?;
    }
    Ok(out.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Films as Letterboxd's CSV, with a `Rating` column for ratings.
fn csv(films: &[ExportedFilm], rated: bool) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["Date", "Name", "Year", "Letterboxd URI"];
    if rated {
        header.push("Rating");
    }
    header.extend(["tmdbID", "imdbID"]);
    w.write_record(&header)?;
    for f in films {
        let mut row = vec![
            f.date.clone(),
            f.title.clone(),
            f.year.map(|y| y.to_string()).unwrap_or_default(),
            // Letterboxd answers its /tmdb/<id>/ address with the film's page.
            f.tmdb_id
                .map(|id| format!("https://letterboxd.com/tmdb/{id}/"))
                .unwrap_or_default(),
        ];
        if rated {
            row.push(f.rating.map(|r| r.to_string()).unwrap_or_default());
        }
        row.push(f.tmdb_id.map(|id| id.to_string()).unwrap_or_default());
        row.push(f.imdb_id.clone().unwrap_or_default());
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::{ExportFormat, read_upload};

    fn film(title: &str, year: i64, tmdb: i64, rating: Option<f64>) -> ExportedFilm {
        ExportedFilm {
            date: "2026-12-06".into(),
            title: title.into(),
            year: Some(year),
            tmdb_id: Some(tmdb),
            imdb_id: Some(format!("tt{:07}", tmdb)),
            rating,
        }
    }

    #[test]
    fn the_zip_reads_back_as_a_letterboxd_export_with_its_ids() {
        let ratings = [
            film("Heat", 1995, 949, Some(4.5)),
            film("Amélie, \"the\" film", 2001, 194, Some(0.5)),
        ];
        let watchlist = [film("Alien", 1979, 348, None)];
        let seen = [film("Jaws", 1975, 578, None)];
        let gone = [film("Cats", 2019, 536869, None)];
        let bytes = zip(UserExport {
            ratings: &ratings,
            watchlist: &watchlist,
            watched: &seen,
            not_interested: &gone,
            json: b"{}",
            made: (2026, 12, 6, 11, 30, 0),
        })
        .unwrap();
        let files = read_upload(None, &bytes, 100, 1 << 20).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "ratings.csv",
                "watchlist.csv",
                "watched.csv",
                "not-interested.csv"
            ]
        );
        let formats: Vec<ExportFormat> = files.iter().map(|f| f.export.format).collect();
        assert_eq!(
            formats[2..],
            [ExportFormat::LetterboxdWatched, ExportFormat::NotInterested]
        );
        assert_eq!(files[3].export.rows[0].film.tmdb_id, Some(536869));
        let read = &files[0].export;
        assert_eq!(read.format, ExportFormat::LetterboxdRatings);
        let got: Vec<_> = read
            .rows
            .iter()
            .map(|r| {
                (
                    r.film.title.clone().unwrap(),
                    r.film.year,
                    r.film.tmdb_id,
                    r.film.imdb_id.clone(),
                    r.rating,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Heat".into(),
                    Some(1995),
                    Some(949),
                    Some("tt0000949".into()),
                    Some(4.5)
                ),
                (
                    "Amélie, \"the\" film".into(),
                    Some(2001),
                    Some(194),
                    Some("tt0000194".into()),
                    Some(0.5)
                ),
            ]
        );
        let read = &files[1].export;
        assert_eq!(read.format, ExportFormat::LetterboxdWatchlist);
        assert_eq!(read.rows[0].film.tmdb_id, Some(348));
        assert_eq!(read.rows[0].rating, None);
    }
}
