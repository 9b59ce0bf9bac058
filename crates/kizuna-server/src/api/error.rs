//! `ApiError`: every way an API request can fail, answered as
//! `{"error": {"code", "message", "field"?}}` with a stable snake_case code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kizuna_core::notice::TransitionError;
use kizuna_core::staff::ApiRight;
use kizuna_store::StoreError;

use crate::notices::NoticeError;
use crate::surveys::service::SurveyError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("send an API key as `Authorization: Bearer <key>`")]
    MissingKey,
    #[error("{0}")]
    InvalidKey(&'static str),
    #[error("this API key lacks the right {right}{why}", right = .0.as_str(), why = .1)]
    MissingRight(ApiRight, &'static str),
    #[error("this API key does not act for municipality {0}")]
    OutOfScope(String),
    #[error("too many requests for this API key; try again in {0} s")]
    RateLimited(u64),
    #[error("there is no notice {0}")]
    NoticeNotFound(String),
    #[error("notice {0} carries no safety check-in")]
    NoCheckIn(String),
    #[error("there is no survey {0}")]
    SurveyNotFound(String),
    #[error("the survey is closed")]
    SurveyClosed,
    #[error("there is no API route {0}")]
    UnknownRoute(String),
    #[error("{0} is not allowed here")]
    MethodNotAllowed(String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// A query parameter or header that cannot be used.
    #[error("{field}: {message}")]
    BadParameter { field: String, message: String },
    /// A body field of the right JSON shape that Kizuna cannot accept.
    #[error("{field}: {message}")]
    Invalid { code: &'static str, field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{}", transition_message(.0))]
    Transition(TransitionError),
    #[error("a notice with a send_at ahead goes out at that time once approved; it cannot skip approval")]
    ScheduledNeedsApproval,
    #[error("the database cannot be reached")]
    Unavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] StoreError),
}

fn transition_message(error: &TransitionError) -> String {
    format!("a notice that is {} cannot {}", error.from, error.action.replace('_', " "))
}

impl ApiError {
    pub fn invalid(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid { code, field: field.into(), message: message.into() }
    }

    pub fn parameter(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadParameter { field: field.into(), message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MissingKey | ApiError::InvalidKey(_) => StatusCode::UNAUTHORIZED,
            ApiError::MissingRight(..) | ApiError::OutOfScope(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NoticeNotFound(_)
            | ApiError::NoCheckIn(_)
            | ApiError::SurveyNotFound(_)
            | ApiError::UnknownRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MalformedJson(_) | ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_)
            | ApiError::Transition(_)
            | ApiError::ScheduledNeedsApproval
            | ApiError::SurveyClosed => StatusCode::CONFLICT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MissingKey => "missing_api_key",
            ApiError::InvalidKey(_) => "invalid_api_key",
            ApiError::MissingRight(..) => "missing_right",
            ApiError::OutOfScope(_) => "municipality_not_in_scope",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::NoticeNotFound(_) => "notice_not_found",
            ApiError::NoCheckIn(_) => "no_check_in",
            ApiError::SurveyNotFound(_) => "survey_not_found",
            ApiError::SurveyClosed => "survey_closed",
            ApiError::UnknownRoute(_) => "unknown_route",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::BadParameter { .. } => "invalid_parameter",
            ApiError::Invalid { code, .. } => code,
            ApiError::Conflict(_) => "conflict",
            ApiError::Transition(_) => "invalid_transition",
            ApiError::ScheduledNeedsApproval => "scheduled_notice_needs_approval",
            ApiError::Unavailable(_) => "database_unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadParameter { field, .. } | ApiError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Transition(transition) => ApiError::Transition(transition),
            StoreError::Conflict(what) => ApiError::Conflict(format!("another request changed this first: {what}")),
            error @ StoreError::Unavailable(_) => ApiError::Unavailable(error),
            error => ApiError::Internal(error),
        }
    }
}

impl From<NoticeError> for ApiError {
    /// The notice service's refusals as the API has always answered them.
    fn from(error: NoticeError) -> Self {
        let message = error.to_string();
        match error {
            NoticeError::NotFound(id) => ApiError::NoticeNotFound(id.to_string()),
            NoticeError::NoCheckIn(id) => ApiError::NoCheckIn(id.to_string()),
            NoticeError::NotAllowed { permission, why } => ApiError::MissingRight(permission.api_right(), why),
            NoticeError::OutOfScope(code) => ApiError::OutOfScope(code),
            NoticeError::UnknownMunicipality { index, .. } => {
                ApiError::invalid("unknown_municipality", format!("municipalities[{index}]"), message)
            }
            NoticeError::UnknownCategory(_) => ApiError::invalid("unknown_category", "category", message),
            NoticeError::UnknownArea { index, .. } => {
                ApiError::invalid("unknown_area", format!("areas[{index}]"), message)
            }
            NoticeError::SendAtNotAhead(_) => ApiError::invalid("invalid_time", "send_at", message),
            NoticeError::ExpiresBeforeStart { .. } => ApiError::invalid("invalid_time", "expires_at", message),
            NoticeError::IdempotencyKeyReused(_) => {
                ApiError::invalid("idempotency_key_reused", "Idempotency-Key", message)
            }
            NoticeError::ScheduledNeedsApproval => ApiError::ScheduledNeedsApproval,
            NoticeError::Transition(transition) => ApiError::Transition(transition),
            NoticeError::Conflict(what) => ApiError::from(StoreError::Conflict(what)),
            NoticeError::Store(error) => ApiError::from(error),
        }
    }
}

impl From<SurveyError> for ApiError {
    fn from(error: SurveyError) -> Self {
        match error {
            SurveyError::NotFound(id) => ApiError::SurveyNotFound(id.to_string()),
            SurveyError::OutOfScope(code) => ApiError::OutOfScope(code.to_string()),
            SurveyError::Invalid { field, problem } => ApiError::invalid(problem.code(), field, problem.to_string()),
            SurveyError::Closed => ApiError::SurveyClosed,
            SurveyError::Store(error) => ApiError::from(error),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            let mut chain = self.to_string();
            let mut source = std::error::Error::source(&self);
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            tracing::error!(code = self.code(), error = %chain, "API request failed");
        }
        let body = Body { error: Detail { code: self.code(), message: self.to_string(), field: self.field() } };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            ApiError::MissingKey | ApiError::InvalidKey(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"kizuna\""));
            }
            ApiError::RateLimited(seconds) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            _ => {}
        }
        response
    }
}
