//! Reading notices as an actor sees them: one notice within its scope, a page of
//! them, and how a notice's deliveries stand.

use kizuna_store::{Notice, NoticeFilter};

use super::{Actor, ListRequest, NoticeError, NoticePage, NoticeReport, Permission};
use crate::state::AppState;

/// Whether a notice has left every listing: an obituary (お悔やみ情報) is gone
/// once its publication is older than `obituary_days`.
fn expired_obituary(state: &AppState, notice: &Notice) -> bool {
    notice.sent_at.is_some_and(|sent| {
        !kizuna_core::cap::is_publicly_listable(
            false,
            notice.category.as_str(),
            sent,
            state.clock.now(),
            state.settings.obituary_days,
        )
    })
}

/// The one read of a notice that every move starts from: the notice exists, is
/// not an expired obituary, and the actor acts for all its municipalities.
pub(super) async fn notice_for(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    let notice = state
        .store
        .notice(id)
        .await?
        .filter(|notice| !expired_obituary(state, notice))
        .ok_or(NoticeError::NotFound(id))?;
    actor.require_scope(notice.municipalities.iter().map(|code| code.as_str()))?;
    Ok(notice)
}

pub async fn read(state: &AppState, actor: &Actor, id: i64) -> Result<Notice, NoticeError> {
    actor.require(Permission::Read, "")?;
    notice_for(state, actor, id).await
}

/// Notices of every status whose municipalities are all within the actor's
/// scope, newest first, one page at a time.
pub async fn list(state: &AppState, actor: &Actor, request: ListRequest) -> Result<NoticePage, NoticeError> {
    actor.require(Permission::Read, "")?;
    if let Some(code) = &request.municipality {
        actor.require_scope([code.as_str()])?;
    }
    let limit = request.limit.clamp(1, 100);
    let filter = NoticeFilter {
        source: request.source,
        municipality: request.municipality,
        status: request.status,
        within: actor.scope().clone(),
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

/// A notice with its delivery counts, as the API answers every move and the
/// console's notice page shows progress.
pub async fn report(state: &AppState, notice: Notice) -> Result<NoticeReport, NoticeError> {
    let deliveries = state.store.delivery_counts(notice.id).await?;
    Ok(NoticeReport { notice, deliveries })
}
