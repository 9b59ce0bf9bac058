//! Keeping the database itself: health, backups, the leases that make a job
//! run in one process at a time, and the change channel between processes.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::changes::Topic;
use crate::db::{postgres, sqlite};
use crate::{Backend, Result, SqlStore, StoreError};

#[async_trait]
pub trait Operations: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Answers when the database does (for `/healthz`).
    async fn ping(&self) -> Result<()>;

    /// Closes every connection; the store is unusable afterwards.
    async fn close(&self);

    /// Writes a consistent copy of the database to `path` while it is in use.
    async fn backup(&self, path: &Path) -> Result<()>;

    /// Takes or renews the lease `name` for `holder` until `now + ttl`; false while
    /// another holder's lease is still running.
    async fn try_acquire_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, ttl: Duration) -> Result<bool>;
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;

    /// Wakes `notify` whenever a change of `topic` commits, in any process
    /// (PostgreSQL LISTEN/NOTIFY) or, on SQLite, in this one.
    async fn listen(&self, topic: Topic, notify: Arc<tokio::sync::Notify>) -> Result<()>;

    /// Tells every listener of `topic` that it changed, outside any other write.
    async fn announce(&self, topic: Topic) -> Result<()>;
}

/// Takes the lease when it is free, expired, or already this holder's.
const ACQUIRE_LEASE: &str = "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at < $4";

const RELEASE_LEASE: &str = "DELETE FROM leases WHERE name = $1 AND holder = $2";

#[async_trait]
impl Operations for SqlStore {
    fn backend(&self) -> Backend {
        self.db.backend()
    }

    async fn ping(&self) -> Result<()> {
        self.db.query("SELECT 1").execute().await?;
        Ok(())
    }

    async fn close(&self) {
        self.db.close().await;
    }

    async fn backup(&self, path: &Path) -> Result<()> {
        match self.db.backend() {
            Backend::Sqlite => sqlite::backup(&self.db, path).await,
            Backend::Postgres => Err(StoreError::Unsupported(
                "PostgreSQL backups are taken with pg_dump: pg_dump --format=custom --file=kizuna.dump \"$KIZUNA_DATABASE_URL\"",
            )),
        }
    }

    async fn try_acquire_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, ttl: Duration) -> Result<bool> {
        let taken = self.db.query(ACQUIRE_LEASE).bind(name).bind(holder).bind(now + ttl).bind(now).execute().await?;
        Ok(taken > 0)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        self.db.query(RELEASE_LEASE).bind(name).bind(holder).execute().await?;
        Ok(())
    }

    async fn listen(&self, topic: Topic, notify: Arc<tokio::sync::Notify>) -> Result<()> {
        self.db.listeners.add(topic, notify);
        postgres::listen(&self.db).await
    }

    async fn announce(&self, topic: Topic) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.announce(topic).await?;
        tx.commit().await
    }
}
