//! `nextflex serve`: the HTTP server, with its settings. The durations show their environment
//! value in `--help`, as nothing in them is secret.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use nextflex_app::enrich::{self, EnrichSettings};
use nextflex_app::recommender::RecommenderSettings;
use nextflex_store::db::PoolSettings;
use nextflex_store::error::Result;

use super::shared::{TextModelArgs, TmdbArgs, TuningArgs};
use super::{Context, values};
use crate::connections::ConnectionSettings;
use crate::http::{ApiSettings, UploadSettings};
use crate::serve::{self, ServeSettings};

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

    /// How long in-flight requests get to finish after SIGTERM or Ctrl-C
    #[arg(long, env = "NEXTFLEX_SHUTDOWN_GRACE", default_value = "30s", value_parser = values::duration)]
    pub shutdown_grace: Duration,

    /// How long a connection may take to send a request's head, or sit idle between requests,
    /// before it is closed
    #[arg(long, env = "NEXTFLEX_HEADER_TIMEOUT", default_value = "30s", value_parser = values::positive_duration)]
    pub header_timeout: Duration,

    /// Connections open at once; with every one taken, the longest-idle is closed to make room,
    /// and when all are busy a new one gets 503 server_busy [default: the open-file limit
    /// (ulimit -n) less an eighth, at least 64 kept for the rest of the process]
    #[arg(
        long,
        env = "NEXTFLEX_MAX_CONNECTIONS",
        value_parser = clap::value_parser!(u32).range(1..),
        hide_env_values = true
    )]
    pub max_connections: Option<u32>,

    /// How long an upload (an image, a history file) may take to arrive whole; slower ones get
    /// 408 body_timeout and their connection is closed
    #[arg(long, env = "NEXTFLEX_BODY_TIMEOUT", default_value = "60s", value_parser = values::positive_duration)]
    pub body_timeout: Duration,

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

    /// Lifetime of access tokens
    #[arg(long, env = "NEXTFLEX_ACCESS_TOKEN_TTL", default_value = "1h", value_parser = values::duration)]
    pub access_token_ttl: Duration,

    /// Lifetime of refresh tokens
    #[arg(long, env = "NEXTFLEX_REFRESH_TOKEN_TTL", default_value = "1day", value_parser = values::duration)]
    pub refresh_token_ttl: Duration,

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

    /// History imports allowed per user and hour (0: no limit)
    #[arg(
        long,
        env = "NEXTFLEX_IMPORT_RATE_LIMIT",
        default_value_t = 20,
        hide_env_values = true
    )]
    pub import_rate_limit: u32,

    /// Uploads (images and history imports) one user may have under way at once; more get 429
    #[arg(
        long,
        env = "NEXTFLEX_UPLOADS_AT_ONCE",
        default_value_t = 2,
        value_parser = clap::value_parser!(u32).range(1..),
        hide_env_values = true
    )]
    pub uploads_at_once: u32,

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

    /// How long a request waits for a database connection before answering 503
    /// database_unavailable
    #[arg(long, env = "NEXTFLEX_DATABASE_TIMEOUT", default_value = "3s", value_parser = values::positive_duration)]
    pub database_timeout: Duration,

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
    #[command(flatten)]
    pub tuning: TuningArgs,
    #[command(flatten)]
    pub text_model: TextModelArgs,

    /// Time between checks for a model version trained by another replica (0: never)
    #[arg(long, env = "NEXTFLEX_MODEL_POLL_INTERVAL", default_value = "30s", value_parser = values::duration)]
    pub model_poll_interval: Duration,

    /// Retrain every this long (0: only on demand)
    #[arg(long, env = "NEXTFLEX_RETRAIN_INTERVAL", default_value = "0s", value_parser = values::duration)]
    pub retrain_interval: Duration,

    #[command(flatten)]
    pub tmdb: TmdbArgs,

    /// Run TMDB enrichment in the background every this long (e.g. 6h, 30m, 1d; the first run
    /// at start-up), then retrain so that what it filled shows; needs a TMDB key [default: off]
    #[arg(
        long,
        env = "NEXTFLEX_ENRICH_INTERVAL",
        value_name = "DURATION",
        value_parser = values::positive_duration,
        hide_env_values = true
    )]
    pub enrich_interval: Option<Duration>,

    /// How long TMDB's trending list is kept before it is fetched again
    #[arg(long, env = "NEXTFLEX_TRENDING_CACHE_TTL", default_value = "10m", value_parser = values::positive_duration)]
    pub trending_cache_ttl: Duration,
}

pub async fn run(args: ServeArgs, ctx: &Context) -> Result<()> {
    let storage = ctx.storage_config()?;
    let uploads = upload_settings(&args);
    serve::run(ServeSettings {
        addr: args.addr,
        metrics_addr: args.metrics_addr,
        database: ctx.database.clone(),
        storage,
        jwt_secret: args.jwt_secret,
        api: ApiSettings {
            access_token_ttl: args.access_token_ttl,
            refresh_token_ttl: args.refresh_token_ttl,
            auth_rate_limit: args.auth_rate_limit,
            account_guess_limit: args.account_guess_limit,
            uploads,
            cors_origins: args.cors_origins,
            max_image_bytes: args.max_image_bytes as usize,
            tmdb_api_key: args.tmdb.tmdb_api_key,
            tmdb_api_url: args.tmdb.tmdb_api_url,
            trending_cache_ttl: args.trending_cache_ttl,
            metrics_route: args.metrics_addr.is_none(),
        },
        recommender: RecommenderSettings {
            dataset: args.dataset,
            tuning: args.tuning.settings(),
            text_model: args.text_model.load().await,
            ..RecommenderSettings::default()
        },
        pool: PoolSettings {
            acquire_timeout: args.database_timeout,
            ..PoolSettings::default()
        },
        model_poll_interval: args.model_poll_interval,
        retrain_interval: args.retrain_interval,
        enrich: args.enrich_interval.map(|every| enrich::Schedule {
            every,
            settings: EnrichSettings {
                rate: args.tmdb.tmdb_rate_limit,
                ..EnrichSettings::default()
            },
        }),
        data_dir: ctx.cwd.join(&ctx.global.data_dir),
        demo: (!args.no_demo).then(|| ctx.cwd.join(&args.demo_path)),
        shutdown_grace: args.shutdown_grace,
        connections: ConnectionSettings {
            header_timeout: args.header_timeout,
            max_connections: args
                .max_connections
                .map_or_else(ConnectionSettings::places_for_this_process, |n| n as usize),
        },
    })
    .await
}

fn upload_settings(args: &ServeArgs) -> UploadSettings {
    let default = UploadSettings::default();
    let decodes = args.image_decodes.map_or(default.decodes, |n| n as usize);
    UploadSettings {
        decodes,
        queue: args.upload_queue.map_or(4 * decodes, |n| n as usize),
        per_user_hourly: args.upload_rate_limit,
        per_user_at_once: args.uploads_at_once as usize,
        imports_per_user_hourly: args.import_rate_limit,
        body_timeout: args.body_timeout,
    }
}
