//! Parsers of flag values that clap does not have: durations ("90s", "30m", "6h", a bare number
//! being seconds) and numbers within a range. A bad value is refused by clap with the flag's
//! name and exit code 2, before the command touches anything.

use std::str::FromStr;
use std::time::Duration;

/// A duration as humantime writes it (`90s`, `30m`, `6h`, `1d`, `1h 30m`), or a bare number of
/// seconds (what these flags took before they took units).
pub fn duration(raw: &str) -> Result<Duration, String> {
    let text = raw.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("{raw:?} is not a duration ({e}): write e.g. 90s, 30m, 6h or 1d"))
}

/// A duration of more than zero.
pub fn positive_duration(raw: &str) -> Result<Duration, String> {
    match duration(raw)? {
        d if d.is_zero() => Err("the duration must be positive (more than zero)".into()),
        d => Ok(d),
    }
}

/// A finite number of 0 or more.
pub fn non_negative<T: FromStr + Into<f64> + Copy>(raw: &str) -> Result<T, String> {
    match raw.trim().parse::<T>() {
        Ok(x) if x.into().is_finite() && x.into() >= 0.0 => Ok(x),
        _ => Err(format!("{raw:?} is not a number of 0 or more")),
    }
}

/// A count of 1 or more.
pub fn positive_count(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{raw:?} is not a count: give 1 or more")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_and_bare_seconds() {
        let secs = |s| duration(s).map(|d| d.as_secs());
        assert_eq!(secs("90"), Ok(90));
        assert_eq!(secs("90s"), Ok(90));
        assert_eq!(secs("15m"), Ok(900));
        assert_eq!(secs(" 6h "), Ok(21_600));
        assert_eq!(secs("1d"), Ok(86_400));
        assert_eq!(secs("1h 30m"), Ok(5_400));
        assert_eq!(secs("1h30m"), Ok(5_400));
        assert_eq!(secs("0"), Ok(0));
        for bad in ["", "h", "1x", "-1h", "99999999999999999999d"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
        assert!(
            positive_duration("0s")
                .unwrap_err()
                .contains("must be positive")
        );
        assert_eq!(positive_duration("2m"), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn numbers_in_range() {
        assert_eq!(non_negative::<f64>("0.5"), Ok(0.5));
        assert!(non_negative::<f64>("-1").is_err());
        assert!(non_negative::<f64>("NaN").is_err());
        assert!(non_negative::<f32>("inf").is_err());
        assert_eq!(positive_count("3"), Ok(3));
        assert!(positive_count("0").is_err());
        assert!(positive_count("x").is_err());
    }
}
