//! Kizuna's storage: what Kizuna keeps, as one small trait per domain (`Catalog`,
//! `Staff`, `Residents`, `Notices`, `DeliveryQueue`, …) whose sum is [`Store`].
//! One implementation, [`SqlStore`], runs each domain's statements on SQLite or
//! PostgreSQL; each backend has its own migrations; one conformance suite
//! (`tests/it`) holds both to the same behaviour.
//!
//! Every method is one unit of work: it either happens whole or not at all.

use std::sync::Arc;

mod changes;
mod db;
mod migrate;

pub mod archive;
pub mod audit;
pub mod catalog;
pub mod check_ins;
pub mod costs;
pub mod delivery;
pub mod jma;
pub mod limits;
pub mod notices;
pub mod operations;
pub mod registrations;
pub mod residents;
pub mod sessions;
pub mod staff;
pub mod statistics;
pub mod surveys;
pub mod templates;
pub mod webhooks;

pub use archive::{Archive, ArchivePage, ArchiveQuery};
pub use audit::{Audit, AuditEntry, AuditFilter, NewAuditEntry};
pub use catalog::{Area, Catalog};
pub use changes::Topic;
pub use check_ins::{CheckIn, CheckInCounts, CheckInLink, CheckIns, HelpRequest, PlaceCheckIns};
pub use costs::{CostItem, Costs, NewCostItem};
pub use delivery::{
    ClaimRequest, ClaimedDelivery, DeliveryCounts, DeliveryOutcome, DeliveryQueue, DeliveryRef, DeliveryResult,
    MailedLink, PacingRule, PrunedBatch,
};
pub use jma::{Jma, JmaFeedState};
pub use limits::{Limits, RateAnswer};
pub use migrate::SchemaState;
pub use notices::{
    FollowUp, MunicipalityRecipients, NewNotice, Notice, NoticeEvent, NoticeFilter, NoticeVersion, Notices,
    QueuedChunk, RecipientCounts,
};
pub use operations::{Operations, SealedSecret, SecretKind};
pub use registrations::{ConfirmOutcome, LinkToken, NewLinkToken, PendingOutcome, PendingRegistration, Registrations};
pub use residents::{
    Erasure, ExportedResident, ImportRow, ImportStanding, NewSubscriber, Preferences, ResidentDelivery, ResidentMatch,
    ResidentRecord, ResidentRecords, Residents, Subscriber, SubscriberCount, Subscription,
};
pub use sessions::{NewSession, Session, Sessions, SignInFailures};
pub use staff::{ApiKey, NewApiKey, NewStaff, Staff, StaffAccount};
pub use statistics::{DeliveryMonth, MessagesSent, RegistrationMonth, Statistics};
pub use surveys::{
    Channel, DueSurveyMail, Invitation, MonitorProfile, NewResponse, NewSurvey, PanelCount, Question, ResponseGroup,
    StoredResponse, Survey, SurveyMailKind, SurveyTally, Surveys,
};
pub use templates::{NoticeTemplate, TemplateText, Templates};
pub use webhooks::{
    ClaimedWebhookDelivery, NewWebhook, Webhook, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent,
    WebhookOutcome, WebhookResult, Webhooks,
};

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
    Transition(#[from] kizuna_core::notice::TransitionError),
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

/// Everything Kizuna keeps. Callers that need less take the narrowest domain
/// trait instead (the delivery worker needs only `DeliveryQueue`).
pub trait Store:
    Operations
    + Catalog
    + Staff
    + Sessions
    + Residents
    + ResidentRecords
    + Registrations
    + Notices
    + Archive
    + DeliveryQueue
    + Webhooks
    + Jma
    + Audit
    + Templates
    + Costs
    + Limits
    + Statistics
    + CheckIns
    + Surveys
{
}

impl<T> Store for T where
    T: Operations
        + Catalog
        + Staff
        + Sessions
        + Residents
        + ResidentRecords
        + Registrations
        + Notices
        + Archive
        + DeliveryQueue
        + Webhooks
        + Jma
        + Audit
        + Templates
        + Costs
        + Limits
        + Statistics
        + CheckIns
        + Surveys
{
}

/// The store over SQLite or PostgreSQL: one implementation of every domain
/// trait, its statements shared by both backends where their SQL agrees.
pub struct SqlStore {
    db: db::Db,
    /// Recipients a send queues per transaction (`ConnectOptions::queue_chunk`).
    queue_chunk: i64,
}

/// How many connections a store keeps, and how much a send queues at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    pub max_connections: u32,
    /// About how many recipients a send queues in one transaction: the first
    /// chunk with the send, the rest by `Notices::queue_next_chunk`.
    pub queue_chunk: u32,
    /// Opens every connection before `connect` returns and keeps them open, so
    /// that none is ever opened by whichever task happens to find the pool
    /// short. `kizuna serve` wants this: an SQLite connection's thread takes the
    /// scheduling priority of the thread that opened it, and a PostgreSQL
    /// connection is woken by the runtime that opened it, and the HTTP server's
    /// runtime runs at a lower priority than delivery's. (SQLite connections are
    /// then never closed; PostgreSQL's idle and aged ones are opened again by the
    /// pool's own task.)
    pub open_all_at_start: bool,
}

/// A chunk the workers can start on soon after the send, short enough that a
/// transaction waiting for SQLite's one writer waits little.
pub const DEFAULT_QUEUE_CHUNK: u32 = 10_000;

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { max_connections: 8, queue_chunk: DEFAULT_QUEUE_CHUNK, open_all_at_start: false }
    }
}

impl SqlStore {
    /// Opens (creating if needed) and migrates the database a URL names:
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub async fn connect(url: &str, options: ConnectOptions) -> Result<Self> {
        let db = if url.starts_with("sqlite:") {
            db::sqlite::connect(url, options).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            db::postgres::connect(url, options).await?
        } else {
            return Err(StoreError::BadUrl("it must start with sqlite:// or postgres://".to_owned()));
        };
        migrate::run(&db).await?;
        Ok(Self { db, queue_chunk: i64::from(options.queue_chunk.max(1)) })
    }
}

/// Where the schema of the database a URL names stands, without creating or
/// changing anything: `Ok(None)` when an SQLite file does not exist yet.
pub async fn inspect(url: &str) -> Result<Option<SchemaState>> {
    let db = if url.starts_with("sqlite:") {
        if !db::sqlite::exists(url)? {
            return Ok(None);
        }
        db::sqlite::connect(url, ConnectOptions { max_connections: 1, ..ConnectOptions::default() }).await?
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        db::postgres::connect(url, ConnectOptions { max_connections: 1, ..ConnectOptions::default() }).await?
    } else {
        return Err(StoreError::BadUrl("it must start with sqlite:// or postgres://".to_owned()));
    };
    let state = migrate::state(&db).await;
    db.close().await;
    state.map(Some)
}

/// Opens (creating if needed) and migrates the database a URL names.
pub async fn connect(url: &str, options: ConnectOptions) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqlStore::connect(url, options).await?))
}

/// A fingerprint of a backend's migrations, so test templates are rebuilt when
/// the schema changes.
pub fn migrations_fingerprint(backend: Backend) -> String {
    migrate::fingerprint(backend)
}

/// Throw-away PostgreSQL databases for benchmarks and tests.
pub mod postgres {
    pub use crate::db::postgres::{create_database, drop_database, with_database};
}
