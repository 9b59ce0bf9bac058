//! `WebError`: what a handler can fail with, shown to people in their language
//! with a stable code, logged with its whole cause.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kizuna_core::Lang;
use kizuna_store::StoreError;

use crate::texts;
use crate::web::with_lang;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound(Lang),
    /// Was public and is no longer (an obituary past its days): 410, so search
    /// engines and caches drop it.
    #[error("gone")]
    Gone(Lang),
    /// A query parameter that names nothing or cannot be read; the message says which.
    #[error("bad request: {message}")]
    BadRequest { lang: Lang, message: String },
    #[error("storage: {source}")]
    Store {
        lang: Lang,
        #[source]
        source: StoreError,
    },
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    /// A fault on our side that is neither the store nor a template (a setting
    /// that cannot work, for one).
    #[error("internal: {message}")]
    Internal { lang: Lang, message: String },
    /// As many searches as this process runs at once are running: try again
    /// shortly (503 with `Retry-After`), while pages that need no search answer.
    #[error("busy")]
    Busy(Lang),
}

impl WebError {
    pub fn store(lang: Lang) -> impl FnOnce(StoreError) -> WebError {
        move |source| WebError::Store { lang, source }
    }

    fn parts(&self) -> (StatusCode, &'static str, Lang) {
        match self {
            WebError::NotFound(lang) => (StatusCode::NOT_FOUND, "not_found", *lang),
            WebError::Gone(lang) => (StatusCode::GONE, "gone", *lang),
            WebError::BadRequest { lang, .. } => (StatusCode::BAD_REQUEST, "bad_request", *lang),
            WebError::Store { lang, source: StoreError::Unavailable(_) } => {
                (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", *lang)
            }
            WebError::Store { lang, .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal", *lang),
            WebError::Template(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", Lang::JA),
            WebError::Internal { lang, .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal", *lang),
            WebError::Busy(lang) => (StatusCode::SERVICE_UNAVAILABLE, "busy", *lang),
        }
    }
}

/// The catalog keys of a code's title and text.
fn message_keys(code: &str) -> (&'static str, &'static str) {
    match code {
        "not_found" => ("problem-not-found-title", "problem-not-found-text"),
        "gone" => ("problem-gone-title", "problem-gone-text"),
        "bad_request" => ("problem-bad-request-title", "problem-bad-request-text"),
        "database_unavailable" => ("problem-unavailable-title", "problem-unavailable-text"),
        "busy" => ("problem-busy-title", "problem-busy-text"),
        _ => ("problem-internal-title", "problem-internal-text"),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, code, lang) = self.parts();
        if status.is_server_error() {
            let mut chain = self.to_string();
            let mut source = std::error::Error::source(&self);
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            tracing::error!(code, error = %chain, "request failed");
        }
        let (title, text) = message_keys(code);
        let (title, text) = (texts::text(lang, title), texts::text(lang, text));
        let detail = match &self {
            WebError::BadRequest { message, .. } => format!("<p>{}</p>", escape_html(message)),
            _ => String::new(),
        };
        let page = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} | Kizuna</title><link rel=\"stylesheet\" href=\"/static/kizuna.css\"></head>\
             <body><main id=\"main\"><h1>{title}</h1><p>{text}</p>{detail}<p class=\"error-code\">({code})</p>\
             <p><a href=\"{}\">{}</a></p></main></body></html>",
            with_lang("/", lang),
            texts::text(lang, "problem-home"),
        );
        let mut response = (status, Html(page)).into_response();
        if code == "busy" {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
