//! API errors as JSON bodies `{"error": {"code", "message", "fields"}}` with the right status.
//! Internal details are logged, never returned.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: BTreeMap<String, Vec<String>>,
    /// More to say, by name (e.g. `candidates` for an ambiguous title).
    pub extra: BTreeMap<&'static str, serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    /// A 500 whose detail is logged, not returned.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side.",
        )
    }

    /// A 400 with one message per offending field.
    pub fn fields(fields: BTreeMap<String, Vec<String>>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid",
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
            ..ApiError::new(StatusCode::BAD_REQUEST, "invalid", message)
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
    /// Machine-readable, e.g. `invalid`, `not_found`, `token_not_valid`, `throttled`.
    code: &'a str,
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
                extra: &self.extra,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m),
            Error::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            Error::NotFound(m) => ApiError::new(StatusCode::NOT_FOUND, "not_found", m),
            other => ApiError::internal(other),
        }
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such resource.")
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
        // The body is read once (within the body limit), checked for NUL characters, which no
        // text field may hold (PostgreSQL cannot store them), then parsed as JSON.
        let (parts, body) = req.into_parts();
        let read = axum::extract::Request::from_parts(parts.clone(), body);
        let bytes = match bytes::Bytes::from_request(read, state).await {
            Ok(bytes) => bytes,
            Err(e) => {
                return Err(ApiError::new(
                    e.status(),
                    "payload_too_large",
                    e.body_text(),
                ));
            }
        };
        if has_escaped_nul(&bytes) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid",
                NUL_MESSAGE,
            ));
        }
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            )),
            Err(JsonRejection::BytesRejection(e)) => Err(ApiError::new(
                e.status(),
                "payload_too_large",
                e.body_text(),
            )),
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "parse_error",
                e.body_text(),
            )),
        }
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
                "invalid_query",
                NUL_MESSAGE,
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| QueryParams(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::has_escaped_nul;

    #[test]
    fn finds_escaped_nuls_only() {
        assert!(has_escaped_nul(br#"{"a": "x\u0000y"}"#));
        assert!(has_escaped_nul(br#"{"a": "\\\u0000"}"#)); // \\ then \u0000
        assert!(!has_escaped_nul(br#"{"a": "\\u0000"}"#)); // an escaped backslash, then text
        assert!(!has_escaped_nul(br#"{"a": "u0000", "b": "\u0001"}"#));
    }
}
