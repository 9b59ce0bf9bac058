//! Outgoing webhooks against a real HTTP receiver on 127.0.0.1: signed JSON,
//! retries after the backoff, and addresses inside the network refused.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Duration;
use hmac::{Hmac, KeyInit, Mac};
use kizuna_core::notice::{NoticeAction, Urgency};
use kizuna_server::notices;
use kizuna_server::webhooks::{self, BatchReport, MAX_ATTEMPTS, Outcome, RegisterError, TargetError};
use kizuna_store::{NewWebhook, WebhookDeliveryStatus, WebhookEvent};
use sha2::Sha256;

use crate::support::*;

#[derive(Clone)]
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

/// An HTTP server that answers POST /hook with the scripted statuses (200 once
/// they run out) and keeps what it received.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

#[derive(Clone)]
struct Script {
    statuses: Arc<Mutex<VecDeque<u16>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

async fn hook(State(script): State<Script>, headers: HeaderMap, body: Bytes) -> StatusCode {
    script.received.lock().unwrap().push(Received { headers, body });
    let status = script.statuses.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

async fn receiver(statuses: &[u16]) -> Receiver {
    let script = Script {
        statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())),
        received: Arc::new(Mutex::new(Vec::new())),
    };
    let received = script.received.clone();
    let app = axum::Router::new().route("/hook", axum::routing::post(hook)).with_state(script);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver { url: format!("http://{addr}/hook"), received }
}

impl Receiver {
    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn send_notice(app: &TestApp, title: &str) -> i64 {
    let id = app.draft(title, "disaster", &["113620"], Urgency::Emergency, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    id
}

async fn step(app: &TestApp) -> Outcome {
    webhooks::try_execute_batch(&app.state, "test").await.unwrap()
}

fn report(sent: usize, retried: usize, failed: usize) -> Outcome {
    Outcome::Attempted(BatchReport { claimed: sent + retried + failed, sent, retried, failed, cancelled: 0 })
}

/// Checks the signature the way a receiver would; returns its timestamp when it verifies.
fn verified_timestamp(secret: &str, received: &Received) -> Option<i64> {
    let header = received.headers.get("kizuna-signature")?.to_str().ok()?;
    let (t, v1) = header.split_once(',')?;
    let timestamp = t.strip_prefix("t=")?;
    let given = hex::decode(v1.strip_prefix("v1=")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&received.body);
    mac.verify_slice(&given).ok()?;
    timestamp.parse().ok()
}

fn verify(secret: &str, received: &Received) -> i64 {
    verified_timestamp(secret, received).expect("the signature verifies with the secret shown at registration")
}

#[tokio::test]
async fn a_local_receiver_gets_each_sent_notice_as_json_with_a_valid_signature() {
    let app = spawn_app(&[], None).await;
    app.resident(
        "taro@example.jp",
        &[("113620", "disaster")],
        kizuna_core::subscriber::Charset::Utf8,
        kizuna_core::Lang::JA,
    )
    .await;
    let receiver = receiver(&[]).await;
    let store = &app.state.store;
    let hook =
        webhooks::register(store, &app.state.secrets, &receiver.url, true, "cli", app.clock_now()).await.unwrap();
    assert!(hook.secret.starts_with("whsec_") && hook.secret.len() > 40, "{}", hook.secret);
    assert!(!format!("{hook:?}").contains(&hook.secret), "Debug never shows the secret");
    let stored = store.sealed_secrets().await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].value.starts_with("k1:"), "the database keeps the secret sealed");
    let random_part = hook.secret.trim_start_matches("whsec_");
    assert!(!stored[0].value.contains(random_part), "nothing of the secret is readable in the database");

    let id = send_notice(&app, "土砂災害警戒情報").await;
    assert_eq!(step(&app).await, report(1, 0, 0));
    assert_eq!(step(&app).await, Outcome::Idle, "each event is posted once");

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(verify(&hook.secret, request), app.clock_now().timestamp());
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["user-agent"], concat!("Kizuna/", env!("CARGO_PKG_VERSION")));
    let mut tampered = request.clone();
    tampered.body = Bytes::from(String::from_utf8_lossy(&request.body).replace("土砂", "土石"));
    assert_eq!(verified_timestamp(&hook.secret, &tampered), None, "a changed body fails to verify");
    assert_eq!(verified_timestamp("whsec_guess", request), None, "another secret fails to verify");

    let json: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(json["event"], "notice.sent");
    let notice = &json["notice"];
    assert_eq!(notice["id"], id);
    assert_eq!(notice["title"], "土砂災害警戒情報");
    assert_eq!(notice["body"], "本文の一行目です。\n二行目です。");
    assert_eq!(notice["title_en"], "Notice in English");
    assert_eq!(notice["category"], "disaster");
    assert_eq!(notice["municipalities"], serde_json::json!(["113620"]));
    assert_eq!(notice["urgency"], "emergency");
    assert_eq!(notice["exercise"], false);
    assert_eq!(notice["status"], "sending");
    assert_eq!(notice["sent_at"], "2026-11-25T03:00:00Z");
    assert_eq!(notice["url"], format!("https://anshin.example.jp/notices/{id}"));

    let log = store.webhook_log(hook.id, 10).await.unwrap();
    assert_eq!(json["delivery_id"], log[0].id, "receivers can tell a retry from a new event");
    assert_eq!(
        (log[0].status, log[0].attempt_log.len(), log[0].last_status_code),
        (WebhookDeliveryStatus::Sent, 1, Some(200))
    );
    let audit = store.audit_entries(10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "webhook_add" && e.subject == format!("webhook:{}", hook.id)));
    assert!(audit.iter().all(|e| !e.detail.contains(&hook.secret)), "the secret stays out of the audit log");
}

#[tokio::test]
async fn a_receiver_answering_500_is_tried_again_after_the_backoff_and_the_log_shows_both_attempts() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[500]).await;
    let hook = webhooks::register(&app.state.store, &app.state.secrets, &receiver.url, true, "cli", app.clock_now())
        .await
        .unwrap();
    send_notice(&app, "避難指示").await;
    assert_eq!(step(&app).await, report(0, 1, 0));
    app.clock.advance(Duration::seconds(29));
    assert_eq!(step(&app).await, Outcome::Idle, "not before the backoff has passed");
    assert_eq!(receiver.received().len(), 1);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(step(&app).await, report(1, 0, 0));

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let first: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    let second: serde_json::Value = serde_json::from_slice(&received[1].body).unwrap();
    assert_eq!(first["delivery_id"], second["delivery_id"]);
    assert_eq!(verify(&hook.secret, &received[1]), app.clock_now().timestamp(), "signed afresh at each attempt");

    let log = app.state.store.webhook_log(hook.id, 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].status, log[0].attempts), (WebhookDeliveryStatus::Sent, 2));
    let attempts: Vec<_> =
        log[0].attempt_log.iter().map(|a| (a.attempt, a.at, a.status_code, a.error.clone())).collect();
    assert_eq!(
        attempts,
        vec![
            (1, t0(), Some(500), Some("HTTP 500 Internal Server Error".to_owned())),
            (2, t0() + Duration::seconds(30), Some(200), None),
        ]
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_2xx_is_given_up_after_the_last_attempt() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[503; 20]).await;
    let hook = webhooks::register(&app.state.store, &app.state.secrets, &receiver.url, true, "cli", app.clock_now())
        .await
        .unwrap();
    send_notice(&app, "お知らせ").await;
    for attempt in 1..MAX_ATTEMPTS {
        assert_eq!(step(&app).await, report(0, 1, 0), "attempt {attempt}");
        app.clock.advance(webhooks::backoff(attempt));
    }
    assert_eq!(step(&app).await, report(0, 0, 1));
    app.clock.advance(Duration::days(1));
    assert_eq!(step(&app).await, Outcome::Idle);
    assert_eq!(receiver.received().len(), MAX_ATTEMPTS as usize);
    let log = app.state.store.webhook_log(hook.id, 10).await.unwrap();
    assert_eq!((log[0].status, log[0].attempt_log.len()), (WebhookDeliveryStatus::Failed, MAX_ATTEMPTS as usize));
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("HTTP 503") && error.contains("gave up after 10 attempts"), "{error}");
}

#[tokio::test]
async fn a_webhook_to_127_0_0_1_is_refused_at_registration_and_at_send_time() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[]).await;
    let store = &app.state.store;
    let refused =
        webhooks::register(store, &app.state.secrets, &receiver.url, false, "cli", app.clock_now()).await.unwrap_err();
    assert!(matches!(&refused, RegisterError::Target(TargetError::NotPublic { kind: "loopback", .. })), "{refused}");
    assert!(refused.to_string().contains("127.0.0.1, a loopback address"), "{refused}");
    assert_eq!(store.webhooks().await.unwrap(), vec![], "nothing is stored");

    // A name that resolved to a public address at registration may point inside later.
    let id = store
        .create_webhook(
            &NewWebhook {
                url: receiver.url.clone(),
                secret: app.state.secrets.seal(kizuna_server::secrets::WEBHOOK_PURPOSE, b"whsec_x").unwrap(),
                allow_private: false,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    send_notice(&app, "お知らせ").await;
    assert_eq!(step(&app).await, report(0, 0, 1), "refused at once, never retried");
    app.clock.advance(Duration::hours(2));
    assert_eq!(step(&app).await, Outcome::Idle);
    assert_eq!(receiver.received().len(), 0, "nothing reached the receiver");
    let log = store.webhook_log(id, 10).await.unwrap();
    assert_eq!((log[0].status, log[0].last_status_code), (WebhookDeliveryStatus::Failed, None));
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("refused:") && error.contains("loopback"), "{error}");
}

#[tokio::test]
async fn an_https_receiver_must_present_a_certificate_kizuna_trusts() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[]).await;
    let https = receiver.url.replace("http://", "https://");
    let hook =
        webhooks::register(&app.state.store, &app.state.secrets, &https, true, "cli", app.clock_now()).await.unwrap();
    send_notice(&app, "お知らせ").await;
    assert_eq!(step(&app).await, report(0, 1, 0));
    assert_eq!(receiver.received().len(), 0);
    let log = app.state.store.webhook_log(hook.id, 10).await.unwrap();
    let error = log[0].last_error.clone().unwrap();
    assert!(error.starts_with("TLS:"), "{error}");
}

#[tokio::test]
async fn corrections_and_withdrawals_are_announced_and_cancelled_notices_are_not() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[]).await;
    webhooks::register(&app.state.store, &app.state.secrets, &receiver.url, true, "cli", app.clock_now())
        .await
        .unwrap();
    let store = &app.state.store;

    let cancelled = app.draft("取り消す配信", "event", &["112071"], Urgency::Normal, false).await;
    app.resident("r@example.jp", &[("112071", "event")], kizuna_core::subscriber::Charset::Utf8, kizuna_core::Lang::JA)
        .await;
    notices::send(&app.state, &emergency_staff(), cancelled).await.unwrap();
    store.transition_notice(cancelled, NoticeAction::Cancel, "staff:1", None, app.clock_now()).await.unwrap();

    let original = send_notice(&app, "お知らせ").await;
    let mut correction = notice_template("お知らせ（訂正）", "disaster", &["113620"], Urgency::Normal, false);
    correction.supersedes = Some(original);
    let correction = app.create(&correction).await;
    notices::send(&app.state, &emergency_staff(), correction).await.unwrap();
    store.transition_notice(original, NoticeAction::Supersede, "staff:1", None, app.clock_now()).await.unwrap();
    store.transition_notice(correction, NoticeAction::Withdraw, "staff:1", None, app.clock_now()).await.unwrap();

    let outcome = step(&app).await;
    assert_eq!(outcome, Outcome::Attempted(BatchReport { claimed: 4, sent: 3, retried: 0, failed: 0, cancelled: 1 }));
    let mut events: Vec<(String, i64)> = receiver
        .received()
        .iter()
        .map(|r| {
            let json: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            (json["event"].as_str().unwrap().to_owned(), json["notice"]["id"].as_i64().unwrap())
        })
        .collect();
    events.sort();
    assert_eq!(
        events,
        vec![
            (WebhookEvent::NoticeCorrected.as_str().to_owned(), correction),
            (WebhookEvent::NoticeSent.as_str().to_owned(), original),
            (WebhookEvent::NoticeWithdrawn.as_str().to_owned(), correction),
        ]
    );
    let corrected =
        receiver.received().into_iter().find(|r| String::from_utf8_lossy(&r.body).contains("notice.corrected"));
    let json: serde_json::Value = serde_json::from_slice(&corrected.unwrap().body).unwrap();
    assert_eq!(json["notice"]["supersedes"], original);
}

#[tokio::test]
async fn only_the_holder_of_the_lease_sends() {
    let app = spawn_app(&[], None).await;
    let receiver = receiver(&[]).await;
    webhooks::register(&app.state.store, &app.state.secrets, &receiver.url, true, "cli", app.clock_now())
        .await
        .unwrap();
    send_notice(&app, "お知らせ").await;
    let ttl = Duration::seconds(kizuna_server::jobs::LEASE_TTL_SECONDS);
    assert!(app.state.store.try_acquire_lease(webhooks::LEASE, "other", app.clock_now(), ttl).await.unwrap());
    assert_eq!(step(&app).await, Outcome::Standby);
    assert_eq!(receiver.received().len(), 0);
    app.clock.advance(ttl + Duration::seconds(1));
    assert_eq!(step(&app).await, report(1, 0, 0), "a lease that was not renewed passes on");
}

/// A backup alone cannot sign: the secrets are sealed with the key file, which
/// start-up checks — a secret from before sealing is sealed, a rotation (a new
/// key line first) seals everything again, and a wrong key stops start-up with
/// one line naming the file.
#[tokio::test]
async fn stored_secrets_are_sealed_again_on_rotation_and_a_wrong_key_stops_start_up() {
    use kizuna_server::AppState;
    use kizuna_server::secrets::{SecretKeys, WEBHOOK_PURPOSE, new_key_line};

    let app = spawn_app(&[], None).await;
    let store = app.state.store.clone();
    let legacy =
        NewWebhook { url: "https://example.jp/hook".into(), secret: "whsec_from_before".into(), allow_private: false };
    let id = store.create_webhook(&legacy, app.clock_now()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("kizuna-keys-{id}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let restart = |key_file: std::path::PathBuf| {
        let mut settings = (*app.state.settings).clone();
        settings.console.secret_key_file = Some(key_file);
        AppState::new(store.clone(), settings, app.state.clock.clone(), app.state.transport.clone())
    };
    let stored = || async { store.sealed_secrets().await.unwrap().into_iter().find(|s| s.id == id).unwrap().value };

    // The first start with a key file seals the secret kept in the clear.
    let old = dir.join("old.key");
    std::fs::write(&old, new_key_line("2026a").unwrap()).unwrap();
    let state = restart(old.clone()).await.unwrap();
    let sealed = stored().await;
    assert!(sealed.starts_with("k1:2026a:"), "{sealed:.12}");
    assert_eq!(state.secrets.open(WEBHOOK_PURPOSE, &sealed).unwrap(), b"whsec_from_before");

    // Rotation: the new key's line first, the old one below.
    let rotated = dir.join("rotated.key");
    let new_line = new_key_line("2027a").unwrap();
    std::fs::write(&rotated, format!("{new_line}{}", std::fs::read_to_string(&old).unwrap())).unwrap();
    restart(rotated).await.unwrap();
    let resealed = stored().await;
    assert!(resealed.starts_with("k1:2027a:"), "sealed again with the new key");
    let (new_only, _) = SecretKeys::load_or_create(&{
        let path = dir.join("new-only.key");
        std::fs::write(&path, &new_line).unwrap();
        path
    })
    .unwrap();
    assert_eq!(new_only.open(WEBHOOK_PURPOSE, &resealed).unwrap(), b"whsec_from_before", "the old key can go");

    // A wrong key file: start-up stops with one line that names it.
    let wrong = dir.join("wrong.key");
    std::fs::write(&wrong, new_key_line("2027a").unwrap()).unwrap();
    let error = restart(wrong.clone()).await.err().expect("a wrong key stops start-up").to_string();
    assert!(error.contains(&wrong.display().to_string()) && !error.contains('\n'), "{error}");
    assert_eq!(stored().await, resealed, "nothing was changed");
    std::fs::remove_dir_all(&dir).unwrap();
}
