//! The writes of a notice's life, inside the caller's transaction: a draft and
//! its targets, a move the lifecycle allows, and queueing its recipients.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeAction, NoticeStatus, TransitionError, Urgency};

use super::NewNotice;
use super::queries::*;
use super::queueing::{Audience, Cursor};
use crate::db::{Tx, corrupt};
use crate::delivery::{EMERGENCY_PRIORITY, NORMAL_PRIORITY};
use crate::webhooks::{QUEUE_WEBHOOK_EVENTS, WebhookEvent};
use crate::{Result, StoreError, Topic};

/// The priority of a notice's deliveries, from its stored urgency.
pub(super) fn priority_of(urgency: &str) -> i64 {
    if urgency == Urgency::Emergency.as_str() { EMERGENCY_PRIORITY } else { NORMAL_PRIORITY }
}

/// Writes the notice row of a new draft; the caller decides what a clash of
/// idempotency keys means. `supersedes` overrides the one in `n`.
pub(super) async fn insert_notice_row(
    tx: &mut Tx,
    n: &NewNotice,
    supersedes: Option<i64>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let search_text = search_text(n);
    tx.query(INSERT_NOTICE)
        .bind(n.source.as_str())
        .bind(n.source_ref.as_deref())
        .bind(n.title.as_str())
        .bind(n.body.as_str())
        .bind(n.title_en.as_ref().map(|t| t.as_str()))
        .bind(n.body_en.as_ref().map(|b| b.as_str()))
        .bind(n.category.as_str())
        .bind(n.urgency.as_str())
        .bind(n.exercise)
        .bind(n.expires_at)
        .bind(n.send_at)
        .bind(n.check_in)
        .bind(supersedes.or(n.supersedes))
        .bind(n.idempotency_key.as_deref())
        .bind(&search_text)
        .bind(actor)
        .bind(now)
        .bind(n.follow_up.map(|f| f.of))
        .bind(n.follow_up.map(|f| f.audience.as_str()))
        .fetch_scalar()
        .await
}

/// The folded text the archive searches.
pub(super) fn search_text(n: &NewNotice) -> String {
    kizuna_core::text::search_fold(&format!(
        "{}\n{}\n{}\n{}",
        n.title.as_str(),
        n.body.as_str(),
        n.title_en.as_ref().map_or("", |t| t.as_str()),
        n.body_en.as_ref().map_or("", |b| b.as_str())
    ))
}

/// Writes a new draft's municipalities, areas, first version and `create` event.
pub(super) async fn insert_notice_targets(
    tx: &mut Tx,
    id: i64,
    n: &NewNotice,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    insert_targets(tx, id, n).await?;
    super::drafts::insert_version(tx, id, n, actor, now).await?;
    tx.query(CREATED_EVENT).bind(id).bind(actor).bind(now).execute().await?;
    Ok(())
}

/// Writes a notice's municipalities and areas.
pub(super) async fn insert_targets(tx: &mut Tx, id: i64, n: &NewNotice) -> Result<()> {
    let mut codes: Vec<&str> = n.municipalities.iter().map(|c| c.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        tx.query(INSERT_MUNICIPALITY).bind(id).bind(code).execute().await?;
    }
    let mut areas = n.area_ids.clone();
    areas.sort_unstable();
    areas.dedup();
    for area in areas {
        tx.query(INSERT_AREA).bind(id).bind(area).execute().await?;
    }
    Ok(())
}

/// Moves a notice by `action` as the lifecycle allows, stopping waiting
/// deliveries of a cancelled or withdrawn notice and recording the event.
/// Returns the new status.
pub(super) async fn apply_transition(
    tx: &mut Tx,
    id: i64,
    action: NoticeAction,
    actor: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<NoticeStatus> {
    let current: Option<String> = tx.query(STATUS).bind(id).fetch_optional_scalar().await?;
    let current = current.ok_or(StoreError::NotFound)?;
    let from = NoticeStatus::parse(&current).ok_or_else(|| corrupt("notice status", &current))?;
    let to = from.apply(action)?;
    let stops = matches!(to, NoticeStatus::Cancelled | NoticeStatus::Withdrawn);
    if stops {
        // Queueing stops before the notice moves: on PostgreSQL this waits for
        // a chunk being written, whose deliveries are then cancelled below
        // (and takes the two rows in the order queueing takes them).
        tx.query(END_QUEUEING).bind(id).execute().await?;
    }
    let moved = tx.query(MOVE).bind(id).bind(to.as_str()).bind(from.as_str()).bind(now).execute().await?;
    if moved == 0 {
        return Err(StoreError::Conflict(format!("notice {id} changed while {actor} acted on it")));
    }
    if to == NoticeStatus::Withdrawn {
        tx.query(QUEUE_WEBHOOK_EVENTS)
            .bind(id)
            .bind(WebhookEvent::NoticeWithdrawn.as_str())
            .bind(now)
            .execute()
            .await?;
    }
    if stops {
        tx.query(CANCEL_WAITING).bind(id).bind(now).execute().await?;
    }
    if changes_public_pages(from, to) {
        tx.announce(Topic::PublicPages).await?;
    }
    tx.query(EVENT)
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(action.as_str())
        .bind(actor)
        .bind(now)
        .bind(note)
        .execute()
        .await?;
    Ok(to)
}

/// Moves a notice to `sending` by `action` and queues the first `rows` or so of
/// its recipients (all of them when they are fewer), leaving where queueing
/// stands for [`queue_next_chunk`](super::Notices::queue_next_chunk) when there
/// are more; a notice nobody receives is `sent` at once. Announces the queued
/// work. Returns the number of deliveries queued.
pub(super) async fn queue_sending(
    tx: &mut Tx,
    id: i64,
    action: NoticeAction,
    actor: &str,
    rows: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    let row = tx.query(SENDING_FACTS).bind(id).fetch_optional().await?.ok_or(StoreError::NotFound)?;
    let current: String = row.get("status")?;
    let urgency: String = row.get("urgency")?;
    let supersedes: Option<i64> = row.get("supersedes_id")?;
    let from = NoticeStatus::parse(&current).ok_or_else(|| corrupt("notice status", &current))?;
    let to = from.apply(action)?;
    if to != NoticeStatus::Sending {
        return Err(StoreError::Transition(TransitionError { from, action: action.as_str() }));
    }
    if tx.query(START_SENDING).bind(id).bind(from.as_str()).bind(now).execute().await? == 0 {
        return Err(StoreError::Conflict(format!("notice {id} changed while {actor} acted on it")));
    }
    tx.query(SENDING_EVENT).bind(id).bind(from.as_str()).bind(action.as_str()).bind(actor).bind(now).execute().await?;
    let audience = Audience::from_facts(id, &row, priority_of(&urgency))?;
    let began = std::time::Instant::now();
    let (queued, rest) = match audience.start(tx).await? {
        Some(start) => audience.queue_chunk(tx, start, rows, now).await?,
        None => (0, None),
    };
    tracing::debug!(
        notice = id,
        queued,
        more = rest.is_some(),
        ms = began.elapsed().as_secs_f64() * 1000.0,
        "queued the first chunk"
    );
    let event = if supersedes.is_some() { WebhookEvent::NoticeCorrected } else { WebhookEvent::NoticeSent };
    tx.query(QUEUE_WEBHOOK_EVENTS).bind(id).bind(event.as_str()).bind(now).execute().await?;
    match rest {
        Some(Cursor { municipality, after }) => {
            tx.query(START_QUEUEING).bind(id).bind(municipality).bind(after).execute().await?;
        }
        None if queued == 0 => sent_to_nobody(tx, id, now).await?,
        None => {}
    }
    tx.announce(Topic::Deliveries).await?;
    tx.announce(Topic::PublicPages).await?;
    Ok(queued)
}

/// A notice whose queueing found nobody to send to is `sent` (published) at once.
pub(super) async fn sent_to_nobody(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.query(SENT_TO_NOBODY).bind(id).bind(now).execute().await?;
    tx.query(SENT_TO_NOBODY_EVENT).bind(id).bind(now).execute().await?;
    Ok(())
}

/// Whether a notice's move changes what the public pages show: it becomes
/// public, is corrected or withdrawn. Finishing a send (`sending` → `sent`) shows
/// the same page.
fn changes_public_pages(from: NoticeStatus, to: NoticeStatus) -> bool {
    let public = |status: NoticeStatus| status.is_published() || status == NoticeStatus::Withdrawn;
    let finished_sending = from == NoticeStatus::Sending && to == NoticeStatus::Sent;
    (public(from) || public(to)) && from != to && !finished_sending
}
