//! How a notice's delivery stands, counted from the relay's real answers:
//! queued, sent, deferred, bounced, failed; the rate over the last minute and the
//! time left at that rate; "finished" only when every message is settled; for a
//! drill, how long until a quarter, half, three quarters and all were accepted.
//! The notice page shows it, with a link to refresh it (never a timed refresh,
//! which WCAG 2.2.1 forbids); with JavaScript, `/admin/notices/{id}/progress`
//! streams it as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Duration as TimeSpan;
use kizuna_core::Lang;
use kizuna_core::notice::NoticeStatus;
use kizuna_store::{Notice, StoreError};
use serde::Serialize;

use super::pages;
use super::session::Signed;
use crate::notices;
use crate::state::AppState;
use crate::texts;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Progress {
    pub total: i64,
    /// Waiting or being handed to the relay.
    pub queued: i64,
    pub sent: i64,
    pub deferred: i64,
    pub bounced: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// Messages with a final outcome, as a whole percentage of the total.
    pub percent: i64,
    /// Messages the relay accepted in the last minute.
    pub per_minute: i64,
    /// The time left at that rate, in words; empty when finished or unknown.
    pub remaining: String,
    pub finished: bool,
    /// The status line, in words.
    pub summary: String,
    /// For a drill: (share of messages, time after sending until the relay had accepted them).
    pub milestones: Vec<(String, String)>,
}

/// A span as people say it: `1分05秒`, `1 min 5 s`.
pub fn span(span: TimeSpan, lang: Lang) -> String {
    let seconds = span.num_seconds().max(0);
    let (minutes, seconds) = (seconds / 60, seconds % 60);
    texts::format(lang, "console-progress-span", &[("minutes", minutes.into()), ("seconds", seconds.into())])
        .into_owned()
}

/// Which item (1 is the first) reaches each share of `total`, in percent.
pub fn nth_of(total: i64, percents: &[i64]) -> Vec<i64> {
    percents.iter().map(|q| (total * q + 99) / 100).collect()
}

/// For a drill: each share with the time after `start` when it was reached, or
/// "not yet".
pub fn milestone_lines(
    percents: &[i64],
    times: Vec<Option<chrono::DateTime<chrono::Utc>>>,
    start: Option<chrono::DateTime<chrono::Utc>>,
    lang: Lang,
) -> Vec<(String, String)> {
    percents
        .iter()
        .zip(times)
        .map(|(percent, at)| {
            let after = match (at, start) {
                (Some(at), Some(start)) => span(at - start, lang),
                _ => texts::text(lang, "console-progress-not-yet").into_owned(),
            };
            (format!("{percent}%"), after)
        })
        .collect()
}

pub async fn measure(state: &AppState, notice: &Notice, lang: Lang) -> Result<Progress, StoreError> {
    let counts = state.store.delivery_counts(notice.id).await?;
    let now = state.clock.now();
    let open = counts.queued + counts.sending + counts.deferred;
    let settled = counts.sent + counts.bounced + counts.failed + counts.cancelled;
    let finished = matches!(
        notice.status,
        NoticeStatus::Sent | NoticeStatus::Cancelled | NoticeStatus::Superseded | NoticeStatus::Withdrawn
    ) && open == 0;
    let percent = if counts.total == 0 { if finished { 100 } else { 0 } } else { settled * 100 / counts.total };
    let per_minute = state.store.accepted_since(notice.id, now - TimeSpan::minutes(1)).await?;
    let remaining = if finished || open == 0 || per_minute == 0 {
        String::new()
    } else {
        span(TimeSpan::seconds(open * 60 / per_minute), lang)
    };
    let mut milestones = Vec::new();
    if notice.exercise && counts.total > 0 {
        let quarters = [25i64, 50, 75, 100];
        let times = state.store.accepted_at(notice.id, &nth_of(counts.total, &quarters)).await?;
        milestones = milestone_lines(&quarters, times, notice.sent_at, lang);
    }
    let summary = if finished {
        texts::format(
            lang,
            "console-progress-finished",
            &[("sent", counts.sent.into()), ("total", counts.total.into())],
        )
    } else {
        texts::format(lang, "console-progress-going", &[("settled", settled.into()), ("total", counts.total.into())])
    }
    .into_owned();
    Ok(Progress {
        total: counts.total,
        queued: counts.queued + counts.sending,
        sent: counts.sent,
        deferred: counts.deferred,
        bounced: counts.bounced,
        failed: counts.failed,
        cancelled: counts.cancelled,
        percent,
        per_minute,
        remaining,
        finished,
        summary,
        milestones,
    })
}

/// How often the stream reports.
const EVERY: Duration = Duration::from_secs(1);

/// The progress as server-sent events, one a second, until it is finished.
pub async fn stream(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    if let Err(error) = notices::read(&state, &signed.actor, id).await {
        return pages::notice_failure(signed.lang, error);
    }
    let lang = signed.lang;
    let events = futures_util::stream::unfold((state, signed, false), move |(state, signed, done)| async move {
        if done {
            return None;
        }
        let event = match notices::read(&state, &signed.actor, id).await {
            Ok(notice) => match measure(&state, &notice, lang).await {
                Ok(progress) => {
                    let finished = progress.finished;
                    let data = serde_json::to_string(&progress).unwrap_or_default();
                    if !finished {
                        tokio::time::sleep(EVERY).await;
                    }
                    return Some((
                        Ok::<_, Infallible>(Event::default().event("progress").data(data)),
                        (state, signed, finished),
                    ));
                }
                Err(error) => {
                    tracing::warn!(%error, notice = id, "progress could not be read");
                    Event::default().event("error").data("store")
                }
            },
            Err(_) => Event::default().event("error").data("gone"),
        };
        Some((Ok(event), (state, signed, true)))
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}
