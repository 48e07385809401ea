//! `nextflex evaluate`: trains ALS on one part of a ratings file, scores every pair of the other
//! part, and reports rating error, top-10 ranking quality (against a most-popular baseline) and
//! catalogue coverage.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use nextflex_data::ratings::{Ratings, RatingsFormat, ReadOptions, read_ratings};
use nextflex_data::sources::{FileKind, kind_of, open};
use nextflex_engine::als::{AlsModel, AlsParams};
use nextflex_engine::metrics::{self, RankingScores};
use nextflex_engine::rng::SplitMix64;
use nextflex_engine::split::{self, Split};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How to split the ratings: `random:FRACTION:SEED` or `time:FRACTION` (per user, by time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SplitSpec {
    Random { train: f64, seed: u64 },
    Time { train: f64 },
}

impl std::str::FromStr for SplitSpec {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let fraction = |f: &str| {
            f.parse::<f64>()
                .ok()
                .filter(|f| *f > 0.0 && *f < 1.0)
                .ok_or_else(|| format!("the train fraction {f:?} must be a number between 0 and 1"))
        };
        match parts.as_slice() {
            ["random", f, seed] => Ok(SplitSpec::Random {
                train: fraction(f)?,
                seed: seed
                    .parse()
                    .map_err(|_| format!("the seed {seed:?} must be a whole number"))?,
            }),
            ["random", f] => Ok(SplitSpec::Random {
                train: fraction(f)?,
                seed: 42,
            }),
            ["time", f] => Ok(SplitSpec::Time {
                train: fraction(f)?,
            }),
            _ => Err(format!(
                "{s:?}: expected random:FRACTION:SEED or time:FRACTION"
            )),
        }
    }
}

/// Ratings at or above this count as relevant for the ranking metrics.
pub const RELEVANT_FROM: f32 = 4.0;
/// Top-k of the ranking metrics.
pub const K: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evaluation {
    pub rmse: f64,
    pub mae: f64,
    pub precision_at_10: f64,
    pub recall_at_10: f64,
    pub ndcg_at_10: f64,
    pub coverage: f64,
    pub fit_seconds: f64,
    pub train_pairs: usize,
    pub test_pairs: usize,
    pub scored_pairs: usize,
    /// Users whose top-10 was scored (those with a relevant test item, up to `max_users`).
    pub ranked_users: usize,
    /// The same ranking metrics for "most rated first", the baseline to beat.
    pub popularity_precision_at_10: f64,
    pub popularity_ndcg_at_10: f64,
    pub rank: usize,
    pub iterations: usize,
    pub lambda: f64,
    pub bias_lambda: f64,
    pub popularity_weight: f64,
}

/// Reads a ratings file in any of the supported layouts (by file name; CSV otherwise).
pub fn read_file(path: &Path) -> Result<Ratings> {
    let format = match kind_of(path) {
        Some(FileKind::Ratings(format)) => format,
        _ => RatingsFormat::Csv,
    };
    let size_hint = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let read = read_ratings(
        open(path)?,
        ReadOptions {
            format,
            strict: false,
            size_hint,
        },
    )
    .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
    if read.ratings.is_empty() {
        return Err(Error::Invalid(format!("{}: no ratings", path.display())));
    }
    Ok(read.ratings)
}

fn pick(r: &Ratings, rows: &[usize]) -> Ratings {
    Ratings {
        user: rows.iter().map(|&i| r.user[i]).collect(),
        movie: rows.iter().map(|&i| r.movie[i]).collect(),
        rating: rows.iter().map(|&i| r.rating[i]).collect(),
        timestamp: rows.iter().map(|&i| r.timestamp[i]).collect(),
    }
}

/// Splits, trains, scores. `max_users` bounds the users whose top-10 lists are computed. With
/// `validation`, the test part is set aside untouched and a validation part is carved from the
/// training part the same way (for tuning hyper-parameters honestly).
pub fn evaluate(
    ratings: &Ratings,
    spec: SplitSpec,
    params: AlsParams,
    max_users: usize,
    validation: bool,
) -> Result<Evaluation> {
    let valid = params
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let split_once = |r: &Ratings, salt: u64| match spec {
        SplitSpec::Random { train, seed } => split::random(r.len(), train, seed ^ salt),
        SplitSpec::Time { train } => split::per_user_by_time(&r.user, &r.timestamp, train),
    };
    let Split { train, test } = split_once(ratings, 0);
    let (mut train, mut test) = (pick(ratings, &train), pick(ratings, &test));
    if validation {
        let inner = split_once(&train, 0x5EED);
        (train, test) = (pick(&train, &inner.train), pick(&train, &inner.test));
    }
    if train.is_empty() || test.is_empty() {
        return Err(Error::Invalid("the split left one part empty".into()));
    }
    let started = Instant::now();
    let model = AlsModel::fit(&valid, &train.user, &train.movie, &train.rating)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let fit_seconds = started.elapsed().as_secs_f64();

    let predicted: Vec<f32> = test
        .user
        .iter()
        .zip(&test.movie)
        .map(|(&u, &m)| model.predict(u, m))
        .collect();
    let rmse = metrics::rmse(&predicted, &test.rating).unwrap_or(f64::NAN);
    let mae = metrics::mae(&predicted, &test.rating).unwrap_or(f64::NAN);

    // Ranking: each user's unseen items, their relevant test items.
    let mut seen: HashMap<u32, HashSet<u32>> = HashMap::new();
    for (&u, &m) in train.user.iter().zip(&train.movie) {
        seen.entry(u).or_default().insert(m);
    }
    let mut relevant: HashMap<u32, HashSet<u32>> = HashMap::new();
    for ((&u, &m), &r) in test.user.iter().zip(&test.movie).zip(&test.rating) {
        if r >= RELEVANT_FROM && seen.contains_key(&u) {
            relevant.entry(u).or_default().insert(m);
        }
    }
    let mut users: Vec<u32> = relevant.keys().copied().collect();
    users.sort_unstable();
    if users.len() > max_users {
        let mut rng = SplitMix64(7);
        for i in (1..users.len()).rev() {
            users.swap(i, rng.below(i + 1));
        }
        users.truncate(max_users);
        users.sort_unstable();
    }
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for &m in &train.movie {
        *counts.entry(m).or_default() += 1;
    }
    let mut popular: Vec<(usize, u32)> = counts.into_iter().map(|(m, c)| (c, m)).collect();
    popular.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    let empty = HashSet::new();
    let mut lists = Vec::with_capacity(users.len());
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for u in &users {
        let seen_u = seen.get(u).unwrap_or(&empty);
        let rel = &relevant[u];
        let vector = model.user_vector(*u).unwrap_or_else(|| model.fold_in(&[]));
        let list: Vec<u32> = model
            .recommend(&vector, K, seen_u, |_| true)
            .into_iter()
            .map(|r| r.item)
            .collect();
        let baseline: Vec<u32> = popular
            .iter()
            .map(|(_, m)| *m)
            .filter(|m| !seen_u.contains(m))
            .take(K)
            .collect();
        ours.extend(metrics::ranking(&list, rel, K));
        base.extend(metrics::ranking(&baseline, rel, K));
        lists.push(list);
    }
    let mean = |s: &[RankingScores], f: fn(&RankingScores) -> f64| {
        if s.is_empty() {
            0.0
        } else {
            s.iter().map(f).sum::<f64>() / s.len() as f64
        }
    };
    let p = model.params();
    Ok(Evaluation {
        rmse,
        mae,
        precision_at_10: mean(&ours, |s| s.precision),
        recall_at_10: mean(&ours, |s| s.recall),
        ndcg_at_10: mean(&ours, |s| s.ndcg),
        coverage: metrics::coverage(lists.iter().map(Vec::as_slice), model.items().len()),
        fit_seconds,
        train_pairs: train.len(),
        test_pairs: test.len(),
        scored_pairs: predicted.iter().filter(|p| p.is_finite()).count(),
        ranked_users: users.len(),
        popularity_precision_at_10: mean(&base, |s| s.precision),
        popularity_ndcg_at_10: mean(&base, |s| s.ndcg),
        rank: p.rank,
        iterations: p.iterations,
        lambda: p.lambda,
        bias_lambda: p.bias_lambda,
        popularity_weight: p.popularity_weight,
    })
}
