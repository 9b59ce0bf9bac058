//! The figures behind the dashboard, for the region or one municipality: who is
//! registered for what, how registrants came month by month (web, empty mail,
//! each town's QR poster, import), what became of the messages, who left, and
//! how the latest notices went out. Only counts: never a resident.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use kizuna_core::notice::NoticeStatus;
use kizuna_core::subscriber::RegistrationSource;
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{DeliveryCounts, Notice, StoreError};

use crate::directory::ReferenceData;
use crate::notices::{self, Actor, ListRequest, NoticeError};
use crate::state::AppState;
use crate::texts;

/// How many months the growth and the rates go back, this one included.
pub const MONTHS: usize = 12;
/// How many of the latest notices are shown with their delivery figures.
pub const LATEST: usize = 10;

/// How a registrant came, as the dashboard groups it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    Web,
    EmptyMail,
    /// A town's QR poster (by web form or by empty mail); `None` when the poster named no town.
    Poster(Option<MunicipalityCode>),
    Import,
}

impl Channel {
    fn of(source: RegistrationSource, poster: Option<&MunicipalityCode>) -> Self {
        match source {
            RegistrationSource::Web => Channel::Web,
            RegistrationSource::EmptyMail => Channel::EmptyMail,
            RegistrationSource::WebQr | RegistrationSource::EmptyMailQr => Channel::Poster(poster.cloned()),
            RegistrationSource::Import => Channel::Import,
        }
    }

    /// The column's heading: 「Web」「空メール」「QRポスター（横瀬町）」「一括登録」.
    pub fn label(&self, directory: &ReferenceData, lang: Lang) -> String {
        match self {
            Channel::Web => texts::text(lang, "console-dashboard-source-web").into_owned(),
            Channel::EmptyMail => texts::text(lang, "console-dashboard-source-empty-mail").into_owned(),
            Channel::Import => texts::text(lang, "console-dashboard-source-import").into_owned(),
            Channel::Poster(town) => {
                let town = town
                    .as_ref()
                    .map(|code| {
                        directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned())
                    })
                    .unwrap_or_else(|| texts::text(lang, "console-dashboard-source-poster-unknown").into_owned());
                texts::format(lang, "console-dashboard-source-poster", &[("town", town.into())]).into_owned()
            }
        }
    }
}

/// One row of the registrants table: a municipality (or, for a town, itself).
#[derive(Debug, Clone)]
pub struct RegistrantRow {
    pub code: MunicipalityCode,
    pub name: String,
    /// Per category, in the order of [`Figures::categories`].
    pub by_category: Vec<i64>,
    /// Residents who chose the municipality, each counted once.
    pub total: i64,
}

/// What became of the messages of one month's notices, and who left that month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthRates {
    pub sent: i64,
    pub bounced: i64,
    pub failed: i64,
    pub unsubscribed: i64,
}

impl MonthRates {
    pub fn messages(&self) -> i64 {
        self.sent + self.bounced + self.failed
    }

    /// Bounced of the messages that were tried, in percent; `None` without messages.
    pub fn bounce_rate(&self) -> Option<f64> {
        let messages = self.messages();
        (messages > 0).then(|| self.bounced as f64 * 100.0 / messages as f64)
    }
}

/// A recent notice with its delivery figures.
#[derive(Debug, Clone)]
pub struct Latest {
    pub notice: Notice,
    pub counts: DeliveryCounts,
}

/// Everything the dashboard shows for one view.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Active registrants, each counted once.
    pub active: i64,
    /// `(key, name)` of each category, the registrants table's columns.
    pub categories: Vec<(String, String)>,
    pub registrants: Vec<RegistrantRow>,
    /// The first day (Japan time) of each month shown, oldest first.
    pub months: Vec<NaiveDate>,
    pub channels: Vec<Channel>,
    /// New registrants still active, `[month][channel]`.
    pub growth: Vec<Vec<i64>>,
    pub rates: Vec<MonthRates>,
    pub latest: Vec<Latest>,
}

impl Figures {
    /// The messages and unsubscribes of all months shown.
    pub fn year_rates(&self) -> MonthRates {
        self.rates.iter().fold(MonthRates::default(), |sum, m| MonthRates {
            sent: sum.sent + m.sent,
            bounced: sum.bounced + m.bounced,
            failed: sum.failed + m.failed,
            unsubscribed: sum.unsubscribed + m.unsubscribed,
        })
    }

    /// Those who left in the months shown, of those who were registered in them
    /// (active now, or left since): in percent; `None` when nobody was.
    pub fn unsubscribe_rate(&self) -> Option<f64> {
        let left = self.year_rates().unsubscribed;
        let base = self.active + left;
        (base > 0).then(|| left as f64 * 100.0 / base as f64)
    }

    pub fn growth_total(&self, month: usize) -> i64 {
        self.growth.get(month).map_or(0, |row| row.iter().sum())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FiguresError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Notices(#[from] NoticeError),
}

/// The first day of the month of `at` in Japan time, and the `count - 1` before it.
pub fn months_back(at: DateTime<Utc>, count: usize) -> Vec<NaiveDate> {
    let today = kizuna_core::time::tokyo_date(at);
    let first = today.with_day(1).unwrap_or(today);
    (0..count)
        .rev()
        .filter_map(|back| first.checked_sub_months(Months::new(u32::try_from(back).unwrap_or(0))))
        .collect()
}

fn month_key(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// The figures of `town` (or the region), as the actor may see them: the
/// caller has checked that the actor's scope covers `town`.
pub async fn gather(
    state: &AppState,
    actor: &Actor,
    directory: &ReferenceData,
    town: Option<&MunicipalityCode>,
    lang: Lang,
) -> Result<Figures, FiguresError> {
    let store = &state.store;
    let months = months_back(state.clock.now(), MONTHS);
    let since = months.first().map_or_else(|| state.clock.now(), |m| kizuna_core::time::start_of_tokyo_day(*m));
    let keys: Vec<String> = months.iter().map(|m| month_key(*m)).collect();

    let active = store.active_registrants(town).await?;
    let categories: Vec<(String, String)> =
        directory.categories.iter().map(|c| (c.key.to_string(), c.name(lang).to_owned())).collect();
    let counts = store.subscriber_counts().await?;
    let totals = store.registrants_per_municipality().await?;
    let registrants = directory
        .municipalities
        .iter()
        .filter(|m| town.is_none_or(|code| *code == m.code))
        .map(|m| RegistrantRow {
            code: m.code.clone(),
            name: m.name(lang).to_owned(),
            by_category: categories
                .iter()
                .map(|(key, _)| {
                    counts
                        .iter()
                        .find(|c| c.municipality == m.code && c.category.as_str() == key.as_str())
                        .map_or(0, |c| c.active)
                })
                .collect(),
            total: totals.iter().find(|(code, _)| *code == m.code).map_or(0, |(_, n)| *n),
        })
        .collect();

    let registrations = store.registrations_by_month(town, since).await?;
    // Every town's poster in the region's view; in a town's, its own and any other that brought its residents.
    let mut channels = vec![Channel::Web, Channel::EmptyMail];
    for m in &directory.municipalities {
        let poster = Channel::Poster(Some(m.code.clone()));
        let brought =
            registrations.iter().any(|r| Channel::of(r.source, r.poster.as_ref()) == poster && r.registrants > 0);
        if town.is_none() || town == Some(&m.code) || brought {
            channels.push(poster);
        }
    }
    if registrations.iter().any(|r| Channel::of(r.source, r.poster.as_ref()) == Channel::Poster(None)) {
        channels.push(Channel::Poster(None));
    }
    channels.push(Channel::Import);
    let mut growth = vec![vec![0; channels.len()]; months.len()];
    for r in &registrations {
        let channel = Channel::of(r.source, r.poster.as_ref());
        if let (Some(m), Some(c)) =
            (keys.iter().position(|k| *k == r.month), channels.iter().position(|c| *c == channel))
        {
            growth[m][c] += r.registrants;
        }
    }

    let mut rates = vec![MonthRates::default(); months.len()];
    for d in store.deliveries_by_month(town, since).await? {
        if let Some(m) = keys.iter().position(|k| *k == d.month) {
            rates[m].sent = d.sent;
            rates[m].bounced = d.bounced;
            rates[m].failed = d.failed;
        }
    }
    for (month, n) in store.unsubscribes_by_month(town, since).await? {
        if let Some(m) = keys.iter().position(|k| *k == month) {
            rates[m].unsubscribed = n;
        }
    }

    let latest = latest_notices(state, actor, town).await?;
    Ok(Figures { active, categories, registrants, months, channels, growth, rates, latest })
}

/// The notices going out now and the last ones sent, newest first, with their figures.
async fn latest_notices(
    state: &AppState,
    actor: &Actor,
    town: Option<&MunicipalityCode>,
) -> Result<Vec<Latest>, FiguresError> {
    let mut found: Vec<Notice> = Vec::new();
    for status in [NoticeStatus::Sending, NoticeStatus::Sent] {
        let request = ListRequest {
            source: None,
            municipality: town.cloned(),
            status: Some(status),
            limit: LATEST as i64,
            before: None,
        };
        found.extend(notices::list(state, actor, request).await?.notices);
    }
    found.sort_by(|a, b| b.sent_at.cmp(&a.sent_at).then(b.id.cmp(&a.id)));
    found.truncate(LATEST);
    let mut latest = Vec::with_capacity(found.len());
    for notice in found {
        let counts = state.store.delivery_counts(notice.id).await?;
        latest.push(Latest { notice, counts });
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn months_are_counted_in_japan_time() {
        // 31 January 2026 20:00 UTC is already 1 February in Japan.
        let at = Utc.with_ymd_and_hms(2026, 1, 31, 20, 0, 0).unwrap();
        let months: Vec<String> = months_back(at, 3).into_iter().map(month_key).collect();
        assert_eq!(months, ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn rates_are_shares_of_what_was_tried() {
        let month = MonthRates { sent: 95, bounced: 4, failed: 1, unsubscribed: 2 };
        assert_eq!(month.messages(), 100);
        assert_eq!(month.bounce_rate(), Some(4.0));
        assert_eq!(MonthRates::default().bounce_rate(), None, "no messages, no rate");
    }
}
