//! Spark interop through the CLI: a real Spark 4 ALSModel (the test fixture) imported as a
//! version predicts what Spark predicted; and, where PySpark is installed (`.ci/run` installs it
//! and sets NEXTFLEX_TEST_PYSPARK to its Python), both directions against Spark itself: a
//! version exported with `model export-spark` loads with `ALSModel.load` and predicts what
//! NextFlex predicts, and a model trained by Spark imports and predicts what Spark predicted —
//! each within 1e-4; and a model Spark trains with implicitPrefs imports as the ranking model,
//! folding each user in from their ratings to the scores Spark gave them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use nextflex_app::model_versions::Models;
use nextflex_data::ratings::{RatingsFormat, ReadOptions, read_ratings};
use nextflex_engine::als::AlsModel;
use nextflex_engine::ranking::RankingModel;
use nextflex_store::config::{DatabaseConfig, StorageConfig};
use nextflex_store::db::Db;
use nextflex_store::storage::Storage;

use crate::helpers::cli::{copy_fixture, nextflex, run, stderr};
use crate::helpers::test_pool;

fn spark_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// (user, item, prediction) rows of a CSV with a header; NaN or empty → None.
fn predictions(path: &Path) -> Vec<(u32, u32, Option<f64>)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split(',').collect();
            let value = cols[2].trim();
            let p = (!value.is_empty() && !value.eq_ignore_ascii_case("nan"))
                .then(|| value.parse().unwrap());
            (cols[0].parse().unwrap(), cols[1].parse().unwrap(), p)
        })
        .collect()
}

/// The prediction before clamping to the rating scale (what Spark computes).
fn raw(model: &AlsModel, user: u32, item: u32) -> Option<f64> {
    let p = model.to_parts();
    let k = p.params.rank;
    let u = p.user_ids.iter().position(|&x| x == user)?;
    let i = p.item_ids.iter().position(|&x| x == item)?;
    let dot: f64 = (0..k)
        .map(|d| p.user_factors[u * k + d] * p.item_factors[i * k + d])
        .sum();
    Some(p.mean + p.user_bias[u] + p.item_bias[i] + dot)
}

/// A folder with the ml-mini catalogue imported through the CLI, or with `demo`, the demo
/// dataset (ml-latest-small with TMDB metadata).
fn installation(demo: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = if demo {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
    } else {
        copy_fixture("ml-mini", &dir.path().join("data/demo/ml"));
        dir.path().join("data/demo")
    };
    let out = run(nextflex(dir.path()).arg("import").arg(source));
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

async fn models_of(dir: &Path) -> std::sync::Arc<Models> {
    let db_config = DatabaseConfig::parse("sqlite://var/nextflex.db", dir).unwrap();
    let db = Db::connect(&db_config, &test_pool()).await.unwrap();
    let storage = Storage::open(&StorageConfig::Local(dir.join("var/objects")))
        .await
        .unwrap();
    Models::new(db, storage, Default::default(), Default::default())
}

fn import_spark_with(dir: &Path, model: &Path, flags: &[&str]) -> serde_json::Value {
    let out = run(nextflex(dir)
        .args(["model", "import-spark"])
        .arg(model)
        .args(flags)
        .arg("--json"));
    assert!(out.status.success(), "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&record["trained_by"], &record["active"]),
        (&serde_json::json!("spark"), &serde_json::json!(true))
    );
    record
}

fn import_spark(dir: &Path, model: &Path) -> String {
    let record = import_spark_with(dir, model, &[]);
    assert_eq!(record["params"]["source"], "spark", "{record}");
    assert_eq!(
        record["params"]["rank"], 10,
        "Spark's rank, not our default: {record}"
    );
    record["version"].as_str().unwrap().to_owned()
}

async fn assert_predicts(dir: &Path, version: &str, expected: &[(u32, u32, Option<f64>)]) {
    let model = models_of(dir).await.stored_als(version).await.unwrap();
    let mut compared = 0;
    for &(user, item, want) in expected {
        match want {
            Some(want) => {
                let got =
                    raw(&model, user, item).unwrap_or_else(|| panic!("({user}, {item}) unknown"));
                assert!(
                    (got - want).abs() <= 1e-4,
                    "({user}, {item}): {got} vs Spark's {want}"
                );
                compared += 1;
            }
            // Spark's NaN: an id it never saw, which our model does not know either.
            None => assert!(!model.items().contains(item) || raw(&model, user, item).is_none()),
        }
    }
    assert!(compared > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spark_model_imports_as_a_version_and_predicts_what_spark_did() {
    let dir = installation(false);
    let fixture = spark_fixture();
    let version = import_spark(dir.path(), &fixture.join("spark-als-ml-latest-small"));
    let expected = predictions(&fixture.join("spark-als-ml-latest-small.predictions.csv"));
    assert_predicts(dir.path(), &version, &expected).await;

    // Not a Spark model: a clear error, no new version.
    let out = run(nextflex(dir.path()).args(["model", "import-spark", "data/demo"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error:"), "{}", stderr(&out));
}

fn pyspark() -> Option<PathBuf> {
    match std::env::var_os("NEXTFLEX_TEST_PYSPARK") {
        Some(python) => Some(PathBuf::from(python)),
        None => {
            eprintln!(
                "skipped: NEXTFLEX_TEST_PYSPARK is not set (a Python with pyspark), so the Spark round trip did not run"
            );
            None
        }
    }
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../spark")
        .join(name)
}

/// `spark/roundtrip.py ARGS PATHS…`, run by the Python with PySpark.
fn roundtrip(python: &Path, args: &[&str], paths: &[&Path]) -> std::process::ExitStatus {
    Command::new(python)
        .arg(script("roundtrip.py"))
        .args(args)
        .args(paths)
        .status()
        .unwrap()
}

/// Ours → Spark: a version trained on ml-latest-small (the demo data) and exported with
/// `model export-spark` loads in Spark, and every user's predictions of 20 movies are the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_exported_to_spark_predicts_the_same_in_spark() {
    let Some(python) = pyspark() else {
        return;
    };
    let dir = installation(true);
    let out = run(nextflex(dir.path()).args(["train", "--json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let version: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = version["version"].as_str().unwrap().to_owned();

    let exported = dir.path().join("exported");
    let out = run(nextflex(dir.path()).args(["model", "export-spark", "exported"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let model = models_of(dir.path())
        .await
        .stored_als(&version)
        .await
        .unwrap();
    let mut csv = String::from("user,item,expected\n");
    for &u in model.users().ids() {
        for &i in model.items().ids().iter().take(20) {
            csv.push_str(&format!("{u},{i},{}\n", raw(&model, u, i).unwrap()));
        }
    }
    let pairs = dir.path().join("pairs.csv");
    std::fs::write(&pairs, csv).unwrap();
    let status = roundtrip(&python, &["check"], &[&exported, &pairs]);
    assert!(
        status.success(),
        "Spark's predictions of the exported model differ"
    );
}

/// Spark → ours: a model Spark trains on ml-latest-small predicts the same once imported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_spark_trains_imports_and_predicts_what_spark_did() {
    let Some(python) = pyspark() else {
        return;
    };
    let dir = installation(true);
    let trained = dir.path().join("spark-trained");
    let status = roundtrip(&python, &["train", "--out"], &[&trained]);
    assert!(status.success(), "Spark training failed");
    let version = import_spark(dir.path(), &trained);
    let expected = predictions(&PathBuf::from(format!(
        "{}.predictions.csv",
        trained.display()
    )));
    assert_predicts(dir.path(), &version, &expected).await;
}

/// Spark's implicit ALS → our ranking model (the stars' model trained here): folding a user in
/// from their ratings gives the scores Spark's user factors give.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spark_implicit_als_imports_as_the_ranking_model() {
    let Some(python) = pyspark() else {
        return;
    };
    let dir = installation(true);
    let implicit = dir.path().join("spark-implicit");
    let args = ["train", "--implicit", "--alpha", "0.5", "--out"];
    let status = roundtrip(&python, &args, &[&implicit]);
    assert!(status.success(), "Spark's implicit training failed");
    let record = import_spark_with(
        dir.path(),
        &implicit,
        &["--implicit", "--alpha", "0.5", "--reg-param", "0.1"],
    );
    // The lists' model came from Spark; the stars' model was trained here.
    let params = &record["params"];
    assert_eq!(
        (
            &params["ranking"]["source"],
            &params["ranking"]["spark_alpha"]
        ),
        (&serde_json::json!("spark"), &serde_json::json!(0.5)),
        "{record}"
    );
    assert_eq!(params["source"], "nextflex", "{record}");
    let version = record["version"].as_str().unwrap();
    let RankingModel::Ials(model) = models_of(dir.path())
        .await
        .stored_ranking(version)
        .await
        .unwrap()
    else {
        panic!("an imported implicit model is an iALS ranking model");
    };
    let ratings = demo_ratings();
    let expected = predictions(&PathBuf::from(format!(
        "{}.predictions.csv",
        implicit.display()
    )));
    let (mut compared, mut worst) = (0, 0.0f64);
    for &(user, item, want) in &expected {
        let (Some(want), Some(mine)) = (want, ratings.get(&user)) else {
            continue;
        };
        let got = model.score(&model.fold_in(mine), item).unwrap();
        assert!(
            (got - want).abs() <= 1e-4,
            "({user}, {item}): {got} vs Spark's {want}"
        );
        compared += 1;
        worst = worst.max((got - want).abs());
    }
    assert!(compared > 100, "{compared} pairs compared");
    eprintln!("implicit: {compared} pairs folded in, worst difference {worst:.2e}");
}

/// Each user's (movie, rating) of ml-latest-small, what roundtrip.py trains on by default.
fn demo_ratings() -> HashMap<u32, Vec<(u32, f32)>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo/ml-latest-small/ratings.csv.gz");
    let options = ReadOptions {
        format: RatingsFormat::Csv,
        strict: true,
        size_hint: 0,
    };
    let read = read_ratings(std::fs::File::open(path).unwrap(), options).unwrap();
    let r = read.ratings;
    let mut by_user: HashMap<u32, Vec<(u32, f32)>> = HashMap::new();
    for ((&u, &m), &v) in r.user.iter().zip(&r.movie).zip(&r.rating) {
        by_user.entry(u).or_default().push((m, v));
    }
    by_user
}
