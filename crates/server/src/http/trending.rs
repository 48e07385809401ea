//! The trending chart: TMDB's movies trending this week, as far as the catalogue has them, in
//! TMDB's order. TMDB's list is fetched at most once per cache lifetime (one fetch shared by
//! every request that waits for it) and mapped onto catalogue movies by their TMDB id. Without a
//! TMDB key, or while TMDB cannot be reached or answers nonsense, the popular chart answers in
//! its place, saying why in `fallback`: TMDB's trouble is never this API's error.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::Instrument;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, NoSuchGenre, QueryParams, WarmingUp};
use super::movies::{MovieCard, genre, limit, snapshot};
use super::{ApiContext, ApiError, ApiSettings};
use nextflex_app::recommender::MAX_LIMIT;
use nextflex_app::tmdb::Tmdb;
use nextflex_store::db::Db;
use nextflex_store::error::{Error, Result};
use nextflex_store::ids::TmdbId;

/// How long a whole fetch from TMDB (both pages) may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// How long a failed fetch is remembered before TMDB is asked again (at most the cache TTL).
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// TMDB pages read per fetch (20 movies each).
const PAGES: u32 = 2;
/// Where TMDB's list of the week is, under the API's base URL.
const TRENDING_PATH: &str = "trending/movie/week";

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(trending))
}

/// The TMDB client and the cached, mapped list.
pub struct Trending {
    /// `None` without a key.
    tmdb: Option<Arc<Tmdb>>,
    ttl: Duration,
    cache: Arc<Mutex<Option<Cached>>>,
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
        // The URL is checked with or without a key, so that a typo shows at start-up.
        let tmdb = Tmdb::new(settings.tmdb_api_key.as_ref(), &settings.tmdb_api_url)?;
        Ok(Trending {
            tmdb: tmdb.map(Arc::new),
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
        let tmdb = Arc::clone(tmdb);
        let (db, ttl) = (db.clone(), self.ttl);
        let task = tokio::spawn(
            async move {
                let mut guard = guard;
                let fetched = match fetch(&tmdb).await {
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
            .map_err(|e| Error::internal("the trending fetch failed", e))?
    }
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
async fn fetch(tmdb: &Tmdb) -> Result<Vec<i64>, Unavailable> {
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    let first = page(tmdb, 1, REQUEST_TIMEOUT).await?;
    let mut ids: Vec<i64> = first.results.iter().filter_map(|m| m.id).collect();
    let pages = first.total_pages.unwrap_or(1).min(PAGES);
    for n in 2..=pages {
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(200) {
            break;
        }
        match page(tmdb, n, left).await {
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

async fn page(tmdb: &Tmdb, n: u32, timeout: Duration) -> Result<TmdbPage, Unavailable> {
    let body = tmdb
        .get(TRENDING_PATH, &[("page", &n.to_string())], timeout)
        .await
        .map_err(|failure| Unavailable(failure.to_string()))?;
    serde_json::from_slice(&body)
        .map_err(|e| Unavailable(format!("TMDB's answer is not a page of movies: {e}")))
}

/// The catalogue ids of the movies with these TMDB ids, in the same order; movies the catalogue
/// lacks are left out.
async fn catalogue_ids(db: &Db, tmdb_ids: &[i64]) -> Result<Arc<[i64]>> {
    // TMDB's own ids are positive; anything else in its answer names no movie here.
    let tmdb_ids: Vec<TmdbId> = tmdb_ids.iter().filter_map(|&t| TmdbId::new(t)).collect();
    if tmdb_ids.is_empty() {
        return Ok(Arc::from([]));
    }
    let by_tmdb = nextflex_store::db::catalogue::movie_ids_by_tmdb(db, &tmdb_ids).await?;
    Ok(tmdb_ids
        .iter()
        .filter_map(|t| by_tmdb.get(t).map(|id| id.get()))
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
        NoSuchGenre,
        WarmingUp,
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
