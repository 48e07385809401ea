//! MovieLens: movies.csv, links.csv and tags.csv (ml-latest, ml-latest-small, ml-25m, ml-32m,
//! and the links files of The Movies Dataset), u.item (ml-100k) and movies.dat (ml-1m, ml-10m).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use super::{Csv, DataError, Tally, id, imdb, open};
use crate::catalogue::{CatalogueBuilder, Genre, Link, Movie, Skips, Tag};

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

/// Longest tag kept; longer ones are sentences, not what a film is about.
const MAX_TAG_CHARS: usize = 60;

/// Reads tags.csv (`userId,movieId,tag,timestamp`): the words people gave a film ("atmospheric",
/// "twist ending"), folded to lower case with spaces collapsed, each with how many people gave
/// it. A tag that is blank or longer than [`MAX_TAG_CHARS`] is skipped.
pub fn read_tags(
    path: &Path,
    strict: bool,
    into: &mut CatalogueBuilder,
) -> Result<Skips, DataError> {
    let mut csv = Csv::open(path)?;
    let (c_user, c_movie, c_tag) = (
        csv.column("userId")?,
        csv.column("movieId")?,
        csv.column("tag")?,
    );
    let mut tally = Tally::new(path, strict);
    let mut people: HashMap<i64, BTreeMap<String, HashSet<i64>>> = HashMap::new();
    csv.for_each(&mut tally, |tally, line, record| {
        let (Some(user), Some(movie)) = (
            record.get(c_user).and_then(id),
            record.get(c_movie).and_then(id),
        ) else {
            return tally.skip(line, "malformed_id");
        };
        let tag = record
            .get(c_tag)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS {
            return tally.skip(line, "unusable_tag");
        }
        people
            .entry(movie)
            .or_default()
            .entry(tag)
            .or_default()
            .insert(user);
        Ok(())
    })?;
    for (movie, tags) in people {
        let tags = tags
            .into_iter()
            .map(|(name, who)| Tag {
                name,
                people: u32::try_from(who.len()).unwrap_or(u32::MAX),
            })
            .collect();
        into.add_tags(movie, tags);
    }
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
    let Title {
        title,
        year,
        alternates,
    } = split_title(raw_title);
    if title.is_empty() {
        return tally.skip(line, "missing_title");
    }
    into.add_movielens_movie(Movie {
        movielens_id: Some(ml),
        title,
        alternate_titles: alternates,
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

/// A MovieLens title: the clean title, the year, and the other titles it gives in parentheses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub title: String,
    pub year: Option<i64>,
    /// `(a.k.a. 12 Monkeys)`, `(Léon)`, `(Cité des enfants perdus, La)`, each with its article
    /// put back in front.
    pub alternates: Vec<String>,
}

/// `American President, The (1995)` → `The American President`, 1995.
/// `City of Lost Children, The (Cité des enfants perdus, La) (1995)` → `The City of Lost
/// Children`, 1995, also known as `La Cité des enfants perdus`.
/// `Léon: The Professional (a.k.a. The Professional) (Léon) (1994)` → `Léon: The Professional`,
/// 1994, also known as `The Professional` and `Léon`.
pub fn split_title(raw: &str) -> Title {
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
    // Trailing parenthesised groups are other titles, read from the end.
    let mut alternates = Vec::new();
    while title.ends_with(')') {
        let Some(open) = title.rfind(" (") else {
            break;
        };
        let inner = title[open + 2..title.len() - 1].trim();
        let inner = inner.strip_prefix("a.k.a.").map_or(inner, str::trim_start);
        if !inner.is_empty() && !inner.contains(['(', ')']) {
            alternates.push(article_first(inner));
        }
        title = title[..open].trim_end();
    }
    alternates.reverse();
    Title {
        title: article_first(title),
        year,
        alternates,
    }
}

/// `American President, The` → `The American President`; `Homme, L'` → `L'Homme`.
fn article_first(title: &str) -> String {
    for article in [
        "The", "A", "An", "Les", "La", "Le", "L'", "Il", "Das", "Der", "Die", "El",
    ] {
        if let Some(stem) = title.strip_suffix(&format!(", {article}")) {
            let sep = if article.ends_with('\'') { "" } else { " " };
            return format!("{article}{sep}{stem}");
        }
    }
    title.to_owned()
}

#[cfg(test)]
mod tests {
    use super::split_title;

    /// Tags are folded to lower case with spaces collapsed, counted once per person, and
    /// attached to the film by its MovieLens id; blank and overlong tags and malformed ids are
    /// skipped and counted.
    #[test]
    fn tags_are_counted_per_person_and_folded() {
        let dir = tempfile::tempdir().unwrap();
        let movies = dir.path().join("movies.csv");
        std::fs::write(
            &movies,
            "movieId,title,genres\n1,Toy Story (1995),Animation\n",
        )
        .unwrap();
        let tags = dir.path().join("tags.csv");
        let long = "x".repeat(61);
        std::fs::write(
            &tags,
            format!(
                "userId,movieId,tag,timestamp\n\
                 1,1,Pixar,1\n1,1,pixar ,2\n2,1,PIXAR,3\n2,1,  Twist   Ending ,4\n\
                 3,1,   ,5\n3,1,{long},6\nx,1,pixar,7\n"
            ),
        )
        .unwrap();
        let mut builder = crate::catalogue::CatalogueBuilder::default();
        super::read_movies_csv(&movies, false, &mut builder).unwrap();
        let skips = super::read_tags(&tags, false, &mut builder).unwrap();
        let (built, _) = builder.build();
        let toy = &built[0];
        let got: Vec<(&str, u32)> = toy
            .tags
            .iter()
            .map(|t| (t.name.as_str(), t.people))
            .collect();
        assert_eq!(got, [("pixar", 2), ("twist ending", 1)]);
        assert_eq!(skips.0.get("unusable_tag"), Some(&2));
        assert_eq!(skips.0.get("malformed_id"), Some(&1));
    }

    fn parts(raw: &str) -> (String, Option<i64>, Vec<String>) {
        let t = split_title(raw);
        (t.title, t.year, t.alternates)
    }

    #[test]
    fn titles() {
        assert_eq!(
            parts("Toy Story (1995)"),
            ("Toy Story".into(), Some(1995), vec![])
        );
        assert_eq!(
            parts("American President, The (1995)"),
            ("The American President".into(), Some(1995), vec![])
        );
        assert_eq!(
            parts("City of Lost Children, The (Cité des enfants perdus, La) (1995)"),
            (
                "The City of Lost Children".into(),
                Some(1995),
                vec!["La Cité des enfants perdus".into()]
            )
        );
        assert_eq!(
            parts("Léon: The Professional (a.k.a. The Professional) (Léon) (1994)"),
            (
                "Léon: The Professional".into(),
                Some(1994),
                vec!["The Professional".into(), "Léon".into()]
            )
        );
        assert_eq!(
            parts("Twelve Monkeys (a.k.a. 12 Monkeys) (1995)"),
            (
                "Twelve Monkeys".into(),
                Some(1995),
                vec!["12 Monkeys".into()]
            )
        );
        assert_eq!(parts("Babylon 5"), ("Babylon 5".into(), None, vec![]));
        assert_eq!(
            parts("Stranger Things (2016-)"),
            ("Stranger Things".into(), Some(2016), vec![])
        );
        assert_eq!(
            parts("Homme, L' (2001)"),
            ("L'Homme".into(), Some(2001), vec![])
        );
        // An unbalanced parenthesis stays in the title.
        assert_eq!(
            parts("Weird (Title (2001)"),
            ("Weird (Title".into(), Some(2001), vec![])
        );
    }
}
