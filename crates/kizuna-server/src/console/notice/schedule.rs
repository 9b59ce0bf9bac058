//! Scheduling an approved notice: today, tomorrow or a day of the coming week,
//! at a time — always in Japan time, whatever the server's zone.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveTime};

use super::{CountLines, Facts, count_lines, facts, moved, tokyo_midnight};
use crate::console::form::{Errors, Fields};
use crate::console::frame::ConsoleFrame;
use crate::console::pages::{self, jst, render};
use crate::console::session::Signed;
use crate::notices;
use crate::state::AppState;
use crate::texts;

/// Days the form offers, today first.
const DAYS: i64 = 7;

pub struct DayChoice {
    pub value: i64,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "console/schedule.html")]
struct SchedulePage {
    frame: ConsoleFrame,
    id: i64,
    errors: Errors,
    now: String,
    days: Vec<DayChoice>,
    time: String,
    facts: Facts,
    counts: CountLines,
}

async fn schedule_form(
    state: &AppState,
    signed: &Signed,
    id: i64,
    form: Option<&Fields>,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let lang = signed.lang;
    let notice = match notices::read(state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let counts = match notices::recipients(state, &signed.actor, id).await {
        Ok(counts) => counts,
        Err(error) => return pages::notice_failure(lang, error),
    };
    let now = state.clock.now();
    let chosen = form.and_then(|f| f.get("day").parse::<i64>().ok()).unwrap_or(0);
    let days = (0..DAYS)
        .map(|offset| {
            let day = kizuna_core::time::to_tokyo(tokyo_midnight(now, offset));
            let weekday = day.weekday().num_days_from_monday() as i64;
            let name = texts::text(lang, WEEKDAYS[weekday as usize]);
            let label = match offset {
                0 => texts::format(
                    lang,
                    "console-schedule-today",
                    &[("date", day.format("%-m/%-d").to_string().into()), ("weekday", name.into())],
                ),
                1 => texts::format(
                    lang,
                    "console-schedule-tomorrow",
                    &[("date", day.format("%-m/%-d").to_string().into()), ("weekday", name.into())],
                ),
                _ => texts::format(
                    lang,
                    "console-schedule-day",
                    &[("date", day.format("%-m/%-d").to_string().into()), ("weekday", name.into())],
                ),
            };
            DayChoice { value: offset, label: label.into_owned(), checked: offset == chosen }
        })
        .collect();
    let directory = state.directory.current();
    let page = SchedulePage {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(lang, "console-schedule-title").into_owned(),
            "/admin/notices",
        ),
        id,
        errors,
        now: jst(now, lang),
        days,
        time: form.map(|f| f.get("time").to_owned()).unwrap_or_default(),
        facts: facts(&notice, &directory, signed),
        counts: count_lines(&counts, &directory, lang),
    };
    render(status, &page)
}

const WEEKDAYS: [&str; 7] = [
    "console-weekday-mon",
    "console-weekday-tue",
    "console-weekday-wed",
    "console-weekday-thu",
    "console-weekday-fri",
    "console-weekday-sat",
    "console-weekday-sun",
];

pub async fn schedule_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    schedule_form(&state, &signed, id, None, StatusCode::OK, Errors::default()).await
}

pub async fn schedule(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let lang = signed.lang;
    let now = state.clock.now();
    let mut errors = Errors::default();
    let day = form.get("day").parse::<i64>().ok().filter(|d| (0..DAYS).contains(d));
    if day.is_none() {
        errors.add("day", texts::text(lang, "console-schedule-day-missing"));
    }
    let time = NaiveTime::parse_from_str(form.get("time").trim(), "%H:%M").ok();
    if time.is_none() {
        errors.add("time", texts::text(lang, "console-schedule-time-missing"));
    }
    let at = match (day, time) {
        (Some(day), Some(time)) => {
            let at = tokyo_midnight(now, day) + (time - NaiveTime::MIN);
            if at <= now {
                errors.add("time", texts::text(lang, "console-schedule-past"));
            }
            Some(at)
        }
        _ => None,
    };
    let Some(at) = at.filter(|_| errors.is_empty()) else {
        return schedule_form(&state, &signed, id, Some(&form), StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    };
    let result = notices::schedule(&state, &signed.actor, id, at).await;
    moved(&state, &signed, result, "schedule", format!("{{\"send_at\":\"{}\"}}", at.to_rfc3339())).await
}
