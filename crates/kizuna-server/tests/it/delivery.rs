//! Sending a notice end to end through the worker into the file outbox.

use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_core::subscriber::Charset;
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::jobs::housekeeping_step;
use kizuna_server::links::{self, LinkPurpose};
use kizuna_server::notices;

use crate::support::*;

async fn run_until_idle(worker: &mut Worker) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    loop {
        let outcome = worker.try_execute_batch().await.unwrap();
        if outcome == Outcome::Idle {
            return outcomes;
        }
        outcomes.push(outcome);
    }
}

#[tokio::test]
async fn every_matching_resident_gets_one_personal_message() {
    let app = spawn_app(&[], None).await;
    let taro = app.resident("taro..yamada.@docomo.ne.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    app.resident("hanako@example.jp", &[("113620", "disaster")], Charset::Utf8, Lang::EN).await;
    app.resident("other-town@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let id = app.draft("土砂災害警戒情報", "disaster", &["113620"], Urgency::Emergency, false).await;
    let queued = notices::send(&app.state, &emergency_staff(), id).await.unwrap().queued;
    assert_eq!(queued, 2);

    let mut worker = Worker::new(app.state.clone());
    let outcomes = run_until_idle(&mut worker).await;
    assert_eq!(outcomes.len(), 1);
    let mails = app.outbox();
    assert_eq!(mails.len(), 2);
    let counts = app.state.store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.total, counts.sent), (2, 2));
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::Sent);

    let to_taro = mails.iter().find(|m| m.contains("\"taro..yamada.\"@docomo.ne.jp")).expect("a mail to taro");
    assert_eq!(header(to_taro, "To").as_deref(), Some("\"taro..yamada.\"@docomo.ne.jp"), "legacy address quoted");
    assert!(header(to_taro, "From").unwrap().ends_with("<info@anshin.example.jp>"));
    assert!(decode_subject(&header(to_taro, "From").unwrap()).starts_with("皆野町"), "the town is the sender");
    assert_eq!(decode_subject(&header(to_taro, "Subject").unwrap()), "土砂災害警戒情報");
    assert_eq!(header(to_taro, "List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = header(to_taro, "List-Unsubscribe").unwrap();
    assert!(unsubscribe.starts_with("<https://anshin.example.jp/unsubscribe/"), "{unsubscribe}");
    assert!(unsubscribe.contains("<mailto:unsubscribe+"), "{unsubscribe}");
    let message_id = header(to_taro, "Message-ID").unwrap();
    assert!(message_id.starts_with(&format!("<delivery.n{id}.d")) && message_id.ends_with("@anshin.example.jp>"));

    // The token in the mail's links resolves to this resident's delivery; the
    // VERP return path carries a token of its own, which opens no page.
    let body = body_text(to_taro);
    assert!(body.contains("本文の一行目です。") && body.contains("配信の停止"), "{body}");
    let token = body.split("/manage/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let return_path = header(to_taro, "Return-Path").unwrap();
    let bounce = return_path.strip_prefix("<bounce+").and_then(|r| r.strip_suffix("@anshin.example.jp>")).unwrap();
    assert_ne!(bounce, token);
    let resolve = |purpose, token: String| {
        let state = app.state.clone();
        async move { links::delivery(&state, purpose, &token).await.unwrap().map(|d| (d.notice_id, d.subscriber_id)) }
    };
    assert_eq!(resolve(LinkPurpose::Resident, token.clone()).await, Some((id, taro)));
    assert_eq!(resolve(LinkPurpose::Bounce, bounce.to_owned()).await, Some((id, taro)));
    assert_eq!(resolve(LinkPurpose::Resident, bounce.to_owned()).await, None, "a bounce address opens no page");
    assert_eq!(resolve(LinkPurpose::Bounce, token.clone()).await, None);

    let to_hanako = mails.iter().find(|m| m.contains("hanako@example.jp")).unwrap();
    assert_eq!(decode_subject(&header(to_hanako, "Subject").unwrap()), "Notice in English");
    assert!(
        body_text(to_hanako).contains("Unsubscribe: https://anshin.example.jp/unsubscribe/"),
        "residents who chose English read English"
    );
}

#[tokio::test]
async fn drills_are_marked_in_the_subject() {
    let app = spawn_app(&[], None).await;
    app.resident("kunren@example.jp", &[("113654", "disaster")], Charset::Utf8, Lang::JA).await;
    let id = app.draft("避難指示（訓練）のお知らせ", "disaster", &["113654"], Urgency::Emergency, true).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    run_until_idle(&mut Worker::new(app.state.clone())).await;
    let mails = app.outbox();
    assert_eq!(decode_subject(&header(&mails[0], "Subject").unwrap()), "【訓練】避難指示（訓練）のお知らせ");
}

#[tokio::test]
async fn a_scheduled_notice_leaves_at_its_time_not_before() {
    let app = spawn_app(&[], None).await;
    app.resident("kenshin@example.jp", &[("113611", "notice")], Charset::Utf8, Lang::JA).await;
    let store = &app.state.store;
    let send_at = t0() + Duration::hours(2);
    let mut notice = notice_template("予約配信", "notice", &["113611"], Urgency::Normal, false);
    notice.send_at = Some(send_at);
    let scheduled = app.create(&notice).await;
    for action in [NoticeAction::Submit, NoticeAction::Approve, NoticeAction::Schedule] {
        store.transition_notice(scheduled, action, "staff:2", None, t0()).await.unwrap();
    }
    app.clock.set(send_at - Duration::seconds(1));
    let early = housekeeping_step(&app.state, "test").await.unwrap();
    assert!(early.held_lease);
    assert_eq!(early.scheduled_sent, Vec::<i64>::new());
    app.clock.set(send_at);
    let due = housekeeping_step(&app.state, "test").await.unwrap();
    assert_eq!(due.scheduled_sent, vec![scheduled]);
    run_until_idle(&mut Worker::new(app.state.clone())).await;
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    assert_eq!(decode_subject(&header(&mails[0], "Subject").unwrap()), "予約配信");
    let events = store.notice_events(scheduled).await.unwrap();
    assert!(events.iter().any(|e| e.action == "send_scheduled" && e.actor == "scheduler" && e.at == send_at));
}

#[tokio::test]
async fn cancelling_mid_send_stops_the_rest_at_once() {
    let app = spawn_app(&[("KIZUNA_DELIVERY_BATCH_SIZE", "4")], None).await;
    for i in 0..10 {
        app.resident(&format!("r{i}@example.jp"), &[("112071", "event")], Charset::Utf8, Lang::JA).await;
    }
    let id = app.draft("秩父夜祭の交通規制", "event", &["112071"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    let mut worker = Worker::new(app.state.clone());
    assert!(matches!(worker.try_execute_batch().await.unwrap(), Outcome::Delivered(_)));
    app.state
        .store
        .transition_notice(id, NoticeAction::Cancel, "staff:1", Some("誤り"), app.clock_now())
        .await
        .unwrap();
    assert_eq!(worker.try_execute_batch().await.unwrap(), Outcome::Idle);
    assert_eq!(app.outbox().len(), 4);
    let counts = app.state.store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.sent, counts.cancelled), (4, 6));
}

#[tokio::test]
async fn a_worker_that_died_mid_batch_has_its_messages_sent_again() {
    let app = spawn_app(&[], None).await;
    for i in 0..3 {
        app.resident(&format!("crash{i}@example.jp"), &[("113638", "notice")], Charset::Utf8, Lang::JA).await;
    }
    let id = app.draft("お知らせ", "notice", &["113638"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    // A claim that is never recorded stands for a worker killed mid-batch.
    let request = kizuna_store::ClaimRequest {
        claim_id: "killed".into(),
        now: app.clock_now(),
        batch_size: 10,
        claim_ttl: Duration::minutes(5),
    };
    assert_eq!(app.state.store.claim_deliveries(&request).await.unwrap().len(), 3);
    let mut worker = Worker::new(app.state.clone());
    assert_eq!(worker.try_execute_batch().await.unwrap(), Outcome::Idle);
    app.clock.advance(Duration::minutes(6));
    let step = housekeeping_step(&app.state, "test").await.unwrap();
    assert_eq!(step.released_claims, 3);
    run_until_idle(&mut worker).await;
    assert_eq!(app.outbox().len(), 3);
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::Sent);
}

#[tokio::test]
async fn the_express_worker_sends_an_emergency_and_leaves_a_large_send_to_the_others() {
    let app = spawn_app(&[], None).await;
    for i in 0..3 {
        app.resident(
            &format!("r{i}@example.jp"),
            &[("112071", "event"), ("112071", "disaster")],
            Charset::Utf8,
            Lang::JA,
        )
        .await;
    }
    let festival = app.draft("秩父夜祭の交通規制", "event", &["112071"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), festival).await.unwrap();
    let evacuate = app.draft("避難指示", "disaster", &["112071"], Urgency::Emergency, false).await;
    notices::send(&app.state, &emergency_staff(), evacuate).await.unwrap();

    let mut express = Worker::express(app.state.clone());
    assert_eq!(run_until_idle(&mut express).await.len(), 1);
    let subjects: Vec<_> = app.outbox().iter().map(|m| decode_subject(&header(m, "Subject").unwrap())).collect();
    assert_eq!(subjects, ["避難指示"; 3], "only the emergency went");
    assert_eq!(app.state.store.notice(evacuate).await.unwrap().unwrap().status, NoticeStatus::Sent);
    assert_eq!(app.state.store.delivery_counts(festival).await.unwrap().queued, 3, "the festival waits for the others");

    run_until_idle(&mut Worker::new(app.state.clone())).await;
    assert_eq!(app.outbox().len(), 6);
    assert_eq!(app.state.store.notice(festival).await.unwrap().unwrap().status, NoticeStatus::Sent);
}

#[tokio::test]
async fn residents_with_old_phones_get_strict_iso_2022_jp() {
    let app = spawn_app(&[], None).await;
    app.resident("keitai@docomo.ne.jp", &[("112071", "notice")], Charset::Iso2022Jp, Lang::JA).await;
    let mut notice = notice_template("①髙橋さん宅周辺〜断水", "notice", &["112071"], Urgency::Normal, false);
    notice.body = kizuna_core::text::NoticeBody::parse("㈱秩父水道より：ｶﾀｶﾅのお知らせ🚰").unwrap();
    let id = app.create(&notice).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    run_until_idle(&mut Worker::new(app.state.clone())).await;
    let mails = app.outbox();
    let mail = &mails[0];
    assert!(mail.contains("charset=ISO-2022-JP") || mail.contains("charset=iso-2022-jp"), "{mail}");
    assert!(mail.contains("Subject: =?ISO-2022-JP?B?"), "{mail}");
    assert!(mail.contains("\u{1b}$B"), "the body is in JIS X 0208");
    assert!(!mail.contains("&#"), "never numeric character references");
    assert!(mail.is_ascii(), "7-bit clean");
}

/// Queues what is left and sends what is queued, as the processes' queueing and
/// workers do, until neither has anything to do.
async fn queue_and_send_everything(app: &TestApp, worker: &mut Worker) {
    loop {
        let chunk = kizuna_server::notices::queueing::queue_step(&app.state).await.unwrap();
        let sent = run_until_idle(worker).await;
        if chunk.is_none() && sent.is_empty() {
            return;
        }
    }
}

fn recipients(mails: &[String]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().map(|m| header(m, "To").unwrap()).collect();
    to.sort();
    to
}

#[tokio::test]
async fn a_large_send_goes_out_while_it_is_queued_and_reaches_each_resident_once() {
    let app = spawn_app(&[("KIZUNA_DELIVERY_QUEUE_CHUNK", "2")], None).await;
    let mut everyone = Vec::new();
    for i in 0..5 {
        let email = format!("r{i}@example.jp");
        app.resident(&email, &[("113620", "disaster"), ("112071", "disaster")], Charset::Utf8, Lang::JA).await;
        everyone.push(email);
    }
    let id = app.draft("大雨警報", "disaster", &["112071", "113620"], Urgency::Normal, false).await;
    assert_eq!(notices::send(&app.state, &emergency_staff(), id).await.unwrap().queued, 2, "the send queues a chunk");

    let mut worker = Worker::new(app.state.clone());
    run_until_idle(&mut worker).await;
    assert_eq!(app.outbox().len(), 2, "the first chunk went out before the rest was queued");
    let notice = app.state.store.notice(id).await.unwrap().unwrap();
    assert_eq!(notice.status, NoticeStatus::Sending, "not finished while residents are still to queue");

    queue_and_send_everything(&app, &mut worker).await;
    assert_eq!(recipients(&app.outbox()), everyone, "each resident once, though they chose both towns");
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::Sent);
}

#[tokio::test]
async fn cancelling_while_a_send_is_queued_stops_the_rest() {
    let app = spawn_app(&[("KIZUNA_DELIVERY_QUEUE_CHUNK", "2")], None).await;
    for i in 0..6 {
        app.resident(&format!("r{i}@example.jp"), &[("112071", "event")], Charset::Utf8, Lang::JA).await;
    }
    let id = app.draft("秩父夜祭の交通規制", "event", &["112071"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    let mut worker = Worker::new(app.state.clone());
    run_until_idle(&mut worker).await;
    notices::cancel(&app.state, &emergency_staff(), id).await.unwrap();
    queue_and_send_everything(&app, &mut worker).await;
    assert_eq!(app.outbox().len(), 2, "only the chunk sent before the cancellation went out");
    let counts = app.state.store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.total, counts.sent, counts.queued), (2, 2, 0), "nothing more was queued");
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::Cancelled);
}
