//! HTTP routes: the public pages, `/healthz` and `/metrics`. Handlers extract,
//! call the store through one function, and render.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kizuna_core::Lang;
use kizuna_core::consortium::{Category, Municipality};
use kizuna_core::notice::Urgency;
use kizuna_core::time::{format_en, format_ja, rfc3339_tokyo};
use kizuna_store::{Notice, NoticeQuery};
use serde::Deserialize;

use crate::error::WebError;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/notices/{id}", get(notice_page))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/static/kizuna.css", get(stylesheet))
        .fallback(not_found)
        .with_state(state)
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        self.lang.as_deref().map(Lang::from_tag).unwrap_or_default()
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
    fn new(lang: Lang, title: String, consortium: &str, path: &str) -> Self {
        let en = lang == Lang::En;
        Self {
            lang: lang.as_str(),
            en,
            title,
            site_name: lang.pick("きずなメール", "Kizuna alerts").to_owned(),
            consortium: consortium.to_owned(),
            home_href: if en { "/?lang=en" } else { "/" },
            switch_href: if en { path.to_owned() } else { format!("{path}?lang=en") },
            switch_label: if en { "日本語" } else { "English" },
            switch_lang: if en { "ja" } else { "en" },
        }
    }
}

pub struct MunicipalityView {
    name: String,
    other_name: String,
    other_lang: &'static str,
}

pub struct NoticeView {
    href: String,
    title: String,
    title_lang: &'static str,
    date: String,
    datetime: String,
    category: String,
    municipalities: String,
    emergency: bool,
    exercise: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    municipalities: Vec<MunicipalityView>,
    notices: Vec<NoticeView>,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    frame: Frame,
    title: String,
    body: String,
    text_lang: &'static str,
    date: String,
    datetime: String,
    category: String,
    municipalities: String,
    emergency: bool,
    exercise: bool,
    superseded: bool,
}

/// Public pages may be cached briefly, so a proxy absorbs a disaster-time surge.
fn public_page(html: String) -> Response {
    let mut response = Html(html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=30"));
    response
}

fn format_date(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    match lang {
        Lang::Ja => format_ja(at),
        Lang::En => format_en(at),
    }
}

struct Names {
    municipalities: Vec<Municipality>,
    categories: Vec<Category>,
    consortium: String,
}

impl Names {
    async fn load(state: &AppState, lang: Lang) -> Result<Self, WebError> {
        let store = &state.store;
        let municipalities = store.municipalities().await.map_err(WebError::store(lang))?;
        let categories = store.categories().await.map_err(WebError::store(lang))?;
        let consortium = store
            .consortium()
            .await
            .map_err(WebError::store(lang))?
            .map(|c| lang.pick(&c.name_ja, &c.name_en).to_owned())
            .unwrap_or_default();
        Ok(Self { municipalities, categories, consortium })
    }

    fn municipalities_of(&self, notice: &Notice, lang: Lang) -> String {
        let names: Vec<&str> = notice
            .municipalities
            .iter()
            .filter_map(|code| self.municipalities.iter().find(|m| m.code.as_str() == code))
            .map(|m| m.name(lang))
            .collect();
        names.join(lang.pick("・", ", "))
    }

    fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key.as_str() == key)
    }

    fn category_name(&self, key: &str, lang: Lang) -> String {
        self.category(key).map_or_else(|| key.to_owned(), |c| c.name(lang).to_owned())
    }
}

fn notice_view(notice: &Notice, names: &Names, lang: Lang) -> NoticeView {
    let english = lang == Lang::En && notice.title_en.is_some();
    let at = notice.sent_at.unwrap_or(notice.created_at);
    NoticeView {
        href: format!("/notices/{}{}", notice.id, if lang == Lang::En { "?lang=en" } else { "" }),
        title: if english { notice.title_en.clone().unwrap_or_default() } else { notice.title.clone() },
        title_lang: if lang == Lang::En && !english { "ja" } else { "" },
        date: format_date(at, lang),
        datetime: rfc3339_tokyo(at),
        category: names.category_name(&notice.category, lang),
        municipalities: names.municipalities_of(notice, lang),
        emergency: notice.urgency == Urgency::Emergency,
        exercise: notice.exercise,
    }
}

async fn home(State(state): State<AppState>, Query(query): Query<LangQuery>) -> Result<Response, WebError> {
    let lang = query.lang();
    let names = Names::load(&state, lang).await?;
    let latest = NoticeQuery { limit: 20, ..NoticeQuery::default() };
    let mut notices = state.store.public_notices(&latest).await.map_err(WebError::store(lang))?;
    // Emergencies first, newest first within each group (the sort is stable).
    notices.sort_by_key(|n| n.urgency != Urgency::Emergency);
    let page = HomePage {
        frame: Frame::new(lang, lang.pick("トップ", "Home").to_owned(), &names.consortium, "/"),
        municipalities: names
            .municipalities
            .iter()
            .map(|m| MunicipalityView {
                name: m.name(lang).to_owned(),
                other_name: m.name(if lang == Lang::En { Lang::Ja } else { Lang::En }).to_owned(),
                other_lang: if lang == Lang::En { "ja" } else { "en" },
            })
            .collect(),
        notices: notices.iter().map(|n| notice_view(n, &names, lang)).collect(),
    };
    Ok(public_page(page.render()?))
}

async fn notice_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, WebError> {
    let lang = query.lang();
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(lang))?;
    let notice = state.store.notice(id).await.map_err(WebError::store(lang))?;
    let names = Names::load(&state, lang).await?;
    let notice = notice
        .filter(|n| n.status.is_published())
        .filter(|n| names.category(&n.category).is_some_and(|c| !c.restricted))
        .ok_or(WebError::NotFound(lang))?;
    let view = notice_view(&notice, &names, lang);
    let english = lang == Lang::En && notice.body_en.is_some();
    let page = NoticePage {
        frame: Frame::new(lang, view.title.clone(), &names.consortium, &format!("/notices/{id}")),
        body: if english { notice.body_en.clone().unwrap_or_default() } else { notice.body.clone() },
        text_lang: view.title_lang,
        title: view.title,
        date: view.date,
        datetime: view.datetime,
        category: view.category,
        municipalities: view.municipalities,
        emergency: view.emergency,
        exercise: view.exercise,
        superseded: notice.status == kizuna_core::notice::NoticeStatus::Superseded,
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
