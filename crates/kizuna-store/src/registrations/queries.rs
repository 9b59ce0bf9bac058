//! The statements of double opt-in and of residents' personal links.

/// One statement decides, so two submissions at once cannot both insert: a new
/// address becomes pending, a pending, unsubscribed or suppressed one is reset
/// to pending with the new choices, an active one is left alone (no row back).
pub(super) const SAVE_PENDING: &str = "INSERT INTO subscribers (email, status, language, format, charset,
        emergency_only, source, source_municipality, created_at, updated_at, pending_expires_at, email_hash, domain)
     VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)
     ON CONFLICT (email) DO UPDATE SET status = 'pending', language = excluded.language,
       format = excluded.format, charset = excluded.charset,
       emergency_only = excluded.emergency_only, source = excluded.source,
       source_municipality = excluded.source_municipality, updated_at = excluded.updated_at,
       pending_expires_at = excluded.pending_expires_at
     WHERE subscribers.status <> 'active'
     RETURNING id";

pub(super) const ID_BY_EMAIL: &str = "SELECT id FROM subscribers WHERE email = $1";

pub(super) const INSERT_CONFIRM_TOKEN: &str = "INSERT INTO link_tokens (token_hash, purpose, subscriber_id,
     expires_at, created_at) VALUES ($1, 'confirm', $2, $3, $4)";

pub(super) const CONFIRMATION: &str = "SELECT t.used_at, s.id, s.status, s.email_hash, s.pending_expires_at
     FROM link_tokens t JOIN subscribers s ON s.id = t.subscriber_id
     WHERE t.token_hash = $1 AND t.purpose = 'confirm' AND t.expires_at > $2";

/// Following the link proved the mailbox: earlier bounces no longer count.
pub(super) const ACTIVATE: &str = "UPDATE subscribers SET status = 'active', confirmed_at = $2, updated_at = $2,
     pending_expires_at = NULL, hard_bounces = 0
     WHERE id = $1 AND status = 'pending'";

pub(super) const LIFT_SUPPRESSION: &str = "DELETE FROM suppressions WHERE email_hash = $1";

pub(super) const USE_TOKEN: &str = "UPDATE link_tokens SET used_at = $2 WHERE token_hash = $1";

pub(super) const INSERT_TOKEN: &str = "INSERT INTO link_tokens (token_hash, purpose, subscriber_id, email,
     expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub(super) const TOKEN: &str = "SELECT purpose, subscriber_id, email, expires_at, used_at FROM link_tokens
     WHERE token_hash = $1 AND expires_at > $2";

pub(super) const USE_TOKEN_ONCE: &str = "UPDATE link_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL";
