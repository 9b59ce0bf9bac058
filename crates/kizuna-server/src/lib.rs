//! Kizuna's server: the web (public pages, health, metrics), the singleton jobs
//! and the wiring that runs them over one store.
//!
//! Each feature is a folder of the same shape — `mod.rs`, `routes.rs` (extract,
//! call one service function, respond), `service.rs` (the rules) and what else it
//! needs: `archive/`, `posters/`, `residents/`, `api/`. `notices/` is the one
//! notice service every caller moves notices through; `directory` holds the
//! reference data they all read.

#![deny(clippy::unwrap_used)]

pub mod api;
pub mod archive;
pub mod auth;
pub mod check_ins;
pub mod config;
pub mod console;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod http_client;
pub mod http_guard;
pub mod inbound;
pub mod jma_poller;
pub mod jobs;
pub mod limits;
pub mod links;
pub mod mailer;
pub mod notices;
pub mod page_cache;
pub mod posters;
pub mod priority;
pub mod residents;
pub mod roster;
pub mod secrets;
pub mod serve;
pub mod state;
pub mod surveys;
pub mod texts;
pub mod transport;
pub mod web;
pub mod webhooks;

pub use config::Settings;
pub use serve::{Roles, serve};
pub use state::AppState;
