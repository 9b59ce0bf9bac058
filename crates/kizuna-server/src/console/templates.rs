//! Emergency templates at `/admin/templates`: the region's (避難指示, 高齢者等避難,
//! 土砂災害警戒, 断水, 不審者, …), edited by consortium admins, and each town's
//! own, edited by its municipality admins. On the compose page a template fills
//! the form, so that a notice can go out in under a minute.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::notice::Urgency;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, Lang, MunicipalityCode};
use kizuna_store::{NewAuditEntry, NoticeTemplate, StoreError, TemplateText};

use super::compose::Choice;
use super::form::{Errors, Fields, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, render};
use super::session::Signed;
use crate::state::AppState;
use crate::texts;

/// Whether `signed` may change `template`: the region's are the consortium admins',
/// a town's its own admins' (and the consortium admins').
fn may_change(signed: &Signed, municipality: Option<&MunicipalityCode>) -> bool {
    match (signed.staff.scope.municipality(), municipality) {
        (None, _) => true,
        (Some(own), Some(town)) => own == town,
        (Some(_), None) => false,
    }
}

pub struct TemplateRow {
    pub href: String,
    pub use_href: String,
    pub name: String,
    pub town: String,
    pub editable: bool,
    pub emergency: bool,
}

#[derive(Template)]
#[template(path = "console/templates.html")]
struct ListPage {
    frame: ConsoleFrame,
    rows: Vec<TemplateRow>,
}

fn store_failure(lang: Lang, error: StoreError) -> Response {
    tracing::error!(%error, "console: the store failed");
    pages::refused(lang, StatusCode::INTERNAL_SERVER_ERROR, "console-error-internal")
}

pub async fn list(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let templates = match state.store.templates(&signed.staff.scope).await {
        Ok(templates) => templates,
        Err(error) => return store_failure(lang, error),
    };
    let rows = templates
        .iter()
        .map(|t| TemplateRow {
            href: format!("/admin/templates/{}", t.id),
            use_href: format!("/admin/notices/new?template={}", t.id),
            name: t.name.clone(),
            town: t
                .municipality
                .as_ref()
                .and_then(|c| directory.municipality(c))
                .map_or_else(|| texts::text(lang, "console-scope-all").into_owned(), |m| m.name(lang).to_owned()),
            editable: may_change(&signed, t.municipality.as_ref()),
            emergency: t.urgency == Urgency::Emergency,
        })
        .collect();
    let title = texts::text(lang, "console-templates-title").into_owned();
    let page = ListPage {
        frame: ConsoleFrame::signed(&signed, &directory, title, "/admin/templates")
            .with_banner(pages::banner(lang, Some(query.get("done")))),
        rows,
    };
    render(StatusCode::OK, &page)
}

/// The form's values as typed.
#[derive(Default)]
pub struct TemplateValues {
    pub name: String,
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
    pub emergency: bool,
}

#[derive(Template)]
#[template(path = "console/template_form.html")]
struct FormPage {
    frame: ConsoleFrame,
    errors: Errors,
    action: String,
    delete: Option<String>,
    values: TemplateValues,
    categories: Vec<Choice>,
    towns: Vec<Choice>,
}

fn form_page(
    state: &AppState,
    signed: &Signed,
    status: StatusCode,
    target: (String, Option<String>),
    values: TemplateValues,
    chosen: (String, String),
    errors: Errors,
) -> Response {
    let lang = signed.lang;
    let directory = state.directory.current();
    let (category, town) = chosen;
    let categories = directory
        .categories
        .iter()
        .map(|c| Choice {
            value: c.key.to_string(),
            label: c.name(lang).to_owned(),
            checked: category == c.key.as_str(),
            hint: String::new(),
        })
        .collect();
    let mut towns: Vec<Choice> = Vec::new();
    if signed.staff.scope.municipality().is_none() {
        towns.push(Choice {
            value: String::new(),
            label: texts::text(lang, "console-scope-all").into_owned(),
            checked: town.is_empty(),
            hint: String::new(),
        });
    }
    towns.extend(directory.municipalities.iter().filter(|m| signed.staff.scope.covers(&m.code)).map(|m| Choice {
        value: m.code.to_string(),
        label: m.name(lang).to_owned(),
        checked: town == m.code.as_str(),
        hint: String::new(),
    }));
    let title = texts::text(lang, "console-templates-edit-title").into_owned();
    let page = FormPage {
        frame: ConsoleFrame::signed(signed, &directory, title, "/admin/templates"),
        errors,
        action: target.0,
        delete: target.1,
        values,
        categories,
        towns,
    };
    render(status, &page)
}

fn values_of(template: &NoticeTemplate) -> TemplateValues {
    TemplateValues {
        name: template.name.clone(),
        title: template.title.clone(),
        body: template.body.clone(),
        title_en: template.title_en.clone().unwrap_or_default(),
        body_en: template.body_en.clone().unwrap_or_default(),
        emergency: template.urgency == Urgency::Emergency,
    }
}

fn values_from(form: &Fields) -> TemplateValues {
    TemplateValues {
        name: form.get("name").to_owned(),
        title: form.get("title").to_owned(),
        body: form.get("body").to_owned(),
        title_en: form.get("title_en").to_owned(),
        body_en: form.get("body_en").to_owned(),
        emergency: form.get("urgency") == "emergency",
    }
}

/// The template as written, or the errors; its texts are checked like a notice's
/// (lengths, no control characters), placeholders such as 〇〇 allowed.
fn read(signed: &Signed, form: &Fields) -> Result<TemplateText, Errors> {
    use kizuna_core::lang::Explain as _;
    let lang = signed.lang;
    let mut errors = Errors::default();
    let name = form.get("name").trim();
    if name.is_empty() || name.chars().count() > 50 {
        errors.add("name", texts::text(lang, "console-templates-name-missing"));
    }
    let title = NoticeTitle::parse(form.get("title")).map_err(|e| errors.add("title", e.explain(lang))).ok();
    let body = NoticeBody::parse(form.get("body")).map_err(|e| errors.add("body", e.explain(lang))).ok();
    let optional = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    let category = CategoryKey::parse(form.get("category").trim())
        .map_err(|_| errors.add("category", texts::text(lang, "console-compose-category-missing")))
        .ok();
    let town = form.get("municipality").trim();
    let municipality = if town.is_empty() { None } else { MunicipalityCode::parse(town).ok() };
    if !may_change(signed, municipality.as_ref()) || (!town.is_empty() && municipality.is_none()) {
        errors.add("municipality", texts::text(lang, "console-error-out-of-scope"));
    }
    match (title, body, category, errors.is_empty()) {
        (Some(title), Some(body), Some(category), true) => Ok(TemplateText {
            municipality,
            name: name.to_owned(),
            title: title.to_string(),
            body: body.to_string(),
            title_en: optional(form.get("title_en")),
            body_en: optional(form.get("body_en")),
            category,
            urgency: if form.get("urgency") == "emergency" { Urgency::Emergency } else { Urgency::Normal },
        }),
        _ => Err(errors),
    }
}

async fn audit(state: &AppState, signed: &Signed, action: &str, id: i64, municipality: Option<&MunicipalityCode>) {
    let entry = NewAuditEntry::new(signed.actor.name(), action, format!("template:{id}"), "{}")
        .from_client(&signed.client)
        .in_municipality(municipality);
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::error!(%error, action, "audit entry not written");
    }
}

pub async fn new_page(State(state): State<AppState>, signed: Signed) -> Response {
    let town = signed.staff.scope.municipality().map(|c| c.to_string()).unwrap_or_default();
    let target = ("/admin/templates/new".to_owned(), None);
    form_page(
        &state,
        &signed,
        StatusCode::OK,
        target,
        TemplateValues::default(),
        (String::new(), town),
        Errors::default(),
    )
}

pub async fn new_submit(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    match read(&signed, &form) {
        Ok(text) => match state.store.create_template(&text, signed.actor.name(), state.clock.now()).await {
            Ok(id) => {
                audit(&state, &signed, "template_create", id, text.municipality.as_ref()).await;
                pages::done("/admin/templates", "template-saved")
            }
            Err(error) => store_failure(signed.lang, error),
        },
        Err(errors) => {
            let chosen = (form.get("category").to_owned(), form.get("municipality").to_owned());
            let target = ("/admin/templates/new".to_owned(), None);
            form_page(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, target, values_from(&form), chosen, errors)
        }
    }
}

/// The template, if `signed` may change it; otherwise "not found".
async fn changeable(state: &AppState, signed: &Signed, id: i64) -> Result<NoticeTemplate, Response> {
    match state.store.template(id).await {
        Ok(Some(t)) if may_change(signed, t.municipality.as_ref()) => Ok(t),
        Ok(_) => Err(pages::refused(signed.lang, StatusCode::NOT_FOUND, "console-templates-not-found")),
        Err(error) => Err(store_failure(signed.lang, error)),
    }
}

pub async fn edit_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let template = match changeable(&state, &signed, id).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    let chosen =
        (template.category.to_string(), template.municipality.as_ref().map(|c| c.to_string()).unwrap_or_default());
    let target = (format!("/admin/templates/{id}"), Some(format!("/admin/templates/{id}/delete")));
    form_page(&state, &signed, StatusCode::OK, target, values_of(&template), chosen, Errors::default())
}

pub async fn edit_submit(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    if let Err(response) = changeable(&state, &signed, id).await {
        return response;
    }
    match read(&signed, &form) {
        Ok(text) => match state.store.update_template(id, &text, signed.actor.name(), state.clock.now()).await {
            Ok(()) => {
                audit(&state, &signed, "template_update", id, text.municipality.as_ref()).await;
                pages::done("/admin/templates", "template-saved")
            }
            Err(error) => store_failure(signed.lang, error),
        },
        Err(errors) => {
            let chosen = (form.get("category").to_owned(), form.get("municipality").to_owned());
            let target = (format!("/admin/templates/{id}"), Some(format!("/admin/templates/{id}/delete")));
            form_page(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, target, values_from(&form), chosen, errors)
        }
    }
}

pub async fn delete(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let template = match changeable(&state, &signed, id).await {
        Ok(t) => t,
        Err(response) => return response,
    };
    match state.store.delete_template(id).await {
        Ok(_) => {
            audit(&state, &signed, "template_delete", id, template.municipality.as_ref()).await;
            pages::done("/admin/templates", "template-deleted")
        }
        Err(error) => store_failure(signed.lang, error),
    }
}

/// The templates the compose page offers, and the one chosen with `?template=`.
pub async fn for_compose(
    state: &AppState,
    signed: &Signed,
    chosen: Option<i64>,
) -> Result<(Vec<NoticeTemplate>, Option<NoticeTemplate>), StoreError> {
    let templates = state.store.templates(&signed.staff.scope).await?;
    let chosen = chosen.and_then(|id| templates.iter().find(|t| t.id == id).cloned());
    Ok((templates, chosen))
}
