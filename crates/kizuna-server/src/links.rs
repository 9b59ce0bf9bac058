//! The links a notice mail carries — manage, unsubscribe, check-in, and the
//! bounce address — derived from the delivery under the secret key
//! (`KIZUNA_SECRET_KEY_FILE`), so that a fan-out writes nothing for them and a
//! copy of the database alone cannot make one. A link reads
//! `{delivery id}-{signature}`; the signature is [`SecretKeys::sign`] over the
//! delivery and the link's purpose, so a bounce address (which every relay on
//! the way sees) opens no resident's page. Checking a link recomputes it, then
//! asks the store whether the delivery is still kept: retention and erasure end
//! a link with its delivery. Links mailed before they were derived are random
//! tokens whose hashes were stored; they resolve until their deliveries pass
//! retention.

use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_store::{DeliveryRef, MailedLink, StoreError};

use crate::residents::plausible;
use crate::secrets::SecretKeys;
use crate::state::AppState;

/// What a link of a notice mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// The links the resident follows or mails to: manage, unsubscribe
    /// (the page, one-click and `unsubscribe+…@`) and the check-in answers.
    Resident,
    /// The VERP return path, `bounce+…@`.
    Bounce,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Resident => "delivery-link",
            LinkPurpose::Bounce => "delivery-bounce",
        }
    }
}

/// The tokens of one delivery's mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLinks {
    pub resident: String,
    pub bounce: String,
}

impl MailLinks {
    pub fn of(keys: &SecretKeys, delivery_id: i64) -> Self {
        Self {
            resident: token(keys, LinkPurpose::Resident, delivery_id),
            bounce: token(keys, LinkPurpose::Bounce, delivery_id),
        }
    }
}

/// The token of `delivery_id`'s link for `purpose`.
pub fn token(keys: &SecretKeys, purpose: LinkPurpose, delivery_id: i64) -> String {
    format!("{delivery_id}-{}", keys.sign(purpose.as_str(), &delivery_id.to_string()))
}

/// How a presented token names its delivery, before the store is asked:
/// `None` when it cannot be one of Kizuna's links (malformed, or a derived
/// link whose signature does not hold).
pub enum Presented {
    Derived(i64),
    Stored(TokenHash),
}

impl Presented {
    pub fn read(keys: &SecretKeys, purpose: LinkPurpose, token: &str) -> Option<Self> {
        if !plausible(token) {
            return None;
        }
        match token.split_once('-') {
            Some((id, signature)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                let delivery_id: i64 = id.parse().ok()?;
                let message = delivery_id.to_string();
                // A leading zero would make a second spelling of the same link.
                (message == id && keys.verify(purpose.as_str(), &message, signature))
                    .then_some(Presented::Derived(delivery_id))
            }
            _ => Some(Presented::Stored(SecretToken::from_presented(token).hash())),
        }
    }

    pub fn as_link(&self) -> MailedLink<'_> {
        match self {
            Presented::Derived(id) => MailedLink::Checked(*id),
            Presented::Stored(hash) => MailedLink::Stored(hash),
        }
    }
}

/// The delivery a presented token names, while it is kept.
pub async fn delivery(state: &AppState, purpose: LinkPurpose, token: &str) -> Result<Option<DeliveryRef>, StoreError> {
    match Presented::read(&state.secrets, purpose, token) {
        Some(presented) => state.store.delivery_by_link(presented.as_link()).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(line: &str) -> SecretKeys {
        SecretKeys::parse(std::path::Path::new("test"), line).unwrap()
    }

    #[test]
    fn a_link_names_its_delivery_for_its_purpose_only() {
        let keys = keys(&crate::secrets::new_key_line("1").unwrap());
        let links = MailLinks::of(&keys, 1234);
        assert!(links.resident.starts_with("1234-"), "{}", links.resident);
        assert!(plausible(&links.resident) && plausible(&links.bounce));
        let read = |purpose, token: &str| match Presented::read(&keys, purpose, token) {
            Some(Presented::Derived(id)) => Some(id),
            _ => None,
        };
        assert_eq!(read(LinkPurpose::Resident, &links.resident), Some(1234));
        assert_eq!(read(LinkPurpose::Bounce, &links.bounce), Some(1234));
        assert_eq!(read(LinkPurpose::Resident, &links.resident.to_ascii_uppercase()), Some(1234));
        assert_eq!(read(LinkPurpose::Resident, &links.bounce), None, "a bounce address opens no page");
        let signature = links.resident.split_once('-').unwrap().1;
        assert_eq!(read(LinkPurpose::Resident, &format!("1235-{signature}")), None, "another delivery");
        assert_eq!(read(LinkPurpose::Resident, &format!("01234-{signature}")), None, "another spelling");
        assert!(Presented::read(&keys, LinkPurpose::Resident, "99999999999999999999999-abc").is_none());
        assert!(Presented::read(&keys, LinkPurpose::Resident, "short").is_none());
        // A random token of a mail sent before links were derived is looked up by its hash.
        let old = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
        assert!(matches!(Presented::read(&keys, LinkPurpose::Resident, old), Some(Presented::Stored(_))));
    }
}
