//! The JSON API under `/api/v1`: other systems create, move and read notices and
//! read statistics with API keys. One table of operations builds the router, the
//! rights each route demands and the OpenAPI document, so none of them can drift.
//!
//! `routes` holds the handlers, `bodies` and `views` the JSON they read and write,
//! `extract` the calling key; the rules are the notice service's (`crate::notices`).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use axum::routing::{MethodFilter, MethodRouter, any, on};
use kizuna_core::staff::ApiRight;

use crate::state::AppState;

mod bodies;
mod error;
mod extract;
pub mod openapi;
mod routes;
mod service;
mod surveys;
mod views;

pub use error::ApiError;
pub use extract::{ApiCaller, BODY_LIMIT, IDEMPOTENCY_KEY_MAX};

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// A query parameter, with its JSON Schema for the document.
pub struct QueryParam {
    pub name: &'static str,
    pub description: &'static str,
    pub schema: fn(&openapi::Consortium) -> serde_json::Value,
}

/// One API operation: where it is served, who may call it, what it takes and
/// answers, and the handler that serves it.
pub struct Operation {
    pub verb: Verb,
    /// In axum's syntax, which is also OpenAPI's: `/api/v1/notices/{id}`.
    pub path: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// The right a key needs; `None` is public.
    pub right: Option<ApiRight>,
    pub query: &'static [QueryParam],
    /// Takes an `Idempotency-Key` header.
    pub idempotent: bool,
    /// The schema (in `components.schemas`) of the JSON body it reads.
    pub body: Option<&'static str>,
    /// (status, description, schema) of its successful answers.
    pub success: &'static [(u16, &'static str, &'static str)],
    /// Moves a notice or a survey, so it can meet a refusal of its state (409).
    pub moves_notice: bool,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

const NOTICE: &str = "Notice";
const SURVEY: &str = "Survey";

/// Every operation of `/api/v1`.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices",
        operation_id: "createNotice",
        summary: "Create a notice (a draft)",
        description: "Creates a draft for the key's municipalities. With an `Idempotency-Key` header, \
            the same key again answers 200 with the notice it first created and never creates a second one; \
            the same key with other content is refused with 422 `idempotency_key_reused`. A `send_at` \
            ahead schedules the notice when it is sent after approval. Text is stored as given (HTML is not \
            interpreted); control characters are refused.",
        right: Some(ApiRight::NoticesCreate),
        query: &[],
        idempotent: true,
        body: Some("NewNotice"),
        success: &[(201, "The notice was created.", NOTICE), (200, "This Idempotency-Key already created it.", NOTICE)],
        moves_notice: false,
        handler: |m| on(m, routes::create_notice),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/notices",
        operation_id: "listNotices",
        summary: "List notices, newest first",
        description: "Notices of every status whose municipalities are all within the key's scope, newest \
            first. Pass `next_before` of one page as `before` to get the next.",
        right: Some(ApiRight::NoticesRead),
        query: &[
            QueryParam {
                name: "source",
                description: "Only notices from this source.",
                schema: openapi::source_schema,
            },
            QueryParam {
                name: "municipality",
                description: "Only notices for this municipality (6-digit local government code).",
                schema: openapi::municipality_schema,
            },
            QueryParam { name: "status", description: "Only notices in this status.", schema: openapi::status_schema },
            QueryParam { name: "limit", description: "Notices per page (default 20).", schema: openapi::limit_schema },
            QueryParam {
                name: "before",
                description: "Only notices older than this id (the previous page's next_before).",
                schema: openapi::id_schema,
            },
        ],
        idempotent: false,
        body: None,
        success: &[(200, "One page of notices.", "NoticeList")],
        moves_notice: false,
        handler: |m| on(m, routes::list_notices),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/notices/{id}",
        operation_id: "getNotice",
        summary: "Read a notice and how its deliveries stand",
        description: "The notice with its delivery counts.",
        right: Some(ApiRight::NoticesRead),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice.", NOTICE)],
        moves_notice: false,
        handler: |m| on(m, routes::get_notice),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/submit",
        operation_id: "submitNotice",
        summary: "Submit a draft for approval",
        description: "Moves a draft (or a returned notice) to pending_approval.",
        right: Some(ApiRight::NoticesSubmit),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice, now pending approval.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::submit),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/approve",
        operation_id: "approveNotice",
        summary: "Approve a notice",
        description: "Moves a notice pending approval to approved.",
        right: Some(ApiRight::NoticesApprove),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice, now approved.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::approve),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/send",
        operation_id: "sendNotice",
        summary: "Send a notice (or schedule it)",
        description: "Sends an approved notice at once, or schedules it when its send_at is ahead. A notice \
            that was never approved is sent at once only by a key that also holds `notices:emergency` \
            (and never when its send_at is ahead: 409 `scheduled_notice_needs_approval`).",
        right: Some(ApiRight::NoticesSend),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice, now sending, sent (nobody to send to) or scheduled.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::send),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/cancel",
        operation_id: "cancelNotice",
        summary: "Cancel a notice before it has gone out",
        description: "Cancels a notice that is not yet sent; messages still queued are not sent.",
        right: Some(ApiRight::NoticesSend),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice, now cancelled.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::cancel),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/correct",
        operation_id: "correctNotice",
        summary: "Correct a sent notice (CAP Update)",
        description: "Creates a correction with the new text (same category, municipalities, areas and \
            urgency) and sends it at once to the same residents; the original becomes superseded. Both \
            happen together or not at all. English text is not carried over from the original.",
        right: Some(ApiRight::NoticesSend),
        query: &[],
        idempotent: false,
        body: Some("Correction"),
        success: &[(201, "The correction, now sending.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::correct),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/notices/{id}/withdraw",
        operation_id: "withdrawNotice",
        summary: "Withdraw a sent or sending notice (CAP Cancel)",
        description: "Marks a notice that was sent, or is still being sent, as withdrawn (CAP Cancel): messages \
                      still waiting are not sent, and it leaves the public archive's lists (its page stays, marked \
                      withdrawn).",
        right: Some(ApiRight::NoticesSend),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The notice, now withdrawn.", NOTICE)],
        moves_notice: true,
        handler: |m| on(m, routes::withdraw),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/notices/{id}/check-ins",
        operation_id: "getCheckIns",
        summary: "How a notice's safety check-in (安否確認) stands",
        description: "For a notice created with `check_in`: how many recipients answered \"safe\", how many \
            \"needs help\" and how many have not answered, overall and per municipality (each recipient counts \
            once, in the first of the notice's municipalities they subscribe to, so the municipalities add up \
            to the whole). A notice without a check-in answers 404 `no_check_in`.",
        right: Some(ApiRight::NoticesRead),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The counts.", "CheckIns")],
        moves_notice: false,
        handler: |m| on(m, routes::check_ins),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/stats/subscribers",
        operation_id: "subscriberStats",
        summary: "Active subscribers per municipality and category",
        description: "Counts of confirmed residents for each municipality and category they chose, within \
            the key's scope.",
        right: Some(ApiRight::StatsRead),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The counts.", "SubscriberStats")],
        moves_notice: false,
        handler: |m| on(m, routes::subscriber_stats),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/surveys",
        operation_id: "createSurvey",
        summary: "Create a monitor survey",
        description: "Creates a survey of the よいまちモニター panel for the key's municipalities: its questions \
            (single or multiple choice, a 1–5 rating, free text), whom it asks (municipalities, optionally age \
            bands and areas) and when it opens and closes. Without `opens_at` it opens at once; without \
            `closes_at` it stays open until closed. Nobody is mailed until it is invited.",
        right: Some(ApiRight::SurveysManage),
        query: &[],
        idempotent: false,
        body: Some("NewSurvey"),
        success: &[(201, "The survey was created.", SURVEY)],
        moves_notice: false,
        handler: |m| on(m, surveys::create_survey),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/surveys/{id}",
        operation_id: "getSurvey",
        summary: "Read a survey",
        description: "The survey with its questions and whether it is scheduled, open or closed.",
        right: Some(ApiRight::SurveysManage),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The survey.", SURVEY)],
        moves_notice: false,
        handler: |m| on(m, surveys::get_survey),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/surveys/{id}/invite",
        operation_id: "inviteSurvey",
        summary: "Invite the targeted monitors",
        description: "Invites every active monitor the survey targets who is not yet invited; each gets a mail \
            with a personal link `/surveys/{token}`, sent in batches by the scheduler. Inviting again invites \
            only monitors who joined since. A closed survey answers 409 `survey_closed`.",
        right: Some(ApiRight::SurveysManage),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "How many monitors were newly invited.", "Invited")],
        moves_notice: true,
        handler: |m| on(m, surveys::invite),
    },
    Operation {
        verb: Verb::Post,
        path: "/api/v1/surveys/{id}/remind",
        operation_id: "remindSurvey",
        summary: "Remind monitors who have not answered",
        description: "Sends a reminder with a personal link to each invited monitor who has not answered, at \
            most `KIZUNA_SURVEY_REMINDERS` times each and no sooner than `KIZUNA_SURVEY_REMINDER_DAYS` days \
            after their invitation or last reminder. A closed survey answers 409 `survey_closed`.",
        right: Some(ApiRight::SurveysManage),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "How many monitors were reminded.", "Reminded")],
        moves_notice: true,
        handler: |m| on(m, surveys::remind),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/surveys/{id}/results",
        operation_id: "surveyResults",
        summary: "A survey's results",
        description: "How many were invited and answered (`responses` counts web and paper answers together), \
            and for each question the count of each choice or rating — every option of a multiple choice is \
            counted — or the free-text answers.",
        right: Some(ApiRight::SurveysManage),
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The results.", "SurveyResults")],
        moves_notice: false,
        handler: |m| on(m, surveys::results),
    },
    Operation {
        verb: Verb::Get,
        path: "/api/v1/openapi.json",
        operation_id: "openapi",
        summary: "This document",
        description: "The OpenAPI 3 description of the API, generated from the routes it serves.",
        right: None,
        query: &[],
        idempotent: false,
        body: None,
        success: &[(200, "The OpenAPI document.", "OpenApiDocument")],
        moves_notice: false,
        handler: |m| on(m, openapi::serve),
    },
];

/// The operation serving `method` on the route template `path`.
pub fn operation(method: &Method, path: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.path == path && op.verb.method() == *method)
}

/// The API's routes, to merge into the web router: every operation of the
/// table, a JSON 405 for other methods on their paths and a JSON 404 for any
/// other path under `/api/v1`.
pub fn routes() -> Router<AppState> {
    build().0
}

/// The (method, path) of every route `routes()` registers, recorded as it
/// registers them: what the router really serves.
pub fn registered_routes() -> Vec<(Method, &'static str)> {
    build().1
}

fn build() -> (Router<AppState>, Vec<(Method, &'static str)>) {
    let mut router = Router::new();
    let mut registered = Vec::new();
    let mut paths: Vec<&'static str> = Vec::new();
    for op in OPERATIONS {
        if !paths.contains(&op.path) {
            paths.push(op.path);
        }
    }
    for path in paths {
        let mut methods = MethodRouter::new();
        for op in OPERATIONS.iter().filter(|op| op.path == path) {
            methods = methods.merge((op.handler)(op.verb.filter()));
            registered.push((op.verb.method(), op.path));
        }
        router = router.route(path, methods.fallback(method_not_allowed));
    }
    let router = router
        .route("/api/v1", any(unknown_route))
        .route("/api/v1/", any(unknown_route))
        .route("/api/v1/{*rest}", any(unknown_route))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    (router, registered)
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} {}", uri.path()))
}

async fn unknown_route(uri: Uri) -> ApiError {
    ApiError::UnknownRoute(uri.path().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::Permission;

    /// The operation table gates each route with a right and the notice service
    /// checks the actor again: both must ask for the same right.
    #[test]
    fn each_notice_route_demands_the_right_the_service_checks() {
        let checked = [
            ("createNotice", Permission::Create),
            ("listNotices", Permission::Read),
            ("getNotice", Permission::Read),
            ("submitNotice", Permission::Submit),
            ("approveNotice", Permission::Approve),
            ("sendNotice", Permission::Send),
            ("cancelNotice", Permission::Cancel),
            ("correctNotice", Permission::Correct),
            ("withdrawNotice", Permission::Withdraw),
            ("getCheckIns", Permission::Read),
        ];
        for (operation_id, permission) in checked {
            let op = OPERATIONS.iter().find(|op| op.operation_id == operation_id);
            assert_eq!(op.and_then(|op| op.right), Some(permission.api_right()), "{operation_id}");
        }
        let notice_routes = OPERATIONS.iter().filter(|op| op.path.starts_with("/api/v1/notices")).count();
        assert_eq!(notice_routes, checked.len(), "a new notice route needs its permission here");
    }
}
