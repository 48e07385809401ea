//! Spark's ALSModel directory: the real model Spark 4.0.1 saved (the server's tests/fixtures), written and
//! read back, and refused when damaged.

// Tests and their helpers may unwrap.
#![allow(clippy::unwrap_used)]

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::types::Float32Type;
use arrow_array::{ArrayRef, Float32Array, Int32Array, ListArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use nextflex_data::spark::{
    ALS_MODEL_CLASS, SparkAls, SparkError, factors_schema, read_spark_als, write_spark_als,
};
use parquet::arrow::ArrowWriter;
use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::Value;

/// The Spark fixture lives with the server's test fixtures (tests/fixtures/README.md there).
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/tests/fixtures")
}

fn fixture() -> PathBuf {
    fixtures().join("spark-als-ml-latest-small")
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "nextflex-spark-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A writable copy of a model directory (the fixture's files are read-only).
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::write(&target, fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

/// The data files of a folder (not `_SUCCESS`, not `.crc`), sorted.
fn parts(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('_') && !name.starts_with('.')
        })
        .collect();
    files.sort();
    files
}

/// (user, item, Spark's prediction or None for NaN) from the fixture's predictions CSV.
fn spark_predictions(path: &Path) -> Vec<(i32, i32, Option<f32>)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let value = r[2].trim();
            let expected = if value.is_empty() || value.eq_ignore_ascii_case("nan") {
                None
            } else {
                Some(value.parse::<f32>().unwrap())
            };
            (r[0].parse().unwrap(), r[1].parse().unwrap(), expected)
        })
        .collect()
}

fn small_model() -> SparkAls {
    let rank = 3;
    let user_ids = vec![7, 1, 42, -5];
    let item_ids = vec![100, 3, 2_000_000_000];
    let user_factors = (0..user_ids.len() * rank)
        .map(|i| (i as f32 * 0.37).sin())
        .collect();
    let item_factors = (0..item_ids.len() * rank)
        .map(|i| (i as f32 * 0.91).cos() * 1.5)
        .collect();
    SparkAls::new(rank, user_ids, user_factors, item_ids, item_factors)
}

#[test]
fn reads_the_spark_fixture_and_reproduces_its_predictions() {
    let model = read_spark_als(&fixture()).unwrap();
    assert_eq!(model.rank, 10);
    assert_eq!(model.user_ids.len(), 610, "ml-latest-small has 610 users");
    assert_eq!(model.user_factors.len(), model.user_ids.len() * 10);
    assert_eq!(model.item_factors.len(), model.item_ids.len() * 10);
    assert!(
        model.item_ids.len() > 9000,
        "{} items",
        model.item_ids.len()
    );
    assert_eq!(model.metadata["class"], ALS_MODEL_CLASS);
    assert_eq!(model.metadata["sparkVersion"], "4.0.1");
    assert_eq!(model.metadata["paramMap"]["userCol"], "userId");

    let expected = spark_predictions(&fixtures().join("spark-als-ml-latest-small.predictions.csv"));
    assert!(expected.iter().filter(|e| e.2.is_some()).count() >= 6);
    assert!(expected.iter().any(|e| e.2.is_none()));
    let predictor = model.predictor();
    for (user, item, spark) in expected {
        let ours = model.predict(user, item);
        assert_eq!(ours, predictor.predict(user, item));
        match (spark, ours) {
            (Some(s), Some(o)) => {
                assert!(
                    (s - o).abs() <= 1e-5,
                    "({user}, {item}): Spark {s}, ours {o}"
                )
            }
            (None, None) => {}
            _ => panic!("({user}, {item}): Spark {spark:?}, ours {ours:?}"),
        }
    }
}

#[test]
fn unknown_ids_give_none() {
    let model = read_spark_als(&fixture()).unwrap();
    let user = model.user_ids[0];
    let item = model.item_ids[0];
    assert!(model.predict(user, item).is_some());
    assert_eq!(model.predict(user, 999_999), None);
    assert_eq!(model.predict(999_999, item), None);
    assert_eq!(model.predict(-1, -1), None);
    assert_eq!(model.predictor().predict(user, 999_999), None);
    assert_eq!(model.user_factor(999_999), None);
    assert_eq!(model.item_factor(item).map(<[f32]>::len), Some(10));
}

#[test]
fn the_fixture_written_and_read_back_is_equal() {
    let model = read_spark_als(&fixture()).unwrap();
    let tmp = TempDir::new("fixture-roundtrip");
    let out = tmp.path().join("model");
    write_spark_als(&out, &model).unwrap();
    let back = read_spark_als(&out).unwrap();
    assert_eq!(back, model);

    // The layout Spark writes: a metadata line, one part and a _SUCCESS per folder.
    let line = fs::read_to_string(out.join("metadata/part-00000")).unwrap();
    assert!(line.ends_with('\n') && line.lines().count() == 1);
    let written: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(written, model.metadata);
    for folder in ["metadata", "userFactors", "itemFactors"] {
        let success = out.join(folder).join("_SUCCESS");
        assert_eq!(fs::metadata(&success).unwrap().len(), 0, "{success:?}");
    }
    for folder in ["userFactors", "itemFactors"] {
        let files = parts(&out.join(folder));
        assert_eq!(files.len(), 1);
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("part-00000-") && name.ends_with("-c000.snappy.parquet"),
            "{name}"
        );
    }
}

/// The Parquet schema written is Spark's own, field for field (names, repetition, logical
/// types), with Spark's Catalyst schema in the key-value metadata and Snappy compression.
#[test]
fn the_parquet_schema_written_is_sparks() {
    let spark_file = parts(&fixture().join("userFactors")).remove(0);
    let spark = SerializedFileReader::new(File::open(spark_file).unwrap()).unwrap();
    let tmp = TempDir::new("schema");
    let out = tmp.path().join("model");
    write_spark_als(&out, &small_model()).unwrap();
    for folder in ["userFactors", "itemFactors"] {
        let ours_file = parts(&out.join(folder)).remove(0);
        let ours = SerializedFileReader::new(File::open(ours_file).unwrap()).unwrap();
        let (s, o) = (spark.metadata(), ours.metadata());
        assert_eq!(
            o.file_metadata().schema(),
            s.file_metadata().schema(),
            "the schema tree"
        );
        let kv = |m: &parquet::file::metadata::ParquetMetaData, key: &str| {
            m.file_metadata()
                .key_value_metadata()
                .and_then(|kv| kv.iter().find(|kv| kv.key == key))
                .and_then(|kv| kv.value.clone())
        };
        for key in [
            "org.apache.spark.sql.parquet.row.metadata",
            "org.apache.spark.version",
        ] {
            assert_eq!(kv(o, key), kv(s, key), "{key}");
        }
        assert_eq!(kv(o, "ARROW:schema"), None);
        for column in o.row_group(0).columns() {
            assert_eq!(column.compression(), parquet::basic::Compression::SNAPPY);
        }
    }
    assert_eq!(factors_schema().fields().len(), 2);
}

#[test]
fn a_new_model_written_and_read_back_is_equal() {
    let model = small_model();
    let tmp = TempDir::new("new-roundtrip");
    // Parents are created too.
    let out = tmp.path().join("a/b/model");
    write_spark_als(&out, &model).unwrap();
    let back = read_spark_als(&out).unwrap();
    assert_eq!(back, model);
    let m = &back.metadata;
    assert_eq!(m["class"], ALS_MODEL_CLASS);
    assert_eq!(m["rank"], 3);
    assert_eq!(m["sparkVersion"], "4.0.1");
    assert!(m["timestamp"].as_u64().unwrap() > 1_600_000_000_000);
    let uid = m["uid"].as_str().unwrap();
    assert!(
        uid.len() == 16
            && uid.starts_with("ALS_")
            && uid[4..].chars().all(|c| c.is_ascii_hexdigit()),
        "{uid}"
    );
    for map in ["paramMap", "defaultParamMap"] {
        assert_eq!(m[map]["userCol"], "user");
        assert_eq!(m[map]["itemCol"], "item");
        assert_eq!(m[map]["predictionCol"], "prediction");
        assert_eq!(m[map]["coldStartStrategy"], "nan");
        assert_eq!(m[map]["blockSize"], 4096);
    }
    // The dot product, as Spark computes it.
    let (u, i) = (&model.user_factors[3..6], &model.item_factors[6..9]);
    let dot = u[0] * i[0] + u[1] * i[1] + u[2] * i[2];
    assert_eq!(back.predict(1, 2_000_000_000), Some(dot));

    // An empty existing directory is fine too; missing metadata keys are filled in, and class and
    // rank always come from the model.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let mut sparse = model.clone();
    sparse.metadata = serde_json::json!({"class": "something else", "rank": 99,
        "paramMap": {"userCol": "u", "itemCol": "i"}});
    write_spark_als(&empty, &sparse).unwrap();
    let back = read_spark_als(&empty).unwrap();
    assert_eq!(back.metadata["class"], ALS_MODEL_CLASS);
    assert_eq!(back.metadata["rank"], 3);
    assert_eq!(back.metadata["paramMap"]["userCol"], "u");
    assert_eq!(back.metadata["defaultParamMap"]["userCol"], "user");
    assert!(back.metadata["uid"].is_string());
}

#[test]
fn refuses_to_write_into_a_non_empty_directory_or_a_file() {
    let tmp = TempDir::new("not-empty");
    fs::write(tmp.path().join("something"), "x").unwrap();
    let err = write_spark_als(tmp.path(), &small_model()).unwrap_err();
    assert!(matches!(err, SparkError::NotEmpty { .. }), "{err}");
    assert!(!tmp.path().join("metadata").exists());

    let file = tmp.path().join("something");
    let err = write_spark_als(&file, &small_model()).unwrap_err();
    assert!(matches!(err, SparkError::NotEmpty { .. }), "{err}");
}

#[test]
fn refuses_to_write_an_invalid_model() {
    let tmp = TempDir::new("invalid");
    type Spoil = Box<dyn Fn(&mut SparkAls)>;
    let cases: Vec<(&str, Spoil)> = vec![
        (
            "short factors",
            Box::new(|m| {
                m.user_factors.pop();
            }),
        ),
        ("rank 0", Box::new(|m| m.rank = 0)),
        ("wrong rank", Box::new(|m| m.rank = 2)),
        ("duplicate id", Box::new(|m| m.item_ids[1] = m.item_ids[0])),
        ("NaN", Box::new(|m| m.item_factors[4] = f32::NAN)),
        ("infinity", Box::new(|m| m.user_factors[0] = f32::INFINITY)),
    ];
    for (what, spoil) in cases {
        let mut model = small_model();
        spoil(&mut model);
        let out = tmp.path().join(what.replace(' ', "-"));
        let err = write_spark_als(&out, &model).unwrap_err();
        assert!(
            matches!(err, SparkError::InvalidModel { .. }),
            "{what}: {err}"
        );
        assert!(!out.exists(), "{what}: nothing is left behind");
    }
}

#[test]
fn a_missing_directory_or_folder_is_reported() {
    let tmp = TempDir::new("missing");
    let err = read_spark_als(&tmp.path().join("nope")).unwrap_err();
    assert!(matches!(err, SparkError::MissingDir { .. }), "{err}");
    assert!(err.to_string().contains("nope"), "{err}");

    for folder in ["metadata", "userFactors", "itemFactors"] {
        let copy = tmp.path().join(format!("without-{folder}"));
        copy_dir(&fixture(), &copy);
        fs::remove_dir_all(copy.join(folder)).unwrap();
        let err = read_spark_als(&copy).unwrap_err();
        match &err {
            SparkError::MissingDir { path } => assert!(path.ends_with(folder), "{err}"),
            _ => panic!("{folder}: {err}"),
        }
    }

    let copy = tmp.path().join("no-parts");
    copy_dir(&fixture(), &copy);
    for part in parts(&copy.join("itemFactors")) {
        fs::remove_file(part).unwrap();
    }
    let err = read_spark_als(&copy).unwrap_err();
    assert!(matches!(err, SparkError::BadLayout { .. }), "{err}");
}

/// Replaces the metadata line of a model directory.
fn set_metadata(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let path = parts(&dir.join("metadata")).remove(0);
    let mut value: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut value);
    fs::write(&path, format!("{value}\n")).unwrap();
}

#[test]
fn a_wrong_class_or_bad_metadata_is_refused() {
    let tmp = TempDir::new("class");
    let copy = tmp.path().join("m");
    copy_dir(&fixture(), &copy);
    set_metadata(&copy, |v| {
        v["class"] = "org.apache.spark.ml.feature.StringIndexerModel".into()
    });
    let err = read_spark_als(&copy).unwrap_err();
    match &err {
        SparkError::WrongClass { found, path } => {
            assert_eq!(found, "org.apache.spark.ml.feature.StringIndexerModel");
            assert!(path.starts_with(copy.join("metadata")), "{err}");
        }
        _ => panic!("{err}"),
    }

    for (what, edit) in [
        (
            "no rank",
            Box::new(|v: &mut Value| {
                v.as_object_mut().unwrap().remove("rank");
            }) as Box<dyn Fn(&mut Value)>,
        ),
        ("rank 0", Box::new(|v: &mut Value| v["rank"] = 0.into())),
        ("rank -3", Box::new(|v: &mut Value| v["rank"] = (-3).into())),
        (
            "rank text",
            Box::new(|v: &mut Value| v["rank"] = "10".into()),
        ),
        (
            "no class",
            Box::new(|v: &mut Value| {
                v.as_object_mut().unwrap().remove("class");
            }),
        ),
    ] {
        let copy = tmp.path().join(what.replace(' ', "-"));
        copy_dir(&fixture(), &copy);
        set_metadata(&copy, edit);
        let err = read_spark_als(&copy).unwrap_err();
        assert!(
            matches!(err, SparkError::BadMetadata { .. }),
            "{what}: {err}"
        );
    }

    let copy = tmp.path().join("not-json");
    copy_dir(&fixture(), &copy);
    fs::write(
        parts(&copy.join("metadata")).remove(0),
        "{\"class\": \"org.apa",
    )
    .unwrap();
    let err = read_spark_als(&copy).unwrap_err();
    assert!(matches!(err, SparkError::BadMetadata { .. }), "{err}");
}

#[test]
fn features_of_the_wrong_length_are_refused() {
    // Metadata that says rank 11 over rank-10 factors.
    let tmp = TempDir::new("length");
    let copy = tmp.path().join("fixture");
    copy_dir(&fixture(), &copy);
    set_metadata(&copy, |v| v["rank"] = 11.into());
    let err = read_spark_als(&copy).unwrap_err();
    match &err {
        SparkError::BadLength {
            len, rank, path, ..
        } => {
            assert_eq!((*len, *rank), (10, 11));
            assert!(path.starts_with(copy.join("userFactors")), "{err}");
        }
        _ => panic!("{err}"),
    }

    // A model written by our writer, then its metadata edited.
    let out = tmp.path().join("ours");
    write_spark_als(&out, &small_model()).unwrap();
    set_metadata(&out, |v| v["rank"] = 2.into());
    let err = read_spark_als(&out).unwrap_err();
    assert!(
        matches!(
            err,
            SparkError::BadLength {
                len: 3,
                rank: 2,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_truncated_or_corrupt_parquet_file_is_refused() {
    let tmp = TempDir::new("truncated");
    let copy = tmp.path().join("m");
    copy_dir(&fixture(), &copy);
    let victim = parts(&copy.join("itemFactors")).remove(3);
    let bytes = fs::read(&victim).unwrap();
    fs::write(&victim, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_spark_als(&copy).unwrap_err();
    match &err {
        SparkError::Parquet { path, .. } => assert_eq!(path, &victim),
        _ => panic!("{err}"),
    }
    assert!(err.to_string().contains("part-00003"), "{err}");

    fs::write(&victim, b"not parquet at all").unwrap();
    let err = read_spark_als(&copy).unwrap_err();
    assert!(matches!(err, SparkError::Parquet { .. }), "{err}");
}

/// Every truncation and many single-byte corruptions of a factor file give a result or an
/// error, never a panic.
#[test]
fn damaged_factor_files_never_panic() {
    let tmp = TempDir::new("damage");
    let copy = tmp.path().join("m");
    let model = small_model();
    write_spark_als(&copy, &model).unwrap();
    let victim = parts(&copy.join("userFactors")).remove(0);
    let bytes = fs::read(&victim).unwrap();
    let mut outcomes = [0usize; 2];
    let mut check = |damaged: &[u8]| {
        fs::write(&victim, damaged).unwrap();
        let result = std::panic::catch_unwind(|| read_spark_als(&copy));
        match result {
            Ok(Ok(_)) => outcomes[0] += 1,
            Ok(Err(_)) => outcomes[1] += 1,
            Err(_) => panic!("reading panicked on damaged bytes"),
        }
    };
    for len in 0..bytes.len() {
        check(&bytes[..len]);
    }
    for at in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= flip;
            check(&damaged);
        }
    }
    assert!(outcomes[1] > bytes.len(), "{outcomes:?}");
}

/// Writes one factor part file of any shape, for the cases our writer refuses to produce.
fn write_part(path: &Path, ids: Vec<Option<i32>>, features: Vec<Option<Vec<Option<f32>>>>) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, true),
        Field::new(
            "features",
            DataType::List(Arc::new(Field::new("item", DataType::Float32, true))),
            true,
        ),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(ids)),
        Arc::new(ListArray::from_iter_primitive::<Float32Type, _, _>(
            features,
        )),
    ];
    let mut writer =
        ArrowWriter::try_new(File::create(path).unwrap(), schema.clone(), None).unwrap();
    writer
        .write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    writer.close().unwrap();
}

/// Rows with a null id, null features or a null element, a NaN or an infinity, or an id twice
/// in one part are refused, each with its error.
#[test]
fn nulls_non_finite_values_and_duplicates_are_refused() {
    let tmp = TempDir::new("rows");
    let good = |x: f32| Some(vec![Some(x), Some(1.0), Some(2.0)]);
    type Rows = Vec<Option<Vec<Option<f32>>>>;
    let cases: Vec<(&str, Vec<Option<i32>>, Rows)> = vec![
        ("null id", vec![Some(1), None], vec![good(0.5), good(0.5)]),
        (
            "null features",
            vec![Some(1), Some(2)],
            vec![good(0.5), None],
        ),
        (
            "null element",
            vec![Some(1), Some(2)],
            vec![good(0.5), Some(vec![Some(1.0), None, Some(2.0)])],
        ),
        (
            "NaN",
            vec![Some(1), Some(2)],
            vec![good(0.5), good(f32::NAN)],
        ),
        ("infinity", vec![Some(1)], vec![good(f32::NEG_INFINITY)]),
        (
            "duplicate",
            vec![Some(1), Some(1)],
            vec![good(0.5), good(0.5)],
        ),
    ];
    for (what, ids, features) in cases {
        let dir = tmp.path().join(what.replace(' ', "-"));
        write_spark_als(&dir, &small_model()).unwrap();
        let part = parts(&dir.join("itemFactors")).remove(0);
        write_part(&part, ids, features);
        let err = read_spark_als(&dir).unwrap_err();
        let ok = match what {
            "null id" | "null features" | "null element" => matches!(err, SparkError::Null { .. }),
            "NaN" | "infinity" => matches!(err, SparkError::NonFinite { .. }),
            _ => matches!(err, SparkError::DuplicateId { id: 1, .. }),
        };
        assert!(ok, "{what}: {err}");
    }
}

/// An id in two part files of one side is a duplicate.
#[test]
fn an_id_in_two_parts_of_one_side_is_refused() {
    let tmp = TempDir::new("two-parts");
    let dir = tmp.path().join("two-parts");
    write_spark_als(&dir, &small_model()).unwrap();
    let part = parts(&dir.join("userFactors")).remove(0);
    fs::copy(
        &part,
        dir.join("userFactors/part-00001-copy-c000.snappy.parquet"),
    )
    .unwrap();
    let err = read_spark_als(&dir).unwrap_err();
    assert!(
        matches!(err, SparkError::DuplicateId { id: 7, .. }),
        "{err}"
    );
}

/// A part whose features column is not a list of floats.
#[test]
fn a_wrong_column_type_is_refused() {
    let tmp = TempDir::new("schema");
    let dir = tmp.path().join("schema");
    write_spark_als(&dir, &small_model()).unwrap();
    let part = parts(&dir.join("userFactors")).remove(0);
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("features", DataType::Float32, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int32Array::from(vec![1])),
        Arc::new(Float32Array::from(vec![1.0])),
    ];
    let mut writer =
        ArrowWriter::try_new(File::create(&part).unwrap(), schema.clone(), None).unwrap();
    writer
        .write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    writer.close().unwrap();
    let err = read_spark_als(&dir).unwrap_err();
    assert!(matches!(err, SparkError::BadSchema { .. }), "{err}");
}

/// A subfolder among the parts (a partitioned layout) is not Spark's ALSModel layout.
#[test]
fn a_subfolder_among_the_parts_is_refused() {
    let tmp = TempDir::new("subfolder");
    let dir = tmp.path().join("subfolder");
    write_spark_als(&dir, &small_model()).unwrap();
    fs::create_dir(dir.join("itemFactors/part=1")).unwrap();
    let err = read_spark_als(&dir).unwrap_err();
    assert!(matches!(err, SparkError::BadLayout { .. }), "{err}");
}

/// `_SUCCESS`, `.crc` and other hidden files are not parts.
#[test]
fn hidden_files_are_ignored() {
    let tmp = TempDir::new("hidden");
    let dir = tmp.path().join("m");
    write_spark_als(&dir, &small_model()).unwrap();
    for folder in ["metadata", "userFactors", "itemFactors"] {
        fs::write(dir.join(folder).join(".part-00000.crc"), b"crc\0junk").unwrap();
        fs::write(dir.join(folder).join("_committed_123"), b"junk").unwrap();
    }
    assert_eq!(read_spark_als(&dir).unwrap(), small_model_with(&dir));
}

fn small_model_with(dir: &Path) -> SparkAls {
    let mut m = small_model();
    m.metadata = read_spark_als(dir).unwrap().metadata;
    m
}
