//! Safety check-ins as a resident meets them: the notice mail carries their own
//! two links; opening one records nothing; the button records; the answer can
//! be changed; a forged link gets a clear page; hostile text comes back
//! escaped; the page needs no script and is small with its stylesheet.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kizuna_core::Lang;
use kizuna_core::notice::Urgency;
use kizuna_core::subscriber::Charset;
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::notices;
use tower::ServiceExt;

use crate::support::*;

pub struct Page {
    pub status: StatusCode,
    pub body: String,
}

pub async fn call(router: &Router, request: Request<Body>) -> Page {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Page { status, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn post(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        form.append_pair(k, v);
    }
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.finish()))
        .unwrap()
}

pub async fn deliver(app: &TestApp) {
    let mut worker = Worker::new(app.state.clone());
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
}

/// Sends a check-in notice for `towns` at once and delivers it; returns its id.
pub async fn send_check_in(app: &TestApp, towns: &[&str], exercise: bool) -> i64 {
    let mut notice = notice_template("地震の安否確認", "disaster", towns, Urgency::Emergency, exercise);
    notice.check_in = true;
    let id = app.create(&notice).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    deliver(app).await;
    id
}

/// The path of a resident's check-in link in the mail to `email`.
pub fn check_in_path(app: &TestApp, email: &str, answer: &str) -> String {
    let mail = app
        .outbox()
        .into_iter()
        .rev()
        .find(|eml| header(eml, "To").as_deref() == Some(email))
        .unwrap_or_else(|| panic!("no mail to {email}"));
    let text = body_text(&mail);
    let marker = "https://anshin.example.jp/check-in/";
    let url = text
        .split(marker)
        .skip(1)
        .map(|rest| rest.split_whitespace().next().unwrap())
        .find(|link| link.ends_with(&format!("/{answer}")))
        .unwrap_or_else(|| panic!("no {answer} link in:\n{text}"));
    format!("/check-in/{url}")
}

async fn counts(app: &TestApp, id: i64) -> (i64, i64, i64) {
    let c = app.state.store.check_in_counts(id).await.unwrap();
    (c.safe, c.needs_help, c.unanswered)
}

#[tokio::test]
async fn a_resident_answers_from_the_mail_changes_the_answer_and_a_forged_link_finds_nothing() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    app.resident("hanako@docomo.ne.jp", &[("113611", "disaster")], Charset::Iso2022Jp, Lang::JA).await;
    app.resident("taro@example.jp", &[("113611", "disaster")], Charset::Utf8, Lang::JA).await;
    let id = send_check_in(&app, &["113611"], false).await;

    // The old phone's ISO-2022-JP mail carries the links too.
    let safe = check_in_path(&app, "hanako@docomo.ne.jp", "safe");
    let help = check_in_path(&app, "hanako@docomo.ne.jp", "help");
    assert_eq!(safe.trim_end_matches("/safe"), help.trim_end_matches("/help"), "one token, two answers");
    let taro = check_in_path(&app, "taro@example.jp", "safe");

    let opened = call(&web, get(&help)).await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.body.contains("地震の安否確認") && opened.body.contains("「支援が必要です」と回答する"));
    assert!(opened.body.contains("name=\"household\" value=\"1\""), "the household count starts at 1");
    assert!(!opened.body.to_lowercase().contains("<script"), "no script");
    let css = call(&web, get("/static/kizuna.css")).await.body;
    assert!(opened.body.len() + css.len() < 30 * 1024, "{} bytes with its CSS", opened.body.len() + css.len());
    assert_eq!(counts(&app, id).await, (0, 0, 2), "opening the link (as a mail scanner does) records nothing");

    let refused = call(&web, post(&help, &[("household", "0"), ("message", "")])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#household\""), "the error summary links to the field");
    assert!(refused.body.contains("人数は1から20まで"));
    assert_eq!(counts(&app, id).await, (0, 0, 2));

    let hostile = "<script>alert(1)</script>足を怪我しています";
    let recorded = call(&web, post(&help, &[("household", "３"), ("message", hostile)])).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.body);
    assert!(recorded.body.contains("回答を受け付けました") && recorded.body.contains("支援が必要です（3人）"));
    assert!(recorded.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;足を怪我しています"));
    assert!(!recorded.body.contains("<script>alert"), "the message comes back escaped");
    assert_eq!(counts(&app, id).await, (0, 1, 1));

    // Opened again, the page says what was answered; changing it replaces it.
    let again = call(&web, get(&safe)).await;
    assert!(again.body.contains("いまの回答：支援が必要です（3人）"), "{}", again.body);
    let changed = call(&web, post(&safe, &[("household", "2"), ("message", "")])).await;
    assert!(changed.body.contains("無事です（2人）"));
    assert_eq!(counts(&app, id).await, (1, 0, 1), "one answer per resident, the latest");

    let english = call(&web, get(&format!("{safe}?lang=en"))).await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("I am safe"));

    let other_answer = format!("{}/maybe", safe.trim_end_matches("/safe"));
    for forged in ["/check-in/forged-token-000000000000/safe", "/check-in/x/help", &other_answer] {
        let page = call(&web, get(forged)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{forged}");
        assert!(page.body.contains("このリンクは見つかりません"));
        let posted = call(&web, post(forged, &[("household", "1")])).await;
        assert_eq!(posted.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(counts(&app, id).await, (1, 0, 1));

    // A notice without a check-in has no such links, and its token answers nothing.
    let plain = app.draft("お知らせ", "disaster", &["113611"], Urgency::Normal, false).await;
    notices::send(&app.state, &emergency_staff(), plain).await.unwrap();
    deliver(&app).await;
    let last = app.outbox().into_iter().last().unwrap();
    let text = body_text(&last);
    assert!(!text.contains("/check-in/"), "{text}");
    let manage = text.split("https://anshin.example.jp/manage/").nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(call(&web, get(&format!("/check-in/{manage}/safe"))).await.status, StatusCode::NOT_FOUND);

    // Once the resident unsubscribes, their check-in link answers nothing.
    assert_eq!(call(&web, get(&taro)).await.status, StatusCode::OK);
    let subscriber = app.state.store.subscriber_by_email("taro@example.jp").await.unwrap().unwrap();
    app.state.store.unsubscribe_subscriber(subscriber.id, app.clock_now()).await.unwrap();
    assert_eq!(call(&web, get(&taro)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(&web, post(&taro, &[("household", "1"), ("message", "")])).await.status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&app, id).await, (1, 0, 1), "nothing recorded");
}
