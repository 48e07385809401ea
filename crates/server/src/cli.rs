//! The `nextflex` command line: arguments (flags with `NEXTFLEX_*` fallbacks), dispatch, and
//! the mapping of errors to one line on stderr and an exit code.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use nextflex_engine::als::AlsParams;
use nextflex_engine::ials::{Feedback, IalsParams};
use nextflex_engine::ranking::RankingParams;

use crate::accounts;
use crate::config::{DatabaseConfig, S3Options, StorageConfig};
use crate::db::{Db, PoolSettings, model_versions, users};
use crate::enrich::{self, EnrichSettings};
use crate::error::{Error, Result};
use crate::http::ApiSettings;
use crate::import;
use crate::models::{self, Models, Supplied};
use crate::recommend;
use crate::recommender::evaluation as evaluate;
use crate::recommender::{self, ChartSource, RecommenderSettings};
use crate::serve::{self, ServeSettings};
use crate::storage::Storage;
use crate::telemetry::{self, LogFormat};
use crate::tmdb::Tmdb;

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

/// Settings every command shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database: sqlite://PATH (created if missing), postgres://… or mysql://…
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_DATABASE_URL",
        default_value = "sqlite://var/nextflex.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Object storage: file://PATH, memory:// or s3://BUCKET/PREFIX
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_STORAGE_URL",
        default_value = "file://var/objects",
        hide_env_values = true
    )]
    pub storage_url: String,

    /// S3 endpoint for S3-compatible servers, e.g. http://127.0.0.1:9000
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_S3_ENDPOINT",
        hide_env_values = true
    )]
    pub s3_endpoint: Option<String>,

    /// S3 region [default: AWS_REGION, AWS_DEFAULT_REGION or us-east-1]
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_S3_REGION",
        hide_env_values = true
    )]
    pub s3_region: Option<String>,

    /// Path-style S3 addressing [default: true with a custom endpoint, else false]
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_S3_PATH_STYLE",
        hide_env_values = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub s3_path_style: Option<bool>,

    /// Folder for local state (the generated JWT secret)
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_DATA_DIR",
        default_value = "var",
        hide_env_values = true
    )]
    pub data_dir: PathBuf,

    /// Log line format
    #[arg(long, global = true, env = "NEXTFLEX_LOG_FORMAT", hide_env_values = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log filter, as in RUST_LOG (e.g. "debug" or "info,nextflex=debug")
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_LOG",
        hide_env_values = true,
        default_value = "info,sqlx=warn"
    )]
    pub log: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first)
    Serve(ServeArgs),
    /// Apply pending database migrations and exit
    Migrate,
    /// Import dataset folders (The Movies Dataset, TMDB 5000, MovieLens) into the catalogue
    Import(ImportArgs),
    /// Show what the catalogue and the ratings datasets hold
    Stats(StatsArgs),
    /// Fill the posters, overviews, runtimes and credits catalogue movies lack from TMDB's API
    /// (needs a TMDB key); resumes where the last run stopped
    Enrich(EnrichArgs),
    /// Train ALS on part of a ratings file and score the rest (RMSE, MAE, P@10, NDCG@10…)
    Evaluate(EvaluateArgs),
    /// Recommendations over the imported catalogue
    #[command(subcommand)]
    Recommend(RecommendCommand),
    /// Train a model version (charts, content index, ALS) on the catalogue and the ratings,
    /// score it on a held-out 10 %, store it and make it the active version
    Train(TrainArgs),
    /// Model versions and Apache Spark interop
    #[command(subcommand)]
    Model(ModelCommand),
    /// Manage user accounts
    #[command(subcommand)]
    Users(UsersCommand),
    /// Print the HTTP API's OpenAPI document (as /api/openapi.json serves it), from which the
    /// web client's types are generated (`make api-types`)
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Make a new active model version from a Spark ALSModel directory (`ALSModel.save`, e.g.
    /// from spark/train_als.py): its explicit ALS model, or with --implicit its ranking model;
    /// the charts, the content index and the other model are built here
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
pub struct ExportSparkArgs {
    /// The directory to create (it must not exist or be empty)
    pub dir: PathBuf,
    /// The model version to export [default: the active one]
    #[arg(long = "model-version")]
    pub model_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The imported ratings dataset to train on [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,
    /// Print the recorded version (parameters, data sizes, metrics, timings) as JSON
    #[arg(long)]
    pub json: bool,
}

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

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Ratings file: MovieLens/Kaggle CSV with a header (userId,movieId,rating[,timestamp]),
    /// tab-separated u.data, or ::-separated ratings.dat; may be gzipped
    #[arg(long)]
    pub ratings: PathBuf,
    /// random:TRAIN_FRACTION:SEED, or time:TRAIN_FRACTION (each user's latest ratings tested)
    #[arg(long, default_value = "random:0.8:42")]
    pub split: evaluate::SplitSpec,
    #[arg(long, default_value_t = AlsParams::default().rank)]
    pub rank: usize,
    #[arg(long, default_value_t = AlsParams::default().iterations)]
    pub iterations: usize,
    /// Factor regularisation (weighted-λ)
    #[arg(long, default_value_t = AlsParams::default().lambda)]
    pub lambda: f64,
    /// Bias regularisation
    #[arg(long, default_value_t = AlsParams::default().bias_lambda)]
    pub bias_lambda: f64,
    /// Seed of the initial factors
    #[arg(long, default_value_t = AlsParams::default().seed)]
    pub seed: u64,
    /// Top-10 ranks by predicted rating + this × ln(1 + the movie's rating count)
    #[arg(long, default_value_t = AlsParams::default().popularity_weight)]
    pub popularity_weight: f64,
    /// At most this many users get their top-10 scored (a seeded sample beyond it)
    #[arg(long, default_value_t = 2000)]
    pub ranking_users: usize,
    /// Which models to score: als (predicted ratings), ranking (the model of the lists as
    /// shipped: EASE where the catalogue fits it, else iALS), ease, ials, popularity (most rated
    /// first), or all (popularity, als, ease, ials)
    #[arg(long, value_enum, default_value = "all")]
    pub model: EvalModel,
    /// Test on this ratings file (same layouts as --ratings, e.g. MovieLens u1.test) and train on
    /// all of --ratings, instead of splitting
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Ranking model: factors per vector
    #[arg(long, default_value_t = IalsParams::default().factors)]
    pub factors: usize,
    /// Ranking model: alternating passes
    #[arg(long, default_value_t = IalsParams::default().iterations)]
    pub ranking_iterations: usize,
    /// Ranking model: λ of the regularisation λ·(n + α₀·|other side|)^ν
    #[arg(long, default_value_t = IalsParams::default().regularization)]
    pub regularization: f64,
    /// Ranking model: α₀, the weight of every unobserved (user, movie) pair
    #[arg(long, default_value_t = IalsParams::default().unobserved_weight)]
    pub unobserved_weight: f64,
    /// Ranking model: ν, how the regularisation scales with a vector's evidence
    #[arg(long, default_value_t = IalsParams::default().frequency_exponent)]
    pub frequency_exponent: f64,
    /// Ranking model: conjugate-gradient steps per solve (0: exact Cholesky solves)
    #[arg(long, default_value_t = IalsParams::default().cg_steps)]
    pub cg_steps: usize,
    /// iALS: ratings from this value up are positives
    #[arg(long, default_value_t = IalsParams::default().feedback.positive_from)]
    pub positive_from: f32,
    /// EASE: ratings from this value up are likes
    #[arg(long, default_value_t = RankingParams::default().ease.feedback.positive_from)]
    pub ease_positive_from: f32,
    /// EASE: λ on the diagonal of the Gram matrix
    #[arg(long, default_value_t = RankingParams::default().ease.lambda)]
    pub ease_lambda: f64,
    /// EASE: β, each movie's scores divided by its like count to the power β
    #[arg(long, default_value_t = RankingParams::default().ease.popularity_discount)]
    pub ease_popularity_discount: f64,
    /// EASE: a movie needs this many likes to be ranked
    #[arg(long, default_value_t = RankingParams::default().ease.min_likes)]
    pub ease_min_likes: usize,
    /// Ranking model: a positive weighs 1 + this × (rating − positive-from)
    #[arg(long, default_value_t = IalsParams::default().feedback.value_weight)]
    pub value_weight: f64,
    /// Ranking model: ratings below positive-from are negatives of this weight (0: ignored)
    #[arg(long, default_value_t = IalsParams::default().feedback.negative_weight)]
    pub negative_weight: f64,
    /// Score a validation part carved from the training part (split the same way), leaving the
    /// test part untouched: for tuning
    #[arg(long)]
    pub validation: bool,
    /// Instead of the models' scores: the ranking model's top-10 when "not interested" counts
    /// against similar films with each of these weights (comma-separated; 0: dismissed films
    /// are only left out), the test part's ratings of 2 or less standing in for dismissals
    #[arg(long, value_delimiter = ',')]
    pub dismissal_weights: Vec<f64>,
    /// Instead of the models' scores: how well similar-movie lists blending content with
    /// who-liked-what predict the test part's likes, for several blends (hit rate and NDCG@10
    /// of each liked training movie's top 10). The ratings' movieId are MovieLens ids, matched
    /// to the catalogue in --database (import the catalogue first)
    #[arg(long, conflicts_with = "dismissal_weights")]
    pub similar: bool,
    /// With --similar: the content shares to compare, from 1 (content only) to 0 (who liked
    /// what only)
    #[arg(long, value_delimiter = ',', default_value = "1,0.75,0.5,0.25,0")]
    pub similar_weights: Vec<f32>,
    /// With --similar: the confidence priors to compare (a film's score times n / (n + prior)
    /// for its n ratings; 0: none)
    #[arg(long, value_delimiter = ',', default_value = "0,10,50")]
    pub similar_priors: Vec<f32>,
    /// Print one JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

/// `evaluate --model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalModel {
    Als,
    Ranking,
    Ease,
    Ials,
    Popularity,
    All,
}

#[derive(Debug, Subcommand)]
pub enum RecommendCommand {
    /// (A) The most popular movies: TMDB popularity, or rating counts where a movie has none
    Popular(ListArgs),
    /// (A) The most recently released movies
    Latest(ListArgs),
    /// (B) The top-rated chart by IMDB's weighted rating
    TopRated(TopRatedArgs),
    /// (C) The movies most similar to a title (keywords, cast, director, genres)
    Similar(SimilarArgs),
    /// (D) Personalised recommendations for the ratings in a file, folded into ALS
    User(UserArgs),
}

/// What every `recommend` command shares.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// How many movies
    #[arg(short, long, default_value_t = 10)]
    pub k: usize,
    /// The imported ratings dataset to use [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,
    /// Print a JSON list on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only movies of this genre
    #[arg(long)]
    pub genre: Option<String>,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

/// `--source` of `recommend top-rated`: the recommender's [`ChartSource`] as the command line
/// names it (the recommender knows nothing of clap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    Ratings,
    Tmdb,
}

impl From<Source> for ChartSource {
    fn from(s: Source) -> Self {
        match s {
            Source::Ratings => ChartSource::Ratings,
            Source::Tmdb => ChartSource::Tmdb,
        }
    }
}

#[derive(Debug, Args)]
pub struct TopRatedArgs {
    /// Only movies of this genre (a chart of its own: its own mean and vote threshold)
    #[arg(long)]
    pub genre: Option<String>,
    /// Whose votes: the ratings of the dataset and app users, or TMDB's vote statistics
    #[arg(long, value_enum, default_value_t = Source::Ratings)]
    pub source: Source,
    /// Vote-count percentile a movie needs to be charted
    #[arg(long, default_value_t = 0.9)]
    pub percentile: f64,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The title, any case and accents; "Title (1995)" picks among equal titles
    pub title: String,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The file is CSV with a header naming a rating column and either movieId (MovieLens \
ids, as in a dataset's ratings.csv) or movie_id (catalogue ids); other columns are ignored."
)]
pub struct UserArgs {
    /// The user's ratings (movieId,rating)
    #[arg(long)]
    pub ratings: PathBuf,
    /// Only movies of this genre
    #[arg(long)]
    pub genre: Option<String>,
    #[command(flatten)]
    pub common: SnapshotArgs,
}

#[derive(Debug, Args)]
pub struct EnrichArgs {
    /// Ask TMDB about this many movies at most, the most popular first [default: every movie
    /// that lacks something]
    #[arg(long, value_name = "N", value_parser = enrich::parse_limit)]
    pub limit: Option<usize>,
    /// Print one JSON object with the summary on stdout
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub tmdb: TmdbArgs,
}

/// TMDB's API: the key, where it is, and how fast to ask.
#[derive(Debug, Args)]
pub struct TmdbArgs {
    /// TMDB v3 API key (or v4 read access token) for the trending chart and enrichment; prefer
    /// the environment variable. Unset: the trending chart answers the popular one, and nothing
    /// is enriched
    #[arg(
        long,
        env = "NEXTFLEX_TMDB_API_KEY",
        hide_env_values = true,
        value_parser = |s: &str| Ok::<_, std::convert::Infallible>(crate::config::Secret::new(s))
    )]
    pub tmdb_api_key: Option<crate::config::Secret>,

    /// TMDB's API base URL
    #[arg(
        long,
        env = "NEXTFLEX_TMDB_API_URL",
        default_value = crate::http::TMDB_API_URL,
        hide_env_values = true
    )]
    pub tmdb_api_url: String,

    /// Enrichment: requests a second to TMDB, at most
    #[arg(
        long,
        env = "NEXTFLEX_TMDB_RATE_LIMIT",
        default_value_t = enrich::DEFAULT_RATE,
        value_parser = clap::value_parser!(u32).range(1..=1000),
        hide_env_values = true
    )]
    pub tmdb_rate_limit: u32,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print one JSON object on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(
        long,
        env = "NEXTFLEX_ADDR",
        default_value = "127.0.0.1:8000",
        hide_env_values = true
    )]
    pub addr: SocketAddr,

    /// Serve the Prometheus metrics (GET /metrics) on this address instead of on --addr, e.g.
    /// an interface only the monitoring network reaches [default: on --addr]
    #[arg(long, env = "NEXTFLEX_METRICS_ADDR", hide_env_values = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Seconds that in-flight requests get to finish after SIGTERM or Ctrl-C
    #[arg(
        long,
        env = "NEXTFLEX_SHUTDOWN_GRACE",
        default_value_t = 30,
        hide_env_values = true
    )]
    pub shutdown_grace: u64,

    /// Do not import the demo dataset into an empty catalogue
    /// (NEXTFLEX_NO_DEMO takes 1/0, true/false, yes/no, on/off.)
    #[arg(
        long,
        env = "NEXTFLEX_NO_DEMO",
        hide_env_values = true,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_demo: bool,

    /// The demo dataset imported on first start
    #[arg(
        long,
        env = "NEXTFLEX_DEMO_PATH",
        default_value = "data/demo",
        hide_env_values = true
    )]
    pub demo_path: PathBuf,

    /// Secret that signs login tokens, at least 32 characters; prefer the environment
    /// variable. Unset: generated once and kept in DATA_DIR/jwt-secret
    #[arg(long, env = "NEXTFLEX_JWT_SECRET", hide_env_values = true, hide = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of access tokens, in seconds
    #[arg(
        long,
        env = "NEXTFLEX_ACCESS_TOKEN_TTL",
        default_value_t = 3600,
        hide_env_values = true
    )]
    pub access_token_ttl: u64,

    /// Lifetime of refresh tokens, in seconds
    #[arg(
        long,
        env = "NEXTFLEX_REFRESH_TOKEN_TTL",
        default_value_t = 86400,
        hide_env_values = true
    )]
    pub refresh_token_ttl: u64,

    /// Login and registration attempts allowed per client address and minute (0: no limit)
    #[arg(
        long,
        env = "NEXTFLEX_AUTH_RATE_LIMIT",
        default_value_t = 10,
        hide_env_values = true
    )]
    pub auth_rate_limit: u32,

    /// Wrong passwords allowed per account and hour, from any address, before login, password
    /// change and account deletion answer 429 for that account (0: no limit)
    #[arg(
        long,
        env = "NEXTFLEX_ACCOUNT_GUESS_LIMIT",
        default_value_t = 10,
        hide_env_values = true
    )]
    pub account_guess_limit: u32,

    /// Image uploads allowed per user and hour (0: no limit)
    #[arg(
        long,
        env = "NEXTFLEX_UPLOAD_RATE_LIMIT",
        default_value_t = 60,
        hide_env_values = true
    )]
    pub upload_rate_limit: u32,

    /// Images decoded at once; each may take up to 256 MB while it decodes [default: the
    /// number of CPUs]
    #[arg(
        long,
        env = "NEXTFLEX_IMAGE_DECODES",
        value_parser = clap::value_parser!(u32).range(1..),
        hide_env_values = true
    )]
    pub image_decodes: Option<u32>,

    /// Uploads let in to wait for a decoder beyond those decoding; more get 503 with
    /// Retry-After before their body is read [default: 4 per decoder]
    #[arg(long, env = "NEXTFLEX_UPLOAD_QUEUE", hide_env_values = true)]
    pub upload_queue: Option<u32>,

    /// Seconds a request waits for a database connection before answering 503
    /// database_unavailable
    #[arg(
        long,
        env = "NEXTFLEX_DATABASE_TIMEOUT",
        default_value_t = 3,
        value_parser = clap::value_parser!(u64).range(1..),
        hide_env_values = true
    )]
    pub database_timeout: u64,

    /// Origins allowed to call the API from a browser, comma-separated ("*": any) [default:
    /// none, same origin only]
    #[arg(
        long,
        env = "NEXTFLEX_CORS_ORIGINS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub cors_origins: Vec<String>,

    /// Largest image a post may carry, in bytes (larger uploads get 413)
    #[arg(
        long,
        env = "NEXTFLEX_MAX_IMAGE_BYTES",
        default_value_t = 10 * 1024 * 1024,
        value_parser = clap::value_parser!(u32).range(1..),
        hide_env_values = true
    )]
    pub max_image_bytes: u32,

    /// The imported ratings dataset the recommenders use [default: the one with the most ratings]
    #[arg(long, env = "NEXTFLEX_DATASET", hide_env_values = true)]
    pub dataset: Option<String>,

    /// Seconds between checks for a model version trained by another replica (0: never)
    #[arg(
        long,
        env = "NEXTFLEX_MODEL_POLL_INTERVAL",
        default_value_t = 30,
        hide_env_values = true
    )]
    pub model_poll_interval: u64,

    /// Retrain every this many seconds (0: only on demand)
    #[arg(
        long,
        env = "NEXTFLEX_RETRAIN_INTERVAL",
        default_value_t = 0,
        hide_env_values = true
    )]
    pub retrain_interval: u64,

    #[command(flatten)]
    pub tmdb: TmdbArgs,

    /// Run TMDB enrichment in the background every this long (e.g. 6h, 30m, 1d; the first run
    /// at start-up), then retrain so that what it filled shows; needs a TMDB key [default: off]
    #[arg(
        long,
        env = "NEXTFLEX_ENRICH_INTERVAL",
        value_name = "DURATION",
        value_parser = enrich::parse_interval,
        hide_env_values = true
    )]
    pub enrich_interval: Option<Duration>,

    /// Seconds TMDB's trending list is kept before it is fetched again
    #[arg(
        long,
        env = "NEXTFLEX_TRENDING_CACHE_TTL",
        default_value_t = 600,
        value_parser = clap::value_parser!(u64).range(1..),
        hide_env_values = true
    )]
    pub trending_cache_ttl: u64,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a user account (the password is asked for, or read from stdin)
    Create(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Email address, the login name
    #[arg(long)]
    pub email: String,
    /// Give the account access to the admin dashboard and admin routes
    #[arg(long)]
    pub admin: bool,
    /// Read the password from the first line of standard input instead of prompting
    #[arg(long)]
    pub password_stdin: bool,
    #[arg(long, default_value = "")]
    pub first_name: String,
    #[arg(long, default_value = "")]
    pub last_name: String,
}

fn upload_settings(args: &ServeArgs) -> crate::http::UploadSettings {
    let default = crate::http::UploadSettings::default();
    let decodes = args.image_decodes.map_or(default.decodes, |n| n as usize);
    crate::http::UploadSettings {
        decodes,
        queue: args.upload_queue.map_or(4 * decodes, |n| n as usize),
        per_user_hourly: args.upload_rate_limit,
    }
}

/// Parses the command line, runs the command, and turns errors into one line and an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", crate::error::one_line(&e.to_string()));
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
        let database = DatabaseConfig::parse(&cli.global.database_url, &cwd)?;
        match cli.command {
            Command::Serve(args) => {
                let storage = storage_config(&cli.global, &cwd)?;
                let uploads = upload_settings(&args);
                serve::run(ServeSettings {
                    addr: args.addr,
                    metrics_addr: args.metrics_addr,
                    database,
                    storage,
                    jwt_secret: args.jwt_secret,
                    api: ApiSettings {
                        access_token_ttl: Duration::from_secs(args.access_token_ttl),
                        refresh_token_ttl: Duration::from_secs(args.refresh_token_ttl),
                        auth_rate_limit: args.auth_rate_limit,
                        account_guess_limit: args.account_guess_limit,
                        uploads,
                        cors_origins: args.cors_origins,
                        max_image_bytes: args.max_image_bytes as usize,
                        tmdb_api_key: args.tmdb.tmdb_api_key,
                        tmdb_api_url: args.tmdb.tmdb_api_url,
                        trending_cache_ttl: Duration::from_secs(args.trending_cache_ttl),
                        metrics_route: args.metrics_addr.is_none(),
                    },
                    recommender: RecommenderSettings {
                        dataset: args.dataset,
                        ..RecommenderSettings::default()
                    },
                    pool: PoolSettings {
                        acquire_timeout: Duration::from_secs(args.database_timeout),
                        ..PoolSettings::default()
                    },
                    model_poll_interval: Duration::from_secs(args.model_poll_interval),
                    retrain_interval: Duration::from_secs(args.retrain_interval),
                    enrich: args.enrich_interval.map(|every| enrich::Schedule {
                        every,
                        settings: EnrichSettings {
                            rate: args.tmdb.tmdb_rate_limit,
                            ..EnrichSettings::default()
                        },
                    }),
                    data_dir: cwd.join(&cli.global.data_dir),
                    demo: (!args.no_demo).then(|| cwd.join(&args.demo_path)),
                    shutdown_grace: Duration::from_secs(args.shutdown_grace),
                })
                .await
            }
            Command::Openapi => {
                println!("{}", json(crate::http::openapi_document())?);
                Ok(())
            }
            Command::Migrate => {
                with_db(&database, async |_| Ok(())).await?;
                eprintln!("database {} is up to date", database.redacted());
                Ok(())
            }
            Command::Import(args) => {
                let storage = Storage::open(&storage_config(&cli.global, &cwd)?).await?;
                let paths = if args.paths.is_empty() {
                    vec![cwd.join("data/demo")]
                } else {
                    args.paths.iter().map(|p| cwd.join(p)).collect()
                };
                let summary = with_db(&database, async |db| {
                    import::import(db, &storage, &paths, args.strict).await
                })
                .await?;
                if args.json {
                    println!("{}", json(&summary)?);
                } else {
                    print_summary(&summary);
                }
                Ok(())
            }
            Command::Stats(args) => {
                let stats = with_db(&database, async |db| import::stats(db).await).await?;
                if args.json {
                    println!("{}", json(&stats)?);
                } else {
                    print_stats(&stats);
                }
                Ok(())
            }
            Command::Enrich(args) => {
                // No key, no run: checked before anything else is touched.
                let tmdb = Tmdb::new(args.tmdb.tmdb_api_key.as_ref(), &args.tmdb.tmdb_api_url)?
                    .ok_or_else(|| {
                        Error::Config(
                            "enrich needs a TMDB key: set NEXTFLEX_TMDB_API_KEY (a v3 API key or a \
                             v4 read access token)"
                                .into(),
                        )
                    })?;
                let settings = EnrichSettings {
                    limit: args.limit,
                    rate: args.tmdb.tmdb_rate_limit,
                    ..EnrichSettings::default()
                };
                let summary = with_db(&database, async |db| {
                    enrich::run(db, &tmdb, &settings, true).await
                })
                .await?;
                if args.json {
                    println!("{}", json(&summary)?);
                } else {
                    print_enriched(&summary);
                }
                summary.stop_error().map_or(Ok(()), Err)
            }
            Command::Evaluate(args) => {
                let path = cwd.join(&args.ratings);
                let settings = eval_settings(&args);
                let test_path = args.test.as_ref().map(|t| cwd.join(t));
                let (split, validation) = (args.split, args.validation);
                let weights = args.dismissal_weights.clone();
                if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
                    return Err(Error::Config(
                        "--dismissal-weights: each weight is a number of 0 or more".into(),
                    ));
                }
                let (similar_weights, similar_priors) =
                    (args.similar_weights.clone(), args.similar_priors.clone());
                if similar_weights.iter().any(|w| !(0.0..=1.0).contains(w)) {
                    return Err(Error::Config(
                        "--similar-weights: each content share is a number from 0 to 1".into(),
                    ));
                }
                if similar_priors.iter().any(|p| !p.is_finite() || *p < 0.0) {
                    return Err(Error::Config(
                        "--similar-priors: each prior is a number of 0 or more".into(),
                    ));
                }
                // The catalogue's content, keyed by MovieLens id, for the similar-movies study.
                let catalogue = if args.similar {
                    let (movies, ids) = with_db(&database, async |db| {
                        crate::db::catalogue::features(db).await
                    })
                    .await?;
                    let by_movielens: HashMap<u32, i64> = movies
                        .iter()
                        .zip(&ids)
                        .filter_map(|(m, &id)| Some((u32::try_from(m.movielens_id?).ok()?, id)))
                        .collect();
                    if by_movielens.is_empty() {
                        return Err(Error::Config(format!(
                            "--similar: the catalogue in {} has no MovieLens movie; import one \
                             first (nextflex import)",
                            database.redacted()
                        )));
                    }
                    let items: Vec<_> = movies
                        .into_iter()
                        .zip(ids)
                        .map(|(m, id)| recommender::content_item(m, id))
                        .collect();
                    Some((by_movielens, items))
                } else {
                    None
                };
                // The models' scores, or one of the studies.
                enum Outcome {
                    Models(evaluate::Evaluation),
                    Dismissals(Vec<evaluate::DismissalScores>),
                    Similar(Vec<evaluate::SimilarScores>),
                }
                let outcome = tokio::task::spawn_blocking(move || {
                    let mut ratings = evaluate::read_file(&path)?;
                    let mut test = test_path.as_deref().map(evaluate::read_file).transpose()?;
                    if let Some((by_movielens, items)) = &catalogue {
                        ratings = evaluate::in_catalogue(&ratings, by_movielens)?;
                        test = test
                            .map(|t| evaluate::in_catalogue(&t, by_movielens))
                            .transpose()?;
                        let (train, test) =
                            evaluate::parts(&ratings, test.as_ref(), split, validation)?;
                        let blends = evaluate::similar_blends(&similar_weights, &similar_priors);
                        return evaluate::evaluate_similar(
                            &train, &test, items, &settings, &blends,
                        )
                        .map(Outcome::Similar);
                    }
                    let (train, test) =
                        evaluate::parts(&ratings, test.as_ref(), split, validation)?;
                    if weights.is_empty() {
                        evaluate::evaluate(&train, &test, &settings).map(Outcome::Models)
                    } else {
                        evaluate::evaluate_dismissals(&train, &test, &settings, &weights)
                            .map(Outcome::Dismissals)
                    }
                })
                .await
                .map_err(|e| Error::internal("the evaluation task failed", e))??;
                let result = match outcome {
                    Outcome::Models(evaluation) => evaluation,
                    Outcome::Dismissals(scores) if args.json => {
                        println!("{}", json(&scores)?);
                        return Ok(());
                    }
                    Outcome::Similar(scores) if args.json => {
                        println!("{}", json(&scores)?);
                        return Ok(());
                    }
                    Outcome::Similar(scores) => {
                        println!(
                            "content share   prior   min ratings   hit rate@10   NDCG@10   coverage"
                        );
                        for s in &scores {
                            println!(
                                "{:>13}   {:>5}   {:>11}   {:>11.4}   {:>7.4}   {:>8.4}",
                                s.content_weight,
                                s.prior,
                                s.min_ratings,
                                s.hit_rate_at_10,
                                s.ndcg_at_10,
                                s.coverage
                            );
                        }
                        return Ok(());
                    }
                    Outcome::Dismissals(scores) => {
                        println!("dismissal weight   users   NDCG@10   recall@10");
                        for d in &scores {
                            println!(
                                "{:>16}   {:>5}   {:>7.4}   {:>9.4}",
                                d.weight, d.users, d.ndcg_at_10, d.recall_at_10
                            );
                        }
                        return Ok(());
                    }
                };
                if args.json {
                    println!("{}", json(&result)?);
                } else {
                    print_evaluation(&result);
                }
                Ok(())
            }
            Command::Recommend(command) => {
                let storage = Storage::open(&storage_config(&cli.global, &cwd)?).await?;
                let (list, as_json) = with_db(&database, async |db| {
                    recommend_command(db, &storage, &cwd, command).await
                })
                .await?;
                if as_json {
                    println!("{}", json(&list)?);
                } else {
                    print_recommended(&list);
                }
                Ok(())
            }
            Command::Train(args) => {
                let storage = Storage::open(&storage_config(&cli.global, &cwd)?).await?;
                let record = with_db(&database, async |db| {
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
            Command::Model(command) => {
                let storage = Storage::open(&storage_config(&cli.global, &cwd)?).await?;
                with_db(&database, async |db| {
                    model_command(db, storage, &cwd, command).await
                })
                .await
            }
            Command::Users(UsersCommand::Create(args)) => create_user(&database, args).await,
        }
    });
    // A training still running in the background (the server was stopped mid-way) is abandoned
    // rather than waited for: its version stays recorded as `training` and is never served.
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

async fn model_command(db: &Db, storage: Storage, cwd: &Path, command: ModelCommand) -> Result<()> {
    let models = Models::new(
        db.clone(),
        storage,
        Default::default(),
        RecommenderSettings::default(),
    );
    match command {
        ModelCommand::ImportSpark(args) => {
            let dir = cwd.join(&args.dir);
            let spark =
                tokio::task::spawn_blocking(move || nextflex_data::spark::read_spark_als(&dir))
                    .await
                    .map_err(|e| Error::internal("reading the Spark model failed", e))?
                    .map_err(|e| Error::Invalid(e.to_string()))?;
            let supplied = if args.implicit {
                Supplied::Ranking(models::spark::ranking_from_spark(
                    &spark,
                    args.alpha,
                    args.reg_param,
                )?)
            } else {
                Supplied::Als(models::spark::from_spark(&spark)?)
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
                    Error::NotFound("there is no active model version; run `nextflex train`".into())
                })?,
            };
            let als = models.stored_als(&version).await?;
            let (spark, skipped) = models::spark::to_spark(&als);
            let dir = cwd.join(&args.dir);
            let shown = dir.display().to_string();
            tokio::task::spawn_blocking(move || {
                nextflex_data::spark::write_spark_als(&dir, &spark)
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
}

fn print_version(v: &model_versions::Version) -> Result<()> {
    println!("model version {} ({})", v.version, v.status);
    println!("  data: {}", json(&v.data_sizes)?);
    println!("  metrics: {}", json(&v.metrics)?);
    println!("  timings: {}", json(&v.timings)?);
    println!("  parameters: {}", json(&v.params)?);
    Ok(())
}

async fn recommend_command(
    db: &Db,
    storage: &Storage,
    cwd: &Path,
    command: RecommendCommand,
) -> Result<(Vec<recommend::Recommended>, bool)> {
    let common = match &command {
        RecommendCommand::Popular(a) | RecommendCommand::Latest(a) => &a.common,
        RecommendCommand::TopRated(a) => &a.common,
        RecommendCommand::Similar(a) => &a.common,
        RecommendCommand::User(a) => &a.common,
    };
    let mut settings = RecommenderSettings {
        dataset: common.dataset.clone(),
        ..RecommenderSettings::default()
    };
    if let RecommendCommand::TopRated(a) = &command {
        settings.chart_percentile = a.percentile;
    }
    let user_ratings = match &command {
        RecommendCommand::User(a) => {
            recommend::read_user_ratings(db, &cwd.join(&a.ratings)).await?
        }
        _ => Vec::new(),
    };
    let r = recommender::build(db, storage, &settings).await?;
    let (k, as_json) = (common.k, common.json);
    let list = match &command {
        RecommendCommand::Popular(a) => recommend::popular(&r, a.genre.as_deref(), k)?,
        RecommendCommand::Latest(a) => recommend::latest(&r, a.genre.as_deref(), k)?,
        RecommendCommand::TopRated(a) => {
            recommend::top_rated(&r, a.source.into(), a.genre.as_deref(), k)?
        }
        RecommendCommand::Similar(a) => recommend::similar(&r, &a.title, k)?,
        RecommendCommand::User(a) => recommend::for_user(&r, &user_ratings, a.genre.as_deref(), k)?,
    };
    Ok((list, as_json))
}

fn print_recommended(list: &[recommend::Recommended]) {
    for (n, r) in list.iter().enumerate() {
        let year = r.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let score = r.score.map(|s| format!("  {s:.3}")).unwrap_or_default();
        println!("{:>3}. {}{year}{score}", n + 1, r.title);
        if !r.because.is_empty() {
            println!("       because you rated {}", r.because.join(", "));
        }
    }
}

/// Opens the database for a command (migrated to this build's schema), runs `work` on it, and
/// closes it whatever `work` returned.
async fn with_db<T>(
    database: &DatabaseConfig,
    work: impl AsyncFnOnce(&Db) -> Result<T>,
) -> Result<T> {
    let db = Db::connect(database, &PoolSettings::default()).await?;
    let result = match db.migrate().await {
        Ok(()) => work(&db).await,
        Err(e) => Err(e),
    };
    db.close().await;
    result
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal("cannot write JSON", e))
}

fn print_summary(s: &import::ImportSummary) {
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

/// What `evaluate`'s flags ask for.
fn eval_settings(a: &EvaluateArgs) -> evaluate::EvalSettings {
    use evaluate::ModelKind;
    let models = match a.model {
        EvalModel::Als => vec![ModelKind::Als],
        EvalModel::Ranking => vec![ModelKind::Ranking],
        EvalModel::Ease => vec![ModelKind::Ease],
        EvalModel::Ials => vec![ModelKind::Ials],
        EvalModel::Popularity => vec![ModelKind::Popularity],
        EvalModel::All => vec![
            ModelKind::Popularity,
            ModelKind::Als,
            ModelKind::Ease,
            ModelKind::Ials,
        ],
    };
    evaluate::EvalSettings {
        models,
        als: AlsParams {
            rank: a.rank,
            iterations: a.iterations,
            lambda: a.lambda,
            bias_lambda: a.bias_lambda,
            seed: a.seed,
            popularity_weight: a.popularity_weight,
        },
        ranking: {
            let feedback = Feedback {
                positive_from: a.positive_from,
                value_weight: a.value_weight,
                negative_weight: a.negative_weight,
            };
            let defaults = RankingParams::default();
            RankingParams {
                ease: nextflex_engine::ease::EaseParams {
                    lambda: a.ease_lambda,
                    min_likes: a.ease_min_likes,
                    popularity_discount: a.ease_popularity_discount,
                    feedback: Feedback {
                        positive_from: a.ease_positive_from,
                        ..feedback
                    },
                    ..defaults.ease
                },
                ials: IalsParams {
                    factors: a.factors,
                    iterations: a.ranking_iterations,
                    regularization: a.regularization,
                    unobserved_weight: a.unobserved_weight,
                    frequency_exponent: a.frequency_exponent,
                    cg_steps: a.cg_steps,
                    feedback,
                    seed: a.seed,
                    ..defaults.ials
                },
                ials_only: false,
            }
        },
        max_users: a.ranking_users,
    }
}

fn print_evaluation(e: &evaluate::Evaluation) {
    println!(
        "train / test pairs {} / {} · {} users ranked · top-10 over every unrated training movie",
        e.train_pairs, e.test_pairs, e.ranked_users
    );
    println!(
        "  {:<11} {:>7} {:>7} {:>7} {:>9} {:>8} {:>9} {:>8}",
        "model", "RMSE", "MAE", "P@10", "recall@10", "NDCG@10", "coverage", "fit s"
    );
    let opt = |x: Option<f64>| x.map_or("—".to_owned(), |x| format!("{x:.4}"));
    for m in &e.models {
        println!(
            "  {:<11} {:>7} {:>7} {:>7.4} {:>9.4} {:>8.4} {:>9.4} {:>8.2}",
            serde_json::to_value(m.model)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            opt(m.rmse),
            opt(m.mae),
            m.precision_at_10,
            m.recall_at_10,
            m.ndcg_at_10,
            m.coverage,
            m.fit_seconds
        );
    }
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

fn print_stats(s: &import::Stats) {
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

fn storage_config(global: &GlobalArgs, cwd: &Path) -> Result<StorageConfig> {
    let mut s3 = S3Options::aws_env();
    s3.endpoint = global.s3_endpoint.clone().filter(|e| !e.is_empty());
    if global.s3_region.is_some() {
        s3.region = global.s3_region.clone();
    }
    s3.path_style = global.s3_path_style;
    StorageConfig::parse(&global.storage_url, cwd, s3)
}

async fn create_user(database: &DatabaseConfig, args: CreateUserArgs) -> Result<()> {
    let email = accounts::normalize_email(&args.email).map_err(Error::Invalid)?;
    let password = read_password(args.password_stdin)?;
    let problems = accounts::check_password(&password, &email);
    if !problems.is_empty() {
        return Err(Error::Invalid(format!(
            "the password was refused: {}",
            problems.join(" ")
        )));
    }
    let hash = accounts::hash_password(&password).await?;
    let id = with_db(database, async |db| {
        let user = users::NewUser {
            email: &email,
            password_hash: &hash,
            first_name: args.first_name.trim(),
            last_name: args.last_name.trim(),
            is_admin: args.admin,
        };
        users::create(db, &user).await
    })
    .await?;
    let role = if args.admin { "admin" } else { "user" };
    println!("created {role} {email} (id {id})");
    Ok(())
}

fn read_password(from_stdin: bool) -> Result<String> {
    let stdin = std::io::stdin();
    if from_stdin {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::Invalid(format!("cannot read the password from stdin: {e}")))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !stdin.is_terminal() {
        return Err(Error::Invalid(
            "no terminal to ask for the password on: pass --password-stdin and pipe it in".into(),
        ));
    }
    let prompt = |p: &str| {
        rpassword::prompt_password(p)
            .map_err(|e| Error::Invalid(format!("cannot read the password: {e}")))
    };
    let first = prompt("Password: ")?;
    let second = prompt("Password (again): ")?;
    if first != second {
        return Err(Error::Invalid("the two passwords differ".into()));
    }
    Ok(first)
}
