//! The よいまちモニター panel and its surveys: who is in the panel (a resident's
//! age band, municipality, area and what else they chose to tell), surveys with
//! their questions, invitations with their personal links (kept only as
//! hashes), the mails that carry them, and responses with their channel (web or
//! paper) — one per invitation, replaced when the resident changes it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::survey::{AgeBand, Answer, Gender, Occupation, QuestionKind};
use kizuna_core::token::TokenHash;

use crate::db::{Row, corrupt};
use crate::{Result, SqlStore};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Surveys: Send + Sync + 'static {
    /// A resident's place in the panel, while they are an active monitor.
    async fn monitor_profile(&self, subscriber_id: i64) -> Result<Option<MonitorProfile>>;
    /// Enrols an active resident, or changes what they told; false when the
    /// resident is not active.
    async fn enrol_monitor(&self, subscriber_id: i64, profile: &MonitorProfile, now: DateTime<Utc>) -> Result<bool>;
    /// Takes a resident out of the panel, forgetting their profile; false when
    /// they were not in it.
    async fn leave_monitor_panel(&self, subscriber_id: i64, now: DateTime<Utc>) -> Result<bool>;
    /// Active monitors per municipality, area and age band.
    async fn panel_counts(&self) -> Result<Vec<PanelCount>>;

    async fn create_survey(&self, survey: &NewSurvey, now: DateTime<Utc>) -> Result<Survey>;
    async fn survey(&self, id: i64) -> Result<Option<Survey>>;
    /// Every survey, newest first.
    async fn surveys(&self) -> Result<Vec<Survey>>;
    /// Closes a survey now; false when it was already closed by staff.
    async fn close_survey(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;

    /// Invites every active monitor the survey targets who is not yet invited,
    /// queueing one mail each; returns how many were invited.
    async fn invite_monitors(&self, survey_id: i64, now: DateTime<Utc>) -> Result<u64>;
    /// Queues a reminder to each invited monitor who has not answered, was
    /// reminded fewer than `max` times, and was neither invited nor reminded
    /// after `quiet_since`; returns how many.
    async fn remind_monitors(
        &self,
        survey_id: i64,
        max: i64,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64>;
    async fn invitations(&self, survey_id: i64) -> Result<Vec<Invitation>>;
    /// The invitation a personal link's hash names.
    async fn invitation_by_link(&self, hash: &TokenHash) -> Result<Option<Invitation>>;
    /// Keeps the hash of a personal link before its mail is sent.
    async fn add_survey_link(&self, invitation_id: i64, hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
    /// Mails due now, oldest first.
    async fn due_survey_mails(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueSurveyMail>>;
    /// The transport took the mail.
    async fn survey_mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()>;
    /// The mail was not sent: tried again at `retry_at`, or given up on (`None`).
    async fn survey_mail_failed(&self, id: i64, retry_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<()>;

    /// The response of an invitation, if it has answered.
    async fn response_of(&self, invitation_id: i64) -> Result<Option<StoredResponse>>;
    /// Stores a response; an invitation that already answered has its answers
    /// replaced (one response per invitation). Returns the response's id.
    async fn save_response(&self, response: &NewResponse, now: DateTime<Utc>) -> Result<i64>;
    /// Invitations, responses and the counts of each question's answers.
    async fn survey_tally(&self, survey_id: i64) -> Result<SurveyTally>;
    /// Responses per municipality, area, age band and channel.
    async fn response_groups(&self, survey_id: i64) -> Result<Vec<ResponseGroup>>;
    /// When each response first came, oldest first.
    async fn response_times(&self, survey_id: i64) -> Result<Vec<DateTime<Utc>>>;
}

#[async_trait]
impl Surveys for SqlStore {
    async fn monitor_profile(&self, subscriber_id: i64) -> Result<Option<MonitorProfile>> {
        let row = self.db.query(MONITOR_BY_ID).bind(subscriber_id).fetch_optional().await?;
        row.as_ref().map(monitor_from_row).transpose()
    }

    async fn enrol_monitor(&self, subscriber_id: i64, profile: &MonitorProfile, now: DateTime<Utc>) -> Result<bool> {
        let changed = self
            .db
            .query(ENROL)
            .bind(subscriber_id)
            .bind(profile.municipality.as_str())
            .bind(profile.area_id)
            .bind(profile.age_band.as_str())
            .bind(profile.gender.map(Gender::as_str))
            .bind(profile.occupation.map(Occupation::as_str))
            .bind(now)
            .execute()
            .await?;
        Ok(changed > 0)
    }

    async fn leave_monitor_panel(&self, subscriber_id: i64, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(LEAVE).bind(subscriber_id).bind(now).execute().await? > 0)
    }

    async fn panel_counts(&self) -> Result<Vec<PanelCount>> {
        let rows = self.db.query(PANEL_COUNTS).fetch_all().await?;
        rows.iter()
            .map(|row| {
                Ok(PanelCount {
                    municipality: code(row.get("monitor_municipality")?)?,
                    area_id: row.get("monitor_area_id")?,
                    age_band: band(&row.get::<String>("monitor_age_band")?)?,
                    members: row.get("members")?,
                })
            })
            .collect()
    }

    async fn create_survey(&self, survey: &NewSurvey, now: DateTime<Utc>) -> Result<Survey> {
        let mut tx = self.db.begin().await?;
        let id: i64 = tx
            .query(INSERT_SURVEY)
            .bind(&survey.title)
            .bind(survey.introduction.as_deref())
            .bind(join(survey.municipalities.iter().map(|c| c.as_str().to_owned())))
            .bind(join(survey.age_bands.iter().map(|b| b.as_str().to_owned())))
            .bind(join(survey.areas.iter().map(i64::to_string)))
            .bind(survey.opens_at)
            .bind(survey.closes_at)
            .bind(&survey.created_by)
            .bind(now)
            .fetch_scalar()
            .await?;
        for (position, question) in survey.questions.iter().enumerate() {
            tx.query(INSERT_QUESTION)
                .bind(id)
                .bind(position as i64)
                .bind(question.kind.as_str())
                .bind(&question.text)
                // Choices are single lines, so a line feed parts them.
                .bind(question.choices.join("\n"))
                .bind(question.required)
                .bind(question.other)
                .execute()
                .await?;
        }
        tx.commit().await?;
        self.survey(id).await?.ok_or(crate::StoreError::NotFound)
    }

    async fn survey(&self, id: i64) -> Result<Option<Survey>> {
        let Some(row) = self.db.query(SURVEY_BY_ID).bind(id).fetch_optional().await? else {
            return Ok(None);
        };
        let questions = self.db.query(QUESTIONS_OF).bind(id).fetch_all().await?;
        let questions = questions.iter().map(question_from_row).collect::<Result<_>>()?;
        survey_from_row(&row, questions).map(Some)
    }

    async fn surveys(&self) -> Result<Vec<Survey>> {
        let rows = self.db.query(ALL_SURVEYS).fetch_all().await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get("id")?;
            let questions = self.db.query(QUESTIONS_OF).bind(id).fetch_all().await?;
            out.push(survey_from_row(row, questions.iter().map(question_from_row).collect::<Result<_>>()?)?);
        }
        Ok(out)
    }

    async fn close_survey(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(CLOSE_SURVEY).bind(id).bind(now).execute().await? > 0)
    }

    async fn invite_monitors(&self, survey_id: i64, now: DateTime<Utc>) -> Result<u64> {
        let survey = self.survey(survey_id).await?.ok_or(crate::StoreError::NotFound)?;
        let mut tx = self.db.begin().await?;
        let invited: Vec<i64> = tx.query(INVITED_SUBSCRIBERS).bind(survey_id).fetch_scalars().await?;
        let monitors = tx.query(ALL_MONITORS).fetch_all().await?;
        let mut count = 0;
        for row in &monitors {
            let id: i64 = row.get("id")?;
            let monitor = monitor_from_row(row)?;
            let targeted = survey.municipalities.contains(&monitor.municipality)
                && (survey.age_bands.is_empty() || survey.age_bands.contains(&monitor.age_band))
                && (survey.areas.is_empty() || monitor.area_id.is_some_and(|a| survey.areas.contains(&a)));
            if !targeted || invited.contains(&id) {
                continue;
            }
            let invitation: i64 = tx
                .query(INSERT_INVITATION)
                .bind(survey_id)
                .bind(id)
                .bind(monitor.municipality.as_str())
                .bind(monitor.area_id)
                .bind(monitor.age_band.as_str())
                .bind(now)
                .fetch_scalar()
                .await?;
            tx.query(QUEUE_MAIL).bind(invitation).bind(SurveyMailKind::Invite.as_str()).bind(now).execute().await?;
            count += 1;
        }
        tx.commit().await?;
        Ok(count)
    }

    async fn remind_monitors(
        &self,
        survey_id: i64,
        max: i64,
        quiet_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let due: Vec<i64> = tx.query(TO_REMIND).bind(survey_id).bind(max).bind(quiet_since).fetch_scalars().await?;
        for invitation in &due {
            tx.query(MARK_REMINDED).bind(*invitation).bind(now).execute().await?;
            tx.query(QUEUE_MAIL).bind(*invitation).bind(SurveyMailKind::Remind.as_str()).bind(now).execute().await?;
        }
        tx.commit().await?;
        Ok(due.len() as u64)
    }

    async fn invitations(&self, survey_id: i64) -> Result<Vec<Invitation>> {
        self.db.query(INVITATIONS_OF).bind(survey_id).fetch_all().await?.iter().map(invitation_from_row).collect()
    }

    async fn invitation_by_link(&self, hash: &TokenHash) -> Result<Option<Invitation>> {
        let row = self.db.query(INVITATION_COLUMNS_BY_LINK).bind(hash.as_str()).fetch_optional().await?;
        row.as_ref().map(invitation_from_row).transpose()
    }

    async fn add_survey_link(&self, invitation_id: i64, hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.db.query(INSERT_LINK).bind(hash.as_str()).bind(invitation_id).bind(now).execute().await?;
        Ok(())
    }

    async fn due_survey_mails(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueSurveyMail>> {
        let rows = self.db.query(DUE_MAILS).bind(now).bind(limit).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.get("kind")?;
                Ok(DueSurveyMail {
                    id: row.get("id")?,
                    kind: match kind.as_str() {
                        "invite" => SurveyMailKind::Invite,
                        "remind" => SurveyMailKind::Remind,
                        other => return Err(corrupt("survey mail kind", other)),
                    },
                    invitation_id: row.get("invitation_id")?,
                    survey_id: row.get("survey_id")?,
                    subscriber_id: row.get("subscriber_id")?,
                    attempts: row.get("attempts")?,
                })
            })
            .collect()
    }

    async fn survey_mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.db.query(MAIL_SENT).bind(id).bind(now).execute().await?;
        Ok(())
    }

    async fn survey_mail_failed(&self, id: i64, retry_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<()> {
        match retry_at {
            Some(at) => self.db.query(MAIL_RETRY).bind(id).bind(at).execute().await?,
            None => self.db.query(MAIL_FAILED).bind(id).bind(now).execute().await?,
        };
        Ok(())
    }

    async fn response_of(&self, invitation_id: i64) -> Result<Option<StoredResponse>> {
        let Some(row) = self.db.query(RESPONSE_OF_INVITATION).bind(invitation_id).fetch_optional().await? else {
            return Ok(None);
        };
        let id: i64 = row.get("id")?;
        let channel: String = row.get("channel")?;
        let rows = self.db.query(ANSWERS_OF).bind(id).fetch_all().await?;
        let mut answers: Vec<(i64, Answer)> = Vec::new();
        for answer in &rows {
            let question: i64 = answer.get("question_id")?;
            let kind: String = answer.get("kind")?;
            let value = match QuestionKind::parse(&kind) {
                Some(QuestionKind::Single | QuestionKind::Multiple) => {
                    match (answer.get::<Option<i64>>("choice")?, answer.get::<Option<String>>("text")?) {
                        (Some(choice), _) => Answer::Choices { chosen: vec![choice], other: None },
                        (None, Some(text)) => Answer::Choices { chosen: Vec::new(), other: Some(text) },
                        (None, None) => return Err(corrupt("choice answer", "empty")),
                    }
                }
                Some(QuestionKind::Rating) => Answer::Rating(answer.get("rating")?),
                Some(QuestionKind::Text) => Answer::Text(answer.get("text")?),
                None => return Err(corrupt("question kind", &kind)),
            };
            // A choice question's rows (each choice, and "その他") make one answer.
            match (answers.last_mut(), value) {
                (Some((q, Answer::Choices { chosen, other })), Answer::Choices { chosen: more, other: written })
                    if *q == question =>
                {
                    chosen.extend(more);
                    *other = written.or(other.take());
                }
                (_, value) => answers.push((question, value)),
            }
        }
        Ok(Some(StoredResponse {
            id,
            channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
            submitted_at: row.get("submitted_at")?,
            updated_at: row.get("updated_at")?,
            answers,
        }))
    }

    async fn save_response(&self, response: &NewResponse, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.db.begin().await?;
        let existing = match response.invitation_id {
            Some(invitation) => tx.query(RESPONSE_OF_INVITATION).bind(invitation).fetch_optional().await?,
            None => None,
        };
        let id: i64 = match existing {
            Some(row) => {
                let id: i64 = row.get("id")?;
                tx.query(UPDATE_RESPONSE).bind(id).bind(response.channel.as_str()).bind(now).execute().await?;
                tx.query(DELETE_ANSWERS).bind(id).execute().await?;
                id
            }
            None => {
                tx.query(INSERT_RESPONSE)
                    .bind(response.survey_id)
                    .bind(response.invitation_id)
                    .bind(response.channel.as_str())
                    .bind(response.municipality.as_str())
                    .bind(response.area_id)
                    .bind(response.age_band.as_str())
                    .bind(now)
                    .fetch_scalar()
                    .await?
            }
        };
        for (question, answer) in &response.answers {
            match answer {
                Answer::Choices { chosen, other } => {
                    for choice in chosen {
                        let statement = tx.query(INSERT_ANSWER).bind(id).bind(*question).bind(*choice);
                        statement.bind(None::<i64>).bind(None::<String>).execute().await?;
                    }
                    if let Some(text) = other {
                        let statement = tx.query(INSERT_ANSWER).bind(id).bind(*question).bind(None::<i64>);
                        statement.bind(None::<i64>).bind(text.as_str()).execute().await?;
                    }
                }
                Answer::Rating(rating) => {
                    let statement = tx.query(INSERT_ANSWER).bind(id).bind(*question).bind(None::<i64>);
                    statement.bind(*rating).bind(None::<String>).execute().await?;
                }
                Answer::Text(text) => {
                    let statement = tx.query(INSERT_ANSWER).bind(id).bind(*question).bind(None::<i64>);
                    statement.bind(None::<i64>).bind(text.as_str()).execute().await?;
                }
            }
        }
        tx.commit().await?;
        Ok(id)
    }

    async fn survey_tally(&self, survey_id: i64) -> Result<SurveyTally> {
        let invited: i64 = self.db.query(COUNT_INVITED).bind(survey_id).fetch_scalar().await?;
        let mut tally = SurveyTally { invited, ..SurveyTally::default() };
        for row in self.db.query(COUNT_BY_CHANNEL).bind(survey_id).fetch_all().await? {
            let channel: String = row.get("channel")?;
            match Channel::parse(&channel) {
                Some(Channel::Web) => tally.web = row.get("n")?,
                Some(Channel::Paper) => tally.paper = row.get("n")?,
                None => return Err(corrupt("channel", &channel)),
            }
        }
        for row in self.db.query(CHOICE_COUNTS).bind(survey_id).fetch_all().await? {
            tally.counts.push((row.get("question_id")?, row.get("value")?, row.get("n")?));
        }
        for row in self.db.query(TEXT_ANSWERS).bind(survey_id).fetch_all().await? {
            tally.texts.push((row.get("question_id")?, row.get("text")?));
        }
        for row in self.db.query(ANSWERED_PER_QUESTION).bind(survey_id).fetch_all().await? {
            tally.answered.push((row.get("question_id")?, row.get("n")?));
        }
        Ok(tally)
    }

    async fn response_times(&self, survey_id: i64) -> Result<Vec<DateTime<Utc>>> {
        self.db.query(RESPONSE_TIMES).bind(survey_id).fetch_scalars().await
    }

    async fn response_groups(&self, survey_id: i64) -> Result<Vec<ResponseGroup>> {
        let rows = self.db.query(RESPONSE_GROUPS).bind(survey_id).fetch_all().await?;
        rows.iter()
            .map(|row| {
                let channel: String = row.get("channel")?;
                Ok(ResponseGroup {
                    municipality: code(row.get("municipality_code")?)?,
                    area_id: row.get("area_id")?,
                    age_band: band(&row.get::<String>("age_band")?)?,
                    channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
                    responses: row.get("n")?,
                })
            })
            .collect()
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(",")
}

fn split(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').filter(|s| !s.is_empty())
}

fn code(value: String) -> Result<MunicipalityCode> {
    MunicipalityCode::parse(&value).map_err(|_| corrupt("municipality code", &value))
}

fn band(value: &str) -> Result<AgeBand> {
    AgeBand::parse(value).ok_or_else(|| corrupt("age band", value))
}

fn monitor_from_row(row: &Row) -> Result<MonitorProfile> {
    let gender: Option<String> = row.get("monitor_gender")?;
    let occupation: Option<String> = row.get("monitor_occupation")?;
    Ok(MonitorProfile {
        municipality: code(row.get("monitor_municipality")?)?,
        area_id: row.get("monitor_area_id")?,
        age_band: band(&row.get::<String>("monitor_age_band")?)?,
        gender: gender.as_deref().and_then(Gender::parse),
        occupation: occupation.as_deref().and_then(Occupation::parse),
    })
}

fn question_from_row(row: &Row) -> Result<Question> {
    let kind: String = row.get("kind")?;
    let choices: String = row.get("choices")?;
    Ok(Question {
        id: row.get("id")?,
        kind: QuestionKind::parse(&kind).ok_or_else(|| corrupt("question kind", &kind))?,
        text: row.get("text")?,
        choices: choices.split('\n').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
        required: row.get("required")?,
        other: row.get("other")?,
    })
}

fn survey_from_row(row: &Row, questions: Vec<Question>) -> Result<Survey> {
    let municipalities: String = row.get("municipalities")?;
    let age_bands: String = row.get("age_bands")?;
    let areas: String = row.get("areas")?;
    Ok(Survey {
        id: row.get("id")?,
        title: row.get("title")?,
        introduction: row.get("introduction")?,
        municipalities: split(&municipalities).map(|c| code(c.to_owned())).collect::<Result<_>>()?,
        age_bands: split(&age_bands).map(band).collect::<Result<_>>()?,
        areas: split(&areas).map(|a| a.parse().map_err(|_| corrupt("area id", a))).collect::<Result<_>>()?,
        opens_at: row.get("opens_at")?,
        closes_at: row.get("closes_at")?,
        closed_at: row.get("closed_at")?,
        created_by: row.get("created_by")?,
        created_at: row.get("created_at")?,
        questions,
    })
}

fn invitation_from_row(row: &Row) -> Result<Invitation> {
    Ok(Invitation {
        id: row.get("id")?,
        survey_id: row.get("survey_id")?,
        subscriber_id: row.get("subscriber_id")?,
        municipality: code(row.get("municipality_code")?)?,
        area_id: row.get("area_id")?,
        age_band: band(&row.get::<String>("age_band")?)?,
        invited_at: row.get("invited_at")?,
        reminders: row.get("reminders")?,
    })
}
