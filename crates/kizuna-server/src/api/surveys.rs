//! The survey endpoints (`surveys:manage`): create a survey for the key's
//! municipalities, read it, invite the targeted monitors, remind those who have
//! not answered, and read the results — with their bodies, answers and JSON
//! Schemas. The rules are the survey service's (`crate::surveys::service`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kizuna_core::Lang;
use kizuna_core::survey::{self, AgeBand, QuestionKind};
use kizuna_store::Survey;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::bodies::time;
use super::error::ApiError;
use super::extract::{ApiCaller, ApiJson, SurveyId};
use super::openapi::{Consortium, id_schema, municipality_schema};
use crate::state::AppState;
use crate::surveys::service::{self, QuestionInput, Results, SurveyDraft};

/// The body of `POST /api/v1/surveys`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSurveyBody {
    title: String,
    introduction: Option<String>,
    municipalities: Vec<String>,
    age_bands: Option<Vec<String>>,
    areas: Option<Vec<i64>>,
    questions: Vec<QuestionBody>,
    opens_at: Option<String>,
    closes_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionBody {
    kind: String,
    text: String,
    choices: Option<Vec<String>>,
    required: bool,
    other: Option<bool>,
}

impl TryFrom<NewSurveyBody> for SurveyDraft {
    type Error = ApiError;

    fn try_from(body: NewSurveyBody) -> Result<Self, ApiError> {
        Ok(SurveyDraft {
            title: body.title,
            introduction: body.introduction,
            municipalities: body.municipalities,
            age_bands: body.age_bands.unwrap_or_default(),
            areas: body.areas.unwrap_or_default(),
            questions: body
                .questions
                .into_iter()
                .map(|q| QuestionInput {
                    kind: q.kind,
                    text: q.text,
                    choices: q.choices.unwrap_or_default(),
                    required: q.required,
                    other: q.other.unwrap_or(false),
                })
                .collect(),
            opens_at: body.opens_at.as_deref().map(|t| time(t, "opens_at")).transpose()?,
            closes_at: body.closes_at.as_deref().map(|t| time(t, "closes_at")).transpose()?,
        })
    }
}

#[derive(Serialize)]
pub struct QuestionView {
    id: i64,
    kind: &'static str,
    text: String,
    choices: Vec<String>,
    required: bool,
    other: bool,
}

#[derive(Serialize)]
pub struct SurveyView {
    id: i64,
    title: String,
    introduction: Option<String>,
    municipalities: Vec<String>,
    age_bands: Vec<&'static str>,
    areas: Vec<i64>,
    questions: Vec<QuestionView>,
    opens_at: DateTime<Utc>,
    closes_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    status: &'static str,
    created_at: DateTime<Utc>,
}

impl SurveyView {
    fn of(survey: Survey, now: DateTime<Utc>) -> Self {
        let status = if survey.is_closed(now) {
            "closed"
        } else if survey.opens_at > now {
            "scheduled"
        } else {
            "open"
        };
        SurveyView {
            id: survey.id,
            status,
            title: survey.title,
            introduction: survey.introduction,
            municipalities: survey.municipalities.iter().map(|c| c.as_str().to_owned()).collect(),
            age_bands: survey.age_bands.iter().map(|b| b.as_str()).collect(),
            areas: survey.areas,
            questions: survey
                .questions
                .into_iter()
                .map(|q| QuestionView {
                    id: q.id,
                    kind: q.kind.as_str(),
                    text: q.text,
                    choices: q.choices,
                    required: q.required,
                    other: q.other,
                })
                .collect(),
            opens_at: survey.opens_at,
            closes_at: survey.closes_at,
            closed_at: survey.closed_at,
            created_at: survey.created_at,
        }
    }
}

#[derive(Serialize)]
pub struct CountView {
    choice: String,
    count: i64,
}

#[derive(Serialize)]
pub struct QuestionResultView {
    id: i64,
    kind: &'static str,
    text: String,
    /// Responses that answered this question.
    answered: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Vec<CountView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct ResultsView {
    id: i64,
    title: String,
    invited: i64,
    responses: i64,
    web: i64,
    paper: i64,
    questions: Vec<QuestionResultView>,
}

impl From<Results> for ResultsView {
    fn from(results: Results) -> Self {
        let responses = results.responses();
        ResultsView {
            id: results.survey.id,
            title: results.survey.title.clone(),
            invited: results.invited,
            responses,
            web: results.web,
            paper: results.paper,
            questions: results
                .questions
                .into_iter()
                .map(|q| {
                    let text_kind = q.kind == QuestionKind::Text;
                    QuestionResultView {
                        id: q.id,
                        kind: q.kind.as_str(),
                        text: q.text,
                        answered: q.answered,
                        counts: (!text_kind)
                            .then(|| q.counts.into_iter().map(|(choice, count)| CountView { choice, count }).collect()),
                        answers: (text_kind || q.other).then_some(q.answers),
                    }
                })
                .collect(),
        }
    }
}

pub async fn create_survey(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewSurveyBody>,
) -> Result<Response, ApiError> {
    let draft = SurveyDraft::try_from(body)?;
    let survey = service::create(&state, caller.actor.scope(), caller.actor.name(), &draft).await?;
    let location = HeaderValue::from_str(&format!("/api/v1/surveys/{}", survey.id)).ok();
    let mut response = (StatusCode::CREATED, Json(SurveyView::of(survey, state.clock.now()))).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub async fn get_survey(
    State(state): State<AppState>,
    caller: ApiCaller,
    SurveyId(id): SurveyId,
) -> Result<Json<SurveyView>, ApiError> {
    let survey = service::read(&state, caller.actor.scope(), id).await?;
    Ok(Json(SurveyView::of(survey, state.clock.now())))
}

pub async fn invite(
    State(state): State<AppState>,
    caller: ApiCaller,
    SurveyId(id): SurveyId,
) -> Result<Json<Value>, ApiError> {
    let invited = service::invite(&state, caller.actor.scope(), id).await?;
    Ok(Json(json!({ "invited": invited })))
}

pub async fn remind(
    State(state): State<AppState>,
    caller: ApiCaller,
    SurveyId(id): SurveyId,
) -> Result<Json<Value>, ApiError> {
    let reminded = service::remind(&state, caller.actor.scope(), id).await?;
    Ok(Json(json!({ "reminded": reminded })))
}

pub async fn results(
    State(state): State<AppState>,
    caller: ApiCaller,
    SurveyId(id): SurveyId,
) -> Result<Json<ResultsView>, ApiError> {
    // Questions and choices are in the survey's language, Japanese: so is "その他".
    Ok(Json(service::results(&state, caller.actor.scope(), id, Lang::JA).await?.into()))
}

/// The JSON Schemas of the survey bodies and answers, for the document.
pub fn schemas(consortium: &Consortium) -> Value {
    let time = |nullable: bool| json!({ "type": "string", "format": "date-time", "nullable": nullable });
    let line = |max: usize| json!({ "type": "string", "minLength": 1, "maxLength": max });
    let bands: Vec<&str> = AgeBand::ALL.iter().map(|b| b.as_str()).collect();
    let kinds: Vec<&str> = QuestionKind::ALL.iter().map(|k| k.as_str()).collect();
    let count = json!({ "type": "integer", "minimum": 0 });
    json!({
        "NewSurvey": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "municipalities", "questions"],
            "properties": {
                "title": line(survey::TITLE_MAX),
                "introduction": { "type": "string", "maxLength": survey::INTRODUCTION_MAX, "nullable": true },
                "municipalities": { "type": "array", "minItems": 1, "items": municipality_schema(consortium) },
                "age_bands": {
                    "type": "array", "items": { "type": "string", "enum": bands }, "nullable": true,
                    "description": "Only monitors of these age bands (all when left out).",
                },
                "areas": {
                    "type": "array", "items": id_schema(consortium), "nullable": true,
                    "description": "Only monitors of these areas of the survey's municipalities (all when left out).",
                },
                "questions": {
                    "type": "array", "minItems": 1, "maxItems": survey::MAX_QUESTIONS,
                    "items": { "$ref": "#/components/schemas/NewQuestion" },
                },
                "opens_at": { "type": "string", "format": "date-time", "nullable": true, "description": "Now when left out." },
                "closes_at": {
                    "type": "string", "format": "date-time", "nullable": true,
                    "description": "Open until closed when left out; must be ahead and after opens_at.",
                },
            },
        },
        "NewQuestion": {
            "type": "object",
            "additionalProperties": false,
            "required": ["kind", "text", "required"],
            "properties": {
                "kind": { "type": "string", "enum": kinds },
                "text": line(survey::QUESTION_MAX),
                "choices": {
                    "type": "array", "maxItems": survey::MAX_CHOICES, "nullable": true,
                    "items": { "type": "string", "maxLength": survey::CHOICE_MAX },
                    "description": "2 or more different choices for single and multiple; none for rating and text.",
                },
                "required": { "type": "boolean" },
                "other": {
                    "type": "boolean", "nullable": true,
                    "description": "Single and multiple only: ends the choices with \"その他\" and a line to say what.",
                },
            },
        },
        "Survey": {
            "type": "object",
            "required": ["id", "title", "introduction", "municipalities", "age_bands", "areas", "questions",
                "opens_at", "closes_at", "closed_at", "status", "created_at"],
            "properties": {
                "id": id_schema(consortium),
                "title": { "type": "string" },
                "introduction": { "type": "string", "nullable": true },
                "municipalities": { "type": "array", "items": { "type": "string", "pattern": "^[0-9]{6}$" } },
                "age_bands": { "type": "array", "items": { "type": "string", "enum": bands } },
                "areas": { "type": "array", "items": id_schema(consortium) },
                "questions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "kind", "text", "choices", "required", "other"],
                        "properties": {
                            "id": id_schema(consortium),
                            "kind": { "type": "string", "enum": kinds },
                            "text": { "type": "string" },
                            "choices": { "type": "array", "items": { "type": "string" } },
                            "required": { "type": "boolean" },
                            "other": { "type": "boolean", "description": "The choices end with \"その他\" and a line to say what." },
                        },
                    },
                },
                "opens_at": time(false),
                "closes_at": time(true),
                "closed_at": time(true),
                "status": { "type": "string", "enum": ["scheduled", "open", "closed"] },
                "created_at": time(false),
            },
        },
        "Invited": {
            "type": "object", "required": ["invited"],
            "properties": { "invited": { "type": "integer", "minimum": 0, "description": "Monitors newly invited." } },
        },
        "Reminded": {
            "type": "object", "required": ["reminded"],
            "properties": { "reminded": { "type": "integer", "minimum": 0, "description": "Monitors reminded now." } },
        },
        "SurveyResults": {
            "type": "object",
            "required": ["id", "title", "invited", "responses", "web", "paper", "questions"],
            "properties": {
                "id": id_schema(consortium),
                "title": { "type": "string" },
                "invited": count,
                "responses": { "type": "integer", "minimum": 0, "description": "Web and paper answers together." },
                "web": count,
                "paper": count,
                "questions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "kind", "text", "answered"],
                        "properties": {
                            "id": id_schema(consortium),
                            "kind": { "type": "string", "enum": kinds },
                            "text": { "type": "string" },
                            "answered": count,
                            "counts": {
                                "type": "array",
                                "description": "Each choice (or rating 1–5) with how many chose it; a multiple choice counts every option chosen; \"その他\" last, when offered.",
                                "items": {
                                    "type": "object", "required": ["choice", "count"],
                                    "properties": { "choice": { "type": "string" }, "count": count },
                                },
                            },
                            "answers": {
                                "type": "array", "items": { "type": "string" },
                                "description": "The free-text answers, or what was written for \"その他\", as typed.",
                            },
                        },
                    },
                },
            },
        },
    })
}
