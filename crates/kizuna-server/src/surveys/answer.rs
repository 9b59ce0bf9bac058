//! `/surveys/{token}`: a monitor answers a survey from the personal link in
//! their mail — no sign-in, one POST records (no confirmation step), and the
//! same link changes the answer until the survey closes. An unknown or forged
//! link, a survey not yet open and a closed one each get a plain page. No
//! script: the page works on any phone.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::survey::AnswerError;
use kizuna_core::token::SecretToken;
use kizuna_store::{Channel, Invitation, NewResponse, StoredResponse, Survey};

use super::form::{QuestionView, Values, form_values, parse_answers, question_views, stored_values};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::residents::form::{ErrorLink, Fields};
use crate::residents::pages::{ResidentPage, frame, home_link, href, private_page, token_lang, too_large};
use crate::residents::service::plausible;
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

/// An invitation its link names, with its survey and any answer given.
struct Opened {
    invitation: Invitation,
    survey: Survey,
    response: Option<StoredResponse>,
    lang: Lang,
}

async fn open(
    state: &AppState,
    token: &str,
    asked: Option<Lang>,
    headers: &HeaderMap,
) -> Result<Result<Opened, Lang>, WebError> {
    let offered = &state.settings.languages;
    let fallback = token_lang(asked, None, headers, offered);
    if !plausible(token) {
        return Ok(Err(fallback));
    }
    let hash = SecretToken::from_presented(token).hash();
    let store = WebError::store(fallback);
    let Some(invitation) = state.store.invitation_by_link(&hash).await.map_err(store)? else {
        return Ok(Err(fallback));
    };
    // Erased residents' invitations keep no one to answer for.
    let subscriber = match invitation.subscriber_id {
        Some(id) => state.store.subscriber(id).await.map_err(WebError::store(fallback))?,
        None => None,
    };
    let Some(subscriber) = subscriber else {
        return Ok(Err(fallback));
    };
    let lang = token_lang(asked, Some(&subscriber), headers, offered);
    let survey = state.store.survey(invitation.survey_id).await.map_err(WebError::store(lang))?;
    let Some(survey) = survey else {
        return Ok(Err(lang));
    };
    let response = state.store.response_of(invitation.id).await.map_err(WebError::store(lang))?;
    Ok(Ok(Opened { invitation, survey, response, lang }))
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    frame: Frame,
    action: String,
    title: String,
    introduction: Vec<String>,
    /// `lang` of what staff wrote, when the page is in another language.
    content_lang: &'static str,
    closes: String,
    answered: bool,
    errors: Vec<ErrorLink>,
    questions: Vec<QuestionView>,
}

fn closing_text(survey: &Survey, lang: Lang) -> String {
    survey.closing().map_or_else(
        || texts::text(lang, "survey-page-no-closing").into_owned(),
        |at| kizuna_core::time::format_for(at, lang),
    )
}

fn survey_page(
    state: &AppState,
    directory: &ReferenceData,
    token: &str,
    opened: &Opened,
    values: &Values,
    problems: &[(i64, AnswerError)],
) -> Result<String, WebError> {
    let lang = opened.lang;
    let survey = &opened.survey;
    let path = format!("/surveys/{token}");
    let mut title = survey.title.clone();
    if !problems.is_empty() {
        title = texts::format(lang, "residents-error-title", &[("title", title.into())]).into_owned();
    }
    let (questions, errors) = question_views(survey, values, problems, lang);
    let errors = errors.into_iter().map(|(href, message)| ErrorLink { href, message }).collect();
    let page = SurveyPage {
        frame: frame(lang, &state.settings.languages, &title, directory, &path, &[]),
        action: href(&path, &[], lang),
        title: survey.title.clone(),
        introduction: survey.introduction.as_deref().unwrap_or_default().lines().map(str::to_owned).collect(),
        content_lang: if lang == Lang::JA { "" } else { "ja" },
        closes: closing_text(survey, lang),
        answered: opened.response.is_some(),
        errors,
        questions,
    };
    Ok(page.render()?)
}

/// A page with a message: not found, not yet open, closed, or thanks.
fn message(
    state: &AppState,
    directory: &ReferenceData,
    lang: Lang,
    path: &str,
    (title_key, paragraphs): (&str, Vec<String>),
    links: Vec<(String, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let title = texts::text(lang, title_key);
    let mut page =
        ResidentPage::new(frame(lang, &state.settings.languages, &title, directory, path, &[]), &title, paragraphs);
    page.links = links;
    page.success = status == StatusCode::OK;
    page.respond(status)
}

fn not_found(state: &AppState, directory: &ReferenceData, lang: Lang) -> Result<Response, WebError> {
    let text = vec![texts::text(lang, "survey-page-not-found-text").into_owned()];
    message(state, directory, lang, "/", ("survey-page-not-found", text), vec![home_link(lang)], StatusCode::NOT_FOUND)
}

/// Not yet open or closed: `None` when answers are taken now.
fn not_taking(
    state: &AppState,
    directory: &ReferenceData,
    token: &str,
    opened: &Opened,
) -> Option<Result<Response, WebError>> {
    let now = state.clock.now();
    let lang = opened.lang;
    let path = format!("/surveys/{token}");
    let survey = &opened.survey;
    if survey.is_closed(now) {
        let mut text = vec![
            texts::format(lang, "survey-page-closed-text", &[("title", survey.title.clone().into())]).into_owned(),
        ];
        if opened.response.is_some() {
            text.push(texts::text(lang, "survey-page-closed-answered").into_owned());
        }
        return Some(message(
            state,
            directory,
            lang,
            &path,
            ("survey-page-closed", text),
            vec![home_link(lang)],
            StatusCode::GONE,
        ));
    }
    if survey.opens_at > now {
        let opens = kizuna_core::time::format_for(survey.opens_at, lang);
        let text = vec![texts::format(lang, "survey-page-not-open-text", &[("opens", opens.into())]).into_owned()];
        return Some(message(
            state,
            directory,
            lang,
            &path,
            ("survey-page-not-open", text),
            vec![home_link(lang)],
            StatusCode::CONFLICT,
        ));
    }
    None
}

pub async fn survey_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let asked = Fields::query(uri.query()).lang(&state.settings.languages);
    let opened = match open(&state, &token, asked, &headers).await? {
        Ok(opened) => opened,
        Err(lang) => return not_found(&state, &directory, lang),
    };
    if let Some(page) = not_taking(&state, &directory, &token, &opened) {
        return page;
    }
    let values = stored_values(opened.response.as_ref());
    Ok(private_page(StatusCode::OK, survey_page(&state, &directory, &token, &opened, &values, &[])?))
}

pub async fn survey_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let asked = Fields::query(uri.query()).lang(&state.settings.languages);
    let opened = match open(&state, &token, asked, &headers).await? {
        Ok(opened) => opened,
        Err(lang) => return not_found(&state, &directory, lang),
    };
    let lang = opened.lang;
    let Ok(body) = body else {
        return too_large(&state, &directory, lang);
    };
    if let Some(page) = not_taking(&state, &directory, &token, &opened) {
        return page;
    }
    let fields = Fields::parse(&body);
    let values = form_values(&opened.survey, |name| fields.all(name));
    let answers = match parse_answers(&opened.survey, &values) {
        Ok(answers) => answers,
        Err(problems) => {
            let html = survey_page(&state, &directory, &token, &opened, &values, &problems)?;
            return Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, html));
        }
    };
    let invitation = &opened.invitation;
    let response = NewResponse {
        survey_id: opened.survey.id,
        invitation_id: Some(invitation.id),
        channel: Channel::Web,
        municipality: invitation.municipality.clone(),
        area_id: invitation.area_id,
        age_band: invitation.age_band,
        answers,
    };
    state.store.save_response(&response, state.clock.now()).await.map_err(WebError::store(lang))?;
    tracing::info!(survey = opened.survey.id, changed = opened.response.is_some(), "survey answered on the web");
    let path = format!("/surveys/{token}");
    let closes = closing_text(&opened.survey, lang);
    let text = vec![
        texts::text(lang, if opened.response.is_some() { "survey-page-changed" } else { "survey-page-thanks" })
            .into_owned(),
        texts::format(lang, "survey-page-change-until", &[("closes", closes.into())]).into_owned(),
    ];
    let links = vec![(href(&path, &[], lang), texts::text(lang, "survey-page-change").into_owned()), home_link(lang)];
    message(&state, &directory, lang, &path, ("survey-page-recorded", text), links, StatusCode::OK)
}
