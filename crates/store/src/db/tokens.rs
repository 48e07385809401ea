//! Refresh tokens: one row per issued token, so that a token can be revoked and a reused one
//! detected. Tokens of one login form a family; presenting a revoked token revokes the family
//! (whoever holds the newer one may be the thief).

use sqlx::Row;

use super::Db;
use crate::clock::now;
use crate::error::Result;
use crate::ids::UserId;

/// Records a newly issued refresh token.
pub async fn insert(
    db: &Db,
    jti: &str,
    user_id: UserId,
    family: &str,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(db.sql(
        "INSERT INTO refresh_tokens (jti, user_id, family, issued_at, expires_at) \
         VALUES (?, ?, ?, ?, ?)",
    ))
    .bind(jti)
    .bind(user_id.get())
    .bind(family)
    .bind(now())
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    /// Live: it has now been revoked, the caller may issue its successor in `family`.
    Rotated { family: String },
    /// Revoked or never issued here: refused (and its family revoked).
    Refused,
}

/// Revokes the token `jti` of `user_id` if it is live (one statement, so two concurrent uses of
/// one token cannot both succeed); a revoked one revokes its whole family instead.
pub async fn present(db: &Db, jti: &str, user_id: UserId) -> Result<Presented> {
    let at = now();
    let done = sqlx::query(db.sql(
        "UPDATE refresh_tokens SET revoked_at = ? \
         WHERE jti = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?",
    ))
    .bind(at)
    .bind(jti)
    .bind(user_id.get())
    .bind(at)
    .execute(db.pool())
    .await?;
    let family: Option<String> =
        sqlx::query(db.sql("SELECT family FROM refresh_tokens WHERE jti = ? AND user_id = ?"))
            .bind(jti)
            .bind(user_id.get())
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get("family"))
            .transpose()?;
    match (done.rows_affected(), family) {
        (1, Some(family)) => Ok(Presented::Rotated { family }),
        (_, Some(family)) => {
            revoke_family(db, &family).await?;
            Ok(Presented::Refused)
        }
        (_, None) => Ok(Presented::Refused),
    }
}

/// Revokes every live token of a family.
pub async fn revoke_family(db: &Db, family: &str) -> Result<()> {
    sqlx::query(
        db.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL"),
    )
    .bind(now())
    .bind(family)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Revokes every live token of a user (password change).
pub async fn revoke_user(db: &Db, user_id: UserId) -> Result<()> {
    sqlx::query(
        db.sql("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"),
    )
    .bind(now())
    .bind(user_id.get())
    .execute(db.pool())
    .await?;
    Ok(())
}
