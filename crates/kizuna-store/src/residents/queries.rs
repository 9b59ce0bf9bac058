//! The statements of residents (subscribers), their choices and suppressed addresses.

use crate::db::PerBackend;

/// The columns a [`Subscriber`](super::Subscriber) is read from.
macro_rules! subscriber {
    ($where:literal) => {
        concat!(
            "SELECT id, email, status, language, format, charset, emergency_only, is_staff, source,
                source_municipality, monitor_age_band, hard_bounces, created_at, confirmed_at
             FROM subscribers ",
            $where
        )
    };
}

/// `email_hash` names the address in suppressions after it is erased; `domain`
/// lets the queue pace per destination without parsing addresses.
pub(super) const INSERT_SUBSCRIBER: &str = "INSERT INTO subscribers (email, status, language, format, charset,
     emergency_only, source, source_municipality, monitor_age_band, created_at, updated_at, confirmed_at,
     pending_expires_at, email_hash, domain)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14) RETURNING id";

pub(super) const SUBSCRIBER_BY_ID: &str = subscriber!("WHERE id = $1");
pub(super) const SUBSCRIBER_BY_EMAIL: &str = subscriber!("WHERE email = $1");

/// Confirming stamps `confirmed_at` once; only a pending registration keeps its expiry.
pub(super) const SET_STATUS: &str = "UPDATE subscribers SET status = $2, updated_at = $3,
     confirmed_at = CASE WHEN $2 = 'active' AND confirmed_at IS NULL THEN $3 ELSE confirmed_at END,
     pending_expires_at = CASE WHEN $2 = 'pending' THEN pending_expires_at ELSE NULL END
     WHERE id = $1";

pub(super) const SET_STAFF: &str = "UPDATE subscribers SET is_staff = $2, updated_at = $3 WHERE email = $1";

pub(super) const DELETE_SUBSCRIPTIONS: &str = "DELETE FROM subscriptions WHERE subscriber_id = $1";

pub(super) const INSERT_SUBSCRIPTION: &str =
    "INSERT INTO subscriptions (subscriber_id, municipality_code, category_key, area_id) VALUES ($1, $2, $3, $4)";

pub(super) const SUBSCRIPTIONS_OF: &str =
    "SELECT municipality_code, category_key, area_id FROM subscriptions WHERE subscriber_id = $1";

pub(super) const UPDATE_PREFERENCES: &str = "UPDATE subscribers SET language = $2, format = $3, charset = $4,
     emergency_only = $5, updated_at = $6 WHERE id = $1 AND status = 'active'";

pub(super) const STATUS_OF: &str = "SELECT status FROM subscribers WHERE id = $1";

pub(super) const MARK_UNSUBSCRIBED: &str =
    "UPDATE subscribers SET status = 'unsubscribed', updated_at = $2, pending_expires_at = NULL WHERE id = $1";

/// One row for the region and one for each municipality the resident had
/// chosen: the dashboard's unsubscribe counts (no id, no address).
pub(super) const COUNT_UNSUBSCRIBE: &str = "INSERT INTO unsubscribes (at, municipality_code)
     SELECT $2, NULL
     UNION ALL
     SELECT DISTINCT $2, municipality_code FROM subscriptions WHERE subscriber_id = $1";

pub(super) const EMAIL_OF: &str = "SELECT email FROM subscribers WHERE id = $1";

pub(super) const LAPSED_PENDING: &str = "SELECT id FROM subscribers
     WHERE status = 'pending' AND pending_expires_at IS NOT NULL AND pending_expires_at < $1";

/// Keeps the hash of each address unsubscribed long enough ago, before the resident goes.
pub(super) const SUPPRESS_OLD_UNSUBSCRIBED: &str = "INSERT INTO suppressions (email_hash, reason, created_at)
     SELECT email_hash, 'unsubscribed', $2 FROM subscribers WHERE status = 'unsubscribed' AND updated_at < $1
     ON CONFLICT (email_hash) DO NOTHING";

pub(super) const OLD_UNSUBSCRIBED: &str =
    "SELECT id FROM subscribers WHERE status = 'unsubscribed' AND updated_at < $1";

pub(super) const ACTIVE_COUNTS: &str = "SELECT s.municipality_code, s.category_key,
        COUNT(DISTINCT s.subscriber_id) AS active
     FROM subscriptions s JOIN subscribers r ON r.id = s.subscriber_id
     WHERE r.status = 'active'
     GROUP BY s.municipality_code, s.category_key
     ORDER BY s.municipality_code, s.category_key";

/// Suppresses an address; a later reason replaces the earlier one.
pub(super) const SUPPRESS: &str = "INSERT INTO suppressions (email_hash, reason, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (email_hash) DO UPDATE SET reason = excluded.reason";

/// Suppresses an address that is being erased, keeping an earlier reason.
pub(super) const SUPPRESS_ERASED: &str = "INSERT INTO suppressions (email_hash, reason, created_at)
     VALUES ($1, 'erased', $2) ON CONFLICT (email_hash) DO NOTHING";

pub(super) const IS_SUPPRESSED: &str = "SELECT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = $1)";

pub(super) const UNSUPPRESS: &str = "DELETE FROM suppressions WHERE email_hash = $1";

/// Deliveries of erased residents, found through the (notice, subscriber) key,
/// one probe per notice: a search by subscriber alone would read the whole
/// delivery history, which has no index on it.
pub(super) const DELETE_DELIVERIES_OF: PerBackend = PerBackend {
    sqlite: "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM notices n
        JOIN deliveries d ON d.notice_id = n.id WHERE d.subscriber_id IN (SELECT value FROM json_each($1)))
        RETURNING id",
    postgres: "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM notices n
        JOIN deliveries d ON d.notice_id = n.id WHERE d.subscriber_id = ANY($1))
        RETURNING id",
};

/// The tokens mailed with those deliveries: no foreign key removes them.
pub(super) const DELETE_TOKENS_OF: PerBackend = PerBackend {
    sqlite: "DELETE FROM delivery_tokens WHERE delivery_id IN (SELECT value FROM json_each($1))",
    postgres: "DELETE FROM delivery_tokens WHERE delivery_id = ANY($1)",
};

pub(super) const DELETE_SUBSCRIBERS: PerBackend = PerBackend {
    sqlite: "DELETE FROM subscribers WHERE id IN (SELECT value FROM json_each($1))",
    postgres: "DELETE FROM subscribers WHERE id = ANY($1)",
};

// What staff do with residents' records (`scoped.rs`). `$2` (or `$1`) names
// the one municipality a municipality admin acts for; NULL is the whole region.

/// Addresses containing `$1` (a LIKE pattern with `\` escaping), the exact
/// address (`$3`) first; with a municipality, only residents who chose it. A
/// scan of the addresses: fine at a region's size, and no index serves a match
/// in the middle of a string anyway.
pub(super) const SEARCH: &str = subscriber!(
    "WHERE email LIKE $1 ESCAPE '\\'
       AND ($2 IS NULL OR EXISTS (SELECT 1 FROM subscriptions x
                                  WHERE x.subscriber_id = subscribers.id AND x.municipality_code = $2))
     ORDER BY CASE WHEN email = $3 THEN 0 ELSE 1 END, email
     LIMIT $4"
);

/// A resident's deliveries with their notices' titles, newest first; with a
/// municipality, only notices to it. CROSS JOIN makes SQLite walk the notices
/// and probe the (notice, subscriber) key of each, as `DELETE_DELIVERIES_OF`
/// does: deliveries have no index on the subscriber alone.
pub(super) const DELIVERIES_OF: &str = "SELECT d.notice_id, n.title,
        CASE WHEN d.claim_id IS NULL THEN d.status ELSE 'sending' END AS status, d.attempts, d.last_reply,
        d.created_at, d.sent_at
     FROM notices n CROSS JOIN deliveries d
     WHERE d.notice_id = n.id AND d.subscriber_id = $1
       AND ($2 IS NULL OR EXISTS (SELECT 1 FROM notice_municipalities nm
                                  WHERE nm.notice_id = n.id AND nm.municipality_code = $2))
     ORDER BY d.id DESC
     LIMIT $3";

/// The choices a staff member may change: within their municipality, and of
/// the restricted (staff-only) categories only when `$3`.
pub(super) const DELETE_SUBSCRIPTIONS_WITHIN: &str = "DELETE FROM subscriptions
     WHERE subscriber_id = $1 AND ($2 IS NULL OR municipality_code = $2)
       AND ($3 = TRUE OR category_key IN (SELECT key FROM categories WHERE restricted = FALSE))";

pub(super) const DELETE_SUBSCRIPTIONS_IN: &str =
    "DELETE FROM subscriptions WHERE subscriber_id = $1 AND municipality_code = $2";

/// Whether a resident chose anything outside one municipality.
pub(super) const CHOSE_ELSEWHERE: &str =
    "SELECT EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = $1 AND municipality_code <> $2)";

pub(super) const SUPPRESSION_OF: &str = "SELECT reason FROM suppressions WHERE email_hash = $1";

pub(super) const MARK_SUPPRESSED: &str =
    "UPDATE subscribers SET status = 'suppressed', updated_at = $2 WHERE id = $1 AND status = 'active'";

/// Mail flows again from a clean slate: the next bounce counts as the first.
pub(super) const MARK_REACTIVATED: &str = "UPDATE subscribers SET status = 'active', hard_bounces = 0,
     updated_at = $2, confirmed_at = COALESCE(confirmed_at, $2) WHERE id = $1 AND status = 'suppressed'";

/// Residents who chose something (in one municipality, with `$1`), oldest first.
pub(super) const EXPORT_SUBSCRIBERS: &str = subscriber!(
    "WHERE EXISTS (SELECT 1 FROM subscriptions x
                   WHERE x.subscriber_id = subscribers.id AND ($1 IS NULL OR x.municipality_code = $1))
     ORDER BY id"
);

pub(super) const EXPORT_SUBSCRIPTIONS: &str = "SELECT subscriber_id, municipality_code, category_key, area_id
     FROM subscriptions WHERE $1 IS NULL OR municipality_code = $1";

// Importing a list, a batch of rows to a statement (`import.rs`). `$1` is the
// batch as JSON rows (`JsonRows`).

/// What a batch's addresses find, one row per address (`e`, with its hash `h`):
/// the record, whether it chose the importing municipality (`$2`), and whether
/// the address is suppressed (which matters only when there is no record).
pub(super) const IMPORT_LOOKUP: PerBackend = PerBackend {
    sqlite: "SELECT x.email, s.id, s.status,
            EXISTS (SELECT 1 FROM subscriptions c WHERE c.subscriber_id = s.id AND c.municipality_code = $2) AS chose,
            EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = x.hash) AS suppressed
        FROM (SELECT json_extract(value, '$.e') AS email, json_extract(value, '$.h') AS hash FROM json_each($1)) x
        LEFT JOIN subscribers s ON s.email = x.email",
    postgres: "SELECT x.e AS email, s.id, s.status,
            EXISTS (SELECT 1 FROM subscriptions c WHERE c.subscriber_id = s.id AND c.municipality_code = $2) AS chose,
            EXISTS (SELECT 1 FROM suppressions p WHERE p.email_hash = x.h) AS suppressed
        FROM jsonb_to_recordset($1::jsonb) AS x(e text, h text)
        LEFT JOIN subscribers s ON s.email = x.e",
};

/// The batch's new residents, active at once (`$3`; the earlier system
/// confirmed them) at `$2`; one with an age band (`b`) joins the monitor panel
/// of `mm` (the list's municipality, else the first they chose). An address
/// registered or suppressed since the lookup (by the resident themselves, in
/// another transaction) is left to them: it returns no id.
pub(super) const IMPORT_SUBSCRIBERS: PerBackend = PerBackend {
    sqlite: "INSERT INTO subscribers (email, status, language, format, charset, emergency_only, source,
            source_municipality, monitor_age_band, monitor_municipality, monitor_enrolled_at,
            created_at, updated_at, confirmed_at, email_hash, domain)
        SELECT json_extract(value, '$.e'), $3, json_extract(value, '$.l'), json_extract(value, '$.f'),
            json_extract(value, '$.c'), json_extract(value, '$.eo'), json_extract(value, '$.s'),
            json_extract(value, '$.sm'), json_extract(value, '$.b'), json_extract(value, '$.mm'),
            CASE WHEN json_extract(value, '$.b') IS NULL THEN NULL ELSE $2 END,
            $2, $2, $2, json_extract(value, '$.h'), json_extract(value, '$.d')
        FROM json_each($1)
        WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = json_extract(value, '$.h'))
        ON CONFLICT (email) DO NOTHING
        RETURNING id, email",
    postgres: "INSERT INTO subscribers (email, status, language, format, charset, emergency_only, source,
            source_municipality, monitor_age_band, monitor_municipality, monitor_enrolled_at,
            created_at, updated_at, confirmed_at, email_hash, domain)
        SELECT x.e, $3, x.l, x.f, x.c, x.eo, x.s, x.sm, x.b, x.mm,
            CASE WHEN x.b IS NULL THEN NULL ELSE $2::timestamptz END, $2, $2, $2, x.h, x.d
        FROM jsonb_to_recordset($1::jsonb)
            AS x(e text, l text, f text, c text, eo boolean, s text, sm text, b text, mm text, h text, d text)
        WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = x.h)
        ON CONFLICT (email) DO NOTHING
        RETURNING id, email",
};

/// The choices of a batch's new and joining residents: (`i`: subscriber, `m`,
/// `c`, `a`: area or null).
pub(super) const IMPORT_SUBSCRIPTIONS: PerBackend = PerBackend {
    sqlite: "INSERT INTO subscriptions (subscriber_id, municipality_code, category_key, area_id)
        SELECT json_extract(value, '$.i'), json_extract(value, '$.m'), json_extract(value, '$.c'),
            json_extract(value, '$.a')
        FROM json_each($1)",
    postgres: "INSERT INTO subscriptions (subscriber_id, municipality_code, category_key, area_id)
        SELECT x.i, x.m, x.c, x.a FROM jsonb_to_recordset($1::jsonb) AS x(i bigint, m text, c text, a bigint)",
};

/// Residents who joined the importing municipality changed at `$2`.
pub(super) const TOUCH_SUBSCRIBERS: PerBackend = PerBackend {
    sqlite: "UPDATE subscribers SET updated_at = $2 WHERE id IN (SELECT value FROM json_each($1))",
    postgres: "UPDATE subscribers SET updated_at = $2 WHERE id = ANY($1)",
};

pub(super) const TOUCH_SUBSCRIBER: &str = "UPDATE subscribers SET updated_at = $2 WHERE id = $1";
