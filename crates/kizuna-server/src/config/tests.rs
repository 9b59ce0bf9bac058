//! `Settings::load` from end to end: defaults, the file, the environment over it,
//! the messages that name a bad key, the JMA rules and secrets.

use kizuna_core::Lang;
use kizuna_core::jma::Intensity;
use kizuna_core::lang::Languages;

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
    assert_eq!(settings.languages, Languages::default());
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
        ("KIZUNA_LANGUAGES", "ja,en,xx", "KIZUNA_LANGUAGES"),
        ("KIZUNA_LANGUAGES", "en", "KIZUNA_LANGUAGES"),
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
    std::fs::write(&file, "confirmation_hours = 48\ntrusted_proxies = \"10.0.0.5, ::1\"\nregister_limit_per_ip = 0\n")
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

#[test]
fn the_offered_languages_are_a_list_of_tags_with_locale_files() -> Result<(), ConfigError> {
    let settings = Settings::load(None, &env(&[("KIZUNA_LANGUAGES", "ja")]))?;
    assert_eq!(settings.languages.iter().collect::<Vec<_>>(), [Lang::JA]);
    let dir = std::env::temp_dir().join(format!("kizuna-config-languages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
    let file = dir.join("kizuna.toml");
    std::fs::write(&file, "languages = [\"en\", \"ja\"]\n").map_err(|e| bad("test", e.to_string()))?;
    let settings = Settings::load(Some(&file), &HashMap::new());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(settings?.languages.iter().collect::<Vec<_>>(), [Lang::EN, Lang::JA]);
    // Start-up refuses a language without locale files in one line that names the key.
    let error = Settings::load(None, &env(&[("KIZUNA_LANGUAGES", "ja,en,vi")])).err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("configuration: KIZUNA_LANGUAGES: \"vi\" has no locale file (there are: ja, en)")
    );
    Ok(())
}

#[test]
fn the_proxy_no_proxy_and_ca_file_are_read_and_a_bad_one_stops_start_up_in_one_line() -> Result<(), ConfigError> {
    let settings = Settings::load(None, &env(&[("KIZUNA_HTTPS_PROXY", "http://proxy.example.lg.jp:8080")]))?;
    let proxy = settings.outbound.proxy_for("www.data.jma.go.jp").map(ToString::to_string);
    assert_eq!(proxy.as_deref(), Some("http://proxy.example.lg.jp:8080"));
    assert!(Settings::load(None, &HashMap::new())?.outbound.proxy_for("www.data.jma.go.jp").is_none());

    // The usual NO_PROXY is honoured; KIZUNA_NO_PROXY, Kizuna's own, wins over it.
    let proxied = [("KIZUNA_HTTPS_PROXY", "proxy:3128"), ("NO_PROXY", ".lg.jp,10.0.0.0/8")];
    let settings = Settings::load(None, &env(&proxied))?;
    assert!(settings.outbound.proxy_for("city.example.lg.jp").is_none());
    assert!(settings.outbound.proxy_for("10.1.2.3").is_none());
    assert!(settings.outbound.proxy_for("www.data.jma.go.jp").is_some());
    let settings = Settings::load(None, &env(&[proxied[0], proxied[1], ("KIZUNA_NO_PROXY", "jma.go.jp")]))?;
    assert!(settings.outbound.proxy_for("www.data.jma.go.jp").is_none());
    assert!(settings.outbound.proxy_for("city.example.lg.jp").is_some());

    let dir = std::env::temp_dir().join(format!("kizuna-config-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| bad("test", e.to_string()))?;
    let not_pem = dir.join("ca.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").map_err(|e| bad("test", e.to_string()))?;
    let not_pem = not_pem.display().to_string();
    let missing = dir.join("missing.pem").display().to_string();
    let cases = [
        ("KIZUNA_HTTPS_PROXY", "https://proxy.example.lg.jp:8443", "a proxy reached over TLS is not supported"),
        ("KIZUNA_HTTPS_PROXY", "http://kizuna:pw@proxy.example.lg.jp:8080", "user name or password"),
        ("NO_PROXY", "localhost, 10.0.0.0/40", "\"10.0.0.0/40\" is not a network"),
        ("KIZUNA_HTTPS_CA_FILE", &missing, "cannot use it as CA certificates"),
        ("KIZUNA_HTTPS_CA_FILE", &not_pem, "no PEM certificate in it"),
    ];
    let errors: Vec<String> = cases
        .iter()
        .map(|(key, value, _)| {
            Settings::load(None, &env(&[(key, value)])).err().map(|e| e.to_string()).unwrap_or_default()
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    for ((key, _, says), error) in cases.iter().zip(errors) {
        assert!(error.starts_with(&format!("configuration: {key}: ")) && error.contains(says), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }
    Ok(())
}
