//! `nextflex serve`: start-up (configuration, database, migrations, storage), the HTTP server,
//! and graceful shutdown on SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::config::{DatabaseConfig, StorageConfig};
use crate::db::{Db, PoolSettings};
use crate::error::{Error, Result};
use crate::http::{self, ApiContext};
use crate::secrets;
use crate::storage::Storage;

pub struct ServeSettings {
    pub addr: SocketAddr,
    pub database: DatabaseConfig,
    pub storage: StorageConfig,
    /// `NEXTFLEX_JWT_SECRET`; unset: generated once and kept in `data_dir`.
    pub jwt_secret: Option<String>,
    pub data_dir: PathBuf,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

/// Starts the server. Every configuration check runs before the first log line, so that a bad
/// setting ends with nothing on stderr but its one-line error.
pub async fn run(settings: ServeSettings) -> Result<()> {
    let db = Db::connect(&settings.database, &PoolSettings::default()).await?;
    db.migrate().await?;
    let storage = Storage::open(&settings.storage).await?;
    let jwt_secret = secrets::jwt_secret(settings.jwt_secret, &settings.data_dir)?;
    let listener = TcpListener::bind(settings.addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", settings.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(format!("cannot read the listening address: {e}")))?;
    tracing::info!(database = %settings.database.redacted(), "database ready");
    tracing::info!(storage = storage.description(), "object storage ready");
    tracing::info!(%addr, "listening on http://{addr}");

    let ctx = ApiContext {
        db: db.clone(),
        storage,
        jwt_secret: Arc::new(jwt_secret),
    };
    serve(
        listener,
        http::router(ctx),
        shutdown_signal(),
        settings.shutdown_grace,
    )
    .await?;
    db.close().await;
    tracing::info!("shut down");
    Ok(())
}

/// Serves `app` until `shutdown` resolves, then stops accepting connections and lets in-flight
/// requests finish, for at most `grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> Result<()> {
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = signalled_tx.send(());
    });
    let deadline = async move {
        // A dropped sender means the server ended before any signal: wait forever.
        if signalled_rx.await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server.into_future() => result.map_err(|e| Error::Internal(format!("the HTTP server failed: {e}"))),
        () = deadline => {
            tracing::warn!(?grace, "requests still running after the grace period; stopping anyway");
            Ok(())
        }
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
