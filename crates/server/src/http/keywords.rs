//! `GET /api/keywords/{id}`: a keyword's page — the movies tagged with it, the most popular
//! first, a page at a time — which the movie page's keywords link to.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, NoSuchKeyword, PathParam, WarmingUp};
use super::movies::{MovieCard, snapshot};
use super::page::{Page, Paging};
use super::{ApiContext, ApiError};
use nextflex_store::db::keywords;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(keyword))
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
    params(("id" = i64, Path, description = "The keyword's id (`keywords[].id` of a movie)"), Paging),
    responses(
        (status = 200, description = "The keyword and a page of its movies, the most popular first", body = KeywordBody),
        (status = 400, description = "The id, `page` or `page_size` is out of range", body = ErrorBody),
        NoSuchKeyword,
        WarmingUp,
    )
)]
async fn keyword(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<i64>,
    paging: Paging,
) -> Result<axum::Json<KeywordBody>, ApiError> {
    let keyword = keywords::find(&ctx.db, id).await?.ok_or(NoSuchKeyword)?;
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
