//! What staff do with residents' records, within a municipality or the whole
//! region: search, the record and its deliveries, changing choices without
//! touching another town's, suppressing, erasing, importing (the preview says
//! exactly what the import does) and exporting — on every backend.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, Urgency};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    a_municipality_sees_and_changes_only_its_own_choices,
    deliveries_and_bounces_show_within_scope_and_reactivation_starts_afresh,
    erasing_within_a_municipality_keeps_other_towns_choices,
    an_import_previews_exactly_what_it_then_does,
    an_export_lists_the_residents_of_its_scope,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, minute, 0).single().unwrap()
}

fn town(code: &str) -> MunicipalityCode {
    MunicipalityCode::parse(code).unwrap()
}

fn choice(code: &str, category: &str) -> Subscription {
    Subscription { municipality: town(code), category: CategoryKey::parse(category).unwrap(), area_id: None }
}

fn new_subscriber(email: &str) -> NewSubscriber {
    NewSubscriber {
        email: EmailAddress::parse(email).unwrap(),
        status: SubscriberStatus::Active,
        language: Lang::JA,
        format: MailFormat::Text,
        charset: Charset::Utf8,
        emergency_only: false,
        source: RegistrationSource::Import,
        source_municipality: None,
        monitor_age_band: None,
        pending_expires_at: None,
    }
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
}

async fn add(store: &Arc<dyn Store>, email: &str, choices: &[(&str, &str)]) -> i64 {
    let id = store.create_subscriber(&new_subscriber(email), at(0)).await.unwrap();
    let choices: Vec<Subscription> = choices.iter().map(|(t, c)| choice(t, c)).collect();
    store.replace_subscriptions(id, &choices).await.unwrap();
    id
}

async fn a_municipality_sees_and_changes_only_its_own_choices(store: Arc<dyn Store>) {
    seeded(&store).await;
    let yokoze = town("113611");
    let both =
        add(&store, "both@example.jp", &[("113611", "disaster"), ("112071", "crime"), ("113611", "staff")]).await;
    let other = add(&store, "other@example.jp", &[("112071", "disaster")]).await;
    add(&store, "both_x@example.jp", &[("113611", "event")]).await;

    let found = store.search_residents("both", Some(&yokoze), 10).await.unwrap();
    let emails: Vec<&str> = found.iter().map(|m| m.subscriber.email.as_str()).collect();
    assert_eq!(emails, ["both@example.jp", "both_x@example.jp"]);
    assert_eq!(found[0].municipalities, vec![yokoze.clone()], "only the municipality in scope");
    let exact = store.search_residents("both_x@example.jp", None, 10).await.unwrap();
    assert_eq!(exact.len(), 1, "_ is a character, not a wildcard");
    let first = store.search_residents("example.jp", None, 10).await.unwrap();
    assert_eq!(first.len(), 3);
    let everything = store.search_residents("@example.jp", None, 2).await.unwrap();
    assert_eq!(everything.len(), 2, "at most the limit");
    assert!(store.search_residents("other", Some(&yokoze), 10).await.unwrap().is_empty());

    assert_eq!(store.resident_record(other, Some(&yokoze)).await.unwrap(), None, "another town's resident");
    assert!(store.resident_record(other, None).await.unwrap().is_some());
    let record = store.resident_record(both, Some(&yokoze)).await.unwrap().unwrap();
    assert_eq!(record.subscriptions, vec![choice("113611", "disaster"), choice("113611", "staff")]);
    assert!(record.chose_elsewhere);
    assert_eq!(record.suppression, None);

    let refused =
        store.replace_subscriptions_within(both, Some(&yokoze), false, &[choice("112071", "event")], at(1)).await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "a choice outside the municipality");
    store
        .replace_subscriptions_within(both, Some(&yokoze), false, &[choice("113611", "weather")], at(1))
        .await
        .unwrap();
    assert_eq!(
        store.subscriptions(both).await.unwrap(),
        vec![choice("112071", "crime"), choice("113611", "staff"), choice("113611", "weather")],
        "秩父市's choice and the staff-only one are kept"
    );
    store.replace_subscriptions_within(both, None, true, &[choice("113654", "event")], at(2)).await.unwrap();
    assert_eq!(store.subscriptions(both).await.unwrap(), vec![choice("113654", "event")], "the region changes all");
    assert!(matches!(store.replace_subscriptions_within(999, None, true, &[], at(2)).await, Err(StoreError::NotFound)));
}

async fn deliveries_and_bounces_show_within_scope_and_reactivation_starts_afresh(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = add(&store, "mobile@ezweb.ne.jp", &[("113611", "notice"), ("112071", "notice")]).await;
    let mut notices = Vec::new();
    for (minute, code) in [(1, "113611"), (2, "112071")] {
        let new = NewNotice {
            title: NoticeTitle::parse(&format!("お知らせ {code}")).unwrap(),
            body: NoticeBody::parse("本文").unwrap(),
            title_en: None,
            body_en: None,
            category: CategoryKey::parse("notice").unwrap(),
            municipalities: vec![town(code)],
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
            supersedes: None,
        };
        let notice = store.create_notice(&new, "staff:1", at(minute)).await.unwrap().0.id;
        let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
        store.start_sending(notice, action, "staff:1", at(minute)).await.unwrap();
        let request = ClaimRequest {
            claim_id: format!("c{minute}"),
            now: at(minute),
            batch_size: 10,
            claim_ttl: Duration::seconds(60),
        };
        let batch = store.claim_deliveries(&request).await.unwrap();
        let outcome = DeliveryOutcome {
            delivery_id: batch[0].id,
            result: DeliveryResult::Bounced { reply: "550 5.2.2 mailbox full".into() },
        };
        store.record_delivery_outcomes(&request.claim_id, &[outcome], 2, at(minute)).await.unwrap();
        notices.push(notice);
    }
    let all = store.resident_deliveries(id, None, 10).await.unwrap();
    assert_eq!(all.iter().map(|d| d.notice_id).collect::<Vec<_>>(), vec![notices[1], notices[0]], "newest first");
    assert_eq!(all[0].status, "bounced");
    assert_eq!(all[0].last_reply.as_deref(), Some("550 5.2.2 mailbox full"));
    assert_eq!(all[0].title, "お知らせ 112071");
    let yokoze = store.resident_deliveries(id, Some(&town("113611")), 10).await.unwrap();
    assert_eq!(yokoze.iter().map(|d| d.notice_id).collect::<Vec<_>>(), vec![notices[0]]);

    let record = store.resident_record(id, None).await.unwrap().unwrap();
    assert_eq!((record.subscriber.status, record.subscriber.hard_bounces), (SubscriberStatus::Suppressed, 2));
    assert_eq!(record.suppression.as_deref(), Some("bounced"));
    assert!(!store.set_resident_suppressed(id, true, at(5)).await.unwrap(), "already suppressed");
    assert!(store.set_resident_suppressed(id, false, at(5)).await.unwrap());
    let record = store.resident_record(id, None).await.unwrap().unwrap();
    assert_eq!((record.subscriber.status, record.subscriber.hard_bounces), (SubscriberStatus::Active, 0));
    assert_eq!(record.suppression, None);
    assert!(store.set_resident_suppressed(id, true, at(6)).await.unwrap());
    assert!(store.is_suppressed(&TokenHash::of("mobile@ezweb.ne.jp")).await.unwrap());
    assert_eq!(store.resident_record(id, None).await.unwrap().unwrap().suppression.as_deref(), Some("staff"));
}

async fn erasing_within_a_municipality_keeps_other_towns_choices(store: Arc<dyn Store>) {
    seeded(&store).await;
    let yokoze = town("113611");
    let both = add(&store, "both@example.jp", &[("113611", "disaster"), ("112071", "crime")]).await;
    let mine = add(&store, "mine@example.jp", &[("113611", "disaster")]).await;
    assert_eq!(store.erase_resident_within(both, Some(&yokoze), at(1)).await.unwrap(), Erasure::WithinMunicipality);
    assert_eq!(store.subscriptions(both).await.unwrap(), vec![choice("112071", "crime")]);
    assert!(!store.is_suppressed(&TokenHash::of("both@example.jp")).await.unwrap());
    assert_eq!(store.erase_resident_within(mine, Some(&yokoze), at(1)).await.unwrap(), Erasure::Whole);
    assert_eq!(store.subscriber(mine).await.unwrap(), None);
    assert!(store.is_suppressed(&TokenHash::of("mine@example.jp")).await.unwrap());
    assert_eq!(store.erase_resident_within(both, None, at(2)).await.unwrap(), Erasure::Whole);
    assert!(matches!(store.erase_resident_within(both, None, at(2)).await, Err(StoreError::NotFound)));
}

fn row(email: &str, choices: &[(&str, &str)], source: Option<&str>) -> ImportRow {
    let mut subscriber = new_subscriber(email);
    subscriber.source_municipality = source.map(town);
    ImportRow { subscriber, subscriptions: choices.iter().map(|(t, c)| choice(t, c)).collect() }
}

async fn an_import_previews_exactly_what_it_then_does(store: Arc<dyn Store>) {
    seeded(&store).await;
    let yokoze = town("113611");
    let elsewhere = add(&store, "elsewhere@example.jp", &[("112071", "crime")]).await;
    add(&store, "known@example.jp", &[("113611", "event")]).await;
    let left = add(&store, "left@example.jp", &[("112071", "crime")]).await;
    store.unsubscribe_subscriber(left, at(1)).await.unwrap();
    store.suppress(&TokenHash::of("erased@example.jp"), "erased", at(1)).await.unwrap();
    let rows = vec![
        row("new@example.jp", &[("113611", "disaster")], Some("113611")),
        row("elsewhere@example.jp", &[("113611", "disaster")], Some("113611")),
        row("known@example.jp", &[("113611", "disaster")], Some("113611")),
        row("left@example.jp", &[("113611", "disaster")], Some("113611")),
        row("erased@example.jp", &[("113611", "disaster")], Some("113611")),
        row("new@example.jp", &[("113611", "weather")], Some("113611")),
    ];
    use ImportStanding::*;
    let expected = vec![New, Joined, Known, Stopped, Stopped, Known];
    assert_eq!(store.import_standing(&rows, Some(&yokoze)).await.unwrap(), expected);
    assert_eq!(store.subscriber_by_email("new@example.jp").await.unwrap(), None, "the preview changes nothing");
    assert_eq!(store.import_residents(&rows, Some(&yokoze), at(2)).await.unwrap(), expected);

    let new = store.subscriber_by_email("new@example.jp").await.unwrap().unwrap();
    assert_eq!((new.status, new.confirmed_at), (SubscriberStatus::Active, Some(at(2))));
    assert_eq!(new.source_municipality, Some(yokoze.clone()));
    assert_eq!(store.subscriptions(new.id).await.unwrap(), vec![choice("113611", "disaster")], "the first row wins");
    assert_eq!(
        store.subscriptions(elsewhere).await.unwrap(),
        vec![choice("112071", "crime"), choice("113611", "disaster")],
        "joined, with their own choices kept"
    );
    assert_eq!(store.subscriber(left).await.unwrap().unwrap().status, SubscriberStatus::Unsubscribed);
    assert_eq!(store.subscriber_by_email("erased@example.jp").await.unwrap(), None);
    assert_eq!(
        store.import_standing(&rows, Some(&yokoze)).await.unwrap(),
        vec![Known, Known, Known, Stopped, Stopped, Known],
        "a second import changes nothing"
    );
    let region = store.import_standing(&[row("elsewhere@example.jp", &[("113654", "event")], None)], None).await;
    assert_eq!(region.unwrap(), vec![Known], "for the region, a registered address is known");
    let outside =
        store.import_residents(&[row("x@example.jp", &[("112071", "event")], None)], Some(&yokoze), at(3)).await;
    assert!(matches!(outside, Err(StoreError::Conflict(_))));
}

async fn an_export_lists_the_residents_of_its_scope(store: Arc<dyn Store>) {
    seeded(&store).await;
    let both = add(&store, "both@example.jp", &[("113611", "disaster"), ("112071", "crime")]).await;
    let other = add(&store, "other@example.jp", &[("112071", "disaster")]).await;
    let left = add(&store, "left@example.jp", &[("113611", "crime")]).await;
    store.unsubscribe_subscriber(left, at(1)).await.unwrap();
    let yokoze = store.export_residents(Some(&town("113611"))).await.unwrap();
    assert_eq!(yokoze.len(), 1);
    assert_eq!((yokoze[0].subscriber.id, yokoze[0].subscriptions.clone()), (both, vec![choice("113611", "disaster")]));
    let region = store.export_residents(None).await.unwrap();
    assert_eq!(region.iter().map(|r| r.subscriber.id).collect::<Vec<_>>(), vec![both, other]);
    assert_eq!(region[0].subscriptions.len(), 2);
}
