//! What an API key may do to notices and statistics: each function checks the
//! key's scope and rights for the notice at hand, then makes one store call (or
//! the shared `notices::send`), leaving transition rules to the lifecycle.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, NoticeStatus, Urgency};
use kizuna_core::staff::ApiRight;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::{DeliveryCounts, NewNotice, Notice, NoticeFilter, StoreError, SubscriberCount};

use super::error::ApiError;
use super::extract::ApiCaller;
use crate::state::AppState;

/// A new notice as the API received it, every field already parsed.
#[derive(Debug, Clone)]
pub struct NoticeDraft {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
    pub category: CategoryKey,
    /// Without duplicates, in the order given.
    pub municipalities: Vec<MunicipalityCode>,
    pub areas: Vec<i64>,
    pub urgency: Urgency,
    pub exercise: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub send_at: Option<DateTime<Utc>>,
}

/// The corrected text of a sent notice.
#[derive(Debug, Clone)]
pub struct CorrectionText {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: Option<NoticeTitle>,
    pub body_en: Option<NoticeBody>,
}

/// Which notices to list.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub source: Option<NoticeSource>,
    pub municipality: Option<MunicipalityCode>,
    pub status: Option<NoticeStatus>,
    pub limit: i64,
    pub before: Option<i64>,
}

/// A notice with how its deliveries stand.
#[derive(Debug, Clone)]
pub struct NoticeReport {
    pub notice: Notice,
    pub deliveries: DeliveryCounts,
}

/// One page of notices and the cursor of the next, if there is one.
#[derive(Debug, Clone)]
pub struct NoticePage {
    pub notices: Vec<Notice>,
    pub next_before: Option<i64>,
}

/// A lifecycle step an API key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Submit,
    Approve,
    /// Sends an approved notice (or schedules it when its `send_at` is ahead);
    /// with `notices:emergency`, sends one that was never approved.
    Send,
    Cancel,
    /// Takes a sent notice back (CAP Cancel).
    Withdraw,
}

async fn report(state: &AppState, notice: Notice) -> Result<NoticeReport, ApiError> {
    let deliveries = state.store.delivery_counts(notice.id).await?;
    Ok(NoticeReport { notice, deliveries })
}

/// Whether a notice has left every public and API listing: an obituary
/// (お悔やみ情報) is gone once its publication is older than `obituary_days`.
fn expired_obituary(state: &AppState, notice: &Notice) -> bool {
    notice.sent_at.is_some_and(|sent| {
        !kizuna_core::cap::is_publicly_listable(
            false,
            &notice.category,
            sent,
            state.clock.now(),
            state.settings.obituary_days,
        )
    })
}

/// The notice, when it exists, is not an expired obituary, and the key acts
/// for all its municipalities.
async fn notice_in_scope(state: &AppState, caller: &ApiCaller, id: i64) -> Result<Notice, ApiError> {
    let notice = state
        .store
        .notice(id)
        .await?
        .filter(|notice| !expired_obituary(state, notice))
        .ok_or_else(|| ApiError::NoticeNotFound(id.to_string()))?;
    caller.require_scope(notice.municipalities.iter().map(String::as_str))?;
    Ok(notice)
}

pub async fn create_notice(
    state: &AppState,
    caller: &ApiCaller,
    draft: NoticeDraft,
    idempotency_key: Option<String>,
) -> Result<(NoticeReport, bool), ApiError> {
    let members = state.store.municipalities().await?;
    for (i, code) in draft.municipalities.iter().enumerate() {
        if !members.iter().any(|m| &m.code == code) {
            return Err(ApiError::invalid(
                "unknown_municipality",
                format!("municipalities[{i}]"),
                format!("{code} is not a municipality of this consortium"),
            ));
        }
    }
    caller.require_scope(draft.municipalities.iter().map(MunicipalityCode::as_str))?;
    if !state.store.categories().await?.iter().any(|c| c.key == draft.category) {
        return Err(ApiError::invalid(
            "unknown_category",
            "category",
            format!("there is no category {:?}", draft.category.as_str()),
        ));
    }
    if !draft.areas.is_empty() {
        let mut known = Vec::new();
        for code in &draft.municipalities {
            known.extend(state.store.areas(code.as_str()).await?.into_iter().map(|a| a.id));
        }
        if let Some((i, area)) = draft.areas.iter().enumerate().find(|(_, area)| !known.contains(area)) {
            return Err(ApiError::invalid(
                "unknown_area",
                format!("areas[{i}]"),
                format!("area {area} is not an area of the notice's municipalities"),
            ));
        }
    }
    let now = state.clock.now();
    if let Some(send_at) = draft.send_at.filter(|at| *at <= now) {
        return Err(ApiError::invalid("invalid_time", "send_at", format!("{send_at} is not in the future")));
    }
    let starts = draft.send_at.unwrap_or(now);
    if let Some(expires_at) = draft.expires_at.filter(|at| *at <= starts) {
        return Err(ApiError::invalid(
            "invalid_time",
            "expires_at",
            format!("{expires_at} is not after the notice goes out ({starts})"),
        ));
    }
    let new = NewNotice {
        title: draft.title,
        body: draft.body,
        title_en: draft.title_en,
        body_en: draft.body_en,
        category: draft.category,
        municipalities: draft.municipalities,
        area_ids: draft.areas,
        urgency: draft.urgency,
        exercise: draft.exercise,
        expires_at: draft.expires_at,
        send_at: draft.send_at,
        checkin_question: None,
        source: NoticeSource::Api,
        source_ref: None,
        // Keys of different clients never meet.
        idempotency_key: idempotency_key.map(|key| format!("{}:{key}", caller.key.id)),
        supersedes: None,
    };
    let (notice, created) = state.store.create_notice(&new, &caller.actor(), now).await?;
    if created {
        tracing::info!(notice = notice.id, actor = %caller.actor(), "notice created through the API");
    } else if !same_content(&notice, &new) {
        return Err(ApiError::invalid(
            "idempotency_key_reused",
            "Idempotency-Key",
            format!("this key already created notice {} with other content; use a new key for a new notice", notice.id),
        ));
    }
    Ok((report(state, notice).await?, created))
}

/// Whether a repeated create asks for what the first one made.
fn same_content(stored: &Notice, asked: &NewNotice) -> bool {
    let mut stored_towns = stored.municipalities.clone();
    stored_towns.sort();
    let mut asked_towns: Vec<String> = asked.municipalities.iter().map(|c| c.as_str().to_owned()).collect();
    asked_towns.sort();
    asked_towns.dedup();
    let mut asked_areas = asked.area_ids.clone();
    asked_areas.sort_unstable();
    asked_areas.dedup();
    stored.title == asked.title.as_str()
        && stored.body == asked.body.as_str()
        && stored.title_en.as_deref() == asked.title_en.as_ref().map(NoticeTitle::as_str)
        && stored.body_en.as_deref() == asked.body_en.as_ref().map(NoticeBody::as_str)
        && stored.category == asked.category.as_str()
        && stored_towns == asked_towns
        && stored.area_ids == asked_areas
        && stored.urgency == asked.urgency
        && stored.exercise == asked.exercise
        && stored.expires_at == asked.expires_at
        && stored.send_at == asked.send_at
}

pub async fn notice(state: &AppState, caller: &ApiCaller, id: i64) -> Result<NoticeReport, ApiError> {
    let notice = notice_in_scope(state, caller, id).await?;
    report(state, notice).await
}

pub async fn list(state: &AppState, caller: &ApiCaller, request: ListRequest) -> Result<NoticePage, ApiError> {
    if let Some(code) = &request.municipality {
        caller.require_scope([code.as_str()])?;
    }
    let limit = request.limit.clamp(1, 100);
    let filter = NoticeFilter {
        source: request.source,
        municipality: request.municipality,
        status: request.status,
        within: caller.key.scope.clone(),
        before: request.before,
        // One more than shown tells whether another page follows.
        limit: limit + 1,
    };
    let mut notices = state.store.list_notices(&filter).await?;
    let more = notices.len() as i64 > limit;
    // An expired obituary leaves the listing; the page may then be one shorter.
    notices.retain(|notice| !expired_obituary(state, notice));
    notices.truncate(limit as usize);
    let next_before = if more { notices.last().map(|n| n.id) } else { None };
    Ok(NoticePage { notices, next_before })
}

pub async fn act(state: &AppState, caller: &ApiCaller, id: i64, command: Command) -> Result<NoticeReport, ApiError> {
    let notice = notice_in_scope(state, caller, id).await?;
    let actor = caller.actor();
    let now = state.clock.now();
    let store = &state.store;
    let moved = match command {
        Command::Submit => store.transition_notice(id, NoticeAction::Submit, &actor, None, now).await?,
        Command::Approve => store.transition_notice(id, NoticeAction::Approve, &actor, None, now).await?,
        Command::Cancel => store.transition_notice(id, NoticeAction::Cancel, &actor, None, now).await?,
        Command::Withdraw => store.transition_notice(id, NoticeAction::Withdraw, &actor, None, now).await?,
        Command::Send => send(state, caller, &notice, now).await?,
    };
    report(state, moved).await
}

/// Chooses how `/send` moves the notice; the lifecycle refuses what cannot be.
async fn send(state: &AppState, caller: &ApiCaller, notice: &Notice, now: DateTime<Utc>) -> Result<Notice, ApiError> {
    let actor = caller.actor();
    let later = notice.send_at.is_some_and(|at| at > now);
    match notice.status {
        NoticeStatus::Approved if later => {
            Ok(state.store.transition_notice(notice.id, NoticeAction::Schedule, &actor, None, now).await?)
        }
        NoticeStatus::Draft | NoticeStatus::PendingApproval | NoticeStatus::Returned => {
            caller.require(ApiRight::NoticesEmergency, " (needed to send a notice that was not approved)")?;
            if later {
                return Err(ApiError::ScheduledNeedsApproval);
            }
            let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
            Ok(crate::notices::send(state, notice.id, action, &actor).await?.0)
        }
        _ => Ok(crate::notices::send(state, notice.id, NoticeAction::Send, &actor).await?.0),
    }
}

pub async fn correct(
    state: &AppState,
    caller: &ApiCaller,
    id: i64,
    text: CorrectionText,
) -> Result<NoticeReport, ApiError> {
    let original = notice_in_scope(state, caller, id).await?;
    let corrupt = |what: &str| ApiError::Internal(StoreError::Corrupt(format!("notice {id} has {what}")));
    let municipalities = original
        .municipalities
        .iter()
        .map(|code| MunicipalityCode::parse(code))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| corrupt("a malformed municipality code"))?;
    let category = CategoryKey::parse(&original.category).map_err(|_| corrupt("a malformed category key"))?;
    let correction = NewNotice {
        title: text.title,
        body: text.body,
        // The English text of the original is as wrong as the rest: only what is given goes out.
        title_en: text.title_en,
        body_en: text.body_en,
        category,
        municipalities,
        area_ids: original.area_ids.clone(),
        urgency: original.urgency,
        exercise: original.exercise,
        expires_at: original.expires_at,
        send_at: None,
        checkin_question: original.checkin_question.clone(),
        source: NoticeSource::Api,
        source_ref: None,
        idempotency_key: None,
        supersedes: Some(id),
    };
    let (notice, queued) = state.store.correct_notice(id, &correction, &caller.actor(), state.clock.now()).await?;
    tracing::info!(original = id, correction = notice.id, queued, actor = %caller.actor(), "notice corrected");
    state.work.notify_one();
    report(state, notice).await
}

/// Active residents per municipality and category, within the key's scope.
pub async fn subscriber_counts(state: &AppState, caller: &ApiCaller) -> Result<Vec<SubscriberCount>, ApiError> {
    let own = caller.key.scope.municipality();
    let counts = state.store.subscriber_counts().await?;
    Ok(counts.into_iter().filter(|c| own.is_none_or(|code| code.as_str() == c.municipality)).collect())
}
