//! What staff and API clients do with a notice's safety check-in (安否確認):
//! read its counts, read the "needs help" answers, and follow it up with a
//! notice to those who have not answered or to those who need help. A
//! follow-up is an ordinary notice (a draft, submitted, approved and sent like
//! any other, every move in its history) that the store queues for the
//! check-in's audience instead of for subscriptions.

use kizuna_core::Lang;
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_store::{CheckInCounts, FollowUp, HelpRequest, Notice};

use super::draft::Origin;
use super::read::notice_for;
use super::{Actor, Created, NoticeDraft, NoticeError, Permission};
use crate::state::AppState;
use crate::texts;

/// The notice, which must carry a check-in, read as the actor may.
async fn check_in_notice(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    actor.require(Permission::Read, "")?;
    let notice = notice_for(state, actor, id).await?;
    if !notice.check_in {
        return Err(NoticeError::NoCheckIn(id));
    }
    Ok(notice)
}

/// How the check-in of notice `id` stands.
pub async fn check_in_counts(state: &AppState, actor: &Actor, id: i64) -> Result<(Notice, CheckInCounts), NoticeError> {
    let notice = check_in_notice(state, actor, id).await?;
    let counts = state.store.check_in_counts(id).await?;
    Ok((notice, counts))
}

/// The "needs help" answers of notice `id` in the actor's municipalities (the
/// notice is within them all, so these are all of them; kept narrow anyway).
pub async fn help_requests(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(Notice, Vec<HelpRequest>), NoticeError> {
    let notice = check_in_notice(state, actor, id).await?;
    let mut requests = state.store.help_requests(id).await?;
    requests.retain(|r| actor.scope().covers(&r.municipality));
    Ok((notice, requests))
}

/// A draft follow-up of check-in notice `id` to `audience`, with a text staff
/// can change before submitting it: same municipalities, category, urgency and
/// drill flag; it carries the audience's links to answer the check-in.
pub async fn follow_up(
    state: &AppState,
    actor: &Actor,
    id: i64,
    audience: FollowUpAudience,
) -> Result<Created, NoticeError> {
    actor.require(Permission::Create, "")?;
    let original = check_in_notice(state, actor, id).await?;
    let text = |lang: Lang| -> Option<(NoticeTitle, NoticeBody)> {
        let title = original.title_en.as_ref().filter(|_| lang == Lang::EN).unwrap_or(&original.title);
        let keys = match audience {
            FollowUpAudience::Unanswered => ("follow-up-unanswered-title", "follow-up-unanswered-body"),
            FollowUpAudience::NeedsHelp => ("follow-up-needs-help-title", "follow-up-needs-help-body"),
            // Not a check-in's audience: only a JMA 取消 tells those a notice reached.
            FollowUpAudience::Reached => return None,
        };
        let body = texts::format(lang, keys.1, &[("title", title.as_str().into())]);
        Some((NoticeTitle::parse(&texts::text(lang, keys.0)).ok()?, NoticeBody::parse(&body).ok()?))
    };
    let (title, body) = text(Lang::JA).ok_or(NoticeError::NoCheckIn(id))?;
    let english = text(Lang::EN);
    let draft = NoticeDraft {
        title,
        body,
        title_en: english.as_ref().map(|(t, _)| t.clone()),
        body_en: english.map(|(_, b)| b),
        category: original.category.clone(),
        municipalities: original.municipalities.clone(),
        areas: original.area_ids.clone(),
        urgency: original.urgency,
        exercise: original.exercise,
        expires_at: None,
        send_at: None,
        check_in: false,
    };
    super::validate(state, actor, &draft)?;
    let mut origin = Origin::new(actor.source());
    origin.follow_up = Some(FollowUp { of: id, audience });
    let (notice, _) = state.store.create_notice(&draft.into_new(origin), actor.name(), state.clock.now()).await?;
    tracing::info!(original = id, follow_up = notice.id, audience = audience.as_str(), "check-in follow-up drafted");
    Ok(Created { notice, new: true })
}
