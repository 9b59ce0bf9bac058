//! Integration tests of kizuna-mail: the inbound SMTP session over in-memory I/O, parsing of
//! received mail and bounces from fixtures, property tests that feed them arbitrary input,
//! and the outbound SMTP transport against a real third-party server (aiosmtpd).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod dsn;
mod parse;
mod properties;
mod relay;
mod session;
mod smtp;
mod support;
