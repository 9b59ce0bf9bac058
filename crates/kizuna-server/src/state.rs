//! What every request handler and job shares.

use std::sync::Arc;

use kizuna_core::time::Clock;
use kizuna_mail::Transport;
use kizuna_store::Store;

use crate::config::Settings;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    pub transport: Arc<dyn Transport>,
}
