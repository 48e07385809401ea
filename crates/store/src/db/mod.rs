//! The relational database: one connection pool over SQLite, PostgreSQL or MySQL/MariaDB
//! (sqlx's `Any` driver), the embedded migrations (`migrations.rs`), and the few helpers that hide
//! where the dialects differ (placeholders, upserts, returning new ids).
//!
//! Queries are written once with `?` placeholders; [`Db::sql`] rewrites them to `$1, $2…` for
//! PostgreSQL. Column types stay within what `Any` decodes on every backend: integers (times are
//! Unix epoch seconds, flags 0/1), doubles, text and blobs.

pub mod admin;
pub mod catalogue;
pub mod enrichment;
pub mod keywords;
mod migrations;
pub mod model_versions;
pub mod movie_lists;
pub mod people;
pub mod posts;
pub mod ratings;
pub mod tokens;
pub mod users;

use std::path::PathBuf;
use std::time::Duration;

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, AssertSqlSafe, Connection, SqlSafeStr, SqlStr};

use crate::config::{DatabaseConfig, Dialect};
use crate::error::{Error, Outage, Result, one_line};

/// Pool tuning that callers may override (tests use short timeouts).
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// A flag column (0/1 on every backend) as a bool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Self {
        Flag(value != 0)
    }
}

/// A handle to the database; cheap to clone (the pool is reference-counted).
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    sqlite_file: Option<PathBuf>,
}

/// How each SQLite connection is set up: WAL lets readers run while a writer commits; NORMAL
/// sync is safe with WAL.
const SQLITE_SETUP: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

impl Db {
    /// Connects and checks the connection. Any failure here is a configuration error: the
    /// database is unreachable, the credentials are wrong, or the SQLite folder is unwritable.
    pub async fn connect(config: &DatabaseConfig, settings: &PoolSettings) -> Result<Db> {
        sqlx::any::install_default_drivers();
        if let Some(file) = &config.sqlite_file
            && let Some(dir) = file.parent()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::Config(format!(
                    "cannot create the database folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let dialect = config.dialect;
        let in_memory = dialect == Dialect::Sqlite && config.sqlite_file.is_none();
        let mut options = AnyPoolOptions::new()
            // Each pooled connection to `sqlite::memory:` would get its own empty database.
            .max_connections(if in_memory {
                1
            } else {
                settings.max_connections
            })
            .acquire_timeout(settings.acquire_timeout);
        if in_memory {
            options = options.idle_timeout(None).max_lifetime(None);
        }
        if dialect == Dialect::Sqlite {
            // The pool pings a connection before handing it out, to catch a server that went
            // away: an embedded SQLite connection cannot lose its peer, and the ping is one more
            // round trip to the connection's own thread on every query.
            options = options.test_before_acquire(false);
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::raw_sql(SQLITE_SETUP).execute(&mut *conn).await?;
                    Ok(())
                })
            });
        }
        // One direct connection first, set up as the pool's are: the pool would only report
        // "timed out", not why (a read-only folder, say, where SQLite cannot make its journal).
        let probe = tokio::time::timeout(settings.acquire_timeout, async {
            let mut conn = sqlx::AnyConnection::connect(config.connect_url()).await?;
            if dialect == Dialect::Sqlite {
                sqlx::raw_sql(SQLITE_SETUP).execute(&mut conn).await?;
            }
            Ok::<_, sqlx::Error>(conn)
        })
        .await
        .map_err(|_| format!("no answer within {:?}", settings.acquire_timeout))
        .and_then(|r| r.map_err(|e| e.to_string()));
        match probe {
            Ok(conn) => {
                let _ = conn.close().await;
            }
            Err(why) => {
                return Err(Error::Config(format!(
                    "cannot connect to the database {}: {}",
                    config.redacted(),
                    one_line(&why)
                )));
            }
        }
        let pool = options.connect(config.connect_url()).await.map_err(|e| {
            Error::Config(format!(
                "cannot connect to the database {}: {}",
                config.redacted(),
                one_line(&e.to_string())
            ))
        })?;
        Ok(Db {
            pool,
            dialect,
            sqlite_file: config.sqlite_file.clone(),
        })
    }

    /// Applies the embedded migrations of this dialect that are not applied yet.
    /// Safe to run from several processes at once: PostgreSQL and MySQL take an advisory lock.
    pub async fn migrate(&self) -> Result<()> {
        migrations::migrator(self.dialect).run(&self.pool).await?;
        Ok(())
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<()> {
        // A deleted SQLite file would otherwise go unnoticed: open connections keep the
        // unlinked file alive, and a new connection would silently create an empty database.
        if let Some(file) = &self.sqlite_file
            && !file.exists()
        {
            return Err(Error::Internal(format!(
                "the database file {} is missing",
                file.display()
            )));
        }
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Checks that the database takes writes (for readiness probes): one small update that is
    /// committed, so that a full disk or an unwritable journal shows, not only an unreachable
    /// server.
    pub async fn write_probe(&self) -> Result<()> {
        self.ping().await?;
        sqlx::query(self.sql("UPDATE write_probe SET probed_at = ? WHERE id = 1"))
            .bind(crate::clock::now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting up to the busy timeout): a deferred transaction that reads
    /// before it writes fails at its first write with SQLITE_BUSY_SNAPSHOT, without waiting,
    /// whenever another connection committed in between.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres | Dialect::MySql => self.pool.begin().await?,
        })
    }

    /// The statement for this dialect: `?` placeholders become `$1, $2…` on PostgreSQL.
    pub fn sql(&self, sql: &'static str) -> SqlStr {
        match self.dialect {
            Dialect::Postgres => AssertSqlSafe(numbered_placeholders(sql)).into_sql_str(),
            _ => sql.into_sql_str(),
        }
    }

    /// Like [`Db::sql`] for statements assembled at run time. Only ever pass SQL text built from
    /// constants; values go in as bound arguments.
    pub fn sql_owned(&self, sql: String) -> SqlStr {
        match self.dialect {
            Dialect::Postgres => AssertSqlSafe(numbered_placeholders(&sql)).into_sql_str(),
            _ => AssertSqlSafe(sql).into_sql_str(),
        }
    }

    /// The clause that turns an `INSERT` into an upsert: on a conflict over `key` columns, the
    /// `update` columns take the new row's values.
    pub fn upsert_clause(&self, key: &[&str], update: &[&str]) -> String {
        match self.dialect {
            Dialect::Sqlite | Dialect::Postgres => {
                let sets: Vec<String> = update
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                if sets.is_empty() {
                    format!(" ON CONFLICT ({}) DO NOTHING", key.join(", "))
                } else {
                    format!(
                        " ON CONFLICT ({}) DO UPDATE SET {}",
                        key.join(", "),
                        sets.join(", ")
                    )
                }
            }
            Dialect::MySql => {
                // MySQL has no "do nothing": assigning a key column to itself is the idiom.
                let sets: Vec<String> = if update.is_empty() {
                    vec![format!("{0} = {0}", key[0])]
                } else {
                    update
                        .iter()
                        .map(|c| format!("{c} = VALUES({c})"))
                        .collect()
                };
                format!(" ON DUPLICATE KEY UPDATE {}", sets.join(", "))
            }
        }
    }

    /// Runs an `INSERT` (written without `RETURNING`) into a table whose key is an
    /// auto-generated `id`, and returns the new id.
    /// `executor` is the pool or a transaction.
    pub async fn insert_returning_id<'c, E>(
        &self,
        executor: E,
        insert: &'static str,
        args: AnyArguments,
    ) -> Result<i64>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        match self.dialect {
            Dialect::MySql => {
                let done: AnyQueryResult = sqlx::query_with(insert, args).execute(executor).await?;
                done.last_insert_id()
                    .ok_or_else(|| Error::Internal("the database returned no new id".into()))
            }
            _ => {
                // All rows, not the first: SQLite commits an autocommit statement when it is
                // stepped to its end, and a commit that fails (a full disk, an unwritable
                // journal) only shows there; taking the first row would report a new id for a
                // row that was never written.
                let sql = self.sql_owned(format!("{insert} RETURNING id"));
                let ids: Vec<i64> = sqlx::query_scalar_with(sql, args)
                    .fetch_all(executor)
                    .await?;
                ids.first()
                    .copied()
                    .ok_or_else(|| Error::Internal("the database returned no new id".into()))
            }
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Rewrites `?` placeholders to `$1, $2…`, leaving quoted strings and identifiers alone.
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '?' => {
                    n += 1;
                    out.push('$');
                    out.push_str(&n.to_string());
                }
                _ => out.push(c),
            },
        }
    }
    out
}

/// Whether `e` says the database itself is failing (unreachable, shutting down, overloaded,
/// locked past the busy timeout, out of space) rather than refusing this query.
pub fn outage(e: &sqlx::Error) -> Option<Outage> {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => Some(Outage::Down),
        sqlx::Error::Io(io) => Some(Outage::of_io(io).unwrap_or(Outage::Down)),
        sqlx::Error::Database(d) => {
            let code = d.code()?;
            let dialect = if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                Dialect::Sqlite
            } else if d
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                Dialect::Postgres
            } else {
                Dialect::MySql
            };
            outage_code(dialect, &code)
        }
        _ => None,
    }
}

/// The outage a backend's error code means: SQLite's (extended) result codes, PostgreSQL's
/// SQLSTATEs, MySQL's error numbers.
fn outage_code(dialect: Dialect, code: &str) -> Option<Outage> {
    match dialect {
        // The primary code is the low byte: FULL; BUSY, LOCKED, IOERR, CANTOPEN.
        Dialect::Sqlite => match code.parse::<u32>().ok()? & 0xff {
            13 => Some(Outage::Full),
            5 | 6 | 10 | 14 => Some(Outage::Down),
            _ => None,
        },
        // disk_full; connection exceptions, insufficient resources, operator intervention.
        Dialect::Postgres => match code {
            "53100" => Some(Outage::Full),
            c if c.starts_with("08") || c.starts_with("53") || c.starts_with("57P") => {
                Some(Outage::Down)
            }
            _ => None,
        },
        // ER_RECORD_FILE_FULL, ER_DISK_FULL; too many connections, shutdown in progress, lock
        // wait timeout, server gone away, lost connection.
        Dialect::MySql => match code {
            "1114" | "1021" => Some(Outage::Full),
            "1040" | "1053" | "1205" | "2006" | "2013" => Some(Outage::Down),
            _ => None,
        },
    }
}

/// Bound parameters per statement: below SQLite's old 999 limit and far below the others'.
pub(crate) const MAX_PARAMS: usize = 900;

/// The rows of `select` for every one of `ids`: `select` has `{}` where the `IN` list goes, and
/// is run once per chunk of ids that fits under every backend's limit on bound parameters.
/// `conn` is a pooled connection or a transaction's.
pub(crate) async fn fetch_in<T>(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    select: &str,
    ids: &[i64],
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_PARAMS) {
        let sql = select.replacen("{}", &vec!["?"; chunk.len()].join(", "), 1);
        let mut query = sqlx::query_as(db.sql_owned(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// How many rows a table has (`table` is one of the schema's, never user input).
pub async fn count_rows(db: &Db, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    Ok(sqlx::query_scalar(db.sql_owned(sql))
        .fetch_one(db.pool())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered_placeholders("SELECT * FROM t WHERE a = ? AND b = '?' AND \"c?\" = ?"),
            "SELECT * FROM t WHERE a = $1 AND b = '?' AND \"c?\" = $2"
        );
        assert_eq!(numbered_placeholders("SELECT 1"), "SELECT 1");
        // '' is an escaped quote inside a string: the string goes on.
        assert_eq!(
            numbered_placeholders("SELECT 'it''s ?', ?"),
            "SELECT 'it''s ?', $1"
        );
    }

    #[test]
    fn outage_codes_per_backend() {
        use Dialect::*;
        assert_eq!(outage_code(Sqlite, "13"), Some(Outage::Full));
        assert_eq!(outage_code(Sqlite, "517"), Some(Outage::Down)); // BUSY_SNAPSHOT
        assert_eq!(outage_code(Sqlite, "2067"), None); // CONSTRAINT_UNIQUE: the request's fault
        assert_eq!(outage_code(Postgres, "53100"), Some(Outage::Full));
        assert_eq!(outage_code(Postgres, "57P01"), Some(Outage::Down));
        assert_eq!(outage_code(Postgres, "08006"), Some(Outage::Down));
        assert_eq!(outage_code(Postgres, "23505"), None);
        assert_eq!(outage_code(MySql, "1114"), Some(Outage::Full));
        assert_eq!(outage_code(MySql, "1040"), Some(Outage::Down));
        assert_eq!(outage_code(MySql, "1062"), None);
        assert_eq!(outage(&sqlx::Error::PoolTimedOut), Some(Outage::Down));
        assert_eq!(outage(&sqlx::Error::RowNotFound), None);
    }

    /// A SQLite database in a temporary folder (kept while the folder lives).
    async fn temp_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let config = DatabaseConfig::parse("sqlite://t.db", dir.path()).unwrap();
        let db = Db::connect(&config, &PoolSettings::default())
            .await
            .unwrap();
        (dir, db)
    }

    /// A transaction that reads, then writes after another connection committed, used to fail
    /// at once with SQLITE_BUSY_SNAPSHOT (an admin deleting a user while a training stored its
    /// model version); `Db::begin` takes the write lock up front so it waits its turn instead.
    #[tokio::test]
    async fn a_read_then_write_transaction_survives_a_concurrent_commit() {
        let (_dir, db) = temp_db().await;
        sqlx::raw_sql("CREATE TABLE t (n INTEGER)")
            .execute(db.pool())
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        // Another connection writes meanwhile: it waits for the transaction's lock.
        let other = {
            let db = db.clone();
            tokio::spawn(async move {
                sqlx::query("INSERT INTO t (n) VALUES (2)")
                    .execute(db.pool())
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        other.await.unwrap().unwrap();
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!((before, after), (0, 2));
    }

    /// An insert whose commit fails (SQLite checks a deferred foreign key at commit, as a full
    /// disk or an unwritable journal fail there) is an error, not a new id for a row that was
    /// never written.
    #[tokio::test]
    async fn an_insert_whose_commit_fails_reports_the_failure() {
        let (_dir, db) = temp_db().await;
        sqlx::raw_sql(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY); \
             CREATE TABLE child (id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER \
             REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        let insert = |parent: i64| {
            let mut args = AnyArguments::default();
            sqlx::Arguments::add(&mut args, parent).unwrap();
            db.insert_returning_id(db.pool(), "INSERT INTO child (parent) VALUES (?)", args)
        };
        assert!(
            insert(7).await.is_err(),
            "the commit failed, yet an id came back"
        );
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM child")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(rows, 0);
        sqlx::query("INSERT INTO parent (id) VALUES (7)")
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(insert(7).await.unwrap(), 1);
    }

    /// A database that takes reads but refuses writes fails the write probe, not the ping.
    #[tokio::test]
    async fn the_write_probe_sees_a_database_that_refuses_writes() {
        let (_dir, db) = temp_db().await;
        db.migrate().await.unwrap();
        db.write_probe().await.unwrap();
        sqlx::raw_sql(
            "CREATE TRIGGER refuse BEFORE UPDATE ON write_probe \
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
        )
        .execute(db.pool())
        .await
        .unwrap();
        db.ping().await.unwrap();
        assert!(db.write_probe().await.is_err());
    }
}
