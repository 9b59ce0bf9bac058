//! An in-memory sliding-window rate limiter for registration mails, per address
//! and per client network. It lives in one process: several processes behind a
//! balancer each keep their own count, which only makes the limits more generous.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use crate::config::RateLimit;

/// Forgotten keys are swept every this many checks, so the map stays small.
const SWEEP_EVERY: u64 = 1024;

#[derive(Default)]
pub struct RegistrationLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
    checks: AtomicU64,
}

struct Bucket {
    window: chrono::Duration,
    times: VecDeque<DateTime<Utc>>,
}

impl RegistrationLimiter {
    /// Counts one event for `key` and says whether it is within `limit`. An
    /// event over the limit is not counted, so waiting out the window always helps.
    pub fn allow(&self, key: &str, limit: RateLimit, now: DateTime<Utc>) -> bool {
        if limit.count == 0 {
            return true;
        }
        // A poisoned lock only means another request panicked mid-update; the
        // counts are still usable, and refusing residents would be worse.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            buckets.retain(|_, bucket| bucket.times.back().is_some_and(|last| *last > now - bucket.window));
        }
        let bucket =
            buckets.entry(key.to_owned()).or_insert_with(|| Bucket { window: limit.window, times: VecDeque::new() });
        bucket.window = limit.window;
        while bucket.times.front().is_some_and(|first| *first <= now - limit.window) {
            bucket.times.pop_front();
        }
        if bucket.times.len() >= limit.count as usize {
            return false;
        }
        bucket.times.push_back(now);
        true
    }

    /// How many keys are tracked (for tests of the sweep).
    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn a_key_gets_its_count_per_window_and_then_waits() {
        let limiter = RegistrationLimiter::default();
        let limit = RateLimit { count: 3, window: Duration::minutes(60) };
        let allowed: Vec<bool> =
            (0..5).map(|i| limiter.allow("address:a", limit, t0() + Duration::minutes(i))).collect();
        assert_eq!(allowed, [true, true, true, false, false]);
        assert!(limiter.allow("address:b", limit, t0() + Duration::minutes(5)), "other keys are counted apart");
        assert!(!limiter.allow("address:a", limit, t0() + Duration::minutes(59)));
        assert!(limiter.allow("address:a", limit, t0() + Duration::minutes(60)), "the first event left the window");
    }

    #[test]
    fn a_zero_count_never_limits_and_old_keys_are_swept() {
        let limiter = RegistrationLimiter::default();
        let off = RateLimit { count: 0, window: Duration::minutes(10) };
        assert!((0..10_000).all(|_| limiter.allow("ip:203.0.113.9", off, t0())));
        let limit = RateLimit { count: 1, window: Duration::minutes(10) };
        for i in 0..SWEEP_EVERY {
            limiter.allow(&format!("ip:{i}"), limit, t0());
        }
        assert_eq!(limiter.tracked(), SWEEP_EVERY as usize);
        for i in 0..SWEEP_EVERY {
            limiter.allow(&format!("later:{i}"), limit, t0() + Duration::minutes(11));
        }
        assert!(limiter.tracked() <= SWEEP_EVERY as usize + 1, "expired keys were dropped: {}", limiter.tracked());
    }
}
