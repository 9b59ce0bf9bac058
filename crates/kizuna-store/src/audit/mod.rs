//! The audit log: who did what, when, from where, to which subject. Entries are
//! only ever added: nothing here changes or removes one, and the database
//! refuses it too (triggers). Residents are named by id or a masked address, so
//! erasing a resident never has to touch the log.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::catalog::municipality_code;
use crate::db::Row;
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Audit: Send + Sync + 'static {
    async fn record_audit(&self, entry: &NewAuditEntry, now: DateTime<Utc>) -> Result<()>;
    /// The newest `limit` entries, newest first.
    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>>;
    /// The entries `filter` matches, newest first, at most `filter.limit`.
    async fn search_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;
}

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
        self.search_audit(&AuditFilter::newest(limit)).await
    }

    async fn search_audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.db
            .query(MATCHING_ENTRIES)
            .bind(f.actor.as_deref())
            .bind(f.municipality.as_ref().map(|c| c.as_str()))
            .bind(f.action.as_deref())
            .bind(f.from)
            .bind(f.until)
            .bind(f.before)
            .bind(f.limit)
            .fetch_all()
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
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
