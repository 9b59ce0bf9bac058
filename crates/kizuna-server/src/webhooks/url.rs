//! A receiver's address as a webhook may have it: http or https, a host, an
//! optional port and path, no credentials and no fragment.

use std::net::{IpAddr, Ipv4Addr};

use hyper::Uri;

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
pub(super) enum Host {
    Name(String),
    Ip(IpAddr),
}

/// A receiver's address: http or https, a host, an optional port and path, no
/// credentials and no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    scheme: Scheme,
    pub(super) host: Host,
    pub(super) port: u16,
    pub(super) path_and_query: String,
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
    pub(super) fn authority(&self) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
