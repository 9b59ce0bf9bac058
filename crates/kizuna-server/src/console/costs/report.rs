//! The cost report of one fiscal year (April–March): its items, their total,
//! and the total shared among the members three ways side by side — by the
//! consortium's rule, by share of registrants, and by messages sent — each in
//! whole yen that add up to the total (`kizuna_core::costs`).

use chrono::{DateTime, Utc};
use kizuna_core::consortium::CostSharing;
use kizuna_core::costs::{allocate, message_weights};
use kizuna_core::time::fiscal_year_bounds;
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{CostItem, StoreError};

use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

/// The fiscal years the page accepts: far enough either way for any council.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One member's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub code: MunicipalityCode,
    pub name: String,
    pub by_rule: i64,
    /// Active registrants who chose the member, now.
    pub registrants: i64,
    pub by_registrants: Option<i64>,
    /// Messages accepted for the member's notices in the year, a notice for
    /// several members counting in equal parts.
    pub messages: f64,
    pub by_messages: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub items: Vec<CostItem>,
    pub total: i64,
    pub rule: CostSharing,
    pub shares: Vec<Share>,
}

impl Report {
    /// The sums of each column, which equal the total whenever the column is shown.
    pub fn sums(&self) -> (i64, Option<i64>, Option<i64>) {
        let sum = |f: fn(&Share) -> Option<i64>| self.shares.iter().map(f).sum::<Option<i64>>();
        (self.shares.iter().map(|s| s.by_rule).sum(), sum(|s| s.by_registrants), sum(|s| s.by_messages))
    }
}

/// Reads fiscal year `year`'s items and figures and shares the total.
pub async fn report(state: &AppState, directory: &ReferenceData, year: i32, lang: Lang) -> Result<Report, StoreError> {
    let items = state.store.cost_items(year).await?;
    let total: i64 = items.iter().map(|i| i.amount.get()).sum();
    let rule = state.store.cost_sharing().await?;
    let members: Vec<MunicipalityCode> = directory.municipalities.iter().map(|m| m.code.clone()).collect();
    let by_rule = rule.allocate(total, &members);

    let registrants = state.store.registrants_per_municipality().await?;
    let registrant_weights: Vec<(MunicipalityCode, u128)> = members
        .iter()
        .map(|code| {
            let n = registrants.iter().find(|(c, _)| c == code).map_or(0, |(_, n)| *n);
            (code.clone(), u128::try_from(n).unwrap_or(0))
        })
        .collect();
    let by_registrants = allocate(total, &registrant_weights);

    let (from, until) = fiscal_year_bounds(year);
    let sent = state.store.messages_sent(from, until).await?;
    let rows: Vec<(MunicipalityCode, u32, u64)> =
        sent.iter().map(|m| (m.municipality.clone(), m.shared_by, u64::try_from(m.messages).unwrap_or(0))).collect();
    let message_weights = message_weights(&members, &rows);
    let by_messages = allocate(total, &message_weights);

    let shares = directory
        .municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| Share {
            code: m.code.clone(),
            name: m.name(lang).to_owned(),
            by_rule: by_rule.get(i).map_or(0, |(_, yen)| *yen),
            registrants: registrant_weights.get(i).map_or(0, |(_, n)| i64::try_from(*n).unwrap_or(0)),
            by_registrants: by_registrants.as_ref().and_then(|parts| parts.get(i)).map(|(_, yen)| *yen),
            messages: rows
                .iter()
                .filter(|(code, _, _)| *code == m.code)
                .map(|(_, shared_by, messages)| *messages as f64 / f64::from((*shared_by).max(1)))
                .sum(),
            by_messages: by_messages.as_ref().and_then(|parts| parts.get(i)).map(|(_, yen)| *yen),
        })
        .collect();
    Ok(Report { year, items, total, rule, shares })
}

/// The consortium's rule in words: 「秩父市 50%、残りを他の4市町村で均等に」.
pub fn rule_in_words(rule: &CostSharing, directory: &ReferenceData, lang: Lang) -> String {
    let CostSharing::FixedThenEqual { fixed } = rule;
    let members = directory.municipalities.len();
    let named: Vec<String> = fixed
        .iter()
        .map(|(code, share)| {
            let town = directory.municipality(code).map_or_else(|| code.to_string(), |m| m.name(lang).to_owned());
            texts::format(
                lang,
                "console-costs-rule-fixed",
                &[("town", town.into()), ("percent", percent_text(*share).into())],
            )
            .into_owned()
        })
        .collect();
    let others = members.saturating_sub(fixed.iter().filter(|(c, _)| directory.municipality(c).is_some()).count());
    let separator = texts::text(lang, "console-list-separator");
    let rest = texts::format(lang, "console-costs-rule-rest", &[("n", others.to_string().into())]);
    if named.is_empty() {
        texts::text(lang, "console-costs-rule-equal").into_owned()
    } else {
        format!("{}{separator}{rest}", named.join(&*separator))
    }
}

/// 0.5 → "50", 0.125 → "12.5".
fn percent_text(share: f64) -> String {
    let percent = (share * 1000.0).round() / 10.0;
    if percent.fract() == 0.0 { format!("{percent:.0}") } else { format!("{percent:.1}") }
}

/// Messages as shown: whole where whole, else one decimal (equal parts of a shared notice).
pub fn messages_text(messages: f64) -> String {
    let whole = kizuna_core::costs::thousands(messages.trunc() as i64);
    let tenth = ((messages.fract()) * 10.0).round() as i64;
    if tenth == 0 { whole } else { format!("{whole}.{tenth}") }
}

/// 「2026年度（2026年4月〜2027年3月）」, "FY2026 (April 2026 – March 2027)".
pub fn year_label(year: i32, lang: Lang) -> String {
    texts::format(
        lang,
        "console-costs-year-label",
        &[("year", year.to_string().into()), ("next", (year + 1).to_string().into())],
    )
    .into_owned()
}

/// The fiscal year asked for, or the current one.
pub fn year_asked(asked: &str, now: DateTime<Utc>) -> i32 {
    let folded: String = asked.trim().chars().filter(char::is_ascii_digit).collect();
    folded
        .parse::<i32>()
        .ok()
        .filter(|year| YEARS.contains(year))
        .unwrap_or_else(|| kizuna_core::time::fiscal_year_of(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_year_shown_is_the_one_asked_for_or_the_current_one() {
        // 31 March 2027 16:00 UTC is already 1 April in Japan: fiscal 2027.
        let now = Utc.with_ymd_and_hms(2027, 3, 31, 16, 0, 0).unwrap();
        assert_eq!(year_asked("", now), 2027);
        assert_eq!(year_asked("2025", now), 2025);
        assert_eq!(year_asked("1800", now), 2027, "out of range");
        assert_eq!(year_asked("x", now), 2027);
    }

    #[test]
    fn messages_and_percentages_read_plainly() {
        assert_eq!(messages_text(1234.0), "1,234");
        assert_eq!(messages_text(100.5), "100.5");
        assert_eq!(percent_text(0.5), "50");
        assert_eq!(percent_text(0.125), "12.5");
    }
}
