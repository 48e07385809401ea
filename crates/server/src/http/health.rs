//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and the
//! object storage answer, and at least the charts serve) probes for load balancers and
//! orchestrators.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiContext;

/// A probe that takes longer than this counts as failed: a load balancer must not wait on us.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

#[derive(Serialize, ToSchema)]
struct Alive {
    /// Always `ok`.
    status: &'static str,
}

/// Liveness: the process answers
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "Alive", body = Alive, example = json!({"status": "ok"}))),
)]
async fn healthz() -> Json<Alive> {
    Json(Alive { status: "ok" })
}

#[derive(Serialize, ToSchema)]
struct Readiness {
    /// `ready` or `unavailable`.
    status: &'static str,
    checks: Checks,
    /// The model version this process serves, once one is loaded or trained.
    model_version: Option<String>,
}

/// Each dependency: `ok` or `unavailable` (failed, or no answer within 3 s); the model: `ok`
/// or `warming_up` (the first one is still training or loading; with the charts already served,
/// the process is ready meanwhile).
#[derive(Serialize, ToSchema)]
struct Checks {
    database: &'static str,
    storage: &'static str,
    model: &'static str,
}

/// Readiness: the database and the object storage answer, and at least the charts serve
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Readiness,
            example = json!({"status": "ready", "checks": {"database": "ok", "storage": "ok", "model": "ok"}, "model_version": "v1795503219-4b9808"})),
        (status = 503, description = "A dependency is unavailable, or nothing serves yet", body = Readiness,
            example = json!({"status": "unavailable", "checks": {"database": "unavailable", "storage": "ok", "model": "ok"}, "model_version": "v1795503219-4b9808"})),
    )
)]
async fn readyz(State(ctx): State<ApiContext>) -> (StatusCode, Json<Readiness>) {
    let (database, storage) = tokio::join!(
        check("database", ctx.db.ping()),
        check("storage", ctx.storage.ping())
    );
    // Ready as soon as the charts serve; `model` says whether the full model does yet.
    let snapshot = ctx.recommender.get();
    let model = snapshot.as_ref().is_some_and(|r| !r.report.partial);
    let ready = database && storage && snapshot.is_some();
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let body = Readiness {
        status: if ready { "ready" } else { "unavailable" },
        checks: Checks {
            database: word(database),
            storage: word(storage),
            model: if model { "ok" } else { "warming_up" },
        },
        model_version: ctx.models.serving(),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

async fn check(what: &str, probe: impl Future<Output = nextflex_store::error::Result<()>>) -> bool {
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
