//! The mails a resident asks for on the web: the confirmation link of a new
//! registration and, for an address already registered, its manage link.
//! Two languages are always present (the chosen one first, then Japanese, or
//! English for a Japanese reader), because whoever typed the address may not
//! be whoever reads the mailbox.

use chrono::{DateTime, Utc};
use kizuna_core::i18n::Arg;
use kizuna_core::lang::Languages;
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::message::{TextMessage, charset_before_choice};
use kizuna_mail::{Envelope, OutgoingMessage};

use crate::directory::ReferenceData;
use crate::texts;

/// What every registration mail needs to know about the service.
pub struct MailSite<'a> {
    pub base_url: &'a str,
    pub mail_domain: &'a str,
    pub directory: &'a ReferenceData,
    pub offered: &'a Languages,
}

impl MailSite<'_> {
    /// In Japanese, as the notices' senders are.
    fn sender_name(&self) -> String {
        let consortium = self.directory.consortium_name(Lang::JA);
        texts::format(Lang::JA, "mail-from", &[("consortium", consortium.into())]).into_owned()
    }

    fn sender_address(&self) -> String {
        format!("info@{}", self.mail_domain)
    }

    /// Registration mails are not deliveries: bounces go to a plain box, not a VERP token.
    fn return_path(&self) -> String {
        format!("bounce@{}", self.mail_domain)
    }

    /// The languages of a mail to a reader of `lang`: theirs (Japanese if it is
    /// no longer offered), then the first other offered one.
    pub(crate) fn languages(&self, lang: Lang) -> Vec<Lang> {
        let lang = self.offered.or_default(lang);
        std::iter::once(lang).chain(self.offered.second(lang)).collect()
    }
}

/// A confirmation mail's description of what was chosen, in each language the
/// mail is written in: municipalities and categories.
pub struct ChoiceSummary(pub Vec<(Lang, String, String)>);

impl ChoiceSummary {
    fn of(&self, lang: Lang) -> (&str, &str) {
        self.0.iter().find(|(l, _, _)| *l == lang).map_or(("", ""), |(_, towns, categories)| (towns, categories))
    }
}

fn compose(
    site: &MailSite<'_>,
    to: &EmailAddress,
    subject: &str,
    body: &str,
    message_id: String,
    now: DateTime<Utc>,
) -> OutgoingMessage {
    // Nobody has chosen a charset yet: what the address's phone can show.
    compose_in(site, to, subject, body, message_id, now, charset_before_choice(to))
}

/// A plain-text mail from the service to a resident, in `charset`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compose_in(
    site: &MailSite<'_>,
    to: &EmailAddress,
    subject: &str,
    body: &str,
    message_id: String,
    now: DateTime<Utc>,
    charset: kizuna_core::subscriber::Charset,
) -> OutgoingMessage {
    let (from_name, from_address) = (site.sender_name(), site.sender_address());
    let message = TextMessage {
        from_name: &from_name,
        from_address: &from_address,
        to: to.to_smtp(),
        subject,
        body,
        message_id: message_id.clone(),
        date: now,
        // Asked for by the resident, yet written by a machine: auto-generated
        // (RFC 3834), so no vacation responder answers it.
        extra_headers: vec![("Auto-Submitted".into(), "auto-generated".into())],
        charset,
    };
    OutgoingMessage {
        envelope: Envelope { from: site.return_path(), to: vec![to.to_smtp()] },
        message_id,
        bytes: message.to_bytes(),
    }
}

/// `subject` in the first language, then `short` in each of the others:
/// `【きずなメール】登録の確認のお願い / Please confirm your registration`.
pub(crate) fn subject_line(langs: &[Lang], subject: &str, short: &str) -> String {
    let mut line = String::new();
    for (i, lang) in langs.iter().enumerate() {
        if i == 0 {
            line.push_str(&texts::text(*lang, subject));
        } else {
            line.push_str(" / ");
            line.push_str(&texts::text(*lang, short));
        }
    }
    line
}

/// The body `key` in each language, the first as it is and each other one after
/// a line naming its language: `----- English -----`.
pub(crate) fn bodies(langs: &[Lang], key: &str, args: impl Fn(Lang) -> Vec<(&'static str, Arg<'static>)>) -> String {
    let mut body = String::new();
    for (i, lang) in langs.iter().enumerate() {
        if i > 0 {
            body.push_str(&format!("\n\n----- {} -----\n\n", texts::text(*lang, "locale-name")));
        }
        body.push_str(&texts::format(*lang, key, &args(*lang)));
    }
    body
}

/// The mail with the link that completes a registration.
#[allow(clippy::too_many_arguments)]
pub fn confirmation(
    site: &MailSite<'_>,
    to: &EmailAddress,
    lang: Lang,
    link: &str,
    summary: &ChoiceSummary,
    hours: i64,
    message_id: String,
    now: DateTime<Utc>,
) -> OutgoingMessage {
    let langs = site.languages(lang);
    let body = bodies(&langs, "mail-confirm-body", |lang| {
        let (towns, categories) = summary.of(lang);
        vec![
            ("consortium", site.directory.consortium_name(lang).to_owned().into()),
            ("hours", hours.into()),
            ("link", link.to_owned().into()),
            ("towns", towns.to_owned().into()),
            ("categories", categories.to_owned().into()),
        ]
    });
    let subject = subject_line(&langs, "mail-confirm-subject", "mail-confirm-subject-short");
    compose(site, to, &subject, &body, message_id, now)
}

/// The mail sent instead of a confirmation when the address is already
/// registered: the same page was shown, so only the mailbox owner learns this.
pub fn already_registered(
    site: &MailSite<'_>,
    to: &EmailAddress,
    lang: Lang,
    link: &str,
    days: i64,
    message_id: String,
    now: DateTime<Utc>,
) -> OutgoingMessage {
    let langs = site.languages(lang);
    let body = bodies(&langs, "mail-already-body", |lang| {
        vec![
            ("consortium", site.directory.consortium_name(lang).to_owned().into()),
            ("days", days.into()),
            ("link", link.to_owned().into()),
        ]
    });
    let subject = subject_line(&langs, "mail-already-subject", "mail-already-subject-short");
    compose(site, to, &subject, &body, message_id, now)
}
