//! The mails a resident asks for on the web: the confirmation link of a new
//! registration and, for an address already registered, its manage link.
//! Both languages are always present (the chosen one first), because whoever
//! typed the address may not be whoever reads the mailbox.

use chrono::{DateTime, Utc};
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::message::{TextMessage, charset_before_choice};
use kizuna_mail::{Envelope, OutgoingMessage};

/// What every registration mail needs to know about the service.
pub struct MailSite<'a> {
    pub base_url: &'a str,
    pub mail_domain: &'a str,
    pub consortium_ja: &'a str,
    pub consortium_en: &'a str,
}

impl MailSite<'_> {
    fn sender_name(&self) -> String {
        format!("きずなメール（{}）", self.consortium_ja)
    }

    fn sender_address(&self) -> String {
        format!("info@{}", self.mail_domain)
    }

    /// Registration mails are not deliveries: bounces go to a plain box, not a VERP token.
    fn return_path(&self) -> String {
        format!("bounce@{}", self.mail_domain)
    }
}

/// A confirmation mail's description of what was chosen, in both languages.
pub struct ChoiceSummary {
    pub municipalities_ja: String,
    pub municipalities_en: String,
    pub categories_ja: String,
    pub categories_en: String,
}

fn compose(
    site: &MailSite<'_>,
    to: &EmailAddress,
    subject: &str,
    body: &str,
    message_id: String,
    now: DateTime<Utc>,
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
        // Nobody has chosen a charset yet: what the address's phone can show.
        charset: charset_before_choice(to),
    };
    OutgoingMessage {
        envelope: Envelope { from: site.return_path(), to: vec![to.to_smtp()] },
        message_id,
        bytes: message.to_bytes(),
    }
}

fn in_order(lang: Lang, ja: String, en: String) -> String {
    match lang {
        Lang::Ja => format!("{ja}\n\n----- English -----\n\n{en}"),
        Lang::En => format!("{en}\n\n----- 日本語 -----\n\n{ja}"),
    }
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
    let ja = format!(
        "きずなメール（{consortium}）への登録のお申し込みを受け付けました。\n\n\
         登録を完了するには、{hours}時間以内に次のリンクを開き、\n\
         表示されたページの「登録を完了する」ボタンを押してください。\n\n\
         {link}\n\n\
         お申し込みの内容\n\
         ・市町村: {towns}\n\
         ・受け取る情報: {categories}\n\n\
         お心当たりのない場合は、このメールを削除してください。\n\
         ボタンが押されないまま{hours}時間たつと、お申し込みは自動的に消去されます。",
        consortium = site.consortium_ja,
        towns = summary.municipalities_ja,
        categories = summary.categories_ja,
    );
    let en = format!(
        "We received a request to register this address for Kizuna alerts ({consortium}).\n\n\
         To complete it, open the link below within {hours} hours\n\
         and press the \"Complete registration\" button on that page.\n\n\
         {link}\n\n\
         What was chosen\n\
         - Municipalities: {towns}\n\
         - Information: {categories}\n\n\
         If you did not ask for this, please delete this mail.\n\
         Unless the button is pressed within {hours} hours, the request is erased.",
        consortium = site.consortium_en,
        towns = summary.municipalities_en,
        categories = summary.categories_en,
    );
    let subject = lang.pick(
        "【きずなメール】登録の確認のお願い / Please confirm your registration",
        "[Kizuna alerts] Please confirm your registration / 登録の確認のお願い",
    );
    compose(site, to, subject, &in_order(lang, ja, en), message_id, now)
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
    let ja = format!(
        "このメールアドレスは、すでにきずなメール（{consortium}）に登録されています。\n\
         登録のお申し込みがあったため、お知らせしています。\n\n\
         登録内容の確認・変更、配信の停止は、次のリンクから行えます（{days}日間有効）。\n\n\
         {link}\n\n\
         お心当たりのない場合は、このメールを削除してください。登録内容は変わっていません。",
        consortium = site.consortium_ja,
    );
    let en = format!(
        "This address is already registered for Kizuna alerts ({consortium}).\n\
         We are writing because someone asked to register it again.\n\n\
         To see or change your choices, or to stop these mails, open this link (valid for {days} days):\n\n\
         {link}\n\n\
         If you did not ask for this, please delete this mail. Nothing has been changed.",
        consortium = site.consortium_en,
    );
    let subject = lang.pick(
        "【きずなメール】すでに登録されています / You are already registered",
        "[Kizuna alerts] You are already registered / すでに登録されています",
    );
    compose(site, to, subject, &in_order(lang, ja, en), message_id, now)
}
