//! A notice's safety check-in (安否確認) at the console: counts per
//! municipality and area on the notice page, kept live by server-sent events
//! (`/admin/notices/{id}/check-ins/progress`, with a plain refresh link without
//! JavaScript); for a drill, how long until a quarter, half and three quarters
//! answered; the "needs help" answers with who and where (municipality and
//! consortium admins only, each view and export audited); and a follow-up to
//! those who have not answered or to those who need help, which is a draft
//! notice like any other (submitted, approved and sent through the notice
//! service).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use kizuna_core::Lang;
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::staff::Duty;
use kizuna_store::{CheckInCounts, HelpRequest, Notice, StoreError};
use serde::Serialize;

use super::csv::Csv;
use super::form::Fields;
use super::frame::ConsoleFrame;
use super::pages::{self, jst, render};
use super::progress::{milestone_lines, nth_of};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::notices::{self, Permission};
use crate::state::AppState;
use crate::texts;

/// One municipality and area of the counts.
pub struct PlaceRow {
    /// Names the row's cells for the live update: `{code}-{area id or 0}`.
    pub key: String,
    pub town: String,
    pub area: String,
    pub safe: i64,
    pub needs_help: i64,
    pub unanswered: i64,
}

/// The check-in section of the notice page.
pub struct CheckInPanel {
    pub safe: i64,
    pub needs_help: i64,
    pub unanswered: i64,
    pub safe_people: i64,
    pub needs_help_people: i64,
    /// Recipients who answered, as a whole percentage.
    pub answered_percent: i64,
    pub rows: Vec<PlaceRow>,
    /// For a drill: (share of recipients, time after sending until they had answered).
    pub milestones: Vec<(String, String)>,
    /// The person may see the "needs help" answers (municipality and consortium admins).
    pub may_see_help: bool,
    /// The person may draft a follow-up.
    pub may_follow_up: bool,
}

impl CheckInPanel {
    /// What the live update writes into the page: each counted cell by its name.
    fn fields(&self) -> BTreeMap<String, i64> {
        let mut fields = BTreeMap::from([
            ("safe".to_owned(), self.safe),
            ("needs_help".to_owned(), self.needs_help),
            ("unanswered".to_owned(), self.unanswered),
            ("safe_people".to_owned(), self.safe_people),
            ("needs_help_people".to_owned(), self.needs_help_people),
            ("answered_percent".to_owned(), self.answered_percent),
        ]);
        for row in &self.rows {
            fields.insert(format!("{}-safe", row.key), row.safe);
            fields.insert(format!("{}-needs_help", row.key), row.needs_help);
            fields.insert(format!("{}-unanswered", row.key), row.unanswered);
        }
        fields
    }
}

fn town_name(directory: &ReferenceData, code: &kizuna_core::MunicipalityCode, lang: Lang) -> String {
    directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned())
}

fn area_name(directory: &ReferenceData, area: Option<i64>, lang: Lang) -> String {
    let named = area.and_then(|id| directory.areas.iter().find(|a| a.id == id));
    match named {
        Some(a) if lang.as_str() == "en" => a.name_en.clone(),
        Some(a) => a.name_ja.clone(),
        None => texts::text(lang, "console-check-in-no-area").into_owned(),
    }
}

async fn panel_of(
    state: &AppState,
    signed: &Signed,
    notice: &Notice,
    counts: CheckInCounts,
) -> Result<CheckInPanel, StoreError> {
    let lang = signed.lang;
    let directory = state.directory.current();
    let recipients = counts.recipients();
    let answered = counts.safe + counts.needs_help;
    let mut milestones = Vec::new();
    if notice.exercise && recipients > 0 {
        let quarters = [25i64, 50, 75];
        let times = state.store.answered_at(notice.id, &nth_of(recipients, &quarters)).await?;
        milestones = milestone_lines(&quarters, times, notice.sent_at, lang);
    }
    let rows = counts
        .places
        .iter()
        .map(|p| PlaceRow {
            key: format!("{}-{}", p.municipality, p.area_id.unwrap_or(0)),
            town: town_name(&directory, &p.municipality, lang),
            area: area_name(&directory, p.area_id, lang),
            safe: p.safe,
            needs_help: p.needs_help,
            unanswered: p.unanswered,
        })
        .collect();
    Ok(CheckInPanel {
        safe: counts.safe,
        needs_help: counts.needs_help,
        unanswered: counts.unanswered,
        safe_people: counts.safe_people,
        needs_help_people: counts.needs_help_people,
        answered_percent: if recipients == 0 { 0 } else { answered * 100 / recipients },
        rows,
        milestones,
        may_see_help: signed.staff.role.has(Duty::Residents),
        may_follow_up: signed.actor.may(Permission::Create),
    })
}

/// The check-in section of a notice that carries one and has gone out.
pub async fn panel(state: &AppState, signed: &Signed, notice: &Notice) -> Result<Option<CheckInPanel>, StoreError> {
    if !notice.check_in || notice.sent_at.is_none() {
        return Ok(None);
    }
    let counts = state.store.check_in_counts(notice.id).await?;
    panel_of(state, signed, notice, counts).await.map(Some)
}

#[derive(Serialize)]
struct LiveCounts {
    fields: BTreeMap<String, i64>,
}

/// How often the stream reports.
const EVERY: Duration = Duration::from_secs(2);

/// `GET /admin/notices/{id}/check-ins/progress`: the counts as server-sent
/// events until the page is closed (answers keep coming after the mail is out).
pub async fn stream(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    if let Err(error) = notices::check_in_counts(&state, &signed.actor, id).await {
        return pages::notice_failure(signed.lang, error);
    }
    let events = futures_util::stream::unfold((state, signed, true), move |(state, signed, first)| async move {
        if !first {
            tokio::time::sleep(EVERY).await;
        }
        let counted = match notices::check_in_counts(&state, &signed.actor, id).await {
            Ok((notice, counts)) => panel_of(&state, &signed, &notice, counts).await.ok(),
            Err(_) => None,
        };
        let event = match counted {
            Some(panel) => {
                let data = serde_json::to_string(&LiveCounts { fields: panel.fields() }).unwrap_or_default();
                Event::default().event("checkins").data(data)
            }
            None => return None,
        };
        Some((Ok::<_, Infallible>(event), (state, signed, false)))
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// One "needs help" answer as the list shows it.
struct HelpLine {
    email: String,
    town: String,
    area: String,
    household: i64,
    message: String,
    answered: String,
}

fn help_lines(state: &AppState, requests: &[HelpRequest], lang: Lang) -> Vec<HelpLine> {
    let directory = state.directory.current();
    requests
        .iter()
        .map(|r| HelpLine {
            email: r.email.clone(),
            town: town_name(&directory, &r.municipality, lang),
            area: area_name(&directory, r.area_id, lang),
            household: r.household.get(),
            message: r.message.as_ref().map(|m| m.as_str().to_owned()).unwrap_or_default(),
            answered: jst(r.answered_at, lang),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/check_in_help.html")]
struct HelpPage {
    frame: ConsoleFrame,
    id: i64,
    title: String,
    lines: Vec<HelpLine>,
}

/// `GET /admin/notices/{id}/check-ins/help`: who needs help, where, and what they wrote.
pub async fn help(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let (notice, requests) = match notices::help_requests(&state, &signed.actor, id).await {
        Ok(found) => found,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let detail = serde_json::json!({ "answers": requests.len() }).to_string();
    pages::audit(&state, &signed, "check_in_help_view", &notice, detail).await;
    let directory = state.directory.current();
    let heading = texts::text(lang, "console-check-in-help-title").into_owned();
    let page = HelpPage {
        frame: ConsoleFrame::signed(&signed, &directory, heading, "/admin/notices"),
        id,
        title: notice.title.to_string(),
        lines: help_lines(&state, &requests, lang),
    };
    render(StatusCode::OK, &page)
}

/// `GET /admin/notices/{id}/check-ins/help.csv`: the same list for Excel.
pub async fn help_csv(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let (notice, requests) = match notices::help_requests(&state, &signed.actor, id).await {
        Ok(found) => found,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let detail = serde_json::json!({ "answers": requests.len() }).to_string();
    pages::audit(&state, &signed, "check_in_help_export", &notice, detail).await;
    let mut csv = Csv::new();
    csv.row(
        [
            "console-check-in-col-email",
            "console-check-in-col-town",
            "console-check-in-col-area",
            "console-check-in-col-household",
            "console-check-in-col-message",
            "console-check-in-col-answered",
        ]
        .map(|key| texts::text(lang, key)),
    );
    for line in help_lines(&state, &requests, lang) {
        csv.row([line.email, line.town, line.area, line.household.to_string(), line.message, line.answered]);
    }
    csv.download(&format!("check-in-{id}-needs-help.csv"))
}

/// `POST /admin/notices/{id}/follow-up` with `audience`: drafts the follow-up
/// and opens it, to be changed, submitted and approved like any notice.
pub async fn follow_up(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let lang = signed.lang;
    let Some(audience) = FollowUpAudience::parse(form.get("audience")).filter(|a| a.asks_check_in()) else {
        return pages::refused(lang, StatusCode::UNPROCESSABLE_ENTITY, "console-check-in-audience-unknown");
    };
    match notices::follow_up(&state, &signed.actor, id, audience).await {
        Ok(created) => {
            let detail = serde_json::json!({ "follow_up": created.notice.id, "audience": audience.as_str() });
            pages::audit(&state, &signed, "check_in_follow_up", &created.notice, detail.to_string()).await;
            pages::done(&format!("/admin/notices/{}", created.notice.id), "followup")
        }
        Err(error) => pages::notice_failure(lang, error),
    }
}
