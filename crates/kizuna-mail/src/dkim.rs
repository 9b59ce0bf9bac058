//! Optional DKIM signing of Kizuna's own messages (cargo feature `dkim`), for
//! sites whose relay does not sign.
//!
//! RFC 8058 one-click unsubscribe counts only when `List-Unsubscribe` and
//! `List-Unsubscribe-Post` are covered by a DKIM signature, so both are always
//! signed; a relay that signs instead must do the same.

use std::fmt;

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{Canonicalization, DkimSigner as Signer, Done};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;

use crate::OutgoingMessage;

/// The headers signed: what a resident sees, what the unsubscribe button uses,
/// and what says how to read the body.
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
];

#[derive(Debug, thiserror::Error)]
pub enum DkimError {
    #[error("the DKIM key is not a PEM private key: {0}")]
    Pem(String),
    #[error("the DKIM key cannot be used: {0}")]
    Key(String),
    #[error("DKIM signing failed: {0}")]
    Sign(String),
}

enum Key {
    Rsa(Box<Signer<RsaKey<Sha256>, Done>>),
    Ed25519(Box<Signer<Ed25519Key, Done>>),
}

/// Signs messages for one domain and selector with an RSA (`rsa-sha256`) or
/// Ed25519 (`ed25519-sha256`, RFC 8463) key.
pub struct DkimSigner {
    domain: String,
    selector: String,
    key: Key,
}

/// Shows where the signatures point, never the key.
impl fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithm = match self.key {
            Key::Rsa(_) => "rsa-sha256",
            Key::Ed25519(_) => "ed25519-sha256",
        };
        f.debug_struct("DkimSigner")
            .field("domain", &self.domain)
            .field("selector", &self.selector)
            .field("algorithm", &algorithm)
            .finish_non_exhaustive()
    }
}

fn private_key(pem: &str) -> Result<PrivateKeyDer<'static>, DkimError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|error| DkimError::Pem(error.to_string()))
}

impl DkimSigner {
    /// An RSA key in PEM, PKCS #1 (`BEGIN RSA PRIVATE KEY`) or PKCS #8 (`BEGIN PRIVATE KEY`).
    pub fn rsa_from_pem(domain: &str, selector: &str, pem: &str) -> Result<Self, DkimError> {
        let key =
            RsaKey::<Sha256>::from_key_der(private_key(pem)?).map_err(|error| DkimError::Key(error.to_string()))?;
        let signer = Signer::from_key(key)
            .domain(domain)
            .selector(selector)
            .headers(SIGNED_HEADERS.iter().copied())
            .header_canonicalization(Canonicalization::Relaxed)
            .body_canonicalization(Canonicalization::Relaxed);
        Ok(DkimSigner { domain: domain.to_owned(), selector: selector.to_owned(), key: Key::Rsa(Box::new(signer)) })
    }

    /// An Ed25519 key in PKCS #8 PEM (`BEGIN PRIVATE KEY`, as `openssl genpkey -algorithm ED25519` writes).
    pub fn ed25519_from_pem(domain: &str, selector: &str, pem: &str) -> Result<Self, DkimError> {
        let PrivateKeyDer::Pkcs8(der) = private_key(pem)? else {
            return Err(DkimError::Key("an Ed25519 key must be PKCS #8 (BEGIN PRIVATE KEY)".to_owned()));
        };
        let key =
            Ed25519Key::from_pkcs8_der(der.secret_pkcs8_der()).map_err(|error| DkimError::Key(error.to_string()))?;
        let signer = Signer::from_key(key)
            .domain(domain)
            .selector(selector)
            .headers(SIGNED_HEADERS.iter().copied())
            .header_canonicalization(Canonicalization::Relaxed)
            .body_canonicalization(Canonicalization::Relaxed);
        Ok(DkimSigner { domain: domain.to_owned(), selector: selector.to_owned(), key: Key::Ed25519(Box::new(signer)) })
    }

    /// Puts a `DKIM-Signature` header in front of the message.
    pub fn sign(&self, message: &mut OutgoingMessage) -> Result<(), DkimError> {
        let signature = match &self.key {
            Key::Rsa(signer) => signer.sign(&message.bytes),
            Key::Ed25519(signer) => signer.sign(&message.bytes),
        }
        .map_err(|error| DkimError::Sign(error.to_string()))?;
        let header = signature.to_header();
        let mut signed = Vec::with_capacity(header.len() + message.bytes.len());
        signed.extend_from_slice(header.as_bytes());
        signed.append(&mut message.bytes);
        message.bytes = signed;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Borrow;
    use std::collections::HashMap;
    use std::hash::Hash;
    use std::sync::Mutex;
    use std::time::Instant;

    use chrono::TimeZone;
    use kizuna_core::subscriber::{Charset, MailFormat};
    use kizuna_core::text::{NoticeBody, NoticeTitle};
    use kizuna_core::{EmailAddress, Lang};
    use mail_auth::common::parse::TxtRecordParser;
    use mail_auth::common::verify::DomainKey;
    use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, ResolverCache, Txt};

    use super::*;
    use crate::render::{NoticeMail, render_signed};

    const RSA_PEM: &str = include_str!("testdata/dkim-test-rsa.pem");
    const RSA_PUBLIC: &str = include_str!("testdata/dkim-test-rsa.pub");
    const ED25519_PEM: &str = include_str!("testdata/dkim-test-ed25519.pem");
    const ED25519_PUBLIC: &str = include_str!("testdata/dkim-test-ed25519.pub");

    /// Holds the selector's key record, so verification needs no DNS.
    struct Records(Mutex<HashMap<Box<str>, Txt>>);

    impl ResolverCache<Box<str>, Txt> for Records {
        fn get<Q>(&self, name: &Q) -> Option<Txt>
        where
            Box<str>: Borrow<Q>,
            Q: Hash + Eq + ?Sized,
        {
            self.0.lock().unwrap().get(name).cloned()
        }

        fn remove<Q>(&self, name: &Q) -> Option<Txt>
        where
            Box<str>: Borrow<Q>,
            Q: Hash + Eq + ?Sized,
        {
            self.0.lock().unwrap().remove(name)
        }

        fn insert(&self, key: Box<str>, value: Txt, _valid_until: Instant) {
            self.0.lock().unwrap().insert(key, value);
        }
    }

    fn mail<'a>(
        from: &'a EmailAddress,
        to: &'a EmailAddress,
        title: &'a NoticeTitle,
        body: &'a NoticeBody,
    ) -> NoticeMail<'a> {
        NoticeMail {
            from_name: "秩父市",
            from_address: from,
            to,
            title,
            body,
            format: MailFormat::Html,
            charset: Charset::Iso2022Jp,
            exercise: true,
            lang: Lang::JA,
            message_id: "delivery.1@kizuna.example.jp",
            return_path: "bounce+t@kizuna.example.jp",
            manage_url: "https://kizuna.example.jp/manage/t",
            unsubscribe_url: "https://kizuna.example.jp/unsubscribe/t",
            unsubscribe_mailto: "unsubscribe+t@kizuna.example.jp",
            check_in: None,
            date: chrono::Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap(),
        }
    }

    async fn verify(bytes: &[u8], record: &str) -> DkimResult {
        let records = Records(Mutex::new(HashMap::new()));
        let key = DomainKey::parse(record.as_bytes()).unwrap();
        records.insert("kizuna._domainkey.kizuna.example.jp.".into(), Txt::from(key), Instant::now());
        let authenticator = MessageAuthenticator::new_cloudflare().unwrap();
        let message = AuthenticatedMessage::parse(bytes).unwrap();
        let outputs = authenticator.verify_dkim(Parameters::new(&message).with_txt_cache(&records)).await;
        assert_eq!(outputs.len(), 1);
        outputs[0].result().clone()
    }

    #[tokio::test]
    async fn rsa_and_ed25519_signatures_verify_and_cover_one_click_unsubscribe() {
        let from = EmailAddress::parse("info@kizuna.example.jp").unwrap();
        let to = EmailAddress::parse("taro..yamada.@docomo.ne.jp").unwrap();
        let title = NoticeTitle::parse("大雨警報").unwrap();
        let body = NoticeBody::parse("避難所を開設しました。").unwrap();
        let signers = [
            (DkimSigner::rsa_from_pem("kizuna.example.jp", "kizuna", RSA_PEM).unwrap(), "rsa", RSA_PUBLIC),
            (
                DkimSigner::ed25519_from_pem("kizuna.example.jp", "kizuna", ED25519_PEM).unwrap(),
                "ed25519",
                ED25519_PUBLIC,
            ),
        ];
        for (signer, algorithm, public) in signers {
            let message = render_signed(&mail(&from, &to, &title, &body), &signer).unwrap();
            let text = String::from_utf8(message.bytes.clone()).unwrap();
            assert!(text.starts_with("DKIM-Signature: "), "{text}");
            let signed: String = text
                .split("h=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .split_whitespace()
                .collect::<String>()
                .to_ascii_lowercase();
            let signed: Vec<&str> = signed.split(':').collect();
            assert!(signed.contains(&"list-unsubscribe") && signed.contains(&"list-unsubscribe-post"), "{signed:?}");
            let record = format!("v=DKIM1; k={algorithm}; p={}", public.trim());
            assert_eq!(verify(&message.bytes, &record).await, DkimResult::Pass, "{algorithm}");

            // A relay or list that rewrote the unsubscribe link would break the signature.
            let tampered = text.replace("unsubscribe/t>", "unsubscribe/x>");
            assert!(matches!(verify(tampered.as_bytes(), &record).await, DkimResult::Fail(_)), "{algorithm}");
        }
    }

    #[test]
    fn bad_keys_are_refused_and_debug_hides_the_key() {
        assert!(matches!(DkimSigner::rsa_from_pem("d.jp", "s", "not a key"), Err(DkimError::Pem(_))));
        assert!(DkimSigner::ed25519_from_pem("d.jp", "s", RSA_PEM).is_err());
        let signer = DkimSigner::ed25519_from_pem("d.jp", "s", ED25519_PEM).unwrap();
        let debug = format!("{signer:?}");
        assert!(debug.contains("ed25519-sha256") && debug.contains("d.jp"), "{debug}");
        assert!(!debug.contains("inner"), "{debug}");
    }
}
