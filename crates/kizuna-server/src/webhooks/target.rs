//! Where a receiver leads: its addresses, looked up once and each checked, so
//! that a webhook cannot reach inside the network (private, loopback,
//! link-local, …) unless it is explicitly allowed to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration as StdDuration;

use super::url::{Host, UrlError, WebhookUrl};

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
}
