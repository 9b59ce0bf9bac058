//! Rate limits that hold for the whole deployment: every process on the
//! database counts into the same rows, so two `kizuna serve` processes together
//! allow what one allows. Each key has a bucket of `limit` events that refills
//! evenly over `window`: a burst up to the limit, then one event each
//! `window / limit`. An event over the limit is not counted, so waiting helps.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::{Result, SqlStore};

mod queries;
use queries::*;

/// Events are counted in thousandths, so the bucket refills smoothly in whole numbers.
const MILLI: i64 = 1000;

/// What a limit says about one more event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateAnswer {
    Allowed,
    /// Over the limit: the event was not counted; try again after this long.
    Wait(Duration),
}

#[async_trait]
pub trait Limits: Send + Sync + 'static {
    /// Takes one event from `key`'s bucket, which holds `limit` events and
    /// refills evenly over `window`; when it is empty, says how long until the
    /// next event is allowed. A `limit` of 0 allows everything.
    async fn take_rate(&self, key: &str, limit: u32, window: Duration, now: DateTime<Utc>) -> Result<RateAnswer>;
    /// Forgets buckets untouched since `before` (they would be full again); returns how many.
    async fn forget_rates(&self, before: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
impl Limits for SqlStore {
    async fn take_rate(&self, key: &str, limit: u32, window: Duration, now: DateTime<Utc>) -> Result<RateAnswer> {
        if limit == 0 {
            return Ok(RateAnswer::Allowed);
        }
        let capacity = i64::from(limit) * MILLI;
        let window = window.num_milliseconds().max(1);
        let at = now.timestamp_millis();
        let mut tx = self.db.begin().await?;
        // The row is locked from here until commit: processes counting at once take turns.
        tx.query(OPEN_BUCKET).bind(key).bind(capacity).bind(at).execute().await?;
        let row = tx.query(READ_BUCKET).bind(key).fetch_one().await?;
        let (level, then): (i64, i64) = (row.get("level")?, row.get("at")?);
        // Refilled by `limit` events per window since it was last touched (never backwards in time).
        let refill = i128::from((at - then).max(0)) * i128::from(capacity) / i128::from(window);
        let level = i64::try_from((i128::from(level) + refill).min(i128::from(capacity))).unwrap_or(capacity);
        let answer = if level >= MILLI {
            tx.query(WRITE_BUCKET).bind(key).bind(level - MILLI).bind(at.max(then)).execute().await?;
            RateAnswer::Allowed
        } else {
            // Time until one whole event has refilled, rounded up to the millisecond.
            let missing = i128::from(MILLI - level) * i128::from(window);
            let wait = (missing + i128::from(capacity) - 1) / i128::from(capacity);
            RateAnswer::Wait(Duration::milliseconds(i64::try_from(wait).unwrap_or(window).max(1)))
        };
        tx.commit().await?;
        Ok(answer)
    }

    async fn forget_rates(&self, before: DateTime<Utc>) -> Result<u64> {
        self.db.query(FORGET_BUCKETS).bind(before.timestamp_millis()).execute().await
    }
}
