//! What the notice service takes and gives: a new notice's fields already parsed
//! into domain types, a correction's text, a listing's filters, and what a move
//! or a read answers with.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::{DeliveryCounts, FollowUp, NewNotice, Notice};

/// A new notice as a client or a person wrote it, every field already parsed.
#[derive(Debug, Clone)]
pub struct NoticeDraft {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
    pub category: CategoryKey,
    /// Without duplicates, in the order given.
    pub municipalities: Vec<MunicipalityCode>,
    pub areas: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub send_at: Option<DateTime<Utc>>,
    /// Asks each recipient whether they are safe (安否確認).
    pub check_in: bool,
}

impl NoticeDraft {
    /// The store's form of the draft: the one place a `NewNotice` is built.
    pub(super) fn into_new(self, origin: Origin) -> NewNotice {
        NewNotice {
            title: self.title,
            body: self.body,
            title_en: self.title_en,
            body_en: self.body_en,
            category: self.category,
            municipalities: self.municipalities,
            area_ids: self.areas,
            urgency: self.urgency,
            exercise: self.exercise,
            expires_at: self.expires_at,
            send_at: self.send_at,
            check_in: self.check_in,
            follow_up: origin.follow_up,
            source: origin.source,
            source_ref: origin.source_ref,
            idempotency_key: origin.idempotency_key,
            supersedes: origin.supersedes,
        }
    }
}

/// Where a new notice comes from, beside its text.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    pub source: NoticeSource,
    pub source_ref: Option<String>,
    pub idempotency_key: Option<String>,
    pub supersedes: Option<i64>,
    pub follow_up: Option<FollowUp>,
}

impl Origin {
    pub fn new(source: NoticeSource) -> Self {
        Self { source, source_ref: None, idempotency_key: None, supersedes: None, follow_up: None }
    }
}

/// The corrected text of a sent notice.
#[derive(Debug, Clone)]
pub struct CorrectionText {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
}

/// Which notices to list.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub source: Option<NoticeSource>,
    pub municipality: Option<MunicipalityCode>,
    pub status: Option<NoticeStatus>,
    pub limit: i64,
    pub before: Option<i64>,
}

/// One page of notices and the cursor of the next, if there is one.
#[derive(Debug, Clone)]
pub struct NoticePage {
    pub notices: Vec<Notice>,
    pub next_before: Option<i64>,
}

/// A notice with how its deliveries stand.
#[derive(Debug, Clone)]
pub struct NoticeReport {
    pub notice: Notice,
    pub deliveries: DeliveryCounts,
}

/// A notice made by `create`; `new` is false when an idempotency key found the
/// notice it had made before.
#[derive(Debug, Clone)]
pub struct Created {
    pub notice: Notice,
    pub new: bool,
}

/// A notice that started sending (or was scheduled) and the deliveries queued for it.
#[derive(Debug, Clone)]
pub struct Dispatch {
    pub notice: Notice,
    /// Zero when the notice was scheduled, or when nobody receives it.
    pub queued: u64,
}
