//! The residents' routes, one journey per module.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use super::{confirm, erase, mail_register, manage, monitor, privacy, register, unsubscribe};
use crate::state::AppState;

/// Far more than any honest form: five municipalities, seven categories and an address.
pub const BODY_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::register_form).post(register::register_submit))
        .route(
            "/register/mail/{token}",
            get(mail_register::mail_register_form).post(mail_register::mail_register_submit),
        )
        .route("/privacy", get(privacy::privacy))
        .route("/confirm/{token}", get(confirm::confirm_page).post(confirm::confirm_submit))
        .route("/manage/{token}", get(manage::manage_page).post(manage::manage_submit))
        .route("/manage/{token}/monitor", get(monitor::monitor_page).post(monitor::monitor_submit))
        .route("/manage/{token}/monitor/leave", axum::routing::post(monitor::monitor_leave))
        .route("/manage/{token}/erase", get(erase::erase_page).post(erase::erase_submit))
        .route("/unsubscribe/{token}", get(unsubscribe::unsubscribe_page).post(unsubscribe::unsubscribe_submit))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
