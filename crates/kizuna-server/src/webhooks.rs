//! Outgoing webhooks: registering a receiver (refusing addresses inside the
//! network unless allowed), and the sender that posts each notice event as signed
//! JSON, retries with backoff and keeps every attempt in the delivery log.
//!
//! Signature scheme. Every POST carries
//! `Kizuna-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`:
//! the key is the webhook's secret exactly as `kizuna webhook add` printed it
//! (its ASCII bytes, `whsec_` included), the message is the decimal timestamp, a
//! full stop and the raw request body. A receiver recomputes the HMAC over the
//! bytes it received, compares in constant time, and rejects timestamps more than
//! a few minutes old so a captured request cannot be replayed later.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use bytes::Bytes;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit as _, Mac as _};
use http_body_util::Full;
use hyper::Uri;
use hyper_util::rt::TokioIo;
use kizuna_core::notice::NoticeStatus;
use kizuna_store::{
    ClaimRequest, ClaimedWebhookDelivery, NewAuditEntry, NewWebhook, Notice, Store, StoreError, WebhookEvent,
    WebhookOutcome, WebhookResult,
};
use sha2::Sha256;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::state::AppState;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Kizuna-Signature";
/// How long one attempt may take, from name lookup to the response status.
pub const ATTEMPT_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// Attempts before an event is given up (about three hours of retries).
pub const MAX_ATTEMPTS: i64 = 10;
/// The lease that makes one process of many the sender.
pub const LEASE: &str = "webhooks";
const BATCH_SIZE: i64 = 20;
/// Longer than an attempt can take, so a live sender never loses its claim.
const CLAIM_TTL_SECONDS: i64 = 120;

/// Why a URL cannot be a webhook receiver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("{0:?} is not an absolute URL such as https://example.jp/kizuna")]
    NotAbsolute(String),
    #[error("a webhook URL starts with http:// or https://, not {0}://")]
    Scheme(String),
    #[error("a webhook URL carries no user name or password; authenticate with the signature instead")]
    Credentials,
    #[error("a webhook URL has no #fragment (it never reaches the receiver)")]
    Fragment,
    #[error("{0:?} is not a host name or an IP address")]
    Host(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Name(String),
    Ip(IpAddr),
}

/// A receiver's address: http or https, a host, an optional port and path, no
/// credentials and no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    scheme: Scheme,
    host: Host,
    port: u16,
    path_and_query: String,
}

impl WebhookUrl {
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        let text = input.trim();
        if text.contains('#') {
            return Err(UrlError::Fragment);
        }
        let uri: Uri = text.parse().map_err(|_| UrlError::NotAbsolute(text.to_owned()))?;
        let scheme = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("http") => Scheme::Http,
            Some("https") => Scheme::Https,
            Some(other) => return Err(UrlError::Scheme(other.to_owned())),
            None => return Err(UrlError::NotAbsolute(text.to_owned())),
        };
        let authority = uri.authority().ok_or_else(|| UrlError::NotAbsolute(text.to_owned()))?;
        if authority.as_str().contains('@') {
            return Err(UrlError::Credentials);
        }
        let raw_host = authority.host();
        let host = if let Some(inner) = raw_host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Host::Ip(IpAddr::V6(inner.parse().map_err(|_| UrlError::Host(raw_host.to_owned()))?))
        } else if let Ok(v4) = raw_host.parse::<Ipv4Addr>() {
            Host::Ip(IpAddr::V4(v4))
        } else {
            let name = raw_host.trim_end_matches('.').to_ascii_lowercase();
            let label_ok = |label: &str| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            };
            if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
                return Err(UrlError::Host(raw_host.to_owned()));
            }
            Host::Name(name)
        };
        let default_port = if scheme == Scheme::Https { 443 } else { 80 };
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        let path_and_query = if path_and_query.is_empty() { "/" } else { path_and_query };
        Ok(Self {
            scheme,
            host,
            port: authority.port_u16().unwrap_or(default_port),
            path_and_query: path_and_query.to_owned(),
        })
    }

    /// The host as written in the URL (IPv6 without brackets).
    pub fn host(&self) -> String {
        match &self.host {
            Host::Name(name) => name.clone(),
            Host::Ip(ip) => ip.to_string(),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::Https
    }

    fn default_port(&self) -> bool {
        self.port == if self.is_https() { 443 } else { 80 }
    }

    /// The value of the `Host` header.
    fn authority(&self) -> String {
        let host = match &self.host {
            Host::Ip(IpAddr::V6(v6)) => format!("[{v6}]"),
            _ => self.host(),
        };
        if self.default_port() { host } else { format!("{host}:{}", self.port) }
    }
}

impl std::fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.is_https() { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.path_and_query)
    }
}

/// What kind of address an IP is when it is not a public one on the internet;
/// `None` for public addresses. IPv4 addresses carried inside IPv6 (mapped,
/// compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() => "unspecified",
        (0, _, _) => "\"this network\"",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        (169, 254, _) => "link-local",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        _ if ip.is_broadcast() => "broadcast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    let embedded = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    Some(match s {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        // IPv4-compatible (deprecated): ::a.b.c.d
        [0, 0, 0, 0, 0, 0, high, low] => return non_public_v4(embedded(high, low)).or(Some("reserved")),
        // NAT64 well-known prefix 64:ff9b::/96 reaches the IPv4 address it carries.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => return non_public_v4(embedded(high, low)),
        [0x64, 0xff9b, 1, ..] => "private (local NAT64)",
        // 6to4 2002:a.b.c.d::/48 relays to the IPv4 address it carries.
        [0x2002, high, low, ..] => return non_public_v4(embedded(high, low)),
        [0x0100, 0, 0, 0, ..] => "discard-only",
        [0x2001, 0x0db8, ..] => "documentation",
        [first, ..] if first & 0xfe00 == 0xfc00 => "private (unique local)",
        [first, ..] if first & 0xffc0 == 0xfe80 => "link-local",
        [first, ..] if first & 0xffc0 == 0xfec0 => "private (site-local)",
        [first, ..] if first & 0xff00 == 0xff00 => "multicast",
        _ => return None,
    })
}

/// Why a receiver cannot be reached safely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error("{host} cannot be resolved: {reason}")]
    Unresolvable { host: String, reason: String },
    #[error("refused: {host} leads to {ip}, a {kind} address, and this webhook may reach public addresses only")]
    NotPublic { host: String, ip: IpAddr, kind: &'static str },
}

/// Looks up the receiver's addresses and checks every one of them, so a name
/// with one public and one internal address is refused too. The sender connects
/// only to the addresses returned here: a second lookup could answer differently
/// (DNS rebinding).
pub async fn resolve(url: &WebhookUrl, allow_private: bool) -> Result<Vec<SocketAddr>, TargetError> {
    let addrs: Vec<SocketAddr> = match &url.host {
        Host::Ip(ip) => vec![SocketAddr::new(*ip, url.port)],
        Host::Name(name) => {
            let lookup = tokio::net::lookup_host((name.as_str(), url.port));
            let unresolvable = |reason: String| TargetError::Unresolvable { host: name.clone(), reason };
            match tokio::time::timeout(StdDuration::from_secs(5), lookup).await {
                Ok(Ok(found)) => found.collect(),
                Ok(Err(error)) => return Err(unresolvable(error.to_string())),
                Err(_) => return Err(unresolvable("the lookup timed out".into())),
            }
        }
    };
    if addrs.is_empty() {
        return Err(TargetError::Unresolvable { host: url.host(), reason: "no address".into() });
    }
    if !allow_private {
        for addr in &addrs {
            if let Some(kind) = non_public(addr.ip()) {
                return Err(TargetError::NotPublic { host: url.host(), ip: addr.ip(), kind });
            }
        }
    }
    Ok(addrs)
}

/// A receiver just registered, with the secret the operator hands to it.
#[derive(Clone)]
pub struct RegisteredWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for RegisteredWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredWebhook").field("id", &self.id).field("url", &self.url).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("cannot generate a secret: {0}")]
    Randomness(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Registers a receiver after checking that its URL leads to public addresses
/// only (or that private ones are explicitly allowed), and records who did it.
pub async fn register(
    store: &Arc<dyn Store>,
    url: &str,
    allow_private: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<RegisteredWebhook, RegisterError> {
    let url = WebhookUrl::parse(url).map_err(TargetError::from)?;
    resolve(&url, allow_private).await?;
    let random = kizuna_core::token::random_secret(32).map_err(|e| RegisterError::Randomness(e.to_string()))?;
    let secret = format!("whsec_{random}");
    let url = url.to_string();
    let id = store.create_webhook(&NewWebhook { url: url.clone(), secret: secret.clone(), allow_private }, now).await?;
    let detail = serde_json::json!({ "url": url, "allow_private": allow_private }).to_string();
    let entry =
        NewAuditEntry { actor: actor.into(), action: "webhook_add".into(), subject: format!("webhook:{id}"), detail };
    store.record_audit(&entry, now).await?;
    Ok(RegisteredWebhook { id, url, secret })
}

/// Removes a receiver (its log stays); false when there is no active one with that id.
pub async fn remove(store: &Arc<dyn Store>, id: i64, actor: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    if !store.remove_webhook(id, now).await? {
        return Ok(false);
    }
    let entry = NewAuditEntry {
        actor: actor.into(),
        action: "webhook_remove".into(),
        subject: format!("webhook:{id}"),
        detail: "{}".into(),
    };
    store.record_audit(&entry, now).await?;
    Ok(true)
}

/// The `Kizuna-Signature` value for `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), &[timestamp.to_string().as_bytes(), b".", body]);
    format!("t={timestamp},v1={}", hex::encode(mac))
}

/// HMAC-SHA256 of the concatenated `parts`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes keys of any length, so this never fails; an empty MAC would never verify.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return Vec::new() };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// The JSON body posted for one event.
pub fn payload(delivery_id: i64, event: WebhookEvent, notice: &Notice, base_url: &str) -> Vec<u8> {
    let time = |at: Option<DateTime<Utc>>| at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true));
    serde_json::json!({
        "delivery_id": delivery_id,
        "event": event.as_str(),
        "notice": {
            "id": notice.id,
            "status": notice.status.as_str(),
            "title": notice.title,
            "body": notice.body,
            "title_en": notice.title_en,
            "body_en": notice.body_en,
            "category": notice.category,
            "municipalities": notice.municipalities,
            "urgency": notice.urgency.as_str(),
            "exercise": notice.exercise,
            "supersedes": notice.supersedes,
            "sent_at": time(notice.sent_at),
            "url": format!("{base_url}/notices/{}", notice.id),
        }
    })
    .to_string()
    .into_bytes()
}

/// When to try an event again after `attempts` failed: 30 s doubling to an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 8) - 1;
    Duration::seconds((30i64 << exponent).min(3600))
}

/// What one step of the sender did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub cancelled: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Another process holds the sender's lease.
    Standby,
    /// Nothing was due.
    Idle,
    Attempted(BatchReport),
}

/// What one attempt came to, before backoff is applied.
enum Attempt {
    Delivered(u16),
    /// Worth trying again: an error status, a timeout, a broken connection.
    Transient {
        status: Option<u16>,
        error: String,
    },
    /// Never worth trying again: the address is refused or the URL is broken.
    Refused(String),
}

/// Claims due events and posts them, each with its own timeout, all at once.
/// Steppable: tests drive it one batch at a time with a manual clock.
pub async fn try_execute_batch(state: &AppState, holder: &str) -> Result<Outcome, StoreError> {
    let store = &state.store;
    let now = state.clock.now();
    let ttl = Duration::seconds(crate::jobs::LEASE_TTL_SECONDS);
    if !store.try_acquire_lease(LEASE, holder, now, ttl).await? {
        return Ok(Outcome::Standby);
    }
    let claim_id =
        kizuna_core::token::random_secret(12).map_err(|e| StoreError::Unavailable(format!("randomness: {e}")))?;
    let request = ClaimRequest {
        claim_id: claim_id.clone(),
        now,
        batch_size: BATCH_SIZE,
        claim_ttl: Duration::seconds(CLAIM_TTL_SECONDS),
    };
    let claimed = store.claim_webhook_deliveries(&request).await?;
    if claimed.is_empty() {
        return Ok(Outcome::Idle);
    }
    let mut outcomes = Vec::with_capacity(claimed.len());
    let mut attempts = JoinSet::new();
    for delivery in claimed.iter().cloned() {
        let notice = store.notice(delivery.notice_id).await?;
        let Some(notice) = notice.filter(|n| n.status != NoticeStatus::Cancelled) else {
            outcomes.push(WebhookOutcome {
                delivery_id: delivery.id,
                result: WebhookResult::Cancelled,
                status_code: None,
                error: None,
            });
            continue;
        };
        let body = payload(delivery.id, delivery.event, &notice, &state.settings.base_url);
        let timestamp = state.clock.now().timestamp();
        attempts.spawn(async move {
            let attempt = tokio::time::timeout(ATTEMPT_TIMEOUT, deliver(&delivery, body, timestamp))
                .await
                .unwrap_or_else(|_| Attempt::Transient {
                    status: None,
                    error: format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs()),
                });
            (delivery, attempt)
        });
    }
    while let Some(joined) = attempts.join_next().await {
        let Ok((delivery, attempt)) = joined else {
            tracing::error!("a webhook attempt ended abnormally; its event is claimed again after the claim expires");
            continue;
        };
        outcomes.push(settle(&delivery, attempt, state.clock.now()));
    }
    store.record_webhook_outcomes(&claim_id, &outcomes, state.clock.now()).await?;
    let mut report = BatchReport { claimed: claimed.len(), ..BatchReport::default() };
    for outcome in &outcomes {
        match outcome.result {
            WebhookResult::Sent => report.sent += 1,
            WebhookResult::Retry { .. } => report.retried += 1,
            WebhookResult::Failed => report.failed += 1,
            WebhookResult::Cancelled => report.cancelled += 1,
        }
    }
    Ok(Outcome::Attempted(report))
}

fn settle(delivery: &ClaimedWebhookDelivery, attempt: Attempt, now: DateTime<Utc>) -> WebhookOutcome {
    let (result, status_code, error) = match attempt {
        Attempt::Delivered(status) => (WebhookResult::Sent, Some(status), None),
        Attempt::Refused(error) => (WebhookResult::Failed, None, Some(error)),
        Attempt::Transient { status, error } => {
            if delivery.attempts >= MAX_ATTEMPTS {
                (WebhookResult::Failed, status, Some(format!("{error} (gave up after {} attempts)", delivery.attempts)))
            } else {
                let next_attempt_at = now + backoff(delivery.attempts);
                (WebhookResult::Retry { next_attempt_at }, status, Some(error))
            }
        }
    };
    if let Some(error) = &error {
        tracing::warn!(webhook = delivery.webhook_id, event = delivery.id, attempt = delivery.attempts, %error, "webhook attempt failed");
    }
    WebhookOutcome { delivery_id: delivery.id, result, status_code: status_code.map(i64::from), error }
}

/// One attempt: check the addresses again, connect to one of them, post, read the status.
async fn deliver(delivery: &ClaimedWebhookDelivery, body: Vec<u8>, timestamp: i64) -> Attempt {
    let url = match WebhookUrl::parse(&delivery.url) {
        Ok(url) => url,
        Err(error) => return Attempt::Refused(format!("the stored URL does not parse: {error}")),
    };
    let addrs = match resolve(&url, delivery.allow_private).await {
        Ok(addrs) => addrs,
        Err(error @ TargetError::Unresolvable { .. }) => {
            return Attempt::Transient { status: None, error: error.to_string() };
        }
        Err(error) => return Attempt::Refused(error.to_string()),
    };
    let stream = match connect(&addrs).await {
        Ok(stream) => stream,
        Err(error) => return Attempt::Transient { status: None, error },
    };
    let request = match hyper::Request::post(url.path_and_query.as_str())
        .header(hyper::header::HOST, url.authority())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::USER_AGENT, concat!("Kizuna/", env!("CARGO_PKG_VERSION")))
        .header(SIGNATURE_HEADER, signature(&delivery.secret, timestamp, &body))
        .body(Full::new(Bytes::from(body)))
    {
        Ok(request) => request,
        Err(error) => return Attempt::Refused(format!("cannot build the request: {error}")),
    };
    let answer = if url.is_https() {
        let config = match crate::http_client::tls_config() {
            Ok(config) => config,
            Err(error) => return Attempt::Transient { status: None, error },
        };
        let name = match &url.host {
            Host::Ip(ip) => rustls::pki_types::ServerName::IpAddress((*ip).into()),
            Host::Name(name) => match rustls::pki_types::ServerName::try_from(name.clone()) {
                Ok(name) => name,
                Err(error) => return Attempt::Refused(format!("{name} is not a TLS server name: {error}")),
            },
        };
        match tokio_rustls::TlsConnector::from(config).connect(name, stream).await {
            Ok(tls) => exchange(tls, request).await,
            Err(error) => Err(format!("TLS: {error}")),
        }
    } else {
        exchange(stream, request).await
    };
    match answer {
        Ok(status) if (200..300).contains(&status) => Attempt::Delivered(status),
        Ok(status) => {
            let mut error = format!("HTTP {status}");
            if let Some(reason) = hyper::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()) {
                error = format!("{error} {reason}");
            }
            if (300..400).contains(&status) {
                error.push_str(" (redirects are not followed)");
            }
            Attempt::Transient { status: Some(status), error }
        }
        Err(error) => Attempt::Transient { status: None, error },
    }
}

async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("no address to connect to");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last = format!("cannot connect to {addr}: {error}"),
        }
    }
    Err(last)
}

async fn exchange<S>(io: S, request: hyper::Request<Full<Bytes>>) -> Result<u16, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(io)).await.map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(connection);
    let result = sender.send_request(request).await.map(|response| response.status().as_u16());
    // The answer's status is all Kizuna needs; dropping the connection ends it.
    driver.abort();
    result.map_err(|e| format!("HTTP: {e}"))
}

/// Runs the sender until `shutdown` changes, then gives its lease back.
pub async fn run(state: AppState, holder: String, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(StdDuration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                // A full batch suggests more is waiting: go on at once.
                loop {
                    match try_execute_batch(&state, &holder).await {
                        Ok(Outcome::Attempted(report)) if report.claimed as i64 >= BATCH_SIZE => {
                            if *shutdown.borrow() {
                                break;
                            }
                        }
                        Ok(_) => break,
                        Err(error) => {
                            tracing::warn!(%error, "webhook step failed; retrying");
                            break;
                        }
                    }
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    if let Err(error) = state.store.release_lease(LEASE, &holder).await {
        tracing::warn!(%error, "could not release the webhook lease; it expires by itself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(text: &str) -> IpAddr {
        IpAddr::V4(text.parse().unwrap())
    }

    fn v6(text: &str) -> IpAddr {
        IpAddr::V6(text.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_addresses_are_named() {
        let cases = [
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("10.0.0.1", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("100.127.255.255", "shared (carrier-grade NAT)"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "\"this network\""),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("192.0.2.10", "documentation"),
            ("198.18.0.1", "benchmarking"),
        ];
        for (ip, kind) in cases {
            assert_eq!(non_public(v4(ip)), Some(kind), "{ip}");
        }
    }

    #[test]
    fn public_ipv4_addresses_pass_including_the_neighbours_of_internal_ranges() {
        for ip in [
            "8.8.8.8",
            "133.242.0.1",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "169.253.255.255",
            "192.167.255.255",
            "11.0.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "223.255.255.255",
        ] {
            assert_eq!(non_public(v4(ip)), None, "{ip}");
        }
    }

    #[test]
    fn internal_ipv6_addresses_are_named_and_embedded_ipv4_is_judged_by_itself() {
        let cases = [
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fc00::1", "private (unique local)"),
            ("fd12:3456::1", "private (unique local)"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "private (site-local)"),
            ("ff02::1", "multicast"),
            ("2001:db8::1", "documentation"),
            ("100::1", "discard-only"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::127.0.0.1", "loopback"),
            ("64:ff9b::192.168.0.1", "private"),
            ("64:ff9b:1::1", "private (local NAT64)"),
            ("2002:7f00:1::", "loopback"),
            ("2002:c0a8:101::1", "private"),
        ];
        for (ip, kind) in cases {
            assert_eq!(non_public(v6(ip)), Some(kind), "{ip}");
        }
        for ip in
            ["2001:4860:4860::8888", "2404:6800:4004::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1"]
        {
            assert_eq!(non_public(v6(ip)), None, "{ip}");
        }
    }

    #[test]
    fn urls_become_receivers_or_say_what_is_wrong() {
        let url = WebhookUrl::parse(" https://Bousai.City.Example.JP./hooks/kizuna?town=112071 ").unwrap();
        assert_eq!(url.to_string(), "https://bousai.city.example.jp/hooks/kizuna?town=112071");
        assert_eq!((url.host(), url.port(), url.is_https()), ("bousai.city.example.jp".to_owned(), 443, true));
        let url = WebhookUrl::parse("http://[::1]:8080").unwrap();
        assert_eq!(
            (url.to_string(), url.host(), url.port()),
            ("http://[::1]:8080/".to_owned(), "::1".to_owned(), 8080)
        );
        assert_eq!(WebhookUrl::parse("http://127.0.0.1:80/x").unwrap().to_string(), "http://127.0.0.1/x");

        assert_eq!(WebhookUrl::parse("ftp://example.jp/"), Err(UrlError::Scheme("ftp".into())));
        assert_eq!(WebhookUrl::parse("https://user:pw@example.jp/"), Err(UrlError::Credentials));
        assert_eq!(WebhookUrl::parse("https://example.jp/#top"), Err(UrlError::Fragment));
        assert!(matches!(WebhookUrl::parse("example.jp/hook"), Err(UrlError::NotAbsolute(_))));
        assert!(matches!(WebhookUrl::parse("/hook"), Err(UrlError::NotAbsolute(_))));
        assert!(matches!(WebhookUrl::parse("https://exa mple.jp/"), Err(UrlError::NotAbsolute(_))));
        assert!(matches!(WebhookUrl::parse("https://a..b/"), Err(UrlError::Host(_))));
        assert!(WebhookUrl::parse("http://[::zz]/").is_err());
    }

    #[tokio::test]
    async fn literal_and_resolved_internal_addresses_are_refused_unless_allowed() {
        let loopback = WebhookUrl::parse("http://127.0.0.1:9/hook").unwrap();
        let refused = resolve(&loopback, false).await.unwrap_err();
        assert!(matches!(refused, TargetError::NotPublic { kind: "loopback", .. }), "{refused}");
        assert_eq!(resolve(&loopback, true).await.unwrap(), vec!["127.0.0.1:9".parse().unwrap()]);
        let metadata = WebhookUrl::parse("http://[::ffff:169.254.169.254]/latest").unwrap();
        assert!(matches!(resolve(&metadata, false).await, Err(TargetError::NotPublic { kind: "link-local", .. })));
        // "localhost" and the decimal form of 127.0.0.1 are names the resolver turns into loopback.
        for name in ["http://localhost:9/", "http://2130706433:9/"] {
            let url = WebhookUrl::parse(name).unwrap();
            let refused = resolve(&url, false).await.unwrap_err();
            assert!(matches!(refused, TargetError::NotPublic { kind: "loopback", .. }), "{name}: {refused}");
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test cases 1 and 2.
        let key = [0x0b; 20];
        assert_eq!(
            hex::encode(hmac_sha256(&key, &[b"Hi There"])),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"])),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let header = signature("whsec_test", 1_790_000_000, b"{\"event\":\"notice.sent\"}");
        let expected = hmac_sha256(b"whsec_test", &[b"1790000000.{\"event\":\"notice.sent\"}"]);
        assert_eq!(header, format!("t=1790000000,v1={}", hex::encode(expected)));
        assert_ne!(signature("whsec_other", 1_790_000_000, b"{}"), signature("whsec_test", 1_790_000_000, b"{}"));
        assert_ne!(signature("whsec_test", 1_790_000_001, b"{}"), signature("whsec_test", 1_790_000_000, b"{}"));
    }

    #[test]
    fn backoff_doubles_from_half_a_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=10).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
