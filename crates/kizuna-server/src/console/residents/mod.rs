//! Residents at `/admin/residents`: municipality admins see the residents who
//! chose their municipality, and of them only that municipality's choices;
//! consortium admins see everyone. Search by address (a GET form; query strings
//! are never logged), a resident's record with their deliveries and bounces,
//! changing their choices, suppressing and reactivating, the staff mark for
//! the restricted category (consortium admins), a resident's request to see or
//! erase their data, and the registrant list in and out (`import`, `export`).
//!
//! A resident who chose nothing in a municipality admin's municipality is "not
//! found" to them by any URL. Every view of a record, every search result and
//! every export is audited, naming residents by id.

pub mod changes;
pub mod export;
pub mod import;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::email::AddressQuery;
use kizuna_core::subscriber::{RegistrationSource, SubscriberStatus};
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{NewAuditEntry, ResidentDelivery, ResidentRecord, StoreError};

use super::form::{Errors, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, jst, render};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

/// Results shown for one search; more means the search should be narrower.
const SEARCH_LIMIT: i64 = 50;

/// Deliveries shown on a record.
const HISTORY_LIMIT: i64 = 50;

/// The municipality a staff member acts for, or `None` for the whole region.
pub(super) fn within(signed: &Signed) -> Option<&MunicipalityCode> {
    signed.staff.scope.municipality()
}

pub(super) async fn audit(state: &AppState, signed: &Signed, action: &str, subject: String, detail: String) {
    let entry = NewAuditEntry::new(signed.actor.name(), action, subject, detail)
        .from_client(&signed.client)
        .in_municipality(within(signed));
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

pub(super) fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "console: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

/// The resident's record as `signed` may see it; "not found" for one outside
/// their municipality, exactly as for one who does not exist.
pub(super) async fn visible(state: &AppState, signed: &Signed, id: i64) -> Result<ResidentRecord, Response> {
    match state.store.resident_record(id, within(signed)).await {
        Ok(Some(record)) => Ok(record),
        Ok(None) => Err(pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-resident-not-found")),
        Err(error) => Err(store_failure(signed.lang, error)),
    }
}

/// Whether the resident also chose municipalities outside the staff member's own.
pub(super) fn elsewhere_too(record: &ResidentRecord, signed: &Signed) -> bool {
    record.chose_elsewhere && within(signed).is_some()
}

pub(super) fn status_label(status: SubscriberStatus, lang: Lang) -> String {
    let key = match status {
        SubscriberStatus::Pending => "console-resident-status-pending",
        SubscriberStatus::Active => "console-resident-status-active",
        SubscriberStatus::Unsubscribed => "console-resident-status-unsubscribed",
        SubscriberStatus::Suppressed => "console-resident-status-suppressed",
    };
    texts::text(lang, key).into_owned()
}

fn source_label(source: RegistrationSource, lang: Lang) -> String {
    let key = match source {
        RegistrationSource::Web => "console-resident-source-web",
        RegistrationSource::WebQr => "console-resident-source-web-qr",
        RegistrationSource::EmptyMail => "console-resident-source-empty-mail",
        RegistrationSource::EmptyMailQr => "console-resident-source-empty-mail-qr",
        RegistrationSource::Import => "console-resident-source-import",
    };
    texts::text(lang, key).into_owned()
}

fn delivery_label(status: &str, lang: Lang) -> String {
    let key = match status {
        "queued" | "sending" => "console-progress-queued",
        "sent" => "console-progress-sent",
        "deferred" => "console-progress-deferred",
        "bounced" => "console-progress-bounced",
        "failed" => "console-progress-failed",
        other => return other.to_owned(),
    };
    texts::text(lang, key).into_owned()
}

fn town_names(directory: &ReferenceData, codes: &[MunicipalityCode], lang: Lang) -> String {
    let separator = if lang == Lang::JA { "、" } else { ", " };
    codes
        .iter()
        .map(|c| directory.municipality(c).map_or_else(|| c.to_string(), |m| m.name(lang).to_owned()))
        .collect::<Vec<_>>()
        .join(separator)
}

pub struct MatchRow {
    pub href: String,
    pub email: String,
    pub status: String,
    pub towns: String,
}

#[derive(Template)]
#[template(path = "console/residents.html")]
struct SearchPage {
    frame: ConsoleFrame,
    errors: Errors,
    query: String,
    searched: bool,
    rows: Vec<MatchRow>,
    more: bool,
}

/// `GET /admin/residents?q=…`: the search form, and its results when asked.
pub async fn search(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let asked = query.get("q").to_owned();
    let mut errors = Errors::default();
    let mut rows = Vec::new();
    let mut more = false;
    let searched = !asked.trim().is_empty();
    if searched {
        match AddressQuery::parse(&asked) {
            None => errors.add("q", texts::text(lang, "console-residents-query-invalid")),
            Some(address) => {
                let found = match state.store.search_residents(address.as_str(), within(&signed), SEARCH_LIMIT).await {
                    Ok(found) => found,
                    Err(error) => return store_failure(lang, error),
                };
                more = found.len() as i64 >= SEARCH_LIMIT;
                let ids: Vec<i64> = found.iter().map(|m| m.subscriber.id).collect();
                audit(
                    &state,
                    &signed,
                    "residents_search",
                    "residents".into(),
                    serde_json::json!({ "results": ids.len(), "residents": ids }).to_string(),
                )
                .await;
                rows = found
                    .into_iter()
                    .map(|m| MatchRow {
                        href: format!("/admin/residents/{}", m.subscriber.id),
                        status: status_label(m.subscriber.status, lang),
                        towns: town_names(&directory, &m.municipalities, lang),
                        email: m.subscriber.email,
                    })
                    .collect();
            }
        }
    }
    let title = texts::text(lang, "console-residents-title").into_owned();
    let page = SearchPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/residents")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        errors,
        query: asked,
        searched,
        rows,
        more,
    };
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(status, &page)
}

pub struct Fact {
    pub label: String,
    pub value: String,
}

/// One municipality's categories, ticked where the resident chose them.
pub struct TownChoices {
    pub name: String,
    pub choices: Vec<CategoryChoice>,
}

pub struct CategoryChoice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub restricted: bool,
    pub checked: bool,
}

pub struct DeliveryRow {
    pub href: String,
    pub title: String,
    pub status: String,
    pub when: String,
    pub attempts: i64,
    pub reply: String,
}

#[derive(Template)]
#[template(path = "console/resident.html")]
struct RecordPage {
    frame: ConsoleFrame,
    errors: Errors,
    id: i64,
    email: String,
    facts: Vec<Fact>,
    chose_elsewhere: bool,
    towns: Vec<TownChoices>,
    deliveries: Vec<DeliveryRow>,
    bounces: Vec<DeliveryRow>,
    hard_bounces: i64,
    may_suppress: bool,
    /// Mail goes to the address (which only a consortium admin may stop when
    /// other towns' choices go there too).
    active: bool,
    may_reactivate: bool,
    may_mark_staff: bool,
    is_staff: bool,
}

/// The choices `signed` may see and change for a record: their municipality's
/// (or every one), every public category, and the restricted ones for those
/// who may give the staff mark.
pub(super) fn town_choices(
    directory: &ReferenceData,
    signed: &Signed,
    chosen: &[(String, String)],
    lang: Lang,
) -> Vec<TownChoices> {
    let restricted_too = signed.staff.role.has(kizuna_core::staff::Duty::RestrictedCategory);
    directory
        .municipalities
        .iter()
        .filter(|m| signed.staff.scope.covers(&m.code))
        .map(|m| TownChoices {
            name: m.name(lang).to_owned(),
            choices: directory
                .categories
                .iter()
                .filter(|c| restricted_too || !c.restricted)
                .map(|c| {
                    let pair = (m.code.to_string(), c.key.to_string());
                    CategoryChoice {
                        id: format!("choice-{}-{}", m.code, c.key),
                        value: format!("{}:{}", m.code, c.key),
                        label: c.name(lang).to_owned(),
                        restricted: c.restricted,
                        checked: chosen.contains(&pair),
                    }
                })
                .collect(),
        })
        .collect()
}

fn delivery_row(d: &ResidentDelivery, lang: Lang) -> DeliveryRow {
    DeliveryRow {
        href: format!("/admin/notices/{}", d.notice_id),
        title: d.title.clone(),
        status: delivery_label(&d.status, lang),
        when: jst(d.sent_at.unwrap_or(d.created_at), lang),
        attempts: d.attempts,
        reply: d.last_reply.clone().unwrap_or_default(),
    }
}

pub(super) async fn record_page(
    state: &AppState,
    signed: &Signed,
    record: &ResidentRecord,
    status: StatusCode,
    errors: Errors,
    banner: Option<String>,
) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let s = &record.subscriber;
    let deliveries = match state.store.resident_deliveries(s.id, within(signed), HISTORY_LIMIT).await {
        Ok(deliveries) => deliveries,
        Err(error) => return store_failure(lang, error),
    };
    let t = |key: &str| texts::text(lang, key).into_owned();
    let yes_no = |value: bool| t(if value { "console-yes" } else { "console-no" });
    let mut facts = vec![
        Fact { label: t("console-field-status"), value: status_label(s.status, lang) },
        Fact { label: t("console-resident-registered"), value: jst(s.created_at, lang) },
        Fact {
            label: t("console-resident-confirmed"),
            value: s.confirmed_at.map(|at| jst(at, lang)).unwrap_or_default(),
        },
        Fact { label: t("console-resident-source"), value: source_label(s.source, lang) },
        Fact {
            label: t("console-resident-language"),
            value: t(if s.language == Lang::EN {
                "console-resident-language-en"
            } else {
                "console-resident-language-ja"
            }),
        },
        Fact { label: t("console-resident-emergency-only"), value: yes_no(s.emergency_only) },
        Fact {
            label: t("console-resident-old-phones"),
            value: yes_no(s.charset == kizuna_core::subscriber::Charset::Iso2022Jp),
        },
        Fact { label: t("console-resident-staff"), value: yes_no(s.is_staff) },
    ];
    // The monitor profile: this page is for admins only, and its every view is audited.
    let profile = match state.store.monitor_profile(s.id).await {
        Ok(profile) => profile,
        Err(error) => return store_failure(lang, error),
    };
    match (&profile, &s.monitor_age_band) {
        (Some(p), _) => {
            let place = match p.area_id {
                Some(area) => directory.area_label(area, lang).unwrap_or_default(),
                None => directory.municipality(&p.municipality).map_or_else(String::new, |m| m.name(lang).to_owned()),
            };
            let not_given = || t("monitor-not-given");
            facts.push(Fact { label: t("console-resident-age-band"), value: p.age_band.label(lang) });
            facts.push(Fact { label: t("console-resident-monitor-place"), value: place });
            facts.push(Fact {
                label: t("console-resident-monitor-gender"),
                value: p.gender.map_or_else(not_given, |g| g.label(lang)),
            });
            facts.push(Fact {
                label: t("console-resident-monitor-occupation"),
                value: p.occupation.map_or_else(not_given, |o| o.label(lang)),
            });
        }
        (None, Some(band)) => facts.push(Fact { label: t("console-resident-age-band"), value: band.clone() }),
        (None, None) => {}
    }
    if let Some(reason) = &record.suppression {
        facts.push(Fact { label: t("console-resident-suppression"), value: suppression_label(reason, lang) });
    }
    let chosen: Vec<(String, String)> =
        record.subscriptions.iter().map(|c| (c.municipality.to_string(), c.category.to_string())).collect();
    let page = RecordPage {
        frame: ConsoleFrame::signed(signed, &directory, s.email.clone(), "/admin/residents").with_banner(banner),
        errors,
        id: s.id,
        email: s.email.clone(),
        facts,
        chose_elsewhere: elsewhere_too(record, signed),
        towns: town_choices(&directory, signed, &chosen, lang),
        bounces: deliveries.iter().filter(|d| d.status == "bounced").map(|d| delivery_row(d, lang)).collect(),
        deliveries: deliveries.iter().map(|d| delivery_row(d, lang)).collect(),
        hard_bounces: s.hard_bounces,
        may_suppress: s.status == SubscriberStatus::Active && !elsewhere_too(record, signed),
        active: s.status == SubscriberStatus::Active,
        may_reactivate: s.status == SubscriberStatus::Suppressed,
        may_mark_staff: signed.staff.role.has(kizuna_core::staff::Duty::RestrictedCategory),
        is_staff: s.is_staff,
    };
    render(status, &page)
}

fn suppression_label(reason: &str, lang: Lang) -> String {
    let key = match reason {
        "bounced" => "console-resident-suppressed-bounced",
        "staff" => "console-resident-suppressed-staff",
        "erased" => "console-resident-suppressed-erased",
        "unsubscribed" => "console-resident-suppressed-unsubscribed",
        other => return other.to_owned(),
    };
    texts::text(lang, key).into_owned()
}

/// `GET /admin/residents/{id}`: the record, audited as a view.
pub async fn record(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Query(query): Query,
) -> Response {
    let record = match visible(&state, &signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    audit(&state, &signed, "resident_view", format!("resident:{id}"), "{}".into()).await;
    let banner = pages::banner(signed.lang, Some(query.get("done")));
    record_page(&state, &signed, &record, StatusCode::OK, Errors::default(), banner).await
}
