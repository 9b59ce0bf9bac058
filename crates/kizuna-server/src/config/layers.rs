//! The raw text of each setting and where it came from: the file's value, with
//! the environment's laid over it. Defaults are applied later, as each setting is
//! read (`values.rs`).

use std::collections::HashMap;
use std::path::Path;

use kizuna_core::jma::JmaRulesConfig;

use super::file::FileSettings;
use super::keys::{self, KEYS, Shape};
use super::{ConfigError, bad};

/// Raw values gathered from every layer, keyed by setting name.
#[derive(Default)]
pub(super) struct Layers {
    /// The text and its source (`kizuna.toml: name` or `KIZUNA_NAME`), for messages.
    values: HashMap<&'static str, (String, String)>,
    /// The file's `[jma]` table and the file it came from.
    pub jma_rules: Option<(String, JmaRulesConfig)>,
}

impl Layers {
    pub(super) fn gather(config_file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut layers = Layers::default();
        if let Some(path) = config_file {
            let source = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| bad(&source, format!("cannot read the file: {e}")))?;
            let file: FileSettings = toml::from_str(&text).map_err(|e| bad(&source, e.message().to_owned()))?;
            for (key, value) in file.values {
                layers.set(key, format!("{source}: {key}"), value);
            }
            layers.jma_rules = file.jma.map(|rules| (source, rules));
        }
        for key in KEYS.iter().filter(|key| key.shape != Shape::JmaRules) {
            let name = keys::env_name(key.name);
            if let Some(value) = env.get(&name) {
                layers.set(key.name, name, value.clone());
            }
        }
        // The variable every other HTTP client reads, so that one list serves the
        // host; below the file and KIZUNA_NO_PROXY, which are Kizuna's own.
        if !layers.values.contains_key("no_proxy") {
            for name in ["NO_PROXY", "no_proxy"] {
                if let Some(value) = env.get(name) {
                    layers.set("no_proxy", name.to_owned(), value.clone());
                    break;
                }
            }
        }
        Ok(layers)
    }

    fn set(&mut self, key: &'static str, source: String, value: String) {
        self.values.insert(key, (source, value));
    }

    /// The source and the untrimmed text, if any layer sets `key`.
    pub(super) fn get(&self, key: &str) -> Option<(&str, &str)> {
        // A key read but not listed would silently keep its default forever.
        debug_assert!(keys::find(key).is_some(), "{key} is not in the key list (config/keys.rs)");
        self.values.get(key).map(|(source, value)| (source.as_str(), value.as_str()))
    }
}
