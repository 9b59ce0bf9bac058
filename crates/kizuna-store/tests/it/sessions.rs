//! Staff sessions, sign-in failures and the second factor, on both backends.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::staff::{Role, Scope};
use kizuna_core::token::TokenHash;
use kizuna_core::{EmailAddress, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    a_session_lives_until_it_ends_and_other_sessions_can_be_ended,
    failures_count_per_key_start_again_after_a_while_and_clear_on_success,
    a_totp_step_and_a_recovery_code_each_work_once,
    a_password_change_is_recorded,
);

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).single().unwrap() + Duration::minutes(minute)
}

async fn staff(store: &Arc<dyn Store>) -> i64 {
    store.seed_if_empty(&kizuna_core::consortium::ConsortiumSeed::chichibu().unwrap(), at(0)).await.unwrap();
    let new = NewStaff {
        email: EmailAddress::parse("soumu@town.yokoze.example").unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        scope: Scope::Municipality(MunicipalityCode::parse("113611").unwrap()),
        role: Role::Approver,
        emergency: true,
        must_change_password: true,
    };
    store.create_staff(&new, at(0)).await.unwrap()
}

fn session(token: &str, staff_id: i64) -> NewSession {
    NewSession {
        token_hash: TokenHash::of(token),
        staff_id,
        csrf_token: format!("csrf-{token}"),
        second_factor_done: false,
        client_address: "192.0.2.1".into(),
    }
}

async fn a_session_lives_until_it_ends_and_other_sessions_can_be_ended(store: Arc<dyn Store>) {
    let id = staff(&store).await;
    store.create_session(&session("phone", id), at(1)).await.unwrap();
    store.create_session(&session("desk", id), at(2)).await.unwrap();
    let phone = store.session(&TokenHash::of("phone")).await.unwrap().unwrap();
    assert_eq!((phone.staff_id, phone.second_factor_done, phone.created_at), (id, false, at(1)));
    assert_eq!(phone.csrf_token, "csrf-phone");

    store.complete_second_factor(&TokenHash::of("phone"), at(3)).await.unwrap();
    store.touch_session(&TokenHash::of("phone"), at(10)).await.unwrap();
    let phone = store.session(&TokenHash::of("phone")).await.unwrap().unwrap();
    assert!(phone.second_factor_done);
    assert_eq!(phone.last_seen_at, at(10));

    assert_eq!(store.end_other_sessions(id, &TokenHash::of("phone")).await.unwrap(), 1);
    assert!(store.session(&TokenHash::of("desk")).await.unwrap().is_none(), "the other session ended");
    // Idle since minute 10: pruning sessions idle since before minute 11 ends it.
    assert_eq!(store.prune_sessions(at(5), at(0), at(0)).await.unwrap(), 0, "used at minute 10, not idle");
    assert_eq!(store.prune_sessions(at(11), at(0), at(0)).await.unwrap(), 1);
    assert!(store.session(&TokenHash::of("phone")).await.unwrap().is_none());

    store.create_session(&session("again", id), at(20)).await.unwrap();
    store.end_session(&TokenHash::of("again")).await.unwrap();
    assert!(store.session(&TokenHash::of("again")).await.unwrap().is_none(), "signed out");
}

async fn failures_count_per_key_start_again_after_a_while_and_clear_on_success(store: Arc<dyn Store>) {
    let keys = vec!["account:x".to_owned(), "network:192.0.2.0/24".to_owned()];
    for minute in 0..3 {
        store.record_sign_in_failure(&keys, at(minute), at(minute) - Duration::hours(24)).await.unwrap();
    }
    let account = store.sign_in_failures("account:x").await.unwrap().unwrap();
    assert_eq!((account.failures, account.last_failure_at), (3, at(2)));
    assert!(store.sign_in_failures("account:y").await.unwrap().is_none());

    let next_day = at(2) + Duration::hours(25);
    store.record_sign_in_failure(&keys[..1], next_day, next_day - Duration::hours(24)).await.unwrap();
    assert_eq!(store.sign_in_failures("account:x").await.unwrap().unwrap().failures, 1, "a day later it starts again");
    assert_eq!(store.sign_in_failures("network:192.0.2.0/24").await.unwrap().unwrap().failures, 3);

    store.clear_sign_in_failures(&keys[..1]).await.unwrap();
    assert!(store.sign_in_failures("account:x").await.unwrap().is_none());
    assert_eq!(store.prune_sessions(at(0), at(0), next_day).await.unwrap(), 1, "the old network count is forgotten");
}

async fn a_totp_step_and_a_recovery_code_each_work_once(store: Arc<dyn Store>) {
    let id = staff(&store).await;
    let codes = [TokenHash::of("abcdeabcde"), TokenHash::of("fghijfghij")];
    store.set_second_factor(id, Some("k1:1:sealed"), &codes).await.unwrap();
    let account = store.staff_account(id).await.unwrap().unwrap();
    assert_eq!(account.totp_secret.as_deref(), Some("k1:1:sealed"));
    assert_eq!(account.totp_last_step, None);

    assert!(store.use_totp_step(id, 100).await.unwrap());
    assert!(!store.use_totp_step(id, 100).await.unwrap(), "the same step again is refused");
    assert!(!store.use_totp_step(id, 99).await.unwrap(), "an earlier step is refused");
    assert!(store.use_totp_step(id, 101).await.unwrap());
    assert_eq!(store.staff_account(id).await.unwrap().unwrap().totp_last_step, Some(101));

    assert_eq!(store.unused_recovery_codes(id).await.unwrap(), 2);
    assert!(store.use_recovery_code(id, &codes[0], at(5)).await.unwrap());
    assert!(!store.use_recovery_code(id, &codes[0], at(6)).await.unwrap(), "a recovery code works once");
    assert!(!store.use_recovery_code(id, &TokenHash::of("nonsense"), at(6)).await.unwrap());
    assert_eq!(store.unused_recovery_codes(id).await.unwrap(), 1);

    store.set_second_factor(id, None, &[]).await.unwrap();
    let reset = store.staff_account(id).await.unwrap().unwrap();
    assert_eq!((reset.totp_secret, reset.totp_last_step), (None, None));
    assert_eq!(store.unused_recovery_codes(id).await.unwrap(), 0);
}

async fn a_password_change_is_recorded(store: Arc<dyn Store>) {
    let id = staff(&store).await;
    assert!(store.staff_account(id).await.unwrap().unwrap().must_change_password);
    store.set_staff_password(id, "$argon2id$new", false, at(3)).await.unwrap();
    let account = store.staff_account(id).await.unwrap().unwrap();
    assert_eq!(account.password_hash, "$argon2id$new");
    assert!(!account.must_change_password);
    assert_eq!(account.password_changed_at, Some(at(3)));
    assert!(matches!(store.set_staff_password(999, "x", false, at(4)).await, Err(StoreError::NotFound)));
}
