//! The public archive: `/notices` (search and filters), `/notices/{id}`, the
//! notices as CAP 1.2 documents and the Atom feeds. `service` decides what is
//! public; `routes` serves it; `views` shows notices in lists.

mod routes;
mod service;
mod views;

pub use routes::{routes, web_error};
pub use service::{
    ArchiveError, FEED_SIZE, FilterError, Filters, PAGE_SIZE, PublicNotice, RawFilters, atom_feed, cap_index,
    is_obituary, issuer, latest, msg_type, municipality_names, notice_cap, public_notice, search,
};
pub use views::{NoticeView, notice_views};
