-- What a JMA 取消 needs (sqlite): the last report read in each series (Control/Title,
-- EditorialOffice, Status and EventID, joined as kizuna_core::jma::SeriesKey), and
-- how each warning or earthquake entry that reading changed stood before, so that a
-- 取消 puts it back. A NULL name (warning) or intensity (earthquake) means the entry
-- did not exist. The notices a report made are found by their source (jma:{report}#n).
CREATE TABLE jma_series (
    series_key TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    title TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
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
    at TIMESTAMP,
    PRIMARY KEY (series_key, position)
);

-- A follow-up may also go to everyone a withdrawn notice reached ('reached'): the
-- 【取消】 notice of a JMA cancellation. SQLite cannot change a CHECK constraint in
-- place, so the column is made again with the wider one.
ALTER TABLE notices ADD COLUMN follow_up_audience_next TEXT
    CHECK (follow_up_audience_next IN ('unanswered', 'needs_help', 'reached'));
UPDATE notices SET follow_up_audience_next = follow_up_audience;
ALTER TABLE notices DROP COLUMN follow_up_audience;
ALTER TABLE notices RENAME COLUMN follow_up_audience_next TO follow_up_audience;
