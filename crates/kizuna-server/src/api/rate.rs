//! Per-key rate limits: an in-memory token bucket for each API key, so one
//! runaway client cannot crowd out the others (each process counts its own).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

#[derive(Debug, Default)]
pub struct KeyRateLimiter {
    buckets: Mutex<HashMap<i64, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl KeyRateLimiter {
    /// Takes one request from `key`'s bucket, which holds `per_minute` requests
    /// and refills evenly over a minute. When it is empty, says how many whole
    /// seconds to wait before the next request is allowed.
    pub fn check(&self, key: i64, per_minute: u32, now: DateTime<Utc>) -> Result<(), u64> {
        let capacity = f64::from(per_minute.max(1));
        let per_second = capacity / 60.0;
        // A poisoned lock only means another request panicked mid-update; the counts are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(key).or_insert(Bucket { tokens: capacity, at: now });
        let elapsed = (now - bucket.at).num_milliseconds().max(0) as f64 / 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn a_burst_up_to_the_limit_passes_then_the_bucket_refills_over_the_minute() {
        let limiter = KeyRateLimiter::default();
        for _ in 0..60 {
            assert_eq!(limiter.check(1, 60, t0()), Ok(()));
        }
        assert_eq!(limiter.check(1, 60, t0()), Err(1), "one request a second comes back");
        assert_eq!(limiter.check(2, 60, t0()), Ok(()), "another key has its own bucket");
        assert_eq!(limiter.check(1, 60, t0() + Duration::milliseconds(1500)), Ok(()));
        assert_eq!(limiter.check(1, 60, t0() + Duration::milliseconds(1500)), Err(1));
        for _ in 0..60 {
            assert_eq!(limiter.check(1, 60, t0() + Duration::minutes(5)), Ok(()), "full again, never beyond");
        }
        assert!(limiter.check(1, 60, t0() + Duration::minutes(5)).is_err());
    }

    #[test]
    fn a_slow_limit_asks_for_a_longer_wait() {
        let limiter = KeyRateLimiter::default();
        assert_eq!(limiter.check(1, 2, t0()), Ok(()));
        assert_eq!(limiter.check(1, 2, t0()), Ok(()));
        assert_eq!(limiter.check(1, 2, t0()), Err(30));
    }
}
