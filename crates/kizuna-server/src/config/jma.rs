//! The JMA feed poller's settings: the feeds, how often they are read, and the
//! rules (the `[jma]` table, with `KIZUNA_JMA_MIN_INTENSITY` laid over it) that
//! decide which reports make notices and which of those go out without approval.

use kizuna_core::jma::{Intensity, JmaRules};

use super::layers::Layers;
use super::values::parse_feeds;
use super::{ConfigError, bad};

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

    pub(super) fn read(layers: &Layers) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        Ok(Self {
            feeds: layers.parsed("jma_feeds", "", parse_feeds)?,
            poll_interval: layers.seconds("jma_poll_seconds", defaults.poll_interval, 10..=3600)?,
            unhealthy_after: layers.seconds("jma_unhealthy_after_seconds", defaults.unhealthy_after, 10..=604_800)?,
            rules: rules(layers)?,
        })
    }
}

/// The `[jma]` table with `KIZUNA_JMA_MIN_INTENSITY` laid over it.
fn rules(layers: &Layers) -> Result<JmaRules, ConfigError> {
    let (mut source, mut config) = layers.jma_rules.clone().unwrap_or_default();
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
