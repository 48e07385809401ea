//! "For you" judged as its users judge it, on the demo data through the API: an account that
//! loves Pixar films gets animated films, one that loves horror classics gets horror, the two
//! lists are different, each is ordered by the score it shows, and every reason carries a real
//! share of its recommendation's score.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, TestDb};

const PIXAR: [(&str, i64); 8] = [
    ("Toy Story", 1995),
    ("Toy Story 2", 1999),
    ("Finding Nemo", 2003),
    ("Monsters, Inc.", 2001),
    ("The Incredibles", 2004),
    ("WALL·E", 2008),
    ("Up", 2009),
    ("Ratatouille", 2007),
];

const HORROR: [(&str, i64); 8] = [
    ("The Shining", 1980),
    ("Halloween", 1978),
    ("The Exorcist", 1973),
    ("A Nightmare on Elm Street", 1984),
    ("The Texas Chain Saw Massacre", 1974),
    ("Night of the Living Dead", 1968),
    ("The Evil Dead", 1981),
    ("Scream", 1996),
];

/// A server on the demo data over a fresh SQLite database (which lives as long as the first
/// half of the pair).
async fn demo_app() -> (TestDb, TestApp) {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(
        &tdb.config(),
        &[crate::helpers::DEMO],
        &[],
        &Default::default(),
    )
    .await;
    (tdb, app)
}

/// The catalogue id of the movie with this title and year, found through the search API.
async fn movie_id(app: &TestApp, title: &str, year: i64) -> i64 {
    let q: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/movies?q={q}&page_size=50"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().unwrap();
    results
        .iter()
        .find(|m| m["year"] == year && m["title"].as_str().unwrap().eq_ignore_ascii_case(title))
        .unwrap_or_else(|| panic!("{title} ({year}) not found in {body}"))["id"]
        .as_i64()
        .unwrap()
}

/// Rates each of the films `stars` as the account of `token`.
async fn rate(app: &TestApp, token: &str, films: &[(&str, i64)], stars: u8) {
    for &(title, year) in films {
        let id = movie_id(app, title, year).await;
        let (status, body) = app
            .put(
                &format!("/api/movies/{id}/rating"),
                Some(token),
                json!({"rating": stars}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{title}: {body}");
    }
}

/// Rates the films 5★ as a new account; returns its access token and its top 10.
async fn fan_of(app: &TestApp, email: &str, films: &[(&str, i64)]) -> (String, Vec<Value>) {
    let (token, _) = app.user(email).await;
    rate(app, &token, films, 5).await;
    let (status, body) = app
        .call("GET", "/api/me/recommendations?k=10", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["personalised"], true, "{body}");
    (token, body["results"].as_array().unwrap().clone())
}

fn of_genre(list: &[Value], genre: &str) -> usize {
    list.iter()
        .filter(|m| m["genres"].as_array().unwrap().contains(&json!(genre)))
        .count()
}

fn titles(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|m| format!("{} ({})", m["title"], m["year"]))
        .collect()
}

/// The list is ordered by the score it shows, and each reason is a rated movie with a real
/// share of the score.
fn check_scores_and_reasons(list: &[Value], rated: &HashSet<i64>) {
    let scores: Vec<f64> = list.iter().map(|m| m["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "not ordered by score: {scores:?}"
    );
    for m in list {
        assert!(!rated.contains(&m["id"].as_i64().unwrap()));
        let stars = m["predicted_rating"].as_f64().unwrap();
        assert!((0.5..=5.0).contains(&stars), "{m}");
        let reasons = m["because"].as_array().unwrap();
        assert!(!reasons.is_empty(), "no reason for {m}");
        let mut total = 0.0;
        for r in reasons {
            assert!(rated.contains(&r["id"].as_i64().unwrap()), "{r}");
            let share = r["share"].as_f64().unwrap();
            assert!(share >= 0.1, "{r}");
            total += share;
        }
        assert!(total <= 1.0 + 1e-6, "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pixar_fan_and_a_horror_fan_get_their_own_lists() {
    let (_tdb, app) = demo_app().await;
    let (_, pixar) = fan_of(&app, "pixar@example.com", &PIXAR).await;
    let (_, horror) = fan_of(&app, "horror@example.com", &HORROR).await;
    assert!(
        of_genre(&pixar, "Animation") >= 6,
        "Pixar fan: {:?}",
        titles(&pixar)
    );
    assert!(
        of_genre(&horror, "Horror") >= 6,
        "horror fan: {:?}",
        titles(&horror)
    );
    let a: HashSet<i64> = pixar.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let shared = horror
        .iter()
        .filter(|m| a.contains(&m["id"].as_i64().unwrap()))
        .count();
    assert!(shared <= 2, "{:?} / {:?}", titles(&pixar), titles(&horror));

    let mut pixar_ids = HashSet::new();
    for &(t, y) in &PIXAR {
        pixar_ids.insert(movie_id(&app, t, y).await);
    }
    let mut horror_ids = HashSet::new();
    for &(t, y) in &HORROR {
        horror_ids.insert(movie_id(&app, t, y).await);
    }
    check_scores_and_reasons(&pixar, &pixar_ids);
    check_scores_and_reasons(&horror, &horror_ids);
    // No franchise fills the list.
    let toy_story = pixar
        .iter()
        .filter(|m| m["title"].as_str().unwrap().starts_with("Toy Story"))
        .count();
    assert!(toy_story <= 2, "{:?}", titles(&pixar));
    eprintln!(
        "Pixar fan: {:?}\nhorror fan: {:?}",
        titles(&pixar),
        titles(&horror)
    );
}

/// A plain `title,year,rating` file of these films, all rated 5, as a guest pastes it.
fn ratings_file(films: &[(&str, i64)]) -> String {
    let mut csv = String::from("title,year,rating\r\n");
    for (title, year) in films {
        csv.push_str(&format!("\"{title}\",{year},5\r\n"));
    }
    csv
}

/// `POST /api/recommend/group` as the account of `token`.
async fn group(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call("POST", "/api/recommend/group", Some(token), Some(body))
        .await
}

/// The catalogue ids of these films.
async fn ids_of(app: &TestApp, films: &[(&str, i64)]) -> HashSet<i64> {
    let mut ids = HashSet::new();
    for &(t, y) in films {
        ids.insert(movie_id(app, t, y).await);
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pixar_fan_and_a_horror_fan_watch_together() {
    let (_tdb, app) = demo_app().await;
    let (token, pixar) = fan_of(&app, "pixar@example.com", &PIXAR).await;
    let body = json!({
        "guests": [{"name": "Sam", "ratings_file": ratings_file(&HORROR)}],
        "k": 10,
    });
    let (status, body) = group(&app, &token, body).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["members"],
        json!([
            {"name": "You", "user_id": null, "ratings": 8, "unmatched": 0},
            {"name": "Sam", "user_id": null, "ratings": 8, "unmatched": 0},
        ])
    );
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 10, "{body}");
    let mut rated = ids_of(&app, &PIXAR).await;
    rated.extend(ids_of(&app, &HORROR).await);
    let scores: Vec<f64> = results
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for m in results {
        assert!(!rated.contains(&m["id"].as_i64().unwrap()), "{m}");
        let members = m["members"].as_array().unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(
            (&members[0]["name"], &members[1]["name"]),
            (&json!("You"), &json!("Sam"))
        );
        let least = members
            .iter()
            .map(|x| x["score"].as_f64().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!((least - m["score"].as_f64().unwrap()).abs() < 1e-6, "{m}");
        // Both must like it somewhat: least misery never picks a film one member would hate.
        assert!(least > 0.0, "{m}");
        let shares: f64 = members.iter().map(|x| x["share"].as_f64().unwrap()).sum();
        assert!((shares - 1.0).abs() < 1e-6, "{m}");
    }
    // The group's list is neither member's own list.
    let own: HashSet<i64> = pixar.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let from_own = results
        .iter()
        .filter(|m| own.contains(&m["id"].as_i64().unwrap()))
        .count();
    assert!(from_own < 10, "the group got the Pixar fan's own list");
    eprintln!("together: {:?}", titles(results));
}

/// What a group cannot be: without guests, with a guest named like the caller, with a file of
/// no known format or of no known film (naming the guest), or asking for no films.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_without_a_shared_taste_is_refused() {
    let (_tdb, app) = demo_app().await;
    let (token, _) = fan_of(&app, "pixar@example.com", &PIXAR).await;
    let cases = [
        (json!({"guests": []}), StatusCode::BAD_REQUEST, "invalid"),
        (
            json!({"guests": [{"name": "you", "ratings_file": ratings_file(&HORROR)}]}),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
        (
            json!({"guests": [{"name": "Sam", "ratings_file": "hello,world\n1,2\n"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_format",
        ),
        (
            json!({"guests": [{"name": "Kim", "ratings_file": "title,year,rating\nNo Such Film,1901,5\n"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_taste",
        ),
        (
            json!({"guests": [{"name": "Sam", "ratings_file": ratings_file(&HORROR)}], "k": 0}),
            StatusCode::BAD_REQUEST,
            "invalid",
        ),
    ];
    for (request, want, code) in cases {
        let (status, body) = group(&app, &token, request.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (want, Some(code)),
            "{request}: {body}"
        );
    }
    let unreadable = json!({"guests": [{"name": "Sam", "ratings_file": "hello,world\n"}]});
    let (_, body) = group(&app, &token, unreadable).await;
    assert_eq!(body["error"]["guest"], "Sam", "{body}");
    let (_, body) = group(&app, &token, json!({"guests": [{"name": "Kim", "ratings_file": "title,year,rating\nNo Such Film,1901,5\n"}]})).await;
    assert_eq!(body["error"]["members"], json!(["Kim"]), "{body}");
}

/// The Pixar fan (access token and id) and the horror fan (access token), on `app`.
async fn pixar_and_horror_fans(app: &TestApp) -> (String, i64, String) {
    let (pixar, _) = fan_of(app, "pixar@example.com", &PIXAR).await;
    let (horror, _) = fan_of(app, "horror@example.com", &HORROR).await;
    let (_, me) = app.call("GET", "/auth/users/me/", Some(&pixar), None).await;
    assert_eq!(me["public_profile"], false);
    (pixar, me["id"].as_i64().unwrap(), horror)
}

/// Opens the profile of the account of `token`.
async fn open_profile(app: &TestApp, token: &str) {
    let open = json!({"public_profile": true});
    let (status, me) = app.patch("/auth/users/me/", Some(token), open).await;
    assert_eq!(
        (status, &me["public_profile"]),
        (StatusCode::OK, &json!(true)),
        "{me}"
    );
}

/// Profiles: private until their owner opens them (and nobody to group with); the taste match of
/// two Pixar fans is above that of a Pixar fan and a horror fan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_open_to_others_with_their_taste_match() {
    let (_tdb, app) = demo_app().await;
    let (token, pixar_id, horror) = pixar_and_horror_fans(&app).await;
    let (pixar_too, _) = fan_of(&app, "pixar2@example.com", &PIXAR[2..]).await;
    let profile = format!("/api/users/{pixar_id}");
    let (status, _) = app.call("GET", &profile, Some(&horror), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, own) = app.call("GET", &profile, Some(&token), None).await;
    assert_eq!(
        (status, &own["taste_match"]),
        (StatusCode::OK, &Value::Null),
        "{own}"
    );
    let (status, body) = group(&app, &token, json!({"users": [pixar_id + 1000]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    open_profile(&app, &token).await;
    let match_of = |viewer: String| {
        let (app, profile) = (&app, profile.clone());
        async move {
            let (status, body) = app.call("GET", &profile, Some(&viewer), None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["ratings"], 8);
            assert_eq!(body["favourites"].as_array().unwrap().len(), 8, "{body}");
            body["taste_match"].as_f64().unwrap()
        }
    };
    let (alike, apart) = (match_of(pixar_too).await, match_of(horror.clone()).await);
    eprintln!("taste match: Pixar fans {alike}%, Pixar and horror {apart}%");
    assert!(
        (0.0..=100.0).contains(&apart) && alike > apart + 20.0,
        "{alike} vs {apart}"
    );
    let (status, _) = app.call("GET", &profile, None, None).await;
    assert_eq!(status, StatusCode::OK);
}

/// A public profile can be added to a group: the horror fan watches with the Pixar fan (once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_profile_joins_a_group() {
    let (_tdb, app) = demo_app().await;
    let (token, pixar_id, horror) = pixar_and_horror_fans(&app).await;
    open_profile(&app, &token).await;
    let (status, body) = group(&app, &horror, json!({"users": [pixar_id], "k": 5})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["members"][1]["user_id"], pixar_id, "{body}");
    assert_eq!(body["results"].as_array().unwrap().len(), 5);
    let twice = json!({"users": [pixar_id, pixar_id]});
    let (status, body) = group(&app, &horror, twice).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

/// The rows of the home page of the account of `token`.
async fn rows(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.call("GET", "/api/me/rows", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["rows"].as_array().unwrap().clone()
}

/// `PUT` of `path` without a body, as the account of `token`, answered 200.
async fn put(app: &TestApp, path: &str, token: &str) {
    let (status, body) = app.call("PUT", path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
}

/// A new account has nothing to go on; a watchlist alone is one row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomers_home_is_their_watchlist_alone() {
    let (_tdb, app) = demo_app().await;
    let (newcomer, _) = app.user("new@example.com").await;
    assert_eq!(rows(&app, &newcomer).await, Vec::<Value>::new());
    let heat = movie_id(&app, "Heat", 1995).await;
    put(&app, &format!("/api/me/watchlist/{heat}"), &newcomer).await;
    let only = rows(&app, &newcomer).await;
    assert_eq!(only.len(), 1);
    assert_eq!(
        (&only[0]["kind"], &only[0]["movies"][0]["id"]),
        (&json!("watchlist"), &json!(heat))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_rows_say_why_and_show_no_film_twice() {
    let (_tdb, app) = demo_app().await;
    let heat = movie_id(&app, "Heat", 1995).await;
    let (token, for_you) = fan_of(&app, "pixar@example.com", &PIXAR).await;
    let dismissed = for_you[0]["id"].as_i64().unwrap();
    put(&app, &format!("/api/me/dismissed/{dismissed}"), &token).await;
    put(&app, &format!("/api/me/watchlist/{heat}"), &token).await;
    let page = rows(&app, &token).await;
    let kinds: Vec<&str> = page.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    eprintln!("rows:");
    for row in &page {
        eprintln!(
            "  {}: {:?}",
            row["title"],
            titles(row["movies"].as_array().unwrap())
        );
    }
    assert_eq!(&kinds[..2], ["for_you", "watchlist"], "{kinds:?}");
    for kind in ["because_you_rated", "director", "star"] {
        assert!(kinds.contains(&kind), "no {kind} row: {kinds:?}");
    }
    let rated = ids_of(&app, &PIXAR).await;
    let mut seen = HashSet::new();
    for row in &page {
        let movies = row["movies"].as_array().unwrap();
        assert!(!movies.is_empty() && movies.len() <= 12, "{row}");
        for m in movies {
            let id = m["id"].as_i64().unwrap();
            assert!(seen.insert(id), "{} twice on the page", m["title"]);
            assert!(
                !rated.contains(&id) && id != dismissed,
                "{m} in {}",
                row["title"]
            );
        }
        check_why(&app, row, &rated).await;
    }
    assert!(kinds.contains(&"hidden_gems"), "no hidden gems: {kinds:?}");
}

/// A home row says why it is there: because of a `rated` film it names, or of a person whose
/// page credits them with a rated film and every film of the row; other rows name nothing.
async fn check_why(app: &TestApp, row: &Value, rated: &HashSet<i64>) {
    let movies = row["movies"].as_array().unwrap();
    let title = row["title"].as_str().unwrap();
    let anchor = &row["anchor"];
    match row["kind"].as_str().unwrap() {
        "because_you_rated" => {
            assert!(rated.contains(&anchor["id"].as_i64().unwrap()), "{row}");
            assert_eq!(
                title,
                format!("Because you rated {}", anchor["name"].as_str().unwrap())
            );
        }
        kind @ ("director" | "star") => {
            let name = anchor["name"].as_str().unwrap();
            let path = format!("/api/people/{}", anchor["id"]);
            let (status, person) = app.call("GET", &path, None, None).await;
            assert_eq!((status, &person["name"]), (StatusCode::OK, &json!(name)));
            let side = if kind == "director" { "crew" } else { "cast" };
            let films: HashSet<i64> = person[side]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_i64().unwrap())
                .collect();
            assert!(
                rated.iter().any(|id| films.contains(id)),
                "{name}: {person}"
            );
            for m in movies {
                assert!(
                    films.contains(&m["id"].as_i64().unwrap()),
                    "{m} not by {name}"
                );
            }
            let prefix = if kind == "director" {
                "More from "
            } else {
                "Starring "
            };
            assert_eq!(title, format!("{prefix}{name}"));
        }
        _ => assert!(anchor.is_null(), "{row}"),
    }
}

const FANTASY: [(&str, i64); 8] = [
    ("The Lord of the Rings: The Fellowship of the Ring", 2001),
    ("The Lord of the Rings: The Two Towers", 2002),
    ("The Lord of the Rings: The Return of the King", 2003),
    ("Star Wars", 1977),
    ("The Empire Strikes Back", 1980),
    (
        "Pirates of the Caribbean: The Curse of the Black Pearl",
        2003,
    ),
    ("Shrek", 2001),
    ("The Princess Bride", 1987),
];

fn harry_potter(list: &[Value]) -> Vec<String> {
    titles(list)
        .into_iter()
        .filter(|t| t.contains("Harry Potter"))
        .collect()
}

/// A low rating says something: a fantasy fan whose list holds Harry Potter films rates the
/// first two 1★, and the rest of the series leaves their top 10 (a low rating counts against
/// the films liked with it, at the weight tuning chose).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rating_a_franchise_low_takes_it_out_of_the_list() {
    let (_tdb, app) = demo_app().await;
    let (token, before) = fan_of(&app, "fantasy@example.com", &FANTASY).await;
    assert!(
        !harry_potter(&before).is_empty(),
        "no Harry Potter film to begin with: {:?}",
        titles(&before)
    );
    let first_two = [
        ("Harry Potter and the Philosopher's Stone", 2001),
        ("Harry Potter and the Chamber of Secrets", 2002),
    ];
    rate(&app, &token, &first_two, 1).await;
    let (status, body) = app
        .call("GET", "/api/me/recommendations?k=10", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = body["results"].as_array().unwrap();
    assert!(
        harry_potter(after).is_empty(),
        "before: {:?}\nafter: {:?}",
        titles(&before),
        titles(after)
    );
    eprintln!("before: {:?}\nafter: {:?}", titles(&before), titles(after));
}
