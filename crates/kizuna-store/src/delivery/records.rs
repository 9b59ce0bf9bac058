//! The delivery queue's requests and answers as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::Lang;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_core::token::TokenHash;

/// A destination domain's per-minute limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacingRule {
    pub domain: String,
    pub per_minute: i64,
}

/// A batch request from a delivery worker (or a webhook sender).
#[derive(Debug, Clone)]
pub struct ClaimRequest {
    /// Names the batch; the worker records outcomes under it.
    pub claim_id: String,
    pub now: DateTime<Utc>,
    pub batch_size: i64,
    /// After this long an unrecorded claim is released to be sent again.
    pub claim_ttl: chrono::Duration,
}

/// A delivery a worker holds, with what it needs to render the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub notice_id: i64,
    pub subscriber_id: i64,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub email: String,
    pub language: Lang,
    pub format: MailFormat,
    pub charset: Charset,
}

/// What became of one claimed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryResult {
    Sent,
    /// Try again at `next_attempt_at` (4xx, a broken connection).
    Deferred {
        reply: String,
        next_attempt_at: DateTime<Utc>,
    },
    /// Refused for good (5xx); counts toward suppressing the address.
    Bounced {
        reply: String,
    },
    /// Given up (too old to retry).
    Failed {
        reply: String,
    },
    /// The notice was cancelled before this message went out.
    Cancelled,
    /// Not attempted (the relay is down): back to the queue without counting an attempt.
    Released,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub delivery_id: i64,
    pub result: DeliveryResult,
}

/// How many deliveries of a notice are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub total: i64,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub deferred: i64,
    pub bounced: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// How a link in a notice mail names its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailedLink<'a> {
    /// A random token whose hash was stored when the mail was sent: the links
    /// of mails sent before links were derived. They work until their
    /// deliveries pass retention.
    Stored(&'a TokenHash),
    /// A delivery whose link the server has checked against the secret key
    /// (the link is derived from the delivery; nothing of it is stored).
    Checked(i64),
}

/// What a link in a notice mail resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRef {
    pub delivery_id: i64,
    pub notice_id: i64,
    pub subscriber_id: i64,
}

/// One batch of pruned deliveries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrunedBatch {
    pub rows: u64,
    /// The deleting transaction, begin to commit: how long it held its locks
    /// (on SQLite, with any wait for the one writer's lock).
    pub held: std::time::Duration,
}
