//! Importing a registrant list at the console, with the rules of `kizuna
//! subscribers import`: upload the file (UTF-8, with or without a BOM, or
//! Shift_JIS as Excel saves "CSV"), see what will happen — new, already
//! registered, not to be mailed, and every rejected row with its line and
//! reason — then import. Nothing is imported while rows are rejected unless the
//! operator ticks "skip the rejected rows". A municipality admin imports only
//! into their own municipality.
//!
//! The preview carries the list (decoded) in its form, so the import reads
//! exactly what was previewed, again under the same rules, and no upload is
//! kept on the server between the two steps.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::import::{ImportRules, ListError, RowError};
use kizuna_core::lang::Explain;

use super::{audit, store_failure, within};
use crate::console::form::{Errors, Fields};
use crate::console::frame::ConsoleFrame;
use crate::console::multipart::Upload;
use crate::console::pages::render;
use crate::console::session::Signed;
use crate::roster::{self, ImportError, Reading, Tally};
use crate::state::AppState;
use crate::texts;

/// Rejected rows listed on the preview; the rest are counted.
const REJECTED_SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "console/residents_import.html")]
struct FormPage {
    frame: ConsoleFrame,
    errors: Errors,
    town: String,
}

fn frame(state: &AppState, signed: &Signed, key: &'static str) -> ConsoleFrame {
    let directory = state.directory.current();
    ConsoleFrame::signed(signed, &directory, texts::text(signed.lang, key).into_owned(), "/admin/residents")
}

fn form_page(state: &AppState, signed: &Signed, status: StatusCode, errors: Errors) -> Response {
    let directory = state.directory.current();
    let lang = signed.lang;
    let town = match within(signed) {
        Some(code) => directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned()),
        None => texts::text(lang, "console-scope-all").into_owned(),
    };
    let page = FormPage { frame: frame(state, signed, "console-import-title"), errors, town };
    render(status, &page)
}

/// `GET /admin/residents/import`: the upload form.
pub async fn form(State(state): State<AppState>, signed: Signed) -> Response {
    form_page(&state, &signed, StatusCode::OK, Errors::default())
}

fn read(state: &AppState, signed: &Signed, bytes: &[u8]) -> Result<Reading, ListError> {
    let directory = state.directory.current();
    let rules = ImportRules {
        members: &directory.municipalities,
        categories: &directory.categories,
        scope: &signed.staff.scope,
    };
    roster::read(bytes, &rules, within(signed))
}

fn list_error(state: &AppState, signed: &Signed, error: &ListError) -> Response {
    let mut errors = Errors::default();
    errors.add("file", error.explain(signed.lang));
    form_page(state, signed, StatusCode::UNPROCESSABLE_ENTITY, errors)
}

pub struct RejectedRow {
    pub line: usize,
    pub column: &'static str,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "console/residents_preview.html")]
struct PreviewPage {
    frame: ConsoleFrame,
    errors: Errors,
    filename: String,
    encoding: String,
    total: usize,
    new: usize,
    known: usize,
    stopped: usize,
    stopped_lines: String,
    rejected: Vec<RejectedRow>,
    rejected_count: usize,
    rejected_more: usize,
    text: String,
}

fn lines(lines: &[usize]) -> String {
    let mut shown: Vec<String> = lines.iter().take(100).map(ToString::to_string).collect();
    if lines.len() > 100 {
        shown.push("…".into());
    }
    shown.join(", ")
}

fn rejected_rows(rejected: &[RowError], lang: Lang) -> Vec<RejectedRow> {
    rejected
        .iter()
        .take(REJECTED_SHOWN)
        .map(|e| RejectedRow { line: e.line, column: e.column, reason: e.problem.explain(lang) })
        .collect()
}

async fn preview_page(
    state: &AppState,
    signed: &Signed,
    reading: &Reading,
    text: String,
    filename: String,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let tally = match roster::preview(&state.store, reading, within(signed)).await {
        Ok(tally) => tally,
        Err(error) => return store_failure(signed.lang, error),
    };
    if errors.is_empty() {
        let detail = tally.detail(reading.total, reading.rejected.len(), false);
        audit(state, signed, "residents_import_preview", "residents".into(), detail).await;
    }
    let page = PreviewPage {
        frame: frame(state, signed, "console-import-preview-title"),
        errors,
        filename,
        encoding: reading.encoding.label().to_owned(),
        total: reading.total,
        new: tally.added(),
        known: tally.known.len(),
        stopped: tally.stopped.len(),
        stopped_lines: lines(&tally.stopped),
        rejected: rejected_rows(&reading.rejected, signed.lang),
        rejected_count: reading.rejected.len(),
        rejected_more: reading.rejected.len().saturating_sub(REJECTED_SHOWN),
        text,
    };
    render(status, &page)
}

/// `POST /admin/residents/import` (multipart): the file, read and previewed.
pub async fn upload(State(state): State<AppState>, signed: Signed, upload: Upload) -> Response {
    let Some(file) = upload.file("file") else {
        let mut errors = Errors::default();
        errors.add("file", texts::text(signed.lang, "console-import-file-missing"));
        return form_page(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, errors);
    };
    let reading = match read(&state, &signed, &file.data) {
        Ok(reading) => reading,
        Err(error) => return list_error(&state, &signed, &error),
    };
    // The text as read, without the BOM, for the form to carry to the import.
    let text = match kizuna_core::import::decode(&file.data) {
        Ok((text, _)) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(error) => return list_error(&state, &signed, &error),
    };
    let filename = file.filename.clone().unwrap_or_default();
    preview_page(&state, &signed, &reading, text, filename, StatusCode::OK, Errors::default()).await
}

#[derive(Template)]
#[template(path = "console/residents_imported.html")]
struct DonePage {
    frame: ConsoleFrame,
    added: usize,
    known: usize,
    stopped: usize,
    skipped: usize,
}

/// `POST /admin/residents/import/confirm`: the previewed list, imported.
pub async fn confirm(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let lang = signed.lang;
    let text = form.get("csv").to_owned();
    let filename = form.get("filename").chars().take(200).collect::<String>();
    let reading = match read(&state, &signed, text.as_bytes()) {
        Ok(reading) => reading,
        Err(error) => return list_error(&state, &signed, &error),
    };
    let skip = form.get("skip_rejected") == "yes";
    let clock = state.clock.clone();
    let result =
        roster::import(&state.store, &reading, within(&signed), skip, || clock.now(), usize::MAX, |_, _| {}).await;
    let tally: Tally = match result {
        Ok(tally) => tally,
        Err(ImportError::Rejected(_)) => {
            let mut errors = Errors::default();
            errors.add("skip_rejected", texts::text(lang, "console-import-rejected-unskipped"));
            return preview_page(&state, &signed, &reading, text, filename, StatusCode::UNPROCESSABLE_ENTITY, errors)
                .await;
        }
        Err(ImportError::Store(error)) => return store_failure(lang, error),
    };
    let mut detail = tally.detail(reading.total, reading.rejected.len(), skip);
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&detail) {
        value["file"] = serde_json::Value::String(filename);
        detail = value.to_string();
    }
    audit(&state, &signed, "residents_import", "residents".into(), detail).await;
    let page = DonePage {
        frame: frame(&state, &signed, "console-import-done-title"),
        added: tally.added(),
        known: tally.known.len(),
        stopped: tally.stopped.len(),
        skipped: reading.rejected.len(),
    };
    render(StatusCode::OK, &page)
}
