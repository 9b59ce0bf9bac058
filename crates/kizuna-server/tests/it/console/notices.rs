//! Notices at the console from writing to sending: an author writes, the preview
//! marks what an old phone cannot show, an approver returns it with a note, the
//! author fixes and resubmits, the approver sees what changed, approves and
//! sends; the count on the pre-send page is what goes out, and progress says
//! "finished" only when every message is settled. An emergency countdown can be
//! stopped. Every move leaves an audit entry with the client's address.

use axum::http::StatusCode;
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::notice::NoticeStatus;
use kizuna_core::staff::Role;
use kizuna_core::subscriber::Charset;
use kizuna_server::delivery::{Outcome, Worker};

use super::browser::{Browser, PASSWORD, staff};
use crate::support::spawn_app;

async fn deliver_everything(worker: &mut Worker) {
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
}

fn notice_id(location: &str) -> i64 {
    location.trim_start_matches("/admin/notices/").split(['?', '/']).next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_notice_goes_from_author_to_approver_and_out_to_exactly_the_counted_residents() {
    let app = spawn_app(&[], None).await;
    for i in 0..3 {
        app.resident(&format!("yokoze{i}@example.jp"), &[("113611", "notice")], Charset::Utf8, Lang::JA).await;
    }
    app.resident("chichibu@example.jp", &[("112071", "notice")], Charset::Utf8, Lang::JA).await;
    staff(&app, "author@yokoze.example", Some("113611"), Role::Author, false, false).await;
    staff(&app, "approver@yokoze.example", Some("113611"), Role::Approver, false, false).await;
    let mut author = Browser::new(&app);
    author.sign_in("author@yokoze.example", PASSWORD).await;
    let compose = author.get("/admin/notices/new").await;
    assert!(compose.body.contains("value=\"113611\" checked"), "an author of one town writes for it");

    let previewed = author
        .post(
            "/admin/notices/new",
            &[
                ("title", "断水①のお知らせ"),
                ("body", "明日9時から12時まで断水します。"),
                ("category", "notice"),
                ("municipality", "113611"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(previewed.status, StatusCode::OK);
    assert!(previewed.body.contains("<mark class=\"changed\""), "① is marked: an old phone shows (1)");
    assert!(previewed.body.contains("(1)"));
    let saved = author
        .post(
            "/admin/notices/new",
            &[
                ("title", "断水のお知らせ"),
                ("body", "明日9時から12時まで断水します。"),
                ("category", "notice"),
                ("municipality", "113611"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let id = notice_id(saved.location());
    let check = author.get(&format!("/admin/notices/{id}/submit")).await;
    assert!(check.body.contains("3人"), "the pre-send page counts the three residents of 横瀬町");
    author.post(&format!("/admin/notices/{id}/submit"), &[]).await;
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::PendingApproval);
    let own_approval = author.post(&format!("/admin/notices/{id}/approve"), &[]).await;
    assert_eq!(own_approval.status, StatusCode::FORBIDDEN, "an author cannot approve");

    let mut approver = Browser::new(&app);
    approver.sign_in("approver@yokoze.example", PASSWORD).await;
    let home = approver.get("/admin").await;
    assert!(home.body.contains("断水のお知らせ"), "what waits for approval is on the approver's home page");
    let no_note = approver.post(&format!("/admin/notices/{id}/return"), &[("note", "  ")]).await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY, "a return needs a reason");
    approver.post(&format!("/admin/notices/{id}/return"), &[("note", "終わりの時刻を15時に直してください")]).await;

    let home = author.get("/admin").await;
    assert!(home.body.contains("終わりの時刻を15時に直してください"), "the author sees the approver's note");
    author.get(&format!("/admin/notices/{id}/edit")).await;
    let edited = author
        .post(
            &format!("/admin/notices/{id}/edit"),
            &[
                ("title", "断水のお知らせ"),
                ("body", "明日9時から15時まで断水します。"),
                ("category", "notice"),
                ("municipality", "113611"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER);
    author.get(&format!("/admin/notices/{id}")).await;
    author.post(&format!("/admin/notices/{id}/submit"), &[]).await;

    let page = approver.get(&format!("/admin/notices/{id}")).await;
    assert!(
        page.body.contains("<del>") && page.body.contains("12時まで") && page.body.contains("15時まで"),
        "the approver sees the change"
    );
    let confirm = approver.get(&format!("/admin/notices/{id}/approve")).await;
    assert!(confirm.body.contains("3人"));
    approver.post(&format!("/admin/notices/{id}/approve"), &[]).await;
    let send_check = approver.get(&format!("/admin/notices/{id}/send")).await;
    assert!(send_check.body.contains("3人") && send_check.body.contains("横瀬町"));
    let sent = approver.post(&format!("/admin/notices/{id}/send"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let progress = approver.get(&format!("/admin/notices/{id}")).await;
    assert!(progress.body.contains("<progress max=\"100\" value=\"0\""), "nothing is settled before the worker runs");
    // Without JavaScript a link refreshes it: a timed refresh would take the page
    // away from a screen-reader user every few seconds (WCAG 2.2.1).
    assert!(!progress.body.contains("http-equiv=\"refresh\""), "the page never refreshes by itself");
    assert!(
        progress.body.contains(&format!("<a href=\"/admin/notices/{id}\">今すぐ更新する</a>")),
        "a link refreshes it"
    );

    deliver_everything(&mut Worker::new(app.state.clone())).await;
    assert_eq!(app.outbox().len(), 3, "exactly the three counted residents got it");
    let done = approver.get(&format!("/admin/notices/{id}")).await;
    assert!(done.body.contains("value=\"100\""), "{}", done.body);
    assert!(!done.body.contains("今すぐ更新する"), "a finished send needs no refreshing");

    let entries = app.state.store.audit_entries(100).await.unwrap();
    for action in ["notice_submit", "notice_return", "notice_approve", "notice_send"] {
        let entry = entries.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("no {action} entry"));
        assert_eq!(entry.client_address.as_deref(), Some("192.0.2.10"));
        assert_eq!(entry.subject, format!("notice:{id}"));
        assert_eq!(entry.municipality.as_ref().map(|c| c.as_str()), Some("113611"));
    }
    let test = approver.post(&format!("/admin/notices/{id}/test"), &[]).await;
    assert_eq!(test.status, StatusCode::SEE_OTHER);
    assert_eq!(app.outbox().len(), 4);
    assert!(app.outbox().last().unwrap().contains("approver@yokoze.example"), "the test goes to the approver only");
    let entries = app.state.store.audit_entries(100).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "notice_test_send"));
}

#[tokio::test]
async fn an_emergency_countdown_can_be_stopped_and_otherwise_sends() {
    let app = spawn_app(&[("KIZUNA_EMERGENCY_COUNTDOWN_SECONDS", "1")], None).await;
    app.resident("resident@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let id = staff(&app, "bousai@chichibu.example", Some("112071"), Role::Approver, true, false).await;
    let secret = kizuna_core::totp::TotpSecret::from_bytes(b"countdown test key!!".to_vec());
    let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
    app.state.store.set_second_factor(id, Some(&sealed), &[]).await.unwrap();
    let mut browser = Browser::new(&app);
    browser.sign_in("bousai@chichibu.example", PASSWORD).await;
    let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
    browser.post("/admin/second-factor", &[("code", &code)]).await;

    let first = app.draft("避難指示", "disaster", &["112071"], kizuna_core::notice::Urgency::Emergency, false).await;
    let confirm = browser.get(&format!("/admin/notices/{first}/emergency")).await;
    assert!(confirm.body.contains("1人"));
    let armed = browser.post(&format!("/admin/notices/{first}/emergency"), &[]).await;
    assert_eq!(armed.status, StatusCode::SEE_OTHER);
    let counting = browser.get(&format!("/admin/notices/{first}")).await;
    assert!(counting.body.contains("data-countdown"));
    browser.post(&format!("/admin/notices/{first}/cancel"), &[]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(app.state.store.notice(first).await.unwrap().unwrap().status, NoticeStatus::Cancelled);
    assert_eq!(app.state.store.delivery_counts(first).await.unwrap().total, 0, "nothing was queued");

    let second =
        app.draft("避難指示（再）", "disaster", &["112071"], kizuna_core::notice::Urgency::Emergency, false).await;
    browser.post(&format!("/admin/notices/{second}/emergency"), &[]).await;
    app.clock.advance(Duration::seconds(2));
    let mut sent = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if app.state.store.notice(second).await.unwrap().unwrap().status == NoticeStatus::Sending {
            sent = true;
            break;
        }
    }
    assert!(sent, "after its countdown the emergency notice goes out");
    deliver_everything(&mut Worker::new(app.state.clone())).await;
    assert_eq!(app.outbox().len(), 1);
}

#[tokio::test]
async fn a_notice_is_scheduled_in_japan_time_listed_with_a_cancel_button_and_sent_at_its_time() {
    let app = spawn_app(&[], None).await;
    app.resident("ogano@example.jp", &[("113654", "event")], Charset::Utf8, Lang::JA).await;
    staff(&app, "approver@ogano.example", Some("113654"), Role::Approver, false, false).await;
    let id = app.draft("龍勢祭りのお知らせ", "event", &["113654"], kizuna_core::notice::Urgency::Normal, false).await;
    for action in [kizuna_core::notice::NoticeAction::Submit, kizuna_core::notice::NoticeAction::Approve] {
        app.state.store.transition_notice(id, action, "staff:1", None, app.clock_now()).await.unwrap();
    }
    let mut browser = Browser::new(&app);
    browser.sign_in("approver@ogano.example", PASSWORD).await;
    let form = browser.get(&format!("/admin/notices/{id}/schedule")).await;
    assert!(form.body.contains("明日"), "today, tomorrow and the days of the week are offered");
    let past = browser.post(&format!("/admin/notices/{id}/schedule"), &[("day", "0"), ("time", "00:01")]).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY, "a time already passed is refused");
    let bad = browser.post(&format!("/admin/notices/{id}/schedule"), &[("day", "1"), ("time", "9時")]).await;
    assert!(bad.body.contains("href=\"#time\""));
    browser.post(&format!("/admin/notices/{id}/schedule"), &[("day", "1"), ("time", "09:00")]).await;
    let notice = app.state.store.notice(id).await.unwrap().unwrap();
    assert_eq!(notice.status, NoticeStatus::Scheduled);
    let at = kizuna_core::time::to_tokyo(notice.send_at.unwrap());
    let tomorrow = kizuna_core::time::tokyo_date(app.clock_now()) + Duration::days(1);
    assert_eq!(
        (at.date_naive(), at.format("%H:%M").to_string()),
        (tomorrow, "09:00".to_owned()),
        "09:00 in Japan, tomorrow"
    );

    let home = browser.get("/admin").await;
    assert!(home.body.contains(&format!("/admin/notices/{id}/unschedule")), "the scheduled list has a cancel button");
    browser.post(&format!("/admin/notices/{id}/unschedule"), &[]).await;
    assert_eq!(app.state.store.notice(id).await.unwrap().unwrap().status, NoticeStatus::Approved);

    browser.get(&format!("/admin/notices/{id}/schedule")).await;
    browser.post(&format!("/admin/notices/{id}/schedule"), &[("day", "1"), ("time", "09:00")]).await;
    app.clock.set(notice.send_at.unwrap());
    kizuna_server::jobs::housekeeping_step(&app.state, "test").await.unwrap();
    deliver_everything(&mut Worker::new(app.state.clone())).await;
    assert_eq!(app.outbox().len(), 1, "the scheduler sent it at its time");
}
