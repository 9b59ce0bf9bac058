//! What the residents' pages share: links that keep the language, the frame,
//! the private (uncached, unindexed) answer, the one-message page and the pages
//! every journey can end on (an invalid link, a failure, too much input).

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kizuna_core::Lang;
use kizuna_core::lang::Languages;
use kizuna_store::Subscriber;

use super::service::{MANAGE_LINK_DAYS, ResidentError};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

/// For a link we cannot tie to a resident: the browser's first language when
/// the site offers it, else Japanese.
pub(crate) fn browser_lang(headers: &HeaderMap, offered: &Languages) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default();
    offered.resolve(first.split(';').next().unwrap_or_default())
}

/// The language of a page opened with a token: `?lang=`, else the resident's
/// (Japanese if it is no longer offered), else the browser's.
pub(crate) fn token_lang(
    asked: Option<Lang>,
    subscriber: Option<&Subscriber>,
    headers: &HeaderMap,
    offered: &Languages,
) -> Lang {
    asked.or(subscriber.map(|s| offered.or_default(s.language))).unwrap_or_else(|| browser_lang(headers, offered))
}

/// `path?k=v&lang=en`, with the values encoded; no `lang` for Japanese, the default.
pub(crate) fn href(path: &str, params: &[(&str, &str)], lang: Lang) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        query.append_pair(key, value);
    }
    if lang != Lang::JA {
        query.append_pair("lang", lang.as_str());
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// The frame of a residents' page; its language links keep `params`.
pub(crate) fn frame(
    lang: Lang,
    offered: &Languages,
    title: &str,
    directory: &ReferenceData,
    path: &str,
    params: &[(&str, &str)],
) -> Frame {
    let mut frame = Frame::new(lang, offered, title.to_owned(), directory.consortium_name(lang), path);
    frame.link_languages(offered, |other| href(path, params, other));
    frame
}

/// Pages with a token or a resident's input: never cached, never indexed, and
/// the token never leaks to another site through the Referer header.
pub(crate) fn private_page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

pub(crate) fn shared_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// Pages reached through a notice mail show the address masked: such a mail
/// may have been forwarded to someone else.
pub(crate) fn masked(subscriber: &Subscriber) -> String {
    kizuna_core::EmailAddress::parse(&subscriber.email).map_or_else(|_| "***".to_owned(), |a| a.masked())
}

/// A page with a message, optionally a summary, one button and a few links.
#[derive(Template)]
#[template(path = "resident_page.html")]
pub(crate) struct ResidentPage {
    pub frame: Frame,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub summary: Vec<(String, String)>,
    pub form_action: String,
    pub button: String,
    pub links: Vec<(String, String)>,
    pub success: bool,
}

impl ResidentPage {
    pub fn new(frame: Frame, heading: &str, paragraphs: Vec<String>) -> Self {
        Self {
            frame,
            heading: heading.to_owned(),
            paragraphs,
            summary: Vec::new(),
            form_action: String::new(),
            button: String::new(),
            links: Vec::new(),
            success: false,
        }
    }

    pub fn respond(self, status: StatusCode) -> Result<Response, WebError> {
        Ok(private_page(status, self.render()?))
    }
}

/// A link for a residents' page: where it goes, and its text from the catalog.
pub(crate) fn link_to(path: &str, lang: Lang, key: &str) -> (String, String) {
    (href(path, &[], lang), texts::text(lang, key).into_owned())
}

pub(crate) fn home_link(lang: Lang) -> (String, String) {
    link_to("/", lang, "residents-home")
}

pub(crate) fn register_link(lang: Lang) -> (String, String) {
    link_to("/register", lang, "residents-register")
}

/// A page that ends a journey with a message and the links to start again.
fn message_page(
    state: &AppState,
    directory: &ReferenceData,
    lang: Lang,
    title: &str,
    paragraphs: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let frame = frame(lang, &state.settings.languages, title, directory, "/register", &[]);
    let mut page = ResidentPage::new(frame, title, paragraphs);
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(status)
}

/// An unknown, expired or used link, explained in the resident's language.
pub(crate) fn invalid_link(state: &AppState, lang: Lang) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let hours = state.settings.residents.confirmation.num_hours();
    let title = texts::text(lang, "invalid-link-title");
    let paragraphs = vec![
        texts::format(lang, "invalid-link-why", &[("hours", hours.into()), ("days", MANAGE_LINK_DAYS.into())])
            .into_owned(),
        texts::text(lang, "invalid-link-next").into_owned(),
    ];
    message_page(state, &directory, lang, &title, paragraphs, StatusCode::NOT_FOUND)
}

/// A failure the resident cannot fix: logged whole, shown briefly.
pub(crate) fn failure(
    state: &AppState,
    directory: &ReferenceData,
    lang: Lang,
    error: ResidentError,
) -> Result<Response, WebError> {
    match error {
        ResidentError::Store(source) => Err(WebError::Store { lang, source }),
        other => {
            tracing::error!(error = %other, "resident request failed");
            let title = texts::text(lang, "failure-title");
            let paragraphs = vec![texts::text(lang, "failure-text").into_owned()];
            message_page(state, directory, lang, &title, paragraphs, StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

pub(crate) fn too_large(state: &AppState, directory: &ReferenceData, lang: Lang) -> Result<Response, WebError> {
    let title = texts::text(lang, "too-large-title");
    let paragraphs = vec![texts::text(lang, "too-large-text").into_owned()];
    message_page(state, directory, lang, &title, paragraphs, StatusCode::PAYLOAD_TOO_LARGE)
}
