//! The one way NextFlex talks to TMDB's API (the trending chart, enrichment): the base URL checked
//! once, the key sent as TMDB wants it (a v3 API key as the `api_key` query parameter, a v4 read
//! access token as a bearer token), no redirects (one would carry a v3 key elsewhere), a cap on
//! the size of an answer, and failures described without the key or the URL.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header;

use nextflex_store::config::Secret;
use nextflex_store::error::{Error, Result};

/// How long establishing a connection to TMDB may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// A TMDB answer larger than this is not read.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A TMDB client with its key.
pub struct Tmdb {
    client: reqwest::Client,
    key: Secret,
    /// The base URL, without a trailing `/`.
    base: String,
}

/// Why TMDB gave no usable answer. Its `Display` never holds the key or the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// TMDB answered this status; `retry_after` is its `Retry-After` (in seconds) when it gave one.
    Status {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// No answer in time.
    Timeout(String),
    /// No connection.
    Connect(String),
    /// Any other failure of the request or of reading the answer.
    Request(String),
    /// The answer is over [`MAX_BODY_BYTES`].
    TooLarge,
}

impl Failure {
    /// Whether asking again later may help: a timeout, no connection, 429 or a 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Failure::Status { status, .. } => {
                *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
            }
            Failure::Timeout(_) | Failure::Connect(_) | Failure::Request(_) => true,
            Failure::TooLarge => false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Status { status, .. } => write!(f, "TMDB answered {status}"),
            Failure::Timeout(why) => write!(f, "timed out: {why}"),
            Failure::Connect(why) => write!(f, "cannot connect: {why}"),
            Failure::Request(why) => write!(f, "request failed: {why}"),
            Failure::TooLarge => write!(f, "TMDB's answer is over {MAX_BODY_BYTES} bytes"),
        }
    }
}

impl Tmdb {
    /// A client of the API at `base` with `key`; `None` without a key (a blank one counts as
    /// none). The base URL is checked with or without a key, so that a typo shows at start-up.
    pub fn new(key: Option<&Secret>, base: &str) -> Result<Option<Tmdb>> {
        let base = base_url(base)?;
        let Some(key) = key.filter(|k| !k.expose().trim().is_empty()) else {
            return Ok(None);
        };
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("nextflex/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::Config(format!(
                    "cannot set up the TMDB client: {}",
                    e.without_url()
                ))
            })?;
        Ok(Some(Tmdb {
            client,
            key: Secret::new(key.expose().trim()),
            base,
        }))
    }

    /// `GET {base}/{path}?{query}` with the key, given `timeout` in all (connecting, waiting,
    /// reading): the body of a 2xx answer.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
        timeout: Duration,
    ) -> Result<Vec<u8>, Failure> {
        let key = self.key.expose();
        let token = is_access_token(key);
        let mut url = reqwest::Url::parse(&format!("{}/{path}", self.base))
            .map_err(|e| Failure::Request(format!("bad TMDB path: {e}")))?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            if !token {
                pairs.append_pair("api_key", key);
            }
        }
        let mut request = self
            .client
            .get(url)
            .timeout(timeout)
            .header(header::ACCEPT, "application/json");
        if token {
            request = request.bearer_auth(key);
        }
        let failed = |e: reqwest::Error| describe(e, key);
        let mut response = request.send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(Failure::Status {
                status,
                retry_after: retry_after(response.headers()),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Failure::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// `base` checked (`http(s)://HOST[/PATH]`, no query), without a trailing `/`.
pub fn base_url(base: &str) -> Result<String> {
    let base = base.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(base)
        .map_err(|e| Error::Config(format!("invalid TMDB API URL {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.query().is_some() || !url.has_host() {
        return Err(Error::Config(format!(
            "invalid TMDB API URL {base:?}: expected http(s)://HOST[/PATH]"
        )));
    }
    Ok(base.to_owned())
}

/// Whether `key` is a TMDB v4 read access token (a JWT) rather than a v3 API key.
pub fn is_access_token(key: &str) -> bool {
    key.starts_with("eyJ") && key.split('.').count() == 3
}

/// What went wrong, without the URL (reqwest's errors name it, and it carries a v3 key).
fn describe(e: reqwest::Error, key: &str) -> Failure {
    let kind: fn(String) -> Failure = if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect
    } else {
        Failure::Request
    };
    let e = e.without_url();
    let mut why = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        why.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    // Belt and braces: no part of an error may carry the key.
    kind(why.replace(key, "[redacted]"))
}

/// A `Retry-After` of delay-seconds (TMDB's form; an HTTP date is not read).
fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_checked() {
        assert_eq!(
            base_url(" https://api.themoviedb.org/3/ ").unwrap(),
            "https://api.themoviedb.org/3"
        );
        assert!(base_url("ftp://example.com").is_err());
        assert!(base_url("not a url").is_err());
        assert!(base_url("http://example.com/?x=1").is_err());
    }

    #[test]
    fn keys_and_tokens_are_told_apart() {
        assert!(!is_access_token("0123456789abcdef0123456789abcdef"));
        assert!(is_access_token("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"));
    }

    #[test]
    fn no_key_no_client_but_the_url_is_still_checked() {
        assert!(
            Tmdb::new(None, "https://api.themoviedb.org/3")
                .unwrap()
                .is_none()
        );
        let blank = Secret::new("  ");
        assert!(
            Tmdb::new(Some(&blank), "https://api.themoviedb.org/3")
                .unwrap()
                .is_none()
        );
        assert!(Tmdb::new(None, "nope").is_err());
    }

    #[test]
    fn retry_after_seconds_are_read() {
        let mut headers = header::HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn transient_failures() {
        let status = |code| Failure::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        };
        assert!(status(429).is_transient());
        assert!(status(503).is_transient());
        assert!(!status(404).is_transient());
        assert!(!status(401).is_transient());
        assert!(Failure::Timeout("x".into()).is_transient());
        assert!(!Failure::TooLarge.is_transient());
        assert_eq!(
            status(500).to_string(),
            "TMDB answered 500 Internal Server Error"
        );
    }
}
