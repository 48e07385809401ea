//! TMDB enrichment against a stub TMDB on loopback: what movies lack is filled and what they
//! have is kept, 429 with Retry-After and 5xx retried, 404s and failures remembered so that the
//! next run resumes, a hang bounded by the timeout, garbage stored nowhere, `--limit`, the key
//! kept out of logs, errors and output, and `serve --enrich-interval` showing the posters.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nextflex_app::enrich::{self, EnrichSettings, Stopped, Summary};
use nextflex_app::tmdb::Tmdb;
use nextflex_store::config::{Secret, StorageConfig};
use nextflex_store::db::Db;
use nextflex_store::db::catalogue::{self, MovieDetail};
use nextflex_store::ids::MovieId;
use nextflex_store::storage::Storage;
use serde_json::{Value, json};
use sqlx::Row;
use tokio::time::Instant;

use crate::helpers::cli::{Server, copy_fixture, nextflex, run, stderr};
use crate::helpers::tmdb::serve;
use crate::helpers::{
    AVATAR, BATMAN_BEGINS, Backend, CapturedLogs, DARK_KNIGHT_RISES, TMDB_KEY as KEY, TOY_STORY,
    TestDb, scalar,
};

/// TMDB ids of the fixtures: The Dark Knight (tmdb-mini) and Jumanji (ml-mini, which has no
/// overview, runtime, credits or keywords).
const DARK_KNIGHT: i64 = 155;
const JUMANJI: i64 = 8844;

/// What the stub answers to one request for a movie.
#[derive(Debug, Clone)]
enum Reply {
    /// 200 with this document.
    Movie(Value),
    /// This status, with a TMDB-like error body.
    Status(u16),
    /// 429 with `Retry-After: n`.
    RetryAfter(u64),
    /// 200 with this body as JSON.
    Body(&'static str),
    /// Nothing for a minute.
    Hang,
}

/// One request the stub received.
#[derive(Debug, Clone)]
struct Seen {
    id: i64,
    at: Instant,
    api_key: Option<String>,
    append: Option<String>,
}

#[derive(Default)]
struct StubState {
    /// Per TMDB id, the replies in turn (the last one repeats); an id without any: 404.
    replies: Mutex<HashMap<i64, VecDeque<Reply>>>,
    seen: Mutex<Vec<Seen>>,
}

/// A stub TMDB on 127.0.0.1:0 serving `/3/movie/{id}`; its base URL is `url`.
struct StubTmdb {
    url: String,
    state: Arc<StubState>,
    server: tokio::task::JoinHandle<()>,
}

async fn answer(
    State(stub): State<Arc<StubState>>,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
    _headers: HeaderMap,
) -> Response {
    stub.seen.lock().unwrap().push(Seen {
        id,
        at: Instant::now(),
        api_key: query.get("api_key").cloned(),
        append: query.get("append_to_response").cloned(),
    });
    let reply = {
        let mut replies = stub.replies.lock().unwrap();
        match replies.get_mut(&id) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    let error = |code: u16, tmdb_code: u16, message: &str| {
        (
            StatusCode::from_u16(code).unwrap(),
            Json(json!({"success": false, "status_code": tmdb_code, "status_message": message})),
        )
            .into_response()
    };
    match reply {
        None => error(404, 34, "The resource you requested could not be found."),
        Some(Reply::Movie(doc)) => Json(doc).into_response(),
        Some(Reply::Status(code)) => error(code, 7, "Something went wrong."),
        Some(Reply::RetryAfter(seconds)) => {
            let mut response = error(429, 25, "Your request count is over the allowed limit.");
            response
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().unwrap());
            response
        }
        Some(Reply::Body(text)) => ([("content-type", "application/json")], text).into_response(),
        Some(Reply::Hang) => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
    }
}

impl StubTmdb {
    async fn start(replies: Vec<(i64, Vec<Reply>)>) -> StubTmdb {
        let state = Arc::new(StubState::default());
        *state.replies.lock().unwrap() = replies
            .into_iter()
            .map(|(id, r)| (id, r.into_iter().collect()))
            .collect();
        let app = axum::Router::new()
            .route("/3/movie/{id}", get(answer))
            .with_state(Arc::clone(&state));
        let (url, server) = serve(app).await;
        StubTmdb { url, state, server }
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// The ids asked for, in the order asked.
    fn asked(&self) -> Vec<i64> {
        self.seen().iter().map(|s| s.id).collect()
    }

    fn client(&self) -> Tmdb {
        self.client_with(KEY)
    }

    /// One enrichment run against this stub, without progress output.
    async fn enrich(&self, db: &Db, settings: &EnrichSettings) -> Summary {
        enrich::run(db, &self.client(), settings, false)
            .await
            .unwrap()
    }

    fn client_with(&self, key: &str) -> Tmdb {
        Tmdb::new(Some(&Secret::new(key)), &self.url)
            .unwrap()
            .unwrap()
    }
}

impl Drop for StubTmdb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// TMDB's answer for a movie, as `append_to_response=credits,keywords` gives it.
fn tmdb_movie(id: i64, title: &str) -> Value {
    json!({
        "adult": false,
        "id": id,
        "imdb_id": format!("tt{:07}", 9_000_000 + id),
        "title": title,
        "original_title": title,
        "original_language": "en",
        "overview": format!("TMDB's overview of {title}."),
        "tagline": format!("TMDB's tagline of {title}."),
        "poster_path": format!("/poster{id}.jpg"),
        "release_date": "1995-12-15",
        "runtime": 104,
        "popularity": 9999.0,
        "vote_average": 9.9,
        "vote_count": 99999,
        "budget": 65000000,
        "revenue": 262797249,
        "genres": [{"id": 35, "name": "Comedy"}, {"id": 12, "name": "Adventure"}],
        "credits": {
            "cast": [
                {"id": 2157, "name": "Robin Williams", "character": "Alan Parrish", "order": 0,
                 "gender": 2, "profile_path": "/robin.jpg", "known_for_department": "Acting"},
                {"id": 205, "name": "Kirsten Dunst", "character": "Judy Shepherd", "order": 1,
                 "gender": 1, "profile_path": null},
                {"id": 31, "name": "Not Tom Hanks", "character": "Cameo", "order": 2}
            ],
            "crew": [
                {"id": 4945, "name": "Joe Johnston", "department": "Directing", "job": "Director"},
                {"id": 777001, "name": "Some Gaffer", "department": "Lighting", "job": "Gaffer"}
            ]
        },
        "keywords": {"keywords": [{"id": 10090, "name": "board game"}, {"id": 1001, "name": "jungle"}]}
    })
}

/// A database with these fixtures imported; `None` when the backend is not configured.
async fn catalogue_with(backend: Backend, fixtures: &[&str]) -> Option<(TestDb, Db)> {
    let tdb = TestDb::create(backend).await?;
    let db = tdb.connect().await;
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    let paths: Vec<_> = fixtures
        .iter()
        .map(|f| crate::helpers::fixture(f))
        .collect();
    nextflex_app::dataset_import::import(&db, &storage, &paths, false)
        .await
        .unwrap();
    Some((tdb, db))
}

/// Fast settings for tests: short waits, one request in flight (so that the order is the
/// candidates' order).
fn quick() -> EnrichSettings {
    EnrichSettings {
        rate: 50,
        in_flight: 1,
        timeout: Duration::from_secs(5),
        attempts: 3,
        backoff: Duration::from_millis(100),
        ..EnrichSettings::default()
    }
}

async fn movie_id(db: &Db, tmdb_id: i64) -> i64 {
    sqlx::query_scalar(db.sql("SELECT id FROM movies WHERE tmdb_id = ?"))
        .bind(tmdb_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn detail(db: &Db, tmdb_id: i64) -> MovieDetail {
    catalogue::detail(db, MovieId::new(movie_id(db, tmdb_id).await).unwrap())
        .await
        .unwrap()
        .unwrap()
}

/// Each remembered movie's TMDB id, outcome, failures and error.
async fn remembered(db: &Db) -> HashMap<i64, (String, i64, Option<String>)> {
    sqlx::query(db.sql("SELECT tmdb_id, outcome, failures, error FROM tmdb_enrichment"))
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get("tmdb_id").unwrap(),
                (
                    r.try_get("outcome").unwrap(),
                    r.try_get("failures").unwrap(),
                    r.try_get("error").unwrap(),
                ),
            )
        })
        .collect()
}

crate::backend_tests!(
    enrichment_counts_what_it_asked_and_filled,
    a_movie_keeps_what_it_has_and_gets_what_it_lacked,
    a_bare_movie_gets_tmdbs_details_and_credits_but_keeps_its_genres,
    enrichment_asks_with_the_key_and_remembers_each_outcome,
    the_next_run_asks_again_only_what_failed,
    a_placeholder_title_gives_way_to_tmdbs,
);

/// A working title the catalogue holds ("Untitled Jumanji Reboot") gives way to TMDB's title
/// and stays an alternate, so that search still finds it; a real title is never replaced.
async fn a_placeholder_title_gives_way_to_tmdbs(backend: Backend) {
    let Some((_tdb, db)) = catalogue_with(backend, &["tmdb-mini", "ml-mini"]).await else {
        return;
    };
    sqlx::query(db.sql("UPDATE movies SET title = ?, search_title = ? WHERE tmdb_id = ?"))
        .bind("Untitled Jumanji Reboot")
        .bind("untitled jumanji reboot")
        .bind(JUMANJI)
        .execute(db.pool())
        .await
        .unwrap();
    let stub = StubTmdb::start(vec![
        (JUMANJI, vec![Reply::Movie(tmdb_movie(JUMANJI, "Jumanji"))]),
        (
            TOY_STORY,
            vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story 1"))],
        ),
    ])
    .await;
    stub.enrich(&db, &quick()).await;
    let jumanji = detail(&db, JUMANJI).await;
    assert_eq!(jumanji.title, "Jumanji");
    assert!(
        jumanji
            .alternate_titles
            .contains(&"Untitled Jumanji Reboot".to_owned()),
        "{:?}",
        jumanji.alternate_titles
    );
    let search: String =
        sqlx::query_scalar(db.sql("SELECT search_title FROM movies WHERE tmdb_id = ?"))
            .bind(JUMANJI)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(search, "jumanji");
    assert_eq!(detail(&db, TOY_STORY).await.title, "Toy Story");
}

/// One enrichment run (see [`enriched_once`]): the database (and its guard), the stub, the run's
/// summary, how many movies it had to ask about, and Toy Story and Jumanji before it.
struct EnrichedOnce {
    _tdb: TestDb,
    db: Db,
    stub: StubTmdb,
    summary: Summary,
    pending: u64,
    toy_before: MovieDetail,
    jumanji_before: MovieDetail,
}

/// Toy Story (TMDB 5000: overview, runtime, credits, keywords, no poster) and Jumanji
/// (MovieLens: a title, a year and genres, no overview and no cast) enriched from a stub TMDB
/// that knows them both, answers 500 for The Dark Knight and knows no other movie.
async fn enriched_once(backend: Backend) -> Option<EnrichedOnce> {
    let (tdb, db) = catalogue_with(backend, &["tmdb-mini", "ml-mini"]).await?;
    let stub = StubTmdb::start(vec![
        (
            TOY_STORY,
            vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story"))],
        ),
        (JUMANJI, vec![Reply::Movie(tmdb_movie(JUMANJI, "Jumanji"))]),
        (DARK_KNIGHT, vec![Reply::Status(500)]),
    ])
    .await;
    let toy_before = detail(&db, TOY_STORY).await;
    let jumanji_before = detail(&db, JUMANJI).await;
    assert!(toy_before.poster_path.is_none() && !toy_before.cast.is_empty());
    assert!(jumanji_before.overview.is_none() && jumanji_before.cast.is_empty());
    let pending = enrichment_candidates(&db).await;
    let summary = stub.enrich(&db, &quick()).await;
    Some(EnrichedOnce {
        _tdb: tdb,
        db,
        stub,
        summary,
        pending,
        toy_before,
        jumanji_before,
    })
}

/// The summary counts every movie with a TMDB id asked about: two enriched, the rest not found
/// but The Dark Knight, whose 500 is tried three times; the posters and the cast it filled, and
/// no genres.
async fn enrichment_counts_what_it_asked_and_filled(backend: Backend) {
    let Some(f) = enriched_once(backend).await else {
        return;
    };
    let (summary, pending) = (&f.summary, f.pending);
    assert_eq!(summary.pending, pending, "{summary:?}");
    assert_eq!(
        (summary.asked, summary.enriched, summary.unchanged),
        (pending, 2, 0),
        "{summary:?}"
    );
    assert_eq!(
        (summary.not_found, summary.failed, summary.skipped),
        (pending - 3, 1, 0),
        "{summary:?}"
    );
    // The Dark Knight's 500 is tried three times.
    assert_eq!((summary.requests, summary.retries), (pending + 2, 2));
    assert_eq!(summary.stopped, None);
    assert_eq!(summary.filled["poster_path"], 2);
    assert_eq!(summary.filled["cast"], 1);
    assert!(!summary.filled.contains_key("genres"), "{summary:?}");
}

/// Toy Story gets only TMDB's poster and what else it lacked (its tagline): what TMDB 5000 gave
/// stays, its popularity too.
async fn a_movie_keeps_what_it_has_and_gets_what_it_lacked(backend: Backend) {
    let Some(f) = enriched_once(backend).await else {
        return;
    };
    let (db, toy_before) = (&f.db, &f.toy_before);
    let toy = detail(db, TOY_STORY).await;
    assert_eq!(toy.poster_path.as_deref(), Some("/poster862.jpg"));
    // What TMDB 5000 gave stays.
    let kept = MovieDetail {
        poster_path: None,
        ..toy.clone()
    };
    let toy_before_but_tagline = MovieDetail {
        tagline: toy.tagline.clone(),
        ..toy_before.clone()
    };
    assert_eq!(kept, toy_before_but_tagline);
    assert_eq!(toy.popularity, toy_before.popularity);
}

/// Jumanji gets its poster, overview, runtime, date, budget, credits and keywords but keeps its
/// IMDb id, title and genres; people the catalogue has keep their names; the gaffer is left out;
/// TMDB's popularity and votes are not taken.
async fn a_bare_movie_gets_tmdbs_details_and_credits_but_keeps_its_genres(backend: Backend) {
    let Some(f) = enriched_once(backend).await else {
        return;
    };
    let (db, jumanji_before) = (&f.db, &f.jumanji_before);
    let jumanji = detail(db, JUMANJI).await;
    assert_eq!(jumanji.poster_path.as_deref(), Some("/poster8844.jpg"));
    assert_eq!(
        jumanji.overview.as_deref(),
        Some("TMDB's overview of Jumanji.")
    );
    assert_eq!(jumanji.runtime, Some(104));
    assert_eq!(jumanji.release_date.as_deref(), Some("1995-12-15"));
    assert_eq!(jumanji.year, Some(1995));
    assert_eq!(jumanji.budget, Some(65_000_000));
    assert_eq!(
        jumanji.imdb_id, jumanji_before.imdb_id,
        "the links' IMDb id stays"
    );
    assert_eq!(jumanji.title, jumanji_before.title);
    assert_eq!(
        jumanji.genres, jumanji_before.genres,
        "MovieLens's genres stay"
    );
    assert!(!jumanji.genres.contains(&"Comedy".to_owned()));
    assert_eq!(jumanji.popularity, jumanji_before.popularity);
    assert_eq!(jumanji.tmdb_vote_count, None, "TMDB's votes are not taken");
    let cast: Vec<(&str, Option<&str>)> = jumanji
        .cast
        .iter()
        .map(|c| (c.name.as_str(), c.character.as_deref()))
        .collect();
    assert_eq!(
        cast,
        [
            ("Robin Williams", Some("Alan Parrish")),
            ("Kirsten Dunst", Some("Judy Shepherd")),
            // A person the catalogue has keeps the name it has.
            ("Tom Hanks", Some("Cameo")),
        ]
    );
    assert_eq!(jumanji.cast[0].profile_path.as_deref(), Some("/robin.jpg"));
    let crew: Vec<(&str, &str)> = jumanji
        .crew
        .iter()
        .map(|c| (c.name.as_str(), c.job.as_str()))
        .collect();
    assert_eq!(
        crew,
        [("Joe Johnston", "Director")],
        "the gaffer is left out"
    );
    let words: Vec<&str> = jumanji.keywords.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(words, ["board game", "jungle"]);
}

/// Each request carries the key and asks for credits and keywords; every movie asked about is
/// remembered: enriched, not found (unknown to TMDB), or failed with its error.
async fn enrichment_asks_with_the_key_and_remembers_each_outcome(backend: Backend) {
    let Some(f) = enriched_once(backend).await else {
        return;
    };
    let (db, stub, pending) = (&f.db, &f.stub, f.pending);
    // Every request: the key as `api_key`, credits and keywords appended.
    for s in stub.seen() {
        assert_eq!(s.api_key.as_deref(), Some(KEY), "{s:?}");
        assert_eq!(s.append.as_deref(), Some("credits,keywords"), "{s:?}");
    }
    let memory = remembered(db).await;
    assert_eq!(memory.len() as u64, pending);
    assert_eq!(memory[&TOY_STORY].0, "enriched");
    assert_eq!(memory[&JUMANJI].0, "enriched");
    assert_eq!(memory[&DARK_KNIGHT_RISES].0, "not_found");
    let (outcome, failures, error) = &memory[&DARK_KNIGHT];
    assert_eq!((outcome.as_str(), *failures), ("failed", 1));
    assert!(error.as_deref().unwrap().contains("500"), "{error:?}");
}

/// The next run asks only The Dark Knight again: the enriched movies lack nothing TMDB has, the
/// others are remembered; a second failure is counted.
async fn the_next_run_asks_again_only_what_failed(backend: Backend) {
    let Some(f) = enriched_once(backend).await else {
        return;
    };
    let (db, stub, pending) = (&f.db, &f.stub, f.pending);
    let again = stub.enrich(db, &quick()).await;
    assert_eq!(
        (again.pending, again.asked, again.failed),
        (1, 1, 1),
        "{again:?}"
    );
    assert_eq!(again.remembered, pending - 3, "{again:?}");
    assert_eq!(stub.asked()[pending as usize + 2..], [DARK_KNIGHT; 3]);
    assert_eq!(remembered(db).await[&DARK_KNIGHT].1, 2);
}

/// How many movies enrichment would ask about: those with a TMDB id that lack a poster, an
/// overview, a runtime, a cast or a crew (here: every one with a TMDB id, none has a poster).
async fn enrichment_candidates(db: &Db) -> u64 {
    scalar(db, "SELECT COUNT(*) FROM movies WHERE tmdb_id IS NOT NULL").await as u64
}

/// A 429 with `Retry-After: 1` is waited out before the retry; 503 and 502 are retried after
/// growing back-offs; both movies are then enriched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_server_errors_are_retried() {
    let (_tdb, db) = catalogue_with(Backend::Sqlite, &["tmdb-mini"])
        .await
        .unwrap();
    let stub = StubTmdb::start(vec![
        (
            TOY_STORY,
            vec![
                Reply::RetryAfter(1),
                Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story")),
            ],
        ),
        (
            AVATAR,
            vec![
                Reply::Status(503),
                Reply::Status(502),
                Reply::Movie(tmdb_movie(AVATAR, "Avatar")),
            ],
        ),
    ])
    .await;
    let summary = stub.enrich(&db, &quick()).await;
    assert_eq!(
        (summary.enriched, summary.not_found, summary.failed),
        (2, 3, 0),
        "{summary:?}"
    );
    assert_eq!((summary.requests, summary.retries), (8, 3), "{summary:?}");
    let seen = stub.seen();
    let times = |id| -> Vec<Instant> { seen.iter().filter(|s| s.id == id).map(|s| s.at).collect() };
    let toy = times(TOY_STORY);
    assert_eq!(toy.len(), 2);
    let waited = toy[1] - toy[0];
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "retried after {waited:?}");
    let avatar = times(AVATAR);
    assert_eq!(avatar.len(), 3);
    let (first, second) = (avatar[1] - avatar[0], avatar[2] - avatar[1]);
    assert!(first >= Duration::from_millis(95), "{first:?}");
    assert!(
        second >= Duration::from_millis(195),
        "back-off doubles: {second:?}"
    );
    for tmdb_id in [TOY_STORY, AVATAR] {
        assert!(detail(&db, tmdb_id).await.poster_path.is_some());
    }

    // A 429 that lasts: given up after the attempts, counted failed, asked again next run.
    let stub = StubTmdb::start(vec![(BATMAN_BEGINS, vec![Reply::RetryAfter(0)])]).await;
    let settings = EnrichSettings {
        limit: Some(1),
        ..quick()
    };
    sqlx::query(db.sql("DELETE FROM tmdb_enrichment WHERE tmdb_id = ?"))
        .bind(BATMAN_BEGINS)
        .execute(db.pool())
        .await
        .unwrap();
    let summary = stub.enrich(&db, &settings).await;
    assert_eq!((summary.asked, summary.failed), (1, 1), "{summary:?}");
    assert_eq!(stub.asked(), [BATMAN_BEGINS; 3]);
    let memory = remembered(&db).await;
    assert_eq!(memory[&BATMAN_BEGINS].0, "failed");
    assert!(
        memory[&BATMAN_BEGINS].2.as_deref().unwrap().contains("429"),
        "{memory:?}"
    );
}

/// `limit` asks about that many movies, the most popular first, and leaves the rest for later;
/// each next run resumes with movies not asked yet. A movie TMDB does not know is not asked
/// again; one that fails is asked on later runs until it has failed in `give_up_after` runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_resume_and_remember_what_tmdb_said() {
    let (_tdb, db) = catalogue_with(Backend::Sqlite, &["tmdb-mini"])
        .await
        .unwrap();
    let stub = StubTmdb::start(vec![
        (
            TOY_STORY,
            vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story"))],
        ),
        (BATMAN_BEGINS, vec![Reply::Status(500)]),
    ])
    .await;
    let by_popularity: Vec<i64> =
        sqlx::query_scalar(db.sql("SELECT tmdb_id FROM movies ORDER BY popularity DESC"))
            .fetch_all(db.pool())
            .await
            .unwrap();
    let settings = EnrichSettings {
        limit: Some(2),
        attempts: 1,
        give_up_after: 2,
        ..quick()
    };
    let first = stub.enrich(&db, &settings).await;
    assert_eq!(
        (first.pending, first.asked, first.skipped),
        (5, 2, 3),
        "{first:?}"
    );
    assert_eq!(stub.asked(), by_popularity[..2]);

    let second = stub.enrich(&db, &settings).await;
    assert_eq!(
        (second.pending, second.asked, second.skipped),
        (3, 2, 1),
        "{second:?}"
    );
    assert_eq!(stub.asked(), by_popularity[..4]);

    // No limit: the last one, and Batman Begins again (it failed once; two failed runs give up).
    let unlimited = EnrichSettings {
        limit: None,
        ..settings.clone()
    };
    let third = stub.enrich(&db, &unlimited).await;
    assert_eq!((third.pending, third.asked), (2, 2), "{third:?}");
    let mut asked = stub.asked()[4..].to_vec();
    asked.sort();
    let mut expected = vec![BATMAN_BEGINS, by_popularity[4]];
    expected.sort();
    assert_eq!(asked, expected);

    let memory = remembered(&db).await;
    assert_eq!(memory[&BATMAN_BEGINS].0, "failed");
    assert_eq!(memory[&BATMAN_BEGINS].1, 2);
    assert_eq!(memory[&TOY_STORY].0, "enriched");
    assert_eq!(memory[&DARK_KNIGHT].0, "not_found");
    assert_eq!(memory[&DARK_KNIGHT_RISES].0, "not_found");

    // Nothing is left to ask: Toy Story lacks nothing now, the rest is settled.
    let fourth = stub.enrich(&db, &unlimited).await;
    assert_eq!((fourth.pending, fourth.asked, fourth.remembered), (0, 0, 4));
    assert_eq!(stub.seen().len(), 6);

    // A re-import that gives a movie another TMDB id makes it a new question.
    sqlx::query(db.sql("UPDATE movies SET tmdb_id = 999999003 WHERE tmdb_id = ?"))
        .bind(DARK_KNIGHT)
        .execute(db.pool())
        .await
        .unwrap();
    let fifth = stub.enrich(&db, &unlimited).await;
    assert_eq!((fifth.pending, fifth.not_found), (1, 1), "{fifth:?}");
    assert_eq!(stub.asked().last(), Some(&999_999_003));
}

/// A TMDB that never answers: each attempt ends at the timeout, the run ends with every movie
/// failed and nothing stored; many failures in a row stop a run early (TMDB is down), leaving
/// the rest for the next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_tmdb_is_given_up_on() {
    let (_tdb, db) = catalogue_with(Backend::Sqlite, &["tmdb-mini"])
        .await
        .unwrap();
    let ids = [
        DARK_KNIGHT,
        BATMAN_BEGINS,
        DARK_KNIGHT_RISES,
        TOY_STORY,
        AVATAR,
    ];
    let stub = StubTmdb::start(ids.iter().map(|&id| (id, vec![Reply::Hang])).collect()).await;
    let settings = EnrichSettings {
        in_flight: 4,
        timeout: Duration::from_millis(300),
        attempts: 2,
        backoff: Duration::from_millis(50),
        ..quick()
    };
    let started = Instant::now();
    let summary = tokio::time::timeout(
        Duration::from_secs(20),
        enrich::run(&db, &stub.client(), &settings, false),
    )
    .await
    .expect("the run did not end")
    .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(took >= Duration::from_millis(650), "took {took:?}");
    assert_eq!((summary.asked, summary.failed), (5, 5), "{summary:?}");
    assert_eq!(summary.requests, 10);
    assert_eq!(summary.stopped, None);
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM movies WHERE poster_path IS NOT NULL"
        )
        .await,
        0
    );
    for (_, (outcome, failures, error)) in remembered(&db).await {
        assert_eq!((outcome.as_str(), failures), ("failed", 1));
        assert!(error.as_deref().unwrap().contains("timed out"), "{error:?}");
    }

    // TMDB down: three movies in a row failing stop the run.
    let settings = EnrichSettings {
        in_flight: 1,
        outage_after: 3,
        ..settings
    };
    let summary = stub.enrich(&db, &settings).await;
    assert_eq!((summary.asked, summary.skipped), (3, 2), "{summary:?}");
    assert!(
        matches!(&summary.stopped, Some(Stopped::TmdbUnavailable { message }) if message.contains("timed out")),
        "{summary:?}"
    );
    assert!(summary.stop_error().is_some());
}

/// Answers that are not the movie asked for (not JSON, JSON that is no movie, another movie,
/// too large) are failures after one request each, and nothing of them is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_is_counted_as_failed_and_nothing_is_stored() {
    let (_tdb, db) = catalogue_with(Backend::Sqlite, &["tmdb-mini"])
        .await
        .unwrap();
    let huge: &'static str = Box::leak(
        format!(
            "{{\"id\": {AVATAR}, \"title\": \"Avatar\", \"overview\": \"{}\"}}",
            "x".repeat(3 << 20)
        )
        .into_boxed_str(),
    );
    let stub = StubTmdb::start(vec![
        (TOY_STORY, vec![Reply::Body("<html>Bad gateway</html>")]),
        (
            DARK_KNIGHT,
            vec![Reply::Body(r#"{"status_code": 7, "success": false}"#)],
        ),
        (
            BATMAN_BEGINS,
            vec![Reply::Movie(tmdb_movie(
                DARK_KNIGHT_RISES,
                "Not Batman Begins",
            ))],
        ),
        (
            DARK_KNIGHT_RISES,
            vec![Reply::Body(r#"{"id": 49026, "title": "#)],
        ),
        (AVATAR, vec![Reply::Body(huge)]),
    ])
    .await;
    let movies = [
        TOY_STORY,
        DARK_KNIGHT,
        BATMAN_BEGINS,
        DARK_KNIGHT_RISES,
        AVATAR,
    ];
    let details = || futures::future::join_all(movies.map(|id| detail(&db, id)));
    let before: Vec<MovieDetail> = details().await;
    let summary = stub.enrich(&db, &quick()).await;
    assert_eq!((summary.asked, summary.failed), (5, 5), "{summary:?}");
    assert_eq!(
        summary.requests, 5,
        "garbage is not asked again within the run"
    );
    assert!(summary.filled.is_empty());
    let after: Vec<MovieDetail> = details().await;
    assert_eq!(before, after);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM people WHERE tmdb_id = 2157").await,
        0
    );
    let memory = remembered(&db).await;
    let error = |id: i64| memory[&id].2.clone().unwrap();
    assert!(error(TOY_STORY).contains("not JSON"), "{memory:?}");
    assert!(
        error(DARK_KNIGHT).contains("not a TMDB movie"),
        "{memory:?}"
    );
    assert!(error(BATMAN_BEGINS).contains("another movie"), "{memory:?}");
    assert!(error(AVATAR).contains("bytes"), "{memory:?}");
}

/// The key appears in no log line (debug included), no stored error and no summary, whatever
/// TMDB does: rate limits, errors, hangs, garbage, refusal, or nothing listening. (On the
/// test's own thread, so that its log can be read.)
#[tokio::test]
async fn the_key_stays_out_of_logs_and_errors() {
    let logs = CapturedLogs::start();
    let (_tdb, db) = catalogue_with(Backend::Sqlite, &["tmdb-mini"])
        .await
        .unwrap();
    let summaries = enrich_against_every_failure(&db).await;

    let logs = logs.text();
    assert!(logs.contains("TMDB"), "nothing was logged:\n{logs}");
    assert!(!logs.contains(KEY), "the key was logged:\n{logs}");
    for summary in &summaries {
        let text = serde_json::to_string(summary).unwrap();
        assert!(!text.contains(KEY), "{text}");
        if let Some(e) = summary.stop_error() {
            assert!(!e.to_string().contains(KEY), "{e}");
        }
    }
    let errors: Vec<Option<String>> = sqlx::query_scalar("SELECT error FROM tmdb_enrichment")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert!(
        errors
            .iter()
            .flatten()
            .any(|e| e.contains("cannot connect")),
        "{errors:?}"
    );
    for e in errors.iter().flatten() {
        assert!(!e.contains(KEY), "{e}");
    }
}

/// [`the_key_stays_out_of_logs_and_errors`]' runs, with progress output, and their summaries: a
/// TMDB that rate-limits, fails, hangs and talks garbage; one that refuses the key (the run
/// stops at once and says why); and nothing listening (every movie fails).
async fn enrich_against_every_failure(db: &Db) -> Vec<Summary> {
    let stub = StubTmdb::start(vec![
        (TOY_STORY, vec![Reply::RetryAfter(0), Reply::Status(500)]),
        (DARK_KNIGHT, vec![Reply::Hang]),
        (BATMAN_BEGINS, vec![Reply::Body("not json")]),
        (AVATAR, vec![Reply::Movie(tmdb_movie(AVATAR, "Avatar"))]),
    ])
    .await;
    let settings = EnrichSettings {
        timeout: Duration::from_millis(300),
        ..quick()
    };
    let mut summaries: Vec<Summary> = Vec::new();
    summaries.push(
        enrich::run(db, &stub.client(), &settings, true)
            .await
            .unwrap(),
    );
    // Refused: the run stops at once and says why, without the key.
    let refusing = StubTmdb::start(vec![(TOY_STORY, vec![Reply::Status(401)])]).await;
    sqlx::query("DELETE FROM tmdb_enrichment")
        .execute(db.pool())
        .await
        .unwrap();
    let refused = enrich::run(db, &refusing.client(), &settings, true)
        .await
        .unwrap();
    assert!(
        matches!(&refused.stopped, Some(Stopped::KeyRefused { message }) if message.contains("401")),
        "{refused:?}"
    );
    assert!(refused.asked < 5, "{refused:?}");
    let error = refused.stop_error().unwrap();
    assert_eq!(error.exit_code(), 2);
    assert!(
        error.to_string().contains("TMDB refused the API key"),
        "{error}"
    );
    summaries.push(refused);
    // Nothing listening.
    let nowhere = Tmdb::new(
        Some(&Secret::new(KEY)),
        &crate::helpers::tmdb::closed_port_url(),
    )
    .unwrap()
    .unwrap();
    sqlx::query("DELETE FROM tmdb_enrichment")
        .execute(db.pool())
        .await
        .unwrap();
    summaries.push(enrich::run(db, &nowhere, &settings, true).await.unwrap());
    assert_eq!(summaries[2].failed, 4, "{:?}", summaries[2]);
    summaries
}

/// A folder holding the tmdb-mini fixture, imported by `nextflex import` into its default
/// database.
fn imported_tmdb_mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("tmdb-mini", &dir.path().join("tmdb"));
    let out = run(nextflex(dir.path()).args(["import", "tmdb"]));
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

/// `nextflex enrich ARGS` in `dir` against the TMDB at `url`, given `key` (on a blocking
/// thread, so that the stub keeps answering).
async fn enrich_cli(
    dir: &std::path::Path,
    url: &str,
    args: &[&str],
    key: Option<&str>,
) -> std::process::Output {
    let mut cmd = nextflex(dir);
    cmd.arg("enrich")
        .args(args)
        .env("NEXTFLEX_TMDB_API_URL", url);
    if let Some(key) = key {
        cmd.env("NEXTFLEX_TMDB_API_KEY", key);
    }
    tokio::task::spawn_blocking(move || run(&mut cmd))
        .await
        .unwrap()
}

/// `nextflex enrich` without a key is an error of one line, and asks nothing; `--limit 0` and
/// `serve --enrich-interval 0s` are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enrich_command_refuses_no_key_and_zero_limits() {
    let dir = imported_tmdb_mini();
    let stub = StubTmdb::start(vec![(
        TOY_STORY,
        vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story"))],
    )])
    .await;
    let out = enrich_cli(dir.path(), &stub.url, &[], None).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("enrich needs a TMDB key"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let out = enrich_cli(dir.path(), &stub.url, &["--limit", "0"], Some(KEY)).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give 1 or more"), "{}", stderr(&out));
    assert!(stub.seen().is_empty());

    let out = run(nextflex(dir.path()).args(["serve", "--enrich-interval", "0s"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("must be positive"),
        "{}",
        stderr(&out)
    );
}

/// `nextflex enrich --json` summaries resume run after run (`--limit` leaving the rest for the
/// next), the key in no output; without `--json`, a readable summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enrich_command_resumes_run_after_run() {
    let dir = imported_tmdb_mini();
    let stub = StubTmdb::start(vec![(
        TOY_STORY,
        vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story"))],
    )])
    .await;
    let summary = |out: &std::process::Output| -> Value {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(KEY) && !stderr(out).contains(KEY));
        serde_json::from_str(&text).unwrap()
    };
    let call = |args: &'static [&'static str]| enrich_cli(dir.path(), &stub.url, args, Some(KEY));
    let first = summary(&call(&["--json", "--limit", "2"]).await);
    assert_eq!(
        (&first["pending"], &first["asked"], &first["skipped"]),
        (&json!(5), &json!(2), &json!(3)),
        "{first}"
    );
    let second = summary(&call(&["--json"]).await);
    assert_eq!(
        (&second["pending"], &second["asked"]),
        (&json!(3), &json!(3)),
        "{second}"
    );
    let total_enriched = first["enriched"].as_u64().unwrap() + second["enriched"].as_u64().unwrap();
    assert_eq!(total_enriched, 1);
    let third = summary(&call(&["--json"]).await);
    assert_eq!(
        (&third["asked"], &third["remembered"]),
        (&json!(0), &json!(4)),
        "{third}"
    );
    assert_eq!(stub.seen().len(), 5);
    // Without --json: a readable summary.
    let out = call(&[]).await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("asked TMDB about 0 movies"));
}

/// A refused key: `nextflex enrich` exits 2 with a last line that says so, without the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enrich_command_exits_2_on_a_refused_key() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("tmdb-mini", &dir.path().join("tmdb"));
    let refusing = StubTmdb::start(vec![(AVATAR, vec![Reply::Status(401)])]).await;
    let out =
        run(nextflex(dir.path()).args(["import", "tmdb", "--database-url", "sqlite://fresh.db"]));
    assert!(out.status.success());
    let out = enrich_cli(
        dir.path(),
        &refusing.url,
        &["--database-url", "sqlite://fresh.db"],
        Some(KEY),
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.lines()
            .last()
            .unwrap()
            .contains("TMDB refused the API key"),
        "{err}"
    );
    assert!(!err.contains(KEY), "{err}");
}

/// `serve --enrich-interval`: a run at start-up fills Toy Story's poster, and the retrain after
/// it puts the poster on Toy Story's card; without a key, a warning and no request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_enriches_in_the_background() {
    let stub = StubTmdb::start(vec![(
        TOY_STORY,
        vec![Reply::Movie(tmdb_movie(TOY_STORY, "Toy Story"))],
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("tmdb-mini", &dir.path().join("data/demo/tmdb"));
    copy_fixture("ml-mini", &dir.path().join("data/demo/ml"));

    let (cwd, url) = (dir.path().to_owned(), stub.url.clone());
    let server = tokio::task::spawn_blocking(move || {
        let mut cmd = nextflex(&cwd);
        cmd.env("NEXTFLEX_TMDB_API_KEY", KEY)
            .env("NEXTFLEX_TMDB_API_URL", url)
            .env("NEXTFLEX_ENRICH_INTERVAL", "1h");
        Server::start(&mut cmd)
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    let poster = loop {
        let cards: Value = client
            .get(format!(
                "http://{}/api/charts/popular?limit=100",
                server.addr
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let toy = cards
            .as_array()
            .and_then(|c| c.iter().find(|m| m["title"] == "Toy Story").cloned());
        if let Some(poster) = toy.as_ref().and_then(|t| t["poster_path"].as_str()) {
            break poster.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no poster on Toy Story's card: {toy:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(poster, "/poster862.jpg");
    assert!(stub.asked().contains(&TOY_STORY));
    let (status, log) = tokio::task::spawn_blocking(move || server.terminate())
        .await
        .unwrap();
    assert!(status.success());
    assert!(!log.iter().any(|l| l.contains(KEY)), "{log:?}");

    // Without a key: a warning, and TMDB is not asked.
    let before = stub.seen().len();
    let (cwd, url) = (dir.path().to_owned(), stub.url.clone());
    let (status, log) = tokio::task::spawn_blocking(move || {
        let mut cmd = nextflex(&cwd);
        cmd.env("NEXTFLEX_TMDB_API_URL", url)
            .env("NEXTFLEX_ENRICH_INTERVAL", "1h")
            .env("NEXTFLEX_MODEL_POLL_INTERVAL", "0");
        let server = Server::start(&mut cmd);
        assert!(
            server.startup.contains("background enrichment is off"),
            "{}",
            server.startup
        );
        server.terminate()
    })
    .await
    .unwrap();
    assert!(status.success(), "{log:?}");
    assert_eq!(stub.seen().len(), before);
}
