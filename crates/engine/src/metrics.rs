//! Offline evaluation metrics: rating error (RMSE, MAE) and top-k ranking quality (precision,
//! recall, NDCG with binary relevance), plus catalogue coverage.

use std::collections::HashSet;

/// Root mean squared error; `None` for no pairs.
pub fn rmse(predicted: &[f32], actual: &[f32]) -> Option<f64> {
    if predicted.is_empty() || predicted.len() != actual.len() {
        return None;
    }
    let sum: f64 = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (f64::from(*p) - f64::from(*a)).powi(2))
        .sum();
    Some((sum / predicted.len() as f64).sqrt())
}

/// Mean absolute error; `None` for no pairs.
pub fn mae(predicted: &[f32], actual: &[f32]) -> Option<f64> {
    if predicted.is_empty() || predicted.len() != actual.len() {
        return None;
    }
    let sum: f64 = predicted
        .iter()
        .zip(actual)
        .map(|(p, a)| (f64::from(*p) - f64::from(*a)).abs())
        .sum();
    Some(sum / predicted.len() as f64)
}

/// Ranking quality of one user's top-k list against the items relevant to them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingScores {
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
}

/// Precision@k, recall@k and NDCG@k (binary relevance) of `recommended` (best first, only the
/// first `k` count). `None` when nothing is relevant (the user says nothing about the list).
pub fn ranking(recommended: &[u32], relevant: &HashSet<u32>, k: usize) -> Option<RankingScores> {
    if relevant.is_empty() || k == 0 {
        return None;
    }
    let top = &recommended[..recommended.len().min(k)];
    let hits: Vec<bool> = top.iter().map(|i| relevant.contains(i)).collect();
    let n_hits = hits.iter().filter(|h| **h).count() as f64;
    let dcg: f64 = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| **h)
        .map(|(rank, _)| 1.0 / ((rank + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant.len().min(k))
        .map(|rank| 1.0 / ((rank + 2) as f64).log2())
        .sum();
    Some(RankingScores {
        precision: n_hits / k as f64,
        recall: n_hits / relevant.len() as f64,
        ndcg: dcg / ideal,
    })
}

/// NDCG@k where a film the user disliked costs what a relevant one gains: the DCG of the
/// relevant films in the top `k` less that of the disliked ones, over the ideal DCG. A list that
/// shows a user films they would rate low scores below one that shows them unknown films,
/// which binary NDCG cannot tell apart. `None` when nothing is relevant.
pub fn net_ndcg(
    recommended: &[u32],
    relevant: &HashSet<u32>,
    disliked: &HashSet<u32>,
    k: usize,
) -> Option<f64> {
    if relevant.is_empty() || k == 0 {
        return None;
    }
    let gain = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = recommended
        .iter()
        .take(k)
        .enumerate()
        .map(|(rank, i)| {
            if relevant.contains(i) {
                gain(rank)
            } else if disliked.contains(i) {
                -gain(rank)
            } else {
                0.0
            }
        })
        .sum();
    let ideal: f64 = (0..relevant.len().min(k)).map(gain).sum();
    Some(dcg / ideal)
}

/// Share of the catalogue that appears in at least one list.
pub fn coverage<'a>(lists: impl IntoIterator<Item = &'a [u32]>, catalogue_size: usize) -> f64 {
    if catalogue_size == 0 {
        return 0.0;
    }
    let seen: HashSet<u32> = lists.into_iter().flatten().copied().collect();
    seen.len() as f64 / catalogue_size as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_by_hand() {
        let p = [3.0, 4.0, 5.0];
        let a = [2.0, 4.0, 3.0];
        // squared errors 1, 0, 4 → mean 5/3
        assert!((rmse(&p, &a).unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((mae(&p, &a).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(rmse(&[], &[]), None);
        assert_eq!(mae(&[1.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn ranking_by_hand() {
        let relevant = HashSet::from([1, 3, 9]);
        let s = ranking(&[1, 2, 3, 4], &relevant, 4).unwrap();
        assert!((s.precision - 0.5).abs() < 1e-12);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4)
        let idcg = 1.0 + 1.0 / 3f64.log2() + 0.5;
        assert!((s.ndcg - 1.5 / idcg).abs() < 1e-12);
        let perfect = ranking(&[9, 3, 1], &relevant, 3).unwrap();
        assert!((perfect.ndcg - 1.0).abs() < 1e-12);
        assert_eq!(ranking(&[1], &HashSet::new(), 10), None);
    }

    #[test]
    fn net_ndcg_charges_a_disliked_film_what_a_relevant_one_gains() {
        let (relevant, disliked) = (HashSet::from([1, 3]), HashSet::from([2]));
        let idcg = 1.0 + 1.0 / 3f64.log2();
        // Relevant at ranks 1 and 3, disliked at rank 2.
        let s = net_ndcg(&[1, 2, 3], &relevant, &disliked, 3).unwrap();
        assert!((s - (1.0 - 1.0 / 3f64.log2() + 0.5) / idcg).abs() < 1e-12);
        // Without dislikes it is NDCG.
        let plain = ranking(&[1, 2, 3], &relevant, 3).unwrap().ndcg;
        let none = net_ndcg(&[1, 2, 3], &relevant, &HashSet::new(), 3).unwrap();
        assert!((plain - none).abs() < 1e-12);
        assert!(s < none);
        assert_eq!(net_ndcg(&[1], &HashSet::new(), &disliked, 3), None);
    }

    #[test]
    fn coverage_by_hand() {
        let lists: Vec<Vec<u32>> = vec![vec![1, 2], vec![2, 3]];
        assert!((coverage(lists.iter().map(|l| l.as_slice()), 10) - 0.3).abs() < 1e-12);
        assert_eq!(coverage(std::iter::empty::<&[u32]>(), 0), 0.0);
    }
}
