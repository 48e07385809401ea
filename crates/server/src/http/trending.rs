//! The trending chart: TMDB's movies trending this week, as far as the catalogue has them, in
//! TMDB's order. TMDB's list is fetched at most once per cache lifetime (one fetch shared by
//! every request that waits for it) and mapped onto catalogue movies by their TMDB id. Without a
//! TMDB key, or while TMDB cannot be reached or answers nonsense, the popular chart answers in
//! its place, saying why in `fallback`: TMDB's trouble is never this API's error.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::Instrument;
use utoipa::{IntoParams, ToSchema};

use super::error::{ErrorBody, QueryParams};
use super::movies::{MovieCard, genre, limit, snapshot};
use super::{ApiContext, ApiError, ApiSettings};
use crate::config::Secret;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::recommender::MAX_LIMIT;

/// How long establishing a connection to TMDB may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a whole fetch from TMDB (both pages) may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// How long a failed fetch is remembered before TMDB is asked again (at most the cache TTL).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// TMDB pages read per fetch (20 movies each).
const PAGES: u32 = 2;
/// A TMDB answer larger than this is not read.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/api/charts/trending", get(trending))
}

/// The TMDB client and the cached, mapped list.
pub struct Trending {
    /// `None` without a key.
    tmdb: Option<Tmdb>,
    ttl: Duration,
    cache: Arc<Mutex<Option<Cached>>>,
}

struct Tmdb {
    client: reqwest::Client,
    key: Secret,
    /// `{base}/trending/movie/week`.
    url: reqwest::Url,
}

struct Cached {
    /// Catalogue ids in TMDB's order, or `None`: TMDB was unavailable.
    ids: Option<Arc<[i64]>>,
    until: Instant,
}

/// Why TMDB's list could not be had (for the log: never holds the key or the URL).
#[derive(Debug)]
struct Unavailable(String);

impl Trending {
    pub fn new(settings: &ApiSettings) -> Result<Trending> {
        if settings.trending_cache_ttl.is_zero() {
            return Err(Error::Config(
                "the trending cache lifetime must be positive".into(),
            ));
        }
        // Checked with or without a key, so that a typo shows at start-up.
        let url = trending_url(&settings.tmdb_api_url)?;
        let key = settings
            .tmdb_api_key
            .as_ref()
            .filter(|k| !k.expose().trim().is_empty());
        let tmdb = match key {
            None => None,
            Some(key) => Some(Tmdb {
                client: reqwest::Client::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .timeout(REQUEST_TIMEOUT)
                    // A redirect would carry a v3 key elsewhere: a 3xx is an unusable answer.
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(concat!("nextflex/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| {
                        Error::Config(format!(
                            "cannot set up the TMDB client: {}",
                            e.without_url()
                        ))
                    })?,
                key: Secret::new(key.expose().trim()),
                url,
            }),
        };
        Ok(Trending {
            tmdb,
            ttl: settings.trending_cache_ttl,
            cache: Arc::new(Mutex::new(None)),
        })
    }

    /// TMDB's trending movies as catalogue ids, in TMDB's order: from the cache while it is
    /// fresh, else fetched once for every caller waiting. `Ok(None)`: TMDB is unavailable.
    async fn ids(&self, db: &Db) -> Result<Option<Arc<[i64]>>> {
        let Some(tmdb) = &self.tmdb else {
            return Ok(None);
        };
        let guard = Arc::clone(&self.cache).lock_owned().await;
        if let Some(cached) = guard.as_ref()
            && cached.until > Instant::now()
        {
            return Ok(cached.ids.clone());
        }
        // The fetch runs as a task of its own that holds the lock and fills the cache, so that a
        // caller who goes away mid-fetch neither wastes it nor lets the next caller start another.
        let (client, key, url) = (tmdb.client.clone(), tmdb.key.clone(), tmdb.url.clone());
        let (db, ttl) = (db.clone(), self.ttl);
        let task = tokio::spawn(
            async move {
                let mut guard = guard;
                let fetched = match fetch(&client, &key, &url).await {
                    Ok(tmdb_ids) => Some(catalogue_ids(&db, &tmdb_ids).await?),
                    Err(Unavailable(why)) => {
                        tracing::warn!(
                            reason = %why,
                            "TMDB's trending list is unavailable; the popular chart answers instead"
                        );
                        None
                    }
                };
                let keep = if fetched.is_some() {
                    ttl
                } else {
                    ttl.min(RETRY_AFTER_FAILURE)
                };
                *guard = Some(Cached {
                    ids: fetched.clone(),
                    until: Instant::now() + keep,
                });
                Ok::<_, Error>(fetched)
            }
            // In the request's span, so that the warning names the request.
            .instrument(tracing::Span::current()),
        );
        task.await
            .map_err(|e| Error::Internal(format!("the trending fetch failed: {e}")))?
    }
}

/// `{base}/trending/movie/week`, checked.
fn trending_url(base: &str) -> Result<reqwest::Url> {
    let base = base.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(&format!("{base}/trending/movie/week"))
        .map_err(|e| Error::Config(format!("invalid TMDB API URL {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
        return Err(Error::Config(format!(
            "invalid TMDB API URL {base:?}: expected http(s)://HOST[/PATH]"
        )));
    }
    Ok(url)
}

/// Whether `key` is a TMDB v4 read access token (a JWT) rather than a v3 API key.
fn is_access_token(key: &str) -> bool {
    key.starts_with("eyJ") && key.split('.').count() == 3
}

#[derive(Deserialize)]
struct TmdbPage {
    results: Vec<TmdbMovie>,
    #[serde(default)]
    total_pages: Option<u32>,
}

#[derive(Deserialize)]
struct TmdbMovie {
    #[serde(default)]
    id: Option<i64>,
}

/// TMDB ids of the trending movies, TMDB's order, no repeats: the first page, and the second
/// when there is one and time is left (the second page's failure only loses its movies).
async fn fetch(
    client: &reqwest::Client,
    key: &Secret,
    url: &reqwest::Url,
) -> Result<Vec<i64>, Unavailable> {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let first = page(client, key, url, 1, REQUEST_TIMEOUT).await?;
    let mut ids: Vec<i64> = first.results.iter().filter_map(|m| m.id).collect();
    let pages = first.total_pages.unwrap_or(1).min(PAGES);
    for n in 2..=pages {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(200) {
            break;
        }
        match page(client, key, url, n, left).await {
            Ok(more) => ids.extend(more.results.iter().filter_map(|m| m.id)),
            Err(Unavailable(why)) => {
                tracing::debug!(page = n, reason = %why, "TMDB trending page skipped");
                break;
            }
        }
    }
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(*id));
    Ok(ids)
}

async fn page(
    client: &reqwest::Client,
    key: &Secret,
    url: &reqwest::Url,
    n: u32,
    timeout: Duration,
) -> Result<TmdbPage, Unavailable> {
    let token = is_access_token(key.expose());
    let mut url = url.clone();
    url.query_pairs_mut().append_pair("page", &n.to_string());
    if !token {
        url.query_pairs_mut().append_pair("api_key", key.expose());
    }
    let mut request = client
        .get(url)
        .timeout(timeout)
        .header(header::ACCEPT, "application/json");
    if token {
        request = request.bearer_auth(key.expose());
    }
    // reqwest's errors name the URL, which carries a v3 key: `without_url` keeps it out.
    let failed = |e: reqwest::Error| {
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "cannot connect"
        } else {
            "request failed"
        };
        let e = e.without_url();
        let mut why = format!("{what}: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            why.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        // Belt and braces: no part of an error may carry the key.
        Unavailable(why.replace(key.expose(), "[redacted]"))
    };
    let mut response = request.send().await.map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Unavailable(format!("TMDB answered {status}")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Unavailable(format!(
                "TMDB's answer is over {MAX_BODY_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body)
        .map_err(|e| Unavailable(format!("TMDB's answer is not a page of movies: {e}")))
}

/// The catalogue ids of the movies with these TMDB ids, in the same order; movies the catalogue
/// lacks are left out.
async fn catalogue_ids(db: &Db, tmdb_ids: &[i64]) -> Result<Arc<[i64]>> {
    if tmdb_ids.is_empty() {
        return Ok(Arc::from([]));
    }
    let placeholders = vec!["?"; tmdb_ids.len()].join(", ");
    let sql = format!("SELECT id, tmdb_id FROM movies WHERE tmdb_id IN ({placeholders})");
    let mut query = sqlx::query(db.sql_owned(sql));
    for id in tmdb_ids {
        query = query.bind(*id);
    }
    let mut by_tmdb = HashMap::new();
    for row in query.fetch_all(db.pool()).await? {
        by_tmdb.insert(
            row.try_get::<i64, _>("tmdb_id")?,
            row.try_get::<i64, _>("id")?,
        );
    }
    Ok(tmdb_ids
        .iter()
        .filter_map(|t| by_tmdb.get(t).copied())
        .collect())
}

/// Where the chart comes from: `tmdb`, TMDB's trending movies of the week that the catalogue
/// has, in TMDB's order; `popular`, the popular chart in its place (`fallback` says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum TrendingSource {
    /// TMDB's list of the week.
    Tmdb,
    /// The popular chart, in its place.
    Popular,
}

/// Why the popular chart answers instead of TMDB's list: `not_configured`, the server has no
/// TMDB key; `tmdb_unavailable`, TMDB could not be reached, was too slow, or answered an error or
/// something that is not its list; `no_catalogue_matches`, none of TMDB's trending movies is in
/// the catalogue (an old dataset), so an empty list would say nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum TrendingFallback {
    /// The server has no TMDB key.
    NotConfigured,
    /// TMDB could not be reached, was too slow, or answered an error or nonsense.
    TmdbUnavailable,
    /// None of TMDB's trending movies is in the catalogue.
    NoCatalogueMatches,
}

/// The trending chart.
#[derive(Debug, Serialize, ToSchema)]
struct TrendingBody {
    // No doc comment here: utoipa would wrap the enum in an `allOf` with an object.
    #[schema(inline)]
    source: TrendingSource,
    /// Only with `source: popular`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(inline)]
    fallback: Option<TrendingFallback>,
    results: Vec<MovieCard>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TrendingQuery {
    /// Only movies of this genre.
    genre: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
}

/// The movies trending on TMDB this week
#[utoipa::path(
    get,
    path = "/api/charts/trending",
    tag = "charts",
    params(TrendingQuery),
    responses(
        (status = 200, description = "TMDB's trending movies that the catalogue has, in TMDB's order (`source: tmdb`); without a TMDB key, while TMDB is unavailable or when the catalogue has none of its movies, the popular chart (`source: popular` and `fallback`)", body = TrendingBody),
        (status = 400, description = "`limit` is out of range", body = ErrorBody),
        (status = 404, description = "No such genre", body = ErrorBody),
        (status = 503, description = "The recommenders are being built", body = ErrorBody),
    )
)]
async fn trending(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<TrendingQuery>,
) -> Result<axum::Json<TrendingBody>, ApiError> {
    let r = snapshot(&ctx)?;
    let n = limit(query.limit, 20, MAX_LIMIT, "limit")?;
    let genre = genre(&r, query.genre.as_deref())?;
    let ids = ctx.trending.ids(&ctx.db).await?;
    let fallback = match &ids {
        Some(ids) if ids.iter().any(|&id| r.movie(id).is_some()) => None,
        Some(_) => Some(TrendingFallback::NoCatalogueMatches),
        None if ctx.trending.tmdb.is_some() => Some(TrendingFallback::TmdbUnavailable),
        None => Some(TrendingFallback::NotConfigured),
    };
    let body = match (ids, fallback) {
        (Some(ids), None) => TrendingBody {
            source: TrendingSource::Tmdb,
            fallback: None,
            results: ids
                .iter()
                .filter_map(|&id| r.movie(id))
                .filter(|m| genre.is_none_or(|g| m.genres.iter().any(|x| x == g)))
                .take(n)
                .map(|m| MovieCard::new(&r, m))
                .collect(),
        },
        (_, fallback) => TrendingBody {
            source: TrendingSource::Popular,
            fallback,
            results: r
                .popular(genre, n)
                .into_iter()
                .map(|m| MovieCard::new(&r, m))
                .collect(),
        },
    };
    Ok(axum::Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_checked() {
        assert_eq!(
            trending_url("https://api.themoviedb.org/3/")
                .unwrap()
                .as_str(),
            "https://api.themoviedb.org/3/trending/movie/week"
        );
        assert!(trending_url("ftp://example.com").is_err());
        assert!(trending_url("not a url").is_err());
        assert!(trending_url("http://example.com/?x=1").is_err());
    }

    #[test]
    fn keys_and_tokens_are_told_apart() {
        assert!(!is_access_token("0123456789abcdef0123456789abcdef"));
        assert!(is_access_token("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"));
    }
}
