//! The notice service: create, validate, submit, approve, return, send (or
//! schedule; a large send's further chunks of recipients are queued by
//! `queueing.rs`), cancel, correct and withdraw a notice, and read them, for every
//! caller — the JSON API, the scheduler, the JMA poller (which also takes back
//! what a cancelled report made: `jma_cancel.rs`) and the staff console. Who may do what is decided here, from an [`Actor`]; callers map a
//! [`NoticeError`] to their own answers.

mod actor;
mod check_ins;
mod draft;
mod error;
mod jma_cancel;
pub mod queueing;
mod read;
mod service;
mod staffing;

pub use actor::{Actor, Authority, Permission};
pub use check_ins::{check_in_counts, follow_up, help_requests};
pub use draft::{CorrectionText, Created, Dispatch, ListRequest, NoticeDraft, NoticePage, NoticeReport};
pub use error::NoticeError;
pub use jma_cancel::{JmaWithdrawal, withdraw_for_jma};
pub use read::{list, read, report};
pub use service::{
    approve, cancel, correct, create, create_from_jma, return_notice, send, send_scheduled, submit, validate, withdraw,
};
pub use staffing::{approve_as_second_person, arm, clone_notice, edit, history, recipients, schedule, unschedule};
