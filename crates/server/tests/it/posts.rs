//! Posts with images over HTTP, on every backend and on local and S3 (moto) storage: upload and
//! metadata, what is served, ownership and admin rights, hostile uploads that leave nothing
//! behind.

use image::ImageFormat;
use nextflex::http::ApiSettings;
use nextflex_store::config::StorageConfig;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::images::{camera_jpeg, encode, png_bomb};
use crate::helpers::{Backend, Moto, TestApp, TestDb, retry_after, unlimited};

async fn app(backend: Backend, storage: Option<StorageConfig>) -> Option<(TestApp, TestDb)> {
    let tdb = TestDb::create(backend).await?;
    let settings = ApiSettings {
        max_image_bytes: 256 * 1024,
        ..unlimited()
    };
    let app = TestApp::spawn_on(&tdb.config(), storage, &["tmdb-mini"], &[], &settings).await;
    Some((app, tdb))
}

fn form(title: &str, image: Option<(&str, Vec<u8>)>) -> Form {
    let mut form = Form::new()
        .text("title", title.to_owned())
        .text("content", "Seen it twice.");
    if let Some((name, bytes)) = image {
        form = form.part(
            "image",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                // Declared types are ignored: the bytes decide.
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    }
    form
}

async fn upload_and_serve(backend: Backend) {
    let Some((app, tdb)) = app(backend, None).await else {
        return;
    };
    upload_and_serve_on(&app, &tdb).await;
}

async fn upload_and_serve_on(app: &TestApp, tdb: &TestDb) {
    let (token, _) = app.user("poster@example.com").await;
    let (_, movies) = app
        .call("GET", "/api/movies?q=dark%20knight", None, None)
        .await;
    let movie_id = movies["results"][0]["id"].as_i64().unwrap();
    let post = upload_a_camera_photo(app, &token, movie_id).await;
    let image = &post["image"];
    serve_the_original_and_thumbnail(app, image).await;
    list_the_post(app, &post, movie_id).await;

    // The author deletes it: rows and objects go.
    let id = post["id"].as_i64().unwrap();
    let status = app.delete(&format!("/api/posts/{id}"), Some(&token)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let url = image["url"].as_str().unwrap();
    assert_eq!(app.get(url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.image_objects().await, Vec::<String>::new());
    assert_eq!(
        (tdb.count("posts").await, tdb.count("images").await),
        (0, 0)
    );
}

/// [`upload_and_serve_on`]: a camera's JPEG posted about `movie_id`, with a hostile file name;
/// the post as created (title trimmed, the photo's metadata, no GPS), its objects under
/// generated keys only.
async fn upload_a_camera_photo(app: &TestApp, token: &str, movie_id: i64) -> Value {
    let upload = camera_jpeg(640, 480, 6);
    let form = form(
        "  My night at the movies ",
        Some(("../../../etc/IMG 0001.JPG", upload.clone())),
    )
    .text("movie_id", movie_id.to_string())
    .text("rating", "4.5");
    let (status, post) = app.upload(Some(token), form).await;
    assert_eq!(status, StatusCode::CREATED, "{post}");
    assert_eq!(post["title"], "My night at the movies");
    assert_eq!(post["rating"], 4.5);
    assert_eq!(post["movie"]["id"], movie_id);
    let (_, me) = app.call("GET", "/auth/users/me/", Some(token), None).await;
    assert_eq!(post["author"]["id"], me["id"]);
    let image = &post["image"];
    assert_eq!(image["format"], "jpeg");
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(640), Some(480))
    );
    assert_eq!(image["size_bytes"], upload.len());
    assert_eq!(image["file_name"], "IMG 0001.JPG");
    assert_eq!(image["taken_at"], "2024-05-01T12:34:56");
    assert_eq!(image["camera_make"], "Canon");
    assert_eq!(image["camera_model"], "Canon EOS 5D Mark IV");
    assert_eq!(image["orientation"], 6);
    assert!(image.get("gps").is_none());

    // Stored under generated keys only.
    let keys = app.image_objects().await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| k.starts_with("images/") && !k.contains("etc") && !k.contains(".."))
    );
    post
}

/// [`upload_and_serve_on`]: the original of `image` (the post's) of the right type, cacheable,
/// without GPS or the serial number, not modified for its ETag; its thumbnail a JPEG turned
/// upright, 320 wide; an unknown image 404.
async fn serve_the_original_and_thumbnail(app: &TestApp, image: &Value) {
    let url = image["url"].as_str().unwrap();
    let response = app.get(url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = response.headers()["etag"].clone();
    let served = response.bytes().await.unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&served[..]))
        .unwrap();
    assert!(exif.fields().all(|f| f.tag == exif::Tag::Orientation));
    assert_eq!(image::load_from_memory(&served).unwrap().width(), 640);
    let again = app
        .client
        .get(app.url(url))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The thumbnail: a JPEG turned upright, 320 wide.
    let thumb = app.get(image["thumb_url"].as_str().unwrap()).await;
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 427));
    assert_eq!(
        app.get("/api/images/999999").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// [`upload_and_serve_on`]: the post read, and listed for everyone, filtered by movie and user.
async fn list_the_post(app: &TestApp, post: &Value, movie_id: i64) {
    let id = post["id"].as_i64().unwrap();
    let (status, one) = app
        .call("GET", &format!("/api/posts/{id}"), None, None)
        .await;
    assert_eq!((status, &one["id"]), (StatusCode::OK, &json!(id)));
    let user_id = post["author"]["id"].as_i64().unwrap();
    for query in [
        format!("movie={movie_id}"),
        format!("user={user_id}"),
        "page=1&page_size=5".to_string(),
    ] {
        let (_, page) = app
            .call("GET", &format!("/api/posts?{query}"), None, None)
            .await;
        assert_eq!(page["count"], 1, "{query}");
        assert_eq!(page["results"][0]["id"], id);
    }
    let (_, page) = app.call("GET", "/api/posts?user=999999", None, None).await;
    assert_eq!(page["count"], 0);
    let (status, _) = app.call("GET", "/api/posts?page=0", None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn ownership_and_admin(backend: Backend) {
    let Some((app, tdb)) = app(backend, None).await else {
        return;
    };
    let (author, _) = app.user("author@example.com").await;
    let (other, _) = app.user("other@example.com").await;
    app.user("admin@example.com").await;
    tdb.make_admin("admin@example.com").await;
    let (admin, _) = app
        .login("admin@example.com", crate::helpers::PASSWORD)
        .await;

    // Ids that are not integers, or past i64, get the JSON error like every other refusal.
    for (method, path) in [
        ("GET", "/api/posts/abc"),
        ("GET", "/api/posts/99999999999999999999"),
        ("GET", "/api/images/1x/thumb"),
        ("DELETE", "/api/admin/users/abc"),
        ("DELETE", "/api/admin/ratings/1/abc"),
    ] {
        let (status, body) = app.call(method, path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_path", "{path}: {body}");
        assert!(
            !body.to_string().contains("abc"),
            "the input is not echoed: {body}"
        );
    }

    let png = encode(50, 40, ImageFormat::Png);
    let (status, post) = app
        .upload(None, form("No login", Some(("a.png", png.clone()))))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{post}");
    let (status, post) = app
        .upload(Some(&author), form("Mine", Some(("a.png", png))))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{post}");
    let path = format!("/api/posts/{}", post["id"]);

    let edit = json!({"title": "Edited", "rating": null});
    assert_eq!(
        app.call("PATCH", &path, None, Some(edit.clone())).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = app
        .call("PATCH", &path, Some(&other), Some(edit.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "permission_denied");
    assert_eq!(app.delete(&path, Some(&other)).await, StatusCode::FORBIDDEN);

    let (status, body) = app
        .patch(&path, Some(&author), json!({"rating": 3.5}))
        .await;
    assert_eq!((status, &body["rating"]), (StatusCode::OK, &json!(3.5)));
    let (status, body) = app
        .patch(&path, Some(&author), json!({"rating": 3.3}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["rating"].is_array(), "{body}");
    let (status, body) = app.patch(&path, Some(&author), json!({"title": " "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app.call("PATCH", &path, Some(&admin), Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["title"], &body["rating"]),
        (&json!("Edited"), &Value::Null)
    );
    assert_eq!(body["content"], "Seen it twice.");

    assert_eq!(
        app.delete(&path, Some(&admin)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.delete(&path, Some(&admin)).await, StatusCode::NOT_FOUND);
    assert_eq!(app.image_objects().await, Vec::<String>::new());
}

/// Hostile and invalid uploads, each with the status and error code it gets: (name, form,
/// status, code).
fn hostile_uploads() -> Vec<(&'static str, Form, StatusCode, &'static str)> {
    let jpeg = encode(64, 64, ImageFormat::Jpeg);
    // Over the limit but within the form allowance: refused while streaming. Far over: refused
    // from its declared length, before the body is read.
    let mut big = encode(64, 64, ImageFormat::Png);
    big.resize(300 * 1024, 0);
    let mut huge = big.clone();
    huge.resize(2 * 1024 * 1024, 0);
    vec![
        (
            "text named .jpg",
            form("t", Some(("photo.jpg", b"hello, world".to_vec()))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_image",
        ),
        (
            "truncated",
            form("t", Some(("cut.jpg", jpeg[..jpeg.len() / 2].to_vec()))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_image",
        ),
        (
            "bomb",
            form("t", Some(("bomb.png", png_bomb()))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_image",
        ),
        (
            "oversized",
            form("t", Some(("big.png", big))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "image_too_large",
        ),
        (
            "no image",
            form("t", None),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
        (
            "empty image",
            form("t", Some(("e.png", Vec::new()))),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
        (
            "no title",
            form("", Some(("a.jpg", jpeg.clone()))),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
        (
            "bad rating",
            form("t", Some(("a.jpg", jpeg.clone()))).text("rating", "7"),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
        (
            "unknown movie",
            form("t", Some(("a.jpg", jpeg))).text("movie_id", "999999"),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
    ]
}

async fn hostile_uploads_leave_nothing(backend: Backend) {
    let Some((app, tdb)) = app(backend, None).await else {
        return;
    };
    let (token, _) = app.user("hostile@example.com").await;
    for (name, form, status, code) in hostile_uploads() {
        let (got, body) = app.upload(Some(&token), form).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{name}: {body}"
        );
    }
    // Not multipart at all.
    let (status, _) = app
        .post("/api/posts", Some(&token), json!({"title": "t"}))
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert_eq!(
        (tdb.count("posts").await, tdb.count("images").await),
        (0, 0)
    );
    assert_eq!(app.image_objects().await, Vec::<String>::new());
}

/// Deleting the account deletes its posts' images too.
async fn deleting_an_account_deletes_its_images(backend: Backend) {
    let Some((app, tdb)) = app(backend, None).await else {
        return;
    };
    let (token, _) = app.user("leaving@example.com").await;
    let jpeg = encode(64, 64, ImageFormat::Jpeg);
    let (status, _) = app
        .upload(Some(&token), form("kept", Some(("a.jpg", jpeg))))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.image_objects().await.len(), 2);
    let status = app.delete_account(&token, crate::helpers::PASSWORD).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.image_objects().await, Vec::<String>::new());
    assert_eq!(tdb.count("images").await, 0);
}

/// The database refuses the post after the objects were written (here: its table is gone): the
/// upload fails with a 500 and neither rows nor objects stay behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_insert_leaves_no_objects() {
    let (app, tdb) = app(Backend::Sqlite, None).await.unwrap();
    let (token, _) = app.user("unlucky@example.com").await;
    let db = tdb.connect().await;
    sqlx::query(db.sql("DROP TABLE posts"))
        .execute(db.pool())
        .await
        .unwrap();
    let jpeg = encode(64, 64, ImageFormat::Jpeg);
    let (status, body) = app
        .upload(Some(&token), form("t", Some(("a.jpg", jpeg))))
        .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(
        !body.to_string().contains("posts"),
        "internal details stay in the log: {body}"
    );
    assert_eq!(app.image_objects().await, Vec::<String>::new());
    assert_eq!(
        tdb.count("images").await,
        0,
        "the image row was rolled back"
    );
}

/// Uploads are limited per user and hour (429 with `Retry-After`), and other users are not
/// slowed by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_limited_per_user() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let settings = ApiSettings {
        uploads: nextflex::http::UploadSettings {
            per_user_hourly: 2,
            ..Default::default()
        },
        ..unlimited()
    };
    let app = TestApp::spawn_with(&tdb.config(), &["tmdb-mini"], &[], &settings).await;
    let (busy, _) = app.user("busy@example.com").await;
    let (other, _) = app.user("other@example.com").await;
    let jpeg = || Some(("a.jpg", encode(32, 32, ImageFormat::Jpeg)));
    for _ in 0..2 {
        let (status, body) = app.upload(Some(&busy), form("t", jpeg())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let response = app
        .client
        .post(app.url("/api/posts"))
        .bearer_auth(&busy)
        .multipart(form("t", jpeg()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&response);
    assert!((1..=1800).contains(&wait), "{wait}");
    let (status, _) = app.upload(Some(&other), form("t", jpeg())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        tdb.count("posts").await,
        3,
        "the refused upload wrote nothing"
    );
}

backend_tests!(
    upload_and_serve,
    ownership_and_admin,
    hostile_uploads_leave_nothing,
    deleting_an_account_deletes_its_images,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_and_serve_on_s3() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    moto.create_bucket("posts").await;
    let storage = moto.storage_config("posts", "app");
    let (app, tdb) = app(Backend::Sqlite, Some(storage)).await.unwrap();
    upload_and_serve_on(&app, &tdb).await;
}
