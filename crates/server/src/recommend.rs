//! `nextflex recommend`: the four recommenders over the imported catalogue, from the command
//! line. Each call builds a [`Recommender`] snapshot, as the server does.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::recommender::{
    ChartSource, ForYou, Lookup, MAX_K, MAX_LIMIT, MovieSummary, Recommender, split_year,
};

/// One recommended movie, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommended {
    pub movie_id: i64,
    pub title: String,
    pub year: Option<i64>,
    pub genres: Vec<String>,
    /// Popular: TMDB popularity (or the rating count); latest: none; top-rated: the weighted
    /// rating; similar: the blended similarity (0 to 1); user: the ranking model's match (0 to 1).
    pub score: Option<f64>,
    /// For a user's recommendations: the rated movies carrying the score, with their shares.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<String>,
}

impl Recommended {
    fn new(m: &MovieSummary, score: Option<f64>) -> Self {
        Recommended {
            movie_id: m.id,
            title: m.title.clone(),
            year: m.year,
            genres: m.genres.clone(),
            score,
            because: Vec::new(),
        }
    }
}

/// Checks a list length.
pub fn check_limit(k: usize, max: usize) -> Result<usize> {
    if (1..=max).contains(&k) {
        Ok(k)
    } else {
        Err(Error::Invalid(format!("k must be from 1 to {max}")))
    }
}

/// The genre as the catalogue spells it, or an error listing the genres.
pub fn popular(r: &Recommender, genre: Option<&str>, k: usize) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.popular(genre, k)
        .into_iter()
        .map(|m| {
            let ratings = r.rating_stats(m.id).map(|s| s.count as f64);
            Recommended::new(m, m.popularity.or(ratings))
        })
        .collect())
}

pub fn latest(r: &Recommender, genre: Option<&str>, k: usize) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.latest(genre, k)
        .into_iter()
        .map(|m| Recommended::new(m, None))
        .collect())
}

pub fn top_rated(
    r: &Recommender,
    source: ChartSource,
    genre: Option<&str>,
    k: usize,
) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(r.top_rated(source, genre, k)
        .entries
        .into_iter()
        .map(|e| Recommended::new(e.movie, Some(e.score)))
        .collect())
}

/// The `k` movies most similar to the one titled `title` (a `title (year)` form picks the year).
pub fn similar(r: &Recommender, title: &str, k: usize) -> Result<Vec<Recommended>> {
    let k = check_limit(k, MAX_K)?;
    let (name, year) = split_year(title);
    let movie = match r.find(name, year) {
        Lookup::Found(m) => m,
        Lookup::NotFound => return Err(Error::NotFound(format!("no movie titled {title:?}"))),
        Lookup::Ambiguous(candidates) => {
            let list: Vec<String> = candidates.iter().map(|m| with_year(m)).collect();
            return Err(Error::Conflict(format!(
                "{title:?} names several movies: {}; add the year",
                list.join(", ")
            )));
        }
    };
    Ok(r.similar(movie.id, k)
        .unwrap_or_default()
        .into_iter()
        .map(|n| Recommended::new(n.movie, Some(f64::from(n.score))))
        .collect())
}

/// Recommendations for a user given by a ratings file, folded into the model.
pub fn for_user(
    r: &Recommender,
    ratings: &[(i64, f32)],
    genre: Option<&str>,
    k: usize,
) -> Result<Vec<Recommended>> {
    let (k, genre) = (check_limit(k, MAX_LIMIT)?, r.check_genre(genre)?);
    Ok(match r.for_user(ratings, &HashSet::new(), k, genre) {
        ForYou::Personal(list) => list
            .into_iter()
            .map(|p| Recommended {
                because: p
                    .because
                    .iter()
                    .map(|(m, share)| format!("{} {:.0}%", with_year(m), share * 100.0))
                    .collect(),
                ..Recommended::new(p.movie, Some(f64::from(p.score)))
            })
            .collect(),
        ForYou::TopRated(chart) => {
            tracing::warn!(
                "none of the rated movies is known to the model: showing the top-rated chart"
            );
            chart
                .entries
                .into_iter()
                .map(|e| Recommended::new(e.movie, Some(e.score)))
                .collect()
        }
    })
}

/// Reads a user's ratings from a CSV file with a header naming `rating` and either `movieId`
/// (MovieLens ids, as in the datasets' ratings.csv) or `movie_id` (catalogue ids). Returns
/// (catalogue id, rating) pairs; MovieLens ids the catalogue lacks are an error.
pub async fn read_user_ratings(db: &Db, path: &Path) -> Result<Vec<(i64, f32)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let bad =
        |line: usize, what: String| Error::Invalid(format!("{}:{line}: {what}", path.display()));
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let rating_at = column("rating").ok_or_else(|| bad(1, "no rating column".into()))?;
    let (movie_at, movielens) = match (column("movieId"), column("movie_id")) {
        (Some(i), _) => (i, true),
        (None, Some(i)) => (i, false),
        (None, None) => return Err(bad(1, "no movieId or movie_id column".into())),
    };
    let mut pairs = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or("");
        let id: i64 = field(movie_at).parse().map_err(|_| {
            bad(
                line,
                format!("movie id {:?} is not a number", field(movie_at)),
            )
        })?;
        let rating: f32 = field(rating_at)
            .parse()
            .ok()
            .filter(|r: &f32| (0.5..=5.0).contains(r))
            .ok_or_else(|| {
                bad(
                    line,
                    format!("rating {:?} must be from 0.5 to 5", field(rating_at)),
                )
            })?;
        pairs.push((id, rating, line));
    }
    if pairs.is_empty() {
        return Err(Error::Invalid(format!("{}: no ratings", path.display())));
    }
    let mut out = Vec::with_capacity(pairs.len());
    for (id, rating, line) in pairs {
        let catalogue_id = if movielens {
            crate::db::catalogue::id_by_movielens(db, id).await?
        } else {
            crate::db::catalogue::exists(db, id).await?.then_some(id)
        };
        let id =
            catalogue_id.ok_or_else(|| bad(line, format!("movie {id} is not in the catalogue")))?;
        out.push((id, rating));
    }
    Ok(out)
}

fn with_year(m: &MovieSummary) -> String {
    match m.year {
        Some(y) => format!("{} ({y})", m.title),
        None => m.title.clone(),
    }
}
