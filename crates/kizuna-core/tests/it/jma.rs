//! JMA reports read as the poller reads them: every official sample against a table
//! of the notices it must produce, with cancellations (取消) derived from them; and
//! samples re-coded onto 秩父地方 (110030) and the five towns for the cases the
//! official ones do not reach.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::jma::{
    Decision, Evaluation, Intensity, JmaArea, JmaCancel, JmaError, JmaLimits, JmaMapper, JmaNotice, JmaRules, JmaState,
    RecordReason, RuleKind, SendMode, SkipReason,
};
use kizuna_core::notice::Urgency;

const CHICHIBU: &str = "112071";
const YOKOZE: &str = "113611";
const MINANO: &str = "113620";
const NAGATORO: &str = "113638";
const OGANO: &str = "113654";
const ALL_FIVE: &[&str] = &[CHICHIBU, YOKOZE, MINANO, NAGATORO, OGANO];
const FIVE_JA: &str = "秩父市・横瀬町・皆野町・長瀞町・小鹿野町";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/jmaxml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The report's own `ReportDateTime`, so that old samples are read as fresh news.
fn report_time(xml: &str) -> DateTime<Utc> {
    let text = xml
        .split_once("<ReportDateTime>")
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(time, _)| time)
        .unwrap_or_else(|| panic!("no ReportDateTime"));
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("ReportDateTime {text}: {e}")).with_timezone(&Utc)
}

fn area() -> JmaArea {
    JmaArea::from_seed(&ConsortiumSeed::chichibu().unwrap_or_else(|e| panic!("built-in seed: {e}")))
}

fn mapper() -> JmaMapper {
    JmaMapper::new(area(), JmaRules::default())
}

/// Reads a report at `now` and remembers what it says, as the poller and store do.
fn read_at(mapper: &JmaMapper, xml: &str, state: &mut JmaState, now: DateTime<Utc>) -> Evaluation {
    let evaluation = mapper.evaluate(xml, state, now).unwrap_or_else(|error| panic!("refused: {error}"));
    state.apply(&evaluation.changes);
    evaluation
}

/// Reads a fixture at its own report time.
fn read(mapper: &JmaMapper, name: &str, state: &mut JmaState) -> Evaluation {
    let xml = fixture(name);
    read_at(mapper, &xml, state, report_time(&xml))
}

fn codes(codes: &[&str]) -> Vec<MunicipalityCode> {
    codes.iter().map(|code| MunicipalityCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"))).collect()
}

fn notices(evaluation: &Evaluation) -> Vec<&JmaNotice> {
    evaluation.notices().collect()
}

/// The part of a notice a resident and an approver see at a glance.
#[derive(Debug, PartialEq)]
struct Seen {
    title: String,
    towns: Vec<MunicipalityCode>,
    send: SendMode,
    urgency: Urgency,
    category: String,
}

fn seen(notice: &JmaNotice) -> Seen {
    Seen {
        title: notice.title.as_str().to_owned(),
        towns: notice.municipalities.clone(),
        send: notice.send,
        urgency: notice.urgency,
        category: notice.category.as_str().to_owned(),
    }
}

fn expect(title: &str, towns: &[&str], send: SendMode, urgency: Urgency, category: &str) -> Seen {
    Seen { title: title.to_owned(), towns: codes(towns), send, urgency, category: category.to_owned() }
}

fn only_record(evaluation: &Evaluation) -> Option<&RecordReason> {
    match evaluation.decisions.as_slice() {
        [Decision::Record { reason }] => Some(reason),
        _ => None,
    }
}

fn only_skip(evaluation: &Evaluation) -> Option<&SkipReason> {
    match evaluation.decisions.as_slice() {
        [Decision::Skip { reason }] => Some(reason),
        _ => None,
    }
}

fn only_cancel(evaluation: &Evaluation) -> Option<&JmaCancel> {
    match evaluation.decisions.as_slice() {
        [Decision::Cancel(cancel)] => Some(cancel),
        _ => None,
    }
}

/// A report as the table reads it: a sample file as it is, or a 取消 derived from
/// one — the same report with `InfoType` 取消 and a `ReportDateTime` `minutes` later,
/// its Body kept or (`bodyless`) emptied as JMA may send it.
#[derive(Debug, Clone, Copy)]
enum Read {
    File(&'static str),
    Cancel { of: &'static str, minutes: i64, bodyless: bool },
}

impl Read {
    fn xml(self) -> String {
        match self {
            Read::File(name) => fixture(name),
            Read::Cancel { of, minutes, bodyless } => cancellation(&fixture(of), minutes, bodyless),
        }
    }
}

/// `xml` made into its own 取消 `minutes` later.
fn cancellation(xml: &str, minutes: i64, bodyless: bool) -> String {
    let replace_between = |text: &str, open: &str, close: &str, with: &str| {
        let start = text.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
        let end = start + text[start..].find(close).unwrap_or_else(|| panic!("no {close}"));
        format!("{}{with}{}", &text[..start], &text[end..])
    };
    let tokyo = FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| panic!("offset"));
    let at = (report_time(xml) + Duration::minutes(minutes)).with_timezone(&tokyo).to_rfc3339();
    let text = replace_between(xml, "<InfoType>", "</InfoType>", "取消");
    let text = replace_between(&text, "<ReportDateTime>", "</ReportDateTime>", &at);
    if !bodyless {
        return text;
    }
    // `<Body xmlns="…">…</Body>` becomes `<Body xmlns="…"/>`.
    let start = text.find("<Body").unwrap_or_else(|| panic!("no Body"));
    let open_end = start + text[start..].find('>').unwrap_or_else(|| panic!("no >"));
    let end = text.find("</Body>").unwrap_or_else(|| panic!("no </Body>")) + "</Body>".len();
    format!("{}{}/>{}", &text[..start], &text[start..open_end], &text[end..])
}

enum Expected {
    Skip(SkipReason),
    Record(RecordReason),
    Notices(Vec<Seen>),
    /// A 取消 withdrawing the report read at this place in the row, after which
    /// these warnings (town, name) are in force.
    Cancels {
        read: usize,
        in_force: Vec<(&'static str, &'static str)>,
    },
}

/// Every official sample in `data/jmaxml/`, read with no history at its own report
/// time, and what it must produce — worked out by reading each file; then 取消s
/// derived from them (and from the derived samples), each row read in order with
/// one history, the expectation being the last report's.
fn official_table() -> Vec<(Vec<Read>, Expected)> {
    use Expected::{Cancels, Notices, Record, Skip};
    use Read::{Cancel, File};
    let in_force_after_issue = vec![
        (CHICHIBU, "大雨警報（土砂災害）"),
        (CHICHIBU, "雷注意報"),
        (YOKOZE, "大雨警報（土砂災害）"),
        (YOKOZE, "雷注意報"),
        (MINANO, "大雨注意報"),
        (MINANO, "雷注意報"),
        (NAGATORO, "大雨注意報"),
        (NAGATORO, "雷注意報"),
        (OGANO, "大雨警報（土砂災害）"),
        (OGANO, "雷注意報"),
    ];
    let official: Vec<(&'static str, Expected)> = vec![
        // 東京都 VPWW53: the old format is skipped whatever it says, since VPWW54 carries
        // the same warnings.
        ("15_14_01_170216_VPWW53.xml", Skip(SkipReason::ReplacedByVpww54)),
        // 徳島県 高潮警報: another prefecture; no area code of ours appears.
        ("15_15_01_220314_VPWW54.xml", Record(RecordReason::NoAffectedTowns)),
        // 島根県 レベル３大雨警報 (per-hazard VPWW55): another prefecture.
        ("15_17_01_250630_VPWW55.xml", Record(RecordReason::NoAffectedTowns)),
        // 島根県 レベル４土砂災害危険警報 (per-hazard VPWW56): another prefecture.
        ("15_17_01_250630_VPWW56.xml", Record(RecordReason::NoAffectedTowns)),
        // 福岡県 土砂災害警戒情報: another prefecture.
        ("17_01_01_190529_VXWW50.xml", Record(RecordReason::NoAffectedTowns)),
        // 神奈川県 レベル４土砂災害危険警報: another prefecture.
        ("17_04_01_250630_VXWW50.xml", Record(RecordReason::NoAffectedTowns)),
        // 埼玉県 竜巻注意情報: ours, and 埼玉県 110000 is 発表 — but it was issued for 南部
        // and 北部 only. 秩父地方 110030 and all five towns are listed with status なし,
        // and the prefecture alone never counts.
        ("19_08_01_150916_VPHW50.xml", Record(RecordReason::NoAffectedTowns)),
        // 駿河湾 2009-08-11 震度速報: 埼玉県秩父 (332) has MaxInt 3, the default threshold,
        // so all five towns hear of it; below 震度4 it waits as a draft.
        (
            "32-35_01_01_100806_VXSE51.xml",
            Notices(vec![expect(
                &format!("震度3の地震（{FIVE_JA}）"),
                ALL_FIVE,
                SendMode::Draft,
                Urgency::Normal,
                "disaster",
            )]),
        ),
        // 鹿児島県・宮崎県 震度速報: no area of ours.
        ("32-35_04_01_100831_VXSE51.xml", Record(RecordReason::NoAffectedTowns)),
        // 岩手・宮城内陸地震 震源・震度情報: 秩父市, 横瀬町, 長瀞町 and 小鹿野町 are listed with
        // 震度1 (皆野町 is not listed at all): below the threshold of 3.
        ("32-35_06_03_240613_VXSE53.xml", Record(RecordReason::NoAffectedTowns)),
    ];
    let suruga = "32-35_01_01_100806_VXSE51.xml";
    let issued = "derived/vpww54_1_hatsuhyo.xml";
    let lifted = "derived/vpww54_4_kaijo.xml";
    let landslide = "derived/vxww50_1_chichibu_hatsuhyo.xml";
    let tokushima = "15_15_01_220314_VPWW54.xml";
    let derived = vec![
        // Issued → cancelled: the Suruga Bay flash is withdrawn (its notice with it).
        (vec![File(suruga), Cancel { of: suruga, minutes: 3, bodyless: false }], Cancels { read: 0, in_force: vec![] }),
        // Issued → cancelled: the warnings it issued are no longer in force, so a
        // later 解除 has nothing to announce.
        (vec![File(issued), Cancel { of: issued, minutes: 5, bodyless: false }], Cancels { read: 0, in_force: vec![] }),
        // Cancelled twice: the second 取消 finds nothing left to withdraw.
        (
            vec![
                File(landslide),
                Cancel { of: landslide, minutes: 5, bodyless: false },
                Cancel { of: landslide, minutes: 10, bodyless: false },
            ],
            Record(RecordReason::NothingToCancel),
        ),
        // Cancelled after a 解除: the 解除 is withdrawn, and what it lifted is in force again.
        (
            vec![File(issued), File(lifted), Cancel { of: lifted, minutes: 5, bodyless: false }],
            Cancels { read: 1, in_force: in_force_after_issue },
        ),
        // Bodyless: a 取消 with an empty Body still withdraws the last report, here
        // one that made nothing for the towns (so the poller sends nothing).
        (
            vec![File(tokushima), Cancel { of: tokushima, minutes: 5, bodyless: true }],
            Cancels { read: 0, in_force: vec![] },
        ),
        (vec![File(suruga), Cancel { of: suruga, minutes: 3, bodyless: true }], Cancels { read: 0, in_force: vec![] }),
        // A 取消 of a report never read: nothing to take back.
        (vec![Cancel { of: suruga, minutes: 3, bodyless: true }], Record(RecordReason::NothingToCancel)),
    ];
    official.into_iter().map(|(name, expected)| (vec![File(name)], expected)).chain(derived).collect()
}

#[test]
fn every_official_sample_produces_what_the_table_says() {
    let listed: Vec<&str> = official_table()
        .iter()
        .filter_map(|(reads, _)| match reads.as_slice() {
            [Read::File(name)] if !name.starts_with("derived/") => Some(*name),
            _ => None,
        })
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(format!("{}/tests/fixtures/jmaxml", env!("CARGO_MANIFEST_DIR")))
        .expect("fixtures")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".xml"))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, listed, "every official sample needs a row in the table");

    let mapper = mapper();
    for (reads, expected) in official_table() {
        let name = format!("{reads:?}");
        let mut state = JmaState::default();
        let evaluations: Vec<Evaluation> = reads
            .iter()
            .map(|read| {
                let xml = read.xml();
                read_at(&mapper, &xml, &mut state, report_time(&xml))
            })
            .collect();
        let Some(evaluation) = evaluations.last() else { panic!("{name}: an empty row") };
        match expected {
            Expected::Skip(reason) => assert_eq!(only_skip(evaluation), Some(&reason), "{name}"),
            Expected::Record(reason) => assert_eq!(only_record(evaluation), Some(&reason), "{name}"),
            Expected::Notices(want) => {
                let got: Vec<Seen> = notices(evaluation).into_iter().map(seen).collect();
                assert_eq!(got, want, "{name}");
            }
            Expected::Cancels { read, in_force } => {
                let withdrawn = evaluations[read].report.as_ref().unwrap_or_else(|| panic!("{name}: read"));
                let cancel = only_cancel(evaluation).unwrap_or_else(|| panic!("{name}: {:?}", evaluation.decisions));
                assert_eq!((&cancel.report, &cancel.title), (&withdrawn.id, &withdrawn.title), "{name}");
                let mut left: Vec<(&str, &str)> = state
                    .warnings
                    .iter()
                    .map(|(key, warning)| (key.municipality.as_str(), warning.name.as_str()))
                    .collect();
                left.sort();
                assert_eq!(left, in_force, "{name}");
            }
        }
    }
}

#[test]
fn the_suruga_bay_flash_tells_residents_when_and_how_strong() {
    let evaluation = read(&mapper(), "32-35_01_01_100806_VXSE51.xml", &mut JmaState::default());
    let notice = notices(&evaluation)[0];
    let body = notice.body.as_str();
    assert!(body.starts_with("8月11日05時07分ごろ、地震がありました。"), "{body}");
    assert!(body.contains(&format!("・震度3：{FIVE_JA}")), "{body}");
    assert!(body.contains("身の安全を確保"), "{body}");
    assert!(body.contains("（気象庁 2009年8月11日 05:09発表「震度速報」）"), "{body}");
    assert_eq!(
        notice.title_en.as_str(),
        "Earthquake, intensity 3: Chichibu City, Yokoze Town, Minano Town, Nagatoro Town, Ogano Town"
    );
    assert!(notice.body_en.as_str().contains("about 05:07 JST on 11 Aug 2009"), "{}", notice.body_en.as_str());
    assert_eq!(
        notice.source.to_string(),
        format!("jma:{}#1", evaluation.report.as_ref().map(|r| r.id.as_str()).unwrap_or(""))
    );
    assert!(!notice.exercise);
}

#[test]
fn the_earthquake_threshold_is_configurable() {
    let mut rules = JmaRules::default();
    rules.min_intensity = Intensity::One;
    let low = JmaMapper::new(area(), rules);
    // At 震度1 and above the Iwate-Miyagi earthquake reaches the four listed towns.
    let evaluation = read(&low, "32-35_06_03_240613_VXSE53.xml", &mut JmaState::default());
    let got: Vec<Seen> = notices(&evaluation).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect(
            "震度1の地震（秩父市・横瀬町・長瀞町・小鹿野町）",
            &[CHICHIBU, YOKOZE, NAGATORO, OGANO],
            SendMode::Draft,
            Urgency::Normal,
            "disaster"
        )]
    );
    let mut rules = JmaRules::default();
    rules.min_intensity = Intensity::Four;
    let high = JmaMapper::new(area(), rules);
    let evaluation = read(&high, "32-35_01_01_100806_VXSE51.xml", &mut JmaState::default());
    assert_eq!(only_record(&evaluation), Some(&RecordReason::NoAffectedTowns));
}

#[test]
fn a_warning_is_announced_when_issued_and_switched_and_cleared_when_lifted() {
    let mapper = mapper();
    let mut state = JmaState::default();

    let issued = read(&mapper, "derived/vpww54_1_hatsuhyo.xml", &mut state);
    let got: Vec<Seen> = notices(&issued).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [
            expect(
                "大雨警報（土砂災害）・雷注意報発表（秩父市・横瀬町・小鹿野町）",
                &[CHICHIBU, YOKOZE, OGANO],
                SendMode::Auto,
                Urgency::Emergency,
                "weather"
            ),
            expect(
                "大雨注意報・雷注意報発表（皆野町・長瀞町）",
                &[MINANO, NAGATORO],
                SendMode::Draft,
                Urgency::Normal,
                "weather"
            ),
        ]
    );
    let warning = notices(&issued)[0];
    assert!(
        warning.body.as_str().starts_with("秩父市・横瀬町・小鹿野町に大雨警報（土砂災害）、雷注意報が発表されました。")
    );
    assert!(warning.body.as_str().contains("・土砂災害、低い土地の浸水、川の増水に警戒してください。"));
    assert!(warning.body.as_str().contains("・落雷、突風、急な強い雨に注意してください。"));
    assert!(warning.body.as_str().contains("秩父地方では、１日夜遅くまで土砂災害に警戒してください。"));
    assert_eq!(
        warning.title_en.as_str(),
        // The full list would pass the 100 characters a subject may have.
        "Heavy Rain Warning (landslides), Thunderstorm Advisory issued: Chichibu City and 2 more"
    );
    assert_eq!(state.warnings.len(), 10, "two warning series in each of the five towns");

    let continued = read(&mapper, "derived/vpww54_2_keizoku.xml", &mut state);
    assert_eq!(only_record(&continued), Some(&RecordReason::NothingNew), "継続 sends nothing");

    let switched = read(&mapper, "derived/vpww54_3_kirikae.xml", &mut state);
    let got: Vec<Seen> = notices(&switched).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [
            // The advisory rode along with the warning, so its all-clear goes the same way.
            expect(
                "雷注意報解除（秩父市・横瀬町・小鹿野町）",
                &[CHICHIBU, YOKOZE, OGANO],
                SendMode::Auto,
                Urgency::Normal,
                "weather"
            ),
            expect(
                "大雨警報（土砂災害）発表（皆野町・長瀞町）",
                &[MINANO, NAGATORO],
                SendMode::Auto,
                Urgency::Emergency,
                "weather"
            ),
        ]
    );
    assert!(notices(&switched)[0].body.as_str().contains("引き続き、最新の気象情報に注意してください。"));
    assert!(notices(&switched)[1].body.as_str().contains("・大雨警報（土砂災害）：発表（大雨注意報から切り替え）"));

    let lifted = read(&mapper, "derived/vpww54_4_kaijo.xml", &mut state);
    let got: Vec<Seen> = notices(&lifted).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [
            expect(
                "大雨警報（土砂災害）解除（秩父市・横瀬町・小鹿野町）",
                &[CHICHIBU, YOKOZE, OGANO],
                SendMode::Auto,
                Urgency::Normal,
                "weather"
            ),
            expect(
                "大雨警報（土砂災害）・雷注意報解除（皆野町・長瀞町）",
                &[MINANO, NAGATORO],
                SendMode::Auto,
                Urgency::Normal,
                "weather"
            ),
        ]
    );
    let all_clear = notices(&lifted)[0].body.as_str();
    assert!(all_clear.starts_with("秩父市・横瀬町・小鹿野町の大雨警報（土砂災害）は解除されました。"), "{all_clear}");
    assert!(!all_clear.contains("【身を守るために】"), "an all-clear is short: {all_clear}");
    assert!(state.warnings.is_empty(), "{:?}", state.warnings);
}

#[test]
fn a_lifting_or_continuation_of_something_never_announced_sends_nothing() {
    let mapper = mapper();
    for name in ["derived/vpww54_2_keizoku.xml", "derived/vpww54_4_kaijo.xml", "derived/vxww50_3_chichibu_kaijo.xml"] {
        let evaluation = read(&mapper, name, &mut JmaState::default());
        assert_eq!(only_record(&evaluation), Some(&RecordReason::NothingNew), "{name}");
    }
}

#[test]
fn a_municipality_may_keep_warnings_as_drafts() {
    let mut rules = JmaRules::default();
    rules.set_municipality(RuleKind::Warning, MunicipalityCode::parse(YOKOZE).expect("code"), SendMode::Draft);
    let evaluation = read(&JmaMapper::new(area(), rules), "derived/vpww54_1_hatsuhyo.xml", &mut JmaState::default());
    let got: Vec<(Vec<MunicipalityCode>, SendMode)> =
        notices(&evaluation).iter().map(|n| (n.municipalities.clone(), n.send)).collect();
    assert_eq!(
        got,
        [
            (codes(&[CHICHIBU, OGANO]), SendMode::Auto),
            (codes(&[YOKOZE]), SendMode::Draft),
            (codes(&[MINANO, NAGATORO]), SendMode::Draft),
        ]
    );
}

#[test]
fn a_landslide_alert_for_chichibu_reaches_chichibu_only_and_a_correction_does_not_repeat_it() {
    let mapper = mapper();
    let mut state = JmaState::default();
    let issued = read(&mapper, "derived/vxww50_1_chichibu_hatsuhyo.xml", &mut state);
    let got: Vec<Seen> = notices(&issued).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect("土砂災害警戒情報発表（秩父市）", &[CHICHIBU], SendMode::Auto, Urgency::Emergency, "disaster")]
    );
    let body = notices(&issued)[0].body.as_str();
    assert!(body.contains("警戒レベル4相当"), "{body}");
    assert!(body.contains("（埼玉県・熊谷地方気象台 2026年7月1日 19:30発表「埼玉県土砂災害警戒情報」）"), "{body}");

    let corrected = read(&mapper, "derived/vxww50_2_chichibu_teisei.xml", &mut state);
    assert_eq!(only_record(&corrected), Some(&RecordReason::NothingNew));

    let lifted = read(&mapper, "derived/vxww50_3_chichibu_kaijo.xml", &mut state);
    let got: Vec<Seen> = notices(&lifted).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect("土砂災害警戒情報解除（秩父市）", &[CHICHIBU], SendMode::Auto, Urgency::Normal, "disaster")]
    );
}

#[test]
fn the_same_report_twice_is_handled_once() {
    let mapper = mapper();
    let mut state = JmaState::default();
    let xml = fixture("derived/vxww50_1_chichibu_hatsuhyo.xml");
    let first = read_at(&mapper, &xml, &mut state, report_time(&xml));
    assert_eq!(notices(&first).len(), 1);
    let again = read_at(&mapper, &xml, &mut state, report_time(&xml) + Duration::minutes(1));
    assert_eq!(only_skip(&again), Some(&SkipReason::AlreadyProcessed));
    assert!(again.changes.is_empty());
}

#[test]
fn a_tornado_advisory_for_the_chichibu_area_reaches_the_five_towns() {
    let mapper = mapper();
    let xml = fixture("derived/vphw50_chichibu.xml");
    let evaluation = read_at(&mapper, &xml, &mut JmaState::default(), report_time(&xml));
    let got: Vec<Seen> = notices(&evaluation).into_iter().map(seen).collect();
    let want = [expect(&format!("竜巻注意情報（{FIVE_JA}）"), ALL_FIVE, SendMode::Draft, Urgency::Normal, "weather")];
    assert_eq!(got, want);
    let notice = notices(&evaluation)[0];
    assert_eq!(notice.expires_at.map(|at| at.to_rfc3339()), Some("2015-07-17T01:30:00+00:00".to_owned()));
    assert!(notice.body.as_str().contains("この情報は17日10時30分まで有効です。"));

    // Without the town list, 秩父地方 110030 speaks for its towns.
    let start = xml.find("<Warning type=\"竜巻注意情報（市町村等）\">").expect("town list");
    let end = start + xml[start..].find("</Warning>").expect("end") + "</Warning>".len();
    let region_only = format!("{}{}", &xml[..start], &xml[end..]);
    let evaluation = read_at(&mapper, &region_only, &mut JmaState::default(), report_time(&xml));
    let got: Vec<Seen> = notices(&evaluation).into_iter().map(seen).collect();
    assert_eq!(got, want);
}

#[test]
fn record_breaking_rain_reaches_the_town_its_headline_names() {
    let evaluation = read(&mapper(), "derived/vpoa50_chichibu.xml", &mut JmaState::default());
    let got: Vec<Seen> = notices(&evaluation).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect("記録的短時間大雨情報（秩父市）", &[CHICHIBU], SendMode::Draft, Urgency::Normal, "weather")]
    );
    assert!(notices(&evaluation)[0].body.as_str().contains("秩父市付近で約１２０ミリ"));
}

#[test]
fn an_intensity_3_earthquake_in_chichibu_waits_as_a_draft() {
    let evaluation = read(&mapper(), "derived/vxse53_chichibu_3.xml", &mut JmaState::default());
    let got: Vec<Seen> = notices(&evaluation).into_iter().map(seen).collect();
    assert_eq!(got, [expect("震度3の地震（秩父市）", &[CHICHIBU], SendMode::Draft, Urgency::Normal, "disaster")]);
    let body = notices(&evaluation)[0].body.as_str();
    assert!(body.contains("震源地は埼玉県秩父地方、地震の規模（マグニチュード）は4.1と推定されます。"), "{body}");
    assert!(body.contains("この地震による津波の心配はありません。"), "{body}");
}

#[test]
fn strong_shaking_goes_out_at_once_and_again_only_where_it_proves_stronger() {
    let mapper = mapper();
    let mut state = JmaState::default();
    let flash = read(&mapper, "derived/vxse51_chichibu_5lower.xml", &mut state);
    let got: Vec<Seen> = notices(&flash).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect(&format!("震度5弱の地震（{FIVE_JA}）"), ALL_FIVE, SendMode::Auto, Urgency::Emergency, "disaster")]
    );
    assert!(notices(&flash)[0].body.as_str().contains("火の元とガス漏れ"));

    let detail = read(&mapper, "derived/vxse53_chichibu_6upper.xml", &mut state);
    let got: Vec<Seen> = notices(&detail).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect(
            "最大震度6強の地震（秩父市・小鹿野町）",
            &[CHICHIBU, OGANO],
            SendMode::Auto,
            Urgency::Emergency,
            "disaster"
        )]
    );
    let body = notices(&detail)[0].body.as_str();
    assert!(body.contains("・震度6強：秩父市（先の情報の震度5弱から更新）"), "{body}");
    assert!(body.contains("・震度6弱：小鹿野町（先の情報の震度5弱から更新）"), "{body}");

    // Heard first, the detailed report reaches every town.
    let fresh = read(&mapper, "derived/vxse53_chichibu_6upper.xml", &mut JmaState::default());
    let got: Vec<Seen> = notices(&fresh).into_iter().map(seen).collect();
    assert_eq!(
        got,
        [expect(&format!("最大震度6強の地震（{FIVE_JA}）"), ALL_FIVE, SendMode::Auto, Urgency::Emergency, "disaster")]
    );
}

#[test]
fn a_town_may_keep_even_strong_shaking_as_a_draft() {
    let mut rules = JmaRules::default();
    rules.set_municipality(RuleKind::StrongQuake, MunicipalityCode::parse(NAGATORO).expect("code"), SendMode::Draft);
    let evaluation =
        read(&JmaMapper::new(area(), rules), "derived/vxse51_chichibu_5lower.xml", &mut JmaState::default());
    let got: Vec<(Vec<MunicipalityCode>, SendMode)> =
        notices(&evaluation).iter().map(|n| (n.municipalities.clone(), n.send)).collect();
    assert_eq!(
        got,
        [(codes(&[CHICHIBU, YOKOZE, MINANO, OGANO]), SendMode::Auto), (codes(&[NAGATORO]), SendMode::Draft)]
    );
}

#[test]
fn a_drill_is_kept_as_a_drill_draft_and_leaves_real_reports_alone() {
    let mapper = mapper();
    let mut state = JmaState::default();
    let drill = read(&mapper, "derived/vxse51_chichibu_5lower_drill.xml", &mut state);
    let drill_notices = notices(&drill);
    assert_eq!(drill_notices.len(), 1);
    assert!(drill_notices[0].exercise);
    assert_eq!(drill_notices[0].send, SendMode::Draft, "a drill is never sent as real");
    assert!(drill_notices[0].body.as_str().starts_with("【訓練】"));
    assert!(drill_notices[0].body_en.as_str().starts_with("[DRILL]"));

    let real = read(&mapper, "derived/vxse51_chichibu_5lower.xml", &mut state);
    let real_notices = notices(&real);
    assert_eq!(real_notices.len(), 1);
    assert!(!real_notices[0].exercise);
    assert_eq!(real_notices[0].send, SendMode::Auto);
}

#[test]
fn a_stale_report_is_recorded_never_sent() {
    let mapper = mapper();
    let xml = fixture("derived/vphw50_chichibu.xml");
    let issued = report_time(&xml);
    let late = mapper.evaluate(&xml, &JmaState::default(), issued + Duration::minutes(31)).expect("read");
    assert_eq!(only_record(&late), Some(&RecordReason::Stale { minutes: 31 }));
    let in_time = mapper.evaluate(&xml, &JmaState::default(), issued + Duration::minutes(30)).expect("read");
    assert_eq!(notices(&in_time).len(), 1);
}

#[test]
fn a_stale_lifting_still_forgets_the_warning() {
    let mapper = mapper();
    let mut state = JmaState::default();
    read(&mapper, "derived/vpww54_1_hatsuhyo.xml", &mut state);
    let xml = fixture("derived/vpww54_4_kaijo.xml");
    let late = read_at(&mapper, &xml, &mut state, report_time(&xml) + Duration::hours(2));
    assert_eq!(only_record(&late), Some(&RecordReason::Stale { minutes: 120 }));
    // 雷注意報 in 秩父市, 横瀬町 and 小鹿野町 was not lifted by that report.
    let left: Vec<(&str, &str)> =
        state.warnings.iter().map(|(key, warning)| (key.municipality.as_str(), warning.name.as_str())).collect();
    assert_eq!(left, [(CHICHIBU, "雷注意報"), (YOKOZE, "雷注意報"), (OGANO, "雷注意報")]);
}

#[test]
fn other_reports_are_skipped_quietly_even_when_large() {
    let other = format!(
        "<?xml version=\"1.0\"?><Report xmlns=\"http://xml.kishou.go.jp/jmaxml1/\"><Control><Title>府県気象情報</Title>\
         <Status>通常</Status></Control><Head>{}</Head></Report>",
        "<Text>長い解説</Text>".repeat(400_000)
    );
    assert!(other.len() > JmaLimits::default().max_bytes);
    let evaluation = mapper().evaluate(&other, &JmaState::default(), Utc::now()).expect("skipped, not refused");
    assert_eq!(only_skip(&evaluation), Some(&SkipReason::NotHandled { title: "府県気象情報".into() }));

    let tornado = fixture("derived/vphw50_chichibu.xml");
    let test = tornado.replacen("<Status>通常</Status>", "<Status>試験</Status>", 1);
    let evaluation = mapper().evaluate(&test, &JmaState::default(), report_time(&tornado)).expect("read");
    assert_eq!(only_skip(&evaluation), Some(&SkipReason::TestMessage));
}

#[test]
fn an_oversized_report_of_a_handled_type_is_refused() {
    let xml = fixture("derived/vphw50_chichibu.xml");
    let small = mapper().with_limits(JmaLimits { max_bytes: 10_000, ..JmaLimits::default() });
    let refused = small.evaluate(&xml, &JmaState::default(), report_time(&xml));
    assert_eq!(refused, Err(JmaError::TooLarge { size: xml.len(), max: 10_000 }));
}

#[test]
fn hostile_text_is_refused_with_a_reason() {
    let mapper = mapper();
    let state = JmaState::default();
    let now = Utc::now();
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE Report [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>\
                  <Report><Control><Title>震度速報</Title><Status>&b;</Status></Control></Report>";
    assert_eq!(mapper.evaluate(laughs, &state, now), Err(JmaError::Doctype));
    let external = fixture("32-35_04_01_100831_VXSE51.xml").replacen("鹿児島県大隅", "&xxe;", 1);
    assert_eq!(mapper.evaluate(&external, &state, now), Err(JmaError::UnknownEntity("xxe".into())));
    let deep = format!("<Report>{}</Report>", "<Body>".repeat(100_000));
    assert_eq!(mapper.evaluate(&deep, &state, now), Err(JmaError::TooDeep { max: 32 }));
    let truncated = fixture("32-35_04_01_100831_VXSE51.xml");
    let truncated = &truncated[..truncated.len() / 2];
    assert!(matches!(mapper.evaluate(truncated, &state, now), Err(JmaError::Malformed(_))));
    assert!(matches!(mapper.evaluate("%PDF-1.4 binary", &state, now), Err(JmaError::NotJmaReport(_))));
    // Well-formed, with a handled title, but not what the schema says.
    let odd = "<Report><Control><Title>震度速報</Title><Status>通常</Status></Control><Head/></Report>";
    let error = mapper.evaluate(odd, &state, now).err();
    assert!(matches!(error, Some(JmaError::Schema(_))), "{error:?}");
    assert!(error.map(|e| e.to_string()).unwrap_or_default().starts_with("the JMA report does not match its schema"));
}

#[test]
fn control_and_direction_characters_in_a_report_never_reach_residents() {
    let xml = fixture("derived/vpww54_1_hatsuhyo.xml")
        .replace("<Name>大雨警報</Name>", "<Name>大雨&#x202E;警報&#x7;</Name>")
        .replace("<Text>秩父地方では", "<Text>&#x202E;秩父地方では");
    let evaluation = read_at(&mapper(), &xml, &mut JmaState::default(), report_time(&xml));
    let warning = notices(&evaluation)[0];
    assert_eq!(warning.title.as_str(), "大雨警報（土砂災害）・雷注意報発表（秩父市・横瀬町・小鹿野町）");
    assert!(warning.body.as_str().contains("\n秩父地方では、"), "{}", warning.body.as_str());
}

#[test]
fn a_cancelled_issue_leaves_nothing_to_lift_and_a_cancelled_lifting_leaves_the_warning_to_lift_again() {
    let mapper = mapper();
    let mut state = JmaState::default();
    read(&mapper, "derived/vpww54_1_hatsuhyo.xml", &mut state);
    let xml = cancellation(&fixture("derived/vpww54_1_hatsuhyo.xml"), 5, false);
    read_at(&mapper, &xml, &mut state, report_time(&xml));
    let lifted = read(&mapper, "derived/vpww54_4_kaijo.xml", &mut state);
    assert_eq!(only_record(&lifted), Some(&RecordReason::NothingNew), "nobody was told of the cancelled warnings");

    let mut state = JmaState::default();
    read(&mapper, "derived/vpww54_1_hatsuhyo.xml", &mut state);
    let in_force = state.warnings.clone();
    let first = read(&mapper, "derived/vpww54_4_kaijo.xml", &mut state);
    let first: Vec<&str> = notices(&first).iter().map(|n| n.title.as_str()).collect();
    assert_eq!(first.len(), 2);
    let kaijo = fixture("derived/vpww54_4_kaijo.xml");
    let cancelled = cancellation(&kaijo, 5, false);
    read_at(&mapper, &cancelled, &mut state, report_time(&cancelled));
    assert_eq!(state.warnings, in_force, "what the cancelled 解除 lifted is in force again");
    // JMA lifts them again, in a report of its own: residents hear the all-clear again.
    let again = kaijo.replace(
        &format!("<ReportDateTime>{}", between(&kaijo, "<ReportDateTime>", "</ReportDateTime>")),
        "<ReportDateTime>2026-07-02T09:00:00+09:00",
    );
    let relifted = read_at(&mapper, &again, &mut state, report_time(&again));
    let titles: Vec<&str> = notices(&relifted).iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, first);
}

#[test]
fn a_cancelled_earthquake_report_is_forgotten_and_the_same_cancellation_twice_is_handled_once() {
    let mapper = mapper();
    let mut state = JmaState::default();
    read(&mapper, "derived/vxse51_chichibu_5lower.xml", &mut state);
    let xml = cancellation(&fixture("derived/vxse51_chichibu_5lower.xml"), 2, true);
    let cancelled = read_at(&mapper, &xml, &mut state, report_time(&xml));
    assert_eq!(only_cancel(&cancelled).map(|c| c.title.as_str()), Some("震度速報"));
    assert!(state.quakes.is_empty(), "{:?}", state.quakes);
    let again = read_at(&mapper, &xml, &mut state, report_time(&xml) + Duration::minutes(1));
    assert_eq!(only_skip(&again), Some(&SkipReason::AlreadyProcessed));
    // The detailed report of the same earthquake is news everywhere, not an update
    // of an intensity nobody now stands by.
    let detail = read(&mapper, "derived/vxse53_chichibu_6upper.xml", &mut state);
    let body = notices(&detail)[0].body.as_str();
    assert_eq!(notices(&detail)[0].municipalities, codes(ALL_FIVE));
    assert!(!body.contains("先の情報"), "{body}");
}

#[test]
fn a_cancellation_is_acted_on_however_late_it_comes() {
    let mapper = mapper();
    let mut state = JmaState::default();
    read(&mapper, "derived/vxww50_1_chichibu_hatsuhyo.xml", &mut state);
    let xml = cancellation(&fixture("derived/vxww50_1_chichibu_hatsuhyo.xml"), 5, false);
    let late = read_at(&mapper, &xml, &mut state, report_time(&xml) + Duration::hours(3));
    assert!(only_cancel(&late).is_some(), "{:?}", late.decisions);
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> &'a str {
    let start = xml.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let end = start + xml[start..].find(close).unwrap_or_else(|| panic!("no {close}"));
    &xml[start..end]
}
