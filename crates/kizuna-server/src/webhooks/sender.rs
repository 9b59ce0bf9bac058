//! The sender, a singleton job holding a lease: claims the events that are due,
//! posts them all at once, and records each attempt, retrying with backoff.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use kizuna_core::notice::NoticeStatus;
use kizuna_store::{ClaimRequest, ClaimedWebhookDelivery, StoreError, WebhookOutcome, WebhookResult};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::attempt::{Attempt, deliver};
use super::payload::payload;
use crate::secrets::WEBHOOK_PURPOSE;
use crate::state::AppState;

/// How long one attempt may take, from name lookup to the response status.
pub const ATTEMPT_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// Attempts before an event is given up (about three hours of retries).
pub const MAX_ATTEMPTS: i64 = 10;
/// The lease that makes one process of many the sender.
pub const LEASE: &str = "webhooks";
const BATCH_SIZE: i64 = 20;
/// Longer than an attempt can take, so a live sender never loses its claim.
const CLAIM_TTL_SECONDS: i64 = 120;

/// When to try an event again after `attempts` failed: 30 s doubling to an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 8) - 1;
    Duration::seconds((30i64 << exponent).min(3600))
}

/// What one step of the sender did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub cancelled: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Another process holds the sender's lease.
    Standby,
    /// Nothing was due.
    Idle,
    Attempted(BatchReport),
}

/// Claims due events and posts them, each with its own timeout, all at once.
/// Steppable: tests drive it one batch at a time with a manual clock.
pub async fn try_execute_batch(state: &AppState, holder: &str) -> Result<Outcome, StoreError> {
    let store = &state.store;
    let now = state.clock.now();
    let ttl = Duration::seconds(crate::jobs::LEASE_TTL_SECONDS);
    if !store.try_acquire_lease(LEASE, holder, now, ttl).await? {
        return Ok(Outcome::Standby);
    }
    let claim_id =
        kizuna_core::token::random_secret(12).map_err(|e| StoreError::Unavailable(format!("randomness: {e}")))?;
    let request = ClaimRequest {
        claim_id: claim_id.clone(),
        now,
        batch_size: BATCH_SIZE,
        claim_ttl: Duration::seconds(CLAIM_TTL_SECONDS),
    };
    let claimed = store.claim_webhook_deliveries(&request).await?;
    if claimed.is_empty() {
        return Ok(Outcome::Idle);
    }
    let mut outcomes = Vec::with_capacity(claimed.len());
    let mut attempts = JoinSet::new();
    for delivery in claimed.iter().cloned() {
        let notice = store.notice(delivery.notice_id).await?;
        let Some(notice) = notice.filter(|n| n.status != NoticeStatus::Cancelled) else {
            outcomes.push(WebhookOutcome {
                delivery_id: delivery.id,
                result: WebhookResult::Cancelled,
                status_code: None,
                error: None,
            });
            continue;
        };
        let body = payload(delivery.id, delivery.event, &notice, &state.settings.base_url);
        let timestamp = state.clock.now().timestamp();
        let secret = match state.secrets.open(WEBHOOK_PURPOSE, &delivery.secret) {
            Ok(secret) => secret,
            Err(error) => {
                // Start-up checks every stored secret, so only a key file changed since ends here.
                let attempt = Attempt::Transient { status: None, error: format!("the signing secret: {error}") };
                outcomes.push(settle(&delivery, attempt, now));
                continue;
            }
        };
        let outbound = state.settings.outbound.clone();
        attempts.spawn(async move {
            let attempt =
                tokio::time::timeout(ATTEMPT_TIMEOUT, deliver(&outbound, &delivery, &secret, body, timestamp))
                    .await
                    .unwrap_or_else(|_| Attempt::Transient {
                        status: None,
                        error: format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs()),
                    });
            (delivery, attempt)
        });
    }
    while let Some(joined) = attempts.join_next().await {
        let Ok((delivery, attempt)) = joined else {
            tracing::error!("a webhook attempt ended abnormally; its event is claimed again after the claim expires");
            continue;
        };
        outcomes.push(settle(&delivery, attempt, state.clock.now()));
    }
    store.record_webhook_outcomes(&claim_id, &outcomes, state.clock.now()).await?;
    let mut report = BatchReport { claimed: claimed.len(), ..BatchReport::default() };
    for outcome in &outcomes {
        match outcome.result {
            WebhookResult::Sent => report.sent += 1,
            WebhookResult::Retry { .. } => report.retried += 1,
            WebhookResult::Failed => report.failed += 1,
            WebhookResult::Cancelled => report.cancelled += 1,
        }
    }
    Ok(Outcome::Attempted(report))
}

fn settle(delivery: &ClaimedWebhookDelivery, attempt: Attempt, now: DateTime<Utc>) -> WebhookOutcome {
    let (result, status_code, error) = match attempt {
        Attempt::Delivered(status) => (WebhookResult::Sent, Some(status), None),
        Attempt::Refused(error) => (WebhookResult::Failed, None, Some(error)),
        Attempt::Transient { status, error } => {
            if delivery.attempts >= MAX_ATTEMPTS {
                (WebhookResult::Failed, status, Some(format!("{error} (gave up after {} attempts)", delivery.attempts)))
            } else {
                let next_attempt_at = now + backoff(delivery.attempts);
                (WebhookResult::Retry { next_attempt_at }, status, Some(error))
            }
        }
    };
    if let Some(error) = &error {
        tracing::warn!(webhook = delivery.webhook_id, event = delivery.id, attempt = delivery.attempts, %error, "webhook attempt failed");
    }
    WebhookOutcome { delivery_id: delivery.id, result, status_code: status_code.map(i64::from), error }
}

/// Runs the sender until `shutdown` changes, then gives its lease back.
pub async fn run(state: AppState, holder: String, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(StdDuration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                // A full batch suggests more is waiting: go on at once.
                loop {
                    match try_execute_batch(&state, &holder).await {
                        Ok(Outcome::Attempted(report)) if report.claimed as i64 >= BATCH_SIZE => {
                            if *shutdown.borrow() {
                                break;
                            }
                        }
                        Ok(_) => break,
                        Err(error) => {
                            tracing::warn!(%error, "webhook step failed; retrying");
                            break;
                        }
                    }
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    if let Err(error) = state.store.release_lease(LEASE, &holder).await {
        tracing::warn!(%error, "could not release the webhook lease; it expires by itself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
