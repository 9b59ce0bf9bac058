//! Queueing a send's recipients in chunks, each in its own transaction, so the
//! workers start on the first while the rest are written. The send's own
//! transaction queues the first chunk; a notice with more to queue keeps a row
//! in `notice_queueing` saying where it stands, and whichever process resumes
//! (`Notices::queue_next_chunk`) writes the next chunk and moves that row in
//! the same transaction: a crash between chunks loses and repeats nothing.
//!
//! A chunk walks one municipality's subscriptions to the notice's category in
//! subscriber order (the notice's municipalities in code order), or the
//! deliveries of the notice a follow-up follows.

use chrono::{DateTime, Utc};

use super::queries::*;
use crate::db::{Row, Tx};
use crate::{Backend, Result};

/// Where queueing a notice stands: the recipients still to queue are those
/// after subscriber `after` through `municipality`, then the notice's next
/// municipalities (a follow-up has none: it walks the deliveries it follows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cursor {
    pub municipality: Option<String>,
    pub after: i64,
}

/// What queueing needs to know of a notice.
pub(super) struct Audience {
    pub notice: i64,
    pub category: String,
    pub priority: i64,
    pub restricted: bool,
    pub emergency_category: bool,
    /// A follow-up: the notice it follows and the audience it is for.
    pub follow_up: Option<(i64, String)>,
}

impl Audience {
    /// Reads it from a row of `SENDING_FACTS`.
    pub(super) fn from_facts(notice: i64, row: &Row, priority: i64) -> Result<Self> {
        let follow_up_of: Option<i64> = row.get("follow_up_of")?;
        let audience: Option<String> = row.get("follow_up_audience")?;
        Ok(Self {
            notice,
            category: row.get("category_key")?,
            priority,
            restricted: row.get("restricted")?,
            emergency_category: row.get("emergency")?,
            follow_up: follow_up_of.map(|of| (of, audience.unwrap_or_default())),
        })
    }

    /// Where queueing starts: the first municipality's first resident; `None`
    /// when a notice names no municipality.
    pub(super) async fn start(&self, tx: &mut Tx) -> Result<Option<Cursor>> {
        if self.follow_up.is_some() {
            return Ok(Some(Cursor { municipality: None, after: 0 }));
        }
        let first: Option<String> = tx.query(NEXT_MUNICIPALITY).bind(self.notice).bind("").fetch_scalar().await?;
        Ok(first.map(|town| Cursor { municipality: Some(town), after: 0 }))
    }

    /// Queues about `rows` recipients from `cursor` on. Returns how many it
    /// queued and where the next chunk starts (`None`: every recipient is queued).
    pub(super) async fn queue_chunk(
        &self,
        tx: &mut Tx,
        mut cursor: Cursor,
        rows: i64,
        now: DateTime<Utc>,
    ) -> Result<(u64, Option<Cursor>)> {
        if tx.backend() == Backend::Postgres {
            // Planned for each chunk's own town and range: a plan PostgreSQL
            // keeps for the statement's average case read a million residents
            // to queue a town with one.
            tx.query(PLAN_EACH_TIME).execute().await?;
        }
        let mut queued = 0;
        let mut left = rows.max(1);
        loop {
            let (end, written) = match (&self.follow_up, &cursor.municipality) {
                (Some((of, audience)), _) => {
                    let end: Option<i64> = tx
                        .query(FOLLOW_UP_CHUNK_END)
                        .bind(*of)
                        .bind(cursor.after)
                        .bind(left - 1)
                        .fetch_optional_scalar()
                        .await?;
                    let written = tx
                        .query(QUEUE_FOLLOW_UP)
                        .bind(self.notice)
                        .bind(*of)
                        .bind(audience.as_str())
                        .bind(self.priority)
                        .bind(now)
                        .bind(cursor.after)
                        .bind(end.unwrap_or(i64::MAX))
                        .execute()
                        .await?;
                    (end, written)
                }
                (None, Some(town)) => {
                    let end: Option<i64> = tx
                        .query(RECIPIENTS_CHUNK_END)
                        .bind(town.as_str())
                        .bind(self.category.as_str())
                        .bind(cursor.after)
                        .bind(left - 1)
                        .fetch_optional_scalar()
                        .await?;
                    let written = tx
                        .query(QUEUE_RECIPIENTS)
                        .bind(self.notice)
                        .bind(self.restricted)
                        .bind(self.emergency_category)
                        .bind(self.priority)
                        .bind(now)
                        .bind(town.as_str())
                        .bind(cursor.after)
                        .bind(end.unwrap_or(i64::MAX))
                        .execute()
                        .await?;
                    (end, written)
                }
                (None, None) => return Ok((queued, None)),
            };
            queued += written;
            if let Some(after) = end {
                return Ok((queued, Some(Cursor { after, ..cursor })));
            }
            // This municipality is done: the chunk goes on with the next one
            // for what is left of it, so a small send stays one transaction.
            let Some(town) = cursor.municipality.take() else {
                return Ok((queued, None));
            };
            let next: Option<String> = tx.query(NEXT_MUNICIPALITY).bind(self.notice).bind(town).fetch_scalar().await?;
            let Some(next) = next else {
                return Ok((queued, None));
            };
            cursor = Cursor { municipality: Some(next), after: 0 };
            left -= i64::try_from(written).unwrap_or(i64::MAX).max(1);
            if left <= 0 {
                return Ok((queued, Some(cursor)));
            }
        }
    }
}
