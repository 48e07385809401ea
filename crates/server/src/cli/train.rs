//! `nextflex train`: trains a model version and makes it the active one.

use clap::Args;
use nextflex_app::model_versions::Models;
use nextflex_app::recommender::RecommenderSettings;
use nextflex_store::db::model_versions::{self, Version};
use nextflex_store::error::Result;
use nextflex_store::storage::Storage;

use super::{Context, json};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The imported ratings dataset to train on [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,
    /// Print the recorded version (parameters, data sizes, metrics, timings) as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: TrainArgs, ctx: &Context) -> Result<()> {
    let storage = Storage::open(&ctx.storage_config()?).await?;
    let record = ctx
        .with_db(async |db| {
            let settings = RecommenderSettings {
                dataset: args.dataset,
                ..RecommenderSettings::default()
            };
            let models = Models::new(db.clone(), storage, Default::default(), settings);
            let version = models.train("cli").await?;
            model_versions::get(db, &version).await
        })
        .await?;
    if args.json {
        println!("{}", json(&record)?);
    } else {
        print_version(&record)?;
    }
    Ok(())
}

/// A recorded model version, as `train` and `model import-spark` print it.
pub fn print_version(v: &Version) -> Result<()> {
    println!("model version {} ({})", v.version, v.status);
    println!("  data: {}", json(&v.data_sizes)?);
    println!("  metrics: {}", json(&v.metrics)?);
    println!("  timings: {}", json(&v.timings)?);
    println!("  parameters: {}", json(&v.params)?);
    Ok(())
}
