//! Webhooks: receivers of signed JSON for each public notice sent, corrected or
//! withdrawn. Events are queued with the notice's own change and claimed by a
//! sender like deliveries are; every attempt is logged.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::db::corrupt;
use crate::delivery::ClaimRequest;
use crate::{Result, SqlStore};

mod queries;
mod records;
pub(crate) use queries::QUEUE_WEBHOOK_EVENTS;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Webhooks: Send + Sync + 'static {
    /// Registers a webhook receiver; from now on every public notice sent,
    /// corrected or withdrawn queues one event for it.
    async fn create_webhook(&self, webhook: &NewWebhook, now: DateTime<Utc>) -> Result<i64>;
    /// Every receiver, removed ones included, oldest first.
    async fn webhooks(&self) -> Result<Vec<Webhook>>;
    /// Stops a receiver and cancels its waiting events; its log stays. False
    /// when there is no such receiver or it was already removed.
    async fn remove_webhook(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;
    /// Claims webhook events that are due, and those whose sender's claim expired.
    async fn claim_webhook_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedWebhookDelivery>>;
    /// Records what happened to each claimed event, one attempt row each.
    async fn record_webhook_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[WebhookOutcome],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// A receiver's newest events with their attempts, newest first.
    async fn webhook_log(&self, webhook_id: i64, limit: i64) -> Result<Vec<WebhookDelivery>>;
}

#[async_trait]
impl Webhooks for SqlStore {
    async fn create_webhook(&self, webhook: &NewWebhook, now: DateTime<Utc>) -> Result<i64> {
        self.db
            .query(INSERT_WEBHOOK)
            .bind(&webhook.url)
            .bind(&webhook.secret)
            .bind(webhook.allow_private)
            .bind(now)
            .fetch_scalar()
            .await
    }

    async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let rows = self.db.query(WEBHOOKS).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let last_status: Option<String> = row.get("last_status")?;
                let last_at: Option<DateTime<Utc>> = row.get("last_at")?;
                let last_delivery = match (last_status, last_at) {
                    (Some(status), Some(at)) => Some((delivery_status(&status)?, at)),
                    _ => None,
                };
                Ok(Webhook {
                    id: row.get("id")?,
                    url: row.get("url")?,
                    allow_private: row.get("allow_private")?,
                    created_at: row.get("created_at")?,
                    removed_at: row.get("disabled_at")?,
                    last_delivery,
                })
            })
            .collect()
    }

    async fn remove_webhook(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        if tx.query(DISABLE_WEBHOOK).bind(id).bind(now).execute().await? == 0 {
            return Ok(false);
        }
        tx.query(CANCEL_QUEUED).bind(id).bind(now).execute().await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim_webhook_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedWebhookDelivery>> {
        let now = request.now;
        let mut tx = self.db.begin().await?;
        tx.query(CLAIM)
            .bind(&request.claim_id)
            .bind(now + request.claim_ttl)
            .bind(now)
            .bind(request.batch_size.max(1))
            .execute()
            .await?;
        let rows = tx.query(CLAIMED).bind(&request.claim_id).fetch_all().await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                Ok(ClaimedWebhookDelivery {
                    id: row.get("id")?,
                    webhook_id: row.get("webhook_id")?,
                    url: row.get("url")?,
                    secret: row.get("secret")?,
                    allow_private: row.get("allow_private")?,
                    notice_id: row.get("notice_id")?,
                    event: event(&row.get::<String>("event")?)?,
                    attempts: row.get("attempts")?,
                })
            })
            .collect()
    }

    async fn record_webhook_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[WebhookOutcome],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for outcome in outcomes {
            let (status, next): (&str, Option<DateTime<Utc>>) = match &outcome.result {
                WebhookResult::Sent => ("sent", None),
                WebhookResult::Retry { next_attempt_at } => ("queued", Some(*next_attempt_at)),
                WebhookResult::Failed => ("failed", None),
                WebhookResult::Cancelled => ("cancelled", None),
            };
            let attempted = !matches!(outcome.result, WebhookResult::Cancelled);
            if attempted {
                tx.query(INSERT_ATTEMPT)
                    .bind(outcome.delivery_id)
                    .bind(claim_id)
                    .bind(now)
                    .bind(outcome.status_code)
                    .bind(outcome.error.as_deref())
                    .execute()
                    .await?;
            }
            tx.query(RECORD)
                .bind(outcome.delivery_id)
                .bind(claim_id)
                .bind(status)
                .bind(next)
                .bind(attempted)
                .bind(outcome.status_code)
                .bind(outcome.error.as_deref())
                .bind(now)
                .execute()
                .await?;
        }
        tx.commit().await
    }

    async fn webhook_log(&self, webhook_id: i64, limit: i64) -> Result<Vec<WebhookDelivery>> {
        let limit = limit.clamp(1, 1000);
        let rows = self.db.query(LOG).bind(webhook_id).bind(limit).fetch_all().await?;
        let attempts = self.db.query(LOG_ATTEMPTS).bind(webhook_id).bind(limit).fetch_all().await?;
        let mut log = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get("id")?;
            let mut attempt_log = Vec::new();
            for a in &attempts {
                if a.get::<i64>("delivery_id")? == id {
                    attempt_log.push(WebhookAttempt {
                        attempt: a.get("attempt")?,
                        at: a.get("at")?,
                        status_code: a.get("status_code")?,
                        error: a.get("error")?,
                    });
                }
            }
            log.push(WebhookDelivery {
                id,
                webhook_id: row.get("webhook_id")?,
                notice_id: row.get("notice_id")?,
                event: event(&row.get::<String>("event")?)?,
                status: delivery_status(&row.get::<String>("status")?)?,
                attempts: row.get("attempts")?,
                next_attempt_at: row.get("next_attempt_at")?,
                last_status_code: row.get("last_status_code")?,
                last_error: row.get("last_error")?,
                created_at: row.get("created_at")?,
                updated_at: row.get("updated_at")?,
                attempt_log,
            });
        }
        Ok(log)
    }
}

fn event(text: &str) -> Result<WebhookEvent> {
    WebhookEvent::parse(text).ok_or_else(|| corrupt("webhook event", text))
}

fn delivery_status(text: &str) -> Result<WebhookDeliveryStatus> {
    WebhookDeliveryStatus::parse(text).ok_or_else(|| corrupt("webhook delivery status", text))
}
