//! `/confirm/{token}`: the link of a confirmation mail shows what was chosen;
//! only its button (a POST) completes the registration, because mail scanners
//! open links on their own.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_store::{Subscriber, Subscription};

use super::choices::describe;
use super::form::Fields;
use super::pages::{ResidentPage, frame, home_link, href, invalid_link, link_to, token_lang};
use super::service::{self, Confirmation};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;

fn summary_rows(
    directory: &ReferenceData,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    lang: Lang,
) -> Vec<(String, String)> {
    let (towns, categories) = describe(directory, subscriptions, subscriber.emergency_only, lang);
    let format = match subscriber.format {
        MailFormat::Text => "summary-format-text",
        MailFormat::Html => "summary-format-html",
    };
    let charset = match subscriber.charset {
        Charset::Utf8 => "summary-charset-utf8",
        Charset::Iso2022Jp => "summary-charset-iso",
    };
    let text = |key: &str| texts::text(lang, key).into_owned();
    vec![
        (text("summary-email"), subscriber.email.clone()),
        (text("summary-municipalities"), towns),
        (text("summary-information"), categories),
        (text("summary-format"), text(format)),
        (text("summary-charset"), text(charset)),
        // The mail language by its own name.
        (text("summary-language"), texts::text(subscriber.language, "locale-name").into_owned()),
    ]
}

pub(super) async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let asked = Fields::query(query.as_deref()).lang(offered);
    let found = service::confirmation(&state, &token)
        .await
        .map_err(WebError::store(token_lang(asked, None, &headers, offered)))?;
    let (subscriber, waiting) = match found {
        None => return invalid_link(&state, token_lang(asked, None, &headers, offered)),
        Some(Confirmation::Waiting { subscriber, subscriptions }) => (subscriber, Some(subscriptions)),
        Some(Confirmation::AlreadyDone(subscriber)) => (subscriber, None),
    };
    let lang = token_lang(asked, Some(&subscriber), &headers, offered);
    let directory = state.directory.current();
    let path = format!("/confirm/{token}");
    let Some(subscriptions) = waiting else {
        return confirmed_page(&state, &directory, lang, &token, &subscriber, &[], true);
    };
    let title = texts::text(lang, "confirm-title");
    let paragraphs = vec![texts::text(lang, "confirm-lead").into_owned()];
    let mut page = ResidentPage::new(frame(lang, offered, &title, &directory, &path, &[]), &title, paragraphs);
    page.summary = summary_rows(&directory, &subscriber, &subscriptions, lang);
    page.form_action = href(&path, &[], lang);
    page.button = texts::text(lang, "confirm-submit").into_owned();
    page.links = vec![link_to("/privacy", lang, "residents-privacy")];
    page.respond(StatusCode::OK)
}

pub(super) fn confirmed_page(
    state: &AppState,
    directory: &ReferenceData,
    lang: Lang,
    token: &str,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    earlier: bool,
) -> Result<Response, WebError> {
    let title = texts::text(lang, "confirm-done-title");
    let first = if earlier { "confirm-done-earlier" } else { "confirm-done-thanks" };
    let paragraphs = vec![texts::text(lang, first).into_owned(), texts::text(lang, "confirm-done-links").into_owned()];
    let path = format!("/confirm/{token}");
    let frame = frame(lang, &state.settings.languages, &title, directory, &path, &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.success = true;
    if !subscriptions.is_empty() {
        page.summary = summary_rows(directory, subscriber, subscriptions, lang);
    }
    page.links = vec![link_to(&format!("/manage/{token}"), lang, "residents-change-choices"), home_link(lang)];
    page.respond(StatusCode::OK)
}

pub(super) async fn confirm_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let asked = Fields::query(query.as_deref()).lang(offered);
    let confirmed =
        service::confirm(&state, &token).await.map_err(WebError::store(token_lang(asked, None, &headers, offered)))?;
    let Some((subscriber, subscriptions)) = confirmed else {
        return invalid_link(&state, token_lang(asked, None, &headers, offered));
    };
    let lang = token_lang(asked, Some(&subscriber), &headers, offered);
    let directory = state.directory.current();
    confirmed_page(&state, &directory, lang, &token, &subscriber, &subscriptions, false)
}
