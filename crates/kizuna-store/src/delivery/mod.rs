//! The delivery queue: one row per message. Workers claim batches (emergencies
//! first, within each paced domain's budget for the minute) and record each
//! outcome under their claim; a claim never recorded is released to be sent
//! again. The links a mail carries are derived from its delivery by the server,
//! so nothing of them is written here; the token hashes of mails sent before
//! that are still looked up until their deliveries pass retention.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use kizuna_core::Lang;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_core::token::TokenHash;

use crate::changes::Topic;
use crate::db::{Ids, Row, Turn, Tx, corrupt};
use crate::operations::Operations;
use crate::{Backend, Result, SqlStore};

mod history;
mod queries;
mod records;
use queries::*;
pub use records::*;

/// Deliveries of emergencies are claimed first.
pub(crate) const EMERGENCY_PRIORITY: i64 = 0;
pub(crate) const NORMAL_PRIORITY: i64 = 1;

#[async_trait]
pub trait DeliveryQueue: Send + Sync + 'static {
    /// Replaces the per-minute limits of destination domains.
    async fn sync_pacing_rules(&self, rules: &[PacingRule]) -> Result<()>;
    /// Claims ready deliveries, emergencies first, within each paced domain's
    /// budget for the current minute.
    async fn claim_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>>;
    /// Claims ready emergency deliveries only, as `claim_deliveries` does: for
    /// the worker that keeps an emergency from waiting behind a large send.
    async fn claim_emergencies(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>>;
    /// Stores the SHA-256 of random tokens mailed with claimed deliveries: how
    /// links were made before they were derived from the delivery. Nothing in
    /// the product writes them any more; kept so that stored links can be made
    /// for tests of the links already sent.
    async fn store_delivery_tokens(&self, tokens: &[(i64, TokenHash)]) -> Result<()>;
    /// Records a batch's outcomes; suppresses addresses that reached
    /// `suppress_after` hard bounces; completes notices with nothing left to
    /// queue or to send. Returns the ids of notices that became `sent`.
    async fn record_delivery_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[DeliveryOutcome],
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>>;
    /// Puts deliveries whose claim expired (a worker died) back in the queue,
    /// and forgets pacing counts older than an hour.
    async fn release_stale_claims(&self, now: DateTime<Utc>) -> Result<u64>;
    /// How many deliveries of a notice are in each state, those pruned
    /// included (by what they had become).
    async fn delivery_counts(&self, notice_id: i64) -> Result<DeliveryCounts>;
    /// Deletes up to `limit` deliveries settled (sent, bounced, failed,
    /// cancelled) before `settled_before`, all of one notice, with their link
    /// tokens and check-in answers, in one short transaction; the notice keeps
    /// what they counted. A notice found with none left is looked at again
    /// once the retention has moved a day on (for deliveries settled late). Says how many went (0 when none is left) and how
    /// long the transaction held its locks.
    async fn prune_settled_deliveries(&self, settled_before: DateTime<Utc>, limit: i64) -> Result<PrunedBatch>;
    /// A bounce report arrived later for a delivery the relay had accepted:
    /// marks it bounced and counts it toward suppressing the address, once.
    /// Returns false when the delivery was already counted as bounced.
    async fn record_late_bounce(
        &self,
        delivery_id: i64,
        reply: &str,
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<bool>;
    /// The delivery a link of a notice mail names, while the delivery is kept
    /// (retention and erasure remove it, and the link with it).
    async fn delivery_by_link(&self, link: MailedLink<'_>) -> Result<Option<DeliveryRef>>;
    /// How many messages of a notice the relay accepted since `since`.
    async fn accepted_since(&self, notice_id: i64, since: DateTime<Utc>) -> Result<i64>;
    /// When the relay had accepted the `n`th message of a notice (1 is the
    /// first), for each `n` asked; `None` where it has not yet.
    async fn accepted_at(&self, notice_id: i64, nth: &[i64]) -> Result<Vec<Option<DateTime<Utc>>>>;
    /// Says that process `holder` is alive at `now`; its claims are named `HOLDER/…`.
    async fn beat(&self, holder: &str, now: DateTime<Utc>) -> Result<()>;
    /// Queues again the claimed deliveries of every process whose last beat is
    /// older than `lapsed_before`, and forgets those processes. Returns how many
    /// deliveries went back to the queue.
    async fn release_claims_of_stopped(&self, now: DateTime<Utc>, lapsed_before: DateTime<Utc>) -> Result<u64>;
    /// When the oldest emergency delivery still waiting was queued.
    async fn oldest_waiting_emergency(&self) -> Result<Option<DateTime<Utc>>>;
    /// Wakes `notify` whenever any process queues deliveries (the change
    /// channel's [`Topic::Deliveries`]).
    async fn listen_for_deliveries(&self, notify: Arc<tokio::sync::Notify>) -> Result<()>;
}

#[async_trait]
impl DeliveryQueue for SqlStore {
    async fn sync_pacing_rules(&self, rules: &[PacingRule]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.query(CLEAR_PACING_RULES).execute().await?;
        for rule in rules {
            tx.query(INSERT_PACING_RULE).bind(rule.domain.to_ascii_lowercase()).bind(rule.per_minute).execute().await?;
        }
        tx.commit().await
    }

    async fn claim_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>> {
        self.claim(request, NORMAL_PRIORITY).await
    }

    async fn claim_emergencies(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>> {
        self.claim(request, EMERGENCY_PRIORITY).await
    }

    async fn store_delivery_tokens(&self, tokens: &[(i64, TokenHash)]) -> Result<()> {
        if tokens.is_empty() {
            return Ok(());
        }
        match self.db.backend() {
            Backend::Sqlite => {
                let mut json = String::with_capacity(tokens.len() * 80 + 2);
                json.push('[');
                for (i, (id, hash)) in tokens.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    // Ids are integers and hashes are hex: nothing here needs escaping.
                    json.push_str(&format!("[{id},\"{}\"]", hash.as_str()));
                }
                json.push(']');
                self.db.query(INSERT_TOKENS).bind(json).execute().await?;
            }
            Backend::Postgres => {
                let ids: Vec<i64> = tokens.iter().map(|(id, _)| *id).collect();
                let hashes: Vec<String> = tokens.iter().map(|(_, hash)| hash.as_str().to_owned()).collect();
                let pool = self.db.postgres_pool().ok_or(crate::StoreError::Unsupported("tokens"))?;
                sqlx::query(INSERT_TOKENS.postgres).bind(ids).bind(hashes).execute(pool).await?;
            }
        }
        Ok(())
    }

    async fn record_delivery_outcomes(
        &self,
        claim_id: &str,
        outcomes: &[DeliveryOutcome],
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        if outcomes.is_empty() {
            return Ok(Vec::new());
        }
        let sent: Vec<i64> =
            outcomes.iter().filter(|o| matches!(o.result, DeliveryResult::Sent)).map(|o| o.delivery_id).collect();
        let mut tx = self.db.begin().await?;
        // The notices this batch wrote to, which may now be settled.
        let mut notices = BTreeSet::new();
        // How many of the claim's deliveries this records (not those it lost).
        let mut recorded = 0;
        for outcome in outcomes {
            let (status, reply, next): (&str, Option<&str>, Option<DateTime<Utc>>) = match &outcome.result {
                DeliveryResult::Sent => continue,
                DeliveryResult::Deferred { reply, next_attempt_at } => {
                    ("deferred", Some(reply.as_str()), Some(*next_attempt_at))
                }
                DeliveryResult::Bounced { reply } => ("bounced", Some(reply.as_str()), None),
                DeliveryResult::Failed { reply } => ("failed", Some(reply.as_str()), None),
                DeliveryResult::Cancelled => ("cancelled", None, None),
                DeliveryResult::Released => ("queued", None, None),
            };
            let released = matches!(outcome.result, DeliveryResult::Released);
            let notice: Option<i64> = tx
                .query(RECORD_UNSENT)
                .bind(outcome.delivery_id)
                .bind(claim_id)
                .bind(status)
                .bind(reply)
                .bind(next)
                .bind(now)
                .bind(released)
                .fetch_optional_scalar()
                .await?;
            recorded += i64::from(notice.is_some());
            notices.extend(notice);
            if matches!(outcome.result, DeliveryResult::Bounced { .. }) {
                count_hard_bounce(&mut tx, outcome.delivery_id, suppress_after, now).await?;
            }
        }
        if !sent.is_empty() {
            let marked: Vec<i64> =
                tx.query(RECORD_SENT).bind(Ids(&sent)).bind(claim_id).bind(now).fetch_scalars().await?;
            if marked.len() != sent.len() {
                let marked = marked.len();
                tracing::error!(
                    claim_id,
                    marked,
                    sent = sent.len(),
                    "a batch recorded a different number of sent messages"
                );
            }
            recorded += marked.len() as i64;
            notices.extend(marked);
        }
        if recorded > 0 {
            let left: Option<i64> =
                tx.query(CLAIM_RECORDED).bind(claim_id).bind(recorded).fetch_optional_scalar().await?;
            if left.is_some_and(|left| left <= 0) {
                tx.query(DROP_CLAIM).bind(claim_id).execute().await?;
            }
        }
        let mut completed = Vec::new();
        for notice in notices {
            if settle_if_done(&mut tx, notice, now).await? {
                completed.push(notice);
            }
        }
        tx.commit().await?;
        Ok(completed)
    }

    async fn release_stale_claims(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let released = tx.query(RELEASE_STALE).bind(now).execute().await?;
        tx.query(FORGET_STALE).bind(now).execute().await?;
        tx.commit().await?;
        self.db.query(FORGET_PACING_WINDOWS).bind(now - Duration::hours(1)).execute().await?;
        Ok(released)
    }

    async fn delivery_counts(&self, notice_id: i64) -> Result<DeliveryCounts> {
        let mut counts = DeliveryCounts::default();
        for row in self.db.query(COUNTS).bind(notice_id).fetch_all().await? {
            let status: String = row.get("status")?;
            let n: i64 = row.get("n")?;
            counts.total += n;
            match status.as_str() {
                "queued" => counts.queued += n,
                "sending" => counts.sending += n,
                "sent" => counts.sent += n,
                "deferred" => counts.deferred += n,
                "bounced" => counts.bounced += n,
                "failed" => counts.failed += n,
                "cancelled" => counts.cancelled += n,
                other => return Err(corrupt("delivery status", other)),
            }
        }
        Ok(counts)
    }

    async fn prune_settled_deliveries(&self, settled_before: DateTime<Utc>, limit: i64) -> Result<PrunedBatch> {
        let limit = limit.max(1);
        let recheck = settled_before - Duration::days(1);
        loop {
            let Some(notice) = self
                .db
                .query(NOTICE_TO_PRUNE)
                .bind(settled_before)
                .bind(recheck)
                .fetch_optional_scalar::<i64>()
                .await?
            else {
                return Ok(PrunedBatch::default());
            };
            let began = std::time::Instant::now();
            let mut tx = self.db.begin().await?;
            let rows = tx.query(PRUNE_SETTLED).bind(notice).bind(settled_before).bind(limit).fetch_all().await?;
            let mut ids = Vec::with_capacity(rows.len());
            let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
            for row in &rows {
                ids.push(row.get::<i64>("id")?);
                *by_status.entry(row.get("status")?).or_default() += 1;
            }
            if !ids.is_empty() {
                tx.query(PRUNE_TOKENS).bind(Ids(&ids)).execute().await?;
            }
            for (status, n) in by_status {
                tx.query(ADD_PRUNED_COUNT).bind(notice).bind(status).bind(n).execute().await?;
            }
            if (ids.len() as i64) < limit {
                tx.query(NOTICE_PRUNED).bind(notice).bind(settled_before).execute().await?;
            }
            tx.commit().await?;
            if !ids.is_empty() {
                return Ok(PrunedBatch { rows: ids.len() as u64, held: began.elapsed() });
            }
        }
    }

    async fn record_late_bounce(
        &self,
        delivery_id: i64,
        reply: &str,
        suppress_after: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        if tx.query(LATE_BOUNCE).bind(delivery_id).bind(reply).bind(now).execute().await? == 0 {
            return Ok(false);
        }
        count_hard_bounce(&mut tx, delivery_id, suppress_after, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delivery_by_link(&self, link: MailedLink<'_>) -> Result<Option<DeliveryRef>> {
        let row = match link {
            MailedLink::Stored(hash) => self.db.query(BY_TOKEN).bind(hash.as_str()).fetch_optional().await?,
            MailedLink::Checked(id) => self.db.query(BY_ID).bind(id).fetch_optional().await?,
        };
        row.map(|row| {
            Ok(DeliveryRef {
                delivery_id: row.get("id")?,
                notice_id: row.get("notice_id")?,
                subscriber_id: row.get("subscriber_id")?,
            })
        })
        .transpose()
    }

    async fn accepted_since(&self, notice_id: i64, since: DateTime<Utc>) -> Result<i64> {
        self.db.query(ACCEPTED_SINCE).bind(notice_id).bind(since).fetch_scalar().await
    }

    async fn accepted_at(&self, notice_id: i64, nth: &[i64]) -> Result<Vec<Option<DateTime<Utc>>>> {
        nth_times(&self.db, NTH_ACCEPTED, notice_id, nth).await
    }

    async fn beat(&self, holder: &str, now: DateTime<Utc>) -> Result<()> {
        self.db.query(BEAT).bind(holder).bind(now).execute().await?;
        Ok(())
    }

    async fn release_claims_of_stopped(&self, now: DateTime<Utc>, lapsed_before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let released = tx.query(RELEASE_OF_STOPPED).bind(now).bind(lapsed_before).execute().await?;
        tx.query(FORGET_CLAIMS_OF_STOPPED).bind(lapsed_before).execute().await?;
        tx.query(FORGET_STOPPED).bind(lapsed_before).execute().await?;
        if released > 0 {
            tx.announce(Topic::Deliveries).await?;
        }
        tx.commit().await?;
        Ok(released)
    }

    async fn oldest_waiting_emergency(&self) -> Result<Option<DateTime<Utc>>> {
        self.db.query(OLDEST_WAITING_EMERGENCY).fetch_scalar().await
    }

    async fn listen_for_deliveries(&self, notify: Arc<tokio::sync::Notify>) -> Result<()> {
        self.listen(Topic::Deliveries, notify).await
    }
}

impl SqlStore {
    /// Claims ready deliveries of priority `most` or more urgent, emergencies
    /// first, within each paced domain's budget for the current minute.
    async fn claim(&self, request: &ClaimRequest, most: i64) -> Result<Vec<ClaimedDelivery>> {
        let now = request.now;
        let until = now + request.claim_ttl;
        // Pacing counts claims per wall-clock minute.
        let window = DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0).unwrap_or(now);
        let began = std::time::Instant::now();
        // The express worker's claim is waited on: an emergency is in it.
        let turn = if most == EMERGENCY_PRIORITY { Turn::Urgent } else { Turn::InOrder };
        let mut tx = self.db.begin_for(turn).await?;
        let mut remaining = request.batch_size.max(1);
        let mut claimed: Vec<Row> = Vec::with_capacity(remaining as usize);
        for row in tx.query(READY_PACED_DOMAINS).bind(now).bind(most).fetch_all().await? {
            if remaining == 0 {
                break;
            }
            let domain: String = row.get("domain")?;
            let per_minute: Option<i64> = row.get("per_minute")?;
            tx.query(OPEN_PACING_WINDOW).bind(&domain).bind(window).execute().await?;
            let used: i64 = tx.query(PACING_WINDOW_USED).bind(&domain).bind(window).fetch_scalar().await?;
            // A domain whose rule was removed keeps its flag but has no limit.
            let budget = per_minute.map_or(remaining, |limit| (limit - used).max(0)).min(remaining);
            if budget == 0 {
                continue;
            }
            let rows = tx
                .query(CLAIM_PACED)
                .bind(&request.claim_id)
                .bind(now)
                .bind(&domain)
                .bind(budget)
                .bind(most)
                .fetch_all()
                .await?;
            let taken = rows.len() as i64;
            claimed.extend(rows);
            tx.query(SPEND_PACING_WINDOW).bind(&domain).bind(window).bind(taken).execute().await?;
            remaining -= taken;
        }
        if remaining > 0 {
            let rows = tx
                .query(CLAIM_UNPACED)
                .bind(&request.claim_id)
                .bind(now)
                .bind(remaining)
                .bind(most)
                .fetch_all()
                .await?;
            claimed.extend(rows);
        }
        if claimed.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let ids = claimed.iter().map(|row| row.get("id")).collect::<Result<Vec<i64>>>()?;
        tx.query(HOLD_CLAIM)
            .bind(&request.claim_id)
            .bind(until)
            .bind(Ids(&ids))
            .bind(ids.len() as i64)
            .execute()
            .await?;
        let subscriber_ids = claimed.iter().map(|row| row.get("subscriber_id")).collect::<Result<Vec<i64>>>()?;
        let residents: HashMap<i64, Row> = tx
            .query(RECIPIENTS)
            .bind(Ids(&subscriber_ids))
            .fetch_all()
            .await?
            .into_iter()
            .map(|row| Ok((row.get::<i64>("id")?, row)))
            .collect::<Result<_>>()?;
        tx.commit().await?;
        tracing::debug!(claimed = claimed.len(), ms = began.elapsed().as_secs_f64() * 1000.0, "claimed deliveries");
        let mut batch = Vec::with_capacity(claimed.len());
        for row in &claimed {
            let subscriber_id: i64 = row.get("subscriber_id")?;
            // Residents are erased with their deliveries, so this cannot happen
            // while that holds; one such row does not stop the batch.
            let Some(resident) = residents.get(&subscriber_id) else {
                let delivery: i64 = row.get("id")?;
                tracing::error!(delivery, subscriber_id, "a claimed delivery has no subscriber");
                continue;
            };
            let format: String = resident.get("format")?;
            let charset: String = resident.get("charset")?;
            let language: String = resident.get("language")?;
            let priority: i64 = row.get("priority")?;
            batch.push((
                priority,
                ClaimedDelivery {
                    id: row.get("id")?,
                    notice_id: row.get("notice_id")?,
                    subscriber_id,
                    attempts: row.get("attempts")?,
                    created_at: row.get("created_at")?,
                    email: resident.get("email")?,
                    language: Lang::from_tag(&language),
                    format: MailFormat::parse(&format).ok_or_else(|| corrupt("format", &format))?,
                    charset: Charset::parse(&charset).ok_or_else(|| corrupt("charset", &charset))?,
                },
            ));
        }
        batch.sort_unstable_by_key(|(priority, delivery)| (*priority, delivery.id));
        Ok(batch.into_iter().map(|(_, delivery)| delivery).collect())
    }
}

/// Makes a sending notice with nothing left to queue or to send `sent`, and
/// says whether it did. On PostgreSQL the notice's row is held first: two
/// transactions recording its last outcomes (or one of them and the one queueing
/// its last chunk) would each count what the other wrote as still open, and
/// neither would settle it; held in turn, the second sees what the first wrote.
pub(crate) async fn settle_if_done(tx: &mut Tx, notice: i64, now: DateTime<Utc>) -> Result<bool> {
    if tx.backend() == Backend::Postgres {
        tx.query(LOCK_NOTICE).bind(notice).execute().await?;
    }
    if tx.query(SETTLE_NOTICE).bind(notice).bind(now).execute().await? == 0 {
        return Ok(false);
    }
    tx.query(SETTLED_EVENT).bind(notice).bind(now).execute().await?;
    Ok(true)
}

/// Counts a hard bounce against the delivery's resident and suppresses the
/// address once it reaches `suppress_after`.
async fn count_hard_bounce(tx: &mut Tx, delivery_id: i64, suppress_after: i64, now: DateTime<Utc>) -> Result<()> {
    let Some(row) = tx.query(COUNT_BOUNCE).bind(delivery_id).bind(now).fetch_optional().await? else {
        return Ok(());
    };
    let bounces: i64 = row.get("hard_bounces")?;
    if bounces >= suppress_after {
        let subscriber: i64 = row.get("id")?;
        let hash: String = row.get("email_hash")?;
        tx.query(SUPPRESS_RESIDENT).bind(subscriber).execute().await?;
        tx.query(SUPPRESS_BOUNCED).bind(hash).bind(now).execute().await?;
    }
    Ok(())
}

/// The time of the `n`th row (1 is the first) a statement lists for a notice, for
/// each `n` asked: `sql` takes the notice (`$1`) and an offset from 0 (`$2`).
pub(crate) async fn nth_times(
    db: &crate::db::Db,
    sql: &'static str,
    notice_id: i64,
    nth: &[i64],
) -> Result<Vec<Option<DateTime<Utc>>>> {
    let mut times = Vec::with_capacity(nth.len());
    for n in nth {
        let time =
            if *n < 1 { None } else { db.query(sql).bind(notice_id).bind(n - 1).fetch_optional_scalar().await? };
        times.push(time);
    }
    Ok(times)
}
