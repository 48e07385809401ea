//! The error type of every layer above the engine and the data readers, and how each kind maps
//! to a process exit code. It lives here, in the lowest crate that fails at run time, and the
//! services and the binary return it too: a database or storage failure stays the same value from
//! the query to the HTTP answer (503/507) or the CLI's exit code, with one mapping for each.

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

    /// Something that should not fail did, with the error that says why.
    #[error("{context}: {source}")]
    Failed {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// How a dependency (the database, the object storage) is failing, when the failure is the
/// dependency's and not the request's: the API answers 503 for `Down` and 507 for `Full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// Unreachable, refusing connections, or too slow to hand out a connection.
    Down,
    /// Out of space.
    Full,
}

impl Outage {
    /// The outage an I/O error somewhere in `error`'s source chain means, if any.
    pub fn of_io(error: &(dyn std::error::Error + 'static)) -> Option<Outage> {
        use std::io::ErrorKind;
        let mut next = Some(error);
        while let Some(e) = next {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                return match io.kind() {
                    ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Some(Outage::Full),
                    ErrorKind::PermissionDenied
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::NotADirectory
                    | ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::BrokenPipe
                    | ErrorKind::TimedOut
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable => Some(Outage::Down),
                    _ => None,
                };
            }
            next = e.source();
        }
        None
    }
}

/// Dataset problems (a missing folder, a bad row in strict mode) are the user's to fix.
impl From<nextflex_data::sources::DataError> for Error {
    fn from(e: nextflex_data::sources::DataError) -> Self {
        Error::Invalid(e.to_string())
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// `context` (what was being done) failed with `source`, which the error keeps.
    pub fn internal(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Failed {
            context: context.into(),
            source: source.into(),
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

/// An error message on one line: drivers' messages can span several, and a CLI error or a
/// recorded failure must not.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line("a\n  b\tc "), "a b c");
    }
}
