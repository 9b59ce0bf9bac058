//! Public pages kept in memory: every change a reader would see reaches them at
//! once, a kept page answers without the database, and each page is compressed
//! once per version in the coding the reader's browser asks for.

use std::io::Read as _;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kizuna_core::MunicipalityCode;
use kizuna_core::notice::{ImmediateSend, NoticeAction, Urgency};
use kizuna_store::NewNotice;
use tower::ServiceExt;

use crate::support::*;

struct Answer {
    status: StatusCode,
    encoding: String,
    etag: String,
    length: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn has(&self, text: &str) -> bool {
        self.text().contains(text)
    }
}

async fn ask(app: &TestApp, method: &str, uri: &str, accept_encoding: &str) -> Answer {
    let request =
        Request::builder().method(method).uri(uri).header(header::ACCEPT_ENCODING, accept_encoding).body(Body::empty());
    let response = kizuna_server::web::router(app.state.clone()).oneshot(request.unwrap()).await.unwrap();
    let text = |name| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (status, encoding, etag, length) =
        (response.status(), text(header::CONTENT_ENCODING), text(header::ETAG), text(header::CONTENT_LENGTH));
    let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap().to_vec();
    Answer { status, encoding, etag, length, body }
}

async fn get(app: &TestApp, uri: &str) -> Answer {
    ask(app, "GET", uri, "").await
}

fn notice(title: &str, body: &str, towns: &[&str]) -> NewNotice {
    let mut notice = notice_template(title, "notice", towns, Urgency::Normal, false);
    notice.body = kizuna_core::text::NoticeBody::parse(body).unwrap();
    notice
}

async fn send(app: &TestApp, notice: &NewNotice) -> i64 {
    app.clock.advance(chrono::Duration::minutes(1));
    let id = app.create(notice).await;
    let send = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    app.state.store.transition_notice(id, send, "staff:1", None, app.clock_now()).await.unwrap();
    id
}

async fn act(app: &TestApp, id: i64, action: NoticeAction) {
    app.clock.advance(chrono::Duration::minutes(1));
    app.state.store.transition_notice(id, action, "staff:1", None, app.clock_now()).await.unwrap();
}

/// Every public page a reader opens during a disaster, read so that it is kept.
async fn read_everything(app: &TestApp, ids: &[i64]) {
    let mut uris: Vec<String> =
        ["/", "/?lang=en", "/notices", "/feeds/atom.xml", "/feeds/cap.xml"].iter().map(|u| u.to_string()).collect();
    uris.extend(ids.iter().flat_map(|id| [format!("/notices/{id}"), format!("/notices/{id}/cap.xml")]));
    for uri in uris {
        assert_eq!(get(app, &uri).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn a_sent_corrected_or_withdrawn_notice_reaches_every_kept_page_at_once() {
    let app = spawn_app(&[], None).await;
    let water = send(&app, &notice("断水のお知らせ", "10時から断水します。", &["112071"])).await;
    act(&app, water, NoticeAction::Complete).await;
    read_everything(&app, &[water]).await;
    let (_, rendered) = app.state.pages.counts();

    // Sent: the home page, the archive and the feeds list it at once.
    let shelter = send(&app, &notice("避難所開設", "秩父市役所を避難所として開設しました。", &["112071"])).await;
    for uri in ["/", "/?lang=en", "/notices", "/feeds/atom.xml", "/feeds/cap.xml"] {
        let page = get(&app, uri).await;
        assert!(page.has(&format!("/notices/{shelter}")), "{uri} lists the new notice at once");
    }
    assert!(app.state.pages.counts().1 > rendered, "the pages were rendered again");
    read_everything(&app, &[water, shelter]).await;

    // Corrected: the old page points to the correction, which says what changed.
    act(&app, water, NoticeAction::Supersede).await;
    let mut fix = notice("断水のお知らせ", "13時から断水します。", &["112071"]);
    fix.supersedes = Some(water);
    let correction = send(&app, &fix).await;
    let old = get(&app, &format!("/notices/{water}")).await;
    assert!(old.has(&format!("<a href=\"/notices/{correction}\">訂正後のお知らせを見る</a>")), "{}", old.text());
    assert!(get(&app, "/").await.has(&format!("/notices/{correction}")));
    assert!(get(&app, &format!("/notices/{water}/cap.xml")).await.status == StatusCode::OK);
    assert!(!get(&app, "/feeds/cap.xml").await.has(&format!("/notices/{water}/cap.xml")), "the index drops it");
    read_everything(&app, &[water, shelter, correction]).await;

    // Withdrawn: its page says so and the lists no longer carry it.
    act(&app, shelter, NoticeAction::Withdraw).await;
    let withdrawn = get(&app, &format!("/notices/{shelter}")).await;
    assert!(withdrawn.has("撤回されました"), "{}", withdrawn.text());
    assert!(!get(&app, "/").await.has(&format!("/notices/{shelter}\"")), "the home page no longer lists it");
    assert!(!get(&app, "/notices").await.has(&format!("/notices/{shelter}\"")));
    assert!(get(&app, &format!("/notices/{shelter}/cap.xml")).await.has("<msgType>Cancel</msgType>"));
}

#[tokio::test]
async fn a_renamed_town_reaches_kept_pages_once_the_directory_has_read_it() {
    let app = spawn_app(&[], None).await;
    assert!(get(&app, "/?lang=en").await.has("Minano Town"));
    let minano = MunicipalityCode::parse("113620").unwrap();
    app.state.store.update_municipality(&minano, "皆野町", "Minano", "minano").await.unwrap();
    app.state.directory.reload(app.state.store.as_ref()).await.unwrap();
    let home = get(&app, "/?lang=en").await;
    assert!(home.has(">Minano<") && !home.has("Minano Town"), "{}", home.text());
}

#[tokio::test]
async fn a_kept_page_is_served_from_memory_without_the_database() {
    let app = spawn_app(&[], None).await;
    let id = send(&app, &notice("大雨警報", "土砂災害に警戒してください。", &["113638"])).await;
    read_everything(&app, &[id]).await;
    let (hits, rendered) = app.state.pages.counts();
    app.state.store.close().await;
    for uri in ["/".to_owned(), format!("/notices/{id}"), "/feeds/atom.xml".to_owned()] {
        let page = get(&app, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert!(page.has("大雨警報"), "{uri}");
    }
    assert_eq!(app.state.pages.counts(), (hits + 3, rendered), "all three came from memory");
}

#[tokio::test]
async fn each_page_is_compressed_once_per_version_in_the_coding_asked_for() {
    let app = spawn_app(&[], None).await;
    let id = send(&app, &notice("避難指示", &"土砂災害の危険があります。".repeat(20), &["113638"])).await;
    let uri = format!("/notices/{id}");
    let plain = get(&app, &uri).await;
    assert_eq!((plain.status, plain.encoding.as_str()), (StatusCode::OK, ""));
    let (_, rendered) = app.state.pages.counts();

    let brotli = ask(&app, "GET", &uri, "gzip, deflate, br").await;
    assert_eq!(brotli.encoding, "br");
    assert!(brotli.body.len() < plain.body.len() / 2, "{} of {} bytes", brotli.body.len(), plain.body.len());
    let mut unpacked = Vec::new();
    brotli::Decompressor::new(&brotli.body[..], 4096).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, plain.body);
    let gzip = ask(&app, "GET", &uri, "gzip").await;
    assert_eq!(gzip.encoding, "gzip");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&gzip.body[..]).read_to_end(&mut unpacked).unwrap();
    assert_eq!(unpacked, plain.body);
    assert_eq!(app.state.pages.counts().1, rendered, "served from what was made once");
    assert!(plain.etag != brotli.etag && brotli.etag != gzip.etag, "each coding has its own tag");

    let head = ask(&app, "HEAD", &uri, "br").await;
    assert_eq!((head.status, head.encoding.as_str(), head.body.len()), (StatusCode::OK, "br", 0));
    assert_eq!(head.length, brotli.body.len().to_string());

    act(&app, id, NoticeAction::Complete).await;
    act(&app, id, NoticeAction::Withdraw).await;
    let again = ask(&app, "GET", &uri, "br").await;
    assert_ne!(again.etag, brotli.etag, "a new version, a new tag");
    assert_eq!(app.state.pages.counts().1, rendered + 1, "and compressed once more");
}

#[tokio::test]
async fn a_process_that_cannot_hear_others_keeps_pages_one_second() {
    let mut app = spawn_app(&[], None).await;
    app.state.pages = std::sync::Arc::new(kizuna_server::page_cache::PageCache::new(false));
    let id = send(&app, &notice("道路通行止め", "国道140号は通行止めです。", &["112071"])).await;
    assert!(get(&app, "/").await.has(&format!("/notices/{id}")));
    assert_eq!(app.state.pages.counts(), (0, 1));
    get(&app, "/").await;
    assert_eq!(app.state.pages.counts(), (1, 1), "kept for a moment");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get(&app, "/").await;
    assert_eq!(app.state.pages.counts(), (1, 2), "then rendered again");
}

#[tokio::test]
async fn readers_arriving_together_after_a_change_wait_for_one_rendering_not_one_each() {
    let app = spawn_app(&[], None).await;
    let first = send(&app, &notice("大雨警報", "土砂災害に警戒してください。", &["113638"])).await;
    assert!(get(&app, "/").await.has(&format!("/notices/{first}")));
    let (_, rendered) = app.state.pages.counts();

    // A warning goes out and sixteen readers open the home page together.
    let second = send(&app, &notice("避難指示", "直ちに避難してください。", &["113638"])).await;
    let together = futures_util::future::join_all((0..16).map(|_| get(&app, "/"))).await;
    assert!(together.iter().all(|page| page.status == StatusCode::OK && page.has(&format!("/notices/{first}"))));
    let renderings = app.state.pages.counts().1 - rendered;
    assert!((1..8).contains(&renderings), "{renderings} renderings for 16 readers");

    // The next reader, once that rendering is done, reads the warning at once.
    assert!(get(&app, "/").await.has(&format!("/notices/{second}")));
    assert_eq!(app.state.pages.counts().1 - rendered, renderings, "from memory");
}

#[tokio::test]
async fn a_page_that_has_gone_is_not_served_from_memory_to_readers_arriving_together() {
    let app = spawn_app(&[("KIZUNA_OBITUARY_DAYS", "7")], None).await;
    let mut obituary = notice_template("山田太郎様 ご逝去", "obituary", &["113654"], Urgency::Normal, false);
    obituary.body = kizuna_core::text::NoticeBody::parse("告別式は11月27日です。").unwrap();
    let uri = format!("/notices/{}", send(&app, &obituary).await);
    assert!(get(&app, &uri).await.has("山田太郎様"));

    app.clock.advance(chrono::Duration::days(8));
    assert_eq!(get(&app, &uri).await.status, StatusCode::GONE);
    let together = futures_util::future::join_all((0..16).map(|_| get(&app, &uri))).await;
    assert!(together.iter().all(|page| page.status == StatusCode::GONE && !page.has("山田太郎")));
}
