//! The server's parts working together over a real store and a real transport.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop right there

mod support;

mod delivery;
mod inbound;
mod jma;
