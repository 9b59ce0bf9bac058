//! A third language is files and configuration, not code: the fixture texts in
//! `tests/fixtures/locales/vi/` are given to each crate as Vietnamese, the site
//! offers `ja,en,vi`, and pages, forms, registration and notice mails follow.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kizuna_core::Lang;
use kizuna_core::lang::Languages;
use kizuna_core::notice::Urgency;
use kizuna_core::subscriber::Charset;
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::notices;
use tower::ServiceExt;

use crate::support::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/locales/vi");

/// Vietnamese, from the fixture files, in every crate's catalog (once per process).
fn vietnamese() -> Lang {
    let read = |name: &str| std::fs::read_to_string(format!("{FIXTURES}/{name}.ftl")).unwrap();
    let vi = kizuna_core::lang::add_language("vi", &read("core"))
        .unwrap_or_else(|e| panic!("vi now has locale files ({e}): give the fixture another tag"));
    kizuna_mail::texts::add_language("vi", &read("mail")).unwrap();
    kizuna_server::texts::add_language("vi", &read("server")).unwrap();
    vi
}

async fn page(web: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = web.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.extend_pairs(pairs);
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))
        .unwrap()
}

/// The language links of a page's header, as (hreflang, href, text).
fn language_links(html: &str) -> Vec<(String, String, String)> {
    let nav = html.split("<nav aria-label=").nth(1).unwrap().split("</nav>").next().unwrap();
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = a.split('"').next().unwrap().to_owned();
            let tag = a.split("hreflang=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let text = a.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
            (tag, href, text)
        })
        .collect()
}

async fn deliver(app: &TestApp, title: &str, english: bool) {
    let mut notice = notice_template(title, "disaster", &["113620"], Urgency::Emergency, false);
    if !english {
        notice.title_en = None;
        notice.body_en = None;
    }
    let id = app.create(&notice).await;
    notices::send(&app.state, &emergency_staff(), id).await.unwrap();
    let mut worker = Worker::new(app.state.clone());
    while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
}

#[tokio::test]
async fn a_configured_third_language_reads_in_pages_forms_and_mails() {
    let vi = vietnamese();
    assert_eq!(Languages::parse("ja,en,vi").unwrap().iter().collect::<Vec<_>>(), [Lang::JA, Lang::EN, vi]);
    let app = spawn_app(&[("KIZUNA_LANGUAGES", "ja,en,vi")], None).await;
    let web = kizuna_server::web::router(app.state.clone());

    // The home page in Vietnamese: its own texts, Japanese where the file has none,
    // and links to every other offered language, each named in itself.
    let (status, home) = page(&web, get("/?lang=vi")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("<html lang=\"vi\">") && home.contains("<title>Trang chủ | Thư báo Kizuna</title>"),
        "{home}"
    );
    assert!(home.contains("<nav aria-label=\"Ngôn ngữ\">"), "{home}");
    assert!(
        home.contains("<h1>Chichibu Regionのお知らせ・防災情報</h1>"),
        "a text vi.ftl lacks is in Japanese: {home}"
    );
    assert_eq!(
        language_links(&home),
        [("ja".into(), "/".into(), "日本語".into()), ("en".into(), "/?lang=en".into(), "English".into())]
    );
    // Town names are written in Japanese and English: a Vietnamese reader gets English.
    assert!(
        home.contains("<span class=\"name\">Chichibu City</span> <span class=\"other-name\" lang=\"ja\">秩父市</span>")
    );
    let (_, japanese) = page(&web, get("/")).await;
    assert_eq!(
        language_links(&japanese),
        [("en".into(), "/?lang=en".into(), "English".into()), ("vi".into(), "/?lang=vi".into(), "Tiếng Việt".into())]
    );

    // The form offers Vietnamese as a mail language; a registration in it is
    // confirmed by a mail in Vietnamese first and Japanese second.
    let (_, form) = page(&web, get("/register?lang=vi")).await;
    assert!(form.contains("<title>Đăng ký nhận thư báo | Thư báo Kizuna</title>"), "{form}");
    assert!(form.contains("id=\"language-vi\" name=\"language\" value=\"vi\" checked"), "{form}");
    assert!(form.contains("<label for=\"language-vi\" lang=\"vi\">Tiếng Việt <span class=\"hint\">(thông báo đến"));
    let choices = [
        ("source", "web"),
        ("email", "lan@example.jp"),
        ("municipality", "113620"),
        ("scope", "chosen"),
        ("category", "disaster"),
        ("format", "text"),
        ("charset", "utf-8"),
        ("language", "vi"),
    ];
    let (status, sent) = page(&web, post("/register?lang=vi", &choices)).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert!(sent.contains("Hãy kiểm tra hộp thư"), "{sent}");
    let mail = app.outbox().pop().unwrap();
    let subject = decode_subject(&header(&mail, "Subject").unwrap());
    assert_eq!(subject, "[Thư báo Kizuna] Hãy xác nhận đăng ký / 登録の確認のお願い");
    let text = body_text(&mail).replace("\r\n", "\n");
    assert!(text.starts_with("Chúng tôi đã nhận yêu cầu đăng ký địa chỉ này (Chichibu Region).\n\n"), "{text}");
    assert!(text.contains("- Thành phố, thị trấn: Minano Town\n"), "{text}");
    assert!(text.contains("\n\n----- 日本語 -----\n\nきずなメール（秩父圏域）への登録"), "{text}");
    let token = text.split("/confirm/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let (status, confirm) = page(&web, get(&format!("/confirm/{token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("<html lang=\"vi\">"), "the resident's language without asking: {confirm}");
    page(&web, post(&format!("/confirm/{token}"), &[])).await;
    let resident = app.state.store.subscriber_by_email("lan@example.jp").await.unwrap().unwrap();
    assert_eq!(resident.language, vi);

    // A form error in Vietnamese comes from kizuna-core's fixture texts.
    let (status, invalid) =
        page(&web, post("/register?lang=vi", &[("email", "x@example.jp"), ("language", "vi")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(invalid.contains("Hãy chọn ít nhất một thành phố hoặc thị trấn."), "{invalid}");

    // Notices are written in Japanese and sometimes English: she gets the English
    // version when there is one, else the Japanese one, each mail in one language.
    deliver(&app, "避難所開設", true).await;
    deliver(&app, "給水所の案内", false).await;
    let mails = app.outbox();
    let [.., english, japanese] = mails.as_slice() else { panic!("two notice mails") };
    assert_eq!(decode_subject(&header(english, "Subject").unwrap()), "Notice in English");
    assert!(body_text(english).contains("Unsubscribe: https://anshin.example.jp/unsubscribe/"));
    assert_eq!(decode_subject(&header(japanese, "Subject").unwrap()), "給水所の案内");
    assert!(body_text(japanese).contains("配信の停止: https://anshin.example.jp/unsubscribe/"));

    // The archive's dates are written the Vietnamese way (kizuna-core's fixture).
    let (_, list) = page(&web, get("/notices?lang=vi")).await;
    assert!(list.contains(">12:00 25/11/2026</time>"), "{list}");
}

#[tokio::test]
async fn a_resident_whose_language_is_no_longer_offered_reads_japanese() {
    let vi = vietnamese();
    // Vietnamese exists, but this site offers Japanese and English only.
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    app.resident("lan@example.jp", &[("113620", "disaster")], Charset::Utf8, vi).await;
    deliver(&app, "避難所開設", true).await;
    let mail = app.outbox().pop().unwrap();
    assert_eq!(decode_subject(&header(&mail, "Subject").unwrap()), "避難所開設", "Japanese, not English");
    let text = body_text(&mail);
    let token = text.split("/manage/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let (status, manage) = page(&web, get(&format!("/manage/{token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(manage.contains("<html lang=\"ja\">"), "{manage}");
    assert!(!manage.contains("Tiếng Việt") && !manage.contains("?lang=vi"), "vi is not offered here");
    assert!(manage.contains("id=\"language-ja\" name=\"language\" value=\"ja\" checked"), "{manage}");
    let (_, asked) = page(&web, get("/?lang=vi")).await;
    assert!(asked.contains("<html lang=\"ja\">"), "an unoffered ?lang= reads Japanese");
}
