//! Quiet hours: a time of night (Japan time) during which notices of normal
//! urgency wait until morning, while emergency notices still go at once. Off
//! unless a consortium sets them.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::time::{start_of_tokyo_day, to_tokyo, tokyo_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// When they begin, Japan time (e.g. 21:00).
    pub start: NaiveTime,
    /// When they end, Japan time (e.g. 07:00); before `start` means overnight.
    pub end: NaiveTime,
}

impl QuietHours {
    /// `21:00` and `07:00` → quiet hours; equal times are none.
    pub fn parse(start: &str, end: &str) -> Option<QuietHours> {
        let start = NaiveTime::parse_from_str(start.trim(), "%H:%M").ok()?;
        let end = NaiveTime::parse_from_str(end.trim(), "%H:%M").ok()?;
        (start != end).then_some(QuietHours { start, end })
    }

    pub fn start_text(&self) -> String {
        self.start.format("%H:%M").to_string()
    }

    pub fn end_text(&self) -> String {
        self.end.format("%H:%M").to_string()
    }

    /// Whether `at` falls within the quiet hours.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let time = to_tokyo(at).time();
        if self.start < self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }

    /// When the quiet hours that contain `at` end; `at` itself when it is not quiet.
    pub fn release(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        if !self.contains(at) {
            return at;
        }
        let today_end = start_of_tokyo_day(tokyo_date(at)) + (self.end - NaiveTime::MIN);
        if today_end > at { today_end } else { today_end + Duration::days(1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A moment given in Japan time.
    fn jst(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        crate::time::tokyo()
            .with_ymd_and_hms(2026, 12, day, hour, minute, 0)
            .single()
            .map(|t| t.to_utc())
            .unwrap_or_default()
    }

    #[test]
    fn overnight_quiet_hours_hold_until_the_morning() {
        let quiet =
            QuietHours::parse("21:00", "07:00").unwrap_or(QuietHours { start: NaiveTime::MIN, end: NaiveTime::MIN });
        assert!(!quiet.contains(jst(3, 20, 59)));
        assert!(quiet.contains(jst(3, 21, 0)));
        assert!(quiet.contains(jst(4, 6, 59)));
        assert!(!quiet.contains(jst(4, 7, 0)));
        assert_eq!(quiet.release(jst(3, 22, 30)), jst(4, 7, 0), "late evening waits for tomorrow morning");
        assert_eq!(quiet.release(jst(4, 5, 0)), jst(4, 7, 0), "early morning waits for the same morning");
        assert_eq!(quiet.release(jst(4, 12, 0)), jst(4, 12, 0), "the day is not quiet");
        assert_eq!(QuietHours::parse("07:00", "07:00"), None);
        assert_eq!(QuietHours::parse("7時", "07:00"), None);
    }

    #[test]
    fn daytime_quiet_hours_work_too() {
        let quiet =
            QuietHours::parse("12:00", "13:00").unwrap_or(QuietHours { start: NaiveTime::MIN, end: NaiveTime::MIN });
        assert!(quiet.contains(jst(3, 12, 30)));
        assert_eq!(quiet.release(jst(3, 12, 30)), jst(3, 13, 0));
        assert!(!quiet.contains(jst(3, 23, 0)));
    }
}
