//! The ranking model of the personal lists: EASE where the catalogue's liked movies fit its
//! dense item × item matrix (blended with iALS where tuning finds the blend better, see
//! [`crate::blend`]), iALS past that (and for any catalogue when asked). Each folds a user in
//! from their current ratings without retraining, and each splits every score exactly into one
//! term per rated movie, which is what the explanations show.

use std::collections::HashSet;

use crate::Result;
use crate::blend::{BlendModel, BlendTaste};
use crate::ease::{EaseModel, EaseParams, EaseTaste};
use crate::ials::{Feedback, IalsModel, IalsParams, Taste};
use crate::index::IdIndex;

/// One ranked item.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub item: u32,
    /// The model's match (about 0 to 1: 1 fits the user's liked movies as well as they do).
    pub score: f32,
    /// The rated items that carry the score, with their shares of it, strongest first.
    pub because: Vec<(u32, f32)>,
}

impl Ranked {
    /// An item's entry from its exact per-rated-item terms (which sum to its score).
    pub(crate) fn from_contributions(item: u32, contributions: &[(u32, f64)]) -> Ranked {
        let score: f64 = contributions.iter().map(|c| c.1).sum();
        Ranked {
            item,
            score: score as f32,
            because: reasons(contributions, score),
        }
    }
}

/// The `k` best items by `scores` (in the order of `items`), best first, leaving out `exclude`
/// (external ids), the positions `also_excluded` and what `accept` refuses (asked once per
/// candidate, best first), each with its reasons from `terms` (the exact per-rated-item terms
/// of the score at a position): what every ranking model's `recommend` does once it has scored.
pub(crate) fn best_ranked(
    scores: &[f32],
    items: &IdIndex,
    k: usize,
    exclude: &HashSet<u32>,
    also_excluded: impl Iterator<Item = usize>,
    mut accept: impl FnMut(u32) -> bool,
    terms: impl Fn(usize) -> Vec<(u32, f64)>,
) -> Vec<Ranked> {
    let ids = items.ids();
    let excluded: HashSet<usize> = exclude
        .iter()
        .filter_map(|id| items.position(*id).map(|i| i as usize))
        .chain(also_excluded)
        .collect();
    crate::topn::take_best(scores, ids, k, &excluded, |i| accept(ids[i]))
        .into_iter()
        .map(|i| Ranked::from_contributions(ids[i], &terms(i)))
        .collect()
}

/// A rated movie is named as a reason only if it carries at least this share of the score.
pub const MIN_SHARE: f64 = 0.1;
/// At most this many reasons per recommendation.
pub const MAX_REASONS: usize = 3;

/// The reasons worth naming: the largest positive contributions, each at least [`MIN_SHARE`]
/// of a positive score, at most [`MAX_REASONS`], as shares.
fn reasons(contributions: &[(u32, f64)], score: f64) -> Vec<(u32, f32)> {
    if score <= 0.0 {
        return Vec::new();
    }
    contributions
        .iter()
        .map(|&(item, c)| (item, c / score))
        .filter(|&(_, share)| share >= MIN_SHARE)
        .take(MAX_REASONS)
        .map(|(item, share)| (item, share as f32))
        .collect()
}

/// iALS's weight of a "not interested" (an observation of target 0) where its tuning left low
/// ratings out, from the dismissal study (`nextflex evaluate --dismissal-weights`,
/// docs/benchmarks.md); EASE tunes its own.
pub const DISMISSAL_WEIGHT: f64 = 0.1;

/// How to train the ranking model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingParams {
    pub ease: EaseParams,
    pub ials: IalsParams,
    /// Always iALS, even where EASE fits.
    pub ials_only: bool,
    /// Where EASE fits: the weight of iALS's scores added to EASE's (see [`crate::blend`]);
    /// 0 fits EASE alone. Tuning sets it only where the blend wins on validation.
    pub ials_blend: f64,
}

impl RankingParams {
    /// Whether [`RankingModel::fit`] fits EASE on these ratings (rather than iALS).
    pub fn picks_ease(&self, items: &[u32], values: &[f32]) -> bool {
        !self.ials_only && self.ease.items(items, values).len() <= self.ease.max_items
    }

    /// The iALS of a blend: [`RankingParams::ials`], reading ratings as EASE does: a like from
    /// EASE's like threshold, anything lower an observation of 0 at EASE's dislike weight. With
    /// iALS's own rule (every rating a positive, by default) a film rated 1★ would pull its
    /// series up through iALS while EASE pushed it down.
    pub fn blend_ials(&self) -> IalsParams {
        IalsParams {
            feedback: Feedback {
                positive_from: self.ease.feedback.positive_from,
                negative_weight: f64::from(self.ease.negative_weight),
                ..self.ials.feedback
            },
            ..self.ials
        }
    }
}

impl Default for RankingParams {
    /// Where every training's search starts, and what a budget of 0 keeps: the values tuning
    /// finds on the demo's ratings (ml-latest-small, a validation tenth of each user's ratings
    /// carved from the random 80 % training part; docs/benchmarks.md, "Self-tuning"). Other
    /// data gets its own values: every training tunes (`nextflex_app::recommender::tuning`).
    fn default() -> Self {
        let ials = IalsParams::default();
        RankingParams {
            ease: EaseParams {
                lambda: 200.0,
                min_likes: 3,
                max_items: 12_000,
                popularity_discount: 0.1,
                feedback: Feedback {
                    positive_from: 3.5,
                    ..ials.feedback
                },
                dislike_below: 2.5,
                // The validation measure is flat in this weight on the demo (0 to 0.1 within the
                // search's 0.1 % step), so where the search starts decides; 0.1 is the weight the
                // "not interested" study found free (docs/benchmarks.md) and the one a person's
                // check needs: rating two Harry Potter films 1★ takes the series out of a fan's
                // top 10 (tests/it/taste.rs), which 0 does not. Data that says otherwise moves it.
                negative_weight: 0.1,
                // No decay unless the data says otherwise: on the random validation parts of
                // both files no half-life scored better than none (a rating's age says little
                // about a film picked at random from the user's ratings); on each user's latest
                // ratings (`evaluate --split time`) both chose 1,825 days (docs/benchmarks.md).
                half_life_days: 0.0,
            },
            ials,
            ials_only: false,
            // EASE alone, where the search starts: on the validation part of ml-latest-small's
            // random 80 % no weight of iALS gained 0.1 %; on ratings_small's, 0.5 did, and
            // there the blend ships (docs/benchmarks.md). Each training decides for its data.
            ials_blend: 0.0,
        }
    }
}

/// A trained ranking model.
#[derive(Debug, Clone, PartialEq)]
pub enum RankingModel {
    Ease(EaseModel),
    Ials(IalsModel),
    Blend(Box<BlendModel>),
}

/// A user folded into a [`RankingModel`].
#[derive(Debug, Clone, PartialEq)]
pub enum RankingTaste {
    Ease(EaseTaste),
    Ials(Taste),
    Blend(Box<BlendTaste>),
}

impl RankingTaste {
    /// Whether any rating says what the user likes (without one there is nothing to rank by).
    pub fn is_informed(&self) -> bool {
        match self {
            RankingTaste::Ease(t) => t.is_informed(),
            RankingTaste::Ials(t) => t.is_informed(),
            RankingTaste::Blend(t) => t.ease.is_informed(),
        }
    }
}

impl RankingModel {
    /// Approximate bytes the model holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        match self {
            RankingModel::Ease(m) => m.heap_bytes(),
            RankingModel::Ials(m) => m.heap_bytes(),
            RankingModel::Blend(m) => m.heap_bytes(),
        }
    }

    /// EASE when the liked movies fit [`EaseParams::max_items`] (and iALS is not asked for),
    /// blended with iALS where [`RankingParams::ials_blend`] is above 0; else iALS.
    pub fn fit(
        params: &RankingParams,
        users: &[u32],
        items: &[u32],
        values: &[f32],
    ) -> Result<RankingModel> {
        let ials = params.ials.validate()?;
        params.ease.validate()?;
        if params.picks_ease(items, values) {
            let ease = EaseModel::fit(&params.ease, users, items, values)?;
            if params.ials_blend > 0.0 {
                let ials = IalsModel::fit(&params.blend_ials().validate()?, users, items, values)?;
                let blend = BlendModel::new(ease, ials, params.ials_blend)?;
                Ok(RankingModel::Blend(Box::new(blend)))
            } else {
                Ok(RankingModel::Ease(ease))
            }
        } else {
            IalsModel::fit(&ials, users, items, values).map(RankingModel::Ials)
        }
    }

    /// `"ease"`, `"ials"` or `"ease+ials"`.
    pub fn name(&self) -> &'static str {
        match self {
            RankingModel::Ease(_) => "ease",
            RankingModel::Ials(_) => "ials",
            RankingModel::Blend(_) => "ease+ials",
        }
    }

    /// The EASE model, alone or in the blend.
    pub fn ease_mut(&mut self) -> Option<&mut EaseModel> {
        match self {
            RankingModel::Ease(m) => Some(m),
            RankingModel::Blend(m) => Some(m.ease_mut()),
            RankingModel::Ials(_) => None,
        }
    }

    /// The items the model ranks; an item's position there is its place in every score vector.
    pub fn items(&self) -> &IdIndex {
        match self {
            RankingModel::Ease(m) => m.items(),
            RankingModel::Ials(m) => m.items(),
            RankingModel::Blend(m) => m.items(),
        }
    }

    /// A user from their ratings, dislikes counted as [`RankingModel::negative_weight`] says.
    pub fn fold_in(&self, ratings: &[(u32, f32)]) -> RankingTaste {
        self.fold_in_with(ratings, &[], &[], self.negative_weight())
    }

    /// How much a dislike or a "not interested" counts against the films liked with it: EASE's
    /// tuned [`EaseParams::negative_weight`]; for iALS, whose low ratings enter through its
    /// [`Feedback`] rule, the tuned weight of a negative there, or [`DISMISSAL_WEIGHT`] where
    /// it has none (every rating a positive, as Spark's models and the defaults have it).
    pub fn negative_weight(&self) -> f64 {
        match self {
            RankingModel::Ease(m) => f64::from(m.params().negative_weight),
            RankingModel::Blend(m) => f64::from(m.ease().params().negative_weight),
            RankingModel::Ials(m) => ials_negative_weight(m),
        }
    }

    /// A user from their ratings, when each was made (`rated_at`, Unix seconds in the order of
    /// `ratings`, or empty), and the items they dismissed ("not interested"), each of which is
    /// negative evidence of `weight` (EASE: `weight` times its row off every score; iALS: an
    /// observation of target 0 and that weight); 0 leaves them out. EASE decays older ratings
    /// by its tuned [`EaseParams::half_life_days`]; iALS has no decay and ignores the times.
    pub fn fold_in_with(
        &self,
        ratings: &[(u32, f32)],
        rated_at: &[i64],
        dismissed: &[u32],
        weight: f64,
    ) -> RankingTaste {
        match self {
            RankingModel::Ease(m) => {
                RankingTaste::Ease(m.fold_in_with(ratings, rated_at, dismissed, weight as f32))
            }
            RankingModel::Ials(m) => RankingTaste::Ials(m.fold_in_with(ratings, dismissed, weight)),
            RankingModel::Blend(m) => RankingTaste::Blend(Box::new(m.fold_in_with(
                ratings,
                rated_at,
                dismissed,
                weight as f32,
                ials_negative_weight(m.ials()),
            ))),
        }
    }

    /// Every item's score for a user, in the order of [`RankingModel::items`]; a taste of the
    /// other kind scores every item 0.
    pub fn scores(&self, taste: &RankingTaste) -> Vec<f32> {
        match (self, taste) {
            (RankingModel::Ease(m), RankingTaste::Ease(t)) => m.scores(t),
            (RankingModel::Ials(m), RankingTaste::Ials(t)) => m.scores(t),
            (RankingModel::Blend(m), RankingTaste::Blend(t)) => m.scores(t),
            _ => vec![0.0; self.items().len()],
        }
    }

    /// How strongly liking `item` goes with liking every other item (the people who like one
    /// like the other), in the order of [`RankingModel::items`]: EASE's item-to-item weights
    /// (alone or in the blend), or the cosine of iALS's item factors. `None` for an item the
    /// model does not know.
    pub fn affinity(&self, item: u32) -> Option<Vec<f32>> {
        match self {
            RankingModel::Ease(m) => m.affinity(item),
            RankingModel::Ials(m) => m.affinity(item),
            RankingModel::Blend(m) => m.ease().affinity(item),
        }
    }

    /// The `k` best items for a user, best first, leaving out `exclude` and what `accept`
    /// refuses (asked once per candidate, best first). A taste of the other kind ranks nothing.
    pub fn recommend(
        &self,
        taste: &RankingTaste,
        k: usize,
        exclude: &HashSet<u32>,
        accept: impl FnMut(u32) -> bool,
    ) -> Vec<Ranked> {
        match (self, taste) {
            (RankingModel::Ease(m), RankingTaste::Ease(t)) => m.recommend(t, k, exclude, accept),
            (RankingModel::Ials(m), RankingTaste::Ials(t)) => m.recommend(t, k, exclude, accept),
            (RankingModel::Blend(m), RankingTaste::Blend(t)) => m.recommend(t, k, exclude, accept),
            _ => Vec::new(),
        }
    }
}

/// iALS's weight of a dismissal: its tuned weight of a negative, or [`DISMISSAL_WEIGHT`] where
/// it has none.
fn ials_negative_weight(m: &IalsModel) -> f64 {
    match m.params().feedback.negative_weight {
        w if w > 0.0 => w,
        _ => DISMISSAL_WEIGHT,
    }
}
