//! Passwords of staff accounts: Argon2id hashes, never the password itself.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least 12 characters")]
    TooShort,
    #[error("no randomness available: {0}")]
    Random(String),
    #[error("hashing failed: {0}")]
    Hash(String),
}

pub const MIN_PASSWORD_CHARS: usize = 12;

pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let mut salt = [0u8; 16];
    kizuna_core::token::fill_random(&mut salt).map_err(|e| PasswordError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A one-time password for a new account: 18 random bytes, 24 characters.
pub fn generate_password() -> Result<String, PasswordError> {
    kizuna_core::token::random_secret(18).map_err(|e| PasswordError::Random(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() -> Result<(), PasswordError> {
        let password = generate_password()?;
        assert_eq!(password.len(), 24);
        let hash = hash_password(&password)?;
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains(&password));
        assert!(verify_password(&password, &hash));
        assert!(!verify_password("wrong password!", &hash));
        assert!(!verify_password(&password, "not a hash"));
        assert!(matches!(hash_password("short"), Err(PasswordError::TooShort)));
        Ok(())
    }
}
