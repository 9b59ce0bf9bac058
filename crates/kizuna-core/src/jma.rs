//! JMA 防災情報XML reports turned into Kizuna notice decisions: which towns a report
//! concerns, whether it is news, and the text residents receive. Pure: the caller
//! passes the report text, the remembered [`JmaState`] and the time, and persists the
//! returned [`StateChange`]s.
//!
//! Handled: 気象警報・注意報 (VPWW54 and the per-hazard VPWW55–61), 土砂災害警戒情報
//! (VXWW50), 竜巻注意情報 (VPHW50), 記録的短時間大雨情報 (VPOA50), 震度速報 (VXSE51)
//! and 震源・震度に関する情報 (VXSE53). Everything else is skipped.
//!
//! Which towns: a town counts when the report gives *it* an issued status (or, for
//! earthquakes, an intensity at or above the threshold). When the report does not
//! list the town itself, its region counts instead (一次細分区域 110030 秩父地方 for
//! weather; area 332 埼玉県秩父 in 震度速報, which lists no cities). The town's own
//! entry wins over its region's because JMA marks a region as issued when any one of
//! its towns is: VPWW54 for Tokushima lists 北部 with 高潮警報 発表 while 徳島市 in
//! it has none. A prefecture-wide 110000 never counts on its own.

mod compose;
mod guard;
mod intensity;
mod quake;
mod rules;
mod state;
mod warning;
mod weather;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use thiserror::Error;

pub use guard::JmaLimits;
pub use intensity::Intensity;
pub use rules::{JmaRules, JmaRulesConfig, JmaRulesError, RuleKind, SendMode};
pub use state::{
    ActiveWarning, AnnouncedQuake, JmaState, QuakeKey, ReportId, Restore, SeriesKey, SeriesReport, StateChange,
    WarningKey,
};
pub use warning::WarningLevel;

use crate::codes::{CategoryKey, JmaAreaCode, MunicipalityCode};
use crate::consortium::{ConsortiumInfo, ConsortiumSeed, Municipality};
use crate::notice::Urgency;
use crate::text::{NoticeBody, NoticeTitle};

/// Why a report could not be read. The poller logs it and moves on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JmaError {
    #[error("the report is empty")]
    Empty,
    #[error("the report is {size} bytes, over the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("the report declares a DOCTYPE; JMA reports never do, and entity declarations are refused")]
    Doctype,
    #[error("the report refers to the undeclared entity &{0};")]
    UnknownEntity(String),
    #[error("the report nests elements deeper than {max}")]
    TooDeep { max: usize },
    #[error("the report is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the text is not a JMA report: {0}")]
    NotJmaReport(String),
    #[error("the JMA report does not match its schema: {0}")]
    Schema(String),
    #[error("the notice text could not be made: {0}")]
    Text(String),
}

/// The report types Kizuna reads, told apart by `Control/Title`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportType {
    /// VPWW54 気象警報・注意報（Ｈ２７） and VPWW55–61 気象警報・注意報（Ｒ０６）（…）.
    WeatherWarnings,
    /// VPWW53 気象特別警報・警報・注意報: the same warnings as VPWW54, so skipped.
    LegacyWeatherWarnings,
    /// VXWW50 土砂災害警戒情報.
    Landslide,
    /// VPHW50 竜巻注意情報.
    Tornado,
    /// VPOA50 記録的短時間大雨情報.
    RecordRain,
    /// VXSE51 震度速報.
    IntensityFlash,
    /// VXSE53 震源・震度に関する情報.
    QuakeDetail,
}

impl ReportType {
    pub fn from_control_title(title: &str) -> Option<Self> {
        let title = title.trim();
        let kind = match title {
            "気象特別警報・警報・注意報" => ReportType::LegacyWeatherWarnings,
            "土砂災害警戒情報" => ReportType::Landslide,
            "記録的短時間大雨情報" => ReportType::RecordRain,
            "震度速報" => ReportType::IntensityFlash,
            "震源・震度に関する情報" => ReportType::QuakeDetail,
            _ if title.starts_with("気象警報・注意報") => ReportType::WeatherWarnings,
            _ if title.starts_with("竜巻注意情報") => ReportType::Tornado,
            _ => return None,
        };
        Some(kind)
    }

    /// The JMA data type code, for logs.
    pub fn code(self) -> &'static str {
        match self {
            ReportType::WeatherWarnings => "VPWW54-61",
            ReportType::LegacyWeatherWarnings => "VPWW53",
            ReportType::Landslide => "VXWW50",
            ReportType::Tornado => "VPHW50",
            ReportType::RecordRain => "VPOA50",
            ReportType::IntensityFlash => "VXSE51",
            ReportType::QuakeDetail => "VXSE53",
        }
    }

    fn category(self) -> &'static str {
        match self {
            ReportType::WeatherWarnings
            | ReportType::LegacyWeatherWarnings
            | ReportType::Tornado
            | ReportType::RecordRain => "weather",
            ReportType::Landslide | ReportType::IntensityFlash | ReportType::QuakeDetail => "disaster",
        }
    }
}

/// A member town as JMA names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaTown {
    pub code: MunicipalityCode,
    pub jma_area_code: JmaAreaCode,
    pub name_ja: String,
    pub name_en: String,
}

/// The consortium's towns and the JMA regions around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaArea {
    pub towns: Vec<JmaTown>,
    /// 府県予報区 (110000 埼玉県): never counts on its own.
    pub prefecture_code: String,
    /// 一次細分区域 (110030 秩父地方).
    pub subregion_code: String,
    /// 地震情報／細分区域 (332 埼玉県秩父).
    pub quake_region_code: String,
}

impl JmaArea {
    pub fn from_seed(seed: &ConsortiumSeed) -> Self {
        Self::new(&seed.info, &seed.municipalities)
    }

    /// The area as the store keeps it: the consortium and its member towns.
    pub fn new(info: &ConsortiumInfo, municipalities: &[Municipality]) -> Self {
        Self {
            towns: municipalities
                .iter()
                .map(|m| JmaTown {
                    code: m.code.clone(),
                    jma_area_code: m.jma_area_code.clone(),
                    name_ja: m.name_ja.clone(),
                    name_en: m.name_en.clone(),
                })
                .collect(),
            prefecture_code: info.jma_prefecture_code.trim().to_owned(),
            subregion_code: info.jma_subregion_code.trim().to_owned(),
            quake_region_code: info.jma_quake_region_code.trim().to_owned(),
        }
    }
}

/// What the mapper learned about a report it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInfo {
    pub id: ReportId,
    pub report_type: ReportType,
    /// `Head/Title`, e.g. `埼玉県気象警報・注意報`.
    pub title: String,
    /// `Head/InfoType`: 発表, 訂正 or 取消.
    pub info_type: String,
    pub reported_at: DateTime<Utc>,
    /// `Control/Status` 訓練.
    pub exercise: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A report type Kizuna does not read.
    NotHandled { title: String },
    /// VPWW53 carries the warnings VPWW54 carries.
    ReplacedByVpww54,
    /// `Control/Status` 試験: a transmission test.
    TestMessage,
    /// `Control/Status` other than 通常, 訓練 or 試験.
    UnknownStatus { status: String },
    /// The same report was handled before.
    AlreadyProcessed,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotHandled { title } => write!(f, "report type {title:?} is not handled"),
            SkipReason::ReplacedByVpww54 => f.write_str("VPWW53 is skipped; VPWW54 carries the same warnings"),
            SkipReason::TestMessage => f.write_str("a transmission test (試験)"),
            SkipReason::UnknownStatus { status } => write!(f, "unknown Control/Status {status:?}"),
            SkipReason::AlreadyProcessed => f.write_str("the same report was handled before"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordReason {
    /// Older than the stale limit: kept for the record, never sent as news.
    Stale { minutes: i64 },
    /// None of the towns has an issued status or strong enough shaking.
    NoAffectedTowns,
    /// The towns are concerned, but nothing changed for them (継続, or already announced).
    NothingNew,
    /// 取消 of a series Kizuna holds no report of (never read, pruned, or cancelled
    /// already): nothing to take back.
    NothingToCancel,
}

impl fmt::Display for RecordReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordReason::Stale { minutes } => write!(f, "the report is {minutes} minutes old"),
            RecordReason::NoAffectedTowns => f.write_str("no member town is affected"),
            RecordReason::NothingNew => f.write_str("nothing new for the member towns"),
            RecordReason::NothingToCancel => f.write_str("JMA withdrew a report Kizuna holds nothing of (取消)"),
        }
    }
}

/// Where a notice came from; stable, so it can serve as an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JmaSource {
    pub report: ReportId,
    /// Which of the report's notices, from 1.
    pub part: usize,
}

impl fmt::Display for JmaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::prefix(&self.report), self.part)
    }
}

impl JmaSource {
    /// What the sources of every notice of `report` begin with: `jma:{report}#`.
    pub fn prefix(report: &ReportId) -> String {
        format!("jma:{report}#")
    }
}

/// A 取消: JMA withdrew `report`, the last report Kizuna read in the series. Its
/// notices are to be taken back and those they reached told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaCancel {
    pub report: ReportId,
    /// The withdrawn report's `Head/Title` and `ReportDateTime`.
    pub title: String,
    pub reported_at: DateTime<Utc>,
}

/// A notice to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmaNotice {
    pub title: NoticeTitle,
    pub body: NoticeBody,
    pub title_en: NoticeTitle,
    pub body_en: NoticeBody,
    /// `weather` or `disaster`.
    pub category: CategoryKey,
    pub municipalities: Vec<MunicipalityCode>,
    pub urgency: Urgency,
    /// From a drill (訓練): always left as a draft.
    pub exercise: bool,
    pub send: SendMode,
    pub source: JmaSource,
    /// When the information lapses (竜巻注意情報 has a validity).
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Skip { reason: SkipReason },
    Record { reason: RecordReason },
    Notice(Box<JmaNotice>),
    Cancel(JmaCancel),
}

/// The result of reading one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// `None` when the report was skipped before it was parsed.
    pub report: Option<ReportInfo>,
    /// One `Skip`, one `Record`, one `Cancel`, or one or more `Notice`s.
    pub decisions: Vec<Decision>,
    /// To persist, in order, whatever the decisions.
    pub changes: Vec<StateChange>,
}

impl Evaluation {
    fn skip(report: Option<ReportInfo>, reason: SkipReason) -> Self {
        Self { report, decisions: vec![Decision::Skip { reason }], changes: Vec::new() }
    }

    pub fn notices(&self) -> impl Iterator<Item = &JmaNotice> {
        self.decisions.iter().filter_map(|decision| match decision {
            Decision::Notice(notice) => Some(notice.as_ref()),
            _ => None,
        })
    }
}

/// A notice as an evaluator plans it, before the common parts are added.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    towns: Vec<usize>,
    send: SendMode,
    urgency: Urgency,
    title_ja: String,
    body_ja: String,
    title_en: String,
    body_en: String,
    expires_at: Option<DateTime<Utc>>,
}

/// What an evaluator found.
#[derive(Debug, Default)]
struct Outcome {
    plans: Vec<Plan>,
    changes: Vec<StateChange>,
    /// Whether any town was concerned at all, even without news.
    concerned: bool,
}

/// What every evaluator needs to know about the report at hand.
struct Context<'a> {
    report: &'a jmaxml::Report,
    info: &'a ReportInfo,
    area: &'a JmaArea,
    rules: &'a JmaRules,
    state: &'a JmaState,
}

/// Reads JMA reports for one consortium under one set of rules.
#[derive(Debug, Clone)]
pub struct JmaMapper {
    area: JmaArea,
    rules: JmaRules,
    limits: JmaLimits,
}

impl JmaMapper {
    pub fn new(area: JmaArea, rules: JmaRules) -> Self {
        Self { area, rules, limits: JmaLimits::default() }
    }

    pub fn with_limits(mut self, limits: JmaLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn area(&self) -> &JmaArea {
        &self.area
    }

    pub fn rules(&self) -> &JmaRules {
        &self.rules
    }

    /// Reads one report. `state` is what earlier reports left; `now` decides whether
    /// the report is still news.
    ///
    /// Every report read is remembered as the last of its series, with how the
    /// entries it changed stood before. A 取消 withdraws that report and puts those
    /// entries back, so that a cancelled issue leaves no warning to be announced as
    /// lifted later, a cancelled 解除 leaves the warning in force again, and a
    /// cancelled earthquake report leaves the intensity announced before it. It does
    /// not go further back: JMA follows a 取消 with a new report when something
    /// stands, and that report is read like any other. A 取消 is never stale: taking
    /// back wrong information matters however late it comes.
    pub fn evaluate(&self, xml: &str, state: &JmaState, now: DateTime<Utc>) -> Result<Evaluation, JmaError> {
        let scanned = if xml.len() > self.limits.max_bytes {
            // A large report of a type Kizuna ignores is skipped, not refused.
            let too_large = JmaError::TooLarge { size: xml.len(), max: self.limits.max_bytes };
            match guard::scan_head(xml, &self.limits)? {
                Some(head) if ReportType::from_control_title(&head.title).is_none() => {
                    return Ok(Evaluation::skip(None, SkipReason::NotHandled { title: head.title }));
                }
                _ => return Err(too_large),
            }
        } else {
            guard::scan(xml, &self.limits)?
        };
        let Some(report_type) = ReportType::from_control_title(&scanned.title) else {
            return Ok(Evaluation::skip(None, SkipReason::NotHandled { title: scanned.title }));
        };
        if report_type == ReportType::LegacyWeatherWarnings {
            return Ok(Evaluation::skip(None, SkipReason::ReplacedByVpww54));
        }
        if scanned.status.as_deref() == Some("試験") {
            return Ok(Evaluation::skip(None, SkipReason::TestMessage));
        }
        let report = jmaxml::Report::from_str(xml).map_err(|error| JmaError::Schema(error.to_string()))?;
        let exercise = match report.control.status.trim() {
            "通常" => false,
            "訓練" => true,
            "試験" => return Ok(Evaluation::skip(None, SkipReason::TestMessage)),
            other => return Ok(Evaluation::skip(None, SkipReason::UnknownStatus { status: other.to_owned() })),
        };
        let head = &report.head;
        let reported_at = head.report_date_time;
        let info = ReportInfo {
            id: ReportId::new(&[
                &report.control.title,
                &report.control.status,
                &head.title,
                &head.event_id,
                &head.serial,
                &head.info_type,
                &reported_at.to_rfc3339(),
            ]),
            report_type,
            title: compose::one_line(&head.title),
            info_type: head.info_type.trim().to_owned(),
            reported_at,
            exercise,
        };
        if state.processed.contains_key(&info.id) {
            return Ok(Evaluation::skip(Some(info), SkipReason::AlreadyProcessed));
        }
        let series = SeriesKey::new(&[
            &report.control.title,
            &report.control.editorial_office,
            &report.control.status,
            &head.event_id,
        ]);
        let mut changes = vec![StateChange::Processed { report: info.id.clone(), at: reported_at }];
        if info.info_type == "取消" {
            return Ok(cancel(info, series, state, changes));
        }
        // Remembers the report as its series' last, with what a 取消 of it puts back.
        let remember = |mut changes: Vec<StateChange>, info: &ReportInfo| {
            let last = SeriesReport {
                report: info.id.clone(),
                title: info.title.clone(),
                reported_at,
                restore: state.restore_for(&changes),
            };
            changes.push(StateChange::SeriesRead { series: series.clone(), last });
            changes
        };
        let record = |info: ReportInfo, changes: Vec<StateChange>, reason: RecordReason| Evaluation {
            changes: remember(changes, &info),
            report: Some(info),
            decisions: vec![Decision::Record { reason }],
        };
        let context = Context { report: &report, info: &info, area: &self.area, rules: &self.rules, state };
        let outcome = match report_type {
            ReportType::WeatherWarnings | ReportType::Landslide => weather::tracked(&context),
            ReportType::Tornado | ReportType::RecordRain => weather::passing(&context),
            ReportType::IntensityFlash | ReportType::QuakeDetail => quake::evaluate(&context),
            ReportType::LegacyWeatherWarnings => Outcome::default(),
        };
        let age = now - reported_at;
        if age > self.rules.stale_after {
            // Clearing still counts, so a later issue is not mistaken for a repeat;
            // nothing new is remembered as announced, because nothing was.
            changes.extend(outcome.changes.into_iter().filter(|c| matches!(c, StateChange::WarningCleared { .. })));
            return Ok(record(info, changes, RecordReason::Stale { minutes: age.num_minutes() }));
        }
        changes.extend(outcome.changes);
        if outcome.plans.is_empty() {
            let reason = if outcome.concerned { RecordReason::NothingNew } else { RecordReason::NoAffectedTowns };
            return Ok(record(info, changes, reason));
        }
        let category = CategoryKey::parse(report_type.category()).map_err(|error| JmaError::Text(error.to_string()))?;
        let mut decisions = Vec::new();
        for (index, plan) in outcome.plans.into_iter().enumerate() {
            let notice = self.finish(plan, &info, &category, index + 1)?;
            decisions.push(Decision::Notice(Box::new(notice)));
        }
        let changes = remember(changes, &info);
        Ok(Evaluation { report: Some(info), decisions, changes })
    }

    fn finish(
        &self,
        plan: Plan,
        info: &ReportInfo,
        category: &CategoryKey,
        part: usize,
    ) -> Result<JmaNotice, JmaError> {
        let text = |error: crate::text::TextError| JmaError::Text(error.to_string());
        let (body_ja, body_en) = if info.exercise {
            (
                format!("【訓練】これは訓練のための情報です。実際の災害ではありません。\n\n{}", plan.body_ja),
                format!("[DRILL] This is a drill, not a real event.\n\n{}", plan.body_en),
            )
        } else {
            (plan.body_ja, plan.body_en)
        };
        Ok(JmaNotice {
            title: NoticeTitle::parse(&plan.title_ja).map_err(text)?,
            body: NoticeBody::parse(&body_ja).map_err(text)?,
            title_en: NoticeTitle::parse_field(&plan.title_en, "title_en").map_err(text)?,
            body_en: NoticeBody::parse_field(&body_en, "body_en").map_err(text)?,
            category: category.clone(),
            municipalities: plan.towns.iter().filter_map(|i| self.area.towns.get(*i)).map(|t| t.code.clone()).collect(),
            urgency: plan.urgency,
            exercise: info.exercise,
            // A drill is never sent as real: at most an approver sends it as a drill.
            send: if info.exercise { SendMode::Draft } else { plan.send },
            source: JmaSource { report: info.id.clone(), part },
            expires_at: plan.expires_at,
        })
    }
}

/// A 取消: withdraws the series' last report and puts back what reading it changed.
/// The withdrawn report stays handled, so its text read again is not news again.
fn cancel(info: ReportInfo, series: SeriesKey, state: &JmaState, mut changes: Vec<StateChange>) -> Evaluation {
    let Some(last) = state.series.get(&series) else {
        return Evaluation {
            report: Some(info),
            decisions: vec![Decision::Record { reason: RecordReason::NothingToCancel }],
            changes,
        };
    };
    changes.extend(last.restore.iter().map(Restore::change));
    changes.push(StateChange::SeriesCancelled { series });
    let cancel = JmaCancel { report: last.report.clone(), title: last.title.clone(), reported_at: last.reported_at };
    Evaluation { report: Some(info), decisions: vec![Decision::Cancel(cancel)], changes }
}
