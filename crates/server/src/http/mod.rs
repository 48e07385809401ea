//! The HTTP API: one module per feature, each exposing `router()`, merged here with the
//! cross-cutting layers (request ids, tracing).

mod admin;
mod auth;
mod error;
mod group;
mod health;
mod imports;
mod keywords;
mod lists;
mod me;
mod metrics;
mod movies;
mod openapi;
mod page;
mod people;
mod posts;
mod profiles;
mod ratelimit;
pub mod tokens;
mod trending;
mod uploads;
mod watch;
mod web;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorCode};
pub use openapi::document as openapi_document;
pub use uploads::UploadSettings;

use nextflex_app::model_versions::Models;
use nextflex_app::recommender::SharedRecommender;
use nextflex_store::config::Secret;
use nextflex_store::db::Db;
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;
use ratelimit::RateLimiter;
use tokens::TokenKeys;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct ApiContext {
    pub db: Db,
    pub storage: Storage,
    pub tokens: Arc<TokenKeys>,
    pub recommender: Arc<SharedRecommender>,
    pub models: Arc<Models>,
    pub auth_limiter: Arc<RateLimiter>,
    /// Wrong passwords per account (by normalised email), from any address.
    pub guess_limiter: Arc<RateLimiter<String>>,
    pub uploads: Arc<uploads::UploadGate>,
    /// A hash to check passwords against when the email is unknown, so that a failed login
    /// takes as long whether the account exists or not.
    pub dummy_hash: Arc<str>,
    pub cors_origins: Arc<[String]>,
    /// Largest image upload accepted, in bytes.
    pub max_image_bytes: usize,
    /// TMDB's trending list, cached.
    pub trending: Arc<trending::Trending>,
    /// TMDB's watch providers and trailers, cached.
    pub watch: Arc<watch::WatchOptions>,
    pub metrics: Arc<metrics::Metrics>,
    pub metrics_route: bool,
    /// Accounts seen open lately (every authenticated request checks).
    pub accounts: Arc<tokens::OpenAccounts>,
    /// The catalogue as history imports and guests' files are matched against it.
    pub match_index: Arc<nextflex_app::history_import::MatchIndexCache>,
    /// Readiness's writes to the database and the object storage.
    pub write_probes: Arc<health::WriteProbes>,
    /// The similar-movie answers of the snapshot in service.
    pub similar_answers: Arc<movies::SimilarAnswers>,
    /// Requests' CPU-heavy work (embedding a search query, scoring every film for it) runs on
    /// the blocking pool, two pieces per core at a time: a burst of searches queues here rather
    /// than growing the pool to a thread per request, each with its own allocator heap (1.7 GB
    /// at 32 connections; one per core left a core idle between pieces: docs/benchmarks.md).
    pub cpu_work: Arc<tokio::sync::Semaphore>,
}

/// API settings with their defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiSettings {
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Login and registration attempts per client and minute; 0: unlimited.
    pub auth_rate_limit: u32,
    /// Wrong passwords (login, password change, account deletion) per account and hour, from
    /// any address; 0: unlimited.
    pub account_guess_limit: u32,
    pub uploads: UploadSettings,
    /// Origins allowed to call the API from a browser (`*` for any); empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Largest image upload accepted, in bytes.
    pub max_image_bytes: usize,
    /// TMDB v3 API key or v4 read access token for the trending chart; `None`: the trending
    /// chart answers the popular one.
    pub tmdb_api_key: Option<Secret>,
    /// TMDB's API base URL (tests point it at a stub).
    pub tmdb_api_url: String,
    /// How long TMDB's trending list is kept before it is fetched again.
    pub trending_cache_ttl: Duration,
    /// Serve `GET /metrics` on the API's address (off when a separate metrics address serves
    /// it, see [`metrics_router`]).
    pub metrics_route: bool,
}

/// TMDB's API, where the trending chart comes from.
pub const TMDB_API_URL: &str = "https://api.themoviedb.org/3";

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            access_token_ttl: Duration::from_secs(60 * 60),
            refresh_token_ttl: Duration::from_secs(24 * 60 * 60),
            auth_rate_limit: 10,
            account_guess_limit: 10,
            uploads: UploadSettings::default(),
            cors_origins: Vec::new(),
            max_image_bytes: 10 * 1024 * 1024,
            tmdb_api_key: None,
            tmdb_api_url: TMDB_API_URL.to_owned(),
            trending_cache_ttl: Duration::from_secs(600),
            metrics_route: true,
        }
    }
}

impl ApiContext {
    pub async fn new(
        db: Db,
        storage: Storage,
        secret: &Secret,
        models: Arc<Models>,
        settings: &ApiSettings,
    ) -> Result<ApiContext> {
        let ttl = |d: Duration, name: &str| {
            i64::try_from(d.as_secs())
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| Error::Config(format!("the {name} lifetime must be positive")))
        };
        for origin in &settings.cors_origins {
            if origin != "*" && HeaderValue::from_str(origin).is_err() {
                return Err(Error::Config(format!(
                    "{origin:?} is not a valid CORS origin"
                )));
            }
        }
        Ok(ApiContext {
            storage,
            tokens: Arc::new(TokenKeys::new(
                secret.expose().as_bytes(),
                ttl(settings.access_token_ttl, "access token")?,
                ttl(settings.refresh_token_ttl, "refresh token")?,
            )),
            recommender: models.shared(),
            models,
            auth_limiter: Arc::new(RateLimiter::per_minute(settings.auth_rate_limit)),
            guess_limiter: Arc::new(RateLimiter::new(
                settings.account_guess_limit,
                Duration::from_secs(3600),
            )),
            uploads: Arc::new(uploads::UploadGate::new(&settings.uploads)),
            dummy_hash:
                nextflex_app::accounts::hash_password(&nextflex_app::random_id::random_id())
                    .await?
                    .into(),
            cors_origins: settings.cors_origins.clone().into(),
            max_image_bytes: settings.max_image_bytes,
            trending: Arc::new(trending::Trending::new(settings)?),
            watch: Arc::new(watch::WatchOptions::new(settings)?),
            metrics_route: settings.metrics_route,
            accounts: Arc::default(),
            match_index: Arc::default(),
            write_probes: Arc::default(),
            similar_answers: Arc::default(),
            cpu_work: Arc::new(tokio::sync::Semaphore::new(
                2 * std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            )),
            metrics: Arc::new(metrics::Metrics::new(
                db.pool().options().get_max_connections(),
            )?),
            db,
        })
    }
}

/// A request's CPU work (reading and matching a history file, the candidates of the rows that
/// match nothing: seconds for a large file of unknown titles) runs on the blocking pool, so that
/// it never holds up the async runtime (and with it every other request), and at most as many
/// such pieces as there are CPUs run at once; the others wait their turn.
pub(crate) async fn cpu_work<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _slot = SLOTS.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

/// Request bodies above this are refused with 413 (uploads set their own limit).
const BODY_LIMIT: usize = 64 * 1024;

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER])
        .max_age(Duration::from_secs(3600))
}

/// The Content-Security-Policy of every answer: the app's own scripts only, styles inline too
/// (the UI library injects them), posters from TMDB's image server, no framing, no plugins.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https://image.tmdb.org; \
     font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Headers every answer carries (unless the handler set its own): a content security policy,
/// no framing (for browsers without CSP's frame-ancestors), no MIME sniffing, no referrer to
/// other sites.
fn security_headers(router: Router) -> Router {
    use tower_http::set_header::SetResponseHeaderLayer;
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    router
        .layer(header("content-security-policy", CONTENT_SECURITY_POLICY))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "strict-origin-when-cross-origin"))
}

/// `GET /metrics` alone, for a separate metrics address.
pub fn metrics_router(ctx: ApiContext) -> Router {
    metrics::router().split_for_parts().0.with_state(ctx)
}

/// Every route of the API with its documentation: the router and the OpenAPI document are both
/// made from this one list. `metrics_route: false` leaves `GET /metrics` out of the router (a
/// separate address serves it); the document always has it.
fn api(max_image_bytes: usize, metrics_route: bool) -> OpenApiRouter<ApiContext> {
    let api = OpenApiRouter::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(profiles::router())
        .merge(movies::router())
        .merge(trending::router())
        .merge(watch::router())
        .merge(people::router())
        .merge(keywords::router())
        .merge(me::router())
        .merge(group::router())
        .merge(imports::router())
        .merge(lists::router())
        .merge(posts::router(max_image_bytes))
        .merge(admin::router())
        .merge(openapi::router());
    if metrics_route {
        api.merge(metrics::router())
    } else {
        api
    }
}

/// The whole application, apart from `main` so that tests can drive it.
pub fn router(ctx: ApiContext) -> Router {
    let cors = cors(&ctx.cors_origins);
    let (api, _) = api(ctx.max_image_bytes, ctx.metrics_route).split_for_parts();
    let app = api
        .merge(openapi::swagger_ui())
        .route_layer(axum::middleware::from_fn_with_state(
            ctx.metrics.clone(),
            metrics::track,
        ))
        .fallback(metrics::fallback)
        .with_state(ctx)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(cors)
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
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    security_headers(app)
}
