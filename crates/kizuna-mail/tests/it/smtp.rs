//! The SMTP transport against a real third-party SMTP server: aiosmtpd, run by
//! `tests/smtp_server.py` and scripted to refuse, stall or hang up.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kizuna_mail::smtp::{SmtpConfig, SmtpTransport};
use kizuna_mail::{Envelope, MailError, OutgoingMessage, Transport};
use serde_json::Value;

use crate::relay::{Relay, scratch_dir};

fn transport(url: &str, connections: usize) -> SmtpTransport {
    transport_with(url, connections, |_| {})
}

/// A transport whose settings `adjust` changes (a quota per connection, a shorter timeout).
fn transport_with(url: &str, connections: usize, adjust: impl FnOnce(&mut SmtpConfig)) -> SmtpTransport {
    let mut config = SmtpConfig::from_url(url)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_connections(connections)
        .with_helo_name("kizuna.test");
    adjust(&mut config);
    SmtpTransport::new(config).unwrap_or_else(|e| panic!("{e}"))
}

fn message(n: usize, from: &str, to: &[&str], body: &str) -> OutgoingMessage {
    let message_id = format!("n{n}.kizuna@city.example.jp");
    let bytes = format!(
        "From: =?UTF-8?B?56ep54i25biC?= <noreply@city.example.jp>\r\nTo: {}\r\nSubject: notice {n}\r\n\
         Message-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\r\n{body}",
        to.join(", ")
    );
    OutgoingMessage {
        envelope: Envelope { from: from.to_owned(), to: to.iter().map(|to| (*to).to_owned()).collect() },
        message_id,
        bytes: bytes.into_bytes(),
    }
}

fn peers(messages: &[Value]) -> HashSet<String> {
    messages.iter().map(|m| m["peer"].to_string()).collect()
}

async fn delivers_envelope_and_content_intact(relay: &Relay) {
    let smtp = transport(&relay.url(), 2);
    let sent = [
        message(1, "bounce+d1@city.example.jp", &["\"taro..yamada.\"@docomo.ne.jp"], "quoted legacy address\r\n"),
        message(
            2,
            "",
            &["hanako@example.jp"],
            "null sender\r\n.a line starting with a dot\r\n..and two\r\n.\r\nend\r\n",
        ),
        message(3, "bounce+d3@city.example.jp", &["a@example.jp", "b@example.jp"], "two recipients\r\n"),
        message(4, "bounce+d4@city.example.jp", &["c@example.jp"], ".\r\n"),
    ];
    for message in &sent {
        let reply = smtp.send(message).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(reply.starts_with("250 2.0.0 Ok: queued as K"), "{reply}");
    }
    let received = relay.messages();
    assert_eq!(received.len(), sent.len());
    for (message, got) in sent.iter().zip(&received) {
        // As written on the wire: aiosmtpd itself takes the quotes off.
        let rcpt_commands: Vec<_> = message.envelope.to.iter().map(|to| format!("TO:<{to}>")).collect();
        assert_eq!(got["rcpt_commands"], serde_json::json!(rcpt_commands));
        let mail_command = format!("FROM:<{}> SIZE={}", message.envelope.from, message.bytes.len());
        assert_eq!(got["mail_command"], mail_command);
        assert_eq!(got["data"], String::from_utf8_lossy(&message.bytes).into_owned());
    }
    assert_eq!(peers(&received).len(), 1, "one connection reused for messages sent one after another");
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn pipelined_messages_arrive_with_envelope_and_content_intact() {
    let relay = Relay::start(&["--pipelining"]);
    delivers_envelope_and_content_intact(&relay).await;
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn without_pipelining_messages_arrive_with_envelope_and_content_intact() {
    let relay = Relay::start(&[]);
    delivers_envelope_and_content_intact(&relay).await;
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_4xx_is_temporary_a_5xx_permanent_and_the_connection_goes_on() {
    for options in [&["--pipelining"][..], &[]] {
        let relay = Relay::start(options);
        let smtp = transport(&relay.url(), 1);
        let from = "bounce@city.example.jp";

        let deferred = smtp.send(&message(1, from, &["temp-full@example.jp"], "x\r\n")).await;
        assert!(matches!(&deferred, Err(MailError::Temporary(reason)) if reason.starts_with("451")), "{deferred:?}");
        let bounced = smtp.send(&message(2, from, &["hard-gone@example.jp"], "x\r\n")).await;
        assert!(matches!(&bounced, Err(MailError::Permanent(reason)) if reason.starts_with("550")), "{bounced:?}");
        let mixed = smtp.send(&message(3, from, &["ok@example.jp", "hard-gone@example.jp"], "x\r\n")).await;
        assert!(matches!(&mixed, Err(MailError::Permanent(_))), "{mixed:?}");
        smtp.send(&message(4, from, &["ok@example.jp"], "delivered\r\n")).await.unwrap();

        let received = relay.messages();
        assert_eq!(received.len(), 1, "{options:?}: only the accepted message arrives: {received:?}");
        assert_eq!(received[0]["rcpt_tos"], serde_json::json!(["ok@example.jp"]));
        // A message half accepted after pipelined DATA has to be aborted by hanging up.
        let expected_connections = if options.is_empty() { 1 } else { 2 };
        assert!(peers(&received).len() <= expected_connections);
    }
}

fn subject_numbers(received: &[Value]) -> Vec<String> {
    received
        .iter()
        .filter_map(|m| m["data"].as_str()?.lines().find_map(|l| l.strip_prefix("Subject: notice ").map(str::to_owned)))
        .collect()
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_share_sent_over_one_connection_is_answered_in_order_refusals_included() {
    let relay = Relay::start(&["--pipelining"]);
    let smtp = transport_with(&relay.url(), 1, |c| c.messages_per_connection = 3);
    let from = "bounce@city.example.jp";
    let share = [
        message(0, from, &["ok0@example.jp"], "first\r\n"),
        message(1, from, &["temp-full@example.jp"], "x\r\n"),
        message(2, from, &["ok2@example.jp"], ".a dot first\r\n"),
        message(3, from, &["hard-gone@example.jp"], "x\r\n"),
        message(4, from, &["ok4@example.jp"], "x\r\n"),
        message(5, from, &["ok5@example.jp", "hard-gone@example.jp"], "half accepted\r\n"),
        message(6, from, &["ok6@example.jp"], "x\r\n"),
        message(7, from, &["line\r\nbreak@example.jp"], "x\r\n"),
        message(8, from, &["ok8@example.jp"], "last\r\n"),
    ];
    let answers = smtp.send_all(&share).await;
    let kinds: Vec<&str> = answers
        .iter()
        .map(|answer| match answer {
            Ok(_) => "ok",
            Err(MailError::Temporary(_)) => "temporary",
            Err(MailError::Permanent(_)) => "permanent",
            Err(MailError::Unavailable(_)) => "unavailable",
        })
        .collect();
    assert_eq!(
        kinds,
        ["ok", "temporary", "ok", "permanent", "ok", "permanent", "ok", "permanent", "ok"],
        "{answers:?}"
    );
    let received = relay.messages();
    assert_eq!(subject_numbers(&received), ["0", "2", "4", "6", "8"], "accepted ones arrive once, in order");
    for got in &received {
        let n: usize = subject_numbers(std::slice::from_ref(got))[0].parse().unwrap();
        assert_eq!(got["data"], String::from_utf8_lossy(&share[n].bytes).into_owned());
    }
    // Three messages per connection; the half-accepted one had to hang up.
    assert!(peers(&received).len() >= 2, "{received:?}");
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_share_goes_on_over_a_fresh_connection_when_the_relay_hangs_up_or_stalls() {
    let relay = Relay::start(&["--pipelining", "--drop-after", "2"]);
    let smtp = transport(&relay.url(), 1);
    let share: Vec<_> = (0..7).map(|n| message(n, "b@city.example.jp", &["a@example.jp"], "x\r\n")).collect();
    // A hang-up after a content went out leaves it unknown: deferred, never
    // lost; sent again (as the workers do later) until the relay has them all.
    let mut pending = share.clone();
    for _ in 0..5 {
        let answers = smtp.send_all(&pending).await;
        let mut again = Vec::new();
        for (message, answer) in pending.iter().zip(&answers) {
            match answer {
                Ok(_) => {}
                Err(MailError::Temporary(reason)) if reason.contains("may have it") => again.push(message.clone()),
                Err(other) => panic!("{other}: {answers:?}"),
            }
        }
        assert!(again.len() < pending.len(), "every round gets some through: {answers:?}");
        pending = again;
        if pending.is_empty() {
            break;
        }
    }
    assert!(pending.is_empty());
    let mut arrived = subject_numbers(&relay.messages());
    arrived.sort();
    assert_eq!(arrived, ["0", "1", "2", "3", "4", "5", "6"], "each message arrived once");

    let relay = Relay::start(&["--pipelining", "--stall-after", "1"]);
    let smtp = transport_with(&relay.url(), 1, |c| c.data_timeout = Duration::from_millis(500));
    let answers = smtp.send_all(&share[..3]).await;
    assert!(answers[0].is_ok(), "{answers:?}");
    for stalled in &answers[1..] {
        assert!(matches!(stalled, Err(MailError::Temporary(reason)) if reason.contains("may have it")), "{answers:?}");
    }
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_stopped_relay_defers_mail_and_a_restarted_one_takes_it_again() {
    let relay = Relay::start(&["--pipelining"]);
    let smtp = transport(&relay.url(), 2);
    let from = "bounce@city.example.jp";
    smtp.send(&message(1, from, &["a@example.jp"], "before\r\n")).await.unwrap();

    let (dir, port) = relay.stop();
    for n in 2..4 {
        let deferred = smtp.send(&message(n, from, &["a@example.jp"], "while down\r\n")).await;
        assert!(matches!(deferred, Err(MailError::Unavailable(_))), "{deferred:?}");
    }

    let relay = Relay::start_in(dir, port, &["--pipelining"]);
    smtp.send(&message(4, from, &["a@example.jp"], "after\r\n")).await.unwrap();
    let bodies: Vec<_> = relay.messages().iter().map(|m| m["data"].as_str().unwrap().to_owned()).collect();
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].ends_with("before\r\n") && bodies[1].ends_with("after\r\n"), "{bodies:?}");
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn connections_the_relay_closed_are_replaced_without_losing_a_message() {
    let relay = Relay::start(&["--pipelining", "--drop-after", "2"]);
    let smtp = transport(&relay.url(), 1);
    for n in 0..7 {
        // Let the relay's hang-up arrive, as an idle timeout would between messages.
        tokio::time::sleep(Duration::from_millis(20)).await;
        smtp.send(&message(n, "bounce@city.example.jp", &["a@example.jp"], "x\r\n")).await.unwrap();
    }
    let received = relay.messages();
    assert_eq!(received.len(), 7);
    assert_eq!(peers(&received).len(), 4, "two messages per connection, then a fresh one");
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_connection_says_quit_after_its_quota_and_a_fresh_one_goes_on() {
    let relay = Relay::start(&["--pipelining"]);
    let smtp = transport_with(&relay.url(), 1, |c| c.messages_per_connection = 3);
    for n in 0..7 {
        smtp.send(&message(n, "b@city.example.jp", &["a@example.jp"], "x\r\n")).await.unwrap();
    }
    let received = relay.messages();
    assert_eq!(received.len(), 7);
    assert_eq!(peers(&received).len(), 3);
}

#[tokio::test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn a_relay_that_stalls_is_a_temporary_failure() {
    let relay = Relay::start(&["--pipelining", "--stall-after", "1"]);
    let smtp = transport_with(&relay.url(), 1, |c| c.data_timeout = Duration::from_millis(500));
    smtp.send(&message(1, "b@city.example.jp", &["a@example.jp"], "x\r\n")).await.unwrap();
    let started = Instant::now();
    let stalled = smtp.send(&message(2, "b@city.example.jp", &["a@example.jp"], "x\r\n")).await;
    assert!(matches!(&stalled, Err(MailError::Temporary(reason)) if reason.contains("may have it")), "{stalled:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn many_tasks_share_few_connections_and_every_message_arrives_once() {
    let relay = Relay::start(&["--pipelining"]);
    let smtp = Arc::new(transport(&relay.url(), 4));
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (smtp, next) = (smtp.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= 200 {
                    break;
                }
                let to = format!("member{n}@example.jp");
                smtp.send(&message(n, "bounce@city.example.jp", &[&to], &format!("for {n}\r\n"))).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let received = relay.messages();
    assert_eq!(received.len(), 200);
    let recipients: HashSet<_> = received.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap().to_owned()).collect();
    assert_eq!(recipients, (0..200).map(|n| format!("member{n}@example.jp")).collect());
    assert!(peers(&received).len() <= 4, "{} connections", peers(&received).len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
async fn an_emergency_does_not_wait_while_every_connection_carries_a_large_send() {
    let relay = Relay::start(&["--pipelining"]);
    const BULK: usize = 2000;
    let smtp = Arc::new(transport_with(&relay.url(), 1, |c| c.messages_per_connection = BULK as u32));
    let bulk: Vec<_> = (0..BULK).map(|n| message(n, "b@city.example.jp", &["member@example.jp"], "bulk\r\n")).collect();
    let answered = Arc::new(AtomicUsize::new(0));
    let large_send = tokio::spawn({
        let (smtp, answered) = (smtp.clone(), answered.clone());
        async move {
            smtp.send_each(&bulk, &mut |answer| {
                assert!(answer.is_ok(), "{answer:?}");
                answered.fetch_add(1, Ordering::Relaxed);
            })
            .await
        }
    });
    // The one connection is taken: the large send's first messages are answered.
    while answered.load(Ordering::Relaxed) == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let emergency = [message(BULK, "b@city.example.jp", &["resident@example.jp"], "evacuate\r\n")];
    let mut answers = Vec::new();
    smtp.send_urgent(&emergency, &mut |answer| answers.push(answer)).await;
    let bulk_done_by_then = answered.load(Ordering::Relaxed);
    assert!(matches!(answers.as_slice(), [Ok(_)]), "{answers:?}");
    assert!(bulk_done_by_then < BULK, "the emergency waited for the whole large send");
    large_send.await.unwrap();
    let received = relay.messages();
    assert_eq!(received.len(), BULK + 1);
    let emergency = received.iter().position(|m| m["rcpt_tos"][0] == "resident@example.jp").unwrap();
    assert!(emergency < BULK, "the relay took the emergency last");
    assert_eq!(peers(&received).len(), 2, "one connection for the large send, one more for the emergency");
}

#[cfg(feature = "tls")]
mod tls {
    use super::*;

    /// A private CA and a certificate for 127.0.0.1 signed by it, made with openssl.
    fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
        let openssl = |args: &[&str]| {
            let status =
                Command::new("openssl").args(args).current_dir(dir).stdin(Stdio::null()).stderr(Stdio::null()).status();
            assert!(status.is_ok_and(|s| s.success()), "this test needs openssl: apt-get install openssl");
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        openssl(
            &[
                &["req", "-x509"][..],
                &ec,
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Kizuna test CA"],
            ]
            .concat(),
        );
        openssl(
            &[&["req"][..], &ec, &["-keyout", "relay.key", "-out", "relay.csr", "-subj", "/CN=localhost"]].concat(),
        );
        std::fs::write(
            dir.join("relay.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap_or_else(|e| panic!("relay.ext: {e}"));
        openssl(&[
            "x509",
            "-req",
            "-in",
            "relay.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "relay.pem",
            "-days",
            "2",
            "-extfile",
            "relay.ext",
        ]);
        (dir.join("ca.pem"), dir.join("relay.pem"), dir.join("relay.key"))
    }

    fn tls_relay(extra: &[&str]) -> (Relay, PathBuf) {
        let dir = scratch_dir();
        let (ca, cert, key) = certificates(&dir);
        let (cert, key) = (cert.display().to_string(), key.display().to_string());
        let options = [&["--pipelining", "--tls-cert", &cert, "--tls-key", &key][..], extra].concat();
        (Relay::start_in(dir, 0, &options), ca)
    }

    #[tokio::test]
    #[ignore = "needs python3 with aiosmtpd and openssl; scripts/test runs it"]
    async fn starttls_then_auth_plain_or_login_delivers() {
        for mechanisms in ["PLAIN,LOGIN", "LOGIN"] {
            let (relay, ca) = tls_relay(&["--auth", "kizuna@city:s3cret pass", "--auth-mechanisms", mechanisms]);
            let url = format!("smtp://kizuna%40city:s3cret%20pass@127.0.0.1:{}?ca_file={}", relay.port, ca.display());
            let smtp = transport(&url, 1);
            assert!(!format!("{smtp:?}").contains("s3cret"));
            for n in 0..3 {
                smtp.send(&message(n, "b@city.example.jp", &["a@example.jp"], "over TLS\r\n")).await.unwrap();
            }
            assert_eq!(relay.messages().len(), 3, "{mechanisms}");
        }
    }

    #[tokio::test]
    #[ignore = "needs python3 with aiosmtpd and openssl; scripts/test runs it"]
    async fn wrong_credentials_an_untrusted_certificate_or_no_starttls_defer_mail() {
        let (relay, ca) = tls_relay(&["--auth", "kizuna:right"]);
        let wrong = format!("smtp://kizuna:wrong@127.0.0.1:{}?ca_file={}", relay.port, ca.display());
        let untrusted = format!("smtp://kizuna:right@127.0.0.1:{}", relay.port);
        for (url, password) in [(wrong, "wrong"), (untrusted, "right")] {
            let failed = transport(&url, 1).send(&message(1, "b@city.example.jp", &["a@example.jp"], "x\r\n")).await;
            assert!(matches!(&failed, Err(MailError::Unavailable(reason)) if !reason.contains(password)), "{failed:?}");
        }
        let plain = Relay::start(&[]);
        let required = format!("smtp://127.0.0.1:{}?starttls=required", plain.port);
        let failed = transport(&required, 1).send(&message(1, "b@city.example.jp", &["a@example.jp"], "x\r\n")).await;
        assert!(matches!(&failed, Err(MailError::Unavailable(reason)) if reason.contains("STARTTLS")), "{failed:?}");
        assert!(relay.messages().is_empty() && plain.messages().is_empty());
    }
}
