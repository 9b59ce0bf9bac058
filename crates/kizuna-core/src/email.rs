//! Residents' email addresses: NFKC-normalised, strictly parsed, legacy carrier forms kept.
//!
//! Japanese carriers long allowed local parts such as `taro..yamada.` that RFC 5322
//! calls obsolete; many residents still use them, so they are accepted and quoted
//! when written into SMTP and headers.

use std::fmt;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::lang::{Explain, Lang};
use crate::texts;

/// A deliverable email address. The whole address is lower-cased: Japanese carriers
/// and the common providers treat local parts without regard to case, and one
/// resident must not register twice by typing a capital letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress {
    address: String,
    at: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    #[error("the address is empty")]
    Empty,
    #[error("the address is longer than 254 characters")]
    TooLong,
    #[error("the address needs exactly one '@'")]
    NoSingleAt,
    #[error("the part before '@' is empty, longer than 64 characters or has characters that mail does not allow")]
    BadLocalPart,
    #[error("the part after '@' is not a valid domain name")]
    BadDomain,
}

impl Explain for EmailError {
    fn explain(&self, lang: Lang) -> String {
        let key = match self {
            EmailError::Empty => "email-error-empty",
            EmailError::TooLong => "email-error-too-long",
            EmailError::NoSingleAt => "email-error-no-single-at",
            EmailError::BadLocalPart => "email-error-bad-local-part",
            EmailError::BadDomain => "email-error-bad-domain",
        };
        texts::text(lang, key).into_owned()
    }
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

impl EmailAddress {
    /// Parses what a resident typed, full-width characters included.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let normalised: String = input.nfkc().collect::<String>().trim().to_lowercase();
        if normalised.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = match normalised.rsplit_once('@') {
            Some((local, domain)) if !domain.is_empty() => (local, domain),
            _ => return Err(EmailError::NoSingleAt),
        };
        let local = match local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            Some(quoted) => quoted,
            None => local,
        };
        if local.contains('@') {
            return Err(EmailError::NoSingleAt);
        }
        if local.is_empty() || local.len() > 64 || !local.chars().all(|c| is_atext(c) || c == '.') {
            return Err(EmailError::BadLocalPart);
        }
        if !local.chars().any(is_atext) {
            return Err(EmailError::BadLocalPart);
        }
        if !is_domain(domain) {
            return Err(EmailError::BadDomain);
        }
        let address = format!("{local}@{domain}");
        if address.len() > 254 {
            return Err(EmailError::TooLong);
        }
        Ok(Self { at: local.len(), address })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    pub fn local_part(&self) -> &str {
        &self.address[..self.at]
    }

    pub fn domain(&self) -> &str {
        &self.address[self.at + 1..]
    }

    /// Whether the local part is a valid RFC 5322 dot-atom; the legacy carrier
    /// forms (leading, trailing or doubled dots) are not and must be quoted.
    pub fn needs_quoting(&self) -> bool {
        let local = self.local_part();
        local.starts_with('.') || local.ends_with('.') || local.contains("..")
    }

    /// The address as written in `RCPT TO:<…>` and in a `To:` header.
    pub fn to_smtp(&self) -> String {
        if self.needs_quoting() { format!("\"{}\"@{}", self.local_part(), self.domain()) } else { self.address.clone() }
    }

    /// The address with most of the local part hidden, for logs and staff lists.
    pub fn masked(&self) -> String {
        let local = self.local_part();
        let shown: String = local.chars().take(2).collect();
        format!("{shown}***@{}", self.domain())
    }
}

/// What staff type to find residents by: all or part of an address, read as
/// an address is read (NFKC, lower case), so `ＴＡＲＯ@` finds `taro@…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressQuery(String);

impl AddressQuery {
    /// `None` for an empty search or one that no address could contain.
    pub fn parse(input: &str) -> Option<Self> {
        let text = input.nfkc().collect::<String>().trim().to_lowercase();
        if text.is_empty() || text.len() > 254 || text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return None;
        }
        Some(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_domain(domain: &str) -> bool {
    if domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|label| {
        (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    let tld = labels[labels.len() - 1];
    labels_ok && (tld.bytes().all(|b| b.is_ascii_alphabetic()) || tld.starts_with("xn--"))
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        match EmailAddress::parse(input) {
            Ok(address) => address.to_string(),
            Err(error) => panic!("{input:?} refused: {error}"),
        }
    }

    #[test]
    fn full_width_input_from_an_ime_is_normalised() {
        assert_eq!(ok("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), "taro@example.jp");
        assert_eq!(ok("  Hanako.Chichibu@Docomo.ne.jp "), "hanako.chichibu@docomo.ne.jp");
    }

    #[test]
    fn legacy_carrier_forms_are_accepted_and_quoted_for_smtp() {
        let address = EmailAddress::parse("taro..yamada.@docomo.ne.jp").map_err(|e| e.to_string());
        let address = address.as_ref().map(|a| (a.needs_quoting(), a.to_smtp()));
        assert_eq!(address, Ok((true, "\"taro..yamada.\"@docomo.ne.jp".to_owned())));
        assert_eq!(ok(".taro@ezweb.ne.jp"), ".taro@ezweb.ne.jp");
        assert_eq!(ok("\"taro..yamada.\"@docomo.ne.jp"), "taro..yamada.@docomo.ne.jp");
        let plain = EmailAddress::parse("taro.yamada@docomo.ne.jp").map(|a| a.to_smtp());
        assert_eq!(plain, Ok("taro.yamada@docomo.ne.jp".to_owned()));
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("taro", EmailError::NoSingleAt),
            ("taro@", EmailError::NoSingleAt),
            ("a@b@example.jp", EmailError::NoSingleAt),
            ("@example.jp", EmailError::BadLocalPart),
            ("ta ro@example.jp", EmailError::BadLocalPart),
            ("<script>@example.jp", EmailError::BadLocalPart),
            ("taro@localhost", EmailError::BadDomain),
            ("taro@-example.jp", EmailError::BadDomain),
            ("taro@example..jp", EmailError::BadDomain),
            ("taro@例え.jp", EmailError::BadDomain),
            ("taro@example.123", EmailError::BadDomain),
            ("taro\n@example.jp", EmailError::BadLocalPart),
            ("...@example.jp", EmailError::BadLocalPart),
        ];
        for (input, expected) in cases {
            assert_eq!(EmailAddress::parse(input), Err(expected), "{input:?}");
        }
        let long_local = format!("{}@example.jp", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(EmailError::BadLocalPart));
        let long_domain = format!("a@{}.jp", vec!["b".repeat(60); 5].join("."));
        assert!(EmailAddress::parse(&long_domain).is_err());
    }

    #[test]
    fn masking_hides_the_local_part() {
        let masked = EmailAddress::parse("hanako@docomo.ne.jp").map(|a| a.masked());
        assert_eq!(masked, Ok("ha***@docomo.ne.jp".to_owned()));
    }

    #[test]
    fn errors_read_in_japanese_first() {
        assert!(EmailError::BadDomain.explain(Lang::JA).contains("ドメイン"));
        assert!(EmailError::BadDomain.explain(Lang::EN).contains("domain"));
    }

    #[test]
    fn a_search_is_read_like_an_address_and_empty_ones_find_nothing() {
        assert_eq!(AddressQuery::parse(" ＴＡＲＯ＠docomo ").unwrap().as_str(), "taro@docomo");
        assert_eq!(AddressQuery::parse("@ezweb.ne.jp").unwrap().as_str(), "@ezweb.ne.jp");
        assert_eq!(AddressQuery::parse("   "), None);
        assert_eq!(AddressQuery::parse("taro yamada"), None);
    }
}
