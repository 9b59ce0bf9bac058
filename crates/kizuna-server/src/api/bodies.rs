//! Request bodies and query strings of the notice endpoints, parsed into the
//! notice service's domain types at the edge; every bad value is named by its field.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use serde::Deserialize;

use super::error::ApiError;
use crate::notices::{CorrectionText, ListRequest, NoticeDraft};

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
    check_in: Option<bool>,
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
pub(super) fn time(input: &str, field: &'static str) -> Result<DateTime<Utc>, ApiError> {
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
            check_in: input.check_in.unwrap_or(false),
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
