//! Retention: settled deliveries older than the retention are pruned in small
//! batches, their links stop working, and each notice keeps its final counts —
//! on both backends.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kizuna_core::notice::Urgency;
use kizuna_core::token::TokenHash;
use kizuna_store::*;

use crate::delivery::{Resident, add, at, claim, new_notice, seeded, send};

crate::conformance!(settled_deliveries_older_than_the_retention_go_in_batches_and_notices_keep_their_counts);

/// Sends a notice to every resident at `sent`, mails each a link, and records
/// `results` (in delivery order) at `recorded`. Returns the notice and its links.
async fn sent_notice(
    store: &Arc<dyn Store>,
    sent: DateTime<Utc>,
    recorded: DateTime<Utc>,
    results: &[DeliveryResult],
) -> (i64, Vec<TokenHash>) {
    let new = new_notice("weather", &["112071"], Urgency::Normal, vec![]);
    let id = store.create_notice(&new, "staff:1", sent).await.unwrap().0.id;
    assert_eq!(send(store, id, sent).await, results.len() as u64);
    let batch = store.claim_deliveries(&claim("w", sent, 100)).await.unwrap();
    assert_eq!(batch.len(), results.len());
    let mut links = Vec::new();
    let mut outcomes = Vec::new();
    for (delivery, result) in batch.iter().zip(results) {
        let link = TokenHash::of(&format!("link-{}", delivery.id));
        store.store_delivery_tokens(&[(delivery.id, link.clone())]).await.unwrap();
        links.push(link);
        outcomes.push(DeliveryOutcome { delivery_id: delivery.id, result: result.clone() });
    }
    store.record_delivery_outcomes("w", &outcomes, 3, recorded).await.unwrap();
    (id, links)
}

async fn settled_deliveries_older_than_the_retention_go_in_batches_and_notices_keep_their_counts(
    store: Arc<dyn Store>,
) {
    seeded(&store).await;
    for i in 0..5 {
        add(&store, Resident::new(&format!("resident{i}@example.jp"), &[("112071", "weather")])).await;
    }
    let sent = || DeliveryResult::Sent;
    let bounced = || DeliveryResult::Bounced { reply: "550 5.1.1 unknown".into() };
    let failed = || DeliveryResult::Failed { reply: "451 gave up".into() };
    // Still being retried: not settled, so it stays whatever its age.
    let deferred = || DeliveryResult::Deferred { reply: "421 try later".into(), next_attempt_at: at(50, 0) };
    let (old, old_links) =
        sent_notice(&store, at(1, 0), at(2, 0), &[sent(), sent(), sent(), bounced(), failed()]).await;
    let (open, open_links) =
        sent_notice(&store, at(3, 0), at(4, 0), &[sent(), sent(), sent(), sent(), deferred()]).await;
    let (young, young_links) =
        sent_notice(&store, at(30, 0), at(31, 0), &[sent(), sent(), sent(), sent(), sent()]).await;
    let notices = [old, open, young];
    let mut before = Vec::new();
    for id in notices {
        before.push(store.delivery_counts(id).await.unwrap());
    }
    let by_month = store.deliveries_by_month(None, at(0, 0)).await.unwrap();
    let messages = store.messages_sent(at(0, 0), at(59, 0)).await.unwrap();

    // The retention ends at minute 20: the first two notices' settled deliveries go.
    let mut batches = Vec::new();
    loop {
        let n = store.prune_settled_deliveries(at(20, 0), 2).await.unwrap().rows;
        if n == 0 {
            break;
        }
        batches.push(n);
        assert!(batches.len() < 20, "pruning never ends: {batches:?}");
    }
    assert!(batches.iter().all(|n| *n <= 2), "batches of at most the limit: {batches:?}");
    assert_eq!(batches.iter().sum::<u64>(), 9, "5 settled of the first notice, 4 of the second");

    for (id, counts) in notices.iter().zip(&before) {
        assert_eq!(&store.delivery_counts(*id).await.unwrap(), counts, "notice {id} reads its final counts");
    }
    assert_eq!(before[0], DeliveryCounts { total: 5, sent: 3, bounced: 1, failed: 1, ..DeliveryCounts::default() });
    assert_eq!(store.deliveries_by_month(None, at(0, 0)).await.unwrap(), by_month, "the dashboard's months");
    assert_eq!(store.messages_sent(at(0, 0), at(59, 0)).await.unwrap(), messages, "the cost report's messages");

    for link in &old_links {
        assert_eq!(
            store.delivery_by_link(MailedLink::Stored(link)).await.unwrap(),
            None,
            "a pruned delivery's link no longer works"
        );
    }
    for link in &open_links[..4] {
        assert_eq!(store.delivery_by_link(MailedLink::Stored(link)).await.unwrap(), None);
    }
    let retried =
        store.delivery_by_link(MailedLink::Stored(&open_links[4])).await.unwrap().expect("the deferred delivery stays");
    assert_eq!(retried.notice_id, open);
    for link in &young_links {
        assert!(
            store.delivery_by_link(MailedLink::Stored(link)).await.unwrap().is_some(),
            "a younger delivery's link works"
        );
    }

    // The deferred message goes out later: the notice's counts add the pruned
    // ones to the live, and it is sent.
    let batch = store.claim_deliveries(&claim("w", at(50, 0), 10)).await.unwrap();
    assert_eq!(batch.iter().map(|d| d.id).collect::<Vec<_>>(), vec![retried.delivery_id]);
    let outcome = DeliveryOutcome { delivery_id: retried.delivery_id, result: DeliveryResult::Sent };
    assert_eq!(store.record_delivery_outcomes("w", &[outcome], 3, at(51, 0)).await.unwrap(), vec![open]);
    assert_eq!(
        store.delivery_counts(open).await.unwrap(),
        DeliveryCounts { total: 5, sent: 5, ..DeliveryCounts::default() }
    );
    // Nothing settled before minute 20 is left.
    assert_eq!(store.prune_settled_deliveries(at(20, 0), 2).await.unwrap().rows, 0);

    // A day on, the message that settled late goes too, with the younger notice's.
    let later = at(52, 0) + chrono::Duration::days(1);
    let mut rest = 0;
    loop {
        let n = store.prune_settled_deliveries(later, 2).await.unwrap().rows;
        if n == 0 {
            break;
        }
        rest += n;
    }
    assert_eq!(rest, 6);
    assert_eq!(store.delivery_by_link(MailedLink::Stored(&open_links[4])).await.unwrap(), None);
    assert_eq!(
        store.delivery_counts(open).await.unwrap(),
        DeliveryCounts { total: 5, sent: 5, ..DeliveryCounts::default() }
    );
    assert_eq!(store.delivery_counts(young).await.unwrap(), before[2]);
}
