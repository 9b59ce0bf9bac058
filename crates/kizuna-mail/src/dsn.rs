//! Bounces: reading delivery status notifications (RFC 3464) and the older free-text reports
//! of Japanese carriers, and telling them from auto-replies.

use kizuna_core::EmailAddress;
use mail_parser::{Message, MessageParser, MimeHeaders};

use crate::inbound::{first_header, unfold};

/// What a mail to a `bounce+TOKEN` address says about the delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BounceKind {
    /// The address itself is gone (no such user, disabled, no such domain): counts toward
    /// suppression.
    Hard { status: String, recipient: Option<String>, diagnostic: Option<String> },
    /// Delayed or temporary, or a permanent failure that says nothing against the address
    /// (mailbox full, message too large, refused as spam by policy): does not count.
    Soft { status: String, recipient: Option<String>, diagnostic: Option<String> },
    /// A vacation message, an out-of-office notice or a read receipt.
    AutoReply,
    /// Anything else, including reports that claim to be RFC 3464 but lack the
    /// machine-readable part, as forged ones do.
    Unknown,
}

impl BounceKind {
    pub fn counts_toward_suppression(&self) -> bool {
        matches!(self, BounceKind::Hard { .. })
    }
}

/// Classifies a message received at a `bounce+TOKEN` address.
pub fn classify_bounce(raw: &[u8]) -> BounceKind {
    let Some(message) = MessageParser::default().parse(raw) else {
        return BounceKind::Unknown;
    };
    if let Some(status) = delivery_status(&message) {
        return from_delivery_status(&status);
    }
    match report_type(&message).as_deref() {
        // Every MTA that writes multipart/report includes the delivery-status part.
        Some("delivery-status") => return BounceKind::Unknown,
        Some("disposition-notification") => return BounceKind::AutoReply,
        _ => {}
    }
    let auto_reply = is_auto_reply(&message);
    if looks_like_text_bounce(&message, auto_reply) {
        let kind = from_text(&message);
        if kind != BounceKind::Unknown {
            return kind;
        }
    }
    if auto_reply { BounceKind::AutoReply } else { BounceKind::Unknown }
}

fn report_type(message: &Message<'_>) -> Option<String> {
    let content_type = message.content_type()?;
    let is_report = content_type.ctype().eq_ignore_ascii_case("multipart")
        && content_type.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"));
    is_report.then(|| content_type.attribute("report-type").unwrap_or_default().trim().to_ascii_lowercase())
}

/// The text of the first `message/delivery-status` (or its RFC 6533 UTF-8 form) part.
fn delivery_status(message: &Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|part| {
        let content_type = part.content_type()?;
        let subtype = content_type.subtype()?.to_ascii_lowercase();
        let is_status = content_type.ctype().eq_ignore_ascii_case("message")
            && (subtype == "delivery-status" || subtype == "global-delivery-status");
        is_status.then(|| String::from_utf8_lossy(part.contents()).into_owned())
    })
}

/// One group of `Name: value` fields of a delivery-status part, names lower-cased.
type FieldGroup = Vec<(String, String)>;

fn field_groups(text: &str) -> Vec<FieldGroup> {
    let mut groups = Vec::new();
    let mut group: FieldGroup = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

fn field<'a>(group: &'a FieldGroup, name: &str) -> Option<&'a str> {
    group.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str())
}

/// `rfc822; taro@example.jp` → `taro@example.jp`; `smtp; 550 …` → `550 …`.
fn without_type(value: &str) -> &str {
    value.split_once(';').map_or(value, |(_, rest)| rest).trim()
}

fn from_delivery_status(text: &str) -> BounceKind {
    let mut soft = None;
    for group in field_groups(text) {
        let Some(action) =
            field(&group, "action").map(|a| a.split_whitespace().next().unwrap_or_default().to_ascii_lowercase())
        else {
            continue;
        };
        let diagnostic = field(&group, "diagnostic-code").map(|d| without_type(d).to_owned()).filter(|d| !d.is_empty());
        let recipient = field(&group, "original-recipient")
            .or_else(|| field(&group, "final-recipient"))
            .map(|r| normalise_recipient(without_type(r)));
        let status = field(&group, "status")
            .and_then(enhanced_status)
            .or_else(|| diagnostic.as_deref().and_then(status_from_text));
        let kind = match (action.as_str(), status) {
            ("delivered" | "relayed" | "expanded", _) => continue,
            ("delayed", status) => Detail::new(status.unwrap_or_else(|| "4.0.0".into()), recipient, diagnostic).soft(),
            ("failed", None) => Detail::new("5.0.0".into(), recipient, diagnostic).permanent(),
            (_, None) => continue,
            (_, Some(status)) if status.starts_with('4') => Detail::new(status, recipient, diagnostic).soft(),
            (_, Some(status)) if status.starts_with('5') => Detail::new(status, recipient, diagnostic).permanent(),
            _ => continue,
        };
        match kind {
            BounceKind::Hard { .. } => return kind,
            kind => {
                soft.get_or_insert(kind);
            }
        }
    }
    soft.unwrap_or(BounceKind::Unknown)
}

struct Detail {
    status: String,
    recipient: Option<String>,
    diagnostic: Option<String>,
}

impl Detail {
    fn new(status: String, recipient: Option<String>, diagnostic: Option<String>) -> Self {
        Self { status, recipient, diagnostic }
    }

    fn soft(self) -> BounceKind {
        BounceKind::Soft { status: self.status, recipient: self.recipient, diagnostic: self.diagnostic }
    }

    fn hard(self) -> BounceKind {
        BounceKind::Hard { status: self.status, recipient: self.recipient, diagnostic: self.diagnostic }
    }

    /// A 5.x.x failure is hard only when it is about the address: a full mailbox, a message
    /// too large or a spam filter's refusal must not end a resident's subscription.
    fn permanent(self) -> BounceKind {
        if self.diagnostic.as_deref().is_some_and(says_no_such_user) {
            return self.hard();
        }
        let not_about_the_address = matches!(self.status.as_str(), "5.2.2" | "5.2.3" | "5.3.4" | "5.4.7")
            || self.status.starts_with("5.6.")
            || self.status.starts_with("5.7.")
            || self.diagnostic.as_deref().is_some_and(says_mailbox_full);
        if not_about_the_address { self.soft() } else { self.hard() }
    }
}

const NO_SUCH_USER: &[&str] = &[
    "user unknown",
    "unknown user",
    "no such user",
    "user not found",
    "no such mailbox",
    "mailbox not found",
    "no mailbox here",
    "recipient not found",
    "unknown recipient",
    "invalid recipient",
    "address does not exist",
    "does not exist",
    "account is disabled",
    "account disabled",
    "mailbox disabled",
    "宛先不明",
    "存在しません",
];

const MAILBOX_FULL: &[&str] = &[
    "mailbox full",
    "mailbox is full",
    "over quota",
    "quota exceeded",
    "exceeded storage",
    "insufficient storage",
    "容量",
];

fn says_no_such_user(text: &str) -> bool {
    let text = text.to_lowercase();
    NO_SUCH_USER.iter().any(|phrase| text.contains(phrase))
}

fn says_mailbox_full(text: &str) -> bool {
    let text = text.to_lowercase();
    MAILBOX_FULL.iter().any(|phrase| text.contains(phrase))
}

/// The first enhanced status code (RFC 3463) of class 2, 4 or 5 in `text`, such as `5.1.1`.
fn enhanced_status(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let boundary = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_none_or(|b| !b.is_ascii_digit() && *b != b'.');
    (0..bytes.len()).find_map(|start| {
        if !matches!(bytes.get(start), Some(b'2' | b'4' | b'5')) || !boundary(start.checked_sub(1)) {
            return None;
        }
        let mut end = start + 1;
        for _ in 0..2 {
            if bytes.get(end) != Some(&b'.') {
                return None;
            }
            let digits = bytes.get(end + 1..)?.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=3).contains(&digits) {
                return None;
            }
            end += 1 + digits;
        }
        if !boundary(Some(end)) {
            return None;
        }
        text.get(start..end).map(str::to_owned)
    })
}

/// A status from an SMTP reply in free text: the enhanced code if any, else the class of
/// a 4xx or 5xx reply code.
fn status_from_text(text: &str) -> Option<String> {
    if let Some(status) = enhanced_status(text).filter(|s| !s.starts_with('2')) {
        return Some(status);
    }
    text.split(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == '-').find_map(|word| {
        let bytes = word.as_bytes();
        match bytes {
            [class @ (b'4' | b'5'), b, c] if b.is_ascii_digit() && c.is_ascii_digit() => {
                Some(format!("{}.0.0", char::from(*class)))
            }
            _ => None,
        }
    })
}

fn normalise_recipient(address: &str) -> String {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    EmailAddress::parse(address).map(|a| a.to_string()).unwrap_or_else(|_| address.to_owned())
}

const DAEMONS: &[&str] = &["mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster"];

const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "returned mail",
    "delivery status notification",
    "delivery failure",
    "delivery failed",
    "failure notice",
    "mail delivery failed",
    "mail system error",
    "non-delivery",
    "nondeliverable",
    "could not be delivered",
    "配信エラー",
    "配送エラー",
    "送信エラー",
    "不達",
];

const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "auto:",
    "autoreply",
    "auto reply",
    "auto-reply",
    "automatic reply",
    "out of office",
    "out of the office",
    "vacation",
    "自動返信",
    "自動応答",
    "不在",
];

fn is_auto_reply(message: &Message<'_>) -> bool {
    let field = |name: &str| first_header(message, name).map(|value| value.to_ascii_lowercase());
    let auto_submitted =
        field("Auto-Submitted").is_some_and(|v| v.split(';').next().is_some_and(|keyword| keyword.trim() != "no"));
    let autoreply_field = ["X-Autoreply", "X-Autorespond", "X-Autoresponder"].iter().any(|name| field(name).is_some());
    let precedence = field("Precedence").is_some_and(|v| v.trim() == "auto_reply");
    let subject = message.subject().unwrap_or_default().trim().to_lowercase();
    let subject_says_so = AUTO_REPLY_SUBJECTS.iter().any(|prefix| subject.starts_with(prefix))
        || subject.starts_with('[')
            && AUTO_REPLY_SUBJECTS.iter().any(|p| subject.get(1..).is_some_and(|s| s.starts_with(p)));
    auto_submitted || autoreply_field || precedence || subject_says_so
}

fn looks_like_text_bounce(message: &Message<'_>, auto_reply: bool) -> bool {
    let from_daemon = message.from().and_then(|from| from.first()).and_then(|addr| addr.address()).is_some_and(|a| {
        let local = a.rsplit_once('@').map_or(a, |(local, _)| local).to_ascii_lowercase();
        DAEMONS.contains(&local.as_str())
    });
    let failed_recipients = first_header(message, "X-Failed-Recipients").is_some();
    let subject = message.subject().unwrap_or_default().to_lowercase();
    let bounce_subject = BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s));
    from_daemon || failed_recipients || (bounce_subject && !auto_reply)
}

/// Where the copy of the original message begins, which must not be read as the report: a
/// separator line of dashes with one of these phrases, or the copy's own header fields.
const SEPARATOR_PHRASES: &[&str] = &[
    "this is a copy of the message",
    "below this line is a copy of the message",
    "original message",
    "returned mail follows",
    "the original message",
];

fn starts_original_copy(line: &str) -> bool {
    let line = line.trim_start().to_ascii_lowercase();
    if line.starts_with('-') {
        let text = line.trim_start_matches(['-', ' ']);
        SEPARATOR_PHRASES.iter().any(|phrase| text.starts_with(phrase))
    } else {
        line.starts_with("received:") || line.starts_with("return-path:")
    }
}

fn from_text(message: &Message<'_>) -> BounceKind {
    let Some(body) = message.body_text(0) else {
        return BounceKind::Unknown;
    };
    let report: Vec<&str> = body.lines().take_while(|line| !starts_original_copy(line)).collect();
    let recipient = first_header(message, "X-Failed-Recipients")
        .and_then(|list| list.split(',').next().map(normalise_recipient))
        .or_else(|| report.iter().find_map(|line| bracketed_address(line)));
    let line_with = |test: &dyn Fn(&str) -> bool| report.iter().find(|line| test(line)).map(|line| unfold(line));
    let status = report.iter().find_map(|line| enhanced_status(line).filter(|s| !s.starts_with('2')));
    let coded_line = line_with(&|line: &str| status_from_text(line).is_some());
    if let Some(diagnostic) = line_with(&says_no_such_user) {
        let status = status.filter(|s| s.starts_with('5')).unwrap_or_else(|| "5.1.1".into());
        return Detail::new(status, recipient, Some(diagnostic)).hard();
    }
    if let Some(diagnostic) = line_with(&says_mailbox_full) {
        return Detail::new(status.unwrap_or_else(|| "4.2.2".into()), recipient, Some(diagnostic)).soft();
    }
    let status = status.or_else(|| coded_line.as_deref().and_then(status_from_text));
    let text = report.join("\n").to_lowercase();
    match status {
        Some(status) if status.starts_with('5') => Detail::new(status, recipient, coded_line).permanent(),
        Some(status) => Detail::new(status, recipient, coded_line).soft(),
        None if text.contains("permanent error") || text.contains("permanent fatal error") => {
            Detail::new("5.0.0".into(), recipient, None).hard()
        }
        None if text.contains("temporary") || text.contains("delayed") || text.contains("will keep trying") => {
            Detail::new("4.0.0".into(), recipient, None).soft()
        }
        None => BounceKind::Unknown,
    }
}

fn bracketed_address(line: &str) -> Option<String> {
    let start = line.find('<')?;
    let rest = line.get(start + 1..)?;
    let end = rest.find('>')?;
    let candidate = rest.get(..end)?;
    EmailAddress::parse(candidate).ok().map(|address| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enhanced_status_codes_are_found_but_not_inside_addresses_or_numbers() {
        assert_eq!(enhanced_status("550 5.1.1 <a@b.jp>: User unknown").as_deref(), Some("5.1.1"));
        assert_eq!(enhanced_status("5.2.2 (mailbox full)").as_deref(), Some("5.2.2"));
        assert_eq!(enhanced_status("4.4.1"), Some("4.4.1".into()));
        assert_eq!(enhanced_status("from 192.0.2.5 port 25"), None);
        assert_eq!(enhanced_status("version 15.2.1.3"), None);
        assert_eq!(enhanced_status("5.1."), None);
        assert_eq!(enhanced_status("3.1.1 or 5.1234.1"), None);
        assert_eq!(enhanced_status("(#5.1.1)").as_deref(), Some("5.1.1"));
    }

    #[test]
    fn reply_codes_give_a_class_when_no_enhanced_code_is_written() {
        assert_eq!(status_from_text("550 Unknown user taro@docomo.ne.jp").as_deref(), Some("5.0.0"));
        assert_eq!(status_from_text("said: 452-too busy").as_deref(), Some("4.0.0"));
        assert_eq!(status_from_text("Your mail of 1500 words"), None);
        assert_eq!(status_from_text("ok 250"), None);
    }

    #[test]
    fn folded_delivery_status_fields_are_joined() {
        let groups = field_groups(
            "Reporting-MTA: dns; mx.example.jp\r\n\r\nFinal-Recipient: rfc822; a@b.jp\r\n\
             Diagnostic-Code: smtp; 550 5.1.1\r\n    user unknown\r\n",
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups.get(1).and_then(|g| field(g, "diagnostic-code")), Some("smtp; 550 5.1.1 user unknown"));
    }

    #[test]
    fn a_failed_recipient_is_hard_only_when_the_address_is_at_fault() {
        let dsn = |status: &str, diagnostic: &str| {
            from_delivery_status(&format!(
                "Reporting-MTA: dns; mx.example.jp\n\nFinal-Recipient: rfc822; a@b.jp\nAction: failed\n\
                 Status: {status}\nDiagnostic-Code: smtp; {diagnostic}\n"
            ))
        };
        assert!(dsn("5.1.1", "550 5.1.1 no such user").counts_toward_suppression());
        assert!(dsn("5.2.1", "550 5.2.1 mailbox disabled").counts_toward_suppression());
        assert!(dsn("5.4.4", "no route to host").counts_toward_suppression());
        assert!(!dsn("5.2.2", "552 5.2.2 mailbox full").counts_toward_suppression());
        assert!(!dsn("5.7.1", "554 5.7.1 rejected as spam").counts_toward_suppression());
        assert!(dsn("5.7.1", "550 5.7.1 Unknown user").counts_toward_suppression());
        assert!(!dsn("5.0.0", "550 Mailbox is full").counts_toward_suppression());
        assert!(!dsn("4.2.2", "452 4.2.2 over quota").counts_toward_suppression());
    }
}
