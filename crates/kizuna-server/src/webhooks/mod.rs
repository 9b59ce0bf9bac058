//! Outgoing webhooks: registering a receiver (refusing addresses inside the
//! network unless allowed), and the sender that posts each notice event as signed
//! JSON, retries with backoff and keeps every attempt in the delivery log.
//!
//! Each POST carries a `Kizuna-Signature` header; `signature.rs` describes the
//! scheme a receiver checks.

mod attempt;
mod payload;
mod register;
mod sender;
mod signature;
mod target;
mod url;

pub use payload::payload;
pub use register::{RegisterError, RegisteredWebhook, register, remove};
pub use sender::{ATTEMPT_TIMEOUT, BatchReport, LEASE, MAX_ATTEMPTS, Outcome, backoff, run, try_execute_batch};
pub use signature::{SIGNATURE_HEADER, signature};
pub use target::{TargetError, non_public, resolve};
pub use url::{UrlError, WebhookUrl};
