//! The mailboxes Kizuna answers for at its mail domain, and the refusal of every other address.

use std::fmt;

use kizuna_core::{EmailAddress, MunicipalityCode};
use thiserror::Error;

/// The longest token accepted after `bounce+` or `unsubscribe+`. Kizuna's own tokens are 43
/// characters; the margin leaves room for a longer format without inviting megabyte addresses.
pub const MAX_TOKEN_LEN: usize = 128;

/// The domain that Kizuna receives mail for (`KIZUNA_MAIL_DOMAIN`), lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailDomain(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a domain name that can receive mail")]
pub struct MailDomainError(String);

impl MailDomain {
    pub fn parse(input: &str) -> Result<Self, MailDomainError> {
        // The same rules as a resident's address, so every domain Kizuna sends from it can also receive at.
        match EmailAddress::parse(&format!("postmaster@{}", input.trim().trim_end_matches('.'))) {
            Ok(address) => Ok(Self(address.domain().to_owned())),
            Err(_) => Err(MailDomainError(input.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A recipient that Kizuna accepts, already classified by what the mail is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InboundAddress {
    /// `touroku@D`, `subscribe@D`, or `touroku+CODE@D` from a municipality's poster.
    Register { municipality: Option<MunicipalityCode> },
    /// `bounce+TOKEN@D`: the VERP return path of one delivery.
    Bounce { token: String },
    /// `unsubscribe+TOKEN@D`: the `mailto:` of `List-Unsubscribe`.
    Unsubscribe { token: String },
    /// `postmaster` (bare or at D), which RFC 5321 §4.5.1 requires every server to accept.
    Postmaster,
}

/// Why a `RCPT TO` address is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecipientError {
    /// Not an address at all.
    #[error("the recipient address is malformed")]
    Malformed,
    /// Another domain: Kizuna relays for nobody.
    #[error("relaying to another domain is denied")]
    RelayDenied,
    /// A local part at D that Kizuna has no use for.
    #[error("no such mailbox")]
    NoSuchMailbox,
}

impl InboundAddress {
    /// Classifies `local@domain` (as written inside `RCPT TO:<…>`, quotes allowed) against the
    /// mail domain. Keywords are matched without regard to case; tokens keep their case,
    /// because base64url tokens are case-sensitive.
    pub fn parse(address: &str, domain: &MailDomain) -> Result<Self, RecipientError> {
        if address.eq_ignore_ascii_case("postmaster") {
            return Ok(Self::Postmaster);
        }
        let (local, host) = address.rsplit_once('@').ok_or(RecipientError::Malformed)?;
        let local = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')).unwrap_or(local);
        if local.is_empty() || host.is_empty() {
            return Err(RecipientError::Malformed);
        }
        if !host.trim_end_matches('.').eq_ignore_ascii_case(domain.as_str()) {
            return Err(RecipientError::RelayDenied);
        }
        let (keyword, detail) = match local.split_once('+') {
            Some((keyword, detail)) => (keyword, Some(detail)),
            None => (local, None),
        };
        let keyword = keyword.to_ascii_lowercase();
        match (keyword.as_str(), detail) {
            ("touroku" | "subscribe", None) => Ok(Self::Register { municipality: None }),
            ("touroku", Some(code)) => match MunicipalityCode::parse(code) {
                // `parse` trims spaces, but an address with spaces is not what the poster printed.
                Ok(parsed) if parsed.as_str() == code => Ok(Self::Register { municipality: Some(parsed) }),
                _ => Err(RecipientError::NoSuchMailbox),
            },
            ("bounce", Some(token)) if is_token(token) => Ok(Self::Bounce { token: token.to_owned() }),
            ("unsubscribe", Some(token)) if is_token(token) => Ok(Self::Unsubscribe { token: token.to_owned() }),
            ("postmaster", None) => Ok(Self::Postmaster),
            _ => Err(RecipientError::NoSuchMailbox),
        }
    }
}

fn is_token(token: &str) -> bool {
    (1..=MAX_TOKEN_LEN).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> MailDomain {
        MailDomain::parse("Kizuna.Example.JP").unwrap()
    }

    fn parse(address: &str) -> Result<InboundAddress, RecipientError> {
        InboundAddress::parse(address, &domain())
    }

    #[test]
    fn registration_addresses_are_recognised_in_any_case() {
        let plain = Ok(InboundAddress::Register { municipality: None });
        assert_eq!(parse("touroku@kizuna.example.jp"), plain);
        assert_eq!(parse("TOUROKU@KIZUNA.EXAMPLE.JP"), plain);
        assert_eq!(parse("subscribe@kizuna.example.jp"), plain);
        assert_eq!(parse("\"touroku\"@kizuna.example.jp"), plain);
        let minano = MunicipalityCode::parse("113620").unwrap();
        assert_eq!(
            parse("Touroku+113620@kizuna.example.jp"),
            Ok(InboundAddress::Register { municipality: Some(minano) })
        );
    }

    #[test]
    fn a_poster_code_must_be_a_real_municipality_code() {
        for address in
            ["touroku+113621@kizuna.example.jp", "touroku+1136@kizuna.example.jp", "touroku+@kizuna.example.jp"]
        {
            assert_eq!(parse(address), Err(RecipientError::NoSuchMailbox), "{address}");
        }
        assert_eq!(parse("touroku+ 113620@kizuna.example.jp"), Err(RecipientError::NoSuchMailbox));
        assert_eq!(parse("subscribe+113620@kizuna.example.jp"), Err(RecipientError::NoSuchMailbox));
    }

    #[test]
    fn tokens_keep_their_case_and_must_be_base64url() {
        assert_eq!(parse("BOUNCE+AbC-_09@kizuna.example.jp"), Ok(InboundAddress::Bounce { token: "AbC-_09".into() }));
        assert_eq!(parse("unsubscribe+Zz9@kizuna.example.jp"), Ok(InboundAddress::Unsubscribe { token: "Zz9".into() }));
        for address in [
            "bounce@kizuna.example.jp",
            "bounce+@kizuna.example.jp",
            "bounce+a.b@kizuna.example.jp",
            "bounce+a+b@kizuna.example.jp",
            "unsubscribe+a=b@kizuna.example.jp",
        ] {
            assert_eq!(parse(address), Err(RecipientError::NoSuchMailbox), "{address}");
        }
        let long = format!("bounce+{}@kizuna.example.jp", "a".repeat(MAX_TOKEN_LEN + 1));
        assert_eq!(parse(&long), Err(RecipientError::NoSuchMailbox));
        let longest = format!("bounce+{}@kizuna.example.jp", "a".repeat(MAX_TOKEN_LEN));
        assert!(parse(&longest).is_ok());
    }

    #[test]
    fn other_domains_are_relaying_and_refused() {
        assert_eq!(parse("touroku@example.jp"), Err(RecipientError::RelayDenied));
        assert_eq!(parse("touroku@kizuna.example.jp.evil.example"), Err(RecipientError::RelayDenied));
        assert_eq!(parse("victim@gmail.com"), Err(RecipientError::RelayDenied));
        assert_eq!(parse("info@kizuna.example.jp"), Err(RecipientError::NoSuchMailbox));
        assert_eq!(parse("touroku"), Err(RecipientError::Malformed));
        assert_eq!(parse("@kizuna.example.jp"), Err(RecipientError::Malformed));
    }

    #[test]
    fn postmaster_is_always_accepted() {
        assert_eq!(parse("Postmaster"), Ok(InboundAddress::Postmaster));
        assert_eq!(parse("postmaster@kizuna.example.jp"), Ok(InboundAddress::Postmaster));
        assert_eq!(parse("postmaster@example.jp"), Err(RecipientError::RelayDenied));
    }

    #[test]
    fn a_mail_domain_is_normalised_and_checked() {
        assert_eq!(MailDomain::parse("Kizuna.Example.JP.").map(|d| d.to_string()), Ok("kizuna.example.jp".into()));
        assert_eq!(MailDomain::parse("kizuna.localhost").map(|d| d.to_string()), Ok("kizuna.localhost".into()));
        assert!(MailDomain::parse("not a domain").is_err());
        assert!(MailDomain::parse("").is_err());
    }
}
