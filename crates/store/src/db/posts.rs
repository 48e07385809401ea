//! Users' posts and their images' rows (the image bytes live in object storage).

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Arguments as _, Row};

use super::Db;
use crate::clock::now;
use crate::error::{Error, Result};
use crate::ids::PostId;
use crate::rating::Rating;

/// An image's row: where its objects are and the metadata extracted at upload.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow {
    pub id: i64,
    pub user_id: i64,
    pub storage_key: String,
    pub thumbnail_key: String,
    pub content_type: String,
    pub format: String,
    pub width: i64,
    pub height: i64,
    pub size_bytes: i64,
    pub sha256: String,
    pub original_filename: Option<String>,
    pub uploaded_at: i64,
    pub exif_datetime_original: Option<String>,
    pub exif_datetime: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub orientation: Option<i64>,
    pub exif_gps_present: bool,
}

/// A post with its author's names, its movie's title and its image.
#[derive(Debug, Clone, PartialEq)]
pub struct PostRow {
    pub id: i64,
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub movie_id: Option<i64>,
    pub movie_title: Option<String>,
    pub movie_year: Option<i64>,
    pub title: String,
    pub content: String,
    pub rating: Option<f64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub image: Option<ImageRow>,
}

/// A post to insert, its fields already checked.
#[derive(Debug, Clone, Copy)]
pub struct NewPost<'a> {
    pub user_id: i64,
    pub movie_id: Option<i64>,
    pub title: &'a str,
    pub content: &'a str,
    pub rating: Option<Rating>,
}

/// Changes to a post: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Default)]
pub struct PostChanges {
    pub title: Option<String>,
    pub content: Option<String>,
    pub rating: Option<Option<Rating>>,
    pub movie_id: Option<Option<i64>>,
}

const SELECT: &str = "SELECT p.id, p.user_id, u.first_name, u.last_name, p.movie_id, \
     m.title AS movie_title, m.release_year AS movie_year, p.title, p.content, p.rating, \
     p.created_at, p.updated_at, i.id AS image_id, i.storage_key, i.thumbnail_key, \
     i.content_type, i.format, i.width, i.height, i.size_bytes, i.sha256, i.original_filename, \
     i.uploaded_at, i.exif_datetime_original, i.exif_datetime, i.camera_make, i.camera_model, \
     i.orientation, i.exif_gps_present \
     FROM posts p JOIN users u ON u.id = p.user_id \
     LEFT JOIN movies m ON m.id = p.movie_id LEFT JOIN images i ON i.id = p.image_id";

const IMAGE_COLUMNS: &str = "id AS image_id, user_id, storage_key, thumbnail_key, content_type, \
     format, width, height, size_bytes, sha256, original_filename, uploaded_at, \
     exif_datetime_original, exif_datetime, camera_make, camera_model, orientation, \
     exif_gps_present";

fn image_from(r: &AnyRow, user_id: i64) -> Result<ImageRow> {
    Ok(ImageRow {
        id: r.try_get("image_id")?,
        user_id,
        storage_key: r.try_get("storage_key")?,
        thumbnail_key: r
            .try_get::<Option<String>, _>("thumbnail_key")?
            .unwrap_or_default(),
        content_type: r.try_get("content_type")?,
        format: r.try_get("format")?,
        width: r.try_get("width")?,
        height: r.try_get("height")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        original_filename: r.try_get("original_filename")?,
        uploaded_at: r.try_get("uploaded_at")?,
        exif_datetime_original: r.try_get("exif_datetime_original")?,
        exif_datetime: r.try_get("exif_datetime")?,
        camera_make: r.try_get("camera_make")?,
        camera_model: r.try_get("camera_model")?,
        orientation: r.try_get("orientation")?,
        exif_gps_present: r.try_get::<i64, _>("exif_gps_present")? != 0,
    })
}

fn post_from(r: &AnyRow) -> Result<PostRow> {
    let user_id = r.try_get("user_id")?;
    let image = match r.try_get::<Option<i64>, _>("image_id")? {
        Some(_) => Some(image_from(r, user_id)?),
        None => None,
    };
    Ok(PostRow {
        id: r.try_get("id")?,
        user_id,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        movie_id: r.try_get("movie_id")?,
        movie_title: r.try_get("movie_title")?,
        movie_year: r.try_get("movie_year")?,
        title: r.try_get("title")?,
        content: r.try_get("content")?,
        rating: r.try_get("rating")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        image,
    })
}

fn bind_err(e: sqlx::error::BoxDynError) -> Error {
    Error::internal("cannot bind a query argument", e)
}

/// Inserts the image's row and the post in one transaction; returns the post's id. The image's
/// `id`, `user_id` and `uploaded_at` are ignored: it gets a new id, the post's user and now.
pub async fn create(db: &Db, post: &NewPost<'_>, img: &ImageRow) -> Result<PostId> {
    let at = now();
    let mut tx = db.begin().await?;
    let mut args = AnyArguments::default();
    args.add(post.user_id).map_err(bind_err)?;
    args.add(img.storage_key.as_str()).map_err(bind_err)?;
    args.add(img.thumbnail_key.as_str()).map_err(bind_err)?;
    args.add(img.content_type.as_str()).map_err(bind_err)?;
    args.add(img.format.as_str()).map_err(bind_err)?;
    args.add(img.width).map_err(bind_err)?;
    args.add(img.height).map_err(bind_err)?;
    args.add(img.size_bytes).map_err(bind_err)?;
    args.add(img.sha256.as_str()).map_err(bind_err)?;
    args.add(img.original_filename.as_deref())
        .map_err(bind_err)?;
    args.add(at).map_err(bind_err)?;
    args.add(img.exif_datetime_original.as_deref())
        .map_err(bind_err)?;
    args.add(img.exif_datetime.as_deref()).map_err(bind_err)?;
    args.add(img.camera_make.as_deref()).map_err(bind_err)?;
    args.add(img.camera_model.as_deref()).map_err(bind_err)?;
    args.add(img.orientation).map_err(bind_err)?;
    args.add(i64::from(img.exif_gps_present))
        .map_err(bind_err)?;
    let image_id = db
        .insert_returning_id(
            &mut *tx,
            "INSERT INTO images (user_id, storage_key, thumbnail_key, content_type, format, \
             width, height, size_bytes, sha256, original_filename, uploaded_at, \
             exif_datetime_original, exif_datetime, camera_make, camera_model, orientation, \
             exif_gps_present) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            args,
        )
        .await?;
    let mut args = AnyArguments::default();
    args.add(post.user_id).map_err(bind_err)?;
    args.add(post.movie_id).map_err(bind_err)?;
    args.add(image_id).map_err(bind_err)?;
    args.add(post.title).map_err(bind_err)?;
    args.add(post.content).map_err(bind_err)?;
    args.add(post.rating.map(Rating::get)).map_err(bind_err)?;
    args.add(at).map_err(bind_err)?;
    args.add(at).map_err(bind_err)?;
    let id = db
        .insert_returning_id(
            &mut *tx,
            "INSERT INTO posts (user_id, movie_id, image_id, title, content, rating, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            args,
        )
        .await?;
    tx.commit().await?;
    PostId::from_db(id)
}

pub async fn get(db: &Db, id: PostId) -> Result<Option<PostRow>> {
    let sql = format!("{SELECT} WHERE p.id = ?");
    let row = sqlx::query(db.sql_owned(sql))
        .bind(id.get())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(post_from).transpose()
}

/// Which posts to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostFilter {
    pub user_id: Option<i64>,
    pub movie_id: Option<i64>,
}

/// A page of posts, newest first, and how many match in all.
pub async fn list(
    db: &Db,
    filter: PostFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PostRow>, i64)> {
    let mut conds = Vec::new();
    if filter.user_id.is_some() {
        conds.push("p.user_id = ?");
    }
    if filter.movie_id.is_some() {
        conds.push("p.movie_id = ?");
    }
    let filter_sql = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM posts p{filter_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(db.sql_owned(count_sql));
    for v in [filter.user_id, filter.movie_id].into_iter().flatten() {
        count = count.bind(v);
    }
    let total = count.fetch_one(db.pool()).await?;
    let sql =
        format!("{SELECT}{filter_sql} ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?");
    let mut query = sqlx::query(db.sql_owned(sql));
    for v in [filter.user_id, filter.movie_id].into_iter().flatten() {
        query = query.bind(v);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(db.pool()).await?;
    Ok((rows.iter().map(post_from).collect::<Result<_>>()?, total))
}

/// Applies changes to a post; false if it does not exist.
pub async fn update(db: &Db, id: PostId, changes: &PostChanges) -> Result<bool> {
    let mut sets = vec!["updated_at = ?"];
    let mut args = AnyArguments::default();
    args.add(now()).map_err(bind_err)?;
    if let Some(t) = &changes.title {
        sets.push("title = ?");
        args.add(t.as_str()).map_err(bind_err)?;
    }
    if let Some(c) = &changes.content {
        sets.push("content = ?");
        args.add(c.as_str()).map_err(bind_err)?;
    }
    if let Some(r) = changes.rating {
        sets.push("rating = ?");
        args.add(r.map(Rating::get)).map_err(bind_err)?;
    }
    if let Some(m) = changes.movie_id {
        sets.push("movie_id = ?");
        args.add(m).map_err(bind_err)?;
    }
    args.add(id.get()).map_err(bind_err)?;
    let sql = format!("UPDATE posts SET {} WHERE id = ?", sets.join(", "));
    let done = sqlx::query_with(db.sql_owned(sql), args)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes a post and its image's row; returns the storage keys to delete, or `None` if there
/// was no such post.
pub async fn delete(db: &Db, id: PostId) -> Result<Option<Vec<String>>> {
    let mut tx = db.begin().await?;
    let image: Option<Option<i64>> =
        sqlx::query_scalar(db.sql("SELECT image_id FROM posts WHERE id = ?"))
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await?;
    let Some(image_id) = image else {
        return Ok(None);
    };
    let keys = match image_id {
        Some(image_id) => image_keys(db, &mut tx, "id", image_id).await?,
        None => Vec::new(),
    };
    sqlx::query(db.sql("DELETE FROM posts WHERE id = ?"))
        .bind(id.get())
        .execute(&mut *tx)
        .await?;
    if let Some(image_id) = image_id {
        sqlx::query(db.sql("DELETE FROM images WHERE id = ?"))
            .bind(image_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(keys))
}

/// The storage keys of the images whose `column` is `value`.
pub(super) async fn image_keys(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    column: &'static str,
    value: i64,
) -> Result<Vec<String>> {
    let sql = format!("SELECT storage_key, thumbnail_key FROM images WHERE {column} = ?");
    let rows = sqlx::query(db.sql_owned(sql))
        .bind(value)
        .fetch_all(&mut **tx)
        .await?;
    let mut keys = Vec::new();
    for r in rows {
        keys.push(r.try_get("storage_key")?);
        if let Some(t) = r.try_get::<Option<String>, _>("thumbnail_key")? {
            keys.push(t);
        }
    }
    Ok(keys)
}

/// One image's row.
pub async fn image(db: &Db, id: i64) -> Result<Option<ImageRow>> {
    let sql = format!("SELECT {IMAGE_COLUMNS} FROM images WHERE id = ?");
    let row = sqlx::query(db.sql_owned(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        let user_id = r.try_get("user_id")?;
        image_from(&r, user_id)
    })
    .transpose()
}
