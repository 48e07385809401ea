//! `nextflex recommend`: the recommenders over the imported catalogue, from the command line.

use nextflex_data::catalogue::Movie;
use nextflex_engine::content::{ContentIndex, ContentItem, ContentParams, TitleMatch};
use serde::Serialize;

use crate::db::{self, Db};
use crate::error::{Error, Result};

/// What the content model reads of a catalogue movie.
pub fn content_item(movie: Movie, id: i64) -> ContentItem {
    let mut cast = movie.cast;
    cast.sort_by_key(|c| c.order);
    ContentItem {
        id,
        title: movie.title,
        year: movie.release_year,
        keywords: movie.keywords.into_iter().map(|k| k.name).collect(),
        cast: cast.into_iter().take(3).map(|c| c.person.name).collect(),
        directors: movie
            .crew
            .into_iter()
            .filter(|c| c.job == "Director")
            .map(|c| c.person.name)
            .collect(),
        genres: movie.genres.into_iter().map(|g| g.name).collect(),
    }
}

/// Builds the content index over the whole catalogue.
pub async fn content_index(
    db: &Db,
    params: ContentParams,
) -> Result<(ContentIndex, Vec<ContentItem>)> {
    let (movies, ids) = db::catalogue::features(db).await?;
    let items: Vec<ContentItem> = movies
        .into_iter()
        .zip(ids)
        .map(|(m, id)| content_item(m, id))
        .collect();
    let for_index = items.clone();
    let index = tokio::task::spawn_blocking(move || ContentIndex::build(&for_index, params))
        .await
        .map_err(|e| Error::Internal(format!("the content index task failed: {e}")))?
        .map_err(|e| Error::Invalid(e.to_string()))?;
    Ok((index, items))
}

/// One recommended movie, as `--json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recommended {
    pub movie_id: i64,
    pub title: String,
    pub year: Option<i64>,
    pub score: f32,
}

/// The `k` movies most similar to the one titled `title` (a `title (year)` form picks the year).
pub async fn similar(db: &Db, title: &str, k: usize) -> Result<Vec<Recommended>> {
    if !(1..=100).contains(&k) {
        return Err(Error::Invalid("k must be from 1 to 100".into()));
    }
    let (index, items) = content_index(
        db,
        ContentParams {
            k,
            ..ContentParams::default()
        },
    )
    .await?;
    let (name, year) = split_year(title);
    let id = match index.find(name, year) {
        TitleMatch::Found(id) => id,
        TitleMatch::NotFound => return Err(Error::NotFound(format!("no movie titled {title:?}"))),
        TitleMatch::Ambiguous(candidates) => {
            let list: Vec<String> = candidates
                .iter()
                .map(|(_, t, y)| match y {
                    Some(y) => format!("{t} ({y})"),
                    None => t.clone(),
                })
                .collect();
            return Err(Error::Conflict(format!(
                "{title:?} names several movies: {}; add the year",
                list.join(", ")
            )));
        }
    };
    let by_id: std::collections::HashMap<i64, &ContentItem> =
        items.iter().map(|i| (i.id, i)).collect();
    Ok(index
        .similar(id, k)
        .unwrap_or_default()
        .into_iter()
        .map(|n| Recommended {
            movie_id: n.id,
            title: by_id
                .get(&n.id)
                .map(|i| i.title.clone())
                .unwrap_or_default(),
            year: by_id.get(&n.id).and_then(|i| i.year),
            score: n.score,
        })
        .collect())
}

/// `Heat (1995)` → (`Heat`, 1995).
fn split_year(title: &str) -> (&str, Option<i64>) {
    let t = title.trim();
    if let Some(open) = t.rfind(" (")
        && t.ends_with(')')
        && let Ok(y) = t[open + 2..t.len() - 1].parse::<i64>()
    {
        return (&t[..open], Some(y));
    }
    (t, None)
}

#[cfg(test)]
mod tests {
    use super::split_year;

    #[test]
    fn years_in_titles() {
        assert_eq!(split_year("Heat (1995)"), ("Heat", Some(1995)));
        assert_eq!(split_year("Heat"), ("Heat", None));
        assert_eq!(
            split_year("Dr. Strangelove (or How I Learned…)"),
            ("Dr. Strangelove (or How I Learned…)", None)
        );
    }
}
