//! API errors as JSON bodies `{"error": {"code", "message", "fields"}}` with the right status.
//! Internal details are logged, never returned.

use std::collections::BTreeMap;

use std::time::Duration;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::RefOr;

use nextflex_store::error::{Error, Outage};

/// Every error code the API answers, written once: the OpenAPI document lists them as an enum,
/// so the web client's generated types have them as a union.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A field or the body is invalid (`fields` says which), or a value the server cannot use.
    Invalid,
    /// A path parameter is not of its type (e.g. a movie id that is not a positive integer).
    InvalidPath,
    /// A query parameter is missing, of the wrong type or out of range.
    InvalidQuery,
    /// A multipart form is malformed or lacks a part.
    InvalidForm,
    /// The JSON body cannot be read.
    ParseError,
    /// The body is not of the content type the route takes.
    UnsupportedMediaType,
    /// The body is larger than the route takes.
    PayloadTooLarge,
    /// An uploaded history file is too large.
    FileTooLarge,
    /// An uploaded image is larger than the server takes.
    ImageTooLarge,
    /// An upload is not a whole JPEG, PNG, GIF or WebP image, or too large once decoded.
    InvalidImage,
    /// An uploaded history file is not an export NextFlex reads.
    UnknownFormat,
    /// A line of an uploaded history file cannot be read (`line` says which).
    InvalidLine,
    /// An uploaded history file has more rows than an import takes.
    TooManyRows,
    /// An uploaded zip is damaged, not a Letterboxd export, holds unsafe paths or another
    /// archive, or unpacks too large.
    InvalidArchive,
    /// The route needs a login and the request has no token.
    NotAuthenticated,
    /// The token is malformed, expired or revoked.
    TokenNotValid,
    /// Wrong email or password, or the account is deactivated.
    NoActiveAccount,
    /// The account may not do this (not the owner, not an admin).
    PermissionDenied,
    /// No such resource.
    NotFound,
    /// A taste preset that does not exist.
    UnknownTaste,
    /// A title fits several movies (`candidates` lists them).
    AmbiguousTitle,
    /// The thing exists already (an email taken, a rating exists).
    Conflict,
    /// A training is under way (`training` describes it).
    TrainingRunning,
    /// Too many requests; retry after `Retry-After` seconds.
    Throttled,
    /// Too many uploads are waiting for a decoder; retry after `Retry-After` seconds.
    UploadsBusy,
    /// The server has no room for another connection (every one is busy); it answers this and
    /// closes the connection. Retry after `Retry-After` seconds.
    ServerBusy,
    /// A request body (an upload, an import) did not arrive in time; the connection is closed.
    BodyTimeout,
    /// The recommenders are being built; retry after `Retry-After` seconds.
    WarmingUp,
    /// The database is unreachable or too slow; retry after `Retry-After` seconds.
    DatabaseUnavailable,
    /// The object storage is unreachable; retry after `Retry-After` seconds.
    StorageUnavailable,
    /// The database is out of space; nothing was changed.
    DatabaseFull,
    /// The object storage is out of space; nothing was changed.
    StorageFull,
    /// This build of the server carries no web UI.
    NoWebUi,
    /// Something failed on the server; the detail is logged, not returned.
    Internal,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub fields: BTreeMap<String, Vec<String>>,
    /// More to say, by name (e.g. `candidates` for an ambiguous title).
    pub extra: BTreeMap<&'static str, serde_json::Value>,
    /// Sent as `Retry-After` (429 and 503 answers).
    pub retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            extra: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// 429 `throttled`, to retry after `wait`.
    pub fn throttled(wait: Duration) -> Self {
        let seconds = retry_seconds(wait);
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Throttled,
            format!("Request was throttled. Expected available in {seconds} seconds."),
        )
        .retry_after(wait)
    }

    /// 503 with `code`: a dependency is down or the server is busy; worth retrying after `wait`.
    pub fn unavailable(code: ErrorCode, message: impl Into<String>, wait: Duration) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message).retry_after(wait)
    }

    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// A 500 whose detail is logged, not returned.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "Something went wrong on our side.",
        )
    }

    /// A 400 with one message per offending field.
    pub fn fields(fields: BTreeMap<String, Vec<String>>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::Invalid,
                "Some fields are invalid.",
            )
        }
    }

    /// Adds a named detail to the body.
    pub fn with(mut self, name: &'static str, value: impl Serialize) -> Self {
        if let Ok(value) = serde_json::to_value(value) {
            self.extra.insert(name, value);
        }
        self
    }

    /// A 400 for one field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            fields: BTreeMap::from([(name.to_owned(), vec![message.clone()])]),
            ..ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::Invalid, message)
        }
    }
}

/// Every error answer: `{"error": {"code", "message", "fields"?, …}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

/// What went wrong. Some errors carry more, by name: `candidates` (409 `ambiguous_title`) and
/// `suggestions` (404 of a title lookup) list `{id, title, year}` movies, `training` (409
/// `training_running`) is the training under way.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    /// Machine-readable: what went wrong, one of a fixed list.
    code: ErrorCode,
    /// For people.
    message: &'a str,
    /// For input errors: messages by field name (`non_field_errors` for the body as a whole).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    fields: &'a BTreeMap<String, Vec<String>>,
    #[serde(flatten)]
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    extra: &'a BTreeMap<&'static str, serde_json::Value>,
}

impl ApiError {
    fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
                extra: &self.extra,
            },
        }
    }

    /// The answer as the bytes of an HTTP/1.1 response that closes its connection, for a
    /// connection turned away before a request is read (see `connections`).
    pub fn to_http1_bytes(&self) -> Vec<u8> {
        let body = serde_json::to_string(&self.body()).unwrap_or_default();
        let mut head = format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.status,
            body.len()
        );
        if let Some(wait) = self.retry_after {
            head.push_str(&format!("retry-after: {}\r\n", retry_seconds(wait)));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        head.into_bytes()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(wait) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_seconds(wait).into());
        }
        response
    }
}

/// Whole seconds for `Retry-After`, rounded up and at least 1.
fn retry_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0 || wait.is_zero())
}

/// How long a client should wait before retrying when the database or storage is down.
const RETRY_DEPENDENCY: Duration = Duration::from_secs(5);

/// An error answer as the OpenAPI document shows it: `description`, with an [`ErrorBody`].
pub(super) fn documented_error(description: &str) -> RefOr<utoipa::openapi::Response> {
    error_response(description).build().into()
}

fn error_response(description: &str) -> utoipa::openapi::ResponseBuilder {
    utoipa::openapi::ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name(
                    <ErrorBody as utoipa::ToSchema>::name(),
                )))
                .build(),
        )
}

/// 429 `throttled` after too many wrong passwords for one account, from any address, on the
/// routes that ask for the account's current password; its documentation, written here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyGuesses;

impl utoipa::IntoResponses for TooManyGuesses {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let retry_after = utoipa::openapi::HeaderBuilder::new()
            .schema(Some(<u64 as utoipa::PartialSchema>::schema()))
            .description(Some("Seconds to wait"))
            .build();
        let response = error_response("Too many wrong passwords for this account lately")
            .header("Retry-After", retry_after)
            .build();
        BTreeMap::from([("429".to_owned(), response.into())])
    }
}

/// 503 `warming_up`: the recommenders are being built (seconds at start-up), or only the charts
/// and search serve while the first model trains. A route that can answer it lists it in its
/// annotation's `responses(...)`, so the answer and its documentation are written here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarmingUp {
    /// No snapshot yet.
    Building,
    /// The charts' snapshot serves; the first full model is still training.
    FirstModel,
}

impl From<WarmingUp> for ApiError {
    fn from(w: WarmingUp) -> ApiError {
        let message = match w {
            WarmingUp::Building => "The recommenders are being built; try again in a few seconds.",
            WarmingUp::FirstModel => {
                "The first model is still training; charts and search work meanwhile. Try again \
                 in a few seconds."
            }
        };
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::WarmingUp,
            message,
        )
    }
}

impl utoipa::IntoResponses for WarmingUp {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        BTreeMap::from([(
            "503".to_owned(),
            documented_error("The recommenders are being built"),
        )])
    }
}

/// 400 `invalid_path` when an id in the path is not an integer in range (the [`PathParam`]
/// extractor's answer), written here once with its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidPath;

impl From<InvalidPath> for ApiError {
    fn from(_: InvalidPath) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidPath,
            "An id in the path is not an integer in range.",
        )
    }
}

impl utoipa::IntoResponses for InvalidPath {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        BTreeMap::from([(
            "400".to_owned(),
            documented_error("The id is not an integer"),
        )])
    }
}

/// 404 `not_found` for an id or name of one kind that matches nothing: the answer and its
/// documentation written once per kind. A route lists the kind in its annotation's
/// `responses(...)` and answers it with `NoSuchMovie.into()`.
macro_rules! not_found {
    ($($(#[$doc:meta])* $name:ident => $what:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;

        impl From<$name> for ApiError {
            fn from(_: $name) -> ApiError {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::NotFound,
                    concat!("No such ", $what, "."),
                )
            }
        }

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
                BTreeMap::from([(
                    "404".to_owned(),
                    documented_error(concat!("No such ", $what)),
                )])
            }
        }
    )*};
}

not_found! {
    /// No movie has the id.
    NoSuchMovie => "movie";
    /// No post has the id.
    NoSuchPost => "post";
    /// No image has the id.
    NoSuchImage => "image";
    /// No account has the id.
    NoSuchUser => "user";
    /// No person of the cast or crew has the id.
    NoSuchPerson => "person";
    /// No keyword has the id.
    NoSuchKeyword => "keyword";
    /// No rating has the id.
    NoSuchRating => "rating";
}

/// 404 `not_found` for a genre the catalogue does not have; the recommender's genre check
/// answers it with a message that names the genres. Its documentation, written here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchGenre;

impl utoipa::IntoResponses for NoSuchGenre {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        BTreeMap::from([(
            "404".to_owned(),
            documented_error("No such genre (the message names the genres)"),
        )])
    }
}

/// 403 `permission_denied` to a caller who is not an admin, on every admin route (the
/// `AdminUser` extractor's answer), written here once with its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAdmin;

impl From<NotAdmin> for ApiError {
    fn from(_: NotAdmin) -> ApiError {
        super::tokens::permission_denied()
    }
}

impl utoipa::IntoResponses for NotAdmin {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        BTreeMap::from([("403".to_owned(), documented_error("Not an admin"))])
    }
}

/// What is wrong with each field of a request, gathered so that one 400 names them all.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// Records `message` against the field `name`.
    pub fn add(&mut self, name: &str, message: impl Into<String>) {
        self.0
            .entry(name.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The value of a checked field; `None`, with the message recorded, when it failed.
    pub fn check<T>(&mut self, name: &str, checked: Result<T, String>) -> Option<T> {
        checked.map_err(|m| self.add(name, m)).ok()
    }

    /// `Ok` when every field passed; otherwise the 400 that names each failure.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(self.0))
        }
    }
}

/// The message of a required field that is missing.
pub const REQUIRED: &str = "This field is required.";

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid, m)
            }
            Error::Conflict(m) => ApiError::new(StatusCode::CONFLICT, ErrorCode::Conflict, m),
            Error::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, m),
            Error::Database(e) => match nextflex_store::db::outage(&e) {
                Some(outage) => dependency_failed(Dependency::Database, outage, &e),
                None => ApiError::internal(Error::Database(e)),
            },
            Error::Storage(e) => match nextflex_store::storage::outage(&e) {
                Some(outage) => dependency_failed(Dependency::Storage, outage, &e),
                None => ApiError::internal(Error::Storage(e)),
            },
            other => ApiError::internal(other),
        }
    }
}

/// What can fail under a request without the request being at fault.
#[derive(Debug, Clone, Copy)]
enum Dependency {
    Database,
    Storage,
}

impl Dependency {
    /// For people, and the codes of its 507 and 503 answers.
    fn describe(self) -> (&'static str, ErrorCode, ErrorCode) {
        match self {
            Dependency::Database => (
                "database",
                ErrorCode::DatabaseFull,
                ErrorCode::DatabaseUnavailable,
            ),
            Dependency::Storage => (
                "object storage",
                ErrorCode::StorageFull,
                ErrorCode::StorageUnavailable,
            ),
        }
    }
}

/// 507 when `dependency` is out of space, 503 with `Retry-After` when it is down; the detail
/// is logged.
fn dependency_failed(
    dependency: Dependency,
    outage: Outage,
    e: &dyn std::fmt::Display,
) -> ApiError {
    let (name, full, down) = dependency.describe();
    match outage {
        Outage::Full => {
            tracing::error!(error = %e, "the {name} is out of space");
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                full,
                format!("The {name} is out of space; nothing was changed."),
            )
        }
        Outage::Down => {
            tracing::warn!(error = %e, "the {name} is unavailable");
            ApiError::unavailable(
                down,
                format!("The {name} is unavailable; try again shortly."),
                RETRY_DEPENDENCY,
            )
        }
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "No such resource.",
    )
}

/// A JSON request body whose rejections (bad JSON, wrong content type, missing fields) are
/// answered like every other error.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::JsonRejection;
        // The body is read once (within the body limit), parsed as JSON, then checked: an
        // object, and no NUL characters, which no text field may hold (PostgreSQL cannot store
        // them).
        let (parts, body) = req.into_parts();
        let read = axum::extract::Request::from_parts(parts.clone(), body);
        let bytes = match bytes::Bytes::from_request(read, state).await {
            Ok(bytes) => bytes,
            Err(e) => {
                return Err(ApiError::new(
                    e.status(),
                    ErrorCode::PayloadTooLarge,
                    e.body_text(),
                ));
            }
        };
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
        match Json::<T>::from_request(req, state).await {
            // Every body is an object: serde would also read a struct from an array of its
            // fields in order, which no document describes.
            Ok(_) if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') => {
                Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::ParseError,
                    "The body must be a JSON object.",
                ))
            }
            Ok(_) if has_escaped_nul(&bytes) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::Invalid,
                NUL_MESSAGE,
            )),
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON with Content-Type: application/json.",
            )),
            Err(JsonRejection::BytesRejection(e)) => Err(ApiError::new(
                e.status(),
                ErrorCode::PayloadTooLarge,
                e.body_text(),
            )),
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::ParseError,
                e.body_text(),
            )),
        }
    }
}

/// Path parameters whose rejections (`/api/posts/abc`, an id past `i64`) are answered as JSON
/// errors, never as axum's plain text echoing the input.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathParam<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for PathParam<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathParam(p.0))
            .map_err(|_| InvalidPath.into())
    }
}

/// A JSON integer as JSON Schema reads one: `54` and `54.0` are the same integer (serde alone
/// refuses the second); `54.5` is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Integer(pub i64);

impl<'de> serde::Deserialize<'de> for Integer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let n = serde_json::Number::deserialize(d)?;
        n.as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Integer)
            .ok_or_else(|| D::Error::custom(format!("invalid value {n}, expected an integer")))
    }
}

/// Query-string parameters whose rejections are answered as JSON errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryParams<T>(pub T);

/// What text holding a NUL character gets: no person types one, and PostgreSQL cannot store it.
pub const NUL_MESSAGE: &str = "Text may not contain NUL characters (\\u0000).";

/// Whether a JSON text holds a NUL character: the escape `\u0000` (a raw NUL byte is not
/// JSON at all), preceded by an even number of other backslashes.
fn has_escaped_nul(json: &[u8]) -> bool {
    json.windows(6).enumerate().any(|(at, w)| {
        w == b"\\u0000" && json[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    })
}

impl<S, T> axum::extract::FromRequestParts<S> for QueryParams<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        if parts.uri.query().is_some_and(|q| q.contains("%00")) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidQuery,
                NUL_MESSAGE,
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| QueryParams(q.0))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidQuery,
                    e.body_text(),
                )
            })
    }
}

/// 415: the request is not multipart/form-data (`what` is sent: "the post", "the file").
pub fn not_multipart(what: &str, e: &axum::extract::multipart::MultipartRejection) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::UnsupportedMediaType,
        format!("Send {what} as multipart/form-data: {}", e.body_text()),
    )
}

/// A multipart body that cannot be read; `too_large()` when it runs past the body limit.
pub fn unreadable_form(
    e: &axum::extract::multipart::MultipartError,
    too_large: impl FnOnce() -> ApiError,
) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::new(
            e.status(),
            ErrorCode::InvalidForm,
            format!("The form cannot be read: {}", e.body_text()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Integer, has_escaped_nul};

    #[test]
    fn integers_may_be_written_with_a_zero_fraction() {
        let read = |s: &str| serde_json::from_str::<Integer>(s).ok();
        assert_eq!(read("54"), Some(Integer(54)));
        assert_eq!(read("54.0"), Some(Integer(54)));
        assert_eq!(read("-3e2"), Some(Integer(-300)));
        assert_eq!(read("54.5"), None);
        assert_eq!(read("1e300"), None);
        assert_eq!(read("\"54\""), None);
    }

    #[test]
    fn finds_escaped_nuls_only() {
        assert!(has_escaped_nul(br#"{"a": "x\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a": "\\\u0000"}"#)); // \\ then \u0000
        assert!(!has_escaped_nul(br#"{"a": "\\u0000"}"#)); // an escaped backslash, then text
        assert!(!has_escaped_nul(br#"{"a": "u0000", "b": "\u0001"}"#));
    }
}
