-- Rate limits shared by every process on the database (API keys, registrations,
-- empty-mail replies): a bucket per key, its level in thousandths of an event and
-- when it was last touched (milliseconds since 1970).
CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    level BIGINT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_buckets_at ON rate_buckets (at);
