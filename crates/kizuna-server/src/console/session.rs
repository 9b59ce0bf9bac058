//! Who is at the console: the session cookie, the session behind it and the
//! staff account it belongs to, checked once per request by the gate in `mod.rs`
//! and handed to handlers as [`Signed`]. A session ends when idle too long, when
//! it is too old, when its account is disabled, or at sign-out.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_store::{Session, StaffAccount, StoreError};

use crate::notices::Actor;
use crate::state::AppState;

/// The console's session cookie: only sent to `/admin`, never readable by scripts.
pub const SESSION_COOKIE: &str = "kizuna_console";
/// A random value set with the sign-in form and sent back with it (login CSRF).
pub const LOGIN_COOKIE: &str = "kizuna_login";
/// A session is marked used at most this often (one write per request is waste).
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The person at the console, for a handler.
#[derive(Clone)]
pub struct Signed {
    pub staff: StaffAccount,
    pub session: Session,
    pub actor: Actor,
    pub lang: Lang,
    /// The client's address, as the audit log records it.
    pub client: String,
}

impl Signed {
    /// Whether the account must still change its one-time password or give its
    /// second factor before anything else.
    pub fn stage(&self) -> Stage {
        Stage::of(&self.staff, self.session.second_factor_done)
    }
}

/// Where a session stands after the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    ChangePassword,
    EnrolSecondFactor,
    SecondFactor,
    Ready,
}

impl Stage {
    /// The step an account is at, with or without the second factor given.
    pub fn of(staff: &StaffAccount, second_factor_done: bool) -> Stage {
        if staff.must_change_password {
            Stage::ChangePassword
        } else if requires_second_factor(staff) && staff.totp_secret.is_none() {
            Stage::EnrolSecondFactor
        } else if staff.totp_secret.is_some() && !second_factor_done {
            Stage::SecondFactor
        } else {
            Stage::Ready
        }
    }

    /// The step after the one-time password was changed.
    pub fn of_password_changed(signed: &Signed) -> Stage {
        let mut staff = signed.staff.clone();
        staff.must_change_password = false;
        Stage::of(&staff, signed.session.second_factor_done)
    }

    /// Where the person must go next.
    pub fn path(self) -> &'static str {
        match self {
            Stage::ChangePassword => "/admin/password",
            Stage::EnrolSecondFactor => "/admin/second-factor/setup",
            Stage::SecondFactor => "/admin/second-factor",
            Stage::Ready => "/admin",
        }
    }
}

/// A second factor is required of consortium admins and of everyone with the
/// emergency right (緊急配信権限); others may choose one.
pub fn requires_second_factor(staff: &StaffAccount) -> bool {
    staff.emergency || staff.role == kizuna_core::staff::Role::ConsortiumAdmin
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    /// The gate put it there; a handler outside the gate is a programming error
    /// that shows as a plain 500 rather than a page without its checks.
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Signed>()
            .cloned()
            .ok_or_else(|| (StatusCode::INTERNAL_SERVER_ERROR, "no console session").into_response())
    }
}

/// Why a request has no usable session.
#[derive(Debug)]
pub enum NoSession {
    /// No cookie, an unknown one, or one of an ended session.
    Absent,
    /// Idle too long or too old: ended now.
    Expired,
    Store(StoreError),
}

/// The session a request's cookie names, its account and who acts, after the
/// expiry checks. Marks the session used.
pub async fn resolve(state: &AppState, headers: &HeaderMap, client: String) -> Result<Signed, NoSession> {
    let token = cookie(headers, SESSION_COOKIE).ok_or(NoSession::Absent)?;
    let hash = SecretToken::from_presented(&token).hash();
    let session = state.store.session(&hash).await.map_err(NoSession::Store)?.ok_or(NoSession::Absent)?;
    let now = state.clock.now();
    let settings = &state.settings.console;
    if now - session.last_seen_at > settings.session_idle || now - session.created_at > settings.session_lifetime {
        state.store.end_session(&hash).await.map_err(NoSession::Store)?;
        return Err(NoSession::Expired);
    }
    let staff = state.store.staff_account(session.staff_id).await.map_err(NoSession::Store)?;
    let Some(staff) = staff.filter(|s| !s.disabled) else {
        state.store.end_session(&hash).await.map_err(NoSession::Store)?;
        return Err(NoSession::Absent);
    };
    if now - session.last_seen_at > TOUCH_EVERY {
        state.store.touch_session(&hash, now).await.map_err(NoSession::Store)?;
    }
    let actor = Actor::staff(staff.id, staff.scope.clone(), staff.role, staff.emergency);
    let lang = console_lang(headers);
    Ok(Signed { staff, session, actor, lang, client })
}

/// The console speaks Japanese, and English to a browser that asks for it first.
pub fn console_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default();
    Lang::from_tag(if first.trim().to_ascii_lowercase().starts_with("en") { "en" } else { "ja" })
}

/// The client's address as the audit log records it.
pub fn client_address(state: &AppState, parts: &Parts) -> (Option<IpAddr>, String) {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    let ip = crate::residents::client_ip(peer, &parts.headers, &state.settings.residents);
    (ip, ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()))
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a console cookie: HttpOnly, SameSite=Lax, only under
/// `/admin`, Secure when the site is served over https; `None` clears it.
pub fn set_cookie(state: &AppState, name: &str, value: Option<&str>, path: &str) -> HeaderValue {
    let secure = if state.settings.base_url.starts_with("https://") { "; Secure" } else { "" };
    let text = match value {
        Some(value) => format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path={path}; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("kizuna_console=; Max-Age=0"))
}

/// Adds a cookie to a response.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session's token hash, for the handlers that end or upgrade it.
pub fn token_hash(headers: &HeaderMap) -> Option<TokenHash> {
    cookie(headers, SESSION_COOKIE).map(|token| SecretToken::from_presented(&token).hash())
}
