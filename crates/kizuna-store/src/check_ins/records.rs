//! Check-ins as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::check_in::{CheckInAnswer, CheckInMessage, Household};

/// A resident's link resolved for a check-in: the check-in notice, their
/// delivery of it (which their answer belongs to), and their answer so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInLink {
    pub notice_id: i64,
    pub delivery_id: i64,
    pub subscriber_id: i64,
    pub answer: Option<CheckIn>,
}

/// A recorded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub answer: CheckInAnswer,
    pub household: Household,
    pub message: Option<CheckInMessage>,
    pub first_answered_at: DateTime<Utc>,
    pub answered_at: DateTime<Utc>,
}

/// How a check-in stands, overall and per place. `safe`, `needs_help` and
/// `unanswered` count recipients (each once); the `_people` figures add up the
/// households their answers cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckInCounts {
    pub safe: i64,
    pub needs_help: i64,
    pub unanswered: i64,
    pub safe_people: i64,
    pub needs_help_people: i64,
    /// Ordered by municipality code, then area (the whole municipality first).
    pub places: Vec<PlaceCheckIns>,
}

impl CheckInCounts {
    pub fn recipients(&self) -> i64 {
        self.safe + self.needs_help + self.unanswered
    }
}

/// The counts of one municipality and area (`None`: no area chosen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCheckIns {
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub safe: i64,
    pub needs_help: i64,
    pub unanswered: i64,
    pub safe_people: i64,
    pub needs_help_people: i64,
}

/// A "needs help" answer with who sent it and where they live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRequest {
    pub email: String,
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub household: Household,
    pub message: Option<CheckInMessage>,
    pub answered_at: DateTime<Utc>,
}
