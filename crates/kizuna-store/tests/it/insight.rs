//! The region at a glance and the shared cost, on both backends: the figures
//! of the dashboard (registrants by month, source and poster town; what became
//! of the messages; who left), the running costs of a fiscal year, the messages
//! the cost report shares by, and the audit log read through its filters.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::costs::{CostItemName, Yen};
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, Urgency};
use kizuna_core::staff::{Role, Scope};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    cost_items_belong_to_their_fiscal_year,
    registrants_are_counted_by_month_in_japan_time_by_source_and_poster_town,
    unsubscribes_are_counted_for_the_region_and_each_town_and_outlive_the_resident,
    messages_are_counted_by_month_and_for_the_cost_report_by_notice_and_town,
    the_audit_log_is_read_by_person_town_action_and_date_a_page_at_a_time,
);

/// 2026-`month`-`day` `hour`:00 UTC.
fn utc(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, 0, 0).single().unwrap()
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), utc(1, 1, 0)).await.unwrap();
}

/// An active resident who came `source`-wise (from `poster`'s poster) at `at`, choosing `towns`.
async fn resident(
    store: &Arc<dyn Store>,
    address: &str,
    source: RegistrationSource,
    poster: Option<&str>,
    towns: &[&str],
    at: DateTime<Utc>,
) -> i64 {
    let id = store
        .create_subscriber(
            &NewSubscriber {
                email: EmailAddress::parse(address).unwrap(),
                status: SubscriberStatus::Active,
                language: Lang::JA,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: false,
                source,
                source_municipality: poster.map(code),
                monitor_age_band: None,
                pending_expires_at: None,
            },
            at,
        )
        .await
        .unwrap();
    let choices: Vec<Subscription> = towns
        .iter()
        .map(|town| Subscription {
            municipality: code(town),
            category: CategoryKey::parse("disaster").unwrap(),
            area_id: None,
        })
        .collect();
    store.replace_subscriptions(id, &choices).await.unwrap();
    id
}

async fn cost_items_belong_to_their_fiscal_year(store: Arc<dyn Store>) {
    seeded(&store).await;
    let item = |year: i32, name: &str, amount: &str| NewCostItem {
        fiscal_year: year,
        name: CostItemName::parse(name).unwrap(),
        amount: Yen::parse(amount).unwrap(),
        created_by: "staff:1".into(),
    };
    let server = store.add_cost_item(&item(2026, "サーバー利用料", "120,000"), utc(5, 1, 0)).await.unwrap();
    store.add_cost_item(&item(2025, "前年度の保守", "50000"), utc(5, 1, 1)).await.unwrap();
    let upkeep = store.add_cost_item(&item(2026, "保守委託料", "３０，０００円"), utc(5, 1, 2)).await.unwrap();
    assert_eq!((server.fiscal_year, server.amount.get(), server.created_at), (2026, 120_000, utc(5, 1, 0)));
    let year: Vec<(String, i64)> = store
        .cost_items(2026)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.name.as_str().to_owned(), i.amount.get()))
        .collect();
    assert_eq!(
        year,
        [("サーバー利用料".to_owned(), 120_000), ("保守委託料".to_owned(), 30_000)],
        "in the order entered"
    );
    assert_eq!(store.cost_item(upkeep.id).await.unwrap(), Some(upkeep.clone()));
    assert!(store.remove_cost_item(upkeep.id).await.unwrap());
    assert!(!store.remove_cost_item(upkeep.id).await.unwrap(), "already gone");
    assert_eq!(store.cost_item(upkeep.id).await.unwrap(), None);
    assert_eq!(store.cost_items(2026).await.unwrap().len(), 1);
    assert_eq!(store.cost_items(2025).await.unwrap().len(), 1, "another year is untouched");
}

async fn registrants_are_counted_by_month_in_japan_time_by_source_and_poster_town(store: Arc<dyn Store>) {
    seeded(&store).await;
    use RegistrationSource::*;
    // 2026-09-30 15:30 UTC is already 1 October in Japan.
    let october_in_japan = Utc.with_ymd_and_hms(2026, 9, 30, 15, 30, 0).single().unwrap();
    resident(&store, "a@example.jp", Web, None, &["113611"], utc(9, 10, 0)).await;
    resident(&store, "b@example.jp", EmptyMailQr, Some("113611"), &["113611"], october_in_japan).await;
    resident(&store, "c@example.jp", WebQr, Some("113611"), &["113611", "112071"], utc(10, 5, 0)).await;
    resident(&store, "d@example.jp", WebQr, Some("112071"), &["112071"], utc(10, 6, 0)).await;
    resident(&store, "e@example.jp", Import, None, &["112071"], utc(10, 7, 0)).await;
    let left = resident(&store, "f@example.jp", Web, None, &["113611"], utc(10, 8, 0)).await;
    store.unsubscribe_subscriber(left, utc(10, 9, 0)).await.unwrap();
    resident(&store, "old@example.jp", Web, None, &["113611"], utc(3, 1, 0)).await;

    let region = store.registrations_by_month(None, utc(9, 1, 0)).await.unwrap();
    let row = |month: &str, source, poster: Option<&str>, n| RegistrationMonth {
        month: month.into(),
        source,
        poster: poster.map(code),
        registrants: n,
    };
    assert_eq!(
        region,
        vec![
            row("2026-09", Web, None, 1),
            row("2026-10", EmptyMailQr, Some("113611"), 1),
            row("2026-10", Import, None, 1),
            row("2026-10", WebQr, Some("112071"), 1),
            row("2026-10", WebQr, Some("113611"), 1),
        ],
        "active registrants only, by month in Japan time, since the given instant"
    );
    let yokoze = store.registrations_by_month(Some(&code("113611")), utc(9, 1, 0)).await.unwrap();
    assert_eq!(
        yokoze,
        vec![
            row("2026-09", Web, None, 1),
            row("2026-10", EmptyMailQr, Some("113611"), 1),
            row("2026-10", WebQr, Some("113611"), 1),
        ],
        "a town counts the residents who chose it"
    );
    let mut per_town = store.registrants_per_municipality().await.unwrap();
    per_town.sort();
    assert_eq!(per_town, vec![(code("112071"), 3), (code("113611"), 4)], "a resident of two towns counts in each");
    assert_eq!(store.active_registrants(None).await.unwrap(), 6, "the region counts each resident once");
    assert_eq!(store.active_registrants(Some(&code("113611"))).await.unwrap(), 4);
    assert_eq!(store.active_registrants(Some(&code("113620"))).await.unwrap(), 0);
}

async fn unsubscribes_are_counted_for_the_region_and_each_town_and_outlive_the_resident(store: Arc<dyn Store>) {
    seeded(&store).await;
    let both =
        resident(&store, "both@example.jp", RegistrationSource::Web, None, &["113611", "112071"], utc(8, 1, 0)).await;
    let yokoze = resident(&store, "yokoze@example.jp", RegistrationSource::Web, None, &["113611"], utc(8, 1, 0)).await;
    assert!(store.unsubscribe_subscriber(both, utc(9, 2, 0)).await.unwrap());
    assert!(store.unsubscribe_subscriber(yokoze, utc(10, 2, 0)).await.unwrap());
    assert!(!store.unsubscribe_subscriber(yokoze, utc(10, 3, 0)).await.unwrap(), "leaving twice counts once");
    // Erased at their own request while receiving mail: leaving as well.
    let erased = resident(&store, "erased@example.jp", RegistrationSource::Web, None, &["112071"], utc(8, 1, 0)).await;
    store.erase_subscriber(erased, utc(11, 5, 0)).await.unwrap();
    // Erased a year on, the counts stay: they name nobody.
    store.erase_unsubscribed(utc(12, 1, 0), utc(12, 2, 0)).await.unwrap();
    assert!(store.subscriber(both).await.unwrap().is_none());

    let month = |m: &str, n: i64| (m.to_owned(), n);
    assert_eq!(
        store.unsubscribes_by_month(None, utc(1, 1, 0)).await.unwrap(),
        vec![month("2026-09", 1), month("2026-10", 1), month("2026-11", 1)],
        "the region counts each resident once"
    );
    assert_eq!(
        store.unsubscribes_by_month(Some(&code("113611")), utc(1, 1, 0)).await.unwrap(),
        vec![month("2026-09", 1), month("2026-10", 1)]
    );
    assert_eq!(
        store.unsubscribes_by_month(Some(&code("112071")), utc(1, 1, 0)).await.unwrap(),
        vec![month("2026-09", 1), month("2026-11", 1)]
    );
    assert_eq!(
        store.unsubscribes_by_month(Some(&code("113611")), utc(10, 1, 0)).await.unwrap(),
        vec![month("2026-10", 1)]
    );
}

async fn sent_notice(store: &Arc<dyn Store>, towns: &[&str], at: DateTime<Utc>, results: &[DeliveryResult]) -> i64 {
    let new = NewNotice {
        title: NoticeTitle::parse("お知らせ").unwrap(),
        body: NoticeBody::parse("本文").unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse("disaster").unwrap(),
        municipalities: towns.iter().map(|t| code(t)).collect(),
        area_ids: Vec::new(),
        urgency: Urgency::Emergency,
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
    let id = store.create_notice(&new, "staff:1", at).await.unwrap().0.id;
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.start_sending(id, action, "staff:1", at).await.unwrap();
    let request =
        ClaimRequest { claim_id: "w".into(), now: at, batch_size: 100, claim_ttl: chrono::Duration::seconds(60) };
    let mut claimed = store.claim_deliveries(&request).await.unwrap();
    claimed.sort_by_key(|d| d.email.clone());
    assert_eq!(claimed.len(), results.len(), "one message per recipient");
    let outcomes: Vec<DeliveryOutcome> = claimed
        .iter()
        .zip(results)
        .map(|(d, result)| DeliveryOutcome { delivery_id: d.id, result: result.clone() })
        .collect();
    store.record_delivery_outcomes("w", &outcomes, 1, at).await.unwrap();
    id
}

async fn messages_are_counted_by_month_and_for_the_cost_report_by_notice_and_town(store: Arc<dyn Store>) {
    seeded(&store).await;
    resident(&store, "1-both@example.jp", RegistrationSource::Web, None, &["113611", "112071"], utc(1, 2, 0)).await;
    resident(&store, "2-yokoze@example.jp", RegistrationSource::Web, None, &["113611"], utc(1, 2, 0)).await;
    resident(&store, "3-chichibu@example.jp", RegistrationSource::Web, None, &["112071"], utc(1, 2, 0)).await;
    resident(&store, "4-chichibu@example.jp", RegistrationSource::Web, None, &["112071"], utc(1, 2, 0)).await;
    let bounce = DeliveryResult::Bounced { reply: "5.1.1 user unknown".into() };
    // April (fiscal 2026): one notice for both towns, one of its four messages bounced.
    sent_notice(
        &store,
        &["113611", "112071"],
        utc(4, 10, 0),
        &[DeliveryResult::Sent, bounce.clone(), DeliveryResult::Sent, DeliveryResult::Sent],
    )
    .await;
    // March (fiscal 2025): 秩父市 alone.
    sent_notice(
        &store,
        &["112071"],
        utc(3, 10, 0),
        &[DeliveryResult::Sent, DeliveryResult::Sent, DeliveryResult::Sent],
    )
    .await;

    let region = store.deliveries_by_month(None, utc(1, 1, 0)).await.unwrap();
    let month = |m: &str, sent, bounced| DeliveryMonth { month: m.into(), sent, bounced, failed: 0 };
    assert_eq!(region, vec![month("2026-03", 3, 0), month("2026-04", 3, 1)]);
    let yokoze = store.deliveries_by_month(Some(&code("113611")), utc(1, 1, 0)).await.unwrap();
    assert_eq!(yokoze, vec![month("2026-04", 3, 1)], "横瀬町 sees the messages of its notices, not 秩父市's own");

    let fiscal_2026 =
        store.messages_sent(utc(3, 31, 15), Utc.with_ymd_and_hms(2027, 3, 31, 15, 0, 0).unwrap()).await.unwrap();
    let sent = |town: &str, shared_by, messages| MessagesSent { municipality: code(town), shared_by, messages };
    assert_eq!(
        fiscal_2026,
        vec![sent("112071", 2, 3), sent("113611", 2, 3)],
        "a notice for two towns is listed for each with its accepted messages"
    );
    let fiscal_2025 = store.messages_sent(utc(1, 1, 0), utc(3, 31, 15)).await.unwrap();
    assert_eq!(fiscal_2025, vec![sent("112071", 1, 3)]);
}

async fn the_audit_log_is_read_by_person_town_action_and_date_a_page_at_a_time(store: Arc<dyn Store>) {
    seeded(&store).await;
    let yokoze_admin = store
        .create_staff(
            &NewStaff {
                email: EmailAddress::parse("admin@town.yokoze.example").unwrap(),
                password_hash: "$argon2id$stand-in".into(),
                scope: Scope::Municipality(code("113611")),
                role: Role::MunicipalityAdmin,
                emergency: false,
                must_change_password: false,
            },
            utc(1, 1, 0),
        )
        .await
        .unwrap();
    let yokoze_actor = format!("staff:{yokoze_admin}");
    let entries = [
        NewAuditEntry::new(&yokoze_actor, "sign_in", "staff", "").in_municipality(None),
        NewAuditEntry::new(&yokoze_actor, "notice_create", "notice:1", "").in_municipality(Some(&code("113611"))),
        NewAuditEntry::new("staff:99", "notice_approve", "notice:2", "").in_municipality(Some(&code("112071"))),
        NewAuditEntry::new("staff:99", "cost_item_add", "cost_item:1", "").in_municipality(None),
        NewAuditEntry::new("scheduler", "notice_send", "notice:1", "").in_municipality(Some(&code("113611"))),
    ];
    for (day, entry) in entries.iter().enumerate() {
        store.record_audit(entry, utc(6, 1 + day as u32, 0)).await.unwrap();
    }
    let actions = |found: Vec<AuditEntry>| found.into_iter().map(|e| e.action).collect::<Vec<_>>();
    let all = AuditFilter::newest(50);
    assert_eq!(
        actions(store.search_audit(&all).await.unwrap()),
        ["notice_send", "cost_item_add", "notice_approve", "notice_create", "sign_in"]
    );
    assert_eq!(actions(store.audit_entries(2).await.unwrap()), ["notice_send", "cost_item_add"]);
    let town = AuditFilter { municipality: Some(code("113611")), ..all.clone() };
    assert_eq!(
        actions(store.search_audit(&town).await.unwrap()),
        ["notice_send", "notice_create", "sign_in"],
        "a town's entries: those about it and those of its staff"
    );
    let person = AuditFilter { actor: Some("staff:99".into()), ..all.clone() };
    assert_eq!(actions(store.search_audit(&person).await.unwrap()), ["cost_item_add", "notice_approve"]);
    let notices = AuditFilter { action: Some("notice_".into()), ..all.clone() };
    assert_eq!(
        actions(store.search_audit(&notices).await.unwrap()),
        ["notice_send", "notice_approve", "notice_create"]
    );
    let exact = AuditFilter { action: Some("notice_create".into()), municipality: Some(code("112071")), ..all.clone() };
    assert!(store.search_audit(&exact).await.unwrap().is_empty(), "every condition must hold");
    let days = AuditFilter { from: Some(utc(6, 2, 0)), until: Some(utc(6, 4, 0)), ..all.clone() };
    assert_eq!(
        actions(store.search_audit(&days).await.unwrap()),
        ["notice_approve", "notice_create"],
        "from ≤ at < until"
    );
    let first = store.search_audit(&AuditFilter { limit: 2, ..all.clone() }).await.unwrap();
    let next = AuditFilter { before: Some(first[1].id), limit: 2, ..all.clone() };
    assert_eq!(actions(store.search_audit(&next).await.unwrap()), ["notice_approve", "notice_create"], "the next page");
}
