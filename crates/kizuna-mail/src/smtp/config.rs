//! Where the SMTP relay is and how to talk to it, parsed from `KIZUNA_SMTP_URL`
//! (`smtp://[user:pass@]host[:port][?starttls=…&ca_file=…]` or `smtps://…`).

use std::fmt;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text throughout: a relay on the same host or a trusted network.
    Off,
    /// STARTTLS when the relay offers it, plain text when it does not.
    Opportunistic,
    /// STARTTLS or nothing: a relay that does not offer it gets no message.
    Required,
    /// `smtps://`: TLS from the first byte (RFC 8314).
    Implicit,
}

/// A password that never shows in `Debug` output, logs or errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: Password,
}

/// Everything the SMTP transport needs; [`SmtpConfig::from_url`] fills it from
/// the relay URL and the rest keeps defaults a local Postfix is happy with.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Sent with `AUTH PLAIN` or `AUTH LOGIN`, and only over TLS.
    pub credentials: Option<Credentials>,
    /// Extra trusted certificates (PEM), for a relay with a private CA.
    pub ca_file: Option<PathBuf>,
    /// How many connections stay open to the relay at most.
    pub connections: NonZeroUsize,
    /// The name given in `EHLO`.
    pub helo_name: String,
    /// After this many messages a connection says `QUIT` and a fresh one takes over.
    pub messages_per_connection: u32,
    pub connect_timeout: Duration,
    /// For each command's reply, and for the greeting and the session set-up.
    pub command_timeout: Duration,
    /// For the reply to the end of a message: the relay may scan or queue it first.
    pub data_timeout: Duration,
    /// A connection unused for this long is closed rather than reused, since
    /// the relay has likely dropped it already.
    pub idle_timeout: Duration,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SmtpConfigError {
    #[error("the SMTP relay URL must start with smtp:// or smtps://")]
    Scheme,
    #[error("the SMTP relay URL has no host")]
    MissingHost,
    /// The text is not repeated: with a forgotten host, it would be the password.
    #[error("the SMTP relay URL has an invalid port (1 to 65535)")]
    Port,
    #[error("the SMTP relay URL's user name or password holds '/', '?' or '@': write them as %2F, %3F, %40")]
    UnescapedUserinfo,
    #[error("the SMTP relay URL has a path; only ?starttls= and ?ca_file= may follow the host")]
    Path,
    #[error("the SMTP relay URL has an unknown parameter {0:?} (known: starttls, ca_file)")]
    UnknownParameter(String),
    #[error("starttls must be required, opportunistic or off, not {0:?}")]
    StartTls(String),
    #[error("the SMTP relay URL has a broken %-escape")]
    Escape,
    #[error("a user name and password need TLS: use smtps:// or starttls=required, not starttls=off")]
    CredentialsWithoutTls,
    #[error("starttls is meaningless with smtps://, which is TLS from the start")]
    StartTlsWithImplicit,
    #[error("this build of Kizuna has no TLS support (cargo feature `tls`)")]
    TlsUnavailable,
    #[error("TLS set-up: {0}")]
    Tls(String),
    #[error("the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
}

impl SmtpConfig {
    /// Reads the relay URL. Errors never repeat the URL, which may hold a password.
    pub fn from_url(url: &str) -> Result<Self, SmtpConfigError> {
        let (implicit_tls, rest) = if let Some(rest) = url.strip_prefix("smtp://") {
            (false, rest)
        } else if let Some(rest) = url.strip_prefix("smtps://") {
            (true, rest)
        } else {
            return Err(SmtpConfigError::Scheme);
        };
        if rest.split_once(['/', '?']).is_some_and(|(_, after)| after.contains('@')) {
            return Err(SmtpConfigError::UnescapedUserinfo);
        }
        let (before_query, query) = match rest.split_once('?') {
            Some((before, query)) => (before, Some(query)),
            None => (rest, None),
        };
        let authority = match before_query.split_once('/') {
            Some((authority, "")) => authority,
            Some(_) => return Err(SmtpConfigError::Path),
            None => before_query,
        };
        // A password may itself hold '@' when not escaped, so the host follows the last one.
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((userinfo, hostport)) => (Some(userinfo), hostport),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)?;
        let port = match port {
            Some(port) => port,
            None if implicit_tls => 465,
            None => 25,
        };
        let credentials = match userinfo {
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                Some(Credentials { username: percent_decode(user)?, password: Password(percent_decode(password)?) })
            }
            None => None,
        };

        let mut starttls = None;
        let mut ca_file = None;
        for pair in query.unwrap_or("").split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "starttls" => starttls = Some(value.to_owned()),
                "ca_file" => ca_file = Some(PathBuf::from(percent_decode(value)?)),
                other => return Err(SmtpConfigError::UnknownParameter(other.to_owned())),
            }
        }
        let tls = match (implicit_tls, starttls.as_deref()) {
            (true, None) => TlsMode::Implicit,
            (true, Some(_)) => return Err(SmtpConfigError::StartTlsWithImplicit),
            (false, Some("required")) => TlsMode::Required,
            (false, Some("opportunistic")) => TlsMode::Opportunistic,
            (false, Some("off")) => TlsMode::Off,
            (false, Some(other)) => return Err(SmtpConfigError::StartTls(other.to_owned())),
            // Credentials are never sent in clear; a relay without them is usually local.
            (false, None) if credentials.is_some() => TlsMode::Required,
            (false, None) => TlsMode::Off,
        };
        if credentials.is_some() && matches!(tls, TlsMode::Off | TlsMode::Opportunistic) {
            return Err(SmtpConfigError::CredentialsWithoutTls);
        }
        if !cfg!(feature = "tls") && matches!(tls, TlsMode::Required | TlsMode::Implicit) {
            return Err(SmtpConfigError::TlsUnavailable);
        }

        Ok(Self {
            host,
            port,
            tls,
            credentials,
            ca_file,
            connections: NonZeroUsize::MIN.saturating_add(7),
            helo_name: "localhost".to_owned(),
            messages_per_connection: 1000,
            connect_timeout: Duration::from_secs(10),
            command_timeout: Duration::from_secs(60),
            data_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(30),
        })
    }

    /// How many connections to keep open; zero is taken as one.
    pub fn with_connections(mut self, connections: usize) -> Self {
        self.connections = NonZeroUsize::new(connections).unwrap_or(NonZeroUsize::MIN);
        self
    }

    pub fn with_helo_name(mut self, name: impl Into<String>) -> Self {
        self.helo_name = name.into();
        self
    }

    /// `host:port` as written in logs: no user name, no password.
    pub fn relay(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn split_host_port(hostport: &str) -> Result<(String, Option<u16>), SmtpConfigError> {
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        // An IPv6 literal: [::1]:2525
        let (host, after) = rest.split_once(']').ok_or(SmtpConfigError::MissingHost)?;
        match after {
            "" => (host, None),
            after => (host, Some(after.strip_prefix(':').ok_or(SmtpConfigError::Port)?)),
        }
    } else {
        match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err(SmtpConfigError::MissingHost);
    }
    let port = match port {
        Some(port) => match port.parse::<u16>() {
            Ok(0) | Err(_) => return Err(SmtpConfigError::Port),
            Ok(port) => Some(port),
        },
        None => None,
    };
    Ok((host.to_owned(), port))
}

fn percent_decode(text: &str) -> Result<String, SmtpConfigError> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(SmtpConfigError::Escape)?;
            let hex = std::str::from_utf8(hex).map_err(|_| SmtpConfigError::Escape)?;
            decoded.push(u8::from_str_radix(hex, 16).map_err(|_| SmtpConfigError::Escape)?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| SmtpConfigError::Escape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_relay_url_gives_host_port_and_no_tls() {
        let config = SmtpConfig::from_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((config.host.as_str(), config.port, config.tls), ("127.0.0.1", 2525, TlsMode::Off));
        assert_eq!(config.credentials, None);
        assert_eq!(SmtpConfig::from_url("smtp://relay.example.jp/").unwrap().port, 25);
        assert_eq!(SmtpConfig::from_url("smtp://[::1]:26").unwrap().relay(), "[::1]:26");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn credentials_are_decoded_require_tls_and_never_show_in_debug() {
        let config = SmtpConfig::from_url("smtp://kizuna%40city:p%40ss:w@mail.example.jp:587").unwrap();
        let credentials = config.credentials.clone().unwrap();
        assert_eq!(credentials.username, "kizuna@city");
        assert_eq!(credentials.password.expose(), "p@ss:w");
        assert_eq!(config.tls, TlsMode::Required);
        let shown = format!("{config:?}");
        assert!(!shown.contains("p@ss"), "{shown}");
        assert!(!shown.contains("p%40ss"), "{shown}");

        let implicit = SmtpConfig::from_url("smtps://u:secret@mail.example.jp").unwrap();
        assert_eq!((implicit.tls, implicit.port), (TlsMode::Implicit, 465));
        let opportunistic = SmtpConfig::from_url("smtp://mx.example.jp?starttls=opportunistic").unwrap();
        assert_eq!(opportunistic.tls, TlsMode::Opportunistic);
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_the_password() {
        let cases = [
            ("http://relay:25", SmtpConfigError::Scheme),
            ("smtp://:25", SmtpConfigError::MissingHost),
            ("smtp://relay:0", SmtpConfigError::Port),
            ("smtp://relay:smtp", SmtpConfigError::Port),
            ("smtp://kizuna:hunter2", SmtpConfigError::Port),
            ("smtp://kizuna:hun/ter2@relay", SmtpConfigError::UnescapedUserinfo),
            ("smtp://kizuna:hun?starttls=ter2@relay", SmtpConfigError::UnescapedUserinfo),
            ("smtp://relay/queue", SmtpConfigError::Path),
            ("smtp://relay?tls=yes", SmtpConfigError::UnknownParameter("tls".into())),
            ("smtp://relay?starttls=maybe", SmtpConfigError::StartTls("maybe".into())),
            ("smtp://u:hunter2@relay?starttls=off", SmtpConfigError::CredentialsWithoutTls),
            ("smtps://relay?starttls=required", SmtpConfigError::StartTlsWithImplicit),
        ];
        for (url, expected) in cases {
            let error = SmtpConfig::from_url(url).unwrap_err();
            assert_eq!(error, expected, "{url}");
            assert!(!error.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn connections_are_at_least_one() {
        let config = SmtpConfig::from_url("smtp://relay").unwrap();
        assert_eq!(config.connections.get(), 8);
        assert_eq!(config.clone().with_connections(0).connections.get(), 1);
        assert_eq!(config.with_connections(16).connections.get(), 16);
    }
}
