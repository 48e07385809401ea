//! `nextflex import`: dataset folders (The Movies Dataset, TMDB 5000, MovieLens) into the
//! catalogue and the ratings datasets.

use std::path::PathBuf;

use clap::Args;
use nextflex_app::dataset_import::{self, ImportSummary};
use nextflex_store::error::Result;
use nextflex_store::storage::Storage;

use super::{Context, json};

#[derive(Debug, Args)]
#[command(
    after_help = "Each PATH is a folder (or one file) whose layout is recognised by file name:
  \
The Movies Dataset: movies_metadata.csv, credits.csv, keywords.csv, links[_small].csv, ratings[_small].csv
  \
TMDB 5000: tmdb_5000_movies.csv, tmdb_5000_credits.csv
  \
MovieLens: movies.csv, links.csv, ratings.csv, tags.csv; u.item + u.data; movies.dat + ratings.dat
\
Any file may be gzip-compressed (.gz). Each folder's ratings become a dataset named after the folder."
)]
pub struct ImportArgs {
    /// Dataset folders or files [default: data/demo]
    pub paths: Vec<PathBuf>,
    /// Print one JSON object with the summary on stdout
    #[arg(long)]
    pub json: bool,
    /// Fail on the first bad row instead of skipping it
    #[arg(long)]
    pub strict: bool,
}

pub async fn run(args: ImportArgs, ctx: &Context) -> Result<()> {
    let storage = Storage::open(&ctx.storage_config()?).await?;
    let paths = if args.paths.is_empty() {
        vec![ctx.cwd.join("data/demo")]
    } else {
        args.paths.iter().map(|p| ctx.cwd.join(p)).collect()
    };
    let summary = ctx
        .with_db(async |db| dataset_import::import(db, &storage, &paths, args.strict).await)
        .await?;
    if args.json {
        println!("{}", json(&summary)?);
    } else {
        print_summary(&summary);
    }
    Ok(())
}

fn print_summary(s: &ImportSummary) {
    println!("imported in {:.2} s", s.seconds);
    println!(
        "  {:<34} {:>10}  ({} new, {} updated)",
        "movies in the catalogue", s.movies, s.movies_inserted, s.movies_updated
    );
    for (name, n) in &s.ratings {
        println!("  {:<34} {:>10}", format!("ratings: {name}"), n);
    }
    for (reason, n) in &s.skipped {
        println!("  {:<34} {:>10}", format!("skipped: {reason}"), n);
    }
}
