//! The monitor panel and surveys as they cross the storage boundary.

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::survey::{AgeBand, Answer, Gender, Occupation, QuestionDraft, QuestionKind};

/// Where a monitor stands in the panel and what they chose to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorProfile {
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub age_band: AgeBand,
    pub gender: Option<Gender>,
    pub occupation: Option<Occupation>,
}

/// Active monitors of one municipality, area (or none) and age band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelCount {
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub age_band: AgeBand,
    pub members: i64,
}

/// A survey as staff or an API key create it, already checked.
#[derive(Debug, Clone)]
pub struct NewSurvey {
    pub title: String,
    pub introduction: Option<String>,
    pub municipalities: Vec<MunicipalityCode>,
    /// Empty: every age band.
    pub age_bands: Vec<AgeBand>,
    /// Empty: every area.
    pub areas: Vec<i64>,
    pub questions: Vec<QuestionDraft>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    /// Who created it (`staff:ID`, `api_key:ID`).
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub kind: QuestionKind,
    pub text: String,
    pub choices: Vec<String>,
    pub required: bool,
    /// Ends with "その他" and a line to say what.
    pub other: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: i64,
    pub title: String,
    pub introduction: Option<String>,
    pub municipalities: Vec<MunicipalityCode>,
    pub age_bands: Vec<AgeBand>,
    pub areas: Vec<i64>,
    pub opens_at: DateTime<Utc>,
    pub closes_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// In the order they are asked.
    pub questions: Vec<Question>,
}

impl Survey {
    /// Closed by staff, or past its closing time.
    pub fn is_closed(&self, now: DateTime<Utc>) -> bool {
        self.closed_at.is_some() || self.closes_at.is_some_and(|at| at <= now)
    }

    /// Answers are taken between opening and closing.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && !self.is_closed(now)
    }

    /// When answers stop being taken, if that is known.
    pub fn closing(&self) -> Option<DateTime<Utc>> {
        match (self.closed_at, self.closes_at) {
            (Some(closed), Some(closes)) => Some(closed.min(closes)),
            (closed, closes) => closed.or(closes),
        }
    }
}

/// A monitor's invitation to one survey, with where they stood when invited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub survey_id: i64,
    /// `None` once the resident was erased.
    pub subscriber_id: Option<i64>,
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub age_band: AgeBand,
    pub invited_at: DateTime<Utc>,
    pub reminders: i64,
}

/// How an answer reached Kizuna.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Web,
    /// On paper or by phone, typed in by staff.
    Paper,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Paper => "paper",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Channel::Web, Channel::Paper].into_iter().find(|c| c.as_str() == input)
    }
}

/// A response to store: a new one, or for an invitation that already answered,
/// its replacement.
#[derive(Debug, Clone)]
pub struct NewResponse {
    pub survey_id: i64,
    pub invitation_id: Option<i64>,
    pub channel: Channel,
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub age_band: AgeBand,
    /// (question id, answer); optional questions left blank are absent.
    pub answers: Vec<(i64, Answer)>,
}

/// A stored response with its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub id: i64,
    pub channel: Channel,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub answers: Vec<(i64, Answer)>,
}

/// What kind of mail a queued survey mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurveyMailKind {
    Invite,
    Remind,
}

impl SurveyMailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SurveyMailKind::Invite => "invite",
            SurveyMailKind::Remind => "remind",
        }
    }
}

/// A mail of a survey that is due to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSurveyMail {
    pub id: i64,
    pub kind: SurveyMailKind,
    pub invitation_id: i64,
    pub survey_id: i64,
    /// `None` once the resident was erased: the mail is dropped.
    pub subscriber_id: Option<i64>,
    pub attempts: i64,
}

/// Answers counted for results: every count includes web and paper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyTally {
    pub invited: i64,
    pub web: i64,
    pub paper: i64,
    /// (question id, choice index or rating, count): each option of a multiple
    /// choice on its own.
    pub counts: Vec<(i64, i64, i64)>,
    /// (question id, answer) of the free-text questions, oldest first.
    pub texts: Vec<(i64, String)>,
    /// (question id, responses that answered it): what percentages are of.
    pub answered: Vec<(i64, i64)>,
}

/// Responses of one group of respondents and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseGroup {
    pub municipality: MunicipalityCode,
    pub area_id: Option<i64>,
    pub age_band: AgeBand,
    pub channel: Channel,
    pub responses: i64,
}
