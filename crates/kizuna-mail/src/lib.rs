//! Kizuna's mail: building RFC 5322 messages and handing them to a transport, and receiving
//! mail at the mail domain (registration, unsubscription, bounces).

#[cfg(feature = "dkim")]
pub mod dkim;
pub mod dsn;
pub mod inbound;
pub mod iso2022jp;
pub mod message;
pub mod outbox;
pub mod render;
pub mod smtp;
pub mod texts;

use async_trait::async_trait;

/// A message ready for the relay: the envelope and the exact bytes to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `MAIL FROM`: the VERP return path, or empty for the null sender `<>`.
    pub from: String,
    /// `RCPT TO`: addresses already quoted where they need it.
    pub to: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub envelope: Envelope,
    pub message_id: String,
    pub bytes: Vec<u8>,
}

/// What became of a message the relay was offered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// 4xx, a broken connection or a full disk: try again later.
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// 5xx: the address or the message is refused for good.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The relay cannot be reached at all: nothing was attempted, delivery pauses.
    #[error("relay unavailable: {0}")]
    Unavailable(String),
}

/// Told the relay's answer for each message of [`Transport::send_each`], in order.
pub type Answered<'a> = &'a mut (dyn FnMut(Result<String, MailError>) + Send);

/// Where outgoing mail goes: an SMTP relay, or the file outbox by default.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Hands one message over. `Ok` carries the relay's reply once it has
    /// taken responsibility for the message.
    async fn send(&self, message: &OutgoingMessage) -> Result<String, MailError>;

    /// Hands several messages over and tells `answered` what became of each, in
    /// order, as soon as the relay has answered it: a caller can count a
    /// message while the rest are still on the wire. By default one after
    /// another; the SMTP relay sends them over one connection, one round trip
    /// each.
    async fn send_each(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        for message in messages {
            answered(self.send(message).await);
        }
    }

    /// As `send_each`, for an emergency: it does not wait behind the messages
    /// other sends are handing over (the SMTP relay gets one more connection
    /// while all the others are busy).
    async fn send_urgent(&self, messages: &[OutgoingMessage], answered: Answered<'_>) {
        self.send_each(messages, answered).await
    }

    /// Hands several messages over, answering for each in order.
    async fn send_all(&self, messages: &[OutgoingMessage]) -> Vec<Result<String, MailError>> {
        let mut answers = Vec::with_capacity(messages.len());
        self.send_each(messages, &mut |answer| answers.push(answer)).await;
        answers
    }

    /// A name for logs and `/metrics`.
    fn describe(&self) -> String;
}
