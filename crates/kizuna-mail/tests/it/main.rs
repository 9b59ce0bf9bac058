//! Integration tests of kizuna-mail: the inbound SMTP session over in-memory I/O, parsing of
//! received mail and bounces from fixtures, and property tests that feed them arbitrary input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop right there

mod dsn;
mod parse;
mod properties;
mod session;
mod support;
