//! Settings, layered: built-in defaults, then a TOML file (`--config`), then
//! `KIZUNA_*` environment variables. A bad value names its key and what is wrong.
//!
//! Adding a setting is one field, one line in the key list, one default:
//!
//! - **the field**, in [`Settings`] or in the group it belongs to
//!   ([`DeliverySettings`] in `delivery.rs`, [`ResidentSettings`] in
//!   `residents.rs`, [`JmaSettings`] in `jma.rs`; a new feature with several
//!   settings gets a group file of its own, read from [`Settings::load`]);
//! - **one line in the key list** (`keys.rs`), which lets the file say `name = …`
//!   and the environment `KIZUNA_NAME`;
//! - **one default**: a group's in its `Default`, a top-level setting's in the line
//!   that reads it. That line reads the value with the readers of `values.rs`
//!   (a whole number in a range, a duration, an address, a list), which name the
//!   key when the value is bad.
//!
//! The other files: `layers.rs` gathers the raw text from the file and the
//! environment, `file.rs` is the TOML file's shape, `secret.rs` keeps secrets out
//! of logs.

mod console;
mod delivery;
mod file;
mod jma;
mod keys;
mod layers;
mod outbound;
mod residents;
mod secret;
mod values;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use console::{ConsoleSettings, Network, parse_networks};
use kizuna_core::lang::Languages;

pub use delivery::{DEFAULT_PACING, DeliverySettings};
pub use jma::JmaSettings;
pub use residents::{RateLimit, ResidentSettings};
pub use secret::{Secret, redact_url};
pub use values::{parse_feeds, parse_pacing, parse_proxies, sqlite_path};

use layers::Layers;

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
    /// Archive searches one process runs at once; more are told to try again,
    /// so that a burst of searches cannot starve the delivery workers.
    pub search_concurrency: u32,
    /// How far below the rest of the process the HTTP server's threads run,
    /// added to the nice value as `nice -n` does (Linux; 0 to 19): above 0,
    /// delivery and the jobs run first and page views take what CPU is left.
    pub http_nice: i32,
    /// How many reminders a monitor who has not answered a survey may get.
    pub survey_reminders: u32,
    /// Days between a survey's invitation or reminder and the next reminder (0: any time).
    pub survey_reminder_days: u32,
    pub console: ConsoleSettings,
    /// The languages pages, forms and mails offer residents, in the order pages
    /// list them (`ja,en`); each needs its locale files, and Japanese is always one.
    pub languages: Languages,
    /// The way out for JMA feeds and webhooks: proxy, `NO_PROXY`, extra CA.
    pub outbound: crate::http_client::Outbound,
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

impl Settings {
    /// Reads the layers. `env` is passed in so tests need not touch the process environment.
    pub fn load(config_file: Option<&Path>, env: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        Self::from_layers(&Layers::gather(config_file, env)?)
    }

    /// Settings are read in one fixed order, so that of several bad values the
    /// same one is reported first every time.
    fn from_layers(layers: &Layers) -> Result<Settings, ConfigError> {
        let (_, data_dir) = layers.text("data_dir", "./kizuna-data");
        if data_dir.is_empty() {
            return Err(bad("KIZUNA_DATA_DIR", "must not be empty"));
        }
        let data_dir = PathBuf::from(data_dir);
        let default_db = format!("sqlite://{}", data_dir.join("kizuna.db").display());
        let (source, database_url) = layers.text("database_url", &default_db);
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(&source, "must start with sqlite:// or postgres://"));
        }
        let http_addr = layers.address("http_addr", "127.0.0.1:8080")?;
        let inbound_smtp_addr = layers.address("inbound_smtp_addr", "127.0.0.1:2525")?;
        let base_url_configured = layers.get("base_url").is_some();
        let (source, base_url) = layers.text("base_url", &format!("http://{http_addr}"));
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
        let smtp_connections = layers.whole("smtp_connections", 8, 1..=256)?;
        let (source, mail_domain) = layers.text("mail_domain", "kizuna.localhost");
        let mail_domain = mail_domain.to_ascii_lowercase();
        if kizuna_core::EmailAddress::parse(&format!("info@{mail_domain}")).is_err() {
            return Err(bad(&source, format!("{mail_domain:?} is not a domain name")));
        }
        let metrics_token =
            layers.get("metrics_token").map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).map(Secret::new);
        let log = layers.get("log").map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
        let delivery = DeliverySettings::read(layers)?;
        let obituary_days = layers.whole("obituary_days", 30, 1..=3650)?;
        let residents = ResidentSettings::read(layers)?;
        let api_rate_per_minute = layers.whole("api_rate_per_minute", 120, 1..=1_000_000)?;
        let search_concurrency = layers.whole("search_concurrency", 4, 1..=256)?;
        let http_nice = layers.whole("http_nice", 5, 0..=19)?;
        let survey_reminders = layers.whole("survey_reminders", 2, 0..=10)?;
        let survey_reminder_days = layers.whole("survey_reminder_days", 3, 0..=60)?;
        let jma = JmaSettings::read(layers)?;
        let console = ConsoleSettings::read(layers)?;
        let languages =
            layers.parsed("languages", "ja,en", |list| Languages::parse(list).map_err(|e| e.to_string()))?;
        let outbound = outbound::read(layers)?;
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
            search_concurrency,
            http_nice,
            survey_reminders,
            survey_reminder_days,
            console,
            languages,
            outbound,
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
