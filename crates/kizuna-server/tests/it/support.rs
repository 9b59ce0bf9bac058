//! `spawn_app`-style helpers: a fresh SQLite store, the Chichibu seed, a manual
//! clock and the file outbox, all in a temporary folder.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{NoticeSource, Urgency};
use kizuna_core::staff::{Role, Scope};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::time::ManualClock;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_mail::Transport;
use kizuna_server::notices::Actor;
use kizuna_server::{AppState, Settings};
use kizuna_store::{ConnectOptions, NewNotice, NewSubscriber, Subscription};

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub dir: PathBuf,
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).single().unwrap()
}

pub async fn spawn_app(env: &[(&str, &str)], transport: Option<Arc<dyn Transport>>) -> TestApp {
    let random = kizuna_core::token::random_secret(6).unwrap().replace(['-', '_'], "x");
    let dir = std::env::temp_dir().join(format!("kizuna-server-it-{random}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("KIZUNA_DATA_DIR".into(), dir.display().to_string());
    vars.insert("KIZUNA_MAIL_DOMAIN".into(), "anshin.example.jp".into());
    vars.insert("KIZUNA_BASE_URL".into(), "https://anshin.example.jp".into());
    for (k, v) in env {
        vars.insert((*k).into(), (*v).into());
    }
    let settings = Settings::load(None, &vars).unwrap();
    let options = ConnectOptions { queue_chunk: settings.delivery.queue_chunk, ..ConnectOptions::default() };
    let store = kizuna_store::connect(settings.database_url.expose(), options).await.unwrap();
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), t0()).await.unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    // The file outbox, or the relay when the environment names one.
    let transport = transport.unwrap_or_else(|| kizuna_server::transport::from_settings(&settings).unwrap());
    let state = AppState::new(store, settings, clock.clone(), transport).await.unwrap();
    kizuna_server::delivery::Worker::sync_pacing(&state).await.unwrap();
    TestApp { state, clock, dir }
}

/// An approver of every municipality with the emergency right, recorded as
/// `staff:1`: sends a draft at once.
pub fn emergency_staff() -> Actor {
    Actor::staff(1, Scope::AllMunicipalities, Role::Approver, true)
}

impl TestApp {
    pub async fn resident(&self, email: &str, choices: &[(&str, &str)], charset: Charset, lang: Lang) -> i64 {
        let store = &self.state.store;
        let id = store
            .create_subscriber(
                &NewSubscriber {
                    email: EmailAddress::parse(email).unwrap(),
                    status: SubscriberStatus::Active,
                    language: lang,
                    format: MailFormat::Text,
                    charset,
                    emergency_only: false,
                    source: RegistrationSource::Web,
                    source_municipality: None,
                    monitor_age_band: None,
                    pending_expires_at: None,
                },
                self.clock_now(),
            )
            .await
            .unwrap();
        let subscriptions: Vec<Subscription> = choices
            .iter()
            .map(|(town, category)| Subscription {
                municipality: MunicipalityCode::parse(town).unwrap(),
                category: CategoryKey::parse(category).unwrap(),
                area_id: None,
            })
            .collect();
        store.replace_subscriptions(id, &subscriptions).await.unwrap();
        id
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        kizuna_core::time::Clock::now(self.clock.as_ref())
    }

    pub async fn draft(&self, title: &str, category: &str, towns: &[&str], urgency: Urgency, exercise: bool) -> i64 {
        self.create(&notice_template(title, category, towns, urgency, exercise)).await
    }

    pub async fn create(&self, notice: &NewNotice) -> i64 {
        self.state.store.create_notice(notice, "staff:1", self.clock_now()).await.unwrap().0.id
    }

    /// The `.eml` files in the outbox, oldest first.
    pub fn outbox(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("outbox"))
            .map(|entries| {
                entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn notice_template(title: &str, category: &str, towns: &[&str], urgency: Urgency, exercise: bool) -> NewNotice {
    NewNotice {
        title: NoticeTitle::parse(title).unwrap(),
        body: NoticeBody::parse("本文の一行目です。\n二行目です。").unwrap(),
        title_en: Some(NoticeTitle::parse("Notice in English").unwrap()),
        body_en: Some(NoticeBody::parse("English body.").unwrap()),
        category: CategoryKey::parse(category).unwrap(),
        municipalities: towns.iter().map(|t| MunicipalityCode::parse(t).unwrap()).collect(),
        area_ids: vec![],
        urgency,
        exercise,
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

/// Decodes the text of a one-part message written by Kizuna: base64 UTF-8, or
/// 7bit ISO-2022-JP (read by Kizuna's own parser) for a carrier address.
pub fn body_text(eml: &str) -> String {
    if header(eml, "Content-Type").is_some_and(|t| t.contains("ISO-2022-JP")) {
        let text = kizuna_mail::inbound::parse_inbound(eml.as_bytes()).text.unwrap_or_default();
        return text.replace("\r\n", "\n");
    }
    let (_, body) = eml.split_once("\r\n\r\n").unwrap();
    decode_base64(&body.replace("\r\n", ""))
}

/// A header's value, unfolded.
pub fn header(eml: &str, name: &str) -> Option<String> {
    let head = eml.split("\r\n\r\n").next()?.replace("\r\n ", " ");
    head.split("\r\n").find_map(|line| line.strip_prefix(&format!("{name}: ")).map(str::to_owned))
}

pub fn decode_base64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else { continue };
        bits = (bits << 6) | v as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes the encoded words (UTF-8, or ISO-2022-JP for a carrier address) of a header.
pub fn decode_subject(value: &str) -> String {
    if !value.contains("=?") {
        return value.to_owned();
    }
    if value.contains("=?ISO-2022-JP?") {
        let head = format!("Subject: {value}\r\n\r\n");
        return kizuna_mail::inbound::parse_inbound(head.as_bytes()).subject.unwrap_or_default();
    }
    // Whitespace between adjacent encoded words is not part of the text (RFC 2047).
    value
        .split_whitespace()
        .map(|word| match word.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")) {
            Some(encoded) => decode_base64(encoded),
            None => word.to_owned(),
        })
        .collect()
}
