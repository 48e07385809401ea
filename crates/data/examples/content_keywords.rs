//! Builds the similar lists (content only) over every movie of a keywords.csv (The Movies Dataset) and prints
//! the build time and one lookup: the content-similarity benchmark.
//!
//! Usage: content_keywords KEYWORDS.csv [K]

use std::time::Instant;

use nextflex_data::catalogue::CatalogueBuilder;
use nextflex_data::sources::kaggle::read_keywords;
use nextflex_engine::content::ContentItem;
use nextflex_engine::similar::{SimilarIndex, SimilarParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: content_keywords KEYWORDS.csv [K]")?;
    let k: usize = args.next().map(|k| k.parse()).transpose()?.unwrap_or(50);
    let mut builder = CatalogueBuilder::default();
    read_keywords(std::path::Path::new(&path), false, &mut builder)?;
    let items: Vec<ContentItem> = builder
        .keyword_lists()
        .map(|(id, keywords)| ContentItem {
            id,
            title: id.to_string(),
            keywords: keywords.iter().map(|k| k.name.clone()).collect(),
            ..ContentItem::default()
        })
        .collect();
    let started = Instant::now();
    let ratings = vec![0; items.len()];
    let params = SimilarParams {
        k,
        prior: 0.0,
        min_ratings: 0,
        ..SimilarParams::default()
    };
    let index = SimilarIndex::build(&items, &ratings, None, params)?;
    let built = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut n = 0;
    for item in &items {
        n += index.similar(item.id, k).map_or(0, |v| v.len());
    }
    let per_lookup = started.elapsed().as_secs_f64() / items.len() as f64;
    println!(
        "{{\"movies\": {}, \"k\": {k}, \"build_seconds\": {built:.3}, \"lookup_microseconds\": {:.2}, \"neighbours\": {n}}}",
        items.len(),
        per_lookup * 1e6
    );
    Ok(())
}
