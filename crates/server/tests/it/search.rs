//! Search on the demo catalogue: titles as people type them, films found by the words of what
//! they are about (always on), and by meaning with the text model (NEXTFLEX_TEXT_MODEL; CI
//! fetches it, elsewhere the meaning test says it skipped).

use std::path::PathBuf;

use nextflex_app::recommender::search_evaluation::{self, SearchCase};
use nextflex_app::recommender::{
    self, AboutSearch, MovieQuery, Plan, Recommender, RecommenderSettings, SearchMode,
};
use nextflex_text_model::TextModel;

use crate::demo::demo_catalogue;

/// The titles `q` finds first.
fn found(r: &Recommender, q: &str, about: AboutSearch<'_>, n: usize) -> Vec<String> {
    let (_, movies) = r.search(&MovieQuery {
        q: Some(q),
        about,
        limit: n,
        ..MovieQuery::default()
    });
    movies.iter().map(|m| m.title.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_as_people_type_them_and_films_by_the_words_of_what_they_are_about() {
    let (_tdb, db, storage) = demo_catalogue().await;
    let r = recommender::build(
        &db,
        &storage,
        &RecommenderSettings {
            plan: Plan::Charts,
            ..RecommenderSettings::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(r.search_mode(), SearchMode::TitleAndWords);
    let first = |q: &str| {
        found(&r, q, AboutSearch::Words, 1)
            .pop()
            .unwrap_or_default()
    };
    // Numbers however written.
    for q in [
        "godfather 2",
        "godfather part 2",
        "the godfather part ii",
        "Godfather Part Two",
    ] {
        assert_eq!(first(q), "The Godfather: Part II", "{q}");
    }
    assert_eq!(first("john wick chapter 2"), "John Wick: Chapter Two");
    assert_eq!(first("star wars episode v"), "The Empire Strikes Back");
    // A series by its number: the films whose titles begin so, in order of release; a title
    // with the number still wins ("halloween 3" is Halloween III, not the third Halloween).
    assert_eq!(
        first("harry potter 3"),
        "Harry Potter and the Prisoner of Azkaban"
    );
    assert_eq!(
        first("Pirates of the Caribbean 2"),
        "Pirates of the Caribbean: Dead Man's Chest"
    );
    assert_eq!(first("halloween 3"), "Halloween III: Season of the Witch");
    // The typeahead finds them too.
    assert_eq!(
        found(&r, "harry potter 3", AboutSearch::Off, 1),
        ["Harry Potter and the Prisoner of Azkaban"]
    );
    // Title queries as before, with what films are about searched too.
    assert_eq!(first("shining"), "The Shining");
    assert_eq!(first("spiderman"), "Spider-Man");
    // The words of what a film is about find it when no title has them.
    let shark = found(
        &r,
        "great white shark terrorizes a beach town",
        AboutSearch::Words,
        5,
    );
    assert!(shark.iter().any(|t| t == "Jaws"), "{shark:?}");
    // Off (the typeahead): titles only.
    assert!(
        found(
            &r,
            "great white shark terrorizes a beach town",
            AboutSearch::Off,
            5
        )
        .is_empty()
    );
}

/// The text model, or `None` (saying so) where NEXTFLEX_TEXT_MODEL is not set; CI sets it.
fn text_model() -> Option<TextModel> {
    match std::env::var_os("NEXTFLEX_TEXT_MODEL") {
        Some(dir) => Some(TextModel::load(&PathBuf::from(dir)).expect("the text model loads")),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI must set NEXTFLEX_TEXT_MODEL (.ci/run fetches the model)")
        }
        None => {
            eprintln!("skipped: NEXTFLEX_TEXT_MODEL is not set (`make text-model` fetches it)");
            None
        }
    }
}

/// The descriptions the repository ships (crates/server/tests/fixtures/search-descriptions.csv),
/// as catalogue ids.
async fn descriptions(db: &nextflex_store::db::Db) -> Vec<SearchCase> {
    let by_movielens: std::collections::HashMap<i64, i64> =
        nextflex_store::db::catalogue::movielens_ids(db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let text = include_str!("../fixtures/search-descriptions.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            let movielens: i64 = row[1].parse().unwrap();
            SearchCase {
                query: row[0].to_owned(),
                relevant: vec![by_movielens[&movielens]],
            }
        })
        .collect()
}

/// Search by meaning on the whole demo catalogue: the tag-query measure and the descriptions,
/// and the server's own search answering descriptions nobody typed as titles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_by_meaning_finds_films_by_what_they_are_about() {
    let Some(model) = text_model() else { return };
    let (_tdb, db, storage) = demo_catalogue().await;
    let catalogue = recommender::catalogue(&db).await.unwrap();
    let descriptions = descriptions(&db).await;
    let tags = search_evaluation::tag_cases(&catalogue.about);
    assert!(tags.len() >= 100, "{} tag queries", tags.len());

    let model = std::sync::Arc::new(model);
    let settings = RecommenderSettings {
        plan: Plan::Charts,
        ..RecommenderSettings::default()
    };
    let popular_rank = recommender::build(&db, &storage, &settings)
        .await
        .unwrap()
        .popular_ranks()
        .to_vec();
    let (_, mut trained) = recommender::train(&db, &storage, &settings).await.unwrap();
    let texts: Vec<(i64, String)> = catalogue
        .about
        .iter()
        .map(|r| (r.id, recommender::about::about_text(r, true)))
        .collect();
    let (m, about) = (model.clone(), catalogue.about.clone());
    let movies = catalogue.movies.clone();
    let (embeddings, evaluation) = tokio::task::spawn_blocking(move || {
        let embeddings =
            recommender::about::embed_catalogue(&m, &texts, None, &mut |_, _| {}).unwrap();
        let corpus = search_evaluation::Corpus {
            movies: &movies,
            popular_rank: &popular_rank,
            about: &about,
        };
        let evaluation = search_evaluation::evaluate_search(
            &corpus,
            Some(&m),
            Some(&embeddings),
            &tags,
            &descriptions,
            &mut |_, _| {},
        )
        .unwrap();
        (embeddings, evaluation)
    })
    .await
    .unwrap();
    let score = |rows: &[search_evaluation::MethodScores], method: &str| {
        rows.iter()
            .find(|s| s.method == method)
            .unwrap_or_else(|| panic!("{method} in {rows:?}"))
            .clone()
    };
    let words = score(&evaluation.tags, "words (BM25)");
    let fused = score(&evaluation.tags, "fusion (shipped)");
    assert!(
        fused.ndcg_at_10 >= 1.3 * words.ndcg_at_10,
        "tag queries: fusion {fused:?} against words {words:?}"
    );
    let described = score(&evaluation.description_scores, "fusion (shipped)");
    assert!(described.hit_at_5 >= 0.7, "descriptions: {described:?}");
    let title = score(&evaluation.tags, "title");
    assert!(fused.ndcg_at_10 > title.ndcg_at_10);

    // The server's search, by meaning.
    trained.embeddings = Some(embeddings);
    let r = recommender::assemble(catalogue, trained);
    assert_eq!(r.search_mode(), SearchMode::Meaning);
    for (q, film) in [
        ("a robot alone on an empty Earth", "WALL·E"),
        ("a heist inside dreams", "Inception"),
        ("shining", "The Shining"),
    ] {
        let v = model.embed(&[q]).unwrap().remove(0);
        let top = found(&r, q, AboutSearch::Meaning(&v), 5);
        assert!(top.iter().any(|t| t == film), "{q}: {top:?}");
    }
    // Not one known word: nothing, rather than the films nearest to noise.
    let v = model.embed(&["zzqx jawz"]).unwrap().remove(0);
    assert!(found(&r, "zzqx jawz", AboutSearch::Meaning(&v), 5).is_empty());
}
