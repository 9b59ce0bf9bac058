//! HTTP routes: the home page, `/healthz` and `/metrics`, and every feature's
//! routes merged into one router (the archive, posters, residents, the API), with
//! what their pages share. Handlers extract, call one service, and render.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kizuna_core::Lang;
use kizuna_core::i18n::DEFAULT_LANGUAGE;
use kizuna_core::lang::Languages;
use serde::Deserialize;

use crate::archive;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts::{self, PageText};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/kizuna.css", get(stylesheet))
        .merge(crate::archive::routes())
        .merge(crate::posters::routes())
        .merge(crate::residents::routes())
        .merge(crate::check_ins::routes())
        .merge(crate::surveys::routes())
        .merge(crate::api::routes())
        .merge(crate::console::routes(state.clone()))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), crate::page_cache::serve))
        .with_state(state)
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    /// `?lang=` among the offered languages (`en-US` reads as `en`), else Japanese.
    pub(crate) fn lang(&self, offered: &Languages) -> Lang {
        self.lang.as_deref().map(|tag| offered.resolve(tag)).unwrap_or_default()
    }
}

/// Query parameters as given. Read leniently (a repeated key keeps its first value)
/// so that no malformed address ends in a framework error instead of our page.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(query: Option<&str>) -> Self {
        Self(query.and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default())
    }

    pub(crate) fn get(&self, key: &str) -> &str {
        self.0.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
    }

    /// `?lang=` among the offered languages (`en-US` reads as `en`), else Japanese.
    pub(crate) fn lang(&self, offered: &Languages) -> Lang {
        offered.resolve(self.get("lang"))
    }
}

/// `path` as a reader of `lang` opens it: with `?lang=<tag>` unless the
/// language is Japanese, the default.
pub(crate) fn with_lang(path: &str, lang: Lang) -> String {
    if lang.as_str() == DEFAULT_LANGUAGE { path.to_owned() } else { format!("{path}?lang={lang}") }
}

/// A link to the same page in another offered language, named in that language.
pub struct LanguageLink {
    pub tag: &'static str,
    pub href: String,
    pub label: String,
}

/// The parts every page shares: language, links to the other languages, names.
pub struct Frame {
    pub lang: &'static str,
    pub title: String,
    pub site_name: String,
    pub consortium: String,
    pub home_href: String,
    /// The same page in every other offered language, in the configured order.
    pub languages: Vec<LanguageLink>,
}

impl Frame {
    pub(crate) fn new(lang: Lang, offered: &Languages, title: String, consortium: &str, path: &str) -> Self {
        let mut frame = Self {
            lang: lang.as_str(),
            title,
            site_name: texts::text(lang, "layout-site-name").into_owned(),
            consortium: consortium.to_owned(),
            home_href: with_lang("/", lang),
            languages: Vec::new(),
        };
        frame.link_languages(offered, |other| with_lang(path, other));
        frame
    }

    /// Points the language links at `href(language)`: for a page whose address
    /// carries more than its path (a search's filters, a form's source).
    pub(crate) fn link_languages(&mut self, offered: &Languages, href: impl Fn(Lang) -> String) {
        self.languages = offered
            .iter()
            .filter(|other| other.as_str() != self.lang)
            .map(|other| LanguageLink {
                tag: other.as_str(),
                href: href(other),
                label: texts::text(other, "locale-name").into_owned(),
            })
            .collect();
    }

    /// A text of the server's catalog in the page's language: `{{ frame.t("key") }}`.
    pub fn t<'a>(&self, key: &'static str) -> PageText<'a> {
        PageText::new(self.lang, key)
    }

    /// What a link adds to keep the page's language: nothing in the default
    /// language, else `?lang=<tag>`.
    pub fn lang_query(&self) -> String {
        self.lang_param().map(|tag| format!("?lang={tag}")).unwrap_or_default()
    }

    /// The page's language when it is not the default, for a form's hidden `lang` field.
    pub fn lang_param(&self) -> Option<&'static str> {
        (self.lang != DEFAULT_LANGUAGE).then_some(self.lang)
    }
}

pub struct MunicipalityView {
    name: String,
    other_name: String,
    other_lang: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    municipalities: Vec<MunicipalityView>,
    notices: Vec<archive::NoticeView>,
}

/// How public pages and feeds may be kept by a browser, a caching proxy or a
/// CDN in front: fresh for 30 s, then served while it asks again for 30 s more.
pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=30, stale-while-revalidate=30";

pub(crate) fn public_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_CACHE_CONTROL));
    response
}

async fn home(State(state): State<AppState>, Query(query): Query<LangQuery>) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let lang = query.lang(offered);
    let directory = state.directory.current();
    let notices = archive::latest(&state, 20).await.map_err(archive::web_error(lang))?;
    let title = texts::text(lang, "home-title").into_owned();
    let page = HomePage {
        frame: Frame::new(lang, offered, title, directory.consortium_name(lang), "/"),
        municipalities: directory
            .municipalities
            .iter()
            .map(|m| {
                let (other_lang, other_name) = m.name_beside(lang);
                MunicipalityView {
                    name: m.name(lang).to_owned(),
                    other_name: other_name.to_owned(),
                    other_lang: other_lang.as_str(),
                }
            })
            .collect(),
        notices: archive::notice_views(&notices, &directory, lang),
    };
    Ok(public_page(page.render()?))
}

async fn not_found(State(state): State<AppState>, Query(query): Query<LangQuery>) -> WebError {
    WebError::NotFound(query.lang(&state.settings.languages))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../static/kizuna.css"),
    )
}

/// 200 while the database answers and the jobs keep up; 503 with the failing checks otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    let mut checks = HashMap::new();
    let database = match state.store.ping().await {
        Ok(()) => "ok".to_owned(),
        Err(error) => {
            tracing::warn!(%error, "health check: database");
            "unreachable".to_owned()
        }
    };
    let mut healthy = database == "ok";
    checks.insert("database", database);
    let now = state.clock.now();
    if healthy {
        match crate::delivery::stuck_emergency(&state, now).await {
            Ok(None) => {
                checks.insert("emergency_queue", "ok".to_owned());
            }
            Ok(Some(age)) => {
                healthy = false;
                checks.insert("emergency_queue", format!("an emergency has waited {} s", age.num_seconds()));
            }
            Err(error) => {
                healthy = false;
                checks.insert("emergency_queue", format!("unknown: {error}"));
            }
        }
    }
    match state.relay.down_since() {
        Some(since) if now - since > state.settings.delivery.relay_alert => {
            healthy = false;
            checks.insert("relay", format!("unreachable for {} s", (now - since).num_seconds()));
        }
        _ => {
            checks.insert("relay", "ok".to_owned());
        }
    }
    if state.settings.jma.enabled() {
        match crate::jma_poller::health(&state, now).await {
            Ok(None) => {
                checks.insert("jma_poller", "ok".to_owned());
            }
            Ok(Some(problem)) => {
                healthy = false;
                checks.insert("jma_poller", problem);
            }
            Err(error) => {
                healthy = false;
                checks.insert("jma_poller", format!("unknown: {error}"));
            }
        }
    }
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = serde_json::json!({ "status": if healthy { "ok" } else { "unhealthy" }, "checks": checks });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// Prometheus text, for loopback callers or holders of the metrics token.
async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let token_ok = state.settings.metrics_token.as_ref().is_some_and(|token| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.as_bytes(), token.expose().as_bytes()))
    });
    if !peer.ip().is_loopback() && !token_ok {
        return (StatusCode::FORBIDDEN, "metrics are served to loopback or with the metrics token\n").into_response();
    }
    let mut out = String::new();
    let up = i32::from(state.store.ping().await.is_ok());
    let _ = writeln!(out, "# HELP kizuna_database_up Whether the database answered this scrape.");
    let _ = writeln!(out, "# TYPE kizuna_database_up gauge\nkizuna_database_up {up}");
    let _ = writeln!(out, "# HELP kizuna_build_info The running version.");
    let _ = writeln!(
        out,
        "# TYPE kizuna_build_info gauge\nkizuna_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    let now = state.clock.now();
    let relay_down = state.relay.down_since().map_or(0, |since| (now - since).num_seconds());
    let _ =
        writeln!(out, "# HELP kizuna_relay_unreachable_seconds How long the relay has been unreachable (0 when up).");
    let _ =
        writeln!(out, "# TYPE kizuna_relay_unreachable_seconds gauge\nkizuna_relay_unreachable_seconds {relay_down}");
    if let Ok(oldest) = state.store.oldest_waiting_emergency().await {
        let age = oldest.map_or(0, |at| (now - at).num_seconds().max(0));
        let _ = writeln!(
            out,
            "# HELP kizuna_emergency_oldest_waiting_seconds Age of the oldest emergency message not yet sent."
        );
        let _ = writeln!(
            out,
            "# TYPE kizuna_emergency_oldest_waiting_seconds gauge\nkizuna_emergency_oldest_waiting_seconds {age}"
        );
    }
    if let Ok(counts) = state.store.subscriber_counts().await {
        let _ = writeln!(out, "# HELP kizuna_subscriptions_active Active residents per municipality and category.");
        let _ = writeln!(out, "# TYPE kizuna_subscriptions_active gauge");
        for count in counts {
            let _ = writeln!(
                out,
                "kizuna_subscriptions_active{{municipality=\"{}\",category=\"{}\"}} {}",
                count.municipality, count.category, count.active
            );
        }
    }
    let (hits, misses) = state.pages.counts();
    let _ =
        writeln!(out, "# HELP kizuna_public_pages_total Public answers served from memory (hit) or rendered (miss).");
    let _ = writeln!(out, "# TYPE kizuna_public_pages_total counter");
    let _ = writeln!(
        out,
        "kizuna_public_pages_total{{result=\"hit\"}} {hits}\nkizuna_public_pages_total{{result=\"miss\"}} {misses}"
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
