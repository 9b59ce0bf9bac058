//! Staff accounts at the console: a municipality admin manages the accounts of
//! their own municipality only and never makes a consortium admin; a new account
//! gets a one-time password shown once; resets and disabling take effect at once
//! and are audited.

use axum::http::StatusCode;
use kizuna_core::staff::Role;

use super::browser::{Browser, PASSWORD, staff};
use crate::support::spawn_app;

fn one_time_password(page: &str) -> String {
    let start = page.find("class=\"one-time-password\" lang=\"en\">").unwrap()
        + "class=\"one-time-password\" lang=\"en\">".len();
    page[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_municipality_admin_manages_only_their_own_municipalitys_accounts() {
    let app = spawn_app(&[], None).await;
    staff(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin, false, false).await;
    let chichibu = staff(&app, "author@chichibu.example", Some("112071"), Role::Author, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@yokoze.example", PASSWORD).await;

    let form = admin.get("/admin/staff/new").await;
    assert!(!form.body.contains("value=\"consortium-admin\""), "a consortium admin is not offered");
    assert!(!form.body.contains("value=\"112071\""), "nor another town");
    let forged = admin
        .post(
            "/admin/staff/new",
            &[("email", "boss@example.jp"), ("role", "consortium-admin"), ("municipality", "113611")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other_town = admin
        .post("/admin/staff/new", &[("email", "x@chichibu.example"), ("role", "author"), ("municipality", "112071")])
        .await;
    assert_eq!(other_town.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.state.store.staff_by_email("boss@example.jp").await.unwrap().is_none());

    let created = admin
        .post("/admin/staff/new", &[("email", "new@yokoze.example"), ("role", "author"), ("municipality", "113611")])
        .await;
    assert_eq!(created.status, StatusCode::OK);
    let password = one_time_password(&created.body);
    let mut newcomer = Browser::new(&app);
    assert_eq!(newcomer.sign_in("new@yokoze.example", &password).await.location(), "/admin/password", "changed first");

    assert_eq!(admin.get(&format!("/admin/staff/{chichibu}")).await.status, StatusCode::NOT_FOUND);
    let list = admin.get("/admin/staff").await;
    assert!(list.body.contains("new@yokoze.example") && !list.body.contains("author@chichibu.example"));
    let me = app.state.store.staff_by_email("admin@yokoze.example").await.unwrap().unwrap();
    assert_eq!(
        admin.get(&format!("/admin/staff/{}", me.id)).await.status,
        StatusCode::NOT_FOUND,
        "not one's own account"
    );
}

#[tokio::test]
async fn resets_and_disabling_take_effect_at_once_and_are_audited() {
    let app = spawn_app(&[], None).await;
    let admin_id = staff(&app, "region@example.jp", None, Role::ConsortiumAdmin, false, false).await;
    let secret = kizuna_core::totp::TotpSecret::from_bytes(b"reset test secret!!!".to_vec());
    let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
    app.state.store.set_second_factor(admin_id, Some(&sealed), &[]).await.unwrap();
    let approver = staff(&app, "bousai@minano.example", Some("113620"), Role::Approver, true, false).await;
    app.state.store.set_second_factor(approver, Some(&sealed), &[]).await.unwrap();

    let mut admin = Browser::new(&app);
    admin.sign_in("region@example.jp", PASSWORD).await;
    let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
    admin.post("/admin/second-factor", &[("code", &code)]).await;
    let mut victim = Browser::new(&app).at_peer("198.51.100.9:1000");
    assert_eq!(victim.sign_in("bousai@minano.example", PASSWORD).await.location(), "/admin/second-factor");

    admin.get(&format!("/admin/staff/{approver}")).await;
    let no_reason = admin.post(&format!("/admin/staff/{approver}/second-factor"), &[("reason", "")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    admin.post(&format!("/admin/staff/{approver}/second-factor"), &[("reason", "スマートフォンを紛失")]).await;
    assert!(app.state.store.staff_account(approver).await.unwrap().unwrap().totp_secret.is_none());
    assert_eq!(victim.get("/admin").await.location(), "/admin/login", "the reset ended the account's sessions");
    assert_eq!(victim.sign_in("bousai@minano.example", PASSWORD).await.location(), "/admin/second-factor/setup");

    admin.get(&format!("/admin/staff/{approver}")).await;
    admin.post(&format!("/admin/staff/{approver}/disable"), &[]).await;
    let mut again = Browser::new(&app);
    assert_eq!(again.sign_in("bousai@minano.example", PASSWORD).await.status, StatusCode::UNAUTHORIZED, "disabled");
    admin.get(&format!("/admin/staff/{approver}")).await;
    let reset = admin.post(&format!("/admin/staff/{approver}/password"), &[]).await;
    let password = one_time_password(&reset.body);
    admin.get(&format!("/admin/staff/{approver}")).await;
    admin.post(&format!("/admin/staff/{approver}/disable"), &[]).await;
    assert_eq!(again.sign_in("bousai@minano.example", &password).await.location(), "/admin/password");

    let entries = app.state.store.audit_entries(100).await.unwrap();
    let reset_entry = entries.iter().find(|e| e.action == "staff_second_factor_reset").unwrap();
    assert!(reset_entry.detail.contains("スマートフォンを紛失"));
    assert_eq!(reset_entry.subject, format!("staff:{approver}"));
    for action in ["staff_disable", "staff_enable", "staff_password_reset"] {
        assert!(entries.iter().any(|e| e.action == action && e.actor == format!("staff:{admin_id}")), "{action}");
    }
}
