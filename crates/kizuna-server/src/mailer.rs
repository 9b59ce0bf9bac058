//! Turns a notice and one claimed delivery into the message that resident gets:
//! their language, their charset and format, their own links, the municipality
//! as sender.

use kizuna_core::consortium::{Category, Municipality};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::OutgoingMessage;
use kizuna_mail::render::{
    NoticeMail, delivery_message_id, render as render_mail, unsubscribe_mailto, verp_return_path,
};
use kizuna_store::{ClaimedDelivery, Notice};

/// Names and addresses shared by every message of a batch.
pub struct MailContext {
    pub base_url: String,
    pub mail_domain: String,
    pub consortium_ja: String,
    pub consortium_en: String,
    pub municipalities: Vec<Municipality>,
    pub categories: Vec<Category>,
}

/// A notice's texts and sender, checked once per batch rather than per message.
pub struct PreparedNotice {
    id: i64,
    exercise: bool,
    from_name: String,
    from_address: EmailAddress,
    title: NoticeTitle,
    body: NoticeBody,
    english: Option<(NoticeTitle, NoticeBody)>,
}

impl MailContext {
    fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code.as_str() == code)
    }

    /// The municipality sends its own notices; a notice of several comes from
    /// the consortium. `None` when the stored notice no longer reads as valid.
    pub fn prepare(&self, notice: &Notice) -> Option<PreparedNotice> {
        let (from_name, local) = match notice.municipalities.as_slice() {
            [one] => match self.municipality(one) {
                Some(m) => (m.name_ja.clone(), m.sender_local.clone()),
                None => (self.consortium_ja.clone(), "info".to_owned()),
            },
            _ => (self.consortium_ja.clone(), "info".to_owned()),
        };
        let english = match (&notice.title_en, &notice.body_en) {
            (Some(title), Some(body)) => Some((NoticeTitle::parse(title).ok()?, NoticeBody::parse(body).ok()?)),
            _ => None,
        };
        Some(PreparedNotice {
            id: notice.id,
            exercise: notice.exercise,
            from_name,
            from_address: EmailAddress::parse(&format!("{local}@{}", self.mail_domain)).ok()?,
            title: NoticeTitle::parse(&notice.title).ok()?,
            body: NoticeBody::parse(&notice.body).ok()?,
            english,
        })
    }

    pub fn category_name(&self, key: &str, lang: Lang) -> Option<&str> {
        self.categories.iter().find(|c| c.key.as_str() == key).map(|c| c.name(lang))
    }
}

/// Renders one resident's message. `None` when the stored address no longer
/// parses (the delivery is then failed, not sent).
pub fn render(
    context: &MailContext,
    notice: &PreparedNotice,
    delivery: &ClaimedDelivery,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<OutgoingMessage> {
    let to = EmailAddress::parse(&delivery.email).ok()?;
    let (lang, title, body) = match (&notice.english, delivery.language) {
        (Some((title, body)), Lang::En) => (Lang::En, title, body),
        _ => (Lang::Ja, &notice.title, &notice.body),
    };
    let message_id = delivery_message_id(format_args!("n{}.d{}", notice.id, delivery.id), &context.mail_domain);
    let manage_url = format!("{}/manage/{token}", context.base_url);
    let unsubscribe_url = format!("{}/unsubscribe/{token}", context.base_url);
    let mail = NoticeMail {
        from_name: &notice.from_name,
        from_address: &notice.from_address,
        to: &to,
        title,
        body,
        format: delivery.format,
        charset: delivery.charset,
        exercise: notice.exercise,
        lang,
        message_id: &message_id,
        return_path: &verp_return_path(token, &context.mail_domain),
        manage_url: &manage_url,
        unsubscribe_url: &unsubscribe_url,
        unsubscribe_mailto: &unsubscribe_mailto(token, &context.mail_domain),
        date: now,
    };
    Some(render_mail(&mail))
}
