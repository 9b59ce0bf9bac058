//! `/privacy`: how residents' personal information is handled, with each
//! municipality's contact.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::form::Fields;
use super::pages::{frame, href, shared_page};
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    frame: Frame,
    register_href: String,
    hours: i64,
    retention_days: i64,
    contacts: Vec<(String, String)>,
}

pub(super) async fn privacy(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let lang = Fields::query(query.as_deref()).lang(offered).unwrap_or_default();
    let directory = state.directory.current();
    let title = texts::text(lang, "privacy-title");
    let contacts = directory
        .municipalities
        .iter()
        .map(|m| (m.name(lang).to_owned(), m.departments.first().cloned().unwrap_or_default()))
        .collect();
    let page = PrivacyPage {
        frame: frame(lang, offered, &title, &directory, "/privacy", &[]),
        register_href: href("/register", &[], lang),
        hours: state.settings.residents.confirmation.num_hours(),
        retention_days: state.settings.residents.unsubscribed_retention.num_days(),
        contacts,
    };
    Ok(shared_page(page.render()?))
}
