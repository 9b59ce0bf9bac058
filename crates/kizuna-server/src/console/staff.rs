//! Staff accounts at `/admin/staff`: municipality admins manage their own
//! municipality's accounts, consortium admins every account. Create (a one-time
//! password shown once), change role, municipality and emergency right, disable
//! and enable, reset the password or the second factor (with a reason). Nobody
//! changes their own account here, so nobody locks themselves out.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::staff::{Role, Scope};
use kizuna_core::{EmailAddress, MunicipalityCode};
use kizuna_store::{NewAuditEntry, NewStaff, StaffAccount, StoreError};

use super::form::{Errors, Fields, Query};
use super::frame::{ConsoleFrame, role_label, role_summary};
use super::pages::{self, render};
use super::session::Signed;
use crate::state::AppState;
use crate::texts;

pub struct StaffRow {
    pub href: String,
    pub email: String,
    pub role: String,
    pub town: String,
    pub emergency: bool,
    pub second_factor: bool,
    pub disabled: bool,
}

pub struct RoleChoice {
    pub value: &'static str,
    pub label: String,
    pub summary: String,
    pub checked: bool,
}

pub struct TownChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The municipality an admin manages, or `None` for a consortium admin.
fn managed(signed: &Signed) -> Option<&MunicipalityCode> {
    signed.staff.scope.municipality()
}

/// Whether `signed` may manage `account`: a consortium admin any other account, a
/// municipality admin the other accounts of their municipality but no consortium admin.
fn may_manage(signed: &Signed, account: &StaffAccount) -> bool {
    if account.id == signed.staff.id {
        return false;
    }
    match managed(signed) {
        None => true,
        Some(own) => account.scope.municipality() == Some(own) && account.role != Role::ConsortiumAdmin,
    }
}

async fn audit(state: &AppState, signed: &Signed, action: &str, account: &StaffAccount, detail: String) {
    let entry = NewAuditEntry::new(signed.actor.name(), action, format!("staff:{}", account.id), detail)
        .from_client(&signed.client)
        .in_municipality(account.scope.municipality());
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

#[derive(Template)]
#[template(path = "console/staff_list.html")]
struct ListPage {
    frame: ConsoleFrame,
    rows: Vec<StaffRow>,
}

pub async fn list(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let accounts = match state.store.list_staff(managed(&signed)).await {
        Ok(accounts) => accounts,
        Err(error) => return store_failure(lang, error),
    };
    let rows = accounts
        .iter()
        .map(|a| StaffRow {
            href: format!("/admin/staff/{}", a.id),
            email: a.email.clone(),
            role: role_label(a.role, lang),
            town: town_name(&directory, &a.scope, lang),
            emergency: a.emergency,
            second_factor: a.totp_secret.is_some(),
            disabled: a.disabled,
        })
        .collect();
    let title = texts::text(lang, "console-staff-title").into_owned();
    let page = ListPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/staff")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        rows,
    };
    render(StatusCode::OK, &page)
}

fn town_name(directory: &crate::directory::ReferenceData, scope: &Scope, lang: kizuna_core::Lang) -> String {
    match scope {
        Scope::AllMunicipalities => texts::text(lang, "console-scope-all").into_owned(),
        Scope::Municipality(code) => {
            directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned())
        }
    }
}

fn store_failure(lang: kizuna_core::Lang, error: StoreError) -> Response {
    tracing::error!(%error, "console: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

/// The roles `signed` may give: a municipality admin never makes a consortium admin.
fn roles(signed: &Signed, chosen: Option<Role>) -> Vec<RoleChoice> {
    let lang = signed.lang;
    Role::ALL
        .into_iter()
        .filter(|r| managed(signed).is_none() || *r != Role::ConsortiumAdmin)
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: role_label(r, lang),
            summary: role_summary(r, lang),
            checked: Some(r) == chosen,
        })
        .collect()
}

fn towns(state: &AppState, signed: &Signed, chosen: Option<&str>) -> Vec<TownChoice> {
    let directory = state.directory.current();
    directory
        .municipalities
        .iter()
        .filter(|m| signed.staff.scope.covers(&m.code))
        .map(|m| TownChoice {
            value: m.code.to_string(),
            label: m.name(signed.lang).to_owned(),
            selected: chosen == Some(m.code.as_str()),
        })
        .collect()
}

/// What the account form asks: role, municipality (none for a consortium admin), emergency right.
struct Choice {
    role: Role,
    scope: Scope,
    emergency: bool,
}

fn read_choice(signed: &Signed, form: &Fields, errors: &mut Errors) -> Option<Choice> {
    let lang = signed.lang;
    let role = Role::parse(form.get("role")).filter(|r| managed(signed).is_none() || *r != Role::ConsortiumAdmin);
    if role.is_none() {
        errors.add("role", texts::text(lang, "console-staff-role-missing"));
    }
    let scope = match role {
        Some(Role::ConsortiumAdmin) => Some(Scope::AllMunicipalities),
        _ => match MunicipalityCode::parse(form.get("municipality").trim()) {
            Ok(code) if signed.staff.scope.covers(&code) => Some(Scope::Municipality(code)),
            _ => {
                errors.add("municipality", texts::text(lang, "console-staff-municipality-missing"));
                None
            }
        },
    };
    match (role, scope) {
        (Some(role), Some(scope)) => Some(Choice { role, scope, emergency: form.has("emergency") }),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "console/staff_new.html")]
struct NewPage {
    frame: ConsoleFrame,
    errors: Errors,
    email: String,
    roles: Vec<RoleChoice>,
    towns: Vec<TownChoice>,
    emergency: bool,
}

fn new_form(state: &AppState, signed: &Signed, status: StatusCode, form: Option<&Fields>, errors: Errors) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let chosen_town = form.map(|f| f.get("municipality").to_owned()).or_else(|| managed(signed).map(|c| c.to_string()));
    let page = NewPage {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(lang, "console-staff-new-title").into_owned(),
            "/admin/staff",
        ),
        errors,
        email: form.map(|f| f.get("email").to_owned()).unwrap_or_default(),
        roles: roles(signed, form.and_then(|f| Role::parse(f.get("role"))).or(Some(Role::Author))),
        towns: towns(state, signed, chosen_town.as_deref()),
        emergency: form.is_some_and(|f| f.has("emergency")),
    };
    render(status, &page)
}

pub async fn new_page(State(state): State<AppState>, signed: Signed) -> Response {
    new_form(&state, &signed, StatusCode::OK, None, Errors::default())
}

#[derive(Template)]
#[template(path = "console/staff_password.html")]
struct PasswordShown {
    frame: ConsoleFrame,
    email: String,
    password: String,
    lead: String,
}

pub async fn new_submit(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let lang = signed.lang;
    let mut errors = Errors::default();
    let email = EmailAddress::parse(form.get("email").trim())
        .map_err(|_| errors.add("email", texts::text(lang, "console-staff-email-invalid")))
        .ok();
    let choice = read_choice(&signed, &form, &mut errors);
    let (Some(email), Some(choice)) = (email, choice) else {
        return new_form(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, Some(&form), errors);
    };
    let Ok(password) = crate::auth::generate_password() else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let hash = match tokio::task::spawn_blocking({
        let password = password.clone();
        move || crate::auth::hash_password(&password)
    })
    .await
    {
        Ok(Ok(hash)) => hash,
        _ => return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal"),
    };
    let new = NewStaff {
        email: email.clone(),
        password_hash: hash,
        scope: choice.scope,
        role: choice.role,
        emergency: choice.emergency,
        must_change_password: true,
    };
    let id = match state.store.create_staff(&new, state.clock.now()).await {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            errors.add("email", texts::text(lang, "console-staff-email-taken"));
            return new_form(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, Some(&form), errors);
        }
        Err(error) => return store_failure(lang, error),
    };
    if let Ok(Some(account)) = state.store.staff_account(id).await {
        let detail = serde_json::json!({ "role": account.role.as_str(), "emergency": account.emergency }).to_string();
        audit(&state, &signed, "staff_create", &account, detail).await;
    }
    show_password(&state, &signed, email.as_str(), password, "console-staff-created-lead")
}

fn show_password(state: &AppState, signed: &Signed, email: &str, password: String, lead: &'static str) -> Response {
    let directory = state.directory.current();
    let lang = signed.lang;
    let page = PasswordShown {
        frame: ConsoleFrame::signed(
            signed,
            &directory,
            texts::text(lang, "console-staff-password-title").into_owned(),
            "/admin/staff",
        ),
        email: email.to_owned(),
        password,
        lead: texts::text(lang, lead).into_owned(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "console/staff_account.html")]
struct AccountPage {
    frame: ConsoleFrame,
    errors: Errors,
    id: i64,
    email: String,
    disabled: bool,
    second_factor: bool,
    roles: Vec<RoleChoice>,
    towns: Vec<TownChoice>,
    emergency: bool,
}

/// The account, if `signed` may manage it; otherwise "not found", whoever it is.
async fn account(state: &AppState, signed: &Signed, id: i64) -> Result<StaffAccount, Response> {
    match state.store.staff_account(id).await {
        Ok(Some(account)) if may_manage(signed, &account) => Ok(account),
        Ok(_) => Err(pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-staff-not-found")),
        Err(error) => Err(store_failure(signed.lang, error)),
    }
}

fn account_form(
    state: &AppState,
    signed: &Signed,
    account: &StaffAccount,
    status: StatusCode,
    errors: Errors,
) -> Response {
    let directory = state.directory.current();
    let town = account.scope.municipality().map(|c| c.to_string());
    let page = AccountPage {
        frame: ConsoleFrame::signed(signed, &directory, account.email.clone(), "/admin/staff"),
        errors,
        id: account.id,
        email: account.email.clone(),
        disabled: account.disabled,
        second_factor: account.totp_secret.is_some(),
        roles: roles(signed, Some(account.role)),
        towns: towns(state, signed, town.as_deref()),
        emergency: account.emergency,
    };
    render(status, &page)
}

pub async fn account_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match account(&state, &signed, id).await {
        Ok(account) => account_form(&state, &signed, &account, StatusCode::OK, Errors::default()),
        Err(response) => response,
    }
}

pub async fn account_submit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    form: Fields,
) -> Response {
    let account = match account(&state, &signed, id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let mut errors = Errors::default();
    let Some(choice) = read_choice(&signed, &form, &mut errors) else {
        return account_form(&state, &signed, &account, StatusCode::UNPROCESSABLE_ENTITY, errors);
    };
    if let Err(error) = state.store.update_staff(id, choice.role, &choice.scope, choice.emergency).await {
        return store_failure(signed.lang, error);
    }
    let detail = serde_json::json!({
        "role": [account.role.as_str(), choice.role.as_str()],
        "municipality": [account.scope.municipality().map(|c| c.to_string()), choice.scope.municipality().map(|c| c.to_string())],
        "emergency": [account.emergency, choice.emergency],
    })
    .to_string();
    audit(&state, &signed, "staff_update", &account, detail).await;
    pages::done("/admin/staff", "staff-saved")
}

pub async fn disable(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let account = match account(&state, &signed, id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let disabled_at = (!account.disabled).then(|| state.clock.now());
    if let Err(error) = state.store.set_staff_disabled(id, disabled_at).await {
        return store_failure(signed.lang, error);
    }
    let action = if disabled_at.is_some() { "staff_disable" } else { "staff_enable" };
    audit(&state, &signed, action, &account, "{}".into()).await;
    pages::done("/admin/staff", if disabled_at.is_some() { "staff-disabled" } else { "staff-enabled" })
}

pub async fn reset_password(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let lang = signed.lang;
    let account = match account(&state, &signed, id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let Ok(password) = crate::auth::generate_password() else {
        return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal");
    };
    let hash = match tokio::task::spawn_blocking({
        let password = password.clone();
        move || crate::auth::hash_password(&password)
    })
    .await
    {
        Ok(Ok(hash)) => hash,
        _ => return pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal"),
    };
    if let Err(error) = state.store.set_staff_password(id, &hash, true, state.clock.now()).await {
        return store_failure(lang, error);
    }
    end_sessions(&state, id).await;
    audit(&state, &signed, "staff_password_reset", &account, "{}".into()).await;
    show_password(&state, &signed, &account.email, password, "console-staff-reset-lead")
}

pub async fn reset_second_factor(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    form: Fields,
) -> Response {
    let account = match account(&state, &signed, id).await {
        Ok(account) => account,
        Err(response) => return response,
    };
    let reason = form.get("reason").trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        let mut errors = Errors::default();
        errors.add("reason", texts::text(signed.lang, "console-staff-reason-missing"));
        return account_form(&state, &signed, &account, StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    if let Err(error) = state.store.set_second_factor(id, None, &[]).await {
        return store_failure(signed.lang, error);
    }
    end_sessions(&state, id).await;
    audit(&state, &signed, "staff_second_factor_reset", &account, serde_json::json!({ "reason": reason }).to_string())
        .await;
    pages::done("/admin/staff", "staff-second-factor-reset")
}

/// After a password or second-factor reset, nobody stays signed in as the account.
async fn end_sessions(state: &AppState, id: i64) {
    let none = kizuna_core::token::TokenHash::of("");
    if let Err(error) = state.store.end_other_sessions(id, &none).await {
        tracing::warn!(%error, "sessions of a reset account not ended");
    }
}
