//! Kaggle "TMDB 5000": tmdb_5000_movies.csv and tmdb_5000_credits.csv, whose list columns hold
//! JSON rather than Python literals.

use std::path::Path;

use super::kaggle::{MovieColumns, read_credit_rows, read_movies};
use super::{Csv, DataError};
use crate::catalogue::{CatalogueBuilder, Skips, Source};
use crate::pyliteral::Value;

pub fn read_movies_file(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let columns = MovieColumns::find(&csv, &["keywords"])?;
    read_movies(
        &mut csv,
        path,
        strict,
        Source::Tmdb5000,
        &columns,
        into,
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
