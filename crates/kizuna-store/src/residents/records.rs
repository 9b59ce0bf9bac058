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
