//! What a check-in link means and what its form records.

use kizuna_core::check_in::{CheckInAnswer, CheckInError, CheckInMessage, CheckInReply, Household};
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_store::{CheckIn, CheckInLink, Notice, StoreError, Subscriber};

use crate::links::{LinkPurpose, Presented};
use crate::state::AppState;

/// A check-in link resolved: the check-in, its notice and the resident.
pub(super) struct Opened {
    pub link: CheckInLink,
    pub notice: Notice,
    pub subscriber: Option<Subscriber>,
}

/// Resolves a token from a notice mail to the check-in it answers; `None` for a
/// token that is not one (unknown, forged, or of a notice without a check-in)
/// and for a resident who has since unsubscribed: their links answer nothing.
pub(super) async fn open(state: &AppState, token: &str) -> Result<Option<Opened>, StoreError> {
    let Some(presented) = Presented::read(&state.secrets, LinkPurpose::Resident, token) else {
        return Ok(None);
    };
    let Some(link) = state.store.check_in_link(presented.as_link()).await? else {
        return Ok(None);
    };
    let Some(notice) = state.store.notice(link.notice_id).await? else {
        return Ok(None);
    };
    let subscriber = state.store.subscriber(link.subscriber_id).await?;
    if subscriber.as_ref().is_none_or(|s| s.status == SubscriberStatus::Unsubscribed) {
        return Ok(None);
    }
    Ok(Some(Opened { link, notice, subscriber }))
}

/// The form as the resident filled it in, each field checked.
pub(super) struct ReplyForm {
    pub household: String,
    pub message: String,
}

/// Which field was refused and why.
pub(super) enum FieldError {
    Household(CheckInError),
    Message(CheckInError),
}

impl ReplyForm {
    pub(super) fn parse(&self, answer: CheckInAnswer) -> Result<CheckInReply, Vec<FieldError>> {
        let household = Household::parse(&self.household).map_err(FieldError::Household);
        let message = CheckInMessage::parse(&self.message).map_err(FieldError::Message);
        match (household, message) {
            (Ok(household), Ok(message)) => Ok(CheckInReply { answer, household, message }),
            (household, message) => Err([household.err(), message.err()].into_iter().flatten().collect()),
        }
    }
}

/// Records the answer (a first one, or a change).
pub(super) async fn record(state: &AppState, opened: &Opened, reply: &CheckInReply) -> Result<CheckIn, StoreError> {
    let answer = state.store.record_check_in(&opened.link, reply, state.clock.now()).await?;
    tracing::info!(notice = opened.link.notice_id, answer = reply.answer.as_str(), "check-in answered");
    Ok(answer)
}
