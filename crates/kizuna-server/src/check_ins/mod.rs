//! Safety check-ins (安否確認) on the web: `/check-in/{token}/safe` and
//! `/check-in/{token}/help`, the one-tap links in each recipient's mail of a
//! notice that asks whether they are safe (or of its follow-up).
//!
//! Mail scanners open links, so a GET only shows the answer with one button
//! (and the household count and an optional message); the POST of that form
//! records it. The answer can be changed as often as the resident likes; the
//! page shows the answer so far. No script, no cookie: a feature phone's
//! browser can answer. What staff do with the answers is in the notice service
//! (`notices::check_ins`) and the console.

mod routes;
mod service;

pub use routes::routes;
