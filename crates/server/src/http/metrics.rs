//! Prometheus metrics: `GET /metrics` in the text format (the `prometheus` crate, one registry
//! per server, so that tests in one process never see each other's numbers).
//!
//! Labels stay bounded: route templates (`/api/movies/{id}/similar`, never the raw path; a
//! request no route matches counts under `(unmatched)`), methods, status classes, and the one
//! model version in service. Nothing names a user, a title or a secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiContext;
use nextflex_app::model_versions::TrainingState;
use nextflex_store::error::{Error, Result};

/// The label of requests no route matched.
const UNMATCHED: &str = "(unmatched)";

/// Latency buckets, in seconds: from a cached chart (well under a millisecond) to a slow upload.
const BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Every series NextFlex reports (docs/operations.md lists them).
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    /// Fold-in and ranking of one personal list.
    pub personal_seconds: Histogram,
    /// Requests refused by a rate limit, by limit.
    pub rate_limited: IntCounterVec,
    model_info: IntGaugeVec,
    model_age: Gauge,
    training_running: IntGauge,
    last_training_seconds: Gauge,
    last_training_failed: IntGauge,
    catalogue_movies: IntGauge,
    snapshot_bytes: IntGauge,
    ratings: IntGaugeVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    object_store_errors: IntCounter,
    image_decodes: IntGauge,
}

/// One image decode, counted in `nextflex_image_decodes_in_flight` until dropped (however the
/// decode ends).
pub struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl Metrics {
    pub fn new(pool_max: u32) -> Result<Metrics> {
        let registry = Registry::new();
        let bad = |e: prometheus::Error| Error::internal("metrics", e);
        macro_rules! register {
            ($metric:expr) => {{
                let metric = $metric.map_err(bad)?;
                registry.register(Box::new(metric.clone())).map_err(bad)?;
                metric
            }};
        }
        let histogram =
            |name: &str, help: &str| HistogramOpts::new(name, help).buckets(BUCKETS.to_vec());
        let metrics = Metrics {
            http_requests: register!(IntCounterVec::new(
                Opts::new(
                    "nextflex_http_requests_total",
                    "HTTP requests answered, by route template, method and status class"
                ),
                &["route", "method", "status"]
            )),
            http_seconds: register!(HistogramVec::new(
                histogram(
                    "nextflex_http_request_duration_seconds",
                    "Time to answer an HTTP request, by route template and method"
                ),
                &["route", "method"]
            )),
            personal_seconds: register!(Histogram::with_opts(histogram(
                "nextflex_personal_list_seconds",
                "Fold-in and ranking of one personal list (For you), the ratings read excluded"
            ))),
            rate_limited: register!(IntCounterVec::new(
                Opts::new(
                    "nextflex_rate_limited_total",
                    "Requests refused with 429 by a rate limit, by limit"
                ),
                &["limit"]
            )),
            model_info: register!(IntGaugeVec::new(
                Opts::new(
                    "nextflex_model_info",
                    "1 for the model version this replica serves"
                ),
                &["version"]
            )),
            model_age: register!(Gauge::new(
                "nextflex_model_age_seconds",
                "Seconds since the served model version was created"
            )),
            training_running: register!(IntGauge::new(
                "nextflex_training_running",
                "1 while this replica trains a model version"
            )),
            last_training_seconds: register!(Gauge::new(
                "nextflex_last_training_seconds",
                "How long the last training this replica ran took"
            )),
            last_training_failed: register!(IntGauge::new(
                "nextflex_last_training_failed",
                "1 if the last training this replica ran failed (the previous version serves)"
            )),
            catalogue_movies: register!(IntGauge::new(
                "nextflex_catalogue_movies",
                "Movies in the served snapshot's catalogue"
            )),
            snapshot_bytes: register!(IntGauge::new(
                "nextflex_snapshot_bytes",
                "Approximate memory the served snapshot holds (models, similar lists, charts)"
            )),
            ratings: register!(IntGaugeVec::new(
                Opts::new(
                    "nextflex_model_ratings",
                    "Ratings the served model was trained on, by source (dataset, app)"
                ),
                &["source"]
            )),
            pool_connections: register!(IntGaugeVec::new(
                Opts::new(
                    "nextflex_db_pool_connections",
                    "Database pool connections, by state (idle, in_use)"
                ),
                &["state"]
            )),
            pool_max: register!(IntGauge::new(
                "nextflex_db_pool_max_connections",
                "The database pool's size limit"
            )),
            object_store_errors: register!(IntCounter::new(
                "nextflex_object_store_errors_total",
                "Object-store requests that failed"
            )),
            image_decodes: register!(IntGauge::new(
                "nextflex_image_decodes_in_flight",
                "Uploaded images being decoded now"
            )),
            registry,
        };
        metrics.pool_max.set(i64::from(pool_max));
        #[cfg(target_os = "linux")]
        metrics
            .registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .map_err(bad)?;
        Ok(metrics)
    }

    /// Counts an image decode while the guard lives.
    pub fn image_decode(&self) -> InFlight {
        self.image_decodes.inc();
        InFlight(self.image_decodes.clone())
    }

    fn observe(&self, route: &str, method: &Method, status: StatusCode, took: Duration) {
        let class = match status.as_u16() {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        let method = method_label(method);
        self.http_requests
            .with_label_values(&[route, method, class])
            .inc();
        self.http_seconds
            .with_label_values(&[route, method])
            .observe(took.as_secs_f64());
    }

    /// The text exposition, the gauges read from `ctx` first.
    fn render(&self, ctx: &ApiContext) -> Vec<u8> {
        let training = ctx.models.training();
        self.training_running
            .set(i64::from(training.state == TrainingState::Running));
        if let Some(last) = ctx.models.last_training() {
            self.last_training_seconds.set(last.seconds);
            self.last_training_failed.set(i64::from(!last.succeeded));
        }
        self.model_info.reset();
        match ctx.models.serving() {
            Some(version) => {
                self.model_info.with_label_values(&[&version]).set(1);
                let created = nextflex_app::model_versions::version_created_at(&version);
                let age = created.map_or(0, |at| nextflex_store::clock::now() - at);
                self.model_age.set(age.max(0) as f64);
            }
            None => self.model_age.set(0.0),
        }
        if let Some(snapshot) = ctx.recommender.get() {
            self.catalogue_movies.set(snapshot.movie_count() as i64);
            self.snapshot_bytes.set(snapshot.heap_bytes() as i64);
            let report = &snapshot.report;
            for (source, n) in [
                ("dataset", report.dataset_ratings),
                ("app", report.app_ratings),
            ] {
                self.ratings.with_label_values(&[source]).set(n as i64);
            }
        }
        let pool = ctx.db.pool();
        let (size, idle) = (i64::from(pool.size()), pool.num_idle() as i64);
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set((size - idle).max(0));
        let errors = ctx.storage.errors();
        let counted = self.object_store_errors.get();
        if errors > counted {
            self.object_store_errors.inc_by(errors - counted);
        }
        let mut out = Vec::new();
        // Encoding into memory cannot fail but for a metric family the registry itself made.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "cannot encode the metrics");
        }
        out
    }
}

/// A method as a label: the standard ones by name, anything else as `other` (a client may send
/// any token there).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(scrape))
}

/// Prometheus metrics
///
/// The Prometheus text exposition format: requests per route template, latency histograms, the
/// model version in service and its age, trainings, the database pool, rate-limit refusals and
/// the process. Never behind a login; nothing per user. docs/operations.md lists every series.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses((status = 200, description = "The metrics", content_type = "text/plain", body = String)),
)]
pub(super) async fn scrape(State(ctx): State<ApiContext>) -> Response {
    let body = ctx.metrics.render(&ctx);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// Middleware on the routes: counts and times each request under its route template.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let route = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    metrics.observe(route, &method, response.status(), started.elapsed());
    response
}

/// The fallback (the web app's pages and files, unknown paths), counted under `(unmatched)`.
pub async fn fallback(State(ctx): State<ApiContext>, method: Method, uri: Uri) -> Response {
    let started = Instant::now();
    let response = super::web::fallback(method.clone(), uri).await;
    ctx.metrics
        .observe(UNMATCHED, &method, response.status(), started.elapsed());
    response
}
