//! Ranking a whole catalogue fast, shared by the models that rank: scores for every item from a
//! user's factors over column-major item factors, and the best `n` of them in one pass.

/// `scores[i] += Σ_f u[f] · columns[f][i]` for column-major `columns` (one column of
/// `scores.len()` values per factor): four factors per pass over the items, each pass contiguous,
/// so that it vectorises across items.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub fn add_factor_scores(scores: &mut [f32], columns: &[f32], u: &[f32]) {
    if multiversion::target::target_cfg_f!(target_feature = "fma") {
        factor_passes::<true>(scores, columns, u);
    } else {
        factor_passes::<false>(scores, columns, u);
    }
}

/// [`add_factor_scores`], with fused multiply-adds or not.
#[inline(always)]
fn factor_passes<const FMA: bool>(scores: &mut [f32], columns: &[f32], u: &[f32]) {
    let n = scores.len();
    assert_eq!(columns.len(), n * u.len(), "one column per factor");
    let madd = |x: f32, y: f32, z: f32| if FMA { x.mul_add(y, z) } else { x * y + z };
    let column = |f: usize| &columns[f * n..(f + 1) * n];
    let (quads, rest) = u.as_chunks::<4>();
    for (q, w) in quads.iter().enumerate() {
        let f = 4 * q;
        let (c0, c1, c2, c3) = (column(f), column(f + 1), column(f + 2), column(f + 3));
        for i in 0..n {
            scores[i] = madd(
                w[3],
                c3[i],
                madd(w[2], c2[i], madd(w[1], c1[i], madd(w[0], c0[i], scores[i]))),
            );
        }
    }
    for (r, &w) in rest.iter().enumerate() {
        let c = column(4 * quads.len() + r);
        for i in 0..n {
            scores[i] = madd(w, c[i], scores[i]);
        }
    }
}

/// Row-major factors (`k` per item) as `k` columns of one f32 per item, for
/// [`add_factor_scores`].
pub fn columns(row_major: &[f64], k: usize) -> Vec<f32> {
    let n = row_major.len() / k.max(1);
    let mut out = vec![0.0; k * n];
    for (i, row) in row_major.chunks_exact(k).enumerate() {
        for (f, &q) in row.iter().enumerate() {
            out[f * n + i] = q as f32;
        }
    }
    out
}

/// The indices of the `n` best scores, best first (ties: the smaller id in `ids`, which holds
/// each index's external id). One pass with a bounded heap: most items cost one comparison with
/// the worst of the best so far.
pub fn best(scores: &[f32], ids: &[u32], n: usize) -> Vec<usize> {
    #[derive(PartialEq)]
    struct Candidate(f32, u32, usize);
    impl Eq for Candidate {}
    impl Ord for Candidate {
        /// Better is greater: a higher score, then a smaller id.
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
        }
    }
    impl PartialOrd for Candidate {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    if n == 0 {
        return Vec::new();
    }
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<Candidate>> =
        std::collections::BinaryHeap::with_capacity(n + 1);
    // The worst score among the best so far, once there are `n`: anything below it is out at
    // the cost of one comparison.
    let mut bar = f32::NEG_INFINITY;
    // Whole blocks below the bar are skipped at once (the test of a block vectorises).
    for (b, block) in scores.chunks(16).enumerate() {
        if !block.iter().fold(false, |any, &x| any | (x >= bar)) {
            continue;
        }
        for (j, &score) in block.iter().enumerate() {
            if score < bar {
                continue;
            }
            let i = 16 * b + j;
            let candidate = Candidate(score, ids[i], i);
            if heap.len() < n {
                heap.push(std::cmp::Reverse(candidate));
            } else if let Some(mut worst) = heap.peek_mut()
                && candidate > worst.0
            {
                *worst = std::cmp::Reverse(candidate);
            }
            if heap.len() == n
                && let Some(worst) = heap.peek()
            {
                bar = worst.0.0;
            }
        }
    }
    // Ascending `Reverse` is best first.
    heap.into_sorted_vec().into_iter().map(|c| c.0.2).collect()
}

/// Walks the items in order of `scores` (best first, ties to the smaller id), skipping
/// `excluded` indices, and keeps up to `k` that `accept` takes. `accept` sees each item at most
/// once, in order, so it may keep state (e.g. a cap per franchise). Only a head of the ranking is
/// sorted, widened until `k` are taken or the catalogue is exhausted.
pub fn take_best(
    scores: &[f32],
    ids: &[u32],
    k: usize,
    excluded: &std::collections::HashSet<usize>,
    mut accept: impl FnMut(usize) -> bool,
) -> Vec<usize> {
    let mut taken = Vec::with_capacity(k);
    let (mut seen, mut head) = (0, (k + excluded.len()).max(1));
    while taken.len() < k && seen < scores.len() {
        let head_len = head.min(scores.len());
        for i in best(scores, ids, head_len).into_iter().skip(seen) {
            if taken.len() == k {
                break;
            }
            if !excluded.contains(&i) && accept(i) {
                taken.push(i);
            }
        }
        seen = head_len;
        head *= 4;
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_orders_by_score_then_id_and_take_best_sees_each_item_once() {
        let scores = [0.5, 2.0, 2.0, -1.0, 3.0, 0.5];
        let ids = [10, 30, 20, 40, 50, 5];
        assert_eq!(best(&scores, &ids, 3), vec![4, 2, 1]);
        assert_eq!(best(&scores, &ids, 10), vec![4, 2, 1, 5, 0, 3]);
        let excluded = [4].into_iter().collect();
        let mut seen = Vec::new();
        let taken = take_best(&scores, &ids, 2, &excluded, |i| {
            seen.push(i);
            i != 2
        });
        assert_eq!(taken, vec![1, 5]);
        assert_eq!(seen, vec![2, 1, 5], "each candidate once, in order");
        let all = take_best(&scores, &ids, 10, &excluded, |_| true);
        assert_eq!(all, vec![2, 1, 5, 0, 3]);
    }

    #[test]
    fn factor_scores_are_dot_products() {
        let rows = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        let cols = columns(&rows, 5);
        let mut scores = vec![0.5; 2];
        add_factor_scores(&mut scores, &cols, &[1.0, 0.0, -1.0, 2.0, 1.0]);
        assert_eq!(
            scores,
            vec![0.5 + 1.0 - 3.0 + 8.0 + 5.0, 0.5 + 6.0 - 8.0 + 18.0 + 10.0]
        );
    }
}
