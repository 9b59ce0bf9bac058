//! Chooses the outbound transport from the settings: the SMTP relay when
//! `KIZUNA_SMTP_URL` is set, otherwise the file outbox in the data directory.

use std::sync::Arc;

use kizuna_mail::Transport;
use kizuna_mail::outbox::FileOutbox;
use kizuna_mail::smtp::{SmtpConfig, SmtpTransport};

use crate::config::Settings;

pub fn from_settings(settings: &Settings) -> Result<Arc<dyn Transport>, String> {
    match &settings.smtp_url {
        None => Ok(Arc::new(FileOutbox::new(settings.data_dir.join("outbox")))),
        Some(url) => {
            let config = SmtpConfig::from_url(url.expose())
                .map_err(|e| format!("configuration: KIZUNA_SMTP_URL: {e}"))?
                .with_connections(settings.smtp_connections as usize)
                .with_helo_name(settings.mail_domain.clone());
            let transport = SmtpTransport::new(config).map_err(|e| format!("configuration: KIZUNA_SMTP_URL: {e}"))?;
            Ok(Arc::new(transport))
        }
    }
}
