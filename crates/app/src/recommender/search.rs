//! Catalogue search over the snapshot, over every title a movie has (its display title, its
//! alternates, its original title): case- and accent-insensitive, tolerant of typos, with
//! filters (genres, years, runtime, original language, rating count), four sort orders and
//! pagination. Held in memory, so that it works the
//! same on every database backend and answers in well under a millisecond.

use nextflex_engine::text::{within_edits, words};

use super::{ChartSource, MovieSummary, Recommender};

/// How to order movies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
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
    /// Only movies with every one of these genres.
    pub genres: Vec<&'a str>,
    pub year_from: Option<i64>,
    pub year_to: Option<i64>,
    /// Only movies whose runtime (minutes) is known and within these bounds.
    pub runtime_min: Option<i64>,
    pub runtime_max: Option<i64>,
    /// Only movies first made in this language (ISO 639-1).
    pub language: Option<&'a str>,
    /// Only movies with at least this many ratings.
    pub min_ratings: u64,
    /// `None`: by relevance with a query, by popularity without.
    pub sort: Option<SortBy>,
    /// From 0.
    pub offset: usize,
    pub limit: usize,
}

/// Whether `m`'s runtime is known and within the query's bounds (or it sets none).
fn runtime_fits(m: &MovieSummary, query: &MovieQuery<'_>) -> bool {
    query
        .runtime_min
        .is_none_or(|t| m.runtime.is_some_and(|mt| mt >= t))
        && query
            .runtime_max
            .is_none_or(|t| m.runtime.is_some_and(|mt| mt <= t))
}

/// Whether `m`'s original language is the query's (or it sets none).
fn language_fits(m: &MovieSummary, query: &MovieQuery<'_>) -> bool {
    query
        .language
        .is_none_or(|l| m.original_language.as_deref() == Some(l))
}

/// A title as search compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TitleKey {
    /// Folded words.
    words: Vec<String>,
    /// How many leading words are an article ("The Shining" is found as "shining").
    article: usize,
}

impl TitleKey {
    fn new(title: &str) -> TitleKey {
        let words = words(title);
        let article =
            usize::from(words.len() > 1 && matches!(words[0].as_str(), "the" | "a" | "an"));
        TitleKey { words, article }
    }

    /// The title less a leading article.
    fn core(&self) -> &[String] {
        &self.words[self.article..]
    }

    /// Whether `joined` (query words without spaces) is the first words of `words` written
    /// together: "spiderman" for Spider-Man, "walle" for WALL·E. `whole`: all of them.
    fn spells(words: &[String], joined: &str, whole: bool) -> bool {
        let mut rest = joined;
        for (n, w) in words.iter().enumerate() {
            match rest.strip_prefix(w.as_str()) {
                Some("") => return !whole || n + 1 == words.len(),
                Some(r) => rest = r,
                None => return false,
            }
        }
        false
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<String>()
            + self.words.iter().map(String::capacity).sum::<usize>()
    }
}

/// Every movie's title keys for matching: its display title first, then every other title.
pub(super) fn index(movies: &[MovieSummary]) -> Vec<Vec<TitleKey>> {
    movies
        .iter()
        .map(|m| {
            std::iter::once(&m.title)
                .chain(&m.also_known_as)
                .map(|t| TitleKey::new(t))
                .collect()
        })
        .collect()
}

/// A query as search compares it, prepared once per request.
struct QueryWords {
    words: Vec<String>,
    /// The words written together.
    joined: String,
}

impl QueryWords {
    fn new(q: &str) -> QueryWords {
        let words = words(q);
        let joined = words.concat();
        QueryWords { words, joined }
    }
}

/// How well a title matches the query words: 0 no match, higher better. Spaces and
/// punctuation do not count, nor does a leading article of the title.
fn relevance(title: &TitleKey, query: &QueryWords) -> u8 {
    let (query, joined) = (query.words.as_slice(), query.joined.as_str());
    if query.is_empty() {
        return 1;
    }
    let (all, core) = (title.words.as_slice(), title.core());
    if all == query
        || core == query
        || TitleKey::spells(all, joined, true)
        || TitleKey::spells(core, joined, true)
    {
        return 5;
    }
    if all.starts_with(query)
        || core.starts_with(query)
        || TitleKey::spells(all, joined, false)
        || TitleKey::spells(core, joined, false)
    {
        return 4;
    }
    let title = all;
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

/// Films a query's length or language filter leaves out only because the catalogue does not
/// know the film's length or language (they would match otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub no_runtime: usize,
    pub no_language: usize,
}

impl Recommender {
    /// Whether movie `m` passes the query's filters but the length and language ones.
    fn passes_other_filters(&self, m: &MovieSummary, query: &MovieQuery<'_>) -> bool {
        query.genres.iter().all(|g| m.genres.iter().any(|x| x == g))
            && query
                .year_from
                .is_none_or(|y| m.year.is_some_and(|my| my >= y))
            && query
                .year_to
                .is_none_or(|y| m.year.is_some_and(|my| my <= y))
            && (query.min_ratings == 0
                || self
                    .stats
                    .get(&m.id)
                    .is_some_and(|s| s.count >= query.min_ratings))
    }

    /// How well movie `i`'s best title matches the query's words (0: not at all).
    fn title_relevance(&self, i: usize, q: &QueryWords) -> u8 {
        self.title_words[i]
            .iter()
            .map(|key| relevance(key, q))
            .max()
            .unwrap_or(0)
    }

    /// See [`LeftOut`]: counted only for the filters the query sets.
    pub fn left_out(&self, query: &MovieQuery<'_>) -> LeftOut {
        let by_runtime = query.runtime_min.is_some() || query.runtime_max.is_some();
        let by_language = query.language.is_some();
        let mut out = LeftOut::default();
        if !by_runtime && !by_language {
            return out;
        }
        let q = QueryWords::new(query.q.unwrap_or_default());
        for (i, m) in self.movies.iter().enumerate() {
            let no_runtime = by_runtime && m.runtime.is_none();
            let no_language = by_language && m.original_language.is_none();
            let runtime_fits = !by_runtime || no_runtime || runtime_fits(m, query);
            let language_fits = !by_language || no_language || language_fits(m, query);
            if (no_runtime || no_language)
                && runtime_fits
                && language_fits
                && self.passes_other_filters(m, query)
                && self.title_relevance(i, &q) > 0
            {
                out.no_runtime += usize::from(no_runtime);
                out.no_language += usize::from(no_language);
            }
        }
        out
    }

    /// The page of movies matching `query`, and how many match in all.
    pub fn search(&self, query: &MovieQuery<'_>) -> (usize, Vec<&MovieSummary>) {
        let q = QueryWords::new(query.q.unwrap_or_default());
        let mut hits: Vec<(u8, usize)> = self
            .movies
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                runtime_fits(m, query)
                    && language_fits(m, query)
                    && self.passes_other_filters(m, query)
            })
            .filter_map(|(i, _)| {
                // The best match among the movie's titles.
                let r = self.title_relevance(i, &q);
                (r > 0).then_some((r, i))
            })
            .collect();
        let popular_rank = |i: usize| self.popular_rank[i];
        let wanted = query.offset.saturating_add(query.limit);
        if query.limit == 0 {
            // A count alone (the genre list asks so).
            return (hits.len(), Vec::new());
        }
        match query.sort {
            None => {
                // Among equally good matches, the better-known film first: more ratings, then
                // more popular ("halloween" finds the 1978 original before the 2007 remake).
                // Keys are computed once per hit, and only the page and what precedes it is
                // sorted: a one-letter query matches thousands.
                let votes = |i: usize| self.stats.get(&self.movies[i].id).map_or(0, |s| s.count);
                let mut keyed: Vec<_> = hits
                    .iter()
                    .map(|&(r, i)| {
                        (
                            (
                                std::cmp::Reverse(r),
                                std::cmp::Reverse(votes(i)),
                                popular_rank(i),
                            ),
                            i,
                        )
                    })
                    .collect();
                if wanted < keyed.len() {
                    keyed.select_nth_unstable(wanted - 1);
                    keyed.truncate(wanted);
                }
                keyed.sort_unstable();
                let total = hits.len();
                let page = keyed
                    .into_iter()
                    .skip(query.offset)
                    .take(query.limit)
                    .map(|(_, i)| &self.movies[i])
                    .collect();
                return (total, page);
            }
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
                let display = |i: usize| self.title_words[i].first().map(|k| &k.words);
                display(a.1)
                    .cmp(&display(b.1))
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

    /// The best `limit` matches for `title`: typeahead, and "did you mean" after a miss.
    pub fn suggestions(&self, title: &str, limit: usize) -> Vec<&MovieSummary> {
        let query = MovieQuery {
            q: Some(title),
            limit,
            ..MovieQuery::default()
        };
        self.search(&query).1
    }

    /// The original languages of the catalogue's movies (ISO 639-1) with how many movies each,
    /// the most common first.
    pub fn languages(&self) -> Vec<(&str, usize)> {
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for m in &self.movies {
            if let Some(l) = m.original_language.as_deref() {
                *counts.entry(l).or_default() += 1;
            }
        }
        let mut languages: Vec<(&str, usize)> = counts.into_iter().collect();
        languages.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        languages
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
    use super::{QueryWords, TitleKey, relevance};

    fn score(title: &str, q: &str) -> u8 {
        relevance(&TitleKey::new(title), &QueryWords::new(q))
    }

    #[test]
    fn spaces_punctuation_and_leading_articles_do_not_count() {
        assert_eq!(score("Spider-Man", "spiderman"), 5);
        assert_eq!(score("Spider-Man 2", "spiderman"), 4);
        assert_eq!(score("WALL·E", "walle"), 5);
        assert_eq!(score("Spiderman", "spider man"), 5);
        // "The Shining" is the film called "shining"; "Shining Through" only starts so.
        assert!(score("The Shining", "shining") > score("Shining Through", "shining"));
        assert_eq!(score("The Shining", "the shining"), 5);
        // Run-together words must end on a word boundary: "star" is not "Stargate".
        assert_eq!(score("Star Wars", "star"), 4);
        assert_eq!(score("Stargate", "star"), 2);
        assert_eq!(score("A", "a"), 5, "a one-word title is not all article");
    }

    #[test]
    fn exact_prefix_word_and_typo_matches_rank_in_that_order() {
        let title = TitleKey::new("The Godfather: Part II");
        let score = |q: &str| relevance(&title, &QueryWords::new(q));
        assert_eq!(score("the godfather part ii"), 5);
        assert_eq!(score("THE GODFATHER"), 4);
        assert_eq!(score("godfather ii"), 3);
        assert_eq!(score("godf"), 2);
        assert_eq!(score("godfahter"), 1, "a transposition");
        assert_eq!(score("goodfellas"), 0);
        assert_eq!(score("teh"), 0, "no typos in short words");
        assert_eq!(score("godfather part ii"), 5, "the article may be left out");
        assert_eq!(
            relevance(&TitleKey::new("Amélie"), &QueryWords::new("AMELIE")),
            5
        );
    }
}
