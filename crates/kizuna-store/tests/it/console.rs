//! What staff and API clients see and do beyond the public archive: listing
//! notices of every status with filters and a scope, and correcting a sent notice
//! in one transaction — on both backends.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, NoticeStatus, Urgency};
use kizuna_core::staff::Scope;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    listing_shows_every_status_newest_first_a_page_at_a_time,
    listing_filters_by_source_municipality_and_status,
    a_scope_lists_only_notices_wholly_within_it,
    a_correction_supersedes_the_original_and_starts_sending_at_once,
    only_a_sent_notice_can_be_corrected_and_a_refusal_changes_nothing,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, minute, 0).single().unwrap()
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
}

fn draft(title: &str, towns: &[&str], source: NoticeSource) -> NewNotice {
    NewNotice {
        title: NoticeTitle::parse(title).unwrap(),
        body: NoticeBody::parse("本文です。").unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse("disaster").unwrap(),
        municipalities: towns.iter().map(|t| code(t)).collect(),
        area_ids: Vec::new(),
        urgency: Urgency::Normal,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
        follow_up: None,
        source,
        source_ref: None,
        idempotency_key: None,
        supersedes: None,
    }
}

async fn create(store: &Arc<dyn Store>, title: &str, towns: &[&str], source: NoticeSource, minute: u32) -> i64 {
    store.create_notice(&draft(title, towns, source), "staff:1", at(minute)).await.unwrap().0.id
}

async fn send_now(store: &Arc<dyn Store>, id: i64, minute: u32) {
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.start_sending(id, action, "staff:1", at(minute)).await.unwrap();
}

fn titles(notices: &[Notice]) -> Vec<&str> {
    notices.iter().map(|n| n.title.as_str()).collect()
}

async fn listing_shows_every_status_newest_first_a_page_at_a_time(store: Arc<dyn Store>) {
    seeded(&store).await;
    for (minute, title) in (1u32..).zip(["一", "二", "三", "四", "五"]) {
        create(&store, title, &["112071"], NoticeSource::Staff, minute).await;
    }
    let cancelled = create(&store, "六", &["112071"], NoticeSource::Staff, 6).await;
    store.transition_notice(cancelled, NoticeAction::Cancel, "staff:1", None, at(7)).await.unwrap();

    let first = store.list_notices(&NoticeFilter::within(Scope::AllMunicipalities, 4)).await.unwrap();
    assert_eq!(titles(&first), ["六", "五", "四", "三"], "drafts and cancelled notices too, newest first");
    assert_eq!(first[0].status, NoticeStatus::Cancelled);
    assert_eq!(first[0].municipalities, ["112071"], "targets come with each notice");
    let next = NoticeFilter { before: first.last().map(|n| n.id), ..NoticeFilter::within(Scope::AllMunicipalities, 4) };
    let second = store.list_notices(&next).await.unwrap();
    assert_eq!(titles(&second), ["二", "一"], "the next page starts after the last one shown");
    let past_the_end = NoticeFilter { before: second.last().map(|n| n.id), ..next };
    assert!(store.list_notices(&past_the_end).await.unwrap().is_empty());
}

async fn listing_filters_by_source_municipality_and_status(store: Arc<dyn Store>) {
    seeded(&store).await;
    let jma = create(&store, "気象警報", &["112071", "113611"], NoticeSource::Jma, 1).await;
    let api = create(&store, "API 下書き", &["113611"], NoticeSource::Api, 2).await;
    create(&store, "職員の下書き", &["113654"], NoticeSource::Staff, 3).await;
    send_now(&store, jma, 4).await;
    let all = || NoticeFilter::within(Scope::AllMunicipalities, 50);

    let by_source = store.list_notices(&NoticeFilter { source: Some(NoticeSource::Api), ..all() }).await.unwrap();
    assert_eq!(by_source.iter().map(|n| n.id).collect::<Vec<_>>(), [api]);
    let yokoze = NoticeFilter { municipality: Some(code("113611")), ..all() };
    assert_eq!(titles(&store.list_notices(&yokoze).await.unwrap()), ["API 下書き", "気象警報"]);
    let sent = NoticeFilter { status: Some(NoticeStatus::Sent), ..all() };
    assert_eq!(titles(&store.list_notices(&sent).await.unwrap()), ["気象警報"], "no residents: sent at once");
    let drafts_in_yokoze =
        NoticeFilter { status: Some(NoticeStatus::Draft), municipality: Some(code("113611")), ..all() };
    assert_eq!(titles(&store.list_notices(&drafts_in_yokoze).await.unwrap()), ["API 下書き"]);
    let none = NoticeFilter { source: Some(NoticeSource::Jma), status: Some(NoticeStatus::Draft), ..all() };
    assert!(store.list_notices(&none).await.unwrap().is_empty());
}

async fn a_scope_lists_only_notices_wholly_within_it(store: Arc<dyn Store>) {
    seeded(&store).await;
    create(&store, "秩父市だけ", &["112071"], NoticeSource::Staff, 1).await;
    create(&store, "秩父市と横瀬町", &["112071", "113611"], NoticeSource::Staff, 2).await;
    create(&store, "横瀬町だけ", &["113611"], NoticeSource::Staff, 3).await;
    let chichibu = NoticeFilter::within(Scope::Municipality(code("112071")), 50);
    assert_eq!(
        titles(&store.list_notices(&chichibu).await.unwrap()),
        ["秩父市だけ"],
        "a notice that also goes to another town is not Chichibu's alone"
    );
    let naming_yokoze = NoticeFilter { municipality: Some(code("113611")), ..chichibu };
    assert!(store.list_notices(&naming_yokoze).await.unwrap().is_empty());
    let everything = NoticeFilter::within(Scope::AllMunicipalities, 50);
    assert_eq!(store.list_notices(&everything).await.unwrap().len(), 3);
}

async fn resident(store: &Arc<dyn Store>, email: &str, town: &str) {
    let id = store
        .create_subscriber(
            &NewSubscriber {
                email: EmailAddress::parse(email).unwrap(),
                status: SubscriberStatus::Active,
                language: Lang::JA,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: false,
                source: RegistrationSource::Web,
                source_municipality: None,
                monitor_age_band: None,
                pending_expires_at: None,
            },
            at(0),
        )
        .await
        .unwrap();
    let subscription =
        Subscription { municipality: code(town), category: CategoryKey::parse("disaster").unwrap(), area_id: None };
    store.replace_subscriptions(id, &[subscription]).await.unwrap();
}

async fn a_correction_supersedes_the_original_and_starts_sending_at_once(store: Arc<dyn Store>) {
    seeded(&store).await;
    resident(&store, "minano@example.jp", "113620").await;
    let original = create(&store, "避難所の開設", &["113620"], NoticeSource::Api, 1).await;
    send_now(&store, original, 2).await;
    // The one delivery settles, so the original is `sent`.
    let claimed = store
        .claim_deliveries(&ClaimRequest {
            claim_id: "w1".into(),
            now: at(3),
            batch_size: 10,
            claim_ttl: chrono::Duration::seconds(60),
        })
        .await
        .unwrap();
    let outcomes: Vec<DeliveryOutcome> =
        claimed.iter().map(|d| DeliveryOutcome { delivery_id: d.id, result: DeliveryResult::Sent }).collect();
    store.record_delivery_outcomes("w1", &outcomes, 3, at(3)).await.unwrap();
    assert_eq!(store.notice(original).await.unwrap().unwrap().status, NoticeStatus::Sent);

    let mut text = draft("避難所の開設（訂正）", &["113620"], NoticeSource::Api);
    text.body = NoticeBody::parse("開設場所を訂正します。").unwrap();
    let (correction, queued) = store.correct_notice(original, &text, "api-key:7", at(5)).await.unwrap();
    assert_eq!(queued, 1, "the resident who got the wrong text gets the correction");
    assert_eq!(correction.status, NoticeStatus::Sending);
    assert_eq!(correction.supersedes, Some(original));
    assert_eq!(correction.body, "開設場所を訂正します。");
    assert_eq!(correction.municipalities, ["113620"]);
    assert_eq!(store.delivery_counts(correction.id).await.unwrap().queued, 1);

    let old = store.notice(original).await.unwrap().unwrap();
    assert_eq!(old.status, NoticeStatus::Superseded);
    let old_events = store.notice_events(original).await.unwrap();
    let last = old_events.last().unwrap();
    assert_eq!((last.action.as_str(), last.actor.as_str(), last.at), ("supersede", "api-key:7", at(5)));
    let new_events: Vec<(String, String)> =
        store.notice_events(correction.id).await.unwrap().into_iter().map(|e| (e.action, e.actor)).collect();
    assert_eq!(
        new_events,
        [("create".to_owned(), "api-key:7".to_owned()), ("send_correction".to_owned(), "api-key:7".to_owned())]
    );
}

async fn only_a_sent_notice_can_be_corrected_and_a_refusal_changes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    resident(&store, "yokoze@example.jp", "113611").await;
    let sending = create(&store, "送信中", &["113611"], NoticeSource::Api, 1).await;
    send_now(&store, sending, 2).await;
    let draft_id = create(&store, "下書き", &["113611"], NoticeSource::Api, 3).await;
    let before = store.list_notices(&NoticeFilter::within(Scope::AllMunicipalities, 50)).await.unwrap();

    let text = draft("訂正文", &["113611"], NoticeSource::Api);
    for (id, status) in [(sending, NoticeStatus::Sending), (draft_id, NoticeStatus::Draft)] {
        let error = store.correct_notice(id, &text, "api-key:7", at(4)).await.err();
        assert!(matches!(&error, Some(StoreError::Transition(t)) if t.from == status), "a {status} notice: {error:?}");
    }
    assert!(matches!(store.correct_notice(9999, &text, "api-key:7", at(4)).await, Err(StoreError::NotFound)));
    let after = store.list_notices(&NoticeFilter::within(Scope::AllMunicipalities, 50)).await.unwrap();
    assert_eq!(before, after, "no correction was created and no status moved");
    assert_eq!(store.delivery_counts(sending).await.unwrap().total, 1, "nothing else was queued");
}
