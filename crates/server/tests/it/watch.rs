//! `GET /api/movies/{id}/watch` against a stub TMDB on loopback: the providers of the country
//! asked, the official trailer, one fetch per movie and country while the cache is fresh, and
//! empty lists saying why without a key, for a TMDB failure, or for a bad country.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nextflex::http::ApiSettings;
use nextflex_store::config::Secret;
use serde_json::{Value, json};

use crate::helpers::tmdb::serve;
use crate::helpers::{Backend, TMDB_KEY, TOY_STORY, TestApp, TestDb};

/// A stub TMDB: Toy Story's providers in the US and France and its videos, or 500 for all.
struct Stub {
    url: String,
    hits: Arc<AtomicUsize>,
    _server: tokio::task::JoinHandle<()>,
}

async fn stub(failing: bool) -> Stub {
    let hits = Arc::new(AtomicUsize::new(0));
    let providers = |State((hits, failing)): State<(Arc<AtomicUsize>, bool)>,
                     Path(id): Path<i64>| async move {
        hits.fetch_add(1, Ordering::SeqCst);
        if failing {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let offer = |name: &str, priority: i64| json!({"provider_id": priority, "provider_name": name, "logo_path": format!("/{name}.jpg"), "display_priority": priority});
        Json(json!({"id": id, "results": {
            "US": {"link": "https://www.themoviedb.org/movie/862/watch?locale=US",
                   "flatrate": [offer("Disney Plus", 2)],
                   "rent": [offer("Apple TV", 4), offer("Amazon Video", 3)],
                   "buy": [offer("Apple TV", 4)]},
            "FR": {"link": "https://www.themoviedb.org/movie/862/watch?locale=FR",
                   "flatrate": [offer("Disney Plus", 1)]}
        }}))
        .into_response()
    };
    let videos = |State((hits, failing)): State<(Arc<AtomicUsize>, bool)>| async move {
        hits.fetch_add(1, Ordering::SeqCst);
        if failing {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let response: Response = Json(json!({"results": [
            {"key": "tN1A2mVnrOM", "name": "Toy Story - Trailer", "site": "YouTube", "type": "Trailer", "official": true, "iso_639_1": "en", "published_at": "2010-01-01T00:00:00.000Z"},
            {"key": "teaser", "name": "Teaser", "site": "YouTube", "type": "Teaser", "official": true, "iso_639_1": "en", "published_at": "2011-01-01T00:00:00.000Z"}
        ]}))
        .into_response();
        response
    };
    let app = axum::Router::new()
        .route("/3/movie/{id}/watch/providers", get(providers))
        .route("/3/movie/{id}/videos", get(videos))
        .with_state((Arc::clone(&hits), failing));
    let (url, server) = serve(app).await;
    Stub {
        url,
        hits,
        _server: server,
    }
}

async fn app(settings: &ApiSettings) -> (TestApp, TestDb) {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(&tdb.config(), &["tmdb-mini"], &[], settings).await;
    (app, tdb)
}

fn with_stub(stub: &Stub) -> ApiSettings {
    ApiSettings {
        tmdb_api_key: Some(Secret::new(TMDB_KEY)),
        tmdb_api_url: stub.url.clone(),
        trending_cache_ttl: Duration::from_secs(600),
        ..ApiSettings::default()
    }
}

/// The catalogue id of the movie TMDB knows as `tmdb_id`.
async fn movie_id(app: &TestApp, tmdb_id: i64) -> i64 {
    let (_, found) = app
        .call("GET", "/api/movies?q=toy%20story", None, None)
        .await;
    let id = found["results"][0]["id"].as_i64().unwrap();
    let (_, detail) = app
        .call("GET", &format!("/api/movies/{id}"), None, None)
        .await;
    assert_eq!(detail["tmdb_id"], tmdb_id, "{}", detail["title"]);
    id
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_movie_says_where_to_watch_it_in_a_country_and_links_its_trailer() {
    let tmdb = stub(false).await;
    let (app, _tdb) = app(&with_stub(&tmdb)).await;
    let id = movie_id(&app, TOY_STORY).await;
    let (status, us) = app
        .call("GET", &format!("/api/movies/{id}/watch"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{us}");
    assert_eq!(
        (us["source"].as_str(), us["country"].as_str()),
        (Some("tmdb"), Some("US"))
    );
    assert_eq!(names(&us["stream"]), ["Disney Plus"]);
    assert_eq!(
        names(&us["rent"]),
        ["Amazon Video", "Apple TV"],
        "TMDB's order"
    );
    assert_eq!(
        us["trailer"]["url"],
        "https://www.youtube.com/watch?v=tN1A2mVnrOM"
    );
    assert_eq!(us["attribution"], "JustWatch, through TMDB");
    assert_eq!(tmdb.hits.load(Ordering::SeqCst), 2, "providers and videos");

    // Cached for the movie and country; another country is its own answer.
    app.call(
        "GET",
        &format!("/api/movies/{id}/watch?country=us"),
        None,
        None,
    )
    .await;
    assert_eq!(tmdb.hits.load(Ordering::SeqCst), 2);
    let (_, fr) = app
        .call(
            "GET",
            &format!("/api/movies/{id}/watch?country=fr"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (fr["country"].as_str(), names(&fr["stream"])),
        (Some("FR"), vec!["Disney Plus"])
    );
    assert!(fr["rent"].as_array().unwrap().is_empty());
    let (_, de) = app
        .call(
            "GET",
            &format!("/api/movies/{id}/watch?country=DE"),
            None,
            None,
        )
        .await;
    assert_eq!(
        de["source"], "tmdb",
        "TMDB answered: nowhere to watch there"
    );
    assert!(de["stream"].as_array().unwrap().is_empty() && de["link"].is_null());

    for bad in ["USA", "1x", "é", "", "%20us"] {
        let (status, body) = app
            .call(
                "GET",
                &format!("/api/movies/{id}/watch?country={bad}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, _) = app
        .call("GET", "/api/movies/99999999/watch", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_key_or_while_tmdb_fails_the_lists_are_empty_and_say_why() {
    let tmdb = stub(true).await;
    let (app, _tdb) = app(&with_stub(&tmdb)).await;
    let id = movie_id(&app, TOY_STORY).await;
    for _ in 0..2 {
        let (status, body) = app
            .call("GET", &format!("/api/movies/{id}/watch"), None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["source"].as_str(), body["reason"].as_str()),
            (Some("none"), Some("tmdb_unavailable"))
        );
        assert!(body["trailer"].is_null());
    }
    assert_eq!(tmdb.hits.load(Ordering::SeqCst), 4, "a failure is not kept");

    let keyless = ApiSettings {
        tmdb_api_key: None,
        ..with_stub(&tmdb)
    };
    let (app, _tdb) = self::app(&keyless).await;
    let (_, body) = app
        .call("GET", &format!("/api/movies/{id}/watch"), None, None)
        .await;
    assert_eq!(body["reason"], "not_configured", "{body}");
    assert_eq!(
        tmdb.hits.load(Ordering::SeqCst),
        4,
        "nothing asked without a key"
    );
}
