//! Weather reports: warnings and 土砂災害警戒情報, which stay in force until lifted and
//! so are remembered, and 竜巻注意情報 and 記録的短時間大雨情報, which pass.

use jmaxml::Body;
use jmaxml::model::{MeteBody, MeteKind};

use super::compose::{self, towns_en, towns_ja};
use super::rules::{RuleKind, SendMode};
use super::state::{ActiveWarning, StateChange, WarningKey};
use super::warning::{WarningLevel, WarningName, advice, level_advice};
use super::{Context, JmaArea, JmaTown, Outcome, Plan, ReportType};
use crate::notice::Urgency;

/// One area listed in a `Warning`, with the kinds given for it.
struct AreaItem<'a> {
    code: &'a str,
    kinds: &'a [MeteKind],
}

fn area_items(body: &MeteBody) -> Vec<AreaItem<'_>> {
    let mut items = Vec::new();
    for warning in &body.warnings {
        for item in &warning.items {
            let areas = item.area.iter().chain(item.areas.iter().flat_map(|areas| areas.areas.iter()));
            for code in areas.filter_map(|area| area.code.as_deref()) {
                items.push(AreaItem { code: code.trim(), kinds: &item.kinds });
            }
        }
    }
    items
}

/// The kinds the report gives a town: its own entry when it has one, else its
/// region's. `None` when the report lists neither.
fn kinds_for<'a>(items: &[AreaItem<'a>], town: &JmaTown, area: &JmaArea) -> Option<Vec<&'a MeteKind>> {
    for code in [town.jma_area_code.as_str(), area.subregion_code.as_str()] {
        let listed: Vec<&AreaItem<'a>> = items.iter().filter(|item| item.code == code).collect();
        if !listed.is_empty() {
            return Some(listed.iter().flat_map(|item| item.kinds.iter()).collect());
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// 発表, 切替, 特別警報から警報…: something new to say.
    Change,
    Continue,
    Lifted,
    /// なし, 発表警報・注意報はなし: nothing in force.
    Nothing,
}

fn status_of(kind: &MeteKind) -> Status {
    match kind.status.as_deref().map(str::trim).unwrap_or_default() {
        "" | "なし" | "発表警報・注意報はなし" => Status::Nothing,
        "継続" => Status::Continue,
        lifted if lifted.contains("解除") => Status::Lifted,
        _ => Status::Change,
    }
}

/// What changed for one warning series in one town.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Issued {
        now: WarningName,
        previous: Option<WarningName>,
    },
    /// A lower level replaced an announced one (警報から注意報).
    Downgraded {
        previous: WarningName,
        now: WarningName,
    },
    Lifted {
        previous: WarningName,
    },
}

fn announced(key: &WarningKey, warning: &ActiveWarning) -> WarningName {
    WarningName {
        ja: warning.name.clone(),
        en: warning.name_en.clone(),
        hazard: key.hazard.clone(),
        level: warning.level,
    }
}

/// A notice goes out at once when any of what it carries would.
fn either_auto(a: SendMode, b: SendMode) -> SendMode {
    if a == SendMode::Auto || b == SendMode::Auto { SendMode::Auto } else { SendMode::Draft }
}

/// Towns that share the same news and the same way of sending, in seed order.
struct Groups<T> {
    groups: Vec<(T, SendMode, Vec<usize>)>,
}

impl<T: PartialEq> Groups<T> {
    fn new() -> Self {
        Self { groups: Vec::new() }
    }

    fn add(&mut self, news: T, send: SendMode, town: usize) {
        match self.groups.iter_mut().find(|(n, s, _)| *n == news && *s == send) {
            Some((_, _, towns)) => towns.push(town),
            None => self.groups.push((news, send, vec![town])),
        }
    }
}

/// 気象警報・注意報 and 土砂災害警戒情報: announced on 発表 or 切替, cleared on 解除.
pub(super) fn tracked(context: &Context<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    let Body::Meteorology(body) = &context.report.body else {
        return outcome;
    };
    let landslide = context.info.report_type == ReportType::Landslide;
    let items = area_items(body);
    let mut groups = Groups::new();
    for (index, town) in context.area.towns.iter().enumerate() {
        let Some(kinds) = kinds_for(&items, town, context.area) else {
            continue;
        };
        // Per phenomenon, so that an advisory lifted as its warning is issued in the
        // same report reads as one switch, not as an all-clear.
        let mut hazards: Vec<(String, Vec<(WarningName, Status)>)> = Vec::new();
        for kind in kinds {
            let status = status_of(kind);
            if status == Status::Nothing {
                continue;
            }
            let name = if landslide {
                WarningName::landslide(&context.info.title)
            } else {
                match kind.name.as_deref().and_then(|name| WarningName::parse(name, kind.condition.as_deref())) {
                    Some(name) => name,
                    None => continue,
                }
            };
            outcome.concerned = true;
            match hazards.iter_mut().find(|(hazard, _)| *hazard == name.hazard) {
                Some((_, entries)) => entries.push((name, status)),
                None => hazards.push((name.hazard.clone(), vec![(name, status)])),
            }
        }
        let mut changes = Vec::new();
        let mut issued_now: Vec<(WarningKey, WarningName)> = Vec::new();
        let mut send: Option<SendMode> = None;
        for (hazard, entries) in hazards {
            let key = WarningKey { exercise: context.info.exercise, hazard, municipality: town.code.clone() };
            let prior = context.state.warnings.get(&key).map(|warning| (announced(&key, warning), warning));
            let issued = entries.iter().filter(|(_, s)| *s == Status::Change).map(|(n, _)| n).max_by_key(|n| n.level);
            if let Some(now) = issued {
                let rule = match (landslide, now.level) {
                    (true, _) => RuleKind::Landslide,
                    (false, WarningLevel::Advisory) => RuleKind::Advisory,
                    (false, _) => RuleKind::Warning,
                };
                let mode = context.rules.mode(rule, &town.code);
                let change = match prior {
                    // The same issue told twice: by VPWW54 and a per-hazard VPWW, by
                    // VXWW50 and VPWW56, or in a correction.
                    Some((previous, warning))
                        if previous.level == now.level
                            && (warning.issued_at == context.info.reported_at || context.info.info_type == "訂正") =>
                    {
                        continue;
                    }
                    Some((previous, warning)) if now.level < previous.level => {
                        send = Some(either_auto(send.unwrap_or(mode), either_auto(warning.send, mode)));
                        Change::Downgraded { previous, now: now.clone() }
                    }
                    prior => {
                        send = Some(either_auto(send.unwrap_or(mode), mode));
                        // Only a lower level is "switched from"; the same level again is
                        // a new issue after a lifting Kizuna did not see.
                        let previous = prior.map(|(previous, _)| previous).filter(|p| p.level < now.level);
                        Change::Issued { now: now.clone(), previous }
                    }
                };
                changes.push(change);
                issued_now.push((key, now.clone()));
            } else if entries.iter().any(|(_, s)| *s == Status::Continue) {
                // 継続 says nothing new, whether or not Kizuna announced the issue.
            } else if let Some((previous, warning)) = prior {
                send = Some(either_auto(send.unwrap_or(warning.send), warning.send));
                changes.push(Change::Lifted { previous });
                outcome.changes.push(StateChange::WarningCleared { key });
            }
        }
        if let (false, Some(send)) = (changes.is_empty(), send) {
            // Each warning remembers how the notice that carried it went out, so its
            // all-clear goes the same way.
            for (key, now) in issued_now {
                outcome.changes.push(StateChange::WarningActive {
                    key,
                    warning: ActiveWarning {
                        name: now.ja,
                        name_en: now.en,
                        level: now.level,
                        issued_at: context.info.reported_at,
                        send,
                    },
                });
            }
            groups.add(changes, send, index);
        }
    }
    outcome.plans =
        groups.groups.into_iter().map(|(changes, send, towns)| tracked_plan(context, towns, &changes, send)).collect();
    outcome
}

fn tracked_plan(context: &Context<'_>, towns: Vec<usize>, changes: &[Change], send: SendMode) -> Plan {
    let area = context.area;
    let landslide = context.info.report_type == ReportType::Landslide;
    let issued: Vec<&WarningName> = changes
        .iter()
        .filter_map(|change| match change {
            Change::Issued { now, .. } => Some(now),
            _ => None,
        })
        .collect();
    let ended: Vec<&WarningName> = changes
        .iter()
        .filter_map(|change| match change {
            Change::Downgraded { previous, .. } | Change::Lifted { previous } => Some(previous),
            Change::Issued { .. } => None,
        })
        .collect();
    fn names_ja(names: &[&WarningName], separator: &str) -> String {
        names.iter().map(|n| n.ja.as_str()).collect::<Vec<_>>().join(separator)
    }
    fn names_en(names: &[&WarningName]) -> String {
        names.iter().map(|n| n.en.as_str()).collect::<Vec<_>>().join(", ")
    }

    let mut what_ja = Vec::new();
    let mut what_en = Vec::new();
    if !issued.is_empty() {
        what_ja.push(format!("{}発表", names_ja(&issued, "・")));
        what_en.push(format!("{} issued", names_en(&issued)));
    }
    if !ended.is_empty() {
        what_ja.push(format!("{}解除", names_ja(&ended, "・")));
        what_en.push(format!("{} lifted", names_en(&ended)));
    }
    let (fallback_ja, fallback_en) = if landslide {
        ("土砂災害警戒情報", "Landslide alert")
    } else {
        ("気象警報・注意報", "Weather warnings")
    };
    let title_ja = compose::title_ja(&what_ja.join("、"), fallback_ja, area, &towns);
    let title_en = compose::title_en(&what_en.join("; "), fallback_en, area, &towns);

    let where_ja = towns_ja(area, &towns);
    let where_en = towns_en(area, &towns);
    let mut ja = String::new();
    let mut en = String::new();
    let mut lead_en = Vec::new();
    if !issued.is_empty() {
        ja.push_str(&format!("{where_ja}に{}が発表されました。", names_ja(&issued, "、")));
        lead_en.push(format!("{} issued for {where_en}.", names_en(&issued)));
    }
    if !ended.is_empty() {
        ja.push_str(&format!("{where_ja}の{}は解除されました。", names_ja(&ended, "、")));
        lead_en.push(format!("{} lifted for {where_en}.", names_en(&ended)));
    }
    en.push_str(&lead_en.join(" "));
    ja.push_str("\n\n【内容】\n");
    en.push_str("\n\nDetails:\n");
    for change in changes {
        let (line_ja, line_en) = match change {
            Change::Issued { now, previous: None } => (format!("{}：発表", now.ja), format!("{}: issued", now.en)),
            Change::Issued { now, previous: Some(previous) } => (
                format!("{}：発表（{}から切り替え）", now.ja, previous.ja),
                format!("{}: issued (replacing the {})", now.en, previous.en),
            ),
            Change::Downgraded { previous, now } => (
                format!("{}：解除（{}に切り替え）", previous.ja, now.ja),
                format!("{}: lifted (now a {})", previous.en, now.en),
            ),
            Change::Lifted { previous } => (format!("{}：解除", previous.ja), format!("{}: lifted", previous.en)),
        };
        ja.push_str(&format!("・{line_ja}\n"));
        en.push_str(&format!("- {line_en}\n"));
    }
    if issued.is_empty() {
        // Ground stays loose and rivers high after rain ends; other all-clears just say so.
        let wet = ended.iter().any(|name| matches!(name.hazard.as_str(), "大雨" | "洪水" | "土砂災害" | "融雪"));
        if wet {
            ja.push_str("\nしばらくは崖や増水した川に近づかないなど、引き続き安全に気をつけてください。\n");
            en.push_str("\nStay careful for a while: keep away from slopes and swollen rivers.\n");
        } else {
            ja.push_str("\n引き続き、最新の気象情報に注意してください。\n");
            en.push_str("\nKeep following the latest weather information.\n");
        }
    } else {
        ja.push_str("\n【身を守るために】\n");
        en.push_str("\nWhat to do:\n");
        let mut lines: Vec<(&str, &str)> = Vec::new();
        for name in &issued {
            for line in level_advice(name.level).into_iter().chain([advice(&name.hazard)]) {
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        for (line_ja, line_en) in lines {
            ja.push_str(&format!("・{line_ja}\n"));
            en.push_str(&format!("- {line_en}\n"));
        }
        if let Some(headline) = compose::headline(context) {
            ja.push_str(&format!("\n【気象台の見出し】\n{headline}\n"));
        }
        ja.push_str("\n最新の情報は気象庁のホームページなどで確かめ、市町村からの避難情報に従ってください。\n");
        en.push_str("\nCheck the latest JMA information and follow evacuation information from your municipality.\n");
    }
    ja.push_str(&compose::source_ja(context));
    en.push_str(&compose::source_en(context));
    let urgent = issued.iter().any(|name| name.level >= WarningLevel::Warning);
    Plan {
        towns,
        send,
        urgency: if urgent { Urgency::Emergency } else { Urgency::Normal },
        title_ja,
        body_ja: ja,
        title_en,
        body_en: en,
        expires_at: None,
    }
}

/// 竜巻注意情報 and 記録的短時間大雨情報: each issue is news; nothing to clear.
pub(super) fn passing(context: &Context<'_>) -> Outcome {
    let mut outcome = Outcome::default();
    let Body::Meteorology(body) = &context.report.body else {
        return outcome;
    };
    let tornado = context.info.report_type == ReportType::Tornado;
    let (name, rule) = if tornado {
        ("竜巻注意情報", RuleKind::Tornado)
    } else {
        ("記録的短時間大雨情報", RuleKind::RecordRain)
    };
    let items = area_items(body);
    let headline = context.report.head.headline.text.as_str();
    let prefecture_issued = items.iter().any(|item| {
        item.code == context.area.prefecture_code
            && item.kinds.iter().any(|kind| status_of(kind) == Status::Change && kind.name.as_deref() == Some(name))
    });
    let mut groups = Groups::new();
    for (index, town) in context.area.towns.iter().enumerate() {
        let statuses: Vec<Status> = match kinds_for(&items, town, context.area) {
            Some(kinds) => kinds.iter().filter(|k| k.name.as_deref() == Some(name)).map(|k| status_of(k)).collect(),
            // 記録的短時間大雨情報 is issued for the whole prefecture and names the place
            // in its headline: `…秩父市付近で約１２０ミリ`.
            None if !tornado && prefecture_issued && names_town(headline, &town.name_ja) => vec![Status::Change],
            None => Vec::new(),
        };
        if statuses.iter().any(|s| matches!(s, Status::Change | Status::Continue)) {
            outcome.concerned = true;
        }
        if statuses.contains(&Status::Change) {
            groups.add((), context.rules.mode(rule, &town.code), index);
        }
    }
    outcome.plans = groups
        .groups
        .into_iter()
        .map(
            |((), send, towns)| {
                if tornado { tornado_plan(context, towns, send) } else { rain_plan(context, towns, send) }
            },
        )
        .collect();
    outcome
}

fn names_town(headline: &str, town: &str) -> bool {
    [format!("{town}で"), format!("{town}付近")].iter().any(|needle| headline.contains(needle.as_str()))
}

fn tornado_plan(context: &Context<'_>, towns: Vec<usize>, send: SendMode) -> Plan {
    let area = context.area;
    let where_ja = towns_ja(area, &towns);
    let where_en = towns_en(area, &towns);
    let valid = context.report.head.valid_date_time;
    let mut ja = format!(
        "{where_ja}に竜巻注意情報が発表されました。竜巻などの激しい突風が起こりやすい気象状況です。\n\n\
         【身を守るために】\n\
         ・空の様子に注意してください。\n\
         ・真っ黒な雲が近づく、雷が鳴る、急に冷たい風が吹くなどの変化があれば、頑丈な建物の中に移動し、窓から離れてください。\n"
    );
    let mut en = format!(
        "A tornado advisory has been issued for {where_en}: conditions favour tornadoes and violent gusts.\n\n\
         What to do:\n\
         - Watch the sky.\n\
         - If dark clouds approach, thunder sounds or a cold wind suddenly blows, move into a sturdy building and stay away from windows.\n"
    );
    if let Some(valid) = valid {
        ja.push_str(&format!("\nこの情報は{}まで有効です。\n", compose::valid_until_ja(valid)));
        en.push_str(&format!("\nThis advisory is valid until {}.\n", compose::valid_until_en(valid)));
    }
    ja.push_str(&compose::source_ja(context));
    en.push_str(&compose::source_en(context));
    Plan {
        title_ja: compose::title_ja("竜巻注意情報", "竜巻注意情報", area, &towns),
        title_en: compose::title_en("Tornado advisory", "Tornado advisory", area, &towns),
        towns,
        send,
        urgency: Urgency::Normal,
        body_ja: ja,
        body_en: en,
        expires_at: valid,
    }
}

fn rain_plan(context: &Context<'_>, towns: Vec<usize>, send: SendMode) -> Plan {
    let area = context.area;
    let where_ja = towns_ja(area, &towns);
    let where_en = towns_en(area, &towns);
    let mut ja = format!(
        "{where_ja}で、数年に一度しかないような猛烈な雨が降っています（記録的短時間大雨情報）。\
         土砂災害、浸水、川の氾濫の危険が急に高まっています。\n\n\
         【身を守るために】\n\
         ・市町村の避難情報を確かめ、崖や川から離れた安全な場所に移動してください。\n\
         ・外に出るのが危ないときは、建物の2階以上など、少しでも安全な場所にとどまってください。\n"
    );
    let mut en = format!(
        "Record-breaking short-term heavy rain in {where_en}: rain of a kind seen once in several years. \
         The danger of landslides, inundation and overflowing rivers is rising fast.\n\n\
         What to do:\n\
         - Check your municipality's evacuation information and move away from slopes and rivers.\n\
         - If it is too dangerous to go out, stay on an upper floor or wherever is safest.\n"
    );
    if let Some(headline) = compose::headline(context) {
        ja.push_str(&format!("\n【気象台の見出し】\n{headline}\n"));
    }
    ja.push_str(&compose::source_ja(context));
    en.push('\n');
    en.push_str(&compose::source_en(context));
    Plan {
        title_ja: compose::title_ja("記録的短時間大雨情報", "記録的短時間大雨情報", area, &towns),
        title_en: compose::title_en("Record short-term heavy rain", "Record heavy rain", area, &towns),
        towns,
        send,
        urgency: Urgency::Normal,
        body_ja: ja,
        body_en: en,
        expires_at: None,
    }
}
