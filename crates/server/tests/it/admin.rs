//! The admin routes on every backend: who may call them, the dashboard's counts and tables, and
//! model versions (retrain in the background, swap, a failed training that keeps serving).

use std::sync::Arc;
use std::time::Duration;

use nextflex_app::model_versions::Models;
use nextflex_app::recommender::{RecommenderSettings, SharedRecommender};
use nextflex_store::db::model_versions::{self, VersionStatus};
use nextflex_store::storage::Storage;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{Backend, PASSWORD, TestApp, TestDb, app, unlimited};

/// The dashboard's cast: a fan who rated Toy Story 5, Jumanji 4 and Heat 4, and an admin. Returns
/// the app, its database, the fan's access and refresh tokens and the admin's access token.
async fn fan_and_boss(backend: Backend) -> Option<(TestApp, TestDb, String, String, String)> {
    let (app, tdb) = app(backend, &unlimited()).await?;
    let (user, user_refresh) = app.user("fan@example.com").await;
    app.user("boss@example.com").await;
    tdb.make_admin("boss@example.com").await;
    let (admin, _) = app.login("boss@example.com", PASSWORD).await;
    for (q, stars) in [("toy story", 5.0), ("jumanji", 4.0), ("heat", 4.0)] {
        let (_, found) = app
            .call("GET", &format!("/api/movies?q={q}"), None, None)
            .await;
        let id = found["results"][0]["id"].as_i64().unwrap();
        let path = format!("/api/movies/{id}/rating");
        let (status, _) = app.put(&path, Some(&user), json!({"rating": stars})).await;
        assert_eq!(status, StatusCode::OK);
    }
    Some((app, tdb, user, user_refresh, admin))
}

/// The fan's row in the admin's user list.
async fn fan(app: &TestApp, admin: &str) -> Value {
    let (_, page) = app
        .call("GET", "/api/admin/users?q=FAN", Some(admin), None)
        .await;
    assert_eq!(page["count"], 1);
    page["results"][0].clone()
}

/// Every admin route: 401 without a login, 403 for a user who is not an admin.
async fn admin_routes_refuse_guests_and_users(backend: Backend) {
    let Some((app, _tdb, user, _, _)) = fan_and_boss(backend).await else {
        return;
    };
    for (method, path) in [
        ("GET", "/api/admin/stats"),
        ("GET", "/api/admin/users"),
        ("PATCH", "/api/admin/users/1"),
        ("DELETE", "/api/admin/users/1"),
        ("GET", "/api/admin/ratings"),
        ("DELETE", "/api/admin/ratings/1/1"),
        ("GET", "/api/admin/models"),
        ("POST", "/api/admin/models/retrain"),
    ] {
        let body = (method == "PATCH").then(|| json!({"first_name": "x"}));
        let (status, _) = app.call(method, path, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let (status, reply) = app.call(method, path, Some(&user), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {reply}");
        assert_eq!(reply["error"]["code"], "permission_denied");
    }
}

/// The dashboard's figures: users, admins, ratings by value and by day, genres, top raters.
async fn admin_stats_count_users_ratings_posts_and_genres(backend: Backend) {
    let Some((app, _tdb, _, _, admin)) = fan_and_boss(backend).await else {
        return;
    };
    let (status, stats) = app
        .call("GET", "/api/admin/stats", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(
        (stats["users"].as_i64(), stats["admins"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        (stats["ratings"].as_i64(), stats["posts"].as_i64()),
        (Some(3), Some(0))
    );
    assert!(stats["movies"].as_i64().unwrap() > 3);
    assert_eq!(
        stats["rating_distribution"],
        json!([{"rating": 4.0, "count": 2}, {"rating": 5.0, "count": 1}])
    );
    let days = stats["ratings_per_day"].as_array().unwrap();
    assert_eq!(days.len(), 1, "{days:?}");
    assert_eq!(days[0]["count"], 3);
    assert_eq!(days[0]["day"].as_str().unwrap().len(), 10);
    assert!(
        stats["genres"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["genre"] == "Comedy")
    );
    assert_eq!(
        stats["top_users"],
        json!([{"id": stats["top_users"][0]["id"], "email": "fan@example.com", "ratings": 3}])
    );
}

/// Users: search (a `%` is literal), pages, edits; an admin cannot demote or delete themselves, and a deactivated user can neither log in nor refresh.
async fn admin_users_are_searched_paged_and_edited(backend: Backend) {
    let Some((app, _tdb, _, user_refresh, admin)) = fan_and_boss(backend).await else {
        return;
    };
    // Users: search, pages, edit.
    let fan = fan(&app, &admin).await;
    assert_eq!(
        (fan["ratings"].as_i64(), fan["is_admin"].as_bool()),
        (Some(3), Some(false))
    );
    let (_, page) = app
        .call(
            "GET",
            "/api/admin/users?page_size=1&page=2",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(
        (page["count"].as_i64(), page["pages"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    let (_, page) = app
        .call("GET", "/api/admin/users?q=%25", Some(&admin), None)
        .await;
    assert_eq!(page["count"], 0, "a % in the search is literal");

    let me = app
        .call("GET", "/auth/users/me/", Some(&admin), None)
        .await
        .1;
    let my_path = format!("/api/admin/users/{}", me["id"]);
    let (status, body) = app
        .patch(&my_path, Some(&admin), json!({"is_admin": false}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        app.delete(&my_path, Some(&admin)).await,
        StatusCode::BAD_REQUEST
    );

    let fan_path = format!("/api/admin/users/{}", fan["id"]);
    let (status, body) = app
        .patch(
            &fan_path,
            Some(&admin),
            json!({"first_name": "Ada", "is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["first_name"], &body["is_active"]),
        (&json!("Ada"), &json!(false))
    );
    let (status, _) = app.try_login("fan@example.com", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a deactivated user cannot log in"
    );
    let (status, _) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": user_refresh}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nor refresh");
    let (status, _) = app
        .patch(&fan_path, Some(&admin), json!({"is_boss": true}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .patch("/api/admin/users/999999", Some(&admin), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Ratings: search by title, delete once (then 404).
async fn admin_ratings_are_searched_and_deleted(backend: Backend) {
    let Some((app, tdb, _, _, admin)) = fan_and_boss(backend).await else {
        return;
    };
    // Ratings: search and delete.
    let (_, page) = app
        .call("GET", "/api/admin/ratings?q=jumanji", Some(&admin), None)
        .await;
    assert_eq!(page["count"], 1, "{page}");
    let row = &page["results"][0];
    assert_eq!(
        (&row["user"]["email"], &row["rating"]),
        (&json!("fan@example.com"), &json!(4.0))
    );
    let path = format!(
        "/api/admin/ratings/{}/{}",
        row["user"]["id"], row["movie"]["id"]
    );
    assert_eq!(
        app.delete(&path, Some(&admin)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.delete(&path, Some(&admin)).await, StatusCode::NOT_FOUND);
    assert_eq!(tdb.count("ratings").await, 2);
}

/// A retrain is recorded with its metrics and swapped in while the API answers; deleting a user takes their ratings.
async fn admin_retrain_is_recorded_and_deleting_a_user_takes_their_data(backend: Backend) {
    let Some((app, tdb, _, _, admin)) = fan_and_boss(backend).await else {
        return;
    };
    // Models: a retrain is recorded with its metrics and swapped in; the API keeps answering.
    let (status, body) = app
        .call("POST", "/api/admin/models/retrain", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let models = app.wait_for_training(&admin).await;
    assert_eq!(models["training"]["state"], "idle", "{models}");
    let v = &models["versions"][0];
    assert_eq!(
        (&v["status"], &v["active"], &v["trained_by"]),
        (&json!("ready"), &json!(true), &json!("admin"))
    );
    assert_eq!(models["current"], v["version"]);
    assert!(v["metrics"]["rmse"].as_f64().unwrap() > 0.0, "{v}");
    assert!(v["data_sizes"]["app_ratings"].as_i64() == Some(3), "{v}");
    assert!(v["timings"]["total_seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(
        app.call("GET", "/api/charts/popular", None, None).await.0,
        StatusCode::OK
    );
    let fan_path = format!("/api/admin/users/{}", fan(&app, &admin).await["id"]);
    // Deleting a user takes their data with them.
    assert_eq!(
        app.delete(&fan_path, Some(&admin)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(tdb.count("ratings").await, 0);
    assert_eq!(
        app.delete(&fan_path, Some(&admin)).await,
        StatusCode::NOT_FOUND
    );
}

backend_tests!(
    admin_routes_refuse_guests_and_users,
    admin_stats_count_users_ratings_posts_and_genres,
    admin_users_are_searched_paged_and_edited,
    admin_ratings_are_searched_and_deleted,
    admin_retrain_is_recorded_and_deleting_a_user_takes_their_data,
    nul_characters_are_refused
);

/// A training that fails (here: a dataset that does not exist) records its error and leaves the
/// model in service untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_training_keeps_serving() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    db.migrate().await.unwrap();
    let storage = Storage::open(&nextflex_store::config::StorageConfig::Memory)
        .await
        .unwrap();
    let shared = Arc::new(SharedRecommender::default());
    let good = Models::new(
        db.clone(),
        storage.clone(),
        shared.clone(),
        RecommenderSettings::default(),
    );
    let version = good.train("test").await.unwrap();
    let before = shared.get().unwrap();

    let bad = Models::new(
        db.clone(),
        storage,
        shared.clone(),
        RecommenderSettings {
            dataset: Some("no-such-dataset".into()),
            ..RecommenderSettings::default()
        },
    );
    let err = bad.train("test").await.unwrap_err();
    assert!(err.to_string().contains("no-such-dataset"), "{err}");
    assert!(
        Arc::ptr_eq(&before, &shared.get().unwrap()),
        "the old snapshot still serves"
    );
    let training = bad.training();
    assert_eq!(
        training.state,
        nextflex_app::model_versions::TrainingState::Failed
    );
    assert!(training.error.unwrap().contains("no-such-dataset"));

    let versions = model_versions::list(&db, 10).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        (versions[0].status, versions[0].active.0),
        (VersionStatus::Failed, false)
    );
    assert!(
        versions[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no-such-dataset")
    );
    assert_eq!(
        (versions[1].version.as_str(), versions[1].active.0),
        (version.as_str(), true)
    );
}

/// An account an admin shuts stays shut: its live access token gets 401 on every authenticated
/// route at once on the replica that shut it, and within `ACCOUNT_RECHECK` on another replica of
/// the same database; a deleted account's token gets 401, not a database error; a reactivated
/// account's tokens of before stay dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shut_account_is_shut_on_every_replica() {
    let Some((app, tdb)) = app(Backend::Sqlite, &unlimited()).await else {
        return;
    };
    // A second replica: the same database and object store.
    let other = TestApp::spawn_on(
        &tdb.config(),
        Some(nextflex_store::config::StorageConfig::Local(
            app.storage_dir.clone(),
        )),
        &[],
        &[],
        &unlimited(),
    )
    .await;
    let (fan, _) = app.user("fan@example.com").await;
    let (gone, _) = app.user("gone@example.com").await;
    app.user("boss@example.com").await;
    tdb.make_admin("boss@example.com").await;
    let (admin, _) = app.login("boss@example.com", PASSWORD).await;
    let (_, users) = app
        .call("GET", "/api/admin/users?q=example.com", Some(&admin), None)
        .await;
    let id_of = |email: &str| {
        users["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (fan_id, gone_id) = (id_of("fan@example.com"), id_of("gone@example.com"));
    // Both replicas have seen both accounts open.
    for replica in [&app, &other] {
        for token in [&fan, &gone] {
            let (status, body) = replica
                .call("GET", "/api/me/ratings", Some(token), None)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
    let (status, body) = app
        .patch(
            &format!("/api/admin/users/{fan_id}"),
            Some(&admin),
            json!({"is_active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/admin/users/{gone_id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // At once where it was done.
    for token in [&fan, &gone] {
        shut_out(&app, token).await.unwrap();
    }
    // Within the recheck interval on the other replica.
    tokio::time::sleep(nextflex::http::tokens::ACCOUNT_RECHECK + Duration::from_millis(200)).await;
    for token in [&fan, &gone] {
        shut_out(&other, token).await.unwrap();
    }
    // The admin's own token still works.
    assert_eq!(
        app.call("GET", "/api/admin/stats", Some(&admin), None)
            .await
            .0,
        StatusCode::OK
    );
    // Reactivated, the account logs in again, but the tokens of before stay dead everywhere.
    let (status, body) = app
        .patch(
            &format!("/api/admin/users/{fan_id}"),
            Some(&admin),
            json!({"is_active": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(nextflex::http::tokens::ACCOUNT_RECHECK + Duration::from_millis(200)).await;
    for replica in [&app, &other] {
        shut_out(replica, &fan).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1100)).await; // past the deactivation's second
    let (fresh, _) = app.login("fan@example.com", PASSWORD).await;
    for replica in [&app, &other] {
        let (status, body) = replica
            .call("GET", "/api/me/ratings", Some(&fresh), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// Checks that `token` gets 401 on authenticated routes of `replica`.
async fn shut_out(replica: &TestApp, token: &str) -> Result<(), String> {
    let routes = [
        ("PUT", "/api/movies/1/rating", Some(json!({"rating": 4.0}))),
        ("GET", "/api/me/recommendations", None),
        ("GET", "/auth/users/me/", None),
        ("POST", "/api/posts", Some(json!({"title": "x"}))),
        ("GET", "/api/movies/1", None),
    ];
    for (method, path, body) in routes {
        let (status, answer) = replica.call(method, path, Some(token), body).await;
        if status != StatusCode::UNAUTHORIZED {
            return Err(format!("{method} {path}: {status} {answer}"));
        }
    }
    Ok(())
}

/// A NUL character (which PostgreSQL cannot store) in any text gets 400 naming it, and leaves
/// the data as it was: JSON bodies, query strings and form fields alike.
async fn nul_characters_are_refused(backend: Backend) {
    let Some((app, tdb)) = app(backend, &unlimited()).await else {
        return;
    };
    app.user("boss@example.com").await;
    tdb.make_admin("boss@example.com").await;
    let (admin, _) = app.login("boss@example.com", PASSWORD).await;
    let (status, body) = app
        .patch(
            "/auth/users/me/",
            Some(&admin),
            json!({"first_name": "Ann\u{0}e"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("NUL"),
        "{body}"
    );
    let (_, me) = app.call("GET", "/auth/users/me/", Some(&admin), None).await;
    assert_eq!(me["first_name"], "", "{me}");
    // A lone surrogate is not text either: JSON that escapes one is refused as unreadable.
    let response = app
        .client
        .patch(app.url("/auth/users/me/"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(r#"{"first_name": "Ann\ud800e"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (_, me) = app.call("GET", "/auth/users/me/", Some(&admin), None).await;
    assert_eq!(me["first_name"], "", "{me}");
    let (status, body) = app
        .call("GET", "/api/admin/users?q=a%00b", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let form = reqwest::multipart::Form::new()
        .text("title", "Heat\u{0}")
        .text("content", "x");
    let response = app
        .client
        .post(app.url("/api/posts"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["fields"]["title"].is_array() || body["error"]["fields"]["title"].is_string(),
        "{body}"
    );
    assert_eq!(tdb.count("posts").await, 0);
}
