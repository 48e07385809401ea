//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database and the
//! object storage take writes, and at least the charts serve, with the full model past the
//! warm-up) probes for load balancers and orchestrators.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiContext;
use nextflex_app::recommender::SearchMode;

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
    /// Which search answers `GET /api/movies?q=`: `meaning` (titles, words and the text model's
    /// embeddings) or `title_and_words` (no text model, or the films are not embedded yet).
    search: SearchMode,
    /// Why the model is `failed`: the last training's error (it is tried again after a pause).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Each dependency: `ok` or `unavailable` (refuses a write, fails, or gives no answer within
/// 3 s); the model: `ok`, `warming_up` (the first one is still training or loading; with the
/// charts already served, the process is ready meanwhile) or `failed` (a training failed while
/// only the charts served: not ready until a retry succeeds).
#[derive(Serialize, ToSchema)]
struct Checks {
    database: &'static str,
    storage: &'static str,
    model: &'static str,
}

/// Which search is on: by meaning once the snapshot in service has the films' embeddings and the
/// query side has the text model.
pub fn search_mode(ctx: &ApiContext) -> SearchMode {
    let snapshot = ctx.recommender.get();
    match snapshot.map(|r| r.search_mode()) {
        Some(SearchMode::Meaning) if ctx.models.text_model().is_some() => SearchMode::Meaning,
        _ => SearchMode::TitleAndWords,
    }
}

/// Readiness: the database and the object storage answer, and at least the charts serve
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Readiness,
            example = json!({"status": "ready", "checks": {"database": "ok", "storage": "ok", "model": "ok"}, "model_version": "v1795503219-4b9808", "search": "meaning"})),
        (status = 503, description = "A dependency is unavailable, or nothing serves yet", body = Readiness,
            example = json!({"status": "unavailable", "checks": {"database": "unavailable", "storage": "ok", "model": "ok"}, "model_version": "v1795503219-4b9808", "search": "title_and_words"})),
    )
)]
async fn readyz(State(ctx): State<ApiContext>) -> (StatusCode, Json<Readiness>) {
    let probes = &ctx.write_probes;
    let (database, storage) = tokio::join!(
        probes.database.check("database", ctx.db.write_probe()),
        probes.storage.check("storage", ctx.storage.ping())
    );
    // Ready as soon as the charts serve; `model` says whether the full model does yet. A first
    // training that failed (it is retried) is not ready: the recommendations would answer 503.
    let snapshot = ctx.recommender.get();
    let model = snapshot.as_ref().is_some_and(|r| !r.report.partial);
    let failure = if model {
        None
    } else {
        ctx.models.warm_up_failure()
    };
    let ready = database && storage && snapshot.is_some() && failure.is_none();
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let body = Readiness {
        status: if ready { "ready" } else { "unavailable" },
        checks: Checks {
            database: word(database),
            storage: word(storage),
            model: match (model, &failure) {
                (true, _) => "ok",
                (false, Some(_)) => "failed",
                (false, None) => "warming_up",
            },
        },
        model_version: ctx.models.serving(),
        search: search_mode(&ctx),
        reason: failure.map(|e| format!("the model failed to train ({e}); it is tried again")),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// The write probes of the database and the object storage.
#[derive(Debug, Default)]
pub struct WriteProbes {
    database: WriteProbe,
    storage: WriteProbe,
}

/// A write probe that runs at most once per [`PROBE_EVERY`] while it succeeds (a flood of
/// `/readyz` must not become a flood of writes); a failed one is tried again at the next ask.
#[derive(Debug, Default)]
struct WriteProbe {
    last_success: Mutex<Option<Instant>>,
}

const PROBE_EVERY: Duration = Duration::from_secs(1);

impl WriteProbe {
    async fn check(
        &self,
        what: &str,
        probe: impl Future<Output = nextflex_store::error::Result<()>>,
    ) -> bool {
        let recent = |last: &Option<Instant>| last.is_some_and(|at| at.elapsed() < PROBE_EVERY);
        if recent(&self.last_success.lock().unwrap_or_else(|p| p.into_inner())) {
            return true;
        }
        let ok = check(what, probe).await;
        *self.last_success.lock().unwrap_or_else(|p| p.into_inner()) = ok.then(Instant::now);
        ok
    }
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
