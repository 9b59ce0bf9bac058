//! What the API offers beside the notice service: statistics of subscribers,
//! within the calling key's scope.

use kizuna_core::staff::Scope;
use kizuna_store::{StoreError, SubscriberCount};

use crate::state::AppState;

/// Active residents per municipality and category, within `scope`.
pub async fn subscriber_counts(state: &AppState, scope: &Scope) -> Result<Vec<SubscriberCount>, StoreError> {
    let own = scope.municipality();
    let counts = state.store.subscriber_counts().await?;
    Ok(counts.into_iter().filter(|c| own.is_none_or(|code| *code == c.municipality)).collect())
}
