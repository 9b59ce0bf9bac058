//! HTTP routes: the home page, `/healthz` and `/metrics`, and every feature's
//! routes merged into one router (the archive, posters, residents, the API), with
//! what their pages share. Handlers extract, call one service, and render.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kizuna_core::Lang;
use kizuna_core::i18n::DEFAULT_LANGUAGE;
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
        .merge(crate::api::routes())
        .merge(crate::console::routes(state.clone()))
        .fallback(not_found)
        .with_state(state)
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    pub(crate) fn lang(&self) -> Lang {
        self.lang.as_deref().map(Lang::from_tag).unwrap_or_default()
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

    pub(crate) fn lang(&self) -> Lang {
        Lang::from_tag(self.get("lang"))
    }
}

/// The parts every page shares: language, switch link, names.
pub struct Frame {
    pub lang: &'static str,
    pub en: bool,
    pub title: String,
    pub site_name: String,
    pub consortium: String,
    pub home_href: &'static str,
    pub switch_href: String,
    pub switch_label: &'static str,
    pub switch_lang: &'static str,
}

impl Frame {
    pub(crate) fn new(lang: Lang, title: String, consortium: &str, path: &str) -> Self {
        let en = lang == Lang::En;
        Self {
            lang: lang.as_str(),
            en,
            title,
            site_name: texts::text(lang, "layout-site-name").into_owned(),
            consortium: consortium.to_owned(),
            home_href: if en { "/?lang=en" } else { "/" },
            switch_href: if en { path.to_owned() } else { format!("{path}?lang=en") },
            switch_label: if en { "日本語" } else { "English" },
            switch_lang: if en { "ja" } else { "en" },
        }
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

/// Public pages may be cached briefly, so a proxy absorbs a disaster-time surge.
pub(crate) fn public_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=30"));
    response
}

async fn home(State(state): State<AppState>, Query(query): Query<LangQuery>) -> Result<Response, WebError> {
    let lang = query.lang();
    let directory = state.directory.current();
    let notices = archive::latest(&state, 20).await.map_err(archive::web_error(lang))?;
    let page = HomePage {
        frame: Frame::new(lang, texts::text(lang, "home-title").into_owned(), directory.consortium_name(lang), "/"),
        municipalities: directory
            .municipalities
            .iter()
            .map(|m| MunicipalityView {
                name: m.name(lang).to_owned(),
                other_name: m.name(if lang == Lang::En { Lang::Ja } else { Lang::En }).to_owned(),
                other_lang: if lang == Lang::En { "ja" } else { "en" },
            })
            .collect(),
        notices: archive::notice_views(&notices, &directory, lang),
    };
    Ok(public_page(page.render()?))
}

async fn not_found(Query(query): Query<LangQuery>) -> WebError {
    WebError::NotFound(query.lang())
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
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
