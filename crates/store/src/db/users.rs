//! User accounts in the database.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::Db;
use crate::clock::now;
use crate::email::Email;
use crate::error::{Error, Result};
use crate::ids::UserId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub is_admin: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_login_at: Option<i64>,
    /// Shows others their profile and may be added to their groups.
    pub public_profile: bool,
    /// Access tokens issued before this (Unix seconds) are refused (see [`shut_out_tokens`]).
    pub tokens_valid_from: i64,
}

/// A user to create; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub is_admin: bool,
}

const COLUMNS: &str = "id, email, password_hash, first_name, last_name, is_active, is_admin, \
                       created_at, updated_at, last_login_at, public_profile, tokens_valid_from";

/// Inserts a user and returns the new id; [`Error::Conflict`] when the email is taken.
pub async fn create(db: &Db, user: &NewUser<'_>) -> Result<UserId> {
    let at = now();
    let mut args = sqlx::any::AnyArguments::default();
    use sqlx::Arguments as _;
    let bind_err = |e| Error::internal("cannot bind a query argument", e);
    args.add(user.email.as_str()).map_err(bind_err)?;
    args.add(user.password_hash).map_err(bind_err)?;
    args.add(user.first_name).map_err(bind_err)?;
    args.add(user.last_name).map_err(bind_err)?;
    args.add(i64::from(user.is_admin)).map_err(bind_err)?;
    args.add(at).map_err(bind_err)?;
    args.add(at).map_err(bind_err)?;
    db.insert_returning_id(
        db.pool(),
        "INSERT INTO users (email, password_hash, first_name, last_name, is_active, is_admin, \
         created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
        args,
    )
    .await
    .map_err(|e| match e {
        Error::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => Error::Conflict(
            format!("a user with the email {} exists already", user.email),
        ),
        other => other,
    })
    .and_then(UserId::from_db)
}

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<User>> {
    let sql = db.sql_owned(format!("SELECT {COLUMNS} FROM users WHERE email = ?"));
    let row = sqlx::query(sql)
        .bind(email.as_str())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| from_row(&r)).transpose()
}

pub async fn find_by_id(db: &Db, id: UserId) -> Result<Option<User>> {
    let sql = db.sql_owned(format!("SELECT {COLUMNS} FROM users WHERE id = ?"));
    let row = sqlx::query(sql)
        .bind(id.get())
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| from_row(&r)).transpose()
}

fn from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId::from_db(row.try_get("id")?)?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        is_active: row.try_get::<i64, _>("is_active")? != 0,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        last_login_at: row.try_get("last_login_at")?,
        public_profile: row.try_get::<i64, _>("public_profile")? != 0,
        tokens_valid_from: row.try_get("tokens_valid_from")?,
    })
}

/// Refuses every access token issued so far to `id`, also after a reactivation (refresh
/// tokens are revoked in the tokens table). Tokens of this very second are refused too.
pub async fn shut_out_tokens(db: &Db, id: UserId) -> Result<()> {
    sqlx::query(db.sql("UPDATE users SET tokens_valid_from = ? WHERE id = ?"))
        .bind(now() + 1)
        .bind(id.get())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Changes a user's names.
pub async fn update_names(db: &Db, id: UserId, first_name: &str, last_name: &str) -> Result<()> {
    sqlx::query(
        db.sql("UPDATE users SET first_name = ?, last_name = ?, updated_at = ? WHERE id = ?"),
    )
    .bind(first_name)
    .bind(last_name)
    .bind(now())
    .bind(id.get())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Turns a user's public profile on or off.
pub async fn set_public_profile(db: &Db, id: UserId, public: bool) -> Result<()> {
    sqlx::query(db.sql("UPDATE users SET public_profile = ?, updated_at = ? WHERE id = ?"))
        .bind(i64::from(public))
        .bind(now())
        .bind(id.get())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Replaces a user's password hash.
pub async fn set_password_hash(db: &Db, id: UserId, password_hash: &str) -> Result<()> {
    sqlx::query(db.sql("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"))
        .bind(password_hash)
        .bind(now())
        .bind(id.get())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records a successful login.
pub async fn touch_login(db: &Db, id: UserId) -> Result<()> {
    sqlx::query(db.sql("UPDATE users SET last_login_at = ? WHERE id = ?"))
        .bind(now())
        .bind(id.get())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes a user with their ratings, watchlist and dismissed marks, posts, images and refresh tokens (deleted explicitly:
/// SQLite enforces foreign keys only when asked to); returns the storage keys of their images,
/// for the caller to delete once the rows are gone.
pub async fn delete(db: &Db, id: UserId) -> Result<Vec<String>> {
    let mut tx = db.begin().await?;
    let keys = super::posts::image_keys(db, &mut tx, "user_id", id.get()).await?;
    for sql in [
        "DELETE FROM ratings WHERE user_id = ?",
        "DELETE FROM movie_lists WHERE user_id = ?",
        "DELETE FROM refresh_tokens WHERE user_id = ?",
        "DELETE FROM posts WHERE user_id = ?",
        "DELETE FROM images WHERE user_id = ?",
        "DELETE FROM users WHERE id = ?",
    ] {
        sqlx::query(db.sql(sql))
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(keys)
}
