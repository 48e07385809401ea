//! `nextflex train`: trains a model version and makes it the active one.

use clap::Args;
use nextflex_app::model_versions::Models;
use nextflex_app::recommender::RecommenderSettings;
use nextflex_store::db::model_versions::{self, Version};
use nextflex_store::error::Result;
use nextflex_store::storage::Storage;

use super::shared::{TextModelArgs, TuningArgs};
use super::{Context, json};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The imported ratings dataset to train on [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,
    #[command(flatten)]
    pub tuning: TuningArgs,
    #[command(flatten)]
    pub text_model: TextModelArgs,
    /// Print the recorded version (parameters, data sizes, metrics, timings) as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: TrainArgs, ctx: &Context) -> Result<()> {
    let storage = Storage::open(&ctx.storage_config()?).await?;
    let text_model = args.text_model.load().await;
    let record = ctx
        .with_db(async |db| {
            let settings = RecommenderSettings {
                dataset: args.dataset,
                tuning: args.tuning.settings(),
                text_model,
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
    if let Some(t) = v.params.0.get("tuning").filter(|t| !t.is_null()) {
        print_tuning(t);
    }
    Ok(())
}

/// How a version's hyper-parameters were chosen, one line per model.
pub(super) fn print_tuning(t: &serde_json::Value) {
    let secs = t["seconds"].as_f64().unwrap_or(0.0);
    let budget = t["budget_seconds"].as_f64().unwrap_or(0.0);
    let sample = t["sampled_users"]
        .as_u64()
        .map_or(String::new(), |n| format!(", on a sample of {n} users"));
    let out = if t["out_of_budget"].as_bool() == Some(true) {
        ", stopped at its budget"
    } else {
        ""
    };
    println!("  tuning: {secs:.1} s of a {budget:.1} s budget{sample}{out}");
    for m in t["models"].as_array().into_iter().flatten() {
        let score = |k: &str| m[k].as_f64().map_or("-".into(), |x| format!("{x:.4}"));
        let chosen: Vec<String> = m["chosen"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        println!(
            "    {}: {} {} (defaults {}) after {} fits: {}",
            m["model"].as_str().unwrap_or("?"),
            m["metric"].as_str().unwrap_or("?"),
            score("best_score"),
            score("default_score"),
            m["trials"],
            chosen.join(" "),
        );
    }
}
