//! The layers only point down: the recommender, the model versions and the database module
//! never reach up into the HTTP API or the command line (docs/architecture.md draws the
//! direction). Read from the sources, so a `use` that breaks the rule fails here.

use std::path::{Path, PathBuf};

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

#[test]
fn lower_layers_never_reach_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lower = ["recommender", "models", "db"];
    // What belongs to the HTTP and command-line layers alone.
    let upper = [
        "crate::http",
        "crate::cli",
        "crate::recommend::",
        "crate::recommend;",
        "super::super::http",
        "clap::",
        "axum::",
    ];
    let mut checked = 0;
    let mut found = Vec::new();
    for file in lower.iter().flat_map(|d| sources(&src.join(d))) {
        let text = std::fs::read_to_string(&file).unwrap();
        checked += 1;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for bad in upper {
                if line.contains(bad) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(checked >= 15, "only {checked} files read");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// SQL lives in `db/`: a query anywhere else fails here.
#[test]
fn sql_stays_in_the_database_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let all = sources(&src);
    assert!(all.len() >= 60, "only {} files read", all.len());
    let mut outside: Vec<String> = all
        .into_iter()
        .filter(|f| !f.starts_with(src.join("db")))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("sqlx::query"))
        .map(|f| f.display().to_string())
        .collect();
    outside.sort();
    assert!(outside.is_empty(), "queries outside db/: {outside:?}");
}
