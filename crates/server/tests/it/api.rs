//! The HTTP API against a real server on port 0, on every backend: accounts and tokens, the
//! catalogue, charts, similar movies, ratings and recommendations that follow them.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nextflex::http::ApiSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::backend_tests;
use crate::helpers::{
    Backend, PASSWORD, TEST_SECRET, TestApp, app, app_with_user, retry_after, unlimited,
};

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

fn field<'a>(body: &'a Value, name: &str) -> Vec<&'a str> {
    body["error"]["fields"][name]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The titles of the movies listed under `key`.
fn titles(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The Dark Knight's id in the test catalogue.
async fn dark_knight(app: &TestApp) -> i64 {
    let (_, body) = app
        .call("GET", "/api/movies?q=the+dark+knight", None, None)
        .await;
    body["results"][0]["id"].as_i64().unwrap()
}

/// A token signed with `secret`, carrying `claims`.
fn forge(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// Registration: each rule broken is a field error; an email is taken whatever its case.
async fn registration_rules_are_field_errors(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (status, body) = app
        .post(
            "/auth/users/",
            None,
            json!({"email": "not-an-email", "password": "12345678", "re_password": "1234"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(field(&body, "email"), ["Enter a valid email address."]);
    assert!(
        field(&body, "password").contains(&"This password is entirely numeric."),
        "{body}"
    );
    assert!(!field(&body, "non_field_errors").is_empty(), "{body}");
    let (status, body) = app
        .post(
            "/auth/users/",
            None,
            json!({"email": "ann@example.com", "password": "password", "re_password": "password"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        field(&body, "password").contains(&"This password is too common."),
        "{body}"
    );
    let (status, body) = app.post("/auth/users/", None, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&body, "email"), ["This field is required."]);
    let (status, body) = app.post("/auth/users/", None, json!("not an object")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "parse_error")
    );

    app.user("Ann@Example.com").await;
    let (status, body) = app
        .call(
            "POST",
            "/auth/users/",
            None,
            Some(
                json!({"email": "ann@example.com", "password": PASSWORD, "re_password": PASSWORD}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field(&body, "email"),
        ["A user with that email already exists."]
    );
}

/// Login failures say nothing about which part was wrong; the profile answers `Bearer` and `JWT`.
async fn login_failures_say_nothing_and_either_scheme_works(backend: Backend) {
    let Some((app, _db, access)) = app_with_user(backend, "ann@example.com").await else {
        return;
    };
    for (email, password) in [
        ("ann@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
    ] {
        let (status, body) = app.try_login(email, password).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNAUTHORIZED, "no_active_account")
        );
    }

    // The profile, with either scheme.
    let (status, me) = app
        .call("GET", "/auth/users/me/", Some(&access), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "ann@example.com");
    assert_eq!(me["is_admin"], false);
    let response = app
        .client
        .get(app.url("/auth/users/me/"))
        .header("Authorization", format!("JWT {access}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Expired, foreign, tampered, unsigned, refresh-as-access and garbage tokens: each a 401.
async fn bad_tokens_of_every_kind_are_refused(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (access, refresh) = app.user("ann@example.com").await;
    let (_, me) = app
        .call("GET", "/auth/users/me/", Some(&access), None)
        .await;
    let user_id = me["id"].as_i64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims = |exp: i64, kind: &str| json!({"token_type": kind, "exp": exp, "iat": now - 10, "jti": "x", "user_id": user_id});
    let mut tampered = access.clone();
    tampered.insert(tampered.len() - 3, 'A');
    tampered.pop();
    let header_none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    let payload = access.split('.').nth(1).unwrap();
    let none = format!("{header_none}.{payload}.");
    for (name, token) in [
        ("expired", forge(&claims(now - 1, "access"), TEST_SECRET)),
        (
            "wrong secret",
            forge(
                &claims(now + 600, "access"),
                "another-secret-another-secret-0123",
            ),
        ),
        ("refresh as access", refresh.clone()),
        ("tampered", tampered),
        ("alg none", none),
        ("garbage", "abc".to_owned()),
    ] {
        let (status, body) = app.call("GET", "/auth/users/me/", Some(&token), None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNAUTHORIZED, "token_not_valid"),
            "{name}: {body}"
        );
    }
    let (status, body) = app.call("GET", "/auth/users/me/", None, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "not_authenticated")
    );
    let (status, _) = app
        .post("/auth/jwt/verify/", None, json!({"token": access}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            "/auth/jwt/verify/",
            None,
            json!({"token": forge(&claims(now - 1, "access"), TEST_SECRET)}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Refresh rotates, a reused token ends its whole family, and logout revokes.
async fn refresh_rotates_and_logout_revokes(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (_, refresh) = app.user("ann@example.com").await;
    let (status, pair) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": refresh}))
        .await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    let newer = pair["refresh"].as_str().unwrap().to_owned();
    assert_ne!(newer, refresh);
    let (status, _) = app
        .call(
            "GET",
            "/auth/users/me/",
            Some(pair["access"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": refresh}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "token_not_valid")
    );
    let (status, _) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": newer}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the reuse revoked the newer token too"
    );

    // Logout revokes.
    let (_, refresh) = app.login("ann@example.com", PASSWORD).await;
    let (status, _) = app
        .post("/auth/jwt/logout/", None, json!({"refresh": refresh}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": refresh}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// Profile changes; the email stays.
async fn profile_changes_keep_the_email(backend: Backend) {
    let Some((app, _db, access)) = app_with_user(backend, "ann@example.com").await else {
        return;
    };
    let (status, me) = app
        .patch(
            "/auth/users/me/",
            Some(&access),
            json!({"first_name": "Ann", "last_name": "Lee"}),
        )
        .await;
    assert_eq!(
        (status, me["first_name"].as_str()),
        (StatusCode::OK, Some("Ann"))
    );
    let (status, body) = app
        .patch(
            "/auth/users/me/",
            Some(&access),
            json!({"email": "other@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

/// Password change checks the current one and ends old sessions; deleting the account needs it.
async fn password_change_ends_sessions_and_deletion_needs_it(backend: Backend) {
    let Some((app, _db, access)) = app_with_user(backend, "ann@example.com").await else {
        return;
    };
    let (_, refresh) = app.login("ann@example.com", PASSWORD).await;
    let new_password = "a new and longer secret";
    let (status, body) = app
        .post("/auth/users/set_password/", Some(&access), json!({"current_password": "nope", "new_password": new_password, "re_new_password": new_password}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&body, "current_password"), ["Invalid password."]);
    let (status, _) = app
        .post("/auth/users/set_password/", Some(&access), json!({"current_password": PASSWORD, "new_password": new_password, "re_new_password": new_password}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .post("/auth/jwt/refresh/", None, json!({"refresh": refresh}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (access, _) = app.login("ann@example.com", new_password).await;

    // Deleting the account needs the password; afterwards nothing works.
    let status = app.delete_account(&access, "nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let status = app.delete_account(&access, new_password).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call("GET", "/auth/users/me/", Some(&access), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.try_login("ann@example.com", new_password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The catalogue is paged: a count, pages, and a short last page.
async fn movies_are_paged(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (status, page) = app
        .call("GET", "/api/movies?page_size=10", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"], 45, "44 imported + 1");
    assert_eq!(
        (
            page["pages"].as_u64(),
            page["results"].as_array().unwrap().len()
        ),
        (Some(5), 10)
    );
    let (_, last) = app
        .call("GET", "/api/movies?page_size=10&page=5", None, None)
        .await;
    assert_eq!(last["results"].as_array().unwrap().len(), 5);
}

/// Search forgives case, accents and typos, and finds nothing for nonsense.
async fn search_forgives_case_accents_and_typos(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    // Search: case, accents and typos.
    for q in [
        "the dark knight",
        "THE DÁRK KNIGHT",
        "dark knigth",
        "drak knight",
    ] {
        let (_, body) = app
            .call("GET", &format!("/api/movies?q={q}"), None, None)
            .await;
        let found = titles(&body, "results");
        assert_eq!(
            found.first().map(String::as_str),
            Some("The Dark Knight"),
            "{q}: {found:?}"
        );
        assert!(
            found.contains(&"The Dark Knight Rises".to_owned()),
            "{q}: {found:?}"
        );
    }
    let (_, body) = app.call("GET", "/api/movies?q=zzzzzz", None, None).await;
    assert_eq!(body["count"], 0);
}

/// Genre and year filters narrow the list, in the order asked.
async fn filters_and_sorting_narrow_the_list(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (_, body) = app
        .call(
            "GET",
            "/api/movies?genre=animation&year_from=1990&year_to=1999&sort=title",
            None,
            None,
        )
        .await;
    let found = titles(&body, "results");
    assert!(found.contains(&"Toy Story".to_owned()), "{found:?}");
    assert!(
        found
            .windows(2)
            .all(|w| w[0].to_lowercase() <= w[1].to_lowercase()),
        "{found:?}"
    );
    assert!(body["results"].as_array().unwrap().iter().all(|m| {
        m["genres"]
            .as_array()
            .unwrap()
            .contains(&json!("Animation"))
    }));
    // A length filter says how many films it leaves out for want of a known length: the
    // MovieLens-only films here have none.
    let (_, all) = app.call("GET", "/api/movies", None, None).await;
    assert_eq!(all["left_out"], json!({"no_runtime": 0, "no_language": 0}));
    let (_, long) = app
        .call("GET", "/api/movies?runtime_min=60", None, None)
        .await;
    let no_runtime = long["left_out"]["no_runtime"].as_u64().unwrap();
    assert!(no_runtime > 0, "{long}");
    assert_eq!(
        long["count"].as_u64().unwrap() + no_runtime,
        all["count"].as_u64().unwrap(),
        "{long}"
    );
}

/// Queries out of range or of the wrong type are 400s; an unknown genre is a 404.
async fn bad_list_queries_are_refused(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    for bad in [
        "page=0",
        "page_size=1000",
        "year_from=2000&year_to=1990",
        "sort=best",
        "year_from=abc",
    ] {
        let (status, body) = app
            .call("GET", &format!("/api/movies?{bad}"), None, None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, body) = app.call("GET", "/api/movies?genre=Nope", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

/// One movie, with everything; unknown ids are 404s.
async fn a_movie_has_its_genres_credits_keywords_and_ratings(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let dark_knight = dark_knight(&app).await;
    let (status, movie) = app
        .call("GET", &format!("/api/movies/{dark_knight}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        movie["genres"]
            .as_array()
            .unwrap()
            .contains(&json!("Crime")),
        "{movie}"
    );
    assert!(
        movie["cast"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "Christian Bale")
    );
    assert!(
        movie["crew"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "Christopher Nolan" && c["job"] == "Director")
    );
    assert!(!movie["keywords"].as_array().unwrap().is_empty());
    assert!(movie["rating"]["count"].is_u64());
    assert!(movie.get("my_rating").is_none());
    for missing in ["/api/movies/999999", "/api/movies/999999/similar"] {
        let (status, body) = app.call("GET", missing, None, None).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{missing}"
        );
    }
    let (_, genres) = app.call("GET", "/api/genres", None, None).await;
    assert!(
        genres
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "Comedy" && g["movies"].as_u64() > Some(5))
    );
}

/// The popular, latest and top-rated charts, by genre and by source.
async fn charts_rank_by_popularity_date_and_weighted_rating(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (status, popular) = app
        .call("GET", "/api/charts/popular?limit=3", None, None)
        .await;
    assert_eq!(
        (status, popular.as_array().unwrap().len()),
        (StatusCode::OK, 3)
    );
    let (_, latest) = app
        .call("GET", "/api/charts/latest?limit=2", None, None)
        .await;
    assert_eq!(
        latest
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap())
            .collect::<Vec<_>>(),
        // The newest films with at least 3 ratings: the TMDB-mini ones (2008–2012) have none
        // here; the 1995 ones know only their year.
        ["Toy Story", "Twelve Monkeys"]
    );
    let (_, chart) = app
        .call("GET", "/api/charts/top-rated?limit=5", None, None)
        .await;
    let scores: Vec<f64> = chart["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(
        !scores.is_empty() && scores.windows(2).all(|w| w[0] >= w[1]),
        "{chart}"
    );
    assert!(chart["min_votes"].as_f64().unwrap() > 0.0);
    let (_, chart) = app
        .call(
            "GET",
            "/api/charts/top-rated?source=tmdb&genre=Action",
            None,
            None,
        )
        .await;
    assert_eq!(chart["source"], "tmdb");
    assert!(
        chart["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["genres"].as_array().unwrap().contains(&json!("Action")))
    );
    let (status, _) = app
        .call("GET", "/api/charts/popular?limit=0", None, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Similar movies are exactly k, never the film itself, rated ones first, each with its reason.
async fn similar_movies_are_exactly_k_and_say_why(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let dark_knight = dark_knight(&app).await;
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/movies/{dark_knight}/similar?k=3"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let similar = titles(&body, "results");
    assert_eq!(similar.len(), 3);
    assert!(!similar.contains(&"The Dark Knight".to_owned()));
    // Films fewer than 3 people rated (these TMDB-only ones have no ratings here) only pad the
    // list of a catalogue with ratings: the rated ones come first. Each says why it is there.
    let results = body["results"].as_array().unwrap();
    let rated: Vec<bool> = results
        .iter()
        .map(|m| m["rating"]["count"].as_u64().unwrap_or(0) >= 3)
        .collect();
    assert!(rated.windows(2).all(|w| w[0] || !w[1]), "{body}");
    assert!(
        results
            .iter()
            .all(|m| !m["why"].as_str().unwrap().is_empty()),
        "{body}"
    );
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/movies/{dark_knight}/similar?k=0"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Similar movies by title: case does not count, a title two films share asks which (with their
/// years), and a year in the title picks one.
async fn similar_movies_by_title_ask_which_namesake(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (status, body) = app
        .post(
            "/api/recommend/similar",
            None,
            json!({"title": "the DARK knight", "k": 2}),
        )
        .await;
    assert_eq!(
        (status, titles(&body, "results").len()),
        (StatusCode::OK, 2)
    );
    let (status, body) = app
        .post("/api/recommend/similar", None, json!({"title": "heat"}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "ambiguous_title"),
        "{body}"
    );
    let years: Vec<i64> = body["error"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years.len(), 2, "{body}");
    assert!(years.contains(&1995) && years.contains(&1986));
    let (status, _) = app
        .post(
            "/api/recommend/similar",
            None,
            json!({"title": "Heat (1995)", "k": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// A title no film has is a 404 with close titles to pick; a request without a title is a 400.
async fn similar_movies_of_an_unknown_title_suggest_close_ones(backend: Backend) {
    let Some((app, _db)) = app(backend, &unlimited()).await else {
        return;
    };
    let (status, body) = app
        .post(
            "/api/recommend/similar",
            None,
            json!({"title": "Batman Begns Again"}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{body}"
    );
    let (status, body) = app
        .post(
            "/api/recommend/similar",
            None,
            json!({"title": "Batman Begns"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"]["suggestions"][0]["title"], "Batman Begins",
        "{body}"
    );
    let (status, _) = app
        .post("/api/recommend/similar", None, json!({"k": 2}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Rates Toy Story 5, Jumanji 4.5, Babe 5, Heat 1 and GoldenEye 1.5; their ids in that order.
async fn rate_five(app: &TestApp, t: Option<&str>) -> Vec<i64> {
    let mut rated = Vec::new();
    for (q, stars) in [
        ("toy story", 5.0),
        ("jumanji", 4.5),
        ("babe", 5.0),
        ("heat", 1.0),
        ("goldeneye", 1.5),
    ] {
        let (_, found) = app
            .call("GET", &format!("/api/movies?q={q}"), None, None)
            .await;
        let id = found["results"][0]["id"].as_i64().unwrap();
        let (status, body) = app
            .put(
                &format!("/api/movies/{id}/rating"),
                t,
                json!({"rating": stars}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{q}: {body}");
        rated.push(id);
    }
    rated
}

/// The ids of a list's results, in order.
fn ids(body: &Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

/// Without ratings "For you" says it falls back; five ratings are kept and shown on the movie.
async fn for_you_without_ratings_falls_back_and_ratings_are_kept(backend: Backend) {
    let Some((app, _db, token)) = app_with_user(backend, "rater@example.com").await else {
        return;
    };
    let t = Some(token.as_str());
    let (status, body) = app
        .call("GET", "/api/me/recommendations?k=5", t, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["personalised"].as_bool(), body["fallback"].as_str()),
        (Some(false), Some("no_ratings"))
    );
    assert!(!body["results"].as_array().unwrap().is_empty());
    let rated = rate_five(&app, t).await;
    let (_, mine) = app.call("GET", "/api/me/ratings", t, None).await;
    assert_eq!(mine.as_array().unwrap().len(), 5);
    let (_, movie) = app
        .call("GET", &format!("/api/movies/{}", rated[0]), t, None)
        .await;
    assert_eq!(movie["my_rating"], 5.0);
}

/// "For you" leaves rated films out and says why; a bad rating of its top pick changes the next answer at once; a genre filters it.
async fn for_you_leaves_rated_movies_out_and_follows_a_new_rating_at_once(backend: Backend) {
    let Some((app, _db, token)) = app_with_user(backend, "rater@example.com").await else {
        return;
    };
    let t = Some(token.as_str());
    let rated = rate_five(&app, t).await;
    let (_, first) = app
        .call("GET", "/api/me/recommendations?k=10", t, None)
        .await;
    assert_eq!(first["personalised"], true, "{first}");
    let first_ids = ids(&first);
    assert_eq!(first_ids.len(), 10);
    assert!(
        first_ids.iter().all(|id| !rated.contains(id)),
        "rated movies are left out"
    );
    assert!(
        first["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| !m["because"].as_array().unwrap().is_empty())
    );
    // Rate the top recommendation badly: the next answer reflects it at once.
    let top = first_ids[0];
    let (status, _) = app
        .put(
            &format!("/api/movies/{top}/rating"),
            t,
            json!({"rating": 0.5}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = app
        .call("GET", "/api/me/recommendations?k=10", t, None)
        .await;
    assert!(!ids(&second).contains(&top));
    assert_ne!(ids(&second), first_ids);
    let (_, comedy) = app
        .call("GET", "/api/me/recommendations?k=3&genre=Comedy", t, None)
        .await;
    assert!(
        comedy["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["genres"].as_array().unwrap().contains(&json!("Comedy")))
    );
}

/// Ratings off the scale, unknown movies and missing logins change nothing; a rating can be taken back once.
async fn bad_ratings_change_nothing_and_a_rating_can_be_taken_back(backend: Backend) {
    let Some((app, _db, token)) = app_with_user(backend, "rater@example.com").await else {
        return;
    };
    let t = Some(token.as_str());
    let top = rate_five(&app, t).await[0];
    // Bad input leaves the data as it was.
    for bad in [
        json!({"rating": 4.3}),
        json!({"rating": 6}),
        json!({"rating": 0}),
        json!({}),
        json!({"rating": "five"}),
    ] {
        let (status, _) = app
            .call(
                "PUT",
                &format!("/api/movies/{top}/rating"),
                t,
                Some(bad.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _) = app
        .put("/api/movies/999999/rating", t, json!({"rating": 3}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .put(
            &format!("/api/movies/{top}/rating"),
            None,
            json!({"rating": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, mine) = app.call("GET", "/api/me/ratings", t, None).await;
    assert_eq!(mine.as_array().unwrap().len(), 5);
    let kept = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["movie_id"] == top)
        .unwrap();
    assert_eq!(kept["rating"], 5.0, "the bad requests changed nothing");

    let status = app.delete(&format!("/api/movies/{top}/rating"), t).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let status = app.delete(&format!("/api/movies/{top}/rating"), t).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call("GET", "/api/me/recommendations", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call("GET", "/api/me/recommendations?k=0", t, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// An account with the four films the list tests use (Toy Story, Jumanji, Babe, Heat): the app,
/// its database, the token and their ids in that order.
async fn lists_fixture(
    backend: Backend,
) -> Option<(TestApp, crate::helpers::TestDb, String, Vec<i64>)> {
    let (app, tdb, token) = app_with_user(backend, "lists@example.com").await?;
    let mut ids = Vec::new();
    for q in ["toy story", "jumanji", "babe", "heat"] {
        let (_, found) = app
            .call("GET", &format!("/api/movies?q={q}"), None, None)
            .await;
        ids.push(found["results"][0]["id"].as_i64().unwrap());
    }
    Some((app, tdb, token, ids))
}

/// The movie ids of a watchlist or dismissed list.
fn on(body: &Value) -> Vec<i64> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|e| e["movie_id"].as_i64().unwrap())
        .collect()
}

/// The watchlist is the caller's: adding is idempotent; unknown and malformed ids change nothing.
async fn the_watchlist_adds_once_and_refuses_unknown_movies(backend: Backend) {
    let Some((app, _db, token, ids)) = lists_fixture(backend).await else {
        return;
    };
    let t = Some(token.as_str());
    let (status, body) = app.call("GET", "/api/me/watchlist", t, None).await;
    assert_eq!((status, on(&body)), (StatusCode::OK, Vec::<i64>::new()));
    let (status, _) = app.call("GET", "/api/me/watchlist", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let watch = format!("/api/me/watchlist/{}", ids[0]);
    let (status, body) = app.call("PUT", &watch, t, None).await;
    assert_eq!((status, &body["added"]), (StatusCode::OK, &json!(true)));
    let (status, body) = app.call("PUT", &watch, t, None).await;
    assert_eq!((status, &body["added"]), (StatusCode::OK, &json!(false)));
    for (bad, refused) in [
        ("99999999", StatusCode::NOT_FOUND),
        ("abc", StatusCode::BAD_REQUEST),
        ("-1", StatusCode::BAD_REQUEST),
    ] {
        let (status, body) = app
            .call("PUT", &format!("/api/me/watchlist/{bad}"), t, None)
            .await;
        assert_eq!(status, refused, "{bad}: {body}");
    }
    let (_, body) = app.call("GET", "/api/me/watchlist", t, None).await;
    assert_eq!(on(&body), vec![ids[0]]);
    assert_eq!(body[0]["movie"]["id"], ids[0], "{body}");
}

/// Dismissing takes a movie off the watchlist; watching it again un-dismisses it; rating it takes
/// it off the watchlist.
async fn dismissing_watching_and_rating_move_a_film_between_lists(backend: Backend) {
    let Some((app, _db, token, ids)) = lists_fixture(backend).await else {
        return;
    };
    let t = Some(token.as_str());
    let watch = format!("/api/me/watchlist/{}", ids[0]);
    app.call("PUT", &watch, t, None).await;
    let (status, _) = app
        .call("PUT", &format!("/api/me/dismissed/{}", ids[0]), t, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = app.call("GET", "/api/me/watchlist", t, None).await;
    assert_eq!(on(&body), Vec::<i64>::new());
    let (_, body) = app.call("GET", "/api/me/dismissed", t, None).await;
    assert_eq!(on(&body), vec![ids[0]]);
    let status = app.delete(&watch, t).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "it is not on the watchlist");
    app.call("PUT", &watch, t, None).await;
    let (_, body) = app.call("GET", "/api/me/dismissed", t, None).await;
    assert_eq!(on(&body), Vec::<i64>::new());

    // Rating a movie takes it off the watchlist.
    app.call(
        "PUT",
        &format!("/api/movies/{}/rating", ids[0]),
        t,
        Some(json!({"rating": 5})),
    )
    .await;
    let (_, body) = app.call("GET", "/api/me/watchlist", t, None).await;
    assert_eq!(on(&body), Vec::<i64>::new());
}

/// "Seen" is a third list: marking a film seen takes it off the watchlist and out of "For you";
/// a rated film is seen already (nothing is added); rating a seen film takes it off; unmarking
/// it brings it back.
async fn a_film_seen_without_a_rating_is_listed_and_leaves_for_you(backend: Backend) {
    let Some((app, _db, token, ids)) = lists_fixture(backend).await else {
        return;
    };
    let t = Some(token.as_str());
    for (id, stars) in [(ids[0], 5.0), (ids[1], 4.5), (ids[2], 5.0)] {
        app.put(
            &format!("/api/movies/{id}/rating"),
            t,
            json!({"rating": stars}),
        )
        .await;
    }
    let for_you = "/api/me/recommendations?k=5";
    let (_, before) = app.call("GET", for_you, t, None).await;
    let first = before["results"][0]["id"].as_i64().unwrap();
    app.call("PUT", &format!("/api/me/watchlist/{first}"), t, None)
        .await;
    let seen = format!("/api/me/seen/{first}");
    let (status, body) = app.call("PUT", &seen, t, None).await;
    assert_eq!(
        (status, body["added"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (_, body) = app.call("GET", "/api/me/seen", t, None).await;
    assert_eq!(on(&body), vec![first]);
    let (_, body) = app.call("GET", "/api/me/watchlist", t, None).await;
    assert_eq!(on(&body), Vec::<i64>::new(), "seen leaves the watchlist");
    let (_, after) = app.call("GET", for_you, t, None).await;
    let picks: Vec<i64> = after["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(!picks.contains(&first), "{after}");

    let (status, body) = app
        .call("PUT", &format!("/api/me/seen/{}", ids[0]), t, None)
        .await;
    assert_eq!(
        (status, body["added"].as_bool()),
        (StatusCode::OK, Some(false)),
        "rated is seen"
    );
    app.put(
        &format!("/api/movies/{first}/rating"),
        t,
        json!({"rating": 3}),
    )
    .await;
    let (_, body) = app.call("GET", "/api/me/seen", t, None).await;
    assert_eq!(on(&body), Vec::<i64>::new(), "rated: no longer merely seen");
    assert_eq!(app.delete(&seen, t).await, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&format!("/api/movies/{first}/rating"), t).await,
        StatusCode::NO_CONTENT
    );
    app.call("PUT", &seen, t, None).await;
    assert_eq!(app.delete(&seen, t).await, StatusCode::NO_CONTENT);
    let (status, _) = app.call("PUT", "/api/me/seen/99999999", t, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A dismissed movie leaves "For you" at once, the list stays full, and undoing brings it back.
async fn a_dismissed_film_leaves_for_you_at_once(backend: Backend) {
    let Some((app, _db, token, ids)) = lists_fixture(backend).await else {
        return;
    };
    let t = Some(token.as_str());
    app.put(
        &format!("/api/movies/{}/rating", ids[0]),
        t,
        json!({"rating": 5}),
    )
    .await;
    for (id, stars) in [(ids[1], 4.5), (ids[2], 5.0), (ids[3], 1.0)] {
        app.put(
            &format!("/api/movies/{id}/rating"),
            t,
            json!({"rating": stars}),
        )
        .await;
    }
    let picks = |body: &Value| -> Vec<i64> {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    let for_you = "/api/me/recommendations?k=5";
    let (_, before) = app.call("GET", for_you, t, None).await;
    assert_eq!(before["personalised"], true, "{before}");
    let first = picks(&before)[0];
    let dismiss = format!("/api/me/dismissed/{first}");
    let (status, _) = app.call("PUT", &dismiss, t, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = app.call("GET", for_you, t, None).await;
    assert!(!picks(&after).contains(&first), "{after}");
    assert_eq!(picks(&after).len(), picks(&before).len());
    assert!(
        picks(&before)[1..4]
            .iter()
            .all(|id| picks(&after).contains(id)),
        "the rest stay: {before} {after}"
    );
    let status = app.delete(&dismiss, t).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let status = app.delete(&dismiss, t).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, again) = app.call("GET", for_you, t, None).await;
    assert_eq!(picks(&again), picks(&before), "undoing brings it back");
}

backend_tests!(
    registration_rules_are_field_errors,
    login_failures_say_nothing_and_either_scheme_works,
    bad_tokens_of_every_kind_are_refused,
    refresh_rotates_and_logout_revokes,
    profile_changes_keep_the_email,
    password_change_ends_sessions_and_deletion_needs_it,
    movies_are_paged,
    search_forgives_case_accents_and_typos,
    filters_and_sorting_narrow_the_list,
    bad_list_queries_are_refused,
    a_movie_has_its_genres_credits_keywords_and_ratings,
    charts_rank_by_popularity_date_and_weighted_rating,
    similar_movies_are_exactly_k_and_say_why,
    similar_movies_by_title_ask_which_namesake,
    similar_movies_of_an_unknown_title_suggest_close_ones,
    for_you_without_ratings_falls_back_and_ratings_are_kept,
    for_you_leaves_rated_movies_out_and_follows_a_new_rating_at_once,
    bad_ratings_change_nothing_and_a_rating_can_be_taken_back,
    the_watchlist_adds_once_and_refuses_unknown_movies,
    dismissing_watching_and_rating_move_a_film_between_lists,
    a_film_seen_without_a_rating_is_listed_and_leaves_for_you,
    a_dismissed_film_leaves_for_you_at_once
);

/// Every route with a movie id in its path reads it the same way: what is not an id of 1 or more
/// is one JSON 400 `invalid_path` (never echoing the input), an unknown id one 404 `not_found`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_movie_ids_are_one_400_and_unknown_ones_one_404() {
    let (app, _db, token) = app_with_user(Backend::Sqlite, "ids@example.com")
        .await
        .unwrap();
    let t = Some(token.as_str());
    let rating = Some(json!({"rating": 4.0}));
    let routes = [
        ("GET", "/api/movies/{}", None),
        ("GET", "/api/movies/{}/similar", None),
        ("PUT", "/api/movies/{}/rating", rating),
        ("DELETE", "/api/movies/{}/rating", None),
        ("PUT", "/api/me/watchlist/{}", None),
        ("DELETE", "/api/me/watchlist/{}", None),
        ("PUT", "/api/me/dismissed/{}", None),
        ("DELETE", "/api/me/dismissed/{}", None),
    ];
    for (method, route, body) in routes {
        for bad in ["abc", "0", "-4", "1.5", "99999999999999999999"] {
            let path = route.replace("{}", bad);
            let (status, answer) = app.call(method, &path, t, body.clone()).await;
            assert_eq!(
                (status, code(&answer)),
                (StatusCode::BAD_REQUEST, "invalid_path"),
                "{method} {path}: {answer}"
            );
            if bad.len() > 2 {
                assert!(!answer.to_string().contains(bad), "echoed: {answer}");
            }
        }
        let path = route.replace("{}", "999999");
        let (status, answer) = app.call(method, &path, t, body.clone()).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{method} {path}: {answer}"
        );
    }
}

/// Only the first 100 unmatched rows of a file get candidates (finding them is most of an
/// import's work); the rest are still listed.
/// Ids in a body are read as in a path: a group member of id 0 is refused before anything is
/// looked up, as the document's `minimum: 1` says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_member_id_below_one_is_refused() {
    let (app, _db, token) = app_with_user(Backend::Sqlite, "group@example.com")
        .await
        .unwrap();
    for bad in [json!({"users": [0]}), json!({"users": [-2]})] {
        let (status, body) = app
            .post("/api/recommend/group", Some(&token), bad.clone())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_registration_are_rate_limited() {
    let settings = ApiSettings {
        auth_rate_limit: 3,
        ..ApiSettings::default()
    };
    let (app, _db) = app(Backend::Sqlite, &settings).await.unwrap();
    let attempt = || app.try_login("x@example.com", "whatever1");
    for _ in 0..3 {
        assert_eq!(attempt().await.0, StatusCode::UNAUTHORIZED);
    }
    let response = app
        .client
        .post(app.url("/auth/users/"))
        .json(&json!({"email": "y@example.com", "password": PASSWORD, "re_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&response);
    assert!((1..=21).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "throttled");
    // Other routes are not limited.
    assert_eq!(
        app.call("GET", "/api/charts/popular", None, None).await.0,
        StatusCode::OK
    );
}

/// OWASP's device cookies: once the owner's browser has logged in, guesses from elsewhere that
/// lock the account for every other client do not lock that browser out, nor the owner's
/// password change; the browser's own wrong passwords lock only itself; a cookie of another
/// account, or a forged one, counts for nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_from_elsewhere_do_not_lock_out_the_owners_browser() {
    let settings = ApiSettings {
        auth_rate_limit: 0,
        account_guess_limit: 5,
        ..ApiSettings::default()
    };
    let (app, _db) = app(Backend::Sqlite, &settings).await.unwrap();
    app.user("owner@example.com").await;
    app.user("other@example.com").await;
    let login = |email: &'static str, password: &'static str, cookie: Option<String>| {
        let request = app
            .client
            .post(app.url("/auth/jwt/create/"))
            .json(&json!({"email": email, "password": password}));
        let request = match cookie {
            Some(c) => request.header("cookie", format!("theme=dark; {c}")),
            None => request,
        };
        async move { request.send().await.unwrap() }
    };
    let device_cookie = |r: &reqwest::Response| -> String {
        let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        assert!(set.contains("Path=/auth/jwt/create/"), "{set}");
        set.split(';').next().unwrap().to_owned()
    };
    let first = login("owner@example.com", PASSWORD, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let owners = device_cookie(&first);
    let access = first.json::<Value>().await.unwrap()["access"]
        .as_str()
        .unwrap()
        .to_owned();
    let others = device_cookie(&login("other@example.com", PASSWORD, None).await);

    // Someone else guesses until the account is locked for every client without the cookie.
    for _ in 0..5 {
        let r = login("owner@example.com", "wrong guess", None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for cookie in [None, Some(others.clone()), Some(format!("{owners}x"))] {
        let r = login("owner@example.com", PASSWORD, cookie.clone()).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{cookie:?}");
    }
    // The owner's browser logs in, and the owner can still change the password.
    let again = login("owner@example.com", PASSWORD, Some(owners.clone())).await;
    assert_eq!(again.status(), StatusCode::OK);
    let new_password = "a brand new passphrase";
    let (status, body) = app
        .post("/auth/users/set_password/", Some(&access), json!({"current_password": PASSWORD, "new_password": new_password, "re_new_password": new_password}))
        .await;
    assert!(status.is_success(), "{status} {body}");
    // Wrong passwords from the owner's browser lock that browser only.
    for _ in 0..5 {
        let r = login("owner@example.com", "wrong guess", Some(owners.clone())).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login("owner@example.com", new_password, Some(owners.clone())).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let fresh = device_cookie(&again);
    let r = login("owner@example.com", new_password, Some(fresh)).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "another cookie of the owner's still works"
    );
}

/// Guesses at one account from four addresses: the per-address limit never trips, the
/// per-account one does, and then even the right password gets 429 (a locked account tells
/// nothing about the password tried). Other accounts, and unknown emails, are not affected
/// by it; wrong current passwords on password change and account deletion count as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_at_one_account_are_throttled_from_every_address() {
    let settings = ApiSettings {
        auth_rate_limit: 10,
        account_guess_limit: 8,
        ..ApiSettings::default()
    };
    let (app, _db) = app(Backend::Sqlite, &settings).await.unwrap();
    let (_, _) = app.user("victim@example.com").await;
    let (bystander, _) = app.user("bystander@example.com").await;
    let from = |last: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .build()
            .unwrap()
    };
    let login = |client: reqwest::Client, email: &'static str, password: &'static str| {
        let url = app.url("/auth/jwt/create/");
        async move {
            client
                .post(url)
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    // Two wrong passwords from each of 127.0.0.2–5: eight, the account's allowance.
    for last in 2..=5 {
        for _ in 0..2 {
            let r = login(from(last), "victim@example.com", "wrong guess 1").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
    }
    let locked = login(from(6), "victim@example.com", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&locked);
    assert!((1..=3600).contains(&wait), "{wait}");
    let body: Value = locked.json().await.unwrap();
    assert_eq!(code(&body), "throttled");
    // The same answer for a wrong password: nothing tells the attacker which one is right.
    let wrong = login(from(7), "victim@example.com", "wrong guess 2").await;
    assert_eq!(wrong.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login(from(6), "bystander@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::OK,
        "other accounts log in from the same addresses"
    );
    // Unknown emails lock the same way, so a 429 does not say the account exists.
    for _ in 0..8 {
        let r = login(from(8), "nobody@example.com", "wrong guess 1").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(from(9), "nobody@example.com", "wrong guess 1")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // With a token: wrong current passwords lock password change and deletion too.
    for _ in 0..8 {
        let (status, body) = app
            .post("/auth/users/set_password/", Some(&bystander), json!({"current_password": "wrong guess 1", "new_password": "another fine password", "re_new_password": "another fine password"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    let status = app.delete_account(&bystander, PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login(from(10), "bystander@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked for login as well"
    );
}
