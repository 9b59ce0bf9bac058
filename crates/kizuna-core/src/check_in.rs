//! Safety check-ins (安否確認): after a disaster a notice may ask each recipient
//! whether they are safe or need help. An answer is one of two, covers a number
//! of people of the household, and may carry a short message; a follow-up
//! notice goes to those who have not answered or to those who need help.

use thiserror::Error;

use crate::lang::{Explain, Lang};
use crate::text::{TextError, clean};
use crate::texts;

/// What a resident answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckInAnswer {
    /// 無事です
    Safe,
    /// 支援が必要です
    Help,
}

impl CheckInAnswer {
    pub const ALL: [CheckInAnswer; 2] = [CheckInAnswer::Safe, CheckInAnswer::Help];

    /// As stored and as the last segment of the resident's link (`/check-in/{token}/safe`).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckInAnswer::Safe => "safe",
            CheckInAnswer::Help => "help",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == input)
    }
}

/// How many people of the household an answer covers: 1 to [`Household::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Household(i64);

impl Household {
    pub const MAX: i64 = 20;

    /// An empty field means the resident alone.
    pub fn parse(input: &str) -> Result<Self, CheckInError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(Self::default());
        }
        // Residents type full-width digits on Japanese keyboards.
        let digits: String = input
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect();
        match digits.parse::<i64>() {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(Self(n)),
            _ => Err(CheckInError::Household),
        }
    }

    /// A count read back from the store, which only keeps parsed counts.
    pub fn from_stored(n: i64) -> Self {
        Self(n)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl Default for Household {
    fn default() -> Self {
        Self(1)
    }
}

/// A short message with an answer ("足を怪我しています"): at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInMessage(String);

impl CheckInMessage {
    pub const MAX: usize = 200;

    /// `None` for an empty field: the message is optional.
    pub fn parse(input: &str) -> Result<Option<Self>, CheckInError> {
        if input.trim().is_empty() {
            return Ok(None);
        }
        clean(input, "check_in_message", Self::MAX, true).map(|text| Some(Self(text))).map_err(CheckInError::Message)
    }

    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a resident sends with the button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInReply {
    pub answer: CheckInAnswer,
    pub household: Household,
    pub message: Option<CheckInMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckInError {
    #[error("the household count is not a whole number from 1 to {}", Household::MAX)]
    Household,
    #[error(transparent)]
    Message(TextError),
}

impl Explain for CheckInError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            CheckInError::Household => {
                texts::format(lang, "check-in-error-household", &[("max", Household::MAX.into())]).into_owned()
            }
            CheckInError::Message(error) => error.explain(lang),
        }
    }
}

/// Who a follow-up goes to: some recipients of a check-in notice, or everyone an
/// earlier notice reached (to tell them it was withdrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpAudience {
    /// Recipients of the check-in who have not answered.
    Unanswered,
    /// Recipients whose answer is "needs help".
    NeedsHelp,
    /// Recipients whose message went out (or was on its way when the notice was
    /// taken back), check-in or not: a JMA 取消 tells them.
    Reached,
}

impl FollowUpAudience {
    pub const ALL: [FollowUpAudience; 3] =
        [FollowUpAudience::Unanswered, FollowUpAudience::NeedsHelp, FollowUpAudience::Reached];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpAudience::Unanswered => "unanswered",
            FollowUpAudience::NeedsHelp => "needs_help",
            FollowUpAudience::Reached => "reached",
        }
    }

    /// Whether the follow-up is about a check-in, so its mail carries the links to answer it.
    pub fn asks_check_in(self) -> bool {
        matches!(self, FollowUpAudience::Unanswered | FollowUpAudience::NeedsHelp)
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_household_defaults_to_one_and_takes_full_width_digits() {
        assert_eq!(Household::parse("").unwrap().get(), 1);
        assert_eq!(Household::parse(" ３ ").unwrap().get(), 3);
        assert_eq!(Household::parse("20").unwrap().get(), 20);
        for bad in ["0", "21", "-1", "two", "1.5"] {
            assert_eq!(Household::parse(bad), Err(CheckInError::Household), "{bad}");
        }
        assert!(CheckInError::Household.explain(Lang::JA).contains("20"));
    }

    #[test]
    fn a_message_is_optional_short_and_free_of_control_characters() {
        assert_eq!(CheckInMessage::parse("  ").unwrap(), None);
        assert_eq!(CheckInMessage::parse("足を怪我しています\n").unwrap().unwrap().as_str(), "足を怪我しています");
        assert!(CheckInMessage::parse(&"あ".repeat(201)).is_err());
        assert!(CheckInMessage::parse("a\u{7}b").is_err());
        let too_long = CheckInMessage::parse(&"あ".repeat(201)).unwrap_err();
        assert!(too_long.explain(Lang::JA).contains("200"));
    }

    #[test]
    fn answers_and_audiences_read_back_from_their_names() {
        for answer in CheckInAnswer::ALL {
            assert_eq!(CheckInAnswer::parse(answer.as_str()), Some(answer));
        }
        for audience in FollowUpAudience::ALL {
            assert_eq!(FollowUpAudience::parse(audience.as_str()), Some(audience));
        }
        assert_eq!(CheckInAnswer::parse("SAFE"), None);
    }
}
