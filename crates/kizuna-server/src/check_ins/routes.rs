//! The check-in pages: the answer with its one button (GET), recording it
//! (POST), the form again with its errors, and a clear page for a link that
//! answers nothing.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use kizuna_core::Lang;
use kizuna_core::check_in::{CheckInAnswer, Household};
use kizuna_core::lang::Explain;
use kizuna_store::CheckIn;

use super::service::{self, FieldError, Opened, ReplyForm};
use crate::error::WebError;
use crate::residents::{Fields, private_page, token_lang};
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

/// A household count and a 200-character message, percent-encoded, and then some.
const BODY_LIMIT: usize = 8 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        // `/check-in/{token}/safe` and `/check-in/{token}/help`; any other answer finds nothing.
        .route("/check-in/{token}/{answer}", get(show).post(submit))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// One line of the error summary, linking to its field.
struct ErrorLine {
    href: String,
    message: String,
}

/// The answer's form, as first shown or shown again with its errors.
struct AnswerForm {
    action: String,
    help: bool,
    household: String,
    message: String,
    household_error: Option<String>,
    message_error: Option<String>,
    button: String,
}

#[derive(Template)]
#[template(path = "check_in.html")]
struct CheckInPage {
    frame: Frame,
    heading: String,
    lead: String,
    /// The answer so far, in words, and its message.
    current: Option<String>,
    current_message: Option<String>,
    success: bool,
    errors: Vec<ErrorLine>,
    form: Option<AnswerForm>,
    /// The other answer, or changing this one.
    links: Vec<(String, String)>,
}

impl CheckInPage {
    fn respond(self, status: StatusCode) -> Result<Response, WebError> {
        Ok(private_page(status, self.render()?))
    }
}

fn path(token: &str, answer: CheckInAnswer) -> String {
    format!("/check-in/{token}/{}", answer.as_str())
}

fn with_lang(path: &str, lang: Lang) -> String {
    if lang == Lang::JA { path.to_owned() } else { format!("{path}?lang={}", lang.as_str()) }
}

fn answer_label(lang: Lang, answer: CheckInAnswer) -> String {
    texts::text(lang, &format!("check-in-answer-{}", answer.as_str())).into_owned()
}

/// The answer so far, as the page states it.
fn current(lang: Lang, answer: &CheckIn) -> String {
    texts::format(
        lang,
        "check-in-current",
        &[("answer", answer_label(lang, answer.answer).into()), ("people", answer.household.get().into())],
    )
    .into_owned()
}

/// The link resolved and the language to answer in; the not-found page instead
/// for a link that answers no check-in.
async fn resolve(
    state: &AppState,
    token: &str,
    answer: &str,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Result<(Opened, Lang, Frame, CheckInAnswer), Response>, WebError> {
    let offered = &state.settings.languages;
    let asked = Fields::query(uri.query()).lang(offered);
    let fallback = token_lang(asked, None, headers, offered);
    let answer = CheckInAnswer::parse(answer);
    let opened = match answer {
        Some(_) => service::open(state, token).await.map_err(WebError::store(fallback))?,
        None => None,
    };
    let directory = state.directory.current();
    let (Some(opened), Some(answer)) = (opened, answer) else {
        let title = texts::text(fallback, "check-in-not-found-title").into_owned();
        let frame = Frame::new(fallback, offered, title.clone(), directory.consortium_name(fallback), uri.path());
        let page = CheckInPage {
            frame,
            heading: title,
            lead: texts::text(fallback, "check-in-not-found-text").into_owned(),
            current: None,
            current_message: None,
            success: false,
            errors: Vec::new(),
            form: None,
            links: vec![(with_lang("/", fallback), texts::text(fallback, "residents-home").into_owned())],
        };
        return Ok(Err(page.respond(StatusCode::NOT_FOUND)?));
    };
    let lang = token_lang(asked, opened.subscriber.as_ref(), headers, offered);
    let title = texts::text(lang, &format!("check-in-title-{}", answer.as_str())).into_owned();
    let frame = Frame::new(lang, offered, title, directory.consortium_name(lang), &path(token, answer));
    Ok(Ok((opened, lang, frame, answer)))
}

/// The page with the form for `answer`, filled with what the resident gave.
fn answer_page(
    token: &str,
    lang: Lang,
    frame: Frame,
    opened: &Opened,
    answer: CheckInAnswer,
    form: ReplyForm,
    errors: Vec<FieldError>,
) -> CheckInPage {
    let own = path(token, answer);
    let other = match answer {
        CheckInAnswer::Safe => CheckInAnswer::Help,
        CheckInAnswer::Help => CheckInAnswer::Safe,
    };
    let (mut household_error, mut message_error, mut lines) = (None, None, Vec::new());
    for error in errors {
        let (slot, id, error) = match error {
            FieldError::Household(e) => (&mut household_error, "household", e),
            FieldError::Message(e) => (&mut message_error, "message", e),
        };
        let message = error.explain(lang);
        lines.push(ErrorLine { href: format!("#{id}"), message: message.clone() });
        *slot = Some(message);
    }
    let title = opened.notice.title_en.as_ref().filter(|_| lang == Lang::EN).unwrap_or(&opened.notice.title);
    CheckInPage {
        heading: frame.title.clone(),
        frame,
        lead: texts::format(lang, "check-in-lead", &[("title", title.as_str().into())]).into_owned(),
        current: opened.link.answer.as_ref().map(|a| current(lang, a)),
        current_message: opened.link.answer.as_ref().and_then(|a| a.message.as_ref()).map(|m| m.as_str().to_owned()),
        success: false,
        errors: lines,
        form: Some(AnswerForm {
            action: with_lang(&own, lang),
            help: answer == CheckInAnswer::Help,
            household: form.household,
            message: form.message,
            household_error,
            message_error,
            button: texts::text(lang, &format!("check-in-submit-{}", answer.as_str())).into_owned(),
        }),
        links: vec![(
            with_lang(&path(token, other), lang),
            texts::text(lang, &format!("check-in-switch-{}", other.as_str())).into_owned(),
        )],
    }
}

async fn show(
    State(state): State<AppState>,
    Path((token, answer)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (opened, lang, frame, answer) = match resolve(&state, &token, &answer, &uri, &headers).await? {
        Ok(resolved) => resolved,
        Err(not_found) => return Ok(not_found),
    };
    // The form starts from the answer so far when it is the same one.
    let so_far = opened.link.answer.as_ref().filter(|a| a.answer == answer);
    let form = ReplyForm {
        household: so_far.map_or(Household::default(), |a| a.household).get().to_string(),
        message: so_far.and_then(|a| a.message.as_ref()).map(|m| m.as_str().to_owned()).unwrap_or_default(),
    };
    answer_page(&token, lang, frame, &opened, answer, form, Vec::new()).respond(StatusCode::OK)
}

async fn submit(
    State(state): State<AppState>,
    Path((token, answer)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let (opened, lang, frame, answer) = match resolve(&state, &token, &answer, &uri, &headers).await? {
        Ok(resolved) => resolved,
        Err(not_found) => return Ok(not_found),
    };
    let fields = Fields::parse(&body);
    let form = ReplyForm {
        household: fields.first("household").unwrap_or_default().to_owned(),
        message: fields.first("message").unwrap_or_default().to_owned(),
    };
    let reply = match form.parse(answer) {
        Ok(reply) => reply,
        Err(errors) => {
            let mut page = answer_page(&token, lang, frame, &opened, answer, form, errors);
            page.frame.title =
                texts::format(lang, "check-in-error-title", &[("title", page.frame.title.as_str().into())])
                    .into_owned();
            return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let recorded = service::record(&state, &opened, &reply).await.map_err(WebError::store(lang))?;
    let other = |a: CheckInAnswer| {
        (with_lang(&path(&token, a), lang), texts::text(lang, &format!("check-in-change-{}", a.as_str())).into_owned())
    };
    let page = CheckInPage {
        heading: texts::text(lang, "check-in-done-title").into_owned(),
        frame,
        lead: texts::text(lang, &format!("check-in-done-{}", answer.as_str())).into_owned(),
        current: Some(current(lang, &recorded)),
        current_message: recorded.message.as_ref().map(|m| m.as_str().to_owned()),
        success: true,
        errors: Vec::new(),
        form: None,
        links: vec![other(CheckInAnswer::Safe), other(CheckInAnswer::Help)],
    };
    page.respond(StatusCode::OK)
}
