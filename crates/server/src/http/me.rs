//! A user's ratings and their personalised recommendations (D): the user's current ratings are
//! read from the database and folded into the ALS model on every request, so a new rating shows
//! in the very next answer, with no retraining.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{
    ErrorBody, InvalidPath, JsonBody, NoSuchGenre, NoSuchMovie, PathParam, QueryParams, WarmingUp,
};
use super::movies::{ChartItem, MovieCard, chart_body, full_snapshot, genre};
use super::tokens::AuthUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::home_rows::RowKind;
use nextflex_app::recommender::{ChartSource, ForYou, MAX_LIMIT};
use nextflex_app::user_history;
use nextflex_store::db::movie_lists;
use nextflex_store::db::{catalogue, ratings};
use nextflex_store::ids::MovieId;
use nextflex_store::rating::Rating;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(rate, unrate))
        .routes(routes!(my_ratings))
        .routes(routes!(recommendations))
        .routes(routes!(home_rows))
        .routes(routes!(export))
}

/// Download your films: ratings, watchlist, films seen and those you are not interested in
///
/// A zip in Letterboxd's layout: `ratings.csv`, `watchlist.csv` and `watched.csv` (seen without a
/// rating) with Letterboxd's columns plus `tmdbID` and `imdbID` (Letterboxd's importer and
/// NextFlex's `POST /api/me/imports` read them back), `not-interested.csv` (NextFlex reads it
/// back), and all of it with NextFlex's ids as `nextflex.json`.
#[utoipa::path(
    get,
    path = "/api/me/export",
    tag = "ratings",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The zip, as an attachment", content(("application/zip")), headers(
            ("Content-Disposition" = String, description = "`attachment; filename=\"nextflex-YYYY-MM-DD.zip\"`"),
        )),
    )
)]
async fn export(State(ctx): State<ApiContext>, user: AuthUser) -> Result<Response, ApiError> {
    let (bytes, name) = nextflex_app::history_export::export(&ctx.db, user.id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
struct RatingBody {
    /// 0.5 to 5.0 in steps of 0.5.
    #[schema(value_type = f64, minimum = 0.5, maximum = 5.0, multiple_of = 0.5)]
    rating: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
struct RatingSaved {
    movie_id: i64,
    rating: f64,
}

/// Ratings go from 0.5 to 5 in half steps, as in MovieLens.
fn check_rating(value: Option<f64>) -> Result<Rating, ApiError> {
    match value {
        Some(r) => Rating::new(r).map_err(|rule| ApiError::field("rating", rule)),
        None => Err(ApiError::field("rating", super::error::REQUIRED)),
    }
}

pub(super) async fn existing_movie(ctx: &ApiContext, id: MovieId) -> Result<MovieId, ApiError> {
    if catalogue::exists(&ctx.db, id).await? {
        Ok(id)
    } else {
        Err(NoSuchMovie.into())
    }
}

/// Rate a movie (or change the rating)
#[utoipa::path(
    put,
    path = "/api/movies/{id}/rating",
    operation_id = "rate_movie",
    tag = "ratings",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    request_body = RatingBody,
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 200, description = "The rating is saved", body = RatingSaved),
        (status = 400, description = "No rating, or not 0.5–5.0 in steps of 0.5", body = ErrorBody),
        NoSuchMovie,
    )
)]
async fn rate(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
    JsonBody(body): JsonBody<RatingBody>,
) -> Result<axum::Json<RatingSaved>, ApiError> {
    let rating = check_rating(body.rating)?;
    let movie_id = existing_movie(&ctx, id).await?;
    ratings::set(&ctx.db, user.id, movie_id, rating)
        .await
        .map_err(super::tokens::deleted_account)?;
    movie_lists::clear(&ctx.db, user.id, movie_id).await?;
    Ok(axum::Json(RatingSaved {
        movie_id: movie_id.get(),
        rating: rating.get(),
    }))
}

/// Take back a rating
#[utoipa::path(
    delete,
    path = "/api/movies/{id}/rating",
    operation_id = "unrate_movie",
    tag = "ratings",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 204, description = "The rating is deleted"),
        (status = 404, description = "No such movie, or not rated by the caller", body = ErrorBody),
    )
)]
async fn unrate(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<StatusCode, ApiError> {
    let movie_id = existing_movie(&ctx, id).await?;
    if ratings::delete(&ctx.db, user.id, movie_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "You have not rated this movie.",
        ))
    }
}

#[derive(Debug, Serialize, ToSchema)]
struct MyRating {
    /// Null while the recommenders are first built, or for a movie added since.
    movie: Option<MovieCard>,
    movie_id: i64,
    rating: f64,
    /// Unix seconds.
    rated_at: i64,
}

/// The caller's ratings, newest first
#[utoipa::path(
    get,
    path = "/api/me/ratings",
    tag = "ratings",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The caller's ratings", body = Vec<MyRating>),
    )
)]
async fn my_ratings(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<Vec<MyRating>>, ApiError> {
    let list = ratings::of_user(&ctx.db, user.id).await?;
    let r = ctx.recommender.get();
    Ok(axum::Json(
        list.into_iter()
            .map(|x| MyRating {
                movie: r
                    .as_ref()
                    .and_then(|r| r.movie(x.movie_id).map(|m| MovieCard::new(r, m))),
                movie_id: x.movie_id,
                rating: x.rating,
                rated_at: x.rated_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ForYouQuery {
    /// How many, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    k: Option<usize>,
    /// Only movies of this genre.
    genre: Option<String>,
}

/// A movie the caller rated, or saw without rating it, that carries a recommendation's score.
#[derive(Debug, Serialize, ToSchema)]
struct Because {
    id: i64,
    title: String,
    /// Its exact share of the recommendation's score (0 to 1; the shares of every rated or seen
    /// movie sum to 1, and only those of at least 0.1 are listed).
    share: f64,
    /// True for a film the caller saw and did not rate: it counts as a like because people here
    /// liked it.
    seen: bool,
}

#[derive(Debug, Serialize, ToSchema)]
struct PersonalItem {
    #[serde(flatten)]
    movie: MovieCard,
    /// The ranking model's match, about 0 to 1 (1: fits the movies the caller liked as well as
    /// they do themselves); the list is ordered by it.
    score: f64,
    /// The stars (0.5 to 5) the rating model predicts the caller would give; absent for a movie
    /// it has no ratings of.
    predicted_rating: Option<f64>,
    because: Vec<Because>,
}

/// Personal picks, or the top-rated chart (`personalised: false`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
enum ForYouItems {
    Personal(Vec<PersonalItem>),
    Chart(Vec<ChartItem>),
}

/// Recommendations for the caller (D).
#[derive(Debug, Serialize, ToSchema)]
struct ForYouBody {
    /// False when the user has no ratings the model can use: `results` is then the top-rated
    /// chart.
    personalised: bool,
    /// Why the list is not personalised: `no_ratings` (none yet) or `no_known_ratings` (only
    /// movies the model does not know).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    fallback: Option<&'static str>,
    /// How many ratings the user has.
    ratings_used: usize,
    results: ForYouItems,
}

/// Personal recommendations (D), folded in from the caller's current ratings
#[utoipa::path(
    get,
    path = "/api/me/recommendations",
    tag = "recommendations",
    params(ForYouQuery),
    security(("jwt" = [])),
    responses(
        (status = 200, description = "Recommendations, best first; the top-rated chart without usable ratings", body = ForYouBody),
        (status = 400, description = "`k` is out of range", body = ErrorBody),
        NoSuchGenre,
        WarmingUp,
    )
)]
async fn recommendations(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    QueryParams(query): QueryParams<ForYouQuery>,
) -> Result<axum::Json<ForYouBody>, ApiError> {
    let r = full_snapshot(&ctx)?;
    let k = query.k.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&k) {
        return Err(ApiError::field(
            "k",
            format!("Must be from 1 to {MAX_LIMIT}."),
        ));
    }
    let genre = genre(&r, query.genre.as_deref())?;
    let history = user_history::of_user(&ctx.db, user.id).await?;
    let ranked = {
        let _timer = ctx.metrics.personal_seconds.start_timer();
        r.for_user(&history, k, genre)
    };
    let body = match ranked {
        ForYou::Personal(list) => ForYouBody {
            personalised: true,
            fallback: None,
            ratings_used: history.ratings.len(),
            results: ForYouItems::Personal(
                list.into_iter()
                    .map(|p| PersonalItem {
                        movie: MovieCard::new(&r, p.movie),
                        score: f64::from(p.score),
                        predicted_rating: p.predicted_rating.map(f64::from),
                        because: p
                            .because
                            .into_iter()
                            .map(|(m, share)| Because {
                                id: m.id,
                                title: m.title.clone(),
                                share: f64::from(share),
                                seen: history.seen.contains(&m.id),
                            })
                            .collect(),
                    })
                    .collect(),
            ),
        },
        ForYou::TopRated(_) => {
            let known = history.ratings.len() + history.seen.len() + history.dismissed.len();
            let mut chart = chart_body(&r, ChartSource::Ratings, genre, k + known);
            chart.results.retain(|c| !history.knows(c.movie.id));
            chart.results.truncate(k);
            ForYouBody {
                personalised: false,
                fallback: Some(if history.ratings.is_empty() {
                    "no_ratings"
                } else {
                    "no_known_ratings"
                }),
                ratings_used: 0,
                results: ForYouItems::Chart(chart.results),
            }
        }
    };
    Ok(axum::Json(body))
}

/// What a home row follows: a film the caller rated, or a person.
#[derive(Debug, Serialize, ToSchema)]
struct RowAnchor {
    /// The movie's id (`because_you_rated`) or the person's (`director`, `star`).
    id: i64,
    name: String,
}

/// A row of the caller's home page.
#[derive(Debug, Serialize, ToSchema)]
struct HomeRow {
    kind: RowKind,
    /// The row's title, which says why it is there ("Because you rated Heat").
    title: String,
    anchor: Option<RowAnchor>,
    movies: Vec<MovieCard>,
}

#[derive(Debug, Serialize, ToSchema)]
struct HomeRows {
    /// The rows in page order; no film is in two of them. Empty while the caller has no rating
    /// that says what they like and nothing on their watchlist.
    rows: Vec<HomeRow>,
}

/// The caller's home page rows, each titled with the reason it is there
#[utoipa::path(
    get,
    path = "/api/me/rows",
    tag = "recommendations",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The rows, in page order", body = HomeRows),
        WarmingUp,
    )
)]
async fn home_rows(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<HomeRows>, ApiError> {
    let r = full_snapshot(&ctx)?;
    let rows = nextflex_app::home_rows::home_rows(&ctx.db, &r, user.id).await?;
    Ok(axum::Json(HomeRows {
        rows: rows
            .into_iter()
            .map(|row| HomeRow {
                kind: row.kind,
                title: row.title,
                anchor: row.anchor.map(|a| RowAnchor {
                    id: a.id,
                    name: a.name,
                }),
                movies: row
                    .movies
                    .into_iter()
                    .map(|m| MovieCard::new(&r, m))
                    .collect(),
            })
            .collect(),
    }))
}
