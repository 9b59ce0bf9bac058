//! Keeping the database itself: health, backups, the leases that make a job
//! run in one process at a time, the change channel between processes, and the
//! sealed secrets that a key rotation seals again.

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

    /// Starts hearing of changes that other processes commit (PostgreSQL
    /// LISTEN; on SQLite every change is made in this process and heard at once),
    /// so that [`Operations::changes_heard`] counts them. An error means this
    /// process cannot learn of other processes' changes.
    async fn hear_changes(&self) -> Result<()>;

    /// How many changes of `topic` this process has heard of since it started:
    /// what it computed from the database while the count was `n` is current
    /// while the count stays `n`. Counts its own commits at once, other
    /// processes' once [`Operations::hear_changes`] has started.
    fn changes_heard(&self, topic: Topic) -> u64;

    /// Every secret kept sealed in the database (webhook signing secrets, TOTP
    /// secrets), as stored.
    async fn sealed_secrets(&self) -> Result<Vec<SealedSecret>>;

    /// Puts `sealed` in place of `secret`'s value, unless that value changed
    /// meanwhile (then false).
    async fn replace_sealed_secret(&self, secret: &SealedSecret, sealed: &str) -> Result<bool>;
}

/// Where a sealed secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A webhook's signing secret (`webhooks.secret`).
    Webhook,
    /// A staff account's TOTP secret (`staff.totp_secret`).
    Totp,
}

/// One stored secret, as the database holds it (sealed, or from before sealing).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub kind: SecretKind,
    /// The webhook's or the staff account's id.
    pub id: i64,
    pub value: String,
}

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedSecret").field("kind", &self.kind).field("id", &self.id).finish_non_exhaustive()
    }
}

const WEBHOOK_SECRETS: &str = "SELECT id, secret FROM webhooks ORDER BY id";
const TOTP_SECRETS: &str = "SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL ORDER BY id";
const RESEAL_WEBHOOK: &str = "UPDATE webhooks SET secret = $3 WHERE id = $1 AND secret = $2";
const RESEAL_TOTP: &str = "UPDATE staff SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2";

/// Takes the lease when it is free, expired, or already this holder's.
const ACQUIRE_LEASE: &str = "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.holder = excluded.holder OR leases.expires_at < $4";

const RELEASE_LEASE: &str = "DELETE FROM leases WHERE name = $1 AND holder = $2";

#[async_trait]
impl Operations for SqlStore {
    async fn sealed_secrets(&self) -> Result<Vec<SealedSecret>> {
        let mut secrets = Vec::new();
        for (kind, query, column) in
            [(SecretKind::Webhook, WEBHOOK_SECRETS, "secret"), (SecretKind::Totp, TOTP_SECRETS, "totp_secret")]
        {
            for row in self.db.query(query).fetch_all().await? {
                secrets.push(SealedSecret { kind, id: row.get("id")?, value: row.get(column)? });
            }
        }
        Ok(secrets)
    }

    async fn replace_sealed_secret(&self, secret: &SealedSecret, sealed: &str) -> Result<bool> {
        let query = match secret.kind {
            SecretKind::Webhook => RESEAL_WEBHOOK,
            SecretKind::Totp => RESEAL_TOTP,
        };
        Ok(self.db.query(query).bind(secret.id).bind(&secret.value).bind(sealed).execute().await? == 1)
    }

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

    async fn hear_changes(&self) -> Result<()> {
        postgres::listen(&self.db).await
    }

    fn changes_heard(&self, topic: Topic) -> u64 {
        self.db.listeners.heard(topic)
    }

    async fn announce(&self, topic: Topic) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.announce(topic).await?;
        tx.commit().await
    }
}
