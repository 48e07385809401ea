//! The movie page's similar movies, each with the reason it is there in a few words: that it
//! is of the same series, the director or stars the two films share, that the same people like
//! both, or what else they have in common (keywords, then genres and decade). The list and the
//! features the reasons name are the snapshot's ([`Recommender::similar`]), made with the model
//! version: nothing is read per request.

use nextflex_engine::content::{Role, Terms};

use crate::recommender::{Neighbour, Recommender};

/// From this share of the best neighbour's who-liked-what signal, "liked by the same people" is
/// a reason.
const SAME_PEOPLE_FROM: f32 = 0.5;
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
pub fn explained(r: &Recommender, id: i64, k: usize) -> Option<Vec<Explained<'_>>> {
    let neighbours = r.similar(id, k)?;
    let index = r.similar_index();
    let terms = index.terms();
    let anchor = index.position(id);
    let decade = |m: i64| r.movie(m).and_then(|m| m.year).map(|y| y / 10 * 10);
    Some(
        neighbours
            .into_iter()
            .map(|n| {
                let m = n.movie.id;
                let both = |role| match (anchor, index.position(m)) {
                    (Some(a), Some(b)) => names(terms, a, b, role),
                    _ => Vec::new(),
                };
                let why = reason(&Shared {
                    series: n.series,
                    directors: both(Role::Director),
                    stars: both(Role::Star),
                    same_people: n.collaborative >= SAME_PEOPLE_FROM,
                    keywords: both(Role::Keyword),
                    genres: both(Role::Genre),
                    decade: decade(id).filter(|&d| decade(m) == Some(d)),
                });
                Explained { neighbour: n, why }
            })
            .collect(),
    )
}

fn names(terms: &Terms, a: usize, b: usize, role: Role) -> Vec<String> {
    terms
        .shared(a, b, role)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// What two films have in common.
#[derive(Debug, Default)]
struct Shared {
    series: bool,
    directors: Vec<String>,
    stars: Vec<String>,
    same_people: bool,
    /// Rarest first.
    keywords: Vec<String>,
    /// Rarest first.
    genres: Vec<String>,
    /// The decade both came out in.
    decade: Option<i64>,
}

/// "Tom Hanks", "Tom Hanks and Tim Allen" (at most [`MAX_NAMES`]).
fn listed(names: &[String]) -> String {
    match &names[..names.len().min(MAX_NAMES)] {
        [one] => one.clone(),
        [first, second] => format!("{first} and {second}"),
        _ => String::new(),
    }
}

/// The strongest reasons, at most [`MAX_REASONS`], joined with " · ": the same series, a shared
/// director, shared stars, the same people liking both; keywords, then genres (with the decade
/// when both came out in it), only where nothing stronger is said. "Similar" when the films
/// share nothing that can be named.
fn reason(s: &Shared) -> String {
    let mut parts = Vec::new();
    if s.series {
        parts.push("Same series".to_owned());
    }
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
        let genres = listed(&s.genres);
        parts.push(match s.decade {
            Some(decade) => format!("Also {genres} from the {decade}s"),
            None => format!("Also {genres}"),
        });
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
            ..Shared::default()
        };
        assert_eq!(
            reason(&s),
            "Also directed by Christopher Nolan · also starring Christian Bale and Michael Caine"
        );
        let sequel = Shared { series: true, ..s };
        assert_eq!(
            reason(&sequel),
            "Same series · also directed by Christopher Nolan"
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
        let seventies = Shared {
            genres: names(&["Horror"]),
            decade: Some(1970),
            ..Shared::default()
        };
        assert_eq!(reason(&seventies), "Also Horror from the 1970s");
        assert_eq!(reason(&Shared::default()), "Similar");
    }
}
