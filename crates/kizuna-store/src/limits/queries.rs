//! The limits' statements.

use crate::db::PerBackend;

/// A full bucket for a key seen for the first time.
pub(super) const OPEN_BUCKET: &str =
    "INSERT INTO rate_buckets (key, level, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";

/// The bucket, locked until the transaction ends (SQLite's write lock, taken by
/// the insert before, already serialises writers).
pub(super) const READ_BUCKET: PerBackend = PerBackend {
    sqlite: "SELECT level, at FROM rate_buckets WHERE key = $1",
    postgres: "SELECT level, at FROM rate_buckets WHERE key = $1 FOR UPDATE",
};

pub(super) const WRITE_BUCKET: &str = "UPDATE rate_buckets SET level = $2, at = $3 WHERE key = $1";

/// Buckets untouched since `$1` (milliseconds).
pub(super) const FORGET_BUCKETS: &str = "DELETE FROM rate_buckets WHERE at < $1";
