//! Figures of the region and of each municipality, for the dashboard and the
//! cost report: registrants, how and when they came, what became of the
//! messages, who left. Only counts leave this module, never a resident.
//!
//! A municipality's figures are its own: registrants who chose it, the
//! messages of notices addressed to it (a notice for several towns counts whole
//! for each), residents who had chosen it when they left. Months are calendar
//! months in Japan time, written `YYYY-MM`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::subscriber::RegistrationSource;

use crate::catalog::municipality_code;
use crate::db::{Row, corrupt};
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Statistics: Send + Sync + 'static {
    /// Active registrants of `municipality` (those who chose it), or of the whole region.
    async fn active_registrants(&self, municipality: Option<&MunicipalityCode>) -> Result<i64>;
    /// Active registrants per municipality; a resident who chose two counts in each.
    async fn registrants_per_municipality(&self) -> Result<Vec<(MunicipalityCode, i64)>>;
    /// Active registrants by the month they registered (confirmed, or were
    /// imported) since `since`, how they came and, for a poster, whose poster;
    /// those who chose `municipality`, or the whole region.
    async fn registrations_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<RegistrationMonth>>;
    /// The messages of notices sent since `since` (those addressed to
    /// `municipality`, or all), by the month each notice was sent.
    async fn deliveries_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<DeliveryMonth>>;
    /// Residents who unsubscribed since `since`, by month: those who had chosen
    /// `municipality`, or everyone.
    async fn unsubscribes_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>>;
    /// Messages the relay accepted for notices sent in `[from, until)`, per
    /// municipality of each notice and how many municipalities it was for.
    async fn messages_sent(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<MessagesSent>>;
}

#[async_trait]
impl Statistics for SqlStore {
    async fn active_registrants(&self, municipality: Option<&MunicipalityCode>) -> Result<i64> {
        self.db.query(ACTIVE_REGISTRANTS).bind(municipality.map(|c| c.as_str())).fetch_scalar().await
    }

    async fn registrants_per_municipality(&self) -> Result<Vec<(MunicipalityCode, i64)>> {
        let rows = self.db.query(REGISTRANTS_PER_MUNICIPALITY).fetch_all().await?;
        rows.iter()
            .map(|row| Ok((municipality_code(&row.get::<String>("municipality_code")?)?, row.get("n")?)))
            .collect()
    }

    async fn registrations_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<RegistrationMonth>> {
        let rows = self
            .db
            .query(REGISTRATIONS_BY_MONTH)
            .bind(since)
            .bind(municipality.map(|c| c.as_str()))
            .fetch_all()
            .await?;
        rows.iter().map(registration_from_row).collect()
    }

    async fn deliveries_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<DeliveryMonth>> {
        let municipality = municipality.map(|c| c.as_str());
        let mut months: BTreeMap<String, DeliveryMonth> = BTreeMap::new();
        for statement in [DELIVERIES_BY_MONTH, PRUNED_BY_MONTH] {
            for row in self.db.query(statement).bind(since).bind(municipality).fetch_all().await? {
                let month: String = row.get("month")?;
                let entry =
                    months.entry(month.clone()).or_insert(DeliveryMonth { month, sent: 0, bounced: 0, failed: 0 });
                entry.sent += row.get::<i64>("sent")?;
                entry.bounced += row.get::<i64>("bounced")?;
                entry.failed += row.get::<i64>("failed")?;
            }
        }
        Ok(months.into_values().collect())
    }

    async fn unsubscribes_by_month(
        &self,
        municipality: Option<&MunicipalityCode>,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let rows =
            self.db.query(UNSUBSCRIBES_BY_MONTH).bind(since).bind(municipality.map(|c| c.as_str())).fetch_all().await?;
        rows.iter().map(|row| Ok((row.get("month")?, row.get("n")?))).collect()
    }

    async fn messages_sent(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<MessagesSent>> {
        let mut sent: BTreeMap<(String, i64), i64> = BTreeMap::new();
        for statement in [MESSAGES_SENT, PRUNED_MESSAGES_SENT] {
            for row in self.db.query(statement).bind(from).bind(until).fetch_all().await? {
                let key = (row.get::<String>("municipality_code")?, row.get::<i64>("shared_by")?);
                *sent.entry(key).or_default() += row.get::<i64>("messages")?;
            }
        }
        sent.into_iter()
            .map(|((municipality, shared_by), messages)| {
                Ok(MessagesSent {
                    municipality: municipality_code(&municipality)?,
                    shared_by: u32::try_from(shared_by).map_err(|_| corrupt("municipalities of a notice", "?"))?,
                    messages,
                })
            })
            .collect()
    }
}

fn registration_from_row(row: &Row) -> Result<RegistrationMonth> {
    let source: String = row.get("source")?;
    let poster: Option<String> = row.get("source_municipality")?;
    Ok(RegistrationMonth {
        month: row.get("month")?,
        source: RegistrationSource::parse(&source).ok_or_else(|| corrupt("registration source", &source))?,
        poster: poster.as_deref().map(municipality_code).transpose()?,
        registrants: row.get("n")?,
    })
}
