//! Tuning: every training chooses its models' hyper-parameters on the ratings it is given.
//!
//! A validation part is carved from the training ratings (per user, seeded: each user with two
//! or more ratings gives a tenth of them, at least one), every candidate is fitted on the rest
//! and scored on it — the ranking model by the NDCG@10 of its lists where a film the user rated
//! 2 or less costs what a film they rated 4 or more gains (plain NDCG cannot tell a list of
//! films the user would hate from one of films they never heard of), the explicit ALS by RMSE —
//! and the winners are what the final models are fitted with, on all the ratings.
//!
//! A candidate whose lists cover less than 5 % of the catalogue (or less than the defaults'
//! lists, where those cover less) is out whatever its score: tuned on accuracy alone, the search
//! drifted to lower popularity discounts and narrower lists.
//!
//! The search is a coordinate search over log-scale grids, starting from the shipped defaults:
//! one parameter at a time moves a grid step up or down while the validation score improves,
//! and the passes repeat until none moves. Each of these models has few parameters and a
//! validation score that is, along each one, close to unimodal on a log scale, and a fit costs
//! seconds: from the defaults the search reaches the grid's best in a handful of fits per
//! parameter, where the full grid needs thousands and a Bayesian search needs a dozen random
//! starts before it models anything. Parameters that only change how a user is folded in
//! (dislikes) are scored without refitting. Past the time budget the search stops and keeps
//! the best point so far; with a budget of 0 the defaults are used, and the report says so.
//!
//! After EASE's own search (its λ, like threshold, popularity discount, dislikes and the time
//! decay of a user's older ratings, whose half-life of 0, no decay, sits past the longest one on
//! its grid), the search weighs iALS's scores into EASE's ([`nextflex_engine::blend`]): from a
//! weight of 0, EASE alone, up, a weight kept only where it beats EASE alone by [`MIN_GAIN`] on
//! the same validation lists. A blend costs a second model in memory and a second fold-in per
//! request, so it has to earn its place.
//!
//! On data with more than [`TuningSettings::max_users`] users the search runs on a seeded sample
//! of them, and EASE's λ (which adds to a Gram matrix that grows with the number of users) is
//! scaled by the full count over the sample's.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use nextflex_data::ratings::Ratings;
use nextflex_engine::als::{AlsModel, AlsParams};
use nextflex_engine::blend::BlendModel;
use nextflex_engine::content::ContentItem;
use nextflex_engine::ease::EaseModel;
use nextflex_engine::ials::IalsModel;
use nextflex_engine::ranking::{RankingModel, RankingParams};
use nextflex_engine::rng::SplitMix64;
use nextflex_engine::similar::{Affinities, Basis, SimilarParams, Undamped};
use nextflex_engine::split;
use serde::{Deserialize, Serialize};

use super::evaluation::{self, Protocol};
use nextflex_store::error::Result;

/// How a training tunes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TuningSettings {
    /// The most time tuning may take; `None`: [`BUDGET_FITS`] times one fit of the defaults.
    pub budget: Option<Duration>,
    /// Seed of the validation split and of the user sample.
    pub seed: u64,
    /// Past this many users, tuning runs on a seeded sample of them.
    pub max_users: usize,
    /// Which of each user's ratings are validated: a seeded random tenth, or (`by_time`) their
    /// latest tenth, as `evaluate --split time` tests.
    pub by_time: bool,
}

impl Default for TuningSettings {
    fn default() -> Self {
        TuningSettings {
            budget: None,
            seed: 42,
            max_users: 20_000,
            by_time: false,
        }
    }
}

impl TuningSettings {
    /// No tuning: the defaults as they are.
    pub fn off() -> TuningSettings {
        TuningSettings {
            budget: Some(Duration::ZERO),
            ..TuningSettings::default()
        }
    }
}

/// The default budget of each model's search, in fits of its defaults: what a search from the
/// defaults needed to settle on the demo's ratings (18 fits for EASE's five parameters, 10 for
/// the explicit ALS's three, with no budget).
pub const BUDGET_FITS: u32 = 20;
/// A move must improve the validation score by at least this share of it: smaller gains are
/// within the noise of one split, and a bigger model (a higher rank, say) costs memory and time
/// in serving for nothing.
pub const MIN_GAIN: f64 = 0.001;
/// The least share of the catalogue the validation lists of a tuned ranking model must show,
/// unless the defaults' show less (then theirs).
pub const MIN_COVERAGE: f64 = 0.05;
/// The share of the validation part in each user's ratings.
pub const VALIDATION_SHARE: f64 = 0.1;

/// One parameter's search space.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Dimension {
    pub name: String,
    /// What the parameter does, in one line.
    pub about: String,
    /// The grid searched, in order.
    pub values: Vec<f64>,
}

/// How one model was tuned.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct ModelTuning {
    /// `ease`, `ials`, `blend` (the weight of iALS added to the chosen EASE), `als` or `similar`
    /// (the similar lists' weights).
    pub model: String,
    /// `net_ndcg_at_10` (higher is better: NDCG@10 less the same gains of films the user rated
    /// 2 or less), `rmse` (lower is better) or `hit_rate_at_10_within_goals` (higher is better:
    /// the share of liked films whose top 10 holds a film the user went on to like, for lists
    /// within the fan goals; below 0, lists outside them by that much), on the validation part.
    pub metric: String,
    /// The defaults' validation score (`None`: not scored, e.g. a budget of 0).
    pub default_score: Option<f64>,
    /// The chosen values' validation score.
    pub best_score: Option<f64>,
    /// The values the model was fitted with.
    pub chosen: BTreeMap<String, f64>,
    /// Whether `chosen` are the defaults (nothing scored better, or no tuning).
    pub defaults: bool,
    /// Candidates fitted and scored.
    pub trials: usize,
    /// Seconds this model's search took, the work its candidates share included.
    #[serde(default)]
    pub seconds: f64,
    /// The similar lists only: settings passed over because the lists they made from all the
    /// ratings fell outside the fan goals (the search's ranked settings, best on validation
    /// first, then its choice with the hubs damped harder; `best_score` is `None` for those).
    #[serde(default)]
    pub passed_over: usize,
    pub space: Vec<Dimension>,
}

/// What tuning did, as a model version records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TuningReport {
    /// How the values were searched.
    pub method: String,
    pub budget_seconds: f64,
    pub seconds: f64,
    /// The search stopped at its budget (the best point so far was kept).
    pub out_of_budget: bool,
    /// Users the search ran on, when it ran on a sample of them.
    pub sampled_users: Option<usize>,
    pub validation_pairs: usize,
    pub models: Vec<ModelTuning>,
}

/// Tuned parameters and the record of how they were chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    pub als: AlsParams,
    pub ranking: RankingParams,
    pub similar: SimilarParams,
    /// The similar lists' settings worth shipping, with their validation scores, best first:
    /// the search's choice, then the others it scored within the fan goals (at most
    /// [`SIMILAR_RANKED`]). The goals hold on the validation lists; a training ships the first
    /// whose lists, made from all the ratings, hold them too.
    pub similar_ranked: Vec<(SimilarParams, f64)>,
    pub report: TuningReport,
}

/// How many of the similar lists' settings [`Tuned::similar_ranked`] keeps.
pub const SIMILAR_RANKED: usize = 4;

impl TuningReport {
    /// Records that the similar lists were made with `params` (validation score `score`), the
    /// `passed_over` settings ranked before it having been passed over; the search started
    /// from `start`.
    pub fn similar_shipped(
        &mut self,
        start: &SimilarParams,
        params: &SimilarParams,
        score: Option<f64>,
        passed_over: usize,
    ) {
        let Some(m) = self.models.iter_mut().find(|m| m.model == "similar") else {
            return;
        };
        let values = similar_values(params);
        for (d, v) in m.space.iter().zip(values) {
            m.chosen.insert(d.name.clone(), v);
        }
        m.best_score = score;
        m.passed_over = passed_over;
        m.defaults = similar_values(start) == similar_values(params);
    }
}

/// What a search of the similar lists' weights needs besides the ratings: the catalogue (ids
/// as the ratings' movie ids) and where the search starts.
#[derive(Debug, Clone, Copy)]
pub struct SimilarTask<'a> {
    pub items: &'a [ContentItem],
    pub params: SimilarParams,
}

/// The share of an explicit budget each search gets, when it runs: the ranking model's lists
/// are what everyone sees.
const RANKING_SHARE: f64 = 0.6;
const ALS_SHARE: f64 = 0.25;
const SIMILAR_SHARE: f64 = 0.15;

/// What the search method is called in reports.
const METHOD: &str = "coordinate search on log-scale grids from the defaults";

/// Chooses the ranking model's, (with `tune_als`) the explicit ALS's and (with `similar`) the
/// similar lists' parameters on a validation part of `ratings`, each search starting from the
/// values given.
pub fn tune(
    ratings: &Ratings,
    als: AlsParams,
    ranking: RankingParams,
    tune_als: bool,
    similar: Option<SimilarTask<'_>>,
    settings: &TuningSettings,
) -> Result<Tuned> {
    let started = Instant::now();
    let (sample, sampled_users, scale) = sample_users(ratings, settings);
    let (train, validation) = validation_parts(&sample, settings);
    let mut report = TuningReport {
        method: METHOD.into(),
        budget_seconds: 0.0,
        seconds: 0.0,
        out_of_budget: false,
        sampled_users,
        validation_pairs: validation.len(),
        models: Vec::new(),
    };
    let similar_start = similar.map_or_else(SimilarParams::default, |t| t.params);
    let untuned = |report: TuningReport| Tuned {
        als,
        ranking,
        similar: similar_start,
        similar_ranked: Vec::new(),
        report,
    };
    if settings.budget == Some(Duration::ZERO) || validation.is_empty() || train.is_empty() {
        return Ok(untuned(report));
    }
    let protocol = Protocol::new(&train, &validation, 2_000);
    // An explicit budget is shared ([`RANKING_SHARE`] and the rest), each search having what
    // the ones before it left of theirs; without one each search has its own, in fits of its
    // own defaults.
    let shares = [
        RANKING_SHARE,
        if tune_als { ALS_SHARE } else { 0.0 },
        if similar.is_some() {
            SIMILAR_SHARE
        } else {
            0.0
        },
    ];
    let total: f64 = shares.iter().sum();
    let until = |searches: usize| -> Option<Duration> {
        let share = shares[..searches].iter().sum::<f64>() / total;
        settings
            .budget
            .map(|b| b.mul_f64(share).saturating_sub(started.elapsed()))
    };
    let mut clock = Clock::new(until(1));

    // The ranking model: whichever of EASE and iALS these ratings pick.
    let ease = ranking.picks_ease(&train.movie, &train.rating);
    let ranking_space = if ease {
        ease_space(&ranking)
    } else {
        ials_space(&ranking)
    };
    let mut fitted: Option<(Vec<u64>, RankingModel)> = None;
    // Set by the first candidate scored, the defaults.
    let mut coverage_floor: Option<f64> = None;
    let mut score_ranking = |values: &[f64]| -> Option<f64> {
        let params = apply_ranking(&ranking, ease, values);
        // The model is refitted only when a parameter of the fit changed.
        let key: Vec<u64> = values
            .iter()
            .zip(&ranking_space)
            .filter(|(_, d)| d.refit)
            .map(|(v, _)| v.to_bits())
            .collect();
        if fitted.as_ref().is_none_or(|f| f.0 != key) {
            let model =
                RankingModel::fit(&params, &train.user, &train.movie, &train.rating).ok()?;
            fitted = Some((key, model));
        }
        let model = fitted.as_mut().map(|f| &mut f.1)?;
        if let Some(m) = model.ease_mut() {
            m.set_fold_in(
                params.ease.dislike_below,
                params.ease.negative_weight,
                params.ease.half_life_days,
            )
            .ok()?;
        }
        let lists = protocol.ranking(model);
        // Accuracy is not all: lists that all show the same few films serve nobody well. A
        // candidate whose lists cover less of the catalogue than MIN_COVERAGE (or than the
        // defaults', when theirs is lower) is out, whatever its score.
        let floor = *coverage_floor.get_or_insert(lists.coverage.min(MIN_COVERAGE));
        (lists.coverage >= floor).then_some(lists.net_ndcg)
    };
    let searched = search(&ranking_space, &mut clock, true, &mut score_ranking);
    // As chosen on the ratings tuned on (a sample of users, on big data).
    let mut tuned_ranking = apply_ranking(&ranking, ease, &searched.values);
    report.models.push(searched.report(
        if ease { "ease" } else { "ials" },
        "net_ndcg_at_10",
        &ranking_space,
        started.elapsed(),
    ));
    if ease {
        let began = Instant::now();
        let floor = coverage_floor.unwrap_or(MIN_COVERAGE);
        let searched = tune_blend(&train, &protocol, &tuned_ranking, floor, &mut clock);
        if let Some(searched) = searched {
            tuned_ranking.ials_blend = searched.values[0];
            report.models.push(searched.report(
                "blend",
                "net_ndcg_at_10",
                &blend_space(),
                began.elapsed(),
            ));
        }
    }
    let mut chosen_ranking = tuned_ranking;
    if ease && let Some(factor) = scale {
        chosen_ranking.ease.lambda *= factor;
    }

    let mut chosen_als = als;
    let mut spent = clock.spent();
    let mut out = clock.out;
    if tune_als {
        let mut clock = Clock::new(until(2));
        let space = als_space(&als);
        let mut score_als = |values: &[f64]| -> Option<f64> {
            let params = apply_als(&als, values).validate().ok()?;
            let (users, movies, ratings) = (&train.user, &train.movie, &train.rating);
            let model = AlsModel::fit_at(&params, users, movies, ratings, &train.timestamp).ok()?;
            let (rmse, _, _) = protocol.rating_error(&model);
            rmse.is_finite().then_some(rmse)
        };
        let searched = search(&space, &mut clock, false, &mut score_als);
        chosen_als = apply_als(&als, &searched.values);
        let seconds = clock.started.elapsed();
        report
            .models
            .push(searched.report("als", "rmse", &space, seconds));
        spent += clock.spent();
        out |= clock.out;
    }

    let mut chosen_similar = similar_start;
    let mut similar_ranked = Vec::new();
    if let Some(task) = similar {
        let mut clock = Clock::new(until(3));
        if let Some(searched) = tune_similar(&train, &validation, task, &tuned_ranking, &mut clock)
        {
            chosen_similar = apply_similar(&task.params, &searched.values);
            similar_ranked.push((chosen_similar, searched.best_score.unwrap_or(f64::NAN)));
            let mut others: Vec<&(Vec<f64>, f64)> = searched
                .scored
                .iter()
                .filter(|(values, score)| *score >= 0.0 && *values != searched.values)
                .collect();
            others.sort_by(|a, b| b.1.total_cmp(&a.1));
            similar_ranked.extend(
                others
                    .into_iter()
                    .take(SIMILAR_RANKED - 1)
                    .map(|(values, score)| (apply_similar(&task.params, values), *score)),
            );
            report.models.push(searched.report(
                "similar",
                "hit_rate_at_10_within_goals",
                &similar_space(&task.params),
                clock.started.elapsed(),
            ));
        }
        spent += clock.spent();
        out |= clock.out;
    }
    report.budget_seconds = settings.budget.unwrap_or(spent).as_secs_f64();
    report.seconds = started.elapsed().as_secs_f64();
    report.out_of_budget = out;
    Ok(Tuned {
        als: chosen_als,
        ranking: chosen_ranking,
        similar: chosen_similar,
        similar_ranked,
        report,
    })
}

/// The similar lists' weights: the ranking model chosen is fitted once on the training part
/// for its who-likes-both signal, the catalogue's content vectors are made once, and each
/// candidate's lists are scored on [`evaluation::SimilarJudge`]'s measures — within the goals
/// (few neighbours of another kind, of the most popular films, or in many lists), the held-out
/// hit rate of each liked film's top 10 against what the user went on to like; outside them,
/// below any setting within, by how far out they are. `None` when there is nothing to score
/// (no film liked in both parts, no model).
fn tune_similar(
    train: &Ratings,
    validation: &Ratings,
    task: SimilarTask<'_>,
    ranking: &RankingParams,
    clock: &mut Clock,
) -> Option<Searched> {
    let space = similar_space(&task.params);
    if clock.is_zero() {
        return Some(search(&space, clock, true, &mut |_| None));
    }
    // What every candidate shares, made once; its time counts against the budget.
    let judge = evaluation::SimilarJudge::new(train, validation, task.items);
    let counts = judge.counts();
    let model = RankingModel::fit(ranking, &train.user, &train.movie, &train.rating).ok()?;
    let start = super::build::catalogue_similar_params(counts, task.params);
    let basis = Basis::new(task.items, counts, start.director_weight).ok()?;
    super::build::with_affinity(Some(&model), |collaborative| {
        // Who likes both is read again only when the damping moves, and the lists are made
        // again only when more than the hubs' damping does.
        let mut affinities: Option<Affinities> = None;
        let mut undamped: Option<(SimilarParams, Undamped)> = None;
        let mut score = |values: &[f64]| -> Option<f64> {
            let params = apply_similar(&start, values);
            if let Some(c) = collaborative
                && affinities
                    .as_ref()
                    .is_none_or(|a| a.damping() != params.damping)
            {
                affinities = Some(basis.affinities(c, params.damping));
            }
            let key = SimilarParams { hub: 0.0, ..params };
            if undamped.as_ref().is_none_or(|u| u.0 != key) {
                undamped = Some((key, basis.undamped(affinities.as_ref(), params).ok()?));
            }
            let lists = basis
                .lists(&undamped.as_ref()?.1, params.hub, evaluation::K)
                .ok()?;
            let measured = judge.measure(
                task.items.len(),
                |id| lists.of(id),
                |a, b| basis.share_genre(a, b),
                &[],
            )?;
            Some(measured.merit())
        };
        Some(search(&space, clock, true, &mut score))
    })
}

/// The ratings candidates are fitted on and the validation part they are scored on, both
/// carved from `ratings` (which is all a training, or `evaluate`'s training part, gives tuning):
/// per user, a seeded tenth of their ratings, or (`by_time`) their latest tenth.
fn validation_parts(ratings: &Ratings, settings: &TuningSettings) -> (Ratings, Ratings) {
    let parts = if settings.by_time {
        split::per_user_by_time(&ratings.user, &ratings.timestamp, 1.0 - VALIDATION_SHARE)
    } else {
        split::per_user_random(&ratings.user, VALIDATION_SHARE, settings.seed)
    };
    (
        evaluation::pick(ratings, &parts.train),
        evaluation::pick(ratings, &parts.test),
    )
}

/// The blend of the chosen EASE with iALS (its defaults, reading ratings as EASE does, see
/// [`RankingParams::blend_ials`]): the weight of iALS's scores that scores best on validation,
/// from 0 (EASE alone) up; `None` when the clock ran out before both models were fitted. A
/// weight above 0 is chosen only where it beats EASE alone by [`MIN_GAIN`], as any move of the
/// search.
fn tune_blend(
    train: &Ratings,
    protocol: &Protocol,
    params: &RankingParams,
    coverage_floor: f64,
    clock: &mut Clock,
) -> Option<Searched> {
    let started = Instant::now();
    if !clock.may_continue(Duration::ZERO) {
        return None;
    }
    let ease = EaseModel::fit(&params.ease, &train.user, &train.movie, &train.rating).ok()?;
    let ials = params.blend_ials().validate().ok()?;
    let ials = IalsModel::fit(&ials, &train.user, &train.movie, &train.rating).ok()?;
    let mut model = RankingModel::Blend(Box::new(BlendModel::new(ease, ials, 0.0).ok()?));
    let fits = started.elapsed();
    if !clock.may_continue(fits) {
        return None;
    }
    let space = blend_space();
    let mut score = |values: &[f64]| -> Option<f64> {
        if let RankingModel::Blend(m) = &mut model {
            m.set_ials_weight(values[0]).ok()?;
        }
        let lists = protocol.ranking(&model);
        (lists.coverage >= coverage_floor).then_some(lists.net_ndcg)
    };
    Some(search(&space, clock, true, &mut score))
}

/// The blend's search space.
fn blend_space() -> Vec<Axis> {
    vec![Axis::new(
        "ials_weight",
        "how much iALS's score of a film adds to EASE's (0: EASE alone)",
        vec![0.0, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0],
        RankingParams::default().ials_blend,
        false,
    )]
}

/// The ratings tuning runs on: all of them, or those of a seeded sample of users (with the
/// sample's size and the factor the user count shrank by).
fn sample_users<'a>(
    ratings: &'a Ratings,
    settings: &TuningSettings,
) -> (std::borrow::Cow<'a, Ratings>, Option<usize>, Option<f64>) {
    let mut users: Vec<u32> = ratings.user.clone();
    users.sort_unstable();
    users.dedup();
    if users.len() <= settings.max_users {
        return (std::borrow::Cow::Borrowed(ratings), None, None);
    }
    let mut rng = SplitMix64(settings.seed ^ 0x05A3_91E5);
    for i in (1..users.len()).rev() {
        users.swap(i, rng.below(i + 1));
    }
    let total = users.len();
    users.truncate(settings.max_users);
    let kept: std::collections::HashSet<u32> = users.into_iter().collect();
    let rows: Vec<usize> = (0..ratings.len())
        .filter(|&i| kept.contains(&ratings.user[i]))
        .collect();
    let sample = evaluation::pick(ratings, &rows);
    let factor = total as f64 / settings.max_users as f64;
    (
        std::borrow::Cow::Owned(sample),
        Some(settings.max_users),
        Some(factor),
    )
}

/// A search's time budget, fixed once the first fit of the defaults has been timed.
struct Clock {
    started: Instant,
    budget: Option<Duration>,
    out: bool,
}

/// What lets a search go on.
trait Budget {
    /// No search at all: the defaults as they are.
    fn is_zero(&self) -> bool;
    /// Whether another fit may start, the first having taken `first_fit`.
    fn may_continue(&mut self, first_fit: Duration) -> bool;
}

impl Budget for Clock {
    fn is_zero(&self) -> bool {
        self.budget == Some(Duration::ZERO)
    }

    fn may_continue(&mut self, first_fit: Duration) -> bool {
        let budget = *self.budget.get_or_insert(first_fit * BUDGET_FITS);
        if self.started.elapsed() >= budget {
            self.out = true;
        }
        !self.out
    }
}

impl Clock {
    fn new(budget: Option<Duration>) -> Clock {
        Clock {
            started: Instant::now(),
            budget,
            out: false,
        }
    }

    /// The budget this search had (once set).
    fn spent(&self) -> Duration {
        self.budget.unwrap_or_default()
    }
}

/// A parameter of a search: its grid, where the defaults sit on it, and whether changing it
/// needs a new fit.
struct Axis {
    name: &'static str,
    about: &'static str,
    values: Vec<f64>,
    start: usize,
    refit: bool,
}

impl Axis {
    fn new(
        name: &'static str,
        about: &'static str,
        mut values: Vec<f64>,
        default: f64,
        refit: bool,
    ) -> Axis {
        // The default is always a point of the grid. A grid ending in 0 holds 0 as "none",
        // past its longest value (the half-life's), and keeps it there.
        if !values.iter().any(|v| (v - default).abs() < 1e-12) {
            let zero_last = values.len() > 1 && values.last() == Some(&0.0);
            let key = |v: f64| {
                if zero_last && v == 0.0 {
                    f64::INFINITY
                } else {
                    v
                }
            };
            values.push(default);
            values.sort_by(|a, b| key(*a).total_cmp(&key(*b)));
        }
        let start = values
            .iter()
            .position(|v| (v - default).abs() < 1e-12)
            .unwrap_or(0);
        Axis {
            name,
            about,
            values,
            start,
            refit,
        }
    }
}

/// A finished search.
struct Searched {
    values: Vec<f64>,
    default_score: Option<f64>,
    best_score: Option<f64>,
    moved: bool,
    trials: usize,
    /// Every point scored, with its score, in the order scored.
    scored: Vec<(Vec<f64>, f64)>,
}

impl Searched {
    fn report(&self, model: &str, metric: &str, space: &[Axis], took: Duration) -> ModelTuning {
        ModelTuning {
            seconds: took.as_secs_f64(),
            passed_over: 0,
            model: model.into(),
            metric: metric.into(),
            default_score: self.default_score,
            best_score: self.best_score,
            chosen: space
                .iter()
                .zip(&self.values)
                .map(|(a, v)| (a.name.to_string(), *v))
                .collect(),
            defaults: !self.moved,
            trials: self.trials,
            space: space
                .iter()
                .map(|a| Dimension {
                    name: a.name.into(),
                    about: a.about.into(),
                    values: a.values.clone(),
                })
                .collect(),
        }
    }
}

/// Coordinate search from the axes' starting points: each axis in turn moves a step at a time
/// in the direction that improves `score` (higher is better with `maximise`), until a pass over
/// every axis moves none, or the clock runs out. A candidate `score` cannot fit scores `None`.
fn search(
    axes: &[Axis],
    clock: &mut impl Budget,
    maximise: bool,
    score: &mut dyn FnMut(&[f64]) -> Option<f64>,
) -> Searched {
    let values_at =
        |at: &[usize]| -> Vec<f64> { at.iter().zip(axes).map(|(&i, a)| a.values[i]).collect() };
    let mut at: Vec<usize> = axes.iter().map(|a| a.start).collect();
    let mut out = Searched {
        values: values_at(&at),
        default_score: None,
        best_score: None,
        moved: false,
        trials: 0,
        scored: Vec::new(),
    };
    if clock.is_zero() {
        return out;
    }
    let better = |a: f64, b: f64| {
        let gain = if maximise { a - b } else { b - a };
        gain > MIN_GAIN * b.abs()
    };
    let first = Instant::now();
    let Some(mut best) = score(&out.values) else {
        return out;
    };
    let first_fit = first.elapsed();
    out.trials = 1;
    out.default_score = Some(best);
    out.scored.push((out.values.clone(), best));
    let mut tried: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    tried.insert(at.clone());
    'passes: loop {
        let mut moved = false;
        for axis in 0..axes.len() {
            for step in [1isize, -1] {
                let mut went = false;
                loop {
                    let next = at[axis].checked_add_signed(step);
                    let Some(next) = next.filter(|&n| n < axes[axis].values.len()) else {
                        break;
                    };
                    let mut candidate = at.clone();
                    candidate[axis] = next;
                    if !tried.insert(candidate.clone()) {
                        break;
                    }
                    if !clock.may_continue(first_fit) {
                        break 'passes;
                    }
                    out.trials += 1;
                    let scored = score(&values_at(&candidate));
                    if let Some(s) = scored {
                        out.scored.push((values_at(&candidate), s));
                    }
                    match scored {
                        Some(s) if better(s, best) => {
                            (best, at, went) = (s, candidate, true);
                        }
                        _ => break,
                    }
                }
                if went {
                    moved = true;
                    break; // no need to try the other direction
                }
            }
        }
        if !moved {
            break;
        }
    }
    // Judged by where the search ended, not by whether a pass finished: the clock may stop a
    // pass after a move.
    out.moved = at.iter().zip(axes).any(|(&i, a)| i != a.start);
    out.values = values_at(&at);
    out.best_score = Some(best);
    out
}

/// An `f32` parameter as the grid writes it (0.1, not 0.10000000149011612).
fn decimal(x: f32) -> f64 {
    (f64::from(x) * 1e6).round() / 1e6
}

/// EASE's search space.
fn ease_space(p: &RankingParams) -> Vec<Axis> {
    let e = &p.ease;
    vec![
        Axis::new(
            "lambda",
            "λ on the Gram matrix's diagonal: higher smooths item-to-item weights towards 0",
            vec![
                5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
            ],
            e.lambda,
            true,
        ),
        Axis::new(
            "positive_from",
            "ratings from this value up are likes, the rows the model learns from",
            vec![2.5, 3.0, 3.5, 4.0, 4.5],
            decimal(e.feedback.positive_from),
            true,
        ),
        Axis::new(
            "popularity_discount",
            "β: each score is divided by the film's like count to this power",
            vec![0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
            e.popularity_discount,
            true,
        ),
        Axis::new(
            "negative_weight",
            "how much a dislike or a \"not interested\" counts against the films liked with it",
            vec![0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0],
            decimal(e.negative_weight),
            false,
        ),
        Axis::new(
            "dislike_below",
            "a rating below this is a dislike",
            vec![1.0, 1.5, 2.0, 2.5, 3.0],
            decimal(e.dislike_below),
            false,
        ),
        // 0 is no decay, an infinite half-life: it sits at the long end of the grid, so that
        // the search walks from it towards shorter half-lives one step at a time.
        Axis::new(
            "half_life_days",
            "a rating this many days older than the user's latest counts half (0: no decay)",
            vec![1.0, 7.0, 30.0, 90.0, 365.0, 1825.0, 0.0],
            e.half_life_days,
            false,
        ),
    ]
}

/// iALS's search space.
fn ials_space(p: &RankingParams) -> Vec<Axis> {
    let i = &p.ials;
    vec![
        Axis::new(
            "factors",
            "length of the factor vectors",
            vec![16.0, 32.0, 64.0, 128.0, 256.0],
            i.factors as f64,
            true,
        ),
        Axis::new(
            "regularization",
            "λ of the penalty λ (n + α₀ N)^ν on every vector",
            vec![0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
            i.regularization,
            true,
        ),
        Axis::new(
            "unobserved_weight",
            "α₀: how hard every unrated film is pulled towards 0",
            vec![0.03, 0.1, 0.3, 1.0, 3.0],
            i.unobserved_weight,
            true,
        ),
        Axis::new(
            "frequency_exponent",
            "ν: 0 penalises every vector alike, 1 in proportion to its evidence",
            vec![0.0, 0.25, 0.5, 0.75, 1.0],
            i.frequency_exponent,
            true,
        ),
        Axis::new(
            "positive_from",
            "ratings from this value up are positives; lower ones are negatives of the weight below",
            vec![0.5, 2.5, 3.0, 3.5, 4.0],
            decimal(i.feedback.positive_from),
            true,
        ),
        Axis::new(
            "negative_weight",
            "the weight of a rating below the threshold (and of a \"not interested\") as a 0",
            vec![0.0, 0.1, 0.3, 1.0],
            i.feedback.negative_weight,
            true,
        ),
    ]
}

/// The explicit ALS's search space. The axes that leave a fit's cost as it is come first, and
/// the rank last: a move up the rank makes every later fit dearer, and a search out of budget
/// stops at the end of its order.
fn als_space(p: &AlsParams) -> Vec<Axis> {
    vec![
        // 0 is no day biases, an infinite penalty: at the strong end of the grid, as the
        // half-life's 0 below.
        Axis::new(
            "day_lambda",
            "penalty on a user's bias for one day, what a day's ratings share (0: no day biases)",
            vec![1.0, 3.0, 10.0, 30.0, 100.0, 0.0],
            p.day_lambda,
            true,
        ),
        Axis::new(
            "lambda",
            "penalty on the factors, per rating",
            vec![0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0],
            p.lambda,
            true,
        ),
        Axis::new(
            "bias_lambda",
            "penalty on each user's and film's bias",
            vec![0.5, 1.0, 2.0, 5.0, 10.0, 20.0],
            p.bias_lambda,
            true,
        ),
        Axis::new(
            "half_life_days",
            "a rating this many days older than its user's latest counts half (0: no decay)",
            vec![30.0, 90.0, 365.0, 1825.0, 0.0],
            p.half_life_days,
            true,
        ),
        Axis::new(
            "rank",
            "length of the factor vectors",
            vec![5.0, 10.0, 20.0, 40.0, 80.0],
            p.rank as f64,
            true,
        ),
    ]
}

/// The similar lists' search space. The genres' weight is not searched: a list's order stays
/// as it is when every weight is multiplied by one number (but for the era's, a tie-breaker),
/// so it is the unit the others are measured in.
fn similar_space(p: &SimilarParams) -> Vec<Axis> {
    vec![
        Axis::new(
            "collaborative",
            "weight of who likes both films (the ranking model's item-to-item affinity)",
            vec![0.1, 0.15, 0.25, 0.35, 0.5, 0.7],
            decimal(p.collaborative),
            false,
        ),
        Axis::new(
            "prior",
            "a neighbour's score is shrunk by n / (n + prior) on its n ratings",
            vec![3.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0],
            decimal(p.prior),
            false,
        ),
        Axis::new(
            "damping",
            "who likes both is divided by the neighbour's rating count to this power",
            vec![0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
            decimal(p.damping),
            false,
        ),
        Axis::new(
            "hub",
            "a film close to everything counts less in other films' lists (0: off)",
            vec![0.0, 0.25, 0.5, 1.0, 2.0],
            decimal(p.hub),
            false,
        ),
        Axis::new(
            "about",
            "weight of the keywords, director and stars the films share",
            vec![0.15, 0.3, 0.45, 0.6, 0.9],
            decimal(p.about),
            false,
        ),
    ]
}

/// The values of the hub damping's axis above `p`'s, weakest first: what a training tries when
/// no ranked setting's lists keep within the fan goals.
pub fn stronger_hub_damping(p: &SimilarParams) -> Vec<f32> {
    similar_space(p)
        .iter()
        .find(|a| a.name == "hub")
        .map_or_else(Vec::new, |a| {
            a.values[a.start + 1..].iter().map(|&v| v as f32).collect()
        })
}

/// The values of [`similar_space`]'s axes in `p`.
fn similar_values(p: &SimilarParams) -> [f64; 5] {
    [p.collaborative, p.prior, p.damping, p.hub, p.about].map(decimal)
}

fn apply_similar(p: &SimilarParams, values: &[f64]) -> SimilarParams {
    SimilarParams {
        collaborative: values[0] as f32,
        prior: values[1] as f32,
        damping: values[2] as f32,
        hub: values[3] as f32,
        about: values[4] as f32,
        ..*p
    }
}

fn apply_ranking(p: &RankingParams, ease: bool, values: &[f64]) -> RankingParams {
    let mut p = *p;
    if ease {
        p.ease.lambda = values[0];
        p.ease.feedback.positive_from = values[1] as f32;
        p.ease.popularity_discount = values[2];
        p.ease.negative_weight = values[3] as f32;
        // A dislike is below the like threshold.
        p.ease.dislike_below = (values[4] as f32).min(p.ease.feedback.positive_from);
        p.ease.half_life_days = values[5];
    } else {
        p.ials.factors = values[0] as usize;
        p.ials.regularization = values[1];
        p.ials.unobserved_weight = values[2];
        p.ials.frequency_exponent = values[3];
        p.ials.feedback.positive_from = values[4] as f32;
        p.ials.feedback.negative_weight = values[5];
    }
    p
}

fn apply_als(p: &AlsParams, values: &[f64]) -> AlsParams {
    AlsParams {
        day_lambda: values[0],
        lambda: values[1],
        bias_lambda: values[2],
        half_life_days: values[3],
        rank: values[4] as usize,
        ..*p
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn axes() -> Vec<Axis> {
        vec![
            Axis::new("x", "", vec![1.0, 2.0, 4.0, 8.0, 16.0], 2.0, true),
            Axis::new("y", "", vec![0.0, 1.0, 2.0, 3.0], 3.0, false),
        ]
    }

    fn clock(budget: Option<Duration>) -> Clock {
        Clock::new(budget)
    }

    #[test]
    fn the_search_climbs_to_the_best_point_of_a_unimodal_score() {
        // Best at x = 8, y = 1.
        let mut f = |v: &[f64]| Some(-((v[0].log2() - 3.0).powi(2)) - (v[1] - 1.0).powi(2));
        let found = search(
            &axes(),
            &mut clock(Some(Duration::from_secs(3600))),
            true,
            &mut f,
        );
        assert_eq!(found.values, vec![8.0, 1.0]);
        assert!(found.moved);
        assert_eq!(found.best_score, Some(0.0));
        assert_eq!(found.default_score, Some(-4.0 - 4.0));
        // Minimising finds the same point of the negated score.
        let mut g = |v: &[f64]| f(v).map(|s| -s);
        let found = search(
            &axes(),
            &mut clock(Some(Duration::from_secs(3600))),
            false,
            &mut g,
        );
        assert_eq!(found.values, vec![8.0, 1.0]);
    }

    #[test]
    fn a_zero_budget_keeps_the_defaults_and_says_so() {
        let mut calls = 0;
        let mut f = |_: &[f64]| {
            calls += 1;
            Some(1.0)
        };
        let mut c = clock(Some(Duration::ZERO));
        let found = search(&axes(), &mut c, true, &mut f);
        assert_eq!(found.values, vec![2.0, 3.0]);
        assert_eq!((found.trials, found.default_score), (0, None));
        assert_eq!(calls, 0);
    }

    /// Two groups of users, each liking its own half of 40 films and rating a few of the other
    /// half low.
    fn two_tastes() -> Ratings {
        let mut r = Ratings::default();
        let push = |r: &mut Ratings, u: u32, m: u32, v: f32| {
            r.user.push(u);
            r.movie.push(m);
            r.rating.push(v);
            r.timestamp.push(0);
        };
        let mut rng = SplitMix64(5);
        for u in 0..120u32 {
            let (mine, other) = if u % 2 == 0 {
                (0..20, 20..40)
            } else {
                (20..40, 0..20)
            };
            for m in mine {
                if rng.uniform() < 0.5 {
                    push(&mut r, u, m, if rng.uniform() < 0.8 { 4.5 } else { 3.0 });
                }
            }
            for m in other {
                if rng.uniform() < 0.1 {
                    push(&mut r, u, m, 1.5);
                }
            }
        }
        r
    }

    #[test]
    fn tuning_is_deterministic_and_records_what_it_chose() {
        let ratings = two_tastes();
        let (als, ranking) = (AlsParams::default(), RankingParams::default());
        let settings = TuningSettings {
            budget: Some(Duration::from_secs(600)),
            ..TuningSettings::default()
        };
        let a = tune(&ratings, als, ranking, true, None, &settings).unwrap();
        let b = tune(&ratings, als, ranking, true, None, &settings).unwrap();
        assert_eq!((a.als, a.ranking), (b.als, b.ranking));
        let models: Vec<&str> = a.report.models.iter().map(|m| m.model.as_str()).collect();
        assert_eq!(models, ["ease", "blend", "als"]);
        // The blend's weight is what the ranking model is fitted with (0: EASE alone).
        assert_eq!(
            a.report.models[1].chosen["ials_weight"],
            a.ranking.ials_blend
        );
        let ease = &a.report.models[0];
        assert_eq!(ease.chosen["lambda"], a.ranking.ease.lambda);
        assert_eq!(
            ease.chosen["popularity_discount"],
            a.ranking.ease.popularity_discount
        );
        assert_eq!(a.report.models[2].chosen["rank"], a.als.rank as f64);
        // The winner is at least as good as the defaults on validation.
        assert!(ease.best_score >= ease.default_score, "{ease:?}");
        // A tenth of each user's ratings is the validation part.
        let share = a.report.validation_pairs as f64 / ratings.len() as f64;
        assert!((0.08..0.16).contains(&share), "{share}");
        assert!(!a.report.out_of_budget);
    }

    /// [`two_tastes`]' 40 films: the first half animation, the second horror, each with a
    /// keyword of its half and a few shared by neighbours.
    fn two_kinds() -> Vec<ContentItem> {
        (0..40i64)
            .map(|id| ContentItem {
                id,
                title: format!("Film {id}"),
                year: Some(1990 + id % 20),
                genres: vec![if id < 20 { "Animation" } else { "Horror" }.into()],
                keywords: vec![format!("k{}", id / 4), format!("half{}", id / 20)],
                ..ContentItem::default()
            })
            .collect()
    }

    #[test]
    fn the_similar_lists_weights_are_searched_and_recorded() {
        let ratings = two_tastes();
        let items = two_kinds();
        let (als, ranking) = (AlsParams::default(), RankingParams::default());
        let task = SimilarTask {
            items: &items,
            params: SimilarParams {
                collaborative: 0.7,
                ..SimilarParams::default()
            },
        };
        let settings = TuningSettings {
            budget: Some(Duration::from_secs(600)),
            ..TuningSettings::default()
        };
        let a = tune(&ratings, als, ranking, false, Some(task), &settings).unwrap();
        let b = tune(&ratings, als, ranking, false, Some(task), &settings).unwrap();
        assert_eq!(a.similar, b.similar);
        let similar = a
            .report
            .models
            .iter()
            .find(|m| m.model == "similar")
            .unwrap();
        assert_eq!(similar.metric, "hit_rate_at_10_within_goals");
        // What the report says is what the lists are made with.
        for (name, value) in [
            ("collaborative", a.similar.collaborative),
            ("prior", a.similar.prior),
            ("damping", a.similar.damping),
            ("hub", a.similar.hub),
            ("about", a.similar.about),
        ] {
            assert_eq!(similar.chosen[name], decimal(value), "{name}: {similar:?}");
        }
        assert_eq!(similar.space.len(), similar.chosen.len());
        // The start is a point of each grid, and the winner no worse than it on validation.
        assert_eq!(
            similar.space[0]
                .values
                .iter()
                .filter(|&&v| v == 0.7)
                .count(),
            1
        );
        assert!(similar.default_score.is_some(), "{similar:?}");
        assert!(similar.best_score >= similar.default_score, "{similar:?}");
        // Not searched: the unit and the rest.
        assert_eq!(
            (a.similar.kind, a.similar.k, a.similar.min_ratings),
            (task.params.kind, task.params.k, task.params.min_ratings)
        );

        // Past the search, a training may damp hubs harder: the grid's values above the choice.
        let at = |hub| SimilarParams {
            hub,
            ..SimilarParams::default()
        };
        assert_eq!(stronger_hub_damping(&at(0.25)), [0.5, 1.0, 2.0]);
        assert_eq!(stronger_hub_damping(&at(0.7)), [1.0, 2.0]);
        assert!(stronger_hub_damping(&at(2.0)).is_empty());
        // A setting passed over is recorded as such, with what shipped.
        let mut report = a.report.clone();
        let shipped = SimilarParams {
            hub: 2.0,
            ..a.similar
        };
        report.similar_shipped(&task.params, &shipped, None, 2);
        let m = report.models.iter().find(|m| m.model == "similar").unwrap();
        assert_eq!(
            (m.chosen["hub"], m.passed_over, m.best_score),
            (2.0, 2, None)
        );

        // Without a budget the start is what the lists are made with, and nothing is recorded.
        let off = tune(
            &ratings,
            als,
            ranking,
            false,
            Some(task),
            &TuningSettings::off(),
        )
        .unwrap();
        assert_eq!(off.similar, task.params);
        assert!(off.report.models.is_empty());
    }

    #[test]
    fn the_validation_part_never_holds_a_rating_of_the_test_part() {
        use super::evaluation::{SplitSpec, parts};
        let mut ratings = two_tastes();
        ratings.timestamp = (0..ratings.len() as i64).collect();
        let pairs = |r: &Ratings| -> std::collections::HashSet<(u32, u32)> {
            r.user
                .iter()
                .copied()
                .zip(r.movie.iter().copied())
                .collect()
        };
        for (spec, by_time) in [
            (
                SplitSpec::Random {
                    train: 0.8,
                    seed: 42,
                },
                false,
            ),
            (SplitSpec::Time { train: 0.8 }, true),
        ] {
            let (train, test) = parts(&ratings, None, spec, false).unwrap();
            let settings = TuningSettings {
                by_time,
                ..TuningSettings::default()
            };
            let (fit, validation) = validation_parts(&train, &settings);
            let (test, train) = (pairs(&test), pairs(&train));
            let (fit, validation) = (pairs(&fit), pairs(&validation));
            assert!(!validation.is_empty() && validation.is_disjoint(&test));
            assert!(validation.is_subset(&train) && fit.is_disjoint(&validation));
            assert_eq!(fit.len() + validation.len(), train.len());
            if by_time {
                // Each user's validation ratings are their latest of the training part.
                let at: HashMap<(u32, u32), i64> = ratings
                    .user
                    .iter()
                    .zip(&ratings.movie)
                    .zip(&ratings.timestamp)
                    .map(|((&u, &m), &t)| ((u, m), t))
                    .collect();
                for &(u, m) in &validation {
                    assert!(fit.iter().filter(|p| p.0 == u).all(|p| at[p] < at[&(u, m)]));
                }
            }
        }
    }

    #[test]
    fn a_budget_of_zero_keeps_the_defaults_and_records_no_search() {
        let ratings = two_tastes();
        let (als, ranking) = (AlsParams::default(), RankingParams::default());
        let t = tune(&ratings, als, ranking, true, None, &TuningSettings::off()).unwrap();
        assert_eq!((t.als, t.ranking), (als, ranking));
        assert!(t.report.models.is_empty());
    }

    #[test]
    fn the_defaults_are_points_of_their_grid() {
        let a = Axis::new("x", "", vec![1.0, 10.0], 3.0, true);
        assert_eq!(a.values, vec![1.0, 3.0, 10.0]);
        assert_eq!(a.start, 1);
        // 0 as "none" stays past the longest half-life.
        let h = Axis::new("h", "", vec![1.0, 30.0, 0.0], 7.0, false);
        assert_eq!(h.values, vec![1.0, 7.0, 30.0, 0.0]);
        let h = Axis::new("h", "", vec![1.0, 30.0, 0.0], 0.0, false);
        assert_eq!((h.values.len(), h.start), (3, 2));
    }

    #[test]
    fn a_move_before_the_budget_runs_out_is_recorded_as_one() {
        // A budget of two fits: the defaults, then one better point.
        struct Fits(usize);
        impl Budget for Fits {
            fn is_zero(&self) -> bool {
                false
            }
            fn may_continue(&mut self, _: Duration) -> bool {
                self.0 = self.0.saturating_sub(1);
                self.0 > 0
            }
        }
        let mut f = |v: &[f64]| Some(v[0]);
        let found = search(&axes(), &mut Fits(2), true, &mut f);
        assert_eq!(found.values[0], 4.0, "{:?}", found.values);
        assert!(found.moved);
        assert_eq!(found.best_score, Some(4.0));
    }

    #[test]
    fn a_point_that_cannot_fit_is_never_chosen() {
        let mut f = |v: &[f64]| (v[0] < 4.0).then_some(v[0] + v[1]);
        let found = search(
            &axes(),
            &mut clock(Some(Duration::from_secs(3600))),
            true,
            &mut f,
        );
        assert_eq!(found.values, vec![2.0, 3.0]);
        assert!(!found.moved);
    }
}
