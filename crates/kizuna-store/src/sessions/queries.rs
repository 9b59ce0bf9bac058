//! The statements of staff sessions and sign-in throttling.

pub(super) const INSERT_SESSION: &str = "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token,
     second_factor_done, created_at, last_seen_at, client_address) VALUES ($1, $2, $3, $4, $5, $5, $6)";

pub(super) const SESSION: &str = "SELECT token_hash, staff_id, csrf_token, second_factor_done, created_at,
     last_seen_at, client_address FROM staff_sessions WHERE token_hash = $1";

pub(super) const TOUCH: &str = "UPDATE staff_sessions SET last_seen_at = $2 WHERE token_hash = $1";

pub(super) const COMPLETE_SECOND_FACTOR: &str =
    "UPDATE staff_sessions SET second_factor_done = TRUE, last_seen_at = $2 WHERE token_hash = $1";

pub(super) const END: &str = "DELETE FROM staff_sessions WHERE token_hash = $1";

/// Every other session of an account ends when its password or second factor changes.
pub(super) const END_OTHERS: &str = "DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2";

pub(super) const PRUNE: &str = "DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2";

pub(super) const FAILURES: &str = "SELECT failures, last_failure_at FROM sign_in_failures WHERE key = $1";

/// A failure long past starts the count again rather than adding to it.
pub(super) const RECORD_FAILURE: &str = "INSERT INTO sign_in_failures (key, failures, last_failure_at)
     VALUES ($1, 1, $2)
     ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN sign_in_failures.last_failure_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
        last_failure_at = excluded.last_failure_at";

pub(super) const CLEAR_FAILURES: &str = "DELETE FROM sign_in_failures WHERE key = $1";

pub(super) const PRUNE_FAILURES: &str = "DELETE FROM sign_in_failures WHERE last_failure_at < $1";
