//! `/register/mail/{token}` (空メール登録): the link in the reply to an empty
//! mail. Following it proved the address, so the resident only chooses and the
//! registration is active at once.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kizuna_core::registration::{FormErrors, Registration};
use kizuna_core::subscriber::{Charset, RegistrationSource};

use super::confirm::confirmed_page;
use super::form::Fields;
use super::pages::{browser_lang, failure, invalid_link, private_page, too_large};
use super::register::{RegisterForm, register_page, starting_choices};
use super::service::{self, Submission};
use crate::error::WebError;
use crate::state::AppState;

/// 空メール登録: the link in the reply to an empty mail. The address is already
/// proven, so the resident only chooses; the registration is active at once.
pub(super) async fn mail_register_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fields = Fields::query(query.as_deref());
    let offered = &state.settings.languages;
    let lang = fields.lang(offered).unwrap_or_else(|| browser_lang(&headers, offered));
    let Some(email) = service::mail_link_address(&state, &token).await.map_err(WebError::store(lang))? else {
        return invalid_link(&state, lang);
    };
    let directory = state.directory.current();
    let poster = fields.first("municipality").and_then(|code| directory.municipality(code.trim()));
    // The address is known: a carrier address starts on the charset every phone shows.
    let charset = kizuna_core::EmailAddress::parse(&email)
        .map_or(Charset::Utf8, |address| kizuna_mail::message::charset_before_choice(&address));
    let input = starting_choices(&directory, poster, charset, lang);
    let source = if poster.is_some() { RegistrationSource::EmptyMailQr } else { RegistrationSource::EmptyMail };
    let form = RegisterForm {
        action: Some(format!("/register/mail/{token}")),
        lang,
        source,
        poster,
        email,
        input,
        errors: FormErrors::default(),
        busy: false,
    };
    Ok(private_page(StatusCode::OK, register_page(&state, &directory, form)?))
}

pub(super) async fn mail_register_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let lang = Fields::query(query.as_deref()).lang(offered).unwrap_or_default();
    let Some(email) = service::mail_link_address(&state, &token).await.map_err(WebError::store(lang))? else {
        return invalid_link(&state, lang);
    };
    let directory = state.directory.current();
    let Ok(body) = body else {
        return too_large(&state, &directory, lang);
    };
    let fields = Fields::parse(&body);
    let poster = fields.first("poster").and_then(|code| directory.municipality(code.trim()));
    let source = if poster.is_some() { RegistrationSource::EmptyMailQr } else { RegistrationSource::EmptyMail };
    let input = fields.choices();
    let parsed = Registration::parse(&email, &input, &directory.municipalities, &directory.categories, offered, lang);
    let registration = match parsed {
        Ok(registration) => registration,
        Err(errors) => {
            let action = Some(format!("/register/mail/{token}"));
            let form = RegisterForm { action, lang, source, poster, email, input, errors, busy: false };
            return Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, register_page(&state, &directory, form)?));
        }
    };
    let submission = Submission { registration, source, poster: poster.map(|m| m.code.clone()) };
    match service::register_proven(&state, &directory, &submission, &token).await {
        Ok(Some((subscriber, subscriptions, manage_token))) => {
            confirmed_page(&state, &directory, lang, &manage_token, &subscriber, &subscriptions, false)
        }
        Ok(None) => invalid_link(&state, lang),
        Err(error) => failure(&state, &directory, lang, error),
    }
}
