//! Per-recipient notice mails: one message for each resident, with their own
//! manage and unsubscribe links, in UTF-8 or in ISO-2022-JP for old phones.
//!
//! Rendering runs once per recipient of a fan-out (100,000 and more), so it
//! writes straight into the message buffer and copies the notice text as few
//! times as it can.

use std::borrow::Cow;
use std::io::Write as _;

use chrono::{DateTime, Utc};
use kizuna_core::notice::subject_line;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{EmailAddress, Lang};

use crate::iso2022jp::push_iso2022jp_body;
use crate::message::{encode_header_in, mailbox_in, push_base64_lines};
use crate::texts;
use crate::{Envelope, OutgoingMessage};

/// One notice as one resident gets it. Borrowed, so that a fan-out shares the
/// notice text and sender among all recipients.
#[derive(Debug, Clone)]
pub struct NoticeMail<'a> {
    /// The municipality or consortium that sends, e.g. 秩父市.
    pub from_name: &'a str,
    pub from_address: &'a EmailAddress,
    pub to: &'a EmailAddress,
    /// The notice title, in the resident's language; drills get 【訓練】 in front of it here.
    pub title: &'a NoticeTitle,
    /// The notice text, in the resident's language.
    pub body: &'a NoticeBody,
    /// Plain text only, or an HTML part as well.
    pub format: MailFormat,
    pub charset: Charset,
    pub exercise: bool,
    /// The resident's language, for the subject prefix and the footer.
    pub lang: Lang,
    /// Without angle brackets; the same on every attempt of one delivery, so
    /// that a message the relay got twice can be recognised.
    pub message_id: &'a str,
    /// `MAIL FROM`: see [`verp_return_path`].
    pub return_path: &'a str,
    pub manage_url: &'a str,
    /// The RFC 8058 one-click address (`POST` unsubscribes).
    pub unsubscribe_url: &'a str,
    /// The address part of the `mailto:` in `List-Unsubscribe`: see [`unsubscribe_mailto`].
    pub unsubscribe_mailto: &'a str,
    /// The resident's one-tap answers when the notice asks whether they are safe (安否確認).
    pub check_in: Option<CheckInLinks<'a>>,
    pub date: DateTime<Utc>,
}

/// A resident's own links to answer a safety check-in; each opens a page with
/// one button, so a mail scanner that follows them answers nothing.
#[derive(Debug, Clone, Copy)]
pub struct CheckInLinks<'a> {
    pub safe_url: &'a str,
    pub help_url: &'a str,
}

/// The VERP return path of one delivery, so a bounce names the delivery it is about.
pub fn verp_return_path(token: &str, mail_domain: &str) -> String {
    format!("bounce+{token}@{mail_domain}")
}

/// The address a resident's mail program writes to when they unsubscribe by mail.
pub fn unsubscribe_mailto(token: &str, mail_domain: &str) -> String {
    format!("unsubscribe+{token}@{mail_domain}")
}

/// A Message-ID that stays the same for every attempt of one delivery.
pub fn delivery_message_id(delivery_id: impl std::fmt::Display, mail_domain: &str) -> String {
    format!("delivery.{delivery_id}@{mail_domain}")
}

/// RFC 2045 boundaries cannot occur in base64; for 7bit ISO-2022-JP parts the
/// text is checked and the boundary lengthened if the text happens to hold it.
const BOUNDARY: &str = "=_kizuna_alternative";

/// Renders one resident's message.
pub fn render(mail: &NoticeMail<'_>) -> OutgoingMessage {
    let subject = subject_line(mail.title.as_str(), mail.exercise, mail.lang);
    let body_len = mail.body.as_str().len();
    let mut out =
        Vec::with_capacity(1024 + body_len * 2 + if mail.format == MailFormat::Html { body_len * 3 } else { 0 });
    write_headers(&mut out, mail, &subject);
    match mail.format {
        MailFormat::Text => {
            write_content_headers(&mut out, "text/plain", mail.charset);
            out.extend_from_slice(b"\r\n");
            write_text_body(&mut out, mail);
        }
        MailFormat::Html => {
            let mut text = Vec::with_capacity(body_len * 2 + 512);
            write_text_body(&mut text, mail);
            let mut html = Vec::with_capacity(body_len * 3 + 1024);
            write_html_body(&mut html, mail, &subject);
            let boundary = boundary_for(&[&text, &html]);
            let _ = write!(out, "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n");
            let _ = write!(out, "--{boundary}\r\n");
            write_content_headers(&mut out, "text/plain", mail.charset);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&text);
            let _ = write!(out, "--{boundary}\r\n");
            write_content_headers(&mut out, "text/html", mail.charset);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&html);
            let _ = write!(out, "--{boundary}--\r\n");
        }
    }
    OutgoingMessage {
        envelope: Envelope { from: mail.return_path.to_owned(), to: vec![mail.to.to_smtp()] },
        message_id: mail.message_id.to_owned(),
        bytes: out,
    }
}

/// Renders one resident's message and signs it with DKIM.
#[cfg(feature = "dkim")]
pub fn render_signed(
    mail: &NoticeMail<'_>,
    signer: &crate::dkim::DkimSigner,
) -> Result<OutgoingMessage, crate::dkim::DkimError> {
    let mut message = render(mail);
    signer.sign(&mut message)?;
    Ok(message)
}

fn write_headers(out: &mut Vec<u8>, mail: &NoticeMail<'_>, subject: &str) {
    let date = kizuna_core::time::to_tokyo(mail.date).to_rfc2822();
    let from = mailbox_in(mail.charset, mail.from_name, mail.from_address.as_str());
    let subject = encode_header_in(mail.charset, subject);
    let _ = write!(
        out,
        "Date: {date}\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n",
        to = mail.to.to_smtp(),
        id = mail.message_id,
    );
    let _ = write!(
        out,
        "List-Unsubscribe: <{}>,\r\n <mailto:{}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        mail.unsubscribe_url, mail.unsubscribe_mailto,
    );
    // Vacation and other auto-replies would go to the VERP return path and look
    // like bounces. RFC 3834 responders honour Auto-Submitted; older ones and
    // Exchange look at Precedence, which also marks the mail as one-to-many.
    out.extend_from_slice(b"Auto-Submitted: auto-generated\r\nPrecedence: bulk\r\n");
}

fn write_content_headers(out: &mut Vec<u8>, media_type: &str, charset: Charset) {
    let (charset, encoding) = match charset {
        Charset::Utf8 => ("UTF-8", "base64"),
        Charset::Iso2022Jp => ("ISO-2022-JP", "7bit"),
    };
    let _ = write!(out, "Content-Type: {media_type}; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n");
}

/// The boundary, lengthened until no part holds it.
fn boundary_for(parts: &[&[u8]]) -> String {
    let mut boundary = BOUNDARY.to_owned();
    let mut suffix = 0u32;
    while parts.iter().any(|part| part.windows(boundary.len()).any(|window| window == boundary.as_bytes())) {
        suffix += 1;
        boundary = format!("{BOUNDARY}_{suffix}");
    }
    boundary
}

/// The words of the links at the end of every mail.
fn link_labels(lang: Lang) -> (Cow<'static, str>, Cow<'static, str>) {
    (texts::text(lang, "footer-link-manage"), texts::text(lang, "footer-link-unsubscribe"))
}

/// The check-in's request and the words of its two links.
fn check_in_labels(lang: Lang) -> [Cow<'static, str>; 3] {
    ["check-in-request", "check-in-link-safe", "check-in-link-help"].map(|key| texts::text(lang, key))
}

/// Writes the plain-text part's body, the notice, the check-in's links when it
/// has one, and then the resident's own links, already in its transfer
/// encoding and ending in CRLF.
fn write_text_body(out: &mut Vec<u8>, mail: &NoticeMail<'_>) {
    let body = mail.body.as_str().trim_end();
    let (manage, unsubscribe) = link_labels(mail.lang);
    let check_in = match mail.check_in {
        Some(links) => {
            let [request, safe, help] = check_in_labels(mail.lang);
            format!("\n\n{request}\n{safe}:\n{}\n{help}:\n{}", links.safe_url, links.help_url)
        }
        None => String::new(),
    };
    let footer = format!(
        "{check_in}\n\n------------------------------\n{}\n{manage}: {}\n{unsubscribe}: {}\n",
        mail.from_name, mail.manage_url, mail.unsubscribe_url,
    );
    match mail.charset {
        Charset::Utf8 => {
            let mut text = Vec::with_capacity(body.len() + body.len() / 16 + footer.len() + 16);
            push_crlf(&mut text, body);
            push_crlf(&mut text, &footer);
            push_base64_lines(out, &text);
        }
        Charset::Iso2022Jp => {
            push_iso2022jp_body(out, body);
            push_iso2022jp_body(out, &footer);
        }
    }
}

/// Appends `text` with every line end (CRLF, LF or a lone CR) as CRLF.
fn push_crlf(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\r\n");
                start = i + 1;
            }
            b'\r' => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\r\n");
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The HTML part: the notice escaped, paragraphs kept, web addresses made
/// links, and the resident's own links at the end.
fn write_html_body(out: &mut Vec<u8>, mail: &NoticeMail<'_>, subject: &str) {
    let mut html = String::with_capacity(mail.body.as_str().len() * 2 + 1024);
    let charset = match mail.charset {
        Charset::Utf8 => "UTF-8",
        Charset::Iso2022Jp => "ISO-2022-JP",
    };
    html.push_str("<!DOCTYPE html>\n<html lang=\"");
    html.push_str(mail.lang.as_str());
    html.push_str("\">\n<head>\n<meta charset=\"");
    html.push_str(charset);
    html.push_str("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    push_escaped(&mut html, subject);
    html.push_str("</title>\n</head>\n<body>\n");
    push_body_html(&mut html, mail.body);
    if let Some(links) = mail.check_in {
        let [request, safe, help] = check_in_labels(mail.lang);
        html.push_str("<p><strong>");
        push_escaped(&mut html, &request);
        html.push_str("</strong></p>\n<p><a href=\"");
        push_escaped(&mut html, links.safe_url);
        html.push_str("\">");
        push_escaped(&mut html, &safe);
        html.push_str("</a></p>\n<p><a href=\"");
        push_escaped(&mut html, links.help_url);
        html.push_str("\">");
        push_escaped(&mut html, &help);
        html.push_str("</a></p>\n");
    }
    let (manage, unsubscribe) = link_labels(mail.lang);
    html.push_str("<hr>\n<p>");
    push_escaped(&mut html, mail.from_name);
    html.push_str("<br>\n<a href=\"");
    push_escaped(&mut html, mail.manage_url);
    html.push_str("\">");
    html.push_str(&manage);
    html.push_str("</a><br>\n<a href=\"");
    push_escaped(&mut html, mail.unsubscribe_url);
    html.push_str("\">");
    html.push_str(&unsubscribe);
    html.push_str("</a></p>\n</body>\n</html>\n");
    match mail.charset {
        Charset::Utf8 => {
            let mut crlf = Vec::with_capacity(html.len() + html.len() / 16);
            push_crlf(&mut crlf, &html);
            push_base64_lines(out, &crlf);
        }
        Charset::Iso2022Jp => push_iso2022jp_body(out, &html),
    }
}

/// The notice text as the HTML part shows it: escaped, a paragraph for each
/// block between blank lines, web addresses made links. Staff previews show
/// exactly this.
pub fn body_html(body: &NoticeBody) -> String {
    let mut html = String::with_capacity(body.as_str().len() * 2);
    push_body_html(&mut html, body);
    html
}

fn push_body_html(html: &mut String, body: &NoticeBody) {
    // NoticeBody has only LF line ends.
    let body = body.as_str();
    for paragraph in body.split("\n\n").map(|p| p.trim_matches('\n')).filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        for (i, line) in paragraph.split('\n').enumerate() {
            if i > 0 {
                html.push_str("<br>\n");
            }
            push_linked(html, line);
        }
        html.push_str("</p>\n");
    }
}

fn push_escaped(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            // Apostrophes stay: no attribute is single-quoted, and a numeric reference
            // would put "&#" into ISO-2022-JP parts.
            '"' => html.push_str("&quot;"),
            c => html.push(c),
        }
    }
}

/// Escapes a line of text and turns `http://` and `https://` addresses into links.
fn push_linked(html: &mut String, line: &str) {
    let mut rest = line;
    while let Some(start) = rest.find("https://").into_iter().chain(rest.find("http://")).min() {
        push_escaped(html, &rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
            .unwrap_or(candidate.len());
        let url = candidate[..end].trim_end_matches(['.', ',', ')', ';', ':', '!', '?']);
        html.push_str("<a href=\"");
        push_escaped(html, url);
        html.push_str("\">");
        push_escaped(html, url);
        html.push_str("</a>");
        rest = &candidate[url.len()..];
    }
    push_escaped(html, rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn body(text: &str) -> NoticeBody {
        NoticeBody::parse(text).unwrap()
    }

    struct Fixture {
        from: EmailAddress,
        to: EmailAddress,
        title: NoticeTitle,
        body: NoticeBody,
    }

    impl Fixture {
        fn new(to: &str) -> Self {
            Fixture {
                from: EmailAddress::parse("info@kizuna.example.jp").unwrap(),
                to: EmailAddress::parse(to).unwrap(),
                title: NoticeTitle::parse("大雨警報（秩父市）").unwrap(),
                body: body(
                    "大雨警報が発表されました。\n避難所を開設しました。\n\n詳しくは https://www.city.chichibu.lg.jp/bousai/ をご覧ください。",
                ),
            }
        }

        fn mail(&self) -> NoticeMail<'_> {
            NoticeMail {
                from_name: "秩父市",
                from_address: &self.from,
                to: &self.to,
                title: &self.title,
                body: &self.body,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                exercise: false,
                lang: Lang::JA,
                message_id: "delivery.42@kizuna.example.jp",
                return_path: "bounce+tok42@kizuna.example.jp",
                manage_url: "https://kizuna.example.jp/manage/tok42",
                unsubscribe_url: "https://kizuna.example.jp/unsubscribe/tok42",
                unsubscribe_mailto: "unsubscribe+tok42@kizuna.example.jp",
                check_in: None,
                date: Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap(),
            }
        }
    }

    /// The message split into header section and body, with folded headers unfolded.
    fn parse(bytes: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("no blank line after headers");
        let head = std::str::from_utf8(&bytes[..split]).expect("headers must be ASCII");
        assert!(head.is_ascii(), "non-ASCII header: {head}");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with(' ') {
                headers.last_mut().expect("fold without a header").1.push_str(line);
            } else {
                let (name, value) = line.split_once(": ").expect("header without ': '");
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        (headers, bytes[split + 4..].to_vec())
    }

    fn header<'h>(headers: &'h [(String, String)], name: &str) -> &'h str {
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).unwrap_or_else(|| {
            panic!("no {name} header");
        })
    }

    fn assert_lines_within_998(bytes: &[u8]) {
        for line in bytes.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= 998, "line of {} octets", line.len());
            assert!(!line.contains(&b'\r'), "bare CR");
        }
    }

    fn decode_base64(text: &[u8]) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for b in text.iter().filter(|b| !matches!(b, b'=' | b'\r' | b'\n')) {
            acc = acc << 6 | ALPHABET.iter().position(|a| a == b).expect("not base64") as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    /// Decodes RFC 2047 B-encoded words (UTF-8 or ISO-2022-JP) as a mail reader would.
    fn decode_words(value: &str) -> String {
        value
            .split_whitespace()
            .map(|word| {
                let inner = word.strip_prefix("=?").and_then(|w| w.strip_suffix("?=")).expect("not an encoded word");
                let mut parts = inner.splitn(3, '?');
                let (charset, _, payload) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
                let bytes = decode_base64(payload.as_bytes());
                let encoding = encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap();
                let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
                assert!(!had_errors);
                text.into_owned()
            })
            .collect()
    }

    /// The text of a single-part message.
    fn body_text(bytes: &[u8]) -> String {
        let (headers, body) = parse(bytes);
        match header(&headers, "Content-Transfer-Encoding") {
            "base64" => String::from_utf8(decode_base64(&body)).unwrap(),
            "7bit" => {
                let (text, had_errors) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(&body);
                assert!(!had_errors);
                text.into_owned()
            }
            other => panic!("unexpected encoding {other}"),
        }
    }

    #[test]
    fn headers_are_all_there() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        let message = render(&fixture.mail());
        let (headers, _) = parse(&message.bytes);
        assert_eq!(header(&headers, "Date"), "Wed, 25 Nov 2026 09:00:00 +0900");
        assert_eq!(decode_words(header(&headers, "Subject")), "大雨警報（秩父市）");
        assert_eq!(header(&headers, "From"), "=?UTF-8?B?56ep54i25biC?= <info@kizuna.example.jp>");
        assert_eq!(header(&headers, "To"), "taro@docomo.ne.jp");
        assert_eq!(header(&headers, "Message-ID"), "<delivery.42@kizuna.example.jp>");
        assert_eq!(header(&headers, "MIME-Version"), "1.0");
        assert_eq!(
            header(&headers, "List-Unsubscribe"),
            "<https://kizuna.example.jp/unsubscribe/tok42>, <mailto:unsubscribe+tok42@kizuna.example.jp>"
        );
        assert_eq!(header(&headers, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
        assert_eq!(header(&headers, "Auto-Submitted"), "auto-generated");
        assert_eq!(header(&headers, "Precedence"), "bulk");
        assert_eq!(header(&headers, "Content-Type"), "text/plain; charset=UTF-8");
        assert_eq!(message.envelope.from, "bounce+tok42@kizuna.example.jp");
        assert_eq!(message.envelope.to, vec!["taro@docomo.ne.jp".to_owned()]);
        assert_eq!(message.message_id, "delivery.42@kizuna.example.jp");
    }

    #[test]
    fn each_header_appears_once() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        let (headers, _) = parse(&render(&fixture.mail()).bytes);
        let mut names: Vec<String> = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn text_body_carries_the_notice_and_the_residents_own_links() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        let text = body_text(&render(&fixture.mail()).bytes);
        assert!(text.starts_with("大雨警報が発表されました。\r\n避難所を開設しました。\r\n\r\n"), "{text}");
        assert!(text.contains("配信内容の変更: https://kizuna.example.jp/manage/tok42\r\n"), "{text}");
        assert!(text.contains("配信の停止: https://kizuna.example.jp/unsubscribe/tok42\r\n"), "{text}");
        let english = NoticeMail { lang: Lang::EN, ..fixture.mail() };
        let text = body_text(&render(&english).bytes);
        assert!(text.contains("Unsubscribe: https://kizuna.example.jp/unsubscribe/tok42\r\n"), "{text}");
    }

    #[test]
    fn a_check_in_puts_the_residents_two_answer_links_in_every_part() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        let links = CheckInLinks {
            safe_url: "https://kizuna.example.jp/check-in/tok42/safe",
            help_url: "https://kizuna.example.jp/check-in/tok42/help",
        };
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            let mail = NoticeMail { charset, check_in: Some(links), ..fixture.mail() };
            let text = body_text(&render(&mail).bytes);
            assert!(text.contains("無事です:\r\nhttps://kizuna.example.jp/check-in/tok42/safe\r\n"), "{text}");
            assert!(text.contains("支援が必要です:\r\nhttps://kizuna.example.jp/check-in/tok42/help\r\n"), "{text}");
            let html = render(&NoticeMail { format: MailFormat::Html, ..mail });
            let html = String::from_utf8_lossy(&html.bytes).into_owned();
            let decoded: String = html
                .split("Content-Type: text/html")
                .nth(1)
                .map(|part| {
                    let part =
                        format!("Content-Type: text/html{}", part.split("--=_kizuna").next().unwrap_or_default());
                    body_text(part.as_bytes())
                })
                .unwrap();
            assert!(
                decoded.contains("<a href=\"https://kizuna.example.jp/check-in/tok42/help\">支援が必要です</a>"),
                "{decoded}"
            );
        }
        let text = body_text(&render(&fixture.mail()).bytes);
        assert!(!text.contains("/check-in/"), "a notice without a check-in has no such links: {text}");
    }

    #[test]
    fn drills_say_so_at_the_start_of_the_subject() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            let drill = NoticeMail { exercise: true, charset, ..fixture.mail() };
            let (headers, _) = parse(&render(&drill).bytes);
            let subject = decode_words(header(&headers, "Subject"));
            assert!(subject.starts_with("【訓練】大雨警報"), "{subject}");
        }
        let (headers, _) = parse(&render(&fixture.mail()).bytes);
        assert!(!decode_words(header(&headers, "Subject")).contains("訓練"));
    }

    #[test]
    fn legacy_carrier_addresses_are_quoted_in_to_and_rcpt_to() {
        let fixture = Fixture::new("taro..yamada.@docomo.ne.jp");
        let message = render(&fixture.mail());
        let (headers, _) = parse(&message.bytes);
        assert_eq!(header(&headers, "To"), "\"taro..yamada.\"@docomo.ne.jp");
        assert_eq!(message.envelope.to, vec!["\"taro..yamada.\"@docomo.ne.jp".to_owned()]);
    }

    #[test]
    fn old_phones_get_strict_iso_2022_jp() {
        let mut fixture = Fixture::new("hanako@ezweb.ne.jp");
        fixture.body = body("①髙﨑さん宅〜㈱秩父 ｶﾞｽ点検😀");
        let title = NoticeTitle::parse("お知らせ①").unwrap();
        let mail = NoticeMail { charset: Charset::Iso2022Jp, title: &title, ..fixture.mail() };
        let message = render(&mail);
        let (headers, _) = parse(&message.bytes);
        assert!(message.bytes.iter().all(|b| *b < 0x80), "8-bit byte in a 7bit message");
        assert_eq!(header(&headers, "Content-Type"), "text/plain; charset=ISO-2022-JP");
        assert_eq!(header(&headers, "Content-Transfer-Encoding"), "7bit");
        assert!(header(&headers, "From").starts_with("=?ISO-2022-JP?B?"));
        assert_eq!(decode_words(header(&headers, "From").split(" <").next().unwrap()), "秩父市");
        assert_eq!(decode_words(header(&headers, "Subject")), "お知らせ(1)");
        let text = body_text(&message.bytes);
        assert!(text.starts_with("(1)高崎さん宅\u{ff5e}(株)秩父 ガス点検\r\n"), "{text}");
        assert!(!text.contains("&#"));
    }

    #[test]
    fn no_line_exceeds_998_octets_in_any_form() {
        let mut fixture = Fixture::new("taro@docomo.ne.jp");
        fixture.body = body(&format!("{}\n{}", "ぬ".repeat(5000), "a".repeat(4000)));
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            for format in [MailFormat::Text, MailFormat::Html] {
                let message = render(&NoticeMail { charset, format, exercise: true, ..fixture.mail() });
                assert_lines_within_998(&message.bytes);
            }
        }
        let text = body_text(&render(&NoticeMail { charset: Charset::Iso2022Jp, ..fixture.mail() }).bytes);
        assert_eq!(text.replace("\r\n", "").matches('ぬ').count(), 5000);
    }

    #[test]
    fn html_part_follows_the_text_part_and_escapes_the_notice() {
        let mut fixture = Fixture::new("taro@docomo.ne.jp");
        fixture.body = body("<script>alert('x')</script> & 詳細: https://example.jp/a?b=1&c=2");
        for charset in [Charset::Utf8, Charset::Iso2022Jp] {
            let message = render(&NoticeMail { format: MailFormat::Html, charset, ..fixture.mail() });
            let (headers, body) = parse(&message.bytes);
            let content_type = header(&headers, "Content-Type");
            let boundary = content_type
                .strip_prefix("multipart/alternative; boundary=\"")
                .and_then(|b| b.strip_suffix('"'))
                .expect("multipart/alternative");
            let delimiter = format!("--{boundary}\r\n");
            let body = String::from_utf8(body).unwrap();
            let parts: Vec<&str> = body.split(&delimiter).skip(1).collect();
            assert_eq!(parts.len(), 2);
            assert!(parts[0].starts_with("Content-Type: text/plain"), "{}", parts[0]);
            assert!(parts[1].starts_with("Content-Type: text/html"), "{}", parts[1]);
            let html_part = parts[1].split(&format!("--{boundary}--")).next().unwrap();
            let html = body_text(html_part.as_bytes());
            assert!(!html.contains("<script>"), "{html}");
            assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp;"), "{html}");
            assert!(html.contains("<a href=\"https://example.jp/a?b=1&amp;c=2\">"), "{html}");
            assert!(html.contains("<a href=\"https://kizuna.example.jp/unsubscribe/tok42\">配信の停止</a>"), "{html}");
            assert!(body.ends_with(&format!("--{boundary}--\r\n")));
        }
    }

    #[test]
    fn boundary_never_occurs_in_a_part() {
        let mut fixture = Fixture::new("taro@docomo.ne.jp");
        fixture.body = body(&format!("--{BOUNDARY}\n--{BOUNDARY}_1"));
        let message = render(&NoticeMail { format: MailFormat::Html, charset: Charset::Iso2022Jp, ..fixture.mail() });
        let (headers, _) = parse(&message.bytes);
        assert!(header(&headers, "Content-Type").ends_with(&format!("boundary=\"{BOUNDARY}_2\"")));
    }

    #[test]
    fn line_ends_of_every_kind_become_crlf() {
        let mut out = Vec::new();
        push_crlf(&mut out, "a\nb\r\nc\rd\r");
        assert_eq!(out, b"a\r\nb\r\nc\r\nd\r\n");
    }

    #[test]
    fn helpers_build_the_addresses_inbound_mail_expects() {
        assert_eq!(verp_return_path("t0k", "mail.example.jp"), "bounce+t0k@mail.example.jp");
        assert_eq!(unsubscribe_mailto("t0k", "mail.example.jp"), "unsubscribe+t0k@mail.example.jp");
        assert_eq!(delivery_message_id(42, "mail.example.jp"), "delivery.42@mail.example.jp");
    }

    /// Not a timing assertion: prints how long 10,000 renders take, so a change
    /// that makes fan-out rendering slow shows up in the test log.
    #[test]
    fn ten_thousand_renders() {
        let fixture = Fixture::new("taro@docomo.ne.jp");
        let body = body(&fixture.body.as_str().repeat(8));
        let recipients: Vec<EmailAddress> =
            (0..10_000).map(|i| EmailAddress::parse(&format!("user{i}@docomo.ne.jp")).unwrap()).collect();
        let ids: Vec<String> = (0..10_000).map(|i| delivery_message_id(i, "kizuna.example.jp")).collect();
        let started = std::time::Instant::now();
        let mut bytes = 0;
        for (i, (to, id)) in recipients.iter().zip(&ids).enumerate() {
            let charset = if i % 10 == 0 { Charset::Iso2022Jp } else { Charset::Utf8 };
            let format = if i % 4 == 0 { MailFormat::Html } else { MailFormat::Text };
            let message = render(&NoticeMail { to, message_id: id, charset, format, body: &body, ..fixture.mail() });
            assert_eq!(message.envelope.to[0], to.as_str());
            bytes += message.bytes.len();
        }
        let elapsed = started.elapsed();
        println!(
            "rendered 10000 messages ({} KiB) in {:.3} s: {:.0} messages/s",
            bytes / 1024,
            elapsed.as_secs_f64(),
            10_000.0 / elapsed.as_secs_f64()
        );
    }
}
