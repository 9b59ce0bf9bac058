//! The SQLite backend: an embedded file in WAL mode, so a small town runs Kizuna
//! with no database server at all.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::Db;
use crate::{ConnectOptions, Result, StoreError};

pub(crate) async fn connect(url: &str, options: ConnectOptions) -> Result<Db> {
    let connect = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::BadUrl(e.to_string()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // A fan-out walks the queue, the residents and the token index at once:
        // with SQLite's default 2 MB page cache it re-reads pages from the OS.
        // 4 MB per connection sends as fast as 8 MB did, with less memory
        // (`USUAL_CACHE` says the same to a connection an import enlarged).
        .pragma("cache_size", "-4096")
        .busy_timeout(Duration::from_secs(10));
    let max_connections = options.max_connections.max(1);
    let mut pool = SqlitePoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(15));
    if options.open_all_at_start {
        // Opened together on a new file, the connections would race to turn it
        // to WAL, and the losers fail at once with "database is locked": one
        // connection creates it first (WAL stays with the file).
        let first =
            SqliteConnection::connect_with(&connect).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        first.close().await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
        // A file on this machine: nothing gains by closing an idle connection or renewing an old one.
        pool = pool.min_connections(max_connections).idle_timeout(None).max_lifetime(None);
    }
    let pool = pool.connect_with(connect).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(Db::sqlite(pool))
}

/// The page cache every connection has (see `connect`).
pub(crate) const USUAL_CACHE: &str = "PRAGMA cache_size = -4096";

/// The page cache of a connection while it imports residents: a million-row
/// list fills an address index of some 60 MB, which a list in no particular
/// order probes and grows at random pages; 4 MB would keep few of them.
pub(crate) const IMPORT_CACHE: &str = "PRAGMA cache_size = -65536";

/// Whether the file an `sqlite://` URL names exists (an in-memory database always does).
pub(crate) fn exists(url: &str) -> Result<bool> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
    let file = options.get_filename();
    Ok(file.as_os_str() == ":memory:" || file.exists())
}

/// `VACUUM INTO` writes a consistent, compacted copy while others keep writing.
pub(crate) async fn backup(db: &Db, path: &Path) -> Result<()> {
    if path.exists() {
        return Err(StoreError::Conflict(format!("{} already exists", path.display())));
    }
    let target = path.to_str().ok_or(StoreError::Unsupported("a backup path that is not UTF-8"))?;
    db.query("VACUUM INTO $1").bind(target).execute().await?;
    Ok(())
}

/// A list of row ids bound as one parameter: a JSON array, read with `json_each`.
pub(crate) fn id_list(ids: &[i64]) -> String {
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
