//! The consortium's rules for JMA reports: which earthquakes count, when a report is
//! too old to be news, and per report type and municipality whether a notice goes out
//! at once or waits as a draft for approval.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Duration;
use serde::Deserialize;
use thiserror::Error;

use super::intensity::Intensity;
use crate::codes::{CodeError, MunicipalityCode};

/// Whether a notice made from a JMA report is sent at once or waits for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SendMode {
    /// Sent without approval (the JMA rule is the approval).
    Auto,
    /// Left as a draft for an approver.
    Draft,
}

impl SendMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SendMode::Auto => "auto",
            SendMode::Draft => "draft",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input.trim() {
            "auto" => Some(SendMode::Auto),
            "draft" => Some(SendMode::Draft),
            _ => None,
        }
    }
}

impl fmt::Display for SendMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of JMA information a rule is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    /// 警報, 危険警報 and 特別警報 (VPWW54–61).
    Warning,
    /// 注意報 (VPWW54–61).
    Advisory,
    /// 土砂災害警戒情報 (VXWW50).
    Landslide,
    /// 竜巻注意情報 (VPHW50).
    Tornado,
    /// 記録的短時間大雨情報 (VPOA50).
    RecordRain,
    /// Shaking at or above the notice threshold but below the strong one (VXSE51/53).
    Quake,
    /// Shaking at or above the strong threshold (VXSE51/53).
    StrongQuake,
}

impl RuleKind {
    pub const ALL: [RuleKind; 7] = [
        RuleKind::Warning,
        RuleKind::Advisory,
        RuleKind::Landslide,
        RuleKind::Tornado,
        RuleKind::RecordRain,
        RuleKind::Quake,
        RuleKind::StrongQuake,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Warning => "warning",
            RuleKind::Advisory => "advisory",
            RuleKind::Landslide => "landslide",
            RuleKind::Tornado => "tornado",
            RuleKind::RecordRain => "record_rain",
            RuleKind::Quake => "quake",
            RuleKind::StrongQuake => "strong_quake",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == input.trim())
    }

    /// What the consortium agreed on when nobody has said otherwise.
    pub fn default_mode(self) -> SendMode {
        match self {
            RuleKind::Warning | RuleKind::Landslide | RuleKind::StrongQuake => SendMode::Auto,
            RuleKind::Advisory | RuleKind::Tornado | RuleKind::RecordRain | RuleKind::Quake => SendMode::Draft,
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rules in force. Build with `JmaRules::default()` and adjust, or from a
/// [`JmaRulesConfig`] read from the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaRules {
    /// Shaking below this makes no notice (震度3 by default).
    pub min_intensity: Intensity,
    /// Shaking at or above this is "strong": emergency urgency and the
    /// [`RuleKind::StrongQuake`] rule (震度4 by default).
    pub strong_intensity: Intensity,
    /// A report older than this is recorded, never sent as news.
    pub stale_after: Duration,
    kinds: BTreeMap<RuleKind, SendMode>,
    municipalities: BTreeMap<(RuleKind, MunicipalityCode), SendMode>,
}

impl Default for JmaRules {
    fn default() -> Self {
        Self {
            min_intensity: Intensity::Three,
            strong_intensity: Intensity::Four,
            stale_after: Duration::minutes(30),
            kinds: BTreeMap::new(),
            municipalities: BTreeMap::new(),
        }
    }
}

impl JmaRules {
    /// How a notice of this kind for this municipality goes out: the municipality's
    /// own rule, else the consortium-wide rule for the kind, else the default.
    pub fn mode(&self, kind: RuleKind, municipality: &MunicipalityCode) -> SendMode {
        self.municipalities
            .get(&(kind, municipality.clone()))
            .or_else(|| self.kinds.get(&kind))
            .copied()
            .unwrap_or_else(|| kind.default_mode())
    }

    /// Sets the rule for a kind everywhere.
    pub fn set_kind(&mut self, kind: RuleKind, mode: SendMode) {
        self.kinds.insert(kind, mode);
    }

    /// Sets the rule for a kind in one municipality, ahead of the consortium-wide one.
    pub fn set_municipality(&mut self, kind: RuleKind, municipality: MunicipalityCode, mode: SendMode) {
        self.municipalities.insert((kind, municipality), mode);
    }

    /// The consortium-wide rules that differ from the defaults, for display and storage.
    pub fn kind_rules(&self) -> impl Iterator<Item = (RuleKind, SendMode)> + '_ {
        self.kinds.iter().map(|(kind, mode)| (*kind, *mode))
    }

    /// The municipalities' own rules, for display and storage.
    pub fn municipality_rules(&self) -> impl Iterator<Item = (RuleKind, &MunicipalityCode, SendMode)> + '_ {
        self.municipalities.iter().map(|((kind, code), mode)| (*kind, code, *mode))
    }

    /// The rule kind for shaking of this intensity.
    pub fn quake_kind(&self, intensity: Intensity) -> RuleKind {
        if intensity >= self.strong_intensity { RuleKind::StrongQuake } else { RuleKind::Quake }
    }
}

/// The `[jma]` section of the configuration file, as written:
///
/// ```toml
/// min_intensity = "3"
/// strong_intensity = "4"
/// stale_after_minutes = 30
/// [send]
/// advisory = "draft"
/// [municipality."113611"]
/// quake = "auto"
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JmaRulesConfig {
    #[serde(default)]
    pub min_intensity: Option<String>,
    #[serde(default)]
    pub strong_intensity: Option<String>,
    #[serde(default)]
    pub stale_after_minutes: Option<u32>,
    /// Rule kind → `auto` or `draft`, for every municipality.
    #[serde(default)]
    pub send: BTreeMap<String, String>,
    /// Local government code → (rule kind → `auto` or `draft`).
    #[serde(default)]
    pub municipality: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JmaRulesError {
    #[error("jma: intensity {0:?} is not one of 1, 2, 3, 4, 5-, 5+, 6-, 6+, 7")]
    Intensity(String),
    #[error("jma: strong_intensity must not be below min_intensity")]
    IntensityOrder,
    #[error("jma: stale_after_minutes must be at least 1")]
    StaleAfter,
    #[error("jma: {0:?} is not a rule kind (warning, advisory, landslide, tornado, record_rain, quake, strong_quake)")]
    Kind(String),
    #[error("jma: {0:?} is neither \"auto\" nor \"draft\"")]
    Mode(String),
    #[error("jma: {0}")]
    Municipality(#[from] CodeError),
}

impl TryFrom<&JmaRulesConfig> for JmaRules {
    type Error = JmaRulesError;

    fn try_from(config: &JmaRulesConfig) -> Result<Self, Self::Error> {
        let mut rules = JmaRules::default();
        let intensity = |text: &str| Intensity::parse(text).ok_or_else(|| JmaRulesError::Intensity(text.to_owned()));
        if let Some(text) = &config.min_intensity {
            rules.min_intensity = intensity(text)?;
        }
        if let Some(text) = &config.strong_intensity {
            rules.strong_intensity = intensity(text)?;
        }
        if rules.strong_intensity < rules.min_intensity {
            return Err(JmaRulesError::IntensityOrder);
        }
        if let Some(minutes) = config.stale_after_minutes {
            if minutes == 0 {
                return Err(JmaRulesError::StaleAfter);
            }
            rules.stale_after = Duration::minutes(i64::from(minutes));
        }
        let entry = |kind: &str, mode: &str| -> Result<(RuleKind, SendMode), JmaRulesError> {
            let kind = RuleKind::parse(kind).ok_or_else(|| JmaRulesError::Kind(kind.to_owned()))?;
            let mode = SendMode::parse(mode).ok_or_else(|| JmaRulesError::Mode(mode.to_owned()))?;
            Ok((kind, mode))
        };
        for (kind, mode) in &config.send {
            let (kind, mode) = entry(kind, mode)?;
            rules.set_kind(kind, mode);
        }
        for (code, kinds) in &config.municipality {
            let code = MunicipalityCode::parse(code)?;
            for (kind, mode) in kinds {
                let (kind, mode) = entry(kind, mode)?;
                rules.set_municipality(kind, code.clone(), mode);
            }
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> MunicipalityCode {
        MunicipalityCode::parse(text).unwrap()
    }

    #[test]
    fn warnings_landslides_and_strong_shaking_go_out_at_once_by_default() {
        let rules = JmaRules::default();
        let chichibu = code("112071");
        let auto: Vec<RuleKind> =
            RuleKind::ALL.into_iter().filter(|kind| rules.mode(*kind, &chichibu) == SendMode::Auto).collect();
        assert_eq!(auto, [RuleKind::Warning, RuleKind::Landslide, RuleKind::StrongQuake]);
        assert_eq!(rules.quake_kind(Intensity::Three), RuleKind::Quake);
        assert_eq!(rules.quake_kind(Intensity::Four), RuleKind::StrongQuake);
    }

    #[test]
    fn a_municipality_rule_wins_over_the_consortium_rule() {
        let config: JmaRulesConfig = toml::from_str(
            r#"
            min_intensity = "4"
            strong_intensity = "5-"
            stale_after_minutes = 10
            [send]
            tornado = "auto"
            [municipality."113611"]
            tornado = "draft"
            quake = "auto"
            "#,
        )
        .unwrap();
        let rules = JmaRules::try_from(&config).unwrap();
        assert_eq!(rules.min_intensity, Intensity::Four);
        assert_eq!(rules.strong_intensity, Intensity::FiveLower);
        assert_eq!(rules.stale_after, Duration::minutes(10));
        assert_eq!(rules.mode(RuleKind::Tornado, &code("112071")), SendMode::Auto);
        assert_eq!(rules.mode(RuleKind::Tornado, &code("113611")), SendMode::Draft);
        assert_eq!(rules.mode(RuleKind::Quake, &code("113611")), SendMode::Auto);
        assert_eq!(rules.mode(RuleKind::Quake, &code("112071")), SendMode::Draft);
        assert_eq!(rules.kind_rules().collect::<Vec<_>>(), [(RuleKind::Tornado, SendMode::Auto)]);
        let yokoze = code("113611");
        assert_eq!(
            rules.municipality_rules().collect::<Vec<_>>(),
            [(RuleKind::Tornado, &yokoze, SendMode::Draft), (RuleKind::Quake, &yokoze, SendMode::Auto)]
        );
    }

    #[test]
    fn a_broken_rule_names_what_is_wrong() {
        let parse = |text: &str| {
            let config: JmaRulesConfig = toml::from_str(text).unwrap();
            JmaRules::try_from(&config).err().map(|e| e.to_string()).unwrap_or_default()
        };
        assert!(parse("min_intensity = \"5\"").contains("\"5\""));
        assert!(parse("min_intensity = \"5+\"").contains("strong_intensity"));
        assert!(parse("[send]\nwarnings = \"auto\"").contains("\"warnings\""));
        assert!(parse("[send]\nwarning = \"yes\"").contains("\"yes\""));
        assert!(parse("[municipality.\"113612\"]\nwarning = \"auto\"").contains("check digit"));
        assert!(parse("stale_after_minutes = 0").contains("at least 1"));
    }
}
