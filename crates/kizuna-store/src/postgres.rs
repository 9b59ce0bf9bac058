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

crate::common::store_impl!(PgStore, sqlx::postgres::PgRow, Backend::Postgres);
