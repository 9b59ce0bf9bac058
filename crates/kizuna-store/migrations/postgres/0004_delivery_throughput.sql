-- Fewer writes per message during a fan-out.
--
-- The token table's foreign key looked up and share-locked the delivery row for
-- every token stored, once more per message; the store now deletes tokens with
-- their deliveries itself. Workers find their batch by the ids the claim
-- returned, so the claim index goes. Queue states are looked up by status first
-- (settled notices, stalled claims), then by notice.
ALTER TABLE delivery_tokens DROP CONSTRAINT delivery_tokens_delivery_id_fkey;
DROP INDEX deliveries_claim;
DROP INDEX deliveries_notice_status;
CREATE INDEX deliveries_status_notice ON deliveries (status, notice_id);
