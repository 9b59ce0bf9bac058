//! The deployment's rate limits, counted in the store so that every process on
//! the database counts together: API keys, registrations per address and per
//! client network, and empty-mail replies per address. The keys hold no plain
//! address: addresses by their hash, client networks by a keyed hash.

use chrono::Duration;
use kizuna_core::EmailAddress;
use kizuna_core::token::TokenHash;
use kizuna_store::{RateAnswer, StoreError};

use crate::config::RateLimit;
use crate::state::AppState;

/// At most this many automatic replies to one address per [`REPLY_WINDOW`], so
/// that mail with a forged sender cannot turn Kizuna into a source of backscatter.
pub const REPLY_LIMIT: u32 = 3;
pub const REPLY_WINDOW: Duration = Duration::hours(1);

async fn take(state: &AppState, key: &str, limit: RateLimit) -> Result<RateAnswer, StoreError> {
    state.store.take_rate(key, limit.count, limit.window, state.clock.now()).await
}

/// One request of API key `id` within the per-minute limit; else whole seconds to wait.
pub async fn api_request(state: &AppState, id: i64) -> Result<Result<(), u64>, StoreError> {
    let limit = RateLimit { count: state.settings.api_rate_per_minute.max(1), window: Duration::minutes(1) };
    Ok(match take(state, &format!("api-key:{id}"), limit).await? {
        RateAnswer::Allowed => Ok(()),
        RateAnswer::Wait(wait) => Err(u64::try_from((wait.num_milliseconds() + 999) / 1000).unwrap_or(1).max(1)),
    })
}

/// One registration from client network `network` (as `network_key` names it).
pub async fn registration_from(state: &AppState, network: &str) -> Result<bool, StoreError> {
    let key = format!("register-network:{}", state.secrets.pseudonym("rate-network", network));
    Ok(take(state, &key, state.settings.residents.per_client).await? == RateAnswer::Allowed)
}

/// One registration mail to the address whose hash is `address`.
pub async fn registration_mail_to(state: &AppState, address: &TokenHash) -> Result<bool, StoreError> {
    let key = format!("register-address:{}", address.as_str());
    Ok(take(state, &key, state.settings.residents.per_address).await? == RateAnswer::Allowed)
}

/// One automatic reply to an empty mail from `sender`.
pub async fn reply_to(state: &AppState, sender: &EmailAddress) -> Result<bool, StoreError> {
    let key = format!("reply:{}", TokenHash::of(sender.as_str()).as_str());
    let limit = RateLimit { count: REPLY_LIMIT, window: REPLY_WINDOW };
    Ok(take(state, &key, limit).await? == RateAnswer::Allowed)
}
