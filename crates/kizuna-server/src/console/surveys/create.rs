//! `/admin/surveys/new`: a survey written at the console — title, introduction,
//! whom it asks (one's municipalities, optionally areas and age bands), when it closes,
//! and up to [`SLOTS`] questions of any kind (single or multiple choice with one
//! choice a line, a 1–5 rating, free text). The survey service checks it; its
//! refusals come back as the GOV.UK error summary linking to each field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kizuna_core::lang::Explain;
use kizuna_core::survey::{AgeBand, QuestionKind};
use kizuna_store::NewAuditEntry;

use super::super::form::Fields;
use super::super::frame::ConsoleFrame;
use super::super::pages::{self, done, render};
use super::super::session::Signed;
use crate::directory::ReferenceData;
use crate::residents::form::ErrorLink;
use crate::state::AppState;
use crate::surveys::service::{self, QuestionInput, SurveyDraft, SurveyError};
use crate::texts;

/// Question slots on the form; empty ones are left out.
pub const SLOTS: usize = 8;

pub struct Tick {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct Slot {
    pub n: usize,
    pub kind: String,
    pub text: String,
    pub choices: String,
    pub required: bool,
    pub other: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/survey_new.html")]
struct NewPage {
    frame: ConsoleFrame,
    errors: Vec<ErrorLink>,
    title: String,
    introduction: String,
    closes: String,
    towns: Vec<Tick>,
    areas: Vec<Tick>,
    bands: Vec<Tick>,
    kinds: Vec<(&'static str, String)>,
    slots: Vec<Slot>,
    title_error: Option<String>,
    introduction_error: Option<String>,
    towns_error: Option<String>,
    closes_error: Option<String>,
    error_label: String,
}

/// Where an error of a field shows: its element id.
fn anchor(field: &str, slots: &[usize], towns: &[Tick]) -> String {
    if let Some(rest) = field.strip_prefix("questions[") {
        let (index, part) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), "kind"));
        let slot = index.parse::<usize>().ok().and_then(|i| slots.get(i).copied()).unwrap_or(1);
        return format!("q{slot}-{part}");
    }
    match field.split('[').next().unwrap_or_default() {
        "questions" => "q1-kind".to_owned(),
        "municipalities" => towns.first().map_or_else(String::new, |t| format!("town-{}", t.value)),
        "age_bands" => "band-under-20".to_owned(),
        "areas" => "areas".to_owned(),
        "closes_at" => "closes".to_owned(),
        other => other.to_owned(),
    }
}

fn empty_slots() -> Vec<Slot> {
    (1..=SLOTS)
        .map(|n| Slot {
            n,
            kind: String::new(),
            text: String::new(),
            choices: String::new(),
            required: true,
            other: false,
            error: None,
        })
        .collect()
}

fn page(
    signed: &Signed,
    directory: &ReferenceData,
    fields: Option<&Fields>,
    error: Option<(String, String)>,
) -> Response {
    let lang = signed.lang;
    let get = |name: &str| fields.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let chosen = |name: &str, value: &str| fields.is_some_and(|f| f.all(name).contains(&value));
    let scope = signed.actor.scope();
    let towns: Vec<Tick> = directory
        .municipalities
        .iter()
        .filter(|m| scope.covers(&m.code))
        .map(|m| Tick {
            value: m.code.to_string(),
            label: m.name(lang).to_owned(),
            checked: chosen("municipality", m.code.as_str()) || (fields.is_none() && scope.municipality().is_some()),
        })
        .collect();
    let areas = directory
        .areas
        .iter()
        .filter(|a| scope.covers(&a.municipality))
        .map(|a| Tick {
            value: a.id.to_string(),
            label: directory.area_label(a.id, lang).unwrap_or_default(),
            checked: chosen("area", &a.id.to_string()),
        })
        .collect();
    let bands = AgeBand::ALL
        .iter()
        .map(|b| Tick { value: b.as_str().to_owned(), label: b.label(lang), checked: chosen("age_band", b.as_str()) })
        .collect();
    let mut slots = empty_slots();
    if let Some(fields) = fields {
        for slot in &mut slots {
            slot.kind = fields.get(&format!("q{}-kind", slot.n)).to_owned();
            slot.text = fields.get(&format!("q{}-text", slot.n)).to_owned();
            slot.choices = fields.get(&format!("q{}-choices", slot.n)).to_owned();
            slot.required = fields.has(&format!("q{}-required", slot.n));
            slot.other = fields.has(&format!("q{}-other", slot.n));
        }
    }
    let mut errors = Vec::new();
    let (mut title_error, mut introduction_error, mut towns_error, mut closes_error) = (None, None, None, None);
    if let Some((href, message)) = error {
        let target = href.trim_start_matches('#');
        match target {
            "title" => title_error = Some(message.clone()),
            "introduction" => introduction_error = Some(message.clone()),
            "closes" => closes_error = Some(message.clone()),
            t if t.starts_with("town-") => towns_error = Some(message.clone()),
            t => {
                let slot = t.strip_prefix('q').and_then(|r| r.split('-').next()).and_then(|n| n.parse::<usize>().ok());
                if let Some(slot) = slot.and_then(|n| slots.get_mut(n.wrapping_sub(1))) {
                    slot.error = Some(message.clone());
                }
            }
        }
        errors.push(ErrorLink { href, message });
    }
    let mut title = texts::text(lang, "console-survey-new-title").into_owned();
    if !errors.is_empty() {
        title = texts::format(lang, "residents-error-title", &[("title", title.into())]).into_owned();
    }
    let page = NewPage {
        frame: ConsoleFrame::signed(signed, directory, title, "/admin/surveys"),
        errors,
        title: get("title"),
        introduction: get("introduction"),
        closes: get("closes"),
        towns,
        areas,
        bands,
        kinds: QuestionKind::ALL
            .iter()
            .map(|k| (k.as_str(), texts::text(lang, &format!("console-question-kind-{}", k.as_str())).into_owned()))
            .collect(),
        slots,
        title_error,
        introduction_error,
        towns_error,
        closes_error,
        error_label: texts::text(lang, "choices-error-prefix").into_owned(),
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &page)
}

pub async fn form(State(state): State<AppState>, signed: Signed) -> Response {
    page(&signed, &state.directory.current(), None, None)
}

pub async fn submit(State(state): State<AppState>, signed: Signed, fields: Fields) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    // Slots with neither a kind nor a text are left out; the rest keep their slot number.
    let mut used = Vec::new();
    let mut questions = Vec::new();
    for n in 1..=SLOTS {
        let kind = fields.get(&format!("q{n}-kind")).trim().to_owned();
        let text = fields.get(&format!("q{n}-text")).to_owned();
        if kind.is_empty() && text.trim().is_empty() {
            continue;
        }
        used.push(n);
        questions.push(QuestionInput {
            kind,
            text,
            choices: fields.get(&format!("q{n}-choices")).lines().map(str::to_owned).collect(),
            required: fields.has(&format!("q{n}-required")),
            other: fields.has(&format!("q{n}-other")),
        });
    }
    let closes = fields.get("closes").trim();
    let closes_at = if closes.is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(closes, "%Y-%m-%d") {
            // Open through the whole day named, in Japan time.
            Ok(date) => date.succ_opt().map(kizuna_core::time::start_of_tokyo_day),
            Err(_) => {
                let message = texts::text(lang, "console-survey-error-date").into_owned();
                return page(&signed, &directory, Some(&fields), Some(("#closes".into(), message)));
            }
        }
    };
    let draft = SurveyDraft {
        title: fields.get("title").to_owned(),
        introduction: Some(fields.get("introduction").to_owned()),
        municipalities: fields.all("municipality").into_iter().map(str::to_owned).collect(),
        age_bands: fields.all("age_band").into_iter().map(str::to_owned).collect(),
        // An area that is not a number names no area: the service refuses 0.
        areas: fields.all("area").into_iter().map(|a| a.trim().parse().unwrap_or(0)).collect(),
        questions,
        opens_at: None,
        closes_at,
    };
    match service::create(&state, signed.actor.scope(), signed.actor.name(), &draft).await {
        Ok(survey) => {
            let entry = NewAuditEntry::new(signed.actor.name(), "survey_create", format!("survey:{}", survey.id), "{}")
                .from_client(&signed.client)
                .in_municipality(survey.municipalities.first());
            if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
                tracing::error!(%error, "survey created but not audited");
            }
            done(&format!("/admin/surveys/{}", survey.id), "created")
        }
        Err(SurveyError::Invalid { field, problem }) => {
            let towns: Vec<Tick> = directory
                .municipalities
                .iter()
                .filter(|m| signed.actor.scope().covers(&m.code))
                .map(|m| Tick { value: m.code.to_string(), label: String::new(), checked: false })
                .collect();
            let href = format!("#{}", anchor(&field, &used, &towns));
            page(&signed, &directory, Some(&fields), Some((href, problem.explain(lang))))
        }
        Err(SurveyError::OutOfScope(_)) => pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-role"),
        Err(error) => {
            tracing::error!(%error, "survey not created");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}
