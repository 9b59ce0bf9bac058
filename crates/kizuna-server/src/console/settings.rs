//! Reference data and integrations at `/admin/settings` (consortium admins):
//! municipalities' names and senders, areas (地区), categories, quiet hours,
//! pacing per carrier domain, webhooks and API keys. Every change is audited
//! and reaches every running process through the change channel, without a restart.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::consortium::Category;
use kizuna_core::quiet::QuietHours;
use kizuna_core::staff::{ApiKeySecret, ApiRight, Scope};
use kizuna_core::{CategoryKey, Lang, MunicipalityCode};
use kizuna_store::{NewApiKey, NewAuditEntry, PacingRule, StoreError};

use super::form::{Errors, Fields, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, render};
use super::session::Signed;
use crate::state::AppState;
use crate::texts;

pub struct TownRow {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub sender: String,
    pub areas: Vec<(i64, String, String)>,
}

pub struct CategoryRow {
    pub key: String,
    pub name_ja: String,
    pub name_en: String,
    pub emergency: bool,
    pub restricted: bool,
}

pub struct KeyRow {
    pub id: i64,
    pub prefix: String,
    pub label: String,
    pub scope: String,
    pub revoked: bool,
}

pub struct HookRow {
    pub id: i64,
    pub url: String,
    pub removed: bool,
    pub last: String,
}

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    frame: ConsoleFrame,
    errors: Errors,
    quiet_start: String,
    quiet_end: String,
    quiet_on: bool,
    towns: Vec<TownRow>,
    categories: Vec<CategoryRow>,
    pacing: String,
    hooks: Vec<HookRow>,
    keys: Vec<KeyRow>,
    mail_domain: String,
}

fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "console: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

async fn audit(state: &AppState, signed: &Signed, action: &str, subject: String, detail: String) {
    let entry = NewAuditEntry::new(signed.actor.name(), action, subject, detail).from_client(&signed.client);
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

async fn settings_page(
    state: &AppState,
    signed: &Signed,
    status: StatusCode,
    errors: Errors,
    banner: Option<String>,
) -> Response {
    let lang = signed.lang;
    // Read afresh, not from this process's directory: the page shows what is stored.
    let loaded = async {
        let municipalities = state.store.municipalities().await?;
        let mut towns = Vec::new();
        for m in &municipalities {
            let areas = state.store.areas(&m.code).await?;
            towns.push(TownRow {
                code: m.code.to_string(),
                name_ja: m.name_ja.clone(),
                name_en: m.name_en.clone(),
                sender: m.sender_local.clone(),
                areas: areas.into_iter().map(|a| (a.id, a.name_ja, a.name_en)).collect(),
            });
        }
        let categories = state.store.categories().await?;
        let quiet = state.store.quiet_hours().await?;
        let pacing = state.store.pacing_rules().await?;
        let hooks = state.store.webhooks().await?;
        let keys = state.store.api_keys().await?;
        Ok::<_, StoreError>((towns, categories, quiet, pacing, hooks, keys, municipalities))
    }
    .await;
    let (towns, categories, quiet, pacing, hooks, keys, municipalities) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return store_failure(lang, error),
    };
    let town_name = |scope: &Scope| match scope {
        Scope::AllMunicipalities => texts::text(lang, "console-scope-all").into_owned(),
        Scope::Municipality(code) => municipalities
            .iter()
            .find(|m| &m.code == code)
            .map_or_else(|| code.to_string(), |m| m.name(lang).to_owned()),
    };
    let directory = state.directory.current();
    let title = texts::text(lang, "console-settings-title").into_owned();
    let page = SettingsPage {
        frame: ConsoleFrame::signed(signed, &directory, title, "/admin/settings").with_banner(banner),
        errors,
        quiet_start: quiet.map(|q| q.start_text()).unwrap_or_else(|| "21:00".to_owned()),
        quiet_end: quiet.map(|q| q.end_text()).unwrap_or_else(|| "07:00".to_owned()),
        quiet_on: quiet.is_some(),
        towns,
        categories: categories
            .into_iter()
            .map(|c| CategoryRow {
                key: c.key.to_string(),
                name_ja: c.name_ja,
                name_en: c.name_en,
                emergency: c.emergency,
                restricted: c.restricted,
            })
            .collect(),
        pacing: pacing.iter().map(|p| format!("{}={}", p.domain, p.per_minute)).collect::<Vec<_>>().join("\n"),
        hooks: hooks
            .into_iter()
            .map(|h| HookRow {
                id: h.id,
                url: h.url,
                removed: h.removed_at.is_some(),
                last: h
                    .last_delivery
                    .map(|(status, at)| format!("{} {}", status.as_str(), pages::jst(at, lang)))
                    .unwrap_or_default(),
            })
            .collect(),
        keys: keys
            .into_iter()
            .map(|k| KeyRow {
                id: k.id,
                prefix: k.prefix,
                label: k.label,
                scope: town_name(&k.scope),
                revoked: k.revoked_at.is_some(),
            })
            .collect(),
        mail_domain: state.settings.mail_domain.clone(),
    };
    render(status, &page)
}

pub async fn page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let banner = pages::banner(signed.lang, Some(query.get("done")));
    settings_page(&state, &signed, StatusCode::OK, Errors::default(), banner).await
}

async fn refuse(state: &AppState, signed: &Signed, field: &'static str, key: &'static str) -> Response {
    let mut errors = Errors::default();
    errors.add(field, texts::text(signed.lang, key));
    settings_page(state, signed, StatusCode::UNPROCESSABLE_ENTITY, errors, None).await
}

pub async fn quiet_hours(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let quiet = if form.get("quiet") == "on" {
        match QuietHours::parse(form.get("quiet_start"), form.get("quiet_end")) {
            Some(quiet) => Some(quiet),
            None => return refuse(&state, &signed, "quiet_start", "console-settings-quiet-invalid").await,
        }
    } else {
        None
    };
    if let Err(error) = state.store.set_quiet_hours(quiet.as_ref()).await {
        return store_failure(signed.lang, error);
    }
    let detail = quiet.map_or_else(
        || "{\"quiet\":null}".to_owned(),
        |q| format!("{{\"quiet\":[\"{}\",\"{}\"]}}", q.start_text(), q.end_text()),
    );
    audit(&state, &signed, "settings_quiet_hours", "consortium".into(), detail).await;
    pages::done("/admin/settings", "settings-saved")
}

pub async fn municipality(
    State(state): State<AppState>,
    signed: Signed,
    Path(code): Path<String>,
    form: Fields,
) -> Response {
    let Ok(code) = MunicipalityCode::parse(&code) else {
        return pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-error-not-found");
    };
    let (name_ja, name_en, sender) =
        (form.get("name_ja").trim(), form.get("name_en").trim(), form.get("sender_local").trim());
    let sender_ok = !sender.is_empty()
        && kizuna_core::EmailAddress::parse(&format!("{sender}@{}", state.settings.mail_domain)).is_ok();
    if name_ja.is_empty() || name_en.is_empty() || !sender_ok {
        return refuse(&state, &signed, "municipality", "console-settings-municipality-invalid").await;
    }
    match state.store.update_municipality(&code, name_ja, name_en, sender).await {
        Ok(()) => {
            let detail =
                serde_json::json!({ "name_ja": name_ja, "name_en": name_en, "sender_local": sender }).to_string();
            audit(&state, &signed, "settings_municipality", format!("municipality:{code}"), detail).await;
            pages::done("/admin/settings", "settings-saved")
        }
        Err(StoreError::NotFound) => pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-error-not-found"),
        Err(error) => store_failure(signed.lang, error),
    }
}

pub async fn add_area(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let (name_ja, name_en) = (form.get("name_ja").trim(), form.get("name_en").trim());
    let Ok(code) = MunicipalityCode::parse(form.get("municipality").trim()) else {
        return refuse(&state, &signed, "area", "console-settings-area-invalid").await;
    };
    if name_ja.is_empty() || name_en.is_empty() || name_ja.chars().count() > 50 {
        return refuse(&state, &signed, "area", "console-settings-area-invalid").await;
    }
    match state.store.add_area(&code, name_ja, name_en).await {
        Ok(id) => {
            audit(
                &state,
                &signed,
                "settings_area_add",
                format!("area:{id}"),
                serde_json::json!({ "municipality": code.as_str(), "name_ja": name_ja }).to_string(),
            )
            .await;
            pages::done("/admin/settings", "settings-saved")
        }
        Err(StoreError::Conflict(_)) => refuse(&state, &signed, "area", "console-settings-area-taken").await,
        Err(error) => store_failure(signed.lang, error),
    }
}

pub async fn rename_area(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let (name_ja, name_en) = (form.get("name_ja").trim(), form.get("name_en").trim());
    if name_ja.is_empty() || name_en.is_empty() || name_ja.chars().count() > 50 {
        return refuse(&state, &signed, "area", "console-settings-area-invalid").await;
    }
    match state.store.rename_area(id, name_ja, name_en).await {
        Ok(()) => {
            audit(
                &state,
                &signed,
                "settings_area_rename",
                format!("area:{id}"),
                serde_json::json!({ "name_ja": name_ja }).to_string(),
            )
            .await;
            pages::done("/admin/settings", "settings-saved")
        }
        Err(StoreError::NotFound) => pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-error-not-found"),
        Err(StoreError::Conflict(_)) => refuse(&state, &signed, "area", "console-settings-area-taken").await,
        Err(error) => store_failure(signed.lang, error),
    }
}

pub async fn category(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let (name_ja, name_en) = (form.get("name_ja").trim(), form.get("name_en").trim());
    let Ok(key) = CategoryKey::parse(form.get("key").trim()) else {
        return refuse(&state, &signed, "category", "console-settings-category-invalid").await;
    };
    if name_ja.is_empty() || name_en.is_empty() {
        return refuse(&state, &signed, "category", "console-settings-category-invalid").await;
    }
    let category = Category {
        key,
        name_ja: name_ja.to_owned(),
        name_en: name_en.to_owned(),
        emergency: form.has("emergency"),
        restricted: form.has("restricted"),
    };
    match state.store.save_category(&category).await {
        Ok(()) => {
            let detail = serde_json::json!({ "name_ja": name_ja, "emergency": category.emergency, "restricted": category.restricted }).to_string();
            audit(&state, &signed, "settings_category", format!("category:{}", category.key), detail).await;
            pages::done("/admin/settings", "settings-saved")
        }
        Err(error) => store_failure(signed.lang, error),
    }
}

pub async fn pacing(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let Ok(rules) = crate::config::parse_pacing(&form.get("pacing").replace(['\r', '\n'], ",")) else {
        return refuse(&state, &signed, "pacing", "console-settings-pacing-invalid").await;
    };
    let rules: Vec<PacingRule> =
        rules.into_iter().map(|(domain, per_minute)| PacingRule { domain, per_minute }).collect();
    if let Err(error) = state.store.sync_pacing_rules(&rules).await {
        return store_failure(signed.lang, error);
    }
    let detail = rules.iter().map(|r| format!("{}={}", r.domain, r.per_minute)).collect::<Vec<_>>().join(",");
    audit(&state, &signed, "settings_pacing", "pacing".into(), serde_json::json!({ "pacing": detail }).to_string())
        .await;
    pages::done("/admin/settings", "settings-saved")
}

#[derive(Template)]
#[template(path = "console/secret_shown.html")]
struct SecretShown {
    frame: ConsoleFrame,
    lead: String,
    secret: String,
}

fn show_secret(state: &AppState, signed: &Signed, lead: &'static str, secret: String) -> Response {
    let directory = state.directory.current();
    let lang = signed.lang;
    let page = SecretShown {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(lang, "console-settings-secret-title").into_owned(),
            "/admin/settings",
        ),
        lead: texts::text(lang, lead).into_owned(),
        secret,
    };
    render(StatusCode::OK, &page)
}

pub async fn add_webhook(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let url = form.get("url").trim();
    match crate::webhooks::register(&state.store, &state.secrets, url, false, signed.actor.name(), state.clock.now())
        .await
    {
        Ok(registered) => show_secret(&state, &signed, "console-settings-webhook-lead", registered.secret),
        Err(error) => {
            tracing::info!(%error, "a webhook was refused");
            refuse(&state, &signed, "url", "console-settings-webhook-invalid").await
        }
    }
}

pub async fn remove_webhook(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match crate::webhooks::remove(&state.store, id, signed.actor.name(), state.clock.now()).await {
        Ok(_) => pages::done("/admin/settings", "settings-saved"),
        Err(error) => store_failure(signed.lang, error),
    }
}

pub async fn create_key(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let lang = signed.lang;
    let town = form.get("municipality").trim();
    let scope = if town.is_empty() {
        Scope::AllMunicipalities
    } else {
        match MunicipalityCode::parse(town) {
            Ok(code) if state.directory.current().municipality(&code).is_some() => Scope::Municipality(code),
            _ => return refuse(&state, &signed, "key", "console-error-unknown-municipality").await,
        }
    };
    let rights: Vec<ApiRight> = form.all("right").into_iter().filter_map(ApiRight::parse).collect();
    if rights.is_empty() {
        return refuse(&state, &signed, "key", "console-settings-key-rights-missing").await;
    }
    let label = form.get("label").trim();
    let Ok(secret) = ApiKeySecret::generate() else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let new = NewApiKey {
        prefix: secret.prefix().to_owned(),
        hash: secret.hash(),
        scope,
        rights: rights.clone(),
        label: label.to_owned(),
    };
    match state.store.create_api_key(&new, state.clock.now()).await {
        Ok(id) => {
            let detail =
                serde_json::json!({ "rights": rights.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "label": label })
                    .to_string();
            audit(&state, &signed, "api_key_create", format!("api-key:{id}"), detail).await;
            show_secret(&state, &signed, "console-settings-key-lead", secret.expose().to_owned())
        }
        Err(error) => store_failure(lang, error),
    }
}

pub async fn revoke_key(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match state.store.revoke_api_key(id, state.clock.now()).await {
        Ok(_) => {
            audit(&state, &signed, "api_key_revoke", format!("api-key:{id}"), "{}".into()).await;
            pages::done("/admin/settings", "settings-saved")
        }
        Err(error) => store_failure(signed.lang, error),
    }
}
