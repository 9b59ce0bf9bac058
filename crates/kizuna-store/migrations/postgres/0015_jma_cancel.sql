-- What a JMA 取消 needs (postgres): the last report read in each series (Control/Title,
-- EditorialOffice, Status and EventID, joined as kizuna_core::jma::SeriesKey), and
-- how each warning or earthquake entry that reading changed stood before, so that a
-- 取消 puts it back. A NULL name (warning) or intensity (earthquake) means the entry
-- did not exist. The notices a report made are found by their source (jma:{report}#n).
CREATE TABLE jma_series (
    series_key TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    title TEXT NOT NULL,
    reported_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jma_series_at ON jma_series (reported_at);

CREATE TABLE jma_series_restores (
    series_key TEXT NOT NULL,
    position BIGINT NOT NULL,
    -- 'warning' (hazard in entry_key) or 'quake' (event id in entry_key)
    kind TEXT NOT NULL,
    exercise BOOLEAN NOT NULL,
    entry_key TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    name TEXT,
    name_en TEXT,
    level TEXT,
    send_mode TEXT,
    intensity TEXT,
    at TIMESTAMPTZ,
    PRIMARY KEY (series_key, position)
);

-- A follow-up may also go to everyone a withdrawn notice reached ('reached'): the
-- 【取消】 notice of a JMA cancellation.
ALTER TABLE notices DROP CONSTRAINT notices_follow_up_audience_check;
ALTER TABLE notices ADD CONSTRAINT notices_follow_up_audience_check
    CHECK (follow_up_audience IN ('unanswered', 'needs_help', 'reached'));
