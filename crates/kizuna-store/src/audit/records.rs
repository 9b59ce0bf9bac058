//! Audit entries as they cross the storage boundary, and how the log is filtered.

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// `staff:ID`, `api-key:ID`, `scheduler`, …
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    /// The client's address, for what a person did over HTTP.
    pub client_address: Option<String>,
    /// The municipality the action concerns, for filtering the log.
    pub municipality: Option<MunicipalityCode>,
}

impl NewAuditEntry {
    pub fn new(actor: impl Into<String>, action: &str, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            action: action.to_owned(),
            subject: subject.into(),
            detail: detail.into(),
            client_address: None,
            municipality: None,
        }
    }

    pub fn from_client(mut self, address: impl Into<String>) -> Self {
        self.client_address = Some(address.into());
        self
    }

    pub fn in_municipality(mut self, code: Option<&MunicipalityCode>) -> Self {
        self.municipality = code.cloned();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub client_address: Option<String>,
    pub municipality: Option<MunicipalityCode>,
}

/// Which entries to read: every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this actor (`staff:ID`, `scheduler`, …).
    pub actor: Option<String>,
    /// Entries concerning this municipality, or done by one of its staff.
    pub municipality: Option<MunicipalityCode>,
    /// This action, or every action that starts with it (`notice_` finds them all).
    pub action: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before (not at).
    pub until: Option<DateTime<Utc>>,
    /// Only entries older than this id: the cursor of the next page.
    pub before: Option<i64>,
    pub limit: i64,
}

impl AuditFilter {
    /// The newest `limit` entries, whatever they are.
    pub fn newest(limit: i64) -> Self {
        Self { actor: None, municipality: None, action: None, from: None, until: None, before: None, limit }
    }
}
