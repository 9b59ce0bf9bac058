//! `/admin/dashboard`, the region (or one's municipality) at a glance:
//! registrants per municipality and category, how they came month by month (so
//! staff see what a poster campaign brought), bounce and unsubscribe rates, and
//! the latest notices with their delivery figures. Each chart is an inline SVG
//! with its text alternative, its figures as a table, and a CSV download.
//!
//! A municipality's staff see their own municipality's figures only; consortium
//! admins see the region and can pick each town.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kizuna_core::costs::thousands;
use kizuna_core::staff::Scope;
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::NewAuditEntry;

use super::csv::Csv;
use super::form::Query;
use super::frame::ConsoleFrame;
use super::pages::{self, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

pub(super) mod charts;
mod figures;

use charts::{Series, Spec};
use figures::{Figures, FiguresError, MonthRates, gather};

/// A choice of the view: the region or one town.
pub struct ViewChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A row of a table: its heading cell and its figures, already written out.
pub struct TableRow {
    pub heading: String,
    pub cells: Vec<String>,
}

pub struct LatestRow {
    pub href: String,
    pub title: String,
    pub towns: String,
    pub when: String,
    pub status: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    frame: ConsoleFrame,
    views: Vec<ViewChoice>,
    view_name: String,
    /// The query string that keeps the view (`?municipality=113611`), for the CSV links.
    keep: String,
    headline: Vec<(String, String)>,
    registrants_chart: Option<String>,
    registrants_caption: String,
    registrant_columns: Vec<String>,
    registrant_rows: Vec<TableRow>,
    growth_chart: Option<String>,
    growth_caption: String,
    growth_columns: Vec<String>,
    growth_rows: Vec<TableRow>,
    rates_chart: Option<String>,
    rates_caption: String,
    rate_rows: Vec<TableRow>,
    latest: Vec<LatestRow>,
}

/// A view the person may not see: another town's figures are "not found",
/// as another town's notice is.
struct NotVisible;

impl NotVisible {
    fn page(self, lang: Lang) -> Response {
        pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found")
    }
}

/// The view asked for, if the person may see it: a municipality's staff only their own.
fn view_of(signed: &Signed, directory: &ReferenceData, asked: &str) -> Result<Option<MunicipalityCode>, NotVisible> {
    let asked = asked.trim();
    if asked.is_empty() || asked == "all" {
        return Ok(signed.staff.scope.municipality().cloned());
    }
    let code = MunicipalityCode::parse(asked).map_err(|_| NotVisible)?;
    if !signed.staff.scope.covers(&code) || directory.municipality(&code).is_none() {
        return Err(NotVisible);
    }
    Ok(Some(code))
}

fn view_name(directory: &ReferenceData, town: Option<&MunicipalityCode>, lang: Lang) -> String {
    match town.and_then(|code| directory.municipality(code)) {
        Some(m) => m.name(lang).to_owned(),
        None => texts::format(lang, "console-dashboard-region", &[("region", directory.consortium_name(lang).into())])
            .into_owned(),
    }
}

fn failure(lang: Lang, error: FiguresError) -> Response {
    match error {
        FiguresError::Notices(error) => pages::notice_failure(lang, error),
        FiguresError::Store(error) => {
            tracing::error!(%error, "dashboard: the store failed");
            pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
        }
    }
}

fn month_long(month: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::JA => month.format("%Y年%-m月").to_string(),
        Lang::EN => month.format("%b %Y").to_string(),
        // A language without its own month names reads the numbers.
        _ => month.format("%Y-%m").to_string(),
    }
}

fn month_short(month: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::JA => month.format("%-m月").to_string(),
        Lang::EN => month.format("%b").to_string(),
        _ => month.format("%m").to_string(),
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%"))
}

/// Draws a chart; a chart that cannot be drawn leaves its table, which holds the same figures.
pub(super) fn chart(draw: fn(&Spec<'_>) -> Result<String, String>, spec: &Spec<'_>) -> Option<String> {
    draw(spec).map_err(|error| tracing::error!(%error, chart = spec.id, "dashboard chart not drawn")).ok()
}

pub async fn page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let town = match view_of(&signed, &directory, query.get("municipality")) {
        Ok(town) => town,
        Err(refusal) => return refusal.page(lang),
    };
    let figures = match gather(&state, &signed.actor, &directory, town.as_ref(), lang).await {
        Ok(figures) => figures,
        Err(error) => return failure(lang, error),
    };
    let t = |key: &str| texts::text(lang, key).into_owned();
    let name = view_name(&directory, town.as_ref(), lang);
    let range = match (figures.months.first(), figures.months.last()) {
        (Some(first), Some(last)) => format!("{}〜{}", month_long(*first, lang), month_long(*last, lang)),
        _ => String::new(),
    };

    let views = match signed.staff.scope {
        Scope::AllMunicipalities => std::iter::once(ViewChoice {
            value: "all".into(),
            label: view_name(&directory, None, lang),
            selected: town.is_none(),
        })
        .chain(directory.municipalities.iter().map(|m| ViewChoice {
            value: m.code.to_string(),
            label: m.name(lang).to_owned(),
            selected: town.as_ref() == Some(&m.code),
        }))
        .collect(),
        Scope::Municipality(_) => Vec::new(),
    };
    let year = figures.year_rates();
    let this_month = figures.growth_total(figures.months.len().saturating_sub(1));
    let headline = vec![
        (
            t("console-dashboard-active"),
            texts::format(lang, "console-dashboard-people", &[("n", thousands(figures.active).into())]).into_owned(),
        ),
        (
            t("console-dashboard-new-this-month"),
            texts::format(lang, "console-dashboard-people", &[("n", thousands(this_month).into())]).into_owned(),
        ),
        (
            t("console-dashboard-bounce-rate"),
            texts::format(
                lang,
                "console-dashboard-rate-of",
                &[("rate", percent(year.bounce_rate()).into()), ("of", thousands(year.messages()).into())],
            )
            .into_owned(),
        ),
        (
            t("console-dashboard-unsubscribe-rate"),
            texts::format(
                lang,
                "console-dashboard-left",
                &[("rate", percent(figures.unsubscribe_rate()).into()), ("n", thousands(year.unsubscribed).into())],
            )
            .into_owned(),
        ),
    ];

    // Registrants: by town for the region, by category for a town.
    let (bar_labels, bar_values): (Vec<String>, Vec<f64>) = match &town {
        None => figures.registrants.iter().map(|r| (r.name.clone(), r.total as f64)).unzip(),
        Some(_) => figures
            .categories
            .iter()
            .enumerate()
            .map(|(i, (_, name))| {
                (
                    name.clone(),
                    figures.registrants.first().and_then(|r| r.by_category.get(i)).copied().unwrap_or(0) as f64,
                )
            })
            .unzip(),
    };
    let registrants_caption = match &town {
        None => t("console-dashboard-registrants-by-town"),
        Some(_) => texts::format(lang, "console-dashboard-registrants-by-category", &[("town", name.as_str().into())])
            .into_owned(),
    };
    let people = t("console-dashboard-axis-people");
    let registrants_alt =
        texts::format(lang, "console-dashboard-chart-alt", &[("what", registrants_caption.as_str().into())]);
    let registrant_series = [Series { label: people.clone(), values: bar_values }];
    let registrants_chart = chart(
        charts::across,
        &Spec {
            id: "chart-registrants",
            alt: &registrants_alt,
            labels: &bar_labels,
            series: &registrant_series,
            y_desc: &people,
            percent: false,
        },
    );
    let mut registrant_columns: Vec<String> = figures.categories.iter().map(|(_, name)| name.clone()).collect();
    registrant_columns.push(t("console-dashboard-total-people"));
    let registrant_rows = figures
        .registrants
        .iter()
        .map(|r| TableRow {
            heading: r.name.clone(),
            cells: r.by_category.iter().chain(std::iter::once(&r.total)).map(|n| thousands(*n)).collect(),
        })
        .collect();

    // Growth by how residents came.
    let channel_labels: Vec<String> = figures.channels.iter().map(|c| c.label(&directory, lang)).collect();
    let growth_series: Vec<Series> = channel_labels
        .iter()
        .enumerate()
        .map(|(c, label)| Series {
            label: label.clone(),
            values: figures.growth.iter().map(|row| row[c] as f64).collect(),
        })
        .collect();
    let short_months: Vec<String> = figures.months.iter().map(|m| month_short(*m, lang)).collect();
    let growth_caption =
        texts::format(lang, "console-dashboard-growth-caption", &[("range", range.as_str().into())]).into_owned();
    let growth_alt = texts::format(lang, "console-dashboard-chart-alt", &[("what", growth_caption.as_str().into())]);
    let growth_chart = chart(
        charts::stacked_bars,
        &Spec {
            id: "chart-growth",
            alt: &growth_alt,
            labels: &short_months,
            series: &growth_series,
            y_desc: &people,
            percent: false,
        },
    );
    let mut growth_columns = channel_labels.clone();
    growth_columns.push(t("console-dashboard-total"));
    let growth_rows = figures
        .months
        .iter()
        .enumerate()
        .map(|(m, month)| TableRow {
            heading: month_long(*month, lang),
            cells: figures.growth[m]
                .iter()
                .copied()
                .chain(std::iter::once(figures.growth_total(m)))
                .map(thousands)
                .collect(),
        })
        .collect();

    // Bounces and unsubscribes.
    let rates_caption =
        texts::format(lang, "console-dashboard-rates-caption", &[("range", range.as_str().into())]).into_owned();
    let rates_alt = texts::format(lang, "console-dashboard-chart-alt", &[("what", rates_caption.as_str().into())]);
    let rate_series = [Series {
        label: t("console-dashboard-bounce-rate"),
        values: figures.rates.iter().map(|r| r.bounce_rate().unwrap_or(0.0)).collect(),
    }];
    let rates_chart = chart(
        charts::lines,
        &Spec {
            id: "chart-rates",
            alt: &rates_alt,
            labels: &short_months,
            series: &rate_series,
            y_desc: &t("console-dashboard-axis-percent"),
            percent: true,
        },
    );
    let rate_rows =
        figures.months.iter().zip(&figures.rates).map(|(month, r)| rate_row(month_long(*month, lang), r)).collect();

    let latest = figures
        .latest
        .iter()
        .map(|l| {
            let row = super::home::row(&l.notice, &directory, lang);
            let c = &l.counts;
            LatestRow {
                href: row.href,
                title: row.title,
                towns: row.towns,
                when: row.when,
                status: row.status,
                cells: [c.total, c.sent, c.queued + c.sending + c.deferred, c.bounced, c.failed]
                    .into_iter()
                    .map(thousands)
                    .collect(),
            }
        })
        .collect();

    let title = t("console-dashboard-title");
    let page = DashboardPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/dashboard"),
        views,
        view_name: name,
        keep: town.map(|code| format!("?municipality={code}")).unwrap_or_default(),
        headline,
        registrants_chart,
        registrants_caption,
        registrant_columns,
        registrant_rows,
        growth_chart,
        growth_caption,
        growth_columns,
        growth_rows,
        rates_chart,
        rates_caption,
        rate_rows,
        latest,
    };
    render(StatusCode::OK, &page)
}

fn rate_row(heading: String, r: &MonthRates) -> TableRow {
    TableRow {
        heading,
        cells: vec![
            thousands(r.messages()),
            thousands(r.bounced),
            thousands(r.failed),
            percent(r.bounce_rate()),
            thousands(r.unsubscribed),
        ],
    }
}

/// Which table a download holds.
#[derive(Debug, Clone, Copy)]
enum Table {
    Registrants,
    Growth,
    Rates,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Registrants => "registrants",
            Table::Growth => "growth",
            Table::Rates => "rates",
        }
    }
}

pub async fn registrants_csv(state: State<AppState>, signed: Signed, query: Query) -> Response {
    download(state, signed, query, Table::Registrants).await
}

pub async fn growth_csv(state: State<AppState>, signed: Signed, query: Query) -> Response {
    download(state, signed, query, Table::Growth).await
}

pub async fn rates_csv(state: State<AppState>, signed: Signed, query: Query) -> Response {
    download(state, signed, query, Table::Rates).await
}

/// A table of the dashboard as CSV, the same figures as the page; audited like every export.
async fn download(State(state): State<AppState>, signed: Signed, Query(query): Query, table: Table) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let town = match view_of(&signed, &directory, query.get("municipality")) {
        Ok(town) => town,
        Err(refusal) => return refusal.page(lang),
    };
    let figures = match gather(&state, &signed.actor, &directory, town.as_ref(), lang).await {
        Ok(figures) => figures,
        Err(error) => return failure(lang, error),
    };
    let csv = match table {
        Table::Registrants => registrants_table(&figures, lang),
        Table::Growth => growth_table(&figures, &directory, lang),
        Table::Rates => rates_table(&figures, lang),
    };
    let view = town.as_ref().map_or("all", |c| c.as_str());
    let entry = NewAuditEntry::new(
        signed.actor.name(),
        "dashboard_export",
        format!("dashboard:{}", table.name()),
        format!("view={view}"),
    )
    .from_client(&signed.client)
    .in_municipality(town.as_ref());
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        // An export that cannot be recorded is not given out.
        tracing::error!(%error, "dashboard export not audited");
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    }
    let today = kizuna_core::time::tokyo_date(state.clock.now());
    csv.download(&format!("kizuna-{}-{view}-{}.csv", table.name(), today.format("%Y%m%d")))
}

fn registrants_table(figures: &Figures, lang: Lang) -> Csv {
    let t = |key: &str| texts::text(lang, key).into_owned();
    let mut csv = Csv::new();
    let mut heading = vec![t("console-field-municipality"), t("console-dashboard-code")];
    heading.extend(figures.categories.iter().map(|(_, name)| name.clone()));
    heading.push(t("console-dashboard-total-people"));
    csv.row(heading);
    for r in &figures.registrants {
        let mut row = vec![r.name.clone(), r.code.to_string()];
        row.extend(r.by_category.iter().chain(std::iter::once(&r.total)).map(i64::to_string));
        csv.row(row);
    }
    csv
}

fn growth_table(figures: &Figures, directory: &ReferenceData, lang: Lang) -> Csv {
    let mut csv = Csv::new();
    let mut heading = vec![texts::text(lang, "console-dashboard-month").into_owned()];
    heading.extend(figures.channels.iter().map(|c| c.label(directory, lang)));
    heading.push(texts::text(lang, "console-dashboard-total").into_owned());
    csv.row(heading);
    for (m, month) in figures.months.iter().enumerate() {
        let mut row = vec![month.format("%Y-%m").to_string()];
        row.extend(figures.growth[m].iter().map(i64::to_string));
        row.push(figures.growth_total(m).to_string());
        csv.row(row);
    }
    csv
}

fn rates_table(figures: &Figures, lang: Lang) -> Csv {
    let t = |key: &str| texts::text(lang, key).into_owned();
    let mut csv = Csv::new();
    csv.row([
        t("console-dashboard-month"),
        t("console-dashboard-messages"),
        t("console-dashboard-bounced"),
        t("console-dashboard-failed"),
        t("console-dashboard-bounce-rate"),
        t("console-dashboard-unsubscribed"),
    ]);
    for (month, r) in figures.months.iter().zip(&figures.rates) {
        csv.row([
            month.format("%Y-%m").to_string(),
            r.messages().to_string(),
            r.bounced.to_string(),
            r.failed.to_string(),
            r.bounce_rate().map_or_else(String::new, |rate| format!("{rate:.1}")),
            r.unsubscribed.to_string(),
        ]);
    }
    csv
}
