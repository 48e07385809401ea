//! Accounts, with djoser's and simplejwt's paths and payloads: registration, login (a token
//! pair), refresh with rotation, verify, logout (revokes the refresh token's family), the
//! caller's profile, password change and account deletion.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ErrorBody, FieldErrors, JsonBody, REQUIRED, TooManyGuesses};
use super::tokens::{AuthUser, TokenType, invalid_token};
use super::{ApiContext, ApiError, ErrorCode};
use nextflex_app::accounts;
use nextflex_app::random_id::random_id;
use nextflex_store::db::{tokens, users};
use nextflex_store::email::Email;
use nextflex_store::ids::UserId;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(me, update_me, delete_me))
        .routes(routes!(set_password))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(verify))
        .routes(routes!(logout))
        // djoser's and simplejwt's other names for two of them; the document lists them as
        // aliases of the operations above (see `openapi::Aliases`).
        .route("/auth/users/me/", put(update_me))
        .route("/auth/jwt/blacklist/", post(logout))
}

/// The caller's account as djoser shows it (plus `is_admin`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_admin: bool,
    /// Unix seconds.
    pub date_joined: i64,
    /// Others may see the profile page (names, posts, taste match) and add the user to their
    /// "watch together" groups.
    pub public_profile: bool,
}

impl From<users::User> for Account {
    fn from(u: users::User) -> Self {
        Account {
            id: u.id,
            email: u.email,
            first_name: u.first_name,
            last_name: u.last_name,
            is_admin: u.is_admin,
            date_joined: u.created_at,
            public_profile: u.public_profile,
        }
    }
}

/// simplejwt's token pair: HS256 JWTs.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// For `Authorization: Bearer <access>` (60 minutes by default).
    pub access: String,
    /// For `/auth/jwt/refresh/` and `/auth/jwt/logout/` (1 day by default; spent on use).
    pub refresh: String,
}

/// A required field's value; `""`, with the field recorded as missing, when it is absent.
fn required<'a>(fields: &mut FieldErrors, name: &str, value: &'a Option<String>) -> &'a str {
    match value.as_deref() {
        Some(v) if !v.is_empty() => v,
        _ => {
            fields.add(name, REQUIRED);
            ""
        }
    }
}

/// The one required field of a body, or the 400 that names it.
fn required_one<'a>(name: &str, value: &'a Option<String>) -> Result<&'a str, ApiError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiError::field(name, REQUIRED)),
    }
}

/// A new password (the field `name`) against the policy and its repetition; nothing is said of
/// a missing one, which `required` reports.
fn check_new_password(
    fields: &mut FieldErrors,
    name: &str,
    password: &str,
    again: &str,
    email: &str,
) {
    if password.is_empty() {
        return;
    }
    for problem in accounts::check_password(password, email) {
        fields.add(name, problem);
    }
    if !again.is_empty() && password != again {
        fields.add("non_field_errors", "The two password fields didn't match.");
    }
}

const NAME_MAX: usize = 150;

fn check_name(fields: &mut FieldErrors, name: &str, value: &str) {
    if value.chars().count() > NAME_MAX {
        let message = format!("Ensure this field has no more than {NAME_MAX} characters.");
        fields.add(name, message);
    }
}

#[derive(Debug, Deserialize, ToSchema)]
struct Registration {
    /// A valid email not in use.
    #[schema(value_type = String, format = Email, min_length = 3, max_length = 254)]
    email: Option<String>,
    /// At least 8 characters, not all digits, not like the email, not a common password.
    #[schema(value_type = String, min_length = 8)]
    password: Option<String>,
    /// The password again.
    #[schema(value_type = String, min_length = 1)]
    re_password: Option<String>,
    #[serde(default)]
    #[schema(max_length = 150)]
    first_name: String,
    #[serde(default)]
    #[schema(max_length = 150)]
    last_name: String,
}

/// The per-client limit on account creation and logins: 429 `throttled` over it.
fn limit_attempts(ctx: &ApiContext, peer: SocketAddr) -> Result<(), ApiError> {
    ctx.auth_limiter.check(peer.ip()).map_err(|wait| {
        ctx.metrics.rate_limited.with_label_values(&["auth"]).inc();
        ApiError::throttled(wait)
    })
}

/// Create an account (rate-limited)
#[utoipa::path(
    post,
    path = "/auth/users/",
    tag = "accounts",
    request_body = Registration,
    responses(
        (status = 201, description = "The account", body = Account),
        (status = 400, description = "Invalid fields, or the email is in use", body = ErrorBody),
        (status = 429, description = "Too many attempts from this client", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn register(
    State(ctx): State<ApiContext>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    JsonBody(body): JsonBody<Registration>,
) -> Result<Response, ApiError> {
    limit_attempts(&ctx, peer)?;
    let mut fields = FieldErrors::default();
    let email = required(&mut fields, "email", &body.email);
    let password = required(&mut fields, "password", &body.password);
    let re_password = required(&mut fields, "re_password", &body.re_password);
    let email = match Email::parse(email) {
        Ok(e) => Some(e),
        Err(m) => {
            if !email.is_empty() {
                fields.add("email", m);
            }
            None
        }
    };
    let shown = email.as_ref().map_or("", Email::as_str);
    check_new_password(&mut fields, "password", password, re_password, shown);
    check_name(&mut fields, "first_name", &body.first_name);
    check_name(&mut fields, "last_name", &body.last_name);
    fields.finish()?;
    // A field error above when there is none.
    let Some(email) = email else {
        return Err(ApiError::field("email", nextflex_store::email::INVALID));
    };
    let hash = accounts::hash_password(password).await?;
    let id = users::create(
        &ctx.db,
        &users::NewUser {
            email: &email,
            password_hash: &hash,
            first_name: body.first_name.trim(),
            last_name: body.last_name.trim(),
            is_admin: false,
        },
    )
    .await
    .map_err(|e| match e {
        nextflex_store::error::Error::Conflict(_) => {
            ApiError::field("email", "A user with that email already exists.")
        }
        other => other.into(),
    })?;
    let user = users::find_by_id(&ctx.db, id)
        .await?
        .ok_or_else(|| ApiError::internal("a user vanished right after its creation"))?;
    Ok((StatusCode::CREATED, axum::Json(Account::from(user))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
struct Credentials {
    #[schema(value_type = String, min_length = 1)]
    email: Option<String>,
    #[schema(value_type = String, min_length = 1)]
    password: Option<String>,
}

async fn issue_pair(
    ctx: &ApiContext,
    user_id: UserId,
    family: &str,
) -> Result<TokenPair, ApiError> {
    let (access, _) = ctx.tokens.issue(TokenType::Access, user_id)?;
    let (refresh, claims) = ctx.tokens.issue(TokenType::Refresh, user_id)?;
    tokens::insert(&ctx.db, &claims.jti, user_id, family, claims.exp).await?;
    Ok(TokenPair { access, refresh })
}

/// Log in: a token pair for an email and password (rate-limited)
#[utoipa::path(
    post,
    path = "/auth/jwt/create/",
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 200, description = "A new token pair; the browser gets a device cookie that keeps its logins apart from guesses elsewhere", body = TokenPair,
            headers(("Set-Cookie" = String, description = "`nextflex_device`: marks this browser as one that logged in to the account (HttpOnly, SameSite=Strict, sent only to this route, for a year)"))),
        (status = 400, description = "A field is missing", body = ErrorBody),
        (status = 401, description = "`no_active_account`: wrong credentials or a deactivated account", body = ErrorBody),
        (status = 429, description = "Too many attempts from this client, or too many wrong passwords lately for this account (from clients without its device cookie) or from this browser (with one)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn login(
    State(ctx): State<ApiContext>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    limit_attempts(&ctx, peer)?;
    let mut fields = FieldErrors::default();
    let email = required(&mut fields, "email", &body.email).to_owned();
    let password = required(&mut fields, "password", &body.password).to_owned();
    fields.finish()?;
    let refused = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::NoActiveAccount,
            "No active account found with the given credentials",
        )
    };
    let email = Email::parse(&email).map_err(|_| refused())?;
    // A browser that logged in to this account before counts its own wrong passwords; every
    // other client shares the account's count (see `Guesser`).
    let guesser = device_cookie(&headers)
        .and_then(|cookie| ctx.tokens.device_of(cookie, email.as_str()))
        .map_or_else(|| Guesser::Anyone(email.as_str()), Guesser::Device);
    guesses_left(&ctx, &guesser)?;
    let Some(user) = users::find_by_email(&ctx.db, &email).await? else {
        // Spend the time a real check takes, so that timing does not tell which emails exist.
        let _ = accounts::verify_password(&password, &ctx.dummy_hash).await;
        ctx.guess_limiter.charge(guesser.key());
        return Err(refused());
    };
    if !accounts::verify_password(&password, &user.password_hash).await? {
        ctx.guess_limiter.charge(guesser.key());
        return Err(refused());
    }
    if !user.is_active {
        return Err(refused());
    }
    users::touch_login(&ctx.db, user.id).await?;
    let pair = issue_pair(&ctx, user.id, &random_id()).await?;
    let cookie = format!(
        "{DEVICE_COOKIE}={}; Path=/auth/jwt/create/; Max-Age={}; HttpOnly; SameSite=Strict",
        ctx.tokens.issue_device(email.as_str())?,
        super::tokens::DEVICE_TTL,
    );
    let mut response = axum::Json(pair).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(response)
}

/// The cookie that marks a browser that logged in to an account before (OWASP's "device
/// cookie"): a signed token naming the account, sent back only to the login route.
const DEVICE_COOKIE: &str = "nextflex_device";

fn device_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(DEVICE_COOKIE)?.strip_prefix('='))
}

/// Whose wrong passwords a guess counts against, after OWASP's "Slow Down Online Guessing
/// Attacks with Device Cookies": a browser holding a device cookie for the account counts its
/// own (so guesses from elsewhere never lock the owner's browser out), every other client the
/// account's shared count, and an authenticated user (password change, deletion) their own.
enum Guesser<'a> {
    /// A client without a device cookie for the account (by the account's email).
    Anyone(&'a str),
    /// A browser with one (by the cookie's id).
    Device(String),
    /// The holder of an access token of the account.
    User(UserId),
}

impl Guesser<'_> {
    fn key(&self) -> String {
        match self {
            Guesser::Anyone(email) => format!("login:{email}"),
            Guesser::Device(id) => format!("device:{id}"),
            Guesser::User(id) => format!("user:{id}"),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
struct RefreshBody {
    /// A refresh token.
    #[schema(value_type = String, min_length = 1)]
    refresh: Option<String>,
}

/// A new token pair for a refresh token, which is spent
///
/// Presenting a spent or revoked refresh token is refused and revokes every token of that login.
#[utoipa::path(
    post,
    path = "/auth/jwt/refresh/",
    tag = "accounts",
    request_body = RefreshBody,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 400, description = "`refresh` is missing", body = ErrorBody),
        (status = 401, description = "`token_not_valid`: invalid, expired, spent or revoked", body = ErrorBody),
    )
)]
async fn refresh(
    State(ctx): State<ApiContext>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<axum::Json<TokenPair>, ApiError> {
    let token = required_one("refresh", &body.refresh)?;
    let claims = ctx.tokens.check(token, TokenType::Refresh)?;
    match tokens::present(&ctx.db, &claims.jti, claims.user_id).await? {
        tokens::Presented::Rotated { family } => {
            match users::find_by_id(&ctx.db, claims.user_id).await? {
                Some(u) if u.is_active => {}
                _ => return Err(invalid_token("User not found")),
            }
            Ok(axum::Json(issue_pair(&ctx, claims.user_id, &family).await?))
        }
        tokens::Presented::Refused => Err(invalid_token("Token is blacklisted")),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
struct VerifyBody {
    /// An access or refresh token.
    #[schema(value_type = String, min_length = 1)]
    token: Option<String>,
}

/// Check a token's signature, type and expiry
#[utoipa::path(
    post,
    path = "/auth/jwt/verify/",
    tag = "accounts",
    request_body = VerifyBody,
    responses(
        (status = 200, description = "Valid: an empty object", body = Object, example = json!({})),
        (status = 400, description = "`token` is missing", body = ErrorBody),
        (status = 401, description = "`token_not_valid`", body = ErrorBody),
    )
)]
async fn verify(
    State(ctx): State<ApiContext>,
    JsonBody(body): JsonBody<VerifyBody>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let token = required_one("token", &body.token)?;
    // Either kind verifies, as in simplejwt.
    ctx.tokens
        .check(token, TokenType::Access)
        .or_else(|_| ctx.tokens.check(token, TokenType::Refresh))?;
    Ok(axum::Json(serde_json::json!({})))
}

/// Log out: revoke the refresh token's login
///
/// Also served at `/auth/jwt/blacklist/`, simplejwt's other name for it.
#[utoipa::path(
    post,
    path = "/auth/jwt/logout/",
    tag = "accounts",
    request_body = RefreshBody,
    responses(
        (status = 204, description = "Every refresh token of that login is revoked"),
        (status = 400, description = "`refresh` is missing", body = ErrorBody),
        (status = 401, description = "`token_not_valid`: invalid, expired, spent or revoked", body = ErrorBody),
    )
)]
async fn logout(
    State(ctx): State<ApiContext>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<StatusCode, ApiError> {
    let token = required_one("refresh", &body.refresh)?;
    let claims = ctx.tokens.check(token, TokenType::Refresh)?;
    match tokens::present(&ctx.db, &claims.jti, claims.user_id).await? {
        tokens::Presented::Rotated { family } => {
            tokens::revoke_family(&ctx.db, &family).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        tokens::Presented::Refused => Err(invalid_token("Token is blacklisted")),
    }
}

async fn current(ctx: &ApiContext, user: AuthUser) -> Result<users::User, ApiError> {
    match users::find_by_id(&ctx.db, user.id).await? {
        Some(u) if u.is_active => Ok(u),
        _ => Err(invalid_token("User not found")),
    }
}

/// The caller's account
#[utoipa::path(
    get,
    path = "/auth/users/me/",
    operation_id = "get_me",
    tag = "accounts",
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The account", body = Account),
    )
)]
async fn me(
    State(ctx): State<ApiContext>,
    user: AuthUser,
) -> Result<axum::Json<Account>, ApiError> {
    Ok(axum::Json(current(&ctx, user).await?.into()))
}

/// Names and the public profile setting to change; fields left out are kept.
#[derive(Debug, Deserialize, ToSchema)]
struct ProfileChange {
    /// Show others the profile page and let them add the caller to their groups.
    public_profile: Option<bool>,
    #[schema(max_length = 150)]
    first_name: Option<String>,
    #[schema(max_length = 150)]
    last_name: Option<String>,
    /// Accepted only if it is the current email (djoser clients send the whole account back):
    /// the email cannot change. Left out of the document, where no value but one is valid.
    #[schema(ignore)]
    email: Option<String>,
}

/// Change the caller's names or make their profile public
///
/// Also served as `PUT`, as djoser does.
#[utoipa::path(
    patch,
    path = "/auth/users/me/",
    tag = "accounts",
    request_body = ProfileChange,
    security(("jwt" = [])),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 400, description = "A name is too long, or the email differs", body = ErrorBody),
    )
)]
async fn update_me(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    JsonBody(body): JsonBody<ProfileChange>,
) -> Result<axum::Json<Account>, ApiError> {
    let u = current(&ctx, user).await?;
    let mut fields = FieldErrors::default();
    if body
        .email
        .as_deref()
        .is_some_and(|e| e.trim().to_lowercase() != u.email)
    {
        fields.add("email", "The email cannot be changed.");
    }
    let first = body.first_name.unwrap_or(u.first_name);
    let last = body.last_name.unwrap_or(u.last_name);
    check_name(&mut fields, "first_name", &first);
    check_name(&mut fields, "last_name", &last);
    fields.finish()?;
    users::update_names(&ctx.db, u.id, first.trim(), last.trim()).await?;
    if let Some(public) = body.public_profile {
        users::set_public_profile(&ctx.db, u.id, public).await?;
    }
    Ok(axum::Json(current(&ctx, user).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
struct CurrentPassword {
    #[schema(value_type = String, min_length = 1)]
    current_password: Option<String>,
}

/// 429 while `guesser` has had too many wrong passwords lately (for clients without a device
/// cookie: the account's, whoever sent them and whether or not the account exists). Checked
/// before the password, so a locked account's answer says nothing about the password tried; the
/// owner sees when to try again.
fn guesses_left(ctx: &ApiContext, guesser: &Guesser<'_>) -> Result<(), ApiError> {
    ctx.guess_limiter.blocked(guesser.key()).map_err(|wait| {
        ctx.metrics
            .rate_limited
            .with_label_values(&["account"])
            .inc();
        ApiError::throttled(wait)
    })
}

async fn check_current(
    ctx: &ApiContext,
    u: &users::User,
    given: &Option<String>,
) -> Result<(), ApiError> {
    let password = required_one("current_password", given)?;
    // Guesses at the login do not lock the owner out of this; a token holder's wrong passwords
    // count against the token's user and, so that a stolen token buys no extra login guesses,
    // the account's shared count too.
    guesses_left(ctx, &Guesser::User(u.id))?;
    if !accounts::verify_password(password, &u.password_hash).await? {
        ctx.guess_limiter.charge(Guesser::User(u.id).key());
        ctx.guess_limiter.charge(Guesser::Anyone(&u.email).key());
        return Err(ApiError::field("current_password", "Invalid password."));
    }
    Ok(())
}

/// Delete the caller's account, with its ratings, posts and tokens
#[utoipa::path(
    delete,
    path = "/auth/users/me/",
    tag = "accounts",
    request_body = CurrentPassword,
    security(("jwt" = [])),
    responses(
        (status = 204, description = "The account is deleted"),
        (status = 400, description = "`current_password` is missing or wrong", body = ErrorBody),
        TooManyGuesses,
    )
)]
async fn delete_me(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    JsonBody(body): JsonBody<CurrentPassword>,
) -> Result<StatusCode, ApiError> {
    let u = current(&ctx, user).await?;
    check_current(&ctx, &u, &body.current_password).await?;
    nextflex_app::accounts::delete(&ctx.db, &ctx.storage, u.id).await?;
    ctx.accounts.forget(u.id);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
struct PasswordChange {
    #[schema(value_type = String, min_length = 1)]
    current_password: Option<String>,
    /// At least 8 characters, not all digits, not like the email, not a common password.
    #[schema(value_type = String, min_length = 8)]
    new_password: Option<String>,
    #[schema(value_type = String, min_length = 1)]
    re_new_password: Option<String>,
}

/// Change the caller's password; every refresh token of the caller is revoked
#[utoipa::path(
    post,
    path = "/auth/users/set_password/",
    tag = "accounts",
    request_body = PasswordChange,
    security(("jwt" = [])),
    responses(
        (status = 204, description = "The password is changed"),
        (status = 400, description = "Invalid fields, or a wrong current password", body = ErrorBody),
        TooManyGuesses,
    )
)]
async fn set_password(
    State(ctx): State<ApiContext>,
    user: AuthUser,
    JsonBody(body): JsonBody<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let u = current(&ctx, user).await?;
    let mut fields = FieldErrors::default();
    let new = required(&mut fields, "new_password", &body.new_password);
    let again = required(&mut fields, "re_new_password", &body.re_new_password);
    check_new_password(&mut fields, "new_password", new, again, &u.email);
    fields.finish()?;
    check_current(&ctx, &u, &body.current_password).await?;
    let hash = accounts::hash_password(new).await?;
    users::set_password_hash(&ctx.db, u.id, &hash).await?;
    // Every session ends: refresh tokens issued before the change are refused from now on.
    tokens::revoke_user(&ctx.db, u.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
