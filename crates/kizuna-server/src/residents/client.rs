//! Who is asking: the client's network, from the TCP peer or, behind a trusted
//! reverse proxy, from the header it sets.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::config::ResidentSettings;
use crate::state::AppState;

/// The client's address, if it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(client_ip(peer, &parts.headers, &state.settings.residents)))
    }
}

/// The peer, unless a proxy header is configured and the peer is a proxy we
/// trust: then the rightmost address in the header that is not itself a
/// trusted proxy. Anyone can send the header, so it is believed only from there.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, settings: &ResidentSettings) -> Option<IpAddr> {
    let peer = peer.map(|ip| ip.to_canonical());
    let trusted = |ip: IpAddr| ip.is_loopback() || settings.trusted_proxies.contains(&ip);
    let (Some(header), Some(peer_ip)) = (settings.trusted_proxy_header.as_deref(), peer) else {
        return peer;
    };
    if !trusted(peer_ip) {
        return peer;
    }
    let listed: Vec<&str> = headers
        .get_all(header)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    for entry in listed.iter().rev() {
        let Some(ip) = parse_entry(entry) else {
            // What the proxy wrote cannot be read: count the proxy itself.
            return peer;
        };
        if !trusted(ip) {
            return Some(ip);
        }
    }
    peer
}

/// `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The key a client network is counted under: the IPv4 address, or the /64 an
/// IPv6 host sits in (a phone can pick any address within its /64).
pub fn network_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(IpAddr::V4(v4)) => format!("ip:{v4}"),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "ip:unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    fn settings(header: Option<&str>, proxies: &[&str]) -> ResidentSettings {
        ResidentSettings {
            trusted_proxy_header: header.map(str::to_owned),
            trusted_proxies: proxies.iter().filter_map(|p| p.parse().ok()).collect(),
            ..ResidentSettings::default()
        }
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append("x-forwarded-for", value);
            }
        }
        headers
    }

    #[test]
    fn without_a_configured_header_the_peer_is_the_client() {
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &settings(None, &[])), ip("127.0.0.1"));
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let config = settings(Some("x-forwarded-for"), &["10.0.0.5"]);
        let headers = forwarded(&["198.51.100.1, 203.0.113.7"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &config), ip("203.0.113.7"), "rightmost, set by our proxy");
        assert_eq!(client_ip(ip("10.0.0.5"), &headers, &config), ip("203.0.113.7"));
        assert_eq!(client_ip(ip("192.0.2.44"), &headers, &config), ip("192.0.2.44"), "a forged header is ignored");
        let chained = forwarded(&["203.0.113.7", "10.0.0.5"]);
        assert_eq!(client_ip(ip("::1"), &chained, &config), ip("203.0.113.7"), "trusted hops are skipped");
        assert_eq!(client_ip(ip("127.0.0.1"), &forwarded(&["garbage"]), &config), ip("127.0.0.1"));
        assert_eq!(client_ip(ip("127.0.0.1"), &forwarded(&["[2001:db8::7]:4711"]), &config), ip("2001:db8::7"));
        assert_eq!(client_ip(ip("127.0.0.1"), &HeaderMap::new(), &config), ip("127.0.0.1"));
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(network_key(ip("2001:db8:1:2:aaaa::1")), network_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(network_key(ip("2001:db8:1:2::1")), network_key(ip("2001:db8:1:3::1")));
        assert_eq!(network_key(ip("::ffff:203.0.113.7").map(|i| i.to_canonical())), "ip:203.0.113.7");
        assert_eq!(network_key(None), "ip:unknown");
    }
}
