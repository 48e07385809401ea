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

/// Rates the films 5★ as a new account; returns its top 10.
async fn fan_of(app: &TestApp, email: &str, films: &[(&str, i64)]) -> Vec<Value> {
    let (token, _) = app.user(email).await;
    for &(title, year) in films {
        let id = movie_id(app, title, year).await;
        let (status, body) = app
            .call(
                "PUT",
                &format!("/api/movies/{id}/rating"),
                Some(&token),
                Some(json!({"rating": 5})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{title}: {body}");
    }
    let (status, body) = app
        .call("GET", "/api/me/recommendations?k=10", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["personalised"], true, "{body}");
    body["results"].as_array().unwrap().clone()
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
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(
        &tdb.config(),
        &[crate::helpers::DEMO],
        &[],
        &Default::default(),
    )
    .await;
    let pixar = fan_of(&app, "pixar@example.com", &PIXAR).await;
    let horror = fan_of(&app, "horror@example.com", &HORROR).await;
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
