//! Queries behind the admin dashboard: counts and breakdowns of the app's own data, and the
//! users and ratings tables.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::Db;
use crate::error::Result;
use crate::ids::UserId;

/// Counts and breakdowns over the app users' data.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminStats)]
pub struct Stats {
    pub users: i64,
    pub admins: i64,
    pub movies: i64,
    pub ratings: i64,
    pub posts: i64,
    pub rating_distribution: Vec<RatingCount>,
    pub ratings_per_day: Vec<DayCount>,
    pub genres: Vec<GenreCount>,
    pub top_users: Vec<UserCount>,
}

/// Ratings of one value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = AdminRatingCount)]
pub struct RatingCount {
    pub rating: f64,
    pub count: i64,
}

/// Ratings of one day (`YYYY-MM-DD`, UTC), the last 90 days.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminDayCount)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub count: i64,
}

/// Ratings of one genre's movies.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = AdminGenreRatings)]
pub struct GenreCount {
    pub genre: String,
    pub ratings: i64,
}

/// One of the users with the most ratings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
#[schema(as = AdminTopUser)]
pub struct UserCount {
    pub id: i64,
    pub email: String,
    pub ratings: i64,
}

const DAY: i64 = 86_400;
/// Days covered by `ratings_per_day`.
pub const STATS_DAYS: i64 = 90;

async fn scalar(db: &Db, sql: &'static str) -> Result<i64> {
    Ok(sqlx::query_scalar(db.sql(sql)).fetch_one(db.pool()).await?)
}

pub async fn stats(db: &Db, now: i64) -> Result<Stats> {
    let rating_distribution = sqlx::query_as(
        db.sql("SELECT rating, COUNT(*) AS count FROM ratings GROUP BY rating ORDER BY rating"),
    )
    .fetch_all(db.pool())
    .await?;
    // `%` rather than division: integer division is spelled differently in each dialect.
    let since = (now - now % DAY) - (STATS_DAYS - 1) * DAY;
    let ratings_per_day = sqlx::query(db.sql(
        "SELECT rated_at - rated_at % 86400 AS day, COUNT(*) AS n FROM ratings \
         WHERE rated_at >= ? GROUP BY rated_at - rated_at % 86400 ORDER BY day",
    ))
    .bind(since)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(DayCount {
            day: day_name(r.try_get("day")?),
            count: r.try_get("n")?,
        })
    })
    .collect::<Result<_>>()?;
    let genres = sqlx::query_as(db.sql(
        "SELECT g.name AS genre, COUNT(*) AS ratings FROM ratings r \
         JOIN movie_genres mg ON mg.movie_id = r.movie_id JOIN genres g ON g.id = mg.genre_id \
         GROUP BY g.name ORDER BY COUNT(*) DESC, g.name",
    ))
    .fetch_all(db.pool())
    .await?;
    let top_users = sqlx::query_as(db.sql(
        "SELECT u.id, u.email, COUNT(*) AS ratings FROM ratings r \
         JOIN users u ON u.id = r.user_id \
         GROUP BY u.id, u.email ORDER BY COUNT(*) DESC, u.id LIMIT 10",
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(Stats {
        users: scalar(db, "SELECT COUNT(*) FROM users").await?,
        admins: scalar(db, "SELECT COUNT(*) FROM users WHERE is_admin = 1").await?,
        movies: scalar(db, "SELECT COUNT(*) FROM movies").await?,
        ratings: scalar(db, "SELECT COUNT(*) FROM ratings").await?,
        posts: scalar(db, "SELECT COUNT(*) FROM posts").await?,
        rating_distribution,
        ratings_per_day,
        genres,
        top_users,
    })
}

/// Unix seconds at the start of a day → `YYYY-MM-DD`.
fn day_name(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map_or_else(|_| secs.to_string(), |t| t.date().to_string())
}

/// A user as the admin table shows them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminUser)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    pub is_active: bool,
    pub date_joined: i64,
    pub last_login: Option<i64>,
    pub ratings: i64,
    pub posts: i64,
}

/// `LIKE` pattern for a case-insensitive substring search (wildcards in `q` are literal). The
/// escape character is `!`: a backslash means different things in MySQL string literals.
fn like(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_");
    format!("%{escaped}%")
}

/// One page of an admin table's search, and how many rows match in all. `from` is the FROM and
/// WHERE clauses, each `?` in it the LIKE pattern of `q`; `columns` what each row selects.
async fn search(
    db: &Db,
    columns: &str,
    from: &str,
    order: &str,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AnyRow>, i64)> {
    let pattern = like(q.unwrap_or(""));
    let count = format!("SELECT COUNT(*) {from}");
    let page = format!("SELECT {columns} {from} ORDER BY {order} LIMIT ? OFFSET ?");
    let (mut count, mut page) = (
        sqlx::query_scalar(db.sql_owned(count)),
        sqlx::query(db.sql_owned(page)),
    );
    for _ in 0..from.matches('?').count() {
        count = count.bind(&pattern);
        page = page.bind(&pattern);
    }
    let total: i64 = count.fetch_one(db.pool()).await?;
    let rows = page.bind(limit).bind(offset).fetch_all(db.pool()).await?;
    Ok((rows, total))
}

/// A page of users whose email or names contain `q`, newest first, and the total.
pub async fn users(
    db: &Db,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64)> {
    let from = "FROM users WHERE LOWER(email) LIKE ? ESCAPE '!' \
                OR LOWER(first_name) LIKE ? ESCAPE '!' OR LOWER(last_name) LIKE ? ESCAPE '!'";
    let order = "created_at DESC, id DESC";
    let (rows, total) = search(db, USER_COLUMNS, from, order, q, limit, offset).await?;
    let users = rows.iter().map(user_from).collect::<Result<_>>()?;
    Ok((users, total))
}

const USER_COLUMNS: &str = "id, email, first_name, last_name, is_admin, is_active, \
     created_at, last_login_at, \
     (SELECT COUNT(*) FROM ratings r WHERE r.user_id = users.id) AS n_ratings, \
     (SELECT COUNT(*) FROM posts p WHERE p.user_id = users.id) AS n_posts";

fn user_from(r: &sqlx::any::AnyRow) -> Result<UserRow> {
    Ok(UserRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        is_admin: r.try_get::<i64, _>("is_admin")? != 0,
        is_active: r.try_get::<i64, _>("is_active")? != 0,
        date_joined: r.try_get("created_at")?,
        last_login: r.try_get("last_login_at")?,
        ratings: r.try_get("n_ratings")?,
        posts: r.try_get("n_posts")?,
    })
}

/// One user as the admin table shows them.
pub async fn user(db: &Db, id: UserId) -> Result<Option<UserRow>> {
    let row = sqlx::query(db.sql_owned(format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?")))
        .bind(id.get())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(user_from).transpose()
}

/// Sets a user's admin and active flags.
pub async fn set_flags(db: &Db, id: UserId, is_admin: bool, is_active: bool) -> Result<()> {
    sqlx::query(
        db.sql("UPDATE users SET is_admin = ?, is_active = ?, updated_at = ? WHERE id = ?"),
    )
    .bind(i64::from(is_admin))
    .bind(i64::from(is_active))
    .bind(crate::clock::now())
    .bind(id.get())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A rating as the admin table shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminRating)]
pub struct RatingRow {
    pub user: RatingUser,
    pub movie: RatingMovie,
    pub rating: f64,
    pub rated_at: i64,
}

/// Who rated.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminRatingUser)]
pub struct RatingUser {
    pub id: i64,
    pub email: String,
}

/// What was rated.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = AdminRatingMovie)]
pub struct RatingMovie {
    pub id: i64,
    pub title: String,
}

/// A page of ratings whose user's email or movie's title contains `q`, newest first.
pub async fn ratings(
    db: &Db,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RatingRow>, i64)> {
    let from = "FROM ratings r JOIN users u ON u.id = r.user_id JOIN movies m ON m.id = r.movie_id \
                WHERE LOWER(u.email) LIKE ? ESCAPE '!' OR LOWER(m.title) LIKE ? ESCAPE '!'";
    let columns = "r.user_id, u.email, r.movie_id, m.title, r.rating, r.rated_at";
    let order = "r.rated_at DESC, r.user_id, r.movie_id";
    let (rows, total) = search(db, columns, from, order, q, limit, offset).await?;
    let ratings = rows
        .iter()
        .map(|r| {
            Ok(RatingRow {
                user: RatingUser {
                    id: r.try_get("user_id")?,
                    email: r.try_get("email")?,
                },
                movie: RatingMovie {
                    id: r.try_get("movie_id")?,
                    title: r.try_get("title")?,
                },
                rating: r.try_get("rating")?,
                rated_at: r.try_get("rated_at")?,
            })
        })
        .collect::<Result<_>>()?;
    Ok((ratings, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_named_in_utc() {
        assert_eq!(day_name(0), "1970-01-01");
        assert_eq!(day_name(951_782_400), "2000-02-29");
        assert_eq!(day_name(1_795_478_400), "2026-11-24");
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like("Ab%c_!"), "%ab!%c!_!!%");
    }
}
