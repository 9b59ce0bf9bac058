-- A send queues its recipients in chunks, each its own transaction, so that the
-- workers start on the first while the rest are written: the send's own
-- transaction queues the first chunk, and a notice with more to queue has a row
-- here saying where queueing stands — the residents still to queue are those
-- after `after_subscriber` (a subscriber id) among the subscriptions to
-- `municipality_code`, then those of the notice's next municipalities in code
-- order (a follow-up walks the deliveries of the notice it follows instead, and
-- has no municipality). The row goes with the last chunk, or when the notice is
-- cancelled or withdrawn; whichever process resumes takes the next chunk, so a
-- send interrupted between chunks goes on where it stopped.
CREATE TABLE notice_queueing (
    notice_id BIGINT PRIMARY KEY REFERENCES notices (id),
    municipality_code TEXT,
    after_subscriber BIGINT NOT NULL
);

-- A chunk walks one municipality's subscriptions to the notice's category in
-- subscriber order.
DROP INDEX subscriptions_target;
CREATE INDEX subscriptions_target ON subscriptions (municipality_code, category_key, subscriber_id);

-- Queueing a million recipients spent a third of each chunk's time in this key's
-- trigger, one look-up of the notice per delivery. Deliveries are only written
-- by the statements that queue a notice, for the notice the same transaction has
-- just read and holds, and notices are never deleted. (SQLite keeps the key, as
-- migration 0006 says.)
ALTER TABLE deliveries DROP CONSTRAINT deliveries_notice_id_fkey;
