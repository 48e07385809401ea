//! The movie page's similar movies, each with the reason it is there in a few words: the
//! director or stars the two films share, that the same people like both, or what else they
//! have in common (keywords, then genres). The list itself is the snapshot's
//! ([`Recommender::similar`]); the reasons read the films' credits and keywords.

use std::collections::{HashMap, HashSet};

use nextflex_engine::similar::Blend;

use crate::recommender::{Neighbour, Recommender};
use nextflex_store::db::Db;
use nextflex_store::db::keywords;
use nextflex_store::db::people::{self, Credit, Role};
use nextflex_store::error::Result;

/// From this share of the best neighbour's who-liked-what signal, "liked by the same people" is
/// a reason, as it is wherever that signal carries more of the score than the content does.
const SAME_PEOPLE_FROM: f32 = 0.5;
/// TMDB keywords about how a film was made or released rather than what it is about: never
/// named as what two films share.
const META_KEYWORDS: [&str; 6] = [
    "duringcreditsstinger",
    "aftercreditsstinger",
    "woman director",
    "independent film",
    "3d",
    "sequel",
];
/// Reasons given for one film.
const MAX_REASONS: usize = 2;
/// Shared names or words one reason lists.
const MAX_NAMES: usize = 2;

/// A similar movie and why.
pub struct Explained<'r> {
    pub neighbour: Neighbour<'r>,
    pub why: String,
}

/// The `k` movies most like movie `id`, each with its reason; `None` for a movie not in the
/// snapshot.
pub async fn explained<'r>(
    db: &Db,
    r: &'r Recommender,
    id: i64,
    k: usize,
) -> Result<Option<Vec<Explained<'r>>>> {
    let Some(neighbours) = r.similar(id, k) else {
        return Ok(None);
    };
    let ids: Vec<i64> = std::iter::once(id)
        .chain(neighbours.iter().map(|n| n.movie.id))
        .collect();
    let names = |credits: Vec<Credit>| {
        let mut by_movie: HashMap<i64, Vec<String>> = HashMap::new();
        for c in credits {
            by_movie.entry(c.movie_id).or_default().push(c.name);
        }
        by_movie
    };
    let directors = names(people::credits_on(db, Role::Director, &ids).await?);
    let stars = names(people::credits_on(db, Role::Star, &ids).await?);
    let mut words: HashMap<i64, Vec<String>> = HashMap::new();
    for (movie, keyword) in keywords::keywords_on(db, &ids).await? {
        if !META_KEYWORDS.contains(&keyword.name.as_str()) {
            words.entry(movie).or_default().push(keyword.name);
        }
    }
    let w = Blend::default().content_weight;
    let anchor = r.movie(id).map(|m| m.genres.clone()).unwrap_or_default();
    fn of(map: &HashMap<i64, Vec<String>>, movie: i64) -> &[String] {
        map.get(&movie).map_or(&[], Vec::as_slice)
    }
    Ok(Some(
        neighbours
            .into_iter()
            .map(|n| {
                let m = n.movie.id;
                let why = reason(&Shared {
                    directors: shared(of(&directors, id), of(&directors, m)),
                    stars: shared(of(&stars, id), of(&stars, m)),
                    same_people: n.collaborative >= SAME_PEOPLE_FROM
                        || (n.collaborative > 0.0 && (1.0 - w) * n.collaborative >= w * n.content),
                    keywords: shared(of(&words, id), of(&words, m)),
                    genres: shared(&anchor, &n.movie.genres),
                });
                Explained { neighbour: n, why }
            })
            .collect(),
    ))
}

/// What two films have in common.
#[derive(Debug, Default)]
struct Shared {
    directors: Vec<String>,
    stars: Vec<String>,
    same_people: bool,
    keywords: Vec<String>,
    genres: Vec<String>,
}

/// The names in both lists, in the first list's order.
fn shared(a: &[String], b: &[String]) -> Vec<String> {
    let b: HashSet<&String> = b.iter().collect();
    a.iter().filter(|x| b.contains(x)).cloned().collect()
}

/// "Tom Hanks", "Tom Hanks and Tim Allen" (at most [`MAX_NAMES`]).
fn listed(names: &[String]) -> String {
    match &names[..names.len().min(MAX_NAMES)] {
        [one] => one.clone(),
        [first, second] => format!("{first} and {second}"),
        _ => String::new(),
    }
}

/// The strongest reasons, at most [`MAX_REASONS`], joined with " · ": a shared director, shared
/// stars, the same people liking both; keywords, then genres, only where nothing stronger is
/// said. "Similar" when the films share nothing that can be named.
fn reason(s: &Shared) -> String {
    let mut parts = Vec::new();
    if !s.directors.is_empty() {
        parts.push(format!("Also directed by {}", listed(&s.directors)));
    }
    if !s.stars.is_empty() {
        parts.push(format!("Also starring {}", listed(&s.stars)));
    }
    if s.same_people {
        parts.push("Liked by the same people".to_owned());
    }
    if parts.len() < MAX_REASONS && !s.keywords.is_empty() {
        parts.push(format!("Also about {}", listed(&s.keywords)));
    }
    if parts.is_empty() && !s.genres.is_empty() {
        parts.push(format!("Also {}", listed(&s.genres)));
    }
    if parts.is_empty() {
        return "Similar".to_owned();
    }
    parts.truncate(MAX_REASONS);
    let mut text = parts.join(" · ");
    // Every part but the first reads on lower-case after the separator.
    if let Some((first, rest)) = text.split_once(" · ") {
        let rest = rest[..1].to_lowercase() + &rest[1..];
        text = format!("{first} · {rest}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_strongest_two_reasons_are_given() {
        let s = Shared {
            directors: names(&["Christopher Nolan"]),
            stars: names(&["Christian Bale", "Michael Caine", "Gary Oldman"]),
            same_people: true,
            keywords: names(&["dc comics"]),
            genres: names(&["Action"]),
        };
        assert_eq!(
            reason(&s),
            "Also directed by Christopher Nolan · also starring Christian Bale and Michael Caine"
        );
    }

    #[test]
    fn keywords_fill_in_and_genres_only_alone() {
        let fans = Shared {
            same_people: true,
            keywords: names(&["toy", "friendship", "rivalry"]),
            genres: names(&["Animation"]),
            ..Shared::default()
        };
        assert_eq!(
            reason(&fans),
            "Liked by the same people · also about toy and friendship"
        );
        let genres = Shared {
            genres: names(&["Animation", "Family"]),
            ..Shared::default()
        };
        assert_eq!(reason(&genres), "Also Animation and Family");
        assert_eq!(reason(&Shared::default()), "Similar");
    }

    #[test]
    fn shared_keeps_the_first_lists_order() {
        assert_eq!(
            shared(&names(&["a", "b", "c"]), &names(&["c", "a"])),
            names(&["a", "c"])
        );
    }
}
