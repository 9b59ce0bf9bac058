//! Console forms as they arrive and as they are shown again: fields read in
//! order (repeated names kept), the client a request came from, and the
//! GOV.UK error summary — every error once at the top, linking to its field.

use std::net::IpAddr;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Fields read from one submission; the rest is ignored.
const MAX_FIELDS: usize = 400;

/// A form's fields in order, repeated names kept (`municipality=…&municipality=…`).
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).take(MAX_FIELDS).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        Ok(Fields::parse(&bytes))
    }
}

/// The query string's fields.
pub struct Query(pub Fields);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(Fields::parse(parts.uri.query().unwrap_or_default().as_bytes())))
    }
}

/// The client a request came from: its address (for throttling) and how the audit
/// log writes it.
pub struct Client {
    pub ip: Option<IpAddr>,
    pub text: String,
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ip, text) = super::session::client_address(state, parts);
        Ok(Client { ip, text })
    }
}

/// One line of the error summary, linking to its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLink {
    pub field: &'static str,
    pub message: String,
}

impl ErrorLink {
    pub fn href(&self) -> String {
        format!("#{}", self.field)
    }
}

/// The errors of one submission, in the order of the form's fields.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<ErrorLink>);

impl Errors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(ErrorLink { field, message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message of a field, for beside the field itself.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &ErrorLink> {
        self.0.iter()
    }
}
