//! SMTP replies (RFC 5321 §4.2) read from the relay, and the extensions its
//! `EHLO` reply offers.

use std::fmt;

/// One reply, possibly of several lines; `text` keeps the lines without their codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn is_positive(&self) -> bool {
        (200..400).contains(&self.code)
    }

    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        for line in &self.lines {
            if !line.is_empty() {
                write!(f, " {line}")?;
            }
        }
        Ok(())
    }
}

/// The relay sent something that is not an SMTP reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an SMTP reply: {0}")]
pub struct MalformedReply(String);

/// A reply longer than this is taken as a broken relay rather than buffered on.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Reads one complete reply from the start of `input`: the reply and the bytes
/// it took, or `None` while its last line has not arrived yet.
pub fn parse_reply(input: &[u8]) -> Result<Option<(Reply, usize)>, MalformedReply> {
    let mut lines = Vec::new();
    let mut offset = 0;
    while let Some(length) = input[offset..].iter().position(|&b| b == b'\n') {
        let raw = &input[offset..offset + length];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        offset += length + 1;
        let code = line
            .get(..3)
            .filter(|digits| digits.iter().all(u8::is_ascii_digit) && (b'2'..=b'5').contains(&digits[0]))
            .map(|digits| digits.iter().fold(0u16, |code, digit| code * 10 + u16::from(digit - b'0')))
            .ok_or_else(|| MalformedReply(String::from_utf8_lossy(line).chars().take(80).collect()))?;
        let last = match line.get(3) {
            None | Some(b' ') => true,
            Some(b'-') => false,
            Some(_) => return Err(MalformedReply(String::from_utf8_lossy(line).chars().take(80).collect())),
        };
        lines.push(String::from_utf8_lossy(line.get(4..).unwrap_or_default()).into_owned());
        if last {
            return Ok(Some((Reply { code, lines }, offset)));
        }
    }
    if input.len() > MAX_REPLY_BYTES {
        return Err(MalformedReply(format!("a reply longer than {MAX_REPLY_BYTES} bytes")));
    }
    Ok(None)
}

/// What the relay's `EHLO` reply offers that the client makes use of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub pipelining: bool,
    pub starttls: bool,
    pub auth_plain: bool,
    pub auth_login: bool,
    pub eight_bit_mime: bool,
    pub smtputf8: bool,
    /// `SIZE` was offered; the number is the limit, 0 for none stated.
    pub size: Option<u64>,
}

impl Capabilities {
    pub fn from_ehlo(reply: &Reply) -> Self {
        let mut capabilities = Self::default();
        // The first line is the relay's greeting name, not an extension.
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else { continue };
            match keyword.to_ascii_uppercase().as_str() {
                "PIPELINING" => capabilities.pipelining = true,
                "STARTTLS" => capabilities.starttls = true,
                "8BITMIME" => capabilities.eight_bit_mime = true,
                "SMTPUTF8" => capabilities.smtputf8 = true,
                "SIZE" => capabilities.size = Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
                "AUTH" => {
                    for mechanism in words {
                        match mechanism.to_ascii_uppercase().as_str() {
                            "PLAIN" => capabilities.auth_plain = true,
                            "LOGIN" => capabilities.auth_login = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        capabilities
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_and_multiline_replies_are_read_whole() {
        let input = b"250-mail.example.jp\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 AUTH LOGIN PLAIN\r\n354 go";
        let (reply, used) = parse_reply(input).unwrap().unwrap();
        assert_eq!(reply.code, 250);
        assert_eq!(reply.lines, ["mail.example.jp", "PIPELINING", "SIZE 10240000", "AUTH LOGIN PLAIN"]);
        assert_eq!(&input[used..], b"354 go");
        assert_eq!(parse_reply(&input[used..]).unwrap(), None);

        let capabilities = Capabilities::from_ehlo(&reply);
        assert!(capabilities.pipelining && capabilities.auth_plain && capabilities.auth_login);
        assert!(!capabilities.starttls);
        assert_eq!(capabilities.size, Some(10_240_000));

        let (bare, _) = parse_reply(b"250\r\n").unwrap().unwrap();
        assert_eq!(bare.to_string(), "250");
        let (ok, _) = parse_reply(b"250 2.0.0 Ok: queued as 4ZQ\n").unwrap().unwrap();
        assert_eq!(ok.to_string(), "250 2.0.0 Ok: queued as 4ZQ");
    }

    #[test]
    fn a_partial_reply_waits_and_garbage_is_refused() {
        assert_eq!(parse_reply(b"250-first\r\n250 sec").unwrap(), None);
        assert!(parse_reply(b"HTTP/1.1 400 Bad Request\r\n").is_err());
        assert!(parse_reply(b"250+odd\r\n").is_err());
        assert!(parse_reply(&vec![b'2'; MAX_REPLY_BYTES + 1]).is_err());
    }
}
