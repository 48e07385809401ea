//! The rating scale, the same for a rating and for a post's: 0.5 to 5.0 stars in half steps.

/// The rule, as users read it.
pub const RULE: &str = "A rating is from 0.5 to 5.0 in steps of 0.5.";

/// `r` when it is on the scale; otherwise the rule.
pub fn check(r: f64) -> Result<f64, &'static str> {
    if (0.5..=5.0).contains(&r) && (r * 2.0).fract() == 0.0 {
        Ok(r)
    } else {
        Err(RULE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_stars_from_half_to_five() {
        for ok in [0.5, 1.0, 3.5, 5.0] {
            assert_eq!(check(ok), Ok(ok));
        }
        for bad in [0.0, 0.25, 3.7, 5.5, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(check(bad), Err(RULE), "{bad}");
        }
    }
}
