//! The demo catalogue as a movie fan meets it: what search finds first, what Latest and Popular
//! lead with (a charts-and-search snapshot, no model trained, so it runs in seconds), and which
//! films the similar-movies section shows (with the ranking model and the content index). On the
//! real demo data (data/demo).

use std::path::PathBuf;

use nextflex_app::recommender::{self, Fit, MovieQuery, Plan, Recommender, RecommenderSettings};
use nextflex_store::config::StorageConfig;
use nextflex_store::db::Db;
use nextflex_store::storage::Storage;

use crate::helpers::{Backend, TestDb};

/// A SQLite database (and memory object store) holding the demo data (data/demo), as
/// `make run` imports it.
pub async fn demo_catalogue() -> (TestDb, Db, Storage) {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    let folders: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    nextflex_app::dataset_import::import(&db, &storage, &folders, false)
        .await
        .unwrap();
    (tdb, db, storage)
}

/// A snapshot of the demo data built with these settings.
async fn demo_snapshot(settings: &RecommenderSettings) -> Recommender {
    let (_tdb, db, storage) = demo_catalogue().await;
    recommender::build(&db, &storage, settings).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_and_charts_on_the_demo_read_as_a_fan_expects() {
    let r = demo_snapshot(&RecommenderSettings {
        plan: Plan::Charts,
        ..RecommenderSettings::default()
    })
    .await;

    let first = |q: &str| {
        let (_, found) = r.search(&MovieQuery {
            q: Some(q),
            limit: 1,
            ..MovieQuery::default()
        });
        found
            .first()
            .map(|m| (m.title.clone(), m.year))
            .unwrap_or_default()
    };
    assert_eq!(first("shining"), ("The Shining".into(), Some(1980)));
    assert_eq!(first("halloween"), ("Halloween".into(), Some(1978)));
    assert_eq!(first("spiderman"), ("Spider-Man".into(), Some(2002)));
    assert_eq!(first("walle"), ("WALL·E".into(), Some(2008)));
    assert_eq!(first("godfather"), ("The Godfather".into(), Some(1972)));
    // Every title a movie has: MovieLens's, TMDB's, the original, the "a.k.a." ones.
    assert_eq!(
        first("star wars episode v"),
        ("The Empire Strikes Back".into(), Some(1980))
    );
    assert_eq!(first("12 monkeys"), ("Twelve Monkeys".into(), Some(1995)));
    assert_eq!(first("se7en"), ("Se7en".into(), Some(1995)));

    let ratings = |id: i64| r.rating_stats(id).map_or(0, |s| s.count);
    let latest = r.latest(None, 10);
    assert!(
        latest.iter().all(|m| m.year >= Some(2017)),
        "{:?}",
        latest
            .iter()
            .map(|m| (&m.title, m.year))
            .collect::<Vec<_>>()
    );
    assert!(latest.iter().all(|m| ratings(m.id) >= 3));

    let popular = r.popular(None, 20);
    let titles: Vec<&str> = popular.iter().map(|m| m.title.as_str()).collect();
    assert!(
        titles[..10].contains(&"Forrest Gump"),
        "the demo's most-rated film is near the top: {titles:?}"
    );
    assert!(
        popular.iter().all(|m| ratings(m.id) >= 3),
        "films nobody here rated do not lead: {titles:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_movies_on_the_demo_are_what_a_fan_would_click() {
    let r = demo_snapshot(&RecommenderSettings {
        plan: Plan::Full(Fit::Ranking),
        ..RecommenderSettings::default()
    })
    .await;
    let find = |title: &str, year: i64| {
        let (_, found) = r.search(&MovieQuery {
            q: Some(title),
            year_from: Some(year),
            year_to: Some(year),
            limit: 1,
            ..MovieQuery::default()
        });
        found[0].id
    };
    let top = |title: &str, year: i64, k: usize| -> Vec<String> {
        let list = r.similar(find(title, year), k).unwrap();
        assert_eq!(list.len(), k, "exactly k for {title}");
        list.iter().map(|n| n.movie.title.clone()).collect()
    };
    for (anchor, year, expected) in [
        (
            "The Dark Knight",
            2008,
            ["The Dark Knight Rises", "Batman Begins"],
        ),
        ("Toy Story", 1995, ["Toy Story 2", "Toy Story 3"]),
        (
            "Spirited Away",
            2001,
            ["Princess Mononoke", "Howl's Moving Castle"],
        ),
    ] {
        let five = top(anchor, year, 5);
        for film in expected {
            assert!(
                five.iter().any(|t| t == film),
                "{film} in the top 5 of {anchor}: {five:?}"
            );
        }
        assert!(!five.iter().any(|t| t == anchor), "never the movie itself");
    }
    // No film fewer than 3 people rated, and the same list every time.
    let toy_story = find("Toy Story", 1995);
    let list = r.similar(toy_story, 20).unwrap();
    assert!(
        list.iter()
            .all(|n| r.rating_stats(n.movie.id).is_some_and(|s| s.count >= 3)),
        "{:?}",
        list.iter().map(|n| &n.movie.title).collect::<Vec<_>>()
    );
    let again = r.similar(toy_story, 20).unwrap();
    assert_eq!(
        list.iter().map(|n| n.movie.id).collect::<Vec<_>>(),
        again.iter().map(|n| n.movie.id).collect::<Vec<_>>()
    );
}

/// Where people look first, the demo has posters and words: the 100 films its users rated most
/// mostly have TMDB's poster path, and half the catalogue has an overview.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_posters_and_overviews_where_people_look_first() {
    let (_tdb, db, storage) = demo_catalogue().await;
    let settings = RecommenderSettings {
        plan: Plan::Charts,
        ..RecommenderSettings::default()
    };
    let r = recommender::build(&db, &storage, &settings).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM movies")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let mut rated: Vec<(u64, i64)> = ids
        .iter()
        .filter_map(|&id| Some((r.rating_stats(id)?.count, id)))
        .collect();
    rated.sort_unstable_by(|a, b| b.cmp(a));
    let with_poster = rated[..100]
        .iter()
        .filter(|&&(_, id)| r.movie(id).is_some_and(|m| m.poster_path.is_some()))
        .count();
    assert!(
        with_poster >= 70,
        "{with_poster} of the 100 most rated have a poster"
    );
    let overviews: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM movies WHERE overview IS NOT NULL AND overview <> ''",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(overviews >= 5_000, "{overviews} films have an overview");
    let charted = r.popular(None, 100);
    let charted = charted.iter().filter(|m| m.poster_path.is_some()).count();
    println!(
        "posters: {with_poster} of the 100 most rated, {charted} of the popular chart's first \
         100; overviews: {overviews}"
    );
}
