//! Double opt-in and residents' personal links: a registration waits as
//! pending until its confirmation link is followed; manage, unsubscribe and
//! empty-mail links are stored as hashes of the tokens mailed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::subscriber::{SubscriberStatus, TokenPurpose};
use kizuna_core::token::TokenHash;

use crate::db::corrupt;
use crate::residents::write_subscriptions;
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Registrations: Send + Sync + 'static {
    /// Starts, or starts again, the double opt-in of an address: a new address
    /// becomes a pending subscriber; a pending, unsubscribed or suppressed one
    /// is reset to pending with the new choices. Either way the confirmation
    /// token is stored with the registration's expiry. An active address is
    /// left untouched and reported as such.
    async fn save_pending_registration(
        &self,
        registration: &PendingRegistration,
        now: DateTime<Utc>,
    ) -> Result<PendingOutcome>;
    /// Follows a confirmation link: an unexpired, unused token of a pending
    /// subscriber activates it, resets its bounce count and lifts any
    /// suppression of its address (following the link proved the mailbox).
    async fn confirm_registration(&self, token: &TokenHash, now: DateTime<Utc>) -> Result<ConfirmOutcome>;

    async fn create_link_token(&self, token: &NewLinkToken, now: DateTime<Utc>) -> Result<()>;
    /// The token, unless it has expired.
    async fn link_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<LinkToken>>;
    async fn mark_link_token_used(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
}

#[async_trait]
impl Registrations for SqlStore {
    async fn save_pending_registration(&self, r: &PendingRegistration, now: DateTime<Utc>) -> Result<PendingOutcome> {
        let mut tx = self.db.begin().await?;
        let saved: Option<i64> = tx
            .query(SAVE_PENDING)
            .bind(r.email.as_str())
            .bind(r.preferences.language.as_str())
            .bind(r.preferences.format.as_str())
            .bind(r.preferences.charset.as_str())
            .bind(r.preferences.emergency_only)
            .bind(r.source.as_str())
            .bind(r.source_municipality.as_ref().map(|c| c.as_str()))
            .bind(now)
            .bind(r.expires_at)
            .bind(TokenHash::of(r.email.as_str()).as_str())
            .bind(r.email.domain())
            .fetch_optional_scalar()
            .await?;
        let Some(id) = saved else {
            let id: i64 = tx.query(ID_BY_EMAIL).bind(r.email.as_str()).fetch_scalar().await?;
            return Ok(PendingOutcome::AlreadyActive { subscriber_id: id });
        };
        write_subscriptions(&mut tx, id, &r.subscriptions).await?;
        tx.query(INSERT_CONFIRM_TOKEN).bind(r.token.as_str()).bind(id).bind(r.expires_at).bind(now).execute().await?;
        tx.commit().await?;
        Ok(PendingOutcome::Saved { subscriber_id: id })
    }

    async fn confirm_registration(&self, token: &TokenHash, now: DateTime<Utc>) -> Result<ConfirmOutcome> {
        let mut tx = self.db.begin().await?;
        let row = tx.query(CONFIRMATION).bind(token.as_str()).bind(now).fetch_optional().await?;
        let Some(row) = row else {
            return Ok(ConfirmOutcome::Invalid);
        };
        let id: i64 = row.get("id")?;
        let status: String = row.get("status")?;
        let used_at: Option<DateTime<Utc>> = row.get("used_at")?;
        let lapses: Option<DateTime<Utc>> = row.get("pending_expires_at")?;
        if status == SubscriberStatus::Active.as_str() {
            return Ok(ConfirmOutcome::AlreadyConfirmed { subscriber_id: id });
        }
        let waiting =
            status == SubscriberStatus::Pending.as_str() && used_at.is_none() && lapses.is_none_or(|at| at > now);
        if !waiting {
            return Ok(ConfirmOutcome::Invalid);
        }
        if tx.query(ACTIVATE).bind(id).bind(now).execute().await? == 0 {
            // Another request confirmed it between our read and write.
            return Ok(ConfirmOutcome::AlreadyConfirmed { subscriber_id: id });
        }
        let email_hash: String = row.get("email_hash")?;
        tx.query(LIFT_SUPPRESSION).bind(&email_hash).execute().await?;
        tx.query(USE_TOKEN).bind(token.as_str()).bind(now).execute().await?;
        tx.commit().await?;
        Ok(ConfirmOutcome::Confirmed { subscriber_id: id })
    }

    async fn create_link_token(&self, token: &NewLinkToken, now: DateTime<Utc>) -> Result<()> {
        self.db
            .query(INSERT_TOKEN)
            .bind(token.hash.as_str())
            .bind(token.purpose.as_str())
            .bind(token.subscriber_id)
            .bind(token.email.as_deref())
            .bind(token.expires_at)
            .bind(now)
            .execute()
            .await?;
        Ok(())
    }

    async fn link_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<LinkToken>> {
        let row = self.db.query(TOKEN).bind(hash.as_str()).bind(now).fetch_optional().await?;
        row.map(|row| {
            let purpose: String = row.get("purpose")?;
            Ok(LinkToken {
                purpose: TokenPurpose::parse(&purpose).ok_or_else(|| corrupt("token purpose", &purpose))?,
                subscriber_id: row.get("subscriber_id")?,
                email: row.get("email")?,
                expires_at: row.get("expires_at")?,
                used_at: row.get("used_at")?,
            })
        })
        .transpose()
    }

    async fn mark_link_token_used(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.db.query(USE_TOKEN_ONCE).bind(hash.as_str()).bind(now).execute().await?;
        Ok(())
    }
}
