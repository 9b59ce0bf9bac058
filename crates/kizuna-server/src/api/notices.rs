//! The notice and statistics endpoints: request bodies parsed into domain types,
//! one service call each, and the JSON shapes they answer with.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::{DeliveryCounts, Notice, SubscriberCount};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{ApiCaller, ApiJson, ApiQuery, NoticeId, idempotency_key};
use super::service::{self, Command, CorrectionText, ListRequest, NoticeDraft, NoticePage, NoticeReport};
use crate::state::AppState;

/// At most this many municipalities or areas in one notice.
pub const MAX_TARGETS: usize = 50;
/// Notices per page unless `limit` says otherwise, and the most it may say.
pub const DEFAULT_PAGE: i64 = 20;
pub const MAX_PAGE: i64 = 100;

/// The body of `POST /api/v1/notices`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNoticeBody {
    title: String,
    body: String,
    category: String,
    municipalities: Vec<String>,
    urgency: String,
    areas: Option<Vec<i64>>,
    exercise: Option<bool>,
    expires_at: Option<String>,
    title_en: Option<String>,
    body_en: Option<String>,
    send_at: Option<String>,
}

/// The body of `POST /api/v1/notices/{id}/correct`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    title: String,
    body: String,
    title_en: Option<String>,
    body_en: Option<String>,
}

fn text_error(error: kizuna_core::text::TextError, field: &str) -> ApiError {
    ApiError::invalid("invalid_text", field, error.to_string())
}

fn title(input: &str, field: &'static str) -> Result<NoticeTitle, ApiError> {
    NoticeTitle::parse_field(input, field).map_err(|e| text_error(e, field))
}

fn body(input: &str, field: &'static str) -> Result<NoticeBody, ApiError> {
    NoticeBody::parse_field(input, field).map_err(|e| text_error(e, field))
}

/// An RFC 3339 time, kept to the microsecond both databases store.
fn time(input: &str, field: &'static str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(input.trim())
        .ok()
        .and_then(|at| DateTime::from_timestamp_micros(at.timestamp_micros()))
        .ok_or_else(|| {
            ApiError::invalid(
                "invalid_time",
                field,
                format!("{input:?} is not an RFC 3339 time such as 2026-11-25T14:00:00+09:00"),
            )
        })
}

impl TryFrom<NewNoticeBody> for NoticeDraft {
    type Error = ApiError;

    fn try_from(input: NewNoticeBody) -> Result<Self, ApiError> {
        let too_many = |field: &str| {
            ApiError::invalid("invalid_field", field, format!("{field} may name at most {MAX_TARGETS} entries"))
        };
        if input.municipalities.is_empty() {
            return Err(ApiError::invalid("invalid_field", "municipalities", "name at least one municipality"));
        }
        if input.municipalities.len() > MAX_TARGETS {
            return Err(too_many("municipalities"));
        }
        let mut municipalities: Vec<MunicipalityCode> = Vec::new();
        for (i, text) in input.municipalities.iter().enumerate() {
            let code = MunicipalityCode::parse(text).map_err(|e| {
                ApiError::invalid("invalid_municipality", format!("municipalities[{i}]"), e.to_string())
            })?;
            if !municipalities.contains(&code) {
                municipalities.push(code);
            }
        }
        let areas = input.areas.unwrap_or_default();
        if areas.len() > MAX_TARGETS {
            return Err(too_many("areas"));
        }
        if let Some((i, area)) = areas.iter().enumerate().find(|(_, area)| **area < 1) {
            return Err(ApiError::invalid("unknown_area", format!("areas[{i}]"), format!("{area} is not an area id")));
        }
        Ok(NoticeDraft {
            title: title(&input.title, "title")?,
            body: body(&input.body, "body")?,
            title_en: input.title_en.as_deref().map(|t| title(t, "title_en")).transpose()?,
            body_en: input.body_en.as_deref().map(|b| body(b, "body_en")).transpose()?,
            category: CategoryKey::parse(&input.category)
                .map_err(|e| ApiError::invalid("invalid_category", "category", e.to_string()))?,
            municipalities,
            areas,
            urgency: Urgency::parse(&input.urgency)
                .ok_or_else(|| ApiError::invalid("invalid_field", "urgency", "must be \"normal\" or \"emergency\""))?,
            exercise: input.exercise.unwrap_or(false),
            expires_at: input.expires_at.as_deref().map(|t| time(t, "expires_at")).transpose()?,
            send_at: input.send_at.as_deref().map(|t| time(t, "send_at")).transpose()?,
        })
    }
}

impl TryFrom<CorrectionBody> for CorrectionText {
    type Error = ApiError;

    fn try_from(input: CorrectionBody) -> Result<Self, ApiError> {
        Ok(CorrectionText {
            title: title(&input.title, "title")?,
            body: body(&input.body, "body")?,
            title_en: input.title_en.as_deref().map(|t| title(t, "title_en")).transpose()?,
            body_en: input.body_en.as_deref().map(|b| body(b, "body_en")).transpose()?,
        })
    }
}

/// The query of `GET /api/v1/notices`, as text so each bad value is named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    source: Option<String>,
    municipality: Option<String>,
    status: Option<String>,
    limit: Option<String>,
    before: Option<String>,
}

impl TryFrom<ListParams> for ListRequest {
    type Error = ApiError;

    fn try_from(query: ListParams) -> Result<Self, ApiError> {
        let source = query
            .source
            .map(|s| NoticeSource::parse(&s).ok_or_else(|| ApiError::parameter("source", "must be jma, staff or api")))
            .transpose()?;
        let municipality = query
            .municipality
            .map(|m| MunicipalityCode::parse(&m).map_err(|e| ApiError::parameter("municipality", e.to_string())))
            .transpose()?;
        let status = query
            .status
            .map(|s| {
                NoticeStatus::parse(&s).ok_or_else(|| {
                    let known: Vec<&str> = NoticeStatus::ALL.iter().map(|s| s.as_str()).collect();
                    ApiError::parameter("status", format!("must be one of {}", known.join(", ")))
                })
            })
            .transpose()?;
        let limit =
            match query.limit {
                None => DEFAULT_PAGE,
                Some(text) => text.trim().parse().ok().filter(|n| (1..=MAX_PAGE).contains(n)).ok_or_else(|| {
                    ApiError::parameter("limit", format!("must be a whole number from 1 to {MAX_PAGE}"))
                })?,
            };
        let before = query
            .before
            .map(|text| {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ApiError::parameter("before", "must be a notice id (a positive whole number)"))
            })
            .transpose()?;
        Ok(ListRequest { source, municipality, status, limit, before })
    }
}

#[derive(Debug, Serialize)]
pub struct DeliveriesView {
    total: i64,
    queued: i64,
    sending: i64,
    sent: i64,
    deferred: i64,
    bounced: i64,
    failed: i64,
    cancelled: i64,
}

impl From<DeliveryCounts> for DeliveriesView {
    fn from(c: DeliveryCounts) -> Self {
        Self {
            total: c.total,
            queued: c.queued,
            sending: c.sending,
            sent: c.sent,
            deferred: c.deferred,
            bounced: c.bounced,
            failed: c.failed,
            cancelled: c.cancelled,
        }
    }
}

/// A notice as the API shows it; `deliveries` only where one notice is answered.
#[derive(Debug, Serialize)]
pub struct NoticeView {
    id: i64,
    status: &'static str,
    source: &'static str,
    title: String,
    body: String,
    title_en: Option<String>,
    body_en: Option<String>,
    category: String,
    municipalities: Vec<String>,
    areas: Vec<i64>,
    urgency: &'static str,
    exercise: bool,
    send_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    supersedes: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deliveries: Option<DeliveriesView>,
}

impl NoticeView {
    fn new(n: Notice, deliveries: Option<DeliveryCounts>) -> Self {
        Self {
            id: n.id,
            status: n.status.as_str(),
            source: n.source.as_str(),
            title: n.title,
            body: n.body,
            title_en: n.title_en,
            body_en: n.body_en,
            category: n.category,
            municipalities: n.municipalities,
            areas: n.area_ids,
            urgency: n.urgency.as_str(),
            exercise: n.exercise,
            send_at: n.send_at,
            expires_at: n.expires_at,
            supersedes: n.supersedes,
            created_at: n.created_at,
            updated_at: n.updated_at,
            sent_at: n.sent_at,
            deliveries: deliveries.map(DeliveriesView::from),
        }
    }
}

impl From<NoticeReport> for NoticeView {
    fn from(report: NoticeReport) -> Self {
        NoticeView::new(report.notice, Some(report.deliveries))
    }
}

#[derive(Debug, Serialize)]
pub struct NoticeListView {
    notices: Vec<NoticeView>,
    /// Pass as `before` for the next page; null on the last page.
    next_before: Option<i64>,
}

impl From<NoticePage> for NoticeListView {
    fn from(page: NoticePage) -> Self {
        Self {
            notices: page.notices.into_iter().map(|n| NoticeView::new(n, None)).collect(),
            next_before: page.next_before,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SubscriberCountView {
    municipality: String,
    category: String,
    active: i64,
}

#[derive(Debug, Serialize)]
pub struct SubscriberStatsView {
    subscribers: Vec<SubscriberCountView>,
}

impl From<Vec<SubscriberCount>> for SubscriberStatsView {
    fn from(counts: Vec<SubscriberCount>) -> Self {
        Self {
            subscribers: counts
                .into_iter()
                .map(|c| SubscriberCountView { municipality: c.municipality, category: c.category, active: c.active })
                .collect(),
        }
    }
}

/// 201 with a Location for something new; 200 for what already was.
fn created(status: StatusCode, view: NoticeView) -> Response {
    let location = HeaderValue::from_str(&format!("/api/v1/notices/{}", view.id)).ok();
    let mut response = (status, Json(view)).into_response();
    if let Some(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

pub async fn create_notice(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    ApiJson(input): ApiJson<NewNoticeBody>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let draft = NoticeDraft::try_from(input)?;
    let (report, new) = service::create_notice(&state, &caller, draft, key).await?;
    Ok(created(if new { StatusCode::CREATED } else { StatusCode::OK }, report.into()))
}

pub async fn list_notices(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<NoticeListView>, ApiError> {
    let request = ListRequest::try_from(params)?;
    Ok(Json(service::list(&state, &caller, request).await?.into()))
}

pub async fn get_notice(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(service::notice(&state, &caller, id).await?.into()))
}

async fn command(state: AppState, caller: ApiCaller, id: i64, command: Command) -> Result<Json<NoticeView>, ApiError> {
    Ok(Json(service::act(&state, &caller, id, command).await?.into()))
}

pub async fn submit(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    command(state, caller, id, Command::Submit).await
}

pub async fn approve(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    command(state, caller, id, Command::Approve).await
}

pub async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    command(state, caller, id, Command::Send).await
}

pub async fn cancel(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    command(state, caller, id, Command::Cancel).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    command(state, caller, id, Command::Withdraw).await
}

pub async fn correct(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
    ApiJson(input): ApiJson<CorrectionBody>,
) -> Result<Response, ApiError> {
    let text = CorrectionText::try_from(input)?;
    let report = service::correct(&state, &caller, id, text).await?;
    Ok(created(StatusCode::CREATED, report.into()))
}

pub async fn subscriber_stats(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<SubscriberStatsView>, ApiError> {
    Ok(Json(service::subscriber_counts(&state, &caller).await?.into()))
}
