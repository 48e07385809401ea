//! Recommendations for a group watching together: least misery. Each member's scores are put on
//! one scale (divided by that member's best score among the candidates, so every member's
//! favourite is 1), and a film's group score is its lowest member score: the list is ordered so
//! that the least happy member is as happy as possible (Masthoff 2004; O'Connor et al. 2001,
//! PolyLens). Each member's share of a film is their part of the sum of the members' scores.

use std::collections::HashSet;

/// One film for the group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupPick {
    /// The item's index in the members' score vectors.
    pub index: usize,
    /// The least happy member's score (0 to 1).
    pub score: f32,
    /// Each member's score of the item on the common scale (0 to 1), in member order.
    pub members: Vec<f32>,
    /// Each member's share of the item's total score (they sum to 1, or are all 0), in member
    /// order.
    pub shares: Vec<f32>,
}

/// The `k` best items for the group by least misery. `scores` holds one vector per member, all
/// of `ids.len()` items; `excluded` indices are never candidates; `accept` is asked once per
/// candidate, best first (as [`crate::topn::take_best`]). Negative scores count as 0. A member
/// with no positive score among the candidates would make every item 0: the caller should
/// check [`unplaced_members`] first.
pub fn least_misery(
    scores: &[Vec<f32>],
    ids: &[u32],
    k: usize,
    excluded: &HashSet<usize>,
    accept: impl FnMut(usize) -> bool,
) -> Vec<GroupPick> {
    let scales: Vec<f32> = scores.iter().map(|s| best_score(s, excluded)).collect();
    let scaled = |m: usize, i: usize| {
        if scales[m] > 0.0 {
            (scores[m][i] / scales[m]).max(0.0)
        } else {
            0.0
        }
    };
    let group: Vec<f32> = (0..ids.len())
        .map(|i| {
            (0..scores.len())
                .map(|m| scaled(m, i))
                .fold(f32::INFINITY, f32::min)
        })
        .collect();
    crate::topn::take_best(&group, ids, k, excluded, accept)
        .into_iter()
        .map(|i| {
            let members: Vec<f32> = (0..scores.len()).map(|m| scaled(m, i)).collect();
            let total: f32 = members.iter().sum();
            let shares = members
                .iter()
                .map(|&s| if total > 0.0 { s / total } else { 0.0 })
                .collect();
            GroupPick {
                index: i,
                score: group[i],
                members,
                shares,
            }
        })
        .collect()
}

/// The members (by position) with no positive score among the candidates: the model cannot
/// tell what they would like.
pub fn unplaced_members(scores: &[Vec<f32>], excluded: &HashSet<usize>) -> Vec<usize> {
    (0..scores.len())
        .filter(|&m| best_score(&scores[m], excluded) <= 0.0)
        .collect()
}

fn best_score(scores: &[f32], excluded: &HashSet<usize>) -> f32 {
    scores
        .iter()
        .enumerate()
        .filter(|(i, _)| !excluded.contains(i))
        .map(|(_, &s)| s)
        .fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand. Scales: Ana's best candidate is 0.8, Ben's 0.4 (item 3, 0.9 for Ben, is
    /// excluded). Scaled, Ana = [1, 0.25, 0.5, -, 0.75], Ben = [0.25, 1, 0.5, -, 0.75];
    /// minima = [0.25, 0.25, 0.5, -, 0.75]. Item 4 pleases both most; items 0 and 1 tie at 0.25
    /// and go by id.
    #[test]
    fn the_least_happy_member_decides() {
        let scores = vec![vec![0.8, 0.2, 0.4, 0.1, 0.6], vec![0.1, 0.4, 0.2, 0.9, 0.3]];
        let ids = [10, 11, 12, 13, 14];
        let excluded = HashSet::from([3]);
        let picks = least_misery(&scores, &ids, 10, &excluded, |_| true);
        let order: Vec<usize> = picks.iter().map(|p| p.index).collect();
        // An average would put item 0 (0.625) above item 2 (0.5); least misery does not.
        assert_eq!(order, vec![4, 2, 0, 1]);
        let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
        assert!(close(picks[0].score, 0.75));
        assert!(close(picks[1].score, 0.5));
        assert!(close(picks[2].score, 0.25) && close(picks[3].score, 0.25));
        // Item 0: Ana 1.0, Ben 0.25 → shares 0.8 and 0.2.
        assert!(close(picks[2].members[0], 1.0) && close(picks[2].members[1], 0.25));
        assert!(close(picks[2].shares[0], 0.8) && close(picks[2].shares[1], 0.2));
    }

    #[test]
    fn negative_scores_are_misery_and_accept_filters() {
        let scores = vec![vec![1.0, 0.5, 0.9], vec![-0.2, 0.5, 1.0]];
        let ids = [1, 2, 3];
        let picks = least_misery(&scores, &ids, 2, &HashSet::new(), |i| i != 2);
        let order: Vec<usize> = picks.iter().map(|p| p.index).collect();
        assert_eq!(order, vec![1, 0]);
        assert_eq!(picks[1].score, 0.0);
        assert_eq!(picks[1].shares, vec![1.0, 0.0]);
    }

    #[test]
    fn a_member_without_a_positive_score_is_unplaced() {
        let scores = vec![vec![0.3, 0.1], vec![0.0, 0.0], vec![-1.0, 0.5]];
        assert_eq!(unplaced_members(&scores, &HashSet::new()), vec![1]);
        assert_eq!(unplaced_members(&scores, &HashSet::from([1])), vec![1, 2]);
    }
}
