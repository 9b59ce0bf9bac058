//! The よいまちモニター surveys: `service` holds the rules (create, invite,
//! remind, close, results), `mails` sends the invitations and reminders the
//! scheduler finds due, `answer` is the residents' page `/surveys/{token}`. The
//! monitor's own enrolment is a manage-page journey (`residents::monitor`); the
//! API's survey routes are in `api/`, the console's in `console/surveys/`.

mod answer;
pub mod form;
pub mod mails;
pub mod service;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use crate::state::AppState;

/// Fifty questions with a few paragraphs each.
pub const BODY_LIMIT: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/surveys/{token}", get(answer::survey_form).post(answer::survey_submit))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
