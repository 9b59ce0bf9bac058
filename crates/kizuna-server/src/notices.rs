//! Notice services shared by the console, the API, the scheduler and the JMA
//! poller: each is one store call plus what must follow it.

use kizuna_core::notice::NoticeAction;
use kizuna_store::{Notice, StoreError};

use crate::state::AppState;

/// Starts sending a notice and wakes the delivery workers at once.
pub async fn send(state: &AppState, id: i64, action: NoticeAction, actor: &str) -> Result<(Notice, u64), StoreError> {
    let now = state.clock.now();
    let (notice, queued) = state.store.start_sending(id, action, actor, now).await?;
    tracing::info!(notice = id, queued, actor, "sending started");
    state.work.notify_one();
    Ok((notice, queued))
}
