//! Okapi BM25 over short documents (what a film is about), held in memory: the keyword half of
//! search by meaning. Words are folded ([`crate::text::words`]), English stop words dropped and
//! the rest reduced to their Snowball stems, so "travels back in time" answers "time travel".
//!
//! An inverted index with the standard constants (k1 = 1.2, b = 0.75, as Lucene and most
//! systems ship them); a query scores only the documents that share a stem with it.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};

use crate::text::words;

/// Term-frequency saturation.
const K1: f32 = 1.2;
/// Length normalisation.
const B: f32 = 0.75;

/// Words too common to say what a text is about.
const STOP_WORDS: [&str; 58] = [
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "but",
    "by", "can", "for", "from", "has", "have", "he", "her", "his", "how", "i", "in", "into", "is",
    "it", "its", "me", "my", "of", "on", "one", "or", "our", "she", "so", "some", "than", "that",
    "the", "their", "them", "then", "there", "they", "this", "to", "up", "was", "we", "were",
    "what", "when", "who", "with", "you",
];

/// A text's index terms: folded words less stop words, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    let stemmer = Stemmer::create(Algorithm::English);
    words(text)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stemmer.stem(&w).into_owned())
        .collect()
}

/// The index.
#[derive(Debug, Clone, Default)]
pub struct Bm25 {
    term_ids: HashMap<String, u32>,
    /// Per term: the documents holding it and how often.
    postings: Vec<Vec<(u32, u16)>>,
    doc_len: Vec<f32>,
    avg_len: f32,
}

impl Bm25 {
    /// Indexes `docs`; a document's number is its position.
    pub fn build<S: AsRef<str>>(docs: &[S]) -> Bm25 {
        let mut index = Bm25::default();
        let mut counts: HashMap<u32, u16> = HashMap::new();
        for (doc, text) in docs.iter().enumerate() {
            let doc = u32::try_from(doc).unwrap_or(u32::MAX);
            let terms = terms(text.as_ref());
            index.doc_len.push(terms.len() as f32);
            counts.clear();
            for term in terms {
                let next = u32::try_from(index.term_ids.len()).unwrap_or(u32::MAX);
                let id = *index.term_ids.entry(term).or_insert(next);
                *counts.entry(id).or_default() += 1;
            }
            index.postings.resize(index.term_ids.len(), Vec::new());
            for (&term, &n) in &counts {
                index.postings[term as usize].push((doc, n));
            }
        }
        let docs = index.doc_len.len().max(1) as f32;
        index.avg_len = (index.doc_len.iter().sum::<f32>() / docs).max(1.0);
        index
    }

    /// Documents indexed.
    pub fn len(&self) -> usize {
        self.doc_len.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc_len.is_empty()
    }

    /// Whether any term of `query` is in some document.
    pub fn knows_any(&self, query: &str) -> bool {
        terms(query).iter().any(|t| self.term_ids.contains_key(t))
    }

    /// Every document sharing a term with `query`, with its BM25 score, by document.
    pub fn scores(&self, query: &str) -> Vec<(usize, f32)> {
        let mut query_terms = terms(query);
        query_terms.sort_unstable();
        query_terms.dedup();
        let n = self.doc_len.len() as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for term in &query_terms {
            let Some(&id) = self.term_ids.get(term) else {
                continue;
            };
            let postings = &self.postings[id as usize];
            let df = postings.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in postings {
                let tf = f32::from(tf);
                let norm = K1 * (1.0 - B + B * self.doc_len[doc as usize] / self.avg_len);
                *scores.entry(doc).or_default() += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        let mut scores: Vec<(usize, f32)> = scores
            .into_iter()
            .map(|(doc, s)| (doc as usize, s))
            .collect();
        scores.sort_unstable_by_key(|&(doc, _)| doc);
        scores
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.postings
            .iter()
            .map(|p| p.capacity() * std::mem::size_of::<(u32, u16)>())
            .sum::<usize>()
            + self
                .term_ids
                .keys()
                .map(|k| k.capacity() + 16)
                .sum::<usize>()
            + self.doc_len.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::{Bm25, terms};

    fn ranked(index: &Bm25, q: &str) -> Vec<usize> {
        let mut s = index.scores(q);
        s.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        s.into_iter().map(|(d, _)| d).collect()
    }

    #[test]
    fn stems_fold_and_drop_stop_words() {
        assert_eq!(
            terms("The Travels of a TIME-traveller"),
            ["travel", "time", "travel"]
        );
        assert_eq!(terms("Dreams, dreaming"), ["dream", "dream"]);
        assert!(terms("the and of").is_empty());
    }

    #[test]
    fn rare_terms_weigh_more_and_long_documents_less() {
        let docs = [
            "a thief who steals secrets through dreams",
            "a thief in the city",
            "a thief and another thief and a city and a city and a dog and a cat and a house",
            "a love story in the city",
        ];
        let index = Bm25::build(&docs);
        assert_eq!(index.len(), 4);
        // "dreams" is in one document: it decides.
        assert_eq!(ranked(&index, "thief dreaming"), [0, 1, 2]);
        // Same term counts but a longer document: the short one first.
        assert_eq!(ranked(&index, "thief city")[0], 1);
        assert!(index.scores("spaceship").is_empty());
        assert!(!index.knows_any("spaceship zzqx") && index.knows_any("spaceship dreaming"));
        assert!(index.scores("").is_empty());
        // A repeated query word counts once.
        assert_eq!(index.scores("dream dream"), index.scores("dream"));
    }

    #[test]
    fn an_empty_index_answers_nothing() {
        let index = Bm25::build::<&str>(&[]);
        assert!(index.is_empty());
        assert!(index.scores("anything").is_empty());
    }
}
