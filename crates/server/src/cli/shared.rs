//! Flag groups several commands share, flattened into their `Args`: where the database and the
//! object storage are, TMDB's API, and the model parameters `evaluate` takes.

use std::path::{Path, PathBuf};

use clap::Args;
use nextflex_app::enrich;
use nextflex_app::recommender::SharedTextModel;
use nextflex_app::recommender::tuning::TuningSettings;
use nextflex_engine::als::AlsParams;
use nextflex_engine::ials::{Feedback, IalsParams};
use nextflex_engine::ranking::RankingParams;
use nextflex_store::config::{S3Options, Secret, StorageConfig};
use nextflex_store::error::Result;
use nextflex_text_model::TextModel;

use super::values;
use crate::telemetry::LogFormat;

/// Settings every command shares.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    #[command(flatten)]
    pub storage: StorageArgs,

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

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database: sqlite://PATH (created if missing), postgres://… or mysql://…
    #[arg(
        long,
        global = true,
        env = "NEXTFLEX_DATABASE_URL",
        default_value = "sqlite://var/nextflex.db",
        hide_env_values = true
    )]
    pub database_url: String,
}

/// Where the object storage is, and how to reach S3.
#[derive(Debug, Args)]
pub struct StorageArgs {
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
}

impl StorageArgs {
    /// The storage these flags name; relative folders resolve against `cwd`.
    pub fn config(&self, cwd: &Path) -> Result<StorageConfig> {
        let mut s3 = S3Options::aws_env();
        s3.endpoint = self.s3_endpoint.clone().filter(|e| !e.is_empty());
        if self.s3_region.is_some() {
            s3.region = self.s3_region.clone();
        }
        s3.path_style = self.s3_path_style;
        StorageConfig::parse(&self.storage_url, cwd, s3)
    }
}

/// TMDB's API: the key, where it is, and how fast to ask.
#[derive(Debug, Args)]
pub struct TmdbArgs {
    /// TMDB v3 API key (or v4 read access token) for the trending chart, where to watch a movie
    /// and its trailer, and enrichment; prefer the environment variable. Unset: the trending
    /// chart answers the popular one, movie pages show no providers or trailer, and nothing is
    /// enriched
    #[arg(
        long,
        env = "NEXTFLEX_TMDB_API_KEY",
        hide_env_values = true,
        value_parser = |s: &str| Ok::<_, std::convert::Infallible>(Secret::new(s))
    )]
    pub tmdb_api_key: Option<Secret>,

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

/// The explicit ALS's parameters (predicted stars).
#[derive(Debug, Args)]
pub struct AlsArgs {
    #[arg(long, default_value_t = AlsParams::default().rank, value_parser = values::positive_count)]
    pub rank: usize,
    #[arg(long, default_value_t = AlsParams::default().iterations)]
    pub iterations: usize,
    /// Factor regularisation (weighted-λ)
    #[arg(long, default_value_t = AlsParams::default().lambda, value_parser = values::non_negative::<f64>)]
    pub lambda: f64,
    /// Bias regularisation
    #[arg(long, default_value_t = AlsParams::default().bias_lambda, value_parser = values::non_negative::<f64>)]
    pub bias_lambda: f64,
    /// Top-10 ranks by predicted rating + this × ln(1 + the movie's rating count)
    #[arg(long, default_value_t = AlsParams::default().popularity_weight, value_parser = values::non_negative::<f64>)]
    pub popularity_weight: f64,
    /// A rating this many days older than its user's latest counts half in the fit (0: no decay)
    #[arg(long, default_value_t = AlsParams::default().half_life_days, value_parser = values::non_negative::<f64>)]
    pub als_half_life_days: f64,
    /// Penalty on a user's bias for one day, what their ratings of that day share (0: no day biases)
    #[arg(long, default_value_t = AlsParams::default().day_lambda, value_parser = values::non_negative::<f64>)]
    pub als_day_lambda: f64,
}

impl AlsArgs {
    pub fn params(&self, seed: u64) -> AlsParams {
        AlsParams {
            rank: self.rank,
            iterations: self.iterations,
            lambda: self.lambda,
            bias_lambda: self.bias_lambda,
            seed,
            popularity_weight: self.popularity_weight,
            half_life_days: self.als_half_life_days,
            day_lambda: self.als_day_lambda,
        }
    }
}

/// iALS's parameters (the ranking model past the catalogue size EASE fits), and how ratings
/// become implicit feedback for it.
#[derive(Debug, Args)]
pub struct IalsArgs {
    /// Ranking model: factors per vector
    #[arg(long, default_value_t = IalsParams::default().factors, value_parser = values::positive_count)]
    pub factors: usize,
    /// Ranking model: alternating passes
    #[arg(long, default_value_t = IalsParams::default().iterations)]
    pub ranking_iterations: usize,
    /// Ranking model: λ of the regularisation λ·(n + α₀·|other side|)^ν
    #[arg(long, default_value_t = IalsParams::default().regularization, value_parser = values::non_negative::<f64>)]
    pub regularization: f64,
    /// Ranking model: α₀, the weight of every unobserved (user, movie) pair
    #[arg(long, default_value_t = IalsParams::default().unobserved_weight, value_parser = values::non_negative::<f64>)]
    pub unobserved_weight: f64,
    /// Ranking model: ν, how the regularisation scales with a vector's evidence
    #[arg(long, default_value_t = IalsParams::default().frequency_exponent, value_parser = values::non_negative::<f64>)]
    pub frequency_exponent: f64,
    /// Ranking model: conjugate-gradient steps per solve (0: exact Cholesky solves)
    #[arg(long, default_value_t = IalsParams::default().cg_steps)]
    pub cg_steps: usize,
    /// iALS: ratings from this value up are positives
    #[arg(long, default_value_t = IalsParams::default().feedback.positive_from)]
    pub positive_from: f32,
    /// Ranking model: a positive weighs 1 + this × (rating − positive-from)
    #[arg(long, default_value_t = IalsParams::default().feedback.value_weight, value_parser = values::non_negative::<f64>)]
    pub value_weight: f64,
    /// Ranking model: ratings below positive-from are negatives of this weight (0: ignored)
    #[arg(long, default_value_t = IalsParams::default().feedback.negative_weight, value_parser = values::non_negative::<f64>)]
    pub negative_weight: f64,
}

impl IalsArgs {
    pub fn feedback(&self) -> Feedback {
        Feedback {
            positive_from: self.positive_from,
            value_weight: self.value_weight,
            negative_weight: self.negative_weight,
        }
    }

    pub fn params(&self, seed: u64) -> IalsParams {
        IalsParams {
            factors: self.factors,
            iterations: self.ranking_iterations,
            regularization: self.regularization,
            unobserved_weight: self.unobserved_weight,
            frequency_exponent: self.frequency_exponent,
            cg_steps: self.cg_steps,
            feedback: self.feedback(),
            seed,
            ..IalsParams::default()
        }
    }
}

/// How a training tunes its models' hyper-parameters.
#[derive(Debug, Args)]
pub struct TuningArgs {
    /// The most time a training may spend choosing its models' hyper-parameters on a
    /// validation split of its ratings (e.g. 60s; 0: the defaults, untuned) [default: 20 fits of
    /// the defaults]
    #[arg(long, env = "NEXTFLEX_TUNING_BUDGET", value_parser = values::duration)]
    pub tuning_budget: Option<std::time::Duration>,
}

impl TuningArgs {
    pub fn settings(&self) -> TuningSettings {
        TuningSettings {
            budget: self.tuning_budget,
            ..TuningSettings::default()
        }
    }
}

/// The text model of search by meaning.
#[derive(Debug, Args)]
pub struct TextModelArgs {
    /// A folder holding the text model for search by meaning (config.json, tokenizer.json and
    /// model.safetensors of all-MiniLM-L6-v2; `make text-model` fetches it); without one, search
    /// matches titles and words
    #[arg(long, env = "NEXTFLEX_TEXT_MODEL", value_name = "DIR")]
    pub text_model: Option<PathBuf>,
}

impl TextModelArgs {
    /// The model, loaded off the async runtime; a folder that does not hold it is reported and
    /// search goes on by titles and words.
    pub async fn load(&self) -> Option<SharedTextModel> {
        let dir = self.text_model.clone()?;
        let loaded = tokio::task::spawn_blocking(move || TextModel::load(&dir)).await;
        match loaded {
            Ok(Ok(model)) => {
                tracing::info!(dir = %model.dir().display(), "text model loaded: search by meaning is on");
                Some(SharedTextModel::new(model))
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "the text model did not load: search matches titles and words only");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "loading the text model failed");
                None
            }
        }
    }
}

/// EASE's parameters (the ranking model where the catalogue fits it).
#[derive(Debug, Args)]
pub struct EaseArgs {
    /// EASE: ratings from this value up are likes
    #[arg(long, default_value_t = RankingParams::default().ease.feedback.positive_from)]
    pub ease_positive_from: f32,
    /// EASE: λ on the diagonal of the Gram matrix
    #[arg(long, default_value_t = RankingParams::default().ease.lambda, value_parser = values::non_negative::<f64>)]
    pub ease_lambda: f64,
    /// EASE: β, each movie's scores divided by its like count to the power β
    #[arg(long, default_value_t = RankingParams::default().ease.popularity_discount, value_parser = values::non_negative::<f64>)]
    pub ease_popularity_discount: f64,
    /// EASE: a movie needs this many likes to be ranked
    #[arg(long, default_value_t = RankingParams::default().ease.min_likes)]
    pub ease_min_likes: usize,
    /// EASE: a rating below this is a dislike, counted against the films liked with it
    #[arg(long, default_value_t = RankingParams::default().ease.dislike_below)]
    pub ease_dislike_below: f32,
    /// EASE: how much a dislike or a "not interested" counts (0: not at all)
    #[arg(long, default_value_t = RankingParams::default().ease.negative_weight, value_parser = values::non_negative::<f32>)]
    pub ease_negative_weight: f32,
    /// EASE: a rating this many days older than the user's latest counts half (0: no decay)
    #[arg(long, default_value_t = RankingParams::default().ease.half_life_days, value_parser = values::non_negative::<f64>)]
    pub ease_half_life_days: f64,
    /// EASE: the weight of iALS's scores added to EASE's, a blend of the two (0: EASE alone;
    /// tuning keeps a weight only where the blend wins on validation)
    #[arg(long, env = "NEXTFLEX_IALS_BLEND", default_value_t = RankingParams::default().ials_blend, value_parser = values::non_negative::<f64>)]
    pub ials_blend: f64,
}

impl EaseArgs {
    /// The ranking model's parameters: EASE's from these flags, iALS's from `ials` (whose
    /// feedback EASE shares but for its own like threshold).
    pub fn ranking(&self, ials: &IalsArgs, seed: u64) -> RankingParams {
        let defaults = RankingParams::default();
        RankingParams {
            ease: nextflex_engine::ease::EaseParams {
                lambda: self.ease_lambda,
                min_likes: self.ease_min_likes,
                popularity_discount: self.ease_popularity_discount,
                dislike_below: self.ease_dislike_below,
                negative_weight: self.ease_negative_weight,
                half_life_days: self.ease_half_life_days,
                feedback: Feedback {
                    positive_from: self.ease_positive_from,
                    ..ials.feedback()
                },
                ..defaults.ease
            },
            ials: ials.params(seed),
            ials_only: false,
            ials_blend: self.ials_blend,
        }
    }
}
