//! Notices (お知らせ) and their lifecycle: drafts, moves the lifecycle allows
//! (each recorded as an event), sending — which queues one delivery per
//! matching resident, the first chunk of them in the same transaction — and
//! corrections.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeStatus};

use crate::db::{Db, Turn, corrupt};
use crate::{Result, SqlStore, StoreError};

mod drafts;
mod lifecycle;
pub(crate) mod queries;
mod queueing;
pub(crate) mod read;
mod records;
use lifecycle::*;
use queries::*;
use queueing::{Audience, Cursor};
pub use records::*;

/// Deliveries one send must queue before the queue's statistics are refreshed.
const QUEUE_STATISTICS_AFTER: u64 = 1000;

#[async_trait]
pub trait Notices: Send + Sync + 'static {
    /// Creates a draft. With an idempotency key already used, returns the earlier
    /// notice and `false` instead of creating a second one.
    async fn create_notice(&self, notice: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<(Notice, bool)>;
    async fn notice(&self, id: i64) -> Result<Option<Notice>>;
    async fn notice_events(&self, id: i64) -> Result<Vec<NoticeEvent>>;
    /// Notices of every status for staff and API clients, newest first, one page
    /// at a time (`before` is the last id of the previous page).
    async fn list_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>>;
    /// Moves a notice through its lifecycle, refusing what the lifecycle forbids
    /// and what another process changed first; records who did it and when.
    async fn transition_notice(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Notice>;
    /// Replaces the text and targets of a draft or a returned notice, keeping
    /// the earlier version; refused (a lifecycle error) in any other status.
    async fn edit_notice(&self, id: i64, notice: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<Notice>;
    /// Every saved version of a notice's text and targets, the first first.
    async fn notice_versions(&self, id: i64) -> Result<Vec<NoticeVersion>>;
    /// Who the notice would reach if it were sent now, counted exactly as
    /// sending queues them.
    async fn recipient_counts(&self, id: i64) -> Result<RecipientCounts>;
    /// How many a follow-up of notice `of` to `audience` would reach if it were
    /// sent now, counted exactly as sending it queues them.
    async fn follow_up_reach(&self, of: i64, audience: FollowUpAudience) -> Result<i64>;
    /// Sets when a notice goes out and moves it to `scheduled` by `action` (an
    /// approved notice by `Schedule`, an unapproved emergency by `Arm` for its
    /// countdown), in one transaction.
    async fn schedule_notice(
        &self,
        id: i64,
        send_at: DateTime<Utc>,
        action: NoticeAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Notice>;
    /// Scheduled notices whose time has come.
    async fn due_scheduled_notices(&self, now: DateTime<Utc>) -> Result<Vec<i64>>;
    /// Moves a notice to `sending` and queues one delivery per matching
    /// resident: in one transaction when they are no more than a chunk
    /// (`ConnectOptions::queue_chunk`), otherwise the first chunk with the move
    /// and the rest by [`queue_next_chunk`](Notices::queue_next_chunk), each in
    /// its own transaction. Returns the notice and the number of deliveries
    /// queued with the move.
    async fn start_sending(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)>;
    /// Replaces a sent notice with a corrected text (CAP Update) in one
    /// transaction: the original becomes `superseded`, the correction (which
    /// `supersedes` it) is created and starts sending with its deliveries
    /// queued (a chunk at a time, as `start_sending` does).
    /// Nothing changes when the original is not `sent`. Returns the correction
    /// and the number of deliveries queued.
    async fn correct_notice(
        &self,
        id: i64,
        correction: &NewNotice,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)>;
    /// Queues the next chunk of recipients of a sending notice that has more
    /// to queue — emergencies first, then the oldest — in one transaction that
    /// also records where queueing stands, so a crash between chunks loses
    /// and repeats nothing. After the last chunk a notice with nothing left to
    /// send is `sent`. `None` when no notice has more to queue (or, on
    /// PostgreSQL, each is being queued by another process right now).
    async fn queue_next_chunk(&self, now: DateTime<Utc>) -> Result<Option<QueuedChunk>>;
}

#[async_trait]
impl Notices for SqlStore {
    async fn create_notice(&self, n: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<(Notice, bool)> {
        if let Some(key) = &n.idempotency_key {
            let earlier: Option<i64> = self.db.query(ID_BY_IDEMPOTENCY_KEY).bind(key).fetch_optional_scalar().await?;
            if let Some(id) = earlier {
                return Ok((existing(&self.db, id).await?, false));
            }
        }
        let mut tx = self.db.begin().await?;
        let id = match (insert_notice_row(&mut tx, n, None, actor, now).await, &n.idempotency_key) {
            (Ok(id), _) => id,
            // Another request with the same key won the race: answer with its notice.
            (Err(StoreError::Conflict(_)), Some(key)) => {
                drop(tx);
                let id: i64 = self.db.query(ID_BY_IDEMPOTENCY_KEY).bind(key).fetch_scalar().await?;
                return Ok((existing(&self.db, id).await?, false));
            }
            (Err(error), _) => return Err(error),
        };
        insert_notice_targets(&mut tx, id, n, actor, now).await?;
        tx.commit().await?;
        Ok((existing(&self.db, id).await?, true))
    }

    async fn notice(&self, id: i64) -> Result<Option<Notice>> {
        let row = self.db.query(NOTICE).bind(id).fetch_optional().await?;
        Ok(read::notices(&self.db, row.as_slice()).await?.pop())
    }

    async fn notice_events(&self, id: i64) -> Result<Vec<NoticeEvent>> {
        let rows = self.db.query(EVENTS).bind(id).fetch_all().await?;
        let status = |text: &str| NoticeStatus::parse(text).ok_or_else(|| corrupt("notice status", text));
        rows.iter()
            .map(|row| {
                let from: Option<String> = row.get("from_status")?;
                Ok(NoticeEvent {
                    from: from.as_deref().map(status).transpose()?,
                    to: status(&row.get::<String>("to_status")?)?,
                    action: row.get("action")?,
                    actor: row.get("actor")?,
                    at: row.get("at")?,
                    note: row.get("note")?,
                })
            })
            .collect()
    }

    async fn list_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>> {
        let rows = self
            .db
            .query(LIST)
            .bind(filter.source.map(|s| s.as_str()))
            .bind(filter.municipality.as_ref().map(|c| c.as_str()))
            .bind(filter.status.map(|s| s.as_str()))
            .bind(filter.within.municipality().map(|c| c.as_str()))
            .bind(filter.before)
            .bind(filter.limit.clamp(1, 500))
            .fetch_all()
            .await?;
        read::notices(&self.db, &rows).await
    }

    async fn transition_notice(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Notice> {
        // Someone waits on it (a send, a cancellation, a correction): before the background's writes.
        let mut tx = self.db.begin_for(Turn::Urgent).await?;
        apply_transition(&mut tx, id, action, actor, note, now).await?;
        tx.commit().await?;
        existing(&self.db, id).await
    }

    async fn edit_notice(&self, id: i64, notice: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<Notice> {
        let mut tx = self.db.begin().await?;
        drafts::edit(&mut tx, id, notice, actor, now).await?;
        tx.commit().await?;
        existing(&self.db, id).await
    }

    async fn notice_versions(&self, id: i64) -> Result<Vec<NoticeVersion>> {
        drafts::versions(&self.db, id).await
    }

    async fn recipient_counts(&self, id: i64) -> Result<RecipientCounts> {
        drafts::recipient_counts(&self.db, id).await
    }

    async fn follow_up_reach(&self, of: i64, audience: FollowUpAudience) -> Result<i64> {
        self.db.query(COUNT_FOLLOW_UP).bind(of).bind(audience.as_str()).fetch_scalar().await
    }

    async fn schedule_notice(
        &self,
        id: i64,
        send_at: DateTime<Utc>,
        action: NoticeAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Notice> {
        let mut tx = self.db.begin().await?;
        let to = apply_transition(&mut tx, id, action, actor, None, now).await?;
        if to != NoticeStatus::Scheduled {
            let from = to;
            return Err(StoreError::Transition(kizuna_core::notice::TransitionError { from, action: action.as_str() }));
        }
        tx.query(SET_SEND_AT).bind(id).bind(send_at).execute().await?;
        tx.commit().await?;
        existing(&self.db, id).await
    }

    async fn due_scheduled_notices(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
        self.db.query(DUE_SCHEDULED).bind(now).fetch_scalars().await
    }

    async fn start_sending(
        &self,
        id: i64,
        action: NoticeAction,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)> {
        // Someone waits on it (a send, a cancellation, a correction): before the background's writes.
        let mut tx = self.db.begin_for(Turn::Urgent).await?;
        let queued = queue_sending(&mut tx, id, action, actor, self.queue_chunk, now).await?;
        tx.commit().await?;
        after_queueing(&self.db, queued).await;
        Ok((existing(&self.db, id).await?, queued))
    }

    async fn correct_notice(
        &self,
        id: i64,
        correction: &NewNotice,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(Notice, u64)> {
        // Someone waits on it (a send, a cancellation, a correction): before the background's writes.
        let mut tx = self.db.begin_for(Turn::Urgent).await?;
        apply_transition(&mut tx, id, NoticeAction::Supersede, actor, None, now).await?;
        let new_id = insert_notice_row(&mut tx, correction, Some(id), actor, now).await?;
        insert_notice_targets(&mut tx, new_id, correction, actor, now).await?;
        let action = NoticeAction::SendImmediately(ImmediateSend::Correction);
        let queued = queue_sending(&mut tx, new_id, action, actor, self.queue_chunk, now).await?;
        tx.commit().await?;
        after_queueing(&self.db, queued).await;
        Ok((existing(&self.db, new_id).await?, queued))
    }

    async fn queue_next_chunk(&self, now: DateTime<Utc>) -> Result<Option<QueuedChunk>> {
        // Most of the time nothing waits: found without a transaction, which on
        // SQLite would take the one writer's lock.
        if !self.db.query(ANY_QUEUEING).fetch_scalar::<bool>().await? {
            return Ok(None);
        }
        let mut tx = self.db.begin().await?;
        let Some(row) = tx.query(QUEUEING_TO_RESUME).fetch_optional().await? else {
            tx.commit().await?;
            return Ok(None);
        };
        let notice: i64 = row.get("notice_id")?;
        let cursor = Cursor { municipality: row.get("municipality_code")?, after: row.get("after_subscriber")? };
        let facts = tx.query(SENDING_FACTS).bind(notice).fetch_one().await?;
        let urgency: String = facts.get("urgency")?;
        let audience = Audience::from_facts(notice, &facts, priority_of(&urgency))?;
        let began = std::time::Instant::now();
        let (queued, rest) = audience.queue_chunk(&mut tx, cursor, self.queue_chunk, now).await?;
        let finished = rest.is_none();
        match rest {
            Some(Cursor { municipality, after }) => {
                tx.query(MOVE_QUEUEING).bind(notice).bind(municipality).bind(after).execute().await?;
            }
            None => {
                tx.query(END_QUEUEING).bind(notice).execute().await?;
                if !tx.query(HAS_DELIVERIES).bind(notice).fetch_scalar::<bool>().await? {
                    sent_to_nobody(&mut tx, notice, now).await?;
                } else {
                    crate::delivery::settle_if_done(&mut tx, notice, now).await?;
                }
            }
        }
        if queued > 0 {
            tx.announce(crate::Topic::Deliveries).await?;
        }
        tx.commit().await?;
        tracing::debug!(notice, queued, finished, ms = began.elapsed().as_secs_f64() * 1000.0, "queued a chunk");
        Ok(Some(QueuedChunk { notice_id: notice, queued, finished }))
    }
}

/// A notice that must exist (it was just written or found by key).
async fn existing(db: &Db, id: i64) -> Result<Notice> {
    let row = db.query(NOTICE).bind(id).fetch_optional().await?.ok_or(StoreError::NotFound)?;
    read::notices(db, std::slice::from_ref(&row)).await?.pop().ok_or(StoreError::NotFound)
}

/// A notice that filled the queue changes what the planner should do with it:
/// walk the queue index in order instead of sorting every queued row for each
/// batch. The notice is queued either way, so a failure is only logged.
async fn after_queueing(db: &Db, queued: u64) {
    if queued < QUEUE_STATISTICS_AFTER {
        return;
    }
    if let Err(error) = crate::db::postgres::refresh_statistics(db, "ANALYZE deliveries").await {
        tracing::warn!(%error, queued, "could not refresh the queue's statistics");
    }
}
