//! `WebError`: what a handler can fail with, shown to people in their language
//! with a stable code, logged with its whole cause.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kizuna_core::Lang;
use kizuna_store::StoreError;

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
            WebError::Template(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", Lang::Ja),
            WebError::Internal { lang, .. } => (StatusCode::INTERNAL_SERVER_ERROR, "internal", *lang),
        }
    }
}

fn message(code: &str, lang: Lang) -> (&'static str, &'static str) {
    match (code, lang) {
        ("not_found", Lang::Ja) => {
            ("ページが見つかりません", "お探しのページは見つかりませんでした。URLをご確認ください。")
        }
        ("not_found", Lang::En) => {
            ("Page not found", "The page you are looking for does not exist. Please check the address.")
        }
        ("gone", Lang::Ja) => ("掲載を終了しました", "このお知らせは掲載期間を過ぎたため、公開を終了しました。"),
        ("gone", Lang::En) => ("No longer available", "This notice was shown for a limited period, which has ended."),
        ("bad_request", Lang::Ja) => ("指定に誤りがあります", "アドレスの指定に誤りがあります。"),
        ("bad_request", Lang::En) => ("Invalid request", "Something in the address is not valid."),
        ("database_unavailable", Lang::Ja) => (
            "ただいま混み合っています",
            "しばらくしてから、もう一度お試しください。緊急の情報は市町村の防災行政無線やテレビ・ラジオでもご確認ください。",
        ),
        ("database_unavailable", Lang::En) => (
            "Temporarily unavailable",
            "Please try again in a moment. For urgent information, also follow the municipal radio, TV and radio.",
        ),
        (_, Lang::Ja) => {
            ("エラーが発生しました", "申し訳ありません。問題が発生しました。しばらくしてから、もう一度お試しください。")
        }
        (_, Lang::En) => ("Something went wrong", "Sorry, something went wrong on our side. Please try again later."),
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
        let (title, text) = message(code, lang);
        let detail = match &self {
            WebError::BadRequest { message, .. } => format!("<p>{}</p>", escape_html(message)),
            _ => String::new(),
        };
        let page = format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} | Kizuna</title><link rel=\"stylesheet\" href=\"/static/kizuna.css\"></head>\
             <body><main id=\"main\"><h1>{title}</h1><p>{text}</p>{detail}<p class=\"error-code\">({code})</p>\
             <p><a href=\"/{}\">{}</a></p></main></body></html>",
            if lang == Lang::En { "?lang=en" } else { "" },
            lang.pick("トップページへ戻る", "Back to the home page"),
        );
        (status, Html(page)).into_response()
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
