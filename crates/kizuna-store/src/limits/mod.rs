//! Rate limits that hold for the whole deployment: every process on the
//! database counts into the same rows, so two `kizuna serve` processes together
//! allow what one allows. A sliding window estimated from the current and the
//! previous window's counts; an event over the limit is not counted, so waiting
//! always helps.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::{Result, SqlStore};

mod queries;
use queries::*;

/// What a limit says about one more event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateAnswer {
    Allowed,
    /// Over the limit: the event was not counted; try again after this long.
    Wait(Duration),
}

#[async_trait]
pub trait Limits: Send + Sync + 'static {
    /// Counts one event for `key` if fewer than `limit` happened within the
    /// last `window` (estimated across two fixed windows), else says how long
    /// to wait. A `limit` of 0 allows everything.
    async fn take_rate(&self, key: &str, limit: u32, window: Duration, now: DateTime<Utc>) -> Result<RateAnswer>;
    /// Forgets counters untouched since `before`; returns how many.
    async fn forget_rates(&self, before: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
impl Limits for SqlStore {
    async fn take_rate(&self, key: &str, limit: u32, window: Duration, now: DateTime<Utc>) -> Result<RateAnswer> {
        if limit == 0 {
            return Ok(RateAnswer::Allowed);
        }
        let length = window.num_milliseconds().max(1);
        let at = now.timestamp_millis();
        let start = at - at.rem_euclid(length);
        let mut tx = self.db.begin().await?;
        // The row stays locked until commit: processes counting at once take turns.
        let row = tx.query(COUNT_EVENT).bind(key).bind(start).bind(start - length).fetch_one().await?;
        let (current, previous): (i64, i64) = (row.get("current")?, row.get("previous")?);
        let elapsed = (at - start) as f64 / length as f64;
        let estimate = previous as f64 * (1.0 - elapsed) + current as f64;
        if estimate <= f64::from(limit) {
            tx.commit().await?;
            return Ok(RateAnswer::Allowed);
        }
        tx.query(UNCOUNT_EVENT).bind(key).execute().await?;
        tx.commit().await?;
        // The estimate falls as the previous window's share fades, then with the next window.
        let over = estimate - f64::from(limit);
        let fade = if previous > 0 && current <= i64::from(limit) {
            (over / previous as f64 * length as f64).ceil() as i64
        } else {
            start + length - at
        };
        Ok(RateAnswer::Wait(Duration::milliseconds(fade.clamp(1, length))))
    }

    async fn forget_rates(&self, before: DateTime<Utc>) -> Result<u64> {
        self.db.query(FORGET_COUNTERS).bind(before.timestamp_millis()).execute().await
    }
}
