//! `/admin`, each person's home page (what waits for them: their drafts and
//! returned notices; for approvers, what waits for approval; what is going out),
//! and `/admin/notices`, every notice of their municipalities.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::notice::NoticeStatus;
use kizuna_store::Notice;

use super::form::Query;
use super::frame::{ConsoleFrame, role_summary};
use super::pages::{self, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::notices::{self, ListRequest, NoticeError, Permission};
use crate::state::AppState;
use crate::texts;

/// A notice in a list.
pub struct Row {
    pub href: String,
    pub title: String,
    pub status: String,
    pub status_key: &'static str,
    pub towns: String,
    pub when: String,
    pub emergency: bool,
    pub exercise: bool,
    /// The approver's note of a returned notice.
    pub note: Option<String>,
    /// A scheduled notice the person may take off the schedule from the list.
    pub unschedule: bool,
}

/// A group of notices on the home page, with its heading.
pub struct Section {
    pub heading: String,
    pub empty: String,
    pub rows: Vec<Row>,
}

pub fn row(notice: &Notice, directory: &ReferenceData, lang: Lang) -> Row {
    let towns: Vec<&str> =
        notice.municipalities.iter().filter_map(|c| directory.municipality(c)).map(|m| m.name(lang)).collect();
    let at = notice.sent_at.or(notice.send_at).unwrap_or(notice.updated_at);
    Row {
        href: format!("/admin/notices/{}", notice.id),
        title: notice.title.to_string(),
        status: notice.status.label(lang).into_owned(),
        status_key: notice.status.as_str(),
        towns: towns.join(texts::text(lang, "console-list-separator").as_ref()),
        when: pages::jst(at, lang),
        emergency: notice.urgency == kizuna_core::notice::Urgency::Emergency,
        exercise: notice.exercise,
        note: None,
        unschedule: false,
    }
}

async fn listed(
    state: &AppState,
    signed: &Signed,
    status: NoticeStatus,
    limit: i64,
) -> Result<Vec<Notice>, NoticeError> {
    let request = ListRequest { source: None, municipality: None, status: Some(status), limit, before: None };
    Ok(notices::list(state, &signed.actor, request).await?.notices)
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    frame: ConsoleFrame,
    role_summary: String,
    may_create: bool,
    sections: Vec<Section>,
}

pub async fn home(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let me = signed.actor.name().to_owned();
    let mut sections = Vec::new();
    let section = |heading: &'static str, empty: &'static str, rows: Vec<Row>| Section {
        heading: texts::text(lang, heading).into_owned(),
        empty: texts::text(lang, empty).into_owned(),
        rows,
    };
    let result: Result<(), NoticeError> = async {
        let returned = listed(&state, &signed, NoticeStatus::Returned, 50).await?;
        let mut rows = Vec::new();
        for notice in returned.iter().filter(|n| n.created_by == me) {
            let mut row = row(notice, &directory, lang);
            let events = state.store.notice_events(notice.id).await?;
            row.note = events.iter().rev().find(|e| e.action == "return").and_then(|e| e.note.clone());
            rows.push(row);
        }
        sections.push(section("console-home-returned", "console-home-returned-none", rows));
        let drafts = listed(&state, &signed, NoticeStatus::Draft, 50).await?;
        let rows = drafts.iter().filter(|n| n.created_by == me).map(|n| row(n, &directory, lang)).collect();
        sections.push(section("console-home-drafts", "console-home-drafts-none", rows));
        if signed.actor.may(Permission::Approve) {
            let waiting = listed(&state, &signed, NoticeStatus::PendingApproval, 50).await?;
            let rows = waiting.iter().filter(|n| n.created_by != me).map(|n| row(n, &directory, lang)).collect();
            sections.insert(0, section("console-home-waiting", "console-home-waiting-none", rows));
        } else {
            let mine = listed(&state, &signed, NoticeStatus::PendingApproval, 50).await?;
            let rows = mine.iter().filter(|n| n.created_by == me).map(|n| row(n, &directory, lang)).collect();
            sections.push(section("console-home-submitted", "console-home-submitted-none", rows));
        }
        let approved = listed(&state, &signed, NoticeStatus::Approved, 20).await?;
        sections.push(section(
            "console-home-approved",
            "console-home-approved-none",
            approved.iter().map(|n| row(n, &directory, lang)).collect(),
        ));
        let mut going: Vec<Row> = listed(&state, &signed, NoticeStatus::Sending, 20)
            .await?
            .iter()
            .map(|n| row(n, &directory, lang))
            .collect();
        for notice in listed(&state, &signed, NoticeStatus::Scheduled, 20).await? {
            let mut row = row(&notice, &directory, lang);
            // A countdown of an emergency send is stopped on its own page, not unscheduled.
            let armed = state.store.notice_events(notice.id).await?.last().is_some_and(|e| e.action == "arm");
            row.unschedule = !armed && signed.actor.may(Permission::Send);
            going.push(row);
        }
        sections.push(section("console-home-going", "console-home-going-none", going));
        let sent = listed(&state, &signed, NoticeStatus::Sent, 5).await?;
        sections.push(section(
            "console-home-sent",
            "console-home-sent-none",
            sent.iter().map(|n| row(n, &directory, lang)).collect(),
        ));
        Ok(())
    }
    .await;
    if let Err(error) = result {
        return pages::notice_failure(lang, error);
    }
    let title = texts::text(lang, "console-home-title").into_owned();
    let page = HomePage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        role_summary: role_summary(signed.staff.role, lang),
        may_create: signed.actor.may(Permission::Create),
        sections,
    };
    render(StatusCode::OK, &page)
}

/// A status filter of the list.
pub struct StatusChoice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/notices.html")]
struct NoticesPage {
    frame: ConsoleFrame,
    statuses: Vec<StatusChoice>,
    rows: Vec<Row>,
    next: Option<String>,
}

pub async fn notices(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let status = NoticeStatus::parse(query.get("status"));
    let before = query.get("before").parse::<i64>().ok();
    let request = ListRequest { source: None, municipality: None, status, limit: 50, before };
    let page = match notices::list(&state, &signed.actor, request).await {
        Ok(page) => page,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let statuses = NoticeStatus::ALL
        .into_iter()
        .map(|s| StatusChoice { value: s.as_str(), label: s.label(lang).into_owned(), selected: Some(s) == status })
        .collect();
    let next = page.next_before.map(|before| match status {
        Some(status) => format!("/admin/notices?status={}&before={before}", status.as_str()),
        None => format!("/admin/notices?before={before}"),
    });
    let title = texts::text(lang, "console-notices-title").into_owned();
    let page = NoticesPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/notices"),
        statuses,
        rows: page.notices.iter().map(|n| row(n, &directory, lang)).collect(),
        next,
    };
    render(StatusCode::OK, &page)
}
