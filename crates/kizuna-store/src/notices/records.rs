//! Notices and their history as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::staff::Scope;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};

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
    /// Asks each recipient whether they are safe (安否確認).
    pub check_in: bool,
    /// Goes to some recipients of a check-in notice instead of to subscriptions.
    pub follow_up: Option<FollowUp>,
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
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
    pub category: CategoryKey,
    /// In the order of the consortium file.
    pub municipalities: Vec<MunicipalityCode>,
    /// Ascending.
    pub area_ids: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub send_at: Option<DateTime<Utc>>,
    pub check_in: bool,
    pub follow_up: Option<FollowUp>,
    pub supersedes: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A follow-up of a check-in notice: it reaches the recipients of notice `of`
/// that `audience` names when it is sent, and its mail carries their links to
/// answer that check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub of: i64,
    pub audience: FollowUpAudience,
}

/// One step in a notice's life: who moved it from which status to which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEvent {
    pub from: Option<NoticeStatus>,
    pub to: NoticeStatus,
    pub action: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
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

/// One version of a notice's text and targets, as its author saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeVersion {
    pub version: i64,
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
    pub category: CategoryKey,
    pub municipalities: Vec<MunicipalityCode>,
    pub area_ids: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub send_at: Option<DateTime<Utc>>,
    pub edited_by: String,
    pub edited_at: DateTime<Utc>,
}

/// Who a notice would reach if it were sent now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientCounts {
    /// Residents who receive it (each once, whatever they chose).
    pub total: i64,
    /// Residents who chose "emergency information only" and would otherwise
    /// receive it: not reached, since its category is not an emergency one.
    pub emergency_only_left_out: i64,
    /// The same per municipality of the notice, in the consortium's order. A
    /// resident subscribed to two of its municipalities counts in each.
    pub by_municipality: Vec<MunicipalityRecipients>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MunicipalityRecipients {
    pub municipality: MunicipalityCode,
    pub recipients: i64,
    pub emergency_only_left_out: i64,
}

/// One chunk of a send's recipients queued after the send itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedChunk {
    pub notice_id: i64,
    /// Deliveries this chunk queued.
    pub queued: u64,
    /// Every recipient of the notice is now queued.
    pub finished: bool,
}
