//! Reading notices back: one row each, then the targets of a whole page in two
//! statements (never one per notice).

use std::collections::HashMap;

use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};

use super::queries::{AREAS_OF, MUNICIPALITIES_OF};
use super::{FollowUp, Notice};
use crate::Result;
use crate::catalog::{category_key, municipality_code};
use crate::db::{Db, Ids, Row, corrupt};

/// Notices from rows of `notice_columns!()`, with their municipalities and areas.
pub(crate) async fn notices(db: &Db, rows: &[Row]) -> Result<Vec<Notice>> {
    let mut notices = rows.iter().map(notice_from_row).collect::<Result<Vec<_>>>()?;
    if notices.is_empty() {
        return Ok(notices);
    }
    let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
    let mut position: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        position.insert(*id, i);
    }
    for row in db.query(MUNICIPALITIES_OF).bind(Ids(&ids)).fetch_all().await? {
        if let Some(&i) = position.get(&row.get::<i64>("notice_id")?) {
            notices[i].municipalities.push(municipality_code(&row.get::<String>("municipality_code")?)?);
        }
    }
    for row in db.query(AREAS_OF).bind(Ids(&ids)).fetch_all().await? {
        if let Some(&i) = position.get(&row.get::<i64>("notice_id")?) {
            notices[i].area_ids.push(row.get("area_id")?);
        }
    }
    Ok(notices)
}

fn notice_from_row(row: &Row) -> Result<Notice> {
    let status: String = row.get("status")?;
    let source: String = row.get("source")?;
    let urgency: String = row.get("urgency")?;
    let title_en: Option<String> = row.get("title_en")?;
    let body_en: Option<String> = row.get("body_en")?;
    Ok(Notice {
        id: row.get("id")?,
        status: NoticeStatus::parse(&status).ok_or_else(|| corrupt("notice status", &status))?,
        source: NoticeSource::parse(&source).ok_or_else(|| corrupt("notice source", &source))?,
        source_ref: row.get("source_ref")?,
        title: NoticeTitle::from_stored(row.get("title")?),
        body: NoticeBody::from_stored(row.get("body")?),
        title_en: title_en.map(NoticeTitle::from_stored),
        body_en: body_en.map(NoticeBody::from_stored),
        category: category_key(&row.get::<String>("category_key")?)?,
        municipalities: Vec::new(),
        area_ids: Vec::new(),
        urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
        exercise: row.get("exercise")?,
        expires_at: row.get("expires_at")?,
        send_at: row.get("send_at")?,
        check_in: row.get("check_in")?,
        follow_up: follow_up(row)?,
        supersedes: row.get("supersedes_id")?,
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        sent_at: row.get("sent_at")?,
    })
}

/// A follow-up's check-in notice and audience, both or neither.
fn follow_up(row: &Row) -> Result<Option<FollowUp>> {
    let of: Option<i64> = row.get("follow_up_of")?;
    let audience: Option<String> = row.get("follow_up_audience")?;
    Ok(match (of, audience) {
        (Some(of), Some(audience)) => Some(FollowUp {
            of,
            audience: FollowUpAudience::parse(&audience).ok_or_else(|| corrupt("follow-up audience", &audience))?,
        }),
        _ => None,
    })
}
