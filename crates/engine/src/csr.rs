//! Observations grouped by entity in compressed rows (CSR), the layout the ALS and iALS solves
//! read: row `e` is `offsets[e]..offsets[e + 1]` of the arrays that each model lays out as it
//! needs (ALS a rating per entry, iALS a weight and a weighted target).

/// Groups observations by key: `keys[i]` (each below `n`) is observation `i`'s row. Calls
/// `place(i, slot)` once per observation with its place in the grouped arrays (in input order
/// within a row) and returns the `n + 1` row offsets.
pub(crate) fn group(n: usize, keys: &[u32], mut place: impl FnMut(usize, usize)) -> Vec<usize> {
    let mut offsets = vec![0usize; n + 1];
    for &k in keys {
        offsets[k as usize + 1] += 1;
    }
    for e in 0..n {
        offsets[e + 1] += offsets[e];
    }
    let mut fill = offsets.clone();
    for (i, &k) in keys.iter().enumerate() {
        let at = &mut fill[k as usize];
        place(i, *at);
        *at += 1;
    }
    offsets
}

#[cfg(test)]
mod tests {
    #[test]
    fn rows_keep_the_input_order() {
        let keys = [2, 0, 2, 1, 0];
        let mut slots = vec![usize::MAX; keys.len()];
        let offsets = super::group(4, &keys, |i, at| slots[at] = i);
        assert_eq!(offsets, [0, 2, 3, 5, 5]);
        assert_eq!(slots, [1, 4, 3, 0, 2]);
    }
}
