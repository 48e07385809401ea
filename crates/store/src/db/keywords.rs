//! The catalogue's keywords: a keyword's page (the movies tagged with it) and the keywords the
//! similar-movies section names as what two films share.

use sqlx::Row;

use super::{Db, fetch_in};
use crate::error::Result;

/// A keyword of the catalogue (`GET /api/keywords/{id}` lists its movies).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Keyword {
    pub id: i64,
    pub name: String,
}

pub async fn find(db: &Db, id: i64) -> Result<Option<Keyword>> {
    Ok(
        sqlx::query_as(db.sql("SELECT id, name FROM keywords WHERE id = ?"))
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// The movies tagged with a keyword, by id.
pub async fn movies_with(db: &Db, keyword_id: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        db.sql("SELECT movie_id FROM movie_keywords WHERE keyword_id = ? ORDER BY movie_id"),
    )
    .bind(keyword_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64, _>("movie_id")?))
        .collect()
}

/// The keywords of these movies, as (movie id, keyword), by movie then name.
pub async fn keywords_on(db: &Db, movie_ids: &[i64]) -> Result<Vec<(i64, Keyword)>> {
    let select = "SELECT mk.movie_id, k.id, k.name FROM movie_keywords mk \
                  JOIN keywords k ON k.id = mk.keyword_id WHERE mk.movie_id IN ({}) \
                  ORDER BY mk.movie_id, k.name";
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<(i64, i64, String)> = fetch_in(db, &mut conn, select, movie_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(movie_id, id, name)| (movie_id, Keyword { id, name }))
        .collect())
}
