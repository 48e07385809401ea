//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and the
//! object storage answer) probes for load balancers and orchestrators.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::ApiContext;

/// A probe that takes longer than this counts as failed: a load balancer must not wait on us.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(ctx): State<ApiContext>) -> (StatusCode, Json<Value>) {
    let (database, storage) = tokio::join!(
        check("database", ctx.db.ping()),
        check("storage", ctx.storage.ping())
    );
    let ready = database && storage;
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "checks": { "database": word(database), "storage": word(storage) },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

async fn check(what: &str, probe: impl Future<Output = crate::error::Result<()>>) -> bool {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => true,
        Ok(Err(e)) => {
            tracing::warn!(check = what, error = %e, "readiness check failed");
            false
        }
        Err(_) => {
            tracing::warn!(check = what, "readiness check timed out");
            false
        }
    }
}
