//! Delivery workers: claim a batch, render one message per resident, hand them to
//! the transport concurrently, record what happened. Steppable: a test drives
//! `try_execute_batch` one batch at a time with an injected clock.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kizuna_core::notice::NoticeStatus;
use kizuna_core::token::random_secret;
use kizuna_mail::{MailError, OutgoingMessage};
use kizuna_store::{ClaimRequest, ClaimedDelivery, DeliveryOutcome, DeliveryResult, Notice, PacingRule, StoreError};
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::MissedTickBehavior;

use crate::config::DeliverySettings;
use crate::links::MailLinks;
use crate::mailer::{self, PreparedNotice};
use crate::state::AppState;

/// What one step of a worker did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub deferred: usize,
    pub bounced: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// Put back untouched because the relay could not be reached.
    pub released: usize,
    pub completed_notices: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was ready.
    Idle,
    Delivered(BatchReport),
    /// The relay could not be reached; the batch went back to the queue.
    RelayDown(BatchReport),
}

pub struct Worker {
    state: AppState,
    /// Lanes a batch is sent in: one per relay connection.
    concurrency: usize,
    /// The express worker: emergencies only, sent without waiting behind the
    /// other workers' batches.
    express: bool,
}

/// How many emergency deliveries the express worker claims at once: what one
/// connection hands over in a few tens of milliseconds. The other workers
/// claim emergencies first too, so a large emergency is not held to one lane.
const EXPRESS_BATCH: i64 = 100;

/// When to try a deferred message again: exponential from 30 s, capped at 30
/// minutes, with ±20 % jitter so retries of a large fan-out spread out.
pub fn backoff(attempts: i64, jitter: f64) -> Duration {
    let exponent = attempts.clamp(1, 7) - 1;
    let seconds = (30i64 << exponent).min(1800) as f64;
    Duration::milliseconds((seconds * 1000.0 * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))) as i64)
}

fn jitter() -> f64 {
    let mut byte = [0u8; 1];
    match kizuna_core::token::fill_random(&mut byte) {
        Ok(()) => f64::from(byte[0]) / 255.0,
        Err(_) => 0.5,
    }
}

impl Worker {
    pub fn new(state: AppState) -> Self {
        let concurrency = (state.settings.smtp_connections as usize).max(1);
        Self { state, concurrency, express: false }
    }

    /// Starts this process's delivery workers (`delivery_workers` of them) and
    /// its express worker, until `stop` changes.
    pub fn start_all(state: &AppState, stop: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let workers = (0..state.settings.delivery.workers).map(|_| Self::new(state.clone()));
        workers.chain([Self::express(state.clone())]).map(|worker| tokio::spawn(worker.run(stop.clone()))).collect()
    }

    fn lanes(&self) -> Lanes {
        Lanes { count: self.concurrency, urgent: self.express }
    }

    /// The worker each process runs beside the others for emergencies alone:
    /// woken by an emergency's send, it claims only emergency deliveries and
    /// hands them to the relay at once even while every connection carries a
    /// large send (`Transport::send_urgent`), so an evacuation order is not
    /// queued behind the batches already claimed.
    pub fn express(state: AppState) -> Self {
        Self { state, concurrency: 1, express: true }
    }

    /// Makes the configured pacing rules the store's; the built-in defaults only
    /// fill an empty table, so rules changed at the console survive a restart.
    pub async fn sync_pacing(state: &AppState) -> Result<(), StoreError> {
        if !state.settings.delivery.pacing_configured && !state.store.pacing_rules().await?.is_empty() {
            return Ok(());
        }
        let rules: Vec<PacingRule> = state
            .settings
            .delivery
            .pacing
            .iter()
            .map(|(domain, per_minute)| PacingRule { domain: domain.clone(), per_minute: *per_minute })
            .collect();
        state.store.sync_pacing_rules(&rules).await
    }

    /// Claims and delivers one batch.
    pub async fn try_execute_batch(&mut self) -> Result<Outcome, StoreError> {
        let Some(batch) = self.prepare().await? else {
            return Ok(Outcome::Idle);
        };
        let sent = send(self.state.clone(), batch, self.lanes()).await;
        self.record(sent).await
    }

    /// Claims a batch and renders its messages, their links derived from each
    /// delivery (`crate::links`): nothing is written for them.
    async fn prepare(&mut self) -> Result<Option<Batch>, StoreError> {
        let state = &self.state;
        let now = state.clock.now();
        let settings = &state.settings.delivery;
        let batch = random_secret(9).map_err(|e| StoreError::Unavailable(format!("randomness: {e}")))?;
        let claim_id = format!("{}/{batch}", state.process);
        let request = ClaimRequest {
            claim_id: claim_id.clone(),
            now,
            batch_size: if self.express { EXPRESS_BATCH.min(settings.batch_size) } else { settings.batch_size },
            claim_ttl: Duration::minutes(5),
        };
        let claimed = if self.express {
            state.store.claim_emergencies(&request).await?
        } else {
            state.store.claim_deliveries(&request).await?
        };
        if claimed.is_empty() {
            return Ok(None);
        }
        // Read each notice afresh: a cancellation must stop the batch at once.
        let mut notices: HashMap<i64, Arc<Notice>> = HashMap::new();
        for delivery in &claimed {
            if !notices.contains_key(&delivery.notice_id)
                && let Some(notice) = state.store.notice(delivery.notice_id).await?
            {
                notices.insert(notice.id, Arc::new(notice));
            }
        }
        // Names and senders come from the directory, never from the store per batch.
        let directory = state.directory.current();
        let mail_domain = &state.settings.mail_domain;
        let prepared: HashMap<i64, PreparedNotice> =
            notices.values().filter_map(|n| mailer::prepare(&directory, mail_domain, n).map(|p| (n.id, p))).collect();
        let mut batch = Batch {
            claim_id,
            now,
            unrecorded: Vec::with_capacity(claimed.len()),
            messages: Vec::with_capacity(claimed.len()),
            relay_down: false,
            report: BatchReport { claimed: claimed.len(), ..BatchReport::default() },
        };
        for delivery in claimed {
            let notice = notices.get(&delivery.notice_id).filter(|n| n.status == NoticeStatus::Sending);
            let Some(notice) = notice else {
                batch.settle(DeliveryOutcome { delivery_id: delivery.id, result: DeliveryResult::Cancelled });
                continue;
            };
            let links = MailLinks::of(&state.secrets, delivery.id);
            let rendered =
                prepared.get(&notice.id).and_then(|p| mailer::render(&state.settings, p, &delivery, &links, now));
            match rendered {
                Some(message) => batch.messages.push((delivery, message)),
                None => batch.settle(DeliveryOutcome {
                    delivery_id: delivery.id,
                    result: DeliveryResult::Failed { reply: "the stored address or notice text does not parse".into() },
                }),
            }
        }
        Ok(Some(batch))
    }

    /// Records what became of a batch's messages that is not recorded yet.
    async fn record(&self, batch: Batch) -> Result<Outcome, StoreError> {
        let state = &self.state;
        let Batch { claim_id, unrecorded, relay_down, mut report, .. } = batch;
        if relay_down {
            state.relay.unreachable(state.clock.now());
        } else {
            state.relay.reached();
        }
        let settings = &state.settings.delivery;
        let completed = state
            .store
            .record_delivery_outcomes(&claim_id, &unrecorded, settings.suppress_after, state.clock.now())
            .await?;
        report.completed_notices.extend(completed);
        for notice in &report.completed_notices {
            tracing::info!(notice, "every delivery of the notice is settled");
        }
        tracing::info!(claimed = report.claimed, relay_down, "delivery batch done");
        Ok(if relay_down { Outcome::RelayDown(report) } else { Outcome::Delivered(report) })
    }

    /// Runs batches until `stop` changes: at once while there is work, woken by
    /// new work, polling every second otherwise, backing off while the relay is
    /// down. The next batch is claimed and rendered, and the previous one
    /// recorded, while a batch is on the wire.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let work = if self.express { self.state.emergencies.clone() } else { self.state.work.clone() };
        let mut pause = StdDuration::from_secs(1);
        let mut on_the_wire: Option<JoinHandle<Batch>> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            let mut wait = None;
            let next = match self.prepare().await {
                Ok(next) => next,
                Err(error) => {
                    tracing::error!(%error, "claiming a delivery batch failed; retrying");
                    wait = Some(StdDuration::from_secs(2));
                    None
                }
            };
            let previous = match on_the_wire.take() {
                Some(handle) => joined(handle).await,
                None => None,
            };
            on_the_wire = next.map(|batch| tokio::spawn(send(self.state.clone(), batch, self.lanes())));
            if let Some(sent) = previous {
                match self.record(sent).await {
                    Ok(Outcome::RelayDown(report)) => {
                        tracing::warn!(released = report.released, retry_in = ?pause, "the relay cannot be reached");
                        wait = Some(pause);
                        pause = (pause * 2).min(StdDuration::from_secs(30));
                    }
                    Ok(_) => pause = StdDuration::from_secs(1),
                    Err(error) => {
                        tracing::error!(%error, "recording a delivery batch failed; its claim expires and it is sent again");
                        wait = Some(StdDuration::from_secs(2));
                    }
                }
            } else if on_the_wire.is_none() {
                // Nothing claimed and nothing on the wire: idle until woken.
                wait = wait.or(Some(StdDuration::from_secs(1)));
            }
            if let Some(wait) = wait {
                tokio::select! {
                    _ = work.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => break,
                }
            }
        }
        // What is on the wire is recorded, so none of it waits for its claim to expire.
        if let Some(handle) = on_the_wire
            && let Some(sent) = joined(handle).await
            && let Err(error) = self.record(sent).await
        {
            tracing::error!(%error, "recording the last delivery batch failed; its claim expires and it is sent again");
        }
    }
}

/// While a batch is on the wire, what the relay answered so far is recorded this
/// often, so the console's progress counts each message the relay took rather
/// than whole batches. A batch answered sooner (1,000 messages take some 40 ms
/// at full speed) is recorded once, when it is done.
const RECORD_EVERY: StdDuration = StdDuration::from_millis(250);

/// A claimed batch, rendered: the messages to send, and what became of the
/// others and of those already answered.
struct Batch {
    claim_id: String,
    now: DateTime<Utc>,
    messages: Vec<(ClaimedDelivery, OutgoingMessage)>,
    /// Outcomes known but not yet written to the store.
    unrecorded: Vec<DeliveryOutcome>,
    /// A message found the relay unreachable.
    relay_down: bool,
    report: BatchReport,
}

impl Batch {
    fn settle(&mut self, outcome: DeliveryOutcome) {
        let report = &mut self.report;
        match outcome.result {
            DeliveryResult::Sent => report.sent += 1,
            DeliveryResult::Deferred { .. } => report.deferred += 1,
            DeliveryResult::Bounced { .. } => report.bounced += 1,
            DeliveryResult::Failed { .. } => report.failed += 1,
            DeliveryResult::Cancelled => report.cancelled += 1,
            DeliveryResult::Released => report.released += 1,
        }
        self.unrecorded.push(outcome);
    }

    /// What the relay's answer means for a delivery.
    fn answered(&mut self, delivery: &ClaimedDelivery, answer: Result<String, MailError>, settings: &DeliverySettings) {
        let too_old = self.now - delivery.created_at > settings.retry_max_age;
        let result = match answer {
            Ok(_) => DeliveryResult::Sent,
            Err(MailError::Permanent(reply)) => DeliveryResult::Bounced { reply },
            Err(MailError::Unavailable(reply)) => {
                self.relay_down = true;
                if too_old { DeliveryResult::Failed { reply } } else { DeliveryResult::Released }
            }
            Err(MailError::Temporary(reply)) if too_old => DeliveryResult::Failed { reply },
            Err(MailError::Temporary(reply)) => {
                DeliveryResult::Deferred { reply, next_attempt_at: self.now + backoff(delivery.attempts, jitter()) }
            }
        };
        self.settle(DeliveryOutcome { delivery_id: delivery.id, result });
    }

    /// Writes what is known so far. A failure keeps it for the next try: the
    /// store wrote none of it.
    async fn record_so_far(&mut self, state: &AppState) {
        if self.unrecorded.is_empty() {
            return;
        }
        let settings = &state.settings.delivery;
        let written = state
            .store
            .record_delivery_outcomes(&self.claim_id, &self.unrecorded, settings.suppress_after, state.clock.now())
            .await;
        match written {
            Ok(completed) => {
                self.unrecorded.clear();
                self.report.completed_notices.extend(completed);
            }
            Err(error) => tracing::warn!(%error, "recording a batch's progress failed; trying again"),
        }
    }
}

/// How a batch goes on the wire: in how many lanes, and whether ahead of
/// what other workers are sending.
#[derive(Clone, Copy)]
struct Lanes {
    count: usize,
    urgent: bool,
}

/// Sends a batch in one lane per relay connection, each handing its share over
/// at once (the SMTP transport keeps one connection and one round trip per
/// message): few tasks and wake-ups, and every connection busy. Each answer is
/// taken as it comes, and recorded every [`RECORD_EVERY`] while the rest are
/// still on the wire.
async fn send(state: AppState, mut batch: Batch, Lanes { count, urgent }: Lanes) -> Batch {
    let messages = std::mem::take(&mut batch.messages);
    let lanes = count.min(messages.len()).max(1);
    let share = messages.len().div_ceil(lanes);
    let (answer, mut answers) = mpsc::unbounded_channel();
    let mut sends = JoinSet::new();
    let mut messages = messages.into_iter();
    for _ in 0..lanes {
        let (deliveries, outgoing): (Vec<_>, Vec<_>) = messages.by_ref().take(share).unzip();
        let transport = state.transport.clone();
        let answer = answer.clone();
        sends.spawn(async move {
            let mut deliveries = deliveries.into_iter();
            let mut answered = |result| {
                if let Some(delivery) = deliveries.next() {
                    // The receiver lives until every lane has ended.
                    let _ = answer.send((delivery, result));
                }
            };
            if urgent {
                transport.send_urgent(&outgoing, &mut answered).await;
            } else {
                transport.send_each(&outgoing, &mut answered).await;
            }
        });
    }
    drop(answer);
    let mut record = tokio::time::interval_at(tokio::time::Instant::now() + RECORD_EVERY, RECORD_EVERY);
    record.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            answered = answers.recv() => match answered {
                Some((delivery, result)) => batch.answered(&delivery, result, &state.settings.delivery),
                None => break,
            },
            _ = record.tick() => batch.record_so_far(&state).await,
        }
    }
    while let Some(lane) = sends.join_next().await {
        if lane.is_err() {
            tracing::error!(
                "a send lane ended abnormally; its unanswered deliveries are released by the claim's expiry"
            )
        }
    }
    batch
}

async fn joined(handle: JoinHandle<Batch>) -> Option<Batch> {
    match handle.await {
        Ok(sent) => Some(sent),
        Err(_) => {
            tracing::error!("sending a batch ended abnormally; its deliveries are released by the claim's expiry");
            None
        }
    }
}

/// How long ago the oldest waiting emergency was queued, if it is past the alert limit.
pub async fn stuck_emergency(state: &AppState, now: DateTime<Utc>) -> Result<Option<Duration>, StoreError> {
    let oldest = state.store.oldest_waiting_emergency().await?;
    Ok(oldest.map(|at| now - at).filter(|age| *age > state.settings.delivery.emergency_alert))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        assert_eq!(backoff(1, 0.5), Duration::seconds(30));
        assert_eq!(backoff(2, 0.5), Duration::seconds(60));
        assert_eq!(backoff(3, 0.5), Duration::seconds(120));
        assert_eq!(backoff(50, 0.5), Duration::seconds(1800));
        assert_eq!(backoff(1, 0.0), Duration::seconds(24));
        assert_eq!(backoff(1, 1.0), Duration::seconds(36));
    }
}
