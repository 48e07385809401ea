//! The OpenAPI 3.1 document of every route, from the annotations next to each handler, served at
//! `/api/openapi.json`, and Swagger UI (vendored: it loads nothing from elsewhere) at `/api/docs`.

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn, PathItem};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::error::ErrorBody;
use super::{
    ApiContext, admin, auth, group, health, imports, keywords, lists, me, metrics, movies, people,
    posts, profiles, trending,
};
use crate::db::{admin as admin_db, catalogue};
use crate::models::{Training, Version};
use crate::recommender::{ChartSource, RatingStats, SortBy};

/// Where the document is served.
const SPEC_PATH: &str = "/api/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "NextFlex",
        version = env!("CARGO_PKG_VERSION"),
        description = "Movie recommendations: the catalogue, charts, similar movies, personal \
            recommendations from your ratings, posts with images, and the admin dashboard.\n\n\
            JSON in and out; errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`. \
            Log in with `POST /auth/jwt/create/` and send the access token as \
            `Authorization: Bearer <access>` (`JWT <access>` works too). Times are Unix seconds. \
            Swagger UI: `/api/docs`."
    ),
    paths(
        health::healthz,
        health::readyz,
        metrics::scrape,
        auth::register,
        auth::login,
        auth::refresh,
        auth::verify,
        auth::logout,
        auth::me,
        auth::update_me,
        auth::delete_me,
        auth::set_password,
        profiles::profile,
        movies::list,
        movies::suggest,
        movies::detail,
        movies::genres,
        movies::languages,
        movies::popular,
        movies::latest,
        movies::top_rated,
        trending::trending,
        movies::similar,
        movies::similar_by_title,
        people::person,
        keywords::keyword,
        me::rate,
        me::unrate,
        me::my_ratings,
        me::recommendations,
        me::home_rows,
        group::recommend_group,
        imports::import,
        lists::watchlist,
        lists::add_to_watchlist,
        lists::remove_from_watchlist,
        lists::dismissed,
        lists::dismiss,
        lists::undismiss,
        posts::create,
        posts::list,
        posts::read,
        posts::update,
        posts::remove,
        posts::original,
        posts::thumbnail,
        admin::stats,
        admin::list_users,
        admin::update_user,
        admin::delete_user,
        admin::list_ratings,
        admin::delete_rating,
        admin::list_models,
        admin::retrain,
        spec,
    ),
    modifiers(&JwtScheme, &Aliases, &ExtractorErrors),
    tags(
        (name = "accounts", description = "Registration, tokens and the caller's account (djoser and simplejwt paths and payloads)"),
        (name = "catalogue", description = "Browse, search and read movies"),
        (name = "charts", description = "Popular, latest, top-rated and trending movies"),
        (name = "recommendations", description = "Similar movies and personal recommendations"),
        (name = "ratings", description = "The caller's ratings"),
        (name = "lists", description = "The caller's watchlist and the movies they are not interested in"),
        (name = "posts", description = "Users' posts about movies, with an image"),
        (name = "images", description = "Posts' images and thumbnails"),
        (name = "admin", description = "The admin dashboard (admins only)"),
        (name = "health", description = "Probes for load balancers and orchestrators"),
        (name = "docs", description = "This document"),
    )
)]
struct ApiDoc;

/// Built once: it never changes while the process runs.
static SPEC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// The document as `/api/openapi.json` serves it (what `nextflex openapi` prints, and what the
/// web client's types are generated from).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    &SPEC
}

/// The document and Swagger UI, which reads it.
pub fn router() -> Router<ApiContext> {
    let ui = SwaggerUi::new("/api/docs").config(
        Config::new([SPEC_PATH])
            // Swagger UI would otherwise send the document to validator.swagger.io.
            .validator_url("none"),
    );
    Router::new().route(SPEC_PATH, get(spec)).merge(ui)
}

/// This OpenAPI document
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "docs",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)),
)]
async fn spec() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&SPEC)
}

/// The bearer scheme the annotations name `jwt`.
struct JwtScheme;

impl Modify for JwtScheme {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        api.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "jwt",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT")
                        .description(Some(
                            "An access token from `/auth/jwt/create/` or `/auth/jwt/refresh/`, as \
                             `Authorization: Bearer <access>`; `Authorization: JWT <access>` \
                             (djoser clients) is accepted too.",
                        ))
                        .build(),
                ),
            );
    }
}

/// Routes served by the handler of another route, which documents them: an annotation names one
/// route, so the others are copied here under their own method, path and operation id.
struct Aliases;

impl Modify for Aliases {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let aliases = [
            (
                (HttpMethod::Patch, "PATCH", "/auth/users/me/"),
                (HttpMethod::Put, "/auth/users/me/", "replace_me"),
            ),
            (
                (HttpMethod::Post, "POST", "/auth/jwt/logout/"),
                (HttpMethod::Post, "/auth/jwt/blacklist/", "blacklist"),
            ),
        ];
        for ((method, name, path), (alias_method, alias_path, id)) in aliases {
            if let Some(operation) = api.paths.get_path_operation(path, method) {
                let mut operation = operation.clone();
                operation.operation_id = Some(id.to_owned());
                operation.description = Some(format!("The same as `{name} {path}`."));
                api.paths
                    .add_path_operation(alias_path, vec![alias_method], operation);
            }
        }
    }
}

/// The answers of the extractors, the same on every route that uses them: a JSON body
/// ([`super::error::JsonBody`]: 400 unreadable, 413 over 64 KiB, 415 not JSON), query
/// parameters ([`super::error::QueryParams`]: 400) and a token (`AuthUser`, `MaybeUser`: 401).
/// A status the handler's annotation already documents is left as it says.
struct ExtractorErrors;

impl Modify for ExtractorErrors {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let jwt = SecurityRequirement::new("jwt", Vec::<String>::new());
        for item in api.paths.paths.values_mut() {
            for operation in operations(item) {
                let json_body = operation.request_body.as_ref().is_some_and(
                    |b| matches!(b, RefOr::T(b) if b.content.contains_key("application/json")),
                );
                let query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
                let token = operation.security.iter().flatten().any(|s| *s == jwt);
                if json_body {
                    add_error(
                        operation,
                        "400",
                        "The body is not valid JSON for this route",
                    );
                    let limit = format!("The body is over {} KiB", super::BODY_LIMIT / 1024);
                    add_error(operation, "413", &limit);
                    add_error(
                        operation,
                        "415",
                        "The body is not sent as `application/json`",
                    );
                }
                if query {
                    add_error(operation, "400", "A query parameter is invalid");
                }
                if token {
                    add_error(
                        operation,
                        "401",
                        "`not_authenticated` without a token where one is required, \
                         `token_not_valid` for an invalid or expired one",
                    );
                }
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

fn add_error(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .build(),
                )
                .into()
        });
}

// Schemas of the response types defined outside `http` (the database, models and recommender
// modules), written out here rather than derived there. Every property is always present;
// nullable ones may be `null`.

/// An object with these properties, all required.
fn object(
    description: &str,
    properties: impl IntoIterator<Item = (&'static str, RefOr<Schema>)>,
) -> RefOr<Schema> {
    properties
        .into_iter()
        .fold(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(description)),
            |o, (name, schema)| o.property(name, schema).required(name),
        )
        .into()
}

/// An object whose properties may all be missing (an empty object until they are known).
fn partial_object(
    description: &str,
    properties: impl IntoIterator<Item = (&'static str, RefOr<Schema>)>,
) -> RefOr<Schema> {
    properties
        .into_iter()
        .fold(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(description)),
            |o, (name, schema)| o.property(name, schema),
        )
        .into()
}

fn array(items: RefOr<Schema>) -> RefOr<Schema> {
    ArrayBuilder::new().items(items).into()
}

fn one_of(values: &[&str], description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .into()
}

impl PartialSchema for SortBy {
    fn schema() -> RefOr<Schema> {
        one_of(
            &["popular", "latest", "top_rated", "title"],
            "How to order movies.",
        )
    }
}

impl ToSchema for SortBy {}

impl PartialSchema for ChartSource {
    fn schema() -> RefOr<Schema> {
        one_of(
            &["ratings", "tmdb"],
            "Whose votes rank a chart: the dataset's and app users' ratings, or TMDB's.",
        )
    }
}

impl ToSchema for ChartSource {}

impl PartialSchema for RatingStats {
    fn schema() -> RefOr<Schema> {
        object(
            "A movie's ratings: the dataset's and the app users'.",
            [("count", u64::schema()), ("mean", f64::schema())],
        )
    }
}

impl ToSchema for RatingStats {}

impl PartialSchema for catalogue::MovieDetail {
    fn schema() -> RefOr<Schema> {
        let cast = object(
            "A member of the cast, in billing order.",
            [
                ("person_id", i64::schema()),
                ("name", String::schema()),
                ("character", Option::<String>::schema()),
                ("order", i64::schema()),
                ("profile_path", Option::<String>::schema()),
            ],
        );
        let crew = object(
            "A member of the crew.",
            [
                ("person_id", i64::schema()),
                ("name", String::schema()),
                ("job", String::schema()),
                ("department", String::schema()),
            ],
        );
        let keyword = object(
            "A keyword (`GET /api/keywords/{id}` lists its movies).",
            [("id", i64::schema()), ("name", String::schema())],
        );
        object(
            "A movie as the catalogue has it (TMDB and MovieLens data).",
            [
                ("id", i64::schema()),
                ("tmdb_id", Option::<i64>::schema()),
                ("imdb_id", Option::<String>::schema()),
                ("movielens_id", Option::<i64>::schema()),
                ("title", String::schema()),
                ("alternate_titles", Vec::<String>::schema()),
                ("original_title", Option::<String>::schema()),
                ("overview", Option::<String>::schema()),
                ("tagline", Option::<String>::schema()),
                ("release_date", Option::<String>::schema()),
                ("year", Option::<i64>::schema()),
                ("runtime", Option::<i64>::schema()),
                ("popularity", Option::<f64>::schema()),
                ("tmdb_vote_average", Option::<f64>::schema()),
                ("tmdb_vote_count", Option::<i64>::schema()),
                ("poster_path", Option::<String>::schema()),
                ("original_language", Option::<String>::schema()),
                ("budget", Option::<i64>::schema()),
                ("revenue", Option::<i64>::schema()),
                ("genres", Vec::<String>::schema()),
                ("keywords", array(keyword)),
                ("cast", array(cast)),
                ("crew", array(crew)),
            ],
        )
    }
}

impl ToSchema for catalogue::MovieDetail {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("CatalogueMovie")
    }
}

impl PartialSchema for admin_db::Stats {
    fn schema() -> RefOr<Schema> {
        let count = |description, key: &'static str, key_schema| {
            array(object(
                description,
                [(key, key_schema), ("count", i64::schema())],
            ))
        };
        object(
            "Counts and breakdowns over the app users' data.",
            [
                ("users", i64::schema()),
                ("admins", i64::schema()),
                ("movies", i64::schema()),
                ("ratings", i64::schema()),
                ("posts", i64::schema()),
                (
                    "rating_distribution",
                    count("Ratings of one value.", "rating", f64::schema()),
                ),
                (
                    "ratings_per_day",
                    count(
                        "Ratings of one day (`YYYY-MM-DD`, UTC), the last 90 days.",
                        "day",
                        String::schema(),
                    ),
                ),
                (
                    "genres",
                    array(object(
                        "Ratings of one genre's movies.",
                        [("genre", String::schema()), ("ratings", i64::schema())],
                    )),
                ),
                (
                    "top_users",
                    array(object(
                        "The users with the most ratings.",
                        [
                            ("id", i64::schema()),
                            ("email", String::schema()),
                            ("ratings", i64::schema()),
                        ],
                    )),
                ),
            ],
        )
    }
}

impl ToSchema for admin_db::Stats {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AdminStats")
    }
}

impl PartialSchema for admin_db::UserRow {
    fn schema() -> RefOr<Schema> {
        object(
            "A user as the admin table shows them.",
            [
                ("id", i64::schema()),
                ("email", String::schema()),
                ("first_name", String::schema()),
                ("last_name", String::schema()),
                ("is_admin", bool::schema()),
                ("is_active", bool::schema()),
                ("date_joined", i64::schema()),
                ("last_login", Option::<i64>::schema()),
                ("ratings", i64::schema()),
                ("posts", i64::schema()),
            ],
        )
    }
}

impl ToSchema for admin_db::UserRow {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AdminUser")
    }
}

impl PartialSchema for admin_db::RatingRow {
    fn schema() -> RefOr<Schema> {
        object(
            "A rating as the admin table shows it.",
            [
                (
                    "user",
                    object(
                        "Who rated.",
                        [("id", i64::schema()), ("email", String::schema())],
                    ),
                ),
                (
                    "movie",
                    object(
                        "What was rated.",
                        [("id", i64::schema()), ("title", String::schema())],
                    ),
                ),
                ("rating", f64::schema()),
                ("rated_at", i64::schema()),
            ],
        )
    }
}

impl ToSchema for admin_db::RatingRow {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AdminRating")
    }
}

impl PartialSchema for Training {
    fn schema() -> RefOr<Schema> {
        object(
            "What the trainer is doing.",
            [
                (
                    "state",
                    one_of(
                        &["idle", "running", "failed"],
                        "`failed`: the last training failed and the previous model serves.",
                    ),
                ),
                ("stage", Option::<String>::schema()),
                ("progress", f64::schema()),
                ("started_at", Option::<i64>::schema()),
                ("version", Option::<String>::schema()),
                ("error", Option::<String>::schema()),
            ],
        )
    }
}

impl ToSchema for Training {}

impl PartialSchema for Version {
    fn schema() -> RefOr<Schema> {
        object(
            "A recorded model version: a build of the charts, content index and ALS model.",
            [
                ("version", String::schema()),
                (
                    "status",
                    one_of(&["training", "ready", "failed"], "Where the build is."),
                ),
                ("active", bool::schema()),
                ("trained_by", String::schema()),
                ("created_at", i64::schema()),
                ("finished_at", Option::<i64>::schema()),
                (
                    "params",
                    ObjectBuilder::new()
                        .schema_type(Type::Object)
                        .description(Some(
                            "The build's settings (ALS rank, iterations, regularisation, seed, \
                             chart percentile, …).",
                        ))
                        .into(),
                ),
                (
                    "data_sizes",
                    partial_object(
                        "What it was built from (once built).",
                        [
                            ("dataset_ratings", i64::schema()),
                            ("app_ratings", i64::schema()),
                            ("users", i64::schema()),
                            ("movies", i64::schema()),
                            ("rated_movies", i64::schema()),
                            ("artifact_bytes", i64::schema()),
                        ],
                    ),
                ),
                (
                    "metrics",
                    partial_object(
                        "Held-out metrics (once built, when there were ratings to hold out): RMSE and MAE of the rating model, P@10, recall@10, NDCG@10 and coverage of the ranking model's top-10 lists, NDCG@10 of most-popular-first for comparison.",
                        [
                            ("rmse", f64::schema()),
                            ("mae", f64::schema()),
                            ("precision_at_10", f64::schema()),
                            ("recall_at_10", f64::schema()),
                            ("ndcg_at_10", f64::schema()),
                            ("coverage", f64::schema()),
                            ("popularity_ndcg_at_10", f64::schema()),
                            ("test_pairs", i64::schema()),
                        ],
                    ),
                ),
                (
                    "timings",
                    partial_object(
                        "Seconds taken (once built).",
                        [
                            ("fit_seconds", f64::schema()),
                            ("total_seconds", f64::schema()),
                        ],
                    ),
                ),
                ("error", Option::<String>::schema()),
            ],
        )
    }
}

impl ToSchema for Version {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ModelVersion")
    }
}
