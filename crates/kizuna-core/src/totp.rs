//! Time-based one-time passwords (RFC 6238, the codes authenticator apps show)
//! for staff's second factor, and the recovery codes that stand in for a lost
//! phone. Pure computation: the caller keeps the secret (encrypted) and the last
//! time step used, so that a code is accepted once.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds each code is valid for, as every authenticator app assumes.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps before and after the current one that are still accepted, for a phone
/// whose clock is a little off.
const DRIFT_STEPS: i64 = 1;

/// A TOTP shared secret: 20 random bytes (160 bits, RFC 4226's recommendation).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; 20];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Upper-case base32 without padding, as authenticator apps take it.
    pub fn base32(&self) -> String {
        crate::token::base32_lower(&self.0).to_ascii_uppercase()
    }

    /// The key as staff type it in by hand: base32 in groups of four.
    pub fn grouped(&self) -> String {
        let key = self.base32();
        let groups: Vec<&str> = key.as_bytes().chunks(4).filter_map(|g| std::str::from_utf8(g).ok()).collect();
        groups.join(" ")
    }

    /// The `otpauth://` URI a QR code carries: the app shows `issuer (account)`.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{issuer}:{account}");
        format!(
            "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            percent(&label),
            self.base32(),
            percent(issuer)
        )
    }

    /// The code for the 30-second step that contains `unix_seconds`.
    pub fn code_at(&self, unix_seconds: i64) -> u32 {
        self.code_for_step(unix_seconds.div_euclid(STEP_SECONDS))
    }

    fn code_for_step(&self, step: i64) -> u32 {
        hotp(&self.0, step as u64) % 10u32.pow(DIGITS)
    }

    /// Checks a code typed at `unix_seconds`. Returns the step it matched, which
    /// the caller stores; a code of a step at or before `last_used` is refused,
    /// so a code cannot be used twice (RFC 6238 §5.2).
    pub fn verify(&self, typed: &str, unix_seconds: i64, last_used: Option<i64>) -> Option<i64> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let typed: u32 = digits.parse().ok()?;
        let now = unix_seconds.div_euclid(STEP_SECONDS);
        let mut matched = None;
        // Every candidate is computed, so the time taken does not tell which one matched.
        for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
            let fresh = last_used.is_none_or(|used| step > used);
            if constant_time_eq(self.code_for_step(step), typed) && fresh {
                matched = Some(step);
            }
        }
        matched
    }
}

/// RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation.
fn hotp(key: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key) else {
        // HMAC takes keys of any length; this cannot happen.
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let bytes = [digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]];
    u32::from_be_bytes(bytes)
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One recovery code, shown once when the second factor is set up: ten
/// lower-case base32 characters in two groups (`abcde-fghij`), 50 bits each.
pub fn recovery_code() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 7];
    getrandom::fill(&mut bytes)?;
    let text = crate::token::base32_lower(&bytes);
    Ok(format!("{}-{}", &text[..5], &text[5..10]))
}

/// A recovery code as typed, folded so that case, spaces and the hyphen do not matter.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, with the last six of the eight digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        for (time, eight_digits) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(secret.code_at(time), eight_digits % 1_000_000, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_a_neighbouring_step_is_tolerated() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        let now = 1_111_111_111;
        let code = format!("{:06}", secret.code_at(now));
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(secret.verify(&code, now, Some(step)), None, "the same code again is refused");
        let earlier = format!("{:06}", secret.code_at(now - 30));
        assert_eq!(secret.verify(&earlier, now, None), Some(step - 1), "a phone 30 s behind still works");
        let stale = format!("{:06}", secret.code_at(now - 90));
        assert_eq!(secret.verify(&stale, now, None), None, "a code from 90 s ago is refused");
        assert_eq!(secret.verify("12345", now, None), None);
        assert_eq!(secret.verify("abcdef", now, None), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.verify(&spaced, now, None), Some(step), "spaces typed between digits are ignored");
    }

    #[test]
    fn the_key_is_shown_in_groups_of_four_and_in_an_otpauth_uri() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(secret.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret.grouped(), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(
            secret.uri("きずなメール", "staff@town.example"),
            "otpauth://totp/%E3%81%8D%E3%81%9A%E3%81%AA%E3%83%A1%E3%83%BC%E3%83%AB%3Astaff%40town.example\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E3%81%8D%E3%81%9A%E3%81%AA%E3%83%A1%E3%83%BC%E3%83%AB\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_two_groups_of_five_and_fold_when_typed() {
        let code = recovery_code().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_eq!(normalise_recovery_code(&code.to_uppercase().replace('-', " ")), code.replace('-', ""));
    }
}
