//! Staff accounts and API keys as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::EmailAddress;
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_core::token::TokenHash;

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: EmailAddress,
    pub password_hash: String,
    pub scope: Scope,
    pub role: Role,
    pub emergency: bool,
    pub must_change_password: bool,
}

#[derive(Clone)]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub scope: Scope,
    pub role: Role,
    pub emergency: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    /// The TOTP secret, sealed with the secret key; `None` until enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted: a code of it or before is refused.
    pub totp_last_step: Option<i64>,
    pub password_changed_at: Option<DateTime<Utc>>,
}

/// Never prints the address, the password hash or the second factor.
impl std::fmt::Debug for StaffAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffAccount")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub prefix: String,
    pub hash: TokenHash,
    pub scope: Scope,
    pub rights: Vec<ApiRight>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub prefix: String,
    pub scope: Scope,
    pub rights: Vec<ApiRight>,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}
