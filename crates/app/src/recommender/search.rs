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

/// Every movie's titles as search compares them, and every word of them with the movies that
/// hold it: a query looks only at the movies holding a word its first word can match, rather
/// than at the whole catalogue (the typeahead answers each keystroke).
#[derive(Debug, Clone, Default)]
pub(super) struct TitleIndex {
    /// By movie: its display title first, then every other title, then those with numbers
    /// written as digits where that differs ("The Godfather: Part II" is also "the godfather
    /// 2").
    keys: Vec<Vec<TitleKey>>,
    /// Every word of a key, sorted, with the positions of the movies holding it (ascending).
    words: Vec<(String, Vec<u32>)>,
}

impl TitleIndex {
    pub(super) fn new(movies: &[MovieSummary]) -> TitleIndex {
        let keys: Vec<Vec<TitleKey>> = movies
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
            .collect();
        let mut holders: std::collections::BTreeMap<&str, Vec<u32>> = Default::default();
        for (i, movie_keys) in keys.iter().enumerate() {
            for word in movie_keys.iter().flat_map(|k| &k.words) {
                let list = holders.entry(word.as_str()).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        let words = holders
            .into_iter()
            .map(|(w, list)| (w.to_owned(), list))
            .collect();
        TitleIndex { keys, words }
    }

    /// Movie `i`'s title keys, its display title first.
    fn keys(&self, i: usize) -> &[TitleKey] {
        &self.keys[i]
    }

    /// The movies whose titles may match `q` (ascending positions), a superset of those
    /// [`relevance`] scores above 0; `None` for a query without words, which every title
    /// matches.
    fn candidates(&self, q: &QueryWords) -> Option<Vec<usize>> {
        q.words.first()?;
        let mut words: Vec<usize> = Vec::new();
        for q in std::iter::once(q).chain(q.numbered.as_deref()) {
            self.matching_words(q, &mut words);
        }
        words.sort_unstable();
        words.dedup();
        let mut movies: Vec<usize> = words
            .into_iter()
            .flat_map(|w| &self.words[w].1)
            .map(|&i| i as usize)
            .collect();
        movies.sort_unstable();
        movies.dedup();
        Some(movies)
    }

    /// The words a title must hold to match `q` in any way: every query word must match a
    /// title word exactly, as its prefix or with a typo, and a title matched whole or from its
    /// start begins with the query's first word or with a word the query spells ("spiderman"
    /// spells "spider").
    fn matching_words(&self, q: &QueryWords, out: &mut Vec<usize>) {
        let Some(first) = q.words.first() else {
            return;
        };
        let start = self
            .words
            .partition_point(|(w, _)| w.as_str() < first.as_str());
        out.extend(
            (start..self.words.len()).take_while(|&k| self.words[k].0.starts_with(first.as_str())),
        );
        let joined = q.joined.as_str();
        for end in joined
            .char_indices()
            .skip(1)
            .map(|(at, _)| at)
            .chain(std::iter::once(joined.len()))
        {
            if let Ok(k) = self
                .words
                .binary_search_by(|(w, _)| w.as_str().cmp(&joined[..end]))
            {
                out.push(k);
            }
        }
        let allowed = typos_allowed(first);
        if allowed > 0 {
            out.extend(
                (0..self.words.len()).filter(|&k| within_edits(&self.words[k].0, first, allowed)),
            );
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        use nextflex_engine::heap::vec;
        let keys: usize = self
            .keys
            .iter()
            .map(|keys| vec(keys) + keys.iter().map(TitleKey::heap_bytes).sum::<usize>())
            .sum();
        let words: usize = self
            .words
            .iter()
            .map(|(w, list)| w.capacity() + vec(list))
            .sum();
        vec(&self.keys) + keys + vec(&self.words) + words
    }
}

/// How many edits a query word of this length may be from a title word: none for words of up
/// to 3 letters, one for 4–7, two from 8.
fn typos_allowed(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
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
    let fuzzy = |q: &String| {
        let allowed = typos_allowed(q);
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

/// The movies whose titles match `q`, best match first, ties by `tie` (smaller first). For
/// measuring search outside a snapshot.
pub(super) fn title_matches<K: Ord>(
    titles: &TitleIndex,
    q: &str,
    tie: impl Fn(usize) -> K,
) -> Vec<usize> {
    let q = QueryWords::new(q);
    let candidates = titles
        .candidates(&q)
        .unwrap_or_else(|| (0..titles.keys.len()).collect());
    let mut hits: Vec<(std::cmp::Reverse<u8>, K, usize)> = candidates
        .into_iter()
        .filter_map(|i| {
            let r = best_relevance(titles.keys(i), &q);
            (r > 0).then(|| (std::cmp::Reverse(r), tie(i), i))
        })
        .collect();
    hits.sort_unstable();
    hits.into_iter().map(|h| h.2).collect()
}

/// Whether `q` is a film's whole title of two words or more ("the dark knight", "godfather
/// 2"). Such a query is answered by that title first, and its other results come from words
/// alone: embedding it would only reorder films below the one meant, at a cost of
/// milliseconds of CPU. Not a query whose words are merely all in some title ("time travel"),
/// nor a one-word title: "heist", "revenge" and "aliens" are titles and subjects alike, and
/// searched by meaning too they score higher (docs/benchmarks.md).
pub(super) fn names_a_title(titles: &TitleIndex, q: &str) -> bool {
    let q = QueryWords::new(q);
    if q.words.len() < 2 {
        return false;
    }
    titles.candidates(&q).is_some_and(|candidates| {
        candidates
            .into_iter()
            .any(|i| best_relevance(titles.keys(i), &q) >= NAMES_A_TITLE)
    })
}

/// The title relevance from which a query names a film: the whole title.
const NAMES_A_TITLE: u8 = 5;

/// The title relevance from which every word of the query is in one title.
const ALL_WORDS_IN_A_TITLE: u8 = 3;

/// The relevance of the film a series query such as "harry potter 3" means: above every title
/// match.
const SERIES_ENTRY: u8 = 6;

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
        best_relevance(self.titles.keys(i), q)
    }

    /// The film a query such as "harry potter 3" means: the third film, in order of release, of
    /// those whose titles begin with "harry potter", when no title holds every word of the
    /// query (so "halloween 3" stays Halloween III, "star wars 5" Episode V). `hits` are the
    /// query's title matches.
    fn series_entry(&self, q: &QueryWords, hits: &[(u8, usize)]) -> Option<usize> {
        let numbered = q.numbered.as_deref().unwrap_or(q);
        let (last, series) = numbered.words.split_last()?;
        let n: usize = last.parse().ok().filter(|n| (1..=20).contains(n))?;
        let mut series = series;
        while let Some((marker, rest)) = series.split_last()
            && matches!(
                marker.as_str(),
                "part" | "chapter" | "vol" | "volume" | "episode" | "no"
            )
        {
            series = rest;
        }
        if series.is_empty() || hits.iter().any(|&(r, _)| r >= ALL_WORDS_IN_A_TITLE) {
            return None;
        }
        let base = QueryWords::plain(series.to_vec());
        let mut films: Vec<usize> = self
            .titles
            .candidates(&base)?
            .into_iter()
            .filter(|&i| self.title_relevance(i, &base) >= 4)
            .collect();
        let released = |i: usize| {
            let m = &self.movies[i];
            (m.year.is_none(), m.year, m.release_date.clone())
        };
        films.sort_by_key(|&i| (released(i), i));
        films.get(n - 1).copied()
    }

    /// See [`names_a_title`].
    pub fn names_a_title(&self, q: &str) -> bool {
        names_a_title(&self.titles, q)
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
        let candidates = self
            .titles
            .candidates(&q)
            .unwrap_or_else(|| (0..self.movies.len()).collect());
        let mut hits: Vec<(u8, usize)> = candidates
            .into_iter()
            .filter(|&i| self.passes_filters(&self.movies[i], query))
            .filter_map(|i| {
                // The best match among the movie's titles.
                let r = self.title_relevance(i, &q);
                (r > 0).then_some((r, i))
            })
            .collect();
        if let Some(i) = self
            .series_entry(&q, &hits)
            .filter(|&i| self.passes_filters(&self.movies[i], query))
        {
            hits.retain(|&(_, j)| j != i);
            hits.push((SERIES_ENTRY, i));
        }
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
                    return (
                        hits.len(),
                        self.page(keyed.into_iter().map(|(_, i)| i), query),
                    );
                }
                keyed.sort_unstable();
                let order = self.by_about(query, &keyed);
                return (order.len(), self.page(order, query));
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
                let display = |i: usize| self.titles.keys(i).first().map(|k| &k.words);
                display(a.1)
                    .cmp(&display(b.1))
                    .then(self.movies[a.1].id.cmp(&self.movies[b.1].id))
            }),
        }
        (
            hits.len(),
            self.page(hits.into_iter().map(|(_, i)| i), query),
        )
    }

    /// The query's page of `order` (movie positions, best first).
    fn page(
        &self,
        order: impl IntoIterator<Item = usize>,
        query: &MovieQuery<'_>,
    ) -> Vec<&MovieSummary> {
        order
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|i| &self.movies[i])
            .collect()
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

    fn movie(title: &str) -> super::MovieSummary {
        super::MovieSummary {
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
        }
    }

    #[test]
    fn the_index_finds_every_title_a_scan_finds() {
        let titles = [
            "The Shining",
            "Shining Through",
            "Spider-Man",
            "Spider-Man 2",
            "WALL·E",
            "Star Wars",
            "Stargate",
            "Star Trek: First Contact",
            "The Godfather: Part II",
            "Amélie",
            "Léon: The Professional",
            "A",
            "Alien",
            "Aliens",
            "John Wick: Chapter Two",
            "Halloween",
            "Jaws",
        ];
        let movies: Vec<super::MovieSummary> = titles.iter().map(|t| movie(t)).collect();
        let index = super::TitleIndex::new(&movies);
        let queries = [
            "shining",
            "shinnig",
            "spiderman",
            "spider man",
            "spid",
            "walle",
            "wall e",
            "star",
            "sta",
            "stra wars",
            "godfather 2",
            "godfather part two",
            "godfahter",
            "amelie",
            "AMÉLIE",
            "leon",
            "a",
            "alein",
            "aliens",
            "the",
            "john wick chapter 2",
            "wick",
            "halowen",
            "jaws",
            "jaw",
            "zzz",
            "t",
            "s",
        ];
        for q in queries {
            let indexed = super::title_matches(&index, q, |i| i);
            let words = QueryWords::new(q);
            let mut scanned: Vec<(std::cmp::Reverse<u8>, usize)> = (0..movies.len())
                .filter_map(|i| {
                    let r = super::best_relevance(index.keys(i), &words);
                    (r > 0).then_some((std::cmp::Reverse(r), i))
                })
                .collect();
            scanned.sort_unstable();
            let scanned: Vec<usize> = scanned.into_iter().map(|h| h.1).collect();
            assert_eq!(indexed, scanned, "{q}");
        }
        assert_eq!(
            super::title_matches(&index, "spiderman", |i| i)
                .first()
                .map(|&i| titles[i]),
            Some("Spider-Man")
        );
        assert!(super::names_a_title(&index, "the shining"));
        assert!(super::names_a_title(&index, "the godfather part 2"));
        assert!(
            !super::names_a_title(&index, "jaws"),
            "one word: a subject too"
        );
        assert!(!super::names_a_title(&index, "a hotel haunts a writer"));
        assert!(
            !super::names_a_title(&index, "godf"),
            "a prefix is not yet a title"
        );
        assert!(
            !super::names_a_title(&index, "contact"),
            "a word of a title is not yet a title"
        );
    }

    #[test]
    fn numbers_match_however_written() {
        let score = |title: &str, q: &str| {
            super::best_relevance(
                super::TitleIndex::new(&[movie(title)]).keys(0),
                &QueryWords::new(q),
            )
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
