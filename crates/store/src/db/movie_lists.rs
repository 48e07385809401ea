//! A user's watchlist, "not interested" (dismissed) marks and films seen without a rating: one
//! row per user and movie, so a movie is on at most one of the three lists.

use sqlx::Row;

use super::Db;
use crate::clock::now;
use crate::error::Result;
use crate::ids::{MovieId, UserId};

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Watchlist,
    Dismissed,
    /// Watched, not rated: kept out of recommendations, and a like where people liked the film.
    Seen,
}

impl List {
    fn parse(name: &str) -> Option<List> {
        [List::Watchlist, List::Dismissed, List::Seen]
            .into_iter()
            .find(|l| l.as_str() == name)
    }

    fn as_str(self) -> &'static str {
        match self {
            List::Watchlist => "watchlist",
            List::Dismissed => "dismissed",
            List::Seen => "seen",
        }
    }
}

/// A movie on a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub movie_id: i64,
    pub added_at: i64,
}

/// Puts a movie on a list, taking it off the others; false if it was on this list already
/// (its date is kept).
pub async fn add(db: &Db, user_id: UserId, movie_id: MovieId, list: List) -> Result<bool> {
    let current: Option<String> =
        sqlx::query(db.sql("SELECT list FROM movie_lists WHERE user_id = ? AND movie_id = ?"))
            .bind(user_id.get())
            .bind(movie_id.get())
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get("list"))
            .transpose()?;
    if current.as_deref() == Some(list.as_str()) {
        return Ok(false);
    }
    let sql = format!(
        "INSERT INTO movie_lists (user_id, movie_id, list, added_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["list", "added_at"])
    );
    sqlx::query(db.sql_owned(sql))
        .bind(user_id.get())
        .bind(movie_id.get())
        .bind(list.as_str())
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(true)
}

/// Takes a movie off a list; false if it was not on it.
pub async fn remove(db: &Db, user_id: UserId, movie_id: MovieId, list: List) -> Result<bool> {
    let done = sqlx::query(
        db.sql("DELETE FROM movie_lists WHERE user_id = ? AND movie_id = ? AND list = ?"),
    )
    .bind(user_id.get())
    .bind(movie_id.get())
    .bind(list.as_str())
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes a movie off whichever list holds it (a rated movie is neither to watch, nor dismissed,
/// nor seen without a rating).
pub async fn clear(db: &Db, user_id: UserId, movie_id: MovieId) -> Result<()> {
    sqlx::query(db.sql("DELETE FROM movie_lists WHERE user_id = ? AND movie_id = ?"))
        .bind(user_id.get())
        .bind(movie_id.get())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The movies on one of a user's lists, newest first.
pub async fn of_user(db: &Db, user_id: UserId, list: List) -> Result<Vec<Entry>> {
    let entries = of_user_in(db, user_id, &[list]).await?;
    Ok(entries.into_iter().map(|(_, entry)| entry).collect())
}

/// What a user's personal lists read of them, in one query (a hot path: every "For you"):
/// their ratings, the most recent first, and the films they saw without rating and dismissed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    pub ratings: Vec<super::ratings::UserRating>,
    pub seen: Vec<i64>,
    pub dismissed: Vec<i64>,
}

/// User `user_id`'s [`Signals`]: their ratings and their seen and dismissed lists, one
/// statement for both tables (each statement is a round trip to the database's worker).
pub async fn signals_of(db: &Db, user_id: UserId) -> Result<Signals> {
    // A rating's row is marked by a name no list has.
    let rows = sqlx::query(db.sql(
        "SELECT 'rating' AS kind, movie_id, rating, rated_at FROM ratings WHERE user_id = ? \
         UNION ALL \
         SELECT list, movie_id, NULL, added_at FROM movie_lists \
         WHERE user_id = ? AND list IN (?, ?) \
         ORDER BY rated_at DESC, movie_id",
    ))
    .bind(user_id.get())
    .bind(user_id.get())
    .bind(List::Seen.as_str())
    .bind(List::Dismissed.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut out = Signals::default();
    for r in &rows {
        let movie_id: i64 = r.try_get("movie_id")?;
        match List::parse(&r.try_get::<String, _>("kind")?) {
            Some(List::Seen) => out.seen.push(movie_id),
            Some(List::Dismissed) => out.dismissed.push(movie_id),
            _ => out.ratings.push(super::ratings::UserRating {
                movie_id,
                rating: r.try_get::<Option<f64>, _>("rating")?.unwrap_or_default(),
                rated_at: r.try_get("rated_at")?,
            }),
        }
    }
    Ok(out)
}

/// The movies on any of `lists` of a user, each with its list, newest first: one query where a
/// page needs several lists.
pub async fn of_user_in(db: &Db, user_id: UserId, lists: &[List]) -> Result<Vec<(List, Entry)>> {
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT list, movie_id, added_at FROM movie_lists WHERE user_id = ? AND list IN ({}) \
         ORDER BY added_at DESC, movie_id",
        vec!["?"; lists.len()].join(", ")
    );
    let mut query = sqlx::query(db.sql_owned(sql)).bind(user_id.get());
    for list in lists {
        query = query.bind(list.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    rows.iter()
        .filter_map(|r| {
            let read = || -> Result<Option<(List, Entry)>> {
                let Some(list) = List::parse(&r.try_get::<String, _>("list")?) else {
                    return Ok(None);
                };
                let entry = Entry {
                    movie_id: r.try_get("movie_id")?,
                    added_at: r.try_get("added_at")?,
                };
                Ok(Some((list, entry)))
            };
            read().transpose()
        })
        .collect()
}
