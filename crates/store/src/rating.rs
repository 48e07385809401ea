//! The rating scale, the same for a rating and for a post's: 0.5 to 5.0 stars in half steps.
//! A [`Rating`] is on the scale by construction, so the store never writes one that is not.

/// The rule, as users read it.
pub const RULE: &str = "A rating is from 0.5 to 5.0 in steps of 0.5.";

/// Stars from 0.5 to 5.0 in half steps.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, serde::Serialize)]
#[serde(transparent)]
pub struct Rating(f64);

impl Rating {
    /// `r` when it is on the scale; otherwise the rule.
    pub fn new(r: f64) -> Result<Rating, &'static str> {
        if (0.5..=5.0).contains(&r) && (r * 2.0).fract() == 0.0 {
            Ok(Rating(r))
        } else {
            Err(RULE)
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_stars_from_half_to_five() {
        for ok in [0.5, 1.0, 3.5, 5.0] {
            assert_eq!(Rating::new(ok).map(Rating::get), Ok(ok));
        }
        for bad in [0.0, 0.25, 3.7, 5.5, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Rating::new(bad), Err(RULE), "{bad}");
        }
    }
}
