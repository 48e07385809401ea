//! A user's watchlist, "not interested" list and films seen without a rating. A movie is on at
//! most one of them: adding it to one takes it off the others, and rating it takes it off all
//! three (a rated film counts as seen). Dismissed and seen movies never appear in the user's
//! recommendations; a seen film also counts as a like where people here liked it.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, InvalidPath, NoSuchMovie, PathParam};
use super::me::existing_movie;
use super::movies::MovieCard;
use super::tokens::AuthUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_store::db::movie_lists::{self, List};
use nextflex_store::db::ratings;
use nextflex_store::ids::MovieId;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(watchlist))
        .routes(routes!(add_to_watchlist, remove_from_watchlist))
        .routes(routes!(dismissed))
        .routes(routes!(dismiss, undismiss))
        .routes(routes!(seen))
        .routes(routes!(mark_seen, unmark_seen))
}

/// A movie on one of the caller's lists.
#[derive(Debug, Serialize, ToSchema)]
struct ListEntry {
    /// Null while the recommenders are first built, or for a movie added since.
    movie: Option<MovieCard>,
    movie_id: i64,
    /// Unix seconds.
    added_at: i64,
}

/// The answer to putting a movie on a list.
#[derive(Debug, Serialize, ToSchema)]
struct Listed {
    movie_id: i64,
    /// False when the movie was on the list already (nothing changed).
    added: bool,
}

async fn entries(
    ctx: &ApiContext,
    user: &AuthUser,
    list: List,
) -> Result<axum::Json<Vec<ListEntry>>, ApiError> {
    let rows = movie_lists::of_user(&ctx.db, user.id, list).await?;
    let r = ctx.recommender.get();
    Ok(axum::Json(
        rows.into_iter()
            .map(|e| ListEntry {
                movie: r
                    .as_ref()
                    .and_then(|r| r.movie(e.movie_id).map(|m| MovieCard::new(r, m))),
                movie_id: e.movie_id,
                added_at: e.added_at,
            })
            .collect(),
    ))
}

async fn add(
    ctx: &ApiContext,
    user: &AuthUser,
    id: MovieId,
    list: List,
) -> Result<axum::Json<Listed>, ApiError> {
    let movie_id = existing_movie(ctx, id).await?;
    if list == List::Seen && ratings::get(&ctx.db, user.id, movie_id).await?.is_some() {
        // Rated is seen, and says more: nothing to add.
        return Ok(axum::Json(Listed {
            movie_id: movie_id.get(),
            added: false,
        }));
    }
    let added = movie_lists::add(&ctx.db, user.id, movie_id, list)
        .await
        .map_err(super::tokens::deleted_account)?;
    Ok(axum::Json(Listed {
        movie_id: movie_id.get(),
        added,
    }))
}

async fn remove(
    ctx: &ApiContext,
    user: &AuthUser,
    id: MovieId,
    list: List,
) -> Result<StatusCode, ApiError> {
    let movie_id = existing_movie(ctx, id).await?;
    if movie_lists::remove(&ctx.db, user.id, movie_id, list).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            match list {
                List::Watchlist => "This movie is not on your watchlist.",
                List::Dismissed => "You have not marked this movie as not interested.",
                List::Seen => "You have not marked this movie as seen.",
            },
        ))
    }
}

/// The caller's watchlist, newest first
#[utoipa::path(
    get,
    path = "/api/me/watchlist",
    tag = "lists",
    security(("jwt" = [])),
    responses((status = 200, description = "The movies on the caller's watchlist", body = Vec<ListEntry>))
)]
async fn watchlist(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<Vec<ListEntry>>, ApiError> {
    entries(&ctx, &user, List::Watchlist).await
}

/// Add a movie to the watchlist (taking it off "not interested")
#[utoipa::path(
    put,
    path = "/api/me/watchlist/{id}",
    operation_id = "add_to_watchlist",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 200, description = "The movie is on the watchlist", body = Listed),
        NoSuchMovie,
    )
)]
async fn add_to_watchlist(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<axum::Json<Listed>, ApiError> {
    add(&ctx, &user, id, List::Watchlist).await
}

/// Take a movie off the watchlist
#[utoipa::path(
    delete,
    path = "/api/me/watchlist/{id}",
    operation_id = "remove_from_watchlist",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 204, description = "The movie is off the watchlist"),
        (status = 404, description = "No such movie, or not on the watchlist", body = ErrorBody),
    )
)]
async fn remove_from_watchlist(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<StatusCode, ApiError> {
    remove(&ctx, &user, id, List::Watchlist).await
}

/// The movies the caller is not interested in, newest first
#[utoipa::path(
    get,
    path = "/api/me/dismissed",
    tag = "lists",
    security(("jwt" = [])),
    responses((status = 200, description = "The movies the caller dismissed", body = Vec<ListEntry>))
)]
async fn dismissed(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<Vec<ListEntry>>, ApiError> {
    entries(&ctx, &user, List::Dismissed).await
}

/// Not interested: the movie leaves the caller's recommendations (and watchlist) for good
#[utoipa::path(
    put,
    path = "/api/me/dismissed/{id}",
    operation_id = "dismiss_movie",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 200, description = "The movie is dismissed", body = Listed),
        NoSuchMovie,
    )
)]
async fn dismiss(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<axum::Json<Listed>, ApiError> {
    add(&ctx, &user, id, List::Dismissed).await
}

/// Undo "not interested"
#[utoipa::path(
    delete,
    path = "/api/me/dismissed/{id}",
    operation_id = "undismiss_movie",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 204, description = "The movie may be recommended again"),
        (status = 404, description = "No such movie, or not dismissed", body = ErrorBody),
    )
)]
async fn undismiss(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<StatusCode, ApiError> {
    remove(&ctx, &user, id, List::Dismissed).await
}

/// The movies the caller marked seen without rating them, newest first
#[utoipa::path(
    get,
    path = "/api/me/seen",
    tag = "lists",
    security(("jwt" = [])),
    responses((status = 200, description = "The movies the caller has seen and not rated", body = Vec<ListEntry>))
)]
async fn seen(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<Vec<ListEntry>>, ApiError> {
    entries(&ctx, &user, List::Seen).await
}

/// Seen it: the movie leaves the caller's recommendations and watchlist, and counts as a like where
/// people here liked it (a rated movie is seen already: nothing changes)
#[utoipa::path(
    put,
    path = "/api/me/seen/{id}",
    operation_id = "mark_seen",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 200, description = "The movie is marked seen", body = Listed),
        NoSuchMovie,
    )
)]
async fn mark_seen(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<axum::Json<Listed>, ApiError> {
    add(&ctx, &user, id, List::Seen).await
}

/// Not seen after all
#[utoipa::path(
    delete,
    path = "/api/me/seen/{id}",
    operation_id = "unmark_seen",
    tag = "lists",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("jwt" = [])),
    responses(
        InvalidPath,
        (status = 204, description = "The movie is no longer marked seen"),
        (status = 404, description = "No such movie, or not marked seen", body = ErrorBody),
    )
)]
async fn unmark_seen(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    PathParam(id): PathParam<MovieId>,
) -> Result<StatusCode, ApiError> {
    remove(&ctx, &user, id, List::Seen).await
}
