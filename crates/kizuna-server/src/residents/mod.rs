//! Residents on the web: `/register` (double opt-in), `/register/mail/{token}`
//! (empty-mail registration), `/confirm/{token}`, `/manage/{token}` (and its
//! `/erase`), `/unsubscribe/{token}` (RFC 8058 one-click) and `/privacy`, one
//! module per journey; `service` holds what each form submission does.
//!
//! Every state change is a POST: mail scanners and link previews open GET links
//! on their own, so a GET only ever shows a page with a button. No cookies and
//! no JavaScript are needed anywhere. The registration page reads the same
//! whether or not the address is registered; only the mailbox learns which.

mod choices;
mod client;
mod confirm;
mod erase;
pub(crate) mod form;
mod link;
mod mail_register;
pub(crate) mod mails;
mod manage;
mod monitor;
pub(crate) mod pages;
mod privacy;
mod register;
mod routes;
pub(crate) mod service;
mod unsubscribe;

pub use client::{ClientIp, client_ip, network_key};
pub(crate) use form::Fields;
pub use link::ResidentLink;
pub(crate) use pages::{private_page, token_lang};
pub use routes::{BODY_LIMIT, routes};
pub(crate) use service::plausible;
pub use service::{MANAGE_LINK_DAYS, ResidentError};
