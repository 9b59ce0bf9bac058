//! Staff sessions of the console and the sign-in failures that slow guessing
//! down. Both live in the database, so every process of a deployment sees the
//! same sessions and counts the same failures.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::token::TokenHash;

use crate::{Result, SqlStore};

mod queries;
use queries::*;

/// A session as it starts, after the password was right.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token; the token itself is never stored.
    pub token_hash: TokenHash,
    pub staff_id: i64,
    /// The token every form of the session must carry.
    pub csrf_token: String,
    /// False while the second factor is still to be given.
    pub second_factor_done: bool,
    pub client_address: String,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: TokenHash,
    pub staff_id: i64,
    pub csrf_token: String,
    pub second_factor_done: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub client_address: String,
}

/// Never prints the tokens.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("staff_id", &self.staff_id)
            .field("second_factor_done", &self.second_factor_done)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

/// Failed sign-ins counted under one key (an account, a network, or both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInFailures {
    pub failures: i64,
    pub last_failure_at: DateTime<Utc>,
}

#[async_trait]
pub trait Sessions: Send + Sync + 'static {
    async fn create_session(&self, session: &NewSession, now: DateTime<Utc>) -> Result<()>;
    async fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>>;
    /// Marks the session used now (for its idle expiry).
    async fn touch_session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
    async fn complete_second_factor(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()>;
    async fn end_session(&self, token_hash: &TokenHash) -> Result<()>;
    /// Ends every session of an account but `keep`. Returns how many ended.
    async fn end_other_sessions(&self, staff_id: i64, keep: &TokenHash) -> Result<u64>;
    /// Forgets sessions idle since before `idle_before` or begun before
    /// `begun_before`, and failures older than `failures_before`.
    async fn prune_sessions(
        &self,
        idle_before: DateTime<Utc>,
        begun_before: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<u64>;

    async fn sign_in_failures(&self, key: &str) -> Result<Option<SignInFailures>>;
    /// Counts one more failure under each key; a count whose last failure is
    /// older than `forget_before` starts again at one.
    async fn record_sign_in_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<()>;
    async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()>;
}

#[async_trait]
impl Sessions for SqlStore {
    async fn create_session(&self, s: &NewSession, now: DateTime<Utc>) -> Result<()> {
        self.db
            .query(INSERT_SESSION)
            .bind(s.token_hash.as_str())
            .bind(s.staff_id)
            .bind(&s.csrf_token)
            .bind(s.second_factor_done)
            .bind(now)
            .bind(&s.client_address)
            .execute()
            .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &TokenHash) -> Result<Option<Session>> {
        let row = self.db.query(SESSION).bind(token_hash.as_str()).fetch_optional().await?;
        row.map(|row| {
            Ok(Session {
                token_hash: TokenHash::from_stored(row.get("token_hash")?),
                staff_id: row.get("staff_id")?,
                csrf_token: row.get("csrf_token")?,
                second_factor_done: row.get("second_factor_done")?,
                created_at: row.get("created_at")?,
                last_seen_at: row.get("last_seen_at")?,
                client_address: row.get("client_address")?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.db.query(TOUCH).bind(token_hash.as_str()).bind(now).execute().await?;
        Ok(())
    }

    async fn complete_second_factor(&self, token_hash: &TokenHash, now: DateTime<Utc>) -> Result<()> {
        self.db.query(COMPLETE_SECOND_FACTOR).bind(token_hash.as_str()).bind(now).execute().await?;
        Ok(())
    }

    async fn end_session(&self, token_hash: &TokenHash) -> Result<()> {
        self.db.query(END).bind(token_hash.as_str()).execute().await?;
        Ok(())
    }

    async fn end_other_sessions(&self, staff_id: i64, keep: &TokenHash) -> Result<u64> {
        self.db.query(END_OTHERS).bind(staff_id).bind(keep.as_str()).execute().await
    }

    async fn prune_sessions(
        &self,
        idle_before: DateTime<Utc>,
        begun_before: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<u64> {
        let sessions = self.db.query(PRUNE).bind(idle_before).bind(begun_before).execute().await?;
        let failures = self.db.query(PRUNE_FAILURES).bind(failures_before).execute().await?;
        Ok(sessions + failures)
    }

    async fn sign_in_failures(&self, key: &str) -> Result<Option<SignInFailures>> {
        let row = self.db.query(FAILURES).bind(key).fetch_optional().await?;
        row.map(|row| {
            Ok(SignInFailures { failures: row.get("failures")?, last_failure_at: row.get("last_failure_at")? })
        })
        .transpose()
    }

    async fn record_sign_in_failure(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for key in keys {
            tx.query(RECORD_FAILURE).bind(key).bind(now).bind(forget_before).execute().await?;
        }
        tx.commit().await
    }

    async fn clear_sign_in_failures(&self, keys: &[String]) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for key in keys {
            tx.query(CLEAR_FAILURES).bind(key).execute().await?;
        }
        tx.commit().await
    }
}
