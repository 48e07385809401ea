//! Accounts, for the CLI and the HTTP API: email normalisation, the password policy, Argon2id
//! password hashing, and deleting an account with everything it owns.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use nextflex_store::db::{Db, users};
use nextflex_store::error::{Error, Result};
use nextflex_store::ids::UserId;
use nextflex_store::storage::Storage;

/// Common passwords that are refused outright (lower-case, one per line).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

pub const MIN_PASSWORD_LEN: usize = 8;
/// Fewer different characters than this (`aaaaaaaa`, eight spaces, `abababab`) is refused.
pub const MIN_DISTINCT_CHARS: usize = 4;
/// The least zxcvbn score accepted: 2 is "somewhat guessable" (about 10⁸ guesses), enough
/// against online guessing, which the login throttles bound; 0 and 1 fall to a short list.
const MIN_STRENGTH: zxcvbn::Score = zxcvbn::Score::Two;

/// Checks a password against the policy; returns every rule it breaks, in Django's wording.
pub fn check_password(password: &str, email: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if password.chars().count() < MIN_PASSWORD_LEN {
        problems.push(format!(
            "This password is too short. It must contain at least {MIN_PASSWORD_LEN} characters."
        ));
    }
    if !password.is_empty() && password.chars().all(|c| c.is_ascii_digit()) {
        problems.push("This password is entirely numeric.".into());
    }
    if password.chars().any(char::is_control) {
        problems.push("This password may not contain control characters.".into());
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if !password.is_empty() && distinct.len() < MIN_DISTINCT_CHARS {
        problems.push(format!(
            "This password repeats too few characters. It must contain at least {MIN_DISTINCT_CHARS} different ones."
        ));
    }
    let lower = password.to_lowercase();
    let email = email.to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if !lower.is_empty() && (lower == email || (local.len() >= 3 && lower.contains(local))) {
        problems.push("The password is too similar to the email address.".into());
    }
    if COMMON_PASSWORDS.lines().any(|common| common == lower) {
        problems.push("This password is too common.".into());
    } else if problems.is_empty() {
        // What the rules above let through, an estimator of guessing cost judges: repeats,
        // sequences, keyboard walks, dates, names and words with l33t substitutions.
        let inputs: Vec<&str> = [email.as_str(), local]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let estimate = zxcvbn::zxcvbn(password, &inputs);
        if estimate.score() < MIN_STRENGTH {
            let mut message = String::from("This password is too easy to guess.");
            if let Some(warning) = estimate.feedback().and_then(|f| f.warning()) {
                message.push(' ');
                message.push_str(&warning.to_string());
            }
            problems.push(message);
        }
    }
    problems
}

/// Hashes a password with Argon2id (PHC string). CPU-heavy by design: runs on a blocking thread.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal("cannot hash the password", e))
    })
    .await
    .map_err(|e| Error::internal("the password hashing task failed", e))?
}

/// Checks a password against a stored Argon2 PHC string.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    let password = password.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| Error::internal("a stored password hash is malformed", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| Error::internal("the password check task failed", e))?
}

/// Deletes an account with its ratings, lists, posts and tokens (one transaction), then its
/// posts' images in the object storage.
pub async fn delete(db: &Db, storage: &Storage, id: UserId) -> Result<()> {
    let keys = users::delete(db, id).await?;
    // After the rows are gone: an object that cannot be deleted is logged, not an error.
    storage.delete_logged(&keys).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        let email = "ann.smith@example.com";
        assert!(check_password("correct horse battery", email).is_empty());
        assert_eq!(check_password("short", email).len(), 1);
        assert!(check_password("1234567890", email)[0].contains("entirely numeric"));
        for weak in ["aaaaaaaa", "        ", "abababab", "\0\0\0\0\0\0\0\0"] {
            assert!(
                check_password(weak, email)
                    .iter()
                    .any(|p| p.contains("too few") || p.contains("control")),
                "{weak:?} accepted"
            );
        }
        assert!(
            check_password("\0\0\0\0\0\0\0\0", email)
                .iter()
                .any(|p| p.contains("control"))
        );
        assert!(
            check_password("password", email)
                .iter()
                .any(|p| p.contains("too common"))
        );
        assert!(
            check_password("Ann.Smith@example.com", email)
                .iter()
                .any(|p| p.contains("similar"))
        );
        assert!(
            check_password("xxann.smithxx", email)
                .iter()
                .any(|p| p.contains("similar"))
        );
        // Past the rules, the estimator: keyboard walks, sequences, l33t words, a name and
        // a year are cheap to guess; passphrases and random strings are not.
        for guessable in [
            "qwertyuiop",
            "abcd1234",
            "P@ssw0rd1",
            "smith1990",
            "zxcvbnm,./",
        ] {
            assert!(
                check_password(guessable, "someone@example.com")
                    .iter()
                    .any(|p| p.contains("easy to guess") || p.contains("too common")),
                "{guessable:?} accepted"
            );
        }
        for fine in ["correct horse battery", "tr0ub4dour&3x", "j7#Kq9!zW2"] {
            assert!(check_password(fine, email).is_empty(), "{fine:?} refused");
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_are_salted() {
        let a = hash_password("correct horse battery").await.unwrap();
        let b = hash_password("correct horse battery").await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify_password("correct horse battery", &a).await.unwrap());
        assert!(!verify_password("wrong horse battery", &a).await.unwrap());
        assert!(verify_password("x", "not a hash").await.is_err());
    }
}
