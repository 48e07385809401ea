//! The catalogue (browse, search, a movie's page, genres), the charts (A: popular and latest,
//! B: top-rated) and similar movies (C), all answered from the recommender snapshot except a
//! movie's page, which reads the database.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{
    ErrorBody, Integer, InvalidPath, JsonBody, NoSuchGenre, NoSuchMovie, PathParam, QueryParams,
    WarmingUp,
};
use super::page::{Page, Paging};
use super::tokens::MaybeUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::recommender::{
    AboutSearch, ChartSource, Lookup, MAX_K, MAX_LIMIT, MovieQuery, MovieSummary, RatingStats,
    Recommender, SearchMode, SortBy, split_year,
};
use nextflex_app::similar;
use nextflex_store::db::{catalogue, ratings};
use nextflex_store::error::Error;
use nextflex_store::ids::MovieId;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(suggest))
        .routes(routes!(detail))
        .routes(routes!(similar))
        .routes(routes!(similar_by_title))
        .routes(routes!(genres))
        .routes(routes!(languages))
        .routes(routes!(popular))
        .routes(routes!(latest))
        .routes(routes!(top_rated))
}

/// A movie in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovieCard {
    pub id: i64,
    pub title: String,
    pub year: Option<i64>,
    /// `YYYY-MM-DD`.
    pub release_date: Option<String>,
    pub genres: Vec<String>,
    /// TMDB's poster path (e.g. `/abc.jpg`), to be put after a TMDB image base URL.
    pub poster_path: Option<String>,
    pub popularity: Option<f64>,
    /// Ratings in the current snapshot (datasets and app users).
    pub rating: Option<RatingStats>,
}

impl MovieCard {
    pub fn new(r: &Recommender, m: &MovieSummary) -> Self {
        MovieCard {
            id: m.id,
            title: m.title.clone(),
            year: m.year,
            release_date: m.release_date.clone(),
            genres: m.genres.clone(),
            poster_path: m.poster_path.clone(),
            popularity: m.popularity,
            rating: r.rating_stats(m.id),
        }
    }
}

/// A movie like the one asked about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimilarMovie {
    #[serde(flatten)]
    pub movie: MovieCard,
    /// The similarity to the movie asked about: content and who-liked-what blended, shrunk for
    /// films few people rated (0 to 1).
    pub score: f64,
    /// Why it is here, in a few words: "Also directed by Christopher Nolan · liked by the same
    /// people".
    pub why: String,
}

/// The snapshot, or 503 while the first one is being built.
pub fn snapshot(ctx: &ApiContext) -> Result<Arc<Recommender>, ApiError> {
    ctx.recommender
        .get()
        .ok_or_else(|| WarmingUp::Building.into())
}

/// The snapshot, if it has similar movies and personal recommendations: 503 `warming_up` also
/// while only the charts serve (the first model is still training).
pub fn full_snapshot(ctx: &ApiContext) -> Result<Arc<Recommender>, ApiError> {
    let r = snapshot(ctx)?;
    if r.report.partial {
        return Err(WarmingUp::FirstModel.into());
    }
    Ok(r)
}

/// The genre as the catalogue spells it; 404 naming the genres otherwise.
pub fn genre<'a>(r: &'a Recommender, name: Option<&str>) -> Result<Option<&'a str>, ApiError> {
    r.check_genre(name.filter(|g| !g.trim().is_empty()))
        .map_err(Into::into)
}

pub(super) fn limit(
    value: Option<usize>,
    default: usize,
    max: usize,
    name: &str,
) -> Result<usize, ApiError> {
    let v = value.unwrap_or(default);
    if (1..=max).contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::field(name, format!("Must be from 1 to {max}.")))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// A title, or what a film is about (at most 200 characters): "shining", "godfather part 2",
    /// "a heist inside dreams". Titles are matched tolerant of case, accents, typos and how
    /// numbers are written; without `sort`, a title asked for comes first, then films by what
    /// they are about (their words, and their meaning when the text model is loaded).
    q: Option<String>,
    /// One genre as `/api/genres` names it (case-insensitive), or several separated by commas
    /// (`Animation,Comedy`: movies with all of them).
    genre: Option<String>,
    /// Only movies released in this year or later (not after `year_to`).
    year_from: Option<i64>,
    /// Only movies released in this year or earlier (not before `year_from`).
    year_to: Option<i64>,
    /// Only movies at least this long, in minutes (0 to 10,000; not more than `runtime_max`).
    #[param(minimum = 0, maximum = 10_000)]
    runtime_min: Option<i64>,
    /// Only movies at most this long, in minutes (0 to 10,000; not less than `runtime_min`).
    #[param(minimum = 0, maximum = 10_000)]
    runtime_max: Option<i64>,
    /// Only movies first made in this language: an ISO 639-1 code as `/api/languages` lists
    /// them (`fr`, `ja`).
    language: Option<String>,
    /// Only movies with at least this many ratings (0 to 1,000,000; default 0).
    #[param(minimum = 0, maximum = 1_000_000)]
    min_ratings: Option<u64>,
    /// The order; without it, by relevance to `q`, then popularity.
    #[param(inline)]
    sort: Option<SortBy>,
}

/// A page of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
struct MovieList {
    #[serde(flatten)]
    page: Page<MovieCard>,
    /// With `q` and no `sort`: how the query was matched. `meaning` when the text model placed
    /// it by what films are about, `title_and_words` without one; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<SearchMode>,
    /// With `search`: for each film of the page that was not found by its title, the line of
    /// its overview that best matches the query (the film's id and the line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matched_lines: Vec<MatchedLine>,
    /// Films the length and language filters left out only because their length or language is
    /// not on record (0 without those filters): Browse says so rather than dropping them
    /// silently.
    left_out: LeftOut,
}

/// The line of a film's overview a search by what films are about matched.
#[derive(Debug, Serialize, ToSchema)]
struct MatchedLine {
    id: i64,
    line: String,
}

/// Films a length or language filter left out only for want of data.
#[derive(Debug, Serialize, ToSchema)]
struct LeftOut {
    /// With `runtime_min` or `runtime_max`: films that match otherwise but whose length is not
    /// known.
    no_runtime: usize,
    /// With `language`: films that match otherwise but whose original language is not known.
    no_language: usize,
}

/// Browse and search the catalogue
#[utoipa::path(
    get,
    path = "/api/movies",
    operation_id = "list_movies",
    tag = "catalogue",
    params(ListQuery, Paging),
    responses(
        (status = 200, description = "A page of movies", body = MovieList),
        (status = 400, description = "A parameter is out of range", body = ErrorBody),
        NoSuchGenre,
        WarmingUp,
    )
)]
async fn list(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<ListQuery>,
    paging: Paging,
) -> Result<axum::Json<MovieList>, ApiError> {
    let r = snapshot(&ctx)?;
    if let (Some(a), Some(b)) = (query.year_from, query.year_to)
        && a > b
    {
        return Err(ApiError::field("year_from", "Must not be after year_to."));
    }
    let genres = query
        .genre
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|g| !g.trim().is_empty())
        .map(|g| genre(&r, Some(g)).map(Option::unwrap_or_default))
        .collect::<Result<Vec<&str>, ApiError>>()?;
    for (name, minutes) in [
        ("runtime_min", query.runtime_min),
        ("runtime_max", query.runtime_max),
    ] {
        if minutes.is_some_and(|m| !(0..=10_000).contains(&m)) {
            return Err(ApiError::field(name, "From 0 to 10000 minutes."));
        }
    }
    if let (Some(a), Some(b)) = (query.runtime_min, query.runtime_max)
        && a > b
    {
        return Err(ApiError::field(
            "runtime_min",
            "Must not be more than runtime_max.",
        ));
    }
    let language = query
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    if language
        .is_some_and(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(ApiError::field(
            "language",
            "A language code of two or three letters, such as fr or ja.",
        ));
    }
    let language = language.map(str::to_ascii_lowercase);
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::field("q", "At most 200 characters."));
    }
    let min_ratings = query.min_ratings.unwrap_or(0);
    if min_ratings > 1_000_000 {
        return Err(ApiError::field("min_ratings", "From 0 to 1000000."));
    }
    // By meaning when the text model is loaded, the snapshot has the films' embeddings and the
    // query does not name a film; a query not asked recently is embedded off the async runtime
    // (see `ApiContext::cpu_work`).
    let relevance_order = q.is_some() && query.sort.is_none();
    let mode = relevance_order.then(|| r.search_mode());
    let embedding = match (q, ctx.models.text_model(), mode) {
        (Some(q), Some(model), Some(SearchMode::Meaning)) if !r.names_a_title(q) => {
            match model.recent_query(q) {
                Some(v) => Some(v),
                None => {
                    let (model, text) = (model.clone(), q.to_owned());
                    let embedded = cpu_work(&ctx, move || model.embed_query(&text))
                        .await
                        .map_err(|e| Error::internal("embedding the query failed", e))?
                        .map_err(|e| Error::internal("embedding the query failed", e))?;
                    Some(embedded)
                }
            }
        }
        _ => None,
    };
    let list = ListRequest {
        q: q.map(str::to_owned),
        genres: genres.into_iter().map(str::to_owned).collect(),
        year_from: query.year_from,
        year_to: query.year_to,
        runtime_min: query.runtime_min,
        runtime_max: query.runtime_max,
        language,
        min_ratings,
        sort: query.sort,
        paging,
        mode,
        embedding,
    };
    // A search by what films are about scores every film (milliseconds of CPU): off the async
    // runtime too.
    let page = if relevance_order {
        cpu_work(&ctx, move || list.answer(&r))
            .await
            .map_err(|e| Error::internal("searching the catalogue failed", e))?
    } else {
        list.answer(&r)
    };
    Ok(axum::Json(page))
}

/// Runs a request's CPU-heavy `work` on the blocking pool once one of
/// [`ApiContext::cpu_work`]'s permits is free.
async fn cpu_work<T: Send + 'static>(
    ctx: &ApiContext,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Box<dyn std::error::Error + Send + Sync>> {
    let _permit = ctx.cpu_work.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// A catalogue request, checked, with its query's embedding when it has one.
struct ListRequest {
    q: Option<String>,
    genres: Vec<String>,
    year_from: Option<i64>,
    year_to: Option<i64>,
    runtime_min: Option<i64>,
    runtime_max: Option<i64>,
    language: Option<String>,
    min_ratings: u64,
    sort: Option<SortBy>,
    paging: Paging,
    /// With `q` and no `sort`: the search on.
    mode: Option<SearchMode>,
    embedding: Option<Arc<[f32]>>,
}

impl ListRequest {
    fn answer(&self, r: &Recommender) -> MovieList {
        let q = self.q.as_deref();
        let about = match (&self.embedding, self.mode) {
            (Some(v), _) => AboutSearch::Meaning(v),
            (None, Some(_)) => AboutSearch::Words,
            (None, None) => AboutSearch::Off,
        };
        let movie_query = MovieQuery {
            q,
            about,
            genres: self.genres.iter().map(String::as_str).collect(),
            year_from: self.year_from,
            year_to: self.year_to,
            runtime_min: self.runtime_min,
            runtime_max: self.runtime_max,
            language: self.language.as_deref(),
            min_ratings: self.min_ratings,
            sort: self.sort,
            offset: self.paging.offset(),
            limit: self.paging.page_size,
        };
        let (count, movies) = r.search(&movie_query);
        let left_out = r.left_out(&movie_query);
        let matched_lines = match q.filter(|_| self.mode.is_some()) {
            Some(q) => movies
                .iter()
                .filter(|m| !r.title_matches(m.id, q))
                .filter_map(|m| {
                    Some(MatchedLine {
                        id: m.id,
                        line: r.matched_line(m.id, q)?,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        MovieList {
            search: self.mode,
            matched_lines,
            page: Page::new(
                self.paging,
                count,
                movies.into_iter().map(|m| MovieCard::new(r, m)).collect(),
            ),
            left_out: LeftOut {
                no_runtime: left_out.no_runtime,
                no_language: left_out.no_language,
            },
        }
    }
}

/// Most suggestions one answer gives.
const MAX_SUGGESTIONS: usize = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SuggestQuery {
    /// What has been typed so far: 1 to 200 characters (blank: no suggestions).
    #[param(min_length = 1, max_length = 200)]
    q: String,
    /// 1 to 10 (default 10).
    #[param(minimum = 1, maximum = 10)]
    limit: Option<usize>,
}

/// Titles for a search box as the user types: the best matches first
///
/// The same matching and order as `GET /api/movies` without `sort` (a word typed halfway
/// counts as a prefix), without paging.
#[utoipa::path(
    get,
    path = "/api/movies/suggest",
    tag = "catalogue",
    params(SuggestQuery),
    responses(
        (status = 200, description = "Up to `limit` movies", body = Vec<MovieCard>),
        (status = 400, description = "`q` is missing, empty or too long, or `limit` is out of range", body = ErrorBody),
        WarmingUp,
    )
)]
async fn suggest(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<SuggestQuery>,
) -> Result<axum::Json<Vec<MovieCard>>, ApiError> {
    let q = query.q.trim();
    if query.q.is_empty() || query.q.chars().count() > 200 {
        return Err(ApiError::field("q", "From 1 to 200 characters."));
    }
    let limit = limit(query.limit, MAX_SUGGESTIONS, MAX_SUGGESTIONS, "limit")?;
    let r = snapshot(&ctx)?;
    if q.is_empty() {
        return Ok(axum::Json(Vec::new()));
    }
    let movies = r.suggestions(q, limit);
    Ok(axum::Json(
        movies.into_iter().map(|m| MovieCard::new(&r, m)).collect(),
    ))
}

/// A movie's page.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MovieDetail)]
struct Detail {
    #[serde(flatten)]
    movie: catalogue::MovieDetail,
    /// Dataset ratings of the snapshot plus the app users' ratings as they are now.
    rating: RatingStats,
    /// The caller's own rating, when logged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    my_rating: Option<f64>,
    /// The stars (0.5 to 5) the rating model predicts the caller would give, when logged in,
    /// not rated yet, with ratings the model can use.
    #[serde(skip_serializing_if = "Option::is_none")]
    predicted_rating: Option<f64>,
}

/// A movie with its genres, keywords, cast and crew
#[utoipa::path(
    get,
    path = "/api/movies/{id}",
    operation_id = "get_movie",
    tag = "catalogue",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security((), ("jwt" = [])),
    responses(
        InvalidPath,
        (status = 200, description = "The movie; `my_rating` when logged in and rated, else `predicted_rating` when the rating model can place the caller", body = Detail),
        NoSuchMovie,
    )
)]
async fn detail(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<MovieId>,
    MaybeUser(user): MaybeUser,
) -> Result<axum::Json<Detail>, ApiError> {
    let movie = catalogue::detail(&ctx.db, id).await?.ok_or(NoSuchMovie)?;
    let (app_count, app_total) = ratings::movie_stats(&ctx.db, id).await?;
    let id = id.get();
    let dataset = ctx
        .recommender
        .get()
        .and_then(|r| r.dataset_stats(id))
        .unwrap_or(RatingStats {
            count: 0,
            mean: 0.0,
        });
    let count = dataset.count + app_count;
    let rating = RatingStats {
        count,
        mean: if count == 0 {
            0.0
        } else {
            (dataset.mean * dataset.count as f64 + app_total) / count as f64
        },
    };
    let (my_rating, predicted_rating) = match user {
        Some(u) => {
            let rows = ratings::of_user(&ctx.db, u.id).await?;
            let mine: Vec<(i64, f32)> =
                rows.iter().map(|x| (x.movie_id, x.rating as f32)).collect();
            let rated_at: Vec<i64> = rows.iter().map(|x| x.rated_at).collect();
            let own = mine.iter().find(|x| x.0 == id).map(|x| f64::from(x.1));
            let predicted = match (own, ctx.recommender.get()) {
                (None, Some(r)) if !mine.is_empty() => r.predicted_rating(&mine, &rated_at, id),
                _ => None,
            };
            (own, predicted.map(f64::from))
        }
        None => (None, None),
    };
    Ok(axum::Json(Detail {
        movie,
        rating,
        my_rating,
        predicted_rating,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
struct GenreCount {
    name: String,
    movies: usize,
}

/// The genres, with how many movies each has
#[utoipa::path(
    get,
    path = "/api/genres",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every genre of the catalogue", body = Vec<GenreCount>),
        WarmingUp,
    )
)]
async fn genres(State(ctx): State<ApiContext>) -> Result<axum::Json<Vec<GenreCount>>, ApiError> {
    let r = snapshot(&ctx)?;
    Ok(axum::Json(
        r.genres()
            .iter()
            .map(|g| GenreCount {
                name: g.clone(),
                movies: r
                    .search(&MovieQuery {
                        genres: vec![g],
                        limit: 0,
                        ..MovieQuery::default()
                    })
                    .0,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
struct LanguageCount {
    /// ISO 639-1: `en`, `fr`, `ja`.
    code: String,
    movies: usize,
}

/// The original languages of the catalogue, with how many movies each has
#[utoipa::path(
    get,
    path = "/api/languages",
    tag = "catalogue",
    responses(
        (status = 200, description = "Every original language of the catalogue, the most common first", body = Vec<LanguageCount>),
        WarmingUp,
    )
)]
async fn languages(
    State(ctx): State<ApiContext>,
) -> Result<axum::Json<Vec<LanguageCount>>, ApiError> {
    let r = snapshot(&ctx)?;
    Ok(axum::Json(
        r.languages()
            .into_iter()
            .map(|(code, movies)| LanguageCount {
                code: code.to_owned(),
                movies,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChartQuery {
    /// Only movies of this genre.
    genre: Option<String>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// Top-rated only: whose votes to count (default `ratings`); ignored by the other charts.
    #[param(inline)]
    source: Option<ChartSource>,
}

/// Popular or latest (A): the snapshot's list, filtered by genre.
fn listing(
    ctx: &ApiContext,
    query: &ChartQuery,
    list: for<'a> fn(&'a Recommender, Option<&str>, usize) -> Vec<&'a MovieSummary>,
) -> Result<axum::Json<Vec<MovieCard>>, ApiError> {
    let r = snapshot(ctx)?;
    let n = limit(query.limit, 20, MAX_LIMIT, "limit")?;
    let genre = genre(&r, query.genre.as_deref())?;
    Ok(axum::Json(
        list(&r, genre, n)
            .into_iter()
            .map(|m| MovieCard::new(&r, m))
            .collect(),
    ))
}

/// The most popular movies (A)
#[utoipa::path(
    get,
    path = "/api/charts/popular",
    tag = "charts",
    params(ChartQuery),
    responses(
        (status = 200, description = "Movies, most popular first", body = Vec<MovieCard>),
        (status = 400, description = "`limit` is out of range", body = ErrorBody),
        NoSuchGenre,
        WarmingUp,
    )
)]
async fn popular(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<ChartQuery>,
) -> Result<axum::Json<Vec<MovieCard>>, ApiError> {
    listing(&ctx, &query, Recommender::popular)
}

/// The latest movies (A)
#[utoipa::path(
    get,
    path = "/api/charts/latest",
    tag = "charts",
    params(ChartQuery),
    responses(
        (status = 200, description = "Movies, newest first", body = Vec<MovieCard>),
        (status = 400, description = "`limit` is out of range", body = ErrorBody),
        NoSuchGenre,
        WarmingUp,
    )
)]
async fn latest(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<ChartQuery>,
) -> Result<axum::Json<Vec<MovieCard>>, ApiError> {
    listing(&ctx, &query, Recommender::latest)
}

/// A top-rated chart (B), by IMDb's weighted rating `(v·R + m·C) / (v + m)`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChartBody {
    /// `C`: the mean rating over the chart's movies.
    pub mean_rating: f64,
    /// `m`: the votes a movie needs to be charted.
    pub min_votes: f64,
    pub source: ChartSource,
    pub results: Vec<ChartItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChartItem {
    #[serde(flatten)]
    pub movie: MovieCard,
    /// The weighted rating.
    pub score: f64,
    /// `v`: the movie's votes.
    pub votes: u64,
    /// `R`: the movie's mean rating.
    pub mean: f64,
}

/// The top-rated chart as the API shows it.
pub fn chart_body(
    r: &Recommender,
    source: ChartSource,
    genre: Option<&str>,
    n: usize,
) -> ChartBody {
    let chart = r.top_rated(source, genre, n);
    ChartBody {
        mean_rating: chart.stats.mean,
        min_votes: chart.stats.min_votes,
        source,
        results: chart
            .entries
            .into_iter()
            .map(|e| ChartItem {
                movie: MovieCard::new(r, e.movie),
                score: e.score,
                votes: e.votes,
                mean: e.mean,
            })
            .collect(),
    }
}

/// The top-rated movies (B)
#[utoipa::path(
    get,
    path = "/api/charts/top-rated",
    tag = "charts",
    params(ChartQuery),
    responses(
        (status = 200, description = "The chart, best first", body = ChartBody),
        (status = 400, description = "`limit` or `source` is invalid", body = ErrorBody),
        NoSuchGenre,
        WarmingUp,
    )
)]
async fn top_rated(
    State(ctx): State<ApiContext>,
    QueryParams(query): QueryParams<ChartQuery>,
) -> Result<axum::Json<ChartBody>, ApiError> {
    let r = snapshot(&ctx)?;
    let n = limit(query.limit, 20, MAX_LIMIT, "limit")?;
    let genre = genre(&r, query.genre.as_deref())?;
    Ok(axum::Json(chart_body(
        &r,
        query.source.unwrap_or_default(),
        genre,
        n,
    )))
}

/// Movies like one movie (C).
#[derive(Debug, Serialize, ToSchema)]
struct SimilarBody {
    movie: MovieCard,
    results: Vec<SimilarMovie>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SimilarQuery {
    /// How many, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    k: Option<usize>,
}

/// The answer of the similar-movies routes, as JSON: made once per snapshot, film and `k` (it
/// depends on nothing else), then kept, so that the page people open most costs a lookup.
fn similar_answer(
    ctx: &ApiContext,
    r: &Arc<Recommender>,
    movie: &MovieSummary,
    k: usize,
) -> Response {
    let json = ctx.similar_answers.get_or_make(r, movie.id, k, || {
        serde_json::to_vec(&similar_body(r, movie, k)).map(bytes::Bytes::from)
    });
    match json {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// Answers kept for the snapshot in service: built on first ask, dropped together when another
/// snapshot comes into service, at most [`SimilarAnswers::BYTES`] in all. Each is keyed by its
/// snapshot too, so that a request still answering from the snapshot before never leaves its
/// answer for the new one.
pub struct SimilarAnswers {
    /// The snapshot last seen (a weak reference keeps its address from being reused while its
    /// answers may be kept).
    of: std::sync::Mutex<std::sync::Weak<Recommender>>,
    answers: quick_cache::sync::Cache<AnswerKey, bytes::Bytes, AnswerBytes>,
}

/// The snapshot's address, the film and `k`.
type AnswerKey = (usize, i64, usize);

/// An answer weighs its length.
#[derive(Clone)]
pub struct AnswerBytes;

impl quick_cache::Weighter<AnswerKey, bytes::Bytes> for AnswerBytes {
    fn weight(&self, _: &AnswerKey, answer: &bytes::Bytes) -> u64 {
        answer.len() as u64
    }
}

impl Default for SimilarAnswers {
    fn default() -> Self {
        SimilarAnswers {
            of: std::sync::Mutex::new(std::sync::Weak::new()),
            answers: quick_cache::sync::Cache::with_weighter(
                Self::ENTRIES,
                Self::BYTES,
                AnswerBytes,
            ),
        }
    }
}

impl SimilarAnswers {
    /// Memory the kept answers may take (the 10,000 most asked ten-film lists, at about 4 KB).
    const BYTES: u64 = 48 * 1024 * 1024;
    /// The number of answers the cache is sized for.
    const ENTRIES: usize = 12_000;

    fn get_or_make<E>(
        &self,
        r: &Arc<Recommender>,
        movie: i64,
        k: usize,
        make: impl FnOnce() -> Result<bytes::Bytes, E>,
    ) -> Result<bytes::Bytes, E> {
        {
            let mut of = self.of.lock().unwrap_or_else(|p| p.into_inner());
            if !std::ptr::eq(of.as_ptr(), Arc::as_ptr(r)) {
                self.answers.clear();
                *of = Arc::downgrade(r);
            }
        }
        let key = (Arc::as_ptr(r) as usize, movie, k);
        self.answers.get_or_insert_with(&key, make)
    }
}

fn similar_body(r: &Recommender, movie: &MovieSummary, k: usize) -> SimilarBody {
    let results = similar::explained(r, movie.id, k).unwrap_or_default();
    SimilarBody {
        movie: MovieCard::new(r, movie),
        results: results
            .into_iter()
            .map(|e| SimilarMovie {
                movie: MovieCard::new(r, e.neighbour.movie),
                score: f64::from(e.neighbour.score),
                why: e.why,
            })
            .collect(),
    }
}

/// Movies similar to a movie (C)
#[utoipa::path(
    get,
    path = "/api/movies/{id}/similar",
    operation_id = "similar_movies",
    tag = "recommendations",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), SimilarQuery),
    responses(
        InvalidPath,
        (status = 200, description = "The movie and exactly `k` similar ones, most similar first", body = SimilarBody),
        (status = 400, description = "`k` is out of range", body = ErrorBody),
        NoSuchMovie,
        WarmingUp,
    )
)]
async fn similar(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<MovieId>,
    QueryParams(query): QueryParams<SimilarQuery>,
) -> Result<Response, ApiError> {
    let r = full_snapshot(&ctx)?;
    let k = limit(query.k, 10, MAX_K, "k")?;
    let id = id.get();
    let movie = r.movie(id).ok_or(NoSuchMovie)?;
    Ok(similar_answer(&ctx, &r, movie, k))
}

#[derive(Debug, Deserialize, ToSchema)]
struct SimilarRequest {
    /// A title, optionally with its year: `Heat (1995)`; blank (only spaces) is no title.
    #[schema(value_type = String, min_length = 1, pattern = r"\S")]
    title: Option<String>,
    /// How many, 1 to 100 (default 10).
    #[schema(value_type = Option<usize>, minimum = 1, maximum = 100)]
    k: Option<Integer>,
}

#[derive(Debug, Serialize)]
struct Candidate {
    id: i64,
    title: String,
    year: Option<i64>,
}

impl Candidate {
    fn of(m: &MovieSummary) -> Self {
        Candidate {
            id: m.id,
            title: m.title.clone(),
            year: m.year,
        }
    }
}

/// Movies similar to a movie named by its title (C)
#[utoipa::path(
    post,
    path = "/api/recommend/similar",
    tag = "recommendations",
    request_body = SimilarRequest,
    responses(
        (status = 200, description = "The movie and exactly `k` similar ones", body = SimilarBody),
        (status = 400, description = "No `title`, or `k` out of range", body = ErrorBody),
        (status = 404, description = "No movie has that title; `suggestions` lists close ones", body = ErrorBody),
        (status = 409, description = "`ambiguous_title`: several movies have it; `candidates` lists them", body = ErrorBody),
        WarmingUp,
    )
)]
async fn similar_by_title(
    State(ctx): State<ApiContext>,
    JsonBody(body): JsonBody<SimilarRequest>,
) -> Result<Response, ApiError> {
    let r = full_snapshot(&ctx)?;
    let k = body.k.map(|Integer(k)| usize::try_from(k).unwrap_or(0));
    let k = limit(k, 10, MAX_K, "k")?;
    let title = body.title.as_deref().map(str::trim).unwrap_or_default();
    if title.is_empty() {
        return Err(ApiError::field("title", super::error::REQUIRED));
    }
    let (name, year) = split_year(title);
    match r.find(name, year) {
        Lookup::Found(movie) => Ok(similar_answer(&ctx, &r, movie, k)),
        Lookup::Ambiguous(candidates) => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::AmbiguousTitle,
            format!("{title:?} names several movies; pick one by its year or id."),
        )
        .with(
            "candidates",
            candidates
                .into_iter()
                .map(Candidate::of)
                .collect::<Vec<_>>(),
        )),
        Lookup::NotFound => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("No movie titled {title:?}."),
        )
        .with(
            "suggestions",
            r.suggestions(name, 5)
                .into_iter()
                .map(Candidate::of)
                .collect::<Vec<_>>(),
        )),
    }
}
