//! `/admin/surveys` (municipality admins for their town, consortium admins for
//! the region): the よいまちモニター panel's size per municipality, area and age
//! band, and the surveys within one's reach.

mod breakdown;
pub mod create;
pub mod paper;
pub mod results;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::survey::AgeBand;
use kizuna_store::{PanelCount, StoreError};

use super::frame::ConsoleFrame;
use super::pages::{self, jst, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::surveys::service;
use crate::texts;

/// One row of a town's panel: an area (or the whole town) and its members per age band.
pub struct PanelRow {
    pub place: String,
    pub bands: Vec<i64>,
    pub total: i64,
}

/// One town's panel.
pub struct PanelTable {
    /// The town and how many monitors it has.
    pub caption: String,
    pub rows: Vec<PanelRow>,
    pub bands: Vec<i64>,
    pub total: i64,
}

pub struct SurveyRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub opens: String,
    pub closes: String,
}

#[derive(Template)]
#[template(path = "console/surveys.html")]
struct SurveysPage {
    frame: ConsoleFrame,
    band_labels: Vec<String>,
    panels: Vec<PanelTable>,
    surveys: Vec<SurveyRow>,
}

fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "surveys: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

/// The panel of each town within reach, even a town with nobody in it yet.
fn panel_tables(directory: &ReferenceData, signed: &Signed, counts: &[PanelCount], lang: Lang) -> Vec<PanelTable> {
    let band_index = |band: AgeBand| AgeBand::ALL.iter().position(|b| *b == band).unwrap_or_default();
    directory
        .municipalities
        .iter()
        .filter(|m| signed.actor.scope().covers(&m.code))
        .map(|m| {
            let mine: Vec<&PanelCount> = counts.iter().filter(|c| c.municipality == m.code).collect();
            let mut places: Vec<Option<i64>> = vec![None];
            places.extend(directory.areas_of(&m.code).map(|a| Some(a.id)));
            let rows: Vec<PanelRow> = places
                .into_iter()
                .map(|area| {
                    let mut bands = vec![0; AgeBand::ALL.len()];
                    for count in mine.iter().filter(|c| c.area_id == area) {
                        bands[band_index(count.age_band)] += count.members;
                    }
                    let place = match area {
                        None => texts::text(lang, "console-panel-no-area").into_owned(),
                        Some(id) => directory.area_label(id, lang).unwrap_or_default(),
                    };
                    PanelRow { place, total: bands.iter().sum(), bands }
                })
                .collect();
            let bands: Vec<i64> = (0..AgeBand::ALL.len()).map(|i| rows.iter().map(|r| r.bands[i]).sum()).collect();
            let total: i64 = bands.iter().sum();
            let caption = texts::format(
                lang,
                "console-panel-caption",
                &[("town", m.name(lang).to_owned().into()), ("total", total.into())],
            )
            .into_owned();
            PanelTable { caption, total, rows, bands }
        })
        .collect()
}

pub async fn page(State(state): State<AppState>, signed: Signed) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let counts = match state.store.panel_counts().await {
        Ok(counts) => counts,
        Err(error) => return store_failure(lang, error),
    };
    let surveys = match service::list(&state, signed.actor.scope()).await {
        Ok(surveys) => surveys,
        Err(error) => return store_failure(lang, error),
    };
    let now = state.clock.now();
    let title = texts::text(lang, "console-surveys-title").into_owned();
    let page = SurveysPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/surveys"),
        band_labels: AgeBand::ALL.iter().map(|b| b.label(lang)).collect(),
        panels: panel_tables(&directory, &signed, &counts, lang),
        surveys: surveys
            .into_iter()
            .map(|s| SurveyRow {
                id: s.id,
                status: texts::text(
                    lang,
                    if s.is_closed(now) {
                        "console-survey-closed"
                    } else if s.opens_at > now {
                        "console-survey-scheduled"
                    } else {
                        "console-survey-open"
                    },
                )
                .into_owned(),
                opens: jst(s.opens_at, lang),
                closes: s
                    .closing()
                    .map_or_else(|| texts::text(lang, "console-survey-no-closing").into_owned(), |at| jst(at, lang)),
                title: s.title,
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}
