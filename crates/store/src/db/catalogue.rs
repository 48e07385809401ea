//! Writing the merged catalogue (movies, genres, people, credits, keywords) in one transaction,
//! so that a failure part-way leaves the previous catalogue as it was. Movies are matched to
//! existing rows by TMDB id, then MovieLens id, then IMDb id, so importing again updates in
//! place and keeps internal ids (and the ratings and posts that point at them) stable.

use std::collections::{HashMap, HashSet};

use nextflex_data::catalogue::{
    CastMember, Collection, CrewMember, Genre, Keyword, Movie, Person, Tag,
};
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Row, Transaction};

use super::{Db, MAX_PARAMS, fetch_in, keywords};
use crate::clock::now;
use crate::error::{Error, Result};
use crate::ids::{MovieId, MovieLensId, TmdbId};

/// A value for a multi-row insert.
#[derive(Debug, Clone)]
enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

impl Arg {
    fn add_to(self, args: &mut AnyArguments) -> Result<()> {
        let r = match self {
            Arg::Int(v) => args.add(v),
            Arg::OptInt(v) => args.add(v),
            Arg::Text(v) => args.add(v),
            Arg::OptText(v) => args.add(v),
        };
        r.map_err(|e| Error::internal("cannot bind a query argument", e))
    }
}

/// What the write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreReport {
    pub inserted: u64,
    pub updated: u64,
    /// Ids (IMDb, MovieLens) dropped because another movie already holds them in the database.
    pub id_conflicts: u64,
}

/// Stores the movies; returns what changed.
pub async fn store(db: &Db, movies: &[Movie]) -> Result<StoreReport> {
    let mut tx = db.begin().await?;
    let genres = store_genres(db, &mut tx, movies).await?;
    let keywords = store_keywords(db, &mut tx, movies).await?;
    let people = store_people(db, &mut tx, movies).await?;
    let (ids, report) = store_movies(db, &mut tx, movies).await?;
    store_links(db, &mut tx, movies, &ids, &genres, &keywords, &people).await?;
    tx.commit().await?;
    Ok(report)
}

async fn insert_rows(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    head: &str,
    tail: &str,
    width: usize,
    rows: Vec<Vec<Arg>>,
) -> Result<()> {
    let per_statement = (MAX_PARAMS / width).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut args = AnyArguments::default();
        let mut n = 0;
        for row in rows.by_ref().take(per_statement) {
            for value in row {
                value.add_to(&mut args)?;
            }
            n += 1;
        }
        let one = format!("({})", vec!["?"; width].join(", "));
        let sql = format!("{head} VALUES {}{tail}", vec![one; n].join(", "));
        sqlx::query_with(db.sql_owned(sql), args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(super) async fn store_genres(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
) -> Result<HashMap<String, i64>> {
    let mut seen = HashSet::new();
    let rows: Vec<Vec<Arg>> = movies
        .iter()
        .flat_map(|m| &m.genres)
        .filter(|g| seen.insert(g.name.clone()))
        .map(|g| vec![Arg::Text(g.name.clone())])
        .collect();
    insert_rows(
        db,
        tx,
        "INSERT INTO genres (name)",
        &db.upsert_clause(&["name"], &[]),
        1,
        rows,
    )
    .await?;
    // TMDB genre ids, where a source gives them, for the names that have none yet.
    let mut seen = HashSet::new();
    for g in movies.iter().flat_map(|m| &m.genres) {
        if let Some(tmdb) = g.tmdb_id
            && seen.insert(tmdb)
        {
            sqlx::query(db.sql("UPDATE genres SET tmdb_id = ? WHERE name = ? AND tmdb_id IS NULL AND NOT EXISTS (SELECT 1 FROM (SELECT tmdb_id FROM genres WHERE tmdb_id = ?) AS taken)"))
                .bind(tmdb)
                .bind(&g.name)
                .bind(tmdb)
                .execute(&mut **tx)
                .await?;
        }
    }
    let rows = sqlx::query(db.sql("SELECT id, name FROM genres"))
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>("name")?, r.try_get::<i64, _>("id")?)))
        .collect()
}

async fn store_keywords(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
) -> Result<HashMap<i64, i64>> {
    upsert_keywords(db, tx, movies, Existing::Replace).await?;
    all_ids_by_tmdb(db, tx, "keywords").await
}

/// Every row's id of `table` (keywords, people) by TMDB id.
async fn all_ids_by_tmdb(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    table: &str,
) -> Result<HashMap<i64, i64>> {
    let sql = format!("SELECT tmdb_id, id FROM {table} WHERE tmdb_id IS NOT NULL");
    let rows: Vec<(i64, i64)> = sqlx::query_as(db.sql_owned(sql))
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().collect())
}

/// What an upsert does to a row that exists: an import replaces it (the later source wins),
/// enrichment keeps it (it only fills gaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Existing {
    Replace,
    Keep,
}

/// Inserts the movies' keywords (by TMDB id).
pub(super) async fn upsert_keywords(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
    existing: Existing,
) -> Result<()> {
    let mut seen = HashSet::new();
    let rows: Vec<Vec<Arg>> = movies
        .iter()
        .flat_map(|m| &m.keywords)
        .filter_map(|k| Some((k.tmdb_id?, k)))
        .filter(|(id, _)| seen.insert(*id))
        .map(|(id, k)| vec![Arg::Int(id), Arg::Text(k.name.clone())])
        .collect();
    let update: &[&str] = match existing {
        Existing::Replace => &["name"],
        Existing::Keep => &[],
    };
    insert_rows(
        db,
        tx,
        "INSERT INTO keywords (tmdb_id, name)",
        &db.upsert_clause(&["tmdb_id"], update),
        2,
        rows,
    )
    .await
}

async fn store_people(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
) -> Result<HashMap<i64, i64>> {
    upsert_people(db, tx, movies, Existing::Replace).await?;
    all_ids_by_tmdb(db, tx, "people").await
}

/// Inserts the people the movies' cast and crew name (by TMDB id).
pub(super) async fn upsert_people(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
    existing: Existing,
) -> Result<()> {
    let mut seen = HashSet::new();
    let people = movies.iter().flat_map(|m| {
        m.cast
            .iter()
            .map(|c| &c.person)
            .chain(m.crew.iter().map(|c| &c.person))
    });
    let rows: Vec<Vec<Arg>> = people
        .filter_map(|p| Some((p.tmdb_id?, p)))
        .filter(|(id, _)| seen.insert(*id))
        .map(|(id, p)| {
            vec![
                Arg::Int(id),
                Arg::Text(p.name.clone()),
                Arg::OptInt(p.gender),
                Arg::OptText(p.profile_path.clone()),
            ]
        })
        .collect();
    let update: &[&str] = match existing {
        Existing::Replace => &["name", "gender", "profile_path"],
        Existing::Keep => &[],
    };
    insert_rows(
        db,
        tx,
        "INSERT INTO people (tmdb_id, name, gender, profile_path)",
        &db.upsert_clause(&["tmdb_id"], update),
        4,
        rows,
    )
    .await
}

/// The ids of the rows of `table` (`people` or `keywords`) with these TMDB ids, by TMDB id.
pub(super) async fn ids_by_tmdb(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    table: &'static str,
    tmdb_ids: &[i64],
) -> Result<HashMap<i64, i64>> {
    let select = format!("SELECT tmdb_id, id FROM {table} WHERE tmdb_id IN ({{}})");
    let rows: Vec<(i64, i64)> = fetch_in(db, tx, &select, tmdb_ids).await?;
    Ok(rows.into_iter().collect())
}

/// Existing movies' keys, for matching.
#[derive(Default)]
struct Keys {
    tmdb: HashMap<i64, i64>,
    movielens: HashMap<i64, i64>,
    imdb: HashMap<String, i64>,
}

async fn store_movies(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
) -> Result<(Vec<i64>, StoreReport)> {
    let mut keys = Keys::default();
    // Each stored movie's titles: a title an import replaces becomes one of its alternates.
    let mut titles: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(
        db.sql("SELECT id, tmdb_id, movielens_id, imdb_id, title, alternate_titles FROM movies"),
    )
    .fetch_all(&mut **tx)
    .await?
    {
        let id: i64 = r.try_get("id")?;
        let alternates: Option<String> = r.try_get("alternate_titles")?;
        titles.insert(
            id,
            std::iter::once(r.try_get("title")?)
                .chain(alternates.iter().flat_map(|a| a.lines().map(str::to_owned)))
                .collect(),
        );
        if let Some(t) = r.try_get::<Option<i64>, _>("tmdb_id")? {
            keys.tmdb.insert(t, id);
        }
        if let Some(m) = r.try_get::<Option<i64>, _>("movielens_id")? {
            keys.movielens.insert(m, id);
        }
        if let Some(i) = r.try_get::<Option<String>, _>("imdb_id")? {
            keys.imdb.insert(i, id);
        }
    }
    let mut report = StoreReport::default();
    let mut ids = Vec::with_capacity(movies.len());
    let at = now();
    for movie in movies {
        let existing = movie
            .tmdb_id
            .and_then(|t| keys.tmdb.get(&t))
            .or_else(|| movie.movielens_id.and_then(|m| keys.movielens.get(&m)))
            .or_else(|| movie.imdb_id.as_ref().and_then(|i| keys.imdb.get(i)))
            .copied();
        // A key held by another row stays with that row.
        let mut clear = |held: Option<&i64>| match (held, existing) {
            (Some(h), Some(e)) if *h == e => false,
            (Some(_), _) => {
                report.id_conflicts += 1;
                true
            }
            (None, _) => false,
        };
        let tmdb_id = movie.tmdb_id.filter(|t| !clear(keys.tmdb.get(t)));
        let movielens_id = movie.movielens_id.filter(|m| !clear(keys.movielens.get(m)));
        let imdb_id = movie.imdb_id.clone().filter(|i| !clear(keys.imdb.get(i)));
        let mut named = Movie {
            title: movie.title.clone(),
            alternate_titles: movie.alternate_titles.clone(),
            ..Movie::default()
        };
        if let Some(earlier) = existing.and_then(|id| titles.remove(&id)) {
            named.add_alternates(earlier);
        }
        let alternates =
            (!named.alternate_titles.is_empty()).then(|| named.alternate_titles.join("\n"));

        let mut args = AnyArguments::default();
        let values = [
            Arg::OptInt(tmdb_id),
            Arg::OptText(imdb_id.clone()),
            Arg::OptInt(movielens_id),
            Arg::Text(movie.title.clone()),
            Arg::Text(movie.search_title()),
            Arg::OptText(alternates),
            Arg::OptText(movie.original_title.clone()),
            Arg::OptText(movie.overview.clone()),
            Arg::OptText(movie.tagline.clone()),
            Arg::OptText(movie.release_date.clone()),
            Arg::OptInt(movie.release_year),
            Arg::OptInt(movie.runtime),
        ];
        for v in values {
            v.add_to(&mut args)?;
        }
        let bind = |e| Error::internal("cannot bind a query argument", e);
        args.add(movie.popularity).map_err(bind)?;
        args.add(movie.vote_average).map_err(bind)?;
        for v in [
            Arg::OptInt(movie.vote_count),
            Arg::OptText(movie.poster_path.clone()),
            Arg::OptText(movie.original_language.clone()),
            Arg::OptInt(movie.budget),
            Arg::OptInt(movie.revenue),
            Arg::OptInt(movie.collection.as_ref().map(|c| c.tmdb_id)),
            Arg::OptText(movie.collection.as_ref().map(|c| c.name.clone())),
            Arg::Int(at),
        ] {
            v.add_to(&mut args)?;
        }
        let id = match existing {
            Some(id) => {
                args.add(id).map_err(bind)?;
                sqlx::query_with(
                    db.sql(
                        // What this import lacks keeps what an earlier one gave.
                        "UPDATE movies SET tmdb_id = COALESCE(?, tmdb_id), \
                         imdb_id = COALESCE(?, imdb_id), movielens_id = COALESCE(?, movielens_id), \
                         title = ?, \
                         search_title = ?, alternate_titles = ?, \
                         original_title = COALESCE(?, original_title), \
                         overview = COALESCE(?, overview), tagline = COALESCE(?, tagline), \
                         release_date = COALESCE(?, release_date), \
                         release_year = COALESCE(?, release_year), runtime = COALESCE(?, runtime), \
                         popularity = COALESCE(?, popularity), \
                         vote_average = COALESCE(?, vote_average), \
                         vote_count = COALESCE(?, vote_count), \
                         poster_path = COALESCE(?, poster_path), \
                         original_language = COALESCE(?, original_language), \
                         budget = COALESCE(?, budget), revenue = COALESCE(?, revenue), \
                         collection_id = COALESCE(?, collection_id), \
                         collection_name = COALESCE(?, collection_name), \
                         updated_at = ? WHERE id = ?",
                    ),
                    args,
                )
                .execute(&mut **tx)
                .await?;
                report.updated += 1;
                id
            }
            None => {
                args.add(at).map_err(bind)?;
                let id = insert_movie(db, tx, args).await?;
                report.inserted += 1;
                id
            }
        };
        if let Some(t) = tmdb_id {
            keys.tmdb.insert(t, id);
        }
        if let Some(m) = movielens_id {
            keys.movielens.insert(m, id);
        }
        if let Some(i) = imdb_id {
            keys.imdb.insert(i, id);
        }
        ids.push(id);
    }
    Ok((ids, report))
}

async fn insert_movie(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    args: AnyArguments,
) -> Result<i64> {
    const INSERT: &str = "INSERT INTO movies (tmdb_id, imdb_id, movielens_id, title, \
        search_title, alternate_titles, original_title, overview, tagline, release_date, \
        release_year, runtime, popularity, vote_average, vote_count, poster_path, \
        original_language, budget, revenue, collection_id, collection_name, updated_at, \
        created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    match db.dialect() {
        crate::config::Dialect::MySql => {
            let done = sqlx::query_with(INSERT, args).execute(&mut **tx).await?;
            done.last_insert_id()
                .ok_or_else(|| Error::Internal("the database returned no new id".into()))
        }
        _ => Ok(
            sqlx::query_scalar_with(db.sql_owned(format!("{INSERT} RETURNING id")), args)
                .fetch_one(&mut **tx)
                .await?,
        ),
    }
}

/// Replaces the genre, keyword, cast and crew links of the stored movies, each kind only for
/// the movies that bring one: a source without credits or keywords (a lone
/// movies_metadata.csv) keeps those another source gave.
pub(super) async fn store_links(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    movies: &[Movie],
    ids: &[i64],
    genres: &HashMap<String, i64>,
    keywords: &HashMap<i64, i64>,
    people: &HashMap<i64, i64>,
) -> Result<()> {
    // Each link table, and whether a movie brings links of its kind.
    type Brings = fn(&Movie) -> bool;
    let kinds: [(&str, Brings); 5] = [
        ("movie_genres", |m| !m.genres.is_empty()),
        ("movie_keywords", |m| !m.keywords.is_empty()),
        ("movie_tags", |m| !m.tags.is_empty()),
        ("movie_cast", |m| !m.cast.is_empty()),
        ("movie_crew", |m| !m.crew.is_empty()),
    ];
    for (table, brings) in kinds {
        let replaced: Vec<i64> = movies
            .iter()
            .zip(ids)
            .filter(|(m, _)| brings(m))
            .map(|(_, &id)| id)
            .collect();
        for chunk in replaced.chunks(MAX_PARAMS) {
            let sql = format!(
                "DELETE FROM {table} WHERE movie_id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut q = sqlx::query(db.sql_owned(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await?;
        }
    }
    let mut genre_rows = Vec::new();
    let mut keyword_rows = Vec::new();
    let mut tag_rows = Vec::new();
    let mut cast_rows = Vec::new();
    let mut crew_rows = Vec::new();
    // Two records of one import may land on one row (two MovieLens releases whose ids differ,
    // ml-100k's and ml-1m's, each matching a film the other names otherwise): the row's links
    // are the last record's, as its other columns are, never both records' at once.
    let last_of: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    for (i, (movie, &id)) in movies.iter().zip(ids).enumerate() {
        if last_of.get(&id) != Some(&i) {
            continue;
        }
        let mut seen = HashSet::new();
        for g in &movie.genres {
            if let Some(&gid) = genres.get(&g.name)
                && seen.insert(gid)
            {
                genre_rows.push(vec![Arg::Int(id), Arg::Int(gid)]);
            }
        }
        let mut seen = HashSet::new();
        for k in &movie.keywords {
            if let Some(&kid) = k.tmdb_id.and_then(|t| keywords.get(&t))
                && seen.insert(kid)
            {
                keyword_rows.push(vec![Arg::Int(id), Arg::Int(kid)]);
            }
        }
        let mut seen = HashSet::new();
        for t in &movie.tags {
            if seen.insert(t.name.as_str()) {
                tag_rows.push(vec![
                    Arg::Int(id),
                    Arg::Text(t.name.clone()),
                    Arg::Int(i64::from(t.people)),
                ]);
            }
        }
        for c in &movie.cast {
            if let Some(&pid) = c.person.tmdb_id.and_then(|t| people.get(&t)) {
                cast_rows.push(vec![
                    Arg::Int(id),
                    Arg::Int(c.order),
                    Arg::Int(pid),
                    Arg::OptText(c.character.clone()),
                ]);
            }
        }
        let mut seen = HashSet::new();
        for c in &movie.crew {
            if let Some(&pid) = c.person.tmdb_id.and_then(|t| people.get(&t))
                && seen.insert((pid, c.job.clone()))
            {
                crew_rows.push(vec![
                    Arg::Int(id),
                    Arg::Int(pid),
                    Arg::Text(c.job.clone()),
                    Arg::Text(c.department.clone()),
                ]);
            }
        }
    }
    insert_rows(
        db,
        tx,
        "INSERT INTO movie_genres (movie_id, genre_id)",
        "",
        2,
        genre_rows,
    )
    .await?;
    insert_rows(
        db,
        tx,
        "INSERT INTO movie_keywords (movie_id, keyword_id)",
        "",
        2,
        keyword_rows,
    )
    .await?;
    insert_rows(
        db,
        tx,
        "INSERT INTO movie_tags (movie_id, tag, people)",
        "",
        3,
        tag_rows,
    )
    .await?;
    insert_rows(
        db,
        tx,
        "INSERT INTO movie_cast (movie_id, cast_order, person_id, character_name)",
        "",
        4,
        cast_rows,
    )
    .await?;
    insert_rows(
        db,
        tx,
        "INSERT INTO movie_crew (movie_id, person_id, job, department)",
        "",
        4,
        crew_rows,
    )
    .await
}

/// Every movie's genre names, alphabetical.
pub async fn genres(db: &Db) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in sqlx::query(db.sql(
        "SELECT mg.movie_id, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id \
         ORDER BY mg.movie_id, g.name",
    ))
    .fetch_all(db.pool())
    .await?
    {
        out.entry(r.try_get("movie_id")?)
            .or_default()
            .push(r.try_get("name")?);
    }
    Ok(out)
}

/// The whole catalogue with what the content model and the Parquet movie features need: ids,
/// title, year, genres, keywords, top-3 cast and directors. Returns the movies and their ids.
fn collection(id: Option<i64>, name: Option<String>) -> Option<Collection> {
    Some(Collection {
        tmdb_id: id?,
        name: name.unwrap_or_default(),
    })
}

pub async fn features(db: &Db) -> Result<(Vec<Movie>, Vec<i64>)> {
    let rows = sqlx::query(db.sql(
        "SELECT id, tmdb_id, movielens_id, title, alternate_titles, original_title, \
             release_year, collection_id, collection_name FROM movies ORDER BY id",
    ))
    .fetch_all(db.pool())
    .await?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut movies = Vec::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        index.insert(id, movies.len());
        ids.push(id);
        movies.push(Movie {
            tmdb_id: r.try_get("tmdb_id")?,
            movielens_id: r.try_get("movielens_id")?,
            title: r.try_get("title")?,
            alternate_titles: alternate_titles(r.try_get("alternate_titles")?),
            original_title: r.try_get("original_title")?,
            release_year: r.try_get("release_year")?,
            collection: collection(r.try_get("collection_id")?, r.try_get("collection_name")?),
            ..Movie::default()
        });
    }
    let person = |name: String| Person {
        tmdb_id: None,
        name,
        gender: None,
        profile_path: None,
    };
    for (id, names) in genres(db).await? {
        if let Some(&i) = index.get(&id) {
            movies[i].genres = names
                .into_iter()
                .map(|name| Genre {
                    tmdb_id: None,
                    name,
                })
                .collect();
        }
    }
    for (id, name) in keyword_names(db).await? {
        if let Some(&i) = index.get(&id) {
            movies[i].keywords.push(Keyword {
                tmdb_id: None,
                name,
            });
        }
    }
    for (id, tag) in tags(db).await? {
        if let Some(&i) = index.get(&id) {
            movies[i].tags.push(tag);
        }
    }
    for r in sqlx::query(db.sql(
        "SELECT c.movie_id, c.cast_order, p.name FROM movie_cast c JOIN people p ON p.id = c.person_id \
         WHERE c.cast_order < 3 ORDER BY c.movie_id, c.cast_order",
    ))
    .fetch_all(db.pool())
    .await?
    {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("movie_id")?) {
            movies[i].cast.push(CastMember {
                person: person(r.try_get("name")?),
                character: None,
                order: r.try_get("cast_order")?,
            });
        }
    }
    for r in sqlx::query(db.sql(
        "SELECT c.movie_id, p.name FROM movie_crew c JOIN people p ON p.id = c.person_id \
         WHERE c.job = 'Director' ORDER BY c.movie_id, p.name",
    ))
    .fetch_all(db.pool())
    .await?
    {
        if let Some(&i) = index.get(&r.try_get::<i64, _>("movie_id")?) {
            movies[i].crew.push(CrewMember {
                person: person(r.try_get("name")?),
                job: "Director".into(),
                department: "Directing".into(),
            });
        }
    }
    Ok((movies, ids))
}

/// Every (movie id, keyword) pair, by movie and keyword.
async fn keyword_names(db: &Db) -> Result<Vec<(i64, String)>> {
    sqlx::query(db.sql(
        "SELECT mk.movie_id, k.name FROM movie_keywords mk JOIN keywords k ON k.id = mk.keyword_id \
         ORDER BY mk.movie_id, k.name",
    ))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("movie_id")?, r.try_get("name")?)))
    .collect()
}

/// Every movie's MovieLens tags, by movie and tag.
async fn tags(db: &Db) -> Result<Vec<(i64, Tag)>> {
    sqlx::query(db.sql("SELECT movie_id, tag, people FROM movie_tags ORDER BY movie_id, tag"))
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            let tag = Tag {
                name: r.try_get("tag")?,
                people: u32::try_from(r.try_get::<i64, _>("people")?).unwrap_or(0),
            };
            Ok((r.try_get("movie_id")?, tag))
        })
        .collect()
}

/// What a movie is about, as search by meaning reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AboutRow {
    pub id: i64,
    pub title: String,
    pub tagline: Option<String>,
    pub overview: Option<String>,
    pub genres: Vec<String>,
    pub keywords: Vec<String>,
    /// MovieLens tags, the most given first.
    pub tags: Vec<String>,
}

/// Every movie's [`AboutRow`], by id.
pub async fn about(db: &Db) -> Result<Vec<AboutRow>> {
    let rows = sqlx::query(db.sql("SELECT id, title, tagline, overview FROM movies ORDER BY id"))
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut index = HashMap::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        index.insert(id, out.len());
        out.push(AboutRow {
            id,
            title: r.try_get("title")?,
            tagline: r.try_get("tagline")?,
            overview: r.try_get("overview")?,
            ..AboutRow::default()
        });
    }
    for (id, names) in genres(db).await? {
        if let Some(&i) = index.get(&id) {
            out[i].genres = names;
        }
    }
    for (id, name) in keyword_names(db).await? {
        if let Some(&i) = index.get(&id) {
            out[i].keywords.push(name);
        }
    }
    let mut tags_of: HashMap<usize, Vec<Tag>> = HashMap::new();
    for (id, tag) in tags(db).await? {
        if let Some(&i) = index.get(&id) {
            tags_of.entry(i).or_default().push(tag);
        }
    }
    for (i, mut tags) in tags_of {
        tags.sort_by(|a, b| b.people.cmp(&a.people).then_with(|| a.name.cmp(&b.name)));
        out[i].tags = tags.into_iter().map(|t| t.name).collect();
    }
    Ok(out)
}

/// What the recommender snapshot keeps of a movie.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub id: i64,
    pub title: String,
    pub alternate_titles: Vec<String>,
    pub original_title: Option<String>,
    pub year: Option<i64>,
    pub release_date: Option<String>,
    pub popularity: Option<f64>,
    pub poster_path: Option<String>,
    pub vote_average: Option<f64>,
    pub vote_count: Option<i64>,
    pub runtime: Option<i64>,
    pub original_language: Option<String>,
}

/// Every movie's [`SummaryRow`], by id.
pub async fn summaries(db: &Db) -> Result<Vec<SummaryRow>> {
    let rows = sqlx::query(db.sql(
        "SELECT id, title, alternate_titles, original_title, release_year, release_date, \
         popularity, poster_path, vote_average, vote_count, runtime, original_language \
         FROM movies ORDER BY id",
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SummaryRow {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                alternate_titles: alternate_titles(r.try_get("alternate_titles")?),
                original_title: r.try_get("original_title")?,
                year: r.try_get("release_year")?,
                release_date: r.try_get("release_date")?,
                popularity: r.try_get("popularity")?,
                poster_path: r.try_get("poster_path")?,
                vote_average: r.try_get("vote_average")?,
                vote_count: r.try_get("vote_count")?,
                runtime: r.try_get("runtime")?,
                original_language: r.try_get("original_language")?,
            })
        })
        .collect()
}

/// The `alternate_titles` column: one title per line.
fn alternate_titles(column: Option<String>) -> Vec<String> {
    column
        .map(|a| a.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Every (MovieLens id, catalogue id) pair.
pub async fn movielens_ids(db: &Db) -> Result<Vec<(i64, i64)>> {
    let rows =
        sqlx::query(db.sql("SELECT id, movielens_id FROM movies WHERE movielens_id IS NOT NULL"))
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("movielens_id")?, r.try_get("id")?)))
        .collect()
}

/// The catalogue ids of the movies with these TMDB ids, by TMDB id (those the catalogue has).
pub async fn movie_ids_by_tmdb(db: &Db, tmdb_ids: &[TmdbId]) -> Result<HashMap<TmdbId, MovieId>> {
    let select = "SELECT tmdb_id, id FROM movies WHERE tmdb_id IN ({})";
    let raw: Vec<i64> = tmdb_ids.iter().map(|t| t.get()).collect();
    let mut conn = db.pool().acquire().await?;
    let rows: Vec<(i64, i64)> = fetch_in(db, &mut conn, select, &raw).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(tmdb, id)| Some((TmdbId::new(tmdb)?, MovieId::new(id)?)))
        .collect())
}

/// The catalogue id of the movie with this MovieLens id.
pub async fn id_by_movielens(db: &Db, movielens_id: MovieLensId) -> Result<Option<MovieId>> {
    let row = sqlx::query(db.sql("SELECT id FROM movies WHERE movielens_id = ?"))
        .bind(movielens_id.get())
        .fetch_optional(db.pool())
        .await?;
    let id: Option<i64> = row.map(|r| r.try_get("id")).transpose()?;
    Ok(id.and_then(MovieId::new))
}

/// A movie's TMDB id: `None` when the catalogue has no such movie, `Some(None)` when it has the
/// movie but no TMDB id for it.
pub async fn tmdb_id(db: &Db, id: MovieId) -> Result<Option<Option<i64>>> {
    let row = sqlx::query(db.sql("SELECT tmdb_id FROM movies WHERE id = ?"))
        .bind(id.get())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("tmdb_id")).transpose()?)
}

/// Whether the catalogue has a movie with this id.
pub async fn exists(db: &Db, id: MovieId) -> Result<bool> {
    let row = sqlx::query(db.sql("SELECT id FROM movies WHERE id = ?"))
        .bind(id.get())
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}

/// A movie as the catalogue has it (TMDB and MovieLens data): everything the movie page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CatalogueMovie)]
pub struct MovieDetail {
    pub id: i64,
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    pub movielens_id: Option<i64>,
    pub title: String,
    /// Other titles it is known by (not the original title, which has its own field).
    pub alternate_titles: Vec<String>,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub tagline: Option<String>,
    pub release_date: Option<String>,
    pub year: Option<i64>,
    pub runtime: Option<i64>,
    pub popularity: Option<f64>,
    pub tmdb_vote_average: Option<f64>,
    pub tmdb_vote_count: Option<i64>,
    pub poster_path: Option<String>,
    pub original_language: Option<String>,
    pub budget: Option<i64>,
    pub revenue: Option<i64>,
    pub genres: Vec<String>,
    pub keywords: Vec<keywords::Keyword>,
    pub cast: Vec<CastEntry>,
    pub crew: Vec<CrewEntry>,
}

/// A member of the cast, in billing order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = CatalogueCast)]
pub struct CastEntry {
    pub person_id: i64,
    pub name: String,
    #[sqlx(rename = "character_name")]
    pub character: Option<String>,
    #[sqlx(rename = "cast_order")]
    pub order: i64,
    pub profile_path: Option<String>,
}

/// A member of the crew.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = CatalogueCrew)]
pub struct CrewEntry {
    pub person_id: i64,
    pub name: String,
    pub job: String,
    pub department: String,
}

/// One movie with its genres, keywords, cast and crew.
pub async fn detail(db: &Db, movie: MovieId) -> Result<Option<MovieDetail>> {
    let Some(r) = sqlx::query(db.sql(
        "SELECT id, tmdb_id, imdb_id, movielens_id, title, alternate_titles, original_title, \
         overview, tagline, release_date, release_year, runtime, popularity, vote_average, \
         vote_count, poster_path, original_language, budget, revenue FROM movies WHERE id = ?",
    ))
    .bind(movie.get())
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let id = movie.get();
    let mut movie = MovieDetail {
        id,
        tmdb_id: r.try_get("tmdb_id")?,
        imdb_id: r.try_get("imdb_id")?,
        movielens_id: r.try_get("movielens_id")?,
        title: r.try_get("title")?,
        alternate_titles: alternate_titles(r.try_get("alternate_titles")?),
        original_title: r.try_get("original_title")?,
        overview: r.try_get("overview")?,
        tagline: r.try_get("tagline")?,
        release_date: r.try_get("release_date")?,
        year: r.try_get::<Option<i64>, _>("release_year")?,
        runtime: r.try_get::<Option<i64>, _>("runtime")?,
        popularity: r.try_get("popularity")?,
        tmdb_vote_average: r.try_get("vote_average")?,
        tmdb_vote_count: r.try_get("vote_count")?,
        poster_path: r.try_get("poster_path")?,
        original_language: r.try_get("original_language")?,
        budget: r.try_get("budget")?,
        revenue: r.try_get("revenue")?,
        genres: Vec::new(),
        keywords: Vec::new(),
        cast: Vec::new(),
        crew: Vec::new(),
    };
    for r in sqlx::query(db.sql(
        "SELECT g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id \
         WHERE mg.movie_id = ? ORDER BY g.name",
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?
    {
        movie.genres.push(r.try_get("name")?);
    }
    movie.keywords = keywords::keywords_on(db, &[id])
        .await?
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    movie.cast = sqlx::query_as(db.sql(
        "SELECT c.person_id, p.name, p.profile_path, c.character_name, c.cast_order \
         FROM movie_cast c JOIN people p ON p.id = c.person_id \
         WHERE c.movie_id = ? ORDER BY c.cast_order",
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    movie.crew = sqlx::query_as(db.sql(
        "SELECT c.person_id, p.name, c.job, c.department FROM movie_crew c \
         JOIN people p ON p.id = c.person_id \
         WHERE c.movie_id = ? ORDER BY c.department, c.job, p.name",
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(movie))
}

/// What a user's imported history is matched on: a movie's ids, titles and year.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MatchKeys {
    pub id: i64,
    pub tmdb_id: Option<i64>,
    pub imdb_id: Option<String>,
    pub movielens_id: Option<i64>,
    pub title: String,
    pub original_title: Option<String>,
    /// The other titles it is known by, one a line.
    pub alternate_titles: Option<String>,
    #[sqlx(rename = "release_year")]
    pub year: Option<i64>,
}

/// What changes whenever the catalogue does (a movie added, removed or updated): its count, its
/// largest id and its latest `updated_at` (Unix seconds).
pub async fn stamp(db: &Db) -> Result<(i64, i64, i64)> {
    let row = sqlx::query(db.sql(
        "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last_id, \
         COALESCE(MAX(updated_at), 0) AS changed FROM movies",
    ))
    .fetch_one(db.pool())
    .await?;
    Ok((
        row.try_get("n")?,
        row.try_get("last_id")?,
        row.try_get("changed")?,
    ))
}

/// Every movie's [`MatchKeys`].
pub async fn match_keys(db: &Db) -> Result<Vec<MatchKeys>> {
    Ok(sqlx::query_as(db.sql(
        "SELECT id, tmdb_id, imdb_id, movielens_id, title, original_title, alternate_titles, \
         release_year FROM movies",
    ))
    .fetch_all(db.pool())
    .await?)
}
