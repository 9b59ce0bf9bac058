//! The public archive over HTTP: Japanese search, filters and pages, what never
//! appears publicly, drills, obituaries that expire, CAP and Atom output, posters.

use std::io::ErrorKind;
use std::process::{Command, Output};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use kizuna_core::notice::{ImmediateSend, NoticeAction, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_store::NewNotice;
use tower::ServiceExt;

use kizuna_server::web::PUBLIC_CACHE_CONTROL;

use crate::support::*;

const CAP_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../kizuna-core/tests/fixtures/cap/cap12.xsd");

struct Page {
    status: StatusCode,
    content_type: String,
    cache_control: String,
    robots_header: String,
    retry_after: String,
    body: String,
}

impl Page {
    fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    fn links_to(&self, id: i64) -> bool {
        self.has(&format!("href=\"/notices/{id}\"")) || self.has(&format!("href=\"/notices/{id}?lang=en\""))
    }

    fn noindex(&self) -> bool {
        self.has("<meta name=\"robots\" content=\"noindex\">")
    }
}

async fn get(app: &TestApp, uri: &str) -> Page {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = kizuna_server::web::router(app.state.clone()).oneshot(request).await.unwrap();
    let text = |name: header::HeaderName| {
        response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    };
    let (status, content_type, cache_control) =
        (response.status(), text(header::CONTENT_TYPE), text(header::CACHE_CONTROL));
    let robots_header = text(header::HeaderName::from_static("x-robots-tag"));
    let retry_after = text(header::RETRY_AFTER);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    Page { status, content_type, cache_control, robots_header, retry_after, body }
}

fn encode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap().trim_start_matches("q=").to_owned()
}

fn notice(title: &str, body: &str, category: &str, towns: &[&str]) -> NewNotice {
    let mut notice = notice_template(title, category, towns, Urgency::Normal, false);
    notice.body = NoticeBody::parse(body).unwrap();
    notice.title_en = None;
    notice.body_en = None;
    notice
}

/// Sends a notice now and settles it, a minute after the previous one.
async fn publish(app: &TestApp, notice: &NewNotice) -> i64 {
    app.clock.advance(Duration::minutes(1));
    let id = app.create(notice).await;
    let now = app.clock_now();
    let store = &app.state.store;
    let send = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.transition_notice(id, send, "staff:1", None, now).await.unwrap();
    store.transition_notice(id, NoticeAction::Complete, "worker", None, now).await.unwrap();
    id
}

async fn act(app: &TestApp, id: i64, action: NoticeAction) {
    app.clock.advance(Duration::minutes(1));
    app.state.store.transition_notice(id, action, "staff:1", None, app.clock_now()).await.unwrap();
}

#[tokio::test]
async fn japanese_search_finds_short_words_and_half_width_kana() {
    let app = spawn_app(&[], None).await;
    let outage = publish(&app, &notice("断水のお知らせ", "水道管工事のため断水します。", "notice", &["112071"])).await;
    let restored = publish(&app, &notice("給水のご案内", "昨日の断水は復旧しました。", "notice", &["113611"])).await;
    let dance = publish(&app, &notice("ダンスイベント", "公民館で開催します。", "event", &["113638"])).await;
    let other = publish(&app, &notice("防犯情報", "不審者にご注意ください。", "crime", &["113654"])).await;

    let page = get(&app, &format!("/notices?q={}", encode("断水"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.links_to(outage) && page.links_to(restored), "{}", page.body);
    assert!(!page.links_to(dance) && !page.links_to(other));
    assert!(page.has("2件中 1〜2件目"), "{}", page.body);
    assert!(page.has("value=\"断水\""), "the search box keeps the query");
    assert!(page.noindex(), "search results stay out of search engines");

    let half_width = get(&app, &format!("/notices?q={}", encode("ﾀﾞﾝｽｲ"))).await;
    assert!(half_width.links_to(dance), "{}", half_width.body);
    assert!(!half_width.links_to(outage));

    let nothing = get(&app, &format!("/notices?q={}", encode("停電"))).await;
    assert_eq!(nothing.status, StatusCode::OK);
    assert!(nothing.has("該当するお知らせはありません"));
    let english = get(&app, &format!("/notices?lang=en&q={}", encode("停電"))).await;
    assert!(english.has("No notices match") && english.has("<html lang=\"en\">"));

    let hostile = get(&app, &format!("/notices?q={}", encode("\"><script>alert(1)</script>"))).await;
    assert!(!hostile.has("<script>alert(1)"), "the query is escaped when shown again");
}

#[tokio::test]
async fn searches_past_the_limit_are_told_to_try_again_while_the_list_and_pages_answer() {
    let app = spawn_app(&[("KIZUNA_SEARCH_CONCURRENCY", "2")], None).await;
    let outage = publish(&app, &notice("断水のお知らせ", "水道管工事のため断水します。", "notice", &["112071"])).await;
    let search = format!("/notices?q={}", encode("断水"));
    // Two searches running (their permits held here): a third is refused at once.
    let running = app.state.searches.clone().try_acquire_many_owned(2).unwrap();
    let busy = get(&app, &search).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.retry_after, "5");
    assert!(busy.has("ただいま検索が混み合っています") && busy.has("数秒たってから"), "{}", busy.body);
    let english = get(&app, &format!("{search}&lang=en")).await;
    assert!(english.has("Searches are busy right now") && english.has("<html lang=\"en\">"));
    assert!(get(&app, "/notices?category=notice").await.status == StatusCode::SERVICE_UNAVAILABLE, "a filter too");
    // The plain list, the notice page and the home page need no search.
    assert!(get(&app, "/notices").await.links_to(outage));
    assert_eq!(get(&app, &format!("/notices/{outage}")).await.status, StatusCode::OK);
    assert!(get(&app, "/").await.links_to(outage));
    drop(running);
    let answered = get(&app, &search).await;
    assert_eq!(answered.status, StatusCode::OK);
    assert!(answered.links_to(outage), "searches run again once the others end");
}

#[tokio::test]
async fn filters_combine_and_page_links_keep_the_query() {
    let app = spawn_app(&[], None).await;
    let mut chichibu = Vec::new();
    for i in 0..23 {
        chichibu.push(
            publish(&app, &notice(&format!("断水 第{i}報"), "断水が続いています。", "notice", &["112071"])).await,
        );
    }
    let yokoze = publish(&app, &notice("横瀬の断水", "断水します。", "notice", &["113611"])).await;
    let event = publish(&app, &notice("秩父のイベント", "断水とは関係ありません。", "event", &["112071"])).await;

    let base = format!("/notices?q={}&municipality=112071&category=notice", encode("断水"));
    let first = get(&app, &base).await;
    assert!(first.has("23件中 1〜20件目"), "{}", first.body);
    assert!(first.links_to(chichibu[22]) && !first.links_to(chichibu[2]), "newest first, 20 a page");
    assert!(!first.links_to(yokoze) && !first.links_to(event), "other towns and categories are filtered out");
    assert!(first.has("<option value=\"112071\" selected>"), "the filter stays selected");
    // Askama writes `&` in attributes as `&#38;`.
    let next = format!("/notices?q={}&#38;municipality=112071&#38;category=notice&#38;page=2", encode("断水"));
    assert!(first.has(&format!("href=\"{next}\"")), "{}", first.body);

    let second = get(&app, &next.replace("&#38;", "&")).await;
    assert!(second.has("23件中 21〜23件目"), "{}", second.body);
    assert!(second.links_to(chichibu[0]) && !second.links_to(chichibu[3]));
    assert!(second.has("rel=\"prev\""));
    assert!(second.has("2 / 2 ページ"));

    // 1 December in Tokyo starts at 15:00 UTC on 30 November; every notice here was sent on 25 November.
    let later = get(&app, "/notices?municipality=112071&from=2026-12-01").await;
    assert!(later.has("該当するお知らせはありません"));
    let that_day = get(&app, "/notices?municipality=113611&from=2026-11-25&to=2026-11-25").await;
    assert!(that_day.links_to(yokoze), "{}", that_day.body);
}

#[tokio::test]
async fn bad_filters_are_a_clear_400_tied_to_their_fields() {
    let app = spawn_app(&[], None).await;
    for (query, field) in [
        ("municipality=999999", "municipality"),
        ("municipality=abc", "municipality"),
        ("category=staff", "category"),
        ("category=nope", "category"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-12-02&to=2026-12-01", "to"),
        ("q=a+b+c+d+e+f", "q"),
    ] {
        let page = get(&app, &format!("/notices?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.has(&format!("id=\"{field}-error\"")), "{query}: {}", page.body);
        assert!(page.has(&format!("<a href=\"#{field}\">")), "{query}: the summary links to the field");
        assert!(page.has("aria-invalid=\"true\""), "{query}");
    }
    let page = get(&app, "/notices?page=0").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    for uri in ["/feeds/atom.xml?municipality=999999", "/feeds/atom.xml?category=staff", "/feeds/atom.xml?category=%FF"]
    {
        let feed = get(&app, uri).await;
        assert_eq!(feed.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(feed.has("<h1>指定に誤りがあります</h1>"), "{uri}: {}", feed.body);
    }
    assert_eq!(get(&app, "/notices/abc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/notices/99999999999999999999/cap.xml").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn restricted_categories_and_unsent_notices_never_appear_publicly() {
    let app = spawn_app(&[], None).await;
    let public = publish(&app, &notice("夏祭りのお知らせ", "研究会とは別です。", "event", &["112071"])).await;
    let staff = publish(&app, &notice("情報化研究会の開催", "職員向けの研究会です。", "staff", &["112071"])).await;
    let draft = app.create(&notice("下書きの研究会", "まだ送っていません。", "notice", &["112071"])).await;

    for uri in ["/", "/notices", "/notices?q=%E7%A0%94%E7%A9%B6%E4%BC%9A", "/?lang=en"] {
        let page = get(&app, uri).await;
        assert!(!page.links_to(staff) && !page.links_to(draft), "{uri}");
        assert!(!page.has("情報化研究会の開催"), "{uri}");
        assert!(!page.has("value=\"staff\""), "{uri}: the category is not offered as a filter");
    }
    assert!(get(&app, "/notices?q=%E7%A0%94%E7%A9%B6%E4%BC%9A").await.links_to(public));
    for uri in ["/feeds/atom.xml", "/feeds/cap.xml", "/feeds/atom.xml?municipality=112071"] {
        let feed = get(&app, uri).await;
        assert_eq!(feed.status, StatusCode::OK, "{uri}");
        assert!(feed.has(&format!("/notices/{public}")), "{uri}");
        assert!(!feed.has(&format!("/notices/{staff}")) && !feed.has("情報化研究会の開催"), "{uri}");
    }
    for id in [staff, draft] {
        assert_eq!(get(&app, &format!("/notices/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, &format!("/notices/{id}/cap.xml")).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn drills_are_labelled_everywhere() {
    let app = spawn_app(&[], None).await;
    let mut drill = notice("避難指示", "総合防災訓練です。", "disaster", &["113620"]);
    drill.exercise = true;
    drill.urgency = Urgency::Emergency;
    let id = publish(&app, &drill).await;
    let page = get(&app, &format!("/notices/{id}")).await;
    assert!(page.has("<span class=\"badge badge-drill\">訓練</span>"), "{}", page.body);
    assert!(page.has("これは訓練のための配信です"));
    let home = get(&app, "/").await;
    assert!(home.has("<strong class=\"badge badge-drill\">訓練</strong>"), "{}", home.body);
    let english = get(&app, &format!("/notices/{id}?lang=en")).await;
    assert!(english.has(">Drill<") && english.has("lang=\"ja\""), "the Japanese title is marked as such");
    let cap = get(&app, &format!("/notices/{id}/cap.xml")).await;
    assert!(cap.has("<status>Exercise</status>") && cap.has("【訓練】避難指示"), "{}", cap.body);
    assert!(get(&app, "/feeds/atom.xml").await.has("<title>【訓練】避難指示</title>"));
}

#[tokio::test]
async fn obituaries_are_never_indexed_and_leave_after_the_configured_days() {
    let app = spawn_app(&[("KIZUNA_OBITUARY_DAYS", "7")], None).await;
    let obituary = publish(&app, &notice("山田太郎様 ご逝去", "告別式は11月27日です。", "obituary", &["113654"])).await;
    let other = publish(&app, &notice("ごみ収集の変更", "年末年始の収集日です。", "notice", &["113654"])).await;
    let search = format!("/notices?q={}", encode("山田太郎"));

    let page = get(&app, &format!("/notices/{obituary}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.noindex() && page.has("山田太郎様 ご逝去"));
    assert!(!get(&app, &format!("/notices/{other}")).await.noindex(), "only obituaries are kept out");
    let home = get(&app, "/").await;
    assert!(home.links_to(obituary) && home.has("小鹿野町のお悔やみ情報"), "{}", home.body);
    assert!(!home.has("山田太郎"), "lists do not name the deceased");
    assert!(get(&app, &search).await.links_to(obituary), "found by search while it is listed");
    assert!(get(&app, "/feeds/atom.xml").await.has(&format!("/notices/{obituary}")));
    assert!(get(&app, "/feeds/cap.xml").await.has(&format!("/notices/{obituary}/cap.xml")));

    app.clock.advance(Duration::days(6));
    assert_eq!(get(&app, &format!("/notices/{obituary}")).await.status, StatusCode::OK, "six days on, still there");

    app.clock.advance(Duration::days(1));
    let gone = get(&app, &format!("/notices/{obituary}")).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.has("掲載を終了しました") && !gone.has("山田太郎"));
    assert_eq!(get(&app, &format!("/notices/{obituary}/cap.xml")).await.status, StatusCode::GONE);
    for uri in
        ["/", "/notices", search.as_str(), "/feeds/atom.xml", "/feeds/cap.xml", "/feeds/atom.xml?category=obituary"]
    {
        let page = get(&app, uri).await;
        assert!(!page.has(&format!("/notices/{obituary}\"")) && !page.has(&format!("/notices/{obituary}/")), "{uri}");
        assert!(!page.has("山田太郎様"), "{uri}");
    }
    assert!(get(&app, "/notices").await.links_to(other), "everything else stays");
}

#[tokio::test]
async fn corrections_and_withdrawals_are_labelled_and_linked() {
    let app = spawn_app(&[], None).await;
    let first = publish(&app, &notice("断水のお知らせ", "10時から断水します。", "notice", &["112071"])).await;
    act(&app, first, NoticeAction::Supersede).await;
    let mut fix = notice("断水のお知らせ", "13時から断水します。", "notice", &["112071"]);
    fix.supersedes = Some(first);
    let correction = publish(&app, &fix).await;
    let mistaken = publish(&app, &notice("誤って送った配信", "本文", "notice", &["112071"])).await;
    act(&app, mistaken, NoticeAction::Withdraw).await;

    let old = get(&app, &format!("/notices/{first}")).await;
    assert!(old.has(&format!("<a href=\"/notices/{correction}\">訂正後のお知らせを見る</a>")), "{}", old.body);
    let new = get(&app, &format!("/notices/{correction}")).await;
    assert!(new.has(">訂正<") && new.has(&format!("<a href=\"/notices/{first}\">")), "{}", new.body);
    let withdrawn = get(&app, &format!("/notices/{mistaken}")).await;
    assert!(withdrawn.has(">撤回<") && withdrawn.has("撤回されました"), "{}", withdrawn.body);

    let update = get(&app, &format!("/notices/{correction}/cap.xml")).await;
    assert_eq!(update.content_type, "application/cap+xml");
    assert!(update.has("<msgType>Update</msgType>"), "{}", update.body);
    assert!(update.has(&format!("<references>info@anshin.example.jp,anshin.example.jp.notice.{first},")));
    let cancel = get(&app, &format!("/notices/{mistaken}/cap.xml")).await;
    assert!(cancel.has("<msgType>Cancel</msgType>"), "{}", cancel.body);
    assert!(cancel.has(&format!("<identifier>anshin.example.jp.notice.{mistaken}.cancel</identifier>")));
    assert!(cancel.has(&format!("<references>info@anshin.example.jp,anshin.example.jp.notice.{mistaken},")));

    let index = get(&app, "/feeds/cap.xml").await;
    assert!(index.has(&format!("/notices/{correction}/cap.xml")) && index.has(&format!("/notices/{mistaken}/cap.xml")));
    assert!(!index.has(&format!("/notices/{first}/cap.xml")), "a corrected message gives way to its correction");
}

#[tokio::test]
async fn feeds_and_cap_have_their_media_types_and_cache_headers() {
    let app = spawn_app(&[], None).await;
    let id = publish(&app, &notice("大雨警報", "土砂災害に警戒してください。", "weather", &["113638"])).await;
    let atom = get(&app, "/feeds/atom.xml?municipality=113638&category=weather").await;
    assert_eq!(atom.status, StatusCode::OK);
    assert_eq!(atom.content_type, "application/atom+xml; charset=utf-8");
    assert_eq!(atom.cache_control, PUBLIC_CACHE_CONTROL);
    assert_eq!(atom.robots_header, "noindex");
    assert!(atom.has("長瀞町・気象情報") && atom.has("大雨警報"), "{}", atom.body);
    assert!(!get(&app, "/feeds/atom.xml?municipality=112071").await.has("大雨警報"));
    let index = get(&app, "/feeds/cap.xml").await;
    assert_eq!(index.content_type, "application/atom+xml; charset=utf-8");
    assert!(index.has(&format!("https://anshin.example.jp/notices/{id}/cap.xml")));
    let cap = get(&app, &format!("/notices/{id}/cap.xml")).await;
    assert_eq!((cap.status, cap.cache_control.as_str()), (StatusCode::OK, PUBLIC_CACHE_CONTROL));
    assert!(cap.has("<msgType>Alert</msgType>") && cap.has("<value>113638</value>"));
}

/// A GET of `uri` naming `etag` in `If-None-Match`: its status, ETag and body length.
async fn get_if_none_match(app: &TestApp, uri: &str, etag: &str) -> (StatusCode, String, usize) {
    let request = Request::get(uri).header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    let response = kizuna_server::web::router(app.state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let tag = response.headers().get(header::ETAG).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, tag, bytes.len())
}

#[tokio::test]
async fn an_unchanged_public_page_is_not_sent_again_and_a_changed_one_is() {
    let app = spawn_app(&[], None).await;
    let first = publish(&app, &notice("大雨警報", "土砂災害に警戒してください。", "weather", &["113638"])).await;
    for uri in ["/".to_owned(), "/notices".to_owned(), format!("/notices/{first}"), "/feeds/atom.xml".to_owned()] {
        let (status, etag, _) = get_if_none_match(&app, &uri, "\"nothing\"").await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(etag.starts_with('"') && etag.len() > 10, "{uri}: {etag}");
        let (again, same, length) = get_if_none_match(&app, &uri, &etag).await;
        assert_eq!((again, same.as_str(), length), (StatusCode::NOT_MODIFIED, etag.as_str(), 0), "{uri}");
        let (weak, _, _) = get_if_none_match(&app, &uri, &format!("\"x\", W/{etag}")).await;
        assert_eq!(weak, StatusCode::NOT_MODIFIED, "{uri}: a list and a weak form match too");
    }
    // A new notice changes the home page: the old tag no longer matches.
    let (_, home_before, _) = get_if_none_match(&app, "/", "").await;
    let second = publish(&app, &notice("避難情報", "避難所を開設しました。", "disaster", &["113638"])).await;
    let (status, home_after, length) = get_if_none_match(&app, "/", &home_before).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(home_after, home_before);
    assert!(length > 0 && second > first);
    // Personal pages are never kept, nor tagged.
    let (status, tag, _) = get_if_none_match(&app, "/manage/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "*").await;
    assert_ne!(status, StatusCode::NOT_MODIFIED);
    assert!(tag.is_empty(), "a personal page carries no ETag");
    let manage = get(&app, "/manage/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(manage.cache_control, "private, no-store", "a personal page is kept by no one");
}

#[tokio::test]
async fn every_public_page_is_small_and_has_one_main_heading() {
    let app = spawn_app(&[], None).await;
    let longest_title = "断".repeat(NoticeTitle::MAX);
    let mut last = 0;
    for i in 0..25 {
        let mut n = notice(
            &longest_title,
            &"長い本文です。".repeat(100),
            "disaster",
            &["112071", "113611", "113620", "113638", "113654"],
        );
        n.urgency = if i % 2 == 0 { Urgency::Emergency } else { Urgency::Normal };
        n.exercise = i % 3 == 0;
        last = publish(&app, &n).await;
    }
    let pages = [
        "/".to_owned(),
        "/?lang=en".to_owned(),
        "/notices".to_owned(),
        "/notices?lang=en".to_owned(),
        format!("/notices?q={}", encode("断")),
        "/notices?page=2".to_owned(),
        "/notices?municipality=bad".to_owned(),
        format!("/notices/{last}"),
        format!("/notices/{last}?lang=en"),
    ];
    for uri in &pages {
        let page = get(&app, uri).await;
        assert!(page.status == StatusCode::OK || page.status == StatusCode::BAD_REQUEST, "{uri}");
        assert!(page.body.len() < 30 * 1024, "{uri} is {} bytes", page.body.len());
        let lang = if uri.contains("lang=en") { "en" } else { "ja" };
        assert!(page.has(&format!("<html lang=\"{lang}\">")), "{uri}");
        assert!(page.has("<main id=\"main\">") && page.has("class=\"skip\" href=\"#main\""), "{uri}");
        assert_eq!(page.body.matches("<h1").count(), 1, "{uri}");
        assert_eq!(page.cache_control, PUBLIC_CACHE_CONTROL, "{uri}");
        assert!(page.content_type.starts_with("text/html"), "{uri}");
    }
    let english = get(&app, "/notices?q=abc").await;
    assert!(english.has("href=\"/notices?q=abc&#38;lang=en\""), "the language switch keeps the search");
}

#[tokio::test]
async fn the_poster_names_the_town_and_prints_its_addresses() {
    let app = spawn_app(&[], None).await;
    let poster = get(&app, "/posters/register.svg?municipality=113611").await;
    assert_eq!(poster.status, StatusCode::OK);
    assert_eq!(poster.content_type, "image/svg+xml; charset=utf-8");
    assert!(poster.has("viewBox=\"0 0 210 297\"") && poster.has("width=\"210mm\""), "A4 in millimetres");
    assert!(poster.has("横瀬町の安心・安全メール"));
    assert!(poster.has("https://anshin.example.jp/register?source=web_qr&#38;municipality=113611"), "{}", poster.body);
    assert!(poster.has("touroku+113611@anshin.example.jp"));
    assert!(poster.has("@anshin.example.jp</text>") && poster.has("指定受信"));
    assert!(poster.has("https://anshin.example.jp/privacy"));
    assert_eq!(poster.body.matches("<path fill=\"#000000\"").count(), 2, "two QR codes");

    assert_eq!(get(&app, "/posters/register.svg").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/posters/register.svg?municipality=12345").await.status, StatusCode::BAD_REQUEST);
    // 千代田区: a valid code, but not a member of this region.
    assert_eq!(get(&app, "/posters/register.svg?municipality=131016").await.status, StatusCode::NOT_FOUND);
}

fn tool(name: &str, args: &[&str], package: &str) -> Output {
    match Command::new(name).args(args).output() {
        Ok(output) => output,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            panic!("{name} is missing: apt-get install {package} (scripts/test installs it)")
        }
        Err(error) => panic!("{name} could not run: {error}"),
    }
}

fn write(app: &TestApp, name: &str, text: &str) -> String {
    let path = app.dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test]
#[ignore = "needs xmllint; scripts/test runs it"]
async fn cap_documents_validate_and_feeds_parse() {
    let app = spawn_app(&[], None).await;
    let mut alert = notice("避難指示 <荒川> & 赤平川", "直ちに避難してください。", "disaster", &["112071", "113611"]);
    alert.urgency = Urgency::Emergency;
    alert.title_en = Some(NoticeTitle::parse("Evacuation order").unwrap());
    alert.expires_at = Some(app.clock_now() + Duration::hours(6));
    let alert = publish(&app, &alert).await;
    let first = publish(&app, &notice("断水", "10時から", "notice", &["112071"])).await;
    act(&app, first, NoticeAction::Supersede).await;
    let mut fix = notice("断水", "13時から", "notice", &["112071"]);
    fix.supersedes = Some(first);
    let correction = publish(&app, &fix).await;
    act(&app, correction, NoticeAction::Withdraw).await;
    let mut drill = notice("訓練", "訓練です", "disaster", &["113620"]);
    drill.exercise = true;
    let drill = publish(&app, &drill).await;

    for (name, id) in [("alert", alert), ("superseded", first), ("withdrawn-correction", correction), ("drill", drill)]
    {
        let cap = get(&app, &format!("/notices/{id}/cap.xml")).await;
        assert_eq!(cap.status, StatusCode::OK, "{name}");
        let path = write(&app, &format!("{name}.cap.xml"), &cap.body);
        let output = tool("xmllint", &["--noout", "--nonet", "--schema", CAP_SCHEMA, &path], "libxml2-utils");
        assert!(output.status.success(), "{name}: {}\n{}", String::from_utf8_lossy(&output.stderr), cap.body);
    }
    let cancel = get(&app, &format!("/notices/{correction}/cap.xml")).await;
    // The withdrawal references the first notice and the correction itself, oldest first.
    let references = cancel.body.split("<references>").nth(1).and_then(|r| r.split("</references>").next()).unwrap();
    let named: Vec<&str> = references.split(' ').map(|r| r.split(',').nth(1).unwrap()).collect();
    assert_eq!(
        named,
        [format!("anshin.example.jp.notice.{first}"), format!("anshin.example.jp.notice.{correction}")],
        "{}",
        cancel.body
    );
    for uri in ["/feeds/atom.xml", "/feeds/cap.xml", "/feeds/atom.xml?category=disaster"] {
        let feed = get(&app, uri).await;
        let path = write(&app, "feed.xml", &feed.body);
        let output = tool("xmllint", &["--noout", "--nonet", &path], "libxml2-utils");
        assert!(output.status.success(), "{uri}: {}", String::from_utf8_lossy(&output.stderr));
    }
    let poster = get(&app, "/posters/register.svg?municipality=113654").await;
    let path = write(&app, "poster.svg", &poster.body);
    let output = tool("xmllint", &["--noout", "--nonet", &path], "libxml2-utils");
    assert!(output.status.success(), "poster: {}", String::from_utf8_lossy(&output.stderr));
}

#[tokio::test]
#[ignore = "needs rsvg-convert and zbarimg; scripts/test runs it"]
async fn the_poster_qr_codes_scan_to_the_registration_url_and_address() {
    let app = spawn_app(&[], None).await;
    let poster = get(&app, "/posters/register.svg?municipality=113620").await;
    let svg = write(&app, "poster.svg", &poster.body);
    let png = app.dir.join("poster.png").display().to_string();
    // 150 dpi, as a home printer would: 1240 pixels across A4.
    let output = tool("rsvg-convert", &["--width", "1240", "--format", "png", "--output", &png, &svg], "librsvg2-bin");
    assert!(output.status.success(), "rsvg-convert: {}", String::from_utf8_lossy(&output.stderr));
    let output = tool("zbarimg", &["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", &png], "zbar-tools");
    assert!(output.status.success(), "zbarimg found no code: {}", String::from_utf8_lossy(&output.stderr));
    let mut decoded: Vec<String> = String::from_utf8(output.stdout).unwrap().lines().map(str::to_owned).collect();
    decoded.sort();
    assert_eq!(
        decoded,
        [
            "https://anshin.example.jp/register?source=web_qr&municipality=113620",
            "mailto:touroku+113620@anshin.example.jp",
        ]
    );
}
