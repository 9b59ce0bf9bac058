//! The statements of the delivery queue.

use crate::db::PerBackend;

pub(super) const CLEAR_PACING_RULES: &str = "DELETE FROM pacing_rules";

pub(super) const INSERT_PACING_RULE: &str = "INSERT INTO pacing_rules (domain, per_minute) VALUES ($1, $2)";

/// The paced domains that have something of priority `$2` or more urgent
/// ready, with their limit (none when the rule was removed after the
/// deliveries were queued).
pub(super) const READY_PACED_DOMAINS: &str = "SELECT d.domain, MIN(p.per_minute) AS per_minute
     FROM deliveries d LEFT JOIN pacing_rules p ON p.domain = d.domain
     WHERE d.paced = TRUE AND d.priority <= $2 AND d.status IN ('queued', 'deferred') AND d.claim_id IS NULL
       AND d.next_attempt_at <= $1
     GROUP BY d.domain";

pub(super) const OPEN_PACING_WINDOW: &str = "INSERT INTO pacing_windows (domain, window_start, claimed)
     VALUES ($1, $2, 0) ON CONFLICT (domain, window_start) DO NOTHING";

/// How much of a domain's minute is used; PostgreSQL locks the row so two
/// processes cannot both spend the same budget.
pub(super) const PACING_WINDOW_USED: PerBackend = PerBackend {
    sqlite: "SELECT claimed FROM pacing_windows WHERE domain = $1 AND window_start = $2",
    postgres: "SELECT claimed FROM pacing_windows WHERE domain = $1 AND window_start = $2 FOR UPDATE",
};

pub(super) const SPEND_PACING_WINDOW: &str =
    "UPDATE pacing_windows SET claimed = claimed + $3 WHERE domain = $1 AND window_start = $2";

/// Claims up to `$4` ready deliveries to paced domain `$3` of priority `$5` or
/// more urgent, emergencies first, for batch `$1` at `$2`. A claimed delivery
/// keeps its status and only gains the claim (migration 0018): no column an
/// index holds changes. On PostgreSQL the chosen rows are locked (`SKIP
/// LOCKED`: another process takes the next ones) and looked up by key rather
/// than joined with the queue.
pub(super) const CLAIM_PACED: PerBackend = PerBackend {
    sqlite: "UPDATE deliveries SET attempts = attempts + 1, claim_id = $1, updated_at = $2
         WHERE id IN (SELECT id FROM deliveries
            WHERE paced = TRUE AND domain = $3 AND priority <= $5 AND status IN ('queued', 'deferred')
              AND claim_id IS NULL AND next_attempt_at <= $2
            ORDER BY priority, id LIMIT $4)
         RETURNING id, notice_id, subscriber_id, attempts, created_at, priority",
    postgres: "UPDATE deliveries SET attempts = attempts + 1, claim_id = $1, updated_at = $2
         WHERE id = ANY(ARRAY(SELECT id FROM deliveries
            WHERE paced = TRUE AND domain = $3 AND priority <= $5 AND status IN ('queued', 'deferred')
              AND claim_id IS NULL AND next_attempt_at <= $2
            ORDER BY priority, id LIMIT $4 FOR UPDATE SKIP LOCKED))
         RETURNING id, notice_id, subscriber_id, attempts, created_at, priority",
};

/// Claims up to `$3` ready deliveries to unpaced domains of priority `$4` or
/// more urgent, emergencies first, for batch `$1` at `$2`.
pub(super) const CLAIM_UNPACED: PerBackend = PerBackend {
    sqlite: "UPDATE deliveries SET attempts = attempts + 1, claim_id = $1, updated_at = $2
         WHERE id IN (SELECT id FROM deliveries
            WHERE paced = FALSE AND priority <= $4 AND status IN ('queued', 'deferred') AND claim_id IS NULL
              AND next_attempt_at <= $2
            ORDER BY priority, id LIMIT $3)
         RETURNING id, notice_id, subscriber_id, attempts, created_at, priority",
    postgres: "UPDATE deliveries SET attempts = attempts + 1, claim_id = $1, updated_at = $2
         WHERE id = ANY(ARRAY(SELECT id FROM deliveries
            WHERE paced = FALSE AND priority <= $4 AND status IN ('queued', 'deferred') AND claim_id IS NULL
              AND next_attempt_at <= $2
            ORDER BY priority, id LIMIT $3 FOR UPDATE SKIP LOCKED))
         RETURNING id, notice_id, subscriber_id, attempts, created_at, priority",
};

/// What batch `$1` holds until `$2`: the deliveries `$3`, `$4` of them, none
/// recorded yet. A name claimed again (a test stepping one worker) holds both.
pub(super) const HOLD_CLAIM: PerBackend = PerBackend {
    sqlite: "INSERT INTO delivery_claims (claim_id, claimed_until, delivery_ids, unrecorded) VALUES ($1, $2, $3, $4)
         ON CONFLICT (claim_id) DO UPDATE SET claimed_until = excluded.claimed_until,
            delivery_ids = (SELECT json_group_array(value) FROM (
                SELECT value FROM json_each(delivery_claims.delivery_ids)
                UNION ALL SELECT value FROM json_each(excluded.delivery_ids))),
            unrecorded = delivery_claims.unrecorded + excluded.unrecorded",
    postgres: "INSERT INTO delivery_claims (claim_id, claimed_until, delivery_ids, unrecorded) VALUES ($1, $2, $3, $4)
         ON CONFLICT (claim_id) DO UPDATE SET claimed_until = excluded.claimed_until,
            delivery_ids = delivery_claims.delivery_ids || excluded.delivery_ids,
            unrecorded = delivery_claims.unrecorded + excluded.unrecorded",
};

/// `$2` more of claim `$1`'s deliveries are recorded.
pub(super) const CLAIM_RECORDED: &str =
    "UPDATE delivery_claims SET unrecorded = unrecorded - $2 WHERE claim_id = $1 RETURNING unrecorded";

pub(super) const DROP_CLAIM: &str = "DELETE FROM delivery_claims WHERE claim_id = $1";

/// The recipients of a claimed batch, by key: joined in SQL, PostgreSQL would
/// rather hash the whole subscribers table for every batch.
pub(super) const RECIPIENTS: PerBackend = PerBackend {
    sqlite: "SELECT id, email, language, format, charset FROM subscribers
        WHERE id IN (SELECT value FROM json_each($1))",
    postgres: "SELECT id, email, language, format, charset FROM subscribers WHERE id = ANY($1)",
};

/// One statement for a batch of tokens: the (delivery, hash) pairs as a JSON
/// array on SQLite, two arrays on PostgreSQL.
pub(super) const INSERT_TOKENS: PerBackend = PerBackend {
    sqlite: "INSERT INTO delivery_tokens (delivery_id, token_hash)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($1)",
    postgres: "INSERT INTO delivery_tokens (delivery_id, token_hash)
        SELECT * FROM UNNEST($1::bigint[], $2::text[])",
};

/// Records one message that was not sent. The claim in the WHERE clause keeps a
/// worker that lost its claim from writing (a released or recorded row has none,
/// a re-claimed one another); a released message gets its attempt back.
pub(super) const RECORD_UNSENT: &str = "UPDATE deliveries SET status = $3, last_reply = COALESCE($4, last_reply),
        next_attempt_at = COALESCE($5, next_attempt_at), updated_at = $6,
        attempts = CASE WHEN $7 THEN attempts - 1 ELSE attempts END,
        claim_id = NULL
     WHERE id = $1 AND claim_id = $2
     RETURNING notice_id";

/// Records the messages the relay accepted, in one statement.
pub(super) const RECORD_SENT: PerBackend = PerBackend {
    sqlite: "UPDATE deliveries SET status = 'sent', sent_at = $3, updated_at = $3, last_reply = '250',
            claim_id = NULL
         WHERE id IN (SELECT value FROM json_each($1)) AND claim_id = $2
         RETURNING notice_id",
    postgres: "UPDATE deliveries SET status = 'sent', sent_at = $3, updated_at = $3, last_reply = '250',
            claim_id = NULL
         WHERE id = ANY($1) AND claim_id = $2
         RETURNING notice_id",
};

/// A notice with nothing left to send, and nothing left to queue, is sent.
pub(super) const SETTLE_NOTICE: &str = "UPDATE notices SET status = 'sent', updated_at = $2
     WHERE id = $1 AND status = 'sending'
       AND NOT EXISTS (SELECT 1 FROM notice_queueing q WHERE q.notice_id = $1)
       AND NOT EXISTS (SELECT 1 FROM deliveries WHERE notice_id = $1 AND status IN ('queued', 'deferred'))";

/// Whoever may settle a notice holds its row first (see `settle_if_done`).
pub(super) const LOCK_NOTICE: &str = "SELECT id FROM notices WHERE id = $1 FOR UPDATE";

pub(super) const SETTLED_EVENT: &str =
    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
     VALUES ($1, 'sending', 'sent', 'complete', 'delivery', $2)";

/// Puts the deliveries of the claims that `$2` picks (a condition on claim `c`)
/// back in the queue at `$1`: those still held by the claim, not those another
/// claim took since.
macro_rules! release_claims {
    ($which:literal) => {
        PerBackend {
            sqlite: concat!(
                "UPDATE deliveries SET claim_id = NULL, updated_at = $1
                 WHERE id IN (SELECT j.value FROM delivery_claims c, json_each(c.delivery_ids) j WHERE ",
                $which,
                ") AND claim_id IN (SELECT c.claim_id FROM delivery_claims c WHERE ",
                $which,
                ")"
            ),
            postgres: concat!(
                "UPDATE deliveries d SET claim_id = NULL, updated_at = $1
                 FROM delivery_claims c
                 WHERE d.id = ANY(c.delivery_ids) AND d.claim_id = c.claim_id AND ",
                $which
            ),
        }
    };
}

/// The deliveries of claims that expired before `$1`.
pub(super) const RELEASE_STALE: PerBackend = release_claims!("c.claimed_until < $1");

pub(super) const FORGET_STALE: &str = "DELETE FROM delivery_claims WHERE claimed_until < $1";

pub(super) const BEAT: &str = "INSERT INTO process_heartbeats (holder, beat_at) VALUES ($1, $2)
     ON CONFLICT (holder) DO UPDATE SET beat_at = excluded.beat_at";

/// Claims are named `HOLDER/BATCH`: those of a process whose last beat is older
/// than `$2` go back to the queue. A claim of a process that never beat (a test
/// or a benchmark stepping a worker) waits for its own expiry instead.
pub(super) const RELEASE_OF_STOPPED: PerBackend = release_claims!(
    "EXISTS (SELECT 1 FROM process_heartbeats h
             WHERE h.beat_at < $2 AND substr(c.claim_id, 1, length(h.holder) + 1) = h.holder || '/')"
);

pub(super) const FORGET_CLAIMS_OF_STOPPED: &str = "DELETE FROM delivery_claims
     WHERE EXISTS (SELECT 1 FROM process_heartbeats h
                   WHERE h.beat_at < $1 AND substr(delivery_claims.claim_id, 1, length(h.holder) + 1) = h.holder || '/')";

pub(super) const FORGET_STOPPED: &str = "DELETE FROM process_heartbeats WHERE beat_at < $1";

pub(super) const FORGET_PACING_WINDOWS: &str = "DELETE FROM pacing_windows WHERE window_start < $1";

/// A delivery being sent again (a claimed deferred one) is left to its worker.
pub(super) const LATE_BOUNCE: &str = "UPDATE deliveries SET status = 'bounced', last_reply = $2, updated_at = $3
     WHERE id = $1 AND status IN ('sent', 'deferred', 'failed') AND claim_id IS NULL";

/// Counts a hard bounce against the delivery's resident.
pub(super) const COUNT_BOUNCE: &str = "UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = $2
     WHERE id = (SELECT subscriber_id FROM deliveries WHERE id = $1)
     RETURNING id, hard_bounces, email_hash";

pub(super) const SUPPRESS_RESIDENT: &str = "UPDATE subscribers SET status = 'suppressed' WHERE id = $1";

pub(super) const SUPPRESS_BOUNCED: &str = "INSERT INTO suppressions (email_hash, reason, created_at)
     VALUES ($1, 'bounced', $2) ON CONFLICT (email_hash) DO NOTHING";

/// A notice's deliveries by status (a claimed one is `sending`), and what its
/// pruned deliveries counted (the reader adds the two up).
pub(super) const COUNTS: &str = "SELECT CASE WHEN claim_id IS NULL THEN status ELSE 'sending' END AS status,
        COUNT(*) AS n
     FROM deliveries WHERE notice_id = $1 GROUP BY 1
     UNION ALL SELECT status, n FROM pruned_delivery_counts WHERE notice_id = $1";

/// The first notice sent before `$1` whose deliveries have not been pruned
/// since `$2` (a day before `$1`): its deliveries that settled meanwhile go
/// too. A pruned notice is skipped rather than probed again: until PostgreSQL
/// vacuums them, its deleted rows are still walked by any look at its deliveries.
pub(super) const NOTICE_TO_PRUNE: &str = "SELECT id FROM notices
     WHERE sent_at IS NOT NULL AND sent_at < $1
       AND (deliveries_pruned_until IS NULL OR deliveries_pruned_until < $2)
     ORDER BY id
     LIMIT 1";

/// Notice `$1` has no delivery left that settled before `$2`.
pub(super) const NOTICE_PRUNED: &str = "UPDATE notices SET deliveries_pruned_until = $2 WHERE id = $1";

/// Deletes up to `$3` deliveries of notice `$1` settled before `$2`, saying
/// what each had become, through the notice's key: without the ORDER BY that
/// names it, PostgreSQL expects most of a notice's rows to match and reads the
/// table from its start for them. PostgreSQL skips a
/// row another transaction holds (a late bounce being recorded): it is pruned
/// by a later batch.
pub(super) const PRUNE_SETTLED: PerBackend = PerBackend {
    sqlite: "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
            WHERE notice_id = $1 AND status IN ('sent', 'bounced', 'failed', 'cancelled') AND updated_at < $2
            ORDER BY notice_id, subscriber_id LIMIT $3)
         RETURNING id, status",
    postgres: "DELETE FROM deliveries WHERE id = ANY(ARRAY(SELECT id FROM deliveries
            WHERE notice_id = $1 AND status IN ('sent', 'bounced', 'failed', 'cancelled') AND updated_at < $2
            ORDER BY notice_id, subscriber_id LIMIT $3 FOR UPDATE SKIP LOCKED))
         RETURNING id, status",
};

/// The link tokens mailed with pruned deliveries: no foreign key removes them
/// on PostgreSQL (migration 0004).
pub(super) const PRUNE_TOKENS: PerBackend = PerBackend {
    sqlite: "DELETE FROM delivery_tokens WHERE delivery_id IN (SELECT value FROM json_each($1))",
    postgres: "DELETE FROM delivery_tokens WHERE delivery_id = ANY($1)",
};

pub(super) const ADD_PRUNED_COUNT: &str =
    "INSERT INTO pruned_delivery_counts (notice_id, status, n) VALUES ($1, $2, $3)
     ON CONFLICT (notice_id, status) DO UPDATE SET n = pruned_delivery_counts.n + excluded.n";

pub(super) const BY_TOKEN: &str = "SELECT d.id, d.notice_id, d.subscriber_id FROM delivery_tokens t
     JOIN deliveries d ON d.id = t.delivery_id WHERE t.token_hash = $1";

pub(super) const BY_ID: &str = "SELECT id, notice_id, subscriber_id FROM deliveries WHERE id = $1";

/// Messages of a notice the relay accepted since `$2` (for the current rate).
pub(super) const ACCEPTED_SINCE: &str =
    "SELECT COUNT(*) FROM deliveries WHERE notice_id = $1 AND sent_at IS NOT NULL AND sent_at >= $2";

/// When the relay accepted a notice's `$2`-th message (counting from 0).
pub(super) const NTH_ACCEPTED: &str = "SELECT sent_at FROM deliveries WHERE notice_id = $1 AND sent_at IS NOT NULL
     ORDER BY sent_at LIMIT 1 OFFSET $2";

pub(super) const OLDEST_WAITING_EMERGENCY: &str = "SELECT MIN(created_at) FROM deliveries
     WHERE priority = 0 AND status IN ('queued', 'deferred') AND claim_id IS NULL";
