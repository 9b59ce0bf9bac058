//! Turns a notice and one claimed delivery into the message that resident gets:
//! their language, their charset and format, their own links, the municipality
//! as sender.

use kizuna_core::check_in::CheckInAnswer;
use kizuna_core::lang::content_language;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::OutgoingMessage;
use kizuna_mail::render::{
    CheckInLinks, NoticeMail, delivery_message_id, render as render_mail, unsubscribe_mailto, verp_return_path,
};
use kizuna_store::{ClaimedDelivery, Notice};

use crate::config::Settings;
use crate::directory::ReferenceData;
use crate::links::MailLinks;

/// A notice's texts and sender, checked once per batch rather than per message.
pub struct PreparedNotice {
    id: i64,
    exercise: bool,
    from_name: String,
    from_address: EmailAddress,
    title: NoticeTitle,
    body: NoticeBody,
    english: Option<(NoticeTitle, NoticeBody)>,
    /// The mail carries the resident's check-in links: the notice asks, or
    /// follows up a check-in (a notice telling of a withdrawal does not).
    check_in: bool,
}

/// Checks a notice's texts and chooses its sender, once per batch. The
/// municipality sends its own notices; a notice of several comes from the
/// consortium. `None` when the stored notice no longer reads as valid.
pub fn prepare(directory: &ReferenceData, mail_domain: &str, notice: &Notice) -> Option<PreparedNotice> {
    let consortium = || (directory.consortium_name(Lang::JA).to_owned(), "info".to_owned());
    let (from_name, local) = match notice.municipalities.as_slice() {
        [one] => match directory.municipality(one) {
            Some(m) => (m.name_ja.clone(), m.sender_local.clone()),
            None => consortium(),
        },
        _ => consortium(),
    };
    let english = match (&notice.title_en, &notice.body_en) {
        (Some(title), Some(body)) => Some((title.clone(), body.clone())),
        _ => None,
    };
    Some(PreparedNotice {
        id: notice.id,
        exercise: notice.exercise,
        from_name,
        from_address: EmailAddress::parse(&format!("{local}@{mail_domain}")).ok()?,
        title: notice.title.clone(),
        body: notice.body.clone(),
        english,
        check_in: notice.check_in || notice.follow_up.is_some_and(|f| f.audience.asks_check_in()),
    })
}

/// Renders one resident's message. `None` when the stored address no longer
/// parses (the delivery is then failed, not sent).
pub fn render(
    settings: &Settings,
    notice: &PreparedNotice,
    delivery: &ClaimedDelivery,
    links: &MailLinks,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<OutgoingMessage> {
    let to = EmailAddress::parse(&delivery.email).ok()?;
    // The whole mail is in the version of the notice the resident reads (see
    // `content_language`): its marks and links too, so it reads in one language.
    let reader = settings.languages.or_default(delivery.language);
    let (lang, title, body) = match &notice.english {
        Some((title, body)) if content_language(reader, true) == Lang::EN => (Lang::EN, title, body),
        _ => (Lang::JA, &notice.title, &notice.body),
    };
    let message_id = delivery_message_id(format_args!("n{}.d{}", notice.id, delivery.id), &settings.mail_domain);
    let token = &links.resident;
    let manage_url = format!("{}/manage/{token}", settings.base_url);
    let unsubscribe_url = format!("{}/unsubscribe/{token}", settings.base_url);
    let check_in_urls = notice.check_in.then(|| {
        let url = |answer: CheckInAnswer| format!("{}/check-in/{token}/{}", settings.base_url, answer.as_str());
        (url(CheckInAnswer::Safe), url(CheckInAnswer::Help))
    });
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
        return_path: &verp_return_path(&links.bounce, &settings.mail_domain),
        manage_url: &manage_url,
        unsubscribe_url: &unsubscribe_url,
        unsubscribe_mailto: &unsubscribe_mailto(token, &settings.mail_domain),
        check_in: check_in_urls.as_ref().map(|(safe, help)| CheckInLinks { safe_url: safe, help_url: help }),
        date: now,
    };
    Some(render_mail(&mail))
}
