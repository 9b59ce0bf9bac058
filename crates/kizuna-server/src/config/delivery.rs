//! How the delivery workers pace, retry and give up, and when `/healthz` raises
//! an alarm about them.

use super::ConfigError;
use super::layers::Layers;
use super::values::parse_pacing;

/// How the delivery workers pace, retry and give up.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Messages per minute into the relay for each listed destination domain.
    pub pacing: Vec<(String, i64)>,
    /// Whether `pacing` was configured (file or environment): then it replaces the
    /// stored rules at start; otherwise the defaults only fill an empty table, so
    /// rules changed at the console survive a restart.
    pub pacing_configured: bool,
    pub batch_size: i64,
    /// About how many recipients a send queues in one transaction; the
    /// workers start on the first chunk while the rest are written.
    pub queue_chunk: u32,
    /// Delivery loops per process: while some claim and record, others keep the
    /// relay connections busy.
    pub workers: usize,
    /// Hard bounces after which an address is suppressed.
    pub suppress_after: i64,
    /// A message still failing after this long is given up.
    pub retry_max_age: chrono::Duration,
    /// `/healthz` turns unhealthy when an emergency waits longer than this.
    pub emergency_alert: chrono::Duration,
    /// … or when the relay has been unreachable this long.
    pub relay_alert: chrono::Duration,
    /// Settled deliveries older than this are pruned (each notice keeps its counts).
    pub retention: chrono::Duration,
}

/// Carriers that throttle bulk senders; conservative so residents' mail is not
/// deferred for hours. Tune with KIZUNA_PACING.
pub const DEFAULT_PACING: &str = "docomo.ne.jp=300,ezweb.ne.jp=300,au.com=300,softbank.ne.jp=300,i.softbank.jp=300";

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            pacing: parse_pacing(DEFAULT_PACING).unwrap_or_default(),
            pacing_configured: false,
            batch_size: 1000,
            queue_chunk: kizuna_store::DEFAULT_QUEUE_CHUNK,
            workers: 3,
            suppress_after: 3,
            retry_max_age: chrono::Duration::hours(24),
            emergency_alert: chrono::Duration::seconds(120),
            relay_alert: chrono::Duration::seconds(300),
            retention: chrono::Duration::days(365),
        }
    }
}

impl DeliverySettings {
    pub(super) fn read(layers: &Layers) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            pacing: layers.parsed("pacing", DEFAULT_PACING, parse_pacing)?,
            pacing_configured: layers.get("pacing").is_some(),
            batch_size: layers.whole("delivery_batch_size", defaults.batch_size, 1..=10_000)?,
            queue_chunk: layers.whole("delivery_queue_chunk", defaults.queue_chunk, 1..=1_000_000)?,
            workers: layers.whole("delivery_workers", defaults.workers, 1..=32)?,
            suppress_after: layers.whole("bounce_suppress_after", defaults.suppress_after, 1..=100)?,
            retry_max_age: layers.minutes("retry_max_age_minutes", defaults.retry_max_age, 1..=10_080)?,
            emergency_alert: layers.seconds("emergency_alert_seconds", defaults.emergency_alert, 1..=86_400)?,
            relay_alert: layers.seconds("relay_alert_seconds", defaults.relay_alert, 1..=86_400)?,
            retention: layers.days("delivery_retention_days", defaults.retention, 1..=36_500)?,
        })
    }
}
