//! Tests that run the real `kizuna` binary as an operator would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod support;

mod check;
mod cli;
mod delivery;
#[path = "../../../kizuna-mail/tests/it/relay.rs"]
mod relay;
mod serve;
mod webhook;
