//! Every move of a notice, for the API, the console, the scheduler and the JMA
//! poller. Each function checks what the actor may do, reads the notice once,
//! decides by the lifecycle, writes through the store and, when deliveries were
//! queued, wakes the delivery workers. The store checks the lifecycle again inside
//! its transaction, so a concurrent change loses cleanly instead of twice.

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::jma::JmaNotice;
use kizuna_core::notice::{NoticeAction, NoticeSource, NoticeStatus, Urgency};
use kizuna_store::{NewNotice, Notice};

use super::draft::Origin;
use super::read::notice_for;
use super::{Actor, CorrectionText, Created, Dispatch, NoticeDraft, NoticeError, Permission};
use crate::directory::ReferenceData;
use crate::state::AppState;

/// Whether `actor` may create `draft` as it stands: its municipalities belong to
/// the consortium and to the actor's scope, its category and areas exist, and its
/// times lie ahead. Nothing is written.
pub fn validate(state: &AppState, actor: &Actor, draft: &NoticeDraft) -> Result<(), NoticeError> {
    check(&state.directory.current(), actor, draft, state.clock.now())
}

fn check(directory: &ReferenceData, actor: &Actor, draft: &NoticeDraft, now: DateTime<Utc>) -> Result<(), NoticeError> {
    actor.require(Permission::Create, "")?;
    for (index, code) in draft.municipalities.iter().enumerate() {
        if directory.municipality(code.as_str()).is_none() {
            return Err(NoticeError::UnknownMunicipality { index, code: code.clone() });
        }
    }
    actor.require_scope(draft.municipalities.iter().map(MunicipalityCode::as_str))?;
    if directory.category(draft.category.as_str()).is_none() {
        return Err(NoticeError::UnknownCategory(draft.category.clone()));
    }
    let known =
        |area: &i64| draft.municipalities.iter().any(|code| directory.areas_of(code.as_str()).any(|a| a.id == *area));
    if let Some((index, area)) = draft.areas.iter().enumerate().find(|(_, area)| !known(area)) {
        return Err(NoticeError::UnknownArea { index, area: *area });
    }
    if let Some(send_at) = draft.send_at.filter(|at| *at <= now) {
        return Err(NoticeError::SendAtNotAhead(send_at));
    }
    let starts = draft.send_at.unwrap_or(now);
    if let Some(expires_at) = draft.expires_at.filter(|at| *at <= starts) {
        return Err(NoticeError::ExpiresBeforeStart { expires_at, starts });
    }
    Ok(())
}

/// Creates a draft. With an idempotency key the actor used before, answers the
/// notice that key made, provided it asked for the same; never a second one.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    draft: NoticeDraft,
    idempotency_key: Option<&str>,
) -> Result<Created, NoticeError> {
    let now = state.clock.now();
    check(&state.directory.current(), actor, &draft, now)?;
    let mut origin = Origin::new(actor.source());
    origin.idempotency_key = idempotency_key.map(|key| actor.idempotency_key(key));
    let new = draft.into_new(origin);
    let (notice, created) = state.store.create_notice(&new, actor.name(), now).await?;
    if created {
        tracing::info!(notice = notice.id, actor = actor.name(), source = new.source.as_str(), "notice created");
    } else if !same_content(&notice, &new) {
        return Err(NoticeError::IdempotencyKeyReused(notice.id));
    }
    Ok(Created { notice, new: created })
}

/// Records a notice a JMA report calls for, as a draft. Its municipalities come
/// from the consortium's own map and its validity is JMA's, so a report read late
/// is recorded as it is. The same report read again (after a crash, or from the
/// long feed) finds the notice it made; that first notice stands.
pub async fn create_from_jma(state: &AppState, notice: &JmaNotice) -> Result<Created, NoticeError> {
    let actor = Actor::jma();
    actor.require(Permission::Create, "")?;
    let source = notice.source.to_string();
    let draft = NoticeDraft {
        title: notice.title.clone(),
        body: notice.body.clone(),
        title_en: Some(notice.title_en.clone()),
        body_en: Some(notice.body_en.clone()),
        category: notice.category.clone(),
        municipalities: notice.municipalities.clone(),
        areas: Vec::new(),
        urgency: notice.urgency,
        exercise: notice.exercise,
        expires_at: notice.expires_at,
        send_at: None,
        check_in: false,
    };
    let mut origin = Origin::new(NoticeSource::Jma);
    origin.source_ref = Some(source.clone());
    origin.idempotency_key = Some(source);
    let (notice, new) = state.store.create_notice(&draft.into_new(origin), actor.name(), state.clock.now()).await?;
    Ok(Created { notice, new })
}

/// Whether a repeated create asks for what the first one made.
fn same_content(stored: &Notice, asked: &NewNotice) -> bool {
    let mut stored_towns = stored.municipalities.clone();
    stored_towns.sort();
    let mut asked_towns = asked.municipalities.clone();
    asked_towns.sort();
    asked_towns.dedup();
    let mut asked_areas = asked.area_ids.clone();
    asked_areas.sort_unstable();
    asked_areas.dedup();
    stored.title == asked.title
        && stored.body == asked.body
        && stored.title_en == asked.title_en
        && stored.body_en == asked.body_en
        && stored.category == asked.category
        && stored_towns == asked_towns
        && stored.area_ids == asked_areas
        && stored.urgency == asked.urgency
        && stored.exercise == asked.exercise
        && stored.check_in == asked.check_in
        && stored.expires_at == asked.expires_at
        && stored.send_at == asked.send_at
}

/// Submits a draft (or a returned notice) for approval.
pub async fn submit(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    transition(state, actor, id, Permission::Submit, NoticeAction::Submit, None).await
}

pub async fn approve(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    transition(state, actor, id, Permission::Approve, NoticeAction::Approve, None).await
}

/// Sends a notice pending approval back to its author, saying why.
pub async fn return_notice(state: &AppState, actor: &Actor, id: i64, note: &str) -> Result<Notice, NoticeError> {
    transition(state, actor, id, Permission::Return, NoticeAction::Return, Some(note)).await
}

/// Cancels a notice before it has gone out; messages still queued are not sent.
pub async fn cancel(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    transition(state, actor, id, Permission::Cancel, NoticeAction::Cancel, None).await
}

/// Takes a sent notice back (CAP Cancel): it leaves the public archive.
pub async fn withdraw(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    transition(state, actor, id, Permission::Withdraw, NoticeAction::Withdraw, None).await
}

async fn transition(
    state: &AppState,
    actor: &Actor,
    id: i64,
    permission: Permission,
    action: NoticeAction,
    note: Option<&str>,
) -> Result<Notice, NoticeError> {
    actor.require(permission, "")?;
    let notice = notice_for(state, actor, id).await?;
    notice.status.apply(action)?;
    Ok(state.store.transition_notice(notice.id, action, actor.name(), note, state.clock.now()).await?)
}

/// Sends a notice: an approved one at once, or scheduled when its `send_at` is
/// ahead; one never approved goes out at once only for an actor who may skip
/// approval (the emergency right, a JMA rule), and never when its time is ahead.
pub async fn send(state: &AppState, actor: &Actor, id: i64) -> Result<Dispatch, NoticeError> {
    actor.require(Permission::Send, "")?;
    let notice = notice_for(state, actor, id).await?;
    let now = state.clock.now();
    let later = notice.send_at.is_some_and(|at| at > now);
    // During quiet hours a normal notice waits for the morning; an emergency never does.
    let quiet = state.directory.current().quiet;
    let held = quiet.filter(|q| notice.urgency == kizuna_core::notice::Urgency::Normal && q.contains(now));
    match notice.status {
        NoticeStatus::Approved if !later && held.is_some() => {
            let release = held.map_or(now, |q| q.release(now));
            let notice =
                state.store.schedule_notice(notice.id, release, NoticeAction::Schedule, actor.name(), now).await?;
            tracing::info!(notice = notice.id, %release, "quiet hours: the notice waits until they end");
            Ok(Dispatch { notice, queued: 0 })
        }
        NoticeStatus::Approved if later => {
            let action = NoticeAction::Schedule;
            notice.status.apply(action)?;
            let notice = state.store.transition_notice(notice.id, action, actor.name(), None, now).await?;
            Ok(Dispatch { notice, queued: 0 })
        }
        NoticeStatus::Draft | NoticeStatus::PendingApproval | NoticeStatus::Returned => {
            let reason = actor.unapproved_send().ok_or(NoticeError::NotAllowed {
                permission: Permission::SendUnapproved,
                why: " (needed to send a notice that was not approved)",
            })?;
            if later {
                return Err(NoticeError::ScheduledNeedsApproval);
            }
            start_sending(state, actor, &notice, NoticeAction::SendImmediately(reason)).await
        }
        // The lifecycle refuses what is neither approved nor unapproved (sent, cancelled…).
        _ => start_sending(state, actor, &notice, NoticeAction::Send).await,
    }
}

/// Sends a scheduled notice whose time has come (the scheduler's query says which).
pub async fn send_scheduled(state: &AppState, actor: &Actor, id: i64) -> Result<Dispatch, NoticeError> {
    actor.require(Permission::Send, "")?;
    let notice = notice_for(state, actor, id).await?;
    start_sending(state, actor, &notice, NoticeAction::SendScheduled).await
}

/// Queues one delivery per matching resident (the first chunk of them when
/// they are many) and wakes the workers and the queueing of further chunks at once.
async fn start_sending(
    state: &AppState,
    actor: &Actor,
    notice: &Notice,
    action: NoticeAction,
) -> Result<Dispatch, NoticeError> {
    notice.status.apply(action)?;
    let (notice, queued) = state.store.start_sending(notice.id, action, actor.name(), state.clock.now()).await?;
    tracing::info!(notice = notice.id, queued, actor = actor.name(), "sending started");
    wake_delivery(state, &notice);
    Ok(Dispatch { notice, queued })
}

/// Wakes this process's workers and its queueing for a notice just queued, and
/// the express worker when it is an emergency.
fn wake_delivery(state: &AppState, notice: &Notice) {
    state.work.notify_one();
    state.queueing.notify_one();
    if notice.urgency == Urgency::Emergency {
        state.emergencies.notify_one();
    }
}

/// Corrects a sent notice (CAP Update): a new notice with the new text, the same
/// category, municipalities, areas and urgency, sent at once to the same
/// residents; the original becomes superseded. Both happen together or not at all.
pub async fn correct(state: &AppState, actor: &Actor, id: i64, text: CorrectionText) -> Result<Dispatch, NoticeError> {
    actor.require(Permission::Correct, "")?;
    let original = notice_for(state, actor, id).await?;
    original.status.apply(NoticeAction::Supersede)?;
    let municipalities = original.municipalities.clone();
    let category = original.category.clone();
    let draft = NoticeDraft {
        title: text.title,
        body: text.body,
        // The English text of the original is as wrong as the rest: only what is given goes out.
        title_en: text.title_en,
        body_en: text.body_en,
        category,
        municipalities,
        areas: original.area_ids.clone(),
        urgency: original.urgency,
        exercise: original.exercise,
        expires_at: original.expires_at,
        send_at: None,
        check_in: original.check_in,
    };
    let mut origin = Origin::new(actor.source());
    origin.supersedes = Some(id);
    origin.follow_up = original.follow_up;
    let correction = draft.into_new(origin);
    let (notice, queued) = state.store.correct_notice(id, &correction, actor.name(), state.clock.now()).await?;
    tracing::info!(original = id, correction = notice.id, queued, actor = actor.name(), "notice corrected");
    wake_delivery(state, &notice);
    Ok(Dispatch { notice, queued })
}
