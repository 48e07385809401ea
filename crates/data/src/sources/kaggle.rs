//! Kaggle "The Movies Dataset": movies_metadata.csv, credits.csv and keywords.csv, whose list
//! columns hold Python literals. (Its links and ratings files are MovieLens-shaped: see
//! [`super::movielens`] and [`crate::ratings`].)

use std::collections::HashSet;
use std::path::Path;

use super::{Csv, DataError, DateField, Tally, date, id, imdb, positive_number, text};
use crate::catalogue::{
    CastMember, CatalogueBuilder, CrewMember, Genre, Keyword, Movie, Person, Skips, Source,
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
    let col = |name| csv.column(name);
    let c_id = col("id")?;
    let c_title = col("title")?;
    let c_imdb = col("imdb_id")?;
    let c_original = col("original_title")?;
    let c_overview = col("overview")?;
    let c_tagline = col("tagline")?;
    let c_date = col("release_date")?;
    let c_runtime = col("runtime")?;
    let c_popularity = col("popularity")?;
    let c_vote_avg = col("vote_average")?;
    let c_vote_count = col("vote_count")?;
    let c_poster = col("poster_path")?;
    let c_lang = col("original_language")?;
    let c_budget = col("budget")?;
    let c_revenue = col("revenue")?;
    let c_genres = col("genres")?;
    read_movies(
        &mut csv,
        path,
        strict,
        Source::MoviesDataset,
        into,
        |row| {
            Some(Fields {
                id: row.get(c_id)?,
                title: row.get(c_title),
                imdb: row.get(c_imdb),
                original_title: row.get(c_original),
                overview: row.get(c_overview),
                tagline: row.get(c_tagline),
                date: row.get(c_date),
                runtime: row.get(c_runtime),
                popularity: row.get(c_popularity),
                vote_average: row.get(c_vote_avg),
                vote_count: row.get(c_vote_count),
                poster: row.get(c_poster),
                language: row.get(c_lang),
                budget: row.get(c_budget),
                revenue: row.get(c_revenue),
                genres: row.get(c_genres),
                keywords: None,
            })
        },
        pyliteral::parse,
    )
}

/// The raw fields of a movie row, shared by The Movies Dataset and TMDB 5000.
pub(crate) struct Fields<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub imdb: Option<&'a str>,
    pub original_title: Option<&'a str>,
    pub overview: Option<&'a str>,
    pub tagline: Option<&'a str>,
    pub date: Option<&'a str>,
    pub runtime: Option<&'a str>,
    pub popularity: Option<&'a str>,
    pub vote_average: Option<&'a str>,
    pub vote_count: Option<&'a str>,
    pub poster: Option<&'a str>,
    pub language: Option<&'a str>,
    pub budget: Option<&'a str>,
    pub revenue: Option<&'a str>,
    pub genres: Option<&'a str>,
    pub keywords: Option<&'a str>,
}

/// The movie-row loop both TMDB-keyed sources share; `literal` parses their list columns.
pub(crate) fn read_movies<E>(
    csv: &mut Csv,
    path: &Path,
    strict: bool,
    source: Source,
    into: &mut CatalogueBuilder,
    fields: impl Fn(&csv::StringRecord) -> Option<Fields<'_>>,
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
        let Some(f) = fields(&record) else {
            tally.skip(line, "malformed_row")?;
            continue;
        };
        let Some(tmdb_id) = id(f.id) else {
            tally.skip(line, "malformed_id")?;
            continue;
        };
        if !seen.insert(tmdb_id) {
            tally.skip(line, "duplicate_id")?;
            continue;
        }
        let release_date = match date(f.date.unwrap_or_default()) {
            DateField::Blank => None,
            DateField::Valid(d) => Some(d),
            DateField::Invalid => {
                tally.skip(line, "unparseable_date")?;
                continue;
            }
        };
        let Some(title) = text(f.title) else {
            tally.skip(line, "missing_title")?;
            continue;
        };
        let list = |cell: Option<&str>| -> Result<Option<Value>, ()> {
            match cell.map(str::trim).filter(|c| !c.is_empty()) {
                None => Ok(None),
                Some(c) => literal(c).map(Some).map_err(|_| ()),
            }
        };
        let (Ok(genres), Ok(keywords)) = (list(f.genres), list(f.keywords)) else {
            tally.skip(line, "malformed_literal")?;
            continue;
        };
        let number = |cell: Option<&str>| cell.and_then(positive_number);
        into.add_movie(
            source,
            Movie {
                tmdb_id: Some(tmdb_id),
                imdb_id: f.imdb.and_then(imdb),
                title,
                original_title: text(f.original_title),
                overview: text(f.overview),
                tagline: text(f.tagline),
                release_date,
                runtime: number(f.runtime).map(|v| v.round() as i64),
                popularity: number(f.popularity),
                vote_average: f
                    .vote_average
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && (0.0..=10.0).contains(v)),
                vote_count: f
                    .vote_count
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .map(|v| v as i64),
                poster_path: text(f.poster),
                original_language: text(f.language),
                budget: number(f.budget).map(|v| v as i64),
                revenue: number(f.revenue).map(|v| v as i64),
                genres: genres.as_ref().map(genres_of).unwrap_or_default(),
                keywords: keywords.as_ref().map(keywords_of).unwrap_or_default(),
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
