//! Test harness, the one module the tests share: a fresh database per test on each backend, the
//! app on port 0 with its test settings and accounts, a TCP proxy that can cut a database off, a
//! moto S3 server on loopback, the fixtures; the binary (`cli`), a stub TMDB (`tmdb`) and test
//! images (`images`) in submodules.

pub mod cli;
pub mod images;
pub mod tmdb;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use nextflex::http::{self, ApiContext, ApiSettings};
use nextflex_app::model_versions::Models;
use nextflex_app::recommender::{self, RecommenderSettings, SharedRecommender};
use nextflex_store::config::{DatabaseConfig, S3Config, S3Credentials, Secret, StorageConfig};
use nextflex_store::db::{Db, PoolSettings};
use nextflex_store::storage::Storage;
use object_store::ObjectStore;
use object_store::path::Path;
use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// The JWT secret of apps the tests start.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    fn env_var(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("NEXTFLEX_TEST_POSTGRES_URL"),
            Backend::MySql => Some("NEXTFLEX_TEST_MYSQL_URL"),
        }
    }
}

/// Expands to one `#[tokio::test]` per backend for each named `async fn(Backend)`, in modules
/// `sqlite`, `postgres` and `mysql`, so test names say which backend ran.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Backend::Postgres).await } )*
        }
        mod mysql {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::helpers::Backend::MySql).await } )*
        }
    };
}

/// The demo dataset `make run` imports, as a fixture name for [`TestApp::spawn_with`] (an
/// absolute path: joined onto the fixtures folder it stays itself).
pub const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo");

pub fn test_pool() -> PoolSettings {
    PoolSettings {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(3),
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    format!(
        "nf_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// A database of its own for one test, dropped afterwards.
pub struct TestDb {
    pub backend: Backend,
    /// URL of the fresh database (for the network backends: the real server's address).
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// The rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let db = self.connect().await;
        sqlx::query_scalar(db.sql_owned(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(db.pool())
            .await
            .unwrap()
    }

    /// Makes the user with this email an admin.
    pub async fn make_admin(&self, email: &str) {
        let db = self.connect().await;
        sqlx::query(db.sql("UPDATE users SET is_admin = 1 WHERE email = ?"))
            .bind(email)
            .execute(db.pool())
            .await
            .unwrap();
    }

    /// A fresh, empty database, or `None` (with a message) when the backend is not configured.
    pub async fn create(backend: Backend) -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let name = unique_name();
        let Some(var) = backend.env_var() else {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/nextflex.db", dir.path().display());
            return Some(TestDb {
                backend,
                url,
                admin_url: None,
                name,
                _dir: Some(dir),
            });
        };
        let Ok(admin_url) = std::env::var(var) else {
            eprintln!("skipped: {var} is not set, so this {backend:?} test did not run");
            return None;
        };
        let mut admin = sqlx::AnyConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{var} is set but {admin_url} is unreachable: {e}"));
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            backend,
            url: url.to_string(),
            admin_url: Some(admin_url),
            name,
            _dir: None,
        })
    }

    pub fn config(&self) -> DatabaseConfig {
        DatabaseConfig::parse(&self.url, &std::env::current_dir().unwrap()).unwrap()
    }

    /// The same database reached through `proxy` (for cutting it off).
    pub fn config_via(&self, proxy: &TcpProxy) -> DatabaseConfig {
        let mut url = url::Url::parse(&self.url).unwrap();
        url.set_port(Some(proxy.addr.port())).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        DatabaseConfig::parse(url.as_str(), &std::env::current_dir().unwrap()).unwrap()
    }

    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.config(), &test_pool()).await.unwrap();
        db.migrate().await.unwrap();
        db
    }

    /// The SQLite file of this database.
    pub fn sqlite_file(&self) -> PathBuf {
        self.config()
            .sqlite_file
            .expect("not a sqlite test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(admin_url) = self.admin_url.clone() else {
            return;
        };
        let drop_sql = match self.backend {
            Backend::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            _ => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        // Drop runs outside async context: a thread with its own runtime does the clean-up.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut admin) = sqlx::AnyConnection::connect(&admin_url).await {
                    let _ = sqlx::raw_sql(AssertSqlSafe(drop_sql))
                        .execute(&mut admin)
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// The app served in-process on 127.0.0.1:0.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub storage_dir: PathBuf,
    /// The app's object store, when the test made it.
    pub storage: Option<Storage>,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(config: &DatabaseConfig) -> TestApp {
        Self::spawn_with(config, &[], &[], &ApiSettings::default()).await
    }

    /// The app over a database holding the named fixture datasets, after running `sql` (for
    /// cases the fixtures lack).
    pub async fn spawn_with(
        config: &DatabaseConfig,
        fixtures: &[&str],
        sql: &[&str],
        settings: &ApiSettings,
    ) -> TestApp {
        Self::spawn_on(config, None, fixtures, sql, settings).await
    }

    /// As [`TestApp::spawn_with`], on the given object store (default: a temporary folder).
    pub async fn spawn_on(
        config: &DatabaseConfig,
        storage: Option<StorageConfig>,
        fixtures: &[&str],
        sql: &[&str],
        settings: &ApiSettings,
    ) -> TestApp {
        let db = Db::connect(config, &test_pool()).await.unwrap();
        db.migrate().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let storage_dir = dir.path().join("objects");
        let storage =
            Storage::open(&storage.unwrap_or_else(|| StorageConfig::Local(storage_dir.clone())))
                .await
                .unwrap();
        if !fixtures.is_empty() {
            let paths: Vec<PathBuf> = fixtures.iter().map(|f| fixture(f)).collect();
            nextflex_app::dataset_import::import(&db, &storage, &paths, false)
                .await
                .unwrap();
        }
        for statement in sql {
            sqlx::query(db.sql_owned((*statement).to_owned()))
                .execute(db.pool())
                .await
                .unwrap();
        }
        let shared = Arc::new(SharedRecommender::default());
        shared.set(
            recommender::build(&db, &storage, &RecommenderSettings::default())
                .await
                .unwrap(),
        );
        let models = Models::new(
            db.clone(),
            storage.clone(),
            shared,
            RecommenderSettings::default(),
        );
        let ctx = ApiContext::new(
            db,
            storage.clone(),
            &Secret::new(TEST_SECRET.to_owned()),
            models,
            settings,
        )
        .await
        .unwrap();
        let mut app = Self::serve(http::router(ctx), storage_dir, dir).await;
        app.storage = Some(storage);
        app
    }

    pub async fn serve(app: axum::Router, storage_dir: PathBuf, dir: tempfile::TempDir) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(nextflex::serve::serve(
            listener,
            app,
            async {
                let _ = rx.await;
            },
            Duration::from_secs(5),
            connection_settings(),
        ));
        TestApp {
            addr,
            // A connection kept idle is dropped well before the server's header timeout closes
            // it (2 s here), as a client should, so that reusing it never races that close.
            client: reqwest::Client::builder()
                .pool_idle_timeout(HEADER_TIMEOUT / 2)
                .build()
                .unwrap(),
            storage_dir,
            storage: None,
            shutdown: Some(tx),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Polls `path` until it answers `status`, for at most `within`; returns the last status.
    pub async fn wait_for_status(&self, path: &str, status: u16, within: Duration) -> u16 {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.get(path).await.status().as_u16();
            if got == status || tokio::time::Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `POST` of a JSON body (see [`TestApp::call`]).
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }

    /// `PUT` of a JSON body (see [`TestApp::call`]).
    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("PUT", path, token, Some(body)).await
    }

    /// `PATCH` of a JSON body (see [`TestApp::call`]).
    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call("PATCH", path, token, Some(body)).await
    }

    /// `DELETE` without a body: the status.
    pub async fn delete(&self, path: &str, token: Option<&str>) -> StatusCode {
        self.call("DELETE", path, token, None).await.0
    }

    /// `DELETE /auth/users/me/`: the account of `token` deletes itself, given its password.
    pub async fn delete_account(&self, token: &str, current_password: &str) -> StatusCode {
        let body = json!({ "current_password": current_password });
        self.call("DELETE", "/auth/users/me/", Some(token), Some(body))
            .await
            .0
    }

    /// A JSON call: the status and the body (`null` when it is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Registers and logs in; returns (access, refresh).
    pub async fn user(&self, email: &str) -> (String, String) {
        let (status, body) = self
            .call(
                "POST",
                "/auth/users/",
                None,
                Some(json!({"email": email, "password": PASSWORD, "re_password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(email, PASSWORD).await
    }

    /// `POST /auth/jwt/create/`: the status and the body, whatever they are.
    pub async fn try_login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"email": email, "password": password});
        self.post("/auth/jwt/create/", None, body).await
    }

    pub async fn login(&self, email: &str, password: &str) -> (String, String) {
        let (status, body) = self.try_login(email, password).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            body["access"].as_str().unwrap().to_owned(),
            body["refresh"].as_str().unwrap().to_owned(),
        )
    }

    /// Polls the models route until no training runs; returns the last answer.
    pub async fn wait_for_training(&self, admin: &str) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let (status, body) = self
                .call("GET", "/api/admin/models", Some(admin), None)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["training"]["state"] != "running" {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "training did not finish: {body}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Posts a multipart form to `/api/posts`.
    pub async fn upload(&self, token: Option<&str>, form: Form) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url("/api/posts")).multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Every object the app stored under `images/`.
    pub async fn image_objects(&self) -> Vec<String> {
        let store = self.storage.as_ref().unwrap().store();
        let mut keys: Vec<String> = store
            .list(Some(&Path::from("images")))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .unwrap();
        keys.sort();
        keys
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A loopback TCP proxy to a database that a test can take down (closing every connection and
/// refusing new ones), freeze (connections stay open but nothing passes, as behind a dead
/// link), and bring back.
pub struct TcpProxy {
    pub addr: SocketAddr,
    link: watch::Sender<Link>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Up,
    Down,
    Frozen,
}

impl TcpProxy {
    pub async fn start(upstream: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (link, _) = watch::channel(Link::Up);
        let state = link.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let mut changes = state.subscribe();
                match *state.borrow() {
                    Link::Down => continue,
                    Link::Frozen => {
                        // Held open, silent, until the link changes; then dropped.
                        tokio::spawn(async move {
                            let _ = changes.changed().await;
                            drop(client);
                        });
                        continue;
                    }
                    Link::Up => {}
                }
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let frozen = tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => false,
                        link = changes.wait_for(|l| *l != Link::Up) => {
                            link.is_ok_and(|l| *l == Link::Frozen)
                        }
                    };
                    if frozen {
                        // Hold both ends without forwarding until the link changes.
                        let _ = changes.changed().await;
                    }
                });
            }
        });
        TcpProxy { addr, link }
    }

    pub fn set_up(&self, up: bool) {
        self.link
            .send_replace(if up { Link::Up } else { Link::Down });
    }

    /// Connections stay open but carry nothing, until [`TcpProxy::set_up`].
    pub fn freeze(&self) {
        self.link.send_replace(Link::Frozen);
    }
}

/// The `Retry-After` seconds of an answer (panics if it has none).
pub fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The host and port a database URL points at.
pub fn socket_of(url: &str) -> SocketAddr {
    let url = url::Url::parse(url).unwrap();
    let host = url.host_str().unwrap();
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    format!("{host}:{}", url.port_or_known_default().unwrap_or(3306))
        .parse()
        .unwrap()
}

/// A moto S3 server on a free loopback port, killed on drop.
pub struct Moto {
    pub endpoint: String,
    child: Child,
}

impl Moto {
    /// Storage settings for `bucket` on this server, under `prefix`.
    pub fn storage_config(&self, bucket: &str, prefix: &str) -> StorageConfig {
        StorageConfig::S3(S3Config {
            bucket: bucket.into(),
            prefix: prefix.into(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            path_style: true,
            credentials: Some(S3Credentials {
                access_key_id: "testing".into(),
                secret_access_key: Secret::new("testing"),
                session_token: None,
            }),
        })
    }

    /// Starts moto_server from PATH, or returns `None` with a message when it is not installed.
    pub async fn start() -> Option<Moto> {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = match Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => {
                eprintln!(
                    "skipped: moto_server is not installed ({e}), so this S3 test did not run"
                );
                return None;
            }
        };
        let moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "moto_server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(moto)
    }

    /// Creates a bucket (moto does not check signatures).
    pub async fn create_bucket(&self, bucket: &str) {
        let status = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "creating bucket {bucket}: {status}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The v3 TMDB API key the tests configure (for stub TMDBs on loopback).
pub const TMDB_KEY: &str = "tmdb-test-key-5f1c0ffee0ddba11";

/// TMDB ids of the tmdb-mini fixture.
pub const TOY_STORY: i64 = 862;
pub const BATMAN_BEGINS: i64 = 272;
pub const AVATAR: i64 = 19995;
pub const DARK_KNIGHT_RISES: i64 = 49026;

/// What this thread logs (debug included) while the guard lives, for tests that check a log.
pub struct CapturedLogs {
    lines: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl CapturedLogs {
    pub fn start() -> CapturedLogs {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
        let writer = {
            let lines = std::sync::Arc::clone(&lines);
            move || LogWriter(std::sync::Arc::clone(&lines))
        };
        let subscriber = tracing_subscriber::fmt()
            .with_writer(writer)
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .finish();
        CapturedLogs {
            lines,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.lines.lock().unwrap().clone()).unwrap()
    }
}

struct LogWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// API settings without the login rate limit, which the tests would trip.
pub fn unlimited() -> ApiSettings {
    ApiSettings {
        auth_rate_limit: 0,
        account_guess_limit: 0,
        uploads: nextflex::http::UploadSettings {
            per_user_hourly: 0,
            ..Default::default()
        },
        ..ApiSettings::default()
    }
}

pub async fn app(backend: Backend, settings: &ApiSettings) -> Option<(TestApp, TestDb)> {
    let tdb = TestDb::create(backend).await?;
    // A second "Heat", so that the title is ambiguous.
    let app = TestApp::spawn_with(
        &tdb.config(),
        &["tmdb-mini", "ml-mini"],
        &[
            "INSERT INTO movies (title, search_title, release_year, created_at, updated_at) \
           VALUES ('Heat', 'heat', 1986, 0, 0)",
        ],
        settings,
    )
    .await;
    Some((app, tdb))
}

/// [`app`] without limits, with one account signed up: the app, its database and the account's
/// access token.
pub async fn app_with_user(backend: Backend, email: &str) -> Option<(TestApp, TestDb, String)> {
    let (app, tdb) = app(backend, &unlimited()).await?;
    let (token, _) = app.user(email).await;
    Some((app, tdb, token))
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// How long the test servers let a connection take to send a request head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(2);

/// How the test servers hold connections: a short header timeout, the default cap.
pub fn connection_settings() -> nextflex::connections::ConnectionSettings {
    nextflex::connections::ConnectionSettings {
        header_timeout: HEADER_TIMEOUT,
        max_connections: nextflex::connections::ConnectionSettings::places_for_this_process(),
    }
}

/// An email address the tests know to be valid.
pub fn email(raw: &str) -> nextflex_store::email::Email {
    nextflex_store::email::Email::parse(raw).unwrap()
}

/// One number from the database (`SELECT COUNT(*) …`).
pub async fn scalar(db: &Db, sql: &'static str) -> i64 {
    sqlx::query_scalar(db.sql(sql))
        .fetch_one(db.pool())
        .await
        .unwrap()
}
