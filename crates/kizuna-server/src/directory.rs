//! The directory: the region's reference data (the consortium's names, its
//! municipalities with their areas, the categories), read from the store once at
//! start and held in `AppState` for pages, mails, the API, the JMA poller and the
//! delivery workers.
//!
//! Readers take a snapshot (`state.directory.current()`), which stays whole while
//! they use it; `reload` reads the store again and swaps the snapshot in one step,
//! so a change (from the console, announced by the store) reaches every reader
//! without a restart and no reader ever sees half of one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use kizuna_core::consortium::{Category, ConsortiumInfo, Municipality};
use kizuna_core::{CategoryKey, Lang, MunicipalityCode};
use kizuna_store::{Area, Store, StoreError, Topic};
use tokio::sync::{Notify, watch};

/// The reference data as read at one moment.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    /// `None` only in a database that was never seeded.
    pub consortium: Option<ConsortiumInfo>,
    /// In the store's order, which is the order pages list them in.
    pub municipalities: Vec<Municipality>,
    pub categories: Vec<Category>,
    /// Areas of every municipality, grouped by municipality in the order above.
    pub areas: Vec<Area>,
    /// When normal notices wait until morning; `None` unless the consortium set them.
    pub quiet: Option<kizuna_core::quiet::QuietHours>,
}

impl ReferenceData {
    pub async fn load(store: &dyn Store) -> Result<Self, StoreError> {
        let consortium = store.consortium().await?;
        let municipalities = store.municipalities().await?;
        let categories = store.categories().await?;
        let mut areas = Vec::new();
        for municipality in &municipalities {
            areas.extend(store.areas(&municipality.code).await?);
        }
        let quiet = store.quiet_hours().await?;
        Ok(Self { consortium, municipalities, categories, areas, quiet })
    }

    /// The municipality of a code, parsed or as typed.
    pub fn municipality<C>(&self, code: &C) -> Option<&Municipality>
    where
        C: ?Sized,
        MunicipalityCode: PartialEq<C>,
    {
        self.municipalities.iter().find(|m| m.code == *code)
    }

    /// The category of a key, parsed or as typed.
    pub fn category<K>(&self, key: &K) -> Option<&Category>
    where
        K: ?Sized,
        CategoryKey: PartialEq<K>,
    {
        self.categories.iter().find(|c| c.key == *key)
    }

    /// The categories residents see and choose: never the restricted (staff-only) ones.
    pub fn public_categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| !c.restricted)
    }

    pub fn areas_of<'a, C>(&'a self, municipality: &'a C) -> impl Iterator<Item = &'a Area>
    where
        C: ?Sized,
        MunicipalityCode: PartialEq<C>,
    {
        self.areas.iter().filter(move |a| a.municipality == *municipality)
    }

    /// An area's name as a reader of `lang` is shown it, with its municipality's.
    pub fn area_label(&self, id: i64, lang: Lang) -> Option<String> {
        let area = self.areas.iter().find(|a| a.id == id)?;
        let town = self.municipality(&area.municipality).map_or("", |m| m.name(lang));
        let name = kizuna_core::lang::content(lang, &area.name_ja, Some(&area.name_en)).1;
        Some(format!("{town} {name}"))
    }

    /// The consortium's name as a reader of `lang` is shown it (see
    /// [`kizuna_core::lang::content`]); empty in a database that was never seeded.
    pub fn consortium_name(&self, lang: Lang) -> &str {
        self.consortium.as_ref().map_or("", |c| kizuna_core::lang::content(lang, &c.name_ja, Some(&c.name_en)).1)
    }
}

/// The current reference data, shared by every request and job of a process.
#[derive(Debug, Default)]
pub struct Directory {
    current: RwLock<Arc<ReferenceData>>,
    /// How many times the snapshot was read again: what was made from it while
    /// this stays the same is current.
    reloads: AtomicU64,
}

impl Directory {
    pub fn new(data: ReferenceData) -> Self {
        Self { current: RwLock::new(Arc::new(data)), reloads: AtomicU64::new(0) }
    }

    /// Reads the reference data from the store.
    pub async fn load(store: &dyn Store) -> Result<Self, StoreError> {
        Ok(Self::new(ReferenceData::load(store).await?))
    }

    /// A snapshot to read from; it does not change under the reader.
    pub fn current(&self) -> Arc<ReferenceData> {
        // A poisoned lock only means a writer panicked; the snapshot it guards is whole.
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many times the reference data has been read again since start.
    pub fn reloads(&self) -> u64 {
        self.reloads.load(Ordering::Acquire)
    }

    /// Reads the store again and makes that the current snapshot. On failure the
    /// previous snapshot stays in force.
    pub async fn reload(&self, store: &dyn Store) -> Result<(), StoreError> {
        // Read before taking the lock: readers never wait for the database.
        let fresh = Arc::new(ReferenceData::load(store).await?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        self.reloads.fetch_add(1, Ordering::AcqRel);
        tracing::info!("reference data reloaded");
        Ok(())
    }
}

/// How often the directory is read again when changes cannot be heard (the
/// LISTEN connection could not be opened).
const RELOAD_WITHOUT_CHANNEL: Duration = Duration::from_secs(60);

/// Keeps a directory current: reloads it whenever any process announces a
/// change of reference data on the store's change channel.
pub struct Follower {
    store: Arc<dyn Store>,
    directory: Arc<Directory>,
    changed: Arc<Notify>,
    hearing: bool,
}

impl Follower {
    /// Starts listening; a change committed after this returns is not missed.
    pub async fn listen(store: Arc<dyn Store>, directory: Arc<Directory>) -> Self {
        let changed = Arc::new(Notify::new());
        let hearing = match store.listen(Topic::ReferenceData, changed.clone()).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "cannot hear reference data changes; reading them again every minute");
                false
            }
        };
        Self { store, directory, changed, hearing }
    }

    /// Reloads on every change until `stop`.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = self.changed.notified() => {}
                _ = tokio::time::sleep(RELOAD_WITHOUT_CHANNEL), if !self.hearing => {}
                _ = stop.changed() => return,
            }
            if let Err(error) = self.directory.reload(self.store.as_ref()).await {
                tracing::warn!(%error, "could not reload the reference data; the previous data stays in force");
            }
        }
    }
}
