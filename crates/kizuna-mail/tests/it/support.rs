//! Shared helpers: a recording handler, an in-memory SMTP client and a reply checker.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kizuna_mail::inbound::{
    HandlerError, InboundHandler, InboundMessage, MailDomain, SessionConfig, SessionOutcome, run_session,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::task::JoinHandle;

pub const DOMAIN: &str = "kizuna.example.jp";

pub fn config() -> SessionConfig {
    SessionConfig::new(MailDomain::parse(DOMAIN).unwrap())
}

pub fn peer() -> IpAddr {
    "192.0.2.10".parse().unwrap()
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Keeps what it is given; answers with `fail` when set.
#[derive(Default)]
pub struct Recorder {
    pub messages: Mutex<Vec<InboundMessage>>,
    pub fail: Mutex<Option<HandlerError>>,
}

impl Recorder {
    pub fn failing(error: HandlerError) -> Self {
        Self { messages: Mutex::default(), fail: Mutex::new(Some(error)) }
    }

    pub fn taken(&self) -> Vec<InboundMessage> {
        self.messages.lock().unwrap().clone()
    }
}

#[async_trait]
impl InboundHandler for Recorder {
    async fn deliver(&self, message: InboundMessage) -> Result<(), HandlerError> {
        if let Some(error) = self.fail.lock().unwrap().clone() {
            return Err(error);
        }
        self.messages.lock().unwrap().push(message);
        Ok(())
    }
}

/// Sends `input` in one go (as a pipelining client or an attacker would), closes its side and
/// returns everything the server wrote.
pub async fn converse(input: &[u8], config: &SessionConfig, handler: &Recorder) -> (String, SessionOutcome) {
    converse_in_chunks(input, &[], config, handler).await
}

/// Like [`converse`], writing `input` in pieces of the given sizes (cycled), to cross every
/// buffer boundary.
pub async fn converse_in_chunks(
    input: &[u8],
    chunks: &[usize],
    config: &SessionConfig,
    handler: &Recorder,
) -> (String, SessionOutcome) {
    let (client, server) = tokio::io::duplex(8 * 1024);
    let (mut reader, mut writer) = tokio::io::split(client);
    let session = run_session(server, peer(), config, handler);
    let write = async move {
        let mut rest = input;
        let mut sizes = chunks.iter().copied().filter(|&n| n > 0).cycle();
        while !rest.is_empty() {
            let n = sizes.next().unwrap_or(rest.len()).min(rest.len());
            let (piece, tail) = rest.split_at(n);
            // The server may hang up first (QUIT, too many errors); that is not the test's concern.
            if writer.write_all(piece).await.is_err() {
                return;
            }
            rest = tail;
        }
        let _ = writer.shutdown().await;
    };
    let read = async move {
        let mut output = Vec::new();
        let _ = reader.read_to_end(&mut output).await;
        output
    };
    let (outcome, (), output) = tokio::join!(session, write, read);
    (String::from_utf8(output).expect("replies are ASCII"), outcome)
}

/// Checks that `output` is a sequence of well-formed SMTP replies and returns the code of
/// each reply (one per multi-line reply).
pub fn reply_codes(output: &str) -> Result<Vec<u16>, String> {
    if output.is_empty() {
        return Ok(Vec::new());
    }
    let Some(body) = output.strip_suffix("\r\n") else {
        return Err(format!("output does not end with CRLF: {output:?}"));
    };
    let mut codes = Vec::new();
    let mut continued: Option<&str> = None;
    for line in body.split("\r\n") {
        let bytes = line.as_bytes();
        let well_formed = bytes.len() >= 4
            && matches!(bytes[0], b'2'..=b'5')
            && bytes[1..3].iter().all(u8::is_ascii_digit)
            && matches!(bytes[3], b' ' | b'-')
            && bytes[4..].iter().all(|&b| (0x20..0x7f).contains(&b));
        if !well_formed {
            return Err(format!("malformed reply line {line:?}"));
        }
        let code = &line[..3];
        if let Some(previous) = continued
            && previous != code
        {
            return Err(format!("multi-line reply changes code at {line:?}"));
        }
        if bytes[3] == b'-' {
            continued = Some(code);
        } else {
            continued = None;
            codes.push(code.parse().map_err(|e| format!("{e}"))?);
        }
    }
    if continued.is_some() {
        return Err("the last reply is unfinished".into());
    }
    Ok(codes)
}

/// A client that waits for each reply before the next command, as a careful MTA does.
pub struct Client {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    pub session: JoinHandle<SessionOutcome>,
}

impl Client {
    pub fn start(config: SessionConfig, handler: Arc<Recorder>) -> Self {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let session = tokio::spawn(async move { run_session(server, peer(), &config, &*handler).await });
        let (reader, writer) = tokio::io::split(client);
        Self { reader: BufReader::new(reader), writer, session }
    }

    /// The next reply, all its lines joined with `\n`.
    pub async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "connection closed while waiting for a reply; got {lines:?}");
            let line = line.trim_end_matches("\r\n").to_owned();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    pub async fn send(&mut self, command: &str) -> String {
        self.writer.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
        self.reply().await
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    pub async fn finish(mut self) -> SessionOutcome {
        let _ = self.writer.shutdown().await;
        self.session.await.unwrap()
    }
}
