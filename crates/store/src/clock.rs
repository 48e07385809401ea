//! The clock every layer reads: times are Unix epoch seconds, the unit of every `*_at` column
//! and of the API's times.

/// Now, as Unix epoch seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
