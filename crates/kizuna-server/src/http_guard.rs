//! Requests refused before any handler runs, answered in the house style.
//!
//! hyper refuses a request whose target is too long (414), whose header section
//! is too large (431), or which it cannot parse (a NUL or a lone CR in a
//! header, raw bytes outside ASCII in the target: 400) — with an empty body
//! that a resident's phone shows as a blank page and an API client cannot read.
//! [`GuardedListener`] reads each request head as it arrives on a connection,
//! ahead of hyper and with stricter limits, so that it always speaks first:
//! under `/api/` with the API's JSON error, elsewhere with the bilingual error
//! page. What it passes on reaches hyper unchanged.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::serve::Listener;
use kizuna_core::Lang;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::texts;

/// The longest request target taken (nginx's default buffer is as long).
pub const MAX_TARGET: usize = 8 * 1024;
/// The largest header section taken, request line excluded.
pub const MAX_HEAD: usize = 32 * 1024;
/// The most header lines taken (hyper's own limit is 100).
pub const MAX_HEADERS: usize = 96;
/// A method or a version longer than this is not HTTP.
const MAX_WORD: usize = 32;
/// Enough of a header line to read `Content-Length`, `Transfer-Encoding` or `Upgrade`.
const CAPTURE: usize = 64;

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 400: a NUL or a lone CR, raw bytes outside ASCII in the target.
    Malformed,
    /// 414.
    TargetTooLong,
    /// 431: the header section or the number of headers.
    HeadersTooLarge,
}

impl Refusal {
    fn status(self) -> (u16, &'static str) {
        match self {
            Refusal::Malformed => (400, "Bad Request"),
            Refusal::TargetTooLong => (414, "URI Too Long"),
            Refusal::HeadersTooLarge => (431, "Request Header Fields Too Large"),
        }
    }

    /// The API's error code.
    fn code(self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed_request",
            Refusal::TargetTooLong => "uri_too_long",
            Refusal::HeadersTooLarge => "headers_too_large",
        }
    }

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Malformed => ("problem-malformed-title", "problem-malformed-text"),
            Refusal::TargetTooLong => ("problem-uri-too-long-title", "problem-uri-too-long-text"),
            Refusal::HeadersTooLarge => ("problem-headers-too-large-title", "problem-headers-too-large-text"),
        }
    }
}

/// What the scanner makes of the bytes it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Refused; `api` when the target is under `/api/`; the first `keep` bytes
    /// given belong to the requests before it and go on to hyper.
    Refuse {
        refusal: Refusal,
        api: bool,
        keep: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between requests: empty lines may come before one.
    Idle,
    RequestLine,
    Headers,
    /// A body of known length, skipped.
    Body(u64),
    /// What follows is not read: a chunked body, an upgraded connection or HTTP/2.
    PassThrough,
}

/// Reads request heads as a connection's bytes arrive, in any pieces.
#[derive(Debug, Clone)]
pub struct HeadScanner {
    phase: Phase,
    /// The previous byte was a CR.
    cr: bool,
    /// Request line: the words ended so far (method, target).
    words: usize,
    word_len: usize,
    method: [u8; 3],
    target_start: [u8; 5],
    /// Headers: bytes so far, lines so far, and the line at hand.
    head_len: usize,
    headers: usize,
    line_len: usize,
    line: Vec<u8>,
    content_length: u64,
    opaque_after: bool,
}

impl Default for HeadScanner {
    fn default() -> Self {
        Self {
            phase: Phase::Idle,
            cr: false,
            words: 0,
            word_len: 0,
            method: [0; 3],
            target_start: [0; 5],
            head_len: 0,
            headers: 0,
            line_len: 0,
            line: Vec::with_capacity(CAPTURE),
            content_length: 0,
            opaque_after: false,
        }
    }
}

impl HeadScanner {
    /// Reads the next bytes of the connection.
    pub fn feed(&mut self, bytes: &[u8]) -> Verdict {
        let mut at = 0;
        // Where the request at hand began in these bytes, if it did.
        let mut began = None;
        while at < bytes.len() {
            match self.phase {
                Phase::PassThrough => return Verdict::Pass,
                Phase::Body(remaining) => {
                    let taken = remaining.min((bytes.len() - at) as u64);
                    at += taken as usize;
                    self.phase = if taken == remaining { Phase::Idle } else { Phase::Body(remaining - taken) };
                }
                phase => {
                    if phase == Phase::Idle && !matches!(bytes[at], b'\r' | b'\n') {
                        began = Some(at);
                    }
                    if let Err(refusal) = self.step(bytes[at]) {
                        let api = &self.target_start == b"/api/";
                        return Verdict::Refuse { refusal, api, keep: began.unwrap_or(0) };
                    }
                    at += 1;
                }
            }
        }
        Verdict::Pass
    }

    fn step(&mut self, byte: u8) -> Result<(), Refusal> {
        match self.phase {
            Phase::Idle => {
                if byte == b'\r' || byte == b'\n' {
                    return Ok(());
                }
                self.begin_request();
                self.request_line(byte)
            }
            Phase::RequestLine => self.request_line(byte),
            Phase::Headers => self.header(byte),
            Phase::Body(_) | Phase::PassThrough => Ok(()),
        }
    }

    fn begin_request(&mut self) {
        self.phase = Phase::RequestLine;
        (self.cr, self.words, self.word_len, self.method, self.target_start) = (false, 0, 0, [0; 3], [0; 5]);
        (self.head_len, self.headers, self.line_len, self.content_length, self.opaque_after) = (0, 0, 0, 0, false);
        self.line.clear();
    }

    fn request_line(&mut self, byte: u8) -> Result<(), Refusal> {
        if self.cr && byte != b'\n' {
            return Err(Refusal::Malformed);
        }
        match byte {
            b'\r' => self.cr = true,
            b'\n' => {
                self.cr = false;
                // HTTP/2 with prior knowledge starts "PRI * HTTP/2.0": not ours to read.
                self.phase = if &self.method == b"PRI" { Phase::PassThrough } else { Phase::Headers };
            }
            0 => return Err(Refusal::Malformed),
            b' ' if self.words < 2 => {
                self.words += 1;
                self.word_len = 0;
            }
            _ => {
                self.word_len += 1;
                match self.words {
                    0 => {
                        if let Some(slot) = self.method.get_mut(self.word_len - 1) {
                            *slot = byte;
                        }
                        if self.word_len > MAX_WORD {
                            return Err(Refusal::Malformed);
                        }
                    }
                    1 => {
                        if let Some(slot) = self.target_start.get_mut(self.word_len - 1) {
                            *slot = byte;
                        }
                        // Raw bytes outside printable ASCII: a browser sends them %-encoded.
                        if !(0x21..0x7f).contains(&byte) {
                            return Err(Refusal::Malformed);
                        }
                        if self.word_len > MAX_TARGET {
                            return Err(Refusal::TargetTooLong);
                        }
                    }
                    _ if self.word_len > MAX_WORD => return Err(Refusal::Malformed),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn header(&mut self, byte: u8) -> Result<(), Refusal> {
        self.head_len += 1;
        if self.head_len > MAX_HEAD {
            return Err(Refusal::HeadersTooLarge);
        }
        if self.cr && byte != b'\n' {
            return Err(Refusal::Malformed);
        }
        match byte {
            b'\r' => self.cr = true,
            b'\n' => {
                self.cr = false;
                self.end_of_line()?;
            }
            0 => return Err(Refusal::Malformed),
            _ => {
                self.line_len += 1;
                if self.line.len() < CAPTURE {
                    self.line.push(byte.to_ascii_lowercase());
                }
            }
        }
        Ok(())
    }

    fn end_of_line(&mut self) -> Result<(), Refusal> {
        if self.line_len == 0 {
            // The head is complete: skip a body of known length, stop reading otherwise.
            self.phase = match (self.opaque_after, self.content_length) {
                (true, _) => Phase::PassThrough,
                (false, 0) => Phase::Idle,
                (false, length) => Phase::Body(length),
            };
            return Ok(());
        }
        self.headers += 1;
        if self.headers > MAX_HEADERS {
            return Err(Refusal::HeadersTooLarge);
        }
        let line = std::mem::take(&mut self.line);
        let value =
            |name: &str| line.strip_prefix(name.as_bytes()).map(|v| String::from_utf8_lossy(v).trim().to_owned());
        if let Some(length) = value("content-length:") {
            // A length hyper will refuse anyway is not ours to skip.
            match length.parse() {
                Ok(length) => self.content_length = length,
                Err(_) => self.opaque_after = true,
            }
        } else if value("transfer-encoding:").is_some() || value("upgrade:").is_some() {
            self.opaque_after = true;
        }
        self.line = line;
        self.line.clear();
        self.line_len = 0;
        Ok(())
    }
}

/// The refusals as whole HTTP responses, written once at start-up.
#[derive(Debug)]
pub struct RefusalPages {
    pages: Vec<(Refusal, bool, Vec<u8>)>,
}

impl RefusalPages {
    pub fn new() -> Self {
        let mut pages = Vec::new();
        for refusal in [Refusal::Malformed, Refusal::TargetTooLong, Refusal::HeadersTooLarge] {
            pages.push((refusal, true, response(refusal, "application/json", &api_body(refusal))));
            pages.push((refusal, false, response(refusal, "text/html; charset=utf-8", &page(refusal))));
        }
        Self { pages }
    }

    fn response(&self, refusal: Refusal, api: bool) -> &[u8] {
        self.pages.iter().find(|(r, a, _)| *r == refusal && *a == api).map_or(&[][..], |(_, _, bytes)| bytes)
    }
}

impl Default for RefusalPages {
    fn default() -> Self {
        Self::new()
    }
}

fn api_body(refusal: Refusal) -> String {
    let message = texts::text(Lang::EN, refusal.keys().1);
    serde_json::json!({ "error": { "code": refusal.code(), "message": message } }).to_string()
}

/// Japanese first, then English: the request was not read far enough to know
/// the reader's language.
fn page(refusal: Refusal) -> String {
    let (title, text) = refusal.keys();
    let t = |lang: Lang, key: &str| texts::text(lang, key).into_owned();
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{ja_title} / {en_title} | Kizuna</title><link rel=\"stylesheet\" href=\"/static/kizuna.css\"></head>\
         <body><main id=\"main\"><h1>{ja_title}</h1><p>{ja_text}</p>\
         <div lang=\"en\"><h2>{en_title}</h2><p>{en_text}</p></div>\
         <p class=\"error-code\">({code})</p>\
         <p><a href=\"/\">{ja_home}</a> / <a href=\"/?lang=en\" lang=\"en\">{en_home}</a></p></main></body></html>",
        ja_title = t(Lang::JA, title),
        en_title = t(Lang::EN, title),
        ja_text = t(Lang::JA, text),
        en_text = t(Lang::EN, text),
        code = refusal.code(),
        ja_home = t(Lang::JA, "problem-home"),
        en_home = t(Lang::EN, "problem-home"),
    )
}

fn response(refusal: Refusal, content_type: &str, body: &str) -> Vec<u8> {
    let (status, reason) = refusal.status();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nx-content-type-options: nosniff\r\n\
         content-security-policy: default-src 'none'; style-src 'self'\r\nconnection: close\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body.as_bytes()].concat()
}

/// A refusal on its way out.
struct Refusing {
    refusal: Refusal,
    api: bool,
    /// How much of it is written.
    written: usize,
    /// Requests before it, in the same bytes, went on to hyper: their answers
    /// come first, so it waits for hyper to flush what it writes.
    after_flush: bool,
}

/// A connection whose request heads are read before hyper sees them.
pub struct GuardedStream<S> {
    inner: S,
    scanner: HeadScanner,
    pages: Arc<RefusalPages>,
    refusing: Option<Refusing>,
    /// hyper's read, waiting for its flush.
    reader: Option<std::task::Waker>,
}

impl<S> GuardedStream<S> {
    pub fn new(inner: S, pages: Arc<RefusalPages>) -> Self {
        Self { inner, scanner: HeadScanner::default(), pages, refusing: None, reader: None }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for GuardedStream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(refusing) = &mut this.refusing {
            if refusing.after_flush {
                this.reader = Some(cx.waker().clone());
                return Poll::Pending;
            }
            // Write the refusal, close, and tell hyper the connection ended.
            let bytes = this.pages.response(refusing.refusal, refusing.api);
            while refusing.written < bytes.len() {
                match ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[refusing.written..])) {
                    Ok(0) | Err(_) => return Poll::Ready(Ok(())),
                    Ok(n) => refusing.written += n,
                }
            }
            let _ = ready!(Pin::new(&mut this.inner).poll_shutdown(cx));
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        if let Verdict::Refuse { refusal, api, keep } = this.scanner.feed(&buf.filled()[before..]) {
            tracing::info!(refusal = refusal.code(), api, "request refused before it was read");
            buf.set_filled(before + keep);
            this.refusing = Some(Refusing { refusal, api, written: 0, after_flush: keep > 0 });
            if keep == 0 {
                return Pin::new(this).poll_read(cx, buf);
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GuardedStream<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = ready!(Pin::new(&mut this.inner).poll_flush(cx));
        // The answers to the requests before a refusal are out: the refusal may follow.
        if let Some(refusing) = &mut this.refusing
            && refusing.after_flush
        {
            refusing.after_flush = false;
            if let Some(reader) = this.reader.take() {
                reader.wake();
            }
        }
        Poll::Ready(flushed)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A TCP listener whose connections are [`GuardedStream`]s.
pub struct GuardedListener {
    inner: TcpListener,
    pages: Arc<RefusalPages>,
}

impl GuardedListener {
    pub fn new(inner: TcpListener) -> Self {
        Self { inner, pages: Arc::new(RefusalPages::new()) }
    }
}

impl Listener for GuardedListener {
    type Io = GuardedStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.inner).await;
        (GuardedStream::new(stream, self.pages.clone()), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(pieces: &[&[u8]]) -> Verdict {
        let mut scanner = HeadScanner::default();
        for piece in pieces {
            if let verdict @ Verdict::Refuse { .. } = scanner.feed(piece) {
                return verdict;
            }
        }
        Verdict::Pass
    }

    /// The same bytes fed whole and one at a time.
    fn both(bytes: &[u8]) -> Verdict {
        let whole = scan(&[bytes]);
        let single: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(scan(&single), whole, "fed byte by byte");
        whole
    }

    fn refuse(refusal: Refusal, api: bool) -> Verdict {
        Verdict::Refuse { refusal, api, keep: 0 }
    }

    #[test]
    fn ordinary_requests_pass_one_after_another() {
        let get = b"GET /notices/1?lang=en HTTP/1.1\r\nHost: anshin.example.jp\r\nAccept: */*\r\n\r\n";
        assert_eq!(both(&[&get[..], &get[..]].concat()), Verdict::Pass);
        // A body of known length is skipped, whatever it holds; the request after it is read.
        let post = b"POST /register HTTP/1.1\r\nContent-Length: 6\r\n\r\n\0\r\xff\r\r\r";
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET));
        let after_post = Verdict::Refuse { refusal: Refusal::TargetTooLong, api: false, keep: post.len() };
        assert_eq!(scan(&[&[&post[..], long.as_bytes()].concat()]), after_post, "the POST goes on to hyper");
        assert_eq!(both(&[&post[..], &get[..]].concat()), Verdict::Pass);
        // Empty lines before a request are allowed; a bare LF ends a line as hyper allows.
        assert_eq!(both(b"\r\n\r\nGET / HTTP/1.1\nHost: x\n\n"), Verdict::Pass);
    }

    #[test]
    fn a_long_target_is_refused_with_the_api_style_under_api() {
        let at_limit = format!("GET /api/v1/notices?q={} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET - 22));
        assert_eq!(both(at_limit.as_bytes()), Verdict::Pass);
        let over = format!("GET /api/v1/notices?q={} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET));
        assert_eq!(both(over.as_bytes()), refuse(Refusal::TargetTooLong, true));
        let page = format!("GET /notices?q={} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET));
        assert_eq!(both(page.as_bytes()), refuse(Refusal::TargetTooLong, false));
    }

    #[test]
    fn raw_non_ascii_or_control_bytes_in_the_target_are_malformed() {
        assert_eq!(both("GET /notices/お知らせ HTTP/1.1\r\n\r\n".as_bytes()), refuse(Refusal::Malformed, false));
        assert_eq!(both(b"GET /api/v1/\x7f HTTP/1.1\r\n\r\n"), refuse(Refusal::Malformed, true));
        assert_eq!(both(b"GET /a\0b HTTP/1.1\r\n\r\n"), refuse(Refusal::Malformed, false));
        assert_eq!(both(b"GET /%E3%81%8A HTTP/1.1\r\n\r\n"), Verdict::Pass);
    }

    #[test]
    fn a_nul_or_a_lone_cr_in_the_headers_is_malformed() {
        assert_eq!(both(b"GET /api/v1/notices HTTP/1.1\r\nX-A: a\0b\r\n\r\n"), refuse(Refusal::Malformed, true));
        assert_eq!(both(b"GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"), refuse(Refusal::Malformed, false));
        assert_eq!(both(b"GET / HTTP/1.1\rX-A: b\r\n\r\n"), refuse(Refusal::Malformed, false));
    }

    #[test]
    fn too_many_or_too_large_headers_are_refused() {
        let large = format!("GET / HTTP/1.1\r\nCookie: {}\r\n\r\n", "c".repeat(MAX_HEAD));
        assert_eq!(both(large.as_bytes()), refuse(Refusal::HeadersTooLarge, false));
        let many: String = (0..=MAX_HEADERS).map(|n| format!("X-{n}: 1\r\n")).collect();
        let many = format!("GET /api/v1/stats/subscribers HTTP/1.1\r\n{many}\r\n");
        assert_eq!(both(many.as_bytes()), refuse(Refusal::HeadersTooLarge, true));
        let enough: String = (0..MAX_HEADERS).map(|n| format!("X-{n}: 1\r\n")).collect();
        assert_eq!(both(format!("GET / HTTP/1.1\r\n{enough}\r\n").as_bytes()), Verdict::Pass);
    }

    #[test]
    fn what_is_not_http_1_request_heads_is_passed_on_unread() {
        let chunked =
            b"POST /api/v1/notices HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n\0\0\0\0\0\r\n0\r\n\r\n";
        assert_eq!(both(chunked), Verdict::Pass);
        assert_eq!(both(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\x12\x04\0\0\0\0\0"), Verdict::Pass);
    }

    #[test]
    fn refusals_are_whole_responses_in_the_house_style() {
        let pages = RefusalPages::new();
        let api = String::from_utf8(pages.response(Refusal::TargetTooLong, true).to_vec()).unwrap();
        assert!(api.starts_with("HTTP/1.1 414 URI Too Long\r\n") && api.contains("content-type: application/json"));
        let body = api.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "uri_too_long");
        assert!(api.contains(&format!("content-length: {}\r\n", body.len())));
        let html = String::from_utf8(pages.response(Refusal::HeadersTooLarge, false).to_vec()).unwrap();
        assert!(html.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        let (ja, en) = (html.find("<h1>").unwrap(), html.find("<div lang=\"en\">").unwrap());
        assert!(ja < en, "Japanese first, then English");
    }
}
