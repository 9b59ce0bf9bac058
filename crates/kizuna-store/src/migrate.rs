//! The migrations of each backend and the bookkeeping that applies them once.

use chrono::Utc;

use crate::db::{Db, PerBackend, postgres::lock_migrations};
use crate::{Backend, Result, StoreError};

/// (version, name, SQL) in the order they apply.
pub(crate) type Migration = (i64, &'static str, &'static str);

pub(crate) const SQLITE: &[Migration] = &[
    (1, "foundation", include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, "webhooks", include_str!("../migrations/sqlite/0002_webhooks.sql")),
    (3, "jma", include_str!("../migrations/sqlite/0003_jma.sql")),
    (4, "delivery_throughput", include_str!("../migrations/sqlite/0004_delivery_throughput.sql")),
    (5, "open_deliveries", include_str!("../migrations/sqlite/0005_open_deliveries.sql")),
    (7, "console", include_str!("../migrations/sqlite/0007_console.sql")),
    (8, "templates_and_quiet_hours", include_str!("../migrations/sqlite/0008_templates_and_quiet_hours.sql")),
    (9, "process_heartbeats", include_str!("../migrations/sqlite/0009_process_heartbeats.sql")),
    (10, "insight", include_str!("../migrations/sqlite/0010_insight.sql")),
    (11, "surveys", include_str!("../migrations/sqlite/0011_surveys.sql")),
    (12, "check_ins", include_str!("../migrations/sqlite/0012_check_ins.sql")),
    (13, "rate_buckets", include_str!("../migrations/sqlite/0013_rate_buckets.sql")),
    (14, "survey_other", include_str!("../migrations/sqlite/0014_survey_other.sql")),
    (15, "jma_cancel", include_str!("../migrations/sqlite/0015_jma_cancel.sql")),
    (16, "delivery_retention", include_str!("../migrations/sqlite/0016_delivery_retention.sql")),
    (17, "queue_in_chunks", include_str!("../migrations/sqlite/0017_queue_in_chunks.sql")),
    (18, "claims_in_place", include_str!("../migrations/sqlite/0018_claims_in_place.sql")),
];

pub(crate) const POSTGRES: &[Migration] = &[
    (1, "foundation", include_str!("../migrations/postgres/0001_foundation.sql")),
    (2, "webhooks", include_str!("../migrations/postgres/0002_webhooks.sql")),
    (3, "jma", include_str!("../migrations/postgres/0003_jma.sql")),
    (4, "delivery_throughput", include_str!("../migrations/postgres/0004_delivery_throughput.sql")),
    (5, "open_deliveries", include_str!("../migrations/postgres/0005_open_deliveries.sql")),
    (
        6,
        "deliveries_without_subscriber_key",
        include_str!("../migrations/postgres/0006_deliveries_without_subscriber_key.sql"),
    ),
    (7, "console", include_str!("../migrations/postgres/0007_console.sql")),
    (8, "templates_and_quiet_hours", include_str!("../migrations/postgres/0008_templates_and_quiet_hours.sql")),
    (9, "process_heartbeats", include_str!("../migrations/postgres/0009_process_heartbeats.sql")),
    (10, "insight", include_str!("../migrations/postgres/0010_insight.sql")),
    (11, "surveys", include_str!("../migrations/postgres/0011_surveys.sql")),
    (12, "check_ins", include_str!("../migrations/postgres/0012_check_ins.sql")),
    (13, "rate_buckets", include_str!("../migrations/postgres/0013_rate_buckets.sql")),
    (14, "survey_other", include_str!("../migrations/postgres/0014_survey_other.sql")),
    (15, "jma_cancel", include_str!("../migrations/postgres/0015_jma_cancel.sql")),
    (16, "delivery_retention", include_str!("../migrations/postgres/0016_delivery_retention.sql")),
    (17, "queue_in_chunks", include_str!("../migrations/postgres/0017_queue_in_chunks.sql")),
    (18, "claims_in_place", include_str!("../migrations/postgres/0018_claims_in_place.sql")),
];

pub(crate) fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

pub(crate) fn fingerprint(backend: Backend) -> String {
    fingerprint_of(migrations(backend))
}

/// Newest version this build knows; a database beyond it was written by a newer Kizuna.
pub(crate) fn latest(backend: Backend) -> i64 {
    migrations(backend).last().map_or(0, |(version, _, _)| *version)
}

/// Every known migration not yet recorded, in order — not only those above the newest
/// recorded one: branches merged in another order may bring a lower version later.
pub(crate) fn pending<'a>(migrations: &'a [Migration], applied: &[i64]) -> impl Iterator<Item = &'a Migration> {
    migrations.iter().filter(move |(version, _, _)| !applied.contains(version))
}

/// FNV-1a over the migration texts: enough to tell schemas apart, no crypto needed.
fn fingerprint_of(migrations: &[Migration]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, _, sql) in migrations {
        for byte in sql.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Applies every migration the database lacks, in one transaction that holds
/// the migration lock, so processes starting together migrate once.
pub(crate) async fn run(db: &Db) -> Result<()> {
    let backend = db.backend();
    let latest = latest(backend);
    let mut tx = db.begin().await?;
    lock_migrations(&mut tx).await?;
    tx.query(CREATE_TABLE).execute().await?;
    let current: Option<i64> = tx.query("SELECT MAX(version) FROM kizuna_schema").fetch_scalar().await?;
    let current = current.unwrap_or(0);
    if current > latest {
        return Err(StoreError::Migration(format!(
            "the database has schema version {current}, newer than this Kizuna knows ({latest}); run a newer Kizuna"
        )));
    }
    let applied: Vec<i64> = tx.query("SELECT version FROM kizuna_schema").fetch_scalars().await?;
    for (version, name, sql) in pending(migrations(backend), &applied) {
        tx.run_script(sql).await.map_err(|e| StoreError::Migration(format!("{version} {name}: {e}")))?;
        tx.query("INSERT INTO kizuna_schema (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(*version)
            .bind(*name)
            .bind(Utc::now().to_rfc3339())
            .execute()
            .await?;
        tracing::info!(version, name, "applied migration");
    }
    tx.commit().await
}

/// Where a database's schema stands, read without changing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaState {
    /// The newest version applied (0 for an empty database).
    pub version: i64,
    /// The newest version this build knows.
    pub latest: i64,
    /// Migrations this build knows that the database lacks, as `version name`.
    pub missing: Vec<String>,
}

impl SchemaState {
    pub fn is_current(&self) -> bool {
        self.missing.is_empty() && self.version <= self.latest
    }
}

const SCHEMA_TABLE_EXISTS: PerBackend = PerBackend {
    sqlite: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'kizuna_schema'",
    postgres: "SELECT COUNT(*) FROM information_schema.tables
     WHERE table_name = 'kizuna_schema' AND table_schema = current_schema()",
};

/// Reads the schema's state without migrating.
pub(crate) async fn state(db: &Db) -> Result<SchemaState> {
    let backend = db.backend();
    let latest = latest(backend);
    let known: i64 = db.query(SCHEMA_TABLE_EXISTS).fetch_scalar().await?;
    let applied: Vec<i64> =
        if known > 0 { db.query("SELECT version FROM kizuna_schema").fetch_scalars().await? } else { Vec::new() };
    Ok(SchemaState {
        version: applied.iter().copied().max().unwrap_or(0),
        latest,
        missing: pending(migrations(backend), &applied).map(|(version, name, _)| format!("{version} {name}")).collect(),
    })
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS kizuna_schema (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_version_merged_later_is_still_applied() {
        let known: &[Migration] = &[(1, "foundation", ""), (2, "webhooks", ""), (3, "jma", "")];
        let names = |applied: &[i64]| pending(known, applied).map(|(_, name, _)| *name).collect::<Vec<_>>();
        assert_eq!(names(&[]), ["foundation", "webhooks", "jma"]);
        assert_eq!(names(&[1, 3]), ["webhooks"]);
        assert!(names(&[1, 2, 3]).is_empty());
    }
}
