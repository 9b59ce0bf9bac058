//! Chooses the outbound transport from the settings: the SMTP relay when
//! `KIZUNA_SMTP_URL` is set, otherwise the file outbox in the data directory.

use std::sync::Arc;

use kizuna_mail::Transport;
use kizuna_mail::outbox::FileOutbox;

use crate::config::Settings;

pub fn from_settings(settings: &Settings) -> Result<Arc<dyn Transport>, String> {
    match &settings.smtp_url {
        None => Ok(Arc::new(FileOutbox::new(settings.data_dir.join("outbox")))),
        Some(_) => Err("KIZUNA_SMTP_URL: the SMTP transport is not built into this version yet".to_owned()),
    }
}
