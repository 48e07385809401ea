//! Catalogue search over the snapshot: case- and accent-insensitive, tolerant of typos, with
//! genre and year filters, four sort orders and pagination. Held in memory, so that it works the
//! same on every database backend and answers in well under a millisecond.

use nextflex_engine::text::{within_edits, words};

use super::{ChartSource, MovieSummary, Recommender};

/// How to order results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Popular,
    Latest,
    TopRated,
    Title,
}

/// A catalogue query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MovieQuery<'a> {
    pub q: Option<&'a str>,
    pub genre: Option<&'a str>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// `None`: by relevance with a query, by popularity without.
    pub sort: Option<SortBy>,
    /// From 0.
    pub offset: usize,
    pub limit: usize,
}

/// The words of every title, for matching.
pub(super) fn index(movies: &[MovieSummary]) -> Vec<Vec<String>> {
    movies.iter().map(|m| words(&m.title)).collect()
}

/// How well a title matches the query words: 0 no match, higher better.
fn relevance(title: &[String], query: &[String]) -> u8 {
    if query.is_empty() {
        return 1;
    }
    if title == query {
        return 5;
    }
    if title.starts_with(query) {
        return 4;
    }
    let exact = |q: &String| title.iter().any(|t| t == q);
    let prefix = |q: &String| title.iter().any(|t| t.starts_with(q.as_str()));
    // A typo: one edit in words of 4–7 letters, two from 8; short words must match.
    let fuzzy = |q: &String| {
        let allowed = match q.chars().count() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        allowed > 0 && title.iter().any(|t| within_edits(t, q, allowed))
    };
    if query.iter().all(exact) {
        3
    } else if query.iter().all(|q| exact(q) || prefix(q)) {
        2
    } else if query.iter().all(|q| exact(q) || prefix(q) || fuzzy(q)) {
        1
    } else {
        0
    }
}

impl Recommender {
    /// The page of movies matching `query`, and how many match in all.
    pub fn search(&self, query: &MovieQuery<'_>) -> (usize, Vec<&MovieSummary>) {
        let q = query.q.map(words).unwrap_or_default();
        let mut hits: Vec<(u8, usize)> = self
            .movies
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                query.genre.is_none_or(|g| m.genres.iter().any(|x| x == g))
                    && query
                        .year_from
                        .is_none_or(|y| m.year.is_some_and(|my| my >= y))
                    && query
                        .year_to
                        .is_none_or(|y| m.year.is_some_and(|my| my <= y))
            })
            .filter_map(|(i, _)| {
                let r = relevance(&self.title_words[i], &q);
                (r > 0).then_some((r, i))
            })
            .collect();
        let popular_rank = |i: usize| self.popular_rank[i];
        match query.sort {
            None => hits.sort_by_key(|&(r, i)| (std::cmp::Reverse(r), popular_rank(i))),
            Some(SortBy::Popular) => hits.sort_by_key(|&(_, i)| popular_rank(i)),
            Some(SortBy::Latest) => hits.sort_by(|a, b| {
                let date = |i: usize| self.movies[i].release_date.as_deref();
                date(b.1)
                    .cmp(&date(a.1))
                    .then(popular_rank(a.1).cmp(&popular_rank(b.1)))
            }),
            Some(SortBy::TopRated) => {
                let chart = &self.chart_rank;
                hits.sort_by_key(|&(_, i)| {
                    (
                        chart.get(&self.movies[i].id).copied().unwrap_or(usize::MAX),
                        popular_rank(i),
                    )
                })
            }
            Some(SortBy::Title) => hits.sort_by(|a, b| {
                self.title_words[a.1]
                    .cmp(&self.title_words[b.1])
                    .then(self.movies[a.1].id.cmp(&self.movies[b.1].id))
            }),
        }
        let total = hits.len();
        let page = hits
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|(_, i)| &self.movies[i])
            .collect();
        (total, page)
    }

    /// Titles close to `title`, for "did you mean".
    pub fn suggestions(&self, title: &str, limit: usize) -> Vec<&MovieSummary> {
        let query = MovieQuery {
            q: Some(title),
            limit,
            ..MovieQuery::default()
        };
        self.search(&query).1
    }

    /// Positions in the overall top-rated chart (ratings source), for sorting.
    pub(super) fn chart_ranks(&self) -> std::collections::HashMap<i64, usize> {
        self.top_rated(ChartSource::Ratings, None, usize::MAX)
            .entries
            .iter()
            .enumerate()
            .map(|(rank, e)| (e.movie.id, rank))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::relevance;
    use nextflex_engine::text::words;

    #[test]
    fn exact_prefix_word_and_typo_matches_rank_in_that_order() {
        let title = words("The Godfather: Part II");
        let score = |q: &str| relevance(&title, &words(q));
        assert_eq!(score("the godfather part ii"), 5);
        assert_eq!(score("THE GODFATHER"), 4);
        assert_eq!(score("godfather ii"), 3);
        assert_eq!(score("godf"), 2);
        assert_eq!(score("godfahter"), 1, "a transposition");
        assert_eq!(score("goodfellas"), 0);
        assert_eq!(score("teh"), 0, "no typos in short words");
        assert_eq!(relevance(&words("Amélie"), &words("AMELIE")), 5);
    }
}
