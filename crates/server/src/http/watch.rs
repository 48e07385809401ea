//! Where to watch a movie and its trailer: TMDB's watch providers for one country (its data
//! comes from JustWatch, which the answer credits, as TMDB asks) and the official trailer among
//! its videos, as a YouTube link. Each (movie, country) is fetched at most once per cache
//! lifetime, the two TMDB calls side by side. Without a TMDB key, for a movie TMDB does not know,
//! or while TMDB cannot be reached, the answer says so in `source` and `reason` with empty
//! lists: TMDB's trouble is never this API's error, and the web app shows nothing.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{InvalidPath, NoSuchMovie, PathParam, QueryParams};
use super::{ApiContext, ApiError, ApiSettings};
use nextflex_app::tmdb::Tmdb;
use nextflex_store::db::catalogue;
use nextflex_store::error::Result;
use nextflex_store::ids::MovieId;

/// How long the two TMDB calls may take, together.
const REQUEST_TIMEOUT: Duration = super::trending::REQUEST_TIMEOUT;
/// (movie, country) answers kept.
const CACHED_ANSWERS: usize = 10_000;
/// The country asked when the request names none.
const DEFAULT_COUNTRY: &str = "US";

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(watch))
}

/// The TMDB client and the answers it gave.
pub struct WatchOptions {
    /// `None` without a key.
    tmdb: Option<Arc<Tmdb>>,
    ttl: Duration,
    cache: quick_cache::sync::Cache<(i64, String), (Instant, Arc<WatchBody>)>,
}

impl WatchOptions {
    pub fn new(settings: &ApiSettings) -> Result<WatchOptions> {
        let tmdb = Tmdb::new(settings.tmdb_api_key.as_ref(), &settings.tmdb_api_url)?;
        Ok(WatchOptions {
            tmdb: tmdb.map(Arc::new),
            // TMDB's answers are cached as its trending list is.
            ttl: settings.trending_cache_ttl,
            cache: quick_cache::sync::Cache::new(CACHED_ANSWERS),
        })
    }

    /// The answer for movie `movie` (TMDB's `tmdb_id`, if it has one) in `country`.
    async fn answer(
        &self,
        movie: MovieId,
        tmdb_id: Option<i64>,
        country: String,
    ) -> Arc<WatchBody> {
        let Some(tmdb) = &self.tmdb else {
            return Arc::new(WatchBody::none(country, WatchReason::NotConfigured));
        };
        let key = (movie.get(), country);
        if let Some((at, body)) = self.cache.get(&key)
            && at.elapsed() < self.ttl
        {
            return body;
        }
        let country = key.1.clone();
        let body = match tmdb_id {
            None => WatchBody::none(country, WatchReason::NotOnTmdb),
            Some(id) => match fetch(tmdb, id, &country).await {
                Ok(body) => body,
                Err(why) => {
                    tracing::warn!(reason = %why, "TMDB's watch providers are unavailable");
                    // Not kept: the next request asks TMDB again.
                    return Arc::new(WatchBody::none(country, WatchReason::TmdbUnavailable));
                }
            },
        };
        let body = Arc::new(body);
        self.cache.insert(key, (Instant::now(), Arc::clone(&body)));
        body
    }
}

/// Where the answer comes from: `tmdb`, or `none` (`reason` says why; the lists are empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum WatchSource {
    Tmdb,
    None,
}

/// Why there is nothing to show: `not_configured`, the server has no TMDB key; `not_on_tmdb`,
/// the catalogue knows no TMDB id for the movie; `tmdb_unavailable`, TMDB could not be reached,
/// was too slow, or answered an error or nonsense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum WatchReason {
    NotConfigured,
    NotOnTmdb,
    TmdbUnavailable,
}

/// A service that offers the movie.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct Provider {
    name: String,
    /// TMDB's image path of its logo (`https://image.tmdb.org/t/p/w92{logo_path}`).
    logo_path: Option<String>,
}

/// The official trailer.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct Trailer {
    name: String,
    /// `https://www.youtube.com/watch?v={key}`.
    url: String,
}

/// Where to watch a movie in one country, and its trailer.
#[derive(Debug, Clone, Serialize, ToSchema)]
struct WatchBody {
    #[schema(inline)]
    source: WatchSource,
    /// Only with `source: none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(inline)]
    reason: Option<WatchReason>,
    /// ISO 3166-1 alpha-2, as asked.
    country: String,
    /// TMDB's page of every offer for the country, when it has one.
    link: Option<String>,
    /// Included with a subscription.
    stream: Vec<Provider>,
    /// Free, or free with ads.
    free: Vec<Provider>,
    rent: Vec<Provider>,
    buy: Vec<Provider>,
    trailer: Option<Trailer>,
    /// Whom the offers come from, to be credited where they are shown.
    attribution: &'static str,
}

impl WatchBody {
    fn none(country: String, reason: WatchReason) -> WatchBody {
        WatchBody {
            source: WatchSource::None,
            reason: Some(reason),
            country,
            link: None,
            stream: Vec::new(),
            free: Vec::new(),
            rent: Vec::new(),
            buy: Vec::new(),
            trailer: None,
            attribution: ATTRIBUTION,
        }
    }
}

const ATTRIBUTION: &str = "JustWatch, through TMDB";

/// TMDB's `movie/{id}/watch/providers`.
#[derive(Deserialize)]
struct TmdbProviders {
    #[serde(default)]
    results: std::collections::HashMap<String, TmdbCountry>,
}

#[derive(Deserialize, Default)]
struct TmdbCountry {
    link: Option<String>,
    #[serde(default)]
    flatrate: Vec<TmdbProvider>,
    #[serde(default)]
    free: Vec<TmdbProvider>,
    #[serde(default)]
    ads: Vec<TmdbProvider>,
    #[serde(default)]
    rent: Vec<TmdbProvider>,
    #[serde(default)]
    buy: Vec<TmdbProvider>,
}

#[derive(Deserialize)]
struct TmdbProvider {
    provider_name: Option<String>,
    logo_path: Option<String>,
    #[serde(default)]
    display_priority: i64,
}

/// TMDB's `movie/{id}/videos`.
#[derive(Deserialize)]
struct TmdbVideos {
    #[serde(default)]
    results: Vec<TmdbVideo>,
}

#[derive(Deserialize)]
struct TmdbVideo {
    key: Option<String>,
    name: Option<String>,
    site: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    official: bool,
    iso_639_1: Option<String>,
    published_at: Option<String>,
}

/// Both of TMDB's answers for movie `tmdb_id`, asked side by side.
async fn fetch(tmdb: &Tmdb, tmdb_id: i64, country: &str) -> std::result::Result<WatchBody, String> {
    let providers_path = format!("movie/{tmdb_id}/watch/providers");
    let videos_path = format!("movie/{tmdb_id}/videos");
    let (providers, videos) = tokio::join!(
        tmdb.get(&providers_path, &[], REQUEST_TIMEOUT),
        tmdb.get(&videos_path, &[], REQUEST_TIMEOUT),
    );
    let providers: TmdbProviders =
        serde_json::from_slice(&providers.map_err(|e| e.to_string())?)
            .map_err(|e| format!("TMDB's providers are not what it documents: {e}"))?;
    // A trailer is a nicety: its failure loses only the trailer.
    let videos: Option<TmdbVideos> = videos
        .ok()
        .and_then(|body| serde_json::from_slice(&body).ok());
    let offers = providers
        .results
        .into_iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(country))
        .map(|(_, offers)| offers)
        .unwrap_or_default();
    let mut free = offers.free;
    free.extend(offers.ads);
    Ok(WatchBody {
        source: WatchSource::Tmdb,
        reason: None,
        country: country.to_owned(),
        link: offers.link,
        stream: listed(offers.flatrate),
        free: listed(free),
        rent: listed(offers.rent),
        buy: listed(offers.buy),
        trailer: videos.and_then(|v| trailer(v.results)),
        attribution: ATTRIBUTION,
    })
}

/// Providers in TMDB's display order, each once.
fn listed(mut providers: Vec<TmdbProvider>) -> Vec<Provider> {
    providers.sort_by_key(|p| p.display_priority);
    let mut seen = std::collections::HashSet::new();
    providers
        .into_iter()
        .filter_map(|p| {
            let name = p.provider_name.filter(|n| !n.trim().is_empty())?;
            seen.insert(name.clone()).then_some(Provider {
                name,
                logo_path: p.logo_path,
            })
        })
        .collect()
}

/// The trailer to show: a YouTube trailer, the official ones first, then English, then the
/// newest.
fn trailer(videos: Vec<TmdbVideo>) -> Option<Trailer> {
    videos
        .into_iter()
        .filter(|v| v.site.as_deref() == Some("YouTube") && v.kind.as_deref() == Some("Trailer"))
        .filter_map(|v| {
            let key = v
                .key
                .filter(|k| !k.is_empty() && k.bytes().all(youtube_id_byte))?;
            Some((
                v.official,
                v.iso_639_1.as_deref() == Some("en"),
                v.published_at,
                key,
                v.name,
            ))
        })
        .max_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)))
        .map(|(_, _, _, key, name)| Trailer {
            name: name.unwrap_or_else(|| "Trailer".to_owned()),
            url: format!("https://www.youtube.com/watch?v={key}"),
        })
}

/// What a YouTube video id is made of; anything else is not put in a link.
fn youtube_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct WatchQuery {
    /// ISO 3166-1 alpha-2 country code (`US`, `FR`, `GB`; default `US`).
    #[param(pattern = "^[A-Za-z]{2}$")]
    country: Option<String>,
}

/// Where to watch a movie in a country, and its trailer
#[utoipa::path(
    get,
    path = "/api/movies/{id}/watch",
    tag = "catalogue",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), WatchQuery),
    responses(
        InvalidPath,
        (status = 200, description = "TMDB's watch providers for the country and the official trailer (`source: tmdb`); without a TMDB key, for a movie TMDB does not know or while TMDB is unavailable, empty lists (`source: none` and `reason`)", body = WatchBody),
        (status = 400, description = "`country` is not a two-letter code", body = super::error::ErrorBody),
        NoSuchMovie,
    )
)]
async fn watch(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<MovieId>,
    QueryParams(query): QueryParams<WatchQuery>,
) -> Result<axum::Json<WatchBody>, ApiError> {
    // The documented pattern, exactly: an empty or padded value is refused, not guessed at.
    let country = match query.country.as_deref() {
        None => DEFAULT_COUNTRY.to_owned(),
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            c.to_ascii_uppercase()
        }
        Some(_) => {
            return Err(ApiError::field(
                "country",
                "Must be a two-letter country code, such as US or FR.",
            ));
        }
    };
    // One query both finds the movie and gives its TMDB id.
    let tmdb_id = catalogue::tmdb_id(&ctx.db, id).await?.ok_or(NoSuchMovie)?;
    let body = ctx.watch.answer(id, tmdb_id, country).await;
    Ok(axum::Json(WatchBody::clone(&body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(key: &str, kind: &str, official: bool, lang: &str, at: &str) -> TmdbVideo {
        TmdbVideo {
            key: Some(key.into()),
            name: Some(format!("{kind} {key}")),
            site: Some("YouTube".into()),
            kind: Some(kind.into()),
            official,
            iso_639_1: Some(lang.into()),
            published_at: Some(at.into()),
        }
    }

    #[test]
    fn the_trailer_is_an_official_youtube_trailer_in_english_the_newest_first() {
        let picked = trailer(vec![
            video("teaser1", "Teaser", true, "en", "2020-01-01"),
            video("fan", "Trailer", false, "en", "2021-01-01"),
            video("fr", "Trailer", true, "fr", "2022-01-01"),
            video("old", "Trailer", true, "en", "2019-01-01"),
            video("new", "Trailer", true, "en", "2019-06-01"),
            video("bad key'\"", "Trailer", true, "en", "2030-01-01"),
        ])
        .unwrap();
        assert_eq!(picked.url, "https://www.youtube.com/watch?v=new");
        assert!(trailer(vec![video("t", "Teaser", true, "en", "2020")]).is_none());
    }

    #[test]
    fn providers_keep_tmdbs_order_once_each() {
        let p = |name: &str, priority| TmdbProvider {
            provider_name: Some(name.into()),
            logo_path: None,
            display_priority: priority,
        };
        let names: Vec<String> = listed(vec![p("B", 2), p("A", 1), p("B", 3), p(" ", 0)])
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["A", "B"]);
    }
}
