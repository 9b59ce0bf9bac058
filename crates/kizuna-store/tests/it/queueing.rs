//! A large send queued in chunks (a store whose chunk is three recipients):
//! every recipient exactly once, the first chunk sent while the rest are still
//! to queue, a send another process resumes after a crash, cancellation, an
//! emergency's chunks first, follow-ups — on both backends.

use std::collections::BTreeMap;
use std::sync::Arc;

use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_store::*;

use crate::delivery::{Resident, add, at, claim, new_notice, seeded, send};
use crate::support::TestDb;

/// Recipients a send queues per transaction in these tests.
const CHUNK: u32 = 3;

fn chunked() -> ConnectOptions {
    ConnectOptions { max_connections: 4, queue_chunk: CHUNK, ..ConnectOptions::default() }
}

/// Each test on a store whose sends queue three recipients at a time, with its URL
/// (for a second process on the same database).
macro_rules! chunked {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::support::sqlite_with(super::chunked()).await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                #[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
                async fn $name() {
                    let db = crate::support::postgres_with(super::chunked()).await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )+
        }
    };
}

chunked!(
    a_large_send_queues_every_recipient_once_across_chunks,
    the_first_chunk_goes_out_before_the_rest_is_queued_and_the_notice_ends_after_the_last,
    another_process_resumes_a_send_left_half_queued,
    two_processes_queueing_at_once_queue_each_recipient_once,
    cancelling_while_queueing_stops_it,
    an_emergency_is_queued_before_a_send_already_queueing,
    a_chunked_send_that_finds_nobody_is_sent,
    a_follow_up_reaches_its_whole_audience_in_chunks,
);

const CHICHIBU: &str = "112071";
const YOKOZE: &str = "113611";
const MINANO: &str = "113620";

/// Eleven residents a disaster notice for 秩父市 and 横瀬町 reaches — three of
/// 横瀬町 only, one of both towns, among those who chose something else — and
/// four it does not. Returns the addresses it reaches.
async fn region(store: &Arc<dyn Store>) -> Vec<String> {
    seeded(store).await;
    let mut reached = Vec::new();
    for i in 0..7 {
        let email = format!("chichibu{i}@example.jp");
        add(store, Resident::new(&email, &[(CHICHIBU, "disaster")])).await;
        reached.push(email);
        add(store, Resident::new(&format!("other{i}@example.jp"), &[(CHICHIBU, "event")])).await;
    }
    add(store, Resident::new("both@example.jp", &[(CHICHIBU, "disaster"), (YOKOZE, "disaster")])).await;
    reached.push("both@example.jp".into());
    for i in 0..3 {
        let email = format!("yokoze{i}@example.jp");
        add(store, Resident::new(&email, &[(YOKOZE, "disaster")])).await;
        reached.push(email);
    }
    add(store, Resident::new("minano@example.jp", &[(MINANO, "disaster")])).await;
    reached.sort();
    reached
}

async fn disaster(store: &Arc<dyn Store>, urgency: Urgency) -> i64 {
    let new = new_notice("disaster", &[CHICHIBU, YOKOZE], urgency, vec![]);
    store.create_notice(&new, "staff:1", at(0, 0)).await.unwrap().0.id
}

/// Queues every chunk left, as the processes' queueing does; returns how many
/// chunks it took.
async fn queue_the_rest(store: &Arc<dyn Store>) -> usize {
    let mut chunks = 0;
    while store.queue_next_chunk(at(1, 0)).await.unwrap().is_some() {
        chunks += 1;
        assert!(chunks < 100, "queueing ends");
    }
    chunks
}

/// Claims and records as sent everything waiting; returns each address with
/// how many messages it got.
async fn deliver_all(store: &Arc<dyn Store>, claim_id: &str) -> BTreeMap<String, usize> {
    let mut mailed = BTreeMap::new();
    loop {
        let batch = store.claim_deliveries(&claim(claim_id, at(2, 0), 100)).await.unwrap();
        if batch.is_empty() {
            return mailed;
        }
        let sent: Vec<DeliveryOutcome> =
            batch.iter().map(|d| DeliveryOutcome { delivery_id: d.id, result: DeliveryResult::Sent }).collect();
        store.record_delivery_outcomes(claim_id, &sent, 3, at(2, 1)).await.unwrap();
        for delivery in batch {
            *mailed.entry(delivery.email).or_insert(0) += 1;
        }
    }
}

fn once_each(reached: &[String]) -> BTreeMap<String, usize> {
    reached.iter().map(|email| (email.clone(), 1)).collect()
}

async fn status(store: &Arc<dyn Store>, id: i64) -> NoticeStatus {
    store.notice(id).await.unwrap().unwrap().status
}

async fn a_large_send_queues_every_recipient_once_across_chunks(db: &TestDb) {
    let store = &db.store;
    let reached = region(store).await;
    let id = disaster(store, Urgency::Normal).await;
    assert_eq!(store.recipient_counts(id).await.unwrap().total, 11, "the pre-send count");
    let first = send(store, id, at(1, 0)).await;
    assert_eq!(first, u64::from(CHUNK), "the send itself queues one chunk");
    assert!(queue_the_rest(store).await >= 3, "the rest takes several chunks");
    let counts = store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.total, counts.queued), (11, 11), "the count staff confirmed is what is queued");
    assert_eq!(deliver_all(store, "p/1").await, once_each(&reached), "everyone once, the resident of both towns too");
    assert_eq!(status(store, id).await, NoticeStatus::Sent);
}

async fn the_first_chunk_goes_out_before_the_rest_is_queued_and_the_notice_ends_after_the_last(db: &TestDb) {
    let store = &db.store;
    let reached = region(store).await;
    let id = disaster(store, Urgency::Normal).await;
    send(store, id, at(1, 0)).await;
    let early = deliver_all(store, "p/1").await;
    assert_eq!(early.len(), CHUNK as usize, "the first chunk is claimed and sent before the next is written");
    assert_eq!(status(store, id).await, NoticeStatus::Sending, "not finished while recipients are still to queue");
    let chunk = store.queue_next_chunk(at(1, 1)).await.unwrap().unwrap();
    assert_eq!((chunk.notice_id, chunk.queued, chunk.finished), (id, u64::from(CHUNK), false));
    let mut mailed = early;
    for (email, n) in deliver_all(store, "p/2").await {
        *mailed.entry(email).or_insert(0) += n;
    }
    assert_eq!(status(store, id).await, NoticeStatus::Sending);
    queue_the_rest(store).await;
    assert_eq!(status(store, id).await, NoticeStatus::Sending, "what the last chunk queued is still to send");
    for (email, n) in deliver_all(store, "p/3").await {
        *mailed.entry(email).or_insert(0) += n;
    }
    assert_eq!(mailed, once_each(&reached));
    assert_eq!(status(store, id).await, NoticeStatus::Sent, "sent once the last chunk's messages are");
    let events = store.notice_events(id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.to == NoticeStatus::Sent).count(), 1, "it ends once");
}

async fn another_process_resumes_a_send_left_half_queued(db: &TestDb) {
    let reached = region(&db.store).await;
    let id = disaster(&db.store, Urgency::Normal).await;
    send(&db.store, id, at(1, 0)).await;
    assert!(db.store.queue_next_chunk(at(1, 0)).await.unwrap().is_some());
    // The process stops between two chunks: what it wrote is all that is left of it.
    db.store.close().await;
    let other = kizuna_store::connect(&db.url, chunked()).await.unwrap();
    queue_the_rest(&other).await;
    assert_eq!(deliver_all(&other, "q/1").await, once_each(&reached), "nobody lost, nobody twice");
    assert_eq!(status(&other, id).await, NoticeStatus::Sent);
    other.close().await;
}

async fn two_processes_queueing_at_once_queue_each_recipient_once(db: &TestDb) {
    let reached = region(&db.store).await;
    let id = disaster(&db.store, Urgency::Normal).await;
    send(&db.store, id, at(1, 0)).await;
    let other = kizuna_store::connect(&db.url, chunked()).await.unwrap();
    let (mine, theirs) = tokio::join!(queue_the_rest(&db.store), queue_the_rest(&other));
    assert!(mine + theirs >= 3);
    assert_eq!(deliver_all(&db.store, "p/1").await, once_each(&reached));
    assert_eq!(status(&other, id).await, NoticeStatus::Sent);
    other.close().await;
}

async fn cancelling_while_queueing_stops_it(db: &TestDb) {
    let store = &db.store;
    region(store).await;
    let id = disaster(store, Urgency::Normal).await;
    send(store, id, at(1, 0)).await;
    assert!(store.queue_next_chunk(at(1, 0)).await.unwrap().is_some());
    store.transition_notice(id, NoticeAction::Cancel, "staff:2", Some("誤送信"), at(1, 1)).await.unwrap();
    assert_eq!(store.queue_next_chunk(at(1, 2)).await.unwrap(), None, "nothing more is queued");
    let counts = store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.total, counts.cancelled, counts.queued), (6, 6, 0), "two chunks were queued, both stopped");
    assert!(deliver_all(store, "p/1").await.is_empty(), "nothing goes out");
    assert_eq!(status(store, id).await, NoticeStatus::Cancelled);
}

async fn an_emergency_is_queued_before_a_send_already_queueing(db: &TestDb) {
    let store = &db.store;
    region(store).await;
    let normal = disaster(store, Urgency::Normal).await;
    send(store, normal, at(1, 0)).await;
    let emergency = disaster(store, Urgency::Emergency).await;
    send(store, emergency, at(1, 1)).await;
    let mut order = Vec::new();
    while let Some(chunk) = store.queue_next_chunk(at(1, 2)).await.unwrap() {
        order.push(chunk.notice_id);
    }
    let first_normal = order.iter().position(|n| *n == normal).unwrap();
    let last_emergency = order.iter().rposition(|n| *n == emergency).unwrap();
    assert!(last_emergency < first_normal, "every chunk of the emergency before the next of the other: {order:?}");
    let batch = store.claim_deliveries(&claim("p/1", at(2, 0), 11)).await.unwrap();
    assert!(batch.iter().all(|d| d.notice_id == emergency), "and its messages go first");
}

async fn a_chunked_send_that_finds_nobody_is_sent(db: &TestDb) {
    let store = &db.store;
    seeded(store).await;
    // Residents who chose the category in the town, but none it reaches: emergency
    // only, and the category is not an emergency one.
    for i in 0..7 {
        let email = format!("quiet{i}@example.jp");
        add(store, Resident { emergency_only: true, ..Resident::new(&email, &[(CHICHIBU, "event")]) }).await;
    }
    let event = new_notice("event", &[CHICHIBU], Urgency::Normal, vec![]);
    let id = store.create_notice(&event, "staff:1", at(0, 0)).await.unwrap().0.id;
    assert_eq!(send(store, id, at(1, 0)).await, 0);
    assert_eq!(status(store, id).await, NoticeStatus::Sending, "its other residents are still to look at");
    queue_the_rest(store).await;
    assert_eq!(status(store, id).await, NoticeStatus::Sent, "published, with nobody to send to");
    assert_eq!(store.delivery_counts(id).await.unwrap().total, 0);
}

async fn a_follow_up_reaches_its_whole_audience_in_chunks(db: &TestDb) {
    let store = &db.store;
    let reached = region(store).await;
    let id = disaster(store, Urgency::Emergency).await;
    send(store, id, at(1, 0)).await;
    queue_the_rest(store).await;
    deliver_all(store, "p/1").await;
    let mut all = new_notice("disaster", &[CHICHIBU, YOKOZE], Urgency::Emergency, vec![]);
    all.follow_up = Some(FollowUp { of: id, audience: FollowUpAudience::Unanswered });
    let follow_up = store.create_notice(&all, "staff:1", at(1, 30)).await.unwrap().0.id;
    assert_eq!(send(store, follow_up, at(1, 30)).await, u64::from(CHUNK));
    queue_the_rest(store).await;
    assert_eq!(deliver_all(store, "p/2").await, once_each(&reached), "everyone who has not answered, once");
    assert_eq!(status(store, follow_up).await, NoticeStatus::Sent);
}
