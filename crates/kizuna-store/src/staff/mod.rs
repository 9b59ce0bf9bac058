//! Who may act: staff accounts (with their role, municipality and emergency
//! right) and the API keys of other systems (with their rights).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_core::token::TokenHash;

use crate::catalog::municipality_code;
use crate::db::{Row, corrupt};
use crate::{Result, SqlStore, StoreError};

mod queries;
mod records;
use queries::*;
pub use records::*;

#[async_trait]
pub trait Staff: Send + Sync + 'static {
    async fn create_staff(&self, staff: &NewStaff, now: DateTime<Utc>) -> Result<i64>;
    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>>;
    async fn staff_account(&self, id: i64) -> Result<Option<StaffAccount>>;
    async fn count_staff(&self) -> Result<i64>;
    /// Sets a new password hash; `must_change` makes it a temporary one.
    async fn set_staff_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Enrols a second factor (the sealed secret) with fresh recovery codes
    /// (their hashes) in place of any earlier ones; `None` removes it.
    async fn set_second_factor(&self, id: i64, sealed_secret: Option<&str>, recovery_codes: &[TokenHash])
    -> Result<()>;
    /// Takes a TOTP time step; false when it or a later one was used already.
    async fn use_totp_step(&self, id: i64, step: i64) -> Result<bool>;
    /// Spends a recovery code; false when there is no such unused code.
    async fn use_recovery_code(&self, id: i64, code: &TokenHash, now: DateTime<Utc>) -> Result<bool>;
    async fn unused_recovery_codes(&self, id: i64) -> Result<i64>;

    /// The accounts of one municipality, or of all with `None`, by address.
    async fn list_staff(&self, municipality: Option<&MunicipalityCode>) -> Result<Vec<StaffAccount>>;
    async fn update_staff(&self, id: i64, role: Role, scope: &Scope, emergency: bool) -> Result<()>;
    /// Disables (with the time) or enables an account.
    async fn set_staff_disabled(&self, id: i64, disabled_at: Option<DateTime<Utc>>) -> Result<()>;

    async fn create_api_key(&self, key: &NewApiKey, now: DateTime<Utc>) -> Result<i64>;
    /// Every key, revoked ones too, oldest first.
    async fn api_keys(&self) -> Result<Vec<ApiKey>>;
    async fn api_key_by_hash(&self, hash: &TokenHash) -> Result<Option<ApiKey>>;
    /// False when there is no such key or it was already revoked.
    async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> Result<bool>;
}

#[async_trait]
impl Staff for SqlStore {
    async fn create_staff(&self, staff: &NewStaff, now: DateTime<Utc>) -> Result<i64> {
        self.db
            .query(INSERT_STAFF)
            .bind(staff.email.as_str())
            .bind(&staff.password_hash)
            .bind(staff.scope.municipality().map(|c| c.as_str()))
            .bind(staff.role.as_str())
            .bind(staff.emergency)
            .bind(staff.must_change_password)
            .bind(now)
            .fetch_scalar()
            .await
    }

    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>> {
        let row = self.db.query(STAFF_BY_EMAIL).bind(email).fetch_optional().await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    async fn staff_account(&self, id: i64) -> Result<Option<StaffAccount>> {
        let row = self.db.query(STAFF_BY_ID).bind(id).fetch_optional().await?;
        row.as_ref().map(staff_from_row).transpose()
    }

    async fn count_staff(&self) -> Result<i64> {
        self.db.query(COUNT_STAFF).fetch_scalar().await
    }

    async fn set_staff_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let changed =
            self.db.query(SET_PASSWORD).bind(id).bind(password_hash).bind(must_change).bind(now).execute().await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_second_factor(
        &self,
        id: i64,
        sealed_secret: Option<&str>,
        recovery_codes: &[TokenHash],
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if tx.query(SET_TOTP).bind(id).bind(sealed_secret).execute().await? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.query(DELETE_RECOVERY_CODES).bind(id).execute().await?;
        for code in recovery_codes {
            tx.query(INSERT_RECOVERY_CODE).bind(id).bind(code.as_str()).execute().await?;
        }
        tx.commit().await
    }

    async fn use_totp_step(&self, id: i64, step: i64) -> Result<bool> {
        Ok(self.db.query(USE_TOTP_STEP).bind(id).bind(step).execute().await? > 0)
    }

    async fn use_recovery_code(&self, id: i64, code: &TokenHash, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(USE_RECOVERY_CODE).bind(id).bind(code.as_str()).bind(now).execute().await? > 0)
    }

    async fn unused_recovery_codes(&self, id: i64) -> Result<i64> {
        self.db.query(UNUSED_RECOVERY_CODES).bind(id).fetch_scalar().await
    }

    async fn create_api_key(&self, key: &NewApiKey, now: DateTime<Utc>) -> Result<i64> {
        let rights = key.rights.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        self.db
            .query(INSERT_API_KEY)
            .bind(&key.prefix)
            .bind(key.hash.as_str())
            .bind(key.scope.municipality().map(|c| c.as_str()))
            .bind(rights)
            .bind(&key.label)
            .bind(now)
            .fetch_scalar()
            .await
    }

    async fn api_key_by_hash(&self, hash: &TokenHash) -> Result<Option<ApiKey>> {
        let row = self.db.query(API_KEY_BY_HASH).bind(hash.as_str()).fetch_optional().await?;
        row.as_ref().map(api_key_from_row).transpose()
    }

    async fn api_keys(&self) -> Result<Vec<ApiKey>> {
        self.db.query(API_KEYS).fetch_all().await?.iter().map(api_key_from_row).collect()
    }

    async fn list_staff(&self, municipality: Option<&MunicipalityCode>) -> Result<Vec<StaffAccount>> {
        let rows = self.db.query(STAFF_LIST).bind(municipality.map(|c| c.as_str())).fetch_all().await?;
        rows.iter().map(staff_from_row).collect()
    }

    async fn update_staff(&self, id: i64, role: Role, scope: &Scope, emergency: bool) -> Result<()> {
        let changed = self
            .db
            .query(UPDATE_STAFF)
            .bind(id)
            .bind(role.as_str())
            .bind(scope.municipality().map(|c| c.as_str()))
            .bind(emergency)
            .execute()
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_staff_disabled(&self, id: i64, disabled_at: Option<DateTime<Utc>>) -> Result<()> {
        if self.db.query(SET_DISABLED).bind(id).bind(disabled_at).execute().await? == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        Ok(self.db.query(REVOKE_API_KEY).bind(id).bind(now).execute().await? > 0)
    }
}

fn api_key_from_row(row: &Row) -> Result<ApiKey> {
    let rights: String = row.get("rights")?;
    Ok(ApiKey {
        id: row.get("id")?,
        prefix: row.get("prefix")?,
        scope: scope_from(row.get("municipality_code")?)?,
        rights: ApiRight::parse_list(&rights).map_err(|bad| corrupt("API right", &bad))?,
        label: row.get("label")?,
        created_at: row.get("created_at")?,
        revoked_at: row.get("revoked_at")?,
    })
}

fn staff_from_row(row: &Row) -> Result<StaffAccount> {
    let role: String = row.get("role")?;
    let disabled_at: Option<DateTime<Utc>> = row.get("disabled_at")?;
    Ok(StaffAccount {
        id: row.get("id")?,
        email: row.get("email")?,
        password_hash: row.get("password_hash")?,
        scope: scope_from(row.get("municipality_code")?)?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        emergency: row.get("emergency")?,
        must_change_password: row.get("must_change_password")?,
        created_at: row.get("created_at")?,
        disabled: disabled_at.is_some(),
        totp_secret: row.get("totp_secret")?,
        totp_last_step: row.get("totp_last_step")?,
        password_changed_at: row.get("password_changed_at")?,
    })
}

/// No municipality stored means every municipality.
fn scope_from(code: Option<String>) -> Result<Scope> {
    match code {
        None => Ok(Scope::AllMunicipalities),
        Some(code) => municipality_code(&code).map(Scope::Municipality),
    }
}
