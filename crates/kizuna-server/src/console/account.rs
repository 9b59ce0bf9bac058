//! The sign-in steps and the account page: `/admin/login`, `/admin/logout`,
//! `/admin/password` (the one-time password must be changed first),
//! `/admin/second-factor` (the TOTP code or a recovery code) and its set-up.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kizuna_core::Lang;

use super::auth::{self, AuthError};
use super::form::{Client, Errors, Fields, Query};
use super::frame::{ConsoleFrame, role_label, role_summary};
use super::pages::{self, render};
use super::session::{self, LOGIN_COOKIE, SESSION_COOKIE, Signed, Stage};
use crate::posters::QrMatrix;
use crate::state::AppState;
use crate::texts;

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    frame: ConsoleFrame,
    errors: Errors,
    email: String,
    notice: Option<String>,
}

fn login_form(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    errors: Errors,
    email: &str,
    notice: Option<String>,
) -> Response {
    let Ok(token) = kizuna_core::token::random_secret(24) else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let page = LoginPage {
        frame: ConsoleFrame::anonymous(lang, "console-login-title", token.clone()),
        errors,
        email: email.to_owned(),
        notice,
    };
    let cookie = session::set_cookie(state, LOGIN_COOKIE, Some(&token), "/admin/login");
    session::with_cookie(render(status, &page), cookie)
}

pub async fn login_page(State(state): State<AppState>, headers: HeaderMap, Query(query): Query) -> Response {
    let lang = session::console_lang(&headers);
    let notice = match query.get("expired") {
        "1" => Some(texts::text(lang, "console-login-expired").into_owned()),
        _ => None,
    };
    login_form(&state, lang, StatusCode::OK, Errors::default(), "", notice)
}

pub async fn login_submit(State(state): State<AppState>, headers: HeaderMap, client: Client, form: Fields) -> Response {
    let lang = session::console_lang(&headers);
    let (email, password) = (form.get("email").trim(), form.get("password"));
    let mut errors = Errors::default();
    if email.is_empty() {
        errors.add("email", texts::text(lang, "console-login-email-missing"));
    }
    if password.is_empty() {
        errors.add("password", texts::text(lang, "console-login-password-missing"));
    }
    if !errors.is_empty() {
        return login_form(&state, lang, StatusCode::UNPROCESSABLE_ENTITY, errors, email, None);
    }
    match auth::sign_in(&state, email, password, client.ip, &client.text).await {
        Ok(started) => {
            let stage = Stage::of(&started.staff, false);
            let response = Redirect::to(stage.path()).into_response();
            let cookie = session::set_cookie(&state, SESSION_COOKIE, Some(started.token.expose()), "/admin");
            let response = session::with_cookie(response, cookie);
            session::with_cookie(response, session::set_cookie(&state, LOGIN_COOKIE, None, "/admin/login"))
        }
        Err(AuthError::Wrong) => {
            errors.add("email", texts::text(lang, "console-login-wrong"));
            login_form(&state, lang, StatusCode::UNAUTHORIZED, errors, email, None)
        }
        Err(AuthError::Wait(wait)) => {
            let seconds = wait.num_seconds().max(1);
            let message = texts::format(lang, "console-login-wait", &[("seconds", seconds.into())]);
            errors.add("email", message);
            let mut response = login_form(&state, lang, StatusCode::TOO_MANY_REQUESTS, errors, email, None);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(error) => {
            tracing::error!(%error, "sign-in failed");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}

pub async fn logout(State(state): State<AppState>, signed: Signed, headers: HeaderMap) -> Response {
    if let Some(hash) = session::token_hash(&headers) {
        auth::sign_out(&state, &signed.staff, &hash, &signed.client).await;
    }
    let response = Redirect::to("/admin/login").into_response();
    session::with_cookie(response, session::set_cookie(&state, SESSION_COOKIE, None, "/admin"))
}

#[derive(Template)]
#[template(path = "console/password.html")]
struct PasswordPage {
    frame: ConsoleFrame,
    errors: Errors,
    required: bool,
    min_chars: usize,
}

fn password_form(state: &AppState, signed: &Signed, status: StatusCode, errors: Errors) -> Response {
    let directory = state.directory.current();
    let title = texts::text(signed.lang, "console-password-title").into_owned();
    let page = PasswordPage {
        frame: ConsoleFrame::signed(signed, &directory, title, "/admin/account"),
        errors,
        required: signed.staff.must_change_password,
        min_chars: crate::auth::MIN_PASSWORD_CHARS,
    };
    render(status, &page)
}

pub async fn password_page(State(state): State<AppState>, signed: Signed) -> Response {
    password_form(&state, &signed, StatusCode::OK, Errors::default())
}

pub async fn password_submit(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    form: Fields,
) -> Response {
    let lang = signed.lang;
    let current = form.get("current_password");
    let new = form.get("new_password");
    let confirmation = form.has("new_password_confirm").then(|| form.get("new_password_confirm"));
    let mut errors = Errors::default();
    if current.is_empty() {
        errors.add("current_password", texts::text(lang, "console-password-current-missing"));
    }
    if new.is_empty() {
        errors.add("new_password", texts::text(lang, "console-password-new-missing"));
    }
    if !errors.is_empty() {
        return password_form(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    let Some(hash) = session::token_hash(&headers) else { return Redirect::to("/admin/login").into_response() };
    let result = auth::change_password(&state, &signed.staff, &hash, current, new, confirmation, &signed.client).await;
    let (field, key) = match result {
        Ok(()) => {
            let next = Stage::of_password_changed(&signed);
            return pages::done(next.path(), "password");
        }
        Err(AuthError::WrongCurrentPassword) => ("current_password", "console-password-current-wrong"),
        Err(AuthError::NewPassword(crate::auth::PasswordError::TooShort)) => {
            ("new_password", "console-password-too-short")
        }
        Err(AuthError::SamePassword) => ("new_password", "console-password-same"),
        Err(AuthError::ConfirmationDiffers) => ("new_password_confirm", "console-password-differs"),
        Err(error) => {
            tracing::error!(%error, "password change failed");
            return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
        }
    };
    let message = texts::format(lang, key, &[("min", crate::auth::MIN_PASSWORD_CHARS.into())]);
    errors.add(field, message);
    password_form(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, errors)
}

#[derive(Template)]
#[template(path = "console/second_factor.html")]
struct SecondFactorPage {
    frame: ConsoleFrame,
    errors: Errors,
}

fn second_factor_form(state: &AppState, signed: &Signed, status: StatusCode, errors: Errors) -> Response {
    let directory = state.directory.current();
    let title = texts::text(signed.lang, "console-second-factor-title").into_owned();
    let page = SecondFactorPage { frame: ConsoleFrame::signed(signed, &directory, title, "/admin/account"), errors };
    render(status, &page)
}

pub async fn second_factor_page(State(state): State<AppState>, signed: Signed) -> Response {
    match signed.stage() {
        Stage::ChangePassword | Stage::EnrolSecondFactor => Redirect::to(signed.stage().path()).into_response(),
        Stage::Ready => Redirect::to("/admin").into_response(),
        Stage::SecondFactor => second_factor_form(&state, &signed, StatusCode::OK, Errors::default()),
    }
}

pub async fn second_factor_submit(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    client: Client,
    form: Fields,
) -> Response {
    let lang = signed.lang;
    let Some(hash) = session::token_hash(&headers) else { return Redirect::to("/admin/login").into_response() };
    let code = form.get("code");
    let mut errors = Errors::default();
    if code.trim().is_empty() {
        errors.add("code", texts::text(lang, "console-second-factor-missing"));
        return second_factor_form(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    match auth::second_factor(&state, &signed.staff, &hash, code, client.ip, &client.text).await {
        Ok(()) => Redirect::to("/admin").into_response(),
        Err(AuthError::WrongCode) => {
            errors.add("code", texts::text(lang, "console-second-factor-wrong"));
            second_factor_form(&state, &signed, StatusCode::UNAUTHORIZED, errors)
        }
        Err(AuthError::Wait(wait)) => {
            let message = texts::format(lang, "console-login-wait", &[("seconds", wait.num_seconds().max(1).into())]);
            errors.add("code", message);
            second_factor_form(&state, &signed, StatusCode::TOO_MANY_REQUESTS, errors)
        }
        Err(error) => {
            tracing::error!(%error, "second factor failed");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}

#[derive(Template)]
#[template(path = "console/setup.html")]
struct SetupPage {
    frame: ConsoleFrame,
    errors: Errors,
    required: bool,
    offer: String,
    key: String,
    uri: String,
    qr_size: usize,
    qr_path: String,
}

fn setup_form(state: &AppState, signed: &Signed, headers: &HeaderMap, status: StatusCode, errors: Errors) -> Response {
    let lang = signed.lang;
    let Some(hash) = session::token_hash(headers) else { return Redirect::to("/admin/login").into_response() };
    let offer = match auth::offer_enrolment(state, &hash) {
        Ok(offer) => offer,
        Err(error) => {
            tracing::error!(%error, "could not offer a second factor");
            return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
        }
    };
    let issuer = texts::text(lang, "console-site-name");
    let uri = offer.secret.uri(&issuer, &signed.staff.email);
    let Ok(qr) = QrMatrix::encode(&uri) else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let directory = state.directory.current();
    let title = texts::text(lang, "console-setup-title").into_owned();
    let page = SetupPage {
        frame: ConsoleFrame::signed(signed, &directory, title, "/admin/account"),
        errors,
        required: session::requires_second_factor(&signed.staff),
        offer: offer.sealed,
        key: offer.secret.grouped(),
        uri,
        qr_size: qr.size(),
        qr_path: qr.svg_path(),
    };
    render(status, &page)
}

pub async fn setup_page(State(state): State<AppState>, signed: Signed, headers: HeaderMap) -> Response {
    if signed.stage() == Stage::ChangePassword {
        return Redirect::to(Stage::ChangePassword.path()).into_response();
    }
    setup_form(&state, &signed, &headers, StatusCode::OK, Errors::default())
}

#[derive(Template)]
#[template(path = "console/recovery.html")]
struct RecoveryPage {
    frame: ConsoleFrame,
    codes: Vec<String>,
}

pub async fn setup_submit(State(state): State<AppState>, signed: Signed, headers: HeaderMap, form: Fields) -> Response {
    let lang = signed.lang;
    if signed.stage() == Stage::ChangePassword {
        return Redirect::to(Stage::ChangePassword.path()).into_response();
    }
    let Some(hash) = session::token_hash(&headers) else { return Redirect::to("/admin/login").into_response() };
    let mut errors = Errors::default();
    match auth::enrol(&state, &signed.staff, &hash, form.get("offer"), form.get("code"), &signed.client).await {
        Ok(codes) => {
            let directory = state.directory.current();
            let title = texts::text(lang, "console-recovery-title").into_owned();
            let page =
                RecoveryPage { frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/account"), codes };
            render(StatusCode::OK, &page)
        }
        Err(AuthError::WrongCode | AuthError::Secret(_)) => {
            errors.add("code", texts::text(lang, "console-setup-wrong"));
            setup_form(&state, &signed, &headers, StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        Err(error) => {
            tracing::error!(%error, "second factor set-up failed");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}

#[derive(Template)]
#[template(path = "console/account.html")]
struct AccountPage {
    frame: ConsoleFrame,
    role: String,
    role_summary: String,
    emergency: bool,
    second_factor: bool,
    second_factor_required: bool,
    ready: bool,
}

pub async fn account_page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let title = texts::text(lang, "console-account-title").into_owned();
    let page = AccountPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/account")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        role: role_label(signed.staff.role, lang),
        role_summary: role_summary(signed.staff.role, lang),
        emergency: signed.staff.emergency,
        second_factor: signed.staff.totp_secret.is_some(),
        second_factor_required: session::requires_second_factor(&signed.staff),
        ready: signed.stage() == Stage::Ready,
    };
    render(StatusCode::OK, &page)
}
