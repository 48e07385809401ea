//! Implicit-feedback ALS (iALS) for ranking: the model behind "For you" lists. Ratings become
//! observations `(weight, target)` by a [`Feedback`] rule (liked → target 1, disliked → target 0
//! or left out), and the model minimises, over user factors `p_u` and item factors `q_i`,
//!
//! ```text
//!   Σ_observed w_ui (t_ui − p_u·q_i)²  +  α₀ Σ_all pairs (p_u·q_i)²  +  Σ_u λ_u |p_u|²  +  Σ_i λ_i |q_i|²
//! ```
//!
//! (Hu, Koren & Volinsky 2008; the form and the frequency-scaled regularisation
//! `λ_e = λ (n_e + α₀ · |other side|)^ν` of Rendle et al. 2021, "Revisiting the Performance of
//! iALS on Item Recommendation Benchmarks"). The sum over all pairs never materialises: it is
//! `α₀ pᵀ(QᵀQ)p`, one k × k Gramian per half-step. Training solves each side by a few steps of
//! conjugate gradient warm-started from the last values (Takács et al. 2011), or exactly.
//!
//! A user is folded in from their current ratings by one exact solve,
//! `p = A⁻¹ b` with `A = α₀ QᵀQ + Σ_j w_j q_j q_jᵀ + λ_u I` and `b = Σ_j w_j t_j q_j`, so every
//! score `p·q_i = Σ_j w_j t_j (q_jᵀ A⁻¹ q_i)` splits exactly into one term per rated movie:
//! those terms are the explanations.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::index::{IdIndex, dense_positions};
use crate::kernels::{PREFETCH_AHEAD, axpy32, dot, dot32, prefetch_row};
use crate::linalg::{cholesky_resolve, cholesky_solve, gramian};
use crate::ranking::Ranked;
use crate::rng::SplitMix64;
use crate::{EngineError, Result};

/// How a rating becomes an observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feedback {
    /// Ratings at or above this are positives (target 1).
    pub positive_from: f32,
    /// A positive's weight is `1 + value_weight · (rating − positive_from)`.
    pub value_weight: f64,
    /// Ratings below `positive_from` are negatives (target 0) of this weight; with 0 they count
    /// as unobserved.
    pub negative_weight: f64,
}

impl Feedback {
    /// The `(weight, target)` of a rating, or `None` if it is not an observation.
    pub fn observe(&self, rating: f32) -> Option<(f64, f64)> {
        if !rating.is_finite() {
            return None;
        }
        if rating >= self.positive_from {
            let above = f64::from(rating - self.positive_from);
            Some((1.0 + self.value_weight * above, 1.0))
        } else if self.negative_weight > 0.0 {
            Some((self.negative_weight, 0.0))
        } else {
            None
        }
    }
}

/// Whose objective a model's observations and penalties follow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Ratings become observations by the [`Feedback`] rule, and a vector with `n`
    /// observations, the other side having `N` entities, is penalised by `λ (n + α₀ N)^ν`
    /// (Rendle et al. 2021): what NextFlex trains.
    Rendle,
    /// Spark ML's `ALS(implicitPrefs = true)` (Hu–Koren–Volinsky with ALS-WR): a rating `r` is a
    /// preference (1 if `r > 0`, else 0) of confidence `1 + alpha·|r|`, every pair weighs 1
    /// (so `α₀` must be 1), and a vector is penalised by `λ · n⁺`, its count of positive
    /// ratings. A model imported from Spark folds users in exactly as Spark computed its user
    /// factors. In this module's terms an observation has weight `alpha·|r|` and target
    /// `(1 + alpha·r) / (alpha·r)`.
    Spark { alpha: f64 },
}

/// iALS hyper-parameters, as asked for; [`IalsParams::validate`] checks them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IalsParams {
    /// Length of the factor vectors.
    pub factors: usize,
    /// Alternating passes (users, then items).
    pub iterations: usize,
    /// λ of the regularisation `λ (n + α₀ · |other side|)^ν`.
    pub regularization: f64,
    /// α₀, the weight of every (user, item) pair's pull towards 0.
    pub unobserved_weight: f64,
    /// ν: 0 gives every vector the same penalty, 1 scales it with the vector's evidence.
    pub frequency_exponent: f64,
    /// Conjugate-gradient steps per solve in training; 0 solves exactly (Cholesky).
    pub cg_steps: usize,
    /// How ratings become observations (with [`Objective::Rendle`]).
    pub feedback: Feedback,
    /// Seed of the initial item factors.
    pub seed: u64,
    pub objective: Objective,
}

impl Default for IalsParams {
    /// Chosen on a validation split carved from the training part of ml-latest-small and
    /// ratings_small (docs/benchmarks.md, "Ranking model").
    fn default() -> Self {
        IalsParams {
            factors: 64,
            iterations: 15,
            regularization: 0.01,
            unobserved_weight: 0.3,
            frequency_exponent: 1.0,
            cg_steps: 3,
            feedback: Feedback {
                positive_from: 0.5,
                value_weight: 0.0,
                negative_weight: 0.0,
            },
            seed: 42,
            objective: Objective::Rendle,
        }
    }
}

/// Hyper-parameters that passed validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidIalsParams(IalsParams);

impl ValidIalsParams {
    pub fn get(&self) -> &IalsParams {
        &self.0
    }
}

impl IalsParams {
    pub fn validate(self) -> Result<ValidIalsParams> {
        let bad = |name, reason: &str| {
            Err(EngineError::InvalidParameter {
                name,
                reason: reason.to_string(),
            })
        };
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        if !(1..=512).contains(&self.factors) {
            return bad("factors", "must be from 1 to 512");
        }
        if !(1..=200).contains(&self.iterations) {
            return bad("iterations", "must be from 1 to 200");
        }
        if !positive(self.regularization) {
            return bad("regularization", "must be a positive number");
        }
        if !positive(self.unobserved_weight) {
            return bad("unobserved_weight", "must be a positive number");
        }
        if !(non_negative(self.frequency_exponent) && self.frequency_exponent <= 2.0) {
            return bad("frequency_exponent", "must be from 0 to 2");
        }
        if self.cg_steps > 64 {
            return bad("cg_steps", "must be from 0 (exact) to 64");
        }
        let f = self.feedback;
        if !(f.positive_from.is_finite() && non_negative(f.value_weight)) {
            return bad(
                "feedback",
                "the positive threshold must be a number and the value weight ≥ 0",
            );
        }
        if !non_negative(f.negative_weight) {
            return bad("feedback", "the negative weight must be zero or positive");
        }
        if let Objective::Spark { alpha } = self.objective {
            if !positive(alpha) {
                return bad("alpha", "must be a positive number");
            }
            if self.unobserved_weight != 1.0 {
                return bad("unobserved_weight", "must be 1 with Spark's objective");
            }
        }
        Ok(ValidIalsParams(self))
    }

    /// The `(weight, target)` of a rating, or `None` if it is not an observation.
    fn observe(&self, rating: f32) -> Option<(f64, f64)> {
        match self.objective {
            Objective::Rendle => self.feedback.observe(rating),
            Objective::Spark { alpha } => {
                let r = f64::from(rating);
                let c1 = alpha * r.abs();
                if !(c1.is_finite() && c1 > 0.0) {
                    return None;
                }
                Some((c1, if r > 0.0 { (1.0 + c1) / c1 } else { 0.0 }))
            }
        }
    }

    /// The penalty of a vector with `observed` observations of which `positives` have a
    /// positive target, the other side having `others` entities.
    fn penalty(&self, observed: usize, positives: usize, others: usize) -> f64 {
        match self.objective {
            Objective::Rendle => {
                let n = observed as f64 + self.unobserved_weight * others as f64;
                self.regularization * n.powf(self.frequency_exponent)
            }
            Objective::Spark { .. } => self.regularization * positives as f64,
        }
    }
}

/// Observations in compressed rows: for entity `e`, `others[offsets[e]..offsets[e + 1]]` with
/// their weights and `weight × target`.
struct Rows {
    offsets: Vec<usize>,
    others: Vec<u32>,
    weights: Vec<f32>,
    weighted_targets: Vec<f32>,
}

impl Rows {
    fn build(n: usize, keys: &[u32], others: &[u32], obs: &[(f32, f32)]) -> Rows {
        let mut o = vec![0u32; keys.len()];
        let mut w = vec![0f32; keys.len()];
        let mut wt = vec![0f32; keys.len()];
        let offsets = crate::csr::group(n, keys, |i, at| {
            let (weight, target) = obs[i];
            o[at] = others[i];
            w[at] = weight;
            wt[at] = weight * target;
        });
        Rows {
            offsets,
            others: o,
            weights: w,
            weighted_targets: wt,
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn row(&self, e: usize) -> (&[u32], &[f32], &[f32]) {
        let (a, b) = (self.offsets[e], self.offsets[e + 1]);
        (
            &self.others[a..b],
            &self.weights[a..b],
            &self.weighted_targets[a..b],
        )
    }
}

/// A trained ranking model: the item side (users are folded in on request).
#[derive(Debug, Clone, PartialEq)]
pub struct IalsModel {
    params: IalsParams,
    items: IdIndex,
    /// Row-major, `factors` per item.
    item_factors: Vec<f64>,
    /// `α₀ QᵀQ` (`factors × factors`, full): the unobserved part of every user's solve.
    gramian: Vec<f64>,
    /// The item factors column-major in f32, for ranking the catalogue (see [`crate::topn`]).
    item_columns: Vec<f32>,
    /// Users trained on (a user's vector counts `α₀ · users` in an item's penalty, and folding
    /// in needs the item count alike).
    users: usize,
}

/// An [`IalsModel`]'s contents, for storage.
#[derive(Debug, Clone, PartialEq)]
pub struct IalsParts {
    pub params: IalsParams,
    pub item_ids: Vec<u32>,
    /// Row-major, `factors` per item.
    pub item_factors: Vec<f64>,
    pub users: usize,
}

/// A user folded into the model, with what explaining their list needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Taste {
    pub factors: Vec<f64>,
    /// The rated items that pull the scores, as (item index, weight × target).
    evidence: Vec<(u32, f64)>,
    /// Cholesky factor of the solve's matrix.
    cholesky: Vec<f64>,
}

impl Taste {
    /// Whether any rating says what the user likes (without one every score is 0).
    pub fn is_informed(&self) -> bool {
        !self.evidence.is_empty()
    }
}

impl IalsModel {
    /// Approximate bytes the model holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::vec;
        self.items.heap_bytes()
            + vec(&self.item_factors)
            + vec(&self.gramian)
            + vec(&self.item_columns)
    }

    /// Trains on ratings given as three parallel columns of external ids and values.
    pub fn fit(
        params: &ValidIalsParams,
        users: &[u32],
        items: &[u32],
        values: &[f32],
    ) -> Result<IalsModel> {
        Ok(train(params, users, items, values, |_, _| {})?.0)
    }

    pub fn params(&self) -> &IalsParams {
        &self.params
    }

    /// The items the model ranks; an item's position there is its place in every score vector.
    pub fn items(&self) -> &IdIndex {
        &self.items
    }

    /// Everything the model holds, for storing it.
    pub fn to_parts(&self) -> IalsParts {
        IalsParts {
            params: self.params,
            item_ids: self.items.ids().to_vec(),
            item_factors: self.item_factors.clone(),
            users: self.users,
        }
    }

    /// A model from stored parts, checked: valid parameters, lengths matching, ids unique,
    /// numbers finite.
    pub fn from_parts(parts: IalsParts) -> Result<IalsModel> {
        let k = parts.params.validate()?.get().factors;
        let bad = |what: &str| Err(EngineError::Input(format!("stored iALS model: {what}")));
        if parts.item_factors.len() != parts.item_ids.len() * k {
            return bad("the item factors do not match the item ids and factor count");
        }
        if !parts.item_factors.iter().all(|x| x.is_finite()) {
            return bad("a value is not a finite number");
        }
        let Some(items) = IdIndex::new(parts.item_ids) else {
            return bad("an id appears twice");
        };
        Ok(IalsModel::assemble(
            parts.params,
            items,
            parts.item_factors,
            parts.users,
        ))
    }

    /// The model from its checked contents, with what serving derives from them.
    fn assemble(params: IalsParams, items: IdIndex, item_factors: Vec<f64>, users: usize) -> Self {
        let k = params.factors;
        IalsModel {
            gramian: gramian(&item_factors, k, params.unobserved_weight),
            item_columns: crate::topn::columns(&item_factors, k),
            params,
            items,
            item_factors,
            users,
        }
    }

    fn item_row(&self, i: usize) -> &[f64] {
        let k = self.params.factors;
        &self.item_factors[i * k..(i + 1) * k]
    }

    /// Folds a user in from their ratings (external item id, value) with one exact solve,
    /// the items fixed. Unknown items and non-observations are ignored; the last rating of an
    /// item counts.
    pub fn fold_in(&self, ratings: &[(u32, f32)]) -> Taste {
        self.fold_in_with(ratings, &[], 0.0)
    }

    /// [`IalsModel::fold_in`], with the items the user dismissed ("not interested") as
    /// negative evidence: observations of target 0 and weight `weight` (items also rated count
    /// as rated).
    pub fn fold_in_with(&self, ratings: &[(u32, f32)], dismissed: &[u32], weight: f64) -> Taste {
        let k = self.params.factors;
        let mut seen = HashSet::new();
        let mut observed: Vec<(u32, f64, f64)> = ratings
            .iter()
            .rev()
            .filter(|(item, _)| seen.insert(*item))
            .filter_map(|&(item, v)| {
                let i = self.items.position(item)?;
                let (w, t) = self.params.observe(v)?;
                Some((i, w, w * t))
            })
            .collect();
        if weight > 0.0 {
            observed.extend(
                dismissed
                    .iter()
                    .filter(|item| seen.insert(**item))
                    .filter_map(|item| Some((self.items.position(*item)?, weight, 0.0))),
            );
        }
        let evidence: Vec<(u32, f64)> = observed
            .iter()
            .filter(|o| o.2 != 0.0)
            .map(|&(i, _, wt)| (i, wt))
            .collect();
        if evidence.is_empty() {
            return Taste {
                factors: vec![0.0; k],
                evidence,
                cholesky: Vec::new(),
            };
        }
        let mut a = self.gramian.clone();
        let mut b = vec![0.0; k];
        for &(i, w, wt) in &observed {
            add_outer(&mut a, &mut b, self.item_row(i as usize), w, wt);
        }
        let penalty = self
            .params
            .penalty(observed.len(), evidence.len(), self.items.len());
        for d in 0..k {
            a[d * k + d] += penalty;
        }
        if !cholesky_solve(&mut a, &mut b, k) {
            return Taste {
                factors: vec![0.0; k],
                evidence: Vec::new(),
                cholesky: Vec::new(),
            };
        }
        Taste {
            factors: b,
            evidence,
            cholesky: a,
        }
    }

    /// The model's score of one item for a folded-in user.
    pub fn score(&self, taste: &Taste, item: u32) -> Option<f64> {
        let i = self.items.position(item)?;
        Some(dot(&taste.factors, self.item_row(i as usize)))
    }

    /// The `k` best items for a user, best first (ties: the smaller id), leaving out `exclude`
    /// (external ids) and items `accept` refuses. `accept` sees candidates once each, best
    /// first, so it may cap what it has taken (e.g. per franchise).
    pub fn recommend(
        &self,
        taste: &Taste,
        k: usize,
        exclude: &HashSet<u32>,
        accept: impl FnMut(u32) -> bool,
    ) -> Vec<Ranked> {
        crate::ranking::best_ranked(
            &self.scores(taste),
            &self.items,
            k,
            exclude,
            std::iter::empty(),
            accept,
            |i| self.contributions(taste, i),
        )
    }

    /// Every item's score for the user, in the order of [`IalsModel::items`].
    pub fn scores(&self, taste: &Taste) -> Vec<f32> {
        let factors: Vec<f32> = taste.factors.iter().map(|&x| x as f32).collect();
        let mut scores = vec![0.0; self.items.len()];
        crate::topn::add_factor_scores(&mut scores, &self.item_columns, &factors);
        scores
    }

    /// The cosine of `item`'s factors with every item's, in the order of [`IalsModel::items`];
    /// `None` for an unknown item.
    pub fn affinity(&self, item: u32) -> Option<Vec<f32>> {
        let i = self.items.position(item)?;
        let q: Vec<f32> = self
            .item_row(i as usize)
            .iter()
            .map(|&x| x as f32)
            .collect();
        let mut dots = vec![0.0; self.items.len()];
        crate::topn::add_factor_scores(&mut dots, &self.item_columns, &q);
        let norm = |j: usize| dot(self.item_row(j), self.item_row(j)).sqrt();
        let own = norm(i as usize);
        Some(
            dots.iter()
                .enumerate()
                .map(|(j, &d)| {
                    let n = own * norm(j);
                    if n > 0.0 {
                        (f64::from(d) / n) as f32
                    } else {
                        0.0
                    }
                })
                .collect(),
        )
    }

    /// Every rated item's exact share in the score of `item`, as (rated item, contribution),
    /// largest first; the contributions sum to the score. `None` for an unknown item.
    pub fn explain(&self, taste: &Taste, item: u32) -> Option<Vec<(u32, f64)>> {
        let i = self.items.position(item)?;
        Some(self.contributions(taste, i as usize))
    }

    fn contributions(&self, taste: &Taste, i: usize) -> Vec<(u32, f64)> {
        let k = self.params.factors;
        if taste.cholesky.len() != k * k {
            return Vec::new();
        }
        // score_i = qᵢᵀ A⁻¹ b = Σ_j (w_j t_j) q_jᵀ (A⁻¹ qᵢ).
        let mut v = self.item_row(i).to_vec();
        cholesky_resolve(&taste.cholesky, &mut v, k);
        let mut terms: Vec<(u32, f64)> = taste
            .evidence
            .iter()
            .map(|&(j, wt)| {
                (
                    self.items.ids()[j as usize],
                    wt * dot(self.item_row(j as usize), &v),
                )
            })
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms
    }
}

/// Trains; returns the model and the users in their index order. Calls
/// `after_iteration(iteration, loss_of)` after each full pass, where `loss_of`
/// computes the objective (tests watch it fall).
fn train(
    params: &ValidIalsParams,
    users: &[u32],
    items: &[u32],
    values: &[f32],
    mut after_iteration: impl FnMut(usize, &dyn Fn() -> f64),
) -> Result<(IalsModel, Vec<u32>)> {
    let p = *params.get();
    if users.len() != items.len() || users.len() != values.len() {
        return Err(EngineError::Input(
            "ratings columns differ in length".into(),
        ));
    }
    // Observations only: the rest is the unobserved mass the Gramian accounts for.
    let (mut ou, mut oi, mut obs) = (Vec::new(), Vec::new(), Vec::new());
    for ((&u, &i), &v) in users.iter().zip(items).zip(values) {
        if let Some((w, t)) = p.observe(v) {
            ou.push(u);
            oi.push(i);
            obs.push((w as f32, t as f32));
        }
    }
    if !obs.iter().any(|o| o.1 > 0.0) {
        return Err(EngineError::Input(
            "no rating counts as a positive to learn from".into(),
        ));
    }
    let (user_ids, u_idx) = dense_positions(&ou);
    let (item_ids, i_idx) = dense_positions(&oi);
    let (nu, ni, k) = (user_ids.len(), item_ids.len(), p.factors);
    let by_user = Rows::build(nu, &u_idx, &i_idx, &obs);
    let by_item = Rows::build(ni, &i_idx, &u_idx, &obs);

    let mut rng = SplitMix64(p.seed);
    let scale = 0.1 / (k as f64).sqrt();
    let mut item_factors: Vec<f64> = (0..ni * k).map(|_| rng.normal() * scale).collect();
    let mut user_factors = vec![0.0; nu * k];
    for iteration in 0..p.iterations {
        solve_side(&by_user, &item_factors, &mut user_factors, &p);
        solve_side(&by_item, &user_factors, &mut item_factors, &p);
        after_iteration(iteration, &|| {
            loss(&by_user, &user_factors, &item_factors, ni, &p)
        });
    }
    // `index` lists each id once, so this cannot fail.
    let items = IdIndex::new(item_ids)
        .ok_or_else(|| EngineError::Input("an item id appears twice".into()))?;
    let model = IalsModel::assemble(p, items, item_factors, nu);
    Ok((model, user_ids))
}

/// `a += w q qᵀ` (lower triangle) and `b += wt q`.
#[inline]
fn add_outer(a: &mut [f64], b: &mut [f64], q: &[f64], w: f64, wt: f64) {
    let k = q.len();
    for r in 0..k {
        let s = w * q[r];
        b[r] += wt * q[r];
        for (o, &y) in a[r * k..=r * k + r].iter_mut().zip(&q[..=r]) {
            *o += s * y;
        }
    }
}

/// Solves every entity of one side, the other side held fixed.
fn solve_side(rows: &Rows, other: &[f64], factors: &mut [f64], p: &IalsParams) {
    let k = p.factors;
    let others = other.len() / k;
    let gram = gramian(other, k, p.unobserved_weight);
    // Conjugate gradient reads the other side's rows from an f32 copy (see `System::other`).
    let (narrow, gram32): (Vec<f32>, Vec<f32>) = if p.cg_steps == 0 {
        (Vec::new(), Vec::new())
    } else {
        (
            other.par_iter().map(|&x| x as f32).collect(),
            gram.iter().map(|&x| x as f32).collect(),
        )
    };
    factors
        .par_chunks_mut(k)
        .enumerate()
        .with_min_len(8)
        .for_each_init(
            || Scratch::new(k),
            |s, (e, x)| {
                let (os, ws, wts) = rows.row(e);
                let positives = wts.iter().filter(|&&wt| wt > 0.0).count();
                let penalty = p.penalty(os.len(), positives, others);
                if p.cg_steps == 0 {
                    s.a.copy_from_slice(&gram);
                    s.b.iter_mut().for_each(|v| *v = 0.0);
                    for ((&o, &w), &wt) in os.iter().zip(ws).zip(wts) {
                        let o = o as usize;
                        let q = &other[o * k..(o + 1) * k];
                        add_outer(&mut s.a, &mut s.b, q, f64::from(w), f64::from(wt));
                    }
                    for d in 0..k {
                        s.a[d * k + d] += penalty;
                    }
                    if cholesky_solve(&mut s.a, &mut s.b, k) {
                        x.copy_from_slice(&s.b);
                    }
                } else {
                    conjugate_gradient(s, x, &gram32, penalty, os, ws, wts, &narrow, p.cg_steps);
                }
            },
        );
}

/// Per-thread scratch of a side's solves.
struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    r: Vec<f64>,
    d: Vec<f64>,
    ad: Vec<f64>,
    /// The vector a sparse pass multiplies, and its sum, in f32 (see [`System::other`]).
    v32: Vec<f32>,
    sum32: Vec<f32>,
}

impl Scratch {
    fn new(k: usize) -> Scratch {
        Scratch {
            a: vec![0.0; k * k],
            b: vec![0.0; k],
            r: vec![0.0; k],
            d: vec![0.0; k],
            ad: vec![0.0; k],
            v32: vec![0.0; k],
            sum32: vec![0.0; k],
        }
    }
}

/// A few conjugate-gradient steps on `A x = b` from the current `x` (each step lowers the
/// objective; `k` steps solve it exactly in exact arithmetic).
///
/// This is where training spends its time, so it is compiled twice and picked at run time: for
/// CPUs with AVX2 and FMA (four times the f64 lanes of the x86-64 baseline's SSE2, and one
/// rounding per multiply-add, so the two builds differ in the last bits) and for the rest.
#[allow(clippy::too_many_arguments)]
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn conjugate_gradient(
    s: &mut Scratch,
    x: &mut [f64],
    gram: &[f32],
    penalty: f64,
    others: &[u32],
    weights: &[f32],
    weighted_targets: &[f32],
    other: &[f32],
    steps: usize,
) {
    let system = System {
        gram,
        penalty,
        others,
        weights,
        weighted_targets,
        other,
    };
    if multiversion::target::target_cfg_f!(target_feature = "fma") {
        cg_steps::<true>(s, x, &system, steps);
    } else {
        cg_steps::<false>(s, x, &system, steps);
    }
}

/// One entity's system `A = G + penalty I + Σ_j w_j q_j q_jᵀ`, `b = Σ_j (w_j t_j) q_j`, never
/// formed: its products are taken over the observations.
struct System<'a> {
    /// `α₀ QᵀQ` in f32.
    gram: &'a [f32],
    penalty: f64,
    others: &'a [u32],
    weights: &'a [f32],
    weighted_targets: &'a [f32],
    /// The other side's factors in f32, and the passes over the observations in f32 (twice the
    /// lanes, half the bytes read; as implicit and Spark train): the dense part and the
    /// conjugate-gradient vectors stay f64.
    other: &'a [f32],
}

impl System<'_> {
    /// Asks for the factors of the observation [`PREFETCH_AHEAD`] after the `n`-th: the rows
    /// are scattered over a matrix far larger than the caches, so waiting for each in turn is
    /// what bounds a pass.
    #[inline(always)]
    fn prefetch(&self, n: usize, k: usize) {
        if let Some(&ahead) = self.others.get(n + PREFETCH_AHEAD) {
            prefetch_row(self.other, ahead as usize * k, k);
        }
    }
}

/// [`conjugate_gradient`], with fused multiply-adds or not.
#[inline(always)]
fn cg_steps<const FMA: bool>(s: &mut Scratch, x: &mut [f64], a: &System, steps: usize) {
    // r = b − A x, in one pass over the observations.
    residual::<FMA>(&mut s.r, x, a, &mut s.v32, &mut s.sum32);
    s.d.copy_from_slice(&s.r);
    let mut rs = dot(&s.r, &s.r);
    for _ in 0..steps {
        if rs < 1e-20 {
            break;
        }
        apply::<FMA>(&mut s.ad, &s.d, a, &mut s.v32, &mut s.sum32);
        let curvature = dot(&s.d, &s.ad);
        if curvature <= 0.0 || !curvature.is_finite() {
            break;
        }
        let alpha = rs / curvature;
        for ((x, r), (&d, &ad)) in x.iter_mut().zip(&mut s.r).zip(s.d.iter().zip(&s.ad)) {
            *x += alpha * d;
            *r -= alpha * ad;
        }
        let next = dot(&s.r, &s.r);
        let beta = next / rs;
        for (d, &r) in s.d.iter_mut().zip(&s.r) {
            *d = r + beta * *d;
        }
        rs = next;
    }
}

/// `out = (G + penalty I) v`, the dense part of `A v`, `v32` being `v` in f32.
#[inline(always)]
fn dense_part<const FMA: bool>(out: &mut [f64], v: &[f64], v32: &[f32], a: &System) {
    let k = v.len();
    for (r, o) in out.iter_mut().enumerate() {
        *o = f64::from(dot32::<FMA>(&a.gram[r * k..(r + 1) * k], v32)) + a.penalty * v[r];
    }
}

/// `out = A v`, without forming `A`.
#[inline(always)]
fn apply<const FMA: bool>(
    out: &mut [f64],
    v: &[f64],
    a: &System,
    v32: &mut [f32],
    sum: &mut [f32],
) {
    let k = v.len();
    narrow(v32, v);
    dense_part::<FMA>(out, v, v32, a);
    sum.iter_mut().for_each(|x| *x = 0.0);
    for (n, (&j, &w)) in a.others.iter().zip(a.weights).enumerate() {
        a.prefetch(n, k);
        let q = &a.other[j as usize * k..(j as usize + 1) * k];
        axpy32::<FMA>(sum, w * dot32::<FMA>(q, v32), q);
    }
    for (o, &x) in out.iter_mut().zip(sum.iter()) {
        *o += f64::from(x);
    }
}

/// `out = b − A x`, without forming `A`: each observation's term `(w t − w (q·x)) q` at once.
#[inline(always)]
fn residual<const FMA: bool>(
    out: &mut [f64],
    x: &[f64],
    a: &System,
    x32: &mut [f32],
    sum: &mut [f32],
) {
    let k = x.len();
    narrow(x32, x);
    dense_part::<FMA>(out, x, x32, a);
    sum.iter_mut().for_each(|x| *x = 0.0);
    for (n, ((&j, &w), &wt)) in a
        .others
        .iter()
        .zip(a.weights)
        .zip(a.weighted_targets)
        .enumerate()
    {
        a.prefetch(n, k);
        let q = &a.other[j as usize * k..(j as usize + 1) * k];
        axpy32::<FMA>(sum, wt - w * dot32::<FMA>(q, x32), q);
    }
    for (o, &s) in out.iter_mut().zip(sum.iter()) {
        *o = f64::from(s) - *o;
    }
}

#[inline(always)]
fn narrow(out: &mut [f32], v: &[f64]) {
    for (o, &x) in out.iter_mut().zip(v) {
        *o = x as f32;
    }
}

/// The training objective (module docs) for the current factors.
fn loss(by_user: &Rows, users: &[f64], items: &[f64], ni: usize, p: &IalsParams) -> f64 {
    let k = p.factors;
    let nu = by_user.len();
    let gram = gramian(items, k, p.unobserved_weight);
    let mut total = 0.0;
    let mut gp = vec![0.0; k];
    for u in 0..nu {
        let pu = &users[u * k..(u + 1) * k];
        let (os, ws, wts) = by_user.row(u);
        for ((&i, &w), &wt) in os.iter().zip(ws).zip(wts) {
            let i = i as usize;
            let y = dot(pu, &items[i * k..(i + 1) * k]);
            let t = if w > 0.0 { f64::from(wt / w) } else { 0.0 };
            total += f64::from(w) * (t - y) * (t - y);
        }
        for (r, g) in gp.iter_mut().enumerate() {
            *g = dot(&gram[r * k..(r + 1) * k], pu);
        }
        let positives = wts.iter().filter(|&&wt| wt > 0.0).count();
        total += dot(pu, &gp) + p.penalty(os.len(), positives, ni) * dot(pu, pu);
    }
    // Items' penalties need their counts: the columns of the user rows.
    let mut counts = vec![(0usize, 0usize); ni];
    for (&i, &wt) in by_user.others.iter().zip(&by_user.weighted_targets) {
        let c = &mut counts[i as usize];
        c.0 += 1;
        c.1 += usize::from(wt > 0.0);
    }
    for (i, &(observed, positives)) in counts.iter().enumerate() {
        let q = &items[i * k..(i + 1) * k];
        total += p.penalty(observed, positives, nu) * dot(q, q);
    }
    total
}

#[cfg(test)]
mod tests;
