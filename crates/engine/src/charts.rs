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

/// The `limit` most popular movies. A movie's key is the percentile rank of its TMDB popularity
/// among the movies that have one, or, for a movie without, of its rating count among the rated
/// ones, so catalogues that mix TMDB and MovieLens-only movies rank on one scale. Ties go to
/// more ratings, then the smaller id; movies with neither figure are left out.
pub fn popular(movies: &[Listing], limit: usize) -> Vec<i64> {
    let percentiles = |values: Vec<(f64, usize)>| -> Vec<(usize, f64)> {
        let mut values = values;
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let last = values.len().saturating_sub(1) as f64;
        let mut out = Vec::with_capacity(values.len());
        let mut i = 0;
        while i < values.len() {
            // Equal values share the rank of the first of them.
            let mut j = i;
            while j < values.len() && values[j].0 == values[i].0 {
                out.push((values[j].1, if last > 0.0 { i as f64 / last } else { 1.0 }));
                j += 1;
            }
            i = j;
        }
        out
    };
    let by_popularity = percentiles(
        movies
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.popularity.filter(|p| p.is_finite()).map(|p| (p, i)))
            .collect(),
    );
    let by_ratings = percentiles(
        movies
            .iter()
            .enumerate()
            .filter(|(_, m)| m.popularity.is_none_or(|p| !p.is_finite()) && m.ratings > 0)
            .map(|(i, m)| (m.ratings as f64, i))
            .collect(),
    );
    let mut keyed: Vec<(f64, &Listing)> = by_popularity
        .into_iter()
        .chain(by_ratings)
        .map(|(i, key)| (key, &movies[i]))
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

/// The `limit` most recently released movies, not after `today` (same encoding as
/// `released`); ties go to the more popular (by [`popular`]'s order), then the smaller id.
pub fn latest(movies: &[Listing], today: i64, limit: usize) -> Vec<i64> {
    let order: std::collections::HashMap<i64, usize> = popular(movies, usize::MAX)
        .into_iter()
        .enumerate()
        .map(|(rank, id)| (id, rank))
        .collect();
    let mut out: Vec<(i64, usize, i64)> = movies
        .iter()
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
    fn popular_mixes_tmdb_popularity_and_rating_counts_on_one_scale() {
        let movies = [
            listing(1, Some(10.0), 0, None),
            listing(2, Some(50.0), 3, None),
            listing(3, Some(30.0), 0, None),
            // MovieLens-only: ranked by their rating counts, the most rated at the top.
            listing(4, None, 100, None),
            listing(5, None, 10, None),
            listing(6, None, 0, None),
            listing(7, Some(f64::NAN), 0, None),
        ];
        // Percentiles: 2 → 1.0, 3 → 0.5, 1 → 0.0; 4 → 1.0, 5 → 0.0. Ties: more ratings first.
        assert_eq!(popular(&movies, 10), vec![4, 2, 3, 5, 1]);
        assert_eq!(popular(&movies, 2), vec![4, 2]);
        assert!(popular(&[], 5).is_empty());
    }

    #[test]
    fn latest_leaves_out_the_future_and_breaks_ties_by_popularity() {
        let movies = [
            listing(1, Some(1.0), 0, Some(20160101)),
            listing(2, Some(9.0), 0, Some(20160101)),
            listing(3, Some(5.0), 0, Some(20300501)),
            listing(4, Some(5.0), 0, Some(19991231)),
            listing(5, Some(5.0), 0, None),
        ];
        assert_eq!(latest(&movies, 20261124, 10), vec![2, 1, 4]);
        assert_eq!(latest(&movies, 20310101, 1), vec![3]);
    }
}
