//! Spark ML's `ALSModel` directory, read and written: what
//! `pyspark.ml.recommendation.ALSModel.save(dir)` leaves and `ALSModel.load(dir)` accepts.
//!
//! ```text
//! dir/
//!   metadata/part-00000…     one JSON line: class, timestamp, sparkVersion, uid, paramMap,
//!                            defaultParamMap, rank
//!   userFactors/part-*.parquet, itemFactors/part-*.parquet
//!                            REQUIRED INT32 id; OPTIONAL group features (LIST) {
//!                            REPEATED group list { REQUIRED FLOAT element } }
//!   */_SUCCESS, */.*.crc     Spark's commit markers and Hadoop's checksums (ignored on read)
//! ```
//!
//! Spark predicts a (user, item) pair as the dot product of the two factor vectors, summed in
//! `f32` in index order, and NaN when either id is unknown (`coldStartStrategy` "nan");
//! [`SparkAls::predict`] does the same and gives `None` for an unknown id.

use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::fs::{self, File};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufRead, BufReader, Read};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use arrow_array::types::Float32Type;
use arrow_array::{Array, ArrayRef, Float32Array, Int32Array, ListArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::arrow_writer::ArrowWriterOptions;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use parquet::file::properties::WriterProperties;
use serde_json::{Map, Value, json};

/// The `class` of an ALS model's metadata line.
pub const ALS_MODEL_CLASS: &str = "org.apache.spark.ml.recommendation.ALSModel";
/// The Spark version written when the model's metadata names none.
pub const DEFAULT_SPARK_VERSION: &str = "4.0.1";

const METADATA: &str = "metadata";
const USER_FACTORS: &str = "userFactors";
const ITEM_FACTORS: &str = "itemFactors";
/// The longest metadata line read (a real one is a few hundred bytes).
const MAX_METADATA_LINE: u64 = 1 << 20;
/// What Spark 4 writes as the `org.apache.spark.sql.parquet.row.metadata` of a factor file: the
/// Catalyst schema (`id` not nullable, `features` nullable with non-null elements).
const SPARK_ROW_METADATA: &str = r#"{"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"features","type":{"type":"array","elementType":"float","containsNull":false},"nullable":true,"metadata":{}}]}"#;

/// What can go wrong reading or writing an ALS model directory. Every variant names the file or
/// folder concerned, apart from [`SparkError::InvalidModel`], which is about the value written.
#[derive(Debug, thiserror::Error)]
pub enum SparkError {
    /// The model directory, or one of its `metadata`, `userFactors`, `itemFactors` folders, is
    /// not there (or not a directory).
    #[error("{}: no such directory", path.display())]
    MissingDir { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The metadata line is missing, not JSON, or lacks a usable `rank`.
    #[error("{}: bad model metadata: {reason}", path.display())]
    BadMetadata { path: PathBuf, reason: String },
    #[error("{}: the model class is {found:?}, not {ALS_MODEL_CLASS:?}", path.display())]
    WrongClass { path: PathBuf, found: String },
    /// Something in a model folder that is neither a data file nor a hidden one (`_SUCCESS`,
    /// `.crc`), such as a subfolder, or a folder with no data file at all.
    #[error("{}: {reason}", path.display())]
    BadLayout { path: PathBuf, reason: String },
    /// Not a readable Parquet file (truncated, corrupt), or one that could not be written.
    #[error("{}: {source}", path.display())]
    Parquet { path: PathBuf, source: ParquetError },
    /// A factor file without an INT32 `id` and a list-of-FLOAT `features` column.
    #[error("{}: {reason}", path.display())]
    BadSchema { path: PathBuf, reason: String },
    #[error("{}: row {row}: {column} is null", path.display())]
    Null {
        path: PathBuf,
        row: usize,
        column: &'static str,
    },
    #[error("{}: id {id} has {len} features, but the model's rank is {rank}", path.display())]
    BadLength {
        path: PathBuf,
        id: i32,
        len: usize,
        rank: usize,
    },
    #[error("{}: id {id} has a non-finite feature ({value})", path.display())]
    NonFinite { path: PathBuf, id: i32, value: f32 },
    #[error("{}: id {id} appears more than once", path.display())]
    DuplicateId { path: PathBuf, id: i32 },
    /// `write_spark_als` into something that exists and is not an empty directory.
    #[error("{}: exists and is not an empty directory", path.display())]
    NotEmpty { path: PathBuf },
    /// A [`SparkAls`] that cannot be written: factor lengths that do not match the ids and the
    /// rank, a duplicate id, a non-finite value.
    #[error("invalid ALS model: {reason}")]
    InvalidModel { reason: String },
}

/// An ALS model: the rank, the user and item ids with their factor vectors (row-major, `rank`
/// floats per id, in the order of the ids), and the metadata line.
#[derive(Debug, Clone, PartialEq)]
pub struct SparkAls {
    pub rank: usize,
    pub user_ids: Vec<i32>,
    /// `user_ids.len() × rank`, row-major.
    pub user_factors: Vec<f32>,
    pub item_ids: Vec<i32>,
    /// `item_ids.len() × rank`, row-major.
    pub item_factors: Vec<f32>,
    /// The metadata line as read, or as [`write_spark_als`] writes it: its `class` and `rank`
    /// are always written from the model, any other key missing is filled in (see
    /// [`default_metadata`]), and the rest is written as it is.
    pub metadata: Value,
}

impl SparkAls {
    /// A model with fresh metadata ([`default_metadata`]: `userCol` "user", `itemCol` "item").
    pub fn new(
        rank: usize,
        user_ids: Vec<i32>,
        user_factors: Vec<f32>,
        item_ids: Vec<i32>,
        item_factors: Vec<f32>,
    ) -> SparkAls {
        SparkAls {
            rank,
            user_ids,
            user_factors,
            item_ids,
            item_factors,
            metadata: default_metadata(rank),
        }
    }

    /// The factor vector of a user, if the model knows it (a linear search; see
    /// [`SparkAls::predictor`] for many look-ups).
    pub fn user_factor(&self, user: i32) -> Option<&[f32]> {
        let i = self.user_ids.iter().position(|&u| u == user)?;
        self.user_factors.get(i * self.rank..(i + 1) * self.rank)
    }

    /// The factor vector of an item, if the model knows it (a linear search).
    pub fn item_factor(&self, item: i32) -> Option<&[f32]> {
        let i = self.item_ids.iter().position(|&m| m == item)?;
        self.item_factors.get(i * self.rank..(i + 1) * self.rank)
    }

    /// Spark's prediction for a pair: the dot product of the two factor vectors, summed in `f32`
    /// in index order as Spark does; `None` where Spark gives NaN (an unknown user or item).
    /// Each call searches the ids linearly; [`SparkAls::predictor`] indexes them once.
    pub fn predict(&self, user: i32, item: i32) -> Option<f32> {
        Some(dot(self.user_factor(user)?, self.item_factor(item)?))
    }

    /// The ids indexed by hash, for many predictions.
    pub fn predictor(&self) -> Predictor<'_> {
        let index = |ids: &[i32]| ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        Predictor {
            model: self,
            users: index(&self.user_ids),
            items: index(&self.item_ids),
        }
    }

    /// Checks what [`write_spark_als`] needs: a positive rank, `ids × rank` factors on each
    /// side, distinct ids, finite values.
    pub fn validate(&self) -> Result<(), SparkError> {
        let invalid = |reason: String| Err(SparkError::InvalidModel { reason });
        if self.rank == 0 || self.rank > i32::MAX as usize {
            return invalid(format!("rank {} is out of range", self.rank));
        }
        for (side, ids, factors) in [
            ("user", &self.user_ids, &self.user_factors),
            ("item", &self.item_ids, &self.item_factors),
        ] {
            if ids.len().checked_mul(self.rank) != Some(factors.len()) {
                return invalid(format!(
                    "{} {side} factors for {} {side}s of rank {}",
                    factors.len(),
                    ids.len(),
                    self.rank
                ));
            }
            let mut seen = HashMap::with_capacity(ids.len());
            for &id in ids {
                if seen.insert(id, ()).is_some() {
                    return invalid(format!("{side} id {id} appears more than once"));
                }
            }
            if let Some(i) = factors.iter().position(|v| !v.is_finite()) {
                return invalid(format!(
                    "{side} id {} has a non-finite feature ({})",
                    ids[i / self.rank],
                    factors[i]
                ));
            }
        }
        Ok(())
    }
}

/// A [`SparkAls`] with its ids indexed.
#[derive(Debug, Clone)]
pub struct Predictor<'a> {
    model: &'a SparkAls,
    users: HashMap<i32, usize>,
    items: HashMap<i32, usize>,
}

impl Predictor<'_> {
    /// As [`SparkAls::predict`].
    pub fn predict(&self, user: i32, item: i32) -> Option<f32> {
        let rank = self.model.rank;
        let u = *self.users.get(&user)?;
        let i = *self.items.get(&item)?;
        Some(dot(
            self.model.user_factors.get(u * rank..(u + 1) * rank)?,
            self.model.item_factors.get(i * rank..(i + 1) * rank)?,
        ))
    }
}

/// Spark's `ALSModel` predict: `var dot = 0.0f; for i in 0 until rank: dot += a(i) * b(i)`.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for (x, y) in a.iter().zip(b) {
        sum += x * y;
    }
    sum
}

/// The metadata line of a new model, mirroring what Spark 4.0.1 writes for
/// `ALS(userCol="user", itemCol="item", coldStartStrategy="nan")`: class, timestamp (now, in
/// milliseconds), sparkVersion, a fresh uid (`ALS_` and 12 hex digits), paramMap,
/// defaultParamMap and rank.
pub fn default_metadata(rank: usize) -> Value {
    json!({
        "class": ALS_MODEL_CLASS,
        "timestamp": now_millis(),
        "sparkVersion": DEFAULT_SPARK_VERSION,
        "uid": format!("ALS_{:012x}", random_u64() & 0xffff_ffff_ffff),
        "paramMap": default_param_map(),
        "defaultParamMap": default_param_map(),
        "rank": rank,
    })
}

fn default_param_map() -> Value {
    json!({
        "blockSize": 4096,
        "coldStartStrategy": "nan",
        "itemCol": "item",
        "predictionCol": "prediction",
        "userCol": "user",
    })
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Random enough for a uid or a file name: the standard library's randomly keyed hasher over the
/// time and a counter.
fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// A UUID-shaped random name part, as Spark's `part-00000-<uuid>-c000` file names have.
fn random_uuid() -> String {
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SparkError + '_ {
    move |source| SparkError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The folder `dir/name`, which must exist.
fn folder(dir: &Path, name: &str) -> Result<PathBuf, SparkError> {
    let path = dir.join(name);
    match fs::metadata(&path) {
        Ok(m) if m.is_dir() => Ok(path),
        Ok(_) => Err(SparkError::MissingDir { path }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(SparkError::MissingDir { path }),
        Err(source) => Err(SparkError::Io { path, source }),
    }
}

/// The data files of a folder, sorted by name, as Hadoop lists them: names starting with `_` or
/// `.` (`_SUCCESS`, `.part-….crc`) are hidden; a subfolder is refused.
fn data_files(folder: &Path) -> Result<Vec<PathBuf>, SparkError> {
    let mut files = Vec::new();
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('_') || name.starts_with('.') || name.ends_with(".crc") {
            continue;
        }
        let path = entry.path();
        let kind = fs::metadata(&path).map_err(io_error(&path))?;
        if kind.is_dir() {
            return Err(SparkError::BadLayout {
                path,
                reason: "a subfolder where part files were expected".into(),
            });
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// Reads an ALS model directory saved by Spark (or by [`write_spark_als`]): the metadata line
/// (its class must be `ALSModel`; its `rank` is the model's), then every part file of
/// `userFactors/` and `itemFactors/`, in file-name order. Each row must have a non-null id and
/// exactly `rank` finite, non-null features, and no id may appear twice on one side.
pub fn read_spark_als(dir: &Path) -> Result<SparkAls, SparkError> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(SparkError::MissingDir {
                path: dir.to_path_buf(),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(SparkError::MissingDir {
                path: dir.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(SparkError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    let (metadata, rank) = read_metadata(&folder(dir, METADATA)?)?;
    let (user_ids, user_factors) = read_factors(&folder(dir, USER_FACTORS)?, rank)?;
    let (item_ids, item_factors) = read_factors(&folder(dir, ITEM_FACTORS)?, rank)?;
    Ok(SparkAls {
        rank,
        user_ids,
        user_factors,
        item_ids,
        item_factors,
        metadata,
    })
}

/// The first line of the first data file of `metadata/`, parsed, with its rank.
fn read_metadata(folder: &Path) -> Result<(Value, usize), SparkError> {
    let files = data_files(folder)?;
    let Some(path) = files.first() else {
        return Err(SparkError::BadMetadata {
            path: folder.to_path_buf(),
            reason: "no metadata file".into(),
        });
    };
    let bad = |reason: String| SparkError::BadMetadata {
        path: path.clone(),
        reason,
    };
    let file = File::open(path).map_err(io_error(path))?;
    let mut line = Vec::new();
    BufReader::new(file.take(MAX_METADATA_LINE))
        .read_until(b'\n', &mut line)
        .map_err(io_error(path))?;
    let value: Value =
        serde_json::from_slice(&line).map_err(|e| bad(format!("not a JSON line: {e}")))?;
    let Some(object) = value.as_object() else {
        return Err(bad("not a JSON object".into()));
    };
    match object.get("class") {
        Some(Value::String(class)) if class == ALS_MODEL_CLASS => {}
        Some(Value::String(class)) => {
            return Err(SparkError::WrongClass {
                path: path.clone(),
                found: class.clone(),
            });
        }
        Some(other) => {
            return Err(SparkError::WrongClass {
                path: path.clone(),
                found: other.to_string(),
            });
        }
        None => return Err(bad("no \"class\"".into())),
    }
    let rank = match object.get("rank") {
        Some(r) => r
            .as_u64()
            .filter(|&r| r > 0 && r <= i32::MAX as u64)
            .ok_or_else(|| bad(format!("\"rank\" is {r}, not a positive integer")))?,
        None => return Err(bad("no \"rank\"".into())),
    };
    Ok((value, rank as usize))
}

/// Every part file of a factor folder: the ids and the row-major factors.
fn read_factors(folder: &Path, rank: usize) -> Result<(Vec<i32>, Vec<f32>), SparkError> {
    let files = data_files(folder)?;
    if files.is_empty() {
        return Err(SparkError::BadLayout {
            path: folder.to_path_buf(),
            reason: "no part files".into(),
        });
    }
    let mut ids = Vec::new();
    let mut factors = Vec::new();
    let mut seen: HashMap<i32, ()> = HashMap::new();
    for path in &files {
        // The Parquet decoder still has panics (`expect`, `assert!`) on some corrupt files:
        // they become errors here (in a build that unwinds).
        let part = panic::catch_unwind(AssertUnwindSafe(|| read_part(path, rank))).unwrap_or_else(
            |payload| {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".into());
                Err(SparkError::Parquet {
                    path: path.clone(),
                    source: ParquetError::General(format!(
                        "corrupt file (the Parquet decoder panicked: {message})"
                    )),
                })
            },
        );
        let (part_ids, part_factors) = part?;
        for &id in &part_ids {
            match seen.entry(id) {
                Entry::Occupied(_) => {
                    return Err(SparkError::DuplicateId {
                        path: path.clone(),
                        id,
                    });
                }
                Entry::Vacant(v) => {
                    v.insert(());
                }
            }
        }
        ids.extend_from_slice(&part_ids);
        factors.extend_from_slice(&part_factors);
    }
    Ok((ids, factors))
}

/// One part file of a factor folder: its ids and row-major factors, each row checked.
fn read_part(path: &Path, rank: usize) -> Result<(Vec<i32>, Vec<f32>), SparkError> {
    let parquet = |source: ParquetError| SparkError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let schema_error = |reason: String| SparkError::BadSchema {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(io_error(path))?;
    let size = file.metadata().map_err(io_error(path))?.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet)?;
    check_chunks(builder.metadata(), size).map_err(parquet)?;
    let reader = builder.build().map_err(parquet)?;
    let mut ids = Vec::new();
    let mut factors = Vec::new();
    let mut row = 0usize;
    for batch in reader {
        let batch = batch.map_err(|e| parquet(e.into()))?;
        let id_column = batch
            .column_by_name("id")
            .ok_or_else(|| schema_error("no column \"id\"".into()))?;
        let id_array = id_column
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| {
                schema_error(format!(
                    "column \"id\" is {}, not INT32",
                    id_column.data_type()
                ))
            })?;
        let features_column = batch
            .column_by_name("features")
            .ok_or_else(|| schema_error("no column \"features\"".into()))?;
        let wrong_features = || {
            schema_error(format!(
                "column \"features\" is {}, not a list of FLOAT",
                features_column.data_type()
            ))
        };
        let lists = features_column
            .as_any()
            .downcast_ref::<ListArray>()
            .ok_or_else(wrong_features)?;
        let values = lists
            .values()
            .as_any()
            .downcast_ref::<Float32Array>()
            .ok_or_else(wrong_features)?;
        let offsets = lists.value_offsets();
        for r in 0..batch.num_rows() {
            let null = |column| SparkError::Null {
                path: path.to_path_buf(),
                row: row + r,
                column,
            };
            if id_array.is_null(r) {
                return Err(null("id"));
            }
            let id = id_array.value(r);
            if lists.is_null(r) {
                return Err(null("features"));
            }
            let (start, end) = (offsets[r] as usize, offsets[r + 1] as usize);
            if end - start != rank {
                return Err(SparkError::BadLength {
                    path: path.to_path_buf(),
                    id,
                    len: end - start,
                    rank,
                });
            }
            if values.null_count() > 0 && (start..end).any(|i| values.is_null(i)) {
                return Err(null("a features element"));
            }
            let Some(vector) = values.values().get(start..end) else {
                return Err(parquet(ParquetError::General(format!(
                    "row {}: list offsets out of bounds",
                    row + r
                ))));
            };
            if let Some(&value) = vector.iter().find(|v| !v.is_finite()) {
                return Err(SparkError::NonFinite {
                    path: path.to_path_buf(),
                    id,
                    value,
                });
            }
            ids.push(id);
            factors.extend_from_slice(vector);
        }
        row += batch.num_rows();
    }
    Ok((ids, factors))
}

/// Refuses column chunks outside the file (the Parquet reader panics on negative offsets).
fn check_chunks(metadata: &ParquetMetaData, size: u64) -> Result<(), ParquetError> {
    for (g, group) in metadata.row_groups().iter().enumerate() {
        for column in group.columns() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or(column.data_page_offset());
            let len = column.compressed_size();
            let inside = start >= 0
                && len >= 0
                && (start as u64)
                    .checked_add(len as u64)
                    .is_some_and(|end| end <= size);
            if !inside {
                return Err(ParquetError::General(format!(
                    "corrupt footer: row group {g}, column {}: {len} bytes at {start}, in a file of {size} bytes",
                    column.column_path()
                )));
            }
        }
    }
    Ok(())
}

/// Writes `model` as Spark 4 saves an `ALSModel`, for `ALSModel.load(dir)`:
/// `metadata/part-00000` (the JSON line: the model's [`SparkAls::metadata`] with `class` and
/// `rank` from the model and any missing key of [`default_metadata`] filled in),
/// `userFactors/part-00000-<uuid>-c000.snappy.parquet`, `itemFactors/…` (Spark's schema, see the
/// module docs) and an empty `_SUCCESS` in each folder.
///
/// `dir` must not exist (it is created, with its parents) or be an empty directory. On failure
/// what was written is removed again.
pub fn write_spark_als(dir: &Path, model: &SparkAls) -> Result<(), SparkError> {
    model.validate()?;
    let created = match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            let mut entries = fs::read_dir(dir).map_err(io_error(dir))?;
            if entries.next().is_some() {
                return Err(SparkError::NotEmpty {
                    path: dir.to_path_buf(),
                });
            }
            false
        }
        Ok(_) => {
            return Err(SparkError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
            true
        }
        Err(source) => {
            return Err(SparkError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let result = write_all(dir, model);
    if result.is_err() {
        for name in [METADATA, USER_FACTORS, ITEM_FACTORS] {
            let _ = fs::remove_dir_all(dir.join(name));
        }
        if created {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// The metadata line written for a model.
pub fn metadata_for(model: &SparkAls) -> Value {
    let mut line = match &model.metadata {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if let Value::Object(defaults) = default_metadata(model.rank) {
        for (key, value) in defaults {
            line.entry(key).or_insert(value);
        }
    }
    line.insert("class".into(), ALS_MODEL_CLASS.into());
    line.insert("rank".into(), model.rank.into());
    Value::Object(line)
}

fn write_all(dir: &Path, model: &SparkAls) -> Result<(), SparkError> {
    let metadata = metadata_for(model);
    let spark_version = metadata
        .get("sparkVersion")
        .and_then(Value::as_str)
        .unwrap_or(DEFAULT_SPARK_VERSION)
        .to_string();

    let folder = dir.join(METADATA);
    fs::create_dir(&folder).map_err(io_error(&folder))?;
    let path = folder.join("part-00000");
    let mut line = metadata.to_string();
    line.push('\n');
    fs::write(&path, line).map_err(io_error(&path))?;
    success(&folder)?;

    for (name, ids, factors) in [
        (USER_FACTORS, &model.user_ids, &model.user_factors),
        (ITEM_FACTORS, &model.item_ids, &model.item_factors),
    ] {
        let folder = dir.join(name);
        fs::create_dir(&folder).map_err(io_error(&folder))?;
        let path = folder.join(format!("part-00000-{}-c000.snappy.parquet", random_uuid()));
        write_factors(&path, model.rank, ids, factors, &spark_version)?;
        success(&folder)?;
    }
    Ok(())
}

fn success(folder: &Path) -> Result<(), SparkError> {
    let path = folder.join("_SUCCESS");
    File::create(&path).map_err(io_error(&path))?;
    Ok(())
}

/// The Arrow schema of a factor file; the Parquet writer turns it into Spark's
/// `REQUIRED INT32 id; OPTIONAL group features (LIST) { REPEATED group list { REQUIRED FLOAT
/// element } }`.
pub fn factors_schema() -> Schema {
    Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new(
            "features",
            DataType::List(Arc::new(Field::new("element", DataType::Float32, false))),
            true,
        ),
    ])
}

fn write_factors(
    path: &Path,
    rank: usize,
    ids: &[i32],
    factors: &[f32],
    spark_version: &str,
) -> Result<(), SparkError> {
    let parquet = |source: ParquetError| SparkError::Parquet {
        path: path.to_path_buf(),
        source,
    };
    let schema = Arc::new(factors_schema());
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(vec![
            KeyValue::new("org.apache.spark.version".into(), spark_version.to_string()),
            KeyValue::new(
                "org.apache.spark.sql.parquet.row.metadata".into(),
                SPARK_ROW_METADATA.to_string(),
            ),
        ]))
        .build();
    let options = ArrowWriterOptions::new()
        .with_properties(props)
        .with_skip_arrow_metadata(true)
        .with_schema_root("spark_schema".into());
    let file = File::create(path).map_err(io_error(path))?;
    let mut writer =
        ArrowWriter::try_new_with_options(file, schema.clone(), options).map_err(parquet)?;
    // Batches small enough for i32 list offsets at any rank.
    let rows_per_batch = ((1usize << 24) / rank).clamp(1, 1 << 16);
    for (ids, factors) in ids
        .chunks(rows_per_batch)
        .zip(factors.chunks(rows_per_batch * rank))
    {
        // The builder names the element "item" and makes it nullable; Spark's is a non-null
        // "element".
        let (_, offsets, values, nulls) = ListArray::from_iter_primitive::<Float32Type, _, _>(
            factors
                .chunks(rank)
                .map(|v| Some(v.iter().map(|&x| Some(x)))),
        )
        .into_parts();
        let features = ListArray::try_new(
            Arc::new(Field::new("element", DataType::Float32, false)),
            offsets,
            values,
            nulls,
        )
        .map_err(|e| parquet(e.into()))?;
        let columns: Vec<ArrayRef> =
            vec![Arc::new(Int32Array::from(ids.to_vec())), Arc::new(features)];
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| parquet(e.into()))?;
        writer.write(&batch).map_err(parquet)?;
    }
    // Writes the footer and hands the file back.
    let file = writer.into_inner().map_err(parquet)?;
    file.sync_all().map_err(io_error(path))?;
    Ok(())
}
