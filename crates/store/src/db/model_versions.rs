//! Model versions as recorded: every build of the recommenders, with its parameters, what it was
//! built from, its held-out metrics and timings, and which one is active.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{Db, Flag};
use crate::clock::now;
use crate::error::{Error, Result};

/// Where a build is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    Training,
    Ready,
    Failed,
}

impl VersionStatus {
    fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Training => "training",
            VersionStatus::Ready => "ready",
            VersionStatus::Failed => "failed",
        }
    }
}

impl std::fmt::Display for VersionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for VersionStatus {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        [
            VersionStatus::Training,
            VersionStatus::Ready,
            VersionStatus::Failed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| Error::Internal(format!("model_versions.status {s:?} is unknown")))
    }
}

/// What a version was built from (empty until it is built).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ModelDataSizes)]
pub struct DataSizes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub dataset_ratings: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub app_ratings: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub users: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub movies: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rated_movies: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub artifact_bytes: Option<u64>,
}

/// Held-out metrics (once built, when there were ratings to hold out): RMSE and MAE of the
/// rating model, P@10, recall@10, NDCG@10 and coverage of the ranking model's top-10 lists,
/// NDCG@10 of most-popular-first for comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ModelMetrics)]
pub struct Metrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub rmse: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub mae: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub precision_at_10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub recall_at_10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub ndcg_at_10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub coverage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub popularity_ndcg_at_10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub test_pairs: Option<u64>,
}

/// Seconds a build took (once built).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ModelTimings)]
pub struct Timings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub fit_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub total_seconds: Option<f64>,
}

/// A recorded model version: a build of the charts, similar lists and models.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema, sqlx::FromRow)]
#[schema(as = ModelVersion)]
pub struct Version {
    pub version: String,
    #[sqlx(try_from = "String")]
    pub status: VersionStatus,
    #[sqlx(rename = "is_active", try_from = "i64")]
    #[schema(value_type = bool)]
    pub active: Flag,
    pub trained_by: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    /// The build's settings (ALS rank, iterations, regularisation, seed, chart percentile, …).
    #[sqlx(try_from = "String")]
    #[schema(value_type = Object)]
    pub params: JsonColumn<Value>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = DataSizes)]
    pub data_sizes: JsonColumn<DataSizes>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Metrics)]
    pub metrics: JsonColumn<Metrics>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Timings)]
    pub timings: JsonColumn<Timings>,
    pub error: Option<String>,
}

/// A TEXT column holding JSON (what `Any` can store on every backend), read into `T`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct JsonColumn<T>(pub T);

impl<T: serde::de::DeserializeOwned> TryFrom<String> for JsonColumn<T> {
    type Error = serde_json::Error;

    fn try_from(text: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&text).map(JsonColumn)
    }
}

const COLUMNS: &str = "SELECT version, status, is_active, trained_by, created_at, finished_at, \
     params, data_sizes, metrics, timings, error FROM model_versions";

/// One recorded version.
pub async fn get(db: &Db, version: &str) -> Result<Version> {
    sqlx::query_as(db.sql_owned(format!("{COLUMNS} WHERE version = ?")))
        .bind(version)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("no model version {version}")))
}

/// The recorded versions, newest first.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<Version>> {
    Ok(sqlx::query_as(db.sql_owned(format!(
        "{COLUMNS} ORDER BY created_at DESC, id DESC LIMIT ?"
    )))
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Records a build that has started.
pub async fn start(db: &Db, version: &str, trained_by: &str, params: &Value) -> Result<()> {
    sqlx::query(db.sql(
        "INSERT INTO model_versions (version, status, is_active, trained_by, params, \
         data_sizes, metrics, timings, artifact_prefix, created_at) \
         VALUES (?, 'training', 0, ?, ?, '{}', '{}', '{}', '', ?)",
    ))
    .bind(version)
    .bind(trained_by)
    .bind(params.to_string())
    .bind(now())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What a finished build records.
pub struct Built<'a> {
    /// The parameters the models were fitted with (tuning chooses them during the build).
    pub params: &'a Value,
    pub data_sizes: &'a DataSizes,
    pub metrics: &'a Metrics,
    pub timings: &'a Timings,
    pub artifact_prefix: &'a str,
    pub checksum: &'a str,
}

/// Records a build as ready and makes it the active version, in one transaction.
pub async fn activate(db: &Db, version: &str, built: &Built<'_>) -> Result<()> {
    let json = |v: Result<String, serde_json::Error>| {
        v.map_err(|e| Error::internal("writing a model version's record", e))
    };
    let (params, data_sizes, metrics, timings) = (
        json(serde_json::to_string(built.params))?,
        json(serde_json::to_string(built.data_sizes))?,
        json(serde_json::to_string(built.metrics))?,
        json(serde_json::to_string(built.timings))?,
    );
    let mut tx = db.begin().await?;
    sqlx::query(db.sql("UPDATE model_versions SET is_active = 0 WHERE is_active = 1"))
        .execute(&mut *tx)
        .await?;
    sqlx::query(db.sql(
        "UPDATE model_versions SET status = 'ready', is_active = 1, params = ?, data_sizes = ?, \
         metrics = ?, timings = ?, artifact_prefix = ?, checksum = ?, finished_at = ? \
         WHERE version = ?",
    ))
    .bind(params)
    .bind(data_sizes)
    .bind(metrics)
    .bind(timings)
    .bind(built.artifact_prefix)
    .bind(built.checksum)
    .bind(now())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a build as failed, with why.
pub async fn fail(db: &Db, version: &str, error: &str) -> Result<()> {
    sqlx::query(db.sql(
        "UPDATE model_versions SET status = 'failed', error = ?, finished_at = ? \
         WHERE version = ?",
    ))
    .bind(error)
    .bind(now())
    .bind(version)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Proves that `version`'s training is alive (see [`abandoned`]).
pub async fn heartbeat(db: &Db, version: &str) -> Result<()> {
    sqlx::query(db.sql(
        "UPDATE model_versions SET heartbeat_at = ? WHERE version = ? AND status = 'training'",
    ))
    .bind(now())
    .bind(version)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Versions still "training" whose last sign of life (heartbeat, or start) is older than
/// `lease_seconds`: their trainer died.
pub async fn abandoned(db: &Db, lease_seconds: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(db.sql(
        "SELECT version FROM model_versions WHERE status = 'training' \
         AND COALESCE(heartbeat_at, created_at) < ? ORDER BY created_at",
    ))
    .bind(now() - lease_seconds)
    .fetch_all(db.pool())
    .await?)
}

/// Records an abandoned training as failed, unless it came back to life meanwhile; whether it
/// was.
pub async fn fail_abandoned(
    db: &Db,
    version: &str,
    lease_seconds: i64,
    error: &str,
) -> Result<bool> {
    let done = sqlx::query(db.sql(
        "UPDATE model_versions SET status = 'failed', error = ?, finished_at = ? \
         WHERE version = ? AND status = 'training' AND COALESCE(heartbeat_at, created_at) < ?",
    ))
    .bind(error)
    .bind(now())
    .bind(version)
    .bind(now() - lease_seconds)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The version marked active, if any.
pub async fn active(db: &Db) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(db.sql(
        "SELECT version FROM model_versions WHERE is_active = 1 AND status = 'ready' \
         ORDER BY finished_at DESC LIMIT 1",
    ))
    .fetch_optional(db.pool())
    .await?)
}

/// When the newest version was started (Unix seconds), if there is one.
pub async fn newest_created_at(db: &Db) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar(db.sql("SELECT MAX(created_at) FROM model_versions"))
            .fetch_one(db.pool())
            .await?,
    )
}
