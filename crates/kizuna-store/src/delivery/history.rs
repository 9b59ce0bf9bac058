//! A region's history of settled deliveries, seeded in bulk for
//! `kizuna bench prune`: a fan-out that ended long ago, without sending it.

use chrono::{DateTime, Utc};

use crate::db::PerBackend;
use crate::{Result, SqlStore};

const MARK_SENT: &str = "UPDATE notices SET status = 'sent', sent_at = $2, updated_at = $2 WHERE id = $1";

/// One delivery accepted by the relay at `$2` per active resident.
const SEED_DELIVERIES: &str = "INSERT INTO deliveries (notice_id, subscriber_id, channel, status, priority,
        attempts, next_attempt_at, last_reply, domain, paced, created_at, updated_at, sent_at)
     SELECT $1, s.id, 'email', 'sent', 1, 1, $2, '250', s.domain, FALSE, $2, $2, $2
     FROM subscribers s WHERE s.status = 'active'";

/// One link token per delivery, with a hash as scattered as a real one (64 hex
/// digits), so the token index is written and pruned as it would be.
const SEED_TOKENS: PerBackend = PerBackend {
    sqlite: "INSERT INTO delivery_tokens (token_hash, delivery_id)
        SELECT lower(hex(randomblob(32))), id FROM deliveries WHERE notice_id = $1",
    postgres: "INSERT INTO delivery_tokens (token_hash, delivery_id)
        SELECT md5(id::text) || md5(id::text || 'link'), id FROM deliveries WHERE notice_id = $1",
};

impl SqlStore {
    /// Makes draft notice `notice_id` one that was sent at `at` to every active
    /// resident, each message accepted then and mailed with one link. Returns
    /// how many deliveries it has. For benchmarks: nothing is announced.
    pub async fn seed_settled_notice(&self, notice_id: i64, at: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        tx.query(MARK_SENT).bind(notice_id).bind(at).execute().await?;
        let deliveries = tx.query(SEED_DELIVERIES).bind(notice_id).bind(at).execute().await?;
        tx.query(SEED_TOKENS).bind(notice_id).execute().await?;
        tx.commit().await?;
        Ok(deliveries)
    }

    /// Gathers the planner's statistics, as a database in service has them.
    pub async fn analyze(&self) -> Result<()> {
        self.db.query("ANALYZE").execute().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.db.close().await;
    }
}
