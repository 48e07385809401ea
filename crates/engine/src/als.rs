//! Explicit-feedback ALS: `r̂(u, i, t) = μ + b_u + b_u,day(t) + b_i + p_u · q_i`, fitted by
//! alternating least squares with weighted-λ regularisation (each factor vector's penalty scales
//! with its number of ratings, after Zhou et al. 2008) and a plain penalty on the biases. Users,
//! then items, are solved in parallel; each solve is a (rank + 1)-sized Cholesky system for bias
//! and factors together, so one pass is deterministic whatever the thread count.
//!
//! The day bias `b_u,day` (timeSVD++'s, Koren 2009; off unless [`AlsParams::day_lambda`] is set)
//! is what a user's ratings of one UTC day share beyond their usual bias: people rate in sessions,
//! and a session runs high or low. It is solved with the user's vector, exactly: eliminating each
//! day's bias `c_d` from the joint least squares leaves the user's (rank + 1) system less, per day,
//! `s_d s_dᵀ / (W_d + λ_d)` and `s_d T_d / (W_d + λ_d)` (`s_d = Σ w y`, `T_d = Σ w · target`,
//! `W_d = Σ w` over the day's ratings), and then `c_d = (T_d − s_d · θ) / (W_d + λ_d)`. So a
//! user folded in still gets exactly what training gave them, day biases included, and a
//! prediction for a day the user rated nothing on has no day bias.
//!
//! Every (user, item) pair gets a prediction: an unknown user or item falls back to the biases
//! and the global mean. A user the model has not seen is folded in from any ratings (one is
//! enough) with the same solve training uses, without retraining.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::index::{IdIndex, dense_positions};
use crate::kernels::{PREFETCH_AHEAD, dot, prefetch_row};
use crate::linalg::{cholesky_resolve, cholesky_solve};
use crate::rng::SplitMix64;
use crate::{EngineError, Result};

/// ALS hyper-parameters, as asked for; [`AlsParams::validate`] checks them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlsParams {
    /// Length of the factor vectors.
    pub rank: usize,
    /// Alternating passes (users, then items).
    pub iterations: usize,
    /// Factor penalty per rating (weighted-λ).
    pub lambda: f64,
    /// Bias penalty.
    pub bias_lambda: f64,
    /// Seed of the initial item factors.
    pub seed: u64,
    /// Top-N ranks items by predicted rating plus this times `ln(1 + the item's rating count)`:
    /// a rating predictor alone favours obscure items with a few high ratings. Scores shown stay
    /// the predicted ratings. 0 ranks by prediction alone.
    pub popularity_weight: f64,
    /// A rating made this many days before its user's latest counts half in the fit (tastes
    /// and rating habits drift); 0: every rating counts fully. Needs when each rating was made
    /// ([`AlsModel::fit_at`], [`AlsModel::fold_in_at`]).
    pub half_life_days: f64,
    /// Penalty on each user's bias for one day (see the module); 0: no day biases. Needs the
    /// ratings' times, as `half_life_days` does.
    pub day_lambda: f64,
}

impl Default for AlsParams {
    /// Tuned on a validation split carved from the training part of ml-latest-small
    /// (docs/benchmarks.md). The day penalty is what every training's search chose there, on
    /// both splits, and on the demo: 30.
    fn default() -> Self {
        AlsParams {
            rank: 20,
            iterations: 15,
            lambda: 0.2,
            bias_lambda: 2.0,
            seed: 42,
            popularity_weight: POPULARITY_WEIGHT,
            half_life_days: 0.0,
            day_lambda: 30.0,
        }
    }
}

/// The shipped ranking tilt towards popular items (see [`AlsParams::popularity_weight`]).
pub const POPULARITY_WEIGHT: f64 = 2.0;

/// Hyper-parameters that passed validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidAlsParams(AlsParams);

impl ValidAlsParams {
    pub fn get(&self) -> &AlsParams {
        &self.0
    }
}

impl AlsParams {
    pub fn validate(self) -> Result<ValidAlsParams> {
        let bad = |name, reason: &str| {
            Err(EngineError::InvalidParameter {
                name,
                reason: reason.to_string(),
            })
        };
        if !(1..=512).contains(&self.rank) {
            return bad("rank", "must be from 1 to 512");
        }
        if !(1..=200).contains(&self.iterations) {
            return bad("iterations", "must be from 1 to 200");
        }
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return bad("lambda", "must be a positive number");
        }
        if !(self.bias_lambda.is_finite() && self.bias_lambda >= 0.0) {
            return bad("bias_lambda", "must be zero or a positive number");
        }
        if !(self.popularity_weight.is_finite() && self.popularity_weight >= 0.0) {
            return bad("popularity_weight", "must be zero or a positive number");
        }
        if !(self.half_life_days.is_finite() && self.half_life_days >= 0.0) {
            return bad(
                "half_life_days",
                "must be zero or a positive number of days",
            );
        }
        if !(self.day_lambda.is_finite() && self.day_lambda >= 0.0) {
            return bad("day_lambda", "must be zero or a positive number");
        }
        Ok(ValidAlsParams(self))
    }
}

/// Ratings in compressed rows: for entity `e`, `others[offsets[e]..offsets[e + 1]]` and the
/// matching `values`, (when ratings are weighted) `weights` and (with day biases) `days`.
struct Rows {
    offsets: Vec<usize>,
    others: Vec<u32>,
    values: Vec<f32>,
    /// Each rating's weight in the fit; empty: all 1.
    weights: Vec<f32>,
    /// Each rating's (user, day) group (see [`day_groups`]); empty: no day biases.
    days: Vec<u32>,
}

/// One entity's ratings (see [`Rows`]).
struct Row<'a> {
    others: &'a [u32],
    values: &'a [f32],
    weights: &'a [f32],
    days: &'a [u32],
}

impl Rows {
    fn build(
        n: usize,
        keys: &[u32],
        others: &[u32],
        values: &[f32],
        weights: &[f32],
        days: &[u32],
    ) -> Rows {
        let mut o = vec![0u32; keys.len()];
        let mut v = vec![0f32; keys.len()];
        let mut w = vec![0f32; weights.len()];
        let mut d = vec![0u32; days.len()];
        let offsets = crate::csr::group(n, keys, |i, at| {
            o[at] = others[i];
            v[at] = values[i];
            if let Some(w) = w.get_mut(at) {
                *w = weights[i];
            }
            if let Some(d) = d.get_mut(at) {
                *d = days[i];
            }
        });
        Rows {
            offsets,
            others: o,
            values: v,
            weights: w,
            days: d,
        }
    }

    fn row(&self, e: usize) -> Row<'_> {
        let (a, b) = (self.offsets[e], self.offsets[e + 1]);
        Row {
            others: &self.others[a..b],
            values: &self.values[a..b],
            weights: self.weights.get(a..b).unwrap_or_default(),
            days: self.days.get(a..b).unwrap_or_default(),
        }
    }
}

/// Each rating's day group, one per (user, UTC day) with ratings, numbered in user then day
/// order (so each user's groups are a contiguous range, in the order [`solve_side`] returns
/// their biases), and how many there are; `None` without a day penalty or times. Times that
/// are all the same (a source without them, read as 0) say nothing of days: there are none.
fn day_groups(users: &[u32], times: &[i64], day_lambda: f64) -> Option<(Vec<u32>, usize)> {
    if day_lambda <= 0.0 || times.len() != users.len() || times.iter().all(|&t| t == times[0]) {
        return None;
    }
    // Positions as u32, as everywhere in the fit (half the memory of usize on 26M ratings).
    let key = |i: u32| (users[i as usize], crate::recency::day(times[i as usize]));
    let mut order: Vec<u32> = (0..users.len() as u32).collect();
    order.par_sort_unstable_by_key(|&i| key(i));
    let mut groups = vec![0u32; users.len()];
    let mut next = 0u32;
    for (n, &i) in order.iter().enumerate() {
        if n > 0 && key(order[n - 1]) != key(i) {
            next += 1;
        }
        groups[i as usize] = next;
    }
    Some((groups, next as usize + 1))
}

/// Each rating's weight under `half_life_days`, its age taken from its user's latest rating
/// (`users`: dense positions below `n_users`); empty (all 1) without a half-life or times.
fn rating_weights(users: &[u32], n_users: usize, times: &[i64], half_life_days: f64) -> Vec<f32> {
    if half_life_days <= 0.0 || times.len() != users.len() {
        return Vec::new();
    }
    let mut latest = vec![i64::MIN; n_users];
    for (&u, &t) in users.iter().zip(times) {
        latest[u as usize] = latest[u as usize].max(t);
    }
    users
        .iter()
        .zip(times)
        .map(|(&u, &t)| crate::recency::weight(latest[u as usize], t, half_life_days) as f32)
        .collect()
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsModel {
    params: AlsParams,
    mean: f64,
    min_rating: f32,
    max_rating: f32,
    users: IdIndex,
    items: IdIndex,
    user_bias: Vec<f64>,
    item_bias: Vec<f64>,
    /// Each item's ranking boost: `popularity_weight · ln(1 + its rating count)`.
    item_boost: Vec<f64>,
    /// Row-major, `rank` per user.
    user_factors: Vec<f64>,
    /// Row-major, `rank` per item.
    item_factors: Vec<f64>,
    /// Derived for ranking every item at once: each item's `μ + b_i + boost`, and the item
    /// factors column-major (`rank` columns of one value per item), so that scoring the
    /// catalogue is a few contiguous passes rather than a dot product per item. In f32: ranking
    /// reads all of it for every request, and half the bytes is half the memory traffic; the
    /// scores differ from f64 ones by about 1e-6, so only near-ties can change places.
    item_base: Vec<f32>,
    item_columns: Vec<f32>,
}

/// An [`AlsModel`]'s contents, for storage (see [`AlsModel::to_parts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AlsParts {
    pub params: AlsParams,
    pub mean: f64,
    pub min_rating: f32,
    pub max_rating: f32,
    pub user_ids: Vec<u32>,
    pub item_ids: Vec<u32>,
    pub user_bias: Vec<f64>,
    pub item_bias: Vec<f64>,
    pub item_boost: Vec<f64>,
    /// Row-major, `rank` per user.
    pub user_factors: Vec<f64>,
    /// Row-major, `rank` per item.
    pub item_factors: Vec<f64>,
}

/// A user's bias and factors, with what explaining their recommendations needs.
#[derive(Debug, Clone, PartialEq)]
pub struct UserVector {
    pub bias: f64,
    pub factors: Vec<f64>,
    /// The known items the vector was solved from, as (item index, rating minus baseline).
    rated: Vec<(u32, f64)>,
    /// Cholesky factor of the solve's matrix, for explanations.
    cholesky: Vec<f64>,
    /// The user's day biases, as (day since the epoch, bias), by day; empty without them.
    days: Vec<(i64, f64)>,
    /// With day biases: each entry of `rated`'s day (a position in `days`), and each day's
    /// mean rating vector (rank + 1 values a day), for explanations.
    rated_days: Vec<u32>,
    day_means: Vec<f64>,
}

impl UserVector {
    fn zero(rank: usize, rated: Vec<(u32, f64)>) -> UserVector {
        UserVector {
            bias: 0.0,
            factors: vec![0.0; rank],
            rated,
            cholesky: Vec::new(),
            days: Vec::new(),
            rated_days: Vec::new(),
            day_means: Vec::new(),
        }
    }

    /// The user's bias on the UTC day of `at` (Unix seconds): 0 for a day they rated nothing on.
    pub fn day_bias(&self, at: i64) -> f64 {
        let day = crate::recency::day(at);
        (self.days.binary_search_by_key(&day, |d| d.0)).map_or(0.0, |i| self.days[i].1)
    }
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub item: u32,
    /// Predicted rating.
    pub score: f32,
    /// The user's rated items that pushed this score up most, strongest first.
    pub because: Vec<u32>,
}

impl AlsModel {
    /// Approximate bytes the model holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::vec;
        self.users.heap_bytes()
            + self.items.heap_bytes()
            + vec(&self.user_bias)
            + vec(&self.item_bias)
            + vec(&self.item_boost)
            + vec(&self.user_factors)
            + vec(&self.item_factors)
            + vec(&self.item_base)
            + vec(&self.item_columns)
    }

    /// Trains on ratings given as three parallel columns of external ids and values.
    pub fn fit(
        params: &ValidAlsParams,
        users: &[u32],
        items: &[u32],
        values: &[f32],
    ) -> Result<AlsModel> {
        AlsModel::fit_at(params, users, items, values, &[])
    }

    /// [`AlsModel::fit`], with when each rating was made (`times`, Unix seconds; empty:
    /// unknown), which [`AlsParams::half_life_days`] weighs the ratings by.
    pub fn fit_at(
        params: &ValidAlsParams,
        users: &[u32],
        items: &[u32],
        values: &[f32],
        times: &[i64],
    ) -> Result<AlsModel> {
        let mut p = *params.get();
        if users.len() != items.len() || users.len() != values.len() {
            return Err(EngineError::Input(
                "ratings columns differ in length".into(),
            ));
        }
        if !times.is_empty() && times.len() != users.len() {
            return Err(EngineError::Input("one time per rating is needed".into()));
        }
        if users.is_empty() {
            return Err(EngineError::Input("no ratings to train on".into()));
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(EngineError::Input("a rating is not a finite number".into()));
        }
        let (user_ids, u_idx) = dense_positions(users);
        let (item_ids, i_idx) = dense_positions(items);
        let (nu, ni) = (user_ids.len(), item_ids.len());
        let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64;
        let min_rating = values.iter().copied().fold(f32::INFINITY, f32::min);
        let max_rating = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let weights = rating_weights(&u_idx, nu, times, p.half_life_days);
        let grouped = day_groups(&u_idx, times, p.day_lambda);
        if grouped.is_none() {
            // Fitted without day biases, the model says so: a user folded in later, with times,
            // is then solved as training solved everyone.
            p.day_lambda = 0.0;
        }
        let (days, n_days) = grouped.unwrap_or_default();
        let by_user = Rows::build(nu, &u_idx, &i_idx, values, &weights, &days);
        let by_item = Rows::build(ni, &i_idx, &u_idx, values, &weights, &days);
        drop(days);
        // Each (user, day) group's bias, solved with the user vectors.
        let mut day_bias = vec![0.0; n_days];

        let k = p.rank;
        let mut rng = SplitMix64(p.seed);
        let scale = 0.1 / (k as f64).sqrt();
        let mut item_factors: Vec<f64> = (0..ni * k).map(|_| rng.normal() * scale).collect();
        let mut item_bias = vec![0.0; ni];
        let mut user_factors = vec![0.0; nu * k];
        let mut user_bias = vec![0.0; nu];
        // Users and items in turn, users first and last (an iteration is a user and an item
        // half-step): after the last user half-step every user vector is the solve against the
        // final item factors, exactly what folding the same ratings in gives.
        for step in 0..=2 * p.iterations {
            if step % 2 == 0 {
                let solved = solve_side(
                    &by_user,
                    &item_factors,
                    &item_bias,
                    &mut user_factors,
                    &mut user_bias,
                    mean,
                    &p,
                    Days::Solve,
                );
                // Groups are numbered in user then day order, as the users' biases come.
                day_bias.clear();
                day_bias.extend(solved.into_iter().flatten());
            } else {
                solve_side(
                    &by_item,
                    &user_factors,
                    &user_bias,
                    &mut item_factors,
                    &mut item_bias,
                    mean,
                    &p,
                    Days::Subtract(&day_bias),
                );
            }
        }
        let item_boost = (0..ni)
            .map(|i| p.popularity_weight * (1.0 + by_item.row(i).others.len() as f64).ln())
            .collect();
        let parts = AlsParts {
            params: p,
            mean,
            min_rating,
            max_rating,
            user_ids,
            item_ids,
            user_bias,
            item_bias,
            item_boost,
            user_factors,
            item_factors,
        };
        // `index` lists each id once, so this cannot fail.
        AlsModel::assemble(parts).ok_or_else(|| EngineError::Input("an id appears twice".into()))
    }

    /// The model from checked parts, with the id indices and the derived ranking layout;
    /// `None` when an id appears twice.
    fn assemble(parts: AlsParts) -> Option<AlsModel> {
        // The ids first: a repeat ends here, before the derived layout is computed.
        let (users, items) = (IdIndex::new(parts.user_ids)?, IdIndex::new(parts.item_ids)?);
        let item_base = (parts.item_bias.iter().zip(&parts.item_boost))
            .map(|(b, boost)| (parts.mean + b + boost) as f32)
            .collect();
        let item_columns = crate::topn::columns(&parts.item_factors, parts.params.rank);
        Some(AlsModel {
            users,
            items,
            item_base,
            item_columns,
            params: parts.params,
            mean: parts.mean,
            min_rating: parts.min_rating,
            max_rating: parts.max_rating,
            user_bias: parts.user_bias,
            item_bias: parts.item_bias,
            item_boost: parts.item_boost,
            user_factors: parts.user_factors,
            item_factors: parts.item_factors,
        })
    }

    pub fn params(&self) -> &AlsParams {
        &self.params
    }

    /// Everything the model holds, for storing it.
    pub fn to_parts(&self) -> AlsParts {
        AlsParts {
            params: self.params,
            mean: self.mean,
            min_rating: self.min_rating,
            max_rating: self.max_rating,
            user_ids: self.users.ids().to_vec(),
            item_ids: self.items.ids().to_vec(),
            user_bias: self.user_bias.clone(),
            item_bias: self.item_bias.clone(),
            item_boost: self.item_boost.clone(),
            user_factors: self.user_factors.clone(),
            item_factors: self.item_factors.clone(),
        }
    }

    /// A model from stored parts, checked: the parameters valid, every length matching the
    /// rank and the id lists, ids unique, every number finite.
    pub fn from_parts(parts: AlsParts) -> Result<AlsModel> {
        let p = &parts;
        let k = p.params.validate()?.get().rank;
        let bad = |what: &str| Err(EngineError::Input(format!("stored ALS model: {what}")));
        let (nu, ni) = (p.user_ids.len(), p.item_ids.len());
        if p.user_bias.len() != nu || p.user_factors.len() != nu * k {
            return bad("user vectors do not match the user ids and rank");
        }
        if p.item_bias.len() != ni || p.item_boost.len() != ni || p.item_factors.len() != ni * k {
            return bad("item vectors do not match the item ids and rank");
        }
        let finite = [
            &p.user_bias,
            &p.item_bias,
            &p.item_boost,
            &p.user_factors,
            &p.item_factors,
        ]
        .iter()
        .all(|v| v.iter().all(|x| x.is_finite()));
        let (min, max) = (p.min_rating, p.max_rating);
        let ordered = min.is_finite() && max.is_finite() && min <= max;
        if !finite || !p.mean.is_finite() || !ordered {
            return bad("a value is not a finite number");
        }
        match AlsModel::assemble(parts) {
            Some(model) => Ok(model),
            None => bad("an id appears twice"),
        }
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The items the model was trained with ratings of.
    pub fn items(&self) -> &IdIndex {
        &self.items
    }

    pub fn users(&self) -> &IdIndex {
        &self.users
    }

    fn item_row(&self, i: usize) -> &[f64] {
        let k = self.params.rank;
        &self.item_factors[i * k..(i + 1) * k]
    }

    fn clamp(&self, x: f64) -> f32 {
        (x as f32).clamp(self.min_rating, self.max_rating)
    }

    /// The predicted rating of any pair; unknown users or items fall back to the biases.
    pub fn predict(&self, user: u32, item: u32) -> f32 {
        let u = self.users.position(user).map(|u| u as usize);
        let i = self.items.position(item).map(|i| i as usize);
        let k = self.params.rank;
        let mut x = self.mean;
        if let Some(u) = u {
            x += self.user_bias[u];
        }
        if let Some(i) = i {
            x += self.item_bias[i];
        }
        if let (Some(u), Some(i)) = (u, i) {
            x += dot(&self.user_factors[u * k..(u + 1) * k], self.item_row(i));
        }
        self.clamp(x)
    }

    /// The predicted rating of `item` for a folded-in user, were they to rate it at `at` (Unix
    /// seconds; their bias of that day counts); `None` for an item the model has no ratings of.
    pub fn rating(&self, user: &UserVector, item: u32, at: i64) -> Option<f32> {
        let i = self.items.position(item)?;
        let i = i as usize;
        let x = self.mean + user.bias + self.item_bias[i] + dot(&user.factors, self.item_row(i));
        Some(self.clamp(x + user.day_bias(at)))
    }

    /// The vector of a user the model was trained with.
    pub fn user_vector(&self, user: u32) -> Option<UserVector> {
        let u = self.users.position(user)?;
        let u = u as usize;
        let k = self.params.rank;
        Some(UserVector {
            bias: self.user_bias[u],
            factors: self.user_factors[u * k..(u + 1) * k].to_vec(),
            ..UserVector::zero(k, Vec::new())
        })
    }

    /// Computes a user's vector from their ratings (external item id, value) with the user solve
    /// of training, keeping the items fixed. Unknown items are ignored; with none known, the
    /// vector is zero (recommendations then follow the item biases).
    pub fn fold_in(&self, ratings: &[(u32, f32)]) -> UserVector {
        self.fold_in_at(ratings, &[])
    }

    /// [`AlsModel::fold_in`], with when each rating was made (`rated_at`, Unix seconds, in the
    /// order of `ratings`; empty: unknown), which [`AlsParams::half_life_days`] weighs them by
    /// as training did.
    pub fn fold_in_at(&self, ratings: &[(u32, f32)], rated_at: &[i64]) -> UserVector {
        let p = &self.params;
        let (k, n) = (p.rank, p.rank + 1);
        let timed = rated_at.len() == ratings.len();
        let decay = timed && p.half_life_days > 0.0;
        let latest = rated_at.iter().copied().max().unwrap_or(0);
        let mut seen = HashSet::new();
        let mut weights: Vec<f32> = Vec::new();
        let mut times: Vec<i64> = Vec::new();
        let rated: Vec<(u32, f64)> = ratings
            .iter()
            .enumerate()
            .rev() // the last rating of an item counts
            .filter(|(_, (item, v))| v.is_finite() && seen.insert(*item))
            .filter_map(|(n, &(item, v))| {
                let i = self.items.position(item)?;
                if decay {
                    let w = crate::recency::weight(latest, rated_at[n], p.half_life_days);
                    weights.push(w as f32);
                }
                if timed {
                    times.push(rated_at[n]);
                }
                Some((i, f64::from(v) - self.mean - self.item_bias[i as usize]))
            })
            .collect();
        if rated.is_empty() {
            return UserVector::zero(k, rated);
        }
        let mut a = vec![0.0; n * n];
        let mut b = vec![0.0; n];
        let mut scratch = Scratch::new(n);
        let items: Vec<u32> = rated.iter().map(|&(i, _)| i).collect();
        scratch.residuals = rated.iter().map(|&(_, residual)| residual).collect();
        // The user's days, as training groups them: (user, UTC day).
        let mut days: Vec<i64> = Vec::new();
        let mut rated_days: Vec<u32> = Vec::new();
        if timed && p.day_lambda > 0.0 {
            days = times.iter().map(|&t| crate::recency::day(t)).collect();
            days.sort_unstable();
            days.dedup();
            let day_of = |t: &i64| days.partition_point(|&d| d < crate::recency::day(*t));
            rated_days = times.iter().map(|t| day_of(t) as u32).collect();
            let local = rated_days.iter().map(|&d| d as usize);
            scratch.sum_days(local, &items, &weights, &self.item_factors);
        }
        scratch.set_weights(&weights);
        normal_equations(&mut a, &mut b, &mut scratch, &items, &self.item_factors);
        regularise(&mut a, n, scratch.count(rated.len()), p);
        if !days.is_empty() {
            scratch.fold_out_days(&mut a, &mut b, p.day_lambda);
        }
        if !cholesky_solve(&mut a, &mut b, n) {
            return UserVector::zero(k, rated);
        }
        let (bias, factors) = (b[0], b[1..].to_vec());
        let (days, day_means) = if days.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            let biases = scratch.day_biases(bias, &factors, p.day_lambda);
            (
                days.into_iter().zip(biases).collect(),
                scratch.day_means(p.day_lambda),
            )
        };
        // Each rating's term in an explanation carries its weight, as it did in the solve.
        let rated = if weights.is_empty() {
            rated
        } else {
            let weighted = rated.into_iter().zip(&weights);
            weighted.map(|((i, r), &w)| (i, r * f64::from(w))).collect()
        };
        UserVector {
            bias,
            factors,
            rated,
            cholesky: a,
            days,
            rated_days,
            day_means,
        }
    }

    /// The `k` best items for a user, best first, leaving out `exclude` (external ids) and items
    /// `keep` refuses. Ties go to the smaller item id.
    pub fn recommend(
        &self,
        user: &UserVector,
        k: usize,
        exclude: &HashSet<u32>,
        keep: impl Fn(u32) -> bool,
    ) -> Vec<Recommendation> {
        let excluded: HashSet<usize> = exclude
            .iter()
            .filter_map(|id| self.items.position(*id).map(|i| i as usize))
            .collect();
        // Ranked by predicted rating plus the item's popularity boost (the user's bias is the
        // same for every item, so it is left out of the ranking).
        let predicted = |i: usize| {
            self.mean + user.bias + self.item_bias[i] + dot(&user.factors, self.item_row(i))
        };
        let factors: Vec<f32> = user.factors.iter().map(|&x| x as f32).collect();
        let mut scores = self.item_base.clone();
        crate::topn::add_factor_scores(&mut scores, &self.item_columns, &factors);
        let best = crate::topn::take_best(&scores, self.items.ids(), k, &excluded, |i| {
            keep(self.items.ids()[i])
        });
        best.into_iter()
            .map(|i| Recommendation {
                item: self.items.ids()[i],
                score: self.clamp(predicted(i)),
                because: self.explain(user, i, 3),
            })
            .collect()
    }

    /// The rated items whose ratings raised item `i`'s score most: the score's factor part is a
    /// sum over rated items j of `((y_j − m_d(j)) · A⁻¹ y_i) · residual_j` (with `y = [1, q]`,
    /// and `m_d` the mean vector of j's day, 0 without day biases), so each term is j's exact
    /// contribution.
    fn explain(&self, user: &UserVector, i: usize, top: usize) -> Vec<u32> {
        let mut terms: Vec<(f64, u32)> = self.contributions(user, i);
        terms.retain(|(c, _)| *c > 0.0);
        terms.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        terms.into_iter().take(top).map(|(_, item)| item).collect()
    }

    /// Each rated item's term in item `i`'s `b_u + p_u · q_i` (see [`AlsModel::explain`]), as
    /// (term, external id); empty for a vector without its solve.
    fn contributions(&self, user: &UserVector, i: usize) -> Vec<(f64, u32)> {
        let n = self.params.rank + 1;
        if user.cholesky.len() != n * n {
            return Vec::new();
        }
        let mut v = vec![0.0; n];
        v[0] = 1.0;
        v[1..].copy_from_slice(self.item_row(i));
        cholesky_resolve(&user.cholesky, &mut v, n);
        let day_terms: Vec<f64> = user.day_means.chunks_exact(n).map(|m| dot(m, &v)).collect();
        (user.rated.iter().enumerate())
            .map(|(e, &(j, residual))| {
                let q = self.item_row(j as usize);
                let day = user
                    .rated_days
                    .get(e)
                    .map_or(0.0, |&d| day_terms[d as usize]);
                let y_dot_v = v[0] + dot(q, &v[1..]) - day;
                (y_dot_v * residual, self.items.ids()[j as usize])
            })
            .collect()
    }
}

/// What a side's solve does with day biases.
#[derive(Clone, Copy)]
enum Days<'a> {
    /// The side is the users': each one's day biases are solved with their vector.
    Solve,
    /// The side is the items': each rating's target is less its (user, day) group's bias.
    Subtract(&'a [f64]),
}

/// Solves every entity of one side for its bias and factors, the other side held fixed; with
/// [`Days::Solve`], returns each entity's day biases (in day order; none without days).
#[allow(clippy::too_many_arguments)]
fn solve_side(
    rows: &Rows,
    other_factors: &[f64],
    other_bias: &[f64],
    factors: &mut [f64],
    bias: &mut [f64],
    mean: f64,
    p: &AlsParams,
    days: Days,
) -> Vec<Vec<f64>> {
    let k = p.rank;
    let n = k + 1;
    factors
        .par_chunks_mut(k)
        .zip(bias.par_iter_mut())
        .enumerate()
        // Solves are small: hand them out in batches, with one scratch set per batch. Small
        // batches, though: a few popular items hold a large share of the ratings, and a batch
        // is never split between threads.
        .with_min_len(8)
        .map_init(
            || (vec![0.0; n * n], vec![0.0; n], Scratch::new(n)),
            |(a, b, scratch), (e, (f, bias))| {
                let row = rows.row(e);
                scratch.residuals.clear();
                scratch
                    .residuals
                    .extend((row.others.iter().zip(row.values).enumerate()).map(
                        |(j, (&o, &r))| {
                            let day = match days {
                                Days::Subtract(day_bias) if !row.days.is_empty() => {
                                    day_bias[row.days[j] as usize]
                                }
                                _ => 0.0,
                            };
                            f64::from(r) - mean - other_bias[o as usize] - day
                        },
                    ));
                let with_days = matches!(days, Days::Solve) && !row.days.is_empty();
                if with_days {
                    // A user's groups are a contiguous range: their days are the offsets from
                    // the first.
                    let first = row.days.iter().min().copied().unwrap_or(0);
                    let local = row.days.iter().map(|&d| (d - first) as usize);
                    scratch.sum_days(local, row.others, row.weights, other_factors);
                }
                scratch.set_weights(row.weights);
                normal_equations(a, b, scratch, row.others, other_factors);
                regularise(a, n, scratch.count(row.others.len()), p);
                if with_days {
                    scratch.fold_out_days(a, b, p.day_lambda);
                }
                if cholesky_solve(a, b, n) {
                    *bias = b[0];
                    f.copy_from_slice(&b[1..]);
                }
                if with_days {
                    scratch.day_biases(*bias, f, p.day_lambda)
                } else {
                    Vec::new()
                }
            },
        )
        .collect()
}

/// Ratings per pass over the matrix in [`normal_equations`].
const BATCH: usize = 4;
/// Columns handled together: one 256-bit vector of f64.
const LANES: usize = 4;

/// Scratch for [`normal_equations`], made once per thread and reused for every entity.
struct Scratch {
    /// The system size, rank + 1.
    n: usize,
    /// The system size rounded up to whole [`LANES`].
    padded: usize,
    /// `padded × padded` accumulator.
    acc: Vec<f64>,
    /// [`BATCH`] vectors `y` of `padded` values (the padding stays zero).
    ys: Vec<f64>,
    residuals: Vec<f64>,
    /// The square roots of the ratings' weights (empty: all 1): each rating's `y` and target
    /// are scaled by it, so that it adds `w · y yᵀ` and `w · y · target`.
    roots: Vec<f64>,
    /// The weights' sum (with `roots`), the count weighted-λ scales the penalty by.
    weight: f64,
    /// Per day of a user (see the module), `n + 1` values: `s_d` (whose first value, the bias
    /// column's, is `W_d`), then `T_d`.
    day_sums: Vec<f64>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        let padded = n.div_ceil(LANES) * LANES;
        Scratch {
            n,
            padded,
            acc: vec![0.0; padded * padded],
            ys: vec![0.0; BATCH * padded],
            residuals: Vec::new(),
            roots: Vec::new(),
            weight: 0.0,
            day_sums: Vec::new(),
        }
    }

    /// Sums each day's `s_d` and `T_d` over the entity's ratings (`days`: each one's day, from
    /// 0), from the residuals before [`Scratch::set_weights`] scales them.
    fn sum_days(
        &mut self,
        days: impl Iterator<Item = usize> + Clone,
        others: &[u32],
        weights: &[f32],
        other_factors: &[f64],
    ) {
        let (n, k) = (self.n, self.n - 1);
        let count = days.clone().max().map_or(0, |d| d + 1);
        self.day_sums.clear();
        self.day_sums.resize(count * (n + 1), 0.0);
        for (j, (d, &o)) in days.zip(others).enumerate() {
            let w = weights.get(j).map_or(1.0, |&w| f64::from(w));
            let sums = &mut self.day_sums[d * (n + 1)..(d + 1) * (n + 1)];
            sums[0] += w;
            let q = &other_factors[o as usize * k..(o as usize + 1) * k];
            for (s, &q) in sums[1..n].iter_mut().zip(q) {
                *s += w * q;
            }
            sums[n] += w * self.residuals[j];
        }
    }

    /// Takes each day's bias out of the entity's normal equations (lower triangle of `a`).
    fn fold_out_days(&self, a: &mut [f64], b: &mut [f64], lambda: f64) {
        let n = self.n;
        for sums in self.day_sums.chunks_exact(n + 1) {
            let (s, t) = (&sums[..n], sums[n]);
            let inv = 1.0 / (s[0] + lambda);
            for r in 0..n {
                b[r] -= s[r] * t * inv;
                let sr = s[r] * inv;
                for c in 0..=r {
                    a[r * n + c] -= sr * s[c];
                }
            }
        }
    }

    /// Each day's bias, given the entity's solved bias and factors.
    fn day_biases(&self, bias: f64, factors: &[f64], lambda: f64) -> Vec<f64> {
        let n = self.n;
        self.day_sums
            .chunks_exact(n + 1)
            .map(|sums| (sums[n] - sums[0] * bias - dot(&sums[1..n], factors)) / (sums[0] + lambda))
            .collect()
    }

    /// Each day's mean rating vector `s_d / (W_d + λ_d)`, what explanations need.
    fn day_means(&self, lambda: f64) -> Vec<f64> {
        let n = self.n;
        let means = self.day_sums.chunks_exact(n + 1).flat_map(|sums| {
            let inv = 1.0 / (sums[0] + lambda);
            sums[..n].iter().map(move |s| s * inv)
        });
        means.collect()
    }

    /// The next entity's rating weights (empty: all 1); scales its residuals.
    fn set_weights(&mut self, weights: &[f32]) {
        self.roots.clear();
        self.roots
            .extend(weights.iter().map(|&w| f64::from(w).sqrt()));
        self.weight = weights.iter().map(|&w| f64::from(w)).sum();
        for (r, s) in self.residuals.iter_mut().zip(&self.roots) {
            *r *= s;
        }
    }

    /// How many ratings the penalty counts: `ratings`, or their weights' sum.
    fn count(&self, ratings: usize) -> f64 {
        if self.roots.is_empty() {
            ratings as f64
        } else {
            self.weight
        }
    }
}

/// One entity's normal equations: sets the lower triangle of `a` (`n × n`, row-major) to
/// `Σ y yᵀ` and `b` to `Σ y · target` over its ratings, with `y = [1, factors of the rated
/// entity]` and the targets in `scratch.residuals`. Ratings go [`BATCH`] at a time, so each cell
/// is loaded and stored once per batch rather than once per rating; each row is updated in whole
/// vectors up to the diagonal's, which skips a third of the square and still vectorises.
///
/// This is where training spends its time, so it is compiled twice and picked at run time: for
/// CPUs with AVX2 and FMA (twice the SIMD width of the x86-64 baseline) and for the rest.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn normal_equations(
    a: &mut [f64],
    b: &mut [f64],
    scratch: &mut Scratch,
    others: &[u32],
    other_factors: &[f64],
) {
    // Sizes known at compile time unroll into straight vector code (ranks up to 31); other
    // ranks take the same code with the size at run time. With FMA, each multiply-add is one
    // instruction (and one rounding, so the two builds differ in the last bits).
    macro_rules! sized {
        ($fma:literal) => {
            match scratch.padded {
                4 => accumulate::<4, $fma>(a, b, scratch, others, other_factors),
                8 => accumulate::<8, $fma>(a, b, scratch, others, other_factors),
                12 => accumulate::<12, $fma>(a, b, scratch, others, other_factors),
                16 => accumulate::<16, $fma>(a, b, scratch, others, other_factors),
                20 => accumulate::<20, $fma>(a, b, scratch, others, other_factors),
                24 => accumulate::<24, $fma>(a, b, scratch, others, other_factors),
                28 => accumulate::<28, $fma>(a, b, scratch, others, other_factors),
                32 => accumulate::<32, $fma>(a, b, scratch, others, other_factors),
                _ => accumulate::<0, $fma>(a, b, scratch, others, other_factors),
            }
        };
    }
    if multiversion::target::target_cfg_f!(target_feature = "fma") {
        sized!(true)
    } else {
        sized!(false)
    }
}

/// [`normal_equations`] for a padded size `NP` (0: the size in `scratch`).
#[inline(always)]
fn accumulate<const NP: usize, const FMA: bool>(
    a: &mut [f64],
    b: &mut [f64],
    scratch: &mut Scratch,
    others: &[u32],
    other_factors: &[f64],
) {
    let n = b.len();
    let k = n - 1;
    let np = if NP == 0 { scratch.padded } else { NP };
    let Scratch {
        acc,
        ys,
        residuals,
        roots,
        ..
    } = scratch;
    let acc = &mut acc[..np * np];
    let ys = &mut ys[..BATCH * np];
    acc.iter_mut().for_each(|x| *x = 0.0);
    b.iter_mut().for_each(|x| *x = 0.0);
    let mut targets = [0.0; BATCH];
    let mut filled = 0;
    for (j, (&o, &target)) in others.iter().zip(residuals.iter()).enumerate() {
        if let Some(&ahead) = others.get(j + PREFETCH_AHEAD) {
            prefetch_row(other_factors, ahead as usize * k, k);
        }
        let o = o as usize;
        let y = &mut ys[filled * np..filled * np + n];
        y[0] = 1.0;
        y[1..].copy_from_slice(&other_factors[o * k..(o + 1) * k]);
        if let Some(&s) = roots.get(j) {
            y.iter_mut().for_each(|x| *x *= s);
        }
        targets[filled] = target;
        filled += 1;
        if filled == BATCH {
            add_batch::<FMA>(acc, b, ys, &targets, np);
            filled = 0;
        }
    }
    // The rest: pad with zero vectors, which add nothing.
    if filled > 0 {
        ys[filled * np..].iter_mut().for_each(|x| *x = 0.0);
        targets[filled..].iter_mut().for_each(|t| *t = 0.0);
        add_batch::<FMA>(acc, b, ys, &targets, np);
    }
    for r in 0..n {
        a[r * n..=r * n + r].copy_from_slice(&acc[r * np..=r * np + r]);
    }
}

/// Adds [`BATCH`] ratings to the lower block triangle of the `np × np` accumulator; the padding
/// rows and columns stay zero, since the vectors are zero there.
#[inline(always)]
fn add_batch<const FMA: bool>(
    acc: &mut [f64],
    b: &mut [f64],
    ys: &[f64],
    t: &[f64; BATCH],
    np: usize,
) {
    let (y0, rest) = ys.split_at(np);
    let (y1, rest) = rest.split_at(np);
    let (y2, y3) = rest.split_at(np);
    // `x · y + z`, fused where the CPU can.
    let madd = |x: f64, y: f64, z: f64| if FMA { x.mul_add(y, z) } else { x * y + z };
    for r in 0..np {
        let (c0, c1, c2, c3) = (y0[r], y1[r], y2[r], y3[r]);
        if let Some(b) = b.get_mut(r) {
            *b = madd(c3, t[3], madd(c2, t[2], madd(c1, t[1], madd(c0, t[0], *b))));
        }
        // Columns up to the end of the diagonal's vector.
        let width = (r / LANES + 1) * LANES;
        let row = &mut acc[r * np..r * np + width];
        for c in 0..width {
            row[c] = madd(
                c3,
                y3[c],
                madd(c2, y2[c], madd(c1, y1[c], madd(c0, y0[c], row[c]))),
            );
        }
    }
}

fn regularise(a: &mut [f64], n: usize, count: f64, p: &AlsParams) {
    a[0] += p.bias_lambda;
    let penalty = p.lambda * count;
    for d in 1..n {
        a[d * n + d] += penalty;
    }
}

#[cfg(test)]
mod tests;
