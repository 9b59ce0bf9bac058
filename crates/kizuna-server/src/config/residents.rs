//! How residents register — confirmation, the registration limits, the trusted
//! reverse proxy — and how long their data is kept.

use std::net::IpAddr;

use super::layers::Layers;
use super::values::parse_proxies;
use super::{ConfigError, bad};

/// How residents register, and how long their data is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentSettings {
    /// How long a confirmation link works; an unconfirmed registration is erased after it.
    pub confirmation: chrono::Duration,
    /// Confirmation mails to one address.
    pub per_address: RateLimit,
    /// Registrations from one client network. Generous: a mobile carrier puts
    /// many residents behind one address, and a disaster brings them all at once.
    pub per_client: RateLimit,
    /// The header a trusted reverse proxy sets to the client's address, such as
    /// `X-Forwarded-For`; unset, the TCP peer is the client.
    pub trusted_proxy_header: Option<String>,
    /// Peers whose header is believed, besides loopback.
    pub trusted_proxies: Vec<IpAddr>,
    /// Residents who unsubscribed are erased this long after, keeping only the
    /// suppression hash of their address.
    pub unsubscribed_retention: chrono::Duration,
}

/// At most `count` within `window`; a count of 0 switches the limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window: chrono::Duration,
}

impl Default for ResidentSettings {
    fn default() -> Self {
        Self {
            confirmation: chrono::Duration::hours(24),
            per_address: RateLimit { count: 3, window: chrono::Duration::minutes(60) },
            per_client: RateLimit { count: 120, window: chrono::Duration::minutes(10) },
            trusted_proxy_header: None,
            trusted_proxies: Vec::new(),
            unsubscribed_retention: chrono::Duration::days(30),
        }
    }
}

impl ResidentSettings {
    pub(super) fn read(layers: &Layers) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let (source, header) = layers.text("trusted_proxy_header", "");
        let trusted_proxy_header = if header.is_empty() {
            None
        } else if header.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            Some(header.to_ascii_lowercase())
        } else {
            return Err(bad(&source, format!("{header:?} is not a header name, such as X-Forwarded-For")));
        };
        let limit = |count_key: &'static str, minutes_key: &'static str, default: RateLimit| {
            Ok::<_, ConfigError>(RateLimit {
                count: layers.whole(count_key, default.count, 0..=1_000_000)?,
                window: layers.minutes(minutes_key, default.window, 1..=10_080)?,
            })
        };
        Ok(Self {
            confirmation: layers.hours("confirmation_hours", defaults.confirmation, 1..=168)?,
            per_address: limit(
                "register_limit_per_address",
                "register_limit_per_address_minutes",
                defaults.per_address,
            )?,
            per_client: limit("register_limit_per_ip", "register_limit_per_ip_minutes", defaults.per_client)?,
            trusted_proxy_header,
            trusted_proxies: layers.parsed("trusted_proxies", "", parse_proxies)?,
            unsubscribed_retention: layers.days(
                "unsubscribed_retention_days",
                defaults.unsubscribed_retention,
                1..=3_650,
            )?,
        })
    }
}
