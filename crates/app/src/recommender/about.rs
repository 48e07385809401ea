//! Search by what a film is about: "a robot alone on an empty Earth", "a heist inside dreams".
//!
//! Each film's text (its title, tagline, overview, genres, keywords and the tags MovieLens users
//! gave it) is indexed twice: by its words (BM25, always on) and by its meaning (a sentence
//! embedding from the text model, when one is configured). A query is answered with the films
//! whose titles hold every word of it first (as title search always did: "shining", "dark
//! knigth"), then the films found by words and by meaning, fused by weighted reciprocal rank
//! with a popularity prior. The weights are the
//! ones `nextflex evaluate --search` chose (docs/benchmarks.md, "Search by meaning").

use std::collections::HashMap;
use std::sync::Arc;

use nextflex_engine::bm25::{Bm25, terms};
use nextflex_store::db::catalogue::AboutRow;
use nextflex_text_model::{DIMENSIONS, TextModel};
use sha2::{Digest, Sha256};

/// The loaded text model, shared by the server's handlers and its trainings, with the
/// embeddings of recent search queries.
#[derive(Clone)]
pub struct SharedTextModel {
    model: Arc<TextModel>,
    /// By the query as the model reads it ([`query_key`]).
    queries: Arc<quick_cache::sync::Cache<String, Arc<[f32]>>>,
}

impl std::fmt::Debug for SharedTextModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.model.fmt(f)
    }
}

impl PartialEq for SharedTextModel {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.model, &other.model)
    }
}

impl SharedTextModel {
    /// How many recent queries' embeddings are kept: 1.5 KB each, 6 MB in all.
    const QUERIES: usize = 4096;

    pub fn new(model: TextModel) -> SharedTextModel {
        SharedTextModel {
            model: Arc::new(model),
            queries: Arc::new(quick_cache::sync::Cache::new(Self::QUERIES)),
        }
    }

    pub fn model(&self) -> &Arc<TextModel> {
        &self.model
    }

    /// The embedding of `q` when a recent query read the same: cheap, fit for the async
    /// runtime.
    pub fn recent_query(&self, q: &str) -> Option<Arc<[f32]>> {
        self.queries.get(&query_key(q))
    }

    /// The embedding of `q`, kept for the next time it is asked. Milliseconds of CPU: not for
    /// the async runtime.
    pub fn embed_query(&self, q: &str) -> nextflex_text_model::Result<Arc<[f32]>> {
        let key = query_key(q);
        if let Some(v) = self.queries.get(&key) {
            return Ok(v);
        }
        let v: Arc<[f32]> = self
            .model
            .embed(&[key.as_str()])?
            .into_iter()
            .next()
            .unwrap_or_default()
            .into();
        self.queries.insert(key, v.clone());
        Ok(v)
    }
}

/// A query as the text model reads it: the model folds case and spacing, so "Heist  inside
/// Dreams" is "heist inside dreams".
fn query_key(q: &str) -> String {
    q.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Which search the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    /// Titles and the words of what films are about (no text model).
    TitleAndWords,
    /// Titles, words and meaning (the text model's embeddings).
    Meaning,
}

/// The text of what a film is about, as indexed and embedded: tagline, overview, genres and
/// keywords, and with `with_tags` the MovieLens tags (left out when the tags are what a measure
/// is made of). Not the title: titles have their own search, and a film known by little more
/// than its title would otherwise win every query that shares a word with it ("The Monkey
/// King" for "the giant monkey on the building").
pub fn about_text(row: &AboutRow, with_tags: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |label: &str, part: &str| {
        if !part.trim().is_empty() {
            parts.push(format!("{label}{}", part.trim()));
        }
    };
    add("", row.tagline.as_deref().unwrap_or_default());
    add("", row.overview.as_deref().unwrap_or_default());
    add("Genres: ", &row.genres.join(", "));
    add("Keywords: ", &row.keywords.join(", "));
    if with_tags {
        add("Tags: ", &row.tags.join(", "));
    }
    parts.join(". ")
}

/// A stable fingerprint of a text: an embedding is reused while its film's text is unchanged.
pub fn text_hash(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// Films' embeddings as a version stores them: by movie id, with the hash of the text each one
/// embeds and the model that made them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embeddings {
    /// The model that made them ([`nextflex_text_model::model_id`]).
    pub model: String,
    pub ids: Vec<i64>,
    pub hashes: Vec<u64>,
    /// `ids.len() × DIMENSIONS`, unit vectors.
    pub vectors: Vec<f32>,
}

impl Embeddings {
    pub fn vector(&self, i: usize) -> &[f32] {
        &self.vectors[i * DIMENSIONS..(i + 1) * DIMENSIONS]
    }
}

/// Embeds every film of `texts` (id, text) whose text `previous` did not embed already with the
/// same model; `progress` hears (done, to do).
pub fn embed_catalogue(
    model: &TextModel,
    texts: &[(i64, String)],
    previous: Option<&Embeddings>,
    progress: &mut dyn FnMut(usize, usize),
) -> nextflex_text_model::Result<Embeddings> {
    let known: HashMap<(i64, u64), usize> = previous
        .filter(|p| p.model == nextflex_text_model::model_id())
        .map(|p| {
            p.ids
                .iter()
                .zip(&p.hashes)
                .enumerate()
                .map(|(i, (&id, &h))| ((id, h), i))
                .collect()
        })
        .unwrap_or_default();
    let hashes: Vec<u64> = texts.iter().map(|(_, t)| text_hash(t)).collect();
    let missing: Vec<usize> = (0..texts.len())
        .filter(|&i| !known.contains_key(&(texts[i].0, hashes[i])))
        .collect();
    let to_embed: Vec<String> = missing.iter().map(|&i| texts[i].1.clone()).collect();
    let total = to_embed.len();
    let fresh = model.embed_many(&to_embed, &mut |done| progress(done, total))?;
    let mut fresh_of: HashMap<usize, Vec<f32>> = missing.into_iter().zip(fresh).collect();
    let mut out = Embeddings {
        model: nextflex_text_model::model_id(),
        ids: Vec::with_capacity(texts.len()),
        hashes: Vec::with_capacity(texts.len()),
        vectors: Vec::with_capacity(texts.len() * DIMENSIONS),
    };
    for (i, (id, _)) in texts.iter().enumerate() {
        out.ids.push(*id);
        out.hashes.push(hashes[i]);
        match fresh_of.remove(&i) {
            Some(v) => out.vectors.extend(v),
            None => {
                let p = previous.expect("a known embedding has a previous set");
                out.vectors
                    .extend_from_slice(p.vector(known[&(*id, hashes[i])]));
            }
        }
    }
    Ok(out)
}

/// How the three lists are fused: each film scores Σ weight / (K + rank) over the lists it is
/// in (reciprocal-rank fusion, Cormack et al. 2009, with K = 60 as there).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fusion {
    pub words: f32,
    pub meaning: f32,
    /// The films closest to the query (the first [`POPULAR_POOL`] by words and by meaning) by
    /// popularity: among films that fit a description alike, the one people know is the
    /// likelier one meant. Only those: a popular film that merely shares a word with the query
    /// is not lifted ("Braveheart" for "a small English village").
    pub popular: f32,
}

/// How many of the closest films popularity may reorder.
pub const POPULAR_POOL: usize = 30;

/// RRF's rank offset.
const RRF_K: f32 = 60.0;

/// How many of the closest films by meaning join the fusion.
pub const MEANING_DEPTH: usize = 200;

impl Default for Fusion {
    /// Chosen by `nextflex evaluate --search` on half of the demo's tag queries and the
    /// repository's descriptions, from a grid of 64 (docs/benchmarks.md, "Search by meaning").
    fn default() -> Self {
        Fusion {
            words: 2.0,
            meaning: 0.5,
            popular: 2.0,
        }
    }
}

impl Fusion {
    /// Fused scores of the films in the lists (each list best first); `popular_rank` places a
    /// film in the popularity order (smaller: better known).
    pub fn fuse(
        &self,
        words: &[usize],
        meaning: &[usize],
        popular_rank: &dyn Fn(usize) -> usize,
    ) -> Vec<(usize, f32)> {
        let mut candidates: Vec<usize> = words
            .iter()
            .take(POPULAR_POOL)
            .chain(meaning.iter().take(POPULAR_POOL))
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.sort_by_key(|&i| (popular_rank(i), i));
        let mut scores: HashMap<usize, f32> = HashMap::new();
        for (list, weight) in [
            (words, self.words),
            (meaning, self.meaning),
            (&candidates[..], self.popular),
        ] {
            if weight <= 0.0 {
                continue;
            }
            for (rank, &i) in list.iter().enumerate() {
                *scores.entry(i).or_default() += weight / (RRF_K + rank as f32 + 1.0);
            }
        }
        let mut fused: Vec<(usize, f32)> = scores.into_iter().collect();
        fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        fused
    }
}

/// How many films at most a query finds by what they are about. Past the first hundred, a film
/// merely shares a common word with the query or resembles it vaguely: counting them ("2,113
/// films about “a heist inside dreams”") would say the search stands behind films it does not.
pub const ABOUT_RESULTS: usize = 100;

/// A query's answer: the films whose titles match it first (`named`, in title search's order),
/// then the best [`ABOUT_RESULTS`] of the words and the meaning fused.
pub fn answer(
    fusion: &Fusion,
    named: Vec<usize>,
    words: &[usize],
    meaning: &[usize],
    popular_rank: &dyn Fn(usize) -> usize,
) -> Vec<usize> {
    let named_set: std::collections::HashSet<usize> = named.iter().copied().collect();
    let fused = fusion.fuse(words, meaning, popular_rank);
    named
        .into_iter()
        .chain(
            fused
                .into_iter()
                .map(|(i, _)| i)
                .filter(|i| !named_set.contains(i))
                .take(ABOUT_RESULTS),
        )
        .collect()
}

/// The index of what films are about, in the snapshot's movie order.
#[derive(Debug, Default)]
pub struct AboutIndex {
    words: Bm25,
    /// Each film's overview, for the line that matched.
    overviews: Vec<Option<String>>,
    /// Unit vectors, `DIMENSIONS` per film; a film without one (its text changed since the
    /// version was trained) has zeros.
    vectors: Option<Vec<f32>>,
    pub fusion: Fusion,
}

impl AboutIndex {
    /// Indexes `rows` (in the snapshot's movie order) and places the `embeddings` whose text is
    /// still the film's.
    pub fn build(rows: &[AboutRow], embeddings: Option<&Embeddings>) -> AboutIndex {
        AboutIndex::build_with(rows, true, embeddings)
    }

    /// [`AboutIndex::build`], with or without the MovieLens tags in the texts.
    pub fn build_with(
        rows: &[AboutRow],
        with_tags: bool,
        embeddings: Option<&Embeddings>,
    ) -> AboutIndex {
        let texts: Vec<String> = rows.iter().map(|r| about_text(r, with_tags)).collect();
        let vectors = embeddings.map(|e| {
            let at: HashMap<i64, usize> =
                e.ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
            let mut v = vec![0.0f32; rows.len() * DIMENSIONS];
            for (i, (row, text)) in rows.iter().zip(&texts).enumerate() {
                if let Some(&j) = at.get(&row.id)
                    && e.hashes[j] == text_hash(text)
                {
                    v[i * DIMENSIONS..(i + 1) * DIMENSIONS].copy_from_slice(e.vector(j));
                }
            }
            v
        });
        AboutIndex {
            words: Bm25::build(&texts),
            overviews: rows.iter().map(|r| r.overview.clone()).collect(),
            vectors,
            fusion: Fusion::default(),
        }
    }

    pub fn mode(&self) -> SearchMode {
        if self.vectors.is_some() {
            SearchMode::Meaning
        } else {
            SearchMode::TitleAndWords
        }
    }

    /// Films sharing words with `q`, best first.
    pub fn by_words(&self, q: &str, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut scored: Vec<(usize, f32)> = self
            .words
            .scores(q)
            .into_iter()
            .filter(|&(i, _)| keep(i))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().map(|(i, _)| i).collect()
    }

    /// The `depth` films closest in meaning to the query (`q`, embedded as `query`), best
    /// first; none without embeddings, and none when not one word of `q` is a word any film's
    /// text has: every film is some distance from any text, and "zzqx jawz" should find
    /// nothing (and so offer titles like it) rather than 200 films "about" it.
    pub fn by_meaning(
        &self,
        q: &str,
        query: &[f32],
        depth: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        let Some(vectors) = &self.vectors else {
            return Vec::new();
        };
        if !self.words.knows_any(q) {
            return Vec::new();
        }
        if query.len() != DIMENSIONS {
            return Vec::new();
        }
        let mut scored: Vec<(f32, usize)> = vectors
            .chunks_exact(DIMENSIONS)
            .enumerate()
            .filter(|&(i, _)| keep(i))
            .map(|(i, v)| (v.iter().zip(query).map(|(a, b)| a * b).sum::<f32>(), i))
            .filter(|&(cos, _)| cos > 0.0)
            .collect();
        let order = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if depth < scored.len() {
            scored.select_nth_unstable_by(depth, order);
            scored.truncate(depth);
        }
        scored.sort_by(order);
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// The sentence of film `i`'s overview that shares most words with `q` (the first one when
    /// none does); `None` without an overview.
    pub fn matched_line(&self, i: usize, q: &str) -> Option<String> {
        let overview = self.overviews.get(i)?.as_deref()?;
        let wanted = terms(q);
        let sentences = sentences(overview);
        let best = sentences
            .iter()
            .enumerate()
            .max_by_key(|(n, s)| {
                let have = terms(s);
                let shared = wanted.iter().filter(|w| have.contains(w)).count();
                (shared, std::cmp::Reverse(*n))
            })
            .map(|(_, s)| *s)?;
        Some(best.trim().to_owned())
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.words.heap_bytes()
            + self
                .overviews
                .iter()
                .map(|o| o.as_ref().map_or(0, String::capacity))
                .sum::<usize>()
            + self.vectors.as_ref().map_or(0, |v| v.capacity() * 4)
    }
}

/// A text's sentences: cut after `.`, `!` or `?` followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            out.push(&text[start..=i]);
            start = i + 2;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::{AboutIndex, Fusion, about_text, sentences};
    use nextflex_store::db::catalogue::AboutRow;

    fn row(id: i64, title: &str, overview: &str) -> AboutRow {
        AboutRow {
            id,
            title: title.into(),
            overview: Some(overview.into()),
            genres: vec!["Drama".into()],
            tags: vec!["atmospheric".into()],
            ..AboutRow::default()
        }
    }

    #[test]
    fn fusion_adds_reciprocal_ranks_by_weight() {
        let fusion = Fusion {
            words: 1.0,
            meaning: 2.0,
            popular: 0.0,
        };
        let by_id = |i: usize| i;
        // 7 is second in words and first in meaning: it beats 3, first in words alone.
        let fused = fusion.fuse(&[3, 7], &[7, 9], &by_id);
        let order: Vec<usize> = fused.iter().map(|&(i, _)| i).collect();
        assert_eq!(order, [7, 9, 3]);
        // A weight of 0 leaves a list out.
        let words_only = Fusion {
            meaning: 0.0,
            ..fusion
        };
        let order: Vec<usize> = words_only
            .fuse(&[3, 7], &[9], &by_id)
            .iter()
            .map(|&(i, _)| i)
            .collect();
        assert_eq!(order, [3, 7]);
        // Popularity reorders the head of both lists: 9 (rank 0) before 3 (rank 5) when the
        // lists place them alike, but being known does not beat being found by words.
        let popular = Fusion {
            popular: 1.0,
            ..words_only
        };
        let rank = |i: usize| if i == 9 { 0 } else { 5 };
        let order = |f: Vec<(usize, f32)>| -> Vec<usize> { f.iter().map(|&(i, _)| i).collect() };
        assert_eq!(order(popular.fuse(&[9, 3], &[3, 9], &rank)), [9, 3]);
        assert_eq!(order(popular.fuse(&[3], &[9], &rank)), [3, 9]);
        // Only the head of each list is in the pool.
        let long: Vec<usize> = (10..10 + super::POPULAR_POOL).chain([9]).collect();
        let fused = popular.fuse(&long, &[], &rank);
        let score = |i: usize| fused.iter().find(|f| f.0 == i).map(|f| f.1);
        assert!(score(9) < score(10), "9 is past the pool: words alone");
    }

    #[test]
    fn titles_come_first_and_what_films_are_about_is_capped() {
        let fusion = Fusion::default();
        let words: Vec<usize> = (0..500).collect();
        let answer = super::answer(&fusion, vec![42, 7], &words, &[], &|i| i);
        assert_eq!(
            answer[..2],
            [42, 7],
            "the title matches first, in their order"
        );
        assert_eq!(answer[2], 0);
        assert_eq!(answer.len(), 2 + super::ABOUT_RESULTS);
        assert_eq!(
            answer.iter().filter(|&&i| i == 42).count(),
            1,
            "a title match is not found twice"
        );
    }

    #[test]
    fn the_text_holds_what_a_film_is_about_and_tags_only_when_asked() {
        let r = row(1, "Jaws", "A shark terrorises a beach town.");
        let with = about_text(&r, true);
        assert!(
            with.starts_with("A shark terrorises"),
            "not the title: {with}"
        );
        assert!(with.contains("Genres: Drama") && with.contains("Tags: atmospheric"));
        assert!(!about_text(&r, false).contains("atmospheric"));
    }

    #[test]
    fn words_find_and_the_matching_line_is_shown() {
        let rows = [
            row(
                1,
                "Jaws",
                "Summer in Amity. A great white shark attacks swimmers.",
            ),
            row(2, "Inception", "A thief steals secrets from dreams."),
        ];
        let index = AboutIndex::build(&rows, None);
        assert_eq!(index.by_words("shark attack", |_| true), [0]);
        assert_eq!(index.by_words("dreaming thieves", |_| true), [1]);
        assert!(
            index.by_words("dreaming thieves", |i| i != 1).is_empty(),
            "filtered"
        );
        assert!(
            index
                .by_meaning("shark", &[0.0; 384], 10, |_| true)
                .is_empty(),
            "no vectors"
        );
        assert_eq!(
            index.matched_line(0, "shark").as_deref(),
            Some("A great white shark attacks swimmers.")
        );
        assert_eq!(
            index.matched_line(0, "zebra").as_deref(),
            Some("Summer in Amity.")
        );
        assert_eq!(sentences("One. Two! Three"), ["One.", "Two!", "Three"]);
    }
}
