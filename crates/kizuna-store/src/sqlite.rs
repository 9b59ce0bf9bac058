//! The SQLite backend: an embedded file in WAL mode, so a small town runs Kizuna
//! with no database server at all.

use std::str::FromStr;
use std::time::Duration as StdDuration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::ConnectOptions;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str, options: ConnectOptions) -> Result<Self, crate::StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| crate::StoreError::BadUrl(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // A fan-out walks the queue, the residents and the token index at once:
            // with SQLite's default 2 MB page cache it re-reads pages from the OS.
            // 4 MB per connection sends as fast as 8 MB did, with less memory.
            .pragma("cache_size", "-4096")
            .busy_timeout(StdDuration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(StdDuration::from_secs(15))
            .connect_with(connect)
            .await
            .map_err(|e| crate::StoreError::Unavailable(e.to_string()))?;
        let store = Self { pool };
        store.run_migrations().await?;
        Ok(store)
    }

    /// Transactions begin IMMEDIATE (see the store_impl! call), which already serialises them.
    async fn migration_lock(_tx: &mut Transaction<'_, Sqlite>) -> Result<(), crate::StoreError> {
        Ok(())
    }

    /// `VACUUM INTO` writes a consistent, compacted copy while others keep writing.
    async fn backup_to(&self, path: &std::path::Path) -> Result<(), crate::StoreError> {
        if path.exists() {
            return Err(crate::StoreError::Conflict(format!("{} already exists", path.display())));
        }
        let target = path.to_str().ok_or(crate::StoreError::Unsupported("a backup path that is not UTF-8"))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }
}

impl SqliteStore {
    /// The one process that may use the file wakes its own workers.
    async fn announce_work(_tx: &mut Transaction<'_, Sqlite>) -> Result<(), crate::StoreError> {
        Ok(())
    }

    /// Without `ANALYZE` results SQLite plans from the indexes alone, which
    /// already walks the queue index in order.
    async fn refresh_queue_statistics(&self) -> Result<(), crate::StoreError> {
        Ok(())
    }

    async fn listen(&self, _notify: std::sync::Arc<tokio::sync::Notify>) -> Result<(), crate::StoreError> {
        Ok(())
    }

    /// One statement for the whole batch, the pairs passed as a JSON array.
    async fn insert_tokens(&self, tokens: &[(i64, kizuna_core::token::TokenHash)]) -> Result<(), crate::StoreError> {
        let mut json = String::with_capacity(tokens.len() * 80 + 2);
        json.push('[');
        for (i, (id, hash)) in tokens.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            // Ids are integers and hashes are hex: nothing here needs escaping.
            json.push_str(&format!("[{id},\"{}\"]", hash.as_str()));
        }
        json.push(']');
        sqlx::query(
            "INSERT INTO delivery_tokens (delivery_id, token_hash)
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($1)",
        )
        .bind(json)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// A list of row ids bound as one parameter: a JSON array, read with `json_each`.
fn id_list(ids: &[i64]) -> String {
    let mut json = String::with_capacity(ids.len() * 8 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&id.to_string());
    }
    json.push(']');
    json
}

crate::common::store_impl!(
    SqliteStore,
    sqlx::sqlite::SqliteRow,
    Backend::Sqlite,
    skip_locked: "",
    for_update: "",
    begin: "BEGIN IMMEDIATE",
    any_ids: "IN (SELECT value FROM json_each($1))",
    claim_ids: ("IN (", ")")
);
