//! Kaggle "The Movies Dataset": movies_metadata.csv, credits.csv and keywords.csv, whose list
//! columns hold Python literals. (Its links and ratings files are MovieLens-shaped: see
//! [`super::movielens`] and [`crate::ratings`].)

use std::collections::HashSet;
use std::path::Path;

use super::{Csv, DataError, DateField, Tally, date, id, imdb, positive_number, text};
use crate::catalogue::{
    CastMember, CatalogueBuilder, Collection, CrewMember, Genre, Keyword, Movie, Person, Skips,
    Source,
};
use crate::pyliteral::{self, Value};

/// Reads movies_metadata.csv. Skips rows with a malformed or repeated id, an unparseable
/// release date, a malformed genres literal, or no title.
pub fn read_metadata(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let columns = MovieColumns::find(&csv, &["imdb_id", "poster_path"])?;
    read_movies(
        &mut csv,
        path,
        strict,
        Source::MoviesDataset,
        &columns,
        into,
        pyliteral::parse,
    )
}

/// Where the columns of a movie file are, shared by The Movies Dataset and TMDB 5000; `None`
/// for a column the source does not have (TMDB 5000 has no IMDb id or poster, and The Movies
/// Dataset keeps its keywords in a file of their own).
pub(crate) struct MovieColumns {
    id: usize,
    title: usize,
    imdb: Option<usize>,
    original_title: usize,
    overview: usize,
    tagline: usize,
    date: usize,
    runtime: usize,
    popularity: usize,
    vote_average: usize,
    vote_count: usize,
    poster: Option<usize>,
    language: usize,
    budget: usize,
    revenue: usize,
    genres: usize,
    keywords: Option<usize>,
    /// `belongs_to_collection`, when the file has it.
    collection: Option<usize>,
}

impl MovieColumns {
    /// The columns both sources have, and those of `imdb_id`, `poster_path` and `keywords`
    /// named in `extra`; a missing one is an error that names it.
    pub(crate) fn find(csv: &Csv, extra: &[&'static str]) -> Result<MovieColumns, DataError> {
        let col = |name| csv.column(name);
        let extra = |name| extra.contains(&name).then(|| col(name)).transpose();
        Ok(MovieColumns {
            id: col("id")?,
            title: col("title")?,
            imdb: extra("imdb_id")?,
            original_title: col("original_title")?,
            overview: col("overview")?,
            tagline: col("tagline")?,
            date: col("release_date")?,
            runtime: col("runtime")?,
            popularity: col("popularity")?,
            vote_average: col("vote_average")?,
            vote_count: col("vote_count")?,
            poster: extra("poster_path")?,
            language: col("original_language")?,
            budget: col("budget")?,
            revenue: col("revenue")?,
            genres: col("genres")?,
            keywords: extra("keywords")?,
            // Only The Movies Dataset has it, and a file without it is read all the same.
            collection: csv.column("belongs_to_collection").ok(),
        })
    }
}

/// The movie-row loop both TMDB-keyed sources share; `literal` parses their list columns.
pub(crate) fn read_movies<E>(
    csv: &mut Csv,
    path: &Path,
    strict: bool,
    source: Source,
    columns: &MovieColumns,
    into: &mut CatalogueBuilder,
    literal: impl Fn(&str) -> Result<Value, E>,
) -> Result<Skips, DataError> {
    let mut tally = Tally::new(path, strict);
    let mut seen = HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = record.position().map_or(0, |p| p.line());
        match csv.reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                tally.skip(line + 1, "malformed_row")?;
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let c = columns;
        let cell = |i: usize| record.get(i);
        let optional = |i: Option<usize>| i.and_then(cell);
        let Some(raw_id) = cell(c.id) else {
            tally.skip(line, "malformed_row")?;
            continue;
        };
        let Some(tmdb_id) = id(raw_id) else {
            tally.skip(line, "malformed_id")?;
            continue;
        };
        if !seen.insert(tmdb_id) {
            tally.skip(line, "duplicate_id")?;
            continue;
        }
        let release_date = match date(cell(c.date).unwrap_or_default()) {
            DateField::Blank => None,
            DateField::Valid(d) => Some(d),
            DateField::Invalid => {
                tally.skip(line, "unparseable_date")?;
                continue;
            }
        };
        let Some(title) = text(cell(c.title)) else {
            tally.skip(line, "missing_title")?;
            continue;
        };
        let list = |value: Option<&str>| -> Result<Option<Value>, ()> {
            match value.map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => literal(v).map(Some).map_err(|_| ()),
            }
        };
        let (Ok(genres), Ok(keywords)) = (list(cell(c.genres)), list(optional(c.keywords))) else {
            tally.skip(line, "malformed_literal")?;
            continue;
        };
        // The series it belongs to is a nicety: an unreadable one is left out, not the film.
        let collection = list(optional(c.collection))
            .ok()
            .flatten()
            .as_ref()
            .and_then(collection_of);
        let number = |value: Option<&str>| value.and_then(positive_number);
        into.add_movie(
            source,
            Movie {
                tmdb_id: Some(tmdb_id),
                imdb_id: optional(c.imdb).and_then(imdb),
                title,
                original_title: text(cell(c.original_title)),
                overview: text(cell(c.overview)),
                tagline: text(cell(c.tagline)),
                release_date,
                runtime: number(cell(c.runtime)).map(|v| v.round() as i64),
                popularity: number(cell(c.popularity)),
                vote_average: cell(c.vote_average)
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && (0.0..=10.0).contains(v)),
                vote_count: cell(c.vote_count)
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .map(|v| v as i64),
                poster_path: text(optional(c.poster)),
                original_language: text(cell(c.language)),
                budget: number(cell(c.budget)).map(|v| v as i64),
                revenue: number(cell(c.revenue)).map(|v| v as i64),
                genres: genres.as_ref().map(genres_of).unwrap_or_default(),
                keywords: keywords.as_ref().map(keywords_of).unwrap_or_default(),
                collection,
                ..Movie::default()
            },
        );
    }
    Ok(tally.skips)
}

/// Reads credits.csv (`cast`, `crew`, `id`).
pub fn read_credits(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let csv = Csv::open(path)?;
    let (c_id, c_cast, c_crew) = (csv.column("id")?, csv.column("cast")?, csv.column("crew")?);
    read_credit_rows(
        csv,
        path,
        strict,
        Source::MoviesDataset,
        (c_id, c_cast, c_crew),
        into,
        pyliteral::parse,
    )
}

/// The credit-row loop both TMDB-keyed sources share.
pub(crate) fn read_credit_rows<E>(
    mut csv: Csv,
    path: &Path,
    strict: bool,
    source: Source,
    (c_id, c_cast, c_crew): (usize, usize, usize),
    into: &mut CatalogueBuilder,
    literal: impl Fn(&str) -> Result<Value, E>,
) -> Result<Skips, DataError> {
    let mut tally = Tally::new(path, strict);
    let mut seen = HashSet::new();
    csv.for_each(&mut tally, |tally, line, record| {
        let Some(tmdb_id) = tally.unique_id(line, record.get(c_id), &mut seen)? else {
            return Ok(());
        };
        let cast = record.get(c_cast).map(&literal);
        let crew = record.get(c_crew).map(&literal);
        match (cast, crew) {
            (Some(Ok(cast)), Some(Ok(crew))) => {
                into.add_credits(source, tmdb_id, cast_of(&cast), crew_of(&crew));
                Ok(())
            }
            _ => tally.skip(line, "malformed_literal"),
        }
    })?;
    Ok(tally.skips)
}

/// Reads keywords.csv (`id`, `keywords`).
pub fn read_keywords(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let (c_id, c_kw) = (csv.column("id")?, csv.column("keywords")?);
    let mut tally = Tally::new(path, strict);
    let mut seen = HashSet::new();
    csv.for_each(&mut tally, |tally, line, record| {
        let Some(tmdb_id) = tally.unique_id(line, record.get(c_id), &mut seen)? else {
            return Ok(());
        };
        match record.get(c_kw).map(pyliteral::parse) {
            Some(Ok(value)) => {
                into.add_keywords(Source::MoviesDataset, tmdb_id, keywords_of(&value));
                Ok(())
            }
            _ => tally.skip(line, "malformed_literal"),
        }
    })?;
    Ok(tally.skips)
}

fn items(value: &Value) -> &[Value] {
    value.as_items().unwrap_or_default()
}

fn name(item: &Value) -> Option<String> {
    item.get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub(crate) fn genres_of(value: &Value) -> Vec<Genre> {
    items(value)
        .iter()
        .filter_map(|g| {
            Some(Genre {
                tmdb_id: g.get("id").and_then(Value::as_i64),
                name: name(g)?,
            })
        })
        .collect()
}

/// A `belongs_to_collection` dict: `{'id': 10194, 'name': 'Toy Story Collection', …}`.
pub(crate) fn collection_of(value: &Value) -> Option<Collection> {
    Some(Collection {
        tmdb_id: value
            .get("id")
            .and_then(Value::as_i64)
            .filter(|id| *id > 0)?,
        name: name(value)?,
    })
}

pub(crate) fn keywords_of(value: &Value) -> Vec<Keyword> {
    items(value)
        .iter()
        .filter_map(|k| {
            Some(Keyword {
                tmdb_id: k.get("id").and_then(Value::as_i64),
                name: name(k)?,
            })
        })
        .collect()
}

fn person(item: &Value) -> Option<Person> {
    Some(Person {
        tmdb_id: item.get("id").and_then(Value::as_i64),
        name: name(item)?,
        gender: item.get("gender").and_then(Value::as_i64),
        profile_path: item
            .get("profile_path")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

pub(crate) fn cast_of(value: &Value) -> Vec<CastMember> {
    items(value)
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            Some(CastMember {
                person: person(c)?,
                character: c
                    .get("character")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                order: c.get("order").and_then(Value::as_i64).unwrap_or(i as i64),
            })
        })
        .collect()
}

pub(crate) fn crew_of(value: &Value) -> Vec<CrewMember> {
    items(value)
        .iter()
        .filter_map(|c| {
            Some(CrewMember {
                person: person(c)?,
                job: c.get("job").and_then(Value::as_str)?.to_string(),
                department: c
                    .get("department")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })
        })
        .collect()
}
