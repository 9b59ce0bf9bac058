//! Residents at the console: a municipality admin sees only the residents who
//! chose their municipality and changes only that municipality's choices; a
//! resident of another town is "not found" by any URL; every view and export is
//! audited by resident id; importing a list previews what will happen, imports
//! nothing while rows are rejected unless they are skipped, and reads Excel's
//! Shift_JIS; the export opens in Excel.

use axum::http::StatusCode;
use kizuna_core::staff::Role;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::{NewSubscriber, Subscription};

use super::browser::{Browser, PASSWORD, Page, staff};
use crate::support::{TestApp, spawn_app};

fn choice(town: &str, category: &str) -> Subscription {
    Subscription {
        municipality: MunicipalityCode::parse(town).unwrap(),
        category: CategoryKey::parse(category).unwrap(),
        area_id: None,
    }
}

/// An active resident with the given (municipality, category) choices.
pub async fn resident(app: &TestApp, email: &str, choices: &[(&str, &str)]) -> i64 {
    let new = NewSubscriber {
        email: EmailAddress::parse(email).unwrap(),
        status: SubscriberStatus::Active,
        language: Lang::JA,
        format: MailFormat::Text,
        charset: Charset::Utf8,
        emergency_only: false,
        source: RegistrationSource::Web,
        source_municipality: None,
        monitor_age_band: None,
        pending_expires_at: None,
    };
    let id = app.state.store.create_subscriber(&new, app.clock_now()).await.unwrap();
    let choices: Vec<Subscription> = choices.iter().map(|(t, c)| choice(t, c)).collect();
    app.state.store.replace_subscriptions(id, &choices).await.unwrap();
    id
}

async fn signed_in(app: &TestApp, email: &str, town: Option<&str>, role: Role) -> Browser {
    staff(app, email, town, role, false, false).await;
    if role == Role::ConsortiumAdmin {
        // Consortium admins need a second factor; the tests here are about residents.
        let account = app.state.store.staff_by_email(email).await.unwrap().unwrap();
        let secret = kizuna_core::totp::TotpSecret::from_bytes(b"residents test secret".to_vec());
        let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
        app.state.store.set_second_factor(account.id, Some(&sealed), &[]).await.unwrap();
        let mut browser = Browser::new(app);
        browser.sign_in(email, PASSWORD).await;
        let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
        assert_eq!(browser.post("/admin/second-factor", &[("code", &code)]).await.location(), "/admin");
        browser.get("/admin").await;
        return browser;
    }
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD).await.location(), "/admin");
    browser
}

/// A hidden field's value as the browser would send it back.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.body.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    let raw = &page.body[start..end];
    let mut out = String::new();
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let entity_end = rest[at..].find(';').unwrap() + at;
        let entity = &rest[at + 1..entity_end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ if entity.starts_with("#x") => char::from_u32(u32::from_str_radix(&entity[2..], 16).unwrap()).unwrap(),
            _ if entity.starts_with('#') => char::from_u32(entity[1..].parse().unwrap()).unwrap(),
            other => panic!("unknown entity {other}"),
        };
        out.push(decoded);
        rest = &rest[entity_end + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_municipality_admin_changes_only_their_municipalitys_choices_and_never_sees_another_towns_resident() {
    let app = spawn_app(&[], None).await;
    let both =
        resident(&app, "both@example.jp", &[("113611", "disaster"), ("112071", "disaster"), ("112071", "crime")]).await;
    let chichibu_only = resident(&app, "chichibu@example.jp", &[("112071", "disaster")]).await;
    let mut admin = signed_in(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin).await;

    let found = admin.get("/admin/residents?q=EXAMPLE.JP").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("both@example.jp"), "the full address is shown");
    assert!(!found.body.contains("chichibu@example.jp"), "another town's resident is not found");
    let exact = admin.get("/admin/residents?q=both%40example.jp").await;
    assert!(exact.body.contains(&format!("/admin/residents/{both}")));
    let blank = admin.get("/admin/residents?q=two+words").await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("href=\"#q\""), "the error summary links to the field");

    for path in ["", "/export", "/erase"] {
        let page = admin.get(&format!("/admin/residents/{chichibu_only}{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
    }
    for (path, fields) in [
        ("/subscriptions", vec![("choice", "113611:disaster")]),
        ("/suppress", vec![]),
        ("/erase", vec![("confirm", "yes")]),
    ] {
        let page = admin.post(&format!("/admin/residents/{chichibu_only}{path}"), &fields).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    let staff_mark = admin.post(&format!("/admin/residents/{both}/staff"), &[("staff", "yes")]).await;
    assert_eq!(staff_mark.status, StatusCode::FORBIDDEN, "the staff mark is for consortium admins");

    let page = admin.get(&format!("/admin/residents/{both}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"113611:disaster\" checked"));
    assert!(!page.body.contains("112071:"), "another town's choices are not shown");
    assert!(page.body.contains("ほかの市町村も登録しています"));
    assert!(!page.body.contains("/suppress\""), "no button that would stop 秩父市's mail too");
    assert!(page.body.contains("連合の管理者が行います"), "the page says who can stop all mail");
    let stop_all = admin.post(&format!("/admin/residents/{both}/suppress"), &[]).await;
    assert_eq!(stop_all.status, StatusCode::FORBIDDEN);
    assert!(!app.state.store.is_suppressed(&TokenHash::of("both@example.jp")).await.unwrap(), "mail still goes");

    let forged = admin
        .post(
            &format!("/admin/residents/{both}/subscriptions"),
            &[("choice", "113611:weather"), ("choice", "112071:event")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY, "another town's choice is refused");
    let staff_only = admin.post(&format!("/admin/residents/{both}/subscriptions"), &[("choice", "113611:staff")]).await;
    assert_eq!(staff_only.status, StatusCode::UNPROCESSABLE_ENTITY, "so is the staff-only category");
    assert_eq!(
        app.state.store.subscriptions(both).await.unwrap(),
        vec![choice("112071", "crime"), choice("112071", "disaster"), choice("113611", "disaster")],
        "nothing changed"
    );

    let saved = admin
        .post(
            &format!("/admin/residents/{both}/subscriptions"),
            &[("choice", "113611:weather"), ("choice", "113611:event")],
        )
        .await;
    assert_eq!(saved.location(), format!("/admin/residents/{both}?done=resident-saved"));
    assert_eq!(
        app.state.store.subscriptions(both).await.unwrap(),
        vec![
            choice("112071", "crime"),
            choice("112071", "disaster"),
            choice("113611", "event"),
            choice("113611", "weather")
        ],
        "秩父市's choices are kept untouched"
    );

    let export = admin.get("/admin/residents/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains("both@example.jp,113611,"), "only 横瀬町's choices: {}", export.body);
    assert!(!export.body.contains("chichibu@example.jp") && !export.body.contains("112071"));

    let entries = app.state.store.audit_entries(50).await.unwrap();
    let views: Vec<_> = entries.iter().filter(|e| e.action == "resident_view").collect();
    assert!(!views.is_empty());
    assert!(views.iter().all(|e| e.subject == format!("resident:{both}")), "only records actually shown");
    assert!(views.iter().all(|e| e.municipality.as_ref().map(|c| c.as_str()) == Some("113611")));
    let search = entries.iter().find(|e| e.action == "residents_search").unwrap();
    assert!(search.detail.contains(&both.to_string()), "the search names who it showed: {}", search.detail);
    assert!(entries.iter().any(|e| e.action == "residents_export" && e.detail.contains("\"residents\":1")));
    let changed = entries.iter().find(|e| e.action == "resident_subscriptions").unwrap();
    assert!(changed.detail.contains("113611:weather") && !changed.detail.contains("112071"), "{}", changed.detail);
    assert!(
        entries.iter().all(|e| !e.subject.contains("@example.jp") && !e.detail.contains("@example.jp")),
        "residents are named by id in the audit log"
    );
}

#[tokio::test]
async fn erasing_at_a_residents_request_asks_first_and_keeps_other_towns_choices() {
    let app = spawn_app(&[], None).await;
    let both = resident(&app, "both@example.jp", &[("113611", "disaster"), ("112071", "disaster")]).await;
    let mine = resident(&app, "mine@example.jp", &[("113611", "disaster")]).await;
    let mut admin = signed_in(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin).await;

    let ask = admin.get(&format!("/admin/residents/{both}/erase")).await;
    assert!(ask.body.contains("あなたの市町村の登録だけ"), "the page says what stays");
    let unconfirmed = admin.post(&format!("/admin/residents/{both}/erase"), &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("href=\"#confirm\""));
    let erased = admin.post(&format!("/admin/residents/{both}/erase"), &[("confirm", "yes")]).await;
    assert_eq!(erased.location(), "/admin/residents?done=resident-erased-here");
    assert_eq!(app.state.store.subscriptions(both).await.unwrap(), vec![choice("112071", "disaster")]);
    assert_eq!(admin.get(&format!("/admin/residents/{both}")).await.status, StatusCode::NOT_FOUND);

    let erased = admin.post(&format!("/admin/residents/{mine}/erase"), &[("confirm", "yes")]).await;
    assert_eq!(erased.location(), "/admin/residents?done=resident-erased");
    assert!(app.state.store.subscriber(mine).await.unwrap().is_none(), "the whole record is gone");
    assert!(app.state.store.is_suppressed(&TokenHash::of("mine@example.jp")).await.unwrap());
    let entries = app.state.store.audit_entries(20).await.unwrap();
    let erasures: Vec<_> = entries.iter().filter(|e| e.action == "resident_erase").collect();
    assert_eq!(erasures.len(), 2);
    assert!(erasures.iter().any(|e| e.subject == format!("resident:{mine}") && e.detail.contains("\"whole\":true")));
}

#[tokio::test]
async fn mail_is_stopped_and_restarted_and_a_consortium_admin_gives_the_staff_mark() {
    let app = spawn_app(&[], None).await;
    let id = resident(&app, "taro@example.jp", &[("113620", "disaster")]).await;
    let mut region = signed_in(&app, "region@example.jp", None, Role::ConsortiumAdmin).await;
    let page = region.get(&format!("/admin/residents/{id}")).await;
    assert!(page.body.contains("value=\"113620:staff\""), "the staff-only category is offered to them");

    let stopped = region.post(&format!("/admin/residents/{id}/suppress"), &[]).await;
    assert_eq!(stopped.location(), format!("/admin/residents/{id}?done=resident-suppressed"));
    assert_eq!(app.state.store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Suppressed);
    assert!(app.state.store.is_suppressed(&TokenHash::of("taro@example.jp")).await.unwrap());
    let twice = region.post(&format!("/admin/residents/{id}/suppress"), &[]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    region.post(&format!("/admin/residents/{id}/reactivate"), &[]).await;
    assert_eq!(app.state.store.subscriber(id).await.unwrap().unwrap().status, SubscriberStatus::Active);
    assert!(!app.state.store.is_suppressed(&TokenHash::of("taro@example.jp")).await.unwrap());

    let marked = region.post(&format!("/admin/residents/{id}/staff"), &[("staff", "yes")]).await;
    assert_eq!(marked.location(), format!("/admin/residents/{id}?done=resident-staff"));
    assert!(app.state.store.subscriber(id).await.unwrap().unwrap().is_staff);
    region
        .post(
            &format!("/admin/residents/{id}/subscriptions"),
            &[("choice", "113620:disaster"), ("choice", "113620:staff")],
        )
        .await;
    assert!(app.state.store.subscriptions(id).await.unwrap().contains(&choice("113620", "staff")));

    let data = region.get(&format!("/admin/residents/{id}/export")).await;
    assert_eq!(data.status, StatusCode::OK);
    assert!(data.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
    let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(json["email"], "taro@example.jp");
    assert_eq!(json["subscriptions"].as_array().unwrap().len(), 2);
    let entries = app.state.store.audit_entries(20).await.unwrap();
    for action in ["resident_suppress", "resident_reactivate", "resident_staff_mark", "resident_export"] {
        assert!(
            entries.iter().any(|e| e.action == action && e.subject == format!("resident:{id}")),
            "{action} is audited"
        );
    }
}

const HEADER: &str = "email,municipalities,categories,emergency_only,language,monitor_age_band";

#[tokio::test]
async fn an_import_with_rejected_rows_imports_nothing_until_they_are_fixed_or_skipped() {
    let app = spawn_app(&[], None).await;
    let elsewhere = resident(&app, "elsewhere@example.jp", &[("112071", "crime")]).await;
    resident(&app, "known@example.jp", &[("113611", "disaster")]).await;
    let mut admin = signed_in(&app, "admin@yokoze.example", Some("113611"), Role::MunicipalityAdmin).await;
    let csv = format!(
        "\u{feff}{HEADER}\r\n\
         new@example.jp,113611,disaster;weather,no,ja,\r\n\
         elsewhere@example.jp,113611,,yes,ja,\r\n\
         known@example.jp,113611,event,no,ja,\r\n\
         other-town@example.jp,112071,disaster,no,ja,\r\n\
         broken-address,113611,disaster,no,ja,\r\n"
    );
    assert_eq!(admin.get("/admin/residents/import").await.status, StatusCode::OK);
    let preview = admin.upload("/admin/residents/import", &[], ("file", "list.csv", csv.as_bytes())).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("UTF-8"));
    assert!(preview.body.contains("<dd>5</dd>") && preview.body.contains("<dd>2</dd>"), "{}", preview.body);
    assert!(preview.body.contains("5行目") && preview.body.contains("112071 はあなたが担当する市町村ではありません"));
    assert!(preview.body.contains("6行目"), "each rejected row with its line");
    let text = hidden(&preview, "csv");
    assert!(text.starts_with(HEADER), "the list goes back without its BOM");

    let refused = admin.post("/admin/residents/import/confirm", &[("csv", &text), ("filename", "list.csv")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#skip_rejected\""));
    assert!(app.state.store.subscriber_by_email("new@example.jp").await.unwrap().is_none(), "nothing imported");

    let text = hidden(&refused, "csv");
    let done = admin
        .post("/admin/residents/import/confirm", &[("csv", &text), ("filename", "list.csv"), ("skip_rejected", "yes")])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("2人を新しく登録しました"), "{}", done.body);
    let new = app.state.store.subscriber_by_email("new@example.jp").await.unwrap().unwrap();
    assert_eq!(new.status, SubscriberStatus::Active, "the earlier system confirmed them");
    assert!(new.confirmed_at.is_some());
    assert_eq!(new.source, RegistrationSource::Import);
    assert_eq!(new.source_municipality.as_ref().map(|c| c.as_str()), Some("113611"));
    let joined = app.state.store.subscriptions(elsewhere).await.unwrap();
    assert!(joined.contains(&choice("112071", "crime")), "their 秩父市 choice is kept");
    assert!(joined.contains(&choice("113611", "disaster")), "and 横瀬町's emergency categories added");
    assert!(app.state.store.subscriber_by_email("other-town@example.jp").await.unwrap().is_none());
    let entries = app.state.store.audit_entries(20).await.unwrap();
    let import = entries.iter().find(|e| e.action == "residents_import").unwrap();
    assert!(import.detail.contains("\"rejected\":2") && import.detail.contains("\"rejected_skipped\":true"));
    assert_eq!(import.municipality.as_ref().map(|c| c.as_str()), Some("113611"));
}

#[tokio::test]
async fn a_shift_jis_list_saved_by_excel_is_read_and_an_empty_upload_is_explained() {
    let app = spawn_app(&[], None).await;
    let mut region = signed_in(&app, "region@example.jp", None, Role::ConsortiumAdmin).await;
    region.get("/admin/residents/import").await;
    let none = region.upload("/admin/residents/import", &[], ("file", "", b"")).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains("href=\"#file\""));
    let garbage = region.upload("/admin/residents/import", &[], ("file", "x.csv", b"\xff\xfe\xfd\x00\xd8")).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbage.body);

    // "60代" and "80代以上" in Windows-31J, as Excel's "CSV (Comma delimited)" writes them.
    let mut sjis = format!("{HEADER}\r\nhanako@ezweb.ne.jp,113611;113654,disaster,no,ja,60").into_bytes();
    sjis.extend_from_slice(b"\x91\xe3\r\n");
    sjis.extend_from_slice(b"taro@example.jp,113611,disaster,no,ja,80\x91\xe3\x88\xc8\x8f\xe3\r\n");
    let preview = region.upload("/admin/residents/import", &[], ("file", "一覧.csv", &sjis)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Shift_JIS"), "the page says how the file was read");
    let text = hidden(&preview, "csv");
    assert!(text.contains("60代") && text.contains("80代以上"));
    let done = region.post("/admin/residents/import/confirm", &[("csv", &text)]).await;
    assert_eq!(done.status, StatusCode::OK);
    let hanako = app.state.store.subscriber_by_email("hanako@ezweb.ne.jp").await.unwrap().unwrap();
    assert_eq!(hanako.monitor_age_band.as_deref(), Some("60-69"), "the Japanese form is kept as its code");
    assert_eq!(hanako.source_municipality, None, "a consortium admin's import names no town");
}

#[tokio::test]
async fn the_export_opens_in_excel_and_is_audited() {
    let app = spawn_app(&[], None).await;
    resident(&app, "taro@example.jp", &[("113611", "disaster"), ("112071", "weather")]).await;
    resident(&app, "hanako@example.jp", &[("113654", "event")]).await;
    let mut region = signed_in(&app, "region@example.jp", None, Role::ConsortiumAdmin).await;
    let export = region.get("/admin/residents/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    let disposition = export.headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"residents-all-"), "{disposition}");
    assert!(export.body.starts_with('\u{feff}'), "a BOM tells Excel it is UTF-8");
    let lines: Vec<&str> = export.body.trim_start_matches('\u{feff}').split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 3, "{:?}", export.body);
    assert!(lines[0].starts_with(HEADER), "the import's header, so the list imports again");
    assert!(lines[1].starts_with("taro@example.jp,112071;113611,"), "{}", lines[1]);
    assert!(!export.body.replace("\r\n", "").contains('\n'), "CRLF line ends");
    let entries = app.state.store.audit_entries(10).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "residents_export" && e.detail.contains("\"residents\":2")));
}
