//! The console's reference data, emergency templates and quiet hours: changes
//! reach the running process without a restart, templates fill the compose
//! form, and during quiet hours normal notices wait while emergencies go.

use axum::http::StatusCode;
use chrono::TimeZone;
use kizuna_core::Lang;
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_core::staff::Role;
use kizuna_core::subscriber::Charset;
use kizuna_core::totp::TotpSecret;
use kizuna_server::delivery::{Outcome, Worker};

use super::browser::{Browser, PASSWORD, staff};
use crate::support::{TestApp, spawn_app};

async fn region_admin(app: &TestApp) -> Browser {
    let id = staff(app, "region@example.jp", None, Role::ConsortiumAdmin, false, false).await;
    let secret = TotpSecret::from_bytes(b"settings test secret".to_vec());
    let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
    app.state.store.set_second_factor(id, Some(&sealed), &[]).await.unwrap();
    let mut browser = Browser::new(app);
    browser.sign_in("region@example.jp", PASSWORD).await;
    let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
    assert_eq!(browser.post("/admin/second-factor", &[("code", &code)]).await.location(), "/admin");
    browser
}

#[tokio::test]
async fn reference_data_changed_at_the_console_is_used_without_a_restart() {
    let app = spawn_app(&[], None).await;
    let follower =
        kizuna_server::directory::Follower::listen(app.state.store.clone(), app.state.directory.clone()).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let follower = tokio::spawn(follower.run(stopped));
    app.resident("r@example.jp", &[("113620", "notice")], Charset::Utf8, Lang::Ja).await;
    let mut admin = region_admin(&app).await;
    admin.get("/admin/settings").await;
    let bad = admin
        .post("/admin/settings/municipalities/113620", &[("name_ja", ""), ("name_en", "x"), ("sender_local", "x")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    admin
        .post(
            "/admin/settings/municipalities/113620",
            &[("name_ja", "みなの町役場"), ("name_en", "Minano Town Office"), ("sender_local", "bousai-minano")],
        )
        .await;
    admin.get("/admin/settings").await;
    admin
        .post("/admin/settings/areas", &[("municipality", "113620"), ("name_ja", "金崎"), ("name_en", "Kanasaki")])
        .await;
    let mut seen = false;
    for _ in 0..100 {
        let directory = app.state.directory.current();
        if directory.municipality("113620").is_some_and(|m| m.name_ja == "みなの町役場")
            && directory.areas_of("113620").count() == 1
        {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(seen, "the running process sees the change");
    let id = app.draft("お知らせ", "notice", &["113620"], Urgency::Normal, false).await;
    kizuna_server::notices::send(&app.state, &crate::support::emergency_staff(), id).await.unwrap();
    let mut worker = Worker::new(app.state.clone());
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
    let mail = app.outbox().pop().unwrap();
    assert!(mail.contains("bousai-minano@anshin.example.jp"), "the new sender address is used");

    admin.get("/admin/settings").await;
    let pacing = admin.post("/admin/settings/pacing", &[("pacing", "docomo.ne.jp=120\nau.com=200")]).await;
    assert_eq!(pacing.status, StatusCode::SEE_OTHER);
    assert_eq!(app.state.store.pacing_rules().await.unwrap().len(), 2);
    kizuna_server::delivery::Worker::sync_pacing(&app.state).await.unwrap();
    assert_eq!(app.state.store.pacing_rules().await.unwrap().len(), 2, "a restart keeps the console's pacing");

    admin.get("/admin/settings").await;
    let private = admin.post("/admin/settings/webhooks", &[("url", "https://127.0.0.1/hook")]).await;
    assert_eq!(private.status, StatusCode::UNPROCESSABLE_ENTITY, "internal addresses are refused");
    admin.get("/admin/settings").await;
    let key_page =
        admin.post("/admin/settings/api-keys", &[("label", "防災システム"), ("right", "notices:read")]).await;
    assert_eq!(key_page.status, StatusCode::OK);
    let key = key_page.body.split("lang=\"en\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let request = axum::http::Request::get("/api/v1/notices")
        .header("authorization", format!("Bearer {key}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let answer = tower::ServiceExt::oneshot(kizuna_server::web::router(app.state.clone()), request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "the key shown once works");
    let entries = app.state.store.audit_entries(50).await.unwrap();
    for action in ["settings_municipality", "settings_area_add", "settings_pacing", "api_key_create"] {
        assert!(entries.iter().any(|e| e.action == action), "{action} audited");
    }
    stop.send(true).unwrap();
    follower.await.unwrap();
}

#[tokio::test]
async fn a_template_fills_the_compose_form_and_towns_keep_their_own() {
    let app = spawn_app(&[], None).await;
    staff(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@yokoze.example", PASSWORD).await;
    let compose = admin.get("/admin/notices/new").await;
    assert!(compose.body.contains("?template=1"), "the compose page offers the templates");
    let filled = admin.get("/admin/notices/new?template=1").await;
    assert!(filled.body.contains("【避難指示】"), "the template fills the title");
    assert!(filled.body.contains("value=\"disaster\" checked"), "and the category");
    assert!(filled.body.contains("value=\"emergency\" checked"), "and the urgency");
    assert!(filled.body.contains("value=\"113611\" checked"), "for the author's town");

    assert_eq!(
        admin.get("/admin/templates/1").await.status,
        StatusCode::NOT_FOUND,
        "the region's template is not a town's to change"
    );
    admin.get("/admin/templates/new").await;
    let created = admin
        .post(
            "/admin/templates/new",
            &[
                ("name", "芦ヶ久保の断水"),
                ("title", "【断水】芦ヶ久保地区"),
                ("body", "〇〇時まで断水します。"),
                ("category", "notice"),
                ("municipality", "113611"),
                ("urgency", "normal"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let forged = admin
        .post(
            "/admin/templates/new",
            &[
                ("name", "秩父市の"),
                ("title", "x"),
                ("body", "y"),
                ("category", "notice"),
                ("municipality", "112071"),
                ("urgency", "normal"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY, "not for another town");
    let list = admin.get("/admin/templates").await;
    assert!(list.body.contains("芦ヶ久保の断水"));
}

#[tokio::test]
async fn during_quiet_hours_a_normal_notice_waits_while_an_emergency_goes_at_once() {
    let app = spawn_app(&[], None).await;
    app.resident("r@example.jp", &[("112071", "notice"), ("112071", "disaster")], Charset::Utf8, Lang::Ja).await;
    let quiet = kizuna_core::quiet::QuietHours::parse("21:00", "07:00").unwrap();
    app.state.store.set_quiet_hours(Some(&quiet)).await.unwrap();
    app.state.directory.reload(app.state.store.as_ref()).await.unwrap();
    let night = kizuna_core::time::tokyo().with_ymd_and_hms(2026, 11, 25, 22, 0, 0).single().unwrap().to_utc();
    app.clock.set(night);
    staff(&app, "approver@chichibu.example", Some("112071"), Role::Approver, false, false).await;
    let normal = app.draft("ごみ収集日の変更", "notice", &["112071"], Urgency::Normal, false).await;
    for action in [NoticeAction::Submit, NoticeAction::Approve] {
        app.state.store.transition_notice(normal, action, "staff:1", None, night).await.unwrap();
    }
    let mut approver = Browser::new(&app);
    approver.sign_in("approver@chichibu.example", PASSWORD).await;
    let check = approver.get(&format!("/admin/notices/{normal}/send")).await;
    assert!(check.body.contains("07:00"), "the pre-send page says it waits until 07:00");
    approver.post(&format!("/admin/notices/{normal}/send"), &[]).await;
    let held = app.state.store.notice(normal).await.unwrap().unwrap();
    assert_eq!(held.status, NoticeStatus::Scheduled);
    let morning = kizuna_core::time::tokyo().with_ymd_and_hms(2026, 11, 26, 7, 0, 0).single().unwrap().to_utc();
    assert_eq!(held.send_at, Some(morning));

    let emergency = app.draft("避難指示", "disaster", &["112071"], Urgency::Emergency, false).await;
    let queued =
        kizuna_server::notices::send(&app.state, &crate::support::emergency_staff(), emergency).await.unwrap().queued;
    assert_eq!(queued, 1, "an emergency goes at once, quiet hours or not");

    app.clock.set(morning - chrono::Duration::minutes(1));
    kizuna_server::jobs::housekeeping_step(&app.state, "test").await.unwrap();
    assert_eq!(app.state.store.notice(normal).await.unwrap().unwrap().status, NoticeStatus::Scheduled);
    app.clock.set(morning);
    kizuna_server::jobs::housekeeping_step(&app.state, "test").await.unwrap();
    assert_eq!(app.state.store.notice(normal).await.unwrap().unwrap().status, NoticeStatus::Sending, "sent at 07:00");
}
