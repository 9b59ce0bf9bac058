//! The inbound SMTP listener: empty mails that start a registration, mails to
//! `unsubscribe+TOKEN@D`, and bounce reports to `bounce+TOKEN@D`. The protocol
//! lives in `kizuna_mail::inbound`; this module decides what each mail means.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use kizuna_core::subscriber::{SubscriberStatus, TokenPurpose};
use kizuna_core::token::SecretToken;
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::dsn::{BounceKind, classify_bounce};
use kizuna_mail::inbound::{
    ConnectionLimiter, HandlerError, InboundAddress, InboundHandler, InboundMessage, MailDomain, SessionConfig,
    parse_inbound, refuse_connection, run_session,
};
use kizuna_mail::message::{TextMessage, charset_before_choice};
use kizuna_mail::{Envelope, OutgoingMessage};
use kizuna_store::{NewAuditEntry, NewLinkToken, StoreError};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::links::{self, LinkPurpose};
use crate::state::AppState;
use crate::texts;

/// How long the link in an empty-mail reply works.
const REPLY_LINK_HOURS: i64 = 24;

pub struct MailHandler {
    state: AppState,
}

fn temporary(error: StoreError) -> HandlerError {
    HandlerError::Temporary(format!("storage: {error}"))
}

impl MailHandler {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Answers an empty mail with a link that proves the address and lets the
    /// resident choose. Never answers the null sender or automatic mail.
    async fn register(&self, message: &InboundMessage, municipality: Option<&str>) -> Result<(), HandlerError> {
        let parsed = parse_inbound(&message.raw);
        let Some(sender) = message.sender.clone() else {
            tracing::info!("empty mail from the null sender: no reply");
            return Ok(());
        };
        if parsed.is_auto_generated() {
            tracing::info!(from = %sender.masked(), "automatic mail to the registration address: no reply");
            return Ok(());
        }
        let allowed = crate::limits::reply_to(&self.state, &sender)
            .await
            .map_err(|e| HandlerError::Temporary(format!("counting replies: {e}")))?;
        if !allowed {
            tracing::warn!(from = %sender.masked(), "registration replies to this address are rate-limited");
            return Ok(());
        }
        let now = self.state.clock.now();
        let token = SecretToken::generate().map_err(|e| HandlerError::Temporary(e.to_string()))?;
        self.state
            .store
            .create_link_token(
                &NewLinkToken {
                    hash: token.hash(),
                    purpose: TokenPurpose::EmptyMailReply,
                    subscriber_id: None,
                    email: Some(sender.as_str().to_owned()),
                    expires_at: now + Duration::hours(REPLY_LINK_HOURS),
                },
                now,
            )
            .await
            .map_err(temporary)?;
        let settings = &self.state.settings;
        let query = match municipality {
            Some(code) => format!("?municipality={code}"),
            None => String::new(),
        };
        let link = format!("{}/register/mail/{}{query}", settings.base_url, token.expose());
        // Nobody has chosen a language yet: every offered one, Japanese first.
        let mut subject = texts::text(Lang::JA, "reply-subject").into_owned();
        let mut parts = Vec::new();
        for lang in std::iter::once(Lang::JA).chain(settings.languages.iter().filter(|l| *l != Lang::JA)) {
            if lang != Lang::JA {
                subject.push_str(" / ");
                subject.push_str(&texts::text(lang, "reply-subject-short"));
            }
            let args = [("hours", REPLY_LINK_HOURS.into()), ("link", link.as_str().into())];
            parts.push(texts::format(lang, "reply-body", &args).into_owned());
        }
        let body = format!("{}\n", parts.join("\n\n"));
        self.send_reply(&sender, &subject, &body).await?;
        self.audit("empty_mail_reply", &sender.masked()).await;
        Ok(())
    }

    async fn send_reply(&self, to: &EmailAddress, subject: &str, body: &str) -> Result<(), HandlerError> {
        let settings = &self.state.settings;
        let now = self.state.clock.now();
        let id =
            format!("reply.{}@{}", kizuna_core::token::random_secret(12).unwrap_or_default(), settings.mail_domain);
        let from_address = format!("info@{}", settings.mail_domain);
        let message = TextMessage {
            from_name: &texts::text(Lang::JA, "layout-site-name"),
            from_address: &from_address,
            to: to.to_smtp(),
            subject,
            body,
            message_id: id.clone(),
            date: now,
            extra_headers: vec![("Auto-Submitted".into(), "auto-replied".into())],
            // The sender chose nothing yet: what an old phone at that address can show.
            charset: charset_before_choice(to),
        };
        let outgoing = OutgoingMessage {
            // Replies to automatic mail are never sent; a bounce of this reply goes nowhere.
            envelope: Envelope { from: String::new(), to: vec![to.to_smtp()] },
            message_id: id,
            bytes: message.to_bytes(),
        };
        self.state
            .transport
            .send(&outgoing)
            .await
            .map(|_| ())
            .map_err(|e| HandlerError::Temporary(format!("reply not sent: {e}")))
    }

    /// `unsubscribe+TOKEN@D`: the `mailto:` of List-Unsubscribe.
    async fn unsubscribe(&self, token: &str) -> Result<(), HandlerError> {
        let store = &self.state.store;
        let found = links::delivery(&self.state, LinkPurpose::Resident, token).await.map_err(temporary)?;
        let Some(delivery) = found else {
            tracing::info!("unsubscribe mail with an unknown token: nothing changed");
            return Ok(());
        };
        let now = self.state.clock.now();
        match store.set_subscriber_status(delivery.subscriber_id, SubscriberStatus::Unsubscribed, now).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => return Err(temporary(error)),
        }
        self.audit("unsubscribe_by_mail", &format!("subscriber:{}", delivery.subscriber_id)).await;
        Ok(())
    }

    /// `bounce+TOKEN@D`: a report about one delivery; forged or unmatched ones change nothing.
    async fn bounce(&self, token: &str, raw: &[u8]) -> Result<(), HandlerError> {
        let store = &self.state.store;
        let Some(delivery) = links::delivery(&self.state, LinkPurpose::Bounce, token).await.map_err(temporary)? else {
            tracing::info!("bounce with an unknown token: nothing changed");
            return Ok(());
        };
        match classify_bounce(raw) {
            BounceKind::Hard { status, diagnostic, .. } => {
                let reply = format!("{status} {}", diagnostic.unwrap_or_default()).trim().to_owned();
                let suppress_after = self.state.settings.delivery.suppress_after;
                let now = self.state.clock.now();
                let counted = store
                    .record_late_bounce(delivery.delivery_id, &reply, suppress_after, now)
                    .await
                    .map_err(temporary)?;
                tracing::info!(delivery = delivery.delivery_id, counted, "hard bounce report");
            }
            BounceKind::Soft { status, .. } => {
                tracing::info!(delivery = delivery.delivery_id, %status, "temporary bounce report: not counted");
            }
            BounceKind::AutoReply => tracing::info!(delivery = delivery.delivery_id, "auto-reply: ignored"),
            BounceKind::Unknown => tracing::info!(delivery = delivery.delivery_id, "unrecognised report: ignored"),
        }
        Ok(())
    }

    async fn audit(&self, action: &str, subject: &str) {
        let entry = NewAuditEntry::new("inbound-mail", action, subject, "{}");
        if let Err(error) = self.state.store.record_audit(&entry, self.state.clock.now()).await {
            tracing::warn!(%error, "audit entry not written");
        }
    }
}

#[async_trait]
impl InboundHandler for MailHandler {
    async fn deliver(&self, message: InboundMessage) -> Result<(), HandlerError> {
        for recipient in &message.recipients {
            match recipient {
                InboundAddress::Register { municipality } => {
                    self.register(&message, municipality.as_ref().map(|c| c.as_str())).await?
                }
                InboundAddress::Unsubscribe { token } => self.unsubscribe(token).await?,
                InboundAddress::Bounce { token } => self.bounce(token, &message.raw).await?,
                InboundAddress::Postmaster => {
                    tracing::warn!(peer = %message.peer, bytes = message.raw.len(), "mail to postmaster received")
                }
            }
        }
        Ok(())
    }
}

/// Accepts SMTP connections until `stop` changes.
pub async fn run_listener(state: AppState, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let domain = match MailDomain::parse(&state.settings.mail_domain) {
        Ok(domain) => domain,
        Err(error) => {
            tracing::error!(%error, "the mail domain is not usable for inbound mail; the listener is off");
            return;
        }
    };
    let config = Arc::new(SessionConfig::new(domain.clone()));
    let handler = Arc::new(MailHandler::new(state));
    let limiter = ConnectionLimiter::new(10, 500);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "inbound accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match limiter.acquire(peer.ip()) {
            Ok(guard) => {
                let (config, handler) = (config.clone(), handler.clone());
                tokio::spawn(async move {
                    let outcome = run_session(stream, peer.ip(), &config, handler.as_ref()).await;
                    tracing::debug!(peer = %peer.ip(), delivered = outcome.delivered, end = ?outcome.end, "inbound session ended");
                    drop(guard);
                });
            }
            Err(refused) => {
                tracing::warn!(peer = %peer.ip(), ?refused, "inbound connection refused");
                let domain = domain.clone();
                tokio::spawn(async move { refuse_connection(stream, &domain).await });
            }
        }
    }
}
