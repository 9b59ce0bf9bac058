//! A test send: the notice as residents will get it, to the staff member's own
//! address only, marked as a test, outside the delivery queue and its counts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_core::text::NoticeTitle;
use kizuna_store::ClaimedDelivery;

use crate::console::pages::{self, audit, done};
use crate::console::session::Signed;
use crate::links::MailLinks;
use crate::notices;
use crate::state::AppState;
use crate::texts;

pub async fn test_send(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let mut notice = match notices::read(&state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let marked = texts::format(lang, "console-test-subject", &[("title", notice.title.as_str().into())]);
    if let Ok(title) = NoticeTitle::parse(&marked) {
        notice.title = title;
    }
    let directory = state.directory.current();
    let Some(prepared) = crate::mailer::prepare(&directory, &state.settings.mail_domain, &notice) else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let now = state.clock.now();
    let delivery = ClaimedDelivery {
        id: 0,
        notice_id: notice.id,
        subscriber_id: 0,
        attempts: 1,
        created_at: now,
        email: signed.staff.email.clone(),
        language: lang,
        format: MailFormat::Html,
        charset: Charset::Utf8,
    };
    // The links of a test mail lead nowhere: "test" is no resident's token.
    let links = MailLinks { resident: "test".into(), bounce: "test".into() };
    let Some(message) = crate::mailer::render(&state.settings, &prepared, &delivery, &links, now) else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    match state.transport.send(&message).await {
        Ok(_) => {
            audit(&state, &signed, "notice_test_send", &notice, "{}".into()).await;
            done(&format!("/admin/notices/{id}"), "tested")
        }
        Err(error) => {
            tracing::warn!(%error, notice = id, "test send failed");
            pages::refused(lang, StatusCode::BAD_GATEWAY, "console-test-failed")
        }
    }
}
