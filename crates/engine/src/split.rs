//! Train/test splits of ratings, by row index: seeded random, or per user by time.

use std::collections::HashMap;

use crate::rng::SplitMix64;

/// Row indices of the two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// A `train_fraction` of the rows, chosen at random with `seed`, for training; the rest for
/// testing. Both parts keep file order.
pub fn random(rows: usize, train_fraction: f64, seed: u64) -> Split {
    let mut order: Vec<usize> = (0..rows).collect();
    let mut rng = SplitMix64(seed);
    for i in (1..rows).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let cut = ((rows as f64) * train_fraction.clamp(0.0, 1.0)).round() as usize;
    let (mut train, mut test) = (order[..cut].to_vec(), order[cut..].to_vec());
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

/// For each user, their latest ratings (by timestamp, the last `1 - train_fraction` of them,
/// at least one when they have two or more) for testing, the earlier ones for training: the
/// "predict what they watch next" protocol.
pub fn per_user_by_time(users: &[u32], timestamps: &[i64], train_fraction: f64) -> Split {
    let mut by_user: HashMap<u32, Vec<usize>> = HashMap::new();
    for (row, &u) in users.iter().enumerate() {
        by_user.entry(u).or_default().push(row);
    }
    let mut train = Vec::with_capacity(users.len());
    let mut test = Vec::new();
    for rows in by_user.values_mut() {
        rows.sort_by_key(|&r| (timestamps[r], r));
        let n = rows.len();
        let mut keep = ((n as f64) * train_fraction.clamp(0.0, 1.0)).round() as usize;
        if n >= 2 {
            keep = keep.clamp(1, n - 1);
        } else {
            keep = n;
        }
        train.extend_from_slice(&rows[..keep]);
        test.extend_from_slice(&rows[keep..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

/// For each user with two or more ratings, a seeded random `holdout` share of them (at least
/// one, never all) for testing, the rest for training: every user keeps a history to fold in
/// and every tested user has one. A user's draw depends only on the seed, the user and their
/// rows' order, not on the other users.
pub fn per_user_random(users: &[u32], holdout: f64, seed: u64) -> Split {
    let mut by_user: HashMap<u32, Vec<usize>> = HashMap::new();
    for (row, &u) in users.iter().enumerate() {
        by_user.entry(u).or_default().push(row);
    }
    let mut train = Vec::with_capacity(users.len());
    let mut test = Vec::new();
    for (&user, rows) in &mut by_user {
        let n = rows.len();
        if n < 2 {
            train.extend_from_slice(rows);
            continue;
        }
        let mut rng = SplitMix64(seed ^ u64::from(user).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for i in (1..n).rev() {
            rows.swap(i, rng.below(i + 1));
        }
        let held = (((n as f64) * holdout.clamp(0.0, 1.0)).round() as usize).clamp(1, n - 1);
        test.extend_from_slice(&rows[..held]);
        train.extend_from_slice(&rows[held..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_split_is_a_seeded_partition() {
        let a = random(1000, 0.8, 42);
        assert_eq!((a.train.len(), a.test.len()), (800, 200));
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert_eq!(a, random(1000, 0.8, 42));
        assert_ne!(a, random(1000, 0.8, 43));
    }

    #[test]
    fn per_user_split_holds_out_a_share_of_each_user() {
        // User 1: 20 rows, user 2: 2 rows, user 3: 1 row.
        let mut users = vec![1u32; 20];
        users.extend([2, 2, 3]);
        let s = per_user_random(&users, 0.1, 42);
        let held = |u: u32| s.test.iter().filter(|&&r| users[r] == u).count();
        assert_eq!((held(1), held(2), held(3)), (2, 1, 0));
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..users.len()).collect::<Vec<_>>());
        assert_eq!(s, per_user_random(&users, 0.1, 42));
        assert_ne!(s, per_user_random(&users, 0.1, 43));
    }

    #[test]
    fn time_split_holds_out_each_users_latest() {
        let users = [1, 1, 1, 1, 1, 2, 2, 3];
        let times = [50, 10, 40, 20, 30, 5, 1, 9];
        let s = per_user_by_time(&users, &times, 0.8);
        // User 1: 5 ratings, keeps 4 earliest, tests the one at t=50 (row 0).
        // User 2: 2 ratings, keeps t=1 (row 6), tests t=5 (row 5). User 3: one rating, trains.
        assert_eq!(s.test, vec![0, 5]);
        assert_eq!(s.train, vec![1, 2, 3, 4, 6, 7]);
    }
}
