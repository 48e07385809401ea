//! An account's email address, normalised once where it is read, so that what the store keeps,
//! finds and compares is always the same form.

use std::fmt;

/// An email address: trimmed, NFKC-folded, lower case, ASCII, of a valid shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// The message for an address that is not one.
pub const INVALID: &str = "Enter a valid email address.";

impl Email {
    /// Trims an email address, folds it to Unicode's compatibility form (NFKC: fullwidth `ａ` is
    /// `a`) and lower case, and checks its shape. Emails are stored lower-case so that uniqueness and
    /// login ignore case on every database backend. After folding, an address must be ASCII
    /// (internationalised domains in their `xn--` form): that keeps out look-alike accounts (a
    /// Cyrillic `а` for a Latin `a`, a zero-width space) that would pass for someone else's.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        use unicode_normalization::UnicodeNormalization;
        let email = raw.trim().nfkc().collect::<String>().to_lowercase();
        let valid = email.is_ascii()
            && email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !domain.contains('@')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Email(email))
        } else {
            Err(INVALID)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    fn normalize_email(raw: &str) -> Result<String, &'static str> {
        Email::parse(raw).map(|e| e.as_str().to_owned())
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        assert_eq!(normalize_email("root@localhost").unwrap(), "root@localhost");
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
            // Look-alikes of ann@example.com: a Cyrillic а, a zero-width space.
            "\u{430}nn@example.com",
            "an\u{200b}n@example.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
        // Fullwidth letters fold to the address they look like.
        assert_eq!(
            normalize_email("\u{ff41}nn@example.com").unwrap(),
            "ann@example.com"
        );
    }
}
