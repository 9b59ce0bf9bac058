//! The staff console under `/admin`: sign-in, composing, approving, scheduling
//! and sending notices, and watching them go out; residents, staff accounts,
//! templates and settings; the dashboard, the shared cost and the audit log.
//!
//! One table of routes says what each route needs ([`Gate`]); one middleware
//! ([`gate`]) enforces it for every request before a handler runs: the network
//! allow-list, the session and its stage (a one-time password to change, a
//! second factor to give), the permission, and on every state-changing request
//! the form token and the request's origin. The notice service checks the
//! permission and the municipality again for the notice at hand; templates only
//! decide what to show. Uploads (`multipart/form-data`) carry the form token as
//! a part; each route reads at most its own body limit. No request is logged
//! with its query string (a resident search carries an address). Pages work
//! without JavaScript; `static/console.js` adds
//! the live preview, the live progress and the countdown.

mod account;
mod audit;
mod auth;
mod check_ins;
mod compose;
mod costs;
mod csv;
mod dashboard;
mod form;
mod frame;
mod home;
mod multipart;
mod notice;
mod pages;
mod preview;
mod progress;
mod residents;
pub mod session;
mod settings;
mod staff;
mod surveys;
mod templates;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};

use kizuna_core::staff::Duty;

use crate::notices::Permission;
use crate::state::AppState;
use session::{LOGIN_COOKIE, NoSession, Stage, cookie, same_secret};

/// Larger than any notice form (10,000 characters of body, percent-encoded).
pub const BODY_LIMIT: usize = 256 * 1024;

/// A registrant list as uploaded: tens of thousands of rows.
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

/// The list again, decoded and percent-encoded in the preview's form.
pub const IMPORT_LIMIT: usize = 4 * UPLOAD_LIMIT;

/// What a route needs before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The sign-in page: no session.
    Anyone,
    /// Any session, whatever is still due (the password change, the second factor).
    Session,
    /// A session past every sign-in step, allowed `Permission` on notices.
    Staff(Permission),
    /// A session past every sign-in step whose role has the duty.
    Manage(Duty),
}

/// One console route: where, what it needs, and its handler.
pub struct ConsoleRoute {
    pub method: Method,
    pub path: &'static str,
    pub gate: Gate,
    /// The largest body the route reads.
    pub limit: usize,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

macro_rules! route {
    ($method:ident $path:literal, $gate:expr, $handler:path) => {
        route!($method $path, $gate, $handler, BODY_LIMIT)
    };
    ($method:ident $path:literal, $gate:expr, $handler:path, $limit:expr) => {
        ConsoleRoute {
            method: Method::$method,
            path: $path,
            gate: $gate,
            limit: $limit,
            handler: |filter| on(filter, $handler),
        }
    };
}

use Gate::{Anyone, Manage, Session, Staff};
use Permission as P;

/// Every route of the console.
pub static ROUTES: &[ConsoleRoute] = &[
    route!(GET "/admin/login", Anyone, account::login_page),
    route!(POST "/admin/login", Anyone, account::login_submit),
    route!(POST "/admin/logout", Session, account::logout),
    route!(GET "/admin/password", Session, account::password_page),
    route!(POST "/admin/password", Session, account::password_submit),
    route!(GET "/admin/second-factor", Session, account::second_factor_page),
    route!(POST "/admin/second-factor", Session, account::second_factor_submit),
    route!(GET "/admin/second-factor/setup", Session, account::setup_page),
    route!(POST "/admin/second-factor/setup", Session, account::setup_submit),
    route!(GET "/admin/account", Session, account::account_page),
    route!(GET "/admin", Staff(P::Read), home::home),
    route!(GET "/admin/notices", Staff(P::Read), home::notices),
    route!(GET "/admin/notices/new", Staff(P::Create), compose::new_page),
    route!(POST "/admin/notices/new", Staff(P::Create), compose::new_submit),
    route!(POST "/admin/notices/preview", Staff(P::Create), compose::preview_fragment),
    route!(GET "/admin/notices/{id}", Staff(P::Read), notice::page),
    route!(GET "/admin/notices/{id}/edit", Staff(P::Create), compose::edit_page),
    route!(POST "/admin/notices/{id}/edit", Staff(P::Create), compose::edit_submit),
    route!(POST "/admin/notices/{id}/clone", Staff(P::Create), compose::clone_submit),
    route!(GET "/admin/notices/{id}/submit", Staff(P::Submit), notice::submit_page),
    route!(POST "/admin/notices/{id}/submit", Staff(P::Submit), notice::submit),
    route!(GET "/admin/notices/{id}/approve", Staff(P::Approve), notice::approve_page),
    route!(POST "/admin/notices/{id}/approve", Staff(P::Approve), notice::approve),
    route!(GET "/admin/notices/{id}/return", Staff(P::Return), notice::return_page),
    route!(POST "/admin/notices/{id}/return", Staff(P::Return), notice::return_submit),
    route!(GET "/admin/notices/{id}/send", Staff(P::Send), notice::send_page),
    route!(POST "/admin/notices/{id}/send", Staff(P::Send), notice::send),
    route!(GET "/admin/notices/{id}/schedule", Staff(P::Send), notice::schedule_page),
    route!(POST "/admin/notices/{id}/schedule", Staff(P::Send), notice::schedule),
    route!(POST "/admin/notices/{id}/unschedule", Staff(P::Send), notice::unschedule),
    route!(GET "/admin/notices/{id}/emergency", Staff(P::SendUnapproved), notice::emergency_page),
    route!(POST "/admin/notices/{id}/emergency", Staff(P::SendUnapproved), notice::emergency),
    route!(GET "/admin/notices/{id}/cancel", Staff(P::Cancel), notice::cancel_page),
    route!(POST "/admin/notices/{id}/cancel", Staff(P::Cancel), notice::cancel),
    route!(GET "/admin/notices/{id}/correct", Staff(P::Correct), notice::correct_page),
    route!(POST "/admin/notices/{id}/correct", Staff(P::Correct), notice::correct),
    route!(GET "/admin/notices/{id}/withdraw", Staff(P::Withdraw), notice::withdraw_page),
    route!(POST "/admin/notices/{id}/withdraw", Staff(P::Withdraw), notice::withdraw),
    route!(POST "/admin/notices/{id}/test", Staff(P::Read), notice::test_send),
    route!(GET "/admin/notices/{id}/progress", Staff(P::Read), progress::stream),
    route!(GET "/admin/notices/{id}/check-ins/progress", Staff(P::Read), check_ins::stream),
    route!(GET "/admin/notices/{id}/check-ins/help", Manage(Duty::Residents), check_ins::help),
    route!(GET "/admin/notices/{id}/check-ins/help.csv", Manage(Duty::Residents), check_ins::help_csv),
    route!(POST "/admin/notices/{id}/follow-up", Staff(P::Create), check_ins::follow_up),
    route!(GET "/admin/staff", Manage(Duty::Staff), staff::list),
    route!(GET "/admin/staff/new", Manage(Duty::Staff), staff::new_page),
    route!(POST "/admin/staff/new", Manage(Duty::Staff), staff::new_submit),
    route!(GET "/admin/staff/{id}", Manage(Duty::Staff), staff::account_page),
    route!(POST "/admin/staff/{id}", Manage(Duty::Staff), staff::account_submit),
    route!(POST "/admin/staff/{id}/disable", Manage(Duty::Staff), staff::disable),
    route!(POST "/admin/staff/{id}/password", Manage(Duty::Staff), staff::reset_password),
    route!(POST "/admin/staff/{id}/second-factor", Manage(Duty::Staff), staff::reset_second_factor),
    route!(GET "/admin/residents", Manage(Duty::Residents), residents::search),
    route!(GET "/admin/residents/export", Manage(Duty::Residents), residents::export::list),
    route!(GET "/admin/residents/import", Manage(Duty::Residents), residents::import::form),
    route!(POST "/admin/residents/import", Manage(Duty::Residents), residents::import::upload, UPLOAD_LIMIT),
    route!(POST "/admin/residents/import/confirm", Manage(Duty::Residents), residents::import::confirm, IMPORT_LIMIT),
    route!(GET "/admin/residents/{id}", Manage(Duty::Residents), residents::record),
    route!(POST "/admin/residents/{id}/subscriptions", Manage(Duty::Residents), residents::changes::subscriptions),
    route!(POST "/admin/residents/{id}/suppress", Manage(Duty::Residents), residents::changes::suppress),
    route!(POST "/admin/residents/{id}/reactivate", Manage(Duty::Residents), residents::changes::reactivate),
    route!(POST "/admin/residents/{id}/staff", Manage(Duty::RestrictedCategory), residents::changes::staff),
    route!(GET "/admin/residents/{id}/export", Manage(Duty::Residents), residents::export::record),
    route!(GET "/admin/residents/{id}/erase", Manage(Duty::Residents), residents::changes::erase_page),
    route!(POST "/admin/residents/{id}/erase", Manage(Duty::Residents), residents::changes::erase),
    route!(GET "/admin/templates", Manage(Duty::Templates), templates::list),
    route!(GET "/admin/templates/new", Manage(Duty::Templates), templates::new_page),
    route!(POST "/admin/templates/new", Manage(Duty::Templates), templates::new_submit),
    route!(GET "/admin/templates/{id}", Manage(Duty::Templates), templates::edit_page),
    route!(POST "/admin/templates/{id}", Manage(Duty::Templates), templates::edit_submit),
    route!(POST "/admin/templates/{id}/delete", Manage(Duty::Templates), templates::delete),
    route!(GET "/admin/settings", Manage(Duty::ReferenceData), settings::page),
    route!(POST "/admin/settings/quiet-hours", Manage(Duty::ReferenceData), settings::quiet_hours),
    route!(POST "/admin/settings/municipalities/{code}", Manage(Duty::ReferenceData), settings::municipality),
    route!(POST "/admin/settings/areas", Manage(Duty::ReferenceData), settings::add_area),
    route!(POST "/admin/settings/areas/{id}", Manage(Duty::ReferenceData), settings::rename_area),
    route!(POST "/admin/settings/categories", Manage(Duty::ReferenceData), settings::category),
    route!(POST "/admin/settings/pacing", Manage(Duty::ReferenceData), settings::pacing),
    route!(POST "/admin/settings/webhooks", Manage(Duty::ReferenceData), settings::add_webhook),
    route!(POST "/admin/settings/webhooks/{id}/remove", Manage(Duty::ReferenceData), settings::remove_webhook),
    route!(POST "/admin/settings/api-keys", Manage(Duty::ReferenceData), settings::create_key),
    route!(POST "/admin/settings/api-keys/{id}/revoke", Manage(Duty::ReferenceData), settings::revoke_key),
    route!(GET "/admin/dashboard", Manage(Duty::Dashboard), dashboard::page),
    route!(GET "/admin/dashboard/registrants.csv", Manage(Duty::Dashboard), dashboard::registrants_csv),
    route!(GET "/admin/dashboard/growth.csv", Manage(Duty::Dashboard), dashboard::growth_csv),
    route!(GET "/admin/dashboard/rates.csv", Manage(Duty::Dashboard), dashboard::rates_csv),
    route!(GET "/admin/costs", Manage(Duty::Costs), costs::page),
    route!(POST "/admin/costs/items", Manage(Duty::Costs), costs::add_item),
    route!(POST "/admin/costs/items/{id}/remove", Manage(Duty::Costs), costs::remove_item),
    route!(GET "/admin/costs/print", Manage(Duty::Costs), costs::print),
    route!(GET "/admin/costs/report.csv", Manage(Duty::Costs), costs::csv),
    route!(GET "/admin/surveys", Manage(Duty::Surveys), surveys::page),
    route!(GET "/admin/surveys/new", Manage(Duty::Surveys), surveys::create::form),
    route!(POST "/admin/surveys/new", Manage(Duty::Surveys), surveys::create::submit),
    route!(GET "/admin/surveys/{id}", Manage(Duty::Surveys), surveys::results::page),
    route!(POST "/admin/surveys/{id}/invite", Manage(Duty::Surveys), surveys::results::invite),
    route!(POST "/admin/surveys/{id}/remind", Manage(Duty::Surveys), surveys::results::remind),
    route!(POST "/admin/surveys/{id}/close", Manage(Duty::Surveys), surveys::results::close),
    route!(GET "/admin/surveys/{id}/results.csv", Manage(Duty::Surveys), surveys::results::csv),
    route!(GET "/admin/surveys/{id}/paper", Manage(Duty::Surveys), surveys::paper::form),
    route!(POST "/admin/surveys/{id}/paper", Manage(Duty::Surveys), surveys::paper::submit),
    route!(GET "/admin/audit", Manage(Duty::Audit), audit::page),
    route!(GET "/admin/audit.csv", Manage(Duty::Audit), audit::csv),
];

/// The console's routes, to merge into the web router.
pub fn routes(state: AppState) -> Router<AppState> {
    build(state).0
}

/// The (method, path) of every route the console registers, as it registers them.
pub fn registered_routes(state: AppState) -> Vec<(Method, &'static str)> {
    build(state).1
}

fn build(state: AppState) -> (Router<AppState>, Vec<(Method, &'static str)>) {
    let mut router = Router::new();
    let mut registered = Vec::new();
    let mut paths: Vec<&'static str> = Vec::new();
    for route in ROUTES {
        if !paths.contains(&route.path) {
            paths.push(route.path);
        }
    }
    for path in paths {
        let mut methods = MethodRouter::new();
        for route in ROUTES.iter().filter(|r| r.path == path) {
            let filter = if route.method == Method::POST { MethodFilter::POST } else { MethodFilter::GET };
            methods = methods.merge((route.handler)(filter));
            registered.push((route.method.clone(), route.path));
        }
        router = router.route(path, methods);
    }
    let router = router
        .route("/static/console.js", get(script))
        .layer(axum::middleware::from_fn_with_state(state, gate))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT));
    (router, registered)
}

fn route_for(method: &Method, path: &str) -> Option<&'static ConsoleRoute> {
    ROUTES.iter().find(|r| r.path == path && r.method == *method)
}

/// Runs before every console handler: see the module's comment.
async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let (ip, client) = session::client_address(&state, &parts);
    let lang = session::console_lang(&parts.headers);
    if !state.settings.console.admits(ip) {
        tracing::warn!(client = %client, "console refused to a client outside its networks");
        return pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-network");
    }
    let matched = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let Some(route) = matched.as_deref().and_then(|path| route_for(&parts.method, path)) else {
        // The script, or a method the route does not serve (axum answers 405).
        return secure(next.run(Request::from_parts(parts, body)).await);
    };
    let changes = route.method == Method::POST;
    if changes && !same_origin(&state, &parts.headers) {
        return pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-origin");
    }
    let body = if changes {
        let Ok(bytes) = axum::body::to_bytes(body, route.limit).await else {
            return pages::refused(lang, StatusCode::PAYLOAD_TOO_LARGE, "console-refused-too-large");
        };
        bytes
    } else {
        Bytes::new()
    };
    if route.gate == Gate::Anyone {
        if changes && !login_token_matches(&parts.headers, &body) {
            return pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-token");
        }
        return secure(next.run(Request::from_parts(parts, Body::from(body))).await);
    }
    let signed = match session::resolve(&state, &parts.headers, client).await {
        Ok(signed) => signed,
        Err(NoSession::Store(error)) => {
            tracing::error!(%error, "console session lookup failed");
            return pages::refused(lang, StatusCode::SERVICE_UNAVAILABLE, "console-refused-unavailable");
        }
        Err(NoSession::Expired) => return secure(Redirect::to("/admin/login?expired=1").into_response()),
        Err(NoSession::Absent) => return secure(Redirect::to("/admin/login").into_response()),
    };
    if changes && !form_token_matches(&parts.headers, &body, &signed.session.csrf_token) {
        return pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-token");
    }
    if matches!(route.gate, Gate::Staff(_) | Gate::Manage(_)) {
        let stage = signed.stage();
        if stage != Stage::Ready {
            return secure(Redirect::to(stage.path()).into_response());
        }
        let allowed = match route.gate {
            Gate::Staff(permission) => signed.actor.may(permission),
            Gate::Manage(duty) => signed.staff.role.has(duty),
            Gate::Anyone | Gate::Session => true,
        };
        if !allowed {
            return pages::refused(lang, StatusCode::FORBIDDEN, "console-refused-role");
        }
    }
    parts.extensions.insert(signed);
    secure(next.run(Request::from_parts(parts, Body::from(body))).await)
}

/// A state-changing request must come from the console's own pages: browsers
/// say where a request comes from in `Sec-Fetch-Site` and `Origin`.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site != "same-origin" && site != "none") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let own = [format!("http://{host}"), format!("https://{host}"), state.settings.base_url.clone()];
    own.iter().any(|o| o.trim_end_matches('/') == origin)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

/// The token of a form, urlencoded or (an upload) multipart.
fn form_token_matches(headers: &HeaderMap, body: &[u8], expected: &str) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let given = match multipart::boundary(content_type) {
        Some(_) => multipart::Upload::read(content_type, body).map(|upload| upload.text("csrf_token").to_owned()),
        None => form_field(body, "csrf_token"),
    };
    given.is_some_and(|given| !given.is_empty() && same_secret(&given, expected))
}

/// The sign-in form carries the value of the cookie set with it.
fn login_token_matches(headers: &HeaderMap, body: &[u8]) -> bool {
    match (cookie(headers, LOGIN_COOKIE), form_field(body, "csrf_token")) {
        (Some(cookie), Some(given)) => same_secret(&cookie, &given),
        _ => false,
    }
}

/// Console pages are private, framed by nobody, and run only the console's own script.
fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/console.js"),
    )
}
