//! A small RFC 5322 writer for Kizuna's own mails: UTF-8 text in base64 or
//! ISO-2022-JP in 7bit, with encoded-word headers, so no line ever passes 998
//! octets.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use kizuna_core::EmailAddress;
use kizuna_core::subscriber::Charset;

use crate::iso2022jp::{encode_header_iso2022jp, push_iso2022jp_body};

const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (RFC 4648 §4) with padding, as MIME wants it.
pub fn base64_std(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    push_base64(&mut out, bytes);
    out.into_iter().map(char::from).collect()
}

/// Appends standard padded base64 of `bytes` to `out`.
pub fn push_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let n = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        out.extend_from_slice(&[
            BASE64_ALPHABET[(n >> 18) as usize & 63],
            BASE64_ALPHABET[(n >> 12) as usize & 63],
            BASE64_ALPHABET[(n >> 6) as usize & 63],
            BASE64_ALPHABET[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend_from_slice(&[
                BASE64_ALPHABET[(n >> 18) as usize & 63],
                BASE64_ALPHABET[(n >> 12) as usize & 63],
            ]);
            out.extend_from_slice(b"==");
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[
                BASE64_ALPHABET[(n >> 18) as usize & 63],
                BASE64_ALPHABET[(n >> 12) as usize & 63],
                BASE64_ALPHABET[(n >> 6) as usize & 63],
                b'=',
            ]);
        }
        _ => {}
    }
}

/// Appends `bytes` as a base64 MIME body: lines of 76 characters, each ending
/// in CRLF.
pub fn push_base64_lines(out: &mut Vec<u8>, bytes: &[u8]) {
    // 57 bytes are exactly one 76-character line.
    out.reserve(bytes.len().div_ceil(57) * 78 + bytes.len() / 3 * 4);
    for line in bytes.chunks(57) {
        push_base64(out, line);
        out.extend_from_slice(b"\r\n");
    }
}

/// A header value that may hold non-ASCII text, as RFC 2047 encoded words of at
/// most 75 characters, split on character boundaries.
pub fn encode_header_text(text: &str) -> String {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) && !text.contains("=?") {
        return text.to_owned();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        // 45 bytes of UTF-8 become 60 base64 characters: with "=?UTF-8?B?" and "?=" that is 72.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64_std(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64_std(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// `"秩父市" <info@example.jp>` with the display name encoded.
pub fn mailbox(display_name: &str, address: &str) -> String {
    let name = display_name.replace(['"', '\\', '\r', '\n'], "");
    if name.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        format!("\"{name}\" <{address}>")
    } else {
        format!("{} <{address}>", encode_header_text(&name))
    }
}

/// `From:`/`To:` with the display name encoded in `charset`, quoted when it stays ASCII.
pub fn mailbox_in(charset: Charset, display_name: &str, address: &str) -> String {
    match charset {
        Charset::Utf8 => mailbox(display_name, address),
        Charset::Iso2022Jp => {
            let name = display_name.replace(['"', '\\', '\r', '\n'], "");
            let encoded = encode_header_iso2022jp(&name);
            if encoded.starts_with("=?") {
                format!("{encoded} <{address}>")
            } else {
                format!("\"{encoded}\" <{address}>")
            }
        }
    }
}

/// A header value in `charset`'s encoded words.
pub fn encode_header_in(charset: Charset, text: &str) -> String {
    match charset {
        Charset::Utf8 => encode_header_text(text),
        Charset::Iso2022Jp => encode_header_iso2022jp(text),
    }
}

/// The mobile carriers' mail domains (and their subdomains, such as
/// `d.vodafone.ne.jp` or `xx.pdx.ne.jp`) that older Japanese phones answer from.
const CARRIER_DOMAINS: &[&str] = &[
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "au.com",
    "softbank.ne.jp",
    "i.softbank.jp",
    "vodafone.ne.jp",
    "disney.ne.jp",
    "ymobile.ne.jp",
    "willcom.com",
    "pdx.ne.jp",
    "emnet.ne.jp",
];

/// The charset of a mail written before the resident chose one (the reply to
/// an empty mail, a confirmation link): ISO-2022-JP to a carrier address, which
/// every Japanese phone shows while an old one shows UTF-8 as garbage; UTF-8
/// elsewhere.
pub fn charset_before_choice(to: &EmailAddress) -> Charset {
    let domain = to.domain().to_ascii_lowercase();
    let carrier = CARRIER_DOMAINS
        .iter()
        .any(|carrier| domain == *carrier || domain.strip_suffix(carrier).is_some_and(|rest| rest.ends_with('.')));
    if carrier { Charset::Iso2022Jp } else { Charset::Utf8 }
}

/// Wraps base64 text at 76 characters per line.
pub fn wrap_base64(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38);
    for (i, c) in encoded.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push_str("\r\n");
        }
        out.push(c);
    }
    out
}

/// A plain-text mail in UTF-8 or ISO-2022-JP.
pub struct TextMessage<'a> {
    /// The sender's display name, written in the message's charset.
    pub from_name: &'a str,
    pub from_address: &'a str,
    pub to: String,
    pub subject: &'a str,
    pub body: &'a str,
    pub message_id: String,
    pub date: DateTime<Utc>,
    /// Further headers, already encoded: (`List-Unsubscribe`, `<…>`), …
    pub extra_headers: Vec<(String, String)>,
    pub charset: Charset,
}

impl TextMessage<'_> {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        let date = kizuna_core::time::to_tokyo(self.date).to_rfc2822();
        let from = mailbox_in(self.charset, self.from_name, self.from_address);
        let _ = write!(out, "Date: {date}\r\nFrom: {from}\r\nTo: {}\r\n", self.to);
        let _ = write!(out, "Subject: {}\r\n", encode_header_in(self.charset, self.subject));
        let _ = write!(out, "Message-ID: <{}>\r\nMIME-Version: 1.0\r\n", self.message_id);
        for (name, value) in &self.extra_headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        match self.charset {
            Charset::Utf8 => {
                out.push_str("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
                let body = self.body.replace("\r\n", "\n").replace('\n', "\r\n");
                out.push_str(&wrap_base64(&base64_std(body.as_bytes())));
                out.push_str("\r\n");
                out.into_bytes()
            }
            Charset::Iso2022Jp => {
                out.push_str(
                    "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
                );
                let mut bytes = out.into_bytes();
                push_iso2022jp_body(&mut bytes, self.body.trim_end());
                bytes.extend_from_slice(b"\r\n");
                bytes
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64_std(b""), "");
        assert_eq!(base64_std(b"f"), "Zg==");
        assert_eq!(base64_std(b"fo"), "Zm8=");
        assert_eq!(base64_std(b"foo"), "Zm9v");
        assert_eq!(base64_std(&[0xfb, 0xff, 0xfe]), "+//+");
        assert_eq!(base64_std(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn base64_bodies_break_every_76_characters() {
        let mut out = Vec::new();
        push_base64_lines(&mut out, &[0u8; 200]);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[..3].iter().all(|line| line.len() == 76));
        assert!(text.ends_with("AAA=\r\n"));
    }

    #[test]
    fn japanese_headers_become_short_encoded_words() {
        let subject = "【訓練】秩父市からのお知らせ：大雨警報が発表されました。避難の準備をしてください";
        let encoded = encode_header_text(subject);
        for line in encoded.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
        }
        assert!(encoded.starts_with("=?UTF-8?B?"));
        assert_eq!(encode_header_text("Plain"), "Plain");
        assert_eq!(mailbox("秩父市", "info@example.jp"), "=?UTF-8?B?56ep54i25biC?= <info@example.jp>");
    }

    #[test]
    fn no_line_of_a_message_exceeds_998_octets() {
        let body = "あ".repeat(5000);
        let message = TextMessage {
            from_name: "秩父市",
            from_address: "info@example.jp",
            to: "taro@example.jp".into(),
            subject: "件名",
            body: &body,
            message_id: "1@example.jp".into(),
            date: Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).single().unwrap_or_default(),
            extra_headers: vec![],
            charset: Charset::Utf8,
        };
        let bytes = message.to_bytes();
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert!(text.split("\r\n").all(|line| line.len() <= 998));
        assert!(text.contains("Subject: =?UTF-8?B?"));
        assert!(text.contains("Date: Wed, 25 Nov 2026 09:00:00 +0900"));
    }

    #[test]
    fn carrier_addresses_get_iso_2022_jp_before_a_resident_chooses() {
        let charset = |address: &str| EmailAddress::parse(address).map(|a| charset_before_choice(&a)).ok();
        for carrier in ["taro@docomo.ne.jp", "hanako@EZweb.ne.jp", "a@au.com", "b@i.softbank.jp", "c@d.vodafone.ne.jp"]
        {
            assert_eq!(charset(carrier), Some(Charset::Iso2022Jp), "{carrier}");
        }
        for other in ["taro@gmail.com", "x@notdocomo.ne.jp", "y@docomo.ne.jp.example.com", "z@city.chichibu.lg.jp"] {
            assert_eq!(charset(other), Some(Charset::Utf8), "{other}");
        }
    }

    #[test]
    fn an_iso_2022_jp_mail_is_seven_bit_and_reads_back_as_written() {
        let body =
            "秩父市のきずなメールです。\n登録はこちら: https://example.jp/register/mail/abc\n\nThis is Kizuna.\n";
        let message = TextMessage {
            from_name: "きずなメール",
            from_address: "info@example.jp",
            to: "taro@docomo.ne.jp".into(),
            subject: "【きずなメール】登録のご案内 / Registration",
            body,
            message_id: "2@example.jp".into(),
            date: Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).single().unwrap_or_default(),
            extra_headers: vec![],
            charset: Charset::Iso2022Jp,
        };
        let bytes = message.to_bytes();
        assert!(bytes.iter().all(|b| *b < 0x80), "7bit only");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Content-Type: text/plain; charset=ISO-2022-JP\r\n"), "{text}");
        assert!(text.contains("From: =?ISO-2022-JP?B?"), "{text}");
        let parsed = crate::inbound::parse_inbound(&bytes);
        assert_eq!(parsed.subject.as_deref(), Some("【きずなメール】登録のご案内 / Registration"));
        let read = parsed.text.map(|t| t.replace("\r\n", "\n"));
        assert_eq!(read.as_deref().map(str::trim_end), Some(body.trim_end()));
    }
}
