//! The migrations of each backend and the bookkeeping that applies them once.

use crate::Backend;

/// (version, name, SQL) in the order they apply.
pub(crate) type Migration = (i64, &'static str, &'static str);

pub(crate) const SQLITE: &[Migration] = &[
    (1, "foundation", include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, "webhooks", include_str!("../migrations/sqlite/0002_webhooks.sql")),
    (3, "jma", include_str!("../migrations/sqlite/0003_jma.sql")),
    (4, "delivery_throughput", include_str!("../migrations/sqlite/0004_delivery_throughput.sql")),
    (5, "open_deliveries", include_str!("../migrations/sqlite/0005_open_deliveries.sql")),
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

pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS kizuna_schema (
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
