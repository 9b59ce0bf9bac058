//! Behaviour every backend must show, run on SQLite and PostgreSQL alike.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, NoticeStatus, Urgency};
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus, TokenPurpose};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    seeding_happens_once_and_reads_back_the_region,
    staff_accounts_are_unique_per_address,
    a_subscriber_registers_confirms_and_chooses,
    erasing_a_resident_keeps_only_the_suppression_hash,
    unconfirmed_registrations_expire,
    link_tokens_resolve_only_until_they_expire,
    a_notice_moves_through_its_lifecycle_and_records_who_did_what,
    forbidden_transitions_change_nothing,
    two_approvers_at_once_only_one_wins,
    an_idempotency_key_never_creates_a_second_notice,
    scheduled_notices_fall_due_at_their_time,
    audit_entries_come_back_newest_first,
    api_keys_are_found_by_hash_and_can_be_revoked,
    a_lease_has_one_holder_until_it_expires,
    backups_restore_on_sqlite_and_point_to_pg_dump_on_postgres,
    an_import_adds_new_residents_and_leaves_known_ones_alone,
);

async fn an_import_adds_new_residents_and_leaves_known_ones_alone(store: Arc<dyn Store>) {
    seeded(&store).await;
    let existing = store
        .create_subscriber(&new_subscriber("known@example.jp", SubscriberStatus::Pending), at(1, 0))
        .await
        .unwrap();
    let row = |address: &str| ImportRow {
        subscriber: NewSubscriber {
            status: SubscriberStatus::Active,
            source: RegistrationSource::Import,
            pending_expires_at: None,
            ..new_subscriber(address, SubscriberStatus::Active)
        },
        subscriptions: vec![
            Subscription { municipality: code("112071"), category: key("disaster"), area_id: None },
            Subscription { municipality: code("112071"), category: key("weather"), area_id: None },
        ],
    };
    let rows = vec![row("new1@example.jp"), row("known@example.jp"), row("new2@example.jp")];
    assert_eq!(store.import_subscribers(&rows, at(2, 0)).await.unwrap(), 2);
    let imported = store.subscriber_by_email("new1@example.jp").await.unwrap().unwrap();
    assert_eq!(
        (imported.status, imported.source, imported.confirmed_at),
        (SubscriberStatus::Active, RegistrationSource::Import, Some(at(2, 0)))
    );
    assert_eq!(store.subscriptions(imported.id).await.unwrap().len(), 2);
    let known = store.subscriber(existing).await.unwrap().unwrap();
    assert_eq!(known.status, SubscriberStatus::Pending, "an existing registration is not overwritten");
    assert_eq!(store.subscriptions(existing).await.unwrap(), vec![]);
}

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, hour, minute, 0).single().unwrap_or_default()
}

fn code(code: &str) -> MunicipalityCode {
    MunicipalityCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

fn key(key: &str) -> CategoryKey {
    CategoryKey::parse(key).unwrap_or_else(|e| panic!("{e}"))
}

fn email(address: &str) -> EmailAddress {
    EmailAddress::parse(address).unwrap_or_else(|e| panic!("{e}"))
}

async fn seeded(store: &Arc<dyn Store>) {
    let seed = ConsortiumSeed::chichibu().unwrap_or_else(|e| panic!("{e}"));
    store.seed_if_empty(&seed, at(0, 0)).await.unwrap_or_else(|e| panic!("seed: {e}"));
}

fn new_notice(title: &str, category: &str, municipalities: &[&str]) -> NewNotice {
    NewNotice {
        title: NoticeTitle::parse(title).unwrap_or_else(|e| panic!("{e}")),
        body: NoticeBody::parse("本文です。\n二行目").unwrap_or_else(|e| panic!("{e}")),
        title_en: None,
        body_en: None,
        category: key(category),
        municipalities: municipalities.iter().map(|c| code(c)).collect(),
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

fn new_subscriber(address: &str, status: SubscriberStatus) -> NewSubscriber {
    NewSubscriber {
        email: email(address),
        status,
        language: Lang::JA,
        format: MailFormat::Text,
        charset: Charset::Iso2022Jp,
        emergency_only: false,
        source: RegistrationSource::EmptyMailQr,
        source_municipality: Some(code("113620")),
        monitor_age_band: None,
        pending_expires_at: Some(at(12, 0)),
    }
}

async fn seeding_happens_once_and_reads_back_the_region(store: Arc<dyn Store>) {
    let seed = ConsortiumSeed::chichibu().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.seed_if_empty(&seed, at(0, 0)).await.ok(), Some(true));
    let mut changed = seed.clone();
    changed.municipalities.truncate(1);
    assert_eq!(store.seed_if_empty(&changed, at(0, 1)).await.ok(), Some(false), "the file only seeds");

    let municipalities = store.municipalities().await.unwrap_or_default();
    let names: Vec<&str> = municipalities.iter().map(|m| m.name_ja.as_str()).collect();
    assert_eq!(names, ["秩父市", "横瀬町", "皆野町", "長瀞町", "小鹿野町"]);
    assert_eq!(municipalities[0].departments, ["情報政策課", "危機管理課", "広報広聴課"]);
    assert_eq!(municipalities[4].jma_area_code.as_str(), "1136500");
    let categories = store.categories().await.unwrap_or_default();
    assert_eq!(categories.len(), 7);
    assert!(categories.iter().any(|c| c.key.as_str() == "staff" && c.restricted));
    let info = store.consortium().await.ok().flatten().map(|c| c.name_ja);
    assert_eq!(info.as_deref(), Some("秩父圏域"));
    let sharing = store.cost_sharing().await.unwrap_or_else(|e| panic!("{e}"));
    let members: Vec<MunicipalityCode> = municipalities.iter().map(|m| m.code.clone()).collect();
    let yen: Vec<i64> = sharing.allocate(2_000_000, &members).into_iter().map(|(_, y)| y).collect();
    assert_eq!(yen, [1_000_000, 250_000, 250_000, 250_000, 250_000]);
}

async fn staff_accounts_are_unique_per_address(store: Arc<dyn Store>) {
    seeded(&store).await;
    let staff = NewStaff {
        email: email("bousai@city.chichibu.lg.jp"),
        password_hash: "$argon2id$stand-in".into(),
        scope: Scope::Municipality(code("112071")),
        role: Role::Approver,
        emergency: true,
        must_change_password: false,
    };
    let id = store.create_staff(&staff, at(1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    let again = store.create_staff(&staff, at(1, 1)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let found = store.staff_by_email("bousai@city.chichibu.lg.jp").await.ok().flatten();
    let found = found.unwrap_or_else(|| panic!("staff not found"));
    assert_eq!((found.id, found.role, found.emergency), (id, Role::Approver, true));
    assert_eq!(found.scope, Scope::Municipality(code("112071")));
    assert_eq!(store.count_staff().await.ok(), Some(1));
    let admin = NewStaff {
        email: email("admin@example.jp"),
        scope: Scope::AllMunicipalities,
        role: Role::ConsortiumAdmin,
        ..staff
    };
    store.create_staff(&admin, at(1, 2)).await.unwrap_or_else(|e| panic!("{e}"));
    let admin = store.staff_by_email("admin@example.jp").await.ok().flatten().map(|s| s.scope);
    assert_eq!(admin, Some(Scope::AllMunicipalities));
}

async fn a_subscriber_registers_confirms_and_chooses(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = store
        .create_subscriber(&new_subscriber("taro..yamada.@docomo.ne.jp", SubscriberStatus::Pending), at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let duplicate = store
        .create_subscriber(&new_subscriber("taro..yamada.@docomo.ne.jp", SubscriberStatus::Pending), at(1, 0))
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))));
    let found = store.subscriber_by_email("taro..yamada.@docomo.ne.jp").await.ok().flatten();
    let found = found.unwrap_or_else(|| panic!("subscriber not found"));
    assert_eq!(found.id, id);
    assert_eq!(found.status, SubscriberStatus::Pending);
    assert_eq!(found.charset, Charset::Iso2022Jp);
    assert_eq!(found.source, RegistrationSource::EmptyMailQr);
    assert_eq!(found.source_municipality.as_ref().map(|c| c.as_str()), Some("113620"));
    assert_eq!(found.confirmed_at, None);

    store.set_subscriber_status(id, SubscriberStatus::Active, at(1, 5)).await.unwrap_or_else(|e| panic!("{e}"));
    let active = store.subscriber(id).await.ok().flatten().unwrap_or_else(|| panic!("gone"));
    assert_eq!((active.status, active.confirmed_at), (SubscriberStatus::Active, Some(at(1, 5))));

    let choices = vec![
        Subscription { municipality: code("113620"), category: key("disaster"), area_id: None },
        Subscription { municipality: code("113620"), category: key("event"), area_id: None },
        Subscription { municipality: code("112071"), category: key("disaster"), area_id: None },
        Subscription { municipality: code("112071"), category: key("disaster"), area_id: None },
    ];
    store.replace_subscriptions(id, &choices).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.subscriptions(id).await.unwrap_or_default().len(), 3, "duplicates collapse");
    store.replace_subscriptions(id, &choices[..1]).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.subscriptions(id).await.unwrap_or_default(), choices[..1].to_vec());

    let counts = store.subscriber_counts().await.unwrap_or_default();
    assert_eq!(
        counts,
        vec![SubscriberCount {
            municipality: code("113620"),
            category: CategoryKey::parse("disaster").unwrap(),
            active: 1
        }]
    );
    assert!(store.set_subscriber_staff("taro..yamada.@docomo.ne.jp", true, at(2, 0)).await.unwrap_or(false));
    assert!(!store.set_subscriber_staff("nobody@example.jp", true, at(2, 0)).await.unwrap_or(true));
    assert_eq!(store.subscriber(id).await.ok().flatten().map(|s| s.is_staff), Some(true));
}

async fn erasing_a_resident_keeps_only_the_suppression_hash(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = store
        .create_subscriber(&new_subscriber("hanako@ezweb.ne.jp", SubscriberStatus::Active), at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let choice = Subscription { municipality: code("112071"), category: key("crime"), area_id: None };
    store.replace_subscriptions(id, &[choice]).await.unwrap_or_else(|e| panic!("{e}"));
    store.erase_subscriber(id, at(2, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.subscriber(id).await.ok().flatten(), None);
    assert_eq!(store.subscriptions(id).await.unwrap_or_default(), vec![]);
    assert!(store.is_suppressed(&TokenHash::of("hanako@ezweb.ne.jp")).await.unwrap_or(false));
    assert!(!store.is_suppressed(&TokenHash::of("other@ezweb.ne.jp")).await.unwrap_or(true));
    assert!(matches!(store.erase_subscriber(id, at(2, 1)).await, Err(StoreError::NotFound)));
}

async fn unconfirmed_registrations_expire(store: Arc<dyn Store>) {
    seeded(&store).await;
    let pending = store
        .create_subscriber(&new_subscriber("pending@example.jp", SubscriberStatus::Pending), at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let confirmed = store
        .create_subscriber(&new_subscriber("confirmed@example.jp", SubscriberStatus::Pending), at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store.set_subscriber_status(confirmed, SubscriberStatus::Active, at(2, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.expire_pending_subscribers(at(11, 59)).await.ok(), Some(0));
    assert_eq!(store.expire_pending_subscribers(at(12, 1)).await.ok(), Some(1));
    assert_eq!(store.subscriber(pending).await.ok().flatten(), None);
    assert!(store.subscriber(confirmed).await.ok().flatten().is_some());
}

async fn link_tokens_resolve_only_until_they_expire(store: Arc<dyn Store>) {
    seeded(&store).await;
    let secret = SecretToken::generate().unwrap_or_else(|e| panic!("{e}"));
    let token = NewLinkToken {
        hash: secret.hash(),
        purpose: TokenPurpose::EmptyMailReply,
        subscriber_id: None,
        email: Some("kana@softbank.ne.jp".into()),
        expires_at: at(3, 0),
    };
    store.create_link_token(&token, at(1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    let presented = SecretToken::from_presented(secret.expose()).hash();
    let found = store.link_token(&presented, at(2, 0)).await.ok().flatten();
    assert_eq!(
        found.as_ref().map(|t| (t.purpose, t.email.as_deref(), t.used_at)),
        Some((TokenPurpose::EmptyMailReply, Some("kana@softbank.ne.jp"), None))
    );
    store.mark_link_token_used(&presented, at(2, 30)).await.unwrap_or_else(|e| panic!("{e}"));
    let used = store.link_token(&presented, at(2, 40)).await.ok().flatten().and_then(|t| t.used_at);
    assert_eq!(used, Some(at(2, 30)));
    assert_eq!(store.link_token(&presented, at(3, 1)).await.ok().flatten(), None, "expired");
    assert_eq!(store.link_token(&TokenHash::of("forged"), at(2, 0)).await.ok().flatten(), None);
}

async fn a_notice_moves_through_its_lifecycle_and_records_who_did_what(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut draft = new_notice("断水のお知らせ", "notice", &["112071", "113611", "112071"]);
    draft.exercise = true;
    draft.expires_at = Some(at(23, 0));
    let (notice, created) = store.create_notice(&draft, "staff:1", at(1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(created);
    assert_eq!(notice.status, NoticeStatus::Draft);
    assert_eq!(notice.municipalities, ["112071", "113611"]);
    assert_eq!((notice.exercise, notice.expires_at, notice.created_at), (true, Some(at(23, 0)), at(1, 0)));
    let steps = [
        (NoticeAction::Submit, "staff:1", NoticeStatus::PendingApproval),
        (NoticeAction::Approve, "staff:2", NoticeStatus::Approved),
        (NoticeAction::Send, "staff:2", NoticeStatus::Sending),
        (NoticeAction::Complete, "worker", NoticeStatus::Sent),
    ];
    for (minute, (action, actor, expected)) in (1u32..).zip(steps) {
        let moved = store.transition_notice(notice.id, action, actor, None, at(1, minute)).await;
        assert_eq!(moved.map(|n| n.status).ok(), Some(expected));
    }
    let sent = store.notice(notice.id).await.ok().flatten().unwrap_or_else(|| panic!("gone"));
    assert_eq!(sent.sent_at, Some(at(1, 3)), "sent_at is when sending began");
    let events = store.notice_events(notice.id).await.unwrap_or_default();
    let trail: Vec<(Option<NoticeStatus>, NoticeStatus, &str, &str)> =
        events.iter().map(|e| (e.from, e.to, e.action.as_str(), e.actor.as_str())).collect();
    assert_eq!(
        trail,
        vec![
            (None, NoticeStatus::Draft, "create", "staff:1"),
            (Some(NoticeStatus::Draft), NoticeStatus::PendingApproval, "submit", "staff:1"),
            (Some(NoticeStatus::PendingApproval), NoticeStatus::Approved, "approve", "staff:2"),
            (Some(NoticeStatus::Approved), NoticeStatus::Sending, "send", "staff:2"),
            (Some(NoticeStatus::Sending), NoticeStatus::Sent, "complete", "worker"),
        ]
    );
    let (emergency, _) = store
        .create_notice(&new_notice("避難指示", "disaster", &["113654"]), "staff:3", at(2, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sending = store
        .transition_notice(
            emergency.id,
            NoticeAction::SendImmediately(ImmediateSend::EmergencyRight),
            "staff:3",
            Some("緊急"),
            at(2, 1),
        )
        .await
        .map(|n| n.status);
    assert_eq!(sending.ok(), Some(NoticeStatus::Sending));
}

async fn forbidden_transitions_change_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (notice, _) = store
        .create_notice(&new_notice("祭りのお知らせ", "event", &["113638"]), "staff:1", at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let refused = store.transition_notice(notice.id, NoticeAction::Send, "staff:1", None, at(1, 1)).await;
    assert!(matches!(refused, Err(StoreError::Transition(_))), "{refused:?}");
    let unchanged = store.notice(notice.id).await.ok().flatten().map(|n| (n.status, n.updated_at));
    assert_eq!(unchanged, Some((NoticeStatus::Draft, at(1, 0))));
    assert_eq!(store.notice_events(notice.id).await.unwrap_or_default().len(), 1);
    let missing = store.transition_notice(999_999, NoticeAction::Submit, "staff:1", None, at(1, 1)).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}

async fn two_approvers_at_once_only_one_wins(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (notice, _) = store
        .create_notice(&new_notice("通行止め", "notice", &["112071"]), "staff:1", at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .transition_notice(notice.id, NoticeAction::Submit, "staff:1", None, at(1, 1))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = tokio::join!(
        store.transition_notice(notice.id, NoticeAction::Approve, "staff:2", None, at(1, 2)),
        store.transition_notice(notice.id, NoticeAction::Approve, "staff:3", None, at(1, 2)),
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(matches!(loser, Err(StoreError::Transition(_) | StoreError::Conflict(_))), "{loser:?}");
    let approvals = store.notice_events(notice.id).await.unwrap_or_default();
    assert_eq!(approvals.iter().filter(|e| e.action == "approve").count(), 1);
}

async fn an_idempotency_key_never_creates_a_second_notice(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut notice = new_notice("API からの配信", "notice", &["112071"]);
    notice.idempotency_key = Some("key:1:abc".into());
    notice.source = NoticeSource::Api;
    let (first, created) = store.create_notice(&notice, "api-key:1", at(1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(created);
    let (second, created_again) =
        store.create_notice(&notice, "api-key:1", at(1, 1)).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!created_again);
    assert_eq!(first.id, second.id);
    let (a, b) = {
        let mut racing = notice.clone();
        racing.idempotency_key = Some("key:1:race".into());
        tokio::join!(
            store.create_notice(&racing, "api-key:1", at(1, 2)),
            store.create_notice(&racing, "api-key:1", at(1, 2))
        )
    };
    let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(a.0.id, b.0.id, "a race on one key still gives one notice");
    assert_eq!([a.1, b.1].iter().filter(|created| **created).count(), 1);
}

async fn scheduled_notices_fall_due_at_their_time(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut later = new_notice("健診のお知らせ", "notice", &["113611"]);
    later.send_at = Some(at(9, 0));
    let (n, _) = store.create_notice(&later, "staff:1", at(1, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    for action in [NoticeAction::Submit, NoticeAction::Approve, NoticeAction::Schedule] {
        store.transition_notice(n.id, action, "staff:2", None, at(1, 5)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(store.due_scheduled_notices(at(8, 59)).await.unwrap_or_default(), Vec::<i64>::new());
    assert_eq!(store.due_scheduled_notices(at(9, 0)).await.unwrap_or_default(), vec![n.id]);
}

async fn audit_entries_come_back_newest_first(store: Arc<dyn Store>) {
    for (minute, action) in (0u32..).zip(["export", "view_subscriber", "login"]) {
        let entry = NewAuditEntry::new("staff:1", action, "subscribers", "{}");
        store.record_audit(&entry, at(4, minute)).await.unwrap_or_else(|e| panic!("{e}"));
    }
    let entries = store.audit_entries(2).await.unwrap();
    let actions: Vec<(&str, DateTime<Utc>)> = entries.iter().map(|e| (e.action.as_str(), e.at)).collect();
    assert_eq!(actions, [("login", at(4, 2)), ("view_subscriber", at(4, 1))]);
}

async fn api_keys_are_found_by_hash_and_can_be_revoked(store: Arc<dyn Store>) {
    seeded(&store).await;
    let key = NewApiKey {
        prefix: "kz_abcd".into(),
        hash: TokenHash::of("kz_abcd.secret"),
        scope: Scope::Municipality(code("113654")),
        rights: vec![ApiRight::NoticesCreate, ApiRight::NoticesRead],
        label: "防災システム".into(),
    };
    let id = store.create_api_key(&key, at(5, 0)).await.unwrap_or_else(|e| panic!("{e}"));
    let found = store.api_key_by_hash(&TokenHash::of("kz_abcd.secret")).await.ok().flatten();
    let found = found.unwrap_or_else(|| panic!("key not found"));
    assert_eq!((found.id, found.scope.clone(), found.rights.clone()), (id, key.scope.clone(), key.rights.clone()));
    assert_eq!(found.revoked_at, None);
    assert!(store.revoke_api_key(id, at(6, 0)).await.unwrap_or(false));
    assert!(!store.revoke_api_key(id, at(6, 1)).await.unwrap_or(true), "revoking twice changes nothing");
    let revoked =
        store.api_key_by_hash(&TokenHash::of("kz_abcd.secret")).await.ok().flatten().and_then(|k| k.revoked_at);
    assert_eq!(revoked, Some(at(6, 0)));
}

async fn a_lease_has_one_holder_until_it_expires(store: Arc<dyn Store>) {
    let ttl = Duration::seconds(30);
    let t0 = at(7, 0);
    assert!(store.try_acquire_lease("scheduler", "process-a", t0, ttl).await.unwrap_or(false));
    assert!(!store.try_acquire_lease("scheduler", "process-b", t0 + Duration::seconds(10), ttl).await.unwrap_or(true));
    assert!(
        store.try_acquire_lease("scheduler", "process-a", t0 + Duration::seconds(20), ttl).await.unwrap_or(false),
        "renewal"
    );
    assert!(!store.try_acquire_lease("scheduler", "process-b", t0 + Duration::seconds(45), ttl).await.unwrap_or(true));
    assert!(
        store.try_acquire_lease("scheduler", "process-b", t0 + Duration::seconds(51), ttl).await.unwrap_or(false),
        "after expiry"
    );
    assert!(store.try_acquire_lease("jma-poller", "process-a", t0, ttl).await.unwrap_or(false), "leases are per job");
    store.release_lease("scheduler", "process-b").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(store.try_acquire_lease("scheduler", "process-a", t0 + Duration::seconds(52), ttl).await.unwrap_or(false));
}

async fn backups_restore_on_sqlite_and_point_to_pg_dump_on_postgres(store: Arc<dyn Store>) {
    seeded(&store).await;
    store
        .create_subscriber(&new_subscriber("backup@example.jp", SubscriberStatus::Active), at(1, 0))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!("kizuna-backup-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.db", kizuna_core::token::random_secret(8).unwrap_or_default()));
    match store.backend() {
        Backend::Sqlite => {
            store.backup(&path).await.unwrap_or_else(|e| panic!("backup: {e}"));
            let again = store.backup(&path).await;
            assert!(matches!(again, Err(StoreError::Conflict(_))), "never overwrites a file");
            let restored = kizuna_store::connect(&format!("sqlite://{}", path.display()), ConnectOptions::default())
                .await
                .unwrap_or_else(|e| panic!("restore: {e}"));
            let found = restored.subscriber_by_email("backup@example.jp").await.ok().flatten();
            assert_eq!(found.map(|s| s.status), Some(SubscriberStatus::Active));
            assert_eq!(restored.municipalities().await.unwrap_or_default().len(), 5);
            restored.close().await;
            let _ = std::fs::remove_file(&path);
        }
        Backend::Postgres => {
            let refused = store.backup(&path).await.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(refused.contains("pg_dump"), "{refused}");
        }
    }
}

/// `kizuna serve` opens all its connections at start. On a new file they must
/// not race each other to set it up: a fresh machine's first start would fail
/// with "database is locked".
#[tokio::test]
async fn a_new_sqlite_file_opens_with_all_its_connections_at_once() {
    for _ in 0..20 {
        let options = ConnectOptions { max_connections: 12, open_all_at_start: true, ..ConnectOptions::default() };
        let db = crate::support::sqlite_with(options).await;
        assert_eq!(db.store.subscriber_by_email("nobody@example.jp").await.unwrap(), None);
    }
}
