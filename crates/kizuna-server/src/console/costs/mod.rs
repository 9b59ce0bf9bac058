//! `/admin/costs` (consortium admins): each fiscal year's running costs,
//! entered one item at a time, and how their total is shared — by the
//! consortium's rule, by share of registrants and by messages sent, side by
//! side — as a page, a CSV file and a printable view for the council. Every
//! item added or removed, and every CSV, is audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::costs::{CostItemName, Yen, thousands};
use kizuna_core::lang::Explain as _;
use kizuna_store::{NewAuditEntry, NewCostItem, StoreError};

use super::csv::Csv;
use super::form::{Errors, Fields, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, done, jst, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

mod report;

use report::{Report, messages_text, rule_in_words, year_asked, year_label};

pub struct ItemRow {
    pub id: i64,
    pub name: String,
    pub amount: String,
    pub entered: String,
}

pub struct ShareRow {
    pub name: String,
    pub by_rule: String,
    pub registrants: String,
    pub by_registrants: String,
    pub messages: String,
    pub by_messages: String,
}

/// The report as every view of it shows it.
pub struct ReportView {
    pub year: i32,
    pub year_label: String,
    pub items: Vec<ItemRow>,
    pub total: String,
    pub rule: String,
    pub shares: Vec<ShareRow>,
    pub sum_rule: String,
    pub sum_registrants: String,
    pub sum_messages: String,
    pub issued: String,
}

#[derive(Template)]
#[template(path = "console/costs.html")]
struct CostsPage {
    frame: ConsoleFrame,
    errors: Errors,
    report: ReportView,
    previous: i32,
    next: i32,
    name: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "console/costs_print.html")]
struct PrintPage {
    frame: ConsoleFrame,
    consortium: String,
    report: ReportView,
}

fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "costs: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

fn yen(amount: i64, lang: Lang) -> String {
    texts::format(lang, "console-costs-yen", &[("amount", thousands(amount).into())]).into_owned()
}

fn view(report: &Report, directory: &ReferenceData, lang: Lang, now: chrono::DateTime<chrono::Utc>) -> ReportView {
    let none = texts::text(lang, "console-costs-no-basis").into_owned();
    let (sum_rule, sum_registrants, sum_messages) = report.sums();
    ReportView {
        year: report.year,
        year_label: year_label(report.year, lang),
        items: report
            .items
            .iter()
            .map(|i| ItemRow {
                id: i.id,
                name: i.name.as_str().to_owned(),
                amount: yen(i.amount.get(), lang),
                entered: jst(i.created_at, lang),
            })
            .collect(),
        total: yen(report.total, lang),
        rule: rule_in_words(&report.rule, directory, lang),
        shares: report
            .shares
            .iter()
            .map(|s| ShareRow {
                name: s.name.clone(),
                by_rule: yen(s.by_rule, lang),
                registrants: thousands(s.registrants),
                by_registrants: s.by_registrants.map_or_else(|| none.clone(), |y| yen(y, lang)),
                messages: messages_text(s.messages),
                by_messages: s.by_messages.map_or_else(|| none.clone(), |y| yen(y, lang)),
            })
            .collect(),
        sum_rule: yen(sum_rule, lang),
        sum_registrants: sum_registrants.map_or_else(|| none.clone(), |y| yen(y, lang)),
        sum_messages: sum_messages.map_or_else(|| none.clone(), |y| yen(y, lang)),
        issued: jst(now, lang),
    }
}

async fn costs_page(
    state: &AppState,
    signed: &Signed,
    year: i32,
    status: StatusCode,
    errors: Errors,
    typed: (String, String),
    banner: Option<String>,
) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let report = match report::report(state, &directory, year, lang).await {
        Ok(report) => report,
        Err(error) => return store_failure(lang, error),
    };
    let title = texts::text(lang, "console-costs-title").into_owned();
    let page = CostsPage {
        frame: ConsoleFrame::signed(signed, &directory, title, "/admin/costs").with_banner(banner),
        errors,
        report: view(&report, &directory, lang, state.clock.now()),
        previous: (year - 1).max(*report::YEARS.start()),
        next: (year + 1).min(*report::YEARS.end()),
        name: typed.0,
        amount: typed.1,
    };
    render(status, &page)
}

pub async fn page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let year = year_asked(query.get("year"), state.clock.now());
    let banner = pages::banner(signed.lang, Some(query.get("done")));
    costs_page(&state, &signed, year, StatusCode::OK, Errors::default(), Default::default(), banner).await
}

async fn audit(
    state: &AppState,
    signed: &Signed,
    action: &str,
    subject: String,
    detail: String,
) -> Result<(), StoreError> {
    let entry = NewAuditEntry::new(signed.actor.name(), action, subject, detail).from_client(&signed.client);
    state.store.record_audit(&entry, state.clock.now()).await
}

/// Adds an item to the fiscal year shown: a name and an amount as typed
/// (`75,000`, `７５，０００円`).
pub async fn add_item(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let lang = signed.lang;
    let year = year_asked(form.get("fiscal_year"), state.clock.now());
    let mut errors = Errors::default();
    let name = CostItemName::parse(form.get("name")).map_err(|e| errors.add("name", e.explain(lang))).ok();
    let amount = Yen::parse(form.get("amount")).map_err(|e| errors.add("amount", e.explain(lang))).ok();
    let (Some(name), Some(amount)) = (name, amount) else {
        let typed = (form.get("name").to_owned(), form.get("amount").to_owned());
        return costs_page(&state, &signed, year, StatusCode::UNPROCESSABLE_ENTITY, errors, typed, None).await;
    };
    let item = NewCostItem { fiscal_year: year, name, amount, created_by: signed.actor.name().to_owned() };
    let added = match state.store.add_cost_item(&item, state.clock.now()).await {
        Ok(added) => added,
        Err(error) => return store_failure(lang, error),
    };
    let detail = format!("fiscal_year={year} amount={} name={}", amount.get(), added.name.as_str());
    if let Err(error) = audit(&state, &signed, "cost_item_add", format!("cost_item:{}", added.id), detail).await {
        tracing::error!(%error, "cost item added but not audited");
    }
    done(&format!("/admin/costs?year={year}"), "cost-added")
}

/// Removes an item entered by mistake.
pub async fn remove_item(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let item = match state.store.cost_item(id).await {
        Ok(Some(item)) => item,
        Ok(None) => return pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found"),
        Err(error) => return store_failure(lang, error),
    };
    match state.store.remove_cost_item(id).await {
        Ok(true) => {}
        Ok(false) => return pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found"),
        Err(error) => return store_failure(lang, error),
    }
    let detail = format!("fiscal_year={} amount={} name={}", item.fiscal_year, item.amount.get(), item.name.as_str());
    if let Err(error) = audit(&state, &signed, "cost_item_remove", format!("cost_item:{id}"), detail).await {
        tracing::error!(%error, "cost item removed but not audited");
    }
    done(&format!("/admin/costs?year={}", item.fiscal_year), "cost-removed")
}

/// The report for the council, to print: no navigation, no forms.
pub async fn print(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let year = year_asked(query.get("year"), state.clock.now());
    let report = match report::report(&state, &directory, year, lang).await {
        Ok(report) => report,
        Err(error) => return store_failure(lang, error),
    };
    let title =
        texts::format(lang, "console-costs-print-title", &[("year", year_label(year, lang).into())]).into_owned();
    let mut frame = ConsoleFrame::signed(&signed, &directory, title, "/admin/costs");
    frame.nav.clear();
    let page = PrintPage {
        frame,
        consortium: directory.consortium_name(lang).to_owned(),
        report: view(&report, &directory, lang, state.clock.now()),
    };
    render(StatusCode::OK, &page)
}

/// The report as CSV (amounts as plain numbers, for a spreadsheet); audited.
pub async fn csv(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let year = year_asked(query.get("year"), state.clock.now());
    let report = match report::report(&state, &directory, year, lang).await {
        Ok(report) => report,
        Err(error) => return store_failure(lang, error),
    };
    if let Err(error) =
        audit(&state, &signed, "costs_export", format!("costs:{year}"), format!("fiscal_year={year}")).await
    {
        tracing::error!(%error, "cost report export not audited");
        return store_failure(lang, error);
    }
    let t = |key: &str| texts::text(lang, key).into_owned();
    let blank = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
    let mut csv = Csv::new();
    csv.row([year_label(year, lang), t("console-costs-total"), report.total.to_string()]);
    csv.row([
        t("console-field-municipality"),
        t("console-costs-by-rule"),
        t("console-costs-registrants"),
        t("console-costs-by-registrants"),
        t("console-costs-messages"),
        t("console-costs-by-messages"),
    ]);
    for s in &report.shares {
        csv.row([
            s.name.clone(),
            s.by_rule.to_string(),
            s.registrants.to_string(),
            blank(s.by_registrants),
            format!("{}", (s.messages * 10.0).round() / 10.0),
            blank(s.by_messages),
        ]);
    }
    let (rule, registrants, messages) = report.sums();
    csv.row([
        t("console-costs-total"),
        rule.to_string(),
        String::new(),
        blank(registrants),
        String::new(),
        blank(messages),
    ]);
    csv.row([String::new()]);
    csv.row([t("console-costs-item-name"), t("console-costs-amount"), t("console-costs-entered")]);
    for item in &report.items {
        csv.row([item.name.as_str().to_owned(), item.amount.get().to_string(), jst(item.created_at, lang)]);
    }
    csv.download(&format!("kizuna-costs-fy{year}.csv"))
}
