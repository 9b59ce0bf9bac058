//! Residents registering with double opt-in, changing their choices, leaving and
//! being forgotten, on every backend.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    a_registration_waits_for_its_link_then_activates_and_lifts_the_suppression,
    registering_an_active_address_changes_nothing,
    an_expired_confirmation_activates_nothing,
    an_unsubscribed_address_can_register_again_through_the_link,
    two_registrations_of_one_address_at_once_make_one_subscriber,
    preferences_change_only_for_active_subscribers,
    unsubscribed_addresses_are_erased_after_their_retention,
);

fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, hour, minute, 0).single().unwrap()
}

fn choice(town: &str, category: &str) -> Subscription {
    Subscription {
        municipality: MunicipalityCode::parse(town).unwrap(),
        category: CategoryKey::parse(category).unwrap(),
        area_id: None,
    }
}

fn preferences(language: Lang, emergency_only: bool) -> Preferences {
    Preferences { language, format: MailFormat::Text, charset: Charset::Utf8, emergency_only }
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(0, 0)).await.unwrap();
}

/// A registration with its own fresh token; returns it with the token as mailed.
fn registration(
    address: &str,
    subscriptions: Vec<Subscription>,
    expires_at: DateTime<Utc>,
) -> (PendingRegistration, String) {
    let token = SecretToken::generate().unwrap();
    let registration = PendingRegistration {
        email: EmailAddress::parse(address).unwrap(),
        preferences: preferences(Lang::EN, false),
        source: RegistrationSource::WebQr,
        source_municipality: Some(MunicipalityCode::parse("113638").unwrap()),
        subscriptions,
        token: token.hash(),
        expires_at,
    };
    (registration, token.expose().to_owned())
}

fn presented(token: &str) -> TokenHash {
    SecretToken::from_presented(token).hash()
}

async fn active(store: &Arc<dyn Store>, address: &str) -> i64 {
    let (r, token) = registration(address, vec![choice("112071", "disaster")], at(12, 0));
    let PendingOutcome::Saved { subscriber_id } = store.save_pending_registration(&r, at(1, 0)).await.unwrap() else {
        panic!("a new address is saved");
    };
    let confirmed = store.confirm_registration(&presented(&token), at(1, 5)).await.unwrap();
    assert_eq!(confirmed, ConfirmOutcome::Confirmed { subscriber_id });
    subscriber_id
}

async fn a_registration_waits_for_its_link_then_activates_and_lifts_the_suppression(store: Arc<dyn Store>) {
    seeded(&store).await;
    // The address was erased once; the resident now registers again.
    store.suppress(&TokenHash::of("taro@example.jp"), "erased", at(0, 30)).await.unwrap();
    let choices = vec![choice("113620", "disaster"), choice("112071", "crime"), choice("113620", "disaster")];
    let (r, token) = registration("taro@example.jp", choices, at(11, 0));
    let outcome = store.save_pending_registration(&r, at(1, 0)).await.unwrap();
    let PendingOutcome::Saved { subscriber_id: id } = outcome else { panic!("{outcome:?}") };

    let pending = store.subscriber(id).await.unwrap().unwrap();
    assert_eq!(pending.status, SubscriberStatus::Pending);
    assert_eq!(
        (pending.source, pending.source_municipality.as_ref().map(|c| c.as_str())),
        (RegistrationSource::WebQr, Some("113638"))
    );
    assert_eq!(pending.language, Lang::EN);
    assert_eq!(store.subscriptions(id).await.unwrap(), vec![choice("112071", "crime"), choice("113620", "disaster")]);
    assert_eq!(store.subscriber_counts().await.unwrap(), vec![], "a pending resident receives nothing");

    let forged = store.confirm_registration(&TokenHash::of("forged"), at(2, 0)).await.unwrap();
    assert_eq!(forged, ConfirmOutcome::Invalid);
    assert_eq!(store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Pending);

    let confirmed = store.confirm_registration(&presented(&token), at(2, 0)).await.unwrap();
    assert_eq!(confirmed, ConfirmOutcome::Confirmed { subscriber_id: id });
    let now_active = store.subscriber(id).await.unwrap().unwrap();
    assert_eq!((now_active.status, now_active.confirmed_at), (SubscriberStatus::Active, Some(at(2, 0))));
    assert!(!store.is_suppressed(&TokenHash::of("taro@example.jp")).await.unwrap(), "the link proved the mailbox");
    assert_eq!(store.subscriber_counts().await.unwrap().len(), 2);
    assert_eq!(store.expire_pending_subscribers(at(23, 0)).await.unwrap(), 0, "an active resident never expires");

    let again = store.confirm_registration(&presented(&token), at(2, 1)).await.unwrap();
    assert_eq!(again, ConfirmOutcome::AlreadyConfirmed { subscriber_id: id });
    let used = store.link_token(&presented(&token), at(2, 2)).await.unwrap().and_then(|t| t.used_at);
    assert_eq!(used, Some(at(2, 0)));
}

async fn registering_an_active_address_changes_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = active(&store, "hanako@docomo.ne.jp").await;
    let (r, token) = registration("hanako@docomo.ne.jp", vec![choice("113654", "event")], at(12, 0));
    let outcome = store.save_pending_registration(&r, at(3, 0)).await.unwrap();
    assert_eq!(outcome, PendingOutcome::AlreadyActive { subscriber_id: id });
    assert_eq!(store.subscriptions(id).await.unwrap(), vec![choice("112071", "disaster")]);
    assert_eq!(store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Active);
    assert_eq!(store.link_token(&presented(&token), at(3, 1)).await.unwrap(), None, "no token was stored");
}

async fn an_expired_confirmation_activates_nothing(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (r, token) = registration("late@example.jp", vec![choice("113611", "weather")], at(5, 0));
    let PendingOutcome::Saved { subscriber_id: id } = store.save_pending_registration(&r, at(1, 0)).await.unwrap()
    else {
        panic!("saved");
    };
    assert_eq!(store.confirm_registration(&presented(&token), at(5, 1)).await.unwrap(), ConfirmOutcome::Invalid);
    assert_eq!(store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Pending);
    assert_eq!(store.expire_pending_subscribers(at(5, 1)).await.unwrap(), 1);
    assert_eq!(store.subscriber(id).await.unwrap(), None);
    assert_eq!(store.subscriptions(id).await.unwrap(), vec![]);
}

async fn an_unsubscribed_address_can_register_again_through_the_link(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = active(&store, "jiro@ezweb.ne.jp").await;
    assert!(store.unsubscribe_subscriber(id, at(2, 0)).await.unwrap());
    let left = store.subscriber(id).await.unwrap().unwrap();
    assert_eq!(left.status, SubscriberStatus::Unsubscribed);
    assert_eq!(store.subscriptions(id).await.unwrap(), vec![], "choices go with the unsubscription");
    assert!(!store.unsubscribe_subscriber(id, at(2, 1)).await.unwrap(), "a second click changes nothing");
    assert!(matches!(store.unsubscribe_subscriber(id + 100, at(2, 1)).await, Err(StoreError::NotFound)));

    let (r, token) = registration("jiro@ezweb.ne.jp", vec![choice("113654", "event")], at(12, 0));
    let outcome = store.save_pending_registration(&r, at(3, 0)).await.unwrap();
    assert_eq!(outcome, PendingOutcome::Saved { subscriber_id: id }, "the same row starts over");
    assert_eq!(store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Pending);
    assert_eq!(
        store.confirm_registration(&presented(&token), at(3, 5)).await.unwrap(),
        ConfirmOutcome::Confirmed { subscriber_id: id }
    );
    assert_eq!(store.subscriptions(id).await.unwrap(), vec![choice("113654", "event")]);
    assert_eq!(store.subscriber(id).await.unwrap().unwrap().confirmed_at, Some(at(3, 5)));
}

async fn two_registrations_of_one_address_at_once_make_one_subscriber(store: Arc<dyn Store>) {
    seeded(&store).await;
    let (first, _) = registration("twice@example.jp", vec![choice("112071", "crime")], at(12, 0));
    let (second, _) = registration("twice@example.jp", vec![choice("113611", "crime")], at(12, 0));
    let (a, b) = tokio::join!(
        store.save_pending_registration(&first, at(1, 0)),
        store.save_pending_registration(&second, at(1, 0))
    );
    let ids: Vec<i64> = [a.unwrap(), b.unwrap()]
        .iter()
        .map(|o| match o {
            PendingOutcome::Saved { subscriber_id } => *subscriber_id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(store.subscriptions(ids[0]).await.unwrap().len(), 1, "the later submission's choices win whole");
}

async fn preferences_change_only_for_active_subscribers(store: Arc<dyn Store>) {
    seeded(&store).await;
    let id = active(&store, "saburo@softbank.ne.jp").await;
    let wanted =
        Preferences { language: Lang::JA, format: MailFormat::Html, charset: Charset::Iso2022Jp, emergency_only: true };
    let choices = [choice("113620", "disaster"), choice("113620", "weather")];
    store.update_preferences(id, &wanted, &choices, at(4, 0)).await.unwrap();
    let changed = store.subscriber(id).await.unwrap().unwrap();
    assert_eq!(
        (changed.language, changed.format, changed.charset, changed.emergency_only),
        (Lang::JA, MailFormat::Html, Charset::Iso2022Jp, true)
    );
    assert_eq!(store.subscriptions(id).await.unwrap(), choices.to_vec());

    let (r, _) = registration("pending@example.jp", vec![choice("112071", "crime")], at(12, 0));
    let PendingOutcome::Saved { subscriber_id: pending } = store.save_pending_registration(&r, at(4, 0)).await.unwrap()
    else {
        panic!("saved");
    };
    let refused = store.update_preferences(pending, &wanted, &choices, at(4, 1)).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.subscriptions(pending).await.unwrap(), vec![choice("112071", "crime")]);
}

async fn unsubscribed_addresses_are_erased_after_their_retention(store: Arc<dyn Store>) {
    seeded(&store).await;
    let left = active(&store, "left@example.jp").await;
    let stays = active(&store, "stays@example.jp").await;
    store.unsubscribe_subscriber(left, at(2, 0)).await.unwrap();
    assert_eq!(store.erase_unsubscribed(at(2, 0), at(2, 0)).await.unwrap(), 0, "not before its time");
    assert_eq!(store.erase_unsubscribed(at(2, 0) + Duration::minutes(1), at(3, 0)).await.unwrap(), 1);
    assert_eq!(store.subscriber(left).await.unwrap(), None);
    assert!(store.subscriber(stays).await.unwrap().is_some());
    let hash = TokenHash::of("left@example.jp");
    assert!(store.is_suppressed(&hash).await.unwrap(), "only the hash of the address is kept");
    assert!(store.unsuppress(&hash).await.unwrap());
    assert!(!store.is_suppressed(&hash).await.unwrap());
    assert!(!store.unsuppress(&hash).await.unwrap(), "nothing left to lift");
}
