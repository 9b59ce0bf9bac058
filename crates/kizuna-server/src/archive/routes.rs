//! The public archive's routes: `/notices` (search and filters), `/notices/{id}`,
//! `/notices/{id}/cap.xml`, `/feeds/atom.xml` and `/feeds/cap.xml`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kizuna_core::Lang;
use kizuna_core::cap::CAP_MEDIA_TYPE;
use kizuna_core::lang::{Languages, content};
use kizuna_store::ArchivePage;

use super::service::{self as archive, ArchiveError, FilterError, Filters, PAGE_SIZE, RawFilters};
use super::views::{NoticeView, format_date, lang_attribute, notice_views};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::{Frame, Params, public_page, with_lang};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(notices_page))
        .route("/notices/{id}", get(notice_page))
        .route("/notices/{id}/cap.xml", get(notice_cap))
        .route("/feeds/atom.xml", get(atom_feed))
        .route("/feeds/cap.xml", get(cap_feed))
}

/// How an archive failure looks to a person.
pub fn web_error(lang: Lang) -> impl FnOnce(ArchiveError) -> WebError {
    move |error| match error {
        ArchiveError::NotFound => WebError::NotFound(lang),
        ArchiveError::Gone => WebError::Gone(lang),
        ArchiveError::Store(source) => WebError::Store { lang, source },
        ArchiveError::Cap(error) => WebError::Internal { lang, message: error.to_string() },
    }
}

/// The archive's filters from the query, unchecked.
fn raw_filters(params: &Params) -> RawFilters {
    RawFilters {
        q: params.get("q").to_owned(),
        municipality: params.get("municipality").to_owned(),
        category: params.get("category").to_owned(),
        from: params.get("from").to_owned(),
        to: params.get("to").to_owned(),
        page: params.get("page").to_owned(),
    }
}

/// `?a=1&b=2` from the non-empty pairs, or nothing.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<(&str, &str)> = pairs.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(query) if !query.is_empty() => format!("?{query}"),
        _ => String::new(),
    }
}

/// The `lang` parameter of a link in `lang`: none for Japanese, the default.
fn lang_param(lang: Lang) -> &'static str {
    if lang == Lang::JA { "" } else { lang.as_str() }
}

fn parse_id(id: &str, lang: Lang) -> Result<i64, WebError> {
    id.parse::<i64>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound(lang))
}

pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    frame: Frame,
    q: String,
    municipalities: Vec<OptionView>,
    categories: Vec<OptionView>,
    from: String,
    to: String,
    errors: Vec<FilterError>,
    /// A search or filter result, which search engines need not index.
    searched: bool,
    notices: Vec<NoticeView>,
    total: i64,
    first: i64,
    last: i64,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    feed_href: String,
}

impl NoticesPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn notices_page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let params = Params::parse(query.as_deref());
    let offered = &state.settings.languages;
    let lang = params.lang(offered);
    let raw = raw_filters(&params);
    let directory = state.directory.current();
    let (filters, errors) = match Filters::parse(&raw, &directory, lang) {
        Ok(filters) => (Some(filters), Vec::new()),
        Err(errors) => (None, errors),
    };
    let result = match &filters {
        Some(filters) => {
            // A burst of searches waits for no one: past the limit, "try again shortly".
            let running = if raw.any() { Some(state.searches.try_acquire()) } else { None };
            if let Some(Err(_)) = running {
                tracing::info!("archive search refused: as many are running as allowed");
                return Err(WebError::Busy(lang));
            }
            Some(archive::search(&state, filters).await.map_err(web_error(lang))?)
        }
        None => None,
    };
    let page = notices_page_view(&directory, offered, &raw, filters.as_ref(), result, errors, lang);
    let status = if page.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let mut response = public_page(page.render()?);
    *response.status_mut() = status;
    Ok(response)
}

fn notices_page_view(
    directory: &ReferenceData,
    offered: &Languages,
    raw: &RawFilters,
    filters: Option<&Filters>,
    result: Option<ArchivePage>,
    errors: Vec<FilterError>,
    lang: Lang,
) -> NoticesPage {
    let en = lang_param(lang);
    let link = |page: i64, lang: &str| {
        let page = if page > 1 { page.to_string() } else { String::new() };
        format!(
            "/notices{}",
            query_string(&[
                ("q", raw.q.trim()),
                ("municipality", raw.municipality.trim()),
                ("category", raw.category.trim()),
                ("from", raw.from.trim()),
                ("to", raw.to.trim()),
                ("page", &page),
                ("lang", lang),
            ])
        )
    };
    let page = filters.map_or(1, |f| f.page);
    let ArchivePage { notices, total } = result.unwrap_or(ArchivePage { notices: Vec::new(), total: 0 });
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let first = (page - 1) * PAGE_SIZE + 1;
    let title = texts::text(lang, "search-heading").into_owned();
    let mut frame = Frame::new(lang, offered, title, directory.consortium_name(lang), "/notices");
    frame.link_languages(offered, |other| link(page, lang_param(other)));
    let feed_filters = filters.map(|f| {
        (
            f.municipality.as_ref().map(|c| c.to_string()).unwrap_or_default(),
            f.category.as_ref().map(|c| c.to_string()).unwrap_or_default(),
        )
    });
    let (feed_municipality, feed_category) = feed_filters.unwrap_or_default();
    NoticesPage {
        frame,
        q: raw.q.clone(),
        municipalities: directory
            .municipalities
            .iter()
            .map(|m| OptionView {
                value: m.code.to_string(),
                label: m.name(lang).to_owned(),
                selected: m.code.as_str() == raw.municipality.trim(),
            })
            .collect(),
        categories: directory
            .public_categories()
            .map(|c| OptionView {
                value: c.key.to_string(),
                label: c.name(lang).to_owned(),
                selected: c.key.as_str() == raw.category.trim(),
            })
            .collect(),
        from: raw.from.clone(),
        to: raw.to.clone(),
        searched: raw.any(),
        notices: notice_views(&notices, directory, lang),
        total,
        first,
        last: (first + PAGE_SIZE - 1).min(total),
        page,
        pages,
        prev_href: (page > 1 && total > 0).then(|| link((page - 1).min(pages), en)),
        next_href: (page < pages).then(|| link(page + 1, en)),
        feed_href: format!(
            "/feeds/atom.xml{}",
            query_string(&[("municipality", &feed_municipality), ("category", &feed_category)])
        ),
        errors,
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    frame: Frame,
    view: NoticeView,
    body: String,
    /// The text's language when it is not the page's (`ja` on an English page).
    text_lang: &'static str,
    obituary: bool,
    withdrawn_at: Option<String>,
    earlier_href: Option<String>,
    correction_href: Option<String>,
    cap_href: String,
}

async fn notice_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let offered = &state.settings.languages;
    let lang = Params::parse(query.as_deref()).lang(offered);
    let id = parse_id(&id, lang)?;
    let directory = state.directory.current();
    let public = archive::public_notice(&state, &directory, id).await.map_err(web_error(lang))?;
    let notice = &public.notice;
    let mut view = notice_views(std::slice::from_ref(notice), &directory, lang).remove(0);
    // The page names the deceased: only the list hides an obituary's title.
    let (title_shown, title) = content(lang, notice.title.as_str(), notice.title_en.as_ref().map(|t| t.as_str()));
    view.title = title.to_owned();
    view.title_lang = lang_attribute(title_shown, lang);
    let (body_shown, body) = content(lang, notice.body.as_str(), notice.body_en.as_ref().map(|b| b.as_str()));
    let title = view.title.clone();
    let page = NoticePage {
        frame: Frame::new(lang, offered, title, directory.consortium_name(lang), &format!("/notices/{id}")),
        body: body.to_owned(),
        text_lang: lang_attribute(body_shown, lang),
        obituary: archive::is_obituary(notice),
        withdrawn_at: view.withdrawn.then(|| format_date(public.cap.sent, lang)),
        earlier_href: notice.supersedes.map(|earlier| with_lang(&format!("/notices/{earlier}"), lang)),
        correction_href: public.corrected_by.map(|later| with_lang(&format!("/notices/{later}"), lang)),
        cap_href: format!("/notices/{id}/cap.xml"),
        view,
    };
    Ok(public_page(page.render()?))
}

/// XML for machines: cached like the pages, and kept out of search results.
fn xml_response(content_type: &'static str, xml: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], xml).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(crate::web::PUBLIC_CACHE_CONTROL));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

async fn notice_cap(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let lang = Params::parse(query.as_deref()).lang(&state.settings.languages);
    let id = parse_id(&id, lang)?;
    let xml = archive::notice_cap(&state, id).await.map_err(web_error(lang))?;
    Ok(xml_response(CAP_MEDIA_TYPE, xml))
}

async fn atom_feed(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let params = Params::parse(query.as_deref());
    let lang = params.lang(&state.settings.languages);
    let directory = state.directory.current();
    // A feed is narrowed by municipality and category only.
    let raw = RawFilters {
        municipality: params.get("municipality").to_owned(),
        category: params.get("category").to_owned(),
        ..RawFilters::default()
    };
    let filters = Filters::parse(&raw, &directory, lang).map_err(|errors| WebError::BadRequest {
        lang,
        message: errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(" "),
    })?;
    let xml = archive::atom_feed(&state, &directory, filters.municipality.as_ref(), filters.category.as_ref())
        .await
        .map_err(web_error(lang))?;
    Ok(xml_response(ATOM_CONTENT_TYPE, xml))
}

/// Atom's media type with the charset that RFC 4287 documents are written in.
const ATOM_CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

async fn cap_feed(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let lang = Params::parse(query.as_deref()).lang(&state.settings.languages);
    let directory = state.directory.current();
    let xml = archive::cap_index(&state, &directory).await.map_err(web_error(lang))?;
    Ok(xml_response(ATOM_CONTENT_TYPE, xml))
}
