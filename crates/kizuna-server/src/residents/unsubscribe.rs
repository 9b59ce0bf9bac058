//! `/unsubscribe/{token}`: stops every mail to a resident. A GET shows a
//! button; the POST alone unsubscribes (RFC 8058 one-click), so a mail program
//! can do it without cookies and a link preview never does.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::subscriber::SubscriberStatus;

use super::link::ResidentLink;
use super::pages::{ResidentPage, frame, home_link, href, link_to, masked, register_link};
use super::service;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;

pub(super) async fn unsubscribe_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    if subscriber.status == SubscriberStatus::Unsubscribed {
        return unsubscribed_page(&state, lang, &token, true);
    }
    let directory = state.directory.current();
    let path = format!("/unsubscribe/{token}");
    let title = texts::text(lang, "unsubscribe-title");
    let paragraphs =
        vec![texts::format(lang, "unsubscribe-lead", &[("address", masked(&subscriber).into())]).into_owned()];
    let frame = frame(lang, &state.settings.languages, &title, &directory, &path, &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = texts::text(lang, "unsubscribe-submit").into_owned();
    page.links = vec![link_to(&format!("/manage/{token}"), lang, "unsubscribe-change-instead")];
    page.respond(StatusCode::OK)
}

fn unsubscribed_page(state: &AppState, lang: Lang, token: &str, earlier: bool) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let title = texts::text(lang, "unsubscribe-done-title");
    let first = if earlier { "unsubscribe-done-earlier" } else { "unsubscribe-done" };
    let paragraphs =
        vec![texts::text(lang, first).into_owned(), texts::text(lang, "unsubscribe-done-next").into_owned()];
    let path = format!("/unsubscribe/{token}");
    let frame = frame(lang, &state.settings.languages, &title, &directory, &path, &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.success = true;
    page.links =
        vec![link_to(&format!("/manage/{token}/erase"), lang, "residents-erase"), register_link(lang), home_link(lang)];
    page.respond(StatusCode::OK)
}

/// One-click unsubscribe (RFC 8058): a mail program POSTs
/// `List-Unsubscribe=One-Click` without cookies; a person presses the button.
/// Either way the POST alone is enough, and its body is not needed.
pub(super) async fn unsubscribe_submit(
    State(state): State<AppState>,
    link: ResidentLink,
) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let changed = service::unsubscribe(&state, &subscriber).await.map_err(WebError::store(lang))?;
    unsubscribed_page(&state, lang, &token, !changed)
}
