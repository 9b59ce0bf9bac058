//! One notice at the console: `/admin/notices/{id}` (its text, targets, what
//! changed between versions, its history, what may be done next, and how its
//! delivery stands) and every move, each behind a page that says exactly what
//! will happen — how many residents, per municipality, and when, in Japan time —
//! before a button does it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_store::{Notice, NoticeEvent, RecipientCounts};

use super::check_ins::{self, CheckInPanel};
use super::form::{Errors, Fields, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, audit, done, jst, render};
use super::preview::{PhonePreview, phone_preview};
use super::progress::{self, Progress};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::notices::{self, CorrectionText, NoticeError, Permission};
use crate::state::AppState;
use crate::texts;

mod diff;
mod schedule;
mod test_send;

pub use schedule::{schedule, schedule_page};
pub use test_send::test_send;

/// A button or link to the next move, when the person may make it.
pub struct Move {
    pub href: String,
    pub label: String,
    /// A form button (the move itself) rather than a link to its confirmation page.
    pub post: bool,
    pub warning: bool,
}

pub struct HistoryLine {
    pub when: String,
    pub who: String,
    pub what: String,
    pub note: Option<String>,
}

/// The notice's facts, as the summary list shows them.
pub struct Facts {
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
    pub status: String,
    pub status_key: &'static str,
    pub category: String,
    pub towns: String,
    pub areas: String,
    pub emergency: bool,
    pub exercise: bool,
    pub created: String,
    pub send_time: String,
}

fn facts(notice: &Notice, directory: &ReferenceData, signed: &Signed) -> Facts {
    let lang = signed.lang;
    let separator = texts::text(lang, "console-list-separator");
    let towns: Vec<&str> =
        notice.municipalities.iter().filter_map(|c| directory.municipality(c)).map(|m| m.name(lang)).collect();
    let areas: Vec<String> = directory
        .areas
        .iter()
        .filter(|a| notice.area_ids.contains(&a.id))
        .map(|a| if lang.as_str() == "en" { a.name_en.clone() } else { a.name_ja.clone() })
        .collect();
    let send_time = match (notice.sent_at, notice.send_at) {
        (Some(at), _) => jst(at, lang),
        (None, Some(at)) => jst(at, lang),
        (None, None) => String::new(),
    };
    Facts {
        title: notice.title.to_string(),
        body: notice.body.to_string(),
        title_en: notice.title_en.as_ref().map(|t| t.to_string()).unwrap_or_default(),
        body_en: notice.body_en.as_ref().map(|b| b.to_string()).unwrap_or_default(),
        status: notice.status.label(lang).into_owned(),
        status_key: notice.status.as_str(),
        category: directory
            .category(&notice.category)
            .map_or_else(|| notice.category.to_string(), |c| c.name(lang).to_owned()),
        towns: towns.join(separator.as_ref()),
        areas: if areas.is_empty() {
            texts::text(lang, "console-notice-all-areas").into_owned()
        } else {
            areas.join(separator.as_ref())
        },
        emergency: notice.urgency == Urgency::Emergency,
        exercise: notice.exercise,
        created: jst(notice.created_at, lang),
        send_time,
    }
}

/// The moves this person may make on this notice now.
fn moves(notice: &Notice, signed: &Signed, armed: bool) -> Vec<Move> {
    let lang = signed.lang;
    let id = notice.id;
    let may = |p: Permission| signed.actor.may(p);
    let own = notice.created_by == signed.actor.name();
    let mut out = Vec::new();
    let mut add = |allowed: bool, path: &str, key: &'static str, post: bool, warning: bool| {
        if allowed {
            out.push(Move {
                href: format!("/admin/notices/{id}/{path}"),
                label: texts::text(lang, key).into_owned(),
                post,
                warning,
            });
        }
    };
    let status = notice.status;
    let can = |action: NoticeAction| status.apply(action).is_ok();
    add(may(Permission::Create) && can(NoticeAction::Edit), "edit", "console-move-edit", false, false);
    add(may(Permission::Submit) && can(NoticeAction::Submit), "submit", "console-move-submit", false, false);
    add(
        may(Permission::Approve) && !own && can(NoticeAction::Approve),
        "approve",
        "console-move-approve",
        false,
        false,
    );
    add(may(Permission::Return) && can(NoticeAction::Return), "return", "console-move-return", false, false);
    add(may(Permission::Send) && status == NoticeStatus::Approved, "send", "console-move-send", false, false);
    add(may(Permission::Send) && can(NoticeAction::Schedule), "schedule", "console-move-schedule", false, false);
    add(
        may(Permission::Send) && status == NoticeStatus::Scheduled && !armed,
        "unschedule",
        "console-move-unschedule",
        true,
        false,
    );
    add(may(Permission::SendUnapproved) && can(NoticeAction::Arm), "emergency", "console-move-emergency", false, true);
    add(may(Permission::Correct) && can(NoticeAction::Supersede), "correct", "console-move-correct", false, false);
    add(may(Permission::Withdraw) && can(NoticeAction::Withdraw), "withdraw", "console-move-withdraw", false, true);
    add(may(Permission::Cancel) && can(NoticeAction::Cancel), "cancel", "console-move-cancel", false, true);
    add(may(Permission::Create), "clone", "console-move-clone", true, false);
    add(true, "test", "console-move-test", true, false);
    out
}

fn history(events: &[NoticeEvent], lang: kizuna_core::Lang) -> Vec<HistoryLine> {
    events
        .iter()
        .map(|e| HistoryLine {
            when: jst(e.at, lang),
            who: e.actor.clone(),
            what: texts::text(lang, &format!("console-event-{}", e.action.replace('_', "-"))).into_owned(),
            note: e.note.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/notice.html")]
struct NoticePage {
    frame: ConsoleFrame,
    id: i64,
    facts: Facts,
    moves: Vec<Move>,
    history: Vec<HistoryLine>,
    changes: Vec<diff::Change>,
    versions: usize,
    preview: PhonePreview,
    progress: Option<Progress>,
    check_ins: Option<CheckInPanel>,
    countdown: Option<i64>,
}

pub async fn page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, Query(query): Query) -> Response {
    let lang = signed.lang;
    let notice = match notices::read(&state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let (versions, events) = match notices::history(&state, &signed.actor, id).await {
        Ok(history) => history,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let armed = notice.status == NoticeStatus::Scheduled && events.last().is_some_and(|e| e.action == "arm");
    let now = state.clock.now();
    let countdown = armed.then(|| notice.send_at.map_or(0, |at| (at - now).num_seconds().max(0)));
    let progress = if matches!(notice.status, NoticeStatus::Sending | NoticeStatus::Sent)
        || (notice.status == NoticeStatus::Cancelled && notice.sent_at.is_some())
    {
        match progress::measure(&state, &notice, lang).await {
            Ok(progress) => Some(progress),
            Err(error) => return pages::notice_failure(lang, NoticeError::Store(error)),
        }
    } else {
        None
    };
    let check_ins = match check_ins::panel(&state, &signed, &notice).await {
        Ok(panel) => panel,
        Err(error) => return pages::notice_failure(lang, NoticeError::Store(error)),
    };
    let changes = match versions.as_slice() {
        [.., before, after] => diff::changes(before, after, lang),
        _ => Vec::new(),
    };
    let directory = state.directory.current();
    let facts = facts(&notice, &directory, &signed);
    let page = NoticePage {
        frame: ConsoleFrame::signed(&signed, &directory, facts.title.clone(), "/admin/notices")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        id,
        moves: moves(&notice, &signed, armed),
        history: history(&events, lang),
        changes,
        versions: versions.len(),
        preview: phone_preview(&facts.title, &facts.body, notice.exercise, lang),
        facts,
        progress,
        check_ins,
        countdown,
    };
    render(StatusCode::OK, &page)
}

/// What a move will do, stated before the button that does it.
#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage {
    frame: ConsoleFrame,
    id: i64,
    heading: String,
    lead: String,
    button: String,
    action: String,
    warning: bool,
    facts: Facts,
    counts: Option<CountLines>,
    send_time: Option<String>,
    note: bool,
    errors: Errors,
}

/// The pre-send counts in words.
pub struct CountLines {
    pub total: String,
    pub left_out: Option<String>,
    pub towns: Vec<(String, String)>,
}

fn count_lines(counts: &RecipientCounts, directory: &ReferenceData, lang: kizuna_core::Lang) -> CountLines {
    let people = |n: i64| texts::format(lang, "console-count-people", &[("count", n.into())]).into_owned();
    CountLines {
        total: people(counts.total),
        left_out: (counts.emergency_only_left_out > 0).then(|| {
            texts::format(lang, "console-count-left-out", &[("count", counts.emergency_only_left_out.into())])
                .into_owned()
        }),
        towns: counts
            .by_municipality
            .iter()
            .map(|m| {
                let name = directory
                    .municipality(&m.municipality)
                    .map_or_else(|| m.municipality.to_string(), |t| t.name(lang).to_owned());
                (name, people(m.recipients))
            })
            .collect(),
    }
}

/// Which move a confirmation page is for.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Submit,
    Approve,
    Return,
    Send,
    Emergency,
    Cancel,
    Withdraw,
}

impl Step {
    fn keys(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Step::Submit => (
                "submit",
                "console-confirm-submit-title",
                "console-confirm-submit-lead",
                "console-confirm-submit-button",
            ),
            Step::Approve => (
                "approve",
                "console-confirm-approve-title",
                "console-confirm-approve-lead",
                "console-confirm-approve-button",
            ),
            Step::Return => (
                "return",
                "console-confirm-return-title",
                "console-confirm-return-lead",
                "console-confirm-return-button",
            ),
            Step::Send => {
                ("send", "console-confirm-send-title", "console-confirm-send-lead", "console-confirm-send-button")
            }
            Step::Emergency => (
                "emergency",
                "console-confirm-emergency-title",
                "console-confirm-emergency-lead",
                "console-confirm-emergency-button",
            ),
            Step::Cancel => (
                "cancel",
                "console-confirm-cancel-title",
                "console-confirm-cancel-lead",
                "console-confirm-cancel-button",
            ),
            Step::Withdraw => (
                "withdraw",
                "console-confirm-withdraw-title",
                "console-confirm-withdraw-lead",
                "console-confirm-withdraw-button",
            ),
        }
    }

    fn counts(self) -> bool {
        matches!(self, Step::Submit | Step::Approve | Step::Send | Step::Emergency)
    }
}

async fn confirm(
    state: &AppState,
    signed: &Signed,
    id: i64,
    step: Step,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let lang = signed.lang;
    let notice = match notices::read(state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let directory = state.directory.current();
    let counts = if step.counts() {
        match notices::recipients(state, &signed.actor, id).await {
            Ok(counts) => Some(count_lines(&counts, &directory, lang)),
            Err(error) => return pages::notice_failure(lang, error),
        }
    } else {
        None
    };
    let now = state.clock.now();
    let quiet = directory.quiet.filter(|q| notice.urgency == Urgency::Normal && q.contains(now));
    let send_time = match step {
        Step::Send | Step::Approve | Step::Submit => Some(match (notice.send_at.filter(|at| *at > now), quiet) {
            (Some(at), _) => jst(at, lang),
            (None, Some(quiet)) => texts::format(
                lang,
                "console-confirm-quiet",
                &[("time", jst(quiet.release(now), lang).into()), ("end", quiet.end_text().into())],
            )
            .into_owned(),
            (None, None) => texts::format(lang, "console-confirm-now", &[("time", jst(now, lang).into())]).into_owned(),
        }),
        Step::Emergency => {
            let at = now + state.settings.console.emergency_countdown;
            Some(
                texts::format(
                    lang,
                    "console-confirm-countdown",
                    &[
                        ("seconds", state.settings.console.emergency_countdown.num_seconds().into()),
                        ("time", jst(at, lang).into()),
                    ],
                )
                .into_owned(),
            )
        }
        _ => None,
    };
    let (path, title, lead, button) = step.keys();
    let page = ConfirmPage {
        frame: ConsoleFrame::signed(signed, &directory, texts::text(lang, title).into_owned(), "/admin/notices"),
        id,
        heading: texts::text(lang, title).into_owned(),
        lead: texts::text(lang, lead).into_owned(),
        button: texts::text(lang, button).into_owned(),
        action: format!("/admin/notices/{id}/{path}"),
        warning: matches!(step, Step::Emergency | Step::Cancel | Step::Withdraw),
        facts: facts(&notice, &directory, signed),
        counts,
        send_time,
        note: matches!(step, Step::Return),
        errors,
    };
    render(status, &page)
}

macro_rules! confirmation_page {
    ($name:ident, $step:expr) => {
        pub async fn $name(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
            confirm(&state, &signed, id, $step, StatusCode::OK, Errors::default()).await
        }
    };
}

confirmation_page!(submit_page, Step::Submit);
confirmation_page!(approve_page, Step::Approve);
confirmation_page!(return_page, Step::Return);
confirmation_page!(send_page, Step::Send);
confirmation_page!(emergency_page, Step::Emergency);
confirmation_page!(cancel_page, Step::Cancel);
confirmation_page!(withdraw_page, Step::Withdraw);

/// After a move: its audit entry, then the notice page saying what was done.
async fn moved(
    state: &AppState,
    signed: &Signed,
    result: Result<Notice, NoticeError>,
    action: &'static str,
    detail: String,
) -> Response {
    match result {
        Ok(notice) => {
            audit(state, signed, &format!("notice_{action}"), &notice, detail).await;
            done(&format!("/admin/notices/{}", notice.id), action_word(action))
        }
        Err(error) => pages::notice_failure(signed.lang, error),
    }
}

fn action_word(action: &str) -> &'static str {
    match action {
        "submit" => "submitted",
        "approve" => "approved",
        "return" => "returned",
        "send" => "sending",
        "schedule" => "scheduled",
        "unschedule" => "unscheduled",
        "cancel" => "cancelled",
        "withdraw" => "withdrawn",
        "arm" => "armed",
        "correct" => "corrected",
        _ => "saved",
    }
}

pub async fn submit(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::submit(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "submit", "{}".into()).await
}

pub async fn approve(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::approve_as_second_person(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "approve", "{}".into()).await
}

pub async fn return_submit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    form: Fields,
) -> Response {
    let note = form.get("note").trim();
    if note.is_empty() || note.chars().count() > 1000 {
        let mut errors = Errors::default();
        errors.add("note", texts::text(signed.lang, "console-return-note-missing"));
        return confirm(&state, &signed, id, Step::Return, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let result = notices::return_notice(&state, &signed.actor, id, note).await;
    moved(&state, &signed, result, "return", serde_json::json!({ "note": note }).to_string()).await
}

pub async fn send(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::send(&state, &signed.actor, id).await.map(|dispatch| dispatch.notice);
    moved(&state, &signed, result, "send", "{}".into()).await
}

pub async fn emergency(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::arm(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "arm", "{}".into()).await
}

pub async fn unschedule(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::unschedule(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "unschedule", "{}".into()).await
}

pub async fn cancel(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::cancel(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "cancel", "{}".into()).await
}

pub async fn withdraw(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let result = notices::withdraw(&state, &signed.actor, id).await;
    moved(&state, &signed, result, "withdraw", "{}".into()).await
}

#[derive(Template)]
#[template(path = "console/correct.html")]
struct CorrectPage {
    frame: ConsoleFrame,
    id: i64,
    errors: Errors,
    title: String,
    body: String,
    title_en: String,
    body_en: String,
}

async fn correct_form(
    state: &AppState,
    signed: &Signed,
    id: i64,
    fields: Option<&Fields>,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let notice = match notices::read(state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(signed.lang, error),
    };
    let directory = state.directory.current();
    let value = |name: &str, stored: String| fields.map_or(stored, |f| f.get(name).to_owned());
    let page = CorrectPage {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(signed.lang, "console-correct-title").into_owned(),
            "/admin/notices",
        ),
        id,
        errors,
        title: value("title", notice.title.to_string()),
        body: value("body", notice.body.to_string()),
        title_en: value("title_en", notice.title_en.map(|t| t.to_string()).unwrap_or_default()),
        body_en: value("body_en", notice.body_en.map(|b| b.to_string()).unwrap_or_default()),
    };
    render(status, &page)
}

pub async fn correct_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    correct_form(&state, &signed, id, None, StatusCode::OK, Errors::default()).await
}

pub async fn correct(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    use kizuna_core::lang::Explain as _;
    let lang = signed.lang;
    let mut errors = Errors::default();
    let title = NoticeTitle::parse(form.get("title")).map_err(|e| errors.add("title", e.explain(lang))).ok();
    let body = NoticeBody::parse(form.get("body")).map_err(|e| errors.add("body", e.explain(lang))).ok();
    let english =
        |field: &'static str, text: &str| (!text.trim().is_empty()).then(|| text.to_owned()).map(|t| (field, t));
    let title_en = english("title_en", form.get("title_en"))
        .and_then(|(f, t)| NoticeTitle::parse_field(&t, "title_en").map_err(|e| errors.add(f, e.explain(lang))).ok());
    let body_en = english("body_en", form.get("body_en"))
        .and_then(|(f, t)| NoticeBody::parse_field(&t, "body_en").map_err(|e| errors.add(f, e.explain(lang))).ok());
    let (Some(title), Some(body), true) = (title, body, errors.is_empty()) else {
        return correct_form(&state, &signed, id, Some(&form), StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    };
    let text = CorrectionText { title, body, title_en, body_en };
    let result = notices::correct(&state, &signed.actor, id, text).await.map(|dispatch| dispatch.notice);
    moved(&state, &signed, result, "correct", format!("{{\"corrects\":{id}}}")).await
}

/// The start of Japan's day `days` after `now`'s, for the schedule form.
pub(super) fn tokyo_midnight(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    let date = kizuna_core::time::tokyo_date(now) + chrono::Duration::days(days);
    kizuna_core::time::start_of_tokyo_day(date)
}
