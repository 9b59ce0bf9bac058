//! The SMTP transport: a pool of long-lived, pipelining connections to the relay
//! (`KIZUNA_SMTP_URL`), shared by the delivery workers.

mod config;
mod connection;
mod reply;
mod tls;

use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::Semaphore;

pub use config::{Credentials, Password, SmtpConfig, SmtpConfigError, TlsMode};

use crate::{Answered, MailError, OutgoingMessage, Transport};
use connection::{Connection, Failure};

/// Hands messages to one relay over at most `connections` connections (one
/// more for an emergency while they are all busy), kept open between messages
/// and reconnected when the relay closed them.
pub struct SmtpTransport {
    config: SmtpConfig,
    connector: Option<tls::Connector>,
    /// One permit per connection that may be open at once.
    slots: Semaphore,
    /// The one more connection an emergency may open while the others are all
    /// busy (`send_urgent`).
    urgent: Semaphore,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpTransport").field("config", &self.config).finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// Opens no connection yet: the first messages do, so a relay that is down
    /// at start-up only defers mail.
    pub fn new(config: SmtpConfig) -> Result<Self, SmtpConfigError> {
        let connector = match config.tls {
            TlsMode::Off => None,
            TlsMode::Opportunistic if !cfg!(feature = "tls") => None,
            TlsMode::Opportunistic | TlsMode::Required | TlsMode::Implicit => {
                Some(tls::connector(config.ca_file.as_deref())?)
            }
        };
        let connections = config.connections.get();
        Ok(Self {
            config,
            connector,
            slots: Semaphore::new(connections),
            urgent: Semaphore::new(1),
            idle: Mutex::new(Vec::with_capacity(connections)),
        })
    }

    pub fn config(&self) -> &SmtpConfig {
        &self.config
    }

    /// Opens one connection as sending would (TLS and authentication as
    /// configured), says QUIT, and tells what the relay offered; for `kizuna check`.
    pub async fn probe(&self) -> Result<String, MailError> {
        let connection = self.open().await?;
        let offered = connection.describe();
        connection.quit(&self.config).await;
        Ok(offered)
    }

    fn take_idle(&self) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(connection) = idle.pop() {
            if connection.last_used.elapsed() < self.config.idle_timeout {
                return Some(connection);
            }
            // The relay has likely timed it out already; do not make a message find out.
            drop(connection);
        }
        None
    }

    fn put_idle(&self, connection: Connection) {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).push(connection);
    }

    async fn open(&self) -> Result<Connection, MailError> {
        Connection::open(&self.config, self.connector.as_ref()).await.map_err(|reason| {
            tracing::warn!(relay = %self.config.relay(), %reason, "SMTP relay unavailable");
            // Nothing was attempted: the workers pause instead of spending an attempt.
            MailError::Unavailable(reason)
        })
    }

    /// Hands one message over on a connection of the caller's slot, with one
    /// fresh try when the connection was found broken before anything was sent.
    async fn deliver_one(&self, message: &OutgoingMessage) -> Result<String, MailError> {
        let mut connection = match self.take_idle() {
            Some(connection) => connection,
            None => self.open().await?,
        };
        let mut retried = false;
        loop {
            match connection.deliver(message, &self.config).await {
                Ok(reply) => {
                    self.release(connection).await;
                    return Ok(reply.to_string());
                }
                Err(Failure::Broken { reason, after_data: false }) if !retried => {
                    // Most often the relay closed an idle connection; one fresh try.
                    tracing::debug!(relay = %self.config.relay(), %reason, "SMTP connection lost; reconnecting");
                    retried = true;
                    connection = self.open().await?;
                }
                Err(failure) => {
                    if failure.keeps_connection() {
                        self.put_idle(connection);
                    }
                    return Err(mail_error(failure));
                }
            }
        }
    }

    /// Sends a share of messages over one connection (the caller holds its
    /// slot), pipelined where the relay allows it, answering for each in order.
    async fn send_share(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        // A message whose connection broke before its content left gets one fresh try.
        let mut retried = None;
        let mut done = 0;
        while done < messages.len() {
            let rest = &messages[done..];
            let mut connection = match self.take_idle() {
                Some(connection) => connection,
                None => match self.open().await {
                    Ok(connection) => connection,
                    Err(error) => {
                        let reason = error.to_string();
                        rest.iter().for_each(|_| answered(Err(MailError::Unavailable(reason.clone()))));
                        return;
                    }
                },
            };
            if !connection.pipelining() {
                // An old relay: one command at a time.
                self.put_idle(connection);
                for message in rest {
                    answered(self.deliver_one(message).await);
                }
                return;
            }
            let mut usable = true;
            let limit = self.config.messages_per_connection.max(1);
            connection
                .deliver_chain(rest, &self.config, limit, &mut |answer| match answer {
                    Err(Failure::Broken { reason, after_data: false }) if retried != Some(done) => {
                        tracing::debug!(relay = %self.config.relay(), %reason, "SMTP connection lost; reconnecting");
                        // Not answered: the loop offers it again on a fresh connection.
                        retried = Some(done);
                        usable = false;
                    }
                    answer => {
                        done += 1;
                        answered(answer.map(|reply| reply.to_string()).map_err(|failure| {
                            usable &= failure.keeps_connection();
                            mail_error(failure)
                        }));
                    }
                })
                .await;
            if usable {
                self.release(connection).await;
            }
        }
    }

    /// Gives a connection back after a message, or retires it after its quota.
    async fn release(&self, connection: Connection) {
        if connection.messages >= self.config.messages_per_connection {
            connection.quit(&self.config).await;
        } else {
            self.put_idle(connection);
        }
    }
}

/// What a failed transaction means for the message: a refusal is temporary
/// (4xx) or permanent (5xx), an unsendable message permanent, a broken
/// connection temporary, saying so when the relay may have the message.
fn mail_error(failure: Failure) -> MailError {
    match failure {
        Failure::Refused { reply, .. } => {
            let reason = reply.to_string();
            if reply.is_transient() || reply.is_positive() {
                MailError::Temporary(reason)
            } else {
                MailError::Permanent(reason)
            }
        }
        Failure::Unsendable(reason) => MailError::Permanent(reason),
        Failure::Broken { reason, after_data: true } => {
            MailError::Temporary(format!("{reason} (after the whole message was sent; the relay may have it)"))
        }
        Failure::Broken { reason, after_data: false } => MailError::Temporary(reason),
    }
}

#[async_trait]
impl Transport for SmtpTransport {
    async fn send(&self, message: &OutgoingMessage) -> Result<String, MailError> {
        // The semaphore is never closed, so a failed acquire cannot happen.
        let _slot = self.slots.acquire().await.map_err(|e| MailError::Temporary(e.to_string()))?;
        self.deliver_one(message).await
    }

    async fn send_each(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        // The semaphore is never closed, so a failed acquire cannot happen.
        match self.slots.acquire().await {
            Ok(_slot) => self.send_share(messages, answered).await,
            Err(e) => messages.iter().for_each(|_| answered(Err(MailError::Temporary(e.to_string())))),
        }
    }

    async fn send_urgent(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        // A free connection if there is one, else the one kept for emergencies;
        // never a place in the queue behind the shares already waiting.
        let slot = match self.slots.try_acquire() {
            Ok(slot) => Ok(slot),
            Err(_) => self.urgent.acquire().await,
        };
        match slot {
            Ok(_slot) => self.send_share(messages, answered).await,
            Err(e) => messages.iter().for_each(|_| answered(Err(MailError::Temporary(e.to_string())))),
        }
    }

    fn describe(&self) -> String {
        format!("SMTP relay {} ({} connections)", self.config.relay(), self.config.connections)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transport_names_its_relay_without_credentials() {
        let smtp = SmtpTransport::new(SmtpConfig::from_url("smtp://127.0.0.1:2525").unwrap().with_connections(4));
        assert_eq!(smtp.unwrap().describe(), "SMTP relay 127.0.0.1:2525 (4 connections)");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn a_missing_ca_file_is_a_configuration_error() {
        let config = SmtpConfig::from_url("smtp://relay?starttls=required&ca_file=/nonexistent/ca.pem").unwrap();
        let error = SmtpTransport::new(config).unwrap_err();
        assert!(matches!(&error, SmtpConfigError::CaFile { path, .. } if path == "/nonexistent/ca.pem"), "{error}");
    }
}
