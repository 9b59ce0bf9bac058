//! Turns a notice and one claimed delivery into the message that resident gets:
//! their language, their links, the municipality as sender.

use kizuna_core::consortium::{Category, Municipality};
use kizuna_core::notice::subject_line;
use kizuna_core::{EmailAddress, Lang};
use kizuna_mail::message::{TextMessage, mailbox};
use kizuna_mail::{Envelope, OutgoingMessage};
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

impl MailContext {
    fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.iter().find(|m| m.code.as_str() == code)
    }

    /// The municipality sends its own notices; a notice of several comes from the consortium.
    fn sender(&self, notice: &Notice) -> String {
        match notice.municipalities.as_slice() {
            [one] => match self.municipality(one) {
                Some(m) => mailbox(&m.name_ja, &format!("{}@{}", m.sender_local, self.mail_domain)),
                None => mailbox(&self.consortium_ja, &format!("info@{}", self.mail_domain)),
            },
            _ => mailbox(&self.consortium_ja, &format!("info@{}", self.mail_domain)),
        }
    }
}

/// The links a delivery's token opens.
pub struct Links {
    pub manage: String,
    pub unsubscribe: String,
    pub unsubscribe_mailto: String,
    pub return_path: String,
}

impl Links {
    pub fn new(context: &MailContext, token: &str) -> Self {
        Self {
            manage: format!("{}/manage/{token}", context.base_url),
            unsubscribe: format!("{}/unsubscribe/{token}", context.base_url),
            unsubscribe_mailto: format!("unsubscribe+{token}@{}", context.mail_domain),
            return_path: format!("bounce+{token}@{}", context.mail_domain),
        }
    }
}

pub fn message_id(notice_id: i64, delivery_id: i64, mail_domain: &str) -> String {
    format!("kizuna.n{notice_id}.d{delivery_id}@{mail_domain}")
}

/// Renders one resident's message. Returns `None` when the stored address no
/// longer parses (it is then failed, not sent).
pub fn render(
    context: &MailContext,
    notice: &Notice,
    delivery: &ClaimedDelivery,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<OutgoingMessage> {
    let to = EmailAddress::parse(&delivery.email).ok()?;
    let english = delivery.language == Lang::En && notice.title_en.is_some() && notice.body_en.is_some();
    let lang = if english { Lang::En } else { Lang::Ja };
    let title = if english { notice.title_en.as_deref().unwrap_or(&notice.title) } else { &notice.title };
    let body = if english { notice.body_en.as_deref().unwrap_or(&notice.body) } else { &notice.body };
    let links = Links::new(context, token);
    let towns: Vec<&str> =
        notice.municipalities.iter().filter_map(|c| context.municipality(c)).map(|m| m.name(lang)).collect();
    let category = context.categories.iter().find(|c| c.key.as_str() == notice.category).map_or("", |c| c.name(lang));
    let footer = match lang {
        Lang::Ja => format!(
            "\n\n--\n{}（{}）\n{}きずなメール\n配信内容の変更: {}\n配信の停止: {}\n",
            towns.join("・"),
            category,
            context.consortium_ja,
            links.manage,
            links.unsubscribe
        ),
        Lang::En => format!(
            "\n\n--\n{} ({})\nKizuna alerts, {}\nChange your choices: {}\nStop these mails: {}\n",
            towns.join(", "),
            category,
            context.consortium_en,
            links.manage,
            links.unsubscribe
        ),
    };
    let text = format!("{title}\n\n{body}{footer}");
    let subject = subject_line(title, notice.exercise, lang);
    let id = message_id(notice.id, delivery.id, &context.mail_domain);
    let message = TextMessage {
        from: context.sender(notice),
        to: to.to_smtp(),
        subject: &subject,
        body: &text,
        message_id: id.clone(),
        date: now,
        extra_headers: vec![
            ("List-Unsubscribe".into(), format!("<{}>, <mailto:{}>", links.unsubscribe, links.unsubscribe_mailto)),
            ("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into()),
            ("Precedence".into(), "bulk".into()),
        ],
    };
    Some(OutgoingMessage {
        envelope: Envelope { from: links.return_path, to: vec![to.to_smtp()] },
        message_id: id,
        bytes: message.to_bytes(),
    })
}
