//! The conformance suite: every behaviour test runs against SQLite and against
//! PostgreSQL (the `_postgres` twins, ignored unless asked for: `scripts/test`
//! runs them against a real server named by `KIZUNA_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test should stop right there

mod support;

mod archive;
mod changes;
mod check_ins;
mod conformance;
mod console;
mod delivery;
mod drafts;
mod import;
mod insight;
mod jma;
mod limits;
mod queueing;
mod resident_records;
mod residents;
mod retention;
mod sessions;
mod settings;
mod surveys;
mod webhooks;
