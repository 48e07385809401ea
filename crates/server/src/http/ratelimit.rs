//! Rate limiting: a token bucket per key (a client address, an account, a user) that holds at
//! most `capacity` tokens and refills at `capacity` per `window`. Over the limit: 429 with
//! `Retry-After`. Client addresses are TCP peers; behind a proxy, limit at the proxy as well.
//!
//! Two ways to spend: [`RateLimiter::check`] takes a token for every attempt (login and
//! registration per address, uploads per user); [`RateLimiter::blocked`] then
//! [`RateLimiter::charge`] only for failures (wrong passwords per account), so that an owner who
//! types the password right is never slowed by their own logins.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Buckets beyond this many are pruned of full ones, so that many clients cannot grow memory.
const PRUNE_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter<K = IpAddr> {
    capacity: f64,
    /// Tokens per second.
    rate: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    /// `capacity` tokens, refilled over `window`; `capacity` 0 turns limiting off.
    pub fn new(capacity: u32, window: Duration) -> Self {
        let capacity = f64::from(capacity);
        RateLimiter {
            capacity,
            rate: capacity / window.as_secs_f64().max(1e-3),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `per_minute` attempts a minute, all of them at once if need be.
    pub fn per_minute(per_minute: u32) -> Self {
        Self::new(per_minute, Duration::from_secs(60))
    }

    fn off(&self) -> bool {
        self.capacity <= 0.0
    }

    /// The buckets (a poisoned lock still holds valid counts).
    fn buckets(&self) -> MutexGuard<'_, HashMap<K, (f64, Instant)>> {
        match self.buckets.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The bucket of `key` refilled to `now`.
    fn refilled<'a>(
        &self,
        buckets: &'a mut HashMap<K, (f64, Instant)>,
        key: K,
        now: Instant,
    ) -> &'a mut f64 {
        if buckets.len() >= PRUNE_AT {
            let (full, rate) = (self.capacity, self.rate);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < full
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.capacity);
        *at = now;
        tokens
    }

    fn wait(&self, tokens: f64) -> Duration {
        Duration::from_secs_f64((1.0 - tokens) / self.rate)
    }

    /// Takes one token for `key`, or says how long until one is free.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.attempt(key, true)
    }

    /// Whether `key` has no token left (and for how long), without taking one.
    pub fn blocked(&self, key: K) -> Result<(), Duration> {
        self.attempt(key, false)
    }

    fn attempt(&self, key: K, take: bool) -> Result<(), Duration> {
        if self.off() {
            return Ok(());
        }
        let mut buckets = self.buckets();
        let tokens = self.refilled(&mut buckets, key, Instant::now());
        if *tokens < 1.0 {
            return Err(self.wait(*tokens));
        }
        if take {
            *tokens -= 1.0;
        }
        Ok(())
    }

    /// Takes one token for `key` (a failure), even past empty: failures while blocked extend
    /// the wait by one refill each, at most to one window.
    pub fn charge(&self, key: K) {
        if self.off() {
            return;
        }
        let mut buckets = self.buckets();
        let tokens = self.refilled(&mut buckets, key, Instant::now());
        *tokens = (*tokens - 1.0).max(1.0 - self.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_then_says_when_to_retry() {
        let limiter = RateLimiter::per_minute(3);
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!(
            wait > Duration::from_secs(15) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check(b).is_ok(), "clients have their own buckets");
        let off = RateLimiter::per_minute(0);
        assert!((0..100).all(|_| off.check(a).is_ok()));
    }

    #[test]
    fn only_charged_failures_block() {
        let limiter = RateLimiter::new(2, Duration::from_secs(3600));
        for _ in 0..10 {
            assert!(limiter.blocked("alice").is_ok(), "looking costs nothing");
        }
        limiter.charge("alice");
        assert!(limiter.blocked("alice").is_ok());
        limiter.charge("alice");
        let wait = limiter.blocked("alice").unwrap_err();
        assert!(
            wait > Duration::from_secs(1700) && wait <= Duration::from_secs(1800),
            "{wait:?}"
        );
        assert!(limiter.blocked("bob").is_ok());
        // Failures while blocked push the wait out, up to one window.
        for _ in 0..10 {
            limiter.charge("alice");
        }
        let longer = limiter.blocked("alice").unwrap_err();
        assert!(
            longer > wait && longer <= Duration::from_secs(3600),
            "{longer:?}"
        );
    }
}
