//! Fresh databases for each test: a temporary SQLite file, or a PostgreSQL database
//! cloned from a migrated template so each test starts in milliseconds.

use std::sync::Arc;

use kizuna_store::{Backend, ConnectOptions, Store};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

pub struct TestDb {
    pub store: Arc<dyn Store>,
    /// The database's URL, for tests that look at PostgreSQL itself.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_suffix() -> String {
    let secret = kizuna_core::token::random_secret(16).unwrap_or_else(|e| panic!("randomness: {e}"));
    kizuna_core::token::TokenHash::of(&secret).as_str()[..12].to_owned()
}

pub async fn sqlite() -> TestDb {
    sqlite_with(ConnectOptions::default()).await
}

pub async fn sqlite_with(options: ConnectOptions) -> TestDb {
    let dir = std::env::temp_dir().join(format!("kizuna-store-test-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    let url = format!("sqlite://{}", dir.join("kizuna.db").display());
    let store = kizuna_store::connect(&url, options).await.unwrap_or_else(|e| panic!("sqlite store: {e}"));
    TestDb { store, url, cleanup: Cleanup::Dir(dir) }
}

/// The server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let without_db = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    format!("{without_db}/{name}{query}")
}

pub async fn postgres() -> TestDb {
    postgres_with(ConnectOptions { max_connections: 4, ..ConnectOptions::default() }).await
}

pub async fn postgres_with(options: ConnectOptions) -> TestDb {
    let Ok(url) = std::env::var("KIZUNA_TEST_POSTGRES_URL") else {
        panic!(
            "KIZUNA_TEST_POSTGRES_URL is not set: this test needs a PostgreSQL server. \
             Run scripts/test, which starts one, or set it to e.g. postgres://postgres@127.0.0.1:5432/postgres"
        );
    };
    let admin_url = with_database(&url, "postgres");
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at KIZUNA_TEST_POSTGRES_URL: {e}"));
    let template = format!("kizuna_tpl_{}", kizuna_store::migrations_fingerprint(Backend::Postgres));
    sqlx::query("SELECT pg_advisory_lock(7700)")
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("advisory lock: {e}"));
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("pg_database: {e}"));
    if exists.is_none() {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{template}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("create template: {e}"));
        let store = kizuna_store::connect(
            &with_database(&url, &template),
            ConnectOptions { max_connections: 2, ..Default::default() },
        )
        .await
        .unwrap_or_else(|e| panic!("migrate template: {e}"));
        store.close().await;
    }
    let name = format!("kizuna_test_{}", unique_suffix());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("clone template: {e}"));
    sqlx::query("SELECT pg_advisory_unlock(7700)")
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("advisory unlock: {e}"));
    let _ = admin.close().await;
    let url = with_database(&url, &name);
    let store = kizuna_store::connect(&url, options).await.unwrap_or_else(|e| panic!("postgres store: {e}"));
    TestDb { store, url, cleanup: Cleanup::Postgres { admin_url, name } }
}

impl TestDb {
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                            .execute(&mut admin)
                            .await;
                }
            }
        }
    }
}

/// Writes each test twice: `name_sqlite` always runs; `name_postgres` runs when
/// ignored tests are included (as `scripts/test` does).
#[macro_export]
macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        pub mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = $crate::support::sqlite().await;
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }
            )+
        }
        pub mod postgres {
            $(
                #[tokio::test]
                #[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
                async fn $name() {
                    let db = $crate::support::postgres().await;
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }
            )+
        }
    };
}
