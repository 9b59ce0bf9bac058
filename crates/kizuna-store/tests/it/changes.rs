//! The change channel: a change of reference data wakes every listener, in this
//! process on either backend and, on PostgreSQL, in another process too.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_store::*;
use tokio::sync::Notify;

crate::conformance!(a_reference_data_change_wakes_its_listeners, queued_deliveries_wake_the_delivery_listeners);

/// Long enough for a notification over a busy loopback; the test waits only when it fails.
const PATIENCE: Duration = Duration::from_secs(10);

async fn woken(notify: &Notify) -> bool {
    tokio::time::timeout(PATIENCE, notify.notified()).await.is_ok()
}

async fn a_reference_data_change_wakes_its_listeners(store: Arc<dyn Store>) {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap();
    let reference = Arc::new(Notify::new());
    store.listen(Topic::ReferenceData, reference.clone()).await.unwrap();
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), now).await.unwrap();
    assert!(woken(&reference).await, "seeding announces reference data");
    store.add_area(&MunicipalityCode::parse("112071").unwrap(), "影森", "Kagemori").await.unwrap();
    assert!(woken(&reference).await, "a new area announces reference data");
    store.announce(Topic::ReferenceData).await.unwrap();
    assert!(woken(&reference).await, "an explicit announcement reaches the listener");
}

async fn queued_deliveries_wake_the_delivery_listeners(store: Arc<dyn Store>) {
    let work = Arc::new(Notify::new());
    store.listen_for_deliveries(work.clone()).await.unwrap();
    store.announce(Topic::Deliveries).await.unwrap();
    assert!(woken(&work).await);
}

/// Two processes on one PostgreSQL: what one changes, the other hears.
#[tokio::test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
async fn another_process_hears_a_reference_data_change_on_postgres() {
    let db = crate::support::postgres().await;
    let other = kizuna_store::connect(&db.url, ConnectOptions { max_connections: 2 }).await.unwrap();
    let heard = Arc::new(Notify::new());
    other.listen(Topic::ReferenceData, heard.clone()).await.unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap();
    db.store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), now).await.unwrap();
    assert!(woken(&heard).await, "the other process hears the seeding");
    db.store.add_area(&MunicipalityCode::parse("113620").unwrap(), "芦ヶ久保", "Ashigakubo").await.unwrap();
    assert!(woken(&heard).await, "the other process hears the new area");
    assert_eq!(other.areas(&MunicipalityCode::parse("113620").unwrap()).await.unwrap().len(), 1);
    other.close().await;
    db.finish().await;
}
