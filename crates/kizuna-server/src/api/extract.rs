//! Extractors of the API: the calling key (authenticated, rate-limited and
//! checked for the right its route needs), JSON bodies, query strings, notice ids
//! and the `Idempotency-Key` header, each failing with a JSON `ApiError`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use kizuna_core::staff::ApiRight;
use kizuna_core::token::TokenHash;
use kizuna_store::ApiKey;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::notices::Actor;
use crate::state::AppState;

/// The largest JSON body the API reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The API key a request came with: known, not revoked, within its rate, and
/// holding the right that the route's entry in the operation table names. That
/// check is the gate of the route; the notice service checks the actor again for
/// what it is asked to do.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key: ApiKey,
    /// The key as the notice service sees it: its scope and rights.
    pub actor: Actor,
}

impl ApiCaller {
    pub fn new(key: ApiKey) -> Self {
        let actor = Actor::api_key(&key);
        Self { key, actor }
    }

    fn require(&self, right: ApiRight) -> Result<(), ApiError> {
        if self.key.rights.contains(&right) { Ok(()) } else { Err(ApiError::MissingRight(right, "")) }
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or(ApiError::MissingKey)?;
    let value = value.to_str().map_err(|_| ApiError::InvalidKey("the Authorization header is not readable text"))?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(ApiError::MissingKey)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::MissingKey);
    }
    Ok(token)
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers)?;
        let key = state
            .store
            .api_key_by_hash(&TokenHash::of(token))
            .await?
            .ok_or(ApiError::InvalidKey("this API key is not known"))?;
        if key.revoked_at.is_some() {
            return Err(ApiError::InvalidKey("this API key was revoked"));
        }
        crate::limits::api_request(state, key.id).await?.map_err(ApiError::RateLimited)?;
        let path = parts.extensions.get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or_default();
        let method = if parts.method == Method::HEAD { Method::GET } else { parts.method.clone() };
        // Fails closed: a handler taking a caller on a route missing from the table serves nobody.
        let operation = super::operation(&method, path).ok_or_else(|| ApiError::UnknownRoute(path.to_owned()))?;
        let caller = ApiCaller::new(key);
        if let Some(right) = operation.right {
            caller.require(right)?;
        }
        Ok(caller)
    }
}

/// A JSON body read into `T`; a field of the wrong type, a missing or an unknown
/// field is named in the error.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if content_type != "application/json" && !content_type.ends_with("+json") {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(BODY_LIMIT)
            } else {
                ApiError::MalformedJson(rejection.body_text())
            }
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
        deserializer.end().map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        Ok(ApiJson(value))
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = inner.to_string();
    match inner.classify() {
        serde_json::error::Category::Data => {
            // A missing field is reported at the object holding it; name the field itself.
            let named = message.split('`').nth(1).filter(|_| message.starts_with("missing field"));
            let field = match (path.as_str(), named) {
                (".", Some(name)) => name.to_owned(),
                (".", None) => "body".to_owned(),
                (_, Some(name)) => format!("{path}.{name}"),
                (_, None) => path,
            };
            ApiError::invalid("invalid_field", field, message)
        }
        _ => ApiError::MalformedJson(message),
    }
}

/// A query string read into `T`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::parameter("query", rejection.body_text()))
    }
}

/// The `{id}` of a notice route; anything but a positive whole number names no notice.
pub struct NoticeId(pub i64);

impl FromRequestParts<AppState> for NoticeId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        positive_id(parts, state, ApiError::NoticeNotFound).await.map(NoticeId)
    }
}

/// The `{id}` of a survey route.
pub struct SurveyId(pub i64);

impl FromRequestParts<AppState> for SurveyId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        positive_id(parts, state, ApiError::SurveyNotFound).await.map(SurveyId)
    }
}

/// The path's `{id}`; anything but a positive whole number names nothing (`missing`).
async fn positive_id(parts: &mut Parts, state: &AppState, missing: fn(String) -> ApiError) -> Result<i64, ApiError> {
    let Path(text) =
        Path::<String>::from_request_parts(parts, state).await.map_err(|_| missing("with that id".to_owned()))?;
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(missing(format!("{text:?}"))),
    }
}

/// The longest `Idempotency-Key` accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 200;

/// The optional `Idempotency-Key` header: 1 to 200 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    let fits = (1..=IDEMPOTENCY_KEY_MAX).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
    if fits {
        Ok(Some(text.to_owned()))
    } else {
        Err(ApiError::parameter(
            "Idempotency-Key",
            format!("must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters without spaces"),
        ))
    }
}
