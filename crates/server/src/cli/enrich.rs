//! `nextflex enrich`: fills what catalogue movies lack from TMDB's API.

use clap::Args;
use nextflex_app::enrich::{self, EnrichSettings};
use nextflex_app::tmdb::Tmdb;
use nextflex_store::error::{Error, Result};

use super::shared::TmdbArgs;
use super::{Context, json, values};

#[derive(Debug, Args)]
pub struct EnrichArgs {
    /// Ask TMDB about this many movies at most, the most popular first [default: every movie
    /// that lacks something]
    #[arg(long, value_name = "N", value_parser = values::positive_count)]
    pub limit: Option<usize>,
    /// Print one JSON object with the summary on stdout
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub tmdb: TmdbArgs,
}

pub async fn run(args: EnrichArgs, ctx: &Context) -> Result<()> {
    // No key, no run: checked before anything else is touched.
    let tmdb =
        Tmdb::new(args.tmdb.tmdb_api_key.as_ref(), &args.tmdb.tmdb_api_url)?.ok_or_else(|| {
            Error::Config(
                "enrich needs a TMDB key: set NEXTFLEX_TMDB_API_KEY (a v3 API key or a v4 read \
                 access token)"
                    .into(),
            )
        })?;
    let settings = EnrichSettings {
        limit: args.limit,
        rate: args.tmdb.tmdb_rate_limit,
        ..EnrichSettings::default()
    };
    let summary = ctx
        .with_db(async |db| enrich::run(db, &tmdb, &settings, true).await)
        .await?;
    if args.json {
        println!("{}", json(&summary)?);
    } else {
        print_enriched(&summary);
    }
    summary.stop_error().map_or(Ok(()), Err)
}

fn print_enriched(s: &enrich::Summary) {
    println!("asked TMDB about {} movies in {:.1} s", s.asked, s.seconds);
    for (what, n) in [
        ("enriched", s.enriched),
        ("unchanged (TMDB had nothing more)", s.unchanged),
        ("not found on TMDB", s.not_found),
        ("failed", s.failed),
        ("left for a later run", s.skipped),
        ("settled by earlier runs", s.remembered),
    ] {
        println!("  {what:<34} {n:>10}");
    }
    for (field, n) in &s.filled {
        println!("  {:<34} {n:>10}", format!("filled: {field}"));
    }
}
