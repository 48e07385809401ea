//! Bounds on uploads (images for posts, history files for imports), so that no burst of them
//! can exhaust memory and no user can hold them all:
//! - a per-user rate limit for each kind, and a per-user bound on uploads under way at once;
//! - a bounded number of image uploads admitted at once (received, waiting or decoding; the
//!   rest get 503 with `Retry-After` before their body is read), and a smaller number decoding
//!   at once (each decode may allocate up to the decoder's limit, see `images`);
//! - a deadline for a body to arrive whole, so that a client sending a byte now and then
//!   cannot keep its place for long (408 `body_timeout`, and the connection is closed).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ratelimit::RateLimiter;
use super::{ApiError, ErrorCode};

/// How long an admitted upload waits for a decoder before it is turned away.
const DECODE_WAIT: Duration = Duration::from_secs(30);
/// What a turned-away upload is told to wait.
const RETRY_BUSY: Duration = Duration::from_secs(2);
const HOUR: Duration = Duration::from_secs(3600);

/// Upload limits with their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    /// Images decoded at once (default: the number of CPUs).
    pub decodes: usize,
    /// Uploads admitted beyond those decoding, waiting for a decoder (default: 4 per decoder).
    pub queue: usize,
    /// Image uploads per user and hour; 0: unlimited.
    pub per_user_hourly: u32,
    /// Uploads (images and history imports together) one user may have under way at once.
    pub per_user_at_once: usize,
    /// History imports per user and hour; 0: unlimited.
    pub imports_per_user_hourly: u32,
    /// How long an upload's body may take to arrive whole.
    pub body_timeout: Duration,
}

impl Default for UploadSettings {
    fn default() -> Self {
        let decodes = std::thread::available_parallelism().map_or(2, |n| n.get());
        UploadSettings {
            decodes,
            queue: 4 * decodes,
            per_user_hourly: 60,
            per_user_at_once: 2,
            imports_per_user_hourly: 20,
            body_timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug)]
pub struct UploadGate {
    admitted: Arc<Semaphore>,
    decoding: Arc<Semaphore>,
    per_user: RateLimiter<i64>,
    imports_per_user: RateLimiter<i64>,
    under_way: Arc<UnderWay>,
    body_timeout: Duration,
}

/// Uploads under way, by user.
#[derive(Debug)]
struct UnderWay {
    at_once: usize,
    by_user: Mutex<HashMap<i64, usize>>,
}

/// A user's upload under way; dropping it frees the user's place.
#[derive(Debug)]
pub struct UserUpload {
    user: i64,
    under_way: Arc<UnderWay>,
}

impl UnderWay {
    fn by_user(&self) -> std::sync::MutexGuard<'_, HashMap<i64, usize>> {
        self.by_user
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A place for `user`'s upload, or 429 when the user has as many under way as allowed.
    fn start(self: &Arc<Self>, user: i64) -> Result<UserUpload, ApiError> {
        let mut by_user = self.by_user();
        let count = by_user.entry(user).or_default();
        if *count >= self.at_once {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::Throttled,
                format!(
                    "You have {} uploads under way; wait for one to finish.",
                    self.at_once
                ),
            )
            .retry_after(RETRY_BUSY));
        }
        *count += 1;
        Ok(UserUpload {
            user,
            under_way: Arc::clone(self),
        })
    }
}

impl Drop for UserUpload {
    fn drop(&mut self) {
        let mut by_user = self.under_way.by_user();
        if let Some(count) = by_user.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                by_user.remove(&self.user);
            }
        }
    }
}

/// An image upload let in; dropping it lets the next one in.
#[derive(Debug)]
pub struct Admitted {
    _permit: OwnedSemaphorePermit,
    _user: UserUpload,
}

/// A decoder held; dropping it frees the decoder.
#[derive(Debug)]
pub struct Decoder {
    _permit: OwnedSemaphorePermit,
}

impl UploadGate {
    pub fn new(settings: &UploadSettings) -> UploadGate {
        let decodes = settings.decodes.max(1);
        UploadGate {
            admitted: Arc::new(Semaphore::new(decodes + settings.queue)),
            decoding: Arc::new(Semaphore::new(decodes)),
            per_user: RateLimiter::new(settings.per_user_hourly, HOUR),
            imports_per_user: RateLimiter::new(settings.imports_per_user_hourly, HOUR),
            under_way: Arc::new(UnderWay {
                at_once: settings.per_user_at_once.max(1),
                by_user: Mutex::default(),
            }),
            body_timeout: settings.body_timeout,
        }
    }

    /// Lets `user`'s image upload in, or answers 429 (over the user's rate, or as many of the
    /// user's uploads under way as allowed) or 503 (as many uploads as are allowed at once are
    /// under way).
    pub fn admit(&self, user: i64) -> Result<Admitted, ApiError> {
        let user_upload = self.under_way.start(user)?;
        self.per_user.check(user).map_err(ApiError::throttled)?;
        match self.admitted.clone().try_acquire_owned() {
            Ok(permit) => Ok(Admitted {
                _permit: permit,
                _user: user_upload,
            }),
            Err(_) => Err(busy()),
        }
    }

    /// Lets `user`'s history import in, or answers 429 (over the user's hourly imports, or as
    /// many of the user's uploads under way as allowed).
    pub fn admit_import(&self, user: i64) -> Result<UserUpload, ApiError> {
        let user_upload = self.under_way.start(user)?;
        self.imports_per_user
            .check(user)
            .map_err(ApiError::throttled)?;
        Ok(user_upload)
    }

    /// Reads an upload's body with `read`, for at most the body deadline; past it, 408
    /// `body_timeout` (the rest of the body is not read, and hyper closes the connection).
    pub async fn receive<T>(
        &self,
        read: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        tokio::time::timeout(self.body_timeout, read)
            .await
            .unwrap_or_else(|_| {
                Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    ErrorCode::BodyTimeout,
                    format!(
                        "The upload did not arrive within {} seconds; try again on a faster connection.",
                        self.body_timeout.as_secs_f64().ceil()
                    ),
                ))
            })
    }

    /// Waits for a decoder, for at most [`DECODE_WAIT`], then answers 503.
    pub async fn decoder(&self, _admitted: &Admitted) -> Result<Decoder, ApiError> {
        match tokio::time::timeout(DECODE_WAIT, self.decoding.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Decoder { _permit: permit }),
            _ => Err(busy()),
        }
    }
}

fn busy() -> ApiError {
    ApiError::unavailable(
        ErrorCode::UploadsBusy,
        "Too many images are being processed; try again shortly.",
        RETRY_BUSY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn admits_up_to_the_bound_then_refuses() {
        let gate = UploadGate::new(&UploadSettings {
            decodes: 1,
            queue: 1,
            per_user_hourly: 3,
            ..UploadSettings::default()
        });
        let first = gate.admit(1).unwrap();
        let second = gate.admit(2).unwrap();
        let refused = gate.admit(3).unwrap_err();
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.retry_after, Some(RETRY_BUSY));
        let decoder = gate.decoder(&first).await.unwrap();
        assert!(
            gate.decoding.available_permits() == 0,
            "one decoder, held by the first upload"
        );
        drop((decoder, first));
        let _decoder = gate.decoder(&second).await.unwrap();
        let _third = gate.admit(1).unwrap();
        // User 1 has spent two of its three; the third is spent by the next, then 429.
        drop(_third);
        gate.admit(1).map(drop).unwrap();
        let throttled = gate.admit(1).unwrap_err();
        assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    }

    #[tokio::test]
    async fn one_user_holds_at_most_its_own_places() {
        let gate = UploadGate::new(&UploadSettings {
            per_user_at_once: 2,
            per_user_hourly: 0,
            imports_per_user_hourly: 0,
            ..UploadSettings::default()
        });
        let image = gate.admit(1).unwrap();
        let import = gate.admit_import(1).unwrap();
        for refused in [gate.admit(1).map(drop), gate.admit_import(1).map(drop)] {
            let refused = refused.unwrap_err();
            assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(refused.retry_after, Some(RETRY_BUSY));
        }
        // Another user is not held up, and a finished upload frees its place.
        let _other = gate.admit(2).unwrap();
        drop(import);
        let _again = gate.admit_import(1).unwrap();
        drop(image);
        assert!(gate.under_way.by_user().get(&1) == Some(&1));
    }

    #[tokio::test]
    async fn a_body_that_does_not_arrive_in_time_is_408() {
        let gate = UploadGate::new(&UploadSettings {
            body_timeout: Duration::from_millis(4500),
            ..UploadSettings::default()
        });
        let slow = gate
            .receive(async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(())
            })
            .await
            .unwrap_err();
        assert_eq!(slow.status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(slow.code, ErrorCode::BodyTimeout);
        assert!(slow.message.contains("5 seconds"), "{}", slow.message);
        let quick = gate.receive(async { Ok(7) }).await.unwrap();
        assert_eq!(quick, 7);
    }
}
