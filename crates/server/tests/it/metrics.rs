//! `GET /metrics` scraped from a real server after a few requests, a refused login and a
//! retrain: the series are there with their labels, an unknown path adds no label value, and
//! nothing names a user.

use nextflex::http::ApiSettings;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestApp, TestDb, app};

/// The sum of the series `name` whose labels include every `labels` pair; `None` if there is
/// none.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let values: Vec<f64> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(['{', ' ']).next() == Some(name))
        .filter(|l| {
            labels
                .iter()
                .all(|(k, v)| l.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

/// The value of [`value`], which must be there.
fn series(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    value(text, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?} in\n{text}"))
}

/// `/metrics` (plain text) scraped after [`exercise`], and the movie and model version it left.
struct Scrape {
    text: String,
    movie: i64,
    version: String,
}

async fn scrape() -> Option<Scrape> {
    let settings = ApiSettings {
        auth_rate_limit: 4,
        ..ApiSettings::default()
    };
    let (app, tdb) = app(Backend::Sqlite, &settings).await?;
    let (movie, version) = exercise(&app, &tdb).await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
    );
    let text = response.text().await.unwrap();
    Some(Scrape {
        text,
        movie,
        version,
    })
}

/// A few requests (a refused login, a movie's similar movies twice, a rating, recommendations,
/// paths no route knows) and a retrain: the movie asked about, and the new model version.
async fn exercise(app: &TestApp, tdb: &TestDb) -> (i64, String) {
    // Registering and logging in take two of the four attempts a minute; the admin's login a
    // third, one more a fourth, and the fifth is refused.
    let (token, _) = app.user("fan@example.com").await;
    tdb.make_admin("fan@example.com").await;
    let (admin, _) = app.login("fan@example.com", PASSWORD).await;
    app.login("fan@example.com", PASSWORD).await;
    let (status, _) = app.try_login("fan@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    let (status, chart) = app.call("GET", "/api/charts/popular", None, None).await;
    assert_eq!(status, StatusCode::OK, "{chart}");
    let id = chart[0]["id"].as_i64().unwrap();
    let similar = format!("/api/movies/{id}/similar?k=3");
    for _ in 0..2 {
        assert_eq!(
            app.call("GET", &similar, None, None).await.0,
            StatusCode::OK
        );
    }
    let (status, _) = app
        .put(
            &format!("/api/movies/{id}/rating"),
            Some(&token),
            json!({"rating": 4.5}),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let (status, body) = app
        .call("GET", "/api/me/recommendations?k=5", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Paths no route knows: one label value for all of them, however many there are.
    for path in ["/no/such/page-1", "/no/such/page-2", "/api/nothing/here"] {
        app.get(path).await;
    }
    let (status, body) = app
        .call("POST", "/api/admin/models/retrain", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let models = app.wait_for_training(&admin).await;
    (id, models["current"].as_str().unwrap().to_owned())
}

/// Requests are counted by route template, method and status class: an unknown path adds no
/// label value, a raw path or a user's email is no label; durations and refusals are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_with_bounded_labels() {
    let Some(Scrape { text, movie, .. }) = scrape().await else {
        return;
    };
    let requests = "nextflex_http_requests_total";
    assert_eq!(
        series(
            &text,
            requests,
            &[
                ("route", "/api/movies/{id}/similar"),
                ("method", "GET"),
                ("status", "2xx")
            ]
        ),
        2.0
    );
    assert_eq!(
        series(
            &text,
            requests,
            &[("route", "/auth/jwt/create/"), ("status", "4xx")]
        ),
        1.0
    );
    let unmatched = [("route", "(unmatched)"), ("method", "GET")];
    assert!(series(&text, requests, &unmatched) >= 3.0);
    assert!(!text.contains("/no/such") && !text.contains("/api/nothing"));
    assert!(
        !text.contains(&format!("/api/movies/{movie}/")),
        "a raw path became a label"
    );
    assert!(!text.contains("fan@example.com"));
    assert_eq!(
        series(
            &text,
            "nextflex_http_request_duration_seconds_count",
            &[("route", "/api/me/recommendations")]
        ),
        1.0
    );
    assert_eq!(
        series(&text, "nextflex_personal_list_seconds_count", &[]),
        1.0
    );
    assert_eq!(
        series(&text, "nextflex_rate_limited_total", &[("limit", "auth")]),
        1.0
    );
}

/// The model: the version in service (one series), its age, how the retrain ended, and what it
/// was trained on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_report_the_model_in_service() {
    let Some(Scrape { text, version, .. }) = scrape().await else {
        return;
    };
    let series = |name, labels: &[(&str, &str)]| series(&text, name, labels);
    assert_eq!(series("nextflex_model_info", &[("version", &version)]), 1.0);
    assert_eq!(text.matches("nextflex_model_info{").count(), 1, "{text}");
    assert!(series("nextflex_model_age_seconds", &[]) >= 0.0);
    assert!(series("nextflex_last_training_seconds", &[]) > 0.0);
    assert_eq!(series("nextflex_last_training_failed", &[]), 0.0);
    assert_eq!(series("nextflex_training_running", &[]), 0.0);
    assert!(series("nextflex_catalogue_movies", &[]) > 0.0);
    assert!(series("nextflex_snapshot_bytes", &[]) > 1000.0);
    assert!(series("nextflex_model_ratings", &[("source", "dataset")]) > 0.0);
    assert_eq!(series("nextflex_model_ratings", &[("source", "app")]), 1.0);
}

/// The database pool, the object store, image decoding and the process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_report_the_pool_and_the_process() {
    let Some(Scrape { text, .. }) = scrape().await else {
        return;
    };
    let series = |name, labels: &[(&str, &str)]| series(&text, name, labels);
    assert!(series("nextflex_db_pool_max_connections", &[]) > 0.0);
    assert!(value(&text, "nextflex_db_pool_connections", &[("state", "idle")]).is_some());
    assert_eq!(series("nextflex_object_store_errors_total", &[]), 0.0);
    assert!(series("process_resident_memory_bytes", &[]) > 0.0);
    assert!(series("process_open_fds", &[]) > 0.0);
    assert_eq!(series("nextflex_image_decodes_in_flight", &[]), 0.0);
}
