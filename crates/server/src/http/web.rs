//! The web UI: the files Vite built into web/dist, embedded into release binaries (read from
//! disk in debug builds), with index.html for every client-side route.

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use super::{ApiError, ErrorCode};

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
struct Assets;

/// Answers what no route matched: a UI file, index.html for a client route, or a JSON 404 for
/// API paths and missing files.
pub async fn fallback(method: Method, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    // Not the web app's pages (`metrics` when it is served on another address).
    let api =
        path == "api" || path.starts_with("api/") || path.starts_with("auth/") || path == "metrics";
    if api || (method != Method::GET && method != Method::HEAD) {
        return super::error::not_found().await.into_response();
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        // Vite names everything under assets/ by its content hash: cache it for good.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return file_response(file, cache);
    }
    // A path with an extension is a missing file; anything else is a route of the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return super::error::not_found().await.into_response();
    }
    match Assets::get("index.html") {
        Some(index) => file_response(index, "no-cache"),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NoWebUi,
            "This binary was built without the web UI; `make build` builds it. The API is at /api.",
        )
        .into_response(),
    }
}

fn file_response(file: rust_embed::EmbeddedFile, cache: &'static str) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    let mut response = Body::from(file.data.into_owned()).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
