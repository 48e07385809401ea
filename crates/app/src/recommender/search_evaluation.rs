//! How well search finds films by what they are about (`nextflex evaluate --search`).
//!
//! Two query sets. The tag queries are built from the MovieLens tags the catalogue holds: each
//! tag given to at least [`MIN_TAGGED`] films is a query ("time travel", "dark comedy") and
//! those films are its relevant answers; the tags are left out of the indexed texts while
//! scoring. The description set is hand-written ("a shark terrorises a beach town" → Jaws), one
//! intended film per query. Each method, title only, words (BM25), meaning (embeddings) and
//! their fusion, is scored by NDCG@10 and recall@10 (and, on descriptions, the share with the
//! intended film in the top 5).
//!
//! The fusion's weights are chosen on half of the tag queries (a seeded split by the tag's
//! hash) and on the descriptions given; the tag figures are reported on the other half. The
//! descriptions' figures of the chosen weights are therefore not a check: the shipped weights'
//! are, on a description set that was not given when they were chosen (docs/benchmarks.md
//! keeps such a set's result).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use nextflex_engine::metrics;
use nextflex_store::db::catalogue::AboutRow;
use nextflex_text_model::TextModel;

use super::MovieSummary;
use super::about::{self, AboutIndex, Fusion, about_text, embed_catalogue, text_hash};
use super::search;

/// A tag must be given to this many films to make a query.
pub const MIN_TAGGED: usize = 5;

/// One query and the films (catalogue ids) that answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchCase {
    pub query: String,
    pub relevant: Vec<i64>,
}

/// One method's scores on one query set.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MethodScores {
    pub method: String,
    pub ndcg_at_10: f64,
    pub recall_at_10: f64,
    /// The share of queries with a relevant film in the top 5.
    pub hit_at_5: f64,
}

/// What `evaluate --search` reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchEvaluation {
    /// Tag queries the fusion's weights were chosen on, and those scored.
    pub tag_queries_tuned: usize,
    pub tag_queries_scored: usize,
    pub descriptions: usize,
    /// The weights chosen on the tuning half.
    pub chosen: Fusion,
    /// The shipped weights ([`Fusion::default`]).
    pub shipped: Fusion,
    pub tags: Vec<MethodScores>,
    pub description_scores: Vec<MethodScores>,
    /// Seconds to embed the catalogue (without tags; films whose text is the one the last
    /// training embedded are taken from its cache), and films in all.
    pub embed_seconds: f64,
    pub films_embedded: usize,
}

/// The tag queries of a catalogue: every tag given to at least [`MIN_TAGGED`] films.
pub fn tag_cases(rows: &[AboutRow]) -> Vec<SearchCase> {
    let mut films: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in rows {
        for t in &r.tags {
            films.entry(t.as_str()).or_default().push(r.id);
        }
    }
    let mut cases: Vec<SearchCase> = films
        .into_iter()
        .filter(|(_, ids)| ids.len() >= MIN_TAGGED)
        .map(|(tag, ids)| SearchCase {
            query: tag.to_owned(),
            relevant: ids,
        })
        .collect();
    cases.sort_by(|a, b| a.query.cmp(&b.query));
    cases
}

/// Ranked answers of every method to one query.
struct Answers {
    title: Vec<usize>,
    words: Vec<usize>,
    meaning: Vec<usize>,
    /// The query names a film: the server does not embed it, so the fusion leaves meaning out.
    names_a_title: bool,
}

/// The catalogue search is scored on, as a snapshot holds it: its movies, their places in the
/// popularity order and what each is about, all in the same order.
#[derive(Debug, Clone, Copy)]
pub struct Corpus<'a> {
    pub movies: &'a [MovieSummary],
    pub popular_rank: &'a [usize],
    pub about: &'a [AboutRow],
}

/// Scores search on `tags` and `descriptions` over the catalogue. Without a model, meaning and the fusion's meaning part are left out.
pub fn evaluate_search(
    corpus: &Corpus<'_>,
    model: Option<&TextModel>,
    previous: Option<&super::Embeddings>,
    tags: &[SearchCase],
    descriptions: &[SearchCase],
    progress: &mut dyn FnMut(usize, usize),
) -> nextflex_text_model::Result<SearchEvaluation> {
    let Corpus {
        movies,
        popular_rank,
        about: rows,
    } = *corpus;
    let started = Instant::now();
    let embeddings = match model {
        Some(model) => {
            let texts: Vec<(i64, String)> =
                rows.iter().map(|r| (r.id, about_text(r, false))).collect();
            Some(embed_catalogue(model, &texts, previous, progress)?)
        }
        None => None,
    };
    let embed_seconds = started.elapsed().as_secs_f64();
    let index = AboutIndex::build_with(rows, false, embeddings.as_ref());
    let titles = search::TitleIndex::new(movies);
    let position: HashMap<i64, usize> = movies.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    // Title ties: the more popular film first.
    let popularity = |i: usize| popular_rank.get(i).copied().unwrap_or(usize::MAX);

    let answer_all = |cases: &[SearchCase]| -> nextflex_text_model::Result<Vec<Answers>> {
        let queries: Vec<&str> = cases.iter().map(|c| c.query.as_str()).collect();
        let vectors = match model {
            Some(m) => m.embed_many(
                &queries.iter().map(|q| (*q).to_owned()).collect::<Vec<_>>(),
                &mut |_| {},
            )?,
            None => vec![Vec::new(); cases.len()],
        };
        Ok(cases
            .iter()
            .zip(vectors)
            .map(|(case, v)| Answers {
                title: search::title_matches(&titles, &case.query, popularity),
                words: index.by_words(&case.query, |_| true),
                meaning: index.by_meaning(&case.query, &v, about::MEANING_DEPTH, |_| true),
                names_a_title: search::names_a_title(&titles, &case.query),
            })
            .collect())
    };
    let (tune, test): (Vec<SearchCase>, Vec<SearchCase>) = tags
        .iter()
        .cloned()
        .partition(|c| text_hash(&c.query).is_multiple_of(2));
    let tune_answers = answer_all(&tune)?;
    let test_answers = answer_all(&test)?;
    let description_answers = answer_all(descriptions)?;

    let relevant = |cases: &[SearchCase]| -> Vec<HashSet<u32>> {
        cases
            .iter()
            .map(|c| {
                c.relevant
                    .iter()
                    .filter_map(|id| position.get(id))
                    .map(|&i| i as u32)
                    .collect()
            })
            .collect()
    };
    let (tune_rel, test_rel, description_rel) =
        (relevant(&tune), relevant(&test), relevant(descriptions));

    // The grid: each list's weight on a doubling scale, 0 allowed but for meaning.
    let steps = [0.0, 0.5, 1.0, 2.0];
    let mut grid: Vec<Fusion> = Vec::new();
    for words in steps {
        for meaning in [0.5, 1.0, 2.0, 4.0] {
            for popular in steps {
                let meaning = if model.is_some() { meaning } else { 0.0 };
                grid.push(Fusion {
                    words,
                    meaning,
                    popular,
                });
            }
        }
    }
    let rank = |i: usize| popularity(i);
    let fused = |a: &Answers, f: &Fusion| {
        let meaning = if a.names_a_title { &[][..] } else { &a.meaning };
        about::answer(f, a.title.clone(), &a.words, meaning, &rank)
    };
    // Chosen on the tuning half of the tag queries and on the descriptions, each relative to
    // the words alone so that neither set's scale decides.
    let relative = |answers: &[Answers], rel: &[HashSet<u32>], f: &Fusion| {
        let fused: Vec<Vec<usize>> = answers.iter().map(|a| fused(a, f)).collect();
        let words: Vec<Vec<usize>> = answers.iter().map(|a| a.words.clone()).collect();
        let base = scores("", &words, rel).ndcg_at_10;
        if answers.is_empty() || base <= 0.0 {
            0.0
        } else {
            scores("", &fused, rel).ndcg_at_10 / base
        }
    };
    let chosen = grid
        .iter()
        .map(|f| {
            let score = relative(&tune_answers, &tune_rel, f)
                + relative(&description_answers, &description_rel, f);
            (score, *f)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, f)| f)
        .unwrap_or_default();
    let shipped = Fusion::default();

    let methods = |answers: &[Answers], rel: &[HashSet<u32>]| -> Vec<MethodScores> {
        let lists = |f: &dyn Fn(&Answers) -> Vec<usize>| -> Vec<Vec<usize>> {
            answers.iter().map(f).collect()
        };
        let mut out = vec![
            scores("title", &lists(&|a| a.title.clone()), rel),
            scores("words (BM25)", &lists(&|a| a.words.clone()), rel),
        ];
        if model.is_some() {
            out.push(scores(
                "meaning (embeddings)",
                &lists(&|a| a.meaning.clone()),
                rel,
            ));
        }
        out.push(scores(
            "fusion (chosen)",
            &lists(&|a| fused(a, &chosen)),
            rel,
        ));
        out.push(scores(
            "fusion (shipped)",
            &lists(&|a| fused(a, &shipped)),
            rel,
        ));
        out
    };
    Ok(SearchEvaluation {
        tag_queries_tuned: tune.len(),
        tag_queries_scored: test.len(),
        descriptions: descriptions.len(),
        chosen,
        shipped,
        tags: methods(&test_answers, &test_rel),
        description_scores: methods(&description_answers, &description_rel),
        embed_seconds,
        films_embedded: embeddings.as_ref().map_or(0, |e| e.ids.len()),
    })
}

/// Mean NDCG@10, recall@10 and hit@5 of ranked `lists` against `relevant` (queries with no
/// relevant film in the catalogue are left out).
fn scores(method: &str, lists: &[Vec<usize>], relevant: &[HashSet<u32>]) -> MethodScores {
    let (mut ndcg, mut recall, mut hit, mut n) = (0.0, 0.0, 0.0, 0usize);
    for (list, rel) in lists.iter().zip(relevant) {
        let ids: Vec<u32> = list.iter().take(10).map(|&i| i as u32).collect();
        if let Some(s) = metrics::ranking(&ids, rel, 10) {
            ndcg += s.ndcg;
            recall += s.recall;
            hit += f64::from(u8::from(ids.iter().take(5).any(|i| rel.contains(i))));
            n += 1;
        }
    }
    let n = n.max(1) as f64;
    MethodScores {
        method: method.to_owned(),
        ndcg_at_10: ndcg / n,
        recall_at_10: recall / n,
        hit_at_5: hit / n,
    }
}

#[cfg(test)]
mod tests {
    use super::{scores, tag_cases};
    use nextflex_store::db::catalogue::AboutRow;
    use std::collections::HashSet;

    #[test]
    fn a_tag_on_five_films_is_a_query() {
        let rows: Vec<AboutRow> = (1..=6)
            .map(|id| AboutRow {
                id,
                tags: if id <= 5 {
                    vec!["time travel".into(), format!("only {id}")]
                } else {
                    vec!["only 6".into()]
                },
                ..AboutRow::default()
            })
            .collect();
        let cases = tag_cases(&rows);
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].query, "time travel");
        assert_eq!(cases[0].relevant, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn scores_are_means_over_queries_with_an_answer() {
        let rel = vec![HashSet::from([0u32]), HashSet::from([5u32]), HashSet::new()];
        let s = scores("m", &[vec![0, 1], vec![1, 2, 3, 4, 6, 5], vec![0]], &rel);
        // First query: hit at rank 1 (NDCG 1); second: at rank 6 (1/log2(7)), not in the top 5.
        assert!((s.ndcg_at_10 - (1.0 + 1.0 / 7f64.log2()) / 2.0).abs() < 1e-9);
        assert!((s.recall_at_10 - 1.0).abs() < 1e-9);
        assert!((s.hit_at_5 - 0.5).abs() < 1e-9);
    }
}
