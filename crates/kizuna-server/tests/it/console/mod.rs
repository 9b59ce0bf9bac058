//! The staff console over HTTP against a real store: signing in safely, the
//! second factor, the form token and origin checks, throttling, session expiry,
//! the role matrix over every route, and notices from writing to sending.

pub mod browser;
mod check_ins;
mod insight;
mod matrix;
mod notices;
mod residents;
mod settings;
mod staff;
mod surveys;

use axum::http::StatusCode;
use chrono::Duration;
use kizuna_core::staff::Role;
use kizuna_core::totp::TotpSecret;

use crate::support::spawn_app;
use browser::{Browser, PASSWORD, encode, staff};

#[tokio::test]
async fn the_one_time_password_must_be_changed_before_anything_else() {
    let app = spawn_app(&[], None).await;
    staff(&app, "author@town.yokoze.example", Some("113611"), Role::Author, false, true).await;
    let mut browser = Browser::new(&app);
    let signed = browser.sign_in("author@town.yokoze.example", PASSWORD).await;
    assert_eq!((signed.status, signed.location()), (StatusCode::SEE_OTHER, "/admin/password"));
    let home = browser.get("/admin").await;
    assert_eq!(home.location(), "/admin/password", "nothing else until the password is changed");
    let form = browser.get("/admin/password").await;
    assert!(form.body.contains("new_password_confirm"));

    let short = browser
        .post(
            "/admin/password",
            &[("current_password", PASSWORD), ("new_password", "short"), ("new_password_confirm", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("href=\"#new_password\""), "the error summary links to the field");
    let wrong = browser
        .post("/admin/password", &[("current_password", "not it"), ("new_password", "a much longer passphrase")])
        .await;
    assert!(wrong.body.contains("href=\"#current_password\""));
    let changed = browser
        .post(
            "/admin/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a much longer passphrase"),
                ("new_password_confirm", "a much longer passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/admin").await.status, StatusCode::OK);
    let mut again = Browser::new(&app);
    assert_eq!(again.sign_in("author@town.yokoze.example", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.sign_in("author@town.yokoze.example", "a much longer passphrase").await.location(), "/admin");
}

#[tokio::test]
async fn a_change_without_the_form_token_or_from_another_site_is_refused() {
    let app = spawn_app(&[], None).await;
    staff(&app, "author@town.yokoze.example", Some("113611"), Role::Author, false, false).await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in("author@town.yokoze.example", PASSWORD).await.location(), "/admin");
    browser.get("/admin/notices/new").await;
    let fields = [("title", "断水"), ("body", "明日断水します。"), ("category", "notice"), ("municipality", "113611")];
    let without_token = browser.post_raw("/admin/notices/new", encode(&fields), &[]).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    let token = browser.csrf.clone();
    let mut with_token = vec![("csrf_token", token.as_str())];
    with_token.extend_from_slice(&fields);
    let foreign =
        browser.post_raw("/admin/notices/new", encode(&with_token), &[("origin", "https://evil.example")]).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let cross_site =
        browser.post_raw("/admin/notices/new", encode(&with_token), &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let wrong_token = browser.post_raw("/admin/notices/new", encode(&[("csrf_token", "forged")]), &[]).await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);
    let listed = app
        .state
        .store
        .list_notices(&kizuna_store::NoticeFilter::within(kizuna_core::staff::Scope::AllMunicipalities, 10))
        .await
        .unwrap();
    assert!(listed.is_empty(), "no refused request created anything");
    let own = browser.post("/admin/notices/new", &fields).await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "the console's own form works: {}", own.body);

    let mut stranger = Browser::new(&app);
    let no_cookie = stranger
        .post_raw(
            "/admin/login",
            encode(&[("csrf_token", "x"), ("email", "author@town.yokoze.example"), ("password", PASSWORD)]),
            &[],
        )
        .await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN, "a sign-in posted from elsewhere is refused");
}

#[tokio::test]
async fn repeated_failures_wait_longer_and_the_right_password_still_works_afterwards() {
    let app = spawn_app(&[], None).await;
    staff(&app, "approver@city.chichibu.example", Some("112071"), Role::Approver, false, false).await;
    let mut browser = Browser::new(&app);
    for _ in 0..5 {
        let wrong = browser.sign_in("approver@city.chichibu.example", "guess").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let slowed = browser.sign_in("approver@city.chichibu.example", PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let wait: i64 = slowed.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(wait >= 1);
    assert!(!browser.has_session());

    // The approver at another office is not held up by failures from here.
    let mut elsewhere = Browser::new(&app).at_peer("198.51.100.20:50000");
    assert_eq!(elsewhere.sign_in("approver@city.chichibu.example", PASSWORD).await.location(), "/admin");

    app.clock.advance(Duration::seconds(wait));
    assert_eq!(browser.sign_in("approver@city.chichibu.example", PASSWORD).await.location(), "/admin");
    let entries = app.state.store.audit_entries(50).await.unwrap();
    let failures = entries.iter().filter(|e| e.action == "sign_in_failed").count();
    assert_eq!(failures, 5);
    assert!(entries.iter().all(|e| !e.subject.contains("approver@")), "addresses are masked in the log");
    assert!(entries.iter().any(|e| e.action == "sign_in" && e.client_address.as_deref() == Some("198.51.100.20")));
}

#[tokio::test]
async fn an_idle_or_old_session_is_refused() {
    let app = spawn_app(&[], None).await;
    staff(&app, "author@town.minano.example", Some("113620"), Role::Author, false, false).await;
    let mut idle = Browser::new(&app);
    idle.sign_in("author@town.minano.example", PASSWORD).await;
    assert_eq!(idle.get("/admin").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(31));
    let expired = idle.get("/admin").await;
    assert_eq!(expired.location(), "/admin/login?expired=1");
    assert_eq!(idle.get("/admin").await.location(), "/admin/login", "the session is gone for good");

    let mut busy = Browser::new(&app);
    busy.sign_in("author@town.minano.example", PASSWORD).await;
    for _ in 0..37 {
        app.clock.advance(Duration::minutes(20));
        if busy.get("/admin").await.status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(busy.get("/admin").await.location(), "/admin/login", "twelve hours is the longest a session lives");
}

/// The secret behind an enrolment page, read back from its key.
fn secret_from(page: &str) -> TotpSecret {
    let start = page.find("<code>").unwrap() + "<code>".len();
    let end = page[start..].find("</code>").unwrap() + start;
    let key: String = page[start..end].chars().filter(|c| !c.is_whitespace()).collect();
    TotpSecret::from_bytes(base32_decode(&key))
}

fn base32_decode(text: &str) -> Vec<u8> {
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => continue,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

#[tokio::test]
async fn the_emergency_right_needs_a_second_factor_and_a_code_works_once() {
    let app = spawn_app(&[], None).await;
    staff(&app, "bousai@city.chichibu.example", Some("112071"), Role::Approver, true, false).await;
    let mut browser = Browser::new(&app);
    let signed = browser.sign_in("bousai@city.chichibu.example", PASSWORD).await;
    assert_eq!(signed.location(), "/admin/second-factor/setup");
    assert_eq!(browser.get("/admin/notices").await.location(), "/admin/second-factor/setup");
    let setup = browser.get("/admin/second-factor/setup").await;
    assert!(setup.body.contains("otpauth://totp/"), "the URI is shown");
    assert!(setup.body.contains("<svg"), "and the QR code");
    let secret = secret_from(&setup.body);
    let offer = setup.field("offer").unwrap();
    let now = app.clock_now().timestamp();
    let wrong = browser.post("/admin/second-factor/setup", &[("offer", &offer), ("code", "000000")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = format!("{:06}", secret.code_at(now));
    let enrolled = browser.post("/admin/second-factor/setup", &[("offer", &offer), ("code", &code)]).await;
    assert_eq!(enrolled.status, StatusCode::OK);
    let recovery: Vec<String> = enrolled
        .body
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split("</code>").next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(browser.get("/admin").await.status, StatusCode::OK);
    let stored = app.state.store.staff_by_email("bousai@city.chichibu.example").await.unwrap().unwrap();
    assert!(!stored.totp_secret.unwrap().contains(&secret.base32()), "the secret is stored sealed");

    let mut phone = Browser::new(&app);
    assert_eq!(phone.sign_in("bousai@city.chichibu.example", PASSWORD).await.location(), "/admin/second-factor");
    assert_eq!(phone.get("/admin").await.location(), "/admin/second-factor");
    let reused = phone.post("/admin/second-factor", &[("code", &code)]).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED, "a code is accepted once");
    app.clock.advance(Duration::seconds(30));
    let next = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
    assert_eq!(phone.post("/admin/second-factor", &[("code", &next)]).await.location(), "/admin");

    let mut lost_phone = Browser::new(&app);
    lost_phone.sign_in("bousai@city.chichibu.example", PASSWORD).await;
    let with_recovery = lost_phone.post("/admin/second-factor", &[("code", &recovery[0].to_uppercase())]).await;
    assert_eq!(with_recovery.location(), "/admin", "a recovery code works");
    let mut again = Browser::new(&app);
    again.sign_in("bousai@city.chichibu.example", PASSWORD).await;
    assert_eq!(again.post("/admin/second-factor", &[("code", &recovery[0])]).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn console_pages_forbid_framing_and_inline_script_and_are_never_cached() {
    let app = spawn_app(&[], None).await;
    let mut browser = Browser::new(&app);
    let login = browser.get("/admin/login").await;
    let csp = login.headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(login.headers.get("cache-control").unwrap(), "private, no-store");
    assert!(!login.body.contains("<script>"), "no inline script");
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn the_console_answers_only_its_networks_when_they_are_set() {
    let app = spawn_app(&[("KIZUNA_CONSOLE_NETWORKS", "10.20.0.0/16")], None).await;
    let mut outside = Browser::new(&app);
    assert_eq!(outside.get("/admin/login").await.status, StatusCode::FORBIDDEN);
    let mut inside = Browser::new(&app).at_peer("10.20.3.4:40000");
    assert_eq!(inside.get("/admin/login").await.status, StatusCode::OK);
    assert_eq!(outside.get("/").await.status, StatusCode::OK, "public pages are not affected");
}
