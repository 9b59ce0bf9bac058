//! The staff console: where the secret key lives, which networks may reach the
//! console, how long a session lasts, and the emergency send's countdown.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use chrono::Duration;

use super::ConfigError;
use super::layers::Layers;

#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleSettings {
    /// `KIZUNA_SECRET_KEY_FILE`; unset, `secret.key` in the data directory.
    pub secret_key_file: Option<PathBuf>,
    /// Client networks the console answers (municipal terminals on LGWAN, say);
    /// empty, any. Public pages and the API are not affected.
    pub networks: Vec<Network>,
    /// A session not used for this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub session_lifetime: Duration,
    /// Seconds between confirming an emergency send and its going out, during
    /// which it can still be cancelled.
    pub emergency_countdown: Duration,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            secret_key_file: None,
            networks: Vec::new(),
            session_idle: Duration::minutes(30),
            session_lifetime: Duration::hours(12),
            emergency_countdown: Duration::seconds(10),
        }
    }
}

impl ConsoleSettings {
    pub(super) fn read(layers: &Layers) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let (_, key_file) = layers.text("secret_key_file", "");
        Ok(Self {
            secret_key_file: (!key_file.is_empty()).then(|| PathBuf::from(key_file)),
            networks: layers.parsed("console_networks", "", parse_networks)?,
            session_idle: layers.minutes("session_idle_minutes", defaults.session_idle, 1..=1_440)?,
            session_lifetime: layers.hours("session_hours", defaults.session_lifetime, 1..=168)?,
            emergency_countdown: layers.seconds("emergency_countdown_seconds", defaults.emergency_countdown, 0..=60)?,
        })
    }

    /// The secret key file in force.
    pub fn secret_key_path(&self, data_dir: &Path) -> PathBuf {
        self.secret_key_file.clone().unwrap_or_else(|| data_dir.join("secret.key"))
    }

    /// Whether a client may reach the console.
    pub fn admits(&self, client: Option<IpAddr>) -> bool {
        self.networks.is_empty() || client.is_some_and(|ip| self.networks.iter().any(|n| n.contains(ip)))
    }
}

/// An address block such as `10.20.0.0/16` or `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_match(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_match(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V4(ip)) => net
                .to_ipv4_mapped()
                .is_some_and(|mapped| prefix_match(&mapped.octets(), &ip.octets(), self.prefix.saturating_sub(96))),
            (IpAddr::V4(net), IpAddr::V6(ip)) => {
                ip.to_ipv4_mapped().is_some_and(|ip| prefix_match(&net.octets(), &ip.octets(), self.prefix))
            }
        }
    }
}

fn prefix_match(network: &[u8], address: &[u8], prefix: u8) -> bool {
    let mut bits = u32::from(prefix);
    for (n, a) in network.iter().zip(address) {
        if bits == 0 {
            return true;
        }
        let take = bits.min(8);
        let mask = u8::MAX << (8 - take);
        if n & mask != a & mask {
            return false;
        }
        bits -= take;
    }
    true
}

/// `10.20.0.0/16, 192.0.2.7` → the networks (an address alone is one host).
pub fn parse_networks(text: &str) -> Result<Vec<Network>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| {
            let (address, prefix) = n.split_once('/').map_or((n, None), |(a, p)| (a, Some(p)));
            let address: IpAddr = address.parse().map_err(|_| format!("{n:?} is not an address or address/prefix"))?;
            let most = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => most,
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= most)
                    .ok_or_else(|| format!("{n:?} has no valid prefix length"))?,
            };
            Ok(Network { address, prefix })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_admit_their_own_addresses_only() {
        let networks = parse_networks("10.20.0.0/16, 192.0.2.7, 2001:db8::/32").unwrap_or_default();
        let settings = ConsoleSettings { networks, ..ConsoleSettings::default() };
        for (ip, admitted) in [
            ("10.20.255.1", true),
            ("10.21.0.1", false),
            ("192.0.2.7", true),
            ("192.0.2.8", false),
            ("2001:db8:1::5", true),
            ("2001:db9::1", false),
            ("::ffff:10.20.3.4", true),
        ] {
            let ip: IpAddr = ip.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
            assert_eq!(settings.admits(Some(ip)), admitted, "{ip}");
        }
        assert!(!settings.admits(None), "an unknown client is not admitted when networks are set");
        assert!(ConsoleSettings::default().admits(None), "no list: any client");
        assert!(parse_networks("10.0.0.0/33").is_err());
        assert!(parse_networks("intranet").is_err());
    }
}
