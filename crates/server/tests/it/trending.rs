//! `GET /api/charts/trending` against a stub TMDB that each test starts on loopback: TMDB's list
//! mapped onto the catalogue in TMDB's order, the key sent, the cache and its single fetch, and
//! the popular chart in its place when TMDB fails, hangs, is not there or is not configured.

use std::time::Duration;

use axum::http::StatusCode;
use nextflex::http::ApiSettings;
use nextflex_store::config::Secret;
use serde_json::Value;
use tokio::time::Instant;

use crate::backend_tests;
use crate::helpers::{
    AVATAR, BATMAN_BEGINS, Backend, CapturedLogs, DARK_KNIGHT_RISES, TOY_STORY, TestApp, TestDb,
};

use crate::helpers::tmdb::{Mode, StubTmdb, closed_port_url, tmdb_page};

/// The v3 API key the tests configure.
const KEY: &str = crate::helpers::TMDB_KEY;
/// Ids no fixture has.
const UNKNOWN: [i64; 2] = [999_999_001, 999_999_002];

async fn app(backend: Backend, settings: &ApiSettings) -> Option<(TestApp, TestDb)> {
    let tdb = TestDb::create(backend).await?;
    let app = TestApp::spawn_with(&tdb.config(), &["tmdb-mini"], &[], settings).await;
    Some((app, tdb))
}

const TTL: Duration = Duration::from_secs(600);

/// `GET path`, given at most 15 s so that no test can hang; the answer and how long it took.
async fn timed(app: &TestApp, path: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let (status, body) =
        tokio::time::timeout(Duration::from_secs(15), app.call("GET", path, None, None))
            .await
            .unwrap_or_else(|_| panic!("GET {path} did not answer within 15 s"));
    (status, body, started.elapsed())
}

async fn chart(app: &TestApp, path: &str) -> Value {
    let (status, body, _) = timed(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn titles(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect()
}

/// Asserts that `body` is the popular chart of the same query standing in, for `why`.
async fn assert_popular_instead(app: &TestApp, body: &Value, query: &str, why: &str) {
    assert_eq!(body["source"], "popular", "{body}");
    assert_eq!(body["fallback"], why, "{body}");
    let popular = chart(app, &format!("/api/charts/popular?{query}")).await;
    assert!(!titles(&popular).is_empty());
    assert_eq!(body["results"], popular, "{body}");
}

backend_tests!(tmdbs_list_is_mapped_onto_the_catalogue);

/// TMDB's two pages, mapped onto the catalogue in TMDB's order (not the popular order), movies the
/// catalogue lacks and repeats left out, filtered by genre and cut to the limit, as the popular
/// chart's movie cards; the key sent with each page; one fetch for every request.
async fn tmdbs_list_is_mapped_onto_the_catalogue(backend: Backend) {
    let stub = StubTmdb::start(Mode::Pages(vec![
        tmdb_page(1, &[TOY_STORY, UNKNOWN[0], BATMAN_BEGINS, AVATAR], 2),
        tmdb_page(2, &[UNKNOWN[1], DARK_KNIGHT_RISES, BATMAN_BEGINS], 2),
    ]))
    .await;
    let Some((app, _tdb)) = app(backend, &stub.settings(ApiSettings::default(), TTL)).await else {
        return;
    };

    let body = chart(&app, "/api/charts/trending").await;
    assert_eq!(body["source"], "tmdb", "{body}");
    assert!(body.get("fallback").is_none(), "{body}");
    assert_eq!(
        titles(&body["results"]),
        [
            "Toy Story",
            "Batman Begins",
            "Avatar",
            "The Dark Knight Rises"
        ]
    );
    // The popular chart starts with The Dark Knight, which TMDB did not list.
    let popular = chart(&app, "/api/charts/popular").await;
    assert_eq!(titles(&popular)[0], "The Dark Knight");
    // The same cards as the popular chart.
    let avatar = popular
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"] == "Avatar")
        .unwrap();
    assert_eq!(&body["results"][2], avatar);

    let body = chart(&app, "/api/charts/trending?genre=action").await;
    assert_eq!(
        titles(&body["results"]),
        ["Batman Begins", "Avatar", "The Dark Knight Rises"]
    );
    let body = chart(&app, "/api/charts/trending?limit=2").await;
    assert_eq!(titles(&body["results"]), ["Toy Story", "Batman Begins"]);
    let body = chart(&app, "/api/charts/trending?genre=Animation&limit=100").await;
    assert_eq!(titles(&body["results"]), ["Toy Story"]);
    let body = chart(&app, "/api/charts/trending?genre=Action&limit=1").await;
    assert_eq!(titles(&body["results"]), ["Batman Begins"]);

    // Bad parameters, as on the other charts.
    for (query, status) in [
        ("limit=0", StatusCode::BAD_REQUEST),
        ("limit=101", StatusCode::BAD_REQUEST),
        ("limit=x", StatusCode::BAD_REQUEST),
        ("genre=Nope", StatusCode::NOT_FOUND),
    ] {
        let (got, body, _) = timed(&app, &format!("/api/charts/trending?{query}")).await;
        assert_eq!(got, status, "{query}: {body}");
    }

    // One fetch of both pages, each with the key as `api_key` and no bearer token.
    let seen = stub.seen();
    let pages: Vec<_> = seen.iter().map(|s| s.page.as_deref()).collect();
    assert_eq!(pages, [Some("1"), Some("2")], "{seen:?}");
    for s in &seen {
        assert_eq!(s.api_key.as_deref(), Some(KEY), "{s:?}");
        assert_eq!(s.authorization, None, "{s:?}");
    }
}

/// A second request within the TTL is answered from the cache; concurrent requests on a cold
/// cache share one fetch; after the TTL, TMDB is asked again and its new list is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_cached_for_its_ttl() {
    let stub = StubTmdb::start(Mode::Pages(vec![tmdb_page(1, &[AVATAR, TOY_STORY], 1)])).await;
    stub.set_delay(Duration::from_millis(500));
    let settings = stub.settings(ApiSettings::default(), Duration::from_secs(2));
    let (app, _tdb) = app(Backend::Sqlite, &settings).await.unwrap();
    assert_eq!(stub.hits(), 0, "fetched before anyone asked");

    // Eight requests at once on a cold cache: one fetch.
    let answers =
        futures::future::join_all((0..8).map(|_| timed(&app, "/api/charts/trending"))).await;
    for (status, body, _) in &answers {
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(titles(&body["results"]), ["Avatar", "Toy Story"], "{body}");
    }
    assert_eq!(stub.hits(), 1, "concurrent requests each fetched");

    // Within the TTL: from the cache, even with another genre and limit.
    stub.set_delay(Duration::ZERO);
    stub.set_mode(Mode::Pages(vec![tmdb_page(1, &[BATMAN_BEGINS], 1)]));
    let body = chart(&app, "/api/charts/trending?genre=Animation&limit=5").await;
    assert_eq!(titles(&body["results"]), ["Toy Story"]);
    let body = chart(&app, "/api/charts/trending").await;
    assert_eq!(titles(&body["results"]), ["Avatar", "Toy Story"]);
    assert_eq!(stub.hits(), 1, "a request within the TTL reached TMDB");

    // After the TTL: fetched again, the new list served.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let body = chart(&app, "/api/charts/trending").await;
    assert_eq!(body["source"], "tmdb");
    assert_eq!(titles(&body["results"]), ["Batman Begins"]);
    assert_eq!(stub.hits(), 2);
    let _ = chart(&app, "/api/charts/trending").await;
    assert_eq!(stub.hits(), 2);
}

/// TMDB answering 500, 401, a redirect, something that is not JSON or JSON without a list:
/// the popular chart with `fallback: tmdb_unavailable`, never an error; the failure is not kept
/// beyond the retry delay (here the 1 s TTL), so TMDB's list is served once it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tmdb_errors_fall_back_to_the_popular_chart() {
    let stub = StubTmdb::start(Mode::Status(500)).await;
    let settings = stub.settings(ApiSettings::default(), Duration::from_secs(1));
    let (app, _tdb) = app(Backend::Sqlite, &settings).await.unwrap();

    let modes = [
        Mode::Status(500),
        Mode::Status(401),
        Mode::Status(302),
        Mode::Body("<html>not json</html>"),
        Mode::Body(r#"{"page": 1, "total_pages": 1}"#),
        Mode::Body(r#"{"results": [{"id": "eight"}]}"#),
    ];
    for (n, mode) in modes.into_iter().enumerate() {
        stub.set_mode(mode.clone());
        if n > 0 {
            // The failure before is forgotten after the TTL.
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let (status, body, _) = timed(&app, "/api/charts/trending?genre=Action&limit=3").await;
        assert_eq!(status, StatusCode::OK, "{mode:?}: {body}");
        assert_eq!(stub.hits(), n + 1, "{mode:?}: TMDB was not asked");
        // The failure is remembered for a while: no fetch per request.
        let (_, again, _) = timed(&app, "/api/charts/trending").await;
        assert_eq!(again["fallback"], "tmdb_unavailable");
        assert_eq!(
            stub.hits(),
            n + 1,
            "{mode:?}: the failure was not remembered"
        );
        assert_popular_instead(&app, &body, "genre=Action&limit=3", "tmdb_unavailable").await;
        assert_eq!(
            titles(&body["results"]),
            ["The Dark Knight", "Avatar", "Batman Begins"],
            "{mode:?}"
        );
    }

    // TMDB is back.
    stub.set_mode(Mode::Pages(vec![tmdb_page(1, &[DARK_KNIGHT_RISES], 1)]));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let body = chart(&app, "/api/charts/trending").await;
    assert_eq!(body["source"], "tmdb", "{body}");
    assert_eq!(titles(&body["results"]), ["The Dark Knight Rises"]);
}

/// A TMDB that never answers is given up on after the 4 s timeout: every request waiting for
/// that fetch gets the popular chart within ~5 s, and the next ones get it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_tmdb_is_given_up_on() {
    let stub = StubTmdb::start(Mode::Hang).await;
    let (app, _tdb) = app(Backend::Sqlite, &stub.settings(ApiSettings::default(), TTL))
        .await
        .unwrap();

    let answers =
        futures::future::join_all((0..3).map(|_| timed(&app, "/api/charts/trending?limit=2")))
            .await;
    for (status, body, took) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
        assert!(
            *took >= Duration::from_millis(3500) && *took < Duration::from_millis(5500),
            "answered after {took:?}"
        );
        assert_popular_instead(&app, body, "limit=2", "tmdb_unavailable").await;
    }
    assert_eq!(stub.hits(), 1);

    let (status, body, took) = timed(&app, "/api/charts/trending?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["fallback"], "tmdb_unavailable");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(stub.hits(), 1);
}

/// Nothing listens where TMDB should be: the popular chart at once, and a warning in the log that
/// says why without the key. (On the test's own thread, so that its log can be read.)
#[tokio::test]
async fn an_unreachable_tmdb_falls_back_and_the_key_stays_out_of_the_log() {
    let logs = CapturedLogs::start();

    let settings = ApiSettings {
        tmdb_api_key: Some(Secret::new(KEY)),
        tmdb_api_url: closed_port_url(),
        trending_cache_ttl: TTL,
        ..ApiSettings::default()
    };
    let (app, _tdb) = app(Backend::Sqlite, &settings).await.unwrap();
    let (status, body, took) = timed(&app, "/api/charts/trending?genre=Drama").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_popular_instead(&app, &body, "genre=Drama", "tmdb_unavailable").await;

    let logs = logs.text();
    let warning = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains("trending"))
        .unwrap_or_else(|| panic!("no warning logged:\n{logs}"));
    assert!(warning.contains("cannot connect"), "{warning}");
    assert!(!logs.contains(KEY), "the key was logged:\n{logs}");
}

/// TMDB's list holds none of the catalogue's movies (an old dataset): the popular chart,
/// `fallback: no_catalogue_matches`, rather than an empty list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_of_movies_the_catalogue_lacks_falls_back() {
    let stub = StubTmdb::start(Mode::Pages(vec![tmdb_page(1, &UNKNOWN, 1)])).await;
    let (app, _tdb) = app(Backend::Sqlite, &stub.settings(ApiSettings::default(), TTL))
        .await
        .unwrap();
    let body = chart(&app, "/api/charts/trending?limit=3").await;
    assert_popular_instead(&app, &body, "limit=3", "no_catalogue_matches").await;
    assert_eq!(stub.hits(), 1);
}

/// Without a key nothing is fetched: the popular chart, `fallback: not_configured`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_the_popular_chart_answers() {
    let stub = StubTmdb::start(Mode::Pages(vec![tmdb_page(1, &[TOY_STORY], 1)])).await;
    let settings = ApiSettings {
        tmdb_api_url: stub.url.clone(),
        ..ApiSettings::default()
    };
    let (app, _tdb) = app(Backend::Sqlite, &settings).await.unwrap();
    for query in ["", "limit=3", "genre=crime&limit=2"] {
        let body = chart(&app, &format!("/api/charts/trending?{query}")).await;
        assert_popular_instead(&app, &body, query, "not_configured").await;
    }
    let (status, _, _) = timed(&app, "/api/charts/trending?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(stub.hits(), 0);
}

/// A TMDB v4 read access token is sent as a bearer token, not in the URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_access_token_is_sent_as_a_bearer_token() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJuZXh0ZmxleCJ9.c2lnbmF0dXJl";
    let stub = StubTmdb::start(Mode::Pages(vec![tmdb_page(1, &[AVATAR], 1)])).await;
    let settings = ApiSettings {
        tmdb_api_key: Some(Secret::new(token)),
        ..stub.settings(ApiSettings::default(), TTL)
    };
    let (app, _tdb) = app(Backend::Sqlite, &settings).await.unwrap();
    let body = chart(&app, "/api/charts/trending").await;
    assert_eq!(titles(&body["results"]), ["Avatar"], "{body}");
    let seen = stub.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(seen[0].api_key, None);
}
