//! Kizuna's domain: the types and rules of a regional notice platform, free of I/O.
//!
//! Inputs become these types at the edge (parse, don't validate); once a value
//! exists, it is proof that the input was acceptable.

pub mod atom;
pub mod cap;
pub mod check_in;
pub mod codes;
pub mod consortium;
pub mod costs;
pub mod email;
pub mod i18n;
pub mod import;
pub mod jma;
pub mod lang;
pub mod notice;
pub mod quiet;
pub mod registration;
pub mod staff;
pub mod subscriber;
pub mod suppression;
pub mod survey;
pub mod text;
mod texts;
pub mod throttle;
pub mod time;
pub mod token;
pub mod totp;
mod xml;

pub use codes::{CategoryKey, JmaAreaCode, MunicipalityCode};
pub use email::EmailAddress;
pub use lang::Lang;
