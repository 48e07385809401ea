//! The movie page's similar movies, each with the reason it is there in a few words: that it
//! is of the same series, the director or stars the two films share, that the same people like
//! both, or what else they have in common (keywords, then genres and decade). The list and the
//! features the reasons name are the snapshot's ([`Recommender::similar`]), made with the model
//! version: nothing is read per request.

use nextflex_engine::content::{Role, Terms};

use crate::recommender::{MovieSummary, Neighbour, Recommender};

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
    let decade = |m: &MovieSummary| m.year.map(|y| y / 10 * 10);
    let anchor_decade = r.movie(id).and_then(decade);
    Some(
        neighbours
            .into_iter()
            .map(|n| {
                let common = match (anchor, index.position(n.movie.id)) {
                    (Some(a), Some(b)) => terms.common(a, b),
                    _ => Vec::new(),
                };
                let why = reason(&Shared {
                    terms,
                    common: &common,
                    series: n.series,
                    same_people: n.collaborative >= SAME_PEOPLE_FROM,
                    decade: anchor_decade.filter(|&d| decade(n.movie) == Some(d)),
                });
                Explained { neighbour: n, why }
            })
            .collect(),
    )
}

/// What two films have in common: their common terms (named by role when a reason needs
/// them), and the rest.
struct Shared<'a> {
    terms: &'a Terms,
    common: &'a [u32],
    series: bool,
    same_people: bool,
    /// The decade both came out in.
    decade: Option<i64>,
}

impl Shared<'_> {
    /// Rarest first.
    fn named(&self, role: Role) -> Vec<&str> {
        self.terms.named(self.common, role)
    }
}

/// "Tom Hanks", "Tom Hanks and Tim Allen" (at most [`MAX_NAMES`]).
fn listed(names: &[&str]) -> String {
    match &names[..names.len().min(MAX_NAMES)] {
        [one] => (*one).to_owned(),
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
    let directors = s.named(Role::Director);
    if !directors.is_empty() {
        parts.push(format!("Also directed by {}", listed(&directors)));
    }
    let stars = s.named(Role::Star);
    if parts.len() < MAX_REASONS && !stars.is_empty() {
        parts.push(format!("Also starring {}", listed(&stars)));
    }
    if parts.len() < MAX_REASONS && s.same_people {
        parts.push("Liked by the same people".to_owned());
    }
    if parts.len() < MAX_REASONS {
        let keywords = s.named(Role::Keyword);
        if !keywords.is_empty() {
            parts.push(format!("Also about {}", listed(&keywords)));
        }
    }
    if parts.is_empty() {
        let genres = s.named(Role::Genre);
        if !genres.is_empty() {
            let genres = listed(&genres);
            parts.push(match s.decade {
                Some(decade) => format!("Also {genres} from the {decade}s"),
                None => format!("Also {genres}"),
            });
        }
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
    use nextflex_engine::content::ContentItem;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// The Dark Knight and Batman Begins; Toy Story and Toy Story 2; two 1970s horror films.
    fn terms() -> Terms {
        let item =
            |keywords: &[&str], cast: &[&str], directors: &[&str], genres: &[&str]| ContentItem {
                keywords: strings(keywords),
                cast: strings(cast),
                directors: strings(directors),
                genres: strings(genres),
                ..ContentItem::default()
            };
        let nolan = ["Christopher Nolan"];
        let bale = ["Christian Bale", "Michael Caine", "Gary Oldman"];
        let toys = ["Tom Hanks", "Tim Allen"];
        Terms::build(&[
            item(&["dc comics", "joker"], &bale, &nolan, &["Action"]),
            item(&["dc comics"], &bale, &nolan, &["Action"]),
            item(
                &["toy", "friendship", "rivalry"],
                &toys,
                &[],
                &["Animation"],
            ),
            item(
                &["toy", "friendship", "rivalry"],
                &toys[..0],
                &[],
                &["Animation"],
            ),
            item(&[], &[], &[], &["Horror", "Thriller"]),
            item(&[], &[], &[], &["Horror", "Thriller"]),
        ])
    }

    fn why(terms: &Terms, a: usize, b: usize, series: bool, same_people: bool) -> String {
        let common = terms.common(a, b);
        reason(&Shared {
            terms,
            common: &common,
            series,
            same_people,
            decade: (a == 4).then_some(1970),
        })
    }

    #[test]
    fn the_strongest_two_reasons_are_given() {
        let t = terms();
        assert_eq!(
            why(&t, 0, 1, false, true),
            "Also directed by Christopher Nolan · also starring Christian Bale and Gary Oldman"
        );
        assert_eq!(
            why(&t, 0, 1, true, true),
            "Same series · also directed by Christopher Nolan"
        );
    }

    #[test]
    fn keywords_fill_in_and_genres_only_alone() {
        let t = terms();
        assert_eq!(
            why(&t, 2, 3, false, true),
            "Liked by the same people · also about friendship and rivalry"
        );
        assert_eq!(
            why(&t, 4, 5, false, false),
            "Also Horror and Thriller from the 1970s"
        );
        assert_eq!(why(&t, 0, 4, false, false), "Similar");
    }
}
