//! `GET /api/keywords/{id}`: a keyword's page — the movies tagged with it, the most popular
//! first, a page at a time — which the movie page's keywords link to.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, PathParam, QueryParams, WarmingUp};
use super::movies::{MovieCard, snapshot};
use super::page::{Page, Paging};
use super::{ApiContext, ApiError};
use crate::db::keywords;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(keyword))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct KeywordQuery {
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 1_000_000)]
    page: Option<usize>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<usize>,
}

/// A keyword and a page of its movies.
#[derive(Debug, Serialize, ToSchema)]
struct KeywordBody {
    id: i64,
    name: String,
    movies: Page<MovieCard>,
}

/// The movies tagged with a keyword
#[utoipa::path(
    get,
    path = "/api/keywords/{id}",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The keyword's id (`keywords[].id` of a movie)"), KeywordQuery),
    responses(
        (status = 200, description = "The keyword and a page of its movies, the most popular first", body = KeywordBody),
        (status = 400, description = "The id, `page` or `page_size` is out of range", body = ErrorBody),
        (status = 404, description = "No such keyword", body = ErrorBody),
        WarmingUp,
    )
)]
async fn keyword(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<i64>,
    QueryParams(query): QueryParams<KeywordQuery>,
) -> Result<axum::Json<KeywordBody>, ApiError> {
    let paging = Paging::new(query.page, query.page_size)?;
    let keyword = keywords::find(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such keyword."))?;
    let r = snapshot(&ctx)?;
    let movies = r.most_popular_first(&keywords::movies_with(&ctx.db, id).await?);
    let results = movies
        .iter()
        .skip(paging.offset())
        .take(paging.page_size)
        .map(|m| MovieCard::new(&r, m))
        .collect();
    Ok(axum::Json(KeywordBody {
        id: keyword.id,
        name: keyword.name,
        movies: Page::new(paging, movies.len(), results),
    }))
}
