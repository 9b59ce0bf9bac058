//! The OpenAPI 3 document of `/api/v1`, built from the same operation table as
//! the router, with the JSON Schemas of every body the API reads and writes.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kizuna_core::notice::{NoticeSource, NoticeStatus};
use kizuna_core::staff::ApiRight;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use serde_json::{Map, Value, json};

use super::bodies::{MAX_PAGE, MAX_TARGETS};
use super::extract::{BODY_LIMIT, IDEMPOTENCY_KEY_MAX};
use super::{OPERATIONS, Operation, Verb};
use crate::state::AppState;

pub async fn serve(State(state): State<AppState>) -> Response {
    let directory = state.directory.current();
    let municipalities = directory.municipalities.iter().map(|m| m.code.as_str().to_owned()).collect();
    let categories = directory.categories.iter().map(|c| c.key.as_str().to_owned()).collect();
    let mut response = Json(document(&Consortium { municipalities, categories })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// The codes a client may name, listed in the document as enums.
#[derive(Debug, Clone, Default)]
pub struct Consortium {
    pub municipalities: Vec<String>,
    pub categories: Vec<String>,
}

/// The whole document.
pub fn document(consortium: &Consortium) -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let item = paths.entry(op.path).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            let verb = match op.verb {
                Verb::Get => "get",
                Verb::Post => "post",
            };
            item.insert(verb.to_owned(), operation(op, consortium));
        }
    }
    let rights: Vec<String> = ApiRight::ALL.iter().map(|r| format!("`{}`", r.as_str())).collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Kizuna API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Create, send and follow notices of the consortium's municipalities, and run the monitor panel's surveys, from another system. \
                 Authenticate with `Authorization: Bearer <key>` (an operator creates keys with `kizuna api-key \
                 create`). A key acts only for its municipalities — a notice is within reach when all its \
                 municipalities are — and only with its rights: {}. Municipalities are named by their 6-digit \
                 local government code, categories by their key. Errors answer `{{\"error\": {{\"code\", \
                 \"message\", \"field\"?}}}}` with a stable snake_case code and an English message naming the \
                 field at fault. Bodies are JSON of at most {BODY_LIMIT} bytes. Each key may make a limited \
                 number of requests per minute (429 with Retry-After beyond it).",
                rights.join(", ")
            ),
            "license": { "name": "AGPL-3.0-or-later" },
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "apiKey": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas(consortium),
        },
    })
}

/// Links from an answer carrying a notice to what every notice answers: the
/// notice itself and its moves. A check-in's counts are not among them: only a
/// notice created with a check-in has them (others answer 404 `no_check_in`).
fn notice_links() -> Value {
    let mut links = Map::new();
    for op in OPERATIONS
        .iter()
        .filter(|op| op.path.starts_with("/api/v1/notices/{id}") && (op.moves_notice || op.path.ends_with("{id}")))
    {
        links.insert(
            op.operation_id.to_owned(),
            json!({ "operationId": op.operation_id, "parameters": { "id": "$response.body#/id" } }),
        );
    }
    Value::Object(links)
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
    })
}

fn operation(op: &Operation, consortium: &Consortium) -> Value {
    let mut parameters = Vec::new();
    let thing = if op.path.starts_with("/api/v1/surveys") { "survey" } else { "notice" };
    if op.path.contains("{id}") {
        parameters.push(json!({
            "name": "id", "in": "path", "required": true, "description": format!("The {thing}'s id."),
            "schema": id_schema(consortium),
        }));
    }
    for param in op.query {
        parameters.push(json!({
            "name": param.name, "in": "query", "required": false,
            "description": param.description, "schema": (param.schema)(consortium),
        }));
    }
    if op.idempotent {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Makes a retried request safe: the same key always means the same notice.",
            "schema": { "type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX, "pattern": "^[!-~]+$" },
        }));
    }
    let mut responses = Map::new();
    for (status, description, schema) in op.success {
        let mut answer = json!({
            "description": description,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
        });
        if *status == 201 {
            answer["headers"] =
                json!({ "Location": { "schema": { "type": "string" }, "description": format!("The {thing}'s URL.") } });
        }
        if *schema == "Notice" {
            answer["links"] = notice_links();
        }
        responses.insert(status.to_string(), answer);
    }
    let mut errors: Vec<(u16, &str)> = Vec::new();
    if op.body.is_some() || !op.query.is_empty() || op.idempotent {
        errors.push((400, "Malformed JSON, or a query parameter or header that cannot be used."));
    }
    if op.right.is_some() {
        errors.push((401, "No API key, or one that is unknown or revoked."));
        errors.push((403, "The key lacks the right, or does not act for a municipality involved."));
    }
    if op.path.contains("{id}") {
        errors.push((404, if thing == "survey" { "There is no such survey." } else { "There is no such notice." }));
    }
    if op.moves_notice || op.idempotent {
        errors.push((
            409,
            if thing == "survey" {
                "The survey is closed."
            } else {
                "The notice's status does not allow this, or another request changed it first."
            },
        ));
    }
    if op.body.is_some() {
        errors.push((413, "The body is too large."));
        errors.push((415, "The body is not JSON."));
        errors.push((422, "A field is missing, of the wrong type, unknown, or not acceptable; `field` names it."));
    }
    if op.right.is_some() {
        errors.push((429, "Too many requests for this key."));
    }
    errors.push((503, "The database cannot be reached; try again."));
    for (status, description) in errors {
        let mut answer = error_response(description);
        match status {
            401 => answer["headers"] = json!({ "WWW-Authenticate": { "schema": { "type": "string" } } }),
            429 => {
                answer["headers"] = json!({
                    "Retry-After": { "description": "Seconds to wait.", "schema": { "type": "integer" } },
                })
            }
            _ => {}
        }
        responses.insert(status.to_string(), answer);
    }
    let mut description = op.description.to_owned();
    if let Some(right) = op.right {
        description.push_str(&format!("\n\nNeeds the right `{}`.", right.as_str()));
    }
    let security = if op.right.is_some() { json!([{ "apiKey": [] }]) } else { json!([]) };
    let mut out = json!({
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": description,
        "parameters": parameters,
        "responses": responses,
        "security": security,
    });
    if let Some(schema) = op.body {
        out["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
        });
    }
    if let Some(right) = op.right {
        out["x-kizuna-right"] = json!(right.as_str());
    }
    out
}

pub fn id_schema(_: &Consortium) -> Value {
    json!({ "type": "integer", "format": "int64", "minimum": 1 })
}

/// The 6-digit local government code of a member.
pub fn municipality_schema(consortium: &Consortium) -> Value {
    json!({ "type": "string", "pattern": "^[0-9]{6}$", "enum": consortium.municipalities })
}

/// Any local government code, as stored notices carry.
fn code_schema() -> Value {
    json!({ "type": "string", "pattern": "^[0-9]{6}$" })
}

pub fn source_schema(_: &Consortium) -> Value {
    let sources = [NoticeSource::Jma, NoticeSource::Staff, NoticeSource::Api].map(NoticeSource::as_str);
    json!({ "type": "string", "enum": sources })
}

pub fn status_schema(_: &Consortium) -> Value {
    json!({ "type": "string", "enum": NoticeStatus::ALL.map(NoticeStatus::as_str) })
}

pub fn limit_schema(_: &Consortium) -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 20 })
}

fn time_schema(nullable: bool) -> Value {
    json!({ "type": "string", "format": "date-time", "nullable": nullable })
}

/// A title: no control characters or bidirectional overrides, something besides spaces.
const TITLE_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*[^\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069][^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$";
/// A body: the same, with line breaks and tabs allowed.
const BODY_PATTERN: &str = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*[^\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$";

fn title_schema(nullable: bool) -> Value {
    json!({
        "type": "string", "minLength": 1, "maxLength": NoticeTitle::MAX, "pattern": TITLE_PATTERN, "nullable": nullable,
    })
}

fn body_schema(nullable: bool) -> Value {
    json!({
        "type": "string", "minLength": 1, "maxLength": NoticeBody::MAX, "pattern": BODY_PATTERN, "nullable": nullable,
    })
}

fn notice_schema(consortium: &Consortium, with_deliveries: bool) -> Value {
    let mut properties = json!({
        "id": id_schema(consortium),
        "status": status_schema(consortium),
        "source": source_schema(consortium),
        "title": { "type": "string" },
        "body": { "type": "string" },
        "title_en": { "type": "string", "nullable": true },
        "body_en": { "type": "string", "nullable": true },
        "category": { "type": "string" },
        "municipalities": { "type": "array", "items": code_schema() },
        "areas": { "type": "array", "items": id_schema(consortium) },
        "urgency": { "type": "string", "enum": ["normal", "emergency"] },
        "exercise": { "type": "boolean" },
        "check_in": { "type": "boolean", "description": "Asks each recipient whether they are safe (安否確認)." },
        "send_at": time_schema(true),
        "expires_at": time_schema(true),
        "supersedes": { "type": "integer", "format": "int64", "nullable": true, "description": "The notice this one corrects." },
        "created_at": time_schema(false),
        "updated_at": time_schema(false),
        "sent_at": time_schema(true),
    });
    let mut required: Vec<String> = properties.as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    if with_deliveries {
        properties["deliveries"] = json!({ "$ref": "#/components/schemas/DeliveryCounts" });
        required.push("deliveries".to_owned());
    }
    json!({ "type": "object", "required": required, "properties": properties })
}

/// Recipients of a check-in by answer, overall and per municipality code.
fn check_ins_schema() -> Value {
    let tally = json!({
        "type": "object",
        "required": ["safe", "needs_help", "unanswered"],
        "properties": {
            "safe": { "type": "integer", "minimum": 0 },
            "needs_help": { "type": "integer", "minimum": 0 },
            "unanswered": { "type": "integer", "minimum": 0 },
        },
    });
    let mut schema = tally.clone();
    schema["required"] = json!(["safe", "needs_help", "unanswered", "by_municipality"]);
    schema["properties"]["by_municipality"] = json!({
        "type": "object",
        "description": "The same counts per municipality (6-digit code).",
        "additionalProperties": tally,
    });
    schema
}

fn schemas(consortium: &Consortium) -> Value {
    let mut all = notice_schemas(consortium);
    if let (Some(all), Value::Object(surveys)) = (all.as_object_mut(), super::surveys::schemas(consortium)) {
        all.extend(surveys);
    }
    all
}

fn notice_schemas(consortium: &Consortium) -> Value {
    let counts = ["total", "queued", "sending", "sent", "deferred", "bounced", "failed", "cancelled"];
    let mut count_properties = Map::new();
    for name in counts {
        count_properties.insert(name.to_owned(), json!({ "type": "integer", "minimum": 0 }));
    }
    json!({
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string", "pattern": "^[a-z_]+$" },
                        "message": { "type": "string" },
                        "field": { "type": "string", "description": "The body field, query parameter or header at fault." },
                    },
                },
            },
        },
        "NewNotice": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "body", "category", "municipalities", "urgency"],
            "properties": {
                "title": title_schema(false),
                "body": body_schema(false),
                "category": { "type": "string", "pattern": "^[a-z0-9_]{1,32}$", "enum": consortium.categories },
                "municipalities": {
                    "type": "array", "minItems": 1, "maxItems": MAX_TARGETS, "items": municipality_schema(consortium),
                },
                "urgency": { "type": "string", "enum": ["normal", "emergency"] },
                "areas": {
                    "type": "array", "maxItems": MAX_TARGETS, "items": id_schema(consortium), "nullable": true,
                    "description": "Ids of areas of the notice's municipalities, to narrow who receives it.",
                },
                "exercise": { "type": "boolean", "nullable": true, "description": "A drill (訓練)." },
                "expires_at": time_schema(true),
                "title_en": title_schema(true),
                "body_en": body_schema(true),
                "send_at": time_schema(true),
                "check_in": {
                    "type": "boolean", "nullable": true,
                    "description": "Ask each recipient whether they are safe (安否確認): their mail carries \
                        their own links to answer \"safe\" or \"needs help\".",
                },
            },
        },
        "Correction": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "body"],
            "properties": {
                "title": title_schema(false),
                "body": body_schema(false),
                "title_en": title_schema(true),
                "body_en": body_schema(true),
            },
        },
        "DeliveryCounts": { "type": "object", "required": counts, "properties": count_properties },
        "Notice": notice_schema(consortium, true),
        "NoticeSummary": notice_schema(consortium, false),
        "NoticeList": {
            "type": "object",
            "required": ["notices", "next_before"],
            "properties": {
                "notices": { "type": "array", "items": { "$ref": "#/components/schemas/NoticeSummary" } },
                "next_before": { "type": "integer", "format": "int64", "nullable": true },
            },
        },
        "SubscriberStats": {
            "type": "object",
            "required": ["subscribers"],
            "properties": {
                "subscribers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["municipality", "category", "active"],
                        "properties": {
                            "municipality": code_schema(),
                            "category": { "type": "string" },
                            "active": { "type": "integer", "minimum": 0 },
                        },
                    },
                },
            },
        },
        "CheckIns": check_ins_schema(),
        "OpenApiDocument": { "type": "object", "required": ["openapi", "paths"] },
    })
}
