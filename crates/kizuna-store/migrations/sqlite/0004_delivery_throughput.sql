-- Fewer writes per message during a fan-out: workers find their batch by the ids
-- the claim returned, so the claim index goes. Queue states are looked up by
-- status first (settled notices, stalled claims), then by notice.
DROP INDEX deliveries_claim;
DROP INDEX deliveries_notice_status;
CREATE INDEX deliveries_status_notice ON deliveries (status, notice_id);
