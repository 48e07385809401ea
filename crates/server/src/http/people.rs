//! `GET /api/people/{id}`: a person's page — their parts and their crew jobs, newest film
//! first — which the movie page's cast and crew and the home page's "More from" and "Starring"
//! rows link to.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{InvalidPath, NoSuchPerson, PathParam, WarmingUp};
use super::movies::{MovieCard, full_snapshot};
use super::{ApiContext, ApiError};
use nextflex_store::db::people::{self, PersonCredit};

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(person))
}

/// A film someone has a part in.
#[derive(Debug, Serialize, ToSchema)]
struct Part {
    #[serde(flatten)]
    movie: MovieCard,
    character: Option<String>,
    /// The place in the cast's billing (0 first).
    order: i64,
}

/// A film someone worked on behind the camera.
#[derive(Debug, Serialize, ToSchema)]
struct Job {
    #[serde(flatten)]
    movie: MovieCard,
    /// "Director", "Screenplay", "Original Music Composer"…
    job: String,
    department: String,
}

/// A person with their films, newest first (undated films last).
#[derive(Debug, Serialize, ToSchema)]
struct PersonBody {
    id: i64,
    name: String,
    /// TMDB's image path of their portrait.
    profile_path: Option<String>,
    cast: Vec<Part>,
    crew: Vec<Job>,
}

/// A person's films: their parts and their crew jobs
#[utoipa::path(
    get,
    path = "/api/people/{id}",
    tag = "catalogue",
    params(("id" = i64, Path, description = "The person's id (`person_id` in a movie's cast and crew)")),
    responses(
        (status = 200, description = "The person and their films", body = PersonBody),
        InvalidPath,
        NoSuchPerson,
        WarmingUp,
    )
)]
async fn person(
    State(ctx): State<ApiContext>,
    PathParam(id): PathParam<i64>,
) -> Result<axum::Json<PersonBody>, ApiError> {
    let person = people::find(&ctx.db, id).await?.ok_or(NoSuchPerson)?;
    let r = full_snapshot(&ctx)?;
    let (mut cast, mut crew) = (Vec::new(), Vec::new());
    for credit in people::filmography(&ctx.db, id).await? {
        match credit {
            PersonCredit::Cast {
                movie_id,
                character,
                order,
            } => cast.extend(r.movie(movie_id).map(|m| Part {
                movie: MovieCard::new(&r, m),
                character,
                order,
            })),
            PersonCredit::Crew {
                movie_id,
                job,
                department,
            } => crew.extend(r.movie(movie_id).map(|m| Job {
                movie: MovieCard::new(&r, m),
                job,
                department,
            })),
        }
    }
    // Newest first; a film without a year after the dated ones; then by title.
    let newest_first = |a: &MovieCard, b: &MovieCard| {
        b.year
            .unwrap_or(i64::MIN)
            .cmp(&a.year.unwrap_or(i64::MIN))
            .then_with(|| a.title.cmp(&b.title))
    };
    cast.sort_by(|a, b| newest_first(&a.movie, &b.movie));
    crew.sort_by(|a, b| newest_first(&a.movie, &b.movie).then_with(|| a.job.cmp(&b.job)));
    Ok(axum::Json(PersonBody {
        id: person.id,
        name: person.name,
        profile_path: person.profile_path,
        cast,
        crew,
    }))
}
