//! The JMA poller against a local HTTP server posing as JMA's feeds: it serves an
//! Atom feed listing fixture reports and the reports themselves, counts requests and
//! answers 304 when `If-None-Match` matches.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use kizuna_core::Lang;
use kizuna_core::notice::{NoticeSource, NoticeStatus, Urgency};
use kizuna_core::subscriber::Charset;
use kizuna_server::http_client::{HttpError, Outbound};
use kizuna_server::jma_poller::{self, PollReport};
use kizuna_store::Notice;

use crate::support::*;

const FIVE_JA: &str = "秩父市・横瀬町・皆野町・長瀞町・小鹿野町";

fn fixture(name: &str) -> String {
    let path = format!("{}/../kizuna-core/tests/fixtures/jmaxml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let start = xml.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let end = start + xml[start..].find(close).unwrap_or_else(|| panic!("no {close}"));
    &xml[start..end]
}

fn report_time(xml: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(between(xml, "<ReportDateTime>", "</ReportDateTime>")).unwrap().with_timezone(&Utc)
}

/// One entry of the fake feed.
#[derive(Clone)]
struct Entry {
    id: String,
    title: String,
    path: String,
    updated: DateTime<Utc>,
}

#[derive(Default)]
struct Fake {
    /// Feed path → entries, newest first, and a version for the ETag.
    feeds: HashMap<String, (Vec<Entry>, u64)>,
    documents: HashMap<String, Vec<u8>>,
    requests: HashMap<String, usize>,
    /// Every feed answers with this status while set.
    feed_failure: Option<StatusCode>,
}

#[derive(Clone)]
struct FakeJma {
    inner: Arc<Mutex<Fake>>,
    base: String,
}

impl FakeJma {
    async fn start(feeds: &[&str]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut fake = Fake::default();
        for feed in feeds {
            fake.feeds.insert((*feed).to_owned(), (Vec::new(), 0));
        }
        let jma = Self { inner: Arc::new(Mutex::new(fake)), base };
        let app = axum::Router::new().fallback(serve_fake).with_state(jma.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        jma
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Lists a report at the top of a feed, as JMA does with a new one.
    fn publish(&self, feed: &str, id: &str, title: &str, path: &str, updated: DateTime<Utc>, document: Vec<u8>) {
        let mut fake = self.inner.lock().unwrap();
        fake.documents.insert(path.to_owned(), document);
        let (entries, version) = fake.feeds.get_mut(feed).unwrap();
        entries.insert(0, Entry { id: id.to_owned(), title: title.to_owned(), path: path.to_owned(), updated });
        *version += 1;
    }

    /// Publishes a fixture under a JMA-like file name; returns its entry id and path.
    fn publish_fixture(&self, feed: &str, name: &str) -> (String, String) {
        let xml = fixture(name);
        let path = format!("/data/{}", name.replace('/', "_"));
        let id = format!("urn:kizuna-test:{name}");
        let title = between(&xml, "<Title>", "</Title>").to_owned();
        self.publish(feed, &id, &title, &path, report_time(&xml), xml.into_bytes());
        (id, path)
    }

    /// Empties a feed, as the short feed drops old entries.
    fn clear(&self, feed: &str) {
        let mut fake = self.inner.lock().unwrap();
        let (entries, version) = fake.feeds.get_mut(feed).unwrap();
        entries.clear();
        *version += 1;
    }

    fn fail_feeds(&self, status: Option<StatusCode>) {
        self.inner.lock().unwrap().feed_failure = status;
    }

    fn requests(&self, path: &str) -> usize {
        self.inner.lock().unwrap().requests.get(path).copied().unwrap_or(0)
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn serve_fake(State(jma): State<FakeJma>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_owned();
    let mut fake = jma.inner.lock().unwrap();
    *fake.requests.entry(path.clone()).or_default() += 1;
    if let Some((entries, version)) = fake.feeds.get(&path) {
        if let Some(status) = fake.feed_failure {
            return (status, "feed unavailable").into_response();
        }
        let etag = format!("\"v{version}\"");
        if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        let mut atom = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\
             <title>高頻度（随時）</title><subtitle>JMAXML publishing feed</subtitle><id>urn:feed</id>",
        );
        for entry in entries {
            atom.push_str(&format!(
                "<entry><title>{}</title><id>{}</id><updated>{}</updated><author><name>気象庁</name></author>\
                 <link type=\"application/xml\" href=\"{}\"/><content type=\"text\">…</content></entry>",
                escape(&entry.title),
                escape(&entry.id),
                entry.updated.to_rfc3339(),
                escape(&jma.url(&entry.path)),
            ));
        }
        atom.push_str("</feed>");
        return ([(header::CONTENT_TYPE, "application/atom+xml".to_owned()), (header::ETAG, etag)], atom)
            .into_response();
    }
    match fake.documents.get(&path) {
        Some(document) => ([(header::CONTENT_TYPE, "application/xml")], document.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn app_polling(jma: &FakeJma, feeds: &[&str], env: &[(&str, &str)]) -> TestApp {
    let feeds = feeds.iter().map(|feed| jma.url(feed)).collect::<Vec<_>>().join(",");
    let mut vars = vec![("KIZUNA_JMA_FEEDS", feeds.as_str())];
    vars.extend_from_slice(env);
    spawn_app(&vars, None).await
}

async fn poll_at(app: &TestApp, at: DateTime<Utc>) -> PollReport {
    app.clock.set(at);
    jma_poller::poll_once(&app.state).await.unwrap()
}

async fn notice(app: &TestApp, id: i64) -> Notice {
    app.state.store.notice(id).await.unwrap().unwrap()
}

/// Every notice in the database (ids count up from 1 and none is deleted).
async fn all_notices(app: &TestApp) -> Vec<Notice> {
    let mut notices = Vec::new();
    while let Some(notice) = app.state.store.notice(notices.len() as i64 + 1).await.unwrap() {
        notices.push(notice);
    }
    notices
}

/// What a resident and an approver see of the notices a poll created.
async fn created(app: &TestApp, report: &PollReport) -> Vec<(String, NoticeStatus, i64)> {
    let mut seen = Vec::new();
    for id in &report.created {
        let notice = notice(app, *id).await;
        assert_eq!(notice.source, NoticeSource::Jma);
        assert!(notice.source_ref.as_deref().is_some_and(|r| r.starts_with("jma:")), "{:?}", notice.source_ref);
        let queued = app.state.store.delivery_counts(*id).await.unwrap().queued;
        seen.push((notice.title.to_string(), notice.status, queued));
    }
    seen
}

/// Captures what the poller logs on this thread (tests run on a current-thread runtime).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || logs.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// `/healthz` as a load balancer sees it.
async fn healthz(app: &TestApp) -> (u16, serde_json::Value) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/healthz", listener.local_addr().unwrap());
    let router = kizuna_server::web::router(app.state.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let response = Outbound::direct().unwrap().get(&url, &[], 1 << 16, StdDuration::from_secs(10)).await.unwrap();
    server.abort();
    (response.status, serde_json::from_slice(&response.body).unwrap())
}

enum Expected {
    /// Skipped from the feed entry alone: the report is never downloaded.
    NotFetched,
    /// Read and remembered, no notice.
    Nothing,
    /// One draft with this title.
    Draft(String),
}

#[tokio::test]
async fn every_official_sample_goes_through_the_poller_as_the_core_table_says() {
    let table = [
        ("15_14_01_170216_VPWW53.xml", Expected::NotFetched),
        ("15_15_01_220314_VPWW54.xml", Expected::Nothing),
        ("15_17_01_250630_VPWW55.xml", Expected::Nothing),
        ("15_17_01_250630_VPWW56.xml", Expected::Nothing),
        ("17_01_01_190529_VXWW50.xml", Expected::Nothing),
        ("17_04_01_250630_VXWW50.xml", Expected::Nothing),
        ("19_08_01_150916_VPHW50.xml", Expected::Nothing),
        ("32-35_01_01_100806_VXSE51.xml", Expected::Draft(format!("震度3の地震（{FIVE_JA}）"))),
        ("32-35_04_01_100831_VXSE51.xml", Expected::Nothing),
        ("32-35_06_03_240613_VXSE53.xml", Expected::Nothing),
    ];
    let mut on_disk: Vec<String> =
        std::fs::read_dir(format!("{}/../kizuna-core/tests/fixtures/jmaxml", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".xml"))
            .collect();
    on_disk.sort();
    assert_eq!(on_disk, table.iter().map(|(name, _)| *name).collect::<Vec<_>>(), "every sample needs a row");

    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    for (name, expected) in table {
        // The short feed lists only what is new.
        jma.clear("/extra.xml");
        let (id, path) = jma.publish_fixture("/extra.xml", name);
        let at = report_time(&fixture(name));
        let report = poll_at(&app, at).await;
        assert_eq!(report.polled.len(), 1, "{name}: a clock set back still polls");
        assert!(report.failed.is_empty() && report.refused.is_empty(), "{name}: {report:?}");
        let processed = app.state.store.jma_state().await.unwrap().processed.values().any(|t| *t == at);
        match expected {
            Expected::NotFetched => {
                assert_eq!(jma.requests(&path), 0, "{name}");
                assert!(!processed, "{name}");
            }
            Expected::Nothing => {
                assert_eq!((jma.requests(&path), report.fetched), (1, vec![id]), "{name}");
                assert!(report.created.is_empty(), "{name}");
                assert!(processed, "{name} is remembered as handled");
            }
            Expected::Draft(title) => {
                assert_eq!(jma.requests(&path), 1, "{name}");
                assert_eq!(created(&app, &report).await, [(title, NoticeStatus::Draft, 0)], "{name}");
                assert!(report.sent.is_empty());
            }
        }
    }
    assert_eq!(all_notices(&app).await.len(), 1);
}

#[tokio::test]
async fn a_warning_is_sent_when_issued_switched_and_lifted_and_advisories_wait_for_approval() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    let towns = ["112071", "113611", "113620", "113638", "113654"];
    let choices: Vec<(&str, &str)> = towns.iter().map(|town| (*town, "weather")).collect();
    app.resident("hanako@example.jp", &choices, Charset::Utf8, Lang::JA).await;

    let steps = [
        (
            "derived/vpww54_1_hatsuhyo.xml",
            vec![
                ("大雨警報（土砂災害）・雷注意報発表（秩父市・横瀬町・小鹿野町）", NoticeStatus::Sending, 1),
                ("大雨注意報・雷注意報発表（皆野町・長瀞町）", NoticeStatus::Draft, 0),
            ],
        ),
        ("derived/vpww54_2_keizoku.xml", vec![]),
        (
            "derived/vpww54_3_kirikae.xml",
            vec![
                ("雷注意報解除（秩父市・横瀬町・小鹿野町）", NoticeStatus::Sending, 1),
                ("大雨警報（土砂災害）発表（皆野町・長瀞町）", NoticeStatus::Sending, 1),
            ],
        ),
        (
            "derived/vpww54_4_kaijo.xml",
            vec![
                ("大雨警報（土砂災害）解除（秩父市・横瀬町・小鹿野町）", NoticeStatus::Sending, 1),
                ("大雨警報（土砂災害）・雷注意報解除（皆野町・長瀞町）", NoticeStatus::Sending, 1),
            ],
        ),
    ];
    let mut paths = Vec::new();
    for (name, want) in steps {
        let (_, path) = jma.publish_fixture("/extra.xml", name);
        paths.push(path);
        let report = poll_at(&app, report_time(&fixture(name))).await;
        let want: Vec<(String, NoticeStatus, i64)> =
            want.into_iter().map(|(title, status, queued)| (title.to_owned(), status, queued)).collect();
        assert_eq!(created(&app, &report).await, want, "{name}");
        assert_eq!(report.sent.len(), want.iter().filter(|(_, status, _)| *status == NoticeStatus::Sending).count());
        for path in &paths {
            assert_eq!(jma.requests(path), 1, "{path} is fetched once, whatever the feed lists later");
        }
    }
    let first = notice(&app, 1).await;
    assert_eq!((first.urgency, first.exercise), (Urgency::Emergency, false));
    assert!(
        first.body.as_str().starts_with("秩父市・横瀬町・小鹿野町に大雨警報（土砂災害）、雷注意報が発表されました。")
    );
    assert!(first.title_en.is_some_and(|t| t.as_str().starts_with("Heavy Rain Warning (landslides)")));
    assert!(app.state.store.jma_state().await.unwrap().warnings.is_empty(), "everything was lifted");
}

#[tokio::test]
async fn an_entry_is_fetched_once_a_304_changes_nothing_and_a_repeated_report_makes_no_second_notice() {
    let jma = FakeJma::start(&["/extra.xml", "/extra_l.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml", "/extra_l.xml"], &[]).await;
    let name = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    let xml = fixture(name);
    let at = report_time(&xml);
    // The short and the long feed list the same entry.
    let (_, path) = jma.publish_fixture("/extra.xml", name);
    jma.publish_fixture("/extra_l.xml", name);

    let first = poll_at(&app, at).await;
    assert_eq!(first.polled.len(), 2);
    assert_eq!(jma.requests(&path), 1, "the long feed's copy is not fetched again");
    // Sent at once; with nobody subscribed it is done at once too.
    assert_eq!(created(&app, &first).await, [("土砂災害警戒情報発表（秩父市）".to_owned(), NoticeStatus::Sent, 0)]);

    let second = poll_at(&app, at + Duration::seconds(30)).await;
    assert!(second.polled.is_empty(), "not due before the interval");
    let third = poll_at(&app, at + Duration::seconds(60)).await;
    assert_eq!(third.not_modified.len(), 2, "{third:?}");
    assert_eq!((jma.requests("/extra.xml"), jma.requests("/extra_l.xml"), jma.requests(&path)), (2, 2, 1));
    assert!(third.created.is_empty() && third.fetched.is_empty());

    // JMA lists the very same report again under a new entry: read, but no second notice.
    jma.publish("/extra.xml", "urn:kizuna-test:again", "土砂災害警戒情報", "/data/again_VXWW50.xml", at, xml.into());
    let fourth = poll_at(&app, at + Duration::seconds(120)).await;
    assert_eq!(fourth.fetched, ["urn:kizuna-test:again"]);
    assert!(fourth.created.is_empty() && fourth.sent.is_empty());
    assert_eq!(all_notices(&app).await.len(), 1);
    let feed = app.state.store.jma_feed(&jma.url("/extra.xml")).await.unwrap().unwrap();
    assert_eq!((feed.etag.as_deref(), feed.failures), (Some("\"v2\""), 0));
}

#[tokio::test]
async fn after_a_crash_between_creating_and_sending_the_report_is_read_again_and_its_notice_sent_once() {
    use kizuna_core::consortium::ConsortiumSeed;
    use kizuna_core::jma::{JmaArea, JmaMapper, JmaRules, JmaState};
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    app.resident("hanako@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let name = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    let xml = fixture(name);
    let at = report_time(&xml);
    // The poller had created the notice, then the process died: no state, entry not seen.
    let mapper = JmaMapper::new(JmaArea::from_seed(&ConsortiumSeed::chichibu().unwrap()), JmaRules::default());
    let evaluation = mapper.evaluate(&xml, &JmaState::default(), at).unwrap();
    let planned = evaluation.notices().next().unwrap();
    let mut draft = notice_template(planned.title.as_str(), "disaster", &["112071"], Urgency::Emergency, false);
    draft.source = NoticeSource::Jma;
    draft.idempotency_key = Some(planned.source.to_string());
    let id = app.create(&draft).await;

    jma.publish_fixture("/extra.xml", name);
    let report = poll_at(&app, at).await;
    assert!(report.created.is_empty(), "{report:?}");
    assert_eq!(report.sent, [id]);
    assert_eq!(all_notices(&app).await.len(), 1);
    assert_eq!(notice(&app, id).await.status, NoticeStatus::Sending);
    assert_eq!(app.state.store.delivery_counts(id).await.unwrap().queued, 1);
}

#[tokio::test]
async fn a_stale_report_is_recorded_not_sent() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    let logs = Logs::default();
    let _guard = logs.capture();
    let name = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    let (id, _) = jma.publish_fixture("/extra.xml", name);
    let at = report_time(&fixture(name));
    let report = poll_at(&app, at + Duration::hours(2)).await;
    assert_eq!(report.fetched, std::slice::from_ref(&id));
    assert!(report.created.is_empty());
    assert!(all_notices(&app).await.is_empty());
    assert!(app.state.store.jma_state().await.unwrap().processed.values().any(|t| *t == at));
    let text = logs.text();
    assert!(text.contains(&id) && text.contains("the report is 120 minutes old"), "{text}");
}

#[tokio::test]
async fn a_drill_is_left_as_a_draft_marked_exercise_while_the_real_report_goes_out() {
    let jma = FakeJma::start(&["/eqvol.xml"]).await;
    let app = app_polling(&jma, &["/eqvol.xml"], &[]).await;
    app.resident("hanako@example.jp", &[("113654", "disaster")], Charset::Utf8, Lang::JA).await;
    let drill = "derived/vxse51_chichibu_5lower_drill.xml";
    jma.publish_fixture("/eqvol.xml", drill);
    let at = report_time(&fixture(drill));
    let report = poll_at(&app, at).await;
    let [id] = report.created[..] else { panic!("{report:?}") };
    let notice = notice(&app, id).await;
    assert_eq!((notice.status, notice.exercise), (NoticeStatus::Draft, true));
    assert!(notice.body.as_str().starts_with("【訓練】"), "{}", notice.body);
    assert!(report.sent.is_empty());
    assert_eq!(app.state.store.delivery_counts(id).await.unwrap().total, 0);

    jma.publish_fixture("/eqvol.xml", "derived/vxse51_chichibu_5lower.xml");
    let report = poll_at(&app, at + Duration::seconds(60)).await;
    let [real] = report.created[..] else { panic!("{report:?}") };
    let real = self::notice(&app, real).await;
    assert_eq!((real.status, real.exercise, real.urgency), (NoticeStatus::Sending, false, Urgency::Emergency));
    assert_eq!(app.state.store.delivery_counts(real.id).await.unwrap().queued, 1);
}

#[tokio::test]
async fn hostile_reports_are_refused_and_logged_and_the_next_entry_is_still_read() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    let logs = Logs::default();
    let _guard = logs.capture();
    let good = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    let at = report_time(&fixture(good));

    let mut laughs = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Report [\n<!ENTITY lol \"lol\">\n");
    for level in 1..10 {
        let previous = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
        laughs.push_str(&format!("<!ENTITY lol{level} \"{}\">\n", format!("&{previous};").repeat(10)));
    }
    laughs.push_str("]>\n<Report><Control><Title>&lol9;</Title></Control></Report>");
    let deep = format!(
        "<Report><Control><Title>震度速報</Title></Control>{}{}</Report>",
        "<a>".repeat(50_000),
        "</a>".repeat(50_000)
    );
    let huge = format!("<Report>{}</Report>", "x".repeat(6 * 1024 * 1024));
    let hostile = [
        ("urn:hostile:laughs", "/data/1_0_VXSE51_laughs.xml", laughs.into_bytes(), "DOCTYPE"),
        ("urn:hostile:deep", "/data/2_0_VXSE51_deep.xml", deep.into_bytes(), "deeper than 32"),
        ("urn:hostile:huge", "/data/3_0_VXSE51_huge.xml", huge.into_bytes(), "larger than 5242880 bytes"),
        ("urn:hostile:binary", "/data/4_0_VXSE51_binary.xml", vec![0xff, 0xfe, 0x00], "not UTF-8"),
    ];
    for (i, (id, path, body, _)) in hostile.iter().enumerate() {
        jma.publish("/extra.xml", id, "震度速報", path, at - Duration::seconds(10 - i as i64), body.clone());
    }
    let (good_id, _) = jma.publish_fixture("/extra.xml", good);

    let report = poll_at(&app, at).await;
    assert!(report.failed.is_empty(), "{report:?}");
    let refused: Vec<&str> = report.refused.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(refused, hostile.iter().map(|(id, ..)| *id).collect::<Vec<_>>());
    for ((_, why), (id, _, _, expected)) in report.refused.iter().zip(&hostile) {
        assert!(why.contains(expected), "{id}: {why}");
    }
    assert_eq!(report.fetched.last(), Some(&good_id));
    assert_eq!(created(&app, &report).await, [("土砂災害警戒情報発表（秩父市）".to_owned(), NoticeStatus::Sent, 0)]);
    let text = logs.text();
    for (id, _, _, expected) in &hostile {
        let line = text.lines().find(|line| line.contains(id)).unwrap_or_default();
        assert!(line.contains("WARN") && line.contains("JMA report refused") && line.contains(expected), "{text}");
    }

    // Refused for good: a changed feed does not bring them back.
    jma.publish_fixture("/extra.xml", "derived/vxww50_3_chichibu_kaijo.xml");
    poll_at(&app, at + Duration::minutes(1)).await;
    for (_, path, _, _) in &hostile {
        assert_eq!(jma.requests(path), 1, "{path}");
    }
}

#[tokio::test]
async fn a_failing_feed_is_retried_with_back_off_and_turns_healthz_unhealthy() {
    let jma = FakeJma::start(&["/eqvol.xml"]).await;
    let app = app_polling(&jma, &["/eqvol.xml"], &[("KIZUNA_JMA_UNHEALTHY_AFTER_SECONDS", "600")]).await;
    jma.fail_feeds(Some(StatusCode::INTERNAL_SERVER_ERROR));
    let start = t0();
    let report = poll_at(&app, start).await;
    assert_eq!(report.failed.iter().map(|(_, why)| why.as_str()).collect::<Vec<_>>(), ["HTTP 500"]);
    let (status, body) = healthz(&app).await;
    assert_eq!((status, &body["checks"]["jma_poller"]), (200, &serde_json::json!("ok")));

    // 60 s after the first failure the feed waits; 2, 4, 8 minutes apart it is asked again.
    let mut asked = Vec::new();
    for seconds in [60, 120, 300, 360, 700, 840] {
        let report = poll_at(&app, start + Duration::seconds(seconds)).await;
        if !report.polled.is_empty() {
            asked.push(seconds);
        }
    }
    assert_eq!(asked, [120, 360, 840]);
    assert_eq!(jma.requests("/eqvol.xml"), 4);

    let (status, body) = healthz(&app).await;
    let check = body["checks"]["jma_poller"].as_str().unwrap_or_default().to_owned();
    assert_eq!(status, 503, "{body}");
    assert!(check.contains("/eqvol.xml") && check.contains("840 s") && check.contains("HTTP 500"), "{check}");

    // JMA answers again: the next due poll succeeds and the health check clears.
    jma.fail_feeds(None);
    assert!(poll_at(&app, start + Duration::seconds(1200)).await.polled.is_empty(), "still backing off");
    let report = poll_at(&app, start + Duration::seconds(1440)).await;
    assert!(report.failed.is_empty() && report.polled.len() == 1, "{report:?}");
    let (status, body) = healthz(&app).await;
    assert_eq!((status, &body["checks"]["jma_poller"]), (200, &serde_json::json!("ok")));
}

#[tokio::test]
async fn only_the_lease_holder_polls() {
    let jma = FakeJma::start(&["/extra.xml"]).await;
    let app = app_polling(&jma, &["/extra.xml"], &[]).await;
    app.clock.set(t0());
    assert!(jma_poller::step(&app.state, "process-a").await.unwrap().is_some());
    app.clock.advance(Duration::seconds(60));
    assert_eq!(jma_poller::step(&app.state, "process-b").await.unwrap(), None);
    assert_eq!(jma.requests("/extra.xml"), 1, "the second process stays idle");
    // Process a stops renewing; after its lease runs out, b takes over.
    app.clock.advance(Duration::seconds(120));
    let report = jma_poller::step(&app.state, "process-b").await.unwrap();
    assert_eq!(report.map(|r| r.polled.len()), Some(1));
    assert_eq!(jma.requests("/extra.xml"), 2);
}

#[tokio::test]
async fn the_poller_is_off_when_no_feed_is_named() {
    let app = spawn_app(&[], None).await;
    assert!(!app.state.settings.jma.enabled());
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let run = jma_poller::run(app.state.clone(), "process-a".into(), stopped);
    tokio::time::timeout(StdDuration::from_secs(5), run).await.expect("the poller returns at once when off");
    assert_eq!(jma_poller::poll_once(&app.state).await.unwrap(), PollReport::default());
    let (status, body) = healthz(&app).await;
    assert_eq!(status, 200);
    assert!(body["checks"].get("jma_poller").is_none(), "{body}");
}

#[tokio::test]
async fn the_http_client_gives_up_on_a_silent_server_and_an_endless_answer() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/feed.xml", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let silent = Outbound::direct().unwrap().get(&url, &[], 1024, StdDuration::from_millis(300)).await;
    assert_eq!(silent.err(), Some(HttpError::Timeout(StdDuration::from_millis(300))));

    let jma = FakeJma::start(&[]).await;
    jma.publish_document("/big.xml", vec![b'x'; 4096]);
    let big = Outbound::direct().unwrap().get(&jma.url("/big.xml"), &[], 1024, StdDuration::from_secs(10)).await;
    assert_eq!(big.err(), Some(HttpError::TooLarge { max: 1024 }));
    let refused =
        Outbound::direct().unwrap().get("http://127.0.0.1:1/feed.xml", &[], 1024, StdDuration::from_secs(10)).await;
    assert!(matches!(refused, Err(HttpError::Connect { .. })), "{refused:?}");
}

impl FakeJma {
    fn publish_document(&self, path: &str, body: Vec<u8>) {
        self.inner.lock().unwrap().documents.insert(path.to_owned(), body);
    }
}

mod cancel;
