//! The statements of the JMA poller's memory.

pub(super) const PROCESSED_REPORTS: &str = "SELECT report_id, reported_at FROM jma_processed_reports";

pub(super) const ACTIVE_WARNINGS: &str = "SELECT exercise, hazard, municipality_code, name, name_en, level,
     issued_at, send_mode FROM jma_active_warnings";

pub(super) const ANNOUNCED_QUAKES: &str =
    "SELECT exercise, event_id, municipality_code, intensity, at FROM jma_announced_quakes";

pub(super) const MARK_PROCESSED: &str = "INSERT INTO jma_processed_reports (report_id, reported_at) VALUES ($1, $2)
     ON CONFLICT (report_id) DO NOTHING";

pub(super) const PUT_WARNING: &str = "INSERT INTO jma_active_warnings (exercise, hazard, municipality_code, name,
        name_en, level, issued_at, send_mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (exercise, hazard, municipality_code) DO UPDATE SET
        name = excluded.name, name_en = excluded.name_en, level = excluded.level,
        issued_at = excluded.issued_at, send_mode = excluded.send_mode";

pub(super) const CLEAR_WARNING: &str =
    "DELETE FROM jma_active_warnings WHERE exercise = $1 AND hazard = $2 AND municipality_code = $3";

pub(super) const PUT_QUAKE: &str = "INSERT INTO jma_announced_quakes (exercise, event_id, municipality_code,
        intensity, at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (exercise, event_id, municipality_code) DO UPDATE SET
        intensity = excluded.intensity, at = excluded.at";

pub(super) const FORGET_QUAKE: &str =
    "DELETE FROM jma_announced_quakes WHERE exercise = $1 AND event_id = $2 AND municipality_code = $3";

pub(super) const SERIES: &str = "SELECT series_key, report_id, title, reported_at FROM jma_series";

pub(super) const SERIES_RESTORES: &str = "SELECT series_key, kind, exercise, entry_key, municipality_code, name,
        name_en, level, send_mode, intensity, at
     FROM jma_series_restores ORDER BY series_key, position";

pub(super) const PUT_SERIES: &str = "INSERT INTO jma_series (series_key, report_id, title, reported_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (series_key) DO UPDATE SET report_id = excluded.report_id, title = excluded.title,
        reported_at = excluded.reported_at";

pub(super) const CLEAR_SERIES_RESTORES: &str = "DELETE FROM jma_series_restores WHERE series_key = $1";

pub(super) const CLEAR_SERIES: &str = "DELETE FROM jma_series WHERE series_key = $1";

pub(super) const PUT_SERIES_RESTORE: &str = "INSERT INTO jma_series_restores (series_key, position, kind,
        exercise, entry_key, municipality_code, name, name_en, level, send_mode, intensity, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// The JMA notices of one report: their sources begin `jma:{report}#` (`$1`).
/// `substr` rather than LIKE, since a report id may hold `%` or `_`.
pub(super) const REPORT_NOTICES: &str = "SELECT id FROM notices
     WHERE source = 'jma' AND substr(source_ref, 1, length($1)) = $1 ORDER BY id";

/// What a prune forgets; active warnings stay until lifted. A series' restores go
/// with it, first.
pub(super) const PRUNE: [&str; 5] = [
    "DELETE FROM jma_processed_reports WHERE reported_at < $1",
    "DELETE FROM jma_announced_quakes WHERE at < $1",
    "DELETE FROM jma_seen_entries WHERE first_seen_at < $1",
    "DELETE FROM jma_series_restores
     WHERE series_key IN (SELECT series_key FROM jma_series WHERE reported_at < $1)",
    "DELETE FROM jma_series WHERE reported_at < $1",
];

macro_rules! feed {
    ($tail:literal) => {
        concat!(
            "SELECT url, etag, last_modified, created_at, last_attempt_at, last_success_at, last_error, failures
             FROM jma_feeds ",
            $tail
        )
    };
}

pub(super) const FEED: &str = feed!("WHERE url = $1");

pub(super) const FEEDS: &str = feed!("ORDER BY url");

/// The first `created_at` stays: the health check counts from the first attempt.
pub(super) const PUT_FEED: &str = "INSERT INTO jma_feeds (url, etag, last_modified, created_at, last_attempt_at,
        last_success_at, last_error, failures) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
        last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
        last_error = excluded.last_error, failures = excluded.failures";

pub(super) const MARK_SEEN: &str =
    "INSERT INTO jma_seen_entries (entry_id, first_seen_at) VALUES ($1, $2) ON CONFLICT (entry_id) DO NOTHING";

pub(super) const SEEN: &str = "SELECT EXISTS (SELECT 1 FROM jma_seen_entries WHERE entry_id = $1)";
