//! Figures of the region and of each municipality, for the dashboard and the
//! cost report: registrants, how and when they came, what became of the
//! messages, who left. Only counts leave this module, never a resident.
//!
//! A municipality's figures are its own: registrants who chose it, the
//! messages of notices addressed to it (a notice for several towns counts whole
//! for each), residents who had chosen it when they left. Months are calendar
//! months in Japan time, written `YYYY-MM`.

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
        let rows =
            self.db.query(DELIVERIES_BY_MONTH).bind(since).bind(municipality.map(|c| c.as_str())).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(DeliveryMonth {
                    month: row.get("month")?,
                    sent: row.get("sent")?,
                    bounced: row.get("bounced")?,
                    failed: row.get("failed")?,
                })
            })
            .collect()
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
        let rows = self.db.query(MESSAGES_SENT).bind(from).bind(until).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let shared_by: i64 = row.get("shared_by")?;
                Ok(MessagesSent {
                    municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
                    shared_by: u32::try_from(shared_by).map_err(|_| corrupt("municipalities of a notice", "?"))?,
                    messages: row.get("messages")?,
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
