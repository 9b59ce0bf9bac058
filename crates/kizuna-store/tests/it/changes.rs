//! The change channel: a change of reference data wakes every listener, in this
//! process on either backend and, on PostgreSQL, in another process too.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction};
use kizuna_store::*;
use tokio::sync::Notify;

crate::conformance!(
    a_reference_data_change_wakes_its_listeners,
    queued_deliveries_wake_the_delivery_listeners,
    what_public_pages_show_is_counted_as_it_commits,
);

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

fn notice(title: &str) -> NewNotice {
    NewNotice {
        title: kizuna_core::text::NoticeTitle::parse(title).unwrap(),
        body: kizuna_core::text::NoticeBody::parse("本文").unwrap(),
        title_en: None,
        body_en: None,
        category: kizuna_core::CategoryKey::parse("notice").unwrap(),
        municipalities: vec![MunicipalityCode::parse("112071").unwrap()],
        area_ids: Vec::new(),
        urgency: kizuna_core::notice::Urgency::Normal,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
        follow_up: None,
        source: kizuna_core::notice::NoticeSource::Staff,
        source_ref: None,
        idempotency_key: None,
        supersedes: None,
    }
}

/// Sends a new notice: it becomes public.
async fn send(store: &dyn Store, title: &str) -> i64 {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap();
    let (draft, _) = store.create_notice(&notice(title), "staff:1", now).await.unwrap();
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.transition_notice(draft.id, action, "staff:1", None, now).await.unwrap();
    draft.id
}

/// Public pages are current while the count stays: each change they show moves it
/// as the change commits, and only those.
async fn what_public_pages_show_is_counted_as_it_commits(store: Arc<dyn Store>) {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap();
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), now).await.unwrap();
    store.hear_changes().await.unwrap();
    let count = || store.changes_heard(Topic::PublicPages);
    let before = count();
    let (draft, _) = store.create_notice(&notice("下書き"), "staff:1", now).await.unwrap();
    assert_eq!(count(), before, "a draft shows nowhere");
    let id = send(store.as_ref(), "断水のお知らせ").await;
    let sent = count();
    assert!(sent > before, "a sent notice is counted at once");
    store.transition_notice(id, NoticeAction::Complete, "worker", None, now).await.unwrap();
    assert_eq!(count(), sent, "finishing the send shows the same page");
    store.transition_notice(id, NoticeAction::Withdraw, "staff:1", None, now).await.unwrap();
    assert!(count() > sent, "a withdrawal is counted at once");
    let withdrawn = count();
    store.transition_notice(draft.id, NoticeAction::Submit, "staff:1", None, now).await.unwrap();
    assert_eq!(count(), withdrawn, "a draft's moves show nowhere");
}

/// Two processes on one PostgreSQL: a notice one makes public, the other hears of.
#[tokio::test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
async fn another_process_hears_a_notice_made_public_on_postgres() {
    let db = crate::support::postgres().await;
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap();
    db.store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), now).await.unwrap();
    let other =
        kizuna_store::connect(&db.url, ConnectOptions { max_connections: 2, ..Default::default() }).await.unwrap();
    other.hear_changes().await.unwrap();
    let before = other.changes_heard(Topic::PublicPages);
    send(db.store.as_ref(), "避難所開設").await;
    let heard = tokio::time::timeout(PATIENCE, async {
        while other.changes_heard(Topic::PublicPages) == before {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(heard.is_ok(), "the other process hears the notice made public");
    other.close().await;
    db.finish().await;
}

/// Two processes on one PostgreSQL: what one changes, the other hears.
#[tokio::test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
async fn another_process_hears_a_reference_data_change_on_postgres() {
    let db = crate::support::postgres().await;
    let other =
        kizuna_store::connect(&db.url, ConnectOptions { max_connections: 2, ..Default::default() }).await.unwrap();
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
