//! The statements behind the figures. The month of an instant in Japan time is
//! the one place the dialects differ (Japan keeps UTC+9 all year, so a fixed
//! nine hours is exact); every other statement is shared.

use crate::db::PerBackend;

/// `$1` NULL is the region: every active resident, whatever they chose.
pub(super) const ACTIVE_REGISTRANTS: &str = "SELECT COUNT(*) FROM subscribers r
     WHERE r.status = 'active'
       AND ($1 IS NULL OR EXISTS (SELECT 1 FROM subscriptions s
            WHERE s.subscriber_id = r.id AND s.municipality_code = $1))";

pub(super) const REGISTRANTS_PER_MUNICIPALITY: &str = "SELECT s.municipality_code,
        COUNT(DISTINCT s.subscriber_id) AS n
     FROM subscriptions s JOIN subscribers r ON r.id = s.subscriber_id
     WHERE r.status = 'active'
     GROUP BY s.municipality_code";

/// `$2` NULL is the region; a municipality counts the residents who chose it.
macro_rules! registrations {
    ($month:literal) => {
        concat!(
            "SELECT ",
            $month,
            " AS month, r.source, r.source_municipality, COUNT(*) AS n
     FROM subscribers r
     WHERE r.status = 'active' AND COALESCE(r.confirmed_at, r.created_at) >= $1
       AND ($2 IS NULL OR EXISTS (SELECT 1 FROM subscriptions s
            WHERE s.subscriber_id = r.id AND s.municipality_code = $2))
     GROUP BY 1, r.source, r.source_municipality
     ORDER BY 1, r.source, r.source_municipality"
        )
    };
}

pub(super) const REGISTRATIONS_BY_MONTH: PerBackend = PerBackend {
    sqlite: registrations!("strftime('%Y-%m', COALESCE(r.confirmed_at, r.created_at), '+9 hours')"),
    postgres: registrations!(
        "to_char((COALESCE(r.confirmed_at, r.created_at) AT TIME ZONE 'UTC') + INTERVAL '9 hours', 'YYYY-MM')"
    ),
};

/// A notice's messages by the month it was sent. For a municipality, the
/// messages of the notices addressed to it, a notice for several towns counting
/// whole for each: a delivery does not say for which town it went, and what a
/// resident chose may since have changed (or gone, when they left). Written
/// over deliveries `d` weighing `$n` each: once over the deliveries (1 each),
/// once over what pruned deliveries counted (`d.n` each); the reader adds them.
macro_rules! deliveries {
    ($month:literal, $from:literal, $n:literal) => {
        concat!(
            "SELECT ",
            $month,
            " AS month,
        CAST(SUM(CASE WHEN d.status = 'sent' THEN ",
            $n,
            " ELSE 0 END) AS BIGINT) AS sent,
        CAST(SUM(CASE WHEN d.status = 'bounced' THEN ",
            $n,
            " ELSE 0 END) AS BIGINT) AS bounced,
        CAST(SUM(CASE WHEN d.status = 'failed' THEN ",
            $n,
            " ELSE 0 END) AS BIGINT) AS failed
     FROM notices n JOIN ",
            $from,
            " d ON d.notice_id = n.id
     WHERE n.sent_at IS NOT NULL AND n.sent_at >= $1
       AND ($2 IS NULL OR
            EXISTS (SELECT 1 FROM notice_municipalities nm WHERE nm.notice_id = n.id AND nm.municipality_code = $2))
     GROUP BY 1
     ORDER BY 1"
        )
    };
}

pub(super) const DELIVERIES_BY_MONTH: PerBackend = PerBackend {
    sqlite: deliveries!("strftime('%Y-%m', n.sent_at, '+9 hours')", "deliveries", "1"),
    postgres: deliveries!("to_char((n.sent_at AT TIME ZONE 'UTC') + INTERVAL '9 hours', 'YYYY-MM')", "deliveries", "1"),
};

pub(super) const PRUNED_BY_MONTH: PerBackend = PerBackend {
    sqlite: deliveries!("strftime('%Y-%m', n.sent_at, '+9 hours')", "pruned_delivery_counts", "d.n"),
    postgres: deliveries!(
        "to_char((n.sent_at AT TIME ZONE 'UTC') + INTERVAL '9 hours', 'YYYY-MM')",
        "pruned_delivery_counts",
        "d.n"
    ),
};

/// The region's own row has no municipality (see migration 0010).
macro_rules! unsubscribes {
    ($month:literal) => {
        concat!(
            "SELECT ",
            $month,
            " AS month, COUNT(*) AS n
     FROM unsubscribes u
     WHERE u.at >= $1 AND (($2 IS NULL AND u.municipality_code IS NULL) OR u.municipality_code = $2)
     GROUP BY 1
     ORDER BY 1"
        )
    };
}

pub(super) const UNSUBSCRIBES_BY_MONTH: PerBackend = PerBackend {
    sqlite: unsubscribes!("strftime('%Y-%m', u.at, '+9 hours')"),
    postgres: unsubscribes!("to_char((u.at AT TIME ZONE 'UTC') + INTERVAL '9 hours', 'YYYY-MM')"),
};

/// By the notice's time of sending, which the `notices_status` index finds;
/// the messages by their notice, which the deliveries' unique key finds. Over
/// deliveries `d` counted by `$messages`: the deliveries themselves, or what
/// pruned ones counted (the reader adds the two).
macro_rules! messages_sent {
    ($from:literal, $messages:literal) => {
        concat!(
            "SELECT nm.municipality_code, c.shared_by, ",
            $messages,
            " AS messages
     FROM notices n
     JOIN ",
            $from,
            " d ON d.notice_id = n.id
     JOIN notice_municipalities nm ON nm.notice_id = n.id
     JOIN (SELECT notice_id, COUNT(*) AS shared_by FROM notice_municipalities GROUP BY notice_id) c
       ON c.notice_id = n.id
     WHERE d.status = 'sent' AND n.sent_at IS NOT NULL AND n.sent_at >= $1 AND n.sent_at < $2
     GROUP BY nm.municipality_code, c.shared_by
     ORDER BY nm.municipality_code, c.shared_by"
        )
    };
}

pub(super) const MESSAGES_SENT: &str = messages_sent!("deliveries", "COUNT(*)");

pub(super) const PRUNED_MESSAGES_SENT: &str = messages_sent!("pruned_delivery_counts", "CAST(SUM(d.n) AS BIGINT)");
