//! How notices look in the archive's lists and on the home page.

use kizuna_core::Lang;
use kizuna_core::cap::CapMsgType;
use kizuna_core::notice::{NoticeStatus, Urgency};
use kizuna_core::time::{format_en, format_ja, rfc3339_tokyo};
use kizuna_store::Notice;

use super::service as archive;
use crate::directory::ReferenceData;

pub(crate) fn format_date(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    match lang {
        Lang::Ja => format_ja(at),
        Lang::En => format_en(at),
    }
}

/// A notice in a list.
pub struct NoticeView {
    pub href: String,
    pub title: String,
    /// `ja` when an English page shows a Japanese title.
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
            let english = lang == Lang::En && notice.title_en.is_some();
            let (title, title_lang) = if archive::is_obituary(notice) {
                let title = match lang {
                    Lang::Ja => format!("{municipalities}のお悔やみ情報"),
                    Lang::En => format!("Obituary notice ({municipalities})"),
                };
                (title, "")
            } else if english {
                (notice.title_en.as_ref().map(|t| t.to_string()).unwrap_or_default(), "")
            } else {
                (notice.title.to_string(), if lang == Lang::En { "ja" } else { "" })
            };
            let at = notice.sent_at.unwrap_or(notice.created_at);
            NoticeView {
                href: format!("/notices/{}{}", notice.id, if lang == Lang::En { "?lang=en" } else { "" }),
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
