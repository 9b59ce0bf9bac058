//! The server's parts working together over a real store and a real transport.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod support;

mod api;
mod archive;
mod check_ins;
mod console;
mod delivery;
mod directory;
mod http_guard;
mod inbound;
mod jma;
mod languages;
mod notices;
mod outbound;
mod public_pages;
#[path = "../../../kizuna-mail/tests/it/relay.rs"]
mod relay;
mod relay_delivery;
mod residents;
mod surveys;
mod webhooks;
