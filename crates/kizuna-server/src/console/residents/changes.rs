//! Changes to one resident's record: their choices (within the staff member's
//! municipality; every other choice is kept as it was), suppressing and
//! reactivating the address, the staff mark for the restricted category, and
//! erasing at the resident's request after a confirmation page. Each is audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::staff::Duty;
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::{Erasure, StoreError, Subscription};

use super::{audit, elsewhere_too, record_page, store_failure, visible, within};
use crate::console::form::{Errors, Fields};
use crate::console::frame::ConsoleFrame;
use crate::console::pages::{self, render};
use crate::console::session::Signed;
use crate::state::AppState;
use crate::texts;

fn pairs(subscriptions: &[Subscription]) -> Vec<String> {
    let mut out: Vec<String> = subscriptions.iter().map(|c| format!("{}:{}", c.municipality, c.category)).collect();
    out.dedup();
    out
}

/// `POST /admin/residents/{id}/subscriptions`: the ticked `choice=CODE:KEY`
/// boxes become the resident's choices within the staff member's reach; a
/// choice kept keeps its areas.
pub async fn subscriptions(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    form: Fields,
) -> Response {
    let lang = signed.lang;
    let record = match visible(&state, &signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let directory = state.directory.current();
    let restricted_too = signed.staff.role.has(Duty::RestrictedCategory);
    let mut chosen: Vec<Subscription> = Vec::new();
    let mut refused = false;
    for value in form.all("choice") {
        let parsed = value
            .split_once(':')
            .and_then(|(code, key)| Some((MunicipalityCode::parse(code).ok()?, CategoryKey::parse(key).ok()?)));
        let allowed = parsed.filter(|(code, key)| {
            signed.staff.scope.covers(code)
                && directory.municipality(code).is_some()
                && directory.category(key).is_some_and(|c| restricted_too || !c.restricted)
        });
        let Some((municipality, category)) = allowed else {
            refused = true;
            continue;
        };
        let kept: Vec<&Subscription> =
            record.subscriptions.iter().filter(|c| c.municipality == municipality && c.category == category).collect();
        if kept.is_empty() {
            chosen.push(Subscription { municipality, category, area_id: None });
        } else {
            chosen.extend(kept.into_iter().cloned());
        }
    }
    if refused {
        let mut errors = Errors::default();
        errors.add("choices", texts::text(lang, "console-resident-choice-refused"));
        return record_page(&state, &signed, &record, StatusCode::UNPROCESSABLE_ENTITY, errors, None).await;
    }
    let now = state.clock.now();
    match state.store.replace_subscriptions_within(id, within(&signed), restricted_too, &chosen, now).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => {
            return pages::refused(lang, StatusCode::NOT_FOUND, "console-resident-not-found");
        }
        Err(error) => return store_failure(lang, error),
    }
    chosen.sort();
    let detail = serde_json::json!({ "before": pairs(&record.subscriptions), "after": pairs(&chosen) }).to_string();
    audit(&state, &signed, "resident_subscriptions", format!("resident:{id}"), detail).await;
    if chosen.is_empty() && within(&signed).is_some() {
        // Nothing of theirs is left in the municipality: the record is no longer theirs to see.
        return pages::done("/admin/residents", "resident-saved");
    }
    pages::done(&format!("/admin/residents/{id}"), "resident-saved")
}

async fn set_suppressed(state: AppState, signed: Signed, id: i64, suppressed: bool) -> Response {
    let record = match visible(&state, &signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    if suppressed && elsewhere_too(&record, &signed) {
        // Stopping the address would stop the other towns' mail, which is not theirs to stop.
        return pages::refused(signed.lang, StatusCode::FORBIDDEN, "console-resident-suppress-elsewhere");
    }
    match state.store.set_resident_suppressed(id, suppressed, state.clock.now()).await {
        Ok(true) => {}
        Ok(false) => return pages::refused(signed.lang, StatusCode::CONFLICT, "console-resident-state-changed"),
        Err(StoreError::NotFound) => {
            return pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-resident-not-found");
        }
        Err(error) => return store_failure(signed.lang, error),
    }
    let action = if suppressed { "resident_suppress" } else { "resident_reactivate" };
    audit(&state, &signed, action, format!("resident:{id}"), "{}".into()).await;
    pages::done(
        &format!("/admin/residents/{id}"),
        if suppressed { "resident-suppressed" } else { "resident-reactivated" },
    )
}

/// `POST /admin/residents/{id}/suppress`: no more mail to the address at all.
pub async fn suppress(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    set_suppressed(state, signed, id, true).await
}

/// `POST /admin/residents/{id}/reactivate`: mail again, bounces counted afresh.
pub async fn reactivate(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    set_suppressed(state, signed, id, false).await
}

/// `POST /admin/residents/{id}/staff` (`staff=yes|no`): the mark that lets a
/// resident receive the restricted category. Consortium admins only (the gate).
pub async fn staff(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let record = match visible(&state, &signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let is_staff = match form.get("staff") {
        "yes" => true,
        "no" => false,
        _ => {
            let mut errors = Errors::default();
            errors.add("staff", texts::text(signed.lang, "console-resident-staff-missing"));
            return record_page(&state, &signed, &record, StatusCode::UNPROCESSABLE_ENTITY, errors, None).await;
        }
    };
    if let Err(error) = state.store.set_subscriber_staff(&record.subscriber.email, is_staff, state.clock.now()).await {
        return store_failure(signed.lang, error);
    }
    let detail = serde_json::json!({ "staff": [record.subscriber.is_staff, is_staff] }).to_string();
    audit(&state, &signed, "resident_staff_mark", format!("resident:{id}"), detail).await;
    pages::done(&format!("/admin/residents/{id}"), "resident-staff")
}

#[derive(Template)]
#[template(path = "console/resident_erase.html")]
struct ErasePage {
    frame: ConsoleFrame,
    errors: Errors,
    id: i64,
    email: String,
    partial: bool,
}

async fn erase_form(state: &AppState, signed: &Signed, id: i64, status: StatusCode, errors: Errors) -> Response {
    let record = match visible(state, signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let directory = state.directory.current();
    let lang = signed.lang;
    let page = ErasePage {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(lang, "console-resident-erase-title").into_owned(),
            "/admin/residents",
        ),
        errors,
        id,
        email: record.subscriber.email.clone(),
        partial: record.chose_elsewhere && within(signed).is_some(),
    };
    render(status, &page)
}

/// `GET /admin/residents/{id}/erase`: what erasing removes, and a box to tick.
pub async fn erase_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    erase_form(&state, &signed, id, StatusCode::OK, Errors::default()).await
}

/// `POST /admin/residents/{id}/erase` with `confirm`: the resident asked to be forgotten.
pub async fn erase(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let lang = signed.lang;
    if form.get("confirm") != "yes" {
        let mut errors = Errors::default();
        errors.add("confirm", texts::text(lang, "console-resident-erase-unconfirmed"));
        return erase_form(&state, &signed, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    if let Err(response) = visible(&state, &signed, id).await {
        return response;
    }
    let erasure = match state.store.erase_resident_within(id, within(&signed), state.clock.now()).await {
        Ok(erasure) => erasure,
        Err(StoreError::NotFound) => return pages::refused(lang, StatusCode::NOT_FOUND, "console-resident-not-found"),
        Err(error) => return store_failure(lang, error),
    };
    let whole = erasure == Erasure::Whole;
    audit(
        &state,
        &signed,
        "resident_erase",
        format!("resident:{id}"),
        serde_json::json!({ "whole": whole }).to_string(),
    )
    .await;
    pages::done("/admin/residents", if whole { "resident-erased" } else { "resident-erased-here" })
}
