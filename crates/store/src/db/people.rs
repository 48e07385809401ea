//! Who made and who starred in which movies: a person's page, and the credits the home page's
//! "More from" and "Starring" rows are built from.

use sqlx::Row;

use super::{Db, fetch_in};
use crate::error::Result;

/// A part in a film that a row can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Director,
    /// One of the first three names of the cast.
    Star,
}

impl Role {
    /// `SELECT movie_id, person_id, name, billing` of the credits in this role, for a `WHERE` to follow.
    fn select(self) -> &'static str {
        match self {
            Role::Director => {
                "SELECT c.movie_id, c.person_id, p.name, 0 AS billing FROM movie_crew c \
                 JOIN people p ON p.id = c.person_id WHERE c.job = 'Director'"
            }
            Role::Star => {
                "SELECT c.movie_id, c.person_id, p.name, c.cast_order AS billing FROM movie_cast c \
                 JOIN people p ON p.id = c.person_id WHERE c.cast_order < 3"
            }
        }
    }
}

/// Someone's credit on a movie.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Credit {
    pub movie_id: i64,
    pub person_id: i64,
    pub name: String,
    /// The place in the cast's billing (0 first); 0 for a director.
    pub billing: i64,
}

/// The credits in `role` on these movies.
pub async fn credits_on(db: &Db, role: Role, movie_ids: &[i64]) -> Result<Vec<Credit>> {
    let select = format!(
        "{} AND c.movie_id IN ({{}}) ORDER BY c.movie_id, c.person_id",
        role.select()
    );
    let mut conn = db.pool().acquire().await?;
    fetch_in(db, &mut conn, &select, movie_ids).await
}

/// The movies this person has a credit in `role` on.
pub async fn films_of(db: &Db, role: Role, person_id: i64) -> Result<Vec<i64>> {
    let sql = format!("{} AND c.person_id = ? ORDER BY c.movie_id", role.select());
    let credits: Vec<Credit> = sqlx::query_as(db.sql_owned(sql))
        .bind(person_id)
        .fetch_all(db.pool())
        .await?;
    Ok(credits.into_iter().map(|c| c.movie_id).collect())
}

/// A person of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub profile_path: Option<String>,
}

pub async fn find(db: &Db, id: i64) -> Result<Option<Person>> {
    Ok(
        sqlx::query_as(db.sql("SELECT id, name, profile_path FROM people WHERE id = ?"))
            .bind(id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// One of a person's credits: a part in the cast (`character`, `order`) or a crew job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonCredit {
    Cast {
        movie_id: i64,
        character: Option<String>,
        order: i64,
    },
    Crew {
        movie_id: i64,
        job: String,
        department: String,
    },
}

/// Everything a person is credited with: their parts, then their crew jobs.
pub async fn filmography(db: &Db, person_id: i64) -> Result<Vec<PersonCredit>> {
    let mut out = Vec::new();
    for r in sqlx::query(db.sql(
        "SELECT movie_id, character_name, cast_order FROM movie_cast WHERE person_id = ? \
         ORDER BY movie_id, cast_order",
    ))
    .bind(person_id)
    .fetch_all(db.pool())
    .await?
    {
        out.push(PersonCredit::Cast {
            movie_id: r.try_get("movie_id")?,
            character: r.try_get("character_name")?,
            order: r.try_get("cast_order")?,
        });
    }
    for r in sqlx::query(db.sql(
        "SELECT movie_id, job, department FROM movie_crew WHERE person_id = ? \
         ORDER BY movie_id, department, job",
    ))
    .bind(person_id)
    .fetch_all(db.pool())
    .await?
    {
        out.push(PersonCredit::Crew {
            movie_id: r.try_get("movie_id")?,
            job: r.try_get("job")?,
            department: r.try_get("department")?,
        });
    }
    Ok(out)
}
