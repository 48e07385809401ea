//! Importing a user's film history from elsewhere (Letterboxd, IMDb, a plain CSV): each row is
//! matched to a catalogue movie by IMDb id, then TMDB id (or a MovieLens or NextFlex id), then
//! title and year, and the ratings and watchlist entries are written in one transaction.
//!
//! Titles are compared as a careful person would ([`title_key::title_words`]: case, accents, punctuation,
//! articles and how numbers are written do not count) against every title a movie has: its
//! title, original title and alternate titles. The year must agree, within one year when no
//! movie has the exact year (release dates differ between countries). Failing that, a title's
//! parts ([`title_key::part_keys`]: "Borat" for "Borat: Cultural Learnings …", "The Force
//! Awakens" for "Star Wars: Episode VII - The Force Awakens") are tried on either side, with the
//! exact year only. A title that fits two movies equally well is left unmatched rather than
//! guessed.

mod title_key;

use std::collections::HashMap;

use nextflex_data::exports::{Export, ExportFormat, ExportRow, FilmRef};
use nextflex_engine::text::within_edits;
use title_key::{begins_or_ends, part_keys, title_words};

use std::sync::Arc;

use nextflex_store::db::Db;
use nextflex_store::db::catalogue::{self, MatchKeys};
use nextflex_store::error::Result;

/// The [`MatchIndex`] of the catalogue as it is, built again only when the catalogue has changed
/// since (its [`catalogue::stamp`]), off the async runtime: building it reads every title of
/// the catalogue, most of an import's work.
#[derive(Debug, Default)]
pub struct MatchIndexCache {
    built: std::sync::Mutex<Option<Built>>,
}

/// An index and the catalogue stamp it was built at.
type Built = ((i64, i64, i64), Arc<MatchIndex>);

impl MatchIndexCache {
    pub async fn get(&self, db: &Db) -> Result<Arc<MatchIndex>> {
        let stamp = catalogue::stamp(db).await?;
        // A change within the last second may share its stamp with the one before it: the
        // index of a catalogue that has just changed is not kept.
        let settled = stamp.2 < nextflex_store::clock::now() - 1;
        if let Some((at, index)) = self.lock().as_ref()
            && *at == stamp
            && settled
        {
            return Ok(Arc::clone(index));
        }
        let keys = catalogue::match_keys(db).await?;
        let index = tokio::task::spawn_blocking(move || Arc::new(MatchIndex::new(&keys)))
            .await
            .map_err(|e| nextflex_store::error::Error::internal("building the match index", e))?;
        if settled {
            *self.lock() = Some((stamp, Arc::clone(&index)));
        }
        Ok(index)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Built>> {
        self.built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The catalogue as imports look it up.
#[derive(Debug, Default)]
pub struct MatchIndex {
    ids: std::collections::HashSet<i64>,
    imdb: HashMap<String, i64>,
    tmdb: HashMap<i64, i64>,
    movielens: HashMap<i64, i64>,
    titles: HashMap<String, Vec<(Option<i64>, i64)>>,
    /// Titles and their parts (heads before subtitles, subtitles).
    parts: HashMap<String, Vec<(Option<i64>, i64)>>,
    /// Every title with a year, as words and key, for the last look…
    dated: Vec<(Vec<String>, String, i64)>,
    /// … found through its year and its first word, its last word, or its key's first or last
    /// letter (what [`begins_or_ends`] and [`one_edit_apart`] need to share), as indexes into
    /// `dated`.
    by_year_and: HashMap<(i64, Near), Vec<usize>>,
    last_year: Option<i64>,
}

impl MatchIndex {
    pub fn new(movies: &[MatchKeys]) -> MatchIndex {
        let mut index = MatchIndex::default();
        for m in movies {
            index.ids.insert(m.id);
            index.last_year = index.last_year.max(m.year);
            if let Some(imdb) = &m.imdb_id {
                index.imdb.insert(imdb.clone(), m.id);
            }
            if let Some(tmdb) = m.tmdb_id {
                index.tmdb.insert(tmdb, m.id);
            }
            if let Some(ml) = m.movielens_id {
                index.movielens.insert(ml, m.id);
            }
            let titles = std::iter::once(m.title.as_str())
                .chain(m.original_title.as_deref())
                .chain(m.alternate_titles.iter().flat_map(|a| a.lines()));
            // Each title is read once: its words, its key, its parts.
            let mut keys: Vec<String> = Vec::new();
            let mut parts: Vec<String> = Vec::new();
            for title in titles {
                let words = title_words(title);
                let key = words.concat();
                if key.is_empty() {
                    continue;
                }
                parts.extend(part_keys(title));
                keys.push(key.clone());
                if let Some(year) = m.year {
                    index.add_dated(year, words, key, m.id);
                }
            }
            keys.sort_unstable();
            keys.dedup();
            parts.extend(keys.iter().cloned());
            parts.sort_unstable();
            parts.dedup();
            for key in keys {
                index.titles.entry(key).or_default().push((m.year, m.id));
            }
            for part in parts {
                index.parts.entry(part).or_default().push((m.year, m.id));
            }
        }
        index
    }

    fn add_dated(&mut self, year: i64, words: Vec<String>, key: String, id: i64) {
        let at = self.dated.len();
        let mut near = near(&words, &key);
        near.sort_unstable();
        near.dedup();
        for n in near {
            self.by_year_and.entry((year, n)).or_default().push(at);
        }
        self.dated.push((words, key, id));
    }

    /// The latest release year of the catalogue: a row of a later year cannot be in it.
    pub fn last_year(&self) -> Option<i64> {
        self.last_year
    }

    /// The catalogue movie a row names, if exactly one fits.
    pub fn find(&self, film: &FilmRef) -> Option<i64> {
        let by_id = [
            film.imdb_id.as_ref().and_then(|id| self.imdb.get(id)),
            film.tmdb_id.and_then(|id| self.tmdb.get(&id)),
            film.movielens_id.and_then(|id| self.movielens.get(&id)),
            film.movie_id.as_ref().filter(|id| self.ids.contains(id)),
        ];
        if let Some(&id) = by_id.into_iter().flatten().next() {
            return Some(id);
        }
        let title = film.title.as_deref()?;
        let words = title_words(title);
        let key = words.concat();
        if let Some(found) = self.titles.get(&key) {
            return match within(found, film.year, 0).as_slice() {
                [one] => Some(*one),
                [] => match within(found, film.year, 1).as_slice() {
                    [one] => Some(*one),
                    _ => None,
                },
                _ => None,
            };
        }
        // A part of one against a part or the whole of the other, in the same year only.
        let year = film.year?;
        let mut ids: Vec<i64> = std::iter::once(key.clone())
            .chain(part_keys(title))
            .filter_map(|k| self.parts.get(&k))
            .flat_map(|found| within(found, film.year, 0))
            .collect();
        if ids.is_empty() {
            // The last look, among the films of that year: one title beginning or ending the
            // other, or a long title one typo away ("Inglorious Basterds").
            let long = key.chars().count() >= 10;
            let mut seen: Vec<usize> = near(&words, &key)
                .into_iter()
                .filter(|n| long || matches!(n, Near::FirstWord(_) | Near::LastWord(_)))
                .filter_map(|n| self.by_year_and.get(&(year, n)))
                .flatten()
                .copied()
                .collect();
            seen.sort_unstable();
            seen.dedup();
            ids = seen
                .into_iter()
                .map(|at| &self.dated[at])
                .filter(|(their_words, their_key, _)| {
                    begins_or_ends(&words, their_words) || (long && one_edit_apart(&key, their_key))
                })
                .map(|&(_, _, id)| id)
                .collect();
        }
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

/// What two titles must share to be looked at together in the last look.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Near {
    FirstWord(String),
    LastWord(String),
    FirstLetter(char),
    LastLetter(char),
}

fn near(words: &[String], key: &str) -> Vec<Near> {
    let mut out = Vec::with_capacity(4);
    out.extend(words.first().cloned().map(Near::FirstWord));
    out.extend(words.last().cloned().map(Near::LastWord));
    out.extend(key.chars().next().map(Near::FirstLetter));
    out.extend(key.chars().last().map(Near::LastLetter));
    out
}

/// Whether two keys are one edit apart. One edit leaves the first or the last letter as it was,
/// and the length within one: most keys are set aside on those before the edit distance is
/// counted.
fn one_edit_apart(a: &str, b: &str) -> bool {
    (!a.is_ascii() || !b.is_ascii() || a.len().abs_diff(b.len()) <= 1)
        && (a.as_bytes().first() == b.as_bytes().first()
            || a.as_bytes().last() == b.as_bytes().last())
        && within_edits(a, b, 1)
}

/// The movies of `found` whose year is within `years` of `year` (any, when the row has none).
fn within(found: &[(Option<i64>, i64)], year: Option<i64>, years: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = found
        .iter()
        .filter(|(y, _)| match (year, y) {
            (Some(want), Some(y)) => (want - y).abs() <= years,
            (None, _) => true,
            (Some(_), None) => false,
        })
        .map(|&(_, id)| id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// An upload's rows matched: each with its catalogue movie or none, the last row of a movie
/// winning (a diary's latest entry, or the rating `ratings.csv` holds now).
#[derive(Debug, Default)]
pub struct Matched<'a> {
    /// (row, movie) for ratings; the latest row of each movie.
    pub ratings: Vec<(&'a ExportRow, i64)>,
    /// (row, movie) for watchlist entries.
    pub watchlist: Vec<(&'a ExportRow, i64)>,
    /// (row, movie) for films watched without a rating: `watched.csv`, liked films and diary
    /// entries logged without one, less the films the upload rates.
    pub seen: Vec<(&'a ExportRow, i64)>,
    /// (row, movie) for films the user is not interested in (NextFlex's own export).
    pub dismissed: Vec<(&'a ExportRow, i64)>,
    /// (file, row) of the rows no movie fits; a title and year another file named first is
    /// counted in `duplicates` instead.
    pub unmatched: Vec<(&'a str, &'a ExportRow)>,
    /// Rows naming a movie (or an unmatched title and year) another row named too: a rating
    /// wins over "watched", the latest row over earlier ones.
    pub duplicates: usize,
}

/// What a row of an upload adds: a rating, a watchlist entry, a film seen, or one dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Rating,
    Watchlist,
    Seen,
    Dismissed,
}

/// Matches every row of the files of an upload, `(file name, export)`, in order.
pub fn match_rows<'a>(index: &MatchIndex, files: &[(&'a str, &'a Export)]) -> Matched<'a> {
    let mut out = Matched::default();
    let mut at: HashMap<(Kind, i64), usize> = HashMap::new();
    // The file each unmatched title and year was first found in.
    let mut unmatched_in: HashMap<(String, Option<i64>), &str> = HashMap::new();
    for &(file, export) in files {
        for row in &export.rows {
            let kind = match export.format {
                ExportFormat::LetterboxdWatchlist | ExportFormat::TraktWatchlist => Kind::Watchlist,
                ExportFormat::LetterboxdWatched
                | ExportFormat::LetterboxdLikes
                | ExportFormat::TraktWatched => Kind::Seen,
                ExportFormat::NotInterested => Kind::Dismissed,
                _ if row.rating.is_none() => Kind::Seen,
                _ => Kind::Rating,
            };
            let Some(movie) = index.find(&row.film) else {
                // Letterboxd's watched.csv names every film its ratings.csv does: a film not
                // found is listed once, from the first file naming it.
                let title = row
                    .film
                    .title
                    .as_deref()
                    .map(title_words)
                    .map(|w| w.concat());
                let first = title.map(|t| *unmatched_in.entry((t, row.film.year)).or_insert(file));
                if first.is_some_and(|f| f != file) {
                    out.duplicates += 1;
                } else {
                    out.unmatched.push((file, row));
                }
                continue;
            };
            let list = match kind {
                Kind::Rating => &mut out.ratings,
                Kind::Watchlist => &mut out.watchlist,
                Kind::Seen => &mut out.seen,
                Kind::Dismissed => &mut out.dismissed,
            };
            match at.get(&(kind, movie)) {
                Some(&i) => {
                    out.duplicates += 1;
                    if row.date >= list[i].0.date {
                        list[i] = (row, movie);
                    }
                }
                None => {
                    at.insert((kind, movie), list.len());
                    list.push((row, movie));
                }
            }
        }
    }
    let before = out.seen.len();
    out.seen
        .retain(|(_, movie)| !at.contains_key(&(Kind::Rating, *movie)));
    out.duplicates += before - out.seen.len();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(id: i64, title: &str, year: i64) -> MatchKeys {
        MatchKeys {
            id,
            tmdb_id: Some(id + 1000),
            imdb_id: Some(format!("tt{id:07}")),
            movielens_id: Some(id + 500),
            title: title.to_owned(),
            original_title: None,
            alternate_titles: None,
            year: Some(year),
        }
    }

    fn film(title: &str, year: Option<i64>) -> FilmRef {
        FilmRef {
            title: Some(title.to_owned()),
            year,
            ..FilmRef::default()
        }
    }

    #[test]
    fn ids_first_then_title_and_year_within_one() {
        let index = MatchIndex::new(&[
            keys(1, "Heat", 1995),
            keys(2, "Heat", 1986),
            keys(3, "WALL·E", 2008),
            MatchKeys {
                original_title: Some("Le Fabuleux Destin d'Amélie Poulain".into()),
                ..keys(4, "Amélie", 2001)
            },
        ]);
        let by_imdb = FilmRef {
            imdb_id: Some("tt0000002".into()),
            ..film("Heat", Some(1995))
        };
        assert_eq!(index.find(&by_imdb), Some(2), "the id wins over the title");
        let by_tmdb = FilmRef {
            tmdb_id: Some(1001),
            ..FilmRef::default()
        };
        assert_eq!(index.find(&by_tmdb), Some(1));
        assert_eq!(index.find(&film("heat", Some(1995))), Some(1));
        assert_eq!(index.find(&film("Heat", Some(1987))), Some(2), "±1 year");
        assert_eq!(index.find(&film("Heat", None)), None, "two namesakes");
        assert_eq!(index.find(&film("Heat", Some(2000))), None);
        assert_eq!(index.find(&film("Wall-E", Some(2008))), Some(3));
        assert_eq!(
            index.find(&film("le fabuleux destin d amelie poulain", Some(2001))),
            Some(4)
        );
        assert_eq!(index.find(&film("Amelie", None)), Some(4));
        assert_eq!(index.find(&film("Nope", Some(2001))), None);
    }

    #[test]
    fn an_upload_of_several_files_keeps_each_film_once_and_the_latest_rating() {
        let index = MatchIndex::new(&[keys(1, "Heat", 1995), keys(2, "Alien", 1979)]);
        assert_eq!(index.last_year(), Some(1995));
        let read = |csv: &str| nextflex_data::exports::read_export(csv.as_bytes(), 10).unwrap();
        let diary = read(
            "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Watched Date\n\
             2024-01-01,Heat,1995,u,3,,2024-01-01\n2024-02-01,Alien,1979,u,,,2024-02-01\n",
        );
        let ratings = read(
            "Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1995,u,4.5\n\
             2024-01-01,Nope,2022,u,4\n",
        );
        let watched = nextflex_data::exports::Export {
            format: ExportFormat::LetterboxdWatched,
            ..read(
                "Date,Name,Year,Letterboxd URI\n2024-01-01,Heat,1995,u\n2024-01-01,Nope,2022,u\n",
            )
        };
        let watchlist = read("Date,Name,Year,Letterboxd URI\n2024-01-01,Alien,1979,u\n");
        let files = [
            ("diary.csv", &diary),
            ("ratings.csv", &ratings),
            ("watched.csv", &watched),
            ("watchlist.csv", &watchlist),
        ];
        let m = match_rows(&index, &files);
        let rated: Vec<(i64, Option<f64>)> =
            m.ratings.iter().map(|(r, id)| (*id, r.rating)).collect();
        assert_eq!(rated, [(1, Some(4.5))], "ratings.csv's rating wins the tie");
        assert_eq!(m.watchlist.len(), 1);
        let seen: Vec<i64> = m.seen.iter().map(|s| s.1).collect();
        assert_eq!(
            seen,
            [2],
            "logged without a rating; Heat is rated, so not merely seen"
        );
        // Heat's diary entry, Heat in watched.csv, and Nope (unmatched) in watched.csv.
        assert_eq!(m.duplicates, 3);
        let unmatched: Vec<(&str, u64)> = m.unmatched.iter().map(|(f, r)| (*f, r.line)).collect();
        assert_eq!(unmatched, [("ratings.csv", 3)]);
    }
}
