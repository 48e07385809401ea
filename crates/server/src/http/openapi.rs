//! The OpenAPI 3.1 document of every route, from the annotations next to each handler, served at
//! `/api/openapi.json`, and Swagger UI (vendored: it loads nothing from elsewhere) at `/api/docs`.

use std::sync::LazyLock;

use axum::{Json, Router};
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::{ApiContext, ApiSettings};

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
static SPEC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
    let mut api = ApiDoc::openapi();
    api.merge(super::api(ApiSettings::default().max_image_bytes, true).into_openapi());
    // After the routes are in: the modifiers read and extend their operations.
    JwtScheme.modify(&mut api);
    Aliases.modify(&mut api);
    ExtractorErrors.modify(&mut api);
    api
});

/// The document as `/api/openapi.json` serves it (what `nextflex openapi` prints, and what the
/// web client's types are generated from).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    &SPEC
}

/// The document's own route.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(spec))
}

/// Swagger UI, which reads the document.
pub fn swagger_ui() -> Router<ApiContext> {
    SwaggerUi::new("/api/docs")
        .config(
            Config::new([SPEC_PATH])
                // Swagger UI would otherwise send the document to validator.swagger.io.
                .validator_url("none"),
        )
        .into()
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
        .or_insert_with(|| super::error::documented_error(description));
}
