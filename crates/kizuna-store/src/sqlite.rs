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

    /// SQLite serialises writers itself; nothing to lock.
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

crate::common::store_impl!(SqliteStore, sqlx::sqlite::SqliteRow, Backend::Sqlite);
