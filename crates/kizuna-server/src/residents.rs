//! Residents on the web: `/register` (double opt-in), `/confirm/{token}`,
//! `/manage/{token}`, `/unsubscribe/{token}` (RFC 8058 one-click) and `/privacy`.
//!
//! Every state change is a POST: mail scanners and link previews open GET links
//! on their own, so a GET only ever shows a page with a button. No cookies and
//! no JavaScript are needed anywhere. The registration page reads the same
//! whether or not the address is registered; only the mailbox learns which.

mod client;
mod limiter;
mod mails;
mod service;

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use kizuna_core::Lang;
use kizuna_core::lang::Explain;
use kizuna_core::registration::{Choices, ChoicesInput, Field, FormErrors, Registration};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_store::{Subscriber, Subscription};

pub use client::{ClientIp, client_ip, network_key};
pub use limiter::RateLimiter;
pub use service::{Catalog, MANAGE_LINK_DAYS, ResidentError};

use crate::error::WebError;
use crate::state::AppState;
use crate::web::Frame;
use service::{Confirmation, Holder, Registered, Submission};

/// Far more than any honest form: five municipalities, seven categories and an address.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Fields read from one submission; the rest is ignored.
const MAX_FIELDS: usize = 200;
/// Raw address text shown back in the form after an error.
const MAX_ECHO: usize = 320;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(register_form).post(register_submit))
        .route("/register/mail/{token}", get(mail_register_form).post(mail_register_submit))
        .route("/privacy", get(privacy))
        .route("/confirm/{token}", get(confirm_page).post(confirm_submit))
        .route("/manage/{token}", get(manage_page).post(manage_submit))
        .route("/manage/{token}/erase", get(erase_page).post(erase_submit))
        .route("/unsubscribe/{token}", get(unsubscribe_page).post(unsubscribe_submit))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(Extension(Arc::new(RateLimiter::default())))
}

/// Query or form fields in order, repeated names kept (`municipality=…&municipality=…`).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).take(MAX_FIELDS).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    fn query(raw: Option<&str>) -> Self {
        Self::parse(raw.unwrap_or_default().as_bytes())
    }

    fn first(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// The language asked for with `?lang=`, if any.
    fn lang(&self) -> Option<Lang> {
        match self.first("lang").map(str::trim) {
            Some("en") => Some(Lang::En),
            Some("ja") => Some(Lang::Ja),
            _ => None,
        }
    }

    fn choices(&self) -> ChoicesInput {
        ChoicesInput {
            municipalities: self.all("municipality"),
            scope: self.first("scope").map(str::to_owned),
            categories: self.all("category"),
            format: self.first("format").map(str::to_owned),
            charset: self.first("charset").map(str::to_owned),
            language: self.first("language").map(str::to_owned),
        }
    }
}

/// For a link we cannot tie to a resident: English only when the browser puts it first.
fn browser_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default();
    if first.trim().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::Ja }
}

/// `path?k=v&lang=en`, with the values encoded.
fn href(path: &str, params: &[(&str, &str)], lang: Lang) -> String {
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

fn frame(lang: Lang, title: &str, catalog: &Catalog, path: &str, params: &[(&str, &str)]) -> Frame {
    let en = lang == Lang::En;
    let other = if en { Lang::Ja } else { Lang::En };
    Frame {
        lang: lang.as_str(),
        en,
        title: title.to_owned(),
        site_name: lang.pick("きずなメール", "Kizuna alerts").to_owned(),
        consortium: catalog.consortium(lang).to_owned(),
        home_href: if en { "/?lang=en" } else { "/" },
        switch_href: href(path, params, other),
        switch_label: if en { "日本語" } else { "English" },
        switch_lang: other.as_str(),
    }
}

/// Pages with a token or a resident's input: never cached, never indexed, and
/// the token never leaks to another site through the Referer header.
fn private_page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn shared_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// A checkbox or radio button of the choices form.
pub struct OptionView {
    id: String,
    value: String,
    label: String,
    other: String,
    other_lang: &'static str,
    checked: bool,
}

/// One line of the error summary, linking to its field.
pub struct ErrorLink {
    href: String,
    message: String,
}

/// The choices fieldsets, shared by the registration and manage pages.
pub struct ChoicesView {
    municipalities: Vec<OptionView>,
    categories: Vec<OptionView>,
    scope_emergency: bool,
    scope_chosen: bool,
    emergency_names: String,
    format_html: bool,
    charset_iso: bool,
    language_en: bool,
    municipality_error: Option<String>,
    scope_error: Option<String>,
    category_error: Option<String>,
    format_error: Option<String>,
    charset_error: Option<String>,
    language_error: Option<String>,
}

impl ChoicesView {
    fn new(catalog: &Catalog, input: &ChoicesInput, errors: &FormErrors, lang: Lang) -> Self {
        let other_lang = if lang == Lang::En { Lang::Ja } else { Lang::En };
        let has = |values: &[String], wanted: &str| values.iter().any(|v| v.trim() == wanted);
        let message = |field: Field| errors.get(field).map(|e| e.explain(lang));
        let scope = input.scope.as_deref().map(str::trim);
        Self {
            municipalities: catalog
                .municipalities
                .iter()
                .map(|m| OptionView {
                    id: format!("municipality-{}", m.code),
                    value: m.code.to_string(),
                    label: m.name(lang).to_owned(),
                    other: m.name(other_lang).to_owned(),
                    other_lang: other_lang.as_str(),
                    checked: has(&input.municipalities, m.code.as_str()),
                })
                .collect(),
            categories: catalog
                .categories
                .iter()
                .filter(|c| !c.restricted)
                .map(|c| OptionView {
                    id: format!("category-{}", c.key),
                    value: c.key.to_string(),
                    label: c.name(lang).to_owned(),
                    other: String::new(),
                    other_lang: other_lang.as_str(),
                    checked: has(&input.categories, c.key.as_str()),
                })
                .collect(),
            scope_emergency: scope == Some("emergency"),
            scope_chosen: scope == Some("chosen") || (scope.is_none() && !input.categories.is_empty()),
            emergency_names: catalog.emergency_names(lang),
            format_html: input.format.as_deref().map(str::trim) == Some(MailFormat::Html.as_str()),
            charset_iso: input.charset.as_deref().map(str::trim) == Some(Charset::Iso2022Jp.as_str()),
            language_en: match input.language.as_deref().map(str::trim) {
                Some(tag) => tag == "en",
                None => lang == Lang::En,
            },
            municipality_error: message(Field::Municipality),
            scope_error: message(Field::Scope),
            category_error: message(Field::Category),
            format_error: message(Field::Format),
            charset_error: message(Field::Charset),
            language_error: message(Field::Language),
        }
    }

    /// The summary's links point at the first control of each field.
    fn error_links(&self, errors: &FormErrors, lang: Lang) -> Vec<ErrorLink> {
        errors
            .iter()
            .map(|error| {
                let target = match error.field() {
                    Field::Email => "email".to_owned(),
                    Field::Municipality => self.municipalities.first().map(|o| o.id.clone()).unwrap_or_default(),
                    Field::Scope => "scope-emergency".to_owned(),
                    Field::Category => self.categories.first().map(|o| o.id.clone()).unwrap_or_default(),
                    Field::Format => "format-text".to_owned(),
                    Field::Charset => "charset-utf-8".to_owned(),
                    Field::Language => "language-ja".to_owned(),
                };
                ErrorLink { href: format!("#{target}"), message: error.explain(lang) }
            })
            .collect()
    }
}

/// What the resident typed, safe to show again: no control characters, not too long.
fn echo(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_control()).take(MAX_ECHO).collect()
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    frame: Frame,
    action: String,
    source: &'static str,
    poster: String,
    email: String,
    email_error: Option<String>,
    errors: Vec<ErrorLink>,
    busy: bool,
    form: ChoicesView,
    privacy_href: String,
    hours: i64,
    /// The address came from an empty mail and was proven by its link.
    email_locked: bool,
}

#[derive(Template)]
#[template(path = "manage.html")]
struct ManagePage {
    frame: Frame,
    action: String,
    address: String,
    status: &'static str,
    errors: Vec<ErrorLink>,
    saved: bool,
    form: ChoicesView,
    unsubscribe_href: String,
    erase_href: String,
    register_href: String,
    privacy_href: String,
}

/// A page with a message, optionally a summary, one button and a few links.
#[derive(Template)]
#[template(path = "resident_page.html")]
struct ResidentPage {
    frame: Frame,
    heading: String,
    paragraphs: Vec<String>,
    summary: Vec<(String, String)>,
    form_action: String,
    button: String,
    links: Vec<(String, String)>,
    success: bool,
}

impl ResidentPage {
    fn new(frame: Frame, heading: &str, paragraphs: Vec<String>) -> Self {
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

    fn respond(self, status: StatusCode) -> Result<Response, WebError> {
        Ok(private_page(status, self.render()?))
    }
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    frame: Frame,
    register_href: String,
    hours: i64,
    retention_days: i64,
    contacts: Vec<(String, String)>,
}

fn home_link(lang: Lang) -> (String, String) {
    (href("/", &[], lang), lang.pick("トップページへ", "Home page").to_owned())
}

fn register_link(lang: Lang) -> (String, String) {
    (href("/register", &[], lang), lang.pick("メール配信に登録する", "Register for alert mails").to_owned())
}

/// An unknown, expired or used link, explained in the resident's language.
async fn invalid_link(state: &AppState, lang: Lang) -> Result<Response, WebError> {
    let catalog = Catalog::load(state).await.map_err(WebError::store(lang))?;
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
    let mut page = ResidentPage::new(frame(lang, title, &catalog, "/register", &[]), title, paragraphs);
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::NOT_FOUND)
}

/// A failure the resident cannot fix: logged whole, shown briefly.
fn failure(catalog: &Catalog, lang: Lang, error: ResidentError) -> Result<Response, WebError> {
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
                ResidentPage::new(frame(lang, title, catalog, "/register", &[]), title, vec![text.to_owned()]);
            page.links = vec![register_link(lang), home_link(lang)];
            page.respond(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

fn source_of(fields: &Fields) -> RegistrationSource {
    // Only the two web sources can be claimed by a form; anything else is plain web.
    match fields.first("source").map(str::trim) {
        Some("web_qr") => RegistrationSource::WebQr,
        _ => RegistrationSource::Web,
    }
}

struct RegisterForm<'a> {
    /// Where the form posts; `/register` unless the address came by empty mail.
    action: Option<String>,
    lang: Lang,
    source: RegistrationSource,
    poster: Option<&'a kizuna_core::consortium::Municipality>,
    email: String,
    input: ChoicesInput,
    errors: FormErrors,
    busy: bool,
}

fn register_page(state: &AppState, catalog: &Catalog, form: RegisterForm<'_>) -> Result<String, WebError> {
    let lang = form.lang;
    let poster = form.poster.map(|m| m.code.to_string()).unwrap_or_default();
    let mut params: Vec<(&str, &str)> = Vec::new();
    if form.source == RegistrationSource::WebQr {
        params.push(("source", "web_qr"));
    }
    if !poster.is_empty() {
        params.push(("municipality", &poster));
    }
    let view = ChoicesView::new(catalog, &form.input, &form.errors, lang);
    let title = lang.pick("メール配信の登録", "Register for alert mails");
    let title = if form.errors.is_empty() {
        title.to_owned()
    } else {
        format!("{}{title}", lang.pick("入力エラー: ", "Error: "))
    };
    let page = RegisterPage {
        frame: frame(lang, &title, catalog, form.action.as_deref().unwrap_or("/register"), &params),
        action: href(form.action.as_deref().unwrap_or("/register"), &[], lang),
        email_locked: form.action.is_some(),
        source: form.source.as_str(),
        poster: poster.clone(),
        email: echo(&form.email),
        email_error: form.errors.get(Field::Email).map(|e| e.explain(lang)),
        errors: view.error_links(&form.errors, lang),
        busy: form.busy,
        form: view,
        privacy_href: href("/privacy", &[], lang),
        hours: state.settings.residents.confirmation.num_hours(),
    };
    Ok(page.render()?)
}

async fn register_form(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let fields = Fields::query(query.as_deref());
    let lang = fields.lang().unwrap_or_default();
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let poster = fields.first("municipality").and_then(|code| catalog.municipality(code.trim()));
    let input = ChoicesInput {
        municipalities: poster.map(|m| m.code.to_string()).into_iter().collect(),
        scope: Some("chosen".to_owned()),
        categories: catalog
            .categories
            .iter()
            .filter(|c| c.emergency && !c.restricted)
            .map(|c| c.key.to_string())
            .collect(),
        format: Some(MailFormat::Text.as_str().to_owned()),
        charset: Some(Charset::Utf8.as_str().to_owned()),
        language: Some(lang.as_str().to_owned()),
    };
    let form = RegisterForm {
        action: None,
        lang,
        source: source_of(&fields),
        poster,
        email: String::new(),
        input,
        errors: FormErrors::default(),
        busy: false,
    };
    Ok(shared_page(register_page(&state, &catalog, form)?))
}

async fn register_submit(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<RateLimiter>>,
    ClientIp(client): ClientIp,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let lang = Fields::query(query.as_deref()).lang().unwrap_or_default();
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let Ok(body) = body else {
        return too_large(&catalog, lang);
    };
    let fields = Fields::parse(&body);
    let source = source_of(&fields);
    let poster = fields.first("poster").and_then(|code| catalog.municipality(code.trim()));
    let email = fields.first("email").unwrap_or_default().to_owned();
    let input = fields.choices();
    let parsed = Registration::parse(&email, &input, &catalog.municipalities, &catalog.categories, lang);
    let registration = match parsed {
        Ok(registration) => registration,
        Err(errors) => {
            let form = RegisterForm { action: None, lang, source, poster, email, input, errors, busy: false };
            return Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, register_page(&state, &catalog, form)?));
        }
    };
    let address = registration.email.to_string();
    let submission = Submission { registration, source, poster: poster.map(|m| m.code.clone()) };
    match service::register(&state, &limiter, &catalog, &submission, client).await {
        Ok(Registered::Accepted) => sent_page(&state, &catalog, lang, &address),
        Ok(Registered::ClientBusy) => {
            let form = RegisterForm {
                action: None,
                lang,
                source,
                poster,
                email,
                input,
                errors: FormErrors::default(),
                busy: true,
            };
            Ok(private_page(StatusCode::TOO_MANY_REQUESTS, register_page(&state, &catalog, form)?))
        }
        Err(error) => failure(&catalog, lang, error),
    }
}

/// The same page for a new address, a registered one and one that asked too often.
fn sent_page(state: &AppState, catalog: &Catalog, lang: Lang, address: &str) -> Result<Response, WebError> {
    let hours = state.settings.residents.confirmation.num_hours();
    let domain = &state.settings.mail_domain;
    let title = lang.pick("確認のメールを送りました", "Please check your mail");
    let paragraphs = match lang {
        Lang::Ja => vec![
            format!("{address} あてにメールを送りました。"),
            format!(
                "メールにあるリンクを{hours}時間以内に開き、表示されたページの「登録を完了する」ボタンを押すと、登録が完了します。"
            ),
            "すでに登録済みのアドレスには、登録内容を確認・変更するためのリンクをお送りしています。".to_owned(),
            format!(
                "メールが届かないときは、迷惑メールフォルダや、携帯電話の受信設定（「{domain}」からのメールを受け取る設定）を確かめてから、もう一度お申し込みください。"
            ),
        ],
        Lang::En => vec![
            format!("We have sent a mail to {address}."),
            format!(
                "Open the link in it within {hours} hours and press \"Complete registration\" on the page it shows to complete your registration."
            ),
            "If the address is already registered, the mail holds a link to see and change your choices instead."
                .to_owned(),
            format!(
                "If no mail arrives, check your spam folder and your phone's mail filter (allow mail from \"{domain}\"), then register again."
            ),
        ],
    };
    let mut page = ResidentPage::new(frame(lang, title, catalog, "/register", &[]), title, paragraphs);
    page.success = true;
    page.links = vec![home_link(lang)];
    page.respond(StatusCode::OK)
}

fn too_large(catalog: &Catalog, lang: Lang) -> Result<Response, WebError> {
    let title = lang.pick("入力が長すぎます", "Too much input");
    let text = lang.pick(
        "送られた内容が長すぎるため、受け付けられませんでした。メールアドレスを確かめて、もう一度入力してください。",
        "What was sent is too long to accept. Please check your email address and fill in the form again.",
    );
    let mut page = ResidentPage::new(frame(lang, title, catalog, "/register", &[]), title, vec![text.to_owned()]);
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::PAYLOAD_TOO_LARGE)
}

async fn privacy(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let lang = Fields::query(query.as_deref()).lang().unwrap_or_default();
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let title = lang.pick("個人情報の取り扱い", "Privacy");
    let contacts = catalog
        .municipalities
        .iter()
        .map(|m| (m.name(lang).to_owned(), m.departments.first().cloned().unwrap_or_default()))
        .collect();
    let page = PrivacyPage {
        frame: frame(lang, title, &catalog, "/privacy", &[]),
        register_href: href("/register", &[], lang),
        hours: state.settings.residents.confirmation.num_hours(),
        retention_days: state.settings.residents.unsubscribed_retention.num_days(),
        contacts,
    };
    Ok(shared_page(page.render()?))
}

/// The language of a page opened with a token: `?lang=`, else the resident's.
fn token_lang(asked: Option<Lang>, subscriber: Option<&Subscriber>, headers: &HeaderMap) -> Lang {
    asked.or(subscriber.map(|s| s.language)).unwrap_or_else(|| browser_lang(headers))
}

fn summary_rows(
    catalog: &Catalog,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    lang: Lang,
) -> Vec<(String, String)> {
    let (towns, categories) = catalog.describe(subscriptions, subscriber.emergency_only, lang);
    let format = match (subscriber.format, lang) {
        (MailFormat::Text, Lang::Ja) => "テキスト",
        (MailFormat::Html, Lang::Ja) => "HTML",
        (MailFormat::Text, Lang::En) => "Plain text",
        (MailFormat::Html, Lang::En) => "HTML",
    };
    let charset = match subscriber.charset {
        Charset::Utf8 => lang.pick("標準（UTF-8）", "Standard (UTF-8)"),
        Charset::Iso2022Jp => lang.pick("古い携帯電話向け（ISO-2022-JP）", "For older phones (ISO-2022-JP)"),
    };
    vec![
        (lang.pick("メールアドレス", "Email address").to_owned(), subscriber.email.clone()),
        (lang.pick("市町村", "Municipalities").to_owned(), towns),
        (lang.pick("受け取る情報", "Information").to_owned(), categories),
        (lang.pick("メールの形式", "Mail format").to_owned(), format.to_owned()),
        (lang.pick("文字コード", "Character set").to_owned(), charset.to_owned()),
        (
            lang.pick("メールの言語", "Mail language").to_owned(),
            subscriber.language.pick("日本語", "English").to_owned(),
        ),
    ]
}

async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let found =
        service::confirmation(&state, &token).await.map_err(WebError::store(token_lang(asked, None, &headers)))?;
    let (subscriber, waiting) = match found {
        None => return invalid_link(&state, token_lang(asked, None, &headers)).await,
        Some(Confirmation::Waiting { subscriber, subscriptions }) => (subscriber, Some(subscriptions)),
        Some(Confirmation::AlreadyDone(subscriber)) => (subscriber, None),
    };
    let lang = token_lang(asked, Some(&subscriber), &headers);
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let path = format!("/confirm/{token}");
    let Some(subscriptions) = waiting else {
        return confirmed_page(&catalog, lang, &token, &subscriber, &[], true);
    };
    let title = lang.pick("登録の確認", "Confirm your registration");
    let paragraphs = vec![
        lang.pick(
            "まだ登録は完了していません。内容を確かめて、下の「登録を完了する」ボタンを押してください。",
            "Your registration is not complete yet. Please check the details and press \"Complete registration\" below.",
        )
        .to_owned(),
    ];
    let mut page = ResidentPage::new(frame(lang, title, &catalog, &path, &[]), title, paragraphs);
    page.summary = summary_rows(&catalog, &subscriber, &subscriptions, lang);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("登録を完了する", "Complete registration").to_owned();
    page.links = vec![(
        href("/privacy", &[], lang),
        lang.pick("個人情報の取り扱いについて", "How we handle your personal information").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

fn confirmed_page(
    catalog: &Catalog,
    lang: Lang,
    token: &str,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    earlier: bool,
) -> Result<Response, WebError> {
    let title = lang.pick("登録が完了しました", "Your registration is complete");
    let mut paragraphs = vec![
        if earlier {
            lang.pick("この登録は、すでに完了しています。", "This registration was already completed.")
        } else {
            lang.pick(
                "ご登録ありがとうございます。選んだ市町村からのお知らせを、メールでお届けします。",
                "Thank you. Notices from the municipalities you chose will come to you by mail.",
            )
        }
        .to_owned(),
    ];
    paragraphs.push(
        lang.pick(
            "受け取る内容の変更や配信の停止は、お知らせのメールの末尾にあるリンクからいつでもできます。",
            "You can change your choices or stop the mails at any time with the links at the end of every notice mail.",
        )
        .to_owned(),
    );
    let path = format!("/confirm/{token}");
    let mut page = ResidentPage::new(frame(lang, title, catalog, &path, &[]), title, paragraphs);
    page.success = true;
    if !subscriptions.is_empty() {
        page.summary = summary_rows(catalog, subscriber, subscriptions, lang);
    }
    page.links = vec![
        (
            href(&format!("/manage/{token}"), &[], lang),
            lang.pick("登録内容を変更する", "Change your choices").to_owned(),
        ),
        home_link(lang),
    ];
    page.respond(StatusCode::OK)
}

async fn confirm_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let confirmed =
        service::confirm(&state, &token).await.map_err(WebError::store(token_lang(asked, None, &headers)))?;
    let Some((subscriber, subscriptions)) = confirmed else {
        return invalid_link(&state, token_lang(asked, None, &headers)).await;
    };
    let lang = token_lang(asked, Some(&subscriber), &headers);
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    confirmed_page(&catalog, lang, &token, &subscriber, &subscriptions, false)
}

/// Resolves a token for the manage, unsubscribe and erase pages; `Err` holds
/// the response to give instead (an invalid-link page or a redirect).
async fn resident_for(
    state: &AppState,
    token: &str,
    asked: Option<Lang>,
    headers: &HeaderMap,
) -> Result<Result<(Subscriber, Lang), Response>, WebError> {
    let fallback = token_lang(asked, None, headers);
    match service::holder(state, token).await.map_err(WebError::store(fallback))? {
        None => Ok(Err(invalid_link(state, fallback).await?)),
        Some(Holder::NotYetConfirmed) => {
            let to = href(&format!("/confirm/{token}"), &[], asked.unwrap_or_default());
            Ok(Err(Redirect::to(&to).into_response()))
        }
        Some(Holder::Resident(subscriber)) => {
            let lang = token_lang(asked, Some(&subscriber), headers);
            Ok(Ok((subscriber, lang)))
        }
    }
}

/// Pages reached through a notice mail show the address masked: such a mail
/// may have been forwarded to someone else.
fn masked(subscriber: &Subscriber) -> String {
    kizuna_core::EmailAddress::parse(&subscriber.email).map_or_else(|_| "***".to_owned(), |a| a.masked())
}

struct ManageView<'a> {
    token: &'a str,
    subscriber: &'a Subscriber,
    input: ChoicesInput,
    errors: FormErrors,
    saved: bool,
}

fn manage_html(catalog: &Catalog, lang: Lang, view: ManageView<'_>) -> Result<String, WebError> {
    let path = format!("/manage/{}", view.token);
    let form = ChoicesView::new(catalog, &view.input, &view.errors, lang);
    let title = lang.pick("登録内容の確認・変更", "Your registration");
    let title = if view.errors.is_empty() {
        title.to_owned()
    } else {
        format!("{}{title}", lang.pick("入力エラー: ", "Error: "))
    };
    let address = masked(view.subscriber);
    let page = ManagePage {
        frame: frame(lang, &title, catalog, &path, &[]),
        action: href(&path, &[], lang),
        address,
        status: view.subscriber.status.as_str(),
        errors: form.error_links(&view.errors, lang),
        saved: view.saved,
        form,
        unsubscribe_href: href(&format!("/unsubscribe/{}", view.token), &[], lang),
        erase_href: href(&format!("{path}/erase"), &[], lang),
        register_href: href("/register", &[], lang),
        privacy_href: href("/privacy", &[], lang),
    };
    Ok(page.render()?)
}

async fn manage_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let input = service::current_choices(&state, &catalog, &subscriber).await.map_err(WebError::store(lang))?;
    let view =
        ManageView { token: &token, subscriber: &subscriber, input, errors: FormErrors::default(), saved: false };
    Ok(private_page(StatusCode::OK, manage_html(&catalog, lang, view)?))
}

async fn manage_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let Ok(body) = body else {
        return too_large(&catalog, lang);
    };
    let input = Fields::parse(&body).choices();
    if subscriber.status != SubscriberStatus::Active {
        let stored = service::current_choices(&state, &catalog, &subscriber).await.map_err(WebError::store(lang))?;
        let view = ManageView {
            token: &token,
            subscriber: &subscriber,
            input: stored,
            errors: FormErrors::default(),
            saved: false,
        };
        return Ok(private_page(StatusCode::CONFLICT, manage_html(&catalog, lang, view)?));
    }
    match Choices::parse(&input, &catalog.municipalities, &catalog.categories, subscriber.language) {
        Err(errors) => {
            let view = ManageView { token: &token, subscriber: &subscriber, input, errors, saved: false };
            Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, manage_html(&catalog, lang, view)?))
        }
        Ok(choices) => {
            let saved = service::change_choices(&state, &catalog, &subscriber, &choices)
                .await
                .map_err(WebError::store(lang))?;
            let input = service::current_choices(&state, &catalog, &saved).await.map_err(WebError::store(lang))?;
            let view =
                ManageView { token: &token, subscriber: &saved, input, errors: FormErrors::default(), saved: true };
            Ok(private_page(StatusCode::OK, manage_html(&catalog, lang, view)?))
        }
    }
}

async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let path = format!("/unsubscribe/{token}");
    if subscriber.status == SubscriberStatus::Unsubscribed {
        return unsubscribed_page(&catalog, lang, &token, true);
    }
    let title = lang.pick("配信の停止", "Stop the mails");
    let paragraphs = vec![match lang {
        Lang::Ja => format!(
            "{} へのお知らせメールを、すべて停止します。よろしければ、下のボタンを押してください。",
            masked(&subscriber)
        ),
        Lang::En => format!(
            "This stops every notice mail to {}. If that is what you want, press the button below.",
            masked(&subscriber)
        ),
    }];
    let mut page = ResidentPage::new(frame(lang, title, &catalog, &path, &[]), title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("配信を停止する", "Stop all mails").to_owned();
    page.links = vec![(
        href(&format!("/manage/{token}"), &[], lang),
        lang.pick("停止せずに、受け取る内容を変更する", "Change what you receive instead").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

fn unsubscribed_page(catalog: &Catalog, lang: Lang, token: &str, earlier: bool) -> Result<Response, WebError> {
    let title = lang.pick("配信を停止しました", "The mails are stopped");
    let first = if earlier {
        lang.pick("このアドレスへの配信は、すでに停止しています。", "Mail to this address was already stopped.")
    } else {
        lang.pick(
            "このアドレスへのお知らせメールを停止しました。",
            "No more notice mails will be sent to this address.",
        )
    };
    let paragraphs = vec![
        first.to_owned(),
        lang.pick(
            "もう一度受け取りたいときは、あらためて登録してください。記録を残したくない場合は、登録情報をすぐに削除できます。",
            "To receive them again, please register anew. If you want nothing kept, you can erase your data now.",
        )
        .to_owned(),
    ];
    let path = format!("/unsubscribe/{token}");
    let mut page = ResidentPage::new(frame(lang, title, catalog, &path, &[]), title, paragraphs);
    page.success = true;
    page.links = vec![
        (
            href(&format!("/manage/{token}/erase"), &[], lang),
            lang.pick("登録情報を削除する", "Erase my data").to_owned(),
        ),
        register_link(lang),
        home_link(lang),
    ];
    page.respond(StatusCode::OK)
}

/// One-click unsubscribe (RFC 8058): a mail program POSTs
/// `List-Unsubscribe=One-Click` without cookies; a person presses the button.
/// Either way the POST alone is enough, and its body is not needed.
async fn unsubscribe_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let changed = service::unsubscribe(&state, &subscriber).await.map_err(WebError::store(lang))?;
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    unsubscribed_page(&catalog, lang, &token, !changed)
}

async fn erase_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let path = format!("/manage/{token}/erase");
    let title = lang.pick("登録情報の削除", "Erase my data");
    let paragraphs = match lang {
        Lang::Ja => vec![
            format!("{} と、選んだ市町村・分類などの登録情報をすべて削除し、配信を停止します。元に戻すことはできません。", masked(&subscriber)),
            "このアドレスに二度と勝手に送らないように、アドレスから計算した元に戻せない値（ハッシュ値）だけを残します。あらためて登録すれば、また受け取れます。".to_owned(),
        ],
        Lang::En => vec![
            format!("This erases {} and everything you chose, and stops all mail. It cannot be undone.", masked(&subscriber)),
            "So that this address is never mailed again by mistake, we keep only a one-way hash computed from it. You can register again at any time.".to_owned(),
        ],
    };
    let mut page = ResidentPage::new(frame(lang, title, &catalog, &path, &[]), title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("登録情報を削除する", "Erase my data").to_owned();
    page.links = vec![(
        href(&format!("/manage/{token}"), &[], lang),
        lang.pick("削除せずに戻る", "Go back without erasing").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

async fn erase_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let (subscriber, lang) = match resident_for(&state, &token, asked, &headers).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    service::erase(&state, &subscriber).await.map_err(WebError::store(lang))?;
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let title = lang.pick("登録情報を削除しました", "Your data is erased");
    let paragraphs = vec![
        lang.pick(
            "メールアドレスと登録内容を削除しました。これまでのメールにあるリンクは、もう使えません。",
            "Your address and choices are erased. The links in earlier mails no longer work.",
        )
        .to_owned(),
    ];
    let mut page = ResidentPage::new(frame(lang, title, &catalog, "/register", &[]), title, paragraphs);
    page.success = true;
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::OK)
}

/// The address an empty-mail reply link proves, while the link is unused and valid.
async fn mail_token_address(state: &AppState, token: &str) -> Result<Option<String>, kizuna_store::StoreError> {
    use kizuna_core::subscriber::TokenPurpose;
    let hash = kizuna_core::token::SecretToken::from_presented(token).hash();
    let link = state.store.link_token(&hash, state.clock.now()).await?;
    Ok(link.filter(|l| l.purpose == TokenPurpose::EmptyMailReply && l.used_at.is_none()).and_then(|l| l.email))
}

/// 空メール登録: the link in the reply to an empty mail. The address is already
/// proven, so the resident only chooses; the registration is active at once.
async fn mail_register_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let fields = Fields::query(query.as_deref());
    let lang = fields.lang().unwrap_or_else(|| browser_lang(&headers));
    let Some(email) = mail_token_address(&state, &token).await.map_err(WebError::store(lang))? else {
        return invalid_link(&state, lang).await;
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let poster = fields.first("municipality").and_then(|code| catalog.municipality(code.trim()));
    // The address is known: a carrier address starts on the charset every phone shows.
    let charset = kizuna_core::EmailAddress::parse(&email)
        .map_or(Charset::Utf8, |address| kizuna_mail::message::charset_before_choice(&address));
    let input = ChoicesInput {
        municipalities: poster.map(|m| m.code.to_string()).into_iter().collect(),
        scope: Some("chosen".to_owned()),
        categories: catalog
            .categories
            .iter()
            .filter(|c| c.emergency && !c.restricted)
            .map(|c| c.key.to_string())
            .collect(),
        format: Some(MailFormat::Text.as_str().to_owned()),
        charset: Some(charset.as_str().to_owned()),
        language: Some(lang.as_str().to_owned()),
    };
    let source = if poster.is_some() { RegistrationSource::EmptyMailQr } else { RegistrationSource::EmptyMail };
    let form = RegisterForm {
        action: Some(format!("/register/mail/{token}")),
        lang,
        source,
        poster,
        email,
        input,
        errors: FormErrors::default(),
        busy: false,
    };
    Ok(private_page(StatusCode::OK, register_page(&state, &catalog, form)?))
}

async fn mail_register_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let lang = Fields::query(query.as_deref()).lang().unwrap_or_default();
    let Some(email) = mail_token_address(&state, &token).await.map_err(WebError::store(lang))? else {
        return invalid_link(&state, lang).await;
    };
    let catalog = Catalog::load(&state).await.map_err(WebError::store(lang))?;
    let Ok(body) = body else {
        return too_large(&catalog, lang);
    };
    let fields = Fields::parse(&body);
    let poster = fields.first("poster").and_then(|code| catalog.municipality(code.trim()));
    let source = if poster.is_some() { RegistrationSource::EmptyMailQr } else { RegistrationSource::EmptyMail };
    let input = fields.choices();
    let registration = match Registration::parse(&email, &input, &catalog.municipalities, &catalog.categories, lang) {
        Ok(registration) => registration,
        Err(errors) => {
            let action = Some(format!("/register/mail/{token}"));
            let form = RegisterForm { action, lang, source, poster, email, input, errors, busy: false };
            return Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, register_page(&state, &catalog, form)?));
        }
    };
    let submission = Submission { registration, source, poster: poster.map(|m| m.code.clone()) };
    match service::register_proven(&state, &catalog, &submission, &token).await {
        Ok(Some((subscriber, subscriptions, manage_token))) => {
            confirmed_page(&catalog, lang, &manage_token, &subscriber, &subscriptions, false)
        }
        Ok(None) => invalid_link(&state, lang).await,
        Err(error) => failure(&catalog, lang, error),
    }
}
