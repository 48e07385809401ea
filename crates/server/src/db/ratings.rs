//! App users' ratings.

use sqlx::Row;

use super::{Db, now};
use crate::error::Result;

/// One of a user's ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRating {
    pub movie_id: i64,
    pub rating: f64,
    pub rated_at: i64,
}

/// Sets (inserts or replaces) a user's rating of a movie.
pub async fn set(db: &Db, user_id: i64, movie_id: i64, rating: f64) -> Result<()> {
    let sql = format!(
        "INSERT INTO ratings (user_id, movie_id, rating, rated_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["rating", "rated_at"])
    );
    sqlx::query(db.sql_owned(sql))
        .bind(user_id)
        .bind(movie_id)
        .bind(rating)
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes a user's rating of a movie; false if there was none.
pub async fn delete(db: &Db, user_id: i64, movie_id: i64) -> Result<bool> {
    let done = sqlx::query(db.sql("DELETE FROM ratings WHERE user_id = ? AND movie_id = ?"))
        .bind(user_id)
        .bind(movie_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A user's rating of one movie.
pub async fn get(db: &Db, user_id: i64, movie_id: i64) -> Result<Option<f64>> {
    let row = sqlx::query(db.sql("SELECT rating FROM ratings WHERE user_id = ? AND movie_id = ?"))
        .bind(user_id)
        .bind(movie_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("rating")).transpose()?)
}

/// All of a user's ratings, newest first.
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<UserRating>> {
    let rows = sqlx::query(db.sql(
        "SELECT movie_id, rating, rated_at FROM ratings WHERE user_id = ? \
         ORDER BY rated_at DESC, movie_id",
    ))
    .bind(user_id)
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
pub async fn movie_stats(db: &Db, movie_id: i64) -> Result<(u64, f64)> {
    let row = sqlx::query(db.sql(
        "SELECT COUNT(*) AS n, COALESCE(SUM(rating), 0.0) AS total FROM ratings WHERE movie_id = ?",
    ))
    .bind(movie_id)
    .fetch_one(db.pool())
    .await?;
    let n: i64 = row.try_get("n")?;
    let total: f64 = row.try_get("total")?;
    Ok((n.max(0) as u64, total))
}
