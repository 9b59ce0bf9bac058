//! Registering a receiver (after checking where its URL leads) and removing one,
//! each recorded in the audit log.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use kizuna_store::{NewAuditEntry, NewWebhook, Store, StoreError};

use super::target::{TargetError, resolve};
use super::url::WebhookUrl;
use crate::secrets::{SecretKeys, WEBHOOK_PURPOSE};

/// A receiver just registered, with the secret the operator hands to it.
#[derive(Clone)]
pub struct RegisteredWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for RegisteredWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredWebhook").field("id", &self.id).field("url", &self.url).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("cannot generate a secret: {0}")]
    Randomness(String),
    #[error("cannot seal the secret: {0}")]
    Seal(#[from] crate::secrets::SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Registers a receiver after checking that its URL leads to public addresses
/// only (or that private ones are explicitly allowed), and records who did it.
/// The database keeps its signing secret sealed with the secret key.
pub async fn register(
    store: &Arc<dyn Store>,
    keys: &SecretKeys,
    url: &str,
    allow_private: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<RegisteredWebhook, RegisterError> {
    let url = WebhookUrl::parse(url).map_err(TargetError::from)?;
    resolve(&url, allow_private).await?;
    let random = kizuna_core::token::random_secret(32).map_err(|e| RegisterError::Randomness(e.to_string()))?;
    let secret = format!("whsec_{random}");
    let url = url.to_string();
    let sealed = keys.seal(WEBHOOK_PURPOSE, secret.as_bytes())?;
    let id = store.create_webhook(&NewWebhook { url: url.clone(), secret: sealed, allow_private }, now).await?;
    let detail = serde_json::json!({ "url": url, "allow_private": allow_private }).to_string();
    let entry = NewAuditEntry::new(actor, "webhook_add", format!("webhook:{id}"), detail);
    store.record_audit(&entry, now).await?;
    Ok(RegisteredWebhook { id, url, secret })
}

/// Removes a receiver (its log stays); false when there is no active one with that id.
pub async fn remove(store: &Arc<dyn Store>, id: i64, actor: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    if !store.remove_webhook(id, now).await? {
        return Ok(false);
    }
    let entry = NewAuditEntry::new(actor, "webhook_remove", format!("webhook:{id}"), "{}");
    store.record_audit(&entry, now).await?;
    Ok(true)
}
