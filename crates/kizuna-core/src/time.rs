//! Time as Kizuna keeps it: stored in UTC, shown in Asia/Tokyo whatever the
//! server's zone, counted in fiscal years that run from April to March.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset
/// is exact for every date Kizuna handles.
pub const TOKYO: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("+09:00 is a valid offset"),
};

pub fn tokyo() -> FixedOffset {
    TOKYO
}

pub fn to_tokyo(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&tokyo())
}

/// `2026年11月25日 14:05` — how a resident reads a time.
pub fn format_ja(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%Y年%-m月%-d日 %H:%M").to_string()
}

/// `25 Nov 2026 14:05 JST`.
pub fn format_en(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%-d %b %Y %H:%M JST").to_string()
}

/// A time in Tokyo as a reader of `lang` reads it: written with the pattern of
/// the language's `locale-time-format` text (`2026年11月25日 14:05`,
/// `25 Nov 2026 14:05 JST`), or as in Japanese when that pattern cannot be read.
pub fn format_for(at: DateTime<Utc>, lang: crate::Lang) -> String {
    format_tokyo(at, &crate::texts::text(lang, "locale-time-format")).unwrap_or_else(|| format_ja(at))
}

/// A time in Tokyo written with a strftime `pattern`; `None` when the pattern
/// cannot be read (chrono would panic on printing it).
pub fn format_tokyo(at: DateTime<Utc>, pattern: &str) -> Option<String> {
    let items: Vec<chrono::format::Item<'_>> = chrono::format::StrftimeItems::new(pattern).collect();
    if items.iter().any(|item| matches!(item, chrono::format::Item::Error)) {
        return None;
    }
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{}", to_tokyo(at).format_with_items(items.into_iter()))).ok()?;
    Some(out)
}

/// RFC 3339 with the explicit `+09:00` offset that CAP and Atom readers expect.
pub fn rfc3339_tokyo(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The instant a Tokyo calendar day begins: residents filter the archive by the
/// dates they know, not by UTC days.
pub fn start_of_tokyo_day(date: NaiveDate) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    // A fixed offset maps every local time to exactly one instant.
    tokyo().from_local_datetime(&local).single().map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
}

/// The Tokyo calendar day an instant falls on.
pub fn tokyo_date(at: DateTime<Utc>) -> NaiveDate {
    to_tokyo(at).date_naive()
}

/// The fiscal year (年度) a date in Tokyo belongs to: April 2026 – March 2027 is 2026.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 { date.year() } else { date.year() - 1 }
}

/// The fiscal year of an instant, judged by the Tokyo calendar date.
pub fn fiscal_year_of(at: DateTime<Utc>) -> i32 {
    fiscal_year(to_tokyo(at).date_naive())
}

/// The instants fiscal year `year` runs between: from 1 April 00:00 in Tokyo
/// up to (not including) the next 1 April.
pub fn fiscal_year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let april = |y: i32| NaiveDate::from_ymd_opt(y, 4, 1).map_or(DateTime::<Utc>::MIN_UTC, start_of_tokyo_day);
    (april(year), april(year + 1))
}

/// A source of "now", so tests can move time instead of sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests and benchmarks.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = at;
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|now| *now).unwrap_or_else(|poisoned| *poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_tokyo_whatever_the_server_zone() {
        let at_utc = Utc.with_ymd_and_hms(2026, 3, 31, 15, 30, 0).single();
        let at = at_utc.map(|at| (format_ja(at), format_en(at), rfc3339_tokyo(at), fiscal_year_of(at)));
        let written = at_utc.map(|at| format_tokyo(at, "%Y年%-m月%-d日 %H:%M"));
        assert_eq!(written, Some(Some("2026年4月1日 00:30".into())));
        assert_eq!(at_utc.map(|at| format_tokyo(at, "%Q")), Some(None), "a pattern chrono cannot read");
        let by_language = at_utc.map(|at| (format_for(at, crate::Lang::JA), format_for(at, crate::Lang::EN)));
        assert_eq!(by_language, at.clone().map(|(ja, en, _, _)| (ja, en)), "the locale files' patterns");
        // 15:30 UTC on 31 March is 00:30 on 1 April in Tokyo: a new fiscal year.
        assert_eq!(
            at,
            Some((
                "2026年4月1日 00:30".into(),
                "1 Apr 2026 00:30 JST".into(),
                "2026-04-01T00:30:00+09:00".into(),
                2026
            ))
        );
    }

    #[test]
    fn a_tokyo_day_starts_at_15_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        assert_eq!(Some(start_of_tokyo_day(day)), Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).single());
        assert_eq!(tokyo_date(start_of_tokyo_day(day)), day);
        assert_eq!(
            tokyo_date(start_of_tokyo_day(day) - chrono::Duration::seconds(1)),
            day.pred_opt().unwrap_or_default()
        );
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(fiscal_year(date(2027, 3, 31)), 2026);
        assert_eq!(fiscal_year(date(2026, 4, 1)), 2026);
        assert_eq!(fiscal_year(date(2026, 1, 1)), 2025);
        let (start, end) = fiscal_year_bounds(2026);
        assert_eq!(Some(start), Utc.with_ymd_and_hms(2026, 3, 31, 15, 0, 0).single(), "1 April 00:00 JST");
        assert_eq!(Some(end), Utc.with_ymd_and_hms(2027, 3, 31, 15, 0, 0).single());
        assert_eq!(fiscal_year_of(start), 2026);
        assert_eq!(fiscal_year_of(end - chrono::Duration::seconds(1)), 2026);
        assert_eq!(fiscal_year_of(end), 2027);
    }
}
