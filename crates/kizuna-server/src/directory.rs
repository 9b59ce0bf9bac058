//! The directory: the region's reference data (the consortium's names, its
//! municipalities with their areas, the categories), read from the store once at
//! start and held in `AppState` for pages, mails, the API, the JMA poller and the
//! delivery workers.
//!
//! Readers take a snapshot (`state.directory.current()`), which stays whole while
//! they use it; `reload` reads the store again and swaps the snapshot in one step,
//! so a change (from the console, announced by the store) reaches every reader
//! without a restart and no reader ever sees half of one.

use std::sync::{Arc, PoisonError, RwLock};

use kizuna_core::Lang;
use kizuna_core::consortium::{Category, ConsortiumInfo, Municipality};
use kizuna_store::{Area, Store, StoreError};

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
}

impl ReferenceData {
    pub async fn load(store: &dyn Store) -> Result<Self, StoreError> {
        let consortium = store.consortium().await?;
        let municipalities = store.municipalities().await?;
        let categories = store.categories().await?;
        let mut areas = Vec::new();
        for municipality in &municipalities {
            areas.extend(store.areas(municipality.code.as_str()).await?);
        }
        Ok(Self { consortium, municipalities, categories, areas })
    }

    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code.as_str() == code)
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key.as_str() == key)
    }

    /// The categories residents see and choose: never the restricted (staff-only) ones.
    pub fn public_categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| !c.restricted)
    }

    pub fn areas_of<'a>(&'a self, municipality: &'a str) -> impl Iterator<Item = &'a Area> {
        self.areas.iter().filter(move |a| a.municipality == municipality)
    }

    /// The consortium's name in `lang`; empty in a database that was never seeded.
    pub fn consortium_name(&self, lang: Lang) -> &str {
        self.consortium.as_ref().map_or("", |c| lang.pick(&c.name_ja, &c.name_en))
    }
}

/// The current reference data, shared by every request and job of a process.
#[derive(Debug, Default)]
pub struct Directory {
    current: RwLock<Arc<ReferenceData>>,
}

impl Directory {
    pub fn new(data: ReferenceData) -> Self {
        Self { current: RwLock::new(Arc::new(data)) }
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

    /// Reads the store again and makes that the current snapshot. On failure the
    /// previous snapshot stays in force.
    pub async fn reload(&self, store: &dyn Store) -> Result<(), StoreError> {
        // Read before taking the lock: readers never wait for the database.
        let fresh = Arc::new(ReferenceData::load(store).await?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        tracing::info!("reference data reloaded");
        Ok(())
    }
}
