//! `GET /api/users/{id}`: a user's public profile (opt-in, `public_profile` on the account):
//! their name, the films they rated highest, and how much the viewer's taste overlaps theirs.
//! Their posts are `GET /api/posts?user={id}`. A profile that is not public is a 404 to everyone
//! but its owner, so its existence is not revealed.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, InvalidPath, PathParam, WarmingUp};
use super::movies::{MovieCard, full_snapshot};
use super::tokens::MaybeUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_store::db::{ratings, users};
use nextflex_store::ids::UserId;

/// Favourites shown on a profile, at most.
const FAVOURITES: usize = 12;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(profile))
}

#[derive(Debug, Serialize, ToSchema)]
struct Favourite {
    #[serde(flatten)]
    movie: MovieCard,
    /// The stars the user gave it.
    stars: f64,
}

/// What others see of a user who made their profile public.
#[derive(Debug, Serialize, ToSchema)]
struct PublicProfile {
    id: i64,
    first_name: String,
    last_name: String,
    /// Unix seconds.
    date_joined: i64,
    /// How many films the user rated.
    ratings: usize,
    /// The films they rated highest (4 stars and up), best and latest first.
    favourites: Vec<Favourite>,
    /// How much the viewer's taste overlaps this user's, 0 to 100 (the cosine of their
    /// folded-in scores over the catalogue, below 0 counting as 0); null for a guest, for the
    /// user themselves, or while either has no liked film the model knows.
    taste_match: Option<f64>,
    /// Whether the viewer can add this user to a "watch together" group (every public profile
    /// can be added, by a logged-in viewer other than its owner).
    can_group: bool,
}

pub(super) fn user_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "No such user, or their profile is not public.",
    )
}

/// A user's public profile, with the viewer's taste match
#[utoipa::path(
    get,
    path = "/api/users/{id}",
    tag = "accounts",
    params(("id" = i64, Path, minimum = 1, description = "The user's id")),
    security((), ("jwt" = [])),
    responses(
        (status = 200, description = "The profile", body = PublicProfile),
        InvalidPath,
        (status = 404, description = "No such user, or the profile is not public", body = ErrorBody),
        WarmingUp,
    )
)]
async fn profile(
    State(ctx): State<ApiContext>,
    MaybeUser(viewer): MaybeUser,
    PathParam(id): PathParam<UserId>,
) -> Result<axum::Json<PublicProfile>, ApiError> {
    let own = viewer.is_some_and(|v| v.id == id);
    let user = users::find_by_id(&ctx.db, id)
        .await?
        .filter(|u| u.is_active && (u.public_profile || own))
        .ok_or_else(user_not_found)?;
    let r = full_snapshot(&ctx)?;
    let theirs = ratings::of_user(&ctx.db, id).await?;
    let pairs = |list: &[ratings::UserRating]| -> Vec<(i64, f32)> {
        list.iter().map(|x| (x.movie_id, x.rating as f32)).collect()
    };
    let taste_match = match viewer.filter(|_| !own) {
        Some(v) => {
            let mine = ratings::of_user(&ctx.db, v.id).await?;
            r.taste_match(&pairs(&mine), &pairs(&theirs))
                .map(|c| (f64::from(c.max(0.0)) * 100.0).round())
        }
        None => None,
    };
    let mut best: Vec<&ratings::UserRating> = theirs.iter().filter(|x| x.rating >= 4.0).collect();
    best.sort_by(|a, b| {
        b.rating
            .total_cmp(&a.rating)
            .then(b.rated_at.cmp(&a.rated_at))
    });
    let favourites = best
        .into_iter()
        .filter_map(|x| {
            Some(Favourite {
                movie: MovieCard::new(&r, r.movie(x.movie_id)?),
                stars: x.rating,
            })
        })
        .take(FAVOURITES)
        .collect();
    Ok(axum::Json(PublicProfile {
        id: id.get(),
        first_name: user.first_name,
        last_name: user.last_name,
        date_joined: user.created_at,
        ratings: theirs.len(),
        favourites,
        taste_match,
        can_group: viewer.is_some() && !own && user.public_profile,
    }))
}
