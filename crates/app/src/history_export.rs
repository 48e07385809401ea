//! A user's films taken away: ratings, watchlist, films seen and those they are not interested in, as
//! the zip of [`nextflex_data::exports::write`] (Letterboxd's layout with TMDB and IMDb ids, read
//! back by Letterboxd's importer and by [`crate::history_import`]), with a JSON copy inside.

use std::collections::HashMap;

use nextflex_data::exports::write::{self, ExportedFilm, UserExport};
use nextflex_store::clock::now;
use nextflex_store::db::Db;
use nextflex_store::db::catalogue::{self, MatchKeys};
use nextflex_store::db::movie_lists::{self, List};
use nextflex_store::db::ratings;
use nextflex_store::error::{Error, Result};
use nextflex_store::ids::UserId;
use serde_json::json;

/// The zip of `user`'s films, and its file name (`nextflex-YYYY-MM-DD.zip`).
pub async fn export(db: &Db, user: UserId) -> Result<(Vec<u8>, String)> {
    let rated = ratings::of_user(db, user).await?;
    let watchlist = movie_lists::of_user(db, user, List::Watchlist).await?;
    let seen = movie_lists::of_user(db, user, List::Seen).await?;
    let dismissed = movie_lists::of_user(db, user, List::Dismissed).await?;
    let movies: HashMap<i64, MatchKeys> = catalogue::match_keys(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let film = |id: i64, at: i64, rating: Option<f64>| {
        movies.get(&id).map(|m| ExportedFilm {
            date: day(at),
            title: m.title.clone(),
            year: m.year,
            tmdb_id: m.tmdb_id,
            imdb_id: m.imdb_id.clone(),
            rating,
        })
    };
    let ratings: Vec<ExportedFilm> = rated
        .iter()
        .filter_map(|r| film(r.movie_id, r.rated_at, Some(r.rating)))
        .collect();
    let listed = |entries: &[movie_lists::Entry]| -> Vec<ExportedFilm> {
        entries
            .iter()
            .filter_map(|e| film(e.movie_id, e.added_at, None))
            .collect()
    };
    let (watchlist_films, seen_films, dismissed_films) =
        (listed(&watchlist), listed(&seen), listed(&dismissed));
    let with_id = |id: i64, at: i64, rating: Option<f64>| {
        let m = movies.get(&id);
        json!({
            "movie_id": id,
            "title": m.map(|m| &m.title),
            "year": m.and_then(|m| m.year),
            "tmdb_id": m.and_then(|m| m.tmdb_id),
            "imdb_id": m.and_then(|m| m.imdb_id.as_ref()),
            "rating": rating,
            "at": at,
        })
    };
    let document = json!({
        "exported_at": now(),
        "ratings": rated.iter().map(|r| with_id(r.movie_id, r.rated_at, Some(r.rating))).collect::<Vec<_>>(),
        "watchlist": watchlist.iter().map(|e| with_id(e.movie_id, e.added_at, None)).collect::<Vec<_>>(),
        "seen": seen.iter().map(|e| with_id(e.movie_id, e.added_at, None)).collect::<Vec<_>>(),
        "not_interested": dismissed.iter().map(|e| with_id(e.movie_id, e.added_at, None)).collect::<Vec<_>>(),
    });
    let json = serde_json::to_vec_pretty(&document)
        .map_err(|e| Error::internal("writing the export's JSON", e))?;
    let made = time::OffsetDateTime::from_unix_timestamp(now())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let bytes = write::zip(UserExport {
        ratings: &ratings,
        watchlist: &watchlist_films,
        watched: &seen_films,
        not_interested: &dismissed_films,
        json: &json,
        made: (
            u16::try_from(made.year()).unwrap_or(1980),
            u8::from(made.month()),
            made.day(),
            made.hour(),
            made.minute(),
            made.second(),
        ),
    })
    .map_err(|e| Error::internal("writing the export's zip", e))?;
    Ok((bytes, format!("nextflex-{}.zip", day(now()))))
}

/// `YYYY-MM-DD` (UTC) of Unix seconds.
fn day(at: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(at)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}
