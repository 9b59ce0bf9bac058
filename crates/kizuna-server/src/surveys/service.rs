//! The rules of surveys: what a survey may ask and whom (within the caller's
//! municipalities), inviting the targeted monitors, reminding those who have
//! not answered (at most `survey_reminders` times, every `survey_reminder_days`
//! days at most), closing, and counting the results. The API and the console
//! both call these; neither decides anything itself.

use chrono::{DateTime, Duration, Utc};
use kizuna_core::lang::Explain;
use kizuna_core::staff::Scope;
use kizuna_core::survey::{self, AgeBand, QuestionDraft, QuestionKind, SurveyError as DraftError};
use kizuna_core::text::TextError;
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{NewSurvey, StoreError, Survey, SurveyTally};

use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

/// A survey as it arrives, before any of it is checked.
#[derive(Debug, Clone, Default)]
pub struct SurveyDraft {
    pub title: String,
    pub introduction: Option<String>,
    pub municipalities: Vec<String>,
    pub age_bands: Vec<String>,
    pub areas: Vec<i64>,
    pub questions: Vec<QuestionInput>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct QuestionInput {
    pub kind: String,
    pub text: String,
    pub choices: Vec<String>,
    pub required: bool,
    /// Ends with "その他" and a line to say what.
    pub other: bool,
}

/// What is wrong with one field of a draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{0}")]
    Text(#[from] TextError),
    #[error("{0}")]
    Draft(#[from] DraftError),
    #[error("name at least one municipality")]
    NoMunicipality,
    #[error("{0:?} is not a municipality of the consortium")]
    UnknownMunicipality(String),
    #[error("{0:?} is not an age band (under-20, 20-29, …, 70-79, 80+)")]
    UnknownAgeBand(String),
    #[error("area {0} is not an area of the survey's municipalities")]
    UnknownArea(i64),
    #[error("{0:?} is not a kind of question (single, multiple, rating, text)")]
    UnknownKind(String),
    #[error("the closing time must be after the opening time and ahead")]
    ClosesTooEarly,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Text(_) | Problem::Draft(_) | Problem::NoMunicipality => "invalid_survey",
            Problem::UnknownMunicipality(_) => "unknown_municipality",
            Problem::UnknownAgeBand(_) => "unknown_age_band",
            Problem::UnknownArea(_) => "unknown_area",
            Problem::UnknownKind(_) => "unknown_question_kind",
            Problem::ClosesTooEarly => "invalid_time",
        }
    }
}

impl Explain for Problem {
    fn explain(&self, lang: Lang) -> String {
        let text = |key: &str| texts::text(lang, key).into_owned();
        match self {
            Problem::Text(e) => e.explain(lang),
            Problem::Draft(e) => e.explain(lang),
            Problem::NoMunicipality => text("survey-problem-no-municipality"),
            Problem::UnknownMunicipality(_) => text("survey-problem-unknown-municipality"),
            Problem::UnknownAgeBand(_) => text("survey-problem-unknown-age-band"),
            Problem::UnknownArea(_) => text("survey-problem-unknown-area"),
            Problem::UnknownKind(_) => text("survey-problem-unknown-kind"),
            Problem::ClosesTooEarly => text("survey-problem-closes-too-early"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    #[error("there is no survey {0}")]
    NotFound(i64),
    #[error("this caller does not act for municipality {0}")]
    OutOfScope(MunicipalityCode),
    /// `field` in the API's terms: `title`, `questions[2].choices`.
    #[error("{field}: {problem}")]
    Invalid { field: String, problem: Problem },
    #[error("the survey is closed")]
    Closed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: impl Into<String>, problem: impl Into<Problem>) -> SurveyError {
    SurveyError::Invalid { field: field.into(), problem: problem.into() }
}

/// Checks a draft within `scope`: every municipality a member the caller acts
/// for, areas of those municipalities, known age bands, questions of a known
/// kind with their choices, and a closing time after the opening.
pub fn parse_draft(
    directory: &ReferenceData,
    scope: &Scope,
    draft: &SurveyDraft,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<NewSurvey, SurveyError> {
    let title = survey::parse_title(&draft.title).map_err(|e| invalid("title", e))?;
    let introduction = survey::parse_introduction(draft.introduction.as_deref().unwrap_or_default())
        .map_err(|e| invalid("introduction", e))?;
    if draft.municipalities.is_empty() {
        return Err(invalid("municipalities", Problem::NoMunicipality));
    }
    let mut municipalities: Vec<MunicipalityCode> = Vec::new();
    for (index, text) in draft.municipalities.iter().enumerate() {
        let field = format!("municipalities[{index}]");
        let code = MunicipalityCode::parse(text.trim())
            .ok()
            .filter(|code| directory.municipality(code).is_some())
            .ok_or_else(|| invalid(&field, Problem::UnknownMunicipality(text.clone())))?;
        if !scope.covers(&code) {
            return Err(SurveyError::OutOfScope(code));
        }
        if !municipalities.contains(&code) {
            municipalities.push(code);
        }
    }
    let mut age_bands = Vec::new();
    for (index, text) in draft.age_bands.iter().enumerate() {
        let band = AgeBand::parse(text)
            .ok_or_else(|| invalid(format!("age_bands[{index}]"), Problem::UnknownAgeBand(text.clone())))?;
        if !age_bands.contains(&band) {
            age_bands.push(band);
        }
    }
    age_bands.sort();
    let mut areas = Vec::new();
    for (index, area) in draft.areas.iter().enumerate() {
        let known = municipalities.iter().any(|code| directory.areas_of(code).any(|a| a.id == *area));
        if !known {
            return Err(invalid(format!("areas[{index}]"), Problem::UnknownArea(*area)));
        }
        if !areas.contains(area) {
            areas.push(*area);
        }
    }
    survey::check_question_count(draft.questions.len()).map_err(|e| invalid("questions", e))?;
    let mut questions = Vec::new();
    for (index, question) in draft.questions.iter().enumerate() {
        let kind = QuestionKind::parse(&question.kind)
            .ok_or_else(|| invalid(format!("questions[{index}].kind"), Problem::UnknownKind(question.kind.clone())))?;
        let parsed = QuestionDraft::parse(kind, &question.text, &question.choices, question.required)
            .and_then(|q| q.with_other(question.other))
            .map_err(|e| {
                let part = match e {
                    DraftError::Text(
                        TextError::Empty { field: "question" } | TextError::TooLong { field: "question", .. },
                    )
                    | DraftError::Text(TextError::ControlCharacters { field: "question" }) => "text",
                    DraftError::OtherWithoutChoices => "other",
                    _ => "choices",
                };
                invalid(format!("questions[{index}].{part}"), e)
            })?;
        questions.push(parsed);
    }
    let opens_at = draft.opens_at.unwrap_or(now);
    if draft.closes_at.is_some_and(|closes| closes <= opens_at || closes <= now) {
        return Err(invalid("closes_at", Problem::ClosesTooEarly));
    }
    Ok(NewSurvey {
        title,
        introduction,
        municipalities,
        age_bands,
        areas,
        questions,
        opens_at,
        closes_at: draft.closes_at,
        created_by: created_by.to_owned(),
    })
}

/// Creates a survey for the caller's municipalities.
pub async fn create(
    state: &AppState,
    scope: &Scope,
    created_by: &str,
    draft: &SurveyDraft,
) -> Result<Survey, SurveyError> {
    let now = state.clock.now();
    let directory = state.directory.current();
    let new = parse_draft(&directory, scope, draft, created_by, now)?;
    let survey = state.store.create_survey(&new, now).await?;
    tracing::info!(survey = survey.id, by = created_by, "survey created");
    Ok(survey)
}

/// A caller sees a survey when it acts for every municipality the survey asks.
pub fn within(scope: &Scope, survey: &Survey) -> bool {
    survey.municipalities.iter().all(|code| scope.covers(code))
}

/// The survey, if it exists and is within the caller's reach; another town's
/// survey is not found, as if it did not exist.
pub async fn read(state: &AppState, scope: &Scope, id: i64) -> Result<Survey, SurveyError> {
    let survey = state.store.survey(id).await?.ok_or(SurveyError::NotFound(id))?;
    if within(scope, &survey) { Ok(survey) } else { Err(SurveyError::NotFound(id)) }
}

/// Surveys within the caller's reach, newest first.
pub async fn list(state: &AppState, scope: &Scope) -> Result<Vec<Survey>, StoreError> {
    Ok(state.store.surveys().await?.into_iter().filter(|s| within(scope, s)).collect())
}

/// Invites every targeted monitor not yet invited; their mails leave with the scheduler.
pub async fn invite(state: &AppState, scope: &Scope, id: i64) -> Result<u64, SurveyError> {
    let survey = read(state, scope, id).await?;
    let now = state.clock.now();
    if survey.is_closed(now) {
        return Err(SurveyError::Closed);
    }
    let invited = state.store.invite_monitors(id, now).await?;
    tracing::info!(survey = id, invited, "survey invitations queued");
    Ok(invited)
}

/// Reminds invited monitors who have not answered, within the limits of the settings.
pub async fn remind(state: &AppState, scope: &Scope, id: i64) -> Result<u64, SurveyError> {
    let survey = read(state, scope, id).await?;
    let now = state.clock.now();
    if survey.is_closed(now) {
        return Err(SurveyError::Closed);
    }
    let max = i64::from(state.settings.survey_reminders);
    let quiet_since = now - Duration::days(i64::from(state.settings.survey_reminder_days));
    let reminded = state.store.remind_monitors(id, max, quiet_since, now).await?;
    tracing::info!(survey = id, reminded, "survey reminders queued");
    Ok(reminded)
}

/// Closes a survey now: answers are no longer taken or changed.
pub async fn close(state: &AppState, scope: &Scope, id: i64) -> Result<Survey, SurveyError> {
    read(state, scope, id).await?;
    state.store.close_survey(id, state.clock.now()).await?;
    read(state, scope, id).await
}

/// One question's results.
#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub id: i64,
    pub kind: QuestionKind,
    pub text: String,
    /// (choice or rating as shown, count): every option, even those nobody chose.
    pub counts: Vec<(String, i64)>,
    /// Free-text answers, or what was written for "その他", as typed.
    pub answers: Vec<String>,
    /// A choice question that offered "その他".
    pub other: bool,
    /// Responses that answered this question (for percentages).
    pub answered: i64,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub survey: Survey,
    pub invited: i64,
    pub web: i64,
    pub paper: i64,
    pub questions: Vec<QuestionResult>,
}

impl Results {
    pub fn responses(&self) -> i64 {
        self.web + self.paper
    }
}

/// Counts each option of each question (a multiple choice counts every option
/// chosen; "その他", named `other_label`, counts what was written for it),
/// ratings 1 to 5, and lists free-text answers and what was written for "その他".
pub fn tally_questions(survey: &Survey, tally: &SurveyTally, other_label: &str) -> Vec<QuestionResult> {
    survey
        .questions
        .iter()
        .map(|q| {
            let count = |value: i64| {
                tally.counts.iter().find(|(id, v, _)| *id == q.id && *v == value).map_or(0, |(_, _, n)| *n)
            };
            let answers: Vec<String> =
                tally.texts.iter().filter(|(id, _)| *id == q.id).map(|(_, t)| t.clone()).collect();
            let counts = match q.kind {
                QuestionKind::Single | QuestionKind::Multiple => {
                    let mut counts: Vec<(String, i64)> =
                        q.choices.iter().enumerate().map(|(i, c)| (c.clone(), count(i as i64))).collect();
                    // Each "その他" is one written answer.
                    if q.other {
                        counts.push((other_label.to_owned(), answers.len() as i64));
                    }
                    counts
                }
                QuestionKind::Rating => (1..=survey::RATING_MAX).map(|r| (r.to_string(), count(r))).collect(),
                QuestionKind::Text => Vec::new(),
            };
            QuestionResult {
                id: q.id,
                kind: q.kind,
                text: q.text.clone(),
                counts,
                answers,
                other: q.other,
                answered: tally.answered.iter().find(|(id, _)| *id == q.id).map_or(0, |(_, n)| *n),
            }
        })
        .collect()
}

/// The results of a survey within the caller's reach.
/// "その他" is named in `lang`.
pub async fn results(state: &AppState, scope: &Scope, id: i64, lang: Lang) -> Result<Results, SurveyError> {
    let survey = read(state, scope, id).await?;
    let tally = state.store.survey_tally(id).await?;
    let questions = tally_questions(&survey, &tally, &texts::text(lang, "survey-page-other"));
    Ok(Results { invited: tally.invited, web: tally.web, paper: tally.paper, questions, survey })
}
