//! The inbound SMTP session: a small RFC 5321 server over any byte stream, with every limit
//! a listener on the open Internet needs.

use std::io;
use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;
use kizuna_core::EmailAddress;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::address::{InboundAddress, MailDomain, RecipientError};

/// Limits of one SMTP session. [`SessionConfig::new`] gives values fit for the open Internet.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The mail domain D, named in the greeting and the only domain accepted at `RCPT`.
    pub domain: MailDomain,
    /// The largest message accepted, in octets of `DATA`; advertised as `SIZE`.
    pub max_message_size: usize,
    pub max_recipients: usize,
    /// Messages (completed `DATA`) per connection.
    pub max_messages: usize,
    /// Rejected commands before the connection is closed with 421.
    pub max_errors: usize,
    /// Longest command line in octets, CRLF included.
    pub max_command_line: usize,
    /// Longest message line in octets, CRLF included (RFC 5321 §4.5.3.1.6 says 1000).
    pub max_data_line: usize,
    /// How long the client may stay silent, or not read the replies, before 421.
    pub idle_timeout: Duration,
    /// How long a whole connection may last.
    pub session_timeout: Duration,
}

impl SessionConfig {
    pub fn new(domain: MailDomain) -> Self {
        Self {
            domain,
            // Registration mails are empty and bounces of Kizuna's text notices are small.
            max_message_size: 2 * 1024 * 1024,
            max_recipients: 10,
            max_messages: 10,
            max_errors: 10,
            max_command_line: 1000,
            max_data_line: 1000,
            idle_timeout: Duration::from_secs(300),
            session_timeout: Duration::from_secs(600),
        }
    }
}

/// One message received, handed to the [`InboundHandler`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub peer: IpAddr,
    /// The name the client gave in `EHLO`/`HELO`; unverified.
    pub helo: String,
    /// `MAIL FROM`; `None` for the null sender `<>` of bounces.
    pub sender: Option<EmailAddress>,
    pub recipients: Vec<InboundAddress>,
    /// The message with CRLF line ends and dot-stuffing removed, after the `Return-Path` and
    /// `Received` fields that RFC 5321 §4.4 asks the final server to add.
    pub raw: Vec<u8>,
}

/// Why the handler could not take a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HandlerError {
    /// The store is unreachable or busy: the client should try again (451).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// The message is refused for good (554).
    #[error("message refused: {0}")]
    Permanent(String),
}

/// What Kizuna does with a received message: registration replies, bounce and unsubscribe
/// handling. The session replies 250 only once `deliver` returned `Ok`.
#[async_trait]
pub trait InboundHandler: Send + Sync {
    async fn deliver(&self, message: InboundMessage) -> Result<(), HandlerError>;
}

/// How a session ended, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    Quit,
    /// The client closed the connection without `QUIT`.
    ClientClosed,
    IdleTimeout,
    SessionTimeout,
    TooManyErrors,
    TooManyMessages,
    /// The client spoke HTTP, as a browser tricked into posting to the SMTP port does.
    NotSmtp,
    Io(io::ErrorKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOutcome {
    /// Messages the handler accepted.
    pub delivered: usize,
    pub end: SessionEnd,
}

/// Replies are flushed before every read that would wait, and earlier once this many octets
/// are pending, so a client that pipelines without reading cannot grow the buffer.
const MAX_PENDING_OUTPUT: usize = 64 * 1024;
const READ_CHUNK: usize = 4096;
/// Time to say 421 once a deadline has passed.
const FAREWELL_GRACE: Duration = Duration::from_secs(5);

/// Runs one SMTP session to its end. It never panics and never waits past the session timeout
/// (except for the handler, which is trusted to return).
pub async fn run_session<S, H>(stream: S, peer: IpAddr, config: &SessionConfig, handler: &H) -> SessionOutcome
where
    S: AsyncRead + AsyncWrite + Unpin,
    H: InboundHandler + ?Sized,
{
    let mut session = Session {
        conn: Conn::new(stream, config),
        config,
        peer,
        helo: None,
        extended: false,
        transaction: None,
        errors: 0,
        messages: 0,
        delivered: 0,
    };
    let end = session.run(handler).await;
    session.conn.close().await;
    tracing::debug!(%peer, delivered = session.delivered, ?end, "inbound SMTP session ended");
    SessionOutcome { delivered: session.delivered, end }
}

/// Turns a connection away before any session, as the accept loop does when the
/// [`ConnectionLimiter`](super::ConnectionLimiter) refuses it (RFC 5321 §3.1 allows 421 as greeting).
pub async fn refuse_connection<S: AsyncWrite + Unpin>(mut stream: S, domain: &MailDomain) {
    let reply = format!("421 4.7.0 {domain} Too many connections, try again later\r\n");
    let refuse = async {
        stream.write_all(reply.as_bytes()).await?;
        stream.shutdown().await
    };
    if let Ok(Err(error)) = tokio::time::timeout(FAREWELL_GRACE, refuse).await {
        tracing::debug!(%error, "refusing an inbound SMTP connection");
    }
}

enum ReadError {
    Eof,
    IdleTimeout,
    SessionTimeout,
    Io(io::ErrorKind),
}

impl ReadError {
    fn end(&self) -> SessionEnd {
        match self {
            ReadError::Eof => SessionEnd::ClientClosed,
            ReadError::IdleTimeout => SessionEnd::IdleTimeout,
            ReadError::SessionTimeout => SessionEnd::SessionTimeout,
            ReadError::Io(kind) => SessionEnd::Io(*kind),
        }
    }
}

enum Line {
    /// The line without its LF; a CR before the LF is kept so callers can tell CRLF from LF.
    Complete(Vec<u8>),
    /// Longer than allowed; it was read through its end and dropped.
    TooLong,
}

/// Buffered I/O with deadlines: every wait is bounded by the idle and the session timeout.
struct Conn<S> {
    stream: S,
    input: Vec<u8>,
    /// Octets at the front of `input` already handed out as lines. They are dropped at the
    /// next read, so taking a line never moves the rest of the buffer.
    consumed: usize,
    output: Vec<u8>,
    idle: Duration,
    session_deadline: Instant,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    fn new(stream: S, config: &SessionConfig) -> Self {
        Self {
            stream,
            input: Vec::with_capacity(READ_CHUNK),
            consumed: 0,
            output: Vec::new(),
            idle: config.idle_timeout,
            session_deadline: Instant::now() + config.session_timeout,
        }
    }

    fn deadline(&self) -> (Instant, ReadError) {
        let idle = Instant::now() + self.idle;
        if idle < self.session_deadline {
            (idle, ReadError::IdleTimeout)
        } else {
            (self.session_deadline, ReadError::SessionTimeout)
        }
    }

    fn reply(&mut self, line: &str) {
        self.output.extend_from_slice(line.as_bytes());
        self.output.extend_from_slice(b"\r\n");
    }

    async fn flush(&mut self) -> Result<(), ReadError> {
        if self.output.is_empty() {
            return Ok(());
        }
        let (deadline, on_timeout) = self.deadline();
        let write = async {
            self.stream.write_all(&self.output).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout_at(deadline, write).await {
            Ok(Ok(())) => {
                self.output.clear();
                Ok(())
            }
            Ok(Err(error)) => Err(ReadError::Io(error.kind())),
            Err(_) => Err(on_timeout),
        }
    }

    async fn fill(&mut self) -> Result<(), ReadError> {
        self.flush().await?;
        self.input.drain(..self.consumed.min(self.input.len()));
        self.consumed = 0;
        let (deadline, on_timeout) = self.deadline();
        let mut chunk = [0u8; READ_CHUNK];
        match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
            Ok(Ok(0)) => Err(ReadError::Eof),
            Ok(Ok(n)) => {
                self.input.extend_from_slice(chunk.get(..n).unwrap_or_default());
                Ok(())
            }
            Ok(Err(error)) => Err(ReadError::Io(error.kind())),
            Err(_) => Err(on_timeout),
        }
    }

    fn pending(&self) -> &[u8] {
        self.input.get(self.consumed..).unwrap_or_default()
    }

    /// Reads one line of at most `max` octets including its line end.
    async fn read_line(&mut self, max: usize) -> Result<Line, ReadError> {
        // Positions are relative to the pending octets, which `fill` does not shift.
        let mut scanned = 0;
        loop {
            let pending = self.pending();
            if let Some(offset) = pending.get(scanned..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) {
                let end = scanned + offset;
                let line = if end < max { pending.get(..end).map(<[u8]>::to_vec) } else { None };
                self.consumed += end + 1;
                return Ok(line.map_or(Line::TooLong, Line::Complete));
            }
            if pending.len() > max {
                return self.skip_rest_of_line().await;
            }
            scanned = pending.len();
            self.fill().await?;
        }
    }

    /// Drops input through the next LF without keeping it.
    async fn skip_rest_of_line(&mut self) -> Result<Line, ReadError> {
        loop {
            if let Some(end) = self.pending().iter().position(|&b| b == b'\n') {
                self.consumed += end + 1;
                return Ok(Line::TooLong);
            }
            self.consumed = self.input.len();
            self.fill().await?;
        }
    }

    /// Sends what is pending, a last reply if any, and closes; bounded even when the
    /// client has stopped reading.
    async fn close(&mut self) {
        let finish = async {
            if !self.output.is_empty() {
                self.stream.write_all(&self.output).await?;
                self.output.clear();
            }
            self.stream.flush().await?;
            self.stream.shutdown().await
        };
        if let Ok(Err(error)) = tokio::time::timeout(FAREWELL_GRACE, finish).await {
            tracing::debug!(%error, "closing the inbound SMTP connection");
        }
    }
}

struct Transaction {
    sender: Option<EmailAddress>,
    recipients: Vec<InboundAddress>,
}

struct Session<'a, S> {
    conn: Conn<S>,
    config: &'a SessionConfig,
    peer: IpAddr,
    helo: Option<String>,
    extended: bool,
    transaction: Option<Transaction>,
    errors: usize,
    messages: usize,
    delivered: usize,
}

/// What a command asks the session loop to do next.
enum Next {
    Continue,
    Data,
    End(SessionEnd),
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<'_, S> {
    async fn run<H: InboundHandler + ?Sized>(&mut self, handler: &H) -> SessionEnd {
        let greeting = format!("220 {} ESMTP Kizuna", self.config.domain);
        self.conn.reply(&greeting);
        loop {
            let line = match self.conn.read_line(self.config.max_command_line).await {
                Ok(line) => line,
                Err(error) => return self.farewell_after(error),
            };
            let next = match line {
                Line::TooLong => self.error("500 5.5.2 Line too long"),
                Line::Complete(line) => self.command(&line),
            };
            let next = match next {
                Next::Data => match self.data(handler).await {
                    Ok(()) => Next::Continue,
                    Err(error) => return self.farewell_after(error),
                },
                next => next,
            };
            if let Next::End(end) = next {
                return end;
            }
            if self.errors >= self.config.max_errors {
                let farewell = format!("421 4.7.0 {} Too many errors, closing connection", self.config.domain);
                self.conn.reply(&farewell);
                return SessionEnd::TooManyErrors;
            }
            if self.conn.output.len() > MAX_PENDING_OUTPUT
                && let Err(error) = self.conn.flush().await
            {
                return error.end();
            }
        }
    }

    fn farewell_after(&mut self, error: ReadError) -> SessionEnd {
        if matches!(error, ReadError::IdleTimeout | ReadError::SessionTimeout) {
            let farewell = format!("421 4.4.2 {} Timeout, closing connection", self.config.domain);
            self.conn.reply(&farewell);
        }
        error.end()
    }

    fn ok(&mut self, reply: &str) -> Next {
        self.conn.reply(reply);
        Next::Continue
    }

    fn error(&mut self, reply: &str) -> Next {
        self.errors += 1;
        self.conn.reply(reply);
        Next::Continue
    }

    fn command(&mut self, line: &[u8]) -> Next {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // SMTPUTF8 is not offered, so a command is printable ASCII; this also keeps control
        // characters out of the Received field built from EHLO.
        let Some(line) =
            std::str::from_utf8(line).ok().filter(|l| l.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)))
        else {
            return self.error("500 5.5.2 Syntax error, command unrecognized");
        };
        let line = line.trim_end();
        let (verb, argument) = match line.split_once([' ', '\t']) {
            Some((verb, argument)) => (verb, argument.trim()),
            None => (line, ""),
        };
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => self.hello(argument, true),
            "HELO" => self.hello(argument, false),
            "MAIL" => self.mail(argument),
            "RCPT" => self.rcpt(argument),
            "DATA" => self.data_command(argument),
            "RSET" if argument.is_empty() => {
                self.transaction = None;
                self.ok("250 2.0.0 OK")
            }
            "RSET" => self.error("501 5.5.4 Syntax: RSET"),
            "NOOP" => self.ok("250 2.0.0 OK"),
            "QUIT" => {
                let bye = format!("221 2.0.0 {} Bye", self.config.domain);
                self.conn.reply(&bye);
                Next::End(SessionEnd::Quit)
            }
            "VRFY" => self.ok("252 2.5.0 Cannot VRFY user, but will accept message for valid recipients"),
            "HELP" => self.ok("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY"),
            "EXPN" | "STARTTLS" | "AUTH" | "BDAT" | "ETRN" | "TURN" | "ATRN" | "SEND" | "SOML" | "SAML" => {
                self.error("502 5.5.1 Command not implemented")
            }
            "GET" | "POST" | "PUT" | "HEAD" | "DELETE" | "OPTIONS" | "CONNECT" | "PATCH" => {
                let farewell = format!("421 4.7.0 {} This is an SMTP server, closing connection", self.config.domain);
                self.conn.reply(&farewell);
                Next::End(SessionEnd::NotSmtp)
            }
            _ => self.error("500 5.5.2 Syntax error, command unrecognized"),
        }
    }

    fn hello(&mut self, argument: &str, extended: bool) -> Next {
        let Some(name) = argument.split_whitespace().next() else {
            return self.error(if extended {
                "501 5.5.4 Syntax: EHLO hostname"
            } else {
                "501 5.5.4 Syntax: HELO hostname"
            });
        };
        self.helo = Some(name.to_owned());
        self.extended = extended;
        self.transaction = None;
        let domain = &self.config.domain;
        if extended {
            let size = self.config.max_message_size;
            let lines = [
                format!("250-{domain} Hello [{}]", self.peer),
                format!("250-SIZE {size}"),
                "250-8BITMIME".to_owned(),
                "250-PIPELINING".to_owned(),
                "250 ENHANCEDSTATUSCODES".to_owned(),
            ];
            for line in lines {
                self.conn.reply(&line);
            }
        } else {
            let line = format!("250 {domain}");
            self.conn.reply(&line);
        }
        Next::Continue
    }

    fn mail(&mut self, argument: &str) -> Next {
        if self.helo.is_none() {
            return self.error("503 5.5.1 Send EHLO or HELO first");
        }
        if self.transaction.is_some() {
            return self.error("503 5.5.1 Nested MAIL command");
        }
        if self.messages >= self.config.max_messages {
            let farewell = format!("421 4.7.0 {} Too many messages, closing connection", self.config.domain);
            self.conn.reply(&farewell);
            return Next::End(SessionEnd::TooManyMessages);
        }
        let Some((path, parameters)) = strip_keyword(argument, "FROM:").and_then(split_path) else {
            return self.error("501 5.5.4 Syntax: MAIL FROM:<address>");
        };
        for parameter in parameters.split_whitespace() {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            match key.to_ascii_uppercase().as_str() {
                "SIZE" => match value.parse::<u64>() {
                    Ok(size) if size > self.config.max_message_size as u64 => {
                        return self.error("552 5.3.4 Message size exceeds fixed maximum message size");
                    }
                    Ok(_) => {}
                    Err(_) => return self.error("501 5.5.4 Syntax: SIZE=octets"),
                },
                "BODY" if value.eq_ignore_ascii_case("7BIT") || value.eq_ignore_ascii_case("8BITMIME") => {}
                _ => return self.error("555 5.5.4 Unsupported MAIL parameter"),
            }
        }
        let sender = if path.is_empty() {
            None
        } else {
            match EmailAddress::parse(path) {
                Ok(address) => Some(address),
                Err(_) => return self.error("553 5.1.7 Bad sender address syntax"),
            }
        };
        self.transaction = Some(Transaction { sender, recipients: Vec::new() });
        self.ok("250 2.1.0 OK")
    }

    fn rcpt(&mut self, argument: &str) -> Next {
        let Some(transaction) = &self.transaction else {
            return self.error("503 5.5.1 Need MAIL before RCPT");
        };
        let count = transaction.recipients.len();
        let Some((path, parameters)) = strip_keyword(argument, "TO:").and_then(split_path) else {
            return self.error("501 5.5.4 Syntax: RCPT TO:<address>");
        };
        if !parameters.is_empty() {
            return self.error("555 5.5.4 Unsupported RCPT parameter");
        }
        let recipient = match InboundAddress::parse(path, &self.config.domain) {
            Ok(recipient) => recipient,
            Err(RecipientError::Malformed) => return self.error("501 5.1.3 Bad recipient address syntax"),
            Err(RecipientError::RelayDenied) => return self.error("550 5.7.1 Relaying denied"),
            Err(RecipientError::NoSuchMailbox) => return self.error("550 5.1.1 No such mailbox here"),
        };
        if count >= self.config.max_recipients {
            return self.error("452 4.5.3 Too many recipients");
        }
        if let Some(transaction) = &mut self.transaction {
            transaction.recipients.push(recipient);
        }
        self.ok("250 2.1.5 OK")
    }

    fn data_command(&mut self, argument: &str) -> Next {
        if !argument.is_empty() {
            return self.error("501 5.5.4 Syntax: DATA");
        }
        match &self.transaction {
            None => self.error("503 5.5.1 Need MAIL before DATA"),
            Some(transaction) if transaction.recipients.is_empty() => self.error("554 5.5.1 No valid recipients"),
            Some(_) => {
                self.conn.reply("354 End data with <CR><LF>.<CR><LF>");
                Next::Data
            }
        }
    }

    /// Reads the message after 354 to its end, even when it is refused, so the next command
    /// is read from the right place.
    async fn data<H: InboundHandler + ?Sized>(&mut self, handler: &H) -> Result<(), ReadError> {
        let mut body = Vec::new();
        let mut oversized = false;
        let mut long_line = false;
        let mut after_crlf = true;
        loop {
            let line = match self.conn.read_line(self.config.max_data_line).await? {
                Line::TooLong => {
                    long_line = true;
                    after_crlf = true;
                    continue;
                }
                Line::Complete(line) => line,
            };
            let ends_with_crlf = line.last() == Some(&b'\r');
            let content = line.strip_suffix(b"\r").unwrap_or(&line);
            // Only CRLF.CRLF ends the data: a bare LF never does, which closes the door on
            // SMTP smuggling.
            if after_crlf && ends_with_crlf && content == b"." {
                break;
            }
            after_crlf = ends_with_crlf;
            let content = content.strip_prefix(b".").unwrap_or(content);
            if oversized || body.len() + content.len() + 2 > self.config.max_message_size {
                oversized = true;
                body = Vec::new();
                continue;
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        self.messages += 1;
        let transaction = self.transaction.take();
        if oversized {
            self.error("552 5.3.4 Message size exceeds fixed maximum message size");
            return Ok(());
        }
        if long_line {
            self.error("554 5.6.0 Message has a line longer than 998 characters");
            return Ok(());
        }
        let Some(transaction) = transaction else {
            self.error("503 5.5.1 Need MAIL before DATA");
            return Ok(());
        };
        let message = InboundMessage {
            peer: self.peer,
            helo: self.helo.clone().unwrap_or_default(),
            raw: self.with_trace_fields(&transaction, body),
            sender: transaction.sender,
            recipients: transaction.recipients,
        };
        match handler.deliver(message).await {
            Ok(()) => {
                self.delivered += 1;
                self.ok("250 2.0.0 Message accepted");
            }
            Err(HandlerError::Temporary(reason)) => {
                tracing::warn!(peer = %self.peer, %reason, "inbound message deferred");
                self.conn.reply("451 4.3.0 Temporary failure, please try again later");
            }
            Err(HandlerError::Permanent(reason)) => {
                tracing::info!(peer = %self.peer, %reason, "inbound message refused");
                self.error("554 5.6.0 Message refused");
            }
        }
        Ok(())
    }

    fn with_trace_fields(&self, transaction: &Transaction, body: Vec<u8>) -> Vec<u8> {
        let sender = transaction.sender.as_ref().map(EmailAddress::to_smtp).unwrap_or_default();
        let protocol = if self.extended { "ESMTP" } else { "SMTP" };
        let trace = format!(
            "Return-Path: <{sender}>\r\nReceived: from {helo} ([{peer}])\r\n\
             \tby {domain} (Kizuna) with {protocol};\r\n\t{date}\r\n",
            helo = self.helo.as_deref().unwrap_or("unknown"),
            peer = self.peer,
            domain = self.config.domain,
            date = chrono::Utc::now().to_rfc2822(),
        );
        let mut raw = Vec::with_capacity(trace.len() + body.len());
        raw.extend_from_slice(trace.as_bytes());
        raw.extend_from_slice(&body);
        raw
    }
}

/// `FROM:<a@b>` → `<a@b>`, with the keyword in any case and a space after the colon tolerated.
fn strip_keyword<'a>(argument: &'a str, keyword: &str) -> Option<&'a str> {
    let head = argument.get(..keyword.len())?;
    head.eq_ignore_ascii_case(keyword).then(|| argument.get(keyword.len()..)).flatten().map(str::trim_start)
}

/// Splits `<path> PARAMS` into the address inside the brackets (source route dropped) and the
/// parameters. A `>` inside a quoted local part does not end the path.
fn split_path(argument: &str) -> Option<(&str, &str)> {
    let inner = argument.strip_prefix('<')?;
    let mut quoted = false;
    let mut escaped = false;
    let mut close = None;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '>' if !quoted => {
                close = Some(i);
                break;
            }
            _ => {}
        }
    }
    let close = close?;
    let path = inner.get(..close)?;
    let rest = inner.get(close + 1..)?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    // RFC 5321 §4.1.2: an obsolete source route `@a,@b:` is accepted and ignored.
    let path = match path.strip_prefix('@') {
        Some(routed) => routed.split_once(':').map(|(_, address)| address)?,
        None => path,
    };
    Some((path, rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_split_from_their_parameters() {
        assert_eq!(split_path("<a@b.jp>"), Some(("a@b.jp", "")));
        assert_eq!(split_path("<> SIZE=10"), Some(("", "SIZE=10")));
        assert_eq!(split_path("<\"a>b\"@b.jp> BODY=8BITMIME"), Some(("\"a>b\"@b.jp", "BODY=8BITMIME")));
        assert_eq!(split_path("<@relay.jp,@other.jp:a@b.jp>"), Some(("a@b.jp", "")));
        assert_eq!(split_path("a@b.jp"), None);
        assert_eq!(split_path("<a@b.jp"), None);
        assert_eq!(split_path("<a@b.jp>SIZE=1"), None);
        assert_eq!(split_path("<@relay.jp>"), None);
    }

    #[test]
    fn keywords_are_matched_in_any_case() {
        assert_eq!(strip_keyword("from:<a@b.jp>", "FROM:"), Some("<a@b.jp>"));
        assert_eq!(strip_keyword("FROM: <a@b.jp>", "FROM:"), Some("<a@b.jp>"));
        assert_eq!(strip_keyword("FRO", "FROM:"), None);
        assert_eq!(strip_keyword("TO:<a@b.jp>", "FROM:"), None);
        assert_eq!(strip_keyword("frém:<a@b.jp>", "FROM:"), None);
    }
}
