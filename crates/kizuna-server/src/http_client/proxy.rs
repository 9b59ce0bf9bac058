//! The way out through a proxy: the proxy Kizuna asks to CONNECT
//! (`KIZUNA_HTTPS_PROXY`), the `NO_PROXY` list of hosts reached directly, and the
//! tunnel itself.
//!
//! Written here rather than taken from reqwest: reqwest asks its proxy to CONNECT
//! to the URL's name, so a webhook could not be pinned to the address Kizuna
//! checked, and adding it (0.12, rustls, no default features) cost 161 s of
//! building on two cores against 48 s, since it changes hyper-util's and tower's
//! features and so rebuilds axum and sqlx.

use std::net::IpAddr;
use std::str::FromStr;

use hyper::Uri;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A proxy answering `CONNECT` on plain HTTP, as `http://host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    host: String,
    port: u16,
}

impl Proxy {
    /// `http://proxy.example.lg.jp:8080` (or without `http://`); the port defaults to 80.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let with_scheme = if text.contains("://") { text.to_owned() } else { format!("http://{text}") };
        let bad = || format!("{text:?} is not a proxy address such as http://proxy.example.lg.jp:8080");
        let uri = Uri::from_str(&with_scheme).map_err(|_| bad())?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(format!(
                    "{text:?}: a proxy reached over TLS is not supported; give its plain http:// address (the tunnel inside stays encrypted)"
                ));
            }
            _ => return Err(bad()),
        }
        let authority = uri.authority().ok_or_else(bad)?;
        if authority.as_str().contains('@') {
            return Err(format!("{text:?}: a user name or password for the proxy is not supported"));
        }
        if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
            return Err(bad());
        }
        let host = authority.host().trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad());
        }
        Ok(Self { host: host.to_owned(), port: authority.port_u16().unwrap_or(80) })
    }

    /// `host:port`, brackets around an IPv6 address, for messages.
    pub fn authority(&self) -> String {
        authority(&self.host, self.port)
    }
}

impl std::fmt::Display for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}", self.authority())
    }
}

/// `host:port` as a CONNECT request or a message names it.
pub(crate) fn authority(host: &str, port: u16) -> String {
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

/// The hosts reached without the proxy, as `NO_PROXY` lists them: names (which
/// cover their subdomains; a leading `.` or `*.` changes nothing), IP addresses,
/// networks such as `10.0.0.0/8`, or `*` for every host. A port after a name or
/// address is ignored, as curl does: the list names hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoProxy {
    every_host: bool,
    entries: Vec<Bypass>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Bypass {
    Domain(String),
    Network(IpAddr, u8),
}

impl NoProxy {
    /// A comma- or space-separated list; an entry that is none of the above is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut list = Self::default();
        for entry in text.split([',', ' ', '\t', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                list.every_host = true;
                continue;
            }
            let entry = without_port(entry);
            let bypass = if let Some((ip, bits)) = entry.split_once('/') {
                let ip = IpAddr::from_str(ip).map_err(|_| format!("{entry:?} is not a network such as 10.0.0.0/8"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits = bits.parse::<u8>().ok().filter(|b| *b <= max);
                Bypass::Network(ip, bits.ok_or_else(|| format!("{entry:?} is not a network such as 10.0.0.0/8"))?)
            } else if let Ok(ip) = IpAddr::from_str(entry) {
                Bypass::Network(ip, if ip.is_ipv4() { 32 } else { 128 })
            } else {
                let name = entry.trim_start_matches('*').trim_start_matches('.').trim_end_matches('.');
                let name = name.to_ascii_lowercase();
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
                    return Err(format!("{entry:?} is not a host name, an IP address, a network or *"));
                }
                Bypass::Domain(name)
            };
            list.entries.push(bypass);
        }
        Ok(list)
    }

    /// Whether `host` (a name, or an IP address without brackets) is reached directly.
    pub fn bypasses(&self, host: &str) -> bool {
        if self.every_host {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let ip = IpAddr::from_str(&host).ok();
        self.entries.iter().any(|entry| match (entry, ip) {
            (Bypass::Domain(domain), _) => {
                host == *domain || host.strip_suffix(domain.as_str()).is_some_and(|rest| rest.ends_with('.'))
            }
            (Bypass::Network(network, bits), Some(ip)) => within(ip, *network, *bits),
            (Bypass::Network(..), None) => false,
        })
    }
}

/// `host:8080` → `host`, `[::1]:8080` → `::1`; a bare IPv6 address stays whole.
fn without_port(entry: &str) -> &str {
    if let Some(rest) = entry.strip_prefix('[') {
        return rest.split_once(']').map_or(entry, |(ip, _)| ip);
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => entry,
    }
}

fn within(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    let (ip, network, width) = match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(network)) => (u128::from(u32::from(ip)), u128::from(u32::from(network)), 32),
        (IpAddr::V6(ip), IpAddr::V6(network)) => (u128::from(ip), u128::from(network), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    shift >= width || (ip >> shift) == (network >> shift)
}

/// The longest answer head a proxy may give to CONNECT.
const MAX_HEAD: usize = 8 * 1024;

/// Asks `proxy` for a tunnel to `target` (`host:port`) and returns the connection,
/// ready for the TLS handshake with the origin.
pub(crate) async fn tunnel(proxy: &Proxy, target: &str) -> Result<TcpStream, String> {
    let mut stream = TcpStream::connect((proxy.host.as_str(), proxy.port))
        .await
        .map_err(|e| format!("cannot connect to the proxy {}: {e}", proxy.authority()))?;
    let request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: Kizuna/{}\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let broken = |e: std::io::Error| format!("the proxy {} broke off CONNECT {target}: {e}", proxy.authority());
    stream.write_all(request.as_bytes()).await.map_err(broken)?;
    // Read one byte at a time: nothing after the head may be taken from the
    // tunnel, and the head is short.
    let mut head = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(format!("the proxy {} answered CONNECT {target} with an over-long head", proxy.authority()));
        }
        if stream.read(&mut byte).await.map_err(broken)? == 0 {
            return Err(format!("the proxy {} closed the connection on CONNECT {target}", proxy.authority()));
        }
        head.push(byte[0]);
    }
    let status_line = String::from_utf8_lossy(head.split(|b| *b == b'\n').next().unwrap_or_default()).trim().to_owned();
    let status = status_line.split(' ').nth(1).and_then(|code| code.parse::<u16>().ok());
    match status {
        Some(200..=299) if status_line.starts_with("HTTP/1.") => Ok(stream),
        _ => Err(format!("the proxy {} refused CONNECT {target}: {status_line}", proxy.authority())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_addresses_are_plain_http_without_credentials() {
        let proxy = Proxy::parse(" http://proxy.example.lg.jp:8080/ ").unwrap();
        assert_eq!(
            (proxy.authority(), proxy.to_string()),
            ("proxy.example.lg.jp:8080".into(), "http://proxy.example.lg.jp:8080".into())
        );
        assert_eq!(Proxy::parse("10.1.2.3:3128").unwrap().authority(), "10.1.2.3:3128");
        assert_eq!(Proxy::parse("http://[fd00::1]").unwrap().authority(), "[fd00::1]:80");
        for (bad, says) in [
            ("https://proxy:8443", "over TLS"),
            ("http://user:pw@proxy:8080", "password"),
            ("socks5://proxy:1080", "not a proxy address"),
            ("http://proxy:8080/path", "not a proxy address"),
            ("http://", "not a proxy address"),
        ] {
            let error = Proxy::parse(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn no_proxy_covers_names_their_subdomains_addresses_and_networks() {
        let list =
            NoProxy::parse("localhost:8080, .lg.jp *.example.jp,10.0.0.0/8,192.0.2.7, ::1,[fd00::7]:443").unwrap();
        for direct in
            ["localhost", "city.lg.jp", "lg.jp", "a.b.example.jp", "10.20.30.40", "192.0.2.7", "::1", "LOCALHOST."]
        {
            assert!(list.bypasses(direct), "{direct}");
        }
        for proxied in ["www.data.jma.go.jp", "notlg.jp", "example.jp.evil.com", "11.0.0.1", "192.0.2.8", "::2"] {
            assert!(!list.bypasses(proxied), "{proxied}");
        }
        assert!(NoProxy::parse("*").unwrap().bypasses("www.data.jma.go.jp"));
        assert!(!NoProxy::default().bypasses("localhost"));
        for bad in ["10.0.0.0/33", "exa mple$", "x/8"] {
            assert!(NoProxy::parse(bad).is_err(), "{bad}");
        }
    }
}
