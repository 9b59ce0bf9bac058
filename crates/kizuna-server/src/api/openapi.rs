//! The OpenAPI 3 document of `/api/v1`, built from the same operation table as
//! the router, with the JSON Schemas of every body the API reads and writes.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kizuna_core::notice::{NoticeSource, NoticeStatus};
use kizuna_core::staff::ApiRight;
use kizuna_core::text::{NoticeBody, NoticeTitle};
use serde_json::{Map, Value, json};

use super::extract::{BODY_LIMIT, IDEMPOTENCY_KEY_MAX};
use super::notices::{MAX_PAGE, MAX_TARGETS};
use super::{OPERATIONS, Operation, Verb};

pub async fn serve() -> Response {
    let mut response = Json(document()).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let item = paths.entry(op.path).or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            let verb = match op.verb {
                Verb::Get => "get",
                Verb::Post => "post",
            };
            item.insert(verb.to_owned(), operation(op));
        }
    }
    let rights: Vec<String> = ApiRight::ALL.iter().map(|r| format!("`{}`", r.as_str())).collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Kizuna API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Create, send and follow notices of the consortium's municipalities from another system. \
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
            "schemas": schemas(),
        },
    })
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
    })
}

fn operation(op: &Operation) -> Value {
    let mut parameters = Vec::new();
    if op.path.contains("{id}") {
        parameters.push(json!({
            "name": "id", "in": "path", "required": true, "description": "The notice's id.", "schema": id_schema(),
        }));
    }
    for param in op.query {
        parameters.push(json!({
            "name": param.name, "in": "query", "required": false,
            "description": param.description, "schema": (param.schema)(),
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
                json!({ "Location": { "schema": { "type": "string" }, "description": "The notice's URL." } });
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
        errors.push((404, "There is no such notice."));
    }
    if op.moves_notice || op.idempotent {
        errors.push((409, "The notice's status does not allow this, or another request changed it first."));
    }
    if op.body.is_some() {
        errors.push((413, "The body is too large."));
        errors.push((415, "The body is not JSON."));
        errors.push((422, "A field is missing, of the wrong type, unknown, or not acceptable; `field` names it."));
    }
    if op.right.is_some() {
        errors.push((429, "Too many requests for this key."));
        errors.push((503, "The database cannot be reached; try again."));
    }
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

pub fn id_schema() -> Value {
    json!({ "type": "integer", "format": "int64", "minimum": 1 })
}

pub fn municipality_schema() -> Value {
    json!({ "type": "string", "pattern": "^[0-9]{6}$", "example": "112071" })
}

pub fn source_schema() -> Value {
    let sources = [NoticeSource::Jma, NoticeSource::Staff, NoticeSource::Api].map(NoticeSource::as_str);
    json!({ "type": "string", "enum": sources })
}

pub fn status_schema() -> Value {
    json!({ "type": "string", "enum": NoticeStatus::ALL.map(NoticeStatus::as_str) })
}

pub fn limit_schema() -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 20 })
}

fn time_schema(nullable: bool) -> Value {
    json!({ "type": "string", "format": "date-time", "nullable": nullable })
}

fn text_schema(max: usize, nullable: bool) -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": max, "nullable": nullable })
}

fn notice_schema(with_deliveries: bool) -> Value {
    let mut properties = json!({
        "id": id_schema(),
        "status": status_schema(),
        "source": source_schema(),
        "title": { "type": "string" },
        "body": { "type": "string" },
        "title_en": { "type": "string", "nullable": true },
        "body_en": { "type": "string", "nullable": true },
        "category": { "type": "string" },
        "municipalities": { "type": "array", "items": municipality_schema() },
        "areas": { "type": "array", "items": id_schema() },
        "urgency": { "type": "string", "enum": ["normal", "emergency"] },
        "exercise": { "type": "boolean" },
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

fn schemas() -> Value {
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
                "title": text_schema(NoticeTitle::MAX, false),
                "body": text_schema(NoticeBody::MAX, false),
                "category": { "type": "string", "pattern": "^[a-z0-9_]{1,32}$", "example": "disaster" },
                "municipalities": { "type": "array", "minItems": 1, "maxItems": MAX_TARGETS, "items": municipality_schema() },
                "urgency": { "type": "string", "enum": ["normal", "emergency"] },
                "areas": { "type": "array", "maxItems": MAX_TARGETS, "items": id_schema(), "nullable": true },
                "exercise": { "type": "boolean", "nullable": true, "description": "A drill (訓練)." },
                "expires_at": time_schema(true),
                "title_en": text_schema(NoticeTitle::MAX, true),
                "body_en": text_schema(NoticeBody::MAX, true),
                "send_at": time_schema(true),
            },
        },
        "Correction": {
            "type": "object",
            "additionalProperties": false,
            "required": ["title", "body"],
            "properties": {
                "title": text_schema(NoticeTitle::MAX, false),
                "body": text_schema(NoticeBody::MAX, false),
                "title_en": text_schema(NoticeTitle::MAX, true),
                "body_en": text_schema(NoticeBody::MAX, true),
            },
        },
        "DeliveryCounts": { "type": "object", "required": counts, "properties": count_properties },
        "Notice": notice_schema(true),
        "NoticeSummary": notice_schema(false),
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
                            "municipality": municipality_schema(),
                            "category": { "type": "string" },
                            "active": { "type": "integer", "minimum": 0 },
                        },
                    },
                },
            },
        },
        "OpenApiDocument": { "type": "object", "required": ["openapi", "paths"] },
    })
}
