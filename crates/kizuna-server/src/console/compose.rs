//! Writing a notice: `/admin/notices/new`, `/admin/notices/{id}/edit`, cloning,
//! and the preview — a "preview" button without JavaScript, live as one types
//! with it (`/admin/notices/preview` answers the preview's HTML).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kizuna_core::lang::Explain;
use kizuna_core::notice::Urgency;
use kizuna_core::staff::Scope;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, Lang, MunicipalityCode};
use kizuna_store::Notice;

use super::form::{Errors, Fields, Query};
use super::frame::ConsoleFrame;
use super::pages::{self, render};
use super::preview::{PhonePreview, phone_preview};
use super::session::Signed;
use crate::directory::ReferenceData;
use crate::notices::{self, NoticeDraft, NoticeError};
use crate::state::AppState;
use crate::texts;

/// A checkbox or radio button of the form.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
    /// A second line under the label (what an emergency category means).
    pub hint: String,
}

/// The form's values as typed, to show again.
#[derive(Default)]
pub struct Values {
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
    pub emergency: bool,
    pub exercise: bool,
    /// Asks each recipient whether they are safe (安否確認).
    pub check_in: bool,
}

#[derive(Template)]
#[template(path = "console/compose.html")]
struct ComposePage {
    frame: ConsoleFrame,
    errors: Errors,
    action: String,
    heading: String,
    values: Values,
    categories: Vec<Choice>,
    municipalities: Vec<Choice>,
    areas: Vec<Choice>,
    preview: Option<PhonePreview>,
    /// Emergency templates that fill the form (on a new notice only): (link, name).
    templates: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "console/preview.html")]
struct PreviewFragment {
    frame: ConsoleFrame,
    preview: PhonePreview,
}

/// What the form holds: the fields as typed and the choices as chosen.
struct Composed {
    values: Values,
    category: String,
    municipalities: Vec<String>,
    areas: Vec<String>,
}

impl Composed {
    fn from_fields(form: &Fields) -> Self {
        Composed {
            values: Values {
                title: form.get("title").to_owned(),
                body: form.get("body").to_owned(),
                title_en: form.get("title_en").to_owned(),
                body_en: form.get("body_en").to_owned(),
                emergency: form.get("urgency") == "emergency",
                exercise: form.has("exercise"),
                check_in: form.has("check_in"),
            },
            category: form.get("category").to_owned(),
            municipalities: form.all("municipality").into_iter().map(str::to_owned).collect(),
            areas: form.all("area").into_iter().map(str::to_owned).collect(),
        }
    }

    fn from_notice(notice: &Notice) -> Self {
        Composed {
            values: Values {
                title: notice.title.to_string(),
                body: notice.body.to_string(),
                title_en: notice.title_en.as_ref().map(|t| t.to_string()).unwrap_or_default(),
                body_en: notice.body_en.as_ref().map(|b| b.to_string()).unwrap_or_default(),
                emergency: notice.urgency == Urgency::Emergency,
                exercise: notice.exercise,
                check_in: notice.check_in,
            },
            category: notice.category.to_string(),
            municipalities: notice.municipalities.iter().map(|c| c.to_string()).collect(),
            areas: notice.area_ids.iter().map(i64::to_string).collect(),
        }
    }

    /// A form filled from an emergency template, for the author's municipality
    /// (or the template's town when the author acts for the region).
    fn from_template(signed: &Signed, template: &kizuna_store::NoticeTemplate) -> Self {
        let mut composed = Composed::blank(signed);
        if composed.municipalities.is_empty() {
            composed.municipalities = template.municipality.iter().map(|c| c.to_string()).collect();
        }
        composed.values = Values {
            title: template.title.clone(),
            body: template.body.clone(),
            title_en: template.title_en.clone().unwrap_or_default(),
            body_en: template.body_en.clone().unwrap_or_default(),
            emergency: template.urgency == Urgency::Emergency,
            exercise: false,
            check_in: false,
        };
        composed.category = template.category.to_string();
        composed
    }

    /// A new form: an author of one municipality writes for it.
    fn blank(signed: &Signed) -> Self {
        let municipalities = match &signed.staff.scope {
            Scope::Municipality(code) => vec![code.to_string()],
            Scope::AllMunicipalities => Vec::new(),
        };
        Composed { values: Values::default(), category: String::new(), municipalities, areas: Vec::new() }
    }

    /// The draft, or every error in the order of the form's fields.
    fn draft(&self, lang: Lang) -> Result<NoticeDraft, Errors> {
        let mut errors = Errors::default();
        let title = NoticeTitle::parse(&self.values.title).map_err(|e| errors.add("title", e.explain(lang))).ok();
        let body = NoticeBody::parse(&self.values.body).map_err(|e| errors.add("body", e.explain(lang))).ok();
        let (title_en, body_en) = match (self.values.title_en.trim().is_empty(), self.values.body_en.trim().is_empty())
        {
            (true, true) => (None, None),
            (false, false) => (
                NoticeTitle::parse_field(&self.values.title_en, "title_en")
                    .map_err(|e| errors.add("title_en", e.explain(lang)))
                    .ok(),
                NoticeBody::parse_field(&self.values.body_en, "body_en")
                    .map_err(|e| errors.add("body_en", e.explain(lang)))
                    .ok(),
            ),
            (true, false) => {
                errors.add("title_en", texts::text(lang, "console-compose-english-both"));
                (None, None)
            }
            (false, true) => {
                errors.add("body_en", texts::text(lang, "console-compose-english-both"));
                (None, None)
            }
        };
        let category = CategoryKey::parse(self.category.trim())
            .map_err(|_| errors.add("category", texts::text(lang, "console-compose-category-missing")))
            .ok();
        let mut municipalities = Vec::new();
        for code in &self.municipalities {
            match MunicipalityCode::parse(code.trim()) {
                Ok(code) if !municipalities.contains(&code) => municipalities.push(code),
                Ok(_) => {}
                Err(_) => errors.add("municipality", texts::text(lang, "console-compose-municipality-unknown")),
            }
        }
        if municipalities.is_empty() && errors.of("municipality").is_none() {
            errors.add("municipality", texts::text(lang, "console-compose-municipality-missing"));
        }
        let areas: Vec<i64> = self.areas.iter().filter_map(|a| a.trim().parse().ok()).collect();
        match (title, body, category, errors.is_empty()) {
            (Some(title), Some(body), Some(category), true) => Ok(NoticeDraft {
                title,
                body,
                title_en,
                body_en,
                category,
                municipalities,
                areas,
                urgency: if self.values.emergency { Urgency::Emergency } else { Urgency::Normal },
                exercise: self.values.exercise,
                expires_at: None,
                send_at: None,
                check_in: self.values.check_in,
            }),
            _ => Err(errors),
        }
    }
}

/// A refusal of the notice service as an error beside the field it concerns.
fn field_error(lang: Lang, error: &NoticeError) -> Option<(&'static str, String)> {
    let field = match error {
        NoticeError::OutOfScope(_) | NoticeError::UnknownMunicipality { .. } => "municipality",
        NoticeError::UnknownCategory(_) => "category",
        NoticeError::UnknownArea { .. } => "area",
        _ => return None,
    };
    pages::notice_error(lang, error).map(|message| (field, message))
}

fn choices(signed: &Signed, directory: &ReferenceData, composed: &Composed) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let lang = signed.lang;
    let categories = directory
        .categories
        .iter()
        .map(|c| Choice {
            value: c.key.to_string(),
            label: c.name(lang).to_owned(),
            checked: composed.category == c.key.as_str(),
            hint: match (c.emergency, c.restricted) {
                (_, true) => texts::text(lang, "console-compose-category-restricted").into_owned(),
                (true, false) => texts::text(lang, "console-compose-category-emergency").into_owned(),
                (false, false) => String::new(),
            },
        })
        .collect();
    let municipalities: Vec<Choice> = directory
        .municipalities
        .iter()
        .filter(|m| signed.staff.scope.covers(&m.code))
        .map(|m| Choice {
            value: m.code.to_string(),
            label: m.name(lang).to_owned(),
            checked: composed.municipalities.iter().any(|c| c == m.code.as_str()),
            hint: String::new(),
        })
        .collect();
    let areas = directory
        .areas
        .iter()
        .filter(|a| signed.staff.scope.covers(&a.municipality))
        .map(|a| {
            let town = directory.municipality(&a.municipality).map_or("", |m| m.name(lang));
            Choice {
                value: a.id.to_string(),
                label: format!("{town} {}", if lang.as_str() == "en" { &a.name_en } else { &a.name_ja }),
                checked: composed.areas.iter().any(|x| x == &a.id.to_string()),
                hint: String::new(),
            }
        })
        .collect();
    (categories, municipalities, areas)
}

/// Where a compose form posts and its heading.
struct Target {
    action: String,
    heading: &'static str,
}

impl Target {
    fn new() -> Self {
        Target { action: "/admin/notices/new".to_owned(), heading: "console-compose-title" }
    }

    fn edit(id: i64) -> Self {
        Target { action: format!("/admin/notices/{id}/edit"), heading: "console-compose-edit-title" }
    }
}

fn compose_page(
    state: &AppState,
    signed: &Signed,
    status: StatusCode,
    target: Target,
    composed: Composed,
    errors: Errors,
    with_preview: bool,
) -> Response {
    compose_page_with(state, signed, status, target, (composed, Vec::new()), errors, with_preview)
}

fn compose_page_with(
    state: &AppState,
    signed: &Signed,
    status: StatusCode,
    target: Target,
    (composed, templates): (Composed, Vec<(String, String)>),
    errors: Errors,
    with_preview: bool,
) -> Response {
    let Target { action, heading: heading_key } = target;
    let lang = signed.lang;
    let directory = state.directory.current();
    let (categories, municipalities, areas) = choices(signed, &directory, &composed);
    let preview = (with_preview && !composed.values.title.trim().is_empty())
        .then(|| phone_preview(&composed.values.title, &composed.values.body, composed.values.exercise, lang))
        .map(|preview| preview.with_check_in(composed.values.check_in));
    let heading = texts::text(lang, heading_key).into_owned();
    let page = ComposePage {
        frame: ConsoleFrame::signed(signed, &directory, heading.clone(), "/admin/notices/new"),
        errors,
        action,
        heading,
        values: composed.values,
        categories,
        municipalities,
        areas,
        preview,
        templates,
    };
    render(status, &page)
}

pub async fn new_page(State(state): State<AppState>, signed: Signed, Query(query): Query) -> Response {
    let chosen = query.get("template").parse::<i64>().ok();
    let (templates, template) = match super::templates::for_compose(&state, &signed, chosen).await {
        Ok(found) => found,
        Err(error) => return pages::notice_failure(signed.lang, NoticeError::Store(error)),
    };
    let composed = match &template {
        Some(template) => Composed::from_template(&signed, template),
        None => Composed::blank(&signed),
    };
    let links = templates.iter().map(|t| (format!("/admin/notices/new?template={}", t.id), t.name.clone())).collect();
    let with_preview = template.is_some();
    compose_page_with(
        &state,
        &signed,
        StatusCode::OK,
        Target::new(),
        (composed, links),
        Errors::default(),
        with_preview,
    )
}

pub async fn new_submit(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let composed = Composed::from_fields(&form);
    let preview_only = form.get("action") == "preview";
    let draft = match composed.draft(signed.lang) {
        Ok(draft) if !preview_only => draft,
        Ok(_) => {
            return compose_page(&state, &signed, StatusCode::OK, Target::new(), composed, Errors::default(), true);
        }
        Err(errors) => {
            let status = if preview_only { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let errors = if preview_only { Errors::default() } else { errors };
            return compose_page(&state, &signed, status, Target::new(), composed, errors, true);
        }
    };
    match notices::create(&state, &signed.actor, draft, None).await {
        Ok(created) => {
            pages::audit(&state, &signed, "notice_create", &created.notice, "{}".into()).await;
            pages::done(&format!("/admin/notices/{}", created.notice.id), "saved")
        }
        Err(error) => match field_error(signed.lang, &error) {
            Some((field, message)) => {
                let mut errors = Errors::default();
                errors.add(field, message);
                compose_page(&state, &signed, StatusCode::UNPROCESSABLE_ENTITY, Target::new(), composed, errors, true)
            }
            None => pages::notice_failure(signed.lang, error),
        },
    }
}

pub async fn edit_page(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    let notice = match notices::read(&state, &signed.actor, id).await {
        Ok(notice) => notice,
        Err(error) => return pages::notice_failure(signed.lang, error),
    };
    if notice.status.apply(kizuna_core::notice::NoticeAction::Edit).is_err() {
        return pages::refused(signed.lang, StatusCode::CONFLICT, "console-error-not-editable");
    }
    let composed = Composed::from_notice(&notice);
    compose_page(&state, &signed, StatusCode::OK, Target::edit(id), composed, Errors::default(), true)
}

pub async fn edit_submit(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>, form: Fields) -> Response {
    let composed = Composed::from_fields(&form);
    let preview_only = form.get("action") == "preview";
    let draft = match composed.draft(signed.lang) {
        Ok(draft) if !preview_only => draft,
        Ok(_) => {
            return compose_page(&state, &signed, StatusCode::OK, Target::edit(id), composed, Errors::default(), true);
        }
        Err(errors) => {
            let status = if preview_only { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let errors = if preview_only { Errors::default() } else { errors };
            return compose_page(&state, &signed, status, Target::edit(id), composed, errors, true);
        }
    };
    match notices::edit(&state, &signed.actor, id, draft).await {
        Ok(notice) => {
            pages::audit(&state, &signed, "notice_edit", &notice, "{}".into()).await;
            pages::done(&format!("/admin/notices/{id}"), "saved")
        }
        Err(error) => match field_error(signed.lang, &error) {
            Some((field, message)) => {
                let mut errors = Errors::default();
                errors.add(field, message);
                compose_page(
                    &state,
                    &signed,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Target::edit(id),
                    composed,
                    errors,
                    true,
                )
            }
            None => pages::notice_failure(signed.lang, error),
        },
    }
}

pub async fn clone_submit(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> Response {
    match notices::clone_notice(&state, &signed.actor, id).await {
        Ok(notice) => {
            let detail = serde_json::json!({ "from": format!("notice:{id}") }).to_string();
            pages::audit(&state, &signed, "notice_clone", &notice, detail).await;
            pages::done(&format!("/admin/notices/{}/edit", notice.id), "cloned")
        }
        Err(error) => pages::notice_failure(signed.lang, error),
    }
}

/// The preview's HTML for the compose page's script, from the form as it stands.
pub async fn preview_fragment(State(state): State<AppState>, signed: Signed, form: Fields) -> Response {
    let directory = state.directory.current();
    let exercise = form.has("exercise");
    let preview =
        phone_preview(form.get("title"), form.get("body"), exercise, signed.lang).with_check_in(form.has("check_in"));
    let title = texts::text(signed.lang, "console-preview-title").into_owned();
    let page = PreviewFragment { frame: ConsoleFrame::signed(&signed, &directory, title, ""), preview };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(%error, "preview template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
