//! Safety check-ins (安否確認): each recipient's answer to a notice that asks
//! whether they are safe, recorded through the token of their mail (the check-in
//! notice's own, or a follow-up's), changed as often as they like, and counted
//! per municipality and area.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::check_in::{CheckInAnswer, CheckInMessage, CheckInReply, Household};

use crate::catalog::municipality_code;
use crate::db::{Row, corrupt};
use crate::{MailedLink, Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait CheckIns: Send + Sync + 'static {
    /// The check-in a mailed token answers, with the answer so far: the token
    /// of a check-in notice's mail, or of a follow-up's (which answers the
    /// notice it follows). `None` for any other token.
    async fn check_in_link(&self, link: MailedLink<'_>) -> Result<Option<CheckInLink>>;
    /// Records a recipient's answer or replaces it; the time of the first answer stays.
    async fn record_check_in(&self, link: &CheckInLink, reply: &CheckInReply, now: DateTime<Utc>) -> Result<CheckIn>;
    /// How the check-in of a notice stands, overall and per municipality and area.
    async fn check_in_counts(&self, notice_id: i64) -> Result<CheckInCounts>;
    /// The "needs help" answers of a notice, the earliest first.
    async fn help_requests(&self, notice_id: i64) -> Result<Vec<HelpRequest>>;
    /// When the `n`th recipient first answered (1 is the first), for each `n`
    /// asked; `None` where not that many have.
    async fn answered_at(&self, notice_id: i64, nth: &[i64]) -> Result<Vec<Option<DateTime<Utc>>>>;
}

#[async_trait]
impl CheckIns for SqlStore {
    async fn check_in_link(&self, link: MailedLink<'_>) -> Result<Option<CheckInLink>> {
        let row = match link {
            MailedLink::Stored(hash) => self.db.query(TOKEN).bind(hash.as_str()).fetch_optional().await?,
            MailedLink::Checked(id) => self.db.query(DELIVERY).bind(id).fetch_optional().await?,
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let subscriber_id: i64 = row.get("subscriber_id")?;
        let check_in: bool = row.get("check_in")?;
        let follow_up_of: Option<i64> = row.get("follow_up_of")?;
        let (notice_id, delivery_id) = match (check_in, follow_up_of) {
            (true, _) => (row.get("notice_id")?, row.get("id")?),
            (false, Some(of)) => {
                let delivery: Option<i64> =
                    self.db.query(DELIVERY_OF_CHECK_IN).bind(of).bind(subscriber_id).fetch_optional_scalar().await?;
                match delivery {
                    Some(delivery) => (of, delivery),
                    None => return Ok(None),
                }
            }
            (false, None) => return Ok(None),
        };
        let answer =
            self.db.query(ANSWER).bind(delivery_id).fetch_optional().await?.as_ref().map(answer).transpose()?;
        Ok(Some(CheckInLink { notice_id, delivery_id, subscriber_id, answer }))
    }

    async fn record_check_in(&self, link: &CheckInLink, reply: &CheckInReply, now: DateTime<Utc>) -> Result<CheckIn> {
        let mut tx = self.db.begin().await?;
        tx.query(RECORD)
            .bind(link.delivery_id)
            .bind(link.notice_id)
            .bind(reply.answer.as_str())
            .bind(reply.household.get())
            .bind(reply.message.as_ref().map(CheckInMessage::as_str))
            .bind(now)
            .execute()
            .await?;
        let row = tx.query(ANSWER).bind(link.delivery_id).fetch_one().await?;
        tx.commit().await?;
        answer(&row)
    }

    async fn check_in_counts(&self, notice_id: i64) -> Result<CheckInCounts> {
        let mut counts = CheckInCounts::default();
        for row in self.db.query(COUNTS).bind(notice_id).fetch_all().await? {
            let place = PlaceCheckIns {
                municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
                area_id: row.get("area_id")?,
                safe: row.get("safe")?,
                needs_help: row.get("needs_help")?,
                unanswered: row.get("unanswered")?,
                safe_people: row.get("safe_people")?,
                needs_help_people: row.get("needs_help_people")?,
            };
            counts.safe += place.safe;
            counts.needs_help += place.needs_help;
            counts.unanswered += place.unanswered;
            counts.safe_people += place.safe_people;
            counts.needs_help_people += place.needs_help_people;
            counts.places.push(place);
        }
        // The backends sort a missing area differently: the whole municipality first here.
        counts.places.sort_by(|a, b| (&a.municipality, a.area_id).cmp(&(&b.municipality, b.area_id)));
        Ok(counts)
    }

    async fn help_requests(&self, notice_id: i64) -> Result<Vec<HelpRequest>> {
        let rows = self.db.query(NEEDS_HELP).bind(notice_id).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let message: Option<String> = row.get("message")?;
                Ok(HelpRequest {
                    email: row.get("email")?,
                    municipality: municipality_code(&row.get::<String>("municipality_code")?)?,
                    area_id: row.get("area_id")?,
                    household: Household::from_stored(row.get("household")?),
                    message: message.map(CheckInMessage::from_stored),
                    answered_at: row.get("answered_at")?,
                })
            })
            .collect()
    }

    async fn answered_at(&self, notice_id: i64, nth: &[i64]) -> Result<Vec<Option<DateTime<Utc>>>> {
        crate::delivery::nth_times(&self.db, NTH_ANSWERED, notice_id, nth).await
    }
}

fn answer(row: &Row) -> Result<CheckIn> {
    let answer: String = row.get("answer")?;
    let message: Option<String> = row.get("message")?;
    Ok(CheckIn {
        answer: CheckInAnswer::parse(&answer).ok_or_else(|| corrupt("check-in answer", &answer))?,
        household: Household::from_stored(row.get("household")?),
        message: message.map(CheckInMessage::from_stored),
        first_answered_at: row.get("first_answered_at")?,
        answered_at: row.get("answered_at")?,
    })
}
