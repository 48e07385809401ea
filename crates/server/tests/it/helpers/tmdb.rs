//! TMDB stand-ins on loopback: `StubTmdb` serves `/3/trending/movie/week` as each trending test
//! sets it up and records what it was asked; `serve` runs any stub (the enrichment tests' serves
//! `/3/movie/{id}`); `closed_port_url` is a TMDB that is not there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nextflex::http::ApiSettings;
use nextflex_store::config::Secret;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::TMDB_KEY;

/// What the stub answers.
#[derive(Debug, Clone)]
pub enum Mode {
    /// These pages, `page=1` the first; a page it does not have is a 404.
    Pages(Vec<Value>),
    /// This status, with a TMDB-like error body.
    Status(u16),
    /// This body, as JSON, with 200.
    Body(&'static str),
    /// Nothing for a minute.
    Hang,
}

/// One request the stub received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub page: Option<String>,
    pub api_key: Option<String>,
    pub authorization: Option<String>,
}

struct StubState {
    mode: Mutex<Mode>,
    delay: Mutex<Duration>,
    hits: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
}

/// A stub TMDB on 127.0.0.1:0 serving `/3/trending/movie/week`; its base URL is `url`.
pub struct StubTmdb {
    pub url: String,
    state: Arc<StubState>,
    server: tokio::task::JoinHandle<()>,
}

/// A page of TMDB's trending list with these movie ids.
pub fn tmdb_page(page: u32, ids: &[i64], total_pages: u32) -> Value {
    let results: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({
                "adult": false,
                "id": id,
                "title": format!("TMDB movie {id}"),
                "media_type": "movie",
                "popularity": 500.0 - i as f64,
                "genre_ids": [28],
            })
        })
        .collect();
    json!({"page": page, "results": results, "total_pages": total_pages, "total_results": 1000})
}

async fn answer(
    State(stub): State<Arc<StubState>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    stub.hits.fetch_add(1, Ordering::SeqCst);
    stub.seen.lock().unwrap().push(Seen {
        page: query.get("page").cloned(),
        api_key: query.get("api_key").cloned(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let mode = stub.mode.lock().unwrap().clone();
    let delay = *stub.delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    match mode {
        Mode::Pages(pages) => {
            let n: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            match n.checked_sub(1).and_then(|i| pages.get(i)) {
                Some(page) => Json(page.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        Mode::Status(code) => (
            StatusCode::from_u16(code).unwrap(),
            Json(json!({"status_code": 7, "status_message": "Invalid API key", "success": false})),
        )
            .into_response(),
        Mode::Body(text) => ([("content-type", "application/json")], text).into_response(),
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}

impl StubTmdb {
    pub async fn start(mode: Mode) -> StubTmdb {
        let state = Arc::new(StubState {
            mode: Mutex::new(mode),
            delay: Mutex::new(Duration::ZERO),
            hits: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .route("/3/trending/movie/week", get(answer))
            .with_state(Arc::clone(&state));
        let (url, server) = serve(app).await;
        StubTmdb { url, state, server }
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// Every answer waits this long first.
    pub fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }

    /// `base` with this stub as TMDB, the test key and this cache lifetime.
    pub fn settings(&self, base: ApiSettings, ttl: Duration) -> ApiSettings {
        ApiSettings {
            tmdb_api_key: Some(Secret::new(TMDB_KEY)),
            tmdb_api_url: self.url.clone(),
            trending_cache_ttl: ttl,
            ..base
        }
    }
}

impl Drop for StubTmdb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A base URL where nothing listens.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/3")
}

/// Serves a stub on 127.0.0.1:0: its TMDB-like base URL (`http://…/3`) and the server's task.
pub async fn serve(app: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/3"), server)
}
