//! Trakt's export (trakt.tv → Settings → Data → Export): JSON arrays as Trakt's API gives them,
//! one list to a file. What a file is is told by what its entries hold, as a CSV's is by its
//! header, so that the files' names do not matter:
//!
//! - ratings: `{"rated_at", "rating" (1–10), "type": "movie", "movie": {…}}`
//! - the watchlist: `{"listed_at", "type": "movie", "movie": {…}}`
//! - watched films: `{"plays", "last_watched_at", "movie": {…}}`, and the history:
//!   `{"watched_at", "action", "type": "movie", "movie": {…}}`
//!
//! where a movie is `{"title", "year", "ids": {"trakt", "slug", "imdb", "tmdb"}}`. Shows,
//! seasons and episodes are counted as not films; an entry that names no film is skipped with
//! its place and reason, and only a file with no readable entry is refused.

use serde_json::Value;

use super::fields;
use super::{Export, ExportError, ExportFormat, ExportRow, FilmRef, SkippedRow};

/// Whether the bytes look like JSON (an array or an object first), not a CSV.
pub fn is_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'[' | b'{')
    )
}

fn refused(why: impl Into<String>) -> ExportError {
    ExportError::Line {
        line: 1,
        message: why.into(),
    }
}

/// Reads one of Trakt's files of at most `max_rows` entries. An entry's "line" in the report is
/// its place in the list, from 1.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<Export, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| refused(format!("the file is not JSON NextFlex can read ({e}).")))?;
    let Value::Array(entries) = value else {
        return Err(ExportError::UnknownHeader);
    };
    if entries.len() > max_rows {
        return Err(ExportError::TooManyRows { max: max_rows });
    }
    let format = entries
        .iter()
        .find_map(kind_of)
        .ok_or(ExportError::UnknownHeader)?;
    let mut export = Export {
        format,
        rows: Vec::new(),
        skipped: Vec::new(),
        not_films: 0,
    };
    for (i, entry) in entries.iter().enumerate() {
        let line = i as u64 + 1;
        match entry_row(format, entry, line) {
            Ok(Some(row)) => export.rows.push(row),
            Ok(None) => export.not_films += 1,
            Err(reason) => export.skipped.push(SkippedRow { line, reason }),
        }
    }
    if let Some(first) = export.skipped.first()
        && export.rows.is_empty()
        && export.not_films == 0
    {
        return Err(ExportError::Line {
            line: first.line,
            message: format!("{} No entry of the file could be read.", first.reason),
        });
    }
    Ok(export)
}

/// The list an entry belongs to, from the fields Trakt gives each list's entries.
fn kind_of(entry: &Value) -> Option<ExportFormat> {
    let has = |field: &str| entry.get(field).is_some_and(|v| !v.is_null());
    if !["movie", "show", "season", "episode"]
        .iter()
        .any(|k| has(k))
    {
        return None;
    }
    Some(if has("rating") && has("rated_at") {
        ExportFormat::TraktRatings
    } else if has("listed_at") {
        ExportFormat::TraktWatchlist
    } else if has("last_watched_at") || has("watched_at") || has("plays") {
        ExportFormat::TraktWatched
    } else {
        return None;
    })
}

/// One entry: `Ok(None)` for a show, season or episode.
fn entry_row(format: ExportFormat, entry: &Value, line: u64) -> Result<Option<ExportRow>, String> {
    let kind = entry.get("type").and_then(Value::as_str);
    let Some(movie) = entry.get("movie").filter(|m| m.is_object()) else {
        return if kind.is_some_and(|k| k != "movie") || entry.get("show").is_some() {
            Ok(None)
        } else {
            Err("the entry names no movie.".to_owned())
        };
    };
    let ids = movie.get("ids");
    let id = |name: &str| ids.and_then(|ids| ids.get(name));
    let film = FilmRef {
        imdb_id: id("imdb")
            .and_then(Value::as_str)
            .and_then(|v| fields::imdb_id(v).ok()),
        tmdb_id: id("tmdb").and_then(Value::as_i64).filter(|&n| n > 0),
        title: movie
            .get("title")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned),
        year: movie
            .get("year")
            .and_then(Value::as_i64)
            .filter(|y| (1870..=2200).contains(y)),
        ..FilmRef::default()
    };
    if film.imdb_id.is_none() && film.tmdb_id.is_none() && film.title.is_none() {
        return Err("the movie has no id and no title.".to_owned());
    }
    let date_of = |field: &str| {
        entry
            .get(field)
            .and_then(Value::as_str)
            .and_then(fields::date)
    };
    let (rating, date) = match format {
        ExportFormat::TraktRatings => {
            let value = entry
                .get("rating")
                .map(Value::to_string)
                .unwrap_or_default();
            (Some(fields::stars(&value, 2.0)?), date_of("rated_at"))
        }
        ExportFormat::TraktWatchlist => (None, date_of("listed_at")),
        _ => (
            None,
            date_of("last_watched_at").or_else(|| date_of("watched_at")),
        ),
    };
    Ok(Some(ExportRow {
        line,
        film,
        rating,
        date,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRON: &str = r#"{"title": "TRON: Legacy", "year": 2010, "ids": {"trakt": 1, "slug": "tron-legacy-2010", "imdb": "tt1104001", "tmdb": 20526}}"#;

    #[test]
    fn ratings_are_halved_and_shows_counted() {
        let file = format!(
            r#"[{{"rated_at": "2014-09-01T09:10:11.000Z", "rating": 9, "type": "movie", "movie": {TRON}}},
               {{"rated_at": "2014-09-02T09:10:11.000Z", "rating": 10, "type": "show", "show": {{"title": "Breaking Bad"}}}},
               {{"rated_at": "2014-09-03T09:10:11.000Z", "rating": 11, "type": "movie", "movie": {TRON}}},
               {{"rated_at": "2014-09-03T09:10:11.000Z", "rating": 6, "type": "movie", "movie": {{"ids": {{}}}}}}]"#
        );
        let read = read(file.as_bytes(), 100).unwrap();
        assert_eq!(read.format, ExportFormat::TraktRatings);
        assert_eq!(read.rows.len(), 1);
        let row = &read.rows[0];
        assert_eq!(row.rating, Some(4.5));
        assert_eq!(row.film.imdb_id.as_deref(), Some("tt1104001"));
        assert_eq!(row.film.tmdb_id, Some(20526));
        assert_eq!(
            (row.film.title.as_deref(), row.film.year),
            (Some("TRON: Legacy"), Some(2010))
        );
        assert_eq!(row.date, fields::date("2014-09-01"));
        assert_eq!(read.not_films, 1);
        let skipped: Vec<u64> = read.skipped.iter().map(|s| s.line).collect();
        assert_eq!(
            skipped,
            [3, 4],
            "a rating off the scale; a movie with nothing to match"
        );
    }

    #[test]
    fn the_watchlist_watched_films_and_the_history_are_told_by_their_fields() {
        let watchlist = format!(
            r#"[{{"rank": 1, "id": 7, "listed_at": "2024-03-01T10:00:00.000Z", "notes": null, "type": "movie", "movie": {TRON}}}]"#
        );
        let watched = format!(
            r#"[{{"plays": 2, "last_watched_at": "2024-02-01T10:00:00.000Z", "last_updated_at": "2024-02-01T10:00:00.000Z", "movie": {TRON}}}]"#
        );
        let history = format!(
            r#"[{{"id": 9, "watched_at": "2024-01-01T10:00:00.000Z", "action": "scrobble", "type": "movie", "movie": {TRON}}},
                {{"id": 10, "watched_at": "2024-01-02T10:00:00.000Z", "action": "watch", "type": "episode", "episode": {{}}, "show": {{}}}}]"#
        );
        for (file, format, day) in [
            (&watchlist, ExportFormat::TraktWatchlist, "2024-03-01"),
            (&watched, ExportFormat::TraktWatched, "2024-02-01"),
            (&history, ExportFormat::TraktWatched, "2024-01-01"),
        ] {
            let read = read(file.as_bytes(), 100).unwrap();
            assert_eq!(read.format, format, "{file}");
            assert_eq!(read.rows[0].rating, None);
            assert_eq!(read.rows[0].date, fields::date(day));
        }
    }

    #[test]
    fn what_is_not_a_trakt_list_is_refused() {
        for file in ["{}", "[]", r#"[{"a": 1}]"#, "[1, 2]", "not json ["] {
            assert!(read(file.as_bytes(), 100).is_err(), "{file}");
        }
        let many = format!(
            "[{}]",
            [r#"{"plays": 1, "movie": {"title": "X"}}"#; 3].join(",")
        );
        assert_eq!(
            read(many.as_bytes(), 2).unwrap_err(),
            ExportError::TooManyRows { max: 2 }
        );
        assert!(is_json(b"\xEF\xBB\xBF  [") && is_json(b"\n{") && !is_json(b"Date,Name"));
    }
}
