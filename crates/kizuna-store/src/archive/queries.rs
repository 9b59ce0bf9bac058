//! The statements of the public archive.

use crate::notices::queries::notice_columns;

/// The part of the archive's queries shared by the page and its count. Binds: $1
/// municipality, $2 category, $3 and $4 the sending window [from, before), $5–$9
/// LIKE patterns of up to five search words, $10 whether corrected notices are
/// listed, $11 the oldest first publication an obituary may have, $12 the obituary
/// category key, $13 whether withdrawn notices are listed.
///
/// Search is a substring scan of `search_text` (NFKC, lower case) with LIKE on both
/// backends: FTS5 trigrams miss two-character words such as 断水 and `pg_trgm`
/// extracts nothing from Japanese under a C locale, while a scan of a few thousand
/// notices a year per region takes milliseconds.
///
/// An obituary ages from its first publication, so a correction of one leaves with
/// it: `lineage` walks each obituary's chain of corrected notices.
macro_rules! archive_sql {
    (select: $select:expr, tail: $tail:literal) => {
        concat!(
            "WITH RECURSIVE lineage (id, ancestor_id, sent_at) AS (
                 SELECT id, supersedes_id, sent_at FROM notices WHERE category_key = $12
                 UNION ALL
                 SELECT l.id, p.supersedes_id, p.sent_at FROM lineage l JOIN notices p ON p.id = l.ancestor_id
             ),
             origins (id, first_sent) AS (SELECT id, MIN(sent_at) FROM lineage GROUP BY id)
             SELECT ",
            $select,
            " FROM notices n
             JOIN categories c ON c.key = n.category_key
             LEFT JOIN origins o ON o.id = n.id
             WHERE n.status IN ('sending', 'sent', 'superseded', 'withdrawn')
               AND ($10 OR n.status <> 'superseded')
               AND ($13 OR n.status <> 'withdrawn')
               AND c.restricted = FALSE
               AND ($1 IS NULL OR EXISTS (SELECT 1 FROM notice_municipalities nm
                                          WHERE nm.notice_id = n.id AND nm.municipality_code = $1))
               AND ($2 IS NULL OR n.category_key = $2)
               AND ($3 IS NULL OR n.sent_at >= $3)
               AND ($4 IS NULL OR n.sent_at < $4)
               AND ($5 IS NULL OR n.search_text LIKE $5 ESCAPE '\\')
               AND ($6 IS NULL OR n.search_text LIKE $6 ESCAPE '\\')
               AND ($7 IS NULL OR n.search_text LIKE $7 ESCAPE '\\')
               AND ($8 IS NULL OR n.search_text LIKE $8 ESCAPE '\\')
               AND ($9 IS NULL OR n.search_text LIKE $9 ESCAPE '\\')
               AND (n.category_key <> $12 OR COALESCE(o.first_sent, n.sent_at) >= $11) ",
            $tail
        )
    };
}

/// How many notices match the filters.
pub(super) const COUNT: &str = archive_sql!(select: "COUNT(*)", tail: "");

/// One page of the matching notices, newest first: `$14` notices from `$15` on.
pub(super) const PAGE: &str =
    archive_sql!(select: notice_columns!(), tail: "ORDER BY n.sent_at DESC, n.id DESC LIMIT $14 OFFSET $15");

/// The published correction of a notice, if any.
pub(super) const CORRECTION_OF: &str = "SELECT id FROM notices WHERE supersedes_id = $1
     AND status IN ('sending', 'sent', 'superseded', 'withdrawn') ORDER BY id LIMIT 1";

/// The first publication of the oldest public obituary still listed (at or after
/// `$2`, the oldest first publication an obituary may have): the next to leave.
pub(super) const NEXT_OBITUARY_EXIT: &str = "SELECT sent_at FROM notices
     WHERE category_key = $1 AND status IN ('sending', 'sent', 'superseded', 'withdrawn') AND sent_at >= $2
     ORDER BY sent_at LIMIT 1";

/// The soonest expiry after `$1` of a public notice: the CAP index drops it then.
pub(super) const NEXT_EXPIRY: &str = "SELECT expires_at FROM notices
     WHERE status IN ('sending', 'sent', 'superseded', 'withdrawn') AND expires_at > $1
     ORDER BY expires_at LIMIT 1";
