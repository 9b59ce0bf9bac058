//! Reading a setting's text into its value — whole numbers in a range, durations
//! in the unit their key names, socket addresses, comma-separated lists (pacing
//! rules, proxies, feeds) — with its default when no layer sets it. A bad value
//! names the key it came from.

use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::PathBuf;

use chrono::Duration;

use super::keys;
use super::layers::Layers;
use super::{ConfigError, bad};

impl Layers {
    /// The trimmed text and its source. A default's source is the environment
    /// variable, so that a message names something the operator can set.
    pub(super) fn text(&self, key: &'static str, default: &str) -> (String, String) {
        match self.get(key) {
            Some((source, value)) => (source.to_owned(), value.trim().to_owned()),
            None => (keys::env_name(key), default.to_owned()),
        }
    }

    /// The text turned into a value by `parse`, whose message says what is wrong.
    pub(super) fn parsed<T>(
        &self,
        key: &'static str,
        default: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let (source, value) = self.text(key, default);
        parse(&value).map_err(|problem| bad(&source, problem))
    }

    /// A whole number within `range`, which must fit `T`.
    pub(super) fn whole<T>(&self, key: &'static str, default: T, range: RangeInclusive<i64>) -> Result<T, ConfigError>
    where
        T: Display + TryFrom<i64>,
    {
        let (source, value) = self.text(key, &default.to_string());
        let number = value.parse::<i64>().ok().filter(|n| range.contains(n));
        number.and_then(|n| T::try_from(n).ok()).ok_or_else(|| {
            bad(&source, format!("{value:?} is not a whole number from {} to {}", range.start(), range.end()))
        })
    }

    pub(super) fn seconds(
        &self,
        key: &'static str,
        default: Duration,
        range: RangeInclusive<i64>,
    ) -> Result<Duration, ConfigError> {
        Ok(Duration::seconds(self.whole(key, default.num_seconds(), range)?))
    }

    pub(super) fn minutes(
        &self,
        key: &'static str,
        default: Duration,
        range: RangeInclusive<i64>,
    ) -> Result<Duration, ConfigError> {
        Ok(Duration::minutes(self.whole(key, default.num_minutes(), range)?))
    }

    pub(super) fn hours(
        &self,
        key: &'static str,
        default: Duration,
        range: RangeInclusive<i64>,
    ) -> Result<Duration, ConfigError> {
        Ok(Duration::hours(self.whole(key, default.num_hours(), range)?))
    }

    pub(super) fn days(
        &self,
        key: &'static str,
        default: Duration,
        range: RangeInclusive<i64>,
    ) -> Result<Duration, ConfigError> {
        Ok(Duration::days(self.whole(key, default.num_days(), range)?))
    }

    /// An address with a port, such as `127.0.0.1:8080`.
    pub(super) fn address(&self, key: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
        let (source, value) = self.text(key, default);
        value
            .parse()
            .map_err(|_| bad(&source, format!("{value:?} is not an address with a port, such as 127.0.0.1:8080")))
    }
}

/// `docomo.ne.jp=300,ezweb.ne.jp=300` → pairs; an empty text means no pacing.
pub fn parse_pacing(text: &str) -> Result<Vec<(String, i64)>, String> {
    let mut rules = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (domain, limit) = part.split_once('=').ok_or_else(|| format!("{part:?} is not DOMAIN=PER_MINUTE"))?;
        let domain = domain.trim().to_ascii_lowercase();
        if kizuna_core::EmailAddress::parse(&format!("x@{domain}")).is_err() {
            return Err(format!("{domain:?} is not a domain name"));
        }
        let limit: i64 = limit.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            format!("{:?} for {domain} is not a positive number of messages per minute", limit.trim())
        })?;
        rules.push((domain, limit));
    }
    Ok(rules)
}

/// `203.0.113.7, 2001:db8::1` → addresses; an empty text means none.
pub fn parse_proxies(text: &str) -> Result<Vec<IpAddr>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<IpAddr>().map_err(|_| format!("{p:?} is not an IP address")))
        .collect()
}

/// `https://a/extra.xml, https://a/eqvol.xml` → the addresses, each checked, once each.
pub fn parse_feeds(text: &str) -> Result<Vec<String>, String> {
    let mut feeds: Vec<String> = Vec::new();
    for url in text.split([',', '\n']).map(str::trim).filter(|u| !u.is_empty()) {
        crate::http_client::Target::parse(url).map_err(|_| format!("{url:?} is not an http:// or https:// address"))?;
        if !feeds.iter().any(|known| known == url) {
            feeds.push(url.to_owned());
        }
    }
    Ok(feeds)
}

/// `sqlite://./kizuna-data/kizuna.db?mode=rwc` → `./kizuna-data/kizuna.db`; none
/// for PostgreSQL or an in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}
