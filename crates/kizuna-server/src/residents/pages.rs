//! What the residents' pages share: links that keep the language, the frame,
//! the private (uncached, unindexed) answer, the one-message page and the pages
//! every journey can end on (an invalid link, a failure, too much input).

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kizuna_core::Lang;
use kizuna_store::Subscriber;

use super::service::{MANAGE_LINK_DAYS, ResidentError};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::web::Frame;

/// For a link we cannot tie to a resident: English only when the browser puts it first.
pub(super) fn browser_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default();
    if first.trim().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Ja }
}

/// The language of a page opened with a token: `?lang=`, else the resident's.
pub(super) fn token_lang(asked: Option<Lang>, subscriber: Option<&Subscriber>, headers: &HeaderMap) -> Lang {
    asked.or(subscriber.map(|s| s.language)).unwrap_or_else(|| browser_lang(headers))
}

/// `path?k=v&lang=en`, with the values encoded.
pub(super) fn href(path: &str, params: &[(&str, &str)], lang: Lang) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        query.append_pair(key, value);
    }
    if lang == Lang::En {
        query.append_pair("lang", "en");
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

pub(super) fn frame(lang: Lang, title: &str, directory: &ReferenceData, path: &str, params: &[(&str, &str)]) -> Frame {
    let en = lang == Lang::En;
    let other = if en { Lang::Ja } else { Lang::En };
    Frame {
        lang: lang.as_str(),
        en,
        title: title.to_owned(),
        site_name: lang.pick("きずなメール", "Kizuna alerts").to_owned(),
        consortium: directory.consortium_name(lang).to_owned(),
        home_href: if en { "/?lang=en" } else { "/" },
        switch_href: href(path, params, other),
        switch_label: if en { "日本語" } else { "English" },
        switch_lang: other.as_str(),
    }
}

/// Pages with a token or a resident's input: never cached, never indexed, and
/// the token never leaks to another site through the Referer header.
pub(super) fn private_page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

pub(super) fn shared_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// Pages reached through a notice mail show the address masked: such a mail
/// may have been forwarded to someone else.
pub(super) fn masked(subscriber: &Subscriber) -> String {
    kizuna_core::EmailAddress::parse(&subscriber.email).map_or_else(|_| "***".to_owned(), |a| a.masked())
}

/// A page with a message, optionally a summary, one button and a few links.
#[derive(Template)]
#[template(path = "resident_page.html")]
pub(super) struct ResidentPage {
    pub frame: Frame,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub summary: Vec<(String, String)>,
    pub form_action: String,
    pub button: String,
    pub links: Vec<(String, String)>,
    pub success: bool,
}

impl ResidentPage {
    pub fn new(frame: Frame, heading: &str, paragraphs: Vec<String>) -> Self {
        Self {
            frame,
            heading: heading.to_owned(),
            paragraphs,
            summary: Vec::new(),
            form_action: String::new(),
            button: String::new(),
            links: Vec::new(),
            success: false,
        }
    }

    pub fn respond(self, status: StatusCode) -> Result<Response, WebError> {
        Ok(private_page(status, self.render()?))
    }
}

pub(super) fn home_link(lang: Lang) -> (String, String) {
    (href("/", &[], lang), lang.pick("トップページへ", "Home page").to_owned())
}

pub(super) fn register_link(lang: Lang) -> (String, String) {
    (href("/register", &[], lang), lang.pick("メール配信に登録する", "Register for alert mails").to_owned())
}

/// An unknown, expired or used link, explained in the resident's language.
pub(super) fn invalid_link(state: &AppState, lang: Lang) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let hours = state.settings.residents.confirmation.num_hours();
    let title = lang.pick("このリンクは使えません", "This link does not work");
    let paragraphs = vec![
        match lang {
            Lang::Ja => format!(
                "リンクが正しくないか、有効期限が切れています。登録の確認リンクは{hours}時間、「すでに登録されています」のメールのリンクは{MANAGE_LINK_DAYS}日間有効です。"
            ),
            Lang::En => format!(
                "The link is not complete, or it has expired. A confirmation link works for {hours} hours; the link in an \"already registered\" mail for {MANAGE_LINK_DAYS} days."
            ),
        },
        lang.pick(
            "お手数ですが、もう一度登録のお申し込みをしてください。すでに登録済みの場合は、登録内容を変更するためのリンクをメールでお送りします。お知らせのメールの末尾にあるリンクからも、変更や停止ができます。",
            "Please register again. If your address is already registered, we will mail you a link to change your choices. The links at the end of every notice mail also let you change or stop them.",
        )
        .to_owned(),
    ];
    let mut page = ResidentPage::new(frame(lang, title, &directory, "/register", &[]), title, paragraphs);
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::NOT_FOUND)
}

/// A failure the resident cannot fix: logged whole, shown briefly.
pub(super) fn failure(directory: &ReferenceData, lang: Lang, error: ResidentError) -> Result<Response, WebError> {
    match error {
        ResidentError::Store(source) => Err(WebError::Store { lang, source }),
        other => {
            tracing::error!(error = %other, "resident request failed");
            let title = lang.pick("ただいまメールを送れません", "We cannot send mail right now");
            let text = lang.pick(
                "申し訳ありません。確認のメールを送ることができませんでした。しばらくしてから、もう一度お試しください。",
                "Sorry, the confirmation mail could not be sent. Please try again in a little while.",
            );
            let mut page =
                ResidentPage::new(frame(lang, title, directory, "/register", &[]), title, vec![text.to_owned()]);
            page.links = vec![register_link(lang), home_link(lang)];
            page.respond(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

pub(super) fn too_large(directory: &ReferenceData, lang: Lang) -> Result<Response, WebError> {
    let title = lang.pick("入力が長すぎます", "Too much input");
    let text = lang.pick(
        "送られた内容が長すぎるため、受け付けられませんでした。メールアドレスを確かめて、もう一度入力してください。",
        "What was sent is too long to accept. Please check your email address and fill in the form again.",
    );
    let mut page = ResidentPage::new(frame(lang, title, directory, "/register", &[]), title, vec![text.to_owned()]);
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::PAYLOAD_TOO_LARGE)
}
