//! The top-rated chart: IMDB's weighted rating `WR = v/(v+m)·R + m/(v+m)·C`, where `R` and `v`
//! are a movie's mean rating and number of votes, `C` the mean of all ratings, and `m` a
//! percentile (default the 90th) of the per-movie vote counts; only movies with at least `m`
//! votes qualify. A per-genre chart is the same computation over that genre's movies (its own
//! `C` and `m`).
//!
//! Also the popular and latest lists (recommender A). A genre filter is the caller's: pass only
//! that genre's movies.

use crate::{EngineError, Result};

/// One movie's votes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Votes {
    pub movie: i64,
    pub count: u64,
    /// Mean rating.
    pub mean: f64,
}

/// A chart entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub movie: i64,
    pub score: f64,
    pub votes: u64,
    pub mean: f64,
}

/// The chart's constants, for display ("movies with at least m votes").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartStats {
    /// `C`: the mean of all ratings.
    pub mean: f64,
    /// `m`: the minimum votes to qualify.
    pub min_votes: f64,
}

/// The `p`-quantile of `values` with linear interpolation between closest ranks (as pandas'
/// `quantile` computes it).
pub fn quantile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let pos = p * (values.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(values[lo] + (values[hi] - values[lo]) * (pos - lo as f64))
}

/// The top `limit` movies by weighted rating; ties go to more votes, then the smaller id.
pub fn top_rated(
    votes: &[Votes],
    percentile: f64,
    limit: usize,
) -> Result<(Vec<Ranked>, ChartStats)> {
    if !(0.0..=1.0).contains(&percentile) || percentile.is_nan() {
        return Err(EngineError::InvalidParameter {
            name: "percentile",
            reason: "must be between 0 and 1".into(),
        });
    }
    let rated: Vec<&Votes> = votes
        .iter()
        .filter(|v| v.count > 0 && v.mean.is_finite())
        .collect();
    let total: u64 = rated.iter().map(|v| v.count).sum();
    if total == 0 {
        return Ok((
            Vec::new(),
            ChartStats {
                mean: 0.0,
                min_votes: 0.0,
            },
        ));
    }
    let c = rated.iter().map(|v| v.mean * v.count as f64).sum::<f64>() / total as f64;
    let mut counts: Vec<f64> = rated.iter().map(|v| v.count as f64).collect();
    let m = quantile(&mut counts, percentile).unwrap_or(0.0);
    let mut chart: Vec<Ranked> = rated
        .iter()
        .filter(|v| v.count as f64 >= m)
        .map(|v| {
            let n = v.count as f64;
            Ranked {
                movie: v.movie,
                score: n / (n + m) * v.mean + m / (n + m) * c,
                votes: v.count,
                mean: v.mean,
            }
        })
        .collect();
    chart.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.votes.cmp(&a.votes))
            .then(a.movie.cmp(&b.movie))
    });
    chart.truncate(limit);
    Ok((
        chart,
        ChartStats {
            mean: c,
            min_votes: m,
        },
    ))
}

/// What the popular and latest lists read of a movie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listing {
    pub movie: i64,
    /// TMDB's popularity, where known.
    pub popularity: Option<f64>,
    /// Number of ratings (datasets and app users).
    pub ratings: u64,
    /// Release date as a number that orders dates, e.g. `YYYYMMDD`.
    pub released: Option<i64>,
}

/// The `limit` most popular movies. Two signals, each as a percentile rank so that they share
/// one scale: TMDB's popularity (among the movies that have one: what the world watches now) and
/// the number of ratings (among all movies: what this catalogue's users have seen; 0 for an
/// unrated movie). A movie with both is keyed by their mean, so neither a film TMDB rates
/// popular that nobody here has seen nor an old favourite TMDB forgot leads alone; a movie with
/// only ratings is keyed by those. Ties go to more ratings, then the smaller id; movies with
/// neither figure are left out.
pub fn popular(movies: &[Listing], limit: usize) -> Vec<i64> {
    let popularity = percentiles(
        movies.len(),
        movies
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.popularity.filter(|p| p.is_finite()).map(|p| (p, i)))
            .collect(),
    );
    let ratings = percentiles(
        movies.len(),
        movies
            .iter()
            .enumerate()
            .map(|(i, m)| (m.ratings as f64, i))
            .collect(),
    );
    let mut keyed: Vec<(f64, &Listing)> = movies
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let by_ratings = ratings[i].filter(|_| m.ratings > 0);
            let key = match (popularity[i], by_ratings) {
                (Some(p), r) => (p + r.unwrap_or(0.0)) / 2.0,
                (None, Some(r)) => r,
                (None, None) => return None,
            };
            Some((key, m))
        })
        .collect();
    keyed.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.ratings.cmp(&a.1.ratings))
            .then(a.1.movie.cmp(&b.1.movie))
    });
    keyed
        .into_iter()
        .take(limit)
        .map(|(_, m)| m.movie)
        .collect()
}

/// The percentile rank (0 to 1) of each value among `values` (value, index below `n`), by
/// index (`None` where no value was given); equal values share the rank of the first of them.
fn percentiles(n: usize, mut values: Vec<(f64, usize)>) -> Vec<Option<f64>> {
    let mut out = vec![None; n];
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let last = values.len().saturating_sub(1) as f64;
    let mut i = 0;
    while i < values.len() {
        let rank = if last > 0.0 { i as f64 / last } else { 1.0 };
        let mut j = i;
        while j < values.len() && values[j].0 == values[i].0 {
            out[values[j].1] = Some(rank);
            j += 1;
        }
        i = j;
    }
    out
}

/// Fewer ratings than this keep a film out of the lists shown to everyone (popular, latest,
/// similar) of a catalogue that has ratings: one or two votes say too little, and the film's
/// mean is shown on its card.
pub const LIST_MIN_RATINGS: u64 = 3;

/// The `limit` most recently released movies with at least `min_ratings` ratings, not after
/// `today` (same encoding as `released`); ties go to the more popular (by [`popular`]'s order),
/// then the smaller id.
pub fn latest(movies: &[Listing], today: i64, min_ratings: u64, limit: usize) -> Vec<i64> {
    let order: std::collections::HashMap<i64, usize> = popular(movies, usize::MAX)
        .into_iter()
        .enumerate()
        .map(|(rank, id)| (id, rank))
        .collect();
    let mut out: Vec<(i64, usize, i64)> = movies
        .iter()
        .filter(|m| m.ratings >= min_ratings)
        .filter_map(|m| {
            m.released.filter(|&d| d <= today).map(|d| {
                (
                    d,
                    order.get(&m.movie).copied().unwrap_or(usize::MAX),
                    m.movie,
                )
            })
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    out.into_iter().take(limit).map(|(_, _, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(movie: i64, count: u64, mean: f64) -> Votes {
        Votes { movie, count, mean }
    }

    #[test]
    fn quantiles_like_pandas() {
        assert_eq!(quantile(&mut [1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        assert_eq!(quantile(&mut [10.0, 1.0, 5.0], 0.9), Some(9.0));
        assert_eq!(quantile(&mut [], 0.9), None);
    }

    #[test]
    fn weighted_rating_by_hand() {
        // Counts 10, 20, 30, 40 → m (p = 0.5) = 25; C = (10·4 + 20·3 + 30·5 + 40·2) / 100 = 3.3
        let votes = [v(1, 10, 4.0), v(2, 20, 3.0), v(3, 30, 5.0), v(4, 40, 2.0)];
        let (chart, stats) = top_rated(&votes, 0.5, 10).unwrap();
        assert!((stats.min_votes - 25.0).abs() < 1e-12);
        assert!((stats.mean - 3.3).abs() < 1e-12);
        assert_eq!(
            chart.iter().map(|r| r.movie).collect::<Vec<_>>(),
            vec![3, 4]
        );
        // WR(3) = 30/55·5 + 25/55·3.3 = (150 + 82.5) / 55
        assert!((chart[0].score - 232.5 / 55.0).abs() < 1e-12);
        // WR(4) = 40/65·2 + 25/65·3.3 = (80 + 82.5) / 65
        assert!((chart[1].score - 162.5 / 65.0).abs() < 1e-12);
    }

    #[test]
    fn ties_are_deterministic_and_limits_hold() {
        let votes = [v(7, 50, 4.0), v(3, 50, 4.0), v(5, 60, 3.0)];
        let (chart, _) = top_rated(&votes, 0.0, 2).unwrap();
        assert_eq!(
            chart.iter().map(|r| r.movie).collect::<Vec<_>>(),
            vec![3, 7]
        );
        assert!(top_rated(&votes, 1.5, 2).is_err());
        assert!(top_rated(&[], 0.9, 5).unwrap().0.is_empty());
    }

    fn listing(
        movie: i64,
        popularity: Option<f64>,
        ratings: u64,
        released: Option<i64>,
    ) -> Listing {
        Listing {
            movie,
            popularity,
            ratings,
            released,
        }
    }

    #[test]
    fn popular_blends_tmdb_popularity_with_rating_counts() {
        let movies = [
            listing(1, Some(10.0), 0, None),
            listing(2, Some(50.0), 3, None),
            listing(3, Some(30.0), 0, None),
            // MovieLens-only: ranked by their rating counts alone.
            listing(4, None, 100, None),
            listing(5, None, 10, None),
            listing(6, None, 0, None),
            listing(7, Some(f64::NAN), 0, None),
            // Less popular on TMDB than 2, but much more rated here.
            listing(8, Some(40.0), 50, None),
        ];
        // Popularity percentiles: 1 → 0, 3 → 1/3, 8 → 2/3, 2 → 1. Rating-count percentiles over
        // all eight (the four zeros share rank 0): 2 → 4/7, 5 → 5/7, 8 → 6/7, 4 → 1.
        // Keys: 4 → 1, 2 → (1 + 4/7)/2 ≈ 0.79, 8 → (2/3 + 6/7)/2 ≈ 0.76, 5 → 5/7 ≈ 0.71,
        // 3 → 1/6, 1 → 0; 6 and 7 have neither figure.
        assert_eq!(popular(&movies, 10), vec![4, 2, 8, 5, 3, 1]);
        assert_eq!(popular(&movies, 2), vec![4, 2]);
        assert!(popular(&[], 5).is_empty());
        // The most rated film draws level with one TMDB finds more popular, and its ratings
        // break the tie.
        let forrest = [
            listing(1, Some(60.0), 5, None),
            listing(2, Some(50.0), 300, None),
            listing(3, Some(10.0), 1, None),
        ];
        assert_eq!(popular(&forrest, 1), vec![2]);
    }

    #[test]
    fn latest_leaves_out_the_future_and_the_barely_rated() {
        let movies = [
            listing(1, Some(1.0), 5, Some(20160101)),
            listing(2, Some(9.0), 5, Some(20160101)),
            listing(3, Some(5.0), 5, Some(20300501)),
            listing(4, Some(5.0), 5, Some(19991231)),
            listing(5, Some(5.0), 5, None),
            listing(6, Some(5.0), 1, Some(20200101)),
        ];
        assert_eq!(latest(&movies, 20261124, 3, 10), vec![2, 1, 4]);
        assert_eq!(latest(&movies, 20261124, 0, 1), vec![6]);
        assert_eq!(latest(&movies, 20310101, 3, 1), vec![3]);
    }
}
