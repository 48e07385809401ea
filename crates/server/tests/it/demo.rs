//! The demo catalogue as a movie fan meets it: what search finds first, what Latest and Popular
//! lead with (a charts-and-search snapshot, no model trained, so it runs in seconds), and which
//! films the similar-movies section shows (with the ranking model and the similar lists). On the
//! real demo data (data/demo).

use std::path::PathBuf;

use nextflex_app::recommender::{
    self, ChartSource, Fit, MovieQuery, Plan, Recommender, RecommenderSettings,
};
use nextflex_app::user_history::History;
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

/// The demo's full snapshot (the ranking model and the similar lists), built once for the
/// similar-movie tests.
async fn demo_full() -> &'static Recommender {
    static FULL: tokio::sync::OnceCell<Recommender> = tokio::sync::OnceCell::const_new();
    FULL.get_or_init(|| async {
        demo_snapshot(&RecommenderSettings {
            plan: Plan::Full(Fit::Ranking),
            ..RecommenderSettings::default()
        })
        .await
    })
    .await
}

/// Hidden gems are films few people know (fewer TMDB votes than the catalogue's median film)
/// and people here liked, among a user's best picks: not blockbusters that few of the sample's
/// users rated, nor the least bad of the long tail.
/// A Pixar fan's five films.
const PIXAR: [(&str, i64); 5] = [
    ("Toy Story", 1995),
    ("Finding Nemo", 2003),
    ("Monsters, Inc.", 2001),
    ("WALL·E", 2008),
    ("Up", 2009),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_gems_are_little_known_films_among_a_users_best_picks() {
    let r = demo_full().await;
    let pixar: Vec<(i64, f32)> = PIXAR.iter().map(|&(t, y)| (find(r, t, y), 5.0)).collect();
    let pixar = History::of_ratings(pixar);
    let gems = r.hidden_gems(&pixar, 12);
    let (_, all) = r.search(&MovieQuery {
        limit: usize::MAX,
        ..MovieQuery::default()
    });
    let mut votes: Vec<i64> = all.iter().filter_map(|m| m.tmdb_vote_count).collect();
    votes.sort_unstable();
    let median = votes[votes.len() / 2];
    let titles: Vec<&str> = gems.iter().map(|g| g.movie.title.as_str()).collect();
    eprintln!("hidden gems for a Pixar fan (median TMDB votes {median}): {titles:?}");
    assert!(gems.len() >= 6, "{titles:?}");
    // The score of the fan's twentieth-best film of the catalogue (what they rated aside).
    let fit = r.personal_fit(&pixar);
    let mut scores: Vec<f32> = all
        .iter()
        .filter(|m| !pixar.knows(m.id))
        .filter_map(|m| fit(m.id))
        .collect();
    scores.sort_unstable_by(|a, b| b.total_cmp(a));
    let threshold = scores[all.len().div_ceil(20) - 1];
    let average = r.top_rated(ChartSource::Ratings, None, 0).stats.mean;
    for gem in &gems {
        let votes = gem.movie.tmdb_vote_count.unwrap();
        assert!(votes < median, "{} has {votes} votes", gem.movie.title);
        let mean = r.rating_stats(gem.movie.id).unwrap().mean;
        assert!(mean >= average, "{} is rated {mean}", gem.movie.title);
        assert!(
            fit(gem.movie.id).unwrap() >= threshold,
            "{} is not among the fan's best twentieth",
            gem.movie.title
        );
    }
    assert!(r.little_known(find(r, "Waking Ned", 1998)));
    assert!(
        !r.little_known(find(r, "Despicable Me 2", 2013)),
        "a blockbuster with few ratings in the sample"
    );
}

/// Films marked seen without a rating leave the lists, and those people liked say what the user
/// likes: a Pixar fan who only marked films seen gets animation, with reasons that name them; a
/// film people rated below average is only left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn films_seen_without_a_rating_shape_the_picks_and_leave_them() {
    let r = demo_full().await;
    let pixar: std::collections::HashSet<i64> = PIXAR.iter().map(|&(t, y)| find(r, t, y)).collect();
    let history = History {
        seen: pixar.clone(),
        ..History::default()
    };
    let recommender::ForYou::Personal(picks) = r.for_user(&history, 10, None) else {
        panic!("five films people liked, seen, are a taste");
    };
    let titles: Vec<&str> = picks.iter().map(|p| p.movie.title.as_str()).collect();
    eprintln!("for a Pixar fan who only marked films seen: {titles:?}");
    assert!(
        picks.iter().all(|p| !pixar.contains(&p.movie.id)),
        "{titles:?}"
    );
    let animated = picks
        .iter()
        .filter(|p| p.movie.genres.iter().any(|g| g == "Animation"))
        .count();
    assert!(animated >= 5, "{titles:?}");
    // Exactly what rating each film its mean rating gives.
    let stand_in = History::of_ratings(
        pixar
            .iter()
            .map(|&id| (id, r.rating_stats(id).unwrap().mean as f32))
            .collect(),
    );
    let ids = |f: recommender::ForYou<'_>| match f {
        recommender::ForYou::Personal(p) => p.iter().map(|p| p.movie.id).collect::<Vec<_>>(),
        recommender::ForYou::TopRated(_) => Vec::new(),
    };
    assert_eq!(
        ids(r.for_user(&stand_in, 10, None)),
        picks.iter().map(|p| p.movie.id).collect::<Vec<_>>()
    );
    assert!(
        picks
            .iter()
            .all(|p| p.because.iter().all(|(m, _)| pixar.contains(&m.id))),
        "the reasons are the films seen"
    );

    // The worst-rated of the 500 most-rated films: seen, it is no taste, and it is left out.
    let average = r.top_rated(ChartSource::Ratings, None, 0).stats.mean;
    let (_, all) = r.search(&MovieQuery {
        limit: usize::MAX,
        ..MovieQuery::default()
    });
    let mut rated: Vec<(i64, recommender::RatingStats)> = all
        .iter()
        .filter_map(|m| Some((m.id, r.rating_stats(m.id)?)))
        .collect();
    rated.sort_by_key(|r| std::cmp::Reverse(r.1.count));
    let (flop, stats) = rated[..500]
        .iter()
        .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))
        .copied()
        .unwrap();
    assert!(stats.mean < average);
    let history = History {
        seen: [flop].into(),
        ..History::default()
    };
    assert!(
        r.taste(&history).is_empty(),
        "a film seen is not a dislike, nor a like"
    );

    // The first pick of a fan who rated the films, once seen, is gone.
    let mut fan = History::of_ratings(pixar.iter().map(|&id| (id, 5.0)).collect());
    let first = |h: &History| match r.for_user(h, 10, None) {
        recommender::ForYou::Personal(picks) => picks[0].movie.id,
        recommender::ForYou::TopRated(_) => panic!("the fan has a taste"),
    };
    let top = first(&fan);
    fan.seen.insert(top);
    assert_ne!(first(&fan), top);
}

/// The id of the demo film with this title and year.
fn find(r: &Recommender, title: &str, year: i64) -> i64 {
    let (_, found) = r.search(&MovieQuery {
        q: Some(title),
        year_from: Some(year),
        year_to: Some(year),
        limit: 1,
        ..MovieQuery::default()
    });
    assert!(!found.is_empty(), "{title} ({year}) is in the demo");
    found[0].id
}

fn titles(r: &Recommender, id: i64, k: usize) -> Vec<String> {
    let list = r.similar(id, k).unwrap();
    assert_eq!(list.len(), k, "exactly k");
    assert!(
        list.iter().all(|n| n.movie.id != id),
        "never the movie itself"
    );
    list.iter().map(|n| n.movie.title.clone()).collect()
}

/// A series whose titles do not say so comes first, in order of release: the demo's TMDB
/// collections (The Movies Dataset's `belongs_to_collection`) put Alien's sequels after it, and
/// Raiders of the Lost Ark's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collection_comes_first_on_the_demo_in_order() {
    let r = demo_full().await;
    for ((anchor, year), sequels) in [
        (
            ("Alien", 1979),
            &[
                ("Aliens", 1986),
                ("Alien³", 1992),
                ("Alien: Resurrection", 1997),
            ][..],
        ),
        (
            ("Raiders of the Lost Ark", 1981),
            &[
                ("Indiana Jones and the Temple of Doom", 1984),
                ("Indiana Jones and the Last Crusade", 1989),
            ],
        ),
    ] {
        let list = r.similar(find(r, anchor, year), sequels.len()).unwrap();
        let got: Vec<i64> = list.iter().map(|n| n.movie.id).collect();
        let expected: Vec<i64> = sequels.iter().map(|&(t, y)| find(r, t, y)).collect();
        assert_eq!(
            got,
            expected,
            "{anchor}: {:?}",
            titles(r, find(r, anchor, year), 5)
        );
        assert!(list.iter().all(|n| n.series));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_movies_on_the_demo_are_what_a_fan_would_click() {
    let r = demo_full().await;
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
        let five = titles(r, find(r, anchor, year), 5);
        for film in expected {
            assert!(
                five.iter().any(|t| t == film),
                "{film} in the top 5 of {anchor}: {five:?}"
            );
        }
    }
    let has = |id: i64, genre: &str| {
        r.movie(id)
            .is_some_and(|m| m.genres.iter().any(|g| g == genre))
    };
    let halloween = r.similar(find(r, "Halloween", 1978), 5).unwrap();
    let horror = halloween
        .iter()
        .filter(|n| has(n.movie.id, "Horror"))
        .count();
    assert!(
        horror >= 4,
        "{:?}",
        halloween.iter().map(|n| &n.movie.title).collect::<Vec<_>>()
    );
    let nemo = r.similar(find(r, "Finding Nemo", 2003), 10).unwrap();
    for n in &nemo {
        for genre in ["Horror", "War", "Crime"] {
            assert!(
                !has(n.movie.id, genre),
                "{} ({genre}) is like Finding Nemo",
                n.movie.title
            );
        }
    }
    // A series in order, and the same list every time, of films at least 3 people rated.
    let toy_story = find(r, "Toy Story", 1995);
    let list = r.similar(toy_story, 20).unwrap();
    assert_eq!(
        list[..2]
            .iter()
            .map(|n| n.movie.title.as_str())
            .collect::<Vec<_>>(),
        ["Toy Story 2", "Toy Story 3"]
    );
    assert!(list[0].series && list[1].series);
    assert!(
        list.iter()
            .all(|n| r.rating_stats(n.movie.id).is_some_and(|s| s.count >= 3)),
        "{:?}",
        list.iter().map(|n| &n.movie.title).collect::<Vec<_>>()
    );
    let again = r.similar(toy_story, 20).unwrap();
    assert_eq!(list, again);
}

/// Over the 300 most popular films' top 10s: few neighbours of another kind altogether, the
/// blockbusters kept in their place, and the fan panel (crates/server/tests/fixtures/
/// similar-panel.csv) mostly found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_lists_over_the_popular_films_keep_to_their_kind() {
    use nextflex_engine::similar::{fan_measures, panel_recall};
    let r = demo_full().await;
    let anchors: Vec<i64> = r.popular(None, 300).iter().map(|m| m.id).collect();
    let popular: std::collections::HashSet<i64> = anchors[..20].iter().copied().collect();
    let list = |id: i64| -> Vec<i64> {
        r.similar(id, 10)
            .unwrap()
            .iter()
            .map(|n| n.movie.id)
            .collect()
    };
    let index = r.similar_index();
    let fan = fan_measures(&anchors, 10, &popular, list, |a, b| index.share_genre(a, b));
    println!("{fan:?}");
    assert!(fan.wince_rate <= 0.03, "{fan:?}");
    assert!(fan.popular_share <= 0.05, "{fan:?}");
    assert!(fan.most_repeated.is_some_and(|(_, n)| n <= 15), "{fan:?}");

    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/similar-panel.csv"),
    )
    .unwrap();
    let panel = nextflex_app::recommender::evaluation::read_panel(&text, |title, year| {
        Some(find(r, title, year?))
    })
    .unwrap();
    assert!(panel.len() >= 30, "{} films on the panel", panel.len());
    let recall = panel_recall(&panel, 10, list);
    println!("panel recall@10: {recall:.3}");
    assert!(recall >= 0.6, "panel recall@10 {recall:.3}");
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
