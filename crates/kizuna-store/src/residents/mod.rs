//! Residents (登録者): their records, the municipalities and categories they
//! chose, suppressed addresses, and erasure — which keeps only a hash of the
//! address, so an erased address stays suppressed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::Lang;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::token::TokenHash;

use crate::catalog::{category_key, municipality_code};
use crate::db::{Ids, Row, Tx, corrupt};
use crate::{Result, SqlStore, StoreError};

mod import;
mod queries;
mod records;
mod scoped;
use queries::*;
pub use records::*;
pub use scoped::ResidentRecords;

#[async_trait]
pub trait Residents: Send + Sync + 'static {
    async fn create_subscriber(&self, subscriber: &NewSubscriber, now: DateTime<Utc>) -> Result<i64>;
    async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>>;
    async fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>>;
    async fn set_subscriber_status(&self, id: i64, status: SubscriberStatus, now: DateTime<Utc>) -> Result<()>;
    /// Marks or unmarks a subscriber for restricted categories; false when no such address.
    async fn set_subscriber_staff(&self, email: &str, is_staff: bool, now: DateTime<Utc>) -> Result<bool>;
    async fn replace_subscriptions(&self, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()>;
    /// Sorted.
    async fn subscriptions(&self, subscriber_id: i64) -> Result<Vec<Subscription>>;
    /// Replaces an active subscriber's preferences and subscriptions at once;
    /// `NotFound` when there is no active subscriber with that id.
    async fn update_preferences(
        &self,
        id: i64,
        preferences: &Preferences,
        subscriptions: &[Subscription],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Stops all mail to a subscriber and deletes their choices; false when they
    /// had already unsubscribed.
    async fn unsubscribe_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;
    /// Removes a subscriber and everything about them, keeping the suppression hash.
    async fn erase_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<()>;
    /// Erases pending registrations whose confirmation time has passed.
    async fn expire_pending_subscribers(&self, now: DateTime<Utc>) -> Result<u64>;
    /// Erases subscribers who unsubscribed before `before`, keeping only the
    /// suppression hash of each address. Returns how many were erased.
    async fn erase_unsubscribed(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64>;
    async fn subscriber_counts(&self) -> Result<Vec<SubscriberCount>>;
    /// Adds active subscribers with their choices in one transaction, in
    /// batches (as [`ResidentRecords::import_residents`] does for the whole
    /// region); addresses already registered or suppressed are left as they
    /// are. Returns how many were added.
    async fn import_subscribers(&self, rows: &[ImportRow], now: DateTime<Utc>) -> Result<u64>;

    async fn suppress(&self, email_hash: &TokenHash, reason: &str, now: DateTime<Utc>) -> Result<()>;
    async fn is_suppressed(&self, email_hash: &TokenHash) -> Result<bool>;
    /// Lifts the suppression of an address; false when it was not suppressed.
    async fn unsuppress(&self, email_hash: &TokenHash) -> Result<bool>;
}

#[async_trait]
impl Residents for SqlStore {
    async fn create_subscriber(&self, s: &NewSubscriber, now: DateTime<Utc>) -> Result<i64> {
        let confirmed_at = (s.status == SubscriberStatus::Active).then_some(now);
        self.db
            .query(INSERT_SUBSCRIBER)
            .bind(s.email.as_str())
            .bind(s.status.as_str())
            .bind(s.language.as_str())
            .bind(s.format.as_str())
            .bind(s.charset.as_str())
            .bind(s.emergency_only)
            .bind(s.source.as_str())
            .bind(s.source_municipality.as_ref().map(|c| c.as_str()))
            .bind(s.monitor_age_band.as_deref())
            .bind(now)
            .bind(confirmed_at)
            .bind(s.pending_expires_at)
            .bind(TokenHash::of(s.email.as_str()).as_str())
            .bind(s.email.domain())
            .fetch_scalar()
            .await
    }

    async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>> {
        let row = self.db.query(SUBSCRIBER_BY_ID).bind(id).fetch_optional().await?;
        row.as_ref().map(subscriber_from_row).transpose()
    }

    async fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>> {
        let row = self.db.query(SUBSCRIBER_BY_EMAIL).bind(email).fetch_optional().await?;
        row.as_ref().map(subscriber_from_row).transpose()
    }

    async fn set_subscriber_status(&self, id: i64, status: SubscriberStatus, now: DateTime<Utc>) -> Result<()> {
        let changed = self.db.query(SET_STATUS).bind(id).bind(status.as_str()).bind(now).execute().await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_subscriber_staff(&self, email: &str, is_staff: bool, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(SET_STAFF).bind(email).bind(is_staff).bind(now).execute().await? > 0)
    }

    async fn replace_subscriptions(&self, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        write_subscriptions(&mut tx, subscriber_id, subscriptions).await?;
        tx.commit().await
    }

    async fn subscriptions(&self, subscriber_id: i64) -> Result<Vec<Subscription>> {
        let rows = self.db.query(SUBSCRIPTIONS_OF).bind(subscriber_id).fetch_all().await?;
        let mut out = rows.iter().map(subscription_from_row).collect::<Result<Vec<_>>>()?;
        out.sort();
        Ok(out)
    }

    async fn update_preferences(
        &self,
        id: i64,
        p: &Preferences,
        subscriptions: &[Subscription],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let changed = tx
            .query(UPDATE_PREFERENCES)
            .bind(id)
            .bind(p.language.as_str())
            .bind(p.format.as_str())
            .bind(p.charset.as_str())
            .bind(p.emergency_only)
            .bind(now)
            .execute()
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        write_subscriptions(&mut tx, id, subscriptions).await?;
        tx.commit().await
    }

    async fn unsubscribe_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        let status: Option<String> = tx.query(STATUS_OF).bind(id).fetch_optional_scalar().await?;
        let Some(status) = status else {
            return Err(StoreError::NotFound);
        };
        if status == SubscriberStatus::Unsubscribed.as_str() {
            return Ok(false);
        }
        if status == SubscriberStatus::Active.as_str() {
            // Counted before the choices go, without naming the resident.
            tx.query(COUNT_UNSUBSCRIBE).bind(id).bind(now).execute().await?;
        }
        tx.query(MARK_UNSUBSCRIBED).bind(id).bind(now).execute().await?;
        tx.query(DELETE_SUBSCRIPTIONS).bind(id).execute().await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn erase_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let email: Option<String> = tx.query(EMAIL_OF).bind(id).fetch_optional_scalar().await?;
        let Some(email) = email else {
            return Err(StoreError::NotFound);
        };
        let status: Option<String> = tx.query(STATUS_OF).bind(id).fetch_optional_scalar().await?;
        if status.as_deref() == Some(SubscriberStatus::Active.as_str()) {
            // Erasing at their request is leaving too: counted, without naming them.
            tx.query(COUNT_UNSUBSCRIBE).bind(id).bind(now).execute().await?;
        }
        tx.query(SUPPRESS_ERASED).bind(TokenHash::of(&email).as_str()).bind(now).execute().await?;
        delete_subscribers(&mut tx, &[id]).await?;
        tx.commit().await
    }

    async fn expire_pending_subscribers(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let ids: Vec<i64> = tx.query(LAPSED_PENDING).bind(now).fetch_scalars().await?;
        let erased = delete_subscribers(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(erased)
    }

    async fn erase_unsubscribed(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        tx.query(SUPPRESS_OLD_UNSUBSCRIBED).bind(before).bind(now).execute().await?;
        let ids: Vec<i64> = tx.query(OLD_UNSUBSCRIBED).bind(before).fetch_scalars().await?;
        let erased = delete_subscribers(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(erased)
    }

    async fn subscriber_counts(&self) -> Result<Vec<SubscriberCount>> {
        let rows = self.db.query(ACTIVE_COUNTS).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(SubscriberCount {
                    municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
                    category: category_key(&row.get::<String>("category_key")?)?,
                    active: row.get("active")?,
                })
            })
            .collect()
    }

    async fn import_subscribers(&self, rows: &[ImportRow], now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let standings = import::import(&mut tx, rows, None, now).await?;
        tx.commit().await?;
        Ok(standings.iter().filter(|s| **s == ImportStanding::New).count() as u64)
    }

    async fn suppress(&self, email_hash: &TokenHash, reason: &str, now: DateTime<Utc>) -> Result<()> {
        self.db.query(SUPPRESS).bind(email_hash.as_str()).bind(reason).bind(now).execute().await?;
        Ok(())
    }

    async fn is_suppressed(&self, email_hash: &TokenHash) -> Result<bool> {
        self.db.query(IS_SUPPRESSED).bind(email_hash.as_str()).fetch_scalar().await
    }

    async fn unsuppress(&self, email_hash: &TokenHash) -> Result<bool> {
        Ok(self.db.query(UNSUPPRESS).bind(email_hash.as_str()).execute().await? > 0)
    }
}

fn subscriber_from_row(row: &Row) -> Result<Subscriber> {
    let status: String = row.get("status")?;
    let format: String = row.get("format")?;
    let charset: String = row.get("charset")?;
    let source: String = row.get("source")?;
    let language: String = row.get("language")?;
    let source_municipality: Option<String> = row.get("source_municipality")?;
    Ok(Subscriber {
        id: row.get("id")?,
        email: row.get("email")?,
        status: SubscriberStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        language: Lang::from_tag(&language),
        format: MailFormat::parse(&format).ok_or_else(|| corrupt("format", &format))?,
        charset: Charset::parse(&charset).ok_or_else(|| corrupt("charset", &charset))?,
        emergency_only: row.get("emergency_only")?,
        is_staff: row.get("is_staff")?,
        source: RegistrationSource::parse(&source).ok_or_else(|| corrupt("source", &source))?,
        source_municipality: source_municipality.as_deref().map(municipality_code).transpose()?,
        monitor_age_band: row.get("monitor_age_band")?,
        hard_bounces: row.get("hard_bounces")?,
        created_at: row.get("created_at")?,
        confirmed_at: row.get("confirmed_at")?,
    })
}

fn subscription_from_row(row: &Row) -> Result<Subscription> {
    Ok(Subscription {
        municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
        category: category_key(&row.get::<String>("category_key")?)?,
        area_id: row.get("area_id")?,
    })
}

/// Replaces a subscriber's choices inside the caller's transaction; repeated
/// choices collapse into one.
pub(crate) async fn write_subscriptions(tx: &mut Tx, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()> {
    tx.query(DELETE_SUBSCRIPTIONS).bind(subscriber_id).execute().await?;
    add_subscriptions(tx, subscriber_id, subscriptions).await
}

/// Adds choices beside the ones a subscriber has, each once.
pub(crate) async fn add_subscriptions(tx: &mut Tx, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()> {
    let mut unique = subscriptions.to_vec();
    unique.sort();
    unique.dedup();
    for s in &unique {
        tx.query(INSERT_SUBSCRIPTION)
            .bind(subscriber_id)
            .bind(s.municipality.as_str())
            .bind(s.category.as_str())
            .bind(s.area_id)
            .execute()
            .await?;
    }
    Ok(())
}

/// Deletes residents with their deliveries and the deliveries' tokens, which no
/// foreign key removes.
async fn delete_subscribers(tx: &mut Tx, ids: &[i64]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let deliveries: Vec<i64> = tx.query(DELETE_DELIVERIES_OF).bind(Ids(ids)).fetch_scalars().await?;
    if !deliveries.is_empty() {
        tx.query(DELETE_TOKENS_OF).bind(Ids(&deliveries)).execute().await?;
    }
    tx.query(DELETE_SUBSCRIBERS).bind(Ids(ids)).execute().await
}
