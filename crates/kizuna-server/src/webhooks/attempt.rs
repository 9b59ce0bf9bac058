//! One attempt at posting an event: check the receiver's addresses again,
//! connect to one of them (over TLS for https, through the proxy unless
//! `NO_PROXY` names the host), post the signed body, read the status. Redirects
//! are not followed.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use kizuna_store::ClaimedWebhookDelivery;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::signature::{SIGNATURE_HEADER, signature};
use super::target::{TargetError, resolve};
use super::url::{Host, WebhookUrl};
use crate::http_client::{Outbound, Proxy, tunnel};

/// What one attempt came to, before backoff is applied.
pub(super) enum Attempt {
    Delivered(u16),
    /// Worth trying again: an error status, a timeout, a broken connection.
    Transient {
        status: Option<u16>,
        error: String,
    },
    /// Never worth trying again: the address is refused or the URL is broken.
    Refused(String),
}

/// One attempt: check the addresses again, connect to one of them, post, read the status.
pub(super) async fn deliver(
    outbound: &Outbound,
    delivery: &ClaimedWebhookDelivery,
    secret: &[u8],
    body: Vec<u8>,
    timestamp: i64,
) -> Attempt {
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
    // Through a proxy too, Kizuna resolves and checks the name itself (above) and
    // asks for a tunnel to a checked address, never to the name: the proxy's own
    // lookup could lead inside the network.
    let proxy = if url.is_https() { outbound.proxy_for(&url.host()) } else { None };
    let connected = match proxy {
        Some(proxy) => connect_through(proxy, &addrs).await,
        None => connect(&addrs).await,
    };
    let stream = match connected {
        Ok(stream) => stream,
        Err(error) => return Attempt::Transient { status: None, error },
    };
    let request = match hyper::Request::post(url.path_and_query.as_str())
        .header(hyper::header::HOST, url.authority())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::USER_AGENT, concat!("Kizuna/", env!("CARGO_PKG_VERSION")))
        .header(SIGNATURE_HEADER, signature(secret, timestamp, &body))
        .body(Full::new(Bytes::from(body)))
    {
        Ok(request) => request,
        Err(error) => return Attempt::Refused(format!("cannot build the request: {error}")),
    };
    let answer = if url.is_https() {
        let config = outbound.tls();
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

async fn connect_through(proxy: &Proxy, addrs: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("no address to connect to");
    for addr in addrs {
        match tunnel(proxy, &addr.to_string()).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last = error,
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
