//! The notice and statistics endpoints: each extracts the caller and its input,
//! calls one service function and answers with the notice (and how its deliveries
//! stand) or the counts. Who may do what is the notice service's to decide.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kizuna_store::Notice;

use super::bodies::{CorrectionBody, ListParams, NewNoticeBody};
use super::error::ApiError;
use super::extract::{ApiCaller, ApiJson, ApiQuery, NoticeId, idempotency_key};
use super::service;
use super::views::{CheckInsView, NoticeListView, NoticeView, SubscriberStatsView};
use crate::notices::{self, CorrectionText, ListRequest, NoticeDraft};
use crate::state::AppState;

/// Every answer about one notice carries its delivery counts.
async fn answer(state: &AppState, notice: Notice) -> Result<NoticeView, ApiError> {
    Ok(notices::report(state, notice).await?.into())
}

/// 201 with a Location for something new; 200 for what already was.
fn created(status: StatusCode, view: NoticeView) -> Response {
    let location = HeaderValue::from_str(&format!("/api/v1/notices/{}", view.id())).ok();
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
    let made = notices::create(&state, &caller.actor, draft, key.as_deref()).await?;
    let status = if made.new { StatusCode::CREATED } else { StatusCode::OK };
    Ok(created(status, answer(&state, made.notice).await?))
}

pub async fn list_notices(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<NoticeListView>, ApiError> {
    let request = ListRequest::try_from(params)?;
    Ok(Json(notices::list(&state, &caller.actor, request).await?.into()))
}

pub async fn get_notice(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let notice = notices::read(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, notice).await?))
}

pub async fn submit(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let notice = notices::submit(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, notice).await?))
}

pub async fn approve(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let notice = notices::approve(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, notice).await?))
}

pub async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let dispatch = notices::send(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, dispatch.notice).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let notice = notices::cancel(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, notice).await?))
}

pub async fn withdraw(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<NoticeView>, ApiError> {
    let notice = notices::withdraw(&state, &caller.actor, id).await?;
    Ok(Json(answer(&state, notice).await?))
}

pub async fn correct(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
    ApiJson(input): ApiJson<CorrectionBody>,
) -> Result<Response, ApiError> {
    let text = CorrectionText::try_from(input)?;
    let dispatch = notices::correct(&state, &caller.actor, id, text).await?;
    Ok(created(StatusCode::CREATED, answer(&state, dispatch.notice).await?))
}

pub async fn subscriber_stats(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<SubscriberStatsView>, ApiError> {
    Ok(Json(service::subscriber_counts(&state, caller.actor.scope()).await?.into()))
}

pub async fn check_ins(
    State(state): State<AppState>,
    caller: ApiCaller,
    NoticeId(id): NoticeId,
) -> Result<Json<CheckInsView>, ApiError> {
    let (_, counts) = notices::check_in_counts(&state, &caller.actor, id).await?;
    Ok(Json(counts.into()))
}
