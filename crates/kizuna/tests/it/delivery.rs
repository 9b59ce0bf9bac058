//! Real processes delivering through a real relay: killed mid-fan-out and
//! restarted, a send left half-queued by a process that ended, and two
//! processes sharing one PostgreSQL.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::{ConnectOptions, NewNotice};

use crate::relay::Relay;
use crate::support::*;

fn registrant_list(dir: &Path, count: usize) -> std::path::PathBuf {
    let mut csv = String::from("email,municipalities,categories,emergency_only,language\n");
    for i in 0..count {
        csv.push_str(&format!("resident{i:04}@example.net,112071,disaster,no,ja\n"));
    }
    let path = dir.join("residents.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// Sends a notice the way the console will: through the shared store.
pub(crate) async fn send_notice(database_url: &str) -> i64 {
    send_notice_in_chunks(database_url, ConnectOptions::default().queue_chunk).await
}

/// Sends a notice through a store that queues `chunk` recipients with the send
/// and stops there, as a process that ends right after a large send does.
async fn send_notice_in_chunks(database_url: &str, chunk: u32) -> i64 {
    let store = kizuna_store::connect(
        database_url,
        ConnectOptions { max_connections: 2, queue_chunk: chunk, ..ConnectOptions::default() },
    )
    .await
    .unwrap();
    let notice = NewNotice {
        title: NoticeTitle::parse("大雨警報").unwrap(),
        body: NoticeBody::parse("秩父市に大雨警報が発表されました。").unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse("disaster").unwrap(),
        municipalities: vec![MunicipalityCode::parse("112071").unwrap()],
        area_ids: vec![],
        urgency: Urgency::Emergency,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
        follow_up: None,
        source: NoticeSource::Staff,
        source_ref: None,
        idempotency_key: None,
        supersedes: None,
    };
    let now = chrono::Utc::now();
    let (notice, _) = store.create_notice(&notice, "test", now).await.unwrap();
    let action = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.start_sending(notice.id, action, "test", now).await.unwrap();
    store.close().await;
    notice.id
}

fn received(relays: &[&Relay]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for relay in relays {
        for message in relay.messages() {
            for rcpt in message["rcpt_tos"].as_array().cloned().unwrap_or_default() {
                *counts.entry(rcpt.as_str().unwrap_or_default().to_owned()).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "gave up after {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
fn killed_mid_fan_out_and_restarted_every_resident_still_gets_the_notice() {
    const RESIDENTS: usize = 200;
    const BATCH: usize = 20;
    let dir = temp_dir("crash");
    let import = run(with_arg(kizuna(&dir, &["subscribers", "import"]), registrant_list(&dir, RESIDENTS)));
    assert!(import.status.success());
    // The relay stops answering after 80 messages: the moment of the kill is fixed.
    let stalling = Relay::start(&["--pipelining", "--stall-after", "80"]);
    let url = stalling.url();
    let env = |command| {
        let command = with_env(command, "KIZUNA_SMTP_URL", &url);
        with_env(command, "KIZUNA_DELIVERY_BATCH_SIZE", &BATCH.to_string())
    };
    let mut first = Server::start(env(kizuna(&dir, &["serve"])));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let database = format!("sqlite://{}", dir.join("kizuna.db").display());
    runtime.block_on(send_notice(&database));
    wait_for(Duration::from_secs(60), || stalling.messages().len() >= 80);
    let accepted_before_kill = stalling.messages().len();
    assert!((RESIDENTS * 2 / 10..=RESIDENTS * 8 / 10).contains(&accepted_before_kill));
    first.child.kill().unwrap(); // SIGKILL: no chance to record anything
    first.child.wait().unwrap();
    drop(first);

    let relay = Relay::start(&["--pipelining"]);
    let url = relay.url();
    let _second = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_SMTP_URL", &url));
    wait_for(Duration::from_secs(90), || received(&[&stalling, &relay]).len() == RESIDENTS);
    let counts = received(&[&stalling, &relay]);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    assert_eq!(counts.len(), RESIDENTS, "every resident received it at least once");
    // Duplicates are bounded by what the relay accepted but Kizuna had not recorded:
    // at most the batches in flight when it was killed (two worker loops).
    assert!(duplicates <= 2 * BATCH, "{duplicates} duplicates");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[ignore = "needs python3 with aiosmtpd; scripts/test runs it"]
fn a_send_left_half_queued_is_finished_by_the_next_start_each_resident_once() {
    const RESIDENTS: usize = 95;
    let dir = temp_dir("halfqueued");
    let import = run(with_arg(kizuna(&dir, &["subscribers", "import"]), registrant_list(&dir, RESIDENTS)));
    assert!(import.status.success());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let database = format!("sqlite://{}", dir.join("kizuna.db").display());
    // The sending process queues ten and is gone before any process delivers.
    runtime.block_on(send_notice_in_chunks(&database, 10));
    let relay = Relay::start(&["--pipelining"]);
    let _server = Server::start(with_env(kizuna(&dir, &["serve"]), "KIZUNA_SMTP_URL", &relay.url()));
    wait_for(Duration::from_secs(60), || received(&[&relay]).len() == RESIDENTS);
    std::thread::sleep(Duration::from_millis(500));
    let counts = received(&[&relay]);
    assert_eq!(counts.len(), RESIDENTS, "every resident received it");
    assert!(counts.values().all(|n| *n == 1), "nobody twice: {counts:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
#[ignore = "needs PostgreSQL and python3 with aiosmtpd; scripts/test runs it"]
fn two_processes_on_one_postgresql_deliver_one_notice_together_exactly_once() {
    const RESIDENTS: usize = 400;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let database = TestDatabase::create("two");
    let database = &database.url;
    let dir = temp_dir("twopg");
    let relay = Relay::start(&["--pipelining"]);
    let with_db = |command, helo: &str| {
        let command = with_env(command, "KIZUNA_DATABASE_URL", database);
        let command = with_env(command, "KIZUNA_SMTP_URL", &relay.url());
        let command = with_env(command, "KIZUNA_DELIVERY_BATCH_SIZE", "10");
        // Each process says HELO with its own mail domain, so the relay tells them apart.
        with_env(command, "KIZUNA_MAIL_DOMAIN", helo)
    };
    let import = run(with_arg(
        with_db(kizuna(&dir, &["subscribers", "import"]), "a.example.jp"),
        registrant_list(&dir, RESIDENTS),
    ));
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let a = Server::start(with_db(kizuna(&dir, &["serve", "--no-inbound"]), "a.example.jp"));
    let b = Server::start(with_db(kizuna(&dir, &["serve", "--no-inbound"]), "b.example.jp"));
    runtime.block_on(send_notice(database));
    wait_for(Duration::from_secs(90), || relay.messages().len() >= RESIDENTS);
    std::thread::sleep(Duration::from_millis(500));
    let messages = relay.messages();
    let counts = received(&[&relay]);
    assert_eq!((messages.len(), counts.len()), (RESIDENTS, RESIDENTS), "every resident exactly once");
    let by_process = |helo: &str| messages.iter().filter(|m| m["helo"].as_str() == Some(helo)).count();
    let (from_a, from_b) = (by_process("a.example.jp"), by_process("b.example.jp"));
    assert_eq!(from_a + from_b, RESIDENTS);
    assert!(from_a > 0 && from_b > 0, "both processes took part: {from_a} + {from_b}");
    // A mail's links are signed, not stored: those one process mailed open on the
    // other, which reads the same key file; a changed signature opens nothing.
    for (helo, other) in [("a.example.jp", &b), ("b.example.jp", &a)] {
        let mail = messages.iter().find(|m| m["helo"].as_str() == Some(helo)).unwrap();
        let data = mail["data"].as_str().unwrap();
        let token = data.split("/unsubscribe/").nth(1).and_then(|rest| rest.split('>').next()).unwrap();
        let (status, page) = other.get(&format!("/unsubscribe/{token}"));
        assert_eq!(status, 200, "{helo}'s link on the other process: {page}");
        let last = if token.ends_with('a') { 'b' } else { 'a' };
        let forged = format!("{}{last}", &token[..token.len() - 1]);
        assert_eq!(other.get(&format!("/unsubscribe/{forged}")).0, 404);
    }
    drop(a);
    drop(b);
    let _ = std::fs::remove_dir_all(dir);
}

/// Kills the process that holds claimed deliveries (its relay stopped answering
/// after 40 messages, so the batch on the wire and the one claimed next hang in
/// it, for its worker and for its express worker: the notice is an emergency),
/// then waits until `survivors` (another process still running, or the killed
/// one's replacement) has reached every resident. Returns the seconds from the kill to the last resident.
fn kill_the_stalled_one_and_time_the_rest(
    runtime: &tokio::runtime::Runtime,
    tag: &str,
    second_beside_first: bool,
) -> f64 {
    const RESIDENTS: usize = 300;
    const BATCH: usize = 10;
    /// Two batches each for the one worker loop and the express worker.
    const HELD: usize = 4 * BATCH;
    let database = TestDatabase::create(tag);
    let dir = temp_dir(tag);
    let stalling = Relay::start(&["--pipelining", "--stall-after", "40"]);
    let relay = Relay::start(&["--pipelining"]);
    let process = |relay: &Relay| {
        let command = with_env(kizuna(&dir, &["serve", "--no-inbound"]), "KIZUNA_DATABASE_URL", &database.url);
        let command = with_env(command, "KIZUNA_SMTP_URL", &relay.url());
        // One worker loop: it holds the batch on the wire and the next one it claimed.
        let command = with_env(command, "KIZUNA_DELIVERY_WORKERS", "1");
        with_env(command, "KIZUNA_DELIVERY_BATCH_SIZE", &BATCH.to_string())
    };
    let import = run(with_arg(
        with_env(kizuna(&dir, &["subscribers", "import"]), "KIZUNA_DATABASE_URL", &database.url),
        registrant_list(&dir, RESIDENTS),
    ));
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let mut first = Server::start(process(&stalling));
    runtime.block_on(send_notice(&database.url));
    wait_for(Duration::from_secs(60), || stalling.messages().len() >= 40);
    // The first process now hangs on the relay holding up to four batches.
    let second = second_beside_first.then(|| Server::start(process(&relay)));
    if second.is_some() {
        // The second delivers everything else and is left waiting for the claimed rest.
        let all_but_claimed = RESIDENTS - HELD;
        wait_for(Duration::from_secs(60), || received(&[&stalling, &relay]).len() >= all_but_claimed);
    }
    first.child.kill().unwrap(); // SIGKILL: no chance to give anything back
    let killed = Instant::now();
    first.child.wait().unwrap();
    drop(first);
    let replacement = (!second_beside_first).then(|| Server::start(process(&relay)));
    // Without heartbeats the claims would wait out their five minutes.
    wait_for(Duration::from_secs(60), || received(&[&stalling, &relay]).len() == RESIDENTS);
    let seconds = killed.elapsed().as_secs_f64();
    let counts = received(&[&stalling, &relay]);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    assert!(duplicates <= HELD, "{duplicates} duplicates");
    drop(second);
    drop(replacement);
    let _ = std::fs::remove_dir_all(dir);
    seconds
}

#[test]
#[ignore = "needs PostgreSQL and python3 with aiosmtpd; scripts/test runs it"]
fn on_postgresql_a_killed_processs_claims_are_sent_by_the_other_within_seconds() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let seconds = kill_the_stalled_one_and_time_the_rest(&runtime, "killed_beside", true);
    eprintln!("two processes: the killed one's claims reached their residents {seconds:.1} s after the kill");
}

#[test]
#[ignore = "needs PostgreSQL and python3 with aiosmtpd; scripts/test runs it"]
fn on_postgresql_a_restarted_process_sends_its_predecessors_claims_within_seconds() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let seconds = kill_the_stalled_one_and_time_the_rest(&runtime, "killed_restarted", false);
    eprintln!("one process restarted: its predecessor's claims reached their residents {seconds:.1} s after the kill");
}
