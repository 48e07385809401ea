//! The layers only point down, and cargo holds most of that: `nextflex-store` cannot name the
//! services, and `nextflex-app` cannot name the HTTP API or the command line, because neither
//! depends on the crate above it. What cargo cannot see is checked here: that no lower crate
//! takes on an HTTP or command-line dependency (or the crate above it), and that SQL stays in the
//! store (docs/architecture.md draws the crates).

use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The names of a manifest's `[dependencies]` (not dev-dependencies: tests may drive anything).
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(crates_dir().join(krate).join("Cargo.toml")).unwrap();
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]" || line.ends_with(".dependencies]");
        } else if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
            names.push(name.to_string());
        }
    }
    names
}

#[test]
fn lower_crates_know_no_http_or_command_line() {
    let upper = [
        "axum",
        "clap",
        "tower-http",
        "utoipa-axum",
        "jsonwebtoken",
        "nextflex",
    ];
    let below = [
        (
            "engine",
            vec!["nextflex-data", "nextflex-store", "nextflex-app"],
        ),
        ("data", vec!["nextflex-store", "nextflex-app"]),
        ("store", vec!["nextflex-app"]),
        ("app", vec![]),
    ];
    for (krate, also_above) in below {
        let deps = dependencies(krate);
        assert!(
            !deps.is_empty() || krate == "engine",
            "{krate}: no dependencies read"
        );
        for dep in &deps {
            assert!(
                !upper.contains(&dep.as_str()) && !also_above.contains(&dep.as_str()),
                "crates/{krate} depends on {dep}, which belongs to a layer above it"
            );
        }
    }
    assert!(dependencies("app").iter().any(|d| d == "nextflex-store"));
}

/// SQL lives in `nextflex-store`: a query in the services or the binary fails here.
#[test]
fn sql_stays_in_the_store() {
    let mut all = sources(&crates_dir().join("app/src"));
    all.extend(sources(&crates_dir().join("server/src")));
    assert!(all.len() >= 50, "only {} files read", all.len());
    let mut outside: Vec<String> = all
        .into_iter()
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("sqlx::query"))
        .map(|f| f.display().to_string())
        .collect();
    outside.sort();
    assert!(
        outside.is_empty(),
        "queries outside crates/store: {outside:?}"
    );
}
