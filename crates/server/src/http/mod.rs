//! The HTTP API: one module per feature, each exposing `router()`, merged here with the
//! cross-cutting layers (request ids, tracing).

mod error;
mod health;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, Request};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::config::Secret;
use crate::db::Db;
use crate::storage::Storage;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct ApiContext {
    pub db: Db,
    pub storage: Storage,
    pub jwt_secret: Arc<Secret>,
}

/// The whole application, apart from `main` so that tests can drive it.
pub fn router(ctx: ApiContext) -> Router {
    Router::new()
        .merge(health::router())
        .fallback(error::not_found)
        .with_state(ctx)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
