//! The public archive as a service: which notices residents may see, the filters
//! they search with, and the notices as CAP 1.2 documents and Atom feeds.
//!
//! What is public is decided in one place: published (sending, sent, corrected or
//! withdrawn) notices of unrestricted categories; obituaries only for
//! `obituary_days` after their first publication, after which their page is gone.
//! A withdrawn notice keeps its page (marked withdrawn) and its CAP `Cancel` in the
//! feeds, but leaves the lists people browse.

use chrono::{DateTime, NaiveDate, Utc};
use kizuna_core::atom::{FeedScope, Listing, cap_index_feed, notice_feed, render_atom_feed};
use kizuna_core::cap::{
    CapArea, CapError, CapIssuer, CapMsgType, CapNotice, CapReference, OBITUARY_CATEGORY, render_cap,
};
use kizuna_core::consortium::Category;
use kizuna_core::lang::Explain;
use kizuna_core::notice::{NoticeStatus, Urgency};
use kizuna_core::text::SearchQuery;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::{ArchivePage, ArchiveQuery, Notice, StoreError};

use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

/// Notices on one page of the archive.
pub const PAGE_SIZE: i64 = 20;
/// Entries in a feed: enough for a reader polling every few minutes in a disaster.
pub const FEED_SIZE: i64 = 50;
/// Corrections of corrections are followed this far back, so a broken chain cannot loop.
const MAX_CHAIN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Never published, of a restricted category, or no such notice: all look alike.
    #[error("no public notice")]
    NotFound,
    /// An obituary whose days in the archive are over.
    #[error("the notice is no longer public")]
    Gone,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The base URL or mail domain cannot name a CAP issuer: a configuration mistake.
    #[error("CAP: {0}")]
    Cap(#[from] CapError),
}

/// The names of the municipalities a notice is for, joined the way each language lists them.
pub fn municipality_names(directory: &ReferenceData, notice: &Notice, lang: Lang) -> String {
    let names: Vec<&str> =
        notice.municipalities.iter().filter_map(|code| directory.municipality(code)).map(|m| m.name(lang)).collect();
    names.join(&texts::text(lang, "archive-municipality-separator"))
}

fn areas(directory: &ReferenceData, notice: &Notice) -> Vec<CapArea> {
    notice.municipalities.iter().filter_map(|code| directory.municipality(code)).map(CapArea::from).collect()
}

/// Kizuna's CAP identity: `info@` the mail domain, the public base URL, the region's name.
pub fn issuer(state: &AppState, directory: &ReferenceData) -> Result<CapIssuer, ArchiveError> {
    let consortium = directory.consortium.as_ref().ok_or(StoreError::NotFound)?;
    let sender = EmailAddress::parse(&format!("info@{}", state.settings.mail_domain))
        .map_err(|_| CapError::Sender(state.settings.mail_domain.clone()))?;
    Ok(CapIssuer::new(&sender, &state.settings.base_url, &consortium.name_ja, &consortium.name_en)?)
}

/// The archive's filters as a resident typed them (query parameters, unchecked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFilters {
    pub q: String,
    pub municipality: String,
    pub category: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

impl RawFilters {
    /// A search, a filter or a page past the first: more than the plain list.
    pub fn any(&self) -> bool {
        [&self.q, &self.municipality, &self.category, &self.from, &self.to, &self.page]
            .iter()
            .any(|v| !v.trim().is_empty())
    }
}

/// Checked filters: every value names something that exists and is public.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub search: Option<SearchQuery>,
    pub municipality: Option<MunicipalityCode>,
    pub category: Option<CategoryKey>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// 1-based.
    pub page: i64,
}

/// A filter that could not be used, tied to the form field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub field: &'static str,
    pub message: String,
}

impl Filters {
    /// Parses what the form sent. Unknown municipalities and categories (restricted
    /// ones included: they do not exist for the public) and malformed dates are
    /// errors, each named by its field, in the resident's language.
    pub fn parse(raw: &RawFilters, directory: &ReferenceData, lang: Lang) -> Result<Filters, Vec<FilterError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &'static str, message: String| errors.push(FilterError { field, message });
        let search = SearchQuery::parse(&raw.q).unwrap_or_else(|error| {
            fail("q", error.explain(lang));
            None
        });
        let municipality = match raw.municipality.trim() {
            "" => None,
            code => match MunicipalityCode::parse(code).ok().filter(|c| directory.municipality(c.as_str()).is_some()) {
                Some(code) => Some(code),
                None => {
                    fail("municipality", texts::text(lang, "archive-no-municipality").into_owned());
                    None
                }
            },
        };
        let category = match raw.category.trim() {
            "" => None,
            key => match CategoryKey::parse(key)
                .ok()
                .filter(|k| directory.category(k.as_str()).is_some_and(|c| !c.restricted))
            {
                Some(key) => Some(key),
                None => {
                    fail("category", texts::text(lang, "archive-no-category").into_owned());
                    None
                }
            },
        };
        let mut date = |field: &'static str, text: &str| match text.trim() {
            "" => None,
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().or_else(|| {
                fail(field, texts::text(lang, "archive-bad-date").into_owned());
                None
            }),
        };
        let from = date("from", &raw.from);
        let to = date("to", &raw.to);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            fail("to", texts::text(lang, "archive-dates-reversed").into_owned());
        }
        let page = match raw.page.trim() {
            "" => 1,
            text => text.parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or_else(|| {
                fail("page", texts::text(lang, "archive-bad-page").into_owned());
                1
            }),
        };
        if errors.is_empty() { Ok(Filters { search, municipality, category, from, to, page }) } else { Err(errors) }
    }

    /// The store's query; `include_withdrawn` for a feed, whose readers must learn
    /// of a withdrawal, never for a list people read.
    fn query(&self, state: &AppState, limit: i64, include_withdrawn: bool) -> ArchiveQuery {
        ArchiveQuery {
            municipality: self.municipality.clone(),
            category: self.category.clone(),
            sent_from: self.from,
            sent_until: self.to,
            search: self.search.clone(),
            include_superseded: true,
            include_withdrawn,
            now: state.clock.now(),
            obituary_days: state.settings.obituary_days,
            limit,
            offset: (self.page - 1) * limit,
        }
    }
}

/// One page of the archive: withdrawn notices are no longer listed (their pages stay).
pub async fn search(state: &AppState, filters: &Filters) -> Result<ArchivePage, ArchiveError> {
    Ok(state.store.archive_notices(&filters.query(state, PAGE_SIZE, false)).await?)
}

/// The latest notices for the home page: emergencies first, newest first within
/// each; withdrawn ones are no longer listed.
pub async fn latest(state: &AppState, limit: i64) -> Result<Vec<Notice>, ArchiveError> {
    let mut query = ArchiveQuery::everything(state.clock.now(), state.settings.obituary_days, limit);
    query.include_withdrawn = false;
    let mut notices = state.store.archive_notices(&query).await?.notices;
    // The sort is stable, so each group keeps the store's newest-first order.
    notices.sort_by_key(|n| n.urgency != Urgency::Emergency);
    Ok(notices)
}

/// Whether a notice is an obituary, which lists show without the name of the deceased.
pub fn is_obituary(notice: &Notice) -> bool {
    notice.category == OBITUARY_CATEGORY
}

/// What a CAP message does to earlier ones, read from the notice's own state.
pub fn msg_type(notice: &Notice) -> CapMsgType {
    if notice.status == NoticeStatus::Withdrawn {
        CapMsgType::Cancel
    } else if notice.supersedes.is_some() {
        CapMsgType::Update
    } else {
        CapMsgType::Alert
    }
}

/// A notice a resident may open, with what its page and CAP document need.
pub struct PublicNotice {
    pub notice: Notice,
    pub cap: CapNotice,
    pub category: Category,
    /// The published notice that corrects this one.
    pub corrected_by: Option<i64>,
}

/// A public notice by id: not found unless published and of a public category;
/// gone once an obituary's days are over.
pub async fn public_notice(state: &AppState, directory: &ReferenceData, id: i64) -> Result<PublicNotice, ArchiveError> {
    let notice = state.store.notice(id).await?.ok_or(ArchiveError::NotFound)?;
    let published = notice.status.is_published() || notice.status == NoticeStatus::Withdrawn;
    let category = directory.category(&notice.category).filter(|c| !c.restricted).cloned();
    let (true, Some(category)) = (published, category) else {
        return Err(ArchiveError::NotFound);
    };
    let issuer = issuer(state, directory)?;
    let cap = cap_notice(state, directory, &issuer, &notice).await?;
    if !cap.is_publicly_listable(state.clock.now(), state.settings.obituary_days) {
        return Err(ArchiveError::Gone);
    }
    let corrected_by =
        if notice.status == NoticeStatus::Superseded { state.store.correction_of(id).await? } else { None };
    Ok(PublicNotice { notice, cap, category, corrected_by })
}

/// `/notices/{id}/cap.xml`.
pub async fn notice_cap(state: &AppState, id: i64) -> Result<String, ArchiveError> {
    let directory = state.directory.current();
    let public = public_notice(state, &directory, id).await?;
    Ok(render_cap(&issuer(state, &directory)?, &public.cap)?)
}

/// `/feeds/atom.xml`, narrowed to a municipality and a category when asked.
pub async fn atom_feed(
    state: &AppState,
    directory: &ReferenceData,
    municipality: Option<&MunicipalityCode>,
    category: Option<&CategoryKey>,
) -> Result<String, ArchiveError> {
    let issuer = issuer(state, directory)?;
    let filters =
        Filters { municipality: municipality.cloned(), category: category.cloned(), page: 1, ..Filters::default() };
    let notices = state.store.archive_notices(&filters.query(state, FEED_SIZE, true)).await?.notices;
    let caps = cap_notices(state, directory, &issuer, &notices).await?;
    let area = municipality.and_then(|code| directory.municipality(code.as_str())).map(CapArea::from);
    let scope =
        FeedScope { municipality: area.as_ref(), category: category.and_then(|key| directory.category(key.as_str())) };
    Ok(render_atom_feed(&notice_feed(&issuer, &scope, &caps, &listing(state))))
}

/// `/feeds/cap.xml`: the current CAP message of each recent notice (corrected
/// notices give way to their correction; withdrawals stay so readers learn of them).
pub async fn cap_index(state: &AppState, directory: &ReferenceData) -> Result<String, ArchiveError> {
    let issuer = issuer(state, directory)?;
    let mut query = ArchiveQuery::everything(state.clock.now(), state.settings.obituary_days, FEED_SIZE);
    query.include_superseded = false;
    let notices = state.store.archive_notices(&query).await?.notices;
    let caps = cap_notices(state, directory, &issuer, &notices).await?;
    Ok(render_atom_feed(&cap_index_feed(&issuer, &caps, &listing(state))))
}

fn listing(state: &AppState) -> Listing {
    Listing { now: state.clock.now(), obituary_days: state.settings.obituary_days }
}

async fn cap_notices(
    state: &AppState,
    directory: &ReferenceData,
    issuer: &CapIssuer,
    notices: &[Notice],
) -> Result<Vec<CapNotice>, ArchiveError> {
    let mut caps = Vec::with_capacity(notices.len());
    for notice in notices {
        caps.push(cap_notice(state, directory, issuer, notice).await?);
    }
    Ok(caps)
}

/// The CAP view of a published notice. A correction references every notice it
/// replaces, oldest first; a withdrawal is a `Cancel` sent when it was withdrawn that
/// references the notice's own message (and what that one corrected).
async fn cap_notice(
    state: &AppState,
    directory: &ReferenceData,
    issuer: &CapIssuer,
    notice: &Notice,
) -> Result<CapNotice, ArchiveError> {
    let category = directory.category(&notice.category).cloned().ok_or(ArchiveError::NotFound)?;
    let sent_at = notice.sent_at.unwrap_or(notice.created_at);
    let mut references = earlier_messages(state, issuer, notice).await?;
    let msg_type = msg_type(notice);
    let sent = if msg_type == CapMsgType::Cancel {
        references.push(issuer.reference(notice.id, sent_at));
        withdrawn_at(state, notice).await?
    } else {
        sent_at
    };
    Ok(CapNotice {
        id: notice.id,
        msg_type,
        references,
        sent,
        exercise: notice.exercise,
        category,
        urgency: notice.urgency,
        title: notice.title.to_string(),
        body: notice.body.to_string(),
        title_en: notice.title_en.as_ref().map(|t| t.to_string()),
        body_en: notice.body_en.as_ref().map(|b| b.to_string()),
        expires: notice.expires_at,
        areas: areas(directory, notice),
    })
}

/// The messages of the notices this one corrects, oldest first.
async fn earlier_messages(
    state: &AppState,
    issuer: &CapIssuer,
    notice: &Notice,
) -> Result<Vec<CapReference>, ArchiveError> {
    let mut references = Vec::new();
    let mut next = notice.supersedes;
    while let Some(id) = next.filter(|_| references.len() < MAX_CHAIN) {
        let Some(earlier) = state.store.notice(id).await? else { break };
        if let Some(sent) = earlier.sent_at {
            references.push(issuer.reference(earlier.id, sent));
        }
        next = earlier.supersedes;
    }
    references.reverse();
    Ok(references)
}

async fn withdrawn_at(state: &AppState, notice: &Notice) -> Result<DateTime<Utc>, ArchiveError> {
    let events = state.store.notice_events(notice.id).await?;
    Ok(events.iter().rev().find(|e| e.to == NoticeStatus::Withdrawn).map_or(notice.updated_at, |e| e.at))
}
