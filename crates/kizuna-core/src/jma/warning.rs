//! Names of weather warnings as JMA writes them (`大雨警報`, `レベル３大雨警報`,
//! `大雨特別警報`…): their phenomenon, their level, their English name and what a
//! resident should do.

use std::fmt;

use super::compose::one_line;

/// How serious a warning is. Ordered from the mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningLevel {
    /// 注意報.
    Advisory,
    /// 警報.
    Warning,
    /// 危険警報 and 土砂災害警戒情報 (警戒レベル4相当).
    Danger,
    /// 特別警報.
    Emergency,
}

impl WarningLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningLevel::Advisory => "advisory",
            WarningLevel::Warning => "warning",
            WarningLevel::Danger => "danger",
            WarningLevel::Emergency => "emergency",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [WarningLevel::Advisory, WarningLevel::Warning, WarningLevel::Danger, WarningLevel::Emergency]
            .into_iter()
            .find(|level| level.as_str() == input)
    }

    fn suffix_en(self) -> &'static str {
        match self {
            WarningLevel::Advisory => "Advisory",
            WarningLevel::Warning => "Warning",
            WarningLevel::Danger => "Danger Warning",
            WarningLevel::Emergency => "Emergency Warning",
        }
    }
}

impl fmt::Display for WarningLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A warning as named in a report, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WarningName {
    /// As shown to residents, with JMA's condition: `大雨警報（土砂災害）`.
    pub ja: String,
    pub en: String,
    /// The phenomenon shared by the advisory, warning and emergency warning of one
    /// series (`強風注意報` and `暴風警報` are both `暴風`).
    pub hazard: String,
    pub level: WarningLevel,
}

const SUFFIXES: [(&str, WarningLevel); 4] = [
    ("特別警報", WarningLevel::Emergency),
    ("危険警報", WarningLevel::Danger),
    ("警報", WarningLevel::Warning),
    ("注意報", WarningLevel::Advisory),
];

impl WarningName {
    /// Reads a `Kind/Name` of 気象警報・注意報, with its `Condition` (`土砂災害`,
    /// `浸水害`). Names that are not warnings (`なし`) give `None`.
    pub fn parse(name: &str, condition: Option<&str>) -> Option<Self> {
        let name = one_line(name);
        let name = name.as_str();
        let condition = condition.map(one_line);
        let condition = condition.as_deref();
        let (jma_level, rest) = split_level(name);
        let (stem, level) =
            SUFFIXES.iter().find_map(|(suffix, level)| rest.strip_suffix(suffix).map(|s| (s, *level)))?;
        if stem.is_empty() {
            return None;
        }
        let hazard = match stem {
            "強風" => "暴風",
            "風雪" => "暴風雪",
            other => other,
        };
        let condition = condition.map(str::trim).filter(|c| !c.is_empty());
        let ja = match condition {
            Some(condition) => format!("{name}（{condition}）"),
            None => name.to_owned(),
        };
        let mut en = String::new();
        if let Some(level) = jma_level {
            en.push_str(&format!("Level {level} "));
        }
        en.push_str(&format!("{} {}", stem_en(stem), level.suffix_en()));
        if let Some(condition) = condition {
            en.push_str(&format!(" ({})", condition_en(condition)));
        }
        Some(Self { ja, en, hazard: hazard.to_owned(), level })
    }

    /// 土砂災害警戒情報, named as the report's title names it: since the 2026 reform
    /// JMA calls it レベル４土砂災害危険警報.
    pub fn landslide(head_title: &str) -> Self {
        let reformed = head_title.contains("土砂災害危険警報");
        let (ja, en) = if reformed {
            ("レベル４土砂災害危険警報", "Level 4 Landslide Danger Warning")
        } else {
            ("土砂災害警戒情報", "Landslide Alert")
        };
        Self { ja: ja.into(), en: en.into(), hazard: "土砂災害".into(), level: WarningLevel::Danger }
    }
}

/// `レベル３大雨警報` → (Some(3), `大雨警報`).
fn split_level(name: &str) -> (Option<u32>, &str) {
    let Some(rest) = name.strip_prefix("レベル") else {
        return (None, name);
    };
    let mut chars = rest.chars();
    let digit = chars.next().and_then(|c| {
        let ascii =
            if ('０'..='９').contains(&c) { char::from_u32(c as u32 - '０' as u32 + '0' as u32) } else { Some(c) };
        ascii.and_then(|c| c.to_digit(10))
    });
    match digit {
        Some(level) => (Some(level), chars.as_str()),
        None => (None, name),
    }
}

fn stem_en(stem: &str) -> &str {
    match stem {
        "大雨" => "Heavy Rain",
        "洪水" => "Flood",
        "暴風" => "Storm",
        "強風" => "Strong Wind",
        "暴風雪" => "Snowstorm",
        "風雪" => "Wind and Snow",
        "大雪" => "Heavy Snow",
        "波浪" => "High Wave",
        "高潮" => "Storm Surge",
        "雷" => "Thunderstorm",
        "融雪" => "Snowmelt",
        "濃霧" => "Dense Fog",
        "乾燥" => "Dry Air",
        "なだれ" => "Avalanche",
        "低温" => "Low Temperature",
        "霜" => "Frost",
        "着氷" => "Icing",
        "着雪" => "Snow Accretion",
        "土砂災害" => "Landslide",
        other => other,
    }
}

fn condition_en(condition: &str) -> String {
    condition
        .split(['、', '・', ','])
        .map(|part| match part.trim() {
            "土砂災害" => "landslides",
            "浸水害" => "inundation",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do, in both languages, for a phenomenon.
pub(super) fn advice(hazard: &str) -> (&'static str, &'static str) {
    match hazard {
        "大雨" => (
            "土砂災害、低い土地の浸水、川の増水に警戒してください。崖や川には近づかないでください。",
            "Watch out for landslides, flooding of low-lying land and rising rivers. Keep away from slopes and rivers.",
        ),
        "洪水" => (
            "川の増水や氾濫に警戒してください。川や用水路には近づかないでください。",
            "Watch out for rising and overflowing rivers. Keep away from rivers and irrigation channels.",
        ),
        "暴風" => (
            "強い風に警戒し、不要な外出は控えてください。飛ばされやすい物は屋内に入れてください。",
            "Strong winds are expected. Stay indoors unless you must go out, and bring loose objects inside.",
        ),
        "暴風雪" => (
            "強い風と雪で見通しが悪くなり、交通が乱れるおそれがあります。不要な外出は控えてください。",
            "Wind and snow will cut visibility and disrupt traffic. Stay indoors unless you must go out.",
        ),
        "大雪" => (
            "大雪による交通の乱れや停電、屋根からの落雪に注意してください。",
            "Heavy snow may disrupt traffic and power and slide off roofs. Take care.",
        ),
        "雷" => (
            "落雷、突風、急な強い雨に注意してください。雷の音が聞こえたら建物の中に移動してください。",
            "Watch out for lightning, gusts and sudden heavy rain. Go indoors when you hear thunder.",
        ),
        "土砂災害" => (
            "崖の近くや谷の出口など、土砂災害のおそれがある場所にいる方は、市町村の避難情報に従い、安全な場所へ避難してください。",
            "If you are near a slope or the mouth of a valley, follow your municipality's evacuation information and move to a safe place.",
        ),
        "なだれ" => {
            ("雪の積もった山の斜面には近づかないでください。", "Keep away from snow-covered mountain slopes.")
        }
        "融雪" => (
            "雪どけによる土砂災害や浸水に注意してください。",
            "Melting snow may cause landslides and flooding. Take care.",
        ),
        "濃霧" => ("見通しが悪くなります。車の運転に注意してください。", "Visibility will be poor. Drive with care."),
        "乾燥" => {
            ("空気が乾燥しています。火の取り扱いに注意してください。", "The air is very dry. Take care with fire.")
        }
        "低温" | "霜" => {
            ("農作物の管理や水道管の凍結に注意してください。", "Protect crops and water pipes from the cold.")
        }
        "着氷" | "着雪" => (
            "電線や樹木への着雪による停電や倒木に注意してください。",
            "Snow and ice on power lines and trees may cause power cuts and falling trees.",
        ),
        "波浪" | "高潮" => ("海岸には近づかないでください。", "Keep away from the coast."),
        _ => ("今後の気象情報に注意してください。", "Keep following the latest weather information."),
    }
}

/// What to do above the ordinary advice when the level itself calls for it.
pub(super) fn level_advice(level: WarningLevel) -> Option<(&'static str, &'static str)> {
    match level {
        WarningLevel::Emergency => Some((
            "数十年に一度の重大な災害が起こるおそれが非常に高まっています。直ちに命を守る行動をとってください。",
            "A disaster of a kind seen once in decades is very likely. Act now to save your life.",
        )),
        WarningLevel::Danger => Some((
            "危険な場所にいる方は全員避難してください（警戒レベル4相当）。",
            "Everyone in a dangerous place should evacuate (alert level 4).",
        )),
        WarningLevel::Warning | WarningLevel::Advisory => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str, condition: Option<&str>) -> Option<(String, String, String, WarningLevel)> {
        WarningName::parse(name, condition).map(|w| (w.ja, w.en, w.hazard, w.level))
    }

    #[test]
    fn names_old_and_new_are_understood() {
        assert_eq!(
            parsed("大雨警報", Some("土砂災害、浸水害")),
            Some((
                "大雨警報（土砂災害、浸水害）".into(),
                "Heavy Rain Warning (landslides, inundation)".into(),
                "大雨".into(),
                WarningLevel::Warning
            ))
        );
        assert_eq!(
            parsed("レベル４土砂災害危険警報", None),
            Some((
                "レベル４土砂災害危険警報".into(),
                "Level 4 Landslide Danger Warning".into(),
                "土砂災害".into(),
                WarningLevel::Danger
            ))
        );
        assert_eq!(parsed("大雨特別警報", None).map(|p| p.3), Some(WarningLevel::Emergency));
        assert_eq!(
            parsed("レベル２大雨注意報", None).map(|p| (p.2, p.3)),
            Some(("大雨".into(), WarningLevel::Advisory))
        );
        assert_eq!(parsed("強風注意報", None).map(|p| p.2), Some("暴風".into()));
        assert_eq!(parsed("なし", None), None);
        assert_eq!(parsed("警報", None), None);
    }
}
