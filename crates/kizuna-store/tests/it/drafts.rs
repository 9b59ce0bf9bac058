//! What the staff console needs of notices before they go out: editing a draft
//! keeps every version, and the count of recipients is exactly who sending
//! queues — on both backends.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, NoticeStatus, Urgency};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    an_edit_keeps_every_version_and_is_refused_once_submitted,
    the_recipient_count_is_exactly_who_sending_queues,
    an_armed_emergency_waits_for_its_countdown_and_can_be_cancelled,
    acceptance_times_follow_the_relays_answers,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 1, minute, 0).single().unwrap()
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

fn draft(title: &str, body: &str, towns: &[&str], category: &str) -> NewNotice {
    NewNotice {
        title: NoticeTitle::parse(title).unwrap(),
        body: NoticeBody::parse(body).unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse(category).unwrap(),
        municipalities: towns.iter().map(|t| code(t)).collect(),
        area_ids: Vec::new(),
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
    }
}

async fn resident(store: &Arc<dyn Store>, email: &str, choices: &[(&str, &str)], emergency_only: bool) -> i64 {
    let new = NewSubscriber {
        email: EmailAddress::parse(email).unwrap(),
        status: SubscriberStatus::Active,
        language: Lang::JA,
        format: MailFormat::Text,
        charset: Charset::Utf8,
        emergency_only,
        source: RegistrationSource::Web,
        source_municipality: None,
        monitor_age_band: None,
        pending_expires_at: None,
    };
    let id = store.create_subscriber(&new, at(0)).await.unwrap();
    let subscriptions: Vec<Subscription> = choices
        .iter()
        .map(|(town, category)| Subscription {
            municipality: code(town),
            category: CategoryKey::parse(category).unwrap(),
            area_id: None,
        })
        .collect();
    store.replace_subscriptions(id, &subscriptions).await.unwrap();
    id
}

async fn an_edit_keeps_every_version_and_is_refused_once_submitted(store: Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
    let first = draft("断水のお知らせ", "明日、断水します。", &["113611"], "notice");
    let (notice, _) = store.create_notice(&first, "staff:3", at(1)).await.unwrap();
    let mut second =
        draft("断水のお知らせ（芦ヶ久保）", "明日9時から12時まで断水します。", &["113611", "112071"], "notice");
    second.urgency = Urgency::Emergency;
    let edited = store.edit_notice(notice.id, &second, "staff:3", at(2)).await.unwrap();
    assert_eq!(edited.title, "断水のお知らせ（芦ヶ久保）");
    assert_eq!(edited.municipalities, ["112071", "113611"], "targets replaced, in the consortium's order");
    assert_eq!(edited.status, NoticeStatus::Draft);

    let versions = store.notice_versions(notice.id).await.unwrap();
    let summary: Vec<(i64, &str, usize, &str)> =
        versions.iter().map(|v| (v.version, v.title.as_str(), v.municipalities.len(), v.edited_by.as_str())).collect();
    assert_eq!(summary, [(1, "断水のお知らせ", 1, "staff:3"), (2, "断水のお知らせ（芦ヶ久保）", 2, "staff:3")]);
    assert_eq!(versions[1].urgency, Urgency::Emergency);
    assert_eq!(versions[1].edited_at, at(2));

    store.transition_notice(notice.id, NoticeAction::Submit, "staff:3", None, at(3)).await.unwrap();
    let refused = store.edit_notice(notice.id, &first, "staff:3", at(4)).await;
    assert!(
        matches!(&refused, Err(StoreError::Transition(t)) if t.from == NoticeStatus::PendingApproval),
        "{refused:?}"
    );
    store.transition_notice(notice.id, NoticeAction::Return, "staff:4", Some("時間を確認して"), at(5)).await.unwrap();
    store.edit_notice(notice.id, &first, "staff:3", at(6)).await.unwrap();
    assert_eq!(store.notice_versions(notice.id).await.unwrap().len(), 3, "a returned notice can be edited again");
    let actions: Vec<String> = store.notice_events(notice.id).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["create", "edit", "submit", "return", "edit"]);
    assert!(matches!(store.edit_notice(9999, &first, "staff:3", at(7)).await, Err(StoreError::NotFound)));
}

async fn the_recipient_count_is_exactly_who_sending_queues(store: Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
    resident(&store, "a@example.jp", &[("113611", "notice")], false).await;
    resident(&store, "b@example.jp", &[("113611", "notice"), ("112071", "notice")], false).await;
    resident(&store, "c@example.jp", &[("112071", "notice")], true).await;
    resident(&store, "d@example.jp", &[("113611", "disaster")], false).await;
    // As registration and import make them: emergency-only residents subscribe to
    // the emergency categories only, and a notice of another category leaves them out.
    resident(&store, "f@example.jp", &[("113611", "disaster"), ("113611", "weather")], true).await;
    let suppressed = resident(&store, "e@example.jp", &[("112071", "notice")], false).await;
    store.suppress(&TokenHash::of("e@example.jp"), "bounced", at(0)).await.unwrap();
    let _ = suppressed;

    let notice = draft("広報ちちぶ", "今月号です。", &["112071", "113611"], "notice");
    let (notice, _) = store.create_notice(&notice, "staff:1", at(1)).await.unwrap();
    let counts = store.recipient_counts(notice.id).await.unwrap();
    assert_eq!(
        counts.total, 2,
        "a and b (once), not the emergency-only c and f, the other category's d or suppressed e"
    );
    assert_eq!(counts.emergency_only_left_out, 2, "c and f");
    let by_town: Vec<(&str, i64, i64)> = counts
        .by_municipality
        .iter()
        .map(|m| (m.municipality.as_str(), m.recipients, m.emergency_only_left_out))
        .collect();
    assert_eq!(by_town, [("112071", 1, 1), ("113611", 2, 1)]);

    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    let (_, queued) = store.start_sending(notice.id, action, "staff:1", at(2)).await.unwrap();
    assert_eq!(queued as i64, counts.total, "the count staff confirmed is what went out");

    let emergency = draft("避難指示", "直ちに避難してください。", &["112071"], "disaster");
    let (emergency, _) = store.create_notice(&emergency, "staff:1", at(3)).await.unwrap();
    let counts = store.recipient_counts(emergency.id).await.unwrap();
    assert_eq!((counts.total, counts.emergency_only_left_out), (0, 0), "nobody in Chichibu chose disaster here");
}

#[tokio::test]
async fn the_audit_log_refuses_changes_on_sqlite() {
    let db = crate::support::sqlite().await;
    the_audit_log_refuses_changes_and_keeps_where_an_action_came_from(db.store.clone(), &db.url).await;
    db.finish().await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL (KIZUNA_TEST_POSTGRES_URL); scripts/test runs it"]
async fn the_audit_log_refuses_changes_on_postgres() {
    let db = crate::support::postgres().await;
    the_audit_log_refuses_changes_and_keeps_where_an_action_came_from(db.store.clone(), &db.url).await;
    db.finish().await;
}

/// Runs SQL on the database behind the store's back, as an intruder with its URL would.
async fn execute_raw(url: &str, sql: &'static str) -> Result<u64, sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut connection = sqlx::SqliteConnection::connect(url).await?;
        Ok(sqlx::query(sql).execute(&mut connection).await?.rows_affected())
    } else {
        let mut connection = sqlx::PgConnection::connect(url).await?;
        Ok(sqlx::query(sql).execute(&mut connection).await?.rows_affected())
    }
}

async fn the_audit_log_refuses_changes_and_keeps_where_an_action_came_from(store: Arc<dyn Store>, url: &str) {
    let entry = NewAuditEntry::new("staff:1", "sign_in", "staff:1", "ok")
        .from_client("192.0.2.7")
        .in_municipality(Some(&code("113611")));
    store.record_audit(&entry, at(1)).await.unwrap();
    let stored = store.audit_entries(1).await.unwrap().remove(0);
    assert_eq!(stored.client_address.as_deref(), Some("192.0.2.7"));
    assert_eq!(stored.municipality, Some(code("113611")));
    for sql in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
        let refused = execute_raw(url, sql).await;
        assert!(refused.is_err(), "{sql} must be refused");
    }
    assert_eq!(store.audit_entries(10).await.unwrap(), vec![stored], "the entry is unchanged");
}

async fn an_armed_emergency_waits_for_its_countdown_and_can_be_cancelled(store: Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
    let (notice, _) = store
        .create_notice(&draft("避難指示", "避難してください。", &["112071"], "disaster"), "staff:1", at(1))
        .await
        .unwrap();
    let due = at(1) + chrono::Duration::seconds(10);
    let armed = store.schedule_notice(notice.id, due, NoticeAction::Arm, "staff:1", at(1)).await.unwrap();
    assert_eq!((armed.status, armed.send_at), (NoticeStatus::Scheduled, Some(due)));
    assert!(store.due_scheduled_notices(at(1)).await.unwrap().is_empty(), "not before the countdown ends");
    assert_eq!(store.due_scheduled_notices(due).await.unwrap(), [notice.id]);
    store.transition_notice(notice.id, NoticeAction::Cancel, "staff:1", None, at(1)).await.unwrap();
    assert!(store.due_scheduled_notices(due).await.unwrap().is_empty(), "a cancelled countdown sends nothing");
    let refused = store.schedule_notice(notice.id, due, NoticeAction::Arm, "staff:1", at(2)).await;
    assert!(matches!(refused, Err(StoreError::Transition(_))), "{refused:?}");
}

async fn acceptance_times_follow_the_relays_answers(store: Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
    for i in 0..4 {
        resident(&store, &format!("r{i}@example.jp"), &[("113620", "notice")], false).await;
    }
    let (notice, _) =
        store.create_notice(&draft("訓練", "訓練です。", &["113620"], "notice"), "staff:1", at(1)).await.unwrap();
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.start_sending(notice.id, action, "staff:1", at(1)).await.unwrap();
    for (minute, batch) in [(2u32, 1i64), (3, 3)] {
        let request = ClaimRequest {
            claim_id: format!("c{minute}"),
            now: at(minute),
            batch_size: batch,
            claim_ttl: chrono::Duration::minutes(5),
        };
        let claimed = store.claim_deliveries(&request).await.unwrap();
        let outcomes: Vec<DeliveryOutcome> =
            claimed.iter().map(|d| DeliveryOutcome { delivery_id: d.id, result: DeliveryResult::Sent }).collect();
        store.record_delivery_outcomes(&request.claim_id, &outcomes, 3, at(minute)).await.unwrap();
    }
    let times = store.accepted_at(notice.id, &[1, 2, 4, 5]).await.unwrap();
    assert_eq!(times, [Some(at(2)), Some(at(3)), Some(at(3)), None]);
    assert_eq!(store.accepted_since(notice.id, at(3)).await.unwrap(), 3);
    assert_eq!(store.accepted_since(notice.id, at(2)).await.unwrap(), 4);
}
