//! `nextflex model`: model versions and Apache Spark interop.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use nextflex_app::model_versions::{Models, Supplied, spark};
use nextflex_app::recommender::RecommenderSettings;
use nextflex_store::db::model_versions;
use nextflex_store::error::{Error, Result};
use nextflex_store::storage::Storage;

use super::train::print_version;
use super::{Context, json};

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// The latest model versions, newest first: status, what each was trained on and scored,
    /// and how it chose its hyper-parameters (the tuning record)
    List(ListArgs),
    /// Make a new active model version from a Spark ALSModel directory (`ALSModel.save`, e.g.
    /// from spark/train_als.py): its explicit ALS model, or with --implicit its ranking model;
    /// the charts, the similar lists and the other model are built here
    ImportSpark(ImportSparkArgs),
    /// Write a model version's ALS model as a Spark ALSModel directory that `ALSModel.load`
    /// reads (biases folded into two extra factors, so Spark predicts what NextFlex predicts)
    ExportSpark(ExportSparkArgs),
}

#[derive(Debug, Args)]
pub struct ImportSparkArgs {
    /// The ALSModel directory (metadata/, userFactors/, itemFactors/)
    pub dir: PathBuf,
    /// The model was trained with implicitPrefs=true: it becomes the ranking model of the
    /// "For you" lists (the explicit ALS for predicted stars is trained here)
    #[arg(long)]
    pub implicit: bool,
    /// With --implicit: the alpha the Spark training used (Spark's saved model does not
    /// record it)
    #[arg(long, default_value_t = 1.0, requires = "implicit")]
    pub alpha: f64,
    /// With --implicit: the regParam the Spark training used
    #[arg(long = "reg-param", default_value_t = 0.1, requires = "implicit")]
    pub reg_param: f64,
    /// Print the recorded version as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// At most this many versions
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i64).range(1..=1000))]
    pub limit: i64,
    /// Print the versions as a JSON list
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportSparkArgs {
    /// The directory to create (it must not exist or be empty)
    pub dir: PathBuf,
    /// The model version to export [default: the active one]
    #[arg(long = "model-version")]
    pub model_version: Option<String>,
}

pub async fn run(command: ModelCommand, ctx: &Context) -> Result<()> {
    let storage = Storage::open(&ctx.storage_config()?).await?;
    ctx.with_db(async |db| {
        let models = Models::new(
            db.clone(),
            storage,
            Default::default(),
            RecommenderSettings::default(),
        );
        match command {
            ModelCommand::List(args) => {
                let versions = model_versions::list(db, args.limit).await?;
                if args.json {
                    println!("{}", json(&versions)?);
                } else if versions.is_empty() {
                    println!("no model version yet; run `nextflex train`");
                } else {
                    for (n, v) in versions.iter().enumerate() {
                        if n > 0 {
                            println!();
                        }
                        print_version(v)?;
                        if v.active.0 {
                            println!("  active: the version replicas serve");
                        }
                    }
                }
                Ok(())
            }
            ModelCommand::ImportSpark(args) => {
                let dir = ctx.cwd.join(&args.dir);
                let read =
                    tokio::task::spawn_blocking(move || nextflex_data::spark::read_spark_als(&dir))
                        .await
                        .map_err(|e| Error::internal("reading the Spark model failed", e))?
                        .map_err(|e| Error::Invalid(e.to_string()))?;
                let supplied = if args.implicit {
                    Supplied::Ranking(spark::ranking_from_spark(
                        &read,
                        args.alpha,
                        args.reg_param,
                    )?)
                } else {
                    Supplied::Als(spark::from_spark(&read)?)
                };
                let version = models.import("spark", supplied).await?;
                let record = model_versions::get(db, &version).await?;
                if args.json {
                    println!("{}", json(&record)?);
                } else {
                    print_version(&record)?;
                }
                Ok(())
            }
            ModelCommand::ExportSpark(args) => {
                let version = match args.model_version {
                    Some(v) => v,
                    None => models.active().await?.ok_or_else(|| {
                        Error::NotFound(
                            "there is no active model version; run `nextflex train`".into(),
                        )
                    })?,
                };
                let als = models.stored_als(&version).await?;
                let (written, skipped) = spark::to_spark(&als);
                let dir = ctx.cwd.join(&args.dir);
                let shown = dir.display().to_string();
                tokio::task::spawn_blocking(move || {
                    nextflex_data::spark::write_spark_als(&dir, &written)
                })
                .await
                .map_err(|e| Error::internal("writing the Spark model failed", e))?
                .map_err(|e| Error::Invalid(e.to_string()))?;
                println!("model version {version} written to {shown} as a Spark ALSModel");
                if skipped > 0 {
                    println!(
                        "  {skipped} app users left out (their ids exceed Spark's int range; they are folded in per request)"
                    );
                }
                Ok(())
            }
        }
    })
    .await
}
