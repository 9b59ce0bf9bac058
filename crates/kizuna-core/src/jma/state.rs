//! What Kizuna remembers between JMA reports: which reports it has handled, which
//! warnings it has announced and not yet cleared, how strong an earthquake it
//! has announced per town, and the last report of each series with what reading
//! it changed, so that a 取消 can put that back. The store persists it; the mapper
//! only reads it and returns the changes to make.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::intensity::Intensity;
use super::rules::SendMode;
use super::warning::WarningLevel;
use crate::codes::MunicipalityCode;

/// A report's identity: the same text fetched twice, or sent again by JMA, has the
/// same one. It is built from `Control/Title`, `Control/Status`, `Head/Title`,
/// `EventID`, `Serial`, `InfoType` and `ReportDateTime`, so a correction (訂正) or a
/// drill of the same report is a different one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(String);

impl ReportId {
    pub fn new(parts: &[&str]) -> Self {
        Self(parts.iter().map(|part| part.trim()).collect::<Vec<_>>().join("/"))
    }

    /// Reads a stored identity back.
    pub fn from_stored(text: &str) -> Self {
        Self(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A series of JMA reports: `Control/Title`, `Control/EditorialOffice`,
/// `Control/Status` and `Head/EventID` (empty for the kinds that use none, such as
/// 気象警報・注意報), as JMA itself tells a series apart. A 取消 names no report: it
/// withdraws the last one of its series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey(String);

impl SeriesKey {
    pub fn new(parts: &[&str]) -> Self {
        Self(parts.iter().map(|part| part.trim()).collect::<Vec<_>>().join("/"))
    }

    /// Reads a stored key back.
    pub fn from_stored(text: &str) -> Self {
        Self(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One warning series in one town: `hazard` is the phenomenon (`大雨`, `暴風`,
/// `土砂災害`…), so an advisory, its warning and its emergency warning share a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WarningKey {
    /// Drills are remembered apart from real reports.
    pub exercise: bool,
    pub hazard: String,
    pub municipality: MunicipalityCode,
}

/// A warning Kizuna made a notice for and has not yet announced as cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveWarning {
    /// The name as announced, e.g. `大雨警報（土砂災害）`.
    pub name: String,
    /// The same in English, for the all-clear.
    pub name_en: String,
    pub level: WarningLevel,
    /// `ReportDateTime` of the report that issued it.
    pub issued_at: DateTime<Utc>,
    /// How its notice went out; the all-clear goes the same way.
    pub send: SendMode,
}

/// One earthquake in one town.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuakeKey {
    pub exercise: bool,
    /// The report's `EventID`, shared by 震度速報 and 震源・震度に関する情報.
    pub event_id: String,
    pub municipality: MunicipalityCode,
}

/// The strongest shaking announced for a town in one earthquake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnouncedQuake {
    pub intensity: Intensity,
    pub at: DateTime<Utc>,
}

/// How one remembered entry stood before a report changed it: what a 取消 of that
/// report puts back (`None`: the entry did not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restore {
    Warning { key: WarningKey, was: Option<ActiveWarning> },
    Quake { key: QuakeKey, was: Option<AnnouncedQuake> },
}

impl Restore {
    /// The change that puts the entry back as it was.
    pub fn change(&self) -> StateChange {
        match self {
            Restore::Warning { key, was: Some(warning) } => {
                StateChange::WarningActive { key: key.clone(), warning: warning.clone() }
            }
            Restore::Warning { key, was: None } => StateChange::WarningCleared { key: key.clone() },
            Restore::Quake { key, was: Some(quake) } => StateChange::QuakeAnnounced { key: key.clone(), quake: *quake },
            Restore::Quake { key, was: None } => StateChange::QuakeForgotten { key: key.clone() },
        }
    }
}

/// The last report read in a series: what a 取消 of the series withdraws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesReport {
    pub report: ReportId,
    /// `Head/Title`, for logs and the table of expectations.
    pub title: String,
    pub reported_at: DateTime<Utc>,
    /// How the entries it changed stood before, in the order it changed them.
    pub restore: Vec<Restore>,
}

/// The whole remembered state. The store may keep it as a table per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JmaState {
    /// Reports already handled, with their `ReportDateTime`.
    pub processed: BTreeMap<ReportId, DateTime<Utc>>,
    pub warnings: BTreeMap<WarningKey, ActiveWarning>,
    pub quakes: BTreeMap<QuakeKey, AnnouncedQuake>,
    /// The last report of each series, until a 取消 withdraws it or it is pruned.
    pub series: BTreeMap<SeriesKey, SeriesReport>,
}

/// One change to persist after handling a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateChange {
    Processed {
        report: ReportId,
        at: DateTime<Utc>,
    },
    WarningActive {
        key: WarningKey,
        warning: ActiveWarning,
    },
    WarningCleared {
        key: WarningKey,
    },
    QuakeAnnounced {
        key: QuakeKey,
        quake: AnnouncedQuake,
    },
    /// A 取消 took back the only announcement of an earthquake in a town.
    QuakeForgotten {
        key: QuakeKey,
    },
    /// `last` is now the series' last report.
    SeriesRead {
        series: SeriesKey,
        last: SeriesReport,
    },
    /// A 取消 withdrew the series' last report: nothing of the series is left to withdraw.
    SeriesCancelled {
        series: SeriesKey,
    },
}

impl JmaState {
    pub fn apply(&mut self, changes: &[StateChange]) {
        for change in changes {
            match change {
                StateChange::Processed { report, at } => {
                    self.processed.insert(report.clone(), *at);
                }
                StateChange::WarningActive { key, warning } => {
                    self.warnings.insert(key.clone(), warning.clone());
                }
                StateChange::WarningCleared { key } => {
                    self.warnings.remove(key);
                }
                StateChange::QuakeAnnounced { key, quake } => {
                    self.quakes.insert(key.clone(), *quake);
                }
                StateChange::QuakeForgotten { key } => {
                    self.quakes.remove(key);
                }
                StateChange::SeriesRead { series, last } => {
                    self.series.insert(series.clone(), last.clone());
                }
                StateChange::SeriesCancelled { series } => {
                    self.series.remove(series);
                }
            }
        }
    }

    /// How the entries `changes` touch stand now, so that a 取消 of the report that
    /// makes them can put them back. An entry changed twice is restored to how it
    /// stood before the first change.
    pub fn restore_for(&self, changes: &[StateChange]) -> Vec<Restore> {
        let mut restore: Vec<Restore> = Vec::new();
        for change in changes {
            let entry = match change {
                StateChange::WarningActive { key, .. } | StateChange::WarningCleared { key } => {
                    Restore::Warning { key: key.clone(), was: self.warnings.get(key).cloned() }
                }
                StateChange::QuakeAnnounced { key, .. } | StateChange::QuakeForgotten { key } => {
                    Restore::Quake { key: key.clone(), was: self.quakes.get(key).copied() }
                }
                StateChange::Processed { .. }
                | StateChange::SeriesRead { .. }
                | StateChange::SeriesCancelled { .. } => {
                    continue;
                }
            };
            let same = |other: &Restore| match (other, &entry) {
                (Restore::Warning { key: a, .. }, Restore::Warning { key: b, .. }) => a == b,
                (Restore::Quake { key: a, .. }, Restore::Quake { key: b, .. }) => a == b,
                _ => false,
            };
            if !restore.iter().any(same) {
                restore.push(entry);
            }
        }
        restore
    }

    /// Forgets handled reports, earthquakes and series' last reports older than
    /// `keep`. Reports older than the stale limit are never news, so a `keep` of a
    /// day or two loses nothing (JMA cancels a report within minutes). Active
    /// warnings are kept until JMA lifts them.
    pub fn prune(&mut self, now: DateTime<Utc>, keep: Duration) {
        let cutoff = now - keep;
        self.processed.retain(|_, at| *at >= cutoff);
        self.quakes.retain(|_, quake| quake.at >= cutoff);
        self.series.retain(|_, last| last.reported_at >= cutoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn applied_changes_are_remembered_and_old_ones_pruned() {
        let at = |hour| Utc.with_ymd_and_hms(2026, 7, 1, hour, 0, 0).single().unwrap_or_default();
        let town = MunicipalityCode::parse("112071").unwrap();
        let key = WarningKey { exercise: false, hazard: "大雨".into(), municipality: town.clone() };
        let warning = ActiveWarning {
            name: "大雨警報".into(),
            name_en: "Heavy Rain Warning".into(),
            level: WarningLevel::Warning,
            issued_at: at(1),
            send: SendMode::Auto,
        };
        let quake = QuakeKey { exercise: false, event_id: "20260701010000".into(), municipality: town };
        let mut state = JmaState::default();
        state.apply(&[
            StateChange::Processed { report: ReportId::new(&["a", "b"]), at: at(1) },
            StateChange::WarningActive { key: key.clone(), warning },
            StateChange::QuakeAnnounced { key: quake, quake: AnnouncedQuake { intensity: Intensity::Four, at: at(1) } },
        ]);
        assert_eq!(state.processed.keys().map(ReportId::as_str).collect::<Vec<_>>(), ["a/b"]);
        state.prune(at(23) + Duration::hours(3), Duration::hours(24));
        assert!(state.processed.is_empty() && state.quakes.is_empty());
        assert_eq!(state.warnings.len(), 1, "active warnings stay until lifted");
        state.apply(&[StateChange::WarningCleared { key }]);
        assert!(state.warnings.is_empty());
    }

    #[test]
    fn what_a_report_changed_can_be_put_back_as_it_stood() {
        let at = |hour| Utc.with_ymd_and_hms(2026, 7, 1, hour, 0, 0).single().unwrap_or_default();
        let town = MunicipalityCode::parse("112071").unwrap();
        let key = |hazard: &str| WarningKey { exercise: false, hazard: hazard.into(), municipality: town.clone() };
        let warning = |name: &str, level| ActiveWarning {
            name: name.into(),
            name_en: name.into(),
            level,
            issued_at: at(1),
            send: SendMode::Auto,
        };
        let quake = QuakeKey { exercise: false, event_id: "20260701010000".into(), municipality: town.clone() };
        let mut state = JmaState::default();
        state.apply(&[StateChange::WarningActive {
            key: key("大雨"),
            warning: warning("大雨注意報", WarningLevel::Advisory),
        }]);
        let before = state.clone();
        // The advisory becomes a warning (twice told), thunder is new, an earthquake too.
        let changes = [
            StateChange::WarningActive { key: key("大雨"), warning: warning("大雨警報", WarningLevel::Warning) },
            StateChange::WarningActive { key: key("大雨"), warning: warning("大雨警報", WarningLevel::Warning) },
            StateChange::WarningActive { key: key("雷"), warning: warning("雷注意報", WarningLevel::Advisory) },
            StateChange::QuakeAnnounced { key: quake, quake: AnnouncedQuake { intensity: Intensity::Four, at: at(2) } },
        ];
        let restore = state.restore_for(&changes);
        assert_eq!(restore.len(), 3, "one entry each: {restore:?}");
        state.apply(&changes);
        assert_ne!(state, before);
        state.apply(&restore.iter().map(Restore::change).collect::<Vec<_>>());
        assert_eq!(state, before);
    }
}
