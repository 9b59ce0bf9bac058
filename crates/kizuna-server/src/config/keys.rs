//! The key list: every setting's name, once. A key here is accepted in the TOML
//! file as `name = …` and looked up in the environment as `KIZUNA_NAME`; a key
//! missing here is refused in the file and never read from the environment.

/// What the TOML file may give for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// A string; anything else is refused as the file is read.
    Text,
    /// A number, or a string holding one. An array is joined with commas, which
    /// lets a list (`jma_feeds`) be written either way; any other value is kept
    /// as written and so refused when the setting is read.
    Number,
    /// Like [`Shape::Number`], but an array is kept as written too, and so refused.
    /// Only `smtp_connections`, which has always been read so.
    NumberNotList,
    /// The `[jma]` table, which has a shape of its own; not in the environment.
    JmaRules,
    /// Not in the file; the environment only.
    EnvOnly,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Key {
    pub name: &'static str,
    pub shape: Shape,
}

const fn text(name: &'static str) -> Key {
    Key { name, shape: Shape::Text }
}

const fn number(name: &'static str) -> Key {
    Key { name, shape: Shape::Number }
}

/// In the order a message about an unknown key in the file lists them.
pub(super) const KEYS: &[Key] = &[
    text("data_dir"),
    text("database_url"),
    text("http_addr"),
    text("base_url"),
    text("smtp_url"),
    Key { name: "smtp_connections", shape: Shape::NumberNotList },
    text("inbound_smtp_addr"),
    text("mail_domain"),
    text("metrics_token"),
    text("log"),
    text("pacing"),
    number("delivery_batch_size"),
    number("delivery_queue_chunk"),
    number("delivery_workers"),
    number("bounce_suppress_after"),
    number("retry_max_age_minutes"),
    number("emergency_alert_seconds"),
    number("relay_alert_seconds"),
    number("delivery_retention_days"),
    // A comma-separated string or an array of addresses.
    number("jma_feeds"),
    number("jma_poll_seconds"),
    number("jma_unhealthy_after_seconds"),
    Key { name: "jma", shape: Shape::JmaRules },
    // The file says `[jma] min_intensity` instead.
    Key { name: "jma_min_intensity", shape: Shape::EnvOnly },
    number("obituary_days"),
    number("confirmation_hours"),
    number("register_limit_per_address"),
    number("register_limit_per_address_minutes"),
    number("register_limit_per_ip"),
    number("register_limit_per_ip_minutes"),
    text("trusted_proxy_header"),
    text("trusted_proxies"),
    number("unsubscribed_retention_days"),
    number("api_rate_per_minute"),
    number("search_concurrency"),
    number("http_nice"),
    number("survey_reminders"),
    number("survey_reminder_days"),
    text("secret_key_file"),
    text("console_networks"),
    number("session_idle_minutes"),
    number("session_hours"),
    number("emergency_countdown_seconds"),
    // Language tags, as a comma-separated string or an array.
    number("languages"),
    text("https_proxy"),
    // Also read from the usual NO_PROXY (or no_proxy) when KIZUNA_NO_PROXY is unset.
    text("no_proxy"),
    text("https_ca_file"),
];

pub(super) fn find(name: &str) -> Option<Key> {
    KEYS.iter().find(|key| key.name == name).copied()
}

/// The environment variable that sets `key`.
pub(super) fn env_name(key: &str) -> String {
    format!("KIZUNA_{}", key.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_listed_once_in_lower_case() {
        for (i, key) in KEYS.iter().enumerate() {
            assert!(key.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", key.name);
            assert!(KEYS[i + 1..].iter().all(|other| other.name != key.name), "{} twice", key.name);
        }
    }
}
