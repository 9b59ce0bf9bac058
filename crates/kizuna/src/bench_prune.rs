//! `kizuna bench prune`: seeds a history of settled deliveries older than the
//! retention (several million rows, in bulk), then prunes it as the scheduler
//! does while measuring each batch, and the fan-out rate of a send to every
//! resident before the prune and while it runs. Prints one JSON line.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Duration as Days;
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::time::SystemClock;
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_server::delivery::Worker;
use kizuna_server::jobs::{PRUNE_BATCH, prune_deliveries};
use kizuna_server::notices::{self, Actor};
use kizuna_server::{AppState, Settings};
use kizuna_store::{ConnectOptions, NewNotice, SqlStore};
use tokio::sync::watch;

use crate::bench::{bench_database, bench_notice, failed, now, peak_rss_mb, seed_residents};
use crate::commands::CliError;

pub struct PruneArgs {
    /// Settled deliveries older than the retention to seed (about).
    pub rows: u64,
    /// Residents: each old notice and each measured fan-out reaches them all.
    pub recipients: u64,
    /// The relay (an SMTP sink), HOST:PORT; the file outbox otherwise.
    pub smtp: Option<String>,
    pub connections: u32,
    pub database: Option<String>,
}

/// Each batch: when it ended (from the start of the prune), rows, the time it held its locks.
type Batches = Arc<Mutex<Vec<(Duration, u64, Duration)>>>;

pub async fn prune(args: PruneArgs) -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("kizuna-bench-prune-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(failed("the data directory"))?;
    // A name of its own, never one of the test suite's databases.
    let pg_name = "kizuna_retention_bench";
    let (database_url, pg_admin) = bench_database(args.database.as_deref(), pg_name, &dir).await?;
    let mut env = HashMap::new();
    env.insert("KIZUNA_DATA_DIR".to_owned(), dir.display().to_string());
    env.insert("KIZUNA_DATABASE_URL".to_owned(), database_url.clone());
    if let Some(smtp) = &args.smtp {
        env.insert("KIZUNA_SMTP_URL".to_owned(), format!("smtp://{smtp}"));
    }
    env.insert("KIZUNA_SMTP_CONNECTIONS".to_owned(), args.connections.to_string());
    env.insert("KIZUNA_PACING".to_owned(), String::new());
    env.insert("KIZUNA_MAIL_DOMAIN".to_owned(), "bench.kizuna.example.jp".to_owned());
    let settings = Settings::load(None, &env)?;
    let store = kizuna_store::connect(&database_url, ConnectOptions { max_connections: 8, ..Default::default() })
        .await
        .map_err(failed("opening"))?;
    let seed = ConsortiumSeed::chichibu().map_err(failed("the region"))?;
    store.seed_if_empty(&seed, now()).await.map_err(failed("seeding"))?;

    let town = MunicipalityCode::parse("112071").map_err(failed("a town"))?;
    let category = CategoryKey::parse("disaster").map_err(failed("a category"))?;
    let seeding = Instant::now();
    seed_residents(&store, args.recipients, &town, &category).await?;
    let notice = |title: &str| {
        let body = "秩父市に大雨警報が発表されました。\nThis is a benchmark message sent by kizuna bench prune.";
        bench_notice(title, body, &category, &town)
    };
    // The history: notices sent 400 to 500 days ago, every message settled then.
    let history = SqlStore::connect(&database_url, ConnectOptions { max_connections: 1, ..Default::default() })
        .await
        .map_err(failed("opening for the history"))?;
    let old_notices = args.rows.div_ceil(args.recipients.max(1));
    let mut seeded = 0u64;
    for i in 0..old_notices {
        let at = now() - Days::days(500) + Days::hours(i as i64);
        let (old, _) =
            store.create_notice(&notice("過去のお知らせ")?, "bench", at).await.map_err(failed("a notice"))?;
        seeded += history.seed_settled_notice(old.id, at).await.map_err(failed("the history"))?;
    }
    history.analyze().await.map_err(failed("analyzing"))?;
    history.close().await;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    eprintln!("seeded {} residents and {seeded} settled deliveries in {seed_seconds:.1} s", args.recipients);

    let transport = kizuna_server::transport::from_settings(&settings).map_err(CliError::Failed)?;
    let state = AppState::new(store.clone(), settings, Arc::new(SystemClock), transport)
        .await
        .map_err(|e| CliError::Failed(format!("starting: {e}")))?;
    Worker::sync_pacing(&state).await.map_err(failed("pacing rules"))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = Worker::start_all(&state, &stop_rx);
    // A large send's further chunks of recipients, as `serve` queues them.
    workers.push(tokio::spawn(kizuna_server::notices::queueing::run(state.clone(), stop_rx.clone())));

    let alone = fan_out(&state, notice("【ベンチマーク】剪定なし")?).await?;
    eprintln!("fan-out without a prune: {alone:.0} msg/s");

    // The prune, step after step as the scheduler runs them (back to back, not
    // every 5 s: the harder case for the fan-out).
    let batches: Batches = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let pruning = {
        let (state, batches) = (state.clone(), batches.clone());
        tokio::spawn(async move {
            loop {
                let recorded = batches.clone();
                let step = prune_deliveries(&state, now(), move |batch| {
                    if let Ok(mut all) = recorded.lock() {
                        all.push((started.elapsed(), batch.rows, batch.held));
                    }
                })
                .await?;
                if step == 0 {
                    return Ok::<_, kizuna_store::StoreError>(started.elapsed());
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let fan_out_from = started.elapsed();
    let during = fan_out(&state, notice("【ベンチマーク】剪定中")?).await?;
    let fan_out_until = started.elapsed();
    eprintln!("fan-out during the prune: {during:.0} msg/s");
    let prune_seconds = pruning.await.map_err(failed("the prune"))?.map_err(failed("the prune"))?.as_secs_f64();
    let _ = stop_tx.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    store.close().await;
    if let Some(admin) = pg_admin {
        let _ = kizuna_store::postgres::drop_database(&admin, pg_name).await;
    }
    let _ = std::fs::remove_dir_all(&dir);

    let batches = batches.lock().map(|b| b.clone()).unwrap_or_default();
    let pruned: u64 = batches.iter().map(|(_, n, _)| n).sum();
    if pruned != seeded {
        return Err(CliError::Failed(format!("pruned {pruned} of {seeded} settled deliveries")));
    }
    let all = millis(batches.iter().map(|(_, _, took)| *took));
    let overlapping = millis(
        batches
            .iter()
            .filter(|(end, _, took)| *end >= fan_out_from && end.saturating_sub(*took) <= fan_out_until)
            .map(|(_, _, took)| *took),
    );
    println!(
        "{{\"backend\":\"{}\",\"pruned\":{pruned},\"batch_rows\":{PRUNE_BATCH},\"batches\":{},\"batch_ms_median\":{:.1},\"batch_ms_p99\":{:.1},\"batch_ms_max\":{:.1},\"prune_seconds\":{prune_seconds:.1},\"pruned_per_second\":{:.0},\"recipients\":{},\"fanout_alone_per_second\":{alone:.0},\"fanout_during_prune_per_second\":{during:.0},\"batches_during_fanout\":{},\"batch_ms_p99_during_fanout\":{:.1},\"batch_ms_max_during_fanout\":{:.1},\"prune_outlasted_fanout\":{},\"seed_seconds\":{seed_seconds:.1},\"peak_rss_mb\":{:.1}}}",
        if pg_admin_used(&args) { "postgres" } else { "sqlite" },
        all.len(),
        quantile(&all, 0.5),
        quantile(&all, 0.99),
        quantile(&all, 1.0),
        pruned as f64 / prune_seconds,
        args.recipients,
        overlapping.len(),
        quantile(&overlapping, 0.99),
        quantile(&overlapping, 1.0),
        prune_seconds > fan_out_until.as_secs_f64(),
        peak_rss_mb(),
    );
    Ok(())
}

fn pg_admin_used(args: &PruneArgs) -> bool {
    args.database.as_deref().is_some_and(|url| url.starts_with("postgres"))
}

/// Sends a notice to every resident and waits until each message is settled:
/// messages per second from the send to the last outcome recorded.
async fn fan_out(state: &AppState, notice: NewNotice) -> Result<f64, CliError> {
    let (created, _) = state.store.create_notice(&notice, "bench", now()).await.map_err(failed("a notice"))?;
    let started = Instant::now();
    notices::send(state, &Actor::operator("bench"), created.id).await.map_err(failed("sending"))?;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Sent once every recipient is queued and settled (a large send is queued in chunks).
        let sent = state.store.notice(created.id).await.map_err(failed("reading the notice"))?;
        if sent.is_some_and(|n| n.status == kizuna_core::notice::NoticeStatus::Sent) {
            let counts = state.store.delivery_counts(created.id).await.map_err(failed("counting"))?;
            if counts.sent != counts.total {
                return Err(CliError::Failed(format!("only {} of {} messages were sent", counts.sent, counts.total)));
            }
            return Ok(counts.total as f64 / started.elapsed().as_secs_f64());
        }
        if started.elapsed() > Duration::from_secs(1800) {
            return Err(CliError::Failed("the fan-out did not end in 30 minutes".into()));
        }
    }
}

fn millis(times: impl Iterator<Item = Duration>) -> Vec<f64> {
    let mut ms: Vec<f64> = times.map(|t| t.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// The `q` quantile of sorted values (nearest rank); 0 when there are none.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
