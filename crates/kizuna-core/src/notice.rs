//! Notices and their lifecycle: who may move a notice from which state to which.

use std::borrow::Cow;
use std::fmt;

use thiserror::Error;

use crate::lang::{Explain, Lang};
use crate::texts;

/// Where a notice stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeStatus {
    Draft,
    PendingApproval,
    Approved,
    Scheduled,
    Sending,
    Sent,
    Returned,
    Cancelled,
    Superseded,
    Withdrawn,
}

impl NoticeStatus {
    pub const ALL: [NoticeStatus; 10] = [
        NoticeStatus::Draft,
        NoticeStatus::PendingApproval,
        NoticeStatus::Approved,
        NoticeStatus::Scheduled,
        NoticeStatus::Sending,
        NoticeStatus::Sent,
        NoticeStatus::Returned,
        NoticeStatus::Cancelled,
        NoticeStatus::Superseded,
        NoticeStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Draft => "draft",
            NoticeStatus::PendingApproval => "pending_approval",
            NoticeStatus::Approved => "approved",
            NoticeStatus::Scheduled => "scheduled",
            NoticeStatus::Sending => "sending",
            NoticeStatus::Sent => "sent",
            NoticeStatus::Returned => "returned",
            NoticeStatus::Cancelled => "cancelled",
            NoticeStatus::Superseded => "superseded",
            NoticeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == input)
    }

    /// Whether residents can see the notice in the public archive.
    pub fn is_published(self) -> bool {
        matches!(self, NoticeStatus::Sending | NoticeStatus::Sent | NoticeStatus::Superseded)
    }

    pub fn label(self, lang: Lang) -> Cow<'static, str> {
        let key = match self {
            NoticeStatus::Draft => "notice-status-draft",
            NoticeStatus::PendingApproval => "notice-status-pending-approval",
            NoticeStatus::Approved => "notice-status-approved",
            NoticeStatus::Scheduled => "notice-status-scheduled",
            NoticeStatus::Sending => "notice-status-sending",
            NoticeStatus::Sent => "notice-status-sent",
            NoticeStatus::Returned => "notice-status-returned",
            NoticeStatus::Cancelled => "notice-status-cancelled",
            NoticeStatus::Superseded => "notice-status-superseded",
            NoticeStatus::Withdrawn => "notice-status-withdrawn",
        };
        texts::text(lang, key)
    }
}

impl fmt::Display for NoticeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a notice may skip approval and go out at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImmediateSend {
    /// A person holding the emergency right (緊急配信権限) sends without a second person.
    EmergencyRight,
    /// A JMA rule configured to send automatically.
    JmaRule,
    /// The corrected text of a notice already sent (CAP Update): the original went
    /// through approval, and residents must not keep the wrong text while a
    /// second approval waits.
    Correction,
}

/// Something a person or a job does to a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeAction {
    /// Change the text or targets of a draft or a returned notice.
    Edit,
    Submit,
    Approve,
    Return,
    Schedule,
    Unschedule,
    /// Send an approved notice now.
    Send,
    /// The scheduler sends a scheduled notice at its time.
    SendScheduled,
    /// Send without approval.
    SendImmediately(ImmediateSend),
    /// Start the countdown of an emergency send without approval: the notice is
    /// scheduled a few seconds ahead and can still be cancelled until then.
    Arm,
    Cancel,
    /// Every delivery has been settled.
    Complete,
    /// A correction replaced the sent text (CAP Update).
    Supersede,
    /// Taken back after sending, or while sending (CAP Cancel): messages still
    /// waiting are not sent.
    Withdraw,
}

impl NoticeAction {
    pub const ALL: [NoticeAction; 16] = [
        NoticeAction::Edit,
        NoticeAction::Submit,
        NoticeAction::Approve,
        NoticeAction::Return,
        NoticeAction::Schedule,
        NoticeAction::Unschedule,
        NoticeAction::Send,
        NoticeAction::SendScheduled,
        NoticeAction::SendImmediately(ImmediateSend::EmergencyRight),
        NoticeAction::SendImmediately(ImmediateSend::JmaRule),
        NoticeAction::SendImmediately(ImmediateSend::Correction),
        NoticeAction::Arm,
        NoticeAction::Cancel,
        NoticeAction::Complete,
        NoticeAction::Supersede,
        NoticeAction::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeAction::Edit => "edit",
            NoticeAction::Submit => "submit",
            NoticeAction::Approve => "approve",
            NoticeAction::Return => "return",
            NoticeAction::Schedule => "schedule",
            NoticeAction::Unschedule => "unschedule",
            NoticeAction::Send => "send",
            NoticeAction::SendScheduled => "send_scheduled",
            NoticeAction::SendImmediately(ImmediateSend::EmergencyRight) => "send_emergency",
            NoticeAction::SendImmediately(ImmediateSend::JmaRule) => "send_jma_rule",
            NoticeAction::SendImmediately(ImmediateSend::Correction) => "send_correction",
            NoticeAction::Arm => "arm",
            NoticeAction::Cancel => "cancel",
            NoticeAction::Complete => "complete",
            NoticeAction::Supersede => "supersede",
            NoticeAction::Withdraw => "withdraw",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a notice that is {from} cannot {action}")]
pub struct TransitionError {
    pub from: NoticeStatus,
    pub action: &'static str,
}

impl Explain for TransitionError {
    fn explain(&self, lang: Lang) -> String {
        texts::format(lang, "notice-refused", &[("status", self.from.label(lang).into())]).into_owned()
    }
}

impl NoticeStatus {
    /// The state a notice reaches by `action`, or why it cannot.
    pub fn apply(self, action: NoticeAction) -> Result<NoticeStatus, TransitionError> {
        use NoticeAction as A;
        use NoticeStatus as S;
        let next = match (self, action) {
            (S::Draft | S::Returned, A::Edit) => self,
            (S::Draft | S::Returned, A::Submit) => S::PendingApproval,
            (S::PendingApproval, A::Approve) => S::Approved,
            (S::PendingApproval, A::Return) => S::Returned,
            (S::Approved, A::Schedule) => S::Scheduled,
            (S::Scheduled, A::Unschedule) => S::Approved,
            (S::Approved, A::Send) => S::Sending,
            (S::Scheduled, A::SendScheduled) => S::Sending,
            (S::Draft | S::PendingApproval | S::Returned, A::SendImmediately(_)) => S::Sending,
            (S::Draft | S::PendingApproval | S::Returned, A::Arm) => S::Scheduled,
            (S::Draft | S::PendingApproval | S::Approved | S::Scheduled | S::Returned | S::Sending, A::Cancel) => {
                S::Cancelled
            }
            (S::Sending, A::Complete) => S::Sent,
            (S::Sent, A::Supersede) => S::Superseded,
            (S::Sending | S::Sent, A::Withdraw) => S::Withdrawn,
            _ => {
                return Err(TransitionError { from: self, action: action.as_str() });
            }
        };
        Ok(next)
    }

    /// Whether the text may still be edited.
    pub fn is_editable(self) -> bool {
        matches!(self, NoticeStatus::Draft | NoticeStatus::Returned)
    }
}

/// How urgent a notice is: emergencies go ahead of everything queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    Normal,
    Emergency,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Emergency => "emergency",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "normal" => Some(Urgency::Normal),
            "emergency" => Some(Urgency::Emergency),
            _ => None,
        }
    }
}

/// Who put a notice into Kizuna.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeSource {
    Staff,
    Api,
    Jma,
}

impl NoticeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeSource::Staff => "staff",
            NoticeSource::Api => "api",
            NoticeSource::Jma => "jma",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "staff" => Some(NoticeSource::Staff),
            "api" => Some(NoticeSource::Api),
            "jma" => Some(NoticeSource::Jma),
            _ => None,
        }
    }
}

/// The subject line a resident sees: drills are marked at the very start so no one
/// mistakes one for the real thing.
pub fn subject_line(title: &str, exercise: bool, lang: Lang) -> String {
    if exercise {
        texts::format(lang, "notice-subject-drill", &[("title", title.into())]).into_owned()
    } else {
        title.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NoticeAction as A;
    use NoticeStatus as S;

    /// Every allowed transition, written out by hand from the lifecycle the
    /// municipalities agreed on; everything not listed must be refused.
    const ALLOWED: &[(S, A, S)] = &[
        (S::Draft, A::Submit, S::PendingApproval),
        (S::Returned, A::Submit, S::PendingApproval),
        (S::PendingApproval, A::Approve, S::Approved),
        (S::PendingApproval, A::Return, S::Returned),
        (S::Approved, A::Schedule, S::Scheduled),
        (S::Scheduled, A::Unschedule, S::Approved),
        (S::Approved, A::Send, S::Sending),
        (S::Scheduled, A::SendScheduled, S::Sending),
        (S::Draft, A::SendImmediately(ImmediateSend::EmergencyRight), S::Sending),
        (S::Draft, A::SendImmediately(ImmediateSend::JmaRule), S::Sending),
        (S::PendingApproval, A::SendImmediately(ImmediateSend::EmergencyRight), S::Sending),
        (S::PendingApproval, A::SendImmediately(ImmediateSend::JmaRule), S::Sending),
        (S::Returned, A::SendImmediately(ImmediateSend::EmergencyRight), S::Sending),
        (S::Returned, A::SendImmediately(ImmediateSend::JmaRule), S::Sending),
        (S::Draft, A::SendImmediately(ImmediateSend::Correction), S::Sending),
        (S::PendingApproval, A::SendImmediately(ImmediateSend::Correction), S::Sending),
        (S::Returned, A::SendImmediately(ImmediateSend::Correction), S::Sending),
        (S::Draft, A::Cancel, S::Cancelled),
        (S::PendingApproval, A::Cancel, S::Cancelled),
        (S::Approved, A::Cancel, S::Cancelled),
        (S::Scheduled, A::Cancel, S::Cancelled),
        (S::Returned, A::Cancel, S::Cancelled),
        (S::Sending, A::Cancel, S::Cancelled),
        (S::Sending, A::Complete, S::Sent),
        (S::Sent, A::Supersede, S::Superseded),
        (S::Sending, A::Withdraw, S::Withdrawn),
        (S::Sent, A::Withdraw, S::Withdrawn),
        (S::Draft, A::Edit, S::Draft),
        (S::Draft, A::Arm, S::Scheduled),
        (S::PendingApproval, A::Arm, S::Scheduled),
        (S::Returned, A::Arm, S::Scheduled),
        (S::Returned, A::Edit, S::Returned),
    ];

    #[test]
    fn every_state_and_action_pair_follows_the_table() {
        for from in S::ALL {
            for action in A::ALL {
                let expected = ALLOWED.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, to)| *to);
                match (from.apply(action), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from} --{}-->", action.as_str()),
                    (Err(error), None) => {
                        assert_eq!(error.from, from);
                        assert_eq!(error.action, action.as_str());
                    }
                    (got, want) => panic!("{from} --{}--> gave {got:?}, expected {want:?}", action.as_str()),
                }
            }
        }
    }

    #[test]
    fn finished_notices_cannot_be_sent_again() {
        for from in [S::Sent, S::Cancelled, S::Superseded, S::Withdrawn] {
            for action in [A::Send, A::SendImmediately(ImmediateSend::EmergencyRight), A::Submit, A::Approve] {
                assert!(from.apply(action).is_err(), "{from} {}", action.as_str());
            }
        }
    }

    #[test]
    fn status_names_round_trip() {
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Some(status));
        }
        assert_eq!(S::parse("bogus"), None);
    }

    #[test]
    fn only_drafts_and_returned_notices_are_editable() {
        let editable: Vec<S> = S::ALL.into_iter().filter(|s| s.is_editable()).collect();
        assert_eq!(editable, vec![S::Draft, S::Returned]);
    }

    #[test]
    fn drills_are_marked_at_the_start_of_the_subject() {
        assert_eq!(subject_line("避難指示", true, Lang::JA), "【訓練】避難指示");
        assert_eq!(subject_line("避難指示", false, Lang::JA), "避難指示");
    }

    #[test]
    fn refusals_explain_themselves() {
        let error = S::Sent.apply(A::Approve).err();
        assert!(error.map(|e| e.explain(Lang::JA)).unwrap_or_default().contains("配信済み"));
    }
}
