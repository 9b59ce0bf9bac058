-- Rate limits shared by every process on the database (API keys, registrations,
-- empty-mail replies): one row per key, the current and the previous window's counts.
CREATE TABLE rate_counters (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    current BIGINT NOT NULL,
    previous BIGINT NOT NULL
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
