//! What every request handler and job shares.

use std::sync::Arc;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use kizuna_core::time::Clock;
use kizuna_mail::Transport;
use kizuna_store::{Store, StoreError};
use tokio::sync::{Notify, Semaphore};

use crate::config::Settings;
use crate::directory::Directory;
use crate::page_cache::PageCache;
use crate::secrets::{KeyFile, ResealError, SecretError, SecretKeys};

/// Why a process cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("reading the reference data: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Secrets(#[from] SecretError),
    #[error("{0}")]
    Reseal(#[from] ResealError),
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub transport: Arc<dyn Transport>,
    /// The region's municipalities, areas, categories and names; `directory.reload`
    /// reads them again after they change.
    pub directory: Arc<Directory>,
    /// Wakes the delivery workers when deliveries are queued.
    pub work: Arc<Notify>,
    /// Wakes the express worker (`delivery::Worker::express`) when an emergency is sent.
    pub emergencies: Arc<Notify>,
    /// Wakes this process's queueing of a large send's further chunks
    /// (`notices::queueing`).
    pub queueing: Arc<Notify>,
    pub relay: Arc<RelayHealth>,
    /// The key that seals secrets kept in the database (TOTP secrets).
    pub secrets: Arc<SecretKeys>,
    /// This process's name in leases, heartbeats and delivery claims
    /// (`host:pid:random`): claims are `PROCESS/BATCH`, so a process whose
    /// heartbeat lapses has its claims queued again by any other.
    pub process: Arc<str>,
    /// Permits for archive searches running now (`search_concurrency`).
    pub searches: Arc<Semaphore>,
    /// Public pages kept in memory until what they show changes.
    pub pages: Arc<PageCache>,
}

impl AppState {
    /// The state of a process over `store`, whose reference data is read here once.
    pub async fn new(
        store: Arc<dyn Store>,
        settings: Settings,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn Transport>,
    ) -> Result<Self, StartError> {
        let directory = Arc::new(Directory::load(store.as_ref()).await?);
        let path = settings.console.secret_key_path(&settings.data_dir);
        let (secrets, found) = SecretKeys::load_or_create(&path)?;
        if found == KeyFile::Created {
            tracing::warn!(
                path = %path.display(),
                "created a secret key file; in production keep it outside the data directory and its backups (KIZUNA_SECRET_KEY_FILE)"
            );
        }
        let resealed = crate::secrets::reseal_stored(store.as_ref(), &secrets, &path).await?;
        if resealed > 0 {
            tracing::info!(resealed, key = secrets.current_id(), "sealed stored secrets with the current key");
        }
        let searches = settings.search_concurrency as usize;
        let hearing = match store.hear_changes().await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "cannot hear other processes' changes; public pages are kept for one second only");
                false
            }
        };
        Ok(Self {
            secrets: Arc::new(secrets),
            store,
            settings: Arc::new(settings),
            clock,
            transport,
            work: Arc::new(Notify::new()),
            emergencies: Arc::new(Notify::new()),
            queueing: Arc::new(Notify::new()),
            relay: Arc::new(RelayHealth::default()),
            directory,
            process: crate::jobs::holder_id().into(),
            searches: Arc::new(Semaphore::new(searches)),
            pages: Arc::new(PageCache::new(hearing)),
        })
    }
}

/// Whether this process can reach the relay, for `/healthz` and `/metrics`.
#[derive(Debug, Default)]
pub struct RelayHealth {
    /// Since when every attempt has failed to reach the relay, if it is down.
    down_since: Mutex<Option<DateTime<Utc>>>,
}

impl RelayHealth {
    pub fn reached(&self) {
        if let Ok(mut down) = self.down_since.lock() {
            *down = None;
        }
    }

    pub fn unreachable(&self, now: DateTime<Utc>) {
        if let Ok(mut down) = self.down_since.lock() {
            down.get_or_insert(now);
        }
    }

    pub fn down_since(&self) -> Option<DateTime<Utc>> {
        self.down_since.lock().ok().and_then(|down| *down)
    }
}
