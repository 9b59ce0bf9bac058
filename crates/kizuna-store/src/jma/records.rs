//! What the JMA poller keeps about its feeds.

use chrono::{DateTime, Utc};

/// What the JMA poller remembers about one feed: the validators for a conditional
/// GET, and whether polling it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaFeedState {
    pub url: String,
    /// The `ETag` of the last feed read in full, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last feed read in full, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// The first attempt to poll it: the health check counts from here until a poll succeeds.
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Failed polls in a row; the poller backs off by it.
    pub failures: i64,
}

impl JmaFeedState {
    /// A feed never polled before.
    pub fn new(url: &str, now: DateTime<Utc>) -> Self {
        Self {
            url: url.to_owned(),
            etag: None,
            last_modified: None,
            created_at: now,
            last_attempt_at: None,
            last_success_at: None,
            last_error: None,
            failures: 0,
        }
    }
}
