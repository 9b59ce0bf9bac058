//! Residents and their choices as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};

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
    pub source_municipality: Option<MunicipalityCode>,
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

/// Active residents who chose one municipality × category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberCount {
    pub municipality: MunicipalityCode,
    pub category: CategoryKey,
    pub active: i64,
}

/// How a resident wants their mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub language: Lang,
    pub format: MailFormat,
    pub charset: Charset,
    pub emergency_only: bool,
}

/// A resident's record as a staff member sees it: their choices within the
/// staff member's scope, whether they chose anything outside it (never which),
/// and why their address is suppressed, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentRecord {
    pub subscriber: Subscriber,
    /// Sorted.
    pub subscriptions: Vec<Subscription>,
    pub chose_elsewhere: bool,
    pub suppression: Option<String>,
}

/// One search result: the resident and the municipalities they chose, within scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentMatch {
    pub subscriber: Subscriber,
    pub municipalities: Vec<MunicipalityCode>,
}

/// One message sent (or being sent) to a resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentDelivery {
    pub notice_id: i64,
    pub title: String,
    /// `queued`, `sending`, `sent`, `deferred`, `bounced` or `failed`.
    pub status: String,
    pub attempts: i64,
    /// The relay's last reply: for a bounce, why.
    pub last_reply: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What an erasure at a staff member's hands removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The whole record; only the suppression hash of the address is kept.
    Whole,
    /// Only the choices within the staff member's municipality: the resident
    /// also chose other municipalities, whose choices are kept.
    WithinMunicipality,
}

/// What importing one row does (or did) with its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStanding {
    /// A new resident, active at once.
    New,
    /// A resident active elsewhere who now also has the importing
    /// municipality's choices; their other choices are kept.
    Joined,
    /// Already registered (in the importing municipality, when there is one):
    /// left as they are.
    Known,
    /// An address that left, was suppressed or erased: an old list does not
    /// bring it back.
    Stopped,
}

/// A resident with their choices (within scope), as an export lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedResident {
    pub subscriber: Subscriber,
    /// Sorted.
    pub subscriptions: Vec<Subscription>,
}
