//! Downloads: the registrant list of the staff member's scope as CSV that
//! Excel opens as it was meant, and one resident's data as JSON when they ask
//! to see what is kept about them. Both are audited.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kizuna_core::time::to_tokyo;

use super::{HISTORY_LIMIT, audit, store_failure, visible, within};
use crate::console::session::Signed;
use crate::roster::export_csv;
use crate::state::AppState;

fn attachment(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response()
}

/// `GET /admin/residents/export`: every resident with a choice in scope.
pub async fn list(State(state): State<AppState>, signed: Signed) -> Response {
    let residents = match state.store.export_residents(within(&signed)).await {
        Ok(residents) => residents,
        Err(error) => return store_failure(signed.lang, error),
    };
    let detail = serde_json::json!({ "residents": residents.len() }).to_string();
    audit(&state, &signed, "residents_export", "residents".into(), detail).await;
    let scope = within(&signed).map_or_else(|| "all".to_owned(), |c| c.to_string());
    let date = to_tokyo(state.clock.now()).format("%Y%m%d");
    attachment("text/csv; charset=utf-8", &format!("residents-{scope}-{date}.csv"), export_csv(&residents))
}

/// `GET /admin/residents/{id}/export`: what is kept about one resident, within scope.
pub async fn record(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let record = match visible(&state, &signed, id).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let deliveries = match state.store.resident_deliveries(id, within(&signed), HISTORY_LIMIT * 20).await {
        Ok(deliveries) => deliveries,
        Err(error) => return store_failure(signed.lang, error),
    };
    let s = &record.subscriber;
    let data = serde_json::json!({
        "email": s.email,
        "status": s.status.as_str(),
        "language": s.language.as_str(),
        "format": s.format.as_str(),
        "charset": s.charset.as_str(),
        "emergency_only": s.emergency_only,
        "staff": s.is_staff,
        "source": s.source.as_str(),
        "source_municipality": s.source_municipality.as_ref().map(|c| c.to_string()),
        "monitor_age_band": s.monitor_age_band,
        "hard_bounces": s.hard_bounces,
        "registered_at": s.created_at.to_rfc3339(),
        "confirmed_at": s.confirmed_at.map(|at| at.to_rfc3339()),
        "suppressed": record.suppression,
        "subscriptions": record.subscriptions.iter().map(|c| serde_json::json!({
            "municipality": c.municipality.to_string(),
            "category": c.category.to_string(),
            "area_id": c.area_id,
        })).collect::<Vec<_>>(),
        "deliveries": deliveries.iter().map(|d| serde_json::json!({
            "notice_id": d.notice_id,
            "title": d.title,
            "status": d.status,
            "attempts": d.attempts,
            "queued_at": d.created_at.to_rfc3339(),
            "sent_at": d.sent_at.map(|at| at.to_rfc3339()),
        })).collect::<Vec<_>>(),
    });
    audit(&state, &signed, "resident_export", format!("resident:{id}"), "{}".into()).await;
    let body = serde_json::to_vec_pretty(&data).unwrap_or_default();
    attachment("application/json; charset=utf-8", &format!("resident-{id}.json"), body)
}
