//! The statements of safety check-ins.

/// What a stored token from a notice mail means for a check-in: the delivery
/// it was mailed with, that delivery's notice, and whether the notice carries a
/// check-in itself or follows one up.
pub(super) const TOKEN: &str = "SELECT d.id, d.notice_id, d.subscriber_id, n.check_in, n.follow_up_of
     FROM delivery_tokens t
     JOIN deliveries d ON d.id = t.delivery_id
     JOIN notices n ON n.id = d.notice_id
     WHERE t.token_hash = $1";

/// The same for a derived link, which names its delivery.
pub(super) const DELIVERY: &str = "SELECT d.id, d.notice_id, d.subscriber_id, n.check_in, n.follow_up_of
     FROM deliveries d
     JOIN notices n ON n.id = d.notice_id
     WHERE d.id = $1";

/// The delivery of check-in notice `$1` to resident `$2`, for a link mailed with a follow-up.
pub(super) const DELIVERY_OF_CHECK_IN: &str = "SELECT d.id FROM deliveries d
     JOIN notices n ON n.id = d.notice_id AND n.check_in = TRUE
     WHERE d.notice_id = $1 AND d.subscriber_id = $2 AND d.channel = 'email'";

pub(super) const ANSWER: &str =
    "SELECT answer, household, message, first_answered_at, answered_at FROM check_ins WHERE delivery_id = $1";

/// A first answer, or a changed one: the time of the first stays.
pub(super) const RECORD: &str = "INSERT INTO check_ins (delivery_id, notice_id, answer, household, message,
        first_answered_at, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (delivery_id) DO UPDATE SET answer = excluded.answer, household = excluded.household,
        message = excluded.message, answered_at = excluded.answered_at";

/// Every recipient of check-in notice `$1` (a cancelled message reached nobody)
/// with where they count: the first of the notice's municipalities they
/// subscribe to (else the notice's first, when they have changed their choices
/// since), and their area there when they chose one. Each recipient counts in
/// one place, so the places add up to the totals.
macro_rules! placed_recipients {
    () => {
        "WITH recipients AS (
            SELECT d.id AS delivery_id, d.subscriber_id,
                COALESCE(
                    (SELECT MIN(s.municipality_code) FROM subscriptions s
                     JOIN notice_municipalities nm ON nm.municipality_code = s.municipality_code
                     WHERE nm.notice_id = d.notice_id AND s.subscriber_id = d.subscriber_id),
                    (SELECT MIN(nm.municipality_code) FROM notice_municipalities nm WHERE nm.notice_id = d.notice_id)
                ) AS municipality_code
            FROM deliveries d WHERE d.notice_id = $1 AND d.status <> 'cancelled'
        ), placed AS (
            SELECT r.delivery_id, r.subscriber_id, r.municipality_code,
                (SELECT MIN(s.area_id) FROM subscriptions s
                 WHERE s.subscriber_id = r.subscriber_id AND s.municipality_code = r.municipality_code) AS area_id
            FROM recipients r
        ) "
    };
}

/// Answers and people per place (municipality and area).
pub(super) const COUNTS: &str = concat!(
    placed_recipients!(),
    "SELECT p.municipality_code, p.area_id,
        CAST(SUM(CASE WHEN c.answer = 'safe' THEN 1 ELSE 0 END) AS BIGINT) AS safe,
        CAST(SUM(CASE WHEN c.answer = 'help' THEN 1 ELSE 0 END) AS BIGINT) AS needs_help,
        CAST(SUM(CASE WHEN c.delivery_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS unanswered,
        CAST(SUM(CASE WHEN c.answer = 'safe' THEN c.household ELSE 0 END) AS BIGINT) AS safe_people,
        CAST(SUM(CASE WHEN c.answer = 'help' THEN c.household ELSE 0 END) AS BIGINT) AS needs_help_people
     FROM placed p LEFT JOIN check_ins c ON c.delivery_id = p.delivery_id
     GROUP BY p.municipality_code, p.area_id"
);

/// The "needs help" answers with who and where, the earliest first.
pub(super) const NEEDS_HELP: &str = concat!(
    placed_recipients!(),
    "SELECT s.email, p.municipality_code, p.area_id, c.household, c.message, c.answered_at
     FROM placed p
     JOIN check_ins c ON c.delivery_id = p.delivery_id AND c.answer = 'help'
     JOIN subscribers s ON s.id = p.subscriber_id
     ORDER BY c.answered_at, p.delivery_id"
);

/// When the `$2`-th recipient (counting from 0) first answered.
pub(super) const NTH_ANSWERED: &str =
    "SELECT first_answered_at FROM check_ins WHERE notice_id = $1 ORDER BY first_answered_at LIMIT 1 OFFSET $2";
