//! Model versions: the stored artifact serves exactly what the trained snapshot served; a
//! damaged, truncated, foreign or incompatible artifact is refused whole and the model in
//! service stays; swapping versions under concurrent requests fails none of them; a training
//! whose process died is marked failed, and a first training that cannot be stored is retried
//! while readiness says why.

use std::sync::Arc;

use nextflex_app::model_versions::Models;
use nextflex_app::recommender::tuning::TuningSettings;
use nextflex_app::recommender::{ChartSource, RecommenderSettings, SharedRecommender};
use nextflex_app::user_history::History;
use nextflex_engine::ranking::RankingModel;
use nextflex_store::config::StorageConfig;
use nextflex_store::db::Db;
use nextflex_store::storage::Storage;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestDb, app, unlimited};

async fn catalogue() -> (TestDb, Db, Storage) {
    catalogue_on(&StorageConfig::Memory).await
}

async fn catalogue_on(config: &StorageConfig) -> (TestDb, Db, Storage) {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    db.migrate().await.unwrap();
    let storage = Storage::open(config).await.unwrap();
    let paths: Vec<_> = ["tmdb-mini", "ml-mini"]
        .map(crate::helpers::fixture)
        .to_vec();
    nextflex_app::dataset_import::import(&db, &storage, &paths, false)
        .await
        .unwrap();
    (tdb, db, storage)
}

/// The API over `models`, as `serve` would run it.
async fn serve(db: &Db, storage: &Storage, models: Arc<Models>) -> crate::helpers::TestApp {
    let ctx = nextflex::http::ApiContext::new(
        db.clone(),
        storage.clone(),
        &nextflex_store::config::Secret::new(crate::helpers::TEST_SECRET.to_owned()),
        models,
        &unlimited(),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    crate::helpers::TestApp::serve(nextflex::http::router(ctx), dir.path().into(), dir).await
}

fn models(db: &Db, storage: &Storage) -> (Arc<Models>, Arc<SharedRecommender>) {
    let shared = Arc::new(SharedRecommender::default());
    let m = Models::new(
        db.clone(),
        storage.clone(),
        shared.clone(),
        RecommenderSettings::default(),
    );
    (m, shared)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_version_serves_what_was_trained() {
    let (_tdb, db, storage) = catalogue().await;
    let (trainer, trained) = models(&db, &storage);
    let version = trainer.train("test").await.unwrap();
    let (replica, loaded) = models(&db, &storage);
    assert_eq!(
        replica.active().await.unwrap().as_deref(),
        Some(version.as_str())
    );
    replica.load(&version).await.unwrap();
    assert_eq!(replica.serving().as_deref(), Some(version.as_str()));

    let (a, b) = (trained.get().unwrap(), loaded.get().unwrap());
    assert!(a.movie_count() > 10);
    assert_eq!(a.movie_count(), b.movie_count());
    let chart = |r: &nextflex_app::recommender::Recommender| {
        format!("{:?}", r.top_rated(ChartSource::Ratings, None, 20))
    };
    assert_eq!(chart(&a), chart(&b));
    assert_eq!(
        format!("{:?}", a.popular(None, 20)),
        format!("{:?}", b.popular(None, 20))
    );
    let first = a.popular(None, 1)[0].id;
    let similar =
        |r: &nextflex_app::recommender::Recommender| format!("{:?}", r.similar(first, 10));
    assert_eq!(similar(&a), similar(&b));
    let ratings: Vec<(i64, f32)> = a.popular(None, 3).iter().map(|m| (m.id, 5.0)).collect();
    let personal = |r: &nextflex_app::recommender::Recommender| {
        let history = nextflex_app::user_history::History::of_ratings(ratings.clone());
        format!("{:?}", r.for_user(&history, 10, None))
    };
    assert!(personal(&a).contains("Personal"), "{}", personal(&a));
    assert_eq!(personal(&a), personal(&b));

    // The version records how it was tuned, and the model it stored was fitted with what the
    // record says was chosen.
    let record = nextflex_store::db::model_versions::get(&db, &version)
        .await
        .unwrap();
    let tuning = &record.params.0["tuning"];
    let ease = &tuning["models"][0];
    assert_eq!(ease["model"], "ease", "{tuning}");
    assert!(ease["trials"].as_u64().unwrap() >= 1, "{tuning}");
    assert!(ease["space"].as_array().unwrap().len() >= 5, "{tuning}");
    let stored = replica.stored_ranking(&version).await.unwrap();
    let model = match &stored {
        RankingModel::Ease(m) => m,
        RankingModel::Blend(m) => m.ease(),
        RankingModel::Ials(_) => panic!("not EASE: {tuning}"),
    };
    assert_eq!(
        ease["chosen"]["lambda"].as_f64(),
        Some(model.params().lambda),
        "{tuning}"
    );
    assert_eq!(
        record.params.0["ranking"]["ease_lambda"].as_f64(),
        Some(model.params().lambda)
    );
    let weight = ease["chosen"]["negative_weight"].as_f64().unwrap();
    assert!(
        (weight - f64::from(model.params().negative_weight)).abs() < 1e-6,
        "{tuning}"
    );
}

/// A blend of EASE and iALS, with a time decay, is stored and served as it was trained: the
/// weight, the half-lives and the explicit ALS's day penalty round-trip through the artifact,
/// and a user whose ratings have times gets the same list and stars from the loaded version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blend_with_a_time_decay_round_trips_through_the_artifact() {
    let (_tdb, db, storage) = catalogue().await;
    let mut settings = RecommenderSettings {
        tuning: TuningSettings::off(),
        ..RecommenderSettings::default()
    };
    settings.ranking.ials_blend = 0.5;
    settings.ranking.ease.half_life_days = 30.0;
    settings.ranking.ease.min_likes = 1;
    settings.als.half_life_days = 90.0;
    settings.als.day_lambda = 10.0;
    let shared = Arc::new(SharedRecommender::default());
    let trainer = Models::new(db.clone(), storage.clone(), shared.clone(), settings);
    let version = trainer.train("test").await.unwrap();
    let (replica, loaded) = models(&db, &storage);
    replica.load(&version).await.unwrap();
    let RankingModel::Blend(blend) = replica.stored_ranking(&version).await.unwrap() else {
        panic!("the stored model is not the blend");
    };
    assert_eq!(blend.ials_weight(), 0.5);
    assert_eq!(blend.ease().params().half_life_days, 30.0);
    let record = nextflex_store::db::model_versions::get(&db, &version)
        .await
        .unwrap();
    assert_eq!(record.params.0["ranking"]["ials_blend"], json!(0.5));
    assert_eq!(
        record.params.0["ranking"]["ease_half_life_days"],
        json!(30.0)
    );
    assert_eq!(record.params.0["half_life_days"], json!(90.0));
    assert_eq!(record.params.0["day_lambda"], json!(10.0));

    let (a, b) = (shared.get().unwrap(), loaded.get().unwrap());
    let popular: Vec<i64> = a.popular(None, 5).iter().map(|m| m.id).collect();
    let (picks, other) = (&popular[..4], popular[4]);
    let day = 86_400;
    let history = History {
        ratings: picks.iter().map(|&id| (id, 5.0)).collect(),
        rated_at: vec![400 * day, 300 * day, 200 * day, 100 * day],
        ..History::default()
    };
    let list = |r: &nextflex_app::recommender::Recommender| {
        format!("{:?}", r.for_user(&history, 10, None))
    };
    assert!(list(&a).contains("Personal"), "{}", list(&a));
    assert_eq!(list(&a), list(&b));
    // The times count: the same ratings without them rank otherwise.
    let untimed = History::of_ratings(history.ratings.clone());
    assert_ne!(format!("{:?}", a.for_user(&untimed, 10, None)), list(&a));
    // The explicit ALS's half-life came back with it: the stars fold the times in alike.
    let stars = |r: &nextflex_app::recommender::Recommender, at: &[i64]| {
        r.predicted_rating(&history.ratings, at, other)
    };
    assert!(stars(&a, &history.rated_at).is_some());
    assert_eq!(stars(&a, &history.rated_at), stars(&b, &history.rated_at));
    assert_ne!(stars(&a, &history.rated_at), stars(&a, &[]));
    // So did the day penalty: two films rated today bring today's bias into the stars for
    // watching one now, and the same ratings two days earlier (the same ages) do not.
    let now = nextflex_store::clock::now();
    let today = [400 * day, 300 * day, now - 1, now];
    let before: Vec<i64> = today.iter().map(|t| t - 2 * day).collect();
    assert_eq!(stars(&a, &today), stars(&b, &today));
    assert_ne!(stars(&a, &today), stars(&a, &before));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_artifacts_are_refused_whole() {
    let (_tdb, db, storage) = catalogue().await;
    let (trainer, shared) = models(&db, &storage);
    let version = trainer.train("test").await.unwrap();
    let key = format!("models/{version}/snapshot.bin");
    let good = storage.get(&key).await.unwrap().unwrap().to_vec();
    let serving = shared.get().unwrap();

    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let mut other_format = good.clone();
    other_format[8..12].copy_from_slice(&99u32.to_le_bytes());
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("flipped byte", flipped, "checksum"),
        ("truncated", good[..good.len() / 2].to_vec(), "checksum"),
        ("other format", other_format, "format version is 99"),
        (
            "foreign",
            b"PK\x03\x04 a zip file".to_vec(),
            "not a NextFlex model",
        ),
    ];
    for (name, bytes, expected) in cases {
        storage.put(&key, bytes).await.unwrap();
        let err = trainer.load(&version).await.unwrap_err().to_string();
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            Arc::ptr_eq(&serving, &shared.get().unwrap()),
            "{name}: the old model still serves"
        );
    }
    storage.delete_logged(std::slice::from_ref(&key)).await;
    let err = trainer.load(&version).await.unwrap_err().to_string();
    assert!(err.contains("no artifact"), "{err}");

    // Start-up with an unloadable active version trains a new one instead.
    let (fresh, fresh_shared) = models(&db, &storage);
    fresh.start(true).await.unwrap();
    assert!(fresh_shared.get().is_some());
    assert_ne!(fresh.serving(), Some(version));
}

/// While the first model trains, the charts and search already serve (a partial snapshot):
/// similar movies and personal recommendations answer 503 `warming_up`, and `/readyz` is ready
/// with `model: warming_up`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_serve_while_the_first_model_trains() {
    let (_tdb, db, storage) = catalogue().await;
    let (models, shared) = models(&db, &storage);
    let partial = RecommenderSettings {
        plan: nextflex_app::recommender::Plan::Charts,
        ..RecommenderSettings::default()
    };
    shared.set(
        nextflex_app::recommender::build(&db, &storage, &partial)
            .await
            .unwrap(),
    );
    let app = serve(&db, &storage, models).await;

    let (status, popular) = app
        .call("GET", "/api/charts/popular?limit=3", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{popular}");
    let id = popular[0]["id"].as_i64().unwrap();
    for path in [
        "/api/charts/top-rated?limit=3",
        "/api/movies?q=toy",
        "/api/genres",
    ] {
        assert_eq!(
            app.call("GET", path, None, None).await.0,
            StatusCode::OK,
            "{path}"
        );
    }
    let (status, body) = app
        .call("GET", &format!("/api/movies/{id}/similar"), None, None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("warming_up"))
    );
    let (token, _) = app.user("early@example.com").await;
    let (status, _) = app
        .call("GET", "/api/me/recommendations", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(ready["checks"]["model"], "warming_up");
}

/// Requests keep succeeding while versions are swapped underneath them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swaps_under_concurrent_requests_fail_nothing() {
    let (app, tdb) = app(Backend::Sqlite, &unlimited()).await.unwrap();
    let (user, _) = app.user("reader@example.com").await;
    app.user("ops@example.com").await;
    tdb.make_admin("ops@example.com").await;
    let (admin, _) = app.login("ops@example.com", PASSWORD).await;
    let (_, found) = app
        .call("GET", "/api/movies?q=toy%20story", None, None)
        .await;
    let id = found["results"][0]["id"].as_i64().unwrap();
    let (status, _) = app
        .put(
            &format!("/api/movies/{id}/rating"),
            Some(&user),
            json!({"rating": 5.0}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let app = Arc::new(app);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for n in 0..4 {
        let (app, stop, user) = (app.clone(), stop.clone(), user.clone());
        readers.push(tokio::spawn(async move {
            let mut answered = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let path = match n % 3 {
                    0 => format!("/api/movies/{id}/similar?k=5"),
                    1 => "/api/charts/top-rated?limit=5".to_string(),
                    _ => "/api/me/recommendations?k=5".to_string(),
                };
                let (status, body) = app.call("GET", &path, Some(&user), None).await;
                assert_eq!(status, StatusCode::OK, "{path}: {body}");
                answered += 1;
            }
            answered
        }));
    }
    let mut versions = Vec::new();
    for _ in 0..3 {
        let (status, body) = app
            .call("POST", "/api/admin/models/retrain", Some(&admin), None)
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let done = app.wait_for_training(&admin).await;
        assert_eq!(done["training"]["state"], "idle", "{done}");
        versions.push(done["current"].as_str().unwrap().to_owned());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        assert!(reader.await.unwrap() > 0);
    }
    versions.dedup();
    assert_eq!(
        versions.len(),
        3,
        "each retrain made a new version: {versions:?}"
    );
}

/// A "training" version whose heartbeat stopped longer ago than the lease (its process was
/// killed) is marked failed, and what its write left in storage (a local store's staging file)
/// is removed; a training that is alive is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_training_whose_process_died_is_marked_failed() {
    use nextflex_store::db::model_versions::{self, VersionStatus};
    let dir = tempfile::tempdir().unwrap();
    let objects = dir.path().join("objects");
    let (_tdb, db, storage) = catalogue_on(&StorageConfig::Local(objects.clone())).await;
    for version in ["v100-dead", "v200-alive"] {
        model_versions::start(&db, version, "schedule", &json!({}))
            .await
            .unwrap();
    }
    let an_hour_ago = nextflex_store::clock::now() - 3600;
    sqlx::query(db.sql("UPDATE model_versions SET created_at = ? WHERE version = 'v100-dead'"))
        .bind(an_hour_ago)
        .execute(db.pool())
        .await
        .unwrap();
    let partial = objects.join("models/v100-dead/snapshot.bin#1");
    std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
    std::fs::write(&partial, b"half an artifact").unwrap();

    let (models, _) = models(&db, &storage);
    models.reap_abandoned().await.unwrap();
    let dead = model_versions::get(&db, "v100-dead").await.unwrap();
    assert_eq!(dead.status, VersionStatus::Failed);
    assert!(
        dead.error
            .as_deref()
            .unwrap_or_default()
            .contains("process ended"),
        "{:?}",
        dead.error
    );
    assert!(
        !objects.join("models/v100-dead").exists(),
        "partial objects left"
    );
    let alive = model_versions::get(&db, "v200-alive").await.unwrap();
    assert_eq!(alive.status, VersionStatus::Training);
}

/// The first training cannot store its artifact (where the store writes models is blocked):
/// readiness answers 503 with the model `failed` and the reason, the charts keep serving, and
/// the training is tried again after a pause until it succeeds once the store takes writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_training_that_cannot_be_stored_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let objects = dir.path().join("objects");
    let (_tdb, db, storage) = catalogue_on(&StorageConfig::Local(objects.clone())).await;
    let blocked = objects.join("models");
    std::fs::write(&blocked, b"in the way").unwrap();
    let (models, _) = models(&db, &storage);
    models.start(false).await.unwrap();
    let app = serve(&db, &storage, Arc::clone(&models)).await;
    let wait = std::time::Duration::from_secs(30);
    assert_eq!(app.wait_for_status("/readyz", 503, wait).await, 503);
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["checks"]["model"], "failed", "{ready}");
    assert!(
        ready["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{ready}"
    );
    assert_eq!(
        app.call("GET", "/api/charts/popular?limit=3", None, None)
            .await
            .0,
        StatusCode::OK
    );
    std::fs::remove_file(&blocked).unwrap();
    assert_eq!(app.wait_for_status("/readyz", 200, wait).await, 200);
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["checks"]["model"], "ok", "{ready}");
    assert!(models.serves_a_full_model());
}

/// Similar-movie answers are kept per snapshot: asked again, the same bytes come back; once
/// another snapshot serves (here one built after a new rating), the answers are its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_answers_follow_the_snapshot_in_service() {
    let (_tdb, db, storage) = catalogue().await;
    let (models, shared) = models(&db, &storage);
    let settings = RecommenderSettings::default();
    let build = || nextflex_app::recommender::build(&db, &storage, &settings);
    shared.set(build().await.unwrap());
    let app = serve(&db, &storage, models).await;
    let (_, popular) = app
        .call("GET", "/api/charts/popular?limit=1", None, None)
        .await;
    let id = popular[0]["id"].as_i64().unwrap();
    let path = format!("/api/movies/{id}/similar?k=3");
    let ask = || async {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/json");
        response.json::<serde_json::Value>().await.unwrap()
    };
    let first = ask().await;
    assert_eq!(ask().await, first, "asked again");
    let count = first["movie"]["rating"]["count"].as_u64().unwrap();

    let (token, _) = app.user("rater@example.com").await;
    let (status, body) = app
        .put(
            &format!("/api/movies/{id}/rating"),
            Some(&token),
            json!({"rating": 4.5}),
        )
        .await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(ask().await, first, "the same snapshot serves");
    shared.set(build().await.unwrap());
    let after = ask().await;
    assert_eq!(after["movie"]["rating"]["count"], count + 1, "{after}");
}
