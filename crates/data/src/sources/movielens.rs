//! MovieLens: movies.csv and links.csv (ml-latest, ml-latest-small, ml-25m, ml-32m, and the
//! links files of The Movies Dataset), u.item (ml-100k) and movies.dat (ml-1m, ml-10m).

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use super::{Csv, DataError, Tally, id, imdb, open};
use crate::catalogue::{CatalogueBuilder, Genre, Link, Movie, Skips};

/// Reads a links file: `movieId,imdbId,tmdbId`.
pub fn read_links(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let (c_ml, c_imdb, c_tmdb) = (
        csv.column("movieId")?,
        csv.column("imdbId")?,
        csv.column("tmdbId")?,
    );
    let mut tally = Tally::new(path, strict);
    csv.for_each(&mut tally, |tally, line, record| {
        let Some(ml) = record.get(c_ml).and_then(id) else {
            return tally.skip(line, "malformed_id");
        };
        into.add_link(
            ml,
            Link {
                tmdb_id: record.get(c_tmdb).and_then(id),
                imdb_id: record.get(c_imdb).and_then(imdb),
            },
        );
        Ok(())
    })?;
    Ok(tally.skips)
}

/// Reads movies.csv: `movieId,title,genres` with `Title, The (1995)` titles and `|`-separated
/// genres.
pub fn read_movies_csv(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let (c_id, c_title, c_genres) = (
        csv.column("movieId")?,
        csv.column("title")?,
        csv.column("genres")?,
    );
    let mut tally = Tally::new(path, strict);
    let mut seen = HashSet::new();
    csv.for_each(&mut tally, |tally, line, record| {
        add_movie(
            tally,
            &mut seen,
            line,
            record.get(c_id).unwrap_or_default(),
            record.get(c_title).unwrap_or_default(),
            record.get(c_genres).unwrap_or_default().split('|'),
            into,
        )
    })?;
    Ok(tally.skips)
}

/// Reads ml-1m/ml-10m movies.dat (`id::title::genres`) or ml-100k u.item (`id|title|date|…|19
/// genre flags`); both are Latin-1 in the older releases, UTF-8 in later ones.
pub fn read_movies_dat(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    const ITEM_GENRES: [&str; 19] = [
        "",
        "Action",
        "Adventure",
        "Animation",
        "Children's",
        "Comedy",
        "Crime",
        "Documentary",
        "Drama",
        "Fantasy",
        "Film-Noir",
        "Horror",
        "Musical",
        "Mystery",
        "Romance",
        "Sci-Fi",
        "Thriller",
        "War",
        "Western",
    ];
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(), // Latin-1
    };
    let item = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("u.item"));
    let mut tally = Tally::new(path, strict);
    let mut seen = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        if item {
            let fields: Vec<&str> = line.split('|').collect();
            if fields.len() != 24 {
                tally.skip(line_no, "malformed_row")?;
                continue;
            }
            let genres = fields[5..]
                .iter()
                .zip(ITEM_GENRES)
                .filter(|(flag, name)| **flag == "1" && !name.is_empty())
                .map(|(_, name)| name);
            add_movie(
                &mut tally, &mut seen, line_no, fields[0], fields[1], genres, into,
            )?;
        } else {
            let fields: Vec<&str> = line.split("::").collect();
            if fields.len() != 3 {
                tally.skip(line_no, "malformed_row")?;
                continue;
            }
            add_movie(
                &mut tally,
                &mut seen,
                line_no,
                fields[0],
                fields[1],
                fields[2].split('|'),
                into,
            )?;
        }
    }
    Ok(tally.skips)
}

fn add_movie<'g>(
    tally: &mut Tally<'_>,
    seen: &mut HashSet<i64>,
    line: u64,
    raw_id: &str,
    raw_title: &str,
    genres: impl Iterator<Item = &'g str>,
    into: &mut CatalogueBuilder,
) -> Result<(), DataError> {
    let Some(ml) = tally.unique_id(line, Some(raw_id), seen)? else {
        return Ok(());
    };
    let (title, year) = split_title(raw_title);
    if title.is_empty() {
        return tally.skip(line, "missing_title");
    }
    into.add_movielens_movie(Movie {
        movielens_id: Some(ml),
        title,
        release_year: year,
        genres: genres.filter_map(genre).collect(),
        ..Movie::default()
    });
    Ok(())
}

/// MovieLens genre names, mapped onto TMDB's where they mean the same.
fn genre(name: &str) -> Option<Genre> {
    let name = match name.trim() {
        "" | "(no genres listed)" => return None,
        "Children" | "Children's" => "Family",
        "Sci-Fi" => "Science Fiction",
        "Musical" => "Music",
        other => other,
    };
    Some(Genre {
        tmdb_id: None,
        name: name.to_string(),
    })
}

/// `American President, The (1995)` → (`The American President`, 1995). An alternative title in
/// parentheses stays: `City of Lost Children, The (Cité des enfants perdus, La) (1995)` →
/// `The City of Lost Children (Cité des enfants perdus, La)`.
pub fn split_title(raw: &str) -> (String, Option<i64>) {
    let mut title = raw.trim();
    let mut year = None;
    if let Some(open) = title.rfind('(')
        && title.ends_with(')')
    {
        let inner = title[open + 1..title.len() - 1].trim();
        let first = inner.split(['-', '–']).next().unwrap_or_default();
        if first.len() == 4 && first.bytes().all(|b| b.is_ascii_digit()) {
            year = first.parse().ok();
            title = title[..open].trim_end();
        }
    }
    let (main, alt) = match title.find(" (") {
        Some(i) if title.ends_with(')') => (&title[..i], &title[i..]),
        _ => (title, ""),
    };
    for article in [
        "The", "A", "An", "Les", "La", "Le", "L'", "Il", "Das", "Der", "Die", "El",
    ] {
        if let Some(stem) = main.strip_suffix(&format!(", {article}")) {
            let sep = if article.ends_with('\'') { "" } else { " " };
            return (format!("{article}{sep}{stem}{alt}"), year);
        }
    }
    (format!("{main}{alt}"), year)
}

#[cfg(test)]
mod tests {
    use super::split_title;

    #[test]
    fn titles() {
        assert_eq!(
            split_title("Toy Story (1995)"),
            ("Toy Story".into(), Some(1995))
        );
        assert_eq!(
            split_title("American President, The (1995)"),
            ("The American President".into(), Some(1995))
        );
        assert_eq!(
            split_title("City of Lost Children, The (Cité des enfants perdus, La) (1995)"),
            (
                "The City of Lost Children (Cité des enfants perdus, La)".into(),
                Some(1995)
            )
        );
        assert_eq!(split_title("Babylon 5"), ("Babylon 5".into(), None));
        assert_eq!(
            split_title("Stranger Things (2016-)"),
            ("Stranger Things".into(), Some(2016))
        );
        assert_eq!(
            split_title("Homme, L' (2001)"),
            ("L'Homme".into(), Some(2001))
        );
    }
}
