//! The JMA poller's memory: reports already handled, warnings in force,
//! earthquakes announced, the last report of each series with what a 取消 of it
//! puts back, and each feed's validators and health — so that a report is acted
//! on once whichever process polls.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::jma::{
    ActiveWarning, AnnouncedQuake, Intensity, JmaSource, JmaState, QuakeKey, ReportId, Restore, SendMode, SeriesKey,
    SeriesReport, StateChange, WarningKey, WarningLevel,
};

use crate::catalog::municipality_code;
use crate::db::{Row, Tx, corrupt};
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Jma: Send + Sync + 'static {
    /// What earlier JMA reports left: handled reports, active warnings, announced
    /// earthquakes, each series' last report.
    async fn jma_state(&self) -> Result<JmaState>;
    /// Persists the changes one JMA report made, in order, in one transaction.
    async fn apply_jma_changes(&self, changes: &[StateChange]) -> Result<()>;
    /// Forgets handled reports, announced earthquakes, series' last reports and
    /// seen feed entries older than `before` (active warnings stay until lifted).
    /// Returns how many rows went.
    async fn prune_jma(&self, before: DateTime<Utc>) -> Result<u64>;
    /// The notices JMA report `report` made (their source is `jma:{report}#n`), oldest first.
    async fn jma_report_notices(&self, report: &ReportId) -> Result<Vec<i64>>;
    async fn jma_feed(&self, url: &str) -> Result<Option<JmaFeedState>>;
    async fn jma_feeds(&self) -> Result<Vec<JmaFeedState>>;
    /// Creates or replaces a feed's state; the first `created_at` stays.
    async fn put_jma_feed(&self, feed: &JmaFeedState) -> Result<()>;
    /// Remembers that a feed entry was handled; false when it already was.
    async fn mark_jma_entry_seen(&self, entry_id: &str, now: DateTime<Utc>) -> Result<bool>;
    async fn jma_entry_seen(&self, entry_id: &str) -> Result<bool>;
}

#[async_trait]
impl Jma for SqlStore {
    async fn jma_state(&self) -> Result<JmaState> {
        let mut state = JmaState::default();
        for row in self.db.query(PROCESSED_REPORTS).fetch_all().await? {
            let id: String = row.get("report_id")?;
            state.processed.insert(ReportId::from_stored(&id), row.get("reported_at")?);
        }
        for row in self.db.query(ACTIVE_WARNINGS).fetch_all().await? {
            let level: String = row.get("level")?;
            let send: String = row.get("send_mode")?;
            let key = WarningKey {
                exercise: row.get("exercise")?,
                hazard: row.get("hazard")?,
                municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
            };
            let warning = ActiveWarning {
                name: row.get("name")?,
                name_en: row.get("name_en")?,
                level: WarningLevel::parse(&level).ok_or_else(|| corrupt("warning level", &level))?,
                issued_at: row.get("issued_at")?,
                send: SendMode::parse(&send).ok_or_else(|| corrupt("send mode", &send))?,
            };
            state.warnings.insert(key, warning);
        }
        for row in self.db.query(ANNOUNCED_QUAKES).fetch_all().await? {
            let intensity: String = row.get("intensity")?;
            let key = QuakeKey {
                exercise: row.get("exercise")?,
                event_id: row.get("event_id")?,
                municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
            };
            let quake = AnnouncedQuake {
                intensity: Intensity::parse(&intensity).ok_or_else(|| corrupt("intensity", &intensity))?,
                at: row.get("at")?,
            };
            state.quakes.insert(key, quake);
        }
        for row in self.db.query(SERIES).fetch_all().await? {
            let last = SeriesReport {
                report: ReportId::from_stored(&row.get::<String>("report_id")?),
                title: row.get("title")?,
                reported_at: row.get("reported_at")?,
                restore: Vec::new(),
            };
            state.series.insert(SeriesKey::from_stored(&row.get::<String>("series_key")?), last);
        }
        for row in self.db.query(SERIES_RESTORES).fetch_all().await? {
            let series = SeriesKey::from_stored(&row.get::<String>("series_key")?);
            let restore = restore_from_row(&row)?;
            if let Some(last) = state.series.get_mut(&series) {
                last.restore.push(restore);
            }
        }
        Ok(state)
    }

    async fn apply_jma_changes(&self, changes: &[StateChange]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for change in changes {
            match change {
                StateChange::Processed { report, at } => {
                    tx.query(MARK_PROCESSED).bind(report.as_str()).bind(*at).execute().await?;
                }
                StateChange::WarningActive { key, warning } => {
                    tx.query(PUT_WARNING)
                        .bind(key.exercise)
                        .bind(&key.hazard)
                        .bind(key.municipality.as_str())
                        .bind(&warning.name)
                        .bind(&warning.name_en)
                        .bind(warning.level.as_str())
                        .bind(warning.issued_at)
                        .bind(warning.send.as_str())
                        .execute()
                        .await?;
                }
                StateChange::WarningCleared { key } => {
                    tx.query(CLEAR_WARNING)
                        .bind(key.exercise)
                        .bind(&key.hazard)
                        .bind(key.municipality.as_str())
                        .execute()
                        .await?;
                }
                StateChange::QuakeAnnounced { key, quake } => {
                    tx.query(PUT_QUAKE)
                        .bind(key.exercise)
                        .bind(&key.event_id)
                        .bind(key.municipality.as_str())
                        .bind(quake.intensity.as_str())
                        .bind(quake.at)
                        .execute()
                        .await?;
                }
                StateChange::QuakeForgotten { key } => {
                    tx.query(FORGET_QUAKE)
                        .bind(key.exercise)
                        .bind(&key.event_id)
                        .bind(key.municipality.as_str())
                        .execute()
                        .await?;
                }
                StateChange::SeriesRead { series, last } => put_series(&mut tx, series, last).await?,
                StateChange::SeriesCancelled { series } => {
                    tx.query(CLEAR_SERIES_RESTORES).bind(series.as_str()).execute().await?;
                    tx.query(CLEAR_SERIES).bind(series.as_str()).execute().await?;
                }
            }
        }
        tx.commit().await
    }

    async fn prune_jma(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let mut removed = 0;
        for sql in PRUNE {
            removed += tx.query(sql).bind(before).execute().await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn jma_report_notices(&self, report: &ReportId) -> Result<Vec<i64>> {
        self.db.query(REPORT_NOTICES).bind(JmaSource::prefix(report)).fetch_scalars().await
    }

    async fn jma_feed(&self, url: &str) -> Result<Option<JmaFeedState>> {
        let row = self.db.query(FEED).bind(url).fetch_optional().await?;
        row.as_ref().map(feed_from_row).transpose()
    }

    async fn jma_feeds(&self) -> Result<Vec<JmaFeedState>> {
        self.db.query(FEEDS).fetch_all().await?.iter().map(feed_from_row).collect()
    }

    async fn put_jma_feed(&self, feed: &JmaFeedState) -> Result<()> {
        self.db
            .query(PUT_FEED)
            .bind(&feed.url)
            .bind(feed.etag.as_deref())
            .bind(feed.last_modified.as_deref())
            .bind(feed.created_at)
            .bind(feed.last_attempt_at)
            .bind(feed.last_success_at)
            .bind(feed.last_error.as_deref())
            .bind(feed.failures)
            .execute()
            .await?;
        Ok(())
    }

    async fn mark_jma_entry_seen(&self, entry_id: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(MARK_SEEN).bind(entry_id).bind(now).execute().await? > 0)
    }

    async fn jma_entry_seen(&self, entry_id: &str) -> Result<bool> {
        self.db.query(SEEN).bind(entry_id).fetch_scalar().await
    }
}

/// Makes `last` the series' last report, replacing what a 取消 would have put back before.
async fn put_series(tx: &mut Tx, series: &SeriesKey, last: &SeriesReport) -> Result<()> {
    tx.query(PUT_SERIES)
        .bind(series.as_str())
        .bind(last.report.as_str())
        .bind(&last.title)
        .bind(last.reported_at)
        .execute()
        .await?;
    tx.query(CLEAR_SERIES_RESTORES).bind(series.as_str()).execute().await?;
    for (position, restore) in last.restore.iter().enumerate() {
        let query = tx.query(PUT_SERIES_RESTORE).bind(series.as_str()).bind(position as i64);
        let query = match restore {
            Restore::Warning { key, was } => query
                .bind("warning")
                .bind(key.exercise)
                .bind(&key.hazard)
                .bind(key.municipality.as_str())
                .bind(was.as_ref().map(|w| w.name.as_str()))
                .bind(was.as_ref().map(|w| w.name_en.as_str()))
                .bind(was.as_ref().map(|w| w.level.as_str()))
                .bind(was.as_ref().map(|w| w.send.as_str()))
                .bind(None::<&str>)
                .bind(was.as_ref().map(|w| w.issued_at)),
            Restore::Quake { key, was } => query
                .bind("quake")
                .bind(key.exercise)
                .bind(&key.event_id)
                .bind(key.municipality.as_str())
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind(was.as_ref().map(|q| q.intensity.as_str()))
                .bind(was.as_ref().map(|q| q.at)),
        };
        query.execute().await?;
    }
    Ok(())
}

/// One entry a 取消 puts back, as `put_series` wrote it.
fn restore_from_row(row: &Row) -> Result<Restore> {
    let kind: String = row.get("kind")?;
    let exercise: bool = row.get("exercise")?;
    let entry_key: String = row.get("entry_key")?;
    let municipality = municipality_code(&row.get::<String>("municipality_code")?)?;
    let at: Option<DateTime<Utc>> = row.get("at")?;
    match kind.as_str() {
        "warning" => {
            let name: Option<String> = row.get("name")?;
            let was = match (name, at) {
                (Some(name), Some(issued_at)) => {
                    let level: String = row.get::<Option<String>>("level")?.unwrap_or_default();
                    let send: String = row.get::<Option<String>>("send_mode")?.unwrap_or_default();
                    Some(ActiveWarning {
                        name,
                        name_en: row.get::<Option<String>>("name_en")?.unwrap_or_default(),
                        level: WarningLevel::parse(&level).ok_or_else(|| corrupt("warning level", &level))?,
                        issued_at,
                        send: SendMode::parse(&send).ok_or_else(|| corrupt("send mode", &send))?,
                    })
                }
                _ => None,
            };
            Ok(Restore::Warning { key: WarningKey { exercise, hazard: entry_key, municipality }, was })
        }
        "quake" => {
            let intensity: Option<String> = row.get("intensity")?;
            let was = match (intensity, at) {
                (Some(intensity), Some(at)) => Some(AnnouncedQuake {
                    intensity: Intensity::parse(&intensity).ok_or_else(|| corrupt("intensity", &intensity))?,
                    at,
                }),
                _ => None,
            };
            Ok(Restore::Quake { key: QuakeKey { exercise, event_id: entry_key, municipality }, was })
        }
        other => Err(corrupt("JMA restore kind", other)),
    }
}

fn feed_from_row(row: &Row) -> Result<JmaFeedState> {
    Ok(JmaFeedState {
        url: row.get("url")?,
        etag: row.get("etag")?,
        last_modified: row.get("last_modified")?,
        created_at: row.get("created_at")?,
        last_attempt_at: row.get("last_attempt_at")?,
        last_success_at: row.get("last_success_at")?,
        last_error: row.get("last_error")?,
        failures: row.get("failures")?,
    })
}
