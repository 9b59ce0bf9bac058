//! Webhook receivers, their events and attempts as they cross the storage boundary.

use chrono::{DateTime, Utc};

/// What a webhook receiver is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    /// A notice started going out to residents.
    NoticeSent,
    /// A correction of a sent notice started going out (CAP Update).
    NoticeCorrected,
    /// A sent notice was taken back (CAP Cancel).
    NoticeWithdrawn,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 3] =
        [WebhookEvent::NoticeSent, WebhookEvent::NoticeCorrected, WebhookEvent::NoticeWithdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::NoticeSent => "notice.sent",
            WebhookEvent::NoticeCorrected => "notice.corrected",
            WebhookEvent::NoticeWithdrawn => "notice.withdrawn",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == input)
    }
}

/// Where one event for one receiver stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first attempt or for its next retry.
    Queued,
    /// Held by a sender right now.
    Sending,
    Sent,
    /// Given up: too many attempts, or the receiver's address was refused.
    Failed,
    /// The webhook was removed or the notice cancelled before it went out.
    Cancelled,
}

impl WebhookDeliveryStatus {
    pub const ALL: [WebhookDeliveryStatus; 5] = [
        WebhookDeliveryStatus::Queued,
        WebhookDeliveryStatus::Sending,
        WebhookDeliveryStatus::Sent,
        WebhookDeliveryStatus::Failed,
        WebhookDeliveryStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookDeliveryStatus::Queued => "queued",
            WebhookDeliveryStatus::Sending => "sending",
            WebhookDeliveryStatus::Sent => "sent",
            WebhookDeliveryStatus::Failed => "failed",
            WebhookDeliveryStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == input)
    }
}

/// A receiver to register. The URL has been parsed and its addresses checked by
/// the caller; the store keeps what it is given.
#[derive(Clone)]
pub struct NewWebhook {
    pub url: String,
    /// The HMAC-SHA256 key shared with the receiver.
    pub secret: String,
    /// Whether the URL may lead to loopback, private or link-local addresses.
    pub allow_private: bool,
}

impl std::fmt::Debug for NewWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewWebhook")
            .field("url", &self.url)
            .field("allow_private", &self.allow_private)
            .finish_non_exhaustive()
    }
}

/// A registered receiver as operators see it (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub allow_private: bool,
    pub created_at: DateTime<Utc>,
    /// When it was removed; removed receivers keep their log.
    pub removed_at: Option<DateTime<Utc>>,
    /// The newest event's status and when it last changed.
    pub last_delivery: Option<(WebhookDeliveryStatus, DateTime<Utc>)>,
}

/// An event a sender holds, with what it needs to post and sign it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimedWebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub url: String,
    pub secret: String,
    pub allow_private: bool,
    pub notice_id: i64,
    pub event: WebhookEvent,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

impl std::fmt::Debug for ClaimedWebhookDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedWebhookDelivery")
            .field("id", &self.id)
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.url)
            .field("notice_id", &self.notice_id)
            .field("event", &self.event)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// What became of one claimed webhook event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookResult {
    /// The receiver answered 2xx.
    Sent,
    /// Try again at `next_attempt_at`.
    Retry { next_attempt_at: DateTime<Utc> },
    /// Given up for good.
    Failed,
    /// Not attempted: the notice was cancelled or the webhook removed.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOutcome {
    pub delivery_id: i64,
    pub result: WebhookResult,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i64>,
    /// Why the attempt did not succeed, in a line an operator understands.
    pub error: Option<String>,
}

/// One attempt in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

/// One event for one receiver, with every attempt made, for the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: i64,
    pub webhook_id: i64,
    pub notice_id: i64,
    pub event: WebhookEvent,
    pub status: WebhookDeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attempt_log: Vec<WebhookAttempt>,
}
