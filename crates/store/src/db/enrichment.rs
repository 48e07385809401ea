//! What TMDB enrichment reads and writes: the catalogue movies that lack something TMDB could
//! give, the fields and lists it fills — only where the catalogue has nothing, so that no
//! source's value is ever overwritten — and what asking TMDB about each movie came to, so that
//! the next run resumes where this one stopped.

use std::slice;

use nextflex_data::catalogue::Movie;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Row, Transaction};

use super::Db;
use super::catalogue::{self, Existing};
use crate::clock::now;
use crate::error::{Error, Result};

/// A movie to ask TMDB about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub movie_id: i64,
    pub tmdb_id: i64,
}

/// The movies that lack something TMDB could give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Still to ask, the most popular first.
    pub pending: Vec<Candidate>,
    /// Settled by an earlier run (TMDB answered, did not know them, or failed too often) while
    /// they kept their TMDB id: not asked again.
    pub remembered: u64,
}

/// What asking TMDB about a movie came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// TMDB answered: what the movie lacked and TMDB had is filled.
    Enriched,
    /// TMDB does not know the id (404).
    NotFound,
    /// No usable answer this run.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Enriched => "enriched",
            Outcome::NotFound => "not_found",
            Outcome::Failed => "failed",
        }
    }
}

/// Longest error text kept (the column's size).
const MAX_ERROR_CHARS: usize = 500;

/// The movies with a TMDB id that lack a poster, an overview, a runtime, a cast or a crew, the
/// most popular first. A movie an earlier run settled is counted in `remembered` instead of
/// listed: TMDB answered for it or did not know it, or it failed in `give_up_after` runs.
pub async fn candidates(db: &Db, give_up_after: u32) -> Result<Candidates> {
    let rows = sqlx::query(db.sql(
        "SELECT m.id, m.tmdb_id, e.outcome, e.failures FROM movies m \
         LEFT JOIN tmdb_enrichment e ON e.movie_id = m.id AND e.tmdb_id = m.tmdb_id \
         WHERE m.tmdb_id IS NOT NULL AND (m.poster_path IS NULL OR TRIM(m.poster_path) = '' \
         OR m.overview IS NULL OR TRIM(m.overview) = '' OR m.runtime IS NULL OR m.runtime <= 0 \
         OR NOT EXISTS (SELECT 1 FROM movie_cast c WHERE c.movie_id = m.id) \
         OR NOT EXISTS (SELECT 1 FROM movie_crew c WHERE c.movie_id = m.id)) \
         ORDER BY COALESCE(m.popularity, 0) DESC, m.id",
    ))
    .fetch_all(db.pool())
    .await?;
    let mut out = Candidates::default();
    for r in rows {
        let outcome: Option<String> = r.try_get("outcome")?;
        let failures: Option<i64> = r.try_get("failures")?;
        let settled = match outcome.as_deref() {
            None => false,
            Some("failed") => failures.unwrap_or(0) >= i64::from(give_up_after),
            Some(_) => true,
        };
        if settled {
            out.remembered += 1;
        } else {
            out.pending.push(Candidate {
                movie_id: r.try_get("id")?,
                tmdb_id: r.try_get("tmdb_id")?,
            });
        }
    }
    Ok(out)
}

/// Remembers that asking TMDB about a movie came to `outcome` (a failure adds one to the
/// movie's failures; anything else clears them). Nothing happens if the movie is gone or has
/// another TMDB id by now.
pub async fn remember(
    db: &Db,
    movie: Candidate,
    outcome: Outcome,
    error: Option<&str>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if current_tmdb_id(db, &mut tx, movie.movie_id).await? == Some(movie.tmdb_id) {
        remember_in(db, &mut tx, movie, outcome, error).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn current_tmdb_id(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movie_id: i64,
) -> Result<Option<i64>> {
    let row = sqlx::query(db.sql("SELECT tmdb_id FROM movies WHERE id = ?"))
        .bind(movie_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(r) => r.try_get("tmdb_id")?,
        None => None,
    })
}

async fn remember_in(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movie: Candidate,
    outcome: Outcome,
    error: Option<&str>,
) -> Result<()> {
    let before: Option<i64> = sqlx::query_scalar(
        db.sql("SELECT failures FROM tmdb_enrichment WHERE movie_id = ? AND tmdb_id = ?"),
    )
    .bind(movie.movie_id)
    .bind(movie.tmdb_id)
    .fetch_optional(&mut **tx)
    .await?;
    let failures = match outcome {
        Outcome::Failed => before.unwrap_or(0) + 1,
        Outcome::Enriched | Outcome::NotFound => 0,
    };
    sqlx::query(db.sql("DELETE FROM tmdb_enrichment WHERE movie_id = ?"))
        .bind(movie.movie_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(db.sql(
        "INSERT INTO tmdb_enrichment (movie_id, tmdb_id, outcome, failures, error, asked_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    ))
    .bind(movie.movie_id)
    .bind(movie.tmdb_id)
    .bind(outcome.as_str())
    .bind(failures)
    .bind(error.map(|e| e.chars().take(MAX_ERROR_CHARS).collect::<String>()))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Fills what the catalogue movie `movie_id` lacks from `from` (TMDB's answer), and remembers
/// it as enriched, in one transaction. A text field counts as lacking when it is empty, a number
/// (runtime, year, budget, revenue) when it is not positive, the IMDb id when it is empty and no
/// other movie holds TMDB's; genres, keywords, cast and crew each only when the movie has none
/// of that kind. Popularity and vote statistics are never taken, nor the title, but in place of a
/// placeholder ([`nextflex_data::catalogue::yields_to`]: "Untitled Spider-Man Reboot"), which
/// is kept as an alternate title.
///
/// Returns the names of what was filled (empty: TMDB had nothing the movie lacked), or `None`,
/// with nothing written, when the movie is gone or has another TMDB id by now.
pub async fn fill(db: &Db, movie: Candidate, from: &Movie) -> Result<Option<Vec<&'static str>>> {
    let mut tx = db.begin().await?;
    let Some(row) = sqlx::query(db.sql(
        "SELECT tmdb_id, title, alternate_titles, poster_path, overview, tagline, release_date, \
         original_title, original_language, runtime, release_year, budget, revenue, imdb_id \
         FROM movies WHERE id = ?",
    ))
    .bind(movie.movie_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    if row.try_get::<Option<i64>, _>("tmdb_id")? != Some(movie.tmdb_id) {
        return Ok(None);
    }
    let mut filled = Vec::new();

    // Each assignment keeps a value that arrived meanwhile (another writer, a PostgreSQL or
    // MySQL transaction that does not lock the row): only an empty field takes TMDB's.
    let mut sets = Vec::new();
    let mut args = AnyArguments::default();
    let bind = |e| Error::internal("cannot bind a query argument", e);
    let texts = [
        ("poster_path", &from.poster_path),
        ("overview", &from.overview),
        ("tagline", &from.tagline),
        ("release_date", &from.release_date),
        ("original_title", &from.original_title),
        ("original_language", &from.original_language),
    ];
    for (column, value) in texts {
        let held: Option<String> = row.try_get(column)?;
        let lacking = held.is_none_or(|h| h.trim().is_empty());
        if let (true, Some(value)) = (lacking, value.as_ref().filter(|v| !v.trim().is_empty())) {
            sets.push(format!(
                "{column} = CASE WHEN {column} IS NULL OR TRIM({column}) = '' THEN ? ELSE {column} END"
            ));
            args.add(value.clone()).map_err(bind)?;
            filled.push(column);
        }
    }
    let numbers = [
        ("runtime", from.runtime),
        ("release_year", from.release_year),
        ("budget", from.budget),
        ("revenue", from.revenue),
    ];
    for (column, value) in numbers {
        let held: Option<i64> = row.try_get(column)?;
        if let (true, Some(value)) = (held.is_none_or(|h| h <= 0), value.filter(|v| *v > 0)) {
            sets.push(format!(
                "{column} = CASE WHEN {column} IS NULL OR {column} <= 0 THEN ? ELSE {column} END"
            ));
            args.add(value).map_err(bind)?;
            filled.push(column);
        }
    }
    let held_title: String = row.try_get("title")?;
    if nextflex_data::catalogue::yields_to(&held_title, &from.title) {
        let mut named = Movie {
            title: from.title.clone(),
            ..Movie::default()
        };
        let alternates: Option<String> = row.try_get("alternate_titles")?;
        named.add_alternates(
            std::iter::once(held_title)
                .chain(alternates.iter().flat_map(|a| a.lines().map(str::to_owned))),
        );
        sets.push("title = ?, search_title = ?, alternate_titles = ?".to_owned());
        args.add(named.title.clone()).map_err(bind)?;
        args.add(named.search_title()).map_err(bind)?;
        args.add(named.alternate_titles.join("\n")).map_err(bind)?;
        filled.push("title");
    }
    if !sets.is_empty() {
        args.add(now()).map_err(bind)?;
        args.add(movie.movie_id).map_err(bind)?;
        let sql = format!(
            "UPDATE movies SET {}, updated_at = ? WHERE id = ?",
            sets.join(", ")
        );
        sqlx::query_with(db.sql_owned(sql), args)
            .execute(&mut *tx)
            .await?;
    }
    let held_imdb: Option<String> = row.try_get("imdb_id")?;
    if let (true, Some(imdb)) = (
        held_imdb.is_none_or(|h| h.trim().is_empty()),
        from.imdb_id.as_deref(),
    ) {
        // An IMDb id another movie holds stays with that movie, as on import.
        let done = sqlx::query(db.sql(
            "UPDATE movies SET imdb_id = ? WHERE id = ? \
             AND (imdb_id IS NULL OR TRIM(imdb_id) = '') \
             AND NOT EXISTS (SELECT 1 FROM (SELECT id FROM movies WHERE imdb_id = ?) AS taken)",
        ))
        .bind(imdb)
        .bind(movie.movie_id)
        .bind(imdb)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            filled.push("imdb_id");
        }
    }

    // The lists, each kind only for a movie with none of it.
    let mut lists = Movie::default();
    let id = movie.movie_id;
    if !from.genres.is_empty() && !has_any(db, &mut tx, "movie_genres", id).await? {
        lists.genres = from.genres.clone();
        filled.push("genres");
    }
    if !from.keywords.is_empty() && !has_any(db, &mut tx, "movie_keywords", id).await? {
        lists.keywords = from.keywords.clone();
        filled.push("keywords");
    }
    if !from.cast.is_empty() && !has_any(db, &mut tx, "movie_cast", id).await? {
        lists.cast = from.cast.clone();
        filled.push("cast");
    }
    if !from.crew.is_empty() && !has_any(db, &mut tx, "movie_crew", id).await? {
        lists.crew = from.crew.clone();
        filled.push("crew");
    }
    let brings_lists = !(lists.genres.is_empty()
        && lists.keywords.is_empty()
        && lists.cast.is_empty()
        && lists.crew.is_empty());
    if brings_lists {
        store_lists(db, &mut tx, id, lists).await?;
    }

    remember_in(db, &mut tx, movie, Outcome::Enriched, None).await?;
    tx.commit().await?;
    Ok(Some(filled))
}

/// Whether the movie has any row in `table` (one of the movie link tables).
async fn has_any(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    table: &'static str,
    movie_id: i64,
) -> Result<bool> {
    let row = sqlx::query(db.sql_owned(format!(
        "SELECT 1 AS held FROM {table} WHERE movie_id = ? LIMIT 1"
    )))
    .bind(movie_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// Writes a movie's new lists with the import's own functions; people and keywords the
/// catalogue has already are kept as they are.
async fn store_lists(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movie_id: i64,
    lists: Movie,
) -> Result<()> {
    let movies = slice::from_ref(&lists);
    let genres = catalogue::store_genres(db, tx, movies).await?;
    catalogue::upsert_keywords(db, tx, movies, Existing::Keep).await?;
    catalogue::upsert_people(db, tx, movies, Existing::Keep).await?;
    let keyword_ids: Vec<i64> = lists.keywords.iter().filter_map(|k| k.tmdb_id).collect();
    let keywords = catalogue::ids_by_tmdb(db, tx, "keywords", &keyword_ids).await?;
    let people_ids: Vec<i64> = lists
        .cast
        .iter()
        .map(|c| &c.person)
        .chain(lists.crew.iter().map(|c| &c.person))
        .filter_map(|p| p.tmdb_id)
        .collect();
    let people = catalogue::ids_by_tmdb(db, tx, "people", &people_ids).await?;
    catalogue::store_links(db, tx, movies, &[movie_id], &genres, &keywords, &people).await
}
