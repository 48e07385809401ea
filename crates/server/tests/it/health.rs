//! `/healthz`, `/readyz` against each backend (and the database or storage going away), and
//! graceful shutdown with a request in flight.

use std::time::Duration;

use axum::routing::get;
use nextflex::http::ApiContext;
use nextflex_store::config::{Secret, StorageConfig};
use nextflex_store::storage::Storage;
use serde_json::Value;

use crate::helpers::{Backend, TcpProxy, TestApp, TestDb, socket_of};

crate::backend_tests!(probes_answer, readyz_follows_the_database);

async fn probes_answer(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let app = TestApp::spawn(&tdb.config()).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["storage"], "ok");
    assert_eq!(body["checks"]["model"], "ok");

    let res = app.get("/api/no/such/route").await;
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

/// The database goes away (a proxy cuts every connection, or the SQLite file disappears):
/// `/readyz` answers 503 naming the database, and 200 again once it is back.
async fn readyz_follows_the_database(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let wait = Duration::from_secs(15);
    if backend == Backend::Sqlite {
        let app = TestApp::spawn(&tdb.config()).await;
        assert_eq!(app.get("/readyz").await.status(), 200);
        let file = tdb.sqlite_file();
        let moved = file.with_extension("moved");
        std::fs::rename(&file, &moved).unwrap();
        assert_eq!(app.wait_for_status("/readyz", 503, wait).await, 503);
        let body: Value = app.get("/readyz").await.json().await.unwrap();
        assert_eq!(body["checks"]["database"], "unavailable");
        assert_eq!(body["checks"]["storage"], "ok");
        std::fs::rename(&moved, &file).unwrap();
        assert_eq!(app.wait_for_status("/readyz", 200, wait).await, 200);
        return;
    }
    let proxy = TcpProxy::start(socket_of(&tdb.url)).await;
    let app = TestApp::spawn(&tdb.config_via(&proxy)).await;
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.set_up(false);
    assert_eq!(app.wait_for_status("/readyz", 503, wait).await, 503);
    let body: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["checks"]["database"], "unavailable");
    assert_eq!(body["checks"]["storage"], "ok");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "liveness must not follow the DB"
    );

    database_unavailable(&app).await;

    proxy.set_up(true);
    assert_eq!(app.wait_for_status("/readyz", 200, wait).await, 200);
    assert_eq!(app.get("/api/movies/1").await.status(), 404);

    // A frozen link (no answer, no reset): the same 503 once the pool's wait runs out.
    proxy.freeze();
    database_unavailable(&app).await;
    assert_eq!(app.get("/readyz").await.status(), 503);
    proxy.set_up(true);
    assert_eq!(app.wait_for_status("/readyz", 200, wait).await, 200);
}

/// A route that needs the database answers 503 `database_unavailable` with `Retry-After`, and
/// does so within the pool's wait (3 s in tests), not after some longer timeout.
async fn database_unavailable(app: &TestApp) {
    let asked = std::time::Instant::now();
    let res = app.get("/api/movies/1").await;
    let took = asked.elapsed();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "database_unavailable");
    assert!(took < Duration::from_secs(9), "answered after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_follows_the_storage() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    assert_eq!(app.get("/readyz").await.status(), 200);

    // Where the store writes is blocked (a file where its folders go; permissions would not
    // stop root): readiness fails, and so do uploads, with 503 `storage_unavailable`.
    let blocked = ["_nextflex", "images"].map(|d| app.storage_dir.join(d));
    for path in &blocked {
        let _ = std::fs::remove_dir_all(path);
        std::fs::write(path, b"in the way").unwrap();
    }
    let wait = Duration::from_secs(5);
    assert_eq!(app.wait_for_status("/readyz", 503, wait).await, 503);
    let res = app.get("/readyz").await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["checks"]["storage"], "unavailable");
    assert_eq!(body["checks"]["database"], "ok");
    let (token, _) = app.user("uploader@example.com").await;
    let form = reqwest::multipart::Form::new()
        .text("title", "t")
        .text("content", "c")
        .part(
            "image",
            reqwest::multipart::Part::bytes(crate::helpers::images::encode(
                16,
                16,
                image::ImageFormat::Png,
            ))
            .file_name("a.png"),
        );
    let res = app
        .client
        .post(app.url("/api/posts"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "storage_unavailable");

    // Once writes work again, so does readiness (the marker is written on each probe).
    for path in &blocked {
        std::fs::remove_file(path).unwrap();
    }
    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_in_flight_requests_finish() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let dir = tempfile::tempdir().unwrap();
    let storage_dir = dir.path().join("objects");
    let storage = Storage::open(&StorageConfig::Local(storage_dir.clone()))
        .await
        .unwrap();
    let models = nextflex_app::model_versions::Models::new(
        db.clone(),
        storage.clone(),
        Default::default(),
        Default::default(),
    );
    let ctx = ApiContext::new(
        db.clone(),
        storage,
        &Secret::new("s".repeat(40)),
        models,
        &Default::default(),
    )
    .await
    .unwrap();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
    let started_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(started_tx)));
    let slow = get(move || {
        if let Some(tx) = started_tx.lock().unwrap().take() {
            let _ = tx.send(());
        }
        async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            "finished"
        }
    });
    let app = nextflex::http::router(ctx).route("/slow", slow);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(nextflex::serve::serve(
        listener,
        app,
        async {
            let _ = stop_rx.await;
        },
        Duration::from_secs(10),
        crate::helpers::connection_settings(),
    ));
    let request = tokio::spawn(async move {
        reqwest::get(format!("http://{addr}/slow"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    started_rx.await.unwrap();
    stop_tx.send(()).unwrap();

    assert_eq!(request.await.unwrap(), "finished");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server did not stop")
        .unwrap()
        .unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting connections after shutdown"
    );
}

/// A connection that sends part of a request head and goes silent is closed once the header
/// timeout has passed, while other clients are served all along; so is one that opens and sends
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    let mut partial = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    partial
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut silent = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    assert_eq!(app.get("/healthz").await.status(), 200);
    let limit = crate::helpers::HEADER_TIMEOUT + Duration::from_secs(3);
    for (name, socket) in [("partial", &mut partial), ("silent", &mut silent)] {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(limit, socket.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "{name}: still open after {limit:?}");
    }
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// Client routes get the UI's index.html (or, in a binary built without the UI, a JSON 404 that
/// says so); API paths and missing files get JSON 404s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_ui_routes_fall_back_to_index_html() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn(&tdb.config()).await;
    let built = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../web/dist/index.html")
        .exists();
    for path in ["/", "/movies/12", "/admin/users"] {
        let response = app.get(path).await;
        if built {
            assert_eq!(response.status(), 200, "{path}");
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            assert_eq!(response.headers()["cache-control"], "no-cache");
            assert!(response.text().await.unwrap().contains("<div id=\"root\">"));
        } else {
            assert_eq!(response.status(), 404, "{path}");
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "no_web_ui");
        }
    }
    for path in ["/api/nope", "/auth/nope/", "/assets/missing-1234.js"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let post = app.client.post(app.url("/movies/12")).send().await.unwrap();
    assert_eq!(post.status(), 404);
}

/// Every answer, page or JSON, carries the security headers: a content security policy that
/// forbids framing and foreign scripts, no MIME sniffing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_security_headers() {
    let tdb = crate::helpers::TestDb::create(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let app = crate::helpers::TestApp::spawn(&tdb.config()).await;
    for path in [
        "/",
        "/api/docs/",
        "/api/genres",
        "/api/no-such-route",
        "/healthz",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        for part in [
            "frame-ancestors 'none'",
            "script-src 'self'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}
