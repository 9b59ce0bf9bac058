//! The PostgreSQL backend, for production with several processes over one database.

use std::time::Duration as StdDuration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::ConnectOptions;

pub struct PgStore {
    pool: PgPool,
}

/// Serialises migrations and seeding when several processes start together.
const MIGRATION_LOCK: i64 = 0x6b697a756e61;

impl PgStore {
    pub async fn connect(url: &str, options: ConnectOptions) -> Result<Self, crate::StoreError> {
        let connect: PgConnectOptions =
            url.parse().map_err(|e: sqlx::Error| crate::StoreError::BadUrl(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(StdDuration::from_secs(15))
            .connect_with(connect)
            .await
            .map_err(|e| crate::StoreError::Unavailable(e.to_string()))?;
        let store = Self { pool };
        store.run_migrations().await?;
        Ok(store)
    }

    async fn migration_lock(tx: &mut Transaction<'_, Postgres>) -> Result<(), crate::StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATION_LOCK).execute(&mut **tx).await?;
        Ok(())
    }

    async fn backup_to(&self, _path: &std::path::Path) -> Result<(), crate::StoreError> {
        Err(crate::StoreError::Unsupported(
            "PostgreSQL backups are taken with pg_dump: pg_dump --format=custom --file=kizuna.dump \"$KIZUNA_DATABASE_URL\"",
        ))
    }
}

/// Creates an empty database `name` on the server `admin_url` points at (for
/// benchmarks and tests that need a fresh one). `name` must be a plain identifier.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, crate::StoreError> {
    use sqlx::Connection;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(crate::StoreError::BadUrl(format!("{name:?} is not a plain database name")));
    }
    let mut admin = sqlx::postgres::PgConnection::connect(admin_url)
        .await
        .map_err(|e| crate::StoreError::Unavailable(e.to_string()))?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
    let _ = admin.close().await;
    Ok(with_database(admin_url, name))
}

pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), crate::StoreError> {
    use sqlx::Connection;
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(crate::StoreError::BadUrl(format!("{name:?} is not a plain database name")));
    }
    let mut admin = sqlx::postgres::PgConnection::connect(admin_url)
        .await
        .map_err(|e| crate::StoreError::Unavailable(e.to_string()))?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await?;
    Ok(())
}

/// The same server URL naming another database.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let without_db = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{without_db}/{name}{query}")
}

/// The channel on which processes tell each other that deliveries are queued.
const WORK_CHANNEL: &str = "kizuna_deliveries";

impl PgStore {
    /// Delivered to every listening process when the transaction commits.
    async fn announce_work(tx: &mut Transaction<'_, Postgres>) -> Result<(), crate::StoreError> {
        sqlx::query("SELECT pg_notify($1, '')").bind(WORK_CHANNEL).execute(&mut **tx).await?;
        Ok(())
    }

    /// Autovacuum analyses a table a minute or more after it grew; until then the
    /// planner takes a freshly queued fan-out for a handful of rows and sorts the
    /// whole queue for every batch. A VACUUM holding the table does not hold up
    /// the send for long.
    async fn refresh_queue_statistics(&self) -> Result<(), crate::StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET LOCAL lock_timeout = '1s'").execute(&mut *tx).await?;
        sqlx::query("ANALYZE deliveries").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn listen(&self, notify: std::sync::Arc<tokio::sync::Notify>) -> Result<(), crate::StoreError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(WORK_CHANNEL).await?;
        let pool = self.pool.clone();
        tokio::spawn(async move {
            while !pool.is_closed() {
                match listener.recv().await {
                    Ok(_) => notify.notify_one(),
                    Err(error) => {
                        // recv reconnects by itself; wake the workers in case something was missed.
                        tracing::warn!(%error, "LISTEN connection lost; reconnecting");
                        notify.notify_one();
                        tokio::time::sleep(StdDuration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }

    async fn insert_tokens(&self, tokens: &[(i64, kizuna_core::token::TokenHash)]) -> Result<(), crate::StoreError> {
        let ids: Vec<i64> = tokens.iter().map(|(id, _)| *id).collect();
        let hashes: Vec<String> = tokens.iter().map(|(_, hash)| hash.as_str().to_owned()).collect();
        sqlx::query(
            "INSERT INTO delivery_tokens (delivery_id, token_hash) SELECT * FROM UNNEST($1::bigint[], $2::text[])",
        )
        .bind(ids)
        .bind(hashes)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

crate::common::store_impl!(
    PgStore,
    sqlx::postgres::PgRow,
    Backend::Postgres,
    skip_locked: "FOR UPDATE SKIP LOCKED",
    for_update: "FOR UPDATE",
    begin: "BEGIN",
    any_ids: "= ANY($1)",
    claim_ids: ("= ANY(ARRAY(", "))")
);

/// A list of row ids bound as one parameter: an array.
fn id_list(ids: &[i64]) -> Vec<i64> {
    ids.to_vec()
}
