//! The `nextflex` command line: one module per command, each with its `Args` and `run()`; the
//! flag groups several commands share (`shared.rs`) and the value parsers clap lacks
//! (`values.rs`); here the command list, the dispatch, and the mapping of errors to one line on
//! stderr and an exit code.

mod enrich;
mod evaluate;
mod import;
mod migrate;
mod model;
mod openapi;
mod recommend;
mod serve;
mod shared;
mod stats;
mod train;
mod users;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use nextflex_store::config::{DatabaseConfig, StorageConfig};
use nextflex_store::db::{Db, PoolSettings};
use nextflex_store::error::{Error, Result, one_line};

use crate::telemetry;
pub use shared::GlobalArgs;

#[derive(Debug, Parser)]
#[command(
    name = "nextflex",
    version,
    about = "NextFlex: movie recommendations — the server and its tools",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first)
    Serve(serve::ServeArgs),
    /// Apply pending database migrations and exit
    Migrate,
    /// Import dataset folders (The Movies Dataset, TMDB 5000, MovieLens) into the catalogue
    Import(import::ImportArgs),
    /// Show what the catalogue and the ratings datasets hold
    Stats(stats::StatsArgs),
    /// Fill the posters, overviews, runtimes and credits catalogue movies lack from TMDB's API
    /// (needs a TMDB key); resumes where the last run stopped
    Enrich(enrich::EnrichArgs),
    /// Train ALS on part of a ratings file and score the rest (RMSE, MAE, P@10, NDCG@10…)
    Evaluate(evaluate::EvaluateArgs),
    /// Recommendations over the imported catalogue
    #[command(subcommand)]
    Recommend(recommend::RecommendCommand),
    /// Train a model version (charts, ALS, the ranking model, similar lists) on the catalogue and
    /// the ratings, score it on a held-out 10 %, store it and make it the active version
    Train(train::TrainArgs),
    /// Model versions and Apache Spark interop
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Manage user accounts
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Print the HTTP API's OpenAPI document (as /api/openapi.json serves it), from which the
    /// web client's types are generated (`make api-types`)
    Openapi,
}

/// What every command gets: the working directory, the database it names and the global flags.
pub struct Context {
    pub cwd: PathBuf,
    pub database: DatabaseConfig,
    pub global: GlobalArgs,
}

impl Context {
    pub fn storage_config(&self) -> Result<StorageConfig> {
        self.global.storage.config(&self.cwd)
    }

    /// Opens the database for a command (migrated to this build's schema), runs `work` on it,
    /// and closes it whatever `work` returned.
    pub async fn with_db<T>(&self, work: impl AsyncFnOnce(&Db) -> Result<T>) -> Result<T> {
        let db = Db::connect(&self.database, &PoolSettings::default()).await?;
        let result = match db.migrate().await {
            Ok(()) => work(&db).await,
            Err(e) => Err(e),
        };
        db.close().await;
        result
    }
}

/// Parses the command line, runs the command, and turns errors into one line and an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    telemetry::init(cli.global.log_format, &cli.global.log)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::internal("cannot start the async runtime", e))?;
    let result = runtime.block_on(async move {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::Config(format!("cannot read the working directory: {e}")))?;
        let database = DatabaseConfig::parse(&cli.global.database.database_url, &cwd)?;
        let ctx = Context {
            cwd,
            database,
            global: cli.global,
        };
        match cli.command {
            Command::Serve(args) => serve::run(args, &ctx).await,
            Command::Migrate => migrate::run(&ctx).await,
            Command::Import(args) => import::run(args, &ctx).await,
            Command::Stats(args) => stats::run(args, &ctx).await,
            Command::Enrich(args) => enrich::run(args, &ctx).await,
            Command::Evaluate(args) => evaluate::run(args, &ctx).await,
            Command::Recommend(command) => recommend::run(command, &ctx).await,
            Command::Train(args) => train::run(args, &ctx).await,
            Command::Model(command) => model::run(command, &ctx).await,
            Command::Users(command) => users::run(command, &ctx).await,
            Command::Openapi => openapi::run(),
        }
    });
    // A training still running in the background (the server was stopped mid-way) is abandoned
    // rather than waited for: its version stays recorded as `training` and is never served.
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

/// A value as one line of JSON, for the commands' `--json`.
fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal("cannot write JSON", e))
}
