//! Offline evaluation (`nextflex evaluate`, and the held-out metrics a build records): trains
//! the models on one part of the ratings and scores them on the other part: the explicit ALS by
//! its rating error on every test pair, every model (explicit ALS, the iALS ranking model, "most
//! rated first") by its top-10 lists over every training item the user has not rated (P@10,
//! recall@10, NDCG@10, catalogue coverage). Two studies beside
//! them: how much "not interested" should count ([`evaluate_dismissals`]) and how similar movies
//! should weigh kind, subject, who-liked-what and popularity ([`evaluate_similar`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use nextflex_data::ratings::{Ratings, RatingsFormat, ReadOptions, read_ratings};
use nextflex_data::sources::{FileKind, kind_of, open};
use nextflex_engine::als::{AlsModel, AlsParams};
use nextflex_engine::content::ContentItem;
use nextflex_engine::metrics::{self, RankingScores};
use nextflex_engine::ranking::{RankingModel, RankingParams};
use nextflex_engine::rng::SplitMix64;
use nextflex_engine::similar::{self, SimilarIndex, SimilarParams};
use nextflex_engine::split::{self, Split};
use serde::{Deserialize, Serialize};

use super::MAX_K;
use nextflex_store::error::{Error, Result};

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

/// A model `evaluate` can score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// Explicit ALS: predicted ratings (RMSE, MAE) and its own top-10.
    Als,
    /// The ranking model of the "For you" lists, as shipped: EASE where it fits (blended with
    /// iALS where tuning found the blend better), else iALS.
    Ranking,
    /// The ranking model forced to EASE, alone.
    Ease,
    /// The ranking model forced to iALS.
    Ials,
    /// "Most rated first", the baseline.
    Popularity,
}

/// What to evaluate and how.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalSettings {
    pub models: Vec<ModelKind>,
    pub als: AlsParams,
    pub ranking: RankingParams,
    /// At most this many users get their top-10 scored (a seeded sample beyond it).
    pub max_users: usize,
}

/// One model's scores.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelScores {
    pub model: ModelKind,
    /// Rating error, for a model that predicts ratings.
    pub rmse: Option<f64>,
    pub mae: Option<f64>,
    pub precision_at_10: f64,
    pub recall_at_10: f64,
    pub ndcg_at_10: f64,
    pub coverage: f64,
    pub fit_seconds: f64,
}

/// An evaluation's outcome. The top-level scores are those of the shipped models: rating error
/// of the explicit ALS (which predicts the stars), ranking scores of the ranking model (which
/// makes the lists; with `ease` and `ials` asked for instead, the one it would ship as), or of
/// ALS when no ranking model was evaluated.
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
    /// The explicit ALS's half-life, in days (0: none).
    #[serde(default)]
    pub half_life_days: f64,
    /// The explicit ALS's penalty on a user's bias for one day (0: no day biases).
    #[serde(default)]
    pub day_lambda: f64,
    /// Every model evaluated, in the order asked for.
    #[serde(default)]
    pub models: Vec<ModelScores>,
    /// The model the ranking scores above are those of (`ease` or `ials`: what the ranking
    /// model ships as on this training part; `als` when no ranking model was evaluated).
    #[serde(default)]
    pub lists_model: Option<ModelKind>,
    /// How the hyper-parameters were chosen on a validation part of the training part.
    #[serde(default)]
    pub tuning: Option<super::tuning::TuningReport>,
}

/// Training and test parts: a split of `ratings`, or (`test` given) all of `ratings` against
/// `test`. With `validation`, the test part is set aside untouched and a validation part is
/// carved from the training part the same way (for tuning hyper-parameters honestly).
pub fn parts(
    ratings: &Ratings,
    test: Option<&Ratings>,
    spec: SplitSpec,
    validation: bool,
) -> Result<(Ratings, Ratings)> {
    let split_once = |r: &Ratings, salt: u64| match spec {
        SplitSpec::Random { train, seed } => split::random(r.len(), train, seed ^ salt),
        SplitSpec::Time { train } => split::per_user_by_time(&r.user, &r.timestamp, train),
    };
    let (mut train, mut test) = match test {
        Some(test) => (ratings.clone(), test.clone()),
        None => {
            let Split { train, test } = split_once(ratings, 0);
            (pick(ratings, &train), pick(ratings, &test))
        }
    };
    if validation {
        let inner = split_once(&train, 0x5EED);
        (train, test) = (pick(&train, &inner.train), pick(&train, &inner.test));
    }
    if train.is_empty() || test.is_empty() {
        return Err(Error::Invalid("the split left one part empty".into()));
    }
    Ok((train, test))
}

/// How lists are scored against a test part: each user's training ratings, their relevant
/// test items (rated [`RELEVANT_FROM`] or more), the sampled users, and the popularity order.
/// Built once per split, it scores any number of models (tuning scores many).
pub struct Protocol<'a> {
    test: &'a Ratings,
    history: HashMap<u32, Vec<(u32, f32)>>,
    /// When each rating of `history` was made, in its order.
    rated_at: HashMap<u32, Vec<i64>>,
    seen: HashMap<u32, HashSet<u32>>,
    relevant: HashMap<u32, HashSet<u32>>,
    /// Test films each user rated [`DISMISSED_UP_TO`] or less.
    disliked: HashMap<u32, HashSet<u32>>,
    users: Vec<u32>,
    popular: Vec<u32>,
    catalogue: usize,
}

/// Top-10 scores of one model's lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListScores {
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    /// NDCG where a film the user rated [`DISMISSED_UP_TO`] or less in the test part costs
    /// what a relevant one gains (see [`metrics::net_ndcg`]).
    pub net_ndcg: f64,
    pub coverage: f64,
}

impl<'a> Protocol<'a> {
    /// Scores lists made from `train` against `test`, for at most `max_users` users (a sample
    /// seeded with 7 beyond that).
    pub fn new(train: &Ratings, test: &'a Ratings, max_users: usize) -> Protocol<'a> {
        let mut history: HashMap<u32, Vec<(u32, f32)>> = HashMap::new();
        let mut rated_at: HashMap<u32, Vec<i64>> = HashMap::new();
        for (((&u, &m), &r), &t) in train
            .user
            .iter()
            .zip(&train.movie)
            .zip(&train.rating)
            .zip(&train.timestamp)
        {
            history.entry(u).or_default().push((m, r));
            rated_at.entry(u).or_default().push(t);
        }
        let seen: HashMap<u32, HashSet<u32>> = history
            .iter()
            .map(|(u, list)| (*u, list.iter().map(|x| x.0).collect()))
            .collect();
        let mut relevant: HashMap<u32, HashSet<u32>> = HashMap::new();
        let mut disliked: HashMap<u32, HashSet<u32>> = HashMap::new();
        for ((&u, &m), &r) in test.user.iter().zip(&test.movie).zip(&test.rating) {
            if r >= RELEVANT_FROM && seen.contains_key(&u) {
                relevant.entry(u).or_default().insert(m);
            } else if r <= DISMISSED_UP_TO {
                disliked.entry(u).or_default().insert(m);
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
        let catalogue = counts.len();
        let mut popular: Vec<(usize, u32)> = counts.into_iter().map(|(m, c)| (c, m)).collect();
        popular.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Protocol {
            test,
            history,
            rated_at,
            seen,
            relevant,
            disliked,
            users,
            popular: popular.into_iter().map(|x| x.1).collect(),
            catalogue,
        }
    }

    /// The users whose lists are scored.
    pub fn users(&self) -> usize {
        self.users.len()
    }

    /// Scores the top-10 lists `list_of` makes (from a user and the movies they rated).
    fn score_lists(&self, list_of: &dyn Fn(u32, &HashSet<u32>) -> Vec<u32>) -> ListScores {
        let empty = HashSet::new();
        let mut scores = Vec::with_capacity(self.users.len());
        let mut net = Vec::with_capacity(self.users.len());
        let mut lists = Vec::with_capacity(self.users.len());
        for u in &self.users {
            let list = list_of(*u, self.seen.get(u).unwrap_or(&empty));
            let disliked = self.disliked.get(u).unwrap_or(&empty);
            scores.extend(metrics::ranking(&list, &self.relevant[u], K));
            net.extend(metrics::net_ndcg(&list, &self.relevant[u], disliked, K));
            lists.push(list);
        }
        let mean = |f: fn(&RankingScores) -> f64| {
            if scores.is_empty() {
                0.0
            } else {
                scores.iter().map(f).sum::<f64>() / scores.len() as f64
            }
        };
        ListScores {
            precision: mean(|s| s.precision),
            recall: mean(|s| s.recall),
            ndcg: mean(|s| s.ndcg),
            net_ndcg: if net.is_empty() {
                0.0
            } else {
                net.iter().sum::<f64>() / net.len() as f64
            },
            coverage: metrics::coverage(lists.iter().map(Vec::as_slice), self.catalogue),
        }
    }

    fn popularity_list(&self, seen: &HashSet<u32>) -> Vec<u32> {
        self.popular
            .iter()
            .copied()
            .filter(|m| !seen.contains(m))
            .take(K)
            .collect()
    }

    /// "Most rated first".
    pub fn popularity(&self) -> ListScores {
        self.score_lists(&|_, seen| self.popularity_list(seen))
    }

    /// The ranking model's lists, each user folded in from their training ratings and their
    /// times as serving does (popularity for a user it cannot inform).
    pub fn ranking(&self, model: &RankingModel) -> ListScores {
        self.score_lists(&|u, seen| {
            let taste = model.fold_in_with(
                self.history.get(&u).map_or(&[], Vec::as_slice),
                self.rated_at.get(&u).map_or(&[], Vec::as_slice),
                &[],
                model.negative_weight(),
            );
            if !taste.is_informed() {
                return self.popularity_list(seen);
            }
            model
                .recommend(&taste, K, seen, |_| true)
                .into_iter()
                .map(|r| r.item)
                .collect()
        })
    }

    /// The explicit ALS's rating error on every test pair (RMSE, MAE, pairs it could predict).
    pub fn rating_error(&self, model: &AlsModel) -> (f64, f64, usize) {
        // Each user as serving sees them: folded in from their training ratings and times (the
        // vector training gave them), and predicted on each test rating's day, where the bias of
        // a day they also rated on in training counts. One user at a time, each vector dropped
        // after its pairs: a vector carries what explaining needs, and holding every test user's
        // at once took gigabytes on 26M ratings.
        let test = self.test;
        let mut order: Vec<usize> = (0..test.user.len()).collect();
        order.sort_by_key(|&n| test.user[n]);
        let mut predicted = vec![f32::NAN; test.user.len()];
        for pairs in order.chunk_by(|&a, &b| test.user[a] == test.user[b]) {
            let u = test.user[pairs[0]];
            let ratings = self.history.get(&u).map_or(&[][..], Vec::as_slice);
            let times = self.rated_at.get(&u).map_or(&[][..], Vec::as_slice);
            let vector = model.fold_in_at(ratings, times);
            for &n in pairs {
                let (m, t) = (test.movie[n], test.timestamp[n]);
                predicted[n] = model
                    .rating(&vector, m, t)
                    .unwrap_or_else(|| model.predict(u, m));
            }
        }
        (
            metrics::rmse(&predicted, &self.test.rating).unwrap_or(f64::NAN),
            metrics::mae(&predicted, &self.test.rating).unwrap_or(f64::NAN),
            predicted.iter().filter(|p| p.is_finite()).count(),
        )
    }

    /// The explicit ALS's own lists, by predicted rating.
    pub fn als_lists(&self, model: &AlsModel) -> ListScores {
        self.score_lists(&|u, seen| {
            let vector = model.user_vector(u).unwrap_or_else(|| model.fold_in(&[]));
            model
                .recommend(&vector, K, seen, |_| true)
                .into_iter()
                .map(|r| r.item)
                .collect()
        })
    }
}

/// Trains the chosen models on `train` and scores them on `test`.
pub fn evaluate(train: &Ratings, test: &Ratings, settings: &EvalSettings) -> Result<Evaluation> {
    let invalid = |e: nextflex_engine::EngineError| Error::Invalid(e.to_string());
    let als_params = settings.als.validate().map_err(invalid)?;
    let protocol = Protocol::new(train, test, settings.max_users);

    let mut models = Vec::new();
    let mut scored_pairs = 0;
    for &kind in &settings.models {
        let started = Instant::now();
        let (errors, lists, fit_seconds) = match kind {
            ModelKind::Popularity => (None, protocol.popularity(), 0.0),
            ModelKind::Als => {
                let model = AlsModel::fit_at(
                    &als_params,
                    &train.user,
                    &train.movie,
                    &train.rating,
                    &train.timestamp,
                )
                .map_err(invalid)?;
                let fit_seconds = started.elapsed().as_secs_f64();
                let (rmse, mae, scored) = protocol.rating_error(&model);
                scored_pairs = scored;
                (Some((rmse, mae)), protocol.als_lists(&model), fit_seconds)
            }
            ModelKind::Ranking | ModelKind::Ease | ModelKind::Ials => {
                let mut params = settings.ranking;
                match kind {
                    // EASE alone, unblended, whatever its catalogue.
                    ModelKind::Ease => {
                        params.ease.max_items = 50_000;
                        params.ials_blend = 0.0;
                    }
                    ModelKind::Ials => params.ials_only = true,
                    _ => {}
                }
                let model = RankingModel::fit(&params, &train.user, &train.movie, &train.rating)
                    .map_err(invalid)?;
                let fit_seconds = started.elapsed().as_secs_f64();
                (None, protocol.ranking(&model), fit_seconds)
            }
        };
        models.push(ModelScores {
            model: kind,
            rmse: errors.map(|e| e.0),
            mae: errors.map(|e| e.1),
            precision_at_10: lists.precision,
            recall_at_10: lists.recall,
            ndcg_at_10: lists.ndcg,
            coverage: lists.coverage,
            fit_seconds,
        });
    }
    let find = |kind| models.iter().find(|m| m.model == kind);
    let als = find(ModelKind::Als);
    let shipped = if settings.ranking.picks_ease(&train.movie, &train.rating) {
        ModelKind::Ease
    } else {
        ModelKind::Ials
    };
    // The lists as shipped: the ranking model's row (EASE, blended with iALS where tuning chose
    // it, or iALS), else the forced model the shipped one would be.
    let lists = find(ModelKind::Ranking)
        .map(|m| (ModelKind::Ranking, m))
        .or(find(shipped).map(|m| (shipped, m)))
        .or(als.map(|m| (ModelKind::Als, m)));
    let (lists_model, lists) = (lists.map(|l| l.0), lists.map(|l| l.1));
    let baseline = match find(ModelKind::Popularity) {
        Some(p) => (p.precision_at_10, p.ndcg_at_10),
        None => {
            let p = protocol.popularity();
            (p.precision, p.ndcg)
        }
    };
    let p = settings.als;
    Ok(Evaluation {
        rmse: als.and_then(|m| m.rmse).unwrap_or(f64::NAN),
        mae: als.and_then(|m| m.mae).unwrap_or(f64::NAN),
        precision_at_10: lists.map_or(f64::NAN, |m| m.precision_at_10),
        recall_at_10: lists.map_or(f64::NAN, |m| m.recall_at_10),
        ndcg_at_10: lists.map_or(f64::NAN, |m| m.ndcg_at_10),
        coverage: lists.map_or(f64::NAN, |m| m.coverage),
        lists_model,
        fit_seconds: models.iter().map(|m| m.fit_seconds).sum(),
        train_pairs: train.len(),
        test_pairs: test.len(),
        scored_pairs,
        ranked_users: protocol.users(),
        popularity_precision_at_10: baseline.0,
        popularity_ndcg_at_10: baseline.1,
        rank: p.rank,
        iterations: p.iterations,
        lambda: p.lambda,
        bias_lambda: p.bias_lambda,
        popularity_weight: p.popularity_weight,
        half_life_days: p.half_life_days,
        day_lambda: p.day_lambda,
        models,
        tuning: None,
    })
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

/// The ratings of movies the catalogue has, their MovieLens ids turned into catalogue ids (for
/// [`evaluate_similar`], whose lists are of catalogue movies).
pub fn in_catalogue(r: &Ratings, by_movielens: &HashMap<u32, i64>) -> Result<Ratings> {
    let catalogue_id = |m: &u32| by_movielens.get(m).and_then(|&id| u32::try_from(id).ok());
    let rows: Vec<usize> = (0..r.len())
        .filter(|&i| catalogue_id(&r.movie[i]).is_some())
        .collect();
    if rows.is_empty() {
        return Err(Error::Invalid(
            "no rated movie is in the catalogue (are these MovieLens ids?)".into(),
        ));
    }
    let mut kept = pick(r, &rows);
    for m in &mut kept.movie {
        *m = catalogue_id(m).unwrap_or(*m);
    }
    Ok(kept)
}

/// The rows `rows` of `r`.
pub(crate) fn pick(r: &Ratings, rows: &[usize]) -> Ratings {
    Ratings {
        user: rows.iter().map(|&i| r.user[i]).collect(),
        movie: rows.iter().map(|&i| r.movie[i]).collect(),
        rating: rows.iter().map(|&i| r.rating[i]).collect(),
        timestamp: rows.iter().map(|&i| r.timestamp[i]).collect(),
    }
}

/// Test ratings at or below this stand for "not interested" in [`evaluate_dismissals`].
pub const DISMISSED_UP_TO: f32 = 2.0;

/// The ranking model's top-10 with dismissals counted at one weight.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DismissalScores {
    pub weight: f64,
    pub users: usize,
    pub ndcg_at_10: f64,
    pub recall_at_10: f64,
}

/// Whether "not interested" should count against similar films, and how much. No dataset
/// records dismissals, so the test part's low ratings stand in for them: for each user with a
/// relevant test item (rated 4 or more) and a test item rated 2 or less, the low ones are
/// dismissed at fold-in time (and left out of the list, as serving does), and the top 10 is
/// scored against the relevant ones, once per weight (0: dismissed films are only left out).
/// The model is the shipped ranking model, or iALS when `settings.models` is just iALS.
pub fn evaluate_dismissals(
    train: &Ratings,
    test: &Ratings,
    settings: &EvalSettings,
    weights: &[f64],
) -> Result<Vec<DismissalScores>> {
    let invalid = |e: nextflex_engine::EngineError| Error::Invalid(e.to_string());
    // The ranking model as shipped, or iALS when only it is asked for.
    let mut params = settings.ranking;
    params.ials_only = settings.models == [ModelKind::Ials];
    let model =
        RankingModel::fit(&params, &train.user, &train.movie, &train.rating).map_err(invalid)?;
    let mut history: HashMap<u32, Vec<(u32, f32)>> = HashMap::new();
    for ((&u, &m), &r) in train.user.iter().zip(&train.movie).zip(&train.rating) {
        history.entry(u).or_default().push((m, r));
    }
    let (mut relevant, mut dismissed) = (
        HashMap::<u32, HashSet<u32>>::new(),
        HashMap::<u32, Vec<u32>>::new(),
    );
    for ((&u, &m), &r) in test.user.iter().zip(&test.movie).zip(&test.rating) {
        if !history.contains_key(&u) {
            continue;
        }
        if r >= RELEVANT_FROM {
            relevant.entry(u).or_default().insert(m);
        } else if r <= DISMISSED_UP_TO {
            dismissed.entry(u).or_default().push(m);
        }
    }
    let mut users: Vec<u32> = relevant
        .keys()
        .filter(|u| dismissed.contains_key(u))
        .copied()
        .collect();
    users.sort_unstable();
    users.truncate(settings.max_users);
    Ok(weights
        .iter()
        .map(|&weight| {
            let mut scores = Vec::new();
            for u in &users {
                let (mine, gone) = (&history[u], &dismissed[u]);
                let taste = model.fold_in_with(mine, &[], gone, weight);
                if !taste.is_informed() {
                    continue;
                }
                let exclude: HashSet<u32> = mine
                    .iter()
                    .map(|r| r.0)
                    .chain(gone.iter().copied())
                    .collect();
                let list: Vec<u32> = model
                    .recommend(&taste, K, &exclude, |_| true)
                    .into_iter()
                    .map(|r| r.item)
                    .collect();
                scores.extend(metrics::ranking(&list, &relevant[u], K));
            }
            let mean = |f: fn(&RankingScores) -> f64| {
                scores.iter().map(f).sum::<f64>() / scores.len().max(1) as f64
            };
            DismissalScores {
                weight,
                users: scores.len(),
                ndcg_at_10: mean(|s| s.ndcg),
                recall_at_10: mean(|s| s.recall),
            }
        })
        .collect())
}

/// One setting's similar-movie lists, on every measure at once (see [`evaluate_similar`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimilarScores {
    pub kind: f32,
    pub about: f32,
    pub collaborative: f32,
    pub damping: f32,
    pub prior: f32,
    pub hub: f32,
    /// Held out: of each liked training movie's top 10, the share holding a test like.
    pub hit_rate_at_10: f64,
    pub ndcg_at_10: f64,
    pub coverage: f64,
    /// (user, liked movie) pairs scored.
    pub pairs: usize,
    /// Of the top 10 of the [`FAN_LISTS`] most rated films, the share sharing no genre with
    /// their film.
    pub wince_rate: f64,
    /// Of the same lists, the share taken by the [`POPULAR_FILMS`] most rated films.
    pub popular_share: f64,
    /// The most lists one film appears in.
    pub most_repeated: usize,
    /// Recall@10 of the fan panel, where one is given.
    pub panel_recall: Option<f64>,
    /// Within the goals (wince rate, popular share, repeats).
    pub within_goals: bool,
    /// What tuning chose on a validation part of the training part (`evaluate --similar`).
    #[serde(default)]
    pub tuned: bool,
    /// Within the goals (wince rate, popular share, repeats), and the best of those on hit rate
    /// times panel recall: the setting to ship.
    pub chosen: bool,
}

/// Lists the fan measures look at: the most rated films'.
pub const FAN_LISTS: usize = 300;
/// "The most popular films" of the popularity share.
pub const POPULAR_FILMS: usize = 20;
/// The goals a shipped setting meets (issue "Similar movies a fan would click").
pub const MAX_WINCE_RATE: f64 = 0.03;
pub const MAX_POPULAR_SHARE: f64 = 0.05;
pub const MAX_REPEATS: usize = 15;

/// The settings `evaluate --similar` compares: every combination of the values given for each
/// weight (an empty list: the shipped value).
pub fn similar_grid(
    kind: &[f32],
    about: &[f32],
    collaborative: &[f32],
    damping: &[f32],
    prior: &[f32],
    hub: &[f32],
) -> Vec<SimilarParams> {
    let shipped = SimilarParams::default();
    let or = |v: &[f32], d: f32| if v.is_empty() { vec![d] } else { v.to_vec() };
    let mut grid = Vec::new();
    for &kind in &or(kind, shipped.kind) {
        for &about in &or(about, shipped.about) {
            for &collaborative in &or(collaborative, shipped.collaborative) {
                for &damping in &or(damping, shipped.damping) {
                    for &prior in &or(prior, shipped.prior) {
                        for &hub in &or(hub, shipped.hub) {
                            grid.push(SimilarParams {
                                kind,
                                about,
                                collaborative,
                                damping,
                                prior,
                                hub,
                                ..shipped
                            });
                        }
                    }
                }
            }
        }
    }
    grid
}

/// A fan panel, `film,year,neighbour,neighbour_year` per line (a header line first): for each
/// film, the neighbours a film reference names. `find` gives the catalogue id of a title and
/// year; a line naming a film it does not find is an error.
pub fn read_panel(
    text: &str,
    find: impl Fn(&str, Option<i64>) -> Option<i64>,
) -> Result<Vec<(i64, Vec<i64>)>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut panel: Vec<(i64, Vec<i64>)> = Vec::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(|e| Error::Invalid(format!("panel line {}: {e}", line + 2)))?;
        let film = |t: usize| -> Result<i64> {
            let title = row.get(t).unwrap_or_default();
            let year = row.get(t + 1).and_then(|y| y.trim().parse().ok());
            find(title, year).ok_or_else(|| {
                Error::Invalid(format!(
                    "panel line {}: no film {title:?} ({}) in the catalogue",
                    line + 2,
                    year.map_or("no year".into(), |y: i64| y.to_string())
                ))
            })
        };
        let (anchor, neighbour) = (film(0)?, film(2)?);
        match panel.iter_mut().find(|(a, _)| *a == anchor) {
            Some((_, list)) => list.push(neighbour),
            None => panel.push((anchor, vec![neighbour])),
        }
    }
    Ok(panel)
}

/// Finds a film of `items` by its exact title (case and accents aside) and year, for
/// [`read_panel`].
pub fn title_finder(items: &[ContentItem]) -> impl Fn(&str, Option<i64>) -> Option<i64> {
    let by_title: HashMap<(String, Option<i64>), i64> = items
        .iter()
        .map(|m| ((nextflex_engine::text::fold(&m.title), m.year), m.id))
        .collect();
    move |title, year| {
        by_title
            .get(&(nextflex_engine::text::fold(title), year))
            .copied()
    }
}

/// One setting's similar lists as [`SimilarJudge`] measures them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimilarMeasures {
    pub quality: similar::ListQuality,
    pub fan: similar::FanMeasures,
    pub panel_recall: Option<f64>,
}

impl SimilarMeasures {
    /// Within the goals: few neighbours of another kind, of the most popular films, or in
    /// many lists.
    pub fn within_goals(&self) -> bool {
        self.excess() == 0.0
    }

    /// How far the lists are outside the goals: the sum of each measure's excess over its
    /// limit, as a share of the limit (0 within them).
    pub fn excess(&self) -> f64 {
        goal_excess(&self.fan)
    }

    /// What a setting is chosen on: within the goals, the held-out hit rate times the panel's
    /// recall (where there is a panel); outside them, less than any setting within, the
    /// further out the lower.
    pub fn merit(&self) -> f64 {
        if self.within_goals() {
            self.quality.hit_rate * self.panel_recall.unwrap_or(1.0)
        } else {
            -self.excess()
        }
    }
}

/// How far lists are outside the fan goals: the sum of each measure's excess over its limit, as
/// a share of the limit (0 within them).
pub fn goal_excess(fan: &similar::FanMeasures) -> f64 {
    let over = |x: f64, limit: f64| (x - limit).max(0.0) / limit;
    let repeats = fan.most_repeated.map_or(0, |m| m.1);
    over(fan.wince_rate, MAX_WINCE_RATE)
        + over(fan.popular_share, MAX_POPULAR_SHARE)
        + over(repeats as f64, MAX_REPEATS as f64)
}

/// The [`FAN_LISTS`] films most rated by `counts` (`items`' rating counts), most first.
fn most_rated(items: &[ContentItem], counts: &[u64]) -> Vec<i64> {
    let mut most_rated: Vec<(u64, i64)> =
        items.iter().zip(counts).map(|(m, &n)| (n, m.id)).collect();
    most_rated.sort_by_key(|&(n, id)| (std::cmp::Reverse(n), id));
    most_rated.truncate(FAN_LISTS);
    most_rated.into_iter().map(|(_, id)| id).collect()
}

/// The fan measures of an index's lists over the [`FAN_LISTS`] first of `popular` (the most
/// popular films, most first), the [`POPULAR_FILMS`] first of them being "the most popular".
pub fn fan_measures_of(popular: &[i64], index: &SimilarIndex) -> similar::FanMeasures {
    let anchors = &popular[..popular.len().min(FAN_LISTS)];
    let top: HashSet<i64> = anchors.iter().take(POPULAR_FILMS).copied().collect();
    let list = |id: i64| top_ids(index, id);
    similar::fan_measures(anchors, K, &top, list, |a, b| index.share_genre(a, b))
}

/// Movie `id`'s top [`K`] in `index`, as ids (none for an unknown film).
fn top_ids(index: &SimilarIndex, id: i64) -> Vec<i64> {
    index
        .similar(id, K)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// What similar lists are measured against, on four measures at once: the held-out one (for
/// each user and each movie they rated 4 or more in `train`, that movie's top 10 is scored
/// against the movies they rated 4 or more in `test`: hit rate and NDCG@10), the wince rate and
/// the popularity share over the lists of the [`FAN_LISTS`] films most rated in `train`, and a
/// fan panel's recall. Rating counts come from `train`; movie ids are catalogue ids.
pub struct SimilarJudge {
    train_likes: HashMap<u32, Vec<i64>>,
    test_likes: HashMap<u32, HashSet<i64>>,
    anchors: Vec<i64>,
    popular: HashSet<i64>,
    /// Each catalogue movie's rating count in `train`, in `items`' order.
    counts: Vec<u64>,
}

impl SimilarJudge {
    pub fn new(train: &Ratings, test: &Ratings, items: &[ContentItem]) -> SimilarJudge {
        let likes = |r: &Ratings| {
            let mut likes: HashMap<u32, Vec<i64>> = HashMap::new();
            for ((&u, &m), &rating) in r.user.iter().zip(&r.movie).zip(&r.rating) {
                if rating >= RELEVANT_FROM {
                    likes.entry(u).or_default().push(i64::from(m));
                }
            }
            likes
        };
        let mut by_id: HashMap<i64, u64> = HashMap::new();
        for &m in &train.movie {
            *by_id.entry(i64::from(m)).or_default() += 1;
        }
        let counts: Vec<u64> = items
            .iter()
            .map(|m| by_id.get(&m.id).copied().unwrap_or(0))
            .collect();
        let anchors = most_rated(items, &counts);
        SimilarJudge {
            train_likes: likes(train),
            test_likes: likes(test)
                .into_iter()
                .map(|(u, m)| (u, m.into_iter().collect()))
                .collect(),
            popular: anchors.iter().take(POPULAR_FILMS).copied().collect(),
            anchors,
            counts,
        }
    }

    /// Each catalogue movie's rating count in the training part, in the catalogue's order.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The top-10 lists `list` gives, measured; `None` when no user liked a movie in both
    /// parts.
    pub fn measure(
        &self,
        catalogue: usize,
        list: impl Fn(i64) -> Vec<i64>,
        share_genre: impl Fn(i64, i64) -> Option<bool>,
        panel: &[(i64, Vec<i64>)],
    ) -> Option<SimilarMeasures> {
        let quality =
            similar::list_quality(&self.train_likes, &self.test_likes, K, catalogue, &list)?;
        let fan = similar::fan_measures(&self.anchors, K, &self.popular, &list, share_genre);
        Some(SimilarMeasures {
            quality,
            fan,
            panel_recall: (!panel.is_empty()).then(|| similar::panel_recall(panel, K, &list)),
        })
    }
}

/// Every setting's similar lists on [`SimilarJudge`]'s measures; the ranking model is fitted on
/// `train`, movie ids being catalogue ids as `items`'.
pub fn evaluate_similar(
    train: &Ratings,
    test: &Ratings,
    items: &[ContentItem],
    settings: &EvalSettings,
    grid: &[SimilarParams],
    panel: &[(i64, Vec<i64>)],
) -> Result<Vec<SimilarScores>> {
    let invalid = |e: nextflex_engine::EngineError| Error::Invalid(e.to_string());
    let model = RankingModel::fit(&settings.ranking, &train.user, &train.movie, &train.rating)
        .map_err(invalid)?;
    let judge = SimilarJudge::new(train, test, items);
    let mut scores = grid
        .iter()
        .map(|params| {
            let params = SimilarParams {
                k: MAX_K,
                ..*params
            };
            let index = super::similar_lists(items, judge.counts(), Some(&model), params)?;
            let list = |anchor: i64| top_ids(&index, anchor);
            let m = judge
                .measure(index.len(), list, |a, b| index.share_genre(a, b), panel)
                .ok_or_else(|| Error::Invalid("no user liked a movie in both parts".into()))?;
            Ok((
                m.merit(),
                SimilarScores {
                    kind: params.kind,
                    about: params.about,
                    collaborative: params.collaborative,
                    damping: params.damping,
                    prior: params.prior,
                    hub: params.hub,
                    hit_rate_at_10: m.quality.hit_rate,
                    ndcg_at_10: m.quality.ndcg,
                    coverage: m.quality.coverage,
                    pairs: m.quality.pairs,
                    wince_rate: m.fan.wince_rate,
                    popular_share: m.fan.popular_share,
                    most_repeated: m.fan.most_repeated.map_or(0, |m| m.1),
                    panel_recall: m.panel_recall,
                    within_goals: m.within_goals(),
                    tuned: false,
                    chosen: false,
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(best) = scores
        .iter_mut()
        .filter(|s| s.1.within_goals)
        .max_by(|a, b| a.0.total_cmp(&b.0))
    {
        best.1.chosen = true;
    }
    Ok(scores.into_iter().map(|s| s.1).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(hit_rate: f64, popular_share: f64, repeats: usize) -> SimilarMeasures {
        SimilarMeasures {
            quality: similar::ListQuality {
                hit_rate,
                ndcg: 0.0,
                coverage: 0.2,
                pairs: 100,
            },
            fan: similar::FanMeasures {
                lists: 300,
                wince_rate: 0.0,
                popular_share,
                most_repeated: Some((1, repeats)),
            },
            panel_recall: None,
        }
    }

    #[test]
    fn a_setting_within_the_goals_beats_any_outside_and_the_nearer_outside_wins() {
        let within = measures(0.05, 0.04, 15);
        assert!(within.within_goals());
        assert_eq!(within.merit(), 0.05);
        let with_panel = SimilarMeasures {
            panel_recall: Some(0.5),
            ..within
        };
        assert_eq!(with_panel.merit(), 0.025);
        // Far better on hit rate, but one film in 16 lists: out, below every setting within.
        let repeats = measures(0.9, 0.04, 16);
        assert!(!repeats.within_goals());
        assert!(repeats.merit() < 0.0);
        let popular = measures(0.9, 0.10, 30);
        assert!(popular.merit() < repeats.merit());
    }
}
