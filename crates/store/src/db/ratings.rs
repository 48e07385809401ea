//! App users' ratings, and the ratings datasets imported beside them.

use sqlx::Row;

use super::Db;
use crate::clock::now;
use crate::error::Result;
use crate::ids::{MovieId, UserId};
use crate::rating::Rating;

/// One of a user's ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRating {
    pub movie_id: i64,
    pub rating: f64,
    pub rated_at: i64,
}

/// Every app user's rating, as (user, movie, rating).
pub async fn all(db: &Db) -> Result<Vec<(i64, i64, f64, i64)>> {
    let rows = sqlx::query(db.sql("SELECT user_id, movie_id, rating, rated_at FROM ratings"))
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("user_id")?,
                r.try_get("movie_id")?,
                r.try_get("rating")?,
                r.try_get("rated_at")?,
            ))
        })
        .collect()
}

/// The imported ratings datasets as (name, storage prefix), the largest first.
pub async fn datasets(db: &Db) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        db.sql("SELECT name, storage_prefix FROM datasets ORDER BY ratings_count DESC, name"),
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("storage_prefix")?)))
        .collect()
}

/// The imported ratings datasets as (name, ratings), by name.
pub async fn datasets_sizes(db: &Db) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(db.sql("SELECT name, ratings_count FROM datasets ORDER BY name"))
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("ratings_count")?)))
        .collect()
}

/// Records (or updates) an imported ratings dataset: its kind, where its Parquet lives, and its
/// numbers of ratings, users and movies.
pub async fn record_dataset(
    db: &Db,
    name: &str,
    kind: &str,
    prefix: &str,
    [ratings, users, movies]: [usize; 3],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO datasets (name, source_kind, storage_prefix, ratings_count, users_count, \
         movies_count, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?){}",
        db.upsert_clause(
            &["name"],
            &[
                "source_kind",
                "storage_prefix",
                "ratings_count",
                "users_count",
                "movies_count",
                "imported_at"
            ]
        )
    );
    sqlx::query(db.sql_owned(sql))
        .bind(name)
        .bind(kind)
        .bind(prefix)
        .bind(ratings as i64)
        .bind(users as i64)
        .bind(movies as i64)
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Sets (inserts or replaces) a user's rating of a movie.
pub async fn set(db: &Db, user_id: UserId, movie_id: MovieId, rating: Rating) -> Result<()> {
    let sql = format!(
        "INSERT INTO ratings (user_id, movie_id, rating, rated_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["rating", "rated_at"])
    );
    sqlx::query(db.sql_owned(sql))
        .bind(user_id.get())
        .bind(movie_id.get())
        .bind(rating.get())
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes a user's rating of a movie; false if there was none.
pub async fn delete(db: &Db, user_id: UserId, movie_id: MovieId) -> Result<bool> {
    let done = sqlx::query(db.sql("DELETE FROM ratings WHERE user_id = ? AND movie_id = ?"))
        .bind(user_id.get())
        .bind(movie_id.get())
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A user's rating of one movie.
pub async fn get(db: &Db, user_id: UserId, movie_id: MovieId) -> Result<Option<f64>> {
    let row = sqlx::query(db.sql("SELECT rating FROM ratings WHERE user_id = ? AND movie_id = ?"))
        .bind(user_id.get())
        .bind(movie_id.get())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("rating")).transpose()?)
}

/// All of a user's ratings, newest first.
pub async fn of_user(db: &Db, user_id: UserId) -> Result<Vec<UserRating>> {
    let rows = sqlx::query(db.sql(
        "SELECT movie_id, rating, rated_at FROM ratings WHERE user_id = ? \
         ORDER BY rated_at DESC, movie_id",
    ))
    .bind(user_id.get())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UserRating {
                movie_id: r.try_get("movie_id")?,
                rating: r.try_get("rating")?,
                rated_at: r.try_get("rated_at")?,
            })
        })
        .collect()
}

/// The app users' rating count and mean for a movie.
pub async fn movie_stats(db: &Db, movie_id: MovieId) -> Result<(u64, f64)> {
    let row = sqlx::query(db.sql(
        "SELECT COUNT(*) AS n, COALESCE(SUM(rating), 0.0) AS total FROM ratings WHERE movie_id = ?",
    ))
    .bind(movie_id.get())
    .fetch_one(db.pool())
    .await?;
    let n: i64 = row.try_get("n")?;
    let total: f64 = row.try_get("total")?;
    Ok((n.max(0) as u64, total))
}

/// What [`import`] did with each movie of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    /// A new rating.
    Rated,
    /// Rated already: kept as it was.
    Kept,
    /// Rated already, with another value: replaced.
    Overwritten,
    /// Rated already with this value (an import done twice).
    Unchanged,
    /// Put on the watchlist.
    Watchlisted,
    /// Marked seen (watched without a rating), taking it off the watchlist.
    Seen,
    /// Marked "not interested".
    Dismissed,
    /// On the list already, or rated, dismissed or (for the watchlist) seen: left alone.
    AlreadyListed,
}

/// What an import writes: each list's movies with their dates (Unix seconds).
#[derive(Debug, Default)]
pub struct ImportRows {
    /// (movie, stars, rated at).
    pub ratings: Vec<(i64, f64, i64)>,
    /// (movie, added at).
    pub watchlist: Vec<(i64, i64)>,
    /// (movie, watched at): watched without a rating.
    pub seen: Vec<(i64, i64)>,
    /// (movie, dismissed at): "not interested".
    pub dismissed: Vec<(i64, i64)>,
}

/// Writes an import in one transaction, outcomes in the order of ratings, watchlist, seen,
/// dismissed. A movie the user rated keeps its rating unless `overwrite`; a rated movie leaves
/// every list; the watchlist never takes a rated, dismissed or seen movie; "seen" never takes a
/// rated or dismissed one, and takes a film off the watchlist (it has been watched since);
/// "not interested" takes only films on no list and not rated.
pub async fn import(
    db: &Db,
    user_id: UserId,
    rows: &ImportRows,
    overwrite: bool,
) -> Result<Vec<Imported>> {
    let ImportRows {
        ratings,
        watchlist,
        seen,
        dismissed,
    } = rows;
    let mut tx = db.begin().await?;
    let existing: std::collections::HashMap<i64, f64> =
        sqlx::query(db.sql("SELECT movie_id, rating FROM ratings WHERE user_id = ?"))
            .bind(user_id.get())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("movie_id")?, r.try_get("rating")?)))
            .collect::<Result<_>>()?;
    let listed: std::collections::HashMap<i64, String> =
        sqlx::query(db.sql("SELECT movie_id, list FROM movie_lists WHERE user_id = ?"))
            .bind(user_id.get())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("movie_id")?, r.try_get("list")?)))
            .collect::<Result<_>>()?;
    let upsert = db.sql_owned(format!(
        "INSERT INTO ratings (user_id, movie_id, rating, rated_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["rating", "rated_at"])
    ));
    let mut done =
        Vec::with_capacity(ratings.len() + watchlist.len() + seen.len() + dismissed.len());
    for &(movie_id, rating, rated_at) in ratings {
        let outcome = match existing.get(&movie_id) {
            Some(&r) if r == rating => Imported::Unchanged,
            Some(_) if !overwrite => Imported::Kept,
            Some(_) => Imported::Overwritten,
            None => Imported::Rated,
        };
        if matches!(outcome, Imported::Rated | Imported::Overwritten) {
            sqlx::query(upsert.clone())
                .bind(user_id.get())
                .bind(movie_id)
                .bind(rating)
                .bind(rated_at)
                .execute(&mut *tx)
                .await?;
            if listed.contains_key(&movie_id) {
                sqlx::query(db.sql("DELETE FROM movie_lists WHERE user_id = ? AND movie_id = ?"))
                    .bind(user_id.get())
                    .bind(movie_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        done.push(outcome);
    }
    let rated: std::collections::HashSet<i64> = existing
        .keys()
        .copied()
        .chain(ratings.iter().map(|r| r.0))
        .collect();
    let seen_now: std::collections::HashSet<i64> = seen.iter().map(|s| s.0).collect();
    let insert = db.sql_owned(format!(
        "INSERT INTO movie_lists (user_id, movie_id, list, added_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["list", "added_at"])
    ));
    let lists = [
        ("watchlist", watchlist, Imported::Watchlisted),
        ("seen", seen, Imported::Seen),
        ("dismissed", dismissed, Imported::Dismissed),
    ];
    for (list, entries, outcome) in lists {
        for &(movie_id, at) in entries {
            let on = listed.get(&movie_id).map(String::as_str);
            let takes = !rated.contains(&movie_id)
                && match list {
                    // Watched since it was put on the watchlist.
                    "seen" => !matches!(on, Some("dismissed" | "seen")),
                    _ => on.is_none() && !seen_now.contains(&movie_id),
                };
            if !takes {
                done.push(Imported::AlreadyListed);
                continue;
            }
            sqlx::query(insert.clone())
                .bind(user_id.get())
                .bind(movie_id)
                .bind(list)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            done.push(outcome);
        }
    }
    tx.commit().await?;
    Ok(done)
}
