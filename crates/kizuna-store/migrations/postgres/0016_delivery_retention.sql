-- Retention of settled deliveries: the scheduler deletes deliveries settled
-- (sent, bounced, failed, cancelled) longer ago than the retention, with their
-- link tokens and check-in answers, in small batches. What each notice's
-- deleted deliveries counted stays here, by final status, so a notice's
-- delivery counts and the statistics read the same before and after.
CREATE TABLE pruned_delivery_counts (
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    status TEXT NOT NULL CHECK (status IN ('sent', 'bounced', 'failed', 'cancelled')),
    n BIGINT NOT NULL,
    PRIMARY KEY (notice_id, status)
);

-- Every delivery of a notice settled before this time is pruned: the scheduler
-- looks at the notice again a day after, for deliveries that settled late.
ALTER TABLE notices ADD COLUMN deliveries_pruned_until TIMESTAMPTZ;
