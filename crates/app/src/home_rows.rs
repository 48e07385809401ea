//! The rows of a logged-in user's home page, each with the reason it is there in its title:
//! their personal picks, their watchlist, "Because you rated X" (the films most like one they
//! rated highest), "More from <director>" and "Starring <actor>" (of the films they loved),
//! and "Hidden gems for you" (personal picks among the films few people know:
//! [`Recommender::hidden_gems`]).
//! No film appears twice on the page, and nothing the user rated or dismissed appears at all.

use std::collections::{HashMap, HashSet};

use crate::recommender::{ForYou, MovieSummary, Recommender};
use crate::user_history;
use nextflex_store::db::Db;
use nextflex_store::db::movie_lists::{self, List};
use nextflex_store::db::people::{self, Role};
use nextflex_store::error::Result;
use nextflex_store::ids::UserId;

/// Films per row.
pub const ROW_LENGTH: usize = 12;
/// A row with fewer films than this is left out.
const MIN_ROW: usize = 4;
/// A "More from" or "Starring" row with fewer films than this is left out (most people have
/// only a few films in the catalogue).
const MIN_PERSON_ROW: usize = 3;
/// A rating of at least this says the user loved the film: it may anchor a row.
const LOVED: f32 = 4.0;

/// Why a row is on the page (`kind` of a row in the API, in snake case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    ForYou,
    Watchlist,
    BecauseYouRated,
    Director,
    Star,
    HiddenGems,
}

/// What a row follows: the film a "Because you rated" row is like, or the person of a
/// "More from" or "Starring" row.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub id: i64,
    pub name: String,
}

/// One row of the home page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'r> {
    pub kind: RowKind,
    pub title: String,
    pub anchor: Option<Anchor>,
    pub movies: Vec<&'r MovieSummary>,
}

/// The page being assembled: the films it may not show (rated, dismissed, or in a row already).
struct Page<'r> {
    r: &'r Recommender,
    shown: HashSet<i64>,
}

impl<'r> Page<'r> {
    /// A row of the first [`ROW_LENGTH`] of `candidates` not shown yet, which are shown from
    /// now on; `None` if fewer than `min` are left.
    fn row(
        &mut self,
        kind: RowKind,
        title: String,
        anchor: Option<Anchor>,
        candidates: impl IntoIterator<Item = i64>,
        min: usize,
    ) -> Option<Row<'r>> {
        let mut movies: Vec<&'r MovieSummary> = Vec::new();
        for id in candidates {
            if movies.len() == ROW_LENGTH {
                break;
            }
            if self.shown.contains(&id) || movies.iter().any(|m| m.id == id) {
                continue;
            }
            movies.extend(self.r.movie(id));
        }
        if movies.len() < min.max(1) {
            return None;
        }
        self.shown.extend(movies.iter().map(|m| m.id));
        Some(Row {
            kind,
            title,
            anchor,
            movies,
        })
    }
}

/// The user's loved films, best-rated first (then, as `mine` comes, the most recently rated).
fn loved(mine: &[(i64, f32)]) -> Vec<i64> {
    let mut loved: Vec<&(i64, f32)> = mine.iter().filter(|x| x.1 >= LOVED).collect();
    loved.sort_by(|a, b| b.1.total_cmp(&a.1));
    loved.into_iter().map(|x| x.0).collect()
}

/// The people credited in `role` on the user's loved films, the most loved first: by the
/// stars above 3 the user gave their films, each film's counting less the lower the person is
/// billed (the star of a film before its third name), then by name.
async fn favourite_people(
    db: &Db,
    role: Role,
    loved: &[i64],
    stars: &HashMap<i64, f64>,
) -> Result<Vec<Anchor>> {
    let mut weight: HashMap<i64, (f64, String)> = HashMap::new();
    for c in people::credits_on(db, role, loved).await? {
        let w = stars.get(&c.movie_id).map_or(0.0, |s| s - 3.0) / (1 + c.billing) as f64;
        weight.entry(c.person_id).or_insert((0.0, c.name)).0 += w;
    }
    let mut ranked: Vec<(i64, f64, String)> =
        weight.into_iter().map(|(id, (w, n))| (id, w, n)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    Ok(ranked
        .into_iter()
        .map(|(id, _, name)| Anchor { id, name })
        .collect())
}

/// Orders films by how well they fit the user (films the model does not know last, the most
/// rated first).
fn by_fit(
    r: &Recommender,
    fit: &(dyn Fn(i64) -> Option<f32> + Sync),
    mut ids: Vec<i64>,
) -> Vec<i64> {
    let votes = |id: &i64| r.rating_stats(*id).map_or(0, |s| s.count);
    ids.sort_by(|a, b| match (fit(*a), fit(*b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => votes(b).cmp(&votes(a)),
    });
    ids
}

/// Adds the first row of films by one of `people` (in their order) that has enough films not
/// shown yet.
async fn person_row<'r>(
    db: &Db,
    page: &mut Page<'r>,
    role: Role,
    people: Vec<Anchor>,
    fit: &(dyn Fn(i64) -> Option<f32> + Sync),
) -> Result<Option<Row<'r>>> {
    // A handful of people is plenty: most have a film or two in the catalogue.
    for person in people.into_iter().take(8) {
        let films = by_fit(page.r, fit, people::films_of(db, role, person.id).await?);
        let (kind, title) = match role {
            Role::Director => (RowKind::Director, format!("More from {}", person.name)),
            Role::Star => (RowKind::Star, format!("Starring {}", person.name)),
        };
        if let Some(row) = page.row(kind, title, Some(person), films, MIN_PERSON_ROW) {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// The home page's rows for user `user_id`, on snapshot `r`.
pub async fn home_rows<'r>(db: &Db, r: &'r Recommender, user_id: UserId) -> Result<Vec<Row<'r>>> {
    let history = user_history::of_user(db, user_id).await?;
    let watchlist: Vec<i64> = movie_lists::of_user(db, user_id, List::Watchlist)
        .await?
        .into_iter()
        .map(|e| e.movie_id)
        .collect();
    let stars: HashMap<i64, f64> = history
        .ratings
        .iter()
        .map(|&(id, r)| (id, f64::from(r)))
        .collect();
    let mut page = Page {
        r,
        shown: stars
            .keys()
            .chain(&history.dismissed)
            .chain(&history.seen)
            .copied()
            .collect(),
    };
    // The watchlist claims its films first, so that the other rows bring new ones.
    let watch = page.row(
        RowKind::Watchlist,
        "Your watchlist".into(),
        None,
        watchlist,
        1,
    );
    // Enough picks for the personal row (the rows leave out what the page shows already).
    let ForYou::Personal(picks) = r.for_user(&history, 100, None) else {
        // Nothing to personalise from yet: the web app offers the taste picker instead.
        return Ok(watch.into_iter().collect());
    };
    let mut rows = Vec::new();
    let for_you = picks.iter().map(|p| p.movie.id);
    rows.extend(page.row(RowKind::ForYou, "For you".into(), None, for_you, MIN_ROW));
    rows.extend(watch);

    let loved = loved(&history.ratings);
    let fit = r.personal_fit(&history);
    // People rows first claim their films (a person has few), then the similar rows; shown as
    // one similar row, the people, another similar row.
    let directors = favourite_people(db, Role::Director, &loved, &stars).await?;
    let director = person_row(db, &mut page, Role::Director, directors, &fit).await?;
    let leads = favourite_people(db, Role::Star, &loved, &stars).await?;
    let star = person_row(db, &mut page, Role::Star, leads, &fit).await?;
    let mut anchors = loved.iter();
    let mut next_similar = |page: &mut Page<'r>| {
        anchors
            .by_ref()
            .find_map(|&anchor| similar_row(page, anchor))
    };
    let first_similar = next_similar(&mut page);
    let second_similar = next_similar(&mut page);
    rows.extend(first_similar);
    rows.extend(director);
    rows.extend(star);
    rows.extend(second_similar);

    // The user's best picks among the films few people know.
    let gems = r.hidden_gems(&history, 100).into_iter().map(|p| p.movie.id);
    let title = "Hidden gems for you".into();
    rows.extend(page.row(RowKind::HiddenGems, title, None, gems, MIN_ROW));
    Ok(rows)
}

/// "Because you rated <anchor>": its similar movies (content blended with who-liked-what, as
/// the movie page shows them).
fn similar_row<'r>(page: &mut Page<'r>, anchor: i64) -> Option<Row<'r>> {
    let r = page.r;
    let movie = r.movie(anchor)?;
    let similar: Vec<i64> = r.similar(anchor, 40)?.iter().map(|n| n.movie.id).collect();
    let title = format!("Because you rated {}", movie.title);
    let anchor = Some(Anchor {
        id: movie.id,
        name: movie.title.clone(),
    });
    page.row(RowKind::BecauseYouRated, title, anchor, similar, MIN_ROW)
}
