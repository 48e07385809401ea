//! The demo catalogue as a movie fan meets it: what search finds first, what Latest and Popular
//! lead with. On the real demo data (data/demo), charts-and-search snapshot only (no model is
//! trained), so it runs in seconds.

use std::path::PathBuf;

use nextflex::config::StorageConfig;
use nextflex::recommender::{self, Fit, MovieQuery, RecommenderSettings};
use nextflex::storage::Storage;

use crate::helpers::{Backend, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_and_charts_on_the_demo_read_as_a_fan_expects() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
    let folders: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    nextflex::import::import(&db, &storage, &folders, false)
        .await
        .unwrap();
    let settings = RecommenderSettings {
        fit: Fit::Neither,
        content: false,
        ..RecommenderSettings::default()
    };
    let r = recommender::build(&db, &storage, &settings).await.unwrap();

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
