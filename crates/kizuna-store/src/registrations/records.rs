//! Registrations waiting for confirmation and residents' link tokens.

use chrono::{DateTime, Utc};
use kizuna_core::subscriber::{RegistrationSource, TokenPurpose};
use kizuna_core::token::TokenHash;
use kizuna_core::{EmailAddress, MunicipalityCode};

use crate::residents::{Preferences, Subscription};

#[derive(Debug, Clone)]
pub struct NewLinkToken {
    pub hash: TokenHash,
    pub purpose: TokenPurpose,
    pub subscriber_id: Option<i64>,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkToken {
    pub purpose: TokenPurpose,
    pub subscriber_id: Option<i64>,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// A registration waiting for its confirmation link to be followed.
#[derive(Debug, Clone)]
pub struct PendingRegistration {
    pub email: EmailAddress,
    pub preferences: Preferences,
    pub source: RegistrationSource,
    pub source_municipality: Option<MunicipalityCode>,
    pub subscriptions: Vec<Subscription>,
    /// The SHA-256 of the token mailed in the confirmation link.
    pub token: TokenHash,
    /// When the registration and its token lapse.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingOutcome {
    /// Stored as pending; the confirmation mail may go out.
    Saved { subscriber_id: i64 },
    /// The address is already active; nothing was changed.
    AlreadyActive { subscriber_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Confirmed {
        subscriber_id: i64,
    },
    /// The link was followed before (a second click, or a second tab).
    AlreadyConfirmed {
        subscriber_id: i64,
    },
    /// Unknown, expired, or for a registration that no longer waits.
    Invalid,
}
