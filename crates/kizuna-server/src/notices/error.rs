//! `NoticeError`: why the notice service refused or failed. The API maps it to
//! its JSON errors (`api::ApiError`); the console will map it to form errors. The
//! messages are the API's English ones; people see the console's own texts.

use chrono::{DateTime, Utc};
use kizuna_core::notice::TransitionError;
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::StoreError;

use super::Permission;

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// No such notice, or one the actor may no longer see (an obituary past its days).
    #[error("there is no notice {0}")]
    NotFound(i64),
    #[error("not allowed to {}{why}", .permission.as_str())]
    NotAllowed { permission: Permission, why: &'static str },
    /// The actor does not act for this municipality (a 6-digit code).
    #[error("not acting for municipality {0}")]
    OutOfScope(String),
    /// The draft's `index`th municipality is not a member of the consortium.
    #[error("{code} is not a municipality of this consortium")]
    UnknownMunicipality { index: usize, code: MunicipalityCode },
    #[error("there is no category {:?}", .0.as_str())]
    UnknownCategory(CategoryKey),
    /// The draft's `index`th area belongs to none of its municipalities.
    #[error("area {area} is not an area of the notice's municipalities")]
    UnknownArea { index: usize, area: i64 },
    #[error("{0} is not in the future")]
    SendAtNotAhead(DateTime<Utc>),
    #[error("{expires_at} is not after the notice goes out ({starts})")]
    ExpiresBeforeStart { expires_at: DateTime<Utc>, starts: DateTime<Utc> },
    /// The same idempotency key made notice `0` with other content.
    #[error("this key already created notice {0} with other content; use a new key for a new notice")]
    IdempotencyKeyReused(i64),
    #[error("a notice with a send_at ahead goes out at that time once approved; it cannot skip approval")]
    ScheduledNeedsApproval,
    /// The lifecycle forbids this move from the notice's status.
    #[error(transparent)]
    Transition(TransitionError),
    /// Another request changed the notice between reading and writing it.
    #[error("{0}")]
    Conflict(String),
    /// The notice asks no safety check-in (安否確認).
    #[error("notice {0} carries no safety check-in")]
    NoCheckIn(i64),
    #[error("storage: {0}")]
    Store(#[source] StoreError),
}

impl From<TransitionError> for NoticeError {
    fn from(error: TransitionError) -> Self {
        NoticeError::Transition(error)
    }
}

impl From<StoreError> for NoticeError {
    /// The store checks the lifecycle again inside its transaction: what it
    /// refuses there lost a race, and reads like any other refusal.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Transition(transition) => NoticeError::Transition(transition),
            StoreError::Conflict(what) => NoticeError::Conflict(what),
            error => NoticeError::Store(error),
        }
    }
}
