//! EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): a closed-form
//! item–item model for ranking. With `X` the binary user × item matrix of liked movies,
//! `P = (XᵀX + λI)⁻¹` and `B = I − P · diag(1 / diag P)` (zero diagonal), a user's score of item
//! `i` is `Σ_j x_j B[j, i]`: a sum with one exact term per liked movie, so folding a user in is
//! free and every score explains itself.
//!
//! `B` is dense, items², so the model keeps only the items with enough likes and refuses a
//! catalogue past [`EaseParams::max_items`]; the ranking model falls back to iALS there
//! (see [`crate::ranking`]).

use std::collections::{HashMap, HashSet};

use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};

use crate::ials::Feedback;
use crate::index::IdIndex;
use crate::ranking::Ranked;
use crate::{EngineError, Result};

/// EASE hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EaseParams {
    /// λ on the diagonal of the Gram matrix.
    pub lambda: f64,
    /// A movie enters the model with at least this many likes.
    pub min_likes: usize,
    /// The most items the model may hold (memory and time grow with its square and cube).
    pub max_items: usize,
    /// Which ratings are likes (the rows of `X`); weights and negatives are not used.
    pub feedback: Feedback,
    /// β of the popularity discount: every score of item `i` is divided by `likes_i^β`, so that
    /// films everybody watches do not crowd out the ones that fit this user (0: none).
    pub popularity_discount: f64,
    /// A rating below this is a dislike: negative evidence, like "not interested" (0: none).
    pub dislike_below: f32,
    /// Each dislike and each dismissed movie takes this times its row off every score (0: they
    /// are only left out of the lists).
    pub negative_weight: f32,
    /// Time decay of a user's ratings when they are folded in, in days: a rating this much
    /// older than the user's latest counts half as much, twice as old a quarter (0: no decay,
    /// every rating counts alike). Training is not decayed: the item-to-item weights hold
    /// what everybody's ratings say, whenever they were made.
    pub half_life_days: f64,
}

impl EaseParams {
    pub fn validate(&self) -> Result<()> {
        let bad = |name, reason: &str| {
            Err(EngineError::InvalidParameter {
                name,
                reason: reason.to_string(),
            })
        };
        if !(self.lambda.is_finite() && self.lambda > 0.0) {
            return bad("lambda", "must be a positive number");
        }
        if !(1..=50_000).contains(&self.max_items) {
            return bad("max_items", "must be from 1 to 50000");
        }
        if !(self.popularity_discount.is_finite()
            && (0.0..=1.0).contains(&self.popularity_discount))
        {
            return bad("popularity_discount", "must be from 0 to 1");
        }
        if !self.feedback.positive_from.is_finite() {
            return bad("feedback", "the positive threshold must be a number");
        }
        if !(self.dislike_below.is_finite() && self.dislike_below <= self.feedback.positive_from) {
            return bad(
                "dislike_below",
                "must be a number no higher than the like threshold",
            );
        }
        if !(self.negative_weight.is_finite() && (0.0..=10.0).contains(&self.negative_weight)) {
            return bad("negative_weight", "must be from 0 to 10");
        }
        if !(self.half_life_days.is_finite() && self.half_life_days >= 0.0) {
            return bad(
                "half_life_days",
                "must be 0 (no decay) or a positive number",
            );
        }
        Ok(())
    }

    fn likes(&self, rating: f32) -> bool {
        rating.is_finite() && rating >= self.feedback.positive_from
    }

    /// The items the model would hold: those with at least `min_likes` likes, most liked first.
    pub fn items(&self, items: &[u32], values: &[f32]) -> Vec<u32> {
        self.liked_items(items, values)
            .into_iter()
            .map(|x| x.1)
            .collect()
    }

    /// [`EaseParams::items`] with their like counts.
    fn liked_items(&self, items: &[u32], values: &[f32]) -> Vec<(usize, u32)> {
        let mut likes: HashMap<u32, usize> = HashMap::new();
        for (&i, &v) in items.iter().zip(values) {
            if self.likes(v) {
                *likes.entry(i).or_default() += 1;
            }
        }
        let mut kept: Vec<(usize, u32)> = likes
            .into_iter()
            .filter(|&(_, n)| n >= self.min_likes.max(1))
            .map(|(i, n)| (n, i))
            .collect();
        kept.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        kept
    }
}

/// A trained EASE model.
#[derive(Debug, Clone, PartialEq)]
pub struct EaseModel {
    params: EaseParams,
    items: IdIndex,
    /// Row-major `n × n`: row `j` holds liked item `j`'s weight towards every item.
    weights: Vec<f32>,
}

/// An [`EaseModel`]'s contents, for storage.
#[derive(Debug, Clone, PartialEq)]
pub struct EaseParts {
    pub params: EaseParams,
    pub item_ids: Vec<u32>,
    pub weights: Vec<f32>,
}

/// A user folded in: the indices of the movies they like, each with its weight (1, or less
/// for an older rating under a time decay).
#[derive(Debug, Clone, PartialEq)]
pub struct EaseTaste {
    liked: Vec<(u32, f32)>,
    /// Items the user disliked or said they are not interested in, each lowering every score
    /// by `negative_weight` times its row.
    against: Vec<u32>,
    negative_weight: f32,
}

impl EaseTaste {
    pub fn is_informed(&self) -> bool {
        !self.liked.is_empty()
    }

    /// The model positions of the liked films (never recommended back).
    pub(crate) fn liked_positions(&self) -> impl Iterator<Item = u32> + '_ {
        self.liked.iter().map(|x| x.0)
    }
}

impl EaseModel {
    /// Approximate bytes the model holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::vec;
        self.items.heap_bytes() + vec(&self.weights)
    }

    /// Trains on ratings given as three parallel columns of external ids and values.
    pub fn fit(params: &EaseParams, users: &[u32], items: &[u32], values: &[f32]) -> Result<Self> {
        params.validate()?;
        if users.len() != items.len() || users.len() != values.len() {
            return Err(EngineError::Input(
                "ratings columns differ in length".into(),
            ));
        }
        let liked = params.liked_items(items, values);
        let item_ids: Vec<u32> = liked.iter().map(|x| x.1).collect();
        let n = item_ids.len();
        if n == 0 {
            return Err(EngineError::Input(format!(
                "no movie has {} likes to learn from",
                params.min_likes
            )));
        }
        if n > params.max_items {
            return Err(EngineError::Input(format!(
                "{n} movies are more than EASE's limit of {}",
                params.max_items
            )));
        }
        let index = IdIndex::new(item_ids)
            .ok_or_else(|| EngineError::Input("a liked item appears twice".into()))?;
        // XᵀX from each user's liked items.
        let mut by_user: HashMap<u32, Vec<u32>> = HashMap::new();
        for ((&u, &i), &v) in users.iter().zip(items).zip(values) {
            if params.likes(v)
                && let Some(i) = index.position(i)
            {
                by_user.entry(u).or_default().push(i);
            }
        }
        let mut gram = Mat::<f64>::zeros(n, n);
        for liked in by_user.values_mut() {
            liked.sort_unstable();
            liked.dedup();
            for &a in liked.iter() {
                for &b in liked.iter() {
                    gram[(a as usize, b as usize)] += 1.0;
                }
            }
        }
        for d in 0..n {
            gram[(d, d)] += params.lambda;
        }
        let p = gram
            .as_ref()
            .llt(Side::Lower)
            .map_err(|_| EngineError::Input("the Gram matrix is not positive definite".into()))?
            .inverse();
        let discount: Vec<f64> = liked
            .iter()
            .map(|&(likes, _)| (likes as f64).powf(-params.popularity_discount))
            .collect();
        let mut weights = vec![0f32; n * n];
        for j in 0..n {
            for i in 0..n {
                if i != j {
                    weights[j * n + i] = (-p[(j, i)] / p[(i, i)] * discount[i]) as f32;
                }
            }
        }
        Ok(EaseModel {
            params: *params,
            items: index,
            weights,
        })
    }

    pub fn params(&self) -> &EaseParams {
        &self.params
    }

    /// Changes how users are folded in (which ratings are dislikes, and how much a dislike or
    /// dismissal counts), which needs no refit; values [`EaseParams::validate`] refuses are
    /// refused.
    pub fn set_fold_in(
        &mut self,
        dislike_below: f32,
        negative_weight: f32,
        half_life_days: f64,
    ) -> Result<()> {
        let params = EaseParams {
            dislike_below,
            negative_weight,
            half_life_days,
            ..self.params
        };
        params.validate()?;
        self.params = params;
        Ok(())
    }

    /// The items the model ranks; an item's position there is its place in every score vector.
    pub fn items(&self) -> &IdIndex {
        &self.items
    }

    pub fn to_parts(&self) -> EaseParts {
        EaseParts {
            params: self.params,
            item_ids: self.items.ids().to_vec(),
            weights: self.weights.clone(),
        }
    }

    /// A model from stored parts, checked.
    pub fn from_parts(parts: EaseParts) -> Result<Self> {
        parts.params.validate()?;
        let bad = |what: &str| Err(EngineError::Input(format!("stored EASE model: {what}")));
        let n = parts.item_ids.len();
        if parts.weights.len() != n * n {
            return bad("the weights do not match the item ids");
        }
        if !parts.weights.iter().all(|x| x.is_finite()) {
            return bad("a value is not a finite number");
        }
        let Some(items) = IdIndex::new(parts.item_ids) else {
            return bad("an id appears twice");
        };
        Ok(EaseModel {
            params: parts.params,
            items,
            weights: parts.weights,
        })
    }

    /// A user from their ratings (external id, value): the liked movies the model knows, and
    /// the disliked ones as negative evidence of the model's [`EaseParams::negative_weight`].
    /// Without times, no rating is older than another: none decays.
    pub fn fold_in(&self, ratings: &[(u32, f32)]) -> EaseTaste {
        self.fold_in_with(ratings, &[], &[], self.params.negative_weight)
    }

    /// [`EaseModel::fold_in`], with when each rating was made (`rated_at`, Unix seconds, in the
    /// order of `ratings`; empty: unknown, no decay) and the items the user dismissed ("not
    /// interested") as negative evidence too: each dislike and dismissal takes `weight` times
    /// its row off every score. Under [`EaseParams::half_life_days`] a liked movie counts
    /// `0.5^(age / half-life)`, its age taken from the user's latest rating; a later rating of
    /// the same movie replaces an earlier one.
    pub fn fold_in_with(
        &self,
        ratings: &[(u32, f32)],
        rated_at: &[i64],
        dismissed: &[u32],
        weight: f32,
    ) -> EaseTaste {
        let timed = rated_at.len() == ratings.len() && self.params.half_life_days > 0.0;
        let latest = if timed {
            rated_at.iter().copied().max().unwrap_or(0)
        } else {
            0
        };
        let mut last: HashMap<u32, (f32, i64)> = HashMap::new();
        for (n, &(item, v)) in ratings.iter().enumerate() {
            let at = if timed { rated_at[n] } else { latest };
            last.insert(item, (v, at));
        }
        let decay = |at: i64| {
            if timed {
                crate::recency::weight(latest, at, self.params.half_life_days) as f32
            } else {
                1.0
            }
        };
        let mut liked: Vec<(u32, f32)> = last
            .iter()
            .filter(|&(_, &(v, _))| self.params.likes(v))
            .filter_map(|(item, &(_, at))| Some((self.items.position(*item)?, decay(at))))
            .collect();
        liked.sort_unstable_by_key(|x| x.0);
        let disliked = last
            .iter()
            .filter(|&(_, &(v, _))| v.is_finite() && v < self.params.dislike_below)
            .map(|(item, _)| *item);
        let dismissed = dismissed
            .iter()
            .filter(|item| !last.contains_key(item))
            .copied();
        let mut against: Vec<u32> = disliked
            .chain(dismissed)
            .filter_map(|item| self.items.position(item))
            .collect();
        against.sort_unstable();
        against.dedup();
        EaseTaste {
            liked,
            against: if weight > 0.0 { against } else { Vec::new() },
            negative_weight: weight,
        }
    }

    fn row(&self, j: u32) -> &[f32] {
        let n = self.items.len();
        &self.weights[j as usize * n..(j as usize + 1) * n]
    }

    /// The `k` best items, as [`crate::ials::IalsModel::recommend`].
    pub fn recommend(
        &self,
        taste: &EaseTaste,
        k: usize,
        exclude: &HashSet<u32>,
        accept: impl FnMut(u32) -> bool,
    ) -> Vec<Ranked> {
        let liked = taste.liked_positions().map(|j| j as usize);
        crate::ranking::best_ranked(
            &self.scores(taste),
            &self.items,
            k,
            exclude,
            liked,
            accept,
            |i| self.contributions(taste, i),
        )
    }

    /// Every item's score for the user, in the order of [`EaseModel::items`].
    pub fn scores(&self, taste: &EaseTaste) -> Vec<f32> {
        let mut scores = vec![0f32; self.items.len()];
        for &(j, weight) in &taste.liked {
            let row = self.row(j);
            // Without a decay every weight is 1: the plain sum, as before the decay existed.
            if weight == 1.0 {
                scores.iter_mut().zip(row).for_each(|(s, &w)| *s += w);
            } else {
                scores
                    .iter_mut()
                    .zip(row)
                    .for_each(|(s, &w)| *s += weight * w);
            }
        }
        for &d in &taste.against {
            for (s, &w) in scores.iter_mut().zip(self.row(d)) {
                *s -= taste.negative_weight * w;
            }
        }
        scores
    }

    /// How much liking `item` raises every item's score (its row of B), in the order of
    /// [`EaseModel::items`]; `None` for an unknown item.
    pub fn affinity(&self, item: u32) -> Option<Vec<f32>> {
        let j = self.items.position(item)?;
        Some(self.row(j).to_vec())
    }

    /// Each liked movie's term in the score of `item`, largest first; they sum to the score.
    pub fn explain(&self, taste: &EaseTaste, item: u32) -> Option<Vec<(u32, f64)>> {
        let i = self.items.position(item)?;
        Some(self.contributions(taste, i as usize))
    }

    fn contributions(&self, taste: &EaseTaste, i: usize) -> Vec<(u32, f64)> {
        let weight = f64::from(taste.negative_weight);
        let mut terms: Vec<(u32, f64)> = taste
            .liked
            .iter()
            .map(|&(j, weight)| {
                (
                    self.items.ids()[j as usize],
                    f64::from(weight) * f64::from(self.row(j)[i]),
                )
            })
            .chain(taste.against.iter().map(|&d| {
                (
                    self.items.ids()[d as usize],
                    -weight * f64::from(self.row(d)[i]),
                )
            }))
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::cholesky_solve;
    use crate::rng::SplitMix64;

    fn params(lambda: f64) -> EaseParams {
        EaseParams {
            lambda,
            min_likes: 1,
            max_items: 100,
            feedback: Feedback {
                positive_from: 3.5,
                value_weight: 0.0,
                negative_weight: 0.0,
            },
            popularity_discount: 0.0,
            dislike_below: 0.0,
            negative_weight: 0.0,
            half_life_days: 0.0,
        }
    }

    fn random_ratings(seed: u64) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
        let mut rng = SplitMix64(seed);
        let (mut us, mut is, mut vs) = (Vec::new(), Vec::new(), Vec::new());
        for u in 0..30 {
            for i in 0..12 {
                if rng.uniform() < 0.4 {
                    us.push(u);
                    is.push(i);
                    vs.push(if rng.uniform() < 0.7 { 4.5 } else { 2.0 });
                }
            }
        }
        (us, is, vs)
    }

    /// B from the definition, by solving P's columns one at a time with the dense Cholesky.
    fn reference(model: &EaseModel, us: &[u32], is: &[u32], vs: &[f32], lambda: f64) -> Vec<f64> {
        let n = model.items.len();
        let mut x: HashMap<u32, HashSet<usize>> = HashMap::new();
        for ((&u, &i), &v) in us.iter().zip(is).zip(vs) {
            if v >= 3.5 {
                x.entry(u)
                    .or_default()
                    .insert(model.items.position(i).unwrap() as usize);
            }
        }
        let mut g = vec![0.0; n * n];
        for liked in x.values() {
            for &a in liked {
                for &b in liked {
                    g[a * n + b] += 1.0;
                }
            }
        }
        for d in 0..n {
            g[d * n + d] += lambda;
        }
        let mut p = vec![0.0; n * n];
        for c in 0..n {
            let mut a = g.clone();
            let mut e = vec![0.0; n];
            e[c] = 1.0;
            assert!(cholesky_solve(&mut a, &mut e, n));
            for r in 0..n {
                p[r * n + c] = e[r];
            }
        }
        let mut b = vec![0.0; n * n];
        for j in 0..n {
            for i in 0..n {
                if i != j {
                    b[j * n + i] = -p[j * n + i] / p[i * n + i];
                }
            }
        }
        b
    }

    #[test]
    fn equals_the_dense_reference() {
        for seed in [1, 2] {
            let (us, is, vs) = random_ratings(seed);
            let model = EaseModel::fit(&params(5.0), &us, &is, &vs).unwrap();
            let want = reference(&model, &us, &is, &vs, 5.0);
            for (got, want) in model.weights.iter().zip(&want) {
                assert!((f64::from(*got) - want).abs() < 1e-6, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn scores_are_sums_of_liked_rows_and_lists_leave_out_what_was_rated() {
        let (us, is, vs) = random_ratings(3);
        let model = EaseModel::fit(&params(2.0), &us, &is, &vs).unwrap();
        let mine = [(0, 5.0), (1, 4.0), (2, 1.0)];
        let taste = model.fold_in(&mine);
        assert!(taste.is_informed());
        let exclude: HashSet<u32> = mine.iter().map(|r| r.0).collect();
        let list = model.recommend(&taste, 5, &exclude, |_| true);
        assert_eq!(list.len(), 5);
        for pair in list.windows(2) {
            assert!(pair[0].score >= pair[1].score);
        }
        for r in &list {
            assert!(!exclude.contains(&r.item));
            let parts = model.explain(&taste, r.item).unwrap();
            assert_eq!(parts.len(), 2, "two liked movies, two terms");
            let sum: f64 = parts.iter().map(|p| p.1).sum();
            assert!((sum - f64::from(r.score)).abs() < 1e-5);
            assert!(
                r.because.iter().all(|b| b.0 != 2),
                "a disliked movie is no reason"
            );
        }
        assert_eq!(EaseModel::from_parts(model.to_parts()).unwrap(), model);
        let mut bad = model.to_parts();
        bad.weights.pop();
        assert!(EaseModel::from_parts(bad).is_err());
    }

    #[test]
    fn affinity_is_what_liking_one_item_adds_to_each_score() {
        let (us, is, vs) = random_ratings(3);
        let model = EaseModel::fit(&params(2.0), &us, &is, &vs).unwrap();
        let item = model.items().ids()[0];
        let affinity = model.affinity(item).unwrap();
        let alone = model.scores(&model.fold_in(&[(item, 5.0)]));
        assert_eq!(affinity, alone);
        assert_eq!(model.affinity(u32::MAX), None);
    }

    #[test]
    fn a_dismissal_takes_its_row_off_every_score_and_explanations_stay_exact() {
        let (us, is, vs) = random_ratings(3);
        let model = EaseModel::fit(&params(2.0), &us, &is, &vs).unwrap();
        let (liked, gone) = (model.items().ids()[0], model.items().ids()[1]);
        let mine = [(liked, 5.0)];
        let plain = model.scores(&model.fold_in(&mine));
        let taste = model.fold_in_with(&mine, &[], &[gone, gone], 0.5);
        let row = model.affinity(gone).unwrap();
        for (i, s) in model.scores(&taste).iter().enumerate() {
            assert!((s - (plain[i] - 0.5 * row[i])).abs() < 1e-6);
            let terms = model.explain(&taste, model.items().ids()[i]).unwrap();
            let sum: f64 = terms.iter().map(|t| t.1).sum();
            assert!((sum - f64::from(*s)).abs() < 1e-5, "{sum} vs {s}");
        }
        // Weight 0, or a film the user rated, changes nothing.
        assert_eq!(
            model.scores(&model.fold_in_with(&mine, &[], &[gone], 0.0)),
            plain
        );
        assert_eq!(
            model.scores(&model.fold_in_with(&mine, &[], &[liked], 0.5)),
            plain
        );
    }

    #[test]
    fn a_low_rating_counts_against_the_items_liked_with_it() {
        let (us, is, vs) = random_ratings(3);
        let fitted = EaseModel::fit(&params(2.0), &us, &is, &vs).unwrap();
        let model = EaseModel {
            params: EaseParams {
                dislike_below: 2.5,
                negative_weight: 0.5,
                ..params(2.0)
            },
            ..fitted
        };
        let (liked, hated, middling) = (
            model.items().ids()[0],
            model.items().ids()[1],
            model.items().ids()[2],
        );
        let plain = model.scores(&model.fold_in(&[(liked, 5.0)]));
        // A 1.5 is a dislike: as if dismissed at the model's weight.
        let low = model.scores(&model.fold_in(&[(liked, 5.0), (hated, 1.5)]));
        let dismissed = model.scores(&model.fold_in_with(&[(liked, 5.0)], &[], &[hated], 0.5));
        assert_eq!(low, dismissed);
        assert_ne!(low, plain);
        // A 3 is neither a like nor a dislike.
        let neutral = model.scores(&model.fold_in(&[(liked, 5.0), (middling, 3.0)]));
        assert_eq!(neutral, plain);
        // A dislike threshold above the like threshold is refused.
        let bad = EaseParams {
            dislike_below: 4.0,
            ..params(2.0)
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn an_older_like_counts_less_under_a_half_life_and_explanations_stay_exact() {
        let (us, is, vs) = random_ratings(3);
        let fitted = EaseModel::fit(&params(2.0), &us, &is, &vs).unwrap();
        let (old, new) = (fitted.items().ids()[0], fitted.items().ids()[1]);
        let mine = [(old, 5.0), (new, 4.5)];
        let day = 86_400;
        let at = [100 * day, 130 * day];
        let mut model = fitted.clone();
        // No decay: the times change nothing.
        let plain = model.scores(&model.fold_in(&mine));
        assert_eq!(
            model.scores(&model.fold_in_with(&mine, &at, &[], 0.0)),
            plain
        );
        // A half-life of 30 days: the like 30 days before the latest counts half.
        model.set_fold_in(0.0, 0.0, 30.0).unwrap();
        let taste = model.fold_in_with(&mine, &at, &[], 0.0);
        let (row_old, row_new) = (model.affinity(old).unwrap(), model.affinity(new).unwrap());
        for (i, s) in model.scores(&taste).iter().enumerate() {
            assert!((s - (0.5 * row_old[i] + row_new[i])).abs() < 1e-6);
            let terms = model.explain(&taste, model.items().ids()[i]).unwrap();
            let sum: f64 = terms.iter().map(|t| t.1).sum();
            assert!((sum - f64::from(*s)).abs() < 1e-5, "{sum} vs {s}");
        }
        // Without times (or with times that do not match the ratings) nothing decays.
        assert_eq!(model.scores(&model.fold_in(&mine)), plain);
        assert_eq!(
            model.scores(&model.fold_in_with(&mine, &at[..1], &[], 0.0)),
            plain
        );
        // A negative or non-finite half-life is refused.
        assert!(model.set_fold_in(0.0, 0.0, -1.0).is_err());
        assert!(model.set_fold_in(0.0, 0.0, f64::NAN).is_err());
    }

    #[test]
    fn refuses_a_catalogue_past_its_limit() {
        let (us, is, vs) = random_ratings(4);
        let small = EaseParams {
            max_items: 5,
            ..params(1.0)
        };
        assert!(EaseModel::fit(&small, &us, &is, &vs).is_err());
    }
}
