//! Configuration values: the database and storage URLs, paths and secrets that flags and
//! `NEXTFLEX_*` variables give, parsed and validated once so the rest of the program can trust them.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Which SQL dialect a database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    MySql,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }
}

/// A validated database location.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseConfig {
    pub dialect: Dialect,
    /// The URL handed to sqlx: for SQLite an absolute path that is created if missing.
    url: String,
    /// The SQLite database file, `None` for an in-memory database and the network backends.
    pub sqlite_file: Option<PathBuf>,
}

impl DatabaseConfig {
    /// Parses `sqlite://PATH`, `sqlite::memory:`, `postgres://…`/`postgresql://…` and
    /// `mysql://…`/`mariadb://…`. Relative SQLite paths resolve against `cwd`.
    pub fn parse(raw: &str, cwd: &Path) -> Result<Self> {
        let raw = raw.trim();
        let scheme = raw
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => Self::parse_sqlite(&raw["sqlite:".len()..], cwd),
            "postgres" | "postgresql" => {
                check_url(raw, "database")?;
                Ok(DatabaseConfig {
                    dialect: Dialect::Postgres,
                    url: raw.to_string(),
                    sqlite_file: None,
                })
            }
            "mysql" | "mariadb" => {
                check_url(raw, "database")?;
                Ok(DatabaseConfig {
                    dialect: Dialect::MySql,
                    url: format!("mysql:{}", &raw[scheme.len() + 1..]),
                    sqlite_file: None,
                })
            }
            _ => Err(Error::Config(format!(
                "unsupported database URL {:?}: expected sqlite://PATH, postgres://… or mysql://…",
                redact(raw)
            ))),
        }
    }

    fn parse_sqlite(rest: &str, cwd: &Path) -> Result<Self> {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path == ":memory:" {
            return Ok(DatabaseConfig {
                dialect: Dialect::Sqlite,
                url: "sqlite::memory:".into(),
                sqlite_file: None,
            });
        }
        if path.is_empty() {
            return Err(Error::Config(
                "the sqlite database URL has no file path (expected sqlite://PATH)".into(),
            ));
        }
        let file = cwd.join(path);
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        if !params.iter().any(|p| p.starts_with("mode=")) {
            params.push("mode=rwc");
        }
        let url = format!(
            "sqlite://{}?{}",
            escape_path(&file.to_string_lossy()),
            params.join("&")
        );
        Ok(DatabaseConfig {
            dialect: Dialect::Sqlite,
            url,
            sqlite_file: Some(file),
        })
    }

    /// The URL to connect with. It may hold a password: never log it, log [`Self::redacted`].
    pub fn connect_url(&self) -> &str {
        &self.url
    }

    /// The URL with any password replaced by `***`, for logs and error messages.
    pub fn redacted(&self) -> String {
        redact(&self.url)
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Where objects (datasets, models, images) are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageConfig {
    /// A local folder, created if missing.
    Local(PathBuf),
    /// Process memory: gone when the process ends (tests, experiments).
    Memory,
    S3(S3Config),
}

/// Settings for S3 and S3-compatible servers (MinIO, Ceph, moto…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// Key prefix inside the bucket, without leading or trailing `/`; may be empty.
    pub prefix: String,
    /// Custom endpoint, e.g. `http://127.0.0.1:9000`; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    /// Path-style addressing (`endpoint/bucket/key`), which MinIO-like servers need.
    pub path_style: bool,
    pub credentials: Option<S3Credentials>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

/// S3 settings that come from flags or the environment rather than from the storage URL.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub path_style: Option<bool>,
    pub credentials: Option<S3Credentials>,
}

impl S3Options {
    /// Region and credentials from the usual AWS variables.
    pub fn aws_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let credentials = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret)) => Some(S3Credentials {
                access_key_id,
                secret_access_key: Secret::new(secret),
                session_token: var("AWS_SESSION_TOKEN").map(Secret::new),
            }),
            _ => None,
        };
        S3Options {
            endpoint: None,
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            path_style: None,
            credentials,
        }
    }
}

impl StorageConfig {
    /// Parses `file://PATH`, `memory://` and `s3://BUCKET[/PREFIX]`. Relative paths resolve
    /// against `cwd`.
    pub fn parse(raw: &str, cwd: &Path, s3: S3Options) -> Result<Self> {
        let raw = raw.trim();
        if let Some(path) = raw.strip_prefix("file://") {
            if path.is_empty() {
                return Err(Error::Config(
                    "the file storage URL has no folder (expected file://PATH)".into(),
                ));
            }
            return Ok(StorageConfig::Local(cwd.join(path)));
        }
        if raw == "memory://" || raw == "memory:" {
            return Ok(StorageConfig::Memory);
        }
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(Error::Config(
                    "the s3 storage URL has no bucket (expected s3://BUCKET/PREFIX)".into(),
                ));
            }
            if let Some(endpoint) = &s3.endpoint {
                check_url(endpoint, "S3 endpoint")?;
            }
            let path_style = s3.path_style.unwrap_or(s3.endpoint.is_some());
            return Ok(StorageConfig::S3(S3Config {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
                endpoint: s3.endpoint,
                region: s3.region.unwrap_or_else(|| "us-east-1".into()),
                path_style,
                credentials: s3.credentials,
            }));
        }
        Err(Error::Config(format!(
            "unsupported storage URL {raw:?}: expected file://PATH, memory:// or s3://BUCKET/PREFIX"
        )))
    }

    /// A description for logs, without credentials.
    pub fn describe(&self) -> String {
        match self {
            StorageConfig::Local(p) => format!("file://{}", p.display()),
            StorageConfig::Memory => "memory://".into(),
            StorageConfig::S3(s3) => format!(
                "s3://{}/{}{}",
                s3.bucket,
                s3.prefix,
                s3.endpoint
                    .as_deref()
                    .map(|e| format!(" at {e}"))
                    .unwrap_or_default()
            ),
        }
    }
}

/// A value that must never reach a log line: `Debug` prints `[redacted]`, and the memory is
/// zeroed when it is dropped (secrecy).
#[derive(Clone)]
pub struct Secret(secrecy::SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(secrecy::SecretString::from(value.into()))
    }

    pub fn expose(&self) -> &str {
        secrecy::ExposeSecret::expose_secret(&self.0)
    }
}

/// Settings compare whole, keys included (tests of the flags and environment do).
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

fn check_url(raw: &str, what: &str) -> Result<()> {
    url::Url::parse(raw)
        .map(|_| ())
        .map_err(|e| Error::Config(format!("invalid {what} URL {:?}: {e}", redact(raw))))
}

/// Replaces the password of a URL with `***`.
pub fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_string(),
    }
}

/// sqlx percent-decodes SQLite paths, so characters with a meaning in URLs are escaped.
fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cwd() -> PathBuf {
        PathBuf::from("/srv/app")
    }

    #[test]
    fn sqlite_relative_path_resolves_against_cwd() {
        let db = DatabaseConfig::parse("sqlite://var/nextflex.db", &cwd()).unwrap();
        assert_eq!(db.dialect, Dialect::Sqlite);
        assert_eq!(
            db.sqlite_file,
            Some(PathBuf::from("/srv/app/var/nextflex.db"))
        );
        assert_eq!(
            db.connect_url(),
            "sqlite:///srv/app/var/nextflex.db?mode=rwc"
        );
    }

    #[test]
    fn sqlite_absolute_path_and_own_mode_are_kept() {
        let db = DatabaseConfig::parse("sqlite:///data/x 1%.db?mode=ro", &cwd()).unwrap();
        assert_eq!(db.sqlite_file, Some(PathBuf::from("/data/x 1%.db")));
        assert_eq!(db.connect_url(), "sqlite:///data/x 1%25.db?mode=ro");
    }

    #[test]
    fn sqlite_memory_and_missing_path() {
        let db = DatabaseConfig::parse("sqlite::memory:", &cwd()).unwrap();
        assert_eq!(db.sqlite_file, None);
        assert!(DatabaseConfig::parse("sqlite://", &cwd()).is_err());
    }

    #[test]
    fn network_databases_and_redaction() {
        let pg = DatabaseConfig::parse("postgresql://u:pw@db:5432/nf", &cwd()).unwrap();
        assert_eq!(pg.dialect, Dialect::Postgres);
        assert_eq!(pg.redacted(), "postgresql://u:***@db:5432/nf");
        assert!(!format!("{pg:?}").contains("pw"));
        let my = DatabaseConfig::parse("mariadb://root@127.0.0.1/test", &cwd()).unwrap();
        assert_eq!(my.dialect, Dialect::MySql);
        assert_eq!(my.connect_url(), "mysql://root@127.0.0.1/test");
    }

    #[test]
    fn unknown_database_scheme_is_a_config_error_without_password() {
        let err = DatabaseConfig::parse("oracle://u:secret@h/db", &cwd()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(msg.contains("unsupported database URL"), "{msg}");
        assert!(!msg.contains("secret"), "{msg}");
    }

    #[test]
    fn storage_urls() {
        assert_eq!(
            StorageConfig::parse("file://var/objects", &cwd(), S3Options::default()).unwrap(),
            StorageConfig::Local(PathBuf::from("/srv/app/var/objects"))
        );
        assert_eq!(
            StorageConfig::parse("file:///abs", &cwd(), S3Options::default()).unwrap(),
            StorageConfig::Local(PathBuf::from("/abs"))
        );
        assert_eq!(
            StorageConfig::parse("memory://", &cwd(), S3Options::default()).unwrap(),
            StorageConfig::Memory
        );
        assert!(StorageConfig::parse("ftp://x", &cwd(), S3Options::default()).is_err());
        assert!(StorageConfig::parse("s3://", &cwd(), S3Options::default()).is_err());
    }

    #[test]
    fn s3_url_with_endpoint_defaults_to_path_style() {
        let opts = S3Options {
            endpoint: Some("http://127.0.0.1:9000".into()),
            ..S3Options::default()
        };
        let StorageConfig::S3(s3) =
            StorageConfig::parse("s3://media/nf/prod/", &cwd(), opts).unwrap()
        else {
            panic!("not s3");
        };
        assert_eq!(s3.bucket, "media");
        assert_eq!(s3.prefix, "nf/prod");
        assert!(s3.path_style);
        assert_eq!(s3.region, "us-east-1");

        let StorageConfig::S3(aws) =
            StorageConfig::parse("s3://media", &cwd(), S3Options::default()).unwrap()
        else {
            panic!("not s3");
        };
        assert!(!aws.path_style);
        assert_eq!(aws.prefix, "");
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "[redacted]");
    }
}
