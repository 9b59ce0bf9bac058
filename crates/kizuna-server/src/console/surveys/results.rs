//! `/admin/surveys/{id}`: a survey's results — response rate, each question's
//! counts and percentages as a chart with its table (a multiple choice counts
//! every option), the free-text answers (escaped; each view audited), and the
//! breakdown by municipality, area and age band with web, paper and total
//! columns, small cells suppressed — with invite, remind and close, and a CSV
//! export (audited).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::survey::QuestionKind;
use kizuna_store::{NewAuditEntry, Survey};

use super::super::csv::Csv;
use super::super::dashboard::chart;
use super::super::dashboard::charts::{self, Series, Spec};
use super::super::form::Query;
use super::super::frame::ConsoleFrame;
use super::super::pages::{self, done, jst, render};
use super::super::session::Signed;
use super::breakdown::{Breakdown, breakdowns};
use crate::state::AppState;
use crate::surveys::service::{self, QuestionResult, SurveyError};
use crate::texts;

pub struct CountRow {
    pub label: String,
    pub count: i64,
    pub percent: String,
}

pub struct QuestionBlock {
    pub number: usize,
    pub text: String,
    pub kind: String,
    pub answered: i64,
    pub chart: Option<String>,
    pub rows: Vec<CountRow>,
    pub answers: Vec<String>,
    pub is_text: bool,
}

/// One day of the response rate over time (Japan time).
pub struct DayRow {
    pub day: String,
    pub responses: i64,
    pub cumulative: i64,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "console/survey_results.html")]
struct ResultsPage {
    frame: ConsoleFrame,
    id: i64,
    status: String,
    closes: String,
    open: bool,
    invited: i64,
    web: i64,
    paper: i64,
    responses: i64,
    rate: String,
    days: Vec<DayRow>,
    days_chart: Option<String>,
    questions: Vec<QuestionBlock>,
    breakdowns: Vec<Breakdown>,
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{:.1}%", part as f64 * 100.0 / whole as f64) }
}

fn failure(lang: Lang, error: SurveyError) -> Response {
    match error {
        SurveyError::NotFound(_) | SurveyError::OutOfScope(_) => {
            pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found")
        }
        SurveyError::Closed => pages::refused(lang, StatusCode::CONFLICT, "console-survey-error-closed"),
        other => {
            tracing::error!(error = %other, "survey console: failed");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}

async fn audit(state: &AppState, signed: &Signed, action: &str, survey: &Survey, detail: String) {
    let entry = NewAuditEntry::new(signed.actor.name(), action, format!("survey:{}", survey.id), detail)
        .from_client(&signed.client)
        .in_municipality(survey.municipalities.first());
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

fn block(number: usize, q: QuestionResult, lang: Lang) -> QuestionBlock {
    let is_text = q.kind == QuestionKind::Text;
    let rows: Vec<CountRow> = q
        .counts
        .iter()
        .map(|(label, count)| CountRow { label: label.clone(), count: *count, percent: percent(*count, q.answered) })
        .collect();
    let chart = (!is_text).then(|| {
        let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
        let people = texts::text(lang, "console-results-axis").into_owned();
        let series = [Series { label: people.clone(), values: rows.iter().map(|r| r.count as f64).collect() }];
        let alt = texts::format(lang, "console-results-chart-alt", &[("number", number.into())]).into_owned();
        let id = format!("chart-q{number}");
        chart(
            charts::across,
            &Spec { id: &id, alt: &alt, labels: &labels, series: &series, y_desc: &people, percent: false },
        )
    });
    QuestionBlock {
        number,
        kind: texts::text(lang, &format!("console-question-kind-{}", q.kind.as_str())).into_owned(),
        text: q.text,
        answered: q.answered,
        chart: chart.flatten(),
        rows,
        answers: q.answers,
        is_text,
    }
}

/// Responses per day from the first answer, with the running total and rate.
fn days(times: &[chrono::DateTime<chrono::Utc>], invited: i64, lang: Lang) -> (Vec<DayRow>, Option<String>) {
    let mut rows: Vec<DayRow> = Vec::new();
    let mut total = 0;
    let mut by_day: Vec<(chrono::NaiveDate, i64)> = Vec::new();
    for at in times {
        let day = kizuna_core::time::tokyo_date(*at);
        match by_day.last_mut() {
            Some((last, n)) if *last == day => *n += 1,
            _ => by_day.push((day, 1)),
        }
    }
    for (day, n) in &by_day {
        total += n;
        rows.push(DayRow {
            day: day.format("%Y-%m-%d").to_string(),
            responses: *n,
            cumulative: total,
            rate: percent(total, invited),
        });
    }
    if rows.is_empty() || invited == 0 {
        return (rows, None);
    }
    let labels: Vec<String> = rows.iter().map(|r| r.day[5..].to_owned()).collect();
    let label = texts::text(lang, "console-results-rate").into_owned();
    let series = [Series {
        label: label.clone(),
        values: rows.iter().map(|r| r.cumulative as f64 * 100.0 / invited as f64).collect(),
    }];
    let alt = texts::text(lang, "console-results-days-alt").into_owned();
    let spec = Spec { id: "chart-days", alt: &alt, labels: &labels, series: &series, y_desc: &label, percent: true };
    let svg = chart(charts::lines, &spec);
    (rows, svg)
}

pub async fn page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, Query(query): Query) -> Response {
    let lang = signed.lang;
    let results = match service::results(&state, signed.actor.scope(), id, signed.lang).await {
        Ok(results) => results,
        Err(error) => return failure(lang, error),
    };
    let groups = match state.store.response_groups(id).await {
        Ok(groups) => groups,
        Err(error) => return failure(lang, error.into()),
    };
    let times = match state.store.response_times(id).await {
        Ok(times) => times,
        Err(error) => return failure(lang, error.into()),
    };
    let (days, days_chart) = days(&times, results.invited, lang);
    let texts_shown: usize = results.questions.iter().map(|q| q.answers.len()).sum();
    if texts_shown > 0 {
        audit(&state, &signed, "survey_free_text_view", &results.survey, format!("answers={texts_shown}")).await;
    }
    let directory = state.directory.current();
    let now = state.clock.now();
    let survey = &results.survey;
    let status = if survey.is_closed(now) {
        "console-survey-closed"
    } else if survey.opens_at > now {
        "console-survey-scheduled"
    } else {
        "console-survey-open"
    };
    let page = ResultsPage {
        frame: ConsoleFrame::signed(&signed, &directory, survey.title.clone(), "/admin/surveys")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        id,
        status: texts::text(lang, status).into_owned(),
        closes: survey
            .closing()
            .map_or_else(|| texts::text(lang, "console-survey-no-closing").into_owned(), |at| jst(at, lang)),
        open: !survey.is_closed(now),
        invited: results.invited,
        web: results.web,
        paper: results.paper,
        responses: results.responses(),
        rate: percent(results.responses(), results.invited),
        days,
        days_chart,
        breakdowns: breakdowns(survey, &groups, &directory, lang),
        questions: results.questions.iter().cloned().enumerate().map(|(i, q)| block(i + 1, q, lang)).collect(),
    };
    render(StatusCode::OK, &page)
}

pub async fn invite(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match service::invite(&state, signed.actor.scope(), id).await {
        Ok(invited) => {
            if let Ok(survey) = service::read(&state, signed.actor.scope(), id).await {
                audit(&state, &signed, "survey_invite", &survey, format!("invited={invited}")).await;
            }
            done(&format!("/admin/surveys/{id}"), if invited == 0 { "invited-none" } else { "invited" })
        }
        Err(error) => failure(signed.lang, error),
    }
}

pub async fn remind(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match service::remind(&state, signed.actor.scope(), id).await {
        Ok(reminded) => {
            if let Ok(survey) = service::read(&state, signed.actor.scope(), id).await {
                audit(&state, &signed, "survey_remind", &survey, format!("reminded={reminded}")).await;
            }
            done(&format!("/admin/surveys/{id}"), if reminded == 0 { "reminded-none" } else { "reminded" })
        }
        Err(error) => failure(signed.lang, error),
    }
}

pub async fn close(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match service::close(&state, signed.actor.scope(), id).await {
        Ok(survey) => {
            audit(&state, &signed, "survey_close", &survey, "{}".into()).await;
            done(&format!("/admin/surveys/{id}"), "closed")
        }
        Err(error) => failure(signed.lang, error),
    }
}

/// The counts of every question and the free-text answers, for Excel; audited.
pub async fn csv(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let results = match service::results(&state, signed.actor.scope(), id, signed.lang).await {
        Ok(results) => results,
        Err(error) => return failure(lang, error),
    };
    let t = |key: &str| texts::text(lang, key).into_owned();
    let mut file = Csv::new();
    file.row([t("console-results-csv-question"), t("console-results-csv-answer"), t("console-results-csv-count")]);
    file.row([t("console-results-invited"), String::new(), results.invited.to_string()]);
    file.row([t("console-results-web"), String::new(), results.web.to_string()]);
    file.row([t("console-results-paper"), String::new(), results.paper.to_string()]);
    for q in &results.questions {
        for (label, count) in &q.counts {
            file.row([q.text.clone(), label.clone(), count.to_string()]);
        }
        for answer in &q.answers {
            file.row([q.text.clone(), answer.clone(), String::new()]);
        }
    }
    audit(&state, &signed, "survey_results_export", &results.survey, format!("responses={}", results.responses()))
        .await;
    file.download(&format!("survey-{id}-results.csv"))
}
