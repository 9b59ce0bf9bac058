//! The よいまちモニター panel and its surveys over HTTP: a resident enrols and
//! leaves from the manage page; the API creates a survey, invites the targeted
//! monitors (mails sent by the scheduler), reminds only those who have not
//! answered and counts the results; the answer page takes one answer per
//! invitation, changed until closing, refused after, with no script and in
//! under 30 KB.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::MunicipalityCode;
use kizuna_core::staff::{ApiRight, Role, Scope};
use kizuna_core::subscriber::{Charset, TokenPurpose};
use kizuna_core::survey::AgeBand;
use kizuna_core::token::{SecretToken, TokenHash};
use kizuna_server::jobs::housekeeping_step;
use kizuna_store::{MonitorProfile, NewApiKey, NewLinkToken};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::console::browser::{Browser, PASSWORD, staff};
use crate::support::*;

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

async fn call(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn post_form(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serializer.finish()))
        .unwrap()
}

fn api(method: Method, uri: &str, key: &str, body: Option<Value>) -> Request<Body> {
    let request = Request::builder().method(method).uri(uri).header(header::AUTHORIZATION, format!("Bearer {key}"));
    match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap(),
        None => request.body(Body::empty()).unwrap(),
    }
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn key(app: &TestApp, town: Option<&str>, rights: &[ApiRight]) -> String {
    let secret = format!("kz_test.{}", kizuna_core::token::random_secret(32).unwrap());
    let new = NewApiKey {
        prefix: "kz_test".into(),
        hash: TokenHash::of(&secret),
        scope: town.map_or(Scope::AllMunicipalities, |t| Scope::Municipality(code(t))),
        rights: rights.to_vec(),
        label: "test".into(),
    };
    app.state.store.create_api_key(&new, app.clock_now()).await.unwrap();
    secret
}

/// A manage link for a resident, as the "already registered" mail carries.
async fn manage_token(app: &TestApp, subscriber: i64) -> String {
    let token = SecretToken::generate().unwrap();
    let link = NewLinkToken {
        hash: token.hash(),
        purpose: TokenPurpose::Manage,
        subscriber_id: Some(subscriber),
        email: None,
        expires_at: app.clock_now() + Duration::days(7),
    };
    app.state.store.create_link_token(&link, app.clock_now()).await.unwrap();
    token.expose().to_owned()
}

async fn panel_size(app: &TestApp) -> i64 {
    app.state.store.panel_counts().await.unwrap().iter().map(|c| c.members).sum()
}

async fn monitor(app: &TestApp, email: &str, town: &str) -> i64 {
    let id = app.resident(email, &[(town, "disaster")], Charset::Utf8, Lang::JA).await;
    let profile = MonitorProfile {
        municipality: code(town),
        area_id: None,
        age_band: AgeBand::Sixties,
        gender: None,
        occupation: None,
    };
    assert!(app.state.store.enrol_monitor(id, &profile, app.clock_now()).await.unwrap());
    id
}

#[tokio::test]
async fn a_resident_enrols_from_the_manage_page_and_the_panel_counts_them_until_they_leave() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    let hanako = app.resident("hanako@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let token = manage_token(&app, hanako).await;
    let manage = call(&web, get(&format!("/manage/{token}"))).await;
    assert!(manage.body.contains(&format!("href=\"/manage/{token}/monitor\"")), "the manage page links to the panel");
    let page = call(&web, get(&format!("/manage/{token}/monitor"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("回答とご登録内容の使い方") && page.body.contains("5件未満"), "how answers are used");
    for band in AgeBand::ALL {
        assert!(page.body.contains(&format!("value=\"{}\"", band.as_str())), "{band:?} is offered");
    }
    assert!(!page.body.contains("<script"));

    let missing = call(&web, post_form(&format!("/manage/{token}/monitor"), &[("place", "112071")])).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("href=\"#age-band-under-20\""), "the summary links to the field");
    assert!(missing.body.contains("年代を選んでください"));
    let forged_place = [("place", "999999"), ("age_band", "60-69")];
    let forged = call(&web, post_form(&format!("/manage/{token}/monitor"), &forged_place)).await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(panel_size(&app).await, 0);

    let area = app.state.directory.current().areas_of(&code("112071")).next().map(|a| a.id);
    let place = area.map_or_else(|| "112071".to_owned(), |a| format!("112071/{a}"));
    let join = [("place", place.as_str()), ("age_band", "60-69"), ("gender", "female"), ("occupation", "farming")];
    let joined = call(&web, post_form(&format!("/manage/{token}/monitor"), &join)).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert!(joined.body.contains("保存しました"));
    assert_eq!(panel_size(&app).await, 1, "the panel counts the new monitor");
    let counts = app.state.store.panel_counts().await.unwrap();
    assert_eq!(
        (counts[0].municipality.as_str(), counts[0].area_id, counts[0].age_band),
        ("112071", area, AgeBand::Sixties)
    );
    let again = call(&web, get(&format!("/manage/{token}/monitor?lang=en"))).await;
    assert!(again.body.contains("Leave the monitor panel") && again.body.contains("value=\"60-69\" checked"));

    // The profile is for admins of the town, and each view of it is audited.
    staff(&app, "admin@city.chichibu.example", Some("112071"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@city.chichibu.example", PASSWORD).await;
    let record = admin.get(&format!("/admin/residents/{hanako}")).await;
    assert!(record.body.contains("60代") && record.body.contains("女性") && record.body.contains("農林業"));
    let audited = app.state.store.audit_entries(20).await.unwrap();
    assert!(audited.iter().any(|e| e.action == "resident_view" && e.subject == format!("resident:{hanako}")));

    let left = call(&web, post_form(&format!("/manage/{token}/monitor/leave"), &[])).await;
    assert_eq!(left.status, StatusCode::OK);
    assert!(left.body.contains("やめました"));
    assert_eq!(panel_size(&app).await, 0, "leaving removes them");
    assert_eq!(app.state.store.monitor_profile(hanako).await.unwrap(), None);
}

fn survey_body(towns: &[&str]) -> Value {
    json!({
        "title": "公共交通についてのアンケート",
        "introduction": "よりよい交通のために、ご意見をお聞かせください。",
        "municipalities": towns,
        "questions": [
            { "kind": "single", "text": "バスを利用しますか", "choices": ["はい", "いいえ"], "required": true },
            { "kind": "multiple", "text": "よく使う交通手段", "choices": ["バス", "鉄道", "車"], "required": false, "other": true },
            { "kind": "rating", "text": "満足度", "required": false },
            { "kind": "text", "text": "ご意見", "required": false }
        ],
        "closes_at": "2026-12-20T15:00:00Z"
    })
}

/// The personal survey link of each mail in the outbox, with its recipient.
fn survey_links(app: &TestApp) -> Vec<(String, String)> {
    app.outbox()
        .iter()
        .filter_map(|eml| {
            let text = body_text(eml);
            let token = text.split("https://anshin.example.jp/surveys/").nth(1)?.split_whitespace().next()?.to_owned();
            Some((header(eml, "To").unwrap_or_default(), token))
        })
        .collect()
}

#[tokio::test]
async fn the_api_creates_a_survey_invites_the_panel_reminds_non_responders_and_counts_answers() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    for n in 1..=3 {
        monitor(&app, &format!("monitor{n}@example.jp"), "112071").await;
    }
    monitor(&app, "yokoze@example.jp", "113611").await;
    app.resident("not-a-monitor@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let chichibu = key(&app, Some("112071"), &[ApiRight::SurveysManage]).await;
    let notices_only = key(&app, Some("112071"), &[ApiRight::NoticesCreate]).await;

    let refused = call(&web, api(Method::POST, "/api/v1/surveys", &notices_only, Some(survey_body(&["112071"])))).await;
    assert_eq!(
        (refused.status, refused.json()["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("missing_right"))
    );
    let other_town = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(survey_body(&["113611"])))).await;
    assert_eq!(other_town.status, StatusCode::FORBIDDEN);
    let mut bad = survey_body(&["112071"]);
    bad["questions"][1]["kind"] = json!("ranking");
    let bad = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(bad))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "questions[1].kind");
    let mut one_choice = survey_body(&["112071"]);
    one_choice["questions"][0]["choices"] = json!(["はい"]);
    let one_choice = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(one_choice))).await;
    assert_eq!(one_choice.json()["error"]["field"], "questions[0].choices");

    let created = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(survey_body(&["112071"])))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let survey = created.json();
    let id = survey["id"].as_i64().unwrap();
    assert_eq!(created.headers.get(header::LOCATION).unwrap(), &format!("/api/v1/surveys/{id}"));
    assert_eq!((survey["status"].as_str(), survey["questions"].as_array().map(Vec::len)), (Some("open"), Some(4)));
    let yokoze = key(&app, Some("113611"), &[ApiRight::SurveysManage]).await;
    let hidden = call(&web, api(Method::GET, &format!("/api/v1/surveys/{id}"), &yokoze, None)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "another town's survey is not found");

    let invited = call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/invite"), &chichibu, None)).await;
    assert_eq!(invited.json(), json!({ "invited": 3 }));
    let again = call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/invite"), &chichibu, None)).await;
    assert_eq!(again.json(), json!({ "invited": 0 }), "nobody is invited twice");
    assert!(app.outbox().is_empty(), "mails leave with the scheduler");
    housekeeping_step(&app.state, "test").await.unwrap();
    let links = survey_links(&app);
    assert_eq!(links.len(), 3);
    assert!(links.iter().all(|(to, _)| to.contains("monitor")), "only the targeted town's monitors: {links:?}");
    let mail = &app.outbox()[0];
    assert!(decode_subject(&header(mail, "Subject").unwrap()).contains("アンケート"));
    assert!(!header(mail, "Message-ID").unwrap().contains(&links[0].1), "the token stays out of headers");

    // The first monitor answers through the link in the mail.
    let (answered_by, token) = links[0].clone();
    let answer = [("q1", "0"), ("q2", "0"), ("q2", "2"), ("q3", "4"), ("q4", "<b>バスを増やして</b>")];
    let q = |n: usize| survey["questions"][n - 1]["id"].as_i64().unwrap();
    let mut fields: Vec<(String, &str)> =
        answer.iter().map(|(k, v)| (format!("q{}", q(k[1..].parse().unwrap())), *v)).collect();
    fields.push((format!("q{}-other", q(2)), "自転車"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let sent = call(&web, post_form(&format!("/surveys/{token}"), &fields)).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);

    let early = call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/remind"), &chichibu, None)).await;
    assert_eq!(early.json(), json!({ "reminded": 0 }), "not before the interval");
    app.clock.advance(Duration::days(3));
    let reminded = call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/remind"), &chichibu, None)).await;
    assert_eq!(reminded.json(), json!({ "reminded": 2 }), "only those who have not answered");
    housekeeping_step(&app.state, "test").await.unwrap();
    let reminders: Vec<(String, String)> = survey_links(&app).into_iter().skip(3).collect();
    assert_eq!(reminders.len(), 2);
    assert!(reminders.iter().all(|(to, _)| *to != answered_by), "no reminder to who answered");

    let results = call(&web, api(Method::GET, &format!("/api/v1/surveys/{id}/results"), &chichibu, None)).await;
    let results = results.json();
    assert_eq!((results["invited"].as_i64(), results["responses"].as_i64()), (Some(3), Some(1)));
    let counts = |n: usize| -> Vec<i64> {
        results["questions"][n]["counts"].as_array().unwrap().iter().map(|c| c["count"].as_i64().unwrap()).collect()
    };
    assert_eq!(counts(0), [1, 0]);
    assert_eq!(counts(1), [1, 0, 1, 1], "each option of a multiple choice is counted, その他 last");
    assert_eq!(results["questions"][1]["counts"][3]["choice"], "その他");
    assert_eq!(results["questions"][1]["answers"], json!(["自転車"]), "what was written for その他");
    assert_eq!(survey["questions"][1]["other"], json!(true));
    let mut other_on_text = survey_body(&["112071"]);
    other_on_text["questions"][3]["other"] = json!(true);
    let other_on_text = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(other_on_text))).await;
    assert_eq!(other_on_text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other_on_text.json()["error"]["field"], "questions[3].other");
    assert_eq!(counts(2), [0, 0, 0, 1, 0]);
    assert_eq!(results["questions"][3]["answers"], json!(["<b>バスを増やして</b>"]));

    // A survey invited before it opens: its link says when answers start.
    let mut later = survey_body(&["112071"]);
    later["opens_at"] = json!("2026-12-10T00:00:00+09:00");
    let later = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(later))).await.json();
    assert_eq!(later["status"], "scheduled");
    let later_id = later["id"].as_i64().unwrap();
    call(&web, api(Method::POST, &format!("/api/v1/surveys/{later_id}/invite"), &chichibu, None)).await;
    let sent_before = survey_links(&app).len();
    housekeeping_step(&app.state, "test").await.unwrap();
    let token = survey_links(&app)[sent_before].1.clone();
    let early = call(&web, get(&format!("/surveys/{token}"))).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(early.body.contains("まだ始まっていません") && early.body.contains("2026年12月10日"), "{}", early.body);
}

#[tokio::test]
async fn the_answer_page_takes_one_answer_per_invitation_changed_until_closing_and_refused_after() {
    let app = spawn_app(&[], None).await;
    let web = kizuna_server::web::router(app.state.clone());
    monitor(&app, "monitor@example.jp", "112071").await;
    let chichibu = key(&app, Some("112071"), &[ApiRight::SurveysManage]).await;
    let created = call(&web, api(Method::POST, "/api/v1/surveys", &chichibu, Some(survey_body(&["112071"])))).await;
    let survey = created.json();
    let id = survey["id"].as_i64().unwrap();
    call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/invite"), &chichibu, None)).await;
    housekeeping_step(&app.state, "test").await.unwrap();
    let token = survey_links(&app)[0].1.clone();
    let q: Vec<String> = (0..4).map(|n| format!("q{}", survey["questions"][n]["id"])).collect();
    let path = format!("/surveys/{token}");

    let form = call(&web, get(&path)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("公共交通についてのアンケート") && form.body.contains("回答を送る"));
    assert!(!form.body.contains("<script"), "no script");
    let css = call(&web, get("/static/kizuna.css")).await;
    assert!(form.body.len() + css.body.len() < 30 * 1024, "page and CSS: {} bytes", form.body.len() + css.body.len());
    assert_eq!(form.headers.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
    let english = call(&web, get(&format!("{path}?lang=en"))).await;
    assert!(english.body.contains("Send my answers") && english.body.contains("lang=\"ja\""));

    // A required question left out: the error summary links to it, nothing is stored.
    let missing = call(&web, post_form(&path, &[(q[1].as_str(), "1")])).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains(&format!("href=\"#{}-0\"", q[0])), "{}", missing.body);
    assert!(missing.body.contains("この質問に答えてください") && missing.body.contains("value=\"1\" checked"));
    assert!(app.state.store.survey_tally(id).await.unwrap().web == 0);

    // その他 ticked with nothing written: the summary leads to its line.
    let other_line = format!("{}-other", q[1]);
    assert!(form.body.contains(&format!("id=\"{other_line}\"")) && form.body.contains("「その他」の内容"));
    let empty_other = call(&web, post_form(&path, &[(q[0].as_str(), "0"), (q[1].as_str(), "other")])).await;
    assert_eq!(empty_other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_other.body.contains(&format!("href=\"#{other_line}\"")), "{}", empty_other.body);
    assert!(empty_other.body.contains("その内容を書いてください"));
    assert_eq!(app.state.store.survey_tally(id).await.unwrap().web, 0);

    let hostile = "<script>alert('x')</script>";
    let first = [(q[0].as_str(), "0"), (q[1].as_str(), "1"), (other_line.as_str(), "徒歩"), (q[3].as_str(), hostile)];
    let recorded = call(&web, post_form(&path, &first)).await;
    assert_eq!(recorded.status, StatusCode::OK);
    assert!(recorded.body.contains("回答を受け付けました"), "one POST records, no confirmation step");
    let shown = call(&web, get(&path)).await;
    assert!(
        shown.body.contains("&#60;script&#62;alert(") && !shown.body.contains(hostile),
        "shown escaped: {}",
        shown.body
    );
    assert!(shown.body.contains("回答を変更する"));
    assert!(shown.body.contains("value=\"徒歩\"") && shown.body.contains("value=\"other\" checked"), "その他 kept");
    let changed = call(&web, post_form(&path, &[(q[0].as_str(), "1")])).await;
    assert!(changed.body.contains("回答を変更しました"));
    let tally = app.state.store.survey_tally(id).await.unwrap();
    assert_eq!(tally.web, 1, "one answer per invitation");
    assert!(tally.texts.is_empty(), "the change replaced the whole answer");

    for forged in ["/surveys/not-a-token", "/surveys/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        let page = call(&web, get(forged)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("このアンケートのリンクは使えません"));
        let post = call(&web, post_form(forged, &[(q[0].as_str(), "0")])).await;
        assert_eq!(post.status, StatusCode::NOT_FOUND);
    }

    app.clock.advance(Duration::days(30));
    let closed = call(&web, post_form(&path, &[(q[0].as_str(), "0")])).await;
    assert_eq!(closed.status, StatusCode::GONE);
    assert!(closed.body.contains("締め切りました"));
    assert_eq!(
        app.state
            .store
            .survey_tally(id)
            .await
            .unwrap()
            .counts
            .iter()
            .find(|c| c.0 == survey["questions"][0]["id"].as_i64().unwrap())
            .map(|c| c.1),
        Some(1),
        "the answer before closing stands"
    );
    let remind = call(&web, api(Method::POST, &format!("/api/v1/surveys/{id}/remind"), &chichibu, None)).await;
    assert_eq!((remind.status, remind.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("survey_closed")));
}
