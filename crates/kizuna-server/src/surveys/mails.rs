//! Invitation and reminder mails: the scheduler sends what `invite` and
//! `remind` queued, a batch each step, each mail with a personal link
//! `/surveys/{token}` whose hash is stored before the mail leaves. A mail the
//! relay refuses for now is tried again later; one to a resident who left or
//! was erased, or for a survey that closed, is dropped.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use kizuna_core::EmailAddress;
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_core::token::{SecretToken, random_secret};
use kizuna_store::{DueSurveyMail, StoreError, Survey, SurveyMailKind};

use crate::residents::mails::{MailSite, bodies, compose_in, subject_line};
use crate::state::AppState;

/// Mails sent in one scheduler step (every few seconds): hundreds a minute.
pub const BATCH: i64 = 200;
/// Tries before a mail is given up on.
const ATTEMPTS: i64 = 5;

/// What one step did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub sent: u64,
    pub dropped: u64,
    pub deferred: u64,
}

/// Sends the survey mails that are due; called by the scheduler under its lease.
pub async fn send_due(state: &AppState) -> Result<Sent, StoreError> {
    let now = state.clock.now();
    let due = state.store.due_survey_mails(now, BATCH).await?;
    let mut surveys: HashMap<i64, Option<Survey>> = HashMap::new();
    let mut outcome = Sent::default();
    for mail in due {
        if let std::collections::hash_map::Entry::Vacant(entry) = surveys.entry(mail.survey_id) {
            entry.insert(state.store.survey(mail.survey_id).await?);
        }
        let survey = surveys.get(&mail.survey_id).and_then(Option::as_ref);
        match send_one(state, &mail, survey, now).await? {
            Step::Sent => outcome.sent += 1,
            Step::Dropped => outcome.dropped += 1,
            Step::Deferred => outcome.deferred += 1,
        }
    }
    if outcome != Sent::default() {
        tracing::info!(sent = outcome.sent, dropped = outcome.dropped, deferred = outcome.deferred, "survey mails");
    }
    Ok(outcome)
}

enum Step {
    Sent,
    Dropped,
    Deferred,
}

async fn send_one(
    state: &AppState,
    mail: &DueSurveyMail,
    survey: Option<&Survey>,
    now: DateTime<Utc>,
) -> Result<Step, StoreError> {
    let subscriber = match mail.subscriber_id {
        Some(id) => state.store.subscriber(id).await?,
        None => None,
    };
    let Some(subscriber) = subscriber.filter(|s| s.status == SubscriberStatus::Active) else {
        state.store.survey_mail_failed(mail.id, None, now).await?;
        return Ok(Step::Dropped);
    };
    let (Some(survey), Ok(address)) = (survey.filter(|s| !s.is_closed(now)), EmailAddress::parse(&subscriber.email))
    else {
        state.store.survey_mail_failed(mail.id, None, now).await?;
        return Ok(Step::Dropped);
    };
    let Ok(token) = SecretToken::generate() else {
        return defer(state, mail, now).await;
    };
    state.store.add_survey_link(mail.invitation_id, &token.hash(), now).await?;
    let directory = state.directory.current();
    let site = MailSite {
        base_url: &state.settings.base_url,
        mail_domain: &state.settings.mail_domain,
        directory: &directory,
        offered: &state.settings.languages,
    };
    let link = format!("{}/surveys/{}", site.base_url, token.expose());
    let langs = site.languages(subscriber.language);
    let (key, subject, short) = match mail.kind {
        SurveyMailKind::Invite => ("mail-survey-invite-body", "mail-survey-invite-subject", "mail-survey-invite-short"),
        SurveyMailKind::Remind => ("mail-survey-remind-body", "mail-survey-remind-subject", "mail-survey-remind-short"),
    };
    let body = bodies(&langs, key, |lang| {
        let closes = survey.closing().map_or_else(
            || crate::texts::text(lang, "mail-survey-no-closing").into_owned(),
            |at| kizuna_core::time::format_for(at, lang),
        );
        vec![
            ("consortium", directory.consortium_name(lang).to_owned().into()),
            ("title", survey.title.clone().into()),
            ("link", link.clone().into()),
            ("closes", closes.into()),
        ]
    });
    let subject = format!("{} {}", subject_line(&langs, subject, short), survey.title);
    let random = random_secret(12).unwrap_or_default();
    let message_id = format!("kizuna.s.{}.{random}@{}", mail.id, state.settings.mail_domain);
    let message = compose_in(&site, &address, &subject, &body, message_id, now, subscriber.charset);
    match state.transport.send(&message).await {
        Ok(_) => {
            state.store.survey_mail_sent(mail.id, now).await?;
            Ok(Step::Sent)
        }
        Err(error) => {
            tracing::warn!(mail = mail.id, address = %address.masked(), %error, "survey mail not sent");
            defer(state, mail, now).await
        }
    }
}

async fn defer(state: &AppState, mail: &DueSurveyMail, now: DateTime<Utc>) -> Result<Step, StoreError> {
    let retry = (mail.attempts + 1 < ATTEMPTS).then(|| now + Duration::minutes(5 << mail.attempts.min(4)));
    state.store.survey_mail_failed(mail.id, retry, now).await?;
    Ok(if retry.is_some() { Step::Deferred } else { Step::Dropped })
}
