//! Resident services: register with double opt-in, confirm, change choices,
//! unsubscribe and erase. Each is what one form submission does.

use chrono::Duration;
use kizuna_core::consortium::{Category, Municipality};
use kizuna_core::registration::{Choices, Reach, Registration};
use kizuna_core::subscriber::{RegistrationSource, SubscriberStatus, TokenPurpose};
use kizuna_core::token::{SecretToken, TokenHash, random_secret};
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_mail::MailError;
use kizuna_store::{
    ConfirmOutcome, NewAuditEntry, NewLinkToken, PendingOutcome, PendingRegistration, Preferences, StoreError,
    Subscriber, Subscription,
};

use super::client::network_key;
use super::limiter::RateLimiter;
use super::mails::{self, ChoiceSummary, MailSite};
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

/// The consortium's municipalities and categories, which every form is parsed against.
pub struct Catalog {
    pub municipalities: Vec<Municipality>,
    pub categories: Vec<Category>,
    pub consortium_ja: String,
    pub consortium_en: String,
}

impl Catalog {
    pub async fn load(state: &AppState) -> Result<Self, StoreError> {
        let consortium = state.store.consortium().await?;
        Ok(Self {
            municipalities: state.store.municipalities().await?,
            categories: state.store.categories().await?,
            consortium_ja: consortium.as_ref().map(|c| c.name_ja.clone()).unwrap_or_default(),
            consortium_en: consortium.map(|c| c.name_en).unwrap_or_default(),
        })
    }

    pub fn consortium(&self, lang: Lang) -> &str {
        lang.pick(&self.consortium_ja, &self.consortium_en)
    }

    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code.as_str() == code)
    }

    pub fn category(&self, key: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.key.as_str() == key)
    }

    /// The emergency categories' names, which "emergency information only" stands for.
    pub fn emergency_names(&self, lang: Lang) -> String {
        let names: Vec<&str> =
            self.categories.iter().filter(|c| c.emergency && !c.restricted).map(|c| c.name(lang)).collect();
        names.join(lang.pick("、", ", "))
    }

    /// "秩父市、皆野町" and "防災情報、気象情報" for what a resident receives.
    pub fn describe(&self, subscriptions: &[Subscription], emergency_only: bool, lang: Lang) -> (String, String) {
        // Category names hold "・" themselves, so lists are joined with "、".
        let separator = lang.pick("、", ", ");
        let towns: Vec<&str> = self
            .municipalities
            .iter()
            .filter(|m| subscriptions.iter().any(|s| s.municipality == m.code))
            .map(|m| m.name(lang))
            .collect();
        let categories = if emergency_only {
            format!("{}{}", lang.pick("緊急情報のみ", "Emergency information only"), self.bracketed(lang))
        } else {
            let names: Vec<&str> = self
                .categories
                .iter()
                .filter(|c| !c.restricted && subscriptions.iter().any(|s| s.category == c.key))
                .map(|c| c.name(lang))
                .collect();
            names.join(separator)
        };
        (towns.join(separator), categories)
    }

    fn bracketed(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("（{}）", self.emergency_names(lang)),
            Lang::En => format!(" ({})", self.emergency_names(lang)),
        }
    }

    fn summary(&self, subscriptions: &[Subscription], emergency_only: bool) -> ChoiceSummary {
        let (municipalities_ja, categories_ja) = self.describe(subscriptions, emergency_only, Lang::Ja);
        let (municipalities_en, categories_en) = self.describe(subscriptions, emergency_only, Lang::En);
        ChoiceSummary { municipalities_ja, municipalities_en, categories_ja, categories_en }
    }

    fn subscriptions(&self, choices: &Choices) -> Vec<Subscription> {
        choices
            .pairs(&self.categories)
            .into_iter()
            .map(|(municipality, category)| Subscription { municipality, category, area_id: None })
            .collect()
    }
}

fn preferences(choices: &Choices) -> Preferences {
    Preferences {
        language: choices.language,
        format: choices.format,
        charset: choices.charset,
        emergency_only: choices.reach == Reach::EmergencyOnly,
    }
}

fn mail_site<'a>(state: &'a AppState, catalog: &'a Catalog) -> MailSite<'a> {
    MailSite {
        base_url: &state.settings.base_url,
        mail_domain: &state.settings.mail_domain,
        consortium_ja: &catalog.consortium_ja,
        consortium_en: &catalog.consortium_en,
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
    limiter: &RateLimiter,
    catalog: &Catalog,
    submission: &Submission,
    client: Option<std::net::IpAddr>,
) -> Result<Registered, ResidentError> {
    let now = state.clock.now();
    let limits = &state.settings.residents;
    let network = network_key(client);
    if !limiter.allow(&network, limits.per_client, now) {
        // The network is not logged: the privacy page promises it is not stored.
        tracing::warn!("registration refused: too many from one client network");
        return Ok(Registered::ClientBusy);
    }
    let email = &submission.registration.email;
    let address_hash = TokenHash::of(email.as_str());
    if !limiter.allow(&format!("address:{}", address_hash.as_str()), limits.per_address, now) {
        tracing::warn!(address = %email.masked(), "registration mail withheld: too many for one address");
        return Ok(Registered::Accepted);
    }
    let choices = &submission.registration.choices;
    let subscriptions = catalog.subscriptions(choices);
    let token = new_token()?;
    let pending = PendingRegistration {
        email: email.clone(),
        preferences: preferences(choices),
        source: submission.source,
        source_municipality: submission.poster.clone(),
        subscriptions: subscriptions.clone(),
        token: token.hash(),
        expires_at: now + limits.confirmation,
    };
    let site = mail_site(state, catalog);
    let message = match state.store.save_pending_registration(&pending, now).await? {
        PendingOutcome::Saved { .. } => {
            let link = format!("{}/confirm/{}", site.base_url, token.expose());
            let summary = catalog.summary(&subscriptions, pending.preferences.emergency_only);
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

/// Tokens are 43 characters of base64url; anything else is not looked up at all.
fn plausible(token: &str) -> bool {
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
    let hash = SecretToken::from_presented(token).hash();
    if let Some(delivery) = state.store.delivery_by_token(&hash).await? {
        return Ok(state.store.subscriber(delivery.subscriber_id).await?.map(Holder::Resident));
    }
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

/// Replaces a resident's choices and returns the resident as now stored.
/// Restricted (staff-only) subscriptions are not on the form, so they are kept.
pub async fn change_choices(
    state: &AppState,
    catalog: &Catalog,
    subscriber: &Subscriber,
    choices: &Choices,
) -> Result<Subscriber, StoreError> {
    let mut subscriptions = catalog.subscriptions(choices);
    let kept = state.store.subscriptions(subscriber.id).await?;
    subscriptions
        .extend(kept.into_iter().filter(|s| catalog.category(s.category.as_str()).is_some_and(|c| c.restricted)));
    state.store.update_preferences(subscriber.id, &preferences(choices), &subscriptions, state.clock.now()).await?;
    state.store.subscriber(subscriber.id).await?.ok_or(StoreError::NotFound)
}

/// A resident's stored choices, as the manage form shows them.
pub async fn current_choices(
    state: &AppState,
    catalog: &Catalog,
    subscriber: &Subscriber,
) -> Result<kizuna_core::registration::ChoicesInput, StoreError> {
    let subscriptions = state.store.subscriptions(subscriber.id).await?;
    Ok(stored_choices(catalog, subscriber, &subscriptions))
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
    let entry = NewAuditEntry {
        actor: "resident".into(),
        action: "erase_self".into(),
        subject: format!("subscriber:{}", subscriber.id),
        detail: "{}".into(),
    };
    state.store.record_audit(&entry, now).await?;
    tracing::info!(subscriber = subscriber.id, "erased at the resident's request");
    Ok(())
}

fn stored_choices(
    catalog: &Catalog,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
) -> kizuna_core::registration::ChoicesInput {
    let municipalities = catalog
        .municipalities
        .iter()
        .filter(|m| subscriptions.iter().any(|s| s.municipality == m.code))
        .map(|m| m.code.to_string())
        .collect();
    let categories = if subscriber.emergency_only {
        Vec::new()
    } else {
        catalog
            .categories
            .iter()
            .filter(|c| !c.restricted && subscriptions.iter().any(|s| s.category == c.key))
            .map(|c| c.key.to_string())
            .collect()
    };
    kizuna_core::registration::ChoicesInput {
        municipalities,
        scope: Some(if subscriber.emergency_only { "emergency" } else { "chosen" }.to_owned()),
        categories,
        format: Some(subscriber.format.as_str().to_owned()),
        charset: Some(subscriber.charset.as_str().to_owned()),
        language: Some(subscriber.language.as_str().to_owned()),
    }
}

/// Registers an address an empty-mail reply link has proven: saved and
/// confirmed at once, the link used up. Returns the subscriber, their choices
/// and a manage token for the page; `None` when the link is no longer valid.
/// An address that was already active keeps its choices and gets its manage link.
pub async fn register_proven(
    state: &AppState,
    catalog: &Catalog,
    submission: &Submission,
    mail_token: &str,
) -> Result<Option<(Subscriber, Vec<Subscription>, String)>, ResidentError> {
    let now = state.clock.now();
    let mail_hash = SecretToken::from_presented(mail_token).hash();
    let choices = &submission.registration.choices;
    let confirm = new_token()?;
    let pending = PendingRegistration {
        email: submission.registration.email.clone(),
        preferences: preferences(choices),
        source: submission.source,
        source_municipality: submission.poster.clone(),
        subscriptions: catalog.subscriptions(choices),
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
