//! The TOML file's shape: the keys of the key list, each as its [`Shape`] says,
//! and the `[jma]` table. Any other key is refused, naming the keys it could be.

use std::fmt;
use std::sync::LazyLock;

use kizuna_core::jma::JmaRulesConfig;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::keys::{self, KEYS, Shape};

/// What one file sets.
#[derive(Debug, Default)]
pub(super) struct FileSettings {
    /// Each key the file names, with its value as text.
    pub values: Vec<(&'static str, String)>,
    /// The `[jma]` table: thresholds and send rules.
    pub jma: Option<JmaRulesConfig>,
}

/// Every key the file may hold; serde wants them as one `'static` slice.
static FILE_KEYS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| KEYS.iter().filter(|key| key.shape != Shape::EnvOnly).map(|key| key.name).collect());

// Written by hand rather than derived so that the key list stays the one place
// a setting is named; it reads the file as the derived struct with
// `deny_unknown_fields` did, with the same messages.
impl<'de> Deserialize<'de> for FileSettings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("FileSettings", &FILE_KEYS, FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = FileSettings;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct FileSettings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FileSettings, A::Error> {
        let mut file = FileSettings::default();
        while let Some(name) = map.next_key::<String>()? {
            let unknown = || <A::Error as de::Error>::unknown_field(&name, &FILE_KEYS);
            let key = keys::find(&name).ok_or_else(unknown)?;
            let value = match key.shape {
                Shape::Text => map.next_value::<Option<String>>()?,
                Shape::Number => map.next_value::<Option<toml::Value>>()?.map(toml_text),
                Shape::NumberNotList => map.next_value::<Option<toml::Value>>()?.map(|value| match value {
                    toml::Value::Integer(n) => n.to_string(),
                    toml::Value::String(s) => s,
                    other => format!("{other:?}"),
                }),
                Shape::JmaRules => {
                    file.jma = map.next_value::<Option<JmaRulesConfig>>()?;
                    None
                }
                Shape::EnvOnly => return Err(unknown()),
            };
            if let Some(value) = value {
                file.values.push((key.name, value));
            }
        }
        Ok(file)
    }
}

fn toml_text(value: toml::Value) -> String {
    match value {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::String(s) => s,
        toml::Value::Array(items) => items.into_iter().map(toml_text).collect::<Vec<_>>().join(","),
        other => format!("{other:?}"),
    }
}
