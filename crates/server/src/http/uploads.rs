//! Bounds on image uploads, so that no burst of them can exhaust memory: a per-user rate limit,
//! a bounded number of uploads admitted at once (received, waiting or decoding; the rest get
//! 503 with `Retry-After` before their body is read), and a smaller number decoding at once
//! (each decode may allocate up to the decoder's limit, see `images`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ratelimit::RateLimiter;
use super::{ApiError, ErrorCode};

/// How long an admitted upload waits for a decoder before it is turned away.
const DECODE_WAIT: Duration = Duration::from_secs(30);
/// What a turned-away upload is told to wait.
const RETRY_BUSY: Duration = Duration::from_secs(2);

/// Upload limits with their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    /// Images decoded at once (default: the number of CPUs).
    pub decodes: usize,
    /// Uploads admitted beyond those decoding, waiting for a decoder (default: 4 per decoder).
    pub queue: usize,
    /// Uploads per user and hour; 0: unlimited.
    pub per_user_hourly: u32,
}

impl Default for UploadSettings {
    fn default() -> Self {
        let decodes = std::thread::available_parallelism().map_or(2, |n| n.get());
        UploadSettings {
            decodes,
            queue: 4 * decodes,
            per_user_hourly: 60,
        }
    }
}

#[derive(Debug)]
pub struct UploadGate {
    admitted: Arc<Semaphore>,
    decoding: Arc<Semaphore>,
    per_user: RateLimiter<i64>,
}

/// An upload let in; dropping it lets the next one in.
#[derive(Debug)]
pub struct Admitted {
    _permit: OwnedSemaphorePermit,
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
            per_user: RateLimiter::new(settings.per_user_hourly, Duration::from_secs(3600)),
        }
    }

    /// Lets `user`'s upload in, or answers 429 (over the user's rate) or 503 (as many uploads
    /// as are allowed at once are under way).
    pub fn admit(&self, user: i64) -> Result<Admitted, ApiError> {
        self.per_user.check(user).map_err(ApiError::throttled)?;
        match self.admitted.clone().try_acquire_owned() {
            Ok(permit) => Ok(Admitted { _permit: permit }),
            Err(_) => Err(busy()),
        }
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
    use axum::http::StatusCode;

    #[tokio::test]
    async fn admits_up_to_the_bound_then_refuses() {
        let gate = UploadGate::new(&UploadSettings {
            decodes: 1,
            queue: 1,
            per_user_hourly: 3,
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
}
