//! The region at a glance, the shared cost and the audit log over HTTP: each
//! municipality admin sees only its own figures and entries, consortium admins
//! the region and each town; the cost report's figures and its remainder rule;
//! CSV files that Excel opens (a BOM) and that leave an audit entry.

use axum::http::{StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use kizuna_core::notice::{ImmediateSend, NoticeAction, Urgency};
use kizuna_core::staff::Role;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::totp::TotpSecret;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::{
    AuditEntry, ClaimRequest, DeliveryOutcome, DeliveryResult, NewAuditEntry, NewSubscriber, Subscription,
};

use super::browser::{Browser, PASSWORD, Page, staff};
use crate::support::{TestApp, notice_template, spawn_app};

const BOM: char = '\u{feff}';

async fn region_admin(app: &TestApp) -> Browser {
    let id = staff(app, "region@example.jp", None, Role::ConsortiumAdmin, false, false).await;
    let secret = TotpSecret::from_bytes(b"insight test secret!".to_vec());
    let sealed = app.state.secrets.seal("totp", secret.as_bytes()).unwrap();
    app.state.store.set_second_factor(id, Some(&sealed), &[]).await.unwrap();
    let mut browser = Browser::new(app);
    browser.sign_in("region@example.jp", PASSWORD).await;
    let code = format!("{:06}", secret.code_at(app.clock_now().timestamp()));
    assert_eq!(browser.post("/admin/second-factor", &[("code", &code)]).await.location(), "/admin");
    browser
}

async fn signed_in(app: &TestApp, email: &str, town: &str, role: Role) -> Browser {
    staff(app, email, Some(town), role, false, false).await;
    let mut browser = Browser::new(app);
    assert_eq!(browser.sign_in(email, PASSWORD).await.location(), "/admin");
    browser
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

/// An active resident who registered `source`-wise (from `poster`'s poster), choosing `towns`.
async fn resident(app: &TestApp, email: &str, source: RegistrationSource, poster: Option<&str>, towns: &[&str]) -> i64 {
    let store = &app.state.store;
    let id = store
        .create_subscriber(
            &NewSubscriber {
                email: EmailAddress::parse(email).unwrap(),
                status: SubscriberStatus::Active,
                language: Lang::JA,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: false,
                source,
                source_municipality: poster.map(code),
                monitor_age_band: None,
                pending_expires_at: None,
            },
            app.clock_now(),
        )
        .await
        .unwrap();
    let choices: Vec<Subscription> = towns
        .iter()
        .map(|t| Subscription {
            municipality: code(t),
            category: CategoryKey::parse("disaster").unwrap(),
            area_id: None,
        })
        .collect();
    store.replace_subscriptions(id, &choices).await.unwrap();
    id
}

/// Sends a notice for `towns` at once; its messages end as `results`, in the order of the recipients' addresses.
async fn sent(app: &TestApp, title: &str, towns: &[&str], results: &[DeliveryResult]) -> i64 {
    let store = &app.state.store;
    let now = app.clock_now();
    let id = app.create(&notice_template(title, "disaster", towns, Urgency::Emergency, false)).await;
    store
        .start_sending(id, NoticeAction::SendImmediately(ImmediateSend::EmergencyRight), "staff:1", now)
        .await
        .unwrap();
    let request = ClaimRequest { claim_id: "test".into(), now, batch_size: 100, claim_ttl: Duration::seconds(60) };
    let mut claimed = store.claim_deliveries(&request).await.unwrap();
    claimed.sort_by_key(|d| d.email.clone());
    assert_eq!(claimed.len(), results.len(), "one message per recipient of {title}");
    let outcomes: Vec<DeliveryOutcome> =
        claimed.iter().zip(results).map(|(d, r)| DeliveryOutcome { delivery_id: d.id, result: r.clone() }).collect();
    // A bounce counts towards suppressing the address only after three.
    store.record_delivery_outcomes("test", &outcomes, 3, now).await.unwrap();
    id
}

/// The text of the cells of the first table row after `after` whose heading cell is `heading`.
fn row_in(page: &Page, after: &str, heading: &str) -> Vec<String> {
    let from = page.body.find(after).unwrap_or_else(|| panic!("no {after}"));
    let marker = format!("<th scope=\"row\">{heading}</th>");
    let start = page.body[from..].find(&marker).unwrap_or_else(|| panic!("no row {heading}")) + from + marker.len();
    let end = page.body[start..].find("</tr>").unwrap() + start;
    page.body[start..end]
        .split("</td>")
        .map(|cell| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_owned()
        })
        .filter(|text| !text.is_empty())
        .collect()
}

fn row_of(page: &Page, heading: &str) -> Vec<String> {
    row_in(page, "<main", heading)
}

/// The CSV line that starts with `first`, without the BOM.
fn line<'a>(csv: &'a str, first: &str) -> &'a str {
    csv.lines()
        .map(|l| l.trim_start_matches(BOM))
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no line {first} in {csv}"))
}

async fn audited(app: &TestApp, action: &str) -> Vec<AuditEntry> {
    let entries = app.state.store.audit_entries(500).await.unwrap();
    entries.into_iter().filter(|e| e.action == action).collect()
}

#[tokio::test]
async fn each_town_sees_its_own_figures_and_the_region_sees_every_town() {
    let app = spawn_app(&[], None).await;
    use RegistrationSource::*;
    resident(&app, "a-web@example.jp", Web, None, &["113611"]).await;
    resident(&app, "b-poster-mail@example.jp", EmptyMailQr, Some("113611"), &["113611"]).await;
    resident(&app, "c-poster-web@example.jp", WebQr, Some("113611"), &["113611"]).await;
    resident(&app, "d-import@example.jp", Import, None, &["112071"]).await;
    resident(&app, "e-both@example.jp", Web, None, &["112071", "113611"]).await;
    resident(&app, "f-chichibu-mail@example.jp", EmptyMail, None, &["112071"]).await;

    let mut yokoze = signed_in(&app, "admin@town.yokoze.example", "113611", Role::MunicipalityAdmin).await;
    let page = yokoze.get("/admin/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg id=\"chart-growth\" class=\"chart\""), "the growth chart is drawn");
    assert!(page.body.contains("role=\"img\" aria-labelledby=\"chart-growth-title\""));
    assert!(page.body.contains("グラフ：月別の新規登録者数"), "the chart says what it shows");
    assert!(!page.body.contains("<option value=\"112071\""), "a town's admin cannot pick another town");
    // 横瀬町's residents: two by web (one also chose 秩父市), two from its own poster.
    assert_eq!(row_of(&page, "横瀬町"), ["4", "0", "0", "0", "0", "0", "0", "4"], "disaster and the total");
    assert!(!page.body.contains("<th scope=\"row\">秩父市</th>"), "no row of another town");
    let growth = row_in(&page, "id=\"growth-table\"", "2026年11月");
    assert_eq!(growth, ["2", "0", "2", "0", "4"], "web, empty mail, 横瀬町's poster, import, total");
    assert!(page.body.contains("QRポスター（横瀬町）"));

    let csv = yokoze.get("/admin/dashboard/growth.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
    assert!(csv.body.starts_with(BOM), "a BOM, so Excel reads UTF-8");
    assert_eq!(line(&csv.body, "月"), "月,Webフォーム,空メール,QRポスター（横瀬町）,一括登録（取り込み）,合計");
    assert_eq!(line(&csv.body, "2026-11"), "2026-11,2,0,2,0,4");
    assert_eq!(csv.body.lines().count(), 13, "a heading and twelve months");
    let exports = audited(&app, "dashboard_export").await;
    assert_eq!(exports.len(), 1, "the download is audited");
    assert_eq!(
        (exports[0].subject.as_str(), exports[0].municipality.as_ref()),
        ("dashboard:growth", Some(&code("113611")))
    );

    for uri in ["/admin/dashboard?municipality=112071", "/admin/dashboard/registrants.csv?municipality=112071"] {
        let other = yokoze.get(uri).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!other.body.contains("一括登録"), "{uri} shows nothing of 秩父市");
    }

    let mut region = region_admin(&app).await;
    let page = region.get("/admin/dashboard").await;
    assert!(page.body.contains("<option value=\"112071\""), "the region's admin picks any town");
    assert_eq!(row_of(&page, "秩父市")[7], "3");
    assert_eq!(row_of(&page, "横瀬町")[7], "4");
    assert!(page.body.contains("<dd>6人</dd>"), "the region counts each resident once");
    let csv = region.get("/admin/dashboard/growth.csv").await;
    let heading = line(&csv.body, "月");
    assert!(
        heading.contains("QRポスター（秩父市）") && heading.contains("QRポスター（小鹿野町）"),
        "every town's poster"
    );
    assert_eq!(line(&csv.body, "2026-11"), "2026-11,2,1,0,2,0,0,0,1,6", "e-both counts once in the region");
    let chichibu = region.get("/admin/dashboard?municipality=112071").await;
    assert_eq!(chichibu.status, StatusCode::OK);
    let growth = row_in(&chichibu, "id=\"growth-table\"", "2026年11月");
    assert_eq!(growth, ["1", "1", "0", "1", "3"], "web, empty mail, 秩父市's poster, import, total");

    let registrants = region.get("/admin/dashboard/registrants.csv").await;
    assert!(registrants.body.starts_with(BOM));
    assert!(line(&registrants.body, "秩父市").starts_with("秩父市,112071,3,0,0,0,0,0,0,3"));
}

#[tokio::test]
async fn bounce_and_unsubscribe_rates_and_the_latest_notices_are_shown() {
    let app = spawn_app(&[], None).await;
    resident(&app, "1@example.jp", RegistrationSource::Web, None, &["113611"]).await;
    resident(&app, "2@example.jp", RegistrationSource::Web, None, &["113611"]).await;
    resident(&app, "3@example.jp", RegistrationSource::Web, None, &["113611"]).await;
    let leaving = resident(&app, "4@example.jp", RegistrationSource::Web, None, &["113611"]).await;
    let bounce = DeliveryResult::Bounced { reply: "550 5.1.1 user unknown".into() };
    sent(
        &app,
        "断水のお知らせ",
        &["113611"],
        &[DeliveryResult::Sent, bounce, DeliveryResult::Sent, DeliveryResult::Sent],
    )
    .await;
    app.state.store.unsubscribe_subscriber(leaving, app.clock_now()).await.unwrap();

    let mut author = signed_in(&app, "author@town.yokoze.example", "113611", Role::Author).await;
    let page = author.get("/admin/dashboard").await;
    assert_eq!(page.status, StatusCode::OK, "every role sees its municipality's figures");
    assert_eq!(row_in(&page, "id=\"rates-table\"", "2026年11月"), ["4", "1", "0", "25.0%", "1"]);
    assert!(page.body.contains("25.0%（過去12か月の配信 4通のうち）"));
    // Three still registered, one left: 1 of 4.
    assert!(page.body.contains("25.0%（過去12か月に1人が配信を停止）"));
    assert!(page.body.contains("断水のお知らせ"), "the latest notice is listed");
    let latest_start = page.body.find("断水のお知らせ</a>").unwrap();
    let cells: Vec<&str> = page.body[latest_start..]
        .split("<td class=\"numeric\">")
        .skip(1)
        .take(5)
        .map(|c| &c[..c.find('<').unwrap()])
        .collect();
    assert_eq!(cells, ["4", "3", "0", "1", "0"], "recipients, delivered, waiting, bounced, failed");
    let csv = author.get("/admin/dashboard/rates.csv").await;
    assert_eq!(line(&csv.body, "2026-11"), "2026-11,4,1,0,25.0,1");
}

async fn add_item(browser: &mut Browser, year: &str, name: &str, amount: &str) -> Page {
    browser.get(&format!("/admin/costs?year={year}")).await;
    browser.post("/admin/costs/items", &[("fiscal_year", year), ("name", name), ("amount", amount)]).await
}

#[tokio::test]
async fn the_cost_report_shares_by_the_rule_by_registrants_and_by_messages_in_whole_yen() {
    let app = spawn_app(&[], None).await;
    // Registrants: 秩父市 6, 横瀬町 2, 皆野町 1, 長瀞町 1, 小鹿野町 0.
    for (i, town) in
        ["112071", "112071", "112071", "112071", "112071", "112071", "113611", "113611", "113620", "113638"]
            .iter()
            .enumerate()
    {
        resident(&app, &format!("r{i}@example.jp"), RegistrationSource::Web, None, &[town]).await;
    }
    // Messages: one notice for 秩父市 and 横瀬町 reaching all eight of their residents.
    sent(&app, "合同のお知らせ", &["112071", "113611"], &vec![DeliveryResult::Sent; 8]).await;

    let mut admin = region_admin(&app).await;
    let page = admin.get("/admin/costs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2026年度（2026年4月〜2027年3月）"), "the current fiscal year by default");
    assert!(page.body.contains("切り捨てた端数が大きい市町村から順に1円ずつ"), "the remainder rule is stated");

    let wrong = add_item(&mut admin, "2026", "サーバー利用料", "12.5").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("href=\"#amount\""), "the error summary links to the field");
    assert!(wrong.body.contains("金額は円単位の整数で入力してください"));
    assert!(wrong.body.contains("value=\"サーバー利用料\""), "what was typed is kept");
    assert!(app.state.store.cost_items(2026).await.unwrap().is_empty(), "nothing is stored");

    let added = add_item(&mut admin, "2026", "サーバー利用料", "１２０，０００円").await;
    assert_eq!(added.location(), "/admin/costs?year=2026&done=cost-added");
    add_item(&mut admin, "2026", "保守委託料", "30,000").await;
    add_item(&mut admin, "2025", "前年度の費用", "999").await;
    let page = admin.get("/admin/costs?year=2026").await;
    assert_eq!(row_of(&page, "サーバー利用料")[0], "120,000円");
    assert!(!page.body.contains("前年度の費用"), "another year's item is not in this year");
    // 150,000 yen: the rule, by registrants (6:2:1:1:0), by messages (4:4 in equal parts of a shared notice).
    assert_eq!(row_of(&page, "秩父市"), ["75,000円", "6", "90,000円", "4", "75,000円"]);
    assert_eq!(row_of(&page, "横瀬町"), ["18,750円", "2", "30,000円", "4", "75,000円"]);
    assert_eq!(row_of(&page, "皆野町"), ["18,750円", "1", "15,000円", "0", "0円"]);
    assert_eq!(row_of(&page, "小鹿野町"), ["18,750円", "0", "0円", "0", "0円"]);
    assert!(page.body.contains("秩父市 50%、残りを他の4市町村で均等に分担"), "the rule in words");

    // 150,001 yen: 75,000.5 and 18,750.125 each; the yen left goes to the largest remainder, 秩父市.
    add_item(&mut admin, "2026", "振込手数料", "1").await;
    let page = admin.get("/admin/costs?year=2026").await;
    assert_eq!(row_of(&page, "秩父市")[0], "75,001円");
    for town in ["横瀬町", "皆野町", "長瀞町", "小鹿野町"] {
        assert_eq!(row_of(&page, town)[0], "18,750円", "{town}");
    }
    let csv = admin.get("/admin/costs/report.csv?year=2026").await;
    assert!(csv.body.starts_with(BOM));
    assert_eq!(line(&csv.body, "秩父市"), "秩父市,75001,6,90001,4,75001");
    assert_eq!(line(&csv.body, "横瀬町"), "横瀬町,18750,2,30000,4,75000");
    assert_eq!(line(&csv.body, "合計,"), "合計,150001,,150001,,150001", "every column sums to the total");
    assert!(csv.body.contains("\r\n振込手数料,1,"), "the items follow");
    assert_eq!(audited(&app, "costs_export").await.len(), 1);
    assert_eq!(audited(&app, "cost_item_add").await.len(), 4);

    let print = admin.get("/admin/costs/print?year=2026").await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(!print.body.contains("class=\"staff-nav\""), "no navigation on paper");
    assert!(!print.body.contains("<form"), "no forms on paper");
    assert!(print.body.contains("150,001円") && print.body.contains("75,001円"));

    let id = app.state.store.cost_items(2026).await.unwrap().last().unwrap().id;
    admin.get("/admin/costs?year=2026").await;
    let removed = admin.post(&format!("/admin/costs/items/{id}/remove"), &[]).await;
    assert_eq!(removed.location(), "/admin/costs?year=2026&done=cost-removed");
    let page = admin.get("/admin/costs?year=2026&done=cost-removed").await;
    assert!(page.body.contains("費用の項目を削除しました。"));
    assert_eq!(row_of(&page, "秩父市")[0], "75,000円");
    assert_eq!(audited(&app, "cost_item_remove").await.len(), 1);

    let mut town_admin = signed_in(&app, "admin@town.yokoze.example", "113611", Role::MunicipalityAdmin).await;
    assert_eq!(town_admin.get("/admin/costs").await.status, StatusCode::FORBIDDEN, "consortium admins only");
}

async fn record(app: &TestApp, at: DateTime<Utc>, entry: NewAuditEntry) {
    app.state.store.record_audit(&entry, at).await.unwrap();
}

#[tokio::test]
async fn the_audit_log_is_filtered_paged_exported_and_each_town_sees_its_own() {
    let app = spawn_app(&[], None).await;
    let t = app.clock_now();
    let yokoze_author = staff(&app, "author@town.yokoze.example", Some("113611"), Role::Author, false, false).await;
    let yokoze_actor = format!("staff:{yokoze_author}");
    for i in 0..55 {
        let entry = NewAuditEntry::new(&yokoze_actor, "notice_create", format!("notice:{}", 1000 + i), "")
            .in_municipality(Some(&code("113611")));
        record(&app, t - Duration::days(3), entry).await;
    }
    record(
        &app,
        t - Duration::days(1),
        NewAuditEntry::new("staff:77", "notice_approve", "notice:9001", "秩父市の記録")
            .in_municipality(Some(&code("112071"))),
    )
    .await;
    record(
        &app,
        t - Duration::days(1),
        NewAuditEntry::new(&yokoze_actor, "sign_in", "staff", "").in_municipality(None),
    )
    .await;

    let mut yokoze = signed_in(&app, "admin@town.yokoze.example", "113611", Role::MunicipalityAdmin).await;
    let page = yokoze.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("notice:9001"), "another town's entries are not shown");
    assert!(page.body.contains("author@town.yokoze.example"), "the person by address");
    assert_eq!(page.body.matches("<code class=\"action-code\">").count(), 50, "fifty entries a page");
    assert!(page.body.contains("<td>お知らせの下書きを作成した <code"), "each action in plain words, then its code");
    let older = page.body.split("href=\"").find(|s| s.starts_with("/admin/audit?before=")).unwrap();
    let older = &older[..older.find('"').unwrap()];
    let next = yokoze.get(older).await;
    let creates = |p: &Page| p.body.matches("<code class=\"action-code\">notice_create</code>").count();
    assert_eq!(creates(&page) + creates(&next), 55, "the rest on the next page");
    assert!(!next.body.contains("/admin/audit?before="), "the last page");
    assert_eq!(yokoze.get("/admin/audit?municipality=112071").await.status, StatusCode::NOT_FOUND);
    assert_eq!(yokoze.get("/admin/audit.csv?municipality=112071").await.status, StatusCode::NOT_FOUND);

    let mut region = region_admin(&app).await;
    let day = |d: DateTime<Utc>| kizuna_core::time::tokyo_date(d).format("%Y-%m-%d").to_string();
    let page = region.get(&format!("/admin/audit?from={}&until={}", day(t - Duration::days(1)), day(t))).await;
    assert!(page.body.contains("notice:9001") && page.body.contains("<code class=\"action-code\">sign_in</code>"));
    assert!(page.body.contains("お知らせを承認した") && page.body.contains("サインインした"));
    assert!(
        !page.body.contains("<code class=\"action-code\">notice_create</code>"),
        "three days ago is outside the dates"
    );
    let page = region.get("/admin/audit?person=author%40town.yokoze.example&action=notice_").await;
    assert_eq!(page.body.matches("<code class=\"action-code\">notice_create</code>").count(), 50);
    assert!(!page.body.contains("<code class=\"action-code\">sign_in</code>"), "the action filter matches its start");
    let bad = region.get("/admin/audit?from=3+Dec&person=nobody%40example.jp").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("href=\"#from\"") && bad.body.contains("href=\"#person\""),
        "each error links to its field"
    );

    let csv = region.get("/admin/audit.csv?municipality=113611&action=notice_").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with(BOM));
    assert_eq!(csv.body.lines().count(), 1 + 55, "a heading and every matching entry, not one page");
    assert!(line(&csv.body, "日時").starts_with("日時,操作した人,操作,対象,市町村,内容,接続元"));
    let exports = audited(&app, "audit_export").await;
    assert_eq!(exports.len(), 1, "the export is itself audited");
    assert_eq!(exports[0].detail, "municipality=113611&action=notice_");
    let after = region.get("/admin/audit?action=audit_export").await;
    assert!(after.body.contains("<code class=\"action-code\">audit_export</code>"));
}
