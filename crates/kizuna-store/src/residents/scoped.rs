//! What staff do with residents' records at the console, always within a
//! scope: `within` names the one municipality a municipality admin acts for
//! (`None`: the whole region). A resident who chose nothing within it is not
//! there for them at all, and a change within it leaves every other choice as
//! it was.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::token::TokenHash;

use super::import::outside;
use super::queries::*;
use super::records::*;
use super::{delete_subscribers, subscriber_from_row, subscription_from_row};
use crate::{Result, SqlStore, StoreError};

#[async_trait]
pub trait ResidentRecords: Send + Sync + 'static {
    /// Residents whose address contains `query` (already read as an address
    /// is: NFKC, lower case), the exact address first, at most `limit`.
    async fn search_residents(
        &self,
        query: &str,
        within: Option<&MunicipalityCode>,
        limit: i64,
    ) -> Result<Vec<ResidentMatch>>;
    /// `None` when there is no such resident or they chose nothing within scope.
    async fn resident_record(&self, id: i64, within: Option<&MunicipalityCode>) -> Result<Option<ResidentRecord>>;
    /// Newest first, at most `limit`; within a municipality, only notices to it.
    async fn resident_deliveries(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        limit: i64,
    ) -> Result<Vec<ResidentDelivery>>;
    /// Replaces the choices a staff member may change — those within scope, and
    /// of restricted categories only `with_restricted` — and keeps every other.
    /// A choice outside scope is refused (`Conflict`).
    async fn replace_subscriptions_within(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        with_restricted: bool,
        subscriptions: &[Subscription],
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Suppresses an active resident (no mail at all; the address stays
    /// suppressed) or reactivates a suppressed one (bounces counted afresh);
    /// false when the resident was not in the state to change.
    async fn set_resident_suppressed(&self, id: i64, suppressed: bool, now: DateTime<Utc>) -> Result<bool>;
    /// Erases a resident at their request: the whole record, or within a
    /// municipality only that municipality's choices when they chose others too.
    async fn erase_resident_within(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        now: DateTime<Utc>,
    ) -> Result<Erasure>;
    /// What importing `rows` would do with each address, in order (an address
    /// repeated in the list is `Known` after its first row). Changes nothing.
    async fn import_standing(
        &self,
        rows: &[ImportRow],
        within: Option<&MunicipalityCode>,
    ) -> Result<Vec<ImportStanding>>;
    /// Imports `rows` in one transaction, in batches, each row decided as if
    /// imported alone after the rows before it; returns what happened to each.
    /// Within a municipality, every row's choices must lie in it.
    async fn import_residents(
        &self,
        rows: &[ImportRow],
        within: Option<&MunicipalityCode>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ImportStanding>>;
    /// Every resident with a choice within scope, with those choices, oldest first.
    async fn export_residents(&self, within: Option<&MunicipalityCode>) -> Result<Vec<ExportedResident>>;
    /// After an import of `rows` rows: lets PostgreSQL's planner see the
    /// residents' tables as they now are. Its own statistics come a minute or
    /// more later, and a send made before then is planned for the tables as they
    /// were: queueing a million recipients read every subscription once per
    /// chunk. SQLite's plans here do not depend on table sizes.
    async fn imported(&self, rows: usize) -> Result<()>;
}

/// `%text%` for LIKE, with `\` escaping the pattern's own characters.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// An import this large has PostgreSQL gather the residents' statistics at
/// once (a sample of some 30,000 rows per table: a fraction of a second).
const ANALYZE_AFTER_ROWS: usize = 1_000;

#[async_trait]
impl ResidentRecords for SqlStore {
    async fn search_residents(
        &self,
        query: &str,
        within: Option<&MunicipalityCode>,
        limit: i64,
    ) -> Result<Vec<ResidentMatch>> {
        let town = within.map(|c| c.as_str());
        let rows =
            self.db.query(SEARCH).bind(contains_pattern(query)).bind(town).bind(query).bind(limit).fetch_all().await?;
        let mut matches = Vec::with_capacity(rows.len());
        for row in &rows {
            let subscriber = subscriber_from_row(row)?;
            let mut municipalities: Vec<MunicipalityCode> = self
                .db
                .query(SUBSCRIPTIONS_OF)
                .bind(subscriber.id)
                .fetch_all()
                .await?
                .iter()
                .map(subscription_from_row)
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .map(|s| s.municipality)
                .filter(|m| within.is_none_or(|town| town == m))
                .collect();
            municipalities.sort();
            municipalities.dedup();
            matches.push(ResidentMatch { subscriber, municipalities });
        }
        Ok(matches)
    }

    async fn resident_record(&self, id: i64, within: Option<&MunicipalityCode>) -> Result<Option<ResidentRecord>> {
        let Some(row) = self.db.query(SUBSCRIBER_BY_ID).bind(id).fetch_optional().await? else {
            return Ok(None);
        };
        let subscriber = subscriber_from_row(&row)?;
        let all = self.db.query(SUBSCRIPTIONS_OF).bind(id).fetch_all().await?;
        let all = all.iter().map(subscription_from_row).collect::<Result<Vec<_>>>()?;
        let (mut subscriptions, others): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|s| within.is_none_or(|town| town == &s.municipality));
        if within.is_some() && subscriptions.is_empty() {
            return Ok(None);
        }
        subscriptions.sort();
        let suppression = self
            .db
            .query(SUPPRESSION_OF)
            .bind(TokenHash::of(&subscriber.email).as_str())
            .fetch_optional_scalar()
            .await?;
        Ok(Some(ResidentRecord { subscriber, subscriptions, chose_elsewhere: !others.is_empty(), suppression }))
    }

    async fn resident_deliveries(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        limit: i64,
    ) -> Result<Vec<ResidentDelivery>> {
        let rows =
            self.db.query(DELIVERIES_OF).bind(id).bind(within.map(|c| c.as_str())).bind(limit).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(ResidentDelivery {
                    notice_id: row.get("notice_id")?,
                    title: row.get("title")?,
                    status: row.get("status")?,
                    attempts: row.get("attempts")?,
                    last_reply: row.get("last_reply")?,
                    created_at: row.get("created_at")?,
                    sent_at: row.get("sent_at")?,
                })
            })
            .collect()
    }

    async fn replace_subscriptions_within(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        with_restricted: bool,
        subscriptions: &[Subscription],
        now: DateTime<Utc>,
    ) -> Result<()> {
        if outside(within, subscriptions) {
            return Err(StoreError::Conflict("a choice outside the municipality".into()));
        }
        let mut tx = self.db.begin().await?;
        let changed = tx.query(TOUCH_SUBSCRIBER).bind(id).bind(now).execute().await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.query(DELETE_SUBSCRIPTIONS_WITHIN)
            .bind(id)
            .bind(within.map(|c| c.as_str()))
            .bind(with_restricted)
            .execute()
            .await?;
        super::add_subscriptions(&mut tx, id, subscriptions).await?;
        tx.commit().await
    }

    async fn set_resident_suppressed(&self, id: i64, suppressed: bool, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        let email: Option<String> = tx.query(EMAIL_OF).bind(id).fetch_optional_scalar().await?;
        let Some(email) = email else {
            return Err(StoreError::NotFound);
        };
        let hash = TokenHash::of(&email);
        let sql = if suppressed { MARK_SUPPRESSED } else { MARK_REACTIVATED };
        if tx.query(sql).bind(id).bind(now).execute().await? == 0 {
            return Ok(false);
        }
        if suppressed {
            tx.query(SUPPRESS).bind(hash.as_str()).bind("staff").bind(now).execute().await?;
        } else {
            tx.query(UNSUPPRESS).bind(hash.as_str()).execute().await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn erase_resident_within(
        &self,
        id: i64,
        within: Option<&MunicipalityCode>,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let mut tx = self.db.begin().await?;
        let email: Option<String> = tx.query(EMAIL_OF).bind(id).fetch_optional_scalar().await?;
        let Some(email) = email else {
            return Err(StoreError::NotFound);
        };
        if let Some(town) = within {
            let elsewhere: bool = tx.query(CHOSE_ELSEWHERE).bind(id).bind(town.as_str()).fetch_scalar().await?;
            if elsewhere {
                tx.query(DELETE_SUBSCRIPTIONS_IN).bind(id).bind(town.as_str()).execute().await?;
                tx.query(TOUCH_SUBSCRIBER).bind(id).bind(now).execute().await?;
                tx.commit().await?;
                return Ok(Erasure::WithinMunicipality);
            }
        }
        tx.query(SUPPRESS_ERASED).bind(TokenHash::of(&email).as_str()).bind(now).execute().await?;
        delete_subscribers(&mut tx, &[id]).await?;
        tx.commit().await?;
        Ok(Erasure::Whole)
    }

    async fn import_standing(
        &self,
        rows: &[ImportRow],
        within: Option<&MunicipalityCode>,
    ) -> Result<Vec<ImportStanding>> {
        super::import::preview(&self.db, rows, within).await
    }

    async fn import_residents(
        &self,
        rows: &[ImportRow],
        within: Option<&MunicipalityCode>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ImportStanding>> {
        let mut tx = self.db.begin().await?;
        let standings = super::import::import(&mut tx, rows, within, now).await?;
        tx.commit().await?;
        Ok(standings)
    }

    async fn imported(&self, rows: usize) -> Result<()> {
        if rows < ANALYZE_AFTER_ROWS {
            return Ok(());
        }
        crate::db::postgres::refresh_statistics(&self.db, "ANALYZE subscribers, subscriptions").await
    }

    async fn export_residents(&self, within: Option<&MunicipalityCode>) -> Result<Vec<ExportedResident>> {
        let town = within.map(|c| c.as_str());
        let choices = self.db.query(EXPORT_SUBSCRIPTIONS).bind(town).fetch_all().await?;
        let mut by_resident: HashMap<i64, Vec<Subscription>> = HashMap::new();
        for row in &choices {
            by_resident.entry(row.get("subscriber_id")?).or_default().push(subscription_from_row(row)?);
        }
        let rows = self.db.query(EXPORT_SUBSCRIBERS).bind(town).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let subscriber = subscriber_from_row(row)?;
                let mut subscriptions = by_resident.remove(&subscriber.id).unwrap_or_default();
                subscriptions.sort();
                Ok(ExportedResident { subscriber, subscriptions })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_matches_its_text_literally() {
        assert_eq!(contains_pattern("taro@"), "%taro@%");
        assert_eq!(contains_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
