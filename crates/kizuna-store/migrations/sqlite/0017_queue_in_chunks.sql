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
    notice_id INTEGER PRIMARY KEY REFERENCES notices (id),
    municipality_code TEXT,
    after_subscriber INTEGER NOT NULL
);

-- A chunk walks one municipality's subscriptions to the notice's category in
-- subscriber order.
DROP INDEX subscriptions_target;
CREATE INDEX subscriptions_target ON subscriptions (municipality_code, category_key, subscriber_id);
