//! Signing in to the console: the password (Argon2, checked on a blocking
//! thread), throttling that slows guessing without ever locking an account, the
//! one-time password's change, and the second factor (TOTP, or a recovery
//! code). Every attempt, good or bad, leaves an audit entry.

use std::net::IpAddr;
use std::sync::LazyLock;

use chrono::Duration;
use kizuna_core::throttle::{self, Policy};
use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_core::totp::{self, TotpSecret};
use kizuna_store::{NewAuditEntry, NewSession, StaffAccount, StoreError};

use crate::auth::{self as passwords, PasswordError};
use crate::residents::network_key;
use crate::secrets::{SecretError, TOTP_PURPOSE};
use crate::state::AppState;

/// What the sealed TOTP secret is bound to.
/// Recovery codes handed out at enrolment.
const RECOVERY_CODES: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The address or the password is not right (the page never says which).
    #[error("wrong email or password")]
    Wrong,
    /// Too many failures: the next attempt may be made after this long.
    #[error("too many attempts; wait {} s", .0.num_seconds())]
    Wait(Duration),
    /// The code is neither the current TOTP code nor an unused recovery code.
    #[error("wrong code")]
    WrongCode,
    #[error("the current password is not right")]
    WrongCurrentPassword,
    #[error("the new password: {0}")]
    NewPassword(#[from] PasswordError),
    #[error("the new password is the same as the current one")]
    SamePassword,
    #[error("the new passwords differ")]
    ConfirmationDiffers,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("the secret key: {0}")]
    Secret(#[from] SecretError),
    #[error("{0}")]
    Internal(String),
}

/// A session just begun: the cookie's token, and the account.
pub struct Started {
    pub token: SecretToken,
    pub staff: StaffAccount,
}

/// The keys failures are counted under, each with its rule.
fn throttle_keys(email: &str, client: Option<IpAddr>) -> [(String, Policy); 3] {
    let account = TokenHash::of(&email.trim().to_lowercase()).as_str()[..24].to_owned();
    let network = network_key(client);
    [
        (format!("account-network:{account}:{network}"), throttle::ACCOUNT_FROM_NETWORK),
        (format!("network:{network}"), throttle::NETWORK),
        (format!("account:{account}"), throttle::ACCOUNT),
    ]
}

/// How long the longest of the keys still has to wait, if any.
async fn waiting(state: &AppState, keys: &[(String, Policy)]) -> Result<Option<Duration>, StoreError> {
    let now = state.clock.now();
    let mut longest: Option<Duration> = None;
    for (key, policy) in keys {
        if let Some(failures) = state.store.sign_in_failures(key).await? {
            let wait = policy.wait(failures.failures, failures.last_failure_at, now);
            longest = longest.max(wait);
        }
    }
    Ok(longest)
}

async fn audit(state: &AppState, actor: &str, action: &str, subject: &str, client: &str) {
    let entry = NewAuditEntry::new(actor, action, subject, "{}").from_client(client);
    if let Err(error) = state.store.record_audit(&entry, state.clock.now()).await {
        tracing::warn!(%error, action, "audit entry not written");
    }
}

/// A hash no password matches, so an unknown address costs as much as a known one.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let password = kizuna_core::token::random_secret(18).unwrap_or_else(|_| "kizuna-dummy-password".to_owned());
    passwords::hash_password(&password).unwrap_or_default()
});

/// Argon2 takes tens of milliseconds: off the async threads.
async fn verify(password: String, hash: String) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || passwords::verify_password(&password, &hash))
        .await
        .map_err(|e| AuthError::Internal(e.to_string()))
}

/// Checks an address and password and begins a session. The session still waits
/// for the password change or the second factor where those are due.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
    client_text: &str,
) -> Result<Started, AuthError> {
    let keys = throttle_keys(email, client);
    if let Some(wait) = waiting(state, &keys).await? {
        audit(state, "anonymous", "sign_in_throttled", &masked(email), client_text).await;
        return Err(AuthError::Wait(wait));
    }
    let staff = state.store.staff_by_email(&email.trim().to_lowercase()).await?;
    let hash = staff.as_ref().map_or_else(|| DUMMY_HASH.clone(), |s| s.password_hash.clone());
    let right = verify(password.to_owned(), hash).await?;
    let now = state.clock.now();
    let key_names: Vec<String> = keys.iter().map(|(key, _)| key.clone()).collect();
    let staff = match staff {
        Some(staff) if right && !staff.disabled => staff,
        other => {
            state.store.record_sign_in_failure(&key_names, now, now - throttle::MEMORY).await?;
            let actor = other.map_or_else(|| "anonymous".to_owned(), |s| format!("staff:{}", s.id));
            audit(state, &actor, "sign_in_failed", &masked(email), client_text).await;
            return Err(AuthError::Wrong);
        }
    };
    // A person who got in from here is no longer guessing: their own counts go.
    state.store.clear_sign_in_failures(&[key_names[0].clone(), key_names[2].clone()]).await?;
    let token = SecretToken::generate().map_err(|e| AuthError::Internal(e.to_string()))?;
    let csrf = kizuna_core::token::random_secret(24).map_err(|e| AuthError::Internal(e.to_string()))?;
    let session = NewSession {
        token_hash: token.hash(),
        staff_id: staff.id,
        csrf_token: csrf,
        second_factor_done: false,
        client_address: client_text.to_owned(),
    };
    state.store.create_session(&session, now).await?;
    let actor = format!("staff:{}", staff.id);
    audit(state, &actor, "sign_in", &actor, client_text).await;
    Ok(Started { token, staff })
}

/// Checks a TOTP code (once per time step) or an unused recovery code, and
/// completes the session's sign-in.
pub async fn second_factor(
    state: &AppState,
    staff: &StaffAccount,
    session: &TokenHash,
    code: &str,
    client: Option<IpAddr>,
    client_text: &str,
) -> Result<(), AuthError> {
    let actor = format!("staff:{}", staff.id);
    let keys = [(format!("second-factor:{}:{}", staff.id, network_key(client)), throttle::ACCOUNT_FROM_NETWORK)];
    if let Some(wait) = waiting(state, &keys).await? {
        return Err(AuthError::Wait(wait));
    }
    let sealed = staff.totp_secret.as_deref().ok_or(AuthError::WrongCode)?;
    let secret = TotpSecret::from_bytes(state.secrets.open(TOTP_PURPOSE, sealed)?);
    let now = state.clock.now();
    let step = secret.verify(code, now.timestamp(), staff.totp_last_step);
    let accepted = match step {
        Some(step) => state.store.use_totp_step(staff.id, step).await?,
        None => {
            let recovery = TokenHash::of(&totp::normalise_recovery_code(code));
            let used = state.store.use_recovery_code(staff.id, &recovery, now).await?;
            if used {
                audit(state, &actor, "recovery_code_used", &actor, client_text).await;
            }
            used
        }
    };
    if !accepted {
        let names: Vec<String> = keys.iter().map(|(key, _)| key.clone()).collect();
        state.store.record_sign_in_failure(&names, now, now - throttle::MEMORY).await?;
        audit(state, &actor, "second_factor_failed", &actor, client_text).await;
        return Err(AuthError::WrongCode);
    }
    state.store.complete_second_factor(session, now).await?;
    audit(state, &actor, "second_factor", &actor, client_text).await;
    Ok(())
}

/// A secret offered for enrolment, sealed so that the form can carry it back
/// without the browser ever holding it in the clear for longer than the page.
pub struct Enrolment {
    pub secret: TotpSecret,
    pub sealed: String,
}

/// A fresh secret to show on the enrolment page. It is bound to the session, so
/// a sealed secret from another person's page does not enrol.
pub fn offer_enrolment(state: &AppState, session: &TokenHash) -> Result<Enrolment, AuthError> {
    let secret = TotpSecret::generate().map_err(|e| AuthError::Internal(e.to_string()))?;
    let sealed = state.secrets.seal(&enrolment_purpose(session), secret.as_bytes())?;
    Ok(Enrolment { secret, sealed })
}

fn enrolment_purpose(session: &TokenHash) -> String {
    format!("totp-enrolment:{}", session.as_str())
}

/// Enrols the second factor when the code from the app matches the offered
/// secret; returns the recovery codes to show once.
pub async fn enrol(
    state: &AppState,
    staff: &StaffAccount,
    session: &TokenHash,
    sealed_offer: &str,
    code: &str,
    client_text: &str,
) -> Result<Vec<String>, AuthError> {
    let secret = TotpSecret::from_bytes(state.secrets.open(&enrolment_purpose(session), sealed_offer)?);
    let now = state.clock.now();
    let step = secret.verify(code, now.timestamp(), None).ok_or(AuthError::WrongCode)?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        codes.push(totp::recovery_code().map_err(|e| AuthError::Internal(e.to_string()))?);
    }
    let hashes: Vec<TokenHash> = codes.iter().map(|c| TokenHash::of(&totp::normalise_recovery_code(c))).collect();
    let sealed = state.secrets.seal(TOTP_PURPOSE, secret.as_bytes())?;
    state.store.set_second_factor(staff.id, Some(&sealed), &hashes).await?;
    state.store.use_totp_step(staff.id, step).await?;
    state.store.complete_second_factor(session, now).await?;
    state.store.end_other_sessions(staff.id, session).await?;
    let actor = format!("staff:{}", staff.id);
    audit(state, &actor, "second_factor_enrolled", &actor, client_text).await;
    Ok(codes)
}

/// Changes the password: the current one must be right, the new one long
/// enough and different. Every other session of the account ends.
pub async fn change_password(
    state: &AppState,
    staff: &StaffAccount,
    session: &TokenHash,
    current: &str,
    new: &str,
    confirmation: Option<&str>,
    client_text: &str,
) -> Result<(), AuthError> {
    if !verify(current.to_owned(), staff.password_hash.clone()).await? {
        let actor = format!("staff:{}", staff.id);
        audit(state, &actor, "password_change_failed", &actor, client_text).await;
        return Err(AuthError::WrongCurrentPassword);
    }
    if confirmation.is_some_and(|c| c != new) {
        return Err(AuthError::ConfirmationDiffers);
    }
    if new == current {
        return Err(AuthError::SamePassword);
    }
    let new = new.to_owned();
    let hash = tokio::task::spawn_blocking(move || passwords::hash_password(&new))
        .await
        .map_err(|e| AuthError::Internal(e.to_string()))??;
    state.store.set_staff_password(staff.id, &hash, false, state.clock.now()).await?;
    state.store.end_other_sessions(staff.id, session).await?;
    let actor = format!("staff:{}", staff.id);
    audit(state, &actor, "password_changed", &actor, client_text).await;
    Ok(())
}

/// Ends the session.
pub async fn sign_out(state: &AppState, staff: &StaffAccount, session: &TokenHash, client_text: &str) {
    if let Err(error) = state.store.end_session(session).await {
        tracing::warn!(%error, "could not end a session");
    }
    let actor = format!("staff:{}", staff.id);
    audit(state, &actor, "sign_out", &actor, client_text).await;
}

/// An address as the audit log may name it.
fn masked(email: &str) -> String {
    kizuna_core::EmailAddress::parse(email.trim()).map_or_else(|_| "(not an address)".to_owned(), |e| e.masked())
}
