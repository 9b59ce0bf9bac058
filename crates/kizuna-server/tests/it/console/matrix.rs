//! The role matrix: every route the console's router serves, for every role,
//! on a notice of the person's own municipality and of another. The expected
//! needs are written out here by hand, not read from the console's table, so a
//! route added without a line here — or given the wrong gate — fails.

use axum::http::{Method, StatusCode};
use kizuna_core::notice::Urgency;
use kizuna_core::staff::Role;
use kizuna_core::totp::TotpSecret;

use super::browser::{Browser, PASSWORD, staff};
use crate::support::{TestApp, spawn_app};

/// What the console says when a role may not use a route at all (the notice
/// service may still refuse a move, e.g. sending a draft without the emergency right).
const GATE_REFUSAL: &str = "あなたの役割ではこの操作はできません。必要な場合は管理者に依頼してください。";

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// The sign-in page.
    Anyone,
    /// Any signed-in person, even before the sign-in steps are done.
    Session,
    /// Every staff role.
    Staff,
    /// Approvers and admins: the second person.
    Approver,
    /// The emergency right.
    Emergency,
    /// Municipality and consortium admins.
    Admins,
    /// Consortium admins only.
    Region,
}

const EXPECTED: &[(&str, &str, Need)] = &[
    ("GET", "/admin/login", Need::Anyone),
    ("POST", "/admin/login", Need::Anyone),
    ("POST", "/admin/logout", Need::Session),
    ("GET", "/admin/password", Need::Session),
    ("POST", "/admin/password", Need::Session),
    ("GET", "/admin/second-factor", Need::Session),
    ("POST", "/admin/second-factor", Need::Session),
    ("GET", "/admin/second-factor/setup", Need::Session),
    ("POST", "/admin/second-factor/setup", Need::Session),
    ("GET", "/admin/account", Need::Session),
    ("GET", "/admin", Need::Staff),
    ("GET", "/admin/notices", Need::Staff),
    ("GET", "/admin/notices/new", Need::Staff),
    ("POST", "/admin/notices/new", Need::Staff),
    ("POST", "/admin/notices/preview", Need::Staff),
    ("GET", "/admin/notices/{id}", Need::Staff),
    ("GET", "/admin/notices/{id}/edit", Need::Staff),
    ("POST", "/admin/notices/{id}/edit", Need::Staff),
    ("POST", "/admin/notices/{id}/clone", Need::Staff),
    ("GET", "/admin/notices/{id}/submit", Need::Staff),
    ("POST", "/admin/notices/{id}/submit", Need::Staff),
    ("GET", "/admin/notices/{id}/approve", Need::Approver),
    ("POST", "/admin/notices/{id}/approve", Need::Approver),
    ("GET", "/admin/notices/{id}/return", Need::Approver),
    ("POST", "/admin/notices/{id}/return", Need::Approver),
    ("GET", "/admin/notices/{id}/send", Need::Staff),
    ("POST", "/admin/notices/{id}/send", Need::Staff),
    ("GET", "/admin/notices/{id}/schedule", Need::Staff),
    ("POST", "/admin/notices/{id}/schedule", Need::Staff),
    ("POST", "/admin/notices/{id}/unschedule", Need::Staff),
    ("GET", "/admin/notices/{id}/emergency", Need::Emergency),
    ("POST", "/admin/notices/{id}/emergency", Need::Emergency),
    ("GET", "/admin/notices/{id}/cancel", Need::Staff),
    ("POST", "/admin/notices/{id}/cancel", Need::Staff),
    ("GET", "/admin/notices/{id}/correct", Need::Approver),
    ("POST", "/admin/notices/{id}/correct", Need::Approver),
    ("GET", "/admin/notices/{id}/withdraw", Need::Approver),
    ("POST", "/admin/notices/{id}/withdraw", Need::Approver),
    ("POST", "/admin/notices/{id}/test", Need::Staff),
    ("GET", "/admin/notices/{id}/progress", Need::Staff),
    ("GET", "/admin/notices/{id}/check-ins/progress", Need::Staff),
    ("GET", "/admin/notices/{id}/check-ins/help", Need::Admins),
    ("GET", "/admin/notices/{id}/check-ins/help.csv", Need::Admins),
    ("POST", "/admin/notices/{id}/follow-up", Need::Staff),
    ("GET", "/admin/staff", Need::Admins),
    ("GET", "/admin/staff/new", Need::Admins),
    ("POST", "/admin/staff/new", Need::Admins),
    ("GET", "/admin/staff/{id}", Need::Admins),
    ("POST", "/admin/staff/{id}", Need::Admins),
    ("POST", "/admin/staff/{id}/disable", Need::Admins),
    ("POST", "/admin/staff/{id}/password", Need::Admins),
    ("POST", "/admin/staff/{id}/second-factor", Need::Admins),
    ("GET", "/admin/residents", Need::Admins),
    ("GET", "/admin/residents/export", Need::Admins),
    ("GET", "/admin/residents/import", Need::Admins),
    ("POST", "/admin/residents/import", Need::Admins),
    ("POST", "/admin/residents/import/confirm", Need::Admins),
    ("GET", "/admin/residents/{id}", Need::Admins),
    ("POST", "/admin/residents/{id}/subscriptions", Need::Admins),
    ("POST", "/admin/residents/{id}/suppress", Need::Admins),
    ("POST", "/admin/residents/{id}/reactivate", Need::Admins),
    ("POST", "/admin/residents/{id}/staff", Need::Region),
    ("GET", "/admin/residents/{id}/export", Need::Admins),
    ("GET", "/admin/residents/{id}/erase", Need::Admins),
    ("POST", "/admin/residents/{id}/erase", Need::Admins),
    ("GET", "/admin/templates", Need::Admins),
    ("GET", "/admin/templates/new", Need::Admins),
    ("POST", "/admin/templates/new", Need::Admins),
    ("GET", "/admin/templates/{id}", Need::Admins),
    ("POST", "/admin/templates/{id}", Need::Admins),
    ("POST", "/admin/templates/{id}/delete", Need::Admins),
    ("GET", "/admin/settings", Need::Region),
    ("POST", "/admin/settings/quiet-hours", Need::Region),
    ("POST", "/admin/settings/municipalities/{code}", Need::Region),
    ("POST", "/admin/settings/areas", Need::Region),
    ("POST", "/admin/settings/areas/{id}", Need::Region),
    ("POST", "/admin/settings/categories", Need::Region),
    ("POST", "/admin/settings/pacing", Need::Region),
    ("POST", "/admin/settings/webhooks", Need::Region),
    ("POST", "/admin/settings/webhooks/{id}/remove", Need::Region),
    ("POST", "/admin/settings/api-keys", Need::Region),
    ("POST", "/admin/settings/api-keys/{id}/revoke", Need::Region),
    ("GET", "/admin/dashboard", Need::Staff),
    ("GET", "/admin/dashboard/registrants.csv", Need::Staff),
    ("GET", "/admin/dashboard/growth.csv", Need::Staff),
    ("GET", "/admin/dashboard/rates.csv", Need::Staff),
    ("GET", "/admin/costs", Need::Region),
    ("POST", "/admin/costs/items", Need::Region),
    ("POST", "/admin/costs/items/{id}/remove", Need::Region),
    ("GET", "/admin/costs/print", Need::Region),
    ("GET", "/admin/costs/report.csv", Need::Region),
    ("GET", "/admin/surveys", Need::Admins),
    ("GET", "/admin/surveys/new", Need::Admins),
    ("POST", "/admin/surveys/new", Need::Admins),
    ("GET", "/admin/surveys/{id}", Need::Admins),
    ("POST", "/admin/surveys/{id}/invite", Need::Admins),
    ("POST", "/admin/surveys/{id}/remind", Need::Admins),
    ("POST", "/admin/surveys/{id}/close", Need::Admins),
    ("GET", "/admin/surveys/{id}/results.csv", Need::Admins),
    ("GET", "/admin/surveys/{id}/paper", Need::Admins),
    ("POST", "/admin/surveys/{id}/paper", Need::Admins),
    ("GET", "/admin/audit", Need::Admins),
    ("GET", "/admin/audit.csv", Need::Admins),
];

#[test]
fn every_route_the_console_serves_is_in_the_matrix_and_no_other() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app(&[], None));
    let served = kizuna_server::console::registered_routes(app.state.clone());
    for (method, path) in &served {
        assert!(
            EXPECTED.iter().any(|(m, p, _)| *m == method.as_str() && p == path),
            "{method} {path} is served but not in the role matrix"
        );
    }
    for (method, path, _) in EXPECTED {
        assert!(served.iter().any(|(m, p)| m.as_str() == *method && p == path), "{method} {path} is not served");
    }
}

/// Signs in as a fresh account of `role`, giving the second factor where one is needed.
async fn signed_in(app: &TestApp, email: &str, town: Option<&str>, role: Role, emergency: bool) -> Browser {
    let id = staff(app, email, town, role, emergency, false).await;
    let secret = TotpSecret::from_bytes(b"matrix test secret!!".to_vec());
    if emergency || role == Role::ConsortiumAdmin {
        let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
        app.state.store.set_second_factor(id, Some(&sealed), &[]).await.unwrap();
    }
    let mut browser = Browser::new(app);
    let first = browser.sign_in(email, PASSWORD).await;
    if first.location() == "/admin/second-factor" {
        let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
        let done = browser.post("/admin/second-factor", &[("code", &code)]).await;
        assert_eq!(done.location(), "/admin", "second factor for {email}");
    }
    assert_eq!(browser.get("/admin").await.status, StatusCode::OK, "{email} is in");
    browser
}

/// A survey of one town, open now.
async fn survey(app: &TestApp, town: &str) -> i64 {
    let question =
        kizuna_core::survey::QuestionDraft::parse(kizuna_core::survey::QuestionKind::Rating, "満足度", &[], true)
            .unwrap();
    let new = kizuna_store::NewSurvey {
        title: "アンケート".into(),
        introduction: None,
        municipalities: vec![kizuna_core::MunicipalityCode::parse(town).unwrap()],
        age_bands: Vec::new(),
        areas: Vec::new(),
        questions: vec![question],
        opens_at: app.clock_now(),
        closes_at: None,
        created_by: "staff:1".into(),
    };
    app.state.store.create_survey(&new, app.clock_now()).await.unwrap().id
}

fn allowed(need: Need, role: Role, emergency: bool) -> bool {
    match need {
        Need::Anyone | Need::Session | Need::Staff => true,
        Need::Approver => role != Role::Author,
        Need::Emergency => emergency,
        Need::Admins => matches!(role, Role::MunicipalityAdmin | Role::ConsortiumAdmin),
        Need::Region => role == Role::ConsortiumAdmin,
    }
}

#[tokio::test]
async fn each_route_admits_exactly_the_roles_it_is_for_and_only_their_municipality() {
    let app = spawn_app(&[], None).await;
    let yokoze = app.draft("横瀬町の下書き", "notice", &["113611"], Urgency::Normal, false).await;
    let chichibu = app.draft("秩父市の下書き", "notice", &["112071"], Urgency::Normal, false).await;
    // Accounts the staff routes are tried on: one of each town, never the person's own.
    let yokoze_staff = staff(&app, "someone@yokoze.example", Some("113611"), Role::Author, false, false).await;
    let chichibu_staff = staff(&app, "someone@chichibu.example", Some("112071"), Role::Author, false, false).await;
    // Residents the resident routes are tried on: one who chose 横瀬町, one only 秩父市.
    let yokoze_resident =
        super::residents::resident(&app, "yokoze-resident@example.jp", &[("113611", "disaster")]).await;
    let chichibu_resident =
        super::residents::resident(&app, "chichibu-resident@example.jp", &[("112071", "disaster")]).await;
    // Surveys the survey routes are tried on: one of 横瀬町, one of 秩父市.
    let yokoze_survey = survey(&app, "113611").await;
    let chichibu_survey = survey(&app, "112071").await;
    let people = [
        ("author@yokoze.example", Some("113611"), Role::Author, false),
        ("approver@yokoze.example", Some("113611"), Role::Approver, false),
        ("emergency@yokoze.example", Some("113611"), Role::Approver, true),
        ("admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin, false),
        ("region@example.jp", None, Role::ConsortiumAdmin, false),
    ];
    for (email, town, role, emergency) in people {
        let mut browser = signed_in(&app, email, town, role, emergency).await;
        for (method, path, need) in EXPECTED.iter().filter(|(_, _, need)| !matches!(need, Need::Anyone | Need::Session))
        {
            // Notices and accounts are tried in the person's own town and in another;
            // the rest has no town of its own.
            let targets: Vec<(i64, bool)> = match (path.contains("{id}"), path.split('/').nth(2)) {
                (true, Some("notices")) => vec![(yokoze, true), (chichibu, town.is_none())],
                (true, Some("staff")) => vec![(yokoze_staff, true), (chichibu_staff, town.is_none())],
                (true, Some("residents")) => vec![(yokoze_resident, true), (chichibu_resident, town.is_none())],
                (true, Some("surveys")) => vec![(yokoze_survey, true), (chichibu_survey, town.is_none())],
                _ => vec![(1, true)],
            };
            for (id, own) in targets {
                let uri = path.replace("{id}", &id.to_string()).replace("{code}", "113611");
                let page = if *method == Method::GET.as_str() {
                    if path.ends_with("/progress") {
                        // An event stream never ends by itself; its gate is all this test needs.
                        continue;
                    }
                    browser.get(&uri).await
                } else {
                    browser.post(&uri, &[("title", "x")]).await
                };
                let may = allowed(*need, role, emergency);
                let gate_refused = page.status == StatusCode::FORBIDDEN && page.body.contains(GATE_REFUSAL);
                if !may {
                    assert!(gate_refused, "{email} {method} {uri} must be refused by its role: {}", page.status);
                } else if !own {
                    assert!(
                        matches!(page.status, StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY),
                        "{email} {method} {uri} on another town's notice: {}",
                        page.status
                    );
                } else {
                    assert!(!gate_refused, "{email} {method} {uri} must be admitted");
                }
            }
        }
    }
    let yokoze_author_for_chichibu = {
        let mut browser = Browser::new(&app);
        browser.sign_in("author@yokoze.example", PASSWORD).await;
        browser.get("/admin/notices/new").await;
        browser
            .post(
                "/admin/notices/new",
                &[("title", "秩父市に送る"), ("body", "本文"), ("category", "notice"), ("municipality", "112071")],
            )
            .await
    };
    assert_eq!(yokoze_author_for_chichibu.status, StatusCode::UNPROCESSABLE_ENTITY, "a changed form field is refused");
    // Only the consortium admin, who acts for the whole region, moved 秩父市's notice.
    let region = app.state.store.staff_by_email("region@example.jp").await.unwrap().unwrap();
    let events = app.state.store.notice_events(chichibu).await.unwrap();
    for event in events.iter().skip(1) {
        assert!(
            event.actor == format!("staff:{}", region.id) || event.actor == "delivery",
            "{} moved 秩父市's notice",
            event.actor
        );
    }
}
