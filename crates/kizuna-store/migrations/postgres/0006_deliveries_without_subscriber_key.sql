-- Deleting a resident deleted their deliveries through this key, and with no
-- index on deliveries.subscriber_id that read the whole delivery history once
-- per resident erased; queueing a fan-out also locked every recipient's row to
-- check it. The store now deletes a resident's deliveries itself, through the
-- (notice_id, subscriber_id) key. (SQLite keeps the key: dropping it means
-- rebuilding the table, and a town on SQLite has a small history.)
ALTER TABLE deliveries DROP CONSTRAINT deliveries_subscriber_id_fkey;
