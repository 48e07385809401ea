//! `nextflex import` and `nextflex stats`: dataset folders into the catalogue (one database
//! transaction) and the Parquet ratings datasets (object storage), and the counts of what is
//! there now.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use nextflex_data::columnar;
use nextflex_data::load::{Loaded, load};
use nextflex_data::sources::{DatasetDir, FileKind, scan};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use serde::Serialize;

use crate::progress;
use nextflex_store::db::{self, Db};
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;

/// What an import did, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportSummary {
    /// Catalogue size after the import.
    pub movies: i64,
    pub movies_inserted: u64,
    pub movies_updated: u64,
    /// Dataset name → ratings rows stored.
    pub ratings: BTreeMap<String, u64>,
    /// Reason → rows left out.
    pub skipped: BTreeMap<String, u64>,
    pub seconds: f64,
}

/// Imports dataset folders (or single files). Everything is read and checked before anything is
/// written; the catalogue is written in one transaction.
pub async fn import(
    db: &Db,
    storage: &Storage,
    paths: &[PathBuf],
    strict: bool,
) -> Result<ImportSummary> {
    let started = Instant::now();
    let dirs: Vec<DatasetDir> = paths
        .iter()
        .map(|p| scan(p))
        .collect::<Result<Vec<_>, _>>()?
        .concat();
    let names: Vec<&str> = dirs.iter().map(|d| d.name.as_str()).collect();
    let reading = progress::stage(format!("reading {}", names.join(", ")));
    let kinds: Vec<(String, &'static str)> = dirs
        .iter()
        .map(|d| (d.name.clone(), source_kind(d)))
        .collect();
    let loaded: Loaded = tokio::task::spawn_blocking(move || load(&dirs, strict))
        .await
        .map_err(|e| Error::internal("the reading task failed", e))??;
    let Loaded {
        movies,
        ratings: datasets,
        skips,
    } = loaded;
    let rows: usize = datasets.iter().map(|r| r.read.ratings.len()).sum();
    reading.done(&format!("{} movies, {rows} ratings", movies.len()));

    let writing = progress::stage("writing the catalogue");
    let report = db::catalogue::store(db, &movies).await?;
    writing.done(&format!(
        "{} new, {} updated",
        report.inserted, report.updated
    ));
    let mut skipped = skips.0;
    if report.id_conflicts > 0 {
        *skipped
            .entry("id_held_by_another_movie".into())
            .or_default() += report.id_conflicts;
    }

    let movie_ids = movielens_table(db).await?;
    // The features cover the whole catalogue, not only this import's movies: a ratings-only
    // import refers to movies imported before. Cloning a payload shares its bytes.
    drop(movies);
    let (all, all_ids) = db::catalogue::features(db).await?;
    let features: PutPayload =
        tokio::task::spawn_blocking(move || columnar::movies_parquet(&all, &all_ids))
            .await
            .map_err(|e| Error::internal("the Parquet task failed", e))?
            .map_err(|e| Error::internal("cannot write movies.parquet", e))?
            .into();
    let mut ratings = BTreeMap::new();
    for dataset in datasets {
        let name = safe_name(&dataset.name);
        let kind = kinds
            .iter()
            .find(|(n, _)| *n == dataset.name)
            .map_or("movielens", |(_, k)| *k);
        let storing = progress::stage(format!("storing the ratings dataset {name}"));
        let table = movie_ids.clone();
        let read = dataset.read;
        let (bytes, rows, written, users, movies) = tokio::task::spawn_blocking(move || {
            let (bytes, written) =
                columnar::ratings_parquet(&read.ratings, &table).map_err(|e| e.to_string())?;
            let users = distinct(&read.ratings.user);
            let movies = distinct(&read.ratings.movie);
            Ok::<_, String>((bytes, read.ratings.len(), written, users, movies))
        })
        .await
        .map_err(|e| Error::internal("the Parquet task failed", e))?
        .map_err(|e| Error::internal("cannot write ratings.parquet", e))?;
        if written < rows {
            tracing::info!(
                dataset = %name,
                ratings = rows - written,
                "ratings of movies the catalogue lacks are kept with movie_id null"
            );
        }
        let prefix = format!("datasets/{name}");
        let store = storage.store();
        store
            .put(
                &ObjectPath::from(format!("{prefix}/ratings.parquet")),
                bytes.into(),
            )
            .await?;
        store
            .put(
                &ObjectPath::from(format!("{prefix}/movies.parquet")),
                features.clone(),
            )
            .await?;
        db::ratings::record_dataset(db, &name, kind, &prefix, [rows, users, movies]).await?;
        storing.done(&format!("{rows} ratings"));
        ratings.insert(name, rows as u64);
    }
    let movies = db::count_rows(db, "movies").await?;
    Ok(ImportSummary {
        movies,
        movies_inserted: report.inserted,
        movies_updated: report.updated,
        ratings,
        skipped,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The names the ratings datasets at `paths` are recorded under once imported.
pub fn ratings_dataset_names(paths: &[PathBuf]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for path in paths {
        for dir in scan(path)? {
            if dir
                .files
                .iter()
                .any(|f| matches!(f.kind, FileKind::Ratings(_)))
            {
                names.push(safe_name(&dir.name));
            }
        }
    }
    Ok(names)
}

/// What kind of dataset a folder is, by its files.
fn source_kind(dir: &DatasetDir) -> &'static str {
    let has = |k: FileKind| dir.files.iter().any(|f| f.kind == k);
    if has(FileKind::KaggleMetadata)
        || has(FileKind::KaggleKeywords)
        || has(FileKind::KaggleCredits)
    {
        "the-movies-dataset"
    } else if has(FileKind::Tmdb5000Movies) || has(FileKind::Tmdb5000Credits) {
        "tmdb-5000"
    } else {
        "movielens"
    }
}

/// Dataset names become object keys: keep them to letters, digits, `.`, `_` and `-`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').to_string();
    if cleaned.is_empty() {
        "dataset".into()
    } else {
        cleaned
    }
}

fn distinct(ids: &[u32]) -> usize {
    let max = ids.iter().copied().max().unwrap_or(0) as usize;
    let mut seen = vec![false; max + 1];
    let mut n = 0;
    for &id in ids {
        let slot = &mut seen[id as usize];
        if !*slot {
            *slot = true;
            n += 1;
        }
    }
    n
}

/// MovieLens id → catalogue id (negative where none), over the whole catalogue: ratings may
/// refer to movies imported earlier.
async fn movielens_table(db: &Db) -> Result<Vec<i32>> {
    let pairs = db::catalogue::movielens_ids(db).await?;
    let max = pairs
        .iter()
        .map(|(m, _)| *m)
        .max()
        .unwrap_or(0)
        .clamp(0, 100_000_000) as usize;
    let mut table = vec![-1; max + 1];
    for (ml, id) in pairs {
        if let (Ok(ml), Ok(id)) = (usize::try_from(ml), i32::try_from(id))
            && ml < table.len()
        {
            table[ml] = id;
        }
    }
    Ok(table)
}

/// What is in the database and storage now, as `stats --json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub movies: i64,
    pub genres: i64,
    pub people: i64,
    pub keywords: i64,
    pub users: i64,
    /// App users' own ratings (the datasets' are in `ratings`).
    pub user_ratings: i64,
    pub posts: i64,
    /// Dataset name → ratings rows.
    pub ratings: BTreeMap<String, i64>,
}

pub async fn stats(db: &Db) -> Result<Stats> {
    let ratings: BTreeMap<String, i64> =
        db::ratings::datasets_sizes(db).await?.into_iter().collect();
    Ok(Stats {
        movies: db::count_rows(db, "movies").await?,
        genres: db::count_rows(db, "genres").await?,
        people: db::count_rows(db, "people").await?,
        keywords: db::count_rows(db, "keywords").await?,
        users: db::count_rows(db, "users").await?,
        user_ratings: db::count_rows(db, "ratings").await?,
        posts: db::count_rows(db, "posts").await?,
        ratings,
    })
}
