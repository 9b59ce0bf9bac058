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

/// What the public archive, its feeds and the CAP index ask for. Only published
/// notices (sending, sent, corrected, withdrawn) of unrestricted categories come back;
/// obituaries leave once their first publication is older than `obituary_days`.
#[derive(Debug, Clone)]
pub struct ArchiveQuery {
    pub municipality: Option<MunicipalityCode>,
    pub category: Option<CategoryKey>,
    /// The first Tokyo calendar day of sending to include.
    pub sent_from: Option<chrono::NaiveDate>,
    /// The last Tokyo calendar day of sending to include.
    pub sent_until: Option<chrono::NaiveDate>,
    /// Words that must all appear in the title or text.
    pub search: Option<kizuna_core::text::SearchQuery>,
    /// Whether notices that a correction replaced are listed too (the archive keeps
    /// them; the index of current CAP messages does not).
    pub include_superseded: bool,
    pub now: DateTime<Utc>,
    pub obituary_days: u32,
    pub limit: i64,
    pub offset: i64,
}

impl ArchiveQuery {
    /// Everything public at `now`, newest first.
    pub fn everything(now: DateTime<Utc>, obituary_days: u32, limit: i64) -> Self {
        Self {
            municipality: None,
            category: None,
            sent_from: None,
            sent_until: None,
            search: None,
            include_superseded: true,
            now,
            obituary_days,
            limit,
            offset: 0,
        }
    }
}

/// One page of the archive and how many notices match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePage {
    pub notices: Vec<Notice>,
    pub total: i64,
}

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

/// How a resident wants their mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub language: Lang,
    pub format: MailFormat,
    pub charset: Charset,
    pub emergency_only: bool,
}

/// A registration waiting for its confirmation link to be followed.
#[derive(Debug, Clone)]
pub struct PendingRegistration {
    pub email: EmailAddress,
    pub preferences: Preferences,
    pub source: RegistrationSource,
    pub source_municipality: Option<MunicipalityCode>,
    pub subscriptions: Vec<Subscription>,
    /// The SHA-256 of the token mailed in the confirmation link.
    pub token: TokenHash,
    /// When the registration and its token lapse.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingOutcome {
    /// Stored as pending; the confirmation mail may go out.
    Saved { subscriber_id: i64 },
    /// The address is already active; nothing was changed.
    AlreadyActive { subscriber_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Confirmed {
        subscriber_id: i64,
    },
    /// The link was followed before (a second click, or a second tab).
    AlreadyConfirmed {
        subscriber_id: i64,
    },
    /// Unknown, expired, or for a registration that no longer waits.
    Invalid,
}

/// Which notices staff or an API client list, newest first.
#[derive(Debug, Clone)]
pub struct NoticeFilter {
    pub source: Option<NoticeSource>,
    /// Notices addressed to this municipality (among others).
    pub municipality: Option<MunicipalityCode>,
    pub status: Option<NoticeStatus>,
    /// Only notices whose every municipality this scope covers.
    pub within: Scope,
    /// Only notices older than this id: the cursor of the next page.
    pub before: Option<i64>,
    pub limit: i64,
}

impl NoticeFilter {
    /// Every notice the scope covers, `limit` at a time.
    pub fn within(scope: Scope, limit: i64) -> Self {
        Self { source: None, municipality: None, status: None, within: scope, before: None, limit }
    }
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
