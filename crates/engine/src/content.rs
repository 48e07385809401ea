//! Content similarity over the whole catalogue: each movie is a bag of words — its keywords,
//! top-3 cast, director(s) (weighted) and genres, each lower-cased with spaces removed — and
//! similarity is the exact cosine of those count vectors. The top-k neighbours of every movie are
//! computed once through an inverted index (never an N×N matrix): exactly k per movie, never the
//! movie itself, ties broken by the smaller id.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::text::fold;
use crate::{EngineError, Result};

/// What the content model reads of a movie.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentItem {
    pub id: i64,
    pub title: String,
    pub year: Option<i64>,
    pub keywords: Vec<String>,
    /// Top-billed cast, best first (the first three count).
    pub cast: Vec<String>,
    pub directors: Vec<String>,
    pub genres: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContentParams {
    /// Neighbours kept per movie (1–100).
    pub k: usize,
    /// How many times a director counts (the soup repeats the name).
    pub director_weight: f32,
}

impl Default for ContentParams {
    fn default() -> Self {
        ContentParams {
            k: 100,
            director_weight: 3.0,
        }
    }
}

/// A neighbour of a movie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub id: i64,
    pub score: f32,
}

/// The outcome of looking a title up.
#[derive(Debug, Clone, PartialEq)]
pub enum TitleMatch {
    Found(i64),
    /// Several movies have this title: their (id, title, year).
    Ambiguous(Vec<(i64, String, Option<i64>)>),
    NotFound,
}

/// A [`ContentIndex`]'s contents, for storage (see [`ContentIndex::to_parts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ContentParts {
    pub k: usize,
    pub ids: Vec<i64>,
    pub titles: Vec<String>,
    pub years: Vec<Option<i64>>,
    /// `k` per movie (positions in `ids`), best first.
    pub neighbours: Vec<u32>,
    pub scores: Vec<f32>,
}

/// Every movie's top-k neighbours, and a title index.
#[derive(Debug, Clone)]
pub struct ContentIndex {
    k: usize,
    ids: Vec<i64>,
    titles: Vec<String>,
    years: Vec<Option<i64>>,
    position: HashMap<i64, u32>,
    by_title: HashMap<String, Vec<u32>>,
    /// `k` per movie, best first.
    neighbours: Vec<u32>,
    scores: Vec<f32>,
}

/// Normalises a soup word: lower case, accents kept, no white space ("Tom Hanks" → "tomhanks").
fn word(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl ContentIndex {
    /// Approximate bytes the index holds (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        use crate::heap::{map, strings, vec};
        let titles: usize = self.by_title.keys().map(String::capacity).sum();
        let lists: usize = self.by_title.values().map(vec).sum();
        vec(&self.ids)
            + strings(&self.titles)
            + vec(&self.years)
            + map(&self.position)
            + map(&self.by_title)
            + titles
            + lists
            + vec(&self.neighbours)
            + vec(&self.scores)
    }

    pub fn build(items: &[ContentItem], params: ContentParams) -> Result<ContentIndex> {
        if !(1..=100).contains(&params.k) {
            return Err(EngineError::InvalidParameter {
                name: "k",
                reason: "must be from 1 to 100".into(),
            });
        }
        if !(params.director_weight.is_finite() && params.director_weight >= 0.0) {
            return Err(EngineError::InvalidParameter {
                name: "director_weight",
                reason: "must be zero or a positive number".into(),
            });
        }
        let n = items.len();
        let mut position = HashMap::with_capacity(n);
        for (i, item) in items.iter().enumerate() {
            if position.insert(item.id, i as u32).is_some() {
                return Err(EngineError::Input(format!(
                    "movie id {} appears twice",
                    item.id
                )));
            }
        }
        // Sparse, L2-normalised count vectors.
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut vectors: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n);
        for item in items {
            let mut counts: HashMap<u32, f32> = HashMap::new();
            let mut add = |w: &str, weight: f32| {
                let w = word(w);
                if w.is_empty() || weight == 0.0 {
                    return;
                }
                let next = vocabulary.len() as u32;
                let t = *vocabulary.entry(w).or_insert(next);
                *counts.entry(t).or_default() += weight;
            };
            for k in &item.keywords {
                add(k, 1.0);
            }
            for c in item.cast.iter().take(3) {
                add(c, 1.0);
            }
            for d in &item.directors {
                add(d, params.director_weight);
            }
            for g in &item.genres {
                add(g, 1.0);
            }
            let norm = counts.values().map(|v| v * v).sum::<f32>().sqrt();
            let mut v: Vec<(u32, f32)> = counts.into_iter().map(|(t, c)| (t, c / norm)).collect();
            v.sort_unstable_by_key(|(t, _)| *t);
            vectors.push(v);
        }
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocabulary.len()];
        for (i, v) in vectors.iter().enumerate() {
            for &(t, w) in v {
                postings[t as usize].push((i as u32, w));
            }
        }

        let k = params.k.min(n.saturating_sub(1));
        let mut by_id: Vec<u32> = (0..n as u32).collect();
        by_id.sort_unstable_by_key(|&j| items[j as usize].id);
        let mut neighbours = vec![0u32; n * k];
        let mut scores = vec![0f32; n * k];
        if k > 0 {
            neighbours
                .par_chunks_mut(k)
                .zip(scores.par_chunks_mut(k))
                .enumerate()
                .with_min_len(64)
                .for_each_init(
                    || (vec![0f32; n], Vec::<u32>::new()),
                    |(acc, touched), (i, (out_ids, out_scores))| {
                        for &(t, w) in &vectors[i] {
                            for &(j, wj) in &postings[t as usize] {
                                let slot = &mut acc[j as usize];
                                if *slot == 0.0 {
                                    touched.push(j);
                                }
                                *slot += w * wj;
                            }
                        }
                        let mut cands: Vec<(f32, u32)> = touched
                            .iter()
                            .filter(|&&j| j as usize != i)
                            .map(|&j| (acc[j as usize], j))
                            .collect();
                        for &j in touched.iter() {
                            acc[j as usize] = 0.0;
                        }
                        touched.clear();
                        let ids = |j: u32| items[j as usize].id;
                        let order = |a: &(f32, u32), b: &(f32, u32)| {
                            b.0.total_cmp(&a.0).then(ids(a.1).cmp(&ids(b.1)))
                        };
                        if cands.len() > k {
                            cands.select_nth_unstable_by(k - 1, order);
                            cands.truncate(k);
                        }
                        cands.sort_by(order);
                        // Too few movies share a word: fill with the rest, smallest ids first.
                        if cands.len() < k {
                            let mut taken: Vec<u32> = cands.iter().map(|c| c.1).collect();
                            taken.push(i as u32);
                            taken.sort_unstable();
                            let missing = k - cands.len();
                            cands.extend(
                                by_id
                                    .iter()
                                    .filter(|j| taken.binary_search(j).is_err())
                                    .take(missing)
                                    .map(|&j| (0.0, j)),
                            );
                        }
                        for (slot, (s, j)) in cands.into_iter().enumerate() {
                            out_ids[slot] = j;
                            out_scores[slot] = s;
                        }
                    },
                );
        }
        let mut by_title: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            by_title
                .entry(fold(&item.title))
                .or_default()
                .push(i as u32);
        }
        Ok(ContentIndex {
            k,
            ids: items.iter().map(|m| m.id).collect(),
            titles: items.iter().map(|m| m.title.clone()).collect(),
            years: items.iter().map(|m| m.year).collect(),
            position,
            by_title,
            neighbours,
            scores,
        })
    }

    /// Everything the index holds, for storing it.
    pub fn to_parts(&self) -> ContentParts {
        ContentParts {
            k: self.k,
            ids: self.ids.clone(),
            titles: self.titles.clone(),
            years: self.years.clone(),
            neighbours: self.neighbours.clone(),
            scores: self.scores.clone(),
        }
    }

    /// An index from stored parts, checked: lengths match `k` and the movies, neighbours point
    /// at other movies of the index, ids are unique.
    pub fn from_parts(parts: ContentParts) -> Result<ContentIndex> {
        let ContentParts {
            k,
            ids,
            titles,
            years,
            neighbours,
            scores,
        } = parts;
        let n = ids.len();
        let bad = |what: &str| Err(EngineError::Input(format!("stored content index: {what}")));
        if k > 100 || titles.len() != n || years.len() != n {
            return bad("lengths do not match");
        }
        if neighbours.len() != n * k || scores.len() != n * k {
            return bad("the neighbour lists do not match k");
        }
        if neighbours
            .iter()
            .enumerate()
            .any(|(x, &j)| j as usize >= n || j as usize == x / k.max(1))
        {
            return bad("a neighbour is out of range or the movie itself");
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return bad("a score is not a finite number");
        }
        let position: HashMap<i64, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        if position.len() != n {
            return bad("an id appears twice");
        }
        let mut by_title: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, title) in titles.iter().enumerate() {
            by_title.entry(fold(title)).or_default().push(i as u32);
        }
        Ok(ContentIndex {
            k,
            ids,
            titles,
            years,
            position,
            by_title,
            neighbours,
            scores,
        })
    }

    /// The largest k [`ContentIndex::similar`] answers.
    pub fn k(&self) -> usize {
        self.k
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The `k` movies most like `id` (exactly `k` when the catalogue has that many others);
    /// `None` for an unknown id.
    pub fn similar(&self, id: i64, k: usize) -> Option<Vec<Neighbour>> {
        let &i = self.position.get(&id)?;
        let at = i as usize * self.k;
        let take = k.min(self.k);
        Some(
            (at..at + take)
                .map(|x| Neighbour {
                    id: self.ids[self.neighbours[x] as usize],
                    score: self.scores[x],
                })
                .collect(),
        )
    }

    /// Finds a movie by title, ignoring case and accents; a year picks among equal titles.
    pub fn find(&self, title: &str, year: Option<i64>) -> TitleMatch {
        let Some(found) = self.by_title.get(&fold(title)) else {
            return TitleMatch::NotFound;
        };
        let matching: Vec<u32> = found
            .iter()
            .copied()
            .filter(|&i| year.is_none() || self.years[i as usize] == year)
            .collect();
        match matching.as_slice() {
            [] => TitleMatch::NotFound,
            [one] => TitleMatch::Found(self.ids[*one as usize]),
            many => TitleMatch::Ambiguous(
                many.iter()
                    .map(|&i| {
                        (
                            self.ids[i as usize],
                            self.titles[i as usize].clone(),
                            self.years[i as usize],
                        )
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(
        id: i64,
        title: &str,
        year: i64,
        keywords: &[&str],
        directors: &[&str],
        genres: &[&str],
    ) -> ContentItem {
        ContentItem {
            id,
            title: title.into(),
            year: Some(year),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            cast: vec![],
            directors: directors.iter().map(|s| s.to_string()).collect(),
            genres: genres.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn catalogue() -> Vec<ContentItem> {
        vec![
            item(
                155,
                "The Dark Knight",
                2008,
                &["dc comics", "joker", "gotham"],
                &["Christopher Nolan"],
                &["Action", "Crime"],
            ),
            item(
                272,
                "Batman Begins",
                2005,
                &["dc comics", "gotham", "origin"],
                &["Christopher Nolan"],
                &["Action", "Crime"],
            ),
            item(
                49026,
                "The Dark Knight Rises",
                2012,
                &["dc comics", "gotham", "bane"],
                &["Christopher Nolan"],
                &["Action", "Thriller"],
            ),
            item(
                862,
                "Toy Story",
                1995,
                &["toy", "friendship"],
                &["John Lasseter"],
                &["Animation", "Family"],
            ),
            item(
                19995,
                "Avatar",
                2009,
                &["alien", "future"],
                &["James Cameron"],
                &["Action", "Science Fiction"],
            ),
            item(
                1,
                "Amélie",
                2001,
                &["paris"],
                &["Jean-Pierre Jeunet"],
                &["Comedy"],
            ),
            item(
                2,
                "Hamlet",
                1948,
                &["denmark"],
                &["Laurence Olivier"],
                &["Drama"],
            ),
            item(
                3,
                "Hamlet",
                1990,
                &["denmark"],
                &["Franco Zeffirelli"],
                &["Drama"],
            ),
        ]
    }

    #[test]
    fn batman_neighbours_and_exact_k() {
        let index = ContentIndex::build(
            &catalogue(),
            ContentParams {
                k: 5,
                director_weight: 3.0,
            },
        )
        .unwrap();
        let near: Vec<i64> = index
            .similar(155, 2)
            .unwrap()
            .iter()
            .map(|n| n.id)
            .collect();
        assert!(near.contains(&272) && near.contains(&49026), "{near:?}");
        for id in [155, 862, 1, 2] {
            let all = index.similar(id, 5).unwrap();
            assert_eq!(all.len(), 5);
            assert!(all.iter().all(|n| n.id != id));
            assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
        }
        // Amélie shares nothing: zero-score neighbours, smallest ids first.
        let amelie: Vec<i64> = index.similar(1, 3).unwrap().iter().map(|n| n.id).collect();
        assert_eq!(amelie, vec![2, 3, 155]);
        assert_eq!(index.similar(999, 3), None);
    }

    #[test]
    fn parts_round_trip_and_bad_parts_are_refused() {
        let index = ContentIndex::build(
            &catalogue(),
            ContentParams {
                k: 3,
                ..ContentParams::default()
            },
        )
        .unwrap();
        let back = ContentIndex::from_parts(index.to_parts()).unwrap();
        assert_eq!(back.to_parts(), index.to_parts());
        assert_eq!(back.find("amelie", None), index.find("amelie", None));
        let first = index.to_parts().ids[0];
        assert_eq!(back.similar(first, 3), index.similar(first, 3));

        let mut short = index.to_parts();
        short.scores.pop();
        let mut out_of_range = index.to_parts();
        out_of_range.neighbours[0] = u32::MAX;
        let mut itself = index.to_parts();
        itself.neighbours[0] = 0;
        let mut twice = index.to_parts();
        twice.ids[1] = twice.ids[0];
        for bad in [short, out_of_range, itself, twice] {
            assert!(ContentIndex::from_parts(bad).is_err());
        }
    }

    #[test]
    fn titles_ignore_case_and_accents_and_years_break_ties() {
        let index = ContentIndex::build(&catalogue(), ContentParams::default()).unwrap();
        assert_eq!(index.find("AMELIE", None), TitleMatch::Found(1));
        assert_eq!(index.find("the dark knight", None), TitleMatch::Found(155));
        assert_eq!(index.find("Hamlet", Some(1990)), TitleMatch::Found(3));
        assert!(matches!(index.find("hamlet", None), TitleMatch::Ambiguous(c) if c.len() == 2));
        assert_eq!(index.find("Hamlet", Some(2000)), TitleMatch::NotFound);
        assert_eq!(index.find("Casablanca", None), TitleMatch::NotFound);
        assert_eq!(index.k(), 7, "k is capped at the number of other movies");
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(
            ContentIndex::build(
                &catalogue(),
                ContentParams {
                    k: 0,
                    ..ContentParams::default()
                }
            )
            .is_err()
        );
        assert!(
            ContentIndex::build(
                &catalogue(),
                ContentParams {
                    k: 101,
                    ..ContentParams::default()
                }
            )
            .is_err()
        );
        let mut twice = catalogue();
        twice.push(twice[0].clone());
        assert!(ContentIndex::build(&twice, ContentParams::default()).is_err());
    }

    proptest! {
        /// The inverted-index top-k equals a brute-force dense cosine with the same tie rule.
        #[test]
        fn equals_brute_force(words in prop::collection::vec(prop::collection::vec(0u8..12, 0..6), 2..30), k in 1usize..6) {
            let items: Vec<ContentItem> = words.iter().enumerate().map(|(i, ws)| ContentItem {
                id: (i as i64) * 7 % 31 + 100 * i as i64,
                title: format!("m{i}"),
                keywords: ws.iter().map(|w| format!("w{w}")).collect(),
                ..ContentItem::default()
            }).collect();
            let index = ContentIndex::build(&items, ContentParams { k, director_weight: 1.0 }).unwrap();
            let vec_of = |it: &ContentItem| {
                let mut v = [0f32; 12];
                for w in &it.keywords { v[w[1..].parse::<usize>().unwrap()] += 1.0; }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                if n > 0.0 { for x in &mut v { *x /= n; } }
                v
            };
            for a in &items {
                let va = vec_of(a);
                let mut expected: Vec<(f32, i64)> = items.iter().filter(|b| b.id != a.id).map(|b| {
                    let vb = vec_of(b);
                    (va.iter().zip(&vb).map(|(x, y)| x * y).sum::<f32>(), b.id)
                }).collect();
                expected.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                let got = index.similar(a.id, k).unwrap();
                let kk = k.min(items.len() - 1);
                prop_assert_eq!(got.len(), kk);
                for (g, e) in got.iter().zip(&expected) {
                    prop_assert!((g.score - e.0).abs() < 1e-5, "{:?} vs {:?}", got, &expected[..kk]);
                }
                // Same ids wherever scores are not tied within float noise.
                for (pos, (g, e)) in got.iter().zip(&expected).enumerate() {
                    let tied = expected.iter().filter(|x| (x.0 - e.0).abs() < 1e-5).count() > 1;
                    if !tied { prop_assert_eq!(g.id, e.1, "position {}", pos); }
                }
            }
        }
    }
}
