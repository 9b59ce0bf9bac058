//! One client connection to the relay: the session set-up (greeting, EHLO,
//! STARTTLS, AUTH) and mail transactions, pipelined (RFC 2920) when offered.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::OutgoingMessage;
use crate::message::base64_std;
use crate::smtp::config::{SmtpConfig, TlsMode};
use crate::smtp::reply::{Capabilities, Reply, parse_reply};
use crate::smtp::tls;

enum Stream {
    Plain(TcpStream),
    Tls(Box<tls::Stream>),
}

impl AsyncRead for Stream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Why a transaction did not end with the relay accepting the message.
#[derive(Debug)]
pub enum Failure {
    /// The relay refused with this reply. When `reusable`, the connection is
    /// ready for the next message (cleared with `RSET` where needed); otherwise
    /// it has to be given up (a message half accepted is aborted by hanging up).
    Refused { reply: Reply, reusable: bool },
    /// The connection broke, timed out or spoke nonsense. `after_data` when the
    /// whole message had been sent, so the relay may have accepted it anyway.
    Broken { reason: String, after_data: bool },
    /// The message cannot be sent as it is, whatever the relay: never retried.
    Unsendable(String),
}

impl Failure {
    fn broken(reason: impl Into<String>) -> Self {
        Self::Broken { reason: reason.into(), after_data: false }
    }

    /// Whether the connection is ready for the next message after this failure.
    pub fn keeps_connection(&self) -> bool {
        match self {
            Self::Refused { reusable, .. } => *reusable,
            Self::Unsendable(_) => true,
            Self::Broken { .. } => false,
        }
    }
}

const READ_CHUNK: usize = 4096;

pub struct Connection {
    stream: Stream,
    /// Bytes read from the relay; the unread part is `input[start..end]`.
    input: Vec<u8>,
    start: usize,
    end: usize,
    /// Reused for every command and message so a transaction allocates little.
    output: Vec<u8>,
    capabilities: Capabilities,
    pub messages: u32,
    pub last_used: Instant,
}

impl Connection {
    /// Connects and sets the session up, ready for mail transactions.
    pub async fn open(config: &SmtpConfig, connector: Option<&tls::Connector>) -> Result<Self, String> {
        let relay = config.relay();
        let tcp = timeout(config.connect_timeout, TcpStream::connect((config.host.as_str(), config.port)))
            .await
            .map_err(|_| format!("connecting to {relay} timed out"))?
            .map_err(|e| format!("connecting to {relay}: {e}"))?;
        // Commands and replies are small writes; Nagle's algorithm would hold
        // each back until the previous one is acknowledged.
        tcp.set_nodelay(true).map_err(|e| format!("{relay}: {e}"))?;
        let set_up = async {
            let stream = match (config.tls, connector) {
                (TlsMode::Implicit, Some(connector)) => Stream::Tls(Box::new(
                    tls::handshake(connector, &config.host, tcp).await.map_err(|e| format!("TLS with {relay}: {e}"))?,
                )),
                (TlsMode::Implicit, None) => return Err("TLS is not available in this build".to_owned()),
                _ => Stream::Plain(tcp),
            };
            Self::new(stream).set_up(config, connector).await
        };
        timeout(config.command_timeout, set_up).await.map_err(|_| format!("{relay} did not answer in time"))?
    }

    fn new(stream: Stream) -> Self {
        Self {
            stream,
            input: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            output: Vec::with_capacity(READ_CHUNK),
            capabilities: Capabilities::default(),
            messages: 0,
            last_used: Instant::now(),
        }
    }

    fn is_tls(&self) -> bool {
        matches!(self.stream, Stream::Tls(_))
    }

    async fn set_up(mut self, config: &SmtpConfig, connector: Option<&tls::Connector>) -> Result<Self, String> {
        let greeting = self.read_reply().await.map_err(|e| format!("greeting: {e}"))?;
        if greeting.code != 220 {
            return Err(format!("the relay turned the connection away: {greeting}"));
        }
        self.hello(config).await?;

        let wants_starttls = match config.tls {
            TlsMode::Required => true,
            TlsMode::Opportunistic => self.capabilities.starttls && connector.is_some(),
            TlsMode::Off | TlsMode::Implicit => false,
        };
        if wants_starttls && !self.is_tls() {
            let Some(connector) = connector else { return Err("TLS is not available in this build".to_owned()) };
            if !self.capabilities.starttls {
                return Err("the relay does not offer STARTTLS, which the configuration requires".to_owned());
            }
            let reply = self.command("STARTTLS").await.map_err(|e| format!("STARTTLS: {e}"))?;
            if reply.code != 220 {
                return Err(format!("STARTTLS refused: {reply}"));
            }
            // Anything already buffered came before the handshake and could be
            // injected by a man in the middle (CVE-2011-0411 and its kin).
            if self.start != self.end {
                return Err("the relay sent data after agreeing to STARTTLS".to_owned());
            }
            let Stream::Plain(tcp) = self.stream else { return Err("STARTTLS on a TLS connection".to_owned()) };
            let tls = tls::handshake(connector, &config.host, tcp).await.map_err(|e| format!("TLS: {e}"))?;
            self = Self::new(Stream::Tls(Box::new(tls)));
            self.hello(config).await?;
        }

        if let Some(credentials) = &config.credentials {
            if !self.is_tls() {
                return Err("credentials are only ever sent over TLS".to_owned());
            }
            let username = base64_std(credentials.username.as_bytes());
            let password = base64_std(credentials.password.expose().as_bytes());
            let reply = if self.capabilities.auth_plain {
                let token = format!("\0{}\0{}", credentials.username, credentials.password.expose());
                self.command(&format!("AUTH PLAIN {}", base64_std(token.as_bytes()))).await
            } else if self.capabilities.auth_login {
                let mut reply = self.command("AUTH LOGIN").await;
                for answer in [username, password] {
                    match reply {
                        Ok(ref challenge) if challenge.code == 334 => reply = self.command(&answer).await,
                        _ => break,
                    }
                }
                reply
            } else {
                return Err("the relay offers neither AUTH PLAIN nor AUTH LOGIN".to_owned());
            };
            let reply = reply.map_err(|e| format!("AUTH: {e}"))?;
            if reply.code != 235 {
                return Err(format!("the relay refused the credentials: {reply}"));
            }
        }
        Ok(self)
    }

    async fn hello(&mut self, config: &SmtpConfig) -> Result<(), String> {
        let ehlo = self.command(&format!("EHLO {}", config.helo_name)).await.map_err(|e| format!("EHLO: {e}"))?;
        self.capabilities = if ehlo.code == 250 {
            Capabilities::from_ehlo(&ehlo)
        } else if (500..=502).contains(&ehlo.code) {
            // An old relay that knows no extensions.
            let helo = self.command(&format!("HELO {}", config.helo_name)).await.map_err(|e| format!("HELO: {e}"))?;
            if helo.code != 250 {
                return Err(format!("HELO refused: {helo}"));
            }
            Capabilities::default()
        } else {
            return Err(format!("EHLO refused: {ehlo}"));
        };
        Ok(())
    }

    async fn command(&mut self, line: &str) -> Result<Reply, String> {
        self.output.clear();
        self.output.extend_from_slice(line.as_bytes());
        self.output.extend_from_slice(b"\r\n");
        self.flush_output().await.map_err(|e| e.to_string())?;
        self.read_reply().await.map_err(|e| e.to_string())
    }

    /// Writes the output buffer out and empties it for what comes next.
    async fn flush_output(&mut self) -> io::Result<()> {
        self.stream.write_all(&self.output).await?;
        self.stream.flush().await?;
        self.output.clear();
        Ok(())
    }

    async fn read_reply(&mut self) -> io::Result<Reply> {
        loop {
            if self.start < self.end {
                let parsed = parse_reply(&self.input[self.start..self.end])
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                if let Some((reply, used)) = parsed {
                    self.start += used;
                    if self.start == self.end {
                        (self.start, self.end) = (0, 0);
                    }
                    return Ok(reply);
                }
            }
            if self.end == self.input.len() {
                if self.start > 0 {
                    self.input.copy_within(self.start..self.end, 0);
                    (self.start, self.end) = (0, self.end - self.start);
                } else {
                    // parse_reply refuses replies past its limit, so this stays bounded.
                    self.input.resize(self.input.len() + READ_CHUNK, 0);
                }
            }
            let read = self.stream.read(&mut self.input[self.end..]).await?;
            if read == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the relay closed the connection"));
            }
            self.end += read;
        }
    }

    /// Whether the relay takes commands in groups (RFC 2920).
    pub fn pipelining(&self) -> bool {
        self.capabilities.pipelining
    }

    /// What the relay offered, in words for an operator: TLS, pipelining, SMTPUTF8.
    pub fn describe(&self) -> String {
        let mut said = vec![if matches!(self.stream, Stream::Tls(_)) { "TLS" } else { "no TLS" }];
        if self.capabilities.pipelining {
            said.push("PIPELINING");
        }
        if self.capabilities.smtputf8 {
            said.push("SMTPUTF8");
        }
        said.join(", ")
    }

    /// Refuses what no relay could take: line breaks in addresses, no recipient,
    /// a UTF-8 address without SMTPUTF8, a message over the relay's size limit.
    fn check(&self, message: &OutgoingMessage) -> Result<(), Failure> {
        let envelope = &message.envelope;
        let mut addresses = std::iter::once(&envelope.from).chain(&envelope.to);
        if let Some(bad) = addresses.clone().find(|a| a.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0)) {
            return Err(Failure::Unsendable(format!("an envelope address holds a line break: {bad:?}")));
        }
        if envelope.to.is_empty() {
            return Err(Failure::Unsendable("the message has no recipient".to_owned()));
        }
        if addresses.any(|a| !a.is_ascii()) && !self.capabilities.smtputf8 {
            return Err(Failure::Unsendable("the relay does not offer SMTPUTF8 for a non-ASCII address".to_owned()));
        }
        if let Some(limit) = self.capabilities.size.filter(|&limit| limit > 0)
            && message.bytes.len() as u64 > limit
        {
            return Err(Failure::Unsendable(format!(
                "the message is {} bytes, over the relay's limit of {limit}",
                message.bytes.len()
            )));
        }
        Ok(())
    }

    /// Appends `MAIL FROM` to the output.
    fn push_mail_from(&mut self, message: &OutgoingMessage) {
        let envelope = &message.envelope;
        let utf8_envelope = std::iter::once(&envelope.from).chain(&envelope.to).any(|a| !a.is_ascii());
        self.output.extend_from_slice(b"MAIL FROM:<");
        self.output.extend_from_slice(envelope.from.as_bytes());
        self.output.push(b'>');
        if self.capabilities.size.is_some() {
            self.output.extend_from_slice(format!(" SIZE={}", message.bytes.len()).as_bytes());
        }
        if self.capabilities.eight_bit_mime && !message.bytes.is_ascii() {
            self.output.extend_from_slice(b" BODY=8BITMIME");
        }
        if utf8_envelope {
            self.output.extend_from_slice(b" SMTPUTF8");
        }
        self.output.extend_from_slice(b"\r\n");
    }

    /// Appends the whole envelope as one pipelined group: MAIL, every RCPT, DATA.
    fn push_envelope(&mut self, message: &OutgoingMessage) {
        self.push_mail_from(message);
        for to in &message.envelope.to {
            push_rcpt(&mut self.output, to);
        }
        self.output.extend_from_slice(b"DATA\r\n");
    }

    /// Reads the replies to a pipelined envelope. `Ok` when the relay is ready
    /// for the content (354).
    async fn read_envelope_replies(&mut self, message: &OutgoingMessage) -> Result<(), Failure> {
        let mut refusal = None;
        // Every reply must be read, even after a refusal, to keep the stream in step.
        for _ in 0..=message.envelope.to.len() {
            let reply = self.read_reply().await.map_err(|e| Failure::broken(e.to_string()))?;
            closing(&reply)?;
            if !reply.is_positive() && refusal.is_none() {
                refusal = Some(reply);
            }
        }
        let data = self.read_reply().await.map_err(|e| Failure::broken(e.to_string()))?;
        closing(&data)?;
        refused(refusal, Some(data))
    }

    /// Reads the reply to the end of a message's content.
    async fn read_content_reply(&mut self, config: &SmtpConfig) -> Result<Reply, Failure> {
        let after_data = |reason: String| Failure::Broken { reason, after_data: true };
        let reply = timeout(config.data_timeout, self.read_reply())
            .await
            .map_err(|_| after_data("no reply to the end of the message".to_owned()))?
            .map_err(|e| after_data(e.to_string()))?;
        self.last_used = Instant::now();
        if reply.is_positive() {
            self.messages += 1;
            Ok(reply)
        } else {
            Err(Failure::Refused { reusable: reply.code != 421, reply })
        }
    }

    /// Offers one message: the envelope, then the dot-stuffed content. `Ok` carries
    /// the relay's reply to the end of the message.
    pub async fn deliver(&mut self, message: &OutgoingMessage, config: &SmtpConfig) -> Result<Reply, Failure> {
        self.last_used = Instant::now();
        self.check(message)?;
        self.output.clear();
        let envelope_phase = async {
            if self.capabilities.pipelining {
                self.push_envelope(message);
                self.flush_output().await.map_err(|e| Failure::broken(e.to_string()))?;
                return self.read_envelope_replies(message).await;
            }
            self.push_mail_from(message);
            let mail = self.read_command_reply().await?;
            if !mail.is_positive() {
                return refused(Some(mail), None);
            }
            for to in &message.envelope.to {
                push_rcpt(&mut self.output, to);
                let rcpt = self.read_command_reply().await?;
                if !rcpt.is_positive() {
                    return refused(Some(rcpt), None);
                }
            }
            self.output.extend_from_slice(b"DATA\r\n");
            let data = self.read_command_reply().await?;
            refused(None, Some(data))
        };
        match timeout(config.command_timeout, envelope_phase).await {
            Err(_) => return Err(Failure::broken("the relay stalled")),
            Ok(Err(Failure::Refused { reply, reusable: true })) => {
                let cleared = self.reset(config).await;
                return Err(Failure::Refused { reply, reusable: cleared });
            }
            Ok(Err(failure)) => return Err(failure),
            Ok(Ok(())) => {}
        }

        dot_stuff(&message.bytes, &mut self.output);
        timeout(config.command_timeout, self.flush_output())
            .await
            .map_err(|_| Failure::broken("the relay stalled while taking the message"))?
            .map_err(|e| Failure::broken(e.to_string()))?;
        self.read_content_reply(config).await
    }

    /// Offers several messages one after another on a pipelining connection,
    /// sending each message's content in one group with the next envelope
    /// (RFC 2920 allows content first in a group): one round trip per message.
    ///
    /// Tells `answered` about a prefix of `messages`, in order, each as soon as
    /// the relay replied. It stops early when the connection can go no further
    /// (broken, or a refusal it could not clear): the last answer then says why. It also stops, with every answer a
    /// success or a refusal, when the connection reached `limit` messages.
    pub async fn deliver_chain(
        &mut self,
        messages: &[OutgoingMessage],
        config: &SmtpConfig,
        limit: u32,
        answered: &mut (dyn FnMut(Result<Reply, Failure>) + Send),
    ) {
        // The message whose content is in the output (then on the wire), awaiting its reply.
        let mut content_of: Option<usize> = None;
        let mut next = 0;
        self.output.clear();
        loop {
            self.last_used = Instant::now();
            // The next sendable envelope goes behind the previous content. A
            // message no relay could take is answered in its turn: at once, or
            // after the content already in the output.
            let mut envelope_of = None;
            let mut unsendable = None;
            let in_flight = u32::from(content_of.is_some());
            while next < messages.len() && envelope_of.is_none() && self.messages + in_flight < limit {
                let index = next;
                next += 1;
                match self.check(&messages[index]) {
                    Ok(()) => {
                        self.push_envelope(&messages[index]);
                        envelope_of = Some(index);
                    }
                    Err(failure) if content_of.is_none() => answered(Err(failure)),
                    Err(failure) => {
                        unsendable = Some(failure);
                        break;
                    }
                }
            }
            if content_of.is_none() && envelope_of.is_none() {
                return;
            }
            let broken = match timeout(config.command_timeout, self.flush_output()).await {
                Err(_) => Some("the relay stalled".to_owned()),
                Ok(Err(e)) => Some(e.to_string()),
                Ok(Ok(())) => None,
            };
            if let Some(reason) = broken {
                if content_of.is_some() {
                    answered(Err(Failure::Broken { reason: reason.clone(), after_data: true }));
                }
                if envelope_of.is_some() {
                    answered(Err(Failure::broken(reason)));
                }
                return;
            }
            if content_of.take().is_some() {
                let answer = self.read_content_reply(config).await;
                let broken = matches!(answer, Err(Failure::Broken { .. }));
                answered(answer);
                if broken {
                    if envelope_of.is_some() {
                        answered(Err(Failure::broken("the connection broke before the message")));
                    }
                    return;
                }
            }
            if let Some(failure) = unsendable {
                answered(Err(failure));
            }
            let Some(index) = envelope_of else { continue };
            let message = &messages[index];
            match timeout(config.command_timeout, self.read_envelope_replies(message)).await {
                Ok(Ok(())) => {
                    dot_stuff(&message.bytes, &mut self.output);
                    content_of = Some(index);
                }
                Ok(Err(Failure::Refused { reply, reusable: true })) => {
                    let cleared = self.reset(config).await;
                    answered(Err(Failure::Refused { reply, reusable: cleared }));
                    if !cleared {
                        return;
                    }
                }
                Ok(Err(failure)) => {
                    answered(Err(failure));
                    return;
                }
                Err(_) => {
                    answered(Err(Failure::broken("the relay stalled")));
                    return;
                }
            }
        }
    }

    /// Sends what is in `output` and reads the one reply to it.
    async fn read_command_reply(&mut self) -> Result<Reply, Failure> {
        self.flush_output().await.map_err(|e| Failure::broken(e.to_string()))?;
        let reply = self.read_reply().await.map_err(|e| Failure::broken(e.to_string()))?;
        closing(&reply)?;
        Ok(reply)
    }

    /// Clears a failed transaction so the connection can take the next message.
    pub async fn reset(&mut self, config: &SmtpConfig) -> bool {
        matches!(timeout(config.command_timeout, self.command("RSET")).await, Ok(Ok(reply)) if reply.code == 250)
    }

    /// Ends the session politely; the reply hardly matters.
    pub async fn quit(mut self, config: &SmtpConfig) {
        let _ = timeout(config.command_timeout, self.command("QUIT")).await;
    }
}

/// What the replies to an envelope mean: `Ok` when the relay waits for the content.
fn refused(refusal: Option<Reply>, data: Option<Reply>) -> Result<(), Failure> {
    match (refusal, data) {
        // One recipient refused while others were taken: dropping the
        // connection is the only way to abort the message after 354.
        (Some(reply), Some(data)) if data.code == 354 => Err(Failure::Refused { reply, reusable: false }),
        (Some(reply), _) => Err(Failure::Refused { reply, reusable: true }),
        (None, Some(data)) if data.code != 354 => Err(Failure::Refused { reply: data, reusable: true }),
        (None, Some(_)) => Ok(()),
        (None, None) => Err(Failure::broken("no reply to DATA")),
    }
}

/// 421: the relay is shutting the connection down, whatever the command was.
fn closing(reply: &Reply) -> Result<(), Failure> {
    if reply.code == 421 { Err(Failure::broken(reply.to_string())) } else { Ok(()) }
}

/// Quoted local parts such as `"taro..yamada."@docomo.ne.jp` go out verbatim.
fn push_rcpt(output: &mut Vec<u8>, to: &str) {
    output.extend_from_slice(b"RCPT TO:<");
    output.extend_from_slice(to.as_bytes());
    output.extend_from_slice(b">\r\n");
}

/// The message content as DATA wants it (RFC 5321 §4.5.2): a line starting with
/// '.' gets one more, and `.` alone on a line ends it.
pub fn dot_stuff(content: &[u8], output: &mut Vec<u8>) {
    output.reserve(content.len() + content.len() / 64 + 5);
    let mut copied = 0;
    if content.first() == Some(&b'.') {
        output.push(b'.');
    }
    let mut at = 0;
    while let Some(offset) = content[at..].iter().position(|&b| b == b'\n') {
        let line_end = at + offset + 1;
        if content.get(line_end) == Some(&b'.') {
            output.extend_from_slice(&content[copied..line_end]);
            output.push(b'.');
            copied = line_end;
        }
        at = line_end;
    }
    output.extend_from_slice(&content[copied..]);
    if !content.is_empty() && !content.ends_with(b"\r\n") {
        output.extend_from_slice(b"\r\n");
    }
    output.extend_from_slice(b".\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stuffed(content: &[u8]) -> Vec<u8> {
        let mut output = Vec::new();
        dot_stuff(content, &mut output);
        output
    }

    #[test]
    fn lines_starting_with_a_dot_get_another_and_the_message_ends_with_a_lone_dot() {
        assert_eq!(stuffed(b"Subject: x\r\n\r\n.hidden\r\n..two\r\nend.\r\n.\r\n"), {
            b"Subject: x\r\n\r\n..hidden\r\n...two\r\nend.\r\n..\r\n.\r\n".to_vec()
        });
        assert_eq!(stuffed(b".first"), b"..first\r\n.\r\n");
        assert_eq!(stuffed(b"no final line break"), b"no final line break\r\n.\r\n");
        assert_eq!(stuffed(b""), b".\r\n");
    }
}
