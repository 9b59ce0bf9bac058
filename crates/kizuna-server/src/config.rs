//! Settings, layered: built-in defaults, then a TOML file (`--config`), then
//! `KIZUNA_*` environment variables. A bad value names its key and what is wrong.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use kizuna_core::jma::{Intensity, JmaRules, JmaRulesConfig};
use serde::Deserialize;

/// A value that must never appear in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: Secret,
    pub http_addr: SocketAddr,
    pub base_url: String,
    /// Whether `base_url` was configured; otherwise it follows the bound HTTP address.
    pub base_url_configured: bool,
    pub smtp_url: Option<Secret>,
    pub smtp_connections: u32,
    pub inbound_smtp_addr: SocketAddr,
    pub mail_domain: String,
    pub metrics_token: Option<Secret>,
    /// A log filter such as `info` or `kizuna=debug,sqlx=warn`; unset, each command picks its own.
    pub log: Option<String>,
    pub delivery: DeliverySettings,
    pub jma: JmaSettings,
    /// Days an obituary (お悔やみ情報) stays in the public archive, search, feeds and
    /// API; after that its page answers 410 Gone.
    pub obituary_days: u32,
    pub residents: ResidentSettings,
    /// Requests each API key may make per minute (a token bucket: bursts up to this).
    pub api_rate_per_minute: u32,
}

/// The JMA feed poller: off unless feeds are named.
#[derive(Debug, Clone, PartialEq)]
pub struct JmaSettings {
    /// Atom feed addresses (`KIZUNA_JMA_FEEDS`); empty turns the poller off.
    pub feeds: Vec<String>,
    pub poll_interval: chrono::Duration,
    /// `/healthz` turns unhealthy when a feed has not been read this long.
    pub unhealthy_after: chrono::Duration,
    /// Which reports make notices and which of those go out without approval.
    pub rules: JmaRules,
}

impl Default for JmaSettings {
    fn default() -> Self {
        Self {
            feeds: Vec::new(),
            poll_interval: chrono::Duration::seconds(60),
            unhealthy_after: chrono::Duration::seconds(600),
            rules: JmaRules::default(),
        }
    }
}

impl JmaSettings {
    pub fn enabled(&self) -> bool {
        !self.feeds.is_empty()
    }
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

/// How the delivery workers pace, retry and give up.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Messages per minute into the relay for each listed destination domain.
    pub pacing: Vec<(String, i64)>,
    pub batch_size: i64,
    /// Delivery loops per process: while some claim and record, others keep the
    /// relay connections busy.
    pub workers: usize,
    /// Hard bounces after which an address is suppressed.
    pub suppress_after: i64,
    /// A message still failing after this long is given up.
    pub retry_max_age: chrono::Duration,
    /// `/healthz` turns unhealthy when an emergency waits longer than this.
    pub emergency_alert: chrono::Duration,
    /// … or when the relay has been unreachable this long.
    pub relay_alert: chrono::Duration,
}

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

/// `203.0.113.7, 2001:db8::1` → addresses; an empty text means none.
pub fn parse_proxies(text: &str) -> Result<Vec<IpAddr>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<IpAddr>().map_err(|_| format!("{p:?} is not an IP address")))
        .collect()
}

/// Carriers that throttle bulk senders; conservative so residents' mail is not
/// deferred for hours. Tune with KIZUNA_PACING.
pub const DEFAULT_PACING: &str = "docomo.ne.jp=300,ezweb.ne.jp=300,au.com=300,softbank.ne.jp=300,i.softbank.jp=300";

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            pacing: parse_pacing(DEFAULT_PACING).unwrap_or_default(),
            batch_size: 1000,
            workers: 3,
            suppress_after: 3,
            retry_max_age: chrono::Duration::hours(24),
            emergency_alert: chrono::Duration::seconds(120),
            relay_alert: chrono::Duration::seconds(300),
        }
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

/// One line naming the setting and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration: {key}: {problem}")]
pub struct ConfigError {
    pub key: String,
    pub problem: String,
}

fn bad(key: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError { key: key.to_owned(), problem: problem.into() }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<String>,
    database_url: Option<String>,
    http_addr: Option<String>,
    base_url: Option<String>,
    smtp_url: Option<String>,
    smtp_connections: Option<toml::Value>,
    inbound_smtp_addr: Option<String>,
    mail_domain: Option<String>,
    metrics_token: Option<String>,
    log: Option<String>,
    pacing: Option<String>,
    delivery_batch_size: Option<toml::Value>,
    delivery_workers: Option<toml::Value>,
    bounce_suppress_after: Option<toml::Value>,
    retry_max_age_minutes: Option<toml::Value>,
    emergency_alert_seconds: Option<toml::Value>,
    relay_alert_seconds: Option<toml::Value>,
    /// A comma-separated string or an array of addresses.
    jma_feeds: Option<toml::Value>,
    jma_poll_seconds: Option<toml::Value>,
    jma_unhealthy_after_seconds: Option<toml::Value>,
    /// The `[jma]` table: thresholds and send rules.
    jma: Option<JmaRulesConfig>,
    obituary_days: Option<toml::Value>,
    confirmation_hours: Option<toml::Value>,
    register_limit_per_address: Option<toml::Value>,
    register_limit_per_address_minutes: Option<toml::Value>,
    register_limit_per_ip: Option<toml::Value>,
    register_limit_per_ip_minutes: Option<toml::Value>,
    trusted_proxy_header: Option<String>,
    trusted_proxies: Option<String>,
    unsubscribed_retention_days: Option<toml::Value>,
    api_rate_per_minute: Option<toml::Value>,
}

fn toml_text(value: toml::Value) -> String {
    match value {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::String(s) => s,
        toml::Value::Array(items) => items.into_iter().map(toml_text).collect::<Vec<_>>().join(","),
        other => format!("{other:?}"),
    }
}

/// Raw values gathered from every layer, keyed by setting name.
#[derive(Default)]
struct Layers {
    values: HashMap<&'static str, (String, String)>,
}

const KEYS: [&str; 31] = [
    "data_dir",
    "database_url",
    "http_addr",
    "base_url",
    "smtp_url",
    "smtp_connections",
    "inbound_smtp_addr",
    "mail_domain",
    "metrics_token",
    "log",
    "pacing",
    "delivery_batch_size",
    "delivery_workers",
    "bounce_suppress_after",
    "retry_max_age_minutes",
    "emergency_alert_seconds",
    "relay_alert_seconds",
    "jma_feeds",
    "jma_poll_seconds",
    "jma_unhealthy_after_seconds",
    // Only from the environment; the file says `[jma] min_intensity`.
    "jma_min_intensity",
    "obituary_days",
    "confirmation_hours",
    "register_limit_per_address",
    "register_limit_per_address_minutes",
    "register_limit_per_ip",
    "register_limit_per_ip_minutes",
    "trusted_proxy_header",
    "trusted_proxies",
    "unsubscribed_retention_days",
    "api_rate_per_minute",
];

impl Layers {
    fn set(&mut self, key: &'static str, source: String, value: String) {
        self.values.insert(key, (source, value));
    }

    fn get(&self, key: &str) -> Option<(&str, &str)> {
        self.values.get(key).map(|(source, value)| (source.as_str(), value.as_str()))
    }
}

impl Settings {
    /// Reads the layers. `env` is passed in so tests need not touch the process environment.
    pub fn load(config_file: Option<&Path>, env: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let mut layers = Layers::default();
        let mut jma_rules = None;
        if let Some(path) = config_file {
            let source = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| bad(&source, format!("cannot read the file: {e}")))?;
            let file: FileSettings = toml::from_str(&text).map_err(|e| bad(&source, e.message().to_owned()))?;
            let entries = [
                ("data_dir", file.data_dir),
                ("database_url", file.database_url),
                ("http_addr", file.http_addr),
                ("base_url", file.base_url),
                ("smtp_url", file.smtp_url),
                (
                    "smtp_connections",
                    file.smtp_connections.map(|v| match v {
                        toml::Value::Integer(n) => n.to_string(),
                        toml::Value::String(s) => s,
                        other => format!("{other:?}"),
                    }),
                ),
                ("inbound_smtp_addr", file.inbound_smtp_addr),
                ("mail_domain", file.mail_domain),
                ("metrics_token", file.metrics_token),
                ("log", file.log),
                ("pacing", file.pacing),
                ("delivery_batch_size", file.delivery_batch_size.map(toml_text)),
                ("delivery_workers", file.delivery_workers.map(toml_text)),
                ("bounce_suppress_after", file.bounce_suppress_after.map(toml_text)),
                ("retry_max_age_minutes", file.retry_max_age_minutes.map(toml_text)),
                ("emergency_alert_seconds", file.emergency_alert_seconds.map(toml_text)),
                ("relay_alert_seconds", file.relay_alert_seconds.map(toml_text)),
                ("jma_feeds", file.jma_feeds.map(toml_text)),
                ("jma_poll_seconds", file.jma_poll_seconds.map(toml_text)),
                ("jma_unhealthy_after_seconds", file.jma_unhealthy_after_seconds.map(toml_text)),
                ("obituary_days", file.obituary_days.map(toml_text)),
                ("confirmation_hours", file.confirmation_hours.map(toml_text)),
                ("register_limit_per_address", file.register_limit_per_address.map(toml_text)),
                ("register_limit_per_address_minutes", file.register_limit_per_address_minutes.map(toml_text)),
                ("register_limit_per_ip", file.register_limit_per_ip.map(toml_text)),
                ("register_limit_per_ip_minutes", file.register_limit_per_ip_minutes.map(toml_text)),
                ("trusted_proxy_header", file.trusted_proxy_header),
                ("trusted_proxies", file.trusted_proxies),
                ("unsubscribed_retention_days", file.unsubscribed_retention_days.map(toml_text)),
                ("api_rate_per_minute", file.api_rate_per_minute.map(toml_text)),
            ];
            jma_rules = file.jma.map(|rules| (source.clone(), rules));
            for (key, value) in entries {
                if let Some(value) = value {
                    layers.set(key, format!("{source}: {key}"), value);
                }
            }
        }
        for key in KEYS {
            let name = format!("KIZUNA_{}", key.to_ascii_uppercase());
            if let Some(value) = env.get(&name) {
                layers.set(key, name, value.clone());
            }
        }
        Self::from_layers(&layers, jma_rules)
    }

    fn from_layers(layers: &Layers, jma_rules: Option<(String, JmaRulesConfig)>) -> Result<Settings, ConfigError> {
        let text = |key: &'static str, default: &str| -> (String, String) {
            match layers.get(key) {
                Some((source, value)) => (source.to_owned(), value.trim().to_owned()),
                None => (format!("KIZUNA_{}", key.to_ascii_uppercase()), default.to_owned()),
            }
        };
        let (_, data_dir) = text("data_dir", "./kizuna-data");
        if data_dir.is_empty() {
            return Err(bad("KIZUNA_DATA_DIR", "must not be empty"));
        }
        let data_dir = PathBuf::from(data_dir);
        let default_db = format!("sqlite://{}", data_dir.join("kizuna.db").display());
        let (source, database_url) = text("database_url", &default_db);
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(&source, "must start with sqlite:// or postgres://"));
        }
        let addr = |key: &'static str, default: &str| -> Result<SocketAddr, ConfigError> {
            let (source, value) = text(key, default);
            value
                .parse()
                .map_err(|_| bad(&source, format!("{value:?} is not an address with a port, such as 127.0.0.1:8080")))
        };
        let http_addr = addr("http_addr", "127.0.0.1:8080")?;
        let inbound_smtp_addr = addr("inbound_smtp_addr", "127.0.0.1:2525")?;
        let base_url_configured = layers.get("base_url").is_some();
        let (source, base_url) = text("base_url", &format!("http://{http_addr}"));
        let base_url = base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || base_url.contains(char::is_whitespace)
        {
            return Err(bad(&source, format!("{base_url:?} is not an http:// or https:// address")));
        }
        let smtp_url = match layers.get("smtp_url") {
            Some((source, value)) if !value.trim().is_empty() => {
                let value = value.trim();
                if !(value.starts_with("smtp://") || value.starts_with("smtps://")) {
                    return Err(bad(source, "must look like smtp://host:port (or smtps://)"));
                }
                Some(Secret::new(value))
            }
            _ => None,
        };
        let (source, connections) = text("smtp_connections", "8");
        let smtp_connections = match connections.parse::<u32>() {
            Ok(n) if (1..=256).contains(&n) => n,
            _ => return Err(bad(&source, format!("{connections:?} is not a whole number from 1 to 256"))),
        };
        let (source, mail_domain) = text("mail_domain", "kizuna.localhost");
        let mail_domain = mail_domain.to_ascii_lowercase();
        if kizuna_core::EmailAddress::parse(&format!("info@{mail_domain}")).is_err() {
            return Err(bad(&source, format!("{mail_domain:?} is not a domain name")));
        }
        let metrics_token =
            layers.get("metrics_token").map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).map(Secret::new);
        let log = layers.get("log").map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
        let number = |key: &'static str, default: i64, range: std::ops::RangeInclusive<i64>| {
            let (source, value) = text(key, &default.to_string());
            match value.parse::<i64>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(bad(
                    &source,
                    format!("{value:?} is not a whole number from {} to {}", range.start(), range.end()),
                )),
            }
        };
        let (source, pacing) = text("pacing", DEFAULT_PACING);
        let delivery = DeliverySettings {
            pacing: parse_pacing(&pacing).map_err(|problem| bad(&source, problem))?,
            batch_size: number("delivery_batch_size", 1000, 1..=10_000)?,
            workers: usize::try_from(number("delivery_workers", 3, 1..=32)?).unwrap_or(3),
            suppress_after: number("bounce_suppress_after", 3, 1..=100)?,
            retry_max_age: chrono::Duration::minutes(number("retry_max_age_minutes", 1440, 1..=10_080)?),
            emergency_alert: chrono::Duration::seconds(number("emergency_alert_seconds", 120, 1..=86_400)?),
            relay_alert: chrono::Duration::seconds(number("relay_alert_seconds", 300, 1..=86_400)?),
        };
        let obituary_days = u32::try_from(number("obituary_days", 30, 1..=3650)?).unwrap_or(30);
        let (source, header) = text("trusted_proxy_header", "");
        let trusted_proxy_header = if header.is_empty() {
            None
        } else if header.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            Some(header.to_ascii_lowercase())
        } else {
            return Err(bad(&source, format!("{header:?} is not a header name, such as X-Forwarded-For")));
        };
        let (source, proxies) = text("trusted_proxies", "");
        let defaults = ResidentSettings::default();
        let limit = |count_key: &'static str, minutes_key: &'static str, default: RateLimit| {
            Ok::<_, ConfigError>(RateLimit {
                count: u32::try_from(number(count_key, i64::from(default.count), 0..=1_000_000)?).unwrap_or(u32::MAX),
                window: chrono::Duration::minutes(number(minutes_key, default.window.num_minutes(), 1..=10_080)?),
            })
        };
        let residents = ResidentSettings {
            confirmation: chrono::Duration::hours(number("confirmation_hours", 24, 1..=168)?),
            per_address: limit(
                "register_limit_per_address",
                "register_limit_per_address_minutes",
                defaults.per_address,
            )?,
            per_client: limit("register_limit_per_ip", "register_limit_per_ip_minutes", defaults.per_client)?,
            trusted_proxy_header,
            trusted_proxies: parse_proxies(&proxies).map_err(|problem| bad(&source, problem))?,
            unsubscribed_retention: chrono::Duration::days(number("unsubscribed_retention_days", 30, 1..=3_650)?),
        };
        let api_rate_per_minute = number("api_rate_per_minute", 120, 1..=1_000_000)? as u32;
        let (source, feeds) = text("jma_feeds", "");
        let jma = JmaSettings {
            feeds: parse_feeds(&feeds).map_err(|problem| bad(&source, problem))?,
            poll_interval: chrono::Duration::seconds(number("jma_poll_seconds", 60, 10..=3600)?),
            unhealthy_after: chrono::Duration::seconds(number("jma_unhealthy_after_seconds", 600, 10..=604_800)?),
            rules: jma_rules_from(layers, jma_rules)?,
        };
        Ok(Settings {
            data_dir,
            database_url: Secret::new(database_url),
            http_addr,
            base_url,
            base_url_configured,
            smtp_url,
            smtp_connections,
            inbound_smtp_addr,
            mail_domain,
            metrics_token,
            log,
            delivery,
            jma,
            obituary_days,
            residents,
            api_rate_per_minute,
        })
    }

    /// The database URL with any password hidden, for messages.
    pub fn database_url_for_display(&self) -> String {
        redact_url(self.database_url.expose())
    }

    /// The SQLite file the URL names, if it is SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        sqlite_path(self.database_url.expose())
    }
}

/// The `[jma]` table with `KIZUNA_JMA_MIN_INTENSITY` laid over it.
fn jma_rules_from(layers: &Layers, file: Option<(String, JmaRulesConfig)>) -> Result<JmaRules, ConfigError> {
    let (mut source, mut config) = file.unwrap_or_default();
    if let Some((env_source, value)) = layers.get("jma_min_intensity") {
        let value = value.trim();
        if Intensity::parse(value).is_none() {
            return Err(bad(env_source, format!("{value:?} is not one of 1, 2, 3, 4, 5-, 5+, 6-, 6+, 7")));
        }
        config.min_intensity = Some(value.to_owned());
        source = env_source.to_owned();
    }
    JmaRules::try_from(&config).map_err(|error| bad(&source, error.to_string()))
}

pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_need_no_setup() -> Result<(), ConfigError> {
        let settings = Settings::load(None, &HashMap::new())?;
        assert_eq!(settings.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.inbound_smtp_addr.to_string(), "127.0.0.1:2525");
        assert_eq!(settings.database_url.expose(), "sqlite://./kizuna-data/kizuna.db");
        assert_eq!(settings.base_url, "http://127.0.0.1:8080");
        assert_eq!(settings.smtp_url, None);
        assert_eq!(settings.smtp_connections, 8);
        assert_eq!(settings.sqlite_path(), Some(PathBuf::from("./kizuna-data/kizuna.db")));
        assert!(settings.delivery.pacing.contains(&("docomo.ne.jp".to_owned(), 300)));
        assert_eq!(settings.delivery.suppress_after, 3);
        assert_eq!(settings.obituary_days, 30);
        assert_eq!(settings.api_rate_per_minute, 120);
        Ok(())
    }

    #[test]
    fn the_file_overrides_defaults_and_the_environment_overrides_the_file() -> Result<(), ConfigError> {
        let dir = std::env::temp_dir().join(format!("kizuna-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
        let file = dir.join("kizuna.toml");
        std::fs::write(
            &file,
            "http_addr = \"0.0.0.0:9000\"\nmail_domain = \"mail.example.jp\"\nsmtp_connections = 4\napi_rate_per_minute = 600\n",
        )
        .map_err(|e| bad("test", e.to_string()))?;
        let settings = Settings::load(Some(&file), &env(&[("KIZUNA_MAIL_DOMAIN", "Anshin.Example.JP")]))?;
        assert_eq!(settings.http_addr.to_string(), "0.0.0.0:9000");
        assert_eq!(settings.smtp_connections, 4);
        assert_eq!(settings.mail_domain, "anshin.example.jp");
        assert_eq!(settings.api_rate_per_minute, 600);
        let settings = Settings::load(Some(&file), &env(&[("KIZUNA_API_RATE_PER_MINUTE", "30")]))?;
        assert_eq!(settings.api_rate_per_minute, 30, "the environment overrides the file");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let cases = [
            ("KIZUNA_HTTP_ADDR", "localhost", "KIZUNA_HTTP_ADDR"),
            ("KIZUNA_DATABASE_URL", "mysql://x", "KIZUNA_DATABASE_URL"),
            ("KIZUNA_SMTP_CONNECTIONS", "0", "KIZUNA_SMTP_CONNECTIONS"),
            ("KIZUNA_SMTP_URL", "relay.example.jp:25", "KIZUNA_SMTP_URL"),
            ("KIZUNA_MAIL_DOMAIN", "not a domain", "KIZUNA_MAIL_DOMAIN"),
            ("KIZUNA_BASE_URL", "ftp://x", "KIZUNA_BASE_URL"),
            ("KIZUNA_PACING", "docomo.ne.jp=fast", "KIZUNA_PACING"),
            ("KIZUNA_PACING", "docomo=60", "KIZUNA_PACING"),
            ("KIZUNA_BOUNCE_SUPPRESS_AFTER", "0", "KIZUNA_BOUNCE_SUPPRESS_AFTER"),
            ("KIZUNA_OBITUARY_DAYS", "0", "KIZUNA_OBITUARY_DAYS"),
            ("KIZUNA_OBITUARY_DAYS", "a month", "KIZUNA_OBITUARY_DAYS"),
            ("KIZUNA_CONFIRMATION_HOURS", "0", "KIZUNA_CONFIRMATION_HOURS"),
            ("KIZUNA_CONFIRMATION_HOURS", "a day", "KIZUNA_CONFIRMATION_HOURS"),
            ("KIZUNA_REGISTER_LIMIT_PER_IP", "-1", "KIZUNA_REGISTER_LIMIT_PER_IP"),
            ("KIZUNA_REGISTER_LIMIT_PER_ADDRESS_MINUTES", "0", "KIZUNA_REGISTER_LIMIT_PER_ADDRESS_MINUTES"),
            ("KIZUNA_TRUSTED_PROXY_HEADER", "X-Forwarded-For: 1.2.3.4", "KIZUNA_TRUSTED_PROXY_HEADER"),
            ("KIZUNA_TRUSTED_PROXIES", "10.0.0.1, proxy.local", "KIZUNA_TRUSTED_PROXIES"),
            ("KIZUNA_UNSUBSCRIBED_RETENTION_DAYS", "0", "KIZUNA_UNSUBSCRIBED_RETENTION_DAYS"),
            ("KIZUNA_API_RATE_PER_MINUTE", "0", "KIZUNA_API_RATE_PER_MINUTE"),
            ("KIZUNA_API_RATE_PER_MINUTE", "fast", "KIZUNA_API_RATE_PER_MINUTE"),
        ];
        for (key, value, named) in cases {
            let error = Settings::load(None, &env(&[(key, value)])).err();
            assert_eq!(error.map(|e| e.key), Some(named.to_owned()), "{key}={value}");
        }
    }

    #[test]
    fn how_long_obituaries_stay_public_comes_from_the_file_or_the_environment() -> Result<(), ConfigError> {
        let dir = std::env::temp_dir().join(format!("kizuna-config-obituary-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
        let file = dir.join("kizuna.toml");
        std::fs::write(&file, "obituary_days = 14\n").map_err(|e| bad("test", e.to_string()))?;
        assert_eq!(Settings::load(Some(&file), &HashMap::new())?.obituary_days, 14);
        let from_env = Settings::load(Some(&file), &env(&[("KIZUNA_OBITUARY_DAYS", "7")]))?;
        assert_eq!(from_env.obituary_days, 7);
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn resident_settings_have_safe_defaults_and_can_be_tuned() -> Result<(), ConfigError> {
        let defaults = Settings::load(None, &HashMap::new())?.residents;
        assert_eq!(defaults.confirmation, chrono::Duration::hours(24));
        assert_eq!(defaults.per_address, RateLimit { count: 3, window: chrono::Duration::hours(1) });
        assert_eq!(defaults.per_client, RateLimit { count: 120, window: chrono::Duration::minutes(10) });
        assert_eq!((defaults.trusted_proxy_header, defaults.trusted_proxies), (None, vec![]));
        assert_eq!(defaults.unsubscribed_retention, chrono::Duration::days(30));

        let dir = std::env::temp_dir().join(format!("kizuna-config-residents-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
        let file = dir.join("kizuna.toml");
        std::fs::write(
            &file,
            "confirmation_hours = 48\ntrusted_proxies = \"10.0.0.5, ::1\"\nregister_limit_per_ip = 0\n",
        )
        .map_err(|e| bad("test", e.to_string()))?;
        let tuned = Settings::load(
            Some(&file),
            &env(&[("KIZUNA_TRUSTED_PROXY_HEADER", "X-Forwarded-For"), ("KIZUNA_CONFIRMATION_HOURS", "12")]),
        )?
        .residents;
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(tuned.confirmation, chrono::Duration::hours(12), "the environment wins over the file");
        assert_eq!(tuned.trusted_proxy_header.as_deref(), Some("x-forwarded-for"));
        let proxies: Vec<String> = tuned.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["10.0.0.5", "::1"]);
        assert_eq!(tuned.per_client.count, 0, "0 switches the per-client limit off");
        Ok(())
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("kizuna-config-bad-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("kizuna.toml");
        let _ = std::fs::write(&file, "htp_addr = \"0.0.0.0:9000\"\n");
        let error = Settings::load(Some(&file), &HashMap::new()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("htp_addr"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_jma_poller_is_off_until_feeds_are_named() -> Result<(), ConfigError> {
        let settings = Settings::load(None, &HashMap::new())?;
        assert!(!settings.jma.enabled());
        assert_eq!(settings.jma, JmaSettings::default());
        assert_eq!(settings.jma.poll_interval, chrono::Duration::seconds(60));
        assert_eq!(settings.jma.unhealthy_after, chrono::Duration::seconds(600));
        assert_eq!(settings.jma.rules.min_intensity, Intensity::Three);

        let settings = Settings::load(
            None,
            &env(&[
                (
                    "KIZUNA_JMA_FEEDS",
                    " https://www.data.jma.go.jp/developer/xml/feed/extra.xml,\
                     https://www.data.jma.go.jp/developer/xml/feed/eqvol.xml ,,\
                     https://www.data.jma.go.jp/developer/xml/feed/extra.xml",
                ),
                ("KIZUNA_JMA_POLL_SECONDS", "30"),
                ("KIZUNA_JMA_UNHEALTHY_AFTER_SECONDS", "900"),
                ("KIZUNA_JMA_MIN_INTENSITY", "4"),
            ]),
        )?;
        assert!(settings.jma.enabled());
        assert_eq!(
            settings.jma.feeds,
            [
                "https://www.data.jma.go.jp/developer/xml/feed/extra.xml",
                "https://www.data.jma.go.jp/developer/xml/feed/eqvol.xml"
            ]
        );
        assert_eq!(settings.jma.poll_interval, chrono::Duration::seconds(30));
        assert_eq!(settings.jma.unhealthy_after, chrono::Duration::seconds(900));
        assert_eq!(settings.jma.rules.min_intensity, Intensity::Four);
        Ok(())
    }

    #[test]
    fn the_jma_table_sets_send_rules_and_the_environment_the_threshold() -> Result<(), ConfigError> {
        use kizuna_core::MunicipalityCode;
        use kizuna_core::jma::{RuleKind, SendMode};
        let dir = std::env::temp_dir().join(format!("kizuna-config-jma-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
        let file = dir.join("kizuna.toml");
        std::fs::write(
            &file,
            "jma_feeds = [\"https://www.data.jma.go.jp/developer/xml/feed/eqvol_l.xml\"]\n\
             jma_poll_seconds = 120\n\
             [jma]\nmin_intensity = \"2\"\nstrong_intensity = \"5-\"\n\
             [jma.send]\nadvisory = \"auto\"\n\
             [jma.municipality.\"113611\"]\nwarning = \"draft\"\n",
        )
        .map_err(|e| bad("test", e.to_string()))?;
        let from_file = Settings::load(Some(&file), &HashMap::new())?;
        let overridden = Settings::load(Some(&file), &env(&[("KIZUNA_JMA_MIN_INTENSITY", "5-")]));
        let _ = std::fs::remove_dir_all(&dir);
        let jma = from_file.jma;
        assert_eq!(jma.feeds, ["https://www.data.jma.go.jp/developer/xml/feed/eqvol_l.xml"]);
        assert_eq!(jma.poll_interval, chrono::Duration::seconds(120));
        assert_eq!(jma.rules.min_intensity, Intensity::Two);
        let (chichibu, yokoze) = (MunicipalityCode::parse("112071"), MunicipalityCode::parse("113611"));
        let (Ok(chichibu), Ok(yokoze)) = (chichibu, yokoze) else { panic!("codes") };
        assert_eq!(jma.rules.mode(RuleKind::Advisory, &chichibu), SendMode::Auto);
        assert_eq!(jma.rules.mode(RuleKind::Warning, &yokoze), SendMode::Draft);
        assert_eq!(jma.rules.mode(RuleKind::Warning, &chichibu), SendMode::Auto);
        assert_eq!(overridden?.jma.rules.min_intensity, Intensity::FiveLower);
        Ok(())
    }

    #[test]
    fn a_bad_jma_setting_names_its_key() {
        let cases = [
            ("KIZUNA_JMA_FEEDS", "www.data.jma.go.jp/developer/xml/feed/extra.xml"),
            ("KIZUNA_JMA_FEEDS", "ftp://www.data.jma.go.jp/extra.xml"),
            ("KIZUNA_JMA_POLL_SECONDS", "5"),
            ("KIZUNA_JMA_POLL_SECONDS", "soon"),
            ("KIZUNA_JMA_UNHEALTHY_AFTER_SECONDS", "0"),
            ("KIZUNA_JMA_MIN_INTENSITY", "8"),
            // Above the strong threshold (震度4), which only the file can move.
            ("KIZUNA_JMA_MIN_INTENSITY", "5+"),
        ];
        for (key, value) in cases {
            let error = Settings::load(None, &env(&[(key, value)])).err();
            assert_eq!(error.map(|e| e.key), Some(key.to_owned()), "{key}={value}");
        }
        let dir = std::env::temp_dir().join(format!("kizuna-config-jma-bad-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("kizuna.toml");
        let _ = std::fs::write(&file, "[jma.send]\nwarnings = \"auto\"\n");
        let error = Settings::load(Some(&file), &HashMap::new()).err().map(|e| e.to_string()).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(error.contains("kizuna.toml") && error.contains("\"warnings\""), "{error}");
    }

    #[test]
    fn secrets_stay_out_of_debug_output_and_messages() -> Result<(), ConfigError> {
        let settings = Settings::load(
            None,
            &env(&[
                ("KIZUNA_DATABASE_URL", "postgres://kizuna:hunter2@db.example.jp/kizuna"),
                ("KIZUNA_METRICS_TOKEN", "s3cret-token"),
            ]),
        )?;
        let debug = format!("{settings:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("s3cret-token"), "{debug}");
        assert_eq!(settings.database_url_for_display(), "postgres://kizuna:***@db.example.jp/kizuna");
        Ok(())
    }
}
