//! The registrant list in and out, one set of rules for the command line
//! (`kizuna subscribers import`) and the console: reading a file (UTF-8 with or
//! without a BOM, or Shift_JIS as Excel saves "CSV"), what importing it would
//! do, doing it — nothing while a row is rejected unless the rejected rows are
//! skipped on purpose — and writing a list that Excel opens as it was meant.

mod export;

pub use export::{EXPORT_HEADER, export_csv};

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::import::{ImportRules, ListError, ParsedList, RowError, TextEncoding, decode, read_list};
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_store::{ImportRow, ImportStanding, NewSubscriber, Store, StoreError, Subscription};

/// A file read whole against the rules.
#[derive(Debug)]
pub struct Reading {
    pub encoding: TextEncoding,
    /// Records after the header.
    pub total: usize,
    /// The accepted rows with their line numbers, as the store takes them.
    pub rows: Vec<(usize, ImportRow)>,
    pub rejected: Vec<RowError>,
}

/// Reads a file's bytes. `source_municipality` is the municipality whose
/// admin imports it (the dashboard counts the residents it brings there).
pub fn read(
    bytes: &[u8],
    rules: &ImportRules<'_>,
    source_municipality: Option<&MunicipalityCode>,
) -> Result<Reading, ListError> {
    let (text, encoding) = decode(bytes)?;
    let ParsedList { total, rows, rejected } = read_list(&text, rules)?;
    let rows = rows
        .into_iter()
        .map(|(line, row)| {
            let subscriptions = row
                .municipalities
                .iter()
                .flat_map(|m| {
                    row.categories.iter().map(|c| Subscription {
                        municipality: m.clone(),
                        category: c.clone(),
                        area_id: None,
                    })
                })
                .collect();
            let subscriber = NewSubscriber {
                email: row.email,
                status: SubscriberStatus::Active,
                language: row.language,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: row.emergency_only,
                source: RegistrationSource::Import,
                source_municipality: source_municipality.cloned(),
                monitor_age_band: row.monitor_age_band.map(|band| band.as_str().to_owned()),
                pending_expires_at: None,
            };
            (line, ImportRow { subscriber, subscriptions })
        })
        .collect();
    Ok(Reading { encoding, total, rows, rejected })
}

/// The lines of a list by what importing them does (or did).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub new: Vec<usize>,
    /// Residents registered elsewhere who get the importing municipality's
    /// choices beside their own (a municipality admin sees them as new).
    pub joined: Vec<usize>,
    pub known: Vec<usize>,
    pub stopped: Vec<usize>,
}

impl Tally {
    fn add(&mut self, line: usize, standing: ImportStanding) {
        match standing {
            ImportStanding::New => self.new.push(line),
            ImportStanding::Joined => self.joined.push(line),
            ImportStanding::Known => self.known.push(line),
            ImportStanding::Stopped => self.stopped.push(line),
        }
    }

    /// Added to the importing scope: new residents and those who joined it.
    pub fn added(&self) -> usize {
        self.new.len() + self.joined.len()
    }

    /// The counts as the audit log keeps them.
    pub fn detail(&self, rows: usize, rejected: usize, skipped: bool) -> String {
        serde_json::json!({
            "rows": rows,
            "added": self.new.len(),
            "joined": self.joined.len(),
            "already_registered": self.known.len(),
            "stopped": self.stopped.len(),
            "rejected": rejected,
            "rejected_skipped": skipped,
        })
        .to_string()
    }
}

/// What importing the accepted rows would do now. Changes nothing.
pub async fn preview(
    store: &Arc<dyn Store>,
    reading: &Reading,
    within: Option<&MunicipalityCode>,
) -> Result<Tally, StoreError> {
    let rows: Vec<ImportRow> = reading.rows.iter().map(|(_, row)| row.clone()).collect();
    let standings = store.import_standing(&rows, within).await?;
    let mut tally = Tally::default();
    for ((line, _), standing) in reading.rows.iter().zip(standings) {
        tally.add(*line, standing);
    }
    Ok(tally)
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows were rejected and skipping them was not asked for: nothing imported.
    #[error("{0} rows are rejected; nothing is imported")]
    Rejected(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rows the command line commits in one transaction: a million-row list is
/// 40 commits, each long enough that its fixed cost vanishes and short enough
/// that a failure loses little and the progress moves. (The store writes each
/// transaction's rows in batches of its own.)
pub const TRANSACTION_ROWS: usize = 25_000;

/// Imports the accepted rows, `chunk` rows to a transaction, telling
/// `progress` how many are done after each. With rejected rows nothing is
/// imported unless `skip_rejected`.
pub async fn import(
    store: &Arc<dyn Store>,
    reading: &Reading,
    within: Option<&MunicipalityCode>,
    skip_rejected: bool,
    now: impl Fn() -> DateTime<Utc>,
    chunk: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<Tally, ImportError> {
    if !reading.rejected.is_empty() && !skip_rejected {
        return Err(ImportError::Rejected(reading.rejected.len()));
    }
    let mut tally = Tally::default();
    let mut done = 0;
    for part in reading.rows.chunks(chunk.max(1)) {
        let rows: Vec<ImportRow> = part.iter().map(|(_, row)| row.clone()).collect();
        let standings = store.import_residents(&rows, within, now()).await?;
        for ((line, _), standing) in part.iter().zip(standings) {
            tally.add(*line, standing);
        }
        done += part.len();
        progress(done, reading.rows.len());
    }
    // The rows are in: a failure here only leaves the statistics to PostgreSQL.
    if let Err(error) = store.imported(done).await {
        tracing::warn!(%error, "refreshing the planner's statistics after an import failed");
    }
    Ok(tally)
}
