//! `kizuna check`: verifies a configuration without starting anything — the
//! database reachable and migrated, the relay answering, the mail domain's DNS
//! records, the JMA feeds reachable. One line per check; exit status 1 when a
//! line is a fault, else 0.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use kizuna_mail::smtp::{SmtpConfig, SmtpTransport};
use kizuna_server::config::Settings;
use kizuna_server::http_client;
use tokio::net::UdpSocket;

use crate::commands::CliError;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    /// Nothing to check: the feature is off or the answer cannot be had here.
    NotApplicable,
    /// Works, but mail may not reach residents, or links may be wrong.
    Warning,
    /// Kizuna would not work: an unreachable or unmigrated database, relay or feed.
    Fault,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Ok => "ok     ",
            Verdict::NotApplicable => "n/a    ",
            Verdict::Warning => "warning",
            Verdict::Fault => "FAULT  ",
        })
    }
}

struct Line {
    verdict: Verdict,
    what: String,
    said: String,
}

fn line(verdict: Verdict, what: impl Into<String>, said: impl Into<String>) -> Line {
    Line { verdict, what: what.into(), said: said.into() }
}

/// Runs every check, prints a line for each, and fails when one is a fault.
pub async fn run(settings: &Settings) -> Result<(), CliError> {
    let mut lines = vec![configuration(settings)];
    lines.push(database(settings).await);
    lines.push(relay(settings).await);
    lines.extend(mail_domain(&settings.mail_domain).await);
    lines.extend(feeds(settings).await);
    for line in &lines {
        println!("{}  {}: {}", line.verdict, line.what, line.said);
    }
    let faults = lines.iter().filter(|l| l.verdict == Verdict::Fault).count();
    if faults > 0 {
        return Err(CliError::Failed(format!("{faults} of {} checks found a fault", lines.len())));
    }
    Ok(())
}

fn configuration(settings: &Settings) -> Line {
    if settings.base_url_configured {
        line(Verdict::Ok, "configuration", format!("read; links in mail point at {}", settings.base_url))
    } else {
        line(
            Verdict::Warning,
            "configuration",
            format!("KIZUNA_BASE_URL is not set: links in mail would point at {}", settings.base_url),
        )
    }
}

async fn database(settings: &Settings) -> Line {
    let what = format!("database {}", settings.database_url_for_display());
    match kizuna_store::inspect(settings.database_url.expose()).await {
        Ok(None) => line(Verdict::Fault, what, "the file does not exist yet; `kizuna migrate` creates it"),
        Ok(Some(state)) if state.version > state.latest => line(
            Verdict::Fault,
            what,
            format!(
                "schema version {} is newer than this Kizuna knows ({}); run a newer Kizuna",
                state.version, state.latest
            ),
        ),
        Ok(Some(state)) if !state.is_current() => line(
            Verdict::Fault,
            what,
            format!("not migrated: lacks {}; run `kizuna migrate`", state.missing.join(", ")),
        ),
        Ok(Some(state)) => line(Verdict::Ok, what, format!("reachable, schema version {} (current)", state.version)),
        Err(error) => line(Verdict::Fault, what, format!("cannot be used: {error}")),
    }
}

async fn relay(settings: &Settings) -> Line {
    let Some(url) = &settings.smtp_url else {
        let outbox = settings.data_dir.join("outbox");
        return line(
            Verdict::NotApplicable,
            "mail relay",
            format!("KIZUNA_SMTP_URL is not set: mail is written to {}", outbox.display()),
        );
    };
    let transport = SmtpConfig::from_url(url.expose())
        .map(|config| config.with_helo_name(settings.mail_domain.clone()))
        .map_err(|e| e.to_string())
        .and_then(|config| {
            let relay = config.relay();
            SmtpTransport::new(config).map(|t| (relay, t)).map_err(|e| e.to_string())
        });
    let (relay, transport) = match transport {
        Ok(found) => found,
        Err(error) => return line(Verdict::Fault, "mail relay", format!("KIZUNA_SMTP_URL: {error}")),
    };
    let what = format!("mail relay {relay}");
    match transport.probe().await {
        Ok(offered) => line(Verdict::Ok, what, format!("answered EHLO ({offered})")),
        Err(error) => line(Verdict::Fault, what, error.to_string()),
    }
}

async fn feeds(settings: &Settings) -> Vec<Line> {
    if !settings.jma.enabled() {
        return vec![line(Verdict::NotApplicable, "JMA feeds", "the poller is off (KIZUNA_JMA_FEEDS is empty)")];
    }
    let mut lines = Vec::with_capacity(settings.jma.feeds.len());
    for url in &settings.jma.feeds {
        let outbound = &settings.outbound;
        let proxy =
            http_client::Target::parse(url).ok().filter(|t| t.https).and_then(|t| outbound.proxy_for(&t.host).cloned());
        let what = match proxy {
            Some(proxy) => format!("JMA feed {url} (through the proxy {proxy})"),
            None => format!("JMA feed {url}"),
        };
        let fetched = outbound.get(url, &[], 4 * 1024 * 1024, Duration::from_secs(15)).await;
        lines.push(match fetched {
            Ok(answer) if (200..300).contains(&answer.status) => {
                line(Verdict::Ok, what, format!("HTTP {} ({} bytes)", answer.status, answer.body.len()))
            }
            Ok(answer) => line(Verdict::Fault, what, format!("answered HTTP {}", answer.status)),
            Err(error) => line(Verdict::Fault, what, error.to_string()),
        });
    }
    lines
}

/// SPF and DMARC as DNS answers them: a warning when a record is missing, since
/// carriers (docomo, au, SoftBank) drop mail from domains without them.
async fn mail_domain(domain: &str) -> Vec<Line> {
    let Some(server) = nameserver() else {
        return vec![line(
            Verdict::NotApplicable,
            format!("mail domain {domain}"),
            "no nameserver in /etc/resolv.conf",
        )];
    };
    let mut lines = Vec::new();
    for (what, name, prefix) in
        [("SPF", domain.to_owned(), "v=spf1"), ("DMARC", format!("_dmarc.{domain}"), "v=DMARC1")]
    {
        let label = format!("mail domain {domain}: {what}");
        lines.push(match txt_records(server, &name).await {
            Err(reason) => line(Verdict::NotApplicable, label, format!("DNS did not answer ({reason})")),
            Ok(None) => line(
                Verdict::Warning,
                label,
                format!("the resolver says {name} does not exist: carriers may refuse the towns' mail"),
            ),
            Ok(Some(records)) => match records.iter().find(|r| r.starts_with(prefix)) {
                Some(record) => line(Verdict::Ok, label, record.clone()),
                None => line(
                    Verdict::Warning,
                    label,
                    format!("no {prefix} record at {name}: carriers may refuse the towns' mail"),
                ),
            },
        });
    }
    lines.push(line(
        Verdict::NotApplicable,
        format!("mail domain {domain}: DKIM"),
        "the relay signs; check its selector's record (selector._domainkey) there",
    ));
    lines
}

fn nameserver() -> Option<SocketAddr> {
    let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    conf.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .find_map(|address| address.trim().parse().ok())
        .map(|ip| SocketAddr::new(ip, 53))
}

/// The TXT records of `name`, asked of `server` over UDP; `None` when the name does not exist.
async fn txt_records(server: SocketAddr, name: &str) -> Result<Option<Vec<String>>, String> {
    let id = u16::try_from(std::process::id() & 0xffff).unwrap_or(1);
    let query = txt_query(id, name).ok_or("the name is not a DNS name")?;
    let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|_| "bind")?;
    let socket = UdpSocket::bind(bind).await.map_err(|e| e.to_string())?;
    socket.send_to(&query, server).await.map_err(|e| e.to_string())?;
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(3), socket.recv(&mut answer))
        .await
        .map_err(|_| "no answer within 3 s".to_owned())?
        .map_err(|e| e.to_string())?;
    parse_txt_answer(id, &answer[..read])
}

/// A DNS query (RFC 1035) for the TXT records of `name`, recursion desired.
fn txt_query(id: u16, name: &str) -> Option<Vec<u8>> {
    let mut query = Vec::with_capacity(name.len() + 18);
    query.extend_from_slice(&id.to_be_bytes());
    query.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.trim_end_matches('.').split('.') {
        let length = u8::try_from(label.len()).ok().filter(|n| (1..64).contains(n))?;
        query.push(length);
        query.extend_from_slice(label.as_bytes());
    }
    query.push(0);
    query.extend_from_slice(&[0, 16, 0, 1]);
    Some(query)
}

/// The TXT strings of an answer to [`txt_query`]; `None` when the name does not exist.
fn parse_txt_answer(id: u16, message: &[u8]) -> Result<Option<Vec<String>>, String> {
    let short = || "a short answer".to_owned();
    let u16_at = |at: usize| message.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(short);
    if u16_at(0)? != id {
        return Err("an answer to another question".into());
    }
    let flags = u16_at(2)?;
    match flags & 0x000f {
        0 => {}
        3 => return Ok(None),
        code => return Err(format!("the server answered with error {code}")),
    }
    let (questions, answers) = (u16_at(4)?, u16_at(6)?);
    let mut at = 12;
    for _ in 0..questions {
        at = skip_name(message, at).ok_or_else(short)? + 4;
    }
    let mut records = Vec::new();
    for _ in 0..answers {
        at = skip_name(message, at).ok_or_else(short)?;
        let kind = u16_at(at)?;
        let length = usize::from(u16_at(at + 8)?);
        let data = message.get(at + 10..at + 10 + length).ok_or_else(short)?;
        at += 10 + length;
        if kind != 16 {
            continue;
        }
        let mut text = Vec::with_capacity(length);
        let mut rest = data;
        while let Some((&n, tail)) = rest.split_first() {
            let piece = tail.get(..usize::from(n)).ok_or_else(short)?;
            text.extend_from_slice(piece);
            rest = &tail[usize::from(n)..];
        }
        records.push(String::from_utf8_lossy(&text).into_owned());
    }
    Ok(Some(records))
}

/// Where a (possibly compressed) name ends.
fn skip_name(message: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let length = *message.get(at)?;
        match length {
            0 => return Some(at + 1),
            n if n & 0xc0 == 0xc0 => return Some(at + 2),
            n => at += 1 + usize::from(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer as a resolver sends it: the question, then TXT records whose
    /// names point back at it (compression), one split in two strings.
    fn answer(id: u16, rcode: u8, records: &[&[&str]]) -> Vec<u8> {
        let query = txt_query(id, "town.example.jp").unwrap();
        let mut message = query.clone();
        message[2] = 0x81;
        message[3] = 0x80 | rcode;
        message[7] = u8::try_from(records.len()).unwrap();
        for strings in records {
            let data: Vec<u8> = strings.iter().flat_map(|s| [&[s.len() as u8][..], s.as_bytes()].concat()).collect();
            message.extend_from_slice(&[0xc0, 12, 0, 16, 0, 1, 0, 0, 1, 0]);
            message.extend_from_slice(&(data.len() as u16).to_be_bytes());
            message.extend_from_slice(&data);
        }
        message
    }

    #[test]
    fn a_query_names_the_domain_and_asks_for_txt() {
        let query = txt_query(7, "town.example.jp").unwrap();
        assert_eq!(&query[..4], &[0, 7, 1, 0]);
        assert_eq!(&query[12..], b"\x04town\x07example\x02jp\x00\x00\x10\x00\x01");
        assert_eq!(txt_query(7, &"a".repeat(64)), None, "a label longer than 63 bytes");
    }

    #[test]
    fn txt_records_are_read_whole_and_a_missing_name_has_none() {
        let message = answer(9, 0, &[&["v=spf1 include:", "_spf.example.jp -all"], &["google-site-verification=x"]]);
        assert_eq!(
            parse_txt_answer(9, &message).unwrap().unwrap(),
            ["v=spf1 include:_spf.example.jp -all", "google-site-verification=x"]
        );
        assert_eq!(parse_txt_answer(9, &answer(9, 0, &[])).unwrap(), Some(Vec::new()), "a name without TXT records");
        assert_eq!(parse_txt_answer(9, &answer(9, 3, &[])).unwrap(), None, "NXDOMAIN");
        assert!(parse_txt_answer(9, &answer(9, 2, &[])).is_err(), "SERVFAIL is no answer");
        assert!(parse_txt_answer(8, &message).is_err(), "another question's answer");
        assert!(parse_txt_answer(9, &message[..message.len() - 3]).is_err(), "cut short");
    }
}
