//! Kizuna's storage: one `Store` trait with SQLite and PostgreSQL backends, each
//! with its own migrations, both held to one conformance suite (`tests/it`).

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use kizuna_core::consortium::{Category, ConsortiumInfo, ConsortiumSeed, CostSharing, Municipality};
use kizuna_core::jma::{JmaState, StateChange};
use kizuna_core::notice::{NoticeAction, TransitionError};
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_core::token::TokenHash;

mod common;
mod migrate;
pub mod postgres;
pub mod records;
pub mod sqlite;

pub use records::*;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    #[error("the database URL is not valid: {0}")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("not supported on this backend: {0}")]
    Unsupported(&'static str),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Database(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything Kizuna keeps. Each method is one unit of work: it either happens
/// whole or not at all.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> Result<()>;

    /// Closes every connection; the store is unusable afterwards.
    async fn close(&self);

    /// Seeds the consortium into an empty database. Returns false, changing
    /// nothing, when a consortium is already there: the file only seeds.
    async fn seed_if_empty(&self, seed: &ConsortiumSeed, now: DateTime<Utc>) -> Result<bool>;
    async fn consortium(&self) -> Result<Option<ConsortiumInfo>>;
    async fn cost_sharing(&self) -> Result<CostSharing>;
    async fn municipalities(&self) -> Result<Vec<Municipality>>;
    async fn categories(&self) -> Result<Vec<Category>>;
    async fn areas(&self, municipality: &str) -> Result<Vec<Area>>;
    async fn add_area(&self, municipality: &str, name_ja: &str, name_en: &str) -> Result<i64>;

    async fn create_staff(&self, staff: &NewStaff, now: DateTime<Utc>) -> Result<i64>;
    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>>;
    async fn count_staff(&self) -> Result<i64>;

    async fn create_subscriber(&self, subscriber: &NewSubscriber, now: DateTime<Utc>) -> Result<i64>;
    async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>>;
    async fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>>;
    async fn set_subscriber_status(&self, id: i64, status: SubscriberStatus, now: DateTime<Utc>) -> Result<()>;
    /// Marks or unmarks a subscriber for restricted categories; false when no such address.
    async fn set_subscriber_staff(&self, email: &str, is_staff: bool, now: DateTime<Utc>) -> Result<bool>;
    async fn replace_subscriptions(&self, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()>;
    async fn subscriptions(&self, subscriber_id: i64) -> Result<Vec<Subscription>>;
    /// Removes a subscriber and everything about them, keeping the suppression hash.
    async fn erase_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<()>;
    /// Erases pending registrations whose confirmation time has passed.
    async fn expire_pending_subscribers(&self, now: DateTime<Utc>) -> Result<u64>;
    async fn subscriber_counts(&self) -> Result<Vec<SubscriberCount>>;
    /// Adds active subscribers with their choices in one transaction; addresses
    /// already registered are left as they are. Returns how many were added.
    async fn import_subscribers(&self, rows: &[ImportRow], now: DateTime<Utc>) -> Result<u64>;

    async fn create_link_token(&self, token: &NewLinkToken, now: DateTime<Utc>) -> Result<()>;
    async fn link_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<LinkToken>>;
    async fn mark_link_token_used(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;

    async fn suppress(&self, email_hash: &TokenHash, reason: &str, now: DateTime<Utc>) -> Result<()>;
    async fn is_suppressed(&self, email_hash: &TokenHash) -> Result<bool>;

    /// Creates a draft. With an idempotency key already used, returns the earlier
    /// notice and `false` instead of creating a second one.
    async fn create_notice(&self, notice: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<(Notice, bool)>;
    async fn notice(&self, id: i64) -> Result<Option<Notice>>;
    async fn notice_events(&self, id: i64) -> Result<Vec<NoticeEvent>>;
    /// Moves a notice through its lifecycle, refusing what the lifecycle forbids
    /// and what another process changed first; records who did it and when.
    async fn transition_notice(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Notice>;
    /// Scheduled notices whose time has come.
    async fn due_scheduled_notices(&self, now: DateTime<Utc>) -> Result<Vec<i64>>;

    /// Replaces the per-minute limits of destination domains.
    async fn sync_pacing_rules(&self, rules: &[PacingRule]) -> Result<()>;
    /// Moves a notice to `sending` and queues one delivery per matching resident,
    /// in one transaction: the notice is fully queued or not at all. Returns the
    /// notice and the number of deliveries queued.
    async fn start_sending(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)>;
    /// Claims ready deliveries, emergencies first, within each paced domain's
    /// budget for the current minute.
    async fn claim_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>>;
    /// Stores the SHA-256 of the tokens mailed with claimed deliveries.
    async fn store_delivery_tokens(&self, tokens: &[(i64, TokenHash)]) -> Result<()>;
    /// Records a batch's outcomes; suppresses addresses that reached
    /// `suppress_after` hard bounces; completes notices with nothing left to
    /// send. Returns the ids of notices that became `sent`.
    async fn record_delivery_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[DeliveryOutcome],
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>>;
    /// Puts deliveries whose claim expired (a worker died) back in the queue,
    /// and forgets pacing counts older than an hour.
    async fn release_stale_claims(&self, now: DateTime<Utc>) -> Result<u64>;
    async fn delivery_counts(&self, notice_id: i64) -> Result<DeliveryCounts>;
    /// A bounce report arrived later for a delivery the relay had accepted:
    /// marks it bounced and counts it toward suppressing the address, once.
    /// Returns false when the delivery was already counted as bounced.
    async fn record_late_bounce(
        &self,
        delivery_id: i64,
        reply: &str,
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    async fn delivery_by_token(&self, hash: &TokenHash) -> Result<Option<DeliveryRef>>;
    /// When the oldest emergency delivery still waiting was queued.
    async fn oldest_waiting_emergency(&self) -> Result<Option<DateTime<Utc>>>;
    /// Wakes `notify` whenever any process queues deliveries (PostgreSQL
    /// LISTEN/NOTIFY); on SQLite the one process wakes its own workers.
    async fn listen_for_deliveries(&self, notify: Arc<tokio::sync::Notify>) -> Result<()>;

    async fn record_audit(&self, entry: &NewAuditEntry, now: DateTime<Utc>) -> Result<()>;
    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>>;

    async fn create_api_key(&self, key: &NewApiKey, now: DateTime<Utc>) -> Result<i64>;
    async fn api_key_by_hash(&self, hash: &TokenHash) -> Result<Option<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;

    /// Takes or renews the lease `name` for `holder` until `now + ttl`; false while
    /// another holder's lease is still running.
    async fn try_acquire_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, ttl: Duration) -> Result<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;

    /// Writes a consistent copy of the database to `path` while it is in use.
    async fn backup(&self, path: &Path) -> Result<()>;

    /// What earlier JMA reports left: handled reports, active warnings, announced earthquakes.
    async fn jma_state(&self) -> Result<JmaState>;
    /// Persists the changes one JMA report made, in order, in one transaction.
    async fn apply_jma_changes(&self, changes: &[StateChange]) -> Result<()>;
    /// Forgets handled reports, announced earthquakes and seen feed entries older
    /// than `before` (active warnings stay until lifted). Returns how many rows went.
    async fn prune_jma(&self, before: DateTime<Utc>) -> Result<u64>;
    async fn jma_feed(&self, url: &str) -> Result<Option<JmaFeedState>>;
    async fn jma_feeds(&self) -> Result<Vec<JmaFeedState>>;
    /// Creates or replaces a feed's state; the first `created_at` stays.
    async fn put_jma_feed(&self, feed: &JmaFeedState) -> Result<()>;
    /// Remembers that a feed entry was handled; false when it already was.
    async fn mark_jma_entry_seen(&self, entry_id: &str, now: DateTime<Utc>) -> Result<bool>;
    async fn jma_entry_seen(&self, entry_id: &str) -> Result<bool>;
    /// One page of the public archive, newest first, with the number of notices
    /// that match in all.
    async fn archive_notices(&self, query: &ArchiveQuery) -> Result<ArchivePage>;
    /// The published notice that corrects notice `id`, if any.
    async fn correction_of(&self, id: i64) -> Result<Option<i64>>;
    /// Registers a webhook receiver; from now on every public notice sent,
    /// corrected or withdrawn queues one event for it.
    async fn create_webhook(&self, webhook: &NewWebhook, now: DateTime<Utc>) -> Result<i64>;
    /// Every receiver, removed ones included, oldest first.
    async fn webhooks(&self) -> Result<Vec<Webhook>>;
    /// Stops a receiver and cancels its waiting events; its log stays. False
    /// when there is no such receiver or it was already removed.
    async fn remove_webhook(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;
    /// Claims webhook events that are due, and those whose sender's claim expired.
    async fn claim_webhook_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedWebhookDelivery>>;
    /// Records what happened to each claimed event, one attempt row each.
    async fn record_webhook_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[WebhookOutcome],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A receiver's newest events with their attempts, newest first.
    async fn webhook_log(&self, webhook_id: i64, limit: i64) -> Result<Vec<WebhookDelivery>>;

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
    /// Lifts the suppression of an address; false when it was not suppressed.
    async fn unsuppress(&self, email_hash: &TokenHash) -> Result<bool>;
    /// Erases subscribers who unsubscribed before `before`, keeping only the
    /// suppression hash of each address. Returns how many were erased.
    async fn erase_unsubscribed(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64>;

    /// Notices of every status for staff and API clients, newest first, one page
    /// at a time (`before` is the last id of the previous page).
    async fn list_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>>;
    /// Replaces a sent notice with a corrected text (CAP Update) in one
    /// transaction: the original becomes `superseded`, the correction (which
    /// `supersedes` it) is created and starts sending with its deliveries queued.
    /// Nothing changes when the original is not `sent`. Returns the correction
    /// and the number of deliveries queued.
    async fn correct_notice(
        &self,
        id: i64,
        correction: &NewNotice,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)>;
}

/// How many connections a store keeps.
#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    pub max_connections: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { max_connections: 8 }
    }
}

/// Opens (creating if needed) and migrates the database a URL names:
/// `sqlite://path/to/file.db` or `postgres://user@host/db`.
pub async fn connect(url: &str, options: ConnectOptions) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url, options).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url, options).await?))
    } else {
        Err(StoreError::BadUrl("it must start with sqlite:// or postgres://".to_owned()))
    }
}

/// A fingerprint of a backend's migrations, so test templates are rebuilt when
/// the schema changes.
pub fn migrations_fingerprint(backend: Backend) -> String {
    migrate::fingerprint(backend)
}
