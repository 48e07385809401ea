//! `nextflex serve`: start-up (configuration, database, migrations, storage), the HTTP server,
//! and graceful shutdown on SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::connections::{self, ConnectionSettings, Tracker};
use crate::http::{self, ApiContext, ApiSettings};
use nextflex_app::model_versions::Models;
use nextflex_app::recommender::{RecommenderSettings, SharedRecommender};
use nextflex_app::secrets;
use nextflex_store::config::{DatabaseConfig, StorageConfig};
use nextflex_store::db::{Db, PoolSettings};
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;

pub struct ServeSettings {
    pub addr: SocketAddr,
    /// Where `GET /metrics` is served instead of `addr`; `None`: on `addr`.
    pub metrics_addr: Option<SocketAddr>,
    pub database: DatabaseConfig,
    /// The database pool, with how long a request waits for a connection.
    pub pool: PoolSettings,
    pub storage: StorageConfig,
    /// `NEXTFLEX_JWT_SECRET`; unset: generated once and kept in `data_dir`.
    pub jwt_secret: Option<String>,
    pub data_dir: PathBuf,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// Dataset folder to import when the catalogue is empty; `None`: never.
    pub demo: Option<PathBuf>,
    /// How connections are held: the header timeout, how many at once.
    pub connections: ConnectionSettings,
    pub api: ApiSettings,
    pub recommender: RecommenderSettings,
    /// Checks for a version another replica trained; zero: never.
    pub model_poll_interval: Duration,
    /// Scheduled retraining; zero: only on demand.
    pub retrain_interval: Duration,
    /// Background TMDB enrichment; `None`: off.
    pub enrich: Option<nextflex_app::enrich::Schedule>,
}

/// Starts the server. Every configuration check runs before the first log line, so that a bad
/// setting ends with nothing on stderr but its one-line error.
pub async fn run(settings: ServeSettings) -> Result<()> {
    let shutdown = shutdown_signal()?;
    let db = Db::connect(&settings.database, &settings.pool).await?;
    db.migrate().await?;
    let storage = Storage::open(&settings.storage).await?;
    let jwt_secret = secrets::jwt_secret(settings.jwt_secret, &settings.data_dir)?;
    let listener = TcpListener::bind(settings.addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", settings.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::internal("cannot read the listening address", e))?;
    let metrics_listener =
        match settings.metrics_addr {
            Some(at) => Some(TcpListener::bind(at).await.map_err(|e| {
                Error::Config(format!("cannot listen on {at} for the metrics: {e}"))
            })?),
            None => None,
        };
    tracing::info!(database = %settings.database.redacted(), "database ready");
    tracing::info!(storage = storage.description(), "object storage ready");
    if let Some(demo) = &settings.demo {
        import_demo(&db, &storage, demo).await?;
    }
    let models = Models::new(
        db.clone(),
        storage.clone(),
        Arc::new(SharedRecommender::default()),
        settings.recommender.clone(),
    );
    // The active version when there is one; otherwise a first training in the background.
    models.start(false).await?;
    if !settings.model_poll_interval.is_zero() {
        models.poll(settings.model_poll_interval);
    }
    if !settings.retrain_interval.is_zero() {
        models.schedule(settings.retrain_interval);
    }
    if let Some(schedule) = settings.enrich {
        let key = settings.api.tmdb_api_key.as_ref();
        nextflex_app::enrich::schedule(
            db.clone(),
            key,
            &settings.api.tmdb_api_url,
            schedule,
            Arc::clone(&models),
        )?;
    }
    let ctx = ApiContext::new(db.clone(), storage, &jwt_secret, models, &settings.api).await?;
    tracing::info!(%addr, "listening on http://{addr}");
    // The metrics' own listener: scrapes are short, so it simply stops with the process.
    let metrics_server = match metrics_listener {
        Some(listener) => {
            let at = listener
                .local_addr()
                .map_err(|e| Error::internal("cannot read the metrics address", e))?;
            tracing::info!(%at, "metrics on http://{at}/metrics");
            let app = http::metrics_router(ctx.clone());
            Some(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "the metrics server failed");
                }
            }))
        }
        None => None,
    };

    let served = serve(
        listener,
        http::router(ctx),
        shutdown,
        settings.shutdown_grace,
        settings.connections,
    )
    .await;
    if let Some(task) = metrics_server {
        task.abort();
    }
    served?;
    // Closing the pool waits for every connection to come back: a background task (a training,
    // an enrichment run) may hold one for long, and a stop must not wait for it.
    if tokio::time::timeout(DB_CLOSE_WAIT, db.close())
        .await
        .is_err()
    {
        tracing::warn!(wait = ?DB_CLOSE_WAIT, "a database connection was still in use; stopping anyway");
    }
    tracing::info!("shut down");
    Ok(())
}

/// How long a stop waits for the database connections still in use to come back.
const DB_CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Imports the demo dataset into an empty catalogue, so that a fresh install shows real movies.
///
/// An import writes the catalogue (one transaction), then each ratings dataset, and records
/// each dataset last: a catalogue whose recorded datasets are only some of the demo's (none, or
/// fewer than it holds) is an import that stopped before it was done (a crash, a kill), and it
/// is done again, with a warning, rather than served without ratings for good. Importing is
/// idempotent, so doing it again ends as a clean start does. A catalogue with datasets the demo
/// does not hold is an operator's own and is left alone (as is any with `--no-demo`).
async fn import_demo(db: &Db, storage: &Storage, demo: &std::path::Path) -> Result<()> {
    let movies = nextflex_store::db::count_rows(db, "movies").await?;
    let recorded: Vec<String> = nextflex_store::db::ratings::datasets(db)
        .await?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    if !demo.is_dir() {
        if recorded.is_empty() {
            tracing::warn!(path = %demo.display(), "the catalogue has no ratings dataset and there is no demo dataset here; run `nextflex import`");
        }
        return Ok(());
    }
    let paths = [demo.to_path_buf()];
    let wanted = nextflex_app::dataset_import::ratings_dataset_names(&paths)?;
    let missing: Vec<&String> = wanted.iter().filter(|w| !recorded.contains(w)).collect();
    let unfinished = !missing.is_empty() && recorded.iter().all(|r| wanted.contains(r));
    if movies > 0 && !unfinished {
        return Ok(());
    }
    if movies > 0 {
        tracing::warn!(path = %demo.display(), movies, ?missing, "the demo's ratings datasets are not all recorded: an earlier import stopped before it was done; importing the demo dataset again");
    } else {
        tracing::info!(path = %demo.display(), "the catalogue is empty: importing the demo dataset");
    }
    let summary = nextflex_app::dataset_import::import(db, storage, &paths, false).await?;
    tracing::info!(
        movies = summary.movies,
        seconds = summary.seconds,
        "demo dataset imported"
    );
    Ok(())
}

/// Serves `app` until `shutdown` resolves, then stops accepting connections and lets in-flight
/// requests finish, for at most `grace`.
///
/// The accept loop is hyper-util's rather than `axum::serve`'s, for what axum does not expose:
/// a connection must send a whole request head within the header timeout (also when it waits
/// between keep-alive requests), or it is closed, so that clients that open connections and
/// stay silent cannot hold them (and the process's file descriptors) for good; and at most
/// `max_connections` are open at once, the longest-idle closed to make room for a new one (see
/// [`connections`]). An accept that fails all the same (no file descriptor left) is retried
/// after a pause instead of ending the server.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
    settings: ConnectionSettings,
) -> Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;
    use tower_http::add_extension::AddExtension;

    let header_timeout = settings.header_timeout;
    let tracker = Tracker::new(settings.max_connections);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    // Tells connections still waiting for their first byte that the server is stopping: they
    // hold a graceful-shutdown watcher, and would hold the stop for as long as they wait.
    let (stopping, stop) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = tracker.room() => {}
            () = &mut shutdown => break,
        }
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = tracker.admit() else {
            tracing::debug!(%peer, "every connection is busy: turning one away");
            connections::turn_away(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The client's address, as axum's `ConnectInfo` extractor reads it (the rate limits);
        // each request marks the connection busy until its response starts.
        let connection = Arc::clone(&place);
        let service = TowerToHyperService::new(ServiceExt::<
            axum::http::Request<hyper::body::Incoming>,
        >::map_future(
            AddExtension::new(app.clone(), axum::extract::ConnectInfo(peer)),
            move |response| {
                let busy = connection.busy();
                async move {
                    let response = response.await;
                    drop(busy);
                    response
                }
            },
        ));
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            // hyper's timer starts with a request head, after the first bytes tell HTTP/1 from
            // HTTP/2: a connection that sends nothing at all is closed here after the same time,
            // or at once when the server stops.
            let mut first = [0u8; 1];
            tokio::select! {
                peeked = tokio::time::timeout(header_timeout, stream.peek(&mut first)) => {
                    match peeked {
                        Ok(Ok(read)) if read > 0 => {}
                        _ => return,
                    }
                }
                _ = stop.changed() => return,
                () = place.evicted() => return,
            }
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::select! {
                served = watcher.watch(connection.into_owned()) => {
                    if let Err(e) = served {
                        tracing::debug!(error = %e, "a connection ended with an error");
                    }
                }
                () = place.evicted() => {
                    tracing::debug!(%peer, "closing an idle connection to make room for another");
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    tracker.close_idle();
    tracing::info!("shutting down: finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(grace) => {
            tracing::warn!(?grace, "requests still running after the grace period; stopping anyway");
            Ok(())
        }
    }
}

/// A future that resolves on SIGTERM or Ctrl-C (SIGINT). The handlers are installed here, at
/// once: a signal that arrives before the future is first polled still counts, instead of
/// killing the process the default way.
pub fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let install = |kind| signal(kind).map_err(|e| Error::internal("cannot listen for signals", e));
    let mut term = install(SignalKind::terminate())?;
    let mut interrupt = install(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}
