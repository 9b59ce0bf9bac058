//! The statements of notices and their lifecycle.

use crate::db::PerBackend;

/// The columns a [`Notice`](super::Notice) is read from (its targets come separately).
macro_rules! notice_columns {
    () => {
        "n.id, n.status, n.source, n.source_ref, n.title, n.body, n.title_en, n.body_en, n.category_key,
         n.urgency, n.exercise, n.expires_at, n.send_at, n.check_in, n.follow_up_of,
         n.follow_up_audience, n.supersedes_id, n.created_by,
         n.created_at, n.updated_at, n.sent_at"
    };
}
pub(crate) use notice_columns;

pub(super) const NOTICE: &str = concat!("SELECT ", notice_columns!(), " FROM notices n WHERE n.id = $1");

/// Staff's and API clients' lists: `$4` keeps notices whose every municipality
/// is that one (a key or account of one town sees only its own).
pub(super) const LIST: &str = concat!(
    "SELECT ",
    notice_columns!(),
    " FROM notices n
     WHERE ($1 IS NULL OR n.source = $1)
       AND ($2 IS NULL OR EXISTS (SELECT 1 FROM notice_municipalities nm
                                  WHERE nm.notice_id = n.id AND nm.municipality_code = $2))
       AND ($3 IS NULL OR n.status = $3)
       AND ($4 IS NULL OR NOT EXISTS (SELECT 1 FROM notice_municipalities nm
                                      WHERE nm.notice_id = n.id AND nm.municipality_code <> $4))
       AND ($5 IS NULL OR n.id < $5)
     ORDER BY n.id DESC
     LIMIT $6"
);

/// The municipalities of several notices, each notice's in the consortium's order.
pub(crate) const MUNICIPALITIES_OF: PerBackend = PerBackend {
    sqlite: "SELECT nm.notice_id, nm.municipality_code FROM notice_municipalities nm
        JOIN municipalities m ON m.code = nm.municipality_code
        WHERE nm.notice_id IN (SELECT value FROM json_each($1)) ORDER BY nm.notice_id, m.position",
    postgres: "SELECT nm.notice_id, nm.municipality_code FROM notice_municipalities nm
        JOIN municipalities m ON m.code = nm.municipality_code
        WHERE nm.notice_id = ANY($1) ORDER BY nm.notice_id, m.position",
};

pub(crate) const AREAS_OF: PerBackend = PerBackend {
    sqlite: "SELECT notice_id, area_id FROM notice_areas
        WHERE notice_id IN (SELECT value FROM json_each($1)) ORDER BY notice_id, area_id",
    postgres: "SELECT notice_id, area_id FROM notice_areas WHERE notice_id = ANY($1) ORDER BY notice_id, area_id",
};

/// One notice's municipalities in the consortium's order.
pub(super) const MUNICIPALITIES_OF_ONE: &str = "SELECT nm.municipality_code FROM notice_municipalities nm
     JOIN municipalities m ON m.code = nm.municipality_code WHERE nm.notice_id = $1 ORDER BY m.position";

pub(super) const EVENTS: &str =
    "SELECT from_status, to_status, action, actor, at, note FROM notice_events WHERE notice_id = $1 ORDER BY id";

pub(super) const ID_BY_IDEMPOTENCY_KEY: &str = "SELECT id FROM notices WHERE idempotency_key = $1";

pub(super) const DUE_SCHEDULED: &str =
    "SELECT id FROM notices WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at";

/// A new draft; `search_text` is the folded text the archive searches.
pub(super) const INSERT_NOTICE: &str = "INSERT INTO notices (status, source, source_ref, title, body, title_en,
        body_en, category_key, urgency, exercise, expires_at, send_at, check_in, supersedes_id,
        idempotency_key, search_text, created_by, created_at, updated_at, follow_up_of, follow_up_audience)
     VALUES ('draft', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19)
     RETURNING id";

pub(super) const INSERT_MUNICIPALITY: &str =
    "INSERT INTO notice_municipalities (notice_id, municipality_code) VALUES ($1, $2)";

pub(super) const INSERT_AREA: &str = "INSERT INTO notice_areas (notice_id, area_id) VALUES ($1, $2)";

pub(super) const CREATED_EVENT: &str =
    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
     VALUES ($1, NULL, 'draft', 'create', $2, $3)";

pub(super) const EVENT: &str = "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(super) const SET_SEND_AT: &str = "UPDATE notices SET send_at = $2 WHERE id = $1";

pub(super) const STATUS: &str = "SELECT status FROM notices WHERE id = $1";

/// The status in the WHERE clause makes a concurrent change lose cleanly.
pub(super) const MOVE: &str = "UPDATE notices SET status = $2, updated_at = $4,
     sent_at = CASE WHEN $2 = 'sending' AND sent_at IS NULL THEN $4 ELSE sent_at END
     WHERE id = $1 AND status = $3";

/// Whatever is still waiting stops at once; batches in flight see the status.
pub(super) const CANCEL_WAITING: &str = "UPDATE deliveries SET status = 'cancelled', updated_at = $2
     WHERE notice_id = $1 AND status IN ('queued', 'deferred') AND claim_id IS NULL";

/// What queueing needs to know of a notice and its category.
pub(super) const SENDING_FACTS: &str = "SELECT n.status, n.urgency, n.supersedes_id, n.follow_up_of,
        n.follow_up_audience, n.category_key, c.emergency, c.restricted
     FROM notices n JOIN categories c ON c.key = n.category_key WHERE n.id = $1";

pub(super) const START_SENDING: &str = "UPDATE notices SET status = 'sending', updated_at = $3,
     sent_at = COALESCE(sent_at, $3) WHERE id = $1 AND status = $2";

pub(super) const SENDING_EVENT: &str =
    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
     VALUES ($1, $2, 'sending', $3, $4, $5)";

/// Who receives a notice, as a condition on `subscribers s`: an active resident
/// with a subscription to one of the notice's municipalities (`$1`) in its
/// category — and to its area when the notice names areas of that municipality —
/// whose address is not suppressed; of a restricted category (`$2`) only
/// staff-flagged residents; emergency-only residents only for an emergency
/// category (`$3`); `$narrow` may keep the subscriptions of one municipality,
/// or one chunk of them (whose range of residents `$within` repeats, so that
/// PostgreSQL reads only that range rather than hash every resident). The
/// residents are found through the subscriptions' index (municipality,
/// category, subscriber), so a town's notice never reads the rest of the
/// region's residents, and a chunk reads only its own.
/// The queue and the pre-send counts share it, so the count staff confirm is the
/// number of messages that go out.
macro_rules! recipients {
    ($narrow:literal) => {
        recipients!("", $narrow)
    };
    ($within:literal, $narrow:literal) => {
        concat!(
            $within,
            "s.status = 'active'
       AND ($2 = FALSE OR s.is_staff = TRUE)
       AND ($3 = TRUE OR s.emergency_only = FALSE)
       AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_hash = s.email_hash)
       AND s.id IN (
         SELECT sub.subscriber_id FROM subscriptions sub
         JOIN notice_municipalities nm ON nm.municipality_code = sub.municipality_code
         JOIN notices n ON n.id = nm.notice_id AND n.category_key = sub.category_key
         WHERE nm.notice_id = $1 ",
            $narrow,
            "
           AND (sub.area_id IS NULL
                OR sub.area_id IN (SELECT na.area_id FROM notice_areas na WHERE na.notice_id = $1)
                OR NOT EXISTS (SELECT 1 FROM notice_areas na JOIN areas a ON a.id = na.area_id
                               WHERE na.notice_id = $1 AND a.municipality_code = sub.municipality_code)))"
        )
    };
}

/// The head of a statement that queues deliveries of notice `$1` (`$4`
/// priority, `$5` now) to residents `s`. Whether a resident's domain is paced
/// is one set PostgreSQL hashes once per statement, where a look-up per
/// resident cost two index reads each.
macro_rules! queue_deliveries {
    () => {
        "INSERT INTO deliveries (notice_id, subscriber_id, channel, status,
        priority, attempts, next_attempt_at, domain, paced, created_at, updated_at)
     SELECT $1, s.id, 'email', 'queued', $4, 0, $5, s.domain,
        s.domain IN (SELECT p.domain FROM pacing_rules p), $5, $5"
    };
}

/// Queues one chunk of a notice's recipients (`$4` priority, `$5` now): those
/// reached through a subscription to municipality `$6` whose subscriber id is
/// after `$7` and at most `$8`. A resident reached through two municipalities
/// is queued by the first chunk that meets them and skipped by the other.
pub(super) const QUEUE_RECIPIENTS: &str = concat!(
    queue_deliveries!(),
    " FROM subscribers s
     WHERE ",
    recipients!(
        "s.id > $7 AND s.id <= $8 AND ",
        "AND sub.municipality_code = $6 AND sub.subscriber_id > $7 AND sub.subscriber_id <= $8"
    ),
    " ON CONFLICT (notice_id, subscriber_id, channel) DO NOTHING"
);

/// Where a chunk of about `$4 + 1` subscriptions to municipality `$1` in
/// category `$2` after subscriber `$3` ends: the subscriber of the last of them
/// (none when fewer are left, and the chunk takes the rest). Read from the
/// subscriptions' index alone.
pub(super) const RECIPIENTS_CHUNK_END: &str = "SELECT subscriber_id FROM subscriptions
     WHERE municipality_code = $1 AND category_key = $2 AND subscriber_id > $3
     ORDER BY subscriber_id LIMIT 1 OFFSET $4";

/// The notice's (`$1`) municipality after `$2` in code order, whose
/// subscriptions queueing walks next (the first with `$2` empty).
pub(super) const NEXT_MUNICIPALITY: &str =
    "SELECT MIN(municipality_code) FROM notice_municipalities WHERE notice_id = $1 AND municipality_code > $2";

/// Who a follow-up reaches, as the rows of deliveries `d` of the notice it
/// follows (`$of`) to residents `s`: those its audience (`$audience`) names —
/// of a check-in, those without an answer (`check_ins c`) or who need help; of a
/// withdrawn notice, those it reached (sent, or on the wire when it was taken
/// back, since those go out) — who are still active and not suppressed. Neither
/// subscriptions nor categories matter: it is about a mail they already got.
/// The queue and the pre-send count share it.
macro_rules! follow_up_recipients {
    ($of:literal, $audience:literal) => {
        concat!(
            "FROM deliveries d
     JOIN subscribers s ON s.id = d.subscriber_id
     LEFT JOIN check_ins c ON c.delivery_id = d.id
     WHERE d.notice_id = ",
            $of,
            " AND d.status <> 'cancelled' AND s.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_hash = s.email_hash)
       AND CASE ",
            $audience,
            " WHEN 'unanswered' THEN c.delivery_id IS NULL
                WHEN 'reached' THEN (d.status = 'sent' OR d.claim_id IS NOT NULL)
                ELSE c.answer = 'help' END"
        )
    };
}

/// Queues one chunk of a follow-up (`$1`) of notice `$2` for audience `$3`
/// (`$4` priority, `$5` now): its recipients whose subscriber id is after `$6`
/// and at most `$7`.
pub(super) const QUEUE_FOLLOW_UP: &str = concat!(
    queue_deliveries!(),
    " ",
    follow_up_recipients!("$2", "$3"),
    " AND d.subscriber_id > $6 AND d.subscriber_id <= $7
     ON CONFLICT (notice_id, subscriber_id, channel) DO NOTHING"
);

/// Where a chunk of about `$3 + 1` deliveries of notice `$1` after subscriber
/// `$2` ends (none when fewer are left): a follow-up walks them in the order of
/// their key.
pub(super) const FOLLOW_UP_CHUNK_END: &str = "SELECT subscriber_id FROM deliveries
     WHERE notice_id = $1 AND subscriber_id > $2
     ORDER BY subscriber_id LIMIT 1 OFFSET $3";

/// A notice with more recipients to queue than its send's chunk: where
/// queueing stands (see migration 0017).
pub(super) const START_QUEUEING: &str =
    "INSERT INTO notice_queueing (notice_id, municipality_code, after_subscriber) VALUES ($1, $2, $3)";

pub(super) const MOVE_QUEUEING: &str =
    "UPDATE notice_queueing SET municipality_code = $2, after_subscriber = $3 WHERE notice_id = $1";

/// Every recipient is queued, or the notice was cancelled or withdrawn. A
/// cancellation deletes the row before it cancels the waiting deliveries: on
/// PostgreSQL it waits for a chunk being queued, whose deliveries it then sees.
pub(super) const END_QUEUEING: &str = "DELETE FROM notice_queueing WHERE notice_id = $1";

/// The sending notice whose queueing goes on next: emergencies first, then the
/// oldest. PostgreSQL locks its row until the chunk is written, and another
/// process takes another notice or waits for the next round.
pub(super) const QUEUEING_TO_RESUME: PerBackend = PerBackend {
    sqlite: "SELECT q.notice_id, q.municipality_code, q.after_subscriber FROM notice_queueing q
        JOIN notices n ON n.id = q.notice_id
        WHERE n.status = 'sending'
        ORDER BY CASE WHEN n.urgency = 'emergency' THEN 0 ELSE 1 END, q.notice_id LIMIT 1",
    postgres: "SELECT q.notice_id, q.municipality_code, q.after_subscriber FROM notice_queueing q
        JOIN notices n ON n.id = q.notice_id
        WHERE n.status = 'sending'
        ORDER BY CASE WHEN n.urgency = 'emergency' THEN 0 ELSE 1 END, q.notice_id LIMIT 1
        FOR UPDATE OF q SKIP LOCKED",
};

/// Whether any notice has recipients left to queue.
pub(super) const ANY_QUEUEING: &str = "SELECT EXISTS (SELECT 1 FROM notice_queueing)";

/// Whether a notice has any delivery (a send whose every chunk found nobody has none).
pub(super) const HAS_DELIVERIES: &str = "SELECT EXISTS (SELECT 1 FROM deliveries WHERE notice_id = $1)";

/// How many a follow-up of notice `$1` for audience `$2` reaches.
pub(super) const COUNT_FOLLOW_UP: &str = concat!("SELECT COUNT(*) ", follow_up_recipients!("$1", "$2"));

/// How many residents a notice reaches.
pub(super) const COUNT_RECIPIENTS: &str = concat!("SELECT COUNT(*) FROM subscribers s WHERE ", recipients!(""));

/// How many of them through a subscription to municipality `$4`.
pub(super) const COUNT_RECIPIENTS_IN: &str =
    concat!("SELECT COUNT(*) FROM subscribers s WHERE ", recipients!("AND sub.municipality_code = $4"));

/// Residents who chose "emergency only" with a subscription (of any category)
/// to one of the notice's municipalities (`$1`) — and to its area when the
/// notice names areas there — whose address is not suppressed; of a restricted
/// category (`$2`) only staff-flagged ones; `$narrow` may keep one municipality.
/// A notice of a category that is not an emergency one leaves them out: the
/// pre-send page says how many.
macro_rules! emergency_only_in_towns {
    ($narrow:literal) => {
        concat!(
            "SELECT COUNT(*) FROM subscribers s WHERE s.status = 'active'
       AND s.emergency_only = TRUE
       AND ($2 = FALSE OR s.is_staff = TRUE)
       AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_hash = s.email_hash)
       AND EXISTS (
         SELECT 1 FROM subscriptions sub
         JOIN notice_municipalities nm ON nm.municipality_code = sub.municipality_code
         WHERE nm.notice_id = $1 AND sub.subscriber_id = s.id ",
            $narrow,
            "
           AND (sub.area_id IS NULL
                OR sub.area_id IN (SELECT na.area_id FROM notice_areas na WHERE na.notice_id = $1)
                OR NOT EXISTS (SELECT 1 FROM notice_areas na JOIN areas a ON a.id = na.area_id
                               WHERE na.notice_id = $1 AND a.municipality_code = sub.municipality_code)))"
        )
    };
}

pub(super) const COUNT_EMERGENCY_ONLY: &str = emergency_only_in_towns!("");

/// How many of them through a subscription to municipality `$3`.
pub(super) const COUNT_EMERGENCY_ONLY_IN: &str = emergency_only_in_towns!("AND sub.municipality_code = $3");

/// A notice's category decides restricted and emergency recipients.
pub(super) const CATEGORY_FLAGS: &str = "SELECT c.restricted, c.emergency, n.follow_up_of, n.follow_up_audience
     FROM notices n
     JOIN categories c ON c.key = n.category_key WHERE n.id = $1";

/// An edit changes a draft's text and targets; `search_text` follows the text.
pub(super) const EDIT: &str = "UPDATE notices SET title = $2, body = $3, title_en = $4, body_en = $5,
        category_key = $6, urgency = $7, exercise = $8, expires_at = $9, send_at = $10, search_text = $11,
        updated_at = $12, check_in = $14
     WHERE id = $1 AND status = $13";

pub(super) const CLEAR_MUNICIPALITIES: &str = "DELETE FROM notice_municipalities WHERE notice_id = $1";

pub(super) const CLEAR_AREAS: &str = "DELETE FROM notice_areas WHERE notice_id = $1";

pub(super) const NEXT_VERSION: &str = "SELECT COALESCE(MAX(version), 0) + 1 FROM notice_versions WHERE notice_id = $1";

/// Each version keeps its targets as comma-separated lists: they are only ever
/// read back whole, to show what changed between versions.
pub(super) const INSERT_VERSION: &str = "INSERT INTO notice_versions (notice_id, version, title, body, title_en,
        body_en, category_key, municipalities, area_ids, urgency, exercise, send_at, edited_by, edited_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

pub(super) const VERSIONS: &str = "SELECT version, title, body, title_en, body_en, category_key, municipalities,
        area_ids, urgency, exercise, send_at, edited_by, edited_at
     FROM notice_versions WHERE notice_id = $1 ORDER BY version";

/// Nobody to send to: the notice is sent (published) at once.
pub(super) const SENT_TO_NOBODY: &str = "UPDATE notices SET status = 'sent', updated_at = $2 WHERE id = $1";

pub(super) const SENT_TO_NOBODY_EVENT: &str = "INSERT INTO notice_events (notice_id, from_status, to_status,
     action, actor, at, note) VALUES ($1, 'sending', 'sent', 'complete', 'delivery', $2, 'no matching recipients')";

/// PostgreSQL plans the rest of the transaction's statements for their values
/// (see `Audience::queue_chunk`).
pub(super) const PLAN_EACH_TIME: &str = "SET LOCAL plan_cache_mode = force_custom_plan";
