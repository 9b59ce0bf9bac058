//! Editing a notice before it is submitted: every saved version is kept, so an
//! approver sees what changed; and the count of who it would reach.

use chrono::{DateTime, Utc};
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};

use super::queries::*;
use super::{MunicipalityRecipients, NewNotice, NoticeVersion, RecipientCounts};
use crate::catalog::{category_key, municipality_code};
use crate::db::{Db, Row, Tx, corrupt};
use crate::{Result, StoreError};

/// Records the notice's text and targets as they are in `n` as its next version.
pub(super) async fn insert_version(tx: &mut Tx, id: i64, n: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<()> {
    let version: i64 = tx.query(NEXT_VERSION).bind(id).fetch_scalar().await?;
    let mut codes: Vec<&str> = n.municipalities.iter().map(|c| c.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut areas = n.area_ids.clone();
    areas.sort_unstable();
    areas.dedup();
    let areas: Vec<String> = areas.iter().map(i64::to_string).collect();
    tx.query(INSERT_VERSION)
        .bind(id)
        .bind(version)
        .bind(n.title.as_str())
        .bind(n.body.as_str())
        .bind(n.title_en.as_ref().map(|t| t.as_str()))
        .bind(n.body_en.as_ref().map(|b| b.as_str()))
        .bind(n.category.as_str())
        .bind(codes.join(","))
        .bind(areas.join(","))
        .bind(n.urgency.as_str())
        .bind(n.exercise)
        .bind(n.send_at)
        .bind(actor)
        .bind(now)
        .execute()
        .await?;
    Ok(())
}

/// Replaces a draft's (or a returned notice's) text and targets, as the
/// lifecycle allows, and records the edit as a version and an event.
pub(super) async fn edit(tx: &mut Tx, id: i64, n: &NewNotice, actor: &str, now: DateTime<Utc>) -> Result<()> {
    let current: Option<String> = tx.query(STATUS).bind(id).fetch_optional_scalar().await?;
    let current = current.ok_or(StoreError::NotFound)?;
    let status = NoticeStatus::parse(&current).ok_or_else(|| corrupt("notice status", &current))?;
    status.apply(NoticeAction::Edit)?;
    let search_text = super::lifecycle::search_text(n);
    let changed = tx
        .query(EDIT)
        .bind(id)
        .bind(n.title.as_str())
        .bind(n.body.as_str())
        .bind(n.title_en.as_ref().map(|t| t.as_str()))
        .bind(n.body_en.as_ref().map(|b| b.as_str()))
        .bind(n.category.as_str())
        .bind(n.urgency.as_str())
        .bind(n.exercise)
        .bind(n.expires_at)
        .bind(n.send_at)
        .bind(&search_text)
        .bind(now)
        .bind(status.as_str())
        .bind(n.check_in)
        .execute()
        .await?;
    if changed == 0 {
        return Err(StoreError::Conflict(format!("notice {id} changed while {actor} edited it")));
    }
    tx.query(CLEAR_MUNICIPALITIES).bind(id).execute().await?;
    tx.query(CLEAR_AREAS).bind(id).execute().await?;
    super::lifecycle::insert_targets(tx, id, n).await?;
    insert_version(tx, id, n, actor, now).await?;
    tx.query(EVENT)
        .bind(id)
        .bind(status.as_str())
        .bind(status.as_str())
        .bind(NoticeAction::Edit.as_str())
        .bind(actor)
        .bind(now)
        .bind(None::<&str>)
        .execute()
        .await?;
    Ok(())
}

pub(super) async fn versions(db: &Db, id: i64) -> Result<Vec<NoticeVersion>> {
    db.query(VERSIONS).bind(id).fetch_all().await?.iter().map(version_from_row).collect()
}

fn version_from_row(row: &Row) -> Result<NoticeVersion> {
    let urgency: String = row.get("urgency")?;
    let title_en: Option<String> = row.get("title_en")?;
    let body_en: Option<String> = row.get("body_en")?;
    let municipalities: String = row.get("municipalities")?;
    let areas: String = row.get("area_ids")?;
    Ok(NoticeVersion {
        version: row.get("version")?,
        title: NoticeTitle::from_stored(row.get("title")?),
        body: NoticeBody::from_stored(row.get("body")?),
        title_en: title_en.map(NoticeTitle::from_stored),
        body_en: body_en.map(NoticeBody::from_stored),
        category: category_key(&row.get::<String>("category_key")?)?,
        municipalities: municipalities
            .split(',')
            .filter(|c| !c.is_empty())
            .map(municipality_code)
            .collect::<Result<_>>()?,
        area_ids: areas
            .split(',')
            .filter(|a| !a.is_empty())
            .map(|a| a.parse().map_err(|_| corrupt("area id", a)))
            .collect::<Result<_>>()?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
        exercise: row.get("exercise")?,
        send_at: row.get("send_at")?,
        edited_by: row.get("edited_by")?,
        edited_at: row.get("edited_at")?,
    })
}

/// Counts with the very condition that queues the deliveries.
pub(super) async fn recipient_counts(db: &Db, id: i64) -> Result<RecipientCounts> {
    let flags = db.query(CATEGORY_FLAGS).bind(id).fetch_optional().await?.ok_or(StoreError::NotFound)?;
    let restricted: bool = flags.get("restricted")?;
    let emergency: bool = flags.get("emergency")?;
    let follow_up_of: Option<i64> = flags.get("follow_up_of")?;
    if let Some(of) = follow_up_of {
        // A follow-up reaches some recipients of its check-in, wherever they live.
        let audience: Option<String> = flags.get("follow_up_audience")?;
        let total = db.query(COUNT_FOLLOW_UP).bind(of).bind(audience.unwrap_or_default()).fetch_scalar().await?;
        return Ok(RecipientCounts { total, emergency_only_left_out: 0, by_municipality: Vec::new() });
    }
    let count = |narrow: Option<&str>, as_emergency: bool| {
        let sql = if narrow.is_some() { COUNT_RECIPIENTS_IN } else { COUNT_RECIPIENTS };
        let query = db.query(sql).bind(id).bind(restricted).bind(as_emergency);
        let query = match narrow {
            Some(code) => query.bind(code.to_owned()),
            None => query,
        };
        query.fetch_scalar::<i64>()
    };
    // Residents who chose "emergency only" are left out of any other category.
    let left_out_of = |narrow: Option<&str>| {
        let sql = if narrow.is_some() { COUNT_EMERGENCY_ONLY_IN } else { COUNT_EMERGENCY_ONLY };
        let query = db.query(sql).bind(id).bind(restricted);
        let query = match narrow {
            Some(code) => query.bind(code.to_owned()),
            None => query,
        };
        query.fetch_scalar::<i64>()
    };
    let total = count(None, emergency).await?;
    let left_out = if emergency { 0 } else { left_out_of(None).await? };
    let mut by_municipality = Vec::new();
    for row in db.query(MUNICIPALITIES_OF_ONE).bind(id).fetch_all().await? {
        let code: String = row.get("municipality_code")?;
        let recipients = count(Some(&code), emergency).await?;
        let left_out = if emergency { 0 } else { left_out_of(Some(&code)).await? };
        by_municipality.push(MunicipalityRecipients {
            municipality: municipality_code(&code)?,
            recipients,
            emergency_only_left_out: left_out,
        });
    }
    Ok(RecipientCounts { total, emergency_only_left_out: left_out, by_municipality })
}
