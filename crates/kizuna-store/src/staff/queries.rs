//! The statements of staff accounts and API keys.

pub(super) const INSERT_STAFF: &str = "INSERT INTO staff (email, password_hash, municipality_code, role, emergency,
     must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

pub(super) const STAFF_BY_EMAIL: &str = "SELECT id, email, password_hash, municipality_code, role, emergency,
     must_change_password, created_at, disabled_at FROM staff WHERE email = $1";

pub(super) const COUNT_STAFF: &str = "SELECT COUNT(*) FROM staff";

/// Only the key's hash is kept; the prefix lets an operator recognise it.
pub(super) const INSERT_API_KEY: &str = "INSERT INTO api_keys (prefix, key_hash, municipality_code, rights, label,
     created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

pub(super) const API_KEY_BY_HASH: &str = "SELECT id, prefix, municipality_code, rights, label, created_at, revoked_at
     FROM api_keys WHERE key_hash = $1";

pub(super) const REVOKE_API_KEY: &str = "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
