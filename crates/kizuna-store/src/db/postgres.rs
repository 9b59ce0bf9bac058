//! The PostgreSQL backend, for production with several processes over one
//! database: connecting, the locks and notifications only it has, and the
//! throw-away databases of tests and benchmarks.

use std::sync::Arc;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::{Db, Tx};
use crate::changes::{Listeners, Topic};
use crate::{ConnectOptions, Result, StoreError};

/// Serialises migrations and seeding when several processes start together.
const MIGRATION_LOCK: i64 = 0x6b697a756e61;

pub(crate) async fn connect(url: &str, options: ConnectOptions) -> Result<Db> {
    let connect: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| StoreError::BadUrl(e.to_string()))?;
    // Kizuna's statements are short, and compiling one to machine code costs
    // more than it saves: PostgreSQL compiled each chunk of a million-recipient
    // send's queueing, 44 ms a chunk, a fifth of the chunk's time.
    let connect = connect.options([("jit", "off")]);
    let max_connections = options.max_connections.max(2);
    let mut pool = PgPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(15));
    if options.open_all_at_start {
        pool = pool.min_connections(max_connections);
    }
    let pool = pool.connect_with(connect).await.map_err(|e| StoreError::Unavailable(e.to_string()))?;
    Ok(Db::postgres(pool))
}

/// Holds the migration lock until the transaction ends. SQLite needs none: its
/// transactions begin IMMEDIATE, which already serialises them.
pub(crate) async fn lock_migrations(tx: &mut Tx) -> Result<()> {
    if tx.backend() == crate::Backend::Postgres {
        tx.query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATION_LOCK).execute().await?;
    }
    Ok(())
}

/// Has PostgreSQL gather the planner's statistics now, by `analyze` (an
/// `ANALYZE` of the tables). Autovacuum analyses a table a minute or more after
/// it grew; until then the planner takes a freshly filled table for a handful
/// of rows: it sorted the whole queue for every batch of a fresh fan-out, and
/// read every subscription for every chunk of a send after a large import. A
/// VACUUM holding a table does not hold the caller up for long. SQLite plans
/// these statements from the indexes alone, without `ANALYZE` results.
pub(crate) async fn refresh_statistics(db: &Db, analyze: &'static str) -> Result<()> {
    if db.postgres_pool().is_none() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    tx.query("SET LOCAL lock_timeout = '1s'").execute().await?;
    tx.query(analyze).execute().await?;
    tx.commit().await
}

/// Starts, once per process, the connection that hears every topic announced by
/// any process and wakes this process's listeners.
pub(crate) async fn listen(db: &Db) -> Result<()> {
    let Some(pool) = db.postgres_pool() else { return Ok(()) };
    if !db.listeners.start_listening() {
        return Ok(());
    }
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen_all(Topic::ALL.iter().map(|topic| topic.channel())).await?;
    let pool = pool.clone();
    let listeners: Arc<Listeners> = Arc::clone(&db.listeners);
    tokio::spawn(async move {
        while !pool.is_closed() {
            match listener.recv().await {
                // This store's own were heard at commit.
                Ok(notification) if notification.payload() == listeners.origin => {}
                Ok(notification) => match Topic::from_channel(notification.channel()) {
                    Some(topic) => listeners.wake(topic),
                    None => listeners.wake_all(),
                },
                // The store was closed: nothing is lost, and nothing to say.
                Err(_) if pool.is_closed() => break,
                Err(error) => {
                    // recv reconnects by itself; wake everyone in case something was missed.
                    tracing::warn!(%error, "LISTEN connection lost; reconnecting");
                    listeners.wake_all();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

/// Creates an empty database `name` on the server `admin_url` points at (for
/// benchmarks and tests that need a fresh one). `name` must be a plain identifier.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String> {
    check_name(name)?;
    let mut admin = admin_connection(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
    let _ = admin.close().await;
    Ok(with_database(admin_url, name))
}

pub async fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    check_name(name)?;
    let mut admin = admin_connection(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&mut admin)
        .await?;
    Ok(())
}

async fn admin_connection(admin_url: &str) -> Result<sqlx::postgres::PgConnection> {
    sqlx::postgres::PgConnection::connect(admin_url).await.map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// Database names are spliced into SQL, so only plain identifiers pass.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(StoreError::BadUrl(format!("{name:?} is not a plain database name")));
    }
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
