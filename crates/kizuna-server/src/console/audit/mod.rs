//! `/admin/audit`, the audit log (municipality and consortium admins): who did
//! what, when, from where, filtered by person, municipality, action and date
//! with a GET form, fifty entries a page, newest first; and its CSV export,
//! itself audited. A municipality admin sees their own municipality's entries
//! only: those about it and those its own staff made.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::staff::Scope;
use kizuna_store::{AuditEntry, AuditFilter, NewAuditEntry, StoreError};

use super::csv::Csv;
use super::form::{Errors, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, jst, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

mod filter;

use filter::{PAGE, Refusal, Typed};

/// The most entries one CSV file holds; a narrower filter gets the rest.
const EXPORT_MAX: usize = 100_000;

pub struct EntryRow {
    pub at: String,
    pub person: String,
    /// The action in plain words.
    pub action: String,
    /// The action as stored, which the filter takes.
    pub code: String,
    pub subject: String,
    pub municipality: String,
    pub detail: String,
    pub client: String,
}

pub struct TownChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    frame: ConsoleFrame,
    errors: Errors,
    typed: Typed,
    towns: Vec<TownChoice>,
    people: Vec<String>,
    rows: Vec<EntryRow>,
    searched: bool,
    export: String,
    next: Option<String>,
    first: Option<String>,
}

fn refusal(lang: Lang, refusal: Refusal) -> Response {
    match refusal {
        Refusal::OtherMunicipality => pages::refused(lang, StatusCode::NOT_FOUND, "console-error-page-not-found"),
        Refusal::Store(error) => store_failure(lang, error),
    }
}

fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "audit log: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

/// Staff accounts by actor name (`staff:ID` → address), to say who did it.
async fn people(state: &AppState) -> Result<HashMap<String, String>, StoreError> {
    let staff = state.store.list_staff(None).await?;
    Ok(staff.into_iter().map(|s| (format!("staff:{}", s.id), s.email.to_string())).collect())
}

/// What an action code means, in plain words; the code itself where there are none.
fn action_words(code: &str, lang: Lang) -> String {
    crate::texts::text_if_any(lang, &format!("audit-action-{}", code.replace('_', "-")))
        .map_or_else(|| code.to_owned(), |words| words.into_owned())
}

fn row(entry: &AuditEntry, people: &HashMap<String, String>, directory: &ReferenceData, lang: Lang) -> EntryRow {
    EntryRow {
        at: jst(entry.at, lang),
        person: people.get(&entry.actor).cloned().unwrap_or_else(|| entry.actor.clone()),
        action: action_words(&entry.action, lang),
        code: entry.action.clone(),
        subject: entry.subject.clone(),
        municipality: entry
            .municipality
            .as_ref()
            .map(|code| directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned()))
            .unwrap_or_default(),
        detail: entry.detail.clone(),
        client: entry.client_address.clone().unwrap_or_default(),
    }
}

pub async fn page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let typed = Typed::of(&query);
    let before = query.get("before").parse::<i64>().ok();
    let filter = match filter::read(&state, &signed.staff.scope, &directory, &typed, before, lang).await {
        Ok(filter) => filter,
        Err(r) => return refusal(lang, r),
    };
    let people = match people(&state).await {
        Ok(people) => people,
        Err(error) => return store_failure(lang, error),
    };
    let (status, errors, rows, next) = match filter {
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), None),
        Ok(filter) => {
            // One more than shown tells whether an older page follows.
            let asked = AuditFilter { limit: PAGE + 1, ..filter };
            let mut entries = match state.store.search_audit(&asked).await {
                Ok(entries) => entries,
                Err(error) => return store_failure(lang, error),
            };
            let more = entries.len() > PAGE as usize;
            entries.truncate(PAGE as usize);
            let keep = typed.query_string();
            let next = more.then(|| entries.last().map(|e| e.id)).flatten().map(|id| {
                let separator = if keep.is_empty() { "" } else { "&" };
                format!("/admin/audit?{keep}{separator}before={id}")
            });
            let rows = entries.iter().map(|e| row(e, &people, &directory, lang)).collect();
            (StatusCode::OK, Errors::default(), rows, next)
        }
    };
    let towns = match &signed.staff.scope {
        Scope::AllMunicipalities => std::iter::once(TownChoice {
            value: String::new(),
            label: texts::text(lang, "console-scope-all").into_owned(),
            selected: typed.municipality.is_empty(),
        })
        .chain(directory.municipalities.iter().map(|m| TownChoice {
            value: m.code.to_string(),
            label: m.name(lang).to_owned(),
            selected: typed.municipality == m.code.as_str(),
        }))
        .collect(),
        Scope::Municipality(_) => Vec::new(),
    };
    let mut addresses: Vec<String> = match &signed.staff.scope {
        Scope::AllMunicipalities => people.values().cloned().collect(),
        Scope::Municipality(own) => match state.store.list_staff(Some(own)).await {
            Ok(staff) => staff.into_iter().map(|s| s.email.to_string()).collect(),
            Err(error) => return store_failure(lang, error),
        },
    };
    addresses.sort();
    let keep = typed.query_string();
    let title = texts::text(lang, "console-audit-title").into_owned();
    let page = AuditPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/audit"),
        errors,
        towns,
        people: addresses,
        rows,
        searched: !keep.is_empty() || before.is_some(),
        export: if keep.is_empty() { "/admin/audit.csv".to_owned() } else { format!("/admin/audit.csv?{keep}") },
        next,
        first: before.map(|_| if keep.is_empty() { "/admin/audit".to_owned() } else { format!("/admin/audit?{keep}") }),
        typed,
    };
    render(status, &page)
}

/// Every entry the filter matches (up to [`EXPORT_MAX`]) as CSV. The export is
/// recorded before a single entry leaves: one that cannot be recorded is refused.
pub async fn csv(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let typed = Typed::of(&query);
    let filter = match filter::read(&state, &signed.staff.scope, &directory, &typed, None, lang).await {
        Ok(Ok(filter)) => filter,
        Ok(Err(_)) => return pages::refused(lang, StatusCode::UNPROCESSABLE_ENTITY, "console-audit-error-filter"),
        Err(r) => return refusal(lang, r),
    };
    let detail = if typed.query_string().is_empty() { "filter=none".to_owned() } else { typed.query_string() };
    let entry = NewAuditEntry::new(signed.actor.name(), "audit_export", "audit_log", detail)
        .from_client(&signed.client)
        .in_municipality(filter.municipality.as_ref());
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        return store_failure(lang, error);
    }
    let people = match people(&state).await {
        Ok(people) => people,
        Err(error) => return store_failure(lang, error),
    };
    let t = |key: &str| texts::text(lang, key).into_owned();
    let mut csv = Csv::new();
    csv.row([
        t("console-audit-at"),
        t("console-audit-person"),
        t("console-audit-action"),
        t("console-audit-subject"),
        t("console-field-municipality"),
        t("console-audit-detail"),
        t("console-audit-client"),
    ]);
    let mut written = 0usize;
    let mut page = AuditFilter { limit: 1_000, ..filter };
    loop {
        let entries = match state.store.search_audit(&page).await {
            Ok(entries) => entries,
            Err(error) => return store_failure(lang, error),
        };
        for e in &entries {
            let r = row(e, &people, &directory, lang);
            csv.row([
                kizuna_core::time::rfc3339_tokyo(e.at),
                r.person,
                r.action,
                r.subject,
                r.municipality,
                r.detail,
                r.client,
            ]);
        }
        written += entries.len();
        match entries.last() {
            Some(last) if entries.len() as i64 == page.limit && written < EXPORT_MAX => page.before = Some(last.id),
            _ => break,
        }
    }
    let today = kizuna_core::time::tokyo_date(state.clock.now());
    csv.download(&format!("kizuna-audit-{}.csv", today.format("%Y%m%d")))
}
