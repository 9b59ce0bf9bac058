//! How notices look in the archive's lists and on the home page.

use kizuna_core::Lang;
use kizuna_core::cap::CapMsgType;
use kizuna_core::lang::content;
use kizuna_core::notice::{NoticeStatus, Urgency};
use kizuna_core::time::{format_for, rfc3339_tokyo};
use kizuna_store::Notice;

use super::service as archive;
use crate::directory::ReferenceData;
use crate::texts;
use crate::web::with_lang;

pub(crate) fn format_date(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    format_for(at, lang)
}

/// The language `shown` is in, when a page in `lang` shows it: nothing when it
/// is the page's own, for a `lang` attribute.
pub(crate) fn lang_attribute(shown: Lang, lang: Lang) -> &'static str {
    if shown == lang { "" } else { shown.as_str() }
}

/// A notice in a list.
pub struct NoticeView {
    pub href: String,
    pub title: String,
    /// The title's language when it is not the page's (`ja` on an English page).
    pub title_lang: &'static str,
    pub date: String,
    pub datetime: String,
    pub category: String,
    pub municipalities: String,
    pub emergency: bool,
    pub exercise: bool,
    /// This notice corrects an earlier one.
    pub correction: bool,
    /// A later notice corrected this one.
    pub corrected: bool,
    pub withdrawn: bool,
}

/// Lists never show an obituary's title, which names the deceased: only its page
/// does, and that page is kept out of search engines.
pub fn notice_views(notices: &[Notice], directory: &ReferenceData, lang: Lang) -> Vec<NoticeView> {
    notices
        .iter()
        .map(|notice| {
            let municipalities = archive::municipality_names(directory, notice, lang);
            let (title, title_lang) = if archive::is_obituary(notice) {
                let title =
                    texts::format(lang, "archive-obituary-title", &[("municipalities", (&municipalities).into())]);
                (title.into_owned(), "")
            } else {
                let (shown, title) = content(lang, notice.title.as_str(), notice.title_en.as_ref().map(|t| t.as_str()));
                (title.to_owned(), lang_attribute(shown, lang))
            };
            let at = notice.sent_at.unwrap_or(notice.created_at);
            NoticeView {
                href: with_lang(&format!("/notices/{}", notice.id), lang),
                title,
                title_lang,
                date: format_date(at, lang),
                datetime: rfc3339_tokyo(at),
                category: directory
                    .category(&notice.category)
                    .map_or_else(|| notice.category.to_string(), |c| c.name(lang).to_owned()),
                municipalities,
                emergency: notice.urgency == Urgency::Emergency,
                exercise: notice.exercise,
                correction: archive::msg_type(notice) == CapMsgType::Update,
                corrected: notice.status == NoticeStatus::Superseded,
                withdrawn: notice.status == NoticeStatus::Withdrawn,
            }
        })
        .collect()
}
