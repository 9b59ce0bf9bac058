//! The moves the staff console adds to the notice service: editing a draft (every
//! version kept), the recipient count before a move, scheduling at a time the
//! person chose, the countdown of an emergency send, and what the approver reads
//! (versions and history). Same rules as the rest of the service: the actor's
//! permission and scope first, the notice read once, the lifecycle decides.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeAction, NoticeStatus};
use kizuna_store::{Notice, NoticeEvent, NoticeVersion, RecipientCounts};

use super::draft::Origin;
use super::read::notice_for;
use super::{Actor, Dispatch, NoticeDraft, NoticeError, Permission};
use crate::state::AppState;

/// Replaces the text and targets of a draft or a returned notice; the earlier
/// version is kept for the approver.
pub async fn edit(state: &AppState, actor: &Actor, id: i64, draft: NoticeDraft) -> Result<Notice, NoticeError> {
    super::validate(state, actor, &draft)?;
    let notice = notice_for(state, actor, id).await?;
    notice.status.apply(NoticeAction::Edit)?;
    let new = draft.into_new(Origin::new(notice.source));
    Ok(state.store.edit_notice(id, &new, actor.name(), state.clock.now()).await?)
}

/// A new draft with the text and targets of notice `id`, for the actor to change.
pub async fn clone_notice(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    let original = notice_for(state, actor, id).await?;
    let draft = NoticeDraft {
        title: original.title,
        body: original.body,
        title_en: original.title_en,
        body_en: original.body_en,
        category: original.category,
        municipalities: original.municipalities,
        areas: original.area_ids,
        urgency: original.urgency,
        exercise: original.exercise,
        expires_at: None,
        send_at: None,
        check_in: original.check_in,
    };
    Ok(super::create(state, actor, draft, None).await?.notice)
}

/// Who the notice would reach if it went out now, per municipality.
pub async fn recipients(state: &AppState, actor: &Actor, id: i64) -> Result<RecipientCounts, NoticeError> {
    actor.require(Permission::Read, "")?;
    let notice = notice_for(state, actor, id).await?;
    Ok(state.store.recipient_counts(notice.id).await?)
}

/// Every saved version of the notice, the first first, and its history.
pub async fn history(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(Vec<NoticeVersion>, Vec<NoticeEvent>), NoticeError> {
    actor.require(Permission::Read, "")?;
    let notice = notice_for(state, actor, id).await?;
    Ok((state.store.notice_versions(notice.id).await?, state.store.notice_events(notice.id).await?))
}

/// Approves a notice pending approval: a second person's act, so never its author's.
pub async fn approve_as_second_person(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    actor.require(Permission::Approve, "")?;
    let notice = notice_for(state, actor, id).await?;
    if notice.created_by == actor.name() {
        return Err(NoticeError::NotAllowed { permission: Permission::Approve, why: " a notice one wrote oneself" });
    }
    notice.status.apply(NoticeAction::Approve)?;
    Ok(state.store.transition_notice(id, NoticeAction::Approve, actor.name(), None, state.clock.now()).await?)
}

/// Schedules an approved notice for `at`, which must lie ahead.
pub async fn schedule(state: &AppState, actor: &Actor, id: i64, at: DateTime<Utc>) -> Result<Notice, NoticeError> {
    actor.require(Permission::Send, "")?;
    let now = state.clock.now();
    if at <= now {
        return Err(NoticeError::SendAtNotAhead(at));
    }
    let notice = notice_for(state, actor, id).await?;
    notice.status.apply(NoticeAction::Schedule)?;
    Ok(state.store.schedule_notice(id, at, NoticeAction::Schedule, actor.name(), now).await?)
}

/// Takes a scheduled notice off the schedule; it stays approved. A countdown of
/// an unapproved emergency send is not a schedule: it is cancelled instead.
pub async fn unschedule(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    actor.require(Permission::Send, "")?;
    let notice = notice_for(state, actor, id).await?;
    notice.status.apply(NoticeAction::Unschedule)?;
    let events = state.store.notice_events(id).await?;
    if events.last().is_some_and(|e| e.action == NoticeAction::Arm.as_str()) {
        return Err(NoticeError::Transition(kizuna_core::notice::TransitionError {
            from: NoticeStatus::Scheduled,
            action: NoticeAction::Unschedule.as_str(),
        }));
    }
    Ok(state.store.transition_notice(id, NoticeAction::Unschedule, actor.name(), None, state.clock.now()).await?)
}

/// Starts the countdown of an emergency send without approval: the notice goes
/// out `countdown` from now unless cancelled first. The countdown runs in this
/// process; should it stop, the scheduler sends the notice at its time.
pub async fn arm(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    actor.require(Permission::SendUnapproved, "")?;
    let notice = notice_for(state, actor, id).await?;
    notice.status.apply(NoticeAction::Arm)?;
    let now = state.clock.now();
    let due = now + state.settings.console.emergency_countdown;
    let armed = state.store.schedule_notice(id, due, NoticeAction::Arm, actor.name(), now).await?;
    tracing::info!(notice = id, actor = actor.name(), "emergency send armed");
    let countdown = state.clone();
    let wait = state.settings.console.emergency_countdown.to_std().unwrap_or_default();
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        match super::send_scheduled(&countdown, &Actor::scheduler(), id).await {
            Ok(Dispatch { queued, .. }) => tracing::info!(notice = id, queued, "emergency send after its countdown"),
            // Cancelled during the countdown, or already sent by the scheduler.
            Err(NoticeError::Transition(_) | NoticeError::Conflict(_)) => {}
            Err(error) => tracing::warn!(notice = id, %error, "the countdown could not send; the scheduler will"),
        }
    });
    Ok(armed)
}
