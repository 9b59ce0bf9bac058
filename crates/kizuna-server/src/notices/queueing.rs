//! The rest of a large send: the send's own transaction queues the first chunk
//! of its recipients, and every process with delivery workers queues the next
//! chunks, one transaction each, waking its workers as they come — including a
//! send that a stopped process left half-queued. Steppable: a test drives
//! [`queue_step`] one chunk at a time.

use std::time::Duration;

use kizuna_store::{Backend, QueuedChunk, StoreError};
use tokio::sync::watch;

use crate::state::AppState;

/// How often a process looks for a send left half-queued when nothing wakes it.
const POLL: Duration = Duration::from_secs(2);

/// Queues the next chunk of whichever send has more to queue (emergencies
/// first), and wakes a worker for it. `None` when there is none.
pub async fn queue_step(state: &AppState) -> Result<Option<QueuedChunk>, StoreError> {
    let chunk = state.store.queue_next_chunk(state.clock.now()).await?;
    if let Some(chunk) = &chunk {
        if chunk.queued > 0 {
            state.work.notify_one();
        }
        if chunk.finished {
            tracing::info!(notice = chunk.notice_id, "every recipient of the notice is queued");
        }
    }
    Ok(chunk)
}

/// Queues chunks until `stop` changes: woken by a send of this process or of
/// another one (the change channel), and looking every [`POLL`] for a send
/// a stopped process left half-queued. On SQLite it rests after each chunk as
/// long as the chunk took: the chunk held the one writer's lock, and the
/// workers' claims and records and a new send (an emergency) wait for it in
/// SQLite's busy handler, which would rarely find it free if chunks followed
/// back to back. PostgreSQL writes them side by side.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let wake = state.queueing.clone();
    let one_writer = state.store.backend() == Backend::Sqlite;
    loop {
        if *stop.borrow() {
            break;
        }
        let began = tokio::time::Instant::now();
        let wait = match queue_step(&state).await {
            Ok(Some(_)) if one_writer => began.elapsed(),
            Ok(Some(_)) => Duration::ZERO,
            Ok(None) => POLL,
            Err(error) => {
                tracing::error!(%error, "queueing a chunk of recipients failed; trying again");
                POLL
            }
        };
        tokio::select! {
            _ = wake.notified(), if wait == POLL => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => break,
        }
    }
}
