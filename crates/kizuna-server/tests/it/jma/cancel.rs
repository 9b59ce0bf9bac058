//! A JMA 取消 as residents meet it: the notice of the cancelled report is withdrawn
//! (CAP Cancel, gone from the archive's lists, its page marked withdrawn), and each
//! resident it reached gets one short 【取消】 mail naming it and when it was sent;
//! nobody else hears anything, and a 取消 of a report that made no notice sends nothing.

use chrono::{Duration, FixedOffset};
use kizuna_core::Lang;
use kizuna_core::notice::NoticeStatus;
use kizuna_core::subscriber::Charset;
use kizuna_server::delivery::{Outcome, Worker};

use super::*;
use crate::check_ins::{call, deliver, get};

const WARNING: &str = "derived/vpww54_1_hatsuhyo.xml";
const WARNING_TITLE: &str = "大雨警報（土砂災害）・雷注意報発表（秩父市・横瀬町・小鹿野町）";

/// The report in `name` made into its own 取消 `minutes` later, its Body emptied
/// when `bodyless`, as JMA sends one.
fn cancellation(name: &str, minutes: i64, bodyless: bool) -> String {
    let xml = fixture(name);
    let replace = |text: &str, open: &str, close: &str, with: &str| {
        let old = between(text, open, close);
        text.replacen(&format!("{open}{old}{close}"), &format!("{open}{with}{close}"), 1)
    };
    let tokyo = FixedOffset::east_opt(9 * 3600).unwrap();
    let at = (report_time(&xml) + Duration::minutes(minutes)).with_timezone(&tokyo).to_rfc3339();
    let text =
        replace(&replace(&xml, "<InfoType>", "</InfoType>", "取消"), "<ReportDateTime>", "</ReportDateTime>", &at);
    if !bodyless {
        return text;
    }
    let start = text.find("<Body").unwrap();
    let open_end = start + text[start..].find('>').unwrap();
    let end = text.find("</Body>").unwrap() + "</Body>".len();
    format!("{}{}/>{}", &text[..start], &text[start..open_end], &text[end..])
}

/// Publishes the 取消 of fixture `name` and polls when it was issued.
async fn cancel(app: &TestApp, jma: &FakeJma, name: &str, bodyless: bool) -> PollReport {
    let xml = cancellation(name, 5, bodyless);
    let path = format!("/data/cancel_{}", name.replace('/', "_"));
    let (id, title) = (format!("urn:kizuna-test:cancel:{name}"), between(&xml, "<Title>", "</Title>").to_owned());
    jma.publish("/extra.xml", &id, &title, &path, report_time(&xml), xml.clone().into());
    poll_at(app, report_time(&xml)).await
}

/// Each mail in the outbox as (recipient, subject, text).
fn mails(app: &TestApp) -> Vec<(String, String, String)> {
    app.outbox()
        .iter()
        .map(|eml| {
            let to = header(eml, "To").unwrap_or_default();
            (to, decode_subject(&header(eml, "Subject").unwrap_or_default()), body_text(eml))
        })
        .collect()
}

fn cancellations(app: &TestApp) -> Vec<(String, String, String)> {
    mails(app)
        .into_iter()
        .filter(|(_, subject, _)| subject.starts_with("【取消】") || subject.starts_with("[Cancelled]"))
        .collect()
}

#[tokio::test]
async fn a_cancelled_warning_is_withdrawn_and_each_resident_it_reached_is_told_once() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    app.resident("hanako@example.jp", &[("112071", "weather")], Charset::Utf8, Lang::JA).await;
    app.resident("john@example.jp", &[("113611", "weather")], Charset::Utf8, Lang::EN).await;
    // 皆野町's advisory waits as a draft; 秩父市's disaster notices are another category.
    app.resident("taro@example.jp", &[("113620", "weather")], Charset::Utf8, Lang::JA).await;
    app.resident("jiro@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;

    jma.publish_fixture("/extra.xml", WARNING);
    let issued = poll_at(&app, report_time(&fixture(WARNING))).await;
    assert_eq!(created(&app, &issued).await[0], (WARNING_TITLE.to_owned(), NoticeStatus::Sending, 2));
    let (warning, advisory) = (issued.created[0], issued.created[1]);
    deliver(&app).await;
    assert_eq!(mails(&app).len(), 2);

    let report = cancel(&app, &jma, WARNING, false).await;
    assert_eq!(report.withdrawn, [warning, advisory], "{report:?}");
    assert_eq!(notice(&app, warning).await.status, NoticeStatus::Withdrawn);
    assert_eq!(notice(&app, advisory).await.status, NoticeStatus::Cancelled, "the draft never went out");
    assert_eq!(report.sent.len(), 1, "one 【取消】 notice, to those the warning reached");
    deliver(&app).await;

    let told = cancellations(&app);
    let to: Vec<&str> = told.iter().map(|(to, _, _)| to.as_str()).collect();
    assert_eq!(to.len(), 2, "{told:?}");
    assert!(to.contains(&"hanako@example.jp") && to.contains(&"john@example.jp"), "{to:?}");
    let (_, subject, text) = told.iter().find(|(to, _, _)| to == "hanako@example.jp").unwrap();
    assert_eq!(subject, &format!("【取消】{WARNING_TITLE}"));
    assert!(text.contains(&format!("2026年7月1日 14:00にお送りした「{WARNING_TITLE}」は")), "{text}");
    assert!(text.contains("取り消されました"), "{text}");
    assert!(!text.contains("/check-in/"), "it asks nothing: {text}");
    let (_, subject, text) = told.iter().find(|(to, _, _)| to == "john@example.jp").unwrap();
    assert!(subject.starts_with("[Cancelled] Heavy Rain Warning (landslides)"), "{subject}");
    assert!(text.contains("we sent on 1 Jul 2026 14:00 JST has been cancelled"), "{text}");

    // The public side: a CAP Cancel of the warning, gone from the lists, its page kept.
    let router = kizuna_server::web::router(app.state.clone());
    let cap = call(&router, get(&format!("/notices/{warning}/cap.xml"))).await;
    assert!(cap.body.contains("<msgType>Cancel</msgType>"), "{}", cap.body);
    assert!(cap.body.contains(&format!("anshin.example.jp.notice.{warning},")), "{}", cap.body);
    assert!(call(&router, get("/feeds/cap.xml")).await.body.contains(&format!("/notices/{warning}/cap.xml")));
    let link = format!("href=\"/notices/{warning}\"");
    assert!(!call(&router, get("/notices")).await.body.contains(&link), "gone from the archive's list");
    assert!(!call(&router, get("/")).await.body.contains(&link), "and from the home page");
    let page = call(&router, get(&format!("/notices/{warning}"))).await;
    assert!(page.status.is_success() && page.body.contains("撤回"), "{}", page.body);

    // The same 取消 listed again tells nobody twice.
    let xml = cancellation(WARNING, 5, false);
    let title = between(&xml, "<Title>", "</Title>").to_owned();
    jma.publish(
        "/extra.xml",
        "urn:kizuna-test:again",
        &title,
        "/data/again.xml",
        report_time(&xml),
        xml.clone().into(),
    );
    let again = poll_at(&app, report_time(&xml) + Duration::minutes(1)).await;
    assert!(again.created.is_empty() && again.withdrawn.is_empty(), "{again:?}");
    deliver(&app).await;
    assert_eq!(cancellations(&app).len(), 2);
}

#[tokio::test]
async fn a_cancelled_tornado_advisory_for_the_chichibu_area_is_withdrawn_and_its_recipients_told() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    app.resident("hanako@example.jp", &[("112071", "weather")], Charset::Utf8, Lang::JA).await;
    app.resident("john@example.jp", &[("113638", "weather")], Charset::Utf8, Lang::EN).await;
    app.resident("jiro@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let tornado = "derived/vphw50_chichibu.xml";
    let title = format!("竜巻注意情報（{FIVE_JA}）");

    // 竜巻注意情報 waits as a draft by default; staff with the emergency right send it.
    jma.publish_fixture("/extra.xml", tornado);
    let issued = poll_at(&app, report_time(&fixture(tornado))).await;
    assert_eq!(created(&app, &issued).await, [(title.clone(), NoticeStatus::Draft, 0)]);
    let advisory = issued.created[0];
    kizuna_server::notices::send(&app.state, &emergency_staff(), advisory).await.unwrap();
    deliver(&app).await;
    let reached: Vec<String> = mails(&app).into_iter().map(|(to, _, _)| to).collect();
    assert_eq!(reached.len(), 2, "秩父市's and 長瀞町's weather residents: {reached:?}");

    // The 取消 comes without a Body, as JMA may send it.
    let report = cancel(&app, &jma, tornado, true).await;
    assert_eq!(report.withdrawn, [advisory], "{report:?}");
    assert_eq!(notice(&app, advisory).await.status, NoticeStatus::Withdrawn);
    deliver(&app).await;
    let told = cancellations(&app);
    let mut to: Vec<&str> = told.iter().map(|(to, _, _)| to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["hanako@example.jp", "john@example.jp"], "each earlier recipient once, and nobody else");
    let (_, subject, text) = told.iter().find(|(to, _, _)| to == "hanako@example.jp").unwrap();
    assert_eq!(subject, &format!("【取消】{title}"));
    assert!(text.contains(&format!("「{title}」は")) && text.contains("取り消されました"), "{text}");
    let router = kizuna_server::web::router(app.state.clone());
    let cap = call(&router, get(&format!("/notices/{advisory}/cap.xml"))).await;
    assert!(cap.body.contains("<msgType>Cancel</msgType>"), "{}", cap.body);
    assert!(!call(&router, get("/notices")).await.body.contains(&format!("href=\"/notices/{advisory}\"")));
}

#[tokio::test]
async fn a_cancellation_while_sending_stops_the_rest_and_tells_only_those_already_reached() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[("KIZUNA_DELIVERY_BATCH_SIZE", "1")]).await;
    for email in ["a@example.jp", "b@example.jp", "c@example.jp"] {
        app.resident(email, &[("112071", "weather")], Charset::Utf8, Lang::JA).await;
    }
    jma.publish_fixture("/extra.xml", WARNING);
    let issued = poll_at(&app, report_time(&fixture(WARNING))).await;
    let warning = issued.created[0];
    // One message of three has gone out when the 取消 arrives.
    let mut worker = Worker::new(app.state.clone());
    assert_ne!(worker.try_execute_batch().await.unwrap(), Outcome::Idle);
    let reached: Vec<String> = mails(&app).into_iter().map(|(to, _, _)| to).collect();
    assert_eq!(reached.len(), 1);

    let report = cancel(&app, &jma, WARNING, true).await;
    assert_eq!(report.withdrawn, issued.created, "the warning, and the advisory's draft");
    deliver(&app).await;
    let counts = app.state.store.delivery_counts(warning).await.unwrap();
    assert_eq!((counts.sent, counts.cancelled), (1, 2), "the rest is not sent");
    assert_eq!(notice(&app, warning).await.status, NoticeStatus::Withdrawn);
    let told: Vec<String> = cancellations(&app).into_iter().map(|(to, _, _)| to).collect();
    assert_eq!(told, reached, "only the resident already reached is told");
    assert_eq!(mails(&app).len(), 2, "nobody else hears anything");
}

#[tokio::test]
async fn a_cancellation_of_a_report_that_reached_nobody_sends_nothing() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    app.resident("hanako@example.jp", &[("112071", "weather"), ("112071", "disaster")], Charset::Utf8, Lang::JA).await;

    // 徳島県's warnings make no notice here; their 取消, bodyless, makes none either.
    let tokushima = "15_15_01_220314_VPWW54.xml";
    jma.publish_fixture("/extra.xml", tokushima);
    poll_at(&app, report_time(&fixture(tokushima))).await;
    let report = cancel(&app, &jma, tokushima, true).await;
    assert!(report.created.is_empty() && report.withdrawn.is_empty() && report.refused.is_empty(), "{report:?}");

    // 秩父市's landslide alert went out to nobody subscribed to it (hanako chose
    // 秩父市 weather and disaster, but was erased first): withdrawn, nobody told.
    let landslide = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    app.state.store.erase_subscriber(1, app.clock_now()).await.unwrap();
    jma.publish_fixture("/extra.xml", landslide);
    let issued = poll_at(&app, report_time(&fixture(landslide))).await;
    assert_eq!(created(&app, &issued).await, [("土砂災害警戒情報発表（秩父市）".to_owned(), NoticeStatus::Sent, 0)]);
    let report = cancel(&app, &jma, landslide, false).await;
    assert_eq!(report.withdrawn, issued.created);
    assert!(report.created.is_empty() && report.sent.is_empty(), "{report:?}");
    deliver(&app).await;
    assert!(app.outbox().is_empty());
    assert_eq!(all_notices(&app).await.len(), 1);
}
