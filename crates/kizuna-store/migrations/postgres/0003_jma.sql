-- JMA poller state (postgres): what the reports said (kizuna_core::jma::JmaState, three
-- tables keyed as there), each feed's conditional-GET and health state, and the feed
-- entries already fetched.
CREATE TABLE jma_processed_reports (
    report_id TEXT PRIMARY KEY,
    reported_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jma_processed_reports_at ON jma_processed_reports (reported_at);

CREATE TABLE jma_active_warnings (
    exercise BOOLEAN NOT NULL,
    hazard TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    level TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    send_mode TEXT NOT NULL,
    PRIMARY KEY (exercise, hazard, municipality_code)
);

CREATE TABLE jma_announced_quakes (
    exercise BOOLEAN NOT NULL,
    event_id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    intensity TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (exercise, event_id, municipality_code)
);
CREATE INDEX jma_announced_quakes_at ON jma_announced_quakes (at);

CREATE TABLE jma_feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_error TEXT,
    failures BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE jma_seen_entries (
    entry_id TEXT PRIMARY KEY,
    first_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX jma_seen_entries_at ON jma_seen_entries (first_seen_at);
