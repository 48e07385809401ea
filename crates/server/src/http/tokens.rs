//! JSON Web Tokens as djangorestframework-simplejwt makes them (HS256; claims `token_type`,
//! `exp`, `iat`, `jti`, `user_id`), and the extractors that read them from `Authorization:
//! Bearer …` or `Authorization: JWT …`.

use nextflex_store::ids::UserId;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{ApiContext, ApiError, ErrorCode};
use nextflex_store::clock::now;
use nextflex_store::db::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub user_id: UserId,
}

/// Signs and checks tokens with the server's secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub access_ttl: i64,
    pub refresh_ttl: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: i64, refresh_ttl: i64) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_ttl,
            refresh_ttl,
        }
    }

    /// A new token for `user_id`; returns it with its claims.
    pub fn issue(
        &self,
        token_type: TokenType,
        user_id: UserId,
    ) -> Result<(String, Claims), ApiError> {
        let iat = now();
        let ttl = match token_type {
            TokenType::Access => self.access_ttl,
            TokenType::Refresh => self.refresh_ttl,
        };
        let claims = Claims {
            token_type,
            exp: iat + ttl,
            iat,
            jti: nextflex_app::random_id::random_id(),
            user_id,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(format!("cannot sign a token: {e}")))?;
        Ok((token, claims))
    }

    /// Checks signature, algorithm (HS256 only: `none` and others are refused), expiry (no
    /// leeway) and type.
    pub fn check(&self, token: &str, expected: TokenType) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "jti"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    invalid_token("Token is expired.")
                }
                _ => invalid_token("Token is invalid."),
            },
        )?;
        if data.claims.token_type != expected {
            return Err(invalid_token("Token has wrong type."));
        }
        Ok(data.claims)
    }
}

/// How long a device cookie (see `auth`) marks a browser: a year.
pub const DEVICE_TTL: i64 = 365 * 24 * 60 * 60;

/// A device cookie's claims: which account the browser logged in to, and the cookie's id.
#[derive(Debug, Serialize, Deserialize)]
struct DeviceClaims {
    /// Always `device`, so that no other token passes for one (nor one for another).
    token_type: String,
    sub: String,
    jti: String,
    iat: i64,
    exp: i64,
}

const DEVICE: &str = "device";

impl TokenKeys {
    /// A device cookie's value for a browser that just logged in to `email`'s account.
    pub fn issue_device(&self, email: &str) -> Result<String, ApiError> {
        let iat = now();
        let claims = DeviceClaims {
            token_type: DEVICE.to_owned(),
            sub: email.to_owned(),
            jti: nextflex_app::random_id::random_id(),
            iat,
            exp: iat + DEVICE_TTL,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(format!("cannot sign a device cookie: {e}")))
    }

    /// The id of the device cookie `value` when it is one of ours, unexpired, for `email`.
    pub fn device_of(&self, value: &str, email: &str) -> Option<String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "jti", "sub"]);
        let claims = jsonwebtoken::decode::<DeviceClaims>(value, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.token_type == DEVICE && claims.sub == email).then_some(claims.jti)
    }
}

pub fn invalid_token(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::TokenNotValid, message)
}

/// Maps a write that failed on the user's foreign key (the account was deleted while its
/// access token lived on) to 401, as any later request of that token gets.
pub fn deleted_account(e: nextflex_store::error::Error) -> ApiError {
    match e {
        nextflex_store::error::Error::Database(sqlx::Error::Database(d))
            if d.is_foreign_key_violation() =>
        {
            invalid_token("User not found")
        }
        other => other.into(),
    }
}

/// How long an account seen open is trusted without looking again: a deactivation or a
/// deletion shuts its tokens out on the replica that made it at once, and on the others within
/// this.
pub const ACCOUNT_RECHECK: Duration = Duration::from_secs(2);

/// The accounts seen open (existing and active) lately, with the time before which their
/// access tokens are refused, so that a token of a deactivated or deleted account gets 401
/// everywhere (and stays refused after a reactivation), while a busy user costs one lookup per
/// [`ACCOUNT_RECHECK`] rather than one per request.
#[derive(Debug, Default)]
pub struct OpenAccounts {
    seen: Mutex<HashMap<UserId, (Instant, i64)>>,
}

/// Entries kept before the stale ones are dropped.
const OPEN_ACCOUNTS_PRUNE_AT: usize = 100_000;

impl OpenAccounts {
    /// Whether the account exists and is active and takes a token issued at `issued_at`, from
    /// the database unless seen open within [`ACCOUNT_RECHECK`].
    pub async fn is_open(
        &self,
        db: &Db,
        id: UserId,
        issued_at: i64,
    ) -> nextflex_store::error::Result<bool> {
        let fresh = |at: &Instant| at.elapsed() < ACCOUNT_RECHECK;
        if let Some((_, valid_from)) = self.lock().get(&id).filter(|(at, _)| fresh(at)) {
            return Ok(issued_at >= *valid_from);
        }
        let user = nextflex_store::db::users::find_by_id(db, id).await?;
        let mut seen = self.lock();
        match user.filter(|u| u.is_active) {
            Some(user) => {
                if seen.len() >= OPEN_ACCOUNTS_PRUNE_AT {
                    seen.retain(|_, (at, _)| fresh(at));
                }
                seen.insert(id, (Instant::now(), user.tokens_valid_from));
                Ok(issued_at >= user.tokens_valid_from)
            }
            None => {
                seen.remove(&id);
                Ok(false)
            }
        }
    }

    /// Forgets an account just deactivated or deleted here, so that its tokens stop at once.
    pub fn forget(&self, id: UserId) {
        self.lock().remove(&id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, (Instant, i64)>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The caller, from a valid access token of an open account (see [`OpenAccounts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: UserId,
}

/// The caller if a valid access token came with the request; a bad token is still an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaybeUser(pub Option<AuthUser>);

fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        invalid_token("Authorization header must contain two space-delimited values")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("jwt"))
                && !token.trim().is_empty()
                && !token.trim().contains(' ') =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(invalid_token(
            "Authorization header must be 'Bearer <token>' or 'JWT <token>'",
        )),
    }
}

fn not_authenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::NotAuthenticated,
        "Authentication credentials were not provided.",
    )
}

impl FromRequestParts<ApiContext> for MaybeUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        match bearer(parts)? {
            None => Ok(MaybeUser(None)),
            Some(token) => {
                let claims = ctx.tokens.check(token, TokenType::Access)?;
                if !ctx
                    .accounts
                    .is_open(&ctx.db, claims.user_id, claims.iat)
                    .await?
                {
                    return Err(invalid_token("User not found or inactive"));
                }
                Ok(MaybeUser(Some(AuthUser { id: claims.user_id })))
            }
        }
    }
}

impl FromRequestParts<ApiContext> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        MaybeUser::from_request_parts(parts, ctx)
            .await?
            .0
            .ok_or_else(not_authenticated)
    }
}

impl AuthUser {
    /// Whether the caller's account is an active admin (looked up on every call, so that taking
    /// admin rights away takes effect at once, not when the access token expires).
    pub async fn is_admin(self, ctx: &ApiContext) -> Result<bool, ApiError> {
        Ok(nextflex_store::db::users::find_by_id(&ctx.db, self.id)
            .await?
            .is_some_and(|u| u.is_active && u.is_admin))
    }
}

/// The caller, who must be an active admin: 401 without a valid token, 403 for other users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminUser {
    pub id: UserId,
}

pub fn permission_denied() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::PermissionDenied,
        "You do not have permission to perform this action.",
    )
}

impl FromRequestParts<ApiContext> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let user = AuthUser::from_request_parts(parts, ctx).await?;
        if user.is_admin(ctx).await? {
            Ok(AdminUser { id: user.id })
        } else {
            Err(super::error::NotAdmin.into())
        }
    }
}
