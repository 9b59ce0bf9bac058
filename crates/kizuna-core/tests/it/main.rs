//! Integration tests of kizuna-core: one binary, one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod cap;
mod jma;
