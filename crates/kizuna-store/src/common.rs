//! The store methods whose SQL reads the same on SQLite and PostgreSQL, written
//! once and expanded for each backend. Both accept `$N` placeholders; where the
//! dialects really differ, the macro calls a method each backend defines itself.

/// The part of the archive's queries shared by the page and its count. Binds: $1
/// municipality, $2 category, $3 and $4 the sending window [from, before), $5–$9
/// LIKE patterns of up to five search words, $10 whether corrected notices are
/// listed, $11 the oldest first publication an obituary may have, $12 the obituary
/// category key.
///
/// Search is a substring scan of `search_text` (NFKC, lower case) with LIKE on both
/// backends: FTS5 trigrams miss two-character words such as 断水 and `pg_trgm`
/// extracts nothing from Japanese under a C locale, while a scan of a few thousand
/// notices a year per region takes milliseconds.
///
/// An obituary ages from its first publication, so a correction of one leaves with
/// it: `lineage` walks each obituary's chain of corrected notices.
macro_rules! archive_sql {
    (select: $select:literal, tail: $tail:literal) => {
        concat!(
            "WITH RECURSIVE lineage (id, ancestor_id, sent_at) AS (
                 SELECT id, supersedes_id, sent_at FROM notices WHERE category_key = $12
                 UNION ALL
                 SELECT l.id, p.supersedes_id, p.sent_at FROM lineage l JOIN notices p ON p.id = l.ancestor_id
             ),
             origins (id, first_sent) AS (SELECT id, MIN(sent_at) FROM lineage GROUP BY id)
             SELECT ",
            $select,
            " FROM notices n
             JOIN categories c ON c.key = n.category_key
             LEFT JOIN origins o ON o.id = n.id
             WHERE n.status IN ('sending', 'sent', 'superseded', 'withdrawn')
               AND ($10 OR n.status <> 'superseded')
               AND c.restricted = FALSE
               AND ($1 IS NULL OR EXISTS (SELECT 1 FROM notice_municipalities nm
                                          WHERE nm.notice_id = n.id AND nm.municipality_code = $1))
               AND ($2 IS NULL OR n.category_key = $2)
               AND ($3 IS NULL OR n.sent_at >= $3)
               AND ($4 IS NULL OR n.sent_at < $4)
               AND ($5 IS NULL OR n.search_text LIKE $5 ESCAPE '\\')
               AND ($6 IS NULL OR n.search_text LIKE $6 ESCAPE '\\')
               AND ($7 IS NULL OR n.search_text LIKE $7 ESCAPE '\\')
               AND ($8 IS NULL OR n.search_text LIKE $8 ESCAPE '\\')
               AND ($9 IS NULL OR n.search_text LIKE $9 ESCAPE '\\')
               AND (n.category_key <> $12 OR COALESCE(o.first_sent, n.sent_at) >= $11) ",
            $tail
        )
    };
}
pub(crate) use archive_sql;

/// `%word%` for LIKE, with the wildcard characters of the word taken literally.
pub(crate) fn like_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Expands the store for one backend. `any_ids` is the condition that a column
/// is in a list of ids bound as `$1` with the backend's `id_list`; `claim_ids`
/// encloses the sub-select of a claim so that the backend looks the chosen rows
/// up by key instead of joining the whole queue against them.
macro_rules! store_impl {
    ($store:ident, $row:ty, $backend:expr, skip_locked: $skip_locked:literal, for_update: $for_update:literal, begin: $begin:literal, any_ids: $any_ids:literal, claim_ids: ($claim_open:literal, $claim_close:literal)) => {
        use std::path::Path;

        use async_trait::async_trait;
        use chrono::{DateTime, Duration, Utc};
        use kizuna_core::consortium::{
            Category, ConsortiumInfo, ConsortiumSeed, CostSharing, Municipality,
        };
        use kizuna_core::jma::{
            ActiveWarning, AnnouncedQuake, Intensity, JmaState, QuakeKey, ReportId, SendMode, StateChange,
            WarningKey, WarningLevel,
        };
        use kizuna_core::notice::{NoticeAction, NoticeSource, NoticeStatus, Urgency};
        use kizuna_core::staff::{ApiRight, Role, Scope};
        use kizuna_core::subscriber::{
            Charset, MailFormat, RegistrationSource, SubscriberStatus, TokenPurpose,
        };
        use kizuna_core::token::TokenHash;
        use kizuna_core::{CategoryKey, JmaAreaCode, Lang, MunicipalityCode};
        use sqlx::Row;

        use std::sync::Arc;

        use crate::records::*;
        use crate::{Backend, Result, Store, StoreError};

        /// Deliveries one send must queue before the queue's statistics are refreshed.
        const QUEUE_STATISTICS_AFTER: u64 = 1000;

        /// Queues one event per active webhook for a notice of a public category
        /// ($1 notice, $2 event, $3 now); staff-only notices never leave by webhook.
        const QUEUE_WEBHOOK_EVENTS: &str = "INSERT INTO webhook_deliveries (webhook_id, notice_id, event, status, attempts,
                next_attempt_at, created_at, updated_at)
             SELECT w.id, n.id, $2, 'queued', 0, $3, $3, $3
             FROM webhooks w CROSS JOIN notices n JOIN categories c ON c.key = n.category_key
             WHERE n.id = $1 AND c.restricted = FALSE AND w.disabled_at IS NULL";

        /// Deliveries of emergencies are claimed first.
        const EMERGENCY_PRIORITY: i64 = 0;
        const NORMAL_PRIORITY: i64 = 1;

        fn corrupt(what: &str, value: &str) -> StoreError {
            StoreError::Corrupt(format!("{what} {value:?}"))
        }

        fn scope_from(code: Option<String>) -> Result<Scope> {
            match code {
                None => Ok(Scope::AllMunicipalities),
                Some(code) => MunicipalityCode::parse(&code)
                    .map(Scope::Municipality)
                    .map_err(|_| corrupt("municipality code", &code)),
            }
        }

        fn rights_from(text: &str) -> Result<Vec<ApiRight>> {
            ApiRight::parse_list(text).map_err(|bad| corrupt("API right", &bad))
        }

        fn rights_to(rights: &[ApiRight]) -> String {
            rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
        }

        impl $store {
            async fn run_migrations(&self) -> Result<()> {
                let migrations = crate::migrate::migrations($backend);
                let latest = crate::migrate::latest($backend);
                let mut tx = self.pool.begin_with($begin).await?;
                Self::migration_lock(&mut tx).await?;
                sqlx::query(crate::migrate::CREATE_TABLE).execute(&mut *tx).await?;
                let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM kizuna_schema")
                    .fetch_one(&mut *tx)
                    .await?;
                let current = current.unwrap_or(0);
                if current > latest {
                    return Err(StoreError::Migration(format!(
                        "the database has schema version {current}, newer than this Kizuna knows ({latest}); run a newer Kizuna"
                    )));
                }
                let applied: Vec<i64> =
                    sqlx::query_scalar("SELECT version FROM kizuna_schema").fetch_all(&mut *tx).await?;
                for (version, name, sql) in crate::migrate::pending(migrations, &applied) {
                    sqlx::raw_sql(*sql)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::Migration(format!("{version} {name}: {e}")))?;
                    sqlx::query("INSERT INTO kizuna_schema (version, name, applied_at) VALUES ($1, $2, $3)")
                        .bind(*version)
                        .bind(*name)
                        .bind(Utc::now().to_rfc3339())
                        .execute(&mut *tx)
                        .await?;
                    tracing::info!(version, name, "applied migration");
                }
                tx.commit().await?;
                Ok(())
            }

            /// Counts a hard bounce against the delivery's subscriber and
            /// suppresses the address once it reaches `suppress_after`.
            async fn count_hard_bounce(
                tx: &mut sqlx::Transaction<'static, <$store as crate::common::HasDb>::Db>,
                delivery_id: i64,
                suppress_after: i64,
                now: DateTime<Utc>,
            ) -> Result<()> {
                let row = sqlx::query(
                    "UPDATE subscribers SET hard_bounces = hard_bounces + 1, updated_at = $2
                     WHERE id = (SELECT subscriber_id FROM deliveries WHERE id = $1)
                     RETURNING id, hard_bounces, email_hash",
                )
                .bind(delivery_id)
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?;
                let Some(row) = row else { return Ok(()) };
                let bounces: i64 = row.try_get("hard_bounces")?;
                if bounces >= suppress_after {
                    let subscriber: i64 = row.try_get("id")?;
                    let hash: String = row.try_get("email_hash")?;
                    sqlx::query("UPDATE subscribers SET status = 'suppressed' WHERE id = $1")
                        .bind(subscriber)
                        .execute(&mut **tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO suppressions (email_hash, reason, created_at)
                         VALUES ($1, 'bounced', $2) ON CONFLICT (email_hash) DO NOTHING",
                    )
                    .bind(hash)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Replaces a subscriber's choices inside the caller's transaction;
            /// repeated choices collapse into one.
            async fn write_subscriptions(
                tx: &mut sqlx::Transaction<'static, <$store as crate::common::HasDb>::Db>,
                subscriber_id: i64,
                subscriptions: &[Subscription],
            ) -> Result<()> {
                sqlx::query("DELETE FROM subscriptions WHERE subscriber_id = $1")
                    .bind(subscriber_id)
                    .execute(&mut **tx)
                    .await?;
                let mut unique = subscriptions.to_vec();
                unique.sort();
                unique.dedup();
                for s in &unique {
                    sqlx::query(
                        "INSERT INTO subscriptions (subscriber_id, municipality_code, category_key, area_id) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(subscriber_id)
                    .bind(s.municipality.as_str())
                    .bind(s.category.as_str())
                    .bind(s.area_id)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            fn staff_from_row(row: &$row) -> Result<StaffAccount> {
                let role: String = row.try_get("role")?;
                let disabled_at: Option<DateTime<Utc>> = row.try_get("disabled_at")?;
                Ok(StaffAccount {
                    id: row.try_get("id")?,
                    email: row.try_get("email")?,
                    password_hash: row.try_get("password_hash")?,
                    scope: scope_from(row.try_get("municipality_code")?)?,
                    role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
                    emergency: row.try_get("emergency")?,
                    must_change_password: row.try_get("must_change_password")?,
                    created_at: row.try_get("created_at")?,
                    disabled: disabled_at.is_some(),
                })
            }

            fn subscriber_from_row(row: &$row) -> Result<Subscriber> {
                let status: String = row.try_get("status")?;
                let format: String = row.try_get("format")?;
                let charset: String = row.try_get("charset")?;
                let source: String = row.try_get("source")?;
                let language: String = row.try_get("language")?;
                Ok(Subscriber {
                    id: row.try_get("id")?,
                    email: row.try_get("email")?,
                    status: SubscriberStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                    language: Lang::from_tag(&language),
                    format: MailFormat::parse(&format).ok_or_else(|| corrupt("format", &format))?,
                    charset: Charset::parse(&charset).ok_or_else(|| corrupt("charset", &charset))?,
                    emergency_only: row.try_get("emergency_only")?,
                    is_staff: row.try_get("is_staff")?,
                    source: RegistrationSource::parse(&source).ok_or_else(|| corrupt("source", &source))?,
                    source_municipality: row.try_get("source_municipality")?,
                    monitor_age_band: row.try_get("monitor_age_band")?,
                    hard_bounces: row.try_get("hard_bounces")?,
                    created_at: row.try_get("created_at")?,
                    confirmed_at: row.try_get("confirmed_at")?,
                })
            }

            fn notice_from_row(row: &$row) -> Result<Notice> {
                let status: String = row.try_get("status")?;
                let source: String = row.try_get("source")?;
                let urgency: String = row.try_get("urgency")?;
                Ok(Notice {
                    id: row.try_get("id")?,
                    status: NoticeStatus::parse(&status).ok_or_else(|| corrupt("notice status", &status))?,
                    source: NoticeSource::parse(&source).ok_or_else(|| corrupt("notice source", &source))?,
                    source_ref: row.try_get("source_ref")?,
                    title: row.try_get("title")?,
                    body: row.try_get("body")?,
                    title_en: row.try_get("title_en")?,
                    body_en: row.try_get("body_en")?,
                    category: row.try_get("category_key")?,
                    municipalities: Vec::new(),
                    area_ids: Vec::new(),
                    urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
                    exercise: row.try_get("exercise")?,
                    expires_at: row.try_get("expires_at")?,
                    send_at: row.try_get("send_at")?,
                    checkin_question: row.try_get("checkin_question")?,
                    supersedes: row.try_get("supersedes_id")?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                    sent_at: row.try_get("sent_at")?,
                })
            }

            fn jma_feed_from_row(row: &$row) -> Result<JmaFeedState> {
                Ok(JmaFeedState {
                    url: row.try_get("url")?,
                    etag: row.try_get("etag")?,
                    last_modified: row.try_get("last_modified")?,
                    created_at: row.try_get("created_at")?,
                    last_attempt_at: row.try_get("last_attempt_at")?,
                    last_success_at: row.try_get("last_success_at")?,
                    last_error: row.try_get("last_error")?,
                    failures: row.try_get("failures")?,
                })
            }

            async fn load_notice_targets(&self, notice: &mut Notice) -> Result<()> {
                notice.municipalities = sqlx::query_scalar(
                    "SELECT nm.municipality_code FROM notice_municipalities nm
                     JOIN municipalities m ON m.code = nm.municipality_code
                     WHERE nm.notice_id = $1 ORDER BY m.position",
                )
                .bind(notice.id)
                .fetch_all(&self.pool)
                .await?;
                notice.area_ids = sqlx::query_scalar("SELECT area_id FROM notice_areas WHERE notice_id = $1 ORDER BY area_id")
                    .bind(notice.id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(())
            }

            /// Writes the notice row of a new draft; the caller decides what a clash of
            /// idempotency keys means. `supersedes` overrides the one in `n`.
            async fn insert_notice_row(
                tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
                n: &NewNotice,
                supersedes: Option<i64>,
                actor: &str,
                now: DateTime<Utc>,
            ) -> std::result::Result<i64, sqlx::Error> {
                let search_text = kizuna_core::text::search_fold(&format!(
                    "{}\n{}\n{}\n{}",
                    n.title.as_str(),
                    n.body.as_str(),
                    n.title_en.as_ref().map_or("", |t| t.as_str()),
                    n.body_en.as_ref().map_or("", |b| b.as_str())
                ));
                sqlx::query_scalar(
                    "INSERT INTO notices (status, source, source_ref, title, body, title_en, body_en, category_key, urgency,
                     exercise, expires_at, send_at, checkin_question, supersedes_id, idempotency_key, search_text,
                     created_by, created_at, updated_at)
                     VALUES ('draft', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
                     RETURNING id",
                )
                .bind(n.source.as_str())
                .bind(n.source_ref.as_deref())
                .bind(n.title.as_str())
                .bind(n.body.as_str())
                .bind(n.title_en.as_ref().map(|t| t.as_str()))
                .bind(n.body_en.as_ref().map(|b| b.as_str()))
                .bind(n.category.as_str())
                .bind(n.urgency.as_str())
                .bind(n.exercise)
                .bind(n.expires_at)
                .bind(n.send_at)
                .bind(n.checkin_question.as_deref())
                .bind(supersedes.or(n.supersedes))
                .bind(n.idempotency_key.as_deref())
                .bind(&search_text)
                .bind(actor)
                .bind(now)
                .fetch_one(&mut **tx)
                .await
            }

            /// Writes a new draft's municipalities, areas and its `create` event.
            async fn insert_notice_targets(
                tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
                id: i64,
                n: &NewNotice,
                actor: &str,
                now: DateTime<Utc>,
            ) -> Result<()> {
                let mut codes: Vec<&str> = n.municipalities.iter().map(|c| c.as_str()).collect();
                codes.sort_unstable();
                codes.dedup();
                for code in codes {
                    sqlx::query("INSERT INTO notice_municipalities (notice_id, municipality_code) VALUES ($1, $2)")
                        .bind(id)
                        .bind(code)
                        .execute(&mut **tx)
                        .await?;
                }
                let mut areas = n.area_ids.clone();
                areas.sort_unstable();
                areas.dedup();
                for area in areas {
                    sqlx::query("INSERT INTO notice_areas (notice_id, area_id) VALUES ($1, $2)")
                        .bind(id)
                        .bind(area)
                        .execute(&mut **tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
                     VALUES ($1, NULL, 'draft', 'create', $2, $3)",
                )
                .bind(id)
                .bind(actor)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Deletes residents with their deliveries and the deliveries' tokens,
            /// which no foreign key removes: the deliveries are found through their
            /// (notice, subscriber) key, one probe per notice, where a search by
            /// subscriber alone would read the whole delivery history.
            async fn delete_subscribers(tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>, ids: &[i64]) -> Result<u64> {
                if ids.is_empty() {
                    return Ok(0);
                }
                let deliveries: Vec<i64> = sqlx::query_scalar(concat!(
                    "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM notices n
                        JOIN deliveries d ON d.notice_id = n.id WHERE d.subscriber_id ",
                    $any_ids,
                    ") RETURNING id"
                ))
                .bind(id_list(ids))
                .fetch_all(&mut **tx)
                .await?;
                if !deliveries.is_empty() {
                    sqlx::query(concat!("DELETE FROM delivery_tokens WHERE delivery_id ", $any_ids))
                        .bind(id_list(&deliveries))
                        .execute(&mut **tx)
                        .await?;
                }
                let done = sqlx::query(concat!("DELETE FROM subscribers WHERE id ", $any_ids))
                    .bind(id_list(ids))
                    .execute(&mut **tx)
                    .await?;
                Ok(done.rows_affected())
            }

            /// A notice that filled the queue changes what the planner should do
            /// with it: walk the queue index in order instead of sorting every
            /// queued row for each batch. The notice is queued either way, so a
            /// failure is only logged.
            async fn after_queueing(&self, queued: u64) {
                if queued < QUEUE_STATISTICS_AFTER {
                    return;
                }
                if let Err(error) = self.refresh_queue_statistics().await {
                    tracing::warn!(%error, queued, "could not refresh the queue's statistics");
                }
            }

            /// Moves a notice to `sending` by `action` and queues one delivery per
            /// matching resident; a notice nobody receives is `sent` at once.
            /// Returns the number of deliveries queued.
            async fn queue_sending(
                tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
                id: i64,
                action: NoticeAction,
                actor: &str,
                now: DateTime<Utc>,
            ) -> Result<u64> {
                let row = sqlx::query(
                    "SELECT n.status, n.urgency, n.supersedes_id, c.emergency, c.restricted
                     FROM notices n JOIN categories c ON c.key = n.category_key WHERE n.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound)?;
                let current: String = row.try_get("status")?;
                let urgency: String = row.try_get("urgency")?;
                let emergency_category: bool = row.try_get("emergency")?;
                let restricted: bool = row.try_get("restricted")?;
                let supersedes: Option<i64> = row.try_get("supersedes_id")?;
                let from = NoticeStatus::parse(&current).ok_or_else(|| corrupt("notice status", &current))?;
                let to = from.apply(action)?;
                if to != NoticeStatus::Sending {
                    return Err(StoreError::Transition(kizuna_core::notice::TransitionError {
                        from,
                        action: action.as_str(),
                    }));
                }
                let done = sqlx::query(
                    "UPDATE notices SET status = 'sending', updated_at = $3, sent_at = COALESCE(sent_at, $3)
                     WHERE id = $1 AND status = $2",
                )
                .bind(id)
                .bind(from.as_str())
                .bind(now)
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(format!("notice {id} changed while {actor} acted on it")));
                }
                sqlx::query(
                    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
                     VALUES ($1, $2, 'sending', $3, $4, $5)",
                )
                .bind(id)
                .bind(from.as_str())
                .bind(action.as_str())
                .bind(actor)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                let priority = if urgency == "emergency" { EMERGENCY_PRIORITY } else { NORMAL_PRIORITY };
                // One set-based statement: a subscription matches the notice's
                // municipality and category, and its area when the notice names
                // areas of that municipality.
                let queued = sqlx::query(
                    "INSERT INTO deliveries (notice_id, subscriber_id, channel, status, priority, attempts,
                        next_attempt_at, domain, paced, created_at, updated_at)
                     SELECT $1, s.id, 'email', 'queued', $2, 0, $3, s.domain,
                        EXISTS (SELECT 1 FROM pacing_rules p WHERE p.domain = s.domain), $3, $3
                     FROM subscribers s
                     WHERE s.status = 'active'
                       AND ($4 = FALSE OR s.is_staff = TRUE)
                       AND ($5 = TRUE OR s.emergency_only = FALSE)
                       AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.email_hash = s.email_hash)
                       AND EXISTS (
                         SELECT 1 FROM subscriptions sub
                         JOIN notice_municipalities nm ON nm.municipality_code = sub.municipality_code
                         JOIN notices n ON n.id = nm.notice_id AND n.category_key = sub.category_key
                         WHERE nm.notice_id = $1 AND sub.subscriber_id = s.id
                           AND (sub.area_id IS NULL
                                OR sub.area_id IN (SELECT na.area_id FROM notice_areas na WHERE na.notice_id = $1)
                                OR NOT EXISTS (SELECT 1 FROM notice_areas na JOIN areas a ON a.id = na.area_id
                                               WHERE na.notice_id = $1 AND a.municipality_code = sub.municipality_code)))
                     ON CONFLICT (notice_id, subscriber_id, channel) DO NOTHING",
                )
                .bind(id)
                .bind(priority)
                .bind(now)
                .bind(restricted)
                .bind(emergency_category)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                let event = if supersedes.is_some() { WebhookEvent::NoticeCorrected } else { WebhookEvent::NoticeSent };
                sqlx::query(QUEUE_WEBHOOK_EVENTS)
                    .bind(id)
                    .bind(event.as_str())
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                if queued == 0 {
                    // Nobody to send to: the notice is sent (published) at once.
                    sqlx::query("UPDATE notices SET status = 'sent', updated_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at, note)
                         VALUES ($1, 'sending', 'sent', 'complete', 'delivery', $2, 'no matching recipients')",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(queued)
            }

            /// Moves a notice by `action` as the lifecycle allows, stopping waiting
            /// deliveries of a cancelled notice and recording the event. Returns the
            /// new status.
            async fn apply_transition(
                tx: &mut sqlx::Transaction<'_, <$row as sqlx::Row>::Database>,
                id: i64,
                action: NoticeAction,
                actor: &str,
                note: Option<&str>,
                now: DateTime<Utc>,
            ) -> Result<NoticeStatus> {
                let current: Option<String> = sqlx::query_scalar("SELECT status FROM notices WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                let current = current.ok_or(StoreError::NotFound)?;
                let from = NoticeStatus::parse(&current).ok_or_else(|| corrupt("notice status", &current))?;
                let to = from.apply(action)?;
                // The status in the WHERE clause makes a concurrent change lose cleanly.
                let done = sqlx::query(
                    "UPDATE notices SET status = $2, updated_at = $4,
                     sent_at = CASE WHEN $2 = 'sending' AND sent_at IS NULL THEN $4 ELSE sent_at END
                     WHERE id = $1 AND status = $3",
                )
                .bind(id)
                .bind(to.as_str())
                .bind(from.as_str())
                .bind(now)
                .execute(&mut **tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(format!("notice {id} changed while {actor} acted on it")));
                }
                if to == NoticeStatus::Withdrawn {
                    sqlx::query(QUEUE_WEBHOOK_EVENTS)
                        .bind(id)
                        .bind(WebhookEvent::NoticeWithdrawn.as_str())
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                if to == NoticeStatus::Cancelled {
                    // Whatever is still waiting stops at once; batches in flight see the status.
                    sqlx::query(
                        "UPDATE deliveries SET status = 'cancelled', updated_at = $2
                         WHERE notice_id = $1 AND status IN ('queued', 'deferred')",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at, note)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(action.as_str())
                .bind(actor)
                .bind(now)
                .bind(note)
                .execute(&mut **tx)
                .await?;
                Ok(to)
            }
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn seed_if_empty(&self, seed: &ConsortiumSeed, now: DateTime<Utc>) -> Result<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                Self::migration_lock(&mut tx).await?;
                let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consortium").fetch_one(&mut *tx).await?;
                if existing > 0 {
                    return Ok(false);
                }
                let CostSharing::FixedThenEqual { fixed } = &seed.cost_sharing;
                sqlx::query(
                    "INSERT INTO consortium (id, name_ja, name_en, jma_prefecture_code, jma_subregion_code,
                     jma_quake_region_code, cost_rule, created_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&seed.info.name_ja)
                .bind(&seed.info.name_en)
                .bind(&seed.info.jma_prefecture_code)
                .bind(&seed.info.jma_subregion_code)
                .bind(&seed.info.jma_quake_region_code)
                .bind("fixed_then_equal")
                .bind(now)
                .execute(&mut *tx)
                .await?;
                for (position, m) in seed.municipalities.iter().enumerate() {
                    let share = fixed.iter().find(|(code, _)| *code == m.code).map(|(_, share)| *share);
                    sqlx::query(
                        "INSERT INTO municipalities (code, jma_area_code, name_ja, name_kana, name_en, sender_local,
                         cost_share, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(m.code.as_str())
                    .bind(m.jma_area_code.as_str())
                    .bind(&m.name_ja)
                    .bind(&m.name_kana)
                    .bind(&m.name_en)
                    .bind(&m.sender_local)
                    .bind(share)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await?;
                    for department in &m.departments {
                        sqlx::query("INSERT INTO departments (municipality_code, name) VALUES ($1, $2)")
                            .bind(m.code.as_str())
                            .bind(department)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                for (position, c) in seed.categories.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO categories (key, name_ja, name_en, emergency, restricted, position)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(c.key.as_str())
                    .bind(&c.name_ja)
                    .bind(&c.name_en)
                    .bind(c.emergency)
                    .bind(c.restricted)
                    .bind(position as i64)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn consortium(&self) -> Result<Option<ConsortiumInfo>> {
                let row = sqlx::query(
                    "SELECT name_ja, name_en, jma_prefecture_code, jma_subregion_code, jma_quake_region_code
                     FROM consortium WHERE id = 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                row.map(|row| {
                    Ok(ConsortiumInfo {
                        name_ja: row.try_get("name_ja")?,
                        name_en: row.try_get("name_en")?,
                        jma_prefecture_code: row.try_get("jma_prefecture_code")?,
                        jma_subregion_code: row.try_get("jma_subregion_code")?,
                        jma_quake_region_code: row.try_get("jma_quake_region_code")?,
                    })
                })
                .transpose()
            }

            async fn cost_sharing(&self) -> Result<CostSharing> {
                let rows = sqlx::query("SELECT code, cost_share FROM municipalities WHERE cost_share IS NOT NULL ORDER BY position")
                    .fetch_all(&self.pool)
                    .await?;
                let mut fixed = Vec::new();
                for row in rows {
                    let code: String = row.try_get("code")?;
                    let share: f64 = row.try_get("cost_share")?;
                    fixed.push((MunicipalityCode::parse(&code).map_err(|_| corrupt("municipality code", &code))?, share));
                }
                Ok(CostSharing::FixedThenEqual { fixed })
            }

            async fn municipalities(&self) -> Result<Vec<Municipality>> {
                let rows = sqlx::query(
                    "SELECT code, jma_area_code, name_ja, name_kana, name_en, sender_local
                     FROM municipalities ORDER BY position",
                )
                .fetch_all(&self.pool)
                .await?;
                let departments = sqlx::query("SELECT municipality_code, name FROM departments ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let code: String = row.try_get("code")?;
                    let jma: String = row.try_get("jma_area_code")?;
                    let mut names = Vec::new();
                    for d in &departments {
                        if d.try_get::<String, _>("municipality_code")? == code {
                            names.push(d.try_get("name")?);
                        }
                    }
                    out.push(Municipality {
                        code: MunicipalityCode::parse(&code).map_err(|_| corrupt("municipality code", &code))?,
                        jma_area_code: JmaAreaCode::parse(&jma).map_err(|_| corrupt("JMA area code", &jma))?,
                        name_ja: row.try_get("name_ja")?,
                        name_kana: row.try_get("name_kana")?,
                        name_en: row.try_get("name_en")?,
                        departments: names,
                        sender_local: row.try_get("sender_local")?,
                    });
                }
                Ok(out)
            }

            async fn categories(&self) -> Result<Vec<Category>> {
                let rows = sqlx::query("SELECT key, name_ja, name_en, emergency, restricted FROM categories ORDER BY position")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let key: String = row.try_get("key")?;
                        Ok(Category {
                            key: CategoryKey::parse(&key).map_err(|_| corrupt("category key", &key))?,
                            name_ja: row.try_get("name_ja")?,
                            name_en: row.try_get("name_en")?,
                            emergency: row.try_get("emergency")?,
                            restricted: row.try_get("restricted")?,
                        })
                    })
                    .collect()
            }

            async fn areas(&self, municipality: &str) -> Result<Vec<Area>> {
                let rows = sqlx::query("SELECT id, municipality_code, name_ja, name_en FROM areas WHERE municipality_code = $1 ORDER BY id")
                    .bind(municipality)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Area {
                            id: row.try_get("id")?,
                            municipality: row.try_get("municipality_code")?,
                            name_ja: row.try_get("name_ja")?,
                            name_en: row.try_get("name_en")?,
                        })
                    })
                    .collect()
            }

            async fn add_area(&self, municipality: &str, name_ja: &str, name_en: &str) -> Result<i64> {
                let id = sqlx::query_scalar("INSERT INTO areas (municipality_code, name_ja, name_en) VALUES ($1, $2, $3) RETURNING id")
                    .bind(municipality)
                    .bind(name_ja)
                    .bind(name_en)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(id)
            }

            async fn create_staff(&self, staff: &NewStaff, now: DateTime<Utc>) -> Result<i64> {
                let id = sqlx::query_scalar(
                    "INSERT INTO staff (email, password_hash, municipality_code, role, emergency, must_change_password, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(staff.email.as_str())
                .bind(&staff.password_hash)
                .bind(staff.scope.municipality().map(|c| c.as_str()))
                .bind(staff.role.as_str())
                .bind(staff.emergency)
                .bind(staff.must_change_password)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok(id)
            }

            async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>> {
                let row = sqlx::query("SELECT * FROM staff WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::staff_from_row).transpose()
            }

            async fn count_staff(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&self.pool).await?)
            }

            async fn create_subscriber(&self, s: &NewSubscriber, now: DateTime<Utc>) -> Result<i64> {
                let confirmed_at = (s.status == SubscriberStatus::Active).then_some(now);
                let id = sqlx::query_scalar(
                    "INSERT INTO subscribers (email, status, language, format, charset, emergency_only, source,
                     source_municipality, monitor_age_band, created_at, updated_at, confirmed_at, pending_expires_at,
                     email_hash, domain)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14) RETURNING id",
                )
                .bind(s.email.as_str())
                .bind(s.status.as_str())
                .bind(s.language.as_str())
                .bind(s.format.as_str())
                .bind(s.charset.as_str())
                .bind(s.emergency_only)
                .bind(s.source.as_str())
                .bind(s.source_municipality.as_ref().map(|c| c.as_str()))
                .bind(s.monitor_age_band.as_deref())
                .bind(now)
                .bind(confirmed_at)
                .bind(s.pending_expires_at)
                .bind(TokenHash::of(s.email.as_str()).as_str())
                .bind(s.email.domain())
                .fetch_one(&self.pool)
                .await?;
                Ok(id)
            }

            async fn subscriber(&self, id: i64) -> Result<Option<Subscriber>> {
                let row = sqlx::query("SELECT * FROM subscribers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::subscriber_from_row).transpose()
            }

            async fn subscriber_by_email(&self, email: &str) -> Result<Option<Subscriber>> {
                let row = sqlx::query("SELECT * FROM subscribers WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::subscriber_from_row).transpose()
            }

            async fn set_subscriber_status(&self, id: i64, status: SubscriberStatus, now: DateTime<Utc>) -> Result<()> {
                let done = sqlx::query(
                    "UPDATE subscribers SET status = $2, updated_at = $3,
                     confirmed_at = CASE WHEN $2 = 'active' AND confirmed_at IS NULL THEN $3 ELSE confirmed_at END,
                     pending_expires_at = CASE WHEN $2 = 'pending' THEN pending_expires_at ELSE NULL END
                     WHERE id = $1",
                )
                .bind(id)
                .bind(status.as_str())
                .bind(now)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn set_subscriber_staff(&self, email: &str, is_staff: bool, now: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query("UPDATE subscribers SET is_staff = $2, updated_at = $3 WHERE email = $1")
                    .bind(email)
                    .bind(is_staff)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn replace_subscriptions(&self, subscriber_id: i64, subscriptions: &[Subscription]) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                Self::write_subscriptions(&mut tx, subscriber_id, subscriptions).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn subscriptions(&self, subscriber_id: i64) -> Result<Vec<Subscription>> {
                let rows = sqlx::query(
                    "SELECT municipality_code, category_key, area_id FROM subscriptions WHERE subscriber_id = $1",
                )
                .bind(subscriber_id)
                .fetch_all(&self.pool)
                .await?;
                let mut out = rows
                    .iter()
                    .map(|row| {
                        let code: String = row.try_get("municipality_code")?;
                        let key: String = row.try_get("category_key")?;
                        Ok(Subscription {
                            municipality: MunicipalityCode::parse(&code).map_err(|_| corrupt("municipality code", &code))?,
                            category: CategoryKey::parse(&key).map_err(|_| corrupt("category key", &key))?,
                            area_id: row.try_get("area_id")?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                out.sort();
                Ok(out)
            }

            async fn erase_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let email: Option<String> = sqlx::query_scalar("SELECT email FROM subscribers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(email) = email else {
                    return Err(StoreError::NotFound);
                };
                sqlx::query(
                    "INSERT INTO suppressions (email_hash, reason, created_at) VALUES ($1, 'erased', $2)
                     ON CONFLICT (email_hash) DO NOTHING",
                )
                .bind(TokenHash::of(&email).as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Self::delete_subscribers(&mut tx, &[id]).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn expire_pending_subscribers(&self, now: DateTime<Utc>) -> Result<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM subscribers WHERE status = 'pending' AND pending_expires_at IS NOT NULL AND pending_expires_at < $1",
                )
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                let done = Self::delete_subscribers(&mut tx, &ids).await?;
                tx.commit().await?;
                Ok(done)
            }

            async fn subscriber_counts(&self) -> Result<Vec<SubscriberCount>> {
                let rows = sqlx::query(
                    "SELECT s.municipality_code, s.category_key, COUNT(DISTINCT s.subscriber_id) AS active
                     FROM subscriptions s JOIN subscribers r ON r.id = s.subscriber_id
                     WHERE r.status = 'active'
                     GROUP BY s.municipality_code, s.category_key
                     ORDER BY s.municipality_code, s.category_key",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(SubscriberCount {
                            municipality: row.try_get("municipality_code")?,
                            category: row.try_get("category_key")?,
                            active: row.try_get("active")?,
                        })
                    })
                    .collect()
            }

            async fn import_subscribers(&self, rows: &[ImportRow], now: DateTime<Utc>) -> Result<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut added = 0;
                for row in rows {
                    let s = &row.subscriber;
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO subscribers (email, status, language, format, charset, emergency_only, source,
                         source_municipality, monitor_age_band, created_at, updated_at, confirmed_at, email_hash, domain)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $11, $12)
                         ON CONFLICT (email) DO NOTHING RETURNING id",
                    )
                    .bind(s.email.as_str())
                    .bind(s.status.as_str())
                    .bind(s.language.as_str())
                    .bind(s.format.as_str())
                    .bind(s.charset.as_str())
                    .bind(s.emergency_only)
                    .bind(s.source.as_str())
                    .bind(s.source_municipality.as_ref().map(|c| c.as_str()))
                    .bind(s.monitor_age_band.as_deref())
                    .bind(now)
                    .bind(TokenHash::of(s.email.as_str()).as_str())
                    .bind(s.email.domain())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else { continue };
                    added += 1;
                    Self::write_subscriptions(&mut tx, id, &row.subscriptions).await?;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn create_link_token(&self, token: &NewLinkToken, now: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO link_tokens (token_hash, purpose, subscriber_id, email, expires_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token.hash.as_str())
                .bind(token.purpose.as_str())
                .bind(token.subscriber_id)
                .bind(token.email.as_deref())
                .bind(token.expires_at)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn link_token(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<Option<LinkToken>> {
                let row = sqlx::query(
                    "SELECT purpose, subscriber_id, email, expires_at, used_at FROM link_tokens
                     WHERE token_hash = $1 AND expires_at > $2",
                )
                .bind(hash.as_str())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|row| {
                    let purpose: String = row.try_get("purpose")?;
                    Ok(LinkToken {
                        purpose: TokenPurpose::parse(&purpose).ok_or_else(|| corrupt("token purpose", &purpose))?,
                        subscriber_id: row.try_get("subscriber_id")?,
                        email: row.try_get("email")?,
                        expires_at: row.try_get("expires_at")?,
                        used_at: row.try_get("used_at")?,
                    })
                })
                .transpose()
            }

            async fn mark_link_token_used(&self, hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE link_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL")
                    .bind(hash.as_str())
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn suppress(&self, email_hash: &TokenHash, reason: &str, now: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO suppressions (email_hash, reason, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (email_hash) DO UPDATE SET reason = excluded.reason",
                )
                .bind(email_hash.as_str())
                .bind(reason)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn is_suppressed(&self, email_hash: &TokenHash) -> Result<bool> {
                let found: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM suppressions WHERE email_hash = $1)")
                    .bind(email_hash.as_str())
                    .fetch_one(&self.pool)
                    .await?;
                Ok(found)
            }

            async fn create_notice(&self, n: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<(Notice, bool)> {
                if let Some(key) = &n.idempotency_key {
                    let earlier: Option<i64> = sqlx::query_scalar("SELECT id FROM notices WHERE idempotency_key = $1")
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await?;
                    if let Some(id) = earlier {
                        return Ok((self.notice(id).await?.ok_or(StoreError::NotFound)?, false));
                    }
                }
                let mut tx = self.pool.begin_with($begin).await?;
                let inserted = Self::insert_notice_row(&mut tx, n, None, actor, now).await;
                let id: i64 = match (inserted, &n.idempotency_key) {
                    (Ok(id), _) => id,
                    // Another request with the same key won the race: answer with its notice.
                    (Err(sqlx::Error::Database(db)), Some(key)) if db.is_unique_violation() => {
                        drop(tx);
                        let id: i64 = sqlx::query_scalar("SELECT id FROM notices WHERE idempotency_key = $1")
                            .bind(key)
                            .fetch_one(&self.pool)
                            .await?;
                        return Ok((self.notice(id).await?.ok_or(StoreError::NotFound)?, false));
                    }
                    (Err(error), _) => return Err(error.into()),
                };
                Self::insert_notice_targets(&mut tx, id, n, actor, now).await?;
                tx.commit().await?;
                Ok((self.notice(id).await?.ok_or(StoreError::NotFound)?, true))
            }

            async fn notice(&self, id: i64) -> Result<Option<Notice>> {
                let row = sqlx::query("SELECT * FROM notices WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let mut notice = Self::notice_from_row(&row)?;
                self.load_notice_targets(&mut notice).await?;
                Ok(Some(notice))
            }

            async fn notice_events(&self, id: i64) -> Result<Vec<NoticeEvent>> {
                let rows = sqlx::query(
                    "SELECT from_status, to_status, action, actor, at, note FROM notice_events WHERE notice_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let from: Option<String> = row.try_get("from_status")?;
                        let to: String = row.try_get("to_status")?;
                        Ok(NoticeEvent {
                            from: match from {
                                Some(from) => Some(NoticeStatus::parse(&from).ok_or_else(|| corrupt("notice status", &from))?),
                                None => None,
                            },
                            to: NoticeStatus::parse(&to).ok_or_else(|| corrupt("notice status", &to))?,
                            action: row.try_get("action")?,
                            actor: row.try_get("actor")?,
                            at: row.try_get("at")?,
                            note: row.try_get("note")?,
                        })
                    })
                    .collect()
            }

            async fn transition_notice(
                &self,
                id: i64,
                action: NoticeAction,
                actor: &str,
                note: Option<&str>,
                now: DateTime<Utc>,
            ) -> Result<Notice> {
                let mut tx = self.pool.begin_with($begin).await?;
                Self::apply_transition(&mut tx, id, action, actor, note, now).await?;
                tx.commit().await?;
                self.notice(id).await?.ok_or(StoreError::NotFound)
            }

            async fn due_scheduled_notices(&self, now: DateTime<Utc>) -> Result<Vec<i64>> {
                Ok(sqlx::query_scalar("SELECT id FROM notices WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at")
                    .bind(now)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn sync_pacing_rules(&self, rules: &[PacingRule]) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query("DELETE FROM pacing_rules").execute(&mut *tx).await?;
                for rule in rules {
                    sqlx::query("INSERT INTO pacing_rules (domain, per_minute) VALUES ($1, $2)")
                        .bind(rule.domain.to_ascii_lowercase())
                        .bind(rule.per_minute)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn start_sending(
                &self,
                id: i64,
                action: NoticeAction,
                actor: &str,
                now: DateTime<Utc>,
            ) -> Result<(Notice, u64)> {
                let mut tx = self.pool.begin_with($begin).await?;
                let queued = Self::queue_sending(&mut tx, id, action, actor, now).await?;
                Self::announce_work(&mut tx).await?;
                tx.commit().await?;
                self.after_queueing(queued).await;
                let notice = self.notice(id).await?.ok_or(StoreError::NotFound)?;
                Ok((notice, queued))
            }

            async fn claim_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedDelivery>> {
                let now = request.now;
                let until = now + request.claim_ttl;
                // Pacing counts claims per wall-clock minute.
                let window = DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0).unwrap_or(now);
                let mut tx = self.pool.begin_with($begin).await?;
                let mut remaining = request.batch_size.max(1);
                let mut claimed: Vec<$row> = Vec::with_capacity(remaining as usize);
                let paced = sqlx::query(
                    "SELECT d.domain, MIN(p.per_minute) AS per_minute
                     FROM deliveries d LEFT JOIN pacing_rules p ON p.domain = d.domain
                     WHERE d.paced = TRUE AND d.status IN ('queued', 'deferred') AND d.next_attempt_at <= $1
                     GROUP BY d.domain",
                )
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                for row in paced {
                    if remaining == 0 {
                        break;
                    }
                    let domain: String = row.try_get("domain")?;
                    let per_minute: Option<i64> = row.try_get("per_minute")?;
                    sqlx::query(
                        "INSERT INTO pacing_windows (domain, window_start, claimed) VALUES ($1, $2, 0)
                         ON CONFLICT (domain, window_start) DO NOTHING",
                    )
                    .bind(&domain)
                    .bind(window)
                    .execute(&mut *tx)
                    .await?;
                    let used: i64 = sqlx::query_scalar(concat!(
                        "SELECT claimed FROM pacing_windows WHERE domain = $1 AND window_start = $2 ",
                        $for_update
                    ))
                    .bind(&domain)
                    .bind(window)
                    .fetch_one(&mut *tx)
                    .await?;
                    // A domain whose rule was removed keeps its flag but has no limit.
                    let budget = per_minute.map_or(remaining, |limit| (limit - used).max(0)).min(remaining);
                    if budget == 0 {
                        continue;
                    }
                    let rows = sqlx::query(concat!(
                        "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claim_id = $1,
                            claimed_until = $2, updated_at = $3
                         WHERE id ",
                        $claim_open,
                        "SELECT id FROM deliveries
                            WHERE paced = TRUE AND domain = $4 AND status IN ('queued', 'deferred')
                              AND next_attempt_at <= $3
                            ORDER BY priority, id LIMIT $5 ",
                        $skip_locked,
                        $claim_close,
                        " RETURNING id, notice_id, subscriber_id, attempts, created_at, priority"
                    ))
                    .bind(&request.claim_id)
                    .bind(until)
                    .bind(now)
                    .bind(&domain)
                    .bind(budget)
                    .fetch_all(&mut *tx)
                    .await?;
                    let taken = rows.len() as i64;
                    claimed.extend(rows);
                    sqlx::query(
                        "UPDATE pacing_windows SET claimed = claimed + $3 WHERE domain = $1 AND window_start = $2",
                    )
                    .bind(&domain)
                    .bind(window)
                    .bind(taken)
                    .execute(&mut *tx)
                    .await?;
                    remaining -= taken;
                }
                if remaining > 0 {
                    let rows = sqlx::query(concat!(
                        "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claim_id = $1,
                            claimed_until = $2, updated_at = $3
                         WHERE id ",
                        $claim_open,
                        "SELECT id FROM deliveries
                            WHERE paced = FALSE AND status IN ('queued', 'deferred') AND next_attempt_at <= $3
                            ORDER BY priority, id LIMIT $4 ",
                        $skip_locked,
                        $claim_close,
                        " RETURNING id, notice_id, subscriber_id, attempts, created_at, priority"
                    ))
                    .bind(&request.claim_id)
                    .bind(until)
                    .bind(now)
                    .bind(remaining)
                    .fetch_all(&mut *tx)
                    .await?;
                    claimed.extend(rows);
                }
                if claimed.is_empty() {
                    tx.commit().await?;
                    return Ok(Vec::new());
                }
                // Looked up by key: joined in SQL, PostgreSQL would rather hash the
                // whole subscribers table for every batch.
                let mut subscriber_ids = Vec::with_capacity(claimed.len());
                for row in &claimed {
                    subscriber_ids.push(row.try_get::<i64, _>("subscriber_id")?);
                }
                let residents: std::collections::HashMap<i64, $row> = sqlx::query(concat!(
                    "SELECT id, email, language, format, charset FROM subscribers WHERE id ",
                    $any_ids
                ))
                .bind(id_list(&subscriber_ids))
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|row| Ok((row.try_get::<i64, _>("id")?, row)))
                .collect::<Result<_>>()?;
                tx.commit().await?;
                let mut batch = Vec::with_capacity(claimed.len());
                for row in &claimed {
                    let subscriber_id: i64 = row.try_get("subscriber_id")?;
                    // Subscribers are deleted with their deliveries (a cascade), so this
                    // cannot happen while the key holds; one such row does not stop the batch.
                    let Some(resident) = residents.get(&subscriber_id) else {
                        let delivery: i64 = row.try_get("id")?;
                        tracing::error!(delivery, subscriber_id, "a claimed delivery has no subscriber");
                        continue;
                    };
                    let format: String = resident.try_get("format")?;
                    let charset: String = resident.try_get("charset")?;
                    let language: String = resident.try_get("language")?;
                    let priority: i64 = row.try_get("priority")?;
                    batch.push((
                        priority,
                        ClaimedDelivery {
                            id: row.try_get("id")?,
                            notice_id: row.try_get("notice_id")?,
                            subscriber_id,
                            attempts: row.try_get("attempts")?,
                            created_at: row.try_get("created_at")?,
                            email: resident.try_get("email")?,
                            language: Lang::from_tag(&language),
                            format: MailFormat::parse(&format).ok_or_else(|| corrupt("format", &format))?,
                            charset: Charset::parse(&charset).ok_or_else(|| corrupt("charset", &charset))?,
                        },
                    ));
                }
                batch.sort_unstable_by_key(|(priority, delivery)| (*priority, delivery.id));
                Ok(batch.into_iter().map(|(_, delivery)| delivery).collect())
            }

            async fn store_delivery_tokens(&self, tokens: &[(i64, TokenHash)]) -> Result<()> {
                if tokens.is_empty() {
                    return Ok(());
                }
                self.insert_tokens(tokens).await
            }

            async fn record_delivery_outcomes(
                &self,
                claim_id: &str,
                outcomes: &[DeliveryOutcome],
                suppress_after: i64,
                now: DateTime<Utc>,
            ) -> Result<Vec<i64>> {
                if outcomes.is_empty() {
                    return Ok(Vec::new());
                }
                let sent: Vec<i64> = outcomes
                    .iter()
                    .filter(|o| matches!(o.result, DeliveryResult::Sent))
                    .map(|o| o.delivery_id)
                    .collect();
                let mut tx = self.pool.begin_with($begin).await?;
                // The notices this batch wrote to, which may now be settled.
                let mut notices = std::collections::BTreeSet::new();
                for outcome in outcomes {
                    let (status, reply, next): (&str, Option<&str>, Option<DateTime<Utc>>) = match &outcome.result {
                        DeliveryResult::Sent => continue,
                        DeliveryResult::Deferred { reply, next_attempt_at } => {
                            ("deferred", Some(reply.as_str()), Some(*next_attempt_at))
                        }
                        DeliveryResult::Bounced { reply } => ("bounced", Some(reply.as_str()), None),
                        DeliveryResult::Failed { reply } => ("failed", Some(reply.as_str()), None),
                        DeliveryResult::Cancelled => ("cancelled", None, None),
                        DeliveryResult::Released => ("queued", None, None),
                    };
                    let released = matches!(outcome.result, DeliveryResult::Released);
                    let notice: Option<i64> = sqlx::query_scalar(
                        "UPDATE deliveries SET status = $3, last_reply = COALESCE($4, last_reply),
                            next_attempt_at = COALESCE($5, next_attempt_at), updated_at = $6,
                            attempts = CASE WHEN $7 THEN attempts - 1 ELSE attempts END,
                            claim_id = NULL, claimed_until = NULL
                         WHERE id = $1 AND claim_id = $2
                         RETURNING notice_id",
                    )
                    .bind(outcome.delivery_id)
                    .bind(claim_id)
                    .bind(status)
                    .bind(reply)
                    .bind(next)
                    .bind(now)
                    .bind(released)
                    .fetch_optional(&mut *tx)
                    .await?;
                    notices.extend(notice);
                    if matches!(outcome.result, DeliveryResult::Bounced { .. }) {
                        Self::count_hard_bounce(&mut tx, outcome.delivery_id, suppress_after, now).await?;
                    }
                }
                if !sent.is_empty() {
                    // The claim in the WHERE clause keeps a worker that lost its claim from
                    // writing (a released or recorded row has none, a re-claimed one another).
                    let marked: Vec<i64> = sqlx::query_scalar(concat!(
                        "UPDATE deliveries SET status = 'sent', sent_at = $3, updated_at = $3, last_reply = '250',
                            claim_id = NULL, claimed_until = NULL
                         WHERE id ",
                        $any_ids,
                        " AND claim_id = $2
                         RETURNING notice_id"
                    ))
                    .bind(id_list(&sent))
                    .bind(claim_id)
                    .bind(now)
                    .fetch_all(&mut *tx)
                    .await?;
                    if marked.len() != sent.len() {
                        let marked = marked.len();
                        tracing::error!(claim_id, marked, sent = sent.len(), "a batch recorded a different number of sent messages");
                    }
                    notices.extend(marked);
                }
                let mut completed = Vec::new();
                for notice in notices {
                    let done = sqlx::query(
                        "UPDATE notices SET status = 'sent', updated_at = $2
                         WHERE id = $1 AND status = 'sending'
                           AND NOT EXISTS (SELECT 1 FROM deliveries WHERE notice_id = $1
                                           AND status IN ('queued', 'sending', 'deferred'))",
                    )
                    .bind(notice)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        sqlx::query(
                            "INSERT INTO notice_events (notice_id, from_status, to_status, action, actor, at)
                             VALUES ($1, 'sending', 'sent', 'complete', 'delivery', $2)",
                        )
                        .bind(notice)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        completed.push(notice);
                    }
                }
                tx.commit().await?;
                Ok(completed)
            }

            async fn release_stale_claims(&self, now: DateTime<Utc>) -> Result<u64> {
                // The IN term names the open-deliveries index, which SQLite only
                // uses when the query repeats its condition.
                let done = sqlx::query(
                    "UPDATE deliveries SET status = 'queued', claim_id = NULL, claimed_until = NULL, updated_at = $1
                     WHERE status IN ('queued', 'sending', 'deferred') AND status = 'sending' AND claimed_until < $1",
                )
                .bind(now)
                .execute(&self.pool)
                .await?;
                sqlx::query("DELETE FROM pacing_windows WHERE window_start < $1")
                    .bind(now - Duration::hours(1))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn record_late_bounce(
                &self,
                delivery_id: i64,
                reply: &str,
                suppress_after: i64,
                now: DateTime<Utc>,
            ) -> Result<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let done = sqlx::query(
                    "UPDATE deliveries SET status = 'bounced', last_reply = $2, updated_at = $3
                     WHERE id = $1 AND status IN ('sent', 'deferred', 'failed')",
                )
                .bind(delivery_id)
                .bind(reply)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                Self::count_hard_bounce(&mut tx, delivery_id, suppress_after, now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn delivery_counts(&self, notice_id: i64) -> Result<DeliveryCounts> {
                let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM deliveries WHERE notice_id = $1 GROUP BY status")
                    .bind(notice_id)
                    .fetch_all(&self.pool)
                    .await?;
                let mut counts = DeliveryCounts::default();
                for row in rows {
                    let status: String = row.try_get("status")?;
                    let n: i64 = row.try_get("n")?;
                    counts.total += n;
                    match status.as_str() {
                        "queued" => counts.queued += n,
                        "sending" => counts.sending += n,
                        "sent" => counts.sent += n,
                        "deferred" => counts.deferred += n,
                        "bounced" => counts.bounced += n,
                        "failed" => counts.failed += n,
                        "cancelled" => counts.cancelled += n,
                        other => return Err(corrupt("delivery status", other)),
                    }
                }
                Ok(counts)
            }

            async fn delivery_by_token(&self, hash: &TokenHash) -> Result<Option<DeliveryRef>> {
                let row = sqlx::query(
                    "SELECT d.id, d.notice_id, d.subscriber_id FROM delivery_tokens t
                     JOIN deliveries d ON d.id = t.delivery_id WHERE t.token_hash = $1",
                )
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|row| {
                    Ok(DeliveryRef {
                        delivery_id: row.try_get("id")?,
                        notice_id: row.try_get("notice_id")?,
                        subscriber_id: row.try_get("subscriber_id")?,
                    })
                })
                .transpose()
            }

            async fn oldest_waiting_emergency(&self) -> Result<Option<DateTime<Utc>>> {
                Ok(sqlx::query_scalar(
                    "SELECT MIN(created_at) FROM deliveries WHERE priority = 0 AND status IN ('queued', 'deferred')",
                )
                .fetch_one(&self.pool)
                .await?)
            }

            async fn listen_for_deliveries(&self, notify: Arc<tokio::sync::Notify>) -> Result<()> {
                self.listen(notify).await
            }

            async fn record_audit(&self, e: &NewAuditEntry, now: DateTime<Utc>) -> Result<()> {
                sqlx::query("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
                    .bind(now)
                    .bind(&e.actor)
                    .bind(&e.action)
                    .bind(&e.subject)
                    .bind(&e.detail)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>> {
                let rows = sqlx::query("SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(AuditEntry {
                            id: row.try_get("id")?,
                            at: row.try_get("at")?,
                            actor: row.try_get("actor")?,
                            action: row.try_get("action")?,
                            subject: row.try_get("subject")?,
                            detail: row.try_get("detail")?,
                        })
                    })
                    .collect()
            }

            async fn create_api_key(&self, key: &NewApiKey, now: DateTime<Utc>) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO api_keys (prefix, key_hash, municipality_code, rights, label, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(&key.prefix)
                .bind(key.hash.as_str())
                .bind(key.scope.municipality().map(|c| c.as_str()))
                .bind(rights_to(&key.rights))
                .bind(&key.label)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn api_key_by_hash(&self, hash: &TokenHash) -> Result<Option<ApiKey>> {
                let row = sqlx::query(
                    "SELECT id, prefix, municipality_code, rights, label, created_at, revoked_at FROM api_keys WHERE key_hash = $1",
                )
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|row| {
                    let rights: String = row.try_get("rights")?;
                    Ok(ApiKey {
                        id: row.try_get("id")?,
                        prefix: row.try_get("prefix")?,
                        scope: scope_from(row.try_get("municipality_code")?)?,
                        rights: rights_from(&rights)?,
                        label: row.try_get("label")?,
                        created_at: row.try_get("created_at")?,
                        revoked_at: row.try_get("revoked_at")?,
                    })
                })
                .transpose()
            }

            async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn try_acquire_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, ttl: Duration) -> Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                     WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
                )
                .bind(name)
                .bind(holder)
                .bind(now + ttl)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
                sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                    .bind(name)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn backup(&self, path: &Path) -> Result<()> {
                self.backup_to(path).await
            }

            async fn archive_notices(&self, query: &ArchiveQuery) -> Result<ArchivePage> {
                let words: Vec<String> = query
                    .search
                    .as_ref()
                    .map(|search| search.words().iter().map(|w| crate::common::like_pattern(w)).collect())
                    .unwrap_or_default();
                let word = |i: usize| words.get(i).cloned();
                let from = query.sent_from.map(kizuna_core::time::start_of_tokyo_day);
                let before = query.sent_until.and_then(|day| day.succ_opt()).map(kizuna_core::time::start_of_tokyo_day);
                let obituary_cutoff = query.now - Duration::days(i64::from(query.obituary_days));
                macro_rules! bind_filters {
                    ($q:expr) => {
                        $q.bind(query.municipality.as_ref().map(|c| c.as_str()))
                            .bind(query.category.as_ref().map(|c| c.as_str()))
                            .bind(from)
                            .bind(before)
                            .bind(word(0))
                            .bind(word(1))
                            .bind(word(2))
                            .bind(word(3))
                            .bind(word(4))
                            .bind(query.include_superseded)
                            .bind(obituary_cutoff)
                            .bind(kizuna_core::cap::OBITUARY_CATEGORY)
                    };
                }
                let total: i64 =
                    bind_filters!(sqlx::query_scalar(crate::common::archive_sql!(select: "COUNT(*)", tail: "")))
                        .fetch_one(&self.pool)
                        .await?;
                let rows = bind_filters!(sqlx::query(crate::common::archive_sql!(
                    select: "n.*",
                    tail: "ORDER BY n.sent_at DESC, n.id DESC LIMIT $13 OFFSET $14"
                )))
                .bind(query.limit.clamp(1, 500))
                .bind(query.offset.max(0))
                .fetch_all(&self.pool)
                .await?;
                let mut notices = Vec::with_capacity(rows.len());
                for row in &rows {
                    let mut notice = Self::notice_from_row(row)?;
                    self.load_notice_targets(&mut notice).await?;
                    notices.push(notice);
                }
                Ok(ArchivePage { notices, total })
            }

            async fn correction_of(&self, id: i64) -> Result<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT id FROM notices WHERE supersedes_id = $1
                     AND status IN ('sending', 'sent', 'superseded', 'withdrawn') ORDER BY id LIMIT 1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn create_webhook(&self, webhook: &NewWebhook, now: DateTime<Utc>) -> Result<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO webhooks (url, secret, allow_private, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&webhook.url)
                .bind(&webhook.secret)
                .bind(webhook.allow_private)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn webhooks(&self) -> Result<Vec<Webhook>> {
                let rows = sqlx::query(
                    "SELECT w.id, w.url, w.allow_private, w.created_at, w.disabled_at,
                        (SELECT d.status FROM webhook_deliveries d WHERE d.webhook_id = w.id
                         ORDER BY d.id DESC LIMIT 1) AS last_status,
                        (SELECT d.updated_at FROM webhook_deliveries d WHERE d.webhook_id = w.id
                         ORDER BY d.id DESC LIMIT 1) AS last_at
                     FROM webhooks w ORDER BY w.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let last_status: Option<String> = row.try_get("last_status")?;
                        let last_at: Option<DateTime<Utc>> = row.try_get("last_at")?;
                        let last_delivery = match (last_status, last_at) {
                            (Some(status), Some(at)) => Some((
                                WebhookDeliveryStatus::parse(&status)
                                    .ok_or_else(|| corrupt("webhook delivery status", &status))?,
                                at,
                            )),
                            _ => None,
                        };
                        Ok(Webhook {
                            id: row.try_get("id")?,
                            url: row.try_get("url")?,
                            allow_private: row.try_get("allow_private")?,
                            created_at: row.try_get("created_at")?,
                            removed_at: row.try_get("disabled_at")?,
                            last_delivery,
                        })
                    })
                    .collect()
            }

            async fn remove_webhook(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let done = sqlx::query("UPDATE webhooks SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE webhook_deliveries SET status = 'cancelled', updated_at = $2
                     WHERE webhook_id = $1 AND status = 'queued'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn claim_webhook_deliveries(&self, request: &ClaimRequest) -> Result<Vec<ClaimedWebhookDelivery>> {
                let now = request.now;
                let mut tx = self.pool.begin_with($begin).await?;
                // An event still `sending` past its claim belongs to a sender that died.
                sqlx::query(concat!(
                    "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, claim_id = $1,
                        claimed_until = $2, updated_at = $3
                     WHERE id IN (SELECT id FROM webhook_deliveries
                        WHERE (status = 'queued' AND next_attempt_at <= $3)
                           OR (status = 'sending' AND claimed_until < $3)
                        ORDER BY next_attempt_at, id LIMIT $4 ",
                    $skip_locked,
                    ")"
                ))
                .bind(&request.claim_id)
                .bind(now + request.claim_ttl)
                .bind(now)
                .bind(request.batch_size.max(1))
                .execute(&mut *tx)
                .await?;
                let rows = sqlx::query(
                    "SELECT d.id, d.webhook_id, w.url, w.secret, w.allow_private, d.notice_id, d.event, d.attempts
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                     WHERE d.claim_id = $1 AND d.status = 'sending' ORDER BY d.id",
                )
                .bind(&request.claim_id)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                rows.iter()
                    .map(|row| {
                        let event: String = row.try_get("event")?;
                        Ok(ClaimedWebhookDelivery {
                            id: row.try_get("id")?,
                            webhook_id: row.try_get("webhook_id")?,
                            url: row.try_get("url")?,
                            secret: row.try_get("secret")?,
                            allow_private: row.try_get("allow_private")?,
                            notice_id: row.try_get("notice_id")?,
                            event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("webhook event", &event))?,
                            attempts: row.try_get("attempts")?,
                        })
                    })
                    .collect()
            }

            async fn record_webhook_outcomes(
                &self,
                claim_id: &str,
                outcomes: &[WebhookOutcome],
                now: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                for outcome in outcomes {
                    let (status, next): (&str, Option<DateTime<Utc>>) = match &outcome.result {
                        WebhookResult::Sent => ("sent", None),
                        WebhookResult::Retry { next_attempt_at } => ("queued", Some(*next_attempt_at)),
                        WebhookResult::Failed => ("failed", None),
                        WebhookResult::Cancelled => ("cancelled", None),
                    };
                    let attempted = !matches!(outcome.result, WebhookResult::Cancelled);
                    if attempted {
                        // The claim in the WHERE clause keeps a sender that lost its claim from writing.
                        sqlx::query(
                            "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error)
                             SELECT id, attempts, $3, $4, $5 FROM webhook_deliveries WHERE id = $1 AND claim_id = $2",
                        )
                        .bind(outcome.delivery_id)
                        .bind(claim_id)
                        .bind(now)
                        .bind(outcome.status_code)
                        .bind(outcome.error.as_deref())
                        .execute(&mut *tx)
                        .await?;
                    }
                    sqlx::query(
                        "UPDATE webhook_deliveries SET status = $3, next_attempt_at = COALESCE($4, next_attempt_at),
                            last_status_code = CASE WHEN $5 THEN $6 ELSE last_status_code END,
                            last_error = CASE WHEN $5 THEN $7 ELSE last_error END,
                            attempts = CASE WHEN $5 THEN attempts ELSE attempts - 1 END,
                            claim_id = NULL, claimed_until = NULL, updated_at = $8
                         WHERE id = $1 AND claim_id = $2",
                    )
                    .bind(outcome.delivery_id)
                    .bind(claim_id)
                    .bind(status)
                    .bind(next)
                    .bind(attempted)
                    .bind(outcome.status_code)
                    .bind(outcome.error.as_deref())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn webhook_log(&self, webhook_id: i64, limit: i64) -> Result<Vec<WebhookDelivery>> {
                let limit = limit.clamp(1, 1000);
                let rows = sqlx::query(
                    "SELECT id, webhook_id, notice_id, event, status, attempts, next_attempt_at, last_status_code,
                        last_error, created_at, updated_at
                     FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(webhook_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                let attempts = sqlx::query(
                    "SELECT delivery_id, attempt, at, status_code, error FROM webhook_attempts
                     WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE webhook_id = $1
                                           ORDER BY id DESC LIMIT $2)
                     ORDER BY delivery_id, attempt, id",
                )
                .bind(webhook_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                let mut log = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id: i64 = row.try_get("id")?;
                    let event: String = row.try_get("event")?;
                    let status: String = row.try_get("status")?;
                    let mut attempt_log = Vec::new();
                    for a in &attempts {
                        if a.try_get::<i64, _>("delivery_id")? == id {
                            attempt_log.push(WebhookAttempt {
                                attempt: a.try_get("attempt")?,
                                at: a.try_get("at")?,
                                status_code: a.try_get("status_code")?,
                                error: a.try_get("error")?,
                            });
                        }
                    }
                    log.push(WebhookDelivery {
                        id,
                        webhook_id: row.try_get("webhook_id")?,
                        notice_id: row.try_get("notice_id")?,
                        event: WebhookEvent::parse(&event).ok_or_else(|| corrupt("webhook event", &event))?,
                        status: WebhookDeliveryStatus::parse(&status)
                            .ok_or_else(|| corrupt("webhook delivery status", &status))?,
                        attempts: row.try_get("attempts")?,
                        next_attempt_at: row.try_get("next_attempt_at")?,
                        last_status_code: row.try_get("last_status_code")?,
                        last_error: row.try_get("last_error")?,
                        created_at: row.try_get("created_at")?,
                        updated_at: row.try_get("updated_at")?,
                        attempt_log,
                    });
                }
                Ok(log)
            }


            async fn save_pending_registration(
                &self,
                r: &PendingRegistration,
                now: DateTime<Utc>,
            ) -> Result<PendingOutcome> {
                let mut tx = self.pool.begin_with($begin).await?;
                // One statement decides, so two submissions at once cannot both insert.
                let saved: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO subscribers (email, status, language, format, charset, emergency_only, source,
                     source_municipality, created_at, updated_at, pending_expires_at, email_hash, domain)
                     VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)
                     ON CONFLICT (email) DO UPDATE SET status = 'pending', language = excluded.language,
                       format = excluded.format, charset = excluded.charset,
                       emergency_only = excluded.emergency_only, source = excluded.source,
                       source_municipality = excluded.source_municipality, updated_at = excluded.updated_at,
                       pending_expires_at = excluded.pending_expires_at
                     WHERE subscribers.status <> 'active'
                     RETURNING id",
                )
                .bind(r.email.as_str())
                .bind(r.preferences.language.as_str())
                .bind(r.preferences.format.as_str())
                .bind(r.preferences.charset.as_str())
                .bind(r.preferences.emergency_only)
                .bind(r.source.as_str())
                .bind(r.source_municipality.as_ref().map(|c| c.as_str()))
                .bind(now)
                .bind(r.expires_at)
                .bind(TokenHash::of(r.email.as_str()).as_str())
                .bind(r.email.domain())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = saved else {
                    let id: i64 = sqlx::query_scalar("SELECT id FROM subscribers WHERE email = $1")
                        .bind(r.email.as_str())
                        .fetch_one(&mut *tx)
                        .await?;
                    return Ok(PendingOutcome::AlreadyActive { subscriber_id: id });
                };
                Self::write_subscriptions(&mut tx, id, &r.subscriptions).await?;
                sqlx::query(
                    "INSERT INTO link_tokens (token_hash, purpose, subscriber_id, expires_at, created_at)
                     VALUES ($1, 'confirm', $2, $3, $4)",
                )
                .bind(r.token.as_str())
                .bind(id)
                .bind(r.expires_at)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(PendingOutcome::Saved { subscriber_id: id })
            }

            async fn confirm_registration(&self, token: &TokenHash, now: DateTime<Utc>) -> Result<ConfirmOutcome> {
                let mut tx = self.pool.begin_with($begin).await?;
                let row = sqlx::query(
                    "SELECT t.used_at, s.id, s.status, s.email_hash, s.pending_expires_at
                     FROM link_tokens t JOIN subscribers s ON s.id = t.subscriber_id
                     WHERE t.token_hash = $1 AND t.purpose = 'confirm' AND t.expires_at > $2",
                )
                .bind(token.as_str())
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    return Ok(ConfirmOutcome::Invalid);
                };
                let id: i64 = row.try_get("id")?;
                let status: String = row.try_get("status")?;
                let used_at: Option<DateTime<Utc>> = row.try_get("used_at")?;
                let lapses: Option<DateTime<Utc>> = row.try_get("pending_expires_at")?;
                if status == SubscriberStatus::Active.as_str() {
                    return Ok(ConfirmOutcome::AlreadyConfirmed { subscriber_id: id });
                }
                let waiting = status == SubscriberStatus::Pending.as_str()
                    && used_at.is_none()
                    && lapses.is_none_or(|at| at > now);
                if !waiting {
                    return Ok(ConfirmOutcome::Invalid);
                }
                let done = sqlx::query(
                    "UPDATE subscribers SET status = 'active', confirmed_at = $2, updated_at = $2,
                     pending_expires_at = NULL, hard_bounces = 0
                     WHERE id = $1 AND status = 'pending'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    // Another request confirmed it between our read and write.
                    return Ok(ConfirmOutcome::AlreadyConfirmed { subscriber_id: id });
                }
                let email_hash: String = row.try_get("email_hash")?;
                sqlx::query("DELETE FROM suppressions WHERE email_hash = $1").bind(&email_hash).execute(&mut *tx).await?;
                sqlx::query("UPDATE link_tokens SET used_at = $2 WHERE token_hash = $1")
                    .bind(token.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(ConfirmOutcome::Confirmed { subscriber_id: id })
            }

            async fn update_preferences(
                &self,
                id: i64,
                p: &Preferences,
                subscriptions: &[Subscription],
                now: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                let done = sqlx::query(
                    "UPDATE subscribers SET language = $2, format = $3, charset = $4, emergency_only = $5, updated_at = $6
                     WHERE id = $1 AND status = 'active'",
                )
                .bind(id)
                .bind(p.language.as_str())
                .bind(p.format.as_str())
                .bind(p.charset.as_str())
                .bind(p.emergency_only)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Self::write_subscriptions(&mut tx, id, subscriptions).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn unsubscribe_subscriber(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
                let mut tx = self.pool.begin_with($begin).await?;
                let status: Option<String> = sqlx::query_scalar("SELECT status FROM subscribers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(status) = status else {
                    return Err(StoreError::NotFound);
                };
                if status == SubscriberStatus::Unsubscribed.as_str() {
                    return Ok(false);
                }
                sqlx::query(
                    "UPDATE subscribers SET status = 'unsubscribed', updated_at = $2, pending_expires_at = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM subscriptions WHERE subscriber_id = $1").bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn unsuppress(&self, email_hash: &TokenHash) -> Result<bool> {
                let done = sqlx::query("DELETE FROM suppressions WHERE email_hash = $1")
                    .bind(email_hash.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn erase_unsubscribed(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query(
                    "INSERT INTO suppressions (email_hash, reason, created_at)
                     SELECT email_hash, 'unsubscribed', $2 FROM subscribers WHERE status = 'unsubscribed' AND updated_at < $1
                     ON CONFLICT (email_hash) DO NOTHING",
                )
                .bind(before)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let ids: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM subscribers WHERE status = 'unsubscribed' AND updated_at < $1")
                        .bind(before)
                        .fetch_all(&mut *tx)
                        .await?;
                let done = Self::delete_subscribers(&mut tx, &ids).await?;
                tx.commit().await?;
                Ok(done)
            }

            async fn list_notices(&self, filter: &NoticeFilter) -> Result<Vec<Notice>> {
                let rows = sqlx::query(
                    "SELECT n.* FROM notices n
                     WHERE ($1 IS NULL OR n.source = $1)
                       AND ($2 IS NULL OR EXISTS (SELECT 1 FROM notice_municipalities nm
                                                  WHERE nm.notice_id = n.id AND nm.municipality_code = $2))
                       AND ($3 IS NULL OR n.status = $3)
                       AND ($4 IS NULL OR NOT EXISTS (SELECT 1 FROM notice_municipalities nm
                                                      WHERE nm.notice_id = n.id AND nm.municipality_code <> $4))
                       AND ($5 IS NULL OR n.id < $5)
                     ORDER BY n.id DESC
                     LIMIT $6",
                )
                .bind(filter.source.map(|s| s.as_str()))
                .bind(filter.municipality.as_ref().map(|c| c.as_str()))
                .bind(filter.status.map(|s| s.as_str()))
                .bind(filter.within.municipality().map(|c| c.as_str()))
                .bind(filter.before)
                .bind(filter.limit.clamp(1, 500))
                .fetch_all(&self.pool)
                .await?;
                let mut notices = Vec::with_capacity(rows.len());
                for row in &rows {
                    let mut notice = Self::notice_from_row(row)?;
                    self.load_notice_targets(&mut notice).await?;
                    notices.push(notice);
                }
                Ok(notices)
            }

            async fn correct_notice(
                &self,
                id: i64,
                correction: &NewNotice,
                actor: &str,
                now: DateTime<Utc>,
            ) -> Result<(Notice, u64)> {
                let mut tx = self.pool.begin_with($begin).await?;
                Self::apply_transition(&mut tx, id, NoticeAction::Supersede, actor, None, now).await?;
                let new_id = Self::insert_notice_row(&mut tx, correction, Some(id), actor, now).await?;
                Self::insert_notice_targets(&mut tx, new_id, correction, actor, now).await?;
                let action = NoticeAction::SendImmediately(kizuna_core::notice::ImmediateSend::Correction);
                let queued = Self::queue_sending(&mut tx, new_id, action, actor, now).await?;
                Self::announce_work(&mut tx).await?;
                tx.commit().await?;
                self.after_queueing(queued).await;
                let notice = self.notice(new_id).await?.ok_or(StoreError::NotFound)?;
                Ok((notice, queued))
            }

            async fn jma_state(&self) -> Result<JmaState> {
                let mut state = JmaState::default();
                let rows = sqlx::query("SELECT report_id, reported_at FROM jma_processed_reports")
                    .fetch_all(&self.pool)
                    .await?;
                for row in rows {
                    let id: String = row.try_get("report_id")?;
                    state.processed.insert(ReportId::from_stored(&id), row.try_get("reported_at")?);
                }
                let rows = sqlx::query(
                    "SELECT exercise, hazard, municipality_code, name, name_en, level, issued_at, send_mode
                     FROM jma_active_warnings",
                )
                .fetch_all(&self.pool)
                .await?;
                for row in rows {
                    let code: String = row.try_get("municipality_code")?;
                    let level: String = row.try_get("level")?;
                    let send: String = row.try_get("send_mode")?;
                    let key = WarningKey {
                        exercise: row.try_get("exercise")?,
                        hazard: row.try_get("hazard")?,
                        municipality: MunicipalityCode::parse(&code).map_err(|_| corrupt("municipality code", &code))?,
                    };
                    let warning = ActiveWarning {
                        name: row.try_get("name")?,
                        name_en: row.try_get("name_en")?,
                        level: WarningLevel::parse(&level).ok_or_else(|| corrupt("warning level", &level))?,
                        issued_at: row.try_get("issued_at")?,
                        send: SendMode::parse(&send).ok_or_else(|| corrupt("send mode", &send))?,
                    };
                    state.warnings.insert(key, warning);
                }
                let rows = sqlx::query("SELECT exercise, event_id, municipality_code, intensity, at FROM jma_announced_quakes")
                    .fetch_all(&self.pool)
                    .await?;
                for row in rows {
                    let code: String = row.try_get("municipality_code")?;
                    let intensity: String = row.try_get("intensity")?;
                    let key = QuakeKey {
                        exercise: row.try_get("exercise")?,
                        event_id: row.try_get("event_id")?,
                        municipality: MunicipalityCode::parse(&code).map_err(|_| corrupt("municipality code", &code))?,
                    };
                    let quake = AnnouncedQuake {
                        intensity: Intensity::parse(&intensity).ok_or_else(|| corrupt("intensity", &intensity))?,
                        at: row.try_get("at")?,
                    };
                    state.quakes.insert(key, quake);
                }
                Ok(state)
            }

            async fn apply_jma_changes(&self, changes: &[StateChange]) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                for change in changes {
                    match change {
                        StateChange::Processed { report, at } => {
                            sqlx::query(
                                "INSERT INTO jma_processed_reports (report_id, reported_at) VALUES ($1, $2)
                                 ON CONFLICT (report_id) DO NOTHING",
                            )
                            .bind(report.as_str())
                            .bind(*at)
                            .execute(&mut *tx)
                            .await?;
                        }
                        StateChange::WarningActive { key, warning } => {
                            sqlx::query(
                                "INSERT INTO jma_active_warnings (exercise, hazard, municipality_code, name, name_en,
                                    level, issued_at, send_mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                                 ON CONFLICT (exercise, hazard, municipality_code) DO UPDATE SET
                                    name = excluded.name, name_en = excluded.name_en, level = excluded.level,
                                    issued_at = excluded.issued_at, send_mode = excluded.send_mode",
                            )
                            .bind(key.exercise)
                            .bind(&key.hazard)
                            .bind(key.municipality.as_str())
                            .bind(&warning.name)
                            .bind(&warning.name_en)
                            .bind(warning.level.as_str())
                            .bind(warning.issued_at)
                            .bind(warning.send.as_str())
                            .execute(&mut *tx)
                            .await?;
                        }
                        StateChange::WarningCleared { key } => {
                            sqlx::query(
                                "DELETE FROM jma_active_warnings WHERE exercise = $1 AND hazard = $2 AND municipality_code = $3",
                            )
                            .bind(key.exercise)
                            .bind(&key.hazard)
                            .bind(key.municipality.as_str())
                            .execute(&mut *tx)
                            .await?;
                        }
                        StateChange::QuakeAnnounced { key, quake } => {
                            sqlx::query(
                                "INSERT INTO jma_announced_quakes (exercise, event_id, municipality_code, intensity, at)
                                 VALUES ($1, $2, $3, $4, $5)
                                 ON CONFLICT (exercise, event_id, municipality_code) DO UPDATE SET
                                    intensity = excluded.intensity, at = excluded.at",
                            )
                            .bind(key.exercise)
                            .bind(&key.event_id)
                            .bind(key.municipality.as_str())
                            .bind(quake.intensity.as_str())
                            .bind(quake.at)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn prune_jma(&self, before: DateTime<Utc>) -> Result<u64> {
                let mut tx = self.pool.begin_with($begin).await?;
                let mut removed = 0;
                for sql in [
                    "DELETE FROM jma_processed_reports WHERE reported_at < $1",
                    "DELETE FROM jma_announced_quakes WHERE at < $1",
                    "DELETE FROM jma_seen_entries WHERE first_seen_at < $1",
                ] {
                    removed += sqlx::query(sql).bind(before).execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(removed)
            }

            async fn jma_feed(&self, url: &str) -> Result<Option<JmaFeedState>> {
                let row = sqlx::query("SELECT * FROM jma_feeds WHERE url = $1").bind(url).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::jma_feed_from_row).transpose()
            }

            async fn jma_feeds(&self) -> Result<Vec<JmaFeedState>> {
                let rows = sqlx::query("SELECT * FROM jma_feeds ORDER BY url").fetch_all(&self.pool).await?;
                rows.iter().map(Self::jma_feed_from_row).collect()
            }

            async fn put_jma_feed(&self, feed: &JmaFeedState) -> Result<()> {
                sqlx::query(
                    "INSERT INTO jma_feeds (url, etag, last_modified, created_at, last_attempt_at, last_success_at,
                        last_error, failures) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                        last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
                        last_error = excluded.last_error, failures = excluded.failures",
                )
                .bind(&feed.url)
                .bind(feed.etag.as_deref())
                .bind(feed.last_modified.as_deref())
                .bind(feed.created_at)
                .bind(feed.last_attempt_at)
                .bind(feed.last_success_at)
                .bind(feed.last_error.as_deref())
                .bind(feed.failures)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_jma_entry_seen(&self, entry_id: &str, now: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO jma_seen_entries (entry_id, first_seen_at) VALUES ($1, $2) ON CONFLICT (entry_id) DO NOTHING",
                )
                .bind(entry_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn jma_entry_seen(&self, entry_id: &str) -> Result<bool> {
                let found: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM jma_seen_entries WHERE entry_id = $1)")
                    .bind(entry_id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(found)
            }
        }
    };
}

pub(crate) use store_impl;

/// Names the sqlx database type of a store, for helpers that take its transactions.
pub(crate) trait HasDb {
    type Db: sqlx::Database;
}

impl HasDb for crate::sqlite::SqliteStore {
    type Db = sqlx::Sqlite;
}

impl HasDb for crate::postgres::PgStore {
    type Db = sqlx::Postgres;
}
