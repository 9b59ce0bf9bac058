//! `/manage/{token}/erase`: a resident erases their data at once. Only the hash
//! of the address is kept, so it is never mailed again unless it registers anew.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::link::ResidentLink;
use super::pages::{ResidentPage, frame, home_link, href, link_to, masked, register_link};
use super::service;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;

pub(super) async fn erase_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let directory = state.directory.current();
    let path = format!("/manage/{token}/erase");
    let title = texts::text(lang, "erase-title");
    let paragraphs = vec![
        texts::format(lang, "erase-lead", &[("address", masked(&subscriber).into())]).into_owned(),
        texts::text(lang, "erase-hash").into_owned(),
    ];
    let frame = frame(lang, &state.settings.languages, &title, &directory, &path, &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = texts::text(lang, "residents-erase").into_owned();
    page.links = vec![link_to(&format!("/manage/{token}"), lang, "erase-back")];
    page.respond(StatusCode::OK)
}

pub(super) async fn erase_submit(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { subscriber, lang, .. } = link;
    service::erase(&state, &subscriber).await.map_err(WebError::store(lang))?;
    let directory = state.directory.current();
    let title = texts::text(lang, "erase-done-title");
    let paragraphs = vec![texts::text(lang, "erase-done").into_owned()];
    let frame = frame(lang, &state.settings.languages, &title, &directory, "/register", &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.success = true;
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::OK)
}
