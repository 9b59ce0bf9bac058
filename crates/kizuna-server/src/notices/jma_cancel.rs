//! A JMA 取消 acted on: each notice the withdrawn report made is taken back —
//! cancelled when it never went out, withdrawn (CAP Cancel) when it went out or is
//! going out, which stops the messages still waiting — and everyone a withdrawn
//! notice reached is told by a short 【取消】 notice. That notice is a follow-up
//! (audience "reached") queued from the withdrawn notice's deliveries, as a
//! check-in's follow-ups are, and goes out at once like any JMA notice the rules send.

use kizuna_core::Lang;
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::jma::JmaSource;
use kizuna_core::notice::{NoticeAction, NoticeSource, NoticeStatus};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::time::format_for;
use kizuna_store::{FollowUp, Notice, StoreError};

use super::draft::Origin;
use super::read::notice_for;
use super::{Actor, NoticeDraft, NoticeError, Permission};
use crate::state::AppState;
use crate::texts;

/// What a JMA 取消 did to one notice.
#[derive(Debug, Clone)]
pub struct JmaWithdrawal {
    /// The notice as it now stands: cancelled, withdrawn, or untouched when it
    /// was cancelled or corrected before.
    pub notice: Notice,
    /// The 【取消】 notice to those it reached, when it reached anyone.
    pub told: Option<Notice>,
}

/// Takes back notice `id`, which the report JMA cancelled made, and tells those
/// it reached; `source` names the 【取消】 notice (`jma:{取消 report}#n`), so that
/// the same 取消 read again, after a crash, tells nobody twice.
///
/// A notice already withdrawn (by this 取消 before a crash, or by staff) still
/// has its readers told: JMA's cancellation is news to them either way.
pub async fn withdraw_for_jma(state: &AppState, id: i64, source: &JmaSource) -> Result<JmaWithdrawal, NoticeError> {
    let actor = Actor::jma();
    actor.require(Permission::Withdraw, "")?;
    let notice = notice_for(state, &actor, id).await?;
    let now = state.clock.now();
    let note = Some("JMA cancelled the report (取消)");
    let notice = match notice.status {
        NoticeStatus::Sending | NoticeStatus::Sent => {
            state.store.transition_notice(id, NoticeAction::Withdraw, actor.name(), note, now).await?
        }
        NoticeStatus::Withdrawn => notice,
        NoticeStatus::Draft
        | NoticeStatus::PendingApproval
        | NoticeStatus::Approved
        | NoticeStatus::Scheduled
        | NoticeStatus::Returned => {
            let notice = state.store.transition_notice(id, NoticeAction::Cancel, actor.name(), note, now).await?;
            tracing::info!(notice = id, "JMA 取消: the notice had not gone out; cancelled");
            return Ok(JmaWithdrawal { notice, told: None });
        }
        NoticeStatus::Cancelled | NoticeStatus::Superseded => return Ok(JmaWithdrawal { notice, told: None }),
    };
    let told = tell_reached(state, &actor, &notice, source).await?;
    tracing::info!(notice = id, told = ?told.as_ref().map(|n| n.id), "JMA 取消: the notice was withdrawn");
    Ok(JmaWithdrawal { notice, told })
}

/// Sends the 【取消】 notice to everyone `withdrawn` reached; nothing when it reached nobody.
async fn tell_reached(
    state: &AppState,
    actor: &Actor,
    withdrawn: &Notice,
    source: &JmaSource,
) -> Result<Option<Notice>, NoticeError> {
    if state.store.follow_up_reach(withdrawn.id, FollowUpAudience::Reached).await? == 0 {
        return Ok(None);
    }
    let (title, body) = cancellation_text(withdrawn, Lang::JA)?;
    let english = match &withdrawn.title_en {
        Some(_) => Some(cancellation_text(withdrawn, Lang::EN)?),
        None => None,
    };
    let draft = NoticeDraft {
        title,
        body,
        title_en: english.as_ref().map(|(title, _)| title.clone()),
        body_en: english.map(|(_, body)| body),
        category: withdrawn.category.clone(),
        municipalities: withdrawn.municipalities.clone(),
        areas: withdrawn.area_ids.clone(),
        urgency: withdrawn.urgency,
        exercise: withdrawn.exercise,
        expires_at: None,
        send_at: None,
        check_in: false,
    };
    let mut origin = Origin::new(NoticeSource::Jma);
    origin.source_ref = Some(source.to_string());
    origin.idempotency_key = Some(source.to_string());
    origin.follow_up = Some(FollowUp { of: withdrawn.id, audience: FollowUpAudience::Reached });
    let now = state.clock.now();
    let (notice, _) = state.store.create_notice(&draft.into_new(origin), actor.name(), now).await?;
    if notice.status != NoticeStatus::Draft {
        // Sent before a crash: the same 取消 read again tells nobody twice.
        return Ok(Some(notice));
    }
    Ok(Some(super::send(state, actor, notice.id).await?.notice))
}

/// `【取消】{title}` and a body saying that the information sent at its time was
/// cancelled, in `lang` (English from the notice's English title).
fn cancellation_text(withdrawn: &Notice, lang: Lang) -> Result<(NoticeTitle, NoticeBody), NoticeError> {
    let original = match &withdrawn.title_en {
        Some(title_en) if lang == Lang::EN => title_en.as_str(),
        _ => withdrawn.title.as_str(),
    };
    let sent = format_for(withdrawn.sent_at.unwrap_or(withdrawn.created_at), lang);
    // The title keeps the mark and as much of the original as fits.
    let mark = texts::format(lang, "follow-up-cancelled-title", &[("title", "".into())]).chars().count();
    let room = NoticeTitle::MAX.saturating_sub(mark);
    let short: String = if original.chars().count() > room {
        original.chars().take(room.saturating_sub(1)).chain(['…']).collect()
    } else {
        original.to_owned()
    };
    let title = texts::format(lang, "follow-up-cancelled-title", &[("title", short.as_str().into())]);
    let body =
        texts::format(lang, "follow-up-cancelled-body", &[("title", original.into()), ("sent", sent.as_str().into())]);
    // Only a stored title that no longer reads could fail here.
    let invalid = |error: kizuna_core::text::TextError| {
        NoticeError::Store(StoreError::Corrupt(format!("notice {}: its 取消 text: {error}", withdrawn.id)))
    };
    Ok((NoticeTitle::parse(&title).map_err(invalid)?, NoticeBody::parse(&body).map_err(invalid)?))
}
