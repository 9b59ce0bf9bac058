//! Mail arriving at the mail domain over real SMTP: empty-mail registration,
//! unsubscribe by mail, and bounce reports.

use std::net::SocketAddr;

use kizuna_core::Lang;
use kizuna_core::notice::Urgency;
use kizuna_core::subscriber::{Charset, SubscriberStatus};
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::notices;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::support::*;

async fn start_listener(app: &TestApp) -> (SocketAddr, watch::Sender<bool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(kizuna_server::inbound::run_listener(app.state.clone(), listener, stopped));
    (addr, stop)
}

/// Sends one message the way a phone's mail app does; returns the final reply.
async fn smtp_send(addr: SocketAddr, from: &str, to: &str, message: &str) -> String {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut reply = async || {
        loop {
            let line = lines.next_line().await.unwrap().unwrap_or_default();
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return line;
            }
        }
    };
    assert!(reply().await.starts_with("220"));
    for command in [
        "EHLO phone.example.net".to_owned(),
        format!("MAIL FROM:<{from}>"),
        format!("RCPT TO:<{to}>"),
        "DATA".to_owned(),
    ] {
        write.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
        let answer = reply().await;
        assert!(answer.starts_with('2') || answer.starts_with('3'), "{command} → {answer}");
    }
    write.write_all(message.replace('\n', "\r\n").as_bytes()).await.unwrap();
    write.write_all(b"\r\n.\r\n").await.unwrap();
    let answer = reply().await;
    write.write_all(b"QUIT\r\n").await.unwrap();
    answer
}

const EMPTY_MAIL: &str = "From: taro@docomo.ne.jp\nTo: touroku+113620@anshin.example.jp\nSubject: \n\n";

#[tokio::test]
async fn an_empty_mail_gets_a_registration_link_but_automatic_mail_gets_nothing() {
    let app = spawn_app(&[], None).await;
    let (addr, _stop) = start_listener(&app).await;
    let answer = smtp_send(addr, "taro..yamada.@docomo.ne.jp", "touroku+113620@anshin.example.jp", EMPTY_MAIL).await;
    assert!(answer.starts_with("250"), "{answer}");
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    assert_eq!(header(&mails[0], "To").as_deref(), Some("\"taro..yamada.\"@docomo.ne.jp"));
    assert_eq!(header(&mails[0], "Return-Path").as_deref(), Some("<>"), "a reply never invites a reply");
    assert_eq!(
        header(&mails[0], "Content-Type").as_deref(),
        Some("text/plain; charset=ISO-2022-JP"),
        "an old phone at a carrier address shows ISO-2022-JP, not UTF-8"
    );
    let body = body_text(&mails[0]);
    assert!(body.contains("きずなメール"), "{body}");
    assert!(
        body.contains("https://anshin.example.jp/register/mail/") && body.contains("?municipality=113620"),
        "{body}"
    );

    smtp_send(addr, "", "touroku@anshin.example.jp", "Subject: bounce\n\nx").await;
    smtp_send(
        addr,
        "vacation@example.jp",
        "touroku@anshin.example.jp",
        "Auto-Submitted: auto-replied\nSubject: 不在\n\n不在です",
    )
    .await;
    smtp_send(addr, "list@example.jp", "subscribe@anshin.example.jp", "Precedence: bulk\nSubject: news\n\nx").await;
    assert_eq!(app.outbox().len(), 1, "no reply to <>, auto-replies or bulk mail");

    for _ in 0..4 {
        smtp_send(addr, "hanako@example.jp", "subscribe@anshin.example.jp", "Subject: \n\n").await;
    }
    let to_hanako = app.outbox().iter().filter(|m| m.contains("hanako@example.jp")).count();
    assert_eq!(to_hanako, 3, "at most three replies per address per hour");
}

#[tokio::test]
async fn other_domains_are_refused_so_kizuna_is_no_open_relay() {
    let app = spawn_app(&[], None).await;
    let (addr, _stop) = start_listener(&app).await;
    let stream = TcpStream::connect(addr).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write
        .write_all(b"EHLO spammer\r\nMAIL FROM:<a@example.jp>\r\nRCPT TO:<victim@example.com>\r\nQUIT\r\n")
        .await
        .unwrap();
    let mut replies = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        replies.push(line);
    }
    assert!(replies.iter().any(|l| l.starts_with("550")), "{replies:?}");
}

/// A resident mailed a notice, with the mail's bounce token.
async fn delivered_token(app: &TestApp) -> (i64, String) {
    let (subscriber, mail) = delivered_mail(app).await;
    let return_path = header(&mail, "Return-Path").unwrap();
    (subscriber, return_path.trim_start_matches("<bounce+").split('@').next().unwrap().to_owned())
}

async fn delivered_mail(app: &TestApp) -> (i64, String) {
    let subscriber = app.resident("full@ezweb.ne.jp", &[("113654", "notice")], Charset::Utf8, Lang::JA).await;
    let id = app.draft("お知らせ", "notice", &["113654"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    let mut worker = Worker::new(app.state.clone());
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
    (subscriber, app.outbox().pop().unwrap())
}

#[tokio::test]
async fn a_dsn_bounce_counts_and_a_forged_one_changes_nothing() {
    let app = spawn_app(&[("KIZUNA_BOUNCE_SUPPRESS_AFTER", "1")], None).await;
    let (addr, _stop) = start_listener(&app).await;
    let (subscriber, token) = delivered_token(&app).await;
    let dsn = format!(
        "From: MAILER-DAEMON@relay.example.jp\nTo: bounce+{token}@anshin.example.jp\nSubject: Undelivered Mail Returned to Sender\n\
         MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
         --b\nContent-Type: text/plain\n\nThe mail could not be delivered.\n\
         --b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; relay.example.jp\n\n\
         Final-Recipient: rfc822; full@ezweb.ne.jp\nAction: failed\nStatus: 5.1.1\n\
         Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--b--\n"
    );
    let forged = dsn.replace(&token, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    smtp_send(addr, "", &format!("bounce+{}@anshin.example.jp", "a".repeat(52)), &forged).await;
    let unchanged = app.state.store.subscriber(subscriber).await.unwrap().unwrap();
    assert_eq!((unchanged.hard_bounces, unchanged.status), (0, SubscriberStatus::Active));

    let answer = smtp_send(addr, "", &format!("bounce+{token}@anshin.example.jp"), &dsn).await;
    assert!(answer.starts_with("250"));
    let after = app.state.store.subscriber(subscriber).await.unwrap().unwrap();
    assert_eq!((after.hard_bounces, after.status), (1, SubscriberStatus::Suppressed));
}

#[tokio::test]
async fn a_vacation_reply_to_the_bounce_address_is_not_a_bounce() {
    let app = spawn_app(&[("KIZUNA_BOUNCE_SUPPRESS_AFTER", "1")], None).await;
    let (addr, _stop) = start_listener(&app).await;
    let (subscriber, token) = delivered_token(&app).await;
    let vacation = "From: full@ezweb.ne.jp\nAuto-Submitted: auto-replied\nSubject: 不在通知\n\n出張中です。";
    smtp_send(addr, "full@ezweb.ne.jp", &format!("bounce+{token}@anshin.example.jp"), vacation).await;
    let after = app.state.store.subscriber(subscriber).await.unwrap().unwrap();
    assert_eq!((after.hard_bounces, after.status), (0, SubscriberStatus::Active));
}

#[tokio::test]
async fn mail_to_the_unsubscribe_address_unsubscribes() {
    let app = spawn_app(&[], None).await;
    let (addr, _stop) = start_listener(&app).await;
    let (subscriber, mail) = delivered_mail(&app).await;
    let list = header(&mail, "List-Unsubscribe").unwrap();
    let to = list.split("<mailto:").nth(1).and_then(|m| m.split('>').next()).unwrap().to_owned();
    let bounce = header(&mail, "Return-Path").unwrap().trim_matches(['<', '>']).to_owned();
    let token = bounce.trim_start_matches("bounce+").split('@').next().unwrap();
    // The bounce address, which every relay on the way sees, unsubscribes nobody.
    smtp_send(addr, "full@ezweb.ne.jp", &format!("unsubscribe+{token}@anshin.example.jp"), "Subject: x\n\n").await;
    let after = app.state.store.subscriber(subscriber).await.unwrap().unwrap();
    assert_eq!(after.status, SubscriberStatus::Active);
    assert!(to.starts_with("unsubscribe+") && to.ends_with("@anshin.example.jp"), "{to}");
    smtp_send(addr, "full@ezweb.ne.jp", &to, "Subject: unsubscribe\n\n").await;
    let after = app.state.store.subscriber(subscriber).await.unwrap().unwrap();
    assert_eq!(after.status, SubscriberStatus::Unsubscribed);
}

async fn page(app: &TestApp, method: &str, path: &str, form: Option<&str>) -> (u16, String) {
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().method(method).uri(path);
    if form.is_some() {
        request = request.header("content-type", "application/x-www-form-urlencoded");
    }
    let request = request.body(axum::body::Body::from(form.unwrap_or("").to_owned())).unwrap();
    let response = kizuna_server::web::router(app.state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_empty_mail_reply_link_lets_the_resident_choose_and_is_then_registered() {
    let app = spawn_app(&[], None).await;
    let (addr, _stop) = start_listener(&app).await;
    smtp_send(addr, "jiro@softbank.ne.jp", "touroku+113620@anshin.example.jp", EMPTY_MAIL).await;
    let body = body_text(&app.outbox()[0]);
    let link = body.split_whitespace().find(|w| w.contains("/register/mail/")).unwrap().to_owned();
    let path = link.trim_start_matches("https://anshin.example.jp").to_owned();
    let (status, form) = page(&app, "GET", &path, None).await;
    assert_eq!(status, 200);
    assert!(form.contains("jiro@softbank.ne.jp") && form.contains("readonly"), "the proven address is shown");
    assert!(
        form.contains(r#"value="iso-2022-jp" checked"#) && !form.contains(r#"value="utf-8" checked"#),
        "a carrier address starts on ISO-2022-JP"
    );
    let action = path.split('?').next().unwrap();
    let choices = "poster=113620&municipality=113620&scope=chosen&category=disaster&category=event\
                   &format=text&charset=iso-2022-jp&language=ja";
    let (status, done) = page(&app, "POST", action, Some(choices)).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("登録が完了しました"));
    let subscriber = app.state.store.subscriber_by_email("jiro@softbank.ne.jp").await.unwrap().unwrap();
    assert_eq!(subscriber.status, SubscriberStatus::Active);
    assert_eq!(subscriber.source, kizuna_core::subscriber::RegistrationSource::EmptyMailQr);
    assert_eq!(subscriber.source_municipality.as_ref().map(|c| c.as_str()), Some("113620"));
    assert_eq!(subscriber.charset, Charset::Iso2022Jp);
    assert_eq!(app.state.store.subscriptions(subscriber.id).await.unwrap().len(), 2);
    let (status, _) = page(&app, "POST", action, Some(choices)).await;
    assert_eq!(status, 404, "the link works once");
}
