//! `kizuna bench fanout`: seeds N residents in a fresh database, sends one
//! notice through the real workers to an SMTP sink, and prints one JSON line of
//! figures (DESIGN.md "Measuring"). A program, not a timed test.
//!
//! Times run from the moment a send is asked for: `send_ms` is how long the
//! send itself took (queueing its recipients, or the first of them),
//! `first_accept_ms` when the sink accepted the first message, and the rate
//! counts from the same moment. When a quarter of the fan-out is at the sink,
//! an emergency notice for one resident of another town is sent:
//! `probe_accept_ms` is the time from asking for that send to the sink
//! accepting its message (`probe_send_ms` of it the send), under the load of
//! the running fan-out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{NoticeSource, Urgency};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::time::SystemClock;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_mail::{Answered, MailError, OutgoingMessage, Transport};
use kizuna_server::delivery::Worker;
use kizuna_server::notices::{self, Actor, NoticeError};
use kizuna_server::{AppState, Settings};
use kizuna_store::{ConnectOptions, ImportRow, NewNotice, NewSubscriber, Store, Subscription};
use tokio::sync::watch;

use crate::commands::CliError;

/// Counts what the relay accepted and when the first message was accepted.
struct Measured {
    inner: Arc<dyn Transport>,
    accepted: AtomicU64,
    first_accept: OnceLock<Instant>,
    probe_accept: OnceLock<Instant>,
    sizes: Mutex<Vec<usize>>,
}

impl Measured {
    fn accepted(&self, message: &OutgoingMessage, at: Instant) {
        if message.envelope.to.iter().any(|to| to == PROBE_ADDRESS) {
            let _ = self.probe_accept.set(at);
        } else {
            let _ = self.first_accept.set(at);
        }
        if let Ok(mut sizes) = self.sizes.lock()
            && sizes.len() < 1000
        {
            sizes.push(message.bytes.len());
        }
        self.accepted.fetch_add(1, Ordering::Relaxed);
    }

    /// Passes each answer on, counting the accepted messages as they are answered.
    fn counting<'a>(
        &'a self,
        messages: &'a [OutgoingMessage],
        answered: Answered<'a>,
    ) -> impl FnMut(Result<String, MailError>) + Send + 'a {
        let mut next = messages.iter();
        move |answer| {
            if let Some(message) = next.next()
                && answer.is_ok()
            {
                self.accepted(message, Instant::now());
            }
            answered(answer);
        }
    }
}

/// Times are taken when the transport answers each message.
#[async_trait]
impl Transport for Measured {
    async fn send(&self, message: &OutgoingMessage) -> Result<String, MailError> {
        let reply = self.inner.send(message).await?;
        self.accepted(message, Instant::now());
        Ok(reply)
    }

    async fn send_each(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        self.inner.send_each(messages, &mut self.counting(messages, answered)).await;
    }

    async fn send_urgent(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        self.inner.send_urgent(messages, &mut self.counting(messages, answered)).await;
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// The one resident of the probe notice, in a town the fan-out does not reach.
const PROBE_ADDRESS: &str = "probe@bench.example.org";
const PROBE_TOWN: &str = "113611";

pub(crate) fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

pub struct FanoutArgs {
    pub subscribers: u64,
    pub smtp: String,
    pub connections: u32,
    pub database: Option<String>,
    /// Seed the residents, print how long it took, and stop.
    pub seed_only: bool,
}

pub async fn fanout(args: FanoutArgs) -> Result<(), CliError> {
    let notice_failed = |what: &'static str| move |e: NoticeError| CliError::Failed(format!("{what}: {e}"));
    let dir = std::env::temp_dir().join(format!("kizuna-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| CliError::Failed(format!("{}: {e}", dir.display())))?;
    let pg_name = format!("kizuna_bench_{}", std::process::id());
    let (database_url, pg_admin) = bench_database(args.database.as_deref(), &pg_name, &dir).await?;
    let mut env = HashMap::new();
    env.insert("KIZUNA_DATA_DIR".to_owned(), dir.display().to_string());
    env.insert("KIZUNA_DATABASE_URL".to_owned(), database_url.clone());
    env.insert("KIZUNA_SMTP_URL".to_owned(), format!("smtp://{}", args.smtp));
    env.insert("KIZUNA_SMTP_CONNECTIONS".to_owned(), args.connections.to_string());
    env.insert("KIZUNA_PACING".to_owned(), String::new());
    // Worker loops and batch size may be tuned from the environment for a run.
    for key in ["KIZUNA_DELIVERY_WORKERS", "KIZUNA_DELIVERY_BATCH_SIZE"] {
        if let Ok(value) = std::env::var(key) {
            env.insert(key.to_owned(), value);
        }
    }
    env.insert("KIZUNA_MAIL_DOMAIN".to_owned(), "bench.kizuna.example.jp".to_owned());
    let settings = Settings::load(None, &env)?;
    let store = kizuna_store::connect(&database_url, ConnectOptions { max_connections: 8, ..Default::default() })
        .await
        .map_err(failed("opening the database"))?;
    store
        .seed_if_empty(&ConsortiumSeed::chichibu().map_err(|e| CliError::Failed(e.to_string()))?, now())
        .await
        .map_err(failed("seeding"))?;

    let code = MunicipalityCode::parse("112071").map_err(|e| CliError::Failed(e.to_string()))?;
    let category = CategoryKey::parse("disaster").map_err(|e| CliError::Failed(e.to_string()))?;
    let seed_seconds = seed_residents(&store, args.subscribers, &code, &category).await?;
    let probe_town = MunicipalityCode::parse(PROBE_TOWN).map_err(|e| CliError::Failed(e.to_string()))?;
    let probe_resident = resident(PROBE_ADDRESS, &probe_town, &category, true)?;
    store.import_subscribers(&[probe_resident], now()).await.map_err(failed("seeding the probe resident"))?;
    eprintln!(
        "seeded {} residents: seed_seconds={seed_seconds:.3} (peak RSS so far {:.1} MB)",
        args.subscribers,
        peak_rss_mb()
    );
    if args.seed_only {
        store.close().await;
        if let Some(admin) = pg_admin {
            let _ = kizuna_store::postgres::drop_database(&admin, &pg_name).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "{{\"recipients\":{},\"seed_seconds\":{seed_seconds:.3},\"peak_rss_mb\":{:.1}}}",
            args.subscribers,
            peak_rss_mb()
        );
        return Ok(());
    }

    let inner = kizuna_server::transport::from_settings(&settings).map_err(CliError::Failed)?;
    let measured = Arc::new(Measured {
        inner,
        accepted: AtomicU64::new(0),
        first_accept: OnceLock::new(),
        probe_accept: OnceLock::new(),
        sizes: Mutex::new(Vec::new()),
    });
    let state = AppState::new(store.clone(), settings, Arc::new(SystemClock), measured.clone())
        .await
        .map_err(|e| CliError::Failed(format!("starting: {e}")))?;
    Worker::sync_pacing(&state).await.map_err(failed("pacing rules"))?;
    let notice = bench_notice(
        "【ベンチマーク】大雨警報（秩父市）",
        "秩父市に大雨警報が発表されました。\n土砂災害や河川の増水に警戒してください。\n\
         避難情報に注意し、危険を感じたら早めに避難してください。\n\
         This is a benchmark message sent by kizuna bench fanout.",
        &category,
        &code,
    )?;
    let probe = NewNotice {
        title: NoticeTitle::parse("【緊急】土砂災害警戒情報（横瀬町）").map_err(|e| CliError::Failed(e.to_string()))?,
        urgency: Urgency::Emergency,
        municipalities: vec![probe_town],
        ..notice.clone()
    };
    let (notice, _) = store.create_notice(&notice, "bench", now()).await.map_err(failed("creating the notice"))?;
    let (probe, _) = store.create_notice(&probe, "bench", now()).await.map_err(failed("creating the probe notice"))?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = Worker::start_all(&state, &stop_rx);
    // A large send's further chunks of recipients, as `serve` queues them.
    workers.push(tokio::spawn(kizuna_server::notices::queueing::run(state.clone(), stop_rx.clone())));
    // The operator sends at once, as a person with the emergency right would.
    let bench = Actor::operator("bench");
    // Times run from the moment the send is asked for, as the person sending sees
    // them: queueing the recipients is part of the wait.
    let sent_at = Instant::now();
    notices::send(&state, &bench, notice.id).await.map_err(notice_failed("sending"))?;
    let send_ms = sent_at.elapsed().as_secs_f64() * 1000.0;
    let deadline = sent_at + Duration::from_secs(3600);
    let mut probe_sent_at = None;
    let mut probe_send_ms = -1.0;
    let total = args.subscribers + 1;
    while measured.accepted.load(Ordering::Relaxed) < total && Instant::now() < deadline {
        if probe_sent_at.is_none() && measured.accepted.load(Ordering::Relaxed) >= args.subscribers / 4 {
            let asked = Instant::now();
            notices::send(&state, &bench, probe.id).await.map_err(notice_failed("sending the probe"))?;
            probe_send_ms = asked.elapsed().as_secs_f64() * 1000.0;
            probe_sent_at = Some(asked);
        }
        if measured.accepted.load(Ordering::Relaxed) == 0 && sent_at.elapsed() > Duration::from_secs(60) {
            // Stopped below, after the clean-up: nothing was accepted.
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let seconds = sent_at.elapsed().as_secs_f64();
    let accepted = measured.accepted.load(Ordering::Relaxed);
    let _ = stop_tx.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    let first_accept_ms = measured.first_accept.get().map_or(-1.0, |at| (*at - sent_at).as_secs_f64() * 1000.0);
    let probe_accept_ms = match (probe_sent_at, measured.probe_accept.get()) {
        (Some(sent), Some(at)) => at.saturating_duration_since(sent).as_secs_f64() * 1000.0,
        _ => -1.0,
    };
    let mut sizes = measured.sizes.lock().map(|s| s.clone()).unwrap_or_default();
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
    store.close().await;
    if let Some(admin) = pg_admin {
        let _ = kizuna_store::postgres::drop_database(&admin, &pg_name).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    if accepted == 0 {
        return Err(CliError::Failed(format!("the sink at {} accepted nothing", args.smtp)));
    }
    if accepted < total {
        return Err(CliError::Failed(format!("only {accepted} of {total} messages were accepted")));
    }
    println!(
        "{{\"recipients\":{},\"seed_seconds\":{seed_seconds:.3},\"seconds\":{seconds:.3},\"messages_per_second\":{:.0},\"send_ms\":{send_ms:.1},\"first_accept_ms\":{first_accept_ms:.1},\"probe_send_ms\":{probe_send_ms:.1},\"probe_accept_ms\":{probe_accept_ms:.1},\"peak_rss_mb\":{:.1},\"median_message_bytes\":{median}}}",
        args.subscribers,
        args.subscribers as f64 / seconds,
        peak_rss_mb()
    );
    Ok(())
}

/// The benchmark's database and, when it made one on a PostgreSQL server, that
/// server's URL (to drop it afterwards): a fresh database `pg_name` on the server
/// `database` names, the database it names otherwise, or SQLite in `dir`.
pub(crate) async fn bench_database(
    database: Option<&str>,
    pg_name: &str,
    dir: &std::path::Path,
) -> Result<(String, Option<String>), CliError> {
    Ok(match database {
        Some(url) if url.starts_with("postgres") => {
            let fresh =
                kizuna_store::postgres::create_database(url, pg_name).await.map_err(failed("creating the database"))?;
            (fresh, Some(url.to_owned()))
        }
        Some(url) => (url.to_owned(), None),
        None => (format!("sqlite://{}", dir.join("bench.db").display()), None),
    })
}

/// A benchmark step's error, naming what it was doing.
pub(crate) fn failed<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> CliError {
    move |e| CliError::Failed(format!("{what}: {e}"))
}

/// A benchmark's notice: normal, written by staff, to one town.
pub(crate) fn bench_notice(
    title: &str,
    body: &str,
    category: &CategoryKey,
    town: &MunicipalityCode,
) -> Result<NewNotice, CliError> {
    Ok(NewNotice {
        title: NoticeTitle::parse(title).map_err(failed("a title"))?,
        body: NoticeBody::parse(body).map_err(failed("a body"))?,
        title_en: None,
        body_en: None,
        category: category.clone(),
        municipalities: vec![town.clone()],
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
    })
}

/// Residents the benchmarks make at a time: one transaction of the command
/// line's import, so the list is never whole in memory.
const SEED_ROWS: u64 = kizuna_server::roster::TRANSACTION_ROWS as u64;

/// Seeds `count` residents `resident0000000@bench.example.net`… taking
/// `category` from `town` through the path `kizuna subscribers import` takes
/// (`import_residents`, a transaction of `TRANSACTION_ROWS`, the store's
/// batches within it). Returns the seconds it took.
pub(crate) async fn seed_residents(
    store: &Arc<dyn Store>,
    count: u64,
    town: &MunicipalityCode,
    category: &CategoryKey,
) -> Result<f64, CliError> {
    let seeding = Instant::now();
    let mut next = 0u64;
    while next < count {
        let end = (next + SEED_ROWS).min(count);
        let rows = (next..end)
            .map(|i| resident(&format!("resident{i:07}@bench.example.net"), town, category, false))
            .collect::<Result<Vec<_>, _>>()?;
        store.import_residents(&rows, None, now()).await.map_err(failed("seeding residents"))?;
        next = end;
    }
    store.imported(count as usize).await.map_err(failed("seeding residents"))?;
    Ok(seeding.elapsed().as_secs_f64())
}

/// An active, imported resident taking `category` from `town` as plain UTF-8 text.
pub(crate) fn resident(
    email: &str,
    town: &MunicipalityCode,
    category: &CategoryKey,
    emergency_only: bool,
) -> Result<ImportRow, CliError> {
    Ok(ImportRow {
        subscriber: NewSubscriber {
            email: EmailAddress::parse(email).map_err(|e| CliError::Failed(e.to_string()))?,
            status: SubscriberStatus::Active,
            language: Lang::JA,
            format: MailFormat::Text,
            charset: Charset::Utf8,
            emergency_only,
            source: RegistrationSource::Import,
            source_municipality: None,
            monitor_age_band: None,
            pending_expires_at: None,
        },
        subscriptions: vec![Subscription { municipality: town.clone(), category: category.clone(), area_id: None }],
    })
}

pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    kizuna_core::time::Clock::now(&SystemClock)
}
