//! What console handlers share: rendering a page, the refusal page, the
//! confirmation banner carried across a redirect, and how a refusal of the
//! notice service reads to a person.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kizuna_core::Lang;

use super::frame::ConsoleFrame;
use crate::notices::NoticeError;
use crate::texts;

/// A page, or the plain 500 a template failure is.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "console template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "console/refused.html")]
struct RefusedPage {
    frame: ConsoleFrame,
    message: String,
}

/// A refusal as a page: what happened, in plain words, and a way back.
pub fn refused(lang: Lang, status: StatusCode, key: &'static str) -> Response {
    let page = RefusedPage {
        frame: ConsoleFrame::anonymous(lang, "console-refused-title", String::new()),
        message: texts::text(lang, key).into_owned(),
    };
    render(status, &page)
}

/// Redirects after a change, naming what was done so the next page can say so.
pub fn done(path: &str, what: &'static str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}done={what}")).into_response()
}

/// The banner for `?done=…`: only the known words, so a link cannot put text on the page.
pub fn banner(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "saved" => "console-done-saved",
        "submitted" => "console-done-submitted",
        "approved" => "console-done-approved",
        "returned" => "console-done-returned",
        "sending" => "console-done-sending",
        "scheduled" => "console-done-scheduled",
        "unscheduled" => "console-done-unscheduled",
        "cancelled" => "console-done-cancelled",
        "corrected" => "console-done-corrected",
        "withdrawn" => "console-done-withdrawn",
        "armed" => "console-done-armed",
        "tested" => "console-done-tested",
        "cloned" => "console-done-cloned",
        "followup" => "console-done-follow-up",
        "password" => "console-done-password",
        "second-factor" => "console-done-second-factor",
        "staff-saved" => "console-done-staff-saved",
        "template-saved" => "console-done-template-saved",
        "settings-saved" => "console-done-settings-saved",
        "template-deleted" => "console-done-template-deleted",
        "staff-disabled" => "console-done-staff-disabled",
        "staff-enabled" => "console-done-staff-enabled",
        "staff-second-factor-reset" => "console-done-staff-second-factor-reset",
        "resident-saved" => "console-done-resident-saved",
        "resident-erased" => "console-done-resident-erased",
        "resident-erased-here" => "console-done-resident-erased-here",
        "resident-suppressed" => "console-done-resident-suppressed",
        "resident-reactivated" => "console-done-resident-reactivated",
        "resident-staff" => "console-done-resident-staff",
        "cost-added" => "console-done-cost-added",
        "cost-removed" => "console-done-cost-removed",
        "invited" => "console-done-survey-invited",
        "reminded" => "console-done-survey-reminded",
        "invited-none" => "console-done-survey-invited-none",
        "reminded-none" => "console-done-survey-reminded-none",
        "closed" => "console-done-survey-closed",
        "created" => "console-done-survey-created",
        "paper-saved" => "console-done-survey-paper-saved",
        _ => return None,
    };
    Some(texts::text(lang, key).into_owned())
}

/// A time as staff read it: always Japan time, with the weekday
/// (`2026年12月3日（木）14:05`, `Thu 3 Dec 2026 14:05 JST`).
pub fn jst(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    use chrono::Datelike as _;
    let local = kizuna_core::time::to_tokyo(at);
    if lang.as_str() == "en" {
        local.format("%a %-d %b %Y %H:%M JST").to_string()
    } else {
        let weekday = ["月", "火", "水", "木", "金", "土", "日"][local.weekday().num_days_from_monday() as usize];
        format!("{}（{weekday}）{}", local.format("%Y年%-m月%-d日"), local.format("%H:%M"))
    }
}

/// Writes what a person did at the console to the audit log: who, from where,
/// to which notice (and its first municipality, for filtering), and what.
pub async fn audit(
    state: &crate::state::AppState,
    signed: &super::session::Signed,
    action: &str,
    notice: &kizuna_store::Notice,
    detail: String,
) {
    let entry = kizuna_store::NewAuditEntry::new(signed.actor.name(), action, format!("notice:{}", notice.id), detail)
        .from_client(&signed.client)
        .in_municipality(notice.municipalities.first());
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

/// How a refusal of the notice service reads to a person; `None` for faults
/// that are ours (logged, and shown as the general error).
pub fn notice_error(lang: Lang, error: &NoticeError) -> Option<String> {
    let key = match error {
        NoticeError::NotFound(_) | NoticeError::NoCheckIn(_) => "console-error-not-found",
        NoticeError::NotAllowed { .. } => "console-error-not-allowed",
        NoticeError::OutOfScope(_) => "console-error-out-of-scope",
        NoticeError::UnknownMunicipality { .. } => "console-error-unknown-municipality",
        NoticeError::UnknownCategory(_) => "console-error-unknown-category",
        NoticeError::UnknownArea { .. } => "console-error-unknown-area",
        NoticeError::SendAtNotAhead(_) => "console-error-time-passed",
        NoticeError::ExpiresBeforeStart { .. } => "console-error-expires-before-start",
        NoticeError::IdempotencyKeyReused(_) | NoticeError::ScheduledNeedsApproval => "console-error-not-allowed",
        NoticeError::Transition(_) | NoticeError::Conflict(_) => "console-error-status-changed",
        NoticeError::Store(_) => return None,
    };
    Some(texts::text(lang, key).into_owned())
}

/// A notice service refusal as a response: the notice page of another town is
/// "not found" (a URL tells nobody what exists elsewhere), a refused move says why.
pub fn notice_failure(lang: Lang, error: NoticeError) -> Response {
    match &error {
        NoticeError::NotFound(_) | NoticeError::OutOfScope(_) | NoticeError::NoCheckIn(_) => {
            refused(lang, StatusCode::NOT_FOUND, "console-error-not-found")
        }
        NoticeError::NotAllowed { .. } => refused(lang, StatusCode::FORBIDDEN, "console-error-not-allowed"),
        NoticeError::Store(store) => {
            tracing::error!(error = %store, "console: the store failed");
            refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
        _ => refused(lang, StatusCode::CONFLICT, "console-error-status-changed"),
    }
}
