//! A safety check-in at the console: the notice page counts answers per
//! municipality and area (and, for a drill, the time until a quarter, half and
//! three quarters answered); the "needs help" list and its CSV are for admins
//! of the notice's municipality, each view audited; a follow-up is a draft
//! notice that, once sent, reaches only those who have not answered.

use axum::http::StatusCode;
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::check_in::FollowUpAudience;
use kizuna_core::notice::NoticeStatus;
use kizuna_core::staff::Role;
use kizuna_core::subscriber::Charset;
use kizuna_server::notices;

use super::browser::{Browser, PASSWORD, staff};
use crate::check_ins::{call, check_in_path, deliver, post, send_check_in};
use crate::support::{emergency_staff, header, spawn_app};

#[tokio::test]
async fn admins_of_the_town_see_who_needs_help_and_a_follow_up_reaches_only_the_silent() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    for email in ["help@example.jp", "safe@example.jp", "silent@example.jp"] {
        app.resident(email, &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    }
    let id = send_check_in(&app, &["112071"], true).await;
    let hostile = "<b>2階</b>にいます";
    let help = check_in_path(&app, "help@example.jp", "help");
    app.clock.advance(Duration::minutes(3));
    assert_eq!(call(&web, post(&help, &[("household", "2"), ("message", hostile)])).await.status, StatusCode::OK);
    let safe = check_in_path(&app, "safe@example.jp", "safe");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(call(&web, post(&safe, &[("household", "1")])).await.status, StatusCode::OK);

    staff(&app, "admin@chichibu.example", Some("112071"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@chichibu.example", PASSWORD).await;
    let page = admin.get(&format!("/admin/notices/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("安否確認の回答"), "{}", page.body);
    assert!(page.body.contains(&format!("data-check-ins=\"/admin/notices/{id}/check-ins/progress\"")));
    assert!(page.body.contains("<span data-check-in=\"answered_percent\">66</span>%"));
    assert!(page.body.contains("<td class=\"numeric\" data-check-in=\"112071-0-needs_help\">1</td>"));
    assert!(page.body.contains("<span data-check-in=\"needs_help_people\">2</span>"));
    assert!(page.body.contains("訓練：回答が集まるまでの時間"), "a drill reports its times");
    for (share, after) in [("25%", "3分0秒"), ("50%", "5分0秒"), ("75%", "まだ")] {
        let row = format!("<tr><th scope=\"row\">{share}</th><td>{after}</td></tr>");
        assert!(page.body.contains(&row), "{row} in {}", page.body);
    }
    assert!(page.body.contains("data-without-script"), "without script, a link refreshes the counts");
    let (status, event) = admin.first_chunk(&format!("/admin/notices/{id}/check-ins/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(event.starts_with("event: checkins\n"), "{event}");
    assert!(event.contains("\"112071-0-needs_help\":1") && event.contains("\"needs_help_people\":2"), "{event}");

    let list = admin.get(&format!("/admin/notices/{id}/check-ins/help")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("help@example.jp") && !list.body.contains("safe@example.jp"));
    assert!(list.body.contains("&#60;b&#62;2階&#60;/b&#62;にいます"), "the message is shown escaped");
    let csv = admin.get(&format!("/admin/notices/{id}/check-ins/help.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(csv.body.contains("help@example.jp,秩父市,地区の指定なし,2,<b>2階</b>にいます"), "{}", csv.body);
    let audit = app.state.store.audit_entries(50).await.unwrap();
    for action in ["check_in_help_view", "check_in_help_export"] {
        let entry = audit.iter().find(|e| e.action == action).unwrap_or_else(|| panic!("no {action} entry"));
        assert_eq!(entry.subject, format!("notice:{id}"));
        assert!(!entry.detail.contains("help@example.jp"), "the audit log names no address");
    }

    // Another town's admin finds nothing; an author is not shown personal answers.
    staff(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin, false, false).await;
    let mut yokoze = Browser::new(&app);
    yokoze.sign_in("admin@yokoze.example", PASSWORD).await;
    for path in ["help", "help.csv"] {
        let refused = yokoze.get(&format!("/admin/notices/{id}/check-ins/{path}")).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "横瀬町 sees nothing of 秩父市's answers");
        assert!(!refused.body.contains("help@example.jp"));
    }
    let (status, _) = yokoze.first_chunk(&format!("/admin/notices/{id}/check-ins/progress")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor its live counts");
    staff(&app, "author@chichibu.example", Some("112071"), Role::Author, false, false).await;
    let mut author = Browser::new(&app);
    author.sign_in("author@chichibu.example", PASSWORD).await;
    assert_eq!(author.get(&format!("/admin/notices/{id}/check-ins/help")).await.status, StatusCode::FORBIDDEN);
    let authors_view = author.get(&format!("/admin/notices/{id}")).await;
    assert!(authors_view.body.contains("安否確認の回答") && !authors_view.body.contains("check-ins/help"));

    // The follow-up is a draft like any notice, and reaches only the silent one.
    admin.get(&format!("/admin/notices/{id}")).await;
    let drafted = admin.post(&format!("/admin/notices/{id}/follow-up"), &[("audience", "unanswered")]).await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let follow_up: i64 =
        drafted.location().trim_start_matches("/admin/notices/").split('?').next().unwrap().parse().unwrap();
    let draft = app.state.store.notice(follow_up).await.unwrap().unwrap();
    assert_eq!(draft.status, NoticeStatus::Draft);
    assert_eq!(draft.follow_up.map(|f| (f.of, f.audience)), Some((id, FollowUpAudience::Unanswered)));
    let shown = admin.get(drafted.location()).await;
    assert!(shown.body.contains("安否確認へのご回答のお願い"));
    assert!(shown.body.contains("下書きを作りました"), "the page says what happened and what comes next");
    let unknown = admin.post(&format!("/admin/notices/{id}/follow-up"), &[("audience", "everyone")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let before = app.outbox().len();
    notices::send(&app.state, &emergency_staff(), follow_up).await.unwrap();
    deliver(&app).await;
    let sent: Vec<String> = app.outbox()[before..].iter().map(|eml| header(eml, "To").unwrap()).collect();
    assert_eq!(sent, ["silent@example.jp"], "only the one who has not answered");
    // Its links answer the check-in it follows.
    let late = check_in_path(&app, "silent@example.jp", "safe");
    assert_eq!(call(&web, post(&late, &[("household", "4")])).await.status, StatusCode::OK);
    let counts = app.state.store.check_in_counts(id).await.unwrap();
    assert_eq!((counts.safe, counts.needs_help, counts.unanswered, counts.safe_people), (2, 1, 0, 5));
}
