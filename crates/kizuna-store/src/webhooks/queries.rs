//! The statements of webhook receivers and their events.

use crate::db::PerBackend;

/// Queues one event per active webhook for a notice of a public category
/// ($1 notice, $2 event, $3 now); staff-only notices never leave by webhook.
pub(crate) const QUEUE_WEBHOOK_EVENTS: &str = "INSERT INTO webhook_deliveries (webhook_id, notice_id, event, status,
        attempts, next_attempt_at, created_at, updated_at)
     SELECT w.id, n.id, $2, 'queued', 0, $3, $3, $3
     FROM webhooks w CROSS JOIN notices n JOIN categories c ON c.key = n.category_key
     WHERE n.id = $1 AND c.restricted = FALSE AND w.disabled_at IS NULL";

pub(super) const INSERT_WEBHOOK: &str =
    "INSERT INTO webhooks (url, secret, allow_private, created_at) VALUES ($1, $2, $3, $4) RETURNING id";

/// Every receiver with its newest event's status.
pub(super) const WEBHOOKS: &str = "SELECT w.id, w.url, w.allow_private, w.created_at, w.disabled_at,
        (SELECT d.status FROM webhook_deliveries d WHERE d.webhook_id = w.id
         ORDER BY d.id DESC LIMIT 1) AS last_status,
        (SELECT d.updated_at FROM webhook_deliveries d WHERE d.webhook_id = w.id
         ORDER BY d.id DESC LIMIT 1) AS last_at
     FROM webhooks w ORDER BY w.id";

pub(super) const DISABLE_WEBHOOK: &str = "UPDATE webhooks SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL";

pub(super) const CANCEL_QUEUED: &str = "UPDATE webhook_deliveries SET status = 'cancelled', updated_at = $2
     WHERE webhook_id = $1 AND status = 'queued'";

/// Claims due events, and those whose sender's claim expired (an event still
/// `sending` past its claim belongs to a sender that died).
pub(super) const CLAIM: PerBackend = PerBackend {
    sqlite: "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, claim_id = $1,
            claimed_until = $2, updated_at = $3
         WHERE id IN (SELECT id FROM webhook_deliveries
            WHERE (status = 'queued' AND next_attempt_at <= $3)
               OR (status = 'sending' AND claimed_until < $3)
            ORDER BY next_attempt_at, id LIMIT $4)",
    postgres: "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, claim_id = $1,
            claimed_until = $2, updated_at = $3
         WHERE id IN (SELECT id FROM webhook_deliveries
            WHERE (status = 'queued' AND next_attempt_at <= $3)
               OR (status = 'sending' AND claimed_until < $3)
            ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)",
};

pub(super) const CLAIMED: &str = "SELECT d.id, d.webhook_id, w.url, w.secret, w.allow_private, d.notice_id,
        d.event, d.attempts
     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
     WHERE d.claim_id = $1 AND d.status = 'sending' ORDER BY d.id";

/// The claim in the WHERE clause keeps a sender that lost its claim from writing.
pub(super) const INSERT_ATTEMPT: &str = "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error)
     SELECT id, attempts, $3, $4, $5 FROM webhook_deliveries WHERE id = $1 AND claim_id = $2";

/// `$5` whether an attempt was made: a cancelled event gets its attempt back.
pub(super) const RECORD: &str = "UPDATE webhook_deliveries SET status = $3,
        next_attempt_at = COALESCE($4, next_attempt_at),
        last_status_code = CASE WHEN $5 THEN $6 ELSE last_status_code END,
        last_error = CASE WHEN $5 THEN $7 ELSE last_error END,
        attempts = CASE WHEN $5 THEN attempts ELSE attempts - 1 END,
        claim_id = NULL, claimed_until = NULL, updated_at = $8
     WHERE id = $1 AND claim_id = $2";

pub(super) const LOG: &str = "SELECT id, webhook_id, notice_id, event, status, attempts, next_attempt_at,
        last_status_code, last_error, created_at, updated_at
     FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2";

pub(super) const LOG_ATTEMPTS: &str = "SELECT delivery_id, attempt, at, status_code, error FROM webhook_attempts
     WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2)
     ORDER BY delivery_id, attempt, id";
