//! Parses a ratings file and prints one JSON line with the row count, skips and seconds; the
//! parsing half of the import benchmark (bench/ratings_parse.sh).
//!
//! Usage: parse_ratings FILE [csv|tab|dat]

use std::time::Instant;

use nextflex_data::ratings::{RatingsFormat, ReadOptions, SkipReason, read_ratings};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: parse_ratings FILE [csv|tab|dat]")?;
    let format = match args.next().as_deref() {
        None | Some("csv") => RatingsFormat::Csv,
        Some("tab") => RatingsFormat::Tab,
        Some("dat") => RatingsFormat::DoubleColon,
        Some(other) => return Err(format!("unknown format {other:?}").into()),
    };
    let started = Instant::now();
    let file = std::fs::File::open(&path)?;
    let size_hint = file.metadata()?.len();
    let read = read_ratings(
        file,
        ReadOptions {
            format,
            strict: false,
            size_hint,
        },
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let skipped: Vec<String> = SkipReason::ALL
        .iter()
        .map(|r| format!("\"{}\": {}", r.name(), read.skipped(*r)))
        .collect();
    println!(
        "{{\"rows\": {}, \"skipped\": {{{}}}, \"seconds\": {seconds:.3}}}",
        read.ratings.len(),
        skipped.join(", ")
    );
    Ok(())
}
