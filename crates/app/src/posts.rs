//! Posts as a whole: a post's rows in the database and its image in the object storage are
//! written together, and what fails half-way is undone; deleting a post deletes its image too.
//! The HTTP handlers check the input and call these.

use crate::images::{self, Processed};
use crate::random_id::random_id;
use nextflex_store::db::Db;
use nextflex_store::db::posts::{self as rows, ImageRow, NewPost};
use nextflex_store::error::Result;
use nextflex_store::ids::PostId;
use nextflex_store::storage::Storage;

/// Stores the image (as served and its thumbnail) and records the post; returns its id.
/// `file_name` is the uploaded file's name as the client sent it (kept only once sanitised). On
/// failure nothing stays behind: the rows are rolled back and the objects deleted.
pub async fn create(
    db: &Db,
    storage: &Storage,
    post: &NewPost<'_>,
    file_name: Option<&str>,
    image: Processed,
) -> Result<PostId> {
    // Generated keys: nothing the user sends reaches a storage path.
    let folder = format!("images/{}", random_id());
    let key = format!("{folder}/original.{}", image.format.name());
    let thumb_key = format!("{folder}/thumb.jpg");
    let row = ImageRow {
        id: 0,
        user_id: post.user_id,
        storage_key: key.clone(),
        thumbnail_key: thumb_key.clone(),
        content_type: image.format.content_type().to_string(),
        format: image.format.name().to_string(),
        width: i64::from(image.width),
        height: i64::from(image.height),
        size_bytes: i64::try_from(image.size_bytes).unwrap_or(i64::MAX),
        sha256: image.sha256.clone(),
        original_filename: file_name.and_then(images::sanitise_file_name),
        uploaded_at: 0,
        exif_datetime_original: image.exif.datetime_original.clone(),
        exif_datetime: image.exif.datetime.clone(),
        camera_make: image.exif.camera_make.clone(),
        camera_model: image.exif.camera_model.clone(),
        orientation: image.exif.orientation.map(i64::from),
        exif_gps_present: image.exif.gps_present,
    };
    let written = [key, thumb_key];
    let stored = async {
        storage.put(&written[0], image.served).await?;
        storage.put(&written[1], image.thumbnail).await?;
        rows::create(db, post, &row).await
    }
    .await;
    if stored.is_err() {
        storage.delete_logged(&written).await;
    }
    stored
}

/// Deletes a post and its image; `false` when there is no such post.
pub async fn delete(db: &Db, storage: &Storage, id: PostId) -> Result<bool> {
    let Some(keys) = rows::delete(db, id).await? else {
        return Ok(false);
    };
    // After the rows are gone: an object that cannot be deleted is logged, not an error.
    storage.delete_logged(&keys).await;
    Ok(true)
}
