//! `nextflex import` on the committed fixtures, on every backend: counts, merged fields, skip
//! reasons, Parquet datasets, idempotency, strict mode leaving the catalogue as it was.

use std::collections::BTreeMap;
use std::path::PathBuf;

use nextflex_app::dataset_import::{ImportSummary, import, stats};
use nextflex_store::config::StorageConfig;
use nextflex_store::db::Db;
use nextflex_store::error::Error;
use nextflex_store::storage::Storage;
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use sqlx::Row;

use crate::helpers::{Backend, TestDb, fixture, scalar};

crate::backend_tests!(
    imports_fixtures_with_their_counts_and_skips,
    imported_movies_merge_their_sources,
    imports_store_the_datasets,
    importing_again_changes_nothing,
    a_partial_import_keeps_what_it_lacks,
    strict_failure_keeps_the_catalogue,
    database_failure_rolls_the_catalogue_back,
    movielens_tags_are_stored_and_replaced,
);

fn fixtures() -> Vec<PathBuf> {
    ["ml-mini", "kaggle-mini", "tmdb-mini"]
        .map(fixture)
        .to_vec()
}

/// Object storage in a temporary folder (kept while the returned guard lives).
async fn local_storage() -> (Storage, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(&StorageConfig::Local(dir.path().join("objects")))
        .await
        .unwrap();
    (storage, dir)
}

/// Rows of the link tables and people, to compare before and after an import.
async fn link_counts(db: &Db) -> [i64; 5] {
    [
        scalar(db, "SELECT COUNT(*) FROM movie_genres").await,
        scalar(db, "SELECT COUNT(*) FROM movie_cast").await,
        scalar(db, "SELECT COUNT(*) FROM movie_crew").await,
        scalar(db, "SELECT COUNT(*) FROM movie_keywords").await,
        scalar(db, "SELECT COUNT(*) FROM people").await,
    ]
}

/// A fresh database and local storage after one import of [`fixtures`], with its summary.
struct Imported {
    _tdb: TestDb,
    db: Db,
    storage: Storage,
    _dir: tempfile::TempDir,
    first: ImportSummary,
}

async fn imported(backend: Backend) -> Option<Imported> {
    let tdb = TestDb::create(backend).await?;
    let db = tdb.connect().await;
    let (storage, dir) = local_storage().await;
    let first = import(&db, &storage, &fixtures(), false).await.unwrap();
    Some(Imported {
        _tdb: tdb,
        db,
        storage,
        _dir: dir,
        first,
    })
}

/// The first import's counts, and why rows were skipped.
async fn imports_fixtures_with_their_counts_and_skips(backend: Backend) {
    let Some(f) = imported(backend).await else {
        return;
    };
    let first = &f.first;
    assert_eq!(first.movies, 47);
    assert_eq!(first.movies_inserted, 47);
    assert_eq!(
        first.ratings,
        BTreeMap::from([("ml-mini".to_string(), 600)])
    );
    let expected_skips: BTreeMap<String, u64> = [
        ("duplicate_id", 1),
        ("malformed_id", 1),
        ("malformed_literal", 1),
        ("malformed_rating_row", 1),
        ("rating_out_of_range", 1),
        ("unparseable_date", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(first.skipped, expected_skips);
}

/// Toy Story: TMDB 5000 metadata and credits, MovieLens and IMDb ids from the links.
async fn imported_movies_merge_their_sources(backend: Backend) {
    let Some(Imported { db, _tdb, _dir, .. }) = imported(backend).await else {
        return;
    };
    let toy = sqlx::query(db.sql(
        "SELECT id, title, search_title, movielens_id, imdb_id, release_date, release_year, runtime, overview, \
         collection_id, collection_name FROM movies WHERE tmdb_id = ?",
    ))
    .bind(862_i64)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(toy.get::<String, _>("title"), "Toy Story");
    assert_eq!(toy.get::<String, _>("search_title"), "toy story");
    assert_eq!(toy.get::<Option<i64>, _>("movielens_id"), Some(1));
    assert_eq!(
        toy.get::<Option<String>, _>("imdb_id").as_deref(),
        Some("tt0114709")
    );
    assert_eq!(
        toy.get::<Option<String>, _>("release_date").as_deref(),
        Some("1995-10-30")
    );
    assert_eq!(toy.get::<Option<i64>, _>("release_year"), Some(1995));
    assert_eq!(toy.get::<Option<i64>, _>("runtime"), Some(81));
    assert_eq!(
        (
            toy.get::<Option<i64>, _>("collection_id"),
            toy.get::<Option<String>, _>("collection_name").as_deref()
        ),
        (Some(10194), Some("Toy Story Collection"))
    );
    assert!(
        toy.get::<Option<String>, _>("overview")
            .unwrap()
            .contains("Woody")
    );
    imported_credits_genres_and_keywords(&db, toy.get("id")).await;
}

/// [`imported_movies_merge_their_sources`]: Toy Story's (`toy_id`) credits, genres and keywords,
/// and the director of a TMDB-only movie.
async fn imported_credits_genres_and_keywords(db: &Db, toy_id: i64) {
    let first_actor: String = sqlx::query_scalar(db.sql(
        "SELECT p.name FROM movie_cast c JOIN people p ON p.id = c.person_id \
         WHERE c.movie_id = ? ORDER BY c.cast_order LIMIT 1",
    ))
    .bind(toy_id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(first_actor, "Tom Hanks");
    let director: String = sqlx::query_scalar(db.sql(
        "SELECT p.name FROM movie_crew c JOIN people p ON p.id = c.person_id \
         WHERE c.movie_id = ? AND c.job = 'Director'",
    ))
    .bind(toy_id)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(director, "John Lasseter");
    let genres: Vec<String> = sqlx::query_scalar(db.sql(
        "SELECT g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id \
         WHERE mg.movie_id = ? ORDER BY g.name",
    ))
    .bind(toy_id)
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(genres, ["Animation", "Comedy", "Family"]);
    let keywords: i64 =
        sqlx::query_scalar(db.sql("SELECT COUNT(*) FROM movie_keywords WHERE movie_id = ?"))
            .bind(toy_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(keywords >= 5, "{keywords}");

    // A TMDB-only movie.
    let nolan: String = sqlx::query_scalar(db.sql(
        "SELECT p.name FROM movies m JOIN movie_crew c ON c.movie_id = m.id \
         JOIN people p ON p.id = c.person_id WHERE m.tmdb_id = ? AND c.job = 'Director'",
    ))
    .bind(155_i64)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(nolan, "Christopher Nolan");
}

/// The datasets in storage (Parquet: every rating, the whole catalogue) and in the database.
async fn imports_store_the_datasets(backend: Backend) {
    let Some(f) = imported(backend).await else {
        return;
    };
    let (db, storage) = (&f.db, &f.storage);
    for file in ["ratings.parquet", "movies.parquet"] {
        let bytes = storage
            .store()
            .get(&ObjectPath::from(format!("datasets/ml-mini/{file}")))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let rows = parquet::file::reader::SerializedFileReader::new(bytes)
            .map(|r| {
                use parquet::file::reader::FileReader;
                r.metadata().file_metadata().num_rows()
            })
            .unwrap();
        // ratings: every row; movies: the whole catalogue.
        assert_eq!(
            rows,
            if file == "ratings.parquet" { 600 } else { 47 },
            "{file}"
        );
    }
    let row = sqlx::query(
        db.sql("SELECT ratings_count, users_count, source_kind FROM datasets WHERE name = ?"),
    )
    .bind("ml-mini")
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<i64, _>("ratings_count"), 600);
    assert!(row.get::<i64, _>("users_count") > 10);
    assert_eq!(row.get::<String, _>("source_kind"), "movielens");
}

/// Again: the same catalogue, no duplicates, internal ids kept.
async fn importing_again_changes_nothing(backend: Backend) {
    let Some(Imported {
        db,
        storage,
        first,
        _tdb,
        _dir,
    }) = imported(backend).await
    else {
        return;
    };
    let toy_id = scalar(&db, "SELECT id FROM movies WHERE tmdb_id = 862").await;
    let links_before = link_counts(&db).await;
    let second = import(&db, &storage, &fixtures(), false).await.unwrap();
    assert_eq!(second.movies, 47);
    assert_eq!((second.movies_inserted, second.movies_updated), (0, 47));
    assert_eq!(second.ratings, first.ratings);
    let links_after = link_counts(&db).await;
    assert_eq!(links_before, links_after);
    let toy_again = scalar(&db, "SELECT id FROM movies WHERE tmdb_id = 862").await;
    assert_eq!(toy_again, toy_id);

    let s = stats(&db).await.unwrap();
    assert_eq!(s.movies, 47);
    assert_eq!(s.ratings.get("ml-mini"), Some(&600));
}

/// A later import that lacks credits and keywords (movies_metadata.csv alone) and some values
/// keeps what the first import gave: cast, crew and keywords stay, and so does an overview it
/// leaves blank.
async fn a_partial_import_keeps_what_it_lacks(backend: Backend) {
    let Some(f) = imported(backend).await else {
        return;
    };
    let (db, storage) = (&f.db, &f.storage);
    let links_before = link_counts(db).await;
    let partial = tempfile::tempdir().unwrap();
    let folder = kaggle_without_jumanjis_overview(partial.path());
    let overview = || async {
        sqlx::query_scalar::<_, Option<String>>(
            db.sql("SELECT overview FROM movies WHERE tmdb_id = 8844"),
        )
        .fetch_one(db.pool())
        .await
        .unwrap()
    };
    let jumanji_before = overview().await;
    assert!(jumanji_before.is_some());
    let third = import(db, storage, &[folder], false).await.unwrap();
    assert!(third.movies_updated > 0, "{third:?}");
    let links_partial = link_counts(db).await;
    assert_eq!(
        links_partial[1..4],
        links_before[1..4],
        "cast, crew and keywords are kept"
    );
    assert!(
        links_partial[0] >= links_before[0],
        "genres are replaced, not dropped"
    );
    assert_eq!(
        overview().await,
        jumanji_before,
        "a blank overview keeps the stored one"
    );
}

/// A dataset folder in `dir` with the Kaggle fixture's movies_metadata.csv alone, Jumanji's
/// overview blanked.
fn kaggle_without_jumanjis_overview(dir: &std::path::Path) -> PathBuf {
    let folder = dir.join("the-movies-dataset");
    std::fs::create_dir_all(&folder).unwrap();
    let mut reader =
        csv::Reader::from_path(fixture("kaggle-mini").join("movies_metadata.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, overview_at) = (column("id"), column("overview"));
    let mut writer = csv::Writer::from_path(folder.join("movies_metadata.csv")).unwrap();
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let fields: Vec<&str> = record
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if i == overview_at && record[id] == *"8844" {
                    ""
                } else {
                    f
                }
            })
            .collect();
        writer.write_record(fields).unwrap();
    }
    writer.flush().unwrap();
    folder
}

async fn strict_failure_keeps_the_catalogue(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let (storage, _dir) = local_storage().await;
    import(&db, &storage, &[fixture("tmdb-mini")], true)
        .await
        .unwrap();
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM movies").await, 5);

    let err = import(&db, &storage, &fixtures(), true).await.unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("line") && msg.contains("ratings.csv.gz"),
        "{msg}"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM movies").await,
        5,
        "a failed import changed the catalogue"
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM datasets").await, 0);
    assert!(
        storage
            .store()
            .head(&ObjectPath::from("datasets/ml-mini/ratings.parquet"))
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn movielens_100k_and_1m_layouts() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let (storage, _dir) = local_storage().await;
    let s = import(&db, &storage, &[fixture("ml-100k-mini")], true)
        .await
        .unwrap();
    assert_eq!((s.movies, s.ratings.get("ml-100k-mini")), (3, Some(&4)));
    let cafe: String =
        sqlx::query_scalar(db.sql("SELECT title FROM movies WHERE movielens_id = 3"))
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(cafe, "Café au Lait", "Latin-1 decoded");
    let genres: Vec<String> = sqlx::query_scalar(db.sql(
        "SELECT g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id \
         JOIN movies m ON m.id = mg.movie_id WHERE m.movielens_id = 1 ORDER BY g.name",
    ))
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(genres, ["Animation", "Comedy", "Family"]);

    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let s = import(&db, &storage, &[fixture("ml-1m-mini")], true)
        .await
        .unwrap();
    assert_eq!((s.movies, s.ratings.get("ml-1m-mini")), (2, Some(&3)));
}

#[tokio::test]
async fn unknown_folders_are_refused() {
    let tdb = TestDb::create(Backend::Sqlite).await.unwrap();
    let db = tdb.connect().await;
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    let empty = tempfile::tempdir().unwrap();
    let err = import(&db, &storage, &[empty.path().to_path_buf()], false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no known dataset files"), "{err}");
    let err = import(&db, &storage, &[empty.path().join("missing")], false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("No such file"), "{err}");
}

/// A database error part-way through the catalogue write (a trigger refuses crew rows, which are
/// written last) rolls everything back: no new movies, people or genres.
async fn database_failure_rolls_the_catalogue_back(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let storage = Storage::open(&StorageConfig::Memory).await.unwrap();
    import(&db, &storage, &[fixture("ml-1m-mini")], true)
        .await
        .unwrap();
    let before = [
        scalar(&db, "SELECT COUNT(*) FROM movies").await,
        scalar(&db, "SELECT COUNT(*) FROM people").await,
        scalar(&db, "SELECT COUNT(*) FROM genres").await,
        scalar(&db, "SELECT COUNT(*) FROM movie_cast").await,
    ];
    let trigger = match backend {
        Backend::Sqlite => "CREATE TRIGGER nf_fail BEFORE INSERT ON movie_crew \
            BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
            .to_string(),
        Backend::Postgres => "CREATE FUNCTION nf_fail() RETURNS trigger AS $$ \
            BEGIN RAISE EXCEPTION 'simulated failure'; END $$ LANGUAGE plpgsql; \
            CREATE TRIGGER nf_fail BEFORE INSERT ON movie_crew \
            FOR EACH ROW EXECUTE FUNCTION nf_fail()"
            .to_string(),
        Backend::MySql => "CREATE TRIGGER nf_fail BEFORE INSERT ON movie_crew FOR EACH ROW \
            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'simulated failure'"
            .to_string(),
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(trigger))
        .execute(db.pool())
        .await
        .unwrap();

    let err = import(&db, &storage, &[fixture("tmdb-mini")], true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    let after = [
        scalar(&db, "SELECT COUNT(*) FROM movies").await,
        scalar(&db, "SELECT COUNT(*) FROM people").await,
        scalar(&db, "SELECT COUNT(*) FROM genres").await,
        scalar(&db, "SELECT COUNT(*) FROM movie_cast").await,
    ];
    assert_eq!(
        before, after,
        "a failed import left part of its catalogue behind"
    );
    assert_eq!(before[0], 2);
}

/// MovieLens tags (tags.csv) are stored per film in lower case with how many people gave each
/// (non-ASCII kept whole), read back as what the film is about, and a later import's tags
/// replace the film's list.
async fn movielens_tags_are_stored_and_replaced(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let (storage, dir) = local_storage().await;
    let folder = dir.path().join("ml-tags");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        fixture("ml-mini").join("movies.csv"),
        folder.join("movies.csv"),
    )
    .unwrap();
    let tags_of = |db: &Db| {
        let db = db.clone();
        async move {
            let rows: Vec<(String, i64)> = sqlx::query_as(db.sql(
                "SELECT t.tag, t.people FROM movie_tags t JOIN movies m ON m.id = t.movie_id \
                 WHERE m.movielens_id = 1 ORDER BY t.tag",
            ))
            .fetch_all(db.pool())
            .await
            .unwrap();
            rows
        }
    };
    std::fs::write(
        folder.join("tags.csv"),
        "userId,movieId,tag,timestamp\n1,1,Pixar,1\n2,1,pixar,2\n2,1,Twist  Ending,3\n3,1,Räuber,4\n",
    )
    .unwrap();
    import(&db, &storage, std::slice::from_ref(&folder), false)
        .await
        .unwrap();
    assert_eq!(
        tags_of(&db).await,
        [
            ("pixar".to_owned(), 2),
            ("räuber".to_owned(), 1),
            ("twist ending".to_owned(), 1)
        ]
    );
    let (features, _) = nextflex_store::db::catalogue::features(&db).await.unwrap();
    let toy = features.iter().find(|m| m.movielens_id == Some(1)).unwrap();
    assert_eq!(toy.tags.len(), 3);

    std::fs::write(
        folder.join("tags.csv"),
        "userId,movieId,tag,timestamp\n4,1,toys,5\n",
    )
    .unwrap();
    import(&db, &storage, std::slice::from_ref(&folder), false)
        .await
        .unwrap();
    assert_eq!(tags_of(&db).await, [("toys".to_owned(), 1)]);
}
