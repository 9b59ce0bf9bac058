//! The statements of staff accounts and API keys.

pub(super) const INSERT_STAFF: &str = "INSERT INTO staff (email, password_hash, municipality_code, role, emergency,
     must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

/// The columns a [`StaffAccount`](super::StaffAccount) is read from.
macro_rules! staff {
    ($where:literal) => {
        concat!(
            "SELECT id, email, password_hash, municipality_code, role, emergency, must_change_password, created_at,
                disabled_at, totp_secret, totp_last_step, password_changed_at
             FROM staff ",
            $where
        )
    };
}

pub(super) const STAFF_BY_EMAIL: &str = staff!("WHERE email = $1");
pub(super) const STAFF_BY_ID: &str = staff!("WHERE id = $1");

/// Accounts of one municipality (`$1`), or with NULL of every one, by address.
pub(super) const STAFF_LIST: &str = staff!("WHERE $1 IS NULL OR municipality_code = $1 ORDER BY email");

pub(super) const UPDATE_STAFF: &str =
    "UPDATE staff SET role = $2, municipality_code = $3, emergency = $4 WHERE id = $1";

pub(super) const SET_DISABLED: &str = "UPDATE staff SET disabled_at = $2 WHERE id = $1";

pub(super) const API_KEYS: &str = "SELECT id, prefix, municipality_code, rights, label, created_at, revoked_at
     FROM api_keys ORDER BY id";

/// A new password; a temporary one (`$3`) must be changed at the next sign-in.
pub(super) const SET_PASSWORD: &str = "UPDATE staff SET password_hash = $2, must_change_password = $3,
     password_changed_at = $4 WHERE id = $1";

/// Enrols (or, with NULL, removes) the second factor; earlier codes no longer count.
pub(super) const SET_TOTP: &str = "UPDATE staff SET totp_secret = $2, totp_last_step = NULL WHERE id = $1";

pub(super) const DELETE_RECOVERY_CODES: &str = "DELETE FROM staff_recovery_codes WHERE staff_id = $1";

pub(super) const INSERT_RECOVERY_CODE: &str = "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)";

/// Takes a time step only when it is later than every step used before, so a
/// code works once even when two sign-ins race with it.
pub(super) const USE_TOTP_STEP: &str = "UPDATE staff SET totp_last_step = $2
     WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)";

pub(super) const USE_RECOVERY_CODE: &str = "UPDATE staff_recovery_codes SET used_at = $3
     WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL";

pub(super) const UNUSED_RECOVERY_CODES: &str =
    "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL";

pub(super) const COUNT_STAFF: &str = "SELECT COUNT(*) FROM staff";

/// Only the key's hash is kept; the prefix lets an operator recognise it.
pub(super) const INSERT_API_KEY: &str = "INSERT INTO api_keys (prefix, key_hash, municipality_code, rights, label,
     created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

pub(super) const API_KEY_BY_HASH: &str = "SELECT id, prefix, municipality_code, rights, label, created_at, revoked_at
     FROM api_keys WHERE key_hash = $1";

pub(super) const REVOKE_API_KEY: &str = "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
