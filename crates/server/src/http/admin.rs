//! The admin dashboard's routes (admins only): counts and charts of the app's data, the users
//! and ratings tables, and the model versions with a retrain button. Posts are moderated through
//! the posts routes, which let admins edit and delete any post.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{
    ErrorBody, JsonBody, NoSuchRating, NoSuchUser, NotAdmin, PathParam, QueryParams,
};
use super::page::{Page, Paging};
use super::tokens::AdminUser;
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::model_versions::Training;
use nextflex_app::recommender::SearchMode;
use nextflex_app::recommender::tuning::TuningReport;
use nextflex_store::clock::now;
use nextflex_store::db::admin::{self, RatingRow, Stats, UserRow};
use nextflex_store::db::model_versions::Version;
use nextflex_store::db::{ratings, tokens, users};
use nextflex_store::ids::{MovieId, UserId};

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(list_users))
        .routes(routes!(update_user, delete_user))
        .routes(routes!(list_ratings))
        .routes(routes!(delete_rating))
        .routes(routes!(list_models))
        .routes(routes!(retrain))
}

/// Counts and breakdowns of the app users' data
#[utoipa::path(
    get,
    path = "/api/admin/stats",
    operation_id = "admin_stats",
    tag = "admin",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The dashboard's numbers", body = Stats),
        NotAdmin,
    )
)]
async fn stats(State(ctx): State<ApiContext>, _: AdminUser) -> Result<axum::Json<Stats>, ApiError> {
    Ok(axum::Json(admin::stats(&ctx.db, now()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TableQuery {
    /// A case-insensitive substring of the email (users), or of the email or title (ratings).
    q: Option<String>,
}

impl TableQuery {
    fn q(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or_default()
}

/// The users, with their numbers of ratings and posts
#[utoipa::path(
    get,
    path = "/api/admin/users",
    tag = "admin",
    params(TableQuery, Paging),
    security(("jwt" = [])),
    responses(
        (status = 200, description = "A page of users", body = Page<UserRow>),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        NotAdmin,
    )
)]
async fn list_users(
    State(ctx): State<ApiContext>,
    _: AdminUser,
    QueryParams(query): QueryParams<TableQuery>,
    paging: Paging,
) -> Result<axum::Json<Page<UserRow>>, ApiError> {
    let (limit, offset) = paging.sql();
    let (rows, total) = admin::users(&ctx.db, query.q(), limit, offset).await?;
    Ok(axum::Json(Page::new(paging, count(total), rows)))
}

/// What to change; fields left out are kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    #[schema(max_length = 150)]
    first_name: Option<String>,
    #[schema(max_length = 150)]
    last_name: Option<String>,
    is_admin: Option<bool>,
    /// False deactivates the account and revokes its refresh tokens.
    is_active: Option<bool>,
}

/// Change a user's names and flags
#[utoipa::path(
    patch,
    path = "/api/admin/users/{id}",
    tag = "admin",
    params(("id" = i64, Path, minimum = 1, description = "The user's id")),
    request_body = UserPatch,
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The user", body = UserRow),
        (status = 400, description = "A name is too long, admins cannot demote or deactivate themselves, or the id is not an integer", body = ErrorBody),
        NotAdmin,
        NoSuchUser,
    )
)]
async fn update_user(
    State(ctx): State<ApiContext>,
    me: AdminUser,
    PathParam(id): PathParam<UserId>,
    JsonBody(patch): JsonBody<UserPatch>,
) -> Result<axum::Json<UserRow>, ApiError> {
    let user = users::find_by_id(&ctx.db, id).await?.ok_or(NoSuchUser)?;
    // An admin cannot lock themselves out; another admin can.
    if id == me.id && (patch.is_admin == Some(false) || patch.is_active == Some(false)) {
        return Err(ApiError::field(
            if patch.is_admin == Some(false) {
                "is_admin"
            } else {
                "is_active"
            },
            "You cannot remove your own admin rights or deactivate yourself.",
        ));
    }
    for (name, value) in [
        ("first_name", &patch.first_name),
        ("last_name", &patch.last_name),
    ] {
        if value.as_ref().is_some_and(|v| v.chars().count() > 150) {
            return Err(ApiError::field(name, "At most 150 characters."));
        }
    }
    if patch.first_name.is_some() || patch.last_name.is_some() {
        let first = patch
            .first_name
            .as_deref()
            .unwrap_or(&user.first_name)
            .trim();
        let last = patch.last_name.as_deref().unwrap_or(&user.last_name).trim();
        users::update_names(&ctx.db, id, first, last).await?;
    }
    let is_active = patch.is_active.unwrap_or(user.is_active);
    admin::set_flags(
        &ctx.db,
        id,
        patch.is_admin.unwrap_or(user.is_admin),
        is_active,
    )
    .await?;
    if !is_active {
        // A deactivated account cannot refresh its way back in, nor use its access tokens.
        tokens::revoke_user(&ctx.db, id).await?;
        users::shut_out_tokens(&ctx.db, id).await?;
        ctx.accounts.forget(id);
    }
    let row = admin::user(&ctx.db, id).await?.ok_or(NoSuchUser)?;
    Ok(axum::Json(row))
}

/// Delete a user with their ratings, posts and tokens (not oneself)
#[utoipa::path(
    delete,
    path = "/api/admin/users/{id}",
    tag = "admin",
    params(("id" = i64, Path, minimum = 1, description = "The user's id")),
    security(("jwt" = [])),
    responses(
        (status = 204, description = "The user is deleted"),
        (status = 400, description = "The caller's own account, or an id that is not an integer", body = ErrorBody),
        NotAdmin,
        NoSuchUser,
    )
)]
async fn delete_user(
    State(ctx): State<ApiContext>,
    me: AdminUser,
    PathParam(id): PathParam<UserId>,
) -> Result<StatusCode, ApiError> {
    if id == me.id {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Invalid,
            "Delete your own account from your profile, not from the admin tables.",
        ));
    }
    users::find_by_id(&ctx.db, id).await?.ok_or(NoSuchUser)?;
    nextflex_app::accounts::delete(&ctx.db, &ctx.storage, id).await?;
    ctx.accounts.forget(id);
    Ok(StatusCode::NO_CONTENT)
}

/// The app users' ratings, newest first
#[utoipa::path(
    get,
    path = "/api/admin/ratings",
    tag = "admin",
    params(TableQuery, Paging),
    security(("jwt" = [])),
    responses(
        (status = 200, description = "A page of ratings", body = Page<RatingRow>),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        NotAdmin,
    )
)]
async fn list_ratings(
    State(ctx): State<ApiContext>,
    _: AdminUser,
    QueryParams(query): QueryParams<TableQuery>,
    paging: Paging,
) -> Result<axum::Json<Page<RatingRow>>, ApiError> {
    let (limit, offset) = paging.sql();
    let (rows, total) = admin::ratings(&ctx.db, query.q(), limit, offset).await?;
    Ok(axum::Json(Page::new(paging, count(total), rows)))
}

/// Delete a user's rating of a movie
#[utoipa::path(
    delete,
    path = "/api/admin/ratings/{user_id}/{movie_id}",
    tag = "admin",
    params(
        ("user_id" = i64, Path, minimum = 1, description = "The user's id"),
        ("movie_id" = i64, Path, minimum = 1, description = "The movie's id"),
    ),
    security(("jwt" = [])),
    responses(
        (status = 204, description = "The rating is deleted"),
        (status = 400, description = "An id is not an integer", body = ErrorBody),
        NotAdmin,
        NoSuchRating,
    )
)]
async fn delete_rating(
    State(ctx): State<ApiContext>,
    _: AdminUser,
    PathParam((user_id, movie_id)): PathParam<(UserId, MovieId)>,
) -> Result<StatusCode, ApiError> {
    if ratings::delete(&ctx.db, user_id, movie_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(NoSuchRating.into())
    }
}

/// The model versions and the trainer's state.
#[derive(Debug, Serialize, ToSchema)]
struct ModelsBody {
    /// The version in service.
    current: Option<String>,
    training: Training,
    /// How the version in service chose its hyper-parameters (`None`: it records no tuning,
    /// e.g. a model imported from Spark or trained before tuning existed).
    tuning: Option<TuningReport>,
    /// Which search answers `GET /api/movies?q=` (see `/readyz`).
    search: SearchMode,
    versions: Vec<Version>,
}

/// The model versions (newest first, at most 100) and the training under way
#[utoipa::path(
    get,
    path = "/api/admin/models",
    tag = "admin",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The versions and the trainer's state", body = ModelsBody),
        NotAdmin,
    )
)]
async fn list_models(
    State(ctx): State<ApiContext>,
    _: AdminUser,
) -> Result<axum::Json<ModelsBody>, ApiError> {
    let versions = nextflex_store::db::model_versions::list(&ctx.db, 100).await?;
    let current = versions.iter().find(|v| v.active.0);
    let tuning = current
        .and_then(|v| v.params.0.get("tuning"))
        .and_then(|t| serde_json::from_value(t.clone()).ok());
    Ok(axum::Json(ModelsBody {
        current: current.map(|v| v.version.clone()),
        training: ctx.models.training(),
        tuning,
        search: super::health::search_mode(&ctx),
        versions,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
struct RetrainBody {
    training: Training,
}

/// Train a new model version in the background; it is swapped in when done
#[utoipa::path(
    post,
    path = "/api/admin/models/retrain",
    tag = "admin",
    security(("jwt" = [])),
    responses(
        (status = 202, description = "The training has started", body = RetrainBody),
        NotAdmin,
        (status = 409, description = "`training_running`: one is under way (`training` says where it is)", body = ErrorBody),
    )
)]
async fn retrain(
    State(ctx): State<ApiContext>,
    _: AdminUser,
) -> Result<(StatusCode, axum::Json<RetrainBody>), ApiError> {
    match ctx.models.retrain("admin") {
        Ok(training) => Ok((StatusCode::ACCEPTED, axum::Json(RetrainBody { training }))),
        Err(running) => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::TrainingRunning,
            "A training is already running.",
        )
        .with("training", running)),
    }
}
