//! A blend of the two ranking models: EASE's score of a film plus a weight times iALS's. EASE
//! sees which films are liked together; iALS's factors also reach films no liked film of the
//! user co-occurs with. Both split a user's score exactly into one term per rated film, so the
//! blend does too (each film's EASE term plus the weight times its iALS term), and its
//! explanations stay exact. The blend ranks EASE's films; with a weight of 0 it ranks exactly as
//! EASE alone. Tuning decides the weight on validation, and a training keeps the blend only
//! where it scored better than EASE alone there (`nextflex_app::recommender::tuning`).

use std::collections::{HashMap, HashSet};

use crate::ease::{EaseModel, EaseTaste};
use crate::ials::{IalsModel, Taste};
use crate::index::IdIndex;
use crate::ranking::Ranked;
use crate::{EngineError, Result};

/// EASE and iALS, fitted on the same ratings, and the weight of iALS's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct BlendModel {
    ease: EaseModel,
    ials: IalsModel,
    ials_weight: f64,
    /// For each of EASE's films (in its order), its place in iALS's.
    ials_at: Vec<Option<u32>>,
}

/// A user folded into both models.
#[derive(Debug, Clone, PartialEq)]
pub struct BlendTaste {
    pub(crate) ease: EaseTaste,
    pub(crate) ials: Taste,
}

impl BlendModel {
    /// The blend of two models fitted on the same ratings; `ials_weight` must be a finite
    /// number from 0 to 100.
    pub fn new(ease: EaseModel, ials: IalsModel, ials_weight: f64) -> Result<BlendModel> {
        check_weight(ials_weight)?;
        let ials_at = ease
            .items()
            .ids()
            .iter()
            .map(|&id| ials.items().position(id))
            .collect();
        Ok(BlendModel {
            ease,
            ials,
            ials_weight,
            ials_at,
        })
    }

    pub fn ease(&self) -> &EaseModel {
        &self.ease
    }

    pub(crate) fn ease_mut(&mut self) -> &mut EaseModel {
        &mut self.ease
    }

    pub fn ials(&self) -> &IalsModel {
        &self.ials
    }

    pub fn ials_weight(&self) -> f64 {
        self.ials_weight
    }

    /// Changes the weight of iALS's scores, which needs no refit (tuning scores many).
    pub fn set_ials_weight(&mut self, ials_weight: f64) -> Result<()> {
        check_weight(ials_weight)?;
        self.ials_weight = ials_weight;
        Ok(())
    }

    /// Approximate bytes the model holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        self.ease.heap_bytes() + self.ials.heap_bytes() + crate::heap::vec(&self.ials_at)
    }

    /// The films the blend ranks: EASE's.
    pub fn items(&self) -> &IdIndex {
        self.ease.items()
    }

    /// A user folded into both models: EASE with `weight` for dislikes and dismissals and its
    /// time decay, iALS with `ials_negative` for dismissals (its own rule for low ratings).
    pub fn fold_in_with(
        &self,
        ratings: &[(u32, f32)],
        rated_at: &[i64],
        dismissed: &[u32],
        weight: f32,
        ials_negative: f64,
    ) -> BlendTaste {
        BlendTaste {
            ease: self.ease.fold_in_with(ratings, rated_at, dismissed, weight),
            ials: self.ials.fold_in_with(ratings, dismissed, ials_negative),
        }
    }

    /// Every film's score for the user, in the order of [`BlendModel::items`].
    pub fn scores(&self, taste: &BlendTaste) -> Vec<f32> {
        let mut scores = self.ease.scores(&taste.ease);
        if self.ials_weight > 0.0 {
            let (w, ials) = (self.ials_weight as f32, self.ials.scores(&taste.ials));
            for (s, at) in scores.iter_mut().zip(&self.ials_at) {
                if let Some(at) = at {
                    *s += w * ials[*at as usize];
                }
            }
        }
        scores
    }

    /// The `k` best films, as [`EaseModel::recommend`].
    pub fn recommend(
        &self,
        taste: &BlendTaste,
        k: usize,
        exclude: &HashSet<u32>,
        accept: impl FnMut(u32) -> bool,
    ) -> Vec<Ranked> {
        let ids = self.items().ids();
        let liked = taste.ease.liked_positions().map(|j| j as usize);
        crate::ranking::best_ranked(
            &self.scores(taste),
            self.items(),
            k,
            exclude,
            liked,
            accept,
            |i| self.contributions(taste, ids[i]),
        )
    }

    /// Each rated film's term in the score of `item` (its EASE term plus the weight times its
    /// iALS term), largest first; they sum to the score. `None` for a film EASE does not rank.
    pub fn explain(&self, taste: &BlendTaste, item: u32) -> Option<Vec<(u32, f64)>> {
        self.items().position(item)?;
        Some(self.contributions(taste, item))
    }

    fn contributions(&self, taste: &BlendTaste, item: u32) -> Vec<(u32, f64)> {
        let mut terms: HashMap<u32, f64> = HashMap::new();
        for (rated, c) in self.ease.explain(&taste.ease, item).unwrap_or_default() {
            *terms.entry(rated).or_default() += c;
        }
        if self.ials_weight > 0.0 {
            let w = self.ials_weight;
            for (rated, c) in self.ials.explain(&taste.ials, item).unwrap_or_default() {
                *terms.entry(rated).or_default() += w * c;
            }
        }
        let mut terms: Vec<(u32, f64)> = terms.into_iter().collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms
    }
}

fn check_weight(w: f64) -> Result<()> {
    if w.is_finite() && (0.0..=100.0).contains(&w) {
        Ok(())
    } else {
        Err(EngineError::InvalidParameter {
            name: "ials_weight",
            reason: "must be from 0 to 100".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ease::EaseParams;
    use crate::ials::IalsParams;
    use crate::ranking::RankingParams;
    use crate::rng::SplitMix64;

    fn ratings() -> (Vec<u32>, Vec<u32>, Vec<f32>) {
        let mut rng = SplitMix64(11);
        let (mut us, mut is, mut vs) = (Vec::new(), Vec::new(), Vec::new());
        for u in 0..60 {
            for i in 0..25 {
                if rng.uniform() < 0.35 {
                    us.push(u);
                    is.push(i);
                    vs.push(if (u + i) % 3 == 0 { 2.0 } else { 4.5 });
                }
            }
        }
        (us, is, vs)
    }

    fn models() -> (EaseModel, IalsModel) {
        let (us, is, vs) = ratings();
        let ease = EaseParams {
            min_likes: 1,
            ..RankingParams::default().ease
        };
        let ials = IalsParams {
            factors: 8,
            ..IalsParams::default()
        }
        .validate()
        .unwrap();
        (
            EaseModel::fit(&ease, &us, &is, &vs).unwrap(),
            IalsModel::fit(&ials, &us, &is, &vs).unwrap(),
        )
    }

    #[test]
    fn a_weight_of_zero_ranks_and_explains_exactly_as_ease_alone() {
        let (ease, ials) = models();
        let blend = BlendModel::new(ease.clone(), ials, 0.0).unwrap();
        let mine = [(1, 5.0), (4, 4.5), (7, 1.0)];
        let alone = ease.fold_in(&mine);
        let both = blend.fold_in_with(&mine, &[], &[3], 0.1, 0.1);
        let alone_with = ease.fold_in_with(&mine, &[], &[3], 0.1);
        assert_eq!(blend.scores(&both), ease.scores(&alone_with));
        assert_ne!(ease.scores(&alone), ease.scores(&alone_with));
        let none = HashSet::new();
        assert_eq!(
            blend.recommend(&both, 5, &none, |_| true),
            ease.recommend(&alone_with, 5, &none, |_| true)
        );
    }

    #[test]
    fn a_blended_score_is_both_scores_and_its_terms_sum_to_it() {
        let (ease, ials) = models();
        let blend = BlendModel::new(ease.clone(), ials.clone(), 0.5).unwrap();
        let mine = [(1, 5.0), (4, 4.5), (9, 4.0)];
        let taste = blend.fold_in_with(&mine, &[], &[], 0.1, 0.1);
        let (e, i) = (
            ease.scores(&ease.fold_in_with(&mine, &[], &[], 0.1)),
            ials.scores(&ials.fold_in_with(&mine, &[], 0.1)),
        );
        let scores = blend.scores(&taste);
        for (at, &id) in blend.items().ids().iter().enumerate() {
            let j = ials.items().position(id).unwrap() as usize;
            assert!((scores[at] - (e[at] + 0.5 * i[j])).abs() < 1e-5);
            let sum: f64 = blend.explain(&taste, id).unwrap().iter().map(|t| t.1).sum();
            assert!(
                (sum - f64::from(scores[at])).abs() < 1e-4,
                "{sum} vs {}",
                scores[at]
            );
        }
        assert!(BlendModel::new(ease.clone(), ials.clone(), -1.0).is_err());
        assert!(BlendModel::new(ease, ials, f64::NAN).is_err());
        let mut zero = blend.clone();
        zero.set_ials_weight(0.0).unwrap();
        assert_eq!(zero.scores(&taste), e);
        assert!(zero.set_ials_weight(f64::INFINITY).is_err());
    }
}
