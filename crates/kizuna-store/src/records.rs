//! The rows Kizuna stores, as plain structs that cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus, TokenPurpose};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub id: i64,
    pub municipality: String,
    pub name_ja: String,
    pub name_en: String,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: EmailAddress,
    pub password_hash: String,
    pub scope: Scope,
    pub role: Role,
    pub emergency: bool,
    pub must_change_password: bool,
}

#[derive(Clone)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub scope: Scope,
    pub role: Role,
    pub emergency: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
}

impl std::fmt::Debug for StaffAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffAccount")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewSubscriber {
    pub email: EmailAddress,
    pub status: SubscriberStatus,
    pub language: Lang,
    pub format: MailFormat,
    pub charset: Charset,
    pub emergency_only: bool,
    pub source: RegistrationSource,
    pub source_municipality: Option<MunicipalityCode>,
    pub monitor_age_band: Option<String>,
    /// When an unconfirmed registration is erased.
    pub pending_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub status: SubscriberStatus,
    pub language: Lang,
    pub format: MailFormat,
    pub charset: Charset,
    pub emergency_only: bool,
    pub is_staff: bool,
    pub source: RegistrationSource,
    pub source_municipality: Option<String>,
    pub monitor_age_band: Option<String>,
    pub hard_bounces: i64,
    pub created_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// One municipality × category a resident chose, optionally narrowed to an area.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subscription {
    pub municipality: MunicipalityCode,
    pub category: CategoryKey,
    pub area_id: Option<i64>,
}

/// One resident of an imported registrant list.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub subscriber: NewSubscriber,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberCount {
    pub municipality: String,
    pub category: String,
    pub active: i64,
}

#[derive(Debug, Clone)]
pub struct NewLinkToken {
    pub hash: TokenHash,
    pub purpose: TokenPurpose,
    pub subscriber_id: Option<i64>,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkToken {
    pub purpose: TokenPurpose,
    pub subscriber_id: Option<i64>,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewNotice {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
    pub category: CategoryKey,
    pub municipalities: Vec<MunicipalityCode>,
    pub area_ids: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub send_at: Option<DateTime<Utc>>,
    pub checkin_question: Option<String>,
    pub source: NoticeSource,
    pub source_ref: Option<String>,
    pub idempotency_key: Option<String>,
    pub supersedes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: i64,
    pub status: NoticeStatus,
    pub source: NoticeSource,
    pub source_ref: Option<String>,
    pub title: String,
    pub body: String,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub category: String,
    pub municipalities: Vec<String>,
    pub area_ids: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub send_at: Option<DateTime<Utc>>,
    pub checkin_question: Option<String>,
    pub supersedes: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEvent {
    pub from: Option<NoticeStatus>,
    pub to: NoticeStatus,
    pub action: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// Which published notices to list.
#[derive(Debug, Clone, Default)]
pub struct NoticeQuery {
    pub municipality: Option<String>,
    pub category: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub prefix: String,
    pub hash: TokenHash,
    pub scope: Scope,
    pub rights: Vec<ApiRight>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub prefix: String,
    pub scope: Scope,
    pub rights: Vec<ApiRight>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A destination domain's per-minute limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacingRule {
    pub domain: String,
    pub per_minute: i64,
}

/// A batch request from a delivery worker.
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

/// What a link token resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRef {
    pub delivery_id: i64,
    pub notice_id: i64,
    pub subscriber_id: i64,
}

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
