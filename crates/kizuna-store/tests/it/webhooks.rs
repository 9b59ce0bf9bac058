//! Outgoing webhooks: which events are queued for which receivers, how senders
//! claim them, and what the delivery log keeps — on both backends.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    each_public_notice_queues_one_event_per_active_webhook,
    events_are_claimed_when_due_and_every_attempt_is_logged,
    a_dead_senders_events_are_claimed_again_and_its_late_outcome_is_ignored,
    removing_a_webhook_cancels_what_waits_and_keeps_its_log,
    concurrent_claims_never_share_a_webhook_event,
);

fn at(minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, minute, second).single().unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0, 0)).await.unwrap();
}

async fn webhook(store: &Arc<dyn Store>, url: &str) -> i64 {
    let new = NewWebhook { url: url.into(), secret: format!("whsec_{url}"), allow_private: false };
    store.create_webhook(&new, at(0, 0)).await.unwrap()
}

async fn notice(store: &Arc<dyn Store>, category: &str, supersedes: Option<i64>) -> i64 {
    let new = NewNotice {
        title: NoticeTitle::parse("お知らせ").unwrap(),
        body: NoticeBody::parse("本文").unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse(category).unwrap(),
        municipalities: vec![MunicipalityCode::parse("113620").unwrap()],
        area_ids: vec![],
        urgency: Urgency::Normal,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
        follow_up: None,
        source: NoticeSource::Staff,
        source_ref: None,
        idempotency_key: None,
        supersedes,
    };
    store.create_notice(&new, "staff:1", at(0, 0)).await.unwrap().0.id
}

async fn send(store: &Arc<dyn Store>, id: i64, now: DateTime<Utc>) {
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.start_sending(id, action, "staff:1", now).await.unwrap();
}

fn claim(claim_id: &str, now: DateTime<Utc>, batch_size: i64) -> ClaimRequest {
    ClaimRequest { claim_id: claim_id.into(), now, batch_size, claim_ttl: Duration::seconds(60) }
}

fn outcome(delivery_id: i64, result: WebhookResult, status_code: Option<i64>, error: Option<&str>) -> WebhookOutcome {
    WebhookOutcome { delivery_id, result, status_code, error: error.map(str::to_owned) }
}

/// (notice, event) of every event a webhook has, oldest first.
async fn events(store: &Arc<dyn Store>, webhook_id: i64) -> Vec<(i64, WebhookEvent)> {
    let mut log: Vec<(i64, WebhookEvent)> =
        store.webhook_log(webhook_id, 100).await.unwrap().into_iter().map(|d| (d.notice_id, d.event)).collect();
    log.reverse();
    log
}

async fn each_public_notice_queues_one_event_per_active_webhook(store: Arc<dyn Store>) {
    seeded(&store).await;
    let none_yet = notice(&store, "disaster", None).await;
    send(&store, none_yet, at(1, 0)).await;
    let city = webhook(&store, "https://bousai.city.example.jp/hook").await;
    let line = webhook(&store, "https://line-bot.example.jp/kizuna").await;
    let removed = webhook(&store, "https://old.example.jp/hook").await;
    assert!(store.remove_webhook(removed, at(1, 30)).await.unwrap());
    assert_eq!(events(&store, city).await, vec![], "notices sent before the webhook existed are not replayed");

    // Nobody subscribes: the notice is sent at once, and still announced.
    let sent = notice(&store, "disaster", None).await;
    send(&store, sent, at(2, 0)).await;
    let staff_only = notice(&store, "staff", None).await;
    send(&store, staff_only, at(2, 1)).await;
    let correction = notice(&store, "disaster", Some(sent)).await;
    send(&store, correction, at(2, 2)).await;
    store.transition_notice(sent, NoticeAction::Supersede, "staff:1", None, at(2, 2)).await.unwrap();
    store.transition_notice(correction, NoticeAction::Withdraw, "staff:1", Some("誤報"), at(2, 3)).await.unwrap();
    let draft = notice(&store, "disaster", None).await;
    store.transition_notice(draft, NoticeAction::Cancel, "staff:1", None, at(2, 4)).await.unwrap();

    let expected = vec![
        (sent, WebhookEvent::NoticeSent),
        (correction, WebhookEvent::NoticeCorrected),
        (correction, WebhookEvent::NoticeWithdrawn),
    ];
    assert_eq!(events(&store, city).await, expected, "staff-only notices never leave by webhook");
    assert_eq!(events(&store, line).await, expected);
    assert_eq!(events(&store, removed).await, vec![], "a removed webhook gets nothing");

    let log = store.webhook_log(city, 100).await.unwrap();
    assert!(log.iter().all(|d| d.status == WebhookDeliveryStatus::Queued && d.attempts == 0));
    assert!(log.iter().all(|d| d.attempt_log.is_empty()));
    assert_eq!(log.last().map(|d| d.next_attempt_at), Some(at(2, 0)), "due at once");
}

async fn events_are_claimed_when_due_and_every_attempt_is_logged(store: Arc<dyn Store>) {
    seeded(&store).await;
    let hook = webhook(&store, "https://bousai.example.jp/hook").await;
    let id = notice(&store, "weather", None).await;
    send(&store, id, at(1, 0)).await;

    assert_eq!(store.claim_webhook_deliveries(&claim("early", at(0, 59), 10)).await.unwrap(), vec![]);
    let first = store.claim_webhook_deliveries(&claim("a", at(1, 0), 10)).await.unwrap();
    assert_eq!(first.len(), 1);
    let event = &first[0];
    assert_eq!(
        (event.webhook_id, event.notice_id, event.event, event.attempts),
        (hook, id, WebhookEvent::NoticeSent, 1)
    );
    assert_eq!(
        (event.url.as_str(), event.secret.as_str()),
        ("https://bousai.example.jp/hook", "whsec_https://bousai.example.jp/hook")
    );
    assert!(!format!("{event:?}").contains("whsec_"), "Debug never shows the secret");
    assert_eq!(store.claim_webhook_deliveries(&claim("b", at(1, 0), 10)).await.unwrap(), vec![], "held by a");

    let retry_at = at(1, 30);
    let result = WebhookResult::Retry { next_attempt_at: retry_at };
    store
        .record_webhook_outcomes("a", &[outcome(event.id, result, Some(500), Some("HTTP 500"))], at(1, 1))
        .await
        .unwrap();
    let listed = store.webhooks().await.unwrap();
    assert_eq!(listed[0].last_delivery, Some((WebhookDeliveryStatus::Queued, at(1, 1))));
    assert_eq!(
        store.claim_webhook_deliveries(&claim("c", at(1, 29), 10)).await.unwrap(),
        vec![],
        "not before its time"
    );
    let second = store.claim_webhook_deliveries(&claim("d", retry_at, 10)).await.unwrap();
    assert_eq!(second.iter().map(|d| (d.id, d.attempts)).collect::<Vec<_>>(), vec![(event.id, 2)]);
    store
        .record_webhook_outcomes("d", &[outcome(event.id, WebhookResult::Sent, Some(204), None)], at(1, 31))
        .await
        .unwrap();

    let log = store.webhook_log(hook, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0];
    assert_eq!(
        (entry.status, entry.attempts, entry.last_status_code, entry.last_error.as_deref()),
        (WebhookDeliveryStatus::Sent, 2, Some(204), None)
    );
    let attempts: Vec<_> =
        entry.attempt_log.iter().map(|a| (a.attempt, a.at, a.status_code, a.error.clone())).collect();
    assert_eq!(attempts, vec![(1, at(1, 1), Some(500), Some("HTTP 500".to_owned())), (2, at(1, 31), Some(204), None)]);
    assert_eq!(store.claim_webhook_deliveries(&claim("e", at(59, 0), 10)).await.unwrap(), vec![], "sent is settled");

    // A receiver that cannot be reached at all fails with the reason kept.
    let other = notice(&store, "weather", None).await;
    send(&store, other, at(2, 0)).await;
    let claimed = store.claim_webhook_deliveries(&claim("f", at(2, 0), 10)).await.unwrap();
    let reason = "refused: bousai.example.jp resolves to 127.0.0.1, a loopback address";
    store
        .record_webhook_outcomes("f", &[outcome(claimed[0].id, WebhookResult::Failed, None, Some(reason))], at(2, 0))
        .await
        .unwrap();
    let newest = &store.webhook_log(hook, 1).await.unwrap()[0];
    assert_eq!(
        (newest.notice_id, newest.status, newest.last_error.as_deref()),
        (other, WebhookDeliveryStatus::Failed, Some(reason))
    );
    assert_eq!(newest.attempt_log.len(), 1);
    assert_eq!(store.webhooks().await.unwrap()[0].last_delivery, Some((WebhookDeliveryStatus::Failed, at(2, 0))));
}

async fn a_dead_senders_events_are_claimed_again_and_its_late_outcome_is_ignored(store: Arc<dyn Store>) {
    seeded(&store).await;
    let hook = webhook(&store, "https://bousai.example.jp/hook").await;
    let id = notice(&store, "weather", None).await;
    send(&store, id, at(1, 0)).await;
    let dead = store.claim_webhook_deliveries(&claim("dead", at(1, 0), 10)).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(store.claim_webhook_deliveries(&claim("early", at(1, 59), 10)).await.unwrap(), vec![]);
    let again = store.claim_webhook_deliveries(&claim("alive", at(2, 1), 10)).await.unwrap();
    assert_eq!(again.iter().map(|d| (d.id, d.attempts)).collect::<Vec<_>>(), vec![(dead[0].id, 2)]);

    // The dead sender wakes up late: what it says no longer counts.
    store
        .record_webhook_outcomes("dead", &[outcome(dead[0].id, WebhookResult::Failed, None, Some("late"))], at(2, 2))
        .await
        .unwrap();
    store
        .record_webhook_outcomes("alive", &[outcome(dead[0].id, WebhookResult::Sent, Some(200), None)], at(2, 3))
        .await
        .unwrap();
    let log = store.webhook_log(hook, 10).await.unwrap();
    assert_eq!((log[0].status, log[0].last_error.as_deref()), (WebhookDeliveryStatus::Sent, None));
    assert_eq!(log[0].attempt_log.iter().map(|a| a.status_code).collect::<Vec<_>>(), vec![Some(200)]);
}

async fn removing_a_webhook_cancels_what_waits_and_keeps_its_log(store: Arc<dyn Store>) {
    seeded(&store).await;
    let hook = webhook(&store, "https://bousai.example.jp/hook").await;
    let first = notice(&store, "weather", None).await;
    send(&store, first, at(1, 0)).await;
    let claimed = store.claim_webhook_deliveries(&claim("a", at(1, 0), 10)).await.unwrap();
    store
        .record_webhook_outcomes("a", &[outcome(claimed[0].id, WebhookResult::Sent, Some(200), None)], at(1, 1))
        .await
        .unwrap();
    let second = notice(&store, "weather", None).await;
    send(&store, second, at(2, 0)).await;

    assert!(store.remove_webhook(hook, at(3, 0)).await.unwrap());
    assert!(!store.remove_webhook(hook, at(3, 1)).await.unwrap(), "already removed");
    assert!(!store.remove_webhook(hook + 100, at(3, 1)).await.unwrap(), "no such webhook");
    let listed = store.webhooks().await.unwrap();
    assert_eq!((listed.len(), listed[0].removed_at), (1, Some(at(3, 0))));
    assert_eq!(store.claim_webhook_deliveries(&claim("b", at(4, 0), 10)).await.unwrap(), vec![]);
    let log = store.webhook_log(hook, 10).await.unwrap();
    let statuses: Vec<_> = log.iter().map(|d| (d.notice_id, d.status)).collect();
    assert_eq!(statuses, vec![(second, WebhookDeliveryStatus::Cancelled), (first, WebhookDeliveryStatus::Sent)]);
    let third = notice(&store, "weather", None).await;
    send(&store, third, at(5, 0)).await;
    assert_eq!(store.webhook_log(hook, 10).await.unwrap().len(), 2, "nothing new for a removed webhook");
}

async fn concurrent_claims_never_share_a_webhook_event(store: Arc<dyn Store>) {
    seeded(&store).await;
    for i in 0..4 {
        webhook(&store, &format!("https://r{i}.example.jp/hook")).await;
    }
    for _ in 0..5 {
        let id = notice(&store, "weather", None).await;
        send(&store, id, at(1, 0)).await;
    }
    let claims = (0..4).map(|i| {
        let store = store.clone();
        tokio::spawn(
            async move { store.claim_webhook_deliveries(&claim(&format!("c{i}"), at(1, 0), 7)).await.unwrap() },
        )
    });
    let mut ids = Vec::new();
    for handle in claims {
        ids.extend(handle.await.unwrap().into_iter().map(|d| d.id));
    }
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "no event was claimed twice");
    assert_eq!(total, 20, "four claims of seven take all twenty events");
}
