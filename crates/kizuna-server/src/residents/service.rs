//! Resident services: register with double opt-in (or by empty mail), confirm,
//! change choices, unsubscribe and erase. Each is what one form submission does.

use chrono::Duration;
use kizuna_core::MunicipalityCode;
use kizuna_core::registration::{Choices, ChoicesInput, Registration};
use kizuna_core::subscriber::{RegistrationSource, SubscriberStatus, TokenPurpose};
use kizuna_core::token::{SecretToken, TokenHash, random_secret};
use kizuna_mail::MailError;
use kizuna_store::{
    ConfirmOutcome, NewAuditEntry, NewLinkToken, PendingOutcome, PendingRegistration, StoreError, Subscriber,
    Subscription,
};

use super::choices;
use super::client::network_key;
use super::mails::{self, MailSite};
use crate::directory::ReferenceData;
use crate::links::{self, LinkPurpose};
use crate::state::AppState;

/// How long the manage link in an "already registered" mail works.
pub const MANAGE_LINK_DAYS: i64 = 7;

#[derive(Debug, thiserror::Error)]
pub enum ResidentError {
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("the mail could not be handed over: {0}")]
    Mail(#[from] MailError),
    #[error("no randomness for a token: {0}")]
    Random(String),
}

fn mail_site<'a>(state: &'a AppState, directory: &'a ReferenceData) -> MailSite<'a> {
    MailSite {
        base_url: &state.settings.base_url,
        mail_domain: &state.settings.mail_domain,
        directory,
        offered: &state.settings.languages,
    }
}

fn new_token() -> Result<SecretToken, ResidentError> {
    SecretToken::generate().map_err(|e| ResidentError::Random(e.to_string()))
}

/// A Message-ID that carries nothing of the token.
fn message_id(state: &AppState) -> Result<String, ResidentError> {
    let random = random_secret(12).map_err(|e| ResidentError::Random(e.to_string()))?;
    Ok(format!("kizuna.r.{random}@{}", state.settings.mail_domain))
}

/// A submitted registration form, parsed.
pub struct Submission {
    pub registration: Registration,
    pub source: RegistrationSource,
    /// The municipality of the poster whose QR code led here.
    pub poster: Option<MunicipalityCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// The page says "a mail is on its way" — whether a confirmation or a
    /// manage link went out, or the address had asked too often.
    Accepted,
    /// This client network sent too many registrations just now.
    ClientBusy,
}

/// Registers an address: a new (or lapsed) one gets a confirmation link, a
/// registered one gets its manage link. The answer never tells them apart.
pub async fn register(
    state: &AppState,
    directory: &ReferenceData,
    submission: &Submission,
    client: Option<std::net::IpAddr>,
) -> Result<Registered, ResidentError> {
    let now = state.clock.now();
    let limits = &state.settings.residents;
    let network = network_key(client);
    if !crate::limits::registration_from(state, &network).await? {
        // The network is not logged: the privacy page promises it is not stored.
        tracing::warn!("registration refused: too many from one client network");
        return Ok(Registered::ClientBusy);
    }
    let email = &submission.registration.email;
    let address_hash = TokenHash::of(email.as_str());
    if !crate::limits::registration_mail_to(state, &address_hash).await? {
        tracing::warn!(address = %email.masked(), "registration mail withheld: too many for one address");
        return Ok(Registered::Accepted);
    }
    let choices = &submission.registration.choices;
    let subscriptions = choices::subscriptions(directory, choices);
    let token = new_token()?;
    let pending = PendingRegistration {
        email: email.clone(),
        preferences: choices::preferences(choices),
        source: submission.source,
        source_municipality: submission.poster.clone(),
        subscriptions: subscriptions.clone(),
        token: token.hash(),
        expires_at: now + limits.confirmation,
    };
    let site = mail_site(state, directory);
    let message = match state.store.save_pending_registration(&pending, now).await? {
        PendingOutcome::Saved { .. } => {
            let link = format!("{}/confirm/{}", site.base_url, token.expose());
            let emergency_only = pending.preferences.emergency_only;
            let summary = choices::summary(directory, &subscriptions, emergency_only, site.offered.iter());
            let hours = limits.confirmation.num_hours();
            tracing::info!(address = %email.masked(), "confirmation mail");
            mails::confirmation(&site, email, choices.language, &link, &summary, hours, message_id(state)?, now)
        }
        PendingOutcome::AlreadyActive { subscriber_id } => {
            let manage = new_token()?;
            let link_token = NewLinkToken {
                hash: manage.hash(),
                purpose: TokenPurpose::AlreadyRegistered,
                subscriber_id: Some(subscriber_id),
                email: None,
                expires_at: now + Duration::days(MANAGE_LINK_DAYS),
            };
            state.store.create_link_token(&link_token, now).await?;
            let language = state.store.subscriber(subscriber_id).await?.map_or(choices.language, |s| s.language);
            let link = format!("{}/manage/{}", site.base_url, manage.expose());
            tracing::info!(address = %email.masked(), "already registered: manage link mail");
            mails::already_registered(&site, email, language, &link, MANAGE_LINK_DAYS, message_id(state)?, now)
        }
    };
    state.transport.send(&message).await?;
    Ok(Registered::Accepted)
}

/// The address an empty-mail reply link proves, while the link is unused and valid.
pub async fn mail_link_address(state: &AppState, token: &str) -> Result<Option<String>, StoreError> {
    let hash = SecretToken::from_presented(token).hash();
    let link = state.store.link_token(&hash, state.clock.now()).await?;
    Ok(link.filter(|l| l.purpose == TokenPurpose::EmptyMailReply && l.used_at.is_none()).and_then(|l| l.email))
}

/// Tokens are 16 to 128 letters, digits, `-` and `_` (base64url, base32, or a
/// derived link, `crate::links`); anything else is not looked up at all.
pub(crate) fn plausible(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whose link a manage or unsubscribe token is.
pub enum Holder {
    Resident(Subscriber),
    /// A confirmation link of a registration not yet confirmed.
    NotYetConfirmed,
}

/// Resolves a token from a notice mail (a delivery token) or from a
/// registration mail (a link token) to the resident it was sent to.
pub async fn holder(state: &AppState, token: &str) -> Result<Option<Holder>, StoreError> {
    if !plausible(token) {
        return Ok(None);
    }
    if let Some(delivery) = links::delivery(state, LinkPurpose::Resident, token).await? {
        return Ok(state.store.subscriber(delivery.subscriber_id).await?.map(Holder::Resident));
    }
    let hash = SecretToken::from_presented(token).hash();
    let Some(link) = state.store.link_token(&hash, state.clock.now()).await? else {
        return Ok(None);
    };
    let subscriber = match (link.purpose, link.subscriber_id) {
        (TokenPurpose::Manage | TokenPurpose::AlreadyRegistered | TokenPurpose::Confirm, Some(id)) => {
            state.store.subscriber(id).await?
        }
        _ => None,
    };
    Ok(match subscriber {
        Some(s) if link.purpose == TokenPurpose::Confirm && s.status == SubscriberStatus::Pending => {
            Some(Holder::NotYetConfirmed)
        }
        Some(s) => Some(Holder::Resident(s)),
        None => None,
    })
}

/// What a confirmation link shows before its button is pressed.
pub enum Confirmation {
    Waiting { subscriber: Subscriber, subscriptions: Vec<Subscription> },
    AlreadyDone(Subscriber),
}

/// Reads a confirmation link without acting on it: mail scanners open links
/// on their own, so only the POST of the button confirms.
pub async fn confirmation(state: &AppState, token: &str) -> Result<Option<Confirmation>, StoreError> {
    if !plausible(token) {
        return Ok(None);
    }
    let hash = SecretToken::from_presented(token).hash();
    let now = state.clock.now();
    let Some(link) = state.store.link_token(&hash, now).await? else {
        return Ok(None);
    };
    let (TokenPurpose::Confirm, Some(id)) = (link.purpose, link.subscriber_id) else {
        return Ok(None);
    };
    let Some(subscriber) = state.store.subscriber(id).await? else {
        return Ok(None);
    };
    Ok(match subscriber.status {
        SubscriberStatus::Active => Some(Confirmation::AlreadyDone(subscriber)),
        SubscriberStatus::Pending if link.used_at.is_none() => {
            let subscriptions = state.store.subscriptions(id).await?;
            Some(Confirmation::Waiting { subscriber, subscriptions })
        }
        _ => None,
    })
}

/// Presses the confirmation button: the registration becomes active.
pub async fn confirm(state: &AppState, token: &str) -> Result<Option<(Subscriber, Vec<Subscription>)>, StoreError> {
    if !plausible(token) {
        return Ok(None);
    }
    let hash = SecretToken::from_presented(token).hash();
    let id = match state.store.confirm_registration(&hash, state.clock.now()).await? {
        ConfirmOutcome::Confirmed { subscriber_id } => {
            tracing::info!(subscriber = subscriber_id, "registration confirmed");
            subscriber_id
        }
        ConfirmOutcome::AlreadyConfirmed { subscriber_id } => subscriber_id,
        ConfirmOutcome::Invalid => return Ok(None),
    };
    let Some(subscriber) = state.store.subscriber(id).await? else {
        return Ok(None);
    };
    let subscriptions = state.store.subscriptions(id).await?;
    Ok(Some((subscriber, subscriptions)))
}

/// Replaces a resident's choices; returns the resident as now stored, with the
/// choices as the manage form shows them again. Restricted (staff-only)
/// subscriptions are not on the form, so they are kept.
pub async fn change_choices(
    state: &AppState,
    directory: &ReferenceData,
    subscriber: &Subscriber,
    choices: &Choices,
) -> Result<(Subscriber, ChoicesInput), StoreError> {
    let mut subscriptions = choices::subscriptions(directory, choices);
    let kept = state.store.subscriptions(subscriber.id).await?;
    subscriptions
        .extend(kept.into_iter().filter(|s| directory.category(s.category.as_str()).is_some_and(|c| c.restricted)));
    let now = state.clock.now();
    state.store.update_preferences(subscriber.id, &choices::preferences(choices), &subscriptions, now).await?;
    let saved = state.store.subscriber(subscriber.id).await?.ok_or(StoreError::NotFound)?;
    let input = current_choices(state, directory, &saved).await?;
    Ok((saved, input))
}

/// A resident's stored choices, as the manage form shows them.
pub async fn current_choices(
    state: &AppState,
    directory: &ReferenceData,
    subscriber: &Subscriber,
) -> Result<ChoicesInput, StoreError> {
    let subscriptions = state.store.subscriptions(subscriber.id).await?;
    Ok(choices::stored_choices(directory, subscriber, &subscriptions))
}

/// Stops every mail to a resident; false when they had already left.
pub async fn unsubscribe(state: &AppState, subscriber: &Subscriber) -> Result<bool, StoreError> {
    let changed = state.store.unsubscribe_subscriber(subscriber.id, state.clock.now()).await?;
    if changed {
        tracing::info!(subscriber = subscriber.id, "unsubscribed");
    }
    Ok(changed)
}

/// Erases a resident, keeping only the hash of the address so that it is
/// never mailed again unless it registers anew.
pub async fn erase(state: &AppState, subscriber: &Subscriber) -> Result<(), StoreError> {
    let now = state.clock.now();
    state.store.erase_subscriber(subscriber.id, now).await?;
    let entry = NewAuditEntry::new("resident", "erase_self", format!("subscriber:{}", subscriber.id), "{}");
    state.store.record_audit(&entry, now).await?;
    tracing::info!(subscriber = subscriber.id, "erased at the resident's request");
    Ok(())
}

/// Registers an address an empty-mail reply link has proven: saved and
/// confirmed at once, the link used up. Returns the subscriber, their choices
/// and a manage token for the page; `None` when the link is no longer valid.
/// An address that was already active keeps its choices and gets its manage link.
pub async fn register_proven(
    state: &AppState,
    directory: &ReferenceData,
    submission: &Submission,
    mail_token: &str,
) -> Result<Option<(Subscriber, Vec<Subscription>, String)>, ResidentError> {
    let now = state.clock.now();
    let mail_hash = SecretToken::from_presented(mail_token).hash();
    let choices = &submission.registration.choices;
    let confirm = new_token()?;
    let pending = PendingRegistration {
        email: submission.registration.email.clone(),
        preferences: choices::preferences(choices),
        source: submission.source,
        source_municipality: submission.poster.clone(),
        subscriptions: choices::subscriptions(directory, choices),
        token: confirm.hash(),
        expires_at: now + state.settings.residents.confirmation,
    };
    let subscriber_id = match state.store.save_pending_registration(&pending, now).await? {
        PendingOutcome::Saved { subscriber_id } => {
            if state.store.confirm_registration(&confirm.hash(), now).await? == ConfirmOutcome::Invalid {
                return Ok(None);
            }
            subscriber_id
        }
        PendingOutcome::AlreadyActive { subscriber_id } => subscriber_id,
    };
    state.store.mark_link_token_used(&mail_hash, now).await?;
    let manage = new_token()?;
    state
        .store
        .create_link_token(
            &NewLinkToken {
                hash: manage.hash(),
                purpose: TokenPurpose::Manage,
                subscriber_id: Some(subscriber_id),
                email: None,
                expires_at: now + Duration::days(MANAGE_LINK_DAYS),
            },
            now,
        )
        .await?;
    let Some(subscriber) = state.store.subscriber(subscriber_id).await? else {
        return Ok(None);
    };
    let subscriptions = state.store.subscriptions(subscriber_id).await?;
    tracing::info!(address = %submission.registration.email.masked(), "registered by empty mail");
    Ok(Some((subscriber, subscriptions, manage.expose().to_owned())))
}
