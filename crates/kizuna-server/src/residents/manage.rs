//! `/manage/{token}`: a resident sees and changes their choices, from the link
//! at the end of every notice mail or in an "already registered" mail.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::registration::{Choices, ChoicesInput, FormErrors};
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_store::Subscriber;

use super::form::{ChoicesView, ErrorLink, Fields};
use super::link::ResidentLink;
use super::pages::{frame, href, masked, private_page, too_large};
use super::register::error_title;
use super::service;
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

#[derive(Template)]
#[template(path = "manage.html")]
struct ManagePage {
    frame: Frame,
    action: String,
    address: String,
    status: &'static str,
    errors: Vec<ErrorLink>,
    saved: bool,
    form: ChoicesView,
    unsubscribe_href: String,
    erase_href: String,
    monitor_href: String,
    register_href: String,
    privacy_href: String,
}

struct ManageView<'a> {
    token: &'a str,
    subscriber: &'a Subscriber,
    input: ChoicesInput,
    errors: FormErrors,
    saved: bool,
}

fn manage_html(
    state: &AppState,
    directory: &ReferenceData,
    lang: Lang,
    view: ManageView<'_>,
) -> Result<String, WebError> {
    let offered = &state.settings.languages;
    let path = format!("/manage/{}", view.token);
    let form = ChoicesView::new(directory, offered, &view.input, &view.errors, lang);
    let title = error_title(lang, texts::text(lang, "manage-title"), &view.errors);
    let address = masked(view.subscriber);
    let page = ManagePage {
        frame: frame(lang, offered, &title, directory, &path, &[]),
        action: href(&path, &[], lang),
        address,
        status: view.subscriber.status.as_str(),
        errors: form.error_links(&view.errors, lang),
        saved: view.saved,
        form,
        unsubscribe_href: href(&format!("/unsubscribe/{}", view.token), &[], lang),
        erase_href: href(&format!("{path}/erase"), &[], lang),
        monitor_href: href(&format!("{path}/monitor"), &[], lang),
        register_href: href("/register", &[], lang),
        privacy_href: href("/privacy", &[], lang),
    };
    Ok(page.render()?)
}

pub(super) async fn manage_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let directory = state.directory.current();
    let input = service::current_choices(&state, &directory, &subscriber).await.map_err(WebError::store(lang))?;
    let view =
        ManageView { token: &token, subscriber: &subscriber, input, errors: FormErrors::default(), saved: false };
    Ok(private_page(StatusCode::OK, manage_html(&state, &directory, lang, view)?))
}

pub(super) async fn manage_submit(
    State(state): State<AppState>,
    link: ResidentLink,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let directory = state.directory.current();
    let Ok(body) = body else {
        return too_large(&state, &directory, lang);
    };
    let input = Fields::parse(&body).choices();
    if subscriber.status != SubscriberStatus::Active {
        let stored = service::current_choices(&state, &directory, &subscriber).await.map_err(WebError::store(lang))?;
        let view = ManageView {
            token: &token,
            subscriber: &subscriber,
            input: stored,
            errors: FormErrors::default(),
            saved: false,
        };
        return Ok(private_page(StatusCode::CONFLICT, manage_html(&state, &directory, lang, view)?));
    }
    let offered = &state.settings.languages;
    let stored = offered.or_default(subscriber.language);
    match Choices::parse(&input, &directory.municipalities, &directory.categories, offered, stored) {
        Err(errors) => {
            let view = ManageView { token: &token, subscriber: &subscriber, input, errors, saved: false };
            Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, manage_html(&state, &directory, lang, view)?))
        }
        Ok(choices) => {
            let (saved, input) = service::change_choices(&state, &directory, &subscriber, &choices)
                .await
                .map_err(WebError::store(lang))?;
            let view =
                ManageView { token: &token, subscriber: &saved, input, errors: FormErrors::default(), saved: true };
            Ok(private_page(StatusCode::OK, manage_html(&state, &directory, lang, view)?))
        }
    }
}
