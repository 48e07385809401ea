//! The catalogue's keywords: a keyword's page (the movies tagged with it) and the keywords the
//! similar-movies section names as what two films share.

use sqlx::Row;

use super::Db;
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
    let mut out = Vec::new();
    // Well under every backend's limit on bound parameters.
    for chunk in movie_ids.chunks(500) {
        let sql = format!(
            "SELECT mk.movie_id, k.id, k.name FROM movie_keywords mk \
             JOIN keywords k ON k.id = mk.keyword_id WHERE mk.movie_id IN ({}) \
             ORDER BY mk.movie_id, k.name",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(db.sql_owned(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for r in query.fetch_all(db.pool()).await? {
            let keyword = Keyword {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            };
            out.push((r.try_get("movie_id")?, keyword));
        }
    }
    Ok(out)
}
