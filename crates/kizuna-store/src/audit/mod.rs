//! The audit log: who did what, when, from where, to which subject. Entries are
//! only ever added: nothing here changes or removes one, and the database
//! refuses it too (triggers). Residents are named by id or a masked address, so
//! erasing a resident never has to touch the log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;

use crate::catalog::municipality_code;
use crate::db::Row;
use crate::{Result, SqlStore};

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

#[async_trait]
pub trait Audit: Send + Sync + 'static {
    async fn record_audit(&self, entry: &NewAuditEntry, now: DateTime<Utc>) -> Result<()>;
    /// The newest `limit` entries, newest first.
    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>>;
}

const INSERT_ENTRY: &str = "INSERT INTO audit_log (at, actor, action, subject, detail, client_address,
     municipality_code) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const NEWEST_ENTRIES: &str = "SELECT id, at, actor, action, subject, detail, client_address, municipality_code
     FROM audit_log ORDER BY id DESC LIMIT $1";

#[async_trait]
impl Audit for SqlStore {
    async fn record_audit(&self, e: &NewAuditEntry, now: DateTime<Utc>) -> Result<()> {
        self.db
            .query(INSERT_ENTRY)
            .bind(now)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.subject)
            .bind(&e.detail)
            .bind(e.client_address.as_deref())
            .bind(e.municipality.as_ref().map(|c| c.as_str()))
            .execute()
            .await?;
        Ok(())
    }

    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        self.db.query(NEWEST_ENTRIES).bind(limit).fetch_all().await?.iter().map(entry_from_row).collect()
    }
}

fn entry_from_row(row: &Row) -> Result<AuditEntry> {
    let municipality: Option<String> = row.get("municipality_code")?;
    Ok(AuditEntry {
        id: row.get("id")?,
        at: row.get("at")?,
        actor: row.get("actor")?,
        action: row.get("action")?,
        subject: row.get("subject")?,
        detail: row.get("detail")?,
        client_address: row.get("client_address")?,
        municipality: municipality.as_deref().map(municipality_code).transpose()?,
    })
}
