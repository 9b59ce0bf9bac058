//! Singleton jobs: work that one process of many must do, guarded by a lease row
//! so several processes on one PostgreSQL never do it twice.

use std::time::Duration as StdDuration;

use chrono::Duration;
use kizuna_store::NewAuditEntry;
use tokio::sync::watch;

use crate::notices::{self, Actor, NoticeError};
use crate::state::AppState;

/// How long a lease lasts without renewal; a crashed holder is replaced after this.
pub const LEASE_TTL_SECONDS: i64 = 30;

/// A name for this process in lease rows: host, pid and a random part.
pub fn holder_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let suffix = kizuna_core::token::random_secret(6).unwrap_or_default();
    format!("{}:{}:{suffix}", host.trim(), std::process::id())
}

/// What one step of the housekeeping job did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HousekeepingOutcome {
    pub held_lease: bool,
    pub expired_registrations: u64,
    pub erased_unsubscribed: u64,
    pub released_claims: u64,
    pub scheduled_sent: Vec<i64>,
    /// Survey invitations and reminders handed to the transport.
    pub survey_mails: u64,
    /// Settled deliveries older than the retention that were deleted.
    pub pruned_deliveries: u64,
}

/// The scheduler: send scheduled notices whose time has come, put deliveries of
/// dead workers back in the queue, forget ended console sessions and old sign-in
/// failures, erase unconfirmed registrations past their time and residents who
/// unsubscribed longer ago than the retention period, send the survey mails
/// that are due, and prune settled deliveries older than their retention.
/// Steppable so tests drive it with an injected clock.
pub async fn housekeeping_step(
    state: &AppState,
    holder: &str,
) -> Result<HousekeepingOutcome, kizuna_store::StoreError> {
    let now = state.clock.now();
    if !state.store.try_acquire_lease("scheduler", holder, now, Duration::seconds(LEASE_TTL_SECONDS)).await? {
        return Ok(HousekeepingOutcome::default());
    }
    let mut scheduled_sent = Vec::new();
    let scheduler = Actor::scheduler();
    let quiet = state.directory.current().quiet.filter(|q| q.contains(now));
    for id in state.store.due_scheduled_notices(now).await? {
        // A normal notice whose time falls in the quiet hours waits for their end.
        if quiet.is_some() {
            let normal =
                state.store.notice(id).await?.is_some_and(|n| n.urgency == kizuna_core::notice::Urgency::Normal);
            if normal {
                continue;
            }
        }
        match notices::send_scheduled(state, &scheduler, id).await {
            Ok(_) => scheduled_sent.push(id),
            // Cancelled or sent by someone else meanwhile: nothing to do.
            Err(NoticeError::Transition(_) | NoticeError::Conflict(_)) => {}
            Err(NoticeError::Store(error)) => return Err(error),
            // The scheduler acts for every municipality and may send; nothing else can refuse it.
            Err(error) => tracing::warn!(notice = id, %error, "a scheduled notice was not sent"),
        }
    }
    let released_claims = state.store.release_stale_claims(now).await?;
    if released_claims > 0 {
        tracing::warn!(released_claims, "deliveries of a stopped worker are queued again");
        state.work.notify_one();
    }
    let console = &state.settings.console;
    state
        .store
        .prune_sessions(now - console.session_idle, now - console.session_lifetime, now - kizuna_core::throttle::MEMORY)
        .await?;
    // A counter older than two of the longest window counts for nothing.
    let residents = &state.settings.residents;
    let longest = [residents.per_address.window, residents.per_client.window, crate::limits::REPLY_WINDOW]
        .into_iter()
        .max()
        .unwrap_or(Duration::days(1));
    state.store.forget_rates(now - longest * 2).await?;
    let expired = state.store.expire_pending_subscribers(now).await?;
    if expired > 0 {
        state
            .store
            .record_audit(
                &NewAuditEntry::new(
                    "scheduler",
                    "erase_unconfirmed",
                    "subscribers",
                    format!("{{\"count\":{expired}}}"),
                ),
                now,
            )
            .await?;
    }
    let survey_mails = crate::surveys::mails::send_due(state).await?.sent;
    let retention = state.settings.residents.unsubscribed_retention;
    let erased_unsubscribed = state.store.erase_unsubscribed(now - retention, now).await?;
    if erased_unsubscribed > 0 {
        state
            .store
            .record_audit(
                &NewAuditEntry::new(
                    "scheduler",
                    "erase_unsubscribed",
                    "subscribers",
                    format!("{{\"count\":{erased_unsubscribed}}}"),
                ),
                now,
            )
            .await?;
    }
    let pruned_deliveries = prune_deliveries(state, now, |_| {}).await?;
    Ok(HousekeepingOutcome {
        held_lease: true,
        expired_registrations: expired,
        erased_unsubscribed,
        released_claims,
        scheduled_sent,
        survey_mails,
        pruned_deliveries,
    })
}

/// Deliveries deleted in one transaction: with SQLite's one writer, a worker
/// waiting to claim or record waits for one batch at most.
pub const PRUNE_BATCH: i64 = 1_000;
/// How long one scheduler step spends pruning at most (it runs every 5 s).
pub const PRUNE_BUDGET: StdDuration = StdDuration::from_secs(1);

/// Prunes settled deliveries older than the retention in batches of
/// [`PRUNE_BATCH`], each in its own transaction, until none is left or
/// [`PRUNE_BUDGET`] is used; `each` hears every batch. After each batch it
/// waits as long as the batch took, so the delivery workers always get at
/// least half of SQLite's one writer. Returns how many went.
pub async fn prune_deliveries(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
    mut each: impl FnMut(kizuna_store::PrunedBatch),
) -> Result<u64, kizuna_store::StoreError> {
    let settled_before = now - state.settings.delivery.retention;
    let started = std::time::Instant::now();
    let mut pruned = 0;
    loop {
        let batch = std::time::Instant::now();
        let pruned_now = state.store.prune_settled_deliveries(settled_before, PRUNE_BATCH).await?;
        let took = batch.elapsed();
        if pruned_now.rows == 0 {
            break;
        }
        each(pruned_now);
        pruned += pruned_now.rows;
        if started.elapsed() >= PRUNE_BUDGET {
            break;
        }
        tokio::time::sleep(took).await;
    }
    if pruned > 0 {
        tracing::info!(pruned, "settled deliveries older than the retention were pruned");
    }
    Ok(pruned)
}

/// How often each process says it is alive.
pub const HEARTBEAT_EVERY: StdDuration = StdDuration::from_secs(5);
/// How long after its last beat a process counts as stopped and its claimed
/// deliveries are queued again (three missed beats).
pub const HEARTBEAT_LAPSE_SECONDS: i64 = 15;

/// One beat of this process, then the claims of processes whose beat lapsed
/// (killed, or their machine gone) back to the queue. Every process does both:
/// no lease, so a lone restarted process frees its predecessor's claims itself.
pub async fn heartbeat_step(state: &AppState) -> Result<u64, kizuna_store::StoreError> {
    let now = state.clock.now();
    state.store.beat(&state.process, now).await?;
    let released = state.store.release_claims_of_stopped(now, now - Duration::seconds(HEARTBEAT_LAPSE_SECONDS)).await?;
    if released > 0 {
        tracing::warn!(released, "deliveries claimed by a stopped process are queued again");
        state.work.notify_one();
    }
    Ok(released)
}

/// Beats every few seconds until `shutdown` changes.
pub async fn run_heartbeat(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(HEARTBEAT_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(error) = heartbeat_step(&state).await {
                    tracing::warn!(%error, "heartbeat failed; retrying");
                }
            }
            _ = shutdown.changed() => break,
        }
    }
}

/// Runs the scheduler until `shutdown` changes, then gives its lease back.
pub async fn run_scheduler(state: AppState, holder: String, mut shutdown: watch::Receiver<bool>) {
    // Every few seconds, so a scheduled notice leaves on time.
    let mut tick = tokio::time::interval(StdDuration::from_secs(5));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(error) = housekeeping_step(&state, &holder).await {
                    tracing::warn!(%error, "scheduler step failed; retrying");
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    if let Err(error) = state.store.release_lease("scheduler", &holder).await {
        tracing::warn!(%error, "could not release the scheduler lease; it expires by itself");
    }
}
