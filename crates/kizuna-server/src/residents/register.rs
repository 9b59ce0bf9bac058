//! `/register`: the web form of a new registration (double opt-in). The page
//! reads the same whether or not the address is registered; only the mailbox
//! learns which.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::consortium::Municipality;
use kizuna_core::lang::Explain;
use kizuna_core::registration::{ChoicesInput, Field, FormErrors, Registration};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource};

use super::client::ClientIp;
use super::form::{ChoicesView, ErrorLink, Fields, echo};
use super::pages::{ResidentPage, failure, frame, home_link, href, private_page, shared_page, too_large};
use super::service::{self, Registered, Submission};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::Frame;

/// A form page's title, marked when the form came back with errors.
pub(super) fn error_title(lang: Lang, title: std::borrow::Cow<'_, str>, errors: &FormErrors) -> String {
    if errors.is_empty() {
        title.into_owned()
    } else {
        texts::format(lang, "residents-error-title", &[("title", title.into())]).into_owned()
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    frame: Frame,
    action: String,
    source: &'static str,
    poster: String,
    email: String,
    email_error: Option<String>,
    errors: Vec<ErrorLink>,
    busy: bool,
    form: ChoicesView,
    privacy_href: String,
    hours: i64,
    /// The address came from an empty mail and was proven by its link.
    email_locked: bool,
}

fn source_of(fields: &Fields) -> RegistrationSource {
    // Only the two web sources can be claimed by a form; anything else is plain web.
    match fields.first("source").map(str::trim) {
        Some("web_qr") => RegistrationSource::WebQr,
        _ => RegistrationSource::Web,
    }
}

pub(super) struct RegisterForm<'a> {
    /// Where the form posts; `/register` unless the address came by empty mail.
    pub action: Option<String>,
    pub lang: Lang,
    pub source: RegistrationSource,
    pub poster: Option<&'a Municipality>,
    pub email: String,
    pub input: ChoicesInput,
    pub errors: FormErrors,
    pub busy: bool,
}

/// What the form starts with: the poster's municipality, the emergency
/// categories, plain text in `charset` and the page's language.
pub(super) fn starting_choices(
    directory: &ReferenceData,
    poster: Option<&Municipality>,
    charset: Charset,
    lang: Lang,
) -> ChoicesInput {
    ChoicesInput {
        municipalities: poster.map(|m| m.code.to_string()).into_iter().collect(),
        scope: Some("chosen".to_owned()),
        categories: directory
            .categories
            .iter()
            .filter(|c| c.emergency && !c.restricted)
            .map(|c| c.key.to_string())
            .collect(),
        format: Some(MailFormat::Text.as_str().to_owned()),
        charset: Some(charset.as_str().to_owned()),
        language: Some(lang.as_str().to_owned()),
    }
}

pub(super) fn register_page(
    state: &AppState,
    directory: &ReferenceData,
    form: RegisterForm<'_>,
) -> Result<String, WebError> {
    let lang = form.lang;
    let poster = form.poster.map(|m| m.code.to_string()).unwrap_or_default();
    let mut params: Vec<(&str, &str)> = Vec::new();
    if form.source == RegistrationSource::WebQr {
        params.push(("source", "web_qr"));
    }
    if !poster.is_empty() {
        params.push(("municipality", &poster));
    }
    let offered = &state.settings.languages;
    let view = ChoicesView::new(directory, offered, &form.input, &form.errors, lang);
    let title = error_title(lang, texts::text(lang, "register-title"), &form.errors);
    let page = RegisterPage {
        frame: frame(lang, offered, &title, directory, form.action.as_deref().unwrap_or("/register"), &params),
        action: href(form.action.as_deref().unwrap_or("/register"), &[], lang),
        email_locked: form.action.is_some(),
        source: form.source.as_str(),
        poster: poster.clone(),
        email: echo(&form.email),
        email_error: form.errors.get(Field::Email).map(|e| e.explain(lang)),
        errors: view.error_links(&form.errors, lang),
        busy: form.busy,
        form: view,
        privacy_href: href("/privacy", &[], lang),
        hours: state.settings.residents.confirmation.num_hours(),
    };
    Ok(page.render()?)
}

pub(super) async fn register_form(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let fields = Fields::query(query.as_deref());
    let lang = fields.lang(&state.settings.languages).unwrap_or_default();
    let directory = state.directory.current();
    let poster = fields.first("municipality").and_then(|code| directory.municipality(code.trim()));
    let input = starting_choices(&directory, poster, Charset::Utf8, lang);
    let form = RegisterForm {
        action: None,
        lang,
        source: source_of(&fields),
        poster,
        email: String::new(),
        input,
        errors: FormErrors::default(),
        busy: false,
    };
    Ok(shared_page(register_page(&state, &directory, form)?))
}

pub(super) async fn register_submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let lang = Fields::query(query.as_deref()).lang(offered).unwrap_or_default();
    let directory = state.directory.current();
    let Ok(body) = body else {
        return too_large(&state, &directory, lang);
    };
    let fields = Fields::parse(&body);
    let source = source_of(&fields);
    let poster = fields.first("poster").and_then(|code| directory.municipality(code.trim()));
    let email = fields.first("email").unwrap_or_default().to_owned();
    let input = fields.choices();
    let parsed = Registration::parse(&email, &input, &directory.municipalities, &directory.categories, offered, lang);
    let registration = match parsed {
        Ok(registration) => registration,
        Err(errors) => {
            let form = RegisterForm { action: None, lang, source, poster, email, input, errors, busy: false };
            return Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, register_page(&state, &directory, form)?));
        }
    };
    let address = registration.email.to_string();
    let submission = Submission { registration, source, poster: poster.map(|m| m.code.clone()) };
    match service::register(&state, &directory, &submission, client).await {
        Ok(Registered::Accepted) => sent_page(&state, &directory, lang, &address),
        Ok(Registered::ClientBusy) => {
            let form = RegisterForm {
                action: None,
                lang,
                source,
                poster,
                email,
                input,
                errors: FormErrors::default(),
                busy: true,
            };
            Ok(private_page(StatusCode::TOO_MANY_REQUESTS, register_page(&state, &directory, form)?))
        }
        Err(error) => failure(&state, &directory, lang, error),
    }
}

/// The same page for a new address, a registered one and one that asked too often.
fn sent_page(state: &AppState, directory: &ReferenceData, lang: Lang, address: &str) -> Result<Response, WebError> {
    let hours = state.settings.residents.confirmation.num_hours();
    let domain = &state.settings.mail_domain;
    let title = texts::text(lang, "register-sent-title");
    let paragraphs = vec![
        texts::format(lang, "register-sent-1", &[("address", address.into())]).into_owned(),
        texts::format(lang, "register-sent-2", &[("hours", hours.into())]).into_owned(),
        texts::text(lang, "register-sent-3").into_owned(),
        texts::format(lang, "register-sent-4", &[("domain", domain.into())]).into_owned(),
    ];
    let frame = frame(lang, &state.settings.languages, &title, directory, "/register", &[]);
    let mut page = ResidentPage::new(frame, &title, paragraphs);
    page.success = true;
    page.links = vec![home_link(lang)];
    page.respond(StatusCode::OK)
}
