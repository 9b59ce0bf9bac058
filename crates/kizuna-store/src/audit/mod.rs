//! The audit log: who did what, when, to which subject. Entries are only ever
//! added; nothing here changes or removes one.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Result, SqlStore};

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

#[async_trait]
pub trait Audit: Send + Sync + 'static {
    async fn record_audit(&self, entry: &NewAuditEntry, now: DateTime<Utc>) -> Result<()>;
    /// The newest `limit` entries, newest first.
    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>>;
}

const INSERT_ENTRY: &str = "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)";

const NEWEST_ENTRIES: &str = "SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT $1";

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
            .execute()
            .await?;
        Ok(())
    }

    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = self.db.query(NEWEST_ENTRIES).bind(limit).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.get("id")?,
                    at: row.get("at")?,
                    actor: row.get("actor")?,
                    action: row.get("action")?,
                    subject: row.get("subject")?,
                    detail: row.get("detail")?,
                })
            })
            .collect()
    }
}
