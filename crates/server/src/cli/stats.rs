//! `nextflex stats`: what the catalogue and the ratings datasets hold.

use clap::Args;
use nextflex_app::dataset_import::{self, Stats};
use nextflex_store::error::Result;

use super::{Context, json};

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print one JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: StatsArgs, ctx: &Context) -> Result<()> {
    let stats = ctx
        .with_db(async |db| dataset_import::stats(db).await)
        .await?;
    if args.json {
        println!("{}", json(&stats)?);
    } else {
        print_stats(&stats);
    }
    Ok(())
}

fn print_stats(s: &Stats) {
    let rows = [
        ("movies", s.movies),
        ("genres", s.genres),
        ("people", s.people),
        ("keywords", s.keywords),
        ("users", s.users),
        ("users' own ratings", s.user_ratings),
        ("posts", s.posts),
    ];
    for (what, n) in rows {
        println!("  {what:<34} {n:>10}");
    }
    for (name, n) in &s.ratings {
        println!("  {:<34} {:>10}", format!("ratings: {name}"), n);
    }
}
