//! `/admin/surveys/{id}/paper`: staff type in an answer received on paper or
//! by phone — the respondent's municipality (or area) and age band, then the
//! same questions as the answer page. It counts in the paper column; each entry
//! is audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::survey::{AgeBand, AnswerError};
use kizuna_store::{Channel, NewAuditEntry, NewResponse, Survey};

use super::super::form::Fields;
use super::super::frame::ConsoleFrame;
use super::super::pages::{self, done, render};
use super::super::session::Signed;
use crate::directory::ReferenceData;
use crate::residents::form::ErrorLink;
use crate::state::AppState;
use crate::surveys::form::{QuestionView, Values, form_values, parse_answers, parse_place, question_views};
use crate::surveys::service;
use crate::texts;

pub struct PlaceOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct BandOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/survey_paper.html")]
struct PaperPage {
    frame: ConsoleFrame,
    id: i64,
    errors: Vec<ErrorLink>,
    place_error: Option<String>,
    band_error: Option<String>,
    places: Vec<PlaceOption>,
    bands: Vec<BandOption>,
    error_label: String,
    content_lang: &'static str,
    questions: Vec<QuestionView>,
}

struct Typed<'a> {
    place: &'a str,
    band: &'a str,
    values: Values,
    place_bad: bool,
    band_bad: bool,
    problems: Vec<(i64, AnswerError)>,
}

fn page(
    signed: &Signed,
    directory: &ReferenceData,
    survey: &Survey,
    typed: &Typed<'_>,
    status: StatusCode,
) -> Response {
    let lang = signed.lang;
    let (questions, question_errors) = question_views(survey, &typed.values, &typed.problems, lang);
    let place_error = typed.place_bad.then(|| texts::text(lang, "monitor-error-place").into_owned());
    let band_error = typed.band_bad.then(|| texts::text(lang, "monitor-error-band").into_owned());
    let mut errors = Vec::new();
    if let Some(message) = &place_error {
        errors.push(ErrorLink { href: "#place".into(), message: message.clone() });
    }
    if let Some(message) = &band_error {
        errors.push(ErrorLink { href: "#age-band-under-20".into(), message: message.clone() });
    }
    errors.extend(question_errors.into_iter().map(|(href, message)| ErrorLink { href, message }));
    let mut places = Vec::new();
    for code in &survey.municipalities {
        let town = directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned());
        places.push(PlaceOption { value: code.to_string(), label: town, selected: typed.place == code.as_str() });
        for area in directory.areas_of(code) {
            let value = format!("{code}/{}", area.id);
            let label = directory.area_label(area.id, lang).unwrap_or_default();
            places.push(PlaceOption { selected: typed.place == value, value, label });
        }
    }
    let mut title = texts::format(lang, "console-paper-title", &[("title", survey.title.clone().into())]).into_owned();
    if !errors.is_empty() {
        title = texts::format(lang, "residents-error-title", &[("title", title.into())]).into_owned();
    }
    let page = PaperPage {
        frame: ConsoleFrame::signed(signed, directory, title, "/admin/surveys"),
        id: survey.id,
        errors,
        place_error,
        band_error,
        places,
        bands: AgeBand::ALL
            .iter()
            .map(|b| BandOption { value: b.as_str(), label: b.label(lang), selected: typed.band == b.as_str() })
            .collect(),
        error_label: texts::text(lang, "choices-error-prefix").into_owned(),
        content_lang: if lang == Lang::JA { "" } else { "ja" },
        questions,
    };
    render(status, &page)
}

pub async fn form(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let survey = match service::read(&state, signed.actor.scope(), id).await {
        Ok(survey) => survey,
        Err(_) => return pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-error-page-not-found"),
    };
    let directory = state.directory.current();
    let typed =
        Typed { place: "", band: "", values: Vec::new(), place_bad: false, band_bad: false, problems: Vec::new() };
    page(&signed, &directory, &survey, &typed, StatusCode::OK)
}

pub async fn submit(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, fields: Fields) -> Response {
    let lang = signed.lang;
    let survey = match service::read(&state, signed.actor.scope(), id).await {
        Ok(survey) => survey,
        Err(_) => return pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found"),
    };
    let directory = state.directory.current();
    let values = form_values(&survey, |name| fields.all(name));
    let where_from = parse_place(&directory, fields.get("place").trim(), |c| survey.municipalities.contains(c));
    let band = AgeBand::parse(fields.get("age_band"));
    let answers = parse_answers(&survey, &values);
    let (Some((municipality, area_id)), Some(age_band), Ok(answers)) = (where_from.clone(), band, answers.clone())
    else {
        let typed = Typed {
            place: fields.get("place"),
            band: fields.get("age_band"),
            place_bad: where_from.is_none(),
            band_bad: band.is_none(),
            problems: answers.err().unwrap_or_default(),
            values,
        };
        return page(&signed, &directory, &survey, &typed, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let response = NewResponse {
        survey_id: id,
        invitation_id: None,
        channel: Channel::Paper,
        municipality: municipality.clone(),
        area_id,
        age_band,
        answers,
    };
    let now = state.clock.now();
    let saved = match state.store.save_response(&response, now).await {
        Ok(saved) => saved,
        Err(error) => {
            tracing::error!(%error, "paper answer not stored");
            return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
        }
    };
    let entry = NewAuditEntry::new(
        signed.actor.name(),
        "survey_paper_answer",
        format!("survey:{id}"),
        format!("response={saved}"),
    )
    .from_client(&signed.client)
    .in_municipality(Some(&municipality));
    if let Err(error) = state.store.record_audit(&entry, now).await {
        tracing::error!(%error, "paper answer stored but not audited");
    }
    done(&format!("/admin/surveys/{id}"), "paper-saved")
}
