//! Users' posts with an image: create (multipart upload), list, read, edit and delete by the
//! author or an admin; and the images themselves, original and thumbnail.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::error::{
    ErrorBody, FieldErrors, Integer, InvalidPath, JsonBody, NoSuchImage, NoSuchPost, PathParam,
    QueryParams, REQUIRED,
};
use super::page::{Page, Paging};
use super::tokens::{AuthUser, permission_denied};
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::images::{self, ImageError, Processed};
use nextflex_store::db::catalogue;
use nextflex_store::db::posts::{self, ImageRow, PostChanges, PostFilter, PostRow};
use nextflex_store::ids::{MovieId, PostId};
use nextflex_store::rating::Rating;

/// Room for the form's text fields and multipart framing on top of the image.
const FORM_OVERHEAD: usize = 128 * 1024;
/// Longest text field accepted in the form.
const MAX_TEXT_FIELD: usize = 64 * 1024;
const MAX_TITLE: usize = 300;
const MAX_CONTENT: usize = 10_000;

pub fn router(max_image_bytes: usize) -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create).layer(DefaultBodyLimit::max(
            max_image_bytes.saturating_add(FORM_OVERHEAD),
        )))
        .routes(routes!(read, update, remove))
        .routes(routes!(original))
        .routes(routes!(thumbnail))
}

#[derive(Debug, Serialize, ToSchema)]
struct Author {
    id: i64,
    first_name: String,
    last_name: String,
}

/// The catalogue movie a post is about.
#[derive(Debug, Serialize, ToSchema)]
struct PostMovie {
    id: i64,
    title: String,
    year: Option<i64>,
}

/// A post's image and what is kept of its metadata.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Image)]
struct ImageBody {
    id: i64,
    /// The image as uploaded, minus its metadata: `/api/images/{id}`.
    url: String,
    /// A JPEG 320 px wide, upright: `/api/images/{id}/thumb`.
    thumb_url: String,
    width: i64,
    height: i64,
    /// `jpeg`, `png`, `gif` or `webp`, sniffed from the bytes.
    #[schema(pattern = "^(jpeg|png|gif|webp)$")]
    format: String,
    size_bytes: i64,
    /// The uploaded file name, cut to its last component and cleaned.
    file_name: Option<String>,
    /// Unix seconds.
    uploaded_at: i64,
    /// The camera's local time from EXIF, `YYYY-MM-DDTHH:MM:SS`.
    taken_at: Option<String>,
    camera_make: Option<String>,
    camera_model: Option<String>,
    /// EXIF orientation, 1 to 8.
    orientation: Option<i64>,
}

impl From<ImageRow> for ImageBody {
    fn from(i: ImageRow) -> Self {
        ImageBody {
            url: format!("/api/images/{}", i.id),
            thumb_url: format!("/api/images/{}/thumb", i.id),
            id: i.id,
            width: i.width,
            height: i.height,
            format: i.format,
            size_bytes: i.size_bytes,
            file_name: i.original_filename,
            uploaded_at: i.uploaded_at,
            taken_at: i.exif_datetime_original.or(i.exif_datetime),
            camera_make: i.camera_make,
            camera_model: i.camera_model,
            orientation: i.orientation,
        }
    }
}

/// A user's post about a movie.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Post)]
struct PostBody {
    id: i64,
    title: String,
    content: String,
    rating: Option<f64>,
    movie: Option<PostMovie>,
    author: Author,
    /// Unix seconds.
    created_at: i64,
    /// Unix seconds.
    updated_at: i64,
    image: Option<ImageBody>,
}

impl From<PostRow> for PostBody {
    fn from(p: PostRow) -> Self {
        PostBody {
            id: p.id,
            title: p.title,
            content: p.content,
            rating: p.rating,
            movie: p.movie_id.zip(p.movie_title).map(|(id, title)| PostMovie {
                id,
                title,
                year: p.movie_year,
            }),
            author: Author {
                id: p.user_id,
                first_name: p.first_name,
                last_name: p.last_name,
            },
            created_at: p.created_at,
            updated_at: p.updated_at,
            image: p.image.map(ImageBody::from),
        }
    }
}

/// The form as sent, before validation.
#[derive(Default, ToSchema)]
#[schema(as = PostForm)]
struct Form {
    /// 1 to 300 characters.
    #[schema(value_type = String, min_length = 1, max_length = 300)]
    title: Option<String>,
    /// At most 10,000 characters.
    #[schema(value_type = String, required = false, max_length = 10000)]
    content: Option<String>,
    /// A catalogue movie the post is about (its id, 1 or more).
    #[schema(value_type = i64, required = false, minimum = 1)]
    movie_id: Option<String>,
    /// 0.5 to 5.0 in steps of 0.5.
    #[schema(
        value_type = f64,
        required = false,
        minimum = 0.5,
        maximum = 5.0,
        multiple_of = 0.5
    )]
    rating: Option<String>,
    /// A whole JPEG, PNG, GIF or WebP file (type sniffed from the bytes), within the size limit
    /// (10 MB by default), at most 16,384 px a side and 40 megapixels.
    #[schema(
        value_type = String,
        format = Binary,
        content_media_type = "application/octet-stream"
    )]
    image: Option<(Option<String>, Vec<u8>)>,
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    super::error::unreadable_form(&e, || too_large(None))
}

fn too_large(max: Option<usize>) -> ApiError {
    let limit = max.map_or(String::new(), |m| format!(" (at most {m} bytes)"));
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::ImageTooLarge,
        format!("The image is too large{limit}."),
    )
}

/// Reads a field up to `max` bytes; `None` once it is longer (the rest is not read).
async fn read_capped(field: &mut Field<'_>, max: usize) -> Result<Option<Vec<u8>>, ApiError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if buf.len() + chunk.len() > max {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(buf))
}

async fn read_form(mut multipart: Multipart, max_image: usize) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "image" {
            let file_name = field.file_name().map(str::to_string);
            let bytes = read_capped(&mut field, max_image)
                .await?
                .ok_or_else(|| too_large(Some(max_image)))?;
            form.image = Some((file_name, bytes));
            continue;
        }
        let slot = match name.as_str() {
            "title" => &mut form.title,
            "content" => &mut form.content,
            "movie_id" => &mut form.movie_id,
            "rating" => &mut form.rating,
            // Unknown fields are skipped, as JSON bodies ignore unknown keys.
            _ => continue,
        };
        let bytes = read_capped(&mut field, MAX_TEXT_FIELD)
            .await?
            .ok_or_else(|| ApiError::field(&name, "This field is too long."))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ApiError::field(&name, "This field must be UTF-8 text."))?;
        if text.contains('\0') {
            return Err(ApiError::field(&name, super::error::NUL_MESSAGE));
        }
        *slot = Some(text);
    }
    Ok(form)
}

fn check_title(t: &str) -> Result<String, String> {
    let t = t.trim();
    match t.chars().count() {
        0 => Err("This field may not be blank.".into()),
        n if n > MAX_TITLE => Err(format!("At most {MAX_TITLE} characters.")),
        _ => Ok(t.to_string()),
    }
}

fn check_content(c: &str) -> Result<String, String> {
    if c.chars().count() > MAX_CONTENT {
        Err(format!("At most {MAX_CONTENT} characters."))
    } else {
        Ok(c.trim().to_string())
    }
}

/// `Ok(Err(message))` for a movie id the catalogue lacks; `Err` when the database fails.
async fn check_movie(ctx: &ApiContext, id: i64) -> Result<Result<i64, String>, ApiError> {
    Ok(match MovieId::new(id) {
        Some(movie) if catalogue::exists(&ctx.db, movie).await? => Ok(id),
        _ => Err(format!("No movie has the id {id}.")),
    })
}

/// Validated form values.
struct Checked {
    title: String,
    content: String,
    movie_id: Option<i64>,
    rating: Option<Rating>,
    image: (Option<String>, Vec<u8>),
}

async fn check_form(ctx: &ApiContext, form: Form) -> Result<Checked, ApiError> {
    let mut errors = FieldErrors::default();
    let title = form.title.as_deref().ok_or_else(|| REQUIRED.to_owned());
    let title = errors.check("title", title.and_then(check_title));
    let content = form.content.as_deref().map(check_content).transpose();
    let content = errors.check("content", content).flatten();
    let rating = parse_optional(&form.rating, "A valid number is required.")
        .and_then(|r| r.map(check_rating).transpose());
    let rating = errors.check("rating", rating).flatten();
    let movie_id = parse_optional(&form.movie_id, "A valid integer is required.");
    let movie_id = match errors.check("movie_id", movie_id).flatten() {
        Some(id) => errors.check("movie_id", check_movie(ctx, id).await?),
        None => None,
    };
    let image = match form.image {
        Some((_, bytes)) if bytes.is_empty() => Err("The submitted file is empty.".to_owned()),
        Some(image) => Ok(image),
        None => Err("No file was submitted.".to_owned()),
    };
    let image = errors.check("image", image);
    errors.finish()?;
    // Every check passed, so the required fields are there.
    Ok(Checked {
        title: title.unwrap_or_default(),
        content: content.unwrap_or_default(),
        movie_id,
        rating,
        image: image.unwrap_or_default(),
    })
}

/// A form field that may be left blank, parsed: `Ok(None)` when blank.
fn parse_optional<T: std::str::FromStr>(
    value: &Option<String>,
    invalid: &str,
) -> Result<Option<T>, String> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| invalid.to_owned()),
    }
}

fn check_rating(r: f64) -> Result<Rating, String> {
    Rating::new(r).map_err(String::from)
}

fn invalid_image(e: ImageError) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidImage,
        e.to_string(),
    )
    .with("fields", BTreeMap::from([("image", vec![e.to_string()])]))
}

/// Post about a movie, with an image
#[utoipa::path(
    post,
    path = "/api/posts",
    operation_id = "create_post",
    tag = "posts",
    request_body(content = Form, content_type = "multipart/form-data"),
    security(("jwt" = [])),
    responses(
        (status = 201, description = "The post", body = PostBody),
        (status = 400, description = "Invalid fields, or a form that cannot be read", body = ErrorBody),
        (status = 408, description = "`body_timeout`: the image did not arrive within the upload deadline", body = ErrorBody),
        (status = 413, description = "`image_too_large`: over the image size limit", body = ErrorBody),
        (status = 415, description = "Not `multipart/form-data`", body = ErrorBody),
        (status = 422, description = "`invalid_image`: not a whole JPEG, PNG, GIF or WebP, or too large once decoded", body = ErrorBody),
        (status = 429, description = "`throttled`: over the uploads allowed per user and hour, or the user's uploads under way at once", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`uploads_busy`: as many uploads as allowed at once are under way; `storage_unavailable`, `database_unavailable`", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 507, description = "`storage_full`: the object storage is out of space", body = ErrorBody),
    )
)]
async fn create(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<PostBody>), ApiError> {
    let max = ctx.max_image_bytes;
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max.saturating_add(FORM_OVERHEAD)) {
        return Err(too_large(Some(max)));
    }
    // Admitted before the body is read: what waits in memory is bounded.
    let admitted = ctx.uploads.admit(user.id.get()).inspect_err(|e| {
        if e.status == StatusCode::TOO_MANY_REQUESTS {
            ctx.metrics
                .rate_limited
                .with_label_values(&["upload"])
                .inc();
        }
    })?;
    let multipart = multipart.map_err(|e| super::error::not_multipart("the post", &e))?;
    let form = ctx.uploads.receive(read_form(multipart, max)).await?;
    let form = check_form(&ctx, form).await?;
    let (file_name, bytes) = form.image;
    let decoder = ctx.uploads.decoder(&admitted).await?;
    let decoding = ctx.metrics.image_decode();
    let processed: Processed = tokio::task::spawn_blocking(move || {
        let _held = (decoder, decoding);
        images::process(&bytes)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(invalid_image)?;

    let post = posts::NewPost {
        user_id: user.id.get(),
        movie_id: form.movie_id,
        title: &form.title,
        content: &form.content,
        rating: form.rating,
    };
    let file_name = file_name.as_deref();
    let id =
        nextflex_app::posts::create(&ctx.db, &ctx.storage, &post, file_name, processed).await?;
    let post = posts::get(&ctx.db, id).await?.ok_or(NoSuchPost)?;
    Ok((StatusCode::CREATED, axum::Json(post.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this user's posts.
    user: Option<i64>,
    /// Only posts about this movie.
    movie: Option<i64>,
}

/// Posts, newest first
#[utoipa::path(
    get,
    path = "/api/posts",
    operation_id = "list_posts",
    tag = "posts",
    params(ListQuery, Paging),
    responses(
        (status = 200, description = "A page of posts", body = Page<PostBody>),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
    )
)]
async fn list(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<ListQuery>,
    paging: Paging,
) -> Result<axum::Json<Page<PostBody>>, ApiError> {
    let (limit, offset) = paging.sql();
    let filter = PostFilter {
        user_id: query.user,
        movie_id: query.movie,
    };
    let (rows, count) = posts::list(&ctx.db, filter, limit, offset).await?;
    Ok(axum::Json(Page::new(
        paging,
        usize::try_from(count).unwrap_or_default(),
        rows.into_iter().map(PostBody::from).collect(),
    )))
}

/// A post
#[utoipa::path(
    get,
    path = "/api/posts/{id}",
    operation_id = "get_post",
    tag = "posts",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    responses(
        (status = 200, description = "The post", body = PostBody),
        InvalidPath,
        NoSuchPost,
    )
)]
async fn read(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<PostId>,
) -> Result<axum::Json<PostBody>, ApiError> {
    let post = posts::get(&ctx.db, id).await?.ok_or(NoSuchPost)?;
    Ok(axum::Json(post.into()))
}

/// The post, if the caller may change it: its author or an admin.
async fn editable(ctx: &ApiContext, user: AuthUser, id: PostId) -> Result<PostRow, ApiError> {
    let post = posts::get(&ctx.db, id).await?.ok_or(NoSuchPost)?;
    if post.user_id == user.id.get() || user.is_admin(ctx).await? {
        Ok(post)
    } else {
        Err(permission_denied())
    }
}

/// Tells a field sent as `null` (clear it) from one left out (keep it).
fn explicit<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The fields to change; fields left out are kept, `null` clears `rating` or `movie_id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PostPatch {
    /// 1 to 300 characters.
    #[schema(min_length = 1, max_length = 300)]
    title: Option<String>,
    /// At most 10,000 characters.
    #[schema(max_length = 10000)]
    content: Option<String>,
    /// 0.5 to 5.0 in steps of 0.5, or `null` to clear it.
    #[serde(default, deserialize_with = "explicit")]
    #[schema(value_type = Option<f64>, minimum = 0.5, maximum = 5.0, multiple_of = 0.5)]
    rating: Option<Option<f64>>,
    /// A catalogue movie (its id, 1 or more), or `null` to clear it.
    #[serde(default, deserialize_with = "explicit")]
    #[schema(value_type = Option<i64>, minimum = 1)]
    movie_id: Option<Option<Integer>>,
}

/// Edit a post (its author or an admin)
#[utoipa::path(
    patch,
    path = "/api/posts/{id}",
    operation_id = "update_post",
    tag = "posts",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    request_body = PostPatch,
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The post", body = PostBody),
        (status = 400, description = "Invalid fields, or an id that is not an integer", body = ErrorBody),
        (status = 403, description = "Neither the author nor an admin", body = ErrorBody),
        NoSuchPost,
    )
)]
async fn update(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<PostId>,
    JsonBody(patch): JsonBody<PostPatch>,
) -> Result<axum::Json<PostBody>, ApiError> {
    editable(&ctx, user, id).await?;
    let mut errors = FieldErrors::default();
    let title = patch.title.as_deref().map(check_title).transpose();
    let title = errors.check("title", title).flatten();
    let content = patch.content.as_deref().map(check_content).transpose();
    let content = errors.check("content", content).flatten();
    let rating = patch.rating.map(|r| r.map(check_rating).transpose());
    let rating = errors.check("rating", rating.transpose()).flatten();
    let movie_id = match patch.movie_id.map(|m| m.map(|Integer(id)| id)) {
        Some(Some(m)) => errors
            .check("movie_id", check_movie(&ctx, m).await?)
            .map(|m| Some(Some(m))),
        other => other.map(Some),
    }
    .flatten();
    errors.finish()?;
    let changes = PostChanges {
        title,
        content,
        rating,
        movie_id,
    };
    if !posts::update(&ctx.db, id, &changes).await? {
        return Err(NoSuchPost.into());
    }
    let post = posts::get(&ctx.db, id).await?.ok_or(NoSuchPost)?;
    Ok(axum::Json(post.into()))
}

/// Delete a post and its image (its author or an admin)
#[utoipa::path(
    delete,
    path = "/api/posts/{id}",
    operation_id = "delete_post",
    tag = "posts",
    params(("id" = i64, Path, minimum = 1, description = "The post's id")),
    security(("jwt" = [])),
    responses(
        (status = 204, description = "The post, its image and thumbnail are deleted"),
        InvalidPath,
        (status = 403, description = "Neither the author nor an admin", body = ErrorBody),
        NoSuchPost,
    )
)]
async fn remove(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<PostId>,
) -> Result<StatusCode, ApiError> {
    editable(&ctx, user, id).await?;
    if nextflex_app::posts::delete(&ctx.db, &ctx.storage, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(NoSuchPost.into())
    }
}

/// An image as uploaded, minus its metadata (EXIF, XMP, IPTC, text; the orientation is kept)
#[utoipa::path(
    get,
    path = "/api/images/{id}",
    operation_id = "get_image",
    tag = "images",
    params(
        ("id" = i64, Path, description = "The image's id"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer"),
    ),
    responses(
        (status = 200, description = "The image", content(
            ("image/jpeg"), ("image/png"), ("image/gif"), ("image/webp"),
        ), headers(
            ("ETag" = String, description = "The SHA-256 of the image, a strong validator"),
            ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"),
        )),
        (status = 304, description = "Not modified: the `If-None-Match` tag matches"),
        InvalidPath,
        NoSuchImage,
    )
)]
async fn original(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_image(&ctx, id, &headers, false).await
}

/// An image's thumbnail: a JPEG 320 px wide (never wider than the original), upright
#[utoipa::path(
    get,
    path = "/api/images/{id}/thumb",
    operation_id = "get_thumbnail",
    tag = "images",
    params(
        ("id" = i64, Path, description = "The image's id"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer"),
    ),
    responses(
        (status = 200, description = "The thumbnail", content(("image/jpeg")), headers(
            ("ETag" = String, description = "Derived from the image's SHA-256"),
            ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"),
        )),
        (status = 304, description = "Not modified: the `If-None-Match` tag matches"),
        InvalidPath,
        NoSuchImage,
    )
)]
async fn thumbnail(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    serve_image(&ctx, id, &headers, true).await
}

async fn serve_image(
    ctx: &ApiContext,
    id: i64,
    headers: &HeaderMap,
    thumb: bool,
) -> Result<Response, ApiError> {
    let image = posts::image(&ctx.db, id).await?.ok_or(NoSuchImage)?;
    // An image never changes under its id, so its hash is a strong validator.
    let (key, content_type, etag) = if thumb {
        (
            image.thumbnail_key,
            "image/jpeg".to_string(),
            format!("\"{}-thumb\"", image.sha256),
        )
    } else {
        (
            image.storage_key,
            image.content_type,
            format!("\"{}\"", image.sha256),
        )
    };
    let cache = [
        (header::ETAG, etag.clone()),
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_string(),
        ),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let bytes = ctx.storage.get(&key).await?.ok_or(NoSuchImage)?;
    let mut response = (cache, Body::from(bytes)).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(ApiError::internal)?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
