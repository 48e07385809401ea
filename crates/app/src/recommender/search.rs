//! Catalogue search over the snapshot, over every title a movie has (its display title, its
//! alternates, its original title): case- and accent-insensitive, tolerant of typos, with
//! filters (genres, years, runtime, original language, rating count), four sort orders and
//! pagination. Held in memory, so that it works the
//! same on every database backend and answers in well under a millisecond.

use nextflex_engine::text::{numbers_as_digits, within_edits, words};

use super::{ChartSource, MovieSummary, Recommender, about};

/// How to order movies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Popular,
    Latest,
    TopRated,
    Title,
}

/// Whether a query with text also searches what films are about.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum AboutSearch<'a> {
    /// Titles only (the typeahead).
    #[default]
    Off,
    /// Titles and the words of what films are about.
    Words,
    /// Titles, words and meaning: the query's embedding.
    Meaning(&'a [f32]),
}

/// A catalogue query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MovieQuery<'a> {
    pub q: Option<&'a str>,
    /// With `q` and the relevance order: also by what films are about.
    pub about: AboutSearch<'a>,
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
        TitleKey::of_words(words(title))
    }

    fn of_words(words: Vec<String>) -> TitleKey {
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

/// Every movie's title keys for matching: its display title first, then every other title,
/// then those with numbers written as digits where that differs ("The Godfather: Part II" is
/// also "the godfather 2").
pub(super) fn index(movies: &[MovieSummary]) -> Vec<Vec<TitleKey>> {
    movies
        .iter()
        .map(|m| {
            let mut keys: Vec<TitleKey> = std::iter::once(&m.title)
                .chain(&m.also_known_as)
                .map(|t| TitleKey::new(t))
                .collect();
            let numbered: Vec<TitleKey> = keys
                .iter()
                .filter_map(|k| {
                    let n = numbers_as_digits(&k.words);
                    (n != k.words).then(|| TitleKey::of_words(n))
                })
                .collect();
            keys.extend(numbered);
            keys
        })
        .collect()
}

/// A query as search compares it, prepared once per request: as typed, and with its numbers
/// as digits when that differs ("godfather part two" is "godfather 2").
struct QueryWords {
    words: Vec<String>,
    /// The words written together.
    joined: String,
    numbered: Option<Box<QueryWords>>,
}

impl QueryWords {
    fn new(q: &str) -> QueryWords {
        let words = words(q);
        let numbered = numbers_as_digits(&words);
        let numbered = (numbered != words).then(|| Box::new(QueryWords::plain(numbered)));
        QueryWords {
            numbered,
            ..QueryWords::plain(words)
        }
    }

    fn plain(words: Vec<String>) -> QueryWords {
        let joined = words.concat();
        QueryWords {
            words,
            joined,
            numbered: None,
        }
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

/// How well the best of a movie's title keys matches the query, as typed or numbered.
fn best_relevance(keys: &[TitleKey], q: &QueryWords) -> u8 {
    let best = |q: &QueryWords| keys.iter().map(|key| relevance(key, q)).max();
    best(q)
        .max(q.numbered.as_deref().and_then(best))
        .unwrap_or(0)
}

/// The movies whose titles match `q` (keys as [`index`] makes them), best match first, ties
/// by `tie` (smaller first). For measuring search outside a snapshot.
pub(super) fn title_matches<K: Ord>(
    keys: &[Vec<TitleKey>],
    q: &str,
    tie: impl Fn(usize) -> K,
) -> Vec<usize> {
    let q = QueryWords::new(q);
    let mut hits: Vec<(std::cmp::Reverse<u8>, K, usize)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let r = best_relevance(k, &q);
            (r > 0).then(|| (std::cmp::Reverse(r), tie(i), i))
        })
        .collect();
    hits.sort_unstable();
    hits.into_iter().map(|h| h.2).collect()
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

    /// Whether movie `m` passes all the query's filters.
    fn passes_filters(&self, m: &MovieSummary, query: &MovieQuery<'_>) -> bool {
        runtime_fits(m, query) && language_fits(m, query) && self.passes_other_filters(m, query)
    }

    /// How well movie `i`'s best title matches the query's words (0: not at all).
    fn title_relevance(&self, i: usize, q: &QueryWords) -> u8 {
        best_relevance(&self.title_words[i], q)
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
            .filter(|(_, m)| self.passes_filters(m, query))
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
                let votes = |i: usize| self.stats.get(&self.movies[i].id).map_or(0, |s| s.count);
                let key = |r: u8, i: usize| {
                    (
                        std::cmp::Reverse(r),
                        std::cmp::Reverse(votes(i)),
                        popular_rank(i),
                    )
                };
                let mut keyed: Vec<_> = hits.iter().map(|&(r, i)| (key(r, i), i)).collect();
                let about = query.about != AboutSearch::Off && !q.words.is_empty();
                if !about {
                    // Keys are computed once per hit, and only the page and what precedes it
                    // is sorted: a one-letter query matches thousands.
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
                keyed.sort_unstable();
                let order = self.by_about(query, &keyed);
                let total = order.len();
                let page = order
                    .into_iter()
                    .skip(query.offset)
                    .take(query.limit)
                    .map(|i| &self.movies[i])
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

    /// Title, words and meaning: the movies a query finds, best first. `titles` are the title
    /// matches (every word of the query in the title) in their order, which stay first, so
    /// "shining" is The Shining and "dark knigth" The Dark Knight; then what films are about.
    fn by_about(&self, query: &MovieQuery<'_>, titles: &[(impl Ord, usize)]) -> Vec<usize> {
        let q = query.q.unwrap_or_default();
        let passes = |i: usize| self.passes_filters(&self.movies[i], query);
        let named: Vec<usize> = titles.iter().map(|(_, i)| *i).collect();
        let words = self.about.by_words(q, passes);
        let meaning = match query.about {
            AboutSearch::Meaning(v) => self.about.by_meaning(q, v, about::MEANING_DEPTH, passes),
            _ => Vec::new(),
        };
        let popular_rank = |i: usize| self.popular_rank[i];
        about::answer(&self.about.fusion, named, &words, &meaning, &popular_rank)
    }

    /// The line of movie `id`'s overview that best matches `q`, for a result found by what it
    /// is about.
    pub fn matched_line(&self, id: i64, q: &str) -> Option<String> {
        self.about.matched_line(*self.position.get(&id)?, q)
    }

    /// Whether movie `id` was found by one of its titles (rather than by what it is about).
    pub fn title_matches(&self, id: i64, q: &str) -> bool {
        self.position
            .get(&id)
            .is_some_and(|&i| self.title_relevance(i, &QueryWords::new(q)) > 0)
    }

    /// Each movie's place in the popularity order (same order as the catalogue's movies).
    pub fn popular_ranks(&self) -> &[usize] {
        &self.popular_rank
    }

    /// Which search this snapshot answers.
    pub fn search_mode(&self) -> about::SearchMode {
        self.about.mode()
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

    #[test]
    fn numbers_match_however_written() {
        let movie = |title: &str| super::MovieSummary {
            id: 1,
            title: title.into(),
            also_known_as: Vec::new(),
            year: None,
            release_date: None,
            genres: Vec::new(),
            popularity: None,
            poster_path: None,
            tmdb_vote_average: None,
            tmdb_vote_count: None,
            runtime: None,
            original_language: None,
        };
        let score = |title: &str, q: &str| {
            super::best_relevance(&super::index(&[movie(title)])[0], &QueryWords::new(q))
        };
        assert_eq!(score("The Godfather: Part II", "godfather 2"), 5);
        assert_eq!(score("The Godfather: Part II", "godfather part two"), 5);
        assert_eq!(score("John Wick: Chapter Two", "john wick chapter 2"), 5);
        assert_eq!(
            score(
                "Guardians of the Galaxy Vol. 2",
                "guardians of the galaxy vol 2"
            ),
            5
        );
        assert_eq!(
            score(
                "Star Wars: Episode V - The Empire Strikes Back",
                "star wars episode v"
            ),
            4
        );
        assert_eq!(
            score(
                "Star Wars: Episode V - The Empire Strikes Back",
                "star wars episode"
            ),
            4,
            "typing on"
        );
        assert_eq!(score("The Godfather", "godfather 2"), 0);
    }
}
