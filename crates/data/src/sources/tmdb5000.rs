//! Kaggle "TMDB 5000": tmdb_5000_movies.csv and tmdb_5000_credits.csv, whose list columns hold
//! JSON rather than Python literals.

use std::path::Path;

use super::kaggle::{Fields, read_credit_rows, read_movies};
use super::{Csv, DataError};
use crate::catalogue::{CatalogueBuilder, Skips, Source};
use crate::pyliteral::Value;

pub fn read_movies_file(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let col = |name| csv.column(name);
    let c_id = col("id")?;
    let c_title = col("title")?;
    let c_original = col("original_title")?;
    let c_overview = col("overview")?;
    let c_tagline = col("tagline")?;
    let c_date = col("release_date")?;
    let c_runtime = col("runtime")?;
    let c_popularity = col("popularity")?;
    let c_vote_avg = col("vote_average")?;
    let c_vote_count = col("vote_count")?;
    let c_lang = col("original_language")?;
    let c_budget = col("budget")?;
    let c_revenue = col("revenue")?;
    let c_genres = col("genres")?;
    let c_keywords = col("keywords")?;
    read_movies(
        &mut csv,
        path,
        strict,
        Source::Tmdb5000,
        into,
        |row| {
            Some(Fields {
                id: row.get(c_id)?,
                title: row.get(c_title),
                imdb: None,
                original_title: row.get(c_original),
                overview: row.get(c_overview),
                tagline: row.get(c_tagline),
                date: row.get(c_date),
                runtime: row.get(c_runtime),
                popularity: row.get(c_popularity),
                vote_average: row.get(c_vote_avg),
                vote_count: row.get(c_vote_count),
                poster: None,
                language: row.get(c_lang),
                budget: row.get(c_budget),
                revenue: row.get(c_revenue),
                genres: row.get(c_genres),
                keywords: row.get(c_keywords),
            })
        },
        json,
    )
}

pub fn read_credits_file(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let csv = Csv::open(path)?;
    let columns = (
        csv.column("movie_id")?,
        csv.column("cast")?,
        csv.column("crew")?,
    );
    read_credit_rows(csv, path, strict, Source::Tmdb5000, columns, into, json)
}

/// Parses JSON into the same value tree the Python-literal columns give.
fn json(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(text).map(convert)
}

pub(crate) fn convert(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Str(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(convert).collect()),
        serde_json::Value::Object(map) => Value::Dict(
            map.into_iter()
                .map(|(k, v)| (Value::Str(k), convert(v)))
                .collect(),
        ),
    }
}
