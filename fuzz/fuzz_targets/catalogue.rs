//! Fuzzes the dataset-file readers of `nextflex_data::sources` (movies_metadata.csv,
//! credits.csv, keywords.csv, links.csv, tmdb_5000_movies.csv, tmdb_5000_credits.csv, MovieLens
//! movies.csv, u.item, movies.dat, and ratings.csv through the loader) and the catalogue merge,
//! through `nextflex_data::load::load` as `nextflex import` calls it.
//!
//! The input is up to four files separated by `SEPARATOR`; the first byte of each picks its kind
//! (`KINDS`). The readers take paths, so each exec writes the files to a folder of its own in
//! /dev/shm (tmpfs; the folder is per process, so parallel jobs do not collide).
//!
//! Properties:
//! - nothing panics;
//! - strict mode fails exactly when lax mode skips a row, and otherwise reads the same
//!   catalogue, ratings and merge conflicts;
//! - the merged catalogue keeps its documented invariants: every movie has a title; TMDB,
//!   MovieLens and IMDb ids are well formed; TMDB and IMDb ids are unique; genres, keywords,
//!   crew credits and cast orders are not repeated within a movie; dates are `YYYY-MM-DD`;
//!   vote averages lie in 0–10 and popularities are positive.
#![no_main]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nextflex_data::catalogue::Movie;
use nextflex_data::load::{Loaded, load};
use nextflex_data::sources::{DataError, DatasetDir, DatasetFile, kind_of};

/// Separates the files of one input (0xFF never occurs in UTF-8).
const SEPARATOR: &[u8] = b"\xff\xfe\n";

/// File names by kind byte (mod the length). Two names share a kind where the loader accepts
/// both, so that one input can hold two links or two ratings files.
const KINDS: [&str; 12] = [
    "movies_metadata.csv",
    "credits.csv",
    "keywords.csv",
    "links.csv",
    "tmdb_5000_movies.csv",
    "tmdb_5000_credits.csv",
    "movies.csv",
    "u.item",
    "movies.dat",
    "ratings.csv",
    "links_small.csv",
    "ratings_small.csv",
];

/// Merge conflicts that `CatalogueBuilder::build` counts; they are not row skips, and strict
/// mode does not fail on them.
const CONFLICTS: [&str; 2] = ["duplicate_tmdb_link", "duplicate_imdb_id"];

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(format!(
            "/dev/shm/nextflex-fuzz-catalogue-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        dir
    })
}

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 3 {
        match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fn row_skips(loaded: &Loaded) -> u64 {
    loaded
        .skips
        .0
        .iter()
        .filter(|(reason, _)| !CONFLICTS.contains(&reason.as_str()))
        .map(|(_, n)| n)
        .sum()
}

fn well_formed_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn check_movie(m: &Movie) {
    assert!(!m.title.is_empty(), "a movie without a title: {m:?}");
    assert!(m.tmdb_id.is_none_or(|id| id > 0), "{m:?}");
    assert!(m.movielens_id.is_none_or(|id| id > 0), "{m:?}");
    assert!(
        m.tmdb_id.is_some() || m.movielens_id.is_some(),
        "a movie with no id: {m:?}"
    );
    if let Some(imdb) = &m.imdb_id {
        let digits = imdb.strip_prefix("tt").expect("IMDb ids start with tt");
        assert!(
            digits.len() >= 7 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{imdb:?}"
        );
    }
    if let Some(d) = &m.release_date {
        assert!(well_formed_date(d), "release date {d:?}");
    }
    if let Some(v) = m.vote_average {
        assert!(
            v.is_finite() && (0.0..=10.0).contains(&v),
            "vote average {v}"
        );
    }
    if let Some(p) = m.popularity {
        assert!(p.is_finite() && p > 0.0, "popularity {p}");
    }
    assert!(m.vote_count.is_none_or(|v| v >= 0));
    assert!(m.runtime.is_none_or(|v| v >= 0), "{m:?}");
    let mut genres = HashSet::new();
    assert!(
        m.genres.iter().all(|g| genres.insert(&g.name)),
        "repeated genre in {m:?}"
    );
    let mut keywords = HashSet::new();
    assert!(
        m.keywords
            .iter()
            .all(|k| keywords.insert((k.tmdb_id, &k.name))),
        "repeated keyword in {m:?}"
    );
    let mut crew = HashSet::new();
    assert!(
        m.crew
            .iter()
            .all(|c| crew.insert((c.person.tmdb_id, &c.person.name, &c.job))),
        "repeated crew credit in {m:?}"
    );
    let mut orders = HashSet::new();
    assert!(
        m.cast.iter().all(|c| orders.insert(c.order)),
        "repeated cast order in {m:?}"
    );
}

fn check_catalogue(loaded: &Loaded) {
    let mut tmdb = HashSet::new();
    let mut imdb = HashSet::new();
    for m in &loaded.movies {
        check_movie(m);
        if let Some(id) = m.tmdb_id {
            assert!(tmdb.insert(id), "TMDB id {id} twice in the catalogue");
        }
        if let Some(id) = &m.imdb_id {
            assert!(
                imdb.insert(id.clone()),
                "IMDb id {id} twice in the catalogue"
            );
        }
    }
    for r in &loaded.ratings {
        let ratings = &r.read.ratings;
        assert!(ratings.rating.iter().all(|x| (0.5..=5.0).contains(x)));
    }
}

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    let mut files: Vec<DatasetFile> = Vec::new();
    for part in split(data) {
        let Some((&kind, body)) = part.split_first() else {
            continue;
        };
        let name = KINDS[usize::from(kind) % KINDS.len()];
        let path = dir.join(name);
        if files.iter().any(|f| f.path == path) {
            continue;
        }
        std::fs::write(&path, body).expect("write a scratch file");
        let kind = kind_of(&path).expect("a known file name");
        files.push(DatasetFile { path, kind });
    }
    if files.is_empty() {
        return;
    }
    let dirs = [DatasetDir {
        name: "fuzz".to_string(),
        files,
    }];
    let lax = load(&dirs, false);
    let strict = load(&dirs, true);
    match (&lax, &strict) {
        (Ok(lax), Ok(strict)) => {
            check_catalogue(lax);
            assert_eq!(row_skips(lax), 0, "strict succeeded where lax skipped rows");
            assert_eq!(lax.movies, strict.movies);
            assert_eq!(lax.skips, strict.skips);
            assert_eq!(lax.ratings.len(), strict.ratings.len());
            for (a, b) in lax.ratings.iter().zip(&strict.ratings) {
                assert_eq!((&a.name, &a.read), (&b.name, &b.read));
            }
        }
        (Ok(lax), Err(e)) => {
            check_catalogue(lax);
            assert!(
                matches!(
                    e,
                    DataError::Strict { .. }
                        | DataError::Ratings {
                            source: nextflex_data::ratings::RatingsError::Strict { .. },
                            ..
                        }
                ),
                "lax read succeeded, strict failed with {e}"
            );
            assert!(
                row_skips(lax) > 0,
                "strict failed ({e}) where lax skipped nothing"
            );
        }
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) => panic!("strict read succeeded where lax failed with {e}"),
    }
});
