//! The values of an export's fields as the services write them: ratings on their scales, years,
//! IMDb ids and dates in every form the exports use (`2026-04-18`, IMDb's `4/18/2026`, with or
//! without a time).

/// A rating on a scale of `5 × per_star` (IMDb's 1–10: 2 per star), as 0.5–5 stars rounded to
/// the nearest half; `Err` says why not.
pub fn stars(value: &str, per_star: f64) -> Result<f64, String> {
    let max = 5.0 * per_star;
    let n = value
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0 && *n <= max)
        .ok_or_else(|| format!("the rating {value:?} is not a number above 0 and up to {max}."))?;
    Ok(((n / per_star) * 2.0).round().max(1.0) / 2.0)
}

/// A release year, when the value is one (1870–2200); anything else is no year, since a row is
/// matched without one.
pub fn year(value: Option<&str>) -> Option<i64> {
    value
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|y| (1870..=2200).contains(y))
}

/// `tt0111161`, or MovieLens' bare digits (`0111161`, `111161`), as `tt` and 7 or more digits.
pub fn imdb_id(value: &str) -> Result<String, String> {
    let digits = value.strip_prefix("tt").unwrap_or(value);
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{value:?} is not an IMDb id."));
    }
    Ok(format!("tt{digits:0>7}"))
}

/// A date as Unix seconds at midnight UTC; `None` when the value is no date this reads. Forms:
/// `YYYY-MM-DD` (Letterboxd, ISO; a time after it, with a space or `T`, is ignored), `M/D/YYYY`
/// (IMDb's export today; `D/M/YYYY` when the first number cannot be a month) and `D.M.YYYY`.
pub fn date(value: &str) -> Option<i64> {
    let day = value
        .split(|c: char| c == 'T' || c.is_whitespace())
        .next()
        .unwrap_or_default();
    let numbers = |sep: char| -> Option<Vec<u32>> {
        let parts: Vec<&str> = day.split(sep).collect();
        (parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4))
            .then(|| parts.iter().map(|p| p.parse().ok()).collect())
            .flatten()
    };
    let (y, m, d) = if let Some([y, m, d]) = numbers('-').as_deref() {
        (*y, *m, *d)
    } else if let Some([a, b, y]) = numbers('/').as_deref() {
        if *a > 12 { (*y, *b, *a) } else { (*y, *a, *b) }
    } else if let Some([d, m, y]) = numbers('.').as_deref() {
        (*y, *m, *d)
    } else {
        return None;
    };
    let valid =
        (1870..=2200).contains(&y) && (1..=12).contains(&m) && (1..=days_in(y, m)).contains(&d);
    valid.then(|| days_from_civil(i64::from(y), m, d) * 86_400)
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i64, m: u32, d: u32) -> Option<i64> {
        Some(days_from_civil(y, m, d) * 86_400)
    }

    #[test]
    fn dates_in_the_forms_the_exports_write() {
        assert_eq!(date("2024-01-02"), Some(1_704_153_600));
        assert_eq!(date("2024-01-02 21:14:03"), day(2024, 1, 2));
        assert_eq!(date("2024-01-02T21:14:03Z"), day(2024, 1, 2));
        assert_eq!(date("4/18/2026"), day(2026, 4, 18), "IMDb's M/D/YYYY");
        assert_eq!(
            date("04/05/2026"),
            day(2026, 4, 5),
            "month first when both can be"
        );
        assert_eq!(
            date("18/4/2026"),
            day(2026, 4, 18),
            "day first when it must be"
        );
        assert_eq!(date("18.04.2026"), day(2026, 4, 18));
        for bad in [
            "",
            "2024-13-01",
            "2023-02-29",
            "4/31/2026",
            "yesterday",
            "2024-1",
            "1/2/3",
        ] {
            assert_eq!(date(bad), None, "{bad:?}");
        }
        assert_eq!(date("2024-02-29"), day(2024, 2, 29));
    }

    #[test]
    fn ratings_years_and_ids() {
        assert_eq!(stars("10", 2.0), Ok(5.0));
        assert_eq!(stars("7", 2.0), Ok(3.5));
        assert_eq!(stars("1", 2.0), Ok(0.5));
        assert_eq!(stars("4.5", 1.0), Ok(4.5));
        assert!(stars("0", 1.0).is_err() && stars("5.5", 1.0).is_err());
        assert!(stars("six", 1.0).unwrap_err().contains("\"six\""));
        assert_eq!(year(Some("1999")), Some(1999));
        assert_eq!(year(Some("1999–2003")), None);
        assert_eq!(year(None), None);
        assert_eq!(imdb_id("0114709").as_deref(), Ok("tt0114709"));
        assert_eq!(imdb_id("tt10872600").as_deref(), Ok("tt10872600"));
        assert!(imdb_id("nm0000151x").is_err());
    }
}
