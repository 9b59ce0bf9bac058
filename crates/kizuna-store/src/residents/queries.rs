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
pub(super) const DELIVERIES_OF: &str = "SELECT d.notice_id, n.title, d.status, d.attempts, d.last_reply,
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

/// What an imported address finds: its record, and whether it chose the
/// municipality importing it (`$2`).
pub(super) const IMPORT_STANDING: &str = "SELECT s.id, s.status,
        EXISTS (SELECT 1 FROM subscriptions x WHERE x.subscriber_id = s.id AND x.municipality_code = $2) AS chose
     FROM subscribers s WHERE s.email = $1";

/// Residents who chose something (in one municipality, with `$1`), oldest first.
pub(super) const EXPORT_SUBSCRIBERS: &str = subscriber!(
    "WHERE EXISTS (SELECT 1 FROM subscriptions x
                   WHERE x.subscriber_id = subscribers.id AND ($1 IS NULL OR x.municipality_code = $1))
     ORDER BY id"
);

pub(super) const EXPORT_SUBSCRIPTIONS: &str = "SELECT subscriber_id, municipality_code, category_key, area_id
     FROM subscriptions WHERE $1 IS NULL OR municipality_code = $1";

/// An imported resident is active at once (the earlier system confirmed them);
/// an address already registered is left to the caller, and a suppressed one
/// (bounced, or erased at the resident's request) is not brought back by an old list.
pub(super) const IMPORT_SUBSCRIBER: &str = "INSERT INTO subscribers (email, status, language, format, charset,
     emergency_only, source, source_municipality, monitor_age_band, created_at, updated_at, confirmed_at,
     email_hash, domain)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $11, $12
     WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = $11)
     ON CONFLICT (email) DO NOTHING RETURNING id";

/// An imported list's `monitor_age_band` enrols the resident in the monitor
/// panel of the list's (or the first chosen) municipality.
pub(super) const ENROL_IMPORTED_MONITOR: &str = "UPDATE subscribers SET monitor_municipality = $2,
     monitor_enrolled_at = $3 WHERE id = $1 AND monitor_age_band IS NOT NULL";

pub(super) const TOUCH_SUBSCRIBER: &str = "UPDATE subscribers SET updated_at = $2 WHERE id = $1";
