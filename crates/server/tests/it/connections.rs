//! Connection hygiene against hostile and slow clients: idle connections make room for real
//! requests, a server with every connection busy says so instead of failing `accept`, a process
//! at a small open-file limit keeps answering, and a slow upload cannot hold its place.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use nextflex::connections::ConnectionSettings;
use nextflex::http::{ApiSettings, UploadSettings};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::cli::{Server, nextflex_with_file_limit};
use crate::helpers::{Backend, TestApp, TestDb, unlimited};

/// Serves `/healthz` and a `/slow` route (1.5 s) with at most `places` connections open.
async fn small_server(places: usize) -> SocketAddr {
    let app = Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                "slow"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(nextflex::serve::serve(
        listener,
        app,
        std::future::pending(),
        Duration::from_secs(1),
        ConnectionSettings {
            header_timeout: Duration::from_secs(60),
            max_connections: places,
        },
    ));
    addr
}

/// A client that opens a new connection for each request, as a new visitor does.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// `GET path` on a new connection.
async fn get(client: &reqwest::Client, addr: SocketAddr, path: &str) -> reqwest::Response {
    client
        .get(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap()
}

/// Opens `n` connections that send part of a request head and go silent.
async fn half_open(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut sockets = Vec::with_capacity(n);
    for _ in 0..n {
        let mut socket = TcpStream::connect(addr).await.unwrap();
        socket
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        sockets.push(socket);
    }
    sockets
}

/// Many more silent connections than places (and a header timeout far off): each new request
/// still gets its answer, because the longest-idle connection makes room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_make_room_for_real_requests() {
    let addr = small_server(8).await;
    let _silent = half_open(addr, 30).await;
    let client = fresh_client();
    for _ in 0..10 {
        let response = get(&client, addr, "/healthz").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), "ok");
    }
}

/// With every place taken by a request in progress, a new connection is answered 503
/// `server_busy` with `Retry-After` and closed; once a request is done, the next is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_every_connection_busy_says_so() {
    let addr = small_server(2).await;
    let client = fresh_client();
    let slow: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { get(&client, addr, "/slow").await.status() })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let refused = get(&client, addr, "/healthz").await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(crate::helpers::retry_after(&refused), 1);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "server_busy", "{body}");
    for request in slow {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    let served = get(&client, addr, "/healthz").await;
    assert_eq!(served.status(), StatusCode::OK);
}

/// The binary under `ulimit -n 256` with 300 half-open connections: `/healthz` keeps answering
/// promptly, and no accept fails for want of a file descriptor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_file_limit_is_never_exhausted() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = nextflex_with_file_limit(dir.path(), 256);
    cmd.env("NEXTFLEX_NO_DEMO", "1")
        .env("NEXTFLEX_HEADER_TIMEOUT", "5min");
    let server = Server::start(&mut cmd);
    let addr = server.addr;
    let client = fresh_client();
    let mut silent = Vec::new();
    let mut slowest = Duration::ZERO;
    for _ in 0..6 {
        silent.extend(half_open(addr, 50).await);
        let started = Instant::now();
        let response = get(&client, addr, "/healthz").await;
        assert_eq!(response.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
    }
    assert_eq!(silent.len(), 300);
    assert!(slowest < Duration::from_secs(2), "{slowest:?}");
    let (_, log) = server.terminate();
    let log = log.join("\n");
    assert!(!log.contains("cannot accept"), "{log}");
}

/// Sends the head of an image upload promising `length` bytes and the first part's header.
async fn start_upload(addr: SocketAddr, token: &str, length: usize) -> TcpStream {
    let mut socket = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket
}

/// What the server answered on `socket` (its status line), and whether it closed the connection
/// after it, within `within`.
async fn answer(socket: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(within, socket.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    (
        text.lines().next().unwrap_or_default().to_owned(),
        read.is_ok(),
    )
}

/// One user trickling ten large uploads a byte at a time holds two places, not everyone's:
/// the rest are refused at once (429), another user's upload goes through, and the trickles
/// are answered 408 `body_timeout` and closed when the body deadline passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_uploader_holds_only_its_own_places() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let deadline = Duration::from_secs(3);
    let settings = ApiSettings {
        uploads: UploadSettings {
            decodes: 1,
            queue: 4,
            body_timeout: deadline,
            ..unlimited().uploads
        },
        ..unlimited()
    };
    let app = TestApp::spawn_with(&tdb.config(), &["tmdb-mini"], &[], &settings).await;
    let (slow, _) = app.user("slow@example.com").await;
    let (other, _) = app.user("other@example.com").await;
    let mut trickles = Vec::new();
    for _ in 0..10 {
        trickles.push(start_upload(app.addr, &slow, 5_000_000).await);
    }
    let started = Instant::now();
    // A byte every 300 ms on each, for longer than the deadline.
    let trickling = tokio::spawn(async move {
        let mut answers = Vec::new();
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            for socket in &mut trickles {
                let _ = socket.write_all(b"x").await;
            }
        }
        for mut socket in trickles {
            answers.push(answer(&mut socket, deadline + Duration::from_secs(3)).await);
        }
        answers
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let jpeg = crate::helpers::images::encode(32, 32, image::ImageFormat::Jpeg);
    let form = reqwest::multipart::Form::new()
        .text("title", "Seen it")
        .part(
            "image",
            reqwest::multipart::Part::bytes(jpeg).file_name("a.jpg"),
        );
    let (status, body) = app.upload(Some(&other), form).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let answers = trickling.await.unwrap();
    let count = |prefix: &str| {
        answers
            .iter()
            .filter(|(s, _)| s.starts_with(prefix))
            .count()
    };
    assert_eq!(count("HTTP/1.1 429"), 8, "{answers:?}");
    assert_eq!(count("HTTP/1.1 408"), 2, "{answers:?}");
    assert!(answers.iter().all(|(_, closed)| *closed), "{answers:?}");
    assert!(
        started.elapsed() < deadline + Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // A silent upload (head and a few bytes, then nothing) is closed after the deadline too.
    let mut silent = start_upload(app.addr, &other, 1_000).await;
    let (status, closed) = answer(&mut silent, deadline + Duration::from_secs(3)).await;
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    assert!(closed);
    assert_eq!(
        tdb.count("posts").await,
        1,
        "only the whole upload was kept"
    );
}
