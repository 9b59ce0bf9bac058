//! `kizuna check`: one line per check, and exit status 1 only for a fault.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;

use crate::relay::Relay;
use crate::support::*;

fn lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
}

/// The line that gives `verdict` for a check named `what`.
fn line<'a>(lines: &'a [String], verdict: &str, what: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.strip_prefix(verdict).is_some_and(|rest| rest.trim_start().starts_with(what)))
        .map_or("", String::as_str)
}

fn check(dir: &std::path::Path, env: &[(&str, &str)]) -> (Output, Vec<String>) {
    let mut command = with_env(kizuna(dir, &["check"]), "KIZUNA_BASE_URL", "https://anshin.example.jp");
    for (key, value) in env {
        command = with_env(command, key, value);
    }
    let output = run(command);
    let lines = lines(&output);
    (output, lines)
}

#[test]
fn check_finds_an_unmigrated_database_and_an_unreachable_relay_and_passes_a_working_set_up() {
    let dir = temp_dir("check");
    let (output, lines) = check(&dir, &[]);
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    assert!(line(&lines, "FAULT", "database").contains("`kizuna migrate` creates it"), "{lines:?}");
    assert!(!dir.join("kizuna.db").exists(), "checking creates nothing");

    assert!(run(kizuna(&dir, &["migrate"])).status.success());
    let (output, lines) = check(&dir, &[]);
    assert_eq!(output.status.code(), Some(0), "{lines:?}");
    assert!(line(&lines, "ok", "database").contains("(current)"), "{lines:?}");
    assert!(line(&lines, "n/a", "mail relay").contains("outbox"), "the file outbox: {lines:?}");
    assert!(line(&lines, "n/a", "JMA feeds").contains("poller is off"), "{lines:?}");
    assert!(!line(&lines, "ok", "configuration").is_empty(), "{lines:?}");

    // A relay nobody listens on: a fault, and the exit status says so.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let (output, lines) = check(&dir, &[("KIZUNA_SMTP_URL", &format!("smtp://{closed}"))]);
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    assert!(line(&lines, "FAULT", "mail relay").contains(&closed.to_string()), "{lines:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 of"), "one line on stderr sums it up");

    // A JMA feed that cannot be fetched is a fault too.
    let (output, lines) = check(&dir, &[("KIZUNA_JMA_FEEDS", &format!("http://{closed}/regular.xml"))]);
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    assert!(line(&lines, "FAULT", "JMA feed").contains("regular.xml"), "{lines:?}");

    // Behind a proxy the feed is asked for through it: here one that refuses.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    let asked = std::thread::spawn(move || {
        let (mut client, _) = proxy.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && client.read(&mut byte).unwrap() == 1 {
            head.push(byte[0]);
        }
        client.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").unwrap();
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_owned()
    });
    let feed = "https://www.data.jma.go.jp/developer/xml/feed/extra.xml";
    let proxy_url = format!("http://{proxy_addr}");
    let env = [("KIZUNA_JMA_FEEDS", feed), ("KIZUNA_HTTPS_PROXY", &proxy_url), ("KIZUNA_NO_PROXY", "")];
    let (output, lines) = check(&dir, &env);
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    assert_eq!(asked.join().unwrap(), "CONNECT www.data.jma.go.jp:443 HTTP/1.1");
    let fault = line(&lines, "FAULT", &format!("JMA feed {feed} (through the proxy {proxy_url})"));
    assert!(
        fault.ends_with(&format!(
            "the proxy {proxy_addr} refused CONNECT www.data.jma.go.jp:443: HTTP/1.1 403 Forbidden"
        )),
        "{lines:?}"
    );
}

#[test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
fn check_passes_with_a_relay_that_answers() {
    let dir = temp_dir("check-relay");
    assert!(run(kizuna(&dir, &["migrate"])).status.success());
    let relay = Relay::start(&["--pipelining"]);
    let (output, lines) = check(&dir, &[("KIZUNA_SMTP_URL", &relay.url())]);
    assert_eq!(output.status.code(), Some(0), "{lines:?}");
    assert!(line(&lines, "ok", "mail relay").contains("PIPELINING"), "{lines:?}");
    assert!(relay.messages().is_empty(), "checking sends no mail");
}

#[test]
#[ignore = "needs systemd-analyze; scripts/test runs it"]
fn the_service_unit_passes_systemd_analyze_apart_from_the_absent_binary() {
    let unit = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/kizuna.service");
    let output = std::process::Command::new("systemd-analyze").args(["verify", unit]).output().unwrap();
    let complaints: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("/usr/local/bin/kizuna"))
        .map(str::to_owned)
        .collect();
    assert_eq!(complaints, Vec::<String>::new());
    let text = std::fs::read_to_string(unit).unwrap();
    for hardening in
        ["User=kizuna", "ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectory=kizuna", "Restart=on-failure"]
    {
        assert!(text.lines().any(|l| l == hardening), "{hardening}");
    }
}
