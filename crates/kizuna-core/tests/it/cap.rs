//! CAP and Atom documents checked by a real XML toolchain: every CAP message Kizuna
//! produces validates against the OASIS CAP 1.2 schema, and feeds parse back.

use std::io::ErrorKind;
use std::process::{Command, Output};

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::EmailAddress;
use kizuna_core::atom::{FeedScope, Listing, cap_index_feed, notice_feed, render_atom_feed};
use kizuna_core::cap::{CapArea, CapIssuer, CapMsgType, CapNotice, render_cap};
use kizuna_core::consortium::{Category, ConsortiumSeed};
use kizuna_core::notice::Urgency;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cap/cap12.xsd");
const INVALID_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cap/invalid.cap");

fn xmllint(args: &[&str]) -> Output {
    match Command::new("xmllint").args(args).output() {
        Ok(output) => output,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            panic!("xmllint is missing: apt-get install libxml2-utils (scripts/test installs it)")
        }
        Err(error) => panic!("xmllint could not run: {error}"),
    }
}

/// Writes a document under Cargo's temporary directory for tests and returns its path.
fn write(name: &str, xml: &str) -> String {
    let path = format!("{}/kizuna-{name}", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, xml).unwrap_or_else(|e| panic!("write {path}: {e}"));
    path
}

/// Validates a CAP document against the schema and returns where it was written.
fn assert_valid_cap(name: &str, xml: &str) -> String {
    let path = write(&format!("{name}.cap.xml"), xml);
    let output = xmllint(&["--noout", "--nonet", "--schema", SCHEMA, &path]);
    assert!(
        output.status.success(),
        "{name} does not validate against CAP 1.2:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
    path
}

fn xpath_output(path: &str, expression: &str) -> String {
    let output = xmllint(&["--nonet", "--xpath", expression, path]);
    let text = String::from_utf8(output.stdout).unwrap_or_else(|e| panic!("xmllint printed non-UTF-8: {e}"));
    // xmllint ends what it prints with one line feed of its own.
    text.strip_suffix('\n').map(str::to_owned).unwrap_or(text)
}

/// The string values of the nodes an XPath (namespaces ignored with local-name()) selects.
fn xpath(path: &str, expression: &str) -> Vec<String> {
    let count = xpath_output(path, &format!("count({expression})"));
    let count: usize = count.parse().unwrap_or_else(|e| panic!("count({expression}) gave {count:?}: {e}"));
    (1..=count).map(|i| xpath_output(path, &format!("string(({expression})[{i}])"))).collect()
}

fn el(name: &str) -> String {
    format!("*[local-name()='{name}']")
}

fn cap_path(parts: &[&str]) -> String {
    let steps: Vec<String> = parts.iter().map(|part| el(part)).collect();
    format!("/{}", steps.join("/"))
}

struct Region {
    seed: ConsortiumSeed,
    issuer: CapIssuer,
}

impl Region {
    fn new() -> Self {
        let seed = ConsortiumSeed::chichibu().unwrap_or_else(|e| panic!("built-in consortium: {e}"));
        let sender = EmailAddress::parse("info@mail.kizuna.example.jp").unwrap_or_else(|e| panic!("sender: {e}"));
        let issuer = CapIssuer::new(&sender, "https://kizuna.example.jp", &seed.info.name_ja, &seed.info.name_en)
            .unwrap_or_else(|e| panic!("issuer: {e}"));
        Self { seed, issuer }
    }

    fn category(&self, key: &str) -> Category {
        let category = self.seed.categories.iter().find(|c| c.key.as_str() == key);
        category.cloned().unwrap_or_else(|| panic!("no category {key} in consortium.toml"))
    }

    fn area(&self, code: &str) -> CapArea {
        let municipality = self.seed.municipalities.iter().find(|m| m.code.as_str() == code);
        CapArea::from(municipality.unwrap_or_else(|| panic!("no municipality {code} in consortium.toml")))
    }

    fn notice(&self, id: i64) -> CapNotice {
        CapNotice {
            id,
            msg_type: CapMsgType::Alert,
            references: vec![],
            sent: sent(),
            exercise: false,
            category: self.category("disaster"),
            urgency: Urgency::Emergency,
            title: "荒川の増水に伴う避難指示".into(),
            body: "秩父市に避難指示を発令しました。\n直ちに避難所へ避難してください。".into(),
            title_en: None,
            body_en: None,
            expires: None,
            areas: vec![self.area("112071")],
        }
    }
}

fn sent() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 5, 5, 0).single().unwrap_or_else(|| panic!("a valid time"))
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn the_validation_harness_rejects_a_document_without_scope() {
    let output = xmllint(&["--noout", "--nonet", "--schema", SCHEMA, INVALID_SAMPLE]);
    assert!(!output.status.success(), "the invalid OASIS sample passed: the schema check is not working");
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn an_alert_validates_and_carries_tokyo_time_and_the_local_government_code() {
    let region = Region::new();
    let path = assert_valid_cap("alert", &render_cap(&region.issuer, &region.notice(101)).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "identifier"]), ["kizuna.example.jp.notice.101"]);
    assert_eq!(value(&["alert", "sender"]), ["info@mail.kizuna.example.jp"]);
    assert_eq!(value(&["alert", "sent"]), ["2026-11-25T14:05:00+09:00"]);
    assert_eq!(value(&["alert", "status"]), ["Actual"]);
    assert_eq!(value(&["alert", "msgType"]), ["Alert"]);
    assert_eq!(value(&["alert", "scope"]), ["Public"]);
    assert_eq!(value(&["alert", "references"]), Vec::<String>::new());
    assert_eq!(value(&["alert", "info", "language"]), ["ja-JP"]);
    assert_eq!(value(&["alert", "info", "category"]), ["Safety"]);
    assert_eq!(value(&["alert", "info", "event"]), ["防災情報"]);
    assert_eq!(value(&["alert", "info", "urgency"]), ["Immediate"]);
    assert_eq!(value(&["alert", "info", "severity"]), ["Severe"]);
    assert_eq!(value(&["alert", "info", "headline"]), ["荒川の増水に伴う避難指示"]);
    assert_eq!(
        value(&["alert", "info", "description"]),
        ["秩父市に避難指示を発令しました。\n直ちに避難所へ避難してください。"]
    );
    assert_eq!(value(&["alert", "info", "web"]), ["https://kizuna.example.jp/notices/101"]);
    assert_eq!(value(&["alert", "info", "area", "areaDesc"]), ["秩父市"]);
    assert_eq!(value(&["alert", "info", "area", "geocode", "valueName"]), ["LocalGovernmentCode"]);
    assert_eq!(value(&["alert", "info", "area", "geocode", "value"]), ["112071"]);
    assert_eq!(value(&["alert", "info", "expires"]), Vec::<String>::new());
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn a_correction_is_an_update_that_references_the_message_it_corrects() {
    let region = Region::new();
    let mut update = region.notice(102);
    update.msg_type = CapMsgType::Update;
    update.sent = sent() + Duration::minutes(20);
    update.references = vec![region.issuer.reference(101, sent())];
    update.title = "荒川の増水に伴う避難指示（対象地区を訂正）".into();
    let path = assert_valid_cap("update", &render_cap(&region.issuer, &update).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "msgType"]), ["Update"]);
    assert_eq!(value(&["alert", "identifier"]), ["kizuna.example.jp.notice.102"]);
    assert_eq!(
        value(&["alert", "references"]),
        ["info@mail.kizuna.example.jp,kizuna.example.jp.notice.101,2026-11-25T14:05:00+09:00"]
    );
    assert_eq!(value(&["alert", "info", "headline"]), ["【訂正】荒川の増水に伴う避難指示（対象地区を訂正）"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn a_withdrawal_is_a_cancel_with_its_own_identifier_referencing_every_earlier_version() {
    let region = Region::new();
    let mut cancel = region.notice(102);
    cancel.msg_type = CapMsgType::Cancel;
    cancel.sent = sent() + Duration::hours(1);
    cancel.references =
        vec![region.issuer.reference(101, sent()), region.issuer.reference(102, sent() + Duration::minutes(20))];
    let path = assert_valid_cap("cancel", &render_cap(&region.issuer, &cancel).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "msgType"]), ["Cancel"]);
    assert_eq!(value(&["alert", "identifier"]), ["kizuna.example.jp.notice.102.cancel"]);
    assert_eq!(value(&["alert", "sent"]), ["2026-11-25T15:05:00+09:00"]);
    assert_eq!(
        value(&["alert", "references"]),
        ["info@mail.kizuna.example.jp,kizuna.example.jp.notice.101,2026-11-25T14:05:00+09:00 \
          info@mail.kizuna.example.jp,kizuna.example.jp.notice.102,2026-11-25T14:25:00+09:00"]
    );
    assert_eq!(value(&["alert", "info", "headline"]), ["【撤回】荒川の増水に伴う避難指示"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn a_drill_is_an_exercise_labelled_in_its_headline() {
    let region = Region::new();
    let mut drill = region.notice(103);
    drill.exercise = true;
    drill.title = "総合防災訓練 避難指示".into();
    let path = assert_valid_cap("drill", &render_cap(&region.issuer, &drill).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "status"]), ["Exercise"]);
    assert_eq!(value(&["alert", "info", "headline"]), ["【訓練】総合防災訓練 避難指示"]);
    assert!(value(&["alert", "note"])[0].contains("訓練"));
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn a_bilingual_notice_has_one_info_per_language() {
    let region = Region::new();
    let mut notice = region.notice(104);
    notice.category = region.category("weather");
    notice.urgency = Urgency::Normal;
    notice.title = "大雨注意報".into();
    notice.title_en = Some("Heavy rain advisory".into());
    notice.body_en = Some("A heavy rain advisory is in effect for Chichibu City.".into());
    let path = assert_valid_cap("bilingual", &render_cap(&region.issuer, &notice).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "info", "language"]), ["ja-JP", "en-US"]);
    assert_eq!(value(&["alert", "info", "category"]), ["Met", "Met"]);
    assert_eq!(value(&["alert", "info", "event"]), ["気象情報", "Weather warnings"]);
    assert_eq!(value(&["alert", "info", "urgency"]), ["Future", "Future"]);
    assert_eq!(value(&["alert", "info", "headline"]), ["大雨注意報", "Heavy rain advisory"]);
    assert_eq!(value(&["alert", "info", "area", "areaDesc"]), ["秩父市", "Chichibu City"]);
    assert_eq!(value(&["alert", "info", "senderName"]), ["秩父市", "Chichibu City"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn an_expiring_notice_states_when_it_expires() {
    let region = Region::new();
    let mut notice = region.notice(105);
    notice.expires = Some(sent() + Duration::hours(6));
    let path = assert_valid_cap("expires", &render_cap(&region.issuer, &notice).unwrap());
    assert_eq!(xpath(&path, &cap_path(&["alert", "info", "expires"])), ["2026-11-25T20:05:00+09:00"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn a_notice_for_the_whole_region_has_an_area_per_municipality() {
    let region = Region::new();
    let mut notice = region.notice(106);
    notice.areas = region.seed.municipalities.iter().map(CapArea::from).collect();
    notice.title_en = Some("Evacuation order".into());
    let path = assert_valid_cap("region", &render_cap(&region.issuer, &notice).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    let ja = format!("{}[1]/{}", cap_path(&["alert", "info"]), el("area"));
    assert_eq!(xpath(&path, &format!("{ja}/{}", el("areaDesc"))), ["秩父市", "横瀬町", "皆野町", "長瀞町", "小鹿野町"]);
    assert_eq!(
        xpath(&path, &format!("{ja}/{}/{}", el("geocode"), el("value"))),
        ["112071", "113611", "113620", "113638", "113654"]
    );
    assert_eq!(
        value(&["alert", "info", "senderName"]),
        [
            "秩父市・横瀬町・皆野町・長瀞町・小鹿野町",
            "Chichibu City, Yokoze Town, Minano Town, Nagatoro Town, Ogano Town"
        ]
    );
    // The English info has a headline but no Japanese description passed off as English.
    assert_eq!(value(&["alert", "info", "description"]).len(), 1);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn hostile_text_stays_text_and_the_document_stays_valid() {
    let region = Region::new();
    let mut notice = region.notice(107);
    notice.title = "<b>注意</b> & \u{1b}[31m赤字\u{0}".into();
    notice.body = "]]> <!-- x --> &amp; \u{7}鳴動".into();
    let path = assert_valid_cap("hostile", &render_cap(&region.issuer, &notice).unwrap());
    let value = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(value(&["alert", "info", "headline"]), ["<b>注意</b> & [31m赤字"]);
    assert_eq!(value(&["alert", "info", "description"]), ["]]> <!-- x --> &amp; 鳴動"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn the_notice_feed_parses_back_with_its_entries() {
    let region = Region::new();
    let area = region.area("112071");
    let disaster = region.category("disaster");
    let mut drill = region.notice(110);
    drill.exercise = true;
    drill.title = "避難訓練 & 炊き出し".into();
    let mut staff = region.notice(111);
    staff.category = region.category("staff");
    let listing = Listing { now: sent() + Duration::days(1), obituary_days: 7 };
    let scope = FeedScope { municipality: Some(&area), category: Some(&disaster) };
    let feed = notice_feed(&region.issuer, &scope, &[drill, staff, region.notice(109)], &listing);
    let path = write("notices.atom.xml", &render_atom_feed(&feed));
    let output = xmllint(&["--noout", "--nonet", &path]);
    assert!(output.status.success(), "the Atom feed is not well-formed: {}", String::from_utf8_lossy(&output.stderr));
    let feed_path = |parts: &[&str]| xpath(&path, &cap_path(parts));
    assert_eq!(feed_path(&["feed", "title"]), ["秩父圏域のお知らせ（秩父市・防災情報）"]);
    assert_eq!(feed_path(&["feed", "entry", "title"]), ["【訓練】避難訓練 & 炊き出し", "荒川の増水に伴う避難指示"]);
    assert_eq!(feed_path(&["feed", "updated"]), ["2026-11-25T14:05:00+09:00"]);
    assert_eq!(
        xpath(&path, &format!("{}[@rel='self']/@href", cap_path(&["feed", "link"]))),
        ["https://kizuna.example.jp/feeds/atom.xml?municipality=112071&category=disaster"]
    );
    assert_eq!(xpath(&path, "/*/@*[local-name()='lang']"), ["ja"]);
}

#[test]
#[ignore = "needs xmllint; scripts/test runs it"]
fn the_cap_index_parses_back_and_each_entry_points_at_valid_cap() {
    let region = Region::new();
    let mut bilingual = region.notice(121);
    bilingual.title_en = Some("Evacuation order".into());
    let notices = [region.notice(120), bilingual];
    let listing = Listing { now: sent() + Duration::hours(1), obituary_days: 7 };
    let path = write("cap-index.atom.xml", &render_atom_feed(&cap_index_feed(&region.issuer, &notices, &listing)));
    let output = xmllint(&["--noout", "--nonet", &path]);
    assert!(output.status.success(), "the CAP index is not well-formed: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        xpath(&path, &format!("{}[@type='application/cap+xml']/@href", cap_path(&["feed", "entry", "link"]))),
        ["https://kizuna.example.jp/notices/120/cap.xml", "https://kizuna.example.jp/notices/121/cap.xml"]
    );
    for notice in &notices {
        assert_valid_cap(&format!("indexed-{}", notice.id), &render_cap(&region.issuer, notice).unwrap());
    }
}
