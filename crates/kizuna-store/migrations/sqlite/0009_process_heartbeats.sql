-- Each running process beats every few seconds; the claims of a process whose
-- beat lapsed are queued again at once instead of after the claim's five minutes.
CREATE TABLE process_heartbeats (
    holder TEXT PRIMARY KEY,
    beat_at TIMESTAMP NOT NULL
);
