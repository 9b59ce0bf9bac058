//! Earthquakes: 震度速報 (VXSE51), which gives each area's strongest shaking, and
//! 震源・震度に関する情報 (VXSE53), which gives each city's. A town hears about an
//! earthquake once, and again only if its shaking turns out stronger.

use jmaxml::Body;
use jmaxml::model::{SeisBody, SeisIntensityDetail};

use super::compose::{self, towns_ja};
use super::intensity::Intensity;
use super::rules::SendMode;
use super::state::{AnnouncedQuake, QuakeKey, StateChange};
use super::{Context, Outcome, Plan, ReportType};
use crate::notice::Urgency;

/// The shaking a report gives one town.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reading {
    town: usize,
    intensity: Intensity,
    /// `震度５弱以上未入電`: a station went silent; at least 5-, not confirmed.
    unconfirmed: bool,
    /// What was announced before for this earthquake.
    previous: Option<Intensity>,
}

fn parse_reading(max_int: Option<&str>, condition: Option<&str>) -> Option<(Intensity, bool)> {
    match max_int.and_then(Intensity::parse) {
        Some(intensity) => Some((intensity, false)),
        None if condition.is_some_and(|c| c.contains("未入電")) => Some((Intensity::FiveLower, true)),
        None => None,
    }
}

/// VXSE51 lists areas only: the town shares its area's reading.
fn area_reading(observation: &SeisIntensityDetail, area_code: &str) -> Option<(Intensity, bool)> {
    observation
        .prefs
        .iter()
        .flat_map(|pref| pref.areas.iter())
        .find(|area| area.code.trim() == area_code)
        .and_then(|area| parse_reading(area.max_int.as_deref(), area.condition.as_deref()))
}

/// VXSE53 lists cities: only the town's own reading counts.
fn city_reading(observation: &SeisIntensityDetail, city_code: &str) -> Option<(Intensity, bool)> {
    observation
        .prefs
        .iter()
        .flat_map(|pref| pref.areas.iter())
        .flat_map(|area| area.cities.iter())
        .find(|city| city.code.trim() == city_code)
        .and_then(|city| parse_reading(city.max_int.as_deref(), city.condition.as_deref()))
}

pub(super) fn evaluate(context: &Context<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    let Body::Seismology(body) = &context.report.body else {
        return outcome;
    };
    let Some(observation) = body.intensity.as_ref().and_then(|intensity| intensity.observation.as_ref()) else {
        return outcome;
    };
    let detailed = context.info.report_type == ReportType::QuakeDetail;
    let event_id = match context.report.head.event_id.trim() {
        "" => context.info.id.as_str().to_owned(),
        id => id.to_owned(),
    };
    let mut groups: Vec<(SendMode, Vec<Reading>)> = Vec::new();
    for (index, town) in context.area.towns.iter().enumerate() {
        let reading = if detailed {
            city_reading(observation, town.jma_area_code.as_str())
        } else {
            area_reading(observation, &context.area.quake_region_code)
        };
        let Some((intensity, unconfirmed)) = reading else {
            continue;
        };
        if intensity < context.rules.min_intensity {
            continue;
        }
        outcome.concerned = true;
        let key =
            QuakeKey { exercise: context.info.exercise, event_id: event_id.clone(), municipality: town.code.clone() };
        let previous = context.state.quakes.get(&key).map(|quake| quake.intensity);
        if previous.is_some_and(|previous| previous >= intensity) {
            continue;
        }
        let send = context.rules.mode(context.rules.quake_kind(intensity), &town.code);
        outcome.changes.push(StateChange::QuakeAnnounced {
            key,
            quake: AnnouncedQuake { intensity, at: context.info.reported_at },
        });
        let reading = Reading { town: index, intensity, unconfirmed, previous };
        match groups.iter_mut().find(|(mode, _)| *mode == send) {
            Some((_, readings)) => readings.push(reading),
            None => groups.push((send, vec![reading])),
        }
    }
    outcome.plans = groups.into_iter().map(|(send, readings)| plan(context, body, send, &readings)).collect();
    outcome
}

fn plan(context: &Context<'_>, body: &SeisBody, send: SendMode, readings: &[Reading]) -> Plan {
    let area = context.area;
    let towns: Vec<usize> = readings.iter().map(|r| r.town).collect();
    let strongest = readings.iter().map(|r| r.intensity).max().unwrap_or(Intensity::One);
    let uniform = readings.iter().all(|r| r.intensity == strongest);
    let (what_ja, what_en) = if uniform {
        (format!("{}の地震", strongest.label_ja()), format!("Earthquake, {}", strongest.label_en()))
    } else {
        (format!("最大{}の地震", strongest.label_ja()), format!("Earthquake, up to {}", strongest.label_en()))
    };
    let title_ja = compose::title_ja(&what_ja, "地震情報", area, &towns);
    let title_en = compose::title_en(&what_en, "Earthquake", area, &towns);

    let quake = body.earthquakes.first();
    let at = quake
        .and_then(|q| q.origin_time)
        .or_else(|| context.report.head.target_date_time.clone().into())
        .unwrap_or(context.info.reported_at);
    let mut ja = format!("{}、地震がありました。", compose::quake_time_ja(at));
    let mut en = format!("An earthquake struck at {}.", compose::quake_time_en(at));
    if let Some(hypocenter) = quake.and_then(|q| q.hypocenter.as_ref()) {
        let magnitude = quake.and_then(|q| q.magnitudes.first()).map(|m| m.value).filter(|m| m.is_finite());
        let place = compose::one_line(&hypocenter.area.name);
        ja.push_str(&format!("震源地は{place}"));
        en.push_str(&format!(" Epicentre: {place}"));
        if let Some(magnitude) = magnitude {
            ja.push_str(&format!("、地震の規模（マグニチュード）は{magnitude:.1}と推定されます"));
            en.push_str(&format!(", magnitude {magnitude:.1}"));
        }
        ja.push('。');
        en.push('.');
    }
    ja.push_str("\n\n【各地の震度】\n");
    en.push_str("\n\nShaking observed:\n");
    let mut levels: Vec<(Intensity, bool)> = readings.iter().map(|r| (r.intensity, r.unconfirmed)).collect();
    levels.sort_by(|a, b| b.cmp(a));
    levels.dedup();
    for (intensity, unconfirmed) in levels {
        let here: Vec<&Reading> =
            readings.iter().filter(|r| r.intensity == intensity && r.unconfirmed == unconfirmed).collect();
        let names: Vec<usize> = here.iter().map(|r| r.town).collect();
        let (label_ja, label_en) = if unconfirmed {
            (format!("{}以上（推定）", intensity.label_ja()), format!("{} or more (estimated)", intensity.label_en()))
        } else {
            (intensity.label_ja().to_owned(), intensity.label_en().to_owned())
        };
        ja.push_str(&format!("・{label_ja}：{}", towns_ja(area, &names)));
        en.push_str(&format!("- {label_en}: {}", compose::towns_en(area, &names)));
        if let Some(previous) = here.iter().find_map(|r| r.previous) {
            ja.push_str(&format!("（先の情報の{}から更新）", previous.label_ja()));
            en.push_str(&format!(" (updated from {})", previous.label_en()));
        }
        ja.push('\n');
        en.push('\n');
    }
    ja.push_str("\n【身を守るために】\n");
    en.push_str("\nWhat to do:\n");
    for (line_ja, line_en) in advice(strongest) {
        ja.push_str(&format!("・{line_ja}\n"));
        en.push_str(&format!("- {line_en}\n"));
    }
    let tsunami = body.comments.as_ref().and_then(|c| c.forecast_comment.as_ref()).map(|c| c.text.as_str());
    let tsunami_lines: Vec<&str> = tsunami.into_iter().flat_map(str::lines).filter(|l| l.contains("津波")).collect();
    if !tsunami_lines.is_empty() {
        ja.push_str(&format!("\n{}\n", tsunami_lines.join("\n")));
        if tsunami_lines.iter().any(|l| l.contains("津波の心配はありません")) {
            en.push_str("\nThis earthquake poses no tsunami risk.\n");
        }
    }
    ja.push('\n');
    ja.push_str(&compose::source_ja(context));
    en.push('\n');
    en.push_str(&compose::source_en(context));
    let urgency = if strongest >= context.rules.strong_intensity { Urgency::Emergency } else { Urgency::Normal };
    Plan { towns, send, urgency, title_ja, body_ja: ja, title_en, body_en: en, expires_at: None }
}

fn advice(strongest: Intensity) -> Vec<(&'static str, &'static str)> {
    if strongest >= Intensity::FiveLower {
        vec![
            ("揺れが続くときは、まず身の安全を確保してください。", "While the shaking lasts, protect yourself first."),
            (
                "倒れた家具や割れたガラスに気をつけ、火の元とガス漏れを確かめてください。",
                "Mind fallen furniture and broken glass; check for fire and gas leaks.",
            ),
            (
                "崖崩れや建物の倒壊のおそれがある場所には近づかないでください。",
                "Keep away from slopes and damaged buildings.",
            ),
            (
                "しばらくは同じくらいの揺れに注意し、市町村からの情報に従ってください。",
                "Expect strong aftershocks and follow your municipality's information.",
            ),
        ]
    } else if strongest >= Intensity::Four {
        vec![
            (
                "落ちてくる物や家具の転倒に注意し、火の元を確かめてください。",
                "Mind falling objects and toppling furniture, and check for fire.",
            ),
            ("しばらくは揺れに注意してください。", "Expect aftershocks for a while."),
        ]
    } else {
        vec![(
            "揺れを感じたら、まず身の安全を確保してください。今後の情報に注意してください。",
            "If you feel shaking, protect yourself first, and follow the latest information.",
        )]
    }
}
