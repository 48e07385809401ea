//! Similar movies from two signals: what a movie is (the content cosine of [`crate::content`])
//! and who likes it (the ranking model's item-to-item affinity, [`crate::ranking`]). Each signal
//! is scaled to 0–1 by the anchor's best neighbour on it, the two are mixed linearly, and the
//! mix is shrunk by a confidence prior `n / (n + prior)` on the candidate's rating count `n`, so
//! that a film a handful of people rated cannot fill the list on the strength of a shared
//! director or a noisy affinity. Films with fewer ratings than the minimum only pad a list that
//! would otherwise be short. Exactly `k` results where the candidates allow, never the anchor,
//! ties broken by the smaller id: the same inputs always give the same list.
//!
//! [`list_quality`] is the held-out measure the blend's weights were chosen on.

use std::collections::{HashMap, HashSet};

use crate::content::Neighbour;
use crate::metrics;

/// How the two signals are mixed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blend {
    /// The content signal's share, 0 to 1 (1: content only; 0: who-liked-what only).
    pub content_weight: f32,
    /// The confidence prior: a candidate's score is multiplied by `n / (n + prior)` for its `n`
    /// ratings (0: no prior).
    pub prior: f32,
    /// Films with fewer ratings only pad a short list.
    pub min_ratings: u64,
}

impl Default for Blend {
    /// Chosen with `nextflex evaluate --similar --validation` on ml-latest-small with the demo
    /// catalogue (docs/benchmarks.md, "Similar movies"): a content share of 0.4 beats either
    /// signal alone at the same prior on the validation and the test part, and a prior of 50
    /// ratings beats 0, 10 and 20. Stronger priors and smaller content shares score a little
    /// higher still, but their lists drift towards the catalogue's blockbusters, away from what
    /// the film is like.
    fn default() -> Self {
        Blend {
            content_weight: 0.4,
            prior: 50.0,
            min_ratings: crate::charts::LIST_MIN_RATINGS,
        }
    }
}

/// How many of the anchor's best collaborative neighbours are candidates.
pub const COLLABORATIVE_CANDIDATES: usize = 200;

/// A similar movie with what it owes to each signal (each 0 to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similar {
    pub id: i64,
    pub score: f32,
    pub content: f32,
    pub collaborative: f32,
}

/// The `k` movies most like `anchor`. `content`: its content neighbours (any order, cosines);
/// `collaborative`: the affinity of every item the ranking model knows (any order; empty
/// without a model or for a movie it does not know); `ratings(id)`: a movie's rating count.
pub fn blend(
    anchor: i64,
    content: &[Neighbour],
    collaborative: &[(i64, f32)],
    ratings: impl Fn(i64) -> u64,
    params: &Blend,
    k: usize,
) -> Vec<Similar> {
    let w = params.content_weight.clamp(0.0, 1.0);
    let top = |scores: &mut dyn Iterator<Item = f32>| scores.fold(0f32, f32::max);
    let content_max = top(&mut content.iter().map(|n| n.score));
    let mut best: Vec<(i64, f32)> = collaborative
        .iter()
        .copied()
        .filter(|&(id, a)| id != anchor && a > 0.0 && a.is_finite())
        .collect();
    // Only the best few hundred of a catalogue's affinities are candidates: select them, then
    // sort those alone (the order is total, so the same ones every time).
    let order = |x: &(i64, f32), y: &(i64, f32)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
    if best.len() > COLLABORATIVE_CANDIDATES {
        best.select_nth_unstable_by(COLLABORATIVE_CANDIDATES - 1, order);
        best.truncate(COLLABORATIVE_CANDIDATES);
    }
    best.sort_by(order);
    let collaborative_max = best.first().map_or(0.0, |b| b.1);
    let scaled = |x: f32, max: f32| if max > 0.0 { (x / max).max(0.0) } else { 0.0 };

    let mut signals: HashMap<i64, (f32, f32)> = HashMap::new();
    for n in content.iter().filter(|n| n.id != anchor) {
        signals.entry(n.id).or_default().0 = scaled(n.score, content_max);
    }
    for &(id, a) in &best {
        signals.entry(id).or_default().1 = scaled(a, collaborative_max);
    }
    let mut scored: Vec<(bool, Similar)> = signals
        .into_iter()
        .map(|(id, (c, a))| {
            let n = ratings(id);
            let confidence = if params.prior > 0.0 {
                n as f32 / (n as f32 + params.prior)
            } else {
                1.0
            };
            let similar = Similar {
                id,
                score: (w * c + (1.0 - w) * a) * confidence,
                content: c,
                collaborative: a,
            };
            (n >= params.min_ratings, similar)
        })
        .collect();
    // Qualifying films first, then the ones that only pad; each by score, then by content
    // (the content index's own padding has no score), then id.
    scored.sort_by(|(qx, x), (qy, y)| {
        qy.cmp(qx)
            .then(y.score.total_cmp(&x.score))
            .then(y.content.total_cmp(&x.content))
            .then(x.id.cmp(&y.id))
    });
    scored.into_iter().take(k).map(|(_, s)| s).collect()
}

/// How well item-to-item lists predict what people go on to like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListQuality {
    /// The share of (user, liked movie) pairs whose list holds at least one movie the user liked
    /// in the test part.
    pub hit_rate: f64,
    /// NDCG@k of the lists against the user's test likes, averaged over the same pairs.
    pub ndcg: f64,
    /// The share of the catalogue that some list holds.
    pub coverage: f64,
    /// (user, liked movie) pairs scored.
    pub pairs: usize,
}

/// For each user and each movie they liked in the training part (`train_likes`), that movie's
/// top-`k` list (`list`, asked once per movie) scored against the movies the user liked in the
/// test part (`test_likes`); users without test likes are skipped. `None` with no pair to score.
/// `catalogue`: how many movies a list could show.
pub fn list_quality(
    train_likes: &HashMap<u32, Vec<i64>>,
    test_likes: &HashMap<u32, HashSet<i64>>,
    k: usize,
    catalogue: usize,
    mut list: impl FnMut(i64) -> Vec<i64>,
) -> Option<ListQuality> {
    let mut lists: HashMap<i64, Vec<u32>> = HashMap::new();
    let mut users: Vec<&u32> = train_likes.keys().collect();
    users.sort_unstable();
    let (mut hits, mut ndcg, mut pairs) = (0usize, 0f64, 0usize);
    // Movie ids are compacted to u32 positions for the ranking metric.
    let mut compact: HashMap<i64, u32> = HashMap::new();
    let code = |id: i64, compact: &mut HashMap<i64, u32>| {
        let next = compact.len() as u32;
        *compact.entry(id).or_insert(next)
    };
    for user in users {
        let Some(relevant) = test_likes.get(user).filter(|r| !r.is_empty()) else {
            continue;
        };
        let relevant: HashSet<u32> = relevant.iter().map(|&m| code(m, &mut compact)).collect();
        for &anchor in &train_likes[user] {
            let coded = lists.entry(anchor).or_insert_with(|| {
                list(anchor)
                    .into_iter()
                    .take(k)
                    .map(|m| code(m, &mut compact))
                    .collect()
            });
            let scores = metrics::ranking(coded, &relevant, k)?;
            hits += usize::from(scores.precision > 0.0);
            ndcg += scores.ndcg;
            pairs += 1;
        }
    }
    if pairs == 0 {
        return None;
    }
    let shown: HashSet<u32> = lists.values().flatten().copied().collect();
    Some(ListQuality {
        hit_rate: hits as f64 / pairs as f64,
        ndcg: ndcg / pairs as f64,
        coverage: shown.len() as f64 / catalogue.max(1) as f64,
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: i64, score: f32) -> Neighbour {
        Neighbour { id, score }
    }

    fn ids(list: &[Similar]) -> Vec<i64> {
        list.iter().map(|s| s.id).collect()
    }

    #[test]
    fn the_blend_mixes_scaled_signals_and_shrinks_rarely_rated_films() {
        // Content: 2 is the best match (0.8 → 1.0), 3 half as good; 4 is no content match.
        // Affinity: 4 is the best (2.0 → 1.0), 3 a quarter of it.
        let content = [n(2, 0.8), n(3, 0.4)];
        let collaborative = [(1, 9.0), (2, -1.0), (3, 0.5), (4, 2.0)];
        let votes = |id: i64| [0, 0, 90, 10, 30][id as usize];
        let params = Blend {
            content_weight: 0.5,
            prior: 10.0,
            min_ratings: 0,
        };
        let list = blend(1, &content, &collaborative, votes, &params, 3);
        // 2: (0.5·1 + 0) · 90/100 = 0.45; 3: (0.5·0.5 + 0.5·0.25) · 10/20 = 0.1875;
        // 4: (0 + 0.5·1) · 30/40 = 0.375.
        assert_eq!(ids(&list), [2, 4, 3]);
        assert!((list[0].score - 0.45).abs() < 1e-6);
        assert!((list[1].score - 0.375).abs() < 1e-6);
        assert!((list[2].score - 0.1875).abs() < 1e-6);
        assert_eq!((list[2].content, list[2].collaborative), (0.5, 0.25));
        // The anchor's own affinity (9.0) neither scales the others nor appears.
        assert!(!ids(&list).contains(&1));
    }

    #[test]
    fn each_signal_alone_and_the_minimum_only_pads() {
        let content = [n(2, 0.9), n(3, 0.5), n(5, 0.1)];
        let collaborative = [(4, 1.0), (3, 0.9), (2, 0.1)];
        let votes = |id: i64| if id == 2 { 1 } else { 50 };
        let only = |content_weight| Blend {
            content_weight,
            prior: 0.0,
            min_ratings: 3,
        };
        // Content only: 2 has one rating, so it comes after every film with enough, even 4,
        // which has no content score at all.
        assert_eq!(
            ids(&blend(1, &content, &collaborative, votes, &only(1.0), 4)),
            [3, 5, 4, 2]
        );
        // Who-liked-what only: a film with no affinity (5) only pads, by its content score.
        assert_eq!(
            ids(&blend(1, &content, &collaborative, votes, &only(0.0), 5)),
            [4, 3, 5, 2]
        );
    }

    #[test]
    fn ties_go_to_the_smaller_id_and_k_is_exact() {
        let content = [n(9, 0.5), n(7, 0.5), n(8, 0.5)];
        let list = blend(1, &content, &[], |_| 10, &Blend::default(), 2);
        assert_eq!(ids(&list), [7, 8]);
        // The content index pads a movie with few neighbours with unscored ones: still k.
        let padded = [n(2, 0.3), n(3, 0.0), n(4, 0.0)];
        assert_eq!(
            ids(&blend(1, &padded, &[], |_| 10, &Blend::default(), 3)),
            [2, 3, 4]
        );
    }

    #[test]
    fn list_quality_scores_each_liked_movie_against_the_test_likes() {
        // User 1 liked 10 and 20 in training and 11 in the test part; user 2 has no test likes.
        let train: HashMap<u32, Vec<i64>> = [(1, vec![10, 20]), (2, vec![10])].into();
        let test: HashMap<u32, HashSet<i64>> = [(1, HashSet::from([11]))].into();
        let mut asked = Vec::new();
        let quality = list_quality(&train, &test, 10, 6, |anchor| {
            asked.push(anchor);
            if anchor == 10 { vec![12, 11] } else { vec![13] }
        })
        .unwrap();
        assert_eq!(quality.pairs, 2);
        assert_eq!(quality.hit_rate, 0.5);
        // 10's list has the hit second: 1/log2(3) over an ideal of 1; 20's list scores 0.
        assert!((quality.ndcg - 0.5 / 3f64.log2()).abs() < 1e-12);
        // Three distinct movies of six.
        assert_eq!(quality.coverage, 0.5);
        asked.sort_unstable();
        assert_eq!(asked, [10, 20]);
        assert!(list_quality(&train, &HashMap::new(), 10, 6, |_| vec![]).is_none());
    }
}
