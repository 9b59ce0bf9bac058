-- Only deliveries still in the queue are looked up by status (is a notice
-- settled, which claims went stale); a message recorded as sent, bounced or
-- cancelled leaves this index instead of adding one more entry to it.
DROP INDEX deliveries_status_notice;
CREATE INDEX deliveries_open ON deliveries (status, notice_id) WHERE status IN ('queued', 'sending', 'deferred');
