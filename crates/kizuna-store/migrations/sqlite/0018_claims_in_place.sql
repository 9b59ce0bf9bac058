-- A claim no longer moves its deliveries to another status: a claimed delivery
-- keeps its status (`queued` or `deferred`) and carries the name of the batch
-- that holds it in `claim_id`; "sending" is read from that. Claiming then
-- changes no column an index holds, so no index entry is moved per message
-- (the move to `sending` rewrote two).
--
-- What a claim holds, once per batch rather than on each of its rows: when it
-- expires (stale claims are found here, without an index on the rows' claims),
-- which deliveries it took (a JSON array of ids), and how many of them are not
-- recorded yet (the row goes when that reaches none).
CREATE TABLE delivery_claims (
    claim_id TEXT PRIMARY KEY,
    claimed_until TIMESTAMP NOT NULL,
    delivery_ids TEXT NOT NULL,
    unrecorded INTEGER NOT NULL
);

-- The process that held claims stopped for this upgrade: what it held goes
-- back to the queue.
UPDATE deliveries SET status = 'queued', claim_id = NULL WHERE status = 'sending';
ALTER TABLE deliveries DROP COLUMN claimed_until;

DROP INDEX deliveries_open;
CREATE INDEX deliveries_open ON deliveries (status, notice_id) WHERE status IN ('queued', 'deferred');
