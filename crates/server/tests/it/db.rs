//! The database suite: the same tests on SQLite, PostgreSQL and MariaDB.

use nextflex_store::clock::now;
use nextflex_store::db::{Db, users};
use nextflex_store::error::Error;
use nextflex_store::ids::{MovieId, UserId};
use sqlx::Row;

use crate::helpers::{Backend, TestDb, email, scalar};

crate::backend_tests!(
    migrations_create_the_whole_schema_once,
    users_round_trip_and_unique_email,
    movie_rows_keep_every_type,
    link_tables_join_genres_cast_and_keywords,
    credits_people_and_filmographies,
    keywords_and_their_movies,
    a_replaced_title_stays_an_alternate_once,
    natural_keys_stay_unique_and_links_go_with_their_movie,
    ratings_upsert_check_and_cascade,
    signals_read_ratings_and_lists_in_one_query,
    posts_join_their_images,
    a_post_outlives_its_movie_and_image,
    model_versions_keep_json_as_text,
    placeholders_ignore_quoted_question_marks,
);

const TABLES: &[&str] = &[
    "users",
    "refresh_tokens",
    "movies",
    "genres",
    "movie_genres",
    "people",
    "movie_cast",
    "movie_crew",
    "keywords",
    "movie_keywords",
    "ratings",
    "movie_lists",
    "images",
    "posts",
    "datasets",
    "model_versions",
    "tmdb_enrichment",
];

async fn migrations_create_the_whole_schema_once(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    // One row per migration (a file in migrations/portable/), however often `migrate` runs.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/migrations/portable");
    let files = std::fs::read_dir(dir).unwrap().count() as i64;
    assert!(files >= 5, "{files} migrations");
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM _sqlx_migrations").await,
        files
    );
    for table in TABLES {
        let n: i64 = sqlx::query_scalar(db.sql_owned(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(db.pool())
            .await
            .unwrap_or_else(|e| panic!("table {table} on {backend:?}: {e}"));
        assert_eq!(n, 0, "{table}");
    }
}

async fn insert_user(db: &Db, address: &str, admin: bool) -> UserId {
    users::create(
        db,
        &users::NewUser {
            email: &email(address),
            password_hash: "$argon2id$fake",
            first_name: "Zoë",
            last_name: "O'Brien",
            is_admin: admin,
        },
    )
    .await
    .unwrap()
}

async fn users_round_trip_and_unique_email(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let before = now();
    let id = insert_user(&db, "zoe@example.com", true).await;
    let other = insert_user(&db, "ann@example.com", false).await;
    assert_ne!(id, other);

    let user = users::find_by_email(&db, &email("zoe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, id);
    assert_eq!(user.first_name, "Zoë");
    assert_eq!(user.last_name, "O'Brien");
    assert!(user.is_admin && user.is_active);
    assert!(user.created_at >= before && user.created_at <= now());
    assert_eq!(user.last_login_at, None);
    assert_eq!(
        users::find_by_id(&db, other).await.unwrap().unwrap().email,
        "ann@example.com"
    );
    assert!(
        !users::find_by_id(&db, other)
            .await
            .unwrap()
            .unwrap()
            .is_admin
    );
    assert_eq!(
        users::find_by_email(&db, &email("nobody@example.com"))
            .await
            .unwrap(),
        None
    );

    let dup = users::create(
        &db,
        &users::NewUser {
            email: &email("zoe@example.com"),
            password_hash: "x",
            first_name: "",
            last_name: "",
            is_admin: false,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(dup, Error::Conflict(_)), "{dup:?}");
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM users").await, 2);
}

async fn insert_movie(db: &Db, tmdb_id: i64, title: &str) -> i64 {
    let at = now();
    let sql = db.sql(
        "INSERT INTO movies (tmdb_id, imdb_id, movielens_id, title, search_title, original_title, \
         overview, tagline, release_date, release_year, runtime, popularity, vote_average, \
         vote_count, poster_path, original_language, budget, revenue, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    sqlx::query(sql)
        .bind(tmdb_id)
        .bind(format!("tt{tmdb_id:07}"))
        .bind(Option::<i64>::None)
        .bind(title)
        .bind(title.to_lowercase())
        .bind("Le Fabuleux Destin d'Amélie Poulain")
        .bind("Amélie, an innocent and naive girl in Paris…\nwith her own sense of justice.")
        .bind(Option::<String>::None)
        .bind("2001-04-25")
        .bind(2001_i64)
        .bind(122_i64)
        .bind(12.345_f64)
        .bind(7.8_f64)
        .bind(3_000_000_000_i64)
        .bind("/poster.jpg")
        .bind("fr")
        .bind(10_000_000_i64)
        .bind(173_921_954_i64)
        .bind(at)
        .bind(at)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query_scalar(db.sql("SELECT id FROM movies WHERE tmdb_id = ?"))
        .bind(tmdb_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn movie_rows_keep_every_type(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let movie = insert_movie(&db, 194, "Amélie").await;

    let row = sqlx::query(db.sql(
        "SELECT title, original_title, overview, tagline, release_date, release_year, runtime, \
         popularity, vote_average, vote_count, budget, movielens_id FROM movies WHERE id = ?",
    ))
    .bind(movie)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("title"), "Amélie");
    assert_eq!(
        row.get::<String, _>("original_title"),
        "Le Fabuleux Destin d'Amélie Poulain"
    );
    assert!(row.get::<String, _>("overview").contains("…\nwith"));
    assert_eq!(row.get::<Option<String>, _>("tagline"), None);
    assert_eq!(row.get::<String, _>("release_date"), "2001-04-25");
    assert_eq!(row.get::<i64, _>("release_year"), 2001);
    assert_eq!(row.get::<i64, _>("runtime"), 122);
    assert!((row.get::<f64, _>("popularity") - 12.345).abs() < 1e-12);
    assert!((row.get::<f64, _>("vote_average") - 7.8).abs() < 1e-12);
    assert_eq!(row.get::<i64, _>("vote_count"), 3_000_000_000);
    assert_eq!(row.get::<i64, _>("budget"), 10_000_000);
    assert_eq!(row.get::<Option<i64>, _>("movielens_id"), None);
}

/// A fresh database with Amélie (see [`insert_movie`]) linked to the genre Comedy, Audrey Tautou
/// (cast as Amélie Poulain, and crew as its director) and the keyword "paris": the database's
/// guard, the database and the movie's id.
async fn amelie(backend: Backend) -> Option<(TestDb, Db, i64)> {
    let tdb = TestDb::create(backend).await?;
    let db = tdb.connect().await;
    let movie = insert_movie(&db, 194, "Amélie").await;
    sqlx::query(db.sql("INSERT INTO genres (tmdb_id, name) VALUES (?, ?)"))
        .bind(35_i64)
        .bind("Comedy")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query(db.sql("INSERT INTO people (tmdb_id, name, gender) VALUES (?, ?, ?)"))
        .bind(3_i64)
        .bind("Audrey Tautou")
        .bind(1_i64)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query(db.sql("INSERT INTO keywords (tmdb_id, name) VALUES (?, ?)"))
        .bind(90_i64)
        .bind("paris")
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query(db.sql(
        "INSERT INTO movie_genres (movie_id, genre_id) SELECT ?, id FROM genres WHERE name = ?",
    ))
    .bind(movie)
    .bind("Comedy")
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(db.sql(
        "INSERT INTO movie_cast (movie_id, cast_order, person_id, character_name) \
         SELECT ?, 0, id, ? FROM people WHERE tmdb_id = 3",
    ))
    .bind(movie)
    .bind("Amélie Poulain")
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(db.sql(
        "INSERT INTO movie_crew (movie_id, person_id, job, department) \
         SELECT ?, id, 'Director', 'Directing' FROM people WHERE tmdb_id = 3",
    ))
    .bind(movie)
    .execute(db.pool())
    .await
    .unwrap();
    sqlx::query(
        db.sql("INSERT INTO movie_keywords (movie_id, keyword_id) SELECT ?, id FROM keywords"),
    )
    .bind(movie)
    .execute(db.pool())
    .await
    .unwrap();
    Some((tdb, db, movie))
}

/// Genres, people, credits and keywords through their link tables.
async fn link_tables_join_genres_cast_and_keywords(backend: Backend) {
    let Some((_tdb, db, movie)) = amelie(backend).await else {
        return;
    };
    let row = sqlx::query(db.sql(
        "SELECT g.name AS genre, p.name AS actor, c.character_name, k.name AS keyword \
         FROM movies m \
         JOIN movie_genres mg ON mg.movie_id = m.id JOIN genres g ON g.id = mg.genre_id \
         JOIN movie_cast c ON c.movie_id = m.id JOIN people p ON p.id = c.person_id \
         JOIN movie_keywords mk ON mk.movie_id = m.id JOIN keywords k ON k.id = mk.keyword_id \
         WHERE m.id = ?",
    ))
    .bind(movie)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("genre"), "Comedy");
    assert_eq!(row.get::<String, _>("actor"), "Audrey Tautou");
    assert_eq!(row.get::<String, _>("character_name"), "Amélie Poulain");
    assert_eq!(row.get::<String, _>("keyword"), "paris");
}

/// The credits the home rows follow ("More from", "Starring"), a person and their filmography.
async fn credits_people_and_filmographies(backend: Backend) {
    use nextflex_store::db::people::{self, Credit, Role};
    let Some((_tdb, db, movie)) = amelie(backend).await else {
        return;
    };
    let person: i64 = scalar(&db, "SELECT id FROM people WHERE tmdb_id = 3").await;
    let credit = Credit {
        movie_id: movie,
        person_id: person,
        name: "Audrey Tautou".into(),
        billing: 0,
    };
    for role in [Role::Director, Role::Star] {
        let on = people::credits_on(&db, role, &[movie, movie + 1]).await;
        assert_eq!(on.unwrap(), vec![credit.clone()], "{role:?} on {backend:?}");
        let films = people::films_of(&db, role, person).await.unwrap();
        assert_eq!(films, vec![movie], "{role:?} on {backend:?}");
    }
    assert!(
        people::credits_on(&db, Role::Star, &[])
            .await
            .unwrap()
            .is_empty()
    );
    let found = people::find(&db, person).await.unwrap().unwrap();
    assert_eq!(
        (found.name.as_str(), found.profile_path),
        ("Audrey Tautou", None)
    );
    assert_eq!(people::find(&db, person + 1000).await.unwrap(), None);
    assert_eq!(
        people::filmography(&db, person).await.unwrap(),
        vec![
            people::PersonCredit::Cast {
                movie_id: movie,
                character: Some("Amélie Poulain".into()),
                order: 0,
            },
            people::PersonCredit::Crew {
                movie_id: movie,
                job: "Director".into(),
                department: "Directing".into(),
            },
        ],
        "{backend:?}"
    );
}

/// A keyword's page and the keywords the similar movies name; a movie's detail has its keywords.
async fn keywords_and_their_movies(backend: Backend) {
    use nextflex_store::db::keywords;
    let Some((_tdb, db, movie)) = amelie(backend).await else {
        return;
    };
    let word: i64 = scalar(&db, "SELECT id FROM keywords WHERE tmdb_id = 90").await;
    let paris = keywords::Keyword {
        id: word,
        name: "paris".into(),
    };
    assert_eq!(
        keywords::find(&db, word).await.unwrap(),
        Some(paris.clone())
    );
    assert_eq!(keywords::find(&db, word + 1000).await.unwrap(), None);
    assert_eq!(keywords::movies_with(&db, word).await.unwrap(), vec![movie]);
    assert_eq!(
        keywords::keywords_on(&db, &[movie, movie + 1])
            .await
            .unwrap(),
        vec![(movie, paris)],
        "{backend:?}"
    );
    let detail = nextflex_store::db::catalogue::detail(&db, MovieId::new(movie).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.keywords.len(), 1, "{backend:?}");
    assert!(detail.alternate_titles.is_empty(), "{backend:?}");
}

/// A title an import replaces stays as an alternate, once however often it is imported.
async fn a_replaced_title_stays_an_alternate_once(backend: Backend) {
    use nextflex_data::catalogue::Movie;
    use nextflex_store::db::catalogue;
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let movielens = Movie {
        movielens_id: Some(1196),
        title: "Star Wars: Episode V - The Empire Strikes Back".into(),
        alternate_titles: vec!["Episode V".into()],
        release_year: Some(1980),
        ..Movie::default()
    };
    catalogue::store(&db, &[movielens]).await.unwrap();
    let tmdb = Movie {
        movielens_id: Some(1196),
        tmdb_id: Some(1891),
        title: "The Empire Strikes Back".into(),
        ..Movie::default()
    };
    for _ in 0..2 {
        catalogue::store(&db, std::slice::from_ref(&tmdb))
            .await
            .unwrap();
    }
    let empire: i64 = scalar(&db, "SELECT id FROM movies WHERE tmdb_id = 1891").await;
    let detail = catalogue::detail(&db, MovieId::new(empire).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.title, "The Empire Strikes Back");
    assert_eq!(
        detail.alternate_titles,
        [
            "Star Wars: Episode V - The Empire Strikes Back",
            "Episode V"
        ],
        "{backend:?}"
    );
}

/// Natural keys stay unique; deleting a movie takes its link rows with it.
async fn natural_keys_stay_unique_and_links_go_with_their_movie(backend: Backend) {
    let Some((_tdb, db, movie)) = amelie(backend).await else {
        return;
    };
    let dup = sqlx::query(db.sql("INSERT INTO genres (tmdb_id, name) VALUES (?, ?)"))
        .bind(36_i64)
        .bind("Comedy")
        .execute(db.pool())
        .await;
    assert!(dup.is_err(), "duplicate genre name accepted");
    sqlx::query(db.sql("DELETE FROM movies WHERE id = ?"))
        .bind(movie)
        .execute(db.pool())
        .await
        .unwrap();
    for table in ["movie_genres", "movie_cast", "movie_crew", "movie_keywords"] {
        let n: i64 = sqlx::query_scalar(db.sql_owned(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} kept rows of a deleted movie");
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM genres").await, 1);
}

async fn rate(db: &Db, user: UserId, movie: i64, value: f64) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO ratings (user_id, movie_id, rating, rated_at) VALUES (?, ?, ?, ?){}",
        db.upsert_clause(&["user_id", "movie_id"], &["rating", "rated_at"])
    );
    sqlx::query(db.sql_owned(sql))
        .bind(user.get())
        .bind(movie)
        .bind(value)
        .bind(now())
        .execute(db.pool())
        .await
        .map(|_| ())
}

async fn ratings_upsert_check_and_cascade(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let user = insert_user(&db, "rater@example.com", false).await;
    let movie = insert_movie(&db, 603, "The Matrix").await;

    rate(&db, user, movie, 3.5).await.unwrap();
    rate(&db, user, movie, 4.5).await.unwrap();
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM ratings").await, 1);
    let value: f64 = sqlx::query_scalar(db.sql("SELECT rating FROM ratings WHERE user_id = ?"))
        .bind(user.get())
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(value, 4.5);

    assert!(
        rate(&db, user, movie, 6.0).await.is_err(),
        "rating 6.0 accepted"
    );
    assert!(
        rate(&db, user, movie, 0.0).await.is_err(),
        "rating 0.0 accepted"
    );
    assert!(
        rate(&db, user, movie + 1000, 3.0).await.is_err(),
        "unknown movie accepted"
    );
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM ratings").await, 1);

    // An upsert that changes nothing is allowed too (the "do nothing" form).
    let sql = format!(
        "INSERT INTO genres (tmdb_id, name) VALUES (?, ?){}",
        db.upsert_clause(&["name"], &[])
    );
    for _ in 0..2 {
        sqlx::query(db.sql_owned(sql.clone()))
            .bind(18_i64)
            .bind("Drama")
            .execute(db.pool())
            .await
            .unwrap();
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM genres").await, 1);

    sqlx::query(db.sql("DELETE FROM users WHERE id = ?"))
        .bind(user.get())
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM ratings").await, 0);
}

async fn signals_read_ratings_and_lists_in_one_query(backend: Backend) {
    use nextflex_store::db::movie_lists::{self, List, Signals};
    use nextflex_store::db::ratings::{self, UserRating};
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let (me, other) = (
        insert_user(&db, "me@example.com", false).await,
        insert_user(&db, "other@example.com", false).await,
    );
    let mut films = Vec::new();
    for (tmdb, title) in [(1, "A"), (2, "B"), (3, "C"), (4, "D"), (5, "E")] {
        films.push(insert_movie(&db, tmdb, title).await);
    }
    let (a, b, c, d, e) = (films[0], films[1], films[2], films[3], films[4]);
    for (user, movie, rating, at) in [(me, a, 4.5, 100), (me, e, 2.0, 200), (other, b, 5.0, 300)] {
        sqlx::query(
            db.sql("INSERT INTO ratings (user_id, movie_id, rating, rated_at) VALUES (?, ?, ?, ?)"),
        )
        .bind(user.get())
        .bind(movie)
        .bind(rating)
        .bind(at as i64)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let id = |m: i64| MovieId::new(m).unwrap();
    movie_lists::add(&db, me, id(b), List::Seen).await.unwrap();
    movie_lists::add(&db, me, id(c), List::Dismissed)
        .await
        .unwrap();
    movie_lists::add(&db, me, id(d), List::Watchlist)
        .await
        .unwrap();
    movie_lists::add(&db, other, id(a), List::Dismissed)
        .await
        .unwrap();
    let signals = movie_lists::signals_of(&db, me).await.unwrap();
    let rated = |movie_id, rating, rated_at| UserRating {
        movie_id,
        rating,
        rated_at,
    };
    assert_eq!(
        signals,
        Signals {
            ratings: vec![rated(e, 2.0, 200), rated(a, 4.5, 100)],
            seen: vec![b],
            dismissed: vec![c],
        }
    );
    assert_eq!(signals.ratings, ratings::of_user(&db, me).await.unwrap());
    let nobody = insert_user(&db, "nobody@example.com", false).await;
    assert_eq!(
        movie_lists::signals_of(&db, nobody).await.unwrap(),
        Signals::default()
    );
}

/// A fresh database with a user's post about Forrest Gump, with an image (4000×3000, from a
/// Canon, orientation 6).
struct ForrestPost {
    _tdb: TestDb,
    db: Db,
    movie: i64,
    image: i64,
    post: i64,
}

async fn forrest_post(backend: Backend) -> Option<ForrestPost> {
    use sqlx::Arguments as _;
    let tdb = TestDb::create(backend).await?;
    let db = tdb.connect().await;
    let user = insert_user(&db, "poster@example.com", false).await;
    let movie = insert_movie(&db, 13, "Forrest Gump").await;

    let mut args = sqlx::any::AnyArguments::default();
    args.add(user.get()).unwrap();
    args.add("images/ab/cd.jpg").unwrap();
    args.add("image/jpeg").unwrap();
    args.add("jpeg").unwrap();
    args.add(4000_i64).unwrap();
    args.add(3000_i64).unwrap();
    args.add(2_345_678_i64).unwrap();
    args.add("a".repeat(64)).unwrap();
    args.add("IMG_0001.JPG").unwrap();
    args.add(now()).unwrap();
    args.add("2024:05:01 10:00:00").unwrap();
    args.add("Canon").unwrap();
    args.add(6_i64).unwrap();
    let image = db
        .insert_returning_id(
            db.pool(),
            "INSERT INTO images (user_id, storage_key, content_type, format, width, height, \
             size_bytes, sha256, original_filename, uploaded_at, exif_datetime_original, \
             camera_make, orientation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            args,
        )
        .await
        .unwrap();

    let mut args = sqlx::any::AnyArguments::default();
    args.add(user.get()).unwrap();
    args.add(movie).unwrap();
    args.add(image).unwrap();
    args.add("Run, Forrest").unwrap();
    args.add("Life is like a box of chocolates.").unwrap();
    args.add(4.5_f64).unwrap();
    args.add(now()).unwrap();
    args.add(now()).unwrap();
    let post = db
        .insert_returning_id(
            db.pool(),
            "INSERT INTO posts (user_id, movie_id, image_id, title, content, rating, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            args,
        )
        .await
        .unwrap();
    Some(ForrestPost {
        _tdb: tdb,
        db,
        movie,
        image,
        post,
    })
}

async fn posts_join_their_images(backend: Backend) {
    let Some(f) = forrest_post(backend).await else {
        return;
    };
    let row = sqlx::query(f.db.sql(
        "SELECT p.title, i.width, i.orientation, i.exif_gps_present, i.camera_model \
         FROM posts p JOIN images i ON i.id = p.image_id WHERE p.id = ?",
    ))
    .bind(f.post)
    .fetch_one(f.db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("title"), "Run, Forrest");
    assert_eq!(row.get::<i64, _>("width"), 4000);
    assert_eq!(row.get::<i64, _>("orientation"), 6);
    assert_eq!(row.get::<i64, _>("exif_gps_present"), 0);
    assert_eq!(row.get::<Option<String>, _>("camera_model"), None);
}

/// Deleting the movie keeps the post (unlinked); deleting the image unlinks it too.
async fn a_post_outlives_its_movie_and_image(backend: Backend) {
    let Some(ForrestPost {
        _tdb,
        db,
        movie,
        image,
        post,
    }) = forrest_post(backend).await
    else {
        return;
    };
    sqlx::query(db.sql("DELETE FROM movies WHERE id = ?"))
        .bind(movie)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query(db.sql("DELETE FROM images WHERE id = ?"))
        .bind(image)
        .execute(db.pool())
        .await
        .unwrap();
    let row = sqlx::query(db.sql("SELECT movie_id, image_id FROM posts WHERE id = ?"))
        .bind(post)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<Option<i64>, _>("movie_id"), None);
    assert_eq!(row.get::<Option<i64>, _>("image_id"), None);
}

/// Model versions keep their JSON documents as text.
async fn model_versions_keep_json_as_text(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let metrics = r#"{"rmse":0.8712,"ndcg_at_10":0.31}"#;
    sqlx::query(db.sql(
        "INSERT INTO model_versions (version, status, trained_by, params, data_sizes, metrics, \
         timings, artifact_prefix, created_at) VALUES (?, 'ready', 'nextflex', '{}', '{}', ?, \
         '{}', ?, ?)",
    ))
    .bind("20261124-000000")
    .bind(metrics)
    .bind("models/20261124-000000/")
    .bind(now())
    .execute(db.pool())
    .await
    .unwrap();
    let stored: String =
        sqlx::query_scalar(db.sql("SELECT metrics FROM model_versions WHERE version = ?"))
            .bind("20261124-000000")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(stored, metrics);
}

async fn placeholders_ignore_quoted_question_marks(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let db = tdb.connect().await;
    let row = sqlx::query(db.sql("SELECT ? AS a, '?' AS b, ? AS c"))
        .bind(7_i64)
        .bind("x")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<i64, _>("a"), 7);
    assert_eq!(row.get::<String, _>("b"), "?");
    assert_eq!(row.get::<String, _>("c"), "x");
}
