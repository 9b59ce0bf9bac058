//! Residents on the web: register with double opt-in, confirm, change choices,
//! unsubscribe (RFC 8058 one-click too) and erase, over HTTP against a real
//! store and the file outbox.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::notice::Urgency;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::token::TokenHash;
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::jobs::housekeeping_step;
use kizuna_server::links::{self, LinkPurpose};
use kizuna_server::notices;
use kizuna_server::secrets::{SecretKeys, new_key_line};
use kizuna_server::state::AppState;
use tower::ServiceExt;

use crate::support::*;

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn call(router: &Router, request: Request<Body>) -> Page {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Page { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post(uri: &str, body: String) -> Request<Body> {
    Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap()
}

fn from(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let addr: SocketAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// A complete, valid registration for `email`.
fn registration(email: &str) -> String {
    form(&[
        ("source", "web"),
        ("email", email),
        ("municipality", "113620"),
        ("municipality", "112071"),
        ("scope", "chosen"),
        ("category", "disaster"),
        ("category", "event"),
        ("format", "text"),
        ("charset", "utf-8"),
        ("language", "ja"),
    ])
}

/// The token of the first `{base}/{path}/TOKEN` link in a mail body.
fn link_token(body: &str, path: &str) -> String {
    let marker = format!("https://anshin.example.jp/{path}/");
    let rest = body.split(&marker).nth(1).unwrap_or_else(|| panic!("no {marker} link in:\n{body}"));
    rest.split_whitespace().next().unwrap().to_owned()
}

async fn run_worker(app: &TestApp) {
    let mut worker = Worker::new(app.state.clone());
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
}

/// Sends a disaster notice to 皆野町 and returns how many residents it was queued for.
async fn disaster_notice(app: &TestApp) -> u64 {
    let id = app.draft("避難所開設のお知らせ", "disaster", &["113620"], Urgency::Emergency, false).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap().queued
}

async fn status_of(app: &TestApp, email: &str) -> Option<SubscriberStatus> {
    app.state.store.subscriber_by_email(email).await.unwrap().map(|s| s.status)
}

#[tokio::test]
async fn a_resident_registers_confirms_changes_choices_and_leaves() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());

    let form_page = call(&web, get("/register")).await;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.body.contains("メール配信の登録") && form_page.body.contains("method=\"post\""));

    let sent = call(&web, post("/register", registration("hanako@docomo.ne.jp"))).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("確認のメールを送りました") && sent.body.contains("hanako@docomo.ne.jp"));
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, Some(SubscriberStatus::Pending));
    assert_eq!(disaster_notice(&app).await, 0, "nothing reaches an unconfirmed address");

    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(header(mail, "To").as_deref(), Some("hanako@docomo.ne.jp"));
    assert_eq!(header(mail, "Auto-Submitted").as_deref(), Some("auto-generated"));
    assert_eq!(header(mail, "Return-Path").as_deref(), Some("<bounce@anshin.example.jp>"));
    assert!(decode_subject(&header(mail, "Subject").unwrap()).contains("登録の確認"));
    let text = body_text(mail);
    assert!(text.contains("皆野町") && text.contains("イベント・地域情報") && text.contains("24時間"), "{text}");
    assert!(text.find("登録を完了する") < text.find("Complete registration"), "Japanese first: {text}");
    let token = link_token(&text, "confirm");
    assert!(!header(mail, "Message-ID").unwrap().contains(&token), "the token stays out of headers");

    // Mail scanners open links: a GET only shows the button.
    let confirm = call(&web, get(&format!("/confirm/{token}"))).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("登録を完了する") && confirm.body.contains(&format!("action=\"/confirm/{token}\"")));
    assert_eq!(confirm.headers.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, Some(SubscriberStatus::Pending));

    let done = call(&web, post(&format!("/confirm/{token}"), String::new())).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("登録が完了しました"), "{}", done.body);
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, Some(SubscriberStatus::Active));
    assert_eq!(disaster_notice(&app).await, 1, "the confirmed resident now receives notices");

    let manage = call(&web, get(&format!("/manage/{token}"))).await;
    assert_eq!(manage.status, StatusCode::OK);
    assert!(manage.body.contains("ha***@docomo.ne.jp"), "the address is shown masked");
    assert!(manage.body.contains("id=\"municipality-113620\" name=\"municipality\" value=\"113620\" checked"));
    assert!(manage.body.contains("id=\"category-event\" name=\"category\" value=\"event\" checked"));

    let change = form(&[
        ("municipality", "113654"),
        ("scope", "emergency"),
        ("format", "html"),
        ("charset", "iso-2022-jp"),
        ("language", "en"),
    ]);
    let changed = call(&web, post(&format!("/manage/{token}"), change)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(changed.body.contains("変更を保存しました"));
    let resident = app.state.store.subscriber_by_email("hanako@docomo.ne.jp").await.unwrap().unwrap();
    assert_eq!(
        (resident.emergency_only, resident.format, resident.charset, resident.language),
        (true, MailFormat::Html, Charset::Iso2022Jp, Lang::EN)
    );
    let choices: Vec<String> = app
        .state
        .store
        .subscriptions(resident.id)
        .await
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}", s.municipality, s.category))
        .collect();
    assert_eq!(choices, ["113654:disaster", "113654:weather"]);

    // The resident now reads English unless they ask for Japanese.
    let leave = call(&web, get(&format!("/unsubscribe/{token}"))).await;
    assert_eq!(leave.status, StatusCode::OK);
    assert!(leave.body.contains("<html lang=\"en\">") && leave.body.contains("Stop all mails"), "{}", leave.body);
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, Some(SubscriberStatus::Active), "GET changes nothing");
    let left = call(&web, post(&format!("/unsubscribe/{token}?lang=ja"), String::new())).await;
    assert_eq!(left.status, StatusCode::OK);
    assert!(left.body.contains("配信を停止しました"));
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, Some(SubscriberStatus::Unsubscribed));
    assert!(app.state.store.subscriptions(resident.id).await.unwrap().is_empty(), "choices go at once");

    // Unsubscribed addresses are erased after the retention period.
    let holder = kizuna_server::jobs::holder_id();
    app.clock.advance(Duration::days(31));
    let outcome = housekeeping_step(&app.state, &holder).await.unwrap();
    assert_eq!(outcome.erased_unsubscribed, 1);
    assert_eq!(status_of(&app, "hanako@docomo.ne.jp").await, None);
    assert!(app.state.store.is_suppressed(&TokenHash::of("hanako@docomo.ne.jp")).await.unwrap());
}

#[tokio::test]
async fn one_click_unsubscribe_from_a_notice_mail_needs_no_cookies() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    app.resident("jiro@ezweb.ne.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    assert_eq!(disaster_notice(&app).await, 1);
    run_worker(&app).await;
    let mail = app.outbox().pop().unwrap();
    let list_unsubscribe = header(&mail, "List-Unsubscribe").unwrap();
    let url = list_unsubscribe.split('<').nth(1).unwrap().split('>').next().unwrap().to_owned();
    let path = url.strip_prefix("https://anshin.example.jp").unwrap().to_owned();

    // The manage link of the same mail opens the resident's page.
    let manage_token = link_token(&body_text(&mail), "manage");
    assert_eq!(call(&web, get(&format!("/manage/{manage_token}"))).await.status, StatusCode::OK);

    // What a mail provider sends (RFC 8058 §3.1): no cookies, no JavaScript.
    let one_click = call(&web, post(&path, "List-Unsubscribe=One-Click".to_owned())).await;
    assert_eq!(one_click.status, StatusCode::OK);
    assert!(one_click.headers.get(header::SET_COOKIE).is_none());
    assert_eq!(status_of(&app, "jiro@ezweb.ne.jp").await, Some(SubscriberStatus::Unsubscribed));
    assert_eq!(disaster_notice(&app).await, 0, "no more mail");

    // Some providers post multipart; a second click is harmless.
    let again = Request::post(&path)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .body(Body::from(
            "--x\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--x--\r\n",
        ))
        .unwrap();
    let second = call(&web, again).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.body.contains("すでに停止しています"));
}

/// The keys of a key file holding `lines`, written next to the app's data.
fn key_file(app: &TestApp, name: &str, lines: &str) -> Arc<SecretKeys> {
    let path = app.dir.join(name);
    std::fs::write(&path, lines).unwrap();
    Arc::new(SecretKeys::load_or_create(&path).unwrap().0)
}

/// The router of the app as if it had started with other keys.
fn with_keys(app: &TestApp, secrets: Arc<SecretKeys>) -> Router {
    kizuna_server::web::router(AppState { secrets, ..app.state.clone() })
}

/// A notice mail's links are derived from the delivery under the secret key:
/// they survive a rotation that keeps the old key, are refused under any other
/// key, and end when the resident unsubscribes or is erased.
#[tokio::test]
async fn a_mailed_link_holds_through_key_rotation_and_ends_with_the_resident() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    app.resident("saburo@ezweb.ne.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    assert_eq!(disaster_notice(&app).await, 1);
    run_worker(&app).await;
    let token = link_token(&body_text(&app.outbox().pop().unwrap()), "manage");
    let manage = format!("/manage/{token}");
    assert_eq!(call(&web, get(&manage)).await.status, StatusCode::OK);
    let delivery: i64 = token.split('-').next().unwrap().parse().unwrap();

    // A rotation puts a new key first and keeps the old one below it.
    let old = std::fs::read_to_string(app.state.settings.console.secret_key_path(&app.dir)).unwrap();
    let rotated = key_file(&app, "rotated.key", &format!("{}{old}", new_key_line("2").unwrap()));
    let after_rotation = with_keys(&app, rotated.clone());
    assert_eq!(call(&after_rotation, get(&manage)).await.status, StatusCode::OK, "a link sent before still works");
    let new_link = links::token(&rotated, LinkPurpose::Resident, delivery);
    assert_ne!(new_link, token, "the new key signs new links");
    assert_eq!(call(&after_rotation, get(&format!("/manage/{new_link}"))).await.status, StatusCode::OK);
    // Once the old key is dropped, its links end; a link under another key never worked.
    let only_new = with_keys(&app, key_file(&app, "new-only.key", &new_key_line("2").unwrap()));
    assert_eq!(call(&only_new, get(&manage)).await.status, StatusCode::NOT_FOUND);
    let other = key_file(&app, "other.key", &new_key_line("1").unwrap());
    let forged = links::token(&other, LinkPurpose::Resident, delivery);
    let page = call(&web, get(&format!("/manage/{forged}"))).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("このリンクは使えません"));

    // Once unsubscribed, the link shows and changes nothing but says so and offers erasure.
    let unsubscribe = format!("/unsubscribe/{token}");
    assert_eq!(call(&web, post(&unsubscribe, String::new())).await.status, StatusCode::OK);
    for request in [
        get(&manage),
        post(&manage, "municipality=113620&category=weather&language=ja".into()),
        get(&format!("{manage}/monitor")),
    ] {
        let page = call(&web, request).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let to = page.headers.get(header::LOCATION).unwrap().to_str().unwrap();
        assert!(to.starts_with(&unsubscribe), "{to}");
        assert!(!page.body.contains("saburo") && !page.body.contains("sa***"), "no address shows");
    }
    assert_eq!(status_of(&app, "saburo@ezweb.ne.jp").await, Some(SubscriberStatus::Unsubscribed));
    let resident = app.state.store.subscriber_by_email("saburo@ezweb.ne.jp").await.unwrap().unwrap();
    assert!(app.state.store.subscriptions(resident.id).await.unwrap().is_empty(), "no choice came back");
    let stopped = call(&web, get(&unsubscribe)).await;
    assert!(stopped.body.contains("すでに停止しています") && stopped.body.contains(&format!("{manage}/erase")));

    // Erased, the link names nobody.
    assert_eq!(call(&web, post(&format!("{manage}/erase"), String::new())).await.status, StatusCode::OK);
    assert_eq!(status_of(&app, "saburo@ezweb.ne.jp").await, None);
    for path in [manage.clone(), unsubscribe, format!("{manage}/erase")] {
        assert_eq!(call(&web, get(&path)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_registered_address_gets_the_same_page_and_a_manage_link_by_mail() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let known = app.resident("known@example.jp", &[("112071", "crime")], Charset::Utf8, Lang::JA).await;

    let for_new = call(&web, post("/register", registration("fresh@example.jp"))).await;
    let for_known = call(&web, post("/register", registration("known@example.jp"))).await;
    assert_eq!((for_new.status, for_known.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(
        for_new.body.replace("fresh@example.jp", "ADDRESS"),
        for_known.body.replace("known@example.jp", "ADDRESS"),
        "the page never tells whether an address is registered"
    );

    let mails = app.outbox();
    assert_eq!(mails.len(), 2);
    let to_known = mails.iter().find(|m| m.contains("To: known@example.jp")).unwrap();
    let text = body_text(to_known);
    assert!(decode_subject(&header(to_known, "Subject").unwrap()).contains("すでに登録されています"));
    assert!(!text.contains("/confirm/"), "{text}");
    let token = link_token(&text, "manage");
    let manage = call(&web, get(&format!("/manage/{token}"))).await;
    assert_eq!(manage.status, StatusCode::OK);
    assert!(manage.body.contains("kn***@example.jp"));

    // Nothing about the registered resident changed.
    let resident = app.state.store.subscriber(known).await.unwrap().unwrap();
    assert_eq!(resident.status, SubscriberStatus::Active);
    let choices = app.state.store.subscriptions(known).await.unwrap();
    assert_eq!(choices.len(), 1);
    assert_eq!(choices[0].category.as_str(), "crime");
}

#[tokio::test]
async fn an_expired_confirmation_link_activates_nothing_and_is_erased() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    call(&web, post("/register", registration("late@example.jp"))).await;
    let token = link_token(&body_text(&app.outbox()[0]), "confirm");

    app.clock.advance(Duration::hours(25));
    let opened = call(&web, get(&format!("/confirm/{token}"))).await;
    assert_eq!(opened.status, StatusCode::NOT_FOUND);
    assert!(opened.body.contains("このリンクは使えません") && opened.body.contains("<main"), "{}", opened.body);
    assert!(opened.body.contains("メール配信に登録する"), "it points to a fresh registration");
    let pressed = call(&web, post(&format!("/confirm/{token}"), String::new())).await;
    assert_eq!(pressed.status, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&app, "late@example.jp").await, Some(SubscriberStatus::Pending));

    let outcome = housekeeping_step(&app.state, "test-holder").await.unwrap();
    assert_eq!(outcome.expired_registrations, 1);
    assert_eq!(status_of(&app, "late@example.jp").await, None, "the unconfirmed address is gone");
}

#[tokio::test]
async fn confirmation_time_is_configurable() {
    let app = spawn_app(&[("KIZUNA_CONFIRMATION_HOURS", "2")], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let sent = call(&web, post("/register", registration("soon@example.jp"))).await;
    assert!(sent.body.contains("2時間以内"), "{}", sent.body);
    let token = link_token(&body_text(&app.outbox()[0]), "confirm");
    app.clock.advance(Duration::minutes(121));
    assert_eq!(call(&web, post(&format!("/confirm/{token}"), String::new())).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_unknown_link_gets_a_friendly_page_in_the_residents_language() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for path in [format!("/manage/{forged}"), format!("/unsubscribe/{forged}"), "/confirm/x".to_owned()] {
        let page = call(&web, get(&path)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html lang=\"ja\">") && page.body.contains("このリンクは使えません"), "{path}");
    }
    let english = call(&web, get(&format!("/manage/{forged}?lang=en"))).await;
    assert_eq!(english.status, StatusCode::NOT_FOUND);
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("This link does not work"));
    let browser = Request::get(format!("/unsubscribe/{forged}"))
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8,ja;q=0.5")
        .body(Body::empty())
        .unwrap();
    assert!(call(&web, browser).await.body.contains("This link does not work"), "the browser's first language");
    let posted = call(&web, post(&format!("/unsubscribe/{forged}"), "List-Unsubscribe=One-Click".into())).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
}

/// A rejected form: the error is tied to its field, and nothing was stored or sent.
async fn assert_refused(app: &TestApp, web: &Router, body: String, field: &str, message: &str) {
    let page = call(web, post("/register", body)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", page.body);
    let error_id = format!("{field}-error");
    assert!(page.body.contains(&format!("id=\"{error_id}\"")), "{field}: no message at the field");
    assert!(page.body.contains(message), "{field}: expected {message:?} in\n{}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\""), "{field}");
    let described = format!("aria-describedby=\"{error_id}\"");
    let described_email = "aria-describedby=\"email-hint email-error\"";
    assert!(page.body.contains(&described) || (field == "email" && page.body.contains(described_email)), "{field}");
    assert!(page.body.contains("class=\"error-summary\"") && page.body.contains("<title>入力エラー"), "{field}");
    assert!(!page.body.contains("<script>"), "nothing hostile comes back unescaped");
    assert_eq!(app.state.store.subscriber(1).await.unwrap(), None, "{field}: nothing stored");
    assert!(app.outbox().is_empty(), "{field}: nothing sent");
}

#[tokio::test]
async fn hostile_input_is_refused_at_its_field_and_nothing_is_stored() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let long = format!("{}@example.jp", "a".repeat(400));
    let valid = |replace: &str, value: &str| -> String {
        let mut pairs = vec![
            ("email", "ok@example.jp"),
            ("municipality", "112071"),
            ("scope", "chosen"),
            ("category", "disaster"),
            ("format", "text"),
            ("charset", "utf-8"),
            ("language", "ja"),
        ];
        pairs.retain(|(k, _)| *k != replace);
        if !value.is_empty() {
            pairs.push((replace, value));
        }
        form(&pairs)
    };
    assert_refused(&app, &web, valid("email", &long), "email", "長すぎます").await;
    assert_refused(&app, &web, valid("email", "taro\u{7}@example.jp"), "email", "「@」の前の部分").await;
    assert_refused(&app, &web, valid("email", "<script>alert(1)</script>@example.jp"), "email", "&#60;script&#62;")
        .await;
    assert_refused(&app, &web, valid("email", ""), "email", "メールアドレスを入力してください").await;
    assert_refused(&app, &web, valid("municipality", "abc"), "municipality", "対象ではないもの").await;
    assert_refused(&app, &web, valid("municipality", ""), "municipality", "市町村を1つ以上選んでください").await;
    assert_refused(&app, &web, valid("category", "lottery"), "category", "存在しないもの").await;
    assert_refused(&app, &web, valid("category", "staff"), "category", "存在しないもの").await;
    assert_refused(&app, &web, valid("category", ""), "category", "分類を1つ以上").await;
    assert_refused(&app, &web, valid("scope", "all\u{0}"), "scope", "どちらかを選んでください").await;
    assert_refused(&app, &web, valid("format", "pdf"), "format", "メールの形式は").await;
    assert_refused(&app, &web, valid("charset", "shift_jis"), "charset", "文字コードは").await;
    assert_refused(&app, &web, valid("language", "fr"), "language", "メールの言語は").await;

    // Every error at once, each with its own link in the summary.
    let everything = call(&web, post("/register", form(&[("email", "x"), ("municipality", "999999")]))).await;
    assert_eq!(everything.status, StatusCode::UNPROCESSABLE_ENTITY);
    for anchor in ["href=\"#email\"", "href=\"#municipality-112071\"", "href=\"#scope-emergency\""] {
        assert!(everything.body.contains(anchor), "{anchor}");
    }
    assert!(everything.body.contains("value=\"x\""), "the resident's input is kept");

    // English errors for an English page.
    let english = call(&web, post("/register?lang=en", valid("municipality", "abc"))).await;
    assert!(english.body.contains("One of the chosen municipalities is not part of this service."));

    // A JSON body, or one far too large, is not a registration.
    let json = Request::post("/register")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"email\":\"json@example.jp\"}"))
        .unwrap();
    let refused = call(&web, json).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"email-error\""));
    let huge = call(&web, post("/register", valid("email", &"a".repeat(20_000)))).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.body.contains("入力が長すぎます") && huge.body.contains("<main"));
    assert_eq!(app.state.store.subscriber(1).await.unwrap(), None);
    assert!(app.outbox().is_empty());
}

#[tokio::test]
async fn hostile_changes_on_the_manage_page_change_nothing() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let id = app.resident("keep@example.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    disaster_notice(&app).await;
    run_worker(&app).await;
    let token = link_token(&body_text(&app.outbox()[0]), "manage");
    let bad = form(&[("municipality", "113620"), ("scope", "chosen"), ("category", "<b>x</b>")]);
    let page = call(&web, post(&format!("/manage/{token}"), bad)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"category-error\"") && !page.body.contains("<b>x</b>"));
    let none = call(&web, post(&format!("/manage/{token}"), form(&[("scope", "emergency")]))).await;
    assert!(none.body.contains("市町村を1つ以上選んでください"));
    let choices = app.state.store.subscriptions(id).await.unwrap();
    assert_eq!(choices.len(), 1, "{choices:?}");
    assert_eq!(choices[0].category.as_str(), "disaster");
}

#[tokio::test]
async fn a_full_width_address_registers_in_its_normal_form() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let sent = call(&web, post("/register", registration("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"))).await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(sent.body.contains("taro@example.jp あてに"), "the normal form is shown back");
    assert_eq!(status_of(&app, "taro@example.jp").await, Some(SubscriberStatus::Pending));
    assert_eq!(header(&app.outbox()[0], "To").as_deref(), Some("taro@example.jp"));
}

#[tokio::test]
async fn erase_my_data_keeps_only_the_suppression_hash_until_the_resident_returns() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let id = app.resident("erase@softbank.ne.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    disaster_notice(&app).await;
    run_worker(&app).await;
    let token = link_token(&body_text(&app.outbox()[0]), "manage");

    let ask = call(&web, get(&format!("/manage/{token}/erase"))).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("元に戻すことはできません") && ask.body.contains("登録情報を削除する"));
    assert!(app.state.store.subscriber(id).await.unwrap().is_some(), "GET erases nothing");
    let erased = call(&web, post(&format!("/manage/{token}/erase"), String::new())).await;
    assert_eq!(erased.status, StatusCode::OK);
    assert!(erased.body.contains("登録情報を削除しました"));
    assert_eq!(app.state.store.subscriber(id).await.unwrap(), None);
    assert!(app.state.store.subscriptions(id).await.unwrap().is_empty());
    let hash = TokenHash::of("erase@softbank.ne.jp");
    assert!(app.state.store.is_suppressed(&hash).await.unwrap());
    let audit = app.state.store.audit_entries(10).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "erase_self" && !e.detail.contains("erase@")), "{audit:?}");
    assert_eq!(call(&web, get(&format!("/manage/{token}"))).await.status, StatusCode::NOT_FOUND);

    // Registering again goes through the confirmation link, which lifts the suppression.
    call(&web, post("/register", registration("erase@softbank.ne.jp"))).await;
    let confirm = link_token(&body_text(app.outbox().last().unwrap()), "confirm");
    assert!(app.state.store.is_suppressed(&hash).await.unwrap(), "not before the link is followed");
    call(&web, post(&format!("/confirm/{confirm}"), String::new())).await;
    assert_eq!(status_of(&app, "erase@softbank.ne.jp").await, Some(SubscriberStatus::Active));
    assert!(!app.state.store.is_suppressed(&hash).await.unwrap());
    assert_eq!(disaster_notice(&app).await, 1);
}

#[tokio::test]
async fn a_poster_qr_code_records_its_source_and_municipality() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let page = call(&web, get("/register?source=web_qr&municipality=113638")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"municipality-113638\" name=\"municipality\" value=\"113638\" checked"));
    assert!(!page.body.contains("value=\"112071\" checked"), "only the poster's town is ticked");
    assert!(
        page.body.contains("name=\"source\" value=\"web_qr\"")
            && page.body.contains("name=\"poster\" value=\"113638\"")
    );
    let unescaped = page.body.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        unescaped.contains("href=\"/register?source=web_qr&municipality=113638&lang=en\""),
        "the switch keeps the poster"
    );

    let body = form(&[
        ("source", "web_qr"),
        ("poster", "113638"),
        ("email", "qr@example.jp"),
        ("municipality", "113638"),
        ("scope", "emergency"),
    ]);
    assert_eq!(call(&web, post("/register", body)).await.status, StatusCode::OK);
    let resident = app.state.store.subscriber_by_email("qr@example.jp").await.unwrap().unwrap();
    assert_eq!(resident.source, RegistrationSource::WebQr);
    assert_eq!(resident.source_municipality.as_ref().map(|c| c.as_str()), Some("113638"));
    assert!(resident.emergency_only);

    // A tampered source or poster falls back to a plain web registration.
    let tampered = form(&[
        ("source", "import"),
        ("poster", "999999"),
        ("email", "web@example.jp"),
        ("municipality", "112071"),
        ("scope", "emergency"),
    ]);
    call(&web, post("/register", tampered)).await;
    let resident = app.state.store.subscriber_by_email("web@example.jp").await.unwrap().unwrap();
    assert_eq!((resident.source, resident.source_municipality), (RegistrationSource::Web, None));
}

#[tokio::test]
async fn mails_per_address_and_per_network_are_limited_without_revealing_anything() {
    let app =
        spawn_app(&[("KIZUNA_REGISTER_LIMIT_PER_ADDRESS", "2"), ("KIZUNA_REGISTER_LIMIT_PER_IP", "4")], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let pages: Vec<String> = {
        let mut pages = Vec::new();
        for _ in 0..3 {
            let page = call(&web, from(post("/register", registration("again@example.jp")), "198.51.100.1:5000")).await;
            assert_eq!(page.status, StatusCode::OK);
            pages.push(page.body);
        }
        pages
    };
    assert_eq!(pages[0], pages[2], "the limited request reads the same");
    assert_eq!(app.outbox().len(), 2, "the third mail was withheld");

    // Four registrations per network: the fifth is asked to wait, its input kept.
    call(&web, from(post("/register", registration("one@example.jp")), "203.0.113.7:1")).await;
    call(&web, from(post("/register", registration("two@example.jp")), "203.0.113.7:2")).await;
    call(&web, from(post("/register", registration("three@example.jp")), "203.0.113.7:3")).await;
    call(&web, from(post("/register", registration("four@example.jp")), "203.0.113.7:4")).await;
    let busy = call(&web, from(post("/register", registration("five@example.jp")), "203.0.113.7:5")).await;
    assert_eq!(busy.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(busy.body.contains("10分ほど待って") && busy.body.contains("value=\"five@example.jp\""));
    assert_eq!(status_of(&app, "five@example.jp").await, None);
    let elsewhere = call(&web, from(post("/register", registration("six@example.jp")), "192.0.2.9:1")).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "another network is not held up");
    app.clock.advance(Duration::minutes(10));
    let later = call(&web, from(post("/register", registration("five@example.jp")), "203.0.113.7:6")).await;
    assert_eq!(later.status, StatusCode::OK, "the window has passed");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_resident_is_counted_by_the_forwarded_address() {
    let env = [("KIZUNA_REGISTER_LIMIT_PER_IP", "1"), ("KIZUNA_TRUSTED_PROXY_HEADER", "X-Forwarded-For")];
    let app = spawn_app(&env, None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let via_proxy = |email: &str, client: &str| {
        let mut request = from(post("/register", registration(email)), "127.0.0.1:40000");
        request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
        request
    };
    assert_eq!(call(&web, via_proxy("a@example.jp", "203.0.113.1")).await.status, StatusCode::OK);
    assert_eq!(call(&web, via_proxy("b@example.jp", "203.0.113.2")).await.status, StatusCode::OK);
    assert_eq!(call(&web, via_proxy("c@example.jp", "203.0.113.1")).await.status, StatusCode::TOO_MANY_REQUESTS);
    // A client that is not the proxy cannot choose its own address with the header.
    let mut forged = from(post("/register", registration("d@example.jp")), "198.51.100.77:1");
    forged.headers_mut().insert("x-forwarded-for", "203.0.113.99".parse().unwrap());
    assert_eq!(call(&web, forged).await.status, StatusCode::OK);
    let mut again = from(post("/register", registration("e@example.jp")), "198.51.100.77:2");
    again.headers_mut().insert("x-forwarded-for", "203.0.113.100".parse().unwrap());
    assert_eq!(call(&web, again).await.status, StatusCode::TOO_MANY_REQUESTS, "counted by its real address");
}

/// Landmarks, language, a heading and a label for every control, in under 30 KB.
fn assert_accessible(what: &str, body: &str) {
    assert!(body.len() < 30 * 1024, "{what}: {} bytes", body.len());
    assert!(body.contains("<html lang=\"ja\">") || body.contains("<html lang=\"en\">"), "{what}: lang");
    assert!(body.contains("<main id=\"main\">") && body.contains("<h1"), "{what}: main and h1");
    assert!(body.contains("<meta name=\"viewport\""), "{what}: viewport for 320 px");
    for input in body.split("<input").skip(1) {
        let tag = input.split('>').next().unwrap();
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag.split("id=\"").nth(1).and_then(|rest| rest.split('"').next());
        let id = id.unwrap_or_else(|| panic!("{what}: an input without id: {tag}"));
        assert!(body.contains(&format!("<label for=\"{id}\"")), "{what}: no label for {id}");
    }
    for select in ["<select", "<textarea"] {
        assert!(!body.contains(select), "{what}: unexpected {select} without a check");
    }
}

#[tokio::test]
async fn every_resident_page_is_small_labelled_and_in_its_language() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let mut pages: Vec<(String, Page)> = Vec::new();
    for path in ["/register", "/register?lang=en", "/privacy", "/privacy?lang=en", "/manage/unknown-token-0000000000"] {
        pages.push((path.to_owned(), call(&web, get(path)).await));
    }
    pages.push(("sent".into(), call(&web, post("/register", registration("page@example.jp"))).await));
    pages.push(("errors".into(), call(&web, post("/register?lang=en", form(&[("email", "bad")]))).await));
    let token = link_token(&body_text(&app.outbox()[0]), "confirm");
    for (what, request) in [
        ("confirm", get(&format!("/confirm/{token}"))),
        ("confirmed", post(&format!("/confirm/{token}"), String::new())),
        ("manage", get(&format!("/manage/{token}"))),
        ("manage en", get(&format!("/manage/{token}?lang=en"))),
        ("unsubscribe", get(&format!("/unsubscribe/{token}"))),
        ("erase", get(&format!("/manage/{token}/erase"))),
        ("unsubscribed", post(&format!("/unsubscribe/{token}"), String::new())),
        // After leaving, the manage link goes here (tested elsewhere).
        ("unsubscribed earlier", get(&format!("/unsubscribe/{token}"))),
    ] {
        pages.push((what.to_owned(), call(&web, request).await));
    }
    for (what, page) in &pages {
        assert!(page.status.is_success() || page.status.is_client_error(), "{what}: {}", page.status);
        assert_accessible(what, &page.body);
    }
    let english = &pages.iter().find(|(w, _)| w == "/register?lang=en").unwrap().1;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Register for alert mails"));
    assert!(english.body.contains("lang=\"ja\">秩父市</span>"), "Japanese names are marked as Japanese");
    let privacy = &pages.iter().find(|(w, _)| w == "/privacy").unwrap().1;
    for topic in [
        "保存する情報",
        "保存する期間",
        "情報を見ることができる人",
        "変更・停止・削除の方法",
        "24時間",
        "30日後",
        "個人情報の保護に関する法律",
        "情報政策課",
    ] {
        assert!(privacy.body.contains(topic), "privacy page: {topic}");
    }
    let home = call(&web, get("/")).await;
    assert!(home.body.contains("href=\"/register\"") && home.body.contains("href=\"/privacy\""));
}
