//! Importing a registrant list in batches: one lookup per batch of what its
//! addresses already are, each row's standing decided in memory by the same
//! rule as one row at a time (a row sees what the rows before it did), and one
//! multi-row statement per table for the batch's writes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_core::token::TokenHash;
use serde::Serialize;

use super::queries::{IMPORT_LOOKUP, IMPORT_SUBSCRIBERS, IMPORT_SUBSCRIPTIONS, TOUCH_SUBSCRIBERS};
use super::records::{ImportRow, ImportStanding, Subscription};
use crate::db::{Db, Ids, JsonRows, Row, Statement, Tx, corrupt, sqlite};
use crate::{Backend, Result, StoreError};

/// Rows looked up and written by one statement each. Large enough that the
/// round trips vanish beside the work; small enough that a batch's JSON and
/// its lookup stay a few hundred kilobytes.
pub(super) const BATCH_ROWS: usize = 2_000;

/// The one rule for an imported address, for the preview and the import alike:
/// `found` is the record's status and whether it chose `within`; `suppressed`
/// whether an address without a record is suppressed.
pub(super) fn standing(
    found: Option<(SubscriberStatus, bool)>,
    within: Option<&MunicipalityCode>,
    suppressed: bool,
) -> ImportStanding {
    match found {
        None if suppressed => ImportStanding::Stopped,
        None => ImportStanding::New,
        Some(_) if within.is_none() => ImportStanding::Known,
        Some((_, true)) => ImportStanding::Known,
        Some((SubscriberStatus::Active, false)) => ImportStanding::Joined,
        Some(_) => ImportStanding::Stopped,
    }
}

/// Whether any row chooses outside the municipality importing it.
pub(super) fn outside(within: Option<&MunicipalityCode>, subscriptions: &[Subscription]) -> bool {
    within.is_some_and(|town| subscriptions.iter().any(|s| &s.municipality != town))
}

/// What importing `rows` would do now, in order; an address repeated in the
/// list is `Known` after its first row. Reads only.
pub(super) async fn preview(
    db: &Db,
    rows: &[ImportRow],
    within: Option<&MunicipalityCode>,
) -> Result<Vec<ImportStanding>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let found = Lookup::read(lookup(db.query(IMPORT_LOOKUP), batch, within)?.fetch_all().await?)?;
        for row in batch {
            let email = row.subscriber.email.as_str();
            if !seen.insert(email) {
                out.push(ImportStanding::Known);
                continue;
            }
            out.push(found.standing(email, within));
        }
    }
    Ok(out)
}

/// Imports `rows` inside `tx`, a batch at a time; returns what happened to each.
pub(super) async fn import(
    tx: &mut Tx,
    rows: &[ImportRow],
    within: Option<&MunicipalityCode>,
    now: DateTime<Utc>,
) -> Result<Vec<ImportStanding>> {
    if rows.iter().any(|row| outside(within, &row.subscriptions)) {
        return Err(StoreError::Conflict("a choice outside the municipality".into()));
    }
    let on_sqlite = tx.backend() == Backend::Sqlite;
    if on_sqlite {
        tx.query(sqlite::IMPORT_CACHE).execute().await?;
    }
    let result = import_batches(tx, rows, within, now).await;
    // The connection goes back to the pool as it came, whatever happened.
    if on_sqlite {
        tx.query(sqlite::USUAL_CACHE).execute().await?;
    }
    result
}

async fn import_batches(
    tx: &mut Tx,
    rows: &[ImportRow],
    within: Option<&MunicipalityCode>,
    now: DateTime<Utc>,
) -> Result<Vec<ImportStanding>> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let found = Lookup::read(lookup(tx.query(IMPORT_LOOKUP), batch, within)?.fetch_all().await?)?;
        out.extend(import_batch(tx, batch, found, within, now).await?);
    }
    Ok(out)
}

/// One batch: decide each row against what the lookup found and what the
/// batch's earlier rows did, then write the new residents, the choices of new
/// and joining ones, and touch the joining ones.
async fn import_batch(
    tx: &mut Tx,
    batch: &[ImportRow],
    mut found: Lookup,
    within: Option<&MunicipalityCode>,
    now: DateTime<Utc>,
) -> Result<Vec<ImportStanding>> {
    let mut standings = Vec::with_capacity(batch.len());
    for row in batch {
        let email = row.subscriber.email.as_str();
        let outcome = found.standing(email, within);
        let chooses_within = within.is_some_and(|town| row.subscriptions.iter().any(|s| &s.municipality == town));
        match outcome {
            // The rows after it find a resident, active, with this row's choices.
            ImportStanding::New => {
                found.residents.insert(
                    email.to_owned(),
                    Resident { id: None, status: SubscriberStatus::Active, chose: chooses_within },
                );
            }
            ImportStanding::Joined => {
                if let Some(resident) = found.residents.get_mut(email) {
                    resident.chose |= chooses_within;
                }
            }
            ImportStanding::Known | ImportStanding::Stopped => {}
        }
        standings.push(outcome);
    }

    let new: Vec<NewRow<'_>> = batch
        .iter()
        .zip(&standings)
        .filter(|(_, standing)| **standing == ImportStanding::New)
        .map(|(row, _)| NewRow::of(row))
        .collect();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(new.len());
    if !new.is_empty() {
        let inserted = tx
            .query(IMPORT_SUBSCRIBERS)
            .bind(JsonRows::of(&new)?)
            .bind(now)
            .bind(SubscriberStatus::Active.as_str())
            .fetch_all()
            .await?;
        for row in &inserted {
            ids.insert(row.get("email")?, row.get("id")?);
        }
    }

    let mut choices = Vec::new();
    let mut joined = Vec::new();
    for (row, standing) in batch.iter().zip(standings.iter_mut()) {
        let email = row.subscriber.email.as_str();
        let id = match *standing {
            ImportStanding::New | ImportStanding::Joined => {
                ids.get(email).copied().or_else(|| found.residents.get(email).and_then(|r| r.id))
            }
            ImportStanding::Known | ImportStanding::Stopped => continue,
        };
        // No id: the address was registered or suppressed by someone else
        // between the lookup and the insert (PostgreSQL; SQLite's import holds
        // the write lock throughout). It is theirs: left as it is.
        let Some(id) = id else {
            *standing = ImportStanding::Known;
            continue;
        };
        if *standing == ImportStanding::Joined {
            joined.push(id);
        }
        let mut unique: Vec<&Subscription> = row.subscriptions.iter().collect();
        unique.sort();
        unique.dedup();
        choices.extend(unique.into_iter().map(|s| ChoiceRow {
            i: id,
            m: s.municipality.as_str(),
            c: s.category.as_str(),
            a: s.area_id,
        }));
    }
    if !choices.is_empty() {
        tx.query(IMPORT_SUBSCRIPTIONS).bind(JsonRows::of(&choices)?).execute().await?;
    }
    if !joined.is_empty() {
        joined.sort_unstable();
        joined.dedup();
        tx.query(TOUCH_SUBSCRIBERS).bind(Ids(&joined)).bind(now).execute().await?;
    }
    Ok(standings)
}

/// Binds a batch's addresses, each once, and the importing municipality.
fn lookup<'e>(
    statement: Statement<'e>,
    batch: &[ImportRow],
    within: Option<&MunicipalityCode>,
) -> Result<Statement<'e>> {
    let mut seen = HashSet::with_capacity(batch.len());
    let addresses: Vec<AddressRow<'_>> = batch
        .iter()
        .map(|row| row.subscriber.email.as_str())
        .filter(|email| seen.insert(*email))
        .map(|email| AddressRow { e: email, h: TokenHash::of(email).as_str().to_owned() })
        .collect();
    Ok(statement.bind(JsonRows::of(&addresses)?).bind(within.map(|c| c.as_str())))
}

/// A resident an address of the list belongs to. `id` is `None` for one that
/// an earlier row of the same batch is about to add.
struct Resident {
    id: Option<i64>,
    status: SubscriberStatus,
    chose: bool,
}

/// What a batch's lookup found.
struct Lookup {
    residents: HashMap<String, Resident>,
    /// Suppressed addresses without a record.
    suppressed: HashSet<String>,
}

impl Lookup {
    fn read(rows: Vec<Row>) -> Result<Self> {
        let mut found = Lookup { residents: HashMap::new(), suppressed: HashSet::new() };
        for row in &rows {
            let email: String = row.get("email")?;
            let id: Option<i64> = row.get("id")?;
            let status: Option<String> = row.get("status")?;
            match (id, status) {
                (Some(id), Some(status)) => {
                    let status = SubscriberStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?;
                    found.residents.insert(email, Resident { id: Some(id), status, chose: row.get("chose")? });
                }
                _ => {
                    if row.get::<bool>("suppressed")? {
                        found.suppressed.insert(email);
                    }
                }
            }
        }
        Ok(found)
    }

    fn standing(&self, email: &str, within: Option<&MunicipalityCode>) -> ImportStanding {
        let resident = self.residents.get(email).map(|r| (r.status, r.chose));
        standing(resident, within, resident.is_none() && self.suppressed.contains(email))
    }
}

/// An address as the lookup takes it.
#[derive(Serialize)]
struct AddressRow<'a> {
    e: &'a str,
    h: String,
}

/// A new resident as `IMPORT_SUBSCRIBERS` takes it.
#[derive(Serialize)]
struct NewRow<'a> {
    e: &'a str,
    l: &'a str,
    f: &'a str,
    c: &'a str,
    eo: bool,
    s: &'a str,
    sm: Option<&'a str>,
    b: Option<&'a str>,
    /// The monitor panel an age band joins: the list's municipality, else the first chosen.
    mm: Option<&'a str>,
    h: String,
    d: &'a str,
}

impl<'a> NewRow<'a> {
    fn of(row: &'a ImportRow) -> Self {
        let s = &row.subscriber;
        let band = s.monitor_age_band.as_deref();
        let panel = s.source_municipality.as_ref().or_else(|| row.subscriptions.first().map(|c| &c.municipality));
        NewRow {
            e: s.email.as_str(),
            l: s.language.as_str(),
            f: s.format.as_str(),
            c: s.charset.as_str(),
            eo: s.emergency_only,
            s: s.source.as_str(),
            sm: s.source_municipality.as_ref().map(|c| c.as_str()),
            b: band,
            mm: band.and(panel).map(|c| c.as_str()),
            h: TokenHash::of(s.email.as_str()).as_str().to_owned(),
            d: s.email.domain(),
        }
    }
}

/// One choice as `IMPORT_SUBSCRIPTIONS` takes it.
#[derive(Serialize)]
struct ChoiceRow<'a> {
    i: i64,
    m: &'a str,
    c: &'a str,
    a: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_list_never_brings_back_an_address_that_left() {
        let town = MunicipalityCode::parse("113611").ok();
        let town = town.as_ref();
        assert_eq!(standing(None, town, false), ImportStanding::New);
        assert_eq!(standing(None, None, true), ImportStanding::Stopped);
        assert_eq!(standing(Some((SubscriberStatus::Unsubscribed, false)), None, false), ImportStanding::Known);
        assert_eq!(standing(Some((SubscriberStatus::Active, true)), town, false), ImportStanding::Known);
        assert_eq!(standing(Some((SubscriberStatus::Active, false)), town, false), ImportStanding::Joined);
        assert_eq!(standing(Some((SubscriberStatus::Unsubscribed, false)), town, false), ImportStanding::Stopped);
        assert_eq!(standing(Some((SubscriberStatus::Suppressed, false)), town, false), ImportStanding::Stopped);
    }
}
