//! The `nextflex` binary as users run it: help, configuration errors (exit 2, one line),
//! `users create`, and `serve` with no configuration or pointed at each database.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use nextflex_store::db::users;

use crate::helpers::cli::{Server, copy_fixture, nextflex, run, stderr};
use crate::helpers::{Backend, TestDb, email};

crate::backend_tests!(users_create_from_stdin, serve_migrates_and_answers_probes);

/// Asserts exit code 2 and exactly one line on stderr, containing `expected`.
fn assert_config_error(out: &Output, expected: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains(expected), "{err}");
}

#[test]
fn help_on_every_level() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["users", "--help"],
        &["users", "create", "--help"],
    ] {
        let out = run(nextflex(dir.path()).args(args));
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: nextflex"), "{args:?}: {text}");
    }
    let out = run(nextflex(dir.path()).arg("--version"));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("nextflex "));
    // A subcommand is required: usage error, exit 2.
    assert_eq!(run(&mut nextflex(dir.path())).status.code(), Some(2));
}

#[test]
fn configuration_errors_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();

    let out = run(nextflex(dir.path())
        .args(["migrate"])
        .env("NEXTFLEX_DATABASE_URL", "oracle://scott:tiger@db/orcl"));
    assert_config_error(&out, "unsupported database URL");
    assert!(!stderr(&out).contains("tiger"), "password leaked");

    let out = run(nextflex(dir.path()).args([
        "migrate",
        "--database-url",
        "postgres://nf:pw@127.0.0.1:1/nf",
    ]));
    assert_config_error(&out, "cannot connect to the database");
    assert!(!stderr(&out).contains(":pw@"), "password leaked");

    let out = run(nextflex(dir.path()).args([
        "migrate",
        "--database-url",
        "mysql://root@127.0.0.1:1/nf",
    ]));
    assert_config_error(&out, "cannot connect to the database");

    let out = run(nextflex(dir.path()).args([
        "migrate",
        "--database-url",
        "sqlite://a-file/nextflex.db",
    ]));
    assert_config_error(&out, "cannot create the database folder");

    // Where SQLite cannot make its journal (as in a read-only folder: a folder in the way, as
    // permissions do not stop root), the cause is said, not the pool's "timed out".
    std::fs::create_dir_all(dir.path().join("ro/nextflex.db-wal")).unwrap();
    let out =
        run(nextflex(dir.path()).args(["migrate", "--database-url", "sqlite://ro/nextflex.db"]));
    assert_config_error(&out, "disk I/O error");
    assert!(!stderr(&out).contains("timed out"), "{}", stderr(&out));

    let out = run(nextflex(dir.path()).args(["serve", "--storage-url", "ftp://example.com/x"]));
    assert_config_error(&out, "unsupported storage URL");

    let out = run(nextflex(dir.path()).args(["serve", "--storage-url", "file://a-file/objects"]));
    assert_config_error(&out, "cannot create the storage folder");

    let out = run(nextflex(dir.path()).args(["serve", "--data-dir", "a-file/var"]));
    assert_config_error(&out, "a-file/var/jwt-secret");

    let out = run(nextflex(dir.path())
        .args(["serve"])
        .env("NEXTFLEX_JWT_SECRET", "too-short"));
    assert_config_error(&out, "NEXTFLEX_JWT_SECRET is too short");

    let out = run(nextflex(dir.path()).args(["serve", "--log", "[[["]));
    assert_config_error(&out, "invalid log filter");

    // A port that is taken.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = run(nextflex(dir.path()).args(["serve", "--addr", &addr]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines().last().unwrap().contains("cannot listen on"),
        "{err}"
    );

    // Malformed values of typed flags are usage errors, also exit 2.
    let out = run(nextflex(dir.path()).args(["serve", "--addr", "not-an-address"]));
    assert_eq!(out.status.code(), Some(2));
}

fn users_create(cwd: &Path, db_url: &str, email: &str, admin: bool, password: &str) -> Output {
    let mut cmd = nextflex(cwd);
    cmd.args(["users", "create", "--email", email, "--password-stdin"])
        .env("NEXTFLEX_DATABASE_URL", db_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if admin {
        cmd.arg("--admin");
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

async fn users_create_from_stdin(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    let out = users_create(
        dir.path(),
        &tdb.url,
        " Admin@Example.com",
        true,
        "grand budapest 1932",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin admin@example.com"));

    let db = tdb.connect().await;
    let user = users::find_by_email(&db, &email("admin@example.com"))
        .await
        .unwrap()
        .expect("user not stored");
    assert!(user.is_admin);
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert!(
        nextflex_app::accounts::verify_password("grand budapest 1932", &user.password_hash)
            .await
            .unwrap()
    );

    let out = users_create(
        dir.path(),
        &tdb.url,
        "admin@example.com",
        false,
        "another good one",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));

    let out = users_create(dir.path(), &tdb.url, "weak@example.com", false, "password");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("too common"), "{}", stderr(&out));
    assert_eq!(
        users::find_by_email(&db, &email("weak@example.com"))
            .await
            .unwrap(),
        None
    );

    let out = users_create(
        dir.path(),
        &tdb.url,
        "not-an-email",
        false,
        "fine password 1",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("valid email"), "{}", stderr(&out));

    // No terminal and no --password-stdin: a clear refusal, not a hang.
    let out = run(nextflex(dir.path())
        .args(["users", "create", "--email", "x@example.com"])
        .env("NEXTFLEX_DATABASE_URL", &tdb.url));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--password-stdin"),
        "{}",
        stderr(&out)
    );
}

/// `--metrics-addr`: the metrics on their own address, and not on the API's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_move_to_their_own_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = nextflex(dir.path());
    cmd.args(["--log-format", "json"])
        .env("NEXTFLEX_NO_DEMO", "yes")
        .env("NEXTFLEX_METRICS_ADDR", "127.0.0.1:0");
    let server = Server::start(&mut cmd);
    let line = server.wait_for_log(&["metrics on http://"], Duration::from_secs(30));
    let at: String = line
        .split("metrics on http://")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '/')
        .collect();
    let client = reqwest::Client::new();
    let scraped = client
        .get(format!("http://{at}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(
        scraped
            .text()
            .await
            .unwrap()
            .contains("nextflex_model_age_seconds")
    );
    let main = client
        .get(format!("http://{}/metrics", server.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(
        main.status(),
        404,
        "the API's address still serves the metrics"
    );
    let (status, _) = server.terminate();
    assert!(status.success(), "{status}");
}

async fn serve_migrates_and_answers_probes(backend: Backend) {
    let Some(tdb) = TestDb::create(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = nextflex(dir.path());
    if backend == Backend::Sqlite {
        // The embedded defaults: nothing configured at all.
        cmd.args(["--log-format", "json"]);
    } else {
        cmd.env("NEXTFLEX_DATABASE_URL", &tdb.url);
    }
    let server = Server::start(&mut cmd);
    let client = reqwest::Client::new();
    let get = |path: &'static str| {
        let client = client.clone();
        let url = format!("http://{}{path}", server.addr);
        async move { client.get(url).send().await.unwrap() }
    };
    assert_eq!(get("/healthz").await.status(), 200);
    // Ready at once (the charts serve); the first model, trained in the background on the empty
    // catalogue, follows.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let ready = loop {
        let res = get("/readyz").await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        if body["checks"]["model"] == "ok" || tokio::time::Instant::now() > deadline {
            break body;
        }
        assert_eq!(body["checks"]["model"], "warming_up", "{body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ready["checks"]["model"], "ok", "{ready}");
    assert!(
        ready["model_version"]
            .as_str()
            .is_some_and(|v| v.starts_with('v'))
    );

    let var = dir.path().join("var");
    assert!(var.join("objects/_nextflex/marker").is_file());
    assert!(var.join("jwt-secret").is_file());
    assert_eq!(
        var.join("nextflex.db").is_file(),
        backend == Backend::Sqlite
    );
    let secret = std::fs::read_to_string(var.join("jwt-secret")).unwrap();

    // A client that connected and sent nothing yet (the header timeout is 30 s, as is the
    // grace) does not hold the stop.
    let _silent = std::net::TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let stopping = std::time::Instant::now();
    let (status, log) = server.terminate();
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "the stop took {:?}",
        stopping.elapsed()
    );
    assert!(status.success(), "exit status {status}");
    assert!(log.iter().any(|l| l.contains("shut down")), "{log:?}");
    assert!(
        !log.iter().any(|l| l.contains(secret.trim())),
        "the JWT secret reached the log"
    );
    if backend == Backend::Sqlite {
        for line in &log {
            let parsed: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
            assert!(parsed["level"].is_string(), "{line}");
        }
    }

    // The migrations ran: the schema is there.
    let db = tdb.connect().await;
    assert_eq!(
        users::find_by_email(&db, &email("nobody@example.com"))
            .await
            .unwrap(),
        None
    );
}

#[test]
fn import_and_stats_print_json() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("ml-1m-mini", &dir.path().join("ml-1m"));
    let out = run(nextflex(dir.path()).args(["import", "ml-1m", "--json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["movies"], 2);
    assert_eq!(summary["ratings"]["ml-1m"], 3);
    assert!(summary["skipped"].as_object().unwrap().is_empty());
    assert!(summary["seconds"].as_f64().unwrap() >= 0.0);

    let out = run(nextflex(dir.path()).args(["stats", "--json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["movies"], 2);
    assert_eq!(stats["ratings"]["ml-1m"], 3);

    // Without a path: data/demo, which this folder lacks.
    let out = run(nextflex(dir.path()).arg("import"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("data/demo"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_imports_the_demo_into_an_empty_catalogue() {
    for no_demo in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture("ml-1m-mini", &dir.path().join("data/demo/ml-1m"));
        let mut cmd = nextflex(dir.path());
        if no_demo {
            cmd.env("NEXTFLEX_NO_DEMO", "1"); // boolish, as people write it
        }
        let server = Server::start(&mut cmd);
        let (status, _) = server.terminate();
        assert!(status.success());
        let out = run(nextflex(dir.path()).args(["stats", "--json"]));
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            stats["movies"],
            if no_demo { 0 } else { 2 },
            "no_demo={no_demo}"
        );
    }
}

/// A first-start import killed (`kill -9`) at any point ends, after a restart, as complete as a
/// clean start: the demo here holds two ratings datasets and a metadata source, and the kills
/// land while the files are read, while the catalogue is written, while each ratings dataset
/// is stored (one of the two recorded, the other not), and once the import is done. A state
/// the kills may not hit exactly (the catalogue written, no dataset recorded) is set up by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_import_killed_anywhere_ends_complete() {
    let demo = |dir: &Path| {
        copy_fixture("ml-1m-mini", &dir.join("data/demo/ml-1m"));
        copy_fixture("ml-100k-mini", &dir.join("data/demo/ml-100k"));
        copy_fixture("tmdb-mini", &dir.join("data/demo/tmdb-5000"));
    };
    let counts = |dir: &Path| -> serde_json::Value {
        let out = run(nextflex(dir).args(["stats", "--json"]));
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        serde_json::json!({"movies": stats["movies"], "ratings": stats["ratings"]})
    };
    let serve_and_stop = |dir: &Path| {
        let server = Server::start(&mut nextflex(dir));
        let (status, log) = server.terminate();
        assert!(status.success(), "{log:?}");
    };
    let clean = tempfile::tempdir().unwrap();
    demo(clean.path());
    serve_and_stop(clean.path());
    let expected = counts(clean.path());
    assert_eq!(
        expected["ratings"].as_object().map(|r| r.len()),
        Some(2),
        "{expected}"
    );

    for at in [
        "reading",
        "writing the catalogue",
        "storing the ratings dataset ml-100k",
        "storing the ratings dataset ml-1m",
        "demo dataset imported",
    ] {
        let dir = tempfile::tempdir().unwrap();
        demo(dir.path());
        kill_at(nextflex(dir.path()).arg("serve"), at);
        serve_and_stop(dir.path());
        assert_eq!(counts(dir.path()), expected, "killed at {at:?}");
    }

    // The catalogue written and no ratings dataset recorded.
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let half = dir.path().join("half");
    std::fs::create_dir_all(&half).unwrap();
    std::fs::copy(
        dir.path().join("data/demo/ml-1m/movies.dat"),
        half.join("movies.dat"),
    )
    .unwrap();
    let out = run(nextflex(dir.path()).args(["import", "half"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serve_and_stop(dir.path());
    assert_eq!(counts(dir.path()), expected);
}

/// Runs `cmd` and kills it (SIGKILL) as soon as a log line contains `at`.
fn kill_at(cmd: &mut std::process::Command, at: &str) {
    use std::io::BufRead;
    let mut child = cmd
        .env("NEXTFLEX_ADDR", "127.0.0.1:0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    for line in std::io::BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
    {
        if line.contains(at) {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("no log line with {at:?}: {seen:#?}");
}

fn two_tastes(dir: &Path) -> (u64, u64) {
    let (mut base, mut test) = (
        String::from("userId,movieId,rating,timestamp\n"),
        String::from("userId,movieId,rating,timestamp\n"),
    );
    let (mut base_rows, mut test_rows) = (0, 0);
    for u in 1..=40 {
        let group = (u - 1) / 20;
        for m in 1..=20 {
            let mine = (m - 1) / 10 == group;
            if !mine && (u + m) % 4 != 0 {
                continue;
            }
            let line = format!("{u},{m},{},0\n", if mine { 5 } else { 2 });
            if mine && (u + m) % 5 == 0 {
                test.push_str(&line);
                test_rows += 1;
            } else {
                base.push_str(&line);
                base_rows += 1;
            }
        }
    }
    std::fs::write(dir.join("base.csv"), base).unwrap();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    (base_rows, test_rows)
}

/// `evaluate --ratings base.csv --test test.csv --json --ease-min-likes 1 EXTRA…` in `dir`,
/// which must succeed: its JSON.
fn evaluate_given_test(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let out = run(nextflex(dir)
        .args([
            "evaluate",
            "--ratings",
            "base.csv",
            "--test",
            "test.csv",
            "--json",
        ])
        .args(["--ease-min-likes", "1"])
        .args(extra));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
}

/// `evaluate --test FILE` trains on all of `--ratings` and scores the given test file, each model
/// on its own row.
#[test]
fn evaluate_takes_a_given_test_file_and_scores_each_model() {
    let dir = tempfile::tempdir().unwrap();
    let (base_rows, test_rows) = two_tastes(dir.path());
    let e = evaluate_given_test(dir.path(), &[]);
    assert_eq!(
        (e["train_pairs"].as_u64(), e["test_pairs"].as_u64()),
        (Some(base_rows), Some(test_rows))
    );
    let names: Vec<&str> = e["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["popularity", "als", "ranking", "ease", "ials"],
        "{e}"
    );
    let ndcg = |name: &str| {
        e["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["model"] == name)
            .unwrap()["ndcg_at_10"]
            .as_f64()
            .unwrap()
    };
    // Every held-out like is of the user's own taste: the ranking models find them, most
    // popular first cannot tell the groups apart.
    assert!(ndcg("ease") > ndcg("popularity") + 0.2, "{e}");
    assert!(ndcg("ials") > ndcg("popularity") + 0.2, "{e}");
    assert!(e["rmse"].as_f64().is_some_and(f64::is_finite), "{e}");

    let only = evaluate_given_test(dir.path(), &["--model", "ranking"]);
    assert_eq!(only["models"].as_array().unwrap().len(), 1, "{only}");
    assert!(only["rmse"].is_null(), "no rating model, no RMSE: {only}");
    let out =
        run(nextflex(dir.path()).args(["evaluate", "--ratings", "base.csv", "--test", "none.csv"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("none.csv"), "{}", stderr(&out));
}

/// The "not interested" study: test ratings of 2 or less stand for dismissals, each weight
/// scored on its own row; a negative weight refused.
#[test]
fn evaluate_studies_dismissal_weights() {
    let dir = tempfile::tempdir().unwrap();
    two_tastes(dir.path());
    let mut with_dislikes = std::fs::read_to_string(dir.path().join("test.csv")).unwrap();
    for u in 1..=20 {
        with_dislikes.push_str(&format!("{u},{},1,0\n", 11 + u % 10));
    }
    std::fs::write(dir.path().join("test.csv"), with_dislikes).unwrap();
    let study = evaluate_given_test(dir.path(), &["--dismissal-weights", "0,0.5"]);
    let rows = study.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{study}");
    for (row, weight) in rows.iter().zip([0.0, 0.5]) {
        assert_eq!(row["weight"], weight, "{study}");
        assert!(row["users"].as_u64().unwrap() > 0, "{study}");
        assert!(
            (0.0..=1.0).contains(&row["ndcg_at_10"].as_f64().unwrap()),
            "{study}"
        );
    }
    let out = run(nextflex(dir.path()).args([
        "evaluate",
        "--ratings",
        "base.csv",
        "--dismissal-weights=-1",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--dismissal-weights"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn evaluate_scores_every_test_pair() {
    let dir = tempfile::tempdir().unwrap();
    let ratings = crate::helpers::fixture("ml-mini").join("ratings.csv.gz");
    let out = run(nextflex(dir.path()).args([
        "evaluate",
        "--ratings",
        ratings.to_str().unwrap(),
        "--rank",
        "5",
        "--json",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "rmse",
        "mae",
        "precision_at_10",
        "ndcg_at_10",
        "coverage",
        "fit_seconds",
    ] {
        assert!(e[key].as_f64().is_some_and(f64::is_finite), "{key}: {e}");
    }
    assert_eq!(e["test_pairs"], 120);
    assert_eq!(e["scored_pairs"], e["test_pairs"]);
    assert!(e["rmse"].as_f64().unwrap() < 1.5, "{e}");

    let out =
        run(nextflex(dir.path()).args(["evaluate", "--ratings", "x.csv", "--split", "random:2"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(nextflex(dir.path()).args(["evaluate", "--ratings", "missing.csv"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.csv"), "{}", stderr(&out));
    let out = run(nextflex(dir.path()).args([
        "evaluate",
        "--ratings",
        ratings.to_str().unwrap(),
        "--rank",
        "0",
    ]));
    // A usage error, refused by the flag's own parser before anything is read.
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--rank"), "{}", stderr(&out));
}

/// The similar-movies study on the fixture catalogue: every combination of the weights given
/// scored on every measure, one of them chosen or none; refused before an import, for weights
/// out of range and for a panel naming a film the catalogue lacks.
#[test]
fn evaluate_similar_scores_each_setting() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["tmdb-mini", "ml-mini"] {
        copy_fixture(name, &dir.path().join(name));
    }
    let ratings = "ml-mini/ratings.csv.gz";
    let study = |extra: &[&str]| {
        run(nextflex(dir.path())
            .args([
                "evaluate",
                "--ratings",
                ratings,
                "--similar",
                "--split",
                "random:0.5:1",
            ])
            .args(extra))
    };
    let out = study(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("import one first"),
        "{}",
        stderr(&out)
    );

    let out = run(nextflex(dir.path()).args(["import", "tmdb-mini", "ml-mini"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = study(&[
        "--similar-kind",
        "0,0.3",
        "--similar-damping",
        "0,0.5,1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    // 2 genre weights × 3 dampings, the other weights as shipped, and what tuning chose on a
    // validation part of the training part (its genre weight, the unit, is not searched).
    assert_eq!(rows.len(), 7, "{rows:?}");
    let tuned: Vec<_> = rows.iter().filter(|r| r["tuned"] == true).collect();
    assert_eq!(tuned.len(), 1, "{rows:?}");
    assert_eq!(tuned[0]["kind"], 0.15, "{rows:?}");
    assert!(rows.iter().any(|r| r["kind"] == 0.3 && r["damping"] == 1.0));
    assert!(rows.iter().filter(|r| r["chosen"] == true).count() <= 1);
    for r in &rows {
        assert!(r["pairs"].as_u64().unwrap() > 0, "{r}");
        for key in [
            "hit_rate_at_10",
            "ndcg_at_10",
            "coverage",
            "wince_rate",
            "popular_share",
        ] {
            assert!((0.0..=1.0).contains(&r[key].as_f64().unwrap()), "{r}");
        }
        assert!(r["panel_recall"].is_null(), "no panel was given: {r}");
    }
    let out = study(&["--similar-prior", "NaN"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--similar-prior"), "{}", stderr(&out));

    std::fs::write(
        dir.path().join("panel.csv"),
        "film,year,neighbour,neighbour_year\nNo Such Film,1999,Another,2000\n",
    )
    .unwrap();
    let out = study(&["--panel", "panel.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("panel line 2: no film \"No Such Film\" (1999)"),
        "{}",
        stderr(&out)
    );
}

/// A catalogue without ratings (TMDB data alone): similar movies by content, with no prior and
/// no minimum of ratings.
#[test]
fn recommend_similar_over_the_imported_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("tmdb-mini", &dir.path().join("tmdb-mini"));
    let out = run(nextflex(dir.path()).args(["import", "tmdb-mini"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run(nextflex(dir.path()).args([
        "recommend",
        "similar",
        "THE DARK KNIGHT",
        "-k",
        "3",
        "--json",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), 3, "exactly k");
    let titles: Vec<&str> = list.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(
        &titles[..2],
        ["The Dark Knight Rises", "Batman Begins"],
        "{titles:?}"
    );
    assert!(!titles.contains(&"The Dark Knight"));
    assert!(
        list.iter()
            .all(|r| r["movie_id"].is_i64() && r["score"].is_f64())
    );

    let out = run(nextflex(dir.path()).args(["recommend", "similar", "No Such Film"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no movie titled"), "{}", stderr(&out));
}

/// A folder with tmdb-mini and ml-mini imported through the CLI.
fn fixtures_imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["tmdb-mini", "ml-mini"] {
        copy_fixture(name, &dir.path().join(name));
    }
    let out = run(nextflex(dir.path()).args(["import", "tmdb-mini", "ml-mini"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// `recommend ARGS… --json` in `dir`, which must succeed: its list.
fn recommend(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = run(nextflex(dir).args(["recommend"]).args(args).arg("--json"));
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn scores(l: &[serde_json::Value]) -> Vec<f64> {
    l.iter().map(|r| r["score"].as_f64().unwrap()).collect()
}

/// The charts: top rated (ordered, by genre, from TMDB's votes), popular (rated films first)
/// and latest.
#[test]
fn recommend_charts_over_the_imported_catalogue() {
    let dir = fixtures_imported();
    let list = |args: &[&str]| recommend(dir.path(), args);
    let chart = list(&["top-rated", "-k", "5"]);
    assert!(!chart.is_empty() && chart.len() <= 5);
    assert!(scores(&chart).windows(2).all(|w| w[0] >= w[1]), "{chart:?}");
    let comedy = list(&["top-rated", "--genre", "comedy", "--percentile", "0.5"]);
    assert!(!comedy.is_empty());
    assert!(
        comedy
            .iter()
            .all(|r| r["genres"].as_array().unwrap().contains(&"Comedy".into()))
    );
    let tmdb = list(&["top-rated", "--source", "tmdb", "--percentile", "0"]);
    assert_eq!(
        tmdb.len(),
        5,
        "every TMDB-mini movie has vote stats: {tmdb:?}"
    );
    // Rated films lead: the TMDB-mini ones are popular on TMDB but nobody here rated them, so
    // they count half (the mean of TMDB's percentile and a zero for ratings).
    let popular = list(&["popular", "-k", "3"]);
    let titles: Vec<&str> = popular
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles[..2], ["Twelve Monkeys", "Babe"]);
    assert_eq!(list(&["latest", "-k", "4"]).len(), 4);
}

/// A user from a ratings file: k films they did not rate, some saying why, ordered by the
/// ranking model's match.
#[test]
fn recommend_for_a_user_from_a_ratings_file() {
    let dir = fixtures_imported();
    // MovieLens ids: 1 Toy Story, 3 Grumpier Old Men, 2 Jumanji.
    std::fs::write(
        dir.path().join("me.csv"),
        "movieId,rating\n1,5\n3,4.5\n2,1\n",
    )
    .unwrap();
    let mine = recommend(dir.path(), &["user", "--ratings", "me.csv", "-k", "5"]);
    assert_eq!(mine.len(), 5, "{mine:?}");
    let titles: Vec<&str> = mine.iter().map(|r| r["title"].as_str().unwrap()).collect();
    for rated in ["Toy Story", "Grumpier Old Men", "Jumanji"] {
        assert!(!titles.contains(&rated), "{titles:?}");
    }
    assert!(
        mine.iter()
            .any(|r| !r["because"].as_array().unwrap().is_empty()),
        "{mine:?}"
    );
    // Ordered by the ranking model's match, which is positive for a top pick.
    let matches = scores(&mine);
    assert!(matches.windows(2).all(|w| w[0] >= w[1]), "{matches:?}");
    assert!(matches.iter().all(|s| *s > 0.0), "{matches:?}");
}

/// Refused with the line and the reason: a ratings file with a movie not in the catalogue or a
/// rating out of range; an unknown genre; an unknown dataset, naming those imported.
#[test]
fn recommend_refuses_unknown_movies_ratings_genres_and_datasets() {
    let dir = fixtures_imported();
    std::fs::write(
        dir.path().join("bad.csv"),
        "movieId,rating\n1,5\n999999,4\n",
    )
    .unwrap();
    let out = run(nextflex(dir.path()).args(["recommend", "user", "--ratings", "bad.csv"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.csv:3: movie 999999 is not in the catalogue"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join("bad.csv"), "movieId,rating\n1,7\n").unwrap();
    let out = run(nextflex(dir.path()).args(["recommend", "user", "--ratings", "bad.csv"]));
    assert!(
        stderr(&out).contains("bad.csv:2: rating \"7\" must be from 0.5 to 5"),
        "{}",
        stderr(&out)
    );
    let out = run(nextflex(dir.path()).args(["recommend", "popular", "--genre", "Nope"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no genre \"Nope\""),
        "{}",
        stderr(&out)
    );
    let out = run(nextflex(dir.path()).args(["recommend", "top-rated", "--dataset", "nope"]));
    assert!(
        stderr(&out).contains("no imported dataset named \"nope\"; imported: ml-mini"),
        "{}",
        stderr(&out)
    );
}

/// `nextflex train` records and stores a version; two `serve` processes sharing the database
/// and storage load it at start, and both move to the next one a trainer makes, within their
/// poll interval.
#[test]
fn train_and_two_replicas_follow_new_versions() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture("ml-mini", &dir.path().join("data/demo/ml"));
    assert!(
        run(nextflex(dir.path()).args(["import", "data/demo"]))
            .status
            .success()
    );
    let train = || {
        let out = run(nextflex(dir.path()).args(["train", "--json"]));
        assert!(out.status.success(), "{}", stderr(&out));
        let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (&record["status"], &record["active"]),
            (&serde_json::json!("ready"), &serde_json::json!(true))
        );
        assert_eq!(record["trained_by"], "cli");
        let positive = |v: &serde_json::Value| v.as_f64().is_some_and(|x| x > 0.0);
        assert!(
            positive(&record["data_sizes"]["dataset_ratings"]),
            "{record}"
        );
        assert!(positive(&record["metrics"]["rmse"]), "{record}");
        assert!(positive(&record["timings"]["total_seconds"]), "{record}");
        record["version"].as_str().unwrap().to_owned()
    };
    let first = train();
    let object = dir
        .path()
        .join(format!("var/objects/models/{first}/snapshot.bin"));
    assert!(object.is_file(), "the artifact is in object storage");

    let replica = || {
        let mut cmd = nextflex(dir.path());
        cmd.env("NEXTFLEX_MODEL_POLL_INTERVAL", "1");
        Server::start(&mut cmd)
    };
    let (a, b) = (replica(), replica());
    let second = train();
    assert_ne!(first, second);
    // `model list` shows both, newest (and active) first, each with its tuning record.
    let out = run(nextflex(dir.path()).args(["model", "list", "--json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, [second.as_str(), first.as_str()], "{listed}");
    assert_eq!(listed[0]["active"], true, "{listed}");
    assert_eq!(listed[1]["active"], false, "{listed}");
    let tuning = &listed[0]["params"]["tuning"];
    assert!(tuning["models"][0]["chosen"].is_object(), "{tuning}");
    let out = run(nextflex(dir.path()).args(["model", "list", "--limit", "0"]));
    assert!(!out.status.success(), "a limit of 0 is refused");
    for server in [&a, &b] {
        server.wait_for_log(&["model version loaded", &second], Duration::from_secs(20));
    }
    for server in [a, b] {
        let (status, log) = server.terminate();
        assert!(status.success());
        assert!(
            !log.iter().any(|l| l.contains("training failed")),
            "{log:?}"
        );
    }
}
