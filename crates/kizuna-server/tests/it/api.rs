//! The JSON API as a client sees it: keys, rights and scopes, the notice
//! lifecycle, idempotent creation, refusals of hostile input, rate limits, and
//! an OpenAPI document that lists every route the router serves.

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::Duration;
use kizuna_core::Lang;
use kizuna_core::notice::NoticeSource;
use kizuna_core::staff::{ApiRight, Scope};
use kizuna_core::subscriber::Charset;
use kizuna_core::token::TokenHash;
use kizuna_server::delivery::{Outcome, Worker};
use kizuna_server::jobs::housekeeping_step;
use kizuna_server::links::{self, LinkPurpose};
use kizuna_store::{NewApiKey, NoticeFilter};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::*;

struct Api {
    app: TestApp,
    router: Router,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Answer {
    fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }

    fn field(&self) -> &str {
        self.json["error"]["field"].as_str().unwrap_or("")
    }

    fn id(&self) -> i64 {
        self.json["id"].as_i64().unwrap_or_else(|| panic!("no id in {}", self.json))
    }
}

async fn api(env: &[(&str, &str)]) -> Api {
    let app = spawn_app(env, None).await;
    let router = kizuna_server::web::router(app.state.clone());
    Api { app, router }
}

const ALL_RIGHTS: &[ApiRight] = &ApiRight::ALL;

impl Api {
    /// A key as `kizuna api-key create` makes one; `town` None is every municipality.
    async fn key(&self, town: Option<&str>, rights: &[ApiRight]) -> String {
        let secret = format!("kz_test.{}", kizuna_core::token::random_secret(32).unwrap());
        let scope = match town {
            Some(code) => Scope::Municipality(kizuna_core::MunicipalityCode::parse(code).unwrap()),
            None => Scope::AllMunicipalities,
        };
        let new = NewApiKey {
            prefix: "kz_test".into(),
            hash: TokenHash::of(&secret),
            scope,
            rights: rights.to_vec(),
            label: "test".into(),
        };
        self.app.state.store.create_api_key(&new, self.app.clock_now()).await.unwrap();
        secret
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer { status, headers, json }
    }

    async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Option<Value>) -> Answer {
        self.call_with(method, path, key, body, &[]).await
    }

    async fn call_with(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(&body).unwrap())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    async fn raw_post(&self, path: &str, key: &str, content_type: &str, body: impl Into<Body>) -> Answer {
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap();
        self.send(request).await
    }

    async fn create(&self, key: &str, body: Value) -> Answer {
        self.call(Method::POST, "/api/v1/notices", Some(key), Some(body)).await
    }

    async fn step(&self, key: &str, id: i64, action: &str) -> Answer {
        self.call(Method::POST, &format!("/api/v1/notices/{id}/{action}"), Some(key), None).await
    }

    async fn get(&self, key: &str, path: &str) -> Answer {
        self.call(Method::GET, path, Some(key), None).await
    }

    async fn stored_notices(&self) -> usize {
        self.app.state.store.list_notices(&NoticeFilter::within(Scope::AllMunicipalities, 500)).await.unwrap().len()
    }

    async fn deliver_everything(&self) {
        let mut worker = Worker::new(self.app.state.clone());
        while worker.try_execute_batch().await.unwrap() != Outcome::Idle {}
    }
}

fn notice(title: &str, towns: &[&str]) -> Value {
    json!({
        "title": title,
        "body": "県道の通行止めが解除されました。\n迂回路は不要です。",
        "category": "disaster",
        "municipalities": towns,
        "urgency": "normal",
    })
}

#[tokio::test]
async fn a_notice_goes_from_draft_to_residents_and_is_corrected_and_withdrawn() {
    let api = api(&[]).await;
    api.app.resident("minano@example.jp", &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    api.app.resident("other@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let key = api
        .key(
            Some("113620"),
            &[
                ApiRight::NoticesCreate,
                ApiRight::NoticesSubmit,
                ApiRight::NoticesApprove,
                ApiRight::NoticesSend,
                ApiRight::NoticesRead,
            ],
        )
        .await;

    let created = api.create(&key, notice("通行止め解除", &["113620"])).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.id();
    assert_eq!(created.json["status"], "draft");
    assert_eq!(created.json["source"], "api");
    assert_eq!(created.json["municipalities"], json!(["113620"]));
    assert_eq!(created.headers[header::LOCATION], format!("/api/v1/notices/{id}").as_str());

    assert_eq!(api.step(&key, id, "submit").await.json["status"], "pending_approval");
    assert_eq!(api.step(&key, id, "approve").await.json["status"], "approved");
    let sent = api.step(&key, id, "send").await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.json);
    assert_eq!(sent.json["status"], "sending");

    let read = api.get(&key, &format!("/api/v1/notices/{id}")).await;
    assert_eq!(read.json["deliveries"]["total"], 1, "only the Minano resident: {}", read.json);
    assert_eq!(read.json["deliveries"]["queued"], 1);
    assert!(read.json["sent_at"].is_string());
    api.deliver_everything().await;
    let read = api.get(&key, &format!("/api/v1/notices/{id}")).await;
    assert_eq!((read.json["status"].as_str(), read.json["deliveries"]["sent"].as_i64()), (Some("sent"), Some(1)));

    let corrected = api
        .call(
            Method::POST,
            &format!("/api/v1/notices/{id}/correct"),
            Some(&key),
            Some(json!({"title": "通行止め解除（訂正）", "body": "解除は午後3時からです。"})),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.json);
    let correction = corrected.id();
    assert_eq!(corrected.json["supersedes"], id);
    assert_eq!(corrected.json["status"], "sending");
    assert_eq!(corrected.json["deliveries"]["queued"], 1, "the same resident gets the correction");
    assert_eq!(api.get(&key, &format!("/api/v1/notices/{id}")).await.json["status"], "superseded");
    api.deliver_everything().await;
    assert_eq!(api.app.outbox().len(), 2);
    let second = decode_subject(&header(&api.app.outbox()[1], "Subject").unwrap());
    assert_eq!(second, "通行止め解除（訂正）");

    let withdrawn = api.step(&key, correction, "withdraw").await;
    assert_eq!(withdrawn.json["status"], "withdrawn", "{}", withdrawn.json);
    let events = api.app.state.store.notice_events(id).await.unwrap();
    let actors: BTreeSet<&str> = events.iter().map(|e| e.actor.as_str()).collect();
    assert!(actors.contains("api-key:1"), "who did it is recorded: {actors:?}");
}

#[tokio::test]
async fn only_a_key_with_the_emergency_right_sends_without_approval() {
    let api = api(&[]).await;
    api.app.resident("yokoze@example.jp", &[("113611", "disaster")], Charset::Utf8, Lang::JA).await;
    let plain = api.key(None, &[ApiRight::NoticesCreate, ApiRight::NoticesSend, ApiRight::NoticesRead]).await;
    let emergency = api.key(None, &[ApiRight::NoticesSend, ApiRight::NoticesEmergency]).await;
    let mut body = notice("避難指示", &["113611"]);
    body["urgency"] = json!("emergency");
    let id = api.create(&plain, body).await.id();

    let refused = api.step(&plain, id, "send").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "missing_right");
    assert!(refused.json["error"]["message"].as_str().unwrap().contains("notices:emergency"));
    assert_eq!(api.get(&plain, &format!("/api/v1/notices/{id}")).await.json["status"], "draft");

    let sent = api.step(&emergency, id, "send").await;
    assert_eq!((sent.status, sent.json["status"].as_str()), (StatusCode::OK, Some("sending")), "{}", sent.json);
    assert_eq!(sent.json["deliveries"]["queued"], 1);
    let events = api.app.state.store.notice_events(id).await.unwrap();
    assert!(events.iter().any(|e| e.action == "send_emergency" && e.actor == "api-key:2"), "{events:?}");
}

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_first_notice_and_never_a_second() {
    let api = api(&[]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let other_key = api.key(None, ALL_RIGHTS).await;
    let body = notice("断水のお知らせ", &["113638"]);
    let once = [("Idempotency-Key", "order-2026-11-25-001")];

    let first = api.call_with(Method::POST, "/api/v1/notices", Some(&key), Some(body.clone()), &once).await;
    let again = api.call_with(Method::POST, "/api/v1/notices", Some(&key), Some(body.clone()), &once).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(first.id(), again.id());
    assert_eq!(api.stored_notices().await, 1, "the database holds one notice");

    let other_client =
        api.call_with(Method::POST, "/api/v1/notices", Some(&other_key), Some(body.clone()), &once).await;
    assert_eq!(other_client.status, StatusCode::CREATED, "another key's Idempotency-Key is its own");
    assert_ne!(other_client.id(), first.id());

    let mut changed = body.clone();
    changed["title"] = json!("別の内容");
    let reused = api.call_with(Method::POST, "/api/v1/notices", Some(&key), Some(changed), &once).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"));
    assert_eq!(reused.field(), "Idempotency-Key");

    let bad = [("Idempotency-Key", "has spaces in it")];
    let refused = api.call_with(Method::POST, "/api/v1/notices", Some(&key), Some(body), &bad).await;
    assert_eq!((refused.status, refused.field()), (StatusCode::BAD_REQUEST, "Idempotency-Key"));
    assert_eq!(api.stored_notices().await, 2);
}

#[tokio::test]
async fn keys_act_only_with_their_rights_and_for_their_municipalities() {
    let api = api(&[]).await;
    let body = notice("ごみ収集日の変更", &["113611"]);
    let no_key = api.call(Method::POST, "/api/v1/notices", None, Some(body.clone())).await;
    assert_eq!((no_key.status, no_key.code()), (StatusCode::UNAUTHORIZED, "missing_api_key"));
    assert!(no_key.headers[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
    let unknown = api.create("kz_nothing.made-up", body.clone()).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));

    let revoked = api.key(None, ALL_RIGHTS).await;
    let revoked_id = api.app.state.store.api_key_by_hash(&TokenHash::of(&revoked)).await.unwrap().unwrap().id;
    api.app.state.store.revoke_api_key(revoked_id, api.app.clock_now()).await.unwrap();
    assert_eq!(api.create(&revoked, body.clone()).await.status, StatusCode::UNAUTHORIZED);

    let reader = api.key(None, &[ApiRight::NoticesRead]).await;
    let refused = api.create(&reader, body.clone()).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "missing_right"));
    assert!(refused.json["error"]["message"].as_str().unwrap().contains("notices:create"));

    let chichibu = api.key(Some("112071"), ALL_RIGHTS).await;
    let elsewhere = api.create(&chichibu, body.clone()).await;
    assert_eq!((elsewhere.status, elsewhere.code()), (StatusCode::FORBIDDEN, "municipality_not_in_scope"));
    let shared = api.create(&chichibu, notice("合同の訓練", &["112071", "113611"])).await;
    assert_eq!(shared.status, StatusCode::FORBIDDEN, "every municipality must be the key's");
    assert_eq!(api.stored_notices().await, 0, "nothing was stored");

    let everywhere = api.key(None, ALL_RIGHTS).await;
    let yokoze = api.create(&everywhere, body).await.id();
    let joint = api.create(&everywhere, notice("合同の訓練", &["112071", "113611"])).await.id();
    for id in [yokoze, joint] {
        assert_eq!(api.get(&chichibu, &format!("/api/v1/notices/{id}")).await.status, StatusCode::FORBIDDEN);
        let submit = api.step(&chichibu, id, "submit").await;
        assert_eq!((submit.status, submit.code()), (StatusCode::FORBIDDEN, "municipality_not_in_scope"));
    }
    assert_eq!(api.get(&everywhere, &format!("/api/v1/notices/{yokoze}")).await.json["status"], "draft");
    let submit_only = api.key(None, &[ApiRight::NoticesSubmit]).await;
    assert_eq!(api.step(&submit_only, yokoze, "approve").await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.step(&submit_only, yokoze, "submit").await.status, StatusCode::OK);
    for action in ["send", "cancel", "withdraw"] {
        assert_eq!(api.step(&submit_only, yokoze, action).await.code(), "missing_right", "{action}");
    }
    let stats = api.get(&submit_only, "/api/v1/stats/subscribers").await;
    assert_eq!((stats.status, stats.code()), (StatusCode::FORBIDDEN, "missing_right"));
}

#[tokio::test]
async fn hostile_bodies_are_refused_naming_the_field_and_nothing_is_stored() {
    let api = api(&[]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let with = |field: &str, value: Value| {
        let mut body = notice("お知らせ", &["112071"]);
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = notice("お知らせ", &["112071"]);
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let past = (t0() - Duration::minutes(5)).to_rfc3339();
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (with("title", json!("あ".repeat(10_000))), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text", "title"),
        (with("title", json!("改行\nを含む件名")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text", "title"),
        (with("title", json!("  ")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text", "title"),
        (with("body", json!("制御文字\u{0}")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text", "body"),
        (with("title_en", json!("x".repeat(101))), StatusCode::UNPROCESSABLE_ENTITY, "invalid_text", "title_en"),
        (
            with("municipalities", json!(["999999"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_municipality",
            "municipalities[0]",
        ),
        (
            with("municipalities", json!(["112071", "131016"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_municipality",
            "municipalities[1]",
        ),
        (with("municipalities", json!([])), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "municipalities"),
        (with("municipalities", json!("112071")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "municipalities"),
        (with("urgency", json!(5)), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "urgency"),
        (with("urgency", json!("panic")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "urgency"),
        (with("category", json!("Disaster!")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_category", "category"),
        (with("category", json!("weather_and_more")), StatusCode::UNPROCESSABLE_ENTITY, "unknown_category", "category"),
        (with("areas", json!([4242])), StatusCode::UNPROCESSABLE_ENTITY, "unknown_area", "areas[0]"),
        (with("exercise", json!("yes")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "exercise"),
        (with("send_at", json!("tomorrow morning")), StatusCode::UNPROCESSABLE_ENTITY, "invalid_time", "send_at"),
        (with("send_at", json!(past)), StatusCode::UNPROCESSABLE_ENTITY, "invalid_time", "send_at"),
        (with("expires_at", json!(t0().to_rfc3339())), StatusCode::UNPROCESSABLE_ENTITY, "invalid_time", "expires_at"),
        (with("admin", json!(true)), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "admin"),
        (without("title"), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "title"),
        (json!(["not", "an", "object"]), StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "body"),
    ];
    for (body, status, code, field) in cases {
        let answer = api.create(&key, body.clone()).await;
        assert_eq!((answer.status, answer.code(), answer.field()), (status, code, field), "{body}: {}", answer.json);
        assert!(!answer.json["error"]["message"].as_str().unwrap_or("").is_empty());
    }

    let broken = api.raw_post("/api/v1/notices", &key, "application/json", "{\"title\": ").await;
    assert_eq!((broken.status, broken.code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let trailing = serde_json::to_string(&notice("お知らせ", &["112071"])).unwrap() + " {}";
    let trailing = api.raw_post("/api/v1/notices", &key, "application/json", trailing).await;
    assert_eq!((trailing.status, trailing.code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let form = api.raw_post("/api/v1/notices", &key, "application/x-www-form-urlencoded", "title=x").await;
    assert_eq!((form.status, form.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let huge = with("body", json!("x".repeat(70 * 1024)));
    let huge = api.raw_post("/api/v1/notices", &key, "application/json", serde_json::to_vec(&huge).unwrap()).await;
    assert_eq!((huge.status, huge.code()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    assert_eq!(api.stored_notices().await, 0, "no refused body left anything behind");
}

#[tokio::test]
async fn markup_in_a_title_is_kept_as_text_and_shown_escaped() {
    let api = api(&[]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let title = "<script>alert('x')</script> & \"注意\"";
    let created = api.create(&key, notice(title, &["113654"])).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let id = created.id();
    assert_eq!(api.get(&key, &format!("/api/v1/notices/{id}")).await.json["title"], title, "stored as given");

    // Sent without approval (emergency right) and with no one to mail: published at once.
    assert_eq!(api.step(&key, id, "send").await.json["status"], "sent");
    let page = api.call(Method::GET, &format!("/notices/{id}"), None, None).await;
    let html = page.json.as_str().unwrap().to_owned();
    assert!(html.contains("&#60;script&#62;alert"), "the public page shows the text: {html}");
    assert!(!html.contains("<script>alert"), "and never runs it");
}

#[tokio::test]
async fn a_send_at_ahead_schedules_the_notice_and_it_leaves_on_time() {
    let api = api(&[]).await;
    api.app.resident("nagatoro@example.jp", &[("113638", "event")], Charset::Utf8, Lang::JA).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let send_at = t0() + Duration::hours(3);
    let mut body = notice("花火大会", &["113638"]);
    body["category"] = json!("event");
    body["send_at"] = json!(send_at.to_rfc3339());
    let id = api.create(&key, body).await.id();

    let direct = api.step(&key, id, "send").await;
    assert_eq!((direct.status, direct.code()), (StatusCode::CONFLICT, "scheduled_notice_needs_approval"));
    api.step(&key, id, "submit").await;
    api.step(&key, id, "approve").await;
    let scheduled = api.step(&key, id, "send").await;
    assert_eq!(scheduled.json["status"], "scheduled", "{}", scheduled.json);
    assert_eq!(scheduled.json["deliveries"]["total"], 0, "nothing goes out early");

    api.app.clock.set(send_at);
    assert_eq!(housekeeping_step(&api.app.state, "test").await.unwrap().scheduled_sent, vec![id]);
    api.deliver_everything().await;
    let read = api.get(&key, &format!("/api/v1/notices/{id}")).await;
    assert_eq!((read.json["status"].as_str(), read.json["deliveries"]["sent"].as_i64()), (Some("sent"), Some(1)));
}

#[tokio::test]
async fn the_lifecycle_refuses_out_of_order_steps_with_409_and_changes_nothing() {
    let api = api(&[]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let id = api.create(&key, notice("順序の確認", &["112071"])).await.id();
    let approve = api.step(&key, id, "approve").await;
    assert_eq!((approve.status, approve.code()), (StatusCode::CONFLICT, "invalid_transition"), "{}", approve.json);
    let withdraw = api.step(&key, id, "withdraw").await;
    assert_eq!(withdraw.status, StatusCode::CONFLICT);
    let correct = api
        .call(
            Method::POST,
            &format!("/api/v1/notices/{id}/correct"),
            Some(&key),
            Some(json!({"title": "訂正", "body": "訂正本文"})),
        )
        .await;
    assert_eq!((correct.status, correct.code()), (StatusCode::CONFLICT, "invalid_transition"));
    assert_eq!(api.stored_notices().await, 1, "a refused correction creates nothing");
    assert_eq!(api.step(&key, id, "cancel").await.json["status"], "cancelled");
    assert_eq!(api.step(&key, id, "send").await.status, StatusCode::CONFLICT, "a cancelled notice never goes out");
    assert_eq!(api.step(&key, 987_654, "submit").await.code(), "notice_not_found");
}

#[tokio::test]
async fn listing_filters_pages_and_stays_within_the_key_scope() {
    let api = api(&[]).await;
    let all = api.key(None, ALL_RIGHTS).await;
    let chichibu = api.key(Some("112071"), ALL_RIGHTS).await;
    let mut ids = Vec::new();
    for (title, towns) in
        [("一", &["112071"][..]), ("二", &["112071", "113611"]), ("三", &["113611"]), ("四", &["112071"])]
    {
        ids.push(api.create(&all, notice(title, towns)).await.id());
    }
    let mut jma = notice_template("大雨警報", "weather", &["112071"], kizuna_core::notice::Urgency::Emergency, false);
    jma.source = NoticeSource::Jma;
    let jma_id = api.app.create(&jma).await;
    api.step(&all, ids[3], "cancel").await;

    let titles = |answer: &Answer| -> Vec<String> {
        answer.json["notices"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect()
    };
    let everything = api.get(&all, "/api/v1/notices").await;
    assert_eq!(titles(&everything), ["大雨警報", "四", "三", "二", "一"], "newest first");
    assert!(everything.json["notices"][0].get("deliveries").is_none());
    assert_eq!(everything.json["next_before"], Value::Null);

    let page = api.get(&all, "/api/v1/notices?limit=2").await;
    assert_eq!(titles(&page), ["大雨警報", "四"]);
    let next = page.json["next_before"].as_i64().unwrap();
    let page = api.get(&all, &format!("/api/v1/notices?limit=2&before={next}")).await;
    assert_eq!(titles(&page), ["三", "二"]);

    assert_eq!(titles(&api.get(&all, "/api/v1/notices?source=jma").await), ["大雨警報"]);
    assert_eq!(api.get(&all, "/api/v1/notices?source=jma").await.json["notices"][0]["id"], jma_id);
    assert_eq!(titles(&api.get(&all, "/api/v1/notices?municipality=113611").await), ["三", "二"]);
    assert_eq!(titles(&api.get(&all, "/api/v1/notices?status=cancelled").await), ["四"]);
    assert_eq!(
        titles(&api.get(&all, "/api/v1/notices?source=api&status=draft&municipality=112071").await),
        ["二", "一"]
    );
    assert_eq!(titles(&api.get(&chichibu, "/api/v1/notices").await), ["大雨警報", "四", "一"], "only Chichibu's own");
    let elsewhere = api.get(&chichibu, "/api/v1/notices?municipality=113611").await;
    assert_eq!((elsewhere.status, elsewhere.code()), (StatusCode::FORBIDDEN, "municipality_not_in_scope"));

    for (query, field) in [
        ("source=fax", "source"),
        ("status=lost", "status"),
        ("municipality=12", "municipality"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("before=-3", "before"),
        ("colour=red", "query"),
    ] {
        let answer = api.get(&all, &format!("/api/v1/notices?{query}")).await;
        assert_eq!((answer.status, answer.field()), (StatusCode::BAD_REQUEST, field), "{query}: {}", answer.json);
    }
}

#[tokio::test]
async fn subscriber_statistics_count_active_residents_within_the_key_scope() {
    let api = api(&[]).await;
    api.app.resident("a@example.jp", &[("112071", "disaster"), ("112071", "event")], Charset::Utf8, Lang::JA).await;
    api.app.resident("b@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    api.app.resident("c@example.jp", &[("113654", "disaster")], Charset::Utf8, Lang::JA).await;
    let all = api.key(None, &[ApiRight::StatsRead]).await;
    let ogano = api.key(Some("113654"), &[ApiRight::StatsRead]).await;

    let rows = |answer: Answer| -> Vec<(String, String, i64)> {
        answer.json["subscribers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["municipality"].as_str().unwrap().into(),
                    r["category"].as_str().unwrap().into(),
                    r["active"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let everyone = rows(api.get(&all, "/api/v1/stats/subscribers").await);
    assert_eq!(
        everyone,
        [
            ("112071".into(), "disaster".into(), 2),
            ("112071".into(), "event".into(), 1),
            ("113654".into(), "disaster".into(), 1)
        ]
    );
    assert_eq!(rows(api.get(&ogano, "/api/v1/stats/subscribers").await), [("113654".into(), "disaster".into(), 1)]);
}

#[tokio::test]
async fn a_key_past_its_rate_waits_as_told() {
    let api = api(&[("KIZUNA_API_RATE_PER_MINUTE", "3")]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let other = api.key(None, ALL_RIGHTS).await;
    for _ in 0..3 {
        assert_eq!(api.get(&key, "/api/v1/notices").await.status, StatusCode::OK);
    }
    let limited = api.get(&key, "/api/v1/notices").await;
    assert_eq!((limited.status, limited.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert_eq!(limited.headers[header::RETRY_AFTER], "20");
    assert_eq!(api.get(&other, "/api/v1/notices").await.status, StatusCode::OK, "other keys are not held back");
    api.app.clock.advance(Duration::seconds(20));
    assert_eq!(api.get(&key, "/api/v1/notices").await.status, StatusCode::OK, "after the wait it may go on");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_json() {
    let api = api(&[]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    for path in ["/api/v1/nothing", "/api/v1", "/api/v1/notices/1/explode"] {
        let answer = api.get(&key, path).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "unknown_route"), "{path}");
    }
    for path in ["/api/v1/notices/abc", "/api/v1/notices/0", "/api/v1/notices/99999"] {
        let answer = api.get(&key, path).await;
        assert_eq!((answer.status, answer.code()), (StatusCode::NOT_FOUND, "notice_not_found"), "{path}");
    }
    let delete = api.call(Method::DELETE, "/api/v1/notices", Some(&key), None).await;
    assert_eq!((delete.status, delete.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    let allowed = delete.headers[header::ALLOW].to_str().unwrap().to_owned();
    assert!(allowed.contains("GET") && allowed.contains("POST"), "{allowed}");
    let get_submit = api.get(&key, "/api/v1/notices/1/submit").await;
    assert_eq!(get_submit.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.call(Method::GET, "/no-such-page", None, None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_the_router_serves() {
    let api = api(&[]).await;
    let document = api.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(document.status, StatusCode::OK, "served without a key");
    let doc = document.json;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let registered: BTreeSet<(String, String)> =
        kizuna_server::api::registered_routes().into_iter().map(|(m, p)| (m.to_string(), p.to_owned())).collect();
    let missing: Vec<_> = registered.difference(&documented).collect();
    assert!(missing.is_empty(), "routes missing from the document: {missing:?}");
    let phantom: Vec<_> = documented.difference(&registered).collect();
    assert!(phantom.is_empty(), "documented but not served: {phantom:?}");
    for expected in ["/api/v1/notices", "/api/v1/notices/{id}/correct", "/api/v1/stats/subscribers"] {
        assert!(registered.iter().any(|(_, p)| p == expected), "{expected}");
    }

    // Each registered route really answers (a 401 asks for a key, not a 404 or 405).
    for (method, path) in &registered {
        let concrete = path.replace("{id}", "1");
        let answer = api.call(method.parse().unwrap(), &concrete, None, None).await;
        assert!(
            !matches!(answer.code(), "unknown_route" | "method_not_allowed"),
            "{method} {path} is not served: {}",
            answer.json
        );
        let operation = &doc["paths"][path][method.to_lowercase()];
        let public = operation["security"].as_array().is_some_and(|s| s.is_empty());
        let expected = if public { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
        assert_eq!(answer.status, expected, "{method} {path}");
        if !public {
            assert!(operation["responses"]["401"].is_object() && operation["responses"]["403"].is_object());
            assert!(operation["x-kizuna-right"].is_string(), "{method} {path} names its right");
        }
    }

    // Every schema the document refers to is defined in it.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "{name} is referred to but not defined");
    }
}

#[tokio::test]
async fn an_obituary_leaves_the_api_after_its_period() {
    let api = api(&[("KIZUNA_OBITUARY_DAYS", "7")]).await;
    let key = api.key(None, ALL_RIGHTS).await;
    let mut body = notice("お悔やみ", &["113654"]);
    body["category"] = json!("obituary");
    let id = api.create(&key, body).await.id();
    assert_eq!(api.step(&key, id, "send").await.status, StatusCode::OK);
    let path = format!("/api/v1/notices/{id}");
    assert_eq!(api.get(&key, &path).await.status, StatusCode::OK);
    api.app.clock.advance(chrono::Duration::days(8));
    assert_eq!(api.get(&key, &path).await.status, StatusCode::NOT_FOUND);
    let listed = api.get(&key, "/api/v1/notices").await;
    assert!(listed.json["notices"].as_array().unwrap().iter().all(|n| n["id"].as_i64() != Some(id)));
}

#[tokio::test]
async fn a_check_in_notice_reports_its_answers_per_municipality() {
    let api = api(&[]).await;
    let web = api.router.clone();
    api.app.resident("yokoze@example.jp", &[("113611", "disaster")], Charset::Utf8, Lang::JA).await;
    api.app.resident("chichibu1@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    api.app.resident("chichibu2@example.jp", &[("112071", "disaster")], Charset::Utf8, Lang::JA).await;
    let region = api.key(None, ALL_RIGHTS).await;
    let mut body = notice("地震の安否確認", &["112071", "113611"]);
    body["check_in"] = json!(true);
    body["urgency"] = json!("emergency");
    let created = api.create(&region, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(created.json["check_in"], true);
    let id = created.id();
    assert_eq!(api.step(&region, id, "send").await.status, StatusCode::OK);
    api.deliver_everything().await;

    let path = crate::check_ins::check_in_path(&api.app, "chichibu1@example.jp", "help");
    let answered = crate::check_ins::call(&web, crate::check_ins::post(&path, &[("household", "2")])).await;
    assert_eq!(answered.status, StatusCode::OK);
    let path = crate::check_ins::check_in_path(&api.app, "yokoze@example.jp", "safe");
    crate::check_ins::call(&web, crate::check_ins::post(&path, &[("household", "1")])).await;

    let counts = api.get(&region, &format!("/api/v1/notices/{id}/check-ins")).await;
    assert_eq!(counts.status, StatusCode::OK, "{}", counts.json);
    assert_eq!(
        counts.json,
        json!({
            "safe": 1, "needs_help": 1, "unanswered": 1,
            "by_municipality": {
                "112071": { "safe": 0, "needs_help": 1, "unanswered": 1 },
                "113611": { "safe": 1, "needs_help": 0, "unanswered": 0 },
            },
        })
    );

    let reader = api.key(None, &[ApiRight::NoticesCreate]).await;
    let refused = api.get(&reader, &format!("/api/v1/notices/{id}/check-ins")).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "missing_right"));
    let yokoze = api.key(Some("113611"), &[ApiRight::NoticesRead]).await;
    let elsewhere = api.get(&yokoze, &format!("/api/v1/notices/{id}/check-ins")).await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN, "a key of one town does not read a notice of two");
    let plain = api.create(&region, notice("お知らせ", &["113611"])).await.id();
    let none = api.get(&region, &format!("/api/v1/notices/{plain}/check-ins")).await;
    assert_eq!((none.status, none.code()), (StatusCode::NOT_FOUND, "no_check_in"));
    let missing = api.get(&region, "/api/v1/notices/99999/check-ins").await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "notice_not_found"));

    let doc = api.call(Method::GET, "/api/v1/openapi.json", None, None).await.json;
    let operation = &doc["paths"]["/api/v1/notices/{id}/check-ins"]["get"];
    assert_eq!(operation["x-kizuna-right"], "notices:read");
    assert!(operation["responses"]["404"].is_object());
    let schema = &doc["components"]["schemas"]["CheckIns"];
    assert_eq!(schema["required"], json!(["safe", "needs_help", "unanswered", "by_municipality"]));
    assert_eq!(doc["components"]["schemas"]["NewNotice"]["properties"]["check_in"]["type"], "boolean");
}

#[tokio::test]
async fn the_scheduler_prunes_settled_deliveries_after_their_retention_and_the_api_reads_the_same_counts() {
    let api = api(&[("KIZUNA_DELIVERY_RETENTION_DAYS", "30")]).await;
    for i in 0..3 {
        api.app.resident(&format!("kept{i}@example.jp"), &[("113620", "disaster")], Charset::Utf8, Lang::JA).await;
    }
    let rights = [
        ApiRight::NoticesCreate,
        ApiRight::NoticesSubmit,
        ApiRight::NoticesApprove,
        ApiRight::NoticesSend,
        ApiRight::NoticesRead,
    ];
    let key = api.key(Some("113620"), &rights).await;
    let id = api.create(&key, notice("断水のお知らせ", &["113620"])).await.id();
    for step in ["submit", "approve", "send"] {
        assert_eq!(api.step(&key, id, step).await.status, StatusCode::OK);
    }
    api.deliver_everything().await;
    let path = format!("/api/v1/notices/{id}");
    let before = api.get(&key, &path).await.json["deliveries"].clone();
    assert_eq!((before["total"].as_i64(), before["sent"].as_i64()), (Some(3), Some(3)), "{before}");
    let mail = api.app.outbox().pop().expect("a mail");
    let token = body_text(&mail).split("/manage/").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let link = |state: kizuna_server::state::AppState| {
        let token = token.clone();
        async move { links::delivery(&state, LinkPurpose::Resident, &token).await.unwrap() }
    };
    assert!(link(api.app.state.clone()).await.is_some());

    // Within the retention nothing goes.
    api.app.clock.set(api.app.clock_now() + Duration::days(29));
    assert_eq!(housekeeping_step(&api.app.state, "test").await.unwrap().pruned_deliveries, 0);
    api.app.clock.set(api.app.clock_now() + Duration::days(2));
    assert_eq!(housekeeping_step(&api.app.state, "test").await.unwrap().pruned_deliveries, 3);
    assert_eq!(link(api.app.state.clone()).await, None, "the mail's links are gone");
    let after = api.get(&key, &path).await;
    assert_eq!(after.json["deliveries"], before, "the notice reads its final counts");
    assert_eq!(after.json["status"], "sent");
}
