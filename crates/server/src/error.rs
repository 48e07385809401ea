//! The server crate's error type and how each kind maps to a process exit code.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad or unusable configuration: unknown URL scheme, unreachable database, unwritable folder.
    #[error("{0}")]
    Config(String),

    /// Input that the user can correct (a CLI argument, a password that breaks the rules).
    #[error("{0}")]
    Invalid(String),

    /// The thing being created exists already, or a name fits several things.
    #[error("{0}")]
    Conflict(String),

    #[error("{0}")]
    NotFound(String),

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("object storage error: {0}")]
    Storage(#[from] object_store::Error),

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Exit code for the CLI: 2 for configuration problems (as for usage errors), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) => 2,
            _ => 1,
        }
    }
}
