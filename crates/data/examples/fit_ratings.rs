//! Parses a ratings file and trains ALS on all of it; prints one JSON line with the row count
//! and the parse and fit seconds (bench/als_fit.sh runs it on the 26M-row file).
//!
//! Usage: fit_ratings FILE [RANK] [ITERATIONS]

use std::time::Instant;

use nextflex_data::ratings::{RatingsFormat, ReadOptions, read_ratings};
use nextflex_engine::als::{AlsModel, AlsParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: fit_ratings FILE [RANK] [ITERATIONS]")?;
    let rank: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let iterations: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let params = AlsParams {
        rank,
        iterations,
        ..AlsParams::default()
    }
    .validate()?;

    let started = Instant::now();
    let file = std::fs::File::open(&path)?;
    let size_hint = file.metadata()?.len();
    let mut ratings = read_ratings(
        file,
        ReadOptions {
            format: RatingsFormat::Csv,
            strict: false,
            size_hint,
        },
    )?
    .ratings;
    ratings.timestamp = Vec::new(); // training does not read them
    let parse_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let model = AlsModel::fit(&params, &ratings.user, &ratings.movie, &ratings.rating)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"rows\": {}, \"users\": {}, \"items\": {}, \"rank\": {rank}, \"iterations\": {iterations}, \
         \"parse_seconds\": {parse_seconds:.3}, \"fit_seconds\": {fit_seconds:.3}}}",
        ratings.len(),
        model.users().len(),
        model.items().len()
    );
    Ok(())
}
