//! Time in the models: the decay of a user's older ratings, shared by the models that weigh
//! ratings by age, and the UTC day a rating falls on, the explicit ALS's day biases' unit.

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The UTC day (days since the epoch) of `at`, Unix seconds.
pub fn day(at: i64) -> i64 {
    at.div_euclid(DAY)
}

/// How much a rating made at `at` counts beside its user's `latest` (Unix seconds) under a
/// half-life of `half_life_days`: `0.5^(age / half-life)`; 1 for no half-life (0) or a rating
/// not older than the latest.
pub fn weight(latest: i64, at: i64, half_life_days: f64) -> f64 {
    if half_life_days > 0.0 {
        0.5f64.powf((latest - at).max(0) as f64 / (half_life_days * DAY as f64))
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rating_one_half_life_old_counts_half() {
        let day = 86_400;
        assert_eq!(super::weight(100 * day, 100 * day, 30.0), 1.0);
        assert!((super::weight(130 * day, 100 * day, 30.0) - 0.5).abs() < 1e-12);
        assert!((super::weight(160 * day, 100 * day, 30.0) - 0.25).abs() < 1e-12);
        assert_eq!(super::weight(160 * day, 100 * day, 0.0), 1.0, "0: no decay");
        assert_eq!(
            super::weight(100 * day, 160 * day, 30.0),
            1.0,
            "never above 1"
        );
    }
}
