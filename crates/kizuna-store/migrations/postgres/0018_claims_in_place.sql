-- A claim no longer moves its deliveries to another status: a claimed delivery
-- keeps its status (`queued` or `deferred`) and carries the name of the batch
-- that holds it in `claim_id`; "sending" is read from that. Claiming then
-- changes no column an index holds, so PostgreSQL updates each row in place
-- (a HOT update: no new entry in any of the table's indexes), where the move to
-- `sending` added three index entries per message and took about a quarter of
-- the database's time per message of a million-recipient send.
--
-- An in-place update needs room on the row's page: queueing fills pages half
-- full, and the claim's version of each row fits beside it.
ALTER TABLE deliveries SET (fillfactor = 50);

-- What a claim holds, once per batch rather than on each of its rows: when it
-- expires (stale claims are found here, without an index on the rows' claims),
-- which deliveries it took, and how many of them are not recorded yet (the row
-- goes when that reaches none).
CREATE TABLE delivery_claims (
    claim_id TEXT PRIMARY KEY,
    claimed_until TIMESTAMPTZ NOT NULL,
    delivery_ids BIGINT[] NOT NULL,
    unrecorded BIGINT NOT NULL
);
-- A batch's ids (8 KB for a thousand) are stored aside as they are: compressing
-- them took 1 % of the database's time of a large send.
ALTER TABLE delivery_claims ALTER COLUMN delivery_ids SET STORAGE EXTERNAL;

-- The processes that held claims stopped for this upgrade: what they held goes
-- back to the queue.
UPDATE deliveries SET status = 'queued', claim_id = NULL WHERE status = 'sending';
ALTER TABLE deliveries DROP COLUMN claimed_until;

DROP INDEX deliveries_open;
CREATE INDEX deliveries_open ON deliveries (status, notice_id) WHERE status IN ('queued', 'deferred');
